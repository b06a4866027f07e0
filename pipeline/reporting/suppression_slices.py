"""The slices and links the small-number rule protects (:mod:`pipeline.reporting.suppression`).

Each function here finds, in the working frame of
:func:`pipeline.reporting.suppression.suppress_small_numbers` (its ``_hidden``, ``_cell``,
``_primary``, ``_headline``, ``_parts`` and ``_gap`` columns), the cells to hide next so that no
hidden one can be worked back: from a slice that adds up to a published total (a breakdown, a
business stream's schemes, the quarters of a year), from the other view of the same figure, from
a percentage over the same count, or from a sector position beside it.
"""

from __future__ import annotations

import polars as pl

# The two views of one figure that differ only by extensions (docs/measures.md "Views").
REGULATOR, MANAGEMENT = "regulator", "management"
PERIOD_COLUMNS = {"period", "period_kind", "period_start", "period_end"}


def pinned_slice(over: str, whole: str, threshold: int, total_known: bool = False) -> pl.Expr:
    """A slice whose hidden cells are all ``<5`` counts (at least two) adding up to their least
    or most (each 1, or each ``threshold - 1``), with the slice's total shown: the total less the
    shown cells gives each of them back. The total of a one-way breakdown is the measure's row
    without a breakdown; a slice of a two- or three-way breakdown adds up to a cell of another
    breakdown, taken as shown, as is the longer period a slice of periods adds up to
    (``total_known``).

    ``over`` names the column numbering the slices, ``whole`` the one numbering the measure's
    rows of a period and view (:func:`group_number`)."""
    hidden = pl.col("_hidden").cast(pl.Int32).sum().over(over)
    small = pl.col("_hidden") & pl.col("_primary") & (pl.col("unit") == "count")
    hidden_sum = pl.when(pl.col("_hidden")).then(pl.col("value")).otherwise(0).sum().over(over)
    is_total = pl.col("breakdown") == "none"
    total_shown = (is_total & ~pl.col("_hidden")).any().over(whole)
    one_way = pl.col("_parts").list.len() == 1
    return (
        (hidden >= 2)
        & (small.cast(pl.Int32).sum().over(over) == hidden)
        & ((hidden_sum == hidden) | (hidden_sum == hidden * (threshold - 1)))
        & (total_shown | ~one_way | pl.lit(total_known))
    )


def group_number(columns: list[str]) -> pl.Expr:
    """The same number for rows with the same ``columns``: the least ``_row`` (each row's own
    number) among them.

    The rules below run a dozen windows per pass over tens of thousands of rows; a window over
    one integer is several times faster than over five strings, so each grouping is numbered
    once."""
    return pl.col("_row").min().over(columns)


def lone_in_slice(
    over: str, whole: str, key: str, total_known: bool, counted: pl.Expr, threshold: int = 5
):
    """Rows to hide where a slice (``key``) has exactly one hidden cell, or several hidden counts
    shown as ``<5`` whose sum (the total less the shown cells) pins each of them (all 1, or all
    ``threshold - 1``): its smallest other non-zero cell that is not the headline stock type (the
    first of equals, and totals were sorted last), or the headline cell when it is the only one
    left."""
    in_slice = pl.col(key).is_not_null()
    hidden = pl.col("_hidden").cast(pl.Int32).sum().over(over)
    lone = in_slice & ((hidden == 1) | pinned_slice(over, whole, threshold, total_known))
    candidate = ~pl.col("_hidden") & counted & (pl.col("_cell") > 0)
    spare = candidate & ~pl.col("_headline")
    rank_spare = pl.when(spare).then(pl.col("_cell")).rank("ordinal").over(over)
    rank_any = pl.when(candidate).then(pl.col("_cell")).rank("ordinal").over(over)
    chosen = (
        pl.when(spare.any().over(over)).then(spare & (rank_spare == 1)).otherwise(rank_any == 1)
    )

    def rule(work: pl.DataFrame) -> pl.Series:
        # ``lone`` holds for a whole slice or none of it, so the ranks need only the lone slices'
        # rows: few, where most slices have nothing hidden.
        lone_rows = work.filter(lone.fill_null(False))
        if lone_rows.is_empty():
            return pl.repeat(False, work.height, eager=True)
        new = lone_rows.filter((candidate & chosen).fill_null(False))["_row"]
        return work["_row"].is_in(new.implode())

    return rule


def stuck_slice(
    over: str, whole: str, key: str, total_known: bool, counted: pl.Expr, threshold: int = 5
):
    """Rows of a slice (``key``) whose hidden cells are all ``<5`` counts pinned by their sum
    (each 1, or each ``threshold - 1``: :func:`lone_in_slice`) and that has no other non-zero
    cell left to hide. Every cell of such a slice, zeros included, is withheld as ``[c]``: a
    ``<5`` says 1 or more, so only cells that may be 0 leave the sum unpinned."""
    in_slice = pl.col(key).is_not_null()
    candidate = ~pl.col("_hidden") & counted & (pl.col("_cell") > 0) & in_slice
    stuck = (
        in_slice
        & counted
        & pinned_slice(over, whole, threshold, total_known)
        & ~candidate.any().over(over)
    )
    return lambda work: work.select(stuck.fill_null(False).alias("_stuck"))["_stuck"]


def period_slice(work: pl.DataFrame, within: list[str]) -> pl.Series:
    """For a month's or a quarter's row, the shortest longer period of the frame it falls in (a
    month's quarter, else its year; a quarter's year) where the figures of that period's months
    or quarters add up to its own (received complaints do; a position at the period end, such as
    complaints open, does not, and no reader can subtract it); null for any other row.

    ``within``: the columns a row keeps from one period to the next (measure, breakdown and its
    value, view)."""
    periods = work.select(*PERIOD_COLUMNS).unique("period")
    longer = periods.filter(pl.col("period_kind").is_in(["quarter", "year"]))
    containing = (
        periods.filter(pl.col("period_kind").is_in(["month", "quarter"]))
        .join(longer, how="cross", suffix="_longer")
        .filter(
            (pl.col("period_longer") != pl.col("period"))
            & (pl.col("period_start_longer") <= pl.col("period_start"))
            & (pl.col("period_end") <= pl.col("period_end_longer"))
        )
        # the shortest: a month's quarter before its year
        .sort(pl.col("period_end_longer") - pl.col("period_start_longer"))
        .unique("period", keep="first")
        .select("period", pl.col("period_longer").alias("_within"))
    )
    rows = work.select("_row", *within, "period", "_cell").join(containing, on="period", how="left")
    parts = (
        rows.filter(pl.col("_within").is_not_null())
        .group_by(*within, "_within")
        .agg(
            pl.col("_cell").sum().alias("_parts_sum"),
            pl.col("_cell").null_count().alias("_unknown"),
        )
    )
    totals = rows.select(
        *within, pl.col("period").alias("_within"), pl.col("_cell").alias("_total")
    )
    adds_up = parts.join(totals, on=[*within, "_within"], how="inner", nulls_equal=True).filter(
        (pl.col("_unknown") == 0) & (pl.col("_parts_sum") == pl.col("_total"))
    )
    return (
        rows.join(
            adds_up.select(*within, "_within", pl.lit(True).alias("_adds_up")),
            on=[*within, "_within"],
            how="left",
            nulls_equal=True,
        )
        .sort("_row")
        .select(pl.when(pl.col("_adds_up")).then(pl.col("_within")).alias("_period_slice"))[
            "_period_slice"
        ]
    )


def view_gap(twin: list[str]) -> pl.Expr:
    """Management minus regulator count of the same cell: the answers in time only thanks to an
    extension longer than the Code's (null when the measure has one view, or when the two views
    count different populations, so are not two views of one figure)."""

    def of(column: str, view: str) -> pl.Expr:
        return pl.col(column).filter(pl.col("view") == view).first().over(twin)

    same_answers = of("denominator", MANAGEMENT).eq_missing(of("denominator", REGULATOR))
    gap = (of("_cell", MANAGEMENT) - of("_cell", REGULATOR)).abs()
    return pl.when(same_answers).then(gap)


def twin_view(twin: str, about_people: pl.Expr, threshold: int):
    """Rows to hide so that neither view of a figure, nor the gap between them, can be worked
    out from the others of (regulator, management, gap).

    The gap is known from any measure that shows both views of the cell (in time, in time with an
    extension), so it counts as shown unless it is 1-4. The management figure goes when the gap
    is small or its regulator twin is hidden; the regulator figure (the statutory one) goes only
    when the management figure is hidden for its own sake and the gap would give it back.
    """
    is_regulator = pl.col("view") == REGULATOR
    is_management = pl.col("view") == MANAGEMENT
    regulator_hidden = (pl.col("_hidden") & is_regulator).any().over(twin)
    management_hidden = (pl.col("_hidden") & is_management).any().over(twin)
    # (a gap of null: one view only, or two populations, not one figure)
    both_views = pl.col("_gap").is_not_null()
    gap_small = pl.col("_gap").is_between(1, threshold - 1)
    new = (
        both_views
        & ~pl.col("_hidden")
        & about_people
        & (
            (is_management & (gap_small | regulator_hidden))
            | (is_regulator & management_hidden & ~gap_small)
        )
    )
    return lambda work: work.select(new.fill_null(False).alias("_new"))["_new"]


def shared_denominator(cell: list[str], about_people: pl.Expr):
    """Percentages of a cell whose denominator is a count hidden in another measure of the cell
    (a count, or a rate per 1,000 homes, whose homes are published, by its numerator)."""

    def rule(work: pl.DataFrame) -> pl.Series:
        hidden_counts = (
            work.filter(
                pl.col("_hidden")
                & about_people
                & pl.col("unit").is_in(["count", "per_1000"])
                & (pl.col("_cell") > 0)
            )
            .select(*cell, pl.col("_cell").cast(pl.Float64).alias("_number"))
            .unique()
        )
        percentages = work.filter(
            ~pl.col("_hidden") & about_people & (pl.col("unit") == "percent")
        ).select("_row", *cell, pl.col("denominator").cast(pl.Float64).alias("_number"))
        pinned = percentages.join(
            hidden_counts, on=[*cell, "_number"], how="semi", nulls_equal=True
        )["_row"]
        return work["_row"].is_in(pinned.to_list())

    return rule


def position_of_hidden(work: pl.DataFrame, group: list[str]) -> pl.Series:
    """``_hidden``, with a sector position hidden when its own figure is.

    ``benchmark_CH02_2_position`` (views ``sector_all``, ``sector_band``) places the landlord's
    CH02_2 of the same period and stock type (view ``regulator``) in a quartile: shown beside a
    withheld figure it would tell the figure's range.
    """
    keys = [c for c in (*group, "breakdown_value") if c not in ("measure", "view")]
    own = work.filter(pl.col("view") == "regulator").select(
        *keys, pl.col("measure").alias("_of"), pl.col("_hidden").alias("_of_hidden")
    )
    of = pl.col("measure").str.extract(r"^benchmark_(.+)_position$").alias("_of")
    joined = work.select(*keys, "_hidden", of).join(
        own, on=[*keys, "_of"], how="left", maintain_order="left", nulls_equal=True
    )
    return (joined["_hidden"] | joined["_of_hidden"].fill_null(False)).alias("_hidden")
