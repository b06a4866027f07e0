"""An edition's own markers ("N/A", "..", "-") taken by configuration: ``complaints rsh add
--marker 'N/A=[Z]'`` says which RSH marker each means (from the edition's notes), so a workbook
need not be edited; without it the add stops naming the cell (tests/unit/test_rsh_variants.py).
And a Data Dictionary laid out otherwise (its table names merged down their rows), and values no
edition can hold (a percentage over 100, a negative count).
"""

from __future__ import annotations

import json
import re

import pytest

from pipeline.rsh.extract import parse_markers
from pipeline.rsh.workbook import WorkbookError
from tests.fixtures.rsh.editions import source_available
from tests.unit.test_rsh_variants import (
    COMPARED,
    MI,
    PERCEPTION,
    add,
    assert_same_as_committed,
    header_at,
    rows_of,
    source,
    write,
)

needs_source = pytest.mark.skipif(
    not source_available(), reason="the RSH 2024/25 workbook is not on this machine"
)


def respelt(spelling: str):
    def change(sheets):
        for name in (MI, *PERCEPTION):
            rows = rows_of(sheets, name)
            for i in range(header_at(rows) + 1, len(rows)):
                rows[i] = [spelling if c == "[X]" else c for c in rows[i]]
        return sheets

    return change


@needs_source
@pytest.mark.parametrize(("spelling", "given"), [("N/A", "n/a=[x]"), ("..", "..=[X]")])
def test_a_marker_the_edition_spells_its_own_way_is_read_as_told(spelling, given, tmp_path):
    # Was: the only way was to edit a copy of the workbook (or the product's code).
    workbook = write(respelt(spelling)(source()), tmp_path / "v.xlsx")
    code, said, err = add(workbook, tmp_path / "out")
    assert code == 1
    assert f"add the workbook again with --marker '{spelling}=[X]'" in err
    code, said, err = add(workbook, tmp_path / "out", "--marker", given)
    assert code == 0, err
    assert f"  '{spelling}' read as [X] (--marker)" in said
    assert_same_as_committed(tmp_path / "out" / "2024-25")
    meta = json.loads((tmp_path / "out" / "2024-25" / "edition.json").read_text())
    assert meta["markers_given"] == {spelling: "[X]"}
    assert meta["blank_input"]["marker"] == "[X]"


@pytest.mark.parametrize("given", ["N/A=0", "N/A", "=[X]", "[X]=[U]", "N/A=[C]"])
def test_a_marker_must_mean_one_of_the_rsh_markers(given):
    with pytest.raises(WorkbookError, match=re.escape("give the edition's text and the RSH")):
        parse_markers([given])


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ("foo", "--marker 'foo': it has no '='"),
        ("=[X]", "--marker '=[X]': there is no text before its '='"),
        ("N/A=", "--marker 'N/A=': there is no RSH marker after its '='"),
        ("N/A=Z", "--marker 'N/A=Z': what follows its '=' is not one of the RSH's markers"),
        ("[x]=[U]", "--marker '[x]=[U]': [X] is already an RSH marker"),
        ("N/A=[z]", None),
    ],
)
def test_a_wrong_marker_is_quoted_as_typed_with_what_is_wrong(given, problem, tmp_path, capsys):
    """``--marker foo`` was said as ``--marker '=FOO'``: not what was typed, and starting with
    '=' as a formula does; and after the workbook's name, as if the workbook were wrong."""
    from pipeline import cli

    workbook = tmp_path / "2025_TSM_Full_Data.xlsx"
    args = ["rsh", "add", str(workbook), "--out", str(tmp_path / "out"), "--marker", given]
    if problem is None:  # a right marker: the add goes on to the workbook (not there)
        assert cli.main(args) == 1
        assert "--marker" not in capsys.readouterr().err
        return
    assert cli.main(args) == 1
    said = capsys.readouterr().err.strip().splitlines()
    assert len(said) == 1, said
    assert said[0].startswith(f"complaints rsh add: {problem}"), said
    assert said[0].endswith(
        "; give the edition's text and the RSH marker it means as TEXT=MARKER, MARKER one of "
        "[X] [U] [Z] [E] [S] ([X] left blank, [U] no value, [Z] not required, [E] excluded by "
        "the RSH, [S] suppressed), e.g. --marker 'N/A=[Z]'; nothing was written"
    ), said
    assert not (tmp_path / "out").exists()


def test_a_marker_with_a_quote_in_it_is_quoted_as_a_shell_takes_it_back():
    with pytest.raises(WorkbookError) as raised:
        parse_markers(["it's"])
    assert str(raised.value).startswith("--marker 'it'\"'\"'s': it has no '='")


def test_markers_given_as_a_mapping_or_as_arguments():
    assert parse_markers({" n/a ": "[z]"}) == {"N/A": "[Z]"}
    assert parse_markers(["..=[X]", "-=[U]"]) == {"..": "[X]", "-": "[U]"}


@needs_source
def test_a_dictionary_whose_table_names_are_merged_down_their_rows(tmp_path):
    # Was: only the first row of each table had its table name, the others were dropped, and the
    # add stopped ("the Data Dictionary has no CH01_1_Numerator field").
    sheets = source()
    dictionary = rows_of(sheets, "Data Dictionary")
    at = next(i for i, r in enumerate(dictionary) if r and r[0] == "Table")
    starts, previous = [], None
    for i in range(at + 1, len(dictionary)):
        if dictionary[i] and dictionary[i][0] == previous:
            dictionary[i][0] = None
        elif dictionary[i]:
            previous = dictionary[i][0]
            starts.append(i)

    def merge(workbook):
        bounds = [*starts, len(dictionary)]
        for first, end in zip(bounds, bounds[1:], strict=False):
            if end - 1 > first:
                workbook["Data Dictionary"].merge_cells(
                    start_row=first + 1, start_column=1, end_row=end, end_column=1
                )

    code, said, err = add(write(sheets, tmp_path / "v.xlsx", merge), tmp_path / "out")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out" / "2024-25", (*COMPARED, "data_dictionary.csv"))


# ---------------------------------------------------------------------------------------------
# Values no edition can hold
# ---------------------------------------------------------------------------------------------


@needs_source
def test_a_percentage_as_text_among_fractions_stops_the_add(tmp_path):
    # Was: the column was rescaled (fractions times 100) with the three "70.2%" texts in it, read
    # as 7020: under 5% of the values, so the check let them through and the add succeeded.
    from tests.unit.test_rsh_hostile import column

    sheets = source()
    rows = rows_of(sheets, MI)
    at = header_at(rows)
    value = column(rows, lambda t: t.startswith("LCRA") and "(CH02 1)" in t)
    numbers = [r for r in rows[at + 1 :] if isinstance(r[value], (int, float))]
    for row in numbers:
        row[value] = round(row[value] / 100, 6)
    for row in numbers[100:103]:
        row[value] = f"{round(row[value] * 100, 1)}%"
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out")
    assert code == 1 and said == ""
    assert re.search(
        rf"management information CH02_1 \(lcra\): landlord {numbers[100][1]} \(lcra\) reads "
        r"\d+, outside 0-100; check that cell in the workbook",
        err,
    ), err
    assert not (tmp_path / "out").exists()


@needs_source
def test_a_negative_count_stops_the_add(tmp_path):
    sheets = source()
    rows = rows_of(sheets, "TSM25_LCHO_Perception")
    at = header_at(rows)
    index = next(
        i
        for i, t in enumerate(rows[at])
        if str(t).startswith("Number of respondents who report that they are very satisfied")
        and "(TP09)" in str(t)
    )
    rows[at + 1][index] = -rows[at + 1][index] - 1
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out")
    assert code == 1, said
    assert re.search(r"perception VS: landlord \w+ \(lcho\) reads -\d+, outside at least 0", err)


@needs_source
def test_a_complaint_count_that_is_not_a_whole_number_stops_the_add(tmp_path):
    # Was: one landlord's CH01 stage 2 numerator read as 12.5 (a figure from another column),
    # within the check's 5% tolerance.
    sheets = source()
    rows = rows_of(sheets, MI)
    at = header_at(rows)
    index = next(
        i for i, t in enumerate(rows[at]) if str(t).startswith("LCHO") and "(CH01 2 Numerator)" in t
    )
    row = next(r for r in rows[at + 1 :] if isinstance(r[index], int))
    row[index] += 0.5
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out")
    assert code == 1, said
    assert (
        f"management information CH01_2_Numerator: landlord {row[1]} (lcho) reads "
        f"{row[index]:g}, not a whole number"
    ) in err


@needs_source
def test_a_landlord_code_without_a_digit_that_is_no_total_is_kept(tmp_path):
    # a made-up edition's codes need not be the RSH's; only a total or a heading stops the add
    sheets = source()
    for name in (MI, *PERCEPTION):
        rows = rows_of(sheets, name)
        for row in rows[header_at(rows) + 1 :]:
            if row and row[1] == "L4240":
                row[1] = "ABC"
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out")
    assert code == 0, err
    import polars as pl

    landlords = pl.read_csv(tmp_path / "out" / "2024-25" / "landlords.csv", infer_schema=False)
    assert "ABC" in landlords["landlord_code"].to_list() and landlords.height == 360


@needs_source
def test_unrounded_fractions_are_read_at_the_published_precision(tmp_path):
    # Was: 0.702127659... (a ratio shown as 70.2% by its number format) read as 70.2127659574,
    # its precision taken as 3 places: the replay then compared the product's figures at 3 places.
    import json

    sheets = source()
    rows = rows_of(sheets, MI)
    at = header_at(rows)
    titles = {
        part: next(
            i
            for i, t in enumerate(rows[at])
            if str(t).startswith("LCRA") and f"(CH02 1{part})" in t
        )
        for part in ("", " Numerator", " Denominator")
    }
    value, num, den = titles.values()
    for row in rows[at + 1 :]:
        if isinstance(row[value], (int, float)) and row[den]:
            row[value] = row[num] / row[den]  # unrounded, a fraction
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out")
    assert code == 0, err
    assert (
        "  CH02_1 (lcra) stored unrounded, read at 1 decimal place as the RSH publishes it" in said
    )
    assert_same_as_committed(tmp_path / "out" / "2024-25")
    meta = json.loads((tmp_path / "out" / "2024-25" / "edition.json").read_text())
    assert meta["rounded"] == {"CH02_1": ["lcra"]}
    assert meta["published_decimals"]["CH02_1"]["lcra"] == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            bytes.fromhex("D0CF11E0A1B11AE1") + bytes(600),
            r"an Excel 97-2003 \(.xls\) file named .xlsx: open it in Excel or LibreOffice and save "
            r"it as an .xlsx workbook",
        ),
        (b"Landlord code,CH01\nL1,2\n", r"a text file \(CSV\?\) named .xlsx, not a workbook"),
        (b"", r"an empty file"),
    ],
)
def test_a_file_that_is_not_an_xlsx_says_what_it_is(content, message, tmp_path):
    # Was: "not a readable .xlsx workbook (File is not a zip file)" for all three.
    from pipeline.rsh.workbook import load_sheets

    path = tmp_path / "edition.xlsx"
    path.write_bytes(content)
    with pytest.raises(WorkbookError, match=message):
        load_sheets(path)
