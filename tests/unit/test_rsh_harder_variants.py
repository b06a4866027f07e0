"""Harder variants of the RSH workbook a later edition may bring, each read exactly or stopped.

Built from the real 2024/25 workbook with the helpers of tests/unit/test_rsh_variants.py: footnote
marks on landlord codes and figures, a two-row header whose landlord headings are merged down over
the stock-type group row, the registration number under other headings, and the year written as
``TSM2526``. Each is either read as the committed 2024/25 extract has it or stops the add saying
which sheet, row and column and what to do, writing nothing.
"""

from __future__ import annotations

import re

import pytest

from pipeline.rsh.workbook import sheet_year
from tests.fixtures.rsh.editions import source_available
from tests.unit.test_rsh_variants import (
    COMPARED,
    MI,
    PERCEPTION,
    Sheets,
    add,
    assert_same_as_committed,
    columns,
    header_at,
    rows_of,
    source,
    write,
)

pytestmark = pytest.mark.skipif(
    not source_available(), reason="the RSH 2024/25 workbook is not on this machine"
)


def footnoted_codes(mark: str):
    """The first five landlord codes of the LCRA perception sheet with a footnote mark after them
    (the management sheet writes them plainly)."""

    def change(sheets: Sheets) -> Sheets:
        rows = rows_of(sheets, PERCEPTION[0])
        at = header_at(rows)
        for row in rows[at + 1 : at + 6]:
            row[1] = f"{row[1]}{mark}"
        return sheets

    return change


def footnoted_figures(marks: list[str]):
    """Some LCRA CH01 stage 1 values and counts of the management sheet with a mark after them."""

    def change(sheets: Sheets) -> Sheets:
        rows = rows_of(sheets, MI)
        at = header_at(rows)
        found = columns(rows, lambda t: t.startswith("LCRA") and "(CH01 1" in t)
        for n, index in enumerate(found):
            for row in rows[at + 1 + n : at + 40 : 7]:
                if isinstance(row[index], (int, float)):
                    row[index] = f"{row[index]}{marks[n % len(marks)]}"
        return sheets

    return change


@pytest.mark.parametrize("mark", ["*", "¹", " [note 3]", "†", " (note 3)"])
def test_a_landlord_code_with_a_footnote_mark_is_that_landlord(mark, tmp_path):
    # Read as written, "L4240*" was another landlord: 365 landlords, five of them twice.
    workbook = write(footnoted_codes(mark)(source()), tmp_path / "v.xlsx")
    code, said, err = add(workbook, tmp_path / "out")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out" / "2024-25")


def test_figures_with_a_footnote_reference_are_read_as_the_figure(tmp_path):
    workbook = write(
        footnoted_figures(["¹", " [note 4]", " (note 2)"])(source()), tmp_path / "v.xlsx"
    )
    code, said, err = add(workbook, tmp_path / "out")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out" / "2024-25")


def test_a_figure_with_a_sign_after_it_stops_the_add_saying_what_to_check(tmp_path):
    # "*" may qualify a figure (an estimate): it was offered as a marker (--marker '199.9*=[X]')
    workbook = write(footnoted_figures(["*"])(source()), tmp_path / "v.xlsx")
    out = tmp_path / "out"
    code, said, err = add(workbook, out)
    assert code == 1 and said == ""
    assert re.search(
        r"'TSM25_Management_Info' cell [A-Z]+11 \(column 'LCRA - .*\(CH01 1\)'\): '[\d.]+\*' is a "
        r"figure with a sign after it.*find in the edition's notes what the sign means",
        err,
    ), err
    assert "--marker" not in err and err.rstrip().endswith("nothing was written")
    assert not out.exists() or list(out.iterdir()) == []


# ---------------------------------------------------------------------------------------------
# A two-row header: group cells in the landlord headings' row, the column headings below it
# ---------------------------------------------------------------------------------------------

_STOCK_LED = re.compile(r"^(LCRA|LCHO|Combined) - (.*)$", re.S)


def stock_over_headings(sheets: Sheets) -> Sheets:
    """The management sheet's header as two rows: the stock type once, in the landlord headings'
    row, over its columns' headings (without the stock type) in the row below."""
    rows = rows_of(sheets, MI)
    at = header_at(rows)
    top, below, group = [], [], None
    for title in rows[at]:
        led = _STOCK_LED.match(str(title or ""))
        if led:
            top.append(led.group(1) if led.group(1) != group else None)
            below.append(led.group(2))
            group = led.group(1)
        else:
            top.append(title)
            below.append(None)
            group = None
    rows[at : at + 1] = [top, below]
    return sheets


def measure_over_stock_types(sheets: Sheets) -> Sheets:
    """The management sheet's columns grouped by field, the three stock types side by side: the
    field's heading once, in the landlord headings' row, over "LCRA", "LCHO", "Combined"."""
    rows = rows_of(sheets, MI)
    at = header_at(rows)
    header = rows[at]
    plain = [i for i, t in enumerate(header) if not _STOCK_LED.match(str(t or ""))]
    fields: dict[str, list[int]] = {}
    for i, title in enumerate(header):
        led = _STOCK_LED.match(str(title or ""))
        if led:
            fields.setdefault(led.group(2), []).append(i)
    order = plain + [i for indices in fields.values() for i in indices]
    for r in range(at, len(rows)):
        row = rows[r] + [None] * (len(header) - len(rows[r]))
        rows[r] = [row[i] for i in order]
    top = [header[i] for i in plain]
    below = [None] * len(plain)
    for words, indices in fields.items():
        for n, i in enumerate(indices):
            top.append(words if n == 0 else None)
            below.append(_STOCK_LED.match(header[i]).group(1))
    rows[at : at + 1] = [top, below]
    return sheets


def merge_two_row_header(workbook) -> None:
    """Merge each landlord heading down over the row below, each group across its columns."""
    sheet = workbook[MI]
    at = next(r for r in range(1, 40) if sheet.cell(r, 1).value == "Landlord name")
    last = sheet.max_column
    for column in range(1, last + 1):
        if sheet.cell(at + 1, column).value is None:
            sheet.merge_cells(start_row=at, start_column=column, end_row=at + 1, end_column=column)
            continue
        if sheet.cell(at, column).value is None:
            continue
        end = column
        while (
            end < last
            and sheet.cell(at, end + 1).value is None
            and sheet.cell(at + 1, end + 1).value is not None
        ):
            end += 1
        if end > column:
            sheet.merge_cells(start_row=at, start_column=column, end_row=at, end_column=end)


@pytest.mark.parametrize("change", [stock_over_headings, measure_over_stock_types])
def test_a_two_row_header_with_groups_beside_the_landlord_headings_is_read_exactly(
    change, tmp_path
):
    # It stopped: "the Data Dictionary lists 48 field(s) with no column in the sheet ... rename
    # those headings", the group cells read as the headings and the headings below as a row.
    workbook = write(change(source()), tmp_path / "v.xlsx", merge_two_row_header)
    code, said, err = add(workbook, tmp_path / "out")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out" / "2024-25")


# ---------------------------------------------------------------------------------------------
# The registration number under another heading
# ---------------------------------------------------------------------------------------------


def code_headed(heading: str):
    def change(sheets: Sheets) -> Sheets:
        for _, rows in sheets:
            for row in rows:
                row[:] = [heading if c == "Landlord code" else c for c in row]
        return sheets

    return change


@pytest.mark.parametrize(
    "heading", ["Registered provider number", "RP number", "Provider no.", "Landlord reference"]
)
def test_the_registration_number_under_other_headings_is_read(heading, tmp_path):
    workbook = write(code_headed(heading)(source()), tmp_path / "v.xlsx")
    code, said, err = add(workbook, tmp_path / "out")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out" / "2024-25")


def test_a_registration_number_heading_not_known_stops_saying_what_to_rename(tmp_path):
    workbook = write(code_headed("Org")(source()), tmp_path / "v.xlsx")
    out = tmp_path / "out"
    code, said, err = add(workbook, out)
    assert code == 1
    assert re.search(
        r"'TSM25_\w+': no header row with a landlord code heading .* rename the heading of the "
        r"landlords' registration numbers \(L4240, 4634\) to 'Landlord code'",
        err,
    ), err
    assert not out.exists() or list(out.iterdir()) == []


# ---------------------------------------------------------------------------------------------
# The year in the sheet names written as both years' last two digits (TSM2526_)
# ---------------------------------------------------------------------------------------------


def both_years_in_sheet_names(sheets: Sheets) -> Sheets:
    """Sheets and the dictionary's tables named ``TSM2526_...``; no title carries the year."""
    out = []
    for name, rows in sheets:
        rows = [
            [
                re.sub(r"\b(Tenant Satisfaction Measures|TSM) 2025\b", r"\1", c).replace(
                    "TSM25", "TSM2526"
                )
                if isinstance(c, str)
                else c
                for c in row
            ]
            for row in rows
        ]
        out.append((name.replace("TSM25", "TSM2526"), rows))
    return out


def test_sheet_names_carrying_both_years_give_the_reporting_year(tmp_path):
    # It stopped: "the reporting year is in none of the sheet names, their titles and the file
    # name; give --year".
    workbook = write(both_years_in_sheet_names(source()), tmp_path / "v.xlsx")
    code, said, err = add(workbook, tmp_path / "out")
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["2025-26"]
    assert_same_as_committed(tmp_path / "out" / "2025-26")


@pytest.mark.parametrize(
    ("name", "year"),
    [
        ("TSM2526_Management_Info", "2025-26"),
        ("Management_Info_TSM2526", "2025-26"),
        ("TSM 2526 LCRA Perception", "2025-26"),
        ("TSM2025_Management_Info", None),  # a bare year: 2024/25 or 2025/26
        ("TSM2527_Management_Info", None),  # not consecutive
    ],
)
def test_the_year_a_sheet_name_carries_as_both_years(name, year):
    assert sheet_year(name) == year


# ---------------------------------------------------------------------------------------------
# A small table above the data whose headings also say "code" and "name"
# ---------------------------------------------------------------------------------------------


def marker_key_above_header(sheets: Sheets) -> Sheets:
    """A key of the markers above each data sheet's header, headed "Marker code", "Marker name"."""
    for name in (MI, *PERCEPTION):
        rows = rows_of(sheets, name)
        at = header_at(rows)
        rows[at:at] = [
            ["Marker code", "Marker name", "Meaning", "Example"],
            ["[X]", "Blank", "The landlord left the question blank", "[X]"],
            ["[U]", "Unavailable", "The denominator is 0", "[U]"],
            ["[Z]", "Not required", "A response is not required", "[Z]"],
            [None],
        ]
    return sheets


def test_a_key_table_above_the_header_is_not_the_header(tmp_path):
    # It stopped: the key's "Marker code" / "Marker name" row was taken for the header, and "the
    # Data Dictionary lists 48 field(s) with no column in the sheet".
    workbook = write(marker_key_above_header(source()), tmp_path / "v.xlsx")
    code, said, err = add(workbook, tmp_path / "out")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out" / "2024-25")


# ---------------------------------------------------------------------------------------------
# An Excel error value where the RSH prints a marker
# ---------------------------------------------------------------------------------------------


def error_for_no_value(sheets: Sheets) -> Sheets:
    """The LCHO CH02 stage 1 values the RSH prints as [U] (a zero denominator) left as the
    formula's error, #DIV/0!."""
    rows = rows_of(sheets, MI)
    at = header_at(rows)
    index = columns(rows, lambda t: t.startswith("LCHO") and t.endswith("(CH02 1)"))[0]
    for row in rows[at + 1 :]:
        if row[index] == "[U]":
            row[index] = "#DIV/0!"
    return sheets


def test_an_excel_error_in_a_figure_cell_is_named_and_read_as_the_marker_given(tmp_path):
    # It said "text is neither a number ... --marker 'TEXT=[X]' (TEXT as the cell has it)",
    # hiding the error value the user has to name.
    workbook = write(error_for_no_value(source()), tmp_path / "v.xlsx")
    out = tmp_path / "out"
    code, said, err = add(workbook, out)
    assert code == 1
    assert re.search(
        r"'TSM25_Management_Info' cell AL\d+ \(column 'LCHO - .*\(CH02 1\)'\): the Excel error "
        r"#DIV/0! \(a formula that could not be calculated.*--marker '#DIV/0!=\[U\]'",
        err,
    ), err
    assert not out.exists() or list(out.iterdir()) == []
    code, said, err = add(workbook, out, "--marker", "#DIV/0!=[U]")
    assert code == 0, err
    assert_same_as_committed(out / "2024-25")


# ---------------------------------------------------------------------------------------------
# A field the product knows, renamed in the Data Dictionary
# ---------------------------------------------------------------------------------------------


def filter_code_corrected(sheets: Sheets) -> Sheets:
    """The dictionary spells the "no" count TP09_Filter_No_... (the RSH's own code is
    TP09_Fiter_No_...), as an edition correcting the spelling would."""
    for row in rows_of(sheets, "Data Dictionary"):
        row[:] = [c.replace("Fiter_No", "Filter_No") if isinstance(c, str) else c for c in row]
    return sheets


def test_a_known_field_renamed_in_the_dictionary_stops_saying_it_was_renamed(tmp_path):
    # It said only "column '...' is TP09_Filter_No_LCRA and TP09_Fiter_No_LCRA by its heading and
    # by its measure code", with nothing to do about it.
    workbook = write(filter_code_corrected(source()), tmp_path / "v.xlsx")
    out = tmp_path / "out"
    code, said, err = add(workbook, out)
    assert code == 1
    assert re.search(
        r"'TSM25_LCRA_Perception': column 'Number of respondents who report that they have not "
        r"made a complaint.*' is TP09_Filter_No_LCRA in the Data Dictionary and TP09_Fiter_No_LCRA "
        r"by its title, a field the dictionary does not list: the edition renamed the field",
        err,
    ), err
    assert not out.exists() or list(out.iterdir()) == []


# ---------------------------------------------------------------------------------------------
# Text with a figure that is no number the extract reads
# ---------------------------------------------------------------------------------------------


def value_written(text: str):
    """The first LCRA CH01 stage 2 values of the management sheet written as ``text``."""

    def change(sheets: Sheets) -> Sheets:
        rows = rows_of(sheets, MI)
        at = header_at(rows)
        index = columns(rows, lambda t: t.startswith("LCRA") and t.endswith("(CH01 2)"))[0]
        for row in rows[at + 1 : at + 4]:
            row[index] = text
        return sheets

    return change


@pytest.mark.parametrize("text", ["199,9", "<1", ">99.9", "1.2.3"])
def test_text_with_a_figure_stops_without_offering_it_as_a_marker(text, tmp_path):
    # It said "add the workbook again with --marker '199,9=[X]'": a figure read as a blank.
    out = tmp_path / "out"
    code, said, err = add(write(value_written(text)(source()), tmp_path / "v.xlsx"), out)
    assert code == 1
    assert re.search(
        rf"'TSM25_Management_Info' cell AI11 \(column 'LCRA - .*\(CH01 2\)'\): '{re.escape(text)}' "
        r"holds a figure but is not a number as a workbook stores one \(a decimal comma, a bound "
        r"such as '<1'\): write the figure as a number",
        err,
    ), err
    assert "--marker" not in err
    assert not out.exists() or list(out.iterdir()) == []


# ---------------------------------------------------------------------------------------------
# A hidden sheet with more datapoints than the Data Dictionary
# ---------------------------------------------------------------------------------------------


def hidden_earlier_dictionary(sheets: Sheets) -> Sheets:
    """A hidden copy of an earlier year's dictionary (TSM24_ tables), longer than the edition's."""
    rows = rows_of(sheets, "Data Dictionary")
    earlier = [[c.replace("TSM25", "TSM24") if isinstance(c, str) else c for c in r] for r in rows]
    return [*sheets, ("Data Dictionary 2023-24", earlier + earlier[4:40])]


def hide_last_sheet(workbook) -> None:
    workbook.worksheets[-1].sheet_state = "hidden"


def test_a_hidden_longer_dictionary_is_not_read_in_place_of_the_visible_one(tmp_path):
    # The sheet with the most datapoints was taken, hidden or not: data_dictionary.csv held the
    # earlier year's TSM24_ tables, 36 rows twice, and the TSM return those datapoints.
    workbook = write(hidden_earlier_dictionary(source()), tmp_path / "v.xlsx", hide_last_sheet)
    code, said, err = add(workbook, tmp_path / "out")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out" / "2024-25", ("data_dictionary.csv", *COMPARED))


def size_band_key_above_header(sheets: Sheets) -> Sheets:
    """A key of the size bands above each data sheet's header, its codes numbers."""
    for name in (MI, *PERCEPTION):
        rows = rows_of(sheets, name)
        at = header_at(rows)
        rows[at:at] = [
            ["Size band code", "Size band name", "Fewest homes", "Most homes"],
            [1, "1,000-2,499", 1000, 2499],
            [2, "2,500-4,999", 2500, 4999],
            [3, "5,000-40,000", 5000, 40000],
            [4, ">40,000", 40001, None],
            [None],
        ]
    return sheets


def test_a_key_table_with_numbered_codes_above_the_header_is_not_the_header(tmp_path):
    workbook = write(size_band_key_above_header(source()), tmp_path / "v.xlsx")
    code, said, err = add(workbook, tmp_path / "out")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out" / "2024-25")


# ---------------------------------------------------------------------------------------------
# The lists of landlords the RSH left out, named otherwise
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sheet", "title"),
    [("Omitted", "omitted from the analysis"), ("Withheld", "withheld"), ("Removed", "removed")],
)
def test_the_landlords_left_out_are_found_under_other_words(sheet, title, tmp_path):
    # "TSM25_Perception_Omitted" was not read: the landlords whose perception data the RSH left
    # out read "no" in landlords.csv, and the sector replay compared their TP09 fields.
    sheets = [
        (
            name.replace("Not_Inc", sheet),
            [
                [c.replace("Not Included", title) if isinstance(c, str) else c for c in r]
                for r in rows
            ],
        )
        for name, rows in source()
    ]
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out" / "2024-25")


# ---------------------------------------------------------------------------------------------
# Footnote marks after the headings
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mark", ["¹", "²³", " [note 2]", "*"])
def test_headings_with_a_footnote_mark_are_read(mark, tmp_path):
    # "Landlord code¹" was no landlord code heading: "no header row with a landlord code heading".
    sheets = source()
    for name in (MI, *PERCEPTION):
        rows = rows_of(sheets, name)
        at = header_at(rows)
        rows[at] = [f"{t}{mark}" if isinstance(t, str) else t for t in rows[at]]
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out" / "2024-25")
