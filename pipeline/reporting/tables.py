"""great-tables tables with fixed ids, a real ``<caption>`` and column headers.

Every cell is text: great-tables escapes unformatted cells, so data containing markup shows as text.
Rendered with ``as_raw_html(inline_css=False)`` (``inline_css=True`` needs the ``css-inline``
package, which is not in the lock). great-tables' ``<style>`` block, identical for every table but
for the id it is scoped to, is taken out of each table and carried once per document
(:func:`table_css`, scoped to the ``table-scroll`` wrapper class).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache

import polars as pl
from great_tables import GT, loc, style
from markupsafe import Markup

# Dark text on white and a mid-grey rule: well above the WCAG AA contrast ratio of 4.5:1.
_TEXT = "#1a1a1a"


@dataclass(frozen=True)
class Table:
    """A rendered table and what it shows."""

    table_id: str
    caption: str
    html: Markup
    rows: int


@cache
def table_css() -> str:
    """great-tables' table CSS once for a whole document, for every ``.table-scroll`` wrapper."""
    reference = "gt-shared-reference"
    rendered = _gt(pl.DataFrame({"a": ["x"], "b": ["y"]}), reference, ["b"], "note").as_raw_html(
        inline_css=False
    )
    css = re.search(r"<style>(.*?)</style>", rendered, flags=re.S)
    if css is None:
        raise ValueError("great-tables output has no <style> block to share")
    return css.group(1).replace(f"#{reference}", ".table-scroll")


def _gt(frame: pl.DataFrame, table_id: str, right: list[str], note: str | None) -> GT:
    table = (
        GT(frame, id=table_id)
        .cols_align("right", columns=right)
        .tab_options(
            table_font_size="10pt",
            table_font_color=_TEXT,
            table_width="100%",
            column_labels_font_weight="bold",
            data_row_padding="3px",
            container_padding_y="0px",
        )
        .tab_style(style.text(color=_TEXT), loc.body())
    )
    if note:
        table = table.tab_source_note(note)
    return table


def count_text(value) -> str | None:
    """A count as a reader reads it: ``1714`` -> ``1,714``; text (``<5``, ``[c]``) as it is."""
    if value is None:
        return None
    text = str(value)
    return f"{int(text):,}" if text.isdigit() else text


def with_separators(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """``frame`` with the count ``columns`` as display text with thousands separators (row
    numbers and years are not counts: leave them out)."""
    return frame.with_columns(
        pl.col(column).map_elements(count_text, return_dtype=pl.String) for column in columns
    )


def data_table(
    table_id: str,
    caption: str,
    frame: pl.DataFrame,
    *,
    note: str | None = None,
    align_right: list[str] | None = None,
) -> Table:
    """Render ``frame`` (all cells already display text or numbers) as an accessible table.

    Parameters
    ----------
    table_id
        Fixed element id (snapshot tests and in-page links rely on it).
    caption
        Table caption (escaped).
    frame
        Columns in display order, headed as they should read.
    note
        Optional source note under the table (escaped).
    align_right
        Columns to right-align; by default every column but the first.
    """
    frame = frame.with_columns(pl.all().cast(pl.String).fill_null("–"))
    right = align_right if align_right is not None else frame.columns[1:]
    rendered = _gt(frame, table_id, right, note).as_raw_html(inline_css=False)
    # great-tables labels the table by its title row; a <caption> is what assistive technology
    # and the WCAG techniques (H39) expect, so the caption goes in and the title row stays out.
    caption_html = f'<caption id="{table_id}-caption">{html.escape(caption)}</caption>'
    rendered = rendered.replace(
        '<table class="gt_table"',
        f'<table class="gt_table" aria-labelledby="{table_id}-caption"',
        1,
    )
    # The wrapper scrolls sideways on a narrow screen (320 px): keyboard users must be able to reach
    # and scroll it (WCAG 2.1.1, axe "scrollable-region-focusable"), so it is focusable and named
    # by its caption (a group, not a landmark region: a section of the same name is one already).
    rendered = rendered.replace(
        f'<div id="{table_id}" style=',
        f'<div id="{table_id}" tabindex="0" role="group" '
        f'aria-labelledby="{table_id}-caption" class="table-scroll" style=',
        1,
    )
    # great-tables puts 8 KB of CSS, the same for every table but for its id, in each table: the
    # document carries it once (table_css()), scoped to the wrapper class instead.
    rendered = re.sub(r"<style>.*?</style>", "", rendered, count=1, flags=re.S)
    rendered = _label_cells_as_row_headers(rendered, table_id)
    head, sep, rest = rendered.partition("<thead>")
    if not sep:
        raise ValueError("great-tables output has no <thead>; cannot place the caption")
    # The caption must be the table's first child: it goes right after the <table ...> tag.
    opening_end = head.rindex(">")
    rendered = head[: opening_end + 1] + caption_html + head[opening_end + 1 :] + sep + rest
    return Table(table_id, caption, Markup(rendered), frame.height)


_BODY = re.compile(r"<tbody\b[^>]*>.*?</tbody>", re.S)
_ROW = re.compile(r"(<tr\b[^>]*>)(.*?)(</tr>)", re.S)
_FIRST_CELL = re.compile(r"(\s*)<td\b([^>]*)>(.*?)</td>", re.S)
_CELL_HEADERS = re.compile(r'(<td\b[^>]*\bheaders=")([^"]*)"')


def _label_cells_as_row_headers(rendered: str, table_id: str) -> str:
    """Each body row's first cell, its label, as the row's header (``<th scope="row">``).

    A screen reader then names the row with each figure it reads ("Repairs, Complaints, 40").
    great-tables links each cell to its column heading through ``headers``, and where a cell has
    ``headers`` assistive technology goes by them alone, so the row header's id is added there
    too. The header keeps the cell's classes, and ``gt_font_normal`` keeps it from turning bold:
    the table looks as before. A row of one cell has no figure to name and is left alone.
    """

    def body(match: re.Match) -> str:
        number = 0

        def row(found: re.Match) -> str:
            nonlocal number
            opening, cells, closing = found.groups()
            first = _FIRST_CELL.match(cells)
            rest = cells[first.end() :] if first else ""
            if first is None or "<td" not in rest:
                return found.group(0)
            number += 1
            row_id = f"{table_id}-row-{number}"
            indent, attributes, text = first.groups()
            attributes = attributes.replace('class="gt_row', 'class="gt_font_normal gt_row', 1)
            header = f'{indent}<th scope="row" id="{row_id}"{attributes}>{text}</th>'
            rest = _CELL_HEADERS.sub(rf'\g<1>\g<2> {row_id}"', rest)
            return opening + header + rest + closing

        return _ROW.sub(row, match.group(0))

    return _BODY.sub(body, rendered, count=1)
