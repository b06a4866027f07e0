"""The quarantine_share warning's advice follows the commonest rule of each flagged file.

An event-log export (one row per event) mapped as shape long quarantines nearly every row as
conflicting_rows; telling the analyst to check date formats and codes sent them the wrong way.
"""

from __future__ import annotations

from pipeline.defs.ingest.checks import quarantine_advice


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


def test_each_advice_once_for_several_files() -> None:
    advice = quarantine_advice(
        ["wrong_cell_count (40)", "date_unparseable (12)", "date_unparseable (30)"]
    )
    assert advice == (
        "check the mapping's delimiter (and quoting in the export), and check the mapping's "
        "date_formats and codes"
    )
