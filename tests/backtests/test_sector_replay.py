"""Sector replay: every landlord of the RSH 2024/25 data, rebuilt as complaints and run for real.

For each landlord and stock type in ``data/rsh/2024-25`` this builds complaint-level canonical rows
consistent with its submitted counts, set-based in DuckDB:

- stage n complaints received in 2024-25 = the CH01(n) numerator, of which ``Stgn_comp_without_Ext``
  responded in time without an extension, ``Stgn_comp_with_Ext`` in time with one, the rest late;
- ``stock`` = the CH01 denominator (units owned at 31 March 2025);
- TP09 responses matching the very satisfied .. very dissatisfied counts (weighted counts, as some
  landlords publish, become ceil(count) responses sharing the weight), plus the respondents who had
  not complained and the "don't know" answers, which TP09 must leave out.

It then runs the real measure code (``pipeline.measures.compute_measures``) for every landlord on one
DuckDB connection and compares CH01, CH02 (and the without / with extension split) and TP09 per stock
type with the published values. A summary CSV goes to ``test-artifacts/sector_replay/``.

Dates are chosen so every status is unambiguous under design.md section 5 (2024 Code: stage 1
acknowledge 5 WD, respond 10 WD from acknowledgement, extension <= 10; stage 2 5 / 20 / 20):
complaints are received on Tuesdays (never the day before a bank holiday) and acknowledged the same
day, so the clock starts on receipt. In time without extension: responded the next day (1 WD).
With extension: extension_wd = the Code cap and responded 3 weeks (stage 1: 12-15 WD > 10, <= 20) or
5 weeks (stage 2: 22-25 WD > 20, <= 40) later. Late: responded 120 days later (> 75 WD).
Escalated complaints (up to the smaller of the stage 1 and stage 2 counts) have their stage 1
received by 16 July 2024 (response by 13 November at the latest) and their stage 2 received from
19 November 2024; any further stage 2 complaints have no stage 1 (design.md section 6 allows that).

The RSH's Combined (COMB) figures have no LCRA / LCHO split (its two Combined filers own under
1,000 homes of each type); they are replayed with the stock halved between LCRA and LCHO and the
complaints and responses alternating between them, and compared with our ``combined`` row (LCRA +
LCHO added, never averaged).

Finally the TSM return (``pipeline.returns.tsm_return_fields``) is built from the replayed measures
for every landlord and compared field by field, by RSH field code, with the workbook.
"""

import datetime as dt
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipeline.config import Landlord
from pipeline.rounding import display as round_display
from pipeline.rounding import round_half_up

PROJECT_ROOT = Path(__file__).resolve().parents[2]
RSH = PROJECT_ROOT / "data" / "rsh" / "2024-25"
ARTIFACTS = (
    Path(os.environ.get("COMPLAINTS_TEST_ARTIFACTS", PROJECT_ROOT / "test-artifacts"))
    / "sector_replay"
)
YEAR = "2024-25"
DATA_CUT = dt.date(2025, 12, 31)  # every late response (received + 120 days) is before the cut
OURS = {"lcra": "lcra", "lcho": "lcho", "combined": "combined"}  # RSH stock -> our breakdown_value
CODE_2024 = {
    "stage_1": {"acknowledge_wd": 5, "respond_wd": 10, "extension_wd": 10},
    "stage_2": {"acknowledge_wd": 5, "respond_wd": 20, "extension_wd": 20},
}

# ---------------------------------------------------------------------------------------------
# The published data, one row per landlord x RSH stock type x stage.
# ---------------------------------------------------------------------------------------------

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
        coalesce(try_cast(
            case s.stage when 1 then Stg1_comp_without_Ext else Stg2_comp_without_Ext end
            as integer), 0) as without_ext,
        coalesce(try_cast(
            case s.stage when 1 then Stg1_comp_with_Ext else Stg2_comp_with_Ext end
            as integer), 0) as with_ext
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

# Tuesdays of 2024-25 whose Wednesday is a working day (not 24 or 31 December).
DATES_SQL = """
create or replace temp table replay_days as
select
    row_number() over (order by d) - 1 as k,
    d::date as d,
    d <= date '2024-07-16' as early,
    d >= date '2024-11-19' as late
from range(date '2024-04-02', date '2025-03-26', interval 7 day) as t (d)
where d::date not in (date '2024-12-24', date '2024-12-31')
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
select landlord_id, date '2025-03-31' as year_end, stock_type, 'eng' as country,
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
    date '2024-10-15' as survey_date,
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


# Tandridge's management information was excluded by the RSH (TSM25_Man_Info_Not_Inc), so its
# stock is unknown; its surveyed tenant population stands in, so its TP09 can still be reported.
STOCK_FALLBACK_SQL = """
insert into stock by name
select landlord_id, date '2025-03-31' as year_end, tenure as stock_type, 'eng' as country,
       sum(population)::integer as units_owned
from (
    select distinct landlord_id, rsh_stock, tenure, population from replay_tp09_counts
    where population > 0 and rsh_stock <> 'combined'
        and landlord_id not in (select landlord_id from replay_counts)
)
group by all
"""


def landlord_configs(con: duckdb.DuckDBPyConnection) -> list[Landlord]:
    """A landlord.yaml equivalent per replayed landlord: 2024 Code timescales, its stock."""
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
            {"year_end": "2025-03-31", "stock_type": stock_type, "units_owned": units}
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
                "tsm_summary_of_approach": "Replay of the RSH 2024/25 published counts.",
                "data_cut_date": DATA_CUT,
                "policy_versions": [
                    {
                        "effective_from": "2024-04-01",
                        "source": "Housing Ombudsman Complaint Handling Code 2024",
                        "escalation_window": {"months_after_stage1_response": 12},
                        "timescales": {"eng": CODE_2024},
                    }
                ],
            }
        )
        for landlord_id, parts in by_id.items()
    ]


def build_replay(con: duckdb.DuckDBPyConnection, shard: int = 0, shards: int = 1) -> list[Landlord]:
    """Create the canonical tables and fill them for the RSH landlords of one shard.

    Landlords are split into ``shards`` by a hash of their id, so worker processes can each replay
    a share in their own DuckDB; ``shards=1`` replays every landlord. Returns their configs.
    """
    con.execute((PROJECT_ROOT / "sql" / "schema" / "canonical.sql").read_text())
    split = {"shard": shard, "shards": shards}
    con.execute(COUNTS_SQL, {"mi": str(RSH / "management_info.csv"), **split})
    con.execute(DATES_SQL)
    con.execute(STAGES_SQL)
    con.execute(CANONICAL_SQL)
    con.execute(TP09_SQL, {"tp": str(RSH / "perception_tp09.csv"), **split})
    con.execute(TP09_INSERT_SQL)
    con.execute(STOCK_FALLBACK_SQL)
    return landlord_configs(con)


# ---------------------------------------------------------------------------------------------
# The comparison.
# ---------------------------------------------------------------------------------------------

MEASURE_PARTS = {
    "CH01_1": ("CH01_1_Calculated_Value", "CH01_1_Numerator", "CH01_1_Denominator"),
    "CH01_2": ("CH01_2_Calculated_Value", "CH01_2_Numerator", "CH01_2_Denominator"),
    "CH02_1": ("CH02_1_Calculated_Value", "CH02_1_Numerator", "CH02_1_Denominator"),
    "CH02_2": ("CH02_2_Calculated_Value", "CH02_2_Numerator", "CH02_2_Denominator"),
}


def published() -> pl.DataFrame:
    """Published value, numerator and denominator per landlord, RSH stock type and measure."""
    mi = pl.read_csv(RSH / "management_info.csv", infer_schema=False)
    frames = [
        mi.select(
            "landlord_code",
            rsh_stock="stock_type",
            measure=pl.lit(measure),
            published=pl.col(value),
            pub_numerator=pl.col(num).cast(pl.Float64, strict=False),
            pub_denominator=pl.col(den).cast(pl.Float64, strict=False),
        )
        for measure, (value, num, den) in MEASURE_PARTS.items()
    ]
    for stage in (1, 2):
        for kind in ("without", "with"):
            frames.append(
                mi.select(
                    "landlord_code",
                    rsh_stock="stock_type",
                    measure=pl.lit(f"CH02_{stage}_{kind}_ext"),
                    published=pl.col(f"Stg{stage}_comp_{kind}_Ext"),
                    pub_numerator=pl.col(f"Stg{stage}_comp_{kind}_Ext").cast(
                        pl.Float64, strict=False
                    ),
                    pub_denominator=pl.lit(None, dtype=pl.Float64),
                )
            )
    tp = pl.read_csv(RSH / "perception_tp09.csv", infer_schema=False)
    answers = [pl.col(c).cast(pl.Float64, strict=False) for c in ("VS", "FS", "NSD", "FD", "VD")]
    frames.append(
        tp.select(
            "landlord_code",
            rsh_stock="stock_type",
            measure=pl.lit("TP09"),
            published=pl.col("Satisfied_Calc"),
            pub_numerator=answers[0] + answers[1],
            pub_denominator=pl.sum_horizontal(answers),
        )
    )
    return pl.concat(frames).with_columns(
        landlord_id=pl.lit("rsh_")
        + pl.col("landlord_code").str.to_lowercase().str.replace_all("[^a-z0-9]", "_")
    )


def classify(row: dict) -> str:
    """Why a published figure does or does not reproduce (the mismatch classes of the report)."""
    value = row["published"]
    if value in ("[X]", "[Z]", "", None):
        return "not_published_blank"  # the landlord left it blank: nothing to reproduce
    if value == "[U]" and row["pub_numerator"] is None:
        # The RSH prints [U] when the landlord left the numerator and denominator blank ([X]),
        # e.g. the LCHO fields of a landlord without LCHO stock: nothing was submitted.
        return "not_published_blank"
    if value == "[E]":
        return "not_published_excluded"  # the RSH excluded it
    if row["display"] is None:
        return "missing_in_measures"
    if row["display"] != _as_display(value, row["measure"]):
        return "value_differs"
    if row["pub_numerator"] is not None and not _close(row["numerator"], row["pub_numerator"]):
        return "numerator_differs"
    if row["pub_denominator"] is not None and not _close(
        row["denominator"], row["pub_denominator"]
    ):
        return "denominator_differs"
    return "reproduced"


def _as_display(value: str, measure: str) -> str:
    if value == "[U]":
        return "[U]"
    if measure.endswith("_ext"):
        return str(int(float(value)))
    return round_display(float(value), 1)


def _close(a: float | None, b: float) -> bool:
    return a is not None and abs(a - b) < 1e-6


def compare(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    ours = con.sql(
        """
        select landlord_id, measure, breakdown_value as our_stock, numerator, denominator,
               display
        from measures
        where period_kind = 'year' and period = '2024-25' and breakdown = 'stock_type'
          and view = 'regulator'
          and (measure in ('CH01_1', 'CH01_2', 'CH02_1', 'CH02_2', 'TP09')
               or measure like 'CH02%ext')
        """
    ).pl()
    replayed = con.sql(
        "select landlord_id from replay_counts union select landlord_id from replay_tp09_counts"
    ).pl()
    pub = published().join(replayed, on="landlord_id", how="semi")
    pub = pub.with_columns(our_stock=pl.col("rsh_stock").replace_strict(OURS))
    joined = pub.join(ours, on=["landlord_id", "measure", "our_stock"], how="left")
    return joined.with_columns(
        outcome=pl.struct(
            "published",
            "display",
            "measure",
            "numerator",
            "denominator",
            "pub_numerator",
            "pub_denominator",
        ).map_elements(classify, return_dtype=pl.String)
    )


RSH_SUFFIX = {"lcra": "LCRA", "lcho": "LCHO", "combined": "COMB"}


def published_fields() -> pl.DataFrame:
    """The workbook's values by RSH field code (e.g. CH01_1_Numerator_LCRA, TP09_VS_LCHO)."""
    mi = pl.read_csv(RSH / "management_info.csv", infer_schema=False)
    tp = pl.read_csv(RSH / "perception_tp09.csv", infer_schema=False)
    tp = tp.select(
        "landlord_code",
        "stock_type",
        *[
            pl.col(c).alias(f"TP09_{c}")
            for c in ("Filter_Yes", "Fiter_No", "VS", "FS", "NSD", "FD", "VD", "Satisfied_Calc")
        ],
    )
    frames = [
        frame.unpivot(
            index=["landlord_code", "stock_type"], variable_name="field", value_name="published"
        )
        for frame in (mi, tp)
    ]
    return pl.concat(frames).select(
        landlord_id=pl.lit("rsh_")
        + pl.col("landlord_code").str.to_lowercase().str.replace_all("[^a-z0-9]", "_"),
        field_code=pl.col("field") + "_" + pl.col("stock_type").replace_strict(RSH_SUFFIX),
        published=pl.col("published"),
    )


def classify_field(published: str | None, ours: str) -> str:
    """A TSM return field against the workbook: reproduced, both blank, or why not."""
    if published == "[E]":
        return "rsh_excluded"
    blank = published in (None, "", "[X]", "[Z]", "[U]")  # [U]: the RSH's mark for blank inputs
    if blank and ours == "":
        return "blank_both"
    if blank:
        return "reported_where_rsh_blank"
    if ours in ("", "[U]"):
        return "blank_where_rsh_reported"
    same = round_half_up(float(ours), 1) == round_half_up(float(published), 1)
    return "reproduced" if same else "value_differs"


def compare_return(con: duckdb.DuckDBPyConnection, landlords: list[Landlord]) -> pl.DataFrame:
    """Every landlord's TSM return fields, built from the replayed measures, against the workbook."""
    from pipeline.returns import tsm_return_fields

    ours = pl.DataFrame(
        [
            {"landlord_id": landlord.landlord_id, "field_code": f.field_code, "ours": f.text()}
            for landlord in landlords
            for f in tsm_return_fields(con, landlord, YEAR)
            if f.field_code
        ]
    )
    # The RSH left some landlords' data out of its tables ("... Not Included" sheets): Tandridge's
    # management information (so its CH fields are ours only) and two councils' perception surveys
    # (no TP09 counts to replay, so our return shows no responses and [U]). Not compared.
    landlords_csv = pl.read_csv(RSH / "landlords.csv", infer_schema=False)
    in_management_info = set(published().filter(pl.col("measure") != "TP09")["landlord_id"])
    perception_excluded = {
        "rsh_" + code.lower()
        for code in landlords_csv.filter(pl.col("perception_excluded_by_rsh") == "yes")[
            "landlord_code"
        ]
    }
    joined = ours.join(published_fields(), on=["landlord_id", "field_code"], how="left")
    return joined.with_columns(
        outcome=pl.struct("published", "ours", "landlord_id", "field_code").map_elements(
            lambda r: (
                "rsh_excluded"
                if (
                    r["landlord_id"] not in in_management_info
                    and not r["field_code"].startswith("TP09")
                )
                or (r["landlord_id"] in perception_excluded and r["field_code"].startswith("TP09"))
                else classify_field(r["published"], r["ours"])
            ),
            return_dtype=pl.String,
        )
    )


def replay_shard(shard: int, shards: int) -> tuple[pl.DataFrame, dict]:
    """Build one shard's canonical rows, run the real measure code, compare; with timings."""
    from pipeline.measures import compute_measures
    from pipeline.periods import ReportingYear

    con = duckdb.connect()
    started = time.perf_counter()
    landlords = build_replay(con, shard, shards)
    built = time.perf_counter()
    year = ReportingYear.parse(YEAR)
    for landlord in landlords:  # one call per landlord, reusing the connection
        compute_measures(con, landlord, year, DATA_CUT)
    computed = time.perf_counter()
    result = compare(con)
    returns = compare_return(con, landlords)
    con.close()
    timings = {
        "shard": shard,
        "landlords": len(landlords),
        "build_seconds": round(built - started, 2),
        "measures_seconds": round(computed - built, 2),
    }
    return result, returns, timings


@pytest.fixture(scope="module")
def replay():
    measures = pytest.importorskip("pipeline.measures")
    if not hasattr(measures, "compute_measures"):
        pytest.fail("pipeline.measures.compute_measures is missing")
    # One worker process per core (env SECTOR_REPLAY_WORKERS to change), each with its own DuckDB.
    workers = int(os.environ.get("SECTOR_REPLAY_WORKERS", min(2, os.cpu_count() or 1)))
    started = time.perf_counter()
    if workers > 1:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            parts = list(pool.map(replay_shard, range(workers), [workers] * workers))
    else:
        parts = [replay_shard(0, 1)]
    wall = time.perf_counter() - started
    result = pl.concat([frame for frame, _, _ in parts])
    returns = pl.concat([frame for _, frame, _ in parts])
    timings = pl.DataFrame([t for _, _, t in parts]).with_columns(wall_seconds=round(wall, 2))
    return result, returns, timings


def test_generator_matches_the_submitted_counts():
    """The canonical rows carry exactly the published counts (before any measure code runs)."""
    con = duckdb.connect()
    landlords = build_replay(con)
    assert len(landlords) == 360  # 359 with management information, Tandridge with TP09 only
    check = con.sql(
        """
        select c.landlord_id, c.rsh_stock, c.stage, c.received, c.without_ext, c.with_ext,
               count(s.complaint_id) as rows,
               count(*) filter (where s.expected = 'in_time_without_ext') as w,
               count(*) filter (where s.expected = 'in_time_with_ext') as e,
               bool_and(s.received_date between date '2024-04-01' and date '2025-03-31') as in_year
        from replay_counts as c
        left join replay_stage as s using (landlord_id, rsh_stock, stage)
        group by all
        """
    ).pl()
    assert (check["rows"] == check["received"]).all()
    assert (check["w"] == check["without_ext"]).all() and (check["e"] == check["with_ext"]).all()
    assert check["in_year"].drop_nulls().all()
    # An escalated complaint's stage 2 is received after its stage 1 response.
    bad = con.execute(
        """
        select count(*) from replay_stage as s1
        join replay_stage as s2 using (landlord_id, complaint_id)
        where s1.stage = 1 and s2.stage = 2 and s2.received_date <= s1.responded_date
        """
    ).fetchone()[0]
    assert bad == 0
    # Stock equals the CH01 denominators; TP09 weights add back to the published counts.
    units = con.execute(
        "select sum(units_owned) from stock"
        " where landlord_id in (select landlord_id from replay_counts)"
    ).fetchone()[0]
    published_units = con.execute(
        "select sum(units) from (select distinct landlord_id, rsh_stock, units"
        " from replay_counts where units > 0)"
    ).fetchone()[0]
    assert units == published_units
    weights = con.execute(
        "select abs(sum(weight) - (select sum(weighted) from replay_tp09_counts))"
        " from tp09_response"
    ).fetchone()[0]
    assert weights < 1e-6


@pytest.mark.slow
def test_sector_replay_reproduces_the_published_measures(replay):
    result, _, timings = replay
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    summary = (
        result.group_by("measure", "rsh_stock", "outcome")
        .len()
        .sort("measure", "rsh_stock", "outcome")
    )
    summary.write_csv(ARTIFACTS / "summary.csv")
    result.filter(pl.col("outcome") != "reproduced").write_csv(ARTIFACTS / "not_reproduced.csv")
    timings.write_csv(ARTIFACTS / "timings.csv")

    assert timings["landlords"].sum() == 360  # 359 with management information + Tandridge (TP09)
    # The generator (this file) is set-based: building every landlord's rows takes seconds. The
    # measure code runs once per landlord; its time is recorded in timings.csv, not asserted here.
    assert timings["build_seconds"].max() < 30
    compared = result.filter(~pl.col("outcome").str.starts_with("not_published"))
    per_measure = dict(
        compared.group_by("measure").agg(ok=(pl.col("outcome") == "reproduced").sum()).iter_rows()
    )
    # Every published figure reproduces: CH01 and CH02 for 354 LCRA + 59 LCHO + 2 Combined
    # landlord-stock pairs (CH02 stage 1 and its split: 414, the RSH excluded one: [E]); TP09 for
    # 352 LCRA (one [E]) + 59 LCHO + 2 Combined. Everything else was not published ([X] blanks, the
    # [U] the RSH prints for blank inputs, [E]) and is counted in summary.csv, never compared.
    assert per_measure["CH01_1"] == per_measure["CH01_2"] == 415
    assert per_measure["CH02_1"] == 414 and per_measure["CH02_2"] == 415
    assert per_measure["CH02_1_without_ext"] == per_measure["CH02_1_with_ext"] == 414
    assert per_measure["CH02_2_without_ext"] == per_measure["CH02_2_with_ext"] == 415
    assert per_measure["TP09"] == 413
    failures = compared.filter(pl.col("outcome") != "reproduced")
    assert failures.is_empty(), failures
    excluded = result.filter(pl.col("outcome") == "not_published_excluded")
    assert sorted(excluded.select("landlord_id", "measure").rows()) == [
        ("rsh_00au", "CH02_1"),
        ("rsh_00au", "CH02_1_with_ext"),
        ("rsh_00au", "CH02_1_without_ext"),
        ("rsh_lh0279", "TP09"),
    ]


@pytest.mark.slow
def test_tsm_returns_of_the_replayed_landlords_match_the_workbook(replay):
    """The TSM return, field code by field code, equals what each landlord submitted to the RSH."""
    _, returns, _ = replay
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    returns.group_by("outcome").len().sort("outcome").write_csv(
        ARTIFACTS / "tsm_return_summary.csv"
    )
    returns.filter(~pl.col("outcome").is_in(["reproduced", "blank_both"])).write_csv(
        ARTIFACTS / "tsm_return_not_reproduced.csv"
    )
    outcomes = dict(returns.group_by("outcome").len().iter_rows())
    # 415 landlord-stock pairs x 16 CH fields (less the 5 CH02 stage 1 cells of 00AU the RSH
    # excluded, [E]) + 413 TP09 pairs x 8 fields (filter yes / no, five answers, TP09), less the
    # three filter cells below.
    assert outcomes["reproduced"] == 415 * 16 - 5 + 413 * 8 - 3, outcomes
    # The filter counts are the only fields not reproduced, each for a reason in the replay data:
    # 00AR left its "no" count blank ([X]; the replay has no such respondents, so the return says
    # 0); 00AK's and L4552's published weighted answer counts, each rounded to 1 dp, add up to 0.1
    # more than their published "yes" total, so the replay cannot build a don't-know remainder.
    others = returns.filter(~pl.col("outcome").is_in(["reproduced", "blank_both", "rsh_excluded"]))
    assert sorted(others.select("landlord_id", "field_code", "outcome").rows()) == [
        ("rsh_00ak", "TP09_Filter_Yes_LCRA", "value_differs"),
        ("rsh_00ar", "TP09_Fiter_No_LCRA", "reported_where_rsh_blank"),
        ("rsh_l4552", "TP09_Filter_Yes_LCRA", "value_differs"),
    ], others
    excluded = returns.filter(pl.col("outcome") == "rsh_excluded")
    # 00AU's CH02 stage 1 ([E]), LH0279's TP09 ([E]), Stoke's and Cannock Chase's perception
    # surveys and Tandridge's management information (excluded by the RSH).
    assert set(excluded["landlord_id"]) == {
        "rsh_00au",
        "rsh_lh0279",
        "rsh_00gl",
        "rsh_41ub",
        "rsh_43uk",
    }
