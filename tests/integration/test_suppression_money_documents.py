"""small_specialist 2024-25: no published document shows a sum of money made of fewer than 5
payments (its scheme report showed "Linden Lodge: compensation paid £100", one resident's
payment), while the internal annual report still shows it.

Every figure a published document takes from the measures table is traced to its row
(pipeline/reporting/trace.py); each traced sum of money is judged by the count of payments in its
own cell of the unsuppressed measures table, not by the rule under test.
"""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from pipeline.reporting import render
from pipeline.reporting.suppression import MONEY_COUNTS, suppress_small_numbers
from pipeline.reporting.trace import KEYS, traced_figures
from tests.integration.examples import measured_example
from tests.integration.test_suppression_documents import (
    _published_documents,
    chart_bars,
    small_money,
    tables,
)

pytestmark = pytest.mark.slow

YEAR = "2024-25"
LABEL = "2024/25"  # as the documents head the year's column


@pytest.fixture(scope="module")
def small_specialist():
    con = duckdb.connect()
    # the year before too: the scheme reports show it beside the year
    workspace, landlord = measured_example(con, "small_specialist", ["2023-24", YEAR])
    yield workspace, landlord, con
    con.close()


@pytest.fixture(scope="module")
def documents(small_specialist, tmp_path_factory):
    workspace, landlord, con = small_specialist
    out = tmp_path_factory.mktemp("published")
    return _published_documents(con, landlord, workspace, YEAR, out)


def _key(row: dict) -> tuple:
    return tuple(row[k] for k in KEYS)


def test_no_published_sum_of_money_rests_on_fewer_than_5_payments(small_specialist, documents):
    _, _, con = small_specialist
    measures = con.sql("select * from measures").pl()
    money = measures.filter(pl.col("unit") == "gbp")
    few = {_key(r): r["display"] for r in small_money(measures).iter_rows(named=True)}
    assert few, "the example has no sum of money of 1-4 payments: the test proves nothing"
    checked = withheld = 0
    problems = []
    for name, path in documents.items():
        page = path.read_text(encoding="utf-8")
        for shown in traced_figures(page):
            key = tuple(shown.get(k) for k in KEYS)
            if shown["measure"] not in MONEY_COUNTS:
                continue
            checked += 1
            if key in few:
                withheld += 1
                if shown["text"] != "[c]":
                    problems.append(f"{name}: {shown['text']} shown for {key} ({few[key]})")
        # a chart bar of a withheld figure is not drawn
        for trace in chart_bars(page):
            for value, text in zip(trace.get("x", []), trace.get("text") or [], strict=False):
                if text == "[c]" and value is not None:
                    problems.append(f"{name}: chart bar [c] drawn at {value}")
    assert problems == [], "\n".join(problems[:20])
    assert checked and withheld, (checked, withheld)
    # every money measure the product computes has a count of its payments (so can be judged)
    assert set(money["measure"].unique()) <= set(MONEY_COUNTS)


def test_linden_lodges_one_payment_is_withheld_in_print_and_shown_internally(
    small_specialist, documents, tmp_path
):
    workspace, landlord, con = small_specialist
    paid = con.execute(
        "select value from measures where measure = 'compensation_paid_gbp' and period = ? "
        "and breakdown = 'scheme' and breakdown_value = 'Linden Lodge'",
        [YEAR],
    ).fetchall()[0][0]
    payments = con.execute(
        "select value from measures where measure = 'compensation_paid_count' and period = ? "
        "and breakdown = 'scheme' and breakdown_value = 'Linden Lodge'",
        [YEAR],
    ).fetchall()[0][0]
    assert (paid, payments) == (100.0, 1)
    page = documents["schemes/linden-lodge"].read_text(encoding="utf-8")
    row = next(
        r
        for _, headings, rows in tables(page)
        for r in rows
        if r and r[0] == "Compensation paid" and headings[1:2] == [LABEL]
    )
    assert row[1] == "[c]"
    assert "£100" not in page
    annual = documents["annual_report_published"].read_text(encoding="utf-8")
    by_scheme = next(rows for caption, _, rows in tables(annual) if caption.startswith("Figures by scheme"))  # fmt: skip
    assert next(r for r in by_scheme if r[0] == "Linden Lodge")[-1] == "[c]"
    # the internal version is unchanged: the board sees the £100
    internal = render.render_annual_report(
        con, landlord, YEAR, tmp_path, workspace=workspace, pdf=False
    )["html"].read_text(encoding="utf-8")
    by_scheme = next(rows for caption, _, rows in tables(internal) if caption.startswith("Figures by scheme"))  # fmt: skip
    assert next(r for r in by_scheme if r[0] == "Linden Lodge")[-1] == "£100"


def test_no_breakdown_of_money_is_left_with_one_withheld_sum(small_specialist):
    """The secondary rule: a withheld sum never follows from its breakdown's total minus the other
    shown parts (a lone withheld cell among shown non-zero ones)."""
    _, landlord, con = small_specialist
    frame = con.sql("select * from measures").pl()
    published = suppress_small_numbers(frame, 5)
    money = frame.with_columns(published["suppressed"]).filter(
        (pl.col("unit") == "gbp") & (pl.col("breakdown") != "none")
    )
    assert money["suppressed"].any()
    slices = money.group_by("measure", "period", "breakdown", "view").agg(
        pl.col("suppressed").sum().alias("hidden"),
        ((pl.col("value") > 0) & ~pl.col("suppressed")).sum().alias("shown_non_zero"),
    )
    one_way = ~pl.col("breakdown").str.contains("|", literal=True)
    lone = slices.filter((pl.col("hidden") == 1) & (pl.col("shown_non_zero") > 0) & one_way)
    assert lone.is_empty(), lone.head(5)
