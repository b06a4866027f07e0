"""The annual report's Code section 8 content, every year: the self-assessment summary, findings of
non-compliance with their content, the Ombudsman's annual letters reconciled with the Ombudsman
table, other relevant reports, the analyst's narrative and the board's response.

Inputs written by people are read by :mod:`pipeline.annual_inputs` and
:mod:`pipeline.self_assessment` from ``<workspace>/annual_report/<year>/`` (docs/governance.md).
Markdown goes through :func:`render_markdown_safe` (raw HTML shown as text, only http(s), mailto
and in-page links kept); every other value is escaped by the templates or by ``markupsafe.escape``.
The data-quality report gets :func:`inputs_quality_section`, one line per year saying what is
missing or wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import markdown
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
from pipeline.reporting.tables import data_table
from pipeline.self_assessment.model import ANNUAL_FOLDER

DATE = "%-d %B %Y"  # "9 July 2025", as the other documents write dates


# Python-Markdown's "extra" bundle less attr_list (any HTML attribute from the text) and
# md_in_html (raw HTML is text here anyway).
_EXTRA_WITHOUT_ATTRIBUTES = ("abbr", "def_list", "fenced_code", "footnotes", "tables")


def render_markdown_safe(text: str, top_heading: int | None = None) -> Markup:
    """Markdown to HTML with raw HTML shown as text and only http(s)/mailto/in-page links kept.

    ``top_heading`` moves the headings so the highest becomes that level, keeping their nesting
    (a board response under the report's ``h2`` section heading starts at ``h3``).
    """
    # "extra" without attr_list: `{: onclick="..." style="..." }` after a paragraph, heading or
    # link set any attribute, an event handler included, on the published page
    engine = markdown.Markdown(extensions=[*_EXTRA_WITHOUT_ATTRIBUTES, "sane_lists"])
    # Raw HTML blocks and inline tags become plain text (escaped on output).
    engine.preprocessors.deregister("html_block")
    engine.inlinePatterns.deregister("html")
    html = engine.convert(text)
    # A markdown link may carry javascript: or data: URLs; keep only safe schemes.
    html = re.sub(r'href="(?!https?:|mailto:|#)[^"]*"', 'href="#"', html, flags=re.IGNORECASE)
    html = re.sub(r'src="[^"]*"', 'src=""', html)
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", html)]
    if top_heading is not None and levels:
        shift = top_heading - min(levels)
        html = re.sub(
            r"<(/?)h([1-6])\b",
            lambda m: f"<{m.group(1)}h{max(1, min(6, int(m.group(2)) + shift))}",
            html,
        )
    return Markup(html)


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
    section.blocks.append(Block("html", html=render_markdown_safe(inputs.narrative, 3)))
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


def _quoted(text: str, published: bool, threshold: int = 5) -> str:
    """The Ombudsman's words, with any count under the threshold redacted when published
    ("one determination" is a small count too)."""
    return suppression.redact_small_counts(text, threshold) if published else text


def _summary(published: bool, threshold: int) -> pl.Expr:
    return pl.col("summary").map_elements(
        lambda text: _quoted(text, published, threshold), return_dtype=pl.String
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
    else:
        section.text(
            f"The Ombudsman made no finding of non-compliance with the Code about us in {year.label}."
        )
    chfos = _chfos(con, landlord_id, year)
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


def _letter_entries(workspace: Path) -> list:
    from pipeline.sources.publications import load_publications

    try:
        entries, _ = load_publications(Path(workspace))
    except ConfigError:
        return []  # ingest reports an invalid publications.yaml
    return [p for p in entries if p.kind == "annual_performance_letter"]


def _publication_problems(workspace: Path) -> list[str]:
    """Where publications.yaml had a resident's contact details withheld."""
    from pipeline.sources.publications import load_publications

    try:
        return load_publications(Path(workspace))[1]
    except ConfigError:
        return []


def _landlord_problems(workspace: Path) -> list[str]:
    """Where landlord.yaml's summary of approach had a resident's details withheld."""
    from pipeline.contact_details import tsm_summary

    try:
        return tsm_summary(load_landlord(Path(workspace)))[1]
    except ConfigError:
        return []  # reported where landlord.yaml is loaded


def _letter_year(entry) -> str | None:
    if entry.reporting_year:
        return ReportingYear.parse(entry.reporting_year.replace("/", "-")).key
    return None


def _shown_count(value: int | float, published: bool, threshold: int) -> str:
    return f"<{threshold}" if published and 0 < value < threshold else f"{value:g}"


# The annual performance letter is the Housing Ombudsman's: it counts its own determinations only,
# never the SPSO's, the LGSCO's or another body's that the Ombudsman table also holds.
LETTER_BODY = "housing_ombudsman"


def _letter_row(measures: Measures, measure: str, key: str) -> dict | None:
    """The Housing Ombudsman's row of ``measure`` for the letter's year.

    With rows by body, the Housing Ombudsman's (none: it determined no case that year, so a count
    of 0 and no rate); without any (no determination by any body), the year's overall row."""
    by_body = measures._select(measure, key, "body", None)
    if not by_body:
        return measures.get(measure, key)
    row = next((r for r in by_body if r["breakdown_value"] == LETTER_BODY), None)
    if row is not None:
        return dict(row)
    overall = measures.get(measure, key)
    if overall is None:
        return None
    if overall.get("unit") == "count":
        return {**overall, "value": 0.0, "display": "0", "numerator": 0.0}
    return {**overall, "value": None, "display": "[U]"}


def _other_bodies_total(measures: Measures, measure: str, key: str) -> dict | None:
    """The all-bodies row of ``measure`` when another body's rows are in it too, else None.

    That total is what the Ombudsman cases table shows; the letter is compared with the Housing
    Ombudsman's row, so a sentence naming both lets the reader find the table's figure."""
    by_body = measures._select(measure, key, "body", None)
    if not any(r["breakdown_value"] != LETTER_BODY for r in by_body):
        return None
    return measures.get(measure, key)


# What a letter is compared on: (name, its field in publications.yaml, the measure, the words a
# figure is quoted with, the words its summary may use for it). Each is judged on its own rows.
LETTER_FIGURES = [
    (
        "determinations",
        "determinations",
        "ombudsman_determinations",
        "determinations",
        r"determinations?|cases?\s+determined",
    ),
    (
        "maladministration rate",
        "maladministration_rate",
        "ombudsman_maladministration_rate",
        "% maladministration",  # rate: shown as 62% maladministration
        r"maladministration\s+rates?|rates?\s+of\s+maladministration",
    ),
    (
        "Complaint Handling Failure Orders",
        "chfos",
        "chfo_issued",
        "Complaint Handling Failure Orders",
        r"complaint\s+handling\s+failure\s+orders?|chfos?",
    ),
]
_FEWER = ("fewer", "less", "lower", "smaller")
_MORE = ("more", "higher", "greater", "larger")
_DIRECTION = "|".join(_FEWER + _MORE)
# "than the year before", "than last year", "than in 2023/24": the year a summary compares with.
_THAN = (
    r"than\s+(?:in\s+)?(?:the\s+)?(?:year\s+before|previous\s+year|prior\s+year|last\s+year"
    r"|(?P<year>20\d\d[/-]\d\d))"
)
# Up to three words between a direction and what it is about, none of them another direction, a
# conjunction or "than": "fewer CHFOs and more determinations" says nothing about fewer
# determinations, nor "fewer than 5 determinations" about the year before.
_BETWEEN = rf"(?:(?!(?:{_DIRECTION}|and|or|but|than)\b)[\w-]+\s+){{0,3}}?"


@dataclass(frozen=True)
class Claim:
    """A year-on-year direction a letter's summary states, judged on our rows.

    ``verdict``: ``agrees``, ``contradicted`` or ``unchecked`` (a year's figure is not in the
    table in this run)."""

    name: str
    direction: str  # the summary's word: fewer, higher...
    year: str  # the letter's year key
    before: str  # the year compared with
    now_text: str
    before_text: str
    verdict: str
    explicit: bool = True  # False: "fewer determinations", read as against the year before


def _stated_directions(summary: str, words: str) -> list[tuple[str, str | None, bool]]:
    """(direction word, compared year or None for the year before, whether the summary names the
    comparison) for each statement in ``summary`` that the quantity ``words`` went up or down.

    An annual letter's "fewer determinations" with no "than ..." compares with the year before,
    as the Ombudsman's letters do; "fewer than 5 determinations" states no direction."""
    found = []
    for sentence in re.split(r"(?<=[.;])\s+", summary):
        patterns = (
            rf"\b(?P<dir>{_DIRECTION})\s+{_BETWEEN}(?:{words})\b(?P<than>[^.;]*?\b{_THAN})?",
            rf"\b(?:{words})\b\s+{_BETWEEN}(?P<dir>{_DIRECTION})\b(?!\s+than\s+\d)"
            rf"(?P<than>\s+{_THAN})?",
        )
        for pattern in patterns:
            for match in re.finditer(pattern, sentence, flags=re.IGNORECASE):
                explicit = match.group("than") is not None
                found.append((match.group("dir").lower(), match.group("year"), explicit))
    return found


def _figure_value(measures: Measures, measure: str, key: str, register: dict | None):
    """Our value of ``measure`` for the year ``key`` (the Housing Ombudsman's row), else the
    CHFO register's count for a year whose measures this run did not compute, else None."""
    row = _letter_row(measures, measure, key)
    if row is not None:
        return row["value"]
    if measure == "chfo_issued" and register is not None:
        return register.get(key, 0)  # the measure's rule: orders by issue date in the year
    return None


def _figure_text(value, shown: Measures, measure: str, key: str, published, threshold) -> str:
    """``value`` as the document shows it: a count under the threshold as ``<5`` when published
    (and the shown row's own mark, ``[c]``, where it has one); a rate as its shown row."""
    row = _letter_row(shown, measure, key)
    display = None if row is None else row["display"]
    if measure != "ombudsman_maladministration_rate":
        marked = display is not None and not display.replace(",", "").isdigit()
        return display if published and marked else _shown_count(value, published, threshold)
    if display:
        return display + ("%" if display[-1:].isdigit() else "")
    return "not shown" if published else f"{value:.1f}%"


def summary_claims(
    entry,
    measures: Measures,
    shown: Measures | None = None,
    published: bool = False,
    threshold: int = 5,
    register: dict[str, int] | None = None,
) -> list[Claim]:
    """Each year-on-year direction the letter's summary states, judged on that quantity's own rows.

    Council Housing's 2024/25 letter summary said "fewer Complaint Handling Failure Orders than
    the year before" while the table has 2 against 1; the reconciliation checked determinations
    only and said the letter agreed. ``register`` (CHFOs by reporting year, from the CHFO
    register) stands in for ``chfo_issued`` in a year whose measures were not computed."""
    shown = shown or measures
    key = _letter_year(entry)
    if key is None or not entry.summary:
        return []
    claims = []
    for name, _, measure, _, words in LETTER_FIGURES:
        for direction, year, explicit in _stated_directions(entry.summary, words):
            before = (
                ReportingYear.parse(year.replace("/", "-")).key
                if year
                else ReportingYear.parse(key).previous.key
            )
            now = _figure_value(measures, measure, key, register)
            then = _figure_value(measures, measure, before, register)
            if now is None or then is None:
                verdict, now_text, before_text = "unchecked", "", ""
            else:
                rate = measure == "ombudsman_maladministration_rate"
                a, b = (round(now, 1), round(then, 1)) if rate else (now, then)
                went = "fewer" if a < b else "more" if a > b else "same"
                verdict = (
                    "agrees"
                    if (went == "fewer" and direction in _FEWER)
                    or (went == "more" and direction in _MORE)
                    else "contradicted"
                )
                now_text = _figure_text(now, shown, measure, key, published, threshold)
                before_text = _figure_text(then, shown, measure, before, published, threshold)
            claims.append(
                Claim(name, direction, key, before, now_text, before_text, verdict, explicit)
            )
    return claims


def _claims_text(claims: list[Claim]) -> str:
    """Sentences (each with a leading space) saying how the summary's directions stand."""
    out = []
    for c in claims:
        year, before = ReportingYear.parse(c.year).label, ReportingYear.parse(c.before).label
        what = f"a {c.direction} {c.name}" if c.name.endswith("rate") else f"{c.direction} {c.name}"
        said = (
            f"The letter's summary says {what} in {year} than in {before}"
            if c.explicit
            else f"The letter's summary speaks of {what} in {year}, which we read as against "
            f"{before}"
        )
        figures = f"{c.now_text} in {year} and {c.before_text} in {before}"
        if c.verdict == "contradicted":
            out.append(f"{said}, but our figures do not show that: {figures}.")
        elif c.verdict == "agrees":
            out.append(f"{said}, as our figures show: {figures}.")
        else:
            out.append(
                f"{said}; the table has no figure for one of the two years in this run, so that "
                "is not checked."
            )
    return "".join(f" {line}" for line in out)


def reconcile_letter(
    entry,
    measures: Measures,
    published: bool = False,
    threshold: int = 5,
    shown: Measures | None = None,
    register: dict[str, int] | None = None,
) -> tuple[str, str]:
    """One line comparing a letter's figures with the table's rows for the letter's year, and its
    status: ``agree``, ``explained`` (differ, reason given), ``unexplained``, ``no_figures`` (the
    letter's figures are not recorded), ``no_table`` (the year's measures were not computed) or
    ``contradicted`` (the figures agree but the summary states a year-on-year direction that
    ours contradict).

    Each quantity (determinations, maladministration rate, Complaint Handling Failure Orders) is
    judged on its own rows: the letter's own figure against the table's, and any direction the
    summary states ("fewer ... than the year before") against the table's two years
    (:func:`summary_claims`, ``register`` standing in for CHFOs in a year not computed).

    ``measures`` are the unsuppressed rows the comparison uses (the letter's year and the year
    before); ``shown`` (default ``measures``) the rows as the document shows them, so a published
    version quotes the table's ``<5``."""
    shown = shown or measures
    key = _letter_year(entry)
    if key is None:
        return (
            "The letter names no reporting year, so it cannot be compared with the table.",
            "no_figures",
        )
    label = ReportingYear.parse(key).label
    pairs = [(name, getattr(entry, field), m, unit) for name, field, m, unit, _ in LETTER_FIGURES]
    recorded = [(name, v, m, unit) for name, v, m, unit in pairs if v is not None]
    claims = summary_claims(entry, measures, shown, published, threshold, register)
    said = _claims_text(claims)
    if not recorded:
        return (
            f"The letter's figures for {label} are not recorded, so they are not compared with "
            f"the table.{said}",
            "no_figures",
        )
    if all(measures.get(measure, key) is None for _, _, measure, _ in recorded):
        return (
            f"The Ombudsman table has no figures for {label} in this run, so the letter's are not "
            f"compared with it.{said}",
            "no_table",
        )

    def table_text(row: dict | None, rate: bool) -> str:
        text = "not available" if row is None else (row["display"] or "[U]")
        return text + ("%" if rate and text[-1:].isdigit() else "")

    same, differ, totals = [], [], []
    other_bodies = False
    for name, value, measure, unit in recorded:
        rate = unit.startswith("%")
        row = _letter_row(measures, measure, key)
        ours = None if row is None else row["value"]
        letter = f"{value:g}%" if rate else _shown_count(value, published, threshold)
        # The Ombudsman cases table shows every body's total; name it beside the Housing
        # Ombudsman's figure the letter is compared with, so the reader sees which is which.
        total = _other_bodies_total(measures, measure, key)
        other_bodies = other_bodies or total is not None
        total_text = None if total is None else table_text(shown.get(measure, key), rate)
        if ours is not None and round(float(ours), 1) == round(value, 1):
            if not rate and letter == "1":
                unit = unit.removesuffix("s")  # 1 determination
            same.append(f"{letter}{unit[1:]}" if rate else f"{letter} {unit}")
            if total_text is not None:
                totals.append(f"{name} {total_text}")
        else:
            table = table_text(_letter_row(shown, measure, key), rate)
            if total_text is not None:
                table += f" for the Housing Ombudsman alone, {total_text} for all bodies"
            differ.append(f"{name}: the letter {letter}, our table {table}")
    compared = (
        " The letter is the Housing Ombudsman's, so it is compared with our figures for the "
        "Housing Ombudsman alone; the Ombudsman cases table counts all bodies"
        + (f" ({', '.join(totals)})" if totals else "")
        + "."
        if other_bodies
        else ""
    )
    # A summary that says a figure went the other way from ours is not "agree", whatever the
    # figures compared one by one say.
    contradicted = any(c.verdict == "contradicted" for c in claims)
    if not differ:
        return (
            f"The letter's figures for {label} agree with the table: {', '.join(same)}."
            f"{compared}{said}",
            "contradicted" if contradicted else "agree",
        )
    why = entry.basis.strip() if entry.basis else None
    line = (
        f"The letter's figures for {label} differ from the table ({'; '.join(differ)}).{compared} "
        + (f"Why the bases differ: {why}" if why else "No reason for the difference is recorded.")
        + said
    )
    return line, "explained" if why else "unexplained"


def letters_section(
    workspace: Path,
    con: duckdb.DuckDBPyConnection,
    landlord_id: str,
    year: ReportingYear,
    measures: Measures,
    published: bool,
    threshold: int = 5,
) -> Section:
    """The Ombudsman's annual performance letters of the year, each reconciled with the table."""
    section = Section("ombudsman-letter", "The Ombudsman's annual letter")
    entries = [
        e
        for e in _letter_entries(workspace)
        if _letter_year(e) == year.key or year.start <= e.published_date <= year.end
    ]
    if not entries:
        section.text(
            f"No annual performance letter from the Ombudsman about {year.label} is recorded "
            "yet (the Ombudsman publishes each year's letters in the autumn after the year)."
        )
        return section
    for entry in sorted(entries, key=lambda e: e.published_date):
        section.text(
            f"Letter published {entry.published_date:{DATE}}"
            + (f" for {entry.reporting_year}" if entry.reporting_year else "")
            + f": {_quoted(entry.summary, published, threshold)}"
        )
        # Compare the unsuppressed figures of the letter's year and the year before (a summary
        # may say "fewer ... than the year before"); quote the table as the document shows it.
        letter_year = ReportingYear.parse(_letter_year(entry) or year.key)
        raw = Measures.load(con, landlord_id, letter_year.previous.start, letter_year.end)
        if raw.frame.is_empty():
            raw = measures
        register = chfo_register(con, landlord_id)
        section.text(reconcile_letter(entry, raw, published, threshold, measures, register)[0])
    return section


def chfo_register(con: duckdb.DuckDBPyConnection, landlord_id: str) -> dict[str, int] | None:
    """Complaint Handling Failure Orders by reporting year of issue (the ``chfo_issued`` rule),
    from the register the non-compliance section lists; None without a register."""
    if not table_exists(con, "chfo"):
        return None
    counts: dict[str, int] = {}
    dates = con.execute("select issued_date from chfo where landlord_id = ?", [landlord_id])
    for (issued,) in dates.fetchall():
        key = ReportingYear.containing(issued).key
        counts[key] = counts.get(key, 0) + 1
    return counts


def letter_problems(
    workspace: Path,
    measures_by_year: dict[str, Measures],
    register: dict[str, int] | None = None,
) -> dict[str, list[str]]:
    """Per letter year: letters without figures, whose figures differ with no reason given, or
    whose summary states a year-on-year direction our figures contradict."""
    problems: dict[str, list[str]] = {}
    for entry in _letter_entries(workspace):
        key = _letter_year(entry)
        if key is None or key not in measures_by_year:
            continue
        before = measures_by_year.get(ReportingYear.parse(key).previous.key)
        frames = [measures_by_year[key].frame] + ([before.frame] if before is not None else [])
        both = Measures(pl.concat(frames, how="vertical_relaxed"))
        line, status = reconcile_letter(entry, both, published=False, register=register)
        fixes = []
        if any(c.verdict == "contradicted" for c in summary_claims(entry, both, register=register)):
            fixes.append(
                "Check the letter's summary in ombudsman/publications.yaml against the letter."
            )
        if status == "unexplained":
            fixes.append("Add 'basis' to the letter's entry in ombudsman/publications.yaml.")
        elif status == "no_figures":
            fixes.append(
                "Add 'determinations' and 'maladministration_rate' to its entry in "
                "ombudsman/publications.yaml."
            )
        if fixes:
            problems.setdefault(key, []).append(f"Ombudsman letter: {line} {' '.join(fixes)}")
    return problems


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
                _quoted(row["summary"], published),
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
    section.blocks.append(Block("html", html=render_markdown_safe(board.body, 3)))
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
