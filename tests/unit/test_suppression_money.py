"""Sums of money in published documents: a sum made of 1-4 payments (offers, orders) is close to
one resident's payment, so it is withheld as ``[c]``; the count behind each sum is its count
measure in the same cell of the measures table (``MONEY_COUNTS``), and the secondary rule keeps a
withheld sum from being worked back from its breakdown's total."""

from __future__ import annotations

import polars as pl
import pytest

from pipeline.measures._catalogue import HEADLINE_MEASURES
from pipeline.reporting.suppression import (
    MONEY_COUNTS,
    suppress_combined,
    suppress_small_numbers,
)

COLUMNS = ["measure", "period", "breakdown", "breakdown_value", "view", "numerator",
           "denominator", "value", "display", "unit"]  # fmt: skip


def money(amount: float, payments: int | None, value: str = "all", *, measure: str = "compensation_paid_gbp") -> list[tuple]:  # fmt: skip
    """A sum of money and (unless ``payments`` is None) the count of payments behind it."""
    breakdown = "none" if value == "all" else "service_area"
    rows = [(measure, "2024-25", breakdown, value, "all", amount, None, amount, f"{amount:.2f}",
             "gbp")]  # fmt: skip
    if payments is not None:
        rows.append((MONEY_COUNTS[measure], "2024-25", breakdown, value, "all", payments, None,
                     payments, str(payments), "count"))  # fmt: skip
    return rows


def frame(*groups: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame([row for rows in groups for row in rows], schema=COLUMNS, orient="row")


def shown(result: pl.DataFrame, measure: str = "compensation_paid_gbp") -> dict[str, str]:
    rows = result.filter(pl.col("measure") == measure)
    return dict(zip(rows["breakdown_value"], rows["display"], strict=True))


@pytest.mark.parametrize("measure", sorted(MONEY_COUNTS))
@pytest.mark.parametrize(("payments", "hidden"), [(1, True), (4, True), (5, False), (12, False)])
def test_a_sum_of_fewer_than_five_payments_is_withheld(measure, payments, hidden):
    result = suppress_small_numbers(frame(money(100.0 * payments, payments, measure=measure)), 5)
    row = result.filter(pl.col("measure") == measure).row(0, named=True)
    assert row["suppressed"] is hidden
    if hidden:
        # "[c]", never "<5": a sum of money is not a count; nothing left to show it by
        assert (row["display"], row["suppressed_reason"]) == ("[c]", "primary")
        assert (row["value"], row["numerator"], row["denominator"]) == (None, None, None)
        # the count behind it is a count like any other
        count = result.filter(pl.col("measure") == MONEY_COUNTS[measure])["display"].item()
        assert count == "<5"
    else:
        assert row["display"] == f"{100.0 * payments:.2f}"
        assert row["value"] == 100.0 * payments


def test_zero_stays_zero():
    result = suppress_small_numbers(frame(money(0.0, 0)), 5)
    assert not result["suppressed"].any()
    assert shown(result) == {"all": "0.00"}
    assert result.filter(pl.col("measure") == "compensation_paid_gbp")["value"].item() == 0.0


def test_a_sum_with_no_count_behind_it_is_withheld_unless_zero():
    # A money measure whose cell has no count row cannot show it rests on 5 or more payments.
    assert shown(suppress_small_numbers(frame(money(2500.0, None)), 5)) == {"all": "[c]"}
    assert shown(suppress_small_numbers(frame(money(0.0, None)), 5)) == {"all": "0.00"}


def test_a_breakdown_of_money_with_one_withheld_sum_loses_its_smallest_other_part():
    # Linden Lodge-like: one payment of £100 among the parts of a published total of £3,100.
    rows = frame(
        money(100.0, 1, "repairs"),
        money(900.0, 6, "housing"),
        money(2000.0, 7, "asb"),
        money(0.0, 0, "rent"),
        money(3000.0, 14),
    )
    result = suppress_small_numbers(rows, 5)
    # £3,000 - £2,000 = the hidden £100 and £900 together: neither can be worked out.
    assert shown(result) == {
        "repairs": "[c]", "housing": "[c]", "asb": "2000.00", "rent": "0.00", "all": "3000.00",
    }  # fmt: skip
    reasons = result.filter(pl.col("measure") == "compensation_paid_gbp")["suppressed_reason"]
    assert reasons.to_list() == ["primary", "secondary", None, None, None]
    # the payment counts follow the count rule on their own
    assert shown(result, "compensation_paid_count") == {
        "repairs": "<5", "housing": "[c]", "asb": "7", "rent": "0", "all": "14",
    }  # fmt: skip


def test_a_breakdown_with_two_withheld_sums_loses_no_third():
    rows = frame(money(100.0, 1, "repairs"), money(250.0, 2, "housing"),
                 money(2000.0, 7, "asb"), money(2350.0, 10))  # fmt: skip
    assert shown(suppress_small_numbers(rows, 5)) == {
        "repairs": "[c]", "housing": "[c]", "asb": "2000.00", "all": "2350.00",
    }  # fmt: skip


def test_the_internal_version_is_unchanged():
    # Only the published version goes through the rule: the rows it is given are not altered.
    rows = frame(money(100.0, 1, "repairs"), money(900.0, 6, "housing"), money(1000.0, 7))
    before = rows.clone()
    suppress_small_numbers(rows, 5)
    assert rows.equals(before)
    assert shown(rows) == {"repairs": "100.00", "housing": "900.00", "all": "1000.00"}


def test_a_group_sum_beside_one_withheld_member_sum_is_withheld():
    members = [suppress_small_numbers(frame(money(150.0, 1)), 5),
               suppress_small_numbers(frame(money(4000.0, 20)), 5)]  # fmt: skip
    group = suppress_combined(members, frame(money(4150.0, 21)), 5)
    # £4,150 - £4,000 would give the first member's one payment back
    assert shown(group) == {"all": "[c]"}


def test_every_headline_sum_of_money_has_a_headline_count_behind_it():
    headline = {measure: unit for measure, _, unit in HEADLINE_MEASURES}
    for measure, unit in headline.items():
        if unit == "gbp":
            assert headline.get(MONEY_COUNTS.get(measure)) == "count", measure
