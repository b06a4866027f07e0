"""Small-number suppression for published (website) versions of the documents (design.md s9).

Primary: a count from 1 to ``threshold - 1`` is shown as ``<5``; a rate or average whose
denominator is that small is shown as ``[c]`` (its numerator could be worked out).
Secondary: within one breakdown (a measure split by category, say), when exactly one cell is
suppressed the published total would reveal it, so the next smallest non-zero count is suppressed
too. Zero stays zero: it identifies nobody.
"""

from __future__ import annotations

import polars as pl

SUPPRESSED_RATE = "[c]"


def suppress_small_numbers(frame: pl.DataFrame, threshold: int = 5) -> pl.DataFrame:
    """Return the measures ``frame`` with ``display`` suppressed and a ``suppressed`` column.

    Parameters
    ----------
    frame
        Measure rows (columns as the ``measures`` table).
    threshold
        Counts below this (and above zero) are suppressed; from landlord.yaml
        ``thresholds.small_number_suppression`` (default 5).

    Returns
    -------
    polars.DataFrame
        Same rows; suppressed rows have ``value``, ``numerator`` and ``denominator`` set to null so
        no chart or hover text can show them, and ``display`` set to ``<5`` or ``[c]``.
    """
    label = f"<{threshold}"
    small = lambda column: (pl.col(column) > 0) & (pl.col(column) < threshold)  # noqa: E731
    is_count = pl.col("unit") == "count"
    primary = (is_count & small("value")) | (~is_count & small("denominator"))
    group = ["measure", "period", "breakdown", "view"]
    eligible = is_count & (pl.col("breakdown") != "none") & (pl.col("value") > 0) & ~primary
    # Rank the unsuppressed non-zero counts of each breakdown; the smallest is the secondary cell.
    rank = (
        pl.when(eligible)
        .then(pl.col("value").rank("ordinal").over(group + [eligible]))
        .otherwise(None)
    )
    secondary = (
        (pl.col("breakdown") != "none")
        & (primary.cast(pl.Int32).sum().over(group) == 1)
        & (rank == 1)
    )
    return (
        frame.with_columns(
            primary.alias("_primary"), secondary.fill_null(False).alias("_secondary")
        )
        .with_columns((pl.col("_primary") | pl.col("_secondary")).alias("suppressed"))
        .with_columns(
            pl.when(pl.col("suppressed") & is_count)
            .then(pl.lit(label))
            .when(pl.col("suppressed"))
            .then(pl.lit(SUPPRESSED_RATE))
            .otherwise(pl.col("display"))
            .alias("display"),
            *[
                pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(c)).alias(c)
                for c in ("value", "numerator", "denominator")
            ],
        )
        .drop("_primary", "_secondary")
    )
