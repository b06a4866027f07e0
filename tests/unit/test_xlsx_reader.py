"""The XLSX reader: calamine's grid starts at the first used cell, the sheet's row numbers do not.

A report with blank rows above its title, an empty first column, date cells with and without a
time, booleans, floats and a gap inside the data must come out with the sheet's own row numbers
and the same text the slow openpyxl path gives.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sys
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipeline.config import load_landlord
from pipeline.ingest import IngestError, ingest_workspace
from pipeline.sources.xlsx_reader import (
    _read_with_openpyxl,
    fill_merged,
    read_xlsx_text,
    scan_sheet,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "ingest"))

import workspaces as ws  # noqa: E402


def _report(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Complaints"
    sheet.append([])
    sheet.append([None, "HomeMaster complaints report"])
    sheet.append([])
    sheet.append([None, "Ref", "Logged", "Closed at", "Anonymous", "Ext days", "", "Note"])
    sheet.append([None, "C1", dt.date(2024, 5, 1), dt.datetime(2024, 5, 3, 14, 30), True, 2.0])
    sheet.append([None, "C2", dt.date(2024, 5, 2), None, False, 1.5, None, "  kept  "])
    sheet.append([])
    sheet.append([None, "C3", "01/06/2024", 45444, None, 0])
    sheet.append([None, "Total: 3 complaints"])
    workbook.save(path)
    return path


def test_rows_keep_their_sheet_numbers_and_cells_read_as_openpyxl_does(tmp_path: Path) -> None:
    path = _report(tmp_path / "report.xlsx")
    fast = read_xlsx_text(path, sheet="Complaints", header_row=4, shown="report.xlsx")
    slow = _read_with_openpyxl(path, "Complaints", 4)
    assert fast.columns[:6] == ["__row", "Ref", "Logged", "Closed at", "Anonymous", "Ext days"]
    data = fast.filter(pl.col("Ref").is_not_null()).select("__row", "Ref", "Logged", "Closed at")
    assert data.rows() == [
        (5, "C1", "2024-05-01", "2024-05-03"),
        (6, "C2", "2024-05-02", None),
        (8, "C3", "01/06/2024", "45444"),
        (9, "Total: 3 complaints", None, None),
    ]
    assert fast.filter(pl.col("Ref") == "C1")["Anonymous"].item() == "TRUE"
    assert fast.filter(pl.col("Ref") == "C2")["Note"].item() == "  kept  "

    def non_blank(frame: pl.DataFrame) -> pl.DataFrame:
        keep = pl.any_horizontal(pl.exclude("__row").is_not_null())
        return frame.filter(keep).with_columns(pl.col("__row").cast(pl.Int64))

    # the openpyxl path names the empty column A too; every column the grid has must agree
    assert_frame_equal(non_blank(fast), non_blank(slow.select(fast.columns)))


def test_excel_error_values_read_as_their_text(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "errors.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("Complaints")
    sheet.write_row(0, 0, ["Ref", "Logged", "Closed"])
    sheet.write_row(1, 0, ["C1", "01/05/2024", "03/05/2024"])
    sheet.write(2, 0, "C2")
    sheet.write_formula(2, 1, "=NA()", None, "#N/A")
    sheet.write_formula(2, 2, "=1/0", None, "#DIV/0!")
    sheet.write(3, 0, "C3")
    sheet.write_formula(3, 2, "=NA()", None, "#N/A")
    workbook.close()
    fast = read_xlsx_text(path, sheet="Complaints", header_row=1, shown="errors.xlsx")
    # a formula error is a value that fails its parse (quarantined with it), never a blank
    assert fast.rows() == [
        (2, "C1", "01/05/2024", "03/05/2024"),
        (3, "C2", "#N/A", "#DIV/0!"),
        (4, "C3", None, "#N/A"),
    ]
    assert_frame_equal(fast, _read_with_openpyxl(path, "Complaints", 1))


def test_a_mapped_column_named_twice_in_the_header_is_refused(tmp_path: Path) -> None:
    """As for a CSV: a workbook naming a mapped column twice stops, never reads the first one.

    With a column of residents' names headed 'Stage 1 Reply' as well, the reader took the first
    of the two: names were read as response dates, nearly every complaint was quarantined and
    the run went on.
    """
    root = ws.xlsx_workspace(tmp_path)
    path = next((root / "exports").glob("*.xlsx"))
    workbook = openpyxl.load_workbook(path)
    workbook["Complaints Report"].cell(4, 6).value = "Stage 1 Reply "  # the same name, trimmed
    workbook.save(path)
    shown = path.relative_to(root).as_posix()
    with pytest.raises(
        IngestError, match=rf"^{shown}: column 'Stage 1 Reply' appears more than once"
    ):
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)


def test_a_workbook_replaced_while_it_is_read_loads_the_version_it_hashed(tmp_path, monkeypatch):
    """The ledger's sha256 and rows_in describe the same bytes, even when the export is saved
    again (or a sync client swaps it) between the hash and the readers opening it.

    The workbook was hashed from one read and its cells read from the path twice more (openpyxl
    for the header, calamine for the rows): the rows loaded could be another version's.
    """
    import hashlib

    from pipeline.sources import xlsx_reader

    root = ws.xlsx_workspace(tmp_path / "a")
    path = next((root / "exports").glob("*.xlsx"))
    original = path.read_bytes()
    other = ws.xlsx_workspace(tmp_path / "b")
    newer = next((other / "exports").glob("*.xlsx"))
    workbook = openpyxl.load_workbook(newer)
    workbook["Complaints Report"].insert_rows(5, amount=3)
    for row in (5, 6, 7):
        workbook["Complaints Report"].cell(row, 1).value = f"HM-NEW-{row}"
        workbook["Complaints Report"].cell(row, 2).value = "01/06/2024"
    workbook.save(newer)

    real = xlsx_reader.load_workbook

    def replaced_then_opened(*args, **kwargs):
        path.write_bytes(newer.read_bytes())
        return real(*args, **kwargs)

    monkeypatch.setattr(xlsx_reader, "load_workbook", replaced_then_opened)
    con = duckdb.connect()
    summary = ingest_workspace(con, root, load_landlord(root), ws.KEY)
    (file,) = summary.files
    assert file.sha256 == hashlib.sha256(original).hexdigest()
    assert (file.rows_in, file.rows_loaded, file.rows_quarantined) == (4, 3, 1)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            ('sheet: "Complaints Report"\n', ""),
            r"row 4 \(the header row\) of sheet 'Notes' is empty; the workbook's other sheets are "
            r"'Complaints Report': name the one to read with the mapping's 'sheet'",
        ),
        (
            ("header_row: 4", "header_row: 1"),
            r"not in the header \(1 named column in row 1; the mapped column names are on row 4, "
            r"below a title: set header_row: 4 in the mapping\)",
        ),
    ],
    ids=["first-sheet-is-a-cover", "title-row-as-header"],
)
def test_a_wrong_sheet_or_header_row_says_what_to_set(tmp_path, change, problem):
    """The report's cover sheet read for want of ``sheet``, or its title row taken for the header:
    the message says which sheet and row were read and which key to set."""
    root = ws.xlsx_workspace(tmp_path)
    mapping = root / "mappings" / "homemaster.yaml"
    old, new = change
    assert old in mapping.read_text()
    mapping.write_text(mapping.read_text().replace(old, new))
    with pytest.raises(IngestError, match=problem):
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)


TWEED = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "landlords"


@pytest.mark.parametrize(
    ("header_row", "problem"),
    [
        (
            1,
            r"not in the header \(1 named column in row 1; the mapped column names are on row 3, "
            r"below a title: set header_row: 3 in the mapping\)",
        ),
        (
            2,
            r"row 2 \(the header row\) of sheet 'Complaints Register' is empty: the mapped "
            r"column names are on row 3: set header_row: 3 in the mapping$",
        ),
    ],
    ids=["title-in-one-cell-as-header", "blank-row-under-the-title-as-header"],
)
def test_a_title_in_one_cell_and_a_blank_row_still_find_the_header(tmp_path, header_row, problem):
    """A register with its title in cell A1 and a blank row under it (Tweed & Cheviot's): with
    header_row 1 only the title's column was read, so the names on row 3 were never found and
    the analyst was told to "set header_row to the row that holds the column names" without
    the row; with header_row 2 that "row 2 is empty: check the mapping's header_row"."""
    root = tmp_path / "tweed_cheviot_homes"
    shutil.copytree(TWEED / "tweed_cheviot_homes", root)
    mapping = root / "mappings" / "caseflow_register.yaml"
    assert "header_row: 3\n" in mapping.read_text()
    mapping.write_text(
        mapping.read_text().replace("header_row: 3\n", f"header_row: {header_row}\n")
    )
    with pytest.raises(IngestError, match=problem):
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)


def _sheets(path: Path, *names: str) -> Path:
    workbook = openpyxl.Workbook()
    workbook.active.title = names[0]
    for name in names[1:]:
        workbook.create_sheet(name)
    workbook.save(path)
    return path


@pytest.mark.parametrize(
    ("sheet", "shown"),
    [
        (
            "Complaints Report",
            r"has no sheet 'Complaints Report' \(sheets: Notes, 2 more not shown: their names "
            r"look like a person's name or contact details\)$",
        ),
        (
            None,
            r"row 4 \(the header row\) of the first sheet is empty; the workbook's other sheets "
            r"are 'Notes', 1 more not shown: its name looks like",
        ),
    ],
    ids=["no-such-sheet", "empty-first-sheet"],
)
def test_a_sheet_named_after_a_person_is_not_named_in_a_message(tmp_path, sheet, shown):
    """Sheet names are the workbook's text, not the mapping's: one holding a name or contact
    details is counted, never quoted (messages reach the console and the run's log)."""
    path = _sheets(tmp_path / "cases.xlsx", "Mrs Hall", "Notes", "jean.hall@example.org")
    with pytest.raises(IngestError, match=shown) as caught:
        read_xlsx_text(path, sheet=sheet, header_row=4, shown="cases.xlsx")
    assert "Hall" not in str(caught.value) and "example.org" not in str(caught.value)


def _with_formulas(path: Path, cached: bool) -> Path:
    """``_report`` with row 6's cells written as formulas; openpyxl saves no result for them,
    as a program writing a workbook does; ``cached`` adds the results Excel would save."""
    import zipfile

    workbook = openpyxl.load_workbook(_report(path))
    for cell in workbook["Complaints"][6]:
        if isinstance(cell.value, str):
            cell.value = f'="{cell.value}"'
    workbook.save(path)
    if cached:
        with zipfile.ZipFile(path) as archive:
            parts = {name: archive.read(name) for name in archive.namelist()}
        sheet = parts["xl/worksheets/sheet1.xml"].decode()
        sheet = re.sub(
            r'<c r="([A-Z]+6)"([^>]*)><f>"([^"<]*)"</f><v\s*/>',
            r'<c r="\1"\2 t="str"><f>"\3"</f><v>\3</v>',
            sheet,
        )
        # a formula whose result is the empty string, as Excel saves it: a value, not a gap
        sheet = re.sub(
            r'(<row r="6"[^>]*>.*?)</row>', r'\1<c r="I6" t="str"><f>""</f><v></v></c></row>', sheet
        )
        parts["xl/worksheets/sheet1.xml"] = sheet.encode()
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in parts.items():
                archive.writestr(name, data)
    return path


def test_a_formula_with_no_saved_value_stops_the_read_naming_the_cell(tmp_path):
    """A row of formulas without results read as blank: not a data row, so it left the file's
    count with no word (three complaints gone from a run that said ok)."""
    path = _with_formulas(tmp_path / "report.xlsx", cached=False)
    with pytest.raises(IngestError, match=r"^report.xlsx: cell B6 \(row 6\) of 'Complaints' holds"):
        read_xlsx_text(path, sheet="Complaints", header_row=4, shown="report.xlsx")


def test_a_formula_with_its_saved_value_is_read(tmp_path):
    path = _with_formulas(tmp_path / "report.xlsx", cached=True)
    frame = read_xlsx_text(path, sheet="Complaints", header_row=4, shown="report.xlsx")
    assert frame.filter(pl.col("__row") == 6)["Ref"].item() == "C2"


def _merged_report(path: Path) -> Path:
    """A report whose data rows have merged cells, as a formatted report has them: one
    category for two complaints, one response date merged across two rows, a note merged across
    two columns (B is empty in its first column, so the sheet's first used column is B)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Complaints"
    sheet.append([None, "Complaints report"])
    sheet.merge_cells("B1:F1")  # a title merged above the header: not data
    sheet.append([None, "Ref", "Category", "Responded", "Outcome", "Note"])
    sheet.append([None, "C1", "ASB Case Handling", dt.date(2024, 5, 3), "Upheld", "x"])
    sheet.append([None, "C2", None, None, "Not Upheld", None])
    sheet.append([None, "C3", None, dt.date(2024, 5, 9), "Upheld", "y"])
    sheet.append([None, "C4", "Repairs", None, None, None])
    sheet.merge_cells("C3:C5")  # 'ASB Case Handling' for C1, C2 and C3
    sheet.merge_cells("D3:D4")  # C1 and C2 answered the same day
    sheet.merge_cells("E6:F6")  # 'Repairs' row: outcome and note merged
    sheet["E6"] = "Open"
    workbook.save(path)
    return path


def test_merged_cells_in_data_rows_read_as_the_sheet_shows_them(tmp_path: Path) -> None:
    # Excel shows a merged cell's value across every row and column it covers; both readers
    # gave it to the top-left cell only, so C2 and C3 loaded with no category (service area
    # 'housing' by default, where the report said ASB) and C2 as never answered, without a word.
    path = _merged_report(tmp_path / "merged.xlsx")
    fast = read_xlsx_text(path, sheet="Complaints", header_row=2, shown="merged.xlsx")
    rows = fast.select("__row", "Ref", "Category", "Responded", "Outcome", "Note").rows()
    assert rows == [
        (3, "C1", "ASB Case Handling", "2024-05-03", "Upheld", "x"),
        (4, "C2", "ASB Case Handling", "2024-05-03", "Not Upheld", None),
        (5, "C3", "ASB Case Handling", "2024-05-09", "Upheld", "y"),
        (6, "C4", "Repairs", None, "Open", "Open"),
    ]
    # the slow path (a header calamine reads differently: its columns start at A, not B) too
    merged = scan_sheet(path.read_bytes(), "Complaints").merged
    assert merged == ((2, 1, 6, 1), (3, 3, 3, 5), (4, 3, 4, 4), (5, 6, 6, 6))
    slow = fill_merged(_read_with_openpyxl(path.read_bytes(), "Complaints", 2), merged, 2, 0)
    assert slow.select("__row", "Ref", "Category", "Responded", "Outcome", "Note").rows() == rows


def test_a_stray_cell_far_below_the_data_is_refused_before_the_grid_is_built(
    tmp_path: Path,
) -> None:
    # One space typed in a cell far below a small report (a 9 KB workbook) made the reader build
    # the whole grid down to it: a space at AV1048576 took 3.5 GB of memory and 9 s. The cell is
    # named, and the rows below the data are to be deleted; the file is not read.
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Complaints"
    sheet.append(["Ref", "Logged", *(f"Col {n}" for n in range(3, 21))])
    for n in range(40):
        sheet.append([f"C{n}", dt.date(2024, 5, 1)])
    sheet["T300000"] = " "
    path = tmp_path / "stray.xlsx"
    workbook.save(path)
    with pytest.raises(IngestError) as caught:
        read_xlsx_text(path, sheet="Complaints", header_row=1, shown="exports/stray.xlsx")
    message = str(caught.value)
    assert message.startswith("exports/stray.xlsx: cell T300000 ")
    assert (
        "runs to row 300,000 but only 101 cells" in message and "delete the rows below" in message
    )
    assert scan_sheet(path.read_bytes(), "Complaints").last_value_cell == "T300000"
    # the same report without the stray cell is read as it is
    del sheet["T300000"]
    workbook.save(path)
    frame = read_xlsx_text(path, sheet="Complaints", header_row=1, shown="exports/stray.xlsx")
    assert frame.height == 40


def _hidden_and_chart(path: Path) -> Path:
    """A chart sheet first, then a very hidden old report, then the report Excel shows."""
    from openpyxl.chart import BarChart, Reference

    workbook = openpyxl.Workbook()
    old = workbook.active
    old.title = "Old"
    old.append(["Ref", "Logged"])
    old.append(["OLD1", "2020-01-01"])
    old.sheet_state = "veryHidden"
    report = workbook.create_sheet("Complaints")
    report.append(["Ref", "Logged"])
    report.append(["C1", dt.date(2025, 5, 1)])
    chart = BarChart()
    chart.add_data(Reference(report, min_col=2, min_row=1, max_row=2))
    workbook.create_chartsheet("Chart", 0).add_chart(chart)
    workbook.save(path)
    return path


def test_hidden_sheets_are_not_read_by_default_and_a_chart_sheet_is_named(tmp_path: Path) -> None:
    """A workbook whose first sheet is very hidden (an old version of the report) was read from
    that sheet when the mapping names none: data the landlord cannot see in Excel, loaded
    without a word. A chart sheet chosen by position or name stopped with an AttributeError.
    Now the first visible sheet of cells is read, and a chart sheet is named as such (second
    hostile audit)."""
    path = _hidden_and_chart(tmp_path / "report.xlsx")

    def read(sheet):
        return read_xlsx_text(path, sheet=sheet, header_row=1, shown="exports/report.xlsx")

    assert read(None)["Ref"].to_list() == ["C1"]
    assert read(3)["Ref"].to_list() == ["C1"]  # a position counts hidden sheets (docs/mapping.md)
    assert read("Old")["Ref"].to_list() == ["OLD1"]  # named: read as asked
    for sheet in (1, "Chart"):
        with pytest.raises(IngestError, match="is a chart, not a sheet of cells"):
            read(sheet)
    with pytest.raises(IngestError, match="is a position; the workbook has 3 sheet"):
        read(4)


def test_a_1904_workbook_with_dates_as_plain_numbers_is_refused(tmp_path: Path) -> None:
    """Excel's 1904 date system (old Mac Excel): the ingest reads a plain number in a date
    column as a serial in the 1900 system, so 'Closed' 45000 (16 March 2027 there) loaded as
    15 March 2023 without a word (second hostile audit). Such a workbook is stopped naming the
    column and row; date cells, and plain numbers in columns that are not dates, still read."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    workbook = openpyxl.Workbook()
    workbook.epoch = CALENDAR_MAC_1904
    sheet = workbook.active
    sheet.title = "Complaints"
    sheet.append(["Ref", "Logged", "Closed", "Days"])
    sheet.append(["C1", dt.date(2025, 5, 1), None, 45000])
    sheet.append(["C2", dt.date(2025, 5, 2), 45000, 3])
    sheet["B2"].number_format = sheet["B3"].number_format = "dd/mm/yyyy"
    path = tmp_path / "mac.xlsx"
    workbook.save(path)

    def read(serial_columns):
        return read_xlsx_text(
            path, sheet=None, header_row=1, shown="exports/mac.xlsx", serial_columns=serial_columns
        )

    assert read(["Logged"])["Logged"].to_list() == ["2025-05-01", "2025-05-02"]
    with pytest.raises(IngestError, match=r"1904 date system.*column 'Closed'.*\(row 3 is the"):
        read(["Logged", "Closed"])


def test_the_ingest_checks_the_mapped_date_columns_for_1904_serials():
    from pipeline.mapping import load_mapping
    from pipeline.sources.frames import _date_columns

    root = Path(__file__).resolve().parents[2] / "examples" / "small_specialist"
    mapping = load_mapping(root / "mappings" / "homemaster_complaints.yaml", root)
    columns = _date_columns(mapping)
    assert {"Logged Date", "Closed", "Stage 1 Response", "Stage 2 Requested"} <= set(columns)
    assert "Case Ref" not in columns and "Stage 1 Extension Days" not in columns


@pytest.mark.parametrize("chunk", [7, 1 << 22])
def test_a_row_number_given_twice_in_the_sheet_xml_is_refused(tmp_path, monkeypatch, chunk):
    """A workbook written by a program that numbered two rows alike (``<row r="3">`` twice):
    calamine kept the second, openpyxl the first, and the other complaint was lost with nothing
    to count it (second hostile audit). The stream over the sheet's XML notices a row number that
    does not increase, at any chunk boundary, and the read stops naming the row."""
    import zipfile

    import pipeline.sources.xlsx_reader as reader

    monkeypatch.setattr(reader, "_SCAN_CHUNK", chunk)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Complaints"
    sheet.append(["Ref", "Logged"])
    for i in range(1, 6):
        sheet.append([f"C{i}", f"0{i}/05/2025"])
    good = tmp_path / "good.xlsx"
    workbook.save(good)
    assert read_xlsx_text(good, sheet=None, header_row=1, shown="good.xlsx").height == 5
    with zipfile.ZipFile(good) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    part = "xl/worksheets/sheet1.xml"
    parts[part] = (
        parts[part].replace(b'<row r="4"', b'<row r="3"').replace(b'r="A4"', b'r="A3"')
        .replace(b'r="B4"', b'r="B3"')
    )  # fmt: skip
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(bad, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    with pytest.raises(IngestError, match=r"'Complaints' is stored with row 3 given twice or out"):
        read_xlsx_text(bad, sheet=None, header_row=1, shown="bad.xlsx")


def test_a_value_far_to_the_right_is_refused_before_the_grid_is_built(tmp_path):
    """A space typed at XFD2 beside a 20,000-row report (a 209 KB workbook whose <dimension> did
    not show it) made both readers build 16,384 columns: 17 GB and 45 s, or a Rust abort under a
    memory limit (second hostile audit). The stream over the sheet's XML finds a value in column
    AAA or beyond and the read stops naming the cell; a styled empty cell there is no value."""
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Complaints"
    sheet.append(["Ref", "Logged"])
    sheet.append(["C1", "01/05/2025"])
    sheet["XFD1"].font = Font(bold=True)  # formatted, no value: read as before
    path = tmp_path / "report.xlsx"
    workbook.save(path)
    assert read_xlsx_text(path, sheet=None, header_row=1, shown="report.xlsx").height == 1
    sheet["XFD2"] = " "
    workbook.save(path)
    with pytest.raises(IngestError, match=r"cell XFD2 of 'Complaints' holds a value .* 16,384"):
        read_xlsx_text(path, sheet=None, header_row=1, shown="report.xlsx")


def _declaring(path: Path, dimension: str) -> Path:
    """The workbook at ``path`` with its sheet's ``<dimension>`` rewritten to ``dimension``, as
    programs that write workbooks declare it (``A1`` whatever the size, or a stale range)."""
    import zipfile

    parts = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            parts[name] = archive.read(name)
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet], found = re.subn(
        rb'<dimension ref="[^"]*" ?/>', f'<dimension ref="{dimension}"/>'.encode(), parts[sheet]
    )
    assert found == 1
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize("dimension", ["A1", "A1:C6", "A1:H6"])
def test_a_wrong_declared_used_range_loses_no_row_and_no_column(tmp_path, dimension):
    """Excel ignores a sheet's declared used range; so must both readers (third hostile audit:
    ``A1`` refused a whole valid workbook as damaged, ``A1:C6`` read its header as missing
    columns, and the openpyxl path dropped every row below the declared range)."""
    path = _declaring(_report(tmp_path / "report.xlsx"), dimension)
    fast = read_xlsx_text(path, sheet="Complaints", header_row=4, shown="report.xlsx")
    slow = _read_with_openpyxl(path, "Complaints", 4)
    for frame in (fast, slow):
        refs = frame.filter(pl.col("Ref").is_not_null())
        assert refs.select("__row", "Ref").rows() == [
            (5, "C1"),
            (6, "C2"),
            (8, "C3"),
            (9, "Total: 3 complaints"),
        ]
        assert {"Ref", "Logged", "Closed at", "Anonymous", "Ext days", "Note"} <= set(frame.columns)
        assert frame.filter(pl.col("Ref") == "C2")["Note"].item() == "  kept  "


def test_a_strict_open_xml_workbook_is_named_as_such(tmp_path):
    """Excel's 'Strict Open XML Spreadsheet' uses other namespaces: openpyxl found no sheet in it
    and the run stopped with "has no sheet 'Complaints' (sheets: )" (third hostile audit)."""
    import zipfile

    path = _report(tmp_path / "report.xlsx")
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    transitional = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    assert transitional in parts["xl/workbook.xml"]
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(
                name, data.replace(transitional, b"http://purl.oclc.org/ooxml/spreadsheetml/main")
            )
    with pytest.raises(IngestError, match=r"^report.xlsx: is saved as a 'Strict Open XML Spread"):
        read_xlsx_text(path, sheet="Complaints", header_row=4, shown="report.xlsx")


@pytest.mark.parametrize(
    "target",
    ["./worksheets/sheet1.xml", "../xl/worksheets/sheet1.xml", "/xl/worksheets/sheet1.xml"],
)
def test_a_sheet_named_by_another_valid_path_is_still_checked(tmp_path, target):
    """The workbook may name its sheet's part by any path that leads to it ('./worksheets/...');
    the XML scan looked for 'xl/' + the path as written, found nothing, and so the merged cells
    loaded into their first row only, without a word (third hostile audit)."""
    import zipfile

    path = _merged_report(tmp_path / "merged.xlsx")
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    rels = "xl/_rels/workbook.xml.rels"
    parts[rels], found = re.subn(
        rb'Target="/?(?:xl/)?worksheets/sheet1\.xml"', f'Target="{target}"'.encode(), parts[rels]
    )
    assert found == 1
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert len(scan_sheet(path.read_bytes(), "Complaints").merged) == 4
    fast = read_xlsx_text(path, sheet="Complaints", header_row=2, shown="merged.xlsx")
    assert fast.select("Ref", "Category").rows()[:3] == [
        ("C1", "ASB Case Handling"),
        ("C2", "ASB Case Handling"),
        ("C3", "ASB Case Handling"),
    ]


def test_a_sheet_whose_cells_cannot_be_found_to_check_is_refused(tmp_path, monkeypatch):
    from pipeline.sources import xlsx_reader

    path = _merged_report(tmp_path / "merged.xlsx")
    monkeypatch.setattr(xlsx_reader, "_sheet_part", lambda archive, name: "xl/elsewhere.xml")
    with pytest.raises(IngestError, match=r"^merged.xlsx: the cells of the sheet read could not"):
        read_xlsx_text(path, sheet="Complaints", header_row=2, shown="merged.xlsx")


def _indented(path: Path) -> Path:
    """The workbook with its sheet's XML written one tag a line, indented, as some programs
    that write workbooks do (valid XML; Excel and both readers read it the same)."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = re.sub(rb"><(?!/t>)", b">\n    <", parts[sheet])
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize("cached", [False, True])
def test_a_formula_with_no_saved_value_is_found_in_indented_xml(tmp_path, cached):
    """Indented, the unsaved formulas of row 6 escaped the check: the row read as blank and
    left the file's count without a word (third hostile audit)."""
    path = _indented(_with_formulas(tmp_path / "report.xlsx", cached=cached))
    if cached:
        frame = read_xlsx_text(path, sheet="Complaints", header_row=4, shown="report.xlsx")
        assert frame.filter(pl.col("__row") == 6)["Ref"].item() == "C2"
        return
    with pytest.raises(IngestError, match=r"^report.xlsx: cell B6 \(row 6\) of 'Complaints' holds"):
        read_xlsx_text(path, sheet="Complaints", header_row=4, shown="report.xlsx")


def test_a_stray_cell_far_below_is_found_in_prefixed_xml(tmp_path):
    """A sheet written with a namespace prefix (``<x:c>``, ``<x:v>``: the Open XML SDK's way)
    had no value counted, so one stray cell far below the data passed the sparse-sheet check
    and the whole empty grid was built (third hostile audit)."""
    import zipfile

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Complaints"
    sheet.append(["Ref", "Logged"])
    for n in range(40):
        sheet.append([f"C{n}", dt.date(2024, 5, 1)])
    sheet["T300000"] = " "
    path = tmp_path / "stray.xlsx"
    workbook.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    main = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    xml = parts["xl/worksheets/sheet1.xml"].replace(main, main.replace(b"xmlns", b"xmlns:x"))
    parts["xl/worksheets/sheet1.xml"] = re.sub(rb"<(/?)(?!\?)(\w+)([ />])", rb"<\1x:\2\3", xml)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert b"<x:v>" in parts["xl/worksheets/sheet1.xml"]
    assert scan_sheet(path.read_bytes(), "Complaints").last_value_cell == "T300000"
    with pytest.raises(IngestError, match=r"^exports/stray.xlsx: cell T300000 .* far below"):
        read_xlsx_text(path, sheet="Complaints", header_row=1, shown="exports/stray.xlsx")
