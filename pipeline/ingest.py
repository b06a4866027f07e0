"""Ingest a landlord workspace into the canonical DuckDB tables, every row accounted for.

:func:`ingest_workspace` reads each file every mapping matches (one file at a time), types and
checks all rows of a mapping with set-based SQL (:mod:`pipeline.sources.fields`), then in one
transaction replaces the landlord's rows in every canonical table, ``quarantine`` and
``ingest_file``. Per file, ``rows_in = rows_loaded + rows_quarantined``: loaded and quarantined
are counted back from the tables just written, so a row lost anywhere on the way shows up as a
reconciliation failure instead of disappearing.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

from pipeline.config import Landlord
from pipeline.mapping import Mapping, load_mappings
from pipeline.sources import generic, long, routing, wide
from pipeline.sources.canonical import LABEL_FIELDS, TARGET_TABLES, create_canonical_tables
from pipeline.sources.discovery import (
    matched_files,
    refuse_missing_complaint_export,
    unread_files,
)
from pipeline.sources.errors import IngestError
from pipeline.sources.fields import (
    Context,
    RecordPlan,
    any_issue_condition,
    cell_count_issue_select,
    insert_sql,
    issue_selects,
    label_unknown_sql,
    repeated_header_condition,
    row_issue_select,
    typed_columns,
)
from pipeline.sources.frames import SourceFrame, read_source
from pipeline.sources.header_rows import refuse_reordered_header
from pipeline.sources.publications import load_publications
from pipeline.sources.row_rules import (
    drop_shadowed_issues,
    find_case_rows,
    find_conflicts,
    insert_issues,
    refuse_month_first_dates,
    totals_row_issue,
)
from pipeline.sources.schemes import merge_scheme_spellings
from pipeline.sources.screen import (
    SCREENED_COLUMNS,
    is_screened_text,
    safe_raw_sql,
    screen_flags_sql,
    screened_flag_sql,
)
from pipeline.sources.weights import implausible_weights, missing_weight_selects
from pipeline.sql import ident, lit, rollback

__all__ = ["FileCount", "IngestError", "IngestSummary", "ingest_workspace", "LOADED_TABLES"]

log = logging.getLogger(__name__)

# Tables holding source rows (with source_file/source_row): what "loaded" is counted from.
LOADED_TABLES = ("complaint", "complaint_stage", *[t for t in TARGET_TABLES if t != "complaint"])
LANDLORD_TABLES = (
    *LOADED_TABLES,
    "stock",
    "ombudsman_publication",
    "quarantine",
    "label_other",
    "ingest_file",
)


@dataclass(frozen=True)
class FileCount:
    """One input file's line in the reconciliation ledger (``ingest_file``)."""

    source_file: str
    mapping: str
    sha256: str
    rows_in: int
    rows_loaded: int
    rows_quarantined: int

    @property
    def reconciles(self) -> bool:
        return self.rows_in == self.rows_loaded + self.rows_quarantined


@dataclass
class IngestSummary:
    """What one ingest did: per-file counts, rows per table, quarantine by rule."""

    landlord_id: str
    files: list[FileCount]
    table_rows: dict[str, int] = field(default_factory=dict)
    quarantine_by_rule: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    unread_files: list[str] = field(default_factory=list)

    @property
    def reconciles(self) -> bool:
        """True when every file has rows in = rows loaded + rows quarantined."""
        return all(f.reconciles for f in self.files)

    @property
    def rows_in(self) -> int:
        return sum(f.rows_in for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)

    def markdown(self) -> str:
        """The per-file ledger as a markdown table (asset metadata, data-quality report)."""
        lines = [
            "| file | mapping | rows in | loaded | quarantined | reconciles |",
            "|---|---|---:|---:|---:|---|",
        ]
        for f in self.files:
            mark = "yes" if f.reconciles else "**NO**"
            lines.append(
                f"| {f.source_file} | {f.mapping} | {f.rows_in:,} | {f.rows_loaded:,} | "
                f"{f.rows_quarantined:,} | {mark} |"
            )
        return "\n".join(lines)


@dataclass
class _Planned:
    """One mapping's files, typed table and record plans while the load is staged."""

    name: str
    mapping: Mapping
    frames: list[SourceFrame]
    typed: str
    records: list[RecordPlan]
    stage: RecordPlan | None = None  # long shape
    complaint: RecordPlan | None = None  # long shape
    lead: str = ""  # long shape: the table of lead rows, each complaint's own row


# What DuckDB's trim() strips: the Unicode space separators (category Zs), not tabs or newlines.
# Trimming in Polars (parallel over columns) costs half what trim() does in DuckDB's projection.
SPACE_SEPARATORS = (
    " \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u202f\u205f\u3000"
)


# Mappings read ahead of the one being typed (each held in memory as Arrow until its turn).
READ_AHEAD = 2

# Rows per Arrow chunk handed to DuckDB: its row-group size, the unit of parallel scanning.
_SCAN_CHUNK = 122_880


def _frames_table(
    frames: list[SourceFrame], footer: str | None = None, blank_values: Sequence[str] = ()
) -> pl.DataFrame:
    """The mapping's files as one frame: ``__file``, ``__row``, cells trimmed, blank = null.

    ``footer`` names the cell the footer pattern reads: it is kept trimmed but not nulled as
    ``__footer`` (an empty cell stays null there, a blank one is ``''``, as the pattern saw them).
    ``blank_values``: the mapping's placeholders for an empty cell (``NULL``), null too, in any
    case: a SQL export writes ``NULL`` in every empty cell, and each was quarantined as no date,
    number or code (nine in ten of a year's rows, in a run that said ok; fourth hostile audit).
    """
    frame = pl.concat(
        [
            _with_cell_counts(f.frame).with_columns(pl.lit(f.source_file).alias("__file"))
            for f in frames
        ],
        how="vertical",
    )
    cells = [c for c in frame.columns if c not in ("__file", "__row", "__cells")]
    # Two steps: strip once, then blank -> null (one when/then over the strip strips twice).
    trimmed = frame.with_columns(pl.col(c).str.strip_chars(SPACE_SEPARATORS) for c in cells)
    extra = [] if footer is None else [pl.col(footer).alias("__footer")]
    placeholders = sorted({value.strip().lower() for value in blank_values})

    def kept(cell: str) -> pl.Expr:
        value = pl.col(cell) != ""
        if placeholders:
            value &= ~pl.col(cell).str.to_lowercase().is_in(placeholders)
        return value

    out = trimmed.with_columns(*extra, *(pl.when(kept(c)).then(pl.col(c)) for c in cells))
    # DuckDB scans an Arrow table in parallel by record batch; one 1M-row chunk would make the
    # whole typing projection single-threaded. Slices are views, so this copies nothing.
    chunks = [out.slice(start, _SCAN_CHUNK) for start in range(0, out.height, _SCAN_CHUNK)]
    return pl.concat(chunks, rechunk=False) if len(chunks) > 1 else out


def _with_cell_counts(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with a ``__cells`` column (null: every row has the header's number of cells)."""
    if "__cells" in frame.columns:
        return frame
    return frame.with_columns(pl.lit(None, dtype=pl.Int32).alias("__cells"))


def _plan(index: int, name: str, mapping: Mapping, names: dict[str, str], ctx: Context) -> _Planned:
    shape = mapping.effective_shape
    typed = ident(f"_typed_{index}")
    planned = _Planned(name, mapping, [], typed, [], lead=ident(f"_lead_{index}"))
    if shape == "wide":
        planned.records = wide.plan_records(mapping, names, ctx)
    elif shape == "long":
        planned.stage, planned.complaint = long.plan_records(mapping, names, planned.lead)
        planned.records = [planned.stage, planned.complaint]
    else:
        planned.records = generic.plan_records(mapping, names)
    planned.records += routing.routed_records(mapping, names)
    return planned


def _source_sql(
    mapping: Mapping,
    names: dict[str, str],
    frame: str = "_frame",
    *,
    footers: bool = True,
    extra: tuple[str, ...] = (),
) -> str:
    """Mapped cells of the data rows (not blank, not a footer) from a :func:`_frames_table`.

    A footer is a row matching the mapping's footer pattern *below the file's last data row*: a
    "Total complaints to date" typed as a case reference mid-sheet is a row like any other,
    loaded or quarantined, never dropped uncounted. ``footers=False`` for a ``frame`` already
    holding data rows only (the duplicate check's subset), where the last row is not the file's.
    """
    cells = [ident(a) for a in names.values()]
    # Blank = every mapped cell empty: such a row carries nothing to load or to quarantine.
    present = f"coalesce({', '.join(cells)}) is not null"
    selected = ", ".join(["__file", "__row", "__cells", *cells, *extra])
    if mapping.footer is None or not footers:
        return f"select {selected} from {frame} where {present}"  # noqa: S608
    pattern = mapping.footer.pattern
    if not pattern.startswith("^"):
        pattern = "^(?:" + pattern + ")"
    matches = f"coalesce(regexp_matches(__footer, {lit(pattern)}), false)"
    return (
        f"select {selected} from ("  # noqa: S608
        f"select *, {matches} as __matches, max(__row) filter (where {present} and not "
        f"{matches}) over (partition by __file) as __last_data from {frame}) "
        f"where {present} and not (__matches and __row > coalesce(__last_data, 0))"
    )


def _typed_sql(planned: _Planned, ctx: Context, names: dict[str, str]) -> str:
    """The one projection that types a mapping's rows (``create table ... as`` body).

    Three stacked selects over the source, each evaluated once per row: (1) trim the cells,
    type every field, route and hash the row; (2) evaluate each record's ``exists`` and the
    pre-filter ``__bad`` (the row might break a rule); (3) keep the raw cells only where
    ``__bad``. Raw text is what costs most to store, and only rule checks (the few flagged rows)
    and quarantine's ``raw_value`` read it. The long shape keeps its records' ``exists`` as SQL
    and also keeps the raw cells of rows that would break a complaint rule if they led, because
    the complaint's rules run after the lead rows are known.
    """
    mapping = planned.mapping
    sources = [ident(a) for a in names.values()]
    wide_like = planned.stage is None
    typed = typed_columns(planned.records, ctx, inline_constants=wide_like)
    inner = [
        "__file",
        "__row",
        "__cells",
        *sources,
        f"{routing.route_code_sql(mapping, names)} as __route",
        *typed,
        f"hash({', '.join(sources)}) as __h",
    ]
    field_records = [r for r in planned.records if r is not planned.complaint]
    bad = any_issue_condition(field_records, ctx)
    unknown = routing.unknown_route_condition(mapping)
    if unknown is not None:
        bad = f"({unknown}) or {bad}"
    middle = ["*"]
    if wide_like:
        for index, record in enumerate(planned.records):
            middle.append(f"coalesce({record.exists}, false) as __e{index}")
            record.exists = f"__e{index}"
    middle.append(f"({bad}) as __bad")
    if wide_like:
        raw = [f"case when __bad then {s} end as {s}" for s in sources]
    else:
        # The complaint's rules run later, on lead rows only; a row that could break one as a
        # lead is flagged now (judged as if it led), and only flagged rows keep their raw cells.
        as_lead = replace(planned.complaint, exists=planned.stage.exists)
        middle.append(f"({any_issue_condition([as_lead], ctx)}) as __suspect")
        raw = [f"case when __bad or __suspect then {s} end as {s}" for s in sources]
    outer = [
        "__file",
        "__row",
        "__cells",
        *raw,
        "__route",
        *(item.rsplit(" as ", 1)[1] for item in typed),  # the _vN aliases
        "__h",
        "__bad",
        *(f"__e{i}" for i in range(len(planned.records)) if wide_like),
    ]
    # the source rows carry the personal-data screen's verdicts, read by the free-text fields
    source = _source_sql(mapping, names, _SCREENED_FRAME, extra=(SCREENED_COLUMNS,))
    return (
        f"select {', '.join(outer)} from (select {', '.join(middle)} from ("  # noqa: S608
        f"select {', '.join(inner)} from ({source})))"
    )


# The source rows with the cells the personal-data screen flagged (see _screen_cells).
_SCREENED_FRAME = "(select * from _frame left join _screen using (__file, __row))"


def _screened_sources(planned: _Planned) -> list[str]:
    """Source aliases of the mapping's free-text fields (screened for personal data)."""
    return sorted(
        {
            plan.source
            for record in planned.records
            for plan in record.fields.values()
            if plan.source is not None and is_screened_text(plan)
        }
    )


def _screen_cells(con: duckdb.DuckDBPyConnection, planned: _Planned) -> None:
    """``_screen``: per row of ``_frame``, its free-text cells holding personal data, found in
    one statement for every field (see pipeline.sources.screen.screen_flags_sql)."""
    sources = _screened_sources(planned)
    if sources:
        select = screen_flags_sql("_frame", sources)
    else:
        select = f"select __file, __row, []::varchar[] as {SCREENED_COLUMNS} from _frame limit 0"  # noqa: S608
    con.execute(f"create or replace temp table _screen as {select}")


def _read_mapping(
    workspace: Path, name: str, mapping: Mapping, paths: list[Path], landlord: Landlord
) -> tuple[list[SourceFrame], pa.Table | None]:
    """Read every file of one mapping; their rows as one :func:`_frames_table` (None if no file).

    Handed over in Arrow, what DuckDB scans: converting here, on the reader thread, keeps the
    conversion off the thread that types the previous mapping.
    """
    frames = [read_source(p, workspace, mapping, name, landlord.thresholds) for p in paths]
    if not frames:
        return frames, None
    names = {c: f"s{i}" for i, c in enumerate(mapping.source_columns())}
    footer = None if mapping.footer is None else names[mapping.footer.column]
    table = _frames_table(frames, footer, mapping.blank_values).to_arrow()
    for source in frames:
        source.frame = source.frame.clear()  # the rows live on in the table only
    return frames, table


def _stage_mapping(
    con: duckdb.DuckDBPyConnection,
    planned: _Planned,
    ctx: Context,
    key: str,
    frame: pa.Table,
) -> None:
    """Type every row of one mapping (``frame``, see :func:`_read_mapping`) and record its
    per-field and per-row issues."""
    mapping = planned.mapping
    names = {c: f"s{i}" for i, c in enumerate(mapping.source_columns())}
    sources = [ident(a) for a in names.values()]
    typed = planned.typed
    con.register("_frame", frame)
    try:
        _screen_cells(con, planned)
        # One pass over the source: trim, type, flag; no staging copy.
        con.execute(
            f"create or replace temp table {typed} as {_typed_sql(planned, ctx, names)}",
            {"pseudo_key": key},
        )
        rows_in = dict(
            con.execute(f"select __file, count(*) from {typed} group by 1").fetchall()  # noqa: S608
        )
        for source in planned.frames:
            source.rows_in = rows_in.get(source.source_file, 0)

        # A CSV row with more or fewer cells than the header has its cells in the wrong
        # columns: held back whole, whatever else it seems to break (see drop_shadowed_issues).
        header_cells = {f.source_file: f.header_cells for f in planned.frames if f.header_cells}
        issues = [cell_count_issue_select(typed, mapping.target, header_cells)]
        unknown = routing.unknown_route_condition(mapping)
        if unknown is not None:
            issues.append(
                row_issue_select(
                    typed,
                    f"__bad and ({unknown})",
                    "route_unknown",
                    mapping.target,
                    mapping.route.column,
                    raw=ident(names[mapping.route.column]),
                )
            )
        # Rule checks run on the flagged rows only (raw cells are kept for exactly those).
        field_records = [r for r in planned.records if r is not planned.complaint]
        con.execute(f"create or replace temp table _bad as select * from {typed} where __bad")  # noqa: S608
        for record in field_records:
            issues += issue_selects(record, ctx, "_bad")
        # The header again below the first (two exports joined, a report paged with its header
        # on every page): named as such, not as a row of unreadable dates and unknown codes.
        issues.append(
            row_issue_select(
                "_bad", repeated_header_condition(names), "repeated_header", mapping.target
            )
        )
        refuse_reordered_header(con, "_bad", names)
        if mapping.footer is None:  # a totals line below the data, with no footer to drop it
            issues.append(totals_row_issue(typed, mapping, names))
        # Identical in every mapped field to an earlier row (any file of this mapping): first
        # stays. The row hash finds candidates in one aggregate; only rows sharing a hash are
        # compared cell by cell, re-read from the source (a hash collision is not a duplicate).
        # A row of the wrong cell count is neither a duplicate nor the original of one.
        con.execute(
            f"create or replace temp table _dup as select __file, __row from {typed} "  # noqa: S608
            f"where __cells is null and __h in (select __h from {typed} where __cells is null "
            "group by __h having count(*) > 1)"
        )
        if con.execute("select count(*) from _dup").fetchone()[0]:
            subset = "(select f.* from _frame f semi join _dup d using (__file, __row))"
            all_sources = ", ".join(sources)
            issues.append(
                row_issue_select(
                    f"(select __file, __row, row_number() over (partition by {all_sources} "  # noqa: S608
                    f"order by __file, __row) as n from "
                    f"({_source_sql(mapping, names, subset, footers=False)}))",
                    "n > 1",
                    "duplicate_row",
                    mapping.target,
                )
            )
        issues += missing_weight_selects(planned, names, _source_sql(mapping, names))
        insert_issues(con, issues)
        if mapping.target == "ombudsman_case":
            find_case_rows(con, planned)
        _count_label_other(con, planned)
        refuse_month_first_dates(con, planned)
    finally:
        con.unregister("_frame")
        con.execute("drop table if exists _screen")
        con.execute("drop table if exists _bad")
        con.execute("drop table if exists _dup")

    if mapping.target == "complaint":
        if planned.stage is not None:
            cid, stage_key = planned.stage.col("complaint_id"), planned.stage.col("stage")
            exists = planned.stage.exists
        else:
            cid, stage_key, exists = (
                planned.records[0].col("complaint_id"),
                "0",
                planned.records[0].exists,
            )
        con.execute(
            f"""insert into _keys select __file, __row, {cid}, {stage_key} from {typed} t
                where ({exists}) and {cid} is not null and {stage_key} is not null
                  and __cells is null
                  and not exists (select 1 from _issues i where i.__file = t.__file
                                  and i.__row = t.__row
                                  and i.rule in ('duplicate_row', 'repeated_header'))"""  # noqa: S608
        )


def _count_label_other(con: duckdb.DuckDBPyConnection, planned: _Planned) -> None:
    """Per file, the label cells (``LABEL_FIELDS``) whose value is none of the codes: stored as
    'other' and counted for the data-quality report. One aggregate over the source cells."""
    fields: dict[tuple, str] = {}
    for record in planned.records:
        for name, plan in record.fields.items():
            if plan.source is None:
                continue
            x = ident(plan.source)
            if (plan.column.table, name) in LABEL_FIELDS:
                condition = label_unknown_sql(plan, x)
            elif is_screened_text(plan):
                condition = screened_flag_sql(plan.source)
            else:
                continue
            fields.setdefault((record.table, name, plan.source_name), condition)
    if not fields:
        return
    counts = ", ".join(f"count_if({condition})" for condition in fields.values())
    rows = con.execute(
        f"select __file, {counts} from {_SCREENED_FRAME} group by __file"  # noqa: S608
    ).fetchall()
    found = [
        (row[0], table, name, column, n)
        for row in rows
        for (table, name, column), n in zip(fields, row[1:], strict=True)
        if n
    ]
    if found:
        con.executemany("insert into _label_other values (?, ?, ?, ?, ?)", found)


def _finish_long(con: duckdb.DuckDBPyConnection, items: list[tuple[_Planned, Context]]) -> None:
    """The long mappings' complaints, over all of them at once: a complaint's stages may come
    from several long mappings (one file per stage, each with its own columns), and it is one
    complaint, led by its lowest stage's row wherever that row is (it used to be one per mapping,
    and the load stopped on a uniqueness check naming no mapping)."""
    if not items:
        return
    selects = []
    for planned, _ in items:
        assert planned.stage is not None and planned.complaint is not None  # noqa: S101
        selects.append(long.stages_sql(planned.typed, planned.stage))
    con.execute(
        f"create or replace temp table {long.STAGES_TABLE} as " + " union all ".join(selects)
    )
    con.execute(long.all_leads_sql())
    for planned, _ in items:
        con.execute(long.lead_sql(planned.lead))
    for planned, ctx in items:
        stage = planned.stage
        received = stage.fields["received_date"].source_name
        insert_issues(con, [long.stage2_before_stage1_sql(planned.typed, stage, received)])
        insert_issues(con, issue_selects(planned.complaint, ctx, planned.typed))
    for planned, _ in items:
        insert_issues(
            con, [long.parent_quarantined_sql(planned.typed, planned.stage, planned.lead)]
        )


def _insert_records(con: duckdb.DuckDBPyConnection, planned: _Planned, landlord_id: str) -> None:
    for record in planned.records:
        blocked = ""
        if record.table == "complaint_stage":
            # A stage never loads without its complaint (wide: same row; long: the lead row).
            blocked = " and not exists (select 1 from _issues j where j.__file = t.__file and j.__row = t.__row and j.record = 'complaint')"
        elif record.table == "ombudsman_case" and record is planned.records[0]:
            # A case on several rows (one per finding) loads once, from its first row (find_case_rows)
            ref = record.col("case_ref")
            blocked = (
                f" and (t.__file, t.__row) in (select __file, __row from (select __file, __row, "  # noqa: S608
                f"row_number() over (partition by {ref} order by __file, __row) as n "
                f"from {planned.typed} u where ({record.exists}) and not exists (select 1 from "
                "_issues i where i.__file = u.__file and i.__row = u.__row and i.record in "
                f"({lit(record.name)}, '*'))) where n = 1)"
            )
        con.execute(
            insert_sql(record, planned.typed, "true" + blocked), {"landlord_id": landlord_id}
        )


def _count_files(
    con: duckdb.DuckDBPyConnection, landlord_id: str, planned: list[_Planned]
) -> list[FileCount]:
    loaded = " union all ".join(
        f"select source_file, source_row from {t} where landlord_id = $landlord_id"  # noqa: S608
        for t in LOADED_TABLES
    )
    rows = con.execute(
        f"""
        with loaded as (select distinct source_file, source_row from ({loaded})),
        quarantined as (
            select distinct source_file, source_row from quarantine where landlord_id = $landlord_id
        )
        select source_file,
               (select count(*) from loaded l where l.source_file = f.source_file
                  and not exists (select 1 from quarantined q where q.source_file = l.source_file
                                  and q.source_row = l.source_row)),
               (select count(*) from quarantined q where q.source_file = f.source_file)
        from (select unnest($files) as source_file) f
        """,  # noqa: S608
        {"landlord_id": landlord_id, "files": [f.source_file for p in planned for f in p.frames]},
    ).fetchall()
    counts = {r[0]: (r[1], r[2]) for r in rows}
    return [
        FileCount(f.source_file, p.name, f.sha256, f.rows_in, *counts.get(f.source_file, (0, 0)))
        for p in planned
        for f in p.frames
    ]


def _load_reference(con: duckdb.DuckDBPyConnection, workspace: Path, landlord: Landlord) -> None:
    stock = [
        (landlord.landlord_id, s.year_end, s.stock_type, s.country, s.units_owned)
        for s in landlord.stock
    ]
    if stock:
        con.executemany("insert into stock values (?, ?, ?, ?, ?)", stock)
    publications, _ = load_publications(workspace)
    rows = [
        (landlord.landlord_id, p.kind, p.published_date, p.reporting_year, p.summary, p.url)
        for p in publications
    ]
    if rows:
        con.executemany("insert into ombudsman_publication values (?, ?, ?, ?, ?, ?)", rows)


def ingest_workspace(
    con: duckdb.DuckDBPyConnection,
    workspace: Path,
    landlord: Landlord,
    key: str,
    *,
    today: dt.date | None = None,
) -> IngestSummary:
    """Load a landlord workspace into the canonical tables of ``con``.

    Parameters
    ----------
    con
        Connection to the landlord's DuckDB file (tables are created if missing).
    workspace
        The landlord workspace folder (``landlord.yaml``, ``exports/``, ``mappings/``, ...).
    landlord
        The validated ``landlord.yaml``.
    key
        Pseudonymisation key (``COMPLAINTS_PSEUDONYMISATION_KEY``); ids are hashed with it.
    today
        Data cut when ``landlord.data_cut_date`` is not set (default: today's date).

    Returns
    -------
    IngestSummary
        Per-file counts (``reconciles`` says whether every row is accounted for).

    Raises
    ------
    IngestError
        A file cannot be read at all (nothing is written).
    ConfigError
        A mapping or ``publications.yaml`` is invalid.
    """
    started = time.perf_counter()
    workspace = Path(workspace)
    landlord_id = landlord.landlord_id
    mappings = load_mappings(workspace)
    files = matched_files(workspace, mappings)
    refuse_missing_complaint_export(mappings, files)
    cut = landlord.data_cut_date or today or dt.date.today()
    default_regime = landlord.regimes[0] if len(landlord.regimes) == 1 else None

    create_canonical_tables(con)
    con.execute(
        "create or replace temp table _issues (__file varchar, __row integer, record varchar, "
        "target_table varchar, column_name varchar, rule varchar, message varchar, "
        "raw_value varchar)"
    )
    con.execute(
        "create or replace temp table _keys (__file varchar, __row integer, "
        "complaint_id varchar, stage_key integer)"
    )
    con.execute(
        "create or replace temp table _label_other (__file varchar, target_table varchar, "
        "field_name varchar, column_name varchar, rows_other integer)"
    )
    planned: list[_Planned] = []
    items = list(mappings.items())
    # The next mappings' files are read (Polars, outside the GIL) while DuckDB types this one's;
    # two ahead, so a small mapping typed quickly does not leave DuckDB waiting on the reader.
    reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-read")
    reads: dict[int, Future] = {}

    def read_ahead(index: int) -> None:
        if index < len(items) and index not in reads:
            name, mapping = items[index]
            reads[index] = reader.submit(
                _read_mapping, workspace, name, mapping, files[name], landlord
            )

    try:
        for index, (name, mapping) in enumerate(items):
            for ahead in range(index, index + READ_AHEAD + 1):
                read_ahead(ahead)
            frames, frame = reads.pop(index).result()
            if frame is None:
                log.warning("%s matches no file in %s", name, workspace)
                continue
            ctx = Context(
                tuple(mapping.date_formats),
                mapping.excel_serial_dates,
                cut,
                default_regime,
                tuple(landlord.regimes),
                decimal_comma=mapping.decimal == ",",
            )
            names = {c: f"s{i}" for i, c in enumerate(mapping.source_columns())}
            item = _plan(len(planned), name, mapping, names, ctx)
            item.frames = frames
            _stage_mapping(con, item, ctx, key, frame)
            del frame
            planned.append(item)
        find_conflicts(con)
        _finish_long(
            con,
            [
                (
                    item,
                    Context(
                        tuple(item.mapping.date_formats),
                        item.mapping.excel_serial_dates,
                        cut,
                        default_regime,
                        tuple(landlord.regimes),
                        decimal_comma=item.mapping.decimal == ",",
                    ),
                )
                for item in planned
                if item.stage is not None
            ],
        )
        implausible_weights(con, planned, landlord)
        drop_shadowed_issues(con)

        con.begin()
        try:
            for table in LANDLORD_TABLES:
                con.execute(
                    f"delete from {ident(table)} where landlord_id = $landlord_id",  # noqa: S608
                    {"landlord_id": landlord_id},
                )
            for item in planned:
                _insert_records(con, item, landlord_id)
            merge_scheme_spellings(con, landlord_id)
            # A raw value is kept only when it cannot be personal data (a number, a date);
            # otherwise its shape ("text, 27 characters"), whichever rule reported it.
            raw = safe_raw_sql("raw_value")
            con.execute(
                "insert into quarantine select $landlord_id, __file, __row, target_table, "  # noqa: S608
                f"column_name, rule, message, {raw} from _issues order by __file, __row, rule",
                {"landlord_id": landlord_id},
            )
            con.execute(
                "insert into label_other select $landlord_id, __file, target_table, field_name, "
                "column_name, sum(rows_other) from _label_other group by all order by all",
                {"landlord_id": landlord_id},
            )
            _load_reference(con, workspace, landlord)
            counts = _count_files(con, landlord_id, planned)
            con.executemany(
                "insert into ingest_file values (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        landlord_id,
                        c.source_file,
                        c.mapping,
                        c.sha256,
                        c.rows_in,
                        c.rows_loaded,
                        c.rows_quarantined,
                    )
                    for c in counts
                ],
            )
            con.commit()
        except BaseException:
            rollback(con)
            raise
    finally:
        reader.shutdown(wait=True, cancel_futures=True)
        for item in planned:
            con.execute(f"drop table if exists {item.typed}")
            con.execute(f"drop table if exists {item.lead}")
        con.execute("drop table if exists _issues")
        con.execute("drop table if exists _keys")
        con.execute(f"drop table if exists {long.STAGES_TABLE}")
        con.execute(f"drop table if exists {long.LEAD_TABLE}")
        con.execute("drop table if exists _label_other")

    table_rows = {
        table: con.execute(
            f"select count(*) from {ident(table)} where landlord_id = $l",  # noqa: S608
            {"l": landlord_id},
        ).fetchone()[0]
        for table in LANDLORD_TABLES
    }
    by_rule = dict(
        con.execute(
            "select rule, count(*) from quarantine where landlord_id = $l group by rule order by 1",
            {"l": landlord_id},
        ).fetchall()
    )
    summary = IngestSummary(landlord_id, counts, table_rows, by_rule)
    summary.unread_files = unread_files(workspace, files)
    for name in summary.unread_files:
        log.warning("%s is not read: no mapping's files pattern matches it", name)
    summary.seconds = time.perf_counter() - started
    return summary
