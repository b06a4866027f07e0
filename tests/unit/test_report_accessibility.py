"""An accessibility auditor's checks on every document's HTML, beyond what axe-core finds.

WCAG 2.2 AA as the Public Sector Bodies Accessibility Regulations 2018 require: a way past the
blocks repeated at the top (2.4.1), a title that tells two documents apart (2.4.2), abbreviations
explained (3.1.4, by the glossary). Rendered without a browser from the sample landlord (the
browser tests run axe-core on the same documents).
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from pipeline.reporting import render, schemes
from pipeline.reporting.sample import build_sample_database
from pipeline.self_assessment.build import assemble
from pipeline.self_assessment.model import parse_self_assessment
from pipeline.self_assessment.render import REPORTS_DIR, render_html
from tests.unit.test_self_assessment import YEAR, answers, con, landlord  # noqa: F401 - fixture


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[str, Path]:
    """Every document ``document.html`` renders for the sample landlord, HTML only."""
    out = tmp_path_factory.mktemp("documents")
    workspace = out / "workspace"
    workspace.mkdir()
    with duckdb.connect() as sample_con:
        sample = build_sample_database(sample_con)
        found = {
            "annual_report": render.render_annual_report(
                sample_con, sample, "2024-25", out, workspace=workspace, pdf=False
            ),
            "annual_report_published": render.render_annual_report(
                sample_con, sample, "2024-25", out, published=True, workspace=workspace, pdf=False
            ),
            "committee_pack": render.render_committee_pack(
                sample_con, sample, "2024-25-Q2", out, workspace=workspace, pdf=False
            ),
            "data_quality": render.render_data_quality(
                sample_con, sample, out, workspace=workspace, pdf=False
            ),
            "learning_summary": render.render_learning_summary(
                sample_con, sample, "2024-25", out, workspace=workspace, pdf=False
            ),
            "scheme_reports": schemes.render_scheme_reports(
                sample_con, sample, "2024-25", out, pdf=False
            ),
        }
    return {name: paths["html"] for name, paths in found.items()}


class _Outline(HTMLParser):
    """What a keyboard user meets: the links in document order, and which element has which id."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.tag_of_id: dict[str, str] = {}
        self._link: list[str] | None = None
        self._href = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.tag_of_id[attributes["id"]] = tag
        if tag == "a" and "href" in attributes:
            self._link, self._href = [], attributes["href"]

    def handle_data(self, data):
        if self._link is not None:
            self._link.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            self.links.append((self._href, " ".join("".join(self._link).split())))
            self._link = None


def _outline(html: str) -> _Outline:
    parser = _Outline()
    parser.feed(html.split("<body>", 1)[1])
    return parser


def _skip_link_problems(html: str) -> list[str]:
    outline = _outline(html)
    if not outline.links:
        return ["no link at all"]
    href, text = outline.links[0]
    problems = []
    if not href.startswith("#") or text != "Skip to main content":
        problems.append(f"first link is {text!r} ({href}), not a skip link")
    elif outline.tag_of_id.get(href[1:]) != "main":
        problems.append(f"skip link's target {href} is not the <main> element")
    if not re.search(r'<main\b[^>]*\btabindex="-1"', html):
        problems.append("<main> cannot take the focus the skip link sends it")
    return problems


def test_every_document_opens_with_a_skip_link_to_its_main_content(documents):
    """WCAG 2.4.1: the cover and the contents (some 30 links in the annual report) come before
    the content; the first link on the page takes a keyboard user past them."""
    for name, path in documents.items():
        assert _skip_link_problems(path.read_text(encoding="utf-8")) == [], name


def test_the_self_assessment_opens_with_a_skip_link_to_its_main_content(con):  # noqa: F811
    html = render_html(assemble(con, landlord(), parse_self_assessment(answers()), YEAR))
    assert _skip_link_problems(html) == []


def test_the_skip_link_shows_when_it_has_the_focus_and_is_not_printed():
    """Hidden off-screen until focused (then visible, with a focus ring: WCAG 2.4.7); not on paper."""
    for stylesheet in ("css/report.css", "self_assessment.css"):
        css = (REPORTS_DIR / stylesheet).read_text(encoding="utf-8")
        focused = re.search(r"\.skip-link:focus\s*\{([^}]*)\}", css)
        assert focused and "left: 0.5rem" in focused.group(1) and "outline: 3px" in focused.group(1)
        printed = css.split("@media print", 1)[1]
        assert re.search(r"\.skip-link\s*\{\s*display:\s*none;", printed), stylesheet


def _title(html: str) -> str:
    return unescape(re.search(r"<title>(.*?)</title>", html, flags=re.S).group(1))


def test_every_document_has_a_title_of_its_own(documents):
    """WCAG 2.4.2: the internal and published annual reports are two documents, open side by side
    in a browser's tabs or listed in its history: the published one's title says which it is."""
    titles = {name: _title(path.read_text(encoding="utf-8")) for name, path in documents.items()}
    assert len(set(titles.values())) == len(titles), titles
    assert titles["annual_report_published"] == titles["annual_report"] + " (published version)"
    # a document written in one version only is not labelled as one of two
    assert "version" not in titles["scheme_reports"]


# Capitals that are not abbreviations a reader needs explained: quarters (Q1 2024/25), file
# formats named beside their links, the placeholder word an export may write in empty cells, and
# the Ombudsman's postal address (a PO Box and a postcode).
NOT_ABBREVIATIONS = {"Q1", "Q2", "Q3", "Q4", "PDF", "HTML", "XLSX", "CSV", "NULL", "PO"}
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}\b")
_ABBREVIATION = re.compile(r"\b[A-Z][A-Z0-9]+(?=s?\b)")


def _abbreviations_unexplained(html: str) -> set[str]:
    """Abbreviations in the document's own text (:func:`_own_text`) before its glossary that the
    glossary does not define (a definition may name another term: "TSM: ... including CH01")."""
    text, _, glossary = html.partition('<h2 id="glossary">')
    defined = set(re.findall(r"<li\b[^>]*>([^:<]+):", glossary))
    return set(_ABBREVIATION.findall(_own_text(text))) - defined - NOT_ABBREVIATIONS


def _own_text(html: str) -> str:
    """The document's own words: its text and table headings, without the scripts, the data cells
    (category and scheme names, raw values: the landlord's words) and the values it quotes."""
    body = html.split("<body>", 1)[-1]
    body = re.sub(r"<(script|td)\b.*?</\1>", " ", body, flags=re.S)
    text = _POSTCODE.sub(" ", unescape(re.sub(r"<[^>]+>", " ", body)))
    return re.sub(r"(?<![A-Za-z])'[^']*'(?![A-Za-z])", " ", text)


def test_every_abbreviation_a_document_uses_is_in_its_glossary(documents):
    """WCAG 3.1.4 (by a glossary, technique G62): RSH (the sector figures' source) and YTD (the
    committee pack's year-to-date column) were used without being defined."""
    for name, path in documents.items():
        html = path.read_text(encoding="utf-8")
        assert _abbreviations_unexplained(html) == set(), name


def _table_problems(html: str) -> list[str]:
    """WCAG 1.3.1 (H39, H63): each table is named by a caption, each heading cell has words and
    says what it heads, and each body row is read with its label (a row header)."""
    problems = []
    for number, table in enumerate(re.findall(r"<table\b.*?</table>", html, flags=re.S), 1):
        caption = re.search(r"<table\b[^>]*>\s*<caption\b[^>]*>(.*?)</caption>", table, re.S)
        if caption is None or not re.sub(r"<[^>]+>", "", caption.group(1)).strip():
            problems.append(f"table {number}: no caption")
        for attributes, text in re.findall(r"<th\b([^>]*)>(.*?)</th>", table, flags=re.S):
            if not re.sub(r"<[^>]+>", "", text).strip():
                problems.append(f"table {number}: an empty heading cell")
            if "scope=" not in attributes and "id=" not in attributes:
                problems.append(f"table {number}: a heading cell without scope")
        for row in re.findall(r"<tbody\b.*?</tbody>", table, flags=re.S):
            for cells in re.findall(r"<tr\b[^>]*>(.*?)</tr>", row, flags=re.S):
                if cells.count("<td") > 1 and not cells.lstrip().startswith("<th"):
                    problems.append(f"table {number}: a row without a row header")
                    break
    return problems


def test_every_table_has_a_caption_and_row_and_column_headers(documents):
    for name, path in documents.items():
        assert _table_problems(path.read_text(encoding="utf-8")) == [], name


def test_the_self_assessment_tables_have_captions_and_row_headers(con):  # noqa: F811
    """The action plan and the thresholds table were named only by the section heading, with no
    row headers, and the action plan's links read "see 5.10" (WCAG 2.4.4)."""
    action = {"what": "Retrain staff", "owner": "Complaints manager", "due": "2025-09-30"}
    assessment = parse_self_assessment(answers(**{"5.3": {"comply": False, "actions": [action]}}))
    html = render_html(assemble(con, landlord(), assessment, YEAR))
    assert 'id="actions-caption"' in html and 'id="thresholds-caption"' in html
    assert _table_problems(html) == []
    assert ("#p-5.3", "Provision 5.3") in _outline(html).links


def test_a_cell_showing_a_dash_is_described_by_its_tables_note_on_the_dash(documents):
    """A screen reader at its usual punctuation level is silent on an en dash: a cell showing "–"
    (none recorded) sounded empty, its meaning only in the table's note, read after the last row.
    Each such cell is described by that note's sentence on the dash, in the same table."""
    described = 0
    for name, path in documents.items():
        html = path.read_text(encoding="utf-8")
        for table in re.findall(r"<table\b.*?</table>", html, flags=re.S):
            notes = dict(re.findall(r'<span id="([\w-]+-dash-note)">([^<]*)</span>', table))
            for attributes, content in re.findall(r"<td\b([^>]*)>(.*?)</td>", table, flags=re.S):
                if re.sub(r"<[^>]+>", "", content).strip() != "–" or "–: " not in table:
                    continue
                target = re.search(r'aria-describedby="([^"]+)"', attributes)
                assert target, f"{name}: a cell showing a dash has no description"
                assert notes[target.group(1)].startswith("–: "), name
                described += 1
    assert described > 0


def test_every_link_within_the_self_assessment_has_its_target(con):  # noqa: F811
    html = render_html(assemble(con, landlord(), parse_self_assessment(answers()), YEAR))
    outline = _outline(html)
    targets = [href[1:] for href, _ in outline.links if href.startswith("#")]
    assert targets and [t for t in targets if t not in outline.tag_of_id] == []


def test_an_evidence_address_is_a_link_named_for_what_it_evidences(con):  # noqa: F811
    """A bare address as a link's only name says nothing out of context (a screen reader's list
    of links read six identical addresses); the name says which provision it evidences and keeps
    the address shown (WCAG 2.4.4, 2.5.3)."""
    address = "https://homes.example/complaints"
    assessment = parse_self_assessment(answers(**{"5.10": {"evidence": [address]}}))
    html = render_html(assemble(con, landlord(), assessment, YEAR))
    link = re.search(rf'<a href="{address}"([^>]*)>([^<]*)</a>', html)
    assert link and link.group(2) == address
    assert f'aria-label="Evidence for provision 5.10: {address}"' in link.group(1)


def test_a_cell_showing_a_mark_is_described_by_the_marks_glossary_entry(documents):
    """A screen reader read a withheld figure as "left bracket c right bracket" (or "less 5"),
    its meaning only in the key at the top and the glossary at the end: each cell showing a mark
    is described by the mark's entry (aria-describedby), its text unchanged."""
    html = documents["annual_report_published"].read_text(encoding="utf-8")
    entries = dict(re.findall(r'<li id="(glossary-[^"]+)">([^<]*)</li>', html))
    described = 0
    for attributes, content in re.findall(r"<td\b([^>]*)>(.*?)</td>", html, flags=re.S):
        mark = unescape(re.sub(r"<[^>]+>", "", content)).strip()
        if mark not in ("<5", "[c]", "[U]"):
            continue
        target = re.search(r'aria-describedby="([^"]+)"', attributes)
        assert target, f"a cell showing {mark} has no description"
        assert unescape(entries[target.group(1)]).startswith(f"{mark}: ")
        described += 1
    assert described > 0


def test_the_self_assessment_has_a_glossary_of_the_abbreviations_it_uses(con):  # noqa: F811
    """The self-assessment is published on its own: "the TSM return", CH02 and the key's marks
    were explained nowhere in it (the annual report's glossary is another document)."""
    html = render_html(assemble(con, landlord(), parse_self_assessment(answers()), YEAR))
    assert _abbreviations_unexplained(html) == set()
    glossary = html.split('<h2 id="glossary">', 1)[1]
    for term in ("TSM", "CH02", "&lt;5", "[c]"):
        assert f"<li>{term}: " in glossary, term


def test_every_focusable_scroll_region_has_a_visible_focus_ring():
    """WCAG 2.4.7: each kind of region the keyboard can focus (a table or a chart that scrolls
    sideways) has its own :focus-visible ring in the stylesheet; the chart's relied on Chromium's
    default."""
    import re
    from pathlib import Path

    reports = Path(__file__).resolve().parents[2] / "reports"
    templates = " ".join(p.read_text() for p in reports.rglob("*.html*"))
    focusable = set(re.findall(r'class="([\w-]+)"[^>]*tabindex="0"', templates))
    assert {"chart-scroll", "table-scroll"} <= focusable
    css = (reports / "css" / "report.css").read_text()
    ringed = set(re.findall(r"\.([\w-]+):focus-visible", css))
    assert focusable <= ringed, focusable - ringed


def test_quarter_labels_are_in_the_glossary_when_a_document_uses_them():
    from pipeline.reporting.labels import glossary_for

    lines = glossary_for("Committee pack, Q3 2025/26")
    assert any(line.startswith("Q1 to Q4: ") and "Q3 October to December" in line for line in lines)
    assert not any(line.startswith("Q1 to Q4") for line in glossary_for("2025/26, April"))


def test_the_published_key_explains_every_mark_a_figure_may_show():
    """The key at the top of a published document explained <5 and [c], and left [U] to the
    glossary at the end: each mark is in the key, in the glossary's words."""
    from pipeline.reporting.labels import FIGURE_MARKS, GLOSSARY
    from pipeline.reporting.suppression import PUBLISHED_KEY

    for mark in FIGURE_MARKS:
        assert any(line.startswith(f"{mark}: ") for line in PUBLISHED_KEY), mark
    assert f"[U]: {GLOSSARY['[U]']}" in PUBLISHED_KEY


def _printed_rules(css: str) -> list[tuple[list[str], str]]:
    """(selectors, declarations) of each rule inside a stylesheet's ``@media print`` block."""
    printed = re.sub(r"/\*.*?\*/", " ", css.split("@media print", 1)[1], flags=re.S)
    return [
        ([selector.strip() for selector in selectors.split(",")], declarations)
        for selectors, declarations in re.findall(r"([^{}]+)\{([^{}]*)\}", printed)
    ]


def test_a_link_in_the_text_of_a_pdf_stays_underlined():
    """WCAG 1.4.1 (failure F73): the PDFs, printed by Chromium with the print styles, showed every
    link ('Data table for this chart', the self-assessment's HTML, PDF and XLSX) in the body
    text's colour without an underline, so nothing told a link from the words around it. Only
    the contents, a list made of links, may drop the underline."""
    css = (REPORTS_DIR / "css" / "report.css").read_text(encoding="utf-8")
    bare = [
        declarations
        for selectors, declarations in _printed_rules(css)
        if any(re.fullmatch(r"a(:[\w-]+)?", selector) for selector in selectors)
    ]
    assert bare, "no print rule for links found"
    assert not any(re.search(r"text-decoration:\s*none", d) for d in bare), bare


def test_the_sector_abbreviations_a_landlords_words_use_are_in_the_glossary():
    """WCAG 3.1.4: 'ASB' (a category and learning theme in both sample landlords' data) and 'BSL'
    (a self-assessment action) were printed with no expansion anywhere in the document."""
    from pipeline.reporting.labels import glossary_for

    lines = glossary_for("ASB case management. Agree a translation and BSL interpreting service.")
    assert "ASB: Anti-social behaviour." in lines
    assert "BSL: British Sign Language." in lines
    assert not any(line.startswith(("ASB", "BSL")) for line in glossary_for("Repairs, 2025/26"))


def test_the_self_assessment_explains_the_landlords_own_terms(con):  # noqa: F811
    """WCAG 3.1.4: an answer's commentary in the landlord's words ("WFH") is published in the
    self-assessment too: landlord.yaml ``glossary`` explains it there as in the annual report."""
    own = landlord().model_copy(update={"glossary": {"WFH": "Working from home."}})
    assessment = parse_self_assessment(answers(**{"5.3": {"commentary": "Handled by WFH staff."}}))
    html = render_html(assemble(con, own, assessment, YEAR))
    assert "<li>WFH: Working from home.</li>" in html.split('<h2 id="glossary">', 1)[1]
    assert _abbreviations_unexplained(html) == set()
