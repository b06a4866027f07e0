import datetime as dt

import pytest

from pipeline.periods import ReportingYear, parse_period, parse_quarter, same_period_last_year


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


@pytest.mark.parametrize(
    ("key", "kind", "start", "end"),
    [
        ("2026-03", "month", dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
        ("2024-02", "month", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2025-26-Q4", "quarter", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        ("2025-26-q1", "quarter", dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
        ("2025/26-Q2", "quarter", dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
        ("2025-26", "year", dt.date(2025, 4, 1), dt.date(2026, 3, 31)),
        ("2025/26", "year", dt.date(2025, 4, 1), dt.date(2026, 3, 31)),
        ("2011-12", "year", dt.date(2011, 4, 1), dt.date(2012, 3, 31)),  # not December 2011
        ("1999-00", "year", dt.date(1999, 4, 1), dt.date(2000, 3, 31)),
    ],
)
def test_parse_period_reads_months_quarters_and_years(key, kind, start, end):
    period = parse_period(key)
    assert (period.kind, period.start, period.end) == (kind, start, end)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("2026-13", "months are 01 to 12"),
        ("2026-00", "months are 01 to 12"),
        ("2025-26-Q5", "quarters Q1 to Q4"),
        ("2025-27", "two years follow each other, like 2025-26"),
        ("2025-27-Q1", "two years follow each other, like 2025-26"),
        ("2025/03", "neither a month"),
        ("March 2026", "not a month like 2026-03, a quarter like 2025-26-Q4"),
        ("", "is not a month"),
        ("2026-3", "is not a month"),
    ],
)
def test_parse_period_says_what_it_cannot_read(key, message):
    with pytest.raises(ValueError, match=message) as caught:
        parse_period(key)
    assert f"'{key}'" in str(caught.value)


@pytest.mark.parametrize(
    ("key", "expected"),
    [("2026-03", "2025-03"), ("2025-26-Q4", "2024-25-Q4"), ("2025-26", "2024-25")],
)
def test_same_period_last_year(key, expected):
    assert same_period_last_year(parse_period(key)).key == expected
