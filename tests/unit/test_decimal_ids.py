"""A numeric reference written as a decimal ('1001.0') is the same case as '1001'.

An export tool that holds an id column as floating point (a pandas or database export whose
column has a blank) writes 1001 as '1001.0'; an XLSX report and the case system write 1001.
Hashed as written, the stage 2 row was another complaint, with no stage 1, and the real one was
never escalated, without a word.
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
    ("value", "same_as"),
    [
        ("1001.0", "1001"),
        ("1001.00", "1001"),
        (" 001234.0 ", "001234"),
        ("1001.5", None),  # not a whole number: as written
        ("CMP-1.0", None),  # not a number: as written
        ("1.0.0", None),
    ],
)
def test_a_whole_number_written_as_a_decimal_is_the_number(value, same_as):
    con = duckdb.connect()
    for trimmed in (False, True):
        cell = value.strip() if trimmed else value
        sql = f"select {pseudonymise_expr('x', trimmed=trimmed)} from (select $x as x)"  # noqa: S608
        got = con.execute(sql, {"x": cell, "pseudo_key": "k"}).fetchone()[0]
        assert got == pseudonymise(value, "k")
    if same_as is None:
        assert pseudonymise(value, "k") != pseudonymise(value.split(".")[0], "k")
    else:
        assert pseudonymise(value, "k") == pseudonymise(same_as, "k")


def test_a_stage_row_with_the_id_as_a_decimal_joins_its_complaint(tmp_path):
    root = ws.long_workspace(
        tmp_path,
        [
            "1001,Stage 1,2024-05-01,2024-05-02,2024-05-10,upheld,GN,Repairs,,",
            "1001.0,Stage 2,2024-05-20,2024-05-21,2024-06-10,not upheld,GN,Repairs,,",
        ],
    )
    con = duckdb.connect()
    summary = ingest_workspace(con, root, load_landlord(root), ws.KEY)
    assert summary.reconciles
    assert con.execute("select count(*) from quarantine").fetchone() == (0,)
    complaints = con.execute("select complaint_id from complaint").fetchall()
    assert complaints == [(pseudonymise("1001", ws.KEY),)]
    stages = con.execute("select stage from complaint_stage order by stage").fetchall()
    assert stages == [(1,), (2,)]
