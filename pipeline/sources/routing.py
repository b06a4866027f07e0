"""Routes: send a row to another canonical table by one column's value (docs/mapping.md).

A complaint export often carries records that are not complaints: a petition, a resident who did
not wish to complain, a "Stage 3 - Housing Ombudsman" referral. The route column's value picks the
record a row yields; a value the mapping does not list is quarantined (``route_unknown``), never
guessed.
"""

from __future__ import annotations

from pipeline.mapping import FieldSpec, Mapping
from pipeline.sources.canonical import ID_FIELDS, mappable_fields
from pipeline.sources.code_keys import code_key, coded_case_sql
from pipeline.sources.fields import FieldPlan, RecordPlan
from pipeline.sql import ident, lit


def field_plan(table: str, name: str, spec: FieldSpec | None, names: dict[str, str]) -> FieldPlan:
    """Plan one field of ``table`` from ``spec`` (``names`` maps source column -> src alias)."""
    column = mappable_fields(table)[name]
    if spec is None or spec.column is None:
        return FieldPlan(column=column, spec=spec)
    return FieldPlan(column=column, spec=spec, source=names[spec.column], source_name=spec.column)


def route_code_sql(mapping: Mapping, names: dict[str, str]) -> str:
    """SQL giving the index of the row's route value (``__route``), null when not listed.

    Without a route every row takes index 0, the mapping's own target.
    """
    if mapping.route is None:
        return "0"
    x = ident(names[mapping.route.column])
    whens = " ".join(
        f"when {lit(code_key(value))} then {index}"
        for index, value in enumerate(mapping.route.targets())
    )
    return coded_case_sql(x, whens, "null")


def own_target_condition(mapping: Mapping) -> str:
    """SQL (over the typed table) true for rows that go to the mapping's own target."""
    if mapping.route is None:
        return "true"
    own = [
        str(index)
        for index, target in enumerate(mapping.route.targets().values())
        if target.target == mapping.target and not target.set and not target.columns
    ]
    return f"__route in ({', '.join(own)})" if own else "false"


def unknown_route_condition(mapping: Mapping) -> str | None:
    """SQL true for rows whose route value is blank or not listed (``route_unknown``)."""
    return None if mapping.route is None else "__route is null"


def routed_records(mapping: Mapping, names: dict[str, str]) -> list[RecordPlan]:
    """A record plan per route value that goes to a table other than the mapping's own.

    A routed record's field comes from, in order: the route's ``columns``, its ``set``
    constants, the mapping's ``columns`` entry of the same name, and for a still missing
    not-null field, the mapping's ``complaint_id`` (id fields) or ``received_date`` (date fields).
    """
    if mapping.route is None:
        return []
    records = []
    for index, (value, target) in enumerate(mapping.route.targets().items()):
        if target.target == mapping.target and not target.set and not target.columns:
            continue
        table = target.target
        fields: dict[str, FieldPlan] = {}
        for name, column in mappable_fields(table).items():
            spec = target.columns.get(name)
            if spec is None and name in target.set:
                spec = FieldSpec(value=target.set[name])
            if spec is None:
                spec = mapping.columns.get(name)
            if spec is None and column.not_null:
                if name in ID_FIELDS:
                    spec = mapping.columns.get("complaint_id")
                elif column.kind == "date":
                    spec = mapping.columns.get("received_date") or _stage_received(mapping)
            fields[name] = field_plan(table, name, spec, names)
        records.append(
            RecordPlan(
                name=f"route{index}",
                table=table,
                fields=fields,
                exists=f"__route = {index}",
            )
        )
        del value
    return records


def _stage_received(mapping: Mapping) -> FieldSpec | None:
    for number in sorted(mapping.stages):
        spec = mapping.stages[number].get("received_date")
        if spec is not None:
            return spec
    return None
