"""Long shape: one row per stage event; complaint fields come from the lowest stage's row."""

from __future__ import annotations

from pipeline.mapping import Mapping
from pipeline.sources.canonical import mappable_fields
from pipeline.sources.fields import RecordPlan
from pipeline.sources.routing import field_plan, own_target_condition
from pipeline.sources.wide import stage_rules


def lead_condition(lead_table: str, alias: str | None = None) -> str:
    """True for the lead rows listed in ``lead_table`` (a semi-join, no copy of the rows)."""
    prefix = f"{alias}." if alias else ""
    return f"(({prefix}__file, {prefix}__row) in (select __file, __row from {lead_table}))"  # noqa: S608 - quoted table name


def plan_records(
    mapping: Mapping, names: dict[str, str], lead_table: str
) -> tuple[RecordPlan, RecordPlan]:
    """The stage record (every complaint row) and the complaint record (lead rows only).

    The complaint record's ``exists`` reads ``lead_table``, which the ingest step fills once
    duplicates and conflicts are known (see :func:`lead_sql`).
    """
    own = own_target_condition(mapping)
    stage_fields = {
        name: field_plan("complaint_stage", name, mapping.columns.get(name), names)
        for name in mappable_fields("complaint_stage")
    }
    stage = RecordPlan("stage", "complaint_stage", stage_fields, exists=own)
    stage.cross = stage_rules(stage)
    complaint_fields = {
        name: field_plan("complaint", name, mapping.columns.get(name), names)
        for name in mappable_fields("complaint")
    }
    complaint = RecordPlan(
        "complaint",
        "complaint",
        complaint_fields,
        exists=f"({own}) and {lead_condition(lead_table)}",
    )
    return stage, complaint


def lead_sql(typed: str, stage: RecordPlan, lead_table: str) -> str:
    """Fill ``lead_table`` with the lowest-stage row of each complaint (``__file``, ``__row``).

    Rows held back whole (duplicates, conflicts, unknown routes) cannot lead; ties on stage go to
    the earlier file and row. A narrow table, not a rebuilt ``typed``: copying every raw and
    typed cell of a million stage rows to add one flag cost more than the rest of this step.
    """
    cid, number = stage.col("complaint_id"), stage.col("stage")
    return f"""
        create or replace temp table {lead_table} as
        select __file, __row from (
            select __file, __row,
                   row_number() over (partition by {cid} order by {number}, __file, __row) as n
            from {typed} t
            where ({stage.exists}) and {cid} is not null and {number} is not null
              and not exists (select 1 from _issues i
                              where i.__file = t.__file and i.__row = t.__row and i.record = '*')
        )
        where n = 1
    """  # noqa: S608


def _qualified(condition: str, alias: str) -> str:
    # The stage's exists condition only reads __route (see routing.own_target_condition).
    return condition.replace("__route", f"{alias}.__route")


def stage2_before_stage1_sql(typed: str, stage: RecordPlan, column_name: str | None) -> str:
    """Issues for stage 2 rows received before their complaint's stage 1 response (other row)."""
    cid, number = stage.col("complaint_id"), stage.col("stage")
    received, responded = stage.col("received_date"), stage.col("responded_date")
    message = (
        "stage2_before_stage1_response: stage 2 was requested before the stage 1 response date "
        f"(complaint_stage.received_date, column '{column_name}')"
    ).replace("'", "''")
    return f"""
        select s2.__file, s2.__row, 'stage' as record, 'complaint_stage' as target_table,
               {"'" + column_name.replace("'", "''") + "'" if column_name else "null"} as column_name,
               'stage2_before_stage1_response' as rule, '{message}' as message,
               strftime(s2.{received}, '%Y-%m-%d') as raw_value
        from {typed} s2 join {typed} s1
          on s1.{cid} = s2.{cid} and s1.{number} = 1 and s2.{number} = 2
        where ({_qualified(stage.exists, "s2")}) and ({_qualified(stage.exists, "s1")})
          and s2.{received} < s1.{responded}
          and not exists (select 1 from _issues i where i.__file = s1.__file
                          and i.__row = s1.__row and i.record in ('*', 'stage'))
    """  # noqa: S608


def parent_quarantined_sql(typed: str, stage: RecordPlan, lead_table: str) -> str:
    """Issues for stage rows whose complaint (from another row, the lead) was quarantined."""
    cid = stage.col("complaint_id")
    text = (
        "parent_quarantined: the complaint this stage belongs to was quarantined, so the stage "
        "cannot load"
    )
    return f"""
        select t.__file, t.__row, 'stage' as record, 'complaint_stage' as target_table,
               null as column_name, 'parent_quarantined' as rule, '{text}' as message,
               null as raw_value
        from {typed} t
        where ({stage.exists}) and not {lead_condition(lead_table, "t")} and {cid} in (
            select l.{cid} from {typed} l join _issues i
              on i.__file = l.__file and i.__row = l.__row and i.record = 'complaint'
            where {lead_condition(lead_table, "l")})
    """  # noqa: S608
