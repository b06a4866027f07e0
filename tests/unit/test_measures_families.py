"""The other measure families on hand-checked rows: volumes and breakdowns, the two timeliness
views, outcomes, remedies, refusals, equality, Ombudsman, CHFOs, learning, promised actions, root
causes, complainant surveys, non-complaints, compliments, handlers, care and outside-TSM areas.

All complaints are English, received Mon 3 Jun 2024 and acknowledged that day, so the stage 1
base deadline is Mon 17 Jun 2024 and the Code's 10 WD extension reaches Mon 1 Jul 2024.
"""

import datetime as dt

import duckdb
import pytest

from pipeline.measures import compute_measures
from pipeline.measures.testing import (
    code_landlord,
    code_policy_version,
    create_canonical_schema,
    insert_rows,
)
from pipeline.periods import ReportingYear

D = dt.date
JUN3 = D(2024, 6, 3)


def measure(con, name, value="all", view=None, period="2024-25", breakdown=None):
    sql = (
        "select numerator, denominator, value, display from measures "
        "where measure = $m and period = $p and breakdown_value = $b"
    )
    params = {"m": name, "p": period, "b": value}
    if view:
        sql += " and view = $v"
        params["v"] = view
    if breakdown:
        sql += " and breakdown = $bd"
        params["bd"] = breakdown
    rows = con.execute(sql, params).fetchall()
    assert len(rows) == 1, (name, value, view, rows)
    return rows[0]


@pytest.fixture(scope="module")
def con():
    # management view: no extension cap (seed 004); care outside the TSM count (LGSCO route)
    version = code_policy_version(outside_tsm_service_areas=["care"])
    version["timescales"]["eng"]["stage_1"]["extension_wd"] = None
    landlord = code_landlord(policy_versions=[version])
    c = duckdb.connect()
    create_canonical_schema(c)

    def cmp(cid, **fields):
        return {"complaint_id": cid, "received_date": JUN3} | fields

    insert_rows(
        c,
        "complaint",
        [
            cmp(
                "a",
                category="Repairs",
                scheme="North",
                channel="phone",
                root_cause="Delay",
                vulnerability=True,
                adjustment_requested=True,
                adjustment_made=True,
            ),
            cmp("b", category="Repairs", scheme="North", channel="email", handled_by="Agent Ltd"),
            cmp(
                "c",
                category="Rent",
                scheme="South",
                channel="email",
                vulnerability=True,
                adjustment_requested=True,
            ),
            cmp("d", category="Rent", service_area="care"),
            cmp("e", category="ASB", root_cause="Policy"),
            cmp("f", category="ASB"),
        ],
    )
    stage = {"stage": 1, "received_date": JUN3, "acknowledged_date": JUN3}
    insert_rows(
        c,
        "complaint_stage",
        [
            # in time, upheld, £50 paid, apology + repair
            stage
            | {
                "complaint_id": "a",
                "responded_date": D(2024, 6, 17),
                "outcome": "upheld",
                "compensation_offered_gbp": 75,
                "compensation_paid_gbp": 50,
                "non_financial_remedy": "Apology; repair",
                "handler_ref": "h1",
            },
            # 15 WD extension, responded Mon 8 Jul: management (no cap) in time, regulator late
            stage
            | {
                "complaint_id": "b",
                "responded_date": D(2024, 7, 8),
                "extension_wd": 15,
                "outcome": "partially_upheld",
                "non_financial_remedy": "apology",
            },
            # late, not upheld
            stage
            | {"complaint_id": "c", "responded_date": D(2024, 6, 18), "outcome": "not_upheld"},
            # care: in time, upheld
            stage | {"complaint_id": "d", "responded_date": D(2024, 6, 10), "outcome": "upheld"},
            # withdrawn, closed without a response (complaint closed_date not set -> received)
            stage | {"complaint_id": "e", "outcome": "withdrawn"},
            # refused without a reason
            stage | {"complaint_id": "f", "refused": True},
            # a's escalation: stage 2 handled by someone else; b's by the same person
            {"complaint_id": "a", "stage": 2, "received_date": D(2024, 7, 1), "handler_ref": "h2"},
        ],
    )
    insert_rows(
        c,
        "ombudsman_case",
        [
            {
                "case_ref": "o1",
                "body": "housing_ombudsman",
                "referral_date": D(2024, 5, 1),
                "determination_date": D(2024, 11, 1),
            },
            {"case_ref": "o2", "body": "housing_ombudsman", "referral_date": D(2024, 8, 1)},
            {
                "case_ref": "o3",
                "body": "lgsco",
                "referral_date": D(2023, 8, 1),
                "determination_date": D(2024, 9, 1),
            },
        ],
    )
    insert_rows(
        c,
        "ombudsman_finding",
        [
            {
                "case_ref": "o1",
                "outcome": "maladministration",
                "orders_count": 2,
                "orders_complied_count": 1,
                "compensation_ordered_gbp": 300,
            },
            {"case_ref": "o1", "outcome": "no_maladministration"},
            {
                "case_ref": "o3",
                "outcome": "service_failure",
                "orders_count": 1,
                "orders_complied_count": 1,
            },
            {"case_ref": "o3", "outcome": "reasonable_redress"},
        ],
    )
    insert_rows(
        c,
        "chfo",
        [
            {"chfo_ref": "x1", "issued_date": D(2024, 10, 1), "complied_date": D(2024, 10, 20)},
            {"chfo_ref": "x2", "issued_date": D(2024, 12, 1)},
        ],
    )
    insert_rows(
        c,
        "remedy_payment",
        [
            {"payment_ref": "p1", "paid_date": D(2024, 8, 1), "amount_gbp": 25, "kind": "goodwill"},
            {
                "payment_ref": "p2",
                "paid_date": D(2024, 9, 1),
                "amount_gbp": 100,
                "kind": "compensation",
            },
        ],
    )
    insert_rows(
        c,
        "learning_action",
        [
            {
                "action_ref": "l1",
                "theme": "Repairs",
                "description": "Texts before visits",
                "linked_complaint_ids": ["a", "b"],
                "raised_date": D(2024, 7, 1),
                "due_date": D(2024, 9, 30),
                "completed_date": D(2024, 9, 1),
            },
            {
                "action_ref": "l2",
                "theme": "Repairs",
                "description": "Damp survey",
                "linked_complaint_ids": ["c"],
                "raised_date": D(2024, 7, 1),
                "due_date": D(2024, 10, 31),
                "completed_date": D(2024, 11, 15),
            },
            {
                "action_ref": "l3",
                "theme": "Rent",
                "description": "Clearer statements",
                "raised_date": D(2024, 8, 1),
                "due_date": D(2025, 6, 1),
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
                "completed_date": D(2024, 7, 1),
            },
            {
                "complaint_id": "b",
                "stage": 1,
                "action_kind": "callback",
                "due_date": D(2024, 7, 10),
                "completed_date": D(2024, 7, 12),
            },
        ],
    )
    insert_rows(
        c,
        "complainant_survey",
        [
            {
                "complaint_id": "a",
                "sent_date": D(2024, 6, 20),
                "returned_date": D(2024, 7, 2),
                "satisfied_timeliness": 5,
                "satisfied_fairness": 4,
                "satisfied_outcome": 2,
            },
            {
                "complaint_id": "b",
                "sent_date": D(2024, 7, 10),
                "returned_date": D(2024, 7, 20),
                "satisfied_timeliness": 1,
                "satisfied_fairness": None,
                "satisfied_outcome": 4,
            },
            {"complaint_id": "c", "sent_date": D(2024, 6, 20)},
        ],
    )
    insert_rows(
        c,
        "non_complaint",
        [
            {
                "record_ref": "n1",
                "kind": "petition",
                "record_date": D(2024, 6, 1),
                "service_area": "housing",
            },
            {"record_ref": "n2", "kind": "did_not_wish_to_complain", "record_date": D(2024, 7, 1)},
        ],
    )
    insert_rows(c, "compliment", [{"compliment_ref": "k1", "received_date": D(2024, 6, 5)}])
    compute_measures(c, landlord, ReportingYear.parse("2024-25"), D(2025, 6, 30))
    yield c
    c.close()


def test_volumes_and_breakdowns(con):
    # counted stage 1 (f refused): a b c d e = 5
    assert measure(con, "received_1")[0] == 5
    assert measure(con, "received_1", "Repairs", breakdown="category")[0] == 2
    assert measure(con, "received_1", "North", breakdown="scheme")[0] == 2
    assert measure(con, "received_1", "unknown", breakdown="scheme")[0] == 2  # d, e
    assert measure(con, "received_1", "Agent Ltd", breakdown="managing_agent")[0] == 1
    assert measure(con, "received_1", "landlord", breakdown="managing_agent")[0] == 4
    assert measure(con, "received_1", "email", breakdown="channel")[0] == 2
    assert measure(con, "complaints_received")[0] == 5  # a's stage 2 is the same complaint
    assert measure(con, "received_2")[0] == 1


def test_care_outside_the_tsm_count_is_reported_apart(con):
    assert measure(con, "care_complaints")[0] == 1
    assert measure(con, "outside_tsm", "care", breakdown="service_area")[0] == 1
    # CH01_1 lcra: a b c e (d is care, f refused) = 4 / 2,000 x 1,000 = 2.0
    assert measure(con, "CH01_1", "lcra")[:2] == (4, 2000)


def test_the_two_views_differ_only_by_the_extension_rule(con):
    # responded stage 1: a (in), b (15 WD extension), c (late), d (in) = 4
    assert measure(con, "response_in_time_1", view="management")[:2] == (3, 4)
    assert measure(con, "response_in_time_1", view="regulator")[:2] == (2, 4)
    assert measure(con, "response_in_time_with_ext_1", view="management")[0] == 1
    assert measure(con, "response_in_time_with_ext_1", view="regulator")[0] == 0
    # by vulnerability: a (in time) and c (late) -> 1 of 2
    assert measure(con, "response_in_time_1", "yes", view="management", breakdown="vulnerability")[
        :2
    ] == (1, 2)
    # everything acknowledged the same day: 5 of 5 counted stage 1
    assert measure(con, "ack_in_time_1")[:2] == (5, 5)


def test_outcomes_by_stage_and_category(con):
    # closed in the year: a upheld, b partial, c not upheld, d upheld, e withdrawn = 5
    assert measure(con, "outcome_1", "upheld", breakdown="outcome")[:2] == (2, 5)
    assert measure(con, "outcome_1", "withdrawn", breakdown="outcome")[3] == "20.0"
    assert measure(con, "outcome_1", "Repairs|upheld", breakdown="category|outcome")[:2] == (1, 2)
    assert measure(con, "outcome_1", "care|upheld", breakdown="service_area|outcome")[:2] == (1, 1)


def test_remedies_and_payments_without_a_complaint(con):
    assert measure(con, "compensation_paid_gbp")[2:] == (50.0, "50.00")
    assert measure(con, "compensation_offered_gbp")[2] == 75.0
    assert measure(con, "compensation_paid_count")[0] == 1
    # the offers and payments behind every cell the money has (published sums of 1-4 are withheld)
    assert measure(con, "compensation_offered_count")[0] == 1
    for breakdown, value in (("scheme", "North"), ("stage", "1"), ("regime|stage", "eng|1")):
        for kind in ("offered", "paid"):
            assert measure(con, f"compensation_{kind}_count", value, breakdown=breakdown)[0] == 1
    assert measure(con, "compensation_paid_count", "South", breakdown="scheme")[0] == 0
    assert measure(con, "non_financial_remedy", "apology", breakdown="remedy")[0] == 2
    assert measure(con, "non_financial_remedy", "repair", breakdown="remedy")[0] == 1
    assert measure(con, "remedy_payments_without_complaint")[2] == 125.0
    assert measure(con, "remedy_payments_without_complaint", "goodwill", breakdown="kind")[2] == 25
    assert measure(con, "remedy_payments_without_complaint_count")[0] == 2
    assert (
        measure(
            con, "remedy_payments_without_complaint_count", "unknown", breakdown="service_area"
        )[0]
        == 2
    )


def test_refusals_and_reasons(con):
    assert measure(con, "refused_1")[0] == 1
    assert measure(con, "refused_1", "not recorded", breakdown="reason")[0] == 1
    assert measure(con, "refusals_with_reason")[:3] == (0, 1, 0.0)


def test_equality_and_access(con):
    # counted stage 1: 5; vulnerability a, c; adjustment requested a, c, made a
    assert measure(con, "vulnerability_1")[:2] == (2, 5)
    assert measure(con, "adjustment_requested_1")[:2] == (2, 5)
    assert measure(con, "adjustment_made_1")[:3] == (1, 2, 50.0)


def test_ombudsman_and_chfos(con):
    # referred in 2024-25: o1 (1 May 2024), o2; o3 was referred in 2023
    assert measure(con, "ombudsman_referred")[0] == 2
    assert measure(con, "ombudsman_referred", "housing_ombudsman", breakdown="body")[0] == 2
    assert measure(con, "ombudsman_determinations")[0] == 2  # o1, o3
    assert measure(con, "ombudsman_findings")[0] == 4
    # maladministration + service failure of 4 findings = 50.0; HO alone 1 of 2
    assert measure(con, "ombudsman_maladministration_rate")[:3] == (2, 4, 50.0)
    assert measure(con, "ombudsman_maladministration_rate", "housing_ombudsman", breakdown="body")[
        :2
    ] == (1, 2)
    assert (
        measure(con, "ombudsman_findings", "lgsco|service_failure", breakdown="body|outcome")[0]
        == 1
    )
    assert measure(con, "ombudsman_orders_complied")[:2] == (2, 3)
    assert measure(con, "ombudsman_compensation_ordered_gbp")[2] == 300.0
    # one finding ordered the £300: the count behind the sum
    assert measure(con, "ombudsman_compensation_ordered_count")[0] == 1
    assert measure(con, "ombudsman_compensation_ordered_count", "lgsco", breakdown="body")[:3] == (
        0,
        None,
        0,
    )
    assert measure(con, "chfo_issued")[0] == 2
    assert measure(con, "chfo_complied")[:2] == (1, 2)


def test_learning_promised_actions_and_root_causes(con):
    assert measure(con, "learning_actions")[0] == 3
    assert measure(con, "learning_actions", "Repairs", breakdown="theme")[0] == 2
    assert measure(con, "learning_linked_complaints")[0] == 3
    # due in the year: l1 (on time), l2 (late); l3 is due in 2025-26
    assert measure(con, "learning_actions_completed_by_due")[:2] == (1, 2)
    assert measure(con, "learning_actions_completed")[0] == 2
    assert measure(con, "promised_actions_on_time")[:2] == (1, 2)
    assert measure(con, "root_cause", "Delay", breakdown="root_cause")[0] == 1
    assert measure(con, "root_cause_recorded")[:2] == (2, 5)


def test_complainant_survey_by_quarter(con):
    # sent in Q1 (Apr-Jun): a, c -> 1 returned of 2; Q2: b returned
    assert measure(con, "complainant_survey_response_rate", period="2024-25-Q1")[:2] == (1, 2)
    assert measure(con, "complainant_survey_response_rate", "Q1", breakdown="quarter")[:2] == (1, 2)
    assert measure(con, "complainant_survey_response_rate")[:2] == (2, 3)
    # returned in the year: timeliness 5 and 1 -> 1 of 2; fairness 4 (b blank) -> 1 of 1
    assert measure(con, "complainant_satisfaction_timeliness")[:2] == (1, 2)
    assert measure(con, "complainant_satisfaction_fairness")[:2] == (1, 1)
    assert measure(con, "complainant_satisfaction_outcome")[:2] == (1, 2)


def test_non_complaints_and_compliments_counted_apart(con):
    assert measure(con, "non_complaints")[0] == 2
    assert measure(con, "non_complaints", "petition", breakdown="kind")[0] == 1
    assert measure(con, "compliments")[0] == 1


def test_stage2_handled_by_a_different_person(con):
    # a: stage 1 h1, stage 2 h2 -> 1 of 1
    assert measure(con, "stage2_different_handler")[:3] == (1, 1, 100.0)


def test_root_cause_recorded_is_zero_percent_not_unknown_when_none_is_recorded():
    """design.md s6: "[U]" is for a zero denominator. With complaints received and no root cause
    recorded on any of them the share recorded is 0 of n (0.0%), not [U]: the numerator was an
    SQL sum over no rows (null), so all four example landlords showed [U] beside hundreds of
    complaints."""
    c = duckdb.connect()
    create_canonical_schema(c)
    insert_rows(
        c, "complaint", [{"complaint_id": cid, "received_date": JUN3} for cid in ("a", "b", "c")]
    )
    insert_rows(
        c,
        "complaint_stage",
        [{"complaint_id": cid, "stage": 1, "received_date": JUN3} for cid in ("a", "b", "c")],
    )
    compute_measures(c, code_landlord(), ReportingYear.parse("2024-25"), D(2025, 6, 30))
    assert measure(c, "root_cause_recorded") == (0, 3, 0.0, "0.0")
    # a month without complaints still has no denominator: [U]
    assert measure(c, "root_cause_recorded", period="2024-07")[2:] == (None, "[U]")


def test_compensation_no_export_records_is_not_known_rather_than_nothing():
    """An export with an offered column and no paid column (a CRM whose payments are made in the
    finance system): paid is null ([U]), its count too, in every breakdown; offered is summed as
    usual. Before, the board read "compensation offered £30,009, paid £0"."""
    c = duckdb.connect()
    create_canonical_schema(c)
    insert_rows(
        c,
        "complaint",
        [{"complaint_id": cid, "received_date": JUN3, "scheme": "North"} for cid in ("a", "b")],
    )
    insert_rows(
        c,
        "complaint_stage",
        [
            {
                "complaint_id": cid,
                "stage": 1,
                "received_date": JUN3,
                "acknowledged_date": JUN3,
                "responded_date": D(2024, 6, 10),
                "outcome": "upheld",
                "compensation_offered_gbp": offered,
            }
            for cid, offered in (("a", 100), ("b", None))
        ],
    )
    compute_measures(c, code_landlord(), ReportingYear.parse("2024-25"), D(2025, 6, 30))
    assert measure(c, "compensation_offered_gbp")[2:] == (100.0, "100.00")
    assert measure(c, "compensation_offered_count")[0] == 1
    for name in ("compensation_paid_gbp", "compensation_paid_count"):
        assert measure(c, name)[2:] == (None, "[U]")
        assert measure(c, name, "North", breakdown="scheme")[2:] == (None, "[U]")
        assert measure(c, name, "1", breakdown="stage")[2:] == (None, "[U]")


def test_ombudsman_compensation_no_finding_records_is_not_known_rather_than_nothing():
    """An Ombudsman tracker with no compensation column (or none filled in on any finding): the
    compensation ordered and its count are null ([U]) in every breakdown, not £0 and 0. Before,
    a board read "Compensation ordered £0" beside a determination of maladministration."""
    c = duckdb.connect()
    create_canonical_schema(c)
    insert_rows(
        c,
        "ombudsman_case",
        [
            {
                "case_ref": "o1",
                "body": "housing_ombudsman",
                "referral_date": D(2024, 5, 1),
                "determination_date": D(2024, 9, 1),
            }
        ],
    )
    insert_rows(c, "ombudsman_finding", [{"case_ref": "o1", "outcome": "maladministration"}])
    compute_measures(c, code_landlord(), ReportingYear.parse("2024-25"), D(2025, 6, 30))
    assert measure(c, "ombudsman_findings")[0] == 1
    for name in ("ombudsman_compensation_ordered_gbp", "ombudsman_compensation_ordered_count"):
        assert measure(c, name)[2:] == (None, "[U]")
        assert measure(c, name, "housing_ombudsman", breakdown="body")[2:] == (None, "[U]")
