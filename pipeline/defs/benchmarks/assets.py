"""Sector benchmarks (RSH published data) and each landlord's position among them.

``sector_benchmarks`` is partitioned by landlord and year like the measures it reads: it writes the
landlord's ``benchmark_*`` rows into its ``measures`` table (docs/measures.md, "Benchmarks"), so the
reports read the sector figures from the same table as the landlord's own.
"""

import dagster as dg

from pipeline.partitions import BACKFILL_POLICY, landlord_year_partitions, per_year
from pipeline.resources import ComplaintsStore
from pipeline.step_errors import scrubbed_errors


@dg.asset(
    name="sector_benchmarks",
    group_name="benchmarks",
    partitions_def=landlord_year_partitions,
    backfill_policy=BACKFILL_POLICY,
    deps=["measures"],
    kinds={"duckdb", "polars"},
    pool="duckdb",  # writes the landlord's DuckDB file
    description="Sector quartiles and medians of CH01, CH02 and TP09 per stock type and size band, "
    "from the RSH full-data workbook extract in data/rsh (that year's edition, else the latest "
    "earlier one), and the landlord's position among them for this year and every earlier year "
    "with figures, written to the landlord's measures table as benchmark_* rows.",
)
@scrubbed_errors
def sector_benchmarks(
    context: dg.AssetExecutionContext, store: ComplaintsStore
) -> dg.MaterializeResult:
    return per_year(context, lambda landlord_id, year: _benchmarks(store, landlord_id, year))


def _benchmarks(store: ComplaintsStore, landlord_id: str, year: str) -> dg.MaterializeResult:
    import polars as pl

    from pipeline.benchmarks import write_benchmark_history

    with store.connect(landlord_id) as con:
        # this year and every earlier one with figures (the report's quartile history)
        written = write_benchmark_history(con, landlord_id, year)
        rows = con.execute(
            """
            select measure, breakdown_value, view, display from measures
            where landlord_id = ? and period = ? and measure like 'benchmark_%'
              and (measure like '%_position'
                   or measure in ('benchmark_size_band', 'benchmark_sector_year'))
            order by measure, breakdown_value, view
            """,
            [landlord_id, year],
        ).fetchall()
    frame = pl.DataFrame(rows, schema=["measure", "stock_type", "view", "display"], orient="row")
    preview = "\n".join(f"| {m} | {s} | {v} | {d} |" for m, s, v, d in frame.iter_rows())
    return dg.MaterializeResult(
        metadata={
            "row_count": written[year],
            "years_written": ", ".join(f"{one}: {n}" for one, n in written.items()),
            "preview": dg.MetadataValue.md(
                f"| measure | stock type | scope | position |\n|---|---|---|---|\n{preview}"
            ),
        }
    )
