"""Learning and promised actions in the period the data cut falls in (design.md section 6 Learning).

"Completed by their due date" can only be judged for an action whose due date has come by the cut:
an action due after the cut and not yet done is not late, so it is left out of the denominator, as
Ombudsman orders due after the cut are (ombudsman_orders_complied_by_due). Data cut 30 Jun 2025
(code_landlord), reporting year 2025-26.
"""

import datetime as dt

import duckdb
import pytest

from pipeline.measures import compute_measures
from pipeline.measures.testing import code_landlord, create_canonical_schema, insert_rows
from pipeline.periods import ReportingYear

D = dt.date


def figure(con, name, period="2025-26", breakdown="none", value="all"):
    rows = con.execute(
        "select numerator, denominator from measures where measure = $m and period = $p"
        " and breakdown = $b and breakdown_value = $v",
        {"m": name, "p": period, "b": breakdown, "v": value},
    ).fetchall()
    assert len(rows) == 1, (name, period, rows)
    return rows[0]


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    create_canonical_schema(c)
    insert_rows(c, "complaint", [{"complaint_id": "a", "received_date": D(2025, 4, 1)}])
    insert_rows(
        c,
        "learning_action",
        [
            # due 10 May, done 1 May: on time
            {"action_ref": "l1", "theme": "Repairs", "description": "x",
             "raised_date": D(2025, 4, 2), "due_date": D(2025, 5, 10),
             "completed_date": D(2025, 5, 1)},
            # due 10 Jun (before the cut), not done: late
            {"action_ref": "l2", "theme": "Repairs", "description": "x",
             "raised_date": D(2025, 4, 2), "due_date": D(2025, 6, 10)},
            # due 1 Aug, after the cut, not done yet: not judged
            {"action_ref": "l3", "theme": "Repairs", "description": "x",
             "raised_date": D(2025, 4, 2), "due_date": D(2025, 8, 1)},
        ],
    )  # fmt: skip
    insert_rows(
        c,
        "promised_action",
        [
            # due 10 May, done 9 May: on time
            {"complaint_id": "a", "stage": 1, "action_kind": "repair",
             "due_date": D(2025, 5, 10), "completed_date": D(2025, 5, 9)},
            # due on the cut day, not done: judged, late
            {"complaint_id": "a", "stage": 1, "action_kind": "callback",
             "due_date": D(2025, 6, 30)},
            # due 15 Jul, after the cut, not done yet: not judged
            {"complaint_id": "a", "stage": 1, "action_kind": "repair",
             "due_date": D(2025, 7, 15)},
        ],
    )  # fmt: skip
    compute_measures(c, code_landlord(), ReportingYear.parse("2025-26"))
    yield c
    c.close()


def test_learning_actions_due_after_the_cut_are_not_judged(con):
    assert figure(con, "learning_actions_completed_by_due") == (1, 2)
    assert figure(con, "learning_actions_completed_by_due", breakdown="theme", value="Repairs") == (
        1,
        2,
    )
    # the quarter the cut falls in (Apr-Jun) holds all three due dates judged so far
    assert figure(con, "learning_actions_completed_by_due", period="2025-26-Q1") == (1, 2)


def test_promised_actions_due_after_the_cut_are_not_judged(con):
    assert figure(con, "promised_actions_on_time") == (1, 2)
    assert figure(con, "promised_actions_on_time", breakdown="stage", value="1") == (1, 2)
    assert figure(con, "promised_actions_on_time", breakdown="regime|stage", value="eng|1") == (
        1,
        2,
    )
