"""Blocking sanity checks on the measures just written (pipeline/measures/sanity.py)."""

import dagster as dg

from pipeline.measures.sanity import (
    RULES,
    WARNINGS,
    sanity_failures,
    sanity_message,
    warning_failures,
    warning_message,
)
from pipeline.partitions import landlord_and_year
from pipeline.periods import ReportingYear
from pipeline.resources import ComplaintsStore


def _build_check(rule: str, description: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset="measures", name=rule, blocking=True, description=description)
    def _check(context: dg.AssetCheckExecutionContext, store: ComplaintsStore):
        landlord_id, year_key = landlord_and_year(context)
        year = ReportingYear.parse(year_key)
        with store.connect(landlord_id, read_only=True) as con:
            failures = sanity_failures(con, landlord_id, year, rule)
        table = "\n".join(
            [
                "| period | measure | breakdown | value | view | num | den |",
                "|---|---|---|---|---|---|---|",
            ]
            + [
                f"| {p} | {m} | {b}={v} | {val} | {vw} | {n} | {d} |"
                for p, m, b, v, vw, n, d, val in failures[:50]
            ]
        )
        return dg.AssetCheckResult(
            passed=not failures,
            severity=dg.AssetCheckSeverity.ERROR,
            description=sanity_message(rule, failures, year),
            metadata={"failures": len(failures), "rows": dg.MetadataValue.md(table)},
        )

    return _check


measures_checks = [_build_check(rule, description) for rule, (description, _) in RULES.items()]


def _build_warning(rule: str, description: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset="measures", name=rule, description=description)
    def _check(context: dg.AssetCheckExecutionContext, store: ComplaintsStore):
        landlord_id, year_key = landlord_and_year(context)
        with store.connect(landlord_id, read_only=True) as con:
            failures = warning_failures(
                con, store.landlord(landlord_id), ReportingYear.parse(year_key), rule
            )
        return dg.AssetCheckResult(
            passed=not failures,
            severity=dg.AssetCheckSeverity.WARN,
            description=warning_message(rule, failures),
            metadata={"failures": len(failures)},
        )

    return _check


measures_warnings = [_build_warning(rule, w.description) for rule, w in WARNINGS.items()]
