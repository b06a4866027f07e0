"""The central suppression rule (issue 16 point 2): a shown percentage must not give away a count of
1-4 by its numerator, nor by subtraction from its total; a group figure must not give away a
member's hidden figure by subtraction of the other members'."""

from __future__ import annotations

import polars as pl
import pytest

from pipeline.reporting.suppression import suppress_combined, suppress_small_numbers

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


def test_a_margin_of_error_has_no_numerator_to_take_from_its_denominator():
    # TP09's margin of error: a percentage with a sample size and no count above it.
    margin = ("TP09_margin_of_error", "2024-25", "stock_type", "lcra", "regulator", None, 1650.0,
              2.3, "2.3", "percent")  # fmt: skip
    row = published(margin)
    assert not row["suppressed"] and row["display"] == "2.3"


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


def count_row(value: float, measure: str = "received_1", breakdown_value: str = "all") -> tuple:
    breakdown = "none" if breakdown_value == "all" else "service_area"
    return (measure, "2024-25", breakdown, breakdown_value, "all", None, None, value,
            f"{value:,.0f}", "count")  # fmt: skip


def member(*rows: tuple) -> pl.DataFrame:
    return suppress_small_numbers(pl.DataFrame(list(rows), schema=COLUMNS, orient="row"), 5)


def test_a_group_figure_beside_one_hidden_member_figure_is_withheld():
    members = [member(count_row(3)), member(count_row(40)), member(count_row(60))]
    group = pl.DataFrame([count_row(103)], schema=COLUMNS, orient="row")
    result = suppress_combined(members, group, 5).row(0, named=True)
    # 103 - 40 - 60 would give the first member's 3 back: the group figure goes, not a member's
    # (each member's figures stay as its own published reports show them).
    assert (result["display"], result["suppressed_reason"], result["value"]) == ("[c]", "secondary", None)  # fmt: skip
    assert [m["display"][0] for m in members] == ["<5", "40", "60"]


def test_a_group_figure_beside_two_hidden_member_figures_is_shown():
    members = [member(count_row(3)), member(count_row(2)), member(count_row(60))]
    group = pl.DataFrame([count_row(65)], schema=COLUMNS, orient="row")
    # 65 - 60 = 5 is the two hidden figures together: neither can be worked out.
    assert suppress_combined(members, group, 5)["display"].to_list() == ["65"]


@pytest.mark.parametrize(("hidden", "shown"), [((1, 1), 50), ((4, 4), 50), ((1, 1, 1), 7)])
def test_a_group_figure_that_pins_its_hidden_member_figures_is_withheld(hidden, shown):
    """Published group report 2025-26, Ombudsman cases in progress: <5, 12, 20, <5 and a group
    34. 34 - 12 - 20 = 2 over two hidden counts of 1 to 4 each: both are 1. Hidden counts that add
    up to their least (all 1) or their most (all 4) are given away as surely as one alone."""
    members = [member(count_row(v)) for v in hidden] + [member(count_row(shown))]
    group = pl.DataFrame([count_row(sum(hidden) + shown)], schema=COLUMNS, orient="row")
    result = suppress_combined(members, group, 5).row(0, named=True)
    assert (result["display"], result["value"]) == ("[c]", None)
    assert [m["display"][0] for m in members][: len(hidden)] == ["<5"] * len(hidden)


@pytest.mark.parametrize(
    ("hidden", "pinned"),
    [
        (((3, 3), (2, 2)), True),  # group less the shown: 5 of 5 in time, so each 100%
        (((0, 3), (0, 2)), True),  # 0 of 5: each 0%
        (((1, 4), (2, 4)), True),  # 8 answers over two members of 1 to 4 each: each 4
        (((1, 2), (1, 3)), True),  # 2 in time over two members: each 1
        (((1, 3), (3, 4)), False),  # 4 of 7, 3 late: neither member's share follows
    ],
)
def test_a_group_percentage_that_pins_its_hidden_member_percentages_is_withheld(hidden, pinned):
    """A group percentage is a sum of counts over a sum of counts: beside the shown members' it
    gives the hidden members' numerator and denominator together, which pin each hidden member's
    as a group count pins hidden counts (each its least or its most)."""
    shown = (40, 50)
    members = [member(headline("CH02_1", n, d)) for n, d in (*hidden, shown)]
    assert [m["display"][0] for m in members][:-1] == ["[c]"] * len(hidden)
    numerator = sum(n for n, _ in (*hidden, shown))
    denominator = sum(d for _, d in (*hidden, shown))
    group = pl.DataFrame([headline("CH02_1", numerator, denominator)], schema=COLUMNS, orient="row")
    result = suppress_combined(members, group, 5).row(0, named=True)
    if pinned:
        assert (result["display"], result["value"], result["numerator"]) == ("[c]", None, None)
        assert result["suppressed_reason"] == "secondary"
    else:
        assert result["display"] == f"{numerator / denominator * 100:.1f}"
        assert not result["suppressed"]


def test_a_withheld_group_cell_takes_a_second_cell_of_the_groups_breakdown():
    members = [
        member(count_row(3, breakdown_value="repairs"), count_row(3)),
        member(count_row(40, breakdown_value="repairs"), count_row(70, breakdown_value="rent"),
               count_row(90, breakdown_value="asb"), count_row(200)),
    ]  # fmt: skip
    group = pl.DataFrame(
        [count_row(43, breakdown_value="repairs"), count_row(70, breakdown_value="rent"),
         count_row(90, breakdown_value="asb"), count_row(203)],
        schema=COLUMNS, orient="row",
    )  # fmt: skip
    result = suppress_combined(members, group, 5)
    shown = dict(zip(result["breakdown_value"], result["display"], strict=True))
    # Repairs (43) and the total (203) less the second member's would give the first member's 3
    # back; with repairs withheld, the group's own breakdown has one hidden cell, so the smallest
    # other (rent) goes too.
    assert shown == {"repairs": "[c]", "rent": "[c]", "asb": "90", "all": "[c]"}
    assert result.filter(pl.col("suppressed"))["value"].null_count() == 3


def test_a_business_streams_schemes_are_a_slice_of_their_own():
    """small_specialist 2025-26 (published scheme reports): Extra Care 10 stage 1 complaints,
    Harbour View 6 and St Hilda's Court <5; the stream's page minus Harbour View's gave St Hilda's
    4. The schemes of one stream add up to the stream's row, so a lone hidden one among them has a
    second cell hidden, as in any breakdown."""
    counts = {"Harbour View": 6, "St Hilda's": 4, "Abbey Mews": 6, "Beacon": 4, "Bridge": 3,
              "Chantry": 8, "Linden": 7, "Priory": 1}  # fmt: skip
    streams = {"Harbour View": "Extra Care", "St Hilda's": "Extra Care"}
    rows = [
        ("received_1", "2025-26", "scheme", name, "all", n, None, n, str(n), "count")
        for name, n in counts.items()
    ] + [
        ("received_1", "2025-26", "business_stream", "Extra Care", "all", 10, None, 10, "10",
         "count"),
        ("received_1", "2025-26", "business_stream", "other schemes", "all", 29, None, 29, "29",
         "count"),
        ("received_1", "2025-26", "none", "all", "all", 39, None, 39, "39", "count"),
    ]  # fmt: skip
    frame = pl.DataFrame(rows, schema=COLUMNS, orient="row")
    result = suppress_small_numbers(frame, 5, streams=streams)
    shown = dict(zip(result["breakdown_value"], result["display"], strict=True))
    assert shown["St Hilda's"] == "<5" and shown["Harbour View"] == "[c]"
    assert shown["Extra Care"] == "10" and shown["Abbey Mews"] == "6"
    # without the landlord's streams nothing but the breakdown's own slice is known
    plain = suppress_small_numbers(frame, 5)
    assert plain.filter(pl.col("breakdown_value") == "Harbour View")["display"].item() == "6"


def test_a_sector_position_is_withheld_beside_its_withheld_figure():
    # The position places the figure in a quartile: shown beside [c] it would tell its range.
    def row(measure, value, view, numerator=None, denominator=None, display="", unit="percent"):
        return (measure, "2025-26", "stock_type", "lcra", view, numerator, denominator, value,
                display or f"{value}", unit)  # fmt: skip

    frame = pl.DataFrame(
        [
            row("CH02_2", 75.0, "regulator", 3, 4),
            row("benchmark_CH02_2_position", 2.0, "sector_all", display="second quartile"),
            row("benchmark_CH02_2_position", 1.0, "sector_band", display="top quartile"),
            row("benchmark_CH02_2_median", 88.9, "sector_all"),
            row("CH02_1", 88.3, "regulator", 883, 1000),
            row("benchmark_CH02_1_position", 3.0, "sector_all", display="third quartile"),
        ],
        schema=COLUMNS,
        orient="row",
    )
    shown = suppress_small_numbers(frame, 5)
    assert shown["display"].to_list() == ["[c]", "[c]", "[c]", "88.9", "88.3", "third quartile"]
    assert shown["suppressed_reason"].to_list()[:3] == ["primary", "secondary", "secondary"]


def stock_rows(measure: str, unit: str, cells: dict[str, tuple], period: str = "2025-26"):
    """Rows of ``measure`` by stock type: value -> (numerator, denominator) of a rate, or
    (count,) of a count."""
    rows = []
    for value, figures in cells.items():
        if unit == "count":
            (count,) = figures
            rows.append((measure, period, "stock_type", value, "regulator", count, None, count,
                         f"{count:.0f}", unit))  # fmt: skip
        else:
            numerator, denominator = figures
            scale = 1000 if unit == "per_1000" else 100
            rate = None if numerator is None else numerator / denominator * scale
            rows.append((measure, period, "stock_type", value, "regulator", numerator,
                         denominator, rate, f"{rate:.1f}" if rate is not None else "14.6",
                         unit))  # fmt: skip
    return rows


def tp09_by_tenure(reverse: bool = False) -> pl.DataFrame:
    """small_specialist 2025-26: 17 of 41 LCRA respondents satisfied, 0 of 2 LCHO, 17 of 43 in all."""
    rows = (
        stock_rows("TP09", "percent", {"lcra": (17, 41), "lcho": (0, 2), "combined": (17, 43)})
        + stock_rows("TP09_respondents", "count", {"lcra": (41,), "lcho": (2,), "combined": (43,)})
        + stock_rows(
            "TP09_margin_of_error", "percent", {"lcra": (None, 41), "combined": (None, 43)}
        )
    )
    return pl.DataFrame(rows[::-1] if reverse else rows, schema=COLUMNS, orient="row")


def displayed(result: pl.DataFrame) -> dict[tuple[str, str], str]:
    return {
        (row["measure"], row["breakdown_value"]): row["display"]
        for row in result.iter_rows(named=True)
    }


def test_a_percentage_whose_denominator_is_a_hidden_count_of_its_cell_is_hidden():
    """small_specialist 2025-26 (issue: TP09 by tenure): LCHO's 2 respondents are <5 and LCRA's 41
    [c] so that the combined 43 cannot give LCHO's back, but LCRA's TP09 of 41.5% was shown: of
    the LCRA counts the total allows (39 to 42) only 41 gives 41.5% (17 of 41), so LCHO's 2
    followed. A percentage is hidden wherever the count it is a share of is hidden."""
    shown = displayed(suppress_small_numbers(tp09_by_tenure(), 5))
    assert shown[("TP09_respondents", "lcho")] == "<5"
    assert shown[("TP09_respondents", "lcra")] == "[c]"
    assert shown[("TP09", "lcra")] == "[c]"
    assert shown[("TP09_margin_of_error", "lcra")] == "[c]"  # a margin pins its sample too
    # The headline stays: a tie between LCRA's and the combined 17 satisfied hides the part.
    assert shown[("TP09", "combined")] == "39.5"
    assert shown[("TP09_respondents", "combined")] == "43"
    # Every LCHO count of 1-4 still fits everything shown: none can be singled out.
    fits = [
        lcho
        for lcho in range(1, 5)
        if all(
            round(satisfied / (43 - lcho) * 100, 1) != float(text)
            for satisfied in range(0, 44 - lcho)
            for text in [shown[("TP09", "lcra")]]
            if text != "[c]"
        )
        or shown[("TP09", "lcra")] == "[c]"
    ]
    assert fits == [1, 2, 3, 4]


def test_the_same_cells_are_hidden_whatever_order_the_rows_come_in():
    # The annual report reads rows sorted by value (combined before lcra), the self-assessment
    # another way: a tie must not be broken by position, or two published documents would hide
    # different cells and together show both.
    forward = suppress_small_numbers(tp09_by_tenure(), 5)
    backward = suppress_small_numbers(tp09_by_tenure(reverse=True), 5)
    assert displayed(forward) == displayed(backward)


def test_ch02_is_hidden_where_its_denominator_ch01_is_hidden():
    # CH01 stage 2: LCHO 3 complaints (hidden), LCRA 40 hidden beside the combined 43; CH02 of
    # LCRA, 36 of 40 in time, would pin LCRA's 40 (and so LCHO's 3) from the combined CH01.
    rows = stock_rows(
        "CH01_2", "per_1000", {"lcra": (40, 5000), "lcho": (3, 400), "combined": (43, 5400)}
    ) + stock_rows("CH02_2", "percent", {"lcra": (35, 40), "combined": (37, 43)})
    shown = displayed(suppress_small_numbers(pl.DataFrame(rows, schema=COLUMNS, orient="row"), 5))
    assert shown[("CH01_2", "lcho")] == "[c]" and shown[("CH01_2", "lcra")] == "[c]"
    assert shown[("CH02_2", "lcra")] == "[c]"


def test_a_percentage_is_not_hidden_for_an_equal_count_that_is_shown():
    rows = stock_rows("TP09", "percent", {"lcra": (17, 41)}) + stock_rows(
        "TP09_respondents", "count", {"lcra": (41,)}
    )
    shown = displayed(suppress_small_numbers(pl.DataFrame(rows, schema=COLUMNS, orient="row"), 5))
    assert shown == {("TP09", "lcra"): "41.5", ("TP09_respondents", "lcra"): "41"}


def views(measure: str, regulator: tuple, management: tuple, unit: str = "percent") -> list:
    """The regulator and management rows of one figure: (numerator, denominator) or (count,)."""
    rows = []
    for view, figures in (("regulator", regulator), ("management", management)):
        if unit == "count":
            rows.append((measure, "2025-26", "none", "all", view, figures[0], None, figures[0],
                         f"{figures[0]:.0f}", unit))  # fmt: skip
        else:
            rate = figures[0] / figures[1] * 100
            rows.append((measure, "2025-26", "none", "all", view, *figures, rate, f"{rate:.1f}",
                         unit))  # fmt: skip
    return rows


def by_view(result: pl.DataFrame) -> dict[tuple[str, str], str]:
    return {(r["measure"], r["view"]): r["display"] for r in result.iter_rows(named=True)}


def test_the_management_view_is_hidden_when_the_views_differ_by_a_small_count():
    """small_specialist 2025-26: stage 1 in time 33 of 40 under the Code's extension cap, 34 of 40
    under the policy: exactly 1 answer was in time only thanks to the policy's longer extension,
    and with the policy's 5 answers in time thanks to an extension, the Code's "<5" was 4."""
    rows = views("response_in_time_1", (33, 40), (34, 40)) + views(
        "response_in_time_with_ext_1", (4,), (5,), unit="count"
    )
    result = suppress_small_numbers(pl.DataFrame(rows, schema=COLUMNS, orient="row"), 5)
    shown = by_view(result)
    assert shown[("response_in_time_1", "regulator")] == "82.5"  # the statutory view stays
    assert shown[("response_in_time_1", "management")] == "[c]"
    assert shown[("response_in_time_with_ext_1", "regulator")] == "<5"
    assert shown[("response_in_time_with_ext_1", "management")] == "[c]"
    assert set(result.filter(pl.col("view") == "management")["suppressed_reason"]) == {"secondary"}


def test_a_view_is_not_shown_beside_its_hidden_twin_when_their_gap_is_known():
    # 30 and 35 of 40 in time: 5 answers in time only thanks to the policy (known, not small).
    # The Code's 3 answers in time thanks to an extension are <5; the policy's 8 less that 5
    # would give them back.
    rows = views("response_in_time_1", (30, 40), (35, 40)) + views(
        "response_in_time_with_ext_1", (3,), (8,), unit="count"
    )
    shown = by_view(suppress_small_numbers(pl.DataFrame(rows, schema=COLUMNS, orient="row"), 5))
    assert shown[("response_in_time_1", "regulator")] == "75.0"
    assert shown[("response_in_time_1", "management")] == "87.5"
    assert shown[("response_in_time_with_ext_1", "regulator")] == "<5"
    assert shown[("response_in_time_with_ext_1", "management")] == "[c]"
    # The other way round: the policy's 37 of 40 leaves 3 late (hidden); the Code's 30 of 40
    # less the known gap of 7 would give it back, so the Code's figure goes too.
    rows = views("response_in_time_1", (30, 40), (37, 40)) + views(
        "response_in_time_with_ext_1", (10,), (17,), unit="count"
    )
    shown = by_view(suppress_small_numbers(pl.DataFrame(rows, schema=COLUMNS, orient="row"), 5))
    assert shown[("response_in_time_1", "management")] == "[c]"
    assert shown[("response_in_time_1", "regulator")] == "[c]"


def test_equal_views_are_both_shown():
    rows = views("response_in_time_1", (30, 40), (30, 40))
    shown = by_view(suppress_small_numbers(pl.DataFrame(rows, schema=COLUMNS, orient="row"), 5))
    assert shown == {("response_in_time_1", "regulator"): "75.0",
                     ("response_in_time_1", "management"): "75.0"}  # fmt: skip


def stock_units_rows(lcra: int, lcho: int, period: str = "2024-25") -> list[tuple]:
    return [
        (
            "stock_units",
            period,
            "stock_type",
            value,
            "all",
            float(units),
            None,
            float(units),
            f"{units:,}",
            "count",
        )  # fmt: skip
        for value, units in (("lcra", lcra), ("lcho", lcho), ("combined", lcra + lcho))
    ]


def test_the_headline_stock_type_is_the_last_cell_taken_to_protect_a_hidden_one():
    """housing21 2024-25 published: CH02 stage 2 LCHO, 13 of 14 (one late), is hidden; the
    secondary cell was LCRA's 146 of 160, the figure the TSM return reports and every document
    headlines ("Stage 2 complaints answered in time (CH02): [c]"), while the combined 159 of 174
    stayed. Either protects LCHO's; the combined one goes, so the headline stays."""
    rows = stock_units_rows(20040, 2010, "2024-25") + stock_rows(
        "CH02_2", "percent",
        {"lcra": (146, 160), "lcho": (13, 14), "combined": (159, 174)}, period="2024-25",
    )  # fmt: skip
    for order in (rows, rows[::-1]):
        shown = displayed(
            suppress_small_numbers(pl.DataFrame(order, schema=COLUMNS, orient="row"), 5)
        )
        assert shown[("CH02_2", "lcho")] == "[c]"
        assert (
            shown[("CH02_2", "lcra")]
            == displayed(pl.DataFrame(rows, schema=COLUMNS, orient="row"))[("CH02_2", "lcra")]
        )
        assert shown[("CH02_2", "combined")] == "[c]"


def test_a_landlord_headlined_on_combined_keeps_its_combined_figure():
    # Under 1,000 homes of each type (small_specialist): the TSM return reports combined, so a
    # part goes, as before.
    rows = stock_units_rows(620, 90, "2024-25") + stock_rows(
        "CH02_1", "percent",
        {"lcra": (40, 50), "lcho": (3, 4), "combined": (43, 54)}, period="2024-25",
    )  # fmt: skip
    shown = displayed(suppress_small_numbers(pl.DataFrame(rows, schema=COLUMNS, orient="row"), 5))
    assert shown[("CH02_1", "lcho")] == "[c]"
    assert shown[("CH02_1", "lcra")] == "[c]"
    assert shown[("CH02_1", "combined")] == "79.6"


def test_the_headline_is_found_from_ch01s_homes_when_a_period_has_no_stock_rows():
    # A quarter of the committee pack: CH01's denominators are the homes.
    rows = stock_rows(
        "CH01_1", "per_1000",
        {"lcra": (300, 20040), "lcho": (2, 2010), "combined": (302, 22050)}, period="2024-25-Q4",
    )  # fmt: skip
    shown = displayed(suppress_small_numbers(pl.DataFrame(rows, schema=COLUMNS, orient="row"), 5))
    assert shown[("CH01_1", "lcho")] == "[c]"
    assert shown[("CH01_1", "lcra")] == "15.0"
    assert shown[("CH01_1", "combined")] == "[c]"


@pytest.mark.parametrize(
    ("hidden", "pinned"),
    [((1, 1), True), ((4, 4), True), ((1, 1, 1), True), ((1, 2), False), ((3, 4), False)],
)
def test_a_breakdown_whose_hidden_counts_add_up_to_their_least_or_most_loses_another(
    hidden, pinned
):
    """small_specialist 2025-26 Q2 (published learning summary): stage 1 complaints by service
    area with two areas <5 and the total shown: the total less the shown areas is 2, so both are 1.
    Hidden counts pinned by their sum (each 1, or each 4) are given away as one alone would be:
    the smallest other area goes too."""
    areas = ["asb", "care", "housing", "repairs", "other"][: len(hidden) + 2]
    values = [*hidden, 20, 30]
    rows = [count_row(v, breakdown_value=a) for a, v in zip(areas, values, strict=True)]
    rows.append(count_row(sum(values)))
    result = member(*rows)
    shown = dict(zip(result["breakdown_value"], result["display"], strict=True))
    assert [shown[a] for a in areas[: len(hidden)]] == ["<5"] * len(hidden)
    assert shown[areas[-2]] == ("[c]" if pinned else "20")
    assert shown[areas[-1]] == "30"


def test_a_pinned_breakdown_with_no_other_cell_to_hide_is_withheld_whole():
    """small_specialist 2024-25 (published annual report, complaints received by month): stage 2
    read <5 in seven months and 0 in five, beside 7 stage 2 complaints in the year: each <5 was 1.
    With no other non-zero month to hide, every month is withheld as [c] (which may be 0), so the
    year's 7 spreads over twelve unknowns; the year's total stays shown."""
    months = [f"2024-{m:02d}" for m in range(4, 13)] + [f"2025-{m:02d}" for m in (1, 2, 3)]
    values = [1, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0]
    rows = [
        ("received_2", "2024-25", "month", m, "all", None, None, float(v), f"{v}", "count")
        for m, v in zip(months, values, strict=True)
    ]
    rows.append(count_row(7, measure="received_2"))
    result = member(*rows)
    shown = dict(zip(result["breakdown_value"], result["display"], strict=True))
    assert shown.pop("all") == "7"
    assert set(shown.values()) == {"[c]"}
    assert result.filter(pl.col("breakdown") == "month")["value"].null_count() == 12


def period_rows(measure: str, values: dict[str, float]) -> pl.DataFrame:
    """Rows of one count for the year 2024-25 and its quarters (``{"2024-25-Q1": 20, ...}``)."""
    import datetime as dt

    starts = {"2024-25": (dt.date(2024, 4, 1), dt.date(2025, 3, 31), "year")}
    for q, month in enumerate((4, 7, 10, 1), start=1):
        year = 2024 if month > 1 else 2025
        end = dt.date(year + (month + 3 > 12), (month + 2) % 12 + 1, 1) - dt.timedelta(days=1)
        starts[f"2024-25-Q{q}"] = (dt.date(year, month, 1), end, "quarter")
    return pl.DataFrame(
        [
            {
                "landlord_id": "x",
                "period_kind": starts[period][2],
                "period": period,
                "period_start": starts[period][0],
                "period_end": starts[period][1],
                "measure": measure,
                "breakdown": "none",
                "breakdown_value": "all",
                "view": "all",
                "numerator": None,
                "denominator": None,
                "value": value,
                "display": f"{value:,.0f}",
                "unit": "count",
            }
            for period, value in values.items()
        ]
    )


def test_a_quarter_hidden_beside_its_year_and_the_other_quarters_takes_another_quarter():
    """homes_plus 2024-25: the quarterly learning summaries published each quarter's figures and
    the annual documents the year's; the year less the three shown quarters gave back the
    hidden one. The quarters of a year (and the months of a quarter) add up to it, so they are a
    slice too, as each breakdown is."""
    quarters = {"2024-25-Q1": 20.0, "2024-25-Q2": 3.0, "2024-25-Q3": 30.0, "2024-25-Q4": 25.0}
    frame = period_rows("received_1", {"2024-25": sum(quarters.values()), **quarters})
    result = suppress_small_numbers(frame, 5)
    shown = dict(zip(result["period"], result["display"], strict=True))
    assert shown == {
        "2024-25": "78",
        "2024-25-Q1": "[c]",
        "2024-25-Q2": "<5",
        "2024-25-Q3": "30",
        "2024-25-Q4": "25",
    }
    assert result.filter(pl.col("period") == "2024-25-Q1")["value"].to_list() == [None]


def test_a_position_at_each_quarter_end_is_not_a_slice_of_the_year():
    # Complaints open at each quarter end do not add up to those open at the year end: no reader
    # can subtract them, so a small one hides nothing else.
    quarters = {"2024-25-Q1": 20.0, "2024-25-Q2": 3.0, "2024-25-Q3": 30.0, "2024-25-Q4": 25.0}
    frame = period_rows("open_1", {"2024-25": 25.0, **quarters})
    shown = suppress_small_numbers(frame, 5)["display"].to_list()
    assert shown == ["25", "20", "<5", "30", "25"]
