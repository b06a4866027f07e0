"""A next edition's likely differences that an earlier version misread or refused.

Each variant changes the real 2024/25 workbook (tests/fixtures/rsh/editions.py, helpers of
tests/unit/test_rsh_variants.py); ``complaints rsh add`` must read every figure as the committed
2024/25 extract has it, or stop naming the sheet, the row or column and what to do, with no cell
content of the workbook in its message beyond the column headings.
"""

from __future__ import annotations

import re

import polars as pl
import pytest

from tests.fixtures.rsh.editions import COMMITTED, source_available
from tests.unit.test_rsh_hostile import stops
from tests.unit.test_rsh_variants import (
    MI,
    Sheets,
    add,
    assert_same_as_committed,
    data_sheets,
    header_at,
    rows_of,
    source,
    write,
)

pytestmark = pytest.mark.skipif(
    not source_available(), reason="the RSH 2024/25 workbook is not on this machine"
)

# Footnotes an edition might print below its table, in the landlord code column (the second).
FOOTNOTES = (
    [None, "Source: Regulator of Social Housing, TSM return"],
    [None, "Notes:"],
    [None, "1.", "Figures for LCHO stock are provisional"],
    [None, "Note 3: the combined figures include both stock types"],
)


def footnotes_in_the_code_column(sheets: Sheets) -> Sheets:
    for rows in data_sheets(sheets):
        rows.append([])
        rows.extend(list(row) for row in FOOTNOTES)
    return sheets


def test_footnote_rows_below_the_data_are_not_landlords(tmp_path):
    # Was: each footnote read as a landlord ("SOURCE: REGULATOR OF ...", "NOTES:", "1."): 364
    # landlords, the extra ones with empty figures in every table.
    sheets = footnotes_in_the_code_column(source())
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out" / "2024-25")
    landlords = pl.read_csv(tmp_path / "out" / "2024-25" / "landlords.csv", infer_schema=False)
    assert landlords.height == 360


def test_a_sentence_with_figures_in_the_code_column_stops_the_add_without_quoting_it(tmp_path):
    sheets = source()
    rows = rows_of(sheets, MI)
    at = header_at(rows)
    figures = list(rows[at + 1])
    figures[:2] = ["Average of all landlords", "Sector average (England)"]
    rows.append(figures)
    stops(
        write(sheets, tmp_path / "v.xlsx"),
        tmp_path / "out",
        rf"'{MI}' row {len(rows)}: the 'Landlord code' cell is not a landlord code \(an RSH "
        r"registration number, such as L4240 or 4634, is one word with a digit\); if the row is "
        r"a total or a note, delete it in a copy of the workbook",
    )
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out2")
    assert "Sector average" not in err and "Average of all" not in err


def test_the_committed_extract_has_no_row_without_a_landlord_name():
    # what the footnote rule relies on: every RSH landlord row names its landlord
    landlords = pl.read_csv(COMMITTED / "2024-25" / "landlords.csv", infer_schema=False)
    assert landlords.filter(pl.col("landlord_name").fill_null("") == "").height == 0
    assert all(re.search(r"\d", code) for code in landlords["landlord_code"])
