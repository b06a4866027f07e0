"""The Complaint Handling Code 2024's provisions as the documents cite them: each rule under the
number the Code gives it, and each requirement no narrower than the Code's (a Housing Ombudsman
caseworker reads a citation against the Code itself)."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.config import load_landlord
from pipeline.periods import ReportingYear
from pipeline.reporting.labels import ack_definition
from pipeline.self_assessment.build import submission_deadline
from pipeline.self_assessment.reference import load_provisions
from pipeline.workspaces import DEFAULT_WORKSPACES_ROOT


@pytest.mark.parametrize("regimes", [("eng",), ("eng", "sct")])
def test_acknowledgement_definition_cites_both_stages_provisions(regimes):
    """ "Acknowledged in time" covers both stages; the Code puts stage 1's acknowledgement in 6.2
    and stage 2's (5 working days of the escalation request) in 6.11. The definition cited 6.2
    alone, as if it governed stage 2 acknowledgements too."""
    text = ack_definition(regimes)
    assert "6.2" in text
    assert "6.11" in text
    assert "5 working days" in text


def test_scottish_acknowledgement_definition_cites_no_code_provision():
    """A landlord in Scotland alone follows the SPSO model: no Housing Ombudsman Code number."""
    text = ack_definition(("sct",))
    assert "Code 6" not in text
    assert "SPSO" in text


def test_member_responsible_for_complaints_minimum_is_worded_as_the_code():
    """Code 9.7(c): as a minimum the MRC and governing body receive the outcomes of the
    Ombudsman's investigations and progress in complying with orders related to severe
    maladministration findings. The provisions file (docs: code-2024-provisions.yaml) words it so;
    the packaged copy had been widened to "their orders", so the self-assessment form printed a
    requirement the Code does not set beside the board's answer to 9.7."""
    requirement = load_provisions().get("9.7").requirement
    assert "severe-maladministration orders" in requirement
    assert "progress in complying with their orders" not in requirement


def test_a_small_landlords_self_assessment_is_submitted_to_the_ombudsman_too():
    """The Ombudsman's annual submission is every member landlord's: over 1,000 homes by 30
    September, 1,000 or fewer within six months of the year end. small_specialist (703 homes) was
    told its self-assessment was "published within six months", as if it had nothing to submit
    (the Regulator's Tenant Satisfaction Measures are the return small landlords publish only)."""
    small = load_landlord(DEFAULT_WORKSPACES_ROOT / "small_specialist")
    deadline = submission_deadline(small, ReportingYear.parse("2025-26"))
    assert deadline.homes <= 1000
    assert deadline.rule.startswith("submitted to the Housing Ombudsman within six months")
    assert deadline.date == dt.date(2026, 9, 30)


def test_a_deadline_the_landlord_sets_names_the_ombudsmans_not_a_file():
    """A date set in landlord.yaml printed "Due 30 June 2026 (set in landlord.yaml
    (self_assessment_deadline))" in the published self-assessment and annual report: a file and
    key no reader knows, and no word of the Ombudsman's own deadline."""
    housing21 = load_landlord(DEFAULT_WORKSPACES_ROOT / "housing21")
    own = housing21.model_copy(update={"self_assessment_deadline": "06-30"})
    year = ReportingYear.parse("2025-26")
    deadline = submission_deadline(own, year)
    assert deadline.date == dt.date(2026, 6, 30)
    assert "landlord.yaml" not in deadline.rule and "self_assessment_deadline" not in deadline.rule
    ombudsman = submission_deadline(housing21, year)
    assert f"the Housing Ombudsman's deadline is {ombudsman.date:%-d %B %Y}" in deadline.rule
