"""England and Scotland apart: trend and volume charts and ageing tables for a landlord with homes
in both.

English complaints follow the Housing Ombudsman's Complaint Handling Code, Scottish ones the SPSO
model procedure, with different timescales; one figure mixing the two says nothing about either
(issue 16 point 5, issue 21). A landlord in one country keeps the single figures of
:mod:`pipeline.reporting.blocks`. Every figure comes from a measures row by ``regime`` (a month's
row for the trend, ``regime|band`` for the ageing), traced like any other.
"""

from __future__ import annotations

import polars as pl

from pipeline.config import Landlord
from pipeline.periods import Period
from pipeline.reporting.blocks import Section, shown
from pipeline.reporting.charts import line_chart
from pipeline.reporting.data import Measures
from pipeline.reporting.labels import label
from pipeline.reporting.tables import data_table

REGIMES = ("eng", "sct")
# The regulator view judges each country against its own external limits.
EXTERNAL_LIMITS = {"eng": "the Code's time limits", "sct": "the SPSO's time limits"}
# A country with no row for a month or band had nothing to count there.
NONE_RECORDED = "–"


def has_both_regimes(landlord: Landlord) -> bool:
    return set(REGIMES) <= set(landlord.regimes)


def regime_trend_blocks(
    section: Section,
    block_id: str,
    stage: int,
    measures: Measures,
    months: list[Period],
    *,
    when: str,
) -> None:
    """One chart per country of the stage's answers in time each month, against the country's
    external limits and against our policy's; ``when`` words the months ("in each month of the
    year", "each month so far this year") for the summary."""
    measure = f"response_in_time_{stage}"
    for regime in REGIMES:
        country = label(regime)
        limits = EXTERNAL_LIMITS[regime]
        _country_months_block(
            section,
            f"chart-{block_id}-{regime}",
            regime,
            f"{country}, stage {stage}: all answers sent in time, by month",
            measures,
            months,
            [
                (f"{country}: {limits}", measure, "regulator"),
                (f"{country}: our policy's time limits", measure, "management"),
            ],
            y_label="Answered in time (%)",
            summary=f"Percentage of all stage {stage} answers sent in {country} {when} that were "
            f"in time, against {limits} and against our policy's.",
            nothing=f"no answers sent in {country}",
            describe=lambda r, limits=limits: (
                f"{r['x']}: {r['d0']} against {limits}, {r['d1']} against our policy's"
            ),
            percent=True,
        )


def regime_volume_blocks(
    section: Section, block_id: str, measures: Measures, months: list[Period], *, when: str
) -> None:
    """One chart per country of the stage 1 and stage 2 complaints received each month; ``when``
    words the months for the summary."""
    for regime in REGIMES:
        country = label(regime)
        _country_months_block(
            section,
            f"chart-{block_id}-{regime}",
            regime,
            f"Complaints received in {country}, by month",
            measures,
            months,
            [
                (f"{country}: stage 1", "received_1", None),
                (f"{country}: stage 2", "received_2", None),
            ],
            y_label="Complaints",
            summary=f"Stage 1 and stage 2 complaints received in {country} {when}.",
            nothing=f"none received in {country}",
            describe=lambda r: f"{r['x']}: stage 1 {r['d0']}, stage 2 {r['d1']}",
        )


def _country_months_block(
    section: Section,
    chart_id: str,
    regime: str,
    caption: str,
    measures: Measures,
    months: list[Period],
    series: list[tuple[str, str, str | None]],
    *,
    y_label: str,
    summary: str,
    nothing: str,
    describe,
    percent: bool = False,
) -> None:
    """A line chart of two ``(label, measure, view)`` series over ``months``, from each month's
    row for ``regime``; a sentence instead when fewer than two months have a value to draw (one
    point is not a trend, and a suppressed month has no value). ``nothing`` says what a month
    without a row means ("no answers sent in Scotland"); ``describe`` words one month's figures
    for the sentence."""
    records = []
    for month in months:
        rows = [measures.get(measure, month, "regime", regime, view) for _, measure, view in series]
        records.append(
            [month.start.strftime("%b %Y")]
            + [None if row is None else row["value"] for row in rows]
            + [NONE_RECORDED if row is None else shown(row) for row in rows]
        )
    frame = pl.DataFrame(
        records,
        schema={"x": pl.String, "v0": pl.Float64, "v1": pl.Float64}
        | {"d0": pl.String, "d1": pl.String},
        orient="row",
    )
    with_values = frame.filter(pl.col("v0").is_not_null() | pl.col("v1").is_not_null())
    missing = (pl.col("d0") == NONE_RECORDED) | (pl.col("d1") == NONE_RECORDED)
    if with_values.height < 2:
        shown_months = frame.filter(
            (pl.col("d0") != NONE_RECORDED) | (pl.col("d1") != NONE_RECORDED)
        )
        if shown_months.is_empty():
            section.note(f"{caption}: {nothing} in these months.")
            return
        figures = "; ".join(describe(r) for r in shown_months.iter_rows(named=True))
        section.text(f"{caption}: {figures}.")
        return
    gap = f" {NONE_RECORDED}: {nothing} that month." if frame.select(missing.any()).item() else ""
    section.add_chart(
        line_chart(
            chart_id,
            caption,
            frame,
            "x",
            {"v0": series[0][0], "v1": series[1][0]},
            x_label="Month",
            y_label=y_label,
            summary=summary + gap,
            percent=percent,
            table_columns={"d0": series[0][0], "d1": series[1][0]},
            # the table shows the dash too, and is read apart from the chart (the PDF's appendix)
            table_note=gap.strip() or None,
        )
    )


def regime_band_table(
    section: Section,
    block_id: str,
    caption: str,
    measures: Measures,
    measure: str,
    period: Period | str,
    *,
    heading: str,
    total: str,
    empty: str | None = None,
) -> None:
    """``measure``'s bands as rows, England and Scotland as columns, each country's total last.

    The bands are each country's own: overdue means past the deadline its own regime's timescales
    set (sql/measures/open_ageing.sql)."""
    banded = measures.breakdown(measure, period, "regime|band")
    if banded.is_empty():
        if empty:
            section.note(empty)
        return
    cells = {
        tuple(row["breakdown_value"].split("|", 1)): row for row in banded.iter_rows(named=True)
    }
    bands = sorted({band for _, band in cells}, key=_band_order)
    records = [[band] + [_cell(cells.get((regime, band))) for regime in REGIMES] for band in bands]
    totals = [measures.get(measure, period, "regime", regime) for regime in REGIMES]
    records.append([total] + [_cell(row) for row in totals])
    section.add_table(
        data_table(
            f"tbl-{block_id}",
            caption,
            pl.DataFrame(records, schema=[heading, *[label(r) for r in REGIMES]], orient="row"),
            note=f"{NONE_RECORDED}: none in that country. Each country's complaints are judged "
            "against the deadlines of its own regime (the Housing Ombudsman's Code in England, "
            "the SPSO model procedure in Scotland) as our policy sets them.",
        )
    )


def _cell(row: dict | None) -> str:
    return NONE_RECORDED if row is None else shown(row)


def _band_order(band: str) -> tuple[int, str]:
    """'0-5', '6-10', '41+' in numeric order."""
    start = band.split("-", 1)[0].rstrip("+")
    return (int(start) if start.isdigit() else 10**9, band)
