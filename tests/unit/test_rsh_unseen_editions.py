"""More editions nobody here has seen: plausible layouts beyond tests/unit/test_rsh_variants.py,
test_rsh_hostile.py, test_rsh_next_edition.py and test_rsh_long.py.

Each variant rewrites the real 2024/25 workbook (tests/fixtures/rsh/editions.py) as a later edition,
or one laid out to the government's spreadsheet guidance, might: tables named "Table 1" .. behind
a cover, contents and notes sheet; the header on row 6 under merged title cells; "[note 3]" after
headings; stock types in words ("Low cost rental accommodation - ..."), in the headings or a group
row; the landlords split into larger and smaller providers' sheets, some on both; suppressed
figures shown as "[c]" and "*". ``complaints rsh add`` must store every figure the committed
2024/25 extract has, or stop naming the sheet, the row or cell and the column, writing nothing.
"""

from __future__ import annotations

import json
import re

import polars as pl
import pytest
from openpyxl.utils import get_column_letter

from tests.fixtures.rsh.editions import COMMITTED, source_available
from tests.unit.test_rsh_hostile import stock_in_group_row, stops
from tests.unit.test_rsh_long import assert_same_figures
from tests.unit.test_rsh_variants import (
    MI,
    PERCEPTION,
    Sheets,
    add,
    assert_same_as_committed,
    header_at,
    merge_group_row,
    rows_of,
    source,
    write,
)

pytestmark = pytest.mark.skipif(
    not source_available(), reason="the RSH 2024/25 workbook is not on this machine"
)

# ---------------------------------------------------------------------------------------------
# Sheets and headers laid out to the government's spreadsheet guidance
# ---------------------------------------------------------------------------------------------

TABLES = {
    PERCEPTION[0]: "Table 1",
    PERCEPTION[1]: "Table 2",
    PERCEPTION[2]: "Table 3",
    MI: "Table 4",
}
TITLES = {
    PERCEPTION[0]: "Table 1: Tenant perception, low cost rental accommodation",
    PERCEPTION[1]: "Table 2: Tenant perception, low cost home ownership",
    PERCEPTION[2]: "Table 3: Tenant perception, both stock types together",
    MI: "Table 4: Management information",
}


def numbered_tables(sheets: Sheets) -> Sheets:
    """The data sheets named "Table 1" .. "Table 4" (titled in words, no sheet name or title
    saying LCRA), after a cover, a contents and a notes sheet; the dictionary keeps the TSM25_
    names."""
    front = [
        ("Cover", [["Tenant Satisfaction Measures 2025 - Dataset"], ["Four tables, one a sheet"]]),
        ("Contents", [["Contents"], ["Sheet", "Title"], *([TABLES[n], TITLES[n]] for n in TABLES)]),
        (
            "Notes",
            [["Notes"], ["Note", "Text"], ["1", "Landlord code is the RSH registration number"]],
        ),
    ]
    out = []
    for name, rows in sheets:
        if name in TABLES:
            rows[0] = [TITLES[name]]
            name = TABLES[name]
        out.append((name, rows))
    return front + out


def header_on_row_6(sheets: Sheets) -> Sheets:
    """Every data sheet's header on row 6, under a title, a subtitle and a source line."""
    for name, rows in sheets:
        if name in (MI, *PERCEPTION):
            rows[: header_at(rows)] = [
                [f"Tenant Satisfaction Measures 2024/25: {name.replace('_', ' ')}"],
                ["Regulator of Social Housing, published November 2025"],
                [None],
                ["Source: TSM return; the notes are on the Notes sheet"],
                [None],
            ]
    return sheets


def merge_title_cells(workbook) -> None:
    for name in (MI, *PERCEPTION):
        for cells in ("A1:J1", "A2:J2", "A4:F4"):
            workbook[name].merge_cells(cells)


def notes_after_headings(sheets: Sheets) -> Sheets:
    """Every third heading of the data sheets followed by "[note n]" (its footnote number gone)."""
    for name, rows in sheets:
        if name in (MI, *PERCEPTION):
            at = header_at(rows)
            rows[at] = [
                re.sub(r"\)\d+$", ")", t.rstrip()) + f" [note {i % 7 + 1}]"
                if isinstance(t, str) and i % 3 == 0
                else t
                for i, t in enumerate(rows[at])
            ]
    return sheets


# ---------------------------------------------------------------------------------------------
# Stock types in words
# ---------------------------------------------------------------------------------------------

IN_WORDS = {
    "LCRA": "Low cost rental accommodation",
    "LCHO": "Low cost home ownership",
    "Combined": "Combined (LCRA and LCHO)",
}


def stock_types_in_words(sheets: Sheets) -> Sheets:
    """The management headings led by the stock type in words: "Low cost rental accommodation -
    ..." for "LCRA - ..." (the dictionary keeps "LCRA - ...")."""
    rows = rows_of(sheets, MI)
    at = header_at(rows)
    rows[at] = [
        re.sub(r"^(LCRA|LCHO|Combined) - ", lambda m: f"{IN_WORDS[m.group(1)]} - ", t)
        if isinstance(t, str)
        else t
        for t in rows[at]
    ]
    return sheets


def group_row_in_words(sheets: Sheets) -> Sheets:
    """The stock type once in a group row above its columns, in words with its abbreviation:
    "Low cost rental accommodation (LCRA)", "Combined (LCRA and LCHO)"."""
    sheets = stock_in_group_row(sheets)
    rows = rows_of(sheets, MI)
    at = header_at(rows)
    words = {k: f"{v} ({k})" if k != "Combined" else v for k, v in IN_WORDS.items()}
    rows[at - 1] = [words.get(c, c) for c in rows[at - 1]]
    return sheets


READ_EXACTLY = {
    "tables named Table 1 .. 4 behind a cover, contents and notes sheet": (numbered_tables, None),
    "the header on row 6 under merged title cells": (header_on_row_6, merge_title_cells),
    "[note n] after the headings": (notes_after_headings, None),
    "stock types in words leading the headings": (stock_types_in_words, None),
    "stock types in words in a merged group row": (group_row_in_words, merge_group_row),
}


@pytest.mark.parametrize("variant", list(READ_EXACTLY))
def test_a_variant_is_read_exactly(variant, tmp_path):
    # Was, for the stock types in words: "the Data Dictionary lists 32 field(s) with no column in
    # the sheet" (in the headings), 16 fields (the combined ones, in a group row).
    change, finish = READ_EXACTLY[variant]
    code, said, err = add(write(change(source()), tmp_path / "v.xlsx", finish), tmp_path / "out")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out" / "2024-25")


def test_a_numbered_tables_sheets_are_recorded_under_their_own_names(tmp_path):
    code, said, err = add(write(numbered_tables(source()), tmp_path / "v.xlsx"), tmp_path / "out")
    assert code == 0, err
    sheets = json.loads((tmp_path / "out" / "2024-25" / "edition.json").read_text())["sheets"]
    assert {k: v["name"] for k, v in sheets.items() if k.startswith(("perception", "manage"))} == {
        "management_info": "Table 4",
        "perception_lcra": "Table 1",
        "perception_lcho": "Table 2",
        "perception_combined": "Table 3",
        "perception_not_included": "TSM25_Perception_Not_Inc",
        "management_info_not_included": "TSM25_Man_Info_Not_Inc",
    }


# ---------------------------------------------------------------------------------------------
# Larger and smaller providers on sheets of their own, some landlords on both
# ---------------------------------------------------------------------------------------------

BAND = "Landlord group size"
LARGER = (">40,000", "5,000-40,000")
SMALLER = ("5,000-40,000", "<5,000")  # the middle band on both sheets


def by_provider_size(sheets: Sheets) -> Sheets:
    """The management sheet and the LCRA perception sheet each as two tables of the dictionary,
    "..._Large" and "..._Small": the landlords of 5,000-40,000 homes on both, with the same
    figures."""
    split = (MI, PERCEPTION[0])
    out: Sheets = []
    for name, rows in sheets:
        if name in split:
            at = header_at(rows)
            band = next(i for i, t in enumerate(rows[at]) if str(t).startswith(BAND))
            landlords = [r for r in rows[at + 1 :] if r and r[1] is not None]
            for part, bands in (("_Large", LARGER), ("_Small", SMALLER)):
                mine = [list(r) for r in landlords if r[band] in bands]
                out.append((name + part, [*(list(r) for r in rows[: at + 1]), *mine]))
        elif name == "Data Dictionary":
            entries = [list(r) for r in rows if not (r and r[0] in split)]
            for part in ("_Large", "_Small"):
                entries += [[r[0] + part, *r[1:]] for r in rows if r and r[0] in split]
            out.append((name, entries))
        else:
            out.append((name, rows))
    return out


def test_landlords_on_the_larger_and_the_smaller_providers_sheets_are_read_once(tmp_path):
    # Was: a landlord on both perception sheets had two LCRA rows in perception_tp09.csv (626 rows
    # for 414), each of them a peer in its band's TP09 quartiles; the add said nothing.
    sheets = by_provider_size(source())
    both = set.intersection(
        *(
            {r[1] for r in rows[header_at(rows) + 1 :] if r[1]}
            for rows in (rows_of(sheets, PERCEPTION[0] + part) for part in ("_Large", "_Small"))
        )
    )
    assert len(both) > 100
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out")
    assert code == 0, err
    assert_same_figures(tmp_path / "out" / "2024-25")
    sheets_read = json.loads((tmp_path / "out" / "2024-25" / "edition.json").read_text())["sheets"]
    assert {v["name"] for v in sheets_read.values()} >= {
        f"{n}{p}" for n in (MI, PERCEPTION[0]) for p in ("_Large", "_Small")
    }


@pytest.mark.parametrize("table", [PERCEPTION[0], MI])
def test_a_landlord_with_other_figures_on_the_other_providers_sheet_stops_the_add(table, tmp_path):
    sheets = by_provider_size(source())
    rows = rows_of(sheets, table + "_Small")
    at = header_at(rows)
    band = next(i for i, t in enumerate(rows[at]) if str(t).startswith(BAND))
    pattern = (
        r"^Number of respondents who report that they are very satisfied with their landlord.s "
        r"approach to complaints"
        if table != MI
        else r"^LCRA - Number of stage one complaints made by tenants in the relevant stock type "
        r"during the reporting year \(CH01 1 Numerator\)"
    )
    column = next(i for i, t in enumerate(rows[at]) if re.match(pattern, str(t)))
    index, row = next(
        (i, r) for i, r in enumerate(rows) if i > at and r[band] == "5,000-40,000" and r[column]
    )
    row[column] += 1
    field = "lcra VS" if table != MI else "CH01_1_Numerator_LCRA"
    stops(
        write(sheets, tmp_path / "v.xlsx"),
        tmp_path / "out",
        rf"'{table}_Small' row {index + 1}: landlord {row[1]} has {field} with other figures than "
        r"(sheet '\w+' gave|another sheet gave); check which sheet is right",
    )


# ---------------------------------------------------------------------------------------------
# Suppressed figures
# ---------------------------------------------------------------------------------------------


def suppressed_small_surveys(sheets: Sheets) -> Sheets:
    """TP09 suppressed where a landlord had fewer than 60 answers: the published value "[c]" and
    each answer count "*" (as statistics under the government's guidance may be)."""
    for name in PERCEPTION:
        rows = rows_of(sheets, name)
        at = header_at(rows)
        header = [str(t) for t in rows[at]]
        value = next(
            i
            for i, t in enumerate(header)
            if t.startswith("Proportion of respondents who report that they are satisfied with")
            and "complaints handling (TP09)" in t
        )
        answers = [
            i
            for i, t in enumerate(header)
            if t.startswith("Number of respondents who report that they are")
            and "complaints handling (TP09)" in t
        ]
        for row in rows[at + 1 :]:
            counts = [row[i] for i in answers]
            if all(isinstance(c, int) for c in counts) and sum(counts) < 60:
                row[value] = "[c]"
                for i in answers:
                    row[i] = "*"
    return sheets


def test_suppressed_figures_stop_the_add_naming_the_cell_then_read_as_told(tmp_path):
    sheets = suppressed_small_surveys(source())
    rows = rows_of(sheets, PERCEPTION[0])
    at = header_at(rows)
    first, column = next(
        (i, j) for i, r in enumerate(rows) if i > at for j, c in enumerate(r) if c in ("*", "[c]")
    )
    workbook = write(sheets, tmp_path / "v.xlsx")
    stops(
        workbook,
        tmp_path / "out",
        rf"'{PERCEPTION[0]}' cell {get_column_letter(column + 1)}{first + 1} \(column '[^']*"
        r"\(TP09\)\d*'\): '(\*|\[c\])' is neither a number nor one of the RSH's markers .* add the "
        r"workbook again with --marker",
    )
    code, said, err = add(workbook, tmp_path / "out", "--marker", "[c]=[S]", "--marker", "*=[S]")
    assert code == 0, err
    assert "  '[C]' read as [S] (--marker)" in said and "  '*' read as [S] (--marker)" in said
    folder = tmp_path / "out" / "2024-25"
    ours = pl.read_csv(folder / "perception_tp09.csv", infer_schema=False)
    committed = pl.read_csv(COMMITTED / "2024-25" / "perception_tp09.csv", infer_schema=False)
    hidden = ours.filter(pl.col("Satisfied_Calc") == "[S]")
    assert hidden.height > 0
    # every answer count of a suppressed row is [S]; every other figure as published
    assert all(
        hidden[c].to_list() == ["[S]"] * hidden.height for c in ("VS", "FS", "NSD", "FD", "VD")
    )
    kept = ours.filter(pl.col("Satisfied_Calc") != "[S]")
    assert kept.equals(
        committed.join(
            hidden.select("landlord_code", "stock_type"),
            on=["landlord_code", "stock_type"],
            how="anti",
        )
    )
    meta = json.loads((folder / "edition.json").read_text())
    assert meta["markers_given"] == {"*": "[S]", "[C]": "[S]"}
    assert meta["checks"]["TP09_lcra"]["mismatched"] == 0


# ---------------------------------------------------------------------------------------------
# Several reporting years on one sheet
# ---------------------------------------------------------------------------------------------


def with_previous_year(previous: object = "2023/24", current: object = "2024/25"):
    """Each data sheet with a "Reporting year" column after the landlord's code and the previous
    year's rows first (every count one more: other figures than the year's own)."""

    def change(sheets: Sheets) -> Sheets:
        for name in (MI, *PERCEPTION):
            rows = rows_of(sheets, name)
            at = header_at(rows)
            body = [list(r) for r in rows[at + 1 :] if r and r[1] is not None]
            older = [
                [
                    c + 1 if isinstance(c, int) and not isinstance(c, bool) and i > 10 else c
                    for i, c in enumerate(r)
                ]
                for r in body
            ]
            rows[at:] = [
                [*rows[at][:2], "Reporting year", *rows[at][2:]],
                *([*r[:2], previous, *r[2:]] for r in older),
                *([*r[:2], current, *r[2:]] for r in body),
            ]
        return sheets

    return change


def test_a_sheet_of_several_reporting_years_is_read_for_the_editions_year(tmp_path):
    # Was: "landlord L4240 is listed twice, in rows 11 and 370, with different figures ...;
    # delete the wrong row": a whole year to delete by hand.
    sheets = with_previous_year()(source())
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out")
    assert code == 0, err
    assert_same_figures(tmp_path / "out" / "2024-25")
    sheets_read = json.loads((tmp_path / "out" / "2024-25" / "edition.json").read_text())["sheets"]
    assert sheets_read["management_info"]["year_column"] == "Reporting year"


def test_one_year_throughout_a_year_column_is_read_as_before(tmp_path):
    sheets = with_previous_year(previous="2024-25", current="2024-25")(source())
    for name in (MI, *PERCEPTION):  # without the previous year's rows
        rows = rows_of(sheets, name)
        at = header_at(rows)
        rows[at + 1 :] = rows[at + 1 + (len(rows) - at - 1) // 2 :]
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out" / "2024-25")
    sheets_read = json.loads((tmp_path / "out" / "2024-25" / "edition.json").read_text())["sheets"]
    assert "year_column" not in sheets_read["management_info"]


@pytest.mark.parametrize(
    ("content", "what"), [(2025, "names no reporting year"), (None, "is empty")]
)
def test_a_row_without_its_reporting_year_stops_the_add_naming_row_and_column(
    content, what, tmp_path
):
    sheets = with_previous_year()(source())
    rows = rows_of(sheets, MI)
    at = header_at(rows)
    rows[at + 3][2] = content
    stops(
        write(sheets, tmp_path / "v.xlsx"),
        tmp_path / "out",
        rf"'{MI}' row {at + 4}: the 'Reporting year' cell \(column C\) {what}; this sheet holds "
        r"several reporting years' rows, so each landlord row must say its year as 2024/25",
    )


def test_a_sheet_of_other_years_only_stops_the_add(tmp_path):
    sheets = with_previous_year(previous="2022/23", current="2023/24")(source())
    stops(
        write(sheets, tmp_path / "v.xlsx"),
        tmp_path / "out",
        rf"'{MI}': its 'Reporting year' column holds several reporting years' rows and none of "
        r"2024-25, the year being added",
    )
