"""Reading any edition of the RSH TSM full-data workbook: sheets, header rows and the Data Dictionary.

Every edition differs a little from the last (the 2023/24 and 2024/25 ones are known; the next will
differ again): the sheet names carry the year (``TSM24_...``, ``TSM25_...``), the header rows move,
headings are reworded, fields are added, and in one edition the Data Dictionary's datapoint and
question-reference cells are swapped for the management fields. So nothing here is found by
position or by an exact sheet name:

- the **Data Dictionary** is the sheet with a column of datapoints (``DP_TSML178``); its header is the
  first wide row; its columns are named by their headings where they say what they hold, and the
  datapoint / question-reference pair by the *patterns of their values*, row by row, so a swapped
  row is put back;
- a **data sheet**'s header row is the first wide row with a landlord code and a landlord name
  heading (which sheet holds which table: :mod:`pipeline.rsh.tables`);
- the "... Not Included" sheets are recognised by their titles and their short header.
"""

from __future__ import annotations

import functools
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

# The RSH's cell markers: [X] left blank, [U] no value (zero denominator, or blank inputs in one
# edition), [Z] not required, [E] excluded by the RSH, [S] suppressed (under 50 surveys by a method).
MARKERS = ("[X]", "[U]", "[Z]", "[E]", "[S]")
DATAPOINT = re.compile(r"^DP_TSM[A-Z]*\d+")
QUESTION_REF = re.compile(r"^Q\d+[A-Za-z]?(?:L\d+C\d+)?$")


class WorkbookError(ValueError):
    """The workbook cannot be read as an RSH TSM full-data workbook; the message says where."""


def clean(text: object) -> str:
    """Cell text without non-breaking or zero-width spaces and with single spaces."""
    value = str(text if text is not None else "").replace("\xa0", " ").replace("\u200b", "")
    return re.sub(r"\s+", " ", value).strip()


_FOOTNOTE = re.compile(r"(?<=[A-Za-z)?%])\s*\d{1,2}(?:\s*,\s*\d{1,2})*\s*$")


def heading_key(text: object) -> str:
    """A heading normalised for matching: case, quotes, dashes and trailing footnote numbers or
    marks ignored.

    ``"... (CH02 1 Denominator)5 "``, ``"... (CH02 1 Denominator)¹"`` and ``"... (CH02 1
    Denominator)"`` give the same key (``"Landlord code¹"`` was no landlord code heading).
    """
    value = clean(text).replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", "-")
    value = _FOOTNOTE.sub("", _CODE_MARK.sub("", value))
    return re.sub(r"\s+", " ", value).strip().lower()


# A number stored as text: "1,234", "1 234", " 7 ", "12.5%", "12.5 %" (a percentage as printed:
# 12.5), with or without a footnote ("12.3 [note 4]").
_NUMBER_TEXT = re.compile(
    r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+|\d+)(?:\.\d+)?(?: ?%)?$|^[-+]?\.\d+(?: ?%)?$"
)
# A footnote reference after a figure: "[note 4]", "(note 4)", "¹". Read as the figure it marks. A
# sign such as "*" or "†" may qualify the figure instead (an estimate, a low base): left as text,
# the extract stops on it.
_NOTE = re.compile(r"(?:\s*[\[(](?:foot)?note \d+[\])]|[⁰¹²³⁴⁵⁶⁷⁸⁹]+)+$", re.IGNORECASE)
# Any mark after a landlord code, signs too: a landlord is the same whatever its note says.
_CODE_MARK = re.compile(r"(?:\s*[\[(](?:foot)?note \d+[\])]|\s*[*†‡§]+|[⁰¹²³⁴⁵⁶⁷⁸⁹]+)+$", re.I)
# A figure with a sign after it ("199.9*"): shown so in messages, never offered as a marker.
MARKED_FIGURE = re.compile(r"^[-+]?[\d.,% ]*\d[\d.,% ]*\s*[*†‡§]+$")


def without_code_mark(text: str) -> str:
    """A landlord code without a footnote mark or sign after it: ``"L4240*"``, ``"L4240¹"`` and
    ``"L4240 [note 3]"`` -> ``"L4240"``."""
    return _CODE_MARK.sub("", text)


def cell(value: object) -> object:
    """A cell as the extract writes it: numbers stay numbers (whole floats as int), None -> ''.

    A number stored as text is read as the number it shows (``"1,234"`` and ``"1 234"`` -> 1234,
    ``" 7 "`` -> 7, ``"12.5%"`` and ``"12.5 %"`` -> 12.5, the product's percentage scale), a
    footnote reference after it left out (``"12.3 [note 4]"``, ``"12.3¹"`` -> 12.3); a marker in
    another case, or with a footnote reference, is the RSH's (``"[x]"``, ``"[X]¹"`` -> ``"[X]"``). Any other text is kept as written (the extract then stops on it
    where a number or a marker belongs).
    """
    if value is None:
        return ""
    if isinstance(value, str):
        text = clean(value)
        figure = _NOTE.sub("", text)
        if _NUMBER_TEXT.match(figure):
            return cell(float(figure.rstrip("%").replace(",", "").replace(" ", "")))
        return figure.upper() if figure.upper() in MARKERS else text
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass
class Sheet:
    """One worksheet's cell values (rows of tuples) and where its header row is."""

    name: str
    rows: list[tuple]
    header_index: int | None = None
    hidden: bool = False  # hidden or "very hidden" in the workbook
    code_row: bool = False  # a row of field codes under the header (:func:`field_code_row`)
    # one row per landlord and stock type: the column saying which (:func:`stock_column`)
    stock_col: int | None = None
    # several reporting years' rows: the column saying which, and the year read
    # (:func:`pipeline.rsh.tables.year_column`)
    year_col: int | None = None
    year: str | None = None

    @property
    def header(self) -> list[str]:
        return (
            [clean(c) for c in self.rows[self.header_index]]
            if self.header_index is not None
            else []
        )

    @property
    def codes(self) -> list[str]:
        """The field codes under the header, column by column ([] without such a row)."""
        return [clean(c) for c in self.rows[self.header_index + 1]] if self.code_row else []

    @property
    def first_data_row(self) -> int:
        """Spreadsheet row number (1-based) of the first row below the header (and its codes)."""
        return self.header_index + 2 + self.code_row

    @property
    def data(self) -> list[tuple]:
        return [] if self.header_index is None else self.rows[self.first_data_row - 1 :]

    def text(self, first_rows: int = 15) -> str:
        """The sheet name and the text of its first rows (titles and notes), lower case."""
        cells = [clean(c) for row in self.rows[:first_rows] for c in row if isinstance(c, str)]
        return " ".join([self.name, *cells]).lower()


def _what_it_is(path: Path, error: Exception) -> str:
    """What a file that openpyxl cannot open looks like, from its first bytes."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(2048)
    except OSError as unopened:  # in words, not "[Errno 2] No such file ...: '<the path again>'"
        return (unopened.strerror or str(error)).lower()
    if not head:
        return "an empty file"
    if head.startswith(bytes.fromhex("D0CF11E0A1B11AE1")):
        return (
            "an Excel 97-2003 (.xls) file named .xlsx: open it in Excel or LibreOffice and save "
            "it as an .xlsx workbook, then add that"
        )
    if not head.startswith(b"PK") and b"\x00" not in head:
        return "a text file (CSV?) named .xlsx, not a workbook: add the RSH's .xlsx workbook"
    return str(error)


# An edition unpacks to about 4 MB (2024/25); one fifty times that is not an edition (and reading it
# whole would take minutes and gigabytes).
MAX_UNPACKED_MB = 200


def load_sheets(path: Path) -> list[Sheet]:
    """Every worksheet of the workbook, values only (formulas as last calculated).

    Raises
    ------
    WorkbookError
        When the file is not a readable .xlsx, or holds formulas saved without a calculated value
        (a program that writes formulas without calculating them made it: openpyxl reads such a
        cell as empty, which the extract would take for a blank input).
    """
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist()) / 1e6
    except (OSError, zipfile.BadZipFile):
        unpacked = 0.0  # not a zip: openpyxl says so below
    if unpacked > MAX_UNPACKED_MB:
        raise WorkbookError(
            f"{Path(path).name}: unpacks to {unpacked:.1f} MB, more than the {MAX_UNPACKED_MB} MB "
            "an RSH TSM workbook could need (the 2024/25 one: about 4 MB); check that this is "
            "the RSH's workbook"
        )
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        raise WorkbookError(
            f"{path}: not a readable .xlsx workbook ({_what_it_is(path, error)})"
        ) from error
    from xml.etree.ElementTree import ParseError

    try:
        sheets = [
            Sheet(
                ws.title,
                [tuple(r) for r in ws.iter_rows(values_only=True)],
                hidden=ws.sheet_state != "visible",
            )
            for ws in workbook.worksheets
        ]
    except (ParseError, zipfile.BadZipFile, OSError, EOFError, zlib.error) as error:
        # a sheet's XML cut off (a download that stopped): the parser's traceback said nothing
        # a user could act on
        raise WorkbookError(
            f"{path}: not a readable .xlsx workbook (a sheet's contents are cut off or damaged: "
            f"{error}); download the workbook again"
        ) from error
    finally:
        workbook.close()

    try:
        uncalculated = uncalculated_formulas(path)
    except (ParseError, zipfile.BadZipFile, OSError) as error:
        raise WorkbookError(f"{path}: not a readable .xlsx workbook ({error})") from error
    if uncalculated:
        sheet, ref = uncalculated[0]
        raise WorkbookError(
            f"{Path(path).name}: {len(uncalculated)} formula cell(s) have no calculated value saved "
            f"(first: '{sheet}' cell {ref}), so their figures cannot be read; the program that "
            "wrote the workbook did not calculate it: open the workbook in Excel or LibreOffice, "
            "save it, and add the saved copy"
        )
    return sheets


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def uncalculated_formulas(path: Path) -> list[tuple[str, str]]:
    """``(sheet, cell)`` of every formula cell saved without a calculated value.

    That is a formula with no ``<v>``, or an empty one not typed as text (openpyxl writes
    ``<v />``; a formula giving an empty text is ``t="str"``), or any formula of a workbook that
    asks to be calculated when opened (``fullCalcOnLoad``: xlsxwriter saves 0 as every formula's
    value). Worksheets without a formula are not parsed (the RSH's workbooks have none).
    """
    from xml.etree import ElementTree

    found: list[tuple[str, str]] = []
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
            return found
        targets = {
            rel.get("Id"): rel.get("Target", "")
            for rel in ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        }
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        calc = book.find(f"{_MAIN}calcPr")
        stale = calc is not None and calc.get("fullCalcOnLoad") in ("1", "true")
        for entry in book.iter(f"{_MAIN}sheet"):
            target = targets.get(entry.get(f"{_RELS}id"), "")
            member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            if member not in names:
                continue
            with archive.open(member) as stream:
                if b"<f" not in stream.read():
                    continue
            with archive.open(member) as stream:
                for _, element in ElementTree.iterparse(stream):
                    if element.tag != f"{_MAIN}c":
                        continue
                    if element.find(f"{_MAIN}f") is not None:
                        value = element.find(f"{_MAIN}v")
                        empty = value is None or (
                            not value.text and element.get("t") not in ("str", "inlineStr")
                        )
                        if stale or empty:
                            found.append((entry.get("name", ""), element.get("r", "")))
                    element.clear()
    return found


def _filled(row: tuple) -> int:
    return sum(1 for c in row if c is not None and clean(c))


def is_code_heading(key: str) -> bool:
    """ "Landlord code", "RP code", "Registration number", "Provider ID", "RP number", "Registered
    provider no.", "Landlord reference": the RSH's registration number of a landlord under the
    headings an edition might give it."""
    return key == "landlord code" or (
        len(key.split()) <= 4
        and bool(
            re.search(
                r"\bcode\b|\b(?:registration|provider|landlord|rp) "
                r"(?:number|no|id|ref|reference)\b",
                key,
            )
        )
    )


# A heading about the stock type ("Stock type", "Tenure"), not the landlord's type.
STOCK_HEADING = re.compile(r"\b(stock|tenure)\b")

# A landlord's name under a heading that says only whose it is ("Landlord", "Provider").
_NAME_ALONE = {"landlord", "provider", "registered provider", "organisation", "organization"}


def is_name_heading(key: str) -> bool:
    return (
        key == "landlord name"
        or key in _NAME_ALONE
        or bool(len(key.split()) <= 4 and re.search(r"\bname\b", key))
    )


def find_landlord_header(sheet: Sheet, min_filled: int = 2) -> int | None:
    """Index of the header row: of the rows with a landlord-code and a landlord-name heading that
    have a landlord below them (a code with a digit under the code heading, before the next such
    row), the widest (the first of them on a tie); else the first such row.

    A small table above the data may have such headings too (a key of the markers, "Marker
    code", "Marker name", or of the size bands, numbered 1 to 4): taken for the header, every
    field of the sheet would be missing. The landlords' table is the widest (a sheet of few
    landlords, the combined perception, has fewer rows than such a key).
    """
    candidates = []
    for index, row in enumerate(sheet.rows[:200]):
        if _filled(row) < min_filled:
            continue
        keys = [heading_key(c) for c in row]
        if any(is_name_heading(k) for k in keys):
            code_col = next((i for i, k in enumerate(keys) if is_code_heading(k)), None)
            if code_col is not None:
                candidates.append((index, code_col))
    best, widest = None, -1
    for number, (index, code_col) in enumerate(candidates):
        end = candidates[number + 1][0] if number + 1 < len(candidates) else index + 51
        landlord_below = any(
            code_col < len(row) and re.search(r"\d", clean(row[code_col]))
            for row in sheet.rows[index + 1 : end]
        )
        if landlord_below and _filled(sheet.rows[index]) > widest:
            best, widest = index, _filled(sheet.rows[index])
    if best is None and candidates:
        return candidates[0][0]
    return best


_FIELD_CODE = re.compile(r"^(?:CH\d{2}|Stg\d|TP\d{2}|BS\d{2}|NM\d{2}|RP\d{2})_\w+$", re.IGNORECASE)


def field_code_row(sheet: Sheet) -> bool:
    """Whether the row under the header names each column's field code (``CH01_1_Numerator_LCRA``
    under its heading, as a later edition may print it): three such codes and no number. It is
    then read as part of the header, not as a landlord."""
    if sheet.header_index is None or sheet.header_index + 1 >= len(sheet.rows):
        return False
    below = sheet.rows[sheet.header_index + 1]
    if any(isinstance(c, (int, float)) for c in below):
        return False
    return sum(1 for c in below if _FIELD_CODE.match(clean(c))) >= 3


def landlord_column(header: list[str], kind: str) -> int | None:
    """Column of a landlord attribute (name, code, type, band, region, notes) by its heading."""
    return _landlord_column(tuple(header), kind)


# Asked for every landlord row of every sheet (some 5,000 times an edition) with the same header:
# matched once per header and attribute.
@functools.lru_cache(maxsize=256)
def _landlord_column(header: tuple, kind: str) -> int | None:
    keys = [heading_key(h) for h in header]
    tests = {
        "code": is_code_heading,
        "name": is_name_heading,
        "type": lambda k: (
            len(k.split()) <= 4 and re.search(r"\btype\b", k) and not STOCK_HEADING.search(k)
        ),
        "band": lambda k: "group size" in k or "size band" in k,
        "region": lambda k: "region" in k and len(k.split()) <= 5,
        "notes": lambda k: "notes" in k and "rsh" in k,
    }[kind]
    exact = {"code": "landlord code", "name": "landlord name", "type": "landlord type"}.get(kind)
    if exact in keys:
        return keys.index(exact)
    return next((i for i, k in enumerate(keys) if k and tests(k)), None)


# ---------------------------------------------------------------------------------------------
# The Data Dictionary
# ---------------------------------------------------------------------------------------------

DICTIONARY_COLUMNS = (
    "table",
    "field_code",
    "column_heading",
    "datapoint",
    "question_ref",
    "section",
    "source",
)


@dataclass
class Dictionary:
    """The Data Dictionary's rows (``DICTIONARY_COLUMNS``) and how they were read."""

    sheet: Sheet
    entries: list[dict[str, str]]
    columns: dict[str, str]  # role -> the heading of the column it was read from
    swapped_back: Counter = field(default_factory=Counter)  # table -> rows put back

    def tables(self) -> list[str]:
        return list(dict.fromkeys(e["table"] for e in self.entries))

    def codes(self, table: str) -> dict[str, dict[str, str]]:
        """Field code -> entry for one table (rows without a code left out)."""
        return {
            e["field_code"]: e
            for e in self.entries
            if e["table"] == table and e["field_code"] and " " not in e["field_code"]
        }


def _column_by_heading(keys: list[str], pattern: str, exclude: set[int]) -> int | None:
    return next(
        (i for i, k in enumerate(keys) if i not in exclude and k and re.search(pattern, k)), None
    )


def _dictionary_sheet(sheets: list[Sheet]) -> tuple[Sheet, int, int]:
    """The sheet with the most datapoint cells, its header row index and first data row index.

    A visible sheet is taken before a hidden one: a hidden copy of an earlier year's dictionary,
    longer than the edition's, would otherwise give the extract its tables and datapoints.
    """
    best: tuple[int, Sheet | None] = (0, None)
    for sheet in sorted(sheets, key=lambda s: s.hidden):
        count = sum(
            1
            for row in sheet.rows
            for c in row
            if isinstance(c, str) and DATAPOINT.match(c.strip())
        )
        if count > best[0] and not (sheet.hidden and best[1] is not None):
            best = (count, sheet)
    sheet = best[1]
    if sheet is None:
        raise WorkbookError(
            "no sheet holds a Data Dictionary (no DP_TSM... datapoint anywhere); the RSH's "
            "full-data workbook has one (a sheet listing each table's field codes, column "
            "headings and datapoints), which says which columns are which: add the complete "
            "workbook as the RSH published it"
        )
    first_dp = next(
        i
        for i, row in enumerate(sheet.rows)
        if any(isinstance(c, str) and DATAPOINT.match(c.strip()) for c in row)
    )
    header = next((i for i in range(first_dp) if _filled(sheet.rows[i]) >= 4), None)
    if header is None:
        raise WorkbookError(f"'{sheet.name}': no header row above the first datapoint")
    return sheet, header, first_dp


def read_dictionary(sheets: list[Sheet]) -> Dictionary:
    """Read the Data Dictionary, whatever its sheet name, header row and column headings.

    The datapoint (``DP_TSML178``) and question-reference (``Q1L1C2``) columns are the two whose
    values match those patterns; in each row the cell that matches ``DP_TSM...`` is the datapoint,
    so a row where the edition swapped them is put back (counted in ``swapped_back``).
    """
    sheet, header_index, _ = _dictionary_sheet(sheets)
    sheet.header_index = header_index
    header = sheet.header
    keys = [heading_key(h) for h in header]
    rows = [r for r in sheet.data if _filled(r) >= 2]

    def matches(pattern: re.Pattern, column: int) -> int:
        return sum(
            1
            for r in rows
            if column < len(r) and isinstance(r[column], str) and pattern.match(clean(r[column]))
        )

    width = max(len(r) for r in [sheet.rows[header_index], *rows])
    dp_counts = [matches(DATAPOINT, c) for c in range(width)]
    q_counts = [matches(QUESTION_REF, c) for c in range(width)]
    pair = sorted(range(width), key=lambda c: -(dp_counts[c] + q_counts[c]))[:2]
    if len(pair) < 2 or min(dp_counts[c] + q_counts[c] for c in pair) == 0:
        raise WorkbookError(
            f"'{sheet.name}': no pair of datapoint / question-reference columns found"
        )
    dp_col, q_col = sorted(pair, key=lambda c: -dp_counts[c] + q_counts[c])
    used = {dp_col, q_col}
    table_col = _column_by_heading(keys, r"^table\b|\bsheet\b|\btab\b", used)
    if table_col is None:  # the column whose values start like the data sheets' names
        year_like = [
            sum(1 for r in rows if c < len(r) and sheet_year(clean(r[c]))) for c in range(width)
        ]
        table_col = max(range(width), key=lambda c: year_like[c]) if max(year_like) else None
    if table_col is None:
        raise WorkbookError(f"'{sheet.name}': no column naming the tables (sheets)")
    used.add(table_col)
    code_col = _column_by_heading(keys, r"field (name|code)|variable|\bfield\b", used)
    if code_col is None:
        code_like = [
            sum(1 for r in rows if c < len(r) and re.match(r"^(CH|TP|BS|NM|RP)\d\d_", clean(r[c])))
            for c in range(width)
        ]
        code_col = max(range(width), key=lambda c: code_like[c]) if max(code_like) else None
    if code_col is None:
        raise WorkbookError(
            f"'{sheet.name}': no column of field codes (e.g. CH01_1_Numerator_LCRA)"
        )
    used.add(code_col)
    heading_col = _column_by_heading(keys, r"heading|column (title|name)|\btitle\b", used)
    if heading_col is None:
        raise WorkbookError(f"'{sheet.name}': no column of column headings")
    used.add(heading_col)
    section_col = _column_by_heading(keys, r"section", used)
    source_col = _column_by_heading(keys, r"^source\b", used)

    def get(row: tuple, column: int | None) -> str:
        return clean(row[column]) if column is not None and column < len(row) else ""

    entries, swapped = [], Counter()
    previous = ""
    for row in rows:
        table = get(row, table_col)
        # a table name merged down its rows is in the first only: the others carry it on
        if not table and previous and get(row, heading_col) and get(row, code_col):
            table = previous
        if not table:
            continue
        previous = table
        datapoint, question = get(row, dp_col), get(row, q_col)
        if QUESTION_REF.match(datapoint) and DATAPOINT.match(question):
            datapoint, question = question, datapoint
            swapped[table] += 1
        entries.append(
            {
                "table": table,
                "field_code": get(row, code_col),
                "column_heading": get(row, heading_col),
                "datapoint": datapoint,
                "question_ref": question,
                "section": get(row, section_col),
                "source": get(row, source_col),
            }
        )
    columns = {
        "table": header[table_col],
        "field_code": header[code_col],
        "column_heading": header[heading_col],
        "datapoint": header[dp_col],
        "question_ref": header[q_col],
    }
    return Dictionary(sheet, entries, columns, swapped)


def validate_references(dictionary: Dictionary, family: re.Pattern) -> None:
    """Every field of ``family`` must have a ``DP_TSM...`` datapoint and a question reference that
    is not one (after the swapped rows were put back); else the dictionary was misread."""
    for entry in dictionary.entries:
        code = entry["field_code"]
        if not family.match(code) and not family.match(f"{code}_LCRA"):  # listed once: CH01_1_..
            continue
        if not DATAPOINT.match(entry["datapoint"]) or DATAPOINT.match(entry["question_ref"]):
            raise WorkbookError(
                f"'{dictionary.sheet.name}': field {entry['field_code']} has datapoint "
                f"'{entry['datapoint']}' and question reference '{entry['question_ref']}'; a "
                "datapoint looks like DP_TSML178"
            )


# The year a sheet name carries: ``TSM25_...`` or ``..._TSM25`` (the year ending March 2025),
# ``TSM2425_...`` (both years), or the reporting year in words, ``... 2024-25``, ``... 2024/25``,
# ``... 2024-2025``, or as GOV.UK writes a financial year, ``... 2024 to 2025`` (``2024_to_2025``
# in a file name).
_TSM_YEAR = re.compile(r"(?:^|[^a-z0-9])TSM[ _]?(\d{2})(?=$|[^0-9])", re.IGNORECASE)
# ``TSM2526_...``: both years' last two digits (2025/26), as a file or sheet name may shorten it.
_TSM_PAIR = re.compile(r"(?:^|[^a-z0-9])TSM[ _]?(\d{2})(\d{2})(?=$|[^0-9])", re.IGNORECASE)
_PAIR_SEPARATOR = r"\s*(?:[-/_–]|[\s_]to[\s_])\s*"
_YEAR_PAIR = re.compile(rf"(?<!\d)(20\d{{2}}){_PAIR_SEPARATOR}(20\d{{2}}|\d{{2}})(?!\d)", re.I)


def sheet_year(name: str) -> str | None:
    """The reporting year a sheet (or table) name carries, e.g. ``2024-25``, or None."""
    text = clean(name)
    pair = _YEAR_PAIR.search(text)
    if pair:
        start, end = int(pair.group(1)), int(pair.group(2))
        if end % 100 == (start + 1) % 100 and (end < 100 or end == start + 1):
            return f"{start}-{str(start + 1)[2:]}"
    both = _TSM_PAIR.search(text)
    if both and int(both.group(2)) == (int(both.group(1)) + 1) % 100:
        return f"20{both.group(1)}-{both.group(2)}"
    prefix = _TSM_YEAR.search(text)
    if prefix:
        end = 2000 + int(prefix.group(1))
        return f"{end - 1}-{str(end)[2:]}"
    return None


def year_of_sheets(names: list[str]) -> str | None:
    """Reporting year from the sheet names: ``TSM25_..``, ``.._TSM25`` or ``.. 2024-25`` ->
    ``2024-25`` (the commonest when names disagree)."""
    years = Counter(y for n in names if (y := sheet_year(n)))
    return years.most_common(1)[0][0] if years else None


# A bare year where the RSH names an edition by it: "Tenant Satisfaction Measures 2025 - Dataset",
# "TSM 2025 dataset", a file "2025_TSM_Full_Data_v1.0.xlsx"; the year its reporting year ends
# (the 2025 workbook is 2024/25, published in the autumn after the March year end).
# Never the first year of a span in words ("2025 to March 2026"): that edition is 2025-26.
_NOT_A_SPAN = r"(?![\s_]+to[\s_])"
_TITLE_YEAR = re.compile(
    rf"\b(?:tenant satisfaction measures|tsm)[\s_-]*(20\d{{2}})\b{_NOT_A_SPAN}", re.IGNORECASE
)
# "2025_TSM_Full_Data.xlsx", and the other order a renamed copy may have: "TSM_2025_Full_Data",
# "Tenant_Satisfaction_Measures_2025" (not "TSM_2025_26": a year pair, read as one first).
_FILE_YEAR = re.compile(
    r"^(20\d{2})[\s_-]*tsm|(?<![a-z])(?:tsm|tenant[\s_-]*satisfaction[\s_-]*measures)[\s_-]*"
    rf"(20\d{{2}})(?![\d]){_NOT_A_SPAN}",
    re.IGNORECASE,
)


def _ending(year: int) -> str:
    return f"{year - 1}-{str(year)[2:]}"


def stated_years(sheets: list[Sheet], file_name: str) -> list[tuple[str, str]]:
    """``(where, year)`` for each statement of the reporting year outside the sheet names.

    The workbook's title (the first cell of a sheet, naming the Tenant Satisfaction Measures or
    "TSM 2025") and the file name: ``TSM25`` or ``2024-25`` as in a sheet name, or a bare year
    where the RSH names an edition by it ("Tenant Satisfaction Measures 2025", a file
    ``2025_TSM_...``: 2024-25). A sheet's own title ("TSM24 Management Info") is not the
    workbook's: an edition may carry an earlier year's sheet.
    """
    out = []
    for sheet in sheets:
        first = next((clean(c) for c in (sheet.rows[0] if sheet.rows else ()) if clean(c)), "")
        bare = _TITLE_YEAR.search(first)
        if not bare and "tenant satisfaction measures" not in first.lower():
            continue
        year = sheet_year(first) or (_ending(int(bare.group(1))) if bare else None)
        if year:
            out.append((f"the title of sheet '{sheet.name}' ('{first[:60]}')", year))
    stem = Path(file_name).stem
    bare = _FILE_YEAR.search(stem)
    year = sheet_year(stem) or (_ending(int(bare.group(1) or bare.group(2))) if bare else None)
    if year:
        out.append(("the file name", year))
    return out


def parse_year(text: str) -> str:
    """A reporting year as a user gives it: ``2025-26``, ``2025/26``, ``2025-2026``, ``2025 to 2026``
    -> ``2025-26``.

    Raises
    ------
    WorkbookError
        For a bare year (the RSH names its files by publication year: its ``2025`` file is
        2024/25, so ``2025`` alone is ambiguous) or two years that are not consecutive.
    """
    value = clean(text)
    found = re.fullmatch(rf"(\d{{4}}){_PAIR_SEPARATOR}(\d{{4}}|\d{{2}})", value, re.I)
    if not found:
        raise WorkbookError(
            f"--year '{text}' is not a reporting year; give it as 2024-25 (April 2024 to March "
            "2025; the RSH's '2025' workbook is 2024-25)"
        )
    start, end = int(found.group(1)), int(found.group(2))
    if not (end == start + 1 or (end < 100 and end == (start + 1) % 100)):
        raise WorkbookError(
            f"--year '{text}': a reporting year runs over two consecutive years, e.g. "
            f"{start}-{str(start + 1)[2:]}"
        )
    return f"{start}-{str(start + 1)[2:]}"


def release_note(sheets: list[Sheet]) -> tuple[str, str]:
    """The workbook's title and its release line ("Version 1.0 ... published November 2025")."""
    title, release = "", ""
    for sheet in sheets:
        for row in sheet.rows[:60]:
            for value in row:
                text = clean(value)
                if not title and re.match(r"^tenant satisfaction measures\b.*\bdata", text, re.I):
                    title = text
                if not release and re.search(r"\bversion [\d.]+\b.*\bpublished\b", text, re.I):
                    release = text
    return title, release


def blank_marker_in_notes(sheet: Sheet) -> str | None:
    """What the sheet's notes say a question left blank appears as: '[X]', '[U]' or '0'."""
    end = sheet.header_index if sheet.header_index is not None else 15
    for row in sheet.rows[:end]:
        for value in row:
            text = clean(value)
            found = re.search(
                r"left [^.]*?blank[^.]*?appears[^.]*?\bas (?:an? )?(\[[A-Z]\]|0)(?!\d)",
                text,
                re.IGNORECASE,
            )
            if found:
                return found.group(1).upper()
    return None


__all__ = [
    "DATAPOINT",
    "DICTIONARY_COLUMNS",
    "MARKERS",
    "QUESTION_REF",
    "STOCK_HEADING",
    "Dictionary",
    "Sheet",
    "WorkbookError",
    "blank_marker_in_notes",
    "cell",
    "clean",
    "field_code_row",
    "find_landlord_header",
    "heading_key",
    "is_code_heading",
    "is_name_heading",
    "landlord_column",
    "load_sheets",
    "parse_year",
    "read_dictionary",
    "release_note",
    "validate_references",
    "sheet_year",
    "without_code_mark",
    "stated_years",
    "uncalculated_formulas",
    "year_of_sheets",
]
