"""The first reporting year of a landlord's data: its "last year" is a year the case system sent
nothing for. compute_measures fills that year too (every count 0, every rate [U]); a document
must not print those as figures ("New complaints received: 2023/24 1,457, 2022/23 0")."""

from __future__ import annotations

import duckdb
import pytest

from pipeline.measures import compute_measures
from pipeline.measures.testing import code_landlord, create_canonical_schema, generate_canonical
from pipeline.periods import ReportingYear
from pipeline.reporting import render
from pipeline.reporting.blocks import NOT_AVAILABLE
from pipeline.reporting.data import Measures, data_begins
from pipeline.reporting.trace import untraced

FIRST, BEFORE = ReportingYear.parse("2024-25"), ReportingYear.parse("2023-24")


@pytest.fixture(scope="module")
def first_year():
    """Complaints from April 2024 (generate_canonical); measures for 2023-24 and 2024-25."""
    con = duckdb.connect()
    create_canonical_schema(con)
    generate_canonical(con, complaints=600)
    landlord = code_landlord()
    compute_measures(con, landlord, [BEFORE, FIRST])
    yield con, landlord
    con.close()


def test_the_year_before_the_data_is_in_the_table_with_zero_counts(first_year):
    # The premise: the table holds the empty year (so this is about what documents show).
    con, landlord = first_year
    [(received,)] = con.execute(
        "select value from measures where landlord_id = ? and period = ? "
        "and measure = 'complaints_received' and breakdown = 'none'",
        [landlord.landlord_id, BEFORE.key],
    ).fetchall()
    assert received == 0


def test_data_begins_with_the_first_month_a_complaint_was_received(first_year):
    con, landlord = first_year
    assert data_begins(con, landlord.landlord_id) == FIRST.start
    assert data_begins(con, "no_such_landlord") is None


def test_documents_do_not_load_a_period_that_ended_before_the_data(first_year):
    con, landlord = first_year
    measures = Measures.load(con, landlord.landlord_id, BEFORE.start, FIRST.end)
    periods = set(measures.frame["period"].unique())
    assert BEFORE.key not in periods and FIRST.key in periods
    assert not any(p.startswith("2023-24-Q") for p in periods)
    assert "2024-04" in periods and "2024-03" not in periods


def test_the_first_years_report_shows_no_zeros_for_last_year(first_year, tmp_path):
    con, landlord = first_year
    paths = render.render_annual_report(
        con, landlord, FIRST, tmp_path / "out", workspace=tmp_path / "ws", pdf=False
    )
    html = untraced(paths["html"].read_text(encoding="utf-8"))
    volumes = html.split("New complaints received (at whichever stage they began)", 1)[1]
    first_row = volumes.split("</tr>", 1)[0]
    cells = [c for c in first_row.replace("<", ">").split(">") if c.strip() and "td" not in c]
    # this year's count, then last year's: not 0, but "not available"
    assert cells[-1].strip() == NOT_AVAILABLE, cells
    assert "the first year with this figure" in html
    assert "no comparable figure for last year" not in html
