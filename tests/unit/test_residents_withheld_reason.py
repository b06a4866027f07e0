"""The residents' learning summary says why each of its [c] figures is withheld, truly: a figure
hidden only to protect another is not said to rest on fewer than 5 complaints."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipeline.measures.testing import code_landlord
from pipeline.periods import ReportingYear
from pipeline.reporting.blocks import Metric
from pipeline.reporting.data import Measures
from pipeline.reporting.residents import how_we_did, withheld_reasons
from pipeline.reporting.suppression import suppress_small_numbers

YEAR = ReportingYear.parse("2025-26")


def _row(measure, value, numerator, denominator, unit, stock="all", breakdown="stock_type"):
    scale = {"percent": 100, "per_1000": 1000}.get(unit)
    figure = numerator / denominator * scale if scale else numerator
    return {
        "landlord_id": "ll", "period_kind": "year", "period": YEAR.key,
        "period_start": dt.date(2025, 4, 1), "period_end": dt.date(2026, 3, 31),
        "measure": measure, "breakdown": breakdown, "breakdown_value": stock,
        "view": "all" if measure == "stock_units" else "regulator",
        "numerator": float(numerator), "denominator": denominator, "value": float(figure),
        "display": f"{figure:.1f}" if scale else f"{figure:.0f}", "unit": unit,
    }  # fmt: skip


def housing21_2025_26(combined: bool = False) -> Measures:
    """housing21 2025-26, stage 2 by stock type: LCHO 16 of 19 in time (3 late: hidden), LCRA
    154 of 172 and (``combined``) all homes 170 of 191; CH01 shows every stock type's complaints.

    Without the all-homes CH02 row, LCRA's is the only cell of the breakdown left to protect
    LCHO's, so it is hidden although it is the headline; beside the all-homes row, that row goes
    instead (``pipeline.reporting.suppression``: the headline stock type is taken last)."""
    rows = [
        _row("stock_units", None, 20215, None, "count", "lcra"),
        _row("stock_units", None, 2032, None, "count", "lcho"),
        _row("CH01_1", None, 1077, 20215, "per_1000", "lcra"),
        _row("CH01_1", None, 91, 2032, "per_1000", "lcho"),
        _row("CH01_2", None, 172, 20215, "per_1000", "lcra"),
        _row("CH01_2", None, 19, 2032, "per_1000", "lcho"),
        _row("CH01_2", None, 191, 22247, "per_1000", "combined"),
        _row("CH02_1", None, 951, 1077, "percent", "lcra"),
        _row("CH02_2", None, 154, 172, "percent", "lcra"),
        _row("CH02_2", None, 16, 19, "percent", "lcho"),
    ]
    if combined:
        rows.append(_row("CH02_2", None, 170, 191, "percent", "combined"))
    for row in rows:
        if row["unit"] == "count":
            row["denominator"] = None
    frame = pl.DataFrame(rows, infer_schema_length=None)
    return Measures(suppress_small_numbers(frame, 5))


def test_a_figure_hidden_to_protect_another_says_so():
    """housing21 2025-26: CH02 stage 2 for LCRA homes (154 of 172, 18 late) was [c] because the
    figure for all homes (170 of 191) less it gives LCHO's 3 late complaints; the summary said
    it rested on "fewer than 5 complaints ... or total minus it under 5", which was false. (The
    all-homes figure is now the one withheld; here LCRA's is the last cell that can protect.)"""
    assert (
        housing21_2025_26(combined=True).get("CH02_2", YEAR, "stock_type", "lcra", "regulator")[
            "display"
        ]
        == "89.5"
    )
    measures = housing21_2025_26()
    landlord = code_landlord(regimes=["eng"])
    assert measures.get("CH02_2", YEAR, "stock_type", "lcra", "regulator")["display"] == "[c]"
    note = withheld_reasons(measures, how_we_did_metrics(measures, landlord), YEAR, landlord)
    assert note.startswith("[c] (second-stage complaints answered in time): not shown: with")
    assert "would let a hidden number under 5 be worked out" in note
    assert "fewer than 5 complaints are behind it" not in note
    html = str(how_we_did(measures, landlord, YEAR).html)
    assert "would let a hidden number under 5 be worked out" in html
    assert "Second-stage complaints answered in time" in html  # a row begins with a capital
    assert "fewer than 5 complaints are behind the figure" not in html


def test_a_figure_resting_on_few_complaints_says_so():
    measures = housing21_2025_26()
    landlord = code_landlord(regimes=["eng"])
    lcho = measures.get("CH02_2", YEAR, "stock_type", "lcho", "regulator")
    assert lcho["suppressed_reason"] == "primary"
    note = withheld_reasons(
        measures, [Metric("Second stage (CH02, %)", "CH02_2", "stock_type", "lcho", "regulator")],
        YEAR, landlord,
    )  # fmt: skip
    assert note == (
        "[c] (second stage): not shown: fewer than 5 complaints are behind it, or its total "
        "minus it would be fewer than 5."
    )


def test_a_country_keeps_its_capital_in_the_reason():
    """homes_plus's learning summary read "[c] (england: first-stage ...)"."""
    measures = housing21_2025_26()
    metric = Metric("England: second stage (CH02, %)", "CH02_2", "stock_type", "lcho", "regulator")
    note = withheld_reasons(measures, [metric], YEAR, code_landlord(regimes=["eng", "sct"]))
    assert note.startswith("[c] (England: second stage): not shown")


def how_we_did_metrics(measures: Measures, landlord) -> list[Metric]:
    """The metrics the summary's table shows (its CH02 rows, on the headline stock type)."""
    return [
        Metric(f"{stage}-stage complaints answered in time (CH02, %)", f"CH02_{n}",
               "stock_type", "lcra", "regulator")
        for n, stage in ((1, "first"), (2, "second"))
    ]  # fmt: skip


def test_the_ch02_note_names_the_stock_type_in_the_sentences_case():
    """small_specialist's learning summary: '(tenants' complaints in England received in the
    period, All social housing (combined) homes, as in our annual report)': a label's capital in
    the middle of a sentence; an abbreviation keeps its capitals."""
    frame = housing21_2025_26().frame.filter(pl.col("breakdown_value") != "lcho")
    combined = frame.with_columns(pl.lit("combined").alias("breakdown_value"))
    for measures, words in (
        (Measures(combined), "period, all social housing (combined) homes, as in"),
        (Measures(frame), "period, low-cost rental (LCRA) homes, as in"),
    ):
        html = str(how_we_did(measures, code_landlord(regimes=["eng"]), YEAR).html)
        assert words in html, html
