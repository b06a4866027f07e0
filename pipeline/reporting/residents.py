"""The learning summary for residents: what complaints told us and what changed (seed 003 s26.5).

Homes Plus publishes "wider learning and improvements from complaints ... at least quarterly"; the
others share performance with residents at least yearly. The summary is a published document: the
figures come from the ``measures`` table with counts under 5 suppressed, and the timeliness shown is
the regulator's figure (the Code's, or the SPSO's, extension limits), not the landlord's own
management view. It ends with how to complain and the Ombudsman's (or SPSO's) contact details.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import duckdb
import polars as pl

from pipeline.config import Landlord
from pipeline.periods import Period, ReportingYear, to_data_cut
from pipeline.reporting import suppression
from pipeline.reporting.blocks import (
    NOT_AVAILABLE,
    Metric,
    Section,
    breakdown_block,
    metric_table,
    noun,
    shown,
)
from pipeline.reporting.committee import as_of_date
from pipeline.reporting.data import Measures, query_frame, table_exists
from pipeline.reporting.labels import in_sentence, label, shown_text
from pipeline.reporting.tables import data_table


@dataclass(frozen=True)
class Ombudsman:
    """An independent body residents can take a complaint to, and how to reach it."""

    name: str
    when: str
    phone: str = ""
    email: str = ""
    web: str = ""
    post: str = ""

    def line(self) -> str:
        ways = [
            f"phone {self.phone}" if self.phone else "",
            f"email {self.email}" if self.email else "",
            f"online at {self.web}" if self.web else "",
            f"by post to {self.post}" if self.post else "",
        ]
        return f"{self.name}: {self.when} Contact: {'; '.join(w for w in ways if w)}."


# Published contact details (the seed policies print the Housing Ombudsman's and the SPSO's).
HOUSING_OMBUDSMAN = Ombudsman(
    "Housing Ombudsman Service (England)",
    "if you are unhappy with our final response, or we have not answered you, you can ask the "
    "Ombudsman to look at your complaint; you can also contact them for advice at any time.",
    phone="0300 111 3000",
    email="info@housing-ombudsman.org.uk",
    web="www.housing-ombudsman.org.uk",
    post="Housing Ombudsman Service, PO Box 1484, Unit D, Preston, PR2 0ET",
)
SPSO = Ombudsman(
    "Scottish Public Services Ombudsman (Scotland)",
    "if you are still unhappy after our stage 2 response, you can ask the SPSO to look at your "
    "complaint.",
    phone="0800 377 7330",
    web="www.spso.org.uk",
)
ENERGY_OMBUDSMAN = Ombudsman(
    "Energy Ombudsman (heat networks)",
    "if a complaint about your heat supply is not resolved within 8 weeks, or we send you a "
    "deadlock letter, you can take it to the Energy Ombudsman.",
    phone="0330 440 1624",
    web="www.energyombudsman.org",
)
CARE_OMBUDSMAN = Ombudsman(
    "Local Government and Social Care Ombudsman (care services in England)",
    "complaints about care services can go to the Local Government and Social Care Ombudsman.",
    phone="0300 061 0614",
    web="www.lgo.org.uk",
)
CARE_INSPECTORATE = Ombudsman(
    "Care Inspectorate (care services in Scotland)",
    "you can complain about a care service directly to the Care Inspectorate.",
    web="www.careinspectorate.com",
)


def ombudsmen(landlord: Landlord, measures: Measures, period: Period) -> list[Ombudsman]:
    """The bodies this landlord's residents can go to: the Housing Ombudsman in England, the SPSO
    in Scotland, the Energy Ombudsman where heat-network rules apply, and the care bodies where
    care complaints are recorded."""
    bodies = []
    if "eng" in landlord.regimes:
        bodies.append(HOUSING_OMBUDSMAN)
    if "sct" in landlord.regimes:
        bodies.append(SPSO)
    # Only once Ofgem's heat-network rules apply under the policy (from their configured date).
    if any(
        v.heat_network_rules_from is not None and v.heat_network_rules_from <= period.end
        for v in landlord.policy_versions
    ):
        bodies.append(ENERGY_OMBUDSMAN)
    care = measures.get("care_complaints", period)
    if care is not None and care["display"] not in ("0", "[U]"):
        bodies += [CARE_OMBUDSMAN] if "eng" in landlord.regimes else []
        bodies += [CARE_INSPECTORATE] if "sct" in landlord.regimes else []
    return bodies


def changes_made(
    con: duckdb.DuckDBPyConnection,
    landlord_id: str,
    period: Period,
    as_of: dt.date,
    *,
    published: bool,
) -> pl.DataFrame:
    """Service improvements of the period, each change listed once, with its status on ``as_of``.

    An improvement is listed when it was raised or completed in the period, or is overdue on
    ``as_of`` (due before it and not completed by it). Actions with the same theme and wording
    (the same change made again for other complaints) are one line: their linked complaints are
    counted once each, and the line is overdue when any of them is, done when all are.
    Completions after ``as_of`` are not known yet. Counts of linked complaints from 1 to 4 are
    shown as ``<5`` in the published version.
    """
    if not table_exists(con, "learning_action"):
        return pl.DataFrame()
    frame = query_frame(
        con,
        """
        with actions as (
            select
                action_ref,
                trim(theme) as theme,
                trim(description) as description,
                -- a withheld text (stored 'other', see labels.WITHHELD_TEXT) is its own change
                case when trim(description) = 'other' then action_ref
                     else lower(trim(description)) end as wording,
                linked_complaint_ids,
                raised_date,
                due_date,
                case when completed_date <= $as_of then completed_date end as completed_date
            from learning_action
            where landlord_id = $landlord_id and raised_date <= $as_of
        ),
        listed as (
            select *,
                completed_date is null and due_date < $as_of as overdue
            from actions
            where raised_date between $start and $end
               or completed_date between $start and $end
               or (completed_date is null and due_date < $as_of)
        ),
        linked as (
            select lower(theme) as theme_key, wording,
                   count(distinct complaint_id) as linked
            from listed, unnest(coalesce(linked_complaint_ids, []::varchar[])) as t(complaint_id)
            group by all
        )
        select
            min(l.theme) as theme,
            min(l.description) as description,
            coalesce(any_value(k.linked), 0) as linked,
            bool_or(l.overdue) as overdue,
            bool_and(l.completed_date is not null) as done,
            count(*) as actions,
            count(*) filter (where l.overdue) as actions_overdue,
            count(*) filter (where l.completed_date is not null) as actions_done,
            min(l.due_date) filter (where l.overdue) as overdue_since,
            max(l.completed_date) as completed,
            max(l.due_date) filter (where l.completed_date is null) as due,
            min(l.raised_date) as raised
        from listed as l
        left join linked as k
            on k.theme_key = lower(l.theme) and k.wording = l.wording
        group by lower(l.theme), l.wording
        order by overdue desc, done, theme, raised
        """,
        {
            "landlord_id": landlord_id,
            "start": period.start,
            "end": period.end,
            "as_of": as_of,
        },
    )
    if frame.is_empty():
        return frame
    if published:  # counts of complaints behind each change: the central rule
        frame = suppression.suppress_table(frame, ["linked"])
    linked = pl.col("linked").cast(pl.String)
    # several overdue actions have several due dates: the one given is the earliest, said so
    # (housing21 2025/26: "2 overdue (due 27 November 2025)" for actions due 27 November and
    # 25 January, as the committee pack's list of overdue improvements shows them)
    overdue_due = pl.when(pl.col("actions_overdue") > 1).then(pl.lit("earliest due ")).otherwise(
        pl.lit("due ")
    ) + pl.col("overdue_since").dt.strftime("%-d %B %Y")
    single = (
        pl.when(pl.col("overdue"))
        .then(pl.lit("Overdue: ") + overdue_due)
        .when(pl.col("done"))
        .then(pl.lit("Done ") + pl.col("completed").dt.strftime("%B %Y"))
        .when(pl.col("due").is_not_null())
        .then(pl.lit("In progress: due ") + pl.col("due").dt.strftime("%-d %B %Y"))
        .otherwise(pl.lit("In progress"))
    )
    # The same change made for several complaints is one line; when its actions stand apart
    # (one done, another overdue) each state is told with its count, so a completed action is
    # never hidden behind another's "Overdue" and the "completed" count can be traced here.
    in_progress = pl.col("actions") - pl.col("actions_overdue") - pl.col("actions_done")
    parts = pl.concat_str(
        [
            pl.when(pl.col("actions_overdue") > 0).then(
                pl.format("{} overdue ({})", "actions_overdue", overdue_due)
            ),
            pl.when(pl.col("actions_done") > 0).then(
                pl.format(
                    "{} done (latest {})", "actions_done", pl.col("completed").dt.strftime("%B %Y")
                )
            ),
            pl.when(in_progress > 0).then(pl.format("{} in progress", in_progress)),
        ],
        separator="; ",
        ignore_nulls=True,
    )
    mixed = (
        (pl.col("actions_overdue") > 0).cast(pl.Int8)
        + (pl.col("actions_done") > 0).cast(pl.Int8)
        + (in_progress > 0).cast(pl.Int8)
    )
    status = pl.when(mixed > 1).then(pl.lit("Actions: ") + parts).otherwise(single)
    return frame.select(
        pl.col("theme").alias("Theme"),
        shown_text("description").alias("What we changed"),
        linked.alias("Complaints that led to it"),
        status.alias("Where it stands"),
    )


def how_we_did(measures: Measures, landlord: Landlord, period: Period):
    """The Regulator's timeliness figures, first-stage resolution and promised actions.

    England's figure is CH02, on the stock type the annual report headlines (the TSM return's):
    the same number as the annual report, never another population under the same words.
    Scotland's is every answer sent in the period against the SPSO's limits, named as such;
    Scotland's stage 1 has no acknowledgement step.
    """
    from pipeline.reporting.annual import headline_stock_type

    year = ReportingYear.containing(period.start)
    stock = headline_stock_type(measures, year)
    metrics = []
    if "eng" in landlord.regimes:
        prefix = "England: " if "sct" in landlord.regimes else ""
        metrics += [
            Metric(
                f"{prefix}first-stage complaints answered in time (CH02, %)",
                "CH02_1",
                "stock_type",
                stock,
                "regulator",
            ),
            Metric(
                f"{prefix}second-stage complaints answered in time (CH02, %)",
                "CH02_2",
                "stock_type",
                stock,
                "regulator",
            ),
        ]
    if "sct" in landlord.regimes:
        prefix = "Scotland: " if "eng" in landlord.regimes else ""
        breakdown, value = ("regime", "sct") if prefix else ("none", "all")
        metrics += [
            Metric(
                f"{prefix}all first-stage answers sent within the SPSO's time limits (%)",
                "response_in_time_1",
                breakdown,
                value,
                "regulator",
            ),
            Metric(
                f"{prefix}all second-stage answers sent within the SPSO's time limits (%)",
                "response_in_time_2",
                breakdown,
                value,
                "regulator",
            ),
        ]
    both = {"eng", "sct"} <= set(landlord.regimes)
    for regime, prefix in [("eng", "England: "), ("sct", "Scotland: ")] if both else [(None, "")]:
        breakdown = "none" if regime is None else "regime"
        value = "all" if regime is None else regime
        metrics += [
            Metric(
                f"{prefix}first-stage complaints acknowledged in time (%)",
                "ack_in_time_1",
                breakdown,
                value,
            ),
            Metric(
                f"{prefix}complaints sorted out at the first stage (%)",
                "resolved_stage1",
                breakdown,
                value,
                "management",
            ),
        ]
    metrics.append(
        Metric("Actions we promised that were done on time (%)", "promised_actions_on_time")
    )
    # a quarter's CH02 is not the figure the annual report gives (the year's): said so, so a
    # resident comparing the two does not find two figures for one
    received = (
        f"the period, {in_sentence(label(stock))} homes, as in our annual report"
        if period.kind == "year"
        else f"{period.label}, {in_sentence(label(stock))} homes; our annual report gives the "
        "whole year's"
    )
    note = (
        f"CH02: the Regulator's measure (tenants' complaints in England received in {received}), "
        "which counts an extension only up to the Complaint Handling Code's limit."
    )
    # design.md s5: until a first-stage answer's escalation window has closed, "sorted out at
    # the first stage" can still fall, and the documents say so (as the annual report does)
    provisional = measures.get("resolved_stage1_provisional", period)
    if provisional is not None and provisional["value"] == 1:
        note += (
            " Complaints sorted out at the first stage: provisional, as some residents who had a"
            " first-stage answer recently can still ask us to look at their complaint again."
        )
    # a row begins with a capital, with or without a country before it
    metrics = [replace(m, label=m.label[:1].upper() + m.label[1:]) for m in metrics]
    withheld = withheld_reasons(measures, metrics, period, landlord)
    table = metric_table(
        "tbl-residents-how",
        f"How we handled complaints, {period.label}",
        measures,
        metrics,
        [(period.label, period)],
        first_heading="What we measure",
        note=f"{note} {withheld}".strip(),
    )
    return table


def withheld_reasons(
    measures: Measures, metrics: list[Metric], period: Period, landlord: Landlord
) -> str:
    """Why each ``[c]`` of the table is withheld, in its own words (its ``suppressed_reason``).

    A figure hidden only to protect another rests on many complaints (housing21 2025-26: CH02
    stage 2 for LCRA homes, 154 of 172, is withheld because with the figure for all homes and the
    LCHO homes' CH01, published in the annual report, it would give LCHO's 3 late complaints
    back): saying "fewer than 5 complaints are behind it" would misstate it.
    """
    threshold = landlord.thresholds.small_number_suppression
    because: dict[str, list[str]] = {}
    for metric in metrics:
        row = measures.get(
            metric.measure, period, metric.breakdown, metric.breakdown_value, metric.view
        )
        if row is not None and row.get("suppressed") and row.get("display") == "[c]":
            reason = suppression.withheld_because(row.get("suppressed_reason"), threshold)
            name = metric.label.split(" (")[0]
            # in the sentence's flow, but "England", "Scotland" and "SPSO" keep their capitals
            if not name.startswith(("England", "Scotland")):
                name = name[:1].lower() + name[1:]
            because.setdefault(reason, []).append(name)
    return " ".join(
        f"[c] ({'; '.join(labels)}): not shown: {reason}." for reason, labels in because.items()
    )


def complaints_contact_lines(landlord: Landlord) -> list[str]:
    """How to complain to the landlord, from landlord.yaml ``complaints_contact``."""
    contact = landlord.complaints_contact
    lines = [
        f"Phone: {contact.phone}" if contact.phone else "",
        f"Email: {contact.email}" if contact.email else "",
        f"Online: {contact.web}" if contact.web else "",
        f"Write to: {contact.post}" if contact.post else "",
        f"In person: {contact.in_person}" if contact.in_person else "",
    ]
    return [line for line in lines if line]


# The Housing Ombudsman's Code (England): each stage acknowledged, defined and answered in writing.
_ENGLAND_NEXT = (
    "we will acknowledge your complaint, agree with you what it is about and reply in writing."
)
# The SPSO model (Scotland): stage 1 (frontline response) has no acknowledgement step and may be
# answered in person or by phone; stage 2 (investigation) is acknowledged and answered in writing.
_SCOTLAND_NEXT = (
    "we try to resolve your complaint quickly at stage 1 (frontline response), with no separate "
    "acknowledgement, and may give our answer in person or by phone; if you are still unhappy, or "
    "the complaint needs investigating, stage 2 (investigation) is acknowledged and answered in "
    "writing."
)


def what_happens_next(regimes) -> str:
    """What happens once a resident complains, in the words of each country's procedure."""
    england, scotland = "eng" in regimes, "sct" in regimes
    if england and scotland:
        return f"In England, {_ENGLAND_NEXT} In Scotland, {_SCOTLAND_NEXT}"
    if scotland:
        return _SCOTLAND_NEXT[0].upper() + _SCOTLAND_NEXT[1:]
    return _ENGLAND_NEXT[0].upper() + _ENGLAND_NEXT[1:]


def how_to_complain(landlord: Landlord, measures: Measures, period: Period) -> Section:
    """How to complain to us, and the bodies residents can go to if they are still unhappy."""
    section = Section("how-to-complain", "How to complain")
    section.text(
        "You can complain in whatever way suits you: by phone, in writing, by email, online or by "
        "telling any member of staff. Someone can complain for you with your permission. "
        + what_happens_next(landlord.regimes)
    )
    section.bullets(complaints_contact_lines(landlord))
    section.text("If you are not happy with how we dealt with your complaint:")
    section.bullets([body.line() for body in ombudsmen(landlord, measures, period)])
    return section


def residents_data_cut_intro(period: Period, data_cut: dt.date) -> str:
    """The summary's words for residents when its quarter reaches past the data cut, else ""."""
    cut = f"{data_cut:%-d %B %Y}"
    if period.end <= data_cut:
        return ""
    if period.start > data_cut:
        return (
            f"We do not have figures for {period.label} yet: the information this summary is "
            f"made from stops on {cut}."
        )
    return (
        f"The information this summary is made from stops on {cut}, so its figures for "
        f"{period.label} cover {period.start:%-d %B %Y} to {cut} only."
    )


def learning_sections(
    con: duckdb.DuckDBPyConnection,
    landlord: Landlord,
    measures: Measures,
    period: Period,
    data_cut: dt.date,
) -> list[Section]:
    """Plain-language sections: what you told us, what we changed, how we did, how to complain.

    Parameters
    ----------
    con
        The landlord's DuckDB (read only): the changes come from ``learning_action``.
    landlord
        landlord.yaml: regimes, heat-network rules, how to complain.
    measures
        The period's measure rows, counts under 5 suppressed (a published document).
    period
        A quarter, or the reporting year.
    data_cut
        The date the exports were taken: an action's status is as known on the earlier of it and
        the period end.
    """
    as_of = as_of_date(period, data_cut)
    told = Section("told-us", "What your complaints told us")
    if period.start > data_cut:
        # nothing after the cut is loaded: "no complaints were recorded" would be untrue
        told.text(
            f"Complaints in {period.label}: {NOT_AVAILABLE} yet. The information this summary is "
            f"made from stops on {data_cut:%-d %B %Y}, before {period.label} began."
        )
        how = Section("how-we-did", "How well we handled complaints")
        how.text(f"Figures for {period.label}: {NOT_AVAILABLE} yet.")
        changed = _changes_section(con, landlord, period, as_of)
        return [told, changed, how, how_to_complain(landlord, measures, period)]
    if period.kind != "year":
        # a quarter the cut falls in is named as far as the data reaches (a year is "to date")
        period = to_data_cut(period, data_cut)
    received = measures.get("complaints_received", period)
    if received is not None:
        complaints = noun(received, "complaint", "complaints")
        told.text(f"In {period.label} residents made {shown(received)} {complaints} to us.")
    breakdown_block(
        told,
        "residents-area",
        "Complaints by the service they were about",
        measures,
        "complaints_received",  # the complaints the sentence above counts, by service
        period,
        "service_area",
        heading="Service",
        value_heading="Complaints",
        chart_summary="The service residents complained about most was {top} ({top_value} "
        "complaints).",
        empty="No complaints were recorded for this period.",
    )
    breakdown_block(
        told,
        "residents-theme",
        "The most common reasons behind complaints",
        measures,
        "root_cause",
        period,
        "root_cause",
        heading="Reason",
        value_heading="Complaints",
    )

    changed = _changes_section(con, landlord, period, as_of)
    how = Section("how-we-did", "How well we handled complaints")
    how.add_table(how_we_did(measures, landlord, period), empty="No figures for this period.")

    return [told, changed, how, how_to_complain(landlord, measures, period)]


def _changes_section(
    con: duckdb.DuckDBPyConnection, landlord: Landlord, period: Period, as_of: dt.date
) -> Section:
    changed = Section("changed", "What we changed")
    actions = changes_made(con, landlord.landlord_id, period, as_of, published=True)
    if actions.height:
        changed.text(
            "Each change below came from complaints. We list each change once, say how many "
            "complaints led to it (never details of anyone's case) and where it stood on "
            f"{as_of:%-d %B %Y}. Changes we have not finished by the date we set are marked "
            "overdue."
        )
        changed.add_table(
            data_table(
                "tbl-residents-changes",
                "Changes we made or are making",
                actions,
                align_right=["Complaints that led to it"],
            )
        )
    else:
        changed.note("No service improvements were recorded for this period.")
    return changed
