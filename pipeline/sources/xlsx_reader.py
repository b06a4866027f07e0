"""XLSX case-management reports: header on row N, merged title cells above, totals below.

openpyxl in read-only mode is used because it reports every row with its real sheet row number
(fastexcel/calamine starts at the first used cell, which loses the numbering when a report has
blank rows above its title). Reports of this kind are small; the cell-to-text conversion below is
the only per-cell Python and everything after it is set-based.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import polars as pl
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from pipeline.sources.errors import IngestError


def _text(value: object) -> str | None:
    """One cell as text: real dates as ISO dates (time dropped), whole floats without '.0'."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx_text(path: Path, *, sheet: str | None, header_row: int, shown: str) -> pl.DataFrame:
    """Read one sheet with every column as text and a ``__row`` column (sheet row numbers).

    Raises
    ------
    IngestError
        Not a workbook, sheet missing, or no header on ``header_row``.
    """
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise IngestError(f"{shown}: is not a readable XLSX workbook ({exc})") from exc
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise IngestError(
                f"{shown}: has no sheet '{sheet}' (sheets: {', '.join(workbook.sheetnames)})"
            )
        rows = list(worksheet.iter_rows(min_row=header_row, values_only=True))
    finally:
        workbook.close()
    if not rows or all(cell is None for cell in rows[0]):
        raise IngestError(f"{shown}: row {header_row} (the header row) is empty")
    header = [
        str(cell).strip() if cell is not None else f"column_{i + 1}"
        for i, cell in enumerate(rows[0])
    ]
    header = [
        name if header.index(name) == i else f"{name}_{i + 1}" for i, name in enumerate(header)
    ]
    width = len(header)
    body = rows[1:]
    columns = {
        name: [_text(row[i]) if i < len(row) else None for row in body]
        for i, name in enumerate(header)
    }
    frame = pl.DataFrame(columns, schema={name: pl.String for name in header})
    return frame.with_row_index("__row", offset=header_row + 1).select("__row", *header[:width])
