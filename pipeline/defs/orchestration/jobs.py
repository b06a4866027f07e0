"""Jobs an analyst schedules: monthly refresh, returns, annual report, committee packs, learning
summary.

Job names end in ``_job``: a job may not share its name with an asset. Jobs select assets by key *at definitions load* and leniently: a key that no domain defines is
ignored rather than failing the code location, and each job keeps only assets of its own
partitioning (landlord x year, or landlord x quarter, plus unpartitioned reference assets), because
one Dagster job cannot mix partitions definitions.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet

import dagster as dg
from dagster._record import record  # the decorator Dagster's own selections use

YEAR_DIMENSIONS = frozenset({"landlord", "year"})
QUARTER_DIMENSIONS = frozenset({"landlord", "quarter"})
MONTH_DIMENSIONS = frozenset({"landlord", "month"})

# Asset keys per job target; upstream assets are added so a job refreshes what its outputs read.
REFRESH_ASSETS = ("canonical_tables", "measures", "data_quality_report")
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


@record
class PartitionedBy(dg.AssetSelection):
    """Assets partitioned by exactly ``dimensions`` (and unpartitioned assets when asked)."""

    dimensions: frozenset[str]
    include_unpartitioned: bool = True

    def resolve_inner(self, asset_graph, allow_missing: bool) -> AbstractSet[dg.AssetKey]:
        keys = set()
        for key in asset_graph.materializable_asset_keys:
            dims = partition_dimensions(asset_graph.get(key).partitions_def)
            if dims == self.dimensions or (self.include_unpartitioned and not dims):
                keys.add(key)
        return keys

    def to_selection_str(self) -> str:
        return f"partitioned_by({','.join(sorted(self.dimensions))})"


def lenient_keys(names: Iterable[str]) -> dg.AssetSelection:
    """Select the named assets that exist; missing names select nothing (no load error)."""
    return dg.AssetSelection.from_string(" or ".join(f'key:"{name}"' for name in names))


def selection_for(names: Iterable[str], dimensions: frozenset[str]) -> dg.AssetSelection:
    """The named assets and everything upstream of them, restricted to one partitioning."""
    return lenient_keys(names).upstream() & PartitionedBy(dimensions=dimensions)


# The manifest publishes a landlord-year's outputs as one generation (pipeline/publish.py): every
# job that writes into the year's folder ends with it.
PUBLISH = lenient_keys(["manifest"])

refresh_job = dg.define_asset_job(
    "monthly_refresh_job",
    selection=selection_for(REFRESH_ASSETS, YEAR_DIMENSIONS) | PUBLISH,
    description="Ingest the workspace, recompute measures and the data-quality report for one "
    "landlord and reporting year (monthly, and when the file sensor sees new exports).",
    tags={"complaints/job": "monthly_refresh_job"},
)

returns_job = dg.define_asset_job(
    "regulatory_returns_job",
    selection=selection_for(RETURNS_ASSETS, YEAR_DIMENSIONS) | PUBLISH,
    description="TSM and ARC returns for a closed reporting year, with the data refreshed first.",
    tags={"complaints/job": "regulatory_returns_job"},
)

annual_report_job = dg.define_asset_job(
    "annual_reporting_job",
    selection=selection_for(ANNUAL_ASSETS, YEAR_DIMENSIONS) | PUBLISH,
    description="Annual complaints report, self-assessment and data-quality report for a closed "
    "reporting year, with the data refreshed first.",
    tags={"complaints/job": "annual_reporting_job"},
)

committee_pack_job = dg.define_asset_job(
    "committee_pack_job",
    selection=lenient_keys(COMMITTEE_ASSETS)
    & PartitionedBy(dimensions=QUARTER_DIMENSIONS, include_unpartitioned=False),
    description="Quarterly committee pack (targets, same quarter last year, year to date, "
    "overdue) for one landlord whose committee meets quarterly.",
    tags={"complaints/job": "committee_pack_job"},
)

monthly_committee_pack_job = dg.define_asset_job(
    "monthly_committee_pack_job",
    selection=lenient_keys(MONTHLY_COMMITTEE_ASSETS)
    & PartitionedBy(dimensions=MONTH_DIMENSIONS, include_unpartitioned=False),
    description="Monthly committee pack (targets, same month last year, year to date, overdue) "
    "for one landlord whose committee meets monthly.",
    tags={"complaints/job": "monthly_committee_pack_job"},
)

learning_summary_job = dg.define_asset_job(
    "quarterly_learning_summary_job",
    selection=lenient_keys(LEARNING_ASSETS)
    & PartitionedBy(dimensions=QUARTER_DIMENSIONS, include_unpartitioned=False),
    description="Residents' learning summary for a quarter (landlords that publish quarterly).",
    tags={"complaints/job": "quarterly_learning_summary_job"},
)

YEAR_JOBS = (refresh_job, returns_job, annual_report_job)
