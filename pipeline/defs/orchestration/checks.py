"""Orchestration-level asset checks: the run's identity and its documents.

- ``canonical_tables.workspace_is_partition_landlord`` (blocking, error): the workspace folder (the
  partition key, the DuckDB file name, the run queue's landlord) and ``landlord_id`` in its
  ``landlord.yaml`` (what the rows are labelled with) must be the same, or checks and reports would
  read another landlord's rows or none. Declared on the load itself and evaluated in its step
  (pipeline/defs/ingest/checks.py, re-exported here as :func:`workspace_identity_result`).
- ``<document asset>.documents_written`` (error): every file a report or return asset lists in its
  materialization metadata (path values) exists and is not empty, so a run that "succeeded" without
  writing its document does not go unnoticed.

Data checks (reconciliation, schemas, export freshness, measure sanity) belong to the ingest and
measures domains. Checks are only attached to assets that some domain defines, so a renamed or
missing asset never stops the code location loading.
"""

import importlib
from pathlib import Path

import dagster as dg

import pipeline.defs
from pipeline.defs.ingest.checks import workspace_identity_result  # noqa: F401 - re-exported
from pipeline.partitions import (
    landlord_quarter_partitions,
    landlord_year_partitions,
)
from pipeline.step_errors import scrubbed_errors

DOCUMENT_ASSETS = (
    "tsm_return",
    "arc_return",
    "data_quality_counts",
    "annual_report",
    "data_quality_report",
    "learning_summary",
    "committee_pack",
    "panel_sample",
    "self_assessment",
)


def defined_asset_names() -> set[str]:
    """Names of the assets the other domains under ``pipeline/defs`` define."""
    defs_folder = Path(pipeline.defs.__path__[0])
    names: set[str] = set()
    for path in sorted(defs_folder.rglob("*.py")):
        relative = path.relative_to(defs_folder).with_suffix("")
        if relative.parts[0] == "orchestration" or path.name == "__init__.py":
            continue
        module_name = ".".join(("pipeline", "defs", *relative.parts))
        try:
            module = importlib.import_module(module_name)
        except Exception:  # noqa: BLE001 - that module's own load error is reported by Dagster
            continue
        for value in vars(module).values():
            if isinstance(value, dg.AssetsDefinition):
                names |= {key.path[-1] for key in value.keys}
    return names


def documents_result(metadata: dict) -> dg.AssetCheckResult:
    """Pass when every path value in a materialization's metadata is a non-empty file."""
    paths = {
        name: Path(value.path)
        for name, value in metadata.items()
        if isinstance(value, dg.PathMetadataValue)
    }
    missing = sorted(
        f"{name}: {path}"
        for name, path in paths.items()
        if not path.is_file() or path.stat().st_size == 0
    )
    return dg.AssetCheckResult(
        passed=not missing,
        severity=dg.AssetCheckSeverity.ERROR,
        description="missing or empty: " + "; ".join(missing) if missing else None,
        metadata={"documents": len(paths), "missing": len(missing)},
    )


QUARTER_DOCUMENTS = ("committee_pack", "panel_sample")


def _documents_check(asset_name: str) -> dg.AssetChecksDefinition:
    partitions_def = (
        landlord_quarter_partitions if asset_name in QUARTER_DOCUMENTS else landlord_year_partitions
    )

    @dg.asset_check(
        asset=asset_name,
        name="documents_written",
        description="Every document this asset reports in its metadata exists and is not empty.",
        partitions_def=partitions_def,
    )
    @scrubbed_errors
    def documents_written(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        keys = (
            context.partition_keys if context.has_partition_key_range else [context.partition_key]
        )
        metadata: dict = {}
        for key in keys:
            records = context.instance.fetch_materializations(
                dg.AssetRecordsFilter(
                    asset_key=dg.AssetKey(asset_name), asset_partitions=[str(key)]
                ),
                limit=1,
            ).records
            if not records:
                return dg.AssetCheckResult(
                    passed=False,
                    severity=dg.AssetCheckSeverity.ERROR,
                    description=f"no materialization of partition {key} to check",
                )
            metadata |= dict(records[0].asset_materialization.metadata)
        return documents_result(metadata)

    return documents_written


_DEFINED = defined_asset_names()

# The defs loader collects module-level lists of checks too.
documents_written_checks = [_documents_check(name) for name in DOCUMENT_ASSETS if name in _DEFINED]
