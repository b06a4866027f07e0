"""Charts only when there is something to draw (issue 16 point 5)."""

from __future__ import annotations

import re

from pipeline.periods import ReportingYear
from pipeline.reporting.blocks import Metric, Section, breakdown_block, pivot_block, trend_block
from pipeline.reporting.render import describe_dashes
from pipeline.reporting.trace import finish, plain, traced_figures
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
    assert "Not drawn: Letter (<5)." in plain(chart.summary)


def _marked(text: str) -> bool:
    """Whether figure markers are in ``text``, raw or as JSON escapes them."""
    return any(mark in text for mark in ("\ue000", "\\ue000", "\ue002", "\\ue002"))


def test_a_bar_charts_table_and_summary_are_traced_and_its_drawing_is_plain():
    """The data table's cells and the summary's figures are the rows' traced figures (suppressed
    ones as the version shows them); the Plotly figure and the alternative text carry none."""
    section = add_breakdown(
        rows(
            "received_1",
            "channel",
            [("phone", 12.0, "12"), ("email", 7.0, "7"), ("letter", None, "<5")],
        )
    )
    chart = section.blocks[0].chart
    cells = traced_figures(finish(str(chart.table.html)))
    assert [(f["measure"], f["breakdown_value"], f["text"]) for f in cells] == [
        ("received_1", "phone", "12"),
        ("received_1", "email", "7"),
        ("received_1", "letter", "<5"),
    ]
    quoted = traced_figures(finish(chart.summary))
    assert [(f["breakdown_value"], f["text"]) for f in quoted] == [
        ("phone", "12"),
        ("letter", "<5"),
    ]
    assert not _marked(str(chart.html)) and not _marked(chart.shape)
    assert '"text":["12","7"]' in str(chart.html).replace(" ", "")


def test_a_trend_charts_table_is_traced_and_its_drawing_is_plain():
    measures = rows("received_1", "month", [("2024-04", 3.0, "3"), ("2024-05", 1234.0, "1234")])
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
    chart = section.blocks[0].chart
    cells = traced_figures(finish(str(chart.table.html)))
    assert [(f["period"], f["breakdown_value"], f["text"]) for f in cells] == [
        ("2024-25", "2024-04", "3"),
        ("2024-25", "2024-05", "1,234"),  # a count as every table shows it
    ]
    assert not _marked(str(chart.html)) and not _marked(chart.shape)


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
    assert plain(section.blocks[0].text) == (
        "Complaints by month: only Apr 2024 has figures (Stage 1 3)."
    )


def test_refusal_reason_codes_read_as_words():
    from pipeline.reporting.labels import label

    assert label("asb_report") == "Anti-social behaviour report"


def test_a_tie_for_the_largest_bar_names_every_group_in_it():
    """Hollybank's Q4 2024/25 committee pack: 'Heat networks had the most (5)' beside a data
    table with Repairs at 5 too: the sentence called one of two equal groups the largest."""
    section = add_breakdown(
        rows(
            "received_1",
            "channel",
            [("phone", 5.0, "5"), ("email", 5.0, "5"), ("letter", 2.0, "2")],
        )
    )
    summary = plain(section.blocks[0].chart.summary)
    assert summary == "Stage 1 complaints by channel: Email and Phone had the most (5 each)."


def test_a_tie_among_the_bars_shown_is_named_as_such_when_a_figure_is_withheld():
    section = add_breakdown(
        rows(
            "received_1",
            "channel",
            [("phone", 9.0, "9"), ("email", 9.0, "9"), ("letter", None, "[c]")],
        )
    )
    summary = plain(section.blocks[0].chart.summary)
    assert summary.startswith(
        "Stage 1 complaints by channel: 2 of 3 shown; the largest of those shown are Email and "
        "Phone (9 each)."
    ), summary


def _findings_table(measures) -> str:
    section = Section("s", "S")
    pivot_block(
        section,
        "ombudsman-findings",
        "Findings by body and outcome",
        measures,
        "ombudsman_findings",
        YEAR,
        "body|outcome",
        row_heading="Body",
    )
    return describe_dashes(str(section.blocks[0].table.html))


def test_a_two_way_table_showing_a_dash_says_what_it_means():
    """A body with no finding of an outcome showed "–" in the findings by body and outcome (and
    an area with no answer of an outcome in the outcomes by area), and no note said what the dash
    meant there, for any reader (WCAG 1.3.1); its cell now points to the note."""
    html = _findings_table(
        rows(
            "ombudsman_findings",
            "body|outcome",
            [("hos|maladministration", 6.0, "6"), ("spso|service_failure", 7.0, "7")],
        )
    )
    assert '<span id="tbl-ombudsman-findings-dash-note">–: none recorded.</span>' in html
    dashes = re.findall(r"<td\b([^>]*)>–</td>", html)
    assert len(dashes) == 2
    assert all('aria-describedby="tbl-ombudsman-findings-dash-note"' in d for d in dashes)


def test_a_two_way_table_without_a_dash_has_no_note_on_it():
    html = _findings_table(
        rows("ombudsman_findings", "body|outcome", [("hos|maladministration", 6.0, "6")])
    )
    assert "–" not in html
