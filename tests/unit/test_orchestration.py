"""Orchestration: partition discovery, schedules on given dates, the file sensor, the writer lock."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import dagster as dg
import pytest
import yaml

from pipeline.config import Schedules
from pipeline.defs.orchestration import schedules as sched
from pipeline.defs.orchestration.sensors import (
    HIDDEN_NAME_PREFIX,
    THEN_JOB_TAG,
    THEN_YEARS_TAG,
    build_workspace_sensor,
    fingerprint,
)
from pipeline.partitions import (
    build_landlord_month_partitions,
    build_landlord_quarter_partitions,
    build_landlord_year_partitions,
    landlords_in_root,
    reporting_years,
)
from pipeline.resources import ComplaintsStore, LandlordBusyError

LONDON = dt.timezone(dt.timedelta(0))


def landlord_yaml(landlord_id: str, schedules: dict | None = None) -> dict:
    stage = {"acknowledge_wd": 5, "respond_wd": 10, "extension_wd": 10}
    doc = {
        "landlord_id": landlord_id,
        "name": f"Landlord {landlord_id}",
        "regimes": ["eng"],
        "stock": [
            {"year_end": f"{year}-03-31", "stock_type": "lcra", "units_owned": 1200}
            for year in (2024, 2025, 2026)
        ],
        "policy_versions": [
            {
                "effective_from": "2024-04-01",
                "timescales": {"eng": {"stage_1": stage, "stage_2": {**stage, "respond_wd": 20}}},
                "escalation_window": {"months_after_stage1_response": 6},
            }
        ],
        "tsm_summary_of_approach": "Telephone survey.",
        "data_cut_date": "2025-03-31",
    }
    if schedules is not None:
        doc["schedules"] = schedules
    return doc


def make_workspace(root: Path, landlord_id: str, schedules: dict | None = None) -> Path:
    workspace = root / landlord_id
    (workspace / "exports").mkdir(parents=True)
    (workspace / "landlord.yaml").write_text(yaml.safe_dump(landlord_yaml(landlord_id, schedules)))
    return workspace


def age(path: Path, seconds: float = 3600) -> None:
    """Make a file look settled (modified an hour ago)."""
    past = time.time() - seconds
    os.utime(path, (past, past))


# --- partitions ---------------------------------------------------------------------------------


def test_partition_discovery_adds_a_landlord_per_workspace_folder(tmp_path):
    make_workspace(tmp_path, "alpha")
    make_workspace(tmp_path, "beta")
    (tmp_path / "not_a_workspace").mkdir()  # no landlord.yaml: not a landlord
    assert landlords_in_root(tmp_path) == ["alpha", "beta"]

    make_workspace(tmp_path, "gamma")
    parts = build_landlord_year_partitions(landlords_in_root(tmp_path), ["2023-24", "2024-25"])
    keys = parts.get_partition_keys()
    assert len(keys) == 6
    assert dg.MultiPartitionKey({"landlord": "gamma", "year": "2024-25"}) in keys

    quarters = build_landlord_quarter_partitions(["alpha"], ["2024-25"])
    assert [k.keys_by_dimension["quarter"] for k in quarters.get_partition_keys()] == [
        "2024-25-Q1",
        "2024-25-Q2",
        "2024-25-Q3",
        "2024-25-Q4",
    ]


def test_code_location_landlords_are_dynamic_partitions_added_without_reload():
    from pipeline.partitions import LANDLORD_PARTITIONS_NAME, add_landlords, landlord_partitions

    assert isinstance(landlord_partitions, dg.DynamicPartitionsDefinition)
    instance = dg.DagsterInstance.ephemeral()
    assert add_landlords(instance, ["delta"]) == ["delta"]
    assert add_landlords(instance, ["delta", "echo"]) == ["echo"]
    assert instance.get_dynamic_partitions(LANDLORD_PARTITIONS_NAME) == ["delta", "echo"]


def test_reporting_years_run_to_the_year_after_today():
    years = reporting_years(2022, dt.date(2027, 5, 1))
    assert years[0] == "2022-23" and years[-1] == "2028-29"
    assert reporting_years(2022, dt.date(2024, 1, 1))[-1] == "2026-27"  # never shorter than that


# --- schedule date rules -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2025, 4, 5), "2024-25"),  # March data of the closing year
        (dt.date(2025, 5, 5), "2025-26"),
        (dt.date(2025, 5, 6), None),
    ],
)
def test_due_refresh(day, expected):
    assert sched.due_refresh(Schedules(), day) == expected


@pytest.mark.parametrize(
    ("committee", "day", "expected"),
    [
        ("quarterly", dt.date(2025, 7, 10), "2025-26-Q1"),
        ("quarterly", dt.date(2025, 1, 10), "2024-25-Q3"),
        ("quarterly", dt.date(2025, 4, 10), "2024-25-Q4"),
        ("quarterly", dt.date(2025, 8, 10), None),  # not after a quarter end
        ("monthly", dt.date(2025, 8, 10), None),  # a monthly committee gets monthly packs
        ("none", dt.date(2025, 7, 10), None),
    ],
)
def test_due_committee_pack(committee, day, expected):
    assert sched.due_committee_pack(Schedules(committee=committee), day) == expected


def test_due_returns_and_annual_report_are_for_the_closed_year():
    schedules = Schedules(returns_date="05-31", annual_report_date="06-30")
    assert sched.due_returns(schedules, dt.date(2025, 5, 31)) == "2024-25"
    assert sched.due_returns(schedules, dt.date(2025, 6, 1)) is None
    assert sched.due_annual_report(schedules, dt.date(2025, 6, 30)) == "2024-25"
    assert sched.due_annual_report(schedules, dt.date(2025, 5, 31)) is None


# --- schedules evaluated through Dagster --------------------------------------------------------


@pytest.fixture
def two_landlords(tmp_path):
    root = tmp_path / "workspaces"
    make_workspace(root, "alpha", {"monthly_refresh_day": 5, "committee": "quarterly"})
    make_workspace(
        root,
        "beta",
        {"monthly_refresh_day": 12, "committee": "monthly", "returns_date": "06-15"},
    )
    store = ComplaintsStore(workspaces_root=str(root), output_root=str(tmp_path / "out"))
    years = ["2023-24", "2024-25", "2025-26"]
    schedules = sched.build_schedules(
        build_landlord_year_partitions(["alpha", "beta"], years),
        build_landlord_quarter_partitions(["alpha", "beta"], years),
        build_landlord_month_partitions(["alpha", "beta"], years),
    )
    return store, schedules


def evaluate(schedule: dg.ScheduleDefinition, store: ComplaintsStore, when: dt.datetime):
    """``[(partition, landlord)]`` requested; a year schedule's ingest run stands for its year job's
    landlord x year partition (the job chained after the load)."""
    context = dg.build_schedule_context(scheduled_execution_time=when, resources={"store": store})
    result = schedule(context)  # direct invocation: what the daemon would get
    requests = result if isinstance(result, list) else []
    out = []
    for r in requests:
        if THEN_YEARS_TAG in r.tags:
            assert r.job_name == "ingest_job" and r.partition_key == r.tags["landlord"]
            (year,) = r.tags[THEN_YEARS_TAG].split(",")
            out.append(
                (dg.MultiPartitionKey({"landlord": r.partition_key, "year": year}), r.partition_key)
            )
        else:
            out.append((r.partition_key, r.tags["landlord"]))
    return out, result


def test_monthly_refresh_schedule_partitions_on_given_dates(two_landlords):
    store, schedules = two_landlords
    schedule = schedules["monthly_refresh_schedule"]
    requests, _ = evaluate(schedule, store, dt.datetime(2025, 5, 5, 6, tzinfo=LONDON))
    assert requests == [(dg.MultiPartitionKey({"landlord": "alpha", "year": "2025-26"}), "alpha")]
    requests, _ = evaluate(schedule, store, dt.datetime(2025, 4, 12, 6, tzinfo=LONDON))
    assert requests == [(dg.MultiPartitionKey({"landlord": "beta", "year": "2024-25"}), "beta")]
    requests, result = evaluate(schedule, store, dt.datetime(2025, 4, 13, 6, tzinfo=LONDON))
    assert requests == [] and "nothing due" in result.skip_message


def test_year_schedules_start_the_load_then_their_year_job(two_landlords):
    store, schedules = two_landlords
    context = dg.build_schedule_context(
        scheduled_execution_time=dt.datetime(2025, 5, 5, 6, tzinfo=LONDON),
        resources={"store": store},
    )
    (request,) = schedules["monthly_refresh_schedule"](context)
    assert schedules["monthly_refresh_schedule"].job_name == "ingest_job"
    assert request.partition_key == "alpha"
    assert request.tags[THEN_JOB_TAG] == "monthly_refresh_job"
    assert request.tags[THEN_YEARS_TAG] == "2025-26"


def test_monthly_refresh_skips_a_year_without_stock_with_a_clear_message(two_landlords):
    store, schedules = two_landlords
    path = Path(store.workspaces_root) / "alpha" / "landlord.yaml"
    doc = yaml.safe_load(path.read_text())
    doc["stock"] = [row for row in doc["stock"] if row["year_end"] != "2026-03-31"]
    path.write_text(yaml.safe_dump(doc))
    requests, result = evaluate(
        schedules["monthly_refresh_schedule"], store, dt.datetime(2025, 5, 5, 6, tzinfo=LONDON)
    )
    assert requests == []
    assert "alpha: 2025-26 skipped: landlord.yaml has no stock at 2026-03-31" in (
        result.skip_message
    )


def test_schedules_tick_at_their_cadence():
    schedules = sched.build_schedules()
    cadences = {
        "monthly_refresh_schedule": "monthly",
        "monthly_committee_pack_schedule": "monthly",
        "committee_pack_schedule": "quarterly",
        "learning_summary_schedule": "quarterly",
        "returns_schedule": "annual",
        "annual_report_schedule": "annual",
    }
    for name, cadence in cadences.items():
        assert schedules[name].cron_schedule == sched.CRONS[cadence], name
        assert schedules[name].metadata["cadence"].value == cadence, name  # shown in the UI
    assert sched.CRONS == {
        "monthly": "0 6 1-28 * *",  # the days a landlord may pick (1-28), every month
        "quarterly": "0 6 1-28 1,4,7,10 *",  # those days, in the month after a quarter ends
        "annual": "0 6 * * *",  # returns and annual report dates: any day of the year
    }
    # each cron ticks on every day a landlord's schedules may name, and no other
    from pipeline.config import Schedules

    fields = Schedules.model_fields
    for name in ("monthly_refresh_day", "committee_day_after_period"):
        bounds = {type(m).__name__: m for m in fields[name].metadata}
        assert (bounds["Ge"].ge, bounds["Le"].le) == (1, 28), name


def test_committee_returns_and_annual_schedules_on_given_dates(two_landlords):
    store, schedules = two_landlords
    july_10 = dt.datetime(2025, 7, 10, 6, tzinfo=LONDON)
    requests, _ = evaluate(schedules["committee_pack_schedule"], store, july_10)
    assert sorted(requests) == [
        (dg.MultiPartitionKey({"landlord": "alpha", "quarter": "2025-26-Q1"}), "alpha"),
    ]
    requests, _ = evaluate(schedules["monthly_committee_pack_schedule"], store, july_10)
    assert requests == [(dg.MultiPartitionKey({"landlord": "beta", "month": "2025-06"}), "beta")]
    aug_10 = dt.datetime(2025, 8, 10, 6, tzinfo=LONDON)
    requests, _ = evaluate(schedules["committee_pack_schedule"], store, aug_10)
    assert requests == []
    requests, _ = evaluate(schedules["monthly_committee_pack_schedule"], store, aug_10)
    assert requests == [(dg.MultiPartitionKey({"landlord": "beta", "month": "2025-07"}), "beta")]
    requests, _ = evaluate(
        schedules["returns_schedule"], store, dt.datetime(2025, 5, 31, 6, tzinfo=LONDON)
    )
    assert requests == [(dg.MultiPartitionKey({"landlord": "alpha", "year": "2024-25"}), "alpha")]
    requests, _ = evaluate(
        schedules["returns_schedule"], store, dt.datetime(2025, 6, 15, 6, tzinfo=LONDON)
    )
    assert requests == [(dg.MultiPartitionKey({"landlord": "beta", "year": "2024-25"}), "beta")]
    requests, _ = evaluate(
        schedules["annual_report_schedule"], store, dt.datetime(2025, 6, 30, 6, tzinfo=LONDON)
    )
    assert len(requests) == 2 and {r[0].keys_by_dimension["year"] for r in requests} == {"2024-25"}


def test_a_broken_landlord_yaml_does_not_stop_the_others(two_landlords):
    store, schedules = two_landlords
    (Path(store.workspaces_root) / "beta" / "landlord.yaml").write_text("landlord_id: [oops\n")
    requests, _ = evaluate(
        schedules["annual_report_schedule"], store, dt.datetime(2025, 6, 30, 6, tzinfo=LONDON)
    )
    assert [r[1] for r in requests] == ["alpha"]


# --- sensor ------------------------------------------------------------------------------------


@pytest.fixture
def sensor_setup(tmp_path):
    root = tmp_path / "workspaces"
    make_workspace(root, "alpha")
    make_workspace(root, "beta")
    for landlord in ("alpha", "beta"):
        age(root / landlord / "landlord.yaml")
    store = ComplaintsStore(workspaces_root=str(root), output_root=str(tmp_path / "out"))
    sensor = build_workspace_sensor(
        build_landlord_year_partitions(["alpha", "beta"], ["2023-24", "2024-25", "2025-26"])
    )
    return root, store, sensor


def tick(sensor, store, cursor):
    context = dg.build_sensor_context(cursor=cursor, resources={"store": store})
    result = sensor(context)  # direct invocation returns the SensorResult
    return result.run_requests or [], result.cursor


def test_sensor_new_file_requests_exactly_one_run_and_same_file_none(sensor_setup):
    root, store, sensor = sensor_setup
    _, cursor = tick(sensor, store, None)  # baseline of what is there now
    assert tick(sensor, store, cursor)[0] == []

    export = root / "alpha" / "exports" / "complaints_2025.csv"
    export.write_text("Case Ref,Date Received\nC1,01/04/2024\n")
    age(export)
    requests, cursor = tick(sensor, store, cursor)
    assert len(requests) == 1
    assert requests[0].tags["landlord"] == "alpha"
    # the load first (landlord partition), then the refresh of the current reporting year of the
    # data (data_cut_date 2025-03-31 in landlord.yaml)
    assert requests[0].job_name == "ingest_job" and requests[0].partition_key == "alpha"
    assert requests[0].tags[THEN_JOB_TAG] == "monthly_refresh_job"
    assert requests[0].tags[THEN_YEARS_TAG] == "2024-25"
    assert "exports/complaints_2025.csv" in requests[0].tags["complaints/changed_files"]
    assert json.loads(cursor)["landlords"]["alpha"]["exports/complaints_2025.csv"][2]

    # the same file again (copied over, new mtime, same bytes): no run
    export.write_text("Case Ref,Date Received\nC1,01/04/2024\n")
    age(export, 1800)
    requests, cursor = tick(sensor, store, cursor)
    assert requests == []

    # a changed file: one run, for that landlord only
    export.write_text("Case Ref,Date Received\nC1,01/04/2024\nC2,02/04/2024\n")
    age(export, 1200)
    requests, cursor = tick(sensor, store, cursor)
    assert [r.tags["landlord"] for r in requests] == ["alpha"]
    assert tick(sensor, store, cursor)[0] == []


def test_sensor_watches_surveys_ombudsman_and_learning(sensor_setup):
    root, store, sensor = sensor_setup
    _, cursor = tick(sensor, store, None)
    for rel in ("surveys/tp09.csv", "ombudsman/cases.csv", "learning.csv"):
        path = root / "beta" / rel
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"{rel}\n")
        age(path)
        requests, cursor = tick(sensor, store, cursor)
        assert [r.tags["landlord"] for r in requests] == ["beta"], rel
    lock_file = root / "beta" / "exports" / "~$open_in_excel.xlsx"
    lock_file.write_text("x")
    age(lock_file)
    assert tick(sensor, store, cursor)[0] == []


def test_sensor_waits_for_a_file_still_being_written(sensor_setup):
    root, store, sensor = sensor_setup
    _, cursor = tick(sensor, store, None)
    export = root / "alpha" / "exports" / "copying.csv"
    export.write_text("half")  # modified just now: not settled
    requests, cursor = tick(sensor, store, cursor)
    assert requests == []
    age(export)
    assert len(tick(sensor, store, cursor)[0]) == 1


def test_sensor_tags_do_not_name_a_file_named_after_a_person(sensor_setup):
    """The changed files are a run tag, kept in the instance's storage for good."""
    root, store, sensor = sensor_setup
    _, cursor = tick(sensor, store, None)
    export = root / "alpha" / "exports" / "complaints_Mrs_Hall.csv"
    export.write_text("Case Ref,Date Received\nC1,01/04/2024\n")
    age(export)
    requests, _ = tick(sensor, store, cursor)
    assert len(requests) == 1
    tag = requests[0].tags["complaints/changed_files"]
    assert "Hall" not in tag and "looks like a person's name" in tag


def test_sensor_cursor_does_not_name_a_file_named_after_a_person(sensor_setup):
    """The cursor is stored with the sensor's state and every tick's record in the instance (for
    good, shown in the UI): a file named after a person is there by a keyed hash, which stays the
    same while the file does and differs with another pseudonymisation key."""
    root, store, sensor = sensor_setup
    _, cursor = tick(sensor, store, None)
    letter = root / "alpha" / "exports" / "letter to Peter Quillfeather.docx"
    letter.write_text("x")
    age(letter)
    requests, cursor = tick(sensor, store, cursor)
    assert len(requests) == 1  # a new file is still seen
    assert "Quillfeather" not in cursor and "Quillfeather" not in str(requests[0].tags)
    stored = json.loads(cursor)["landlords"]["alpha"]
    (hidden,) = [name for name in stored if name.startswith(HIDDEN_NAME_PREFIX)]
    assert tick(sensor, store, cursor)[0] == []  # unchanged: no run, and the same key
    assert hidden in json.loads(tick(sensor, store, cursor)[1])["landlords"]["alpha"]
    letter.write_text("changed")
    age(letter, 1200)
    requests, cursor = tick(sensor, store, cursor)
    assert [r.tags["landlord"] for r in requests] == ["alpha"] and "Quillfeather" not in cursor
    changed = requests[0].tags["complaints/changed_files"]
    assert changed == "(a file whose name looks like a person's name or contact details)"
    other_key = ComplaintsStore(
        workspaces_root=store.workspaces_root,
        output_root=store.output_root,
        pseudonymisation_key="another-key",
    )
    assert hidden not in tick(sensor, other_key, None)[1]


def test_fingerprint_reuses_hashes_of_unchanged_files(tmp_path):
    (tmp_path / "exports").mkdir()
    export = tmp_path / "exports" / "a.csv"
    export.write_text("abc")
    age(export)
    first = fingerprint(tmp_path, {}, name_key="k")
    fake = {"exports/a.csv": [*first["exports/a.csv"][:2], "cached"]}
    assert (
        fingerprint(tmp_path, fake, name_key="k")["exports/a.csv"][2] == "cached"
    )  # not read again


# --- the per-landlord writer lock ----------------------------------------------------------------

HOLD_LOCK = textwrap.dedent(
    """
    import sys, time
    from pipeline.resources import ComplaintsStore
    store = ComplaintsStore(output_root=sys.argv[1])
    with store.connect("alpha") as con:
        con.execute("create table if not exists t (writer varchar, i int)")
        print("locked", flush=True)
        for i in range(5):
            con.execute("insert into t values (?, ?)", [sys.argv[2], i])
            time.sleep(0.2)
    """
)


def test_second_writer_on_the_same_landlord_waits_never_interleaves(tmp_path):
    first = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(tmp_path), "first"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert first.stdout.readline().strip() == "locked"
    second = subprocess.run(
        [sys.executable, "-c", HOLD_LOCK, str(tmp_path), "second"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert first.wait(timeout=60) == 0
    assert second.returncode == 0, second.stderr
    store = ComplaintsStore(output_root=str(tmp_path))
    with store.connect("alpha", read_only=True) as con:
        order = [row[0] for row in con.execute("select writer from t order by rowid").fetchall()]
    assert order == ["first"] * 5 + ["second"] * 5  # serial, not interleaved


def test_second_writer_times_out_naming_the_landlord_and_holder(tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(tmp_path), "first"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        store = ComplaintsStore(output_root=str(tmp_path), lock_timeout_seconds=0.3)
        with pytest.raises(LandlordBusyError) as error, store.connect("alpha"):
            pass
        message = str(error.value)
        assert "Landlord 'alpha' is busy" in message
        assert f"pid {holder.pid}" in message
    finally:
        holder.wait(timeout=60)


def test_writer_lock_is_reentrant_in_one_thread_and_other_landlords_are_free(tmp_path):
    store = ComplaintsStore(output_root=str(tmp_path), lock_timeout_seconds=0.2)
    with store.writer_lock("alpha"), store.connect("alpha") as con:
        con.execute("create table t as select 1 as x")
        with store.connect("beta") as other:  # another landlord: its own file and lock
            other.execute("create table t as select 2 as x")
    assert store.lock_path("alpha").read_text() == ""  # released: nobody holds it


# --- the code location's jobs ------------------------------------------------------------------


def test_jobs_select_existing_assets_by_partitioning():
    from pipeline.definitions import defs
    from pipeline.defs.orchestration.jobs import partition_dimensions

    definitions = defs()
    # the whole code location loads as the webserver loads it (job, op and asset names unique)
    definitions.get_repository_def().load_all_definitions()
    graph = definitions.resolve_asset_graph()
    existing = {key.to_user_string() for key in graph.get_all_asset_keys()}

    def selected(job_name):
        job = definitions.resolve_job_def(job_name)
        return {key.to_user_string() for key in job.asset_layer.selected_asset_keys}, job

    refresh, job = selected("monthly_refresh_job")
    assert {"measures", "data_quality_report"} & existing <= refresh
    assert partition_dimensions(job.partitions_def) == {"landlord", "year"}
    ingest, ingest_job = selected("ingest_job")
    assert ingest == {"canonical_tables"}
    assert isinstance(ingest_job.partitions_def, dg.DynamicPartitionsDefinition)
    returns, _ = selected("regulatory_returns_job")
    assert {"tsm_return", "arc_return"} & existing <= returns
    assert {"measures"} & existing <= returns  # recomputed first
    annual, _ = selected("annual_reporting_job")
    assert {"annual_report", "self_assessment"} & existing <= annual
    pack, pack_job = selected("committee_pack_job")
    if "committee_pack" in existing:
        assert "committee_pack" in pack
        assert partition_dimensions(pack_job.partitions_def) == {"landlord", "quarter"}
    for names in (refresh, returns, annual):
        assert "committee_pack" not in names  # one partitioning per job


def test_year_assets_backfill_in_one_run_and_read_the_load_by_landlord():
    """A backfill over years runs one run per landlord (single-run policy) that computes all its
    years; canonical_tables is partitioned by landlord only and each landlord-year maps to it."""
    from pipeline.definitions import defs
    from pipeline.defs.orchestration.jobs import YEAR_DIMENSIONS, partition_dimensions
    from pipeline.partitions import year_key

    graph = defs().resolve_asset_graph()
    canonical = graph.get(dg.AssetKey("canonical_tables"))
    assert isinstance(canonical.partitions_def, dg.DynamicPartitionsDefinition)
    year_assets = [
        key
        for key in graph.get_all_asset_keys()
        if partition_dimensions(graph.get(key).partitions_def) == YEAR_DIMENSIONS
    ]
    assert dg.AssetKey("measures") in year_assets and dg.AssetKey("tsm_return") in year_assets
    for key in year_assets:
        assert graph.get(key).backfill_policy == dg.BackfillPolicy.single_run(), key
    mapping = graph.get_partition_mapping(dg.AssetKey("measures"), dg.AssetKey("canonical_tables"))
    assert isinstance(mapping, dg.MultiToSingleDimensionPartitionMapping)
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("landlord", ["alpha"])
    measures = graph.get(dg.AssetKey("measures")).partitions_def
    with dg.partition_loading_context(dynamic_partitions_store=instance):
        upstream = mapping.get_upstream_mapped_partitions_result_for_partitions(
            measures.subset_with_partition_keys(
                [year_key("alpha", "2023-24"), year_key("alpha", "2024-25")]
            ),
            measures,
            canonical.partitions_def,
        )
    assert set(upstream.partitions_subset.get_partition_keys()) == {"alpha"}


def test_committee_pack_quarter_reads_its_reporting_year_measures():
    from pipeline.definitions import defs
    from pipeline.partitions import quarter_key, year_key

    graph = defs().resolve_asset_graph()
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("landlord", ["alpha"])
    for child, key, year in (
        ("committee_pack", quarter_key("alpha", "2024-25-Q3"), "2024-25"),
        (
            "monthly_committee_pack",
            dg.MultiPartitionKey({"landlord": "alpha", "month": "2025-03"}),
            "2024-25",
        ),
    ):
        mapping = graph.get_partition_mapping(dg.AssetKey(child), dg.AssetKey("measures"))
        child_parts = graph.get(dg.AssetKey(child)).partitions_def
        measures = graph.get(dg.AssetKey("measures")).partitions_def
        with dg.partition_loading_context(dynamic_partitions_store=instance):
            result = mapping.get_upstream_mapped_partitions_result_for_partitions(
                child_parts.subset_with_partition_keys([key]), child_parts, measures
            )
        assert set(result.partitions_subset.get_partition_keys()) == {year_key("alpha", year)}


def test_every_dependency_across_partitionings_declares_its_mapping():
    """Where an asset and its upstream are partitioned differently (a landlord's load, its years,
    quarters, months), the dependency names its mapping; Dagster's default would map nothing."""
    from pipeline.definitions import defs

    graph = defs().resolve_asset_graph()
    declared = {
        (key.to_user_string(), parent.to_user_string()): type(
            graph.get_partition_mapping(key, parent)
        ).__name__
        for key in graph.get_all_asset_keys()
        for parent in graph.get(key).parent_keys
        if graph.get(parent).partitions_def != graph.get(key).partitions_def
    }
    assert declared, "no dependency across partitionings"
    for (child, parent), mapping in declared.items():
        assert mapping in (
            "MultiPartitionMapping",
            "MultiToSingleDimensionPartitionMapping",
        ), (child, parent, mapping)
    for child in ("committee_pack", "monthly_committee_pack", "panel_sample"):
        assert declared.get((child, "measures")) == "MultiPartitionMapping", child
    assert declared[("measures", "canonical_tables")] == "MultiToSingleDimensionPartitionMapping"
