"""A reference of digits with leading zeros ('000123') is the same case as '123'.

A case system pads its references; a file that has been through Excel (a stage 2 export, the
Ombudsman tracker, a survey agency's file) loses the zeros. Hashed as written, the stage 2 of case
000123 was a complaint of its own with no tenure, outside CH01 and CH02, its stage 1 never
escalated, and the Ombudsman case linked to no complaint, without a word (the Calder Moor
onboarding, tests/integration/test_onboard_calder_moor.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "ingest"))

import workspaces as ws  # noqa: E402

from pipeline.config import load_landlord  # noqa: E402
from pipeline.ingest import ingest_workspace  # noqa: E402
from pipeline.pseudonymise import pseudonymise, pseudonymise_expr  # noqa: E402


@pytest.mark.parametrize(
    ("value", "other", "same"),
    [
        ("000123", "123", True),
        (" 0123 ", "123", True),
        ("000123.0", "123", True),
        ("000", "0", True),
        ("0A123", "A123", False),  # not digits only: as written
        ("CMP-000123", "CMP-123", False),
        ("0-123", "-123", False),
    ],
)
def test_leading_zeros_of_a_numeric_reference_are_not_part_of_it(value, other, same):
    con = duckdb.connect()
    for trimmed in (False, True):
        cell = value.strip() if trimmed else value
        sql = f"select {pseudonymise_expr('x', trimmed=trimmed)} from (select $x as x)"  # noqa: S608
        got = con.execute(sql, {"x": cell, "pseudo_key": "k"}).fetchone()[0]
        assert got == pseudonymise(value, "k")
    assert (pseudonymise(value, "k") == pseudonymise(other, "k")) is same


def test_a_stage_row_without_the_leading_zeros_joins_its_complaint(tmp_path):
    root = ws.long_workspace(
        tmp_path,
        [
            "000123,Stage 1,2024-05-01,2024-05-02,2024-05-10,upheld,GN,Repairs,,",
            "123,Stage 2,2024-05-20,2024-05-21,2024-06-10,not upheld,,,,",
        ],
    )
    con = duckdb.connect()
    summary = ingest_workspace(con, root, load_landlord(root), ws.KEY)
    assert summary.reconciles
    assert con.execute("select count(*) from quarantine").fetchone() == (0,)
    assert con.execute("select complaint_id, tenure from complaint").fetchall() == [
        (pseudonymise("123", ws.KEY), "lcra")
    ]
    stages = con.execute("select stage from complaint_stage order by stage").fetchall()
    assert stages == [(1,), (2,)]


def test_two_rows_that_differ_only_by_the_zeros_are_one_complaint_and_conflict(tmp_path):
    # '0123' and '123' as two different stage 1 rows: which is right is not known, so neither
    # is picked (design.md s6: two different rows for the same complaint and stage)
    root = ws.long_workspace(
        tmp_path,
        [
            "0123,Stage 1,2024-05-01,2024-05-02,2024-05-10,upheld,GN,Repairs,,",
            "123,Stage 1,2024-05-03,2024-05-04,2024-05-11,upheld,GN,Repairs,,",
        ],
    )
    con = duckdb.connect()
    summary = ingest_workspace(con, root, load_landlord(root), ws.KEY)
    assert summary.reconciles and summary.rows_loaded == 0
    rules = con.execute("select distinct source_row, rule from quarantine order by 1").fetchall()
    assert rules == [(2, "conflicting_rows"), (3, "conflicting_rows")]
