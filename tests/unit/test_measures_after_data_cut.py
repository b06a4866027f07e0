"""Periods after the data cut: the exports hold nothing after it, so the measures table must not
hold a 0 for a month or quarter that begins later (design.md s6-7: no false figure; a document
reads "not available" where a measure has no row). A period the cut falls in keeps its rows:
flows to the cut, positions at the cut."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from pipeline.measures import compute_measures
from pipeline.measures.testing import code_landlord, create_canonical_schema, generate_canonical
from pipeline.periods import ReportingYear

YEAR = ReportingYear.parse("2024-25")
# The cut falls inside November 2024 and Q3; December, January to March and Q4 begin after it.
CUT = dt.date(2024, 11, 15)


@pytest.fixture(scope="module")
def cut_mid_year():
    con = duckdb.connect()
    create_canonical_schema(con)
    generate_canonical(con, complaints=800)
    landlord = code_landlord(data_cut_date=CUT)
    compute_measures(con, landlord, YEAR)
    yield con, landlord
    con.close()


def _periods(con, landlord, measure: str) -> set[str]:
    rows = con.execute(
        "select distinct period from measures where landlord_id = ? and measure = ? "
        "and breakdown = 'none'",
        [landlord.landlord_id, measure],
    ).fetchall()
    return {period for (period,) in rows}


@pytest.mark.parametrize(
    "measure",
    [
        # flows
        "complaints_received",
        "received_1",
        # positions as at least(period end, cut), which the families leave out after the cut and
        # the scaffold used to fill with 0
        "open_1",
        "overdue_2",
        "open_ombudsman_cases",
        "overdue_learning_actions",
        "overdue_promised_actions",
        "ombudsman_orders_outstanding",
    ],
)
def test_no_row_for_a_period_that_begins_after_the_cut(cut_mid_year, measure):
    con, landlord = cut_mid_year
    periods = _periods(con, landlord, measure)
    after = {"2024-12", "2025-01", "2025-02", "2025-03", "2024-25-Q4"}
    assert not periods & after, sorted(periods & after)
    # the periods the cut falls in, and those before it, keep their row
    assert {"2024-11", "2024-25-Q3", "2024-04", "2024-25-Q1", YEAR.key} <= periods


def test_the_year_trend_has_no_month_after_the_cut(cut_mid_year):
    con, landlord = cut_mid_year
    months = {
        value
        for (value,) in con.execute(
            "select distinct breakdown_value from measures where landlord_id = ? "
            "and period = ? and breakdown = 'month' and measure = 'received_1'",
            [landlord.landlord_id, YEAR.key],
        ).fetchall()
    }
    assert "2024-11" in months and "2024-12" not in months


def test_periods_the_cut_falls_in_count_their_open_stages_at_the_cut(cut_mid_year):
    # November, Q3 and the year all end after the cut, so all three are positions on the cut
    con, landlord = cut_mid_year
    rows = dict(
        con.execute(
            "select period, value from measures where landlord_id = ? and measure = 'open_1' "
            "and breakdown = 'none' and view = 'management' and period in ('2024-11', '2024-25-Q3', ?)",
            [landlord.landlord_id, YEAR.key],
        ).fetchall()
    )
    assert len(rows) == 3 and len(set(rows.values())) == 1 and rows["2024-11"] > 0
