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
        ("2024-04-01 23:30:00 -0500", dt.date(2024, 4, 1)),
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
