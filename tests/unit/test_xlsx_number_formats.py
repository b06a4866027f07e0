"""XLSX numbers whose format pads them with zeros read as Excel shows them (``001234``).

A case system that stores references as numbers formats the column ``000000``: the cell holds
1234 and everyone sees ``001234``. Read as the stored number, the reference was another case
than the same ``001234`` in a CSV export (a stage, survey or promised action lost its complaint).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from pipeline.sources import xlsx_reader
from pipeline.sources.xlsx_formats import padded_format
from pipeline.sources.xlsx_reader import read_xlsx_text


def _workbook(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Complaints"
    sheet.append(["HomeMaster complaints report"])
    sheet.append([None, "Ref", "Handler", "Logged", "Amount", "Note"])
    rows = [
        (1234, 77, dt.date(2024, 5, 1), 12.5, 42),
        (98, 5, dt.date(2024, 5, 2), 3, "text"),
        ("000555", "H9", dt.date(2024, 5, 3), 0, None),
        (1234567, 12, dt.date(2024, 5, 4), 1, 7),
    ]
    for ref, handler, logged, amount, note in rows:
        sheet.append([None, ref, handler, logged, amount, note])
    for row in range(3, 7):
        sheet.cell(row, 2).number_format = "000000"
        sheet.cell(row, 3).number_format = '"HND-"0000'
        sheet.cell(row, 4).number_format = "dd/mm/yyyy"
        sheet.cell(row, 5).number_format = "#,##0.00"
    sheet.cell(3, 6).number_format = "0"  # a bare 0 shows the number as stored
    workbook.save(path)
    return path


EXPECTED = [
    (3, "001234", "HND-0077", "2024-05-01", "12.5", "42"),
    (4, "000098", "HND-0005", "2024-05-02", "3", "text"),
    (5, "000555", "H9", "2024-05-03", "0", None),
    (6, "1234567", "HND-0012", "2024-05-04", "1", "7"),
]


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
def test_zero_padded_numbers_read_as_excel_shows_them(tmp_path, monkeypatch, reader):
    path = _workbook(tmp_path / "report.xlsx")
    if reader == "openpyxl":

        def broken(*args, **kwargs):
            raise RuntimeError("calamine unavailable")

        monkeypatch.setattr(xlsx_reader.fastexcel, "read_excel", broken)
    frame = read_xlsx_text(path, sheet="Complaints", header_row=2, shown="report.xlsx")
    got = frame.select(
        pl.col("__row").cast(pl.Int64), "Ref", "Handler", "Logged", "Amount", "Note"
    ).rows()
    assert got == EXPECTED


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ("000000", ("", 6, "")),
        ("00000;-00000", ("", 5, "")),
        ('"CMP-"0000', ("CMP-", 4, "")),
        ("\\C000", ("C", 3, "")),
        ("[Blue]0000", ("", 4, "")),
        ("0", None),
        ("0.00", None),
        ("#,##0", None),
        ("dd/mm/yyyy", None),
        ("General", None),
    ],
)
def test_only_formats_of_zeros_pad(code, shown):
    assert padded_format(code) == shown
