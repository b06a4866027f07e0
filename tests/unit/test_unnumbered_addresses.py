"""A home written without a house number ("Rose Cottage, Mill Lane") typed into a free-text field
that reaches documents (a scheme, a category) is withheld, postcode or not; scheme names are not.

Only a numbered street ("14 Gorsebrook Lane") or a postcode was screened: a named home and its
street, as rural and named homes are written, reached the scheme breakdowns and scheme reports.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "ingest"))

import workspaces as ws  # noqa: E402

from pipeline.config import load_landlord  # noqa: E402
from pipeline.ingest import ingest_workspace  # noqa: E402
from pipeline.sources.screen import CONTACT_DETAILS, screened_sql

# the examples' scheme names, as the case systems write them: every one still shows
EXAMPLE_SCHEMES = [
    "Abbey Court",
    "Amber Fields (Extra Care)",
    "Cherry Tree Place (Extra Care)",
    "Chantry Close",
    "St Hilda's Court (Extra Care)",
    "Silver Birch Gardens (Extra Care)",
    "Yew Tree Court",
    "Harbour View (Extra Care)",
    "Linden Lodge",
]


@pytest.mark.parametrize(
    ("value", "screened"),
    [
        ("Rose Cottage, Mill Lane", True),
        ("The Old Rectory, Church Road", True),
        ("Rose Cottage, Little Snoring", True),
        ("Hill Farm, Long Sutton", True),
        ("Ivy House,Station Road", True),
        ("ROSE COTTAGE, MILL LANE", True),
        ("HILL FARM, LONG SUTTON", True),
        ("ABBEY COURT", False),
        ("Rose Cottages", False),  # almshouses: a scheme
        ("Mill Lane", False),  # a street alone is many homes
        ("Repairs, damp and mould", False),
        ("Damp, Mould", False),
        ("Stage 2 Review, Housing Ombudsman", False),
        *[(name, False) for name in EXAMPLE_SCHEMES],
    ],
)
def test_a_home_without_a_house_number_is_screened_in_sql_and_python(value, screened):
    in_sql = duckdb.connect().execute("select regexp_matches(?, ?)", [value, CONTACT_DETAILS])
    assert in_sql.fetchone()[0] is screened
    assert bool(re.search(CONTACT_DETAILS, value)) is screened
    whole = duckdb.connect().execute(f"select {screened_sql('$v')}", {"v": value})  # noqa: S608
    assert whole.fetchone()[0] is screened


def test_a_named_home_in_a_scheme_cell_is_stored_as_other_and_counted(tmp_path):
    root = ws.generic_workspace(tmp_path)
    mapping = root / "mappings" / "tp09.yaml"
    mapping.write_text(mapping.read_text() + '  scheme: "Scheme"\n')
    schemes = ["Rose Cottage, Mill Lane", "Abbey Court", "The Old Rectory, Church Road"]
    lines = [
        f'R{i},01/06/2024,General needs,Yes,Very satisfied,"{s}"\n' for i, s in enumerate(schemes)
    ]
    (root / "surveys" / "tsm_2024.csv").write_text(
        "Respondent,Date,Tenure,Complained?,Satisfaction,Scheme\n" + "".join(lines)
    )
    con = duckdb.connect()
    summary = ingest_workspace(con, root, load_landlord(root), ws.KEY)
    assert summary.reconciles
    loaded = [
        s for (s,) in con.execute("select scheme from tp09_response order by source_row").fetchall()
    ]
    assert loaded == ["other", "Abbey Court", "other"]
    counted = con.execute(
        "select sum(rows_other) from label_other where field_name = 'scheme'"
    ).fetchone()
    assert counted == (2,)
