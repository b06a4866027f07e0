"""The retention job through Dagster: one landlord partition, log table and JSON file written,
and the landlord x year asset jobs do not include it."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import dagster as dg
import duckdb

from pipeline.defs.retention.assets import retention_job, retention_schedule
from pipeline.measures import MEASURES_DDL
from pipeline.resources import ComplaintsStore
from pipeline.sql import load_sql

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _seed(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute(load_sql("schema/canonical.sql"))
    con.execute(MEASURES_DDL)
    for cid, closed, hold in [("old", "2001-01-01", False), ("held", "2001-01-01", True),
                              ("new", None, False)]:  # fmt: skip
        con.execute(
            """insert into complaint (landlord_id, complaint_id, received_date, service_area,
               tenure, regime, is_tenant_of_owned_stock, anonymous, collective, vulnerability,
               adjustment_requested, adjustment_made, notifiable_event, energy_ombudsman_referred,
               closed_date, legal_hold, source_file, source_row)
               values ('small_specialist', ?, DATE '2000-06-01', 'housing', 'lcra', 'eng', true,
               false, false, false, false, false, false, false, ?, ?, 'exports/x.xlsx', 5)""",
            [cid, closed, hold],
        )
        con.execute(
            """insert into complaint_stage (landlord_id, complaint_id, stage, received_date,
               extension_wd, outcome, refused, source_file, source_row)
               values ('small_specialist', ?, 1, DATE '2000-06-01', 0, 'upheld', false,
               'exports/x.xlsx', 5)""",
            [cid],
        )
    con.execute(
        "insert into measures values ('small_specialist', 'year', '2000-01', DATE '2000-04-01', "
        "DATE '2001-03-31', 'CH01_1', 'none', 'all', 'regulator', 3, 100, 30, '30.0', 'per_1000')"
    )
    con.close()


def test_retention_job_deletes_and_logs(tmp_path):
    store = ComplaintsStore(workspaces_root=str(EXAMPLES), output_root=str(tmp_path))
    _seed(store.warehouse("small_specialist"))

    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("landlord", ["small_specialist"])  # landlords are dynamic
    result = retention_job.execute_in_process(
        resources={"store": store}, partition_key="small_specialist", instance=instance
    )
    assert result.success
    output = result.output_for_node("apply_retention")
    assert output["complaints_expired"] == 1
    assert output["complaints_on_legal_hold"] == 1
    assert output["deleted"]["complaint"] == 1

    con = duckdb.connect(str(store.warehouse("small_specialist")), read_only=True)
    try:
        left = {r[0] for r in con.execute("select complaint_id from complaint").fetchall()}
        assert left == {"held", "new"}
        assert con.execute("select count(*) from complaint_stage").fetchone()[0] == 2
        assert con.execute("select count(*) from measures").fetchone()[0] == 1
        assert con.execute("select count(*) from retention_log").fetchone()[0] > 0
    finally:
        con.close()
    lines = (tmp_path / "small_specialist" / "retention_log.jsonl").read_text().splitlines()
    record = json.loads(lines[-1])
    assert record["deleted"]["complaint"] == 1 and record["complaints_on_legal_hold"] == 1
    assert "old" not in json.dumps(record["deleted"])  # counts keyed by table, never by id


def test_retention_job_leaves_no_purged_bytes_in_the_warehouse(tmp_path):
    store = ComplaintsStore(workspaces_root=str(EXAMPLES), output_root=str(tmp_path))
    warehouse = store.warehouse("small_specialist")
    _seed(warehouse)
    planted = "PLANTED-retention-8c1f0a77e2"
    con = duckdb.connect(str(warehouse))
    con.execute("update complaint set category = $p where complaint_id = 'old'", {"p": planted})
    con.close()
    assert planted.encode() in warehouse.read_bytes()

    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("landlord", ["small_specialist"])  # landlords are dynamic
        result = retention_job.execute_in_process(
            resources={"store": store}, partition_key="small_specialist", instance=instance
        )
    assert result.success
    assert result.output_for_node("apply_retention")["complaints_expired"] == 1
    for path in (warehouse, warehouse.with_name(warehouse.name + ".wal")):
        assert not path.exists() or planted.encode() not in path.read_bytes(), path.name
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("select count(*) from complaint").fetchone()[0] == 2
    con.close()


def test_retention_is_not_in_the_year_jobs_and_is_scheduled():
    from pipeline.cli import _load_jobs
    from pipeline.definitions import defs

    definitions = defs()
    assert definitions.resolve_job_def("retention_job").name == "retention_job"
    # The load and every landlord x year asset (what the command line runs) still resolve.
    _, jobs = _load_jobs()
    selected = set(jobs["cli_ingest"].asset_layer.selected_asset_keys) | set(
        jobs["cli_landlord_year"].asset_layer.selected_asset_keys
    )
    assert dg.AssetKey("canonical_tables") in selected and dg.AssetKey("measures") in selected
    assert not any("retention" in key.to_user_string() for key in selected)
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("landlord", ["housing21", "small_specialist"])
        with dg.build_schedule_context(
            scheduled_execution_time=datetime.datetime(2026, 1, 5, 3), instance=instance
        ) as context:  # leaves no instance behind for later tests
            requests = list(retention_schedule(context))
    assert {r.partition_key for r in requests} >= {"housing21", "small_specialist"}
