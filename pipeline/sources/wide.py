"""Wide shape: one row per complaint, each stage's fields in its own columns (ERICA-like)."""

from __future__ import annotations

from pipeline.mapping import Mapping
from pipeline.sources.canonical import mappable_fields
from pipeline.sources.fields import Context, FieldPlan, RecordPlan, value_sql
from pipeline.sources.routing import field_plan, own_target_condition
from pipeline.sql import ident

# A stage exists when one of these cells is filled (received_date alone per docs/mapping.md, but
# a response date with no receipt date is a broken stage to quarantine, not one to ignore).
_STAGE_MARKERS = ("received_date", "acknowledged_date", "responded_date")


def _said_markers(
    specs: dict, fields: dict[str, FieldPlan], names: dict, ctx: Context
) -> list[str]:
    """SQL true when a stage's cells say it happened though its dates are blank: refused, or an
    outcome other than open. Such a stage exists (and is required_missing on its received
    column) rather than being dropped without a word, a refused escalation with it."""
    said = []
    if "refused" in specs and specs["refused"].column is not None:
        said.append(f"coalesce({value_sql(fields['refused'], ctx)[0]}, false)")
    outcome = specs.get("outcome")
    if outcome is not None and outcome.column is not None:
        cell = ident(names[outcome.column])
        coded = value_sql(fields["outcome"], ctx)[0]
        said.append(f"({cell} is not null and coalesce({coded}, 'open') <> 'open')")
    return said


def stage_rules(record: RecordPlan) -> list[tuple[str, str, str]]:
    """Cross-field rules of one stage: no acknowledgement or response before receipt."""
    return [
        (
            "responded_date",
            "response_before_receipt",
            lambda: f"{record.col('responded_date')} < {record.col('received_date')}",
        ),
        (
            "acknowledged_date",
            "ack_before_receipt",
            lambda: f"{record.col('acknowledged_date')} < {record.col('received_date')}",
        ),
    ]


def plan_records(mapping: Mapping, names: dict[str, str], ctx: Context) -> list[RecordPlan]:
    """Complaint record plus one record per mapped stage."""
    own = own_target_condition(mapping)
    complaint_id = mapping.columns["complaint_id"] if "complaint_id" in mapping.columns else None
    stages: list[RecordPlan] = []
    for number in sorted(mapping.stages):
        specs = mapping.stages[number]
        fields: dict[str, FieldPlan] = {}
        for name, column in mappable_fields("complaint_stage").items():
            if name == "stage":
                fields[name] = FieldPlan(column=column, derived=f"cast({number} as tinyint)")
            elif name == "complaint_id":
                fields[name] = field_plan("complaint_stage", name, complaint_id, names)
            else:
                fields[name] = field_plan("complaint_stage", name, specs.get(name), names)
        markers = [
            ident(names[specs[m].column])
            for m in _STAGE_MARKERS
            if m in specs and specs[m].column is not None
        ]
        present = " or ".join(
            [f"{m} is not null" for m in markers] + _said_markers(specs, fields, names, ctx)
        )
        present = present or "true"
        record = RecordPlan(
            f"stage{number}", "complaint_stage", fields, exists=f"({own}) and ({present})"
        )
        record.cross = stage_rules(record)
        stages.append(record)
    by_number = dict(zip(sorted(mapping.stages), stages, strict=True))
    if 1 in by_number and 2 in by_number:
        s1, s2 = by_number[1], by_number[2]
        s1_exists = s1.exists
        s2.cross.append(
            (
                "received_date",
                "stage2_before_stage1_response",
                lambda: f"({s1_exists}) and {s2.col('received_date')} < {s1.col('responded_date')}",
            )
        )

    fields = {}
    for name, column in mappable_fields("complaint").items():
        if name == "received_date" and name not in mapping.columns:
            # First contact: stage 1 received, or stage 2 when there is no stage 1 (SPSO).
            parts = [value_sql(s.fields["received_date"], ctx)[0] for s in stages]
            # named by the stages' columns, so a quarantine row says where to look
            read_from = [s.fields["received_date"].source_name for s in stages]
            fields[name] = FieldPlan(
                column=column,
                derived=f"least({', '.join(parts)})",
                source_name=" or ".join(n for n in read_from if n) or None,
            )
        else:
            fields[name] = field_plan("complaint", name, mapping.columns.get(name), names)
    complaint = RecordPlan("complaint", "complaint", fields, exists=own)
    return [complaint, *stages]
