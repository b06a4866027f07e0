"""The annual report's sector comparison: data year, size band and peers beside every comparison,
the year's own RSH data else the latest earlier (said so), the quartile history, the OGL attribution.
"""

from __future__ import annotations

import duckdb
import pytest

from pipeline.benchmarks import write_benchmark_history
from pipeline.periods import ReportingYear
from pipeline.reporting import render
from pipeline.reporting.sample import build_sample_database
from pipeline.reporting.trace import plain
from pipeline.rsh.editions import edition

OGL = "Contains public sector information licensed under the Open Government Licence v3.0."


@pytest.fixture
def sample():
    con = duckdb.connect()
    landlord = build_sample_database(con)
    yield con, landlord
    con.close()


def sections_of(con, landlord, year: str, tmp_path) -> dict:
    sections, _ = render.annual_report_sections(
        con, landlord, ReportingYear.parse(year), published=False, workspace=tmp_path
    )
    return {s.id: s for s in sections}


def texts(section) -> list[str]:
    return [b.text for b in section.blocks if b.kind in ("text", "note")]


def lcra_sector(con, measure: str, period: str) -> str:
    """Display of one LCRA ``benchmark_*`` row (sector_all) of the measures table."""
    return con.execute(
        "select display from measures where measure = ? and period = ? and view = 'sector_all'"
        " and breakdown_value = 'lcra'",
        [measure, period],
    ).fetchone()[0]


def table(section, table_id: str) -> str:
    return next(
        plain(str(b.table.html))
        for b in section.blocks
        if b.kind == "table" and b.table.table_id == table_id
    )


def test_every_comparison_carries_its_year_band_and_peers(sample, tmp_path):
    con, landlord = sample
    sections = sections_of(con, landlord, "2024-25", tmp_path)
    summary, sector = sections["summary"], sections["sector"]
    assert "RSH Tenant Satisfaction Measures 2024/25 full data" in texts(summary)[0]
    assert "landlords of our size (10,000-24,999 homes)" in texts(summary)[0]
    headline = table(summary, "tbl-headline")
    assert "RSH 2024/25 data; size band 10,000-24,999 homes" in headline
    # the sector median of LCRA CH02 stage 1 and the landlords it is the median of
    n = lcra_sector(con, "benchmark_CH02_1_n", "2024-25")
    assert n == "353" and f"89.9 ({n})" in headline
    assert f"89.9 ({n})" in table(sector, "tbl-sector")
    assert edition("2024-25").attribution in texts(sector)
    assert edition("2024-25").attribution.startswith(OGL)


def test_the_quartile_position_over_the_years(sample, tmp_path):
    con, landlord = sample
    history = table(sections_of(con, landlord, "2024-25", tmp_path)["sector"], "tbl-sector-history")
    # The sample has 2023-24 and 2024-25 figures; only 2024/25 RSH data is published, and an
    # earlier year is never compared with a later year's data.
    assert "2023/24" in history and "2024/25" in history
    assert "not added" in history and "none published" not in history
    position = lcra_sector(con, "benchmark_CH02_1_position", "2024-25")
    assert f"{position} (of 353)" in history


def test_history_with_an_edition_per_year(sample, tmp_path, use_rsh_editions):
    con, landlord = sample
    write_benchmark_history(con, landlord.landlord_id, "2024-25")
    history = table(sections_of(con, landlord, "2024-25", tmp_path)["sector"], "tbl-sector-history")
    assert "not added" not in history
    positions = con.execute(
        "select period, display from measures where measure = 'benchmark_CH02_1_position'"
        " and view = 'sector_all' and breakdown_value = 'lcra' order by period"
    ).fetchall()
    assert [p for p, _ in positions] == ["2023-24", "2024-25"]
    assert f"{positions[0][1]} (of 352)" in history  # 2023/24: one blank CH02 numerator fewer
    notes = texts(sections_of(con, landlord, "2024-25", tmp_path)["sector"])
    assert edition("2023-24").attribution in notes and edition("2024-25").attribution in notes


def test_a_later_year_says_its_figures_are_the_latest_published(sample, tmp_path):
    con, landlord = sample
    # Move the sample's 2024-25 figures to 2025-26: the RSH has not published 2025/26 data.
    con.execute(
        "update measures set period = '2025-26', period_start = period_start + interval 1 year,"
        " period_end = period_end + interval 1 year where period = '2024-25'"
    )
    con.execute("update stock set year_end = year_end + interval 1 year")
    write_benchmark_history(con, landlord.landlord_id, "2025-26")
    sections = sections_of(con, landlord, "2025-26", tmp_path)
    said = texts(sections["summary"])[0]
    assert said.startswith(
        "Figures for low-cost rental (LCRA) homes. Sector figures for 2024/25, the latest RSH "
        "data this report holds (none for 2025/26 has been added): RSH Tenant Satisfaction "
        "Measures 2024/25 full data"
    )
    assert "RSH 2024/25 data, the latest held" in table(sections["summary"], "tbl-headline")


def test_an_earlier_year_is_never_compared_with_later_data(sample, tmp_path):
    con, landlord = sample
    write_benchmark_history(con, landlord.landlord_id, "2023-24")
    sections = sections_of(con, landlord, "2023-24", tmp_path)
    said = texts(sections["summary"])[0]
    assert "No RSH sector figures for 2023/24 or an earlier year have been added" in said
    headline = table(sections["summary"], "tbl-headline")
    # issue 19: the 2024/25 medians (53.9, 8.3, 89.9, 88.9, 35.5) were shown for 2023-24
    for median in ("53.9", "89.9", "88.9", "35.5"):
        assert median not in headline
    sector = sections["sector"]
    assert not any(OGL in t for t in texts(sector))  # no RSH data used, none cited
    assert not [b for b in sector.blocks if b.kind == "table"]  # no table of blanks


def test_a_report_of_an_added_years_edition_shows_that_years_quartiles(
    sample, tmp_path, use_rsh_editions
):
    # With the (synthesised) 2023/24 edition added, the 2023-24 report compares with it, says so
    # and cites it; its CH02 stage 1 median is of 352 landlords (one blank numerator left out).
    con, landlord = sample
    write_benchmark_history(con, landlord.landlord_id, "2023-24")
    sections = sections_of(con, landlord, "2023-24", tmp_path)
    said = texts(sections["summary"])[0]
    assert "RSH Tenant Satisfaction Measures 2023/24 full data" in said
    assert "latest published" not in said
    headline = table(sections["summary"], "tbl-headline")
    assert "RSH 2023/24 data; size band 10,000-24,999 homes" in headline
    median = lcra_sector(con, "benchmark_CH02_1_median", "2023-24")
    assert f"{median} (352)" in headline
    assert edition("2023-24").attribution in texts(sections["sector"])


def test_a_landlord_under_1000_homes_is_told_which_band_it_is_compared_with(sample, tmp_path):
    """The RSH's smallest band is 1,000-2,499 homes (smaller landlords do not report to it): a
    703-home landlord is not told those are 'landlords of our size'."""
    con, landlord = sample
    homes = con.execute("select count(*) from stock").fetchone()[0]
    con.execute("update stock set units_owned = ?", [700 // homes])
    write_benchmark_history(con, landlord.landlord_id, "2024-25")
    summary = texts(sections_of(con, landlord, "2024-25", tmp_path)["summary"])[0]
    assert "landlords of our size" not in summary
    assert "the smallest size band in the RSH's data (1,000-2,499 homes; we own" in summary
    assert (
        "landlords with fewer than 1,000 homes do not report their measures to the RSH" in summary
    )
