"""A committee pack whose month or quarter reaches past the data cut (landlord.yaml
``data_cut_date``): nothing after the cut is loaded, so the measures table has no row for a period
that begins after it, and a period the cut falls in counts only to the cut (design.md s6-7: never
a false figure). These say so where a board member reads the pack.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from pipeline.periods import Period, ReportingYear, parse_period

if TYPE_CHECKING:
    from pipeline.reporting.blocks import Section


def latest_period_known(period: Period, data_cut: dt.date) -> Period:
    """The month or quarter (``period``'s kind) the data cut falls in: the latest pack with figures."""
    year = ReportingYear.containing(data_cut)
    siblings = year.quarters() if period.kind == "quarter" else year.months()
    return next(p for p in siblings if p.start <= data_cut <= p.end)


def data_cut_intro(period: Period, data_cut: dt.date, document: str = "pack") -> str:
    """The pack's (or another ``document``'s: an annual report for a year the cut falls in)
    opening words when its period reaches past the data cut, else ""."""
    cut = f"{data_cut:%-d %B %Y}"
    if period.start > data_cut:
        return (
            f"{period.label} begins after the data cut date, {cut}: the case-system exports "
            f"loaded were taken then, so no figure for {period.label} is known and none is "
            "shown (not available, rather than 0)."
        )
    if data_cut < period.end:
        return (
            f"The data cut date, {cut}, falls inside {period.label}: this {document} counts what "
            f"happened from {period.start:%-d %B %Y} to {cut} only, not the whole {period.kind} "
            f"(which ends on {period.end:%-d %B %Y}), and shows open complaints and overdue "
            f"actions as at {cut}. Comparisons with other periods are with whole periods."
        )
    return ""


def after_data_cut_section(period: Period, data_cut: dt.date) -> Section:
    """The whole pack for a period that begins after the data cut: what is missing, where the
    latest figures are, and what to do. No table: every figure would read "not available"."""
    # here, not at the top: the command line's notes use this module in a returns-only run, which
    # must not pay for the reporting libraries (great-tables, Plotly) that blocks imports
    from pipeline.reporting.blocks import NOT_AVAILABLE, Section

    latest = latest_period_known(period, data_cut)
    cut = f"{data_cut:%-d %B %Y}"
    section = Section("data-cut", f"{period.label}: figures not available")
    section.text(
        f"Complaints received, answers sent, open and overdue complaints, Ombudsman cases and "
        f"overdue actions for {period.label}: {NOT_AVAILABLE}. The data this pack is made from "
        f"stops at the data cut date, {cut}, before {period.label} began."
    )
    section.text(
        f"The latest figures are in the {latest.label} pack (open complaints and overdue "
        f"actions as at {cut})."
    )
    section.note(
        f"To produce this pack with figures, load case-system exports taken after "
        f"{period.end:%-d %B %Y}, set data_cut_date in landlord.yaml to the date they were "
        "taken, and run it again."
    )
    return section


def periods_after_cut(periods: list[str], data_cut: dt.date) -> list[str]:
    """A line for each ``--period`` key that begins after the data cut, for the command line.

    Its committee pack is still written (the monthly and quarterly schedules ask for such a
    period when the exports have not been refreshed, and must not fail), but it can only say that
    no figure is available; the person who asked for it is told why, and what to do.
    """
    notes = []
    for key in periods:
        period = parse_period(key)
        if period.start > data_cut:
            notes.append(
                f"{key} begins after the data cut date ({data_cut:%-d %B %Y}): its committee "
                "pack says its figures are not available. To fill it, load exports taken after "
                f"{period.end:%-d %B %Y} and set data_cut_date in landlord.yaml to the date "
                "they were taken."
            )
    return notes
