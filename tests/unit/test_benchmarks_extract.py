"""The RSH extract (pipeline/rsh): columns found by their measure code, markers kept, reproducible."""

import filecmp
import importlib.util
from pathlib import Path

import pytest

from pipeline.rsh import extract as rsh_extract
from pipeline.rsh import fields, workbook

ROOT = Path(__file__).resolve().parents[2]
SPEC = importlib.util.spec_from_file_location("extract_rsh", ROOT / "scripts" / "extract_rsh.py")
extract_rsh = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(extract_rsh)


@pytest.mark.parametrize(
    ("title", "code"),
    [
        (
            "LCRA - Number of stage one complaints made by tenants in the relevant stock type "
            "during the reporting year (CH01 1 Numerator)",
            "CH01_1_Numerator_LCRA",
        ),
        # a footnote number and a trailing space after the code
        (
            "LCRA - Number of stage one complaints made by tenants in the relevant stock type "
            "during the reporting year (CH02 1 Denominator)5 ",
            "CH02_1_Denominator_LCRA",
        ),
        (
            "Combined - Proportion of stage two complaints responded to within the Housing "
            "Ombudsman’s Complaint Handling Code timescales (CH02 2)",
            "CH02_2_Calculated_Value_COMB",
        ),
        (
            "LCHO - Out of the number of stage two complaints made by tenants, what number were "
            "responded to within Complaint Handling Code timescales – with the use of the 20 day "
            "extension",
            "Stg2_comp_with_Ext_LCHO",
        ),
        (
            "LCRA - Out of the number of stage one complaints made by tenants, what number were "
            "responded to within Complaint Handling Code timescales – without the use of the 10 "
            "day extension 5",
            "Stg1_comp_without_Ext_LCRA",
        ),
        ("Number of anti-social behaviour cases, opened per 1,000 homes (NM01 1)", None),
    ],
)
def test_management_info_columns_are_matched_by_code(title, code):
    assert fields.management_info_field(workbook.clean(title)) == code


@pytest.mark.parametrize(
    ("title", "code"),
    [
        (
            "Number of respondents who report that they are very satisfied with their landlord’s "
            "approach to complaints handling (TP09)7",
            "TP09_VS_LCHO",
        ),
        (
            "Number of respondents who report that they are neither satisfied nor dissatisfied "
            "with their landlord’s approach to complaints handling (TP09)",
            "TP09_NSD_LCHO",
        ),
        (
            "Proportion of respondents who report that they are satisfied with their landlord’s "
            "approach to complaints handling (TP09)7",
            "TP09_Satisfied_Calc_LCHO",
        ),
        (
            "Number of respondents who report that they have not made a complaint to their "
            "landlord in the last 12 months",
            "TP09_Fiter_No_LCHO",  # the RSH's own spelling
        ),
        (
            "Number of respondents who report that they are very satisfied with the service "
            "provided by their landlord (TP01)",
            None,
        ),
    ],
)
def test_perception_columns_are_matched_by_code(title, code):
    assert fields.perception_field(workbook.clean(title), "LCHO") == code


def test_cells_keep_the_rsh_markers_apart():
    assert workbook.cell("[X]") == "[X]"
    assert workbook.cell(" [U] ") == "[U]"
    assert workbook.cell(None) == ""
    assert workbook.cell(4281.0) == 4281
    assert workbook.cell(124.8) == 124.8


def test_extract_reproduces_the_committed_csvs(tmp_path):
    if not extract_rsh.DEFAULT_WORKBOOK.is_file():
        pytest.skip(f"the RSH workbook is not on this machine ({extract_rsh.DEFAULT_WORKBOOK})")
    assert extract_rsh.main([str(extract_rsh.DEFAULT_WORKBOOK), "--out", str(tmp_path)]) == 0
    meta = rsh_extract.extract(extract_rsh.DEFAULT_WORKBOOK, None, tmp_path / "again")
    assert meta["year"] == "2024-25" and meta["rows"]["management_info"] == 359 * 3
    committed = ROOT / "data" / "rsh" / "2024-25"
    for name in rsh_extract.FILES:
        assert filecmp.cmp(tmp_path / "2024-25" / name, committed / name, shallow=False), name
        assert filecmp.cmp(tmp_path / "again" / "2024-25" / name, committed / name), name
