"""Which year end's stock a year's rates per 1,000 homes divide by (design.md s6 CH01).

A completed year divides by the homes owned at its own year end, and a year without that count
fails the blocking stock check (the return cannot be made). A year the data cut falls in has no
year-end count yet: its quarterly and monthly committee packs divide by the previous year end's,
and the measures say so (``stock_previous_year_end``) so the pack can tell its readers.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from pipeline.measures import compute_measures
from pipeline.measures.sanity import sanity_failures, warning_failures
from pipeline.measures.testing import code_landlord, create_canonical_schema, generate_canonical
from pipeline.periods import ReportingYear

STOCK_2024 = [  # homes owned at 31 March 2024 only
    {"year_end": dt.date(2024, 3, 31), "stock_type": "lcra", "units_owned": 1900},
    {"year_end": dt.date(2024, 3, 31), "stock_type": "lcho", "units_owned": 480},
]
YEAR = ReportingYear.parse("2024-25")


def _measures(cut: dt.date, stock: list[dict], *, survey: bool = True):
    con = duckdb.connect()
    create_canonical_schema(con)
    generate_canonical(con, complaints=600)
    if not survey:
        con.execute("delete from tp09_response")
    landlord = code_landlord(data_cut_date=cut, stock=stock)
    compute_measures(con, landlord, YEAR)
    return con, landlord


def _row(con, measure: str, period: str, breakdown_value: str = "all"):
    return con.execute(
        "select numerator, denominator, value from measures "
        "where measure = ? and period = ? and breakdown_value = ?",
        [measure, period, breakdown_value],
    ).fetchone()


@pytest.fixture(scope="module")
def in_progress():
    con, landlord = _measures(dt.date(2024, 11, 15), STOCK_2024)
    yield con, landlord
    con.close()


@pytest.mark.parametrize("period", ["2024-25", "2024-25-Q2", "2024-11"])
def test_a_year_in_progress_divides_by_the_previous_year_ends_stock(in_progress, period):
    con, _ = in_progress
    numerator, denominator, value = _row(con, "CH01_1", period, "lcra")
    assert denominator == 1900
    assert value == pytest.approx(numerator / 1900 * 1000)
    assert _row(con, "CH01_1", period, "combined")[1] == 1900 + 480
    assert _row(con, "stock_previous_year_end", period)[2] == 1


def test_a_year_in_progress_passes_the_blocking_stock_check(in_progress):
    con, landlord = in_progress
    assert not sanity_failures(
        con, landlord.landlord_id, YEAR, "stock_for_every_stock_type_with_complaints"
    )


def test_a_year_in_progress_is_not_warned_of_a_survey_wave_still_to_come():
    con, landlord = _measures(dt.date(2024, 11, 15), STOCK_2024, survey=False)
    assert not warning_failures(con, landlord, YEAR, "tsm_survey_responses_in_year")
    # the same year once ended, with its count: warned
    stock = [{**row, "year_end": dt.date(2025, 3, 31)} for row in STOCK_2024]
    con, ended = _measures(dt.date(2025, 4, 30), stock, survey=False)
    assert warning_failures(con, ended, YEAR, "tsm_survey_responses_in_year")


def test_a_year_with_its_own_count_uses_it_even_in_progress():
    stock = [
        *STOCK_2024,
        {"year_end": dt.date(2025, 3, 31), "stock_type": "lcra", "units_owned": 2000},
    ]
    con, _ = _measures(dt.date(2024, 11, 15), stock)
    assert _row(con, "CH01_1", "2024-25", "lcra")[1] == 2000
    assert _row(con, "CH01_1", "2024-25", "lcho")[1] == 0  # a missing type is not carried over
    assert _row(con, "stock_previous_year_end", "2024-25")[2] == 0


def test_a_completed_year_without_its_count_still_fails_the_stock_check():
    con, landlord = _measures(dt.date(2025, 4, 30), STOCK_2024)
    assert _row(con, "CH01_1", "2024-25", "lcra")[1] == 0
    assert _row(con, "stock_previous_year_end", "2024-25")[2] == 0
    failures = sanity_failures(
        con, landlord.landlord_id, YEAR, "stock_for_every_stock_type_with_complaints"
    )
    assert {row[3] for row in failures} == {"lcra", "lcho"}


@pytest.mark.parametrize(
    ("cut", "expected"),
    [
        (dt.date(2025, 4, 30), None),  # ended: the year's own count or none
        (dt.date(2024, 11, 15), dt.date(2024, 3, 31)),  # in progress: the previous year end's
        (dt.date(2024, 3, 31), None),  # begins after the cut: no figures, no count carried
    ],
)
def test_the_landlord_names_the_same_year_end(cut, expected):
    landlord = code_landlord(data_cut_date=cut, stock=STOCK_2024)
    assert landlord.stock_year_end_for(YEAR.start, YEAR.end, cut) == expected
