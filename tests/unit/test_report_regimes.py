"""England and Scotland apart in the timeliness trend, the complaints received by month and the
open/overdue ageing (issue 16 point 5, issue 21): one chart per country named in its title, legend
and data table, one column per country in the ageing tables, every figure traced to its row,
suppression through the central rule."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import polars as pl
import pytest

from pipeline.config import load_landlord
from pipeline.periods import ReportingYear, parse_period
from pipeline.reporting.annual import _volume_metrics
from pipeline.reporting.blocks import Section
from pipeline.reporting.committee import open_section, trend_section
from pipeline.reporting.data import MEASURE_COLUMNS, Measures
from pipeline.reporting.regime_blocks import (
    regime_band_table,
    regime_trend_blocks,
    regime_volume_blocks,
)
from pipeline.reporting.suppression import suppress_small_numbers
from pipeline.reporting.trace import finish, plain, traced_figures

YEAR = ReportingYear.parse("2024-25")
MONTHS = YEAR.months()[:3]  # Apr, May, Jun 2024


def row(period, measure, breakdown, value, view, numerator, denominator, unit="percent"):
    p = parse_period(period)
    if unit == "percent":
        result = numerator / denominator * 100
        display = f"{result:.1f}"
    else:
        result, display = numerator, f"{numerator:.0f}"
    return {
        "landlord_id": "t",
        "period_kind": p.kind,
        "period": p.key,
        "period_start": p.start,
        "period_end": p.end,
        "measure": measure,
        "breakdown": breakdown,
        "breakdown_value": value,
        "view": view,
        "numerator": float(numerator),
        "denominator": None if denominator is None else float(denominator),
        "value": float(result),
        "display": display,
        "unit": unit,
    }


def frame(rows):
    return pl.DataFrame(
        rows, schema_overrides={"period_start": pl.Date, "period_end": pl.Date}
    ).select(MEASURE_COLUMNS)


def trend_rows():
    """Stage 1 answers in time by month and country; Scotland answered nothing in May and only
    three answers in June (a small count a published version must hide). Every other month has
    at least 5 answers in time and 5 late, so neither it nor its complement is a small count."""
    answered = {
        ("2024-04", "eng"): (45, 50),
        ("2024-05", "eng"): (40, 50),
        ("2024-06", "eng"): (44, 50),
        ("2024-04", "sct"): (45, 50),
        ("2024-06", "sct"): (3, 3),
    }
    rows = []
    for (month, regime), (in_time, total) in answered.items():
        for view in ("regulator", "management"):
            rows.append(row(month, "response_in_time_1", "regime", regime, view, in_time, total))
    for month in ("2024-04", "2024-05", "2024-06"):
        # the mixed year row the England-only chart reads
        eng, sct = answered[(month, "eng")], answered.get((month, "sct"), (0, 0))
        for view in ("regulator", "management"):
            mixed = row(YEAR.key, "response_in_time_1", "month", month, view, 1, 1)
            mixed |= {
                "numerator": float(eng[0] + sct[0]),
                "denominator": float(eng[1] + sct[1]),
                "value": (eng[0] + sct[0]) / (eng[1] + sct[1]) * 100,
                "display": f"{(eng[0] + sct[0]) / (eng[1] + sct[1]) * 100:.1f}",
            }
            rows.append(mixed)
    return frame(rows)


def charts(section):
    return [b.chart for b in section.blocks if b.kind == "chart"]


def test_one_chart_per_country_named_in_title_legend_summary_and_table():
    section = Section("s", "S")
    regime_trend_blocks(section, "t", 1, Measures(trend_rows()), MONTHS, when="in each month")
    england, scotland = charts(section)
    assert england.title == "England, stage 1: all answers sent in time, by month"
    assert scotland.title == "Scotland, stage 1: all answers sent in time, by month"
    legend = [t["name"] for t in _traces(scotland)]
    assert legend == ["Scotland: the SPSO's time limits", "Scotland: our policy's time limits"]
    assert "England: the Code's time limits" in plain(str(england.html))
    assert "in Scotland" in scotland.summary and "SPSO" in scotland.summary
    table = str(scotland.table.html)
    assert "Data for: Scotland" in table and "Scotland: the SPSO" in table
    # May: no Scottish answers, so no row and no point; said as such, never a made-up 0
    assert _traces(scotland)[0]["y"] == [90.0, None, 100.0]
    assert "–: no answers sent in Scotland that month." in scotland.summary
    assert "no answers sent" not in england.summary


def test_every_trend_figure_is_traced_to_its_month_and_regime_row():
    section = Section("s", "S")
    regime_trend_blocks(section, "t", 1, Measures(trend_rows()), MONTHS, when="in each month")
    figures = traced_figures(finish(str(charts(section)[1].table.html)))
    keys = {
        (f["period"], f["breakdown"], f["breakdown_value"], f["view"], f["text"]) for f in figures
    }
    assert keys == {
        ("2024-04", "regime", "sct", "regulator", "90.0"),
        ("2024-04", "regime", "sct", "management", "90.0"),
        ("2024-06", "regime", "sct", "regulator", "100.0"),
        ("2024-06", "regime", "sct", "management", "100.0"),
    }


def test_published_trend_hides_a_small_countrys_month_through_the_central_rule():
    published = Measures(suppress_small_numbers(trend_rows()))
    section = Section("s", "S")
    regime_trend_blocks(section, "t", 1, published, MONTHS, when="in each month")
    # June's 3 of 3 Scottish answers read [c] and are not drawn: one point left is not a trend,
    # so Scotland's months are a sentence; England keeps its chart.
    assert [c.chart_id for c in charts(section)] == ["chart-t-eng"]
    (sentence,) = [b.text for b in section.blocks if b.kind == "text"]
    assert plain(sentence).startswith("Scotland, stage 1: all answers sent in time, by month: ")
    june = [f for f in traced_figures(finish(sentence)) if f["period"] == "2024-06"]
    assert {(f["view"], f["text"]) for f in june} == {("regulator", "[c]"), ("management", "[c]")}
    assert "100.0" not in plain(sentence)


def test_committee_trend_splits_only_for_a_landlord_in_both_countries():
    period = parse_period("2024-25-Q1")
    measures = Measures(trend_rows())
    mixed = charts(trend_section(measures, period))
    assert [c.chart_id for c in mixed] == ["chart-committee-timeliness-1"]
    assert "England" not in mixed[0].title
    split = charts(trend_section(measures, period, both_regimes=True))
    assert [c.chart_id for c in split] == [
        "chart-committee-timeliness-1-eng",
        "chart-committee-timeliness-1-sct",
    ]


def ageing_rows():
    q1 = "2024-25-Q1"
    rows = [
        row(q1, "open_1", "none", "all", "management", 18, None, "count"),
        row(q1, "open_1", "band", "0-5", "management", 9, None, "count"),
        row(q1, "open_1", "band", "6-10", "management", 7, None, "count"),
        row(q1, "open_1", "band", "41+", "management", 2, None, "count"),
        row(q1, "open_1", "regime", "eng", "management", 12, None, "count"),
        row(q1, "open_1", "regime", "sct", "management", 6, None, "count"),
        row(q1, "open_1", "regime|band", "eng|0-5", "management", 5, None, "count"),
        row(q1, "open_1", "regime|band", "eng|6-10", "management", 5, None, "count"),
        row(q1, "open_1", "regime|band", "eng|41+", "management", 2, None, "count"),
        row(q1, "open_1", "regime|band", "sct|0-5", "management", 4, None, "count"),
        row(q1, "open_1", "regime|band", "sct|6-10", "management", 2, None, "count"),
    ]
    return frame(rows)


def ageing_table(measures):
    section = Section("s", "S")
    regime_band_table(
        section,
        "open-1-regime",
        "Open stage 1 complaints, England and Scotland",
        measures,
        "open_1",
        "2024-25-Q1",
        heading="Working days open",
        total="All open stage 1 complaints",
    )
    (block,) = section.blocks
    return finish(str(block.table.html))


def body_rows(page):
    """The body rows' cell texts (the footnote row, one cell, left out)."""
    body = re.search(r"<tbody\b.*?</tbody>", page, re.S).group(0)
    cells = [
        [
            html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", r, re.S)
        ]
        for r in re.findall(r"<tr\b[^>]*>(.*?)</tr>", body, re.S)
    ]
    return [c for c in cells if c]


def test_ageing_table_has_a_column_per_country_bands_in_order_and_totals():
    page = ageing_table(Measures(ageing_rows()))
    assert "<th" in page and ">England<" in page and ">Scotland<" in page
    assert body_rows(page) == [
        ["0-5", "5", "4"],
        ["6-10", "5", "2"],
        ["41+", "2", "–"],
        ["All open stage 1 complaints", "12", "6"],
    ]
    traced = {(f["breakdown"], f["breakdown_value"], f["text"]) for f in traced_figures(page)}
    assert ("regime|band", "sct|0-5", "4") in traced and ("regime", "eng", "12") in traced
    assert len(traced) == 7  # every figure shown, none for the empty cell


def test_published_ageing_table_suppresses_small_counts_and_their_complements():
    page = ageing_table(Measures(suppress_small_numbers(ageing_rows())))
    shown = body_rows(page)
    # Scotland 0-5 (4) and 6-10 (2) are primary (<5); England 41+ (2) too. England's 0-5 / 6-10
    # would give the 41+ away from the England total: one of them is hidden as secondary.
    assert shown[0][2] == "<5" and shown[1][2] == "<5" and shown[2][1] == "<5"
    assert "[c]" in {shown[0][1], shown[1][1]}
    assert shown[3] == ["All open stage 1 complaints", "12", "6"]


def test_committee_open_section_splits_only_for_a_landlord_in_both_countries():
    period = parse_period("2024-25-Q1")
    measures = Measures(ageing_rows())
    as_of = dt.date(2024, 6, 30)
    split = open_section(measures, period, as_of, both_regimes=True)
    ids = [b.table.table_id for b in split.blocks if b.kind == "table"]
    assert "tbl-open-1-regime" in ids and "tbl-open-1" not in ids
    single = open_section(measures, period, as_of)
    ids = [b.table.table_id for b in single.blocks if b.kind == "table"]
    assert "tbl-open-1" in ids and not any(i.endswith("-regime") for i in ids)


def volume_rows():
    """Complaints received by month and country: Scotland had no stage 2 complaint in May and
    three in June (a small count a published version must hide)."""
    received = {
        ("2024-04", "eng"): (40, 12),
        ("2024-05", "eng"): (35, 9),
        ("2024-06", "eng"): (38, 10),
        ("2024-04", "sct"): (20, 6),
        ("2024-05", "sct"): (18, None),
        ("2024-06", "sct"): (22, 3),
    }
    return frame(
        [
            row(month, f"received_{stage}", "regime", regime, "all", count, None, "count")
            for (month, regime), counts in received.items()
            for stage, count in zip((1, 2), counts, strict=True)
            if count is not None
        ]
    )


def test_complaints_received_by_month_one_chart_per_country_traced_to_its_rows():
    section = Section("s", "S")
    regime_volume_blocks(section, "v", Measures(volume_rows()), MONTHS, when="in each month")
    england, scotland = charts(section)
    assert [england.chart_id, scotland.chart_id] == ["chart-v-eng", "chart-v-sct"]
    assert scotland.title == "Complaints received in Scotland, by month"
    assert [t["name"] for t in _traces(scotland)] == ["Scotland: stage 1", "Scotland: stage 2"]
    # May: no Scottish stage 2 row, so no point; said as such, never a made-up 0
    assert _traces(scotland)[1]["y"] == [6.0, None, 3.0]
    assert "–: none received in Scotland that month." in scotland.summary
    assert "none received" not in england.summary
    figures = traced_figures(finish(str(scotland.table.html)))
    assert {(f["measure"], f["period"], f["breakdown_value"], f["text"]) for f in figures} == {
        ("received_1", "2024-04", "sct", "20"),
        ("received_1", "2024-05", "sct", "18"),
        ("received_1", "2024-06", "sct", "22"),
        ("received_2", "2024-04", "sct", "6"),
        ("received_2", "2024-06", "sct", "3"),
    }


def test_published_complaints_received_by_month_hide_a_small_count():
    published = Measures(suppress_small_numbers(volume_rows()))
    section = Section("s", "S")
    regime_volume_blocks(section, "v", published, MONTHS, when="in each month")
    scotland = charts(section)[1]
    june = [f for f in traced_figures(finish(str(scotland.table.html))) if f["period"] == "2024-06"]
    assert {(f["measure"], f["text"]) for f in june} == {("received_1", "22"), ("received_2", "<5")}
    assert _traces(scotland)[1]["y"] == [6.0, None, None]  # a hidden count is not drawn


@pytest.mark.parametrize(
    ("workspace", "countries"),
    [("homes_plus", ["England", "Scotland"]), ("council_housing", [])],
)
def test_volume_table_gives_each_countrys_part_only_for_a_landlord_in_both(workspace, countries):
    landlord = load_landlord(Path(__file__).resolve().parents[2] / "examples" / workspace)
    labels = [metric.label for metric in _volume_metrics(landlord)]
    expected = []
    for text in (
        "New complaints received (at whichever stage they began)",
        "Stage 1 complaints received",
        "Stage 2 complaints received (escalated, or begun at stage 2)",
    ):
        expected += [text, *(f"{text}: {country}" for country in countries)]
    assert labels == expected


def _traces(chart) -> list[dict]:
    """The Plotly traces of a chart's HTML fragment."""
    text = plain(str(chart.html))
    traces, _ = json.JSONDecoder().raw_decode(text, text.index('[{"type"'))
    return traces


def test_scotlands_stage_1_has_no_acknowledgement_row():
    """The SPSO's stage 1 has no acknowledgement step: homes_plus's timeliness table showed
    "Scotland: Stage 1: complaints acknowledged in time: not available"."""
    from pipeline.reporting.annual import ReportContext
    from pipeline.reporting.annual_sections import timeliness

    landlord = load_landlord(Path(__file__).resolve().parents[2] / "examples" / "homes_plus")
    year = ReportingYear.parse("2025-26")
    rows = [
        row("2025-26", f"ack_in_time_{n}", "regime", country, "all", 9, 10)
        for n in (1, 2)
        for country in ("eng", "sct")
    ]
    section = timeliness(ReportContext(None, landlord, year, Measures(frame(rows)), False))
    text = " ".join(plain(str(b.table.html)) for b in section.blocks if b.table is not None)
    assert "Scotland: Stage 1: complaints acknowledged in time" not in text
    assert "Scotland: Stage 2: complaints acknowledged in time" in text
    assert "England: Stage 1: complaints acknowledged in time" in text


def test_an_all_countries_in_time_figure_names_each_countrys_limits():
    """homes_plus's committee pack called 629 of 688 answers, 255 of them Scottish ones judged
    by the SPSO's limits, "within the Code's time limits"."""
    from pipeline.reporting.blocks import Metric, for_regimes
    from pipeline.reporting.labels import in_time_name

    assert (
        in_time_name(1, "regulator")
        == "Stage 1: all answers sent within the Code's time limits (%)"
    )
    both = in_time_name(1, "regulator", regimes=("eng", "sct"))
    assert both == (
        "Stage 1: all answers sent within the Code's (England) or the SPSO's (Scotland) time "
        "limits (%)"
    )
    assert "SPSO's time limits" in in_time_name(2, "regulator", regimes=("sct",))
    assert in_time_name(1, "regulator", "sct", regimes=("eng", "sct")).startswith("Scotland: ")
    metrics = [
        Metric(in_time_name(1, "regulator"), "response_in_time_1", view="regulator"),
        Metric(in_time_name(1, "management"), "response_in_time_1", view="management"),
        Metric("x", "response_in_time_1", "regime", "eng", "regulator"),
    ]
    relabelled = for_regimes(metrics, ("eng", "sct"))
    assert relabelled[0].label == both
    assert relabelled[1:] == metrics[1:]  # the policy's view and one country's row keep theirs


def test_a_months_dash_in_the_charts_data_table_is_explained_there():
    """The chart's text alternative said what a month's "–" meant, its data table (the chart's
    figures for a screen reader and in the PDF's appendix) did not, and its dash cells were
    announced as empty (WCAG 1.3.1): the table carries the same note and each dash points to it."""
    from pipeline.reporting.render import describe_dashes

    section = Section("s", "S")
    regime_trend_blocks(section, "t", 1, Measures(trend_rows()), MONTHS, when="in each month")
    england, scotland = charts(section)
    table = describe_dashes(str(scotland.table.html))
    note = re.search(r'<span id="([\w-]+-dash-note)">([^<]*)</span>', table)
    assert note and note.group(2) == "–: no answers sent in Scotland that month."
    dashes = re.findall(r"<td\b([^>]*)>–</td>", table)
    assert len(dashes) == 2  # May, against each of the two time limits
    assert all(f'aria-describedby="{note.group(1)}"' in cell for cell in dashes)
    assert "dash-note" not in str(england.table.html)
