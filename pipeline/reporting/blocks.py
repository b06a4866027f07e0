"""Building blocks of every document: sections made of text, tables and charts read from measures.

A section is a heading and a list of blocks; the templates in ``reports/`` render them in order, so
the annual report, the committee pack and the learning summary share one way of showing a measure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import polars as pl

from pipeline.periods import Period
from pipeline.reporting.charts import Chart, bar_chart, certainly_highest, line_chart
from pipeline.reporting.data import Measures
from pipeline.reporting.labels import in_time_name, label, readable
from pipeline.reporting.suppression import withheld_key, withheld_mark
from pipeline.reporting.tables import Table, data_table
from pipeline.reporting.trace import figure

NOT_AVAILABLE = "not available"
# A group (a scheme, a business stream) with no row of a measure the landlord has a figure for:
# nothing of that kind was recorded in the group, which is not the same as a figure not known.
NONE_RECORDED = "–"


@dataclass
class Block:
    """One item of a section: a paragraph, a bullet list, a table or a chart (with its table)."""

    kind: str  # 'text' | 'list' | 'table' | 'chart' | 'note' | 'html'
    text: str = ""
    items: list[str] = field(default_factory=list)
    table: Table | None = None
    chart: Chart | None = None
    html: str = ""


@dataclass
class Section:
    """A numbered section of a document; ``id`` is the anchor the contents page links to."""

    id: str
    title: str
    blocks: list[Block] = field(default_factory=list)

    def text(self, text: str) -> None:
        self.blocks.append(Block("text", text=text))

    def note(self, text: str) -> None:
        self.blocks.append(Block("note", text=text))

    def bullets(self, items: list[str]) -> None:
        if items:
            self.blocks.append(Block("list", items=items))

    def add_table(self, table: Table | None, empty: str | None = None) -> None:
        if table is not None and table.rows:
            self.blocks.append(Block("table", table=table))
        elif empty:
            self.note(empty)

    def add_chart(self, chart: Chart | None) -> None:
        if chart is not None:
            self.blocks.append(Block("chart", chart=chart))


def shown(row: dict | None) -> str:
    """The display text of a measure row, traced to its row (``pipeline.reporting.trace``), or
    ``not available`` when there is no row."""
    if row is None:
        return NOT_AVAILABLE
    return figure(row, readable(row["display"], row.get("unit")) or "[U]")


def noun(row: dict | None, singular: str, plural: str) -> str:
    """The noun that agrees with ``row``'s figure as shown: ``complaint`` after a 1, else the
    plural (``<5``, ``[c]`` and any other count read as plural)."""
    return singular if row is not None and row["value"] == 1 else plural


def shown_in_group(row: dict | None, whole: dict | None) -> str:
    """A group's figure (a scheme's, a business stream's) beside the landlord's ``whole`` row of
    the same measure, period and view: no row for the group while the landlord has its figure
    means none recorded there (``NONE_RECORDED``), as the group's own report says; no figure for
    the landlord either is ``not available``."""
    if row is None and whole is not None:
        return NONE_RECORDED
    return shown(row)


@dataclass(frozen=True)
class Metric:
    """One row of a metric table: a label and where its figure is in the measures table."""

    label: str
    measure: str
    breakdown: str = "none"
    breakdown_value: str = "all"
    view: str | None = None


def for_regimes(metrics: Iterable[Metric], regimes: Iterable[str]) -> list[Metric]:
    """``metrics`` with each all-countries answered-in-time row named by the limits of the
    landlord's ``regimes`` (see :func:`~pipeline.reporting.labels.in_time_name`): the lists of
    metrics are written once for every landlord; a landlord in Scotland judges some answers by
    the SPSO's limits."""
    regimes = tuple(regimes)
    return [
        replace(metric, label=in_time_name(int(metric.measure[-1]), "regulator", None, regimes))
        if metric.measure in ("response_in_time_1", "response_in_time_2")
        and metric.view == "regulator"
        and metric.breakdown == "none"
        else metric
        for metric in metrics
    ]


def metric_table(
    table_id: str,
    caption: str,
    measures: Measures,
    metrics: list[Metric],
    columns: list[tuple[str, Period | str]],
    *,
    first_heading: str = "Measure",
    note: str | None = None,
    keep_missing: bool = False,
) -> Table:
    """A table with one row per metric and one column per period, cells the measures' display text.

    Rows with no figure in any column are left out unless ``keep_missing``.
    """
    records = []
    for metric in metrics:
        cells = [
            measures.get(
                metric.measure, period, metric.breakdown, metric.breakdown_value, metric.view
            )
            for _, period in columns
        ]
        if keep_missing or any(cell is not None for cell in cells):
            records.append([metric.label] + [shown(cell) for cell in cells])
    frame = pl.DataFrame(
        records, schema=[first_heading] + [heading for heading, _ in columns], orient="row"
    )
    return data_table(table_id, caption, frame, note=note)


def breakdown_frame(
    measures: Measures,
    measure: str,
    period: Period | str,
    breakdown: str,
    view: str | None = None,
    *,
    sort_by_value: bool = True,
) -> pl.DataFrame:
    """Rows of ``measure`` by ``breakdown`` with a readable ``label`` column, largest first.

    ``display`` is each row's text as a document shows it (``[U]`` when null); ``shown`` is the
    same text traced to its row (:func:`shown`), for what a reader sees: table cells, sentences.
    """
    rows = measures.breakdown(measure, period, breakdown, view)
    rows = rows.with_columns(
        pl.col("breakdown_value").map_elements(label, return_dtype=pl.String).alias("label"),
        pl.struct("display", "unit")
        .map_elements(lambda r: readable(r["display"], r["unit"]), return_dtype=pl.String)
        .fill_null("[U]")
        .alias("display"),
    )
    rows = rows.with_columns(
        pl.Series("shown", [figure(r, r["display"]) for r in rows.iter_rows(named=True)], pl.String)
    )
    if sort_by_value:
        return rows.sort(["value", "label"], descending=[True, False], nulls_last=True)
    # Bands such as '0-5', '6-10', '41+' in numeric order, other values alphabetically.
    return rows.sort(
        [pl.col("breakdown_value").str.extract(r"^(\d+)").cast(pl.Int64), "breakdown_value"],
        nulls_last=True,
    )


def breakdown_block(
    section: Section,
    block_id: str,
    caption: str,
    measures: Measures,
    measure: str,
    period: Period | str,
    breakdown: str,
    *,
    heading: str,
    value_heading: str,
    view: str | None = None,
    chart_summary: str | None = None,
    percent: bool = False,
    empty: str | None = None,
    sort_by_value: bool = True,
) -> pl.DataFrame:
    """Add a breakdown as a chart (with its data table) when ``chart_summary`` is given, else a table.

    ``chart_summary`` may contain ``{top}`` and ``{top_value}`` (the largest group) and ``{n}``.
    Every figure shown (the data table's cells, ``{top_value}``, the groups not drawn, the
    sentence replacing a chart) is traced to its measures row; the chart itself is plain.
    Returns the rows shown, for commentary.
    """
    rows = breakdown_frame(measures, measure, period, breakdown, view, sort_by_value=sort_by_value)
    if rows.is_empty():
        if empty:
            section.note(empty)
        return rows
    if chart_summary is not None:
        # A suppressed figure has no value: it is not drawn (a missing bar reads as zero) but
        # named under the chart; with fewer than two bars left, a sentence replaces the chart.
        drawn = rows.filter(pl.col("value").is_not_null())
        hidden = rows.filter(pl.col("value").is_null())
        hidden_text = (
            f" Not drawn: {', '.join(f'{r} ({d})' for r, d in zip(hidden['label'], hidden['shown'], strict=True))}."
            if hidden.height
            else ""
        )
        # Marks of the groups a published version withholds (<5, [c]); a group with no figure
        # for another reason is not one of them.
        withheld = [m for m in map(withheld_mark, hidden["display"]) if m is not None]
        if drawn.height < 2:
            if drawn.height == 1:
                only = drawn.row(0, named=True)
                section.text(f"{caption}: {only['label']}, {only['shown']}.{hidden_text}")
            elif withheld and len(withheld) == hidden.height:
                listed = ", ".join(
                    f"{r} ({d})" for r, d in zip(hidden["label"], hidden["shown"], strict=True)
                )
                section.text(
                    f"{caption}: all {hidden.height} figures withheld in this version "
                    f"({withheld_key(withheld)}): {listed}."
                )
            elif hidden.height:
                section.text(f"{caption}:{hidden_text}")
            return rows
        every = rows
        rows = drawn
        top = rows.row(0, named=True)
        # Groups whose figure is withheld are groups all the same: counted in {n}.
        groups = rows.height + len(withheld)
        unit = "%" if percent else ""
        # Groups level with the largest as the reader sees them: naming one alone would call it
        # the largest when it is not.
        level = list(rows.filter(pl.col("display") == top["display"])["label"])
        joined = ", ".join(level[:-1]) + f" and {level[-1]}"
        if certainly_highest(top["value"], withheld):
            if len(level) > 1:
                summary = f"{caption}: {joined} had the most ({top['shown']}{unit} each)."
            else:
                summary = chart_summary.format(top=top["label"], top_value=top["shown"], n=groups)
        elif len(level) > 1:
            summary = (
                f"{caption}: {rows.height} of {groups} shown; the largest of those shown are "
                f"{joined} ({top['shown']}{unit} each)."
            )
        else:
            # A withheld figure ([c]) may be above the largest bar: name it only as the largest
            # of those shown.
            summary = (
                f"{caption}: {rows.height} of {groups} shown; the largest of those shown is "
                f"{top['label']} ({top['shown']}{unit})."
            )
        chart = bar_chart(
            f"chart-{block_id}",
            caption,
            rows,
            "label",
            "value",
            label=heading,
            value_label=value_heading,
            summary=summary + hidden_text,
            percent=percent,
            display="shown",
            withheld=withheld,
        )
        if hidden.height:
            # The data table lists every group, the suppressed ones as <5 / [c]: only the bars
            # leave them out.
            chart = replace(
                chart,
                table=data_table(
                    f"chart-{block_id}-data",
                    f"Data for: {caption}",
                    every.select(
                        pl.col("label").alias(heading), pl.col("shown").alias(value_heading)
                    ),
                ),
            )
        section.add_chart(chart)
    else:
        section.add_table(
            data_table(
                f"tbl-{block_id}",
                caption,
                rows.select(pl.col("label").alias(heading), pl.col("shown").alias(value_heading)),
            )
        )
    return rows


def pivot_block(
    section: Section,
    block_id: str,
    caption: str,
    measures: Measures,
    measure: str,
    period: Period | str,
    breakdown: str,
    *,
    row_heading: str,
    view: str | None = None,
    column_order: list[str] | None = None,
    empty: str | None = None,
) -> None:
    """A two-way breakdown (``a|b``) as a table: rows the first dimension, columns the second."""
    rows = measures.breakdown(measure, period, breakdown, view)
    if rows.is_empty():
        if empty:
            section.note(empty)
        return
    split = rows.with_columns(
        pl.col("breakdown_value").str.split_exact("|", 1).struct.rename_fields(["a", "b"])
    ).unnest("breakdown_value")
    present = split["b"].unique().to_list()
    order = [c for c in (column_order or []) if c in present] + sorted(
        c for c in present if c not in (column_order or [])
    )
    wide = (
        split.select("a", "b", pl.col("display").fill_null("[U]"))
        .pivot(on="b", index="a", values="display")
        .with_columns(pl.col("a").map_elements(label, return_dtype=pl.String))
        .sort("a")
    )
    frame = wide.select(
        pl.col("a").alias(row_heading),
        *[pl.col(c).fill_null(NONE_RECORDED).alias(label(c)) for c in order],
    )
    # A pair with no row had nothing recorded; without a note the dash meant nothing to anyone
    # (the scheme and committee tables say the same of theirs).
    blank = frame.select(pl.any_horizontal(pl.col(label(c)) == NONE_RECORDED for c in order).any())
    note = f"{NONE_RECORDED}: none recorded." if blank.item() else None
    section.add_table(data_table(f"tbl-{block_id}", caption, frame, note=note))


def trend_block(
    section: Section,
    block_id: str,
    caption: str,
    measures: Measures,
    period: Period,
    series: list[Metric],
    *,
    y_label: str,
    summary: str,
    percent: bool = False,
    by: str = "month",
) -> None:
    """A line chart over the months (or quarters) of ``period``, one line per metric.

    Each point's text (the data table's cells, the sentence replacing a chart of one point) is
    traced to its measures row (:func:`shown`); the lines are drawn from the rows' values."""
    frames = []
    for index, metric in enumerate(series):
        rows = measures.breakdown(metric.measure, period, by, metric.view)
        frames.append(
            pl.DataFrame(
                {
                    "x": rows["breakdown_value"],
                    f"v{index}": rows["value"],
                    f"d{index}": [shown(r) for r in rows.iter_rows(named=True)],
                },
                schema={"x": pl.String, f"v{index}": pl.Float64, f"d{index}": pl.String},
            )
        )
    frames = [f for f in frames if f.height]
    if not frames:
        section.note(f"{caption}: {NOT_AVAILABLE}.")
        return
    joined = frames[0]
    for other in frames[1:]:
        joined = joined.join(other, on="x", how="full", coalesce=True)
    # Month keys ('2024-04') read better as 'Apr 2024'; the axis is categorical so every period shows.
    joined = joined.sort("x").with_columns(
        pl.when(pl.col("x").str.contains(r"^\d{4}-\d{2}$"))
        .then((pl.col("x") + "-01").str.to_date("%Y-%m-%d", strict=False).dt.strftime("%b %Y"))
        .otherwise(pl.col("x"))
        .alias("x")
    )
    present = [i for i in range(len(series)) if f"v{i}" in joined.columns]
    has_value = pl.any_horizontal(pl.col(f"v{i}").is_not_null() for i in present)
    with_values = joined.filter(has_value)
    points = "months" if by == "month" else f"{by}s"
    if with_values.height < 2:
        # One point is not a trend: say it in a sentence. Figures withheld in a published version
        # are figures all the same: "no figures" would misstate them.
        marks_by_point = [
            [mark for i in present if (mark := withheld_mark(row[f"d{i}"])) is not None]
            for row in joined.filter(~has_value).iter_rows(named=True)
        ]
        withheld = [mark for marks in marks_by_point for mark in marks]
        withheld_points = sum(bool(marks) for marks in marks_by_point)
        if with_values.height == 0:
            if withheld:
                section.note(
                    f"{caption}: every figure for this period is withheld in this version "
                    f"({withheld_key(withheld)})."
                )
            else:
                section.note(f"{caption}: no figures for this period.")
            return
        point = with_values.row(0, named=True)
        # a series heading ("Our policy's time limits") inside the sentence: "our", but the
        # Code's and the SPSO's names keep their capitals
        figures = "; ".join(
            f"{re.sub('^Our ', 'our ', series[i].label)} {point[f'd{i}']}" for i in present
        )
        if withheld:
            section.text(
                f"{caption}: only {point['x']} can be shown ({figures}); {withheld_points} other "
                f"{points if withheld_points != 1 else points[:-1]} withheld "
                f"({withheld_key(withheld)})."
            )
        else:
            section.text(f"{caption}: only {point['x']} has figures ({figures}).")
        return
    section.add_chart(
        line_chart(
            f"chart-{block_id}",
            caption,
            joined,
            "x",
            {f"v{i}": series[i].label for i in present},
            x_label="Month" if by == "month" else "Quarter",
            y_label=y_label,
            summary=summary,
            percent=percent,
            table_columns={f"d{i}": series[i].label for i in present},
            points=points,
        )
    )
