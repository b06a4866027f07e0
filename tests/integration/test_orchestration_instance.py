"""The Dagster instance configs: dagster.yaml's run queue (SQLite) and the PostgreSQL deployment
(docs/deployment.md's steps on PostgreSQL 15+, connected as a non-superuser role owning its database).

The run-queue tests ask the queued-run daemon which runs it would launch next, which Dagster exposes
only through its internal modules (the daemon and the origin a queued run needs); the product code
uses Dagster's public API only (tests/unit/test_orchestration_structure.py)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.remote_origin import (
    RegisteredCodeLocationOrigin,
    RemoteJobOrigin,
    RemoteRepositoryOrigin,
)
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


def instance_from(config: Path, home: Path, monkeypatch) -> dg.DagsterInstance:
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(config, home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return dg.DagsterInstance.get()


def add_run(instance, landlord: str, year: str, status: dg.DagsterRunStatus, tags=None) -> str:
    run_id = str(uuid.uuid4())
    partition_tags = {
        "dagster/partition": f"{landlord}|{year}",
        "dagster/partition/landlord": landlord,
        "dagster/partition/year": year,
    }
    instance.add_run(
        dg.DagsterRun(
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
        add_run(instance, "alpha", "2023-24", dg.DagsterRunStatus.STARTED)
        alpha_next = add_run(instance, "alpha", "2024-25", dg.DagsterRunStatus.QUEUED)
        beta = add_run(instance, "beta", "2024-25", dg.DagsterRunStatus.QUEUED)
        beta_again = add_run(instance, "beta", "2025-26", dg.DagsterRunStatus.QUEUED)
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
            dg.DagsterRun(
                job_name="adhoc",
                run_id=run_id,
                status=dg.DagsterRunStatus.STARTED,
                tags={"landlord": "alpha"},
                remote_job_origin=ORIGIN,
            )
        )
        queued = add_run(
            instance, "alpha", "2024-25", dg.DagsterRunStatus.QUEUED, {"landlord": "alpha"}
        )
        daemon = QueuedRunCoordinatorDaemon(interval_seconds=1)
        chosen = daemon._get_runs_to_dequeue(instance, instance.get_concurrency_config(), None)
        assert queued not in [run.run_id for run in chosen]
        config = instance.get_concurrency_config()
        assert config.pool_config.default_pool_limit >= 2  # landlords' DuckDB steps in parallel
    finally:
        instance.dispose()


def _superuser_at(host: str, port: int) -> str | None:
    """A superuser that can connect to ``postgres`` at host:port without a password, if any."""
    try:
        import psycopg2
    except ImportError:
        return None
    for user in ("postgres", "root"):
        try:
            psycopg2.connect(
                host=host, port=port, user=user, dbname="postgres", connect_timeout=3
            ).close()
            return user
        except psycopg2.OperationalError:
            continue
    return None


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(candidates[-1]) if candidates else None


@pytest.fixture(scope="module")
def postgres_server():
    """(host, port, superuser) of a PostgreSQL server: the local one at 127.0.0.1:5432 when it
    accepts a superuser without a password, else a throwaway cluster (initdb + pg_ctl on a free
    loopback port, trust authentication, removed afterwards); skipped, saying why, without either."""
    user = _superuser_at("127.0.0.1", 5432)
    if user is not None:
        yield "127.0.0.1", 5432, user
        return
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        pytest.skip(
            "no PostgreSQL at 127.0.0.1:5432 accepting user postgres or root without a password, "
            "and no initdb/pg_ctl to start a throwaway cluster (apt-get install postgresql)"
        )
    # not under pytest's tmp folders: those are private to root, and the cluster runs as postgres
    folder = Path(tempfile.mkdtemp(prefix="complaints_pg_"))
    data = folder / "data"
    run_as: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: run the cluster as postgres
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: cannot start a throwaway PostgreSQL")
        run_as = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
        folder.chmod(0o700)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    subprocess.run(
        [*run_as, initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"
    subprocess.run(
        [
            *run_as,
            pg_ctl,
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(folder / "log"),
            "-w",
            "start",
        ],  # fmt: skip
        check=True,
        capture_output=True,
    )
    try:
        yield "127.0.0.1", port, "postgres"
    finally:
        subprocess.run([*run_as, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], check=False)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def owned_database(postgres_server):
    """docs/deployment.md's steps as the superuser: a LOGIN role (not a superuser, cannot create
    databases or roles) and a database it owns; both dropped afterwards. Yields the connection
    settings of that role."""
    import psycopg2
    from psycopg2 import sql

    host, port, superuser = postgres_server
    name = f"complaints_{uuid.uuid4().hex[:8]}"
    password = uuid.uuid4().hex
    admin = psycopg2.connect(host=host, port=port, user=superuser, dbname="postgres")
    admin.autocommit = True
    role, db = sql.Identifier(name), sql.Identifier(name)
    try:
        with admin.cursor() as cur:
            cur.execute(
                sql.SQL(
                    "CREATE ROLE {} LOGIN PASSWORD %s NOSUPERUSER NOCREATEDB NOCREATEROLE"
                ).format(role),
                [password],
            )
            cur.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(db, role))
        yield {
            "DAGSTER_PG_HOST": host,
            "DAGSTER_PG_PORT": str(port),
            "DAGSTER_PG_USER": name,
            "DAGSTER_PG_PASSWORD": password,
            "DAGSTER_PG_DB": name,
        }
    finally:
        with admin.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(db))
            cur.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(role))
        admin.close()


def test_postgres_instance_runs_and_reads_back_the_event_log(owned_database, tmp_path, monkeypatch):
    """deploy/dagster.postgres.yaml on PostgreSQL 15+, connected as a role that owns its database
    and is not a superuser (PostgreSQL 15 no longer lets every role create in schema public)."""
    import psycopg2

    settings = owned_database
    with psycopg2.connect(
        host=settings["DAGSTER_PG_HOST"],
        port=settings["DAGSTER_PG_PORT"],
        user=settings["DAGSTER_PG_USER"],
        password=settings["DAGSTER_PG_PASSWORD"],
        dbname=settings["DAGSTER_PG_DB"],
    ) as con, con.cursor() as cur:  # fmt: skip
        cur.execute("select rolsuper, rolcreatedb from pg_roles where rolname = current_user")
        superuser, createdb = cur.fetchone()
    assert not superuser and not createdb
    for name, value in settings.items():
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
        assert run.status == dg.DagsterRunStatus.SUCCESS
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
    # the tables Dagster created belong to the role, in the schema its database owner may use
    with psycopg2.connect(
        host=settings["DAGSTER_PG_HOST"],
        port=settings["DAGSTER_PG_PORT"],
        user=settings["DAGSTER_PG_USER"],
        password=settings["DAGSTER_PG_PASSWORD"],
        dbname=settings["DAGSTER_PG_DB"],
    ) as con, con.cursor() as cur:  # fmt: skip
        cur.execute("select tableowner from pg_tables where tablename = 'runs'")
        assert cur.fetchone() == (settings["DAGSTER_PG_USER"],)
