"""The RSH TSM return and the SHR ARC return: field codes, values from measures, [U], safety."""

import csv
import datetime as dt
import time

import duckdb
import openpyxl
import pytest

from pipeline.config import Landlord
from pipeline.measures import MEASURES_DDL
from pipeline.returns import write_arc_return, write_tsm_return

TIMESCALES = {
    "stage_1": {"acknowledge_wd": 5, "respond_wd": 10, "extension_wd": 10},
    "stage_2": {"acknowledge_wd": 5, "respond_wd": 20, "extension_wd": 20},
}


def make_landlord(regimes=("eng",), summary="Postal census, February 2025."):
    return Landlord.model_validate(
        {
            "landlord_id": "test_ll",
            "name": "Test Housing",
            "regimes": list(regimes),
            "stock": [{"year_end": "2025-03-31", "stock_type": "lcra", "units_owned": 2000}],
            "tsm_summary_of_approach": summary,
            "policy_versions": [
                {
                    "effective_from": "2024-04-01",
                    "escalation_window": {"months_after_stage1_response": 1},
                    "timescales": {r: TIMESCALES for r in regimes},
                }
            ],
        }
    )


def measure_row(measure, stock, numerator, denominator, value, display, unit, breakdown=None):
    return [
        "test_ll",
        "year",
        "2024-25",
        dt.date(2024, 4, 1),
        dt.date(2025, 3, 31),
        measure,
        breakdown or ("stock_type" if stock != "all" else "none"),
        stock,
        "regulator",
        numerator,
        denominator,
        value,
        display,
        unit,
    ]


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute(MEASURES_DDL)
    rows = [
        measure_row("CH01_1", "lcra", 120, 2000, 60.0, "60.0", "per_1000"),
        measure_row("CH02_1", "lcra", 100, 120, 100 / 120 * 100, "83.3", "percent"),
        measure_row("CH02_1_without_ext", "lcra", 90, None, 90, "90", "count"),
        measure_row("CH02_1_with_ext", "lcra", 10, None, 10, "10", "count"),
        measure_row("CH01_2", "lcra", 0, 2000, 0.0, "0.0", "per_1000"),
        measure_row("CH02_2", "lcra", 0, 0, None, "[U]", "percent"),  # zero denominator
        measure_row("CH02_2_without_ext", "lcra", 0, None, 0, "0", "count"),
        measure_row("CH02_2_with_ext", "lcra", 0, None, 0, "0", "count"),
        measure_row("TP09", "lcra", 45.5, 100.5, 45.27, "45.3", "percent"),
        measure_row("TP09_w_very_satisfied", "lcra", 20.25, None, 20.25, "20.3", "count"),
        measure_row("TP09_w_fairly_satisfied", "lcra", 25.25, None, 25.25, "25.3", "count"),
        measure_row("TP09_w_neither", "lcra", 15, None, 15, "15", "count"),
        measure_row("TP09_w_fairly_dissatisfied", "lcra", 20, None, 20, "20", "count"),
        measure_row("TP09_w_very_dissatisfied", "lcra", 20, None, 20, "20", "count"),
        # Another landlord and another period must not leak in.
        ["other", *measure_row("CH01_1", "lcra", 5, 10, 500.0, "500.0", "per_1000")[1:]],
        ["test_ll", "year", "2023-24", dt.date(2023, 4, 1), dt.date(2024, 3, 31), "CH01_1"]
        + ["stock_type", "lcra", "regulator", 5, 10, 500.0, "500.0", "per_1000"],
        # Scottish ARC figures.
        measure_row("ARC_3_1", "all", 38, 40, 95.0, "95.0", "percent"),
        measure_row("ARC_3_in_time_1", "all", 30, 40, 75.0, "75.0", "percent"),
        measure_row("ARC_4_1", "all", 152, 38, 4.0, "4.0", "wd"),
        measure_row("ARC_3_2", "all", 0, 0, None, "[U]", "percent"),
        measure_row("ARC_4_2", "all", 0, 0, None, "[U]", "wd"),
    ]
    con.executemany("insert into measures values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return con


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_tsm_return_csv_has_rsh_codes_and_values_from_measures(con, tmp_path):
    paths = write_tsm_return(con, make_landlord(), "2024-25", tmp_path)
    assert [p.name for p in paths] == ["tsm_return.csv", "tsm_return.xlsx"]
    rows = read_csv(paths[0])
    values = {r["field_code"]: r["value"] for r in rows if r["field_code"]}
    assert values["CH01_1_Numerator_LCRA"] == "120"
    assert values["CH01_1_Denominator_LCRA"] == "2000"
    assert values["CH01_1_Calculated_Value_LCRA"] == "60.0"
    assert values["CH02_1_Numerator_LCRA"] == "100"
    assert values["CH02_1_Denominator_LCRA"] == "120"
    assert values["CH02_1_Calculated_Value_LCRA"] == "83.3"
    assert values["Stg1_comp_without_Ext_LCRA"] == "90"
    assert values["Stg1_comp_with_Ext_LCRA"] == "10"
    assert values["CH02_2_Calculated_Value_LCRA"] == "[U]"  # zero denominator
    assert values["CH02_2_Denominator_LCRA"] == "0"
    assert values["Stg2_comp_without_Ext_LCRA"] == "0"
    assert values["TP09_VS_LCRA"] == "20.3"  # weighted count, as the RSH publishes it
    assert values["TP09_NSD_LCRA"] == "15"
    assert values["TP09_Satisfied_Calc_LCRA"] == "45.3"
    # No LCHO figures in measures: the LCHO fields are present and blank, never 0.
    assert values["CH01_1_Numerator_LCHO"] == ""
    assert values["TP09_Satisfied_Calc_COMB"] == ""
    # Data Dictionary references travel with the codes.
    by_code = {r["field_code"]: r for r in rows}
    assert by_code["CH01_1_Numerator_LCRA"]["datapoint"] == "DP_TSML178"
    assert by_code["TP09_VS_LCRA"]["datapoint"] == "DP_TSML257"
    summary = rows[-1]
    assert summary["section"] == "Summary of approach"
    assert summary["value"] == "Postal census, February 2025."


def test_every_code_is_spelt_as_in_the_data_dictionary(con, tmp_path):
    with open("data/rsh/2024-25/data_dictionary.csv", encoding="utf-8") as handle:
        dictionary = {r["field_code"] for r in csv.DictReader(handle)}
    rows = read_csv(write_tsm_return(con, make_landlord(), "2024-25", tmp_path)[0])
    codes = [r["field_code"] for r in rows if r["field_code"]]
    assert set(codes) <= dictionary
    assert (
        len(codes) == len(set(codes)) == 3 * (2 * 2 * 3 + 4 + 2 + 6)
    )  # per stock: CH 12 + Stg 4 + TP09 filter yes/no 2 + TP09 6
    assert {"TP09_Filter_Yes_LCRA", "TP09_Fiter_No_LCRA"} <= set(codes)


def test_tsm_return_xlsx_reads_back_with_the_same_codes_and_numbers(con, tmp_path):
    paths = write_tsm_return(con, make_landlord(), "2024-25", tmp_path)
    book = openpyxl.load_workbook(paths[1])
    assert book.sheetnames == ["TSM return", "Summary of approach"]
    sheet = book["TSM return"]
    header = [c.value for c in sheet[1]]
    assert header == ["section", "field_code", "datapoint", "description", "value"]
    cells = {row[1]: row[4] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert cells["CH01_1_Numerator_LCRA"] == 120
    assert cells["CH02_1_Calculated_Value_LCRA"] == pytest.approx(83.3)
    assert cells["CH02_2_Calculated_Value_LCRA"] == "[U]"
    assert cells["CH01_1_Numerator_LCHO"] is None
    csv_codes = [r["field_code"] for r in read_csv(paths[0])]
    assert [row[1] or "" for row in sheet.iter_rows(min_row=2, values_only=True)] == csv_codes
    assert book["Summary of approach"]["A2"].value == "Postal census, February 2025."


def test_text_cells_cannot_become_formulas(con, tmp_path):
    landlord = make_landlord(summary='=HYPERLINK("http://x","click")')
    paths = write_tsm_return(con, landlord, "2024-25", tmp_path)
    assert read_csv(paths[0])[-1]["value"] == '\'=HYPERLINK("http://x","click")'
    book = openpyxl.load_workbook(paths[1])
    assert book["Summary of approach"]["A2"].value.startswith("'=")
    assert book["Summary of approach"]["A2"].data_type == "s"


def test_rerun_replaces_the_files_atomically(con, tmp_path):
    first = write_tsm_return(con, make_landlord(), "2024-25", tmp_path)
    before = first[0].read_bytes()
    second = write_tsm_return(con, make_landlord(), "2024-25", tmp_path)
    assert second[0].read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tsm_return.csv", "tsm_return.xlsx"]


def test_tsm_return_only_for_english_stock(con, tmp_path):
    assert write_tsm_return(con, make_landlord(("sct",)), "2024-25", tmp_path) == []
    assert not (tmp_path / "tsm_return.csv").exists()
    assert not (tmp_path / "tsm_return.xlsx").exists()


def test_arc_return_only_for_scottish_stock(con, tmp_path):
    assert write_arc_return(con, make_landlord(("eng",)), "2024-25", tmp_path) == []
    assert not (tmp_path / "arc_return.csv").exists()
    [path] = write_arc_return(con, make_landlord(("eng", "sct")), "2024-25", tmp_path)
    rows = read_csv(path)
    values = {(r["stage"], r["field"]): r["value"] for r in rows}
    assert values[("1", "complaints_received")] == "40"
    assert values[("1", "responded_in_full")] == "38"
    assert values[("1", "percent_responded_in_full")] == "95.0"
    assert values[("1", "responded_within_spso_timescales")] == "30"
    assert values[("1", "total_working_days")] == "152"
    assert values[("1", "mean_working_days")] == "4.0"
    assert values[("2", "complaints_received")] == "0"
    assert values[("2", "percent_responded_in_full")] == "[U]"
    assert values[("2", "mean_working_days")] == "[U]"
    # the indicators' lines, below three lines saying whose return and which year it is
    assert [r["field"] for r in rows[:3]] == ["landlord", "reporting_year", "data_cut"]
    assert {r["indicator"] for r in rows[3:]} == {"3", "4"}


@pytest.mark.parametrize(
    ("lcra", "lcho", "reported"),
    [
        (2000, 0, {"LCRA"}),
        (2000, 1500, {"LCRA", "LCHO"}),
        (2000, 999, {"LCRA"}),  # LCHO under 1,000: not reported on its own (RSH practice)
        (600, 450, {"COMB"}),  # under 1,000 of each: Combined, like the RSH's two COMB filers
        (971, 2467, {"LCRA", "LCHO"}),  # as RSH landlord 5062 reports
        (0, 1200, {"LCHO"}),
    ],
)
def test_stock_types_reported_follow_the_lcho_threshold(tmp_path, lcra, lcho, reported):
    con = duckdb.connect()
    con.execute(MEASURES_DDL)
    rows = []
    for stock, units in (("lcra", lcra), ("lcho", lcho), ("combined", lcra + lcho)):
        rows.append(measure_row("stock_units", stock, units, None, units, str(units), "count"))
        rows[-1][8] = "all"
        rows.append(measure_row("CH01_1", stock, 10, units, None, "[U]", "per_1000"))
        if units:
            rows[-1][11:13] = [10 / units * 1000, f"{10 / units * 1000:.1f}"]
    con.executemany("insert into measures values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    csv_path = write_tsm_return(con, make_landlord(), "2024-25", tmp_path)[0]
    values = {r["field_code"]: r["value"] for r in read_csv(csv_path) if r["field_code"]}
    for suffix in ("LCRA", "LCHO", "COMB"):
        numerator = values[f"CH01_1_Numerator_{suffix}"]
        assert (numerator == "10") == (suffix in reported), (suffix, numerator)
        if suffix not in reported:
            assert numerator == ""


def test_tsm_return_xlsx_is_byte_identical_for_identical_inputs(con, tmp_path):
    first = write_tsm_return(con, make_landlord(), "2024-25", tmp_path / "a")[1].read_bytes()
    time.sleep(1.05)  # xlsxwriter's default stamp has a one-second resolution
    second = write_tsm_return(con, make_landlord(), "2024-25", tmp_path / "b")[1].read_bytes()
    assert first == second
    book = openpyxl.load_workbook(tmp_path / "a" / "tsm_return.xlsx")
    # the fixed stamp is the day after the year (1 April 2025), not the time of writing
    assert book.properties.created == dt.datetime(2025, 4, 1)
    assert book.properties.modified == dt.datetime(2025, 4, 1)


def test_a_residents_address_in_the_summary_of_approach_is_withheld_from_the_return(con, tmp_path):
    """The summary of approach is written by people and sent to the regulator in both files: an
    address or postcode pasted into it (a respondent's, say) was sent as typed. It is withheld,
    and the data-quality report names the key, never the value."""
    import yaml

    from pipeline.reporting.section8 import _landlord_problems

    summary = "Postal census, February 2025; one reply from 14 Acacia Avenue, Leeds LS6 2QT."
    paths = write_tsm_return(con, make_landlord(summary=summary), "2024-25", tmp_path)
    printed = read_csv(paths[0])[-1]["value"]
    book = openpyxl.load_workbook(paths[1])
    texts = [printed, book["Summary of approach"]["A2"].value]
    texts += [str(c) for row in book["TSM return"].iter_rows(values_only=True) for c in row]
    assert not any("Acacia" in t or "LS6" in t for t in texts)
    assert printed == "Postal census, February 2025; one reply from [contact details withheld]."
    workspace = tmp_path / "ws"
    workspace.mkdir()
    raw = make_landlord(summary=summary).model_dump(mode="json", exclude_defaults=True)
    (workspace / "landlord.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    problems = _landlord_problems(workspace)
    assert [p.split(": 1 personal detail ")[0] for p in problems] == [
        "landlord.yaml: key 'tsm_summary_of_approach'"
    ]
    assert "withheld from the TSM return" in problems[0] and "Acacia" not in problems[0]
