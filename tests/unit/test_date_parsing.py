"""Date cells as exports write them: the mapping's formats, ISO, times and offsets, Excel serials."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from pipeline.sources.fields import Context, _parse_date

CTX = Context(("%d/%m/%Y",), True, dt.date(2025, 4, 30), None)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("01/04/2024", dt.date(2024, 4, 1)),
        ("2024-04-01", dt.date(2024, 4, 1)),
        ("01/04/2024 10:30", dt.date(2024, 4, 1)),
        ("01/04/2024 9:05:59 pm", dt.date(2024, 4, 1)),
        ("2024-04-01T10:30:00", dt.date(2024, 4, 1)),
        ("2024-04-01T10:30:00.000Z", dt.date(2024, 4, 1)),
        ("2024-04-01T23:30:00+01:00", dt.date(2024, 4, 1)),
        # an instant with an offset is a moment: its date is the date in the UK (-05:00 23:30 is
        # 05:30 on 2 April in London)
        ("2024-04-01 23:30:00 -0500", dt.date(2024, 4, 2)),
        ("2024-05-12T23:20:00Z", dt.date(2024, 5, 13)),  # 00:20 BST on Monday 13 May
        ("2024-12-12T23:20:00Z", dt.date(2024, 12, 12)),  # GMT: the same day
        ("2025-03-31T23:30:00.000Z", dt.date(2025, 4, 1)),  # BST from 30 March: next year's
        ("2024-10-27T00:30:00Z", dt.date(2024, 10, 27)),  # 01:30 BST, clocks go back at 02:00
        ("45383", dt.date(2024, 4, 1)),  # Excel serial
        ("31/02/2024", None),
        ("TBC", None),
        ("2024-04-01T10:30:00 Europe/London", None),
    ],
)
def test_date_cells(cell: str, expected: dt.date | None) -> None:
    sql = _parse_date("x", CTX)
    con = duckdb.connect()
    query = f"select {sql} from (select $cell as x)"  # noqa: S608 - compiled from literals
    assert con.execute(query, {"cell": cell}).fetchone() == (expected,)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2024-05-12T23:20:00Z", dt.date(2024, 5, 13)),
        ("2024-05-12T10:20:00Z", dt.date(2024, 5, 12)),
        ("2024-09-31T10:12:00Z", None),
    ],
)
def test_utc_instants_are_uk_dates_even_with_a_literal_z_in_the_format(
    cell: str, expected: dt.date | None
) -> None:
    # A case system exporting UTC ('...Z', e.g. Casebook) with the mapping's date_formats written
    # to match it: the 'Z' in the format must not make the UTC date the date received (day 0 is
    # the date received in England or Scotland, design.md s5).
    ctx = Context(("%Y-%m-%dT%H:%M:%SZ",), False, dt.date(2025, 4, 30), None)
    con = duckdb.connect()
    query = f"select {_parse_date('x', ctx)} from (select $cell as x)"  # noqa: S608
    assert con.execute(query, {"cell": cell}).fetchone() == (expected,)
