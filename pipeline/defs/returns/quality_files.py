"""quarantine.csv and the data-quality counts beside the returns, so a returns-only run has them.

A thin wrapper over :func:`pipeline.reporting.quality_counts.write_quality_files`.
"""

import dagster as dg

from pipeline.partitions import (
    BACKFILL_POLICY,
    LANDLORD_OF_YEAR,
    landlord_year_partitions,
    per_year,
)
from pipeline.resources import ComplaintsStore
from pipeline.step_errors import scrubbed_errors


@dg.asset(
    name="data_quality_counts",
    group_name="returns",
    partitions_def=landlord_year_partitions,
    backfill_policy=BACKFILL_POLICY,
    deps=[dg.AssetDep("canonical_tables", partition_mapping=LANDLORD_OF_YEAR)],
    kinds={"duckdb", "csv"},
    pool="duckdb",  # reads the landlord's DuckDB file
    description="quarantine.csv (every record not loaded, with its rule) and "
    "data_quality_counts.csv (rows read, loaded and quarantined per file; entries per rule; "
    "stages whose extension days and extended due date disagree) in "
    "the year's folder: what a return leaves out, written by a returns-only run too.",
)
@scrubbed_errors
def data_quality_counts(
    context: dg.AssetExecutionContext, store: ComplaintsStore
) -> dg.MaterializeResult:
    from pipeline.reporting.quality_counts import write_quality_files

    def materialize(landlord_id: str, year: str) -> dg.MaterializeResult:
        with store.connect(landlord_id, read_only=True) as con:
            paths = write_quality_files(
                con, landlord_id, store.documents(landlord_id, year), store.landlord(landlord_id)
            )
        return dg.MaterializeResult(
            metadata={name: dg.MetadataValue.path(str(path)) for name, path in paths.items()}
        )

    return per_year(context, materialize)
