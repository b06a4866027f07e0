"""The sector replay as a Dagster job on the celery executor: one step per shard of landlords.

``test_sector_replay.py`` replays every landlord of an RSH edition in a local process pool; this job
runs the same shards (``replay_shard``) as Dagster steps that Celery workers pick off a Redis queue,
so a group or the sector spreads over as many worker processes and hosts as it has. ``collect``
fails the run when a published figure or return field does not reproduce, under the same rules as
the backtest.

Whole sector on local workers (starts a throwaway Redis on loopback and the workers, then stops
them)::

    uv run python -m tests.backtests.replay_job --shards 8 --workers 2
"""

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg

from pipeline.distributed import BACKEND_ENV, BROKER_ENV, celery_executor
from tests.backtests.test_sector_replay import EXPLAINED_RETURN_OUTCOMES

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CELERY_YAML = PROJECT_ROOT / "deploy" / "celery.yaml"


class ReplayConfig(dg.Config):
    year: str = "2024-25"
    root: str = ""  # empty: the committed editions (data/rsh)
    shards: int = 8  # landlords split by a hash of their id
    only: list[int] = []  # replay these shards only (empty: all)


@dg.op(out=dg.DynamicOut(dict))
def replay_shards(config: ReplayConfig):
    from pipeline.rsh.editions import DEFAULT_ROOT

    root = config.root or str(DEFAULT_ROOT)
    for shard in config.only or range(config.shards):
        task = {"shard": shard, "shards": config.shards, "root": root, "year": config.year}
        yield dg.DynamicOutput(task, mapping_key=f"shard_{shard}")


@dg.op
def replay_shard_step(context: dg.OpExecutionContext, task: dict) -> dict:
    """Build the shard's landlords, run the real measure code, compare with the publication."""
    from tests.backtests.test_sector_replay import replay_shard

    started = time.perf_counter()
    result, returns, timings = replay_shard(
        task["shard"], task["shards"], task["root"], task["year"]
    )
    compared = result.filter(~result["outcome"].str.starts_with("not_published"))
    summary = {
        **timings,
        "landlord_ids": sorted(set(result["landlord_id"])),
        "compared": compared.height,
        "reproduced": int((compared["outcome"] == "reproduced").sum()),
        "return_outcomes": {k: int(v) for k, v in returns["outcome"].value_counts().iter_rows()},
        "worker": f"{socket.gethostname()}:{os.getpid()}",
        "seconds": round(time.perf_counter() - started, 2),
    }
    context.add_output_metadata(
        {k: summary[k] for k in ("landlords", "compared", "reproduced", "worker", "seconds")}
    )
    return summary


@dg.op
def collect(context: dg.OpExecutionContext, parts: list[dict]) -> dict:
    landlords = sum(part["landlords"] for part in parts)
    compared = sum(part["compared"] for part in parts)
    reproduced = sum(part["reproduced"] for part in parts)
    outcomes: dict[str, int] = {}
    for part in parts:
        for outcome, count in part["return_outcomes"].items():
            outcomes[outcome] = outcomes.get(outcome, 0) + count
    context.add_output_metadata(
        {
            "landlords": landlords,
            "compared": compared,
            "reproduced": reproduced,
            "workers": sorted({part["worker"] for part in parts}),
        }
    )
    unexplained = set(outcomes) - EXPLAINED_RETURN_OUTCOMES
    if reproduced != compared or unexplained:
        raise dg.Failure(
            f"{compared - reproduced} published figures of {compared} not reproduced; "
            f"return outcomes not explained: {sorted(unexplained)}"
        )
    return {"landlords": landlords, "compared": compared, "reproduced": reproduced}


@dg.job(executor_def=celery_executor())
def sector_replay_job():
    collect(replay_shards().map(replay_shard_step).collect())


# ---------------------------------------------------------------------------------------------
# Local Redis and workers on loopback (tests and the command below; a deployment runs its own)
# ---------------------------------------------------------------------------------------------


def redis_server() -> str | None:
    return shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    """Stop a process we started, and its process group (celery's pool children)."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextlib.contextmanager
def local_celery(workers: int, home: Path, concurrency: int = 1) -> Iterator[dict[str, str]]:
    """Redis on a free loopback port and ``workers`` dagster-celery workers sharing ``home``.

    Yields the environment (DAGSTER_HOME, broker and backend URLs) the runs must use; stops
    everything on exit.
    """
    server = redis_server()
    if server is None:
        raise RuntimeError("redis-server is not installed (Debian: apt-get install redis-server)")
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").touch()  # a persistent (SQLite) instance the workers share
    # Create its storage here, before the workers start: SQLite run storage created by several
    # processes at once can end with two schema heads.
    with dg.DagsterInstance.from_config(str(home)) as instance:
        instance.get_runs(limit=1)
    port = free_port()
    env = {
        "DAGSTER_HOME": str(home),
        BROKER_ENV: f"redis://127.0.0.1:{port}/0",
        BACKEND_ENV: f"redis://127.0.0.1:{port}/1",
    }
    child_env = {
        **os.environ,
        **env,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])
        ),
        # dagster-celery starts `celery` from PATH: this environment's, even when the caller ran
        # .venv/bin/python without `uv run` or an activated environment
        "PATH": os.pathsep.join(
            filter(None, [str(Path(sys.executable).parent), os.environ.get("PATH")])
        ),
    }
    started: list[subprocess.Popen] = []
    logs = home / "logs"
    logs.mkdir(exist_ok=True)
    try:
        started.append(
            subprocess.Popen(
                [
                    server,
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--protected-mode",
                    "yes",
                ],  # fmt: skip
                stdout=subprocess.DEVNULL,
                start_new_session=True,
            )
        )
        _wait_for_port(port)
        cli = Path(sys.executable).with_name("dagster-celery")
        for number in range(1, workers + 1):
            with open(logs / f"worker{number}.log", "wb") as log:
                started.append(
                    subprocess.Popen(
                        [
                            str(cli),
                            "worker",
                            "start",
                            "-A",
                            "dagster_celery.app",
                            "-y",
                            str(CELERY_YAML),
                            "-n",
                            f"worker{number}",
                            "--loglevel",
                            "WARNING",
                            "--",
                            f"--concurrency={concurrency}",
                        ],  # fmt: skip
                        cwd=PROJECT_ROOT,
                        env=child_env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
        _wait_for_workers(env[BROKER_ENV], env[BACKEND_ENV], workers, started, logs)
        yield env
    finally:
        for process in reversed(started):
            _stop(process)


def _wait_for_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.1)
    raise RuntimeError(f"redis-server did not listen on 127.0.0.1:{port} in {timeout:.0f} s")


def _wait_for_workers(broker, backend, workers, processes, logs, timeout: float = 120) -> None:
    from celery import Celery

    app = Celery(broker=broker, backend=backend)
    deadline = time.monotonic() + timeout
    replies: list = []
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            raise RuntimeError(f"a worker or redis-server exited; see {logs}")
        replies = app.control.ping(timeout=1.0)
        if len(replies) >= workers:
            return
        time.sleep(0.5)
    raise RuntimeError(f"{len(replies)} of {workers} celery workers answered in {timeout:.0f} s")


def celery_workers_of(instance: dg.DagsterInstance, run_id: str) -> dict[str, str]:
    """Step key -> the celery worker that executed it, from the run's engine events."""
    workers = {}
    for record in instance.all_logs(run_id):
        event = record.dagster_event
        if event is None or event.event_type_value != "ENGINE_EVENT" or not event.step_key:
            continue
        metadata = event.engine_event_data.metadata or {}
        if "Celery worker" in metadata:
            workers[event.step_key] = metadata["Celery worker"].value
    return workers


def run_replay(env: dict[str, str], config: ReplayConfig) -> dict:
    """Run ``sector_replay_job`` on the workers of ``env``: success, wall time, per-step worker."""
    previous = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        started = time.perf_counter()
        with (
            dg.DagsterInstance.get() as instance,
            dg.execute_job(
                dg.reconstructable(sector_replay_job),
                instance=instance,
                run_config=dg.RunConfig(ops={"replay_shards": config}).to_config_dict(),
                raise_on_error=False,
            ) as result,
        ):
            wall = time.perf_counter() - started
            return {
                "success": result.success,
                "wall_seconds": round(wall, 1),
                "summary": result.output_for_node("collect") if result.success else None,
                "shards": (result.output_for_node("replay_shard_step") if result.success else None),
                "workers": celery_workers_of(instance, result.run_id),
                "failures": [e.message for e in result.all_events if e.is_failure],
            }
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shards", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--year", default="2024-25")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="replay_celery_") as tmp:
        started = time.perf_counter()
        with local_celery(args.workers, Path(tmp) / "dagster_home") as env:
            ready = time.perf_counter()
            run = run_replay(env, ReplayConfig(year=args.year, shards=args.shards))
        print(
            f"sector replay {args.year} on {args.workers} celery workers, {args.shards} shards: "
            f"{'success' if run['success'] else 'FAILED ' + str(run['failures'])}; "
            f"run {run['wall_seconds']:.1f} s (workers up in {ready - started:.1f} s); "
            f"{run['summary']}; steps per worker: {_count(run['workers'])}"
        )
    return 0 if run["success"] else 1


def _count(workers: dict[str, str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for worker in workers.values():
        counts[worker] = counts.get(worker, 0) + 1
    return counts


if __name__ == "__main__":
    raise SystemExit(main())
