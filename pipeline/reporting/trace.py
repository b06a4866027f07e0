"""Machine-readable traces of the figures a document shows, and of the figures it asked for in vain.

Every figure a section takes from the ``measures`` table goes through :func:`figure`, which wraps
its display text in invisible markers carrying the row's key (measure, period, breakdown, breakdown
value, view). The text travels through f-strings, table cells and the template untouched;
:func:`finish` then turns each marked figure in the page's text into

    <span class="figure" data-measure="CH02_1" data-period="2024-25" data-breakdown="stock_type"
          data-breakdown-value="lcra" data-view="regulator">90.1</span>

and drops the markers (keeping the text) wherever markup cannot go: attribute values, ``<title>``,
scripts and styles. ``tests/integration/test_figures_trace.py`` reads the spans back and checks each
against its row of the measures table, so a figure shown with a different value, period or view than
its row fails the test.

:func:`recording` collects the lookups that found no row while a document is built (the document
then reads "not available"), so the same test can fail a document that asks for a row the product
does not compute (a misspelt measure, the wrong view).
"""

from __future__ import annotations

import base64
import contextlib
import html
import json
import re
from collections.abc import Iterator
from contextvars import ContextVar

# Unicode private-use characters: never in the data (ingest keeps text printable) and left alone by
# HTML escaping, great-tables and Jinja.
_OPEN, _MID, _CLOSE = "\ue000", "\ue001", "\ue002"
_MARKED = re.compile(f"{_OPEN}([A-Za-z0-9_=-]*){_MID}(.*?){_CLOSE}", re.DOTALL)
# The same markers as a JSON string shows them (json.dumps escapes non-ASCII characters).
_MARKED_JSON = re.compile(r"\\ue000[A-Za-z0-9_=-]*\\ue001(.*?)\\ue002", re.DOTALL)
# Where a span cannot go: raw-text elements (script, style, title) and tags (attribute values).
_NO_MARKUP = re.compile(
    r"(<script\b[^>]*>.*?</script>|<style\b[^>]*>.*?</style>|<title\b[^>]*>.*?</title>|<[^>]*>)",
    re.DOTALL | re.IGNORECASE,
)
KEYS = ("measure", "period", "breakdown", "breakdown_value", "view")

_missing: ContextVar[list[dict] | None] = ContextVar("missing_figures", default=None)


def figure(row: dict, text: str | None = None) -> str:
    """``text`` (default: the row's display text, ``[U]`` when null) marked with the row's key."""
    if text is None:
        text = row["display"] or "[U]"
    key = json.dumps([row.get(k) for k in KEYS], separators=(",", ":"))
    payload = base64.urlsafe_b64encode(key.encode("utf-8")).decode("ascii")
    return f"{_OPEN}{payload}{_MID}{text}{_CLOSE}"


def plain(text: str) -> str:
    """``text`` without figure markers (for file names, PDF metadata, CSV cells...)."""
    return _MARKED_JSON.sub(r"\1", _MARKED.sub(r"\2", text))


def decode(payload: str) -> dict:
    """The row key a marker carries."""
    values = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")).decode("utf-8"))
    return dict(zip(KEYS, values, strict=True))


def _span(match: re.Match) -> str:
    attrs = "".join(
        f' data-{k.replace("_", "-")}="{html.escape(str(v), quote=True)}"'
        for k, v in decode(match.group(1)).items()
        if v is not None
    )
    return f'<span class="figure"{attrs}>{match.group(2)}</span>'


def finish(page: str) -> str:
    """The rendered page with marked figures as traced spans, and no marker left anywhere."""
    parts = _NO_MARKUP.split(page)
    # split() with one group alternates text, markup, text, markup, ...
    return "".join(
        plain(part) if index % 2 else _MARKED.sub(_span, part) for index, part in enumerate(parts)
    )


@contextlib.contextmanager
def recording() -> Iterator[list[dict]]:
    """Collect, in the returned list, each lookup that found no measure row while active."""
    found: list[dict] = []
    token = _missing.set(found)
    try:
        yield found
    finally:
        _missing.reset(token)


def note_missing(measure: str, period: str, breakdown: str, breakdown_value, view) -> None:
    """Record a lookup without a row (no-op unless :func:`recording` is active)."""
    found = _missing.get()
    if found is not None:
        found.append(
            {
                "measure": measure,
                "period": period,
                "breakdown": breakdown,
                "breakdown_value": breakdown_value,
                "view": view,
            }
        )


SPAN = re.compile(r'<span class="figure"([^>]*)>(.*?)</span>', re.DOTALL)
_ATTR = re.compile(r'data-([a-z-]+)="([^"]*)"')


def traced_figures(page: str) -> list[dict]:
    """The traced figures of a finished page: key attributes and the text shown (unescaped)."""
    figures = []
    for match in SPAN.finditer(page):
        attrs = {k.replace("-", "_"): html.unescape(v) for k, v in _ATTR.findall(match.group(1))}
        attrs["text"] = html.unescape(re.sub(r"<[^>]+>", "", match.group(2)))
        figures.append(attrs)
    return figures


def untraced(page: str) -> str:
    """A finished page with the figure spans taken out (their text kept), as it read before."""
    return SPAN.sub(r"\2", page)
