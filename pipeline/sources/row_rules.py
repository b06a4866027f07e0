"""Rules over several rows of a load, recorded in ``_issues`` (one row per quarantined source
row): rows clashing on one complaint or Ombudsman case, and a date column written month first
under a day-first mapping, or day first under a month-first one (which stops the load)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from pipeline.sources.errors import IngestError
from pipeline.sources.fields import (
    CLASH_ROWS,
    ISSUE_COLUMNS,
    row_issue_select,
    totals_row_condition,
)
from pipeline.sql import ident, lit

if TYPE_CHECKING:
    from pipeline.ingest import _Planned

__all__ = [
    "MONTH_FIRST_MIN",
    "drop_shadowed_issues",
    "find_case_rows",
    "find_conflicts",
    "insert_issues",
    "refuse_month_first_dates",
]


# A numeric date's first two parts ('05/14/2024' -> 5, 14), whatever the separator.
_DATE_PARTS = r"^(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}\b"
# Fewer dates than this that can only be month first never stop a file (a few typos)
MONTH_FIRST_MIN = 5


def _unread(column_name: str) -> str:
    """SQL true for a row of ``_frame f`` whose cell of that column is ``date_unparseable``."""
    same_row = "i.__file = f.__file and i.__row = f.__row and i.rule = 'date_unparseable'"
    return (
        f"exists (select 1 from _issues i where {same_row} and i.column_name = {lit(column_name)})"  # noqa: S608
    )


def _order(fmt: str) -> str | None:
    """'day' or 'month': which of %d and %m a date format puts first (None without both)."""
    if "%d" in fmt and "%m" in fmt:
        return "day" if fmt.index("%d") < fmt.index("%m") else "month"
    return None


def refuse_month_first_dates(con: duckdb.DuckDBPyConnection, planned: _Planned) -> None:
    """Stop a file one of whose date columns writes dates in the other order than the mapping
    reads them: month first ('05/14/2024') under day-first formats, or day first
    ('14/05/2024 14:05') under month-first ones (a US habit in a mapping for a UK export). At
    least :data:`MONTH_FIRST_MIN` of its dates have more than 12 in the place the mapping reads
    as the month and none has more than 12 in the place it reads as the day.

    Such a column's dates after the 12th of a month are quarantined and those up to the 12th
    load with day and month swapped (5 March read as 3 May) without a word while the file's
    quarantined share stays under ``stop_quarantine_pct``. A mapping listing formats of both
    orders is not judged, nor a column none of whose dates the formats read (another separator:
    every date is quarantined, and the quarantine_share check says to check the formats).
    """
    formats = planned.mapping.date_formats
    orders = {_order(f) for f in formats} - {None}
    if len(orders) != 1:
        return
    (mapped,) = orders
    written = "month" if mapped == "day" else "day"
    read_as = [f for f in formats if _order(f) == mapped]
    names = {
        plan.source_name: plan.source
        for record in planned.records
        for plan in record.fields.values()
        if plan.source is not None
        and plan.column.kind == "date"
        # a column with date_formats of its own is read as the analyst said, not judged here
        and not (plan.spec is not None and plan.spec.date_formats)
    }
    if not names:
        return
    # Only a column with that many dates the mapping could not read is looked at (a clean file
    # costs one aggregate over its issues, not a scan of its cells).
    suspects = con.execute(
        "select distinct column_name from _issues where rule = 'date_unparseable' "
        "and list_contains($files, __file) and list_contains($names, column_name) "
        "group by __file, column_name having count(distinct __row) >= $n order by 1",
        {
            "files": [f.source_file for f in planned.frames],
            "names": list(names),
            "n": MONTH_FIRST_MIN,
        },
    ).fetchall()
    columns = {names[name]: name for (name,) in suspects}
    if not columns:
        return
    parts = ", ".join(
        f"try_cast(regexp_extract({ident(a)}, {lit(_DATE_PARTS)}, 1) as integer) as {ident(a + '__1')}, "
        f"try_cast(regexp_extract({ident(a)}, {lit(_DATE_PARTS)}, 2) as integer) as {ident(a + '__2')}, "
        f"{_unread(name)} as {ident(a + '__bad')}"
        for a, name in columns.items()
    )
    # (the mapping's day place, its month place): a date with more than 12 in the month place
    # can only be written the other way; one with more than 12 in the day place, the mapping's
    day, month = ("__1", "__2") if mapped == "day" else ("__2", "__1")
    counts = ", ".join(
        f"count(*) filter ({ident(a + day)} <= 12 and {ident(a + month)} between 13 and 31), "
        f"count(*) filter ({ident(a + day)} between 13 and 31 and {ident(a + month)} <= 12), "
        f"min(__row) filter ({ident(a + day)} <= 12 and {ident(a + month)} between 13 and 31), "
        # dates either order reads (3/4) that the mapping did read: none, and the formats do not
        # fit the column at all (another separator), which is no question of order
        f"count(*) filter ({ident(a + '__1')} <= 12 and {ident(a + '__2')} <= 12 "
        f"and not {ident(a + '__bad')})"
        for a in columns
    )
    rows = con.execute(
        f"select __file, {counts} from (select __file, __row, {parts} from _frame f) "  # noqa: S608
        "group by __file order by __file"
    ).fetchall()
    place = "second" if written == "month" else "first"
    other = "first" if place == "second" else "second"
    for file, *found in rows:
        for name, at in zip(columns.values(), range(0, len(found), 4), strict=True):
            other_way, mapping_way, first_row, read = found[at : at + 4]
            if other_way >= MONTH_FIRST_MIN and not mapping_way and read:
                swapped = read_as[-1].replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")
                raise IngestError(
                    f"{file}: column '{name}' writes its dates {written} first: {other_way:,} of "
                    f"them (the first on row {first_row}) have more than 12 in the {place} place "
                    f"and none has more than 12 in the {other}, but the mapping reads them "
                    f"{mapped} first ('{read_as[-1]}'). Read that way, its dates up to the 12th "
                    "of a month would load with day and month swapped and the rest be "
                    f"quarantined; give the mapping date_formats: ['{swapped}'] instead (a "
                    f"mapping of its own if its other files write dates {mapped} first), or "
                    f"export the dates {mapped} first"
                )


def insert_issues(con: duckdb.DuckDBPyConnection, selects: list[str]) -> None:
    if selects:
        columns = ", ".join(ISSUE_COLUMNS)
        con.execute(f"insert into _issues ({columns}) " + " union all ".join(selects))


def find_conflicts(con: duckdb.DuckDBPyConnection) -> None:
    """Two different rows for one complaint (and stage): all go, never silently picked.

    Within one file the rule is ``conflicting_rows``; across files ``duplicate_id_across_files``.
    A wide row (stage key 0) carries every stage, so it clashes with any row of its complaint.
    """
    text_conflict = "conflicting_rows: another row in this file has the same complaint (and stage) with different values; none of them is loaded"
    text_across = "duplicate_id_across_files: the same complaint (and stage) is in another file with different values; none of them is loaded"
    con.execute(
        f"""
        insert into _issues
        with multi as (
            select * from (select *, count(*) over (partition by complaint_id) as n from _keys)
            where n > 1
        ),
        clashes as (
            select a.complaint_id, a.__file, a.__row, bool_or(a.__file <> b.__file) as across
            from multi a join multi b
              on a.complaint_id = b.complaint_id
             and (a.stage_key = b.stage_key or a.stage_key = 0 or b.stage_key = 0)
             and not (a.__file = b.__file and a.__row = b.__row)
            group by all
        ),
        -- every row of the complaint that clashes, named by file and row (never by the
        -- complaint's reference): the analyst finds them, and the data-quality report counts
        -- the complaint once, not once per row
        grouped as (
            select *, array_to_string(list_sort(list(__file || ' row ' || cast(__row as varchar))
                       over (partition by complaint_id)), '; ') as complaint_rows
            from clashes
        )
        select __file, __row, '*', 'complaint', null,
               case when across then 'duplicate_id_across_files' else 'conflicting_rows' end,
               (case when across then '{text_across}' else '{text_conflict}' end)
                   || ' ({CLASH_ROWS}' || complaint_rows || ')',
               null
        from grouped
        """  # noqa: S608
    )


def totals_row_issue(typed: str, mapping, names: dict[str, str]) -> str:
    """A ``select`` of the ``totals_row`` issue of a mapping without ``footer``: its file's
    last data row, already flagged, whose mapped reference cell begins as a totals line does
    (:func:`pipeline.sources.fields.totals_row_condition`). The handler's reference is no
    record's, so it is not read."""
    from pipeline.sources.canonical import ID_FIELDS

    aliases = [
        names[spec.column]
        for field, spec in mapping.columns.items()
        if field in ID_FIELDS and field != "handler_ref" and spec.column in names
    ]
    return row_issue_select(
        "_bad", totals_row_condition(typed, aliases), "totals_row", mapping.target
    )


# Rules that say all there is to say about a row, in order: a row breaking one keeps only it.
_WHOLE_ROW_RULES = ("wrong_cell_count", "repeated_header", "totals_row")


def drop_shadowed_issues(con: duckdb.DuckDBPyConnection) -> None:
    """Keep only ``wrong_cell_count`` for a row that breaks it: its cells are in the wrong
    columns, so what the other rules found there is noise (one quarantine row per such row).
    Likewise ``repeated_header``: a header's names are no dates or codes, and said so, one by
    one, they hid what the row is."""
    for rule in _WHOLE_ROW_RULES:
        con.execute(
            "delete from _issues where rule <> $rule and (__file, __row) in "
            "(select __file, __row from _issues where rule = $rule)",
            {"rule": rule},
        )


_CASE_DIFFERS = (
    "{rule}: another row{where} has the same Ombudsman case with a different referral, "
    "determination, body or complaint; none of them is loaded"
)
_CASE_REPEATED = (
    "duplicate_row: the Ombudsman case of an earlier row again, with no finding of its own; the "
    "case is loaded from the earlier row"
)


def find_case_rows(con: duckdb.DuckDBPyConnection, planned: _Planned) -> None:
    """An Ombudsman case on several rows of its mapping (a tracker of one row per finding) is
    one case, loaded from its first row (``pipeline.ingest._insert_records``), each row's finding with it.
    Rows disagreeing on the case's own fields all go (``conflicting_rows``, or
    ``duplicate_id_across_files``), never one silently picked; a later row with no finding adds
    nothing and is a ``duplicate_row``. Before, each row was a case: a case with two findings
    was two referrals and two determinations."""
    case = planned.records[0]
    ref = case.col("case_ref")
    details = ", ".join(case.col(name) for name in case.fields if name != "case_ref")
    finding = next((r.exists for r in planned.records if r.name == "finding"), "false")
    differs = {
        rule: _CASE_DIFFERS.format(rule=rule, where=where)
        for rule, where in (
            ("conflicting_rows", " in this file"),
            ("duplicate_id_across_files", " in another file"),
        )
    }
    con.execute(
        f"""
        insert into _issues
        with case_rows as (
            select __file, __row, {ref} as ref, row({details}) as details,
                   ({finding}) as has_finding,
                   row_number() over (partition by {ref} order by __file, __row) as n
            from {planned.typed} t
            where ({case.exists}) and {ref} is not null
              and not exists (select 1 from _issues i where i.__file = t.__file
                              and i.__row = t.__row and i.record in ({lit(case.name)}, '*'))
        ),
        shared as (
            select ref, count(distinct details) > 1 as differ, count(distinct __file) > 1 as across
            from case_rows group by ref having count(*) > 1
        )
        select r.__file, r.__row, '*', 'ombudsman_case', null,
               case when not s.differ then 'duplicate_row'
                    when s.across then 'duplicate_id_across_files' else 'conflicting_rows' end,
               case when not s.differ then {lit(_CASE_REPEATED)}
                    when s.across then {lit(differs["duplicate_id_across_files"])}
                    else {lit(differs["conflicting_rows"])} end,
               null
        from case_rows r join shared s using (ref)
        where s.differ or (r.n > 1 and not r.has_finding)
        """  # noqa: S608
    )
