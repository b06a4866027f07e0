"""Partitions: landlord (one per workspace folder) x reporting year; landlord x quarter.

The landlord set is read from the workspaces root when the code location loads, so adding a
workspace folder and reloading adds a landlord.
"""

import dagster as dg

from pipeline.workspaces import discover_landlords

REPORTING_YEARS = ["2022-23", "2023-24", "2024-25", "2025-26", "2026-27"]

landlord_partitions = dg.StaticPartitionsDefinition(discover_landlords() or ["none"])
year_partitions = dg.StaticPartitionsDefinition(REPORTING_YEARS)
quarter_partitions = dg.StaticPartitionsDefinition(
    [f"{year}-Q{q}" for year in REPORTING_YEARS for q in range(1, 5)]
)

landlord_year_partitions = dg.MultiPartitionsDefinition(
    {"landlord": landlord_partitions, "year": year_partitions}
)
landlord_quarter_partitions = dg.MultiPartitionsDefinition(
    {"landlord": landlord_partitions, "quarter": quarter_partitions}
)


def landlord_and_year(context: dg.AssetExecutionContext) -> tuple[str, str]:
    keys = context.partition_key.keys_by_dimension
    return keys["landlord"], keys["year"]
