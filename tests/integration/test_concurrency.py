"""Concurrency, end to end in real processes: two runs of one landlord never interleave their
writes (the per-landlord writer lock of ``ComplaintsStore``), and two landlords run in parallel.

Each run is ``tests/integration/test_crash_safety.py`` as a subprocess (ingest and measures for
one landlord-year, holding the landlord's writer lock for the whole run, as the command line does).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).with_name("test_crash_safety.py")
YEAR = "2025-26"
ASSETS = ["canonical_tables", "measures"]


class Run:
    """One run in a subprocess, with the time its first step started and the time it ended."""

    def __init__(self, out: Path, landlord: str) -> None:
        env = {**os.environ, "COMPLAINTS_PSEUDONYMISATION_KEY": "concurrency-test-key"}
        env.pop("DAGSTER_HOME", None)
        self.process = subprocess.Popen(
            [sys.executable, str(RUNNER), str(ROOT / "examples"), str(out), landlord, YEAR]
            + ASSETS,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.first_step: float | None = None
        self.locked: list[float] = []  # wall-clock start and end of the locked section
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)
            if "STEP_START" in line and self.first_step is None:
                self.first_step = time.monotonic()
            if line.startswith(("LOCK_ACQUIRED=", "LOCK_RELEASING=")):
                self.locked.append(float(line.split("=", 1)[1]))

    def wait(self) -> tuple[int, float]:
        code = self.process.wait(timeout=1200)
        ended = time.monotonic()
        self._thread.join(timeout=10)
        return code, ended


def _reconciled(warehouse: Path) -> tuple[int, int]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(
            "select (select count(*) from ingest_file where rows_in <> rows_loaded + "
            "rows_quarantined), (select count(*) from measures)"
        ).fetchone()
    finally:
        con.close()


def test_two_runs_of_one_landlord_do_not_interleave(tmp_path):
    first = Run(tmp_path, "small_specialist")
    time.sleep(0.5)
    second = Run(tmp_path, "small_specialist")
    (code_a, _), (code_b, _) = first.wait(), second.wait()
    assert code_a == 0, "".join(first.lines[-40:])
    assert code_b == 0, "".join(second.lines[-40:])
    # The locked sections (which hold every write of a run) follow one another, never overlap.
    sections = sorted([tuple(first.locked), tuple(second.locked)])
    assert all(len(s) == 2 for s in sections), sections
    assert sections[0][1] <= sections[1][0], f"the two runs overlapped: {sections}"
    unreconciled, measures = _reconciled(tmp_path / "warehouse" / "small_specialist.duckdb")
    assert unreconciled == 0 and measures > 0


def test_two_landlords_run_in_parallel(tmp_path):
    runs = {name: Run(tmp_path, name) for name in ("small_specialist", "council_housing")}
    results = {name: run.wait() for name, run in runs.items()}
    for name, (code, _) in results.items():
        assert code == 0, "".join(runs[name].lines[-40:])
    # They did overlap in time (parallel, not queued behind one another) ...
    starts = [run.first_step for run in runs.values()]
    ends = [end for _, end in results.values()]
    assert max(starts) < min(ends), "the landlords ran one after the other"
    # ... and each warehouse is whole.
    for name in runs:
        unreconciled, measures = _reconciled(tmp_path / "warehouse" / f"{name}.duckdb")
        assert unreconciled == 0 and measures > 0, name
