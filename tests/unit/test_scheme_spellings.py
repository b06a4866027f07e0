"""Scheme names that differ only in case or spaces are one scheme, shown in its most frequent
spelling ('Riverside Court', 'RIVERSIDE COURT' and 'Riverside  Court' were three schemes, each
with its own breakdown rows and scheme report)."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "ingest"))

import workspaces as ws  # noqa: E402

from pipeline.config import load_landlord  # noqa: E402
from pipeline.ingest import ingest_workspace  # noqa: E402
from pipeline.reporting.quality import (  # noqa: E402
    QUARANTINE_COLUMNS,
    SCHEME_SPELLINGS_TEXT,
    quality_sections,
)
from pipeline.sources.canonical import create_canonical_tables  # noqa: E402

SURVEY = [
    ("R1", "Riverside Court"),
    ("R2", "RIVERSIDE COURT"),
    ("R3", "Riverside  Court"),  # two spaces
    ("R4", " riverside court "),
    ("R5", "Riverside Court"),
    ("R6", "Oak House"),
    ("R7", "OAK HOUSE"),  # a tie: the spelling not in capitals is shown
    ("R8", "Birch  Lodge"),  # alone: its spaces tidied
    ("R9", ""),
]


def test_scheme_spellings_are_one_scheme_across_tables(tmp_path):
    root = ws.generic_workspace(tmp_path)
    mapping = root / "mappings" / "tp09.yaml"
    mapping.write_text(mapping.read_text() + '  scheme: "Scheme"\n')
    lines = [
        f"{ref},01/06/2024,General needs,Yes,Very satisfied,{scheme}\n" for ref, scheme in SURVEY
    ]
    (root / "surveys" / "tsm_2024.csv").write_text(
        "Respondent,Date,Tenure,Complained?,Satisfaction,Scheme\n" + "".join(lines)
    )
    # the complaints' scheme from their category column: two more spellings of Oak House
    complaints = root / "mappings" / "complaints.yaml"
    complaints.write_text(
        complaints.read_text().replace("columns:\n", 'columns:\n  scheme: "Complaint Type"\n', 1)
    )
    export = root / "exports" / "complaints_2024.csv"
    text = export.read_bytes().decode("utf-8-sig").rstrip("\r\n")
    cells = dict.fromkeys(ws.WIDE_HEADER, "")
    cells |= {
        "Case Ref": "SCH-1",
        "Date Received": "01/05/2024",
        "Complaint Type": "riverside COURT",
    }
    cells |= {"Tenure": "General Needs", "Anonymous?": "N"}
    line = ",".join(f'"{cells[c]}"' for c in ws.WIDE_HEADER)
    export.write_bytes((text + "\r\n" + line + "\r\n").encode("utf-8-sig"))
    assert "columns:\n  scheme:" in complaints.read_text()
    con = duckdb.connect()
    summary = ingest_workspace(con, root, load_landlord(root), ws.KEY)
    assert summary.reconciles
    schemes = dict(
        con.execute("select source_row, scheme from tp09_response order by source_row").fetchall()
    )
    assert schemes == {
        **{row: "Riverside Court" for row in range(2, 7)},
        7: "Oak House",
        8: "Oak House",
        9: "Birch Lodge",
        10: None,
    }
    # a complaint of a scheme the survey spells otherwise shows the same spelling
    row = con.execute(
        "select scheme from complaint where source_row = (select max(source_row) from complaint)"
    ).fetchone()
    assert row == ("Riverside Court",)


def test_the_data_quality_report_says_spellings_are_merged():
    con = duckdb.connect()
    create_canonical_tables(con)
    sections = quality_sections(
        con, "l", pl.DataFrame(schema=dict.fromkeys(QUARANTINE_COLUMNS, pl.String))
    )
    other = next(s for s in sections if s.id == "dq-other")
    assert SCHEME_SPELLINGS_TEXT in str(other.__dict__)


def test_categories_differing_only_in_case_or_spaces_are_one(tmp_path):
    """Reports break figures down by category too: 'Repairs' and 'REPAIRS' (two years'
    exports, or a system that upper-cases one screen) were two categories."""
    root = ws.wide_workspace(tmp_path, "utf-8-sig")
    export = root / "exports" / "complaints_2024.csv"
    text = export.read_bytes().decode("utf-8-sig").rstrip("\r\n")
    lines = []
    for i, category in enumerate(["Repairs", "REPAIRS", " repairs ", "Repairs", "Repairs"]):
        cells = dict.fromkeys(ws.WIDE_HEADER, "")
        cells |= {"Case Ref": f"CAT-{i}", "Date Received": "01/05/2024"}
        cells |= {"Complaint Type": category, "Tenure": "General Needs", "Anonymous?": "N"}
        lines.append(",".join(f'"{cells[c]}"' for c in ws.WIDE_HEADER))
    export.write_bytes((text + "\r\n" + "\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    con = duckdb.connect()
    assert ingest_workspace(con, root, load_landlord(root), ws.KEY).reconciles
    categories = [c for (c,) in con.execute("select distinct category from complaint").fetchall()]
    spelled = [c for c in categories if c is not None and c.lower() == "repairs"]
    assert spelled == ["Repairs"]
