"""The analysts' command line, on small stand-in assets over a temporary workspaces root.

The real assets are exercised end to end in tests/integration/test_orchestration_cli.py; here the
code location is replaced by three tiny assets with the same partitioning, so the CLI's own logic
(targets, years, progress, file counts, outputs, exit codes, locking, parallel landlords) is tested
fast and on its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest
import yaml

from pipeline import cli, landlord_pool, process, run_messages
from pipeline.partitions import (
    BACKFILL_POLICY,
    LANDLORD_OF_YEAR,
    build_landlord_partitions,
    build_landlord_quarter_partitions,
    build_landlord_year_partitions,
    landlord_and_quarter,
    landlord_and_years,
    landlord_of,
)
from pipeline.resources import ComplaintsStore
from pipeline.sources.errors import IngestError
from tests.unit.test_orchestration import landlord_yaml

YEARS = ["2023-24", "2024-25", "2025-26"]
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_parse_years():
    assert cli.parse_years("2024-25", None) == ["2024-25"]
    assert cli.parse_years(None, "2023-24:2025-26") == ["2023-24", "2024-25", "2025-26"]
    assert cli.parse_years(None, "2024/25") == ["2024-25"]
    assert cli.parse_years(None, None) is None
    with pytest.raises(ValueError, match="backwards"):
        cli.parse_years(None, "2025-26:2023-24")
    with pytest.raises(ValueError, match="not like 2024-25"):
        cli.parse_years("24-25", None)


def wait_for(paths: list[Path], seconds: float = 90.0) -> None:
    deadline = time.time() + seconds
    while not all(p.exists() for p in paths):
        if time.time() > deadline:
            raise TimeoutError(f"waited {seconds} s for {paths}")
        time.sleep(0.05)


def build_fake_location(
    landlords: list[str], store: ComplaintsStore, gate: str = "", signal: str = ""
):
    """Stand-in code location: ingest by landlord (+ blocking check), report by landlord x year
    (single-run backfill over the years), committee pack.

    ``signal``: a file the ingest step creates once inside its DuckDB connection; ``gate``:
    comma-separated files it then waits for before leaving (to hold runs open in tests).
    """
    landlord_parts = build_landlord_partitions(landlords)
    year_parts = build_landlord_year_partitions(landlords, YEARS)
    quarter_parts = build_landlord_quarter_partitions(landlords, YEARS)

    @dg.asset(partitions_def=landlord_parts, name="canonical_tables")
    def canonical_tables(context, store: ComplaintsStore):
        landlord_id, year = landlord_of(context), "all"
        exports = sorted((store.workspace(landlord_id) / "exports").glob("*.csv"))
        if any(path.name == "garbled.csv" for path in exports):
            raise IngestError("exports/garbled.csv: is not a readable CSV file")
        with store.connect(landlord_id) as con:
            con.execute(
                "create or replace table ingest_file (landlord_id varchar, source_file varchar, "
                "rows_in int, rows_loaded int, rows_quarantined int)"
            )
            con.execute(
                "create table if not exists timing (year varchar, started double, ended double)"
            )
            for path in exports:
                rows = len(path.read_text().splitlines()) - 1
                bad = path.read_text().count("BAD")
                con.execute(
                    "insert into ingest_file values (?, ?, ?, ?, ?)",
                    [landlord_id, f"exports/{path.name}", rows, rows - bad, bad],
                )
            started = time.time()
            if signal:
                Path(signal).touch()
            if gate:
                wait_for([Path(p) for p in gate.split(",")])
            con.execute("insert into timing values (?, ?, ?)", [year, started, time.time()])
        return dg.MaterializeResult(metadata={"files": len(exports)})

    @dg.asset_check(asset=canonical_tables, blocking=True)
    def no_unreadable_file(context, store: ComplaintsStore):
        landlord_id = context.partition_key
        broken = (store.workspace(landlord_id) / "exports" / "unreadable.csv").exists()
        return dg.AssetCheckResult(
            passed=not broken,
            severity=dg.AssetCheckSeverity.ERROR,
            description="exports/unreadable.csv cannot be parsed" if broken else None,
        )

    @dg.asset_check(asset=canonical_tables)
    def exports_fresh(context):
        return dg.AssetCheckResult(
            passed=False, severity=dg.AssetCheckSeverity.WARN, description="exports are 60 days old"
        )

    @dg.asset(
        partitions_def=year_parts,
        deps=[dg.AssetDep(canonical_tables, partition_mapping=LANDLORD_OF_YEAR)],
        backfill_policy=BACKFILL_POLICY,
        name="annual_report",
    )
    def annual_report(context, store: ComplaintsStore) -> None:
        landlord_id, years = landlord_and_years(context)
        for year in years:
            folder = store.documents(landlord_id, year)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "annual_report.html").write_text("<html></html>")

    @dg.asset(partitions_def=quarter_parts, name="committee_pack")
    def committee_pack(context, store: ComplaintsStore) -> None:
        landlord_id, quarter = landlord_and_quarter(context)
        folder = store.documents(landlord_id, quarter)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "committee_pack.html").write_text("<html></html>")

    ingest_job = dg.define_asset_job(
        "cli_ingest", selection=dg.AssetSelection.assets(canonical_tables)
    )
    year_job = dg.define_asset_job(
        "cli_landlord_year", selection=dg.AssetSelection.assets(annual_report)
    )
    quarter_job = dg.define_asset_job(
        "cli_landlord_quarter", selection=dg.AssetSelection.assets(committee_pack)
    )
    defs = dg.Definitions(
        assets=[canonical_tables, annual_report, committee_pack],
        asset_checks=[no_unreadable_file, exports_fresh],
        jobs=[ingest_job, year_job, quarter_job],
        resources={"store": store},
        executor=dg.in_process_executor,
    )
    return defs, {
        "cli_ingest": defs.resolve_job_def("cli_ingest"),
        "cli_landlord_year": defs.resolve_job_def("cli_landlord_year"),
        "cli_landlord_quarter": defs.resolve_job_def("cli_landlord_quarter"),
    }


@pytest.fixture
def location(tmp_path, monkeypatch):
    root = tmp_path / "workspaces"
    for landlord, committee in (("alpha", "quarterly"), ("beta", "none")):
        workspace = root / landlord
        (workspace / "exports").mkdir(parents=True)
        doc = landlord_yaml(landlord, {"committee": committee})
        (workspace / "landlord.yaml").write_text(yaml.safe_dump(doc))
        (workspace / "exports" / "complaints.csv").write_text("id\n1\n2\nBAD\n")
        (workspace / "exports" / "surveys.csv").write_text("id\n1\n")
    output = tmp_path / "output"
    store = ComplaintsStore(workspaces_root=str(root), output_root=str(output))
    fake = build_fake_location(["alpha", "beta"], store)
    monkeypatch.setattr(cli, "_load_jobs", lambda: fake)
    monkeypatch.setenv("COMPLAINTS_WORKSPACES_ROOT", str(root))
    monkeypatch.setenv("COMPLAINTS_OUTPUT_ROOT", str(output))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    return root, output, store, monkeypatch


def test_run_one_workspace_prints_progress_counts_and_outputs(location, capsys):
    root, output, _, _ = location
    code = cli.main(
        ["run", "--workspace", str(root / "alpha"), "--years", "2023-24:2024-25",
         "--output", str(output)]
    )  # fmt: skip
    text = capsys.readouterr().out
    assert code == 0, text
    # one run loads the workspace (with its checks), one run computes both years
    assert re.search(r"\[alpha\] load: ok in [\d.]+ s \(1 assets, 2 checks", text)
    assert re.search(r"\[alpha\] 2023-24 to 2024-25: ok in [\d.]+ s \(1 assets, 0 checks\)", text)
    assert (output / "alpha" / "2023-24" / "annual_report.html").exists()
    assert "warning: check canonical_tables.exports_fresh failed: exports are 60 days old" in text
    # per-file counts from ingest_file, with totals
    assert "exports/complaints.csv         3         2            1" in text
    assert "total" in text
    # committee pack for the last complete quarter of each year (data cut 2025-03-31)
    assert "[alpha] 2023-24-Q4: ok" in text and "[alpha] 2024-25-Q4: ok" in text
    assert (output / "alpha" / "2024-25" / "annual_report.html").exists()
    assert (output / "alpha" / "2024-25-Q4" / "committee_pack.html").exists()
    assert f"{output / 'alpha' / '2024-25'}/  annual_report.html" in text
    assert f"warehouse  {output / 'warehouse' / 'alpha.duckdb'}" in text
    assert "1 of 1 landlord(s) ok" in text


def test_default_year_is_the_last_complete_year_and_committee_none_is_respected(location, capsys):
    _, output, _, _ = location
    assert cli.main(["run", "--landlord", "beta", "--output", str(output)]) == 0
    text = capsys.readouterr().out
    assert "[beta] 2024-25: ok" in text  # data_cut_date 2025-03-31
    assert "-Q" not in text.split("outputs")[0]  # beta has no committee: no pack run
    assert cli.main(
        ["run", "--landlord", "beta", "--year", "2024-25", "--quarter", "2024-25-Q2",
         "--output", str(output)]
    ) == 0  # fmt: skip
    assert "[beta] 2024-25-Q2: ok" in capsys.readouterr().out


def test_a_period_after_the_data_cut_is_written_with_a_note_saying_why(location, capsys):
    # the pack is still written (the schedules ask for such periods too), and the person who
    # asked is told that it has no figures, and what to do
    _, output, _, _ = location
    code = cli.main(
        ["run", "--landlord", "alpha", "--period", "2025-26-Q1", "--period", "2024-25-Q4",
         "--committee", "none", "--output", str(output)]
    )  # fmt: skip
    text = capsys.readouterr().out
    assert code == 0, text
    assert (
        "[alpha]   note: 2025-26-Q1 begins after the data cut date (31 March 2025): its "
        "committee pack says its figures are not available. To fill it, load exports taken "
        "after 30 June 2025 and set data_cut_date in landlord.yaml"
    ) in text
    assert "note: 2024-25-Q4" not in text  # ends on the cut: it has its figures
    assert "[alpha] 2025-26-Q1: ok" in text


def test_error_check_fails_the_command_and_stops_downstream(location, capsys):
    root, output, _, _ = location
    (root / "beta" / "exports" / "unreadable.csv").write_text("id\n")
    code = cli.main(
        ["run", "--all", "--year", "2024-25", "--output", str(output), "--parallel", "1"]
    )
    text = capsys.readouterr().out
    assert code == 1
    assert "[alpha] 2024-25: ok" in text
    assert "[beta] load: FAILED" in text
    assert (
        "ERROR check canonical_tables.no_unreadable_file failed (error): "
        "exports/unreadable.csv cannot be parsed" in text
    )
    assert "[beta]   ERROR not run because the load failed: annual_report" in text
    assert not (output / "beta" / "2024-25" / "annual_report.html").exists()
    assert "1 of 2 landlord(s) ok in " in text and text.rstrip().endswith("FAILED: beta")


def test_a_load_that_fails_says_the_counts_shown_are_the_previous_loads(location, capsys):
    # The ledger printed after a failed load is the previous load's (the warehouse keeps it):
    # shown bare, it read as if this run had loaded those rows.
    root, output, _, _ = location
    args = ["run", "--landlord", "alpha", "--year", "2024-25", "--output", str(output)]
    assert cli.main(args) == 0
    capsys.readouterr()
    (root / "alpha" / "exports" / "garbled.csv").write_text("id\n1\n")
    assert cli.main(args) == 1
    text = capsys.readouterr().out
    assert "ERROR step canonical_tables failed: exports/garbled.csv: is not a readable" in text
    kept, counts = text.split("nothing was loaded", 1)
    assert "exports/complaints.csv" not in kept
    assert "the warehouse keeps the previous load" in counts.splitlines()[0]
    assert "exports/complaints.csv         3         2            1" in counts


def test_unknown_landlord_and_bad_workspace_are_usage_errors(location):
    root, output, _, _ = location
    with pytest.raises(SystemExit, match="no workspace for \\['zeta'\\]"):
        cli.main(["run", "--landlord", "zeta", "--output", str(output)])
    with pytest.raises(SystemExit, match="not a workspace"):
        cli.main(["run", "--workspace", str(root), "--output", str(output)])


def test_a_workspace_or_output_folder_that_is_a_link_loop_is_a_usage_error(tmp_path):
    """A workspace, workspaces folder or output folder that is a link leading back to itself
    stopped the command with a Python traceback (RuntimeError: Symlink loop); it is a usage
    error naming the folder (second hostile audit)."""
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    good = tmp_path / "alpha"
    good.mkdir()
    (good / "landlord.yaml").write_text("landlord_id: alpha\n")
    for argv in (
        ["run", "--workspace", str(loop), "--output", str(tmp_path / "out")],
        ["run", "--workspace", str(good), "--output", str(loop)],
        ["run", "--all", "--workspaces-root", str(loop), "--output", str(tmp_path / "out")],
        ["list", "--workspaces-root", str(loop)],
    ):
        with pytest.raises(SystemExit, match=f"error: the .* {loop} cannot be opened .*link"):
            cli.main(argv)


def test_a_workspace_named_twice_is_run_once(tmp_path):
    """`--workspace ws --workspace ws/` ran the landlord twice (with --parallel, two processes
    then queued on its lock; second hostile audit)."""
    good = tmp_path / "alpha"
    good.mkdir()
    (good / "landlord.yaml").write_text("landlord_id: alpha\n")
    args = argparse.Namespace(workspace=[str(good), str(good) + "/", str(tmp_path / "." / "alpha")])
    assert cli.resolve_targets(args) == (tmp_path.resolve(), ["alpha"])


def test_a_landlord_is_found_by_its_id_as_landlord_yaml_writes_it(location):
    # `landlord_id: Kestrel Vale` is stored as kestrel_vale, the folder's name; the analyst who
    # typed the id as written was told there was no such workspace.
    root, output, _, _ = location
    args = argparse.Namespace(workspace=None, all_examples=False, workspaces_root=str(root))
    args.landlord = ["ALPHA", "Beta ", "alpha"]
    assert cli.resolve_targets(args) == (root.resolve(), ["alpha", "beta"])


CHILD = """
import sys
from pipeline import cli
from pipeline.resources import ComplaintsStore
from pipeline.sources.errors import IngestError
from tests.unit.test_cli import build_fake_location

root, output, landlord, timeout, signal, gate = sys.argv[1:7]
store = ComplaintsStore(workspaces_root=root, output_root=output)
fake = build_fake_location(["alpha", "beta"], store, gate=gate, signal=signal)
cli._load_jobs = lambda: fake
ok = cli.run_landlord(root, output, landlord, ["2024-25"], [], "none", float(timeout))[1]
sys.exit(0 if ok else 1)
"""


def start_child(root, output, landlord, timeout, signal="", gate="") -> subprocess.Popen:
    """A landlord run in its own process, as ``complaints run --parallel`` starts them."""
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(root), str(output), landlord, str(timeout),
         str(signal), gate],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )  # fmt: skip


def spans(store, landlord) -> list[tuple[float, float]]:
    with store.connect(landlord, read_only=True) as con:
        return con.execute("select started, ended from timing order by started").fetchall()


def test_two_landlords_in_parallel_processes_both_succeed_and_overlap(tmp_path, location):
    root, output, store, _ = location
    inside = {ll: tmp_path / f"inside_{ll}" for ll in ("alpha", "beta")}
    gate = ",".join(str(p) for p in inside.values())
    # each ingest waits, inside its DuckDB file, until both are inside: only parallel runs pass
    children = {ll: start_child(root, output, ll, 30, inside[ll], gate) for ll in inside}
    outputs = {ll: child.communicate(timeout=240)[0] for ll, child in children.items()}
    assert {ll: child.returncode for ll, child in children.items()} == {"alpha": 0, "beta": 0}
    assert "[alpha] 2024-25: ok" in outputs["alpha"] and "[beta] 2024-25: ok" in outputs["beta"]
    (a_start, a_end), (b_start, b_end) = spans(store, "alpha")[0], spans(store, "beta")[0]
    assert a_start < b_end and b_start < a_end


def test_second_run_on_the_same_landlord_waits_or_fails_never_interleaves(tmp_path, location):
    root, output, store, _ = location
    inside, release = tmp_path / "first_inside", tmp_path / "release"
    first = start_child(root, output, "alpha", 30, inside, str(release))
    wait_for([inside])  # the first run is writing alpha's warehouse and holds its lock
    impatient = start_child(root, output, "alpha", 0.5)
    impatient_out = impatient.communicate(timeout=240)[0]
    assert impatient.returncode == 1
    assert "[alpha] ERROR Landlord 'alpha' is busy" in impatient_out
    assert f"pid {first.pid}" in impatient_out

    patient = start_child(root, output, "alpha", 240)
    assert "waiting up to 240 s" in patient.stdout.readline()  # queued behind the first
    release.touch()
    patient_out = patient.communicate(timeout=240)[0]
    first.communicate(timeout=240)
    assert first.returncode == 0 and patient.returncode == 0, patient_out
    runs = spans(store, "alpha")
    assert len(runs) == 2
    assert runs[0][1] <= runs[1][0]  # the waiting run wrote only after the first had finished


def test_group_command_unions_landlord_measures(tmp_path, capsys):
    import duckdb

    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    for landlord, value, scheme in (("alpha", 53.9, "Oak Court"), ("beta", 8.3, "=1+1")):
        con = duckdb.connect(str(warehouse / f"{landlord}.duckdb"))
        con.execute(
            f"create table measures as select '{landlord}' as landlord_id, 'CH01_1' as measure, "
            f"'{scheme}' as breakdown_value, {value}::double as value"
        )
        con.close()
    target = tmp_path / "group.csv"
    assert cli.main(["group", "--output", str(tmp_path), "--csv", str(target)]) == 0
    assert "group measures: 2 rows from 2 landlord(s)" in capsys.readouterr().out
    lines = Path(target).read_text().splitlines()
    assert lines[0] == "group_landlord,landlord_id,measure,breakdown_value,value"
    # a label typed like a formula is neutralised, as in group_measures.csv
    assert lines[1:] == ["alpha,alpha,CH01_1,Oak Court,53.9", "beta,beta,CH01_1,'=1+1,8.3"]
    # a member named as landlord.yaml writes its id, as `run --landlord` takes it
    args = ["group", "--output", str(tmp_path), "--csv", str(target), "--landlord", "BETA "]
    assert cli.main(args) == 0
    assert "group measures: 1 rows from 1 landlord(s)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("cut", "expected"),
    [("2025-03-31", "2024-25"), ("2025-04-01", "2024-25"), ("2026-04-30", "2025-26")],
)
def test_default_year_is_the_latest_year_ended_by_the_data_cut(cut, expected):
    class Store:
        def landlord(self, _):
            return type("L", (), {"data_cut_date": dt.date.fromisoformat(cut)})()

    assert cli._default_year(Store(), "any") == expected


@pytest.mark.parametrize(("value", "threads"), [("1", 1), ("3", 3), ("0", None), ("x", None)])
def test_duckdb_threads_is_this_process_share_of_the_cores(monkeypatch, value, threads):
    monkeypatch.setenv("COMPLAINTS_DUCKDB_THREADS", value)
    assert process.duckdb_threads() == threads


def test_duckdb_threads_default_is_duckdbs_own(monkeypatch):
    monkeypatch.delenv("COMPLAINTS_DUCKDB_THREADS", raising=False)
    assert process.duckdb_threads() is None


def test_console_flushes_its_output_and_keeps_the_exit_code(tmp_path):
    # console() ends the process without the interpreter's teardown: what was printed must still
    # arrive, and a usage error must still exit 2
    (tmp_path / "alpha").mkdir()
    (tmp_path / "alpha" / "landlord.yaml").write_text("landlord_id: alpha\n")
    listing = subprocess.run(
        [sys.executable, "-c", "from pipeline import cli; cli.console()", "list",
         "--workspaces-root", str(tmp_path)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.splitlines()[0] == f"workspaces root: {tmp_path.resolve()}"
    assert listing.stdout.rstrip().endswith(cli_years_line())
    usage = subprocess.run(
        [sys.executable, "-c", "from pipeline import cli; cli.console()", "run", "--year", "1999"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert usage.returncode == 2


def cli_years_line() -> str:
    from pipeline.partition_keys import REPORTING_YEARS

    return f"reporting years: {', '.join(REPORTING_YEARS)}"


def test_largest_workspace_goes_first_so_a_long_landlord_never_runs_alone_at_the_end(tmp_path):
    for name, exports in (("small", 1_000), ("large", 90_000), ("middle", 20_000), ("empty", 0)):
        (tmp_path / name / "exports").mkdir(parents=True)
        (tmp_path / name / "landlord.yaml").write_text("landlord_id: x\n")
        (tmp_path / name / "exports" / "complaints.csv").write_bytes(b"x" * exports)
    order = landlord_pool.largest_first(tmp_path, ["empty", "large", "middle", "small", "missing"])
    assert order == ["large", "middle", "small", "empty", "missing"]


def test_the_collector_pauses_for_start_up_and_runs_again_whatever_the_outcome(
    location, monkeypatch
):
    import gc

    root, output, _, _ = location
    states = []
    real_run_landlord, real_configuration_ok = cli.run_landlord, cli._configuration_ok

    def run_landlord(*args, **kwargs):
        states.append(gc.isenabled())  # start-up: paused
        return real_run_landlord(*args, **kwargs)

    monkeypatch.setattr(cli, "run_landlord", run_landlord)
    monkeypatch.setattr(cli, "_configuration_ok", lambda store, landlord: False)
    # every landlord fails before its run begins: the command still collects again at its end
    assert cli.main(["run", "--landlord", "beta", "--output", str(output)]) == 1
    assert states == [False]
    assert gc.isenabled()
    monkeypatch.setattr(cli, "_configuration_ok", real_configuration_ok)
    assert cli.main(["run", "--landlord", "beta", "--output", str(output)]) == 0
    assert states == [False, False]
    assert gc.isenabled()


def test_the_command_and_its_workers_use_two_malloc_arenas_unless_told_otherwise(monkeypatch):
    """glibc's per-thread arenas kept freed memory in each process (bench/README.md, ninth
    session): the command limits itself and, through the environment its spawned workers start
    with, them; a value the user set is kept."""
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    process.fewer_malloc_arenas()
    assert os.environ["MALLOC_ARENA_MAX"] == process.MALLOC_ARENAS == "2"
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    process.fewer_malloc_arenas()
    assert os.environ["MALLOC_ARENA_MAX"] == "4"
    worker = subprocess.run(
        [sys.executable, "-c", "import os; print(os.environ['MALLOC_ARENA_MAX'])"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert worker.stdout.strip() == "4"  # what a spawned worker process starts with


def test_a_full_disk_is_reported_in_words_with_the_real_cause():
    """A disk that filled while a step committed to the warehouse was reported as
    "_duckdb.TransactionException: TransactionContext Error: cannot rollback - no transaction is
    active": the failed commit had ended the transaction, the rollback in the error handler
    failed too and its error replaced the cause (second hostile audit, a 40 MB tmpfs filled).
    The rollback now tolerates an ended transaction, and the message says what to do."""
    import duckdb

    from pipeline.sql import rollback

    con = duckdb.connect()
    con.begin()
    con.commit()
    rollback(con)  # no transaction left: nothing to undo, and no error to hide the real one
    con.begin()
    con.execute("create table t as select 1 as x")
    rollback(con)
    assert con.execute(
        "select count(*) from duckdb_tables() where table_name = 't'"
    ).fetchone() == (0,)

    class Error:
        def __init__(self, cls_name, message, cause=None):
            self.cls_name, self.message, self.cause = cls_name, message, cause

    full = Error(
        "TransactionException",
        "_duckdb.TransactionException: TransactionContext Error: Failed to commit: Could not "
        'write file "/srv/out/warehouse/ll.duckdb.wal": No space left on device',
    )
    message = run_messages.innermost(
        Error("DagsterExecutionStepExecutionError", "Error in step", full)
    )
    assert message.startswith(
        "the disk is full (no space left on device writing /srv/out/warehouse/ll.duckdb.wal): "
    )
    assert "Exception" not in message and message.endswith("the last run that finished are kept")
    # --output naming a file: "NotADirectoryError: [Errno 20] Not a directory: ..." before
    assert run_messages.in_words("[Errno 20] Not a directory: '/srv/out/warehouse'").startswith(
        "a file stands where the output folder should be (not a directory writing /srv/out/"
    )
    # an output folder locked against change (chattr +i, a share refusing it): EPERM, printed
    # as "step tsm_return failed: PermissionError: [Errno 1] Operation not permitted: ..."
    locked = Error(
        "PermissionError",
        "PermissionError: [Errno 1] Operation not permitted: "
        "'/srv/out/ll/.generations/2025-26/.building-1'",
    )
    message = run_messages.innermost(
        Error("DagsterExecutionStepExecutionError", "Error in step", locked)
    )
    assert message.startswith(
        "the output folder may not be changed (it is locked or read-only) (operation not "
        "permitted writing /srv/out/ll/.generations/2025-26/.building-1): "
    )
    assert "Error" not in message and "Errno" not in message
    assert run_messages.in_words(
        "IsADirectoryError: [Errno 21] Is a directory: '/o/tsm_return.csv'"
    ) == (
        "a folder stands where an output file should be (is a directory writing "
        "/o/tsm_return.csv): free space, fix the folder's permissions or give another --output, "
        "then run again; the outputs of the last run that finished are kept"
    )
    other = Error("ValueError", "ValueError: something else")
    assert run_messages.innermost(other) == "ValueError: something else"


WRITER = """
import sys, time, duckdb
from pathlib import Path
from pipeline.resources import landlord_lock
path = Path(sys.argv[1])
with landlord_lock(path.with_name(path.name + ".lock"), "alpha", 10):
    con = duckdb.connect(str(path))
    print("writing", flush=True)
    time.sleep(3)
    con.execute("insert into measures values ('alpha', 'CH01', 2)")
    con.close()
"""


def test_the_group_command_waits_for_a_run_writing_a_member(tmp_path, capsys):
    """DuckDB refuses a reader while another process writes the file: `complaints group` beside
    a landlord's run stopped with a traceback ("IO Error: Could not set lock on file"; second
    hostile audit). It now waits for the member's writer lock, as a second run does, and reads
    the file once the run has finished."""
    import duckdb

    warehouse = tmp_path / "warehouse" / "alpha.duckdb"
    warehouse.parent.mkdir()
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create table measures (landlord_id text, measure text, value double)")
        con.execute("insert into measures values ('alpha', 'CH01', 1)")
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(warehouse)],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert writer.stdout.readline().strip() == "writing"
        out = tmp_path / "group.csv"
        assert cli.main(["group", "--output", str(tmp_path), "--csv", str(out)]) == 0
    finally:
        writer.wait(timeout=60)
    assert "is busy: another run is writing its warehouse" in capsys.readouterr().out
    assert "CH01,2.0" in out.read_text()  # read after the run's write


def test_a_run_that_did_not_finish_lists_no_staged_file_as_a_document(tmp_path, capsys):
    """A year run stopped or failed after its data-quality files were staged printed them as
    "document .../.generations/2022-23/<run>/quarantine.csv": files never published, which the
    period folder does not show. They are now counted as not published; the previous outputs
    stand."""
    from types import SimpleNamespace

    live = tmp_path / "beta" / "2024-25"
    live.mkdir(parents=True)
    (live / "tsm_return.csv").write_text("previous\n")
    staged = tmp_path / "beta" / ".generations" / "2024-25" / "run-1"
    staged.mkdir(parents=True)
    (staged / "quarantine.csv").write_text("new\n")
    group_report = tmp_path / "group" / "group_report.html"
    group_report.parent.mkdir()
    group_report.write_text("<html></html>")
    store = SimpleNamespace(
        warehouse=lambda landlord: tmp_path / "warehouse" / f"{landlord}.duckdb",
        documents=lambda landlord, period: tmp_path / landlord / period,
    )
    reported = {(staged / "quarantine.csv").resolve(), group_report.resolve()}
    lines = run_messages.print_outputs(store, "beta", ["2024-25"], reported)
    assert not any(".generations" in line for line in lines), lines
    assert (
        "  not published: 1 file(s) of a run that did not finish; the previous outputs stand"
        in (lines)
    )
    assert f"  document   {group_report.resolve()}" in lines
    assert any(line.startswith("  2024-25") and "tsm_return.csv" in line for line in lines)


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (KeyError("Jean Vexbridge"), "KeyError: (text, 14 characters, not shown)"),
        (
            ValueError("invalid literal for int() with base 10: 'jean.vexbridge@example.invalid'"),
            "ValueError: invalid literal for int() with base 10: (text, 30 characters, not shown)",
        ),
        (
            FileNotFoundError(
                2, "No such file or directory", "exports/letter to Jean Vexbridge.docx"
            ),
            "[Errno 2] No such file or directory: 'exports/<29 characters, not shown>'",
        ),
    ],
)
def test_an_error_outside_the_runs_is_printed_without_the_value_it_quoted(
    location, capsys, error, said
):
    """What the command does between its runs (the file counts, the files left unread) printed
    any error it raised as it came: a library's message quoting a cell or a file named after a
    resident reached the console (fifth audit). It is said without the value."""
    root, output, _, monkeypatch = location

    def fails(*args, **kwargs):
        raise error

    monkeypatch.setattr(cli, "print_unread_files", fails)
    code = cli.main(["run", "--landlord", "alpha", "--year", "2024-25", "--output", str(output)])
    text = capsys.readouterr().out
    assert code == 1
    assert "Vexbridge" not in text
    assert f"[alpha] ERROR {said}" in text, text[-1500:]


def test_file_counts_that_cannot_be_read_are_said_without_the_value(location, capsys):
    """The file counts printed after the load said any error as it came ("cannot read file
    counts: ..."): a library's message quoting a cell reached the console (fifth audit)."""
    import pipeline.reporting.quality_counts as quality_counts

    root, output, _, monkeypatch = location
    args = ["run", "--landlord", "alpha", "--year", "2024-25", "--output", str(output)]

    def fails(*args, **kwargs):
        int("Jean Vexbridge")

    monkeypatch.setattr(quality_counts, "stage2_without_stage1", fails)
    cli.main(args)
    text = capsys.readouterr().out
    assert "Vexbridge" not in text
    assert (
        "(cannot read file counts: ValueError: invalid literal for int() with base 10: "
        "(text, 14 characters, not shown))" in text
    ), text[-2000:]


def test_a_worker_whose_run_the_stop_ended_exits_without_being_killed():
    """Stopping the pool while a worker is at work: its run ends on the signal, and the worker
    then exits by itself, not killed after the grace. It used to wait for a next landlord."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import active_children, get_context

    import psutil

    from tests.unit import pool_tasks

    pool = ProcessPoolExecutor(
        max_workers=1, mp_context=get_context("spawn"), initializer=process.start_worker
    )
    assert pool.submit(pool_tasks.ready).result(timeout=120)
    running = pool.submit(pool_tasks.at_work_for, 1.0)
    time.sleep(0.3)  # the worker is at work
    workers = [worker.pid for worker in active_children()]
    started = time.monotonic()
    landlord_pool.stop_pool(pool, grace=20)
    took = time.monotonic() - started
    assert running.result() == "done"
    assert len(workers) == 1 and not psutil.pid_exists(workers[0])
    # ended by itself, not killed after the grace (its exit code is not a witness: the pool's
    # own thread may reap it first, and the Process object then never learns it)
    assert took < 10, took
