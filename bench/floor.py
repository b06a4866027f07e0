"""The floor of the command benchmark: one hand-written DuckDB script for a group of landlords.

Independent of the product's code (it shares only bench/'s own parsing helpers with
:mod:`bench.baseline_duckdb`), written for the long export layout of :mod:`bench.group`. In one
in-memory DuckDB connection, for every landlord of the group at once, it reads the raw CSVs, maps
the codes, validates the record rules, drops exact duplicate rows (and quarantines conflicting rows
and stage 2 received before the stage 1 response), builds each landlord's working-day calendar
(bank holidays of the regime and the landlord's closures) and computes, per reporting year:

- CH01/CH02 per stock type (regulator view, extensions capped at the Code's limits) with the
  without / with extension split;
- acknowledgement in time per stage and regime;
- mean and median working days from receipt to response per stage;
- ARC indicators 3 and 4 (Scottish stages: responded in full, in time, mean working days);
- escalation rate (stage 1 responses in the year escalated by the data cut) and refusals;
- TP09 per stock type (weighted).

It writes nothing: the figures come back as one table (``landlord``, ``year``, ``measure``,
``breakdown_value``, ``numerator``, ``denominator``). Run as its own process by the benchmark::

    uv run python -m bench.floor bench/data/group_100000 --years 2022-23:2024-25
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import time
from pathlib import Path

import duckdb
import holidays
import polars as pl
import yaml

from bench.baseline_duckdb import _csv, _parse_select
from bench.common import REGULATOR_EXTENSION_CAP
from bench.group import LONG_COLUMNS


def landlords(root: Path, only: list[str] | None = None) -> list[tuple[str, Path, dict]]:
    found = []
    for ws in sorted(p for p in Path(root).iterdir() if (p / "landlord.yaml").is_file()):
        if only and ws.name not in only:
            continue
        config = yaml.safe_load((ws / "landlord.yaml").read_text(encoding="utf-8"))
        if not re.fullmatch(r"[a-z0-9_]+", str(config["landlord_id"])):
            raise ValueError(f"{ws.name}: landlord_id must be lower-case letters, digits and _")
        found.append((config["landlord_id"], ws, config))
    return found


def _reference_tables(con, group) -> None:
    """off-days, calendar, policy versions and stock of every landlord (small tables)."""
    bank = {
        regime: sorted(holidays.country_holidays("GB", subdiv=sub, years=range(2019, 2029)))
        for regime, sub in (("eng", "ENG"), ("sct", "SCT"))
    }
    off, pol, stk = [], [], []
    for lid, _, config in group:
        for regime in ("eng", "sct"):
            days = set(bank[regime]) | {
                c["date"]
                for c in config.get("closures", [])
                if regime in c.get("regimes", [regime])
            }
            off += [(lid, regime, d) for d in days]
        versions = config["policy_versions"]
        for i, v in enumerate(versions):
            end = (
                versions[i + 1]["effective_from"] if i + 1 < len(versions) else dt.date(9999, 1, 1)
            )
            for regime, stages in v["timescales"].items():
                for stage in (1, 2):
                    t = stages[f"stage_{stage}"]
                    pol.append(
                        (
                            lid,
                            v["effective_from"],
                            end,
                            regime,
                            stage,
                            t.get("acknowledge_wd"),
                            t["respond_wd"],
                            t.get("clock_starts", "acknowledgement"),
                            v.get("anonymous_accepted", True),
                            ",".join(v.get("outside_tsm_service_areas", [])),
                            REGULATOR_EXTENSION_CAP[(regime, stage)],
                        )  # fmt: skip
                    )
        stk += [
            (lid, s["year_end"], s["stock_type"], s.get("country", "eng"), s["units_owned"])
            for s in config["stock"]
        ]
    columns = {
        "off": ["lid", "regime", "d"],
        "pol": [
            "lid",
            "f",
            "t",
            "regime",
            "stage",
            "ack",
            "respond",
            "clock",
            "anon",
            "outside",
            "cap",
        ],  # fmt: skip
        "stk": ["lid", "ye", "st", "c", "units"],
    }
    for name, rows in (("off", off), ("pol", pol), ("stk", stk)):
        frame = pl.DataFrame(rows, schema=columns[name], orient="row")  # noqa: F841
        con.execute(f"create temp table {name} as select * from frame")  # noqa: S608
    con.execute(
        """
        create temp table cal as
        with days as (
            select l.lid, r.regime, g.d::date as d
            from (select distinct lid from pol) l, (values ('eng'), ('sct')) r(regime),
                 generate_series(date '2019-01-01', date '2028-12-31', interval 1 day) g(d)
        ), flagged as (
            select days.*, isodow(days.d) < 6 and off.d is null as is_wd
            from days left join off using (lid, regime, d)
        )
        select lid, regime, d, is_wd,
               sum(is_wd::int) over (partition by lid, regime order by d) as wdi
        from flagged
        """
    )


def _load(con, group) -> None:
    """Every landlord's export parsed and checked in one statement; then the set rules."""
    parts = []
    for lid, ws, config in group:
        cut = config.get("data_cut_date") or dt.date.today()
        source = _csv(ws / "exports" / "stage_events.csv", LONG_COLUMNS)
        select = _parse_select("long", source, lid, cut)  # lid checked in landlords()
        parts.append(f"select '{lid}' as lid, * from ({select})")  # noqa: S608
    # one typed table straight from the parse (no intermediate copy)
    con.execute(
        """
        create temp table rec as
        select lid, rn, row_hash, cid, category, channel, c_recv, tenure, regime, area, owned,
               anon, coll, vuln, stage_no as stage, s0_recv as recv, s0_ack as ack,
               s0_ext as ext, s0_resp as resp, s0_out as outcome, s0_ref as refused,
               coalesce(c_rule, s0_rule) as rule
        from ("""  # noqa: S608
        + " union all ".join(parts)
        + ")"
    )
    con.execute(
        """
        -- exact duplicate rows: later copies go; two different rows for a complaint and stage:
        -- both go; stage 2 received before its stage 1 response goes
        create temp table set_rule as
        with copies as (
            select lid, row_hash, min(rn) as first_rn from rec
            group by lid, row_hash having count(*) > 1
        )
        select rec.lid, rec.rn, 'duplicate_row' as rule
        from rec join copies using (lid, row_hash) where rec.rn > copies.first_rn;
        insert into set_rule
        with conflict as (
            select lid, cid, stage from rec anti join set_rule using (lid, rn)
            group by all having min(row_hash) <> max(row_hash)
        )
        select lid, rn, 'conflicting_rows' from rec join conflict using (lid, cid, stage)
        anti join set_rule using (lid, rn);
        insert into set_rule
        with ok as (select * from rec anti join set_rule using (lid, rn) where rule is null)
        select s2.lid, s2.rn, 'stage2_before_stage1_response'
        from ok s2 join ok s1 on s1.lid = s2.lid and s1.cid = s2.cid and s1.stage = 1
        where s2.stage = 2 and s2.recv < s1.resp;
        create temp table ok as
        select * from rec anti join set_rule using (lid, rn) where rule is null;
        """
    )


MEASURES_SQL = """
with yr as (
    select year, make_date(left(year, 4)::int, 4, 1) as ys,
           make_date(left(year, 4)::int + 1, 3, 31) as ye
    from unnest($years) t(year)
), cmp as (  -- complaint-level fields from the lowest valid stage
    select lid, cid, arg_min(tenure, stage) as tenure, arg_min(regime, stage) as regime,
           arg_min(owned, stage) as owned, arg_min(anon, stage) as anonymous,
           arg_min(area, stage) as service_area
    from ok group by lid, cid
), cut as (select lid, d as cut from (select unnest($lids) as lid, unnest($cuts)::date as d)
), st as (
    select s.lid, s.cid, s.stage, s.recv, s.ack, s.ext, s.resp, s.outcome, s.refused,
           c.tenure, c.regime, c.owned, c.anonymous, c.service_area, k.cut,
           p.ack as ack_limit, p.respond, p.clock, p.anon as anon_ok, p.outside, p.cap,
           r.wdi as r_i, a.wdi as a_i,
           d.wdi as d_i, d.wdi + case when d.is_wd then 0 else 0.5 end as d_x,
           kc.wdi + case when kc.is_wd then 0 else 0.5 end as cut_x
    from ok s
    join cmp c using (lid, cid)
    join cut k using (lid)
    join pol p on p.lid = s.lid and p.regime = c.regime and p.stage = s.stage
              and s.recv >= p.f and s.recv < p.t
    join cal r on r.lid = s.lid and r.regime = c.regime and r.d = s.recv
    left join cal a on a.lid = s.lid and a.regime = c.regime and a.d = s.ack
    left join cal d on d.lid = s.lid and d.regime = c.regime and d.d = s.resp
    join cal kc on kc.lid = s.lid and kc.regime = c.regime and kc.d = k.cut
), judged as (
    select *,
        not refused and (anon_ok or not anonymous) as counted,
        ack_limit is not null and a_i is not null and a_i - r_i <= ack_limit as ack_ok,
        a_i is null and r_i + ack_limit >= cut_x as ack_pending,
        case when ack_limit is null or clock = 'receipt' then r_i
             when a_i is not null and a_i - r_i <= ack_limit then a_i
             else r_i + ack_limit end + respond as base_i
    from st
), timed as (
    select *,
        d_x is not null and d_x <= base_i as in_wo,
        d_x is not null and ext > 0 and d_x > base_i and d_x <= base_i + least(ext, cap) as in_w,
        counted and regime = 'eng' and tenure in ('lcra', 'lcho') and owned
            and not list_contains(string_split(outside, ','), service_area) as tsm
    from judged
), by_year as (
    select yr.year, t.* from timed t join yr on t.recv between yr.ys and yr.ye
), tsm_counts as (
    -- CH02: a withdrawn stage is not in time, whatever its response date (design.md s6)
    select lid, year, stage, tenure as st, count(*) as n,
           count(*) filter (where in_wo and outcome <> 'withdrawn') as wo,
           count(*) filter (where in_w and outcome <> 'withdrawn') as w
    from by_year where tsm group by all
), types as (
    select l.lid, yr.year, yr.ye, s.stage, t.st
    from (select distinct lid from pol) l, yr, (values (1), (2)) s(stage),
         (values ('lcra'), ('lcho')) t(st)
), per_type as (
    select t.lid, t.year, t.stage, t.st, coalesce(c.n, 0) as n, coalesce(c.wo, 0) as wo,
           coalesce(c.w, 0) as w, coalesce(k.units, 0) as units
    from types t
    left join tsm_counts c using (lid, year, stage, st)
    left join stk k on k.lid = t.lid and k.ye = t.ye and k.st = t.st and k.c = 'eng'
), with_comb as (
    select * from per_type
    union all
    select lid, year, stage, 'combined', sum(n), sum(wo), sum(w), sum(units)
    from per_type group by lid, year, stage
), responded as (  -- counted stages received in the year and responded by the cut
    select *, d_i - r_i as wd from by_year where counted and resp is not null and resp <= cut
), escalated as (  -- complaints with a counted stage 2 received by the data cut
    select distinct lid, cid from timed where stage = 2 and counted and recv <= cut
), escalation as (
    select yr.year, s1.lid, s1.regime, count(*) as responses, count(e.cid) as escalated
    from timed s1 join yr on s1.resp between yr.ys and yr.ye
    left join escalated e on e.lid = s1.lid and e.cid = s1.cid
    where s1.stage = 1 and s1.counted and s1.resp <= s1.cut
    group by all
), arc as (
    select *, resp is not null and resp <= cut and outcome not in ('withdrawn', 'open') as in_full
    from by_year where counted and regime = 'sct'
)
select lid, year, 'CH01_' || stage as measure, st as breakdown_value, n as numerator,
       units as denominator from with_comb
union all select lid, year, 'CH02_' || stage, st, wo + w, n from with_comb
union all select lid, year, 'CH02_' || stage || '_without_ext', st, wo, null from with_comb
union all select lid, year, 'CH02_' || stage || '_with_ext', st, w, null from with_comb
union all
select lid, year, 'ACK_' || stage, regime, count(*) filter (where ack_ok), count(*)
from by_year where counted and ack_limit is not null and not ack_pending group by all
union all
select lid, year, 'wd_to_response_mean_' || stage, 'all', sum(wd), count(*)
from responded group by all
union all
select lid, year, 'wd_to_response_median_' || stage, 'all', median(wd), count(*)
from responded group by all
union all
select lid, year, 'escalation_rate', 'all', sum(escalated), sum(responses)
from escalation group by all
union all
select lid, year, 'refused_' || stage, 'all', count(*) filter (where refused), null
from by_year group by all
union all
select lid, year, 'ARC_3_' || stage, 'all', count(*) filter (where in_full), count(*)
from arc group by all
union all
select lid, year, 'ARC_3_in_time_' || stage, 'all', count(*) filter (where in_full and (in_wo or in_w)),
       count(*)
from arc group by all
union all
select lid, year, 'ARC_4_' || stage, 'all', sum(d_i - r_i) filter (where in_full),
       count(*) filter (where in_full)
from arc group by all
"""


def _tp09(con, group, years: list[str]) -> pl.DataFrame:
    files = [str(ws / "surveys" / "tp09_responses.csv") for _, ws, _ in group]
    lids = [lid for lid, _, _ in group]
    return con.sql(
        """
        with yr as (
            select year, make_date(left(year, 4)::int, 4, 1) as ys,
                   make_date(left(year, 4)::int + 1, 3, 31) as ye
            from unnest($years) t(year)
        ), files as (select unnest($files) as filename, unnest($lids) as lid
        ), raw as (
            select files.lid, try_strptime("Interview Date", '%d/%m/%Y')::date as d,
                   case "Tenure Type" when 'GN' then 'lcra' when 'SO' then 'lcho' end as st,
                   "Complained in last 12 months" = 'Yes' as complained,
                   "TP09 Complaint handling satisfaction" as answer,
                   try_cast("Weight" as double) as w
            from read_csv($files, header = true, all_varchar = true, filename = true) r
            join files using (filename)
        ), counted as (
            select lid, yr.year, st,
                   sum(w) filter (where answer in ('Very satisfied', 'Fairly satisfied')) as sat,
                   sum(w) as answered
            from raw join yr on raw.d between yr.ys and yr.ye
            where complained and answer in ('Very satisfied', 'Fairly satisfied',
                'Neither satisfied nor dissatisfied', 'Fairly dissatisfied', 'Very dissatisfied')
              and st is not null and w is not null
            group by all
        )
        -- both stock types every year, 0 / 0 when nobody answered
        select files.lid, yr.year, 'TP09' as measure, t.st as breakdown_value,
               coalesce(c.sat, 0) as numerator, coalesce(c.answered, 0) as denominator
        from files, yr, (values ('lcra'), ('lcho')) t(st)
        left join counted c on c.lid = files.lid and c.year = yr.year and c.st = t.st
        union all
        select lid, year, 'TP09', 'combined', coalesce(sum(sat), 0), sum(answered)
        from counted group by lid, year
        """,
        params={"years": years, "files": files, "lids": lids},
    ).pl()


def run(root: Path, years: list[str], only: list[str] | None = None) -> pl.DataFrame:
    """Every figure of every landlord under ``root`` (or the folders ``only``) for ``years``."""
    group = landlords(root, only)
    con = duckdb.connect()  # in memory: the floor persists nothing
    try:
        _reference_tables(con, group)
        _load(con, group)
        cuts = [config.get("data_cut_date") or dt.date.today() for _, _, config in group]
        measures = con.sql(
            MEASURES_SQL,
            params={"years": years, "lids": [lid for lid, _, _ in group], "cuts": cuts},
        ).pl()
        result = pl.concat([measures, _tp09(con, group, years)], how="vertical_relaxed")
    finally:
        con.close()
    return result.rename({"lid": "landlord"}).with_columns(
        pl.col("numerator").cast(pl.Float64), pl.col("denominator").cast(pl.Float64)
    )


def year_range(text: str) -> list[str]:
    first, _, last = text.partition(":")
    last = last or first
    return [f"{y}-{str(y + 1)[2:]}" for y in range(int(first[:4]), int(last[:4]) + 1)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="folder of landlord workspaces (bench.group)")
    parser.add_argument("--years", default="2022-23:2024-25")
    parser.add_argument("--only", help="comma-separated landlord folders (default: all)")
    parser.add_argument("--out", type=Path, help="write the figures here (parquet)")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    result = run(args.root, year_range(args.years), args.only.split(",") if args.only else None)
    seconds = time.perf_counter() - t0
    if args.out:
        result.write_parquet(args.out)
    print(f"floor: {result.height} figures in {seconds:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
