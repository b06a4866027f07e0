"""The annual report's Code section 8 content, every year: the self-assessment summary, findings of
non-compliance with their content, the Ombudsman's annual letters reconciled with the Ombudsman
table (:mod:`pipeline.reporting.ombudsman_letters`), other relevant reports, the analyst's narrative and the board's response.

Inputs written by people are read by :mod:`pipeline.annual_inputs` and
:mod:`pipeline.self_assessment` from ``<workspace>/annual_report/<year>/`` (docs/governance.md).
Markdown goes through :func:`~pipeline.reporting.landlord_markdown.render_markdown_safe` (raw
HTML shown as text, only http(s), mailto and in-page links kept, tables and headings made
accessible); every other value is escaped by the templates or by ``markupsafe.escape``.
The data-quality report gets :func:`inputs_quality_section`, one line per year saying what is
missing or wrong.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
from markupsafe import Markup, escape

from pipeline.annual_inputs import (
    BOARD_RESPONSE,
    NARRATIVE,
    OTHER_REPORTS,
    YearInputs,
    load_years,
    root_leftovers,
)
from pipeline.config import ConfigError, load_landlord
from pipeline.periods import ReportingYear
from pipeline.reporting import suppression
from pipeline.reporting.blocks import Block, Section
from pipeline.reporting.code_scope import code_applies, code_not_applicable_section
from pipeline.reporting.data import Measures, query_frame, table_exists
from pipeline.reporting.labels import DATE
from pipeline.reporting.landlord_markdown import render_markdown_safe
from pipeline.reporting.ombudsman_letters import chfo_register, letter_problems, letters_section
from pipeline.reporting.tables import data_table
from pipeline.self_assessment.model import ANNUAL_FOLDER


def _where(year: str, name: str, published: bool) -> str:
    """Where an analyst puts a file: named in internal versions only."""
    return "" if published else f" ({ANNUAL_FOLDER}/{year}/{name})"


# --- narrative ------------------------------------------------------------------------------------


def narrative_section(inputs: YearInputs, year: ReportingYear, published: bool) -> Section:
    """The analyst's commentary on the year, shown beside the generated figures."""
    section = Section("commentary", "Our commentary on the year")
    if inputs.narrative is None:
        section.note(
            f"No commentary has been written for {year.label}"
            f"{_where(year.key, NARRATIVE, published)}."
        )
        return section
    section.blocks.append(
        Block(
            "html",
            html=render_markdown_safe(
                inputs.narrative, 3, id_prefix=section.id, name=section.title
            ),
        )
    )
    if inputs.narrative_by:
        section.note(f"Written by the {inputs.narrative_by}.")
    return section


# --- self-assessment ------------------------------------------------------------------------------


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# The anchor of the appendix that prints the whole self-assessment (the summary links to it).
SELF_ASSESSMENT_APPENDIX = "appendix-self-assessment"


def _no_self_assessment(year: ReportingYear, published: bool, problem: str | None) -> str:
    """Why a year's report has no self-assessment, in the summary's and the appendix's words."""
    return problem or (
        f"there is no self-assessment for {year.label}"
        f"{_where(year.key, 'self_assessment.yaml', published)}"
    )


def self_assessment_section(
    summary: dict | None,
    year: ReportingYear,
    published: bool,
    problem: str | None = None,
    appendix: bool = False,
) -> Section:
    """The Code self-assessment summary: provisions met (a "yes" the data contradicts is not
    counted as met), whether the answers were carried from the year before, and links to the full
    assessment written beside the report and, with ``appendix``, to the report's own appendix
    that prints it (:func:`self_assessment_appendix`)."""
    section = Section("self-assessment", "Complaint Handling Code self-assessment")
    if summary is None:
        section.note(
            f"Self-assessment summary: not available: {_no_self_assessment(year, published, problem)}."
        )
        return section
    totals = summary["totals"]
    met, contradicted = totals.get("met", totals["yes"]), totals["contradicted"]
    section.text(
        f"Our self-assessment against the Housing Ombudsman's Complaint Handling Code for "
        f"{summary['year_label']}: {met} of {totals['provisions']} provisions met, "
        f"{totals['no']} not met"
        + (
            f", and {_plural(contradicted, 'answer', 'answers')} of 'yes' that our own data does "
            "not support, counted as not met"
            if contradicted
            else ""
        )
        + f"; {_plural(totals['actions'], 'planned action', 'planned actions')}."
    )
    who = [summary.get("completed_by"), summary.get("approved_by")]
    completed = summary.get("completed_on")
    if summary.get("carried_from"):
        first = summary.get("answers_completed_on")
        section.text(
            f"These answers were carried from the {ReportingYear.parse(summary['carried_from']).label}"
            " self-assessment"
            + (f" (completed {first:{DATE}})" if first else "")
            + (f" and reconfirmed on {completed:{DATE}}" if completed else "")
            + (f" by the {summary['approved_by']}" if summary.get("approved_by") else "")
            + "; this year's data was checked against them."
            + (f" Reason: {summary['carried_reason']}" if summary.get("carried_reason") else "")
        )
    elif completed or any(who):
        section.text(
            "Completed"
            + (f" on {completed:{DATE}}" if completed else "")
            + (f" by the {who[0]}" if who[0] else "")
            + (f"; approved by the {who[1]}" if who[1] else "")
            + "."
        )
    sections = summary.get("sections", [])
    if sections:
        frame = pl.DataFrame(
            [
                [
                    f"{s['number']}. {s['title']}",
                    s.get("met", s["yes"]),
                    s.get("contradicted", 0),
                    s["no"],
                ]
                for s in sections
            ],
            schema=["Code section", "Met", "Answered yes, data does not support", "Not met"],
            orient="row",
        )
        section.add_table(
            data_table("tbl-self-assessment", "Self-assessment by section of the Code", frame)
        )
    contradictions = summary.get("contradictions", [])
    if contradictions:
        section.bullets(
            [
                f"Provision {c['provision']}: the data does not support 'yes' ("
                + "; ".join(c.get("evidence_published" if published else "evidence", []))
                + ")"
                for c in contradictions
            ]
        )
    unchecked = summary.get("unchecked", [])
    if unchecked:
        # A "yes" with nothing of its kind in the year (no promised action due) is not evidenced
        # by silence: said here as in the assessment itself (counted as met: the answer stands)
        section.text(
            f"{_plural(len(unchecked), 'answer', 'answers')} of 'yes' had no figures in "
            f"{summary['year_label']} to check "
            f"{'it' if len(unchecked) == 1 else 'them'}, so our data neither supports nor "
            f"questions {'it' if len(unchecked) == 1 else 'them'}: provision"
            f"{'' if len(unchecked) == 1 else 's'} "
            + ", ".join(u["provision"] for u in unchecked)
            + "."
        )
    actions = summary.get("actions", [])
    if actions:
        section.bullets(
            [
                f"Provision {a['provision']}: {a['what']} (the {a['owner']}, by {a['due']:{DATE}})"
                for a in actions
            ]
        )
    deadline = summary.get("deadline")
    if deadline is not None:
        # "Due", as the self-assessment's own header says: the rule in brackets says by when it is
        # submitted to the Ombudsman (30 September, or for 1,000 homes or fewer six months after
        # the year end) or that landlord.yaml sets the date
        section.text(f"Due {deadline:{DATE}} ({summary.get('deadline_rule', '')}).")
    documents = summary.get("documents") or {}
    in_appendix = (
        f'<a href="#{SELF_ASSESSMENT_APPENDIX}">{escape(SELF_ASSESSMENT_APPENDIX_TITLE)}</a>'
    )
    if documents:
        links = ", ".join(
            f'<a href="{escape(name)}">{escape(kind.upper())}</a>'
            for kind, name in documents.items()
        )
        text = (
            "The full self-assessment, every provision with its evidence and commentary, is "
            f"published beside this report: {links}"
            + (f"; it is also printed in full in this report: {in_appendix}" if appendix else "")
            + "."
        )
        section.blocks.append(Block("html", html=Markup(f"<p>{text}</p>")))
    elif appendix:
        section.blocks.append(
            Block(
                "html",
                html=Markup(
                    "<p>The full self-assessment, every provision with its evidence and "
                    f"commentary, is printed in this report: {in_appendix}.</p>"
                ),
            )
        )
    return section


SELF_ASSESSMENT_APPENDIX_TITLE = "Appendix: Complaint Handling Code self-assessment"


def self_assessment_appendix(
    document, year: ReportingYear, published: bool, problem: str | None = None
) -> Section:
    """The whole self-assessment in the Ombudsman's layout (Code provision 8.1: the annual report
    includes the self-assessment): every provision of the Code's nine sections with its
    requirement, answer, evidence, commentary, measured evidence and any "yes" the data
    contradicts.

    The tables are ``self_assessment.html``'s own (:func:`pipeline.self_assessment.render
    .render_form`, one template for both), so the report and the self-assessment published
    beside it cannot disagree. The published report shows the measured evidence as the published
    self-assessment does (``EvidenceLine.shown``); the internal one shows it in full, as every
    other figure of the internal report.

    Parameters
    ----------
    document
        The year's :class:`~pipeline.self_assessment.build.SelfAssessmentDocument`, or None when
        there is none (then the appendix says so in one line, as the summary does).
    year
        The reporting year.
    published
        The website version of the report.
    problem
        Why there is no document when its file is invalid (the summary's words).
    """
    section = Section(SELF_ASSESSMENT_APPENDIX, SELF_ASSESSMENT_APPENDIX_TITLE)
    if document is None:
        section.note(
            f"Self-assessment: not available: {_no_self_assessment(year, published, problem)}."
        )
        return section
    from pipeline.self_assessment.render import render_form

    section.text(
        f"Our self-assessment against the Housing Ombudsman's Complaint Handling Code 2024 for "
        f"{year.label}, in full and in the Ombudsman's layout: every provision of the Code's nine "
        "sections, whether we comply, our evidence and our commentary. Figures 'from the data' "
        "are this report's own measures for the year. A 'yes' that one of them falls on the wrong "
        "side of its threshold is flagged as contradicted by the data, with the threshold."
        + (
            " As everywhere in this published report, a count of 1 to 4 reads <5, and a figure "
            "that could reveal one reads [c]."
            if published
            else ""
        )
    )
    section.blocks.append(
        Block(
            "html",
            html=render_form(
                document, published=published, id_prefix="sa-", heading_level=3, traced=True
            ),
        )
    )
    return section


# --- findings of non-compliance -------------------------------------------------------------------


def _publications(con: duckdb.DuckDBPyConnection, landlord_id: str, year: ReportingYear, kinds):
    if not table_exists(con, "ombudsman_publication"):
        return pl.DataFrame()
    return query_frame(
        con,
        """
        select kind, published_date, reporting_year, summary, url
        from ombudsman_publication
        where landlord_id = ? and kind in (select unnest(?))
          and (replace(reporting_year, '/', '-') = ? or published_date between ? and ?)
        order by published_date
        """,
        [landlord_id, list(kinds), year.key, year.start, year.end],
    )


def _summary(published: bool, threshold: int) -> pl.Expr:
    return pl.col("summary").map_elements(
        lambda text: suppression.quoted(text, published, threshold), return_dtype=pl.String
    )


def _chfos(con: duckdb.DuckDBPyConnection, landlord_id: str, year: ReportingYear) -> pl.DataFrame:
    if not table_exists(con, "chfo"):
        return pl.DataFrame()
    return query_frame(
        con,
        """
        select issued_date, coalesce(nullif(trim(reason), ''), 'no reason recorded') as reason,
               complied_date
        from chfo
        where landlord_id = ? and issued_date between ? and ?
        order by issued_date, reason
        """,
        [landlord_id, year.start, year.end],
    )


def non_compliance_section(
    con: duckdb.DuckDBPyConnection,
    landlord_id: str,
    year: ReportingYear,
    published: bool,
    suppression_threshold: int = 5,
) -> Section:
    """The Ombudsman's findings of non-compliance with the Code and its Complaint Handling Failure
    Orders in the year, each with what it said (the CHFO reasons from ``chfos.csv``)."""
    section = Section("non-compliance", "Findings of non-compliance with the Code")
    findings = _publications(con, landlord_id, year, ["code_non_compliance_finding"])
    if findings.height:
        section.add_table(
            data_table(
                "tbl-non-compliance",
                f"The Ombudsman's findings of non-compliance with the Code, {year.label}",
                findings.select(
                    pl.col("published_date").dt.strftime(DATE).alias("Published"),
                    _summary(published, suppression_threshold).alias("What the Ombudsman found"),
                    pl.col("url").fill_null("").alias("Link"),
                ),
            )
        )
    chfos = _chfos(con, landlord_id, year)
    if not findings.height and not chfos.height:
        section.text(
            f"The Ombudsman made no finding of non-compliance with the Code about us in {year.label}."
        )
    elif not findings.height:
        # A Complaint Handling Failure Order is itself the Ombudsman's finding that our complaint
        # handling failed: "no finding" above one would contradict it.
        section.text(
            "The Ombudsman published no other finding of non-compliance with the Code about us in "
            f"{year.label} than the Complaint Handling Failure Orders below."
        )
    if not chfos.height:
        section.text(f"No Complaint Handling Failure Order was issued to us in {year.label}.")
        return section
    if published and chfos.height < suppression_threshold:
        # Listing each order would reveal a count under the threshold: give the reasons only.
        reasons = sorted(set(chfos["reason"]))
        section.text(
            f"The Ombudsman issued Complaint Handling Failure Orders to us in {year.label} "
            f"(fewer than {suppression_threshold}); the reasons given were:"
        )
        section.bullets(reasons)
        return section
    frame = chfos.select(
        pl.col("issued_date").dt.strftime(DATE).alias("Issued"),
        pl.col("reason").alias("Reason given by the Ombudsman"),
        pl.when(pl.col("complied_date").is_null())
        .then(pl.lit("not yet complied with"))
        .otherwise(pl.col("complied_date").dt.strftime(DATE))
        .alias("Complied with"),
    )
    section.add_table(
        data_table("tbl-chfo", f"Complaint Handling Failure Orders issued in {year.label}", frame)
    )
    return section


# --- the Ombudsman's annual letters, reconciled ---------------------------------------------------


def _publication_problems(workspace: Path) -> list[str]:
    """Where publications.yaml had a resident's contact details withheld."""
    from pipeline.sources.publications import load_publications

    try:
        return load_publications(Path(workspace))[1]
    except ConfigError:
        return []


def _landlord_problems(workspace: Path) -> list[str]:
    """Where landlord.yaml's summary of approach, policy sources or closure reasons had a
    resident's details withheld."""
    from pipeline.contact_details import landlord_text_problems, tsm_summary

    try:
        landlord = load_landlord(Path(workspace))
        return tsm_summary(landlord)[1] + landlord_text_problems(landlord)
    except ConfigError:
        return []  # reported where landlord.yaml is loaded


# --- other relevant reports -----------------------------------------------------------------------


def other_reports_section(
    con: duckdb.DuckDBPyConnection,
    landlord_id: str,
    inputs: YearInputs,
    year: ReportingYear,
    published: bool,
) -> Section:
    """Other relevant reports: the Ombudsman's special reports and those listed for the year."""
    section = Section("other-reports", "Other relevant reports")
    rows = []
    special = _publications(con, landlord_id, year, ["special_report"])
    for row in special.iter_rows(named=True):
        rows.append(
            [
                suppression.quoted(row["summary"], published),
                "Housing Ombudsman",
                f"{row['published_date']:{DATE}}",
                row["url"] or "",
            ]
        )
    for report in inputs.other_reports:
        title = f"{report.title}: {report.summary}" if report.summary else report.title
        rows.append(
            [
                title,
                report.by,
                f"{report.published:{DATE}}" if report.published else "",
                report.link,
            ]
        )
    if not rows:
        section.text(
            f"No other relevant reports about our complaint handling are recorded for {year.label}"
            f"{_where(year.key, OTHER_REPORTS, published)}."
        )
        return section
    section.add_table(
        data_table(
            "tbl-other-reports",
            f"Other relevant reports, {year.label}",
            pl.DataFrame(rows, schema=["Report", "By", "Published", "Link"], orient="row"),
        )
    )
    return section


# --- the board's response -------------------------------------------------------------------------


def board_response_section(inputs: YearInputs, year: ReportingYear, published: bool) -> Section:
    """The governing body's response to this year's report, dated and attributed to a role."""
    section = Section("board-response", "The board's response")
    board = inputs.board
    if board is None:
        section.note(
            f"The board's response to the {year.label} report is not available: none has been "
            f"recorded for this year{_where(year.key, BOARD_RESPONSE, published)}."
        )
        return section
    meta = board.meta
    section.text(
        f"Response of the {meta.role}, {meta.date:{DATE}}"
        + (f" ({meta.meeting})" if meta.meeting else "")
        + "."
    )
    if board.carried_from:
        section.note(
            f"The board carried forward its response to the "
            f"{ReportingYear.parse(board.carried_from).label} report for this year."
        )
    if board.identical_to:
        section.note(
            "This is the same text as the board's response for "
            + ", ".join(ReportingYear.parse(y).label for y in board.identical_to)
            + " and is not marked as carried forward."
        )
    section.blocks.append(
        Block(
            "html",
            html=render_markdown_safe(board.body, 3, id_prefix=section.id, name=section.title),
        )
    )
    return section


# --- the annual report's sections and the data-quality report's lines ----------------------------


def section8_sections(
    workspace: Path,
    con: duckdb.DuckDBPyConnection,
    landlord_id: str,
    year: ReportingYear,
    measures: Measures,
    published: bool,
    self_assessment: dict | None,
    self_assessment_problem: str | None = None,
    threshold: int = 5,
    appendix_link: bool = False,
    code_applies: bool = True,
) -> tuple[Section, list[Section]]:
    """``(narrative section, [self-assessment, non-compliance, letter, other reports, board])``;
    ``appendix_link``: the report prints the whole self-assessment in an appendix
    (:func:`self_assessment_appendix`), which the summary links to. Without ``code_applies`` (a
    landlord in Scotland alone, :mod:`pipeline.reporting.code_scope`) the Housing Ombudsman's
    three give way to one line on the SPSO's procedure."""
    inputs = load_years(workspace, [year.key])[year.key]
    if not code_applies:
        return narrative_section(inputs, year, published), [
            code_not_applicable_section(year),
            other_reports_section(con, landlord_id, inputs, year, published),
            board_response_section(inputs, year, published),
        ]
    return narrative_section(inputs, year, published), [
        self_assessment_section(
            self_assessment, year, published, self_assessment_problem, appendix_link
        ),
        non_compliance_section(con, landlord_id, year, published, threshold),
        letters_section(workspace, con, landlord_id, year, measures, published, threshold),
        other_reports_section(con, landlord_id, inputs, year, published),
        board_response_section(inputs, year, published),
    ]


def reporting_years(con: duckdb.DuckDBPyConnection, landlord_id: str, workspace: Path) -> list[str]:
    """Years with figures in the measures table or a folder under ``annual_report/``."""
    from pipeline.annual_inputs import workspace_years

    years = set(workspace_years(workspace))
    if table_exists(con, "measures"):
        # Years with complaints received (a year computed only as last year's comparison has none).
        rows = con.execute(
            "select distinct period from measures where landlord_id = ? and period_kind = 'year' "
            "and measure = 'received_1' and breakdown = 'none' and value > 0",
            [landlord_id],
        ).fetchall()
        years |= {period for (period,) in rows}
    return sorted(years)


# A landlord in Scotland alone that keeps a self-assessment file (pipeline/reporting/code_scope.py).
NOT_USED = (
    "The self-assessment for {key} is not used: the Housing Ombudsman's Complaint Handling Code "
    "does not apply to homes in Scotland alone."
)


def year_input_problems(
    workspace: Path,
    con: duckdb.DuckDBPyConnection,
    landlord_id: str,
    years: list[str],
    self_assessment_due: bool = True,
) -> dict[str, list[str]]:
    """What each year's annual report is missing or gets wrong, in the analyst's terms;
    ``self_assessment_due`` False for a landlord the Code does not apply to (Scotland alone),
    which is never asked for one."""
    from pipeline.self_assessment.model import SelfAssessmentError, load_year_assessment

    loaded = load_years(workspace, years)
    measures = {}
    if table_exists(con, "measures"):
        for key in years:
            year = ReportingYear.parse(key)
            measures[key] = Measures.load(con, landlord_id, year.start, year.end)
    letters = letter_problems(workspace, measures, chfo_register(con, landlord_id))
    problems: dict[str, list[str]] = {}
    withheld = _publication_problems(workspace) + _landlord_problems(workspace)
    for key in years:
        lines = list(loaded[key].problems) + withheld
        base = f"{ANNUAL_FOLDER}/{key}"
        if loaded[key].board is None and not any(BOARD_RESPONSE in p for p in lines):
            lines.append(f"No board response for {key}: add {base}/{BOARD_RESPONSE}.")
        try:
            assessment = load_year_assessment(workspace, key)
            if not self_assessment_due:
                if assessment is not None:
                    lines.append(NOT_USED.format(key=key))
            elif assessment is not None:
                lines += assessment.withheld
            else:
                lines.append(f"No self-assessment for {key}: add {base}/self_assessment.yaml.")
        except SelfAssessmentError as exc:
            if self_assessment_due:
                lines += [f"Self-assessment: {p}" for p in exc.problems]
            else:
                lines.append(NOT_USED.format(key=key))
        if loaded[key].narrative is None:
            lines.append(f"No commentary for {key}: add {base}/{NARRATIVE}.")
        lines += letters.get(key, [])
        problems[key] = lines
    return problems


def inputs_quality_section(
    workspace: Path, con: duckdb.DuckDBPyConnection, landlord_id: str
) -> Section:
    """The data-quality report's check of every year's people-written report inputs."""
    section = Section("annual-report-inputs", "Annual report inputs by year")
    try:
        self_assessment_due = code_applies(load_landlord(Path(workspace)).regimes)
    except ConfigError:
        self_assessment_due = True  # the configuration's own check reports it
    section.text(
        "Each year's annual report needs "
        + ("a self-assessment, " if self_assessment_due else "")
        + "the board's response (dated, with the role of whoever gave it) and the analyst's "
        f"commentary in {ANNUAL_FOLDER}/<year>/; see docs/governance.md."
    )
    years = reporting_years(con, landlord_id, workspace)
    problems = year_input_problems(workspace, con, landlord_id, years, self_assessment_due)
    rows = [
        [ReportingYear.parse(key).label, line]
        for key in years
        for line in (problems[key] or ["Complete."])
    ]
    rows += [["All years", line] for line in root_leftovers(workspace)]
    if rows:
        section.add_table(
            data_table(
                "tbl-annual-inputs",
                "What each year's annual report is missing",
                pl.DataFrame(rows, schema=["Year", "Finding"], orient="row"),
            )
        )
    else:
        section.note("No reporting year has figures yet.")
    return section
