"""The orchestration path on the example workspaces, as the daemon drives it: the file sensor and
the monthly refresh schedule request an ``ingest_job`` run, ``chained_after_ingest`` starts the
year job when the load succeeds, and a failing blocking pandera check stops the chain.

Each request is executed in process against a throwaway instance with the real code location
(its resources pointed at a temporary output root), so what runs is what the daemon would launch.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import pytest
import yaml

from pipeline.defs.orchestration.sensors import THEN_JOB_TAG, THEN_YEARS_TAG
from tests.fixtures.pandera_failure import failing_complaint_check

PROJECT_ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = PROJECT_ROOT / "examples"
LONDON = dt.timezone(dt.timedelta(hours=1))  # BST in April

pytestmark = pytest.mark.skipif(
    not (EXAMPLES / "small_specialist" / "landlord.yaml").is_file(),
    reason="example workspaces not generated",
)


@contextmanager
def instance_in(tmp_path: Path) -> Iterator[dg.DagsterInstance]:
    """A throwaway SQLite instance in a new folder under ``tmp_path`` (left for pytest)."""
    instance = dg.DagsterInstance.local_temp(tempfile.mkdtemp(dir=tmp_path, prefix="dagster_"))
    try:
        yield instance
    finally:
        instance.dispose()


def code_location(monkeypatch, root: Path, output: Path) -> dg.Definitions:
    monkeypatch.setenv("COMPLAINTS_WORKSPACES_ROOT", str(root))
    monkeypatch.setenv("COMPLAINTS_OUTPUT_ROOT", str(output))
    from pipeline.definitions import defs

    return defs()


def execute(definitions: dg.Definitions, instance, request: dg.RunRequest):
    """Run a request as the daemon launches it: its job, partition (key or range tags) and tags."""
    job = definitions.resolve_job_def(request.job_name)
    extra = {"partition_key": request.partition_key} if request.partition_key else {}
    return job.execute_in_process(
        instance=instance, tags=dict(request.tags), raise_on_error=False, **extra
    )


def after_load(definitions: dg.Definitions, instance, result):
    """What ``chained_after_ingest`` asks for when the daemon sees the load run end."""
    run = instance.get_run_by_id(result.run_id)
    event = "PIPELINE_SUCCESS" if result.success else "PIPELINE_FAILURE"
    with dg.build_run_status_sensor_context(
        sensor_name="chained_after_ingest",
        dagster_instance=instance,
        dagster_run=run,
        dagster_event=dg.DagsterEvent(event_type_value=event, job_name="ingest_job"),
    ) as context:
        return definitions.resolve_sensor_def("chained_after_ingest")(context)


def run_chain(definitions, instance, request: dg.RunRequest) -> list[str]:
    """The load, then the year job it names; the partitions the year job materialized."""
    assert request.job_name == "ingest_job" and request.tags[THEN_JOB_TAG]
    load = execute(definitions, instance, request)
    assert load.success, request.partition_key
    year_request = after_load(definitions, instance, load)
    assert isinstance(year_request, dg.RunRequest), year_request
    assert year_request.job_name == request.tags[THEN_JOB_TAG]
    years = execute(definitions, instance, year_request)
    assert years.success, year_request.tags
    run = instance.get_run_by_id(years.run_id)
    assert run.tags["complaints/job"] == year_request.job_name  # not the load's tag
    assert run.tags["landlord"] == request.tags["landlord"]
    partitions = sorted({e.partition for e in years.get_asset_materialization_events()})
    if len(request.tags[THEN_YEARS_TAG].split(",")) == 1:
        # one year: a run of that partition, so each check's result is that partition's status
        (partition,) = partitions
        checks = years.get_asset_check_evaluations()
        assert checks and {e.partition for e in checks} == {partition}
    return partitions


@pytest.mark.slow
def test_monthly_refresh_schedule_runs_succeed_on_the_examples(tmp_path, monkeypatch):
    definitions = code_location(monkeypatch, EXAMPLES, tmp_path / "output")
    schedule = definitions.resolve_schedule_def("monthly_refresh_schedule")
    store = definitions.resources["store"]
    with instance_in(tmp_path) as instance:
        instance.add_dynamic_partitions("landlord", [p.name for p in EXAMPLES.iterdir()
                                                     if (p / "landlord.yaml").is_file()])  # fmt: skip
        done = {}
        # the examples' refresh days (landlord.yaml schedules.monthly_refresh_day): 3rd and 5th
        for day in (3, 5):
            with dg.build_schedule_context(
                instance=instance,
                scheduled_execution_time=dt.datetime(2026, 4, day, 6, tzinfo=LONDON),
                resources={"store": store},
            ) as context:
                requests = schedule(context)
            for request in requests:
                assert request.tags[THEN_YEARS_TAG] == "2025-26"  # the year March closed
                done[request.partition_key] = run_chain(definitions, instance, request)
        assert sorted(done) == ["council_housing", "homes_plus", "housing21", "small_specialist"]
        for landlord, partitions in done.items():
            assert f"{landlord}|2025-26" in partitions
        # a month later the data's year is 2026-27, in progress at the cut (30 April 2026) and
        # without its year-end count: its refresh runs on the stock at 31 March 2026
        with dg.build_schedule_context(
            instance=instance,
            scheduled_execution_time=dt.datetime(2026, 5, 5, 6, tzinfo=LONDON),
            resources={"store": store},
        ) as context:
            requests = schedule(context)
        assert requests and {r.tags[THEN_YEARS_TAG] for r in requests} == {"2026-27"}
        (small,) = [r for r in requests if r.partition_key == "small_specialist"]
        assert run_chain(definitions, instance, small) == ["small_specialist|2026-27"]


@pytest.mark.slow
def test_workspace_sensor_on_the_examples_adds_landlords_and_its_runs_succeed(
    tmp_path, monkeypatch
):
    from pipeline.resources import ComplaintsStore

    # an example whose data runs to the end of 2025-26, copied: the sensor's load and refresh
    root = tmp_path / "workspaces"
    shutil.copytree(EXAMPLES / "small_specialist", root / "small_specialist")
    path = root / "small_specialist" / "landlord.yaml"
    doc = yaml.safe_load(path.read_text())
    doc["data_cut_date"] = dt.date(2026, 3, 31)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    past = time.time() - 3600  # settled files (the sensor leaves files modified < 10 s ago)
    for file in root.rglob("*"):
        os.utime(file, (past, past))
    definitions = code_location(monkeypatch, root, tmp_path / "output")
    sensor = definitions.resolve_sensor_def("workspace_files_sensor")

    # the examples as they are: data cut 2026-04-30, so the sensor's year is 2026-27, in progress
    # (its refresh runs on the stock at 31 March 2026, the latest count)
    examples = ComplaintsStore(workspaces_root=str(EXAMPLES), output_root=str(tmp_path / "out"))
    with instance_in(tmp_path) as instance:
        with dg.build_sensor_context(instance=instance, resources={"store": examples}) as context:
            result = sensor(context)
    (added,) = result.dynamic_partitions_requests
    assert sorted(added.partition_keys) == [
        "council_housing", "homes_plus", "housing21", "small_specialist",
    ]  # fmt: skip
    assert sorted(r.partition_key for r in result.run_requests) == sorted(added.partition_keys)
    assert {r.tags[THEN_YEARS_TAG] for r in result.run_requests} == {"2026-27"}

    store = definitions.resources["store"]
    with instance_in(tmp_path) as instance:
        with dg.build_sensor_context(instance=instance, resources={"store": store}) as context:
            result = sensor(context)
        (added,) = result.dynamic_partitions_requests
        instance.add_dynamic_partitions(added.partitions_def_name, added.partition_keys)
        (request,) = result.run_requests
        assert request.tags[THEN_JOB_TAG] == "monthly_refresh_job"
        assert request.tags[THEN_YEARS_TAG] == "2025-26"
        assert "small_specialist|2025-26" in run_chain(definitions, instance, request)


def test_a_failing_pandera_check_stops_measures_and_tsm_return(tmp_path, monkeypatch):
    """The load's blocking pandera check fails: the load run fails, chained_after_ingest starts
    no year job, and measures and tsm_return are not materialized; the same load passing starts
    the year job."""

    import pipeline.schemas

    definitions = code_location(monkeypatch, EXAMPLES, tmp_path / "output")
    real = pipeline.schemas.validate_table
    complaint_fails = failing_complaint_check(real)

    request = dg.RunRequest(
        job_name="ingest_job",
        partition_key="small_specialist",
        tags={THEN_JOB_TAG: "regulatory_returns_job", THEN_YEARS_TAG: "2024-25",
              "landlord": "small_specialist"},
    )  # fmt: skip
    with instance_in(tmp_path) as instance:
        instance.add_dynamic_partitions("landlord", ["small_specialist"])
        monkeypatch.setattr(pipeline.schemas, "validate_table", complaint_fails)
        load = execute(definitions, instance, request)
        assert not load.success  # the blocking check failed: the run fails
        failed = {e.check_name for e in load.get_asset_check_evaluations() if not e.passed}
        assert failed == {"pandera_complaint"}
        follow = after_load(definitions, instance, load)
        assert isinstance(follow, dg.SkipReason) and "did not succeed" in follow.skip_message
        for asset in ("measures", "tsm_return"):
            assert instance.get_latest_materialization_event(dg.AssetKey(asset)) is None, asset
        # the same load with the check passing goes on to the year job
        monkeypatch.setattr(pipeline.schemas, "validate_table", real)
        load = execute(definitions, instance, request)
        assert load.success
        follow = after_load(definitions, instance, load)
        assert isinstance(follow, dg.RunRequest)
        assert follow.job_name == "regulatory_returns_job"
