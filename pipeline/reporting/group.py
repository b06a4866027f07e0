"""The housing group's report: every member landlord side by side, and the group's combined figures.

A group runs each member into its own warehouse (``output/warehouse/<landlord>.duckdb``);
:func:`pipeline.group_views.open_group` reads them all read-only. The group report shows each
member's figures (rows of that member's ``measures`` table) beside the group's, which are combined
by ``sql/group/combine_measures.sql`` under the same rules as any combined figure (numerators and
denominators added, never rates averaged; round half up; ``[U]`` for a zero denominator) and written
beside the report as ``group_measures.csv``, so every group figure printed is one row there.
It is written to ``output/group/<period>/``, beside the members' own ``output/<landlord>/<period>/``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import duckdb
import polars as pl
from markupsafe import Markup

from pipeline import workspaces
from pipeline.config import ConfigError, load_landlord
from pipeline.io import _FORMULA_PREFIXES, atomic_write_text
from pipeline.periods import Period, ReportingYear, to_data_cut
from pipeline.reporting.blocks import Metric, Section, breakdown_block, shown
from pipeline.reporting.committee import TIMELINESS_METRICS, VOLUME_METRICS
from pipeline.reporting.data import MEASURE_COLUMNS, Measures, query_frame
from pipeline.reporting.labels import HANDLING_NAMES
from pipeline.reporting.pdf import PdfPrinter
from pipeline.reporting.suppression import suppress_combined, suppress_small_numbers
from pipeline.reporting.tables import data_table
from pipeline.rounding import ROUND_HALF_UP_MACRO
from pipeline.sql import load_sql

GROUP_ID = "group"
# The characters pipeline.io.safe_cell neutralises, as one pattern for a whole column at once.
_FORMULA_START = "^[" + re.escape("".join(_FORMULA_PREFIXES)) + "]"

HEADLINE_METRICS = (
    VOLUME_METRICS
    + [
        Metric(
            f"Stage {n} per 1,000 homes, LCRA (CH01)",
            f"CH01_{n}",
            "stock_type",
            "lcra",
            "regulator",
        )
        for n in (1, 2)
    ]
    + [
        Metric(
            f"Stage {n} answered in time, LCRA (CH02, %)",
            f"CH02_{n}",
            "stock_type",
            "lcra",
            "regulator",
        )
        for n in (1, 2)
    ]
    + [
        Metric(
            "Satisfaction with complaint handling, LCRA (TP09, %)",
            "TP09",
            "stock_type",
            "lcra",
            "regulator",
        ),
        Metric("TP09 respondents, LCRA", "TP09_respondents", "stock_type", "lcra", "regulator"),
    ]
)

HANDLING_METRICS = TIMELINESS_METRICS + [
    Metric("Resolved at stage 1 (%)", "resolved_stage1"),
    # both stages, named as the members' own reports name them (refused_1 alone was
    # "Complaints refused", read as every refusal)
    Metric(HANDLING_NAMES["refused_1"], "refused_1"),
    Metric(HANDLING_NAMES["refused_2"], "refused_2"),
    Metric("Compensation paid", "compensation_paid_gbp"),
    Metric("Stage 1 complaints open past their deadline at the period end", "overdue_1"),
    Metric("Stage 2 complaints open past their deadline at the period end", "overdue_2"),
]

OMBUDSMAN_METRICS = [
    Metric("Ombudsman cases referred", "ombudsman_referred"),
    Metric("Ombudsman determinations", "ombudsman_determinations"),
    Metric("Ombudsman findings", "ombudsman_findings"),
    Metric("Maladministration rate (% of findings)", "ombudsman_maladministration_rate"),
    Metric("Ombudsman cases in progress at the period end", "open_ombudsman_cases"),
    Metric("Complaint Handling Failure Orders issued", "chfo_issued"),
    Metric("Service improvements overdue at the period end", "overdue_learning_actions"),
    Metric("Promised actions overdue at the period end", "overdue_promised_actions"),
]


@dataclass(frozen=True)
class Member:
    """A member landlord: its id, its name, its data cut (when its workspace is at hand) and its
    figures."""

    landlord_id: str
    name: str
    data_cut: dt.date | None
    measures: Measures


def combine_group_measures(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The group's combined measure rows (``sql/group/combine_measures.sql``) from the ``measures``
    view of :func:`pipeline.group_views.open_group`; columns as the measures table plus
    ``members`` (how many members have the row)."""
    con.execute(ROUND_HALF_UP_MACRO)
    return con.sql(load_sql("group/combine_measures.sql"), params={"group_id": GROUP_ID}).pl()


def member_identity(
    landlord_id: str, root: Path | None = None
) -> tuple[str, dt.date | None, int | None]:
    """The member's name, data cut and small-number threshold from its landlord.yaml when the
    workspace is at hand (the group command may run where only the warehouses are), else its id
    and None, None."""
    try:
        landlord = load_landlord(Path(root or workspaces.workspaces_root()) / landlord_id)
    except ConfigError:
        return landlord_id, None, None
    return landlord.name, landlord.data_cut_date, landlord.thresholds.small_number_suppression


def members_of(
    con: duckdb.DuckDBPyConnection, period: Period, *, published: bool, threshold: int = 5
) -> tuple[list[Member], Measures]:
    """Each member's rows for ``period`` and the group's combined rows (suppressed if published)."""
    rows = query_frame(
        con,
        f"select group_landlord, {', '.join(MEASURE_COLUMNS)} from measures "  # noqa: S608
        "where period = ?",
        [period.key],
    )
    group = combine_group_measures(con).filter(pl.col("period") == period.key)
    members = []
    for (landlord_id,), frame in sorted(rows.partition_by("group_landlord", as_dict=True).items()):
        frame = frame.select(MEASURE_COLUMNS)
        name, cut, own_threshold = member_identity(landlord_id)
        if published:
            # A member's column hides what its own published reports hide (a member may hide
            # more than the group does), so no document shows one of its figures another hides.
            frame = suppress_small_numbers(frame, max(threshold, own_threshold or threshold))
        members.append(Member(landlord_id, name, cut, Measures(frame)))
    group = group.select(MEASURE_COLUMNS)
    if published:
        # Each member's column is published beside the group's: a group figure must not give
        # away a member's hidden one by subtraction.
        group = suppress_combined([m.measures.frame for m in members], group, threshold)
    return members, Measures(group)


def members_without_figures(
    con: duckdb.DuckDBPyConnection, members: list[Member], period: Period
) -> str | None:
    """Why the group report for ``period`` cannot be written when a member in the group has no
    measures rows for it (not run for that period, or its data cut is before the period begins),
    else None.

    The group's figures add the members' rows: a member without rows would drop out of every
    total, and the report would present the others' sum as the group's.
    """
    having = {m.landlord_id for m in members}
    everyone = [row[0] for row in con.execute("select landlord_id from group_landlords").fetchall()]
    missing = [landlord for landlord in everyone if landlord not in having]
    if not missing:
        return None
    reasons = []
    for landlord_id in missing:
        name, cut, _ = member_identity(landlord_id)
        if cut is not None and cut < period.start:
            reasons.append(
                f"{name} ({landlord_id}): its data cut, {cut:%-d %B %Y}, is before the period "
                "begins; load its newer exports and run it"
            )
        else:
            year = ReportingYear.containing(period.start).key
            reasons.append(
                f"{name} ({landlord_id}): not run for {period.key}; run "
                f"'complaints run --landlord {landlord_id} --year {year}'"
            )
    return (
        f"the group report for {period.label} would leave out members with no figures for it, "
        "so its totals would not be the group's: " + "; ".join(reasons) + ". Or name the members "
        "to report on with --landlord."
    )


def side_by_side(
    table_id: str,
    caption: str,
    metrics: list[Metric],
    members: list[Member],
    group: Measures,
    period: Period,
):
    """Rows the metrics, columns each member then the group; a member without the row shows
    'not available'."""
    entities = [(m.name, m.measures) for m in members] + [("Group", group)]
    records = []
    for metric in metrics:
        cells = [
            measures.get(
                metric.measure, period, metric.breakdown, metric.breakdown_value, metric.view
            )
            for _, measures in entities
        ]
        if any(cell is not None for cell in cells):
            records.append([metric.label, *(shown(cell) for cell in cells)])
    frame = pl.DataFrame(records, schema=["Measure", *(name for name, _ in entities)], orient="row")
    return data_table(table_id, caption, frame)


def shown_period(members: list[Member], period: Period) -> Period:
    """The period as far as the data reaches ("Q1 2026/27 to 30 April 2026") when every member's
    data cut is the same day inside it; else the period (:func:`cut_notes` names each cut)."""
    cuts = {m.data_cut for m in members}
    if len(cuts) == 1 and None not in cuts:
        return to_data_cut(period, cuts.pop())
    return period


def cut_notes(members: list[Member], period: Period) -> list[str]:
    """What a reader must know of a period the members' data cuts fall in: how far the figures
    reach, and which members' rates per 1,000 homes divide by the previous year end's homes
    (a year in progress, its count not taken yet)."""
    notes = []
    inside = [m for m in members if m.data_cut and period.start <= m.data_cut < period.end]
    if inside and len({m.data_cut for m in members}) == 1:
        cut = inside[0].data_cut
        notes.append(
            f"The data cut, {cut:%-d %B %Y}, falls inside {period.label}: figures count what "
            f"happened from {period.start:%-d %B %Y} to {cut:%-d %B %Y}, and positions at the "
            f"period end are as at {cut:%-d %B %Y}."
        )
    elif inside:
        named = "; ".join(f"{m.name}, {m.data_cut:%-d %B %Y}" for m in inside)
        notes.append(
            f"These members' data cuts fall inside {period.label}, so their figures count "
            f"only to that date and their positions at the period end are as at it: {named}. "
            "The group column adds figures that reach different dates."
        )
    year = ReportingYear.containing(period.start)
    carried = [
        m.name
        for m in members
        if (row := m.measures.get("stock_previous_year_end", period)) is not None
        and row["value"] == 1
    ]
    if carried:
        notes.append(
            f"Complaints per 1,000 homes of {', '.join(carried)} divide by the homes owned at "
            f"{year.start - dt.timedelta(days=1):%-d %B %Y}, the latest count: the count at "
            f"{year.end:%-d %B %Y} is taken when the year ends."
        )
    return notes


def group_sections(
    members: list[Member], group: Measures, period: Period, report_paths: dict[str, list[Path]]
) -> list[Section]:
    notes = cut_notes(members, period)
    period = shown_period(members, period)
    names = ", ".join(m.name for m in members)
    summary = Section("group-summary", "The group at a glance")
    summary.text(
        # The members are named, not counted: "4 members" reads as a small count of people.
        f"The group's member landlords in {period.label}: {names}. Each member's column is its "
        "own figure; the group column adds the members' numerators and denominators (a rate is "
        "never an average of rates). LCRA figures for members with low-cost rental homes."
    )
    for note in notes:
        summary.text(note)
    summary.add_table(
        side_by_side(
            "tbl-group-headline",
            f"Headline measures by member, {period.label}",
            HEADLINE_METRICS,
            members,
            group,
            period,
        ),
        empty="No headline figures for this period.",
    )
    handling = Section("group-handling", "Complaint handling")
    handling.add_table(
        side_by_side(
            "tbl-group-handling",
            f"Complaint handling by member, {period.label}",
            HANDLING_METRICS,
            members,
            group,
            period,
        )
    )
    ombudsman = Section("group-ombudsman", "Ombudsman cases and overdue actions")
    ombudsman.add_table(
        side_by_side(
            "tbl-group-ombudsman",
            f"Ombudsman casework and overdue actions by member, {period.label}",
            OMBUDSMAN_METRICS,
            members,
            group,
            period,
        )
    )
    themes = Section("group-themes", "Where the group's complaints came from")
    breakdown_block(
        themes,
        "group-area",
        f"Stage 1 complaints across the group by service area, {period.label}",
        group,
        "received_1",
        period,
        "service_area",
        heading="Service area",
        value_heading="Complaints",
        chart_summary="Across the group, {top} had the most stage 1 complaints ({top_value}).",
        empty="No stage 1 complaints this period.",
    )
    reports = Section("group-members", "Members' own reports")
    lines = member_report_items(members, report_paths)
    if lines:
        reports.text("Each member's own documents for the period, beside this report:")
        reports.bullets(lines)
    else:
        reports.note("No member document for this period was found under the output folder.")
    return [summary, handling, ombudsman, themes, reports]


# A member's document by its file name, as a reader knows it (an unlisted one by its name).
DOCUMENT_NAMES = {
    "annual_report_published": "annual complaints report",
    "annual_report": "annual complaints report (internal)",
    "learning_summary": "learning summary",
    "scheme_reports": "scheme and business-unit reports",
    "self_assessment": "Complaint Handling Code self-assessment",
    "data_quality": "data-quality report (internal)",
    "committee_pack": "committee pack (internal)",
}


def member_report_items(members, report_paths: dict) -> list[Markup]:
    """One list item per member with documents: its name, then a link to each, named for what it
    is. The paths are relative to the output root; the group report is two folders below it
    (``group/<period>/``), so each link climbs two folders."""
    items = []
    for member in members:
        paths = report_paths.get(member.landlord_id)
        if not paths:
            continue
        links = Markup(", ").join(
            Markup('<a href="{}">{}</a>').format(
                "../../" + PurePosixPath(path).as_posix(),
                DOCUMENT_NAMES.get(PurePosixPath(path).stem, PurePosixPath(path).stem),
            )
            for path in paths
        )
        items.append(Markup("{}: ").format(member.name) + links)
    return items


# What every internal document's heading says (reports/document.html: "Internal: not for
# publication (small counts shown)"); a published document has the suppression key instead.
INTERNAL_MARK = '<dd class="internal">'


def member_reports(
    output_root: Path, members: list[Member], period: Period, *, published: bool = False
) -> dict[str, list[Path]]:
    """The members' own HTML documents for ``period``, relative to the output root.

    ``published``: only the documents a member publishes (its published annual report, scheme
    pages, self-assessment, residents' summary), never one marked internal (the internal annual
    report with small counts, the data-quality report, a committee pack): a website version
    must not point its readers at them.
    """
    out = {}
    for member in members:
        folder = workspaces.documents_dir(member.landlord_id, period.key, output_root)
        found = sorted(folder.glob("*.html")) if folder.is_dir() else []
        if published:
            found = [p for p in found if INTERNAL_MARK not in p.read_text(encoding="utf-8")]
        out[member.landlord_id] = [path.relative_to(output_root) for path in found]
    return out


def render_group_report(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    output_root: Path,
    *,
    published: bool = False,
    threshold: int = 5,
    pdf: bool = True,
    printer: PdfPrinter | None = None,
    group_name: str = "Housing group",
) -> dict[str, Path]:
    """Write ``group_report.html/.pdf`` and ``group_measures.csv`` to ``output/group/<period>/``
    (``group_report_published.*`` and ``group_measures_published.csv`` when published).

    Parameters
    ----------
    con
        The connection :func:`pipeline.group_views.open_group` returned (the ``measures`` view).
    period
        A reporting year, quarter or month.
    output_root
        The output root holding the members' folders; the report goes to ``group/<period>/``.
    published
        Website version: counts under ``threshold`` suppressed in every column, and a group
        figure hidden where it would give away one member's hidden figure
        (:func:`pipeline.reporting.suppression.suppress_combined`).
    """
    from pipeline.config import Landlord
    from pipeline.reporting import render

    members, group = members_of(con, period, published=published, threshold=threshold)
    if not members:
        raise ValueError(f"no member has measures for {period.key}")
    if problem := members_without_figures(con, members, period):
        raise ValueError(problem)
    out_dir = workspaces.documents_dir(GROUP_ID, period.key, output_root)
    documents = member_reports(output_root, members, period, published=published)
    sections = group_sections(members, group, period, documents)
    identity = Landlord.model_construct(landlord_id=GROUP_ID, name=group_name)
    stem = "group_report_published" if published else "group_report"
    paths = render._write(
        out_dir,
        stem,
        title="Group complaints report",
        landlord=identity,
        period_label=shown_period(members, period).label,
        sections=sections,
        data_cut=data_cuts(members),
        published=published,
        has_internal_version=True,
        pdf=pdf,
        printer=printer,
    )
    # Named like the report: the internal figures never overwrite the published ones beside it.
    csv_path = out_dir / ("group_measures_published.csv" if published else "group_measures.csv")
    atomic_write_text(csv_path, formula_safe(group.frame.sort(MEASURE_COLUMNS[:9])).write_csv())
    return {**paths, "csv": csv_path}


def formula_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """Text cells that a spreadsheet would run as a formula (= + - @ and the like first) get a quote,
    as :func:`pipeline.io.safe_cell` does cell by cell; numbers are left alone."""
    return frame.with_columns(
        pl.when(pl.col(name).str.strip_chars_start(" ").str.contains(_FORMULA_START))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.String
    )


def data_cuts(members: list[Member]) -> str:
    """One date when every member's exports were taken the same day, else each member's."""
    cuts = {m.data_cut for m in members}
    if len(cuts) == 1 and None not in cuts:
        return f"{cuts.pop():%-d %B %Y}"
    return "; ".join(
        f"{m.name} {m.data_cut:%-d %B %Y}" if m.data_cut else f"{m.name}: see its own report"
        for m in members
    )
