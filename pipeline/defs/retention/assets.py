"""Retention as a Dagster job and schedule: one run per landlord, after its data is loaded.

Retention is an op job partitioned by landlord, not an asset: it deletes rows from tables that other
assets own, and as an asset it would be swept into the landlord x year asset jobs (the command
line's year runs select every asset of that partitioning, and unpartitioned ones), so a report run
would delete data under the analyst's feet. The daily schedule runs it for every landlord at 03:00
London time; because the raw exports are never modified, each later ingest loads expired complaints
again until the next retention run (see :mod:`pipeline.retention`). Each run's counts are in the
run's output metadata, the ``retention_log`` table and ``retention_log.jsonl``.
"""

import datetime as dt
from pathlib import Path

import dagster as dg

from pipeline.partitions import LANDLORD_PARTITIONS_NAME, landlord_partitions
from pipeline.resources import ComplaintsStore
from pipeline.retention import apply_retention, rewrite_database
from pipeline.step_errors import scrubbed_errors

RETENTION_LOG_NAME = "retention_log.jsonl"


def retention_log_path(store: ComplaintsStore, landlord_id: str) -> Path:
    """``<output_root>/<landlord>/retention_log.jsonl``: the audit file beside the documents."""
    return Path(store.output_root) / landlord_id / RETENTION_LOG_NAME


@dg.op(
    name="apply_retention",
    pool="duckdb",  # deletes from the landlord's DuckDB file
    description="Deletes complaints past the landlord's retention rule (landlord.yaml retention: "
    "life of tenancy plus N months, or N years after closure) from the canonical and derived "
    "tables unless on legal hold; keeps the published measures; logs counts (no ids) to the "
    "retention_log table and retention_log.jsonl.",
)
@scrubbed_errors
def apply_retention_op(context: dg.OpExecutionContext, store: ComplaintsStore) -> dict:
    landlord_id = context.partition_key
    landlord = store.landlord(landlord_id)
    if not store.warehouse(landlord_id).exists():
        context.log.info(f"{landlord_id}: no warehouse yet, nothing to retain")
        return {"complaints_expired": 0, "deleted": {}}
    with store.writer_lock(landlord_id):
        with store.connect(landlord_id) as con:
            result = apply_retention(
                con, landlord, dt.date.today(), log_path=retention_log_path(store, landlord_id)
            )
        # the purged rows' bytes stay in the file's free blocks until it is rewritten
        rewrite_database(store.warehouse(landlord_id))
    context.log.info(
        f"{landlord_id}: {result.complaints_expired} complaints past '{result.retention_period}' "
        f"deleted ({result.rows_deleted} rows), {result.complaints_on_legal_hold} kept on legal hold"
    )
    context.add_output_metadata(
        {
            "rows_deleted": result.rows_deleted,
            "complaints_expired": result.complaints_expired,
            "complaints_on_legal_hold": result.complaints_on_legal_hold,
            "rule": result.rule,
            "retention_period": result.retention_period,
            "deleted": dg.MetadataValue.json(result.deleted),
            "unlinked": dg.MetadataValue.json(result.unlinked),
        }
    )
    return {
        "complaints_expired": result.complaints_expired,
        "complaints_on_legal_hold": result.complaints_on_legal_hold,
        "deleted": result.deleted,
        "unlinked": result.unlinked,
    }


@dg.job(
    name="retention_job",
    partitions_def=landlord_partitions,
    tags={"complaints/job": "retention"},
    description="Apply the landlord's retention rule to its warehouse (counts logged, no ids).",
)
def retention_job() -> None:
    apply_retention_op()


@dg.schedule(
    job=retention_job,
    cron_schedule="0 3 * * *",
    execution_timezone="Europe/London",
    description="Daily retention run for every landlord (idempotent: nothing to do most days).",
)
@scrubbed_errors
def retention_schedule(context: dg.ScheduleEvaluationContext):
    for landlord_id in context.instance.get_dynamic_partitions(LANDLORD_PARTITIONS_NAME):
        yield dg.RunRequest(
            run_key=f"retention:{landlord_id}:{context.scheduled_execution_time:%Y-%m-%d}",
            partition_key=landlord_id,
            tags={"landlord": landlord_id},
        )
