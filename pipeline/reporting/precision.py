"""TP09's precision in words a board member can trust (issue 16 point 6).

The survey margin of error uses the normal approximation, which says nothing when there are few
respondents or nearly all give the same answer (4 respondents, all satisfied, give "±0.0"). A margin
is shown only when at least 5 respondents are on each side (n x p >= 5 and n x (1 - p) >= 5, the usual
rule for that approximation); otherwise the document says there are too few respondents. A margin
wider than the RSH's required precision reads "does not meet", never "Yes".
"""

from __future__ import annotations

from pipeline.reporting.suppression import SECONDARY
from pipeline.reporting.trace import figure

MIN_EACH_SIDE = 5


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
    """``±7.4``, or why there is no honest margin."""
    if _withheld(moe):
        return figure(moe)  # [c], never [U]: the margin exists, it is withheld
    if moe is None or moe["value"] is None:
        return "[U]"
    if not reliable(tp09, respondents):
        return "too few respondents for a margin of error"
    return f"±{figure(moe)}"


def meets_text(
    tp09: dict | None, moe: dict | None, respondents: dict | None, required: dict | None
) -> str:
    """``meets`` / ``does not meet`` the required precision, or why it cannot be judged."""
    if _withheld(moe):
        # Beside a withheld margin the verdict would tell its range, as a sector position would.
        return SECONDARY
    if required is None or required["value"] is None or moe is None or moe["value"] is None:
        return "cannot be judged"
    if not reliable(tp09, respondents):
        return "does not meet (too few respondents)"
    if float(moe["display"]) <= float(required["display"]):
        return "meets"
    return "does not meet"


def survey_meets_text(meets: dict | None) -> str:
    """The whole survey's RSH precision flag in words."""
    if meets is None or meets["value"] is None:
        return "cannot be judged"
    return "meets" if meets["value"] == 1 else "does not meet"
