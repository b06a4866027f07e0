"""Plotly charts for the documents: colour-blind-safe, a text summary each, a data-table alternative.

Charts are HTML fragments (``include_plotlyjs=False``); the document inlines plotly.js once, so it is
self-contained and works offline. Fixed sizes keep a chart inside the A4 printable width.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl
from markupsafe import Markup

from pipeline.reporting.tables import Table, data_table

# Okabe-Ito palette (colour-blind safe), yellow left out: it has too little contrast on white.
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
# Dash patterns so lines differ without colour as well.
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
CHART_WIDTH_PX = 640
CHART_HEIGHT_PX = 300


@cache
def plotly_js() -> Markup:
    """The plotly.js bundle, inlined once per document (no CDN, works offline)."""
    from plotly.offline import get_plotlyjs

    # The bundle is JavaScript inside <script>; a literal "</script" in it would end the element.
    return Markup(get_plotlyjs().replace("</script", "<\\/script"))


@dataclass(frozen=True)
class Chart:
    """A rendered chart: the Plotly fragment, a text summary and its data table."""

    chart_id: str
    title: str
    summary: str
    html: Markup
    table: Table


def _layout(figure: go.Figure, y_title: str, percent: bool) -> None:
    figure.update_layout(
        template="simple_white",
        width=CHART_WIDTH_PX,
        height=CHART_HEIGHT_PX,
        margin={"l": 60, "r": 20, "t": 20, "b": 60},
        font={"family": "Arial, Helvetica, sans-serif", "size": 12, "color": "#1a1a1a"},
        legend={"orientation": "h", "y": -0.25},
        colorway=OKABE_ITO,
        yaxis_title=y_title,
        yaxis_rangemode="tozero",
    )
    if percent:
        figure.update_yaxes(range=[0, 100])


def _fragment(figure: go.Figure, chart_id: str) -> Markup:
    html = pio.to_html(
        figure,
        full_html=False,
        include_plotlyjs=False,
        div_id=chart_id,
        # No mode bar: its icon buttons are noise in print and for screen readers.
        config={"displayModeBar": False, "responsive": False, "staticPlot": False},
    )
    return Markup(html)


def bar_chart(
    chart_id: str,
    title: str,
    frame: pl.DataFrame,
    category: str,
    value: str,
    *,
    label: str,
    value_label: str,
    summary: str,
    percent: bool = False,
    display: str | None = None,
) -> Chart:
    """Horizontal bars of ``value`` by ``category`` (frame already sorted as it should show).

    ``display`` names a text column shown on each bar (e.g. ``<5`` where a count is suppressed).
    """
    text = frame[display].to_list() if display else None
    figure = go.Figure(
        go.Bar(
            x=frame[value].to_list(),
            y=frame[category].to_list(),
            orientation="h",
            marker_color=OKABE_ITO[0],
            text=text,
            textposition="outside" if text else None,
            hovertemplate="%{y}: %{text}<extra></extra>" if text else None,
        )
    )
    _layout(figure, "", percent)
    figure.update_layout(
        height=max(160, 60 + 28 * frame.height), xaxis_title=value_label, yaxis_autorange="reversed"
    )
    if percent:
        figure.update_xaxes(range=[0, 100])
        figure.update_yaxes(range=None)
    table = data_table(
        f"{chart_id}-data",
        f"Data for: {title}",
        frame.select(pl.col(category).alias(label), pl.col(display or value).alias(value_label)),
    )
    return Chart(chart_id, title, summary, _fragment(figure, chart_id), table)


def line_chart(
    chart_id: str,
    title: str,
    frame: pl.DataFrame,
    x: str,
    series: dict[str, str],
    *,
    x_label: str,
    y_label: str,
    summary: str,
    percent: bool = False,
    table_columns: dict[str, str] | None = None,
) -> Chart:
    """Lines of one or more value columns against ``x`` (months, quarters).

    ``series`` maps value column -> legend label. ``table_columns`` maps the columns shown in the
    data table (display text) -> heading; by default the value columns.
    """
    figure = go.Figure()
    for index, (column, name) in enumerate(series.items()):
        figure.add_trace(
            go.Scatter(
                x=frame[x].to_list(),
                y=frame[column].to_list(),
                mode="lines+markers",
                name=name,
                line={"color": OKABE_ITO[index % len(OKABE_ITO)], "dash": DASHES[index % 6]},
                marker={"symbol": index},
            )
        )
    _layout(figure, y_label, percent)
    figure.update_layout(xaxis_title=x_label, xaxis_type="category", showlegend=len(series) > 1)
    columns = table_columns or series
    table = data_table(
        f"{chart_id}-data",
        f"Data for: {title}",
        frame.select(pl.col(x).alias(x_label), *[pl.col(c).alias(n) for c, n in columns.items()]),
    )
    return Chart(chart_id, title, summary, _fragment(figure, chart_id), table)
