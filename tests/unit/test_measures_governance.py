"""The committee pack's positions at the period end, on hand-checked rows: Ombudsman cases in
progress, overdue service improvements and overdue promised actions.

Each is counted at X = the period end, or the data cut (30 June 2025) when that is earlier.
"""

import datetime as dt

import duckdb
import pytest

from pipeline.measures import compute_measures
from pipeline.measures.testing import code_landlord, create_canonical_schema, insert_rows
from pipeline.periods import ReportingYear

D = dt.date


def count(con, measure, period, value="all", breakdown="none"):
    rows = con.execute(
        "select numerator from measures where measure = $m and period = $p "
        "and breakdown = $b and breakdown_value = $v",
        {"m": measure, "p": period, "b": breakdown, "v": value},
    ).fetchall()
    assert len(rows) <= 1, rows
    return rows[0][0] if rows else None


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    create_canonical_schema(c)
    insert_rows(
        c,
        "ombudsman_case",
        [
            # in progress at the end of Q1 and Q2 2024-25, determined in Q3
            {
                "case_ref": "o1",
                "body": "housing_ombudsman",
                "referral_date": D(2024, 5, 1),
                "determination_date": D(2024, 11, 1),
            },
            # referred in Q2, never determined: in progress from Q2 on, up to the cut
            {"case_ref": "o2", "body": "housing_ombudsman", "referral_date": D(2024, 8, 1)},
            # determined on the last day of Q1: no longer in progress at the end of Q1
            {
                "case_ref": "o3",
                "body": "lgsco",
                "referral_date": D(2023, 8, 1),
                "determination_date": D(2024, 6, 30),
            },
        ],
    )
    insert_rows(
        c,
        "learning_action",
        [
            # due 30 Sep 2024, completed 15 Nov: not overdue at the end of September (due that
            # day), overdue at the end of October, done by the end of November
            {
                "action_ref": "l1",
                "theme": "Repairs",
                "description": "Damp survey",
                "raised_date": D(2024, 7, 1),
                "due_date": D(2024, 9, 30),
                "completed_date": D(2024, 11, 15),
            },
            # never completed, due 1 Aug 2024: overdue from August on
            {
                "action_ref": "l2",
                "theme": "Rent",
                "description": "Clearer statements",
                "raised_date": D(2024, 5, 1),
                "due_date": D(2024, 8, 1),
            },
            # completed before it was due: never overdue
            {
                "action_ref": "l3",
                "theme": "Rent",
                "description": "Named contact",
                "raised_date": D(2024, 5, 1),
                "due_date": D(2024, 9, 1),
                "completed_date": D(2024, 6, 1),
            },
        ],
    )
    insert_rows(
        c,
        "promised_action",
        [
            {
                "complaint_id": "a",
                "stage": 1,
                "action_kind": "repair",
                "due_date": D(2024, 7, 1),
                "completed_date": D(2024, 7, 20),
            },
            {"complaint_id": "b", "stage": 2, "action_kind": "callback", "due_date": D(2025, 3, 1)},
        ],
    )
    compute_measures(c, code_landlord(), ReportingYear.parse("2024-25"))
    yield c
    c.close()


def test_ombudsman_cases_in_progress_at_each_period_end(con):
    assert count(con, "open_ombudsman_cases", "2024-25-Q1") == 1  # o1 (o3 determined 30 June)
    assert count(con, "open_ombudsman_cases", "2024-25-Q2") == 2  # o1, o2
    assert count(con, "open_ombudsman_cases", "2024-25-Q3") == 1  # o2
    assert count(con, "open_ombudsman_cases", "2024-25") == 1
    assert count(con, "open_ombudsman_cases", "2024-25-Q2", "housing_ombudsman", "body") == 2
    assert count(con, "open_ombudsman_cases", "2024-25-Q1", "lgsco", "body") is None
    assert count(con, "open_ombudsman_cases", "2024-05") == 2  # o1 and o3 at 31 May


def test_learning_actions_overdue_at_each_period_end(con):
    assert count(con, "overdue_learning_actions", "2024-07") == 0  # headline row, nothing due
    assert count(con, "overdue_learning_actions", "2024-08") == 1  # l2
    assert count(con, "overdue_learning_actions", "2024-09") == 1  # l1 is due on 30 September
    assert count(con, "overdue_learning_actions", "2024-10") == 2  # l1, l2
    assert count(con, "overdue_learning_actions", "2024-11") == 1  # l1 done on 15 November
    assert count(con, "overdue_learning_actions", "2024-25-Q3", "Rent", "theme") == 1


def test_promised_actions_overdue_at_each_period_end(con):
    assert count(con, "overdue_promised_actions", "2024-25-Q1") == 0  # due on 1 July
    assert count(con, "overdue_promised_actions", "2024-07") == 0  # done on 20 July
    assert count(con, "overdue_promised_actions", "2025-03") == 1
    assert count(con, "overdue_promised_actions", "2024-25", "2", "stage") == 1
