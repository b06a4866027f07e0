"""The documents in real Chromium: console clean, charts drawn, axe-core clean, PDFs faithful.

Uses Debian's /usr/bin/chromium through Playwright (no browser download) and axe-core bundled in
axe-playwright-python (offline). Screenshots of each document's first screen are kept in
``test-artifacts/``.
"""

from __future__ import annotations

import json
import os
import re
import resource
import time
from html import unescape
from pathlib import Path

import duckdb
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from pipeline.config import ComplaintsContact, load_landlord
from pipeline.ingest import ingest_workspace
from pipeline.manifest import write_manifest
from pipeline.measures import compute_measures
from pipeline.periods import ReportingYear
from pipeline.reporting import render, schemes
from pipeline.reporting.browser import (
    A4_PRINTABLE_WIDTH_PX,
    chromium_page,
    chromium_path,
    overflowing_elements,
    wait_for_charts,
)
from pipeline.reporting.charts import CHART_GRAPHICS, PLOTLY_FILE
from pipeline.reporting.pdf import PdfPrinter
from pipeline.reporting.sample import build_sample_database
from pipeline.self_assessment.build import load_document
from pipeline.self_assessment.render import render_html
from pipeline.workspaces import DEFAULT_WORKSPACES_ROOT
from tests.pdf_ua_checks import (
    link_contents,
    links_without_contents,
    marked_content_report,
    page_text,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not chromium_path().exists(), reason=f"Debian chromium missing at {chromium_path()}"
    ),
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DOCUMENTS = [
    "annual_report",
    "annual_report_published",
    "committee_pack",
    "data_quality",
    "learning_summary",
]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Every document of the sample landlord, HTML and PDF, with the time each took."""
    out = tmp_path_factory.mktemp("documents")
    workspace = out / "workspace"
    workspace.mkdir()
    (workspace / "annual_report" / "2024-25").mkdir(parents=True)
    (workspace / "annual_report" / "2024-25" / "board_response.md").write_text(
        "---\ndate: 2025-09-18\nrole: Chair of the Board\n---\n"
        "The board accepts the findings and asks for a **quarterly** update.",
        encoding="utf-8",
    )
    con = duckdb.connect()
    landlord = build_sample_database(con)
    timings: dict[str, float] = {}

    def timed(name, call):
        started = time.perf_counter()
        result = call()
        timings[name] = time.perf_counter() - started
        return result

    # The annual report is timed end to end with its own browser launch (what one asset run
    # costs); the other documents share one browser to keep the suite short.
    paths = {
        "annual_report": timed(
            "annual_report",
            lambda: render.render_annual_report(con, landlord, "2024-25", out, workspace=workspace),
        )
    }
    with PdfPrinter() as printer:
        paths["annual_report_published"] = timed(
            "annual_report_published",
            lambda: render.render_annual_report(
                con,
                landlord,
                "2024-25",
                out,
                published=True,
                workspace=workspace,
                printer=printer,
            ),
        )
        paths["committee_pack"] = timed(
            "committee_pack",
            lambda: render.render_committee_pack(
                con, landlord, "2024-25-Q2", out, workspace=workspace, printer=printer
            ),
        )
        paths["data_quality"] = timed(
            "data_quality",
            lambda: render.render_data_quality(
                con, landlord, out, workspace=workspace, printer=printer
            ),
        )
        paths["learning_summary"] = timed(
            "learning_summary",
            lambda: render.render_learning_summary(
                con, landlord, "2024-25", out, workspace=workspace, printer=printer
            ),
        )
    yield con, landlord, paths, timings
    con.close()


@pytest.fixture(scope="module")
def browser_page():
    """One Chromium page for the module's documents; each test sets viewport and media."""
    with chromium_page(1024, 900) as page:
        yield page


AXE_OPTIONS = {
    # WCAG 2.0/2.1/2.2 A and AA rules plus axe's best practices (headings, landmarks).
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


# Axe runs on every document at a phone's width (320 px, WCAG 1.4.10 reflow) and a desktop's.
WIDTHS = [320, 1280]
MAX_HTML_BYTES = 1_500_000


def _axe_clean(page, url: str) -> None:
    # On screen, where targets are clicked (the shared page may still emulate print from the
    # previous test's layout check; the print stylesheet drops the screen-only 24 px targets).
    page.emulate_media(media="screen")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url, wait_until="load")
        wait_for_charts(page)
        results = Axe().run(page, options=AXE_OPTIONS)
        assert results.violations_count == 0, f"{width} px:\n" + results.generate_report()


@pytest.mark.parametrize("document", DOCUMENTS)
def test_document_in_chromium(rendered, browser_page, document):
    _, _, paths, _ = rendered
    page = browser_page
    errors: list[str] = []
    requests: list[str] = []

    def on_console(message):
        if message.type == "error":
            errors.append(message.text)

    def on_page_error(error):
        errors.append(str(error))

    def on_request(request):
        if not request.url.startswith("file:"):
            requests.append(request.url)

    page.set_viewport_size({"width": 1024, "height": 900})
    page.emulate_media(media="screen")
    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.on("request", on_request)
    try:
        page.goto(paths[document]["html"].as_uri(), wait_until="load")
        wait_for_charts(page)
        assert errors == []
        assert requests == [], "the document must be self-contained (no network requests)"
        figures = page.locator("figure.chart").count()
        assert page.locator(".plotly-graph-div").count() == figures
        for index in range(figures):
            chart = page.locator("figure.chart").nth(index)
            assert chart.locator(".plot-container").count() == 1
            assert chart.locator(".main-svg").count() >= 1  # the chart has drawn
            assert chart.locator(".chart-summary").inner_text().strip()
            # Alternative text: title, summary and the data's shape; the values in the appendix.
            assert "bar" in (label := chart.locator(".chart-plot").get_attribute("aria-label")) or (
                " from " in label
            )
            # The drawing's shapes are hidden from assistive technology (the label speaks for
            # the chart); none is left as an unnamed graphic inside the image.
            shapes = chart.locator(f".plotly-graph-div svg :is({CHART_GRAPHICS})")
            assert shapes.count() > 0
            assert (
                chart.locator(
                    f".plotly-graph-div svg :is({CHART_GRAPHICS}):not([aria-hidden='true'])"
                ).count()
                == 0
            )
            # The data table's link names its chart (one section may hold two charts): the
            # visible words first (WCAG 2.5.3), then the chart's title.
            title = " ".join(chart.locator(".chart-title").inner_text().split())
            expect(chart.locator(".chart-data-link a")).to_have_accessible_name(
                f"Data table for this chart {title}"
            )
            target = chart.locator(".chart-data-link a").get_attribute("href")
            if index == 0:  # WCAG 1.4.13: Escape dismisses the label shown on hover
                chart.locator(".point").first.hover(force=True)
                hover = chart.locator(".hoverlayer .hovertext")
                expect(hover).not_to_have_count(0)
                page.keyboard.press("Escape")
                expect(hover).to_have_count(0)
                page.mouse.move(0, 0)
            appendix = 'section[aria-labelledby="chart-data"]'
            assert page.locator(f"{appendix} {target} table caption").count() == 1
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{document}.png"))
        _axe_clean(page, paths[document]["html"].as_uri())
        if figures:  # at 320 px a chart scrolls sideways in a focusable region, never cut off
            page.set_viewport_size({"width": 320, "height": 900})
            region = page.locator("figure.chart .chart-scroll").first
            assert region.get_attribute("tabindex") == "0"
            assert region.evaluate("e => getComputedStyle(e).overflowX") == "auto"
            assert region.evaluate("e => e.scrollWidth >= e.querySelector('.main-svg').clientWidth")
        # Print layout: nothing wider than the A4 printable width (180 mm).
        page.set_viewport_size({"width": A4_PRINTABLE_WIDTH_PX, "height": 900})
        page.emulate_media(media="print")
        page.wait_for_timeout(100)
        assert overflowing_elements(page) == []
    finally:
        page.remove_listener("console", on_console)
        page.remove_listener("pageerror", on_page_error)
        page.remove_listener("request", on_request)
    assert (ARTIFACTS / f"{document}.png").stat().st_size > 10_000


def _self_assessment(tmp_path: Path) -> Path:
    """An example's self-assessment (its own template and stylesheet), written to ``tmp_path``."""
    workspace = DEFAULT_WORKSPACES_ROOT / "small_specialist"
    example = load_landlord(workspace)
    with duckdb.connect() as example_con:
        ingest_workspace(example_con, workspace, example, "test-key")
        compute_measures(example_con, example, ReportingYear.parse("2025-26"))
        document = load_document(example_con, workspace, example, "2025-26")
    self_assessment = tmp_path / "self_assessment.html"
    self_assessment.write_text(render_html(document), encoding="utf-8")
    return self_assessment


def test_scheme_reports_and_self_assessment_are_axe_clean(rendered, browser_page, tmp_path):
    """The documents outside ``document.html``'s usual set: one scheme's page, the combined scheme
    reports, and an example's self-assessment (its own template and stylesheet)."""
    con, landlord, _, _ = rendered
    found = schemes.render_scheme_reports(con, landlord, "2024-25", tmp_path, pdf=False)
    pages = [found["html"], *sorted((tmp_path / "schemes").glob("*.html"))[:1]]
    self_assessment = _self_assessment(tmp_path)
    for path in [*pages, self_assessment]:
        _axe_clean(browser_page, path.as_uri())
        # WCAG 1.4.10: the page reflows at 320 px (400 % zoom); wide tables scroll in a box.
        assert _reflow_problems(browser_page, path.as_uri()) == []


def test_annual_report_with_the_self_assessment_appendix_is_axe_clean(browser_page, tmp_path):
    """An example's annual report with its self-assessment in full in the appendix (Code 8.1: the
    form's tables, headings h3 under the appendix's h2), internal and published: axe-clean and
    reflowing at 320 px like every other document."""
    workspace = DEFAULT_WORKSPACES_ROOT / "small_specialist"
    example = load_landlord(workspace)
    with duckdb.connect() as example_con:
        ingest_workspace(example_con, workspace, example, "test-key")
        compute_measures(example_con, example, ReportingYear.parse("2025-26"))
        paths = [
            render.render_annual_report(
                example_con,
                example,
                "2025-26",
                tmp_path / version,
                workspace=workspace,
                published=version == "published",
                pdf=False,
            )["html"]
            for version in ("internal", "published")
        ]
    for path in paths:
        assert 'id="sa-p-6.13"' in path.read_text(encoding="utf-8")
        _axe_clean(browser_page, path.as_uri())
        assert _reflow_problems(browser_page, path.as_uri()) == []


def test_a_landlords_markdown_is_axe_clean_and_reflows(browser_page, tmp_path):
    """The board response and the commentary as a landlord may write them (a table, an image,
    headings skipping a level, a link without words, raw HTML, footnotes in both files): the
    annual report stays axe-clean at 320 px and 1280 px and reflows (tests/unit/
    test_landlord_markdown.py checks what each becomes)."""
    from tests.unit.test_landlord_markdown import _write

    workspace = tmp_path / "workspace"
    _write(workspace)
    with duckdb.connect() as sample_con:
        sample = build_sample_database(sample_con)
        path = render.render_annual_report(
            sample_con, sample, "2024-25", tmp_path, workspace=workspace, pdf=False
        )["html"]
    assert 'id="commentary-table-1"' in path.read_text(encoding="utf-8")
    _axe_clean(browser_page, path.as_uri())
    assert _reflow_problems(browser_page, path.as_uri()) == []
    # a link in the landlord's words is underlined on screen and on paper (WCAG 1.4.1)
    for media in ("screen", "print"):
        browser_page.emulate_media(media=media)
        browser_page.goto(path.as_uri(), wait_until="load")
        lines = browser_page.eval_on_selector_all(
            ".prose a", "links => links.map(a => getComputedStyle(a).textDecorationLine)"
        )
        assert lines and all("underline" in line for line in lines), (media, lines)


# The WCAG 1.4.12 text-spacing test (the bookmarklet's stylesheet): nothing may be lost with it.
TEXT_SPACING_CSS = """* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
                          word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }"""


def _reflow_problems(page, url: str) -> list[str]:
    """At 320 CSS px (1280 px at 400 % zoom), with and without the text-spacing stylesheet: the
    page must not scroll sideways (a table or chart scrolls inside its own focusable box), and no
    box that hides its overflow may cut text off."""
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 320, "height": 900})
    problems = []
    for spacing in (False, True):
        page.goto(url, wait_until="load")
        wait_for_charts(page)
        if spacing:
            page.add_style_tag(content=TEXT_SPACING_CSS)
        found = page.evaluate(
            """() => {
                const root = document.documentElement, out = [];
                if (root.scrollWidth > root.clientWidth)
                    out.push(`page ${root.scrollWidth} px wide in ${root.clientWidth} px`);
                for (const el of document.body.querySelectorAll('*')) {
                    if (el.closest('.plotly-graph-div')) continue;
                    const style = getComputedStyle(el);
                    if (style.overflowY === 'hidden' && el.scrollHeight > el.clientHeight + 1)
                        out.push(`${el.tagName.toLowerCase()}.${el.className} clipped`);
                    if (root.scrollWidth > root.clientWidth && el.children.length === 0 &&
                            el.getBoundingClientRect().right > root.clientWidth &&
                            !el.closest('.table-scroll, .chart-scroll'))
                        out.push(`${el.tagName.toLowerCase()}: ${el.textContent.slice(0, 40)}`);
                }
                return out.slice(0, 10);
            }"""
        )
        problems += [f"{'text spacing: ' if spacing else ''}{problem}" for problem in found]
    return problems


@pytest.mark.parametrize("document", DOCUMENTS)
def test_document_reflows_at_320_px_with_text_spacing(rendered, browser_page, document):
    _, _, paths, _ = rendered
    assert _reflow_problems(browser_page, paths[document]["html"].as_uri()) == []


def test_long_addresses_wrap_at_320_px(rendered, browser_page, tmp_path):
    """An email address or web address (one long word) wraps rather than widening the page on a
    phone, also with the text-spacing stylesheet (WCAG 1.4.10 and 1.4.12)."""
    con, landlord, _, _ = rendered
    contact = ComplaintsContact(
        email="complaints.team@riverside-community-housing.example",
        web="www.riverside-community-housing.example/complaints/how-to-complain",
    )
    landlord = landlord.model_copy(update={"complaints_contact": contact})
    found = render.render_learning_summary(con, landlord, "2024-25", tmp_path, pdf=False)
    assert "complaints.team@riverside-community-housing.example" in found["html"].read_text()
    assert _reflow_problems(browser_page, found["html"].as_uri()) == []


def test_html_weight_and_the_shared_script(rendered, tmp_path):
    """Every document is at most 1.5 MB: plotly.js is one file beside them, loaded relatively
    (so the folder opens offline), and the manifest lists it with the documents."""
    con, landlord, paths, _ = rendered
    folder = paths["annual_report"]["html"].parent
    for document in DOCUMENTS:
        html_path = paths[document]["html"]
        assert html_path.stat().st_size <= MAX_HTML_BYTES, (document, html_path.stat().st_size)
        text = html_path.read_text(encoding="utf-8")
        if '<figure class="chart"' in text:
            assert f'<script src="{PLOTLY_FILE}"></script>' in text
            assert (html_path.parent / PLOTLY_FILE).is_file()
        assert "plotly.js v" not in text  # never inlined
    outputs = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    # (a cursor of its own: the manifest leaves a result open on the connection it is given)
    with con.cursor() as cursor:
        written = write_manifest(cursor, landlord, "2024-25", folder, outputs)
    manifest = json.loads(written.read_text())
    listed = {entry["file"] for entry in manifest["outputs"]}
    assert PLOTLY_FILE in listed and "annual_report.html" in listed


def test_pdf_appendix_carries_the_chart_data(rendered):
    """A PDF reader gets every chart's values: the chart-data appendix prints each chart's table."""
    _, _, paths, _ = rendered
    html = paths["annual_report"]["html"].read_text(encoding="utf-8")
    appendix_html = html.split('id="chart-data"', 1)[1]
    captions = re.findall(r'<caption id="chart-[^"]+-data-caption">(.*?)</caption>', appendix_html)
    assert len(captions) == html.count('<figure class="chart"') >= 5
    _, text = _pdf_text(paths["annual_report"]["pdf"])
    appendix_text = text.split("Appendix: chart data")[-1]
    for caption in captions:
        assert " ".join(caption.replace("&#39;", "'").replace("&amp;", "&").split()) in (
            appendix_text
        )
    # The values of a breakdown chart: every label and figure of its table is in the PDF.
    table = appendix_html.split("</table>", 1)[0]
    cells = [
        " ".join(re.sub(r"<[^>]+>", " ", c).split())
        for c in re.findall(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", table.split("</thead>")[-1], flags=re.S)
    ]
    assert cells
    for cell in cells:
        assert cell.replace("&amp;", "&").replace("&lt;", "<") in appendix_text, cell


def _structure(reader: PdfReader) -> list[tuple[str, str | None]]:
    """Every structure element of a tagged PDF in reading order: (tag, its /Alt or None)."""
    found: list[tuple[str, str | None]] = []

    def walk(node) -> None:
        node = node.get_object()
        if isinstance(node, ArrayObject):
            for kid in node:
                walk(kid)
            return
        if not isinstance(node, DictionaryObject):
            return  # marked content (a number) or a reference to an annotation
        if "/S" in node:
            alt = node.get("/Alt")
            found.append((str(node["/S"]), None if alt is None else str(alt)))
        if "/K" in node:
            walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


@pytest.mark.parametrize("document", DOCUMENTS)
def test_pdf_is_tagged_with_language_title_and_alt_text_for_each_chart(rendered, document):
    """PDF/UA basics: tagged, marked, in the document's language, titled (the viewer shows the
    title, not the file name), and each chart one Figure whose /Alt is the chart's text
    alternative, with no Figure left without one (Chromium tagged each Plotly shape a Figure)."""
    _, _, paths, _ = rendered
    html_text = paths[document]["html"].read_text(encoding="utf-8")
    reader = PdfReader(paths[document]["pdf"])
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/Lang"] == re.search(r'<html lang="([^"]+)"', html_text).group(1)
    title = unescape(re.search(r"<title>(.*?)</title>", html_text, flags=re.S).group(1))
    assert reader.metadata.title == title
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    labels = [
        unescape(label)
        for label in re.findall(
            r'<div class="chart-plot" role="img" aria-label="([^"]*)"', html_text
        )
    ]
    assert len(labels) == html_text.count('<figure class="chart"')
    figures = [alt for tag, alt in _structure(reader) if tag == "/Figure"]
    assert None not in figures, f"{figures.count(None)} Figure(s) without /Alt"
    assert [" ".join(alt.split()) for alt in figures] == [" ".join(x.split()) for x in labels]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_pdf_content_is_tagged_or_an_artifact_and_every_link_has_contents(rendered, document):
    """PDF/UA 7.1 and 7.18.5 (what PAC and veraPDF check): nothing drawn outside marked content
    (running header and footer are Pagination artifacts, other untagged drawing plain artifacts),
    and each link annotation has a /Contents text, the link's name."""
    _, _, paths, _ = rendered
    reader = PdfReader(paths[document]["pdf"])
    untagged, artifacts = marked_content_report(reader)
    assert untagged == [], f"{len(untagged)} drawing operator(s) outside marked content"
    assert artifacts == [{"/Header": 1, "/Footer": 1}] * len(reader.pages)
    pages = len(reader.pages)
    running = page_text(reader, pages - 1, pagination=True)
    assert running.endswith(f"Page {pages} of {pages}")
    assert f"Page {pages} of {pages}" not in page_text(reader, pages - 1, pagination=False)
    assert links_without_contents(reader) == []
    html_text = paths[document]["html"].read_text(encoding="utf-8")
    names = {
        " ".join(unescape(re.sub(r"<[^>]+>", "", m)).split())
        for m in re.findall(r'<a href="#[^"]+">(.*?)</a>', html_text, flags=re.S)
    }
    contents = [name for _, name in link_contents(reader)]
    # Contents entries are named by their heading and page ("Timeliness, page 6").
    assert any(
        re.fullmatch(r".+, page \d+", name) and name.rsplit(",", 1)[0] in names for name in contents
    )


_TEXT_CACHE: dict[Path, list[str]] = {}


def _pdf_pages(path: Path) -> list[str]:
    """Text of each page, whitespace collapsed (extracted once per file: pypdf is slow on charts)."""
    if path not in _TEXT_CACHE:
        _TEXT_CACHE[path] = [" ".join(p.extract_text().split()) for p in PdfReader(path).pages]
    return _TEXT_CACHE[path]


def _pdf_text(path: Path) -> tuple[int, str]:
    pages = _pdf_pages(path)
    return len(pages), " ".join(pages)


@pytest.mark.parametrize(
    ("document", "min_pages", "max_pages"),
    [
        ("annual_report", 8, 40),
        ("annual_report_published", 8, 40),
        ("committee_pack", 2, 10),
        ("data_quality", 2, 10),
        ("learning_summary", 2, 8),
    ],
)
def test_pdf_pages_headings_and_contents(rendered, document, min_pages, max_pages):
    _, _, paths, _ = rendered
    html = paths[document]["html"].read_text(encoding="utf-8")
    headings = [
        re.sub(r"<[^>]+>", "", h).replace("&#39;", "'").replace("&amp;", "&")
        for h in re.findall(r'<h2 id="(?!toc-heading)[^"]+">(.*?)</h2>', html)
    ]
    pages, text = _pdf_text(paths[document]["pdf"])
    assert min_pages <= pages <= max_pages
    for heading in headings:
        assert heading in text, f"section heading '{heading}' missing from the PDF text"
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    # The contents page gives each section the page number on which it starts. A long list runs
    # on to the next page: the contents are the pages before the first section's.
    page_texts = _pdf_pages(paths[document]["pdf"])
    first = re.search(re.escape(headings[0]) + r" (\d+)", page_texts[0].split("Contents", 1)[1])
    assert first, f"no page number for '{headings[0]}' on the contents page"
    contents = " ".join(page_texts[: int(first.group(1)) - 1]).split("Contents", 1)[1]
    for heading in headings:
        number = re.search(re.escape(heading) + r" (\d+)", contents)
        assert number, f"no page number for '{heading}' on the contents page"
        start = int(number.group(1))
        assert 2 <= start <= pages
        assert heading in page_texts[start - 1]


def test_pdf_headline_figures_equal_the_measures_table(rendered):
    con, _, paths, _ = rendered
    _, text = _pdf_text(paths["annual_report"]["pdf"])
    figures = con.sql(
        "select measure, display from measures where period = '2024-25' and view = 'regulator' "
        "and breakdown = 'stock_type' and breakdown_value = 'lcra' "
        "and measure in ('CH01_1', 'CH01_2', 'CH02_1', 'CH02_2', 'TP09') order by measure"
    ).fetchall()
    assert len(figures) == 5
    names = {
        "CH01_1": "Stage 1 complaints per 1,000 homes (CH01) was {} per 1,000 homes",
        "CH01_2": "Stage 2 complaints per 1,000 homes (CH01) was {} per 1,000 homes",
        "CH02_1": "Stage 1 complaints answered in time (CH02) was {}%",
        "CH02_2": "Stage 2 complaints answered in time (CH02) was {}%",
        "TP09": "Satisfaction with complaint handling (TP09) was {}%",
    }
    for measure, shown in figures:
        assert names[measure].format(shown) in text, measure


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (Playwright's driver and Chromium)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def test_rendering_time_is_under_ten_seconds(rendered, tmp_path):
    con, landlord, _, timings = rendered
    # The HTML step reads aggregates only, so its time does not grow with the number of complaints.
    started = time.perf_counter()
    render.render_annual_report(con, landlord, "2024-25", tmp_path, workspace=tmp_path, pdf=False)
    html_seconds = time.perf_counter() - started
    # HTML + PDF: CPU seconds (this process, the driver and Chromium) do not depend on what else
    # the machine is running; wall time does, so it is judged only on a machine that is not
    # overloaded.
    cpu_before, wall_before = _cpu_seconds(), time.perf_counter()
    render.render_annual_report(con, landlord, "2024-25", tmp_path, workspace=tmp_path)
    cpu_seconds = _cpu_seconds() - cpu_before
    wall_seconds = time.perf_counter() - wall_before
    load = os.getloadavg()[0]
    print(
        f"annual report: HTML {html_seconds:.2f} s; HTML + PDF {wall_seconds:.2f} s wall, "
        f"{cpu_seconds:.2f} s CPU (load average {load:.1f}); fixture timings {timings}"
    )
    assert html_seconds < 10
    assert cpu_seconds < 10
    if load <= (os.cpu_count() or 1):
        assert wall_seconds < 10
