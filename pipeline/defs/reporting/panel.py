"""The residents' complaint panel's sample of closed complaints, beside the committee pack.

A thin wrapper over :func:`pipeline.reporting.panel.write_panel_sample`, per landlord and quarter
(the committee pack's partitions); a landlord without ``complaint_panel`` gets no file.
"""

import dagster as dg

from pipeline.partitions import (
    landlord_and_quarter,
    landlord_quarter_partitions,
    per_period,
    period_to_year_mapping,
)
from pipeline.periods import parse_quarter
from pipeline.resources import ComplaintsStore
from pipeline.step_errors import scrubbed_errors


@dg.asset(
    name="panel_sample",
    group_name="reporting",
    partitions_def=landlord_quarter_partitions,
    deps=[dg.AssetDep("measures", partition_mapping=period_to_year_mapping("quarter"))],
    kinds={"duckdb", "csv"},
    pool="duckdb",  # reads the landlord's DuckDB file
    description="panel_sample.csv beside the committee pack: a reproducible sample of the "
    "quarter's closed complaints (pseudonymous references) for a residents' complaint panel, "
    "drawn with landlord.yaml complaint_panel (sample size, seed).",
)
@scrubbed_errors
def panel_sample(context: dg.AssetExecutionContext, store: ComplaintsStore) -> dg.MaterializeResult:
    landlord_id, quarter = landlord_and_quarter(context)
    return per_period(
        context, landlord_id, quarter, lambda: _panel_sample(store, landlord_id, quarter)
    )


def _panel_sample(store: ComplaintsStore, landlord_id: str, quarter: str) -> dg.MaterializeResult:
    from pipeline.reporting.panel import write_panel_sample

    landlord = store.landlord(landlord_id)
    with store.connect(landlord_id, read_only=True) as con:
        path, drawn = write_panel_sample(
            con, landlord, parse_quarter(quarter), store.documents(landlord_id, quarter)
        )
    if path is None:
        return dg.MaterializeResult(
            metadata={"row_count": 0, "status": "no complaint_panel in landlord.yaml: no sample"}
        )
    return dg.MaterializeResult(
        metadata={"row_count": drawn, "csv": dg.MetadataValue.path(str(path))}
    )
