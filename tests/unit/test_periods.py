import datetime as dt

import pytest

from pipeline.periods import ReportingYear, parse_quarter


def test_reporting_year_runs_april_to_march():
    year = ReportingYear.parse("2024-25")
    assert (year.start, year.end, year.label) == (
        dt.date(2024, 4, 1),
        dt.date(2025, 3, 31),
        "2024/25",
    )


@pytest.mark.parametrize("key", ["2024-25", "2024/25", "2024"])
def test_reporting_year_accepts_common_spellings(key):
    assert ReportingYear.parse(key).key == "2024-25"


def test_bad_year_key_is_refused():
    with pytest.raises(ValueError, match="not like 2024-25"):
        ReportingYear.parse("24-25")


def test_containing_puts_march_in_the_previous_year():
    assert ReportingYear.containing(dt.date(2025, 3, 31)).key == "2024-25"
    assert ReportingYear.containing(dt.date(2025, 4, 1)).key == "2025-26"


def test_quarters_and_months_tile_the_year():
    year = ReportingYear.parse("2024-25")
    quarters = year.quarters()
    assert [q.key for q in quarters] == [f"2024-25-Q{n}" for n in range(1, 5)]
    assert quarters[3].start == dt.date(2025, 1, 1) and quarters[3].end == dt.date(2025, 3, 31)
    months = year.months()
    assert months[10].key == "2025-02" and months[10].end == dt.date(2025, 2, 28)
    assert parse_quarter("2024-25-Q2").start == dt.date(2024, 7, 1)
