"""The landlord's own targets, rated red/amber/green, and the committee's exceptions list.

Targets come from landlord.yaml ``thresholds.targets`` (:class:`pipeline.config.Target`). A target
is rated on its measure's row as the reader sees it (the display text, rounded half up), so a
figure shown as 90.0 meets a target of 90 whatever its unrounded value. The exceptions list names
what needs attention: missed targets first, then complaints open past their deadline, Ombudsman
findings against the landlord, Complaint Handling Failure Orders and overdue actions, each quoting
its measure's displayed figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from pipeline.config import Landlord, Target
from pipeline.periods import Period
from pipeline.reporting.blocks import Section, shown
from pipeline.reporting.data import Measures
from pipeline.reporting.labels import label
from pipeline.reporting.tables import data_table

# Findings an exception list names (design.md s6: the maladministration rate's numerator).
ADVERSE_FINDINGS = ("severe_maladministration", "maladministration", "service_failure")
RAG_ORDER = {"Red": 0, "Amber": 1, "Green": 2, "No figure": 3}


@dataclass(frozen=True)
class Rating:
    """A target's status for one figure."""

    target: Target
    name: str
    row: dict | None
    status: str  # Red | Amber | Green | No figure


def _shown_number(row: dict | None) -> float | None:
    """The figure as the reader sees it (rounded half up), or None for [U] / no row."""
    if row is None or row["value"] is None:
        return None
    try:
        return float(row["display"])
    except (TypeError, ValueError):
        return None


def rate(target: Target, row: dict | None) -> str:
    """Red, Amber or Green for ``row``'s displayed figure against ``target``; ``No figure`` for [U]."""
    figure = _shown_number(row)
    if figure is None:
        return "No figure"
    if target.better == "higher":
        return "Green" if figure >= target.target else "Amber" if figure >= target.amber else "Red"
    return "Green" if figure <= target.target else "Amber" if figure <= target.amber else "Red"


def target_name(target: Target, names: dict[tuple[str, str | None], str]) -> str:
    """The target's label, else the document's name for its measure and view, else the id."""
    if target.label:
        return target.label
    name = names.get((target.measure, target.view)) or names.get((target.measure, None))
    name = name or target.measure
    if target.breakdown != "none":
        name += f", {label(target.breakdown_value)}"
    return name


def ratings(
    measures: Measures,
    targets: list[Target],
    period: Period | str,
    names: dict[tuple[str, str | None], str] | None = None,
) -> list[Rating]:
    """Each target rated on its measure's row for ``period`` (``names``: see target_name)."""
    out = []
    for target in targets:
        row = measures.get(
            target.measure, period, target.breakdown, target.breakdown_value, target.view
        )
        out.append(Rating(target, target_name(target, names or {}), row, rate(target, row)))
    return out


def _target_text(target: Target, row: dict | None) -> str:
    places = 0 if row is not None and row["unit"] == "count" else 1
    bound = "at least" if target.better == "higher" else "at most"
    return f"{bound} {target.target:.{places}f}"


def exceptions(
    measures: Measures, period: Period, rated: list[Rating], as_of: dt.date
) -> list[str]:
    """Short statements of what needs the committee's attention, worst first.

    Red then amber targets; complaints open past their deadline (stage 2 first); Ombudsman
    findings against us and Complaint Handling Failure Orders in the period; overdue service
    improvements and promised actions. Each quotes its measure's displayed figure.
    """
    out = [
        f"{r.name}: {shown(r.row)} against a target of {_target_text(r.target, r.row)} "
        f"({r.status.lower()})."
        for r in sorted(rated, key=lambda r: RAG_ORDER[r.status])
        if r.status in ("Red", "Amber")
    ]
    on = f"{as_of:%-d %B %Y}"
    # a figure already named by a missed target is not repeated below
    named = {r.target.measure for r in rated if r.status in ("Red", "Amber")}

    def positive(measure: str, breakdown: str = "none", value: str = "all") -> dict | None:
        if measure in named:
            return None
        row = measures.get(measure, period, breakdown, value)
        return row if row is not None and (row["value"] or 0) > 0 else None

    for stage in (2, 1):
        row = positive(f"overdue_{stage}")
        if row is not None:
            one = f"stage {stage} complaint was open past its deadline"
            many = f"stage {stage} complaints were open past their deadline"
            out.append(f"{_counted(row, one, many)} on {on}.")
    findings = [
        f"{shown(row)} {label(outcome).lower()}"
        for outcome in ADVERSE_FINDINGS
        if (row := positive("ombudsman_findings", "outcome", outcome)) is not None
    ]
    if findings:
        out.append(f"Ombudsman findings this period: {', '.join(findings)}.")
    chfo = positive("chfo_issued")
    if chfo is not None:
        orders = _counted(
            chfo, "Complaint Handling Failure Order was", "Complaint Handling Failure Orders were"
        )
        out.append(f"{orders} issued this period.")
    for measure, one, many in (
        (
            "overdue_learning_actions",
            "service improvement was past its due date",
            "service improvements were past their due date",
        ),
        (
            "overdue_promised_actions",
            "action promised to a complainant was past its due date",
            "actions promised to complainants were past their due date",
        ),
    ):
        row = positive(measure)
        if row is not None:
            out.append(f"{_counted(row, one, many)} on {on}.")
    return out


def _counted(row: dict, singular: str, plural: str) -> str:
    """``1 complaint was`` / ``3 complaints were``: the row's figure with the words to match."""
    return f"{shown(row)} {singular if row['value'] == 1 else plural}"


def targets_section(
    measures: Measures,
    landlord: Landlord,
    period: Period,
    year_to_date: str,
    as_of: dt.date,
    names: dict[tuple[str, str | None], str],
) -> Section:
    """The targets table (the period and the year to date, ``year_to_date`` being the key of the
    year-to-date rows) and the exceptions list."""
    section = Section("targets", "Targets and exceptions")
    targets = landlord.thresholds.targets
    rated = ratings(measures, targets, period, names)
    if targets:
        year_rated = ratings(measures, targets, year_to_date, names)
        frame = pl.DataFrame(
            [
                [
                    r.name,
                    _target_text(r.target, r.row),
                    shown(r.row),
                    r.status,
                    shown(y.row),
                    y.status,
                ]
                for r, y in zip(rated, year_rated, strict=True)
            ],
            schema=["Measure", "Target", period.label, "Status", "Year to date", "Status, YTD"],
            orient="row",
        )
        section.add_table(
            data_table(
                "tbl-committee-targets",
                f"Our targets, {period.label}",
                frame,
                note="Targets are the ones we have set. Green: target met; amber: "
                "within the amber limit; red: beyond it. Rated on the figure as shown.",
            )
        )
    else:
        section.note("No targets are set, so figures are not rated.")
    found = exceptions(measures, period, rated, as_of)
    if found:
        section.text("For the committee's attention:")
        section.bullets(found)
    else:
        section.text("Nothing for the committee's attention: no target missed, nothing overdue.")
    return section
