"""The committee pack: one month or quarter for the people who oversee complaint handling.

Seed 002 reports quarterly to its Audit and Compliance Sub-committee; seed 004's senior managers
meet monthly; seeds 000 and 003 report regularly to their boards and Member Responsible for
Complaints. The pack answers what they ask: how we did against our own targets and what needs
attention (red/amber/green and an exceptions list), volumes against the same period last year,
stage 1 and stage 2 timeliness, complaints open past their deadline, Ombudsman cases in progress,
overdue service improvements and promised actions, England and Scotland apart (with the ARC
indicators) for a landlord with both, and TP09 for a quarter with survey responses.

Every figure is a row of the ``measures`` table, read through :class:`Measures`: the period's own
rows, the same period last year's, and year-to-date rows combined from the periods so far
(numerators and denominators added, :func:`pipeline.reporting.data.year_to_date`). The pack is for
the committee, not the website, so counts are not suppressed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import duckdb
import polars as pl

from pipeline.config import Landlord
from pipeline.periods import (
    Period,
    ReportingYear,
    last_day_known,
    same_period_last_year,
    to_data_cut,
    year_to_date_label,
)
from pipeline.reporting.annual import (
    ReportContext,
    joined_notes,
    money_not_recorded_note,
    raised_late_unknown_note,
)
from pipeline.reporting.blocks import (
    NOT_AVAILABLE,
    Metric,
    Section,
    breakdown_block,
    for_regimes,
    metric_table,
    shown,
    trend_block,
)
from pipeline.reporting.code_scope import HOUSING_OMBUDSMAN_ONLY, code_applies
from pipeline.reporting.committee_cut import after_data_cut_section
from pipeline.reporting.committee_volumes import (  # noqa: F401 (re-exported)
    NONE_RECORDED,
    VOLUME_METRICS,
    breakdown_comparison,
    volumes_section,
    ytd_key,
)
from pipeline.reporting.data import Measures, query_frame, table_exists, year_to_date
from pipeline.reporting.labels import (
    HANDLING_NAMES,
    MEASURE_NAMES,
    ack_name,
    arc_name,
    handling_definitions,
    in_time_name,
    label,
    shown_text,
)
from pipeline.reporting.precision import margin_text
from pipeline.reporting.regime_blocks import (
    has_both_regimes,
    regime_band_table,
    regime_trend_blocks,
)
from pipeline.reporting.tables import data_table
from pipeline.reporting.targets import targets_section

# Received, acknowledged and answered: the core every governance document shows (the volumes,
# VOLUME_METRICS, are in committee_volumes).
TIMELINESS_METRICS = (
    [Metric(ack_name(n), f"ack_in_time_{n}") for n in (1, 2)]
    + [
        Metric(in_time_name(n, view), f"response_in_time_{n}", view=view)
        for n in (1, 2)
        for view in ("regulator", "management")
    ]
    + [
        Metric(f"Stage {n} mean working days to response", f"wd_to_response_mean_{n}")
        for n in (1, 2)
    ]
)

HANDLING_METRICS = TIMELINESS_METRICS + [
    Metric("Resolved at stage 1 (%)", "resolved_stage1"),
    Metric("Resolved at stage 2 (%)", "resolved_stage2"),
    Metric("Stage at which most complaints were resolved", "stage_most_resolutions"),
    Metric(HANDLING_NAMES["escalation_late_requested"], "escalation_late_requested"),
    Metric(HANDLING_NAMES["complaints_raised_late"], "complaints_raised_late"),
    Metric(HANDLING_NAMES["refused_1"], "refused_1"),
    Metric(HANDLING_NAMES["refused_2"], "refused_2"),
    Metric("Compensation paid", "compensation_paid_gbp"),
    Metric(HANDLING_NAMES["promised_actions_on_time"], "promised_actions_on_time"),
    Metric(HANDLING_NAMES["learning_actions_completed"], "learning_actions_completed"),
]

# Positions at the period end (the year-to-date column repeats the period's own figure).
POSITION_METRICS = [
    Metric("Stage 1 complaints open", "open_1"),
    Metric("Stage 1 complaints open past their deadline", "overdue_1"),
    Metric("Stage 2 complaints open", "open_2"),
    Metric("Stage 2 complaints open past their deadline", "overdue_2"),
    Metric("Ombudsman cases in progress", "open_ombudsman_cases"),
    Metric("Service improvements overdue", "overdue_learning_actions"),
    Metric("Actions promised to complainants overdue", "overdue_promised_actions"),
]

OMBUDSMAN_METRICS = [
    Metric(HANDLING_NAMES["ombudsman_referred"], "ombudsman_referred"),
    Metric(HANDLING_NAMES["ombudsman_determinations"], "ombudsman_determinations"),
    Metric(HANDLING_NAMES["ombudsman_findings"], "ombudsman_findings"),
    Metric(HANDLING_NAMES["ombudsman_maladministration_rate"], "ombudsman_maladministration_rate"),
    Metric(HANDLING_NAMES["ombudsman_orders_complied"], "ombudsman_orders_complied"),
    Metric(HANDLING_NAMES["chfo_issued"], "chfo_issued"),
]

# Code 9.7(c): progress in complying with the Ombudsman's orders, at the period end (positions:
# one column, as the open complaints). "of which past their due date" is a known 0, never missing.
ORDER_POSITION_METRICS = [
    Metric("Ombudsman orders outstanding", "ombudsman_orders_outstanding"),
    Metric("of which past their due date", "ombudsman_orders_outstanding", "status", "overdue"),
    Metric("Complaint Handling Failure Orders not yet complied with", "chfo_outstanding"),
]

REGIME_METRICS = (
    VOLUME_METRICS
    + TIMELINESS_METRICS
    + [
        Metric(HANDLING_NAMES["escalation_rate"], "escalation_rate"),
        Metric(HANDLING_NAMES["refused_1"], "refused_1"),
    ]
)

# Shown the same way in the annual report (annual_sections) and the committee pack.
ARC_METRICS = [
    Metric(arc_name(measure, n), f"{measure}_{n}", view="regulator")
    for n in (1, 2)
    for measure in ("ARC_3", "ARC_3_in_time", "ARC_4")
]
# Indicator 4 and the mean working days to response can show the same figure under two names;
# said once, under the ARC table of every document that has one.
ARC_NOTE = (
    "Indicator 4 averages the working days to a full response, so a complaint withdrawn after its "
    "answer is left out; the mean working days to response shown with the other timeliness "
    "figures counts every answer sent. The two are equal unless a Scottish complaint was withdrawn."
)

# Scotland: a serious complaint about senior staff is a notifiable event, which the Scottish Housing
# Regulator must be told of immediately (seed 003 s21.2). Named as the annual report names them.
NOTIFIABLE_METRICS = [
    Metric("Notifiable events: serious complaints about senior staff", "notifiable_events"),
    Metric(
        "Notifiable events reported to the Scottish Housing Regulator (%)",
        "notifiable_events_notified",
    ),
]

SURVEY_METRICS = [
    Metric(HANDLING_NAMES["complainant_survey_response_rate"], "complainant_survey_response_rate"),
    Metric(
        HANDLING_NAMES["complainant_satisfaction_timeliness"], "complainant_satisfaction_timeliness"
    ),
    Metric(
        HANDLING_NAMES["complainant_satisfaction_fairness"], "complainant_satisfaction_fairness"
    ),
    Metric(HANDLING_NAMES["complainant_satisfaction_outcome"], "complainant_satisfaction_outcome"),
]


def metric_names(regimes: Iterable[str] = ("eng",)) -> dict[tuple[str, str | None], str]:
    """Names a target takes when landlord.yaml gives it no label: the pack's own metric labels,
    as its complaint-handling table names them for a landlord in ``regimes``. A target on every
    answer sent (``response_in_time_n``, regulator view) of a landlord in both countries counts
    Scottish answers too: it is named by the Code's and the SPSO's limits, never "the Code's"
    alone, which the annual report gives England's own (different) figure."""
    return {
        (m.measure, m.view): m.label
        for m in for_regimes(HANDLING_METRICS, regimes)
        + POSITION_METRICS
        + OMBUDSMAN_METRICS
        + SURVEY_METRICS
        + NOTIFIABLE_METRICS
    }


METRIC_NAMES = metric_names()


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


def with_year_to_date(measures: Measures, period: Period) -> Measures:
    """``measures`` plus year-to-date rows to ``period`` and to the same period last year.

    Year-to-date rows add the periods' numerators and denominators (design.md s6, never averaged
    rates); positions at a date (open, overdue, in progress) take the last period's row.
    """
    last_year = same_period_last_year(period)
    extra = [
        year_to_date(measures, periods_to_date(p), ytd_key(p)).frame for p in (period, last_year)
    ]
    frames = [measures.frame] + [f.select(measures.frame.columns) for f in extra if f.height]
    return Measures(pl.concat(frames, how="vertical_relaxed"))


def tp09_quarter(period: Period) -> Period | None:
    """The quarter whose TP09 the pack shows: the pack's quarter, or the quarter a month closes.

    TSM surveys run in waves; a month's handful of answers is not a result, so a monthly pack
    shows TP09 only in the month that ends a quarter.
    """
    year = ReportingYear.containing(period.start)
    return next((q for q in year.quarters() if q.end == period.end), None)


# --- the other sections --------------------------------------------------------------------------


def handling_section(
    con: duckdb.DuckDBPyConnection, landlord: Landlord, measures: Measures, period: Period
) -> Section:
    section = Section("handling", "Complaint handling")
    before = previous_period(period)
    year = ReportingYear.containing(period.start)
    columns = [(period.label, period)]
    if before is not None:
        columns.append((before.label, before))
    columns.append((year_to_date_label(period), ytd_key(period)))
    section.text(
        f"{period.label}, the {period.kind} before and the year to date ({year.start:%-d %B %Y} to "
        f"{last_day_known(period):%-d %B %Y}). {handling_definitions(landlord.regimes, 'period')} Year-to-date rates add "
        "the periods' numerators and denominators."
    )
    stock = ReportContext(con, landlord, year, measures, False).headline_stock_type()
    tsm = [
        # the annual report's names (its timeliness table): one name per figure
        Metric(
            f"{MEASURE_NAMES[f'CH02_{n}']}, {label(stock)} (%)",
            f"CH02_{n}",
            "stock_type",
            stock,
            "regulator",
        )
        for n in (1, 2)
    ] + [
        Metric(
            f"{MEASURE_NAMES[f'CH01_{n}']}: {label(stock)}",
            f"CH01_{n}",
            "stock_type",
            stock,
            "regulator",
        )
        for n in (1, 2)
    ]
    section.add_table(
        metric_table(
            "tbl-committee-handling",
            f"Complaint handling, {period.label}",
            measures,
            for_regimes(HANDLING_METRICS, landlord.regimes) + tsm,
            columns,
            note=joined_notes(
                raised_late_unknown_note(measures, columns),
                money_not_recorded_note(measures, columns),
            ),
        ),
        empty="No figures for this period in the measures table.",
    )
    carried = measures.get("stock_previous_year_end", year)
    if carried is not None and carried["value"] == 1:
        section.note(
            f"Complaints per 1,000 homes divide by the homes owned at "
            f"{year.start - dt.timedelta(days=1):%-d %B %Y}, the latest count: the count at "
            f"{year.end:%-d %B %Y} is taken when the year ends."
        )
    notifiable_block(section, landlord, measures, period)
    provisional = measures.get("resolved_stage1_provisional", period)
    if provisional is not None and provisional["value"] == 1:
        section.note(
            "Resolved at stage 1 is provisional: some residents can still ask for stage 2."
        )
    quarter = tp09_quarter(period)
    if quarter is not None:
        tp09 = tp09_table(measures, quarter)
        if tp09 is not None:
            section.add_table(tp09)
        else:
            section.note(
                f"No TSM survey responses were dated in {quarter.label}, so TP09 is not shown."
            )
    if landlord.complainant_survey != "none":
        section.add_table(
            metric_table(
                "tbl-committee-survey",
                f"Complainant surveys, {period.label}",
                measures,
                SURVEY_METRICS,
                columns,
            ),
            empty="No complainant surveys were sent or returned this period.",
        )
    return section


def notifiable_block(
    section: Section, landlord: Landlord, measures: Measures, period: Period
) -> None:
    """Notifiable events in the period and the year to date, and the share reported to the
    Scottish Housing Regulator, for a landlord with Scottish homes (or any recorded elsewhere).

    Shown even when there were none: the committee is the check that each one was reported, so
    "0" is an answer it needs to see. One not reported is also in the exceptions list.
    """
    columns = [(period.label, period), (year_to_date_label(period), ytd_key(period))]
    recorded = any(
        (row := measures.get("notifiable_events", key)) is not None and (row["value"] or 0) > 0
        for _, key in columns
    )
    if "sct" not in landlord.regimes and not recorded:
        return
    section.add_table(
        metric_table(
            "tbl-committee-notifiable",
            f"Notifiable events (Scotland), {period.label}",
            measures,
            NOTIFIABLE_METRICS,
            columns,
            note="A serious complaint about senior staff in Scotland is a notifiable event: the "
            "Scottish Housing Regulator must be told immediately. Reported: the date it was told "
            "is recorded. [U]: no notifiable event, so no percentage.",
        ),
        empty=f"Notifiable events: {NOT_AVAILABLE}.",
    )


def tp09_table(measures: Measures, quarter: Period):
    """TP09 per stock type for a quarter with respondents, else None (no survey wave that quarter)."""
    records = []
    for stock in ("lcra", "lcho", "combined"):
        respondents = measures.get("TP09_respondents", quarter, "stock_type", stock, "regulator")
        if respondents is None or not respondents["value"]:
            continue
        tp09 = measures.get("TP09", quarter, "stock_type", stock, "regulator")
        moe = measures.get("TP09_margin_of_error", quarter, "stock_type", stock, "regulator")
        records.append(
            [
                label(stock),
                shown(tp09),
                shown(respondents),
                margin_text(tp09, moe, respondents),
            ]
        )
    if not records:
        return None
    return data_table(
        "tbl-committee-tp09",
        f"Tenant satisfaction with complaint handling (TP09), {quarter.label}",
        pl.DataFrame(
            records,
            schema=["Stock type", "TP09 (%)", "Respondents", "Margin of error (points, 95%)"],
            orient="row",
        ),
        note="TSM survey responses dated in the quarter from tenants who had complained in the "
        "last 12 months; the year's TP09 for the return adds the year's responses.",
    )


def regimes_section(measures: Measures, period: Period) -> Section:
    """England and Scotland side by side (Housing Ombudsman Code / SPSO model), with ARC."""
    section = Section("regimes", "England and Scotland")
    section.text(
        "Complaints in England follow the Housing Ombudsman's Complaint Handling Code; in "
        "Scotland, the SPSO model procedure (stage 1 answered in 5 working days, with no "
        "acknowledgement step). Each country's figures are judged against its own limits."
    )
    records = []
    for metric in for_regimes(REGIME_METRICS, ("eng", "sct")):  # one row for both columns
        cells = [
            measures.get(metric.measure, period, "regime", regime, metric.view)
            for regime in ("eng", "sct")
        ]
        if any(cell is not None for cell in cells):
            texts = [NONE_RECORDED if cell is None else shown(cell) for cell in cells]
            if metric.measure == "ack_in_time_1" and cells[1] is None:
                texts[1] = "no acknowledgement step"
            records.append([metric.label, *texts])
    frame = pl.DataFrame(records, schema=["Measure", "England", "Scotland"], orient="row")
    section.add_table(
        data_table(
            "tbl-committee-regimes",
            f"England and Scotland, {period.label}",
            frame,
            note=f"{NONE_RECORDED}: none recorded in that country this period.",
        ),
        empty="No figures by regime for this period.",
    )
    section.add_table(
        metric_table(
            "tbl-committee-arc",
            "Scottish Housing Regulator ARC complaint indicators (Scottish complaints)",
            measures,
            ARC_METRICS,
            [(period.label, period), (year_to_date_label(period), ytd_key(period))],
            note=ARC_NOTE,
        ),
        empty=f"ARC indicators: {NOT_AVAILABLE}.",
    )
    return section


def trend_section(measures: Measures, period: Period, both_regimes: bool = False) -> Section:
    section = Section("trend", "Timeliness month by month, year to date")
    year = ReportingYear.containing(period.start)
    if both_regimes:
        months = [month for month in year.months() if month.end <= period.end]
        for stage in (1, 2):
            regime_trend_blocks(
                section,
                f"committee-timeliness-{stage}",
                stage,
                measures,
                months,
                when="each month so far this year",
            )
        return section
    # The year's month rows cut at the period end: the trend shows the year to date only.
    last_month = period.end.strftime("%Y-%m")
    to_date = Measures(
        measures.frame.filter(
            (pl.col("breakdown") != "month") | (pl.col("breakdown_value") <= last_month)
        )
    )
    for stage in (1, 2):
        trend_block(
            section,
            f"committee-timeliness-{stage}",
            f"Stage {stage}: all answers sent in time, by month",
            to_date,
            year,
            [
                Metric("Code's time limits", f"response_in_time_{stage}", view="regulator"),
                Metric("Our policy's time limits", f"response_in_time_{stage}", view="management"),
            ],
            y_label="Answered in time (%)",
            percent=True,
            summary=f"All stage {stage} answers sent in time each month so far this year, against "
            "the Code's time limits and against our policy's.",
        )
    return section


def open_section(
    measures: Measures, period: Period, as_of: dt.date, both_regimes: bool = False
) -> Section:
    section = Section("open", "Open and overdue complaints")
    section.text(
        f"Positions on {as_of:%-d %B %Y}: complaints open by working days since they were "
        "received, and those past their deadline under our policy by working days overdue."
    )
    section.add_table(
        metric_table(
            "tbl-committee-open",
            f"Open complaints and overdue actions on {as_of:%-d %B %Y}",
            measures,
            POSITION_METRICS,
            [(period.label, period)],
        )
    )
    for stage in (1, 2):
        if both_regimes:
            _open_by_regime(section, measures, period, stage)
            continue
        breakdown_block(
            section,
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
            section,
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
    return section


def _open_by_regime(section: Section, measures: Measures, period: Period, stage: int) -> None:
    """The ageing of open and overdue stages with England and Scotland apart (issue 21)."""
    regime_band_table(
        section,
        f"open-{stage}-regime",
        f"Open stage {stage} complaints by working days since received, England and Scotland",
        measures,
        f"open_{stage}",
        period,
        heading="Working days open",
        total=f"All open stage {stage} complaints",
        empty=f"No open stage {stage} complaints recorded.",
    )
    regime_band_table(
        section,
        f"overdue-{stage}-regime",
        f"Open stage {stage} complaints past their deadline, England and Scotland",
        measures,
        f"overdue_{stage}",
        period,
        heading="Working days overdue",
        total=f"All overdue stage {stage} complaints",
    )


def overdue_improvements(
    con: duckdb.DuckDBPyConnection, landlord_id: str, as_of: dt.date
) -> pl.DataFrame:
    """Service improvements past their due date and not completed on ``as_of``: the rule of the
    ``overdue_learning_actions`` measure, listed (theme, what, due) for the committee to chase."""
    if not table_exists(con, "learning_action"):
        return pl.DataFrame()
    frame = query_frame(
        con,
        """
        select theme as "Theme", description as "Improvement",
               strftime(due_date, '%-d %B %Y') as "Due"
        from learning_action
        where landlord_id = ? and due_date < ?
          and coalesce(completed_date, date '9999-12-31') > ?
        order by due_date, theme, action_ref
        """,
        [landlord_id, as_of, as_of],
    )
    return frame.with_columns(shown_text("Improvement")) if frame.height else frame


def ombudsman_section(
    con: duckdb.DuckDBPyConnection,
    landlord: Landlord,
    measures: Measures,
    period: Period,
    as_of: dt.date,
) -> Section:
    section = Section("ombudsman", "Ombudsman cases and overdue actions")
    # Complaint Handling Failure Orders are the Housing Ombudsman's, under the Code: none for a
    # landlord in Scotland alone (pipeline/reporting/code_scope.py)
    metrics = [
        m
        for m in OMBUDSMAN_METRICS
        if code_applies(landlord.regimes) or m.measure not in HOUSING_OMBUDSMAN_ONLY
    ]
    section.add_table(
        metric_table(
            "tbl-committee-ombudsman",
            f"Ombudsman casework, {period.label}",
            measures,
            metrics,
            [(period.label, period), (year_to_date_label(period), ytd_key(period))],
        ),
        empty="No Ombudsman casework recorded.",
    )
    breakdown_block(
        section,
        "committee-ombudsman-open",
        f"Ombudsman cases in progress on {as_of:%-d %B %Y}, by body",
        measures,
        "open_ombudsman_cases",
        period,
        "body",
        heading="Body",
        value_heading="Cases in progress",
        empty="No Ombudsman cases in progress.",
    )
    section.add_table(
        metric_table(
            "tbl-committee-orders",
            f"Ombudsman orders outstanding on {as_of:%-d %B %Y}",
            measures,
            ORDER_POSITION_METRICS,
            [(period.label, period)],
        )
    )
    overdue = overdue_improvements(con, landlord.landlord_id, as_of)
    count = measures.get("overdue_learning_actions", period)
    if overdue.height:
        section.add_table(
            data_table(
                "tbl-committee-overdue-improvements",
                f"Service improvements past their due date on {as_of:%-d %B %Y} ({shown(count)})",
                overdue,
                align_right=["Due"],
            )
        )
    else:
        section.note("No service improvement is past its due date.")
    breakdown_block(
        section,
        "committee-overdue-promised",
        f"Actions promised to complainants past their due date on {as_of:%-d %B %Y}, by stage",
        measures,
        "overdue_promised_actions",
        period,
        "stage",
        heading="Stage",
        value_heading="Actions overdue",
        empty="No promised action is past its due date.",
    )
    return section


def themes_section(measures: Measures, period: Period) -> Section:
    section = Section("themes", "Where complaints came from")
    breakdown_block(
        section,
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
        section,
        "committee-category",
        f"Stage 1 complaints by category, {period.label}",
        measures,
        "received_1",
        period,
        "category",
        heading="Category",
        value_heading="Complaints",
    )
    breakdown_block(
        section,
        "committee-root-cause",
        f"Root causes recorded, {period.label}",
        measures,
        "root_cause",
        period,
        "root_cause",
        heading="Root cause",
        value_heading="Complaints",
    )
    breakdown_block(
        section,
        "committee-outcome",
        f"Stage 1 outcomes, {period.label} (%)",
        measures,
        "outcome_1",
        period,
        "outcome",
        heading="Outcome",
        value_heading="Share (%)",
    )
    return section


def as_of_date(period: Period, data_cut: dt.date) -> dt.date:
    """The date positions are counted at: the period end, or the data cut when earlier (the rule of
    the open, overdue and in-progress measures)."""
    return min(period.end, data_cut)


def committee_sections(
    con: duckdb.DuckDBPyConnection,
    landlord: Landlord,
    measures: Measures,
    period: Period,
    data_cut: dt.date,
) -> list[Section]:
    """The pack's sections for ``period`` (a month or a quarter).

    Parameters
    ----------
    con
        The landlord's DuckDB (read only): the overdue improvements list reads ``learning_action``.
    landlord
        landlord.yaml: targets, regimes, complainant surveys.
    measures
        The landlord's measure rows from the start of the previous reporting year to the end of
        this one, with :func:`with_year_to_date` rows added.
    period
        The month or quarter.
    data_cut
        The date the exports were taken (positions are counted at the earlier of it and the
        period end).
    """
    if period.kind not in ("month", "quarter"):
        raise ValueError(f"committee pack period '{period.key}' must be a quarter or a month")
    if period.start > data_cut:
        return [after_data_cut_section(period, data_cut)]
    # headings then name how far the data reaches ("Q1 2026/27 to 30 April 2026")
    period = to_data_cut(period, data_cut)
    as_of = as_of_date(period, data_cut)
    sections = [
        targets_section(
            measures, landlord, period, ytd_key(period), as_of, metric_names(landlord.regimes)
        ),
        volumes_section(measures, period),
        handling_section(con, landlord, measures, period),
    ]
    both = has_both_regimes(landlord)
    if both:
        sections.append(regimes_section(measures, period))
    sections += [
        trend_section(measures, period, both),
        open_section(measures, period, as_of, both),
        ombudsman_section(con, landlord, measures, period, as_of),
        themes_section(measures, period),
    ]
    return sections
