"""A header row met again below the first with its columns in another order.

Two exports joined into one file whose systems (or report versions) order the columns
differently: every row below the second header holds its cells under the first header's
names, so a date lands in another date's field and loads. The row repeating the header as it
is (``repeated_header``, :func:`pipeline.sources.fields.repeated_header_condition`) is only
quarantined; this one stops the file, since no row below it can be trusted.
"""

from __future__ import annotations

import re

import duckdb

from pipeline.sources.errors import IngestError, fold_header_name
from pipeline.sources.fields import repeated_header_condition
from pipeline.sql import ident, lit

__all__ = ["refuse_reordered_header"]

# Fewer named cells than this is too weak a sign to stop a whole file on: two code cells that
# happen to read as column names ('Stage', 'Outcome') could be data.
_MIN_NAMED_CELLS = 3


def _folded(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", fold_header_name(name).lower())


def reordered_header_condition(columns: dict[str, str]) -> str:
    """SQL true for a row whose non-blank mapped cells all hold mapped column names, at least
    :data:`_MIN_NAMED_CELLS` of them, but not each its own (that is a repeated header)."""
    names = sorted(
        {_folded(n) for n in columns} | {_folded(re.sub(r"\s*\(\d+\)$", "", n)) for n in columns}
    )
    listed = ", ".join(lit(n) for n in names)
    named, present = [], []
    for alias in columns.values():
        cell = f"regexp_replace(lower({ident(alias)}), '[^a-z0-9]+', '', 'g')"
        named.append(f"({ident(alias)} is null or {cell} in ({listed}))")
        present.append(f"({ident(alias)} is not null)::integer")
    return (
        f"({' and '.join(named)} and {' + '.join(present)} >= {_MIN_NAMED_CELLS} "
        f"and not {repeated_header_condition(columns)})"
    )


def refuse_reordered_header(
    con: duckdb.DuckDBPyConnection, flagged: str, columns: dict[str, str]
) -> None:
    """Stop on the first row of ``flagged`` (rows already breaking a rule: column names are no
    dates or codes) that holds the header's names in another order, naming file and row."""
    if len(columns) < _MIN_NAMED_CELLS:
        return
    found = con.execute(
        f"select __file, __row from {flagged} where {reordered_header_condition(columns)} "  # noqa: S608
        "order by __file, __row limit 1"
    ).fetchall()  # all: a result left unread blocks the connection's next statement
    if not found:
        return
    shown, row = found[0]
    raise IngestError(
        f"{shown}: row {row} holds the header's column names in another order (two exports "
        "with different columns joined into one file?), so the rows below it would be read "
        "into the wrong columns; the file is stopped: take one export per file"
    )
