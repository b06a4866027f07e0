"""The ``measures`` asset end to end: a tmp workspace and warehouse with canonical rows written here,
materialised through Dagster with its blocking checks; and compute_measures on every example
workspace after a real ingest."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import duckdb
import pytest
import yaml

from pipeline.defs.measures.assets import measures
from pipeline.defs.returns.assets import tsm_return
from pipeline.measures import compute_measures
from pipeline.measures.sanity import RULES, WARNINGS
from pipeline.measures.testing import create_canonical_schema, insert_rows
from pipeline.periods import ReportingYear
from pipeline.resources import ComplaintsStore
from pipeline.workspaces import DEFAULT_WORKSPACES_ROOT, discover_landlords

YEAR = "2024-25"
LANDLORD = discover_landlords(DEFAULT_WORKSPACES_ROOT)[0]
D = dt.date


def write_workspace(root):
    workspace = root / "workspaces" / LANDLORD
    workspace.mkdir(parents=True)
    stage = {"acknowledge_wd": 5, "respond_wd": 10, "extension_wd": 10}
    (workspace / "landlord.yaml").write_text(
        yaml.safe_dump(
            {
                "landlord_id": LANDLORD,
                "name": "Integration Homes",
                "regimes": ["eng"],
                "stock": [
                    {"year_end": "2025-03-31", "stock_type": "lcra", "units_owned": 800},
                    {"year_end": "2025-03-31", "stock_type": "lcho", "units_owned": 0},
                ],
                "policy_versions": [
                    {
                        "effective_from": "2024-04-01",
                        "timescales": {
                            "eng": {"stage_1": stage, "stage_2": {**stage, "respond_wd": 20}}
                        },
                        "escalation_window": {"months_after_stage1_response": 6},
                    }
                ],
                "tsm_summary_of_approach": "Postal census",
                "data_cut_date": "2025-04-30",
            }
        )
    )


def write_warehouse(store, lcho_complaint=False):
    with store.connect(LANDLORD) as con:
        create_canonical_schema(con)
        complaints = [
            {"complaint_id": "a", "received_date": D(2024, 6, 3)},
            {"complaint_id": "b", "received_date": D(2024, 6, 3)},
        ]
        if lcho_complaint:
            complaints.append(
                {"complaint_id": "c", "received_date": D(2024, 6, 3), "tenure": "lcho"}
            )
        insert_rows(con, "complaint", complaints, LANDLORD)
        insert_rows(
            con,
            "complaint_stage",
            [
                # Mon 3 Jun 2024 acknowledged the same day: deadline Mon 17 Jun 2024
                {
                    "complaint_id": c["complaint_id"],
                    "stage": 1,
                    "received_date": D(2024, 6, 3),
                    "acknowledged_date": D(2024, 6, 3),
                    "outcome": "upheld",
                    "responded_date": D(2024, 6, 17) if c["complaint_id"] == "a" else D(2024, 7, 1),
                }
                for c in complaints
            ],
            LANDLORD,
        )


def materialise(tmp_path, lcho_complaint=False, downstream=()):
    write_workspace(tmp_path)
    store = ComplaintsStore(
        workspaces_root=str(tmp_path / "workspaces"), output_root=str(tmp_path / "output")
    )
    write_warehouse(store, lcho_complaint)
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("landlord", [LANDLORD])  # landlords are dynamic partitions
    result = dg.materialize(
        [measures, *downstream],
        resources={"store": store},
        partition_key=dg.MultiPartitionKey({"landlord": LANDLORD, "year": YEAR}),
        instance=instance,
        raise_on_error=False,
    )
    return result, store


def test_measures_asset_writes_rows_headlines_and_passes_checks(tmp_path):
    result, store = materialise(tmp_path)
    assert result.success
    metadata = result.asset_materializations_for_node("measures")[0].metadata
    assert metadata["row_count"].value > 1000
    # 2 complaints / 800 homes x 1000 = 2.5; one of two in time = 50.0
    assert metadata["CH01_1_lcra"].value == "2.5"
    assert metadata["CH02_1_lcra"].value == "50.0"
    checks = result.get_asset_check_evaluations()
    assert {c.check_name for c in checks} == set(RULES) | set(WARNINGS)
    assert all(c.passed for c in checks if c.check_name in RULES)
    with store.connect(LANDLORD, read_only=True) as con:
        assert (
            con.execute(
                "select count(distinct period) from measures where landlord_id = $l",
                {"l": LANDLORD},
            ).fetchone()[0]
            == 2 * 17  # the year and the year before, each with 4 quarters and 12 months
        )


def test_stock_check_fails_for_complaints_against_a_stock_type_with_no_homes(tmp_path):
    result, _ = materialise(tmp_path, lcho_complaint=True)
    checks = {c.check_name: c for c in result.get_asset_check_evaluations()}
    assert checks["stock_for_every_stock_type_with_complaints"].passed is False
    assert checks["percentages_within_0_100"].passed is True


def test_a_failing_blocking_sanity_check_stops_the_returns(tmp_path):
    result, store = materialise(tmp_path, lcho_complaint=True, downstream=[tsm_return])
    assert not result.success
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert materialized == {"measures"}  # the failing blocking check stops tsm_return
    assert not (store.documents(LANDLORD, YEAR) / "tsm_return.csv").exists()


@pytest.mark.parametrize("landlord_id", discover_landlords(DEFAULT_WORKSPACES_ROOT))
def test_compute_measures_on_every_example_workspace(landlord_id):
    ingest = pytest.importorskip("pipeline.ingest")
    from pipeline.config import load_landlord

    workspace = DEFAULT_WORKSPACES_ROOT / landlord_id
    landlord = load_landlord(workspace)
    con = duckdb.connect()
    ingest.ingest_workspace(con, workspace, landlord, "test-key")
    year = ReportingYear.parse(YEAR)
    written = compute_measures(con, landlord, year)
    assert written > 1000
    bad = con.execute(
        "select measure, breakdown_value, value from measures "
        "where unit = 'percent' and (value < 0 or value > 100)"
    ).fetchall()
    assert bad == []
    stages = con.execute("select count(*) from stage_timeliness").fetchone()[0]
    assert stages == con.execute("select count(*) from complaint_stage").fetchone()[0]
    con.close()
