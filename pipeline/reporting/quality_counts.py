"""The data-quality files a returns-only run writes: quarantine.csv and data_quality_counts.csv.

``complaints run --only returns`` prepares a return without the documents, but an analyst still needs
to see what was not loaded before submitting it: the quarantined records (``quarantine.csv``, the same
file the data-quality report writes) and the counts behind them (``data_quality_counts.csv``: rows
read, loaded and quarantined per file, quarantine entries per rule, and values stored as 'other'
per file and field). Counts only: no raw value beyond what quarantine.csv already carries for
structured fields.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb

from pipeline.config import Landlord
from pipeline.io import atomic_write_bytes, safe_cell
from pipeline.measures import extension_disagreements
from pipeline.reporting.quality import (
    quarantine_frame,
    stored_as_other_frame,
    write_quarantine_csv,
)

COUNTS_FILE = "data_quality_counts.csv"
COUNTS_COLUMNS = ["level", "name", "rows_in", "rows_loaded", "rows_quarantined", "entries"]
EXTENSION_DISAGREES = "extension_wd_disagrees_with_extended_due_date"


STAGE2_ALONE = "stage2_without_stage1"
NOT_OWNED = "mostly_not_owned_stock"
# Fewer English LCRA/LCHO complaints than this in a file are too few to say "most" of.
NOT_OWNED_MIN = 10


# ``check`` rows: loaded records a rule kept but an analyst should look at (name -> meaning).
CHECKS = {
    EXTENSION_DISAGREES: "stages with both an extension in working days and an extended due "
    "date that give different extensions; the working days were used",
    STAGE2_ALONE: "stage 2 rows of a file of stage 2s only whose complaint has no stage 1 in "
    "any file read (a complaint of their own, its tenure unknown unless the stage 2 file gives "
    "it), per file",
    NOT_OWNED: "English complaints from LCRA or LCHO tenants marked as homes managed for "
    "another owner (is_tenant_of_owned_stock false, so outside CH01 and CH02), per file where "
    "they are most of its English LCRA and LCHO complaints: a flag that says the opposite "
    "('Managed for others: Y') mapped as it is written",
}


def stage2_without_stage1(con: duckdb.DuckDBPyConnection, landlord_id: str) -> list[tuple]:
    """``(file, stage 2 rows, of them with no tenure)`` for each file of stage 2 rows only (a
    file per stage, docs/mapping.md) some of whose stage 2s have no stage 1 in any file read.

    Such a stage 2 leads a complaint of its own, with only its own file's complaint fields: a
    stage 1 file moved out of exports/, or a reference the two files write differently, left a
    year's escalations without tenure, outside CH01(2) and CH02(2), with nothing to say so.
    """
    return con.execute(
        """
        with stage_files as (
            select source_file from complaint_stage where landlord_id = $l
            group by source_file having bool_and(stage = 2)
        )
        select s.source_file, count(*), count(*) filter (where c.tenure = 'unknown')
        from complaint_stage s
        join stage_files using (source_file)
        join complaint c on c.landlord_id = s.landlord_id and c.complaint_id = s.complaint_id
        where s.landlord_id = $l and not exists (
            select 1 from complaint_stage s1 where s1.landlord_id = s.landlord_id
              and s1.complaint_id = s.complaint_id and s1.stage = 1)
        group by s.source_file order by s.source_file
        """,
        {"l": landlord_id},
    ).fetchall()


def mostly_not_owned_stock(con: duckdb.DuckDBPyConnection, landlord_id: str) -> list[tuple]:
    """``(file, not owned, English LCRA/LCHO complaints)`` for each file where most of its
    English LCRA and LCHO complaints (at least :data:`NOT_OWNED_MIN`) are marked as homes
    managed for another owner.

    A landlord's own tenants are nearly all of its complaints; a file where most are not is
    nearly always a flag that says the opposite of ``is_tenant_of_owned_stock`` ('Agency
    managed', 'Managed for others': Y for the homes that are not owned) mapped without
    ``codes: {"Y": false, "N": true}``. Read so, CH01 and CH02 left out most of the landlord's
    tenants without a word (Tweed & Cheviot's register: CH01(1) LCRA 15 for 55).
    """
    return con.execute(
        """
        select source_file, count(*) filter (where not is_tenant_of_owned_stock), count(*)
        from complaint
        where landlord_id = $l and regime = 'eng' and tenure in ('lcra', 'lcho')
        group by source_file
        having count(*) >= $min
           and 2 * count(*) filter (where not is_tenant_of_owned_stock) > count(*)
        order by source_file
        """,
        {"l": landlord_id, "min": NOT_OWNED_MIN},
    ).fetchall()


def not_owned_warning(source: str, not_owned: int, english: int) -> str:
    """The run's warning for :func:`mostly_not_owned_stock` (no cell is quoted)."""
    return (
        f"{source}: {not_owned:,} of {english:,} English complaints from LCRA or LCHO tenants "
        "are marked as homes managed for another owner (is_tenant_of_owned_stock false), so "
        "they are not in CH01 and CH02: if the column mapped to is_tenant_of_owned_stock says "
        "the opposite (Y for a home managed for another owner), map it with "
        '{column: ..., codes: {"Y": false, "N": true}, default: true} (docs/mapping.md, '
        "'Field specs')"
    )


def quality_counts(
    con: duckdb.DuckDBPyConnection, landlord_id: str, landlord: Landlord | None = None
) -> list[list]:
    """Rows of ``data_quality_counts.csv``: one per input file, a total, and one per rule.

    ``level`` is ``file`` (rows in / loaded / quarantined from the ingest ledger, which reconcile),
    ``total`` (their sums), ``rule`` (quarantine entries per rule; a row can break several),
    ``stored_as_other`` (rows whose value of one field was read as 'other', per file, field and
    source column: ``quality.STORED_AS_OTHER_TEXT``) or ``check`` (loaded stages worth a look,
    :data:`CHECKS`; with ``landlord`` only: ``extension_wd_disagrees_with_extended_due_date``,
    written when some stage records both, 0 included).
    """
    files = con.execute(
        "select source_file, rows_in, rows_loaded, rows_quarantined from ingest_file "
        "where landlord_id = $l order by source_file",
        {"l": landlord_id},
    ).fetchall()
    rules = con.execute(
        "select rule, count(*) from quarantine where landlord_id = $l "
        "group by rule order by count(*) desc, rule",
        {"l": landlord_id},
    ).fetchall()
    rows = [
        ["file", name, rows_in, loaded, quarantined, None]
        for name, rows_in, loaded, quarantined in files
    ]
    totals = [sum(row[i] for row in files) for i in (1, 2, 3)]
    rows.append(["total", "all files", *totals, sum(n for _, n in rules)])
    rows += [["rule", rule, None, None, None, n] for rule, n in rules]
    rows += [
        ["stored_as_other", f"{file}: {field} (column '{column}')", None, None, None, n]
        for file, field, column, n in stored_as_other_frame(con, landlord_id).iter_rows()
    ]
    rows += [
        ["check", f"{STAGE2_ALONE}: {file}", None, None, None, n]
        for file, n, _ in stage2_without_stage1(con, landlord_id)
    ]
    rows += [
        ["check", f"{NOT_OWNED}: {file}", None, None, None, n]
        for file, n, _ in mostly_not_owned_stock(con, landlord_id)
    ]
    if landlord is not None:
        disagreements = extension_disagreements(con, landlord)
        if disagreements is not None:
            rows.append(["check", EXTENSION_DISAGREES, None, None, None, disagreements])
    return rows


def write_quality_files(
    con: duckdb.DuckDBPyConnection,
    landlord_id: str,
    out_dir: Path,
    landlord: Landlord | None = None,
) -> dict[str, Path]:
    """Write ``quarantine.csv`` and ``data_quality_counts.csv`` into ``out_dir`` (atomically).

    ``landlord`` (landlord.yaml) adds the ``check`` rows that need the working-day calendar.

    Returns
    -------
    dict[str, Path]
        ``{"quarantine": ..., "counts": ...}``.
    """
    out_dir = Path(out_dir)
    quarantine = write_quarantine_csv(
        quarantine_frame(con, landlord_id), out_dir / "quarantine.csv"
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COUNTS_COLUMNS)
    writer.writerows(
        ["" if cell is None else safe_cell(cell) for cell in row]
        for row in quality_counts(con, landlord_id, landlord)
    )
    counts = atomic_write_bytes(out_dir / COUNTS_FILE, buffer.getvalue().encode("utf-8-sig"))
    return {"quarantine": quarantine, "counts": counts}
