"""Partitions: landlord (one per workspace folder, dynamic) x reporting year; x quarter; x month.

Landlords are **dynamic partitions** (``landlord``): the file sensor adds a landlord when it sees a
new workspace folder (``AddDynamicPartitionsRequest``) and the command line adds the landlords it
runs, so a new workspace needs no code-location reload. The key of a landlord is its folder name.

- ``canonical_tables`` is partitioned by landlord only: a workspace is loaded once, whatever the
  year (the tables hold every year).
- Year assets (measures, returns, documents) are landlord x year and declare
  :data:`BACKFILL_POLICY` (single run): a backfill over several years runs one run per landlord
  that computes all its years (``context.partition_keys``, see :func:`landlord_and_years`). Their
  dependency on ``canonical_tables`` maps each landlord-year to its landlord
  (:data:`LANDLORD_OF_YEAR`).
- Quarter and month documents (committee packs) depend on the year's measures through
  :func:`period_to_year_mapping`: 2024-25-Q3 and 2024-12 read the 2024-25 measures.

Tests build static partitions over a temporary root with the ``build_*`` functions (``landlords``
given); the code location's partitions are the dynamic ones (``landlords=None``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path

import dagster as dg

from pipeline.partition_keys import (  # noqa: F401 - re-exported: the keys' values
    FIRST_REPORTING_YEAR,
    REPORTING_YEARS,
    month_keys,
    quarter_keys,
    reporting_years,
)
from pipeline.workspaces import discover_landlords

NO_LANDLORD = "none"  # placeholder partition of static test partitions over an empty root
LANDLORD_PARTITIONS_NAME = "landlord"  # the dynamic partitions' name in the instance

# One run computes every year of a landlord that a backfill selects (assets read
# context.partition_keys, see landlord_and_years).
BACKFILL_POLICY = dg.BackfillPolicy.single_run()

dynamic_landlord_partitions = dg.DynamicPartitionsDefinition(name=LANDLORD_PARTITIONS_NAME)


def build_landlord_partitions(landlords: Sequence[str] | None = None) -> dg.PartitionsDefinition:
    """The landlord dimension: dynamic (``None``) or static over the given landlords (tests)."""
    if landlords is None:
        return dynamic_landlord_partitions
    return dg.StaticPartitionsDefinition(list(landlords) or [NO_LANDLORD])


def build_landlord_year_partitions(
    landlords: Sequence[str] | None = None, years: Sequence[str] = REPORTING_YEARS
) -> dg.MultiPartitionsDefinition:
    """Landlord x reporting-year partitions (``landlords=None``: the dynamic landlords)."""
    return dg.MultiPartitionsDefinition(
        {
            "landlord": build_landlord_partitions(landlords),
            "year": dg.StaticPartitionsDefinition(list(years)),
        }
    )


def build_landlord_quarter_partitions(
    landlords: Sequence[str] | None = None, years: Sequence[str] = REPORTING_YEARS
) -> dg.MultiPartitionsDefinition:
    """Landlord x quarter partitions (committee pack)."""
    return dg.MultiPartitionsDefinition(
        {
            "landlord": build_landlord_partitions(landlords),
            "quarter": dg.StaticPartitionsDefinition(quarter_keys(years)),
        }
    )


def build_landlord_month_partitions(
    landlords: Sequence[str] | None = None, years: Sequence[str] = REPORTING_YEARS
) -> dg.MultiPartitionsDefinition:
    """Landlord x month partitions (monthly committee pack)."""
    return dg.MultiPartitionsDefinition(
        {
            "landlord": build_landlord_partitions(landlords),
            "month": dg.StaticPartitionsDefinition(month_keys(years)),
        }
    )


def landlords_in_root(root: Path | None = None) -> list[str]:
    """The workspace folders under ``root`` (default: the env's root): the landlords to add."""
    return discover_landlords(root)


landlord_partitions = dynamic_landlord_partitions
landlord_year_partitions = build_landlord_year_partitions()
landlord_quarter_partitions = build_landlord_quarter_partitions()
landlord_month_partitions = build_landlord_month_partitions()
year_partitions = landlord_year_partitions.get_partitions_def_for_dimension("year")
quarter_partitions = landlord_quarter_partitions.get_partitions_def_for_dimension("quarter")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the mappings are marked beta; their behaviour is tested
    # landlord x year (or quarter, month) -> the landlord's canonical_tables partition
    LANDLORD_OF_YEAR = dg.MultiToSingleDimensionPartitionMapping(
        partition_dimension_name="landlord"
    )


def period_to_year_mapping(period_dimension: str, years: Sequence[str] = REPORTING_YEARS):
    """Landlord x year (upstream) -> landlord x quarter or month (downstream).

    A quarter's or month's document reads its reporting year's measures: 2024-25 maps to
    2024-25-Q1..Q4 (``period_dimension="quarter"``) or 2024-04..2025-03 (``"month"``); the landlord
    maps to itself.
    """
    periods = quarter_keys if period_dimension == "quarter" else month_keys
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return dg.MultiPartitionMapping(
            {
                "landlord": dg.DimensionPartitionMapping(
                    dimension_name="landlord", partition_mapping=dg.IdentityPartitionMapping()
                ),
                "year": dg.DimensionPartitionMapping(
                    dimension_name=period_dimension,
                    partition_mapping=dg.StaticPartitionMapping(
                        {year: set(periods([year])) for year in years}
                    ),
                ),
            }
        )


def year_key(landlord_id: str, year: str) -> dg.MultiPartitionKey:
    """The landlord x year partition key, e.g. ``year_key("housing21", "2024-25")``."""
    return dg.MultiPartitionKey({"landlord": landlord_id, "year": year})


def quarter_key(landlord_id: str, quarter: str) -> dg.MultiPartitionKey:
    """The landlord x quarter partition key, e.g. ``quarter_key("housing21", "2024-25-Q1")``."""
    return dg.MultiPartitionKey({"landlord": landlord_id, "quarter": quarter})


def month_key(landlord_id: str, month: str) -> dg.MultiPartitionKey:
    """The landlord x month partition key, e.g. ``month_key("council_housing", "2026-03")``."""
    return dg.MultiPartitionKey({"landlord": landlord_id, "month": month})


def _dimensions(key: str) -> dict[str, str]:
    """``{dimension: key}`` of a multi-partition key (a range's keys come as plain strings)."""
    if isinstance(key, dg.MultiPartitionKey):
        return dict(key.keys_by_dimension)
    # MultiPartitionKey strings join the dimensions' keys with "|" in dimension-name order
    landlord, period = str(key).split("|", 1)
    return {"landlord": landlord, "period": period}


def _partition_keys(context) -> list[str]:
    if context.has_partition_key_range:
        return list(context.partition_keys)
    return [context.partition_key]


def landlord_of(context) -> str:
    """The landlord of a run's partition(s): landlord-only, landlord x year, quarter or month."""
    keys = _partition_keys(context)
    landlords = {k if "|" not in str(k) else _dimensions(k)["landlord"] for k in keys}
    if len(landlords) != 1:
        raise ValueError(f"a run covers one landlord, not {sorted(landlords)}")
    return landlords.pop()


def landlord_and_periods(context, dimension: str) -> tuple[str, list[str]]:
    """``(landlord_id, [period keys])`` of a landlord x ``dimension`` run, one or many periods."""
    landlord = landlord_of(context)
    periods = []
    for key in _partition_keys(context):
        dims = _dimensions(key)
        periods.append(dims.get(dimension) or dims["period"])
    return landlord, sorted(set(periods))


def landlord_and_years(context) -> tuple[str, list[str]]:
    """``(landlord_id, [years])`` of a landlord x year run: one year, or a single-run backfill's."""
    return landlord_and_periods(context, "year")


def landlord_and_year(context) -> tuple[str, str]:
    """``(landlord_id, year)`` of a landlord x year asset's single partition."""
    keys = context.partition_key.keys_by_dimension
    return keys["landlord"], keys["year"]


def landlord_and_quarter(context) -> tuple[str, str]:
    """``(landlord_id, quarter)`` of a landlord x quarter asset's partition."""
    keys = context.partition_key.keys_by_dimension
    return keys["landlord"], keys["quarter"]


def landlord_and_month(context) -> tuple[str, str]:
    """``(landlord_id, month)`` of a landlord x month asset's partition."""
    keys = context.partition_key.keys_by_dimension
    return keys["landlord"], keys["month"]


def add_landlords(instance: dg.DagsterInstance, landlords: Sequence[str]) -> list[str]:
    """Add the landlords the instance does not know yet as dynamic partitions; return them."""
    known = set(instance.get_dynamic_partitions(LANDLORD_PARTITIONS_NAME))
    new = [landlord for landlord in landlords if landlord not in known]
    if new:
        instance.add_dynamic_partitions(LANDLORD_PARTITIONS_NAME, new)
    return new


def _merge_checks(results: list[tuple[str, dg.AssetCheckResult]]) -> list[dg.AssetCheckResult]:
    """One result per check over the years: failed when any year failed, each year's metadata."""
    merged: dict[str, list[tuple[str, dg.AssetCheckResult]]] = {}
    for year, result in results:
        merged.setdefault(result.check_name or "", []).append((year, result))
    out = []
    for name, items in merged.items():
        failing = [(year, r) for year, r in items if not r.passed]
        worst = failing[0][1] if failing else items[0][1]
        out.append(
            dg.AssetCheckResult(
                check_name=name or None,
                asset_key=worst.asset_key,
                passed=not failing,
                severity=worst.severity,
                description="; ".join(
                    f"{year}: {r.description}" for year, r in items if r.description
                )
                or None,
                metadata={
                    f"{year} {key}": value for year, r in items for key, value in r.metadata.items()
                },
            )
        )
    return out


def whole_years_only(store, document: str, materialize):
    """``materialize(landlord_id, year)`` for a document of a whole year, refusing a year the data
    cut falls in with what to do (:func:`pipeline.returns.in_progress_note`): the command line
    never asks for one, the UI's partition picker can."""

    def guarded(landlord_id: str, year: str) -> dg.MaterializeResult:
        from pipeline.periods import ReportingYear
        from pipeline.returns import in_progress_note

        note = in_progress_note(store.landlord(landlord_id), ReportingYear.parse(year))
        if note is not None:
            raise dg.Failure(description=f"No {document} for {landlord_id} {year}: {note}")
        return materialize(landlord_id, year)

    return guarded


def per_year(context, materialize) -> dg.MaterializeResult:
    """Run ``materialize(landlord_id, year) -> MaterializeResult`` for each year of the run.

    One year: its result as is. Several (a single-run backfill, the command line): one result
    whose metadata names each year (``"2024-25 csv"``), and one result per check, failed when any
    year's failed.
    """
    landlord_id, years = landlord_and_years(context)
    results = {
        year: per_period(
            context, landlord_id, year, lambda year=year: materialize(landlord_id, year)
        )
        for year in years
    }
    if len(results) == 1:
        return next(iter(results.values()))
    checks = [
        (year, check) for year, result in results.items() for check in result.check_results or []
    ]
    return dg.MaterializeResult(
        metadata={
            "years": ", ".join(years),
            **{
                f"{year} {key}": value
                for year, result in results.items()
                for key, value in (result.metadata or {}).items()
            },
        },
        check_results=_merge_checks(checks) if checks else None,
    )


def per_year_printing(context, materialize) -> dg.MaterializeResult:
    """:func:`per_year` for a document asset: each year's PDFs print while the next year's
    documents are built, and the step ends once every PDF is written
    (:func:`pipeline.reporting.pdf.deferred_prints`)."""
    from pipeline.reporting.pdf import deferred_prints  # the printer only where one prints

    with deferred_prints():
        return per_year(context, materialize)


def per_period(context, landlord_id: str, period: str, materialize) -> dg.MaterializeResult:
    """Run ``materialize() -> MaterializeResult`` for one landlord-period's outputs (a year, a
    quarter or a month) inside the store's :meth:`~pipeline.resources.ComplaintsStore.period_outputs`:
    the files written are noted as the asset's, and outside a run ending with the folder's
    publishing step the step publishes what it wrote itself (its metadata then shows the live
    folder's paths)."""
    store = getattr(context.resources, "store", None)
    outputs = store.period_outputs(context, landlord_id, period) if store else nullcontext(str)
    with outputs as live:
        result = materialize()
    return _with_paths(result, live)


def _with_paths(result: dg.MaterializeResult, path_of) -> dg.MaterializeResult:
    """``result`` with each path in its metadata as ``path_of`` gives it (the live folder's)."""
    metadata = {
        key: dg.MetadataValue.path(path_of(value.path))
        if isinstance(value, dg.PathMetadataValue)
        else value
        for key, value in (result.metadata or {}).items()
    }
    return dg.MaterializeResult(
        asset_key=result.asset_key,
        metadata=metadata,
        check_results=result.check_results,
        data_version=result.data_version,
        tags=result.tags,
    )


def instance_with_landlords(landlords: Sequence[str]) -> dg.DagsterInstance:
    """An in-memory instance that knows ``landlords`` (tests, notebooks: ``dg.materialize``)."""
    instance = dg.DagsterInstance.ephemeral()
    add_landlords(instance, landlords)
    return instance
