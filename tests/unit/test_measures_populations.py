"""Measures on hand-checked rows: populations of design.md section 6, CH01/CH02, stage resolution,
refusals, ARC, heat networks, TP09, medians and [U].

Stock (pipeline.measures.testing.code_landlord): 2,000 LCRA and 500 LCHO homes at 31 March 2025.
England stage 1: acknowledge 5 WD, respond 10 WD from acknowledgement, extension cap 10.
"""

import datetime as dt
import math

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
CUT = dt.date(2025, 6, 30)
YEAR = ReportingYear.parse("2024-25")


def measure(con, name, breakdown_value="all", view=None, period="2024-25", breakdown=None):
    """(numerator, denominator, value, display) of one measures row."""
    sql = (
        "select numerator, denominator, value, display from measures "
        "where measure = $m and period = $p and breakdown_value = $b"
    )
    params = {"m": name, "p": period, "b": breakdown_value}
    if view:
        sql += " and view = $v"
        params["v"] = view
    if breakdown:
        sql += " and breakdown = $bd"
        params["bd"] = breakdown
    rows = con.execute(sql, params).fetchall()
    assert len(rows) == 1, (name, breakdown_value, view, period, rows)
    return rows[0]


def build(complaints, stages, landlord=None, year=YEAR, data_cut=CUT, **tables):
    con = duckdb.connect()
    create_canonical_schema(con)
    insert_rows(con, "complaint", complaints)
    insert_rows(con, "complaint_stage", stages)
    for table, rows in tables.items():
        insert_rows(con, table, rows)
    written = compute_measures(con, landlord or code_landlord(), year, data_cut)
    assert written > 0
    return con


def s1(cid, received, **fields):
    return {"complaint_id": cid, "stage": 1, "received_date": received} | fields


def s2(cid, received, **fields):
    return {"complaint_id": cid, "stage": 2, "received_date": received} | fields


def complaint(cid, received, **fields):
    return {"complaint_id": cid, "received_date": received} | fields


JUN3 = D(2024, 6, 3)  # Monday; acknowledged the same day the base deadline is Mon 17 Jun 2024


@pytest.fixture(scope="module")
def tsm():
    complaints = [
        complaint("ok1", JUN3),
        complaint("ext", JUN3),
        complaint("late", JUN3),
        complaint("open", D(2025, 3, 3)),
        complaint("withdrawn", JUN3),
        complaint("refused", JUN3),
        complaint("lease", JUN3, tenure="leaseholder"),
        complaint("unknown", JUN3, tenure="unknown"),
        complaint("managed", JUN3, is_tenant_of_owned_stock=False),
        complaint("scot", JUN3, regime="sct"),
        complaint("collective", JUN3, tenure="lcho", collective=True),
        complaint("esc", D(2025, 3, 10)),
        complaint("refesc", JUN3),
        complaint("s2only", D(2024, 7, 1)),
        complaint("s2", JUN3),
    ]
    upheld = {"outcome": "upheld"}
    stages = [
        s1("ok1", JUN3, acknowledged_date=JUN3, responded_date=D(2024, 6, 17), **upheld),
        # extension 10 WD from Mon 17 Jun: Mon 1 Jul 2024
        s1(
            "ext",
            JUN3,
            acknowledged_date=JUN3,
            extension_wd=10,
            responded_date=D(2024, 7, 1),
            **upheld,
        ),
        s1("late", JUN3, acknowledged_date=JUN3, responded_date=D(2024, 6, 18), **upheld),
        s1("open", D(2025, 3, 3)),
        s1("withdrawn", JUN3, outcome="withdrawn"),
        s1("refused", JUN3, refused=True, refusal_reason="outside time limit"),
        s1("lease", JUN3),
        s1("unknown", JUN3),
        s1("managed", JUN3),
        # Scotland, no ack step: 5 WD from Mon 3 Jun = Mon 10 Jun; responded Fri 7 Jun = 4 WD
        s1("scot", JUN3, responded_date=D(2024, 6, 7), **upheld),
        s1("collective", JUN3, acknowledged_date=JUN3, responded_date=D(2024, 6, 17), **upheld),
        # Mon 10 Mar 2025 + 10 WD = Mon 24 Mar; responded Thu 20 Mar; escalated Wed 2 Apr 2025
        s1(
            "esc",
            D(2025, 3, 10),
            acknowledged_date=D(2025, 3, 10),
            responded_date=D(2025, 3, 20),
            **upheld,
        ),
        s2("esc", D(2025, 4, 2)),
        s1("refesc", JUN3, acknowledged_date=JUN3, responded_date=D(2024, 6, 10), **upheld),
        s2("refesc", D(2024, 7, 1), refused=True, refusal_reason="no new issue"),
        # stage 2 only, Mon 1 Jul + 20 WD = Mon 29 Jul; responded Mon 15 Jul
        s2(
            "s2only",
            D(2024, 7, 1),
            acknowledged_date=D(2024, 7, 1),
            responded_date=D(2024, 7, 15),
            **upheld,
        ),
        s1("s2", JUN3, acknowledged_date=JUN3, responded_date=D(2024, 6, 17), **upheld),
        # Mon 24 Jun + 20 WD: Tue 25 .. Fri 28 (4), Jul 1-5 (9), 8-12 (14), 15-19 (19), Mon 22
        # Jul (20); responded Thu 25 Jul -> late
        s2(
            "s2",
            D(2024, 6, 24),
            acknowledged_date=D(2024, 6, 24),
            responded_date=D(2024, 7, 25),
            **upheld,
        ),
    ]
    con = build(complaints, stages)
    compute_measures(con, code_landlord(), ReportingYear.parse("2025-26"), D(2025, 6, 30))
    yield con
    con.close()


def test_ch01_counts_tenants_of_owned_english_stock_only(tsm):
    # lcra stage 1: ok1, ext, late, open, withdrawn, esc, refesc, s2 = 8 (refused, leaseholder,
    # unknown tenure, managed for another owner and Scottish excluded); lcho: collective once
    assert measure(tsm, "CH01_1", "lcra") == (8, 2000, 4.0, "4.0")
    assert measure(tsm, "CH01_1", "lcho") == (1, 500, 2.0, "2.0")
    # combined adds numerators and denominators: 9 / 2,500 x 1,000 = 3.6
    assert measure(tsm, "CH01_1", "combined") == (9, 2500, 3.6, "3.6")


def test_ch02_in_time_with_open_withdrawn_and_unanswered_not_in_time(tsm):
    # in time: ok1, ext (with extension), refesc, s2, esc = 5 of 8 -> 62.5
    assert measure(tsm, "CH02_1", "lcra")[3] == "62.5"
    assert measure(tsm, "CH02_1_without_ext", "lcra")[0] == 4
    assert measure(tsm, "CH02_1_with_ext", "lcra")[0] == 1
    # combined: 6 / 9 = 66.67 -> 66.7
    assert measure(tsm, "CH02_1", "combined")[:2] == (6, 9)
    assert measure(tsm, "CH02_1", "combined")[3] == "66.7"


def test_stage2_counted_by_escalation_year_refused_escalation_out_stage2_only_in(tsm):
    # 2024-25 stage 2: s2only and s2 (esc's stage 2 came on 2 Apr 2025; refesc's was refused)
    assert measure(tsm, "CH01_2", "lcra")[:2] == (2, 2000)
    assert measure(tsm, "CH02_2", "lcra")[3] == "50.0"  # s2only in time, s2 late
    # 2025-26: esc's stage 2
    assert measure(tsm, "CH01_2", "lcra", period="2025-26")[0] == 1
    # the refused escalation leaves its stage 1 counted (refesc is in the 8 above) and is counted
    # as a refusal; the refused complaint too
    assert measure(tsm, "refused_2")[0] == 1
    assert measure(tsm, "refused_1")[0] == 1
    assert measure(tsm, "refused_1", "outside time limit", breakdown="reason")[0] == 1


def test_escalation_rate_and_resolution_by_stage(tsm):
    # stage 1 responses in 2024-25 (counted, every regime and tenure): ok1, ext, late, scot,
    # collective, esc, refesc, s2 = 8. Escalated by the cut: esc, s2 (refesc refused) -> 25.0
    assert measure(tsm, "escalation_rate", view="management")[:3] == (2, 8, 25.0)
    assert measure(tsm, "resolved_stage1", view="management")[3] == "75.0"
    # stage 2 responded by the cut: s2 only -> 1 / 8 = 12.5; s2only is outside the denominator
    assert measure(tsm, "resolved_stage2", view="management")[3] == "12.5"
    assert measure(tsm, "resolved_stage1_provisional_count", view="management")[0] == 0
    assert measure(tsm, "stage_most_resolutions", view="management")[3] == "1"


def test_arc_indicators_for_scottish_stages(tsm):
    # scot: responded in full (upheld) on Fri 7 Jun, wd(Mon 3 Jun, Fri 7 Jun) = 4
    assert measure(tsm, "ARC_3_1")[:3] == (1, 1, 100.0)
    assert measure(tsm, "ARC_4_1")[2] == 4.0
    assert measure(tsm, "ARC_3_2")[3] == "[U]"


def test_monthly_trend_repeats_month_rows_on_the_year(tsm):
    # received in June 2024 at stage 1 (counted): every complaint received 3 Jun except refused
    june = measure(tsm, "received_1", "2024-06", breakdown="month")
    assert june == measure(tsm, "received_1", period="2024-06")
    # ok1 ext late withdrawn lease unknown managed scot collective refesc s2 = 11
    assert june[0] == 11


def test_open_and_overdue_at_period_end(tsm):
    # at 31 Mar 2025: 'open' (received Mon 3 Mar 2025, ack due Mon 10 Mar, base Mon 24 Mar)
    # is open and overdue; wd(24 Mar, 31 Mar) = 5 -> band 1-5; age wd(3 Mar, 31 Mar) = 20.
    # withdrawn is closed; lease, unknown, managed (3 Jun 2024, never answered) are open too.
    assert measure(tsm, "overdue_1", "1-5", view="management", breakdown="band")[0] == 1
    assert measure(tsm, "open_1", "11-20", view="management", breakdown="band")[0] == 1
    assert measure(tsm, "open_1", view="management")[0] == 4


def test_rounding_half_up_at_the_boundary_and_zero_stock_gives_u():
    # 1 complaint / 4,000 homes x 1,000 = 0.25 -> 0.3 (banker's rounding would give 0.2)
    stock = [
        {"year_end": D(2025, 3, 31), "stock_type": "lcra", "units_owned": 4000},
        {"year_end": D(2025, 3, 31), "stock_type": "lcho", "units_owned": 0},
    ]
    con = build([complaint("a", JUN3)], [s1("a", JUN3)], code_landlord(stock=stock))
    assert measure(con, "CH01_1", "lcra")[2:] == (0.25, "0.3")
    assert measure(con, "CH01_1", "lcho")[2:] == (None, "[U]")
    assert measure(con, "CH02_1", "lcho")[3] == "[U]"


def test_median_of_an_even_count_is_the_mean_of_the_middle_two():
    # Mon 3 Jun 2024 received and acknowledged; responses after 2, 4, 6 and 10 WD:
    # Wed 5 Jun (2), Fri 7 Jun (4), Tue 11 Jun (6), Mon 17 Jun (10)
    responded = [D(2024, 6, 5), D(2024, 6, 7), D(2024, 6, 11), D(2024, 6, 17)]
    complaints = [complaint(f"c{i}", JUN3) for i in range(4)]
    stages = [
        s1(f"c{i}", JUN3, acknowledged_date=JUN3, responded_date=r, outcome="upheld")
        for i, r in enumerate(responded)
    ]
    con = build(complaints, stages)
    assert measure(con, "wd_to_response_median_1")[2:] == (5.0, "5.0")
    assert measure(con, "wd_to_response_mean_1")[:4] == (22, 4, 5.5, "5.5")


def test_working_days_to_response_count_stages_received_in_the_period():
    # design.md s6: management measures count stages by the date they were received. Received
    # Fri 28 Mar 2025 (in 2024-25), responded Tue 8 Apr 2025 (in 2025-26, before the cut):
    # wd = 31 Mar, 1-4 Apr, 7-8 Apr = 7 (Good Friday is 18 Apr). Received Mon 4 Mar 2024
    # (2023-24) and responded Tue 2 Apr 2024 (2024-25): not in 2024-25. Received Mon 3 Jun 2024
    # and responded after the data cut (a row the ingest would quarantine): not counted.
    complaints = [
        complaint("march", D(2025, 3, 28)),
        complaint("before", D(2024, 3, 4)),
        complaint("after_cut", JUN3),
    ]
    stages = [
        s1("march", D(2025, 3, 28), acknowledged_date=D(2025, 3, 28),
           responded_date=D(2025, 4, 8), outcome="upheld"),
        s1("before", D(2024, 3, 4), acknowledged_date=D(2024, 3, 4),
           responded_date=D(2024, 4, 2), outcome="upheld"),
        s1("after_cut", JUN3, acknowledged_date=JUN3, responded_date=D(2025, 7, 1),
           outcome="upheld"),
    ]  # fmt: skip
    con = build(complaints, stages)
    assert measure(con, "wd_to_response_mean_1")[:4] == (7, 1, 7.0, "7.0")
    assert measure(con, "wd_to_response_median_1")[1:] == (1, 7.0, "7.0")
    assert measure(con, "wd_to_response_mean_1", period="2025-03")[:2] == (7, 1)
    assert measure(con, "wd_to_response_mean_1", "eng", breakdown="regime")[:2] == (7, 1)


def test_heat_network_day_56_in_time_day_57_eligible_for_energy_ombudsman():
    # received Mon 3 Jun 2024: day 56 = 29 Jul 2024, day 57 = 30 Jul 2024
    version = code_policy_version(heat_network_rules_from=D(2024, 4, 1))
    complaints = [
        complaint("d56", JUN3, service_area="heat_network"),
        complaint(
            "d57",
            JUN3,
            service_area="heat_network",
            energy_ombudsman_notified_date=D(2024, 7, 30),
            resolved_to_satisfaction=True,
        ),
    ]
    stages = [
        s1("d56", JUN3, acknowledged_date=JUN3, responded_date=D(2024, 7, 29), outcome="upheld"),
        s1("d57", JUN3, acknowledged_date=JUN3, responded_date=D(2024, 7, 30), outcome="upheld"),
    ]
    con = build(complaints, stages, code_landlord(policy_versions=[version]))
    assert measure(con, "heat_network_complaints")[0] == 2
    assert measure(con, "heat_network_resolved_8_weeks")[:3] == (1, 2, 50.0)
    assert measure(con, "heat_network_eo_eligible")[0] == 1
    assert measure(con, "heat_network_eo_notified")[:2] == (1, 1)
    assert measure(con, "heat_network_satisfaction_recorded")[:2] == (1, 2)


def test_provisional_stage1_resolution_while_window_open():
    # responded Mon 3 Mar 2025; 6-month window closes 3 Sep 2025; cut 31 Mar 2025 -> provisional
    con = build(
        [complaint("a", D(2025, 2, 17))],
        [
            s1(
                "a",
                D(2025, 2, 17),
                acknowledged_date=D(2025, 2, 17),
                responded_date=D(2025, 3, 3),
                outcome="upheld",
            )
        ],
        data_cut=D(2025, 3, 31),
    )
    assert measure(con, "resolved_stage1_provisional_count", view="management")[0] == 1
    assert measure(con, "resolved_stage1_provisional", view="management")[3] == "Yes"


def test_tp09_weighted_with_dont_knows_and_margin_of_error():
    responses = [
        {
            "respondent_ref": "r1",
            "survey_date": D(2024, 9, 1),
            "stock_type": "lcra",
            "made_complaint_12m": "yes",
            "answer": "very_satisfied",
            "weight": 2.0,
        },
        {
            "respondent_ref": "r2",
            "survey_date": D(2024, 9, 1),
            "stock_type": "lcra",
            "made_complaint_12m": "yes",
            "answer": "fairly_satisfied",
            "weight": 1.0,
        },
        {
            "respondent_ref": "r3",
            "survey_date": D(2024, 9, 1),
            "stock_type": "lcra",
            "made_complaint_12m": "yes",
            "answer": "very_dissatisfied",
            "weight": 1.0,
        },
        {
            "respondent_ref": "r4",
            "survey_date": D(2024, 9, 1),
            "stock_type": "lcra",
            "made_complaint_12m": "yes",
            "answer": None,
            "weight": 1.0,
        },  # don't know
        {
            "respondent_ref": "r5",
            "survey_date": D(2024, 9, 1),
            "stock_type": "lcra",
            "made_complaint_12m": "no",
            "answer": "very_satisfied",
            "weight": 1.0,
        },
    ]
    con = build([], [], tp09_response=responses)
    # weighted: (2 + 1) / (2 + 1 + 1) = 75.0; unweighted respondents 3, don't know 1
    assert measure(con, "TP09", "lcra")[:4] == (3.0, 4.0, 75.0, "75.0")
    assert measure(con, "TP09_respondents", "lcra")[0] == 3
    assert measure(con, "TP09_n_dont_know", "lcra")[0] == 1
    assert measure(con, "TP09_w_very_satisfied", "lcra")[0] == 2.0
    assert measure(con, "TP09_survey_respondents", "lcra")[0] == 5
    # the filter question, weighted: r1 (2) + r2 + r3 + r4 (don't know) complained = 5; r5 did not
    assert measure(con, "TP09_complained_yes", "lcra")[0] == 5.0
    assert measure(con, "TP09_complained_no", "lcra")[0] == 1.0
    assert measure(con, "TP09_complained_yes", "combined")[0] == 5.0
    # MoE = 1.96 x sqrt(0.75 x 0.25 / 3) x sqrt((2000 - 3) / 1999) x 100
    #     = 1.96 x 0.25 x 0.999500 x 100 = 48.975 -> 49.0
    moe = measure(con, "TP09_margin_of_error", "lcra")
    assert math.isclose(moe[2], 48.9755, abs_tol=1e-3) and moe[3] == "49.0"
    # survey MoE at p = 0.5: 1.96 x sqrt(0.25 / 5) x sqrt(1995 / 1999) x 100 = 43.78 > 5
    survey = measure(con, "TP09_survey_margin_of_error", "lcra")
    assert math.isclose(survey[2], 43.7824, abs_tol=1e-3)
    assert measure(con, "TP09_required_precision", "lcra")[2] == 5  # < 2,500 homes
    assert measure(con, "TP09_meets_rsh_precision", "lcra")[3] == "No"
    # no LCHO responses: [U]
    assert measure(con, "TP09", "lcho")[3] == "[U]"


def test_rerun_is_idempotent_and_covers_year_quarters_months():
    con = build([complaint("a", JUN3)], [s1("a", JUN3)])
    first = con.execute("select count(*) from measures").fetchone()[0]
    again = compute_measures(con, code_landlord(), YEAR, D(2025, 6, 30))
    assert again == first == con.execute("select count(*) from measures").fetchone()[0]
    periods = {r[0] for r in con.execute("select distinct period from measures").fetchall()}
    assert {"2024-25", "2024-25-Q1", "2024-25-Q4", "2024-04", "2025-03"} <= periods
    assert len(periods) == 17


def test_ch02_withdrawn_stage_with_a_response_date_in_time_is_not_in_time():
    # design.md s6 CH02: "open, withdrawn and unanswered complaints count as not in time". A case
    # system that records the withdrawal letter as the stage's response date (Casebook's "Stage 1
    # response sent" with decision WDN) must not turn a withdrawal into an answer in time.
    complaints = [complaint("ok", JUN3), complaint("wdn", JUN3), complaint("wdn_ext", JUN3)]
    stages = [
        s1("ok", JUN3, acknowledged_date=JUN3, responded_date=D(2024, 6, 17), outcome="upheld"),
        s1("wdn", JUN3, acknowledged_date=JUN3, responded_date=D(2024, 6, 10), outcome="withdrawn"),
        s1(
            "wdn_ext",
            JUN3,
            acknowledged_date=JUN3,
            extension_wd=10,
            responded_date=D(2024, 6, 25),
            outcome="withdrawn",
        ),
    ]
    con = build(complaints, stages)
    assert measure(con, "CH01_1", "lcra")[0] == 3
    assert measure(con, "CH02_1", "lcra")[:2] == (1, 3)
    assert measure(con, "CH02_1_without_ext", "lcra")[0] == 1
    assert measure(con, "CH02_1_with_ext", "lcra")[0] == 0
