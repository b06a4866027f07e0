"""Stopping ``complaints run``: Ctrl-C, or SIGTERM from a scheduler's timeout or a service stop,
stops the whole command after the runs in progress, not just the landlord being run."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Iterator

from pipeline.process import exit_now


class CommandStopped(BaseException):
    """Ctrl-C or SIGTERM reached the command: it stops after the run in progress.

    A BaseException, like KeyboardInterrupt, so the handlers that name a landlord's failure and
    go on with the others (``except Exception``) do not swallow it.
    """

    def __init__(self, signal_number: int) -> None:
        super().__init__(signal_number)
        self.signal_number = signal_number

    @property
    def exit_code(self) -> int:
        return 128 + self.signal_number  # the shell's convention: 130 for Ctrl-C, 143 for SIGTERM

    @property
    def signal_name(self) -> str:
        return (
            "Ctrl-C"
            if self.signal_number == signal.SIGINT
            else signal.Signals(self.signal_number).name
        )


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_caught_in_this_process: list[bool] = []  # a command's own handling of a stop has begun
_stop_pipe: list[int] = []  # the read end of the pipe the signals are written to
_stopped: list[int] = []  # the first stop signal seen
_run_going = threading.Event()  # a Dagster run is executing in this process's main thread

# Seconds a run may go on after a stop before it is interrupted again (see _RunInterrupter).
REINTERRUPT_AFTER = 1.0
_POLL = 0.25


@contextlib.contextmanager
def catch_stop_signals(*, worker: bool = False) -> Iterator[None]:
    """Stop the command, not just the landlord in progress, on Ctrl-C or SIGTERM.

    Dagster handles both while a run executes: SIGTERM becomes SIGINT, and the run ends as failed
    ("Query interrupted" when DuckDB was executing). The command used to report that landlord as
    failed and go on with the next, so a scheduler's timeout or a service stop did not stop it.
    Python writes every signal it receives to the wakeup file descriptor, whichever handler
    Dagster has installed at the time, so :func:`stop_requested` sees it after the run.

    A ``worker`` process waiting for its next landlord ends at once, quietly; at work on one, it
    stops after the run in progress, like the command.

    The handler only records the signal; :func:`stop_if_requested` raises :class:`CommandStopped`
    where the command checks for it.
    """
    if _stop_pipe or threading.current_thread() is not threading.main_thread():
        yield  # already caught, or not the main thread (signals reach only that one)
        return
    _caught_in_this_process.append(True)
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    os.set_blocking(write_end, False)
    previous_fd = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    _stop_pipe.append(read_end)

    def stop(signal_number: int, _frame) -> None:
        # Recorded, not raised: raised here, it landed in whatever library code ran at that
        # moment (SQLAlchemy closing a connection logged it with a traceback). The command stops
        # at its next check: before and after each run, between landlords, while it waits.
        _stopped.append(signal_number)
        if worker and not _at_work:
            exit_now(128 + signal_number)

    previous = {number: signal.signal(number, stop) for number in _STOP_SIGNALS}
    interrupter = _RunInterrupter(read_end)
    previous_hook = sys.unraisablehook

    def dropped_in_finaliser(unraisable) -> None:
        # the interrupt a stop raised inside a finaliser: the run is interrupted again, so the
        # "Exception ignored in ..." traceback Python would print says nothing to act on
        exc = unraisable.exc_value
        if isinstance(exc, BaseException) and not isinstance(exc, Exception) and stop_requested():
            return
        previous_hook(unraisable)

    sys.unraisablehook = dropped_in_finaliser
    try:
        yield
    finally:  # as it was (a command run in-process, by the tests, leaves nothing behind)
        sys.unraisablehook = previous_hook
        interrupter.close()
        for number, handler in previous.items():
            signal.signal(number, handler)
        signal.set_wakeup_fd(previous_fd)
        _stop_pipe.clear()
        _stopped.clear()
        os.close(read_end)
        os.close(write_end)


class _RunInterrupter:
    """A thread that watches for a stop (woken by the wakeup pipe, and every quarter second) and,
    while a run goes on after it, interrupts the run again every :data:`REINTERRUPT_AFTER`
    seconds.

    During a run Dagster's handler raises its interrupt in the step's code, which ends the run at
    once, except when the signal is handled inside a finaliser or a weak reference's callback
    (a garbage collection the step's code set off): Python prints "Exception ignored in ..." and
    drops the exception, and the run went on to its end, and the command's next run too before
    its check (SIGTERM took 30-56 s to stop ``make run``). A second SIGINT lands in ordinary
    code. The first signal stays the one the command reports.
    """

    def __init__(self, read_end: int) -> None:
        self._read_end = read_end
        self._wake_read, self._wake_write = os.pipe()
        self._thread = threading.Thread(target=self._watch, name="stop-signals", daemon=True)
        self._thread.start()

    def close(self) -> None:
        os.write(self._wake_write, b"x")
        self._thread.join()
        os.close(self._wake_read)
        os.close(self._wake_write)

    def _watch(self) -> None:
        # Polled too, not only woken by the pipe: a check elsewhere may have read the signal
        # from it first.
        stop_seen_at = None  # when this run was last interrupted, or the stop first seen in it
        while True:
            ready, _, _ = select.select([self._read_end, self._wake_read], [], [], _POLL)
            if self._wake_read in ready:
                return
            if stop_requested() is None or not _run_going.is_set():
                stop_seen_at = None
                continue
            now = time.monotonic()
            if stop_seen_at is None:
                stop_seen_at = now
            elif now - stop_seen_at >= REINTERRUPT_AFTER:
                signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)
                stop_seen_at = now


@contextlib.contextmanager
def run_going() -> Iterator[None]:
    """Mark a Dagster run as executing in the main thread (a stop interrupts it again until it
    ends; see :class:`_RunInterrupter`)."""
    _run_going.set()
    try:
        yield
    finally:
        _run_going.clear()


_for_life = contextlib.ExitStack()  # a worker process's catch, held until it ends


def hold_stop_signals() -> None:
    """Hold Ctrl-C and SIGTERM back from the calling thread, and from the processes it starts
    (a blocked signal stays blocked across fork and exec), until they release them.

    Only the main thread handles signals, so a helper thread loses nothing. A worker process
    started from such a thread takes a second to import its libraries before its own handler is
    in place: a Ctrl-C to the terminal's process group then printed a KeyboardInterrupt traceback
    from the middle of its imports. Held, the signal waits for
    :func:`catch_stop_signals_for_life`, which handles it as any other.
    """
    signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)


def catch_stop_signals_for_life() -> None:
    """:func:`catch_stop_signals` for a worker process, from its start to its end; then the stop
    signals held back while it started (:func:`hold_stop_signals`) are let through."""
    _for_life.enter_context(catch_stop_signals(worker=True))
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)


_at_work: list[str] = []  # the landlord a worker process is running, if any


@contextlib.contextmanager
def at_work(landlord_id: str) -> Iterator[None]:
    """Mark this process as running ``landlord_id`` (a stop signal then waits for its run)."""
    _at_work.append(landlord_id)
    try:
        yield
    finally:
        _at_work.pop()


def stop_from_the_start() -> None:
    """Make SIGTERM raise :class:`CommandStopped` where the command is, as Ctrl-C raises
    KeyboardInterrupt, until a command catches both itself (:func:`catch_stop_signals`).

    Python's default for SIGTERM ends the process at once, silently: a scheduler's timeout
    while the command started (its libraries loading, its arguments read) left no line in its
    log.
    """

    def stop(signal_number: int, _frame) -> None:
        raise CommandStopped(signal_number)

    signal.signal(signal.SIGTERM, stop)


def ignore_stop_signals() -> None:
    """Ignore Ctrl-C and SIGTERM from now on: the command's work is done and said, and what is
    left is closing (the browser that printed its PDFs, the run history); a stop raised inside
    that closing printed a traceback and lost the command's exit code."""
    for number in _STOP_SIGNALS:
        signal.signal(number, signal.SIG_IGN)


def said_before_the_end(signal_name: str) -> str:
    """The command line's last word on a stop no command caught: before any command's own
    handling began nothing was written; after it, the command has said what it did."""
    if _caught_in_this_process:
        return (
            f"complaints: stopped by {signal_name} as the command ended: what it said above stands"
        )
    return f"complaints: stopped by {signal_name} before anything was written"


def request_stop(signal_number: int) -> None:
    """Record a stop asked for elsewhere (a worker process that was stopped)."""
    _stopped.append(signal_number)


def stop_requested() -> int | None:
    """The first Ctrl-C or SIGTERM this process has received, if any."""
    if _stop_pipe:
        try:
            received = os.read(_stop_pipe[0], 512)
        except BlockingIOError:
            received = b""
        _stopped.extend(number for number in received if number in _STOP_SIGNALS)
    return _stopped[0] if _stopped else None


def stop_if_requested() -> None:
    """Raise :class:`CommandStopped` if a stop signal has been received."""
    number = stop_requested()
    if number is not None:
        raise CommandStopped(number)
