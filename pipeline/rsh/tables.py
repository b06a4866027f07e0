"""Which sheet holds which Data Dictionary table, and how a data sheet is laid out.

- :func:`sheet_for_table`: a table's sheet by its name (case, spaces, underscores and the year
  ignored), else by the share of the table's column headings in its header row;
- :func:`stock_group_titles`: a two-row header naming the stock type once, above its columns (or a
  field once, above its stock types);
- :func:`stock_column` and :func:`stock_suffix`: a sheet laid out one row per landlord and stock
  type (a "Stock type" column) and the stock type each row is for;
- :func:`year_column` and :func:`row_year`: a sheet holding several reporting years' rows.
"""

from __future__ import annotations

import re

from pipeline.rsh.fields import stock_suffix_of, without_stock
from pipeline.rsh.workbook import (
    Sheet,
    WorkbookError,
    clean,
    find_landlord_header,
    heading_key,
    is_code_heading,
    is_name_heading,
    landlord_column,
    sheet_year,
)

# ---------------------------------------------------------------------------------------------
# One row per landlord and stock type (a long layout)
# ---------------------------------------------------------------------------------------------

# A column saying which stock type a row is for: "Stock type", "Tenure", "Stock", "Type of stock".
_STOCK_HEADING_WHOLE = re.compile(
    r"^(?:(?:housing|social housing) )?(?:stock|tenure)(?: type| group)?(?: code)?$"
    r"|^type of (?:stock|tenure)$"
)
_LCRA_WORDS = re.compile(r"\blcra\b|\blow[ -]?cost rent(al)?\b")
_LCHO_WORDS = re.compile(r"\blcho\b|\blow[ -]?cost home[ -]?ownership\b|\bshared ownership\b")
_COMB_WORDS = re.compile(
    r"\bcomb(ined)?\b|^(all|both)$|^all (stock|stock types|tenures?)$|^both (stock types|tenures)$"
)


def stock_suffix(value: object) -> str | None:
    """The stock type a long layout's cell names, as the field codes' suffix, or None.

    ``"LCRA"``, ``"lcra "``, ``"Low cost rental accommodation"`` -> ``"LCRA"``; ``"LCHO"``,
    ``"Low cost home ownership"``, ``"Shared ownership"`` -> ``"LCHO"``; ``"Combined"``, ``"COMB"``,
    ``"Both"``, ``"All stock"``, ``"LCRA and LCHO"`` -> ``"COMB"``. A number, an empty cell or other
    text gives None (``"Total"`` among them: a total row is no stock type).
    """
    if not isinstance(value, str):
        return None
    key = re.sub(r"[^a-z ]+", " ", heading_key(value))
    key = re.sub(r"\s+", " ", key).strip()
    if not key:
        return None
    rental, ownership = bool(_LCRA_WORDS.search(key)), bool(_LCHO_WORDS.search(key))
    if _COMB_WORDS.search(key) or (rental and ownership):
        return "COMB"
    if rental:
        return "LCRA"
    if ownership:
        return "LCHO"
    return None


def stock_column(sheet: Sheet, index: int | None = None) -> int | None:
    """The column of a sheet laid out one row per landlord and stock type, or None (one row per
    landlord, the stock type in each heading: the RSH's layout).

    It is the column headed as one ("Stock type", "Tenure", "Stock", "Type of stock") with at least
    one landlord row naming a stock type (LCRA, LCHO, Combined or their words; an empty column of
    that heading is not one), or failing that any column whose landlord rows all name a stock type,
    at least two different ones, with some landlord on more than one row.
    """
    index = sheet.header_index if index is None else index
    if index is None:
        return None
    header = [clean(c) for c in sheet.rows[index]]
    code_col = landlord_column(header, "code")
    name_col = landlord_column(header, "name")
    rows = [
        r
        for r in sheet.rows[index + 1 :]
        if code_col is not None and code_col < len(r) and clean(r[code_col])
    ]

    def named(column: int) -> list[str | None]:
        return [stock_suffix(r[column]) for r in rows if column < len(r) and clean(r[column])]

    for column, title in enumerate(header):
        if _STOCK_HEADING_WHOLE.match(heading_key(title)) and any(named(column)):
            return column
    codes = [clean(r[code_col]).upper() for r in rows] if code_col is not None else []
    if len(set(codes)) == len(codes):
        return None  # no landlord on two rows: one row per landlord
    for column in range(len(header)):
        if column in (code_col, name_col):
            continue
        found = named(column)
        if found and all(found) and len(set(found)) >= 2 and len(found) >= 0.9 * len(rows):
            return column
    return None


# ---------------------------------------------------------------------------------------------
# Several reporting years on one sheet (a time series)
# ---------------------------------------------------------------------------------------------

_YEAR_HEADING = re.compile(
    r"^(?:(?:reporting|financial|data|survey|tsm|return) )?(?:year|period)$|^year of (?:return|data)$"
)


def row_year(value: object) -> str | None:
    """The reporting year a year column's cell names (``"2024/25"``, ``"2024-25"``,
    ``"2024-2025"``, ``"TSM25"`` -> ``"2024-25"``), or None (a bare ``2025`` among them: the RSH
    names a year by the one it ends in, so a bare year could be either)."""
    return sheet_year(clean(value)) if value is not None else None


def year_column(sheet: Sheet) -> int | None:
    """The column of a sheet holding several reporting years' rows (a time series: "Reporting
    year" = 2023/24, 2024/25), or None.

    A column headed as one ("Year", "Reporting year", "Financial year", "Period") with at least two
    different values among its landlord rows; one value throughout says nothing about which rows
    to read (the sheet is one year's, whatever the cell says).
    """
    if sheet.header_index is None:
        return None
    header = sheet.header
    code_col = landlord_column(header, "code")
    for column, title in enumerate(header):
        if not _YEAR_HEADING.match(heading_key(title)):
            continue
        values = {
            clean(r[column])
            for r in sheet.rows[sheet.first_data_row - 1 :]
            if code_col is not None
            and code_col < len(r)
            and clean(r[code_col])
            and column < len(r)
            and clean(r[column])
        }
        if len(values) >= 2:
            return column
    return None


# ---------------------------------------------------------------------------------------------
# Which sheet holds which table
# ---------------------------------------------------------------------------------------------


def _name_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


# A year in a sheet or table name: ``TSM25``, ``2024-25``, ``2024/2025``, ``2024 to 2025``.
_YEAR_TOKEN = re.compile(
    r"TSM[ _]?\d{2}(?:\d{2})?(?!\d)|(?<!\d)20\d{2}\s*(?:[-/_–]|[\s_]to[\s_])\s*(?:20)?\d{2}(?!\d)",
    re.IGNORECASE,
)
_STOCK_WORD = re.compile(
    r"(?<![a-z])(lcra|lcho|combined|comb|low[ -]cost rental|low[ -]cost home[ -]?ownership|"
    r"shared ownership)(?![a-z])"
)


def _plain_key(name: str) -> str:
    """A sheet or table name without its year: ``TSM25_LCRA_Perception`` and ``LCRA Perception
    2024-25`` both give ``lcraperception``."""
    return _name_key(_YEAR_TOKEN.sub(" ", name))


def stock_words(text: str) -> set[str]:
    """The stock types a name or title names: ``"TSM25_LCRA_Perception"`` and ``"Table 1: low
    cost rental accommodation"`` -> ``{"lcra"}``."""
    words = {"LCRA": "lcra", "LCHO": "lcho", "COMB": "combined"}
    return {words[stock_suffix_of(w)] for w in _STOCK_WORD.findall(clean(text).lower())}


def _one(candidates: list[Sheet], table: str, how: str) -> Sheet | None:
    """The one sheet of ``candidates`` (a visible one before a hidden one); two stop the extract."""
    shown = [s for s in candidates if not s.hidden] or candidates
    if len(shown) > 1:
        names = sorted(s.name for s in shown)
        raise WorkbookError(
            f"the Data Dictionary's table '{table}' could be either of the sheets "
            f"{', '.join(repr(n) for n in names[:-1])} or {names[-1]!r} ({how}); delete the one "
            "that is not the published table in a copy of the workbook, then add the copy"
        )
    return shown[0] if shown else None


_STOCK_PREFIX = re.compile(r"^(LCRA|LCHO|Combined|COMB)\s*[-–:]", re.IGNORECASE)
_STOCK_TITLE = {"LCRA": "LCRA", "LCHO": "LCHO", "COMB": "Combined"}


def stock_group_titles(sheet: Sheet) -> int:
    """Give the headings under a stock-type group row their stock type; the number changed.

    A two-row header may name the stock type once, in a (merged) group cell above its columns
    ("LCRA" over "Number of stage one complaints ... (CH01 1 Numerator)"), where the RSH's
    headings start with it ("LCRA - Number of ..."). Such a heading is read as "LCRA - ...". The
    row above counts as a group row when at least two of its cells name a stock type each
    (:func:`stock_suffix`: "LCRA", "Low cost home ownership", "Combined (LCRA and LCHO)") and
    none is a sentence; a group runs from its cell to the next filled one (a merged cell's value
    is in its first cell). Landlord code and name headings are left as they are.
    """
    index = find_landlord_header(sheet, min_filled=4)
    if index is None:
        return 0
    beside = _groups_beside_landlord_headings(sheet, index)
    if beside or not index:
        return beside
    above = [clean(c) for c in sheet.rows[index - 1]]
    filled = [c for c in above if c]
    stocked = [c for c in filled if stock_suffix(c) is not None]
    if len(stocked) < 2 or any(len(c.split()) > 6 for c in filled):
        return 0
    header, group, changed = list(sheet.rows[index]), None, 0
    for i, title in enumerate(header):
        if i < len(above) and above[i]:
            found = stock_suffix(above[i])
            group = _STOCK_TITLE[found] if found else None
        text, key = clean(title), heading_key(title)
        if not group or not text or _STOCK_PREFIX.match(text):
            continue
        if is_code_heading(key) or is_name_heading(key):
            continue
        header[i] = f"{group} - {text}"
        changed += 1
    if changed:
        sheet.rows[index] = tuple(header)
    return changed


def _short_stock(text: str) -> str | None:
    """The stock type a short cell names (a group label, not a sentence), as a title prefix."""
    if not text or len(text.split()) > 6:
        return None
    found = stock_suffix(text)
    return _STOCK_TITLE[found] if found else None


def _groups_beside_landlord_headings(sheet: Sheet, index: int) -> int:
    """A two-row header whose landlord headings are merged down over both rows, the row holding
    them also holding group cells, each merged across its columns, over the column headings in
    the row below: the stock type over the field's headings ("LCRA" over "Number of stage one
    complaints ... (CH01 1 Numerator)"), or a field's heading over its stock types ("Number of
    ... (CH01 1 Numerator)" over "LCRA", "LCHO", "Combined"). Each column then reads as the RSH
    heads it, "LCRA - Number of ...", in the header row, and the row below is emptied (it is
    no landlord). The row below counts as the headings when it has no landlord code or name, no
    number and no field code, and two of its groups name a stock type, above or below."""
    if index + 1 >= len(sheet.rows):
        return 0
    header = [clean(c) for c in sheet.rows[index]]
    below = [clean(c) for c in sheet.rows[index + 1]]
    below += [""] * (len(header) - len(below))
    landlord = {landlord_column(header, kind) for kind in ("code", "name")}
    if None in landlord or any(below[c] for c in landlord if c < len(below)):
        return 0
    if any(isinstance(c, (int, float)) for c in sheet.rows[index + 1]):
        return 0
    if any(re.match(r"^(?:CH\d{2}|Stg\d|TP\d{2})_\w+$", c, re.I) for c in below):
        return 0  # a row of field codes (field_code_row)
    titles, group, stocked = list(sheet.rows[index]), "", 0
    titles += [None] * (len(below) - len(titles))
    for i, sub in enumerate(below):
        if i < len(header) and header[i]:
            group = header[i]  # a group starts (a merged cell's value is in its first cell)
        if not sub:
            group = ""  # a heading merged down over both rows ends the group
            continue
        stock, other = (group, sub) if _short_stock(group) else (sub, group)
        if not group or not _short_stock(stock):
            continue
        stocked += 1
        # a heading below that names its stock type already is the RSH's as it is
        titles[i] = other if _STOCK_PREFIX.match(other) else f"{_short_stock(stock)} - {other}"
    if stocked < 2:
        return 0
    sheet.rows[index] = tuple(titles)
    sheet.rows[index + 1] = tuple(None for _ in sheet.rows[index + 1])
    return stocked


def sheet_for_table(sheets: list[Sheet], table: str, headings: list[str]) -> Sheet | None:
    """The sheet holding a dictionary table, or None.

    In turn: the sheet of that name (case, spaces, underscores ignored); the sheet of that name
    once the years are taken out of both (``TSM25_LCRA_Perception`` is ``LCRA Perception
    2024-25``), one of the table's year first; the sheet whose header row holds most of the
    table's column headings (at least half), leaving out sheets whose name or title names another
    stock type than the table's (the LCRA and combined perception sheets differ by one heading).
    A visible sheet is taken before a hidden one; two equally good visible ones stop the extract
    (:class:`WorkbookError`), as a copy or a draft left in the workbook would otherwise be read
    in place of the published table.
    """
    found = _one([s for s in sheets if _name_key(s.name) == _name_key(table)], table, "same name")
    if found is not None:
        return found
    plain = _plain_key(table)
    same = [s for s in sheets if plain and _plain_key(s.name) == plain]
    year = sheet_year(table)
    same = [s for s in same if year and sheet_year(s.name) == year] or same
    found = _one(same, table, "same name but for the year")
    if found is not None:
        return found
    wanted = {heading_key(h) for h in headings if h}
    stock = stock_words(table)
    shares: list[tuple[float, Sheet]] = []
    for sheet in sheets:
        index = find_landlord_header(sheet, min_filled=4)
        if index is None or not wanted:
            continue
        title = " ".join(clean(c) for c in sheet.rows[0] if c is not None) if sheet.rows else ""
        named = stock_words(f"{sheet.name} {title}")
        if stock and named and not (named & stock):
            continue
        found_headings = {heading_key(c) for c in sheet.rows[index]} & wanted
        share = len(found_headings) / len(wanted)
        if stock_column(sheet, index) is not None:
            # one row per landlord and stock type: its headings carry no stock type
            plain_wanted = {heading_key(without_stock(clean(h))) for h in headings if h}
            plain_found = {heading_key(c) for c in sheet.rows[index]} & plain_wanted
            share = max(share, len(plain_found) / len(plain_wanted))
        shares.append((share, sheet))
    best = max((share for share, _ in shares), default=0.0)
    if best < 0.5:
        return None
    return _one(
        [s for share, s in shares if share == best], table, f"{best:.0%} of its column headings"
    )


__all__ = [
    "row_year",
    "sheet_for_table",
    "stock_column",
    "stock_group_titles",
    "stock_suffix",
    "stock_words",
    "year_column",
]
