"""The returns and benchmark assets, invoked directly on a tmp workspace and warehouse."""

import csv
import datetime as dt

import dagster as dg
import duckdb
import pytest
import yaml

from pipeline.defs.benchmarks.assets import sector_benchmarks
from pipeline.defs.returns.assets import arc_return, tsm_return
from pipeline.measures import MEASURES_DDL
from pipeline.resources import ComplaintsStore

TIMESCALES = {
    "stage_1": {"acknowledge_wd": 5, "respond_wd": 10, "extension_wd": 10},
    "stage_2": {"acknowledge_wd": 5, "respond_wd": 20, "extension_wd": 20},
}


def make_store(tmp_path, landlord_id, regimes, data_cut=None):
    workspace = tmp_path / "workspaces" / landlord_id
    workspace.mkdir(parents=True)
    config = {
        "landlord_id": landlord_id,
        "name": "Test Housing",
        "regimes": regimes,
        "stock": [{"year_end": "2025-03-31", "stock_type": "lcra", "units_owned": 2000}],
        "tsm_summary_of_approach": "Telephone sample, January 2025.",
        "policy_versions": [
            {
                "effective_from": "2024-04-01",
                "escalation_window": {"months_after_stage1_response": 1},
                "timescales": {r: TIMESCALES for r in regimes},
            }
        ],
    }
    if data_cut is not None:
        config["data_cut_date"] = data_cut
    (workspace / "landlord.yaml").write_text(yaml.safe_dump(config))
    store = ComplaintsStore(
        workspaces_root=str(tmp_path / "workspaces"), output_root=str(tmp_path / "out")
    )
    path = store.warehouse(landlord_id)
    path.parent.mkdir(parents=True)
    con = duckdb.connect(str(path))
    con.execute(MEASURES_DDL)
    con.execute(
        "create table stock (landlord_id varchar, year_end date, stock_type varchar,"
        " country varchar, units_owned integer)"
    )
    con.execute("insert into stock values (?, '2025-03-31', 'lcra', 'eng', 2000)", [landlord_id])
    row = [landlord_id, "year", "2024-25", dt.date(2024, 4, 1), dt.date(2025, 3, 31)]
    con.executemany(
        "insert into measures values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [
                *row,
                "CH01_1",
                "stock_type",
                "lcra",
                "regulator",
                110,
                2000,
                55.0,
                "55.0",
                "per_1000",
            ],
            [*row, "CH02_1", "stock_type", "lcra", "regulator", 99, 110, 90.0, "90.0", "percent"],
            [*row, "ARC_3_1", "none", "all", "regulator", 9, 10, 90.0, "90.0", "percent"],
            [*row, "ARC_4_1", "none", "all", "regulator", 36, 9, 4.0, "4.0", "wd"],
        ],
    )
    con.close()
    return store


def context(store, landlord_id):
    key = dg.MultiPartitionKey({"landlord": landlord_id, "year": "2024-25"})
    return dg.build_asset_context(partition_key=key, resources={"store": store})


def test_tsm_return_asset_writes_both_files_with_headlines(tmp_path):
    store = make_store(tmp_path, "test_ll", ["eng"])
    result = tsm_return(context(store, "test_ll"))
    folder = store.documents("test_ll", "2024-25")
    assert (folder / "tsm_return.csv").is_file() and (folder / "tsm_return.xlsx").is_file()
    assert result.metadata["CH01_1_Calculated_Value_LCRA"] == "55.0"
    assert result.metadata["CH02_1_Calculated_Value_LCRA"] == "90.0"
    # 3 stock types x (CH01/CH02 x 2 stages x 3 + Stg 4 + TP09 filter 2 + TP09 6) + the summary
    assert result.metadata["row_count"] == 5 + 3 * 24 + 1  # + the edition and identity lines


@pytest.mark.parametrize("asset", [tsm_return, arc_return])
def test_no_return_for_a_year_the_data_cut_falls_in(tmp_path, asset):
    """The UI's partition picker offers the year in progress: a return built on its first
    months would be read as the year's, so the run fails saying what to do."""
    store = make_store(tmp_path, "test_ll", ["eng", "sct"], data_cut="2024-11-30")
    with pytest.raises(dg.Failure) as failed:
        asset(context(store, "test_ll"))
    assert "test_ll 2024-25: 2024-25 is in progress at the data cut (30 November 2024)" in (
        failed.value.description
    )
    assert "exports taken after 31 March 2025" in failed.value.description
    assert not store.documents("test_ll", "2024-25").exists() or not any(
        store.documents("test_ll", "2024-25").iterdir()
    )


def test_arc_return_asset_only_for_scottish_stock(tmp_path):
    english = make_store(tmp_path / "a", "eng_only", ["eng"])
    assert arc_return(context(english, "eng_only")).metadata["row_count"] == 0
    assert not (english.documents("eng_only", "2024-25") / "arc_return.csv").exists()
    scottish = make_store(tmp_path / "b", "with_sct", ["eng", "sct"])
    result = arc_return(context(scottish, "with_sct"))
    path = scottish.documents("with_sct", "2024-25") / "arc_return.csv"
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = {(r["stage"], r["field"]): r["value"] for r in csv.DictReader(handle)}
    assert rows[("1", "percent_responded_in_full")] == "90.0"
    assert rows[("1", "mean_working_days")] == "4.0"
    # the file names its landlord and year, read on its own
    assert rows[("", "reporting_year")] == "2024/25" and ("", "landlord") in rows
    assert result.metadata["stage1_complaints_received"] == "10"


def test_sector_benchmarks_asset_writes_benchmark_rows(tmp_path):
    store = make_store(tmp_path, "test_ll", ["eng"])
    result = sector_benchmarks(context(store, "test_ll"))
    assert result.metadata["row_count"] == 2 + 2 * 2 * 5  # year and band rows + 2 measures
    with duckdb.connect(str(store.warehouse("test_ll")), read_only=True) as con:
        median = con.execute(
            "select value from measures where measure = 'benchmark_CH01_1_median'"
            " and view = 'sector_all' and breakdown_value = 'lcra'"
        ).fetchone()[0]
    assert median == pytest.approx(53.9)
