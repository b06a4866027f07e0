"""The data-quality report for analysts: what was quarantined, where, and what to fix at source.

Reads the ingest ledger (``ingest_file``) and the ``quarantine`` table, whose entries hold only
structured mapped fields (file, row, column, rule, raw value; never free text or personal data).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from pipeline.io import atomic_write_text, safe_cell
from pipeline.reporting.data import query_frame, table_exists
from pipeline.reporting.quality_impact import (
    RULE_NAMES,
    UNKNOWN_STAGE,
    field_completeness,
    impact_sentences,
    quarantine_impact,
    rule_name,
)
from pipeline.rounding import display

if TYPE_CHECKING:
    from pipeline.config import Landlord
    from pipeline.reporting.blocks import Section

SAMPLE_ROWS_PER_RULE = 5

# rule id (pipeline/sources/fields.py RULE_TEXT) -> what to change in the case-management system.
FIX_IN_SOURCE = {
    "date_unparseable": "Make the date fields date-typed in the case system or the report "
    "definition, or add the export's date format to the mapping's date formats. An export that "
    "writes a placeholder in empty cells (NULL) needs it in the mapping's list of blank values "
    "(docs/mapping.md). A date shown as '########' was saved by Excel from a column too narrow to "
    "show it: widen the column before saving, or take the export straight from the case "
    "system.",
    "date_too_early": "Correct dates keyed before 1970 (a mistyped year such as 1925 for 2025); "
    "make the case system refuse a date before the landlord's records begin.",
    "date_time_invalid": "Correct the time keyed with the date (an hour past 24, such as 25:10, "
    "or minutes past 59) and check the date with the case: a time mistyped so may mean the "
    "date was too; make the case system's time field refuse a time that does not exist.",
    "date_weekday_mismatch": "Look the case up and correct the date: its weekday and its day of "
    "the month name different days, so which was meant cannot be known from the export. Take "
    "the date from the case system's date field rather than a typed text.",
    "weight_implausible": "Check the survey weights with the survey agency: a weight far above "
    "the others of its stock type (or above the number of homes) is usually a mistyped figure or "
    "a grossing weight mixed into normalised ones; send the weights again as one scheme.",
    "weight_missing": "Ask the survey agency for every response's weight (a weighted survey "
    "gives each one). If some responses are meant to count unweighted, set the mapping's weight "
    "default to 1 (docs/mapping.md).",
    "date_in_future": "Correct dates keyed after the data cut date (often a mistyped year); "
    "check the export was taken after the data cut date set in landlord.yaml.",
    "required_missing": "Make the field mandatory when a case is logged or closed (received "
    "date, case reference, service area, tenure).",
    "unknown_code": "Use only the case system's agreed pick-list values, or add the new code to "
    "the mapping's codes list with the canonical value it means.",
    "number_unparseable": "Store amounts and extension days as numbers, without text such as "
    "'TBC' or 'n/a' (a placeholder the export writes in every empty cell, such as NULL, is "
    "listed in the mapping's blank values). An export that writes a decimal comma ('1.250,50', "
    "'0,75') needs decimal: ',' in its mapping.",
    "response_before_receipt": "Check the response and received dates: a response cannot come "
    "before the stage was received. Stop back-dating responses when cases are re-opened.",
    "ack_before_receipt": "Check the acknowledgement and received dates; record the date the "
    "stage was actually received.",
    "stage2_before_stage1_response": "Log an escalation only after the stage 1 response, or "
    "correct the stage 1 response date.",
    "duplicate_row": "Remove repeated lines from the export (often a report joining on a "
    "one-to-many table such as contacts or actions).",
    "conflicting_rows": "Keep one line per complaint and stage: the export has two different "
    "versions of the same case; fix the report so it returns the latest.",
    "duplicate_id_across_files": "A case appears in two exports with different details: take "
    "exports that do not overlap, or re-run both from the same date.",
    "route_unknown": "Use the agreed record types, or list the new value under the mapping's "
    "route values.",
    "id_in_scientific_notation": "Export references as text: a long numeric reference opened and "
    "saved in Excel becomes a rounded number (1.23457E+11); take the export again straight from "
    "the case system, or format the column as text before saving.",
    "parent_quarantined": "Fix the problem of the complaint's own row, which quarantine.csv "
    "names in the message (in a long export, or a file per stage, another row, perhaps of "
    "another file); its stages then load too.",
    "wrong_cell_count": "Export with a cell that holds the delimiter (a comma typed in a note) "
    "quoted, as Excel's 'CSV UTF-8' does (a report that joins cells with commas does not); "
    "check that no line was cut short and no two cells merged.",
    "id_is_excel_error": "Export references as values: the reference column holds a formula "
    "Excel could not work out (#N/A, #REF!), as when a lookup fails or a sheet it refers to was "
    "deleted; fix the formula or take the export again straight from the case system.",
    "totals_row": "Set the mapping's footer (its column and a pattern such as '^Total') so "
    "the report's totals line below the data is left out and not counted; it is set aside, "
    "never counted as a complaint.",
    "repeated_header": "Take one export per file: the header's names appear again as a row, as "
    "when two exports are joined into one file or a report prints its header on every page. "
    "The row is set aside, never counted as a complaint; the rows around it load.",
}
GENERIC_FIX = "See the rule's message; correct the value in the case system or the mapping."

QUARANTINE_COLUMNS = [
    "source_file",
    "source_row",
    "target_table",
    "column_name",
    "rule",
    "message",
    "raw_value",
]


def quarantine_frame(con: duckdb.DuckDBPyConnection, landlord_id: str) -> pl.DataFrame:
    """Every quarantine entry of the landlord, in file and row order."""
    if not table_exists(con, "quarantine"):
        return pl.DataFrame(schema={c: pl.String for c in QUARANTINE_COLUMNS})
    return query_frame(
        con,
        f"select {', '.join(QUARANTINE_COLUMNS)} from quarantine where landlord_id = ? "  # noqa: S608
        "order by source_file, source_row, column_name, rule",
        [landlord_id],
    )


# Why a loaded value reads 'other' (the label_other table; docs/mapping.md "Personal data in
# mapped fields"): said once, for the data-quality report and data_quality_counts.csv.
STORED_AS_OTHER_TEXT = (
    "Values stored as 'other': a label field's value that is none of its codes, or a free-text "
    "value that held contact details, named a person, ran to more than 255 characters or was an "
    "Excel error such as #N/A. The row "
    "is not quarantined for it, and the value itself stays in the export. Add the value to the "
    "mapping's codes list, or remove the personal data (or shorten the text) in the case system."
)


# Said with the values stored as 'other': the other way a loaded label differs from its cell.
SCHEME_SPELLINGS_TEXT = (
    "Scheme names that differ only in case or spaces ('Riverside Court', 'RIVERSIDE COURT', "
    "'Riverside  Court') are read as one scheme in every table, breakdown and scheme report, "
    "shown in their most frequent spelling; so are categories, root causes and learning themes. "
    "Use one spelling in the case system to control which is shown."
)


# What a dash in the sample of quarantined rows stands for (a null column or raw value).
SAMPLE_DASH_NOTE = (
    "–: no column or value: the rule is on the whole row (a duplicate or conflicting row), or "
    "the cell was empty."
)


def stored_as_other_frame(con: duckdb.DuckDBPyConnection, landlord_id: str) -> pl.DataFrame:
    """Per file, field and source column: the rows whose value was stored as 'other'."""
    columns = {"File": pl.String, "Field": pl.String, "Column": pl.String, "Rows": pl.Int64}
    if not table_exists(con, "label_other"):
        return pl.DataFrame(schema=columns)
    return query_frame(
        con,
        """
        select source_file as "File", target_table || '.' || field_name as "Field",
               column_name as "Column", sum(rows_other)::bigint as "Rows"
        from label_other where landlord_id = ?
        group by all order by all
        """,
        [landlord_id],
    )


def write_quarantine_csv(frame: pl.DataFrame, path: Path) -> Path:
    """Write the quarantine entries to CSV with formula-safe cells (= + - @ neutralised)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(QUARANTINE_COLUMNS)
    # Row count is the number of quarantined records (small by design); safe_cell is per value.
    writer.writerows([safe_cell(v) for v in row] for row in frame.select(QUARANTINE_COLUMNS).rows())
    return atomic_write_text(path, buffer.getvalue())


def impact_section(
    con: duckdb.DuckDBPyConnection, landlord_id: str, workspace: Path | None
) -> Section:
    """What quarantine takes out of the headline measures, per year, stage and rule."""
    from pipeline.reporting.blocks import Section
    from pipeline.reporting.tables import data_table

    section = Section("dq-impact", "What quarantine takes out of the headline figures")
    impact = quarantine_impact(con, landlord_id, workspace)
    if impact.is_empty():
        section.note("No quarantined complaint is missing from any measure.")
        return section
    section.bullets(impact_sentences(impact))
    section.add_table(
        data_table(
            "tbl-dq-impact",
            "Complaints missing from the headline measures because of quarantine",
            impact.select(
                pl.when(pl.col("year_unknown") == "not_kept")
                .then(pl.lit("not known (date not kept)"))
                .when(pl.col("year_unknown") == "unreadable")
                .then(pl.lit("not known (date could not be read)"))
                .otherwise(pl.col("year"))
                .alias("Received in"),
                pl.when(pl.col("stage") == 0)
                .then(pl.lit("Whole complaint"))
                .when(pl.col("stage") == UNKNOWN_STAGE)
                .then(pl.lit("A stage (which one not kept)"))
                .otherwise(pl.lit("Stage ") + pl.col("stage").cast(pl.String))
                .alias("Stage"),
                pl.col("rule").map_elements(rule_name, return_dtype=pl.String).alias("Rule"),
                pl.col("complaints").alias("Complaints"),
                pl.col("measures").alias("Missing from"),
            ),
            align_right=["Complaints"],
        )
    )
    return section


def completeness_section(
    con: duckdb.DuckDBPyConnection, landlord_id: str, workspace: Path | None
) -> Section:
    """Share of loaded rows with a value, per mapped field."""
    from pipeline.reporting.blocks import Section
    from pipeline.reporting.tables import data_table, with_separators

    section = Section("dq-completeness", "Field completeness")
    frame = field_completeness(con, landlord_id, workspace)
    if frame.is_empty():
        section.note("Field completeness: not available (no mappings or no loaded rows).")
        return section
    section.text(
        "For each field a mapping reads from the export: the rows loaded and how many carry a "
        "value. A blank optional field is not an error, but a low share of a field a measure uses "
        "(acknowledged date, response date, outcome) changes that measure."
    )
    section.add_table(
        data_table(
            "tbl-dq-completeness",
            "Loaded rows with a value, per mapped field",
            # half up to 1 dp, as every rate the documents show (Polars rounds half to even)
            with_separators(
                frame.with_columns(
                    pl.col("Complete (%)")
                    .map_elements(display, return_dtype=pl.String)
                    .fill_null("[U]")
                ),
                ["Rows loaded", "With a value"],
            ),
            align_right=["Rows loaded", "With a value", "Complete (%)"],
        )
    )
    return section


def quality_sections(
    con: duckdb.DuckDBPyConnection,
    landlord_id: str,
    quarantine: pl.DataFrame,
    workspace: Path | None = None,
    landlord: Landlord | None = None,
) -> list[Section]:
    """Summary, what quarantine takes out of the headline measures, counts by file and rule, what
    to fix per rule, sample rows per rule, and field completeness (``workspace`` gives the
    mappings: which source column feeds which stage and field). With ``landlord`` the summary
    also says how many stages' extension days and extended due date disagree (when any stage
    records both)."""
    # the document libraries load here, not when a returns-only run writes quarantine.csv
    from pipeline.reporting.annual import ingest_summary
    from pipeline.reporting.blocks import Section
    from pipeline.reporting.tables import data_table, with_separators

    summary = Section("dq-summary", "Summary")
    files = ingest_summary(con, landlord_id)
    if files.height:
        totals = files.select(pl.col("Rows read", "Loaded", "Quarantined").sum()).row(0)
        balanced = (
            files.filter(pl.col("Rows read") != pl.col("Loaded") + pl.col("Quarantined")).height
            == 0
        )
        summary.bullets(
            [
                f"{files.height} input files; {totals[0]:,} data rows read, {totals[1]:,} loaded "
                f"and {totals[2]:,} quarantined.",
                "Every row is accounted for (rows read = loaded + quarantined in every file)."
                if balanced
                else "Warning: in at least one file rows read do not equal loaded + quarantined.",
                f"{quarantine.height} quarantine entries under "
                f"{quarantine['rule'].n_unique() if quarantine.height else 0} rules.",
                *_before_reporting_years(con, landlord_id),
                *_extension_disagreements(con, landlord),
            ]
        )
        summary.add_table(
            data_table(
                "tbl-dq-files",
                "Rows read, loaded and quarantined per file",
                with_separators(files, ["Rows read", "Loaded", "Quarantined"]),
            )
        )
    else:
        summary.note("No ingest ledger in the database: run the ingest step first.")

    by_rule = Section("dq-by-rule", "Quarantine by file and rule")
    if quarantine.height:
        counts = (
            quarantine.group_by("source_file", "rule")
            .len()
            .sort("source_file", "rule")
            .select(
                pl.col("source_file").alias("File"),
                _rule_in_words(),
                pl.col("rule").alias("Rule code (quarantine.csv)"),
                pl.col("len").alias("Entries"),
            )
        )
        by_rule.add_table(
            data_table("tbl-dq-file-rule", "Quarantine entries by file and rule", counts)
        )
    else:
        by_rule.note("Nothing was quarantined.")

    other = Section("dq-other", "Values stored as 'other'")
    stored_as_other = stored_as_other_frame(con, landlord_id)
    other.text(STORED_AS_OTHER_TEXT)
    if stored_as_other.height:
        other.add_table(
            data_table(
                "tbl-dq-other",
                "Rows with a value stored as 'other', by file, field and source column",
                stored_as_other,
                align_right=["Rows"],
            )
        )
    else:
        other.note("No value was stored as 'other'.")
    other.text(SCHEME_SPELLINGS_TEXT)

    fixes = Section("dq-fixes", "What to fix in the source system")
    samples = Section("dq-samples", "Sample quarantined rows")
    if quarantine.height:
        rules = quarantine.group_by("rule").agg(pl.len().alias("n"), pl.col("message").first())
        rules = rules.sort(["n", "rule"], descending=[True, False])
        fixes.add_table(
            data_table(
                "tbl-dq-fixes",
                "Rules broken and what to change at source",
                rules.select(
                    _rule_in_words(),
                    pl.col("rule").alias("Rule code (quarantine.csv)"),
                    pl.col("n").alias("Entries"),
                    pl.col("rule")
                    .replace_strict(FIX_IN_SOURCE, default=GENERIC_FIX)
                    .alias("What to fix in the source system"),
                ),
                align_right=["Entries"],
            )
        )
        sample = (
            quarantine.with_columns(pl.int_range(pl.len()).over("rule").alias("_n"))
            .filter(pl.col("_n") < SAMPLE_ROWS_PER_RULE)
            .sort("rule", "source_file", "source_row")
            .select(
                pl.col("source_file").alias("File"),
                pl.col("source_row").alias("Row"),
                pl.col("column_name").alias("Column"),
                # one source row may be held back as a complaint and as its stage (a wide row's
                # received date is both): the record says which entry a line is
                pl.col("target_table").str.replace_all("_", " ").alias("Record"),
                _rule_in_words(),
                pl.col("raw_value").alias("Raw value"),
            )
        )
        samples.text(
            f"Up to {SAMPLE_ROWS_PER_RULE} rows per rule; the full list is in quarantine.csv. "
            "Only mapped fields are shown: file, row, column, the record held back (a complaint, "
            "a complaint stage ...), rule and the raw value."
        )
        # a null shows as a dash, which means two things here: said, or the cell reads as blank
        blank = sample.select(
            pl.col("Column").is_null().any() | pl.col("Raw value").is_null().any()
        )
        samples.add_table(
            data_table(
                "tbl-dq-samples",
                "Sample quarantined rows by rule",
                sample,
                align_right=["Row"],
                note=SAMPLE_DASH_NOTE if blank.item() else None,
            )
        )
    else:
        fixes.note("Nothing to fix: no row was quarantined.")
        samples.note("No quarantined rows.")
    return [
        summary,
        impact_section(con, landlord_id, workspace),
        by_rule,
        other,
        fixes,
        samples,
        completeness_section(con, landlord_id, workspace),
    ]


def _extension_disagreements(
    con: duckdb.DuckDBPyConnection, landlord: Landlord | None
) -> list[str]:
    """A bullet when some stage records both extension days and an extended due date."""
    if landlord is None:
        return []
    from pipeline.measures import extension_disagreements

    n = extension_disagreements(con, landlord)
    if n is None:
        return []
    return [
        f"{n:,} loaded stage(s) record an extension in working days and an extended due date "
        "that give different extensions; the working days were used (data_quality_counts.csv, "
        "check extension_wd_disagrees_with_extended_due_date). Correct one of the two at source."
        if n
        else "Every stage that records both an extension in working days and an extended due "
        "date gives the same extension by both."
    ]


def _before_reporting_years(con: duckdb.DuckDBPyConnection, landlord_id: str) -> list[str]:
    """A sentence on the loaded complaints received before the first reporting year, if any.

    They load (a date is a date) but fall in no year's figures, so a year typed wrongly in the
    case system (1995 for 2025) would leave a complaint out of every measure without a word.
    """
    from pipeline.partition_keys import REPORTING_YEARS
    from pipeline.periods import ReportingYear
    from pipeline.reporting.data import table_exists

    if not table_exists(con, "complaint"):
        return []
    first = ReportingYear.parse(REPORTING_YEARS[0])
    count, earliest = con.execute(
        "select count(*), min(received_date) from complaint "
        "where landlord_id = ? and received_date < ?",
        [landlord_id, first.start],
    ).fetchone()
    if not count:
        return []
    return [
        f"{count:,} loaded complaint{'s were' if count != 1 else ' was'} received before "
        f"{first.start:%-d %B %Y}, when {first.label}, the first reporting year, begins (the "
        f"earliest on {earliest:%-d %B %Y}): in no year's figures. If that is a year typed "
        "wrongly in the case system (1995 for 2025), correct it there."
    ]


def _rule_in_words() -> pl.Expr:
    """The ``rule`` column as the reader's words ("a date that could not be read")."""
    return (
        pl.col("rule")
        .replace_strict(RULE_NAMES, default=pl.col("rule").str.replace_all("_", " "))
        .alias("Rule")
    )
