"""Generic shape: one source row is one record of a non-complaint table (surveys, Ombudsman
cases and findings, CHFOs, payments, learning and promised actions, compliments, non-complaints).
"""

from __future__ import annotations

from pipeline.mapping import Mapping
from pipeline.sources.canonical import mappable_fields
from pipeline.sources.fields import RecordPlan
from pipeline.sources.routing import field_plan, own_target_condition
from pipeline.sql import ident


def plan_records(mapping: Mapping, names: dict[str, str]) -> list[RecordPlan]:
    """The record plan of a generic mapping (routed records are planned by :mod:`.routing`),
    and of an Ombudsman case mapping's ``finding``: the row's determination, a finding of the
    case, where the outcome cell is filled (as a wide row's stage exists where its dates are)."""
    table = mapping.target
    own = own_target_condition(mapping)
    fields = {
        name: field_plan(table, name, mapping.columns.get(name), names)
        for name in mappable_fields(table)
    }
    records = [RecordPlan("main", table, fields, exists=own)]
    if mapping.finding:
        specs = {**mapping.finding, "case_ref": mapping.columns.get("case_ref")}
        finding = {
            name: field_plan("ombudsman_finding", name, specs.get(name), names)
            for name in mappable_fields("ombudsman_finding")
        }
        outcome = mapping.finding["outcome"]
        present = (
            "true" if outcome.column is None else f"{ident(names[outcome.column])} is not null"
        )
        records.append(
            RecordPlan("finding", "ombudsman_finding", finding, exists=f"({own}) and {present}")
        )
    return records
