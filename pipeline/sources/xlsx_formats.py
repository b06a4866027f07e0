"""Numbers in an XLSX read as Excel shows them where their number format pads them with zeros.

A case system that keeps references as numbers formats the column ``000000``: the cell holds
1234 and Excel (and the analyst, and the case system's screens) shows ``001234``. Both readers
give the stored number, so the reference loaded as ``1234``: another complaint than the same
case's ``001234`` in a CSV survey or stage export, or in last year's export saved as text.

Only formats that are zeros (``000000``), optionally with quoted or escaped literal text around
them (``"CMP-"0000``, ``\\C0000``), are applied: they are how an id or reference is shown. Any
other format (dates, money, ``#,##0``) is left to the field's parse, as before.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

import polars as pl

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
# literal text (a quoted run or one escaped character), zeros, literal text
_LITERAL = r'(?:"[^"]*"|\\.)*'
_PADDED = re.compile(rf"^({_LITERAL})(0+)({_LITERAL})$")
_CHUNK = 1 << 22


def _literal(text: str) -> str:
    return re.sub(r'"([^"]*)"|\\(.)', lambda m: m.group(1) or m.group(2) or "", text)


def padded_format(code: str) -> tuple[str, int, str] | None:
    """``(prefix, width, suffix)`` when the format's positive section shows a whole number padded
    with zeros to ``width`` digits (``000000`` -> ``("", 6, "")``), else None. A bare ``0`` with
    no literal text shows the number as it is stored, so it is not one."""
    section = re.sub(r"^\[[^\]]*\]", "", code.split(";")[0].strip())
    found = _PADDED.match(section)
    if not found:
        return None
    prefix, zeros, suffix = _literal(found.group(1)), found.group(2), _literal(found.group(3))
    if len(zeros) < 2 and not (prefix or suffix):
        return None
    return prefix, len(zeros), suffix


def padded_styles(archive: zipfile.ZipFile) -> dict[str, tuple[str, int, str]]:
    """The workbook's cell styles (``s="3"`` on a cell) whose number format pads with zeros."""
    names = {name.lower(): name for name in archive.namelist()}
    part = names.get("xl/styles.xml")
    if part is None:
        return {}
    try:
        root = ElementTree.fromstring(archive.read(part))
    except ElementTree.ParseError:
        return {}
    formats = {
        item.get("numFmtId"): item.get("formatCode", "") for item in root.iter(f"{_MAIN}numFmt")
    }
    styles: dict[str, tuple[str, int, str]] = {}
    cell_xfs = root.find(f"{_MAIN}cellXfs")
    for index, xf in enumerate(cell_xfs if cell_xfs is not None else []):
        shown = padded_format(formats.get(xf.get("numFmtId"), ""))
        if shown is not None:
            styles[str(index)] = shown
    return styles


def padded_cells(data: bytes, part: str, styles: dict[str, tuple[str, int, str]]) -> pl.DataFrame:
    """Every number cell of the sheet ``part`` styled with one of ``styles``: its column number
    (A = 1), row, and the prefix, width and suffix its format shows. One regex scan of the
    sheet's XML a chunk at a time (the matches come back as one list per chunk, no loop per
    row); a cell typed as text, a boolean, an error or a date is not a number and not listed."""
    ids = "|".join(re.escape(s) for s in styles)
    cell = re.compile(
        rf'<(?:\w+:)?c\b(?=[^>]*?\bs="({ids})")(?![^>]*?\bt="(?!n")[^"]*")'
        r'(?=[^>]*?\br="([A-Z]{1,3})([0-9]+)")'
    )
    found: list[tuple[str, str, str]] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(part) as sheet:
        carry = ""
        while chunk := sheet.read(_CHUNK):
            text = carry + chunk.decode("utf-8", errors="replace")
            found.extend(cell.findall(text))  # a cell wholly in the carry is found twice: unique
            carry = text[-4096:]
    cells = pl.DataFrame(found, schema=["style", "letters", "row"], orient="row").unique()
    if cells.height == 0:
        return pl.DataFrame(
            schema={"column": pl.Int32, "row": pl.Int64, "prefix": pl.String, "width": pl.Int32}
            | {"suffix": pl.String}
        )
    letters = cells["letters"].unique().to_list()  # one per column, not per row
    numbers = {text: _column_number(text) for text in letters}
    return cells.select(
        pl.col("letters").replace_strict(numbers, return_dtype=pl.Int32).alias("column"),
        pl.col("row").cast(pl.Int64),
        pl.col("style").replace_strict({s: v[0] for s, v in styles.items()}).alias("prefix"),
        pl.col("style")
        .replace_strict({s: v[1] for s, v in styles.items()}, return_dtype=pl.Int32)
        .alias("width"),
        pl.col("style").replace_strict({s: v[2] for s, v in styles.items()}).alias("suffix"),
    )


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def show_padded(frame: pl.DataFrame, cells: pl.DataFrame, first_column: int) -> pl.DataFrame:
    """``frame`` (a sheet's rows, ``__row`` their sheet numbers, its first cell column
    ``first_column``, 0 = A) with each whole number in ``cells`` as its format shows it."""
    if cells.height == 0:
        return frame
    names = [c for c in frame.columns if c != "__row"]
    out = frame
    for column in cells["column"].unique().to_list():
        index = column - 1 - first_column
        if not 0 <= index < len(names):
            continue
        name = names[index]
        these = cells.filter(pl.col("column") == column).drop("column")
        joined = out.select("__row", name).join(
            these.rename({"row": "__row"}).with_columns(pl.col("__row").cast(out["__row"].dtype)),
            on="__row",
            how="left",
            maintain_order="left",
        )
        value = pl.col(name)
        shown = (
            pl.when(pl.col("width").is_not_null() & value.str.contains(r"^[0-9]+$"))
            .then(pl.concat_str("prefix", value.str.zfill(pl.col("width")), "suffix"))
            .otherwise(value)
        )
        out = out.with_columns(joined.select(shown.alias(name))[name])
    return out
