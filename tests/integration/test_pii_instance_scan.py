"""Personal data never reaches the Dagster instance: what a scheduled run keeps is scanned too.

``test_pii_scan.py`` runs the command line without ``DAGSTER_HOME`` (an in-memory instance). An
analyst who schedules runs (``make dev``, the daemon, the UI) has a persistent one: its SQLite files
keep every run's event log (materialization and check metadata, log messages, step failures with
their messages and causes), run tags and config, the sensor's state and every tick's record with
its cursor; compute logs keep each step's stdout and stderr. All of it is shown in the UI, for good.

Here ``DAGSTER_HOME`` is a temporary folder set up as ``make dev`` does (``scripts/dagster-home.sh``
links the project's ``dagster.yaml``), and personal data is planted as ``test_pii_scan.py`` plants
it, then sent through every path that writes to the instance:

- housing21, a name, email, phone number, postcode or NI number in every column of its exports and
  other inputs and an address in its annual report's texts, run by ``complaints run`` (load, year,
  committee pack), rows quarantined by the hundred;
- small_specialist with its workbook planted and a letter named after a resident beside the
  exports: the file sensor ticks as the daemon runs it (state and tick stored), and the load it
  asks for runs in process against the instance, as the run launcher would;
- small_specialist with a mapping whose date format is an email and whose footer pattern is no
  regular expression and holds a name: the command line stops on it, and the load run in process
  fails on it (a step failure in the event log, its stderr in the compute logs).

Then every table of every SQLite file under ``DAGSTER_HOME`` and every other file there (compute
logs) is searched for every planted value, as is the console. None may be found.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from tests.integration.test_pii_scan import (
    PLANT_EXPORTS,
    PLANT_INPUTS,
    PLANTED_ADDRESSES,
    _found,
    _plant,
    _plant_addresses,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
PII_KEY = "pii-instance-scan-key"
# A letter saved beside the exports, named after a resident (the names are PLANTED_NAMES').
LETTER = "exports/letter to Peter Quillfeather.docx"
# What an analyst mistyped into a mapping: a resident's email as a date format, a name in the
# footer's pattern (and a bracket left open, so it is no regular expression).
MAPPING_EMAIL = "jean.vexbridge@example.invalid"
MAPPING_NAME = "MARGARET THRUPP"

pytestmark = pytest.mark.skipif(
    not (EXAMPLES / "small_specialist" / "landlord.yaml").is_file(),
    reason="example workspaces not generated",
)


def _complaints_run(args: list[str], home: Path, root: Path, out: Path) -> str:
    """``complaints run`` with ``DAGSTER_HOME`` set (its runs land in that instance); the console."""
    env = {
        **os.environ,
        "COMPLAINTS_PSEUDONYMISATION_KEY": PII_KEY,
        "DAGSTER_HOME": str(home),
        "COMPLAINTS_WORKSPACES_ROOT": str(root),
        "COMPLAINTS_OUTPUT_ROOT": str(out),
    }
    process = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "run", *args, "--output", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    return f"exit {process.returncode}\n{process.stdout}\n{process.stderr}"


def _aged(workspace: Path) -> None:
    """Every file modified an hour ago: settled, so the sensor reads them on its first tick."""
    then = time.time() - 3600
    for path in workspace.rglob("*"):
        os.utime(path, (then, then))


def _in_process(monkeypatch, home: Path, root: Path, out: Path):
    """The code location on ``root`` and the instance in ``home``, as the daemon's would be."""
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("COMPLAINTS_PSEUDONYMISATION_KEY", PII_KEY)
    monkeypatch.setenv("COMPLAINTS_WORKSPACES_ROOT", str(root))
    monkeypatch.setenv("COMPLAINTS_OUTPUT_ROOT", str(out))
    from pipeline.definitions import defs

    return defs(), dg.DagsterInstance.get()


def _sensor_tick(instance: dg.DagsterInstance) -> None:
    """One tick of ``workspace_files_sensor`` run by the sensor daemon's own loop, so its state,
    the tick's record (cursor included) and the runs it asks for are stored as in production."""
    from dagster._core.scheduler.instigation import TickStatus
    from dagster._core.test_utils import create_test_daemon_workspace_context
    from dagster._core.workspace.load_target import ModuleTarget
    from dagster._daemon.sensor import execute_sensor_iteration

    target = ModuleTarget(
        module_name="pipeline.definitions",
        attribute=None,
        working_directory=str(ROOT),
        location_name=ROOT.name,  # dg's name for the project's code location: its folder's
    )
    with create_test_daemon_workspace_context(target, instance) as context:
        entries = context.create_request_context().get_code_location_entries()
        location = next(iter(entries.values())).code_location
        repository = next(iter(location.get_repositories().values()))
        sensor = repository.get_sensor("workspace_files_sensor")
        instance.start_sensor(sensor)
        list(execute_sensor_iteration(context, logging.getLogger("sensor"), None, None))
        ticks = instance.get_ticks(sensor.get_remote_origin_id(), sensor.selector_id)
    assert [tick.status for tick in ticks] == [TickStatus.SUCCESS], ticks


def _instance_texts(home: Path) -> dict[str, str]:
    """Every table of every SQLite file under ``home``, and every other file there, as text."""
    texts: dict[str, str] = {}
    for path in sorted(p for p in home.rglob("*") if p.is_file()):
        name = path.relative_to(home).as_posix()
        if path.suffix == ".db":
            con = sqlite3.connect(path)
            try:
                tables = con.execute("select name from sqlite_master where type = 'table'")
                for (table,) in tables.fetchall():
                    rows = con.execute(f'select * from "{table}"').fetchall()  # noqa: S608
                    # each cell as it is stored (event bodies are JSON text), not a tuple's repr
                    cells = (str(cell) for row in rows for cell in row if cell is not None)
                    texts[f"{name}:{table}"] = "\n".join(cells)
            finally:
                con.close()
        else:
            texts[name] = path.read_bytes().decode("utf-8", errors="replace")
    return texts


@pytest.fixture(scope="module")
def instance_scan(tmp_path_factory) -> tuple[dict[str, str], dict[str, str], list[str]]:
    base = tmp_path_factory.mktemp("pii_instance")
    home = base / "dagster_home"
    # as `make dev` prepares it: the project's dagster.yaml linked into the new instance
    subprocess.run(
        [str(ROOT / "scripts" / "dagster-home.sh")],
        env={**os.environ, "DAGSTER_HOME": str(home)},
        check=True,
        capture_output=True,
    )
    assert (home / "dagster.yaml").resolve() == ROOT / "dagster.yaml"
    planted: set[str] = {LETTER.split("/")[-1], MAPPING_EMAIL, MAPPING_NAME}
    consoles: dict[str, str] = {}

    # 1. every input of housing21 planted, through the command line (load, year, committee pack)
    root, out = base / "planted", base / "planted_out"
    shutil.copytree(EXAMPLES / "housing21", root / "housing21")
    for relative in [PLANT_EXPORTS["housing21"], *PLANT_INPUTS]:
        planted.update(_plant(root / "housing21", relative))
    _plant_addresses(root / "housing21")
    planted.update(PLANTED_ADDRESSES.values())
    consoles["housing21"] = _complaints_run(
        ["--workspace", str(root / "housing21"), "--year", "2025-26", "--committee", "last"],
        home,
        root,
        out,
    )
    assert consoles["housing21"].startswith("exit 0"), consoles["housing21"][-3000:]

    # 2. the sensor's tick and the load it asks for, with a letter named after a resident
    root, out = base / "sensed", base / "sensed_out"
    workspace = root / "small_specialist"
    shutil.copytree(EXAMPLES / "small_specialist", workspace)
    planted.update(_plant(workspace, PLANT_EXPORTS["small_specialist"]))
    landlord_yaml = workspace / "landlord.yaml"
    # the data cut in a year with stock, so the sensor asks for a run
    landlord_yaml.write_text(
        landlord_yaml.read_text().replace("data_cut_date: 2026-04-30", "data_cut_date: 2026-03-31")
    )
    _aged(workspace)
    (workspace / LETTER).write_text("a resident's letter")  # the newest file in exports/
    os.utime(workspace / LETTER, (time.time() - 60, time.time() - 60))
    with pytest.MonkeyPatch.context() as monkeypatch:
        definitions, instance = _in_process(monkeypatch, home, root, out)
        try:
            _sensor_tick(instance)
            (queued,) = [r for r in instance.get_runs() if r.job_name == "ingest_job"]
            load = definitions.resolve_job_def("ingest_job").execute_in_process(
                instance=instance,
                partition_key="small_specialist",
                tags={k: v for k, v in queued.tags.items() if not k.startswith("dagster/")},
                raise_on_error=False,
            )
            assert load.success
        finally:
            instance.dispose()

    # 3. a mapping with a resident's details mistyped into it: stops the command and the load
    root, out = base / "broken", base / "broken_out"
    workspace = root / "small_specialist"
    shutil.copytree(EXAMPLES / "small_specialist", workspace)
    planted.update(_plant(workspace, PLANT_EXPORTS["small_specialist"]))
    mapping = workspace / "mappings" / "homemaster_complaints.yaml"
    text = mapping.read_text()
    for old, new in [
        ('"%d/%m/%Y"]', f'"%d/%m/%Y", "{MAPPING_EMAIL}"]'),
        ('pattern: "^Total"', f'pattern: "^(Total {MAPPING_NAME}"'),
    ]:
        assert old in text
        text = text.replace(old, new)
    mapping.write_text(text)
    consoles["broken"] = _complaints_run(
        ["--workspace", str(workspace), "--year", "2025-26", "--only", "returns"], home, root, out
    )
    assert consoles["broken"].startswith("exit 1"), consoles["broken"][-3000:]
    with pytest.MonkeyPatch.context() as monkeypatch:
        definitions, instance = _in_process(monkeypatch, home, root, out)
        try:
            instance.add_dynamic_partitions("landlord", ["small_specialist"])
            load = definitions.resolve_job_def("ingest_job").execute_in_process(
                instance=instance, partition_key="small_specialist", raise_on_error=False
            )
            assert not load.success
        finally:
            instance.dispose()

    return _instance_texts(home), consoles, sorted(s for s in planted if len(s) >= 5)


def test_the_scan_reads_what_the_instance_keeps(instance_scan):
    """Not vacuous: the runs, their metadata, the failure, the sensor's tick and the compute logs
    are all in what is searched (and a planted value put there would be found)."""
    texts, _, planted = instance_scan
    assert len(planted) > 1000
    kinds = {"@example.invalid", "07911 ", "0161 496 ", "XQ", "JZ", "Quillfeather", "THRUPP"}
    assert all(any(k in p for p in planted) for k in kinds)  # every kind was planted
    events = "\n".join(v for k, v in texts.items() if k.endswith(":event_logs"))
    assert "exports/erica_complaints_2025-26.csv" in events  # the load's file table (metadata)
    assert "quarantine_share" in events and "pandera_complaint" in events  # check evaluations
    # the failed load, with the file, key and position
    assert "mappings/homemaster_complaints.yaml: key 'footer.pattern': a text of" in events
    assert "key 'date_formats': format 3 (a text of" in events
    assert "newest_export" in events  # exports_freshness's metadata (the exports read only)
    ticks = "\n".join(v for k, v in texts.items() if k.startswith("schedules/"))
    assert "name-not-shown:" in ticks  # the sensor's cursor, stored with its tick
    runs = "\n".join(v for k, v in texts.items() if k.startswith("history/runs.db"))
    assert "complaints/changed_files" in runs and "housing21" in runs
    assert any("compute_logs" in k and v for k, v in texts.items())  # a step's stderr
    sample = {"event_logs": events + planted[len(planted) // 2]}
    assert _found(sample, planted)


def test_no_planted_personal_data_in_the_dagster_instance(instance_scan):
    texts, _, planted = instance_scan
    found = _found(texts, planted)
    assert found == {}, {k: v[:5] for k, v in found.items()}
    # nor the pseudonymisation key (resources take it from the environment, dg.EnvVar)
    assert not [name for name, text in texts.items() if PII_KEY in text]


def test_the_console_names_file_key_and_position_never_the_value(instance_scan):
    _, consoles, planted = instance_scan
    found = _found(consoles, planted)
    assert found == {}, {k: v[:5] for k, v in found.items()}
    said = consoles["broken"]
    assert "mappings/homemaster_complaints.yaml: key 'footer.pattern': a text of" in said
    assert "key 'date_formats': format 3 (a text of" in said
