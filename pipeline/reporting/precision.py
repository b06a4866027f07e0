"""TP09's precision in words a board member can trust (issue 16 point 6).

The survey margin of error uses the normal approximation, which says nothing when there are few
respondents or nearly all give the same answer (4 respondents, all satisfied, give "±0.0"). A margin
is shown only when at least 5 respondents are on each side (n x p >= 5 and n x (1 - p) >= 5, the usual
rule for that approximation); otherwise the document says there are too few respondents. A margin
wider than the RSH's required precision reads "does not meet", never "Yes".

Two margins are in play and they answer different questions. TP09's own margin (respondents who
complained) says how far the satisfaction figure may be from the truth; the RSH's precision test is
the whole survey's margin (every respondent, 50% assumed), and ``TP09_meets_rsh_precision`` is that
test's verdict. A sentence about "the required precision" quotes that verdict, never TP09's margin.

Both verdicts judge the unrounded margin against the requirement (the rule of the
``TP09_meets_rsh_precision`` row): a margin of 5.02 does not meet ±5.0. Where the margin and the
requirement read the same once rounded (±5.0 against ±5.0), the verdict gives the margin before
rounding ("does not meet: ±5.02 before rounding"), so the figures shown never seem to pass.

In a published version a TP09 or its number of respondents may be withheld ([c] or <5). Its margin
is then withheld too: the margin, TP09 and the number of respondents are tied by one formula, so any
two give the third back. It is never "too few respondents" there: that would misstate why.
"""

from __future__ import annotations

from pipeline.reporting.suppression import SECONDARY
from pipeline.reporting.trace import figure, plain

MIN_EACH_SIDE = 5
WITHHELD = SECONDARY
_SUPPRESSED = ("<5", "[c]")


def withheld(*rows: dict | None) -> bool:
    """Whether the published version hides any of ``rows`` (TP09, its respondents or its
    margin): then the margin is withheld too."""
    return any(
        row is not None and row.get("value") is None and row.get("display") in _SUPPRESSED
        for row in rows
    )


def reliable(tp09: dict | None, respondents: dict | None) -> bool:
    """Whether the normal approximation behind the margin holds for this TP09."""
    if tp09 is None or respondents is None:
        return False
    if tp09["value"] is None or respondents["value"] is None:
        return False
    n, p = float(respondents["value"]), float(tp09["value"]) / 100
    return n * p >= MIN_EACH_SIDE and n * (1 - p) >= MIN_EACH_SIDE


def _withheld(moe: dict | None) -> bool:
    """Whether a published document withholds the margin (its sample is a hidden count)."""
    return moe is not None and bool(moe.get("suppressed"))


def margin_text(tp09: dict | None, moe: dict | None, respondents: dict | None) -> str:
    """``±7.4``, ``[c]`` when withheld (with TP09, or as a hidden count's), or why there is no
    honest margin."""
    if _withheld(moe):
        return figure(moe)  # [c], never [U]: the margin exists, it is withheld
    if withheld(tp09, respondents, moe):
        return WITHHELD
    if moe is None or moe["value"] is None:
        return "[U]"
    if not reliable(tp09, respondents):
        return "too few respondents for a margin of error"
    return f"±{figure(moe)}"


def meets_text(
    tp09: dict | None, moe: dict | None, respondents: dict | None, required: dict | None
) -> str:
    """``meets`` / ``does not meet`` the required precision, or why it cannot be judged."""
    if _withheld(moe) or withheld(tp09, respondents, moe):
        # Beside a withheld margin the verdict would tell its range, as a sector position would.
        return WITHHELD
    if required is None or required["value"] is None or moe is None or moe["value"] is None:
        return "cannot be judged"
    if not reliable(tp09, respondents):
        return "does not meet (too few respondents)"
    if float(moe["value"]) <= float(required["value"]):
        return "meets"
    return "does not meet" + _before_rounding(moe, required)


def _before_rounding(margin: dict | None, required: dict | None) -> str:
    """``: ±5.02 before rounding`` when a margin wider than ``required`` reads the same as it
    once rounded (so "±5.0 against ±5.0, does not meet" is not left unexplained); else ``""``."""
    if margin is None or required is None:
        return ""
    if margin.get("value") is None or required.get("value") is None:
        return ""
    wider = float(margin["value"]) > float(required["value"])
    if not wider or plain(figure(margin)) != plain(figure(required)):
        return ""
    return f": ±{float(margin['value']):.2f} before rounding"


def survey_meets_text(
    meets: dict | None, survey_margin: dict | None = None, required: dict | None = None
) -> str:
    """The whole survey's RSH precision flag in words (with the margin before rounding when it
    fails by less than the rounding shows, given ``survey_margin`` and ``required``)."""
    if meets is None or meets["value"] is None:
        return "cannot be judged"
    if meets["value"] == 1:
        return "meets"
    return "does not meet" + _before_rounding(survey_margin, required)


def precision_sentence(
    tp09: dict | None,
    moe: dict | None,
    respondents: dict | None,
    required: dict | None,
    survey_margin: dict | None,
    survey_meets: dict | None,
) -> str:
    """What a summary says about TP09's precision: its own margin, then the RSH's verdict.

    The verdict is the ``TP09_meets_rsh_precision`` row (the whole survey's margin against the
    required precision), so the summary and the TP09 table's "Whole survey precision" agree.
    Returns "" when there is nothing to say (no margin and no verdict).
    """
    sentences = []
    own = margin_text(tp09, moe, respondents)
    if plain(own) == WITHHELD:
        sentences.append(
            "Its margin of error is withheld too ([c]): the margin, TP09 and the number of "
            "respondents together would give a withheld figure back."
        )
    elif own.startswith("too few"):
        count = "" if respondents is None else f" ({figure(respondents)})"
        sentences.append(f"There are too few respondents{count} for a margin of error.")
    elif own != "[U]":
        sentences.append(f"Its margin of error is {own} percentage points (95% confidence).")
    verdict = survey_meets_text(survey_meets)
    if verdict != "cannot be judged":
        test = (
            "The RSH's precision test is on the whole survey (every respondent, not only those "
            "who complained)"
        )
        if survey_margin is not None and survey_margin["value"] is not None:
            test += f": a margin of ±{figure(survey_margin)} points"
            if verdict == "does not meet" and _before_rounding(survey_margin, required):
                test += f" ({_before_rounding(survey_margin, required).removeprefix(': ')})"
            if required is not None and required["value"] is not None:
                test += f" against the ±{figure(required)} required"
        sentences.append(f"{test}. The survey {verdict} the required precision.")
    return " ".join(sentences)
