"""The annual report's timeliness, heat-network and care, and satisfaction sections.

Split from ``annual.py`` (same :class:`~pipeline.reporting.annual.ReportContext`); each function
returns a :class:`Section` and shows only what applies to the landlord (issue 16 points 4-6).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipeline.config import Landlord
from pipeline.reporting.annual import ReportContext
from pipeline.reporting.blocks import (
    NOT_AVAILABLE,
    Metric,
    Section,
    breakdown_block,
    metric_table,
    noun,
    shown,
    trend_block,
)
from pipeline.reporting.committee import ARC_METRICS, ARC_NOTE
from pipeline.reporting.labels import (
    HANDLING_NAMES,
    ack_name,
    handling_definitions,
    in_time_name,
    label,
)
from pipeline.reporting.precision import margin_text, meets_text, survey_meets_text
from pipeline.reporting.regime_blocks import regime_band_table, regime_trend_blocks
from pipeline.reporting.tables import data_table


def timeliness(ctx: ReportContext) -> Section:
    section = Section("timeliness", "Timeliness")
    stock = ctx.headline_stock_type()
    regimes = set(ctx.landlord.regimes)
    both = {"eng", "sct"} <= regimes
    if both:
        limit = "the Code's extension limit (the SPSO's in Scotland)"
    else:
        limit = "the SPSO's extension limit" if "sct" in regimes else "the Code's extension limit"
    section.text(
        (
            "CH02, the Regulator's measure, counts tenants' complaints in England received in the "
            "year. "
            if "eng" in regimes
            else ""
        )
        + f"The all-answers figures count every answer sent in the year, judged two ways: against "
        f"{limit} and against our own policy, which may allow longer extensions. Those two count "
        "the same answers, so any difference between them comes from extensions alone."
    )
    m, y = ctx.measures, ctx.year
    # A landlord in both countries sees each country against its own limits, never one mixed figure.
    places = [("regime", "eng"), ("regime", "sct")] if both else [("none", "all")]
    metrics = []
    for stage in (1, 2):
        metrics.append(
            Metric(
                f"Stage {stage} complaints answered in time (CH02), {label(stock)} (%)",
                f"CH02_{stage}",
                "stock_type",
                stock,
                "regulator",
            )
        )
        for breakdown, value in places:
            regime = value if both else None
            country = f"{label(value)}: " if both else ""
            scottish = value == "sct" or set(ctx.landlord.regimes) == {"sct"}
            # the SPSO's stage 1 has no acknowledgement step: no row, rather than "not available"
            if not (stage == 1 and scottish):
                metrics.append(
                    Metric(ack_name(stage, regime), f"ack_in_time_{stage}", breakdown, value)
                )
            metrics += [
                Metric(
                    in_time_name(stage, "regulator", regime),
                    f"response_in_time_{stage}",
                    breakdown,
                    value,
                    "regulator",
                ),
                Metric(
                    in_time_name(stage, "management", regime),
                    f"response_in_time_{stage}",
                    breakdown,
                    value,
                    "management",
                ),
                Metric(
                    # every answer in time with an agreed extension, not the gap between the
                    # two rows above (those in time only because our policy's limit is longer)
                    f"{country}Stage {stage}: answers in time with an agreed extension (within "
                    "our policy's limit)",
                    f"response_in_time_with_ext_{stage}",
                    breakdown,
                    value,
                    "management",
                ),
                Metric(
                    f"{country}Stage {stage} mean working days to response",
                    f"wd_to_response_mean_{stage}",
                    breakdown,
                    value,
                ),
                Metric(
                    f"{country}Stage {stage} median working days to response",
                    f"wd_to_response_median_{stage}",
                    breakdown,
                    value,
                ),
            ]
    section.add_table(
        metric_table(
            "tbl-timeliness",
            "Acknowledgement and response times",
            m,
            metrics,
            ctx.years,
            note=handling_definitions(ctx.landlord.regimes),
        ),
        empty=f"Timeliness: {NOT_AVAILABLE}.",
    )
    _by_handler(ctx, section)
    if both:
        for stage in (1, 2):
            regime_trend_blocks(
                section,
                f"timeliness{stage}-month",
                stage,
                m,
                y.months(),
                when="in each month of the year",
            )
    else:
        for stage, block_id in ((1, "timeliness-month"), (2, "timeliness2-month")):
            trend_block(
                section,
                block_id,
                f"Stage {stage}: all answers sent in time, by month",
                m,
                y,
                [
                    Metric("Code's time limits", f"response_in_time_{stage}", view="regulator"),
                    Metric(
                        "Our policy's time limits", f"response_in_time_{stage}", view="management"
                    ),
                ],
                y_label="Answered in time (%)",
                percent=True,
                summary=f"Percentage of all stage {stage} answers sent in each month that were in "
                "time, against the Code's time limits and against our policy's.",
            )
    if "sct" in ctx.landlord.regimes:  # no Scottish ARC table for an England-only landlord
        section.add_table(
            metric_table(
                "tbl-arc",
                "Scottish Housing Regulator ARC complaint indicators (Scottish complaints)",
                m,
                ARC_METRICS,
                ctx.years,
                note=ARC_NOTE,
            )
        )
    for stage in (1, 2):
        caption = (
            f"Open stage {stage} complaints past their deadline at the year end, by working days "
            "overdue (against our policy's deadlines)"
        )
        if both:
            regime_band_table(
                section,
                f"overdue-{stage}-regime",
                f"{caption}, England and Scotland",
                m,
                f"overdue_{stage}",
                y,
                heading="Working days overdue",
                total=f"All overdue stage {stage} complaints",
            )
            continue
        breakdown_block(
            section,
            f"overdue-{stage}",
            caption,
            m,
            f"overdue_{stage}",
            y,
            "band",
            heading="Working days overdue",
            value_heading="Complaints",
            sort_by_value=False,
        )
    return section


def _by_handler(ctx: ReportContext, section: Section) -> None:
    """In-house against each managing agent, where agents handle complaints."""
    m, y = ctx.measures, ctx.year
    handlers = m.breakdown("received_1", y, "managing_agent")["breakdown_value"].to_list()
    if len([h for h in handlers if h != "unknown"]) < 2:
        return  # one handler (in-house only): nothing to compare
    columns = [
        ("Stage 1 received", "received_1", None),
        (ack_name(1), "ack_in_time_1", None),
        (in_time_name(1, "regulator", regimes=ctx.landlord.regimes), "response_in_time_1",
         "regulator"),
        (in_time_name(1, "management"), "response_in_time_1", "management"),
        (in_time_name(2, "management"), "response_in_time_2", "management"),
    ]  # fmt: skip
    ordered = sorted(handlers, key=lambda h: (h != "landlord", h == "unknown", label(h)))
    records = [
        [label(h)]
        + [
            NOT_AVAILABLE_CELL
            if (row := m.get(measure, y, "managing_agent", h, view)) is None
            else shown(row)
            for _, measure, view in columns
        ]
        for h in ordered
    ]
    frame = pl.DataFrame(records, schema=["Handled by"] + [c for c, _, _ in columns], orient="row")
    section.add_table(
        data_table(
            "tbl-timeliness-handler",
            f"In-house and managing agents, {y.label}",
            frame,
            note=f"In-house: complaints we handled ourselves. {NOT_AVAILABLE_CELL}: none in that "
            "group this year.",
        )
    )


NOT_AVAILABLE_CELL = "–"


def heat_network_text(ctx: ReportContext) -> str | None:
    """Who falls under Ofgem's heat-network rules this year, in words, with both counts: every
    heat-network complaint received, and those received once the rules applied (the measures)."""
    m, y = ctx.measures, ctx.year
    every = m.get("complaints_received", y, "service_area", "heat_network")
    starts = sorted(
        {
            v.heat_network_rules_from
            for v in ctx.landlord.policy_versions
            if v.heat_network_rules_from
        }
    )
    if every is None and not starts:
        return None
    received = "no" if every is None else shown(every)
    complaints = noun(every, "complaint", "complaints")
    text = f"We received {received} {complaints} about heat networks in {y.label}."
    if not starts:
        return text + (
            " Our policy does not yet apply Ofgem's heat-network rules (no start date is set), so "
            "no heat-network measure is reported."
        )
    start = starts[0]
    rules = (
        f" Ofgem's heat-network rules (eight weeks, 56 calendar days, to resolve; then the Energy "
        f"Ombudsman) apply under our policy to complaints received from {start:%-d %B %Y}"
    )
    if start > y.end:
        return text + rules + ", after this year: none of this year's complaints fall under them."
    under = m.get("heat_network_complaints", y)
    text += rules + f": {'no' if under is None else shown(under)} of them, in the table."
    from pipeline.measures import resolve_data_cut

    cut = resolve_data_cut(ctx.landlord)
    limit = max(
        v.heat_network_limit_days for v in ctx.landlord.policy_versions if v.heat_network_rules_from
    )
    if under is not None and cut < y.end + dt.timedelta(days=limit):
        # heat_network_resolved_8_weeks leaves these out (docs/measures.md), so its denominator is
        # smaller than the count above it: say why rather than leave the reader a sum that fails
        text += (
            " The share resolved within eight weeks leaves out any complaint still unresolved "
            f"whose eight weeks had not ended by the data cut ({cut:%-d %B %Y}); it is counted "
            "once they have."
        )
    return text


def care_text(ctx: ReportContext) -> str | None:
    """Where care complaints go (per regime) and whether our policy counts them in the TSMs."""
    m, y = ctx.measures, ctx.year
    care = m.get("care_complaints", y)
    if care is None or care["value"] == 0:
        return None
    routes = []
    if "eng" in ctx.landlord.regimes:
        routes.append("the Local Government and Social Care Ombudsman (England)")
    if "sct" in ctx.landlord.regimes:
        routes.append("the Care Inspectorate (Scotland)")
    spans = _care_spans(ctx.landlord, y)
    if len(spans) > 1:  # the policy changed during the year: each version's rule, with its dates
        parts = [
            f"from {start:%-d %B %Y} to {end:%-d %B %Y} "
            + ("kept outside them" if outside else "counted in them like any other complaint")
            for start, end, outside in spans
        ]
        out = m.get("outside_tsm", y, "service_area", "care")
        count = (
            "Our policy changed during the year: tenants' care complaints in England were "
            f"{'; '.join(parts)} in the tenant satisfaction measures (CH01, CH02). "
            f"{'None' if out is None else shown(out)} of the stages "
            f"{'was' if out is not None and out['value'] == 1 else 'were'} received while the "
            "policy kept them outside; they are reported here apart."
        )
    elif spans and spans[0][2]:
        count = (
            "Our policy keeps them outside the tenant satisfaction measures (CH01, CH02): they "
            "are reported here apart."
        )
    else:
        count = (
            "Our policy counts tenants' care complaints in England in the tenant satisfaction "
            "measures (CH01, CH02) like any other complaint."
        )
    return (
        f"Care complaints: {shown(care)} {noun(care, 'stage', 'stages')} in {y.label}. A "
        "resident still unhappy after our "
        f"final response may go to {' or '.join(routes)}. {count}"
    )


def _care_spans(landlord: Landlord, year) -> list[tuple]:
    """``(first day, last day, outside the TSMs)`` of each run of the year under one care rule,
    from the policy versions in force during it (one span when the rule did not change)."""
    spans: list[list] = []
    versions = sorted(landlord.policy_versions, key=lambda v: v.effective_from)
    for index, version in enumerate(versions):
        ends = (
            versions[index + 1].effective_from - dt.timedelta(days=1)
            if index + 1 < len(versions)
            else year.end
        )
        start, end = max(version.effective_from, year.start), min(ends, year.end)
        if start > end:
            continue
        outside = "care" in version.outside_tsm_service_areas
        if spans and spans[-1][2] == outside:
            spans[-1][1] = end
        else:
            spans.append([start, end, outside])
    return [tuple(span) for span in spans]


def heat_and_care(ctx: ReportContext) -> Section | None:
    heat, care = heat_network_text(ctx), care_text(ctx)
    if heat is None and care is None:
        return None  # neither applies to this landlord this year
    section = Section("heat-care", "Heat-network and care complaints")
    m = ctx.measures
    metrics = []
    if heat is not None:
        section.text(heat)
        metrics += [
            Metric(
                "Complaints about heat networks (all)",
                "complaints_received",
                "service_area",
                "heat_network",
            ),
            Metric("Of which under Ofgem's rules", "heat_network_complaints"),
            Metric("Resolved within 8 weeks (%)", "heat_network_resolved_8_weeks"),
            Metric("Eligible for the Energy Ombudsman", "heat_network_eo_eligible"),
            Metric("Eligible and told of the Energy Ombudsman (%)", "heat_network_eo_notified"),
            Metric("Referred to the Energy Ombudsman", "heat_network_eo_referred"),
            Metric("'Resolved to satisfaction' recorded (%)", "heat_network_satisfaction_recorded"),
        ]
    if care is not None:
        section.text(care)
        metrics += [
            Metric("Care complaints (all stages)", "care_complaints"),
            Metric("Care complaints at stage 1", "care_complaints", "stage", "1"),
            Metric("Care complaints at stage 2", "care_complaints", "stage", "2"),
        ]
    section.add_table(
        metric_table("tbl-heat-care", "Heat-network and care complaints", m, metrics, ctx.years),
        empty=f"Heat-network and care complaints: none recorded ({NOT_AVAILABLE}).",
    )
    return section


def satisfaction(ctx: ReportContext) -> Section:
    section = Section("satisfaction", "Satisfaction with complaint handling")
    m, y = ctx.measures, ctx.year
    records = []
    for stock in ("lcra", "lcho", "combined"):
        tp09 = m.get("TP09", y, "stock_type", stock, "regulator")
        if tp09 is None:
            continue
        moe = m.get("TP09_margin_of_error", y, "stock_type", stock, "regulator")
        respondents = m.get("TP09_respondents", y, "stock_type", stock, "regulator")
        meets = m.get("TP09_meets_rsh_precision", y, "stock_type", stock, "regulator")
        required = m.get("TP09_required_precision", y, "stock_type", stock, "regulator")
        survey = m.get("TP09_survey_margin_of_error", y, "stock_type", stock, "regulator")
        records.append(
            [
                label(stock),
                shown(tp09),
                shown(respondents),
                margin_text(tp09, moe, respondents),
                "[U]" if required is None else f"±{shown(required)}",
                meets_text(tp09, moe, respondents, required),
                "[U]" if survey is None or survey["value"] is None else f"±{shown(survey)}",
                survey_meets_text(meets, survey, required),
            ]
        )
    if records:
        section.add_table(
            data_table(
                "tbl-tp09",
                f"TP09: satisfaction with the landlord's approach to complaints, {y.label}",
                pl.DataFrame(
                    records,
                    schema=[
                        "Stock type",
                        "TP09 (%)",
                        "Respondents",
                        "TP09 margin of error (95%)",
                        "Precision the RSH requires",
                        "TP09 precision",
                        "Whole survey's margin (RSH test)",
                        "Whole survey precision",
                    ],
                    orient="row",
                ),
                note="Respondents who had complained in the last 12 months and gave one of the "
                "five answers; margins in percentage points, 95% confidence, with finite "
                "population correction. TP09 precision compares TP09's own margin with what the "
                "RSH requires; the RSH's test is the whole survey's margin (every respondent, "
                "50% assumed). With fewer than 5 respondents on either side no margin is given."
                + (
                    " Where TP09 or its number of respondents is withheld ([c] or <5), so are its "
                    "margin and precision: any two of the three give the third back."
                    if ctx.published
                    else ""
                ),
            )
        )
    else:
        section.note(f"TP09: {NOT_AVAILABLE}.")
    section.add_table(
        metric_table(
            "tbl-complainant-survey",
            "Complainant surveys",
            m,
            [
                Metric(
                    HANDLING_NAMES["complainant_survey_response_rate"],
                    "complainant_survey_response_rate",
                ),
                Metric(
                    HANDLING_NAMES["complainant_satisfaction_timeliness"],
                    "complainant_satisfaction_timeliness",
                ),
                Metric(
                    HANDLING_NAMES["complainant_satisfaction_fairness"],
                    "complainant_satisfaction_fairness",
                ),
                Metric(
                    HANDLING_NAMES["complainant_satisfaction_outcome"],
                    "complainant_satisfaction_outcome",
                ),
            ],
            ctx.years,
        ),
        empty="Complainant surveys: none recorded.",
    )
    trend_block(
        section,
        "survey-quarter",
        "Complainant satisfaction by quarter",
        m,
        y,
        [
            Metric("Timeliness", "complainant_satisfaction_timeliness"),
            Metric("Fairness", "complainant_satisfaction_fairness"),
            Metric("Outcome", "complainant_satisfaction_outcome"),
        ],
        y_label="Satisfied (%)",
        percent=True,
        by="quarter",
        summary="Share of returned complainant surveys satisfied (4 or 5 of 5) with timeliness, "
        "fairness and outcome, per quarter.",
    )
    return section
