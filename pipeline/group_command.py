"""``complaints group``: the group report (every member beside the group's figures) and the
group measures CSV, read from the members' files under their writer locks."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import workspaces

if TYPE_CHECKING:
    from pipeline.group_views import MemberFileUnreadable


class _Written:
    """What the command has written so far, for the line that ends it early (a stop, an error)."""

    def __init__(self) -> None:
        self.paths: list[Path] = []
        self.writing: Path | None = None  # the file or folder being written, for its error
        self.finished = False  # everything the command was asked for is written

    def said(self) -> str:
        if not self.paths:
            return "Nothing was written: the group's files are as they were."
        return f"Written before that: {', '.join(str(path) for path in self.paths)}."


def cmd_group(args: argparse.Namespace) -> int:
    """``complaints group``; Ctrl-C or SIGTERM stop it as they stop ``complaints run`` (one line
    saying what was written, exit code 130 or 143), and an expected problem (a member without a
    file, a folder it cannot write, a member's file it cannot read) is one line, exit code 1."""
    from pipeline.stopping import (
        CommandStopped,
        catch_stop_signals,
        stop_if_requested,
        stop_requested,
    )

    written = _Written()
    try:
        with catch_stop_signals():
            try:
                code = _cmd_group(args, written)
                written.finished = code == 0
                stop_if_requested()  # one that came during the last write: said, not dropped
                return code
            except Exception as error:
                if stop_requested() is None:
                    raise
                # the stop's own doing (a Ctrl-C reaches the browser printing the PDF too)
                raise CommandStopped(stop_requested()) from error
    except CommandStopped as stopped:
        if written.finished:
            print(
                f"complaints group: stopped by {stopped.signal_name} as it finished: what it "
                "wrote (above) is whole.",
                flush=True,
            )
            return stopped.exit_code
        print(
            f"complaints group: stopped by {stopped.signal_name}. "
            + written.said().replace("Written before that", "Written before the stop")
            + " Run the same command again to finish.",
            flush=True,
        )
        return stopped.exit_code
    except Exception as error:  # noqa: BLE001 - each said in words, without a value it quoted
        print(
            f"complaints group: {_in_words(error, written)} {_said_short(written)}", file=sys.stderr
        )
        return 1


def _said_short(written: _Written) -> str:
    return "Nothing was written." if not written.paths else written.said()


def _in_words(error: Exception, written: _Written) -> str:
    import duckdb

    from pipeline.group_views import MemberFileUnreadable
    from pipeline.step_errors import said_safely

    if isinstance(error, _MemberMissing):
        return f"{error}; run that landlord first (complaints run), or leave it out."
    if isinstance(error, OSError) and error.errno is not None and written.writing is not None:
        cause = (error.strerror or type(error).__name__).lower()
        return (
            f"{written.writing} could not be written ({cause}): fix the folder's permissions "
            "or free space, then run the same command again."
        )
    if isinstance(error, MemberFileUnreadable):
        return _unreadable_in_words(error)
    if isinstance(error, duckdb.Error):
        return (
            f"the members' measures could not be read ({_reading_failure(error)}): a member's "
            "file (listed above) may be from an earlier version of the pipeline or damaged; run "
            "its landlord again (complaints run), then this command."
        )
    return f"{said_safely(error)}."


def _unreadable_in_words(error: MemberFileUnreadable) -> str:
    """Which member's file would not open, why in words, and what to do; DuckDB's own text is
    not quoted (it names its exception class and may quote what it read)."""
    said = str(error.cause)
    if "Could not set lock" in said or "Conflicting lock" in said:
        return (
            f"{error} because another program is writing it; wait until it has finished, then "
            "run the same command again."
        )
    if "version number" in said or "storage version" in said:
        why = "it was written by another version of DuckDB"
    elif "not a valid DuckDB database" in said:
        why = "it is not a DuckDB database: damaged, or another file put in its place"
    else:
        why = "it is damaged or cannot be read from the disk"
    return (
        f"{error}: {why}. Run that landlord again (complaints run) to rebuild it, or move the "
        "file out of the warehouse folder to leave that landlord out, then run this command again."
    )


def _reading_failure(error: Exception) -> str:
    """What went wrong reading the members' measures, by DuckDB's kind of error, without its
    text (it quotes column names and values from the files)."""
    import duckdb

    if isinstance(error, (duckdb.BinderException, duckdb.CatalogException)):
        return "a table or column the group report needs is missing from a member's file"
    if isinstance(error, (duckdb.ConversionException, duckdb.InvalidInputException)):
        return "a value in a member's file is not of the kind the group report expects"
    if isinstance(error, duckdb.IOException):
        return "a member's file could not be read from the disk"
    if isinstance(error, duckdb.OutOfMemoryException):
        return "there was not enough memory; close other programs or give fewer --landlord"
    return "DuckDB could not read them"


class _MemberMissing(Exception):
    """A member asked for (``--landlord``) has no warehouse file."""


def _cmd_group(args: argparse.Namespace, written: _Written) -> int:
    from pipeline.config import landlord_key
    from pipeline.group_views import open_group
    from pipeline.periods import parse_period
    from pipeline.stopping import stop_if_requested

    output_root = workspaces.resolved_folder(
        args.output or workspaces.output_root(), "output folder"
    )
    try:
        period = parse_period(args.period) if args.period else None
    except ValueError as exc:
        raise SystemExit(f"error: --period {args.period!r}: {exc}") from None
    # a member as landlord.yaml writes it ('Kestrel Vale') or as its files are named (kestrel_vale)
    members = list(dict.fromkeys(landlord_key(name) for name in args.landlord or []))
    with ExitStack() as held:
        _hold_member_locks(held, output_root, members)
        try:
            con = open_group(output_root, members or None)
        except FileNotFoundError as missing:
            raise _MemberMissing(str(missing)) from None
        stop_if_requested()
        return _group_command(con, output_root, period, args, written)


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
    from pipeline.stopping import stop_if_requested

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
                held.enter_context(
                    landlord_lock(lock, landlord_id, timeout, while_waiting=stop_if_requested)
                )
            except LandlordBusyError as still:
                raise SystemExit(f"error: {still}") from None


def _group_command(
    con, output_root: Path, period, args: argparse.Namespace, written: _Written
) -> int:
    from pipeline.stopping import stop_if_requested

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
            stop_if_requested()
            written.writing = target
            atomic_write_text(target, formula_safe(rows).write_csv())
            written.paths.append(target)
            print(f"written {target}")
        if args.csv and period is None:
            return 0
        stop_if_requested()
        return _group_report(con, output_root, period, args, written)
    finally:
        con.close()


def _group_report(
    con, output_root: Path, period, args: argparse.Namespace, written: _Written
) -> int:
    """Write the group report for ``period`` (default: the latest reporting year that has ended
    and that the members' measures cover)."""
    from pipeline.periods import parse_period
    from pipeline.reporting.group import GROUP_ID, render_group_report

    if period is None:
        latest = con.execute(
            "select max(period) from measures where period_kind = 'year' and period_end <= ?",
            [dt.date.today()],
        ).fetchall()[0][0]
        if latest is None:
            print("no member has the measures of a reporting year that has ended; give --period")
            return 1
        period = parse_period(latest)
    from pipeline.io import watch_writes, writing_into

    folder = workspaces.documents_dir(GROUP_ID, period.key, output_root)
    written.writing = folder
    # The report's files are written one after another: stopped or failing part way (a terminal's
    # Ctrl-C ends the browser printing the PDF too), the new HTML stood beside the old PDF while
    # the command said nothing was written. Each file written is noted as it is. A command killed
    # outright (kill -9) left its temporary files in the folder: writing_into removes them.
    with writing_into(folder), watch_writes(folder) as notes:
        try:
            paths = render_group_report(
                con, period, output_root, published=args.published, group_name=args.name
            )
        except ValueError as exc:
            print(f"error: {exc}")
            return 1
        finally:
            written.paths.extend(folder / name for name in sorted(notes))
    print(f"group report {period.label}: " + "  ".join(str(p) for p in paths.values()))
    return 0
