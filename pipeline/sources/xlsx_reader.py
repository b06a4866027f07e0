"""XLSX case-management reports: header on row N, merged title cells above, totals below.

The cells come from fastexcel (calamine, in Rust: a 10,000-row report in a tenth of a second, where
openpyxl takes seconds). Calamine's grid starts at the first used row and column, not at A1, so
the sheet's real row numbers (which quarantine messages cite) are recovered from openpyxl reading
only the rows down to the header: the first used row there is calamine's row 0, and the header
row must read the same through both, or the whole sheet is read with openpyxl instead.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import fastexcel
import polars as pl
from openpyxl import load_workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from openpyxl.utils.exceptions import InvalidFileException

from pipeline.sources.errors import IngestError, header_names
from pipeline.sources.screen import looks_personal, shown_names
from pipeline.sources.xlsx_formats import padded_cells, padded_styles, show_padded


def _padded_cells(data: bytes, sheet_name: str) -> pl.DataFrame | None:
    """The number cells of ``sheet_name`` whose format pads them with zeros (Excel shows
    ``001234`` for the stored 1234: :mod:`.xlsx_formats`), or None when no style does so (the
    sheet is then not scanned again)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            styles = padded_styles(archive)
            part = _sheet_part(archive, sheet_name) if styles else None
    except (KeyError, zipfile.BadZipFile, ValueError, SyntaxError):
        return None
    return padded_cells(data, part, styles) if part else None


# Calamine's text for a date-formatted cell; openpyxl gives a date, which the ingest reads as ISO.
_MIDNIGHT = r"^(\d{4}-\d{2}-\d{2}) 00:00:00$"
_DATETIME = r"^(\d{4}-\d{2}-\d{2}) \d{2}:\d{2}:\d{2}(?:\.\d+)?$"


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


# Calamine's names for Excel's error values, and the text Excel (and openpyxl) shows for them.
_EXCEL_ERRORS = {
    "Div0": "#DIV/0!",
    "NA": "#N/A",
    "Name": "#NAME?",
    "Null": "#NULL!",
    "Num": "#NUM!",
    "Ref": "#REF!",
    "Value": "#VALUE!",
    "GettingData": "#GETTING_DATA",
}


def _with_error_cells(grid: pl.DataFrame, errors: list) -> pl.DataFrame:
    """Put Excel's error text (``#N/A``) back where calamine gives null for an error value.

    A formula error is not a blank: as text it fails its field's parse and is quarantined with
    its value shown, as the openpyxl reader did.
    """
    if not errors:
        return grid
    cells: dict[int, tuple[list[int], list[str]]] = {}
    for error in errors:
        row, column = error.offset_position
        found = re.search(r"Error\((\w+)\)", error.detail)
        rows, texts = cells.setdefault(column, ([], []))
        rows.append(row)
        texts.append(_EXCEL_ERRORS.get(found.group(1), "#ERROR") if found else "#ERROR")
    return grid.with_columns(
        grid[grid.columns[column]].clone().scatter(rows, texts)
        for column, (rows, texts) in cells.items()
    )


def _header_names(
    cells: list[str | None], first_column: int, shown: str = "", wanted: Sequence[str] = ()
) -> list[str]:
    """Column names from the header cells: blank -> ``column_<n>`` (``n`` the sheet's column
    number, A = 1, whichever reader gave the cells); a repeated name numbered as
    :func:`~pipeline.sources.errors.header_names` does (a mapped bare repeated name refused)."""
    named = [
        cell if cell is not None else f"column_{first_column + i + 1}"
        for i, cell in enumerate(cells)
    ]
    return header_names(shown, named, wanted, first_column)


def _leading_blanks(cells: list) -> int:
    return next((i for i, cell in enumerate(cells) if cell is not None), len(cells))


# A cell holding a formula and no saved result (``<c r="B10"><f>..</f><v/></c>``): a workbook
# written by a program and never opened in Excel. Both readers read such a cell as blank, so a
# row of them was "blank", not a data row, and left the file's count without a word. A formula
# whose result is the empty string is saved as text (``t="str"``) with an empty value: not one.
# Whitespace may stand between the tags: a program that writes its XML indented, one tag a line,
# hid such a cell from the check, and its row left the count without a word (third hostile audit).
_FORMULA_NO_VALUE = re.compile(
    rb"<(?:\w+:)?c\b([^>]*)>\s*"
    rb"<(?:\w+:)?f\b(?:[^>]*/>|[^>]*>[^<]*</(?:\w+:)?f>)\s*"
    rb"(?:<(?:\w+:)?v\s*/>\s*|<(?:\w+:)?v>\s*</(?:\w+:)?v>\s*)?</(?:\w+:)?c>"
)
_CELL_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_TEXT_RESULT = re.compile(rb'\bt="str"')
_SCAN_CHUNK = 1 << 22


_STRICT_NAMESPACE = b"http://purl.oclc.org/ooxml/spreadsheetml/main"


def _strict_open_xml(data: bytes) -> bool:
    """Whether the workbook is in ISO 29500 Strict form (Excel's 'Strict Open XML Spreadsheet'),
    whose other namespaces neither reader knows: openpyxl found no sheet in it, and the run
    stopped with "has no sheet 'Complaints' (sheets: )" (third hostile audit)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = [n for n in archive.namelist() if n.lower() == "xl/workbook.xml"]
            return bool(names) and _STRICT_NAMESPACE in archive.read(names[0])[:4096]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False  # the readers name a damaged workbook


def _sheet_part(archive: zipfile.ZipFile, sheet_name: str) -> str | None:
    """The zip member holding ``sheet_name``'s cells (workbook.xml, then its relationships)."""
    from xml.etree import ElementTree

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    ids = [s.get(rel) for s in book.iter(f"{main}sheet") if s.get("name") == sheet_name]
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for item in rels:
        if ids and item.get("Id") == ids[0]:
            # A target is relative to the workbook's folder ('worksheets/sheet1.xml', and as
            # validly './worksheets/...' or '../xl/worksheets/...') or from the package root
            # ('/xl/...'): unnormalised, such a sheet was not found, and its merged cells, unsaved
            # formulas and repeated rows went unchecked without a word (third hostile audit).
            target = item.get("Target", "").replace("\\", "/")
            path = target if target.startswith("/") else posixpath.join("xl", target)
            path = posixpath.normpath(path).lstrip("/")
            names = {name.lower(): name for name in archive.namelist()}
            return names.get(path.lower(), path)
    return None


def formula_without_value(data: bytes, sheet_name: str) -> str | None:
    """The first cell (``B10``) of ``sheet_name`` that holds a formula and no saved value, or
    None; read as a stream of the sheet's XML, so a large sheet is never held whole."""
    return scan_sheet(data, sheet_name).unsaved


# A merged range (``<mergeCell ref="C10:C12"/>``, after the sheet's cells): Excel shows its value,
# held by the top-left cell alone, across every cell it covers.
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)([0-9]+):([A-Z]+)([0-9]+)"')
# A cell's value: a number, a shared or formula string (<v>) or an inline string (<is>)
_VALUE_TAGS = (b"<v>", b"<is>")
# ... and written with a namespace prefix (``<x:v>``, as the Open XML SDK writes them): uncounted,
# a stray cell far below the data passed the sparse-sheet check (third hostile audit)
_PREFIXED_VALUE = re.compile(rb"<\w+:(?:v|is)>")
# A cell holding a value in column AAA (703) or further right: no report is that wide, and both
# readers build every empty column up to it.
_FAR_RIGHT = re.compile(
    rb'<(?:\w+:)?c r="([A-Z]{3})([0-9]+)"[^>]*?(?<!/)>\s*<(?:\w+:)?(?:v|is|f)\b'
)
# A row's number in the sheet's XML (optional there; Excel writes it, in increasing order).
_ROW_REF = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="([0-9]+)"')

MergedRange = tuple[int, int, int, int]  # first column, first row, last column, last row (from 1)


@dataclass(frozen=True)
class SheetScan:
    """What one stream over a sheet's XML found (:func:`scan_sheet`)."""

    unsaved: str | None = None  # the first cell with a formula and no saved value
    merged: tuple[MergedRange, ...] = ()  # merged ranges, sorted
    values: int = 0  # cells holding a value
    last_value_cell: str | None = None  # the last of them in the sheet ('AV1048576')
    repeated_row: int | None = None  # a row number given again, or after a later one
    far_right: str | None = None  # the first cell holding a value in column AAA or beyond
    found: bool = True  # False when the sheet's XML was not found (nothing above was checked)

    @property
    def last_value_row(self) -> int:
        return int(self.last_value_cell.lstrip(_LETTERS)) if self.last_value_cell else 0


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def scan_sheet(data: bytes, sheet_name: str) -> SheetScan:
    """One stream over ``sheet_name``'s XML: the first cell holding a formula with no saved value
    (``B10``: :func:`formula_without_value`), the sheet's merged ranges, and how many cells hold
    a value and which is the last (:func:`refuse_sparse_sheet`)."""
    unsaved: str | None = None
    merged: set[MergedRange] = set()
    values = 0
    last: str | None = None
    row, repeated, far_right = 0, None, None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            part = _sheet_part(archive, sheet_name)
            if part is None or part not in archive.namelist():
                return SheetScan(found=False)
            carry = b""
            with archive.open(part) as sheet:
                while chunk := sheet.read(_SCAN_CHUNK):
                    text = carry + chunk
                    if unsaved is None and (b"<f" in text or b":f" in text):
                        for found in _FORMULA_NO_VALUE.finditer(text):
                            ref = _CELL_REF.search(found.group(1))
                            if ref and not _TEXT_RESULT.search(found.group(1)):
                                unsaved = ref.group(1).decode("ascii")
                                break
                    if b"mergeCell" in text:
                        merged.update(
                            (_column_number(c1), int(r1), _column_number(c2), int(r2))
                            for c1, r1, c2, r2 in _MERGE_REF.findall(text)
                        )
                    if far_right is None and b'r="' in text:
                        wide = _FAR_RIGHT.search(text)
                        if wide:
                            far_right = (wide.group(1) + wide.group(2)).decode("ascii")
                    if repeated is None:
                        # rows wholly inside the carry were read with the chunk before
                        for found in _ROW_REF.finditer(text):
                            if found.end() <= len(carry):
                                continue
                            number = int(found.group(1))
                            if number <= row:
                                repeated = number
                                break
                            row = number
                    # the carry was counted with the chunk before
                    values += sum(text.count(tag) - carry.count(tag) for tag in _VALUE_TAGS)
                    at = max(text.rfind(tag) for tag in _VALUE_TAGS)
                    if b":v>" in text or b":is>" in text:
                        found = [m.start() for m in _PREFIXED_VALUE.finditer(text)]
                        values += sum(1 for start in found if start >= len(carry))
                        at = max(at, found[-1] if found else -1)
                    if at >= len(carry) - 8:
                        start = max(text.rfind(b"<c ", 0, at), text.rfind(b":c ", 0, at), 0)
                        cell = _CELL_REF.search(text, start, at)
                        last = cell.group(1).decode("ascii") if cell else last
                    carry = text[-65536:]
    except (KeyError, zipfile.BadZipFile, ValueError, SyntaxError):
        return SheetScan()  # the readers report a damaged workbook
    return SheetScan(unsaved, tuple(sorted(merged)), values, last, repeated, far_right)


# A sheet whose last value lies beyond this row, with fewer cells holding a value than a tenth of
# its rows, is mostly empty rows (one stray cell far below the data): both readers would build
# the grid down to that cell (a space at AV1048576 in a 9 KB workbook: 3.5 GB and 9 s).
SPARSE_MIN_ROWS = 100_000
SPARSE_FACTOR = 10


def refuse_sparse_sheet(scan: SheetScan, shown: str, sheet: str) -> None:
    """Stop, naming the cell, a sheet whose used range runs far below its data."""
    last = scan.last_value_row
    if last <= SPARSE_MIN_ROWS or scan.values * SPARSE_FACTOR >= last:
        return
    raise IngestError(
        f"{shown}: cell {scan.last_value_cell} of {sheet} holds a value (perhaps a space) far "
        f"below the data: the sheet runs to row {last:,} but only {scan.values:,} cells in it "
        "hold anything, and reading it would build all those empty rows; delete the rows below "
        "the data in Excel, save the workbook and run again"
    )


def fill_merged(
    frame: pl.DataFrame, merged: Sequence[MergedRange], header_row: int, first_column: int
) -> pl.DataFrame:
    """``frame`` (a sheet's rows below ``header_row``, its first cell column ``first_column``,
    0 = A) with each merged range below the header given its top-left cell's value in every
    cell, as the sheet shows it. Both readers gave the value to the top-left cell alone: a
    category merged over three complaints' rows left two of them with none (their service area
    the default, 'housing'), a response date merged over two rows left one unanswered."""
    below = [m for m in merged if m[1] > header_row]
    if not below or frame.height == 0:
        return frame
    names = [c for c in frame.columns if c != "__row"]
    first_row = header_row + 1
    cells: dict[str, list[str | None]] = {}

    def column(index: int) -> list[str | None] | None:
        if not 0 <= index < len(names):
            return None
        name = names[index]
        if name not in cells:
            cells[name] = frame[name].to_list()
        return cells[name]

    for first_col, top, last_col, bottom in below:
        source = column(first_col - 1 - first_column)
        at = top - first_row
        if source is None or at >= frame.height or source[at] is None:
            continue
        value = source[at]
        for index in range(first_col - 1 - first_column, last_col - first_column):
            target = column(index)
            if target is not None:
                for row in range(at, min(bottom - first_row + 1, frame.height)):
                    target[row] = value
    return frame.with_columns(
        pl.Series(name, values, dtype=pl.String) for name, values in cells.items()
    )


def _pick_sheet(workbook, sheet: str | int | None, shown: str):
    """The worksheet the mapping's ``sheet`` names (default: the first visible sheet of cells),
    or an IngestError saying why there is none."""
    # The sheets Excel shows as tabs, in order: a hidden or very hidden sheet (an old
    # version of the report, a lookup table) is no tab, and reading it by default loaded
    # data the landlord never sees in Excel (found by the second hostile audit).
    tabs = [ws for ws in workbook._sheets if ws.sheet_state == "visible"]
    if sheet is None:
        tables = [ws for ws in tabs if hasattr(ws, "iter_rows")]
        if not tables:
            raise IngestError(
                f"{shown}: has no visible sheet of cells (every sheet is hidden or a "
                "chart); name the sheet to read with the mapping's 'sheet'"
            )
        return tables[0]
    elif isinstance(sheet, int):
        # a position: the sheet whose name changes from month to month ('Run 30-04-2026');
        # hidden sheets counted (docs/mapping.md)
        if sheet > len(workbook.sheetnames):
            raise IngestError(
                f"{shown}: has no sheet {sheet} (the mapping's 'sheet' is a position; the "
                f"workbook has {len(workbook.sheetnames)} sheet(s): "
                f"{shown_names(workbook.sheetnames, quote=False)})"
            )
        worksheet = workbook[workbook.sheetnames[sheet - 1]]
        if not hasattr(worksheet, "iter_rows"):
            raise IngestError(
                f"{shown}: sheet {sheet} (a position) is a chart, not a sheet of cells; "
                "set the mapping's 'sheet' to the position or name of the sheet to read"
            )
    elif sheet in workbook.sheetnames:
        worksheet = workbook[sheet]
        if not hasattr(worksheet, "iter_rows"):
            raise IngestError(
                f"{shown}: sheet {_mapped_sheet(sheet)} is a chart, not a sheet of cells; set "
                "the mapping's 'sheet' to the sheet that holds the report's rows"
            )
    else:
        raise IngestError(
            f"{shown}: has no sheet {_mapped_sheet(sheet)} (sheets: "
            f"{shown_names(workbook.sheetnames, quote=False)})"
        )
    return worksheet


def names_row_below(
    data: bytes, sheet: str | int | None, header_row: int, wanted: Sequence[str], shown: str
) -> int | None:
    """The row below ``header_row`` of the mapping's sheet that holds the mapped column names
    (:func:`pipeline.sources.frames.row_of_names`), or None: the header, when the mapping's
    ``header_row`` did not count a title and the blank rows under it. Read again from the
    workbook, only when the header row is wrong: the sheet's frame keeps the columns the header
    row names, so a title in its first cell left every other column out and the names row was
    never found (docs/mapping.md, 'header_row')."""
    from pipeline.sources.frames import NAMES_ROW_SEARCH, row_of_names

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        worksheet = _pick_sheet(workbook, sheet, shown)
        _ignore_dimension(worksheet)
        rows = worksheet.iter_rows(
            min_row=header_row + 1, max_row=header_row + NAMES_ROW_SEARCH, values_only=True
        )
        found = [
            (number, [_text(cell) for cell in cells])
            for number, cells in enumerate(rows, header_row + 1)
        ]
    finally:
        workbook.close()
    return row_of_names(found, list(wanted))


def read_xlsx_text(
    source: Path | bytes,
    *,
    sheet: str | int | None,
    header_row: int,
    shown: str,
    wanted: Sequence[str] = (),
    serial_columns: Sequence[str] = (),
) -> pl.DataFrame:
    """Read one sheet with every column as text and a ``__row`` column (sheet row numbers).

    ``serial_columns``: the mapped date columns whose plain numbers the ingest reads as Excel
    serial dates (the mapping's ``excel_serial_dates``); a workbook in Excel's 1904 date system
    holding such a number is refused (:func:`refuse_1904_serials`).

    ``source`` is the workbook's bytes (those the ingest hashed) or its path, read once: both
    readers see the same bytes, even if the file is saved again while they run.

    Raises
    ------
    IngestError
        Not a workbook, sheet missing, no header on ``header_row``, or a ``wanted`` (mapped)
        column named twice in the header.
    """
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    if _strict_open_xml(data):
        raise IngestError(
            f"{shown}: is saved as a 'Strict Open XML Spreadsheet', which cannot be read; open "
            "it in Excel and save it as 'Excel Workbook (.xlsx)'"
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError):
        raise IngestError(
            f"{shown}: is not a readable XLSX workbook (not a zip archive, or one that is "
            "damaged); open it in Excel and save it again, or export it afresh"
        ) from None
    try:
        worksheet = _pick_sheet(workbook, sheet, shown)
        _ignore_dimension(worksheet)
        top = [
            [_text(cell) for cell in row]
            for row in worksheet.iter_rows(max_row=header_row, values_only=True)
        ]
        sheet_name, sheet_names = worksheet.title, workbook.sheetnames
        date1904 = workbook.epoch == CALENDAR_MAC_1904
    finally:
        workbook.close()
    if len(top) < header_row or all(cell is None for cell in top[header_row - 1]):
        others = [name for name in sheet_names if name != sheet_name]
        named = "the first sheet" if looks_personal([sheet_name]) else f"sheet '{sheet_name}'"
        names_row = names_row_below(data, sheet, header_row, wanted, shown) if wanted else None
        raise IngestError(
            f"{shown}: row {header_row} (the header row) of {named} is empty"
            + (
                f": the mapped column names are on row {names_row}: set header_row: "
                f"{names_row} in the mapping"
                if names_row is not None
                else f"; the workbook's other sheets are {shown_names(others)}: "
                "name the one to read with the mapping's 'sheet'"
                if others and sheet is None
                else ": check the mapping's header_row"
            )
        )
    _header_names(top[header_row - 1], 0, shown, wanted)  # a mapped repeated name stops here
    scan = scan_sheet(data, sheet_name)
    if not scan.found:
        # The readers found the sheet but the checks below could not: read unchecked, merged
        # cells would load into one row only and a row of unsaved formulas leave the count.
        raise IngestError(
            f"{shown}: the cells of the sheet read could not be found where the workbook says "
            "they are (the program that wrote it made it unusually), so its rows cannot be "
            "checked; open the workbook in Excel, save it, and run again"
        )
    unsaved, merged = scan.unsaved, scan.merged
    if unsaved is not None:
        raise IngestError(
            f"{shown}: cell {unsaved} (row {unsaved.lstrip('ABCDEFGHIJKLMNOPQRSTUVWXYZ')}) of "
            f"{'the sheet read' if looks_personal([sheet_name]) else repr(sheet_name)} holds a "
            "formula with no saved value (the workbook was written by a program and never "
            "saved in Excel), so its rows cannot all be read or counted: open the workbook in "
            "Excel, save it, and run again"
        )
    named = "the sheet read" if looks_personal([sheet_name]) else repr(sheet_name)
    if scan.repeated_row is not None:
        # Two rows given one number: calamine kept the second, openpyxl the first, and the
        # other complaint was lost with nothing to count it (second hostile audit).
        raise IngestError(
            f"{shown}: {named} is stored with row {scan.repeated_row} given twice or out of "
            "order (the program that wrote the workbook made it wrongly), so a row would be "
            "lost in reading; open the workbook in Excel, let it repair the file, save it, and "
            "run again"
        )
    if scan.far_right is not None:
        # One value far to the right (a space at XFD2, a 209 KB workbook of 20,000 rows): both
        # readers build every empty column up to it, 17 GB and 45 s, or the process aborted
        # under a memory limit (second hostile audit); a wrong <dimension> hid it from the limits.
        column = _column_number(scan.far_right.rstrip("0123456789").encode())
        raise IngestError(
            f"{shown}: cell {scan.far_right} of {named} holds a value (perhaps a space) in "
            f"column {column:,}, far to the right of any report's columns, and reading it would "
            "build every empty column up to it; delete the columns right of the data in Excel, "
            "save the workbook and run again"
        )
    refuse_sparse_sheet(scan, shown, named)

    padded = _padded_cells(data, sheet_name)

    def done(frame: pl.DataFrame, first_column: int = 0) -> pl.DataFrame:
        if padded is not None:
            frame = show_padded(frame, padded, first_column)
        frame = fill_merged(frame, merged, header_row, first_column)
        if date1904:
            refuse_1904_serials(frame, serial_columns, shown)
        return frame

    first_used_row = next(i for i, row in enumerate(top, 1) if any(c is not None for c in row))
    try:
        sheet = fastexcel.read_excel(data).load_sheet(sheet_name, header_row=None, dtypes="string")
        batch, errors = sheet.to_arrow_with_errors()
        grid = _with_error_cells(pl.from_arrow(batch), errors.errors if errors else [])
    except Exception:  # noqa: BLE001 - anything calamine cannot read, openpyxl reads slowly
        return done(_read_with_openpyxl(data, sheet_name, header_row, shown, wanted))
    header_index = header_row - first_used_row
    expected = top[header_row - 1]
    if grid.height <= header_index:
        return done(_read_with_openpyxl(data, sheet_name, header_row, shown, wanted))
    cells = [None if c is None else str(c) for c in grid.row(header_index)]
    first_column = _leading_blanks(expected) - _leading_blanks(cells)
    if first_column < 0 or cells != expected[first_column : first_column + len(cells)]:
        return done(_read_with_openpyxl(data, sheet_name, header_row, shown, wanted))
    header = _header_names(cells, first_column, shown, wanted)
    body = grid.slice(header_index + 1).rename(dict(zip(grid.columns, header, strict=True)))
    frame = body.with_row_index("__row", offset=header_row + 1).select(
        "__row",
        *(
            pl.col(name)
            .str.replace(_MIDNIGHT, "$1")
            .str.replace(_DATETIME, "$1")
            .replace({"true": "TRUE", "false": "FALSE"})
            for name in header
        ),
    )
    return done(frame, first_column)


# A plain number in a date column, read as an Excel serial date (fields.EXCEL_SERIAL_MIN on).
_SERIAL = r"^\s*\d{5,7}(\.\d+)?\s*$"


def refuse_1904_serials(frame: pl.DataFrame, columns: Sequence[str], shown: str) -> None:
    """Stop a workbook in Excel's 1904 date system (old Mac Excel) whose mapped date column holds
    a plain number: the ingest reads serials in the 1900 system, so 45000 (16 March 2027 in a
    1904 workbook) loaded as 15 March 2023, four years and a day out, without a word (second
    hostile audit). Cells formatted as dates are read right whichever the system."""
    for column in columns:
        if column not in frame.columns:
            continue
        hits = frame.filter(pl.col(column).str.contains(_SERIAL)).select("__row").head(1)
        if hits.height:
            raise IngestError(
                f"{shown}: uses Excel's 1904 date system (File > Options > Advanced: 'Use 1904 "
                f"date system') and column '{column}' holds dates as plain numbers (row "
                f"{hits.item()} is the first), which would be read four years out: format the "
                "column as dates, or clear the 1904 setting and save again"
            )


def _mapped_sheet(sheet: str) -> str:
    """The mapping's sheet name for a message, quoted unless it reads as a person's name or
    contact details (typed into the mapping by mistake): the message reaches the console and
    the Dagster instance's event log, kept for good."""
    if looks_personal([sheet]):
        return "named by the mapping's 'sheet' (not shown: it looks like personal details)"
    return f"'{sheet}'"


def _ignore_dimension(worksheet) -> None:
    """Make openpyxl read every row and column the sheet's XML holds, not its ``<dimension>``.

    In read-only mode openpyxl stops at the used range the workbook declares; Excel ignores it,
    and programs that write workbooks often declare ``A1`` whatever the size (or a stale range).
    Trusted, such a workbook was refused as damaged, its header read as missing columns, or, on
    the openpyxl path, its rows below the declared range dropped without a word (third hostile
    audit).
    """
    if hasattr(worksheet, "reset_dimensions"):
        worksheet.reset_dimensions()


def _read_with_openpyxl(
    source: Path | bytes,
    sheet_name: str,
    header_row: int,
    shown: str = "",
    wanted: Sequence[str] = (),
) -> pl.DataFrame:
    """The whole sheet through openpyxl (slow, but every row keeps its sheet row number)."""
    workbook = load_workbook(
        io.BytesIO(source) if isinstance(source, bytes) else source, read_only=True, data_only=True
    )
    try:
        worksheet = workbook[sheet_name]
        _ignore_dimension(worksheet)
        rows = list(worksheet.iter_rows(min_row=header_row, values_only=True))
    finally:
        workbook.close()
    header = _header_names([_text(cell) for cell in rows[0]], 0, shown, wanted)
    body = rows[1:]
    columns = {
        name: [_text(row[i]) if i < len(row) else None for row in body]
        for i, name in enumerate(header)
    }
    frame = pl.DataFrame(columns, schema={name: pl.String for name in header})
    return frame.with_row_index("__row", offset=header_row + 1)
