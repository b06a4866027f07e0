"""Adding an RSH edition of any year: found by content, absent fields absent, all files or none.

The 2023-24 and 2025-26 editions here are synthesised from the 2024/25 workbook
(tests/fixtures/rsh/editions.py) with the differences issue 19 lists; their numbers are 2024/25's.
"""

import filecmp
import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from pipeline.cli import main as complaints
from pipeline.rsh import editions
from pipeline.rsh.extract import MAX_MISMATCH_SHARE, _check, _field_columns, extract
from pipeline.rsh.fields import CH_FIELDS, EXTENSION_FIELDS, MI_FAMILY, management_info_field
from pipeline.rsh.workbook import (
    Sheet,
    WorkbookError,
    blank_marker_in_notes,
    read_dictionary,
    validate_references,
)
from tests.fixtures.rsh.editions import (
    COMMITTED,
    EDITION_2023_24,
    EDITION_2025_26,
    NEW_FIELD,
    Variant,
    workbook_path,
    write_variant,
)


def read(root: Path, year: str, name: str) -> pl.DataFrame:
    return pl.read_csv(root / year / name, infer_schema=False)


def meta(root: Path, year: str) -> dict:
    return json.loads((root / year / "edition.json").read_text())


# ---------------------------------------------------------------------------------------------
# The two synthesised editions
# ---------------------------------------------------------------------------------------------


def test_a_2023_24_edition_is_found_by_content_without_the_extension_split(rsh_editions):
    info = meta(rsh_editions, "2023-24")
    assert info["year"] == "2023-24"  # from the TSM24_ sheet names, no --year given
    assert info["sheets"]["management_info"]["name"] == "TSM24_Management_Info"
    committed = meta(COMMITTED, "2024-25")
    # header rows moved (notes added above them) and were still found
    assert info["sheets"]["management_info"]["header_row"] != 10
    assert (
        info["sheets"]["data_dictionary"]["header_row"]
        != committed["sheets"]["data_dictionary"]["header_row"]
    )
    # the dictionary's own headings were reworded; its columns were found by their values
    assert info["dictionary"]["columns"]["field_code"] == "Field code"
    # the split did not exist: absent, not an error
    mi = read(rsh_editions, "2023-24", "management_info.csv")
    assert mi.columns == ["landlord_code", "stock_type", *CH_FIELDS]
    assert info["absent_fields"] == EXTENSION_FIELDS
    assert not any(k.startswith("Stg") for k in info["checks"])
    # LCHO published as whole numbers; the checks recomputed them at that precision
    assert info["published_decimals"]["CH01_1"] == {"lcra": 1, "lcho": 0, "combined": 1}
    assert info["checks"]["CH01_1_lcho"] == {"checked": 59, "mismatched": 0, "decimals": 0}
    # blanks printed as 0: said by the notes, no [X] anywhere
    assert info["blank_input"]["marker"] == "0"


def test_swapped_dictionary_rows_are_put_back(rsh_editions):
    info = meta(rsh_editions, "2023-24")
    assert info["dictionary"]["rows_swapped_back"] == {"TSM24_Management_Info": 85}
    ours = read(rsh_editions, "2023-24", "data_dictionary.csv")
    published = read(COMMITTED, "2024-25", "data_dictionary.csv")
    key = ["field_code", "column_heading"]
    joined = ours.join(published, on=key, how="inner", suffix="_2425").filter(
        pl.col("field_code").str.contains("_")
    )
    assert joined.height > 400
    assert (joined["datapoint"] == joined["datapoint_2425"]).all()
    assert (joined["question_ref"] == joined["question_ref_2425"]).all()
    ch = ours.filter(pl.col("field_code").str.starts_with("CH0"))
    assert ch["datapoint"].str.starts_with("DP_TSM").all()


def test_the_2023_24_counts_are_the_workbook_cells_with_blanks_printed_as_0(rsh_editions):
    ours = read(rsh_editions, "2023-24", "management_info.csv")
    published = read(COMMITTED, "2024-25", "management_info.csv")
    counts = [c for c in CH_FIELDS if not c.endswith("Calculated_Value")]
    expected = published.select(
        "landlord_code", "stock_type", *[pl.col(c).replace("[X]", "0") for c in counts]
    )
    expected = expected.with_columns(
        CH02_1_Numerator=pl.when(
            (pl.col("landlord_code") == "L4240") & (pl.col("stock_type") == "lcra")
        )
        .then(pl.lit("0"))  # the planted blank CH02 numerator
        .otherwise("CH02_1_Numerator")
    )
    assert ours.select(expected.columns).equals(expected)


def test_a_2025_26_edition_with_a_new_field_reworded_headings_and_another_sheet_order(
    rsh_editions,
):
    info = meta(rsh_editions, "2025-26")
    assert info["sheets"]["perception_lcra"]["name"] == "TSM26_LCRA_Perception"
    assert info["blank_input"]["marker"] == "[U]"
    mi = read(rsh_editions, "2025-26", "management_info.csv")
    # the known fields in their order, then the edition's new one, found by its dictionary heading
    assert mi.columns[-5:] == [*EXTENSION_FIELDS, NEW_FIELD]
    assert (mi[NEW_FIELD] == mi["CH01_2_Numerator"]).all()
    dictionary = read(rsh_editions, "2025-26", "data_dictionary.csv")
    assert {f"{NEW_FIELD}_{s}" for s in ("LCRA", "LCHO", "COMB")} <= set(dictionary["field_code"])
    # reworded in both the sheet and the dictionary: every known field still found
    assert info["absent_fields"] == []
    assert info["rows"] == meta(COMMITTED, "2024-25")["rows"]


# ---------------------------------------------------------------------------------------------
# All or nothing
# ---------------------------------------------------------------------------------------------


def test_a_year_that_contradicts_the_sheets_stops_and_writes_nothing(rsh_editions, tmp_path):
    workbook = workbook_path(rsh_editions.parent, EDITION_2023_24)
    with pytest.raises(WorkbookError, match="sheets are for 2023-24"):
        extract(workbook, "2024-25", tmp_path / "out")
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_a_failed_extract_leaves_the_previous_folder_and_no_partial_one(rsh_editions, tmp_path):
    # The perception sheets reworded but not their dictionary: TP09's columns cannot be found.
    broken = write_variant(Variant(reword="perception sheet"), tmp_path / "broken.xlsx")
    out = tmp_path / "data"
    shutil.copytree(COMMITTED / "2024-25", out / "2024-25")
    with pytest.raises(WorkbookError) as failure:
        extract(broken, None, out)
    message = str(failure.value)
    assert "TSM25_LCRA_Perception" in message and "TP09_Filter_Yes_LCRA" in message
    assert sorted(p.name for p in out.iterdir()) == ["2024-25"]  # no .partial folder left
    for name in editions.REQUIRED:
        assert filecmp.cmp(out / "2024-25" / name, COMMITTED / "2024-25" / name, shallow=False)


def test_the_issues_partial_folder_is_not_an_edition(tmp_path, monkeypatch):
    shutil.copytree(COMMITTED / "2024-25", tmp_path / "2024-25")
    (tmp_path / "2023-24").mkdir()  # what the old script left behind
    shutil.copy(COMMITTED / "2024-25" / "data_dictionary.csv", tmp_path / "2023-24")
    monkeypatch.setenv(editions.ROOT_ENV, str(tmp_path))
    assert editions.available_years() == ["2024-25"]
    assert editions.sector_year_for("2023-24") is None  # never the later 2024-25


def test_the_cli_adds_and_lists_an_edition(rsh_editions, tmp_path, capsys, monkeypatch):
    workbook = workbook_path(rsh_editions.parent, EDITION_2025_26)
    assert complaints(["rsh", "add", str(workbook), "--out", str(tmp_path)]) == 0
    said = capsys.readouterr().out
    assert "RSH TSM 2025/26 extracted" in said and "management_info: 1077 rows" in said
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2025-26"]
    monkeypatch.setenv(editions.ROOT_ENV, str(tmp_path))
    assert complaints(["rsh", "list"]) == 0
    assert "2025/26: 2025-26.xlsx, 360 landlords" in capsys.readouterr().out
    not_a_workbook = tmp_path / "tsm.xlsx"
    not_a_workbook.write_text("landlord,CH01\n")
    assert complaints(["rsh", "add", str(not_a_workbook), "--out", str(tmp_path)]) == 1
    assert "not a readable .xlsx workbook" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2025-26", "tsm.xlsx"]


# ---------------------------------------------------------------------------------------------
# The rules, on small made-up sheets
# ---------------------------------------------------------------------------------------------

HEADING = "LCRA - Number of stage one complaints made by tenants (CH01 1 Numerator)"
DICTIONARY = {
    "CH01_1_Numerator_LCRA": {"column_heading": HEADING},
    "CH01_1_Denominator_LCRA": {"column_heading": "LCRA - Homes owned (CH01 1 Denominator)"},
}


def sheet(*titles: str) -> Sheet:
    return Sheet("TSM27_Management_Info", [("Landlord name", "Landlord code", *titles)], 0)


def test_columns_are_found_by_dictionary_heading_or_by_measure_code():
    found = _field_columns(
        sheet(HEADING + "5 ", "LCRA - Dwellings (CH01 1 Denominator)"),
        DICTIONARY,
        MI_FAMILY,
        management_info_field,
    )
    assert found.by_code == {"CH01_1_Numerator_LCRA": 2, "CH01_1_Denominator_LCRA": 3}
    # a field's column whose heading is new and has no measure code: found by the dictionary
    new = {"Stg1_comp_refused_LCRA": {"column_heading": "LCRA - Complaints refused"}}
    found = _field_columns(sheet("LCRA - Complaints refused"), new, MI_FAMILY, lambda t: None)
    assert found.by_code == {"Stg1_comp_refused_LCRA": 2}


@pytest.mark.parametrize(
    ("titles", "message"),
    [
        ((HEADING, "LCRA - Again (CH01 1 Numerator)"), "claimed by two columns"),
        ((HEADING,), "lists 1 field"),  # the denominator the dictionary lists is missing
        (
            ("LCRA - Homes owned (CH01 1 Denominator)", "LCRA - x (CH01 2 Numerator)", HEADING),
            None,
        ),
    ],
)
def test_ambiguous_or_missing_columns_stop_the_extract(titles, message):
    if message is None:  # a column the dictionary does not list: kept, and reported
        found = _field_columns(sheet(*titles), DICTIONARY, MI_FAMILY, management_info_field)
        assert found.not_in_dictionary == ["CH01_2_Numerator_LCRA"]
        return
    with pytest.raises(WorkbookError, match=message):
        _field_columns(sheet(*titles), DICTIONARY, MI_FAMILY, management_info_field)


def test_a_heading_and_a_code_that_disagree_stop_the_extract():
    # The dictionary gives this heading to the numerator, the title's code says denominator.
    title = HEADING.replace("Numerator", "Denominator")
    dictionary = {"CH01_1_Numerator_LCRA": {"column_heading": title}}
    with pytest.raises(WorkbookError, match="by its heading and by its measure code"):
        _field_columns(sheet(title), dictionary, MI_FAMILY, management_info_field)


def test_published_values_that_do_not_follow_from_their_counts_stop_the_extract():
    good = [(60.0, 60.04)] * 40
    assert _check("x", good, 1) == {"checked": 40, "mismatched": 0, "decimals": 1}
    shifted = good[:30] + [(60.0, 8.3)] * 10  # a quarter read from the wrong column
    assert 10 > MAX_MISMATCH_SHARE * 40
    with pytest.raises(WorkbookError, match="10 of 40 published values"):
        _check("CH01_1 (lcra)", shifted, 1)


def test_dictionary_columns_are_told_apart_by_their_values():
    rows = [
        ("Data Dictionary",),
        ("Table", "Heading", "Code", "Ref A", "Ref B", "Section"),
        ("TSM27_X", "a (CH01 1 Numerator)", "CH01_1_Numerator_LCRA", "DP_TSML178", "Q1L1C2", "S4"),
        (
            "TSM27_X",
            "b (CH01 1 Denominator)",
            "CH01_1_Denominator_LCRA",
            "Q1L1C3",
            "DP_TSML179",
            "S4",
        ),
        ("TSM27_X", "c", "TP09_VS_LCRA", "DP_TSML257", "Q5L3C9", "S4"),
        ("TSM27_X", "Landlord name", "System Property", "System Property", "ProviderName", ""),
    ]
    dictionary = read_dictionary([Sheet("Front", [("Intro",)]), Sheet("DD", rows)])
    by_code = {e["field_code"]: e for e in dictionary.entries}
    assert by_code["CH01_1_Denominator_LCRA"]["datapoint"] == "DP_TSML179"
    assert by_code["CH01_1_Denominator_LCRA"]["question_ref"] == "Q1L1C3"
    assert by_code["System Property"]["question_ref"] == "ProviderName"
    assert dictionary.swapped_back == {"TSM27_X": 1}
    assert dictionary.columns["datapoint"] == "Ref A"


def test_a_field_without_a_datapoint_stops_the_extract():
    rows = [
        ("Table", "Heading", "Code", "Datapoint", "Question", "Section"),
        ("T", "a (CH01 1 Numerator)", "CH01_1_Numerator_LCRA", "DP_TSML178", "Q1L1C2", "S4"),
        ("T", "b (CH01 1 Denominator)", "CH01_1_Denominator_LCRA", "Q1L1C3", "Q1L1C3", "S4"),
        ("T", "c", "TP09_VS_LCRA", "DP_TSML257", "Q5L3C9", "S4"),
    ]
    dictionary = read_dictionary([Sheet("DD", rows)])
    with pytest.raises(WorkbookError, match="CH01_1_Denominator_LCRA has datapoint 'Q1L1C3'"):
        validate_references(dictionary, MI_FAMILY)


@pytest.mark.parametrize(
    ("note", "marker"),
    [
        (
            "4. Where an RP has left a question within a section blank, this appears in the "
            "table below as [X]. Where they have entered 0, this appears as 0.",
            "[X]",
        ),  # fmt: skip
        ("4. Where a landlord left a question blank, this appears in the table as 0.", "0"),
        ("4. Where a landlord left a question blank it appears as [U].", "[U]"),
        ("6. Where the denominator equals 0, this appears as [U].", None),
    ],
)
def test_the_notes_say_how_a_blank_prints(note, marker):
    assert blank_marker_in_notes(Sheet("s", [("Title",), (note,), ("Landlord name",)], 2)) == marker
