"""The annual report's sector comparison: the year's benchmarks and the quartile position over years.

Every figure is a ``benchmark_*`` row of the ``measures`` table (written by
:func:`pipeline.benchmarks.write_benchmark_history`): the sector and size-band medians, the number
of landlords compared, the position label, which RSH edition was used (``benchmark_sector_year``)
and the size band (``benchmark_size_band``). Beside every comparison the report prints the data
year, the size band and the number of landlords compared, says when the figures are an earlier
year's ("sector figures for 2023/24, the latest RSH data this report holds"), and carries the Open
Government Licence attribution of each RSH edition used (data/rsh/LICENCE.md).

The executive summary uses :func:`sector_cells`, :data:`SECTOR_COLUMNS`, :func:`sector_caption`
and :func:`sector_source`; :func:`sector_section` is the section of its own.
"""

from __future__ import annotations

import polars as pl

from pipeline.periods import ReportingYear
from pipeline.reporting.blocks import NOT_AVAILABLE, Section
from pipeline.reporting.data import query_frame, table_exists
from pipeline.reporting.labels import MEASURE_NAMES, label
from pipeline.reporting.tables import data_table
from pipeline.reporting.trace import figure

HEADLINE = ("CH01_1", "CH01_2", "CH02_1", "CH02_2", "TP09")
SECTOR_COLUMNS = ("Sector median (landlords)", "Size-band median (landlords)", "Position in sector")
GENERIC_ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "Source: Regulator of Social Housing, Tenant Satisfaction Measures full data."
)


def _row(ctx, measure: str, period, breakdown: str = "none", value: str | None = None, view=None):
    return ctx.measures.get(measure, period, breakdown, value, view)


def sector_year(ctx, period=None) -> dict | None:
    """The ``benchmark_sector_year`` row of the report year (or ``period``), or None."""
    return _row(ctx, "benchmark_sector_year", period or ctx.year, view="sector_all")


def _band(ctx) -> str | None:
    row = _row(ctx, "benchmark_size_band", ctx.year, view="sector_band")
    return None if row is None else row["display"]


def _band_words(ctx) -> str:
    """`` and landlords of our size (2,500-9,999 homes)``; a landlord under 1,000 homes is told
    it is compared with the smallest band, since smaller landlords do not report to the RSH."""
    row = _row(ctx, "benchmark_size_band", ctx.year, view="sector_band")
    if row is None:
        return ""
    homes = row["value"]
    if homes is not None and homes < 1_000:
        return (
            f" and the smallest size band in the RSH's data ({row['display']}; we own "
            f"{homes:,.0f}, and landlords with fewer than 1,000 homes do not report their "
            "measures to the RSH)"
        )
    return f" and landlords of our size ({row['display']})"


def sector_source(ctx) -> str:
    """One sentence: which year's RSH data the sector figures are, and the landlord's size band.

    ``"Sector figures: RSH Tenant Satisfaction Measures 2024/25 full data, all landlords and
    landlords of our size (2,500-9,999 homes); the number of landlords compared is beside each
    figure."`` For an earlier year's data: ``"Sector figures for 2024/25, the latest RSH data
    this report holds (none for 2025/26 has been added): ..."``; with none, the RSH's first TSM
    year (2023/24) or no data added for the year (:func:`no_sector_data`).

    The product cannot know what the RSH has published since its data was added, so it says
    what it holds, never what the RSH has or has not published after 2023/24.
    """
    year = sector_year(ctx)
    if year is None:  # the benchmark step has not run for this year
        return f"Sector figures: {NOT_AVAILABLE}."
    if year["value"] is None:
        return no_sector_data(ctx.year) + " so no sector comparison is made."
    lead = "Sector figures"
    if year["value"] > 0:
        lead = (
            f"Sector figures for {year['display']}, the latest RSH data this report holds (none "
            f"for {ctx.year.label} has been added)"
        )
    size = _band_words(ctx)
    return (
        f"{lead}: RSH Tenant Satisfaction Measures {year['display']} full data, all landlords"
        f"{size}; the number of landlords compared is beside each figure."
    )


# The first year of the tenant satisfaction measures (the RSH's standard took effect on 1 April
# 2023); no sector data exists for an earlier year.
FIRST_TSM_YEAR = "2023-24"


def no_sector_data(year: ReportingYear) -> str:
    """Why a year has no sector figures: before the TSMs began, or no edition added for it."""
    if year.key < FIRST_TSM_YEAR:
        return (
            f"The tenant satisfaction measures began in 2023/24: there are no sector figures for "
            f"{year.label},"
        )
    return (
        f"No RSH sector figures for {year.label} or an earlier year have been added to this "
        "report's data (an analyst adds an edition with 'complaints rsh add'),"
    )


def sector_caption(ctx) -> str:
    """The data year and size band, for a table caption: ``"RSH 2024/25 data; 2,500-9,999 homes"``."""
    year = sector_year(ctx)
    if year is None:
        return f"sector figures {NOT_AVAILABLE}"
    if year["value"] is None:
        return "no RSH data for this year"
    band = _band(ctx)
    latest = ", the latest held" if year["value"] > 0 else ""
    return f"RSH {year['display']} data{latest}" + (f"; size band {band}" if band else "")


def _with_peers(ctx, measure: str, stock: str, view: str) -> str:
    median = _row(ctx, f"benchmark_{measure}_median", ctx.year, "stock_type", stock, view)
    peers = _row(ctx, f"benchmark_{measure}_n", ctx.year, "stock_type", stock, view)
    if median is None:
        return _too_few(peers)
    return figure(median) + ("" if peers is None else f" ({figure(peers)})")


def _too_few(peers: dict | None) -> str:
    """What stands for a median or position the benchmark step did not write: too few landlords
    published the figure (see MIN_LANDLORDS_COMPARED), or no comparison at all."""
    return NOT_AVAILABLE if peers is None else f"too few landlords to compare ({figure(peers)})"


def _position(ctx, measure: str, stock: str, view: str) -> str:
    position = _row(ctx, f"benchmark_{measure}_position", ctx.year, "stock_type", stock, view)
    if position is not None:
        return figure(position)
    return _too_few(_row(ctx, f"benchmark_{measure}_n", ctx.year, "stock_type", stock, view))


def sector_cells(ctx, measure: str, stock: str) -> list[str]:
    """The executive summary's sector cells for one measure (see :data:`SECTOR_COLUMNS`)."""
    return [
        _with_peers(ctx, measure, stock, "sector_all"),
        _with_peers(ctx, measure, stock, "sector_band"),
        _position(ctx, measure, stock, "sector_all"),
    ]


def sector_attribution(ctx) -> list[str]:
    """The Open Government Licence attribution of the RSH edition the report year is compared
    with (data/rsh/LICENCE.md), for every place that shows a sector figure; empty when none."""
    year = sector_year(ctx)
    if year is None or year["value"] is None:
        return []
    return _attributions([year["display"]])


def _attributions(years: list[str]) -> list[str]:
    from pipeline.rsh.editions import available_years, edition

    have = set(available_years())
    out = []
    for year in years:
        key = ReportingYear.parse(year).key
        text = edition(key).attribution if key in have else GENERIC_ATTRIBUTION
        if text not in out:
            out.append(text)
    return out


def _history(ctx, stock: str) -> pl.DataFrame:
    """Position rows (sector_all) of every year up to the report year, with peers and data year."""
    if not table_exists(ctx.con, "measures"):
        return pl.DataFrame()
    return query_frame(
        ctx.con,
        """
        select period, measure, display, value
        from measures
        where landlord_id = ? and period_kind = 'year' and period <= ?
          and view in ('sector_all', 'sector_band')
          and (
              (measure like 'benchmark_%_position' or measure like 'benchmark_%_n')
                  and breakdown = 'stock_type' and breakdown_value = ? and view = 'sector_all'
              or measure = 'benchmark_sector_year'
          )
        order by period, measure
        """,
        [ctx.landlord.landlord_id, ctx.year.key, stock],
    )


def sector_section(ctx) -> Section:
    """Section "Position among landlords": the year's comparison and the quartile history."""
    section = Section("sector", "Position among landlords")
    stock = ctx.headline_stock_type()
    section.text(sector_source(ctx))
    current = sector_year(ctx)
    if current is not None and current["value"] is not None:
        _year_table(ctx, section, stock)
    used = _history_table(ctx, section, stock)
    for text in _attributions(sorted(set(used))):
        section.note(text)
    return section


def _year_table(ctx, section: Section, stock: str) -> None:
    records = []
    for measure in HEADLINE:
        own = _row(ctx, measure, ctx.year, "stock_type", stock, "regulator")
        cells = sector_cells(ctx, measure, stock)
        records.append(
            [
                MEASURE_NAMES[measure],
                NOT_AVAILABLE if own is None else figure(own),
                cells[0],
                cells[2],
                cells[1],
                _position(ctx, measure, stock, "sector_band"),
            ]
        )
    frame = pl.DataFrame(
        records,
        schema=[
            "Measure",
            ctx.year.label,
            SECTOR_COLUMNS[0],
            "Position among all",
            SECTOR_COLUMNS[1],
            "Position in size band",
        ],
        orient="row",
    )
    section.add_table(
        data_table(
            "tbl-sector",
            f"Our {label(stock)} figures against the sector, {ctx.year.label} "
            f"({sector_caption(ctx)})",
            frame,
            note="CH01 per 1,000 homes (a higher rate is not judged worse); CH02 and TP09 in per "
            "cent. Quartiles from every landlord with a published value; (n) landlords compared.",
        )
    )


def _history_table(ctx, section: Section, stock: str) -> list[str]:
    """The quartile position per year; returns the RSH editions (labels) the years used."""
    history = _history(ctx, stock)
    years = sorted(set(history["period"])) if history.height else []
    used: list[str] = []
    if years:
        cells: dict[tuple[str, str], str] = {}
        data_year: dict[str, str] = {}
        for period, measure, text, value in history.iter_rows():
            if measure == "benchmark_sector_year":
                data_year[period] = (
                    text
                    if value is not None
                    else "none (before the TSMs)"
                    if period < FIRST_TSM_YEAR
                    else "not added"
                )
                if value is not None:
                    used.append(text)
            else:
                cells[(period, measure)] = text
        rows = [["RSH data used", *[data_year.get(p, NOT_AVAILABLE) for p in years]]]
        for measure in HEADLINE:
            line = []
            for period in years:
                position = cells.get((period, f"benchmark_{measure}_position"))
                if position is not None:  # as published: withheld beside a withheld figure
                    row = _row(
                        ctx,
                        f"benchmark_{measure}_position",
                        period,
                        "stock_type",
                        stock,
                        "sector_all",
                    )
                    position = position if row is None else row["display"]
                peers = cells.get((period, f"benchmark_{measure}_n"))
                if position is None:
                    line.append(NOT_AVAILABLE if peers is None else f"too few (of {peers})")
                else:
                    line.append(position + ("" if peers is None else f" (of {peers})"))
            rows.append([MEASURE_NAMES[measure], *line])
        labels = [ReportingYear.parse(p).label for p in years]
        if not used:  # no year has RSH data: the text says so, a table of blanks would not help
            return used
        section.add_table(
            data_table(
                "tbl-sector-history",
                f"Our position among all landlords over the years, {label(stock)}",
                pl.DataFrame(rows, schema=["Measure", *labels], orient="row"),
                note="Each year against that year's RSH data, or the latest held before it "
                "(never a later year). CH01 is placed by the rate without judging it.",
                align_right=[],
            )
        )
    return used


__all__ = [
    "SECTOR_COLUMNS",
    "sector_attribution",
    "sector_caption",
    "sector_cells",
    "sector_section",
    "sector_source",
    "sector_year",
]
