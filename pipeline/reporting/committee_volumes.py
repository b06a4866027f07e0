"""The committee pack's volumes: complaints received this period and year to date, each beside
last year's (split from :mod:`pipeline.reporting.committee`, which re-exports these names)."""

from __future__ import annotations

import polars as pl

from pipeline.periods import (
    Period,
    PeriodToCut,
    ReportingYear,
    same_period_last_year,
    year_to_date_label,
)
from pipeline.reporting.blocks import NOT_AVAILABLE, Metric, Section, metric_table, shown
from pipeline.reporting.data import Measures
from pipeline.reporting.labels import RECEIVED_NAMES, label
from pipeline.reporting.tables import data_table

# Received: the core every governance document shows. Named as the annual report names them
# (labels.RECEIVED_NAMES): a stage 2 with no stage 1 is a stage 2 complaint, never an escalation.
VOLUME_METRICS = [Metric(name, measure) for measure, name in RECEIVED_NAMES.items()]

# A group (a service area, a country) with no row in a period had nothing recorded there.
NONE_RECORDED = "–"


def ytd_key(period: Period) -> str:
    """Key of the year-to-date rows ending with ``period``: ``2025-26-YTD``."""
    return f"{ReportingYear.containing(period.start).key}-YTD"


def volumes_section(measures: Measures, period: Period) -> Section:
    """Complaints received this period and year to date, each against the same period last year."""
    section = Section("volumes", "Complaints received against last year")
    last = same_period_last_year(period)
    columns = [
        (period.label, period),
        (last.label, last),
        (year_to_date_label(period), ytd_key(period)),
        ("Same period last year", ytd_key(last)),
    ]
    against = last.label
    intro = (
        f"{period.label} and the year to date, each beside the same period a year earlier "
        f"({last.label})."
    )
    if isinstance(period, PeriodToCut):
        # the pack counts only to the data cut; last year's rows are whole periods (the measures
        # table has none to a date inside one): named as such, never "the same period"
        plural = f"{period.kind}s"
        columns[1] = (f"{last.label} (whole {period.kind})", last)
        columns[3] = (f"Last year to {last.end:%-d %B %Y} (whole {plural})", ytd_key(last))
        against = f"the whole of {last.label}"
        intro = (
            f"{period.label} and the year to date, beside the whole of {last.label} and last "
            f"year to {last.end:%-d %B %Y}: whole {plural}, longer than this pack's, which "
            f"counts only to {period.cut:%-d %B %Y}, so not like for like."
        )
    metrics = VOLUME_METRICS
    section.text(intro)
    section.add_table(
        metric_table(
            "tbl-committee-volumes",
            f"Complaints received, {period.label} against {against}",
            measures,
            metrics,
            columns,
        ),
        empty="No complaint volumes for this period in the measures table.",
    )
    section.add_table(
        breakdown_comparison(
            "tbl-committee-volumes-area",
            f"Stage 1 complaints by service area, {period.label} against {against}",
            measures,
            "received_1",
            "service_area",
            columns,
            heading="Service area",
        )
    )
    return section


def breakdown_comparison(
    table_id: str,
    caption: str,
    measures: Measures,
    measure: str,
    breakdown: str,
    columns: list[tuple[str, Period | str]],
    *,
    heading: str,
):
    """One row per value of ``breakdown`` seen in any column, one column per period.

    A value with no row in a period had nothing recorded there: its cell is "–", not a zero
    the measures table does not hold. A period with no figures at all (no total row either, as
    before the landlord's data begins) reads "not available" in every row: "–" would claim that
    nothing was recorded.
    """
    frames = [
        measures.breakdown(measure, period, breakdown).select(
            "breakdown_value",
            # each figure traced to its row (pipeline.reporting.trace), as the other tables' are
            pl.struct(pl.all()).map_elements(shown, return_dtype=pl.String).alias(name),
        )
        for name, period in columns
    ]
    without = {
        name
        for (name, period), frame in zip(columns, frames, strict=True)
        if frame.is_empty() and measures.get(measure, period) is None
    }
    joined = frames[0]
    for frame in frames[1:]:
        joined = joined.join(frame, on="breakdown_value", how="full", coalesce=True)
    if joined.is_empty():
        return None
    joined = joined.with_columns(
        pl.col("breakdown_value").map_elements(label, return_dtype=pl.String).alias(heading)
    ).sort(heading)
    return data_table(
        table_id,
        caption,
        joined.select(
            heading,
            *[
                pl.col(name).fill_null(NOT_AVAILABLE if name in without else NONE_RECORDED)
                for name, _ in columns
            ],
        ),
        note=f"{NONE_RECORDED}: none recorded in that period."
        + (f" {NOT_AVAILABLE.capitalize()}: no figures for that period." if without else ""),
    )
