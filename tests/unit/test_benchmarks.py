"""Sector benchmarks from the RSH 2024/25 extract: the published medians, bands, positions, rows."""

import csv
import datetime as dt

import duckdb
import numpy as np
import polars as pl
import pytest

from pipeline import benchmarks
from pipeline.benchmarks import (
    landlord_position,
    sector_benchmarks,
    sector_values,
    size_band,
    write_benchmark_measures,
)
from pipeline.measures import MEASURES_DDL
from pipeline.rounding import round_half_up
from pipeline.rsh.editions import rsh_root


def _stat(measure, stock_type="lcra", band="all"):
    frame = sector_benchmarks("2024-25").filter(
        (pl.col("measure") == measure)
        & (pl.col("stock_type") == stock_type)
        & (pl.col("size_band") == band)
    )
    assert frame.height == 1
    return frame.row(0, named=True)


@pytest.mark.parametrize(
    ("measure", "median"),
    [("CH01_1", 53.9), ("CH01_2", 8.3), ("CH02_1", 89.9), ("CH02_2", 88.9), ("TP09", 35.5)],
)
def test_lcra_medians_match_the_published_sector_medians(measure, median):
    # design.md section 7: the RSH's LCRA 2024/25 medians.
    assert _stat(measure)["median"] == median


def test_landlords_without_a_value_are_left_out():
    values = sector_values("2024-25")
    # The workbook: 354 LCRA landlords publish CH01; one has CH02 stage 1 excluded by the RSH ([E]);
    # one LCRA TP09 is [E] so 352 of 353 perception rows count.
    assert _stat("CH01_1")["n"] == 354
    assert _stat("CH02_1")["n"] == 353
    assert _stat("TP09")["n"] == 352
    assert values.filter(
        pl.col("measure") == "CH02_1", pl.col("landlord_code") == "00AU"
    ).is_empty()
    assert values["value"].is_not_null().all() and (values["denominator"] > 0).all()


def test_the_quantile_definition_is_the_one_that_reproduces_the_rsh():
    """Why unrounded values and linear interpolation: the alternatives miss a published median."""
    values = sector_values("2024-25").filter(pl.col("stock_type") == "lcra")
    ch01_2 = values.filter(pl.col("measure") == "CH01_2")
    # Median of the published (rounded) values: (8.3 + 8.4) / 2 = 8.35 -> 8.4, not the RSH's 8.3.
    assert round_half_up(float(np.median(ch01_2["published"].to_numpy())), 1) == 8.4
    assert round_half_up(float(np.median(ch01_2["value"].to_numpy())), 1) == 8.3
    # An order statistic instead of interpolation ("nearest", Polars' default, or "lower") gives
    # 54.3 or 53.5 for CH01 stage 1, not the RSH's 53.9.
    ch01_1 = values.filter(pl.col("measure") == "CH01_1")["value"]
    assert round_half_up(ch01_1.quantile(0.5, interpolation="nearest"), 1) == 54.3
    assert round_half_up(ch01_1.quantile(0.5, interpolation="lower"), 1) == 53.5
    assert _stat("CH01_1")["q1"] == round_half_up(float(np.quantile(ch01_1.to_numpy(), 0.25)), 1)


def test_recomputed_values_round_to_the_published_ones():
    values = sector_values("2024-25")
    rounded = values["value"].map_elements(lambda x: round_half_up(x, 1), return_dtype=pl.Float64)
    assert (rounded == values["published"]).all()


def test_quartiles_are_ordered_and_bands_partition_the_sector():
    frame = sector_benchmarks("2024-25")
    assert (frame["q1"] <= frame["median"]).all() and (frame["median"] <= frame["q3"]).all()
    for (measure, stock), group in frame.group_by("measure", "stock_type"):
        every = group.filter(pl.col("size_band") == "all")["n"].item()
        bands = group.filter(pl.col("size_band") != "all")["n"].sum()
        assert every == bands, (measure, stock)
    assert set(frame["size_band"]) == {b for b, _ in benchmarks.SIZE_BANDS} | {"all"}


def test_numbers_are_not_typed_in():
    """The figures come from data/rsh: change the extract and the benchmark changes."""
    with open(rsh_root() / "2024-25" / "management_info.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["stock_type"] == "lcra"]
    assert len(rows) == 359
    # Five LCRA rows are blank ([X]) so their published value is [U]; both markers are kept apart.
    assert sum(1 for r in rows if r["CH01_1_Numerator"] == "[X]") == 5
    assert sum(1 for r in rows if r["CH01_1_Calculated_Value"] == "[U]") == 5


@pytest.mark.parametrize(
    ("homes", "band"),
    [
        (400, "1,000-2,499"),  # under 1,000: compared with the smallest band
        (1_000, "1,000-2,499"),
        (2_499, "1,000-2,499"),
        (2_500, "2,500-9,999"),
        (9_999, "2,500-9,999"),
        (10_000, "10,000-24,999"),
        (25_000, "25,000+"),
        (None, None),
    ],
)
def test_size_bands(homes, band):
    assert size_band(homes) == band


def test_position_of_a_timeliness_figure_is_judged():
    top = landlord_position(99.0, "CH02_1", "lcra")
    assert top.quartile == 4 and top.label == "top quartile" and top.percentile > 75
    bottom = landlord_position(50.0, "CH02_1", "lcra")
    assert bottom.quartile == 1 and bottom.label == "bottom quartile" and bottom.percentile < 25
    assert landlord_position(89.9, "CH02_1", "lcra").label == "at the sector median"
    second = landlord_position(92.0, "TP09", "lcra")
    assert second.label == "top quartile"  # TP09 Q3 is 42.1
    assert landlord_position(40.0, "TP09", "lcra").label == "second quartile (above the median)"
    assert landlord_position(30.0, "TP09", "lcra").label == "third quartile (below the median)"


def test_position_of_a_complaint_rate_is_not_judged():
    high = landlord_position(120.0, "CH01_1", "lcra")
    assert high.label == "higher than the sector median" and high.quartile == 4
    low = landlord_position(10.0, "CH01_1", "lcra")
    assert low.label == "lower than the sector median" and low.quartile == 1
    assert "quartile" not in high.label and "best" not in high.label


def test_position_uses_the_band_of_the_homes_owned():
    small = landlord_position(60.0, "CH01_1", "lcra", 800)
    assert small.size_band == "1,000-2,499"
    assert small.median == _stat("CH01_1", band="1,000-2,499")["median"]
    # compared with its size band's median, so the label names that median, not the sector's
    assert small.label.endswith("the size-band median")
    with pytest.raises(KeyError):
        landlord_position(60.0, "CH01_1", "lcra", "no such band")


def test_benchmark_rows_are_written_into_measures_idempotently():
    con = duckdb.connect()
    con.execute(MEASURES_DDL)
    con.execute(
        "create table stock (landlord_id varchar, year_end date, stock_type varchar,"
        " country varchar, units_owned integer)"
    )
    con.execute(
        "insert into stock values ('x', '2025-03-31', 'lcra', 'eng', 3000),"
        " ('x', '2025-03-31', 'lcho', 'eng', 200), ('x', '2025-03-31', 'lcra', 'sct', 50000)"
    )
    start, end = dt.date(2024, 4, 1), dt.date(2025, 3, 31)
    con.executemany(
        "insert into measures values ('x', 'year', '2024-25', ?, ?, ?, 'stock_type', 'lcra',"
        " 'regulator', ?, ?, ?, ?, ?)",
        [
            [start, end, "CH01_1", 180, 3000, 60.0, "60.0", "per_1000"],
            [start, end, "CH02_1", 171, 180, 95.0, "95.0", "percent"],
            [start, end, "TP09", 0, 0, None, "[U]", "percent"],  # no value: no benchmark rows
        ],
    )
    first = write_benchmark_measures(con, "x", "2024-25")
    second = write_benchmark_measures(con, "x", "2024-25")
    # The year and band rows + 2 measures x 2 scopes (sector, band) x (q1, median, q3, n,
    # position).
    assert first == second == 2 + 2 * 2 * 5
    rows = con.sql(
        "select measure, view, breakdown_value, value, display from measures"
        " where measure like 'benchmark_%' order by all"
    ).pl()
    assert rows.height == first
    band = rows.filter(pl.col("measure") == "benchmark_size_band")
    # 3,200 English homes (Scottish stock is not in the RSH's bands).
    assert band["display"].item().startswith("2,500-9,999")
    median = rows.filter(
        (pl.col("measure") == "benchmark_CH02_1_median") & (pl.col("view") == "sector_all")
    )
    assert median["value"].item() == 89.9 and median["display"].item() == "89.9"
    position = rows.filter(
        (pl.col("measure") == "benchmark_CH02_1_position") & (pl.col("view") == "sector_all")
    )
    assert position["display"].item() == "second quartile (above the median)"
    band_median = rows.filter(
        (pl.col("measure") == "benchmark_CH01_1_median") & (pl.col("view") == "sector_band")
    )
    assert band_median["value"].item() == _stat("CH01_1", band="2,500-9,999")["median"]
    assert rows.filter(pl.col("measure").str.contains("TP09")).is_empty()


def test_too_few_landlords_give_the_number_compared_and_no_quartiles():
    """The RSH's combined-stock CH01 rows hold 2 landlords: their "median" would be one of them,
    so only the number compared is written (the report then says there are too few)."""
    con = duckdb.connect()
    con.execute(MEASURES_DDL)
    con.execute(
        "create table stock (landlord_id varchar, year_end date, stock_type varchar,"
        " country varchar, units_owned integer)"
    )
    con.execute("insert into stock values ('x', '2025-03-31', 'lcra', 'eng', 3000)")
    start, end = dt.date(2024, 4, 1), dt.date(2025, 3, 31)
    con.execute(
        "insert into measures values ('x', 'year', '2024-25', ?, ?, 'CH01_1', 'stock_type',"
        " 'combined', 'regulator', 180, 3000, 60.0, '60.0', 'per_1000')",
        [start, end],
    )
    write_benchmark_measures(con, "x", "2024-25")
    rows = con.sql(
        "select measure, view, value from measures where measure like 'benchmark_CH01_1_%'"
        " order by all"
    ).fetchall()
    assert _stat("CH01_1", stock_type="combined")["n"] < benchmarks.MIN_LANDLORDS_COMPARED
    # (no combined-stock landlord at all in this one's size band: no band row either)
    assert rows == [("benchmark_CH01_1_n", "sector_all", 2.0)]
