"""The example workspaces through the ingest engine and through Dagster.

(tests/unit/test_examples_ingest.py checks the planted dirty rows; here: the pandera models pass
on every example, a rerun is idempotent, and the asset with its checks materialises.)
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline.config import load_landlord
from pipeline.defs.ingest.assets import canonical_tables
from pipeline.defs.ingest.checks import LOAD_CHECKS
from pipeline.ingest import ingest_workspace
from pipeline.partitions import instance_with_landlords
from pipeline.resources import ComplaintsStore
from pipeline.schemas import SCHEMAS, validate_tables

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
WORKSPACES = sorted(p.parent.name for p in EXAMPLES.glob("*/landlord.yaml"))


@pytest.mark.parametrize("name", WORKSPACES)
def test_example_reconciles_validates_and_reruns(name):
    workspace = EXAMPLES / name
    landlord = load_landlord(workspace)
    con = duckdb.connect()
    first = ingest_workspace(con, workspace, landlord, "test-key")
    assert first.reconciles, first.markdown()
    failures = {t: f for t, f in validate_tables(con, landlord.landlord_id).items() if f.height}
    assert failures == {}
    second = ingest_workspace(con, workspace, landlord, "test-key")
    assert second.table_rows == first.table_rows
    assert [(f.source_file, f.sha256, f.rows_loaded) for f in second.files] == [
        (f.source_file, f.sha256, f.rows_loaded) for f in first.files
    ]


def test_asset_and_checks_materialise(tmp_path):
    name = "small_specialist"
    store = ComplaintsStore(
        workspaces_root=str(EXAMPLES), output_root=str(tmp_path), pseudonymisation_key="k"
    )
    result = dg.materialize(
        [canonical_tables],  # every check (reconciliation, pandera, ...) is on the asset
        resources={"store": store},
        partition_key=name,  # the load is partitioned by landlord only
        instance=instance_with_landlords([name]),
        raise_on_error=True,
    )
    assert result.success
    (materialization,) = result.asset_materializations_for_node("canonical_tables")
    metadata = materialization.metadata
    assert metadata["reconciles"].value is True
    assert metadata["rows_in"].value == (
        metadata["rows_loaded"].value + metadata["rows_quarantined"].value
    )
    assert "| exports/homemaster_complaints_2024-25.xlsx |" in metadata["files"].value
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks["reconciliation"] is True
    assert all(checks[f"pandera_{t}"] for t in ("complaint", "complaint_stage", "quarantine"))
    assert len(checks) == len(LOAD_CHECKS) + len(SCHEMAS)
