"""Retention: delete complaint data past the landlord's retention rule, keep published aggregates.

design.md section 9. Each landlord states its rule in ``landlord.yaml`` ``retention``:

- ``tenancy_end_plus_months`` (seed 000, Housing 21: "the life of the tenancy plus 12 months"): a
  complaint expires ``months`` calendar months after its ``tenancy_end_date``. While the tenancy
  runs (no end date recorded) the complaint is kept.
- ``closure_plus_years`` (the default when a landlord states none: six years, the Limitation Act
  period): a complaint expires ``years`` after its ``closed_date``. Open complaints are kept.

A complaint on ``legal_hold`` is never deleted ("Should the complaint link to an ongoing legal case
then we will retain the data in line with the Limitation Act", seed 000 s14.1).

What goes, in one transaction, all set-based: the expired complaints' rows in every persistent
table that carries ``complaint_id`` (``complaint``, ``complaint_stage``, ``complainant_survey``,
``promised_action`` and any derived table persisted later), the quarantine entries of those same
source rows; links are cut rather than deleted where the linking record belongs to someone else:
``ombudsman_case.complaint_id`` is set to null (the Ombudsman's case stays in the Ombudsman counts),
expired ids are removed from ``learning_action.linked_complaint_ids``. The ``measures`` table (the
published aggregates) is kept as it is.

What it logs: one ``retention_log`` row per table and action, and one JSON line per run, with the
rule, the date and counts only: no complaint ids, no personal data.

The raw exports are never modified (design.md section 3), so the next ingest loads expired
complaints again: retention must run after every ingest (the ``retention`` asset does), and the
landlord removes the data from its case system under its own policy.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipeline.config import ConfigError, Landlord
from pipeline.io import fsync_path
from pipeline.sql import rollback

__all__ = [
    "RETENTION_LOG_DDL",
    "RetentionResult",
    "apply_retention",
    "expiry_condition",
    "rewrite_database",
]

RETENTION_LOG_DDL = """
create table if not exists retention_log (
    run_at timestamp not null,              -- when the retention job ran (UTC)
    landlord_id varchar not null,
    applied_on date not null,               -- the date the rule was judged at
    rule varchar not null,                  -- tenancy_end_plus_months | closure_plus_years
    retention_period varchar not null,      -- e.g. '12 months after tenancy_end_date'
    table_name varchar not null,
    action varchar not null,                -- deleted | unlinked | kept_on_legal_hold
    row_count integer not null              -- counts only: never ids or personal data
)
"""

# Tables never touched: the published aggregates and the audit log itself.
KEPT_TABLES = frozenset({"measures", "retention_log"})
# Records owned by another body or process: the link to the complaint is cut, the record stays.
UNLINK_TABLES = frozenset({"ombudsman_case"})
LIST_LINKS = {"learning_action": "linked_complaint_ids"}


@dataclass(frozen=True)
class RetentionResult:
    """What one retention run removed (counts only).

    Attributes
    ----------
    landlord_id, applied_on, rule, retention_period
        Whose data, at which date, under which rule (``retention_period`` in words).
    complaints_expired
        Complaints deleted.
    complaints_on_legal_hold
        Complaints past the rule but kept because they are on legal hold.
    deleted
        Rows deleted per table (zero counts included).
    unlinked
        Rows whose link to an expired complaint was cut, per table.
    log_path
        The JSON-lines audit file appended to, when one was given.
    """

    landlord_id: str
    applied_on: dt.date
    rule: str
    retention_period: str
    complaints_expired: int
    complaints_on_legal_hold: int
    deleted: dict[str, int] = field(default_factory=dict)
    unlinked: dict[str, int] = field(default_factory=dict)
    log_path: Path | None = None

    @property
    def rows_deleted(self) -> int:
        return sum(self.deleted.values())

    def log_record(self, run_at: dt.datetime) -> dict:
        """The JSON audit record: rule, date and counts, nothing that identifies anyone."""
        return {
            "run_at": run_at.isoformat(timespec="seconds"),
            "landlord_id": self.landlord_id,
            "applied_on": self.applied_on.isoformat(),
            "rule": self.rule,
            "retention_period": self.retention_period,
            "complaints_expired": self.complaints_expired,
            "complaints_on_legal_hold": self.complaints_on_legal_hold,
            "deleted": self.deleted,
            "unlinked": self.unlinked,
        }


def expiry_condition(landlord: Landlord) -> tuple[str, str]:
    """SQL condition (over ``complaint``, binding ``$today``) for "past retention", and its words.

    Raises
    ------
    ConfigError
        The rule lacks its number (``months`` for tenancy_end_plus_months, ``years`` otherwise).
    """
    rule = landlord.retention
    if rule.rule == "tenancy_end_plus_months":
        if rule.months is None or rule.months < 0:
            raise ConfigError(
                f"landlord.yaml ({landlord.landlord_id}): retention rule tenancy_end_plus_months "
                "needs months: a whole number of months, e.g. 12"
            )
        # Date + months clamps to the month end (31 Jan + 1 month = 28/29 Feb), as people count.
        return (
            f"tenancy_end_date is not null and "
            f"cast(tenancy_end_date + to_months({int(rule.months)}) as date) < $today",
            f"{rule.months} months after tenancy_end_date",
        )
    if rule.years is None or rule.years < 0:
        raise ConfigError(
            f"landlord.yaml ({landlord.landlord_id}): retention rule closure_plus_years needs "
            "years: a whole number of years, e.g. 6 (the Limitation Act period)"
        )
    return (
        f"closed_date is not null and cast(closed_date + to_years({int(rule.years)}) as date) < $today",
        f"{rule.years} years after closed_date",
    )


def _tables_with(con: duckdb.DuckDBPyConnection, column: str) -> list[str]:
    """Persistent tables of the main schema having ``column`` (and landlord_id), sorted."""
    rows = con.execute(
        """
        select table_name from duckdb_columns()
        where schema_name = 'main' and not internal and database_name = current_database()
          and column_name in ($column, 'landlord_id')
          and table_name in (select table_name from duckdb_tables()
                             where schema_name = 'main' and not temporary
                               and database_name = current_database())
        group by table_name having count(distinct column_name) = 2
        order by table_name
        """,
        {"column": column},
    ).fetchall()
    return [r[0] for r in rows]


def _has_source_rows(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return (
        con.execute(
            "select count(*) from duckdb_columns() where schema_name = 'main' and table_name = $t "
            "and database_name = current_database() and column_name in ('source_file', 'source_row')",
            {"t": table},
        ).fetchone()[0]
        == 2
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _append_line(path: Path, record: dict) -> None:
    """Append one JSON line durably (one write of a whole line, then fsync)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(record, sort_keys=True) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def apply_retention(
    con: duckdb.DuckDBPyConnection,
    landlord: Landlord,
    today: dt.date,
    *,
    log_path: Path | None = None,
) -> RetentionResult:
    """Delete the landlord's complaints past its retention rule, unless on legal hold.

    Parameters
    ----------
    con
        Read-write connection to the landlord's DuckDB file (canonical tables loaded).
    landlord
        The validated landlord.yaml (``retention`` holds the rule).
    today
        The date the rule is judged at: a complaint expires when its retention period ended
        before this date.
    log_path
        JSON-lines audit file to append this run's record to (e.g.
        ``<output_root>/<landlord>/retention_log.jsonl``); None = the ``retention_log`` table only.

    Returns
    -------
    RetentionResult
        Counts per table; ``retention_log`` holds the same counts.

    Raises
    ------
    ConfigError
        The retention rule is incomplete.
    """
    condition, period = expiry_condition(landlord)
    landlord_id = landlord.landlord_id
    params = {"landlord_id": landlord_id, "today": today}
    run_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.execute(RETENTION_LOG_DDL)
    has_complaints = "complaint" in _tables_with(con, "complaint_id")
    deleted: dict[str, int] = {}
    unlinked: dict[str, int] = {}
    con.begin()
    try:
        if has_complaints:
            con.execute(
                "create or replace temp table _expired as select complaint_id, legal_hold "  # noqa: S608
                f"from complaint where landlord_id = $landlord_id and ({condition})",
                params,
            )
        else:
            con.execute(
                "create or replace temp table _expired (complaint_id varchar, legal_hold boolean)"
            )
        held = con.execute("select count(*) from _expired where legal_hold").fetchone()[0]
        con.execute("delete from _expired where legal_hold")
        expired = con.execute("select count(*) from _expired").fetchone()[0]

        tables = [t for t in _tables_with(con, "complaint_id") if t not in KEPT_TABLES]
        deleting = [t for t in tables if t not in UNLINK_TABLES]
        # Remember which source rows go, so their quarantine entries go with them.
        con.execute("create or replace temp table _gone (source_file varchar, source_row integer)")
        for table in deleting:
            if _has_source_rows(con, table):
                con.execute(
                    f"insert into _gone select source_file, source_row from {_quote(table)} "  # noqa: S608
                    "where landlord_id = $landlord_id "
                    "and complaint_id in (select complaint_id from _expired)",
                    {"landlord_id": landlord_id},
                )
        # Children first, the complaint itself last (a foreign key added later would need it).
        for table in sorted(deleting, key=lambda t: t == "complaint"):
            count = con.execute(
                f"delete from {_quote(table)} where landlord_id = $landlord_id "  # noqa: S608
                "and complaint_id in (select complaint_id from _expired)",
                {"landlord_id": landlord_id},
            ).fetchone()[0]
            deleted[table] = int(count)
        if "quarantine" in _tables_with(con, "source_row"):
            count = con.execute(
                "delete from quarantine q where landlord_id = $landlord_id and exists "
                "(select 1 from _gone g where g.source_file = q.source_file "
                "and g.source_row = q.source_row)",
                {"landlord_id": landlord_id},
            ).fetchone()[0]
            deleted["quarantine"] = int(count)
        for table in sorted(set(tables) & UNLINK_TABLES):
            count = con.execute(
                f"update {_quote(table)} set complaint_id = null where landlord_id = $landlord_id "  # noqa: S608
                "and complaint_id in (select complaint_id from _expired)",
                {"landlord_id": landlord_id},
            ).fetchone()[0]
            unlinked[table] = int(count)
        for table, column in LIST_LINKS.items():
            if table not in _tables_with(con, column):
                continue
            col = _quote(column)
            count = con.execute(
                f"""
                update {_quote(table)}
                set {col} = list_filter({col}, lambda id: not list_contains(e.ids, id))
                from (select coalesce(list(complaint_id), []) as ids from _expired) as e
                where landlord_id = $landlord_id and list_has_any({col}, e.ids)
                """,  # noqa: S608
                {"landlord_id": landlord_id},
            ).fetchone()[0]
            unlinked[table] = int(count)

        log_rows = [
            *[(t, "deleted", n) for t, n in deleted.items()],
            *[(t, "unlinked", n) for t, n in unlinked.items()],
            ("complaint", "kept_on_legal_hold", int(held)),
        ]
        con.executemany(
            "insert into retention_log values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (run_at, landlord_id, today, landlord.retention.rule, period, t, action, n)
                for t, action, n in log_rows
            ],
        )
        con.execute("drop table _expired")
        con.execute("drop table _gone")
        con.commit()
    except BaseException:
        rollback(con)
        raise
    # Deleted rows are gone from the tables but their bytes stay in the file's free blocks until
    # the file is rewritten: the caller closes this connection and calls rewrite_database.
    con.execute("checkpoint")
    result = RetentionResult(
        landlord_id=landlord_id,
        applied_on=today,
        rule=landlord.retention.rule,
        retention_period=period,
        complaints_expired=int(expired),
        complaints_on_legal_hold=int(held),
        deleted=deleted,
        unlinked=unlinked,
        log_path=Path(log_path) if log_path is not None else None,
    )
    if log_path is not None:
        _append_line(Path(log_path), result.log_record(run_at))
    return result


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def rewrite_database(path: Path) -> Path:
    """Copy the DuckDB file at ``path`` into a new file and swap it in, so nothing deleted is left.

    DuckDB deletes rows by marking them and reuses the freed blocks later; until then the purged
    complaints are still in the file's bytes. ``COPY FROM DATABASE`` writes only the live rows
    (tables, views, sequences, macros) into a fresh file, which replaces the old one with one
    atomic rename: a kill at any moment leaves the old file or the new one, whole (a copy left
    half-written by a kill is removed by the next rewrite). The old file's name is gone after the
    rename; the filesystem frees its blocks (secure erasure of the disk itself is the host's).

    Call it with no connection open on ``path`` and the landlord's writer lock held.

    Returns
    -------
    Path
        ``path``, rewritten.
    """
    path = Path(path)
    prefix = f".{path.name}.rewrite-"
    for stale in path.parent.glob(f"{prefix}*"):
        stale.unlink(missing_ok=True)
    fresh = path.with_name(f"{prefix}{os.getpid()}.duckdb")
    wal = path.with_name(path.name + ".wal")
    if wal.exists():  # fold the old file's log into it first: no WAL may outlive the swap
        duckdb.connect(str(path)).execute("checkpoint").close()
        if wal.exists():
            raise RuntimeError(f"{path}: its write-ahead log could not be checkpointed")
    con = duckdb.connect()
    try:
        con.execute(f"attach {_sql_string(str(path))} as old_db (read_only)")
        con.execute(f"attach {_sql_string(str(fresh))} as fresh_db")
        con.execute("copy from database old_db to fresh_db")
        con.execute("checkpoint fresh_db")
        con.execute("detach fresh_db")
        con.execute("detach old_db")
    except BaseException:
        con.close()
        for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
            leftover.unlink(missing_ok=True)
        raise
    con.close()
    fresh_wal = fresh.with_name(fresh.name + ".wal")
    if fresh_wal.exists():  # everything must be in the file itself before the swap
        raise RuntimeError(f"{fresh}: the copy was not checkpointed; {path} left as it was")
    fsync_path(fresh)
    os.replace(fresh, path)
    fsync_path(path.parent)
    return path
