"""The measures asset: every measure of design.md section 6 for a landlord and reporting year.

A thin wrapper over :func:`pipeline.measures.compute_measures`, which rebuilds the working-day
calendar and ``stage_timeliness`` and replaces the landlord's ``measures`` rows for the year, its
quarters and months in one transaction (reruns are idempotent).
"""

import dagster as dg

from pipeline.measures import compute_measures, resolve_data_cut
from pipeline.partitions import landlord_and_year, landlord_year_partitions
from pipeline.periods import ReportingYear
from pipeline.resources import ComplaintsStore

HEADLINES = (
    ("CH01_1", "regulator"),
    ("CH01_2", "regulator"),
    ("CH02_1", "regulator"),
    ("CH02_2", "regulator"),
    ("TP09", "regulator"),
)


@dg.asset(
    name="measures",
    group_name="measures",
    partitions_def=landlord_year_partitions,
    deps=["canonical_tables"],
    kinds={"duckdb"},
    pool="duckdb",  # writes the landlord's DuckDB file
    description="Every measure (docs/measures.md) for the year and the year before, their "
    "quarters and months: TSMs "
    "CH01, CH02, TP09 (regulator view), timeliness in both views, stage resolution, outcomes, "
    "remedies, refusals, Ombudsman, heat networks, ARC, learning, surveys, with breakdowns.",
)
def measures(context: dg.AssetExecutionContext, store: ComplaintsStore) -> dg.MaterializeResult:
    landlord_id, year_key = landlord_and_year(context)
    landlord = store.landlord(landlord_id)
    year = ReportingYear.parse(year_key)
    data_cut = resolve_data_cut(landlord)
    with store.connect(landlord_id) as con:
        # the previous year too, from the same staging, so the reports' "last year" column is
        # there even when only this year's partition runs (its rows are replaced, not duplicated)
        written = compute_measures(con, landlord, [year.previous, year], data_cut)
        headline = con.execute(
            """
            select measure, breakdown_value, display
            from measures
            where landlord_id = $landlord_id and period = $period and view = 'regulator'
                and breakdown = 'stock_type' and measure in ('CH01_1', 'CH01_2', 'CH02_1',
                'CH02_2', 'TP09')
            order by measure, breakdown_value
            """,
            {"landlord_id": landlord_id, "period": year.key},
        ).fetchall()
        stages = con.execute(
            "select count(*), count(*) filter (where counted) from stage_timeliness"
        ).fetchone()
    preview = "\n".join(f"| {m} | {b} | {d} |" for m, b, d in headline)
    return dg.MaterializeResult(
        metadata={
            "row_count": written,
            "stages": stages[0],
            "stages_counted": stages[1],
            "data_cut": data_cut.isoformat(),
            **{f"{m}_{b}": d for m, b, d in headline if b in ("lcra", "combined")},
            "headline": dg.MetadataValue.md(
                "| measure | stock type | value |\n|---|---|---:|\n" + preview
            ),
        }
    )
