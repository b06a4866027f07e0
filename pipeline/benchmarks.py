"""Sector benchmarks from the RSH's published TSM data, and a landlord's position among them.

The sector figures are computed from the RSH full-data workbook extracted to ``data/rsh/<year>/``
(``scripts/extract_rsh.py``); nothing is typed in. Only landlords with a published value take part:
a ``[X]`` (left blank), ``[U]`` (zero denominator), ``[Z]`` (not required) or ``[E]`` (excluded by the
RSH) leaves that landlord out of that measure and stock type.

**Quantile definition.** Each landlord's value is recomputed *unrounded* from its published numerator
and denominator (CH01 = numerator / units x 1000, CH02 = numerator / denominator x 100, TP09 = (very +
fairly satisfied) / the five answers x 100 over the published, possibly weighted, counts). Quartiles
are then taken with linear interpolation between order statistics (Excel ``QUARTILE.INC``, R type 7,
numpy's default), so the median of an even count is the mean of the middle two, and the results are
rounded half up to 1 dp. This reproduces the RSH's 2024/25 LCRA medians (design.md section 7):
CH01 stage 1 53.9 and stage 2 8.3 per 1,000, CH02 89.9% and 88.9%, TP09 35.5%. Two tempting
alternatives do not: the median of the *published, rounded* CH01 stage 2 values is (8.3 + 8.4) / 2 =
8.35 -> 8.4, and a "nearest" or "lower" order statistic (Polars' default interpolation is "nearest")
gives a CH01 stage 1 median of 53.5.

**Which year.** A landlord's year is compared with that year's RSH edition, else the latest earlier
one (the report says so: "sector figures for 2023/24, the latest RSH data this report holds"), never a later one;
with no edition that early there is no comparison. Editions are extracted with ``complaints rsh
add`` (:mod:`pipeline.rsh`). Every comparison carries its data year, size band and number of peers
(``benchmark_sector_year``, ``benchmark_size_band``, ``benchmark_<M>_n``).

**Blanks.** An edition that prints an input left blank as 0 (``edition.json`` ``blank_input``)
cannot tell a blank from a true zero, so there a zero CH01/CH02 numerator or a zero denominator is
read as blank and the landlord is not a peer for that measure (the 2024/25 edition, which marks
blanks ``[X]``, has no zero CH numerator at all).

**Size bands** are by the landlord's homes owned (LCRA + LCHO, or the combined figure; the CH01 stage 1
denominators; for a landlord whose management information the RSH excluded, its surveyed tenant
population): 1,000-2,499, 2,500-9,999, 10,000-24,999 and 25,000+ (the RSH's TP09 precision bands), plus
``all``. A landlord with under 1,000 homes is compared with the smallest band.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import duckdb
import polars as pl

from pipeline.periods import ReportingYear
from pipeline.rounding import display, round_half_up
from pipeline.rsh.editions import (
    Edition,
    available_years,
    edition,
    sector_year_for,
)
from pipeline.sql import rollback

MEASURES = ("CH01_1", "CH01_2", "CH02_1", "CH02_2", "TP09")
STOCK_TYPES = ("lcra", "lcho", "combined")
UNITS = {"CH01": "per_1000", "CH02": "percent", "TP09": "percent"}
# CH02 (timeliness) and TP09 (satisfaction) are better when higher; CH01 (complaints per 1,000 homes)
# is not judged: a high rate can mean an accessible process as much as poor service.
HIGHER_IS_BETTER = {"CH01": None, "CH02": True, "TP09": True}

# (label, smallest homes owned); the first band also takes landlords under 1,000 homes.
SIZE_BANDS = (
    ("1,000-2,499", 0),
    ("2,500-9,999", 2_500),
    ("10,000-24,999", 10_000),
    ("25,000+", 25_000),
)
ALL_BANDS = "all"
# Landlords a comparison needs: with fewer, the "median" and "quartiles" are one or two
# landlords' own figures (the RSH's combined-stock rows have 2 landlords in 2024/25), so only the
# number compared is written and the report says there are too few to compare.
MIN_LANDLORDS_COMPARED = 5
BENCHMARK_PREFIX = "benchmark_"


def size_band(homes_owned: int | float | None) -> str | None:
    """Size band of a landlord owning ``homes_owned`` homes (under 1,000: the smallest band).

    Parameters
    ----------
    homes_owned : int or float or None
        Social homes owned at year end, LCRA and LCHO together.

    Returns
    -------
    str or None
        One of the labels of :data:`SIZE_BANDS`; None when the size is unknown.
    """
    if homes_owned is None:
        return None
    label = SIZE_BANDS[0][0]
    for name, lower in SIZE_BANDS:
        if homes_owned >= lower:
            label = name
    return label


def _band_expr(column: str) -> pl.Expr:
    expr = pl.lit(None, dtype=pl.String)
    for name, lower in SIZE_BANDS:
        expr = pl.when(pl.col(column) >= lower).then(pl.lit(name)).otherwise(expr)
    return pl.when(pl.col(column).is_null()).then(None).otherwise(expr)


def _numeric(column: str) -> pl.Expr:
    """A published cell as a number; the RSH markers ([X], [U], [Z], [E]) and blanks become null."""
    return pl.col(column).cast(pl.Float64, strict=False)


def sector_values(year: str = "2024-25") -> pl.DataFrame:
    """One row per landlord, measure and stock type that has a published value.

    Parameters
    ----------
    year : str
        Reporting year key, e.g. ``"2024-25"``; its edition must be extracted.

    Returns
    -------
    polars.DataFrame
        Columns ``landlord_code, landlord_name, homes_owned, size_band, measure, stock_type,
        numerator, denominator, value`` (unrounded) and ``published`` (the RSH's rounded figure).
    """
    key = ReportingYear.parse(year).key
    return _sector_values(edition(key))


@lru_cache(maxsize=16)
def _sector_values(found: Edition) -> pl.DataFrame:
    # Kept per edition version: a corrected re-issue of the year (its folder replaced) is
    # computed afresh. Every file from the one edition (every column as text, so [X] and [U]
    # survive until we decide what they mean): read by year, each could be another edition's.
    landlords = found.read("landlords.csv").select(
        "landlord_code",
        "landlord_name",
        homes_owned=pl.sum_horizontal(
            _numeric("units_lcra"), _numeric("units_lcho"), _numeric("units_comb")
        ),
    )
    # A landlord without management information (the RSH excluded it) is sized by the relevant
    # tenant population of its perception survey, the nearest published count of its homes.
    surveyed = (
        found.read("perception_tp09.csv")
        .group_by("landlord_code")
        .agg(surveyed=_numeric("relevant_population").sum())
    )
    landlords = (
        landlords.join(surveyed, on="landlord_code", how="left")
        .with_columns(
            homes_owned=pl.when(pl.col("homes_owned") > 0)
            .then("homes_owned")
            .when(pl.col("surveyed") > 0)
            .then("surveyed"),
        )
        .drop("surveyed")
        .with_columns(size_band=_band_expr("homes_owned"))
    )

    management = found.read("management_info.csv")
    ch = pl.concat(
        management.select(
            "landlord_code",
            "stock_type",
            measure=pl.lit(measure),
            numerator=_numeric(f"{measure}_Numerator"),
            denominator=_numeric(f"{measure}_Denominator"),
            published=_numeric(f"{measure}_Calculated_Value"),
            scale=pl.lit(1000.0 if measure.startswith("CH01") else 100.0),
        )
        for measure in MEASURES
        if measure != "TP09"
        and {f"{measure}_{part}" for part in ("Numerator", "Denominator", "Calculated_Value")}
        <= set(management.columns)  # an edition without the measure: nothing to compare
    )
    perception = found.read("perception_tp09.csv")
    answers = [_numeric(c) for c in ("VS", "FS", "NSD", "FD", "VD")]
    tp09 = perception.select(
        "landlord_code",
        "stock_type",
        measure=pl.lit("TP09"),
        numerator=answers[0] + answers[1],
        denominator=pl.sum_horizontal(answers),
        published=_numeric("Satisfied_Calc"),
        scale=pl.lit(100.0),
    )
    # A landlord takes part only where the RSH published a value and the counts behind it (not
    # [X]/[U]/[Z]/[E]): a published figure over a blank numerator is not a peer's figure.
    takes_part = (
        pl.col("published").is_not_null()
        & pl.col("numerator").is_not_null()
        & (pl.col("denominator") > 0)
    )
    if found.blank_input == "0":  # a blank prints as 0: a zero CH count is a blank
        takes_part &= (pl.col("measure") == "TP09") | (pl.col("numerator") > 0)
    values = (
        pl.concat([ch, tp09])
        .filter(takes_part)
        .with_columns(value=pl.col("numerator") / pl.col("denominator") * pl.col("scale"))
        .drop("scale")
    )
    return values.join(landlords, on="landlord_code", how="left").select(
        "landlord_code",
        "landlord_name",
        "homes_owned",
        "size_band",
        "measure",
        "stock_type",
        "numerator",
        "denominator",
        "value",
        "published",
    )


def sector_benchmarks(year: str = "2024-25") -> pl.DataFrame:
    """Sector quartiles per measure, stock type and size band, from the RSH's published data.

    Parameters
    ----------
    year : str
        Reporting year key, e.g. ``"2024-25"``; its extract must be in ``data/rsh/<year>/``.

    Returns
    -------
    polars.DataFrame
        One row per ``measure`` (CH01_1, CH01_2, CH02_1, CH02_2, TP09), ``stock_type`` (lcra, lcho,
        combined) and ``size_band`` (the four bands and ``all``) with at least one landlord: ``year``,
        ``n`` (landlords), ``q1``, ``median``, ``q3`` (rounded half up to 1 dp; see the module
        docstring for the quantile definition) and ``unit``.
    """
    key = ReportingYear.parse(year).key
    return _sector_benchmarks(edition(key))


@lru_cache(maxsize=16)
def _sector_benchmarks(found: Edition) -> pl.DataFrame:
    values = _sector_values(found)
    by_band = values.filter(pl.col("size_band").is_not_null())
    every = values.with_columns(size_band=pl.lit(ALL_BANDS))
    stats = (
        pl.concat([by_band, every])
        .group_by("measure", "stock_type", "size_band")
        .agg(
            n=pl.len(),
            q1=pl.col("value").quantile(0.25, interpolation="linear"),
            median=pl.col("value").quantile(0.5, interpolation="linear"),
            q3=pl.col("value").quantile(0.75, interpolation="linear"),
        )
    )
    order = {name: i for i, name in enumerate([b for b, _ in SIZE_BANDS] + [ALL_BANDS])}
    rounded = stats.with_columns(
        pl.col(c).map_elements(lambda x: round_half_up(x, 1), return_dtype=pl.Float64)
        for c in ("q1", "median", "q3")
    )
    return (
        rounded.with_columns(
            year=pl.lit(found.year),
            unit=pl.col("measure").str.slice(0, 4).replace_strict(UNITS),
            _m=pl.col("measure").replace_strict({m: i for i, m in enumerate(MEASURES)}),
            _s=pl.col("stock_type").replace_strict({s: i for i, s in enumerate(STOCK_TYPES)}),
            _b=pl.col("size_band").replace_strict(order),
        )
        .sort("_m", "_s", "_b")
        .select("year", "measure", "stock_type", "size_band", "n", "q1", "median", "q3", "unit")
    )


@dataclass(frozen=True)
class Position:
    """Where one landlord's figure sits among the sector's.

    ``quartile`` counts by value (1 = lowest values, 4 = highest), whatever the measure. ``label`` is
    what a report prints: for CH02 and TP09 (higher is better) "top quartile" .. "bottom quartile";
    for CH01 only "higher than the median" / "lower than the median", without judging.
    ``percentile`` is the share of landlords with a lower value, ties counted half (0-100).
    """

    measure: str
    stock_type: str
    size_band: str
    value: float
    n: int
    q1: float
    median: float
    q3: float
    quartile: int
    percentile: float
    label: str


def landlord_position(
    value: float,
    measure: str,
    stock_type: str,
    band: str | int | None = ALL_BANDS,
    year: str = "2024-25",
) -> Position:
    """Position of ``value`` among the sector's landlords for one measure, stock type and band.

    Parameters
    ----------
    value : float
        The landlord's figure (as in ``measures.value``; compared after rounding half up to 1 dp,
        as published).
    measure : str
        ``CH01_1``, ``CH01_2``, ``CH02_1``, ``CH02_2`` or ``TP09``.
    stock_type : str
        ``lcra``, ``lcho`` or ``combined``.
    band : str or int or None
        A size-band label, ``"all"``, or the landlord's homes owned (converted with
        :func:`size_band`; under 1,000 homes compares with the smallest band). None means ``"all"``.
    year : str
        Reporting year of the sector data.

    Returns
    -------
    Position
        Quartile, percentile and a plain-English label.

    Raises
    ------
    KeyError
        When the sector data has no landlord for that measure, stock type and band.
    """
    if band is None:
        band = ALL_BANDS
    elif not isinstance(band, str):
        band = size_band(band)
    row = sector_benchmarks(year).filter(
        (pl.col("measure") == measure)
        & (pl.col("stock_type") == stock_type)
        & (pl.col("size_band") == band)
    )
    if row.is_empty():
        raise KeyError(f"no sector benchmark for {measure} {stock_type} band {band} in {year}")
    stats = row.row(0, named=True)
    peers = sector_values(year).filter(
        (pl.col("measure") == measure) & (pl.col("stock_type") == stock_type)
    )
    if band != ALL_BANDS:
        peers = peers.filter(pl.col("size_band") == band)
    below = peers.filter(pl.col("value") < value).height
    equal = peers.filter(pl.col("value") == value).height
    percentile = 100.0 * (below + equal / 2) / peers.height

    shown = round_half_up(value, 1)
    q1, median, q3 = stats["q1"], stats["median"], stats["q3"]
    quartile = 1 if shown < q1 else 2 if shown < median else 3 if shown < q3 else 4
    direction = HIGHER_IS_BETTER[measure[:4]]
    # a size band's median is not the sector's: the label names the one it was compared with
    median_name = "sector median" if band == ALL_BANDS else "size-band median"
    if direction is None:
        side = "equal to" if shown == median else "higher than" if shown > median else "lower than"
        label = f"{side} the {median_name}"
    else:
        label = {
            4: "top quartile",
            3: "second quartile (above the median)",
            2: "third quartile (below the median)",
            1: "bottom quartile",
        }[quartile]
        if shown == median:
            label = f"at the {median_name}"
    return Position(
        measure=measure,
        stock_type=stock_type,
        size_band=band,
        value=value,
        n=stats["n"],
        q1=q1,
        median=median,
        q3=q3,
        quartile=quartile,
        percentile=round_half_up(percentile, 1),
        label=label,
    )


def homes_owned(con: duckdb.DuckDBPyConnection, landlord_id: str, year: str) -> int | None:
    """English homes owned at the year end (LCRA + LCHO) from the ``stock`` table.

    Scottish stock is left out: the RSH's landlords (and so the size bands) count English stock only.
    """
    year_end = ReportingYear.parse(year).end
    total = con.execute(
        "select sum(units_owned) from stock"
        " where landlord_id = ? and year_end = ? and country = 'eng'",
        [landlord_id, year_end],
    ).fetchone()[0]
    return None if total is None else int(total)


_MEASURE_COLUMNS = (
    "landlord_id, period_kind, period, period_start, period_end, measure, breakdown, "
    "breakdown_value, view, numerator, denominator, value, display, unit"
)


def benchmark_measure_rows(
    con: duckdb.DuckDBPyConnection,
    landlord_id: str,
    year: str,
    sector_year: str | None = None,
) -> pl.DataFrame:
    """The landlord's benchmark rows, shaped like the ``measures`` table (see docs/measures.md).

    For every CH01/CH02/TP09 figure the landlord has in ``measures`` (period ``year``, breakdown
    ``stock_type``, view ``regulator``) this gives, for the sector (``all``) and for the landlord's
    size band: ``benchmark_<M>_q1``, ``_median``, ``_q3``, ``_n`` and ``benchmark_<M>_position``
    (value = percentile, display = label), with breakdown ``stock_type`` and view ``sector_all`` or
    ``sector_band``; with fewer than :data:`MIN_LANDLORDS_COMPARED` landlords, only ``_n``. A
    ``benchmark_size_band`` row (display = the band, value = the homes owned) says which band was
    used and
    a ``benchmark_sector_year`` row which edition (display ``2024/25``; value = years between the
    landlord's year and the edition's, 0 for the same year; null and display ``none`` when no
    edition that early is published, and then there are no other rows).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The landlord's DuckDB, holding ``measures`` and ``stock``.
    landlord_id : str
        Landlord id.
    year : str
        Reporting year of the landlord's figures.
    sector_year : str, optional
        Year of the sector data; default :func:`pipeline.rsh.editions.sector_year_for` ``(year)``:
        the same year's edition, else the latest earlier one, never a later one.

    Returns
    -------
    polars.DataFrame
        Rows with the ``measures`` table's columns.
    """
    period = ReportingYear.parse(year)
    sector_year = sector_year or sector_year_for(period.key)
    homes = homes_owned(con, landlord_id, period.key) or 0
    band = size_band(homes)
    base = {
        "landlord_id": landlord_id,
        "period_kind": "year",
        "period": period.key,
        "period_start": period.start,
        "period_end": period.end,
        "breakdown": "stock_type",
    }
    label_row = {**base, "breakdown": "none", "breakdown_value": "all", "numerator": None}
    rows = [
        {
            **label_row,
            "measure": f"{BENCHMARK_PREFIX}sector_year",
            "view": "sector_all",
            "denominator": None,
            "value": (
                None
                if sector_year is None
                else float(period.start.year - ReportingYear.parse(sector_year).start.year)
            ),
            "display": "none" if sector_year is None else ReportingYear.parse(sector_year).label,
            "unit": "label",
        },
        {
            **label_row,
            "measure": f"{BENCHMARK_PREFIX}size_band",
            "view": "sector_band",
            "denominator": None,
            "value": float(homes),  # the homes owned the band was chosen by
            "display": f"{band} homes",
            "unit": "label",
        },
    ]
    own = (
        []
        if sector_year is None
        else con.execute(
            """
            select measure, breakdown_value as stock_type, value
            from measures
            where landlord_id = $landlord and period_kind = 'year' and period = $period
              and measure in ('CH01_1', 'CH01_2', 'CH02_1', 'CH02_2', 'TP09')
              and breakdown = 'stock_type' and view = 'regulator' and value is not null
            """,
            {"landlord": landlord_id, "period": period.key},
        ).fetchall()
    )
    for measure, stock_type, value in own:
        unit = UNITS[measure[:4]]
        for view, scope in (("sector_all", ALL_BANDS), ("sector_band", band)):
            try:
                pos = landlord_position(value, measure, stock_type, scope, sector_year)
            except KeyError:
                continue
            common = {**base, "breakdown_value": stock_type, "view": view}
            comparable = pos.n >= MIN_LANDLORDS_COMPARED
            for stat in ("q1", "median", "q3") if comparable else ():
                figure = getattr(pos, stat)
                rows.append(
                    {
                        **common,
                        "measure": f"{BENCHMARK_PREFIX}{measure}_{stat}",
                        "numerator": None,
                        "denominator": None,
                        "value": figure,
                        "display": display(figure, 1),
                        "unit": unit,
                    }
                )
            # Landlords compared: public figures of the RSH's data, never suppressed as small
            # counts of people are (unit "landlords", not "count").
            rows.append(
                {
                    **common,
                    "measure": f"{BENCHMARK_PREFIX}{measure}_n",
                    "numerator": None,
                    "denominator": None,
                    "value": float(pos.n),
                    "display": str(pos.n),
                    "unit": "landlords",
                }
            )
            if not comparable:
                continue
            rows.append(
                {
                    **common,
                    "measure": f"{BENCHMARK_PREFIX}{measure}_position",
                    "numerator": None,
                    "denominator": None,
                    "value": pos.percentile,
                    "display": pos.label,
                    "unit": "percentile",
                }
            )
    schema = {
        "landlord_id": pl.String,
        "period_kind": pl.String,
        "period": pl.String,
        "period_start": pl.Date,
        "period_end": pl.Date,
        "measure": pl.String,
        "breakdown": pl.String,
        "breakdown_value": pl.String,
        "view": pl.String,
        "numerator": pl.Float64,
        "denominator": pl.Float64,
        "value": pl.Float64,
        "display": pl.String,
        "unit": pl.String,
    }
    return pl.DataFrame(rows, schema=schema)


def write_benchmark_measures(
    con: duckdb.DuckDBPyConnection,
    landlord_id: str,
    year: str,
    sector_year: str | None = None,
) -> int:
    """Replace the landlord's ``benchmark_*`` rows for ``year`` in ``measures``; returns rows written.

    Idempotent: the landlord-year's benchmark rows are deleted and inserted in one transaction.
    """
    frame = benchmark_measure_rows(con, landlord_id, year, sector_year)
    period = ReportingYear.parse(year).key
    con.execute("begin transaction")
    try:
        con.execute(
            "delete from measures where landlord_id = ? and period = ? and measure like ?",
            [landlord_id, period, f"{BENCHMARK_PREFIX}%"],
        )
        con.register("_benchmark_rows", frame)
        con.execute(
            f"insert into measures ({_MEASURE_COLUMNS}) "  # noqa: S608 (constant column list)
            f"select {_MEASURE_COLUMNS} from _benchmark_rows"
        )
        con.unregister("_benchmark_rows")
        con.execute("commit")
    except BaseException:
        rollback(con)
        raise
    return frame.height


def landlord_years(con: duckdb.DuckDBPyConnection, landlord_id: str, up_to: str) -> list[str]:
    """Reporting years up to ``up_to`` for which the landlord has a CH01/CH02/TP09 figure."""
    rows = con.execute(
        """
        select distinct period from measures
        where landlord_id = $landlord and period_kind = 'year' and period <= $up_to
          and measure in ('CH01_1', 'CH01_2', 'CH02_1', 'CH02_2', 'TP09')
          and breakdown = 'stock_type' and view = 'regulator' and value is not null
        order by period
        """,
        {"landlord": landlord_id, "up_to": ReportingYear.parse(up_to).key},
    ).fetchall()
    return [period for (period,) in rows]


def write_benchmark_history(
    con: duckdb.DuckDBPyConnection, landlord_id: str, year: str
) -> dict[str, int]:
    """Write the benchmark rows of ``year`` and of every earlier year the landlord has figures for.

    Each year is compared with its own edition (else the latest earlier one), so the annual report
    can show the landlord's quartile position over the years. Re-running ``measures`` for a year
    and the one before removes their benchmark rows; this puts them back with the same values.

    Returns
    -------
    dict
        Rows written per year.
    """
    period = ReportingYear.parse(year).key
    years = sorted({*landlord_years(con, landlord_id, period), period})
    return {one: write_benchmark_measures(con, landlord_id, one) for one in years}


__all__ = [
    "ALL_BANDS",
    "MEASURES",
    "MIN_LANDLORDS_COMPARED",
    "SIZE_BANDS",
    "Position",
    "available_years",
    "benchmark_measure_rows",
    "homes_owned",
    "landlord_position",
    "landlord_years",
    "sector_benchmarks",
    "sector_values",
    "sector_year_for",
    "size_band",
    "write_benchmark_history",
    "write_benchmark_measures",
]
