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


STAGES_TABLE = "_long_stages"
LEAD_TABLE = "_long_lead"


def stages_sql(typed: str, stage: RecordPlan) -> str:
    """One long mapping's stage rows as ``__file, __row, complaint_id, stage, received_date,
    responded_date``: the union over every long mapping (``STAGES_TABLE``) picks each complaint's
    lead row and judges stage 2 against stage 1 when the stages come from different mappings
    (one file per stage, each with its own columns)."""
    cid, number = stage.col("complaint_id"), stage.col("stage")
    received, responded = stage.col("received_date"), stage.col("responded_date")
    return f"""
        select __file, __row, {cid} as complaint_id, {number}::integer as stage,
               {received} as received_date, {responded} as responded_date
        from {typed} t
        where ({stage.exists}) and {cid} is not null and {number} is not null
    """  # noqa: S608


def all_leads_sql() -> str:
    """Fill ``LEAD_TABLE`` with the lowest-stage row of each complaint over every long mapping.

    Rows held back whole (duplicates, conflicts, unknown routes) cannot lead; ties on stage go to
    the earlier file and row. A narrow table, not a rebuilt ``typed``: copying every raw and
    typed cell of a million stage rows to add one flag cost more than the rest of this step.
    """
    return f"""
        create or replace temp table {LEAD_TABLE} as
        select __file, __row from (
            select __file, __row,
                   row_number() over (partition by complaint_id order by stage, __file, __row) as n
            from {STAGES_TABLE} t
            where not exists (select 1 from _issues i
                              where i.__file = t.__file and i.__row = t.__row and i.record = '*')
        )
        where n = 1
    """  # noqa: S608


def lead_sql(lead_table: str) -> str:
    """Fill one mapping's ``lead_table`` from ``LEAD_TABLE`` (its files' rows are the only ones
    its records read)."""
    return f"create or replace temp table {lead_table} as select __file, __row from {LEAD_TABLE}"  # noqa: S608


def _qualified(condition: str, alias: str) -> str:
    # The stage's exists condition only reads __route (see routing.own_target_condition).
    return condition.replace("__route", f"{alias}.__route")


def stage2_before_stage1_sql(typed: str, stage: RecordPlan, column_name: str | None) -> str:
    """Issues for stage 2 rows received before their complaint's stage 1 response (other row, of
    this mapping or another long one)."""
    cid, number = stage.col("complaint_id"), stage.col("stage")
    received = stage.col("received_date")
    message = (
        "stage2_before_stage1_response: stage 2 was requested before the stage 1 response date "
        f"(complaint_stage.received_date, column '{column_name}')"
    ).replace("'", "''")
    return f"""
        select s2.__file, s2.__row, 'stage' as record, 'complaint_stage' as target_table,
               {"'" + column_name.replace("'", "''") + "'" if column_name else "null"} as column_name,
               'stage2_before_stage1_response' as rule, '{message}' as message,
               strftime(s2.{received}, '%Y-%m-%d') as raw_value
        from {typed} s2 join {STAGES_TABLE} s1
          on s1.complaint_id = s2.{cid} and s1.stage = 1 and s2.{number} = 2
        where ({_qualified(stage.exists, "s2")})
          and s2.{received} < s1.responded_date
          and not exists (select 1 from _issues i where i.__file = s1.__file
                          and i.__row = s1.__row and i.record in ('*', 'stage'))
    """  # noqa: S608


def parent_quarantined_sql(typed: str, stage: RecordPlan, lead_table: str) -> str:
    """Issues for stage rows whose complaint (from another row, the lead, of this mapping or
    another long one) was quarantined. The message names the lead row by file and row: with a
    file per stage it is in another file, and "the complaint was quarantined" left the analyst
    to search every stage 1 file for it."""
    cid = stage.col("complaint_id")
    text = (
        "parent_quarantined: the complaint this stage belongs to was quarantined, so the stage "
        "cannot load"
    )
    return f"""
        select t.__file, t.__row, 'stage' as record, 'complaint_stage' as target_table,
               null as column_name, 'parent_quarantined' as rule,
               '{text} (its complaint''s row: ' || p.__file || ' row ' || cast(p.__row as varchar)
               || ')' as message,
               null as raw_value
        from {typed} t join (
            select distinct l.complaint_id, l.__file, l.__row from {STAGES_TABLE} l join _issues i
              on i.__file = l.__file and i.__row = l.__row and i.record = 'complaint'
            where {lead_condition(lead_table, "l")}) p on p.complaint_id = t.{cid}
        where ({_qualified(stage.exists, "t")}) and not {lead_condition(lead_table, "t")}
    """  # noqa: S608
