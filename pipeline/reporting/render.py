"""Render the board documents to HTML (Jinja, autoescaped) and print them to PDF.

Public functions, one per document; each returns the paths it wrote::

    render_annual_report(con, landlord, "2024-25", out_dir, published=False)
        -> {"html": .../annual_report.html, "pdf": .../annual_report.pdf}
    render_committee_pack(con, landlord, "2024-25-Q2", out_dir)      # or a month, "2024-05"
    render_data_quality(con, landlord, out_dir)                       # + quarantine.csv
    render_learning_summary(con, landlord, "2024-25-Q2", out_dir)     # or a year, "2024-25"

``landlord`` is the workspace's :class:`~pipeline.config.Landlord` or its id (then ``landlord.yaml``
is read from the workspaces root). Everything from the data is escaped by the template engine; the
only markup passed through is what this package builds (great-tables and Plotly fragments, and
the year's board_response.md and narrative.md rendered with raw HTML escaped: section8.py).
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from pipeline import workspaces
from pipeline.config import Landlord, load_landlord
from pipeline.contact_details import landlord_text
from pipeline.io import atomic_write_text
from pipeline.measures import data_cut_text, resolve_data_cut
from pipeline.periods import Period, ReportingYear, parse_period, to_data_cut
from pipeline.reporting import annual, annual_sections, ombudsman_section
from pipeline.reporting.annual import ReportContext
from pipeline.reporting.blocks import Block, Section
from pipeline.reporting.charts import PLOTLY_FILE, write_plotly_js
from pipeline.reporting.code_scope import code_applies
from pipeline.reporting.committee import committee_sections, with_year_to_date
from pipeline.reporting.committee_cut import data_cut_intro
from pipeline.reporting.data import Measures
from pipeline.reporting.labels import FIGURE_MARKS, glossary_for, glossary_id
from pipeline.reporting.landlord_markdown import abbreviations
from pipeline.reporting.pdf import PdfPrinter, html_to_pdf
from pipeline.reporting.policy_sections import place_policy_sections
from pipeline.reporting.quality import quality_sections, quarantine_frame, write_quarantine_csv
from pipeline.reporting.residents import learning_sections, residents_data_cut_intro
from pipeline.reporting.section8 import (
    inputs_quality_section,
    render_markdown_safe,  # noqa: F401 - re-exported (tests, callers)
    section8_sections,
    self_assessment_appendix,
)
from pipeline.reporting.sector import sector_section
from pipeline.reporting.suppression import (
    PUBLISHED_KEY,
    scheme_streams,
    suppress_small_numbers,
)
from pipeline.reporting.tables import table_css
from pipeline.reporting.trace import finish
from pipeline.utils.version import code_version

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
REPORTS_ROOT = PROJECT_ROOT / "reports"
_AUTO = object()


@cache
def environment() -> Environment:
    """The Jinja environment over ``reports/``: autoescape on for every template."""
    return Environment(
        loader=FileSystemLoader(REPORTS_ROOT),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def _css() -> Markup:
    # The tables' shared great-tables CSS first, so the report's own rules follow it.
    report = (REPORTS_ROOT / "css" / "report.css").read_text(encoding="utf-8")
    return Markup(table_css() + "\n" + report)


@cache
def chart_warm_up_html() -> str:
    """An empty document from ``document.html`` loading plotly.js as every document does: what
    :func:`pipeline.reporting.pdf.warm_up_charts` loads (beside the printer's copy of the shared
    script) so the next document's charts are quick."""
    return (
        environment()
        .get_template("document.html")
        .render(
            title="",
            document_title="",
            landlord_name="",
            period_label="",
            sections=[],
            data_cut="",
            generated="",
            published=False,
            intro="",
            code_version=code_version(),
            css=_css(),
            charts=True,
            plotly_src=PLOTLY_FILE,
        )
    )


def _landlord(landlord: Landlord | str, workspace: Path | None) -> tuple[Landlord, Path]:
    if isinstance(landlord, str):
        workspace = Path(workspace or workspaces.workspaces_root() / landlord)
        return load_landlord(workspace), workspace
    return landlord, Path(workspace or workspaces.workspaces_root() / landlord.landlord_id)


def _load(
    con: duckdb.DuckDBPyConnection,
    landlord: Landlord,
    start: dt.date,
    end: dt.date,
    published: bool,
    extra: list[Measures] = (),
) -> Measures:
    measures = Measures.load(con, landlord.landlord_id, start, end)
    frame = pl.concat([measures.frame, *(m.frame for m in extra)], how="vertical_relaxed")
    if published:
        frame = suppress_small_numbers(
            frame,
            landlord.thresholds.small_number_suppression,
            streams=scheme_streams(landlord.business_streams),
        )
    return Measures(frame)


def _data_cut(landlord: Landlord) -> str:
    return data_cut_text(landlord)


def document_title(
    landlord_name: str, title: str, period_label: str, *, published_version: bool = False
) -> str:
    """The document's title (the HTML ``<title>`` and the PDF's /Title, which a viewer shows):
    ``Homes Plus: Complaints committee pack, Q4 2024/25``. The published version of a document
    also written for internal use says so: the two would otherwise share a title in a browser's
    tabs and history and a PDF viewer's title bar (WCAG 2.4.2)."""
    full = f"{landlord_name}: {title}" if landlord_name else title
    if period_label:
        full += f", {period_label}"
    return f"{full} (published version)" if published_version else full


def _write(
    out_dir: Path,
    stem: str,
    *,
    title: str,
    landlord: Landlord,
    period_label: str,
    sections: list[Section],
    data_cut: str,
    published: bool = False,
    has_internal_version: bool = False,
    intro: str = "",
    pdf: bool = True,
    printer: PdfPrinter | None = None,
) -> dict[str, Path]:
    """Render ``document.html`` with ``sections``, write it atomically and print it to PDF.

    ``has_internal_version``: the document is also written unsuppressed, so the published one's
    title says which it is (:func:`document_title`).

    A document with charts ends with an appendix of their data tables (each chart links to its
    table), so a reader of the PDF or of a screen reader gets every value; then a glossary of the
    terms its text uses.
    """
    charts = any(block.kind == "chart" for s in sections for block in s.blocks)
    full_title = document_title(
        landlord.name, title, period_label, published_version=published and has_internal_version
    )
    if charts:
        sections = [*sections, chart_data_section(sections)]
    sections = [*sections, *_glossary(sections, published, landlord)]
    html = (
        environment()
        .get_template("document.html")
        .render(
            title=title,
            document_title=full_title,
            landlord_name=landlord.name,
            period_label=period_label,
            sections=sections,
            data_cut=data_cut,
            generated=dt.date.today().strftime("%-d %B %Y"),
            published=published,
            suppression_key=PUBLISHED_KEY,
            intro=intro,
            code_version=code_version(),
            css=_css(),
            charts=charts,
            plotly_src=PLOTLY_FILE,
        )
    )
    # Figures as traced spans (data-measure, data-period, ...; pipeline/reporting/trace.py).
    html = describe_dashes(describe_figure_marks(finish(html)))
    out_dir = Path(out_dir)
    if charts:  # one copy of plotly.js per folder, shared by its documents
        write_plotly_js(out_dir)
    paths = {"html": atomic_write_text(out_dir / f"{stem}.html", html)}
    if pdf:
        print_pdf = printer.print if printer is not None else html_to_pdf
        paths["pdf"] = print_pdf(
            paths["html"],
            out_dir / f"{stem}.pdf",
            title=full_title,
            header_right=period_label,
        )
    return paths


def chart_data_section(sections: list[Section]) -> Section:
    """The appendix of every chart's data table, in the order the charts appear."""
    appendix = Section("chart-data", "Appendix: chart data")
    appendix.text(
        "The figures behind each chart, as tables, in the order the charts appear. In the "
        "published version suppressed values read <5 or [c] here as everywhere."
    )
    for section in sections:
        for block in section.blocks:
            if block.kind == "chart":
                appendix.add_table(block.chart.table)
    return appendix


def _glossary(
    sections: list[Section], published: bool, landlord: Landlord | None = None
) -> list[Section]:
    """A glossary of the terms (CH01, LCRA, [U], [c]...) the document's own text uses, and of
    the landlord's own terms it uses: landlord.yaml ``glossary`` (a resident's details withheld,
    as everywhere the landlord's words are printed) and the abbreviations its markdown defines
    (``*[HR]: Human resources``: the ``<abbr>`` title alone is a tooltip a keyboard, touch or
    screen reader user may never get)."""
    own = {}
    for section in sections:
        for block in section.blocks:
            if block.kind == "html":
                own.update(abbreviations(block.html))
    if landlord is not None:
        own.update({term: landlord_text(landlord, m) for term, m in landlord.glossary.items()})
    parts = []
    for section in sections:
        parts.append(section.title)
        for block in section.blocks:
            parts += [block.text, *block.items, str(block.html)]
            if block.table is not None:
                parts.append(str(block.table.html))
            if block.chart is not None:
                parts += [block.chart.title, block.chart.summary, str(block.chart.table.html)]
    text = html_lib.unescape(" ".join(parts))
    if published:
        text += " " + " ".join(PUBLISHED_KEY)  # the published versions' cover: its marks too
    lines = glossary_for(text, own)
    if not lines:
        return []
    section = Section("glossary", "Glossary")
    # Each entry has an id: a table cell showing a mark (<5, [c], [U]) points to its entry.
    entries = "".join(
        f'<li id="{glossary_id(line.split(": ", 1)[0])}">{html_lib.escape(line)}</li>'
        for line in lines
    )
    section.blocks.append(Block("html", html=Markup(f'<ul class="summary-list">{entries}</ul>')))
    return [section]


_CELL = re.compile(r"<td\b([^>]*)>(.*?)</td>", re.S)


def describe_figure_marks(page: str) -> str:
    """``page`` with each table cell that shows a mark instead of a figure (``<5``, ``[c]``,
    ``[U]``) described by the mark's glossary entry (``aria-describedby``): a screen reader
    otherwise reads "left bracket c right bracket", with the key at the top of the document and
    the glossary at its end. The cell's text stays as it is, on screen and in the PDF."""
    entries = {
        mark: glossary_id(mark) for mark in FIGURE_MARKS if f'id="{glossary_id(mark)}"' in page
    }

    def cell(match: re.Match) -> str:
        attributes, content = match.groups()
        mark = html_lib.unescape(re.sub(r"<[^>]+>", "", content)).strip()
        if mark not in entries or "aria-describedby" in attributes:
            return match.group(0)
        return f'<td{attributes} aria-describedby="{entries[mark]}">{content}</td>'

    return _CELL.sub(cell, page) if entries else page


_TABLE = re.compile(r"<table\b.*?</table>", re.S)
_TABLE_NAME = re.compile(r'<caption id="([\w-]+)-caption"')
# The note's sentence that explains the dash: "–: none recorded in that scheme this year."
_DASH_NOTE = re.compile(r"(–: [^<]*?\.)(?=\s|<)")


def describe_dashes(page: str) -> str:
    """``page`` with each table cell that shows a dash instead of a figure described by its
    table's note on the dash (``aria-describedby``), the sentence wrapped in an element of its
    own. A screen reader at its usual punctuation level says nothing for an en dash, so the cell
    sounded empty, and the note that says what it means ("none recorded in that country this
    period": the dash means different things in different tables) is read only at the table's
    end. The cell's text and the note's stay as they are, on screen and in the PDF."""

    def table(match: re.Match) -> str:
        html = match.group(0)
        footer = html.find("<tfoot")  # the notes, after every cell
        name = _TABLE_NAME.search(html)
        note = _DASH_NOTE.search(html, footer) if footer >= 0 else None
        if name is None or note is None:
            return html
        note_id = f"{name.group(1)}-dash-note"
        html = (
            f'{html[: note.start()]}<span id="{note_id}">{note.group(1)}</span>{html[note.end() :]}'
        )

        def cell(found: re.Match) -> str:
            attributes, content = found.groups()
            if re.sub(r"<[^>]+>", "", content).strip() != "–" or "aria-describedby" in attributes:
                return found.group(0)
            return f'<td{attributes} aria-describedby="{note_id}">{content}</td>'

        return _CELL.sub(cell, html)

    return _TABLE.sub(table, page)


def self_assessment_summary(
    con: duckdb.DuckDBPyConnection, workspace: Path, landlord: Landlord, year: ReportingYear
) -> dict | None:
    """The year's self-assessment summary (``pipeline.self_assessment``), or None without one.

    Raises ``SelfAssessmentError`` when the year's file is invalid."""
    from pipeline.self_assessment.build import self_assessment_summary as summarise

    return summarise(con, workspace, landlord, year.key)


def self_assessment_document(
    con: duckdb.DuckDBPyConnection, workspace: Path, landlord: Landlord, year: ReportingYear
):
    """The year's assembled self-assessment (``pipeline.self_assessment``), or None without one.

    Raises ``SelfAssessmentError`` when the year's file is invalid."""
    from pipeline.self_assessment.build import load_document

    return load_document(con, workspace, landlord, year.key)


def annual_report_sections(
    con: duckdb.DuckDBPyConnection,
    landlord: Landlord,
    year: ReportingYear,
    *,
    published: bool,
    workspace: Path,
    self_assessment: Any = _AUTO,
) -> tuple[list[Section], list[dict]]:
    """The annual report's sections and its headline figures (for checks), without writing files."""
    measures = _load(con, landlord, year.previous.start, year.end, published)
    ctx = ReportContext(con, landlord, year, measures, published)
    summary, headline = annual.executive_summary(ctx)
    problem = None
    # The summary and the appendix that prints the whole self-assessment come from one document.
    document = None
    if self_assessment is _AUTO:
        from pipeline.self_assessment.model import SelfAssessmentError

        try:
            self_assessment = self_assessment_document(con, workspace, landlord, year)
        except SelfAssessmentError as exc:
            self_assessment = None
            problem = f"the self-assessment for {year.label} is invalid ({len(exc.problems)} "
            problem += "problems, listed in the data-quality report)"
    if self_assessment is not None and not isinstance(self_assessment, dict):
        from pipeline.self_assessment.build import summarise

        document, self_assessment = self_assessment, summarise(self_assessment)
    narrative, code_sections = section8_sections(
        workspace,
        con,
        landlord.landlord_id,
        year,
        measures,
        published,
        self_assessment,
        problem,
        landlord.thresholds.small_number_suppression,
        appendix_link=document is not None,
        code_applies=code_applies(landlord.regimes),
    )
    sections = [
        summary,
        narrative,  # the analyst's commentary beside the generated text (pipeline/reporting/section8.py)
        sector_section(ctx),  # benchmarks and quartile history (pipeline/reporting/sector.py)
        annual.volumes(ctx),
        annual.resolution(ctx),
        annual_sections.timeliness(ctx),
        annual.outcomes(ctx),
        annual.refusals(ctx),
        ombudsman_section.ombudsman(ctx),
        annual_sections.heat_and_care(ctx),
        annual.equality(ctx),
        annual_sections.satisfaction(ctx),
        annual.remedies(ctx),
        annual.learning(ctx),
        annual.compliments(ctx),
        annual.schemes(ctx),
        *code_sections,  # the Code's section 8 content
        annual.appendix(ctx, code_version(), _data_cut(landlord)),
        # Code 8.1: the report includes the self-assessment, in full, beside the summary above.
        # A summary given without its document (tests) has no form to print.
        # (a landlord in Scotland alone has no Code self-assessment: pipeline/reporting/code_scope)
        None
        if (document is None and self_assessment is not None) or not code_applies(landlord.regimes)
        else self_assessment_appendix(document, year, published, problem),
    ]
    return place_policy_sections([s for s in sections if s is not None], ctx), headline


def render_annual_report(
    con: duckdb.DuckDBPyConnection,
    landlord: Landlord | str,
    year: str | ReportingYear,
    out_dir: Path,
    *,
    published: bool = False,
    workspace: Path | None = None,
    self_assessment: Any = _AUTO,
    pdf: bool = True,
    printer: PdfPrinter | None = None,
) -> dict[str, Path]:
    """Write the annual complaints performance and service-improvement report (HTML and PDF).

    Parameters
    ----------
    con
        Connection to the landlord's DuckDB (reads ``measures`` and small reference tables).
    landlord
        Landlord configuration, or its id.
    year
        Reporting year, e.g. ``"2024-25"``.
    out_dir
        Folder for ``annual_report.html/.pdf`` (``annual_report_published.*`` when published).
    published
        Website version: counts under 5 suppressed (``<5``), with secondary suppression.
    workspace
        The landlord workspace (annual_report/<year>/: board_response.md, narrative.md,
        self_assessment.yaml, other_reports.yaml; docs/governance.md); default
        ``<workspaces root>/<landlord_id>``.
    self_assessment
        The year's ``SelfAssessmentDocument`` (summarised, and printed in full in an appendix),
        a summary dict alone (no appendix), None for "not available", or omitted to read it
        with ``pipeline.self_assessment`` from the workspace's file.
    pdf
        Also print the PDF (default True).
    printer
        An open :class:`~pipeline.reporting.pdf.PdfPrinter` to reuse (one browser for several
        documents); by default a browser is launched for this document.

    Returns
    -------
    dict[str, Path]
        ``{"html": ..., "pdf": ...}``.
    """
    landlord, workspace = _landlord(landlord, workspace)
    year = year if isinstance(year, ReportingYear) else ReportingYear.parse(year)
    sections, _ = annual_report_sections(
        con,
        landlord,
        year,
        published=published,
        workspace=workspace,
        self_assessment=self_assessment,
    )
    cut = resolve_data_cut(landlord)
    return _write(
        Path(out_dir),
        "annual_report_published" if published else "annual_report",
        title="Annual complaints performance and service improvement report",
        landlord=landlord,
        # a year the data cut falls in holds only the weeks to the cut: said in its heading
        period_label=f"Reporting year {to_data_cut(year, cut).label}",
        sections=sections,
        data_cut=_data_cut(landlord),
        published=published,
        has_internal_version=True,
        intro=data_cut_intro(year, cut, document="report"),
        pdf=pdf,
        printer=printer,
    )


def _period(key: str) -> Period:
    """``2024-25-Q2`` (quarter), ``2024-05`` (month) or ``2024-25`` (year)."""
    return parse_period(key)


def render_committee_pack(
    con: duckdb.DuckDBPyConnection,
    landlord: Landlord | str,
    quarter: str,
    out_dir: Path,
    *,
    workspace: Path | None = None,
    pdf: bool = True,
    printer: PdfPrinter | None = None,
) -> dict[str, Path]:
    """Write the committee pack for a quarter (``2024-25-Q2``) or a month (``2024-05``).

    The quarter's figures, the previous quarter's, the year to date (numerators and denominators of
    the periods so far added up) and open-complaint ageing at the period end.

    Returns
    -------
    dict[str, Path]
        ``{"html": .../committee_pack.html, "pdf": .../committee_pack.pdf}``.
    """
    landlord, _ = _landlord(landlord, workspace)
    period = _period(quarter)
    if period.kind == "year":
        raise ValueError(f"committee pack period '{quarter}' must be a quarter or a month")
    year = ReportingYear.containing(period.start)
    measures = _load(con, landlord, year.previous.start, year.end, published=False)
    measures = with_year_to_date(measures, period)
    cut = resolve_data_cut(landlord)
    sections = committee_sections(con, landlord, measures, period, cut)
    return _write(
        Path(out_dir),
        "committee_pack",
        title="Complaints committee pack",
        landlord=landlord,
        period_label=to_data_cut(period, cut).label,
        sections=sections,
        data_cut=_data_cut(landlord),
        intro=data_cut_intro(period, cut),
        pdf=pdf,
        printer=printer,
    )


def render_data_quality(
    con: duckdb.DuckDBPyConnection,
    landlord: Landlord | str,
    out_dir: Path,
    *,
    workspace: Path | None = None,
    pdf: bool = True,
    printer: PdfPrinter | None = None,
) -> dict[str, Path]:
    """Write the data-quality report and ``quarantine.csv`` (formula-safe cells).

    Returns
    -------
    dict[str, Path]
        ``{"html": ..., "pdf": ..., "csv": .../quarantine.csv}``.
    """
    landlord, workspace = _landlord(landlord, workspace)
    quarantine = quarantine_frame(con, landlord.landlord_id)
    paths = _write(
        Path(out_dir),
        "data_quality",
        title="Data-quality report",
        landlord=landlord,
        # every year the exports hold, as loaded last, not the year of the folder it is in
        period_label=(
            f"Latest load, data cut {landlord.data_cut_date:%-d %B %Y}"
            if landlord.data_cut_date is not None
            else "Latest load"
        ),
        sections=[
            *quality_sections(
                con,
                landlord.landlord_id,
                quarantine,
                workspace if workspace.is_dir() else None,
                landlord,
            ),
            inputs_quality_section(workspace, con, landlord.landlord_id),
        ],
        data_cut=_data_cut(landlord),
        intro="For analysts: rows that could not be loaded, why, and what to fix in the case "
        "system. No personal data is shown.",
        pdf=pdf,
        printer=printer,
    )
    paths["csv"] = write_quarantine_csv(quarantine, Path(out_dir) / "quarantine.csv")
    return paths


def render_learning_summary(
    con: duckdb.DuckDBPyConnection,
    landlord: Landlord | str,
    quarter_or_year: str,
    out_dir: Path,
    *,
    workspace: Path | None = None,
    pdf: bool = True,
    printer: PdfPrinter | None = None,
) -> dict[str, Path]:
    """Write the residents' learning summary for a quarter or a year (published: counts under 5
    suppressed).

    Returns
    -------
    dict[str, Path]
        ``{"html": .../learning_summary.html, "pdf": .../learning_summary.pdf}``.
    """
    landlord, _ = _landlord(landlord, workspace)
    period = _period(quarter_or_year)
    year = ReportingYear.containing(period.start)
    measures = _load(con, landlord, year.start, year.end, published=True)
    cut = resolve_data_cut(landlord)
    return _write(
        Path(out_dir),
        "learning_summary",
        title="Learning from complaints",
        landlord=landlord,
        period_label=to_data_cut(period, cut).label,
        sections=learning_sections(con, landlord, measures, period, cut),
        data_cut=_data_cut(landlord),
        published=True,
        intro="Every complaint helps us improve. This summary shows what residents told us and "
        "what we changed as a result."
        + (f" {note}" if (note := residents_data_cut_intro(period, cut)) else ""),
        pdf=pdf,
        printer=printer,
    )
