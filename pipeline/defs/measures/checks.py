"""Sanity checks on the measures just written (pipeline/measures/sanity.py).

Declared on the ``measures`` asset and evaluated in its step right after the write (a step per
rule cost more in Dagster's bookkeeping than the queries): each rule keeps its own named check and
result. The ``RULES`` are blocking errors (a failure stops the returns and documents downstream);
the ``WARNINGS`` are warnings. The checks are partitioned like ``measures`` (landlord x year); a
run over several years judges each of them and names the failing periods. ``measures`` is
subsettable, so a check also runs alone (its Execute button in the UI).
"""

from collections.abc import Iterable

import dagster as dg

from pipeline.measures.sanity import (
    RULES,
    WARNINGS,
    sanity_failures,
    sanity_message,
    warning_failures,
    warning_message,
)
from pipeline.partitions import landlord_year_partitions
from pipeline.periods import ReportingYear
from pipeline.resources import ComplaintsStore


def _failure_table(failures: list[tuple]) -> str:
    return "\n".join(
        [
            "| period | measure | breakdown | value | view | num | den |",
            "|---|---|---|---|---|---|---|",
        ]
        + [
            f"| {p} | {m} | {b}={v} | {val} | {vw} | {n} | {d} |"
            for p, m, b, v, vw, n, d, val in failures[:50]
        ]
    )


def measures_check_specs() -> list[dg.AssetCheckSpec]:
    """The sanity rules (blocking errors) and warnings as check specs of ``measures``,
    partitioned like it (a status per landlord and year)."""
    partitioned = {"asset": "measures", "partitions_def": landlord_year_partitions}
    return [
        dg.AssetCheckSpec(name=rule, description=description, blocking=True, **partitioned)
        for rule, (description, _) in RULES.items()
    ] + [
        dg.AssetCheckSpec(name=rule, description=warning.description, **partitioned)
        for rule, warning in WARNINGS.items()
    ]


def measures_check_results(
    store: ComplaintsStore, landlord_id: str, year_keys: list[str], selected: set[str]
) -> Iterable[dg.AssetCheckResult]:
    """The selected checks' results (``selected``: check names) over the landlord's years."""
    years = [ReportingYear.parse(key) for key in year_keys]
    landlord = store.landlord(landlord_id)
    with store.connect(landlord_id, read_only=True) as con:
        for rule in RULES:
            if rule not in selected:
                continue
            by_year = {y: sanity_failures(con, landlord_id, y, rule) for y in years}
            failures = [row for rows in by_year.values() for row in rows]
            # what to change, by file and key, for each failing year (sanity_message)
            messages = [sanity_message(rule, rows, y) for y, rows in by_year.items() if rows]
            yield dg.AssetCheckResult(
                asset_key="measures",
                check_name=rule,
                passed=not failures,
                severity=dg.AssetCheckSeverity.ERROR,
                description="; ".join(messages) or None,
                metadata={
                    "years": ", ".join(year_keys),
                    "failures": len(failures),
                    "rows": dg.MetadataValue.md(_failure_table(failures)),
                },
            )
        for rule in WARNINGS:
            if rule not in selected:
                continue
            failures = [row for y in years for row in warning_failures(con, landlord, y, rule)]
            yield dg.AssetCheckResult(
                asset_key="measures",
                check_name=rule,
                passed=not failures,
                severity=dg.AssetCheckSeverity.WARN,
                description=warning_message(rule, failures),
                metadata={"years": ", ".join(year_keys), "failures": len(failures)},
            )
