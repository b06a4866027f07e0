"""The example workspaces' self_assessment.yaml files: complete, valid, honest."""

from __future__ import annotations

import pytest

from pipeline.self_assessment.model import load_self_assessment, load_year_assessment
from pipeline.self_assessment.reference import load_provisions
from pipeline.workspaces import DEFAULT_WORKSPACES_ROOT

EXAMPLES = ["housing21", "small_specialist", "homes_plus", "council_housing"]


@pytest.mark.parametrize("workspace", EXAMPLES)
def test_example_self_assessment_is_complete_and_has_an_honest_no(workspace):
    assessment = load_self_assessment(
        DEFAULT_WORKSPACES_ROOT / workspace / "annual_report" / "2025-26" / "self_assessment.yaml"
    )
    assert list(assessment.provisions) == [p.id for p in load_provisions().form_provisions]
    noes = [a for a in assessment.provisions.values() if not a.complies]
    assert noes, "every example admits at least one 'no'"
    for answer in noes:
        assert answer.commentary and answer.actions, answer.id
        assert all(a.owner and a.due for a in answer.actions)
    # The data-contradicted "yes" every example carries (see the integration test): stage 2 by a
    # different person is claimed without exception.
    assert assessment.answer("6.13").complies
    assert assessment.reporting_year == "2025-26"


@pytest.mark.parametrize("workspace", EXAMPLES)
def test_every_example_year_has_a_dated_self_assessment_carried_only_when_marked(workspace):
    root = DEFAULT_WORKSPACES_ROOT / workspace
    assert not (root / "self_assessment.yaml").exists()  # no year-less file reused for every year
    for year in ("2023-24", "2024-25", "2025-26"):
        assessment = load_year_assessment(root, year)
        assert assessment is not None, year
        assert assessment.completed_on is not None, year
        assert assessment.reporting_year == year
        if assessment.carried_from:
            assert assessment.carried_from == {"2024-25": "2023-24", "2025-26": "2024-25"}[year]
            assert assessment.carried_reason and assessment.approved_by
    carried = load_year_assessment(DEFAULT_WORKSPACES_ROOT / "housing21", "2024-25")
    assert carried.carried_from == "2023-24"  # the example of a marked carry
