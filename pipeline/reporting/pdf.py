"""Print a report's HTML to PDF with headless Chromium: the same document, so charts and tables match.

A4 portrait, a running header (document title) and a footer with page numbers, print CSS from the
document itself (``break-inside: avoid`` on charts and tables), and a contents page whose page numbers
come from the PDF's own outline: the document is printed once, the outline (one entry per heading)
tells on which page each section starts, the numbers are written into the contents list, and the
document is printed again. The contents list reserves room for the numbers, so the second print
paginates exactly like the first.

Speed: one Chromium serves the whole process (:func:`html_to_pdf`, :class:`BackgroundPrints`),
driven from its own thread and closed at exit. Launching a browser costs about half a second, and
a fresh renderer compiles the 4.6 MB plotly.js again (about a second per document; V8 caches the
compiled script only in the renderer that has seen it, for the same URL): every document is
therefore printed from the printer's own folder under one URL, so plotly.js compiles once. A
document whose contents targets match the previous document's (the published annual report after
the internal one) is printed once with those page numbers, and again only when its own outline
disagrees.

PDF/UA: Chromium's tagged PDF is finished by :func:`pipeline.reporting.pdf_ua.make_accessible`
(the running header and footer and other untagged drawing marked as artifacts, each link given its
text as /Contents), on the final print only.
"""

from __future__ import annotations

import atexit
import html
import io
import os
import queue
import shutil
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import Future, wait
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from pypdf import PdfReader

from pipeline.io import atomic_write_bytes, note_write
from pipeline.reporting.browser import (
    A4_PRINTABLE_WIDTH_PX,
    chromium_page,
    remove_stale_folders,
    wait_for_charts,
)
from pipeline.reporting.charts import write_plotly_js
from pipeline.reporting.pdf_ua import make_accessible

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
# Each link that is laid out, in document order: [key, accessible name]; key '#id' for a link within
# the document (Chromium's named destination), else the absolute URL (the annotation's URI). A
# contents entry's name ends with its page number.
# The headings' words, as the bookmarks Chromium makes from them should read.
_HEADING_NAMES_JS = """() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
    .map(h => h.textContent.replace(/\\s+/g, ' ').trim())"""

_LINK_NAMES_JS = """() => {
    const squash = (text) => (text || '').replace(/\\s+/g, ' ').trim();
    const byId = (id) => { const el = document.getElementById(id); return el ? el.textContent : ''; };
    const fragment = (href) => { try { return decodeURIComponent(href); } catch (e) { return href; } };
    return [...document.querySelectorAll('a[href]')].filter(a => a.getClientRects().length > 0).map(a => {
        const href = a.getAttribute('href');
        const key = href.startsWith('#') ? '#' + fragment(href.slice(1)) : a.href;
        const labelledBy = a.getAttribute('aria-labelledby');
        let name = squash(labelledBy ? labelledBy.split(/\\s+/).map(byId).join(' ')
                                     : a.getAttribute('aria-label') || a.textContent);
        if (!name) name = squash(a.title || [...a.querySelectorAll('img[alt]')].map(i => i.alt).join(' '));
        const next = a.nextElementSibling;
        if (name && next && next.classList.contains('toc-page') && squash(next.textContent)) {
            name += ', page ' + squash(next.textContent);
        }
        return [key, name || key];
    });
}"""
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
    which the heading with id ``ID`` starts; the document is printed twice when there are any
    (once when the previous document's page numbers, tried first, match its own outline).
    The process-wide browser does the printing (launched on first use, closed at exit).
    """
    printed = print_in_background(
        html_path, pdf_path, title=title, header_right=header_right, timeout_ms=timeout_ms
    )
    return Path(pdf_path) if _DEFERRED.get() is not None else printed.result()


def print_in_background(
    html_path: Path,
    pdf_path: Path,
    *,
    title: str,
    header_right: str = "",
    timeout_ms: int = 30_000,
) -> Future[Path]:
    """Queue ``html_path`` for the process-wide browser; the future gives ``pdf_path`` when written.

    Same parameters as :func:`html_to_pdf`. Documents print one at a time, in the order queued.
    Within :func:`deferred_prints`, the PDF counts as written now (:func:`pipeline.io.note_write`,
    for the period folder's record of what its step wrote) and the block's end waits for it.
    """
    html_path = _existing(html_path)
    printed = _service().submit(html_path, Path(pdf_path), title, header_right, timeout_ms)
    pending = _DEFERRED.get()
    if pending is not None:
        note_write(Path(pdf_path))
        pending.append(printed)
    return printed


# The prints queued inside the innermost :func:`deferred_prints` block, if any.
_DEFERRED: ContextVar[list[Future[Path]] | None] = ContextVar("deferred_prints", default=None)


@contextmanager
def deferred_prints() -> Iterator[None]:
    """Let the PDFs queued in the block print while the block goes on; its end waits for them.

    A step rendering several years (the command line's single-run backfill) prints each year's
    PDFs while it builds the next year's documents, instead of waiting for Chromium after each
    document. Leaving the block waits for every PDF queued in it and raises the first failure: the
    step ends with its files written, as before. Left by an error or a stop (Ctrl-C, SIGTERM),
    the prints not yet begun are dropped and only the one in progress is waited for: a stopped
    command ends within a print, not after every document it had queued.
    """
    pending: list[Future[Path]] = []
    token = _DEFERRED.set(pending)
    try:
        yield
    except BaseException:
        _abandon(pending)
        raise
    finally:
        _DEFERRED.reset(token)
    try:
        _settle(pending)
    except BaseException:
        _abandon(pending)
        raise


def settle_prints() -> None:
    """Wait for the prints queued so far in the current :func:`deferred_prints` block (a period
    folder about to be published by its own step must hold them); raise the first failure."""
    pending = _DEFERRED.get()
    if pending:
        _settle(pending)


def _settle(pending: list[Future[Path]]) -> None:
    """Wait for each print in turn (taking it off ``pending``); raise the first that failed."""
    failed = None
    while pending:
        error = pending[0].exception()
        pending.pop(0)
        failed = failed or error
    if failed is not None:
        raise failed


def _abandon(pending: list[Future[Path]]) -> None:
    """Drop the prints not yet begun; wait for the one in progress (its file is whole or absent:
    written atomically), whatever its outcome."""
    for future in pending:
        future.cancel()
    wait([future for future in pending if not future.cancelled()])
    pending.clear()


class BackgroundPrints:
    """A printer for the render functions that queues each PDF and returns at once.

    The caller goes on (e.g. builds the next document's HTML) while Chromium prints; leaving the
    ``with`` block waits for every PDF and raises the first failure::

        with BackgroundPrints() as printer:
            render_annual_report(..., printer=printer)
            render_annual_report(..., published=True, printer=printer)
    """

    def __init__(self, timeout_ms: int = 30_000):
        self.timeout_ms = timeout_ms
        self._futures: list[Future[Path]] = []

    def __enter__(self) -> BackgroundPrints:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        futures, self._futures = self._futures, []
        if _DEFERRED.get() is not None:
            return  # the enclosing deferred_prints block waits for them
        # Wait for every print (none may still be writing once the caller goes on).
        errors = [error for future in futures if (error := future.exception()) is not None]
        if errors and exc_type is None:
            raise errors[0]

    def print(self, html_path: Path, pdf_path: Path, *, title: str, header_right: str = "") -> Path:
        """Queue one document; returns ``pdf_path``, which exists once the ``with`` block ends."""
        self._futures.append(
            print_in_background(
                html_path,
                pdf_path,
                title=title,
                header_right=header_right,
                timeout_ms=self.timeout_ms,
            )
        )
        return Path(pdf_path)


class PdfPrinter:
    """One headless Chromium kept open to print several documents, from the thread that opened it.

    Use as a context manager::

        with PdfPrinter() as printer:
            printer.print(html, pdf, title="...")
    """

    def __init__(self, timeout_ms: int = 30_000):
        self.timeout_ms = timeout_ms
        self._context = None
        self._page = None
        self._folder: Path | None = None
        # Contents targets of the last document printed -> their page numbers (the first guess
        # for the next document with the same sections).
        self._last_pages: tuple[list, dict[str, int]] | None = None
        # Whether plotly.js has run at the print folder's URL in this browser (see _stable_url).
        self._warm = False

    def __enter__(self) -> PdfPrinter:
        self._folder = _print_folder()
        try:
            self._context = chromium_page(viewport_width=A4_PRINTABLE_WIDTH_PX)
            self._page = self._context.__enter__()
            self._page.emulate_media(media="print")
        except BaseException:
            shutil.rmtree(self._folder, ignore_errors=True)
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            self._context.__exit__(*exc_info)
        finally:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._context = self._page = self._folder = None

    def print(
        self,
        html_path: Path,
        pdf_path: Path,
        *,
        title: str,
        header_right: str = "",
        timeout_ms: int | None = None,
    ) -> Path:
        """Print one document; same parameters and result as :func:`html_to_pdf`."""
        if self._page is None:
            raise RuntimeError("PdfPrinter.print called outside its 'with' block")
        html_path = _existing(html_path)
        timeout_ms = self.timeout_ms if timeout_ms is None else timeout_ms
        page = self._page
        page.goto(self._stable_url(html_path), wait_until="load", timeout=timeout_ms)
        # Links to the document's neighbours (self_assessment.pdf) point where the document is,
        # as they would had it been opened from its own folder.
        base = html_path.parent.as_uri() + "/"
        page.evaluate(_ABSOLUTE_LINKS_JS, base)
        wait_for_charts(page, timeout_ms)
        if page.evaluate("() => window.Plotly !== undefined"):
            self._warm = True
        targets = page.evaluate(_TOC_TARGETS_JS)
        header = _HEADER.format(title=html.escape(title), right=html.escape(header_right))

        def final() -> bytes:
            return page.pdf(
                format="A4",
                margin=PAGE_MARGIN,
                print_background=True,
                display_header_footer=True,
                header_template=header,
                footer_template=_FOOTER,
                outline=True,
                tagged=True,
            )

        if not targets:
            return atomic_write_bytes(Path(pdf_path), self._accessible(final(), base=base))
        if self._last_pages is not None and self._last_pages[0] == targets:
            pages = self._last_pages[1]
        else:
            # First pass only for the outline (which needs tags): no header/footer (slow; the
            # fixed margins mean they do not change where pages break).
            draft = page.pdf(
                format="A4", margin=PAGE_MARGIN, print_background=True, outline=True, tagged=True
            )
            pages = _section_pages(PdfReader(io.BytesIO(draft)), targets)
        # The printed numbers are checked against the printed outline: a guess that was wrong (or
        # numbers that moved a heading) means one more print with the outline's numbers.
        for _ in range(3):
            page.evaluate(_TOC_FILL_JS, pages)
            pdf = final()
            reader = PdfReader(io.BytesIO(pdf))
            printed = _section_pages(reader, targets)
            if printed == pages:
                break
            pages = printed
        self._last_pages = (targets, pages)
        return atomic_write_bytes(Path(pdf_path), self._accessible(pdf, reader, base=base))

    def _accessible(
        self, pdf: bytes, reader: PdfReader | None = None, *, base: str | None = None
    ) -> bytes:
        """The final print made PDF/UA-ready (:func:`make_accessible`) with the links' names
        from the page as printed; links into ``base`` (the document's folder) made relative."""
        return make_accessible(
            pdf,
            relative_base=base,
            link_names=self._page.evaluate(_LINK_NAMES_JS),
            heading_names=self._page.evaluate(_HEADING_NAMES_JS),
            top_margin=_points(PAGE_MARGIN["top"]),
            bottom_margin=_points(PAGE_MARGIN["bottom"]),
            reader=reader,
        )

    def warm_up(self, html_text: str) -> None:
        """Load ``html_text`` (a document with plotly.js) at the print folder's URL, so V8 has
        compiled plotly.js for every document printed after it."""
        if self._page is None or self._warm:
            return
        page_file = self._folder / "warm-up.html"
        page_file.write_text(html_text, encoding="utf-8")
        self._page.goto(page_file.as_uri(), wait_until="load", timeout=self.timeout_ms)
        self._warm = True

    def _stable_url(self, html_path: Path) -> str:
        """One URL for every document this printer prints: its private folder's ``document.html``,
        a link to ``html_path``, beside the printer's own copy of the shared chart script.

        V8 reuses its compiled plotly.js only for the same script at the same URL, so documents
        opened under their own names or folders compile it again (about a second each, nine times
        for one landlord's three years). The document's only relative resource is that script
        (styles are inline), so it loads the same from here.
        """
        link = self._folder / "document.html"
        try:
            link.unlink(missing_ok=True)
            link.symlink_to(html_path)
        except OSError:  # no symlinks here: the document's own URL (its folder has the script)
            return html_path.as_uri()
        return link.as_uri()


# Relative links (to the document's neighbours) made absolute against its own folder's URL.
_ABSOLUTE_LINKS_JS = """(base) => {
    for (const link of document.querySelectorAll('a[href]')) {
        const href = link.getAttribute('href');
        if (href.startsWith('#') || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(href)) continue;
        link.setAttribute('href', new URL(href, base).href);
    }
}"""

PRINT_FOLDER_PREFIX = "complaints-print-"


def _print_folder() -> Path:
    """A new private folder for one printer (``complaints-print-<pid>-...`` in the temporary
    directory) holding the shared chart script; folders of processes no longer running (killed
    while printing) are removed first."""
    remove_stale_folders(Path(tempfile.gettempdir()), PRINT_FOLDER_PREFIX)
    folder = Path(tempfile.mkdtemp(prefix=f"{PRINT_FOLDER_PREFIX}{os.getpid()}-"))
    try:
        write_plotly_js(folder)
    except OSError as error:
        # a full temporary folder: each document's attempt left one more behind until the
        # process ended (a code server's lives for days)
        shutil.rmtree(folder, ignore_errors=True)
        if error.filename is None:  # named, so "the disk is full" says which disk: not --output's
            raise OSError(error.errno, error.strerror, str(folder)) from error
        raise
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def _existing(html_path: Path) -> Path:
    html_path = Path(html_path).resolve()
    if not html_path.is_file():
        raise FileNotFoundError(f"{html_path}: no such HTML document to print")
    return html_path


class _PrintService:
    """The process-wide browser: a :class:`PdfPrinter` on its own (daemon) thread, fed by a queue.

    Playwright's sync API only works on the thread that started it, so every print goes through
    this thread, whichever thread (or Dagster step) asks. The browser starts on the first document
    and is started afresh after a failure (a crashed or hung Chromium must not fail later ones).
    """

    def __init__(self) -> None:
        self.pid = os.getpid()
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="complaints-pdf", daemon=True)
        self._thread.start()

    def submit(
        self, html_path: Path, pdf_path: Path, title: str, header_right: str, timeout_ms: int
    ) -> Future[Path]:
        return self._put(
            lambda printer: printer.print(
                html_path,
                pdf_path,
                title=title,
                header_right=header_right,
                timeout_ms=timeout_ms,
            )
        )

    def warm_up(self, html_text: str) -> Future[None]:
        return self._put(lambda printer: printer.warm_up(html_text))

    def _put(self, work) -> Future:
        future: Future = Future()
        self._jobs.put((future, work))
        return future

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        # Launch now, while the caller is still building its document; a failure (no Chromium)
        # is raised to the first print instead.
        try:
            printer: PdfPrinter | None = PdfPrinter().__enter__()
        except Exception:  # noqa: BLE001
            printer = None
        try:
            while (job := self._jobs.get()) is not None:
                future, work = job
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    if printer is None:
                        printer = PdfPrinter().__enter__()
                    result = work(printer)
                except BaseException as exc:  # handed to the caller through the future
                    future.set_exception(exc)
                    printer = _close_quietly(printer)
                else:
                    future.set_result(result)
        finally:
            _close_quietly(printer)


def _close_quietly(printer: PdfPrinter | None) -> None:
    if printer is not None:
        try:
            printer.__exit__(None, None, None)
        except Exception:  # noqa: BLE001 - a dead browser has nothing left to close
            pass


def start_browser() -> None:
    """Launch the process-wide browser in the background, if it is not running yet.

    Call it before building a document (or earlier in a run) so the launch, about half a second,
    overlaps other work instead of delaying the first print.
    """
    _service()


def stop_browser() -> None:
    """Close the process-wide browser, if this process started one, once the prints queued before
    are done: the browser, its throw-away profile and the print folder go.

    For a process that ends with ``os._exit`` (the command line), which skips ``atexit``.
    """
    global _SERVICE
    with _SERVICE_LOCK:
        service, _SERVICE = _SERVICE, None
    if service is not None and service.pid == os.getpid():
        service.close()


def warm_up_charts(html_text: str) -> None:
    """Have the process-wide browser compile plotly.js for the documents it prints, in the
    background (about a second, once per process, saved on the first chart document).

    ``html_text`` must carry plotly.js exactly as the documents do, at the same line and column
    (V8 keys its cache on them): render it from the documents' own template.
    """
    _service().warm_up(html_text)


_SERVICE: _PrintService | None = None
_SERVICE_LOCK = threading.Lock()


def _service() -> _PrintService:
    global _SERVICE
    with _SERVICE_LOCK:
        # A forked child has the parent's object but not its thread: it needs its own.
        if _SERVICE is None or _SERVICE.pid != os.getpid():
            _SERVICE = _PrintService()
            atexit.register(_SERVICE.close)
        return _SERVICE


def _points(length: str) -> float:
    """A CSS length in mm (as in :data:`PAGE_MARGIN`) in PDF points."""
    if not length.endswith("mm"):
        raise ValueError(f"{length!r}: page margins are given in mm")
    return float(length[:-2]) * 72 / 25.4


def _section_pages(reader: PdfReader, targets: list[list[str | None]]) -> dict[str, int]:
    """Map contents targets to 1-based page numbers through the PDF outline (one entry per heading).

    Headings are matched by text, in document order, so two sections with the same title each get
    their own page.
    """
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
