"""The floor: hand-written DuckDB SQL over the benchmark workspace's exports (issue 8).

The fastest honest version of the work the pipeline does, written for these three export layouts
only (column names and codes are hard-coded, as a one-off script would have them) and independent of
the product's code: it reads every file, validates the same rules, pseudonymises ids, persists the
canonical tables and the quarantine to a DuckDB file, and computes CH01/CH02 (regulator view, with
and without extension), acknowledgement timeliness and TP09 per year, written to ``return.csv``.

Rules (design.md section 5), implemented here on their own:

- working days: not Saturday/Sunday, not a bank holiday of the regime (``holidays``: England & Wales
  or Scotland), not a closure day of landlord.yaml; ``wdi(d)`` = working days up to and including d,
  so ``wd(a, b) = wdi(b) - wdi(a)`` (day 0 is the date received);
- acknowledged in time: ``wd(received, acknowledged) <= ack limit``;
- clock start: the acknowledgement when in time, else received + ack limit WD; receipt when the stage
  has no acknowledgement step or the policy's clock starts at receipt;
- base deadline = start + respond limit WD; extended = base + min(extension, regulator cap) WD;
  deadlines are compared in working-day index space, a response on a non-working day counting as
  just after the preceding working day;
- policy version in force on the stage's received date; refused stages excluded; CH01 population:
  English complaints, tenure lcra/lcho, tenant of owned stock, service area not outside the TSM.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import duckdb
import fastexcel
import holidays
import polars as pl

from bench.common import REGULATOR_EXTENSION_CAP, read_landlord
from bench.generate import LONG_COLUMNS

KEY = "benchmark-key"

# Per-kind code maps: export value (lower-cased, trimmed) -> canonical code. A value not listed is
# an unknown code; a blank cell takes the default.
TENURE = {
    "erica": {
        "general needs": "lcra",
        "shared ownership": "lcho",
        "leasehold": "leaseholder",
        "market rent": "other",
    },
    "homemaster": {"gn": "lcra", "so": "lcho", "lh": "leaseholder", "mr": "other"},
    "long": {
        "social rent": "lcra",
        "shared ownership": "lcho",
        "leaseholder": "leaseholder",
        "market rent": "other",
    },
}
OUTCOME = {
    "erica": {
        "upheld": "upheld",
        "partially upheld": "partially_upheld",
        "not upheld": "not_upheld",
        "withdrawn": "withdrawn",
        "discontinued - legal action": "discontinued",
    },
    "homemaster": {
        "uph": "upheld",
        "pup": "partially_upheld",
        "nup": "not_upheld",
        "wdn": "withdrawn",
        "dis": "discontinued",
    },
    "long": {
        "upheld": "upheld",
        "partially upheld": "partially_upheld",
        "not upheld": "not_upheld",
        "withdrawn": "withdrawn",
        "discontinued": "discontinued",
    },
}
AREA = {
    "erica": {
        "repairs": "repairs",
        "asb": "asb_handling",
        "housing management": "housing",
        "other": "other",
        "care": "care",
        "heat network": "heat_network",
    },
    "long": {k: k for k in ("repairs", "asb_handling", "housing", "other", "care", "heat_network")},
}
AREA["homemaster"] = AREA["erica"]
DATE_FORMATS = {
    "erica": ["%d/%m/%Y"],
    "homemaster": ["%Y-%m-%d %H:%M:%S", "%d/%m/%Y"],  # date cells as text, or typed-in text
    "long": ["%Y-%m-%d"],
}


def _fetch(con: duckdb.DuckDBPyConnection, query: str, params=None) -> pl.DataFrame:
    """Run a query and return its result as a polars frame (through Arrow, no copy per row)."""
    return con.sql(query, params=params).pl()


def _case(expr: str, codes: dict[str, str], default: str) -> str:
    """CASE over lower(trim(expr)): code, the default for blanks, '?' for unknown codes."""
    whens = " ".join(f"when '{raw}' then '{code}'" for raw, code in codes.items())
    return (
        f"case when nullif(trim({expr}), '') is null then {default} "
        f"else (case lower(trim({expr})) {whens} else '?' end) end"
    )


def _bool(expr: str) -> str:
    """Y/N, Yes/No, True/False, 1/0 -> boolean; blank -> false; anything else -> null (bad)."""
    return (
        f"case when nullif(trim({expr}), '') is null then false "
        f"when lower(trim({expr})) in ('y', 'yes', 'true', '1') then true "
        f"when lower(trim({expr})) in ('n', 'no', 'false', '0') then false end"
    )


def _date(expr: str, kind: str) -> str:
    formats = ", ".join(f"'{f}'" for f in DATE_FORMATS[kind])
    return f"try_strptime(nullif(trim({expr}), ''), [{formats}])::date"


def _calendar(con: duckdb.DuckDBPyConnection, landlord: dict) -> None:
    """cal(regime, d, is_wd, wdi) from 2019 to 2028: bank holidays and closures are not WDs."""
    rows = []
    for regime, subdiv in (("eng", "ENG"), ("sct", "SCT")):
        days = set(holidays.country_holidays("GB", subdiv=subdiv, years=range(2019, 2029)))
        days |= {
            c["date"] for c in landlord.get("closures", []) if regime in c.get("regimes", [regime])
        }
        rows += [(regime, d) for d in sorted(days)]
    # one statement with list parameters: executemany would cost a round trip per row
    con.execute(
        "create or replace temp table off_day as "
        "select unnest($regime) as regime, unnest($d)::date as d",
        {"regime": [r for r, _ in rows], "d": [d for _, d in rows]},
    )
    con.execute(
        """
        create or replace temp table cal as
        with days as (
            select r.regime, g.d::date as d
            from (values ('eng'), ('sct')) r(regime),
                 generate_series(date '2019-01-01', date '2028-12-31', interval 1 day) g(d)
        ), flagged as (
            select days.regime, days.d,
                   isodow(days.d) < 6 and off_day.d is null as is_wd
            from days left join off_day using (regime, d)
        )
        select regime, d, is_wd,
               sum(is_wd::int) over (partition by regime order by d) as wdi
        from flagged
        """
    )


def _policy(con: duckdb.DuckDBPyConnection, landlord: dict) -> None:
    """pol(effective_from, effective_to, regime, stage, ack, respond, clock, anon, outside)."""
    versions = landlord["policy_versions"]
    rows = []
    for i, v in enumerate(versions):
        start = v["effective_from"]
        end = versions[i + 1]["effective_from"] if i + 1 < len(versions) else dt.date(9999, 1, 1)
        outside = ",".join(v.get("outside_tsm_service_areas", []))
        for regime, stages in v["timescales"].items():
            for stage in (1, 2):
                t = stages[f"stage_{stage}"]
                rows.append(
                    (
                        start,
                        end,
                        regime,
                        stage,
                        t.get("acknowledge_wd"),
                        t["respond_wd"],
                        t.get("clock_starts", "acknowledgement"),
                        v.get("anonymous_accepted", True),
                        outside,
                        REGULATOR_EXTENSION_CAP[(regime, stage)],
                    )
                )
    con.execute(
        "create or replace temp table pol(f date, t date, regime varchar, stage int, ack int, "
        "respond int, clock varchar, anon boolean, outside varchar, cap int)"
    )
    con.executemany("insert into pol values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


# Source columns of the three layouts, in the canonical order used below:
# (complaint id, received, category, service area, channel, tenure, country, owned, anonymous,
#  collective, vulnerability) and per stage (received, ack, extension, response, outcome, refused).
LAYOUT = {
    "erica": {
        "complaint": [
            "Case Ref",
            "Date Received",
            "Complaint Type",
            "Service Area",
            "Contact Method",
            "Tenure",
            "Country",
            "Owned Stock",
            "Anonymous?",
            "Collective?",
            "Vulnerability Flag",
        ],
        1: [
            "Date Received",
            "Stage 1 Acknowledged",
            "Stage 1 Extension (WD)",
            "Stage 1 Response Date",
            "Stage 1 Outcome",
            "Stage 1 Refused",
        ],
        2: [
            "Stage 2 Requested",
            "Stage 2 Acknowledged",
            "Stage 2 Extension (WD)",
            "Stage 2 Response Date",
            "Stage 2 Outcome",
            "Stage 2 Refused",
        ],
    },
    "homemaster": {
        "complaint": [
            "Complaint No",
            "Logged",
            "Type",
            "Area",
            None,
            "Tenancy",
            None,
            "Owned",
            "Anon",
            "Group Complaint",
            "Vulnerable",
        ],
        1: ["Logged", "S1 Ack", "S1 Ext Days", "S1 Closed", "S1 Result", "S1 Refused"],
        2: ["S2 Logged", "S2 Ack", "S2 Ext Days", "S2 Closed", "S2 Result", "S2 Refused"],
    },
    "long": {
        "complaint": [
            "case_reference",
            "event_date",
            "category",
            "service_area",
            "channel",
            "tenure_type",
            "country",
            "owned_by_landlord",
            "anonymous",
            "collective",
            "vulnerable",
        ],
        0: [
            "event_date",
            "acknowledged_on",
            "extension_days",
            "responded_on",
            "outcome",
            "refused",
        ],
    },
}
REGIME = {"england": "eng", "scotland": "sct"}


def _q(column: str | None) -> str:
    return "null" if column is None else '"' + column.replace('"', '""') + '"'


def _parse_select(kind: str, source: str, src_name: str, cut: dt.date) -> str:
    """One streaming SELECT that parses, maps codes and applies the record rules of one file.

    The result has one row per source row: complaint-level fields and rule, and per stage (1 and
    2 for the wide layouts, 0 = "the row's stage" for the long one) typed fields, the stage's rule
    and the offending raw value. Nothing is materialised as text.
    """
    lay = LAYOUT[kind]
    cid, recv, cat, area, chan, ten, country, owned, anon, coll, vuln = (
        _q(c) for c in lay["complaint"]
    )
    stages = [k for k in lay if k != "complaint"]
    country_expr = _case(country, REGIME, "null") if country != "null" else "'eng'"
    inner = [
        f"{cid} as cid",
        f"{cat} as category",
        f"{chan} as channel",
        f"{_date(recv, kind)} as c_recv",
        f"nullif(trim({recv}), '') as c_recv_raw",
        f"{_case(ten, TENURE[kind], chr(39) + 'unknown' + chr(39))} as tenure",
        f"{ten} as tenure_raw",
        f"{country_expr} as regime",
        f"{_case(area, AREA[kind], 'null')} as area",
        f"{area} as area_raw",
        f"{_bool(owned)} as owned",
        f"{_bool(anon)} as anon",
        f"{_bool(coll)} as coll",
        f"{_bool(vuln)} as vuln",
        "hash(*columns(*)) as row_hash",
    ]
    if kind == "long":
        inner.append("case stage when 'Stage 1' then 1 when 'Stage 2' then 2 end as stage_no")
    for st in stages:
        r, a, e, d, o, f = (_q(c) for c in lay[st])
        inner += [
            f"nullif(trim({r}), '') as s{st}_recv_raw",
            f"{_date(r, kind)} as s{st}_recv",
            f"nullif(trim({a}), '') as s{st}_ack_raw",
            f"{_date(a, kind)} as s{st}_ack",
            f"nullif(trim({e}), '') as s{st}_ext_raw",
            f"try_cast(nullif(trim({e}), '') as double)::integer as s{st}_ext",
            f"nullif(trim({d}), '') as s{st}_resp_raw",
            f"{_date(d, kind)} as s{st}_resp",
            f"{_case(o, OUTCOME[kind], chr(39) + 'open' + chr(39))} as s{st}_out",
            f"{o} as s{st}_out_raw",
            f"{_bool(f)} as s{st}_ref",
        ]
    c_rule = f"""case
        when c_recv_raw is null then 'required_missing|received_date|'
        when c_recv is null then 'date_unparseable|received_date|' || c_recv_raw
        when c_recv > date '{cut}' then 'date_in_future|received_date|' || c_recv_raw
        when tenure = '?' then 'unknown_code|tenure|' || tenure_raw
        when area is null or area = '?' then 'unknown_code|service_area|' || coalesce(area_raw, '')
        when regime is null or regime = '?' then 'unknown_code|regime|'
        when owned is null or anon is null or coll is null or vuln is null
            then 'unknown_code|flags|'
        {"when stage_no is null then 'unknown_code|stage|'" if kind == "long" else ""}
        end as c_rule"""
    outer = [
        "src",
        "rn",
        "row_hash",
        "cid",
        "category",
        "channel",
        "c_recv",
        "tenure",
        "regime",
        "area",
        "owned",
        "anon",
        "coll",
        "vuln",
        c_rule,
    ]
    if kind == "long":
        outer.append("stage_no")
    for st in stages:
        outer += [
            f"s{st}_recv",
            f"s{st}_ack",
            f"coalesce(s{st}_ext, 0) as s{st}_ext",
            f"s{st}_resp",
            f"s{st}_out",
            f"s{st}_ref",
        ]
        outer.append(f"""case
            when s{st}_recv_raw is null then null
            when s{st}_recv is null then 'date_unparseable|received_date|' || s{st}_recv_raw
            when s{st}_recv > date '{cut}' then 'date_in_future|received_date|' || s{st}_recv_raw
            when s{st}_ack_raw is not null and s{st}_ack is null
                then 'date_unparseable|acknowledged_date|' || s{st}_ack_raw
            when s{st}_resp_raw is not null and s{st}_resp is null
                then 'date_unparseable|responded_date|' || s{st}_resp_raw
            when s{st}_ack > date '{cut}' then 'date_in_future|acknowledged_date|' || s{st}_ack_raw
            when s{st}_resp > date '{cut}' then 'date_in_future|responded_date|' || s{st}_resp_raw
            when s{st}_ack < s{st}_recv then 'ack_before_receipt|acknowledged_date|' || s{st}_ack_raw
            when s{st}_resp < s{st}_recv
                then 'response_before_receipt|responded_date|' || s{st}_resp_raw
            when s{st}_ext_raw is not null and s{st}_ext is null
                then 'number_unparseable|extension_wd|' || s{st}_ext_raw
            when s{st}_out = '?' then 'unknown_code|outcome|' || s{st}_out_raw
            when s{st}_ref is null then 'unknown_code|refused|'
            end as s{st}_rule""")
    return (
        f"select {', '.join(outer)} from (select '{src_name}' as src, "  # noqa: S608
        f"row_number() over () as rn, {', '.join(inner)} from {source})"
    )


def _csv(path: Path, columns: list[str]) -> str:
    """read_csv with every column named and typed as text: no sniffing, no silent type guesses."""
    spec = ", ".join(f"'{c}': 'VARCHAR'" for c in columns)
    return (
        f"read_csv('{path}', header = true, auto_detect = false, delim = ',', quote = '\"', "
        f"escape = '\"', columns = {{{spec}}})"
    )


def _load_sources(con: duckdb.DuckDBPyConnection, workspace: Path, cut: dt.date) -> None:
    """Read every export, one file at a time, parsed and checked, into rows_wide and rows_long."""
    exports = workspace / "exports"
    wide_cols = list(
        dict.fromkeys(LAYOUT["erica"]["complaint"] + LAYOUT["erica"][1] + LAYOUT["erica"][2])
    )
    first = True
    for path in sorted(exports.glob("erica_complaints_*.csv")):
        select = _parse_select("erica", _csv(path, wide_cols), f"exports/{path.name}", cut)
        verb = "create or replace temp table rows_wide as " if first else "insert into rows_wide "
        con.execute(verb + select)
        first = False
    xlsx = exports / "homemaster_report.xlsx"
    if xlsx.exists():
        sheet = fastexcel.read_excel(xlsx).load_sheet_by_name(
            "Complaints Report", header_row=3, dtypes="string"
        )
        hm = sheet.to_arrow()  # noqa: F841  (scanned by name in the SQL below)
        source = "(select * from hm where not coalesce(\"Complaint No\" like 'Total%', false))"
        select = _parse_select("homemaster", source, "exports/homemaster_report.xlsx", cut)
        verb = "create or replace temp table rows_wide as " if first else "insert into rows_wide "
        con.execute(verb + select)
    select = _parse_select(
        "long", _csv(exports / "stage_events.csv", LONG_COLUMNS), "exports/stage_events.csv", cut
    )
    con.execute("create or replace temp table rows_long as " + select)


def _stage_records(con: duckdb.DuckDBPyConnection) -> None:
    """rec: one row per stage record with its first broken rule (null = loads).

    Per-record rules come from the parse; then exact duplicate rows (later copies), conflicting
    rows for one complaint and stage (all of them), ids in more than one file (all but the first
    file) and stage 2 received before the stage 1 response.
    """
    stage_cols = (
        "s{n}_recv as recv, s{n}_ack as ack, s{n}_ext as ext, s{n}_resp as resp, "
        "s{n}_out as outcome, s{n}_ref as refused, coalesce(c_rule, s{n}_rule) as rule"
    )
    common = (
        "src, rn, row_hash, cid, category, channel, c_recv, tenure, regime, area, owned, "
        "anon, coll, vuln"
    )
    con.execute(
        f"""
        create or replace temp table rec as
        select {common}, 1 as stage, {stage_cols.format(n=1)} from rows_wide
        where s1_recv is not null or s1_rule is not null or c_rule is not null
        union all
        select {common}, 2 as stage, {stage_cols.format(n=2)} from rows_wide
        where s2_recv is not null or s2_rule is not null
        union all
        select {common}, stage_no as stage, {stage_cols.format(n=0)} from rows_long;

        -- Rules over sets of records go to the small table set_rule (src, rn, stage, rule).
        -- Later copies of an identical source row (a wide row's stages share its hash):
        create or replace temp table set_rule as
        with copies as (
            select src, row_hash, stage, min(rn) as first_rn from rec
            group by src, row_hash, stage having count(*) > 1
        )
        select rec.src, rec.rn, rec.stage, 'duplicate_row||' as rule
        from rec join copies using (src, row_hash, stage)
        where rec.rn > copies.first_rn;
        -- ids in more than one file (all but the first file), then two different rows for one
        -- complaint and stage (all of them)
        insert into set_rule
        with cross_file as (
            select cid, min(src) as first_src from rec group by cid having min(src) <> max(src)
        )
        select rec.src, rec.rn, rec.stage, 'duplicate_id_across_files|complaint_id|'
        from rec join cross_file using (cid) where rec.src <> cross_file.first_src;
        insert into set_rule
        with conflict as (
            select cid, stage from rec anti join set_rule using (src, rn, stage)
            group by cid, stage having min(row_hash) <> max(row_hash)
        )
        select rec.src, rec.rn, rec.stage, 'conflicting_rows|complaint_id|'
        from rec join conflict using (cid, stage) anti join set_rule using (src, rn, stage);
        -- stage 2 received before its (valid) stage 1 response
        insert into set_rule
        with ok as (
            select * from rec anti join set_rule using (src, rn, stage) where rule is null
        )
        select s2.src, s2.rn, 2, 'stage2_before_stage1_response|received_date|'
        from ok as s2 join ok as s1 on s1.cid = s2.cid and s1.stage = 1
        where s2.stage = 2 and s2.recv < s1.resp;

        create or replace temp view ok as
        select * from rec anti join set_rule using (src, rn, stage) where rule is null;
        """  # noqa: S608
    )


def _canonical(con: duckdb.DuckDBPyConnection) -> None:
    """Persist complaint, complaint_stage and quarantine (ids pseudonymised) in the floor's file.

    Complaint-level fields come from the record of the lowest valid stage.
    """
    pseudo = f"substr(sha256('{KEY}' || '|' || upper(trim(cid))), 1, 16)"
    con.execute(
        f"""
        create or replace table complaint_stage as
        select {pseudo} as complaint_id, stage, recv as received_date,
               ack as acknowledged_date, ext as extension_wd, resp as responded_date, outcome,
               refused, src as source_file, rn as source_row
        from ok;

        create or replace table complaint as
        with lowest as (
            select * from ok where stage = 1
            union all
            select * from ok as s2 where stage = 2
                and not exists (select 1 from ok as s1 where s1.cid = s2.cid and s1.stage = 1)
        )
        select {pseudo} as complaint_id, c_recv as received_date, category,
               area as service_area, channel, tenure, regime, owned as is_tenant_of_owned_stock,
               anon as anonymous, coll as collective, vuln as vulnerability,
               src as source_file, rn as source_row
        from lowest;

        create or replace table quarantine as
        with flagged as (
            select rec.src, rec.rn, coalesce(set_rule.rule, rec.rule) as rule
            from rec left join set_rule using (src, rn, stage)
            where rec.rule is not null or set_rule.rule is not null
        )
        select src as source_file, rn as source_row,
               split_part(rule, '|', 1) as rule, split_part(rule, '|', 2) as column_name,
               nullif(split_part(rule, '|', 3), '') as raw_value
        from flagged;
        """  # noqa: S608
    )


def _measures(
    con: duckdb.DuckDBPyConnection, landlord: dict, years: list[str], cut: dt.date
) -> pl.DataFrame:
    con.execute(
        "create or replace temp table yr as select y, make_date(y::int, 4, 1) as ys, "
        "make_date(y::int + 1, 3, 31) as ye, "
        "y || '-' || right((y::int + 1)::varchar, 2) as year from unnest(?) t(y)",
        [[y[:4] for y in years]],
    )
    stock_rows = [
        (row["year_end"], row["stock_type"], row.get("country", "eng"), row["units_owned"])
        for row in landlord["stock"]
    ]
    con.execute("create or replace temp table stk(ye date, st varchar, c varchar, units int)")
    con.executemany("insert into stk values (?, ?, ?, ?)", stock_rows)
    return _fetch(
        con,
        """
        with st as (
            select s.*, c.tenure, c.regime, c.is_tenant_of_owned_stock as owned, c.anonymous,
                   c.service_area,
                   p.ack as ack_limit, p.respond, p.clock, p.anon as anon_ok, p.outside, p.cap,
                   r.wdi as r_i, a.wdi as a_i,
                   d.wdi + case when d.is_wd then 0 else 0.5 end as d_x,
                   k.wdi + case when k.is_wd then 0 else 0.5 end as cut_x
            from complaint_stage s
            join complaint c using (complaint_id)
            join pol p on p.regime = c.regime and p.stage = s.stage
                      and s.received_date >= p.f and s.received_date < p.t
            join cal r on r.regime = c.regime and r.d = s.received_date
            left join cal a on a.regime = c.regime and a.d = s.acknowledged_date
            left join cal d on d.regime = c.regime and d.d = s.responded_date
            join cal k on k.regime = c.regime and k.d = $cut
            where not s.refused
        ), timed as (
            select *,
                ack_limit is not null and a_i is not null and a_i - r_i <= ack_limit as ack_ok,
                -- not acknowledged yet and the ack due date is on or after the data cut: pending
                a_i is null and r_i + ack_limit >= cut_x as ack_pending,
                case when ack_limit is null or clock = 'receipt' then r_i
                     when a_i is not null and a_i - r_i <= ack_limit then a_i
                     else r_i + ack_limit end + respond as base_i
            from st
        ), judged as (
            select *,
                d_x is not null and d_x <= base_i as in_wo,
                d_x is not null and extension_wd > 0 and d_x > base_i
                    and d_x <= base_i + least(extension_wd, cap) as in_w,
                regime = 'eng' and tenure in ('lcra', 'lcho') and owned
                    and (anon_ok or not anonymous)
                    and not list_contains(string_split(outside, ','), service_area) as tsm
            from timed
        ), by_year as (
            select yr.year, j.* from judged j join yr on j.received_date between yr.ys and yr.ye
        ), tsm_counts as (
            -- CH02: a withdrawn stage is not in time, whatever its response date
            select year, stage, tenure as st, count(*) as n,
                   count(*) filter (where in_wo and outcome <> 'withdrawn') as wo,
                   count(*) filter (where in_w and outcome <> 'withdrawn') as w
            from by_year where tsm group by all
        ), types as (
            select yr.year, yr.ye, s.stage, t.st
            from yr, (values (1), (2)) s(stage), (values ('lcra'), ('lcho')) t(st)
        ), per_type as (
            select t.year, t.stage, t.st, coalesce(c.n, 0) as n, coalesce(c.wo, 0) as wo,
                   coalesce(c.w, 0) as w, coalesce(k.units, 0) as units
            from types t
            left join tsm_counts c using (year, stage, st)
            left join stk k on k.ye = t.ye and k.st = t.st and k.c = 'eng'
        ), with_comb as (
            select * from per_type
            union all
            select year, stage, 'combined', sum(n), sum(wo), sum(w), sum(units)
            from per_type group by year, stage
        )
        select year, 'CH01_' || stage as measure, st as breakdown_value, n as numerator,
               units as denominator from with_comb
        union all
        select year, 'CH02_' || stage, st, wo + w, n from with_comb
        union all
        select year, 'CH02_' || stage || '_without_ext', st, wo, null from with_comb
        union all
        select year, 'CH02_' || stage || '_with_ext', st, w, null from with_comb
        union all
        select year, 'ACK_' || stage, regime, count(*) filter (where ack_ok), count(*)
        from by_year where ack_limit is not null and not ack_pending group by all
        """,
        {"cut": cut},
    )


def _tp09(con: duckdb.DuckDBPyConnection, workspace: Path, years: list[str]) -> pl.DataFrame:
    """TP09 per stock type and combined: weighted very + fairly satisfied / the five answers."""
    return _fetch(
        con,
        """
        with raw as (
            select try_strptime("Interview Date", '%d/%m/%Y')::date as d,
                   case "Tenure Type" when 'GN' then 'lcra' when 'SO' then 'lcho' end as st,
                   "Complained in last 12 months" = 'Yes' as complained,
                   "TP09 Complaint handling satisfaction" as answer,
                   try_cast("Weight" as double) as w
            from read_csv(?, header=true, all_varchar=true)
        ), counted as (
            select yr.year, st,
                   sum(w) filter (where answer in ('Very satisfied', 'Fairly satisfied')) as sat,
                   sum(w) as answered
            from raw join yr on raw.d between yr.ys and yr.ye
            where complained and answer in ('Very satisfied', 'Fairly satisfied',
                'Neither satisfied nor dissatisfied', 'Fairly dissatisfied', 'Very dissatisfied')
              and st is not null and w is not null
            group by all
        )
        select year, 'TP09' as measure, st as breakdown_value, coalesce(sat, 0) as numerator,
               answered as denominator from counted
        union all
        select year, 'TP09', 'combined', coalesce(sum(sat), 0), sum(answered)
        from counted group by year
        """,
        [str(workspace / "surveys" / "tp09_responses.csv")],
    )


def run(workspace: Path, workdir: Path, years: list[str] | None = None) -> pl.DataFrame:
    """Run the floor over ``workspace``; write ``<workdir>/floor.duckdb`` and ``return.csv``.

    Parameters
    ----------
    workspace
        A workspace written by :mod:`bench.generate`.
    workdir
        Folder for the floor's DuckDB file and return CSV (emptied first).
    years
        Reporting years to compute (default: every year with stock in landlord.yaml).

    Returns
    -------
    polars.DataFrame
        The result table of :mod:`bench.common`.
    """
    workspace, workdir = Path(workspace), Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "floor.duckdb"
    db.unlink(missing_ok=True)
    landlord = read_landlord(workspace)
    if years is None:
        ends = sorted({row["year_end"] for row in landlord["stock"]})
        years = [f"{e.year - 1}-{str(e.year)[2:]}" for e in ends]
    cut = landlord.get("data_cut_date") or dt.date.today()
    con = duckdb.connect(str(db))
    try:
        _calendar(con, landlord)
        _policy(con, landlord)
        _load_sources(con, workspace, cut)
        _stage_records(con)
        _canonical(con)
        result = pl.concat(
            [_measures(con, landlord, years, cut), _tp09(con, workspace, years)],
            how="vertical_relaxed",
        )
    finally:
        con.close()
    result.write_csv(workdir / "return.csv")
    return result


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Run the DuckDB floor on one workspace")
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--workdir", type=Path, default=Path("bench/results/work/duckdb"))
    args = parser.parse_args()
    t0 = time.perf_counter()
    result = run(args.workspace, args.workdir)
    print(result)
    print(f"{time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
