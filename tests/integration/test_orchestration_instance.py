"""The Dagster instance configs: dagster.yaml's run queue (SQLite) and the PostgreSQL deployment."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.remote_origin import (
    RegisteredCodeLocationOrigin,
    RemoteJobOrigin,
    RemoteRepositoryOrigin,
)
from dagster._core.storage.dagster_run import DagsterRun, DagsterRunStatus
from dagster._daemon.run_coordinator.queued_run_coordinator_daemon import (
    QueuedRunCoordinatorDaemon,
)

from pipeline.partitions import build_landlord_year_partitions

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ORIGIN = RemoteJobOrigin(
    repository_origin=RemoteRepositoryOrigin(
        code_location_origin=RegisteredCodeLocationOrigin("pipeline"),
        repository_name="__repository__",
    ),
    job_name="monthly_refresh",
)
PG_ENV = {
    "DAGSTER_PG_HOST": "127.0.0.1",
    "DAGSTER_PG_PORT": "5432",
    "DAGSTER_PG_PASSWORD": "",
    "DAGSTER_PG_DB": "test",
}


def instance_from(config: Path, home: Path, monkeypatch) -> dg.DagsterInstance:
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(config, home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return dg.DagsterInstance.get()


def add_run(instance, landlord: str, year: str, status: DagsterRunStatus, tags=None) -> str:
    run_id = str(uuid.uuid4())
    partition_tags = {
        "dagster/partition": f"{landlord}|{year}",
        "dagster/partition/landlord": landlord,
        "dagster/partition/year": year,
    }
    instance.add_run(
        DagsterRun(
            job_name="monthly_refresh",
            run_id=run_id,
            status=status,
            tags={**partition_tags, **(tags or {})},
            remote_job_origin=ORIGIN,
        )
    )
    return run_id


def test_run_queue_starts_one_run_per_landlord(tmp_path, monkeypatch):
    instance = instance_from(PROJECT_ROOT / "dagster.yaml", tmp_path / "home", monkeypatch)
    try:
        add_run(instance, "alpha", "2023-24", DagsterRunStatus.STARTED)
        alpha_next = add_run(instance, "alpha", "2024-25", DagsterRunStatus.QUEUED)
        beta = add_run(instance, "beta", "2024-25", DagsterRunStatus.QUEUED)
        beta_again = add_run(instance, "beta", "2025-26", DagsterRunStatus.QUEUED)
        daemon = QueuedRunCoordinatorDaemon(interval_seconds=1)
        # the daemon's own choice of runs to launch now, under dagster.yaml's limits
        chosen = daemon._get_runs_to_dequeue(instance, instance.get_concurrency_config(), None)
        chosen_ids = [run.run_id for run in chosen]
        assert beta in chosen_ids  # another landlord runs in parallel
        assert alpha_next not in chosen_ids  # alpha already has a run in progress: it waits
        assert beta_again not in chosen_ids  # one run per landlord, even among queued ones
    finally:
        instance.dispose()


def test_run_queue_limits_runs_tagged_only_with_landlord(tmp_path, monkeypatch):
    instance = instance_from(PROJECT_ROOT / "dagster.yaml", tmp_path / "home", monkeypatch)
    try:
        run_id = str(uuid.uuid4())
        instance.add_run(
            DagsterRun(
                job_name="adhoc",
                run_id=run_id,
                status=DagsterRunStatus.STARTED,
                tags={"landlord": "alpha"},
                remote_job_origin=ORIGIN,
            )
        )
        queued = add_run(
            instance, "alpha", "2024-25", DagsterRunStatus.QUEUED, {"landlord": "alpha"}
        )
        daemon = QueuedRunCoordinatorDaemon(interval_seconds=1)
        chosen = daemon._get_runs_to_dequeue(instance, instance.get_concurrency_config(), None)
        assert queued not in [run.run_id for run in chosen]
        config = instance.get_concurrency_config()
        assert config.pool_config.default_pool_limit >= 2  # landlords' DuckDB steps in parallel
    finally:
        instance.dispose()


def _postgres_user() -> str | None:
    try:
        import psycopg2
    except ImportError:
        return None
    for user in ("postgres", "root"):
        try:
            psycopg2.connect(
                host="127.0.0.1", port=5432, user=user, dbname="test", connect_timeout=3
            ).close()
            return user
        except psycopg2.OperationalError:
            continue
    return None


POSTGRES_USER = _postgres_user()


@pytest.mark.skipif(
    POSTGRES_USER is None,
    reason="no PostgreSQL at 127.0.0.1:5432 accepting user postgres or root on database 'test' "
    "(trust auth); deploy/dagster.postgres.yaml is tested only where that server runs",
)
def test_postgres_instance_runs_and_reads_back_the_event_log(tmp_path, monkeypatch):
    for name, value in {**PG_ENV, "DAGSTER_PG_USER": POSTGRES_USER}.items():
        monkeypatch.setenv(name, value)
    instance = instance_from(
        PROJECT_ROOT / "deploy" / "dagster.postgres.yaml", tmp_path / "home", monkeypatch
    )
    try:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
        limits = instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
        assert {"key": "dagster/partition/landlord", "value": {"applyLimitPerUniqueValue": True},
                "limit": 1} in limits  # fmt: skip

        marker = f"pg_{uuid.uuid4().hex[:8]}"
        partitions = build_landlord_year_partitions([marker], ["2024-25"])

        @dg.asset(name=f"orchestration_pg_probe_{marker}", partitions_def=partitions)
        def probe() -> dg.MaterializeResult:
            return dg.MaterializeResult(metadata={"row_count": 42})

        result = dg.materialize(
            [probe],
            instance=instance,
            partition_key=dg.MultiPartitionKey({"landlord": marker, "year": "2024-25"}),
        )
        assert result.success
        run = instance.get_run_by_id(result.run_id)
        assert run.status == DagsterRunStatus.SUCCESS
        assert run.tags["dagster/partition/landlord"] == marker
        events = instance.all_logs(result.run_id)
        kinds = {e.dagster_event.event_type_value for e in events if e.dagster_event}
        # (the event log keeps the legacy names PIPELINE_START/PIPELINE_SUCCESS for run events)
        assert {
            "PIPELINE_START",
            "STEP_SUCCESS",
            "ASSET_MATERIALIZATION",
            "PIPELINE_SUCCESS",
        } <= kinds
        latest = instance.get_latest_materialization_event(probe.key)
        assert latest is not None and latest.run_id == result.run_id
        assert latest.asset_materialization.metadata["row_count"].value == 42
        assert latest.asset_materialization.partition == f"{marker}|2024-25"
    finally:
        instance.dispose()
