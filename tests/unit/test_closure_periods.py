"""A closure of several days is one landlord.yaml entry: `{date: first day, to: last day}`.

Ashdown Vale Homes closes from Christmas Eve to 2 January. landlord.yaml took one day per entry,
so its analyst had to type five entries (and work out which days were not weekends or bank
holidays already); `to:` was refused as "not allowed here".
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
import yaml

from pipeline.calendar import add_wd, build_calendar, is_working_day, wd
from pipeline.config import Landlord
from pipeline.reporting.policy_sections import closure_rows
from tests.fixtures.ingest.workspaces import LANDLORD_YAML

D = dt.date


def _landlord(closures: str) -> Landlord:
    raw = yaml.safe_load(LANDLORD_YAML.format(landlord_id="test_homes"))
    raw["closures"] = yaml.safe_load(closures)
    return Landlord.model_validate(raw)


RANGE = "[{date: 2024-12-24, to: 2025-01-02, reason: Christmas closure}]"


def test_every_day_of_the_period_is_closed() -> None:
    closures = _landlord(RANGE).closures
    for day in (D(2024, 12, 24), D(2024, 12, 27), D(2024, 12, 30), D(2024, 12, 31), D(2025, 1, 2)):
        assert not is_working_day(day, "eng", closures), day
    assert is_working_day(D(2024, 12, 23), "eng", closures)
    assert is_working_day(D(2025, 1, 3), "eng", closures)
    # Mon 23 Dec to Fri 3 Jan: only the Friday is a working day
    assert wd(D(2024, 12, 23), D(2025, 1, 3), "eng", closures) == 1
    assert add_wd(D(2024, 12, 20), 2, "eng", closures) == D(2025, 1, 3)


def test_the_warehouse_calendar_closes_every_day_of_it() -> None:
    con = duckdb.connect()
    build_calendar(con, _landlord(RANGE).closures)
    closed = con.execute(
        "select day from wd_calendar where regime = 'eng' and holiday = 'Landlord closure' order by 1"
    ).fetchall()
    assert [d for (d,) in closed] == [
        D(2024, 12, 24), D(2024, 12, 27), D(2024, 12, 28), D(2024, 12, 29), D(2024, 12, 30),
        D(2024, 12, 31), D(2025, 1, 2),
    ]  # fmt: skip


def test_the_annual_report_names_the_period() -> None:
    assert closure_rows(_landlord(RANGE)) == [
        ["24 December 2024 to 2 January 2025", "England, Scotland", "Christmas closure"]
    ]


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="closures.0.to"):
        _landlord("[{date: 2025-01-02, to: 2024-12-24}]")
