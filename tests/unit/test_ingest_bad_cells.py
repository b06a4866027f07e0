"""One bad cell is one quarantined row (file, row, column, rule), never a failed run: negative
days or money and a closure before receipt break quarantine rules taken from the pandera models."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "ingest"))

import workspaces as ws  # noqa: E402

from pipeline.config import load_landlord  # noqa: E402
from pipeline.ingest import ingest_workspace  # noqa: E402
from pipeline.schemas import MAX_FIGURE, validate_tables, value_bounds  # noqa: E402

EXPORT = "exports/complaints_2024.csv"


def _row(ref: str, **cells: str) -> str:
    row = dict.fromkeys(ws.WIDE_HEADER, "")
    row |= {"Case Ref": ref, "Date Received": "01/05/2024", "Complaint Type": "Repairs"}
    row |= {"Tenure": "General Needs", "Anonymous?": "N", "Stage 1 Acknowledged": "02/05/2024"}
    row |= cells
    return ",".join(f'"{row[c]}"' for c in ws.WIDE_HEADER)


BAD_ROWS = {
    "B1": ({"Stage 1 Extension (WD)": "-5"}, "Stage 1 Extension (WD)", "out_of_range", "-5"),
    "B2": ({"Stage 1 Compensation": "-5"}, "Stage 1 Compensation", "out_of_range", "-5"),
    "B3": ({"Stage 1 Compensation": "£-50"}, "Stage 1 Compensation", "out_of_range", "£-50"),
    "B4": ({"Date Closed": "30/04/2024"}, "Date Closed", "date_out_of_order", "30/04/2024"),
    # working days are whole: DuckDB's cast would have stored 2.5 as 3
    "B5": (
        {"Stage 1 Extension (WD)": "2.5"},
        "Stage 1 Extension (WD)",
        "number_unparseable",
        "2.5",
    ),
    # a phone number typed into a number cell is no figure: it loaded as £7.7 billion (or
    # 1,164,960,123 days), printed in the annual report
    "B6": (
        {"Stage 1 Compensation": "£07700 900123"},
        "Stage 1 Compensation",
        "out_of_range",
        "text, 13 characters",
    ),
    "B7": (
        {"Stage 1 Extension (WD)": "0116 496 0123"},
        "Stage 1 Extension (WD)",
        "out_of_range",
        "text, 13 characters",
    ),
    "B8": (
        {"Stage 1 Compensation": "07700900123"},
        "Stage 1 Compensation",
        "out_of_range",
        "text, 11 characters",
    ),
    # a decimal comma: the comma was dropped and £1.25 loaded as £125
    "B9": (
        {"Stage 1 Compensation": "1,25"},
        "Stage 1 Compensation",
        "number_unparseable",
        "text, 4 characters",
    ),
    "B10": (
        {"Stage 1 Compensation": "£1,2500"},
        "Stage 1 Compensation",
        "number_unparseable",
        "text, 7 characters",
    ),
    # a mistyped year before any case system's records: the date loaded, in no reporting year,
    # and the complaint left every measure without a word (second hostile audit)
    "B11": ({"Date Closed": "05/05/1925"}, "Date Closed", "date_too_early", "05/05/1925"),
    # two figures typed in one cell: the space was dropped and £50 then £100 loaded as £50,100,
    # 10 then 20 working days as 1,020 (third hostile audit)
    "B12": (
        {"Stage 1 Compensation": "£50 £100"},
        "Stage 1 Compensation",
        "number_unparseable",
        "text, 8 characters",
    ),
    "B13": (
        {"Stage 1 Extension (WD)": "10 20"},
        "Stage 1 Extension (WD)",
        "number_unparseable",
        "text, 5 characters",
    ),
    "B14": (
        {"Stage 1 Compensation": "1 2500"},
        "Stage 1 Compensation",
        "number_unparseable",
        "text, 6 characters",
    ),
    # scientific notation (Excel's way of showing a figure it rounded) and digit separators:
    # DuckDB's cast read them, £1,500, £0.00 and 1,020 days loaded without a word
    "B15": (
        {"Stage 1 Compensation": "1.5E+03"},
        "Stage 1 Compensation",
        "number_unparseable",
        "text, 7 characters",
    ),
    "B16": (
        {"Stage 1 Compensation": "1e-3"},
        "Stage 1 Compensation",
        "number_unparseable",
        "text, 4 characters",
    ),
    "B17": (
        {"Stage 1 Extension (WD)": "10_20"},
        "Stage 1 Extension (WD)",
        "number_unparseable",
        "text, 5 characters",
    ),
}


def test_bounds_come_from_the_pandera_models():
    assert value_bounds("complaint_stage", "extension_wd") == ((">=", 0), ("<=", MAX_FIGURE))
    assert value_bounds("complainant_survey", "satisfied_outcome") == ((">=", 1), ("<=", 5))


def test_bad_cells_are_quarantined_with_file_row_column_and_rule(tmp_path):
    root = ws.wide_workspace(tmp_path)
    path = root / EXPORT
    text = path.read_bytes().decode("cp1252").rstrip("\r\n")
    first = len(text.split("\r\n")) + 1  # the spreadsheet row of the first appended line
    lines = [_row(ref, **cells) for ref, (cells, *_) in BAD_ROWS.items()]
    path.write_bytes((text + "\r\n" + "\r\n".join(lines) + "\r\n").encode("cp1252"))
    con = duckdb.connect()
    summary = ingest_workspace(con, root, load_landlord(root), ws.KEY)
    assert summary.reconciles
    found = con.execute(
        "select source_file, source_row, column_name, rule, raw_value, message from quarantine "
        "where source_row >= ? order by source_row",
        [first],
    ).fetchall()
    expected = [
        (EXPORT, first + i, column, rule, raw)
        for i, (_, column, rule, raw) in enumerate(BAD_ROWS.values())
    ]
    assert [r[:5] for r in found] == expected
    assert all(r[5].startswith(r[3] + ":") and f"column '{r[2]}'" in r[5] for r in found)
    # Nothing the models reject reached a canonical table: every blocking check passes.
    failures = validate_tables(con, summary.landlord_id)
    assert {t: f.height for t, f in failures.items() if f.height} == {}


def test_thousands_separators_are_read(tmp_path):
    root = ws.wide_workspace(tmp_path)
    path = root / EXPORT
    text = path.read_bytes().decode("cp1252").rstrip("\r\n")
    amounts = {"T1": "£1,250.50", "T2": "12,345", "T3": "1,234,567", "T4": "£ 950"}
    amounts |= {"T5": "£1 250.50", "T6": "1 234 567"}  # a space between groups of three
    lines = [_row(ref, **{"Stage 1 Compensation": amount}) for ref, amount in amounts.items()]
    path.write_bytes((text + "\r\n" + "\r\n".join(lines) + "\r\n").encode("cp1252"))
    con = duckdb.connect()
    ingest_workspace(con, root, load_landlord(root), ws.KEY)
    paid = dict(
        con.execute(
            "select c.source_row, s.compensation_paid_gbp from complaint_stage s "
            "join complaint c using (landlord_id, complaint_id) where s.stage = 1 "
            "and c.source_row > (select max(source_row) - 6 from complaint)"
        ).fetchall()
    )
    assert sorted(float(v) for v in paid.values()) == [
        950.0,
        1250.5,
        1250.5,
        12345.0,
        1234567.0,
        1234567.0,
    ]


def test_a_failed_blocking_check_names_file_row_column_and_rule():
    from pipeline.schemas import describe_failures, validate_table
    from pipeline.sources.canonical import create_canonical_tables

    con = duckdb.connect()
    create_canonical_tables(con)
    con.execute(
        "insert into complaint_stage (landlord_id, complaint_id, stage, received_date, "
        "extension_wd, refused, outcome, handler_ref, source_file, source_row) values "
        "('l', 'c1', 1, date '2024-05-01', -5, false, 'open', 'Jean Hall', 'exports/x.csv', 7)"
    )
    failures = validate_table(con.sql("select * from complaint_stage").pl(), "complaint_stage")
    first = failures.row(0, named=True)
    assert (first["source_file"], first["source_row"], first["column"]) == (
        "exports/x.csv",
        7,
        "extension_wd",
    )
    text = describe_failures(failures, "complaint_stage")
    assert text.startswith(
        "complaint_stage: exports/x.csv row 7, column extension_wd: greater_than_or_equal_to(0)"
    )
    assert "Jean" not in text and "Jean" not in str(failures.to_dicts())


def test_a_failure_without_location_columns_is_still_described():
    import polars as pl

    from pipeline.schemas import describe_failures

    # pandera's own failure frame (or a whole-table failure) has no file/row/column: the message
    # says what it can instead of failing the check's step with a KeyError
    text = describe_failures(pl.DataFrame({"failure_case": ["x"]}), "complaint")
    assert text.startswith("complaint: the whole table: a schema rule.")
    text = describe_failures(pl.DataFrame({"check": ["planted"], "column": [None]}), "complaint")
    assert text.startswith("complaint: the whole table: planted.")
