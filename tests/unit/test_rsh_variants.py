"""Editions the team has never seen: each plausible difference is read exactly or stops the add.

Each variant here changes the real 2024/25 workbook (tests/fixtures/rsh/editions.py) the way a later
edition might: sheet names, rows above the header, column order, headings' spacing and case, numbers
stored as text, percentages stored as fractions, new marker spellings, merged and hidden cells, blank
columns and rows, a landlord listed twice, a missing sheet. ``complaints rsh add`` must either read
every CH01/CH02/TP09 value and the extension split as the committed 2024/25 extract has them, or
stop with a message naming the sheet, the row or column and what to do, writing nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from openpyxl.utils import get_column_letter

from pipeline.cli import main as complaints
from pipeline.rsh import editions
from pipeline.rsh.workbook import cell, sheet_year
from tests.fixtures.rsh.editions import COMMITTED, _source, for_year, source_available

pytestmark = pytest.mark.skipif(
    not source_available(), reason="the RSH 2024/25 workbook is not on this machine"
)

MI = "TSM25_Management_Info"
PERCEPTION = ("TSM25_LCRA_Perception", "TSM25_LCHO_Perception", "TSM25_Combined_Perception")
COMPARED = ("management_info.csv", "perception_tp09.csv", "landlords.csv")

Sheets = list[tuple[str, list[list]]]


def source() -> Sheets:
    return [(name, [list(r) for r in rows]) for name, rows in _source()]


def rows_of(sheets: Sheets, name: str) -> list[list]:
    return next(rows for n, rows in sheets if n == name)


def header_at(rows: list[list]) -> int:
    return next(i for i, r in enumerate(rows) if r and r[0] == "Landlord name")


def data_sheets(sheets: Sheets) -> list[list[list]]:
    return [rows_of(sheets, n) for n in (MI, *PERCEPTION)]


def columns(rows: list[list], test: Callable[[str], bool]) -> list[int]:
    return [i for i, t in enumerate(rows[header_at(rows)]) if isinstance(t, str) and test(t)]


def is_count_or_value(title: str) -> bool:
    return bool(re.search(r"\((CH0[12] [12].*|TP09)\)|extension|made a complaint", title))


def write(sheets: Sheets, path: Path, finish: Callable | None = None) -> Path:
    """Write ``sheets`` as a workbook (not write-only, so ``finish`` can merge or hide cells)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets:
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    if finish:
        finish(workbook)
    workbook.save(path)
    return path


def rename_sheets(sheets: Sheets, rename: Callable[[str], str], dictionary: bool = True) -> Sheets:
    """Sheets renamed by ``rename``; the Data Dictionary's table names too unless told not to."""
    out = []
    for name, rows in sheets:
        if name == "Data Dictionary" and dictionary:
            rows = [
                [rename(c) if i == 0 and isinstance(c, str) else c for i, c in enumerate(r)]
                for r in rows
            ]
        out.append((rename(name) if name.startswith("TSM25_") else name, rows))
    return out


def read(folder: Path, name: str) -> pl.DataFrame:
    return pl.read_csv(folder / name, infer_schema=False)


def assert_same_as_committed(folder: Path, files: tuple[str, ...] = COMPARED) -> None:
    for name in files:
        ours, committed = read(folder, name), read(COMMITTED / "2024-25", name)
        assert ours.columns == committed.columns, name
        assert ours.height == committed.height, name
        for column in committed.columns:
            differ = ours.filter(ours[column].fill_null("") != committed[column].fill_null(""))
            assert differ.height == 0, (name, column, differ.head(3).to_dicts())


def add(workbook: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    """``complaints rsh add`` as a user runs it; (exit code, stdout, stderr)."""
    import contextlib
    import io

    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = complaints(["rsh", "add", str(workbook), "--out", str(out), *extra])
    return code, stdout.getvalue(), stderr.getvalue()


# ---------------------------------------------------------------------------------------------
# Variants read exactly
# ---------------------------------------------------------------------------------------------


def new_year_prefix(sheets: Sheets) -> Sheets:
    return [
        (
            n.replace("TSM25", "TSM27"),
            [[for_year(c, "27") if isinstance(c, str) else c for c in r] for r in rows],
        )
        for n, rows in sheets
    ]


def year_suffix(sheets: Sheets) -> Sheets:
    return rename_sheets(sheets, lambda n: re.sub(r"^TSM25_(.*)$", r"\1_TSM25", n))


def full_words(sheets: Sheets) -> Sheets:
    return rename_sheets(
        sheets,
        lambda n: re.sub(r"^TSM25_(.*)$", lambda m: m.group(1).replace("_", " ") + " 2024-25", n),
    )


def full_words_dictionary_unchanged(sheets: Sheets) -> Sheets:
    return rename_sheets(
        sheets,
        lambda n: re.sub(r"^TSM25_(.*)$", lambda m: m.group(1).replace("_", " ") + " 2024-25", n),
        dictionary=False,
    )


def no_notes_above_header(sheets: Sheets) -> Sheets:
    return [(n, rows[header_at(rows) :] if n in (MI, *PERCEPTION) else rows) for n, rows in sheets]


def many_notes_above_header(sheets: Sheets) -> Sheets:
    out = []
    for n, rows in sheets:
        if n in (MI, *PERCEPTION, "Data Dictionary"):
            notes = [
                [f"Note {i}: the code and name of each landlord are as registered."]
                for i in range(25)
            ]
            rows = rows[:1] + notes + rows[1:]
        out.append((n, rows))
    return out


def cover_sheet_first(sheets: Sheets) -> Sheets:
    cover = [
        ["Cover"],
        ["Tenant Satisfaction Measures: full data"],
        ["Landlord name", "Landlord code", "Sheet", "Notes"],
        ["Example landlord", "L0000", "TSM25_Management_Info", "an example row only"],
    ]
    notes = [
        ["Notes"],
        ["1. Landlord code is the RSH registration number."],
        ["2. [X] left blank."],
    ]
    return [("Cover", cover), ("Notes", notes), *sheets]


def reorder_columns(sheets: Sheets) -> Sheets:
    for rows in data_sheets(sheets):
        at = header_at(rows)
        width = len(rows[at])
        order = list(range(width))[::-1]
        for i in range(at, len(rows)):
            row = rows[i] + [None] * (width - len(rows[i]))
            rows[i] = [row[k] for k in order]
    return sheets


def untidy_headings(sheets: Sheets) -> Sheets:
    styles = [
        lambda t: t + "  ",
        lambda t: t.replace(" ", "\xa0", 3),
        lambda t: t.replace(" - ", " -\n", 1).replace(" (", "\n(", 1),
        str.upper,
        str.lower,
    ]
    for rows in data_sheets(sheets):
        at = header_at(rows)
        rows[at] = [
            styles[i % len(styles)](t) if isinstance(t, str) else t for i, t in enumerate(rows[at])
        ]
    return sheets


def numbers_as_text(sheets: Sheets) -> Sheets:
    for rows in data_sheets(sheets):
        at = header_at(rows)
        for index in columns(rows, is_count_or_value):
            title = rows[at][index]
            percent = "(CH02" in title or "(TP09)" in title and "Proportion" in title
            for row in rows[at + 1 :]:
                value = row[index] if index < len(row) else None
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    continue
                if percent and "Numerator" not in title and "Denominator" not in title:
                    row[index] = f"{value}%"
                elif value >= 1000:
                    row[index] = f"{value:,}"
                else:
                    row[index] = f" {value} "
    return sheets


def lower_case_markers(sheets: Sheets) -> Sheets:
    for rows in data_sheets(sheets):
        for i in range(header_at(rows) + 1, len(rows)):
            rows[i] = [
                c.lower() if c in ("[X]", "[U]", "[Z]", "[E]", "[S]") else c for c in rows[i]
            ]
    return sheets


def group_row_merged_above_header(sheets: Sheets) -> list:
    """A row of merged group labels ("LCRA", "LCHO") above the header of the management sheet."""
    rows = rows_of(sheets, MI)
    at = header_at(rows)
    group = [None] * len(rows[at])
    for index, title in enumerate(rows[at]):
        stock = re.match(r"^(LCRA|LCHO|Combined) - ", str(title or ""))
        if stock and (index == 0 or not str(rows[at][index - 1] or "").startswith(stock.group(1))):
            group[index] = f"{stock.group(1)} measures"
    rows.insert(at, group)
    return sheets


def merge_group_row(workbook: openpyxl.Workbook) -> None:
    sheet = workbook[MI]
    at = next(r for r in range(1, 40) if sheet.cell(r + 1, 1).value == "Landlord name")
    starts = [c for c in range(1, sheet.max_column + 1) if sheet.cell(at, c).value]
    for start, end in zip(starts, [*starts[1:], sheet.max_column + 1], strict=True):
        if end - 1 > start:
            sheet.merge_cells(start_row=at, start_column=start, end_row=at, end_column=end - 1)


def header_merged_down(sheets: Sheets) -> Sheets:
    """The header cells merged with an empty row below them (a two-row-high header)."""
    rows = rows_of(sheets, MI)
    at = header_at(rows)
    rows.insert(at + 1, [None] * len(rows[at]))
    return sheets


def merge_header_down(workbook: openpyxl.Workbook) -> None:
    sheet = workbook[MI]
    at = next(r for r in range(1, 40) if sheet.cell(r, 1).value == "Landlord name")
    for column in range(1, sheet.max_column + 1):
        sheet.merge_cells(start_row=at, start_column=column, end_row=at + 1, end_column=column)


def hide_columns(workbook: openpyxl.Workbook) -> None:
    for name in (MI, *PERCEPTION):
        sheet = workbook[name]
        for column in range(3, sheet.max_column + 1, 4):
            sheet.column_dimensions[get_column_letter(column)].hidden = True


def blank_column_and_rows(sheets: Sheets) -> Sheets:
    for rows in data_sheets(sheets):
        at = header_at(rows)
        middle = len(rows[at]) // 2
        for i in range(at, len(rows)):
            rows[i] = [*rows[i][:middle], None, *rows[i][middle:]]
        for i in (len(rows) - 1, at + 3, at + 1):
            rows.insert(i, [None] * len(rows[at]))
        rows.append([])
        rows.append(["Source: Regulator of Social Housing"])
    return sheets


def identical_duplicate(sheets: Sheets) -> Sheets:
    rows = rows_of(sheets, MI)
    at = header_at(rows)
    rows.insert(at + 40, list(rows[at + 2]))
    return sheets


READ_EXACTLY: dict[str, tuple[Callable[[Sheets], Sheets], Callable | None, str]] = {
    "sheet names with a new year prefix (TSM27_)": (new_year_prefix, None, "2026-27"),
    "sheet names with the year as a suffix (Management_Info_TSM25)": (year_suffix, None, "2024-25"),
    "sheet names in words with the year (Management Info 2024-25)": (full_words, None, "2024-25"),
    "sheets in words, the dictionary keeps TSM25_ names": (
        full_words_dictionary_unchanged,
        None,
        "2024-25",
    ),
    "no title or notes rows above the headers": (no_notes_above_header, None, "2024-25"),
    "25 more notes rows above the headers": (many_notes_above_header, None, "2024-25"),
    "a Cover and a Notes sheet first": (cover_sheet_first, None, "2024-25"),
    "columns in reverse order": (reorder_columns, None, "2024-25"),
    "headings with trailing and non-breaking spaces, line breaks, upper and lower case": (
        untidy_headings,
        None,
        "2024-25",
    ),
    "numbers stored as text ('1,234', '70.2%', ' 7 ')": (numbers_as_text, None, "2024-25"),
    "markers in lower case ([x], [u])": (lower_case_markers, None, "2024-25"),
    "a merged group row above the header": (
        group_row_merged_above_header,
        merge_group_row,
        "2024-25",
    ),
    "header cells merged down over an empty row": (
        header_merged_down,
        merge_header_down,
        "2024-25",
    ),
    "hidden columns": (lambda s: s, hide_columns, "2024-25"),
    "a blank column, empty rows inside the data and a footer": (
        blank_column_and_rows,
        None,
        "2024-25",
    ),
    "a landlord listed twice, identically": (identical_duplicate, None, "2024-25"),
}


@pytest.mark.parametrize("variant", list(READ_EXACTLY))
def test_a_variant_is_read_exactly(variant, tmp_path):
    change, finish, year = READ_EXACTLY[variant]
    workbook = write(change(source()), tmp_path / "variant.xlsx", finish)
    code, said, err = add(workbook, tmp_path / "out")
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [year]
    assert_same_as_committed(tmp_path / "out" / year)


def fractions(sheets: Sheets) -> Sheets:
    """CH02 and TP09 percentages stored as fractions (0.702 for 70.2%), as a % number format does."""
    for rows in data_sheets(sheets):
        at = header_at(rows)
        for index in columns(
            rows,
            lambda t: (
                re.search(r"\(CH02 [12]\)", t) or t.startswith("Proportion") and "(TP09)" in t
            ),
        ):
            for row in rows[at + 1 :]:
                if index < len(row) and isinstance(row[index], (int, float)):
                    row[index] = round(row[index] / 100, 6)
    return sheets


def test_percentages_stored_as_fractions_are_put_on_the_percentage_scale(tmp_path):
    workbook = write(fractions(source()), tmp_path / "fractions.xlsx")
    code, said, err = add(workbook, tmp_path / "out")
    assert code == 0, err
    assert "CH02_1 published on another scale, read times 100" in said
    assert_same_as_committed(tmp_path / "out" / "2024-25")
    rescaled = json.loads((tmp_path / "out" / "2024-25" / "edition.json").read_text())["rescaled"]
    assert sorted(rescaled) == ["CH02_1", "CH02_2", "TP09"]  # CH01 (per 1,000 homes) as printed


# ---------------------------------------------------------------------------------------------
# Variants that stop the add, writing nothing, with a message saying where and what to do
# ---------------------------------------------------------------------------------------------


def marker(spelling: str) -> Callable[[Sheets], Sheets]:
    def change(sheets: Sheets) -> Sheets:
        rows = rows_of(sheets, MI)
        for i in range(header_at(rows) + 1, len(rows)):
            rows[i] = [spelling if c == "[X]" else c for c in rows[i]]
        return sheets

    return change


def different_duplicate(sheets: Sheets) -> Sheets:
    rows = rows_of(sheets, MI)
    at = header_at(rows)
    copy = list(rows[at + 2])
    index = columns(rows, lambda t: t.startswith("LCRA") and "(CH01 1 Numerator)" in t)[0]
    copy[index] += 1
    rows.append(copy)
    return sheets


def without_combined_perception(sheets: Sheets) -> Sheets:
    return [(n, rows) for n, rows in sheets if n != "TSM25_Combined_Perception"]


STOPS: dict[str, tuple[Callable[[Sheets], Sheets], str]] = {
    **{
        f"a marker spelt {spelling!r}": (
            marker(spelling),
            rf"'TSM25_Management_Info' cell [A-Z]+\d+ \(column '.*\(CH01 1 Numerator\)'\): "
            rf"'{re.escape(spelling)}' is neither a number nor one of the RSH's markers",
        )
        for spelling in ("x", "..", "-", "N/A", "[c]")
    },
    "a landlord listed twice with different figures": (
        different_duplicate,
        r"'TSM25_Management_Info': landlord L4172 is listed twice, in rows 12 and \d+, with "
        r"different figures \(CH01_1_Numerator_LCRA\); delete the wrong row",
    ),
    "the combined perception sheet missing": (
        without_combined_perception,
        r"no sheet holds the Data Dictionary's table 'TSM25_Combined_Perception'.*check that the "
        r"workbook is the RSH's complete full-data file",
    ),
}


@pytest.mark.parametrize("variant", list(STOPS))
def test_a_variant_stops_the_add_and_writes_nothing(variant, tmp_path):
    change, message = STOPS[variant]
    workbook = write(change(source()), tmp_path / "variant.xlsx")
    out = tmp_path / "out"
    code, said, err = add(workbook, out)
    assert code == 1 and said == ""
    assert re.search(message, err), err
    assert err.rstrip().endswith("nothing was written")
    assert not out.exists() or list(out.iterdir()) == []


def test_without_the_combined_sheet_and_its_dictionary_rows_combined_perception_is_absent(
    tmp_path,
):
    sheets = without_combined_perception(source())
    dictionary = rows_of(sheets, "Data Dictionary")
    dictionary[:] = [r for r in dictionary if r[0] != "TSM25_Combined_Perception"]
    code, _, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out")
    assert code == 0, err
    ours = read(tmp_path / "out" / "2024-25", "perception_tp09.csv")
    committed = read(COMMITTED / "2024-25", "perception_tp09.csv")
    assert ours.equals(committed.filter(pl.col("stock_type") != "combined"))
    assert_same_as_committed(tmp_path / "out" / "2024-25", ("management_info.csv",))


# ---------------------------------------------------------------------------------------------
# The year, and editions side by side
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plain(tmp_path_factory) -> Path:
    """The 2024/25 workbook as published, and one whose sheets say 2025/26 (TSM26_)."""
    base = tmp_path_factory.mktemp("plain")
    write(source(), base / "2024-25.xlsx")
    later = [
        (
            n.replace("TSM25", "TSM26"),
            [[for_year(c, "26") if isinstance(c, str) else c for c in r] for r in rows],
        )
        for n, rows in source()
    ]
    write(later, base / "2025-26.xlsx")
    return base


@pytest.mark.parametrize("given", ["2024/25", "2024-2025", " 2024-25 ", "2024/2025"])
def test_the_year_in_other_forms(given, plain, tmp_path):
    code, said, err = add(plain / "2024-25.xlsx", tmp_path, "--year", given)
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024-25"]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("2025", r"--year '2025' is not a reporting year; give it as 2024-25"),
        ("2024-2026", r"a reporting year runs over two consecutive years, e.g. 2024-25"),
        ("2025-26", r"its sheets are for 2024-25 .*not 2025-26; check the workbook or --year"),
    ],
)
def test_a_year_that_is_ambiguous_or_wrong_stops(given, message, plain, tmp_path):
    code, said, err = add(plain / "2024-25.xlsx", tmp_path, "--year", given)
    assert code == 1 and re.search(message, err), err
    assert list(tmp_path.iterdir()) == []


def test_a_second_year_sits_beside_the_first_and_the_same_year_again_replaces_it(
    plain, tmp_path, monkeypatch, capsys
):
    out = tmp_path / "rsh"
    assert add(plain / "2024-25.xlsx", out)[0] == 0
    first = (out / "2024-25" / "management_info.csv").read_bytes()
    assert add(plain / "2025-26.xlsx", out)[0] == 0
    assert sorted(p.name for p in out.iterdir()) == ["2024-25", "2025-26"]
    assert (out / "2024-25" / "management_info.csv").read_bytes() == first  # not overwritten
    # The same year again, from a workbook with one figure changed: replaced whole.
    sheets = source()
    rows = rows_of(sheets, MI)
    index = columns(rows, lambda t: t.startswith("LCRA") and "(CH01 1 Numerator)" in t)[0]
    rows[header_at(rows) + 1][index] += 1
    assert add(write(sheets, tmp_path / "v2.xlsx"), out)[0] == 0
    assert sorted(p.name for p in out.iterdir()) == ["2024-25", "2025-26"]  # nothing left over
    assert (out / "2024-25" / "management_info.csv").read_bytes() != first
    assert (
        json.loads((out / "2024-25" / "edition.json").read_text())["workbook"]["name"] == "v2.xlsx"
    )
    # A failed add of that year leaves it as it was.
    assert add(write(marker("..")(source()), tmp_path / "bad.xlsx"), out)[0] == 1
    assert (
        json.loads((out / "2024-25" / "edition.json").read_text())["workbook"]["name"] == "v2.xlsx"
    )
    monkeypatch.setenv(editions.ROOT_ENV, str(out))
    editions.clear_cache()
    try:
        assert complaints(["rsh", "list"]) == 0
        listed = capsys.readouterr().out
        assert "2024/25: v2.xlsx, 360 landlords" in listed
        assert "2025/26: 2025-26.xlsx, 360 landlords" in listed
        assert editions.available_years() == ["2024-25", "2025-26"]
        assert editions.sector_year_for("2025-26") == "2025-26"
        assert editions.sector_year_for("2026-27") == "2025-26"  # the latest earlier
        assert editions.sector_year_for("2023-24") is None  # never a later one
    finally:
        editions.clear_cache()


# ---------------------------------------------------------------------------------------------
# The rules, without a workbook
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "year"),
    [
        ("TSM27_Management_Info", "2026-27"),
        ("Management_Info_TSM25", "2024-25"),
        ("LCRA Perception 2025-26", "2025-26"),
        ("LCRA 2025/26", "2025-26"),
        ("LCRA 2025-2026", "2025-26"),
        ("Data Dictionary", None),
        ("Cover 2025", None),  # a bare year says nothing about which reporting year
        ("LCRA 2025-27", None),
    ],
)
def test_the_year_a_sheet_name_carries(name, year):
    assert sheet_year(name) == year


@pytest.mark.parametrize(
    ("value", "read"),
    [
        ("1,234", 1234),
        (" 7 ", 7),
        ("12.5%", 12.5),
        ("70.0", 70),
        ("[x]", "[X]"),
        ("x", "x"),  # unknown text is kept; the extract stops on it where a number belongs
        ("5,000-40,000", "5,000-40,000"),
        (None, ""),
    ],
)
def test_a_cell_is_read_as_it_shows(value, read):
    assert cell(value) == read
