"""``complaints group``: the group report (every member beside the group's figures) and the
group measures CSV, read from the members' files under their writer locks."""

from __future__ import annotations

import argparse
import datetime as dt
from contextlib import ExitStack
from pathlib import Path

from pipeline import workspaces


def cmd_group(args: argparse.Namespace) -> int:
    from pipeline.config import landlord_key
    from pipeline.group_views import open_group
    from pipeline.periods import parse_period

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
