"""Cell-level rules of the extract: what a cell of a count or a published value may hold, the
published precision, and the checks of published values against their counts.

- :func:`checked_value`: a number, an RSH marker (or one the user named with ``--marker``), else
  the extract stops naming the cell; a date or a true/false value stops it too;
- :func:`parse_markers`: ``--marker 'N/A=[Z]'``;
- :func:`decimals`: the places a measure is published to;
- :func:`in_range` and :func:`check`: values no edition can hold, and published values that do not
  follow from their counts.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from decimal import Decimal

from openpyxl.utils import get_column_letter

from pipeline.rounding import round_half_up
from pipeline.rsh.workbook import MARKED_FIGURE, MARKERS, Sheet, WorkbookError, cell, clean

# A measure whose published values disagree with their own numerators and denominators this often
# has been read from the wrong columns: stop rather than extract it.
MAX_MISMATCH_SHARE = 0.05


def _cell_named(sheet: Sheet, number: int, index: int) -> str:
    """A cell as a message names it: sheet, cell reference and column heading."""
    return f"'{sheet.name}' cell {get_column_letter(index + 1)}{number} (column '{sheet.header[index]}')"


def checked_value(
    sheet: Sheet, number: int, row: tuple, index: int | None, markers: dict[str, str] | None = None
) -> object:
    """A field's cell (:func:`cell`); text that is neither a number nor an RSH marker stops,
    unless ``markers`` (``complaints rsh add --marker 'N/A=[Z]'``) says which marker it is."""
    value = value_at(row, index)
    if markers and isinstance(value, str) and value.upper() in markers:
        return markers[value.upper()]
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta, bool)):
        kind = "a true/false value" if isinstance(value, bool) else "a date"
        shown = value.isoformat() if hasattr(value, "isoformat") else str(value)
        shown = shown.removesuffix("T00:00:00")
        raise WorkbookError(
            f"{_cell_named(sheet, number, index)}: {kind} ({shown}), not a number: the cell has a date format; "
            "give the column a number format in a copy of the workbook (and check the figure "
            "against the RSH's), then add the copy"
        )
    if isinstance(value, str) and _EXCEL_ERROR.match(value):
        raise WorkbookError(
            f"{_cell_named(sheet, number, index)}: the Excel error {value} (a formula that could not be "
            "calculated; #DIV/0! is a zero denominator), not a figure; find in the edition's notes "
            "what such a cell means and add the workbook again with, for a value there is none "
            f"of, --marker '{value}=[U]' (or the RSH marker that means the same), or correct the "
            "cell in a copy of the workbook"
        )
    if isinstance(value, str) and MARKED_FIGURE.match(value):
        raise WorkbookError(
            f"{_cell_named(sheet, number, index)}: '{value}' is a figure with a sign after it, which may "
            "qualify it (an estimate, a low base); find in the edition's notes what the sign means: "
            "if it only refers to a note, remove the sign from the figures in a copy of the "
            "workbook; if the figure is not to be used, replace it with the RSH marker that says "
            f"why ({' '.join(MARKERS)}); then add the copy"
        )
    if isinstance(value, str) and _FIGURE_LIKE.match(value):
        raise WorkbookError(
            f"{_cell_named(sheet, number, index)}: '{value}' holds a figure but is not a number as a workbook "
            "stores one (a decimal comma, a bound such as '<1'): write the figure as a number "
            "(a decimal point, no sign) in a copy of the workbook, or, if the edition withholds "
            f"the figure, the RSH marker that says why ({' '.join(MARKERS)}); then add the copy"
        )
    if isinstance(value, str) and value and value not in MARKERS:
        shown, text = (f"'{value}'", value) if _marker_like(value) else ("text", "TEXT")
        raise WorkbookError(
            f"{_cell_named(sheet, number, index)}: {shown} is neither a number nor one of the RSH's markers "
            f"{' '.join(MARKERS)}; if the edition uses it as a marker, find in its notes what it "
            f"means and add the workbook again with --marker '{text}=[X]' "
            + ("" if text == value else "(TEXT as the cell has it) ")
            + "(or the marker that means the same), or replace it with that marker in a copy of "
            "the workbook"
        )
    return value


# An error value a formula leaves in its cell (openpyxl reads it as its text).
_EXCEL_ERROR = re.compile(
    r"^#(?:DIV/0!|N/A|VALUE!|REF!|NAME\?|NUM!|NULL!|SPILL!|CALC!|GETTING_DATA)$", re.IGNORECASE
)


# Short text with a digit and no letter ("199,9", "<1", "1.2.3"): a figure the extract cannot read
# as one, never a marker (a marker read for it would make the figure a blank).
_FIGURE_LIKE = re.compile(r"^[^A-Za-z]{0,14}\d[^A-Za-z]{0,14}$")


def _marker_like(text: str) -> bool:
    """Whether a cell's text is short and shaped like a marker (``x``, ``..``, ``N/A``, ``[c]``,
    ``[low]``), so a message may show it; longer text (a comment, a name) is never shown."""
    return len(text) <= 3 or (
        len(text) <= 8
        and " " not in text
        and (bool(re.fullmatch(r"\[\w+\]", text)) or not re.search(r"[A-Za-z]", text))
    )


def value_at(row: tuple, index: int | None) -> object:
    """The cell at ``index`` of ``row`` as the extract writes it (:func:`cell`); "" past the end."""
    return "" if index is None or index >= len(row) else cell(row[index])


def as_number(value: object) -> float | None:
    """An extracted cell as a float; None for a marker, an empty cell or text."""
    if isinstance(value, bool) or value in ("", None):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _places(number: float) -> int:
    """Decimal places of a number as stored (70.2 -> 1, 70.25 -> 2, 70.0 -> 0)."""
    if number.is_integer():
        return 0
    return max(0, -int(Decimal(repr(number)).as_tuple().exponent))


def decimals(values: list[object]) -> int:
    """Decimal places the edition publishes a measure to: the most any value carries (0 when every
    value is whole), not counting a stray value (fewer than 1% of them, with 100 values or more),
    at most 3 (a value stored unrounded is compared at 3 places)."""
    numbers = [n for n in map(as_number, values) if n is not None]
    counts = Counter(min(_places(n), 3) for n in numbers)
    enough = max(1, len(numbers) // 100)
    return max((places for places, count in counts.items() if count >= enough), default=1)


def in_range(
    name: str,
    rows: list[dict],
    field: str,
    low: float,
    high: float | None,
    whole: bool = False,
) -> None:
    """Stop on a value outside ``low`` .. ``high`` (a percentage over 100, a negative count) or,
    with ``whole``, not a whole number (a count of complaints or homes): a cell read on the wrong
    scale or from the wrong column, which the 5% tolerance of :func:`check` would let through
    for a few landlords."""
    for r in rows:
        number = as_number(r.get(field))
        if number is None:
            continue
        if whole and not number.is_integer():
            raise WorkbookError(
                f"{name}: landlord {r['landlord_code']} ({r['stock_type']}) reads {number:g}, not "
                "a whole number as a count of complaints or homes is; check that cell in the "
                "workbook (a figure in the wrong column) and correct it in a copy"
            )
        if number < low or (high is not None and number > high):
            bounds = f"{low:g}-{high:g}" if high is not None else f"at least {low:g}"
            raise WorkbookError(
                f"{name}: landlord {r['landlord_code']} ({r['stock_type']}) reads {number:g}, "
                f"outside {bounds}; check that cell in the workbook (a percentage written as text "
                "among fractions, or a figure in the wrong column) and correct it in a copy"
            )


def one_scale(name: str, rows: list[dict], field: str, expected: list[float | None]) -> None:
    """Stop on a published value on another scale than its column's (a fraction 0.802 among
    percentages, a percentage among fractions that were rescaled, a rate per home among rates per
    1,000): one that does not follow from its own numerator and denominator as printed but does
    times 100 or 1,000 (or divided by them). Within the 5% :func:`check` tolerates it would
    otherwise pass as, say, 0.8%; the column as a whole is put on one scale before (``rescaled``).
    """
    for r, wanted in zip(rows, expected, strict=True):
        number = as_number(r.get(field))
        if number is None or wanted is None or wanted < 1 or abs(number - wanted) <= 0.5:
            continue
        for factor in (100, 1000, 0.01, 0.001):
            if abs(number * factor - wanted) <= 0.5:
                raise WorkbookError(
                    f"{name}: landlord {r['landlord_code']} ({r['stock_type']}) has a published "
                    f"value on another scale than the rest of its column (times {factor:g} it "
                    "follows from its numerator and denominator; as printed it does not): a "
                    "fraction among percentages, or the reverse; give that cell the scale of the "
                    "others in a copy of the workbook, then add the copy"
                )


def check(name: str, expected: list[tuple[float | None, float | None]], places: int) -> dict:
    """Compare published values with the values recomputed from their counts, at their precision."""
    checked = [(p, e) for p, e in expected if p is not None and e is not None]
    mismatched = sum(1 for p, e in checked if round_half_up(e, places) != round_half_up(p, places))
    if len(checked) >= 10 and mismatched > MAX_MISMATCH_SHARE * len(checked):
        raise WorkbookError(
            f"{name}: {mismatched} of {len(checked)} published values do not follow from their "
            "numerators and denominators; the columns were not read as the edition lays them out"
        )
    return {"checked": len(checked), "mismatched": mismatched, "decimals": places}


_ACCEPTED = (
    f"give the edition's text and the RSH marker it means as TEXT=MARKER, MARKER one of "
    f"{' '.join(MARKERS)} ([X] left blank, [U] no value, [Z] not required, [E] excluded by the "
    "RSH, [S] suppressed), e.g. --marker 'N/A=[Z]'"
)


def _as_typed(argument: str) -> str:
    """A --marker argument quoted as a shell would take it back: always in single quotes, so it
    never starts with '=' or another character a spreadsheet or log viewer runs as a formula."""
    shown = "".join(c if c.isprintable() else "?" for c in argument)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return "'" + shown.replace("'", "'\"'\"'") + "'"


def _marker_problem(text: str, meaning: str, has_equals: bool) -> str | None:
    """What is wrong with one --marker, in words; None when it is right."""
    if not has_equals:
        return "it has no '='"
    if not text:
        return "there is no text before its '='"
    if text.upper() in MARKERS:
        return f"{text.upper()} is already an RSH marker: only an edition's own text needs one"
    if not meaning:
        return "there is no RSH marker after its '='"
    if meaning not in MARKERS:
        return "what follows its '=' is not one of the RSH's markers"
    return None


def parse_markers(given: dict[str, str] | list[str]) -> dict[str, str]:
    """What an edition's own markers mean: ``["N/A=[Z]", "..=[X]"]`` or ``{"N/A": "[Z]"}`` ->
    ``{"N/A": "[Z]"}`` (text in upper case); each meaning must be one of the RSH's markers.

    A wrong one is said with the argument as typed (a --marker 'foo' was said as '=FOO') and
    what is wrong with it."""
    if isinstance(given, dict):
        pairs = [(f"{text}={meaning}", text, meaning, True) for text, meaning in given.items()]
    else:
        pairs = [(g, *g.rpartition("=")[::2], "=" in g) for g in given]
    out = {}
    for argument, text, meaning, has_equals in pairs:
        text, meaning = clean(text), clean(meaning).upper()
        problem = _marker_problem(text, meaning, has_equals)
        if problem is not None:
            raise WorkbookError(f"--marker {_as_typed(argument)}: {problem}; {_ACCEPTED}")
        out[text.upper()] = meaning
    return out


__all__ = [
    "MAX_MISMATCH_SHARE",
    "check",
    "checked_value",
    "decimals",
    "in_range",
    "one_scale",
    "as_number",
    "parse_markers",
    "value_at",
]
