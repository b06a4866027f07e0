"""A stage's 'Result' column that holds both its outcome and its refusal ('Upheld', 'Not Upheld',
'Refused - outside policy'), mapped to `outcome`, `refused` and `refusal_reason` (Ashdown Vale
Homes' register).

`refusal_reason` is a label field: a value its codes do not list is stored as 'other' and counted
in `label_other`. Read from the Result column, every answered stage ('Upheld') got the refusal
reason 'other' and the data-quality counts said 261 values were stored as 'other', none of them a
reason. `other: null` now leaves the values not listed blank, and counts none of them.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.fixtures.ingest.workspaces import load_one_export

CSV = (
    "Case No;Logged;S1 Closed;S1 Result\r\n"
    "A1;03/06/2024;10/06/2024;Upheld\r\n"
    "A2;04/06/2024;;Refused - outside policy\r\n"
    "A3;05/06/2024;;\r\n"
    "A4;06/06/2024;12/06/2024;Not Upheld\r\n"
)

MAPPING = """\
files: ["exports/register.csv"]
delimiter: ";"
target: complaint
shape: wide
date_formats: ["%d/%m/%Y"]
columns:
  complaint_id: "Case No"
  received_date: "Logged"
stages:
  1:
    received_date: "Logged"
    responded_date: "S1 Closed"
    outcome:
      column: "S1 Result"
      codes: {"Upheld": upheld, "Not Upheld": not_upheld, "Refused - outside policy": open}
      default: open
    refused: {column: "S1 Result", codes: {"Refused - outside policy": true}, other: false}
    refusal_reason: {column: "S1 Result", codes: {"Refused - outside policy": not_our_service}, other: null}
"""


def _load(tmp_path: Path, mapping: str) -> duckdb.DuckDBPyConnection:
    con = load_one_export(tmp_path / "test_homes", CSV, mapping)
    assert con.execute("select count(*) from quarantine").fetchone()[0] == 0
    return con


def test_only_the_refused_stage_has_a_reason_and_nothing_is_stored_as_other(tmp_path) -> None:
    con = _load(tmp_path, MAPPING)
    stages = con.execute(
        "select day(c.received_date), s.outcome, s.refused, s.refusal_reason "
        "from complaint_stage s join complaint c using (complaint_id) order by 1"
    ).fetchall()
    assert stages == [
        (3, "upheld", False, None),
        (4, "open", True, "not_our_service"),
        (5, "open", False, None),
        (6, "not_upheld", False, None),
    ]
    assert con.execute("select count(*) from label_other").fetchone()[0] == 0


def test_without_other_null_values_not_listed_are_still_other_and_counted(tmp_path) -> None:
    con = _load(tmp_path, MAPPING.replace(", other: null}", "}"))
    reasons = con.execute(
        "select refusal_reason, count(*) from complaint_stage group by 1 order by 1 nulls last"
    ).fetchall()
    assert reasons == [("not_our_service", 1), ("other", 2), (None, 1)]
    assert con.execute("select sum(rows_other) from label_other").fetchone()[0] == 2
