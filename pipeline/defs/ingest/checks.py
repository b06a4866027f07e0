"""Checks on the canonical tables: the reconciliation gate, pandera per table, the quarantine
share, export freshness and the workspace's identity.

Every check is declared on ``canonical_tables`` itself (:func:`check_specs`) and evaluated in the
load's own step (:func:`check_results`): one Dagster step per landlord load instead of one per
check, same names, same blocking. The asset is subsettable, so each check still runs alone (its
Execute button in the UI). Every check re-reads the landlord's DuckDB file (read-only), so it
judges what was written, not what the asset believed it wrote.
"""

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

import dagster as dg

from pipeline.config import ConfigError
from pipeline.partitions import landlord_partitions
from pipeline.resources import ComplaintsStore
from pipeline.sources.canonical import TARGET_TABLES

_LOADED = ("complaint_stage", *TARGET_TABLES)

# The tables pandera validates (pipeline/schemas.py SCHEMAS; listed here so loading the code
# location does not import pandera; a unit test keeps the two in step).
PANDERA_TABLES = {
    "complaint": "Complaint",
    "complaint_stage": "ComplaintStage",
    "non_complaint": "NonComplaint",
    "stock": "Stock",
    "tp09_response": "Tp09Response",
    "complainant_survey": "ComplainantSurvey",
    "ombudsman_case": "OmbudsmanCase",
    "ombudsman_finding": "OmbudsmanFinding",
    "ombudsman_order": "OmbudsmanOrder",
    "chfo": "Chfo",
    "ombudsman_publication": "OmbudsmanPublication",
    "remedy_payment": "RemedyPayment",
    "learning_action": "LearningAction",
    "promised_action": "PromisedAction",
    "compliment": "Compliment",
    "contact_restriction": "ContactRestriction",
    "quarantine": "Quarantine",
    "label_other": "LabelOther",
    "ingest_file": "IngestFile",
}


def reconciliation_rows(con, landlord_id: str) -> list[tuple[str, int, int, int]]:
    """Per file: rows in (ingest_file), and loaded / quarantined counted from the tables.

    Loaded = distinct source rows in any canonical table with no quarantine entry; quarantined =
    distinct source rows in ``quarantine``. A row dropped anywhere makes in != loaded + quarantined.
    """
    loaded = " union all ".join(
        f"select source_file, source_row from {t} where landlord_id = $l"  # noqa: S608
        for t in _LOADED
    )
    return con.execute(
        f"""
        with loaded as (select distinct source_file, source_row from ({loaded})),
        quarantined as (
            select distinct source_file, source_row from quarantine where landlord_id = $l
        ),
        loaded_only as (
            select source_file, count(*) as n from loaded l
            where not exists (select 1 from quarantined q where q.source_file = l.source_file
                              and q.source_row = l.source_row)
            group by 1
        ),
        q as (select source_file, count(*) as n from quarantined group by 1)
        select f.source_file, f.rows_in, coalesce(lo.n, 0), coalesce(q.n, 0)
        from ingest_file f left join loaded_only lo using (source_file)
        left join q using (source_file)
        where f.landlord_id = $l
        order by f.source_file
        """,  # noqa: S608
        {"l": landlord_id},
    ).fetchall()


def reconciliation_result(store: ComplaintsStore, landlord_id: str) -> dg.AssetCheckResult:
    """``canonical_tables.reconciliation``: per file, rows in = rows loaded + rows quarantined."""
    with store.connect(landlord_id, read_only=True) as con:
        rows = reconciliation_rows(con, landlord_id)
    bad = [r for r in rows if r[1] != r[2] + r[3]]
    table = "\n".join(
        ["| file | rows in | loaded | quarantined | difference |", "|---|---:|---:|---:|---:|"]
        + [f"| {f} | {i:,} | {lo:,} | {q:,} | {i - lo - q:,} |" for f, i, lo, q in rows]
    )
    description = None
    if bad:
        description = (
            "; ".join(
                f"{f}: {i:,} rows in but {lo:,} loaded + {q:,} quarantined ({i - lo - q:+,})"
                for f, i, lo, q in bad[:5]
            )
            + ". Rows were lost between reading and loading: run the ingest again and report it"
        )
    return dg.AssetCheckResult(
        asset_key="canonical_tables",
        check_name="reconciliation",
        passed=not bad,
        severity=dg.AssetCheckSeverity.ERROR,
        description=description,
        metadata={
            "files": len(rows),
            "files_not_reconciling": len(bad),
            "ledger": dg.MetadataValue.md(table),
        },
    )


def _markdown(frame) -> str:
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    body = [
        "| " + " | ".join(str(v).replace("|", "/")[:80] for v in row) + " |"
        for row in frame.iter_rows()
    ]
    return "\n".join([header, rule, *body])


def _pandera_result(con, landlord_id: str, table: str) -> dg.AssetCheckResult:
    # pandera: imported when a check runs
    from pipeline.schemas import describe_failures, validate_table

    frame = con.sql(
        f"select * from {table} where landlord_id = $l",  # noqa: S608 - table from SCHEMAS
        params={"l": landlord_id},
    ).pl()
    failures = validate_table(frame, table)
    preview = _markdown(failures.head(20)) if failures.height else ""
    return dg.AssetCheckResult(
        asset_key="canonical_tables",
        check_name=f"pandera_{table}",
        passed=failures.height == 0,
        severity=dg.AssetCheckSeverity.ERROR,
        description=describe_failures(failures, table) or None,
        metadata={
            "rows_checked": frame.height,
            "failure_cases": failures.height,
            "failures": dg.MetadataValue.md(preview or "none"),
        },
    )


def pandera_check_specs() -> list[dg.AssetCheckSpec]:
    """One blocking check per table's pandera model, declared on ``canonical_tables`` itself.

    The asset validates right after the load, in the same step (a step per table cost more in
    Dagster's bookkeeping than validating the small tables), and the checks are partitioned like
    the asset (per landlord). A failure stops the measures and everything downstream. The asset is
    subsettable, so the checks also run alone (the check's Execute button in the UI).
    """
    return [
        dg.AssetCheckSpec(
            name=f"pandera_{table}",
            asset="canonical_tables",
            description=f"Pandera model {model} (pipeline/schemas.py) on the landlord's "
            f"{table} rows: types, allowed codes, ranges and date order. Blocking: a failure "
            "stops the measures and everything downstream.",
            blocking=True,
            partitions_def=landlord_partitions,  # a status per landlord, like the load's
        )
        for table, model in PANDERA_TABLES.items()
    ]


def pandera_results(
    store: ComplaintsStore, landlord_id: str, selected: Iterable[str]
) -> list[dg.AssetCheckResult]:
    """The selected pandera checks' results (``selected``: check names) for the landlord."""
    wanted = set(selected)
    with store.connect(landlord_id, read_only=True) as con:
        return [
            _pandera_result(con, landlord_id, table)
            for table in PANDERA_TABLES
            if f"pandera_{table}" in wanted
        ]


# Fewer quarantined rows than this never flag a file: a small export's few planted errors are not
# a mapping problem.
QUARANTINE_SHARE_MIN_ROWS = 10


def quarantine_share_rows(con, landlord_id: str, max_pct: float) -> list[tuple]:
    """Files with more than ``max_pct`` % of their rows quarantined: file, rows in, quarantined,
    percent, the rules most often broken there (``rule (count, column 'X')``, commonest first,
    with the column most often named: which date or code column to look at) and the file's first
    quarantined row (the row to open)."""
    return con.execute(
        """
        with rules as (
            select source_file, rule, count(distinct source_row) as n,
                   mode(nullif(column_name, '') order by column_name) as top_column
            from quarantine where landlord_id = $l group by all
        ),
        top_rules as (
            select source_file,
                   string_agg(rule || ' (' || n
                              || coalesce(', column ''' || top_column || '''', '') || ')',
                              ', ' order by n desc, rule) as rules
            from (select *, row_number() over (partition by source_file order by n desc, rule) as k
                  from rules)
            where k <= 3
            group by all
        )
        select f.source_file, f.rows_in, f.rows_quarantined,
               round(100.0 * f.rows_quarantined / f.rows_in, 1) as pct, t.rules, q.first_row
        from ingest_file f left join top_rules t using (source_file)
        left join (select source_file, min(source_row) as first_row from quarantine
                   where landlord_id = $l group by all) q using (source_file)
        where f.landlord_id = $l and f.rows_in > 0 and f.rows_quarantined >= $min_rows
          and 100.0 * f.rows_quarantined / f.rows_in > $max_pct
        order by pct desc, f.source_file
        """,
        {"l": landlord_id, "min_rows": QUARANTINE_SHARE_MIN_ROWS, "max_pct": max_pct},
    ).fetchall()


# What to check first when a file's commonest rule is this one (the quarantine_share warning).
QUARANTINE_ADVICE = {
    "conflicting_rows": (
        "many rows share a complaint id and stage: shape long takes one row per stage, with its "
        "dates in columns; an export of one row per event (logged, acknowledged, response sent) "
        "must be turned into one row per stage first (docs/mapping.md, 'An event log')"
    ),
    "duplicate_id_across_files": (
        "the same complaints are in more than one file with different values: files that "
        "overlap (a monthly export of the complaints updated in the month, not received in "
        "it, or a full export beside the monthly ones) must not be read together; keep the "
        "latest full export, or exports that do not overlap, in the folder the mapping's "
        "files match; a stage 1 file and a stage 2 file are mapped as shape long, one mapping "
        "each with its stage as a constant (docs/mapping.md, 'One file per stage'), not wide"
    ),
    "duplicate_row": (
        "rows identical to rows of another file: files that overlap (the same export saved "
        "twice, or a full export beside the monthly ones) are read together"
    ),
    "unknown_code": (
        "the column named holds values its codes do not list: add each to the column's codes in "
        "the mapping (or give it other: for values to group), finding the rows in quarantine.csv "
        "(a field mapped without codes takes only the canonical codes, docs/mapping.md 'Field "
        "specs')"
    ),
    "wrong_cell_count": "check the mapping's delimiter (and quoting in the export)",
    "repeated_header": "take one export per file (the header's names appear again as a row)",
    "totals_row": "set the mapping's footer (the file's totals line is read as a row)",
    "route_unknown": "check the route's values",
    "required_missing": "check the mapping's columns (a required field's column may be wrong)",
    "number_unparseable": (
        "check how the export writes its numbers: one that writes a decimal comma ('1.250,50', "
        "'0,75') needs decimal: ',' in the mapping (docs/mapping.md, 'Field specs')"
    ),
}
DEFAULT_QUARANTINE_ADVICE = "check the mapping's date_formats and codes"
# A date column whose unreadable cells are numbers in Excel's serial range: no date format reads
# them, so "check the date formats" sent the analyst the wrong way.
EXCEL_SERIAL_ADVICE = (
    "column '{column}' holds numbers where dates should be, such as Excel serial dates (a date "
    "in a cell formatted General, or saved to CSV from one): set excel_serial_dates: true in "
    "the mapping (docs/mapping.md, 'Dates')"
)


def serial_date_columns(con, landlord_id: str, flagged: list[tuple]) -> list[str | None]:
    """For each flagged file (:func:`quarantine_share_rows`), the date column whose unreadable
    cells are mostly numbers in Excel's 1900-system serial range (what a mapping with
    ``excel_serial_dates: false`` cannot read), or None. Read from ``quarantine.raw_value``,
    which keeps a number as typed; nothing of the cells is returned."""
    from pipeline.sources.fields import EXCEL_SERIAL_MIN

    rows = con.execute(
        """
        select source_file, column_name,
               count(*) filter (where try_cast(replace(raw_value, ',', '.') as double)
                                between $low and 2958465) as serials,
               count(*) as cells
        from quarantine
        where landlord_id = $l and rule = 'date_unparseable' and column_name <> ''
        group by all
        order by serials desc, column_name
        """,
        {"l": landlord_id, "low": EXCEL_SERIAL_MIN},
    ).fetchall()
    found: dict[str, str] = {}
    for file, column, serials, cells in rows:
        if file not in found and 2 * serials > cells:
            found[file] = column
    return [found.get(row[0]) for row in flagged]


# Formats tried on a date column's unread cells to name the one that reads them, day first
# before month first (UK exports), a time after the date aside (date_formats ignores it)
COMMON_DATE_FORMATS = (
    "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d-%m-%y", "%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d",
    "%Y/%m/%d", "%d-%b-%Y", "%d-%b-%y", "%d %b %Y", "%d %b %y", "%d %B %Y", "%d-%B-%Y",
    "%b %d %Y", "%B %d %Y", "%b %d, %Y", "%B %d, %Y", "%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y",
    "%Y%m%d",
)  # fmt: skip
_TIME_AFTER = re.compile(r"(?:[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?)$")
DATE_FORMAT_ADVICE = (
    "column '{column}' holds dates written as '{format}', which the mapping's date_formats do "
    'not read: add "{format}" to date_formats (a time after the date is ignored, '
    "docs/mapping.md 'Dates')"
)


def _reading_format(values: list[str]) -> str | None:
    """The first of :data:`COMMON_DATE_FORMATS` that reads most of ``values``, or None."""
    dates = [_TIME_AFTER.sub("", value.strip()) for value in values]

    def reads(fmt: str, text: str) -> bool:
        try:
            return dt.datetime.strptime(text, fmt).year >= 1970
        except ValueError:
            return False

    best, best_count = None, 0
    for fmt in COMMON_DATE_FORMATS:
        count = sum(reads(fmt, text) for text in dates)
        if count > best_count:
            best, best_count = fmt, count
    return best if 2 * best_count > len(dates) else None


def date_format_hints(con, landlord_id: str, flagged: list[tuple]) -> list[tuple[str, str] | None]:
    """For each flagged file (:func:`quarantine_share_rows`), the date column with the most
    unreadable dates and the common format that reads them (``(column, format)``), or None.
    Read from ``quarantine.raw_value``, which keeps a date as typed (never personal data); only
    the format is returned, never a cell."""
    rows = con.execute(
        """
        select source_file, column_name, list(raw_value) as values
        from quarantine
        where landlord_id = $l and rule = 'date_unparseable' and column_name <> ''
              and raw_value is not null
        group by all
        order by len(values) desc, column_name
        """,
        {"l": landlord_id},
    ).fetchall()
    found: dict[str, tuple[str, str] | None] = {}
    for file, column, values in rows:
        if file not in found:
            fmt = _reading_format(values)
            found[file] = (column, fmt) if fmt else None
    return [found.get(row[0]) for row in flagged]


def quarantine_advice(
    rules: list[str | None],
    serial_columns: list[str | None] | None = None,
    date_formats: list[tuple[str, str] | None] | None = None,
) -> str:
    """The advice for flagged files, from each file's ``rules`` text (``rule (n), ...``) and,
    where its commonest rule is date_unparseable, the column of Excel serial numbers
    (:func:`serial_date_columns`) or the format its dates are written in
    (:func:`date_format_hints`) if it has one."""
    advice = []
    serials = serial_columns or [None] * len(rules)
    formats = date_formats or [None] * len(rules)
    for text, serial, hint in zip(rules, serials, formats, strict=True):
        commonest = (text or "").split(" (", 1)[0]
        if commonest == "date_unparseable" and serial:
            advice.append(EXCEL_SERIAL_ADVICE.format(column=serial))
            continue
        if commonest == "date_unparseable" and hint:
            advice.append(DATE_FORMAT_ADVICE.format(column=hint[0], format=hint[1]))
            continue
        advice.append(QUARANTINE_ADVICE.get(commonest, DEFAULT_QUARANTINE_ADVICE))
    return ", and ".join(dict.fromkeys(advice))


def quarantine_verdict(con, landlord_id: str, thresholds) -> tuple[list[tuple], list[tuple]]:
    """The files flagged (``thresholds.max_quarantine_pct``) and, of them, those that stop the
    run (``thresholds.stop_quarantine_pct``), as :func:`quarantine_share_rows` gives them."""
    flagged = quarantine_share_rows(con, landlord_id, thresholds.max_quarantine_pct)
    return flagged, [row for row in flagged if row[3] > thresholds.stop_quarantine_pct]


def quarantine_share_result(store: ComplaintsStore, landlord_id: str) -> dg.AssetCheckResult:
    """``canonical_tables.quarantine_share``: files with too large a share quarantined.

    Above ``thresholds.max_quarantine_pct`` a warning; above ``thresholds.stop_quarantine_pct``
    an error, which stops the run (the check is blocking): most of such a file's rows are not in
    the figures, so measures and returns built on the rest would misstate them."""
    thresholds = store.landlord(landlord_id).thresholds
    limit, stop = thresholds.max_quarantine_pct, thresholds.stop_quarantine_pct
    with store.connect(landlord_id, read_only=True) as con:
        flagged, stopping = quarantine_verdict(con, landlord_id, thresholds)
        serials = serial_date_columns(con, landlord_id, flagged)
        formats = date_format_hints(con, landlord_id, flagged)
    description = "; ".join(
        f"{file}: {quarantined:,} of {rows_in:,} rows quarantined ({pct}%), mostly {rules}, "
        f"the first at row {first_row}"
        for file, rows_in, quarantined, pct, rules, first_row in flagged
    )
    if flagged:
        description += "; " + quarantine_advice(
            [rules for *_, rules, _ in flagged], serials, formats
        )
    if stopping:
        description = (
            f"the run stops: more than {stop:g}% of the rows of {len(stopping)} file(s) were "
            "quarantined (thresholds.stop_quarantine_pct), so no measure, return or document is "
            "made from it and the previous ones stay; " + description
        )
    table = "\n".join(
        [
            "| file | rows in | quarantined | % | commonest rules | first row |",
            "|---|---:|---:|---:|---|---:|",
        ]
        + [f"| {f} | {i:,} | {q:,} | {p} | {r} | {n} |" for f, i, q, p, r, n in flagged]
    )
    return dg.AssetCheckResult(
        asset_key="canonical_tables",
        check_name="quarantine_share",
        passed=not flagged,
        severity=dg.AssetCheckSeverity.ERROR if stopping else dg.AssetCheckSeverity.WARN,
        description=description or None,
        metadata={
            "max_quarantine_pct": limit,
            "stop_quarantine_pct": stop,
            "files_flagged": len(flagged),
            "files_stopping": len(stopping),
            "flagged": dg.MetadataValue.md(table if flagged else "none"),
        },
    )


def _exports_read(store: ComplaintsStore, landlord_id: str) -> list[Path]:
    """The files under ``exports/`` that the landlord's last load read (its ``ingest_file``
    ledger), as they are in the workspace now."""
    workspace = store.workspace(landlord_id)
    try:
        with store.connect(landlord_id, read_only=True) as con:
            names = con.execute(
                "select distinct source_file from ingest_file where landlord_id = $l "
                "and starts_with(source_file, 'exports/') order by 1",
                {"l": landlord_id},
            ).fetchall()
    except FileNotFoundError:  # no load yet
        return []
    return [workspace / name for (name,) in names if (workspace / name).is_file()]


def exports_freshness_result(store: ComplaintsStore, landlord_id: str) -> dg.AssetCheckResult:
    """``canonical_tables.exports_freshness``: the newest export the load read against the data
    cut (warning).

    Only the files a mapping read count: a letter or spreadsheet saved beside stale exports
    today made them look fresh, and the check passed on exports months old.
    """
    landlord = store.landlord(landlord_id)
    files = _exports_read(store, landlord_id)
    cut = landlord.data_cut_date or dt.date.today()
    limit = landlord.thresholds.exports_max_age_days
    if not files:
        return dg.AssetCheckResult(
            asset_key="canonical_tables",
            check_name="exports_freshness",
            passed=False,
            severity=dg.AssetCheckSeverity.WARN,
            description="no file in exports/ was read by a mapping, so the exports' age is unknown",
            metadata={"problem": "no export in exports/ was read"},
        )
    newest = max(files, key=lambda p: p.stat().st_mtime)
    newest_name = newest.relative_to(store.workspace(landlord_id)).as_posix()
    newest_date = dt.date.fromtimestamp(newest.stat().st_mtime)
    age = (cut - newest_date).days
    # (a file named after a resident is never read: the load stops on it without naming it, so
    # the name kept here, in the instance's event log, is an export's)
    stale = (
        f"the newest export read, {newest_name}, was saved {age} days before the data cut "
        f"({cut.isoformat()}), more than thresholds.exports_max_age_days ({limit}): load newer "
        "exports, or set data_cut_date to the date these were taken"
    )
    return dg.AssetCheckResult(
        asset_key="canonical_tables",
        check_name="exports_freshness",
        passed=age <= limit,
        severity=dg.AssetCheckSeverity.WARN,
        description=None if age <= limit else stale,
        metadata={
            "newest_export": newest_name,
            "newest_export_date": newest_date.isoformat(),
            "data_cut": cut.isoformat(),
            "age_days": age,
            "max_age_days": limit,
        },
    )


def workspace_identity_result(store: ComplaintsStore, landlord_id: str) -> dg.AssetCheckResult:
    """``canonical_tables.workspace_is_partition_landlord``: pass when ``landlord.yaml``'s
    ``landlord_id`` equals the workspace folder name (the partition key, the DuckDB file name, the
    run queue's landlord), or checks and reports would read another landlord's rows or none."""
    try:
        declared = store.landlord(landlord_id).landlord_id
    except ConfigError as exc:
        return dg.AssetCheckResult(
            asset_key="canonical_tables",
            check_name="workspace_is_partition_landlord",
            passed=False,
            severity=dg.AssetCheckSeverity.ERROR,
            description=str(exc),
        )
    passed = declared == landlord_id
    return dg.AssetCheckResult(
        asset_key="canonical_tables",
        check_name="workspace_is_partition_landlord",
        passed=passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=None
        if passed
        else f"{store.workspace(landlord_id) / 'landlord.yaml'}: landlord_id '{declared}' differs "
        f"from the workspace folder '{landlord_id}'; rename one so they match",
        metadata={"workspace": landlord_id, "landlord_id": declared},
    )


# The load's checks besides pandera: name -> (blocking, description, result function).
LOAD_CHECKS = {
    "workspace_is_partition_landlord": (
        True,
        "The workspace folder (partition, DuckDB file, run-queue landlord) and the landlord_id in "
        "its landlord.yaml are the same.",
        workspace_identity_result,
    ),
    "reconciliation": (
        True,
        "Every input row is accounted for: per file, rows in = rows loaded + rows quarantined, "
        "counted back from the canonical tables and the quarantine.",
        reconciliation_result,
    ),
    "quarantine_share": (
        True,
        "Warns when a file has more than thresholds.max_quarantine_pct % of its rows quarantined "
        "(and at least 10): usually a mapping that does not fit the export, such as a date format "
        "or a code list, rather than bad data. Blocking above thresholds.stop_quarantine_pct %: "
        "the file cannot be trusted, so nothing is computed from the load.",
        quarantine_share_result,
    ),
    "exports_freshness": (
        False,
        "Warns when the newest export the load read (a file under exports/ a mapping matched) is "
        "older than thresholds.exports_max_age_days before the data cut (landlord.yaml "
        "data_cut_date, default today). Other files in exports/ do not count.",
        exports_freshness_result,
    ),
}


def check_specs() -> list[dg.AssetCheckSpec]:
    """Every check of ``canonical_tables``: the load's own checks, then one per pandera model."""
    return [
        dg.AssetCheckSpec(
            name=name,
            asset="canonical_tables",
            description=text,
            blocking=blocking,
            partitions_def=landlord_partitions,  # a status per landlord, like the load's
        )
        for name, (blocking, text, _) in LOAD_CHECKS.items()
    ] + pandera_check_specs()


def check_results(
    store: ComplaintsStore, landlord_id: str, selected: Iterable[str]
) -> list[dg.AssetCheckResult]:
    """The selected checks' results (``selected``: check names), the load's own checks first."""
    wanted = set(selected)
    own = [
        result(store, landlord_id) for name, (_, _, result) in LOAD_CHECKS.items() if name in wanted
    ]
    return own + pandera_results(store, landlord_id, wanted)
