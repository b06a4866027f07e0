"""The residents' learning summary says when "sorted out at the first stage" is provisional
(design.md s5: until a stage 1 response's escalation window has closed, "resolved at stage 1" is
provisional and reports say so), as the annual report and the committee pack do."""

from __future__ import annotations

import datetime as dt
from html import unescape

import polars as pl

from pipeline.measures.testing import code_landlord
from pipeline.periods import ReportingYear
from pipeline.reporting.data import Measures
from pipeline.reporting.residents import how_we_did

YEAR = ReportingYear.parse("2025-26")


def _row(measure, breakdown, value, numerator=None, denominator=None, display=None, unit="percent"):
    return {
        "landlord_id": "ll", "period_kind": "year", "period": YEAR.key,
        "period_start": dt.date(2025, 4, 1), "period_end": dt.date(2026, 3, 31),
        "measure": measure, "breakdown": breakdown[0], "breakdown_value": breakdown[1],
        "view": "management", "numerator": numerator, "denominator": denominator,
        "value": float(value), "display": display or f"{value:.1f}", "unit": unit,
    }  # fmt: skip


def _measures(provisional: bool, regimes: list[str]) -> Measures:
    cells = [("none", "all")] + [("regime", r) for r in regimes]
    rows = []
    for cell in cells:
        rows.append(_row("resolved_stage1", cell, 84.3, 580.0, 688.0))
        rows.append(
            _row(
                "resolved_stage1_provisional", cell, 1 if provisional else 0,
                display="Yes" if provisional else "No", unit="flag",
            )
        )  # fmt: skip
    return Measures(pl.DataFrame(rows, infer_schema_length=None))


def test_a_provisional_first_stage_resolution_is_said_to_be_provisional():
    """homes_plus Q4 2025/26 (data cut 30 April 2026): 'Scotland: complaints sorted out at the
    first stage (%) 90.0' with 48 stage 1 answers whose escalation window was still open, and
    nothing said it could still fall; the annual report and committee pack say 'provisional'."""
    for regimes in (["eng"], ["eng", "sct"]):
        html = str(how_we_did(_measures(True, regimes), code_landlord(regimes=regimes), YEAR).html)
        assert "sorted out at the first stage" in html
        assert "provisional" in html, regimes


def test_a_final_first_stage_resolution_is_not_called_provisional():
    html = str(how_we_did(_measures(False, ["eng"]), code_landlord(regimes=["eng"]), YEAR).html)
    assert "sorted out at the first stage" in html
    assert "provisional" not in html


def test_a_quarters_ch02_is_not_said_to_be_the_annual_reports_figure():
    """homes_plus Q4 2025/26: 'England: first-stage complaints answered in time (CH02, %) 88.0'
    with the note 'CH02: ... received in the period, low-cost rental (LCRA) homes, as in our
    annual report': the annual report shows 89.7, the year's, so a resident checking it found two
    figures for one. A quarter's note says the annual report has the whole year's."""
    from pipeline.periods import parse_period

    quarter = parse_period("2025-26-Q4")
    rows = [{**row, "period": quarter.key, "period_kind": "quarter",
             "period_start": quarter.start, "period_end": quarter.end}
            for row in _measures(False, ["eng"]).frame.to_dicts()]  # fmt: skip
    measures = Measures(pl.DataFrame(rows, infer_schema_length=None))
    html = unescape(str(how_we_did(measures, code_landlord(regimes=["eng"]), quarter).html))
    assert "as in our annual report" not in html
    expected = (
        "received in Q4 2025/26, low-cost rental (LCRA) homes; our annual report gives the "
        "whole year's)"
    )
    assert expected in html
    year_html = str(
        how_we_did(_measures(False, ["eng"]), code_landlord(regimes=["eng"]), YEAR).html
    )
    assert "as in our annual report" in year_html
