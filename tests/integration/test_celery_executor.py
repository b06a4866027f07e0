"""Dagster's celery executor over Redis on loopback, two worker processes (docs/deployment.md).

Starts redis-server on a free 127.0.0.1 port and two ``dagster-celery`` workers (deploy/celery.yaml)
sharing a throwaway Dagster instance, runs the sector replay job over a few shards of landlords and
checks that it succeeded, reproduced the published figures and that both workers executed steps;
then runs the product's own assets and checks for one example landlord-year through the instance
with ``COMPLAINTS_EXECUTOR=celery`` and checks the workers executed them.
Skipped, saying why, where redis-server is not installed (CI installs it: scripts/setup.sh).
"""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from pipeline.distributed import BACKEND_ENV, BROKER_ENV, EXECUTOR_ENV, executor_from_env
from tests.backtests.replay_job import (
    PROJECT_ROOT,
    ReplayConfig,
    celery_workers_of,
    local_celery,
    redis_server,
    run_replay,
)

NO_REDIS = pytest.mark.skipif(
    redis_server() is None,
    reason="redis-server is not installed (apt-get install redis-server; scripts/setup.sh does it)",
)


@NO_REDIS
@pytest.mark.slow
def test_sector_replay_runs_on_two_celery_workers(tmp_path):
    with local_celery(workers=2, home=tmp_path / "dagster_home") as env:
        assert env[BROKER_ENV].startswith("redis://127.0.0.1:")
        # 3 shards of 40: about 27 landlords, one step per shard plus the fan-out and the summary
        run = run_replay(env, ReplayConfig(shards=40, only=[0, 1, 2]))
    assert run["success"], run["failures"]
    summary, shards = run["summary"], run["shards"]
    assert set(shards) == {"shard_0", "shard_1", "shard_2"}
    landlords = [lid for part in shards.values() for lid in part["landlord_ids"]]
    assert len(landlords) == len(set(landlords)) == summary["landlords"] >= 3
    assert summary["compared"] > 0 and summary["reproduced"] == summary["compared"]
    # every step ran on a celery worker, and both workers took some
    steps = {"replay_shards", "collect", *(f"replay_shard_step[{key}]" for key in shards)}
    assert set(run["workers"]) == steps
    assert {worker.split("@")[0] for worker in run["workers"].values()} == {"worker1", "worker2"}


def test_executor_is_chosen_by_environment(monkeypatch):
    monkeypatch.delenv(EXECUTOR_ENV, raising=False)
    assert executor_from_env().name == "in_process"
    monkeypatch.setenv(EXECUTOR_ENV, "celery")
    monkeypatch.delenv(BROKER_ENV, raising=False)
    with pytest.raises(ValueError, match=BROKER_ENV):
        executor_from_env()
    monkeypatch.setenv(BROKER_ENV, "redis://127.0.0.1:6379/0")
    monkeypatch.setenv(BACKEND_ENV, "redis://127.0.0.1:6379/1")
    assert executor_from_env().name == "celery"
    monkeypatch.setenv(EXECUTOR_ENV, "threads")
    with pytest.raises(ValueError, match="in_process, celery"):
        executor_from_env()


def _partition_key(asset: dg.AssetsDefinition, instance, landlord: str, year: str) -> str:
    """The asset's partition for the landlord (and year, when it is partitioned by year);
    dynamic landlord partitions are added to the instance first, as the sensor does."""
    partitions = asset.partitions_def
    dims = (
        {d.name: d.partitions_def for d in partitions.partitions_defs}
        if isinstance(partitions, dg.MultiPartitionsDefinition)
        else {"landlord": partitions}
    )
    for definition in dims.values():
        if isinstance(definition, dg.DynamicPartitionsDefinition):
            instance.add_dynamic_partitions(definition.name, [landlord])
    wanted = {"landlord": landlord, "year": year}
    for key in partitions.get_partition_keys(dynamic_partitions_store=instance):
        parts = (
            key.keys_by_dimension if isinstance(key, dg.MultiPartitionKey) else {"landlord": key}
        )
        if all(parts.get(name) == wanted.get(name) for name in dims):
            return str(key)
    raise AssertionError(f"{asset.key.to_user_string()} has no partition for {landlord} {year}")


@NO_REDIS
@pytest.mark.slow
def test_the_pipeline_runs_on_celery_workers(tmp_path, monkeypatch):
    """The product's own assets and checks (ingest, measures, TSM return of one example landlord
    and year), launched through the instance with COMPLAINTS_EXECUTOR=celery, run on the workers."""
    monkeypatch.setenv("COMPLAINTS_WORKSPACES_ROOT", str(PROJECT_ROOT / "examples"))
    monkeypatch.setenv("COMPLAINTS_OUTPUT_ROOT", str(tmp_path / "output"))
    from pipeline.definitions import defs

    definitions = defs()
    with local_celery(workers=2, home=tmp_path / "dagster_home") as env:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        dagster = str(Path(sys.executable).with_name("dagster"))
        with dg.DagsterInstance.get() as instance:

            def materialize(name: str) -> dict[str, str]:
                """One run of the asset through the instance; {step: worker} of the run."""
                key = _partition_key(
                    definitions.get_assets_def(name), instance, "small_specialist", "2024-25"
                )
                done = subprocess.run(
                    [
                        dagster,
                        "asset",
                        "materialize",
                        "-m",
                        "pipeline.definitions",
                        "--select",
                        f"key:{name}",
                        "--partition",
                        key,
                    ],  # fmt: skip
                    env={**os.environ, EXECUTOR_ENV: "celery"},
                    cwd=PROJECT_ROOT,
                    capture_output=True,
                    text=True,
                )
                assert done.returncode == 0, done.stderr[-3000:]
                run = instance.get_runs(limit=1)[0]
                assert run.status == dg.DagsterRunStatus.SUCCESS
                return celery_workers_of(instance, run.run_id)

            steps = {}
            for name in ("canonical_tables", "measures", "tsm_return"):  # upstream first
                steps.update(materialize(name))
            assert {"canonical_tables", "measures", "tsm_return"} <= set(steps)
            # Which idle worker takes a step is Celery's choice; rerun the last asset until both
            # have taken one (each time a 1 in 2 chance, so never more than a few reruns).
            workers = {worker.split("@")[0] for worker in steps.values()}
            for _ in range(8):
                if len(workers) == 2:
                    break
                workers |= {w.split("@")[0] for w in materialize("tsm_return").values()}
    assert workers == {"worker1", "worker2"}
    assert (tmp_path / "output" / "warehouse" / "small_specialist.duckdb").is_file()
