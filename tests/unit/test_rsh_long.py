"""An edition laid out one row per landlord and stock type (a "long" layout) reads as the RSH's own.

The RSH's workbook has one row per landlord and one column per field and stock type ("LCRA - ...
(CH01 1 Numerator)", "LCHO - ...", "Combined - ..."; a perception sheet per stock type). An edition
may instead give each landlord a row per stock type, a column saying which ("Stock type" = LCRA /
LCHO / Combined) and one column per field without the stock type in its heading. Each variant here
rewrites the real 2024/25 workbook (tests/fixtures/rsh/editions.py) that way, its Data Dictionary
kept as published or listing each field once (``CH01_1_Numerator``), and ``complaints rsh add`` must
store every figure the wide edition of the same data gives; a long sheet it cannot read stops the
add naming the sheet, the row and the column, never a cell's text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest

from pipeline.rsh.fields import without_stock
from pipeline.rsh.workbook import clean, heading_key
from tests.fixtures.rsh.editions import COMMITTED, source_available
from tests.unit.test_rsh_hostile import stops
from tests.unit.test_rsh_variants import (
    COMPARED,
    MI,
    PERCEPTION,
    Sheets,
    add,
    assert_same_as_committed,
    fractions,
    header_at,
    numbers_as_text,
    rows_of,
    source,
    write,
)

pytestmark = pytest.mark.skipif(
    not source_available(), reason="the RSH 2024/25 workbook is not on this machine"
)

STOCKS = ("LCRA", "LCHO", "Combined")
STOCK_PREFIX = re.compile(r"^(LCRA|LCHO|Combined) - (.*)$", re.DOTALL)
SUFFIX = {"LCRA": "LCRA", "LCHO": "LCHO", "Combined": "COMB"}
# the stock type as an edition may word it in its stock-type column
WORDS = {
    "LCRA": "Low cost rental accommodation",
    "LCHO": "Low cost home ownership",
    "Combined": "Combined",
}
# landlord columns every data sheet has, before the stock-type column (name, code), and after it
# in the management sheet (type, URL, size band, region, supported housing, notes from the RSH)
LANDLORD = 2
OWN = 6


def _cells(row: list, width: int) -> list:
    return [row[i] if i < len(row) else None for i in range(width)]


def _key(title: object) -> str:
    """A heading as the sheets of different stock types share it (stock type, footnote left out)."""
    return heading_key(without_stock(clean(title)))


def long_management_rows(
    rows: list[list], stock_heading: str = "Stock type", words: dict | None = None
) -> tuple[list, list[list]]:
    """(header, rows) of the management sheet laid out one row per landlord and stock type: the
    landlord's own columns, the stock type, then each stock-type field once, without "LCRA - "."""
    at = header_at(rows)
    header = rows[at]
    own = [i for i, t in enumerate(header) if not STOCK_PREFIX.match(str(t or ""))]
    fields: dict[str, dict[str, int]] = {}  # heading without the stock type -> stock -> column
    titles: dict[str, str] = {}
    for i, title in enumerate(header):
        found = STOCK_PREFIX.match(str(title or ""))
        if found:
            fields.setdefault(heading_key(found.group(2)), {})[found.group(1)] = i
            titles.setdefault(heading_key(found.group(2)), found.group(2))
    long_header = [
        *(header[i] for i in own[:LANDLORD]),
        stock_heading,
        *(header[i] for i in own[LANDLORD:]),
        *titles.values(),
    ]
    out = []
    for row in rows[at + 1 :]:
        row = _cells(row, len(header))
        if row[1] is None:
            continue  # the empty rows below the table
        for stock in STOCKS:
            out.append(
                [
                    *(row[i] for i in own[:LANDLORD]),
                    (words or {}).get(stock, stock),
                    *(row[i] for i in own[LANDLORD:]),
                    *(row[fields[k][stock]] for k in titles),
                ]
            )
    return long_header, out


def long_perception_rows(sheets: Sheets, words: dict | None = None) -> tuple[list, list[list]]:
    """(header, rows) of the three perception sheets as one, a row per landlord and stock type:
    the union of their headings (the tenant population's without its stock type)."""
    headers, keys, titles = {}, [], {}
    for name in PERCEPTION:
        rows = rows_of(sheets, name)
        headers[name] = rows[header_at(rows)]
        for title in headers[name]:
            if title is not None and _key(title) not in titles:
                keys.append(_key(title))
                population = clean(title).startswith("Relevant tenant population")
                titles[_key(title)] = without_stock(clean(title)) if population else clean(title)
    long_header = [
        *(titles[k] for k in keys[:LANDLORD]),
        "Stock type",
        *(titles[k] for k in keys[LANDLORD:]),
    ]
    out = []
    for name, stock in zip(PERCEPTION, STOCKS, strict=True):
        rows = rows_of(sheets, name)
        at = header_at(rows)
        where = {_key(t): i for i, t in enumerate(headers[name]) if t is not None}
        for row in rows[at + 1 :]:
            row = _cells(row, len(headers[name]))
            if row[1] is None:
                continue
            values = [row[where[k]] if k in where else None for k in keys]
            out.append([*values[:LANDLORD], (words or {}).get(stock, stock), *values[LANDLORD:]])
    return long_header, out


def _replace_table(rows: list[list], header: list, body: list[list]) -> None:
    at = header_at(rows)
    rows[at:] = [header, *body]


def unsuffixed(dictionary: list[list], table: str, into: str | None = None) -> list[list]:
    """The dictionary listing each complaint field of ``table`` once, without its stock type:
    ``CH01_1_Numerator_LCRA`` / ``_LCHO`` / ``_COMB`` as ``CH01_1_Numerator`` with the heading
    without "LCRA - ", and the tenant population once; other stock types' rows left out."""
    out = []
    for row in dictionary:
        row = list(row)
        if not row or row[0] != table or not isinstance(row[2], str):
            out.append(row)
            continue
        code = row[2]
        found = re.match(r"^((?:CH\d\d|Stg\d_comp|TP09)_\w+?)_(LCRA|LCHO|COMB)$", code)
        if found:
            if found.group(2) != "LCRA":
                continue
            row[1], row[2] = without_stock(clean(row[1])), found.group(1)
        elif code.startswith("Relevant_ten_pop_size"):
            row[1], row[2] = without_stock(clean(row[1])), "Relevant_ten_pop_size"
        out.append(row)
    if into:
        out = [[into, *r[1:]] if r and r[0] == table else r for r in out]
    return out


def long_management(
    dictionary: str = "as published",
    stock_heading: str = "Stock type",
    words: dict | None = None,
    by_stock: bool = False,
):
    """The management sheet laid out long; ``dictionary`` "as published" (its codes per stock type
    and "LCRA - ..." headings) or "once" (each field once, without the stock type); ``by_stock``:
    all LCRA rows first, then LCHO, then combined."""

    def change(sheets: Sheets) -> Sheets:
        rows = rows_of(sheets, MI)
        header, body = long_management_rows(rows, stock_heading, words)
        if by_stock:
            column = header.index(stock_heading)
            order = [(words or {}).get(s, s) for s in STOCKS]
            body.sort(key=lambda r: order.index(r[column]))
        _replace_table(rows, header, body)
        if dictionary == "once":
            table = rows_of(sheets, "Data Dictionary")
            table[:] = unsuffixed(table, MI)
        return sheets

    return change


def long_perception(dictionary: str = "as published", words: dict | None = None):
    """The three perception sheets as one ("TSM25_Perception"), laid out long; the dictionary's
    three perception tables as that one, "as published" or each field "once"."""

    def change(sheets: Sheets) -> Sheets:
        header, body = long_perception_rows(sheets, words)
        title = [
            list(r)
            for r in rows_of(sheets, PERCEPTION[0])[: header_at(rows_of(sheets, PERCEPTION[0]))]
        ]
        title[0] = ["TSM25 Perception"]
        table = rows_of(sheets, "Data Dictionary")
        if dictionary == "once":
            table[:] = unsuffixed(table, PERCEPTION[0], "TSM25_Perception")
            table[:] = [r for r in table if not (r and r[0] in PERCEPTION[1:])]
        else:
            table[:] = [
                ["TSM25_Perception", *r[1:]] if r and r[0] in PERCEPTION else list(r) for r in table
            ]
        out = [(n, rows) for n, rows in sheets if n not in PERCEPTION[1:]]
        at = next(i for i, (n, _) in enumerate(out) if n == PERCEPTION[0])
        out[at] = ("TSM25_Perception", [*title, header, *body])
        return out

    return change


def one_long_sheet(dictionary: str = "as published"):
    """The management information and the three perception tables as one sheet ("TSM25_Data"),
    one row per landlord and stock type, and one dictionary table: a landlord's stock type with
    management figures but no survey has its perception cells empty, and the reverse."""

    def change(sheets: Sheets) -> Sheets:
        mi_header, mi_body = long_management_rows(rows_of(sheets, MI))
        tp_header, tp_body = long_perception_rows(sheets)
        mi_keys = [_key(t) for t in mi_header]
        extra = [i for i, t in enumerate(tp_header) if _key(t) not in mi_keys]
        header = [*mi_header, *(tp_header[i] for i in extra)]
        rows: dict[tuple, list] = {}
        for row in mi_body:
            rows[(str(row[1]), row[2])] = [*row, *([None] * len(extra))]
        for row in tp_body:
            found = rows.get((str(row[1]), row[2]))
            if found is None:  # a survey but no management information: the landlord's columns
                found = [None] * len(header)
                for i, key in enumerate(_key(t) for t in tp_header):
                    if key in mi_keys[: LANDLORD + 1 + OWN]:
                        found[mi_keys.index(key)] = row[i]
                rows[(str(row[1]), row[2])] = found
            for j, i in enumerate(extra):
                found[len(mi_header) + j] = row[i]
        table = rows_of(sheets, "Data Dictionary")
        if dictionary == "once":
            table[:] = unsuffixed(table, MI, "TSM25_Data")
            table[:] = unsuffixed(table, PERCEPTION[0], "TSM25_Data")
            table[:] = [r for r in table if not (r and r[0] in PERCEPTION[1:])]
        else:
            table[:] = [
                ["TSM25_Data", *r[1:]] if r and r[0] in (MI, *PERCEPTION) else list(r)
                for r in table
            ]
        mi = rows_of(sheets, MI)
        title = [list(r) for r in mi[: header_at(mi)]]
        title[0] = ["TSM25 Data"]
        out = [(n, r) for n, r in sheets if n not in (MI, *PERCEPTION)]
        out.insert(3, ("TSM25_Data", [*title, header, *rows.values()]))
        return out

    return change


def read(folder: Path, name: str) -> pl.DataFrame:
    return pl.read_csv(folder / name, infer_schema=False)


def assert_same_figures(folder: Path) -> None:
    """Every stored figure as the committed 2024/25 extract has it, whatever the rows' order."""
    keys = {
        "management_info.csv": ["landlord_code", "stock_type"],
        "perception_tp09.csv": ["landlord_code", "stock_type"],
        "landlords.csv": ["landlord_code"],
    }
    for name in COMPARED:
        ours = read(folder, name).sort(keys[name])
        committed = read(COMMITTED / "2024-25", name).sort(keys[name])
        assert ours.columns == committed.columns, name
        assert ours.height == committed.height, name
        for column in committed.columns:
            differ = ours.filter(ours[column].fill_null("") != committed[column].fill_null(""))
            assert differ.height == 0, (name, column, differ.head(3).to_dicts())


def merged_landlord_cells(sheets: Sheets) -> Sheets:
    """The long management sheet with each landlord's own cells (code, name, type, size band,
    region, notes) on its first stock type's row only, as cells merged down its three rows are."""
    sheets = long_management()(sheets)
    rows = rows_of(sheets, MI)
    at = header_at(rows)
    for row in rows[at + 1 :]:
        if row[LANDLORD] != STOCKS[0]:
            row[:LANDLORD] = [None] * LANDLORD
            row[LANDLORD + 1 : LANDLORD + 1 + OWN] = [None] * OWN
    return sheets


def merge_landlord_cells(workbook) -> None:
    sheet = workbook[MI]
    at = next(r for r in range(1, 40) if sheet.cell(r, 1).value == "Landlord name")
    for first in range(at + 1, sheet.max_row + 1, len(STOCKS)):
        for column in (*range(1, LANDLORD + 1), *range(LANDLORD + 2, LANDLORD + 2 + OWN)):
            sheet.merge_cells(
                start_row=first, start_column=column, end_row=first + 2, end_column=column
            )


LONG = {
    "management information, the dictionary as published": (long_management(), None, True),
    "management information, each field listed once (CH01_1_Numerator)": (
        long_management("once"),
        None,
        True,
    ),
    "management information under 'Tenure', stock types in words, rows by stock type": (
        long_management(stock_heading="Tenure", words=WORDS, by_stock=True),
        None,
        True,
    ),
    "management information, the stock type under 'Type' (told by its values)": (
        long_management(stock_heading="Type"),
        None,
        True,
    ),
    "management information, a landlord's cells merged down its stock types' rows": (
        merged_landlord_cells,
        merge_landlord_cells,
        True,
    ),
    "the three perception sheets as one, the dictionary as published": (
        long_perception(),
        None,
        True,
    ),
    "the three perception sheets as one, each field listed once, stock types in words": (
        long_perception("once", WORDS),
        None,
        True,
    ),
    "management information with numbers stored as text ('1,234', '70.2%')": (
        lambda sheets: long_management()(numbers_as_text(sheets)),
        None,
        True,
    ),
    "the three perception sheets as one, percentages stored as fractions": (
        lambda sheets: long_perception()(fractions(sheets)),
        None,
        True,
    ),
    # the rows in the management sheet's landlord order: the perception rows' order differs
    "management information and perception on one sheet": (one_long_sheet(), None, False),
    "management information and perception on one sheet, each field listed once": (
        one_long_sheet("once"),
        None,
        False,
    ),
}


@pytest.mark.parametrize("variant", list(LONG))
def test_one_row_per_landlord_and_stock_type_is_read_as_the_wide_edition(variant, tmp_path):
    # Was: "the Data Dictionary lists 48 field(s) with no column in the sheet ...; the sheet has a
    # 'Stock type' column: one row per landlord and stock type is a layout the product does not
    # read" (and with the landlord cells merged down, every LCHO and combined figure was dropped).
    change, finish, same_order = LONG[variant]
    workbook = write(change(source()), tmp_path / "long.xlsx", finish)
    code, said, err = add(workbook, tmp_path / "out")
    assert code == 0, err
    folder = tmp_path / "out" / "2024-25"
    assert_same_figures(folder)
    if same_order:
        assert_same_as_committed(folder)
    meta = json.loads((folder / "edition.json").read_text())
    long_sheets = [s for s in meta["sheets"].values() if "stock_type_column" in s]
    assert long_sheets and {s["stock_type_column"] for s in long_sheets} <= {
        "Stock type",
        "Tenure",
        "Type",
    }
    committed = json.loads((COMMITTED / "2024-25" / "edition.json").read_text())
    for kept in ("fields", "absent_fields", "published_decimals", "blank_input", "rows"):
        assert meta[kept] == committed[kept], kept
    if "fractions" in variant:  # rescaled per stock type, the three sharing one column
        assert meta["rescaled"]["TP09"]["stock_types"] == ["lcra", "lcho", "combined"]
    assert {k: v["mismatched"] for k, v in meta["checks"].items() if "mismatched" in v} == {
        k: v["mismatched"] for k, v in committed["checks"].items() if "mismatched" in v
    }


def test_the_return_of_an_edition_listing_each_field_once_has_every_stock_types_field(
    tmp_path, monkeypatch
):
    # The TSM return takes its fields from the year's dictionary: listed once
    # (CH01_1_Numerator), each is the return's field of each stock type, as the RSH's codes are.
    from pipeline.returns import return_dictionary
    from pipeline.rsh import editions

    workbook = write(one_long_sheet("once")(source()), tmp_path / "long.xlsx")
    assert add(workbook, tmp_path / "out")[0] == 0
    found = {}
    for root in (COMMITTED, tmp_path / "out"):
        monkeypatch.setenv(editions.ROOT_ENV, str(root))
        editions.clear_cache()
        found[root] = return_dictionary("2024-25")[1]
    editions.clear_cache()
    ours, published = found[tmp_path / "out"], found[COMMITTED]
    assert sorted(ours) == sorted(published)
    assert all(ours[c]["field_code"] == c for c in ours)
    # the datapoint of each field is the one the edition lists for it (its LCRA one)
    assert all(
        ours[c]["datapoint"] == published[c]["datapoint"] for c in ours if c.endswith("_LCRA")
    )


# ---------------------------------------------------------------------------------------------
# A long sheet that cannot be read stops the add, naming the sheet, the row and the column
# ---------------------------------------------------------------------------------------------


def _first_rows(sheets: Sheets) -> tuple[list[list], int]:
    rows = rows_of(sheets, MI)
    return rows, header_at(rows)


@pytest.mark.parametrize(
    ("content", "what"), [(None, "is empty"), ("General needs", "does not name a stock type")]
)
def test_a_row_without_a_stock_type_stops_the_add_naming_row_and_column(content, what, tmp_path):
    sheets = long_management()(source())
    rows, at = _first_rows(sheets)
    rows[at + 5][LANDLORD] = content  # the second landlord's LCHO row (spreadsheet row at + 6)
    stops(
        write(sheets, tmp_path / "v.xlsx"),
        tmp_path / "out",
        rf"'{MI}' row {at + 6}: the 'Stock type' cell \(column C\) {what}; in this sheet each "
        r"landlord has one row per stock type, so each row must say LCRA, LCHO or Combined",
    )
    if content:  # the cell's text is not quoted
        assert content not in add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "again")[2]


def test_a_landlords_stock_type_listed_twice_with_other_figures_stops_the_add(tmp_path):
    sheets = long_management()(source())
    rows, at = _first_rows(sheets)
    copy = list(rows[at + 2])  # the first landlord's LCHO row (spreadsheet row at + 3)
    column = next(i for i, t in enumerate(rows[at]) if "(CH01 1 Numerator)" in str(t))
    copy[column] += 1
    rows.append(copy)
    stops(
        write(sheets, tmp_path / "v.xlsx"),
        tmp_path / "out",
        rf"'{MI}': landlord L4240 \(LCHO\) is listed twice, in rows {at + 3} and {len(rows)}, with "
        r"different figures \(CH01_1_Numerator_LCHO\); delete the wrong row",
    )


def test_a_row_under_another_landlord_without_its_code_is_not_merged_into_the_one_above(
    tmp_path,
):
    # A row with its own landlord name but an empty code right below another landlord's rows is
    # not read as that landlord's (its cells merged down): it stops as a landlord without a code.
    sheets = long_management()(source())
    rows, at = _first_rows(sheets)
    rows[at + 4][1] = None  # the second landlord's LCRA row (spreadsheet row at + 5), its name kept
    stops(
        write(sheets, tmp_path / "v.xlsx"),
        tmp_path / "out",
        rf"'{MI}' row {at + 5}: a landlord name and figures but an empty 'Landlord code' cell",
    )


def test_figures_of_a_stock_type_no_column_is_for_stop_the_add():
    from pipeline.rsh.extract import _Extract
    from pipeline.rsh.fields import MI_FAMILY
    from pipeline.rsh.rows import Columns
    from pipeline.rsh.workbook import Sheet, WorkbookError

    sheet = Sheet(
        "Complaints",
        [
            ("Landlord name", "Landlord code", "Stock type", "Count (CH01 1 Numerator)"),
            ("A", "L1", "LCRA", 4),
            ("A", "L1", "LCHO", 5),
        ],
        header_index=0,
        stock_col=2,
    )
    columns = Columns({"CH01_1_Numerator_LCRA": 3}, [])
    assert _Extract._row_values(sheet, 2, sheet.rows[1], columns, MI_FAMILY, {}) == (
        "LCRA",
        {"CH01_1_Numerator_LCRA": 4},
    )
    with pytest.raises(WorkbookError, match=r"'Complaints' row 3: figures for a stock type"):
        _Extract._row_values(sheet, 3, sheet.rows[2], columns, MI_FAMILY, {})


@pytest.mark.parametrize(
    ("value", "suffix"),
    [
        ("LCRA", "LCRA"),
        (" lcra ", "LCRA"),
        ("Low cost rental accommodation", "LCRA"),
        ("LCHO", "LCHO"),
        ("Low Cost Home Ownership", "LCHO"),
        ("Shared ownership", "LCHO"),
        ("Combined", "COMB"),
        ("COMB", "COMB"),
        ("Combined (LCRA and LCHO)", "COMB"),
        ("LCRA and LCHO", "COMB"),
        ("Both", "COMB"),
        ("All stock", "COMB"),
        ("Total", None),  # a total row is no stock type
        ("General needs", None),
        ("", None),
        (3, None),
    ],
)
def test_the_stock_type_a_cell_names(value, suffix):
    from pipeline.rsh.tables import stock_suffix

    assert stock_suffix(value) == suffix


@pytest.mark.parametrize(
    ("title", "plain"),
    [
        (
            "LCRA - Number of complaints (CH01 1 Numerator)",
            "Number of complaints (CH01 1 Numerator)",
        ),
        (
            "Number of complaints (CH01 1 Numerator) - LCHO",
            "Number of complaints (CH01 1 Numerator)",
        ),
        ("Relevant tenant population size (Combined)", "Relevant tenant population size"),
        ("Number of complaints (CH01 1 Numerator)", "Number of complaints (CH01 1 Numerator)"),
    ],
)
def test_a_heading_without_its_stock_type(title, plain):
    assert without_stock(title) == plain
