"""The sections of the annual complaints performance and service-improvement report (Code 8.1).

Each ``_section_*`` function reads figures from :class:`Measures` (and a few small published tables:
Ombudsman publications, learning actions, the ingest ledger) and returns a :class:`Section`. The
order follows design.md section 7.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from pipeline.config import Landlord, describe_window
from pipeline.periods import Period, ReportingYear, to_data_cut
from pipeline.reporting import suppression
from pipeline.reporting.blocks import (
    NONE_RECORDED,
    NOT_AVAILABLE,
    Metric,
    Section,
    breakdown_block,
    metric_table,
    noun,
    pivot_block,
    shown,
    shown_in_group,
    trend_block,
)
from pipeline.reporting.commentary import compare
from pipeline.reporting.data import Measures, query_frame, table_exists
from pipeline.reporting.labels import (
    HANDLING_NAMES,
    MEASURE_NAMES,
    RECEIVED_NAMES,
    ack_name,
    equality_name,
    handling_definitions,
    in_sentence,
    in_time_name,
    label,
    open_at_cut_note,
    tsm_coverage_note,
)
from pipeline.reporting.precision import precision_sentence, reliable
from pipeline.reporting.regime_blocks import REGIMES, has_both_regimes, regime_volume_blocks
from pipeline.reporting.sector import (
    SECTOR_COLUMNS,
    sector_attribution,
    sector_caption,
    sector_cells,
    sector_source,
    sector_year,
)
from pipeline.reporting.tables import data_table, with_separators
from pipeline.reporting.trace import plain
from pipeline.returns import reported_stock_types
from pipeline.sources.fields import RULE_TEXT

HEADLINE = ("CH01_1", "CH01_2", "CH02_1", "CH02_2", "TP09")
OUTCOME_ORDER = ["upheld", "partially_upheld", "not_upheld", "withdrawn", "discontinued"]


@dataclass
class ReportContext:
    """What every section needs: the landlord, the year, its figures and the connection."""

    con: duckdb.DuckDBPyConnection
    landlord: Landlord
    year: ReportingYear
    measures: Measures
    published: bool

    @property
    def previous(self) -> ReportingYear:
        return self.year.previous

    @property
    def years(self) -> list[tuple[str, Period]]:
        return [(f"{self.year.label}", self.year), (f"{self.previous.label}", self.previous)]

    def headline_stock_type(self) -> str:
        """The stock type every document headlines: the one the landlord's TSM return reports
        (``pipeline.returns.reported_stock_types``: combined for a landlord with under 1,000 homes
        of each type, LCRA when it reports LCRA), so the headline is the figure the RSH publishes
        (docs/measures.md "Which figure each document headlines")."""
        return headline_stock_type(self.measures, self.year)


def headline_stock_type(measures: Measures, year: Period) -> str:
    """See :meth:`ReportContext.headline_stock_type`."""
    found = {}
    for measure, view in (("stock_units", "all"), ("CH01_1", "regulator")):
        rows = measures.breakdown(measure, year, "stock_type", view)
        for row in rows.iter_rows(named=True):
            found[(measure, row["breakdown_value"], row["view"])] = row
    reported = reported_stock_types(found)
    for candidate in ("combined", "lcra", "lcho"):
        if candidate in reported:
            return candidate
    values = {key[1] for key in found}
    return next((c for c in ("lcra", "combined", "lcho") if c in values), "lcra")


def _benchmark(ctx: ReportContext, measure: str, stock_type: str, stat: str, view: str):
    return ctx.measures.get(f"benchmark_{measure}_{stat}", ctx.year, "stock_type", stock_type, view)


def executive_summary(ctx: ReportContext) -> tuple[Section, list[dict]]:
    """The two-minute summary: headline TSMs against last year and the sector, in words and a table.

    Returns the section and the headline rows (measure, stock type, display) for tests and the PDF
    check that the printed figures equal the measures table.
    """
    section = Section("summary", "Executive summary")
    stock = ctx.headline_stock_type()
    sentences, headline, records = [], [], []

    def tp09_row(measure: str) -> dict | None:
        return ctx.measures.get(measure, ctx.year, "stock_type", stock, "regulator")

    from pipeline.measures import resolve_data_cut

    # a year the data cut falls in counts only to the cut: not judged against whole years
    cut = resolve_data_cut(ctx.landlord)
    to_cut = f"{cut:%-d %B %Y}" if ctx.year.start <= cut < ctx.year.end else None
    for measure in HEADLINE:
        current = ctx.measures.get(measure, ctx.year, "stock_type", stock, "regulator")
        previous = ctx.measures.get(measure, ctx.previous, "stock_type", stock, "regulator")
        median = _benchmark(ctx, measure, stock, "median", "sector_all")
        position = _benchmark(ctx, measure, stock, "position", "sector_all")
        peers = _benchmark(ctx, measure, stock, "n", "sector_all")
        year = sector_year(ctx)
        # Every sector comparison says which RSH data and how many landlords (issue 16 point 6).
        basis = (
            None
            if year is None or year["value"] is None
            else f"RSH {year['display']} data"
            + ("" if peers is None else f", {shown(peers)} landlords")
        )
        sentences.append(
            compare(
                measure,
                current,
                previous,
                None if median is None else median["value"],
                None if position is None else position["display"],
                basis,
                # a TP09 change inside the survey's margin is not called better or worse (only
                # where the summary quotes that margin: enough respondents for one)
                margin=tp09_row("TP09_margin_of_error")
                if measure == "TP09" and reliable(current, tp09_row("TP09_respondents"))
                else None,
                to_cut=to_cut,
            )
        )
        headline.append({"measure": measure, "stock_type": stock, "display": plain(shown(current))})
        records.append(
            [
                MEASURE_NAMES[measure],
                shown(current),
                shown(previous),
                # medians with the landlords compared, and the position (pipeline.reporting.sector)
                *sector_cells(ctx, measure, stock),
            ]
        )

    # TP09's own margin, then the RSH's verdict from its own row (TP09_meets_rsh_precision: the
    # whole survey's margin), so the summary says what the TP09 table's "Whole survey precision" says.
    precision = precision_sentence(
        tp09=tp09_row("TP09"),
        moe=tp09_row("TP09_margin_of_error"),
        respondents=tp09_row("TP09_respondents"),
        required=tp09_row("TP09_required_precision"),
        survey_margin=tp09_row("TP09_survey_margin_of_error"),
        survey_meets=tp09_row("TP09_meets_rsh_precision"),
    )
    if precision:
        sentences[-1] += f" {precision}"
    provisional = ctx.measures.get("resolved_stage1_provisional", ctx.year)
    resolved = ctx.measures.get("resolved_stage1", ctx.year)
    if resolved is not None:
        # resolved_stage1 is a share of the stage 1 answers sent in the year (not of the complaints
        # received) and counts those not escalated to stage 2: say both (docs/measures.md)
        text = (
            f"{shown(resolved)}% of the complaints we answered at stage 1 in "
            f"{to_data_cut(ctx.year, cut).label} were resolved at stage 1: not escalated to "
            "stage 2 by the data cut"
        )
        if provisional is not None and provisional["value"] == 1:
            text += " (provisional: some residents can still ask for stage 2)"
        sentences.append(text + ".")
    received = ctx.measures.get("complaints_received", ctx.year)
    if received is not None:
        complaints = noun(received, "complaint", "complaints")
        year = to_data_cut(ctx.year, cut).label  # "2026/27 to 30 April 2026" for a year to date
        sentences.insert(0, f"We received {shown(received)} {complaints} in {year}.")
    section.text(f"Figures for {in_sentence(label(stock))} homes. {sector_source(ctx)}")
    section.bullets(sentences)

    columns = [
        ("This year", ctx.year),
        ("Last year", ctx.previous),
    ]
    frame = pl.DataFrame(
        records,
        schema=[
            "Measure",
            *(c for c, _ in columns),
            *SECTOR_COLUMNS,
        ],
        orient="row",
    )
    section.add_table(
        data_table(
            "tbl-headline",
            f"Headline measures, {label(stock)}: {ctx.year.label} against {ctx.previous.label} "
            f"and the sector ({sector_caption(ctx)})",
            frame,
            note="CH01 per 1,000 homes; CH02 and TP09 in per cent. [U]: cannot be calculated "
            "(zero denominator).",
            align_right=["This year", "Last year", *SECTOR_COLUMNS[:2]],
        )
    )
    for text in sector_attribution(ctx):
        section.note(text)
    if ctx.measures.breakdown("CH01_1", ctx.year, "stock_type").height > 1:
        _tsm_by_stock_type(ctx, section)
    return section, headline


def _tsm_by_stock_type(ctx: ReportContext, section: Section) -> None:
    metrics = [
        Metric(f"{MEASURE_NAMES[m]}: {label(s)}", m, "stock_type", s, "regulator")
        for m in HEADLINE
        for s in ("lcra", "lcho", "combined")
    ]
    section.add_table(
        metric_table(
            "tbl-tsm-stock",
            "Tenant satisfaction measures by stock type",
            ctx.measures,
            metrics,
            [(label_, period) for label_, period in ctx.years],
        )
    )


def _none_recorded(m: Measures, measure: str, period, what: str) -> str:
    """What an empty breakdown says: none recorded when the measure's total is 0, else that
    the figure is not available (the measure has no row)."""
    total = m.get(measure, period)
    if total is not None and total["value"] == 0:
        return f"{what}: none recorded in {period.label}."
    return f"{what}: {NOT_AVAILABLE}."


def _volume_metrics(landlord: Landlord) -> list[Metric]:
    """Complaints received, and for a landlord in England and Scotland each country's part too
    (a total of complaints is meaningful; their timeliness is judged per country)."""
    regimes = REGIMES if has_both_regimes(landlord) else ()
    return [
        metric
        for measure, text in RECEIVED_NAMES.items()
        for metric in [
            Metric(text, measure),
            *(Metric(f"{text}: {label(r)}", measure, "regime", r) for r in regimes),
        ]
    ]


def volumes(ctx: ReportContext) -> Section:
    section = Section("volumes", "Complaint volumes and themes")
    m, y = ctx.measures, ctx.year
    section.add_table(
        metric_table(
            "tbl-volumes",
            "Complaints received",
            m,
            _volume_metrics(ctx.landlord),
            ctx.years,
        ),
        empty=f"Complaints received: {NOT_AVAILABLE}.",
    )
    breakdown_block(
        section,
        "received-area",
        "Stage 1 complaints by service area",
        m,
        "received_1",
        y,
        "service_area",
        heading="Service area",
        value_heading="Complaints",
        chart_summary="Stage 1 complaints by service area: {top} had the most ({top_value}) "
        "of {n} areas.",
    )
    breakdown_block(
        section,
        "received-category",
        "Stage 1 complaints by category",
        m,
        "received_1",
        y,
        "category",
        heading="Category",
        value_heading="Complaints",
        chart_summary="Stage 1 complaints by category: the largest category was {top} "
        "({top_value}) of {n} categories.",
    )
    breakdown_block(
        section,
        "received-channel",
        "Stage 1 complaints by channel",
        m,
        "received_1",
        y,
        "channel",
        heading="Channel",
        value_heading="Complaints",
    )
    breakdown_block(
        section,
        "received-agent",
        "Stage 1 complaints by who handled them",
        m,
        "received_1",
        y,
        "managing_agent",
        heading="Handled by",
        value_heading="Complaints",
    )
    breakdown_block(
        section,
        "root-cause",
        "Root causes recorded",
        m,
        "root_cause",
        y,
        "root_cause",
        heading="Root cause",
        value_heading="Complaints",
    )
    if has_both_regimes(ctx.landlord):
        regime_volume_blocks(
            section, "received-month", m, y.months(), when="in each month of the year"
        )
    else:
        trend_block(
            section,
            "received-month",
            "Complaints received by month",
            m,
            y,
            [Metric("Stage 1", "received_1"), Metric("Stage 2", "received_2")],
            y_label="Complaints",
            summary="Stage 1 and stage 2 complaints received in each month of the year.",
        )
    return section


def raised_late_unknown_note(
    measures: Measures, columns: list[tuple[str, Period | str]]
) -> str | None:
    """Why 'complaints raised after the time limit' reads [U] in one of ``columns``, if it does.

    The figure is a count, not a rate: [U] here is not a zero denominator, as every document's key
    says [U] is, but a period in which no complaint has the date the resident first knew of the
    issue (docs/measures.md ``complaints_raised_late``), so the limit cannot be checked."""
    rows = [measures.get("complaints_raised_late", period) for _, period in columns]
    if not any(
        row is not None and row["value"] is None and row["display"] == "[U]" for row in rows
    ):
        return None
    return (
        f"{HANDLING_NAMES['complaints_raised_late']}: [U] where no complaint of the period has "
        "the date the resident first knew of the issue recorded in the exports; the time limit "
        "runs from that date, so it cannot be checked ([U] here is not a count of none)."
    )


# Sums of money a landlord's exports may not record at all (no column mapped): the measures are
# then null (sql/measures/remedies.sql), shown [U], and said so, not read as £0.
NOT_RECORDED_MONEY = {
    "compensation_offered_gbp": "the compensation offered",
    "compensation_paid_gbp": "the compensation paid",
}


def money_not_recorded_note(
    measures: Measures,
    columns: list[tuple[str | None, Period | str]],
    money: dict[str, str] = NOT_RECORDED_MONEY,
) -> str | None:
    """Why a sum of ``money`` (default: compensation offered or paid) reads [U] in one of
    ``columns``, if it does: the landlord's exports record no such amount (docs/measures.md)."""
    missing = [
        what
        for measure, what in money.items()
        if any(
            (row := measures.get(measure, period)) is not None
            and row["value"] is None
            and row["display"] == "[U]"
            for _, period in columns
        )
    ]
    if not missing:
        return None
    return (
        f"Compensation: [U] where our case-system exports do not record {' or '.join(missing)}, "
        "so the amount is not known ([U] here is not £0)."
    )


def joined_notes(*notes: str | None) -> str | None:
    """The notes given, in one paragraph; None when there is none."""
    return " ".join(note for note in notes if note) or None


def resolution(ctx: ReportContext) -> Section:
    section = Section("resolution", "Stage resolution and escalation")
    m = ctx.measures
    provisional = m.get("resolved_stage1_provisional", ctx.year)
    count = m.get("resolved_stage1_provisional_count", ctx.year)
    if provisional is not None and provisional["value"] == 1:
        one = count is not None and count["value"] == 1
        responses = "stage 1 response is" if one else "stage 1 responses are"
        section.note(
            f"Provisional: {shown(count)} {responses} still within the window in which the "
            "resident may ask for stage 2, so the stage 1 resolution rate may fall."
        )
    section.add_table(
        metric_table(
            "tbl-resolution",
            "Where complaints were resolved",
            m,
            [
                Metric("Resolved at stage 1 (%)", "resolved_stage1"),
                Metric(HANDLING_NAMES["escalation_rate"], "escalation_rate"),
                Metric("Resolved at stage 2 (%)", "resolved_stage2"),
                Metric("Final responses at stage 1", "resolutions", "stage", "1"),
                Metric("Final responses at stage 2", "resolutions", "stage", "2"),
                Metric(HANDLING_NAMES["escalation_late_requested"], "escalation_late_requested"),
                Metric(HANDLING_NAMES["complaints_raised_late"], "complaints_raised_late"),
                Metric("Stage 2 handled by a different person (%)", "stage2_different_handler"),
            ],
            ctx.years,
            note=raised_late_unknown_note(m, ctx.years),
        ),
        empty=f"Stage resolution: {NOT_AVAILABLE}.",
    )
    most = m.get("stage_most_resolutions", ctx.year)
    if most is not None and most["value"] is not None:
        section.text(f"Most complaints were resolved at stage {int(most['value'])}.")
    regimes = m.breakdown("escalation_rate", ctx.year, "regime")
    if regimes.height > 1:
        section.add_table(
            metric_table(
                "tbl-resolution-regime",
                f"{HANDLING_NAMES['escalation_rate']}, by regime",
                m,
                [
                    Metric(label(r), "escalation_rate", "regime", r)
                    for r in regimes["breakdown_value"]
                ],
                ctx.years,
                first_heading="Regime",
            )
        )
    return section


def outcomes(ctx: ReportContext) -> Section:
    section = Section("outcomes", "Outcomes")
    m, y = ctx.measures, ctx.year
    for stage in (1, 2):
        breakdown_block(
            section,
            f"outcome-{stage}",
            f"Stage {stage} outcomes (% of responses)",
            m,
            f"outcome_{stage}",
            y,
            "outcome",
            heading="Outcome",
            value_heading="Share (%)",
            percent=True,
            chart_summary=f"Stage {stage} outcomes: the most common was {{top}} ({{top_value}}%).",
            empty=f"Stage {stage} outcomes: {NOT_AVAILABLE}.",
        )
        pivot_block(
            section,
            f"outcome-area-{stage}",
            f"Stage {stage} outcomes by service area (% of the area's responses)",
            m,
            f"outcome_{stage}",
            y,
            "service_area|outcome",
            row_heading="Service area",
            column_order=OUTCOME_ORDER,
        )
    return section


def refusals(ctx: ReportContext) -> Section:
    section = Section("refusals", "Refused and excluded complaints, and non-complaints")
    # a Scottish complaint is refused on the SPSO model procedure's grounds, not the English Code's
    grounds = {
        frozenset({"sct"}): "on the grounds the SPSO model complaints handling procedure allows",
        frozenset({"eng", "sct"}): "under the Code's exclusions (in Scotland, on the grounds the "
        "SPSO model complaints handling procedure allows)",
    }.get(frozenset(ctx.landlord.regimes), "under the Code's exclusions")
    section.text(
        f"A complaint can be refused at either stage {grounds}; a refused "
        "escalation leaves the stage 1 complaint standing. Refused complaints are left out of every "
        "other measure. Petitions, service requests and cases where the resident did not wish to "
        "complain are recorded for learning but are not complaints."
    )
    m, y = ctx.measures, ctx.year
    section.add_table(
        metric_table(
            "tbl-refusals",
            "Refused complaints",
            m,
            [
                Metric(HANDLING_NAMES["refused_1"], "refused_1"),
                Metric(HANDLING_NAMES["refused_2"], "refused_2"),
                Metric("Refusals with a reason recorded (%)", "refusals_with_reason"),
            ],
            ctx.years,
        ),
        empty=f"Refused complaints: {NOT_AVAILABLE}.",
    )
    for stage in (1, 2):
        breakdown_block(
            section,
            f"refused-reason-{stage}",
            f"Reasons for refusing stage {stage} complaints",
            m,
            f"refused_{stage}",
            y,
            "reason",
            heading="Reason",
            value_heading="Complaints",
        )
    breakdown_block(
        section,
        "non-complaints",
        "Non-complaints by kind",
        m,
        "non_complaints",
        y,
        "kind",
        heading="Kind",
        value_heading="Records",
        empty=_none_recorded(m, "non_complaints", y, "Non-complaints"),
    )
    # outside_tsm counts stages (a care complaint escalated under the policy that keeps care
    # apart is two), as the care paragraph says ("41 of the stages"): named "Complaints" it
    # counted an escalated complaint twice under one word
    breakdown_block(
        section,
        "outside-tsm",
        "Complaint stages outside the TSM count (stage 1 and stage 2), by service area",
        m,
        "outside_tsm",
        y,
        "service_area",
        heading="Service area",
        value_heading="Stages",
    )
    return section


def equality(ctx: ReportContext) -> Section:
    section = Section("equality", "Vulnerability and reasonable adjustments")
    m, y = ctx.measures, ctx.year
    metrics = []
    for stage in (1, 2):
        metrics += [
            Metric(f"{equality_name(measure, stage)} (%)", f"{measure}_{stage}")
            for measure in ("vulnerability", "adjustment_requested", "adjustment_made")
        ]
    section.add_table(
        metric_table("tbl-equality", "Vulnerability and adjustments", m, metrics, ctx.years),
        empty=f"Vulnerability and adjustments: {NOT_AVAILABLE}.",
    )
    breakdown_block(
        section,
        "equality-timeliness",
        "Stage 1: all answers sent within our policy's time limits, by whether a vulnerability was recorded (%)",
        m,
        "response_in_time_1",
        y,
        "vulnerability",
        view="management",
        heading="Vulnerability recorded",
        value_heading="Answered in time (%)",
        sort_by_value=False,
    )
    return section


def remedies(ctx: ReportContext) -> Section:
    section = Section("remedies", "Remedies")
    m, y = ctx.measures, ctx.year
    section.add_table(
        metric_table(
            "tbl-remedies",
            "Compensation and payments",
            m,
            [
                Metric("Compensation offered", "compensation_offered_gbp"),
                Metric("Compensation paid", "compensation_paid_gbp"),
                Metric("Responses with compensation paid", "compensation_paid_count"),
                Metric("Payments made without a complaint", "remedy_payments_without_complaint"),
                Metric(
                    "Number of payments without a complaint",
                    "remedy_payments_without_complaint_count",
                ),
            ],
            ctx.years,
            note=money_not_recorded_note(m, ctx.years),
        ),
        empty=f"Remedies: {NOT_AVAILABLE}.",
    )
    paid = m.get("compensation_paid_gbp", y)
    if paid is None or paid["value"] is not None:  # not a breakdown of [U]s
        breakdown_block(
            section,
            "compensation-area",
            "Compensation paid by service area",
            m,
            "compensation_paid_gbp",
            y,
            "service_area",
            heading="Service area",
            value_heading="Paid",
        )
    breakdown_block(
        section,
        "non-financial",
        "Non-financial remedies",
        m,
        "non_financial_remedy",
        y,
        "remedy",
        heading="Remedy",
        value_heading="Responses",
    )
    return section


def learning(ctx: ReportContext) -> Section:
    section = Section("learning", "Learning and service improvements")
    m, y = ctx.measures, ctx.year
    section.add_table(
        metric_table(
            "tbl-learning",
            "Service improvements",
            m,
            [
                Metric("Improvements raised", "learning_actions"),
                Metric("Complaints linked to them", "learning_linked_complaints"),
                Metric(HANDLING_NAMES["learning_actions_completed"], "learning_actions_completed"),
                Metric(
                    "Due in the year and completed on time (%)", "learning_actions_completed_by_due"
                ),
                Metric(
                    HANDLING_NAMES["promised_actions_on_time"],
                    "promised_actions_on_time",
                ),
            ],
            ctx.years,
        ),
        empty=f"Learning: {NOT_AVAILABLE}.",
    )
    # the learning summary's list, so both documents show the same changes, counts and status
    from pipeline.measures import resolve_data_cut
    from pipeline.reporting.committee import as_of_date
    from pipeline.reporting.residents import changes_made  # residents imports this module

    as_of = as_of_date(y, resolve_data_cut(ctx.landlord))
    improvements = changes_made(
        ctx.con, ctx.landlord.landlord_id, y, as_of, published=ctx.published
    )
    if improvements.height:
        section.add_table(
            data_table(
                "tbl-improvements",
                f"Service improvements and the complaints behind them, as on {as_of:%-d %B %Y}",
                improvements,
                note="Each change listed once (the same change made for several complaints is "
                "one line); those not finished by the date set are overdue. The list has every "
                "change raised or completed in the year and every one overdue, some raised in "
                "earlier years, with all the complaints behind each, so its complaints can add up "
                "to more than 'Complaints linked to them' above, which counts the complaints "
                "behind the changes raised in the year.",
            )
        )
    return section


def compliments(ctx: ReportContext) -> Section:
    section = Section("compliments", "Compliments")
    m = ctx.measures
    section.add_table(
        metric_table(
            "tbl-compliments",
            "Compliments received",
            m,
            [Metric("Compliments", "compliments")],
            ctx.years,
        ),
        empty=f"Compliments: {NOT_AVAILABLE}.",
    )
    breakdown_block(
        section,
        "compliments-area",
        "Compliments by service area",
        m,
        "compliments",
        ctx.year,
        "service_area",
        heading="Service area",
        value_heading="Compliments",
    )
    return section


def schemes(ctx: ReportContext) -> Section | None:
    """Per-scheme (business unit) figures, when the exports carry a scheme."""
    m, y = ctx.measures, ctx.year
    schemes_seen = sorted(m.breakdown("received_1", y, "scheme")["breakdown_value"].to_list())
    # Only 'unknown' means the exports carry no scheme: no section then.
    if not [v for v in schemes_seen if v != "unknown"]:
        return None
    section = Section("schemes", "Scheme and business-unit figures")
    section.text("The main measures for each scheme or business unit recorded in the exports.")
    columns = [
        ("Stage 1 received", "received_1", None),
        ("Stage 2 received", "received_2", None),
        (in_time_name(1, "management"), "response_in_time_1", "management"),
        (in_time_name(2, "management"), "response_in_time_2", "management"),
        (ack_name(1), "ack_in_time_1", None),
        (ack_name(2), "ack_in_time_2", None),
        ("Compensation paid", "compensation_paid_gbp", None),
    ]
    records = [
        [label(scheme)]
        + [
            shown_in_group(m.get(measure, y, "scheme", scheme, view), m.get(measure, y, view=view))
            for _, measure, view in columns
        ]
        for scheme in schemes_seen
    ]
    frame = pl.DataFrame(records, schema=["Scheme"] + [c for c, _, _ in columns], orient="row")
    none_recorded = any(NONE_RECORDED in record for record in records)
    section.add_table(
        data_table(
            "tbl-schemes",
            f"Figures by scheme, {y.label}",
            frame,
            note=(
                f"{NONE_RECORDED}: none recorded in that scheme this year. "
                if none_recorded
                else ""
            )
            + (f"{money_note} " if (money_note := money_not_recorded_note(m, [(None, y)])) else "")
            + handling_definitions(ctx.landlord.regimes),
        )
    )
    return section


def appendix(ctx: ReportContext, code_version: str, data_cut: str) -> Section:
    """Methodology and data quality: rows loaded and quarantined, rules applied, cut date, version."""
    section = Section("appendix", "Appendix: methodology and data quality")
    section.bullets(
        [
            f"Reporting year {ctx.year.label}: {ctx.year.start:%-d %B %Y} to {ctx.year.end:%-d %B %Y}.",
            open_at_cut_note(data_cut, ctx.landlord.regimes),
            f"Software version that produced this report (complaints-pipeline, not a version "
            f"of the Complaint Handling Code): {code_version}.",
            "Rates are rounded half up to one decimal place. [U] means the figure cannot be "
            "calculated because its denominator is zero.",
            "Working days exclude weekends, bank holidays of the complaint's nation and our closure "
            "days. Day 0 is the day received.",
            "Refused complaints are excluded from every measure except the refusal counts; a "
            "collective complaint counts once; non-complaints never count.",
            tsm_coverage_note(ctx.landlord.regimes),
        ]
        + (
            [
                "Published version: counts from 1 to 4 are shown as <5; a rate of such a count, "
                "a percentage whose remainder (its total minus its share) is such a count, a sum "
                "of money made up of 1 to 4 payments, and a figure hidden only so that a total "
                "cannot reveal one (secondary suppression), are shown as [c]. Counts of our service improvements and of homes are shown in "
                "full: they count our own actions and homes, not complaints or people."
            ]
            if ctx.published
            else []
        )
    )
    section.add_table(policy_table(ctx.landlord))
    files = ingest_summary(ctx.con, ctx.landlord.landlord_id)
    threshold = ctx.landlord.thresholds.small_number_suppression
    if ctx.published and files.height:
        # The published version names no internal file: the rows of all input files together,
        # and a handful of rows (residents' complaints) still shows as <5.
        files = files.select(pl.lit("All input files").alias("File"), pl.exclude("File").sum())
        files = suppression.suppress_table(
            files, ["Rows read", "Loaded", "Quarantined"], threshold, column_totals=False
        )
    section.add_table(
        data_table(
            "tbl-ingest",
            "Rows read, loaded and quarantined, all input files"
            if ctx.published
            else "Rows read, loaded and quarantined per input file",
            with_separators(files, ["Rows read", "Loaded", "Quarantined"]),
        )
        if files.height
        else None,
        empty="Rows loaded and quarantined: not available (no ingest ledger in the database).",
    )
    rules = quarantine_by_rule(ctx.con, ctx.landlord.landlord_id)
    if ctx.published:
        rules = suppression.suppress_table(rules, ["Records"], threshold)
    section.add_table(
        data_table(
            "tbl-quarantine-rules",
            "Quarantined records by rule",
            with_separators(rules, ["Records"]) if rules.height else rules,
            note="A row can hold more than one record (a complaint and its stages, each judged "
            "on its own), so the records here can outnumber the quarantined rows above.",
        )
        if rules.height
        else None,
        empty="No record was quarantined." if files.height else None,
    )
    return section


def policy_table(landlord: Landlord):
    """The timescales applied: every policy version, regime and stage (design.md section 5)."""
    records = []
    for version in landlord.policy_versions:
        for regime, scales in version.timescales.items():
            for stage, scale in (("1", scales.stage_1), ("2", scales.stage_2)):
                cap = "none" if scale.extension_wd is None else str(scale.extension_wd)
                if scale.extension_cap_unless_extenuating:
                    cap += " (more in extenuating circumstances)"
                records.append(
                    [
                        f"{version.effective_from:%-d %B %Y}",
                        label(regime),
                        stage,
                        "none" if scale.acknowledge_wd is None else str(scale.acknowledge_wd),
                        str(scale.respond_wd),
                        cap,
                        scale.clock_starts,
                        describe_window(version.escalation_window),
                    ]
                )
    frame = pl.DataFrame(
        records,
        schema=[
            "Policy from",
            "Regime",
            "Stage",
            "Acknowledge (WD)",
            "Respond (WD)",
            "Extension cap (WD)",
            "Clock starts",
            "Escalation window",
        ],
        orient="row",
    )
    return data_table("tbl-policy", "Timescales our policy applies", frame)


def ingest_summary(con: duckdb.DuckDBPyConnection, landlord_id: str) -> pl.DataFrame:
    """Rows in, loaded and quarantined per input file, from the ingest ledger."""
    if not table_exists(con, "ingest_file"):
        return pl.DataFrame()
    return query_frame(
        con,
        """
        select source_file as "File", rows_in as "Rows read", rows_loaded as "Loaded",
               rows_quarantined as "Quarantined"
        from ingest_file where landlord_id = ? order by source_file
        """,
        [landlord_id],
    )


def quarantine_by_rule(con: duckdb.DuckDBPyConnection, landlord_id: str) -> pl.DataFrame:
    """Quarantine entries per rule (counts only), the rule in words."""
    if not table_exists(con, "quarantine"):
        return pl.DataFrame()
    frame = query_frame(
        con,
        """
        select rule, count(*) as "Records", count(distinct source_file) as "Files"
        from quarantine where landlord_id = ? group by rule order by count(*) desc, rule
        """,
        [landlord_id],
    )
    if not frame.height:
        return frame
    # The rule in words (pipeline/sources/fields.py RULE_TEXT), never its internal code.
    return frame.select(
        pl.col("rule")
        .map_elements(rule_text, return_dtype=pl.String)
        .alias("Why the records were set aside"),
        "Records",
        "Files",
    )


def rule_text(rule: str) -> str:
    """A quarantine rule in plain words: ``the response date is before ...`` -> sentence case."""
    text = RULE_TEXT.get(rule) or label(rule)
    return text[:1].upper() + text[1:]
