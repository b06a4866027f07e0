"""Self-assessment input validation: every problem in self_assessment.yaml named by provision and
field, never by quoting what was typed."""

from __future__ import annotations

import pytest
import yaml

from pipeline.self_assessment.model import (
    SelfAssessmentError,
    find_self_assessment,
    load_self_assessment,
    parse_self_assessment,
)
from pipeline.self_assessment.reference import load_provisions
from tests.unit.test_self_assessment import answers


def test_valid_document_parses_in_code_order_with_yaml_booleans():
    assessment = parse_self_assessment(answers(**{"5.3": {"comply": "No", "actions": []}}))
    assert list(assessment.provisions) == [p.id for p in load_provisions().form_provisions]
    assert assessment.answer("5.2").comply == "yes"
    assert assessment.answer("5.3").comply == "no"


def problems_of(raw) -> list[str]:
    with pytest.raises(SelfAssessmentError) as excinfo:
        parse_self_assessment(raw)
    return excinfo.value.problems


def test_invalid_comply_names_the_provision_and_the_field():
    problems = problems_of(answers(**{"5.3": {"comply": "maybe"}}))
    assert problems == [
        "self_assessment.yaml: provision 5.3, field 'comply': 'maybe' is not one of yes/no"
    ]


def test_problems_describe_a_note_by_its_shape_never_quote_it():
    """A name and a phone number typed where a yes/no, a date or an id belongs are not echoed:
    the message goes to the console and the Dagster run log."""
    note = "Ask Jean Hall 07700 900123"
    raw = answers(
        **{"5.3": {"comply": note}, "6.2": {"actions": [{"what": "x", "owner": "y", "due": note}]}}
    )
    raw["provisions"].append({"id": note, "comply": "yes"})
    problems = problems_of(raw)
    assert (
        "self_assessment.yaml: provision 5.3, field 'comply': a text of 26 characters is not "
        "one of yes/no" in problems
    )
    assert any(
        p.startswith("self_assessment.yaml: entry ") and "unknown provision id" in p
        for p in problems
    )
    assert not any("Hall" in p or "07700" in p for p in problems), problems


def test_action_with_bad_date_and_missing_owner_are_named():
    raw = answers(**{"6.2": {"actions": [{"what": "Retrain staff", "due": "soon"}]}})
    problems = problems_of(raw)
    assert "self_assessment.yaml: provision 6.2, action 1, field 'owner': is missing" in problems
    assert (
        "self_assessment.yaml: provision 6.2, action 1, field 'due': 'soon' is not a date "
        "(YYYY-MM-DD)" in problems
    )


def test_unknown_duplicate_missing_and_unquoted_ids_are_all_reported():
    raw = answers()
    raw["provisions"] = [e for e in raw["provisions"] if e["id"] not in {"4.2", "9.8"}]
    raw["provisions"].append({"id": "5.16", "comply": "yes"})
    raw["provisions"].append({"id": "6.1", "comply": "yes"})
    raw["provisions"].append({"id": 5.1, "comply": "yes"})
    raw["provisions"].append({"id": "1.1", "comply": "yes"})
    problems = problems_of(raw)
    assert (
        "self_assessment.yaml: provision 5.16: unknown provision id (the Code 2024 has 1.2 to 9.8)"
        in problems
    )
    assert "self_assessment.yaml: provision 6.1: appears more than once" in problems
    assert "self_assessment.yaml: provisions missing: 4.2, 9.8" in problems
    assert any("field 'id': 5.1 must be quoted text" in p for p in problems)
    assert any(
        p.startswith("self_assessment.yaml: provision 1.1: is an introductory") for p in problems
    )


def test_unknown_field_no_without_explanation_and_bad_top_level_key():
    raw = answers(**{"3.4": {"comply": "no", "commentary": "", "evidnce": ["x"]}})
    raw["year"] = "2024-25"
    problems = problems_of(raw)
    assert "self_assessment.yaml: provision 3.4, field 'evidnce': is not a known field" in problems
    assert any(p.startswith("self_assessment.yaml: key 'year' is not allowed") for p in problems)
    raw = answers(**{"3.4": {"comply": "no", "commentary": ""}})
    assert problems_of(raw) == [
        "self_assessment.yaml: provision 3.4, field 'commentary': a 'no' needs an explanation "
        "or planned actions"
    ]


def test_malformed_yaml_file_names_the_provision_and_field(tmp_path):
    text = yaml.safe_dump(answers(), sort_keys=False).replace(
        "id: '7.2'\n  comply: true", "id: '7.2'\n  comply: perhaps"
    )
    path = tmp_path / "self_assessment.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SelfAssessmentError, match=r"provision 7\.2, field 'comply': 'perhaps'"):
        load_self_assessment(path)
    path.write_text("provisions: [\n", encoding="utf-8")
    with pytest.raises(SelfAssessmentError, match="not valid YAML"):
        load_self_assessment(path)


def test_find_self_assessment_prefers_the_year_file_and_respects_reporting_year(tmp_path):
    (tmp_path / "self_assessment.yaml").write_text("reporting_year: '2024-25'\n")
    assert find_self_assessment(tmp_path, "2024-25") == tmp_path / "self_assessment.yaml"
    assert find_self_assessment(tmp_path, "2023-24") is None
    (tmp_path / "self_assessment_2023-24.yaml").write_text("provisions: []\n")
    assert find_self_assessment(tmp_path, "2023-24") == tmp_path / "self_assessment_2023-24.yaml"
