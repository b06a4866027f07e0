"""Generic shape: one source row is one record of a non-complaint table (surveys, Ombudsman
cases and findings, CHFOs, payments, learning and promised actions, compliments, non-complaints).
"""

from __future__ import annotations

from pipeline.mapping import Mapping
from pipeline.sources.canonical import mappable_fields
from pipeline.sources.fields import RecordPlan
from pipeline.sources.routing import field_plan, own_target_condition


def plan_records(mapping: Mapping, names: dict[str, str]) -> list[RecordPlan]:
    """The record plan of a generic mapping (routed records are planned by :mod:`.routing`)."""
    table = mapping.target
    fields = {
        name: field_plan(table, name, mapping.columns.get(name), names)
        for name in mappable_fields(table)
    }
    return [RecordPlan("main", table, fields, exists=own_target_condition(mapping))]
