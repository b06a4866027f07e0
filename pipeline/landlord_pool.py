"""The landlords of one ``complaints run``: this process and its worker processes take them from
one queue, largest first, until all are done or a stop signal ends the command."""

from __future__ import annotations

import os
import queue
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from multiprocessing import active_children, get_context
from pathlib import Path

from pipeline.process import start_worker
from pipeline.run_messages import say
from pipeline.step_errors import said_safely
from pipeline.stopping import (
    CommandStopped,
    at_work,
    hold_stop_signals,
    request_stop,
    stop_if_requested,
    stop_requested,
)


def run_all(jobs: list[tuple], parallel: int) -> dict[str, bool]:
    """Run every landlord's job, ``parallel`` at a time; ``{landlord: ok}``.

    This process runs landlords itself beside ``parallel - 1`` worker processes, all taking the
    next landlord from one queue: each process pays Dagster's and the libraries' start-up (about
    3 CPU-s) once, whatever the number of landlords, and the command's own process is one of them
    instead of waiting idle. Landlords have separate DuckDB files, so they run in parallel; workers
    are started with "spawn" (a forked copy of a process with DuckDB and Polars thread pools is
    not safe).

    Ctrl-C or SIGTERM, in this process or a worker, stops the command after the runs in progress
    (:class:`CommandStopped`, carrying the results so far): no further landlord is started.
    """
    from pipeline import cli  # run_landlord, looked up at each call (the tests replace it)

    results: dict[str, bool] = {}
    if parallel == 1:
        try:
            for job in jobs:
                landlord, ok = cli.run_landlord(*job)
                results[landlord] = ok
                stop_if_requested()
        except CommandStopped as stopped:
            stopped.results = results
            raise
        return results
    todo: queue.SimpleQueue = queue.SimpleQueue()
    for job in jobs:
        todo.put(job)
    stopping = threading.Event()

    def next_job():
        if stopping.is_set() or stop_requested():
            return None
        try:
            return todo.get_nowait()
        except queue.Empty:
            return None

    def feed(pool: ProcessPoolExecutor) -> None:
        # one thread per worker process: hand it the next landlord when it has finished one
        hold_stop_signals()  # for the worker this thread starts, until its handler is in place
        while (job := next_job()) is not None:
            try:
                running = pool.submit(_run_landlord_in_worker, *job)
            except BrokenProcessPool:  # its worker died earlier: this process runs the rest
                todo.put(job)
                return
            try:
                landlord, ok = running.result()
            except CommandStopped as stopped:  # the worker was stopped: so is the command
                landlord, ok = job[2], False
                request_stop(stopped.signal_number)
                stopping.set()
            except BrokenProcessPool as exc:  # the worker died (out of memory, killed)
                results[job[2]] = False
                if not (stopping.is_set() or stop_requested()):  # not the Ctrl-C that stops all
                    say(job[2], f"ERROR its worker process stopped: {said_safely(exc)}")
                return  # the landlords still waiting go to this process
            except Exception as exc:  # what the landlord's run raised, sent back by the worker
                landlord, ok = job[2], False
                say(landlord, f"ERROR {said_safely(exc)}")
            results[landlord] = ok

    def run_here() -> None:
        while (job := next_job()) is not None:
            landlord, ok = cli.run_landlord(*job)
            results[landlord] = ok
            stop_if_requested()

    pool = ProcessPoolExecutor(
        max_workers=parallel - 1,
        mp_context=get_context("spawn"),
        initializer=start_worker,  # a worker collects and ends like the command (see console)
    )
    try:
        feeders = [
            threading.Thread(target=feed, args=(pool,), daemon=True) for _ in range(parallel - 1)
        ]
        for feeder in feeders:
            feeder.start()
        run_here()
        for feeder in feeders:
            while feeder.is_alive():  # waiting for the workers' landlords: a stop is seen here
                feeder.join(timeout=0.2)
                stop_if_requested()
        run_here()  # a feeder whose worker died hands back the landlord it could not send
        stop_if_requested()
    except CommandStopped as stopped:
        stopping.set()
        # the workers stop too, after their run in progress (which ends at once, as failed: what
        # it was writing is kept from readers until whole, by transactions and generations)
        stop_pool(pool)
        stopped.results = dict(results)
        raise
    pool.shutdown(wait=True)
    return results


# Seconds a worker has to end its run once asked to stop, before it is killed.
WORKER_STOP_GRACE = 5.0


def stop_pool(pool: ProcessPoolExecutor, grace: float = WORKER_STOP_GRACE) -> None:
    """Stop ``pool``'s worker processes: no landlord follows, the runs in progress are asked to
    stop, and a worker still running after ``grace`` seconds is killed.

    The workers are told first that no landlord follows: a worker whose run the signal ended
    waits for its next landlord, and was killed after the grace instead of ending (SIGTERM to
    ``make run`` took 5.5-7 s to stop it, however soon the runs had ended).
    """
    pool.shutdown(wait=False, cancel_futures=True)
    _stop_workers(active_children(), grace)
    pool.shutdown(wait=True)


def _stop_workers(workers: list, grace: float = WORKER_STOP_GRACE) -> None:
    """Ask each worker process to stop (SIGTERM), and kill those still running after ``grace``
    seconds.

    A worker ends its run within a second or two of the signal (see
    :class:`pipeline.stopping._RunInterrupter`); one that has hung, or is stuck in a call that
    does not return to Python, is killed. A kill is safe: the landlord's writes are transactions
    and its outputs a generation published whole or not at all.
    """
    for worker in workers:
        worker.terminate()
    deadline = time.monotonic() + grace
    for worker in workers:
        worker.join(timeout=max(0.0, deadline - time.monotonic()))
        if worker.is_alive():
            worker.kill()
            worker.join(timeout=5)


def _run_landlord_in_worker(*job) -> tuple[str, bool]:
    """:func:`pipeline.cli.run_landlord` in a worker process, marked as at work (see
    :func:`pipeline.stopping.catch_stop_signals`)."""
    from pipeline import cli

    with at_work(job[2]):
        return cli.run_landlord(*job)


def largest_first(root: Path, landlords: list[str]) -> list[str]:
    """``landlords``, the one with the most bytes in its workspace first.

    The processes take the next landlord from one queue, so the longest runs start first and the
    short ones fill in at the end, instead of one process running the largest landlord alone
    while the others have finished (in ``make run``, Housing 21 alone for the last 10 s).
    """

    def size(landlord: str) -> int:
        total = 0
        for folder, _, names in os.walk(root / landlord):
            for name in names:
                with suppress(OSError):
                    total += os.path.getsize(os.path.join(folder, name))
        return total

    return sorted(landlords, key=size, reverse=True)


def say_stopped(stopped: CommandStopped, landlords: list[str], wall: float) -> int:
    """Say what a stopped command finished and what it did not; its exit code."""
    results = getattr(stopped, "results", {})
    finished = sorted(landlord for landlord, ok in results.items() if ok)
    unfinished = sorted(landlord for landlord in landlords if landlord not in finished)
    print(
        f"complaints run: stopped by {stopped.signal_name} after {wall:.1f} s. "
        + (f"Finished, with new outputs: {', '.join(finished)}. " if finished else "")
        + (
            f"Not finished, their previous outputs stand: {', '.join(unfinished)}. "
            if unfinished
            else ""
        )
        + "Run the same command again to finish.",
        flush=True,
    )
    return stopped.exit_code
