"""Code 8.1: the annual report gives any findings of non-compliance with the Code by the
Ombudsman. A Complaint Handling Failure Order is the Ombudsman's own finding that a landlord's
complaint handling failed; Homes Plus 2024/25 printed "The Ombudsman made no finding of
non-compliance with the Code about us in 2024/25." directly above a CHFO for "Failure to progress
a stage 1 complaint", which a caseworker reads as the report contradicting itself."""

from __future__ import annotations

import datetime as dt

import duckdb

from pipeline.periods import ReportingYear
from pipeline.reporting.section8 import non_compliance_section

YEAR = ReportingYear.parse("2024-25")


def _texts(section) -> str:
    return " ".join([block.text for block in section.blocks] + [
        item for block in section.blocks for item in block.items
    ])  # fmt: skip


def _database(chfos: list[tuple]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "create table chfo (landlord_id varchar, issued_date date, reason varchar, "
        "complied_date date)"
    )
    for row in chfos:
        con.execute("insert into chfo values ('L1', ?, ?, ?)", list(row))
    return con


def test_a_year_with_a_chfo_does_not_say_the_ombudsman_found_no_non_compliance():
    con = _database([(dt.date(2024, 9, 18), "Failure to progress a stage 1 complaint", None)])
    for published in (False, True):
        text = _texts(non_compliance_section(con, "L1", YEAR, published))
        assert "made no finding of non-compliance" not in text
        assert "Complaint Handling Failure Order" in text
    con.close()


def test_a_year_with_neither_says_so():
    con = _database([])
    text = _texts(non_compliance_section(con, "L1", YEAR, False))
    assert "The Ombudsman made no finding of non-compliance with the Code about us in 2024/25." in (
        text
    )
    assert "No Complaint Handling Failure Order was issued to us in 2024/25." in text
    con.close()
