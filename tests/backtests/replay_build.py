"""The sector replay's generator: an RSH edition's published counts rebuilt as complaints, set-based.

For each landlord and stock type of one extracted edition (``data/rsh/<year>/``, or a synthesised
edition in a test folder) this builds complaint-level canonical rows consistent with its submitted
counts, in DuckDB:

- stage n complaints received in the year = the CH01(n) numerator, of which ``Stgn_comp_without_Ext``
  responded in time without an extension, ``Stgn_comp_with_Ext`` in time with one, the rest late;
  an edition without that split (before 2024/25) replays the CH02(n) numerator as responded in time
  without an extension;
- ``stock`` = the CH01 denominator (units owned at the year end);
- TP09 responses matching the very satisfied .. very dissatisfied counts (weighted counts, as some
  landlords publish, become ceil(count) responses sharing the weight), plus the respondents who had
  not complained and the "don't know" answers, which TP09 must leave out.

Dates follow from the year, so every status is unambiguous under design.md section 5 (2024 Code:
stage 1 acknowledge 5 WD, respond 10 WD from acknowledgement, extension <= 10; stage 2 5 / 20 / 20):
complaints are received on Tuesdays that are working days and whose Wednesday is one too (never
Christmas Eve or New Year's Eve, say) and acknowledged the same day, so the clock starts on receipt.
In time without extension: responded the next day (1 WD). With extension: extension_wd = the Code
cap and responded 3 weeks (stage 1: 12-15 WD > 10, <= 20) or 5 weeks (stage 2: 22-25 WD > 20, <= 40)
later. Late: responded 120 days later (> 75 WD). Escalated complaints (up to the smaller of the
stage 1 and stage 2 counts) have their stage 1 received in the first 106 days of the year (response
by day 226 at the latest) and their stage 2 received from day 232; any further stage 2 complaints
have no stage 1 (design.md section 6 allows that).

The RSH's Combined (COMB) figures have no LCRA / LCHO split (its Combined filers own under 1,000
homes of each type); they are replayed with the stock halved between LCRA and LCHO and the complaints
and responses alternating between them, and compared with our ``combined`` row (LCRA + LCHO added,
never averaged).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipeline.calendar import is_working_day
from pipeline.config import Landlord
from pipeline.periods import ReportingYear

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CODE_2024 = {
    "stage_1": {"acknowledge_wd": 5, "respond_wd": 10, "extension_wd": 10},
    "stage_2": {"acknowledge_wd": 5, "respond_wd": 20, "extension_wd": 20},
}
EARLY_DAYS, LATE_FROM_DAY = 106, 232  # escalations: stage 1 by day 106, stage 2 from day 232


@dataclass(frozen=True)
class ReplayEdition:
    """One extracted edition to replay: the data root and the reporting year."""

    root: Path
    year: str

    @property
    def folder(self) -> Path:
        return self.root / self.year

    @property
    def period(self) -> ReportingYear:
        return ReportingYear.parse(self.year)

    @property
    def data_cut(self) -> dt.date:
        """31 December after the year end: every late response (received + 120 days) is before."""
        return dt.date(self.period.end.year, 12, 31)

    @property
    def meta(self) -> dict:
        import json

        return json.loads((self.folder / "edition.json").read_text(encoding="utf-8"))

    def has(self, field: str) -> bool:
        """Whether the edition publishes a management-information field (e.g. the split)."""
        return field in self.meta["fields"]["management_info"]

    @property
    def has_split(self) -> bool:
        return all(
            self.has(f"Stg{stage}_comp_{kind}_Ext")
            for stage in (1, 2)
            for kind in ("without", "with")
        )

    def csv(self, name: str) -> pl.DataFrame:
        return pl.read_csv(self.folder / name, infer_schema=False)


def landlord_id(code_column: str = "landlord_code") -> pl.Expr:
    """The replay's landlord id of an RSH code: ``L4240`` -> ``rsh_l4240``."""
    code = pl.col(code_column).str.to_lowercase().str.replace_all("[^a-z0-9]", "_")
    return (pl.lit("rsh_") + code).alias("landlord_id")


def replay_days(period: ReportingYear) -> pl.DataFrame:
    """The receipt days: Tuesdays of the year that are working days, as is the next day."""
    first = period.start + dt.timedelta(days=(1 - period.start.weekday()) % 7)
    days = []
    day = first
    while day + dt.timedelta(days=1) <= period.end:
        if is_working_day(day, "eng") and is_working_day(day + dt.timedelta(days=1), "eng"):
            days.append(day)
        day += dt.timedelta(days=7)
    early_end = period.start + dt.timedelta(days=EARLY_DAYS)
    late_start = period.start + dt.timedelta(days=LATE_FROM_DAY)
    return pl.DataFrame({"d": days}).with_columns(
        k=pl.int_range(pl.len()).cast(pl.Int64),
        early=pl.col("d") <= early_end,
        late=pl.col("d") >= late_start,
    )


def _split_sql(edition: ReplayEdition) -> tuple[str, str]:
    """SQL for the in-time-without and in-time-with-extension counts of a stage."""
    if edition.has_split:
        return (
            "coalesce(try_cast(case s.stage when 1 then Stg1_comp_without_Ext"
            " else Stg2_comp_without_Ext end as integer), 0)",
            "coalesce(try_cast(case s.stage when 1 then Stg1_comp_with_Ext"
            " else Stg2_comp_with_Ext end as integer), 0)",
        )
    # No split published: every complaint in time (the CH02 numerator) was in time without one.
    return (
        "coalesce(try_cast(case s.stage when 1 then CH02_1_Numerator"
        " else CH02_2_Numerator end as integer), 0)",
        "0",
    )


COUNTS_SQL = """
create or replace temp table replay_counts as
with mi as (
    select * from read_csv($mi, all_varchar = true, header = true)
),
stages as (
    select
        'rsh_' || regexp_replace(lower(landlord_code), '[^a-z0-9]', '_', 'g') as landlord_id,
        landlord_code,
        stock_type as rsh_stock,
        s.stage,
        try_cast(case s.stage when 1 then CH01_1_Numerator else CH01_2_Numerator end as integer)
            as received,
        try_cast(CH01_1_Denominator as integer) as units,
        {without_ext} as without_ext,
        {with_ext} as with_ext
    from mi cross join (values (1), (2)) as s (stage)
)
select
    *,
    case rsh_stock when 'combined' then 'lcra' else rsh_stock end as tenure,
    -- escalated complaints: a stage 1 and a stage 2 on one complaint
    least(
        max(received) filter (where stage = 1) over (partition by landlord_id, rsh_stock),
        max(received) filter (where stage = 2) over (partition by landlord_id, rsh_stock)
    ) as escalated
from stages
where received is not null and hash(landlord_id) % $shards = $shard
"""

STAGES_SQL = """
create or replace temp table replay_stage as
with
day_lists as (
    select
        list(d order by k) as all_days,
        list(d order by k) filter (where early) as early_days,
        list(d order by k) filter (where late) as late_days
    from replay_days
),
numbered as (
    select c.*, unnest(range(c.received)) as i
    from replay_counts as c
    where c.received > 0
),
placed as (
    select
        n.*,
        case
            when n.i < n.without_ext then 'in_time_without_ext'
            when n.i < n.without_ext + n.with_ext then 'in_time_with_ext'
            else 'late'
        end as expected,
        -- the first `escalated` stage 1 and stage 2 rows share a complaint
        n.landlord_id || '-' || n.rsh_stock || case
            when n.stage = 1 or n.i < n.escalated then '-c' || n.i
            else '-s2only-' || n.i
        end as complaint_id,
        case
            when n.i < n.escalated and n.stage = 1
                then l.early_days[1 + n.i % len(l.early_days)]
            when n.i < n.escalated and n.stage = 2
                then l.late_days[1 + n.i % len(l.late_days)]
            else l.all_days[1 + n.i % len(l.all_days)]
        end as received_date
    from numbered as n
    cross join day_lists as l
)
select
    landlord_id,
    landlord_code,
    rsh_stock,
    -- Combined: no LCRA / LCHO split was published; alternate the tenure (stock split likewise)
    case
        when rsh_stock = 'combined' then (case when i % 2 = 0 then 'lcra' else 'lcho' end)
        else tenure
    end as tenure,
    complaint_id,
    stage::tinyint as stage,
    received_date,
    received_date as acknowledged_date,
    case expected when 'in_time_with_ext' then (case stage when 1 then 10 else 20 end) else 0 end
        as extension_wd,
    received_date + case expected
        when 'in_time_without_ext' then 1
        when 'in_time_with_ext' then (case stage when 1 then 21 else 35 end)
        else 120
    end as responded_date,
    expected
from placed
"""

CANONICAL_SQL = """
insert into complaint_stage by name
select
    landlord_id, complaint_id, stage, received_date, acknowledged_date, extension_wd,
    case when extension_wd > 0 then 'more time needed to investigate' end as extension_reason,
    case when extension_wd > 0 then received_date + 7 end as extension_notified_date,
    responded_date,
    'not_upheld' as outcome,
    false as refused,
    'sector_replay' as source_file,
    row_number() over (order by landlord_id, complaint_id, stage)::integer as source_row
from replay_stage;

insert into complaint by name
select
    landlord_id,
    complaint_id,
    min(received_date) as received_date,
    'replay' as category,
    'housing' as service_area,
    'phone' as channel,
    any_value(tenure) as tenure,
    'eng' as regime,
    true as is_tenant_of_owned_stock,
    'landlord' as handled_by,
    false as anonymous,
    false as collective,
    false as vulnerability,
    false as adjustment_requested,
    false as adjustment_made,
    false as notifiable_event,
    false as energy_ombudsman_referred,
    false as legal_hold,
    'sector_replay' as source_file,
    row_number() over (order by landlord_id, complaint_id)::integer as source_row
from replay_stage
group by landlord_id, complaint_id;

insert into stock by name
with owned as (
    select distinct landlord_id, rsh_stock, units from replay_counts where units > 0
),
split as (
    select landlord_id, rsh_stock as stock_type, units from owned where rsh_stock <> 'combined'
    -- Combined filers own under 1,000 of each type: halve the combined stock
    union all
    select landlord_id, 'lcra', (units + 1) // 2 from owned where rsh_stock = 'combined'
    union all
    select landlord_id, 'lcho', units // 2 from owned where rsh_stock = 'combined'
)
select landlord_id, $year_end as year_end, stock_type, 'eng' as country,
       sum(units)::integer as units_owned
from split
group by all;
"""

TP09_SQL = """
create or replace temp table replay_tp09_counts as
with tp as (select * from read_csv($tp, all_varchar = true, header = true))
select
    'rsh_' || regexp_replace(lower(landlord_code), '[^a-z0-9]', '_', 'g') as landlord_id,
    landlord_code,
    stock_type as rsh_stock,
    case stock_type when 'combined' then 'lcra' else stock_type end as tenure,
    try_cast(relevant_population as integer) as population,
    a.answer,
    a.made_complaint_12m,
    a.weighted
from tp,
lateral (
    select * from (values
        ('very_satisfied', 'yes', try_cast(VS as double)),
        ('fairly_satisfied', 'yes', try_cast(FS as double)),
        ('neither', 'yes', try_cast(NSD as double)),
        ('fairly_dissatisfied', 'yes', try_cast(FD as double)),
        ('very_dissatisfied', 'yes', try_cast(VD as double)),
        -- complained but answered don't know (or blank): not in TP09
        (null, 'yes', try_cast(Filter_Yes as double) - (try_cast(VS as double)
            + try_cast(FS as double) + try_cast(NSD as double) + try_cast(FD as double)
            + try_cast(VD as double))),
        -- had not complained: answered the question anyway, must be left out
        ('very_satisfied', 'no', try_cast(Fiter_No as double))
    ) as v (answer, made_complaint_12m, weighted)
) as a
where a.weighted > 0 and hash(landlord_id) % $shards = $shard
"""

TP09_INSERT_SQL = """
insert into tp09_response by name
select
    landlord_id,
    landlord_id || '-' || rsh_stock || '-' || coalesce(answer, 'dk') || '-' || made_complaint_12m
        || '-' || i as respondent_ref,
    $survey_date as survey_date,
    case
        when rsh_stock = 'combined' then (case when i % 2 = 0 then 'lcra' else 'lcho' end)
        else tenure
    end as stock_type,
    made_complaint_12m,
    answer,
    weighted / ceil(weighted) as weight,
    'sector_replay' as source_file,
    row_number() over ()::integer as source_row
from (
    select *, unnest(range(ceil(weighted)::integer)) as i from replay_tp09_counts
);
"""


# A landlord whose management information the RSH excluded (2024/25: Tandridge, in
# TSM25_Man_Info_Not_Inc) has no stock figure; its surveyed tenant population stands in, so its
# TP09 can still be reported.
STOCK_FALLBACK_SQL = """
insert into stock by name
select landlord_id, $year_end as year_end, tenure as stock_type, 'eng' as country,
       sum(population)::integer as units_owned
from (
    select distinct landlord_id, rsh_stock, tenure, population from replay_tp09_counts
    where population > 0 and rsh_stock <> 'combined'
        and landlord_id not in (select landlord_id from replay_counts)
)
group by all
"""


def landlord_configs(con: duckdb.DuckDBPyConnection, edition: ReplayEdition) -> list[Landlord]:
    """A landlord.yaml equivalent per replayed landlord: 2024 Code timescales, its stock."""
    year_end = edition.period.end.isoformat()
    stock = con.execute(
        "select landlord_id, stock_type, units_owned from stock order by all"
    ).fetchall()
    populations = con.sql(
        """
        with surveyed as (
            select distinct landlord_id, rsh_stock, population from replay_tp09_counts
            where population > 0
        )
        select landlord_id, rsh_stock, population from surveyed where rsh_stock <> 'combined'
        union all
        select landlord_id, 'lcra', (population + 1) // 2 from surveyed
        where rsh_stock = 'combined'
        union all
        select landlord_id, 'lcho', population // 2 from surveyed where rsh_stock = 'combined'
        """
    ).fetchall()
    ids = con.sql(
        "select landlord_id from replay_counts union select landlord_id from replay_tp09_counts"
        " order by 1"
    ).fetchall()
    by_id: dict[str, dict] = {
        landlord_id: {"stock": [], "tp09_population": {}} for (landlord_id,) in ids
    }
    for landlord_id, stock_type, units in stock:
        by_id[landlord_id]["stock"].append(
            {"year_end": year_end, "stock_type": stock_type, "units_owned": units}
        )
    for landlord_id, stock_type, population in populations:
        populations_of = by_id[landlord_id]["tp09_population"]
        populations_of[stock_type] = populations_of.get(stock_type, 0) + int(population)
    return [
        Landlord.model_validate(
            {
                "landlord_id": landlord_id,
                "name": landlord_id,
                "regimes": ["eng"],
                "stock": parts["stock"],
                "tp09_population": parts["tp09_population"],
                "tsm_summary_of_approach": f"Replay of the RSH {edition.period.label} counts.",
                "data_cut_date": edition.data_cut,
                "policy_versions": [
                    {
                        "effective_from": edition.period.start.isoformat(),
                        "source": "Housing Ombudsman Complaint Handling Code 2024 timescales",
                        "escalation_window": {"months_after_stage1_response": 12},
                        "timescales": {"eng": CODE_2024},
                    }
                ],
            }
        )
        for landlord_id, parts in by_id.items()
    ]


def build_replay(
    con: duckdb.DuckDBPyConnection, edition: ReplayEdition, shard: int = 0, shards: int = 1
) -> list[Landlord]:
    """Create the canonical tables and fill them for the edition's landlords of one shard.

    Landlords are split into ``shards`` by a hash of their id, so worker processes can each replay
    a share in their own DuckDB; ``shards=1`` replays every landlord. Returns their configs.
    """
    con.execute((PROJECT_ROOT / "sql" / "schema" / "canonical.sql").read_text())
    split = {"shard": shard, "shards": shards}
    dates = {"year_end": edition.period.end}
    without_ext, with_ext = _split_sql(edition)
    con.execute(
        COUNTS_SQL.format(without_ext=without_ext, with_ext=with_ext),
        {"mi": str(edition.folder / "management_info.csv"), **split},
    )
    days = replay_days(edition.period)  # noqa: F841 - read by DuckDB's replacement scan
    con.execute("create or replace temp table replay_days as select * from days")
    con.execute(STAGES_SQL)
    # several statements: the date is written in rather than bound
    con.execute(CANONICAL_SQL.replace("$year_end", f"date '{edition.period.end.isoformat()}'"))
    con.execute(TP09_SQL, {"tp": str(edition.folder / "perception_tp09.csv"), **split})
    con.execute(
        TP09_INSERT_SQL,
        {"survey_date": edition.period.start + dt.timedelta(days=197)},  # mid October
    )
    con.execute(STOCK_FALLBACK_SQL, dates)
    return landlord_configs(con, edition)


def shard_of(con: duckdb.DuckDBPyConnection, landlord: str, shards: int) -> int:
    """The shard ``build_replay`` puts a landlord id in."""
    return con.execute("select hash(?) % ?", [landlord, shards]).fetchone()[0]
