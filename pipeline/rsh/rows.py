"""A data sheet's rows and columns: each field's column (by the dictionary's heading or the
measure code in its title) and each landlord's row (by its code; a total or a heading stops).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from pipeline.rsh.fields import MI_FIELDS, TP09_FIELDS, without_stock
from pipeline.rsh.tables import row_year, stock_suffix
from pipeline.rsh.workbook import (
    Sheet,
    WorkbookError,
    cell,
    clean,
    heading_key,
    landlord_column,
    without_code_mark,
)


@dataclass
class Columns:
    """Field code -> column index in one data sheet, and the codes found in the sheet only."""

    by_code: dict[str, int]
    not_in_dictionary: list[str]


def field_columns(
    sheet: Sheet,
    dictionary: dict[str, dict[str, str]],
    family,
    title_field,
    stocks: list[str] | None = None,
) -> Columns:
    """Find each complaint field's column of ``sheet`` by the dictionary heading and by its title.

    Parameters
    ----------
    sheet : Sheet
        A data sheet with its header row found.
    dictionary : dict
        Field code -> dictionary entry of this sheet's table.
    family : re.Pattern
        Which field codes to look for (MI_FAMILY or TP09_FAMILY).
    title_field : callable
        Column title -> field code or None (the measure code in the title); for a sheet laid out
        one row per landlord and stock type it is called with each stock suffix too,
        ``(title, "LCHO")``.
    stocks : list of str, optional
        For such a sheet (``sheet.stock_col``), the stock suffixes to read: a column headed
        without a stock type ("... (CH01 1 Numerator)") is then the field for each of them
        (``CH01_1_Numerator_LCRA``, ``_LCHO``, ``_COMB``), read from each row for the row's stock
        type; the dictionary's headings are compared without their stock type.
    """
    long = sheet.stock_col is not None
    stocks = list(stocks or []) if long else []
    wanted = {code: entry for code, entry in dictionary.items() if family.match(code)}

    def base(code: str) -> str:
        found = family.match(code)
        return found.group("base") if found else code

    def heading_of(text: str) -> str:
        return heading_key(without_stock(clean(text))) if long else heading_key(text)

    by_heading: dict[str, list[str]] = {}
    for code, entry in wanted.items():
        by_heading.setdefault(heading_of(entry["column_heading"]), []).append(code)
    by_code_key = {_code_key(code): [code] for code in wanted}
    if long:  # headed by the field code without its stock suffix (CH01_1_Numerator)
        for code in wanted:
            by_code_key.setdefault(_code_key(base(code)), []).append(code)
    claims: dict[str, set[int]] = {}
    printed = sheet.codes  # a row of field codes under the header, if the edition has one
    for index, title in enumerate(sheet.header):
        if index == sheet.stock_col:
            continue
        below = printed[index] if index < len(printed) else ""
        if not title and not below:
            continue
        codes = set()
        named = by_heading.get(heading_of(title), []) if title else []
        if len(named) == 1 or (long and named and len({base(c) for c in named}) == 1):
            codes |= set(named)  # a heading the dictionary gives to one field only
        for text in (title, below):  # headed by the field code itself (TP09_VS_LCRA)
            if text and _code_key(text) in by_code_key:
                codes |= set(by_code_key[_code_key(text)])
        for suffix in stocks or [None]:
            parsed = title_field(title) if suffix is None else title_field(title, suffix)
            if parsed and family.match(parsed):
                codes.add(parsed)
        if len({base(c) for c in codes} if long else codes) > 1:
            _renamed(sheet, title, codes, wanted)
            raise WorkbookError(
                f"'{sheet.name}': column '{title}' is {' and '.join(sorted(codes))} by its "
                "heading and by its measure code"
            )
        for code in codes:
            claims.setdefault(code, set()).add(index)
    for code, columns in claims.items():
        if len(columns) > 1:
            titles = "; ".join(f"'{sheet.header[i]}'" for i in sorted(columns))
            raise WorkbookError(f"'{sheet.name}': field {code} is claimed by two columns: {titles}")
    missing = sorted(set(wanted) - set(claims))
    if missing:
        headings = "; ".join(f"{c} ('{wanted[c]['column_heading']}')" for c in missing[:5])
        unread = next(
            (
                t
                for t in sheet.header
                if len(t.split()) <= 4 and re.search(r"\b(stock|tenure)\b", heading_key(t))
            ),
            None,
        )
        advice = (
            "no heading is the dictionary's for them or ends with their measure code (e.g. "
            "'(CH01 1 Numerator)'): rename those headings to the dictionary's in a copy of the "
            "workbook, then add the copy"
        )
        if long:
            advice = (
                f"the sheet has one row per landlord and stock type (its "
                f"'{sheet.header[sheet.stock_col]}' column), and {advice}"
            )
        elif unread:
            advice = (
                f"the sheet has a '{unread}' column but no landlord row names a stock type in it "
                "(LCRA, LCHO or Combined), so it is not read as one row per landlord and stock "
                f"type, and {advice}"
            )
        raise WorkbookError(
            f"'{sheet.name}': the Data Dictionary lists {len(missing)} field(s) with no column "
            f"in the sheet: {headings}; {advice}"
        )
    found = {code: min(columns) for code, columns in claims.items()}
    return Columns(found, sorted(set(found) - set(wanted)))


def _renamed(sheet: Sheet, title: str, codes: set[str], wanted: dict) -> None:
    """Stop on a column the dictionary gives one code and its title another that the dictionary
    does not list (``TP09_Filter_No_LCRA`` there, ``TP09_Fiter_No_LCRA`` by the title): the
    edition renamed a field the product knows; whether the two are one field is not guessed."""
    listed = sorted(c for c in codes if c in wanted)
    unlisted = sorted(c for c in codes if c not in wanted)
    known = {f"{prefix}{field}" for field in MI_FIELDS + TP09_FIELDS for prefix in ("", "TP09_")}
    if len(listed) != 1 or not unlisted or listed[0].rsplit("_", 1)[0] in known:
        return  # the dictionary's code is one the product knows: a heading misread, not a rename
    raise WorkbookError(
        f"'{sheet.name}': column '{title}' is {listed[0]} in the Data Dictionary and "
        f"{unlisted[0]} by its title, a field the dictionary does not list: the edition renamed "
        f"the field (or the dictionary names this column wrongly); the product knows it as "
        f"{unlisted[0]} and does not guess that the two are one: have the product taught the new "
        f"name (docs/rsh.md), or write {unlisted[0]} for {listed[0]} in the Data Dictionary of a "
        "copy of the workbook and add the copy (the TSM return then shows the old code)"
    )


def _code_key(text: str) -> str:
    """A field code or a heading as one: ``"TP09 VS LCRA:"`` and ``"TP09_VS_LCRA"`` are alike."""
    return re.sub(r"[^a-z0-9]+", "_", heading_key(text)).strip("_")


def population_column(sheet: Sheet, dictionary: dict[str, dict[str, str]]) -> int | None:
    """The relevant tenant population's column of a perception sheet: headed "Relevant tenant
    population ...", or with the dictionary's heading for it, or by its field code (in the heading
    or the codes row). None when the dictionary lists no such field; listed but not found stops the
    extract (read as blank, the landlords it sizes would lose their size band without a word)."""
    entries = [e for code, e in dictionary.items() if code.lower().startswith("relevant_ten")]
    keys = [heading_key(h) for h in sheet.header]
    printed = sheet.codes
    wanted_headings = {heading_key(e["column_heading"]) for e in entries}
    wanted_codes = {_code_key(e["field_code"]) for e in entries}
    for index, key in enumerate(keys):
        below = printed[index] if index < len(printed) else ""
        if (
            key.startswith("relevant tenant population")
            or (key and key in wanted_headings)
            or _code_key(sheet.header[index]) in wanted_codes
            or (below and _code_key(below) in wanted_codes)
        ):
            return index
    if entries:
        raise WorkbookError(
            f"'{sheet.name}': the Data Dictionary lists the relevant tenant population "
            f"({entries[0]['field_code']}, '{entries[0]['column_heading']}') and no column has "
            "that heading or code; rename that column's heading to the dictionary's in a copy "
            "of the workbook, then add the copy"
        )
    return None


def data_rows(sheet: Sheet, code_col: int) -> list[tuple]:
    return [r for _, r in numbered_rows(sheet, code_col)]


def landlord_code(value: object) -> str:
    """A landlord code as the extract writes it: ``" l4240 "`` -> ``"L4240"``; a footnote mark
    after it left out (``"L4240*"``, ``"L4240 [note 3]"`` -> ``"L4240"``: kept, the landlord would
    be two, one sized by its homes and the other by its surveyed tenants)."""
    return without_code_mark(clean(value)).upper()


_SUMMARY = r"\b(totals?|all|sector|england|average|mean|median|sum|overall|landlord code|code)\b"
# A row of figures about the landlords, not one of them ("Sector median", "Upper quartile").
_STATISTIC = (
    r"\b(totals?|all|sector|england|average|mean|median|sum|overall|quartiles?|percentiles?|"
    r"minimum|maximum|count|number of)\b"
)


def numbered_rows(sheet: Sheet, code_col: int) -> list[tuple[int, tuple]]:
    """(spreadsheet row number, row) of each landlord row: those with a landlord code.

    In a sheet holding several reporting years (``sheet.year_col``) only the rows of the year
    read (``sheet.year``) are landlord rows. In a sheet laid out one row per landlord and stock
    type, a row whose landlord cells are empty right below its landlord's row is that landlord's
    (the cells merged down its stock types' rows: :func:`_merged_down`). A row with neither a
    landlord name nor a number (a footnote or a note below the table, such as "Source: ..." or
    "1." beside its text) is not a landlord, nor is one without a code that is a statistic
    ("Sector median", "Upper quartile"); one without a code that names a landlord and has figures
    stops the extract. A code cell of several words, or one without a digit (every RSH
    registration number has one) that reads as a total or a heading (``Total``, ``All
    landlords``, a repeated ``Landlord code``), stops the extract: read as a landlord it would be
    a peer. Another code without a digit is kept. The message names the row and the column, never
    the cell's text.
    """
    first = sheet.first_data_row
    name_col = landlord_column(sheet.header, "name")
    out = []
    above: tuple[int, tuple] | None = None  # a long sheet's landlord row just above
    for i, row in enumerate(sheet.data):
        if not _of_the_year(sheet, first + i, row, code_col):
            above = None
            continue
        code = landlord_code(row[code_col]) if code_col < len(row) else ""
        if not code and above is not None and above[0] == i - 1:
            row = _merged_down(sheet, row, above[1], name_col)
            code = landlord_code(row[code_col]) if code_col < len(row) else ""
        named = name_col is not None and name_col < len(row) and bool(clean(row[name_col]))
        # a figure beside the code (a footnote's own number in the code column is none)
        has_number = any(_is_number(c) for j, c in enumerate(row) if j != code_col)
        if not code:
            # a summary row (a total, a median, a quartile) is not a landlord; a landlord whose
            # code is missing would silently drop out of its peers: stop
            if named and has_number and not re.search(_STATISTIC, clean(row[name_col]).lower()):
                raise WorkbookError(
                    f"'{sheet.name}' row {first + i}: a landlord name and figures but an empty "
                    f"'{sheet.header[code_col]}' cell; give the landlord its RSH registration "
                    "number in a copy of the workbook (or delete the row if it is not a "
                    "landlord), then add the copy"
                )
            continue
        if not named and not has_number:
            continue  # a footnote: no landlord is listed without its name and figures
        words = " ".join(clean(c) for c in row[: code_col + 2] if isinstance(c, str)).lower()
        sentence = " " in code
        if sentence or (not re.search(r"\d", code) and re.search(_SUMMARY, words)):
            raise WorkbookError(
                f"'{sheet.name}' row {first + i}: the '{sheet.header[code_col]}' cell is not a "
                "landlord code (an RSH registration number, such as L4240 or 4634, is one word "
                "with a digit); if the row is a total or a note, delete it in a copy of the "
                "workbook, then add the copy"
            )
        out.append((first + i, row))
        above = (i, row) if sheet.stock_col is not None else None
    return out


def _of_the_year(sheet: Sheet, number: int, row: tuple, code_col: int) -> bool:
    """Whether a row of a sheet holding several reporting years (``sheet.year_col``) is of the
    year read (``sheet.year``); every row of a one-year sheet is. A landlord row whose year cell
    names no reporting year stops the extract, naming the row and the column, not the cell."""
    if sheet.year_col is None:
        return True
    value = _at(row, sheet.year_col)
    year = row_year(value)
    if year is None and clean(_at(row, code_col)):
        what = "is empty" if not clean(value) else "names no reporting year"
        raise WorkbookError(
            f"'{sheet.name}' row {number}: the '{sheet.header[sheet.year_col]}' cell (column "
            f"{get_column_letter(sheet.year_col + 1)}) {what}; this sheet holds several reporting "
            "years' rows, so each landlord row must say its year as 2024/25 or 2024-25 (a year "
            "alone, such as 2025, could be 2024/25 or 2025/26): correct that cell in a copy of the "
            "workbook, then add the copy"
        )
    return year == sheet.year


def _merged_down(sheet: Sheet, row: tuple, above: tuple, name_col: int | None) -> tuple:
    """A long sheet's row without a landlord code, below its landlord's row: the landlord's cells
    (code, name, type, size band, region, notes) merged down over its stock types' rows, which
    hold their value in the first row only. Read with them when the row names a stock type and
    has no landlord name of its own (or the same); else it is left as it is (a row naming another
    landlord, without its code, stops the extract)."""
    if sheet.stock_col is None or stock_suffix(_at(row, sheet.stock_col)) is None:
        return row
    if name_col is not None and clean(_at(row, name_col)) not in ("", clean(_at(above, name_col))):
        return row
    own = {
        column
        for kind in ("code", "name", "type", "band", "region", "notes")
        if (column := landlord_column(sheet.header, kind)) is not None
    }
    width = max(len(row), *(c + 1 for c in own))
    return tuple(
        _at(above, j) if j in own and not clean(_at(row, j)) else _at(row, j) for j in range(width)
    )


def _at(row: tuple, index: int) -> object:
    return row[index] if index < len(row) else None


def _is_number(value: object) -> bool:
    """A figure in a row: a number, or a number stored as text (``"1,234"``, ``"70.2%"``)."""
    read = cell(value)
    return isinstance(read, (int, float)) and not isinstance(read, bool)


def row_stock(sheet: Sheet, number: int, row: tuple) -> str | None:
    """The stock suffix (``LCRA``, ``LCHO``, ``COMB``) a row of a sheet laid out one row per
    landlord and stock type is for; None for a sheet of the RSH's layout (one row per landlord).

    A landlord row whose stock-type cell is empty or names none stops the extract, naming the row
    and the column, not the cell's text: its figures would otherwise be filed under no stock type
    or a wrong one.
    """
    if sheet.stock_col is None:
        return None
    value = row[sheet.stock_col] if sheet.stock_col < len(row) else None
    suffix = stock_suffix(value)
    if suffix is None:
        what = "is empty" if not clean(value) else "does not name a stock type"
        raise WorkbookError(
            f"'{sheet.name}' row {number}: the '{sheet.header[sheet.stock_col]}' cell (column "
            f"{get_column_letter(sheet.stock_col + 1)}) {what}; in this sheet each landlord has one "
            "row per stock type, so each row must say LCRA, LCHO or Combined (or low cost rental "
            "accommodation, low cost home ownership): correct that cell in a copy of the workbook "
            "(or delete the row if it is not a landlord's), then add the copy"
        )
    return suffix


def unique_rows(sheet: Sheet, code_col: int, record: callable) -> list[tuple[int, tuple, dict]]:
    """(row number, row, record) per landlord (per landlord and stock type, in a sheet laid out
    so); a landlord listed twice with the same figures is read once, with different figures it
    stops the extract (which row is right is not known)."""
    out: dict[tuple[str, str | None], tuple[int, tuple, dict]] = {}
    for number, row in numbered_rows(sheet, code_col):
        code = landlord_code(row[code_col])
        stock = row_stock(sheet, number, row)
        values = record(number, row)
        if (code, stock) in out:
            first, _, earlier = out[(code, stock)]
            if earlier != values:
                differ = sorted(k for k in values if values[k] != earlier.get(k))
                which = f"landlord {code}" + (f" ({stock})" if stock else "")
                raise WorkbookError(
                    f"'{sheet.name}': {which} is listed twice, in rows {first} and "
                    f"{number}, with different figures ({', '.join(differ[:4])}); delete the wrong "
                    "row in a copy of the workbook (the RSH's notes or a later version of the "
                    "workbook may say which), then add the copy"
                )
            continue
        out[(code, stock)] = (number, row, values)
    return list(out.values())


def landlord_record(row: tuple, header: list[str]) -> dict[str, object]:
    def text(kind: str) -> str:
        column = landlord_column(header, kind)
        return clean(row[column]) if column is not None and column < len(row) else ""

    notes = landlord_column(header, "notes")
    return {
        "landlord_code": landlord_code(text("code")),
        "landlord_name": text("name"),
        "landlord_type": text("type"),
        "group_size_band": text("band"),
        "region": text("region"),
        "rsh_note": ("yes" if text("notes").lower() == "yes" else "no")
        if notes is not None
        else "",
    }


__all__ = [
    "Columns",
    "data_rows",
    "field_columns",
    "landlord_code",
    "landlord_record",
    "numbered_rows",
    "population_column",
    "row_stock",
    "unique_rows",
]
