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
        ("25569", dt.date(1970, 1, 1)),  # the earliest serial read as a date
        # a year typed into a date cell is no serial: 2024 days after 1899-12-30 is 16 July
        # 1905, a date in no reporting year (the complaint loaded and left every measure)
        ("2024", None),
        ("1995", None),
        ("25568", None),
        ("31/02/2024", None),
        ("TBC", None),
        ("2024-04-01T10:30:00 Europe/London", None),
        # UK time named after the time of day: the date as written (was date_unparseable)
        ("01/04/2024 23:30 BST", dt.date(2024, 4, 1)),
        ("12/12/2024 10:15:00 GMT", dt.date(2024, 12, 12)),
        ("01/04/2024 11:30 PM BST", dt.date(2024, 4, 1)),
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


@pytest.mark.parametrize(
    ("formats", "cell", "expected"),
    [
        # DuckDB's %Y reads a two-digit year as the year 24: the date loaded, no reporting year
        # held it, and the complaint was in no measure. Now it is not a date in that format...
        (("%d/%m/%Y",), "03/04/24", None),
        (("%d-%b-%Y",), "3-Apr-24", None),
        (("%Y/%m/%d",), "03/04/24", None),
        (("%d/%m/%Y",), "03/04/24 14:05", None),
        # ... so the next format is tried, whatever the order the mapping lists them in
        (("%d/%m/%Y", "%d/%m/%y"), "03/04/24", dt.date(2024, 4, 3)),
        (("%d/%m/%Y", "%d/%m/%y"), "03/04/24 14:05", dt.date(2024, 4, 3)),
        (("%d/%m/%Y", "%d/%m/%y"), "03/04/2024", dt.date(2024, 4, 3)),
        (("%d-%b-%Y", "%d-%b-%y"), "3-Apr-24", dt.date(2024, 4, 3)),
        (("%d/%m/%y", "%d/%m/%Y"), "3/4/2024", dt.date(2024, 4, 3)),
    ],
)
def test_a_two_digit_year_is_never_the_year_24(
    formats: tuple[str, ...], cell: str, expected: dt.date | None
) -> None:
    ctx = Context(formats, False, dt.date(2025, 4, 30), None)
    con = duckdb.connect()
    query = f"select {_parse_date('x', ctx)} from (select $cell as x)"  # noqa: S608
    assert con.execute(query, {"cell": cell}).fetchone() == (expected,)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("03/04/2024 14:05", dt.date(2024, 4, 3)),
        # Times are ignored, so a format written with the time the export usually shows still
        # reads a cell with seconds, a 12-hour time or no time at all (midnight left out):
        # these were date_unparseable.
        ("03/04/2024 14:05:09", dt.date(2024, 4, 3)),
        ("3/4/2024 2:05 PM", dt.date(2024, 4, 3)),
        ("03/04/2024", dt.date(2024, 4, 3)),
        ("31/02/2024", None),
    ],
)
def test_a_format_with_a_time_reads_the_date_whatever_the_time(
    cell: str, expected: dt.date | None
) -> None:
    ctx = Context(("%d/%m/%Y %H:%M",), False, dt.date(2025, 4, 30), None)
    con = duckdb.connect()
    query = f"select {_parse_date('x', ctx)} from (select $cell as x)"  # noqa: S608
    assert con.execute(query, {"cell": cell}).fetchone() == (expected,)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        # a day written as an ordinal, as letters and some UK case systems write it: no strptime
        # code reads the suffix, so every such date was date_unparseable whatever the mapping
        ("3rd March 2025", dt.date(2025, 3, 3)),
        ("Monday 3rd March 2025", dt.date(2025, 3, 3)),
        ("1st April 2024 10:30", dt.date(2024, 4, 1)),
        ("22ND May 2024", dt.date(2024, 5, 22)),
        ("11th November 2024", dt.date(2024, 11, 11)),
        ("31st February 2025", None),
        ("August 2024", None),
        ("4th", None),
    ],
)
def test_a_day_written_as_an_ordinal_is_read(cell: str, expected: dt.date | None) -> None:
    ctx = Context(("%d/%m/%Y", "%A %d %B %Y", "%d %B %Y"), True, dt.date(2025, 4, 30), None)
    con = duckdb.connect()
    query = f"select {_parse_date('x', ctx)} from (select $cell as x)"  # noqa: S608
    assert con.execute(query, {"cell": cell}).fetchone() == (expected,)


@pytest.mark.parametrize(
    ("formats", "cell", "expected"),
    [
        # September abbreviated 'Sept', as the en_GB locale of current Linux systems writes it:
        # %b reads 'Sep' only, so every September date was date_unparseable
        (("%d-%b-%y",), "03-Sept-24", dt.date(2024, 9, 3)),
        (("%d-%b-%y",), "03-SEPT-24", dt.date(2024, 9, 3)),
        (("%d %b %Y",), "3 Sept. 2024", dt.date(2024, 9, 3)),
        (("%d %b %Y %H:%M",), "3rd Sept 2024 14:05", dt.date(2024, 9, 3)),
        (("%d-%b-%y",), "03-Sep-24", dt.date(2024, 9, 3)),
        (("%d %B %Y",), "3 September 2024", dt.date(2024, 9, 3)),
        (("%d-%b-%y",), "31-Sept-24", None),  # no such day
        (("%d/%m/%Y",), "03-Sept-24", None),  # no month name in the mapping's formats
    ],
)
def test_september_written_sept(formats, cell, expected) -> None:
    ctx = Context(formats, False, dt.date(2025, 4, 30), None)
    con = duckdb.connect()
    query = f"select {_parse_date('x', ctx)} from (select $cell as x)"  # noqa: S608
    assert con.execute(query, {"cell": cell}).fetchone() == (expected,)
