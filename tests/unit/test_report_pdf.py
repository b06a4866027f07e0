"""html_to_pdf: A4, running header, page numbers, contents page numbers, atomic write; the shared
browser: contents numbers of one document never leak into the next, background prints."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from pipeline.io import watch_writes
from pipeline.reporting.browser import chromium_path
from pipeline.reporting.pdf import (
    BackgroundPrints,
    PdfPrinter,
    deferred_prints,
    html_to_pdf,
    warm_up_charts,
)
from pipeline.reporting.render import chart_warm_up_html

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not chromium_path().exists(), reason=f"Debian chromium missing at {chromium_path()}"
    ),
]

_DOC = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title>
<style>section {{ break-before: page; }} .toc-page {{ display: inline-block; min-width: 3ch; }}</style>
</head><body><h1 id="top">Test document</h1>
<nav><ol>{toc}</ol></nav>{sections}</body></html>"""


def _document(n_sections: int, long: tuple[int, ...] | None = None) -> str:
    """Each section starts a page; the ``long`` ones (default: odd) spill onto a second page."""
    long = tuple(range(1, n_sections, 2)) if long is None else long
    toc = "".join(
        f'<li><a href="#s{i}">Section {i}</a> <span class="toc-page" data-toc-target="s{i}"></span></li>'
        for i in range(n_sections)
    )
    sections = "".join(
        f'<section><h2 id="s{i}">Section {i}</h2>'
        + "<p>Body text.</p>" * (10 + 40 * (i in long))
        + "</section>"
        for i in range(n_sections)
    )
    return _DOC.format(toc=toc, sections=sections)


def test_pdf_has_a4_pages_header_footer_and_contents_numbers(tmp_path):
    html_path = tmp_path / "doc.html"
    html_path.write_text(_document(4), encoding="utf-8")
    out = html_to_pdf(html_path, tmp_path / "out" / "doc.pdf", title="Board <report> & co")
    assert out == tmp_path / "out" / "doc.pdf"
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    # Page 1 contents; each section starts a page; odd sections spill onto a second page.
    assert len(reader.pages) == 1 + 1 + 2 + 1 + 2
    box = reader.pages[0].mediabox
    assert (
        round(float(box.width) / 72 * 25.4) == 210 and round(float(box.height) / 72 * 25.4) == 297
    )
    first = reader.pages[0].extract_text()
    assert "Board <report> & co" in first  # header escaped, shown as text
    assert "Page 1 of 7" in first
    # The contents page names the page where each section starts.
    assert [line for line in first.splitlines() if "Section" in line] == [
        "1. Section 0 2",
        "2. Section 1 3",
        "3. Section 2 5",
        "4. Section 3 6",
    ]
    assert "Section 2" in reader.pages[4].extract_text()
    # Atomic write leaves no temporary file behind.
    assert [p.name for p in out.parent.iterdir()] == ["doc.pdf"]


def test_missing_html_names_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.html"):
        html_to_pdf(tmp_path / "nope.html", tmp_path / "x.pdf", title="x")


def _contents(pdf_path) -> list[str]:
    first = PdfReader(io.BytesIO(pdf_path.read_bytes())).pages[0].extract_text()
    return [line for line in first.splitlines() if "Section" in line]


def test_same_sections_other_pagination_get_their_own_page_numbers(tmp_path):
    # The second document has the first one's contents targets, so the printer first tries the
    # first one's page numbers; its own outline disagrees and must win.
    (tmp_path / "a.html").write_text(_document(4, long=(1, 3)), encoding="utf-8")
    (tmp_path / "b.html").write_text(_document(4, long=(0,)), encoding="utf-8")
    (tmp_path / "c.html").write_text(_document(4, long=(0,)), encoding="utf-8")
    a = html_to_pdf(tmp_path / "a.html", tmp_path / "a.pdf", title="A")
    b = html_to_pdf(tmp_path / "b.html", tmp_path / "b.pdf", title="B")
    c = html_to_pdf(tmp_path / "c.html", tmp_path / "c.pdf", title="C")
    assert _contents(a) == ["1. Section 0 2", "2. Section 1 3", "3. Section 2 5", "4. Section 3 6"]
    assert _contents(b) == ["1. Section 0 2", "2. Section 1 4", "3. Section 2 5", "4. Section 3 6"]
    assert _contents(c) == _contents(b)  # printed once with the guessed numbers, which were right
    # The hidden link the printer opens documents through is gone.
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "a.html",
        "a.pdf",
        "b.html",
        "b.pdf",
        "c.html",
        "c.pdf",
    ]


def test_background_prints_are_written_when_the_block_ends(tmp_path):
    for name, long in (("one", (0,)), ("two", (2,))):
        (tmp_path / f"{name}.html").write_text(_document(3, long=long), encoding="utf-8")
    with BackgroundPrints() as printer:
        one = printer.print(tmp_path / "one.html", tmp_path / "out" / "one.pdf", title="One")
        two = printer.print(tmp_path / "two.html", tmp_path / "out" / "two.pdf", title="Two")
    assert _contents(one) == ["1. Section 0 2", "2. Section 1 4", "3. Section 2 5"]
    assert _contents(two) == ["1. Section 0 2", "2. Section 1 3", "3. Section 2 4"]
    with pytest.raises(FileNotFoundError, match="nope.html"), BackgroundPrints() as printer:
        printer.print(tmp_path / "nope.html", tmp_path / "x.pdf", title="x")


def test_deferred_prints_count_as_written_when_queued_and_are_written_when_the_block_ends(
    tmp_path,
):
    """A step rendering several years queues each year's PDFs and goes on to the next year; each
    year's folder notes its PDF as written when it is queued (its record of what the step wrote),
    and the step's block ends with every PDF written."""
    noted = {}
    with deferred_prints():
        for year, long in (("2023-24", (0,)), ("2024-25", (2,))):
            folder = tmp_path / year
            folder.mkdir()
            (folder / "doc.html").write_text(_document(3, long=long), encoding="utf-8")
            with watch_writes(folder) as written:
                with BackgroundPrints() as printer:
                    printer.print(folder / "doc.html", folder / "doc.pdf", title=year)
                html_to_pdf(folder / "doc.html", folder / "copy.pdf", title=year)
            noted[year] = sorted(written)
    assert noted == {"2023-24": ["copy.pdf", "doc.pdf"], "2024-25": ["copy.pdf", "doc.pdf"]}
    assert _contents(tmp_path / "2023-24" / "doc.pdf") == [
        "1. Section 0 2",
        "2. Section 1 4",
        "3. Section 2 5",
    ]
    assert _contents(tmp_path / "2024-25" / "copy.pdf") == [
        "1. Section 0 2",
        "2. Section 1 3",
        "3. Section 2 4",
    ]


def test_a_deferred_print_that_fails_fails_the_block_and_an_error_in_the_block_wins(
    tmp_path, monkeypatch
):
    (tmp_path / "doc.html").write_text(_document(2), encoding="utf-8")
    real_print = PdfPrinter.print

    def print_or_fail(self, html_path, pdf_path, **kwargs):
        if "fails" in str(pdf_path):
            raise RuntimeError("the browser died")
        return real_print(self, html_path, pdf_path, **kwargs)

    monkeypatch.setattr(PdfPrinter, "print", print_or_fail)
    with pytest.raises(RuntimeError, match="the browser died"), deferred_prints():
        html_to_pdf(tmp_path / "doc.html", tmp_path / "fails.pdf", title="t")
        html_to_pdf(tmp_path / "doc.html", tmp_path / "ok.pdf", title="t")
    assert (tmp_path / "ok.pdf").is_file()  # the prints queued after it went on
    with pytest.raises(ValueError, match="the step's own"), deferred_prints():
        html_to_pdf(tmp_path / "doc.html", tmp_path / "fails-too.pdf", title="t")
        raise ValueError("the step's own error")


def test_a_stop_in_a_deferred_block_drops_the_prints_not_begun(tmp_path):
    """Ctrl-C or SIGTERM in a document step (raised there by Dagster) waits for the print in
    progress only: the command stops within a print, not after every document it had queued."""
    (tmp_path / "doc.html").write_text(_document(6), encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), deferred_prints():
        for n in range(6):
            html_to_pdf(tmp_path / "doc.html", tmp_path / f"doc{n}.pdf", title="t")
        raise KeyboardInterrupt
    printed = sorted(p.name for p in tmp_path.glob("*.pdf"))
    assert len(printed) <= 2, printed  # the one in progress (and at most one just before it)
    assert all(not p.name.startswith(".") for p in tmp_path.iterdir()), "a half-written file"


def test_warm_up_leaves_nothing_behind_and_printing_goes_on(tmp_path):
    warm_up_charts(chart_warm_up_html())  # runs in the background, in the printer's own folder
    folder = tmp_path / "2024-25"
    folder.mkdir()
    (folder / "doc.html").write_text(_document(2), encoding="utf-8")
    out = html_to_pdf(folder / "doc.html", folder / "doc.pdf", title="T")
    assert _contents(out) == ["1. Section 0 2", "2. Section 1 3"]
    # Nothing of the printer's (links, warm-up page, its copy of the chart script) is left here.
    assert sorted(p.name for p in folder.iterdir()) == ["doc.html", "doc.pdf"]


_LINKS_DOC = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Links</title>
<style>section {{ break-before: page; }} .toc-page {{ display: inline-block; min-width: 3ch; }}
a.long {{ display: inline; }}</style></head><body><h1>Links</h1>
<nav><ol>{toc}</ol></nav>{sections}
<p><a href="https://example.org/a%20b">Example – site</a>,
<a class="long" href="#s1">{long}</a>,
<a href="#s0" id="chart-link" aria-labelledby="chart-link chart-title">Data table for this chart</a>
<span id="chart-title">Complaints by month</span>,
<a href="#s0" style="display: none">hidden</a></p></body></html>"""


def _outline(reader: PdfReader) -> list[tuple[str, int]]:
    found = []

    def walk(items) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append((item.title, reader.get_destination_page_number(item)))

    walk(reader.outline)
    return found


def _structure_tags(reader: PdfReader) -> list[str]:
    found = []

    def walk(node) -> None:
        node = node.get_object()
        if isinstance(node, list):
            for kid in node:
                walk(kid)
        elif isinstance(node, dict):
            if "/S" in node:
                found.append(str(node["/S"]))
            if "/Obj" in node:
                found.append("OBJR " + str(node["/Obj"].get_object()["/Subtype"]))
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_printed_pdf_marks_untagged_content_as_artifacts_and_names_every_link(
    tmp_path, monkeypatch
):
    """PDF/UA: nothing is drawn outside marked content (header and footer are Pagination
    artifacts), every link annotation has /Contents, and the text, pages, outline and structure
    are those of Chromium's own print."""
    from pipeline.reporting import pdf as pdf_module
    from tests.pdf_ua_checks import (
        link_contents,
        links_without_contents,
        marked_content_report,
        page_text,
    )

    printed: list[bytes] = []
    real = pdf_module.make_accessible

    def keep_chromiums_print(pdf, **kwargs):
        printed.append(pdf)
        return real(pdf, **kwargs)

    monkeypatch.setattr(pdf_module, "make_accessible", keep_chromiums_print)

    toc = "".join(
        f'<li><a href="#s{i}">Section {i}</a><span class="toc-page" data-toc-target="s{i}">'
        "</span></li>"
        for i in range(3)
    )
    sections = "".join(
        f'<section><h2 id="s{i}">Section {i}</h2>' + "<p>Body text.</p>" * 5 + "</section>"
        for i in range(3)
    )
    long = "a link long enough to be broken over two lines of the page " * 3
    html_path = tmp_path / "links.html"
    html_path.write_text(_LINKS_DOC.format(toc=toc, sections=sections, long=long), encoding="utf-8")
    out = html_to_pdf(html_path, tmp_path / "links.pdf", title="Links & more", header_right="2025")
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    untagged, artifacts = marked_content_report(reader)
    assert untagged == []
    assert (
        artifacts
        == [{"/Header": 1, "/Footer": 1}] * len(reader.pages)
        == [{"/Header": 1, "/Footer": 1}] * 4
    )
    # Header and footer text is inside the Pagination artifacts, and only there.
    for index in range(len(reader.pages)):
        running = page_text(reader, index, pagination=True)
        assert running == f"Links & more 2025 Page {index + 1} of 4"
        assert "Page" not in page_text(reader, index, pagination=False)
    assert links_without_contents(reader) == []
    contents = link_contents(reader)
    assert contents[:3] == [
        ("#s0", "Section 0, page 2"),
        ("#s1", "Section 1, page 3"),
        ("#s2", "Section 2, page 4"),
    ]
    assert ("https://example.org/a%20b", "Example – site") in contents
    assert ("#s0", "Data table for this chart Complaints by month") in contents
    broken = [name for target, name in contents if target == "#s1"][1:]
    assert len(broken) >= 2 and set(broken) == {" ".join(long.split())}
    # What Chromium printed is all there: pages, text, outline, structure (links still Link
    # elements with their annotations), catalog and metadata; the file barely grew.
    assert len(printed) == 1  # only the final print, not the draft for the page numbers
    chromium = PdfReader(io.BytesIO(printed[0]))
    assert len(chromium.pages) == len(reader.pages)
    assert [p.extract_text() for p in chromium.pages] == [p.extract_text() for p in reader.pages]
    assert _outline(chromium) == _outline(reader) and _outline(reader)[0] == ("Links", 0)
    assert _structure_tags(chromium) == _structure_tags(reader)
    assert _structure_tags(reader).count("OBJR /Link") == len(contents)
    for key in ("/Lang", "/MarkInfo", "/ViewerPreferences"):
        assert chromium.trailer["/Root"][key] == reader.trailer["/Root"][key]
    assert chromium.metadata == reader.metadata
    assert len(out.read_bytes()) < len(printed[0]) * 1.03
    # Post-processing it again changes nothing (everything marked, every link named).
    raw = out.read_bytes()
    assert real(raw, link_names=[], top_margin=56.7, bottom_margin=51) is raw


def _bookmark_titles(outline) -> list[str]:
    titles = []
    for item in outline:
        titles += _bookmark_titles(item) if isinstance(item, list) else [item.title]
    return titles


def test_a_bookmark_keeps_the_spaces_of_a_heading_printed_over_two_lines(tmp_path):
    """The PDF's bookmarks are its outline for a screen-reader user; Chromium dropped the space
    where a heading wrapped ("Annualcomplaintsperformance andservice...")."""
    html_path = tmp_path / "doc.html"
    html_path.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title></head><body>'
        '<h1 style="width: 8em">Annual complaints performance and service improvement report</h1>'
        '<h2 id="a">Timeliness</h2><p>Body text.</p></body></html>',
        encoding="utf-8",
    )
    out = html_to_pdf(html_path, tmp_path / "doc.pdf", title="t")
    assert _bookmark_titles(PdfReader(out).outline) == [
        "Annual complaints performance and service improvement report",
        "Timeliness",
    ]


def test_a_pdf_with_bookmarks_opens_with_them_shown(tmp_path):
    html_path = tmp_path / "doc.html"
    html_path.write_text(_document(3), encoding="utf-8")
    reader = PdfReader(html_to_pdf(html_path, tmp_path / "doc.pdf", title="t"))
    assert reader.outline
    assert reader.trailer["/Root"]["/PageMode"] == "/UseOutlines"
    # the rest of the catalogue is as Chromium wrote it
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_a_print_folder_that_cannot_be_filled_is_not_left_behind(tmp_path, monkeypatch):
    import errno
    import tempfile

    import pipeline.reporting.pdf as pdf

    def disk_full(folder):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(pdf, "write_plotly_js", disk_full)
    for _ in range(3):  # one attempt per document
        with pytest.raises(OSError, match=str(tmp_path)):  # which disk is full
            pdf._print_folder()
    assert list(tmp_path.iterdir()) == []
