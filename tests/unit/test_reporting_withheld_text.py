"""An improvement's text that the ingest screened (it named a person: stored 'other') is shown
as withheld in every document that lists improvements, never as the word "other", and two such
improvements stay two lines."""

from __future__ import annotations

import datetime as dt

import duckdb

from pipeline.periods import ReportingYear
from pipeline.reporting.committee import overdue_improvements
from pipeline.reporting.labels import WITHHELD_TEXT
from pipeline.reporting.residents import changes_made
from pipeline.sources.canonical import create_canonical_tables

YEAR = ReportingYear.parse("2024-25")


def _actions() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    create_canonical_tables(con)
    rows = [
        ("A1", "Repairs", "other", dt.date(2024, 5, 1), dt.date(2024, 6, 1), None),
        ("A2", "Repairs", "other", dt.date(2024, 7, 1), dt.date(2024, 8, 1), None),
        ("A3", "Repairs", "Operatives now text residents.", dt.date(2024, 7, 1), None, None),
    ]
    con.executemany(
        "insert into learning_action (landlord_id, action_ref, theme, description, "
        "linked_complaint_ids, raised_date, due_date, completed_date, source_file, source_row) "
        "values ('ll', ?, ?, ?, ['c1'], ?, ?, ?, 'learning.csv', 2)",
        rows,
    )
    return con


def test_the_committee_pack_withholds_a_screened_text():
    con = _actions()
    overdue = overdue_improvements(con, "ll", dt.date(2025, 3, 31))
    assert overdue["Improvement"].to_list() == [WITHHELD_TEXT, WITHHELD_TEXT]


def test_the_learning_summary_and_annual_report_keep_two_withheld_improvements_apart():
    """The annual report lists the learning summary's changes (residents.changes_made)."""
    con = _actions()
    frame = changes_made(con, "ll", YEAR, dt.date(2025, 3, 31), published=False)
    assert sorted(frame["What we changed"].to_list()) == sorted(
        [WITHHELD_TEXT, WITHHELD_TEXT, "Operatives now text residents."]
    )


def test_one_change_whose_actions_stand_apart_tells_each_state():
    """The same change made twice, one action done and one overdue: the line said only
    "Overdue", so the report's "improvements completed" could not be found in its list."""
    con = duckdb.connect()
    create_canonical_tables(con)
    rows = [
        ("A1", "Letters now give a named contact.", dt.date(2024, 5, 1), dt.date(2024, 6, 1), None),
        ("A2", "Letters now give a named contact.", dt.date(2024, 7, 1), dt.date(2024, 8, 1),
         dt.date(2024, 9, 6)),
        ("A3", "Operatives now text residents.", dt.date(2024, 7, 1), dt.date(2024, 8, 1), None),
    ]  # fmt: skip
    con.executemany(
        "insert into learning_action (landlord_id, action_ref, theme, description, "
        "linked_complaint_ids, raised_date, due_date, completed_date, source_file, source_row) "
        "values ('ll', ?, 'Communication', ?, ['c1'], ?, ?, ?, 'learning.csv', 2)",
        rows,
    )
    frame = changes_made(con, "ll", YEAR, dt.date(2025, 3, 31), published=False)
    status = dict(zip(frame["What we changed"], frame["Where it stands"], strict=True))
    assert status["Letters now give a named contact."] == (
        "Actions: 1 overdue (due 1 June 2024); 1 done (latest September 2024)"
    )
    assert status["Operatives now text residents."] == "Overdue: due 1 August 2024"
