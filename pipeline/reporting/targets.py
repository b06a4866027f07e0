"""The landlord's own targets, rated red/amber/green, and the committee's exceptions list.

Targets come from landlord.yaml ``thresholds.targets`` (:class:`pipeline.config.Target`). A target
is rated on its measure's row as the reader sees it (the display text, rounded half up), so a
figure shown as 90.0 meets a target of 90 whatever its unrounded value. The exceptions list names
what needs attention: missed targets first (every red or amber rating the targets table shows, for
the period or the year to date), then notifiable events not reported to the Scottish Housing
Regulator, complaints open past their deadline, Ombudsman findings against the landlord, Complaint
Handling Failure Orders and overdue actions, each quoting its measure's displayed figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import polars as pl

from pipeline.config import Landlord, Target
from pipeline.periods import Period, PeriodToCut, year_to_date_label
from pipeline.reporting.blocks import Section, shown
from pipeline.reporting.data import Measures
from pipeline.reporting.labels import label, standard_name
from pipeline.reporting.tables import data_table

# Findings an exception list names (design.md s6: the maladministration rate's numerator).
ADVERSE_FINDINGS = ("severe_maladministration", "maladministration", "service_failure")
RAG_ORDER = {"Red": 0, "Amber": 1, "Green": 2, "No figure": 3, "Not rated": 4}
# Measures that count a complaint still open at the data cut as not in time, even before its
# deadline (design.md s6: CH02, ARC indicator 3): for a period the cut falls in, their shortfall
# is the cut's doing, so they are shown but not rated.
OPEN_COUNTS_LATE = ("CH02_", "ARC_3_")
NOT_RATED = "Not rated"


@dataclass(frozen=True)
class Rating:
    """A target's status for one figure."""

    target: Target
    name: str
    row: dict | None
    status: str  # Red | Amber | Green | No figure | Not rated (NOT_RATED)


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
    """The target's label, else the document's name for its measure and view (or the name every
    document gives it: the TSMs, the ARC indicators), else the id."""
    if target.label:
        return target.label
    name = names.get((target.measure, target.view)) or names.get((target.measure, None))
    name = name or standard_name(target.measure) or target.measure
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


MISSED = ("Red", "Amber")


def _missed_text(period: Rating, year: Rating | None) -> str:
    """One line for a target missed in the period, the year to date, or both.

    The year-to-date rating is in the targets table beside the period's, so a target met this
    period but red over the year is still named (a good month does not undo a bad year).
    """
    target = _target_text(period.target, period.row or (year.row if year else None))
    parts = []
    if period.status in MISSED:
        parts.append(f"{shown(period.row)} against a target of {target} ({period.status.lower()})")
    if year is not None and year.status in MISSED:
        if parts and year.row["display"] == period.row["display"]:
            # a position (complaints open past their deadline) is its period's row to date
            parts[0] += "; the same year to date"
        elif parts:
            parts.append(f"year to date {shown(year.row)} ({year.status.lower()})")
        else:
            parts.append(
                f"year to date {shown(year.row)} against a target of {target} "
                f"({year.status.lower()}); this period {shown(period.row)} "
                f"({period.status.lower()})"
            )
    return f"{period.name}: {'; '.join(parts)}."


def _worst(period: Rating, year: Rating | None) -> int:
    return min(RAG_ORDER[period.status], RAG_ORDER[year.status] if year else RAG_ORDER["No figure"])


def exceptions(
    measures: Measures,
    period: Period,
    rated: list[Rating],
    as_of: dt.date,
    year_rated: list[Rating] | None = None,
    year_to_date: str | None = None,
) -> list[str]:
    """Short statements of what needs the committee's attention, worst first.

    Red then amber targets, each target once with its period and year-to-date ratings
    (``year_rated``, in the order of ``rated``); notifiable events not reported to the Scottish
    Housing Regulator (the period's, else the year to date's, ``year_to_date`` being the key of
    the year-to-date rows); complaints open past their deadline (stage 2 first); Ombudsman
    findings against us and Complaint Handling Failure Orders in the period; those not yet complied
    with at the period end; overdue service improvements and promised actions. Each quotes its measure's displayed figure.
    """
    pairs = list(zip(rated, year_rated or [None] * len(rated), strict=True))
    missed = [
        (r, y) for r, y in pairs if r.status in MISSED or (y is not None and y.status in MISSED)
    ]
    out = [_missed_text(r, y) for r, y in sorted(missed, key=lambda pair: _worst(*pair))]
    out += _unreported_notifiable(measures, period, year_to_date)
    on = f"{as_of:%-d %B %Y}"
    # a figure already named by a missed target is not repeated below
    named = {r.target.measure for r, _ in missed}

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
            "chfo_outstanding",
            "Complaint Handling Failure Order was not yet complied with",
            "Complaint Handling Failure Orders were not yet complied with",
        ),
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


def _unreported_notifiable(
    measures: Measures, period: Period, year_to_date: str | None
) -> list[str]:
    """A line when a notifiable event has no notification to the Scottish Housing Regulator.

    A notifiable event (a serious complaint about senior staff in Scotland) must be reported to
    the Regulator immediately (seed 003 s21.2), so one not reported is named whatever else the
    period shows. The period's figures are quoted when it had such an event; else the year to
    date's, since an event received earlier in the year and still not reported has not stopped
    needing attention. Nothing for a landlord without the measure's rows.
    """
    for key, when in ((period, "this period"), (year_to_date, "so far this year")):
        if key is None:
            continue
        events = measures.get("notifiable_events", key)
        notified = measures.get("notifiable_events_notified", key)
        if events is None or notified is None or not (events["value"] or 0):
            continue
        if (notified["numerator"] or 0) >= (notified["denominator"] or 0):
            continue
        return [
            f"Notifiable events reported to the Scottish Housing Regulator: {shown(notified)}% of "
            f"{shown(events)} received {when} (serious complaints about senior staff in "
            "Scotland); the Regulator must be told of each immediately."
        ]
    return []


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
    year_rated = ratings(measures, targets, year_to_date, names)
    to_cut = isinstance(period, PeriodToCut)
    if to_cut:
        rated, year_rated = (
            [
                replace(r, status=NOT_RATED) if r.target.measure.startswith(OPEN_COUNTS_LATE) else r
                for r in found
            ]
            for found in (rated, year_rated)
        )
    unrated = any(r.status == NOT_RATED for r in rated)
    if targets:
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
            schema=[
                "Measure",
                "Target",
                period.label,
                "Status",
                year_to_date_label(period),
                "Status, YTD",
            ],
            orient="row",
        )
        section.add_table(
            data_table(
                "tbl-committee-targets",
                f"Our targets, {period.label}",
                frame,
                note="Targets are the ones we have set. Green: target met; amber: "
                "within the amber limit; red: beyond it. Rated on the figure as shown."
                + (
                    f" {NOT_RATED}: CH02 and the ARC indicators count a complaint still open at "
                    f"the data cut ({period.cut:%-d %B %Y}) as not answered in time, even before "
                    "its deadline, so for a period the cut falls in they are shown, not rated."
                    if unrated
                    else ""
                ),
            )
        )
    else:
        section.note("No targets are set, so figures are not rated.")
    found = exceptions(measures, period, rated, as_of, year_rated, year_to_date)
    if found:
        section.text("For the committee's attention:")
        section.bullets(found)
    else:
        section.text("Nothing for the committee's attention: no target missed, nothing overdue.")
    return section
