"""Measures the self-assessment needs, on hand-checked rows: complete records, extensions within
the Code / SPSO limit with a reason, refusal reasons per stage, and the single view of ack_in_time.

Every stage is received in 2024-25 (stage 1 on Mon 3 Jun 2024, stage 2 on Mon 1 Jul 2024) except
complaint ``late``, received in 2025-26, which no 2024-25 figure may count.
"""

import datetime as dt

import duckdb
import pytest

from pipeline.measures import compute_measures
from pipeline.measures.testing import code_landlord, create_canonical_schema, insert_rows
from pipeline.periods import ReportingYear

D = dt.date
JUN3 = D(2024, 6, 3)
JUL1 = D(2024, 7, 1)


def measure(con, name, breakdown="none", value="all", period="2024-25"):
    rows = con.execute(
        "select numerator, denominator, value, display, view from measures "
        "where measure = $m and period = $p and breakdown = $b and breakdown_value = $v",
        {"m": name, "p": period, "b": breakdown, "v": value},
    ).fetchall()
    assert len(rows) == 1, (name, breakdown, value, rows)
    return rows[0]


def s1(cid, **fields):
    return {"complaint_id": cid, "stage": 1, "received_date": JUN3} | fields


def s2(cid, **fields):
    return {"complaint_id": cid, "stage": 2, "received_date": JUL1} | fields


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    create_canonical_schema(c)
    eng = "abcdefgjk"
    insert_rows(
        c,
        "complaint",
        [{"complaint_id": cid, "received_date": JUN3} for cid in eng]
        + [{"complaint_id": cid, "received_date": JUN3, "regime": "sct"} for cid in "hi"]
        + [{"complaint_id": "late", "received_date": D(2025, 4, 10)}],
    )
    done = {"responded_date": D(2024, 6, 10), "outcome": "upheld"}
    insert_rows(
        c,
        "complaint_stage",
        [
            # records: complete / outcome still 'open' after the response / no handler /
            # open and unanswered but complete / blank handler
            s1("a", handler_ref="h1", **done),
            s1("b", handler_ref="h1", responded_date=D(2024, 6, 10), outcome="open"),
            s1("c"),
            s1("d", handler_ref="h3"),
            # extensions: e within 10 WD with a reason; f over the cap; g no reason;
            # h (Scotland) at the SPSO cap of 5; i (Scotland) over it
            s1("e", handler_ref="  ", extension_wd=10, extension_reason="survey", **done),
            s1("f", handler_ref="h1", extension_wd=12, extension_reason="survey", **done),
            s1("g", handler_ref="h1", extension_wd=5),
            s1("h", handler_ref="h1", extension_wd=5, extension_reason="access"),
            s1("i", handler_ref="h1", extension_wd=6, extension_reason="access"),
            s1("k", handler_ref="h1", **done),
            # stage 2: a within the 20 WD cap; f over it (both complete records)
            s2("a", handler_ref="h2", extension_wd=20, extension_reason="expert", **done),
            s2("f", handler_ref="h9", extension_wd=21, extension_reason="expert"),
            # refused: a complaint with a reason, an escalation without; neither is counted
            s1("j", refused=True, refusal_reason="out of time"),
            s2("k", refused=True),
            # another year
            s1("late", received_date=D(2025, 4, 10), handler_ref="h1", extension_wd=3),
        ],
    )
    compute_measures(c, code_landlord(), ReportingYear.parse("2024-25"))
    return c


def test_records_complete(con):
    # stage 1 counted: a b c d e f g h i k (10); complete: a d f g h i k (b outcome open after
    # the response, c no handler, e blank handler). stage 2 counted: a f (refused k left out).
    assert measure(con, "records_complete", "stage", "1")[:3] == (7, 10, 70.0)
    assert measure(con, "records_complete", "stage", "2")[:3] == (2, 2, 100.0)
    numerator, denominator, value, display, view = measure(con, "records_complete")
    assert (numerator, denominator, display, view) == (9, 12, "75.0", "all")
    # Q1 holds the stage 1 rows only (stage 2 received in July)
    assert measure(con, "records_complete", period="2024-25-Q1")[:2] == (7, 10)


def test_extension_within_limit(con):
    # stage 1 extended: e (ok), f (12 > 10), g (no reason), h (sct 5 <= 5, ok), i (sct 6 > 5)
    assert measure(con, "extension_within_limit_1")[:4] == (2, 5, 40.0, "40.0")
    eng = measure(con, "extension_within_limit_1", "regime", "eng")
    assert eng[:2] == (1, 3) and eng[2] == pytest.approx(100 / 3) and eng[3] == "33.3"
    assert measure(con, "extension_within_limit_1", "regime", "sct")[:3] == (1, 2, 50.0)
    assert measure(con, "extension_within_limit_2")[:3] == (1, 2, 50.0)
    assert measure(con, "extension_within_limit_2")[4] == "regulator"
    # Q2 has no stage 1 received; the 2025-26 stage (3 WD extension, no reason) is in no 2024-25 row
    assert measure(con, "extension_within_limit_1", period="2024-25-Q2")[3] == "[U]"


def test_refusals_with_reason_by_stage(con):
    assert measure(con, "refusals_with_reason")[:3] == (1, 2, 50.0)
    assert measure(con, "refusals_with_reason", "stage", "1")[:3] == (1, 1, 100.0)
    assert measure(con, "refusals_with_reason", "stage", "2")[:3] == (0, 1, 0.0)


def test_ack_in_time_has_one_view(con):
    views = con.execute(
        "select distinct view from measures where measure in ('ack_in_time_1', 'ack_in_time_2')"
    ).fetchall()
    assert views == [("all",)]


def test_stage_timeliness_carries_the_extension_reason(con):
    reasons = dict(
        con.execute(
            "select complaint_id, extension_reason from stage_timeliness where stage = 1 "
            "and extension_wd > 0 and regime = 'sct'"
        ).fetchall()
    )
    assert reasons == {"h": "access", "i": "access"}


def test_records_and_refusals_by_regime(con):
    """The Code self-assessment of a landlord in England and Scotland quotes England's rows
    (5.12, 2.1, 5.11); the countries add up to the total."""
    # England: stage 1 a b c d e f g k (complete a d f g k) and stage 2 a f; Scotland: h i
    assert measure(con, "records_complete", "regime", "eng")[:3] == (7, 10, 70.0)
    assert measure(con, "records_complete", "regime", "sct")[:3] == (2, 2, 100.0)
    # both refusals (j with a reason at stage 1, k without at stage 2) are English
    assert measure(con, "refusals_with_reason", "regime", "eng")[:3] == (1, 2, 50.0)
    assert measure(con, "refusals_with_reason", "regime|stage", "eng|1")[:3] == (1, 1, 100.0)
    assert measure(con, "refusals_with_reason", "regime|stage", "eng|2")[:3] == (0, 1, 0.0)
    assert measure(con, "refused_1", "regime|reason", "eng|out of time")[0] == 1


def test_promised_actions_by_the_promising_complaints_country():
    c = duckdb.connect()
    create_canonical_schema(c)
    insert_rows(
        c,
        "complaint",
        [
            {"complaint_id": "e", "received_date": JUN3},
            {"complaint_id": "s", "received_date": JUN3, "regime": "sct"},
        ],
    )
    due, late = D(2024, 8, 1), D(2024, 8, 9)
    insert_rows(
        c,
        "promised_action",
        [
            {"complaint_id": "e", "stage": 1, "action_kind": "repair", "due_date": due,
             "completed_date": due},
            {"complaint_id": "e", "stage": 2, "action_kind": "repair", "due_date": due,
             "completed_date": late},
            {"complaint_id": "s", "stage": 2, "action_kind": "repair", "due_date": due,
             "completed_date": due},
            # its complaint is not loaded: no country, but still in the total
            {"complaint_id": "x", "stage": 1, "action_kind": "callback", "due_date": due},
        ],
    )  # fmt: skip
    compute_measures(c, code_landlord(), ReportingYear.parse("2024-25"))
    assert measure(c, "promised_actions_on_time")[:2] == (2, 4)
    assert measure(c, "promised_actions_on_time", "regime", "eng")[:2] == (1, 2)
    assert measure(c, "promised_actions_on_time", "regime", "sct")[:2] == (1, 1)
    assert measure(c, "promised_actions_on_time", "regime", "unknown")[:2] == (0, 1)
    assert measure(c, "promised_actions_on_time", "regime|stage", "eng|2")[:2] == (0, 1)
    assert measure(c, "promised_actions_on_time", "stage", "2")[:2] == (1, 2)
