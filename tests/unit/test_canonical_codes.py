"""Coded fields mapped straight from a column, without a codes list (docs/mapping.md).

The export's value is taken as the canonical code once case, spaces and punctuation are folded;
anything else quarantines the record as ``unknown_code``, so no value outside the canonical codes
ever reaches a table (the pandera model would reject it afterwards).
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "ingest"))

import workspaces as ws  # noqa: E402

from pipeline.config import load_landlord  # noqa: E402
from pipeline.ingest import ingest_workspace  # noqa: E402
from pipeline.pseudonymise import pseudonymise  # noqa: E402
from pipeline.schemas import validate_tables  # noqa: E402

MAPPING = """\
files: ["exports/cases.csv"]
format: csv
target: complaint
shape: wide
date_formats: ["%Y-%m-%d"]
columns:
  complaint_id: Ref
  received_date: Received
  category: Category
  channel: Channel
  tenure: Tenure
stages:
  1:
    received_date: Received
    responded_date: Responded
"""

ROWS = [
    ("Ref", "Received", "Category", "Channel", "Tenure", "Responded"),
    ("A1", "2024-05-01", "Repairs", "In person", "LCRA", "2024-05-03"),
    ("A2", "2024-05-01", "Repairs", "Social-Media", "lcho", "2024-05-03"),
    ("A3", "2024-05-01", "Repairs", " EMAIL ", "", "2024-05-03"),
    ("A4", "2024-05-01", "Repairs", "Carrier pigeon", "lcra", "2024-05-03"),
    ("A5", "2024-05-01", "Repairs", "phone", "Freehold", "2024-05-03"),
    ("A6", "2024-05-01", "Repairs", "", "leaseholder", "2024-05-03"),
]


def _ingest(root: Path, mapping: str, export: str, text: str):
    """A workspace with one mapping and its one export, ingested into a fresh database."""
    ws.write_landlord(root)
    (root / "mappings").mkdir()
    (root / "mappings" / "export.yaml").write_text(mapping)
    (root / export).parent.mkdir(parents=True)
    (root / export).write_text(text)
    con = duckdb.connect()
    summary = ingest_workspace(con, root, load_landlord(root), ws.KEY)
    assert summary.reconciles
    return con


def test_canonical_codes_are_folded_and_unknown_values_quarantined(tmp_path: Path) -> None:
    text = "\n".join(",".join(r) for r in ROWS) + "\n"
    con = _ingest(tmp_path / "ws", MAPPING, "exports/cases.csv", text)
    loaded = dict(con.execute("select complaint_id, (channel, tenure) from complaint").fetchall())
    assert loaded == {
        pseudonymise("A1", ws.KEY): ("in_person", "lcra"),
        pseudonymise("A2", ws.KEY): ("social_media", "lcho"),
        # a blank tenure takes its implicit default, a blank channel stays unknown (null)
        pseudonymise("A3", ws.KEY): ("email", "unknown"),
        pseudonymise("A6", ws.KEY): (None, "leaseholder"),
    }
    quarantined = con.execute(
        "select source_row, rule, raw_value, message from quarantine order by source_row"
    ).fetchall()
    assert [(row, rule, raw) for row, rule, raw, _ in quarantined] == [
        # an unknown code may be anything typed (a name): only its shape is kept
        (5, "unknown_code", "text, 14 characters"),
        (6, "unknown_code", "text, 8 characters"),
    ]
    assert "complaint.channel, column 'Channel'" in quarantined[0][3]
    assert all(failures.height == 0 for failures in validate_tables(con, "test_homes").values())


LONG_MAPPING = """\
files: ["exports/stages.csv"]
target: complaint
shape: long
date_formats: ["%Y-%m-%d"]
columns:
  complaint_id: Case
  stage: Stage
  received_date: Date
  responded_date: Responded
  category: Category
"""

LONG_ROWS = """\
Case,Stage,Date,Responded,Category
A1,1,2024-05-01,2024-05-03,Repairs
A1,Stage 2,2024-05-10,2024-05-20,Repairs
A2,S1,2024-05-01,2024-05-03,Repairs
A3,3,2024-05-01,2024-05-03,Repairs
A4,first,2024-05-01,2024-05-03,Repairs
A5,2.0,2024-05-01,2024-05-03,Repairs
"""


def test_numbered_codes_read_stage_labels_and_refuse_other_numbers(tmp_path: Path) -> None:
    con = _ingest(tmp_path / "long", LONG_MAPPING, "exports/stages.csv", LONG_ROWS)
    stages = con.execute(
        "select source_row, stage from complaint_stage order by source_row"
    ).fetchall()
    assert stages == [(2, 1), (3, 2), (4, 1), (7, 2)]
    quarantined = con.execute(
        "select source_row, rule, raw_value from quarantine order by source_row"
    ).fetchall()
    # a stage 3 is not a Code stage (a route sends it elsewhere, docs/mapping.md)
    assert quarantined == [(5, "unknown_code", "3"), (6, "unknown_code", "text, 5 characters")]
    assert all(failures.height == 0 for failures in validate_tables(con, "test_homes").values())


TP09_MAPPING = """\
files: ["surveys/tp09.csv"]
target: tp09_response
date_formats: ["%d/%m/%Y"]
columns:
  respondent_ref: Respondent
  survey_date: Date
  stock_type: Stock
  made_complaint_12m: Complained
  answer: Answer
"""

TP09_ROWS = """\
Respondent,Date,Stock,Complained,Answer
R1,01/06/2024,LCRA,Y,Very satisfied
R2,01/06/2024,lcho,No,Neither satisfied nor dissatisfied
R3,01/06/2024,lcra,TRUE,Fairly Dissatisfied
R4,01/06/2024,lcra,maybe,Very satisfied
"""


def test_common_spellings_of_codes_are_read(tmp_path: Path) -> None:
    con = _ingest(tmp_path / "tp09", TP09_MAPPING, "surveys/tp09.csv", TP09_ROWS)
    rows = con.execute(
        "select source_row, stock_type, made_complaint_12m, answer from tp09_response order by 1"
    ).fetchall()
    assert rows == [
        (2, "lcra", "yes", "very_satisfied"),
        (3, "lcho", "no", "neither"),
        (4, "lcra", "yes", "fairly_dissatisfied"),
    ]
    assert con.execute("select source_row, rule, raw_value from quarantine").fetchall() == [
        (5, "unknown_code", "text, 5 characters")
    ]


def test_a_regime_landlord_yaml_does_not_list_is_an_unknown_code(tmp_path: Path) -> None:
    # The test landlord lists eng only. A 'Scotland' row loaded as sct: no policy version had its
    # timescales, so the complaint was late whatever its dates, and nothing said why.
    mapping = MAPPING.replace("  tenure: Tenure\n", "  tenure: Tenure\n  regime: Country\n")
    text = (
        "Ref,Received,Category,Channel,Tenure,Country,Responded\n"
        "E1,2024-05-01,Repairs,phone,lcra,England,2024-05-03\n"
        "S1,2024-05-01,Repairs,phone,lcra,Scotland,2024-05-03\n"
    )
    con = _ingest(tmp_path / "regime", mapping, "exports/cases.csv", text)
    assert con.execute("select regime from complaint").fetchall() == [("eng",)]
    quarantined = con.execute("select source_row, rule, column_name from quarantine").fetchall()
    assert quarantined == [(3, "unknown_code", "Country")]
