"""A wide row whose stage 2 says something (refused, or an outcome) but has no dates.

A stage existed only when its received, acknowledged or responded cell was filled. A register
row whose 'S2 Result' reads 'Refused - out of time' (an escalation refused, Code 8.1) or 'Upheld'
with the stage 2 dates left blank loaded its stage 1 and dropped the stage 2 without a word: the
refusal was missing from the refusals count and nothing said so (Ashdown Vale Homes' onboarding).
Such a stage is now required_missing on its received column, its row quarantined with file, row
and column; the stage 1 still loads.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.fixtures.ingest.workspaces import load_one_export

CSV = (
    "Case No;Logged;S1 Closed;S1 Result;S2 Requested;S2 Closed;S2 Result\r\n"
    "A1;03/06/2024;10/06/2024;Upheld;;;\r\n"
    "A2;04/06/2024;11/06/2024;Not Upheld;;;Refused - out of time\r\n"
    "A3;05/06/2024;12/06/2024;Not Upheld;;;Upheld\r\n"
    "A4;06/06/2024;13/06/2024;Not Upheld;;;\r\n"
    "A5;07/06/2024;14/06/2024;Not Upheld;20/06/2024;;\r\n"
)

MAPPING = """\
files: ["exports/register.csv"]
delimiter: ";"
target: complaint
shape: wide
date_formats: ["%d/%m/%Y"]
columns:
  complaint_id: "Case No"
stages:
  1:
    received_date: "Logged"
    responded_date: "S1 Closed"
    outcome: {column: "S1 Result", codes: {"Upheld": upheld, "Not Upheld": not_upheld}, default: open}
  2:
    received_date: "S2 Requested"
    responded_date: "S2 Closed"
    outcome:
      column: "S2 Result"
      codes: {"Upheld": upheld, "Not Upheld": not_upheld, "Refused - out of time": open}
      default: open
    refused: {column: "S2 Result", codes: {"Refused - out of time": true}, other: false}
"""


def _load(tmp_path: Path, csv_text: str) -> duckdb.DuckDBPyConnection:
    return load_one_export(tmp_path / "test_homes", csv_text, MAPPING)


def test_a_stage_2_outcome_or_refusal_without_dates_is_required_missing(tmp_path) -> None:
    con = _load(tmp_path, CSV)
    quarantined = con.execute(
        "select source_row, column_name, rule from quarantine order by 1"
    ).fetchall()
    # rows 3 (refused) and 4 (an outcome): the file's rows are counted from the header (row 1)
    assert quarantined == [
        (3, "S2 Requested", "required_missing"),
        (4, "S2 Requested", "required_missing"),
    ]
    stages = con.execute("select stage, count(*) from complaint_stage group by 1 order by 1")
    assert stages.fetchall() == [(1, 5), (2, 1)]  # every stage 1 loads; A5's stage 2 too
    counted = con.execute("select rows_in, rows_loaded, rows_quarantined from ingest_file")
    assert counted.fetchall() == [(5, 3, 2)]


def test_a_stage_2_with_nothing_in_it_is_no_stage(tmp_path) -> None:
    blank = "\r\n".join(line for line in CSV.split("\r\n") if not line.startswith(("A2", "A3")))
    con = _load(tmp_path, blank)
    assert con.execute("select count(*) from quarantine").fetchone() == (0,)
