"""The central suppression rule on percentages of counts: a shown percentage must not give away a
count of 1-4 by its numerator, nor by subtraction from its total (issue 16 point 2)."""

from __future__ import annotations

import polars as pl
import pytest

from pipeline.reporting.suppression import suppress_small_numbers

COLUMNS = ["measure", "period", "breakdown", "breakdown_value", "view", "numerator",
           "denominator", "value", "display", "unit"]  # fmt: skip


def headline(measure: str, numerator: float, denominator: float, unit: str = "percent") -> tuple:
    scale = 1000 if unit == "per_1000" else 100
    value = numerator / denominator * scale
    return (measure, "2024-25", "none", "all", "all", numerator, denominator, value,
            f"{value:.1f}", unit)  # fmt: skip


def published(row: tuple) -> dict:
    result = suppress_small_numbers(pl.DataFrame([row], schema=COLUMNS, orient="row"), 5)
    return result.row(0, named=True)


@pytest.mark.parametrize(
    ("numerator", "denominator", "hidden"),
    [
        (1, 11, True),  # 9.1% of 11: one in time
        (4, 11, True),
        (10, 11, True),  # 90.9% of 11: one late, by subtraction
        (7, 11, True),  # 63.6% of 11: four late
        (6, 11, False),  # six in time, five late: nothing under 5
        (0, 11, False),  # 0% of 11: none in time, eleven late; zero identifies nobody
        (11, 11, False),  # 100% of 11: none late
        (46, 50, True),  # 92.0% of 50: four late
        (45, 50, False),
    ],
)
def test_a_percentage_of_counts_is_hidden_when_its_numerator_or_its_complement_is_small(
    numerator, denominator, hidden
):
    row = published(headline("response_in_time_1", numerator, denominator))
    assert row["suppressed"] is hidden
    if hidden:
        # Withheld, never misstated: no digit and nothing left to work the count back from.
        assert row["display"] == "[c]"
        assert row["suppressed_reason"] == "primary"
        assert (row["value"], row["numerator"], row["denominator"]) == (None, None, None)
    else:
        assert row["display"] == f"{numerator / denominator * 100:.1f}"
        assert row["value"] == pytest.approx(numerator / denominator * 100)


def test_a_rate_per_1000_homes_is_not_hidden_for_its_complement():
    # 998 complaints per 1,000 of 1,000 homes: 2 homes without one is no count of complaints.
    row = published(headline("CH01_1", 998, 1000, unit="per_1000"))
    assert not row["suppressed"] and row["display"] == "998.0"


def test_a_weighted_survey_share_is_not_hidden_for_its_fractional_remainder():
    # TP09 weighted: 7.92 of 11.95 weighted answers satisfied; the weighted remainder (4.03) is an
    # estimate, not a count of people (the unweighted answer counts are suppressed as counts).
    row = published(headline("TP09", 7.9248, 11.955))
    assert not row["suppressed"] and row["display"] == "66.3"


def test_an_unweighted_survey_share_is_a_percentage_of_counts():
    # Every weight 1 (a landlord without weighting): 5 of 7 satisfied says 2 were not.
    row = published(headline("TP09", 5, 7))
    assert row["suppressed"] and row["display"] == "[c]"


def test_the_complement_rule_leaves_counts_and_working_day_means_alone():
    count = ("received_1", "2024-25", "none", "all", "all", None, None, 11.0, "11", "count")
    mean = ("wd_to_response_mean_1", "2024-25", "none", "all", "all", 108.0, 11.0,
            108 / 11, "9.8", "wd")  # fmt: skip
    result = suppress_small_numbers(pl.DataFrame([count, mean], schema=COLUMNS, orient="row"), 5)
    assert result["display"].to_list() == ["11", "9.8"]
    assert not result["suppressed"].any()


def test_a_percentage_hidden_for_its_complement_takes_a_second_cell_in_its_breakdown():
    # In time by category: 10 of 11 (one late) is hidden; the other categories' in-time counts
    # and the published total would give its numerator back, so a second share goes too.
    rows = [
        (
            "response_in_time_1",
            "2024-25",
            "category",
            value,
            "all",
            float(n),
            float(d),
            n / d * 100,
            f"{n / d * 100:.1f}",
            "percent",
        )  # fmt: skip
        for value, n, d in [("a", 10, 11), ("b", 20, 30), ("c", 30, 40)]
    ]
    result = suppress_small_numbers(pl.DataFrame(rows, schema=COLUMNS, orient="row"), 5)
    shown = dict(zip(result["breakdown_value"], result["display"], strict=True))
    assert shown == {"a": "[c]", "b": "[c]", "c": "75.0"}
    assert result.filter(pl.col("breakdown_value") == "b")["suppressed_reason"][0] == "secondary"
