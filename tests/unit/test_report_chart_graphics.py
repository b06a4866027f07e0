"""A chart's drawing is hidden from assistive technology; its text alternative speaks for it.

Chromium exposes each SVG shape Plotly draws as a graphic of its own, and its tagged PDF printed
each as a Figure without /Alt (about ten per chart). Each chart's fragment therefore hides its
shapes once drawn and after every redraw, and marks itself ready for the printer.
"""

from __future__ import annotations

import polars as pl

from pipeline.reporting.charts import CHART_GRAPHICS, bar_chart, line_chart


def _charts():
    frame = pl.DataFrame({"area": ["Repairs", "Lifts"], "n": [40, 3], "shown": ["40", "3"]})
    bars = bar_chart(
        "chart-bars",
        "Complaints by area",
        frame,
        "area",
        "n",
        label="Area",
        value_label="Complaints",
        summary="Repairs had the most.",
        display="shown",
    )
    months = pl.DataFrame({"month": ["Apr 2025", "May 2025"], "a": [1.0, 2.0], "b": [3.0, 4.0]})
    lines = line_chart(
        "chart-lines",
        "Complaints by month",
        months,
        "month",
        {"a": "Stage 1", "b": "Stage 2"},
        x_label="Month",
        y_label="Complaints",
        summary="Both rose.",
    )
    return bars, lines


def test_each_chart_hides_its_shapes_once_drawn_and_after_each_redraw():
    for chart in _charts():
        fragment = str(chart.html)
        # The hiding runs after Plotly.newPlot has drawn (its promise), on this chart only.
        drawn = fragment.split("Plotly.newPlot(", 1)[1].split(").then(function(){", 1)[1]
        assert f"document.getElementById('{chart.chart_id}')" in drawn
        assert f"querySelectorAll('svg :is({CHART_GRAPHICS})')" in drawn
        assert "setAttribute('aria-hidden', 'true')" in drawn
        assert "gd.on('plotly_afterplot', hide)" in drawn
        assert "setAttribute('data-graphics-hidden', 'true')" in drawn


def test_every_shape_plotly_draws_is_in_the_hidden_list():
    # Bars and lines are paths; axes, grid and markers paths; backgrounds and clips rects.
    for shape in ("path", "rect", "line", "circle", "polygon", "polyline", "image"):
        assert shape in CHART_GRAPHICS.split(", ")
    # Text (axis labels, values on the bars) is not a graphic: it stays, inside the chart's
    # Figure, so the tagged PDF keeps the Figure and its alternative text.
    assert "text" not in CHART_GRAPHICS and "tspan" not in CHART_GRAPHICS


def test_escape_dismisses_the_label_shown_on_hover():
    """WCAG 1.4.13: the label Plotly shows under the pointer can be dismissed without moving it."""
    for chart in _charts():
        drawn = str(chart.html).split(").then(function(){", 1)[1]
        assert "document.addEventListener('keydown'" in drawn
        assert "event.key === 'Escape') { Plotly.Fx.unhover(gd); }" in drawn
