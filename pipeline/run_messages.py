"""What ``complaints run`` prints for a landlord: each run's result, the load's counts, the files
left unread and the outputs written, in words an analyst can act on and never a cell's content.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.publish import GENERATIONS


def say(landlord_id: str, text: str) -> None:
    print(f"[{landlord_id}] {text}", flush=True)


# The product's own errors: their message names the file and what to do, so it is printed as is,
# without the exception's class path or whatever it was raised from.
_PRODUCT_ERRORS = ("IngestError", "ConfigError")


def without_input_values(message: str) -> str:
    # imported when an error is printed: the command starts without pydantic's models
    from pipeline.config import without_input_values

    return without_input_values(message)


def innermost(error) -> str:
    messages = []
    while error is not None:
        if error.cls_name in _PRODUCT_ERRORS:
            return error.message.strip().split(": ", 1)[-1]
        if error.cls_name == "StepError":  # pipeline.step_errors: an unforeseen error, scrubbed
            return in_words(error.message.strip().split(": ", 1)[-1])
        messages.append(without_input_values(error.message.strip()))
        error = error.cause
    return in_words(messages[-1]) if messages else "unknown error"


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


def in_words(message: str) -> str:
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


def report_run(landlord_id: str, label: str, result, seconds: float) -> tuple[bool, list[str]]:
    """Print one run's outcome; return (ok, problems)."""
    from dagster import AssetCheckSeverity

    problems = []
    for event in result.get_step_failure_events():
        error = event.step_failure_data.error
        if error is not None and error.cls_name == "DagsterAssetCheckFailedError":
            continue  # a blocking check: reported below with its own message
        problems.append(f"step {event.step_key} failed: {innermost(error)}")
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
            say(landlord_id, f"  warning: check {where} failed: {detail}".rstrip(": "))
    planned = set(result.job_def.asset_layer.selected_asset_keys)
    done = {e.asset_key for e in result.get_asset_materialization_events()}
    if problems and planned - done:
        names = sorted(key.to_user_string() for key in planned - done)
        problems.append(f"not materialized because of the above: {', '.join(names)}")
    materialized = len(done)
    checks = len(result.get_asset_check_evaluations())
    ok = result.success and not problems
    status = "ok" if ok else "FAILED"
    say(
        landlord_id,
        f"{label}: {status} in {seconds:.1f} s ({materialized} assets, {checks} checks"
        + (f", {warned} warnings" if warned else "")
        + ")",
    )
    for problem in problems:
        say(landlord_id, f"  ERROR {problem}")
    return ok, problems


def print_ingest_counts(store, landlord_id: str, *, loaded: bool = True) -> None:
    """Print the warehouse's per-file ledger (``loaded``: False when this run's load wrote
    nothing, so the ledger is the previous load's and is said to be)."""
    import duckdb

    path = store.warehouse(landlord_id)
    if not path.exists():
        return
    from pipeline.reporting.quality_counts import (
        mostly_not_owned_stock,
        not_owned_warning,
        stage2_without_stage1,
    )

    alone, not_owned = [], []
    try:
        with store.connect(landlord_id, read_only=True) as con:
            rows = con.execute(
                "select source_file, rows_in, rows_loaded, rows_quarantined "
                "from ingest_file order by source_file"
            ).fetchall()
            try:
                alone = stage2_without_stage1(con, landlord_id) if rows else []
                not_owned = mostly_not_owned_stock(con, landlord_id) if rows else []
            except duckdb.CatalogException:  # a warehouse without complaint tables
                alone, not_owned = [], []
    except duckdb.CatalogException:
        rows = []
    except Exception as exc:  # noqa: BLE001 - a busy or unreadable file: say so, go on
        from pipeline.step_errors import said_safely

        say(landlord_id, f"  (cannot read file counts: {said_safely(exc)})")
        return
    if not rows:
        return
    width = max(len(str(r[0])) for r in rows)
    if not loaded:
        say(
            landlord_id,
            "  nothing was loaded: the warehouse keeps the previous load, whose counts are",
        )
    say(landlord_id, f"  {'file'.ljust(width)}  {'rows in':>8}  {'loaded':>8}  {'quarantined':>11}")
    for source, rows_in, loaded, quarantined in rows:
        say(
            landlord_id,
            f"  {str(source).ljust(width)}  {rows_in:>8}  {loaded:>8}  {quarantined:>11}",
        )
    totals = [sum(r[i] for r in rows) for i in (1, 2, 3)]
    say(landlord_id, f"  {'total'.ljust(width)}  {totals[0]:>8}  {totals[1]:>8}  {totals[2]:>11}")
    for source, rows_in, *_ in rows:
        if rows_in == 0:  # a truncated export reads as a year without complaints
            say(
                landlord_id,
                f"  WARNING {source} has no data rows below its header: if it should hold "
                "records, export it again (its records now count as none)",
            )
    for source, n, no_tenure in alone:
        one = n == 1
        tenure = ""
        if no_tenure:
            tenure = (
                " (and no tenure, so not in CH01 and CH02)"
                if one
                else f" ({no_tenure:,} with no tenure, not in CH01 and CH02)"
            )
        say(
            landlord_id,
            f"  WARNING {source}: {n:,} stage 2 {'row matches' if one else 'rows match'} no "
            f"stage 1 in any file read, so {'it is a complaint' if one else 'each is a complaint'}"
            f" of its own with only this file's fields{tenure}: keep earlier stage 1 files in "
            "exports/ and check that both files write the references alike (docs/mapping.md, "
            "'One file per stage')",
        )
    for source, n, english in not_owned:
        say(landlord_id, f"  WARNING {not_owned_warning(source, n, english)}")


def print_unread_files(store, landlord_id: str) -> None:
    """Name the data folders' files that no mapping reads (never silently left out), and the
    mappings that run but would mislead (:func:`pipeline.onboarding.mapping_warnings`)."""
    from pipeline.onboarding import mapping_warnings
    from pipeline.sources.discovery import unread_files

    for warning in mapping_warnings(store.workspace(landlord_id)):
        say(landlord_id, f"  WARNING {warning}")
    for name in unread_files(store.workspace(landlord_id)):
        say(
            landlord_id,
            f"  WARNING {name} is not read: no mapping's files pattern matches it "
            "(add it to a mapping's files, or move it out of the workspace)",
        )


def print_wording_warnings(store, landlord_id: str, years: list[str]) -> None:
    """Say what the years' board responses and commentaries hold that their annual report
    cannot show as written (an image, HTML tags, a link without words, an abbreviation no
    glossary explains): the file and line and what to do, never the text
    (:func:`pipeline.annual_inputs.wording_warnings`)."""
    from pipeline.annual_inputs import wording_warnings

    for warning in wording_warnings(store.workspace(landlord_id), years):
        say(landlord_id, f"  WARNING {warning}")


def print_data_cut_note(store, landlord_id: str) -> None:
    """Say which data cut a run without landlord.yaml data_cut_date used, and what to set."""
    from pipeline.onboarding import data_cut_note

    path = store.warehouse(landlord_id)
    if not path.exists():
        return
    with store.connect(landlord_id, read_only=True) as con:
        note = data_cut_note(con, store.landlord(landlord_id))
    if note:
        say(landlord_id, f"  note: {note}")


def document_paths(result) -> set[Path]:
    """Files the run's assets reported in their materialization metadata (path values)."""
    from dagster import PathMetadataValue

    paths = set()
    for event in result.get_asset_materialization_events():
        for value in event.step_materialization_data.materialization.metadata.values():
            if isinstance(value, PathMetadataValue):
                paths.add(Path(value.path).resolve())
    return paths


def print_outputs(
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
    elsewhere = sorted(path for path in reported - listed if path.is_file())
    # a staged generation that was never published (its run failed or was stopped): the period
    # folder still shows the previous one, so these files are not outputs to open or send
    staged = [path for path in elsewhere if GENERATIONS in path.parts]
    if staged:
        lines.append(
            f"  not published: {len(staged)} file(s) of a run that did not finish; "
            "the previous outputs stand"
        )
    # documents an asset wrote somewhere other than the period folders
    lines += [f"  document   {path}" for path in elsewhere if GENERATIONS not in path.parts]
    for line in lines:
        say(landlord_id, line)
    return lines
