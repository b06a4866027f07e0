"""Partitions: landlord (one per workspace folder) x reporting year; x quarter; x month.

The landlord set is read from the workspaces root (``COMPLAINTS_WORKSPACES_ROOT``, default
``examples/``) when the code location loads, so adding a workspace folder and reloading the code
location adds a landlord. The key of a landlord is its folder name.

Backfills: assets keep Dagster's default backfill policy of one run per partition (each run sees one
landlord and one year, as :func:`landlord_and_year` expects). A backfill over several years and
landlords therefore launches one run per landlord-year; the run queue's per-landlord limit
(``dagster.yaml``) runs each landlord's years one after another while landlords run in parallel.
:data:`BACKFILL_POLICY` states that choice for assets that want to say it explicitly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import dagster as dg

from pipeline.periods import ReportingYear
from pipeline.workspaces import discover_landlords

FIRST_REPORTING_YEAR = 2022  # 2022-23: the first TSM year
NO_LANDLORD = "none"  # placeholder partition when the workspaces root is empty


def reporting_years(first: int = FIRST_REPORTING_YEAR, today: dt.date | None = None) -> list[str]:
    """Reporting-year keys from ``first`` to the year after the one containing ``today``.

    The year after today's is included so a run on the last days of March can target it.
    """
    current = ReportingYear.containing(today or dt.date.today()).start.year
    return [ReportingYear(year).key for year in range(first, max(current + 1, 2026) + 1)]


def quarter_keys(years: Sequence[str]) -> list[str]:
    """Quarter keys ``2024-25-Q1`` .. ``2024-25-Q4`` for each reporting year, in order."""
    return [quarter.key for year in years for quarter in ReportingYear.parse(year).quarters()]


def month_keys(years: Sequence[str]) -> list[str]:
    """Month keys ``2024-04`` .. ``2025-03`` for each reporting year, in order."""
    return [month.key for year in years for month in ReportingYear.parse(year).months()]


REPORTING_YEARS = reporting_years()

# One run per partition: assets read context.partition_key (see module docstring).
BACKFILL_POLICY = dg.BackfillPolicy.multi_run(max_partitions_per_run=1)


def build_landlord_year_partitions(
    landlords: Sequence[str], years: Sequence[str] = REPORTING_YEARS
) -> dg.MultiPartitionsDefinition:
    """Landlord x reporting-year partitions for the given landlords (tests use a tmp root)."""
    return dg.MultiPartitionsDefinition(
        {
            "landlord": dg.StaticPartitionsDefinition(list(landlords) or [NO_LANDLORD]),
            "year": dg.StaticPartitionsDefinition(list(years)),
        }
    )


def build_landlord_quarter_partitions(
    landlords: Sequence[str], years: Sequence[str] = REPORTING_YEARS
) -> dg.MultiPartitionsDefinition:
    """Landlord x quarter partitions (committee pack) for the given landlords."""
    return dg.MultiPartitionsDefinition(
        {
            "landlord": dg.StaticPartitionsDefinition(list(landlords) or [NO_LANDLORD]),
            "quarter": dg.StaticPartitionsDefinition(quarter_keys(years)),
        }
    )


def build_landlord_month_partitions(
    landlords: Sequence[str], years: Sequence[str] = REPORTING_YEARS
) -> dg.MultiPartitionsDefinition:
    """Landlord x month partitions (monthly committee pack) for the given landlords."""
    return dg.MultiPartitionsDefinition(
        {
            "landlord": dg.StaticPartitionsDefinition(list(landlords) or [NO_LANDLORD]),
            "month": dg.StaticPartitionsDefinition(month_keys(years)),
        }
    )


def landlords_in_root(root: Path | None = None) -> list[str]:
    """The landlord partition keys: workspace folders under ``root`` (default: the env's root)."""
    return discover_landlords(root)


landlord_year_partitions = build_landlord_year_partitions(landlords_in_root())
landlord_quarter_partitions = build_landlord_quarter_partitions(landlords_in_root())
landlord_month_partitions = build_landlord_month_partitions(landlords_in_root())
landlord_partitions = landlord_year_partitions.get_partitions_def_for_dimension("landlord")
year_partitions = landlord_year_partitions.get_partitions_def_for_dimension("year")
quarter_partitions = landlord_quarter_partitions.get_partitions_def_for_dimension("quarter")


def year_key(landlord_id: str, year: str) -> dg.MultiPartitionKey:
    """The landlord x year partition key, e.g. ``year_key("housing21", "2024-25")``."""
    return dg.MultiPartitionKey({"landlord": landlord_id, "year": year})


def quarter_key(landlord_id: str, quarter: str) -> dg.MultiPartitionKey:
    """The landlord x quarter partition key, e.g. ``quarter_key("housing21", "2024-25-Q1")``."""
    return dg.MultiPartitionKey({"landlord": landlord_id, "quarter": quarter})


def landlord_and_year(context: dg.AssetExecutionContext) -> tuple[str, str]:
    """``(landlord_id, year)`` of a landlord x year asset's partition."""
    keys = context.partition_key.keys_by_dimension
    return keys["landlord"], keys["year"]


def landlord_and_quarter(context: dg.AssetExecutionContext) -> tuple[str, str]:
    """``(landlord_id, quarter)`` of a landlord x quarter asset's partition."""
    keys = context.partition_key.keys_by_dimension
    return keys["landlord"], keys["quarter"]


def month_key(landlord_id: str, month: str) -> dg.MultiPartitionKey:
    """The landlord x month partition key, e.g. ``month_key("council_housing", "2026-03")``."""
    return dg.MultiPartitionKey({"landlord": landlord_id, "month": month})


def landlord_and_month(context: dg.AssetExecutionContext) -> tuple[str, str]:
    """``(landlord_id, month)`` of a landlord x month asset's partition."""
    keys = context.partition_key.keys_by_dimension
    return keys["landlord"], keys["month"]
