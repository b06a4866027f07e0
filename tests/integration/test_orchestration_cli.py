"""End to end: the analysts' command line on a real example workspace, then the group view."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
WORKSPACE = PROJECT_ROOT / "examples" / "small_specialist"

pytestmark = pytest.mark.skipif(
    not (WORKSPACE / "landlord.yaml").is_file(), reason="example workspaces not generated"
)


def complaints(*args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    env.pop("DAGSTER_HOME", None)  # in-memory instance: the command needs no Dagster setup
    # --workspace / --workspaces-root alone say where the workspaces are: the command must not
    # need the environment variables too (it once failed with DagsterUnknownPartitionError when
    # the code location's partitions were built before the command set them)
    env.pop("COMPLAINTS_WORKSPACES_ROOT", None)
    env.pop("COMPLAINTS_OUTPUT_ROOT", None)
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_cli_runs_one_example_landlord_year_end_to_end(tmp_path):
    output = tmp_path / "output"
    # a short path: Chromium's sockets in its profile must fit a Unix socket address
    temporary = Path(tempfile.mkdtemp(prefix="cli-"))
    run = complaints(
        "run", "--workspace", str(WORKSPACE), "--year", "2024-25", "--output", str(output),
        "--committee", "last", env_extra={"TMPDIR": str(temporary)},
    )  # fmt: skip
    text = run.stdout
    assert run.returncode == 0, text + run.stderr
    # the command ends with os._exit, yet closes the browser that printed its PDFs: no Chromium
    # profile or print folder is left in the temporary directory
    assert not list(temporary.glob("complaints-*")), sorted(p.name for p in temporary.iterdir())
    shutil.rmtree(temporary, ignore_errors=True)
    assert "[small_specialist] 2024-25: ok" in text
    assert "[small_specialist] 2024-25-Q4: ok" in text
    assert "1 of 1 landlord(s) ok" in text

    # per-file counts from ingest_file, and they agree with the warehouse
    warehouse = output / "warehouse" / "small_specialist.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        files = con.execute(
            "select source_file, rows_in, rows_loaded, rows_quarantined from ingest_file"
        ).fetchall()
        assert con.execute("select count(*) from measures").fetchone()[0] > 0
    assert files
    for source_file, rows_in, loaded, quarantined in files:
        assert f"{source_file}" in text
        assert rows_in == loaded + quarantined
    totals = [line.split() for line in text.splitlines() if line.split()[1:2] == ["total"]]
    expected = [str(sum(f[i] for f in files)) for i in (1, 2, 3)]  # in, loaded, quarantined
    assert totals and totals[0][2:] == expected

    # every output exists and is listed
    year_dir = output / "small_specialist" / "2024-25"
    for name in ("tsm_return.csv", "tsm_return.xlsx", "annual_report.html", "data_quality.html"):
        assert (year_dir / name).is_file() and (year_dir / name).stat().st_size > 0, name
        assert name in text
    pack = output / "small_specialist" / "2024-25-Q4" / "committee_pack.html"
    assert pack.is_file()
    assert f"warehouse  {warehouse}" in text

    # the group view reads the landlord file read-only
    group = complaints("group", "--output", str(output), "--csv", str(tmp_path / "group.csv"))
    assert group.returncode == 0, group.stdout + group.stderr
    assert "from 1 landlord(s)" in group.stdout
    header = (tmp_path / "group.csv").read_text().splitlines()[0]
    assert header.startswith("group_landlord,landlord_id")


def test_cli_returns_only_writes_the_returns_and_no_documents(tmp_path):
    output = tmp_path / "output"
    run = complaints(
        "run", "--landlord", WORKSPACE.name, "--workspaces-root", str(WORKSPACE.parent),
        "--years", "2023-24:2024-25", "--output", str(output), "--only", "returns",
        env_extra={"PYTHONPROFILEIMPORTTIME": "1"},  # every module imported, on stderr
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    # a returns run renders nothing, so it never pays for the document libraries' start-up
    imported = {line.rpartition("|")[2].strip() for line in run.stderr.splitlines()}
    document_libraries = {"great_tables", "plotly", "jinja2", "pipeline.reporting.blocks"}
    assert not imported & document_libraries, sorted(imported & document_libraries)
    # one run loads the workspace (every year), one run computes both years (a partition range)
    runs = [line for line in run.stdout.splitlines() if ": ok in" in line]
    assert len(runs) == 2, run.stdout
    assert runs[0].startswith("[small_specialist] load: ok") and "(1 assets" in runs[0]
    assert runs[1].startswith("[small_specialist] 2023-24 to 2024-25: ok")
    for year in ("2023-24", "2024-25"):
        year_dir = output / "small_specialist" / year
        written = sorted(p.name for p in year_dir.iterdir())
        assert {"tsm_return.csv", "tsm_return.xlsx"} <= set(written)
        assert not [name for name in written if name.endswith((".html", ".pdf"))]
        assert not (output / "small_specialist" / f"{year}-Q4").exists()  # no committee pack


def test_a_committee_pack_in_the_year_the_data_cut_falls_in(tmp_path):
    """July's analyst asks for the first quarter of the year in progress: the examples' data cut
    (30 April 2026) falls in 2026-27, whose year-end count is not taken until 31 March 2027."""
    output = tmp_path / "output"
    run = complaints(
        "run", "--workspace", str(WORKSPACE), "--period", "2026-27-Q1", "--output", str(output),
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "[small_specialist] 2026-27-Q1: ok" in run.stdout
    assert "2026-27 is in progress at the data cut (30 April 2026)" in run.stdout
    assert "the homes owned at 31 March 2026, the latest count" in run.stdout
    # the pack, saying which count its rates divide by
    pack = (output / "small_specialist" / "2026-27-Q1" / "committee_pack.html").read_text()
    assert "Q1 2026/27 to 30 April 2026" in pack
    assert "divide by the homes owned at 31 March 2026, the latest count" in pack
    # no annual document or return for a year a month old: they would read it as a whole year
    written = {p.name for p in (output / "small_specialist" / "2026-27").iterdir()}
    assert "data_quality.html" in written
    assert not written & {"annual_report.html", "tsm_return.csv", "self_assessment.html"}
    warehouse = output / "warehouse" / "small_specialist.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (carried,) = con.execute(
            "select value from measures where measure = 'stock_previous_year_end' "
            "and period = '2026-27-Q1'"
        ).fetchone()
    assert carried == 1


def test_two_landlords_one_in_the_command_one_in_a_worker_process(tmp_path):
    """``--parallel 2``: the command's own process runs landlords beside one worker process, both
    taking the next landlord from one queue; every landlord is run once and succeeds."""
    root = tmp_path / "workspaces"
    root.mkdir()
    names = ("small_specialist", "council_housing")
    for name in names:
        (root / name).symlink_to(PROJECT_ROOT / "examples" / name, target_is_directory=True)
    output = tmp_path / "output"
    run = complaints(
        "run", "--all", "--workspaces-root", str(root), "--year", "2024-25", "--only",
        "returns", "--parallel", "2", "--output", str(output),
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 of 2 landlord(s) ok" in run.stdout
    for name in names:
        assert run.stdout.count(f"[{name}] 2024-25: ok") == 1, run.stdout
        assert (output / name / "2024-25" / "tsm_return.csv").is_file()


def test_a_killed_command_leaves_no_worker_process_behind(tmp_path):
    """kill -9 on ``complaints run --parallel 2``: its worker process ends too, within seconds
    (before, it finished its landlord and then waited for ever to send back the result)."""
    import signal
    import time

    import psutil

    root = tmp_path / "workspaces"
    root.mkdir()
    for name in ("small_specialist", "council_housing", "homes_plus"):
        (root / name).symlink_to(PROJECT_ROOT / "examples" / name, target_is_directory=True)
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    env.pop("DAGSTER_HOME", None)
    command = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "run", "--all", "--workspaces-root", str(root),
         "--years", "2023-24:2025-26", "--parallel", "2", "--output", str(tmp_path / "out")],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    workers: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 120
        while not workers and time.monotonic() < deadline:
            time.sleep(0.2)
            workers = [
                child
                for child in psutil.Process(command.pid).children()
                if "spawn_main" in " ".join(child.cmdline())
            ]
        assert workers, "the command started no worker process"
        time.sleep(3)  # the worker is at work on a landlord
        command.send_signal(signal.SIGKILL)
        command.wait(timeout=30)
        gone, alive = psutil.wait_procs(workers, timeout=15)
        assert not alive, f"{len(alive)} worker process(es) outlived the killed command"
    finally:  # nothing of this command left running (a worker outliving it included)
        command.kill()
        for process in workers:
            with contextlib.suppress(psutil.Error):
                process.kill()
