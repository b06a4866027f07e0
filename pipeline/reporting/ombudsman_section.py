"""The annual report's Ombudsman section: cases, determinations, findings by body and outcome,
orders and the Housing Ombudsman's Complaint Handling Failure Orders (design.md section 6
"Ombudsman"). The orders' due dates and the outstanding list are in
:func:`pipeline.reporting.policy_sections.ombudsman_orders`; the findings of non-compliance and the
annual letter in :mod:`pipeline.reporting.section8`."""

from __future__ import annotations

from pipeline.periods import ReportingYear
from pipeline.reporting.annual import ReportContext, money_not_recorded_note
from pipeline.reporting.blocks import (
    NOT_AVAILABLE,
    Metric,
    Section,
    breakdown_block,
    metric_table,
    pivot_block,
)
from pipeline.reporting.code_scope import HOUSING_OMBUDSMAN_ONLY, code_applies
from pipeline.reporting.data import Measures
from pipeline.reporting.labels import HANDLING_NAMES, label

# The annual report's Ombudsman cases table.
OMBUDSMAN_CASE_METRICS = [
    Metric(HANDLING_NAMES["ombudsman_referred"], "ombudsman_referred"),
    Metric(HANDLING_NAMES["ombudsman_determinations"], "ombudsman_determinations"),
    Metric(HANDLING_NAMES["ombudsman_findings"], "ombudsman_findings"),
    Metric(HANDLING_NAMES["ombudsman_maladministration_rate"], "ombudsman_maladministration_rate"),
    Metric(HANDLING_NAMES["ombudsman_orders_complied"], "ombudsman_orders_complied"),
    Metric("Compensation ordered", "ombudsman_compensation_ordered_gbp"),
    Metric(HANDLING_NAMES["chfo_issued"], "chfo_issued"),
    Metric("CHFOs complied with (%)", "chfo_complied"),
]
# A case tracker without a compensation column: the sum ordered is [U] (sql/measures/ombudsman.sql)
ORDERED_MONEY = {"ombudsman_compensation_ordered_gbp": "the compensation the Ombudsman ordered"}


def ombudsman(ctx: ReportContext) -> Section:
    section = Section("ombudsman", "Ombudsman cases, findings and orders")
    m, y = ctx.measures, ctx.year
    # Complaint Handling Failure Orders, findings of non-compliance and annual letters are the
    # Housing Ombudsman's, under the Code: none for a landlord in Scotland alone (code_scope).
    housing_ombudsman = code_applies(ctx.landlord.regimes)
    section.add_table(
        metric_table(
            "tbl-ombudsman",
            "Ombudsman cases",
            m,
            [
                metric
                for metric in OMBUDSMAN_CASE_METRICS
                if housing_ombudsman or metric.measure not in HOUSING_OMBUDSMAN_ONLY
            ],
            ctx.years,
            note=money_not_recorded_note(m, ctx.years, ORDERED_MONEY),
        ),
        empty=f"Ombudsman cases: {NOT_AVAILABLE}.",
    )
    pivot_block(
        section,
        "ombudsman-findings",
        "Findings by body and outcome",
        m,
        "ombudsman_findings",
        y,
        "body|outcome",
        row_heading="Body",
        column_order=[
            "severe_maladministration",
            "maladministration",
            "service_failure",
            "reasonable_redress",
            "no_maladministration",
            "outside_jurisdiction",
        ],
    )
    _other_bodies_note(section, m, y)
    breakdown_block(
        section,
        "ombudsman-body",
        "Cases referred by body",
        m,
        "ombudsman_referred",
        y,
        "body",
        heading="Body",
        value_heading="Cases",
    )
    if housing_ombudsman:
        section.text(
            "The Ombudsman's annual letter (compared with this table) and its findings of "
            "non-compliance with the Code follow under their own headings."
        )
    return section


def _other_bodies_note(section: Section, m: Measures, year: ReportingYear) -> None:
    """Say, under the findings table, that the other bodies' findings are in the Housing
    Ombudsman's terms: the SPSO upholds a complaint or does not, and the case tracker maps that to
    these columns (design.md section 4), so an upheld SPSO complaint is not the SPSO's own finding
    of "maladministration"."""
    findings = m.breakdown("ombudsman_findings", year, "body|outcome")
    bodies = sorted(
        {str(value).split("|")[0] for value in findings["breakdown_value"]}
        - {"housing_ombudsman", "unknown"}
    )
    if not bodies:
        return
    names = " and the ".join(label(body) for body in bodies)
    decide = "each decide" if len(bodies) > 1 else "decides"
    example = (
        " (the SPSO upholds a complaint in whole or in part, or does not uphold it)"
        if "spso" in bodies
        else ""
    )
    section.note(
        f"The {names} {decide} in its own terms{example}. Their findings are shown here in the "
        "Housing Ombudsman's terms, as our case tracker maps them, and count in the "
        "maladministration rate."
    )
