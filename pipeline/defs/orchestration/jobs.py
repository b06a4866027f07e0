"""Jobs an analyst schedules: monthly refresh, returns, annual report, committee packs, learning
summary.

Job names end in ``_job``: a job may not share its name with an asset. Jobs select assets by key
*at definitions load* and leniently: a key that no domain defines is ignored rather than failing the
code location. One Dagster job cannot mix partitions definitions, so the load (landlord) is
``ingest_job`` and each other job holds assets of one partitioning (landlord x year, x quarter or
x month). The year jobs' assets have a single-run backfill policy: a run over a range of years
computes them all in one run.
"""

from __future__ import annotations

from collections.abc import Iterable

import dagster as dg

YEAR_DIMENSIONS = frozenset({"landlord", "year"})
QUARTER_DIMENSIONS = frozenset({"landlord", "quarter"})
MONTH_DIMENSIONS = frozenset({"landlord", "month"})

INGEST_ASSETS = ("canonical_tables",)
# Asset keys per job target; upstream landlord x year assets are added so a job refreshes what its
# outputs read. The load (canonical_tables, partitioned by landlord only) is its own job: one
# Dagster job cannot mix partitions definitions, so a refresh is an ingest run followed by the
# year job (sensors.py, chained_after_ingest).
REFRESH_ASSETS = ("measures", "data_quality_report")
RETURNS_ASSETS = ("tsm_return", "arc_return", "data_quality_counts")
ANNUAL_ASSETS = (
    "annual_report",
    "self_assessment",
    "learning_summary",
    "scheme_reports",
    "data_quality_report",
)
COMMITTEE_ASSETS = ("committee_pack", "panel_sample")
MONTHLY_COMMITTEE_ASSETS = ("monthly_committee_pack",)
LEARNING_ASSETS = ("quarterly_learning_summary",)


def partition_dimensions(partitions_def: dg.PartitionsDefinition | None) -> frozenset[str]:
    """Dimension names of a multi-partitions definition; empty for unpartitioned assets."""
    if isinstance(partitions_def, dg.MultiPartitionsDefinition):
        return frozenset(dim.name for dim in partitions_def.partitions_defs)
    return frozenset()


def lenient_keys(names: Iterable[str]) -> dg.AssetSelection:
    """Select the named assets that exist; missing names select nothing (no load error)."""
    return dg.AssetSelection.from_string(" or ".join(f'key:"{name}"' for name in names))


def selection_for(names: Iterable[str]) -> dg.AssetSelection:
    """The named landlord x year assets and the landlord x year assets upstream of them.

    Upstream of a year asset there are only year assets and the load, which its own job runs.
    """
    return lenient_keys(names).upstream() - lenient_keys(INGEST_ASSETS)


ingest_job = dg.define_asset_job(
    "ingest_job",
    selection=lenient_keys(INGEST_ASSETS),
    description="Load one landlord's workspace into its canonical tables (every year at once), "
    "with the pandera and reconciliation checks; the sensor and the schedules then start the year "
    "job they were asked for (tag complaints/then_job).",
    tags={"complaints/job": "ingest_job"},
)

# The manifest publishes a landlord-year's outputs as one generation (pipeline/publish.py): every
# job that writes into the year's folder ends with it; so do the jobs writing a quarter's or a
# month's folder, with that folder's manifest.
PUBLISH = lenient_keys(["manifest"])
PUBLISH_QUARTER = lenient_keys(["quarter_manifest"])
PUBLISH_MONTH = lenient_keys(["month_manifest"])

refresh_job = dg.define_asset_job(
    "monthly_refresh_job",
    selection=selection_for(REFRESH_ASSETS) | PUBLISH,
    description="Recompute measures and the data-quality report for one "
    "landlord and reporting year (monthly, and when the file sensor sees new exports).",
    tags={"complaints/job": "monthly_refresh_job"},
)

returns_job = dg.define_asset_job(
    "regulatory_returns_job",
    selection=selection_for(RETURNS_ASSETS) | PUBLISH,
    description="TSM and ARC returns for a closed reporting year (after an ingest run).",
    tags={"complaints/job": "regulatory_returns_job"},
)

annual_report_job = dg.define_asset_job(
    "annual_reporting_job",
    selection=selection_for(ANNUAL_ASSETS) | PUBLISH,
    description="Annual complaints report, self-assessment and data-quality report for a closed "
    "reporting year (after an ingest run).",
    tags={"complaints/job": "annual_reporting_job"},
)

committee_pack_job = dg.define_asset_job(
    "committee_pack_job",
    selection=lenient_keys(COMMITTEE_ASSETS) | PUBLISH_QUARTER,
    description="Quarterly committee pack (targets, same quarter last year, year to date, "
    "overdue) for one landlord whose committee meets quarterly.",
    tags={"complaints/job": "committee_pack_job"},
)

monthly_committee_pack_job = dg.define_asset_job(
    "monthly_committee_pack_job",
    selection=lenient_keys(MONTHLY_COMMITTEE_ASSETS) | PUBLISH_MONTH,
    description="Monthly committee pack (targets, same month last year, year to date, overdue) "
    "for one landlord whose committee meets monthly.",
    tags={"complaints/job": "monthly_committee_pack_job"},
)

learning_summary_job = dg.define_asset_job(
    "quarterly_learning_summary_job",
    selection=lenient_keys(LEARNING_ASSETS) | PUBLISH_QUARTER,
    description="Residents' learning summary for a quarter (landlords that publish quarterly).",
    tags={"complaints/job": "quarterly_learning_summary_job"},
)

YEAR_JOBS = (refresh_job, returns_job, annual_report_job)
