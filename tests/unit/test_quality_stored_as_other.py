"""Values the ingest stored as 'other' (a label that is none of its codes, free text that held
contact details or named a person) are counted where an analyst looks before a submission: the
data-quality report and data_quality_counts.csv, per file, field and source column."""

from __future__ import annotations

import duckdb

from pipeline.reporting.quality import (
    SCHEME_SPELLINGS_TEXT,
    STORED_AS_OTHER_TEXT,
    quality_sections,
    quarantine_frame,
)
from pipeline.reporting.quality_counts import quality_counts
from pipeline.sources.canonical import create_canonical_tables


def _warehouse(other_rows: list[tuple]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    create_canonical_tables(con)
    con.execute(
        "insert into ingest_file values ('ll', 'exports/a.csv', 'mappings/a.yaml', 'x', 10, 10, 0)"
    )
    if other_rows:
        con.executemany("insert into label_other values ('ll', ?, ?, ?, ?, ?)", other_rows)
    return con


def test_counts_file_lists_values_stored_as_other_per_file_field_and_column():
    con = _warehouse(
        [
            ("exports/a.csv", "complaint", "scheme", "Scheme", 2),
            ("exports/a.csv", "complaint_stage", "refusal_reason", "Reason", 1),
        ]
    )
    rows = [row for row in quality_counts(con, "ll") if row[0] == "stored_as_other"]
    assert rows == [
        [
            "stored_as_other",
            "exports/a.csv: complaint.scheme (column 'Scheme')",
            None,
            None,
            None,
            2,
        ],
        [
            "stored_as_other",
            "exports/a.csv: complaint_stage.refusal_reason (column 'Reason')",
            None,
            None,
            None,
            1,
        ],
    ]


def test_data_quality_report_has_a_section_for_values_stored_as_other():
    con = _warehouse([("exports/a.csv", "complaint", "scheme", "Scheme", 2)])
    sections = {s.id: s for s in quality_sections(con, "ll", quarantine_frame(con, "ll"))}
    other = sections["dq-other"]
    assert other.blocks[0].text == STORED_AS_OTHER_TEXT
    table = other.blocks[1].table
    assert table.rows == 1 and "complaint.scheme" in table.html and ">2<" in table.html

    empty = {s.id: s for s in quality_sections(_warehouse([]), "ll", quarantine_frame(con, "ll"))}
    assert empty["dq-other"].blocks[-2].text == "No value was stored as 'other'."
    # then the note that scheme spellings differing in case or spaces are read as one
    assert empty["dq-other"].blocks[-1].text == SCHEME_SPELLINGS_TEXT


def test_sample_rows_say_which_record_each_entry_holds_back():
    """One source row can be held back twice, as a complaint and as its stage (a wide row's
    received date after the data cut is both): the sample says which record each line is, so it
    does not read as the same entry printed twice."""
    con = _warehouse([])
    con.executemany(
        "insert into quarantine values ('ll', 'exports/a.csv', 3, ?, 'Date Received', "
        "'date_in_future', 'the date is after the data cut date', '2031-01-01')",
        [("complaint",), ("complaint_stage",)],
    )
    sections = {s.id: s for s in quality_sections(con, "ll", quarantine_frame(con, "ll"))}
    table = next(b.table for b in sections["dq-samples"].blocks if getattr(b, "table", None))
    assert ">Record<" in table.html
    assert ">complaint<" in table.html and ">complaint stage<" in table.html


def test_a_dash_in_the_sample_rows_says_what_it_means():
    """A rule on the whole row (a duplicate) has no column and no value, a required field left
    empty has no value: each read "–" and nothing said so (WCAG 1.3.1); a note does now, and each
    dash cell points to it for a screen reader."""
    import re

    from pipeline.reporting.render import describe_dashes

    con = _warehouse([])
    con.executemany(
        "insert into quarantine values ('ll', 'exports/a.csv', ?, 'complaint', ?, ?, 'x', ?)",
        [(3, None, "duplicate_row", None), (4, "Date Received", "required_missing", None)],
    )
    sections = {s.id: s for s in quality_sections(con, "ll", quarantine_frame(con, "ll"))}
    table = next(b.table for b in sections["dq-samples"].blocks if getattr(b, "table", None))
    html = describe_dashes(str(table.html))
    note = re.search(r'<span id="tbl-dq-samples-dash-note">([^<]*)</span>', html)
    assert note and "whole row" in note.group(1) and "empty" in note.group(1)
    dashes = re.findall(r"<td\b([^>]*)>–</td>", html)
    assert len(dashes) == 3
    assert all('aria-describedby="tbl-dq-samples-dash-note"' in cell for cell in dashes)
