"""``complaints rsh add <workbook> [--year 2023-24]`` and ``complaints rsh list`` (docs/rsh.md)."""

from __future__ import annotations

import argparse
import errno
import sys
from pathlib import Path


def cmd_add(args: argparse.Namespace) -> int:
    """``complaints rsh add``; Ctrl-C or SIGTERM stop it as they stop ``complaints run``: one line
    that says which edition was left in place, exit code 130 or 143 (:mod:`pipeline.stopping`)."""
    from pipeline.stopping import CommandStopped, catch_stop_signals

    try:
        with catch_stop_signals():
            return _add(args)
    except CommandStopped as stopped:  # before the new edition was written (_check_stop)
        target = getattr(stopped, "target", None)  # set by _check_stop, its only source
        if target is None:
            kept = "the editions there are as they were"
        elif (target / "edition.json").is_file():
            kept = f"the {_label(target)} edition there is as it was ({target})"
        else:
            kept = f"no {_label(target)} edition was added"
        print(
            f"complaints rsh add: stopped by {stopped.signal_name} before the new edition was "
            f"written: {kept}. Run the same command again to add it.",
            flush=True,
        )
        return stopped.exit_code


def _what_to_do(error: OSError) -> str:
    """What a user does about the data folder that refused the edition."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS):
        return "free space or fix the folder's permissions (or give another --out)"
    # a folder that cannot be made: its parent missing and not makeable, or a file in the way
    return "check that --out names a folder that can be made there"


def _label(target: Path) -> str:
    from pipeline.periods import ReportingYear

    return ReportingYear.parse(target.name).label


def _check_stop(target: Path) -> None:
    """Stop, with nothing written, if Ctrl-C or SIGTERM came while the workbook was read; the
    edition's folder goes with the stop, for the message."""
    from pipeline.stopping import CommandStopped, stop_if_requested

    try:
        stop_if_requested()
    except CommandStopped as stopped:
        stopped.target = target
        raise


def _say_stopped_after_publish(meta: dict) -> int | None:
    """The exit code and the line of a stop that came while the new edition was put in place
    (the swap is not interrupted: the edition is whole, old or new); None when not stopped."""
    from pipeline.stopping import CommandStopped, stop_requested

    number = stop_requested()
    if number is None:
        return None
    stopped = CommandStopped(number)
    replaced = meta.get("replaced")
    print(
        f"complaints rsh add: stopped by {stopped.signal_name} after the new edition was put in "
        f"place: the {meta['label']} edition extracted from {meta['workbook']['name']} is in "
        f"place in {meta['folder']}"
        + (
            f" (the one from {replaced.get('name')} it replaced is not kept: add that workbook "
            "again to go back)."
            if replaced and replaced.get("sha256") != meta["workbook"]["sha256"]
            else "."
        ),
        flush=True,
    )
    return stopped.exit_code


def _add(args: argparse.Namespace) -> int:
    from pipeline.rsh.extract import extract, parse_markers
    from pipeline.rsh.workbook import WorkbookError

    try:  # before the workbook is read: a wrong --marker is not the workbook's fault
        parse_markers(args.marker or [])
    except WorkbookError as error:
        print(f"complaints rsh add: {error}; nothing was written", file=sys.stderr)
        return 1
    try:
        meta = extract(
            args.workbook, args.year, args.out, args.marker or None, before_publish=_check_stop
        )
    except WorkbookError as error:
        said = str(error)
        if args.workbook.name not in said:  # a sheet's or a field's message: say which file
            said = f"{args.workbook.name}: {said}"
        print(f"complaints rsh add: {said}; nothing was written", file=sys.stderr)
        return 1
    except OSError as error:  # the data folder full or read-only: it printed a traceback
        from pipeline.rsh.editions import rsh_root

        cause = (error.strerror or type(error).__name__).lower()
        print(
            f"complaints rsh add: the edition could not be written to {args.out or rsh_root()} "
            f"({cause}): {_what_to_do(error)}, then run it again; the editions there are as "
            "they were",
            file=sys.stderr,
        )
        return 1
    stopped = _say_stopped_after_publish(meta)
    if stopped is not None:
        return stopped
    folder = Path(meta["folder"])
    print(f"RSH TSM {meta['label']} extracted from {meta['workbook']['name']} to {folder}")
    for note in meta.get("year_overrides", []):
        print(f"  note: {note}")
    replaced = meta.get("replaced")
    if replaced and replaced.get("sha256") == meta["workbook"]["sha256"]:
        print(f"  the {meta['label']} edition there was extracted from this same workbook")
    elif replaced:
        print(
            f"  replaces the {meta['label']} edition extracted from {replaced.get('name')} "
            f"(SHA-256 {str(replaced.get('sha256'))[:12]}..., {replaced.get('release') or 'no release line'})"
        )
    for name, count in meta["rows"].items():
        print(f"  {name}: {count} rows")
    print(f"  blank inputs printed as: {meta['blank_input']['marker'] or 'empty cells'}")
    for sheet, count in meta.get("codes_written_otherwise", {}).items():
        print(
            f"  '{sheet}': {count} landlord code(s) written otherwise (a leading L or zeros) read "
            "as the other sheets write them (the same landlord name)"
        )
    for text, marker in meta.get("markers_given", {}).items():
        print(f"  '{text}' read as {marker} (--marker)")
    if meta["absent_fields"]:
        print(f"  fields this edition does not have: {', '.join(meta['absent_fields'])}")
    swapped = sum(meta["dictionary"]["rows_swapped_back"].values())
    if swapped:
        print(
            f"  Data Dictionary rows with datapoint and question reference swapped back: {swapped}"
        )
    for measure, how in meta.get("rescaled", {}).items():
        print(
            f"  {measure} published on another scale, read times {how['factor']}: {how['evidence']}"
        )
    for measure, stocks in meta.get("rounded", {}).items():
        print(
            f"  {measure} ({', '.join(stocks)}) stored unrounded, read at 1 decimal place as the "
            "RSH publishes it"
        )
    whole = sorted(
        f"{measure} {stock}"
        for measure, stocks in meta["published_decimals"].items()
        for stock, places in stocks.items()
        if places == 0
    )
    if whole:
        print(f"  published as whole numbers: {', '.join(whole)}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from pipeline.rsh.editions import EditionError, available_years, edition, rsh_root

    try:
        years = available_years()
    except EditionError as error:
        print(f"complaints rsh list: {error}", file=sys.stderr)
        return 1
    print(f"RSH data folder: {rsh_root()}")
    if not years:
        print("  no edition extracted; add one with 'complaints rsh add <workbook>'")
    for year in years:
        found = edition(year)
        meta = found.meta
        print(
            f"  {found.label}: {meta['workbook']['name']}, {meta['rows']['landlords']} landlords"
            + (f"; without {', '.join(meta['absent_fields'])}" if meta["absent_fields"] else "")
        )
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``rsh`` command and its ``add`` / ``list`` subcommands to the CLI."""
    rsh = sub.add_parser("rsh", help="add or list the RSH TSM full-data editions (benchmarks)")
    commands = rsh.add_subparsers(dest="rsh_command", required=True)
    add = commands.add_parser(
        "add",
        help="extract an edition of the RSH TSM full-data workbook to data/rsh/<year>/",
        description="Extract an edition of the RSH TSM full-data workbook (any year) to "
        "data/rsh/<year>/: all files or none. See docs/rsh.md.",
    )
    add.add_argument("workbook", type=Path, help="the RSH's .xlsx, e.g. 2025_TSM_Full_Data.xlsx")
    add.add_argument(
        "--year",
        help="reporting year, e.g. 2023-24 (default: from the sheet names, else the workbook's "
        "title or file name; given, it decides over the title and the file name)",
    )
    add.add_argument(
        "--out", type=Path, help="data folder (default data/rsh or $COMPLAINTS_RSH_DATA)"
    )
    add.add_argument(
        "--marker",
        action="append",
        metavar="TEXT=MARKER",
        help="text the edition uses as a marker and the RSH marker it means, from the edition's "
        "notes, e.g. --marker 'N/A=[Z]' (repeatable)",
    )
    add.set_defaults(func=cmd_add)
    listing = commands.add_parser("list", help="list the extracted editions")
    listing.set_defaults(func=cmd_list)


def main(argv: list[str] | None = None) -> int:
    """``python -m pipeline.rsh.cli rsh add <workbook>``: the same as ``complaints rsh ...``."""
    parser = argparse.ArgumentParser(prog="complaints")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def console() -> None:
    """``python -m pipeline.rsh.cli``, as the ``complaints`` command runs: a SIGTERM before
    ``rsh add`` catches stops itself (its libraries loading, its arguments read) is said in one
    line with exit code 143 (:func:`pipeline.cli.console`); it used to end the command silently."""
    from pipeline.stopping import stop_from_the_start

    stop_from_the_start()  # before pipeline.cli and its libraries load
    from pipeline.cli import console as complaints_console

    complaints_console(main)


if __name__ == "__main__":
    console()
