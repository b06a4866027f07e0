"""Number cells as exports write them, compiled to DuckDB SQL (pipeline.sources.fields types
every other kind): a pound sign, thousands separators, a decimal comma where the mapping says so
(``decimal: ","``), and the shapes that are no figure (two amounts in a cell, scientific notation,
a phone number)."""

from __future__ import annotations

from pipeline.sources.canonical import Column
from pipeline.sql import lit

# A comma in a number is a thousands separator ('1,250.00') only between groups of three digits;
# anywhere else ('1,25', a decimal comma) the cell is not read as a number (quarantined), not
# read as 125 with the comma dropped.
_THOUSANDS = r"[-+]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?"


# A space in a number likewise separates thousands ('1 250.00') only between groups of three
# digits: '£50 £100' or '10 20' (two figures typed in one cell) loaded as 50100 and 1020, a false
# figure with no word (third hostile audit). A space-grouped run of ten digits or more is still
# read whole, so a phone number is quarantined as out of range, which names it.
_SPACED_THOUSANDS = r"[-+]?[0-9]{1,3}( [0-9]{3})+(\.[0-9]*)?"
_TEN_DIGITS = r"[-+]?[0-9]{10,}(\.[0-9]*)?"


# The pound sign leads an amount ('£950', '£ 950', '£-50', '-£50') or ends it ('50£'); one
# between figures ('£50 £100') starts a second amount, and the cell is no number.
_LEADING_POUND = r"^([-+]?) *£ *| *£$"


# With a decimal comma (the mapping's ``decimal: ","``, an export of a system set to a European
# locale): '1.250,50', '1 250,50' and '50,00'. A '.' separates thousands only between groups of
# three digits, so '1.25' (a decimal point after all) is no number, never 125.
_DOT_THOUSANDS = r"[-+]?[0-9]{1,3}(\.[0-9]{3})+(,[0-9]*)?"
_DECIMAL_COMMA = r"[-+]?[0-9]*(,[0-9]*)?"
_SPACED_THOUSANDS_COMMA = r"[-+]?[0-9]{1,3}( [0-9]{3})+(,[0-9]*)?"


def _decimal_comma_as_point(x: str) -> str:
    """SQL for a decimal-comma number ``x`` (no pound sign or spaces) written with a point:
    '1.250,50' -> '1250.50', '50,00' -> '50.00'; null for any other use of '.' or ','."""
    return (
        f"case when regexp_full_match({x}, {lit(_DOT_THOUSANDS)}) "
        f"then replace(replace({x}, '.', ''), ',', '.') "
        f"when regexp_full_match({x}, {lit(_DECIMAL_COMMA)}) then replace({x}, ',', '.') end"
    )


def _parse_number(x: str, column: Column, decimal_comma: bool = False) -> str:
    spaced = (
        f"trim(case when contains({x}, '£') then "
        f"regexp_replace({x}, {lit(_LEADING_POUND)}, '\\1', 'g') else {x} end)"
    )
    joined = f"replace({spaced}, ' ', '')"
    groups = _SPACED_THOUSANDS_COMMA if decimal_comma else _SPACED_THOUSANDS
    bare = (
        f"(case when not contains({spaced}, ' ') then {spaced} "
        f"when regexp_full_match({spaced}, {lit(groups)}) "
        f"or regexp_full_match({joined}, {lit(_TEN_DIGITS)}) then {joined} end)"
    )
    if decimal_comma:
        cleaned = _decimal_comma_as_point(bare)
    else:
        cleaned = (
            f"case when not contains({bare}, ',') then {bare} "
            f"when regexp_full_match({bare}, {lit(_THOUSANDS)}) then replace({bare}, ',', '') end"
        )
    if column.kind in {"integer", "decimal"}:
        # DuckDB's cast reads scientific notation and digit separators: '1.5E+03' (Excel's way
        # of showing a figure it has rounded, in a column too narrow for it) loaded as £1,500,
        # '1e-3' as £0.00, and '10_20' (two figures run together) as 1,020 days, without a
        # word. Money, days and counts are written in plain figures: such a cell is no number.
        cleaned = f"(case when regexp_matches({x}, '[eE_]') then null else {cleaned} end)"
    if column.kind == "integer":
        # DuckDB's cast rounds "2.5" to 3: a whole number ("2", "2.0") or nothing (quarantined)
        exact = f"try_cast({cleaned} as decimal(38, 9))"
        return f"case when {exact} % 1 = 0 then try_cast({exact} as {column.type}) end"
    return f"try_cast({cleaned} as {column.type})"
