"""A totals line below the data, in a file whose mapping sets no ``footer``, is quarantined as
what it is (``totals_row``), with the key that leaves it out, rather than as a complaint with no
nation, an unreadable date and no received date (Tweed & Cheviot's register: its 'TOTAL' row
with the complaint count under 'S1 Logged' was three quarantine entries, none saying why)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.config import load_landlord
from pipeline.ingest import ingest_workspace

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "ingest"))

import workspaces as ws  # noqa: E402

TWEED = (
    Path(__file__).resolve().parents[1]
    / "fixtures"
    / "ingest"
    / "landlords"
    / "tweed_cheviot_homes"
)
FOOTER = 'footer: {column: "Complaint No.", pattern: "^TOTAL"}\n'


@pytest.fixture
def workspace(tmp_path) -> Path:
    root = tmp_path / TWEED.name
    shutil.copytree(TWEED, root)
    return root


def _quarantine(root: Path) -> list[tuple]:
    con = duckdb.connect()
    ingest_workspace(con, root, load_landlord(root), ws.KEY)
    return con.execute(
        "select source_row, rule, message, raw_value from quarantine order by all"
    ).fetchall()


def test_a_totals_row_without_a_footer_is_named_as_such(workspace) -> None:
    mapping = workspace / "mappings" / "caseflow_register.yaml"
    assert FOOTER in mapping.read_text()
    mapping.write_text(mapping.read_text().replace(FOOTER, ""))
    import openpyxl

    last = openpyxl.load_workbook(workspace / "exports" / "CaseFlow Register.xlsx").active.max_row
    ((row, rule, message, raw),) = _quarantine(workspace)
    assert (row, rule, raw) == (last, "totals_row", None)
    assert "footer" in message and "TOTAL" not in message  # no cell is printed


def test_the_last_row_of_data_is_not_a_totals_row(workspace) -> None:
    # A complaint on the last row whose category begins 'Count' (a real word in a cell) and
    # that breaks a rule is quarantined for that rule, not as a totals line: only a row whose
    # mapped id cell begins so is one.
    import openpyxl

    path = workspace / "exports" / "CaseFlow Register.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book.active
    last = sheet.max_row
    sheet.delete_rows(last)  # the TOTAL row
    sheet.cell(last - 1, 7).value = "Count of repairs missed"
    sheet.cell(last - 1, 2).value = "Cumbria"  # not in the nation codes
    book.save(path)
    got = [(row, rule) for row, rule, *_ in _quarantine(workspace)]
    assert got == [(last - 1, "unknown_code")]
