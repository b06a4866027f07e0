"""Command line for analysts: run landlords and years in process, without the Dagster UI.

Examples
--------
``complaints run --all-examples --years 2023-24:2025-26``
``complaints run --workspace path/to/workspace --year 2024-25 --output out/``
``complaints run --landlord housing21 --period 2024-25-Q3``   (that quarter's committee pack)
``complaints run --landlord council_housing --period 2026-03``  (a monthly committee pack)
``complaints list``                       (landlords and reporting years)
``complaints group --period 2025-26``     (the group report beside the members' reports)
``complaints group --csv group.csv``      (every landlord's measures in one table)

Each landlord is one Dagster run of its load (``canonical_tables``, partitioned by landlord) and one
run of every landlord x year asset (and its checks) over all the years asked for (a partition
range: the year assets' single-run backfill policy), executed in this process (in-process executor:
no per-step subprocesses); Dagster and the code location load once per process, and the reporting
libraries only when a document is rendered. Committee packs are landlord x quarter
or landlord x month runs, at the landlord's own cadence (landlord.yaml ``schedules.committee``), and
quarterly learning summaries landlord x quarter runs (``schedules.learning_summary: quarterly``). A landlord's runs hold its writer lock throughout, so a second command on the same landlord
waits, then fails naming the holder. The exit code is 1 when a run fails or an error-level check
fails, and the failing step or check is printed.
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import functools
import gc
import importlib.abc
import logging
import os
import queue
import re
import sys
import threading
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from pipeline import workspaces

# Dagster's console logger stays quiet: failures are summarised by this command itself.
QUIET_RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


# --- arguments -----------------------------------------------------------------------------------


def parse_years(year: str | None, years: str | None) -> list[str] | None:
    """``--year 2024-25`` or ``--years 2023-24:2025-26`` as a list of keys; None for the default.

    Raises
    ------
    ValueError
        A key that is not a reporting year, or a range that runs backwards.
    """
    from pipeline.periods import ReportingYear

    if year and years:
        raise ValueError("give --year or --years, not both")
    if year:
        return [ReportingYear.parse(year).key]
    if years:
        first, _, last = years.partition(":")
        start = ReportingYear.parse(first).start.year
        end = ReportingYear.parse(last or first).start.year
        if end < start:
            raise ValueError(f"--years {years}: the range runs backwards")
        return [ReportingYear(y).key for y in range(start, end + 1)]
    return None


def parse_periods(
    values: list[str] | None, years: list[str] | None
) -> tuple[list[str], list[str] | None]:
    """``--period`` values (months or quarters) as keys, and the years to run.

    With no ``--year``/``--years`` the command runs the years the periods fall in.

    Raises
    ------
    ValueError
        A value that is not a month or a quarter (the message says what was expected), or a period
        outside the years asked for.
    """
    from pipeline.periods import ReportingYear, parse_period

    keys = []
    for value in values or []:
        try:
            period = parse_period(value)
        except ValueError as exc:
            # the parser's message starts "period '<value>'": name the option instead
            raise ValueError(f"--{exc}" if str(exc).startswith("period ") else str(exc)) from None
        if period.kind == "year":
            raise ValueError(
                f"--period {value!r} is a reporting year: a committee pack is for a month (like "
                "2026-03) or a quarter (like 2025-26-Q4); use --year for the year's documents"
            )
        keys.append(period.key)
    if not keys:
        return [], years
    containing = {key: ReportingYear.containing(parse_period(key).start).key for key in keys}
    if years is None:
        return keys, sorted(set(containing.values()))
    outside = [key for key, year in containing.items() if year not in years]
    if outside:
        raise ValueError(
            f"--period {', '.join(outside)} is outside the years asked for ({', '.join(years)}): "
            f"add --year {containing[outside[0]]} or leave --year out"
        )
    return keys, years


@dataclass
class Plan:
    """What to run: a workspaces root, landlords in it, years (None = each landlord's current)."""

    root: Path
    landlords: list[str]
    years: list[str] | None
    quarters: list[str] = field(default_factory=list)
    committee: str = "last"


def _resolved(path: str | Path, what: str) -> Path:
    """``path`` made absolute with its links followed, or the command stops saying why: a link
    that leads back to itself stopped it with a Python traceback (second hostile audit)."""
    try:
        return Path(path).resolve()
    except (RuntimeError, OSError) as exc:
        reason = getattr(exc, "strerror", None) or "it is a link that leads back to itself"
        raise SystemExit(
            f"error: the {what} {path} cannot be opened ({reason.lower()}); point to the real "
            "folder, or repair the link"
        ) from None


def resolve_targets(args: argparse.Namespace) -> tuple[Path, list[str]]:
    """The workspaces root and the landlords to run, from the ``run`` arguments."""
    if args.workspace:
        # one workspace named twice (or by two paths) is run once
        paths = list(dict.fromkeys(_resolved(p, "workspace") for p in args.workspace))
        for path in paths:
            if not (path / "landlord.yaml").is_file():
                raise SystemExit(f"error: {path} is not a workspace (no landlord.yaml)")
        parents = {p.parent for p in paths}
        if len(parents) > 1:
            raise SystemExit("error: give workspaces that share one parent folder")
        return parents.pop(), [p.name for p in paths]
    if args.all_examples:
        root = workspaces.DEFAULT_WORKSPACES_ROOT
    else:
        root = _resolved(args.workspaces_root or workspaces.workspaces_root(), "workspaces folder")
    found = workspaces.discover_landlords(root)
    if args.landlord:
        from pipeline.config import landlord_key

        # The id as landlord.yaml writes it ('Kestrel Vale') names its folder (kestrel_vale).
        landlords = [name if name in found else landlord_key(name) for name in args.landlord]
        unknown = sorted(
            written
            for written, name in zip(args.landlord, landlords, strict=True)
            if name not in found
        )
        if unknown:
            raise SystemExit(
                f"error: no workspace for {unknown} under {root} (found: {', '.join(found) or 'none'})"
            )
        return root, list(dict.fromkeys(landlords))
    if not found:
        raise SystemExit(f"error: no workspaces (folders with landlord.yaml) under {root}")
    return root, found


# --- one landlord --------------------------------------------------------------------------------


def _say(landlord_id: str, text: str) -> None:
    print(f"[{landlord_id}] {text}", flush=True)


# The product's own errors: their message names the file and what to do, so it is printed as is,
# without the exception's class path or whatever it was raised from.
_PRODUCT_ERRORS = ("IngestError", "ConfigError")


def without_input_values(message: str) -> str:
    # imported when an error is printed: the command starts without pydantic's models
    from pipeline.config import without_input_values

    return without_input_values(message)


def _innermost(error) -> str:
    messages = []
    while error is not None:
        if error.cls_name in _PRODUCT_ERRORS:
            return error.message.strip().split(": ", 1)[-1]
        messages.append(without_input_values(error.message.strip()))
        error = error.cause
    return _in_words(messages[-1]) if messages else "unknown error"


# The file system's refusals, in words an analyst can act on (second hostile audit: a full disk
# was reported as "_duckdb.TransactionException: TransactionContext Error: Failed to commit").
_FILE_SYSTEM = {
    "No space left on device": "the disk is full",
    "Disk quota exceeded": "the disk quota is used up",
    "Read-only file system": "the disk is read-only",
    "Permission denied": "the account the pipeline runs as may not write there",
    "Not a directory": "a file stands where the output folder should be",
    # A folder locked against change (immutable, or a network share that refuses it) says
    # EPERM, not EACCES: "PermissionError: [Errno 1] ..." was printed as it came (third audit)
    "Operation not permitted": "the output folder may not be changed (it is locked or read-only)",
    "Is a directory": "a folder stands where an output file should be",
}


def _in_words(message: str) -> str:
    """A file-system failure said plainly, with the file it was writing; anything else as is."""
    for cause, words in _FILE_SYSTEM.items():
        if cause in message:
            path = re.search(r"""["']([^"']+)["']""", message)
            where = f" writing {path.group(1)}" if path else ""
            return (
                f"{words} ({cause.lower()}{where}): free space, fix the folder's permissions or "
                "give another --output, then run again; the outputs of the last run that "
                "finished are kept"
            )
    return message


@functools.cache
def _load_jobs():
    """The code location's definitions with the CLI's jobs.

    ``cli_ingest`` (the load, partitioned by landlord), ``cli_landlord_year`` (every landlord x
    year asset) and ``cli_landlord_returns`` (the returns and the year assets they read), run over
    all the command's years at once (single-run backfill policy), and ``cli_landlord_quarter``,
    ``cli_landlord_month``, ``cli_landlord_learning``, ``cli_landlord_quarter_learning`` (the
    period documents, each run ending with its folder's manifest).
    """
    import dagster as dg

    from pipeline.definitions import defs
    from pipeline.defs.orchestration.jobs import (
        COMMITTEE_ASSETS,
        INGEST_ASSETS,
        LEARNING_ASSETS,
        MONTHLY_COMMITTEE_ASSETS,
        PUBLISH_MONTH,
        PUBLISH_QUARTER,
        REFRESH_ASSETS,
        RETURNS_ASSETS,
        YEAR_DIMENSIONS,
        lenient_keys,
        partition_dimensions,
        selection_for,
    )

    base = defs()
    year_assets = [
        spec.key
        for spec in base.resolve_all_asset_specs()
        if partition_dimensions(spec.partitions_def) == YEAR_DIMENSIONS
    ]
    selections = {
        "cli_ingest": lenient_keys(INGEST_ASSETS),
        "cli_landlord_year": dg.AssetSelection.assets(*year_assets),
        # with the manifest, which publishes each year's outputs as one generation
        "cli_landlord_returns": selection_for(RETURNS_ASSETS) | lenient_keys(["manifest"]),
        # a year the data cut falls in: what its committee packs read, and the data quality
        "cli_landlord_in_progress": selection_for(REFRESH_ASSETS) | lenient_keys(["manifest"]),
        # each with its folder's manifest, which publishes the quarter or month as a generation
        "cli_landlord_quarter": lenient_keys(COMMITTEE_ASSETS) | PUBLISH_QUARTER,
        "cli_landlord_month": lenient_keys(MONTHLY_COMMITTEE_ASSETS) | PUBLISH_MONTH,
        "cli_landlord_learning": lenient_keys(LEARNING_ASSETS) | PUBLISH_QUARTER,
        "cli_landlord_quarter_learning": lenient_keys(COMMITTEE_ASSETS + LEARNING_ASSETS)
        | PUBLISH_QUARTER,
    }
    cli_jobs = [dg.define_asset_job(name, selection=sel) for name, sel in selections.items()]
    merged = dg.Definitions.merge(base, dg.Definitions(jobs=cli_jobs))
    jobs = {}
    for name in selections:
        job = merged.resolve_job_def(name)
        jobs[name] = job if job.asset_layer.selected_asset_keys else None
    return merged, jobs


@functools.cache
def _instance():
    """One instance per process (creating an in-memory one costs more than a landlord's run)."""
    from dagster import DagsterInstance

    # With DAGSTER_HOME set, runs land in that instance's history (and show in the UI);
    # otherwise an in-memory instance keeps the command self-contained and fast.
    if os.environ.get("DAGSTER_HOME"):
        return DagsterInstance.get()
    return DagsterInstance.ephemeral()


def _duckdb_threads() -> int | None:
    """DuckDB threads for one landlord's session: this process's share of the cores.

    ``complaints run`` sets ``COMPLAINTS_DUCKDB_THREADS`` to cores / processes, so its processes
    do not each start a thread per core and contend for them. At a landlord's scale DuckDB's
    extra threads mostly wait: one landlord's measures (10 k complaints, four years) took the same
    0.47 s wall on 1 thread as on 2, for 16 % less CPU; a process's peak memory at 100 k
    complaints went from 760 to 637 MB. Unset: DuckDB's default.
    """
    value = os.environ.get("COMPLAINTS_DUCKDB_THREADS", "")
    return int(value) if value.isdigit() and int(value) > 0 else None


def _default_year(store, landlord_id: str) -> str:
    from pipeline.periods import ReportingYear

    # The latest complete reporting year at the data cut: the one a board report or a return is
    # about (the year in progress has no year-end stock yet).
    cut = store.landlord(landlord_id).data_cut_date or dt.date.today()
    return ReportingYear.containing(cut + dt.timedelta(days=1)).previous.key


def _complete_periods(periods, cut: dt.date, mode: str) -> list[str]:
    """``last``: the last period ended by the data cut; ``all``: every period begun by it."""
    if mode == "all":
        return [p.key for p in periods if p.start <= cut]
    return [p.key for p in periods if p.end <= cut][-1:]


def _committee_periods(store, landlord_id: str, year: str, mode: str) -> list[str]:
    """The year's committee packs at the landlord's cadence (``schedules.committee``): months for
    a monthly committee, quarters for a quarterly one, none for ``none``."""
    from pipeline.periods import ReportingYear

    landlord = store.landlord(landlord_id)
    if mode == "none" or landlord.schedules.committee == "none":
        return []
    reporting_year = ReportingYear.parse(year)
    periods = (
        reporting_year.months()
        if landlord.schedules.committee == "monthly"
        else reporting_year.quarters()
    )
    return _complete_periods(periods, landlord.data_cut_date or dt.date.today(), mode)


def _learning_quarters(store, landlord_id: str, year: str, mode: str) -> list[str]:
    """The year's quarterly learning summaries, for a landlord that publishes them quarterly."""
    from pipeline.periods import ReportingYear

    landlord = store.landlord(landlord_id)
    if mode == "none" or landlord.schedules.learning_summary != "quarterly":
        return []
    quarters = ReportingYear.parse(year).quarters()
    return _complete_periods(quarters, landlord.data_cut_date or dt.date.today(), mode)


def _period_runs(store, landlord_id: str, year: str, periods: list[str], mode: str):
    """``(label, job name, period key)`` of the year's period documents, explicit ones first."""
    from pipeline.periods import parse_period

    runs = []
    for key in [p for p in periods if _year_of(p) == year]:
        kind = parse_period(key).kind
        runs.append((key, "cli_landlord_month" if kind == "month" else "cli_landlord_quarter", key))
    for key in _committee_periods(store, landlord_id, year, mode):
        job = "cli_landlord_month" if parse_period(key).kind == "month" else "cli_landlord_quarter"
        if (key, job, key) not in runs:
            runs.append((key, job, key))
    for key in _learning_quarters(store, landlord_id, year, mode):
        if (key, "cli_landlord_quarter", key) in runs:
            # one run, so the quarter's folder is published once: pack and summary together
            runs[runs.index((key, "cli_landlord_quarter", key))] = (
                f"{key} and its learning summary",
                "cli_landlord_quarter_learning",
                key,
            )
        else:
            runs.append((f"{key} learning summary", "cli_landlord_learning", key))
    return runs


def _year_of(period: str) -> str:
    from pipeline.periods import ReportingYear, parse_period

    return ReportingYear.containing(parse_period(period).start).key


def _report_run(landlord_id: str, label: str, result, seconds: float) -> tuple[bool, list[str]]:
    """Print one run's outcome; return (ok, problems)."""
    from dagster import AssetCheckSeverity

    problems = []
    for event in result.get_step_failure_events():
        error = event.step_failure_data.error
        if error is not None and error.cls_name == "DagsterAssetCheckFailedError":
            continue  # a blocking check: reported below with its own message
        problems.append(f"step {event.step_key} failed: {_innermost(error)}")
    warned = 0
    for evaluation in result.get_asset_check_evaluations():
        if evaluation.passed:
            continue
        where = f"{evaluation.asset_key.to_user_string()}.{evaluation.check_name}"
        detail = evaluation.description or ""
        if evaluation.severity == AssetCheckSeverity.ERROR:
            problems.append(f"check {where} failed (error): {detail}".rstrip(": "))
        else:
            warned += 1
            _say(landlord_id, f"  warning: check {where} failed: {detail}".rstrip(": "))
    planned = set(result.job_def.asset_layer.selected_asset_keys)
    done = {e.asset_key for e in result.get_asset_materialization_events()}
    if problems and planned - done:
        names = sorted(key.to_user_string() for key in planned - done)
        problems.append(f"not materialized because of the above: {', '.join(names)}")
    materialized = len(done)
    checks = len(result.get_asset_check_evaluations())
    ok = result.success and not problems
    status = "ok" if ok else "FAILED"
    _say(
        landlord_id,
        f"{label}: {status} in {seconds:.1f} s ({materialized} assets, {checks} checks"
        + (f", {warned} warnings" if warned else "")
        + ")",
    )
    for problem in problems:
        _say(landlord_id, f"  ERROR {problem}")
    return ok, problems


def _print_ingest_counts(store, landlord_id: str, *, loaded: bool = True) -> None:
    """Print the warehouse's per-file ledger (``loaded``: False when this run's load wrote
    nothing, so the ledger is the previous load's and is said to be)."""
    import duckdb

    path = store.warehouse(landlord_id)
    if not path.exists():
        return
    try:
        with store.connect(landlord_id, read_only=True) as con:
            rows = con.execute(
                "select source_file, rows_in, rows_loaded, rows_quarantined "
                "from ingest_file order by source_file"
            ).fetchall()
    except duckdb.CatalogException:
        rows = []
    except Exception as exc:  # noqa: BLE001 - a busy or unreadable file: say so, go on
        _say(landlord_id, f"  (cannot read file counts: {exc})")
        return
    if not rows:
        return
    width = max(len(str(r[0])) for r in rows)
    if not loaded:
        _say(
            landlord_id,
            "  nothing was loaded: the warehouse keeps the previous load, whose counts are",
        )
    _say(
        landlord_id, f"  {'file'.ljust(width)}  {'rows in':>8}  {'loaded':>8}  {'quarantined':>11}"
    )
    for source, rows_in, loaded, quarantined in rows:
        _say(
            landlord_id,
            f"  {str(source).ljust(width)}  {rows_in:>8}  {loaded:>8}  {quarantined:>11}",
        )
    totals = [sum(r[i] for r in rows) for i in (1, 2, 3)]
    _say(landlord_id, f"  {'total'.ljust(width)}  {totals[0]:>8}  {totals[1]:>8}  {totals[2]:>11}")
    for source, rows_in, *_ in rows:
        if rows_in == 0:  # a truncated export reads as a year without complaints
            _say(
                landlord_id,
                f"  WARNING {source} has no data rows below its header: if it should hold "
                "records, export it again (its records now count as none)",
            )


def _print_unread_files(store, landlord_id: str) -> None:
    """Name the data folders' files that no mapping reads (never silently left out), and the
    mappings that run but would mislead (:func:`pipeline.onboarding.mapping_warnings`)."""
    from pipeline.onboarding import mapping_warnings
    from pipeline.sources.discovery import unread_files

    for warning in mapping_warnings(store.workspace(landlord_id)):
        _say(landlord_id, f"  WARNING {warning}")
    for name in unread_files(store.workspace(landlord_id)):
        _say(
            landlord_id,
            f"  WARNING {name} is not read: no mapping's files pattern matches it "
            "(add it to a mapping's files, or move it out of the workspace)",
        )


def _configuration_ok(store, landlord_id: str) -> bool:
    """Print every configuration problem of the workspace (before any export is read)."""
    from pipeline.onboarding import workspace_problems

    problems = workspace_problems(store.workspace(landlord_id))
    if problems:
        _say(
            landlord_id, f"{len(problems)} configuration problem(s), found before reading exports:"
        )
        for problem in problems:
            _say(landlord_id, f"  ERROR {problem}")
    return not problems


def _print_data_cut_note(store, landlord_id: str) -> None:
    """Say which data cut a run without landlord.yaml data_cut_date used, and what to set."""
    from pipeline.onboarding import data_cut_note

    path = store.warehouse(landlord_id)
    if not path.exists():
        return
    with store.connect(landlord_id, read_only=True) as con:
        note = data_cut_note(con, store.landlord(landlord_id))
    if note:
        _say(landlord_id, f"  note: {note}")


def _after_cut_notes(store, landlord_id: str, years: list[str], periods: list[str]) -> list[str]:
    """A note for each year and period of the run that begins after the data cut (no figures)."""
    from pipeline.measures import resolve_data_cut
    from pipeline.periods import ReportingYear
    from pipeline.reporting.committee_cut import periods_after_cut
    from pipeline.returns import after_cut_note

    landlord = store.landlord(landlord_id)
    notes = [
        f"{year} has no figures in its returns or documents: {note}"
        for year in years
        if (note := after_cut_note(landlord, ReportingYear.parse(year))) is not None
    ]
    return notes + periods_after_cut(periods, resolve_data_cut(landlord))


def _year_spans(store, landlord_id: str, years: list[str]) -> list[tuple[str | None, list[str]]]:
    """The run's years in runs of consecutive years: ``(note, years)``, in order.

    A year the data cut falls in is still in progress: its annual report and returns would
    describe a part of the year as the whole (58 complaints "in 2026/27", "a deterioration" on
    the year before, a bottom-quartile CH02), so it runs alone, for its measures and data-quality
    report only, with the note that says so (:func:`pipeline.returns.in_progress_note`). The
    other years (note None) run together, one partition range.
    """
    from pipeline.periods import ReportingYear
    from pipeline.returns import in_progress_note

    landlord = store.landlord(landlord_id)
    spans: list[tuple[str | None, list[str]]] = []
    for year in years:
        note = in_progress_note(landlord, ReportingYear.parse(year))
        if spans and note is None and spans[-1][0] is None:
            spans[-1][1].append(year)
        else:
            spans.append((note, [year]))
    return spans


def _document_paths(result) -> set[Path]:
    """Files the run's assets reported in their materialization metadata (path values)."""
    from dagster import PathMetadataValue

    paths = set()
    for event in result.get_asset_materialization_events():
        for value in event.step_materialization_data.materialization.metadata.values():
            if isinstance(value, PathMetadataValue):
                paths.add(Path(value.path).resolve())
    return paths


def _print_outputs(
    store, landlord_id: str, periods: list[str], reported: set[Path] = frozenset()
) -> list[str]:
    lines = [f"  warehouse  {store.warehouse(landlord_id)}"]
    listed: set[Path] = set()
    for period in periods:
        folder = store.documents(landlord_id, period)
        listed |= {p.resolve() for p in folder.glob("*")} if folder.is_dir() else set()
        if folder.is_dir():
            names = sorted(
                p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
            )
            lines.append(f"  {period:<10} {folder}/  {' '.join(names)}")
    # documents an asset wrote somewhere other than the period folders
    lines += [f"  document   {path}" for path in sorted(reported - listed) if path.is_file()]
    for line in lines:
        _say(landlord_id, line)
    return lines


def run_landlord(
    root: str,
    output_root: str,
    landlord_id: str,
    years: list[str] | None,
    periods: list[str],
    committee: str,
    lock_timeout: float,
    only_returns: bool = False,
) -> tuple[str, bool]:
    """Run one landlord's years (and committee quarters) in this process; print as it goes.

    Parameters
    ----------
    root, output_root
        Workspaces root and output root (already exported to the environment by :func:`main`).
    landlord_id
        The workspace folder name.
    years
        Reporting years to run; None = the year of the landlord's data cut date.
    periods
        Explicit committee-pack periods, months (``2026-03``) or quarters (``2024-25-Q3``),
        whatever the landlord's cadence; added to ``committee``'s.
    committee
        ``last`` (each year's last complete period at the landlord's cadence: month or quarter,
        and its quarterly learning summary), ``all`` (every begun period) or ``none``.
    lock_timeout
        Seconds to wait for another writer on this landlord.
    only_returns
        Run only what the regulatory returns need (ingest, measures, TSM and ARC returns): no
        documents, no committee packs.

    Returns
    -------
    tuple
        ``(landlord_id, ok)``.
    """
    warnings.filterwarnings("ignore")  # Dagster preview/beta warnings are not for analysts
    import dagster as dg

    from pipeline.partitions import add_landlords, year_key
    from pipeline.resources import LandlordBusyError

    definitions, jobs = _load_jobs()
    store = definitions.resources["store"].model_copy(update={"lock_timeout_seconds": lock_timeout})
    ok = True
    if not _configuration_ok(store, landlord_id):
        return landlord_id, False
    try:
        run_years = years or [_default_year(store, landlord_id)]
        instance = _instance()
        _resume_collector()
        started = time.perf_counter()
        reported: set[Path] = set()
        with ExitStack() as held:
            try:
                held.enter_context(store.writer_lock(landlord_id, timeout=0))
            except LandlordBusyError as busy:
                _say(landlord_id, f"waiting up to {lock_timeout:.0f} s: {busy}")
                held.enter_context(store.writer_lock(landlord_id))
            # the landlord's file stays open for its runs (opened once, not per asset and check)
            held.enter_context(store.session(landlord_id, threads=_duckdb_threads()))
            add_landlords(instance, [landlord_id])  # landlords are dynamic partitions
            tags = {"landlord": landlord_id, "complaints/trigger": "cli"}
            # One run loads the workspace (every year at once), one run computes all the years
            # (single-run backfill policy: a partition range); one Dagster job cannot hold both.
            ingest = jobs["cli_ingest"]
            year_job = jobs["cli_landlord_returns" if only_returns else "cli_landlord_year"]
            if ingest is None or year_job is None:
                _say(landlord_id, "no landlord or landlord x year assets are defined")
                return landlord_id, False
            tick = time.perf_counter()
            result = ingest.execute_in_process(
                partition_key=landlord_id,
                instance=instance,
                raise_on_error=False,
                run_config=QUIET_RUN_CONFIG,
                tags=tags,
            )
            ok, _ = _report_run(landlord_id, "load", result, time.perf_counter() - tick)
            _print_ingest_counts(
                store, landlord_id, loaded=bool(result.get_asset_materialization_events())
            )
            _print_unread_files(store, landlord_id)
            _print_data_cut_note(store, landlord_id)
            for note in _after_cut_notes(store, landlord_id, run_years, periods):
                _say(landlord_id, f"  note: {note}")
            if ok:
                for in_progress_note, span in _year_spans(store, landlord_id, run_years):
                    label = span[0] if len(span) == 1 else f"{span[0]} to {span[-1]}"
                    job = year_job
                    if in_progress_note is not None:
                        _say(landlord_id, f"  note: {in_progress_note}")
                        job = jobs["cli_landlord_in_progress"]
                    tick = time.perf_counter()
                    _say(landlord_id, f"{label}: running")
                    result = job.execute_in_process(
                        instance=instance,
                        raise_on_error=False,
                        run_config=QUIET_RUN_CONFIG,
                        tags={
                            **tags,
                            "dagster/asset_partition_range_start": str(
                                year_key(landlord_id, span[0])
                            ),
                            "dagster/asset_partition_range_end": str(
                                year_key(landlord_id, span[-1])
                            ),
                        },
                    )
                    year_ok, _ = _report_run(landlord_id, label, result, time.perf_counter() - tick)
                    reported |= _document_paths(result)
                    ok &= year_ok
            else:
                names = sorted(k.to_user_string() for k in year_job.asset_layer.selected_asset_keys)
                _say(landlord_id, f"  ERROR not run because the load failed: {', '.join(names)}")
            for year in run_years if ok and not only_returns else []:
                for label, job_name, key in _period_runs(
                    store, landlord_id, year, periods, committee
                ):
                    job = jobs.get(job_name)
                    if job is None:
                        _say(landlord_id, f"  {label}: no such document is defined, skipped")
                        continue
                    tick = time.perf_counter()
                    dimension = "month" if job_name == "cli_landlord_month" else "quarter"
                    result = job.execute_in_process(
                        partition_key=dg.MultiPartitionKey(
                            {"landlord": landlord_id, dimension: key}
                        ),
                        instance=instance,
                        raise_on_error=False,
                        run_config=QUIET_RUN_CONFIG,
                        tags=tags,
                    )
                    p_ok, _ = _report_run(landlord_id, label, result, time.perf_counter() - tick)
                    reported |= _document_paths(result)
                    ok &= p_ok
        folders = [p for year in run_years for p in [year] + [q.key for q in _periods_of(year)]]
        _say(landlord_id, f"outputs ({time.perf_counter() - started:.1f} s):")
        _print_outputs(store, landlord_id, folders, reported)
    except LandlordBusyError as exc:
        _say(landlord_id, f"ERROR {exc}")
        ok = False
    except OSError as exc:  # the output folder: full, read-only, not a folder
        _say(landlord_id, f"ERROR {_in_words(str(exc))}")
        ok = False
    except Exception as exc:  # a config or unreadable-file error: name it, go on with others
        _say(landlord_id, f"ERROR {type(exc).__name__}: {without_input_values(str(exc))}")
        ok = False
    return landlord_id, ok


def _periods_of(year: str):
    """The year's quarters and months (the folders a landlord's period documents go to)."""
    from pipeline.periods import ReportingYear

    reporting_year = ReportingYear.parse(year)
    return reporting_year.quarters() + reporting_year.months()


# --- commands ------------------------------------------------------------------------------------


def _run_all(jobs: list[tuple], parallel: int) -> dict[str, bool]:
    """Run every landlord's job, ``parallel`` at a time; ``{landlord: ok}``.

    This process runs landlords itself beside ``parallel - 1`` worker processes, all taking the
    next landlord from one queue: each process pays Dagster's and the libraries' start-up (about
    3 CPU-s) once, whatever the number of landlords, and the command's own process is one of them
    instead of waiting idle. Landlords have separate DuckDB files, so they run in parallel; workers
    are started with "spawn" (a forked copy of a process with DuckDB and Polars thread pools is
    not safe).
    """
    if parallel == 1:
        return dict(run_landlord(*job) for job in jobs)
    todo: queue.SimpleQueue = queue.SimpleQueue()
    for job in jobs:
        todo.put(job)
    results: dict[str, bool] = {}

    def next_job():
        try:
            return todo.get_nowait()
        except queue.Empty:
            return None

    def feed(pool: ProcessPoolExecutor) -> None:
        # one thread per worker process: hand it the next landlord when it has finished one
        while (job := next_job()) is not None:
            try:
                landlord, ok = pool.submit(run_landlord, *job).result()
            except Exception as exc:  # the worker process died (out of memory, killed)
                landlord, ok = job[2], False
                said = without_input_values(str(exc))
                _say(landlord, f"ERROR its worker process stopped: {type(exc).__name__}: {said}")
            results[landlord] = ok

    with ProcessPoolExecutor(
        max_workers=parallel - 1,
        mp_context=get_context("spawn"),
        initializer=_start_worker,  # a worker collects and ends like the command (see console)
    ) as pool:
        feeders = [
            threading.Thread(target=feed, args=(pool,), daemon=True) for _ in range(parallel - 1)
        ]
        for feeder in feeders:
            feeder.start()
        while (job := next_job()) is not None:
            landlord, ok = run_landlord(*job)
            results[landlord] = ok
        for feeder in feeders:
            feeder.join()
    return results


def _largest_first(root: Path, landlords: list[str]) -> list[str]:
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


def _run_landlords(
    args: argparse.Namespace,
    root: Path,
    landlords: list[str],
    years: list[str] | None,
    periods: list[str],
    output_root: Path,
) -> dict[str, bool]:
    """Run the landlords, ``--parallel`` processes at a time (default: cores, at most 4)."""
    wanted = args.parallel if args.parallel is not None else min(os.cpu_count() or 1, 4)
    parallel = max(1, min(wanted, len(landlords)))
    if parallel > 1:
        landlords = _largest_first(root, landlords)
        # each process its share of the cores; inherited by the workers
        share = str(max(1, (os.cpu_count() or 1) // parallel))
        os.environ["COMPLAINTS_DUCKDB_THREADS"] = share
        os.environ.setdefault("POLARS_MAX_THREADS", share)  # read when Polars is first imported
    jobs = [
        (
            str(root),
            str(output_root),
            landlord,
            years,
            periods,
            args.committee,
            args.lock_timeout,
            args.only == "returns",
        )
        for landlord in landlords
    ]
    return _run_all(jobs, parallel)


def cmd_run(args: argparse.Namespace) -> int:
    root, landlords = resolve_targets(args)
    from pipeline.partition_keys import REPORTING_YEARS

    try:
        years = parse_years(args.year, args.years)
        periods, years = parse_periods(args.period, years)
    except ValueError as exc:
        raise SystemExit(f"error: {exc}") from exc
    outside = [year for year in years or [] if year not in REPORTING_YEARS]
    if outside:
        raise SystemExit(
            f"error: {', '.join(outside)} is outside the reporting years this pipeline covers "
            f"({REPORTING_YEARS[0]} to {REPORTING_YEARS[-1]})"
        )
    output_root = _resolved(args.output or workspaces.output_root(), "output folder")
    # The code location reads these when it loads (partitions, the store resource), so they are
    # set before anything imports pipeline.definitions, here and in worker processes.
    os.environ["COMPLAINTS_WORKSPACES_ROOT"] = str(root)
    os.environ["COMPLAINTS_OUTPUT_ROOT"] = str(output_root)
    print(
        f"complaints run: {len(landlords)} landlord(s) from {root}, "
        f"years {', '.join(years) if years else 'of each data cut'}, output {output_root}",
        flush=True,
    )
    started = time.perf_counter()
    _pause_collector()  # until start-up is done (see _pause_collector)
    _fewer_malloc_arenas()
    try:
        results = _run_landlords(args, root, landlords, years, periods, output_root)
    finally:
        _resume_collector()
    failed = sorted(landlord for landlord, ok in results.items() if not ok)
    wall = time.perf_counter() - started
    print(
        f"complaints run: {len(results) - len(failed)} of {len(results)} landlord(s) ok "
        f"in {wall:.1f} s" + (f"; FAILED: {', '.join(failed)}" if failed else ""),
        flush=True,
    )
    return 1 if failed else 0


def cmd_list(args: argparse.Namespace) -> int:
    root = _resolved(args.workspaces_root or workspaces.workspaces_root(), "workspaces folder")
    from pipeline.partition_keys import REPORTING_YEARS  # no Dagster in this process

    print(f"workspaces root: {root}")
    for landlord in workspaces.discover_landlords(root):
        print(f"  {landlord}")
    print(f"reporting years: {', '.join(REPORTING_YEARS)}")
    return 0


def cmd_group(args: argparse.Namespace) -> int:
    from pipeline.config import landlord_key
    from pipeline.group_views import open_group
    from pipeline.periods import parse_period

    output_root = _resolved(args.output or workspaces.output_root(), "output folder")
    try:
        period = parse_period(args.period) if args.period else None
    except ValueError as exc:
        raise SystemExit(f"error: --period {args.period!r}: {exc}") from None
    # a member as landlord.yaml writes it ('Kestrel Vale') or as its files are named (kestrel_vale)
    members = list(dict.fromkeys(landlord_key(name) for name in args.landlord or []))
    with ExitStack() as held:
        _hold_member_locks(held, output_root, members)
        con = open_group(output_root, members or None)
        return _group_command(con, output_root, period, args)


def _hold_member_locks(held: ExitStack, output_root: Path, members: list[str]) -> None:
    """Hold each member's writer lock while the group command reads its file, waiting (up to
    the default lock timeout) for a run that is writing it, as a second run does.

    DuckDB refuses a reader while another process writes the file: the group command run beside
    a landlord's run stopped with a traceback ("IO Error: Could not set lock on file"; second
    hostile audit), and a run started while the group command read would have failed the same
    way.
    """
    from pipeline.group_views import landlord_files
    from pipeline.resources import ComplaintsStore, LandlordBusyError, landlord_lock

    timeout = ComplaintsStore.model_fields["lock_timeout_seconds"].default
    for landlord_id, path in sorted(landlord_files(output_root).items()):
        if members and landlord_id not in members:
            continue
        lock = path.with_name(path.name + ".lock")
        try:
            held.enter_context(landlord_lock(lock, landlord_id, 0))
        except LandlordBusyError as busy:
            print(f"waiting up to {timeout:.0f} s: {busy}", flush=True)
            try:
                held.enter_context(landlord_lock(lock, landlord_id, timeout))
            except LandlordBusyError as still:
                raise SystemExit(f"error: {still}") from None


def _group_command(con, output_root: Path, period, args: argparse.Namespace) -> int:
    try:
        landlords = con.execute("select landlord_id, warehouse from group_landlords").fetchall()
        for landlord, path in landlords:
            print(f"  {landlord}: {path}")
        has_measures = con.execute(
            "select count(*) from duckdb_views() where view_name = 'measures'"
        ).fetchall()[0][0]
        if not has_measures:
            print("no landlord file has a measures table yet")
            return 1
        # fetchall: a result left unfinished would block the report's queries on this connection
        count = con.execute("select count(*) from measures").fetchall()[0][0]
        print(f"group measures: {count} rows from {len(landlords)} landlord(s)")
        if args.csv:
            from pipeline.io import atomic_write_text
            from pipeline.reporting.group import formula_safe

            target = Path(args.csv).resolve()
            # as group_measures.csv: labels typed in a case system may start like a formula
            rows = con.sql("select * from measures order by all").pl()
            atomic_write_text(target, formula_safe(rows).write_csv())
            print(f"written {target}")
        if args.csv and period is None:
            return 0
        return _group_report(con, output_root, period, args)
    finally:
        con.close()


def _group_report(con, output_root: Path, period, args: argparse.Namespace) -> int:
    """Write the group report for ``period`` (default: the latest reporting year that has ended
    and that the members' measures cover)."""
    from pipeline.periods import parse_period
    from pipeline.reporting.group import render_group_report

    if period is None:
        latest = con.execute(
            "select max(period) from measures where period_kind = 'year' and period_end <= ?",
            [dt.date.today()],
        ).fetchall()[0][0]
        if latest is None:
            print("no member has the measures of a reporting year that has ended; give --period")
            return 1
        period = parse_period(latest)
    try:
        paths = render_group_report(
            con, period, output_root, published=args.published, group_name=args.name
        )
    except ValueError as exc:
        print(f"error: {exc}")
        return 1
    print(f"group report {period.label}: " + "  ".join(str(p) for p in paths.values()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="complaints", description="Complaints performance pipeline for social landlords."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run landlords and reporting years in process")
    target = run.add_mutually_exclusive_group(required=True)
    target.add_argument("--workspace", action="append", metavar="PATH", help="a workspace folder")
    target.add_argument("--all-examples", action="store_true", help="every workspace in examples/")
    target.add_argument(
        "--landlord",
        action="append",
        metavar="ID",
        help="a landlord in the root: its folder, or landlord_id as landlord.yaml writes it",
    )
    target.add_argument("--all", action="store_true", help="every landlord in the root")
    run.add_argument("--workspaces-root", metavar="DIR", help="default $COMPLAINTS_WORKSPACES_ROOT")
    run.add_argument("--year", help="one reporting year, e.g. 2024-25")
    run.add_argument("--years", help="a range, e.g. 2023-24:2025-26")
    run.add_argument(
        "--period",
        "--quarter",
        dest="period",
        action="append",
        metavar="P",
        help="a committee pack for this month (2026-03) or quarter (2025-26-Q4); repeatable; "
        "without --year, runs the year it falls in",
    )
    run.add_argument(
        "--committee",
        choices=["last", "all", "none"],
        default="last",
        help="committee packs (and quarterly learning summaries) per year at each landlord's "
        "cadence: the last complete month or quarter (default), all, none",
    )
    run.add_argument(
        "--only",
        choices=["everything", "returns"],
        default="everything",
        help="'returns': only the TSM and ARC returns and what they need (no documents)",
    )
    run.add_argument("--output", metavar="DIR", help="output root (default ./output)")
    run.add_argument(
        "--parallel",
        type=int,
        default=None,
        metavar="N",
        help="landlords run at once: this process and N-1 worker processes (default: CPUs, "
        "at most 4)",
    )
    run.add_argument(
        "--lock-timeout",
        type=float,
        default=600.0,
        metavar="S",
        help="seconds to wait for another run on the same landlord",
    )
    run.set_defaults(func=cmd_run)

    listing = sub.add_parser("list", help="list landlords and reporting years")
    listing.add_argument("--workspaces-root", metavar="DIR")
    listing.set_defaults(func=cmd_list)

    group = sub.add_parser(
        "group",
        help="the group report (every member beside the group's figures) and the group measures",
    )
    group.add_argument("--output", metavar="DIR", help="output root holding warehouse/")
    group.add_argument(
        "--landlord", action="append", metavar="ID", help="a member, as run takes it (default all)"
    )
    group.add_argument(
        "--period",
        metavar="P",
        help="reporting year (2025-26), quarter (2025-26-Q4) or month (2026-03) of the group "
        "report; default the latest year that has ended",
    )
    group.add_argument("--name", default="Housing group", help="the group's name on the report")
    group.add_argument(
        "--published", action="store_true", help="counts under 5 suppressed (website version)"
    )
    group.add_argument(
        "--csv",
        metavar="PATH",
        help="write every member's measures to this CSV (and no report unless --period is given)",
    )
    group.set_defaults(func=cmd_group)

    from pipeline.rsh.cli import add_parser as add_rsh_parser

    add_rsh_parser(sub)  # complaints rsh add <workbook> / rsh list (docs/rsh.md)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``complaints`` / ``python -m pipeline.cli``; returns the exit code."""
    args = build_parser().parse_args(argv)
    return args.func(args)


def _exit_now(code: int = 0) -> None:
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
    if _instance.cache_info().currsize:
        _instance().dispose()
    os._exit(code)


# glibc gives each thread that allocates under contention an arena of its own (up to 8 a core)
# and keeps what is freed there for the next allocation in it: DuckDB's and Arrow's threads left
# each process holding memory it no longer used. Two arenas a process: the 1 M benchmark's peak
# (the processes' summed PSS) 1,075-1,094 -> 967-987 MB, its time unchanged (bench/README.md).
MALLOC_ARENAS = "2"
_M_ARENA_MAX = -8  # mallopt's parameter number (malloc.h)


def _fewer_malloc_arenas() -> None:
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
def _pause_collector() -> None:
    gc.disable()


@functools.cache
def _freeze_start_up() -> None:
    gc.freeze()


def _resume_collector() -> None:
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


def _hide_test_libraries() -> None:
    """Make :data:`TEST_ONLY_LIBRARIES` unimportable in this process (once; none loaded yet)."""
    if not any(isinstance(finder, _TestOnlyLibraries) for finder in sys.meta_path):
        sys.meta_path.insert(0, _TestOnlyLibraries())


def _start_worker() -> None:
    """Each worker process: the imports, the collector and the way of ending of the command."""
    _hide_test_libraries()
    _pause_collector()
    atexit.register(_exit_now)
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


def console() -> None:
    """The ``complaints`` command: :func:`main` without the test-only libraries
    (:func:`_hide_test_libraries`), then exit without tearing the interpreter down.

    Everything the command writes is closed and synced when :func:`main` returns (DuckDB files,
    documents, the run history), so what is left is freeing Dagster's, Polars' and DuckDB's
    modules one by one: 0.7 s of a 4 s one-landlord run. The command's worker processes end the
    same way once the pool has sent them their last job (their exit handler, registered when they
    start, runs after the pool's shutdown; a worker writes its results to the pool's queue before
    it takes the next job, so nothing is waiting to be sent).
    """
    _hide_test_libraries()
    _exit_now(main())


if __name__ == "__main__":
    console()
