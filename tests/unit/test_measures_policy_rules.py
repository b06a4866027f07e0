"""The policies' rules that reach a figure (issue 18), on hand-checked rows.

Excluded complaints (anonymous under a version that refuses them, STAIRs under a separate policy),
anonymous and collective complaints where accepted, representatives and consent, notifiable events,
extensions notified before the original deadline, contact restrictions and their reviews, Ombudsman
orders with due dates, complainant-survey coverage, TP09 per scheme, business streams, and a policy
that states no escalation window.

Stock and timescales: pipeline.measures.testing.code_landlord (England stage 1: acknowledge 5 WD,
respond 10 WD from acknowledgement). Mon 3 Jun 2024 received and acknowledged: base deadline
Mon 17 Jun 2024.
"""

import datetime as dt

import pytest

from pipeline.measures.sanity import warning_failures, warning_message
from pipeline.measures.testing import code_landlord, code_policy_version
from pipeline.periods import ReportingYear
from tests.unit.test_measures_populations import build, complaint, measure, s1, s2

D = dt.date
JUN3 = D(2024, 6, 3)
UPHELD = {"acknowledged_date": JUN3, "responded_date": D(2024, 6, 17), "outcome": "upheld"}


def two_versions(**later):
    """Anonymous refused until 31 Dec 2024; from 1 Jan 2025 the version ``later`` describes."""
    return code_landlord(
        policy_versions=[
            code_policy_version(anonymous_accepted=False),
            code_policy_version(effective_from=D(2025, 1, 1), **later),
        ]
    )


@pytest.fixture(scope="module")
def excluded():
    jan6 = D(2025, 1, 6)
    complaints = [
        complaint("named", JUN3),
        complaint("anon_refused", JUN3, anonymous=True, tenure="unknown"),
        complaint("anon_accepted", jan6, anonymous=True, tenure="unknown"),
        complaint("stairs_before", JUN3, separate_policy="stairs"),
        complaint("stairs_after", jan6, separate_policy="stairs"),
        complaint("group", JUN3, collective=True),
        complaint("refused_anon", JUN3, anonymous=True, tenure="unknown"),
    ]
    stages = [
        s1("named", JUN3, **UPHELD),
        s1("anon_refused", JUN3, **UPHELD),
        s1("anon_accepted", jan6, acknowledged_date=jan6),
        s1("stairs_before", JUN3, **UPHELD),
        s1("stairs_after", jan6),
        s1("group", JUN3, **UPHELD),
        s1("refused_anon", JUN3, refused=True, refusal_reason="no details"),
    ]
    landlord = two_versions(anonymous_accepted=True, separate_policies=["stairs"])
    return build(complaints, stages, landlord)


def test_excluded_complaints_are_counted_with_their_reason_not_dropped(excluded):
    # anon_refused (2024 version refuses anonymous complaints) and stairs_after (2025 version moves
    # STAIRs complaints to their own policy); refused_anon is a refusal, not an exclusion
    assert measure(excluded, "excluded_1")[0] == 2
    assert measure(excluded, "excluded_1", "anonymous", breakdown="reason")[0] == 1
    assert measure(excluded, "excluded_1", "stairs", breakdown="reason")[0] == 1
    assert measure(excluded, "excluded_1", "2025-01", breakdown="month")[0] == 1
    assert measure(excluded, "excluded_2")[0] == 0
    assert measure(excluded, "refused_1")[0] == 1


def test_excluded_complaints_are_in_no_complaint_measure(excluded):
    # named, anon_accepted, stairs_before (before the STAIRs rule), group
    assert measure(excluded, "received_1")[0] == 4
    assert measure(excluded, "complaints_received")[0] == 4
    # anon_refused was answered in time but is not in the timeliness denominator
    assert measure(excluded, "response_in_time_1", view="management")[:2] == (3, 3)


def test_anonymous_and_collective_complaints_count_where_accepted(excluded):
    assert measure(excluded, "anonymous_complaints")[0] == 1  # anon_accepted only
    assert measure(excluded, "collective_complaints")[0] == 1
    assert measure(excluded, "collective_complaints", "eng", breakdown="regime")[0] == 1


def test_representatives_and_consent_recorded():
    complaints = [
        complaint("rep_consent", JUN3, representative=True, representative_consent_date=JUN3),
        complaint("rep_no_consent", JUN3, representative=True),
        complaint("resident", JUN3),
        complaint("rep_refused", JUN3, representative=True),
    ]
    stages = [
        s1("rep_consent", JUN3),
        s1("rep_no_consent", JUN3),
        s1("resident", JUN3),
        s1("rep_refused", JUN3, refused=True),
    ]
    con = build(complaints, stages)
    assert measure(con, "representative_complaints")[0] == 2
    assert measure(con, "representative_consent_recorded")[:4] == (1, 2, 50.0, "50.0")


def test_notifiable_events_whatever_their_handling_and_regulator_told():
    scot = {"regime": "sct"}
    complaints = [
        complaint("told", JUN3, notifiable_event=True, regulator_notified_date=JUN3, **scot),
        complaint("not_told", JUN3, notifiable_event=True, **scot),
        complaint("refused", JUN3, notifiable_event=True, **scot),
        complaint("ordinary", JUN3, **scot),
    ]
    stages = [
        s1("told", JUN3),
        s1("not_told", JUN3),
        s1("refused", JUN3, refused=True),
        s1("ordinary", JUN3),
    ]
    con = build(complaints, stages)
    assert measure(con, "notifiable_events")[0] == 3
    assert measure(con, "notifiable_events", "sct", breakdown="regime")[0] == 3
    assert measure(con, "notifiable_events_notified")[:3] == (1, 3, pytest.approx(33.33, 0.01))
    assert measure(con, "notifiable_events_notified")[3] == "33.3"


def test_extension_notified_on_or_before_the_original_deadline_with_a_reason():
    # base deadline Mon 17 Jun 2024 (acknowledged Mon 3 Jun, 10 WD)
    ext = {"acknowledged_date": JUN3, "extension_wd": 5, "extension_reason": "contractor report"}
    complaints = [complaint(c, JUN3) for c in ("on_deadline", "day_after", "no_reason", "no_date")]
    stages = [
        s1("on_deadline", JUN3, extension_notified_date=D(2024, 6, 17), **ext),
        s1("day_after", JUN3, extension_notified_date=D(2024, 6, 18), **ext),
        s1("no_reason", JUN3, extension_notified_date=D(2024, 6, 10), **ext | {"extension_reason": " "}),
        s1("no_date", JUN3, **ext),
    ]  # fmt: skip
    con = build(complaints, stages)
    assert measure(con, "extension_notified_in_time_1")[:4] == (1, 4, 25.0, "25.0")
    assert measure(con, "extension_notified_in_time_2")[3] == "[U]"


def test_contact_restrictions_in_force_overdue_and_reviewed_on_time():
    restrictions = [
        # in force all year, review due 1 Sep 2024, reviewed 28 Aug: reviewed on time
        {"restriction_ref": "r1", "restriction_kind": "single_point_of_contact",
         "imposed_date": D(2024, 3, 1), "review_due_date": D(2024, 9, 1),
         "reviewed_date": D(2024, 8, 28)},
        # review due 1 Dec 2024, never reviewed: overdue at 31 Mar 2025
        {"restriction_ref": "r2", "restriction_kind": "written_only",
         "imposed_date": D(2024, 6, 1), "review_due_date": D(2024, 12, 1)},
        # ended 1 Feb 2025 before its review date (1 Mar): not in force, no review to judge
        {"restriction_ref": "r3", "restriction_kind": "written_only",
         "imposed_date": D(2024, 9, 1), "review_due_date": D(2025, 3, 1),
         "ended_date": D(2025, 2, 1)},
        # imposed after the year
        {"restriction_ref": "r4", "restriction_kind": "other",
         "imposed_date": D(2025, 5, 1), "review_due_date": D(2025, 11, 1)},
    ]  # fmt: skip
    con = build([], [], contact_restriction=restrictions)
    assert measure(con, "contact_restrictions_imposed")[0] == 2  # r2, r3
    assert measure(con, "contact_restrictions_in_force")[0] == 2  # r1, r2 at 31 Mar 2025
    assert measure(con, "contact_restrictions_in_force", "written_only", breakdown="kind")[0] == 1
    assert measure(con, "contact_restrictions_review_overdue")[0] == 1  # r2
    # at 30 Sep 2024 (quarter 2): r2's review is not due yet, r1 was reviewed
    assert measure(con, "contact_restrictions_review_overdue", period="2024-25-Q2")[0] == 0
    # due in the year: r1 (on time), r2 (not reviewed); r3 ended first
    assert measure(con, "contact_restriction_reviews_on_time")[:3] == (1, 2, 50.0)


def test_ombudsman_orders_due_dates_compliance_and_outstanding_list():
    cases = [
        {"case_ref": "HOS1", "body": "housing_ombudsman", "referral_date": D(2023, 9, 1),
         "determination_date": D(2024, 5, 1)},
        {"case_ref": "LG1", "body": "lgsco", "referral_date": D(2023, 10, 1),
         "determination_date": D(2024, 11, 1)},
    ]  # fmt: skip
    orders = [
        {"case_ref": "HOS1", "order_ref": "o1", "order_type": "compensation",
         "made_date": D(2024, 5, 1), "due_date": D(2024, 6, 1), "complied_date": D(2024, 5, 20)},
        {"case_ref": "HOS1", "order_ref": "o2", "order_type": "apology",
         "made_date": D(2024, 5, 1), "due_date": D(2024, 6, 1), "complied_date": D(2024, 7, 1)},
        {"case_ref": "LG1", "order_ref": "o3", "order_type": "review",
         "made_date": D(2024, 11, 1), "due_date": D(2025, 2, 1)},
        {"case_ref": "LG1", "order_ref": "o4", "order_type": "training",
         "made_date": D(2024, 11, 1), "due_date": D(2025, 8, 1)},
    ]  # fmt: skip
    con = build([], [], ombudsman_case=cases, ombudsman_order=orders)
    assert measure(con, "ombudsman_orders_made")[0] == 4
    assert measure(con, "ombudsman_orders_made", "lgsco", breakdown="body")[0] == 2
    assert measure(con, "ombudsman_orders_made", "apology", breakdown="order_type")[0] == 1
    # due in 2024-25: o1 (complied early), o2 (late), o3 (not complied); o4 is due after the year
    assert measure(con, "ombudsman_orders_complied_by_due")[:2] == (1, 3)
    # outstanding at 31 Mar 2025: o3 (overdue) and o4 (not yet due); o2 was complied by then
    assert measure(con, "ombudsman_orders_outstanding")[0] == 2
    assert measure(con, "ombudsman_orders_outstanding", "overdue", breakdown="status")[0] == 1
    listed = measure(
        con, "ombudsman_orders_outstanding", "2025-02-01|lgsco|review",
        breakdown="due_date|body|order_type",
    )  # fmt: skip
    assert listed[0] == 1
    # at 30 Jun 2024 (Q1) o2 was outstanding and overdue
    assert measure(con, "ombudsman_orders_outstanding", "overdue", period="2024-25-Q1",
                   breakdown="status")[0] == 1  # fmt: skip
    # at 31 Dec 2024 (Q3) o3 and o4 were outstanding, neither past its due date: a known 0, so
    # "of which past their due date" reads 0, not "not available"
    assert measure(con, "ombudsman_orders_outstanding", "overdue", period="2024-25-Q3",
                   breakdown="status")[0] == 0  # fmt: skip
    assert measure(con, "ombudsman_orders_outstanding", "not_yet_due", period="2024-25-Q3",
                   breakdown="status")[0] == 2  # fmt: skip


def test_complainant_survey_coverage_of_closed_complaints():
    complaints = [complaint(c, JUN3) for c in ("surveyed", "twice", "not_surveyed", "open")]
    stages = [s1(c, JUN3, **UPHELD) for c in ("surveyed", "twice", "not_surveyed")]
    stages.append(s1("open", JUN3))
    surveys = [
        {"complaint_id": "surveyed", "sent_date": D(2024, 6, 20)},
        {"complaint_id": "twice", "sent_date": D(2024, 6, 20)},
        {"complaint_id": "twice", "sent_date": D(2024, 7, 20)},
    ]
    con = build(complaints, stages, complainant_survey=surveys)
    # closed in the year: surveyed, twice, not_surveyed; each complaint once
    assert measure(con, "complainant_survey_coverage")[:3] == (2, 3, pytest.approx(66.67, 0.01))


def test_tp09_per_scheme_and_business_streams_roll_up():
    def answer(ref, scheme, answer, weight=1.0):
        return {"respondent_ref": ref, "survey_date": D(2024, 10, 1), "stock_type": "lcra",
                "scheme": scheme, "made_complaint_12m": "yes", "answer": answer,
                "weight": weight}  # fmt: skip

    responses = [
        answer("a", "Oak Court", "very_satisfied"),
        answer("b", "Oak Court", "very_dissatisfied"),
        answer("c", "Elm House (Extra Care)", "fairly_satisfied", 2.0),
        answer("d", "Elm House (Extra Care)", "neither"),
        answer("e", None, "very_satisfied"),
    ]
    complaints = [
        complaint("x", JUN3, scheme="Oak Court"),
        complaint("y", JUN3, scheme="Elm House (Extra Care)"),
        complaint("z", JUN3, scheme="Ash Row"),
    ]
    stages = [s1(c, JUN3, **UPHELD) for c in ("x", "y", "z")]
    landlord = code_landlord(
        business_streams={
            "Retirement Living": ["Oak Court"],
            "Extra Care": ["Elm House (Extra Care)"],
        }
    )
    con = build(complaints, stages, landlord, tp09_response=responses)
    assert measure(con, "TP09", "Oak Court", breakdown="scheme")[:3] == (1, 2, 50.0)
    # weighted: 2 satisfied of 3
    assert measure(con, "TP09", "Elm House (Extra Care)", breakdown="scheme")[:2] == (2, 3)
    assert measure(con, "TP09_respondents", "Oak Court", breakdown="scheme")[0] == 2
    # streams add numerators and denominators of their schemes
    assert measure(con, "TP09", "Extra Care", breakdown="business_stream")[:2] == (2, 3)
    assert measure(con, "received_1", "Retirement Living", breakdown="business_stream")[0] == 1
    assert measure(con, "received_1", "other schemes", breakdown="business_stream")[0] == 1
    row = measure(
        con, "response_in_time_1", "Extra Care", view="management", breakdown="business_stream"
    )
    assert row[:2] == (1, 1)


def test_no_escalation_window_flags_no_late_request_and_no_provisional_resolution():
    # stage 1 answered Mon 17 Jun 2024, escalated 18 months later; 'recent' answered Mon 2 Mar
    # 2026, four weeks before the cut
    complaints = [complaint("late_ask", JUN3), complaint("recent", D(2026, 2, 23))]
    stages = [
        s1("late_ask", JUN3, **UPHELD),
        s2("late_ask", D(2025, 12, 15)),
        s1("recent", D(2026, 2, 23), acknowledged_date=D(2026, 2, 23),
           responded_date=D(2026, 3, 2), outcome="upheld"),
    ]  # fmt: skip
    year, cut = ReportingYear.parse("2025-26"), D(2026, 3, 31)

    def run(**version):
        landlord = code_landlord(policy_versions=[code_policy_version(**version)])
        con = build(complaints, stages, landlord, year=year, data_cut=cut)
        late = measure(con, "escalation_late_requested", view="management", period=year.key)
        provisional = measure(
            con, "resolved_stage1_provisional", view="management", period=year.key
        )
        return late[0], provisional[3]

    # the policy states no window: nothing is late, nothing waits for a window to close
    assert run(escalation_window=None) == (0, "No")
    assert run(escalation_window={}) == (0, "No")
    # with a 6-month window the escalation is late and 'recent' is still provisional
    assert run(escalation_window={"months_after_stage1_response": 6}) == (1, "Yes")


def test_a_late_escalation_request_counts_whether_accepted_or_refused():
    """design.md section 5: a stage 2 requested after the window is flagged late; whether it was
    accepted is the refusal field. The count left refused requests out, so a report said "0"
    beside two refusals for "escalation out of time"."""
    complaints = [complaint(c, JUN3) for c in ("accepted", "refused", "in_window")]
    stages = [s1(c, JUN3, **UPHELD) for c in ("accepted", "refused", "in_window")]
    stages += [
        s2("accepted", D(2024, 9, 2)),
        s2("refused", D(2024, 9, 2), refused=True, refusal_reason="escalation_out_of_time"),
        s2("in_window", D(2024, 7, 1)),
    ]
    landlord = code_landlord(
        policy_versions=[code_policy_version(escalation_window={"months_after_stage1_response": 1})]
    )
    con = build(complaints, stages, landlord)
    assert measure(con, "escalation_late_requested", view="management")[0] == 2


def test_complaints_raised_after_the_policys_time_limit_are_counted():
    """Seed 003 s10.1, seed 004 s5.1, seeds 000/001/002: a complaint should be raised within 12
    months of first knowing of the issue (accepted beyond it for good reason). Nothing counted the
    complaints raised later, so a landlord could not see how often it used that discretion."""
    complaints = [
        complaint("late_ok", JUN3, first_known_date=D(2023, 5, 1)),
        complaint("late_refused", JUN3, first_known_date=D(2023, 6, 2)),
        complaint("on_the_day", JUN3, first_known_date=D(2023, 6, 3)),
        complaint("unknown", JUN3),
        complaint("s2_only", JUN3, first_known_date=D(2022, 1, 1)),
        complaint("escalated", JUN3, first_known_date=D(2024, 5, 1)),
    ]
    stages = [
        s1("late_ok", JUN3, **UPHELD),
        s1("late_refused", JUN3, refused=True, refusal_reason="out of time"),
        s1("on_the_day", JUN3, **UPHELD),
        s1("unknown", JUN3, **UPHELD),
        s2("s2_only", JUN3),
        s1("escalated", JUN3, **UPHELD),
        # the escalation is over 12 months after first knowing but it is not a new complaint
        s2("escalated", D(2025, 6, 2)),
    ]

    def run(**version):
        landlord = code_landlord(policy_versions=[code_policy_version(**version)])
        con = build(complaints, stages, landlord, data_cut=D(2025, 6, 30))
        return measure(con, "complaints_raised_late", view="management")[0]

    assert run(complaint_time_limit_months=12) == 3  # late_ok, late_refused, s2_only
    assert run(complaint_time_limit_months=24) == 1  # s2_only
    assert run() == 0  # the policy states no time limit
    # no complaint has a first_known_date (the export has none): not known, not "0 raised late"
    landlord = code_landlord(policy_versions=[code_policy_version(complaint_time_limit_months=12)])
    con = build([complaint("unknown", JUN3)], [s1("unknown", JUN3, **UPHELD)], landlord)
    assert measure(con, "complaints_raised_late", view="management")[::3] == (None, "[U]")


def test_warnings_for_a_year_without_tsm_survey_and_surveys_missing_under_every_complainant():
    complaints = [complaint(c, JUN3) for c in ("a", "b")]
    stages = [s1(c, JUN3, **UPHELD) for c in ("a", "b")]
    surveys = [{"complaint_id": "a", "sent_date": D(2024, 6, 20)}]
    year = ReportingYear.parse("2024-25")
    con = build(complaints, stages, complainant_survey=surveys)
    every = code_landlord(complainant_survey="every_complainant")
    sample = code_landlord(complainant_survey="monthly_sample")
    # no TSM responses in a year with English homes
    failures = warning_failures(con, every, year, "tsm_survey_responses_in_year")
    assert [row[0] for row in failures] == ["2024-25"]
    message = warning_message("tsm_survey_responses_in_year", failures)
    assert message.startswith("2024-25: no TSM perception survey response") and "dates" in message
    # one of two closed complaints surveyed: a shortfall only when every complainant is promised
    assert len(warning_failures(con, every, year, "complainant_survey_every_complainant")) == 1
    assert warning_failures(con, sample, year, "complainant_survey_every_complainant") == []
    answered = {"survey_date": D(2024, 10, 1), "stock_type": "lcra", "made_complaint_12m": "no"}
    with_survey = build(complaints, stages, tp09_response=[{"respondent_ref": "r"} | answered])
    assert warning_failures(with_survey, every, year, "tsm_survey_responses_in_year") == []


def test_a_year_without_any_complaint_is_warned_of():
    """A complaint mapping whose files pattern matched no export (a file named differently)
    loaded nothing: the TSM return said CH01 0.0 per 1,000 homes and the year's run said ok."""
    year, landlord = ReportingYear.parse("2024-25"), code_landlord()
    failures = warning_failures(build([], []), landlord, year, "complaints_in_year")
    assert [row[0] for row in failures] == ["2024-25"]
    message = warning_message("complaints_in_year", failures)
    assert message.startswith("2024-25: no complaint was received") and "files pattern" in message
    some = build([complaint("a", JUN3)], [s1("a", JUN3, **UPHELD)])
    assert warning_failures(some, landlord, year, "complaints_in_year") == []


def test_a_year_of_english_complaints_none_in_the_tsm_count_is_warned_of():
    """A mapping without tenure makes every complaint's tenure unknown: the TSM return said CH01
    0.0 per 1,000 homes and CH02 [U], and no check said why."""
    year, landlord = ReportingYear.parse("2024-25"), code_landlord()
    stages = [s1(c, JUN3, **UPHELD) for c in ("a", "b")]
    unknown = build([complaint(c, JUN3, tenure="unknown") for c in ("a", "b")], stages)
    failures = warning_failures(unknown, landlord, year, "tsm_complaints_in_year")
    assert [row[0] for row in failures] == ["2024-25"]
    message = warning_message("tsm_complaints_in_year", failures)
    assert "none is in the TSM count" in message and "tenure" in message
    tenants = build([complaint("a", JUN3, tenure="lcra"), complaint("b", JUN3)], stages)
    assert warning_failures(tenants, landlord, year, "tsm_complaints_in_year") == []


def test_a_late_escalation_request_is_judged_by_the_version_in_force_when_it_was_received():
    """design.md s3/s5: "A stage is judged by the version in force on the date it was received."
    A stage 2 request is the stage the late-requested flag judges, so the escalation window is the
    one of the version in force on the request's date, not the stage 1's. Housing 21's 2026
    version drops the six-month limit ("so no escalation is late"), but a request made under it
    for a stage 1 answered under the earlier version was still flagged late."""
    complaints = [complaint(c, JUN3) for c in ("asked_before", "asked_after")]
    stages = [s1(c, JUN3, **UPHELD) for c in ("asked_before", "asked_after")]
    stages += [
        # stage 1 answered Mon 17 Jun 2024: a 1-month window closes Wed 17 Jul 2024
        s2("asked_before", D(2024, 12, 2)),  # under the 2024 version (1 month): late
        s2("asked_after", D(2025, 2, 3)),  # under the 2025 version (no window): not late
    ]
    year = ReportingYear.parse("2024-25")

    def late(first, later):
        landlord = code_landlord(
            policy_versions=[
                code_policy_version(escalation_window=first),
                code_policy_version(effective_from=D(2025, 1, 1), escalation_window=later),
            ]
        )
        con = build(complaints, stages, landlord, year=year)
        return measure(con, "escalation_late_requested", view="management", period=year.key)[0]

    assert late({"months_after_stage1_response": 1}, None) == 1
    # the other way round: a window added in 2025 flags the request made under it
    assert late(None, {"months_after_stage1_response": 1}) == 1
    assert late(None, None) == 0
    assert late({"months_after_stage1_response": 1}, {"months_after_stage1_response": 1}) == 2
