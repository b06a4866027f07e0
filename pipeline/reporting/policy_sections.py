"""The annual report's sections on the landlord's own policy rules (issue 18).

What each policy version excludes (anonymous complaints, STAIRs) counted beside the refusals; who made
complaints (representatives and consent, anonymous and collective complaints); how extensions were
notified; contact restrictions and notifiable events; Ombudsman orders with their due dates; how
many closed complaints were sent a complainant survey, judged by landlord.yaml
``complainant_survey``; business streams and TP09 per scheme; and the policy versions applied.

Every figure is one row of the ``measures`` table (docs/measures.md), read through the shared
blocks of :mod:`pipeline.reporting.blocks`. :func:`place_policy_sections` puts each section after
the section of the annual report it belongs with (by anchor id), so the report needs one line.
"""

from __future__ import annotations

import polars as pl

from pipeline.config import Landlord, PolicyVersion, describe_window
from pipeline.contact_details import landlord_text
from pipeline.periods import ReportingYear
from pipeline.reporting.annual import ReportContext, money_not_recorded_note
from pipeline.reporting.blocks import (
    NONE_RECORDED,
    NOT_AVAILABLE,
    Metric,
    Section,
    breakdown_block,
    metric_table,
    shown,
    shown_in_group,
)
from pipeline.reporting.data import Measures
from pipeline.reporting.labels import (
    HANDLING_NAMES,
    ack_name,
    handling_definitions,
    in_time_name,
    label,
)
from pipeline.reporting.tables import data_table

# Reasons a policy version excludes a complaint (stage_timeliness excluded_reason).
EXCLUSION_LABELS = {
    "anonymous": "Anonymous complaint (not accepted under the policy in force)",
    "stairs": "STAIRs: handled under the separate STAIRs policy",
    "data_protection": "Data protection: handled under the data protection policy",
    "whistleblowing": "Whistleblowing: handled under the whistleblowing policy",
    "insurance": "Insurance claim: handled by the insurer",
    "other": "Handled under another separate policy",
}
SEPARATE_POLICY_NAMES = {
    "stairs": "Social Tenants Access to Information Requirements (STAIRs)",
    "data_protection": "data protection",
    "whistleblowing": "whistleblowing",
    "insurance": "insurance claims",
    "other": "another separate policy",
}
SURVEY_PROMISE = {
    "every_complainant": "Our policy is to send a survey to every complainant when their complaint "
    "closes, so every closed complaint should have one.",
    "monthly_sample": "We survey a sample of complainants each month, so the share below is the "
    "sample's size, not a shortfall.",
    "none": "We do not run a survey of complainants.",
}


# display text of a figure hidden in a published version (pipeline/reporting/suppression.py)
SUPPRESSED = ("<5", "[c]")


def _any_count(measures: Measures, years: list, measure: str, view: str | None = None) -> bool:
    """True when ``measure`` counts anything (numerator > 0, or hidden as small) in ``years``."""
    for _, period in years:
        row = measures.get(measure, period, view=view)
        if row is not None and ((row["numerator"] or 0) > 0 or row["display"] in SUPPRESSED):
            return True
    return False


def _with_data(measures: Measures, years: list, metrics: list[Metric]) -> list[Metric]:
    """The metrics with something to show in one of ``years``: a count above 0, or a rate with a
    denominator (a row of zeros for a practice the landlord does not record says nothing)."""
    kept = []
    for metric in metrics:
        for _, period in years:
            row = measures.get(
                metric.measure, period, metric.breakdown, metric.breakdown_value, metric.view
            )
            if row is not None and (
                (row["numerator"] or 0) > 0
                or (row["denominator"] or 0) > 0
                or row["display"] in SUPPRESSED
            ):
                kept.append(metric)
                break
    return kept


def _versions_in(landlord: Landlord, year: ReportingYear) -> list[PolicyVersion]:
    """Policy versions in force at some point of ``year`` (the first applies to earlier dates)."""
    versions = landlord.policy_versions
    return [
        version
        for index, version in enumerate(versions)
        if (index == 0 or version.effective_from <= year.end)
        and (index + 1 == len(versions) or versions[index + 1].effective_from > year.start)
    ]


def _exclusion_rules(landlord: Landlord, year: ReportingYear) -> list[str]:
    """One sentence per policy version in force in the year: what it excludes."""
    sentences = []
    versions = _versions_in(landlord, year)
    for version in versions:
        when = (
            f"Under the policy version in force from {version.effective_from:%-d %B %Y}"
            if len(versions) > 1
            else "Under our policy"
        )
        parts = [
            "anonymous complaints are handled like any other"
            if version.anonymous_accepted
            else "anonymous complaints are not accepted: they are recorded and counted here, "
            "never in the other figures"
        ]
        parts += [
            f"complaints about {SEPARATE_POLICY_NAMES[policy]} are handled under that separate "
            "policy and counted here"
            for policy in version.separate_policies
        ]
        sentences.append(f"{when}, " + "; ".join(parts) + ".")
    return sentences


def who_complained(ctx: ReportContext) -> Section:
    """Excluded complaints (with the refusals, Code 8.1), anonymous, collective and representatives."""
    section = Section("excluded", "Complaints excluded under our policy, and who complained")
    m = ctx.measures
    section.bullets(_exclusion_rules(ctx.landlord, ctx.year))
    who = _with_data(
        m,
        ctx.years,
        [
            Metric("Anonymous complaints handled", "anonymous_complaints"),
            Metric("Collective complaints (one group, counted once)", "collective_complaints"),
            Metric("Complaints made by a representative", "representative_complaints"),
            Metric(
                "Representative complaints with the resident's consent recorded (%)",
                "representative_consent_recorded",
            ),
        ],
    )
    section.add_table(
        metric_table(
            "tbl-excluded",
            "Complaints excluded under the policy in force, and complaints made by others",
            m,
            [
                Metric("Stage 1 complaints excluded", "excluded_1"),
                Metric("Stage 2 escalations excluded", "excluded_2"),
                *who,
            ],
            ctx.years,
        ),
        empty=f"Excluded complaints: {NOT_AVAILABLE}.",
    )
    for stage, caption in ((1, "Stage 1 complaints"), (2, "Stage 2 escalations")):
        rows = m.breakdown(f"excluded_{stage}", ctx.year, "reason")
        if rows.height:
            section.add_table(
                data_table(
                    f"tbl-excluded-reason-{stage}",
                    f"{caption} excluded, by reason, {ctx.year.label}",
                    rows.sort("breakdown_value").select(
                        pl.col("breakdown_value")
                        .replace_strict(EXCLUSION_LABELS, default=pl.col("breakdown_value"))
                        .alias("Reason"),
                        pl.col("display").fill_null("[U]").alias("Complaints"),
                    ),
                )
            )
    return section


def handling_rules(ctx: ReportContext) -> Section:
    """Extensions notified in time, contact restrictions, and notifiable events (Scotland)."""
    section = Section("handling-rules", "Extensions, contact restrictions and notifiable events")
    m = ctx.measures
    section.text(
        "When we need longer to respond we agree an extension with the resident before the "
        "original deadline and explain why. Where a resident's behaviour leads us to restrict "
        "contact, the restriction is reviewed by the date set when it was imposed."
    )
    metrics = [
        Metric(
            "Stage 1 extensions agreed before the original deadline, with a reason (%)",
            "extension_notified_in_time_1",
        ),
        Metric(
            "Stage 2 extensions agreed before the original deadline, with a reason (%)",
            "extension_notified_in_time_2",
        ),
    ]
    restrictions = [
        "contact_restrictions_imposed",
        "contact_restrictions_in_force",
        "contact_restrictions_review_overdue",
    ]
    if any(_any_count(m, ctx.years, name) for name in restrictions):
        metrics += [
            Metric("Contact restrictions imposed", "contact_restrictions_imposed"),
            Metric(
                "Contact restrictions in force at the year end", "contact_restrictions_in_force"
            ),
            Metric(
                "Restrictions past their review date without a review, at the year end",
                "contact_restrictions_review_overdue",
            ),
            Metric(
                "Restriction reviews done by their date (%)", "contact_restriction_reviews_on_time"
            ),
        ]
    else:
        section.note("No contact restriction was recorded in these years.")
    if "sct" in ctx.landlord.regimes:
        metrics += [
            Metric("Notifiable events: serious complaints about senior staff", "notifiable_events"),
            Metric("Notifiable events reported to the Scottish Housing Regulator (%)",
                   "notifiable_events_notified"),
        ]  # fmt: skip
    section.add_table(
        metric_table(
            "tbl-handling-rules", "Extensions and other handling rules", m, metrics, ctx.years
        ),
        empty=f"Extensions: {NOT_AVAILABLE}.",
    )
    return section


def ombudsman_orders(ctx: ReportContext) -> Section:
    """Orders with their due dates, compliance by the due date, and the outstanding orders listed."""
    section = Section("ombudsman-orders", "Ombudsman orders and compliance")
    m, y = ctx.measures, ctx.year
    order_records = [
        Metric("Orders made", "ombudsman_orders_made"),
        Metric("Orders due", "ombudsman_orders_complied_by_due"),
        Metric("Orders outstanding", "ombudsman_orders_outstanding"),
    ]
    if not _with_data(m, ctx.years, order_records):
        # No order was made, fell due or was outstanding in the order records. The findings may
        # still count orders (ombudsman_orders_complied, in the Ombudsman cases table): say so,
        # rather than a sentence the table beside it contradicts.
        in_findings = _with_data(m, ctx.years, [Metric("", "ombudsman_orders_complied")])
        section.note(
            "The Ombudsman's determinations in these years included orders (their compliance is "
            "in the Ombudsman cases table), but no order was recorded with the date it was made "
            "and its due date, so compliance by the due date cannot be shown."
            if in_findings
            else "No Ombudsman order was made, fell due or was outstanding in these years."
        )
        return section
    section.add_table(
        metric_table(
            "tbl-orders",
            "Orders made by the Ombudsman and other bodies",
            m,
            [
                Metric("Orders made", "ombudsman_orders_made"),
                # of the orders due in the year, not of those made in it (the row above): an
                # order made in March and due in May is judged next year
                Metric("Orders due in the year, complied with by their due date (%)",
                       "ombudsman_orders_complied_by_due"),
                Metric("Orders outstanding at the year end", "ombudsman_orders_outstanding"),
                Metric("of which past their due date", "ombudsman_orders_outstanding", "status",
                       "overdue"),
            ],
            ctx.years,
        )
    )  # fmt: skip
    listed = m.breakdown("ombudsman_orders_outstanding", y, "due_date|body|order_type")
    if ctx.published and listed.height:
        # One line per order could point to a resident's case, so the list goes to the board only;
        # the public reader is told what this page shows and that the list is not published.
        section.note(
            "The table above shows how many orders were outstanding at the year end and how many "
            "of them were past their due date. The list of those orders, each with its due date, "
            "is reported to our board and not published, because such a list could point to "
            "residents' cases."
        )
    elif listed.height:
        parts = listed.with_columns(
            pl.col("breakdown_value")
            .str.split_exact("|", 2)
            .struct.rename_fields(["due", "body", "kind"])
        ).unnest("breakdown_value")
        frame = parts.sort("due", "body", "kind").select(
            pl.col("due").str.to_date().dt.strftime("%-d %B %Y").alias("Due date"),
            pl.when(pl.col("due").str.to_date() < pl.lit(min(y.end, _cut(ctx))))
            .then(pl.lit("Overdue"))
            .otherwise(pl.lit("Not yet due"))
            .alias("Status"),
            pl.col("body").map_elements(label, return_dtype=pl.String).alias("Body"),
            pl.col("kind").map_elements(label, return_dtype=pl.String).alias("Order"),
            pl.col("display").fill_null("[U]").alias("Orders"),
        )
        section.add_table(
            data_table(
                "tbl-orders-outstanding",
                f"Orders outstanding at {min(y.end, _cut(ctx)):%-d %B %Y}",
                frame,
                align_right=["Orders"],
            )
        )
    else:
        section.note("No order was outstanding at the year end.")
    return section


def _cut(ctx: ReportContext):
    """The data cut the measures were computed at (landlord.yaml), else the year end."""
    return ctx.landlord.data_cut_date or ctx.year.end


def survey_coverage(ctx: ReportContext) -> Section:
    """Complainant survey coverage, judged against landlord.yaml ``complainant_survey``."""
    section = Section("survey-coverage", "Complainant surveys: who we asked")
    method = ctx.landlord.complainant_survey
    section.text(SURVEY_PROMISE[method])
    m, y = ctx.measures, ctx.year
    coverage = m.get("complainant_survey_coverage", y)
    if method == "none":
        if _any_count(m, ctx.years, "complainant_survey_coverage"):
            section.note(
                "Surveys were nevertheless recorded for some complaints: landlord.yaml says "
                "complainant_survey: none."
            )
        return section
    section.add_table(
        metric_table(
            "tbl-survey-coverage",
            "Closed complaints sent a complainant survey",
            m,
            [
                Metric("Closed complaints sent a survey (%)", "complainant_survey_coverage"),
                Metric(
                    HANDLING_NAMES["complainant_survey_response_rate"],
                    "complainant_survey_response_rate",
                ),
            ],
            ctx.years,
        ),
        empty=f"Complainant surveys: {NOT_AVAILABLE}.",
    )
    if (
        method == "every_complainant"
        and coverage is not None
        and coverage["value"] is not None
        and coverage["value"] < 100
    ):
        section.note(
            f"Only {shown(coverage)}% of the complaints closed in {y.label} were sent a survey, "
            "against a policy of surveying every complainant."
        )
    return section


def business_streams(ctx: ReportContext) -> Section | None:
    """Main figures per business stream (landlord.yaml) and TP09 per scheme."""
    if not ctx.landlord.business_streams:
        return None
    section = Section("business-streams", "Business streams")
    m, y = ctx.measures, ctx.year
    streams = [*ctx.landlord.business_streams, "other schemes", "unknown"]
    present = set(m.breakdown("received_1", y, "business_stream")["breakdown_value"].to_list())
    present |= set(m.breakdown("TP09", y, "business_stream")["breakdown_value"].to_list())
    columns = [
        ("Stage 1 received", "received_1", None),
        ("Stage 2 received", "received_2", None),
        (in_time_name(1, "management"), "response_in_time_1", "management"),
        (ack_name(1), "ack_in_time_1", None),
        ("Compensation paid", "compensation_paid_gbp", None),
        ("TP09 (%)", "TP09", "regulator"),
    ]
    records = [
        [stream if stream in ctx.landlord.business_streams else label(stream)]
        + [
            shown_in_group(
                m.get(measure, y, "business_stream", stream, view), m.get(measure, y, view=view)
            )
            for _, measure, view in columns
        ]
        for stream in streams
        if stream in present
    ]
    section.text(
        "Each scheme's figures added up to the business stream it belongs to "
        "(numerators and denominators added, never rates averaged)."
    )
    section.add_table(
        data_table(
            "tbl-business-streams",
            f"Figures by business stream, {y.label}",
            pl.DataFrame(
                records, schema=["Business stream"] + [c for c, _, _ in columns], orient="row"
            ),
            # the acknowledgement and all-answers columns are defined as in the scheme table (in
            # Scotland, stage 1 has no acknowledgement step: its '–' is not a missed one)
            note=(
                f"{NONE_RECORDED}: none recorded in that business stream this year. "
                if any(NONE_RECORDED in record for record in records)
                else ""
            )
            + (f"{money_note} " if (money_note := money_not_recorded_note(m, [(None, y)])) else "")
            + handling_definitions(ctx.landlord.regimes),
        )
        if records
        else None,
        empty=f"Figures by business stream: {NOT_AVAILABLE} (no scheme recorded).",
    )
    breakdown_block(
        section,
        "tp09-scheme",
        f"TP09 satisfaction with complaint handling by scheme, {y.label}",
        m,
        "TP09",
        y,
        "scheme",
        heading="Scheme",
        value_heading="TP09 (%)",
        view="regulator",
        empty="TP09 by scheme: the survey records no scheme.",
    )
    return section


def policies_applied(ctx: ReportContext) -> Section:
    """The policy versions the figures follow, with the landlord's identity and agents."""
    section = Section("policies-applied", "The policies applied")
    landlord = ctx.landlord
    if landlord.rsh_registration:
        registration = (
            f"is registered with the Regulator of Social Housing as {landlord.rsh_registration}"
        )
    elif "eng" in landlord.regimes:
        registration = (
            "has no Regulator of Social Housing registration number recorded here (a landlord "
            "under 1,000 homes publishes its TSMs but does not submit them)"
        )
    else:  # the TSMs and the RSH are England's; Scottish homes report to the SHR (ARC)
        registration = (
            "has homes in Scotland only: it reports to the Scottish Housing Regulator (the ARC "
            "indicators), not the Tenant Satisfaction Measures"
        )
    section.text(f"{landlord.name} {registration}.")
    if landlord.managing_agents:
        section.text(
            "Complaints about homes run by our managing agents ("
            + ", ".join(landlord.managing_agents)
            + ") are handled by them under our policy and counted in every figure."
        )
    records = [
        [
            f"{version.effective_from:%-d %B %Y}",
            landlord_text(landlord, version.source) or "not stated",
            "none stated"
            if version.complaint_time_limit_months is None
            else f"{version.complaint_time_limit_months} month"
            + ("" if version.complaint_time_limit_months == 1 else "s")
            + " from first knowing of the issue",
            describe_window(version.escalation_window),
            "yes" if version.anonymous_accepted else "no (counted as excluded)",
            ", ".join(SEPARATE_POLICY_NAMES[p] for p in version.separate_policies) or "none",
            ", ".join(label(a) for a in version.outside_tsm_service_areas) or "none",
        ]
        for version in landlord.policy_versions
    ]
    section.add_table(
        data_table(
            "tbl-policy-versions",
            "Policy versions applied (a stage follows the version in force when it was received)",
            pl.DataFrame(
                records,
                schema=[
                    "In force from",
                    "Policy document",
                    "Time limit for complaining",
                    "Escalation window",
                    "Anonymous complaints accepted",
                    "Handled under a separate policy",
                    "Outside the TSM count",
                ],
                orient="row",
            ),
            align_right=[],
        )
    )
    if landlord.closures:
        section.add_table(
            data_table(
                "tbl-closures",
                "Closure days (not working days in any deadline)",
                pl.DataFrame(
                    closure_rows(landlord),
                    schema=["Date", "Where", "Reason"],
                    orient="row",
                ),
                align_right=[],
            )
        )
    return section


# Annual report anchor id -> the policy sections that follow it (in order).
PLACEMENT: tuple[tuple[str, tuple], ...] = (
    ("refusals", (who_complained,)),
    ("timeliness", (handling_rules,)),
    ("ombudsman", (ombudsman_orders,)),
    ("satisfaction", (survey_coverage,)),
    ("schemes", (business_streams,)),
    ("board-response", (policies_applied,)),
)


def place_policy_sections(sections: list[Section], ctx: ReportContext) -> list[Section]:
    """``sections`` with the policy sections inserted after the ones they belong with.

    A section whose anchor is not in the document (the scheme section, say, when the exports
    carry no scheme) goes just before the appendix, or at the end when there is none.
    """
    out = list(sections)
    for anchor, builders in PLACEMENT:
        built = [s for s in (build(ctx) for build in builders) if s is not None]
        if not built:
            continue
        ids = [s.id for s in out]
        if anchor in ids:
            at = ids.index(anchor) + 1
        else:
            at = ids.index("appendix") if "appendix" in ids else len(out)
        out[at:at] = built
    return out


def closure_rows(landlord: Landlord) -> list[list[str]]:
    """The closures table's rows: a closure of several days is one row, its first and last day."""
    rows = []
    for closure in landlord.closures:
        when = f"{closure.date:%-d %B %Y}"
        if closure.to is not None and closure.to != closure.date:
            when += f" to {closure.to:%-d %B %Y}"
        reason = landlord_text(landlord, closure.reason) or "not stated"
        rows.append([when, ", ".join(label(r) for r in closure.regimes), reason])
    return rows
