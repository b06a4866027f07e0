"""The measures asset: every measure of design.md section 6 for a landlord and reporting year.

A thin wrapper over :func:`pipeline.measures.compute_measures`, which rebuilds the working-day
calendar and ``stage_timeliness`` and replaces the landlord's ``measures`` rows for the year, its
quarters and months in one transaction (reruns are idempotent).
"""

import dagster as dg

from pipeline.defs.measures.checks import measures_check_results, measures_check_specs
from pipeline.measures import compute_measures, resolve_data_cut
from pipeline.partitions import (
    BACKFILL_POLICY,
    LANDLORD_OF_YEAR,
    landlord_and_years,
    landlord_year_partitions,
)
from pipeline.periods import ReportingYear
from pipeline.resources import ComplaintsStore
from pipeline.step_errors import scrubbed_errors

HEADLINES = (
    ("CH01_1", "regulator"),
    ("CH01_2", "regulator"),
    ("CH02_1", "regulator"),
    ("CH02_2", "regulator"),
    ("TP09", "regulator"),
)


MEASURES_DESCRIPTION = (
    "Every measure (docs/measures.md) for the year and the year before, their "
    "quarters and months: TSMs "
    "CH01, CH02, TP09 (regulator view), timeliness in both views, stage resolution, outcomes, "
    "remedies, refusals, Ombudsman, heat networks, ARC, learning, surveys, with breakdowns."
)


@dg.multi_asset(
    name="measures",
    partitions_def=landlord_year_partitions,
    backfill_policy=BACKFILL_POLICY,
    pool="duckdb",  # writes the landlord's DuckDB file
    can_subset=True,  # the checks also run alone (their Execute button)
    check_specs=measures_check_specs(),
    specs=[
        dg.AssetSpec(
            "measures",
            group_name="measures",
            deps=[dg.AssetDep("canonical_tables", partition_mapping=LANDLORD_OF_YEAR)],
            kinds={"duckdb"},
            skippable=True,
            description=MEASURES_DESCRIPTION,
        )
    ],
)
@scrubbed_errors
def measures(context: dg.AssetExecutionContext, store: ComplaintsStore):
    landlord_id, year_keys = landlord_and_years(context)
    if context.selected_asset_keys:
        yield _compute(store, landlord_id, year_keys)
    selected = {key.name for key in context.selected_asset_check_keys}
    yield from measures_check_results(store, landlord_id, year_keys, selected)


def _compute(
    store: ComplaintsStore, landlord_id: str, year_keys: list[str]
) -> dg.MaterializeResult:
    landlord = store.landlord(landlord_id)
    years = [ReportingYear.parse(key) for key in year_keys]
    # the previous year too, from the same staging, so the reports' "last year" column is there
    # even when only this year's partition runs (its rows are replaced, not duplicated)
    computed = sorted({y.key: y for year in years for y in (year.previous, year)}.items())
    data_cut = resolve_data_cut(landlord)
    with store.connect(landlord_id) as con:
        written = compute_measures(con, landlord, [y for _, y in computed], data_cut)
        headline = con.execute(
            """
            select period, measure, breakdown_value, display
            from measures
            where landlord_id = $landlord_id and list_contains($periods, period) and view = 'regulator'
                and breakdown = 'stock_type' and measure in ('CH01_1', 'CH01_2', 'CH02_1',
                'CH02_2', 'TP09')
            order by period, measure, breakdown_value
            """,
            {"landlord_id": landlord_id, "periods": year_keys},
        ).fetchall()
        stages = con.execute(
            "select count(*), count(*) filter (where counted) from stage_timeliness"
        ).fetchone()
    prefix = (lambda p: "") if len(year_keys) == 1 else (lambda p: f"{p}_")
    preview = "\n".join(f"| {p} | {m} | {b} | {d} |" for p, m, b, d in headline)
    return dg.MaterializeResult(
        asset_key="measures",
        metadata={
            "row_count": written,
            "years": ", ".join(year_keys),
            "stages": stages[0],
            "stages_counted": stages[1],
            "data_cut": data_cut.isoformat(),
            **{f"{prefix(p)}{m}_{b}": d for p, m, b, d in headline if b in ("lcra", "combined")},
            "headline": dg.MetadataValue.md(
                "| year | measure | stock type | value |\n|---|---|---|---:|\n" + preview
            ),
        },
    )
