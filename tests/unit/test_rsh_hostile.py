"""Workbooks an edition could plausibly be, that an earlier version misread without a word.

Each variant changes the real 2024/25 workbook (tests/fixtures/rsh/editions.py) as a later edition,
or a copy passed through another program, might; ``complaints rsh add`` must read every figure as
the committed 2024/25 extract has it, or stop naming the sheet, the cell and what to do, writing
nothing. The helpers are the ones of tests/unit/test_rsh_variants.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.rsh.tables import sheet_for_table
from pipeline.rsh.workbook import Sheet, WorkbookError
from tests.fixtures.rsh.editions import source_available
from tests.unit.test_rsh_variants import (
    MI,
    Sheets,
    add,
    assert_same_as_committed,
    full_words_dictionary_unchanged,
    header_at,
    merge_group_row,
    rows_of,
    source,
    write,
)

needs_source = pytest.mark.skipif(
    not source_available(), reason="the RSH 2024/25 workbook is not on this machine"
)


def stops(workbook: Path, out: Path, message: str, *extra: str) -> None:
    """The add stops with ``message`` (a regex) and writes nothing."""
    code, said, err = add(workbook, out, *extra)
    assert code == 1 and said == "", err
    assert re.search(message, err), err
    assert err.rstrip().endswith("nothing was written")
    assert not out.exists() or list(out.iterdir()) == []


# ---------------------------------------------------------------------------------------------
# Which sheet holds which table
# ---------------------------------------------------------------------------------------------


def population_reworded(sheets: Sheets, to: str = "Relevant tenant population") -> Sheets:
    """ "Relevant tenant population size (LCRA)" -> "<to> (LCRA)" on the perception data sheets:
    by default the one heading by which the LCRA and combined perception sheets differ."""
    for name, rows in sheets:
        if "Perception" in name and "Not_Inc" not in name:
            at = header_at(rows)
            rows[at] = [
                re.sub(r"^Relevant\s+tenant population size", to, t) if isinstance(t, str) else t
                for t in rows[at]
            ]
    return sheets


@needs_source
def test_perception_sheets_named_in_words_in_another_order_keep_their_stock_types(tmp_path):
    # Was: the LCRA table matched the first sheet with as many of its headings, the combined one
    # (2 landlords read as LCRA, the 355 LCRA landlords as combined), and the add succeeded.
    sheets = population_reworded(full_words_dictionary_unchanged(source()))
    sheets = sheets[:3] + sheets[3:][::-1]  # the combined sheet before the LCRA one
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out" / "2024-25")


@needs_source
def test_a_hidden_draft_of_a_data_sheet_is_not_read_in_place_of_the_published_one(tmp_path):
    # Was: with the sheets renamed, the hidden "Draft" (20 landlords fewer) came first with the
    # same headings and was read as the management information.
    sheets = full_words_dictionary_unchanged(source())
    draft = [list(r) for r in rows_of(sheets, "Management Info 2024-25")]
    del draft[header_at(draft) + 1 : header_at(draft) + 21]
    sheets.insert(3, ("Draft", draft))

    def hide(workbook):
        workbook["Draft"].sheet_state = "hidden"

    code, said, err = add(write(sheets, tmp_path / "v.xlsx", hide), tmp_path / "out")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out" / "2024-25")


@needs_source
def test_two_visible_sheets_with_one_table_stop_the_add(tmp_path):
    # a sheet copied in Excel ("Complaints (2)"), neither named as the dictionary's table
    sheets = [("Complaints" if n == MI else n, rows) for n, rows in source()]
    sheets.insert(3, ("Complaints (2)", [list(r) for r in rows_of(sheets, "Complaints")]))
    stops(
        write(sheets, tmp_path / "v.xlsx"),
        tmp_path / "out",
        r"the Data Dictionary's table 'TSM25_Management_Info' could be either of the sheets "
        r"'Complaints' or 'Complaints \(2\)' \(96% of its column headings\); delete the one that "
        r"is not the published table",
    )


def sheet(name: str, *headings: str) -> Sheet:
    return Sheet(name, [("Landlord name", "Landlord code", *headings), ("A", "L1", *headings)])


def test_a_sheet_naming_another_stock_type_is_not_a_candidate():
    headings = ["Relevant tenant population (LCRA)", "VS (TP09)", "FS (TP09)"]
    combined = sheet("Combined perception", "Relevant tenant population (combined)", *headings[1:])
    lcra = sheet("LCRA perception", *headings)
    found = sheet_for_table([combined, lcra], "TSM25_LCRA_Perception", headings)
    assert found is lcra
    assert sheet_for_table([combined], "TSM25_LCRA_Perception", headings) is None


def test_a_year_marker_in_the_name_does_not_stop_a_match_by_name():
    headings = ["Some heading"]
    for name in ("Management Info 2025-26", "Management_Info_TSM26", "TSM26 Management Info"):
        found = sheet_for_table([sheet("Other"), sheet(name)], "TSM26_Management_Info", headings)
        assert found is not None and found.name == name


def test_two_sheets_of_the_same_name_after_the_year_is_removed_stop():
    found = sheet_for_table(
        [sheet("Management Info 2024-25"), sheet("Management Info 2025-26")],
        "TSM26_Management_Info",
        ["x"],
    )
    assert found.name == "Management Info 2025-26"  # the table's year first
    with pytest.raises(WorkbookError, match="could be either of the sheets"):
        sheet_for_table(
            [sheet("Management Info 2024-25"), sheet("Management Info 2025-26")],
            "TSM27_Management_Info",  # neither of the table's year
            ["x"],
        )


# ---------------------------------------------------------------------------------------------
# Cells that hold no number where a number belongs
# ---------------------------------------------------------------------------------------------


def column(rows: list[list], test) -> int:
    return next(i for i, t in enumerate(rows[header_at(rows)]) if isinstance(t, str) and test(t))


@needs_source
def test_formulas_saved_without_their_values_stop_the_add(tmp_path):
    # Was: read as empty cells (blank inputs): every landlord's published CH02 stage 1 LCRA value
    # was missing from the extract, so none was a peer for it, and the add succeeded.
    from openpyxl.utils import get_column_letter

    sheets = source()
    rows = rows_of(sheets, MI)
    at = header_at(rows)
    value = column(rows, lambda t: t.startswith("LCRA") and "(CH02 1)" in t)
    num = get_column_letter(column(rows, lambda t: t.startswith("LCRA") and "(CH02 1 Num" in t) + 1)
    den = get_column_letter(column(rows, lambda t: t.startswith("LCRA") and "(CH02 1 Den" in t) + 1)
    for i in range(at + 1, len(rows)):
        if value < len(rows[i]) and isinstance(rows[i][value], (int, float)):
            # as a program that writes formulas without calculating them (openpyxl here) saves it
            rows[i][value] = f"=ROUND({num}{i + 1}/{den}{i + 1}*100,1)"
    stops(
        write(sheets, tmp_path / "v.xlsx"),
        tmp_path / "out",
        rf"v.xlsx: 35\d formula cell\(s\) have no calculated value saved \(first: "
        rf"'{MI}' cell {get_column_letter(value + 1)}{at + 2}\).*open the workbook in Excel or "
        r"LibreOffice, save it, and add the saved copy",
    )


@needs_source
def test_a_count_formatted_as_a_date_stops_the_add(tmp_path):
    # Was: written to the extract as "1900-03-01 00:00:00" and read as a blank input.
    import datetime

    sheets = source()
    rows = rows_of(sheets, MI)
    at = header_at(rows)
    num = column(rows, lambda t: t.startswith("LCRA") and "(CH02 1 Numerator)" in t)
    rows[at + 3][num] = datetime.datetime(1900, 3, 1)
    from openpyxl.utils import get_column_letter

    stops(
        write(sheets, tmp_path / "v.xlsx"),
        tmp_path / "out",
        rf"'{MI}' cell {get_column_letter(num + 1)}{at + 4} \(column '.*\(CH02 1 Numerator\)'\): "
        r"a date \(1900-03-01\), not a number: the cell has a date format; give the column a "
        r"number format in a copy of the workbook",
    )


def test_formulas_of_a_workbook_to_be_calculated_on_opening_are_not_values(tmp_path):
    import xlsxwriter

    from pipeline.rsh.workbook import uncalculated_formulas

    path = tmp_path / "x.xlsx"
    book = xlsxwriter.Workbook(path)  # saves 0 as each formula's value, calculated on opening
    sheet_ = book.add_worksheet("Data")
    sheet_.write_row(0, 0, [3, 4])
    sheet_.write_formula(0, 2, "=A1+B1")
    book.close()
    assert uncalculated_formulas(path) == [("Data", "C1")]
    with pytest.raises(WorkbookError, match=r"1 formula cell\(s\) have no calculated value"):
        from pipeline.rsh.workbook import load_sheets

        load_sheets(path)


# ---------------------------------------------------------------------------------------------
# Published precision
# ---------------------------------------------------------------------------------------------


def two_decimals(sheets: Sheets) -> Sheets:
    """CH01 and CH02 published to 2 decimal places (recomputed from their counts, half up)."""
    from pipeline.rounding import round_half_up

    rows = rows_of(sheets, MI)
    at = header_at(rows)
    for stock in ("LCRA", "LCHO", "Combined"):
        for measure, scale in (
            ("CH01 1", 1000),
            ("CH01 2", 1000),
            ("CH02 1", 100),
            ("CH02 2", 100),
        ):
            index = {
                part: column(rows, lambda t, p=part, s=stock: t.startswith(f"{s} - ") and p in t)
                for part in (f"({measure})", f"({measure} Numerator)", f"({measure} Denominator)")
            }
            value, num, den = index.values()
            for row in rows[at + 1 :]:
                counts = (row[num], row[den])
                if isinstance(row[value], (int, float)) and all(
                    isinstance(c, (int, float)) for c in counts
                ):
                    row[value] = round_half_up(counts[0] / counts[1] * scale, 2)
    return sheets


@needs_source
def test_an_edition_publishing_two_decimals_is_read_and_checked_at_two(tmp_path):
    # Was: the precision was taken as 1 place at most, so the check compared values rounded twice
    # and stopped the add (4 of 59 LCHO CH02 stage 2 values "did not follow from their counts").
    import json

    import polars as pl

    sheets = two_decimals(source())
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out")
    assert code == 0, err
    folder = tmp_path / "out" / "2024-25"
    meta = json.loads((folder / "edition.json").read_text())
    assert meta["published_decimals"]["CH02_1"] == {"lcra": 2, "lcho": 2, "combined": 2}
    assert meta["published_decimals"]["TP09"] == {"lcra": 1, "lcho": 1, "combined": 1}
    assert all(c.get("mismatched", 0) == 0 for c in meta["checks"].values())
    ours = pl.read_csv(folder / "management_info.csv", infer_schema=False)
    rows = rows_of(sheets, MI)
    value = column(rows, lambda t: t.startswith("LCRA - ") and "(CH02 1)" in t)
    written = {
        str(r[1]): r[value] for r in rows[header_at(rows) + 1 :] if isinstance(r[value], float)
    }
    read = dict(
        ours.filter(pl.col("stock_type") == "lcra")
        .select("landlord_code", "CH02_1_Calculated_Value")
        .iter_rows()
    )
    assert len(written) > 300
    assert all(float(read[code]) == figure for code, figure in written.items())


def test_the_published_precision_is_the_places_the_values_carry():
    from pipeline.rsh.extract import _decimals

    assert _decimals([70, 12.3, 8, "[X]", ""]) == 1
    assert _decimals([70, 12, 8]) == 0
    assert _decimals([70.25, 12.3, 8, 1.05]) == 2
    assert _decimals([0.702127659574468, 1.5]) == 3  # unrounded: compared at 3 places
    # one stray value with more places among hundreds is not the edition's precision
    assert _decimals([12.3] * 400 + [12.34]) == 1


# ---------------------------------------------------------------------------------------------
# Scales
# ---------------------------------------------------------------------------------------------


@needs_source
def test_fractions_in_one_sheet_only_are_put_on_the_percentage_scale(tmp_path):
    # Was: decided over the three perception sheets together (352 of 413 values fitted times 100,
    # under 95%), so the add stopped saying the columns were misread.
    import json

    sheets = source()
    rows = rows_of(sheets, "TSM25_LCRA_Perception")
    value = column(rows, lambda t: t.startswith("Proportion of respondents") and "(TP09)" in t)
    for row in rows[header_at(rows) + 1 :]:
        if isinstance(row[value], (int, float)):
            row[value] = round(row[value] / 100, 6)  # as a % number format stores 70.2%
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out")
    assert code == 0, err
    assert "TP09 published on another scale, read times 100: lcra: 352 of 352" in said
    assert_same_as_committed(tmp_path / "out" / "2024-25")
    meta = json.loads((tmp_path / "out" / "2024-25" / "edition.json").read_text())
    assert meta["rescaled"]["TP09"]["stock_types"] == ["lcra"]


@needs_source
def test_fractions_stored_as_text_in_one_column_are_put_on_the_percentage_scale(tmp_path):
    sheets = source()
    rows = rows_of(sheets, MI)
    value = column(rows, lambda t: t.startswith("LCRA") and "(CH02 1)" in t)
    for row in rows[header_at(rows) + 1 :]:
        if isinstance(row[value], (int, float)):
            row[value] = f"{row[value] / 100:.3f}"  # "0.702"
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out" / "2024-25")


@pytest.mark.parametrize(
    ("value", "read"),
    [
        ("70.2 %", 70.2),  # a space before the sign
        ("21 417", 21417),  # thousands separated by a space (or a no-break or thin space)
        ("21\xa0417", 21417),
        ("21\u202f417", 21417),
        ("1 234 567", 1234567),
        ("12.3 [note 4]", 12.3),  # a footnote on the figure
        ("1,234 [Note 12]", 1234),
        ("12.3¹", 12.3),  # a superscript footnote reference
        ("12.3 (note 4)", 12.3),
        ("[x]²", "[X]"),
        # kept as text: the extract stops on them where a number belongs
        ("1 23", "1 23"),
        ("21,417 417", "21,417 417"),
        ("12.3 [c]", "12.3 [c]"),
        ("12.3*", "12.3*"),
        ("[note 4]", "[note 4]"),
    ],
)
def test_a_number_written_as_text_is_read_as_it_shows(value, read):
    from pipeline.rsh.workbook import cell

    assert cell(value) == read


# ---------------------------------------------------------------------------------------------
# The reporting year: sheet names, titles and the file name must agree
# ---------------------------------------------------------------------------------------------


def without_year_in_names(sheets: Sheets) -> Sheets:
    """Sheet and table names without "TSM25_" (the sheets' title cells keep "TSM25 ...")."""
    return [
        (
            name.replace("TSM25_", ""),
            [[c.replace("TSM25_", "") if isinstance(c, str) else c for c in r] for r in rows],
        )
        for name, rows in sheets
    ]


def titled(sheets: Sheets, title: str) -> Sheets:
    rows_of(sheets, "Introduction")[0] = [title]
    return sheets


@needs_source
def test_sheets_of_one_year_titled_another_stop_the_add(tmp_path):
    # Was: extracted as 2024-25 from the TSM25_ sheet names, replacing that year's edition with
    # a workbook whose title and file name say it is the 2026 one (2025-26).
    sheets = titled(source(), "Tenant Satisfaction Measures 2026 - Dataset")
    workbook = write(sheets, tmp_path / "2026_TSM_Full_Data_v1.0.xlsx")
    stops(
        workbook,
        tmp_path / "out",
        r"2026_TSM_Full_Data_v1.0.xlsx: the title of sheet 'Introduction' \('Tenant Satisfaction "
        r"Measures 2026 - Dataset'\) says 2025-26, the sheet names 2024-25; check which edition "
        r"this is .*then add it again with --year saying which",
    )
    # told, it is filed as the sheet names say (--year cannot overrule them: see test_rsh_variants)
    code, said, err = add(workbook, tmp_path / "out", "--year", "2024-25")
    assert code == 0, err
    assert "  note: the file name says 2025-26; filed as 2024-25 as --year says" in said


@needs_source
def test_a_year_given_over_the_title_is_taken_saying_so(tmp_path):
    # --year decides over the title and the file name (not over the sheet names), and the add
    # says which statement it overrode: a workbook made from another year's, its title left, can
    # be added by configuration.
    sheets = without_year_in_names(source())
    workbook = write(sheets, tmp_path / "TSM_Full_Data.xlsx")
    code, said, err = add(workbook, tmp_path / "out", "--year", "2025-26")
    assert code == 0, err
    assert (
        "  note: the title of sheet 'Introduction' ('Tenant Satisfaction Measures 2025 - "
        "Dataset') says 2024-25; filed as 2025-26 as --year says"
    ) in said


@needs_source
def test_without_a_year_in_the_sheet_names_the_titles_give_it(tmp_path):
    sheets = without_year_in_names(source())
    code, said, err = add(write(sheets, tmp_path / "TSM_Full_Data.xlsx"), tmp_path / "out")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out" / "2024-25")
    sheets = titled(sheets, "Tenant Satisfaction Measures - Dataset")
    for _name, rows in sheets:  # no year in any title either
        if rows and isinstance(rows[0][0], str):
            rows[0][0] = rows[0][0].replace("TSM25 ", "")
    stops(
        write(sheets, tmp_path / "TSM_Full_Data.xlsx"),
        tmp_path / "out2",
        r"TSM_Full_Data.xlsx: the reporting year is in none of the sheet names, their titles "
        r"and the file name; give --year",
    )


@needs_source
def test_an_earlier_years_sheet_in_the_workbook_does_not_stop_the_add(tmp_path):
    # the previous edition's management sheet kept for comparison, titled with its year
    sheets = source()
    earlier = [list(r) for r in rows_of(sheets, MI)]
    earlier[0] = ["TSM24 Management Info"]
    sheets.append(("TSM24_Management_Info", earlier))
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out" / "2024-25")


@pytest.mark.parametrize(
    ("title", "file", "years"),
    [
        ("Tenant Satisfaction Measures 2025 - Dataset", "x.xlsx", ["2024-25"]),
        ("TSM 2026 dataset", "x.xlsx", ["2025-26"]),
        ("Tenant Satisfaction Measures 2025/26", "x.xlsx", ["2025-26"]),
        ("TSM26 LCRA Perception", "x.xlsx", []),  # a sheet's title, not the workbook's
        ("Contents", "2026_TSM_Full_Data_v1.0_FINAL.xlsx", ["2025-26"]),
        ("Contents", "tsm 2023-24.xlsx", ["2023-24"]),
        ("Published November 2025", "TSM_Full_Data_v1.0.xlsx", []),  # a bare year, not a title
        ("Contents", "copy 2025.xlsx", []),
    ],
)
def test_the_years_titles_and_file_names_state(title, file, years):
    from pipeline.rsh.workbook import stated_years

    assert [y for _, y in stated_years([Sheet("S", [(title,)])], file)] == years


# ---------------------------------------------------------------------------------------------
# Rows that are not one landlord each
# ---------------------------------------------------------------------------------------------


@needs_source
def test_a_totals_row_stops_the_add(tmp_path):
    # Was: read as a landlord "Total" (361 landlords), a peer in the 25,000+ band wherever it
    # carried a rate.
    sheets = source()
    rows = rows_of(sheets, MI)
    at = header_at(rows)
    total = [None] * len(rows[at])
    total[:2] = ["All landlords", "Total"]
    for i, title in enumerate(rows[at]):
        if isinstance(title, str) and ("Numerator" in title or "Denominator" in title):
            total[i] = sum(r[i] for r in rows[at + 1 :] if isinstance(r[i], (int, float)))
    rows.append(total)
    stops(
        write(sheets, tmp_path / "v.xlsx"),
        tmp_path / "out",
        rf"'{MI}' row {len(rows)}: the 'Landlord code' cell is not a landlord code \(an RSH "
        r"registration number, such as L4240 or 4634, is one word with a digit\); if the row is "
        r"a total or a note, delete it in a copy of the workbook",
    )
    # the message names the row and the column, not the cell's text (docs/rsh.md)
    assert "'Total'" not in add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "again")[2]


@needs_source
def test_a_landlord_code_in_another_case_is_the_same_landlord(tmp_path):
    # Was: "l4240" beside "L4240" made two landlords (361), the one counted twice as a peer.
    sheets = source()
    rows = rows_of(sheets, MI)
    copy = list(rows[header_at(rows) + 1])
    copy[1] = copy[1].lower() + " "
    rows.append(copy)
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out" / "2024-25")


# ---------------------------------------------------------------------------------------------
# Two-row headers, and a stock-type column that names no stock type
# ---------------------------------------------------------------------------------------------


def stock_in_group_row(sheets: Sheets, merge: bool = True) -> Sheets:
    """The management sheet's headings without "LCRA - ", the stock type once in a row above."""
    rows = rows_of(sheets, MI)
    at = header_at(rows)
    group, header = [None] * len(rows[at]), list(rows[at])
    for i, title in enumerate(rows[at]):
        found = re.match(r"^(LCRA|LCHO|Combined) - (.*)$", str(title or ""), re.DOTALL)
        if found:
            if not str(rows[at][i - 1] or "").startswith(found.group(1)):
                group[i] = found.group(1)
            header[i] = found.group(2)
    rows[at] = header
    rows.insert(at, group)
    return sheets


@needs_source
@pytest.mark.parametrize("merged", [True, False])
def test_a_stock_type_named_once_in_a_group_row_above_the_headings(merged, tmp_path):
    # Was: "the Data Dictionary lists 48 field(s) with no column in the sheet".
    sheets = stock_in_group_row(source())
    workbook = write(sheets, tmp_path / "v.xlsx", merge_group_row if merged else None)
    code, said, err = add(workbook, tmp_path / "out")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out" / "2024-25")


def test_a_notes_row_above_the_header_is_not_a_group_row():
    header = ("Landlord name", "Landlord code", "Type", "Region", "Number (CH01 1 Numerator)")
    notes = ("Note 4: an LCRA landlord that left a question blank shows [X]", None, None, None)
    sheet = Sheet("S", [notes, header, ("A", "L1", "PRP", "London", 3)])
    from pipeline.rsh.tables import stock_group_titles

    assert stock_group_titles(sheet) == 0
    assert sheet.rows[1] == header


@needs_source
def test_a_stock_type_column_naming_no_stock_type_stops_the_add_saying_so(tmp_path):
    # One row per landlord and stock type is read (tests/unit/test_rsh_long.py); a "Stock type"
    # column whose cells name no stock type is not that layout, and the stop says why.
    sheets = stock_in_group_row(source())
    rows = rows_of(sheets, MI)
    del rows[header_at(rows) - 1]  # no group row: a "Stock type" column instead, left empty
    at = header_at(rows)
    rows[at] = [*rows[at], "Stock type"]
    stops(
        write(sheets, tmp_path / "v.xlsx"),
        tmp_path / "out",
        rf"'{MI}': the Data Dictionary lists 48 field\(s\) with no column in the sheet: .*; the "
        r"sheet has a 'Stock type' column but no landlord row names a stock type in it \(LCRA, "
        r"LCHO or Combined\), so it is not read as one row per landlord and stock type, and no "
        r"heading is the dictionary's for them",
    )


# ---------------------------------------------------------------------------------------------
# Files that are not an edition
# ---------------------------------------------------------------------------------------------


def test_a_workbook_far_larger_than_any_edition_stops_before_it_is_read(tmp_path, monkeypatch):
    # Was: read whole into memory (a 10,780-row sheet took 16 s and 254 MB; a zip of repeated
    # rows unpacking to gigabytes ran out of memory).
    import zipfile

    from pipeline.rsh import workbook

    path = tmp_path / "big.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<row/>" * 400_000)  # 2.4 MB unpacked
    monkeypatch.setattr(workbook, "MAX_UNPACKED_MB", 2)
    with pytest.raises(
        WorkbookError,
        match=r"big.xlsx: unpacks to 2.4 MB, more than the 2 MB an RSH TSM workbook could need "
        r"\(the 2024/25 one: about 4 MB\); check that this is the RSH's workbook",
    ):
        workbook.load_sheets(path)


# ---------------------------------------------------------------------------------------------
# The same year again (a re-publication)
# ---------------------------------------------------------------------------------------------


@needs_source
def test_adding_a_year_again_says_which_edition_it_replaces(tmp_path):
    # Was: replaced without a word (a v1.0 added after the v1.1 correction went unnoticed).
    first = write(source(), tmp_path / "2025_TSM_Full_Data_v1.1.xlsx")
    assert add(first, tmp_path / "out")[0] == 0
    code, said, err = add(first, tmp_path / "out")
    assert code == 0, err
    assert "  the 2024/25 edition there was extracted from this same workbook" in said
    sheets = source()
    rows = rows_of(sheets, MI)
    rows[header_at(rows) + 1][0] = "A renamed landlord"
    other = write(sheets, tmp_path / "2025_TSM_Full_Data_v1.0.xlsx")
    code, said, err = add(other, tmp_path / "out")
    assert code == 0, err
    assert (
        "  replaces the 2024/25 edition extracted from 2025_TSM_Full_Data_v1.1.xlsx (SHA-256 "
    ) in said


# ---------------------------------------------------------------------------------------------
# The management information split into sheets by stock type
# ---------------------------------------------------------------------------------------------


def split_management_sheet(sheets: Sheets) -> Sheets:
    """The management sheet as two, LCRA and LCHO (with the combined columns), each with the
    landlord columns; the dictionary's table names follow."""
    rows = rows_of(sheets, MI)
    at = header_at(rows)
    lcho = re.compile(r"^(LCHO|Combined) - ")
    keep = {
        "_LCRA": [i for i, t in enumerate(rows[at]) if not lcho.match(str(t or ""))],
        "_LCHO": [i for i, t in enumerate(rows[at]) if not str(t or "").startswith("LCRA - ")],
    }

    def part(columns: list[int]) -> list[list]:
        return [
            row if k < at else [row[i] if i < len(row) else None for i in columns]
            for k, row in enumerate(rows)
        ]

    out: Sheets = []
    for name, table in sheets:
        if name == MI:
            out += [(MI + suffix, part(columns)) for suffix, columns in keep.items()]
            continue
        if name == "Data Dictionary":
            entries = []
            for row in table:
                if row and row[0] == MI:
                    heading = str(row[1] or "")
                    stocked = re.match(r"^(LCRA|LCHO|Combined) - ", heading)
                    for suffix in keep if not stocked else ["_LCHO" if lcho.match(heading) else ""]:
                        entries.append([MI + (suffix or "_LCRA"), *row[1:]])
                else:
                    entries.append(row)
            table = entries
        out.append((name, table))
    return out


@needs_source
def test_management_information_split_into_an_lcra_and_an_lcho_sheet_is_read_whole(tmp_path):
    # Was: only the first table with CH01 fields was read; every LCHO and combined CH01/CH02 was
    # left blank (no landlord a peer there) and the add succeeded.
    sheets = split_management_sheet(source())
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out" / "2024-25")


@needs_source
def test_a_landlord_with_other_figures_in_the_other_sheet_stops_the_add(tmp_path):
    sheets = split_management_sheet(source())
    rows = rows_of(sheets, MI + "_LCHO")
    at = header_at(rows)
    rows[at] = [  # an LCRA column left in the LCHO sheet, one figure differing
        *rows[at],
        "LCRA - Number of stage one complaints made by tenants in the relevant stock type during "
        "the reporting year (CH01 1 Numerator)",
    ]
    lcra = rows_of(sheets, MI + "_LCRA")
    index = column(lcra, lambda t: t.startswith("LCRA") and "(CH01 1 Numerator)" in t)
    for row, same in zip(rows[at + 1 :], lcra[at + 1 :], strict=True):
        row.append(same[index])
    rows[at + 1][-1] += 1
    stops(
        write(sheets, tmp_path / "v.xlsx"),
        tmp_path / "out",
        rf"'{MI}_LCHO' row {at + 2}: landlord L4240 has CH01_1_Numerator_LCRA with other figures "
        r"than another sheet gave",
    )


@needs_source
@pytest.mark.parametrize(
    "heading", ["Registration number", "Provider ID", "Landlord registration number", "RP code"]
)
def test_the_landlord_code_under_another_heading(heading, tmp_path):
    # Was: "no header row with 'Landlord code' found" for all but "RP code".
    sheets = source()
    for name, rows in sheets:
        if name in (MI, "TSM25_LCRA_Perception", "TSM25_LCHO_Perception"):
            rows[header_at(rows)][1] = heading
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out" / "2024-25")


def test_every_stop_names_the_workbook(tmp_path):
    # Was: "no sheet holds a Data Dictionary ..." without saying which file.
    import openpyxl

    openpyxl.Workbook().save(tmp_path / "empty.xlsx")
    stops(
        tmp_path / "empty.xlsx",
        tmp_path / "out",
        r"^complaints rsh add: empty.xlsx: no sheet holds a Data Dictionary .*add the complete "
        r"workbook as the RSH published it",
    )
