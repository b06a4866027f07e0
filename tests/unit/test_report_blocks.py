"""Charts only when there is something to draw (issue 16 point 5)."""

from __future__ import annotations

from pipeline.periods import ReportingYear
from pipeline.reporting.blocks import Metric, Section, breakdown_block, trend_block
from pipeline.reporting.trace import plain
from tests.unit.test_report_chart_text import measures as measures_of

YEAR = ReportingYear.parse("2024-25")


def rows(measure, breakdown, values):
    return measures_of(measure, breakdown, values, year=YEAR)


def add_breakdown(measures):
    section = Section("s", "S")
    breakdown_block(
        section,
        "b",
        "Stage 1 complaints by channel",
        measures,
        "received_1",
        YEAR,
        "channel",
        heading="Channel",
        value_heading="Complaints",
        chart_summary="{top} had the most ({top_value}) of {n}.",
    )
    return section


def test_one_bar_and_a_suppressed_one_make_a_sentence_not_a_chart():
    section = add_breakdown(
        rows("received_1", "channel", [("phone", 12.0, "12"), ("in_person", None, "<5")])
    )
    assert [b.kind for b in section.blocks] == ["text"]
    assert plain(section.blocks[0].text) == (
        "Stage 1 complaints by channel: Phone, 12. Not drawn: In person (<5)."
    )


def test_suppressed_bars_are_named_not_drawn():
    section = add_breakdown(
        rows(
            "received_1",
            "channel",
            [("phone", 12.0, "12"), ("email", 7.0, "7"), ("letter", None, "<5")],
        )
    )
    chart = section.blocks[0].chart
    assert "Letter" not in str(chart.html)  # no bar
    assert "Letter" in str(chart.table.html)  # the data table lists it, as <5
    assert "Not drawn: Letter (<5)." in chart.summary


def test_a_one_month_trend_is_a_sentence():
    measures = rows("received_1", "month", [("2024-04", 3.0, "3")])
    section = Section("s", "S")
    trend_block(
        section,
        "t",
        "Complaints by month",
        measures,
        YEAR,
        [Metric("Stage 1", "received_1")],
        y_label="Complaints",
        summary="",
    )
    assert [b.kind for b in section.blocks] == ["text"]
    assert section.blocks[0].text == "Complaints by month: only Apr 2024 has figures (Stage 1 3)."


def test_refusal_reason_codes_read_as_words():
    from pipeline.reporting.labels import label

    assert label("asb_report") == "Anti-social behaviour report"
