"""The Dagster resource every domain uses: workspaces in, DuckDB and documents out."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from pipeline import workspaces
from pipeline.config import Landlord, load_landlord


class ComplaintsStore(dg.ConfigurableResource):
    """Landlord workspaces (inputs) and the per-landlord DuckDB files and documents (outputs)."""

    workspaces_root: str = str(workspaces.DEFAULT_WORKSPACES_ROOT)
    output_root: str = str(workspaces.DEFAULT_OUTPUT_ROOT)
    pseudonymisation_key: str = "development-key-not-for-production"
    environment: str = "local"  # local | ci | prod

    def workspace(self, landlord_id: str) -> Path:
        return Path(self.workspaces_root) / landlord_id

    def landlord(self, landlord_id: str) -> Landlord:
        return load_landlord(self.workspace(landlord_id))

    def warehouse(self, landlord_id: str) -> Path:
        return workspaces.warehouse_path(landlord_id, Path(self.output_root))

    def documents(self, landlord_id: str, period_key: str) -> Path:
        return workspaces.documents_dir(landlord_id, period_key, Path(self.output_root))

    @contextmanager
    def connect(
        self, landlord_id: str, read_only: bool = False
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """Open the landlord's DuckDB file, closing it even when the step fails."""
        path = self.warehouse(landlord_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path), read_only=read_only)
        try:
            yield con
        finally:
            con.close()
