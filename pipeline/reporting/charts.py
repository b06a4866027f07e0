"""Plotly charts for the documents: colour-blind-safe, a text summary each, a data-table alternative.

Charts are HTML fragments (``include_plotlyjs=False``). plotly.js (about 4.8 MB) is written once per
output folder as :data:`PLOTLY_FILE` beside the documents, which load it with a relative
``<script src>``: the folder works offline (no CDN) and each document stays small. Fixed sizes keep
a chart inside the A4 printable width.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import plotly.io as pio
import polars as pl
from markupsafe import Markup

from pipeline.io import atomic_write_bytes, note_write
from pipeline.reporting.tables import Table, data_table

# Okabe-Ito palette (colour-blind safe) without the colours under 3:1 on white (WCAG 1.4.11 non-text
# contrast): yellow, orange (#E69F00, 2.2:1) and sky blue (#56B4E9, 2.3:1). A sixth line reuses a
# colour with another dash pattern and marker.
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000"]
# Dash patterns so lines differ without colour as well.
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
CHART_WIDTH_PX = 640
CHART_HEIGHT_PX = 300


@cache
def plotly_js() -> str:
    """The plotly.js bundle (the file written beside the documents)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def plotly_file_name() -> str:
    """The shared script's file name, versioned so a newer Plotly never meets an older file."""
    import plotly

    return f"plotly-{plotly.__version__}.min.js"


PLOTLY_FILE = plotly_file_name()


def write_plotly_js(folder: Path) -> Path:
    """Write plotly.js into ``folder`` (once: an existing identical file is left alone).

    Written through a temporary file and a rename, so documents rendered at the same time in the
    same folder never see half a script.
    """
    path = Path(folder) / PLOTLY_FILE
    data = plotly_js().encode("utf-8")
    if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
        note_write(path)  # this document needs it too: it stays while any of them is published
        return path
    return atomic_write_bytes(path, data)


@dataclass(frozen=True)
class Chart:
    """A rendered chart: the Plotly fragment, a text summary, its data table (printed in the
    document's chart-data appendix) and ``shape``, a sentence on the data's shape for the chart's
    alternative text."""

    chart_id: str
    title: str
    summary: str
    html: Markup
    table: Table
    shape: str = ""


def _extremes(values: list) -> tuple[int, int] | None:
    """Positions of the largest and smallest shown values (suppressed ones are null: skipped)."""
    shown = [(v, i) for i, v in enumerate(values) if v is not None]
    if not shown:
        return None
    return max(shown)[1], min(shown)[1]


def bar_shape(labels: list[str], values: list, texts: list[str], unit: str) -> str:
    """'12 bars; largest Repairs (369), smallest Lifts (12); 2 hidden in the published version.'"""
    found = _extremes(values)
    hidden = sum(v is None for v in values)
    parts = [f"{len(values)} bar{'s' if len(values) != 1 else ''}"]
    if found is not None:
        top, bottom = found
        parts.append(f"largest {labels[top]} ({texts[top]}{unit})")
        if bottom != top:
            parts.append(f"smallest {labels[bottom]} ({texts[bottom]}{unit})")
    if hidden:
        parts.append(f"{hidden} not shown (too few to publish, or no figure)")
    return "; ".join(parts) + "."


def line_shape(x: list[str], series: dict[str, tuple[list, list[str]]], unit: str) -> str:
    """Per line: first and last point, highest and lowest, e.g. 'Stage 1: from 88.0% in Apr 2024
    to 91.2% in Mar 2025, highest 95.0% in Jun 2024, lowest 80.1% in Jan 2025.'"""
    sentences = []
    for name, (values, texts) in series.items():
        points = [(i, v) for i, v in enumerate(values) if v is not None]
        if not points:
            sentences.append(f"{name}: no figures shown.")
            continue
        first, last = points[0][0], points[-1][0]
        high = max(points, key=lambda p: p[1])[0]
        low = min(points, key=lambda p: p[1])[0]
        sentence = (
            f"{name}: from {texts[first]}{unit} in {x[first]} to {texts[last]}{unit} in {x[last]}"
        )
        if len(points) > 2:
            sentence += (
                f", highest {texts[high]}{unit} in {x[high]}, lowest {texts[low]}{unit} in {x[low]}"
            )
        sentences.append(sentence + ".")
    return " ".join(sentences)


def _layout(y_title: str, percent: bool, **extra) -> dict:
    """Layout shared by every chart (a plain dict: Plotly's object model validates and deep-copies
    on every update, which costs seconds per document; the figure is plain JSON anyway)."""
    axis = {"showline": True, "linecolor": "#444444", "ticks": "outside", "automargin": True}
    layout = {
        # No Plotly template (with validate=False none is applied); the styles that matter:
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "width": CHART_WIDTH_PX,
        "height": CHART_HEIGHT_PX,
        "margin": {"l": 60, "r": 40, "t": 30, "b": 70},
        "font": {"family": "Arial, Helvetica, sans-serif", "size": 12, "color": "#1a1a1a"},
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        "colorway": OKABE_ITO,
        "xaxis": {**axis, "showgrid": False},
        "yaxis": {
            **axis,
            "gridcolor": "#e5e5e5",
            "title": {"text": y_title},
            "rangemode": "tozero",
        },
    }
    if percent:
        layout["yaxis"]["range"] = [0, 100]
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(layout.get(key), dict):
            layout[key] = {**layout[key], **value}
        else:
            layout[key] = value
    return layout


def _fragment(figure: dict, chart_id: str) -> Markup:
    html_text = pio.to_html(
        figure,
        full_html=False,
        include_plotlyjs=False,
        div_id=chart_id,
        validate=False,
        # No mode bar: its icon buttons are noise in print and for screen readers.
        config={"displayModeBar": False, "responsive": False, "staticPlot": False},
    )
    return Markup(html_text)


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
    text = [html.escape(str(v)) for v in frame[display].to_list()] if display else None
    bar = {
        "type": "bar",
        "orientation": "h",
        "x": frame[value].to_list(),
        # Plotly reads a few tags (<b>, <a href>) in labels as markup; escaped, every label is
        # shown exactly as the data has it.
        "y": [html.escape(str(v)) for v in frame[category].to_list()],
        "marker": {"color": OKABE_ITO[0]},
        "cliponaxis": False,
    }
    if text:
        bar |= {
            "text": text,
            "textposition": "outside",
            "hovertemplate": "%{y}: %{text}<extra></extra>",
        }
    x_axis = {"title": {"text": value_label}}
    y_axis = {"autorange": "reversed", "title": {"text": ""}}
    if percent:
        x_axis["range"] = [0, 100]
        y_axis["range"] = None
    layout = _layout("", False, height=max(160, 60 + 28 * frame.height), xaxis=x_axis, yaxis=y_axis)
    layout["yaxis"].pop("rangemode", None)
    if layout["yaxis"].get("range") is None:
        layout["yaxis"].pop("range", None)
    figure = {"data": [bar], "layout": layout}
    table = data_table(
        f"{chart_id}-data",
        f"Data for: {title}",
        frame.select(pl.col(category).alias(label), pl.col(display or value).alias(value_label)),
    )
    texts = [str(v) for v in frame[display or value].to_list()]
    shape = bar_shape(
        [str(v) for v in frame[category].to_list()],
        frame[value].to_list(),
        texts,
        "%" if percent else "",
    )
    return Chart(chart_id, title, summary, _fragment(figure, chart_id), table, shape)


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
    x_values = [html.escape(str(v)) for v in frame[x].to_list()]
    traces = [
        {
            "type": "scatter",
            "x": x_values,
            "y": frame[column].to_list(),
            "mode": "lines+markers",
            "name": name,
            "line": {"color": OKABE_ITO[index % len(OKABE_ITO)], "dash": DASHES[index % 6]},
            "marker": {"symbol": index},
        }
        for index, (column, name) in enumerate(series.items())
    ]
    layout = _layout(
        y_label,
        percent,
        xaxis={"title": {"text": x_label}, "type": "category"},
        showlegend=len(series) > 1,
    )
    figure = {"data": traces, "layout": layout}
    columns = table_columns or series
    table = data_table(
        f"{chart_id}-data",
        f"Data for: {title}",
        frame.select(pl.col(x).alias(x_label), *[pl.col(c).alias(n) for c, n in columns.items()]),
    )
    # The shape sentence quotes the table's text (suppressed values stay hidden).
    shown_text = list(columns) if len(columns) == len(series) else list(series)
    shape = line_shape(
        [str(v) for v in frame[x].to_list()],
        {
            name: (frame[column].to_list(), [str(t) for t in frame[text].to_list()])
            for (column, name), text in zip(series.items(), shown_text, strict=True)
        },
        "%" if percent else "",
    )
    return Chart(chart_id, title, summary, _fragment(figure, chart_id), table, shape)
