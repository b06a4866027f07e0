"""Benchmarks and TSM returns per edition: the report year's data, else the latest earlier, never later.

Uses the synthesised 2023-24 and 2025-26 editions (tests/fixtures/rsh/editions.py) beside the
committed 2024-25 one, and the committed data alone (where 2024-25 is the only edition).
"""

import csv
import datetime as dt

import duckdb
import polars as pl
import pytest

from pipeline.benchmarks import (
    benchmark_measure_rows,
    sector_benchmarks,
    sector_values,
    write_benchmark_history,
)
from pipeline.config import Landlord
from pipeline.measures import MEASURES_DDL
from pipeline.periods import ReportingYear
from pipeline.returns import NOT_COMPUTED, tsm_return_fields, write_tsm_return
from pipeline.rsh.editions import dictionary_year_for, sector_year_for
from pipeline.rsh.fields import EXTENSION_FIELDS
from tests.fixtures.rsh.editions import NEW_FIELD


def stat(year, measure, stock="lcra", band="all"):
    return (
        sector_benchmarks(year)
        .filter(
            (pl.col("measure") == measure)
            & (pl.col("stock_type") == stock)
            & (pl.col("size_band") == band)
        )
        .row(0, named=True)
    )


def test_the_year_of_the_sector_data_is_never_later_than_the_report():
    # The committed data: 2024-25 only.
    assert sector_year_for("2024-25") == "2024-25"
    assert sector_year_for("2025-26") == "2024-25"  # the latest published
    assert sector_year_for("2023-24") is None  # was 2024-25 (issue 19): never a later year
    assert dictionary_year_for("2023-24") == "2024-25"  # a return needs some fields; it says so


def test_with_three_editions_each_year_uses_its_own(use_rsh_editions):
    assert [
        sector_year_for(y) for y in ("2022-23", "2023-24", "2024-25", "2025-26", "2026-27")
    ] == [
        None,
        "2023-24",
        "2024-25",
        "2025-26",
        "2025-26",
    ]


@pytest.mark.parametrize("year", ["2023-24", "2025-26"])
def test_a_landlord_with_a_blank_ch02_numerator_is_not_a_peer(use_rsh_editions, year):
    # L4240's LCRA CH02 stage 1 numerator is blank, printed as 0 (2023-24) or [U] (2025-26), with a
    # published 0.0: it must not count, so one peer fewer than in 2024/25.
    values = sector_values(year)
    assert (
        values.filter((pl.col("landlord_code") == "L4240") & (pl.col("measure") == "CH02_1"))
        .filter(pl.col("stock_type") == "lcra")
        .is_empty()
    )
    assert stat(year, "CH02_1")["n"] == stat("2024-25", "CH02_1")["n"] - 1 == 352
    # Everything else as 2024/25 (the synthesised editions carry its numbers): the LCHO zeros of
    # landlords without LCHO homes (blanks printed as 0 in 2023-24) are not peers either.
    for measure in ("CH01_1", "CH01_2", "CH02_2", "TP09"):
        for stock in ("lcra", "lcho", "combined"):
            ours, published = stat(year, measure, stock), stat("2024-25", measure, stock)
            assert (ours["n"], ours["median"]) == (published["n"], published["median"]), measure
    assert (values["numerator"] > 0).all() or year == "2025-26"


def test_whole_number_lcho_values_still_give_unrounded_quartiles(use_rsh_editions):
    # 2023-24 publishes LCHO CH01/CH02 as whole numbers; quartiles come from the counts.
    for measure in ("CH01_1", "CH02_2"):
        assert stat("2023-24", measure, "lcho") == {
            **stat("2024-25", measure, "lcho"),
            "year": "2023-24",
        }


@pytest.fixture
def landlord_db():
    """A landlord with CH01 and CH02 stage 1 figures for four years and 3,200 English homes."""
    con = duckdb.connect()
    con.execute(MEASURES_DDL)
    con.execute(
        "create table stock (landlord_id varchar, year_end date, stock_type varchar,"
        " country varchar, units_owned integer)"
    )
    rows = []
    for start, value in ((2022, 80.0), (2023, 85.0), (2024, 95.0), (2025, 99.0)):
        year = ReportingYear(start)
        con.execute(
            "insert into stock values ('x', ?, 'lcra', 'eng', 3200)", [dt.date(start + 1, 3, 31)]
        )
        rows += [
            ["x", "year", year.key, year.start, year.end, "CH02_1", "stock_type", "lcra"]
            + ["regulator", value, 100, value, f"{value:.1f}", "percent"],
            ["x", "year", year.key, year.start, year.end, "CH01_1", "stock_type", "lcra"]
            + ["regulator", 160, 3200, 50.0, "50.0", "per_1000"],
        ]
    con.executemany("insert into measures values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return con


def rows_of(con, period, measure):
    return con.execute(
        "select view, value, display from measures where period = ? and measure = ? order by view",
        [period, measure],
    ).fetchall()


def test_the_report_says_which_year_its_sector_figures_are(landlord_db):
    # Committed data only: 2025-26 compares with 2024/25, one year back; 2023-24 with nothing.
    frame = benchmark_measure_rows(landlord_db, "x", "2025-26")
    year = frame.filter(pl.col("measure") == "benchmark_sector_year").row(0, named=True)
    assert (year["display"], year["value"]) == ("2024/25", 1.0)
    earlier = benchmark_measure_rows(landlord_db, "x", "2023-24")
    assert earlier["measure"].to_list() == ["benchmark_sector_year", "benchmark_size_band"]
    assert earlier["display"].to_list() == ["none", "2,500-9,999 homes"]


def test_history_compares_each_year_with_its_own_edition(landlord_db, use_rsh_editions):
    written = write_benchmark_history(landlord_db, "x", "2025-26")
    assert list(written) == ["2022-23", "2023-24", "2024-25", "2025-26"]
    assert rows_of(landlord_db, "2022-23", "benchmark_sector_year") == [
        ("sector_all", None, "none")
    ]
    for period, label in (("2023-24", "2023/24"), ("2024-25", "2024/25"), ("2025-26", "2025/26")):
        assert rows_of(landlord_db, period, "benchmark_sector_year") == [("sector_all", 0.0, label)]
    peers = dict((v, d) for v, _, d in rows_of(landlord_db, "2023-24", "benchmark_CH02_1_n"))
    assert peers["sector_all"] == "352"  # the blank CH02 numerator left out
    positions = {
        period: rows_of(landlord_db, period, "benchmark_CH02_1_position")[0][2]
        for period in ("2023-24", "2024-25", "2025-26")
    }
    assert positions == {
        "2023-24": "third quartile (below the median)",
        "2024-25": "second quartile (above the median)",
        "2025-26": "top quartile",
    }
    # Rewritten whole and identically on a second run.
    assert write_benchmark_history(landlord_db, "x", "2025-26") == written


# ---------------------------------------------------------------------------------------------
# The TSM return's fields per edition
# ---------------------------------------------------------------------------------------------


def landlord():
    return Landlord.model_validate(
        {
            "landlord_id": "x",
            "name": "X Homes",
            "regimes": ["eng"],
            "stock": [{"year_end": "2025-03-31", "stock_type": "lcra", "units_owned": 3200}],
            "tsm_summary_of_approach": "Telephone sample, autumn.",
            "policy_versions": [
                {
                    "effective_from": "2023-04-01",
                    "escalation_window": {"months_after_stage1_response": 12},
                    "timescales": {
                        "eng": {
                            "stage_1": {"acknowledge_wd": 5, "respond_wd": 10, "extension_wd": 10},
                            "stage_2": {"acknowledge_wd": 5, "respond_wd": 20, "extension_wd": 20},
                        }
                    },
                }
            ],
        }
    )


def dictionary_codes(root, year):
    with open(root / year / "data_dictionary.csv", encoding="utf-8") as handle:
        return [r["field_code"] for r in csv.DictReader(handle)]


def test_each_years_return_has_exactly_that_years_fields(landlord_db, use_rsh_editions):
    for year in ("2023-24", "2024-25", "2025-26"):
        fields = tsm_return_fields(landlord_db, landlord(), year)
        codes = [f.field_code for f in fields if f.field_code]
        in_dictionary = [
            c
            for c in dictionary_codes(use_rsh_editions, year)
            if c.startswith(("CH0", "Stg", "TP09_"))
        ]
        assert sorted(codes) == sorted(in_dictionary), year
        assert fields[0].value == ReportingYear.parse(year).label
        assert "nearest" not in fields[0].description
    codes_2324 = {f.field_code for f in tsm_return_fields(landlord_db, landlord(), "2023-24")}
    assert not any(c.startswith("Stg") for c in codes_2324)  # no extension split in 2023/24
    assert len([c for c in codes_2324 if c]) == 3 * (12 + 8)
    fields_2526 = tsm_return_fields(landlord_db, landlord(), "2025-26")
    new = [f for f in fields_2526 if f.field_code.startswith(NEW_FIELD)]
    assert [f.field_code for f in new] == [f"{NEW_FIELD}_{s}" for s in ("LCRA", "LCHO", "COMB")]
    assert all(f.value is None and f.description.startswith(NOT_COMPUTED) for f in new)
    filled = {f.field_code: f.text() for f in fields_2526}
    assert filled["CH02_1_Calculated_Value_LCRA"] == "99.0"


def test_a_return_without_its_years_edition_says_whose_fields_it_has(landlord_db, tmp_path):
    # Committed data only: 2023-24 has no edition; the 2024/25 fields are used and the file says so.
    path = write_tsm_return(landlord_db, landlord(), "2023-24", tmp_path)[0]
    with open(path, encoding="utf-8-sig", newline="") as handle:
        first = next(csv.DictReader(handle))
    assert first["section"] == "About this return" and first["value"] == "2024/25"
    assert "no 2023/24 edition has been added" in first["description"]
    with open(path, encoding="utf-8-sig", newline="") as handle:
        about = {
            r["description"]: r["value"]
            for r in csv.DictReader(handle)
            if r["section"] == "About this return"
        }
    # the file says whose return it is and for which year, read on its own
    assert about["Reporting year"] == "2023/24"
    assert about["Landlord"] == landlord().name
    assert {f"{f}_LCRA" for f in EXTENSION_FIELDS} <= {
        f.field_code for f in tsm_return_fields(landlord_db, landlord(), "2023-24")
    }
