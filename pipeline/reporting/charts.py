"""Plotly charts for the documents: colour-blind-safe, a text summary each, a data-table alternative.

Charts are HTML fragments (``include_plotlyjs=False``). plotly.js (about 4.8 MB) is written once per
output folder as :data:`PLOTLY_FILE` beside the documents, which load it with a relative
``<script src>``: the folder works offline (no CDN) and each document stays small. Fixed sizes keep
a chart inside the A4 printable width.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import plotly.io as pio
import polars as pl
from markupsafe import Markup

from pipeline.io import atomic_write_bytes, note_write
from pipeline.reporting.suppression import withheld_below, withheld_key, withheld_mark
from pipeline.reporting.tables import Table, data_table
from pipeline.reporting.trace import plain

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
    alternative text.

    The data table's cells and the summary may carry figure markers
    (:func:`pipeline.reporting.trace.figure`): each cell then reads as a traced figure of its
    measures row. The Plotly fragment and ``shape`` (an ``aria-label``) are plain text.
    """

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


def certainly_highest(value: float, withheld: Sequence[str]) -> bool:
    """Whether a shown ``value`` is above every figure behind the suppression ``withheld`` marks.

    ``<5`` is a count under 5, so a shown 5 or more is above it; ``[c]`` may be anything (it can
    be large), so nothing shown is certainly above it."""
    bounds = [withheld_below(mark) for mark in withheld]
    return all(bound is not None and value >= bound for bound in bounds)


def certainly_lowest(value: float, withheld: Sequence[str]) -> bool:
    """Whether a shown ``value`` is at or below every figure behind the ``withheld`` marks: a
    ``<5`` is a count from 1 to 4 (zero is never withheld), so only a shown 0 is; ``[c]`` may be
    anything."""
    return all(withheld_below(mark) is not None and value <= 0 for mark in withheld)


def _withheld_marks(values: list, texts: list[str]) -> list[str]:
    """The suppression marks of the points without a value (a point with no row has none)."""
    return [
        mark
        for value, text in zip(values, texts, strict=True)
        if value is None and (mark := withheld_mark(text)) is not None
    ]


def _tied(labels: list[str], values: list, at: int, texts: list[str], unit: str) -> str:
    """The bar at ``at`` and every other bar of the same value, named in order: 'Care (9)' or
    'Care and Other (9 each)' (one named alone would be said to be the only one)."""
    names = [label for label, value in zip(labels, values, strict=True) if value == values[at]]
    if len(names) == 1:
        return f"{labels[at]} ({texts[at]}{unit})"
    joined = ", ".join(names[:-1]) + f" and {names[-1]}"
    return f"{joined} ({texts[at]}{unit} each)"


def bar_shape(
    labels: list[str], values: list, texts: list[str], unit: str, withheld: Sequence[str] = ()
) -> str:
    """'12 bars; largest Repairs (369), smallest Lifts (12).'

    ``withheld`` are the marks (``<5``, ``[c]``) of groups a published version leaves out of the
    chart: they are counted, and an extreme is only called the largest or smallest when the
    withheld figures cannot be beyond it (else it is the largest 'of those shown').
    """
    withheld_in_chart = _withheld_marks(values, texts)
    marks = [*withheld, *withheld_in_chart]
    found = _extremes(values)
    no_figure = sum(v is None for v in values) - len(withheld_in_chart)
    # With figures withheld, the bars counted are those drawn, and the withheld ones are counted
    # apart; without, a bar with no figure is counted and said to be missing, as it always was.
    drawn = sum(v is not None for v in values) if marks else len(values)
    parts = [f"{drawn} bar{'s' if drawn != 1 else ''}"]
    if found is not None:
        top, bottom = found
        if values[top] == values[bottom] and len([v for v in values if v is not None]) > 1:
            parts.append(f"each {texts[top]}{unit}")
        else:
            largest = (
                "largest" if certainly_highest(values[top], marks) else "largest of those shown"
            )
            parts.append(f"{largest} {_tied(labels, values, top, texts, unit)}")
            if bottom != top:
                smallest = (
                    "smallest"
                    if certainly_lowest(values[bottom], marks)
                    else "smallest of those shown"
                )
                parts.append(f"{smallest} {_tied(labels, values, bottom, texts, unit)}")
    if marks:
        parts.append(f"{len(marks)} more not drawn ({withheld_key(marks)})")
        if no_figure:
            parts.append(f"{no_figure} with no figure")
    elif no_figure:
        parts.append(f"{no_figure} not shown (too few to publish, or no figure)")
    return "; ".join(parts) + "."


def line_shape(
    x: list[str], series: dict[str, tuple[list, list[str]]], unit: str, points: str = "months"
) -> str:
    """Per line: first and last point, highest and lowest, e.g. 'Stage 1: from 88.0% in Apr 2024
    to 91.2% in Mar 2025, highest 95.0% in Jun 2024, lowest 80.1% in Jan 2025.'

    A line with points withheld in a published version (texts ``<5`` or ``[c]``, no value) says how
    many of its ``points`` are not shown, names its first and last shown points as such, and states
    a highest or lowest only where no withheld figure could be beyond it.
    """
    sentences = []
    for name, (values, texts) in series.items():
        points_shown = [(i, v) for i, v in enumerate(values) if v is not None]
        marks = _withheld_marks(values, texts)
        if marks:
            sentences.append(_withheld_line(name, x, points_shown, texts, unit, marks, points))
            continue
        if not points_shown:
            sentences.append(f"{name}: no figures shown.")
            continue
        first, last = points_shown[0][0], points_shown[-1][0]
        high = max(points_shown, key=lambda p: p[1])[0]
        low = min(points_shown, key=lambda p: p[1])[0]
        sentence = (
            f"{name}: from {texts[first]}{unit} in {x[first]} to {texts[last]}{unit} in {x[last]}"
        )
        if len(points_shown) > 2:
            sentence += (
                f", highest {texts[high]}{unit} in {x[high]}, lowest {texts[low]}{unit} in {x[low]}"
            )
        sentences.append(sentence + ".")
    return " ".join(sentences)


def _withheld_line(
    name: str,
    x: list[str],
    points_shown: list[tuple[int, float]],
    texts: list[str],
    unit: str,
    marks: list[str],
    points: str,
) -> str:
    """The sentence of a line some of whose points are withheld: 'Stage 1: 10 of 12 months not
    shown (<5: fewer than 5); first shown 6 in Jul 2025, last shown 5 in Sep 2025, highest 6 in
    Jul 2025.' Never a first, last or extreme that the withheld figures could contradict."""
    key = withheld_key(marks)
    if not points_shown:
        if len(marks) == len(x):
            return f"{name}: all {len(x)} {points} withheld ({key})."
        return f"{name}: no figures shown; {len(marks)} of {len(x)} {points} withheld ({key})."
    hidden = f"{name}: {len(marks)} of {len(x)} {points} not shown ({key})"
    first, last = points_shown[0][0], points_shown[-1][0]
    if len(points_shown) == 1:
        return f"{hidden}; only {x[first]} shown, {texts[first]}{unit}."
    facts = [
        f"first shown {texts[first]}{unit} in {x[first]}",
        f"last shown {texts[last]}{unit} in {x[last]}",
    ]
    if len(points_shown) > 2:
        high = max(points_shown, key=lambda p: p[1])
        low = min(points_shown, key=lambda p: p[1])
        if certainly_highest(high[1], marks):
            facts.append(f"highest {texts[high[0]]}{unit} in {x[high[0]]}")
        if certainly_lowest(low[1], marks):
            facts.append(f"lowest {texts[low[0]]}{unit} in {x[low[0]]}")
    return f"{hidden}; {', '.join(facts)}."


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


# The chart's drawing is decoration inside its text alternative (the ``role="img"`` container with
# the title, summary and shape as its label, the values in the data table). Chromium exposes each
# SVG shape Plotly draws (bars, axis lines, markers) as a graphic of its own, and its tagged PDF
# prints every one as a Figure with no /Alt (some 10 per chart, which PDF/UA checkers fail and
# screen readers announce as "graphic"). Once drawn, and after every redraw, the shapes are hidden
# from assistive technology; the chart's text stays, so the PDF keeps one Figure, with its /Alt.
# ``data-graphics-hidden`` tells the printer (wait_for_charts) that the chart is ready.
# The label Plotly shows where the pointer rests covers part of the chart: Escape dismisses it
# without moving the pointer (WCAG 1.4.13 content on hover).
CHART_GRAPHICS = "path, rect, line, circle, ellipse, polygon, polyline, image"
_HIDE_GRAPHICS_JS = (
    "var gd = document.getElementById('{plot_id}');"
    "var hide = function () {"
    f"gd.querySelectorAll('svg :is({CHART_GRAPHICS})')"
    ".forEach(function (el) { el.setAttribute('aria-hidden', 'true'); });"
    "gd.setAttribute('data-graphics-hidden', 'true'); };"
    "hide(); gd.on('plotly_afterplot', hide);"
    "document.addEventListener('keydown', function (event) {"
    "if (event.key === 'Escape') { Plotly.Fx.unhover(gd); } });"
)


def _fragment(figure: dict, chart_id: str) -> Markup:
    html_text = pio.to_html(
        figure,
        full_html=False,
        include_plotlyjs=False,
        div_id=chart_id,
        validate=False,
        # No mode bar: its icon buttons are noise in print and for screen readers.
        config={"displayModeBar": False, "responsive": False, "staticPlot": False},
        post_script=_HIDE_GRAPHICS_JS,
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
    withheld: Sequence[str] = (),
) -> Chart:
    """Horizontal bars of ``value`` by ``category`` (frame already sorted as it should show).

    ``display`` names a text column shown on each bar (e.g. ``<5`` where a count is suppressed)
    and in the data table; its figure markers, if any, trace the table's cells to their measures
    rows and are left out of the Plotly figure and the shape sentence.
    ``withheld`` are the marks (``<5``, ``[c]``) of the groups left out of ``frame`` because a
    published version withholds their figures: the text alternative counts them and claims no
    extreme they could contradict.
    """
    text = [html.escape(plain(str(v))) for v in frame[display].to_list()] if display else None
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
    texts = [plain(str(v)) for v in frame[display or value].to_list()]
    shape = bar_shape(
        [str(v) for v in frame[category].to_list()],
        frame[value].to_list(),
        texts,
        "%" if percent else "",
        list(withheld),
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
    points: str = "months",
    table_note: str | None = None,
) -> Chart:
    """Lines of one or more value columns against ``x`` (months, quarters).

    ``series`` maps value column -> legend label. ``table_columns`` maps the columns shown in the
    data table (display text, which may carry figure markers tracing each cell to its measures
    row) -> heading; by default the value columns. A withheld figure (null value) is a gap in its
    line, never a zero. ``points`` names the ``x`` values in the text alternative ("3 of 12 months
    not shown"). ``table_note`` goes under the data table, read without the chart ("–: ...").
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
        note=table_note,
    )
    # The shape sentence quotes the table's text (suppressed values stay hidden).
    shown_text = list(columns) if len(columns) == len(series) else list(series)
    shape = line_shape(
        [str(v) for v in frame[x].to_list()],
        {
            name: (frame[column].to_list(), [plain(str(t)) for t in frame[text].to_list()])
            for (column, name), text in zip(series.items(), shown_text, strict=True)
        },
        "%" if percent else "",
        points,
    )
    return Chart(chart_id, title, summary, _fragment(figure, chart_id), table, shape)
