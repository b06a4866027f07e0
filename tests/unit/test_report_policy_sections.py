"""The annual report's policy sections: figures from measures rows, shown where the policy asks."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
import yaml

from pipeline.measures.testing import code_landlord, code_policy_version
from pipeline.periods import ReportingYear
from pipeline.reporting.annual import ReportContext
from pipeline.reporting.blocks import Section
from pipeline.reporting.data import Measures
from pipeline.reporting.policy_sections import (
    business_streams,
    ombudsman_orders,
    place_policy_sections,
    policies_applied,
    survey_coverage,
    who_complained,
)
from pipeline.reporting.suppression import suppress_small_numbers
from pipeline.reporting.trace import plain
from tests.unit.test_measures_populations import build, complaint, s1, s2

D = dt.date
YEAR = ReportingYear.parse("2024-25")
JUN3 = D(2024, 6, 3)
DONE = {"acknowledged_date": JUN3, "responded_date": D(2024, 6, 17), "outcome": "upheld"}


def text_of(section: Section) -> str:
    parts = [section.title]
    for block in section.blocks:
        parts += [block.text, *block.items, str(block.table.html) if block.table else ""]
    return plain("\n".join(parts))


def context(landlord, published: bool = False, **tables) -> ReportContext:
    complaints = [
        complaint("named", JUN3, scheme="Oak Court"),
        complaint("anon", JUN3, anonymous=True, tenure="unknown"),
        complaint("rep", JUN3, representative=True, representative_consent_date=JUN3),
    ]
    stages = [s1(c, JUN3, **DONE) for c in ("named", "anon", "rep")]
    surveys = [{"complaint_id": "named", "sent_date": D(2024, 6, 20)}]
    con = build(complaints, stages, landlord, complainant_survey=surveys, **tables)
    frame = Measures.load(con, landlord.landlord_id, YEAR.previous.start, YEAR.end).frame
    if published:
        frame = suppress_small_numbers(frame, 5)
    return ReportContext(con, landlord, YEAR, Measures(frame), published)


REFUSING = code_landlord(
    policy_versions=[code_policy_version(anonymous_accepted=False, escalation_window=None)],
    complainant_survey="every_complainant",
)


def test_excluded_complaints_with_reasons_and_only_the_practices_recorded():
    text = text_of(who_complained(context(REFUSING)))
    assert "anonymous complaints are not accepted: they are recorded and counted here" in text
    assert "Stage 1 complaints excluded" in text and "Anonymous complaint (not accepted" in text
    assert "Complaints made by a representative" in text
    # nothing collective was recorded: no row of zeros
    assert "Collective complaints" not in text


def test_survey_coverage_is_judged_by_the_landlords_survey_policy():
    every = text_of(survey_coverage(context(REFUSING)))
    assert "send a survey to every complainant" in every
    assert "Only 50.0% of the complaints closed in 2024/25 were sent a survey" in every
    sample = code_landlord(complainant_survey="monthly_sample")
    text = text_of(survey_coverage(context(sample)))
    assert "sample" in text and "Only" not in text
    none = text_of(survey_coverage(context(code_landlord(complainant_survey="none"))))
    assert "We do not run a survey of complainants" in none
    assert "landlord.yaml says complainant_survey: none" in none  # a survey was found anyway


ORDERS = {
    "ombudsman_case": [
        {"case_ref": "h1", "body": "housing_ombudsman", "referral_date": D(2024, 1, 5),
         "determination_date": D(2024, 9, 2)},
    ],
    "ombudsman_order": [
        {"case_ref": "h1", "order_ref": "o1", "order_type": "compensation",
         "made_date": D(2024, 9, 2), "due_date": D(2024, 10, 1)},
    ],
}  # fmt: skip


@pytest.mark.parametrize("published", [False, True])
def test_outstanding_orders_are_listed_for_the_board_only(published):
    text = text_of(ombudsman_orders(context(REFUSING, published, **ORDERS)))
    assert "Orders outstanding at the year end" in text
    if published:
        # housing21 2025/26: the published report sent readers to "the board's report", which
        # they cannot see; it now says what this page shows and that the list is not published
        assert "1 October 2024" not in text and "board's report" not in text
        assert "The table above shows how many orders were outstanding at the year end" in text
        assert "reported to our board and not published" in text
    else:
        assert "1 October 2024" in text and "Overdue" in text and "Compensation" in text


def test_published_report_mentions_no_list_when_no_order_is_outstanding():
    complied = {
        "ombudsman_case": ORDERS["ombudsman_case"],
        "ombudsman_order": [{**ORDERS["ombudsman_order"][0], "complied_date": D(2024, 9, 20)}],
    }
    text = text_of(ombudsman_orders(context(REFUSING, True, **complied)))
    assert "No order was outstanding at the year end." in text
    assert "not published" not in text and "board" not in text


# An order counted in a finding (orders_count) with no ombudsman_order row: orders_made is 0, the
# cases table's "orders ... complied with" is 1 of 1 (Hollybank 2025/26).
ORDERS_IN_FINDINGS_ONLY = {
    "ombudsman_case": ORDERS["ombudsman_case"],
    "ombudsman_finding": [
        {"case_ref": "h1", "finding_area": "Repairs", "outcome": "maladministration",
         "orders_count": 1, "orders_complied_count": 1},
    ],
}  # fmt: skip


@pytest.mark.parametrize("published", [False, True])
def test_orders_section_does_not_deny_the_orders_the_findings_count(published):
    ctx = context(REFUSING, published, **ORDERS_IN_FINDINGS_ONLY)
    complied = ctx.measures.get("ombudsman_orders_complied", YEAR)
    assert complied["display"] == ("[c]" if published else "100.0")
    assert ctx.measures.get("ombudsman_orders_made", YEAR)["value"] == 0
    text = text_of(ombudsman_orders(ctx))
    assert "No Ombudsman order with a due date was recorded" not in text
    assert "determinations in these years included orders" in text
    assert "compliance by the due date cannot be shown" in text


def test_orders_section_says_none_when_no_record_holds_an_order():
    text = text_of(ombudsman_orders(context(REFUSING)))
    assert "No Ombudsman order was made, fell due or was outstanding in these years." in text


def test_policies_name_no_configuration_file():
    """The policies section is for the board and the public: no landlord.yaml."""
    text = text_of(policies_applied(context(REFUSING)))
    assert "landlord.yaml" not in text
    assert "registration number recorded" in text or "registered with the Regulator" in text


def test_a_scottish_only_landlord_is_not_said_to_publish_tsms():
    """The TSMs and the Regulator of Social Housing are England's: a landlord with homes in
    Scotland only reports the ARC indicators to the Scottish Housing Regulator."""
    ctx = context(REFUSING)
    ctx.landlord = REFUSING.model_copy(update={"regimes": ["sct"], "rsh_registration": None})
    text = text_of(policies_applied(ctx))
    assert "reports to the Scottish Housing Regulator" in text
    assert "publishes its TSMs" not in text and "registration number" not in text


def test_business_streams_need_the_key_and_policies_say_their_rules():
    assert business_streams(context(REFUSING)) is None
    streams = code_landlord(business_streams={"Retirement Living": ["Oak Court"]})
    text = text_of(business_streams(context(streams)))
    assert "Retirement Living" in text
    applied = text_of(policies_applied(context(REFUSING)))
    assert "none stated" in applied and "no (counted as excluded)" in applied


def test_policies_applied_say_each_versions_time_limit_for_complaining():
    """All five seed policies limit a complaint to 12 months after the issue (seed 003 s10.1,
    seed 004 s5.1): the list of policy versions says the limit each version applies."""
    limited = code_landlord(
        policy_versions=[
            code_policy_version(escalation_window=None),
            code_policy_version(effective_from=D(2025, 1, 1), complaint_time_limit_months=12),
        ]
    )
    text = text_of(policies_applied(context(limited)))
    assert "Time limit for complaining" in text
    assert "12 months from first knowing of the issue" in text
    assert "none stated" in text  # the first version states neither a limit nor a window


def test_sections_go_after_the_ones_they_belong_with():
    ctx = context(REFUSING)
    sections = [Section(i, i) for i in ("summary", "refusals", "ombudsman", "appendix")]
    ids = [s.id for s in place_policy_sections(sections, ctx)]
    assert ids.index("excluded") == ids.index("refusals") + 1
    assert ids.index("ombudsman-orders") == ids.index("ombudsman") + 1
    # anchors missing from this document: before the appendix
    assert ids[-1] == "appendix" and "policies-applied" in ids and "survey-coverage" in ids


def test_a_scheme_or_stream_with_none_of_a_kind_reads_none_recorded_not_not_available():
    """housing21 2025/26: Bramley Court had no stage 2 complaint. The annual report's scheme table
    said its stage 2 figures were 'not available' (no figure known) while Bramley Court's own
    report said '–: none recorded'; the business streams table did the same (homes_plus's
    Scotland, with no TP09 respondents). Nothing recorded is an answer, not a gap."""
    from pipeline.reporting.annual import schemes

    streams = code_landlord(
        business_streams={"Retirement Living": ["Oak Court"], "Extra Care": ["Elm Court"]}
    )
    complaints = [
        complaint("oak", JUN3, scheme="Oak Court"),
        complaint("elm", JUN3, scheme="Elm Court"),
    ]
    escalated = D(2024, 6, 24)
    stages = [
        s1("oak", JUN3, **DONE),
        s1("elm", JUN3, **DONE),
        s2("elm", escalated, acknowledged_date=escalated, responded_date=D(2024, 7, 8),
           outcome="not_upheld"),
    ]  # fmt: skip
    con = build(complaints, stages, streams)
    frame = Measures.load(con, streams.landlord_id, YEAR.previous.start, YEAR.end).frame
    ctx = ReportContext(con, streams, YEAR, Measures(frame), False)
    for section, first in ((schemes(ctx), "Oak Court"), (business_streams(ctx), "Retirement")):
        text = text_of(section)
        row = re.search(rf"{first}.*?</tr>", text, re.S).group(0)
        cells = [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        assert cells[1] == "–", (section.id, cells)  # stage 2 received: none at Oak Court
        assert "–: none recorded in that" in text
        if section.id == "schemes":
            assert "not available" not in cells, cells
        else:  # no TSM survey at all: TP09 is not known, for the landlord or its streams
            assert cells[-1] == "not available", cells
        # the acknowledgement and all-answers columns are defined under both tables
        assert "a missing acknowledgement is not in time" in text, section.id


def test_order_compliance_names_its_base_the_orders_due_in_the_year():
    """housing21 2025/26: 'Orders made 25' and, below it, 'Orders complied with by their due date
    (%) 77.3', which is 17 of the 22 orders due in the year (no share of 25 gives 77.3)."""
    later = {
        "ombudsman_case": ORDERS["ombudsman_case"],
        "ombudsman_order": [
            {**ORDERS["ombudsman_order"][0], "complied_date": D(2024, 9, 20)},
            # made in the year, due after it: in 'Orders made', not yet judged on its due date
            {"case_ref": "h1", "order_ref": "o2", "order_type": "apology",
             "made_date": D(2025, 3, 3), "due_date": D(2025, 5, 1)},
        ],
    }  # fmt: skip
    text = text_of(ombudsman_orders(context(REFUSING, False, **later)))
    assert "Orders due in the year, complied with by their due date (%)" in text
    assert "Orders complied with by their due date" not in text

    def first_cell(name):
        row = re.search(rf">{re.escape(name)}</th>.*?</tr>", text, re.S).group(0)
        return re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[0].strip()

    assert first_cell("Orders made") == "2"
    assert first_cell("Orders due in the year, complied with by their due date (%)") == "100.0"


@pytest.mark.parametrize("first_known", [None, D(2024, 5, 1)])
def test_raised_late_says_why_it_reads_u_when_no_first_known_date_is_recorded(first_known):
    """housing21 2025/26: 'Complaints raised after the policy's time limit for complaining: [U]',
    a count, under a key that says [U] is a zero denominator. Its exports hold no date the
    resident first knew of the issue, so the 12-month limit cannot be checked: the table says so."""
    from pipeline.reporting.annual import resolution

    limited = code_landlord(policy_versions=[code_policy_version(complaint_time_limit_months=12)])
    complaints = [complaint("c1", JUN3, first_known_date=first_known)]
    con = build(complaints, [s1("c1", JUN3, **DONE)], limited)
    frame = Measures.load(con, limited.landlord_id, YEAR.previous.start, YEAR.end).frame
    text = text_of(resolution(ReportContext(con, limited, YEAR, Measures(frame), False)))
    row = re.search(r">Complaints raised after the policy.{1,6}s time limit.*?</tr>", text, re.S)
    cell = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)[0].strip()
    explained = "the date the resident first knew of the issue" in text
    assert (cell, explained) == (("[U]", True) if first_known is None else ("0", False))


@pytest.mark.parametrize(
    ("regimes", "grounds"),
    [
        (["eng"], "refused at either stage under the Code's exclusions;"),
        (["sct"], "refused at either stage on the grounds the SPSO model complaints handling"),
        (["eng", "sct"], "under the Code's exclusions (in Scotland, on the grounds the SPSO model"),
    ],
)
def test_refusals_name_the_rules_of_the_landlords_countries(regimes, grounds):
    """homes_plus: its Scottish complaints were said to be refused 'under the Code's exclusions',
    the Housing Ombudsman's Code, which does not apply to them (the SPSO model procedure does)."""
    from pipeline.reporting.annual import refusals

    ctx = context(REFUSING)
    ctx.landlord = REFUSING.model_copy(update={"regimes": regimes})
    text = html.unescape(text_of(refusals(ctx)))
    assert grounds in text
    if regimes == ["sct"]:
        assert "Code" not in text.split("\n")[1]


@pytest.mark.parametrize(("responded", "words"), [
    ([D(2025, 3, 3)], "Provisional: 1 stage 1 response is still within the window"),
    ([D(2025, 3, 3), D(2025, 3, 4)], "Provisional: 2 stage 1 responses are still within the window"),
])  # fmt: skip
def test_the_provisional_note_counts_its_responses_in_words_that_agree(responded, words):
    """The stage resolution note read 'Provisional: 1 stage 1 responses are still within the
    window' for a single response whose six-month escalation window was still open at the cut."""
    from pipeline.reporting.annual import resolution

    landlord = code_landlord()  # six months from the stage 1 response to ask for stage 2
    ids = [f"c{i}" for i in range(len(responded))]
    complaints = [complaint(c, D(2025, 2, 17)) for c in ids]
    stages = [
        s1(c, D(2025, 2, 17), acknowledged_date=D(2025, 2, 17), responded_date=day,
           outcome="upheld")
        for c, day in zip(ids, responded, strict=True)
    ]  # fmt: skip
    con = build(complaints, stages, landlord)
    frame = Measures.load(con, landlord.landlord_id, YEAR.previous.start, YEAR.end).frame
    text = text_of(resolution(ReportContext(con, landlord, YEAR, Measures(frame), False)))
    assert words in text


def test_a_residents_details_in_a_policy_source_or_closure_reason_are_withheld(tmp_path):
    """landlord.yaml's policy ``source`` and closure ``reason`` are printed in the annual report,
    published version included: a resident's email, phone or address typed there was printed as
    written (fifth audit). They are withheld like the TSM summary's, and the data-quality report
    names the key, never the detail."""
    from pipeline.reporting.section8 import _landlord_problems

    email, phone, address = "jean.vexbridge@example.invalid", "07911 424242", "14 Plqwick Road"
    landlord = code_landlord(
        policy_versions=[
            code_policy_version(
                escalation_window=None, source=f"Complaint Policy, letter to {email}"
            ),
            code_policy_version(effective_from=D(2025, 1, 1), source="Complaint Policy 2025"),
        ],
        closures=[{"date": D(2024, 12, 25), "reason": f"Visit to {address}, Leeds, {phone}"}],
    )
    text = text_of(policies_applied(context(landlord)))
    for detail in (email, phone, address):
        assert detail not in text
    assert "Complaint Policy, letter to [contact details withheld]" in text
    assert "Complaint Policy 2025" in text  # the landlord's own words stay
    assert "Visit to [contact details withheld]" in text
    (tmp_path / "landlord.yaml").write_text(
        yaml.safe_dump(landlord.model_dump(mode="json"), sort_keys=False)
    )
    problems = _landlord_problems(tmp_path)
    assert [re.match(r"(.+): (\d) personal detail", p).groups() for p in problems] == [
        ("landlord.yaml: key 'policy_versions.0.source'", "1"),
        ("landlord.yaml: key 'closures.0.reason'", "2"),
    ]
    assert not [p for p in problems if email in p or phone in p or address in p]
