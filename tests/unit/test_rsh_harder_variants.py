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

from tests.fixtures.rsh.editions import source_available
from tests.unit.test_rsh_variants import (
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
