"""Ingest as a Dagster asset: a landlord workspace into its canonical DuckDB tables.

A thin wrapper over :func:`pipeline.ingest.ingest_workspace`, partitioned by landlord only: the
load replaces the landlord's rows for every year at once (the tables hold every year; measures pick
their years), so a workspace is loaded once however many years a run or backfill computes.
"""

import dagster as dg

from pipeline.defs.ingest.checks import check_results, check_specs
from pipeline.partitions import landlord_of, landlord_partitions
from pipeline.resources import ComplaintsStore
from pipeline.step_errors import scrubbed_errors

CANONICAL_DESCRIPTION = (
    "Every export of the landlord's workspace, read file by file through its "
    "mapping, typed and checked set-based in DuckDB, loaded into the canonical tables "
    "(complaint, complaint_stage, ...) or quarantined with its reason; stock from landlord.yaml "
    "and Ombudsman publications from ombudsman/publications.yaml. Ids are keyed hashes."
)


@dg.multi_asset(
    name="canonical_tables",
    partitions_def=landlord_partitions,
    pool="duckdb",  # writes the landlord's DuckDB file
    can_subset=True,  # each check also runs alone (its Execute button)
    # every check in this step (identity, reconciliation, quarantine share, freshness, pandera):
    # one step per load, the blocking ones still stop everything downstream
    check_specs=check_specs(),
    specs=[
        dg.AssetSpec(
            "canonical_tables",
            group_name="ingest",
            kinds={"duckdb", "polars"},
            skippable=True,
            description=CANONICAL_DESCRIPTION,
        )
    ],
)
@scrubbed_errors
def canonical_tables(context: dg.AssetExecutionContext, store: ComplaintsStore):
    landlord_id = landlord_of(context)
    if context.selected_asset_keys:
        yield _load(context, store, landlord_id)
    selected = [key.name for key in context.selected_asset_check_keys]
    yield from check_results(store, landlord_id, selected)


def _load(
    context: dg.AssetExecutionContext, store: ComplaintsStore, landlord_id: str
) -> dg.MaterializeResult:
    from pipeline.ingest import LANDLORD_TABLES, ingest_workspace  # pandera, readers: lazily
    from pipeline.onboarding import check_workspace, data_cut_note, mapping_warnings

    # every configuration problem at once, before an export is read (pipeline/onboarding.py)
    check_workspace(store.workspace(landlord_id))
    landlord = store.landlord(landlord_id)
    with store.connect(landlord_id) as con:
        summary = ingest_workspace(
            con, store.workspace(landlord_id), landlord, store.pseudonymisation_key
        )
        cut_note = data_cut_note(con, landlord)
    if cut_note:
        context.log.warning(cut_note)
    for name in summary.unread_files:
        context.log.warning(f"{name} is not read: no mapping's files pattern matches it")
    for warning in mapping_warnings(store.workspace(landlord_id)):
        context.log.warning(warning)
    context.log.info(
        f"{landlord_id}: {summary.rows_in:,} rows in, {summary.rows_loaded:,} loaded, "
        f"{summary.rows_quarantined:,} quarantined in {summary.seconds:.2f} s"
    )
    metadata: dict = {
        f"rows_{table}": summary.table_rows.get(table, 0) for table in LANDLORD_TABLES
    }
    metadata.update(
        {
            "row_count": summary.table_rows.get("complaint", 0),
            "rows_in": summary.rows_in,
            "rows_loaded": summary.rows_loaded,
            "rows_quarantined": summary.rows_quarantined,
            "reconciles": summary.reconciles,
            "seconds": round(summary.seconds, 2),
            "files": dg.MetadataValue.md(summary.markdown()),
            "quarantine_by_rule": dg.MetadataValue.json(summary.quarantine_by_rule),
            "unread_files": dg.MetadataValue.json(summary.unread_files),
            "data_cut": landlord.data_cut_date.isoformat()
            if landlord.data_cut_date
            else cut_note or "today",
        }
    )
    return dg.MaterializeResult(asset_key="canonical_tables", metadata=metadata)
