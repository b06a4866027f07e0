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
import datetime as dt
import functools
import os
import time
import warnings
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import workspaces
from pipeline.group_command import cmd_group
from pipeline.landlord_pool import largest_first, run_all, say_stopped
from pipeline.process import (
    LOCK_TAG,
    dagster_instance,
    duckdb_threads,
    exit_now,
    fail_killed_runs,
    fewer_malloc_arenas,
    hide_test_libraries,
    lock_tag,
    pause_collector,
    resume_collector,
    run_in_progress,
)
from pipeline.run_messages import (
    document_paths,
    print_data_cut_note,
    print_ingest_counts,
    print_outputs,
    print_unread_files,
    print_wording_warnings,
    report_run,
    say,
)
from pipeline.stopping import (
    CommandStopped,
    catch_stop_signals,
    ignore_stop_signals,
    run_going,
    said_before_the_end,
    stop_from_the_start,
    stop_if_requested,
)

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


def resolve_targets(args: argparse.Namespace) -> tuple[Path, list[str]]:
    """The workspaces root and the landlords to run, from the ``run`` arguments."""
    if args.workspace:
        # one workspace named twice (or by two paths) is run once
        paths = list(
            dict.fromkeys(workspaces.resolved_folder(p, "workspace") for p in args.workspace)
        )
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
        root = workspaces.resolved_folder(
            args.workspaces_root or workspaces.workspaces_root(), "workspaces folder"
        )
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


def _configuration_ok(store, landlord_id: str) -> bool:
    """Print every configuration problem of the workspace (before any export is read)."""
    from pipeline.onboarding import workspace_problems

    problems = workspace_problems(store.workspace(landlord_id))
    if problems:
        say(landlord_id, f"{len(problems)} configuration problem(s), found before reading exports:")
        for problem in problems:
            say(landlord_id, f"  ERROR {problem}")
    return not problems


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
    from pipeline.publish import remove_abandoned_generations
    from pipeline.resources import LandlordBusyError

    definitions, jobs = _load_jobs()
    store = definitions.resources["store"].model_copy(update={"lock_timeout_seconds": lock_timeout})
    ok = True
    if not _configuration_ok(store, landlord_id):
        return landlord_id, False
    try:
        run_years = years or [_default_year(store, landlord_id)]
        instance = dagster_instance()
        resume_collector()
        started = time.perf_counter()
        reported: set[Path] = set()
        with ExitStack() as held:
            try:
                held.enter_context(store.writer_lock(landlord_id, timeout=0))
            except LandlordBusyError as busy:
                say(landlord_id, f"waiting up to {lock_timeout:.0f} s: {busy}")
                held.enter_context(store.writer_lock(landlord_id, while_waiting=stop_if_requested))
            lock = lock_tag(store.lock_path(landlord_id))
            fail_killed_runs(instance, landlord_id, lock)
            remove_abandoned_generations(
                Path(output_root) / landlord_id, run_in_progress(instance, lock)
            )
            # the landlord's file stays open for its runs (opened once, not per asset and check)
            held.enter_context(store.session(landlord_id, threads=duckdb_threads()))
            add_landlords(instance, [landlord_id])  # landlords are dynamic partitions
            tags = {"landlord": landlord_id, "complaints/trigger": "cli", LOCK_TAG: lock}
            # One run loads the workspace (every year at once), one run computes all the years
            # (single-run backfill policy: a partition range); one Dagster job cannot hold both.
            ingest = jobs["cli_ingest"]
            year_job = jobs["cli_landlord_returns" if only_returns else "cli_landlord_year"]
            if ingest is None or year_job is None:
                say(landlord_id, "no landlord or landlord x year assets are defined")
                return landlord_id, False
            tick = time.perf_counter()
            result = _run_job(
                ingest,
                partition_key=landlord_id,
                instance=instance,
                tags=tags,
            )
            ok, _ = report_run(landlord_id, "load", result, time.perf_counter() - tick)
            print_ingest_counts(
                store, landlord_id, loaded=bool(result.get_asset_materialization_events())
            )
            print_unread_files(store, landlord_id)
            print_data_cut_note(store, landlord_id)
            if not only_returns:
                print_wording_warnings(store, landlord_id, run_years)
            for note in _after_cut_notes(store, landlord_id, run_years, periods):
                say(landlord_id, f"  note: {note}")
            if ok:
                for in_progress_note, span in _year_spans(store, landlord_id, run_years):
                    label = span[0] if len(span) == 1 else f"{span[0]} to {span[-1]}"
                    job = year_job
                    if in_progress_note is not None:
                        say(landlord_id, f"  note: {in_progress_note}")
                        job = jobs["cli_landlord_in_progress"]
                    tick = time.perf_counter()
                    say(landlord_id, f"{label}: running")
                    result = _run_job(
                        job,
                        instance=instance,
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
                    year_ok, _ = report_run(landlord_id, label, result, time.perf_counter() - tick)
                    reported |= document_paths(result)
                    ok &= year_ok
            else:
                names = sorted(k.to_user_string() for k in year_job.asset_layer.selected_asset_keys)
                say(landlord_id, f"  ERROR not run because the load failed: {', '.join(names)}")
            for year in run_years if ok and not only_returns else []:
                for label, job_name, key in _period_runs(
                    store, landlord_id, year, periods, committee
                ):
                    job = jobs.get(job_name)
                    if job is None:
                        say(landlord_id, f"  {label}: no such document is defined, skipped")
                        continue
                    tick = time.perf_counter()
                    dimension = "month" if job_name == "cli_landlord_month" else "quarter"
                    result = _run_job(
                        job,
                        partition_key=dg.MultiPartitionKey(
                            {"landlord": landlord_id, dimension: key}
                        ),
                        instance=instance,
                        tags=tags,
                    )
                    p_ok, _ = report_run(landlord_id, label, result, time.perf_counter() - tick)
                    reported |= document_paths(result)
                    ok &= p_ok
        folders = [p for year in run_years for p in [year] + [q.key for q in _periods_of(year)]]
        say(landlord_id, f"outputs ({time.perf_counter() - started:.1f} s):")
        print_outputs(store, landlord_id, folders, reported)
    except LandlordBusyError as exc:
        say(landlord_id, f"ERROR {exc}")
        ok = False
    except Exception as exc:  # a config or unreadable-file error, the output folder full or
        # read-only: name it, without a value its message quoted, and go on with others
        from pipeline.step_errors import said_safely

        say(landlord_id, f"ERROR {said_safely(exc)}")
        ok = False
    return landlord_id, ok


def _run_job(job, **kwargs):
    """One Dagster run of ``job``, quiet and never raising; a Ctrl-C or SIGTERM received before
    or during it stops the command (:class:`CommandStopped`) rather than this landlord alone."""
    stop_if_requested()
    with run_going():
        result = job.execute_in_process(raise_on_error=False, run_config=QUIET_RUN_CONFIG, **kwargs)
    stop_if_requested()
    return result


def _periods_of(year: str):
    """The year's quarters and months (the folders a landlord's period documents go to)."""
    from pipeline.periods import ReportingYear

    reporting_year = ReportingYear.parse(year)
    return reporting_year.quarters() + reporting_year.months()


# --- commands ------------------------------------------------------------------------------------


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
        landlords = largest_first(root, landlords)
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
    return run_all(jobs, parallel)


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
    output_root = workspaces.resolved_folder(
        args.output or workspaces.output_root(), "output folder"
    )
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
    pause_collector()  # until start-up is done (see pause_collector)
    fewer_malloc_arenas()
    try:
        with catch_stop_signals():
            results = _run_landlords(args, root, landlords, years, periods, output_root)
    except CommandStopped as stopped:
        return say_stopped(stopped, landlords, time.perf_counter() - started)
    finally:
        resume_collector()
    failed = sorted(landlord for landlord, ok in results.items() if not ok)
    wall = time.perf_counter() - started
    print(
        f"complaints run: {len(results) - len(failed)} of {len(results)} landlord(s) ok "
        f"in {wall:.1f} s" + (f"; FAILED: {', '.join(failed)}" if failed else ""),
        flush=True,
    )
    return 1 if failed else 0


def cmd_list(args: argparse.Namespace) -> int:
    root = workspaces.resolved_folder(
        args.workspaces_root or workspaces.workspaces_root(), "workspaces folder"
    )
    from pipeline.partition_keys import REPORTING_YEARS  # no Dagster in this process

    print(f"workspaces root: {root}")
    for landlord in workspaces.discover_landlords(root):
        print(f"  {landlord}")
    print(f"reporting years: {', '.join(REPORTING_YEARS)}")
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


def console(command: Callable[[], int] = main) -> None:
    """The ``complaints`` command: :func:`main` without the test-only libraries
    (:func:`hide_test_libraries`), then exit without tearing the interpreter down.

    ``command``: another entry point run the same way (``python -m pipeline.rsh.cli``,
    ``scripts/extract_rsh.py``), so a stop before its own handling is said as this one's is.

    Everything the command writes is closed and synced when :func:`main` returns (DuckDB files,
    documents, the run history), so what is left is freeing Dagster's, Polars' and DuckDB's
    modules one by one: 0.7 s of a 4 s one-landlord run. The command's worker processes end the
    same way once the pool has sent them their last job (their exit handler, registered when they
    start, runs after the pool's shutdown; a worker writes its results to the pool's queue before
    it takes the next job, so nothing is waiting to be sent).
    """
    hide_test_libraries()
    stop_from_the_start()
    try:
        code = command()
    except KeyboardInterrupt:  # Ctrl-C outside the command's own handling (start-up, its end)
        print(said_before_the_end("Ctrl-C"), flush=True)
        code = 130
    except CommandStopped as stopped:  # SIGTERM there
        print(said_before_the_end(stopped.signal_name), flush=True)
        code = stopped.exit_code
    ignore_stop_signals()
    exit_now(code)


if __name__ == "__main__":
    console()
