"""The committee pack: a compact view of one quarter (or month), the year to date and open-case ageing.

Seed 002 reports quarterly to its audit committee; seed 004's senior managers meet monthly. The
pack reads the period's rows of the ``measures`` table and a year-to-date combination of them.
"""

from __future__ import annotations

import polars as pl

from pipeline.periods import Period, ReportingYear
from pipeline.reporting.blocks import Metric, Section, breakdown_block, metric_table, trend_block
from pipeline.reporting.data import Measures

KEY_METRICS = [
    Metric("Complaints received", "complaints_received"),
    Metric("Stage 1 complaints received", "received_1"),
    Metric("Stage 2 escalations received", "received_2"),
    Metric("Stage 1 per 1,000 homes, LCRA (CH01)", "CH01_1", "stock_type", "lcra", "regulator"),
    Metric("Stage 2 per 1,000 homes, LCRA (CH01)", "CH01_2", "stock_type", "lcra", "regulator"),
    Metric("Stage 1 answered in time, LCRA (CH02, %)", "CH02_1", "stock_type", "lcra", "regulator"),
    Metric("Stage 2 answered in time, LCRA (CH02, %)", "CH02_2", "stock_type", "lcra", "regulator"),
    Metric(
        "Satisfaction with complaint handling, LCRA (TP09, %)",
        "TP09",
        "stock_type",
        "lcra",
        "regulator",
    ),
    Metric("Stage 1 acknowledged in time (%)", "ack_in_time_1", view="management"),
    Metric("Stage 2 acknowledged in time (%)", "ack_in_time_2", view="management"),
    Metric(
        "Stage 1 answered in time, management view (%)", "response_in_time_1", view="management"
    ),
    Metric(
        "Stage 2 answered in time, management view (%)", "response_in_time_2", view="management"
    ),
    Metric("Stage 1 mean working days to response", "wd_to_response_mean_1"),
    Metric("Stage 2 mean working days to response", "wd_to_response_mean_2"),
    Metric("Resolved at stage 1 (%)", "resolved_stage1"),
    Metric("Resolved at stage 2 (%)", "resolved_stage2"),
    Metric("Refused complaints (stage 1)", "refused_1"),
    Metric("Ombudsman cases referred", "ombudsman_referred"),
    Metric("Ombudsman determinations", "ombudsman_determinations"),
    Metric("Maladministration rate (% of findings)", "ombudsman_maladministration_rate"),
    Metric("Complaint Handling Failure Orders", "chfo_issued"),
    Metric("Compensation paid (£)", "compensation_paid_gbp"),
    Metric("Service improvements completed", "learning_actions_completed"),
]


def previous_period(period: Period) -> Period | None:
    """The quarter or month before ``period`` (None before the first tracked year)."""
    year = ReportingYear.containing(period.start)
    siblings = year.quarters() if period.kind == "quarter" else year.months()
    index = [p.key for p in siblings].index(period.key)
    if index > 0:
        return siblings[index - 1]
    earlier = year.previous
    return (earlier.quarters() if period.kind == "quarter" else earlier.months())[-1]


def periods_to_date(period: Period) -> list[Period]:
    """The quarters (or months) of the reporting year up to and including ``period``."""
    year = ReportingYear.containing(period.start)
    siblings = year.quarters() if period.kind == "quarter" else year.months()
    return [p for p in siblings if p.start <= period.start]


def committee_sections(measures: Measures, ytd: Measures, period: Period) -> list[Section]:
    """The pack's sections: key figures, timeliness trend, open-complaint ageing, themes."""
    year = ReportingYear.containing(period.start)
    before = previous_period(period)
    ytd_key = f"{year.key}-YTD"
    both = Measures(
        measures.frame.vstack(ytd.frame.select(measures.frame.columns))
        if ytd.frame.height
        else measures.frame
    )
    key = Section("key-figures", "Key figures")
    key.text(
        f"{period.label}, the {'quarter' if period.kind == 'quarter' else 'month'} before, and the "
        f"year to date ({year.start:%d %B %Y} to {period.end:%d %B %Y}). Year-to-date rates add "
        "the periods' numerators and denominators; medians are not combined."
    )
    columns = [(period.label, period)]
    if before is not None:
        columns.append((before.label, before))
    columns.append(("Year to date", ytd_key))
    key.add_table(
        metric_table(
            "tbl-committee-key", f"Key figures, {period.label}", both, KEY_METRICS, columns
        ),
        empty="No figures for this period in the measures table.",
    )

    trend = Section("trend", "Timeliness month by month, year to date")
    # The year's month rows, cut at the period end: the trend shows the year to date only.
    last_month = period.end.strftime("%Y-%m")
    to_date = Measures(
        both.frame.filter(
            (pl.col("breakdown") != "month") | (pl.col("breakdown_value") <= last_month)
        )
    )
    trend_block(
        trend,
        "committee-timeliness",
        "Stage 1 complaints answered in time by month",
        to_date,
        year,
        [
            Metric("Regulator view", "response_in_time_1", view="regulator"),
            Metric("Management view", "response_in_time_1", view="management"),
        ],
        y_label="Answered in time (%)",
        percent=True,
        summary="Stage 1 responses in time each month so far this year, regulator view (Code "
        "extension limit) and management view (our policy).",
    )

    ageing = Section("ageing", "Open complaints: ageing")
    ageing.text(
        f"Complaints open at {period.end:%d %B %Y} (or the data cut, if earlier), by working days "
        "since they were received, and those past their deadline."
    )
    for stage in (1, 2):
        breakdown_block(
            ageing,
            f"open-{stage}",
            f"Open stage {stage} complaints by working days since received",
            measures,
            f"open_{stage}",
            period,
            "band",
            heading="Working days open",
            value_heading="Complaints",
            sort_by_value=False,
            empty=f"No open stage {stage} complaints recorded.",
        )
        breakdown_block(
            ageing,
            f"overdue-{stage}",
            f"Open stage {stage} complaints past their deadline",
            measures,
            f"overdue_{stage}",
            period,
            "band",
            heading="Working days overdue",
            value_heading="Complaints",
            sort_by_value=False,
        )

    themes = Section("themes", "Where complaints came from")
    breakdown_block(
        themes,
        "committee-area",
        f"Stage 1 complaints by service area, {period.label}",
        measures,
        "received_1",
        period,
        "service_area",
        heading="Service area",
        value_heading="Complaints",
        chart_summary="Stage 1 complaints by service area this period: {top} had the most "
        "({top_value}).",
        empty="No stage 1 complaints this period.",
    )
    breakdown_block(
        themes,
        "committee-outcome",
        f"Stage 1 outcomes, {period.label} (%)",
        measures,
        "outcome_1",
        period,
        "outcome",
        heading="Outcome",
        value_heading="Share (%)",
    )
    return [key, trend, ageing, themes]
