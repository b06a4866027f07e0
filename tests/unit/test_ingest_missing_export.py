"""A load whose complaint export is missing stops instead of reporting no complaints.

Before, a workspace whose complaint mapping matched no file (the export saved elsewhere, or the
folder emptied by a sync) loaded its surveys and Ombudsman files, said "ok", and wrote a TSM
return of CH01 0.0 per 1,000 homes: a false figure for the regulator, with a warning on the
console only. The load now stops, names the mapping and its pattern, and writes nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "ingest"))

import workspaces as ws  # noqa: E402

from pipeline.config import load_landlord  # noqa: E402
from pipeline.ingest import IngestError, ingest_workspace  # noqa: E402


def test_no_file_for_any_complaint_mapping_stops_the_load(tmp_path):
    root = ws.wide_workspace(tmp_path / "ws")
    (root / "exports" / "complaints_2024.csv").rename(root / "complaints_2024.csv")
    con = duckdb.connect()
    with pytest.raises(IngestError) as raised:
        ingest_workspace(con, root, load_landlord(root), ws.KEY)
    message = str(raised.value)
    assert "mappings/complaints.yaml" in message and "exports/complaints_*.csv" in message
    assert "no complaint export" in message and "CH01" in message
    # nothing was loaded: the previous run's tables and outputs stand
    assert (
        con.execute(
            "select count(*) from duckdb_tables() where table_name = 'complaint'"
        ).fetchone()[0]
        == 0
    )


def test_one_complaint_mapping_with_files_is_enough(tmp_path):
    """A second complaint mapping without files (an old system's, say) is left to the warning."""
    root = ws.wide_workspace(tmp_path / "ws")
    (root / "mappings" / "legacy.yaml").write_text(
        (root / "mappings" / "complaints.yaml")
        .read_text()
        .replace("exports/complaints_*.csv", "exports/legacy_*.csv")
    )
    summary = ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    assert summary.files
