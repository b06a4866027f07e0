"""What quarantine takes out of the headline measures, and how complete each mapped field is.

The data-quality report's answer to "does this matter?": for each reporting year, stage and rule,
how many complaints are missing from CH01 (complaints received) and CH02 (answered in time) because
a row was quarantined, e.g. "7 stage 1 complaints received in 2024-25 were quarantined (response
before receipt) and are not in CH01 or CH02: correct them at source and rerun". And, per mapped
field, the share of loaded rows that carry a value.

Reads the ``quarantine`` entries (structured fields only), the loaded ``complaint`` rows' received
dates (joined on file and row, set-based) and the workspace's mappings (which source column feeds
which stage). Counts only: no raw value leaves this module except a date parsed to its year.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from pipeline.mapping import Mapping, load_mappings
from pipeline.reporting.data import query_frame, table_exists
from pipeline.reporting.labels import label
from pipeline.sources.canonical import mappable_fields
from pipeline.sources.fields import CLASH_ROWS
from pipeline.sql import lit

# Rules whose row is a repeat of one that loaded, or no record at all (a report's totals line):
# nothing is missing from any measure.
NO_EFFECT_RULES = {"duplicate_row", "totals_row"}
# The stage of a long export's quarantined stage row (its stage column is not kept).
UNKNOWN_STAGE = -1
# Rules whose row goes only because its complaint went under another row's rule (a long export's
# later stage rows): that complaint is counted once, under its own rule, never again per row.
FOLLOWING_RULES = {"parent_quarantined"}
# What a missing stage (or a missing complaint, all its stages) takes out of, per regime.
HEADLINE = {
    "eng": "CH01 and CH02 (tenant satisfaction measures)",
    "sct": "the ARC complaint indicators",
    None: "the complaint counts and timeliness (CH01 and CH02)",
}
# A short name per quarantine rule for a sentence (pipeline/sources/fields.py RULE_TEXT has the
# full reason); an unlisted rule reads as its id with spaces.
RULE_NAMES = {
    "date_unparseable": "a date that could not be read",
    "date_in_future": "a date after the data cut",
    "date_too_early": "a date before 1970",
    "date_time_invalid": "a time of day that does not exist",
    "date_weekday_mismatch": "a weekday that is not the date's",
    "weight_implausible": "an implausibly large survey weight",
    "weight_missing": "a survey weight missing in a weighted survey",
    "required_missing": "a required field blank",
    "unknown_code": "a value not in the mapping's codes",
    "number_unparseable": "a number that could not be read",
    "response_before_receipt": "response before receipt",
    "ack_before_receipt": "acknowledged before receipt",
    "stage2_before_stage1_response": "stage 2 before the stage 1 response",
    "conflicting_rows": "two different rows for the same complaint",
    "duplicate_id_across_files": "the same complaint, different, in two files",
    "route_unknown": "a record type the mapping does not list",
    "parent_quarantined": "its complaint was quarantined",
    "wrong_cell_count": "a row with more or fewer cells than the header",
    "id_in_scientific_notation": "a reference Excel rounded",
    "repeated_header": "the header repeated as a row",
    "totals_row": "a totals line read as a row",
    "id_is_excel_error": "a reference that is an Excel error",
}


def rule_name(rule: str) -> str:
    return RULE_NAMES.get(rule, rule.replace("_", " "))


def _column_stages(mappings: dict[str, Mapping]) -> pl.DataFrame:
    """(mapping, source column, stage) for every column a complaint mapping reads: stage 1 or 2
    for a stage field, 0 for a complaint-level field (the whole complaint)."""
    rows = []
    for path, mapping in mappings.items():
        if mapping.target != "complaint":
            continue
        for spec in mapping.columns.values():
            if spec.column is not None:
                rows.append((path, spec.column, 0))
        for stage, fields in mapping.stages.items():
            for spec in fields.values():
                if spec.column is not None:
                    rows.append((path, spec.column, int(stage)))
    return pl.DataFrame(rows, schema={"mapping": pl.String, "column_name": pl.String,
                                      "stage": pl.Int8}, orient="row").unique()  # fmt: skip


def _received_columns(mappings: dict[str, Mapping]) -> dict[str, tuple[str, Mapping]]:
    """mapping -> (the received-date source column, the mapping)."""
    found = {}
    for path, mapping in mappings.items():
        spec = mapping.columns.get("received_date")
        if mapping.target == "complaint" and spec is not None and spec.column is not None:
            found[path] = (spec.column, mapping)
    return found


def _constant_stage(mapping: Mapping) -> int | None:
    """The stage of every row of a long mapping whose stage is a constant (a file per stage,
    docs/mapping.md: ``stage: {value: 2}``), else None."""
    spec = mapping.columns.get("stage") if mapping.effective_shape == "long" else None
    if spec is None or spec.value is None:
        return None
    try:
        return int(str(spec.value).strip().lower().removeprefix("stage").strip())
    except ValueError:
        return None


def _raw_received_dates(
    con: duckdb.DuckDBPyConnection, entries: pl.DataFrame, received: dict[str, tuple[str, Mapping]]
) -> pl.DataFrame:
    """(mapping, raw_value, raw_date): each quarantined received-date cell's value read as the
    load reads that mapping's dates (its formats, ISO, Excel serials, ordinal days ...), so a
    stage 2 requested before its stage 1 answer, whose raw value is written ISO, or a received
    date written as a serial, has a year. Reading it with the mapping's formats alone, the report
    said such a date 'could not be read'."""
    from pipeline.sources.fields import date_sql

    frames = []
    for path, (column, mapping) in received.items():
        values = (
            entries.filter((pl.col("mapping") == path) & (pl.col("column_name") == column))[
                "raw_value"
            ]
            .drop_nulls()
            .unique()
            .to_list()
        )
        if not values:
            continue
        # the received column's own formats where it has them (docs/mapping.md, 'Field specs')
        formats = mapping.columns["received_date"].date_formats or mapping.date_formats
        sql = date_sql("v", formats, mapping.excel_serial_dates, mapping.decimal == ",")
        parsed = con.execute(
            f"select v, {sql} from (select unnest($values) as v)",  # noqa: S608 - compiled SQL
            {"values": values},
        ).fetchall()
        frames.append(
            pl.DataFrame(
                [(path, v, d) for v, d in parsed],
                schema={"mapping": pl.String, "raw_value": pl.String, "raw_date": pl.Date},
                orient="row",
            )
        )
    if not frames:
        return pl.DataFrame(
            schema={"mapping": pl.String, "raw_value": pl.String, "raw_date": pl.Date}
        )
    return pl.concat(frames)


def _year_key(date: pl.Expr) -> pl.Expr:
    """Reporting year (1 April to 31 March) of a date, as ``2024-25``."""
    start = date.dt.year() - (date.dt.month() < 4).cast(pl.Int32)
    return start.cast(pl.String) + "-" + ((start + 1) % 100).cast(pl.String).str.zfill(2)


def quarantine_impact(
    con: duckdb.DuckDBPyConnection, landlord_id: str, workspace: Path | None
) -> pl.DataFrame:
    """Complaints missing from the headline measures because of quarantine.

    Returns
    -------
    polars.DataFrame
        One row per reporting year (``unknown`` when no date survives), stage (1, 2, or 0 for the
        whole complaint), rule and regime: ``complaints`` (distinct source rows, the rows of one
        complaint quarantined together counted once) and ``measures``
        (what they are missing from). Repeats of loaded rows (duplicate_row) are left out.
    """
    if not table_exists(con, "quarantine") or not table_exists(con, "ingest_file"):
        return pl.DataFrame()
    entries = query_frame(
        con,
        """
        select q.source_file, q.source_row, q.target_table, q.column_name, q.rule, q.raw_value,
               q.message,
               f.mapping, c.received_date, c.regime, c.complaint_id is not null as complaint_loaded
        from quarantine q
        join ingest_file f using (landlord_id, source_file)
        left join complaint c
          on c.landlord_id = q.landlord_id and c.source_file = q.source_file
         and c.source_row = q.source_row
        where q.landlord_id = ? and q.target_table in ('complaint', 'complaint_stage')
        """
        if table_exists(con, "complaint")
        else "select 1 where false",
        [landlord_id] if table_exists(con, "complaint") else None,
    )
    if entries.height:
        entries = entries.filter(~pl.col("rule").is_in(NO_EFFECT_RULES | FOLLOWING_RULES))
    if entries.is_empty():
        return pl.DataFrame()
    mappings = load_mappings(Path(workspace)) if workspace is not None else {}
    stages = _column_stages(mappings)
    entries = entries.join(stages, on=["mapping", "column_name"], how="left")
    # A date parsed from the quarantined received-date cell gives the year of a complaint that did
    # not load; only its year is kept.
    received = _received_columns(mappings)
    # Whether the quarantined cell is the received date itself (so an unknown year means that date
    # could not be read, not that the quarantine keeps no date for the row).
    received_cell = pl.lit(False)
    for path, (column, _) in received.items():
        received_cell = received_cell | (
            (pl.col("mapping") == path) & (pl.col("column_name") == column)
        ).fill_null(False)
    raw_dates = _raw_received_dates(con, entries, received)
    entries = entries.join(raw_dates, on=["mapping", "raw_value"], how="left")
    raw_date = pl.when(received_cell).then(pl.col("raw_date"))
    # A long export has a row per stage: a complaint loads from its lead row, so a later stage's
    # row never matches the complaint's row, and its columns name no stage (the row's stage
    # column does, which the quarantine does not keep).
    long = [
        p for p, m in mappings.items() if m.target == "complaint" and m.effective_shape == "long"
    ]
    is_long = pl.col("mapping").is_in(long)
    # A file per stage (a long mapping whose stage is a constant) says which stage each of its
    # rows is. A stage 2 file's row is that stage, whatever rule it broke: its complaint loads
    # from the stage 1 file (the report said "Whole complaint" of two conflicting stage 2 rows,
    # whose complaint and stage 1 were in CH01 and CH02).
    constant = {p: _constant_stage(m) for p, m in mappings.items() if p in long}
    constant_stage = pl.col("mapping").replace_strict(
        {p: n for p, n in constant.items() if n is not None}, default=None, return_dtype=pl.Int8
    )
    complaint_issue = (
        (pl.col("target_table") == "complaint").any().over("source_file", "source_row")
    )
    entries = entries.with_columns(
        pl.coalesce("received_date", raw_date).alias("date"),
        received_cell.alias("received_cell"),
        # a later stage's own row gives the date (of the escalation, for a stage 2), not the
        # complaint's first receipt
        (pl.col("received_date").is_null() & is_long).alias("stage_dated"),
        # A complaint-level rule takes the whole complaint out (stage 0); so does a stage rule
        # whose complaint did not load (a wide row: its complaint is that row's).
        pl.when(constant_stage >= 2)
        .then(constant_stage)
        .when(
            (pl.col("target_table") == "complaint")
            | complaint_issue
            | (~pl.col("complaint_loaded") & ~is_long)
        )
        .then(pl.lit(0, pl.Int8))
        .when(~is_long | (pl.col("stage").fill_null(0) > 0))
        .then(pl.col("stage").fill_null(0))
        .when(pl.col("rule") == "stage2_before_stage1_response")
        .then(pl.lit(2, pl.Int8))
        .when(constant_stage.is_not_null())
        .then(constant_stage)
        # a stage of a long export, which one not kept: the stage goes, its complaint stays
        .otherwise(pl.lit(UNKNOWN_STAGE, pl.Int8))
        .alias("stage"),
    )
    entries = entries.with_columns(
        (pl.col("stage_dated") & (pl.col("stage") == 2)).alias("escalation_dated")
    )
    # A complaint that did not load has no regime; a landlord with one regime has it anyway.
    regimes = query_frame(
        con, "select distinct regime from complaint where landlord_id = ?", [landlord_id]
    )["regime"].to_list()
    if len(regimes) == 1:
        entries = entries.with_columns(pl.col("regime").fill_null(regimes[0]))
    # Rows of one complaint quarantined together (conflicting rows, one complaint in two files)
    # name each other in their message: they are one complaint, counted once.
    row_key = pl.col("source_file") + " row " + pl.col("source_row").cast(pl.String)
    entries = entries.with_columns(
        pl.coalesce(
            pl.col("message").str.extract(r"\(" + CLASH_ROWS + r"([^()]*)\)$"), row_key
        ).alias("complaint_key")
    )
    per_row = entries.group_by("source_file", "source_row", "stage").agg(
        pl.col("rule").sort().first(),
        pl.col("date").drop_nulls().first(),
        pl.col("regime").drop_nulls().first(),
        pl.col("received_cell").any(),
        pl.col("complaint_key").sort().first(),
        pl.col("escalation_dated").any(),
    )
    # A row whose whole complaint is out counts once, under the whole complaint, not per stage.
    whole = per_row.filter(pl.col("stage") == 0).select("source_file", "source_row")
    per_row = pl.concat(
        [
            per_row.filter(pl.col("stage") == 0),
            per_row.filter(pl.col("stage") != 0).join(
                whole, on=["source_file", "source_row"], how="anti"
            ),
        ]
    )
    return (
        per_row.with_columns(
            pl.when(pl.col("date").is_not_null())
            .then(_year_key(pl.col("date")))
            .otherwise(pl.lit("unknown"))
            .alias("year")
        )
        .with_columns(
            # why a year is unknown: the received date was the cell that broke a rule, or the
            # quarantine keeps only the cell that did (not the row's received date)
            pl.when(pl.col("year") != "unknown")
            .then(None)
            .when(pl.col("received_cell"))
            .then(pl.lit("unreadable"))
            .otherwise(pl.lit("not_kept"))
            .alias("year_unknown")
        )
        .group_by("year", "stage", "rule", "regime", "year_unknown", "escalation_dated")
        .agg(pl.col("complaint_key").n_unique().alias("complaints"))
        .with_columns(
            pl.col("regime")
            .replace_strict(HEADLINE, default=HEADLINE[None])
            .fill_null(HEADLINE[None])
            .alias("measures")
        )
        .sort(["year", "stage", "complaints", "rule"], descending=[False, False, True, False])
    )


def impact_sentences(impact: pl.DataFrame) -> list[str]:
    """One sentence per row of :func:`quarantine_impact`, saying what to do."""
    sentences = []
    for row in impact.iter_rows(named=True):
        n = row["complaints"]
        what = (
            f"complaint stage{'s' if n != 1 else ''} (which stage the quarantine does not keep)"
            if row["stage"] == UNKNOWN_STAGE
            else f"stage {row['stage']} complaint{'s' if n != 1 else ''}"
            if row["stage"]
            else f"complaint{'s' if n != 1 else ''} (every stage)"
        )
        if row["year"] == "unknown" and row.get("year_unknown") == "not_kept":
            # conflicting rows, a complaint in two files, a code not in the mapping: the row's
            # received date may be fine; the quarantine keeps only the cell that broke the rule
            when = (
                "whose year is not known (the quarantine keeps no received date for "
                f"{'them' if n != 1 else 'it'})"
            )
        elif row["year"] == "unknown":
            when = "whose received date could not be read"
        elif row["stage"] == 2 and row.get("escalation_dated"):
            when = f"(escalation received in {row['year']})"
        elif row["stage"] == 2:
            when = f"(complaint first received in {row['year']})"
        else:
            when = f"received in {row['year']}"
        verb = "were" if n != 1 else "was"
        sentences.append(
            f"{n:,} {what} {when} {verb} quarantined ({rule_name(row['rule'])}) and "
            f"{'are' if n != 1 else 'is'} not in {row['measures']}: correct "
            f"{'them' if n != 1 else 'it'} at source and rerun."
        )
    return sentences


# A code a blank cell takes that says the value is not known: such a row has no value (a
# tenure read as 'unknown' is outside CH01 and CH02; the report counted it as complete).
NOT_A_VALUE = {("complaint", "tenure"): "unknown"}


def field_completeness(
    con: duckdb.DuckDBPyConnection, landlord_id: str, workspace: Path | None
) -> pl.DataFrame:
    """Per mapped complaint field (and stage): loaded rows, rows with a value, and the share
    (unrounded; null for no rows: the report rounds it half up, ``[U]`` for null).

    Only fields a mapping reads from a source column are listed (a constant is always complete);
    one aggregate query per table, whatever the number of complaints.
    """
    if workspace is None:
        return pl.DataFrame()
    mappings = load_mappings(Path(workspace))
    mapped: dict[tuple[str, int], dict[str, set[str]]] = {}
    for mapping in mappings.values():
        if mapping.target != "complaint":  # ombudsman cases, surveys, compliments ...
            tables = [(mapping.target, mapping.columns), ("ombudsman_finding", mapping.finding)]
            for table, specs in tables:
                for field, spec in specs.items():
                    if spec.column is not None:
                        fields = mapped.setdefault((table, 0), {})
                        fields.setdefault(field, set()).add(spec.column)
            continue
        if mapping.effective_shape == "long":
            # A long mapping's columns hold the stage's fields too (acknowledged, responded,
            # outcome ...): they were left out, as no complaint column, so a long export's
            # completeness listed none of the fields its timeliness measures read.
            constant = _constant_stage(mapping)
            stage_fields = mappable_fields("complaint_stage")
            for field, spec in mapping.columns.items():
                if spec.column is None or field in ("stage", "complaint_id"):
                    continue
                if field not in stage_fields:
                    continue
                for stage in [constant] if constant in (1, 2) else [1, 2]:
                    key = ("complaint_stage", stage)
                    mapped.setdefault(key, {}).setdefault(field, set()).add(spec.column)
        for field, spec in mapping.columns.items():
            if spec.column is not None:
                mapped.setdefault(("complaint", 0), {}).setdefault(field, set()).add(spec.column)
        for stage, fields in mapping.stages.items():
            for field, spec in fields.items():
                if spec.column is not None:
                    key = ("complaint_stage", int(stage))
                    mapped.setdefault(key, {}).setdefault(field, set()).add(spec.column)
    records = []
    for (table, stage), fields in sorted(mapped.items()):
        if not table_exists(con, table):
            continue
        present = set(query_frame(con, f"select * from {table} limit 0").columns)  # noqa: S608
        names = sorted(f for f in fields if f in present)
        if not names:
            continue
        counts = ", ".join(
            f'count("{f}") filter (where "{f}" <> {lit(NOT_A_VALUE[table, f])}) as "{f}"'
            if (table, f) in NOT_A_VALUE
            else f'count("{f}") as "{f}"'
            for f in names
        )
        where = "landlord_id = ?" + (" and stage = ?" if stage else "")
        params = [landlord_id, stage] if stage else [landlord_id]
        row = con.execute(
            f"select count(*) as _rows, {counts} from {table} where {where}",  # noqa: S608
            params,
        ).fetchall()[0]
        total = row[0]
        for name, filled in zip(names, row[1:], strict=True):
            records.append(
                [
                    f"Complaint stage {stage}" if stage else label(table),
                    label(name),
                    ", ".join(sorted(fields[name])),
                    total,
                    filled,
                    None if total == 0 else 100.0 * filled / total,
                ]
            )
    return pl.DataFrame(
        records,
        schema={
            "Level": pl.String,
            "Field": pl.String,
            "Source column": pl.String,
            "Rows loaded": pl.Int64,
            "With a value": pl.Int64,
            "Complete (%)": pl.Float64,
        },
        orient="row",
    )
