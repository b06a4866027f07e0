"""TP09 precision in honest words (issue 16 point 6)."""

from __future__ import annotations

from pipeline.reporting.precision import (
    margin_text,
    meets_text,
    precision_sentence,
    survey_meets_text,
)
from pipeline.reporting.trace import plain


def row(value, display=None):
    return {"value": value, "display": display if display is not None else f"{value:.1f}"}


def test_a_margin_wider_than_required_does_not_meet():
    tp09, moe, n, required = row(36.4), row(7.4), row(160, "160"), row(4.0)
    assert plain(margin_text(tp09, moe, n)) == "±7.4"
    assert meets_text(tp09, moe, n, required) == "does not meet"
    assert meets_text(tp09, row(3.9), n, required) == "meets"


def test_four_respondents_get_no_margin_and_no_pass():
    tp09, moe, n, required = row(100.0), row(0.0), row(4, "4"), row(5.0)
    assert margin_text(tp09, moe, n) == "too few respondents for a margin of error"
    assert meets_text(tp09, moe, n, required) == "does not meet (too few respondents)"
    # 20 respondents all dissatisfied: n x p = 0 < 5, the approximation says nothing either
    assert (
        margin_text(row(0.0), row(0.0), row(20, "20"))
        == "too few respondents for a margin of error"
    )


def test_survey_flag_in_words():
    assert survey_meets_text(row(1)) == "meets"
    assert survey_meets_text(row(0)) == "does not meet"
    assert survey_meets_text(None) == "cannot be judged"


def test_a_withheld_margin_reads_c_and_its_verdict_too():
    # small_specialist 2025-26, published: LCRA's margin rests on its 41 respondents, a count
    # withheld beside the combined 43 and LCHO's <5. It was shown as [U] ("cannot be
    # calculated"), which misstates it; its verdict beside it would tell its range.
    withheld = {"value": None, "display": "[c]", "suppressed": True}
    hidden_n = {"value": None, "display": "[c]", "suppressed": True}
    assert plain(margin_text(withheld, withheld, hidden_n)) == "[c]"
    assert meets_text(withheld, withheld, hidden_n, row(5.0)) == "[c]"


def test_a_margin_just_over_the_requirement_does_not_meet_and_says_why():
    """housing21 2024-25 LCHO: the whole survey's margin 5.02 against ±5.0 read "±5.0 | ±5.0 |
    does not meet" (the flag judges the unrounded margin), while TP09's own margin judged on the
    rounded text would have read "meets" at ±5.0: one table, two rules. Both judge the unrounded
    margin, and a verdict the rounding hides gives the margin before rounding."""
    tp09, n, required = row(48.0), row(321, "321"), row(5.0)
    just_over = {"value": 5.0204, "display": "5.0"}
    assert meets_text(tp09, just_over, n, required) == "does not meet: ±5.02 before rounding"
    assert meets_text(tp09, {"value": 4.9996, "display": "5.0"}, n, required) == "meets"
    assert meets_text(tp09, row(7.4), n, required) == "does not meet"  # no note: it shows
    flag_no, flag_yes = row(0, "No"), row(1, "Yes")
    assert survey_meets_text(flag_no, just_over, required) == "does not meet: ±5.02 before rounding"
    assert survey_meets_text(flag_no, row(5.6), required) == "does not meet"
    assert survey_meets_text(flag_yes, row(4.6), required) == "meets"
    sentence = plain(precision_sentence(tp09, row(13.0), n, required, just_over, flag_no))
    assert "a margin of ±5.0 points (±5.02 before rounding) against the ±5.0 required" in sentence
    assert sentence.endswith("The survey does not meet the required precision.")
