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


# ``check`` rows: loaded records a rule kept but an analyst should look at (name -> meaning).
CHECKS = {
    EXTENSION_DISAGREES: "stages with both an extension in working days and an extended due "
    "date that give different extensions; the working days were used",
    STAGE2_ALONE: "stage 2 rows of a file of stage 2s only whose complaint has no stage 1 in "
    "any file read (a complaint of their own, its tenure unknown unless the stage 2 file gives "
    "it), per file",
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
