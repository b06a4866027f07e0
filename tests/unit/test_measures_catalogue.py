"""Every measure id written to the measures table is documented in docs/measures.md."""

import datetime as dt

import duckdb

from pipeline.measures import compute_measures
from pipeline.measures._catalogue import FAMILIES, HEADLINE_MEASURES
from pipeline.measures.testing import code_landlord, create_canonical_schema, insert_rows
from pipeline.periods import ReportingYear
from pipeline.sql import SQL_ROOT
from pipeline.workspaces import PROJECT_ROOT

DOC = (PROJECT_ROOT / "docs" / "measures.md").read_text(encoding="utf-8")
D = dt.date


def test_every_family_has_its_sql_file_citing_design_md():
    for family in FAMILIES:
        text = (SQL_ROOT / "measures" / f"{family}.sql").read_text(encoding="utf-8")
        assert text.startswith("--") and "design.md" in text.split("\n\n")[0], family


def test_every_headline_and_every_written_measure_is_documented():
    con = duckdb.connect()
    create_canonical_schema(con)
    insert_rows(con, "complaint", [{"complaint_id": "a", "received_date": D(2024, 6, 3)}])
    insert_rows(
        con,
        "complaint_stage",
        [
            {
                "complaint_id": "a",
                "stage": 1,
                "received_date": D(2024, 6, 3),
                "responded_date": D(2024, 6, 10),
                "outcome": "upheld",
                "non_financial_remedy": "apology",
                "compensation_paid_gbp": 10,
            },
        ],
    )
    compute_measures(con, code_landlord(), ReportingYear.parse("2024-25"))
    written = {row[0] for row in con.execute("select distinct measure from measures").fetchall()}
    headline = {measure for measure, _, _ in HEADLINE_MEASURES}
    assert headline <= written
    undocumented = sorted(m for m in written | headline if f"`{m}`" not in DOC)
    assert undocumented == []
