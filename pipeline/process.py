"""How the ``complaints`` command's processes start, share the machine and end.

Each process (the command's own and its workers) hides the test-only libraries, pauses the
cyclic collector until start-up is done, keeps glibc to two malloc arenas, holds one Dagster
instance, gives DuckDB its share of the cores, and ends without the interpreter's teardown once
everything it wrote is closed.
"""

from __future__ import annotations

import atexit
import functools
import gc
import importlib.abc
import logging
import os
import shutil
import socket
import sys
import threading
import time
from pathlib import Path


@functools.cache
def dagster_instance():
    """One instance per process (creating an in-memory one costs more than a landlord's run)."""
    from dagster import DagsterInstance

    # With DAGSTER_HOME set, runs land in that instance's history (and show in the UI);
    # otherwise an in-memory instance keeps the command self-contained and fast.
    if os.environ.get("DAGSTER_HOME"):
        return DagsterInstance.get()
    return DagsterInstance.ephemeral(tempdir=str(_instance_folder()))


INSTANCE_FOLDER_PREFIX = "complaints-dagster-"
_instance_folders: list[Path] = []


def _instance_folder() -> Path:
    """The in-memory instance's folder, named after this process so that the folders of killed
    processes are removed by the next one (Dagster's own ``tmp*`` folder was left behind by each
    ``kill -9``: one per process of the command, for ever)."""
    import tempfile

    from pipeline.reporting.browser import remove_stale_folders

    remove_stale_folders(Path(tempfile.gettempdir()), INSTANCE_FOLDER_PREFIX)
    folder = Path(tempfile.mkdtemp(prefix=f"{INSTANCE_FOLDER_PREFIX}{os.getpid()}-"))
    _instance_folders.append(folder)
    # a process that ends without exit_now (the tests, a code server) removes it too
    atexit.register(shutil.rmtree, folder, True)
    return folder


# The writer lock a command's run held (host and lock file): only a run under the lock this
# process holds now is known to have ended; another host's, or another output root's, may still go.
LOCK_TAG = "complaints/lock"


def lock_tag(lock_path: Path) -> str:
    """The :data:`LOCK_TAG` value of a command's runs under the writer lock ``lock_path``."""
    return f"{socket.gethostname()}:{Path(lock_path).resolve()}"


def run_in_progress(instance, lock: str):
    """For a landlord whose writer lock (:func:`lock_tag`) this process holds: whether a run (by
    id) may still write its staging folders.

    A command's run holds the landlord's lock from start to end, so one under this lock that the
    instance still shows as started was killed (``kill -9`` leaves it so); a run started from the
    UI or a schedule may go on beside the lock, between its connections.
    """

    def in_progress(run_id: str) -> bool:
        try:
            run = instance.get_run_by_id(run_id)
        except Exception:  # not a run id (a folder of an older version): unknown, so not running
            return False
        if run is None or run.is_finished:
            return False
        return run.tags.get(LOCK_TAG) != lock

    return in_progress


def fail_killed_runs(instance, landlord_id: str, lock: str) -> int:
    """Mark as failed the runs of ``landlord_id`` that a command started under the writer lock
    ``lock`` (:func:`lock_tag`, held by the caller) and the instance still shows in progress.
    Returns how many.

    A command's run holds that lock from start to end, so such a run was killed (``kill -9``, the
    machine stopped) before it could record its end. In a ``$DAGSTER_HOME`` instance it stayed
    "started" for ever, and the run queue counts it: the landlord's queued runs (one at a time
    per landlord) never started again, and four of them held every landlord's runs.
    """
    import dagster as dg

    in_progress = [
        dg.DagsterRunStatus.STARTING,
        dg.DagsterRunStatus.STARTED,
        dg.DagsterRunStatus.CANCELING,
    ]
    killed = instance.get_runs(
        filters=dg.RunsFilter(statuses=in_progress, tags={"landlord": landlord_id, LOCK_TAG: lock})
    )
    for run in killed:
        instance.report_run_failed(
            run, message="the command running it ended before the run did (it was killed)"
        )
    return len(killed)


def duckdb_threads() -> int | None:
    """DuckDB threads for one landlord's session: this process's share of the cores.

    ``complaints run`` sets ``COMPLAINTS_DUCKDB_THREADS`` to cores / processes, so its processes
    do not each start a thread per core and contend for them. At a landlord's scale DuckDB's
    extra threads mostly wait: one landlord's measures (10 k complaints, four years) took the same
    0.47 s wall on 1 thread as on 2, for 16 % less CPU; a process's peak memory at 100 k
    complaints went from 760 to 637 MB. Unset: DuckDB's default.
    """
    value = os.environ.get("COMPLAINTS_DUCKDB_THREADS", "")
    return int(value) if value.isdigit() and int(value) > 0 else None


def exit_now(code: int = 0) -> None:
    """End this process at once: close the browser that printed its PDFs, flush standard streams
    and logging, remove the Dagster instance's temporary folder, and skip the interpreter's
    teardown (``os._exit`` runs no ``atexit`` handler, so nothing else would close the browser
    and remove its temporary profile)."""
    printing = sys.modules.get("pipeline.reporting.pdf")  # loaded only by a run with documents
    if printing is not None:
        printing.stop_browser()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    if dagster_instance.cache_info().currsize:
        dagster_instance().dispose()
    for folder in _instance_folders:
        shutil.rmtree(folder, ignore_errors=True)
    os._exit(code)


# glibc gives each thread that allocates under contention an arena of its own (up to 8 a core)
# and keeps what is freed there for the next allocation in it: DuckDB's and Arrow's threads left
# each process holding memory it no longer used. Two arenas a process: the 1 M benchmark's peak
# (the processes' summed PSS) 1,075-1,094 -> 967-987 MB, its time unchanged (bench/README.md).
MALLOC_ARENAS = "2"


_M_ARENA_MAX = -8  # mallopt's parameter number (malloc.h)


def fewer_malloc_arenas() -> None:
    """At most :data:`MALLOC_ARENAS` glibc arenas in this process and the worker processes it
    starts (which read ``MALLOC_ARENA_MAX`` when they start); a value already set is kept."""
    arenas = os.environ.setdefault("MALLOC_ARENA_MAX", MALLOC_ARENAS)
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(_M_ARENA_MAX, int(arenas))
    except (OSError, AttributeError, ValueError):  # not glibc, or a value that is not a number
        pass


# CPython's cyclic collector runs after every 700 net new objects, and start-up creates millions
# (the modules of Dagster, Polars, DuckDB and pandera, the definitions, the instance): its passes
# over them took about 0.5 s of a one-landlord run. So ``complaints run`` pauses the collector
# until the first landlord's run begins; what start-up built then lives as long as the process and
# is set aside for good (gc.freeze), and the collector resumes for the runs themselves.
def pause_collector() -> None:
    gc.disable()


@functools.cache
def _freeze_start_up() -> None:
    gc.freeze()


def resume_collector() -> None:
    if not gc.isenabled():
        _freeze_start_up()
        gc.enable()


# pandera imports pandas (its pandas API) and hypothesis (its data-synthesis strategies) whenever
# they are installed. The pipeline uses neither, and neither is one of its dependencies: they are
# installed for the test suite only (pyproject.toml's dev group), where pandas runs the benchmark's
# notebook and hypothesis the property tests. Seen by the command, they cost each of its processes
# about 0.3 s of start-up and 50 MB of memory (bench/README.md, eleventh session). So the command
# sees the environment an install without the dev group gives: importing them fails as if they
# were absent, which pandera, Polars and Plotly each treat as "not installed".
TEST_ONLY_LIBRARIES = frozenset({"pandas", "hypothesis"})


class _TestOnlyLibraries(importlib.abc.MetaPathFinder):
    """Finds no module of :data:`TEST_ONLY_LIBRARIES` (``import`` raises ModuleNotFoundError)."""

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in TEST_ONLY_LIBRARIES:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


def hide_test_libraries() -> None:
    """Make :data:`TEST_ONLY_LIBRARIES` unimportable in this process (once; none loaded yet)."""
    if not any(isinstance(finder, _TestOnlyLibraries) for finder in sys.meta_path):
        sys.meta_path.insert(0, _TestOnlyLibraries())


def start_worker() -> None:
    """Each worker process: the imports, the collector and the way of ending of the command."""
    hide_test_libraries()
    pause_collector()
    from pipeline.stopping import catch_stop_signals_for_life

    catch_stop_signals_for_life()
    atexit.register(exit_now)
    threading.Thread(
        target=_end_with_the_command, args=(os.getppid(),), name="end-with-command", daemon=True
    ).start()


def _end_with_the_command(command: int, every: float = 1.0) -> None:
    """End this worker as soon as the command that started it (``command``, its parent) has gone.

    A killed command (kill, a closed terminal, a scheduler's timeout) left its workers behind: each
    finished or abandoned its landlord and then waited for ever to hand back a result nobody would
    read, holding a few hundred MB (two were found 10 minutes after their command was killed).
    Ending mid-landlord is a kill like any other: the landlord's writes are transactions and its
    outputs a generation published whole or not at all, and its writer lock goes with the process.
    """
    while os.getppid() == command:
        time.sleep(every)
    os._exit(1)
