"""A chart's text alternative never states a figure or an extreme that withheld figures contradict.

A published version withholds small counts (``<5``) and figures that would give one away (``[c]``):
the chart leaves them out (a gap, not a zero), and its description says how many are not shown,
counts them among the groups, and calls a shown value the highest or lowest only where no withheld
figure could be beyond it (issue: "lowest 100.0% in Apr 2025" over months withheld below 100%).
"""

from __future__ import annotations

import json
import re

import polars as pl

from pipeline.periods import ReportingYear
from pipeline.reporting.blocks import Metric, Section, breakdown_block, trend_block
from pipeline.reporting.charts import (
    bar_shape,
    certainly_highest,
    certainly_lowest,
    line_shape,
)
from pipeline.reporting.data import MEASURE_COLUMNS, Measures
from pipeline.reporting.suppression import withheld_key, withheld_mark
from pipeline.reporting.trace import figure, plain

YEAR = ReportingYear.parse("2025-26")
MONTHS = [f"{m} 2025" for m in ("Apr", "May", "Jun", "Jul", "Aug", "Sep")]


def measures(
    measure: str, breakdown: str, values, unit: str = "count", year: ReportingYear = YEAR
) -> Measures:
    """Measure rows as a published version loads them: a withheld row has no value.

    ``values`` are ``(breakdown_value, value, display)``; every row is of ``year``."""
    return Measures(
        pl.DataFrame(
            [
                {
                    "landlord_id": "t",
                    "period_kind": "year",
                    "period": year.key,
                    "period_start": year.start,
                    "period_end": year.end,
                    "measure": measure,
                    "breakdown": breakdown,
                    "breakdown_value": key,
                    "view": "all",
                    "numerator": value,
                    "denominator": None,
                    "value": value,
                    "display": display,
                    "unit": unit,
                }
                for key, value, display in values
            ],
            schema_overrides={
                "period_start": pl.Date,
                "period_end": pl.Date,
                "numerator": pl.Float64,
                "denominator": pl.Float64,
                "value": pl.Float64,
                "display": pl.String,
            },
        ).select(MEASURE_COLUMNS)
    )


def test_suppression_marks_are_read_through_figure_markers():
    row = {"measure": "m", "period": "p", "breakdown": "none", "breakdown_value": "all"}
    assert withheld_mark(figure(row, "<5")) == "<5"
    assert withheld_mark("[c]") == "[c]"
    assert withheld_mark("5") is None
    assert withheld_mark("[U]") is None
    assert withheld_mark(None) is None
    assert withheld_key(["<5", "[c]", "<5"]) == "<5: fewer than 5; [c]: withheld"


def test_an_extreme_is_certain_only_beyond_every_withheld_figure():
    assert certainly_highest(5, ["<5", "<5"])  # <5 is at most 4
    assert not certainly_highest(4, ["<5"])
    assert not certainly_highest(99.0, ["[c]"])  # [c] may be large
    assert certainly_lowest(0, ["<5"])  # <5 is at least 1: zero is never withheld
    assert not certainly_lowest(1, ["<5"])
    assert not certainly_lowest(0, ["[c]"])
    assert certainly_highest(3, []) and certainly_lowest(3, [])


def test_a_line_without_withheld_points_reads_as_before():
    text = line_shape(
        MONTHS[:4], {"Stage 1": ([88.0, 95.0, 80.1, 91.2], ["88.0", "95.0", "80.1", "91.2"])}, "%"
    )
    assert text == (
        "Stage 1: from 88.0% in Apr 2025 to 91.2% in Jul 2025, highest 95.0% in May 2025, "
        "lowest 80.1% in Jun 2025."
    )


def test_withheld_rates_leave_no_lowest_or_highest():
    """housing21 2025-26, stage 2 in time: the shown months were all 100.0%, the withheld ones
    lower; "lowest 100.0% in Apr 2025" was false."""
    values = [100.0, None, 100.0, None, None, 100.0]
    texts = ["100.0", "[c]", "100.0", "[c]", "[c]", "100.0"]
    text = line_shape(MONTHS, {"Code's time limits": (values, texts)}, "%")
    assert text == (
        "Code's time limits: 3 of 6 months not shown ([c]: withheld); first shown 100.0% in "
        "Apr 2025, last shown 100.0% in Sep 2025."
    )
    assert "lowest" not in text and "highest" not in text and "from" not in text


def test_withheld_small_counts_are_not_read_as_zero():
    """small_specialist 2025-26, stage 2 received: the shown months were 0 and the others <5;
    "highest 0" was false (11 were received)."""
    values = [None, 0.0, None, 0.0, 0.0, None]
    texts = ["<5", "0", "<5", "0", "0", "<5"]
    text = line_shape(MONTHS, {"Stage 2": (values, texts)}, "")
    assert "highest" not in text
    assert text == (
        "Stage 2: 3 of 6 months not shown (<5: fewer than 5); first shown 0 in May 2025, "
        "last shown 0 in Aug 2025, lowest 0 in May 2025."
    )


def test_a_shown_count_of_5_or_more_is_certainly_the_highest():
    values = [6.0, None, 5.0, None, 7.0, None]
    texts = ["6", "<5", "5", "<5", "7", "<5"]
    text = line_shape(MONTHS, {"Stage 1": (values, texts)}, "")
    assert "highest 7 in Aug 2025" in text
    assert "lowest" not in text  # a <5 month is below 5


def test_a_line_with_every_point_withheld_says_so():
    text = line_shape(MONTHS[:3], {"Stage 1": ([None] * 3, ["<5", "[c]", "<5"])}, "")
    assert text == "Stage 1: all 3 months withheld (<5: fewer than 5; [c]: withheld)."
    assert "no figures" not in text


def test_a_line_with_one_point_shown_names_only_that_point():
    text = line_shape(MONTHS[:3], {"Stage 1": ([None, 6.0, None], ["<5", "6", "<5"])}, "")
    assert text == "Stage 1: 2 of 3 months not shown (<5: fewer than 5); only May 2025 shown, 6."


def test_bars_count_the_withheld_groups_and_qualify_unsure_extremes():
    text = bar_shape(["Repairs", "Housing"], [16.0, 15.0], ["16", "15"], "", ["<5", "<5", "<5"])
    assert text == (
        "2 bars; largest Repairs (16); smallest of those shown Housing (15); "
        "3 more not drawn (<5: fewer than 5)."
    )
    text = bar_shape(["Not upheld", "Upheld"], [45.9, 23.4], ["45.9", "23.4"], "%", ["[c]"])
    assert "largest of those shown Not upheld (45.9%)" in text
    assert "1 more not drawn ([c]: withheld)" in text
    # Nothing withheld (an internal version): as before.
    assert (
        bar_shape(["A", "B"], [3.0, 2.0], ["3", "2"], "")
        == "2 bars; largest A (3); smallest B (2)."
    )


def add_breakdown(rows: Measures, percent: bool = False) -> Section:
    section = Section("s", "S")
    breakdown_block(
        section,
        "area",
        "Stage 1 complaints by service area",
        rows,
        "received_1",
        YEAR,
        "service_area",
        heading="Service area",
        value_heading="Complaints",
        percent=percent,
        chart_summary="Stage 1 complaints by service area: {top} had the most ({top_value}) "
        "of {n} areas.",
    )
    return section


def test_the_areas_counted_include_the_withheld_ones():
    """small_specialist 2025-26: "the most (16) of 2 areas" while there were 5."""
    section = add_breakdown(
        measures(
            "received_1",
            "service_area",
            [
                ("repairs", 16.0, "16"),
                ("housing", 15.0, "15"),
                ("asb", None, "<5"),
                ("heat_networks", None, "<5"),
                ("other", None, "<5"),
            ],
        )
    )
    chart = section.blocks[0].chart
    assert plain(chart.summary).startswith(
        "Stage 1 complaints by service area: Repairs had the most (16) of 5 areas. Not drawn:"
    )
    assert "3 more not drawn (<5: fewer than 5)" in chart.shape


def test_a_largest_bar_beside_a_withheld_c_is_only_the_largest_shown():
    section = add_breakdown(
        measures(
            "received_1",
            "service_area",
            [("repairs", 40.0, "40"), ("housing", 30.0, "30"), ("asb", None, "[c]")],
        )
    )
    summary = plain(section.blocks[0].chart.summary)
    assert "had the most" not in summary
    assert summary.startswith(
        "Stage 1 complaints by service area: 2 of 3 shown; the largest of those shown is "
        "Repairs (40)."
    )


def test_every_bar_withheld_is_said_to_be_withheld():
    section = add_breakdown(
        measures("received_1", "service_area", [("repairs", None, "[c]"), ("housing", None, "<5")])
    )
    assert [b.kind for b in section.blocks] == ["text"]
    assert plain(section.blocks[0].text) == (
        "Stage 1 complaints by service area: all 2 figures withheld in this version "
        "(<5: fewer than 5; [c]: withheld): Housing (<5), Repairs ([c])."
    )


def add_trend(rows: Measures) -> Section:
    section = Section("s", "S")
    trend_block(
        section,
        "month",
        "Complaints received by month",
        rows,
        YEAR,
        [Metric("Stage 1", "received_1"), Metric("Stage 2", "received_2")],
        y_label="Complaints",
        summary="Stage 1 and stage 2 complaints received in each month of the year.",
    )
    return section


def month_rows(measure: str, values) -> pl.DataFrame:
    keys = [f"2025-{m:02d}" for m in range(4, 4 + len(values))]
    return measures(
        measure, "month", [(k, v, d) for k, (v, d) in zip(keys, values, strict=True)]
    ).frame


def test_a_trend_with_every_figure_withheld_is_not_a_trend_with_no_figures():
    rows = Measures(
        pl.concat(
            [
                month_rows("received_1", [(None, "<5"), (None, "<5")]),
                month_rows("received_2", [(None, "<5"), (0.0, "0")]),
            ]
        )
    )
    section = add_trend(rows)
    text = plain(section.blocks[0].text)
    assert "no figures" not in text
    # May has a figure (stage 2, 0): one point is a sentence; April is withheld.
    assert text == (
        "Complaints received by month: only May 2025 can be shown (Stage 1 <5; Stage 2 0); "
        "1 other month withheld (<5: fewer than 5)."
    )
    everything_withheld = Measures(month_rows("received_1", [(None, "<5"), (None, "[c]")]))
    section = Section("s", "S")
    trend_block(
        section,
        "t",
        "Stage 1: all answers sent in time, by month",
        everything_withheld,
        YEAR,
        [Metric("Code's time limits", "received_1")],
        y_label="%",
        summary="",
    )
    assert section.blocks[0].text == (
        "Stage 1: all answers sent in time, by month: every figure for this period is withheld "
        "in this version (<5: fewer than 5; [c]: withheld)."
    )


def test_no_figures_still_reads_no_figures():
    section = Section("s", "S")
    trend_block(
        section,
        "t",
        "Complainant satisfaction by quarter",
        Measures(month_rows("received_1", [(None, None), (None, None)])),
        YEAR,
        [Metric("Timeliness", "received_1")],
        y_label="%",
        summary="",
    )
    assert (
        section.blocks[0].text == "Complainant satisfaction by quarter: no figures for this period."
    )


def test_a_withheld_month_is_a_gap_in_the_line_not_a_zero():
    rows = Measures(
        pl.concat(
            [
                month_rows("received_1", [(6.0, "6"), (None, "<5"), (5.0, "5"), (7.0, "7")]),
                month_rows("received_2", [(0.0, "0"), (None, "<5"), (0.0, "0"), (None, "<5")]),
            ]
        )
    )
    chart = add_trend(rows).blocks[0].chart
    call = re.search(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*(\[.*?\])\s*,\s*\{", str(chart.html), re.S)
    traces = {t["name"]: t["y"] for t in json.loads(call.group(1))}
    assert traces == {"Stage 1": [6.0, None, 5.0, 7.0], "Stage 2": [0.0, None, 0.0, None]}
    assert chart.shape == (
        "Stage 1: 1 of 4 months not shown (<5: fewer than 5); first shown 6 in Apr 2025, last "
        "shown 7 in Jul 2025, highest 7 in Jul 2025. Stage 2: 2 of 4 months not shown (<5: "
        "fewer than 5); first shown 0 in Apr 2025, last shown 0 in Jun 2025."
    )


def test_a_series_named_our_policys_limits_is_lower_case_inside_the_sentence():
    """council_housing 2023/24 published: 'Stage 2 ...: only Sep 2023 can be shown (Code's time limits 100.0; Our
    policy's time limits 100.0)': a column heading's capital in the middle of a sentence; the
    Code keeps its capital."""
    rows = Measures(
        pl.concat(
            [
                month_rows("response_in_time_1", [(None, "[c]"), (100.0, "100.0")]),
                month_rows("response_in_time_2", [(None, "[c]"), (100.0, "100.0")]),
            ]
        )
    )
    section = Section("s", "S")
    trend_block(
        section,
        "t",
        "Stage 1: all answers sent in time, by month",
        rows,
        YEAR,
        [
            Metric("Code's time limits", "response_in_time_1"),
            Metric("Our policy's time limits", "response_in_time_2"),
        ],
        y_label="%",
        summary="",
    )
    assert plain(section.blocks[0].text).startswith(
        "Stage 1: all answers sent in time, by month: only May 2025 can be shown (Code's time "
        "limits 100.0; our policy's time limits 100.0); 1 other month withheld"
    )


def test_a_tie_at_either_end_names_every_bar_in_it():
    """homes_plus's Q4 learning summary: 'smallest Care (9)' when Care and Other both had 9,
    so a screen-reader user was told one service had the fewest complaints."""
    text = bar_shape(
        ["Repairs", "Housing", "Anti-social behaviour handling", "Care", "Other"],
        [90.0, 57.0, 10.0, 9.0, 9.0],
        ["90", "57", "10", "9", "9"],
        "",
    )
    assert text == "5 bars; largest Repairs (90); smallest Care and Other (9 each)."
    text = bar_shape(["A", "B", "C"], [4.0, 7.0, 7.0], ["4", "7", "7"], "")
    assert text == "3 bars; largest B and C (7 each); smallest A (4)."
    assert bar_shape(["A", "B"], [5.0, 5.0], ["5", "5"], "") == "2 bars; each 5."
