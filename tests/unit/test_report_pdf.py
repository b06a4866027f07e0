"""html_to_pdf: A4, running header, page numbers, contents page numbers, atomic write."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from pipeline.reporting.browser import chromium_path
from pipeline.reporting.pdf import html_to_pdf

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


def _document(n_sections: int) -> str:
    toc = "".join(
        f'<li><a href="#s{i}">Section {i}</a> <span class="toc-page" data-toc-target="s{i}"></span></li>'
        for i in range(n_sections)
    )
    sections = "".join(
        f'<section><h2 id="s{i}">Section {i}</h2>'
        + "<p>Body text.</p>" * (10 + 40 * (i % 2))
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
