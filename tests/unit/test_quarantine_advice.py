"""The quarantine_share warning's advice follows the commonest rule of each flagged file.

An event-log export (one row per event) mapped as shape long quarantines nearly every row as
conflicting_rows; telling the analyst to check date formats and codes sent them the wrong way.
"""

from __future__ import annotations

import duckdb

from pipeline.defs.ingest.checks import (
    date_format_hints,
    quarantine_advice,
    quarantine_share_rows,
    serial_date_columns,
)
from pipeline.measures.testing import create_canonical_schema, insert_rows


def test_wrong_dates_or_codes_keep_the_date_formats_advice() -> None:
    assert quarantine_advice(["date_unparseable (120), unknown_code (3)"]) == (
        "check the mapping's date_formats and codes"
    )
    assert quarantine_advice([None]) == "check the mapping's date_formats and codes"


def test_conflicting_rows_point_at_one_row_per_stage() -> None:
    advice = quarantine_advice(["conflicting_rows (1399), date_unparseable (3)"])
    assert "one row per stage" in advice
    assert "one row per event" in advice
    assert "date_formats" not in advice


def test_overlapping_files_are_named_as_such() -> None:
    # a monthly export of complaints updated in the month repeats earlier months' complaints:
    # "check the mapping's date_formats and codes" sent the analyst to the wrong place
    advice = quarantine_advice(["duplicate_id_across_files (12)"])
    assert "overlap" in advice and "date_formats" not in advice
    assert "One file per stage" in advice  # stage files mapped as wide clash the same way
    assert "overlap" in quarantine_advice(["duplicate_row (30), date_unparseable (2)"])


def test_each_advice_once_for_several_files() -> None:
    advice = quarantine_advice(
        ["wrong_cell_count (40)", "date_unparseable (12)", "date_unparseable (30)"]
    )
    assert advice == (
        "check the mapping's delimiter (and quoting in the export), and check the mapping's "
        "date_formats and codes"
    )


def test_the_warning_names_the_column_each_rule_mostly_broke() -> None:
    # "mostly date_unparseable (93)" left the analyst to find which of a wide export's dozen
    # date columns the format did not fit; the commonest column is named with each rule.
    con = duckdb.connect()
    create_canonical_schema(con)
    file = {"source_file": "exports/a.csv", "message": "m"}
    insert_rows(
        con,
        "ingest_file",
        [
            {
                "source_file": "exports/a.csv",
                "sha256": "0" * 64,
                "rows_in": 40,
                "rows_loaded": 20,
                "rows_quarantined": 20,
            }
        ],
    )
    cells = [("S2 Requested", n) for n in range(15)] + [("S1 Ack", n) for n in range(15, 17)]
    insert_rows(
        con,
        "quarantine",
        [{**file, "source_row": n, "column_name": c, "rule": "date_unparseable"} for c, n in cells]
        + [{**file, "source_row": n, "column_name": "", "rule": "duplicate_row"} for n in (30, 31)]
        + [{**file, "source_row": 32, "column_name": "Tenancy", "rule": "unknown_code"}],
    )
    ((*_, rules, first_row),) = quarantine_share_rows(con, "test_landlord", 10)
    assert first_row == min(n for _, n in cells)  # the row to open first
    assert rules == (
        "date_unparseable (17, column 'S2 Requested'), duplicate_row (2), "
        "unknown_code (1, column 'Tenancy')"
    )
    assert quarantine_advice([rules]) == "check the mapping's date_formats and codes"


def test_numbers_that_could_not_be_read_point_at_the_decimal_mark() -> None:
    # A ';'-separated export with decimal commas ('£1.250,00', weights '1,0432') quarantined
    # every amount and weight as number_unparseable, and was told to check the date formats
    # and codes: the mapping's decimal key is what it needs.
    advice = quarantine_advice(["number_unparseable (260), date_unparseable (2)"])
    assert "decimal: ','" in advice and "date_formats" not in advice


def _flagged_file(con, cells: list[tuple[str, str]]) -> None:
    """A file of 20 rows, each quarantined once as date_unparseable: (column, raw value)."""
    insert_rows(
        con,
        "ingest_file",
        [{"source_file": "exports/r.xlsx", "sha256": "0" * 64, "rows_in": 20,
          "rows_loaded": 0, "rows_quarantined": 20}],
    )  # fmt: skip
    insert_rows(
        con,
        "quarantine",
        [
            {"source_file": "exports/r.xlsx", "message": "m", "source_row": n, "column_name": c,
             "rule": "date_unparseable", "raw_value": raw}
            for n, (c, raw) in enumerate(cells, 4)
        ],
    )  # fmt: skip


def test_excel_serial_numbers_in_a_date_column_point_at_excel_serial_dates() -> None:
    # A register whose received dates are Excel serials in General cells (45383, 45385.3854),
    # mapped with excel_serial_dates: false, was 100% quarantined and told to "check the
    # mapping's date_formats and codes": no date format reads a serial; the key is
    # excel_serial_dates, and the column is named.
    con = duckdb.connect()
    create_canonical_schema(con)
    _flagged_file(
        con, [("S1 Logged", str(45383 + n) + (".3854" if n % 3 else "")) for n in range(20)]
    )
    flagged = quarantine_share_rows(con, "test_landlord", 10)
    advice = quarantine_advice(
        [r[4] for r in flagged], serial_date_columns(con, "test_landlord", flagged)
    )
    assert "excel_serial_dates: true" in advice and "'S1 Logged'" in advice
    assert "45383" not in advice  # no cell is printed


def test_dates_in_another_format_keep_the_date_formats_advice() -> None:
    con = duckdb.connect()
    create_canonical_schema(con)
    _flagged_file(con, [("S1 Logged", "04/12/2024")] * 18 + [("S1 Logged", "2024")] * 2)
    flagged = quarantine_share_rows(con, "test_landlord", 10)
    advice = quarantine_advice(
        [r[4] for r in flagged], serial_date_columns(con, "test_landlord", flagged)
    )
    assert advice == "check the mapping's date_formats and codes"


def test_values_missing_from_a_codes_list_point_at_that_column_s_codes() -> None:
    # A register's 'Nation' mapped with codes for one of its two nations quarantined 139 of 343
    # rows as unknown_code and was told to "check the mapping's date_formats and codes": the
    # dates were fine; the column's codes list is what to complete.
    advice = quarantine_advice(["unknown_code (139, column 'Nation'), date_unparseable (2)"])
    assert "date_formats" not in advice
    assert "codes" in advice and "quarantine.csv" in advice


def _advice_for(cells: list[tuple[str, str]]) -> str:
    con = duckdb.connect()
    create_canonical_schema(con)
    _flagged_file(con, cells)
    flagged = quarantine_share_rows(con, "test_landlord", 10)
    return quarantine_advice(
        [r[4] for r in flagged],
        serial_date_columns(con, "test_landlord", flagged),
        date_format_hints(con, "test_landlord", flagged),
    )


def test_dates_in_a_format_not_listed_name_the_format_that_reads_them() -> None:
    # Ashdown Vale Homes' register writes '07-Apr-2024 14:03'; its first mapping listed
    # '%d/%m/%Y' and every row was quarantined with "check the mapping's date_formats and
    # codes", leaving the analyst to work out the strptime codes. The format that reads the
    # column's unread dates is named (a format, never a cell).
    stamps = [f"{d:02d}-Apr-2024 14:03" for d in range(1, 16)] + ["20-Sep-2024"] * 5
    advice = _advice_for([("Logged", s) for s in stamps])
    assert "column 'Logged'" in advice and "'%d-%b-%Y'" in advice and "date_formats" in advice
    assert "Apr-2024" not in advice and "14:03" not in advice


def test_day_first_is_suggested_where_both_orders_read_the_dates() -> None:
    advice = _advice_for([("S1 Closed", f"{d:02d}.0{d % 9 + 1}.2024") for d in range(1, 13)] * 2)
    assert "'%d.%m.%Y'" in advice and "'S1 Closed'" in advice


def test_month_first_is_suggested_where_only_it_reads_them() -> None:
    advice = _advice_for([("Logged", f"0{m}/{d}/2024") for m in (4, 5) for d in range(13, 23)])
    assert "'%m/%d/%Y'" in advice


def test_no_format_is_suggested_for_cells_no_common_format_reads() -> None:
    advice = _advice_for([("Logged", "2024")] * 20)
    assert advice == "check the mapping's date_formats and codes"
