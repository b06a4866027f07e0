"""Write the self-assessment as HTML, PDF and XLSX (the Ombudsman's five-column layout).

HTML goes through Jinja with autoescape (markup in a landlord's commentary shows as text); the PDF
is that same HTML printed by ``pipeline.reporting.pdf.html_to_pdf``, as for the annual report; the
XLSX has one sheet per Code section, every text cell through ``pipeline.io.safe_cell``. Every file
is written atomically.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
import xlsxwriter
from markupsafe import Markup

from pipeline.io import atomic_write_bytes, atomic_write_text, safe_cell
from pipeline.reporting import trace
from pipeline.reporting.labels import glossary_for
from pipeline.reporting.suppression import PUBLISHED_KEY
from pipeline.returns import xlsx_created
from pipeline.self_assessment.build import AssessedProvision, SelfAssessmentDocument

REPORTS_DIR = Path(__file__).resolve().parent.parent.parent / "reports"
TEMPLATE = "self_assessment.html.j2"
STYLESHEET = "self_assessment.css"
# The form's tables, one per section of the Code: the one rendering of them, which both
# self_assessment.html and the annual report's appendix print (render_form).
FORM_PARTIAL = "partials/self_assessment_form.html"

# The Ombudsman's form columns, in order (Appendix A of the self-assessment guidance).
COLUMNS = (
    "Code provision",
    "Code requirement",
    "Comply Yes/No",
    "Evidence",
    "Commentary / explanation",
)
_COLUMN_WIDTHS = (10, 60, 12, 60, 60)
# The workbook's first sheet (a cover sheet, as the GSS guidance on spreadsheets has it): whose
# self-assessment it is and its sign-off, since the Ombudsman receives the XLSX on its own.
ABOUT_SHEET = "Cover sheet"
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _is_link(value: object) -> bool:
    # Only web links become hrefs: a "javascript:" or "data:" evidence item stays plain text.
    return isinstance(value, str) and re.match(r"^https?://\S+$", value) is not None


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(REPORTS_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.tests["link"] = _is_link
    return env


def document_facts(document: SelfAssessmentDocument) -> list[tuple[str, str]]:
    """The self-assessment's facts as ``(term, description)``: its data cut, when it is due, who
    completed and approved it and when, and the year its answers were carried from. The HTML's
    header and the workbook's first sheet print these, in the same words."""
    assessment = document.assessment
    facts = []
    if document.data_cut:
        facts.append(
            (
                "Data cut",
                f"{document.data_cut} (the figures in the evidence column are as at this date)",
            )
        )
    facts.append(("Due", f"{document.deadline.date:%-d %B %Y} ({document.deadline.rule})"))
    if assessment.completed_by:
        facts.append(("Completed by", assessment.completed_by))
    if assessment.approved_by:
        facts.append(("Approved by", assessment.approved_by))
    if assessment.completed_on:
        term = "Reconfirmed on" if assessment.carried_from else "Completed on"
        facts.append((term, f"{assessment.completed_on:%-d %B %Y}"))
    if assessment.carried_from:
        carried = f"the {assessment.carried_from.replace('-', '/')} self-assessment"
        if assessment.answers_completed_on:
            carried += f" (completed {assessment.answers_completed_on:%-d %B %Y})"
        if assessment.carried_reason:
            carried += f": {assessment.carried_reason}"
        facts.append(("Answers carried from", carried))
    return facts


def render_html(document: SelfAssessmentDocument) -> str:
    """The self-contained HTML document (stylesheet inlined).

    Parameters
    ----------
    document
        The assembled self-assessment.

    Returns
    -------
    str
        HTML; every value from the landlord or the data is escaped.
    """
    css = (REPORTS_DIR / STYLESHEET).read_text(encoding="utf-8")
    # The evidence is in its published wording (the self-assessment is published beside the
    # annual report), so the document states the same key as the report.
    template = _environment().get_template(TEMPLATE)
    context = {"doc": document, "css": css, "key": PUBLISHED_KEY, "facts": document_facts(document)}
    page = template.render(**context, glossary=[])
    # The document ends with a glossary of the terms (TSM, CH02, <5...) its own text uses, as the
    # annual report does: found in the page as rendered, so every column and the key count.
    text = html.unescape(re.sub(r"<style\b.*?</style>|<[^>]+>", " ", trace.plain(page), flags=re.S))
    return trace.finish(template.render(**context, glossary=glossary_for(text, document.glossary)))


def render_form(
    document: SelfAssessmentDocument,
    *,
    published: bool = True,
    id_prefix: str = "",
    heading_level: int = 2,
    traced: bool = False,
) -> Markup:
    """The form's tables, one ``<section>`` per section of the Code, as ``self_assessment.html``
    shows them: the fragment the annual report prints in its appendix (Code provision 8.1: the
    annual report includes the self-assessment).

    Parameters
    ----------
    document
        The assembled self-assessment.
    published
        Measured evidence in its published wording (``EvidenceLine.shown``, as
        ``self_assessment.html`` and the published annual report show it); False for the full
        figures of the internal annual report (``EvidenceLine.text``). Answers, evidence
        documents, commentary and flags are the same either way.
    id_prefix
        Put before every element id (``p-5.12``, ``section-5``), so the fragment's ids cannot clash
        with those of the document it goes into.
    heading_level
        Level of each Code section's heading (2 in ``self_assessment.html``, 3 under the annual
        report's appendix heading).
    traced
        Mark each measured figure with its row of the measures table
        (:meth:`~pipeline.self_assessment.evidence.EvidenceLine.wording`), for a document that
        finishes its page with :func:`pipeline.reporting.trace.finish`, as the annual report
        does; the text shown is the same.

    Returns
    -------
    Markup
        HTML; every value from the landlord or the data is escaped.
    """
    if not 2 <= heading_level <= 6:
        raise ValueError(f"heading_level must be 2 to 6, not {heading_level}")
    form = _environment().get_template(FORM_PARTIAL).module
    return Markup(form.sections(document, published, id_prefix, heading_level, traced))


def evidence_text(row: AssessedProvision, year_label: str, data_cut: str = "") -> str:
    """The Evidence cell of the form: documents, measured evidence and any contradiction. The
    workbook has no header, so the measured lines carry the data cut they are as at."""
    parts = list(row.answer.evidence) if row.answer else []
    if row.evidence_lines:
        cut = f" (data cut {data_cut})" if data_cut else ""
        parts.append(f"From the data, {year_label}{cut}:")
        parts.extend(f"- {line.shown}" for line in row.evidence_lines)
    if row.contradicted:
        flagged = "; ".join(
            f"{line.shown} (threshold: {line.threshold.describe()})" for line in row.contradictions
        )
        parts.append(f"DATA CONTRADICTS 'YES': {flagged}")
    elif row.unchecked:
        parts.append(
            "NO FIGURES TO CHECK 'YES': " + "; ".join(line.shown for line in row.unchecked_lines)
        )
    return "\n".join(parts)


def commentary_text(row: AssessedProvision) -> str:
    """The Commentary / explanation cell: commentary, then planned actions."""
    if row.answer is None:
        return ""
    parts = [row.answer.commentary] if row.answer.commentary else []
    if row.answer.actions:
        parts.append("Planned actions:")
        parts.extend(
            f"- {a.what} (owner: {a.owner}; due {a.due.isoformat()})" for a in row.answer.actions
        )
    return "\n".join(parts)


_SHEET_NAME_LIMIT = 31  # Excel's limit on a sheet name


def _sheet_name(number: int, title: str) -> str:
    """``9. Scrutiny and oversight`` for section 9: the characters Excel forbids in a sheet name
    dropped (the colon of "Scrutiny and oversight: continuous learning ..." left a double space),
    and a title longer than Excel's 31 characters cut after its last whole word that fits (it was
    cut mid-word: "5. The complaint handling proce")."""
    name = " ".join(_SHEET_NAME_FORBIDDEN.sub(" ", f"{number}. {title}").split())
    if len(name) <= _SHEET_NAME_LIMIT:
        return name
    cut = name[: _SHEET_NAME_LIMIT + 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;-")


def render_xlsx(document: SelfAssessmentDocument) -> bytes:
    """The form as an XLSX workbook: a cover sheet (:data:`ABOUT_SHEET`), then one sheet per
    section, the five columns, form rows only.

    Parameters
    ----------
    document
        The assembled self-assessment.

    Returns
    -------
    bytes
        The workbook. Provision 1.1 (information only) is not a row, as in the Ombudsman's form.
        Every text cell goes through ``safe_cell`` and is written as a string, never a formula.
    """
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    workbook.set_properties(
        {
            "title": document.title,
            "subject": "Complaint Handling Code 2024",
            # fixed, not the time of writing: the same inputs give a byte-identical workbook
            "created": xlsx_created(document.year),
        }
    )
    header = workbook.add_format(
        {"bold": True, "bg_color": "#F3F2F1", "border": 1, "text_wrap": True}
    )
    cell = workbook.add_format({"text_wrap": True, "valign": "top", "border": 1})
    flagged = workbook.add_format(
        {"text_wrap": True, "valign": "top", "border": 1, "bg_color": "#FDE8EA"}
    )
    _about_sheet(workbook.add_worksheet(ABOUT_SHEET), document, header, cell)
    for section in document.sections:
        sheet = workbook.add_worksheet(_sheet_name(section.number, section.title))
        for col, (name, width) in enumerate(zip(COLUMNS, _COLUMN_WIDTHS, strict=True)):
            sheet.set_column(col, col, width)
            sheet.write_string(0, col, safe_cell(name), header)
        sheet.freeze_panes(1, 0)
        rows = [r for r in section.rows if r.answer is not None]
        for index, row in enumerate(rows, start=1):
            comply = "Yes" if row.answer.complies else "No"
            values = (
                row.provision.id,
                row.provision.requirement,
                comply,
                evidence_text(row, document.year.label, document.data_cut),
                commentary_text(row),
            )
            style = flagged if row.contradicted else cell
            for col, value in enumerate(values):
                sheet.write_string(index, col, safe_cell(value), style)
    workbook.close()
    return buffer.getvalue()


def _about_sheet(sheet, document: SelfAssessmentDocument, header, cell) -> None:
    """Whose self-assessment the workbook is, and its sign-off (:func:`document_facts`)."""
    year = document.year
    rows = [
        ("Landlord", document.landlord_name),
        (
            "Reporting year",
            f"{year.label} (1 April {year.start.year} to 31 March {year.end.year})",
        ),
        ("Code", "Housing Ombudsman Complaint Handling Code 2024"),
        *document_facts(document),
        ("Answers our figures do not support", str(len(document.contradicted))),
        ("Answers our figures could not check", str(len(document.unchecked))),
    ]
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 90)
    sheet.write_string(0, 0, "Item", header)
    sheet.write_string(0, 1, "Detail", header)
    for index, (term, description) in enumerate(rows, start=1):
        sheet.write_string(index, 0, safe_cell(term), cell)
        sheet.write_string(index, 1, safe_cell(description), cell)


@dataclass(frozen=True)
class SelfAssessmentFiles:
    """Paths of the written documents (``pdf`` None when it was not requested)."""

    html: Path
    xlsx: Path
    pdf: Path | None


def write_outputs(
    document: SelfAssessmentDocument, out_dir: Path, pdf: bool = True
) -> SelfAssessmentFiles:
    """Write ``self_assessment.html``, ``.xlsx`` and (by default) ``.pdf`` into ``out_dir``.

    Parameters
    ----------
    document
        The assembled self-assessment.
    out_dir
        The landlord's documents folder for the year.
    pdf
        Print the PDF too (needs Chromium); False for quick runs.

    Returns
    -------
    SelfAssessmentFiles
    """
    out_dir = Path(out_dir)
    html_path = atomic_write_text(out_dir / "self_assessment.html", render_html(document))
    xlsx_path = atomic_write_bytes(out_dir / "self_assessment.xlsx", render_xlsx(document))
    pdf_path = None
    if pdf:
        # Imported here: the PDF path pulls in Playwright, which quick HTML-only runs do not need.
        from pipeline.reporting.pdf import html_to_pdf

        pdf_path = html_to_pdf(
            html_path,
            out_dir / "self_assessment.pdf",
            title=f"{document.landlord_name}: Code self-assessment",
            header_right=document.year.label,
        )
    return SelfAssessmentFiles(html_path, xlsx_path, pdf_path)
