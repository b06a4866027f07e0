"""A next edition's likely differences that an earlier version misread or refused.

Each variant changes the real 2024/25 workbook (tests/fixtures/rsh/editions.py, helpers of
tests/unit/test_rsh_variants.py); ``complaints rsh add`` must read every figure as the committed
2024/25 extract has it, or stop naming the sheet, the row or column and what to do, with no cell
content of the workbook in its message beyond the column headings.
"""

from __future__ import annotations

import re

import polars as pl
import pytest

from pipeline.rsh.workbook import heading_key
from tests.fixtures.rsh.editions import COMMITTED, source_available
from tests.unit.test_rsh_hostile import population_reworded, stops
from tests.unit.test_rsh_variants import (
    MI,
    Sheets,
    add,
    assert_same_as_committed,
    data_sheets,
    header_at,
    rows_of,
    source,
    write,
)

pytestmark = pytest.mark.skipif(
    not source_available(), reason="the RSH 2024/25 workbook is not on this machine"
)

# Footnotes an edition might print below its table, in the landlord code column (the second).
FOOTNOTES = (
    [None, "Source: Regulator of Social Housing, TSM return"],
    [None, "Notes:"],
    [None, "1.", "Figures for LCHO stock are provisional"],
    [None, 2, "Landlords with fewer than 1,000 homes do not submit"],  # its number as a number
    [None, "Note 3: the combined figures include both stock types"],
)


def footnotes_in_the_code_column(sheets: Sheets) -> Sheets:
    for rows in data_sheets(sheets):
        rows.append([])
        rows.extend(list(row) for row in FOOTNOTES)
    return sheets


def test_footnote_rows_below_the_data_are_not_landlords(tmp_path):
    # Was: each footnote read as a landlord ("SOURCE: REGULATOR OF ...", "NOTES:", "1."): 364
    # landlords, the extra ones with empty figures in every table.
    sheets = footnotes_in_the_code_column(source())
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out" / "2024-25")
    landlords = pl.read_csv(tmp_path / "out" / "2024-25" / "landlords.csv", infer_schema=False)
    assert landlords.height == 360


def test_a_sentence_with_figures_in_the_code_column_stops_the_add_without_quoting_it(tmp_path):
    sheets = source()
    rows = rows_of(sheets, MI)
    at = header_at(rows)
    figures = list(rows[at + 1])
    figures[:2] = ["Average of all landlords", "Sector average (England)"]
    rows.append(figures)
    stops(
        write(sheets, tmp_path / "v.xlsx"),
        tmp_path / "out",
        rf"'{MI}' row {len(rows)}: the 'Landlord code' cell is not a landlord code \(an RSH "
        r"registration number, such as L4240 or 4634, is one word with a digit\); if the row is "
        r"a total or a note, delete it in a copy of the workbook",
    )
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out2")
    assert "Sector average" not in err and "Average of all" not in err


def test_the_committed_extract_has_no_row_without_a_landlord_name():
    # what the footnote rule relies on: every RSH landlord row names its landlord
    landlords = pl.read_csv(COMMITTED / "2024-25" / "landlords.csv", infer_schema=False)
    assert landlords.filter(pl.col("landlord_name").fill_null("") == "").height == 0
    assert all(re.search(r"\d", code) for code in landlords["landlord_code"])


# ---------------------------------------------------------------------------------------------
# Headings carrying the measure code another way (the dictionary keeps the 2024/25 wording)
# ---------------------------------------------------------------------------------------------

CODED = re.compile(r"\((CH0[12] [12][^)]*|TP09)\)|extension|made a complaint")


def recode_headings(sheets: Sheets, rewrite) -> Sheets:
    """Every complaint heading of the data sheets (not the dictionary) rewritten by ``rewrite``."""
    dictionary = rows_of(sheets, "Data Dictionary")
    code_of = {(r[0], heading_key(r[1])): r[2] for r in dictionary if len(r) > 2 and r[1] and r[2]}
    for name, rows in sheets:
        if not any(table == name for table, _ in code_of):
            continue
        at = header_at(rows)
        rows[at] = [
            rewrite(t, code_of.get((name, heading_key(t))))
            if isinstance(t, str) and CODED.search(t)
            else t
            for t in rows[at]
        ]
    return sheets


def as_field_codes(title: str, code: str | None) -> str:
    return code or title


def code_with_colon(title: str, code: str | None) -> str:
    return re.sub(r"\((CH0[12]) ", r"(\1: ", title)


def code_without_brackets(title: str, code: str | None) -> str:
    return re.sub(r"\((CH0[12] [12][^)]*)\)\d*", r"- \1", title)  # footnote number dropped


def tp09_with_percent(title: str, code: str | None) -> str:
    return title.replace("(TP09)", "(TP09 %)")


def stock_type_last(title: str, code: str | None) -> str:
    found = re.match(r"^(LCRA|LCHO|Combined) - (.*\(CH0[12] [12][^)]*\)\d*)$", title, re.DOTALL)
    return f"{found.group(2)} - {found.group(1)}" if found else title


@pytest.mark.parametrize(
    "rewrite",
    [as_field_codes, code_with_colon, code_without_brackets, tp09_with_percent, stock_type_last],
)
def test_headings_with_the_measure_code_written_otherwise_are_read_exactly(rewrite, tmp_path):
    # Was: "the Data Dictionary lists 36 field(s) with no column in the sheet" for headings that
    # are the field codes ("CH01_1_Numerator_LCRA"), write "(CH01: 1 Numerator)" or
    # "CH01 1 Numerator" without brackets, or put the stock type last.
    sheets = recode_headings(source(), rewrite)
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out" / "2024-25")


# ---------------------------------------------------------------------------------------------
# One value on another scale than its column
# ---------------------------------------------------------------------------------------------


def value_columns(rows: list[list], code: str) -> list[int]:
    """Columns of the LCRA published value ``code`` (e.g. "(CH02 1)"), its numerator, its
    denominator."""
    header = rows[header_at(rows)]
    return [
        next(
            i
            for i, t in enumerate(header)
            if isinstance(t, str) and t.startswith("LCRA - ") and re.search(pattern, t)
        )
        for pattern in (
            rf"\({code}\)\d*$",
            rf"\({code} Numerator\)",
            rf"\({code} Denominator\)",
        )
    ]


def one_value_scaled(code: str, factor: float, column_factor: float = 1.0):
    """The LCRA ``code`` column times ``column_factor`` (its whole scale), and one value whose
    counts give 10 or more times ``factor`` besides."""

    def change(sheets: Sheets) -> Sheets:
        rows = rows_of(sheets, MI)
        value, numerator, denominator = value_columns(rows, code)
        chosen = None
        for row in rows[header_at(rows) + 1 :]:
            if not isinstance(row[value], (int, float)):
                continue
            if chosen is None and row[value] >= 10 and isinstance(row[numerator], int):
                chosen = row
            row[value] = round(row[value] * column_factor, 6)
        chosen[value] = round(chosen[value] * factor, 6)
        return sheets

    return change


@pytest.mark.parametrize(
    ("change", "measure"),
    [
        (one_value_scaled("CH02 1", 0.01), "CH02_1"),  # 0.802 among percentages
        (one_value_scaled("CH01 1", 0.001), "CH01_1"),  # a rate per home among rates per 1,000
        (one_value_scaled("CH01 2", 1000, 0.001), "CH01_2"),  # the reverse, column rescaled
    ],
)
def test_one_value_on_another_scale_than_its_column_stops_the_add(change, measure, tmp_path):
    # Was: read as printed (0.8%, 0.05 stage one complaints per 1,000 homes, 53,900 per 1,000
    # homes): within the 5% of values allowed to differ from their counts, so never said.
    sheets = change(source())
    stops(
        write(sheets, tmp_path / "v.xlsx"),
        tmp_path / "out",
        rf"management information {measure} \(lcra\): landlord L\w+ \(lcra\) has a published "
        r"value on another scale than the rest of its column \(times [\d.]+ it follows from its "
        r"numerator and denominator",
    )


# ---------------------------------------------------------------------------------------------
# What a stop says
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [("Mr A Smith to confirm", False), ("provisional", False), ("[low]", True), ("*", True)],
)
def test_text_in_a_figure_cell_is_named_by_its_cell_and_shown_only_if_marker_like(
    text, shown, tmp_path
):
    # Was: the cell's text quoted whatever it held (a comment, a person's name).
    sheets = source()
    rows = rows_of(sheets, MI)
    at = header_at(rows)
    value = next(i for i, t in enumerate(rows[at]) if "(CH01 1 Numerator)" in str(t))
    rows[at + 1][value] = text
    from openpyxl.utils import get_column_letter

    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out")
    assert code == 1 and said == ""
    assert re.search(
        rf"'{MI}' cell {get_column_letter(value + 1)}{at + 2} \(column '.*\(CH01 1 Numerator\)'\):"
        r" .* is neither a number nor one of the RSH's markers",
        err,
    ), err
    assert (text in err) is shown
    said_marker = f"--marker '{text}=[X]'" if shown else "--marker 'TEXT=[X]' (TEXT as the cell"
    assert said_marker in err


@pytest.mark.parametrize("name_heading", ["Landlord", "Provider", "Registered provider"])
def test_the_landlord_name_under_a_heading_saying_only_whose_it_is(name_heading, tmp_path):
    # Was: "no header row with a landlord code heading ... and a landlord name heading found".
    sheets = source()
    for rows in data_sheets(sheets):
        at = header_at(rows)
        renamed = {"Landlord name": name_heading, "Landlord code": "Registration number"}
        rows[at] = [renamed.get(t, t) for t in rows[at]]
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out" / "2024-25")


def codes_row_under_the_header(relabel: bool):
    """A row of field codes under each data sheet's header (its landlord columns labelled in
    words of their own); with ``relabel``, the headings above the codes say only "Figure n"."""

    def change(sheets: Sheets) -> Sheets:
        dictionary = rows_of(sheets, "Data Dictionary")
        code_of = {
            (r[0], heading_key(r[1])): r[2] for r in dictionary if len(r) > 2 and r[1] and r[2]
        }
        for name, rows in sheets:
            if not any(table == name for table, _ in code_of):
                continue
            at = header_at(rows)
            codes = [
                code_of.get((name, heading_key(t))) if isinstance(t, str) else None
                for t in rows[at]
            ]
            codes[:2] = ["LandlordName", "RP_Code"]
            if relabel:
                rows[at] = [
                    f"Figure {i}" if codes[i] and CODED.search(str(t)) else t
                    for i, t in enumerate(rows[at])
                ]
            rows.insert(at + 1, codes)
        return sheets

    return change


@pytest.mark.parametrize("relabel", [False, True])
def test_a_row_of_field_codes_under_the_header_is_part_of_the_header(relabel, tmp_path):
    # Was: the codes row read as a landlord's, the add stopping on "text is neither a number".
    sheets = codes_row_under_the_header(relabel)(source())
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out" / "2024-25")


def test_a_row_of_field_codes_under_the_header_keeps_the_row_numbers_of_messages(tmp_path):
    sheets = codes_row_under_the_header(False)(source())
    rows = rows_of(sheets, MI)
    at = header_at(rows)
    value = next(i for i, t in enumerate(rows[at]) if "(CH01 1 Numerator)" in str(t))
    rows[at + 2][value] = "[low]"  # the first landlord, spreadsheet row at + 3
    from openpyxl.utils import get_column_letter

    stops(
        write(sheets, tmp_path / "v.xlsx"),
        tmp_path / "out",
        rf"'{MI}' cell {get_column_letter(value + 1)}{at + 3} \(column '.*\(CH01 1 Numerator\)'\)",
    )


def test_a_landlord_without_its_code_stops_the_add_and_statistics_rows_are_skipped(tmp_path):
    # Was: the landlord left out without a word (359 peers), as a "Sector median" row is.
    sheets = source()
    rows = rows_of(sheets, MI)
    at = header_at(rows)
    for label in ("Sector median", "Upper quartile", "Total"):
        rows.insert(at + 1, [label, None, *rows[at + 1][2:]])
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), tmp_path / "out")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out" / "2024-25")
    rows[at + 5][1] = None  # a landlord's code cell left empty (spreadsheet row at + 6)
    stops(
        write(sheets, tmp_path / "v2.xlsx"),
        tmp_path / "out2",
        rf"'{MI}' row {at + 6}: a landlord name and figures but an empty 'Landlord code' cell; "
        r"give the landlord its RSH registration number in a copy of the workbook",
    )


@pytest.mark.parametrize(
    ("file", "years"),
    [
        ("TSM_2026_Full_Data.xlsx", ["2025-26"]),
        ("Tenant_Satisfaction_Measures_2026_v2.xlsx", ["2025-26"]),
        ("TSM_2025_26.xlsx", ["2025-26"]),  # a year pair
        ("2026_TSM_Full_Data_v1.0.xlsx", ["2025-26"]),
        ("TSM_20260.xlsx", []),
    ],
)
def test_the_year_a_renamed_copys_file_name_states(file, years):
    # Was: "TSM_2026_Full_Data.xlsx" stated no year; with sheets named "Table 1" .. and no title,
    # the add stopped asking for --year.
    from pipeline.rsh.workbook import Sheet, stated_years

    assert [y for _, y in stated_years([Sheet("S", [("Contents",)])], file)] == years


def test_the_tenant_population_reworded_is_found_by_its_code_or_stops_the_add(tmp_path):
    # Was: read as blank without a word, so a landlord without management information (sized by
    # its surveyed population) lost its size band and dropped out of its band's quartiles.
    sheets = population_reworded(source(), "Tenants in scope")
    stops(
        write(sheets, tmp_path / "v.xlsx"),
        tmp_path / "out",
        r"'TSM25_LCRA_Perception': the Data Dictionary lists the relevant tenant population "
        r"\(Relevant_ten_pop_size_a, 'Relevant tenant population size \(LCRA\)'\) and no column "
        r"has that heading or code",
    )
    sheets = population_reworded(codes_row_under_the_header(False)(source()), "Tenants in scope")
    code, said, err = add(write(sheets, tmp_path / "v2.xlsx"), tmp_path / "out2")
    assert code == 0, err
    assert_same_as_committed(tmp_path / "out2" / "2024-25")
