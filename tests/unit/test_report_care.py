"""The annual report's care and heat-network sentences follow the policy versions in force in the
year and the data cut."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.measures.testing import code_landlord, code_policy_version
from pipeline.periods import ReportingYear, parse_period
from pipeline.reporting.annual import ReportContext
from pipeline.reporting.annual_sections import care_text, heat_network_text
from pipeline.reporting.data import Measures
from pipeline.reporting.trace import plain
from tests.unit.test_measures_populations import build, complaint, s1

D = dt.date
YEAR = ReportingYear.parse("2024-25")
RECEIVED = (D(2024, 6, 3), D(2024, 9, 2), D(2025, 2, 3))  # the last after the policy change


def _care_text(versions) -> str:
    landlord = code_landlord(policy_versions=versions)
    complaints = [
        complaint(f"c{i}", day, service_area="care", tenure="lcra")
        for i, day in enumerate(RECEIVED)
    ]
    stages = [s1(f"c{i}", day) for i, day in enumerate(RECEIVED)]
    con = build(complaints, stages, landlord)
    frame = Measures.load(con, landlord.landlord_id, YEAR.previous.start, YEAR.end).frame
    return plain(care_text(ReportContext(con, landlord, YEAR, Measures(frame), False)))


@pytest.mark.parametrize(
    ("outside", "words"),
    [
        ([], "Our policy counts tenants' care complaints in England in the tenant satisfaction"),
        (["care"], "Our policy keeps them outside the tenant satisfaction measures"),
    ],
)
def test_one_rule_all_year(outside, words):
    text = _care_text([code_policy_version(outside_tsm_service_areas=outside)])
    assert text.startswith("Care complaints: 3 stages in 2024/25.")
    assert words in text


def test_a_policy_change_during_the_year_is_told_with_its_dates_and_count():
    """Housing 21's care complaints count in the TSMs until its current policy (27 January 2026)
    puts them outside: the report said the whole year's were outside."""
    text = _care_text(
        [
            code_policy_version(outside_tsm_service_areas=[]),
            code_policy_version(effective_from=D(2025, 1, 27), outside_tsm_service_areas=["care"]),
        ]
    )
    assert "keeps them outside" not in text
    assert (
        "from 1 April 2024 to 26 January 2025 counted in them like any other complaint; from 27 "
        "January 2025 to 31 March 2025 kept outside them in the tenant satisfaction measures"
    ) in text
    assert "1 of the stages was received while the policy kept them outside" in text


@pytest.mark.parametrize(("cut", "told"), [(D(2025, 4, 30), True), (D(2025, 6, 30), False)])
def test_the_heat_network_share_says_which_complaints_it_leaves_out(cut, told):
    """Housing 21 2025/26: 30 complaints under Ofgem's rules and 96.6% resolved within eight weeks
    (28 of 29): one received in March had not reached day 56 by the 30 April cut, so it is left
    out, and a reader dividing by 30 found no such share."""
    landlord = code_landlord(
        policy_versions=[code_policy_version(heat_network_rules_from=D(2024, 4, 1))],
        data_cut_date=cut,
    )
    received = (D(2024, 6, 3), D(2025, 3, 24))
    complaints = [
        complaint(f"h{i}", day, service_area="heat_network", tenure="lcra")
        for i, day in enumerate(received)
    ]
    stages = [s1("h0", received[0], responded_date=D(2024, 6, 20), outcome="upheld")]
    stages.append(s1("h1", received[1]))
    con = build(complaints, stages, landlord, data_cut=cut)
    frame = Measures.load(con, landlord.landlord_id, YEAR.previous.start, YEAR.end).frame
    text = plain(heat_network_text(ReportContext(con, landlord, YEAR, Measures(frame), False)))
    assert "2 of them, in the table." in text
    note = (
        "leaves out any complaint still unresolved whose eight weeks had not ended by the data cut"
    )
    assert (note in text) is told, text


def test_the_stages_kept_outside_the_tsms_are_called_stages():
    """housing21 2025/26: 'Complaints outside the TSM count, by service area: Care 41' counted 37
    stage 1 complaints and their escalations, the care paragraph's '41 of the stages': a care
    complaint escalated under the policy that keeps care apart was two 'complaints'."""
    from pipeline.reporting.annual import refusals
    from tests.unit.test_measures_populations import s2
    from tests.unit.test_report_policy_sections import text_of

    landlord = code_landlord(
        policy_versions=[code_policy_version(outside_tsm_service_areas=["care"])]
    )
    complaints = [complaint("c1", RECEIVED[0], service_area="care", tenure="lcra")]
    stages = [
        s1("c1", RECEIVED[0], acknowledged_date=RECEIVED[0], responded_date=D(2024, 6, 14),
           outcome="not_upheld"),
        s2("c1", D(2024, 6, 20)),
    ]  # fmt: skip
    con = build(complaints, stages, landlord)
    frame = Measures.load(con, landlord.landlord_id, YEAR.previous.start, YEAR.end).frame
    text = text_of(refusals(ReportContext(con, landlord, YEAR, Measures(frame), False)))
    assert "Complaint stages outside the TSM count (stage 1 and stage 2)" in text
    assert "Complaints outside the TSM count" not in text
    assert ">Stages<" in text and ">2<" in text


def test_a_single_complaint_is_counted_in_the_singular():
    """'We received 1 complaints in ...', 'Care complaints: 1 stages', 'residents made 1
    complaints to us': a count of one (a quarter, a small landlord, heat networks) read wrongly."""
    from pipeline.reporting.annual import executive_summary
    from pipeline.reporting.residents import learning_sections

    landlord = code_landlord(
        policy_versions=[code_policy_version(heat_network_rules_from=D(2024, 4, 1))]
    )
    complaints = [complaint("c1", RECEIVED[0], service_area="care", tenure="lcra"),
                  complaint("h1", RECEIVED[1], service_area="heat_network", tenure="lcra")]  # fmt: skip
    stages = [s1("c1", RECEIVED[0]), s1("h1", RECEIVED[1])]
    con = build(complaints, stages, landlord)
    frame = Measures.load(con, landlord.landlord_id, YEAR.previous.start, YEAR.end).frame
    ctx = ReportContext(con, landlord, YEAR, Measures(frame), False)
    assert plain(care_text(ctx)).startswith("Care complaints: 1 stage in 2024/25.")
    assert plain(heat_network_text(ctx)).startswith(
        "We received 1 complaint about heat networks in 2024/25."
    )
    summary, _ = executive_summary(ctx)
    assert "We received 2 complaints in 2024/25." in plain(summary.blocks[1].items[0])
    quarter = parse_period("2024-25-Q2")  # only the heat-network complaint (2 September)
    told = learning_sections(con, landlord, Measures(frame), quarter, D(2025, 6, 30))[0]
    assert "In Q2 2024/25 residents made 1 complaint to us." in plain(told.blocks[0].text)
