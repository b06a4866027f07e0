"""Codes written with other spaces than the mapping's: a no-break space ('Partly\\u00a0Upheld', as a
report copied from a web page or a rich-text field writes it) or two spaces ('Refused -  outside
policy') inside the value. docs/mapping.md says no-break and zero-width spaces read as a space in
cells, but a coded cell was matched as written: each such row was unknown_code (Ashdown Vale
Homes' register, 5 rows of a test edit). Spaces are folded on both sides of the match now, in
codes lists, label fields and route values.
"""

from __future__ import annotations

from pathlib import Path

from tests.fixtures.ingest.workspaces import load_one_export

CSV = (
    "Case No;Type;Logged;S1 Result\r\n"
    "A1;Complaint;03/06/2024;Partly\u00a0Upheld\r\n"
    "A2;Complaint;04/06/2024;Refused -  outside policy\r\n"
    "A3;Complaint;05/06/2024;Not\u200b Upheld\r\n"
    "A4;Complaint\u00a0 ;06/06/2024;Upheld\r\n"
    "A5;Did not  wish to complain;07/06/2024;\r\n"
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
    outcome:
      column: "S1 Result"
      codes: {"Upheld": upheld, "Partly Upheld": partially_upheld, "Not Upheld": not_upheld, "Refused - outside policy": open}
      default: open
    refused: {column: "S1 Result", codes: {"Refused - outside policy": true}, other: false}
    refusal_reason: {column: "S1 Result", codes: {"Refused  -  outside policy": not_our_service}, other: null}
route:
  column: "Type"
  values:
    "Complaint": complaint
    "Did not wish to complain": {target: non_complaint, set: {kind: did_not_wish_to_complain}}
"""


def test_codes_match_whatever_spaces_the_cell_or_the_mapping_writes(tmp_path: Path) -> None:
    con = load_one_export(tmp_path / "test_homes", CSV, MAPPING)
    assert con.execute("select source_row, column_name, rule from quarantine").fetchall() == []
    stages = con.execute(
        "select day(received_date), outcome, refused, refusal_reason from complaint_stage "
        "order by 1"
    ).fetchall()
    assert stages == [
        (3, "partially_upheld", False, None),
        (4, "open", True, "not_our_service"),
        (5, "not_upheld", False, None),
        (6, "upheld", False, None),
    ]
    assert con.execute("select kind from non_complaint").fetchall() == [
        ("did_not_wish_to_complain",)
    ]
