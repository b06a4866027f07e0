"""stage_timeliness on hand-checked rows (design.md section 5).

Timescales (pipeline.measures.testing.code_landlord): England stage 1 acknowledge 5 WD, respond
10 WD from acknowledgement, extension cap 10; stage 2 5 / 20 / 20. Scotland stage 1 no
acknowledgement, respond 5 WD from receipt, cap 5; stage 2 3 / 20 / 10. Every expected date is
counted by hand in the comment beside it (weekday and bank holidays noted).
"""

import datetime as dt

import duckdb
import pytest

from pipeline.measures import stage_timeliness
from pipeline.measures.testing import (
    code_landlord,
    code_policy_version,
    create_canonical_schema,
    insert_rows,
)

D = dt.date
CUT = dt.date(2025, 6, 30)


def staged(complaints, stages, landlord=None, data_cut=CUT):
    """Run stage_timeliness on the given rows; return {(complaint_id, stage): row dict}."""
    con = duckdb.connect()
    create_canonical_schema(con)
    insert_rows(con, "complaint", complaints)
    insert_rows(con, "complaint_stage", stages)
    rel = stage_timeliness(con, landlord or code_landlord(), data_cut)
    frame = rel.pl()
    con.close()
    return {(row["complaint_id"], row["stage"]): row for row in frame.iter_rows(named=True)}


def one(received, regime="eng", **stage):
    """One complaint with one stage 1 received on ``received``."""
    complaint = {"complaint_id": "c1", "received_date": received, "regime": regime}
    row = {"complaint_id": "c1", "stage": 1, "received_date": received} | stage
    return [complaint], [row]


def test_acknowledged_in_time_response_on_the_deadline_and_one_day_after():
    # received Mon 3 Jun 2024; ack due: Tue 4 (1) .. Fri 7 (4), Mon 10 Jun (5).
    # acknowledged Wed 5 Jun -> clock starts 5 Jun; base deadline: Thu 6 (1), Fri 7 (2),
    # Mon 10 (3) .. Fri 14 (7), Mon 17 (8), Tue 18 (9), Wed 19 Jun (10).
    complaints = [
        {"complaint_id": "on", "received_date": D(2024, 6, 3)},
        {"complaint_id": "after", "received_date": D(2024, 6, 3)},
    ]
    stages = [
        {
            "complaint_id": cid,
            "stage": 1,
            "received_date": D(2024, 6, 3),
            "acknowledged_date": D(2024, 6, 5),
            "responded_date": responded,
            "outcome": "upheld",
        }
        for cid, responded in (("on", D(2024, 6, 19)), ("after", D(2024, 6, 20)))
    ]
    rows = staged(complaints, stages)
    on, after = rows[("on", 1)], rows[("after", 1)]
    assert on["ack_due"] == D(2024, 6, 10)
    assert on["ack_status"] == "in_time" and on["ack_in_time"] is True
    assert on["clock_start"] == D(2024, 6, 5)
    assert on["base_deadline"] == D(2024, 6, 19)
    assert on["reg_status"] == on["mgt_status"] == "in_time_without_ext"
    assert after["reg_status"] == after["mgt_status"] == "late"
    # wd(Mon 3 Jun, Wed 19 Jun) = 4 + 5 + 3 = 12; to Thu 20 Jun = 13
    assert on["wd_to_response"] == 12 and after["wd_to_response"] == 13


@pytest.mark.parametrize(
    ("acknowledged", "status"),
    [(D(2024, 6, 10), "in_time"), (D(2024, 6, 11), "late"), (None, "missing")],
)
def test_acknowledgement_on_the_limit_late_or_missing(acknowledged, status):
    # received Mon 3 Jun 2024, ack due Mon 10 Jun (5 WD). On the limit: clock starts Mon 10 Jun.
    # Late (Tue 11) or missing: the clock starts at the ack due date, Mon 10 Jun, all the same.
    # base deadline: Tue 11 (1) .. Fri 14 (4), Mon 17 .. Fri 21 (9), Mon 24 Jun (10).
    complaints, stages = one(D(2024, 6, 3), acknowledged_date=acknowledged)
    row = staged(complaints, stages)[("c1", 1)]
    assert row["ack_status"] == status
    assert row["ack_in_time"] is (status == "in_time")
    assert row["clock_start"] == D(2024, 6, 10)
    assert row["base_deadline"] == D(2024, 6, 24)
    assert row["reg_status"] == "late"  # never responded


def test_unacknowledged_stage_within_its_ack_window_at_the_cut_is_pending():
    # received Mon 3 Jun 2024, ack due Mon 10 Jun; data cut Fri 7 Jun -> pending, not missing
    complaints, stages = one(D(2024, 6, 3))
    row = staged(complaints, stages, data_cut=D(2024, 6, 7))[("c1", 1)]
    assert row["ack_status"] == "pending" and row["ack_in_time"] is None
    assert row["open_at_cut"] is True and row["overdue_at_cut"] is False


def test_receipt_on_a_weekend_and_on_a_bank_holiday():
    # Sat 1 Jun 2024: ack due Mon 3 (1) .. Fri 7 Jun (5)
    # Mon 27 May 2024 (spring bank holiday): ack due Tue 28 (1) .. Fri 31 (4), Mon 3 Jun (5)
    complaints = [
        {"complaint_id": "weekend", "received_date": D(2024, 6, 1)},
        {"complaint_id": "holiday", "received_date": D(2024, 5, 27)},
    ]
    stages = [
        {"complaint_id": "weekend", "stage": 1, "received_date": D(2024, 6, 1)},
        {"complaint_id": "holiday", "stage": 1, "received_date": D(2024, 5, 27)},
    ]
    rows = staged(complaints, stages)
    assert rows[("weekend", 1)]["ack_due"] == D(2024, 6, 7)
    assert rows[("holiday", 1)]["ack_due"] == D(2024, 6, 3)


def test_scotland_stage_1_has_no_acknowledgement_step_and_its_own_holidays():
    # Scotland stage 1: clock from receipt, 5 WD. Received Mon 5 Aug 2024 (Scottish summer
    # holiday): Tue 6 (1), Wed 7 (2), Thu 8 (3), Fri 9 (4), Mon 12 Aug (5).
    # Received Fri 29 Nov 2024: [Sat 30, Sun 1, Mon 2 Dec St Andrew's observed] Tue 3 (1),
    # Wed 4 (2), Thu 5 (3), Fri 6 (4), Mon 9 Dec (5). In England Mon 2 Dec is working.
    complaints = [
        {"complaint_id": "aug", "received_date": D(2024, 8, 5), "regime": "sct"},
        {"complaint_id": "nov", "received_date": D(2024, 11, 29), "regime": "sct"},
        {"complaint_id": "nov_eng", "received_date": D(2024, 11, 29), "regime": "eng"},
    ]
    stages = [
        {
            "complaint_id": cid,
            "stage": 1,
            "received_date": c["received_date"],
            "acknowledged_date": c["received_date"],
        }
        for cid, c in ((c["complaint_id"], c) for c in complaints)
    ]
    rows = staged(complaints, stages)
    aug, nov, nov_eng = rows[("aug", 1)], rows[("nov", 1)], rows[("nov_eng", 1)]
    assert aug["ack_status"] == "no_step" and aug["ack_in_time"] is None
    assert aug["clock_start"] == D(2024, 8, 5)
    assert aug["base_deadline"] == D(2024, 8, 12)
    assert nov["base_deadline"] == D(2024, 12, 9)
    # England, acknowledged the same day (Fri 29 Nov): Mon 2 (1) .. Fri 6 (5), Mon 9 .. Fri 13 Dec
    assert nov_eng["base_deadline"] == D(2024, 12, 13)


def test_closure_day_moves_the_deadline_in_its_regime():
    # received Mon 16 Dec 2024, acknowledged the same day; England closed Fri 27 Dec.
    # base: Tue 17 (1) .. Fri 20 (4), Mon 23 (5), Tue 24 (6), [25, 26 hol, 27 closed, weekend]
    # Mon 30 (7), Tue 31 (8), [1 Jan hol] Thu 2 Jan (9), Fri 3 Jan 2025 (10).
    # without the closure: Fri 27 Dec is day 7, so the deadline is Thu 2 Jan 2025.
    complaints, stages = one(D(2024, 12, 16), acknowledged_date=D(2024, 12, 16))
    closed = code_landlord(closures=[{"date": D(2024, 12, 27), "regimes": ["eng"]}])
    assert staged(complaints, stages, closed)[("c1", 1)]["base_deadline"] == D(2025, 1, 3)
    assert staged(complaints, stages)[("c1", 1)]["base_deadline"] == D(2025, 1, 2)


def _extension_rows(extension_wd, responded):
    # received and acknowledged Mon 3 Jun 2024 -> base: Tue 4 (1) .. Fri 7 (4), Mon 10 .. Fri 14
    # (9), Mon 17 Jun (10).
    return one(
        D(2024, 6, 3),
        acknowledged_date=D(2024, 6, 3),
        extension_wd=extension_wd,
        responded_date=responded,
        outcome="upheld",
    )


def test_extension_at_the_limit_is_in_time_with_extension_in_both_views():
    # extension 10 WD from Mon 17 Jun: Tue 18 (1) .. Fri 21 (4), Mon 24 .. Fri 28 (9), Mon 1 Jul
    complaints, stages = _extension_rows(10, D(2024, 7, 1))
    row = staged(complaints, stages)[("c1", 1)]
    assert row["base_deadline"] == D(2024, 6, 17)
    assert row["reg_extended_deadline"] == row["mgt_extended_deadline"] == D(2024, 7, 1)
    assert row["reg_status"] == row["mgt_status"] == "in_time_with_ext"


def test_extension_over_the_limit_is_capped_per_view():
    # 15 WD agreed; responded Mon 8 Jul = 15 WD after Mon 17 Jun (Tue 18 .. Fri 21 = 4,
    # Mon 24 .. Fri 28 = 9, Mon 1 .. Fri 5 Jul = 14, Mon 8 Jul = 15).
    complaints, stages = _extension_rows(15, D(2024, 7, 8))
    capped = staged(complaints, stages)[("c1", 1)]
    # the policy's own cap is the Code's 10 WD: late in both views
    assert capped["reg_extended_deadline"] == capped["mgt_extended_deadline"] == D(2024, 7, 1)
    assert capped["reg_status"] == capped["mgt_status"] == "late"

    uncapped_version = code_policy_version()
    uncapped_version["timescales"]["eng"]["stage_1"]["extension_wd"] = None  # seed 004: no cap
    uncapped = staged(complaints, stages, code_landlord(policy_versions=[uncapped_version]))
    row = uncapped[("c1", 1)]
    assert row["mgt_extended_deadline"] == D(2024, 7, 8)
    assert row["mgt_status"] == "in_time_with_ext"
    assert row["reg_status"] == "late"  # the regulator view still caps at 10 WD

    extenuating = code_policy_version()
    extenuating["timescales"]["eng"]["stage_1"]["extension_cap_unless_extenuating"] = True
    row = staged(complaints, stages, code_landlord(policy_versions=[extenuating]))[("c1", 1)]
    assert row["mgt_status"] == "in_time_with_ext" and row["reg_status"] == "late"


def test_response_before_base_deadline_with_extension_agreed_is_without_extension():
    complaints, stages = _extension_rows(10, D(2024, 6, 17))
    assert staged(complaints, stages)[("c1", 1)]["reg_status"] == "in_time_without_ext"


def test_policy_version_change_between_two_complaints():
    # v1 (from 1 Apr 2024): stage 1 respond 10 WD; v2 (from 2 Sep 2024): respond 5 WD.
    v1 = code_policy_version()
    v2 = code_policy_version(effective_from=D(2024, 9, 2))
    v2["timescales"]["eng"]["stage_1"]["respond_wd"] = 5
    landlord = code_landlord(policy_versions=[v1, v2])
    complaints = [
        {"complaint_id": "old", "received_date": D(2024, 8, 30)},
        {"complaint_id": "new", "received_date": D(2024, 9, 2)},
    ]
    stages = [
        {
            "complaint_id": "old",
            "stage": 1,
            "received_date": D(2024, 8, 30),
            "acknowledged_date": D(2024, 8, 30),
        },
        {
            "complaint_id": "new",
            "stage": 1,
            "received_date": D(2024, 9, 2),
            "acknowledged_date": D(2024, 9, 2),
        },
    ]
    rows = staged(complaints, stages, landlord)
    # old, Fri 30 Aug + 10: Mon 2 .. Fri 6 Sep (5), Mon 9 .. Fri 13 Sep (10)
    assert rows[("old", 1)]["base_deadline"] == D(2024, 9, 13)
    assert rows[("old", 1)]["policy_effective_from"] == D(2024, 4, 1)
    # new, Mon 2 Sep + 5: Tue 3 (1) .. Fri 6 (4), Mon 9 Sep (5)
    assert rows[("new", 1)]["base_deadline"] == D(2024, 9, 9)
    assert rows[("new", 1)]["policy_effective_from"] == D(2024, 9, 2)


def _escalation(window, s1_responded, s2_received, first_known=None):
    landlord = code_landlord(policy_versions=[code_policy_version(escalation_window=window)])
    complaints = [
        {"complaint_id": "c1", "received_date": D(2024, 4, 15), "first_known_date": first_known}
    ]
    stages = [
        {
            "complaint_id": "c1",
            "stage": 1,
            "received_date": D(2024, 4, 15),
            "responded_date": s1_responded,
            "outcome": "not_upheld",
        },
        {"complaint_id": "c1", "stage": 2, "received_date": s2_received},
    ]
    return staged(complaints, stages, landlord, data_cut=CUT)


@pytest.mark.parametrize(
    ("s2_received", "late"),
    [(D(2025, 2, 28), False), (D(2025, 3, 1), True)],
)
def test_one_calendar_month_window_from_31_january_ends_28_february(s2_received, late):
    # seed 004: one calendar month from the stage 1 response; 31 Jan 2025 + 1 month = 28 Feb 2025
    rows = _escalation({"months_after_stage1_response": 1}, D(2025, 1, 31), s2_received)
    assert rows[("c1", 1)]["escalation_window_close"] == D(2025, 2, 28)
    assert rows[("c1", 2)]["late_requested"] is late
    assert rows[("c1", 1)]["has_stage2"] is True


def test_seed_003_window_is_the_later_of_first_known_and_stage1_response():
    # first known 10 Apr 2024 + 6 months = 10 Oct 2024; stage 1 response 20 May + 2 months =
    # 20 Jul 2024; the later: 10 Oct 2024
    window = {"months_after_stage1_response": 2, "months_after_first_known": 6}
    inside = _escalation(window, D(2024, 5, 20), D(2024, 10, 10), first_known=D(2024, 4, 10))
    outside = _escalation(window, D(2024, 5, 20), D(2024, 10, 11), first_known=D(2024, 4, 10))
    assert inside[("c1", 1)]["escalation_window_close"] == D(2024, 10, 10)
    assert inside[("c1", 2)]["late_requested"] is False
    assert outside[("c1", 2)]["late_requested"] is True


def test_stage1_resolution_is_provisional_while_the_window_is_open():
    # responded 31 Jan 2025, one-month window closes 28 Feb 2025
    landlord = code_landlord(
        policy_versions=[code_policy_version(escalation_window={"months_after_stage1_response": 1})]
    )
    complaints, stages = one(D(2025, 1, 20), responded_date=D(2025, 1, 31), outcome="upheld")
    assert staged(complaints, stages, landlord, D(2025, 2, 28))[("c1", 1)]["s1_provisional"]
    assert not staged(complaints, stages, landlord, D(2025, 3, 1))[("c1", 1)]["s1_provisional"]


def test_stage2_acknowledgement_and_deadline_scotland():
    # Scottish stage 2 received Mon 2 Dec 2024 (St Andrew's Day observed): ack 3 WD: Tue 3 (1),
    # Wed 4 (2), Thu 5 Dec (3). Acknowledged Wed 4 -> respond 20 WD from Wed 4 Dec: Thu 5 (1),
    # Fri 6 (2), Mon 9 .. Fri 13 (7), Mon 16 .. Fri 20 (12), Mon 23 (13), Tue 24 (14),
    # [25, 26 hol] Fri 27 (15), Mon 30 (16), Tue 31 (17), [1, 2 Jan hol] Fri 3 Jan (18),
    # Mon 6 (19), Tue 7 Jan 2025 (20).
    complaints = [{"complaint_id": "c1", "received_date": D(2024, 11, 1), "regime": "sct"}]
    stages = [
        {
            "complaint_id": "c1",
            "stage": 1,
            "received_date": D(2024, 11, 1),
            "responded_date": D(2024, 11, 7),
            "outcome": "not_upheld",
        },
        {
            "complaint_id": "c1",
            "stage": 2,
            "received_date": D(2024, 12, 2),
            "acknowledged_date": D(2024, 12, 4),
        },
    ]
    row = staged(complaints, stages)[("c1", 2)]
    assert row["ack_due"] == D(2024, 12, 5) and row["ack_status"] == "in_time"
    assert row["base_deadline"] == D(2025, 1, 7)


def test_heat_network_deadline_is_56_calendar_days_where_the_rules_apply():
    # received Mon 3 Jun 2024: 3 Jun + 27 days = 30 Jun; + 56 days = 29 Jul 2024
    version = code_policy_version(heat_network_rules_from=D(2024, 4, 1))
    landlord = code_landlord(policy_versions=[version])
    complaints = [
        {"complaint_id": "heat", "received_date": D(2024, 6, 3), "service_area": "heat_network"},
        {"complaint_id": "other", "received_date": D(2024, 6, 3), "service_area": "repairs"},
    ]
    stages = [
        {"complaint_id": c["complaint_id"], "stage": 1, "received_date": D(2024, 6, 3)}
        for c in complaints
    ]
    rows = staged(complaints, stages, landlord)
    assert rows[("heat", 1)]["heat_deadline"] == D(2024, 7, 29)
    assert rows[("heat", 1)]["heat_network_rules"] is True
    assert rows[("other", 1)]["heat_network_rules"] is False
    # without heat_network_rules_from in the policy, no heat-network deadline
    assert staged(complaints, stages)[("heat", 1)]["heat_network_rules"] is False


def test_refused_and_unaccepted_anonymous_stages_are_not_counted():
    no_anonymous = code_landlord(policy_versions=[code_policy_version(anonymous_accepted=False)])
    complaints = [
        {"complaint_id": "refused", "received_date": D(2024, 6, 3)},
        {"complaint_id": "anon", "received_date": D(2024, 6, 3), "anonymous": True},
    ]
    stages = [
        {
            "complaint_id": "refused",
            "stage": 1,
            "received_date": D(2024, 6, 3),
            "refused": True,
            "refusal_reason": "outside time limit",
        },
        {"complaint_id": "anon", "stage": 1, "received_date": D(2024, 6, 3)},
    ]
    rows = staged(complaints, stages, no_anonymous)
    assert rows[("refused", 1)]["counted"] is False
    assert rows[("anon", 1)]["counted"] is False
    assert staged(complaints, stages)[("anon", 1)]["counted"] is True


def test_weekend_responses_and_acknowledgements_against_working_day_deadlines():
    # Statuses are judged on working-day indexes (sql/staging/stage_timeliness.sql); a weekend
    # date has the index of the Friday before, so these are the cases that must stay exact.
    # fri: received and acknowledged Fri 31 May 2024 -> base deadline Fri 14 Jun (10 WD);
    #      responded Sat 15 Jun: after the deadline, late.
    # mon: received and acknowledged Mon 3 Jun -> base deadline Mon 17 Jun; responded Sun 16 Jun:
    #      before the deadline, in time.
    # ackwknd: received Mon 3 Jun, ack due Mon 10 Jun, acknowledged Sat 8 Jun: in time;
    # acklate: received Fri 31 May, ack due Fri 7 Jun (Mon 3 .. Fri 7), acknowledged Sat 8 Jun:
    #      late.
    complaints = [
        {"complaint_id": cid, "received_date": received}
        for cid, received in (
            ("fri", D(2024, 5, 31)),
            ("mon", D(2024, 6, 3)),
            ("ackwknd", D(2024, 6, 3)),
            ("acklate", D(2024, 5, 31)),
        )
    ]
    stages = [
        {
            "complaint_id": "fri",
            "stage": 1,
            "received_date": D(2024, 5, 31),
            "acknowledged_date": D(2024, 5, 31),
            "responded_date": D(2024, 6, 15),
            "outcome": "upheld",
        },
        {
            "complaint_id": "mon",
            "stage": 1,
            "received_date": D(2024, 6, 3),
            "acknowledged_date": D(2024, 6, 3),
            "responded_date": D(2024, 6, 16),
            "outcome": "upheld",
        },
        {
            "complaint_id": "ackwknd",
            "stage": 1,
            "received_date": D(2024, 6, 3),
            "acknowledged_date": D(2024, 6, 8),
        },
        {
            "complaint_id": "acklate",
            "stage": 1,
            "received_date": D(2024, 5, 31),
            "acknowledged_date": D(2024, 6, 8),
        },
    ]
    rows = staged(complaints, stages)
    assert rows[("fri", 1)]["base_deadline"] == D(2024, 6, 14)
    assert rows[("fri", 1)]["reg_status"] == rows[("fri", 1)]["mgt_status"] == "late"
    assert rows[("mon", 1)]["base_deadline"] == D(2024, 6, 17)
    assert rows[("mon", 1)]["reg_status"] == "in_time_without_ext"
    assert rows[("ackwknd", 1)]["ack_due"] == D(2024, 6, 10)
    assert rows[("ackwknd", 1)]["ack_status"] == "in_time"
    assert rows[("acklate", 1)]["ack_due"] == D(2024, 6, 7)
    assert rows[("acklate", 1)]["ack_status"] == "late"
    # a late acknowledgement never buys time: the clock starts at ack due (Fri 7 Jun)
    assert rows[("acklate", 1)]["clock_start"] == D(2024, 6, 7)
