"""Crash safety: a run killed at random points leaves the last good state whole, and a rerun
reproduces it exactly.

A landlord-year run (ingest, measures, the TSM return, the data-quality report in HTML and PDF) is
run once in a subprocess to get the baseline. Then, for each kill point (during ingestion, during
measures, during rendering) a new run is started and SIGKILLed a random time (fixed seed) after
that step starts. After each kill:

- the DuckDB file opens, and every table holds exactly the baseline rows (a step's writes are one
  transaction: either all of the rerun or none of it, and both equal the baseline);
- every output of the baseline is still there and whole: CSVs byte-identical, the PDF readable,
  the HTML complete (outputs are written to a temporary name and renamed);

and a last run completes with tables and CSVs identical to the baseline.

One generation of outputs (pipeline/publish.py): on a copied workspace whose export is switched
between two versions before each run, runs killed a random moment after a writer or the swap starts
leave the year's folder showing the whole previous generation or the whole new one, each matching
its manifest.json file by file (SHA-256); a run whose check fails publishes nothing (the folder
stays byte-identical); the next complete run removes the killed runs' staging folders.

This file is also the subprocess: ``python tests/integration/test_crash_safety.py ROOT OUT
LANDLORD YEAR ASSET...`` runs those assets for one landlord-year in process, as the command line
does (holding the landlord's writer lock for the whole run).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from hashlib import sha256
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
LANDLORD = "small_specialist"
YEAR = "2025-26"
# manifest last: it publishes the year's outputs (written into a staging folder) as one generation
ASSETS = ["canonical_tables", "measures", "tsm_return", "data_quality_report", "manifest"]
# (step whose start arms the kill, longest random delay in seconds after it)
KILL_POINTS = [
    ("canonical_tables", 2.0),
    ("measures", 4.0),
    ("data_quality_report", 8.0),
]
SEED = 20261125


# --- the subprocess -------------------------------------------------------------------------------


def run_in_process(root: str, out: str, landlord: str, year: str, assets: list[str]) -> int:
    """Run ``assets`` for one landlord-year like the command line; 0 when the run succeeded."""
    os.environ["COMPLAINTS_WORKSPACES_ROOT"] = root
    os.environ["COMPLAINTS_OUTPUT_ROOT"] = out
    import warnings

    warnings.filterwarnings("ignore")
    import dagster as dg

    from pipeline.definitions import defs
    from pipeline.partitions import instance_with_landlords, year_key

    # the load is partitioned by landlord, the rest by landlord x year: two runs, as the command
    # line does (one Dagster job cannot mix partitions definitions)
    load = [name for name in assets if name == "canonical_tables"]
    rest = [name for name in assets if name != "canonical_tables"]
    jobs = [
        dg.define_asset_job(name, selection=dg.AssetSelection.assets(*names))
        for name, names in (("security_load", load), ("security_run", rest))
        if names
    ]
    merged = dg.Definitions.merge(defs(), dg.Definitions(jobs=jobs))
    store = merged.resources["store"]
    instance = instance_with_landlords([landlord])
    success = True
    with store.writer_lock(landlord):
        # Wall-clock marks of the locked section (every write of the run happens inside it).
        print(f"LOCK_ACQUIRED={time.time()}", flush=True)
        for job in jobs:
            key = landlord if job.name == "security_load" else year_key(landlord, year)
            result = merged.resolve_job_def(job.name).execute_in_process(
                partition_key=key, instance=instance, raise_on_error=False
            )
            success = success and result.success
            if not success:
                break
        print(f"LOCK_RELEASING={time.time()}", flush=True)
    print(f"RUN_SUCCESS={success}", flush=True)
    return 0 if success else 1


# --- helpers for the tests ------------------------------------------------------------------------


def start_run(
    workspaces: Path, out: Path, landlord: str = LANDLORD, assets: list[str] = ASSETS, **env
) -> subprocess.Popen:
    environment = {**os.environ, "COMPLAINTS_PSEUDONYMISATION_KEY": "crash-test-key", **env}
    environment.pop("DAGSTER_HOME", None)
    return subprocess.Popen(
        [sys.executable, __file__, str(workspaces), str(out), landlord, YEAR, *assets],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: the kill reaches any child (chromium)
    )


class Watcher:
    """Reads a run's output in a thread and notes when each step starts."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process
        self.lines: list[str] = []
        self.started: dict[str, float] = {}
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)
            if "STEP_START" in line:
                for step in ASSETS:
                    if f" - {step} - STEP_START" in line:
                        self.started.setdefault(step, time.monotonic())
            elif " - manifest - STEP_SUCCESS" in line:  # the swap is done: a new generation
                self.started.setdefault(PUBLISHED, time.monotonic())

    def wait_for_step(self, step: str, timeout: float = 600) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if step in self.started:
                return True
            if self.process.poll() is not None:
                return False
            time.sleep(0.02)
        return False

    def finish(self, timeout: float = 900) -> int:
        code = self.process.wait(timeout=timeout)
        self._thread.join(timeout=10)
        return code

    def output(self) -> str:
        return "".join(self.lines[-60:])


def kill(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=60)


def fingerprint(warehouse: Path) -> dict[str, tuple[int, str]]:
    """Rows and an order-independent digest of every table of the warehouse."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where database_name = current_database() "
                "and not temporary order by 1"
            ).fetchall()
        ]
        return {
            table: con.execute(
                f"select count(*), coalesce(md5(string_agg(cast(t as varchar), chr(10) "  # noqa: S608
                f"order by cast(t as varchar))), '') from \"{table}\" t"
            ).fetchone()
            for table in tables
        }
    finally:
        con.close()


def outputs_whole(folder: Path, baseline: dict[str, bytes]) -> None:
    """Every baseline output is there and whole (no half-written file is ever visible)."""
    from pypdf import PdfReader

    for name, data in baseline.items():
        path = folder / name
        assert path.is_file(), f"{name} vanished"
        if name.endswith(".csv"):
            assert path.read_bytes() == data, f"{name} differs from the baseline"
        elif name.endswith(".pdf"):
            assert len(PdfReader(str(path)).pages) > 0
        elif name.endswith(".html"):
            assert path.read_text(encoding="utf-8").rstrip().endswith("</html>")
        elif name.endswith(".xlsx"):
            from openpyxl import load_workbook

            load_workbook(path, read_only=True).close()


# --- the test -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    out = tmp_path_factory.mktemp("crash")
    watcher = Watcher(start_run(ROOT / "examples", out))
    assert watcher.finish() == 0, watcher.output()
    warehouse = out / "warehouse" / f"{LANDLORD}.duckdb"
    folder = out / LANDLORD / YEAR
    files = {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")}
    assert {"tsm_return.csv", "data_quality.html", "data_quality.pdf", "quarantine.csv"} <= set(
        files
    )
    return out, warehouse, folder, fingerprint(warehouse), files


def test_kill_at_random_points_keeps_state_and_rerun_is_identical(baseline):
    out, warehouse, folder, tables, files = baseline
    rng = random.Random(SEED)
    tested = []
    for step, longest in KILL_POINTS:
        watcher = Watcher(start_run(ROOT / "examples", out))
        assert watcher.wait_for_step(step), f"{step} never started:\n{watcher.output()}"
        delay = rng.uniform(0.0, longest)
        time.sleep(delay)
        finished_first = watcher.process.poll() is not None
        kill(watcher.process)
        tested.append(
            (step, round(delay, 2), "finished before the kill" if finished_first else "killed")
        )
        # The last good state: readable and equal to the baseline, table by table.
        assert fingerprint(warehouse) == tables, f"tables changed after a kill during {step}"
        outputs_whole(folder, files)
    print(f"\nkill points tested: {tested}")
    assert sum(1 for *_, how in tested if how == "killed") >= 2

    watcher = Watcher(start_run(ROOT / "examples", out))
    assert watcher.finish() == 0, watcher.output()
    assert fingerprint(warehouse) == tables
    for name, data in files.items():
        if name.endswith(".csv"):
            assert (folder / name).read_bytes() == data, name
    outputs_whole(folder, files)
    visible = {p.name for p in folder.iterdir() if not p.name.startswith(".")}
    assert visible == set(files), "a partial or stray output file is visible"


# --- one generation: a kill while the outputs are rebuilt from a changed input --------------------

# (step whose start arms the kill, longest random delay): the writers and the swap itself
# PUBLISHED: just after the swap, while the old generation is being removed.
PUBLISHED = "manifest published"
GENERATION_KILLS = [
    ("tsm_return", 1.0),
    ("data_quality_report", 1.5),
    ("data_quality_report", 4.0),
    ("manifest", 0.3),
    (PUBLISHED, 0.05),
]
EXPORT = Path("exports") / "homemaster_complaints_2025-26.xlsx"


def _change_an_input(workspace: Path) -> None:
    """Drop one general-needs complaint from the 2025-26 export (and its total line): new TSM
    figures."""
    from openpyxl import load_workbook

    path = workspace / EXPORT
    book = load_workbook(path)
    sheet = book.worksheets[0]
    sheet.delete_rows(11)  # CAS2025-0439, General Needs Rent: counted in CH01
    for row in sheet.iter_rows():
        if isinstance(row[0].value, str) and row[0].value.startswith("Total cases: "):
            row[0].value = f"Total cases: {int(row[0].value.split(': ')[1]) - 1}"
    book.save(path)


def generation_state(folder: Path) -> tuple[dict, dict[str, str]]:
    """The folder's manifest and the SHA-256 of every visible file; asserts they agree."""
    import json

    from pipeline.manifest import file_sha256

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    files = {
        p.relative_to(folder).as_posix(): file_sha256(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    }
    listed = {entry["file"]: entry["sha256"] for entry in manifest["outputs"]}
    assert files == {**listed, "manifest.json": files["manifest.json"]}, (
        "the folder does not match its manifest"
    )
    return manifest, files


def _export_sha(manifest: dict) -> str:
    """The SHA-256 the manifest records for the export the test switches."""
    return next(i["sha256"] for i in manifest["inputs"] if i["file"] == EXPORT.as_posix())


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A copied workspace run once (its generation published), then one input changed."""
    import shutil

    tmp_path = tmp_path_factory.mktemp("generation")
    workspaces = tmp_path / "workspaces"
    shutil.copytree(ROOT / "examples" / LANDLORD, workspaces / LANDLORD)
    out = tmp_path / "out"
    folder = out / LANDLORD / YEAR
    watcher = Watcher(start_run(workspaces, out))
    assert watcher.finish() == 0, watcher.output()
    original = (workspaces / LANDLORD / EXPORT).read_bytes()
    _change_an_input(workspaces / LANDLORD)
    changed = (workspaces / LANDLORD / EXPORT).read_bytes()
    return workspaces, out, folder, {"original": original, "changed": changed}


def test_a_failed_check_publishes_nothing_and_the_previous_outputs_stay(published):
    """A check of ERROR severity fails on the changed data (forced here, see the entry point):
    no return or document is published from that data; the folder stays byte-identical."""
    workspaces, out, folder, _ = published
    before, shown = _snapshot(folder), folder.resolve()
    watcher = Watcher(start_run(workspaces, out, COMPLAINTS_TEST_FAIL_CHECK="complaint_stage"))
    assert watcher.finish() == 1, watcher.output()
    log = "".join(watcher.lines)
    assert "pandera_complaint_stage" in log
    # the pandera checks are blocking on the load (issue 20): the failed check stops the run
    # there, before any return or document is rebuilt
    assert "DagsterAssetCheckFailedError" in log
    assert "tsm_return - STEP_SUCCESS" not in log
    assert folder.resolve() == shown
    assert _snapshot(folder) == before, "an output changed although a check failed"


def test_kill_while_publishing_a_changed_input_leaves_one_whole_generation(published):
    """Before each run the export is switched to the version the shown generation was not made
    from; the run is killed a random moment after a writer (or the swap) starts. The folder then
    shows the whole previous generation or the whole new one, never a mix."""
    workspaces, out, folder, versions = published
    manifest, files = generation_state(folder)
    shown_version = "original"
    rng = random.Random(SEED + 1)
    tested = []
    for step, longest in GENERATION_KILLS:
        other = "changed" if shown_version == "original" else "original"
        (workspaces / LANDLORD / EXPORT).write_bytes(versions[other])
        watcher = Watcher(start_run(workspaces, out))
        assert watcher.wait_for_step(step), f"{step} never started:\n{watcher.output()}"
        delay = rng.uniform(0.0, longest)
        time.sleep(delay)
        finished_first = watcher.process.poll() is not None
        kill(watcher.process)
        now_manifest, now_files = generation_state(folder)  # matches its own manifest
        if now_manifest == manifest:
            assert now_files == files, "old manifest beside files of another generation"
            shown = "old"
        else:  # the new generation, whole: built from the other input, the return rebuilt
            assert _export_sha(now_manifest) == sha256(versions[other]).hexdigest()
            assert now_files["tsm_return.csv"] != files["tsm_return.csv"]
            manifest, files, shown_version, shown = now_manifest, now_files, other, "new"
        how = "finished" if finished_first else "killed"
        tested.append((step, round(delay, 2), how, shown))
    print(f"\nkills while publishing (step, delay s, process, generation shown): {tested}")
    assert sum(1 for _, _, how, _ in tested if how == "killed") >= 3
    assert tested[-1][3] == "new"  # killed after the swap: the new generation, whole

    (workspaces / LANDLORD / EXPORT).write_bytes(versions["changed"])
    watcher = Watcher(start_run(workspaces, out))
    assert watcher.finish() == 0, watcher.output()
    final_manifest, _ = generation_state(folder)
    assert _export_sha(final_manifest) == sha256(versions["changed"]).hexdigest()
    # the staging folders of the killed runs and the old generation are gone; no print link left
    generations = out / LANDLORD / ".generations" / YEAR
    assert [p.name for p in generations.iterdir()] == [folder.resolve().name]
    assert not list(out.rglob(".complaints-print-*")), "a print link was left behind"


def _force_check_failure(table: str) -> None:
    """Test hook of this entry point: the pandera check of ``table`` fails, as a bad cell would."""
    import dagster as dg

    import pipeline.defs.ingest.checks as checks

    original = checks._pandera_result

    def failing(con, landlord_id, name):
        result = original(con, landlord_id, name)
        if name != table:
            return result
        return dg.AssetCheckResult(
            asset_key=result.asset_key,
            check_name=result.check_name,
            passed=False,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={"forced_by": "tests/integration/test_crash_safety.py"},
        )

    checks._pandera_result = failing


if __name__ == "__main__":
    if os.environ.get("COMPLAINTS_TEST_FAIL_CHECK"):
        _force_check_failure(os.environ["COMPLAINTS_TEST_FAIL_CHECK"])
    sys.exit(run_in_process(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]))
