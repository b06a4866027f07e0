"""Print a report's HTML to PDF with headless Chromium: the same document, so charts and tables match.

A4 portrait, a running header (document title) and a footer with page numbers, print CSS from the
document itself (``break-inside: avoid`` on charts and tables), and a contents page whose page numbers
come from the PDF's own outline: the document is printed once, the outline (one entry per heading)
tells on which page each section starts, the numbers are written into the contents list, and the
document is printed again. The contents list reserves room for the numbers, so the second print
paginates exactly like the first.
"""

from __future__ import annotations

import html
import io
from pathlib import Path

from pypdf import PdfReader

from pipeline.io import atomic_write_bytes
from pipeline.reporting.browser import A4_PRINTABLE_WIDTH_PX, chromium_page, wait_for_charts

PAGE_MARGIN = {"top": "20mm", "bottom": "18mm", "left": "15mm", "right": "15mm"}

# Header/footer templates are rendered by Chromium in their own tiny document: styles must be inline
# and a font size must be given, or the text is invisible (default 0).
_HEADER = (
    '<div style="font-family: Arial, Helvetica, sans-serif; font-size: 8pt; color: #333; '
    'width: 100%; padding: 0 15mm; display: flex; justify-content: space-between;">'
    "<span>{title}</span><span>{right}</span></div>"
)
_FOOTER = (
    '<div style="font-family: Arial, Helvetica, sans-serif; font-size: 8pt; color: #333; '
    'width: 100%; padding: 0 15mm; text-align: center;">'
    'Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>'
)

# Contents entries: <a data-toc-target="section-id">..</a><span class="toc-page"
# data-toc-target="section-id"></span>. The script returns each target's heading text.
_TOC_TARGETS_JS = """() => [...document.querySelectorAll('.toc-page[data-toc-target]')].map(el => {
    const heading = document.getElementById(el.dataset.tocTarget);
    return [el.dataset.tocTarget, heading ? heading.textContent.replace(/\\s+/g, ' ').trim() : null];
})"""
_TOC_FILL_JS = """(pages) => {
    for (const el of document.querySelectorAll('.toc-page[data-toc-target]')) {
        const page = pages[el.dataset.tocTarget];
        el.textContent = page === undefined ? '' : String(page);
    }
}"""


def html_to_pdf(
    html_path: Path,
    pdf_path: Path,
    *,
    title: str,
    header_right: str = "",
    timeout_ms: int = 30_000,
) -> Path:
    """Print ``html_path`` to ``pdf_path`` (A4) with headless Debian Chromium.

    Parameters
    ----------
    html_path
        The self-contained HTML document (opened as a ``file://`` URL, so relative assets resolve).
    pdf_path
        Where to write the PDF; written to a temporary name and renamed (atomic).
    title
        Running header text (escaped; markup in it shows as text).
    header_right
        Optional text at the right of the running header, e.g. the reporting period.
    timeout_ms
        How long to wait for the page and its Plotly charts.

    Returns
    -------
    Path
        ``pdf_path``.

    Notes
    -----
    Elements marked ``.toc-page[data-toc-target=ID]`` (the contents page) get the page number on
    which the heading with id ``ID`` starts; the document is printed twice when there are any.
    To print several documents with one browser, use :class:`PdfPrinter`.
    """
    with PdfPrinter(timeout_ms=timeout_ms) as printer:
        return printer.print(html_path, pdf_path, title=title, header_right=header_right)


class PdfPrinter:
    """One headless Chromium kept open to print several documents (saves a launch per document).

    Use as a context manager::

        with PdfPrinter() as printer:
            printer.print(html, pdf, title="...")
    """

    def __init__(self, timeout_ms: int = 30_000):
        self.timeout_ms = timeout_ms
        self._context = None
        self._page = None

    def __enter__(self) -> PdfPrinter:
        self._context = chromium_page(viewport_width=A4_PRINTABLE_WIDTH_PX)
        self._page = self._context.__enter__()
        self._page.emulate_media(media="print")
        return self

    def __exit__(self, *exc_info) -> None:
        self._context.__exit__(*exc_info)
        self._context = self._page = None

    def print(self, html_path: Path, pdf_path: Path, *, title: str, header_right: str = "") -> Path:
        """Print one document; same parameters and result as :func:`html_to_pdf`."""
        if self._page is None:
            raise RuntimeError("PdfPrinter.print called outside its 'with' block")
        html_path = Path(html_path).resolve()
        if not html_path.is_file():
            raise FileNotFoundError(f"{html_path}: no such HTML document to print")
        page = self._page
        page.goto(html_path.as_uri(), wait_until="load", timeout=self.timeout_ms)
        wait_for_charts(page, self.timeout_ms)
        targets = page.evaluate(_TOC_TARGETS_JS)
        if targets:
            # First pass only for the outline (which needs tags): no header/footer (slow; the
            # fixed margins mean they do not change where pages break).
            draft = page.pdf(
                format="A4", margin=PAGE_MARGIN, print_background=True, outline=True, tagged=True
            )
            page.evaluate(_TOC_FILL_JS, _section_pages(draft, targets))
        pdf = page.pdf(
            format="A4",
            margin=PAGE_MARGIN,
            print_background=True,
            display_header_footer=True,
            header_template=_HEADER.format(
                title=html.escape(title), right=html.escape(header_right)
            ),
            footer_template=_FOOTER,
            outline=True,
            tagged=True,
        )
        return atomic_write_bytes(Path(pdf_path), pdf)


def _section_pages(pdf: bytes, targets: list[list[str | None]]) -> dict[str, int]:
    """Map contents targets to 1-based page numbers through the PDF outline (one entry per heading).

    Headings are matched by text, in document order, so two sections with the same title each get
    their own page.
    """
    reader = PdfReader(io.BytesIO(pdf))
    entries: list[tuple[str, int]] = []

    def walk(items: list) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                entries.append(
                    (_normalise(item.title), reader.get_destination_page_number(item) + 1)
                )

    walk(reader.outline)
    pages: dict[str, int] = {}
    position = 0
    for target, text in targets:
        if text is None:
            continue
        wanted = _normalise(text)
        for index in range(position, len(entries)):
            if entries[index][0] == wanted:
                pages[target] = entries[index][1]
                position = index + 1
                break
    return pages


def _normalise(text: str) -> str:
    return " ".join(text.split()).casefold()
