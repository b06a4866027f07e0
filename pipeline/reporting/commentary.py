"""Plain-English commentary generated from the figures: better or worse, and by how much.

Nothing here computes a measure: the sentences compare values already in the ``measures`` table
(this year, last year, the sector median) and say so in words a board member reads in seconds.
"""

from __future__ import annotations

# CH02 and TP09 are better when higher; CH01 is not judged (a rise can mean residents find it
# easier to complain). The same rule places a landlord among the sector.
from pipeline.benchmarks import HIGHER_IS_BETTER
from pipeline.reporting.labels import MEASURE_NAMES
from pipeline.reporting.trace import figure
from pipeline.rounding import round_half_up


def figure_text(value: float | None, unit: str) -> str:
    """A value as a reader sees it: ``53.9 per 1,000 homes``, ``89.9%``, ``[U]``."""
    if value is None:
        return "[U]"
    shown = f"{round_half_up(value, 1):.1f}"
    return {"per_1000": f"{shown} per 1,000 homes", "percent": f"{shown}%"}.get(unit, shown)


def _row_text(row: dict) -> str:
    """A measure row's figure as :func:`figure_text` words it, traced to the row."""
    text = figure(row, f"{round_half_up(row['value'], 1):.1f}")
    return {"per_1000": f"{text} per 1,000 homes", "percent": f"{text}%"}.get(row["unit"], text)


def _difference(delta: float, unit: str) -> str:
    amount = f"{abs(round_half_up(delta, 1)):.1f}"
    return f"{amount} percentage points" if unit == "percent" else f"{amount} per 1,000 homes"


def _within_margin(delta: float, margin: dict | None) -> bool:
    """Whether a year-on-year change is no larger than the survey's margin of error."""
    if margin is None or margin["value"] is None:
        return False
    return abs(round_half_up(delta, 1)) <= round_half_up(margin["value"], 1)


def _unavailable(measure: str, row: dict | None) -> str:
    if row is None:
        return "is not available for this year (no figure in the measures table)"
    if measure.startswith("CH01"):
        return "cannot be calculated ([U]): no homes owned of this type at the year end"
    if measure.startswith("CH02"):
        return "cannot be calculated ([U]): no complaints at this stage were received in the year"
    return (
        "cannot be calculated ([U]): no survey respondent who had complained in the last 12 months "
        "gave an answer"
    )


def _withheld(row: dict | None) -> bool:
    """Whether a published version hides the row's figure (``[c]`` or ``<5``), as opposed to a
    figure that cannot be calculated (``[U]``, a zero denominator) or is missing."""
    return row is not None and row["value"] is None and row.get("display") not in (None, "[U]")


def _withheld_reason(row: dict) -> str:
    """Why a published figure is hidden, without misstating it (a secondary [c] may rest on many
    cases; a primary one on a count, or a remainder by subtraction, under 5)."""
    if row.get("suppressed_reason") == "secondary":
        return "withheld so that a smaller figure beside it cannot be worked out"
    return "suppressed: it rests on, or would reveal, fewer than 5 cases"


def compare(
    measure: str,
    current: dict | None,
    previous: dict | None,
    median: float | None,
    position: str | None = None,
    basis: str | None = None,
    margin: dict | None = None,
    to_cut: str | None = None,
) -> str:
    """One or two sentences on a headline measure against last year and the sector median.

    Parameters
    ----------
    measure
        ``CH01_1``, ``CH01_2``, ``CH02_1``, ``CH02_2`` or ``TP09``.
    current, previous
        Measure rows (dicts with ``value``, ``display``, ``unit``, ``numerator``, ``denominator``)
        for this year and last year, or None.
    median
        The sector median for the same measure and stock type, or None.
    position
        The landlord's position among the sector (e.g. "top quartile"), if known.
    basis
        Which sector data the median is from, e.g. "RSH 2024/25 data, 352 landlords".
    margin
        TP09's margin of error this year (the ``TP09_margin_of_error`` row), if known: a change
        no larger than it is not called an improvement or a deterioration (a survey's +0.3 points
        with a margin of ±7.7 is not evidence of either).
    to_cut
        The data cut ("30 April 2026") when it falls inside the year: the year's figures count
        only to it (a month's complaints per 1,000 homes, its open complaints not in time), so
        they are not judged against last year's or the sector's whole years.

    Returns
    -------
    str
        Plain text (the template escapes it).
    """
    name = MEASURE_NAMES.get(measure, measure)
    if current is None or current["value"] is None:
        if _withheld(current):
            return f"{name}: {figure(current)} ({_withheld_reason(current)})."
        return f"{name} {_unavailable(measure, current)}."
    unit = current["unit"]
    direction = HIGHER_IS_BETTER.get(measure[:4])
    parts = [f"{name} was {_row_text(current)}"]
    if to_cut is not None:
        before = (
            f" (last year: {_row_text(previous)})"
            if previous is not None and previous["value"] is not None
            else ""
        )
        parts.append(
            f"; this year's figures count only to {to_cut}, so they are not compared with last "
            f"year's whole year{before} or with the sector"
        )
        median = None
    elif previous is not None and previous["value"] is not None:
        delta = round_half_up(current["value"], 1) - round_half_up(previous["value"], 1)
        before = _row_text(previous)
        if abs(delta) < 0.05:
            parts.append(f", unchanged from last year ({before})")
        else:
            moved = "up" if delta > 0 else "down"
            verdict = ""
            if direction is not None:
                better = (delta > 0) == direction
                verdict = ": an improvement" if better else ": a deterioration"
                if _within_margin(delta, margin):
                    points = figure(margin, f"{round_half_up(margin['value'], 1):.1f}")
                    verdict = (
                        f": within this year's margin of error (±{points} percentage "
                        f"points), so not a clear {'improvement' if better else 'deterioration'}"
                    )
            parts.append(f", {moved} {_difference(delta, unit)} on last year ({before}){verdict}")
    elif _withheld(previous):
        # Last year's figure exists but this published version hides it: [U] would say it
        # cannot be calculated, which is not true.
        parts.append(
            f"; last year's figure is withheld in this published version ({figure(previous)}, "
            f"{_withheld_reason(previous)})"
        )
    elif previous is not None:
        parts.append(", with no comparable figure for last year ([U])")
    else:
        parts.append(", the first year with this figure")
    sentence = "".join(parts) + "."
    if median is not None:
        gap = round_half_up(current["value"], 1) - median
        if abs(gap) < 0.05:
            where = "in line with"
        else:
            where = f"{_difference(gap, unit)} {'above' if gap > 0 else 'below'}"
        source = "" if basis is None else f" ({basis})"
        sentence += f" That is {where} the sector median of {figure_text(median, unit)}{source}."
        # CH01's position label only restates above/below; CH02 and TP09 get their quartile.
        if position and direction is not None:
            sentence += f" Position among landlords: {position}."
    if direction is None:
        sentence += (
            " A higher complaint rate is not by itself worse: it can show that residents find it "
            "easy to complain."
        )
    return sentence
