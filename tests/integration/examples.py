"""The example workspaces loaded and measured as a run leaves them, for the document tests."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from pipeline.config import Landlord, load_landlord
from pipeline.ingest import ingest_workspace
from pipeline.measures import compute_measures
from pipeline.periods import ReportingYear
from pipeline.workspaces import DEFAULT_WORKSPACES_ROOT


def measured_example(
    con: duckdb.DuckDBPyConnection, name: str, years: Sequence[ReportingYear | str]
) -> tuple[Path, Landlord]:
    """Load the example workspace ``name`` into ``con`` and compute its measures for ``years``;
    returns the workspace folder and its landlord.yaml."""
    workspace = DEFAULT_WORKSPACES_ROOT / name
    landlord = load_landlord(workspace)
    ingest_workspace(con, workspace, landlord, "test-key")
    compute_measures(
        con,
        landlord,
        [y if isinstance(y, ReportingYear) else ReportingYear.parse(y) for y in years],
    )
    return workspace, landlord
