"""Ctrl-C and SIGTERM stop ``complaints run``, not just the landlord in progress.

Dagster turns both into a failed run while one executes (DuckDB's query ends with "Query
interrupted"), and the command used to report that landlord as failed and go on with the next:
a scheduler's timeout or a service stop (SIGTERM) did not stop it. Now the command stops after the
runs in progress, says which landlords finished and which keep their previous outputs, exits with
the shell's code (143 for SIGTERM, 130 for Ctrl-C), and leaves no worker process behind; the
outputs it published are whole, and the same command run again finishes.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import psutil
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = PROJECT_ROOT / "examples"
LANDLORDS = ("small_specialist", "council_housing", "homes_plus")

pytestmark = pytest.mark.skipif(
    not (EXAMPLES / "small_specialist" / "landlord.yaml").is_file(),
    reason="example workspaces not generated",
)


def _environment() -> dict:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    env.pop("DAGSTER_HOME", None)
    return env


def _command(root: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "pipeline.cli", "run", "--all", "--workspaces-root", str(root),
        "--years", "2023-24:2025-26", "--only", "returns", "--parallel", "2",
        "--output", str(out), *extra,
    ]  # fmt: skip


@pytest.fixture
def workspaces(tmp_path: Path) -> Path:
    root = tmp_path / "workspaces"
    root.mkdir()
    for name in LANDLORDS:
        (root / name).symlink_to(EXAMPLES / name, target_is_directory=True)
    return root


class Command:
    """``complaints run`` in its own process group, its output read as it comes."""

    def __init__(self, root: Path, out: Path, *extra: str) -> None:
        self.process = subprocess.Popen(
            _command(root, out, *extra),
            cwd=PROJECT_ROOT,
            env=_environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # a terminal's Ctrl-C reaches its whole process group
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_for(self, text: str, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            assert self.process.poll() is None, "the command ended early:\n" + self.output()
            assert time.monotonic() < deadline, f"no {text!r} in:\n" + self.output()
            time.sleep(0.05)

    def workers(self) -> list[psutil.Process]:
        return [
            child
            for child in psutil.Process(self.process.pid).children()
            if "spawn_main" in " ".join(child.cmdline())
        ]

    def output(self) -> str:
        self._reader.join(timeout=5)
        return "".join(self.lines)

    def end(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


def _published_outputs_whole(out: Path) -> int:
    """Every output a published manifest lists exists with its bytes and hash; how many."""
    checked = 0
    for manifest in out.glob("*/*/manifest.json"):
        for output in json.loads(manifest.read_text())["outputs"]:
            path = manifest.parent / output["file"]
            assert path.is_file(), f"{path} is listed in {manifest} but missing"
            data = path.read_bytes()
            assert len(data) == output["bytes"], path
            assert hashlib.sha256(data).hexdigest() == output["sha256"], path
            checked += 1
    return checked


@pytest.mark.parametrize(
    ("signal_number", "to_group", "exit_code", "named"),
    [
        (signal.SIGTERM, False, 143, "SIGTERM"),  # a scheduler's timeout: the command alone
        (signal.SIGINT, True, 130, "Ctrl-C"),  # Ctrl-C in a terminal: the whole process group
    ],
)
def test_a_stop_signal_stops_the_whole_command(
    workspaces, tmp_path, signal_number, to_group, exit_code, named
):
    out = tmp_path / "out"
    command = Command(workspaces, out)
    workers: list[psutil.Process] = []
    try:
        # a landlord's year run has begun: Dagster's interrupt handling is in place
        command.wait_for(": running")
        workers = command.workers()
        assert workers, "the command started no worker process"
        if to_group:
            os.killpg(command.process.pid, signal_number)
        else:
            command.process.send_signal(signal_number)
        sent = time.monotonic()
        code = command.process.wait(timeout=60)
        stopped_in = time.monotonic() - sent
        output = command.output()
        gone, alive = psutil.wait_procs(workers, timeout=15)
    finally:
        command.end()
        for worker in workers:
            with contextlib.suppress(psutil.Error):
                worker.kill()

    assert code == exit_code, output
    assert f"complaints run: stopped by {named}" in output, output
    assert "Run the same command again to finish." in output
    assert "Traceback" not in output and "leaked semaphore" not in output, output
    assert "its worker process stopped" not in output, output  # stopped by the same signal
    assert "FAILED" not in output.splitlines()[-1]
    assert not alive, f"{len(alive)} worker process(es) outlived the stopped command"
    assert stopped_in < 30, f"the command took {stopped_in:.0f} s to stop"
    last = output.splitlines()[-1]
    finished = (
        last.split("Finished, with new outputs: ")[1].split(".")[0] if "Finished" in last else ""
    )
    for name in LANDLORDS:  # each landlord named once: finished, or keeping its previous outputs
        assert last.count(name) == 1, last
    for name in filter(None, finished.split(", ")):
        assert (out / name / "2025-26" / "tsm_return.csv").is_file(), name
    _published_outputs_whole(out)

    again = subprocess.run(
        _command(workspaces, out),
        cwd=PROJECT_ROOT,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"{len(LANDLORDS)} of {len(LANDLORDS)} landlord(s) ok" in again.stdout
    assert _published_outputs_whole(out) > 0


def test_a_stop_signal_is_seen_whatever_handler_was_in_place():
    """Dagster replaces the SIGINT and SIGTERM handlers while a run executes; the signal still
    reaches :func:`pipeline.stopping.stop_requested` (a process of its own: signal state is
    global)."""
    script = textwrap.dedent(
        """
        import os, signal
        from pipeline.stopping import catch_stop_signals, stop_requested
        with catch_stop_signals():
            assert stop_requested() is None
            seen = []
            signal.signal(signal.SIGTERM, lambda number, frame: seen.append(number))  # as Dagster
            os.kill(os.getpid(), signal.SIGTERM)
            assert seen == [signal.SIGTERM]
            assert stop_requested() == signal.SIGTERM
            assert stop_requested() == signal.SIGTERM  # it stays asked for
        assert stop_requested() is None  # and the process is as it was
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_a_stop_handled_inside_a_finaliser_still_ends_the_run_promptly():
    """Dagster's handler raises its interrupt wherever the main thread is; handled inside a
    finaliser (a garbage collection the step set off), Python drops the exception ("Exception
    ignored in ...") and the run went on to its end: here 8 s, in ``make run`` 30-56 s, the next
    run included. The run is interrupted again until it ends (a process of its own: signal state
    is global)."""
    script = textwrap.dedent(
        """
        import gc, os, signal, time
        import dagster as dg
        from pipeline.cli import _run_job
        from pipeline.stopping import CommandStopped, catch_stop_signals

        class StopInsideFinaliser:
            def __del__(self):
                os.kill(os.getpid(), signal.SIGTERM)
                for _ in range(1000):  # the handler runs here, and its exception is dropped
                    pass

        @dg.asset
        def long_step() -> None:
            StopInsideFinaliser()
            gc.collect()
            for _ in range(80):
                time.sleep(0.1)

        definitions = dg.Definitions(
            assets=[long_step], jobs=[dg.define_asset_job("long", selection=[long_step])]
        )
        with catch_stop_signals():
            started = time.monotonic()
            try:
                _run_job(definitions.resolve_job_def("long"))
            except CommandStopped as stopped:
                print(stopped.signal_name, round(time.monotonic() - started, 1))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    name, took = result.stdout.split()
    assert name == "SIGTERM", result.stderr
    assert float(took) < 4, result.stderr  # the step alone runs 8 s
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr


def test_a_worker_killed_mid_landlord_fails_that_landlord_only(tmp_path):
    """A worker process killed (out of memory, or by hand) fails the landlord it was running;
    the command's own process runs the landlords still waiting. Before, the pool was broken and
    every landlord handed to it afterwards failed at once with "its worker process stopped"."""
    root = tmp_path / "workspaces"
    root.mkdir()
    names = ("housing21", "homes_plus", "council_housing", "small_specialist")
    for name in names:
        (root / name).symlink_to(EXAMPLES / name, target_is_directory=True)
    command = Command(root, tmp_path / "out")
    try:
        # both processes at work: two landlords' loads have begun their year runs
        deadline = time.monotonic() + 300
        while sum(": running" in line for line in command.lines) < 2:
            assert command.process.poll() is None, command.output()
            assert time.monotonic() < deadline, command.output()
            time.sleep(0.05)
        workers = command.workers()
        assert len(workers) == 1
        workers[0].kill()
        code = command.process.wait(timeout=600)
        output = command.output()
    finally:
        command.end()
    stopped = [line for line in output.splitlines() if "its worker process stopped" in line]
    assert len(stopped) == 1, output
    assert code == 1
    assert f"{len(names) - 1} of {len(names)} landlord(s) ok" in output, output


def test_ctrl_c_during_start_up_says_so_without_a_traceback(workspaces, tmp_path):
    """Ctrl-C while the command is still importing its libraries (about a second): one line,
    exit code 130, no Python traceback."""
    command = Command(workspaces, tmp_path / "out")
    try:
        time.sleep(0.8)  # Python is up, the libraries are loading
        assert not any(": running" in line for line in command.lines)
        command.process.send_signal(signal.SIGINT)
        code = command.process.wait(timeout=60)
        output = command.output()
    finally:
        command.end()
    assert code == 130, output
    assert "Traceback" not in output, output
    assert "complaints" in output and "stopped by Ctrl-C" in output, output


def test_ctrl_c_while_a_worker_starts_says_so_without_a_traceback(workspaces, tmp_path):
    """Ctrl-C to the whole process group just as a worker process has been started, while it is
    still importing its libraries (before its own handler is in place): no Python traceback from
    the worker either, exit code 130."""
    command = Command(workspaces, tmp_path / "out")
    try:
        deadline = time.monotonic() + 120
        while not command.workers():
            assert command.process.poll() is None, command.output()
            assert time.monotonic() < deadline, command.output()
            time.sleep(0.01)
        os.killpg(command.process.pid, signal.SIGINT)
        code = command.process.wait(timeout=60)
        output = command.output()
    finally:
        command.end()
    assert code == 130, output
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output
    assert "stopped by Ctrl-C" in output, output


def test_a_worker_that_does_not_stop_is_killed_after_a_grace(workspaces, tmp_path):
    """SIGTERM to the command while its worker cannot act on it (frozen here with SIGSTOP; in
    life a signal the kernel handed to another of its threads while it waited for Chromium):
    the worker is killed after the grace and the command stops, instead of waiting for the
    worker's whole run and the next (30-56 s seen)."""
    from pipeline.landlord_pool import WORKER_STOP_GRACE

    command = Command(workspaces, tmp_path / "out")
    try:
        command.wait_for(": running")
        deadline = time.monotonic() + 120
        while not command.workers():
            assert command.process.poll() is None, command.output()
            assert time.monotonic() < deadline, command.output()
            time.sleep(0.05)
        worker = command.workers()[0]
        worker.suspend()
        started = time.monotonic()
        command.process.send_signal(signal.SIGTERM)
        code = command.process.wait(timeout=60)
        took = time.monotonic() - started
        output = command.output()
    finally:
        command.end()
    assert code == 143, output
    assert took < WORKER_STOP_GRACE + 15, (took, output)
    assert not worker.is_running(), "the frozen worker was left behind"
    assert "Traceback" not in output, output


def test_a_stop_while_waiting_for_another_runs_lock_ends_the_command_at_once(tmp_path):
    root = tmp_path / "workspaces"
    root.mkdir()
    (root / "small_specialist").symlink_to(EXAMPLES / "small_specialist", target_is_directory=True)
    out = tmp_path / "out"
    lock = out / "warehouse" / "small_specialist.duckdb.lock"
    lock.parent.mkdir(parents=True)
    holder = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(holder, fcntl.LOCK_EX)  # another command's run of the landlord
    command = Command(root, out, "--lock-timeout", "300")
    try:
        command.wait_for("waiting up to 300 s")
        stopped_at = time.monotonic()
        command.process.send_signal(signal.SIGTERM)  # a scheduler's timeout
        # it used to wait for the lock (up to --lock-timeout) before it saw the stop
        returncode = command.process.wait(timeout=30)
        waited = time.monotonic() - stopped_at
    finally:
        command.end()
        os.close(holder)
    text = command.output()
    assert returncode == 143, text
    assert waited < 5, f"stopped {waited:.1f} s after SIGTERM"
    assert "stopped by SIGTERM" in text and "Traceback" not in text
