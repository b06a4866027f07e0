"""Dagster's celery executor over Redis on loopback, two worker processes (docs/deployment.md).

Starts redis-server on a free 127.0.0.1 port and two ``dagster-celery`` workers (deploy/celery.yaml)
sharing a throwaway Dagster instance, runs the sector replay job over a few shards of landlords and
checks that it succeeded, reproduced the published figures and that both workers executed steps.
Skipped, saying why, where redis-server is not installed (CI installs it: scripts/setup.sh).
"""

import pytest

from pipeline.distributed import BACKEND_ENV, BROKER_ENV, EXECUTOR_ENV, executor_from_env
from tests.backtests.replay_job import ReplayConfig, local_celery, redis_server, run_replay

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
