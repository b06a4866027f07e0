"""An independent implementation of design.md section 6's management measures, for checking.

Written from design.md (sections 5 and 6) and the measure names of docs/measures.md, without
``pipeline.measures`` or ``sql/measures``: it reads the canonical tables of a landlord's warehouse
(the ingest is checked elsewhere) and the landlord's ``landlord.yaml`` (policy versions, closures,
data cut, business streams), builds its own working-day calendar and computes, per period
(reporting years, optionally quarters and months), with their breakdowns (regime, scheme, managing
agent, category, service area, business stream, bands, outcomes, bodies, themes, stages):

- acknowledgement in time per stage (and regime);
- responded in time by response date, management view (the landlord's own extension cap) and
  regulator view (Code / SPSO caps), with the count in time with an extension;
- mean and median wd(received, responded) per stage (and regime);
- open and overdue stages at min(period end, data cut) with ageing bands;
- outcomes by stage, compensation offered and paid, non-financial remedies, payments without a
  complaint;
- Ombudsman cases, determinations, findings, maladministration rate, compensation ordered, orders
  made, complied (by due) and outstanding, CHFOs;
- heat networks (56 calendar days), stage resolution (resolved at stage 1 / 2, resolutions);
- complainant surveys (response rate, satisfaction, coverage), learning actions and promised
  actions (completed by due, overdue).

Readings it shares with the product where design.md is silent (see the comparison's report): a
withdrawn or discontinued stage with no response closes when its complaint closes, else on the day
it was received; a complaint is resolved at its closure, else at its last counted stage's response;
actions and orders are judged when due on or before the data cut; the management view of an
"extension cap unless extenuating circumstances" accepts any agreed extension. Where it differs:
heat-network complaints are dated by their first counted stage (the product leaves out a complaint
whose stage 1 is refused or excluded).

The result is one table: period, measure, breakdown, breakdown_value, view, numerator, denominator,
value (percent = numerator / denominator x 100; wd mean = sum / count; median value = the median,
denominator = count; counts and gbp: value = numerator).

    uv run python -m bench.management_floor /tmp/indep-out/warehouse/homes_plus.duckdb \
        examples/homes_plus/landlord.yaml --years 2024-25:2025-26 --quarters --months
"""

# The SQL below is put together from this module's own constants (breakdown columns, stage
# numbers, view names); every value from the data or the config is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path

import duckdb
import polars as pl
import yaml

from pipeline.calendar import bank_holidays

# design.md s5: the regulator's extension caps (Code 2024 in England, SPSO model in Scotland).
REGULATOR_CAP = {("eng", 1): 10, ("eng", 2): 20, ("sct", 1): 5, ("sct", 2): 10}

# Every weekday bank holiday gov.uk publishes (gov.uk/bank-holidays) from January 2024 to the
# examples' data cut, written out here to check the calendar this module borrows from
# pipeline.calendar before any figure is computed from it (substitute days included: St Andrew's
# Day 2024 and 2025 fell at a weekend).
GOVUK_CHECKED = (dt.date(2024, 1, 1), dt.date(2026, 4, 30))
GOVUK_HOLIDAYS = {
    "eng": """2024-01-01 2024-03-29 2024-04-01 2024-05-06 2024-05-27 2024-08-26 2024-12-25
              2024-12-26 2025-01-01 2025-04-18 2025-04-21 2025-05-05 2025-05-26 2025-08-25
              2025-12-25 2025-12-26 2026-01-01 2026-04-03 2026-04-06""",
    "sct": """2024-01-01 2024-01-02 2024-03-29 2024-05-06 2024-05-27 2024-08-05 2024-12-02
              2024-12-25 2024-12-26 2025-01-01 2025-01-02 2025-04-18 2025-05-05 2025-05-26
              2025-08-04 2025-12-01 2025-12-25 2025-12-26 2026-01-01 2026-01-02 2026-04-03""",
}

SPLIT = ("none", "regime")


def check_calendar() -> None:
    """Raise unless pipeline.calendar's weekday bank holidays are gov.uk's over GOVUK_CHECKED."""
    start, end = GOVUK_CHECKED
    for regime, listed in GOVUK_HOLIDAYS.items():
        known = {dt.date.fromisoformat(d) for d in listed.split()}
        theirs = {d for d in bank_holidays(regime) if start <= d <= end and d.weekday() < 5}
        if known != theirs:
            raise AssertionError(
                f"{regime} bank holidays differ from gov.uk's: missing {sorted(known - theirs)},"
                f" not bank holidays {sorted(theirs - known)}"
            )


def year_periods(spec: str) -> list[tuple[str, str, dt.date, dt.date]]:
    first, _, last = spec.partition(":")
    last = last or first
    out = []
    for y in range(int(first[:4]), int(last[:4]) + 1):
        out.append(("year", f"{y}-{str(y + 1)[2:]}", dt.date(y, 4, 1), dt.date(y + 1, 3, 31)))
    return out


def quarter_periods(spec: str) -> list[tuple[str, str, dt.date, dt.date]]:
    out = []
    for _, name, start, _ in year_periods(spec):
        for q in range(4):
            s = dt.date(
                start.year + (start.month + 3 * q - 1) // 12, (start.month + 3 * q - 1) % 12 + 1, 1
            )
            nxt = dt.date(s.year + (s.month + 2) // 12, (s.month + 2) % 12 + 1, 1)
            out.append(("quarter", f"{name}-Q{q + 1}", s, nxt - dt.timedelta(days=1)))
    return out


def month_periods(spec: str) -> list[tuple[str, str, dt.date, dt.date]]:
    out = []
    for _, _, start, _ in year_periods(spec):
        for m in range(12):
            s = dt.date(start.year + (start.month + m - 1) // 12, (start.month + m - 1) % 12 + 1, 1)
            nxt = dt.date(s.year + s.month // 12, s.month % 12 + 1, 1)
            out.append(("month", f"{s:%Y-%m}", s, nxt - dt.timedelta(days=1)))
    return out


def _reference(con: duckdb.DuckDBPyConnection, config: dict) -> None:
    """calendar (regime, day, working, idx), policy versions and timescales."""
    rows = []
    start, end = dt.date(2019, 1, 1), dt.date(2030, 12, 31)
    for regime in ("eng", "sct"):
        off = set(bank_holidays(regime)) | {
            c["date"] for c in config.get("closures") or [] if regime in c.get("regimes", [regime])
        }
        idx, d = 0, start
        while d <= end:
            working = d.weekday() < 5 and d not in off
            idx += working
            rows.append((regime, d, working, idx))
            d += dt.timedelta(days=1)
    con.execute(
        "create or replace temp table cal(regime varchar, day date, working boolean, idx int)"
    )
    con.executemany("insert into cal values (?, ?, ?, ?)", rows)
    con.execute(
        "create or replace temp table wday as select regime, idx, day from cal where working"
    )
    streams = [
        (str(scheme).strip().lower(), stream)
        for stream, schemes in (config.get("business_streams") or {}).items()
        for scheme in schemes
    ]
    con.execute("create or replace temp table stream(scheme varchar, stream varchar)")
    if streams:
        con.executemany("insert into stream values (?, ?)", streams)
    versions = sorted(config["policy_versions"], key=lambda v: v["effective_from"])
    pol, ts = [], []
    for n, v in enumerate(versions):
        until = (
            versions[n + 1]["effective_from"] if n + 1 < len(versions) else dt.date(9999, 12, 31)
        )
        since = v["effective_from"] if n else dt.date(1900, 1, 1)  # before the first: the first
        pol.append(
            (
                n,
                since,
                until,
                bool(v.get("anonymous_accepted", True)),
                list(v.get("separate_policies") or []),
                v.get("heat_network_rules_from"),
                v.get("heat_network_limit_days") or 56,
            )
        )
        for regime, stages in (v.get("timescales") or {}).items():
            for stage in (1, 2):
                t = stages[f"stage_{stage}"]
                cap = t.get("extension_wd")
                if t.get("extension_cap_unless_extenuating"):
                    cap = None
                ack = t.get("acknowledge_wd")
                clock = t.get("clock_starts", "acknowledgement")
                ts.append(
                    (
                        n,
                        regime,
                        stage,
                        ack,
                        t["respond_wd"],
                        cap,
                        "acknowledgement" if (clock == "acknowledgement" and ack) else "receipt",
                        REGULATOR_CAP[(regime, stage)],
                    )
                )
    con.execute(
        "create or replace temp table pol(v int, since date, until date, anon_ok boolean,"
        " separate varchar[], heat_from date, heat_days int)"
    )
    con.executemany("insert into pol values (?, ?, ?, ?, ?, ?, ?)", pol)
    con.execute(
        "create or replace temp table ts(v int, regime varchar, stage int, ack int, respond int,"
        " mgt_cap int, clock varchar, reg_cap int)"
    )
    con.executemany("insert into ts values (?, ?, ?, ?, ?, ?, ?, ?)", ts)


STAGES_SQL = """
create or replace temp table st as
with base as (
    select s.complaint_id, s.stage, s.received_date as rec, s.acknowledged_date as ack_date,
           s.responded_date as resp, s.extension_wd as ext_recorded, s.extended_due_date,
           s.outcome, s.refused, s.compensation_offered_gbp as offered,
           s.compensation_paid_gbp as paid, s.non_financial_remedy,
           c.regime, c.anonymous, c.separate_policy, c.service_area, c.closed_date,
           c.category, c.scheme, coalesce(c.handled_by, 'landlord') as managing_agent,
           case when c.vulnerability then 'yes' else 'no' end as vulnerability,
           coalesce((select stream from stream where stream.scheme = lower(trim(c.scheme))),
                    case when c.scheme is null then 'unknown' else 'other schemes' end)
               as business_stream,
           p.v, p.anon_ok, p.separate
    from complaint_stage s
    join complaint c on c.landlord_id = s.landlord_id and c.complaint_id = s.complaint_id
    join pol p on s.received_date >= p.since and s.received_date < p.until
    where s.landlord_id = $lid
), judged as (
    select b.*, t.ack as ack_limit, t.respond, t.mgt_cap, t.reg_cap, t.clock,
           not b.refused
             and not (b.anonymous and not b.anon_ok)
             and not coalesce(list_contains(b.separate, b.separate_policy), false) as counted,
           cr.idx as rec_idx
    from base b
    join ts t on t.v = b.v and t.regime = b.regime and t.stage = b.stage
    join cal cr on cr.regime = b.regime and cr.day = b.rec
), acked as (
    select j.*, ad.day as ack_due
    from judged j left join wday ad on ad.regime = j.regime and ad.idx = j.rec_idx + j.ack_limit
), started as (
    select a.*,
           case when a.clock = 'receipt' then a.rec
                when a.ack_date is not null and a.ack_date <= a.ack_due then a.ack_date
                else a.ack_due end as clock_start
    from acked a
), based as (
    select s.*, bd.day as base_deadline, bd.idx as base_idx
    from started s
    join cal cs on cs.regime = s.regime and cs.day = s.clock_start
    join wday bd on bd.regime = s.regime and bd.idx = cs.idx + s.respond
), extended as (
    select b.*,
           case when b.ext_recorded > 0 then b.ext_recorded
                when b.extended_due_date > b.base_deadline then ce.idx - b.base_idx
                else 0 end as ext
    from based b left join cal ce on ce.regime = b.regime and ce.day = b.extended_due_date
), deadlines as (
    select e.*, least(e.ext, e.reg_cap) as reg_ext,
           case when e.mgt_cap is null then e.ext else least(e.ext, e.mgt_cap) end as mgt_ext
    from extended e
)
select d.*, rd.day as reg_deadline, md.day as mgt_deadline,
       case when d.resp is null then null else cresp.idx - d.rec_idx end as wd_to_response
from deadlines d
join wday rd on rd.regime = d.regime and rd.idx = d.base_idx + d.reg_ext
join wday md on md.regime = d.regime and md.idx = d.base_idx + d.mgt_ext
left join cal cresp on cresp.regime = d.regime and cresp.day = d.resp
"""


def _status(view: str) -> str:
    deadline = f"{view}_deadline"
    ext = f"{view}_ext"
    return f"(resp is not null and (resp <= base_deadline or (resp <= {deadline} and {ext} > 0)))"


def _rows(con, sql: str, params: dict) -> list[dict]:
    used = {k: v for k, v in params.items() if re.search(rf"\${k}\b", sql)}
    cur = con.execute(sql, used)
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def _split(breakdowns: tuple[str, ...]) -> str:
    """grouping sets over the named breakdowns ('none' = the total, 'a|b' = a two-way one)."""
    sets = ", ".join(
        "()" if b == "none" else "(" + ", ".join(b.split("|")) + ")" for b in breakdowns
    )
    return f"grouping sets ({sets})"


def _bd(breakdowns: tuple[str, ...]) -> str:
    """breakdown and breakdown_value of a row of _split's grouping sets (two-way ones first)."""
    named = sorted((b for b in breakdowns if b != "none"), key=lambda b: -b.count("|"))
    if not named:
        return "'none' as breakdown, 'all' as breakdown_value"
    cases, vals = [], []
    for b in named:
        cols = b.split("|")
        cond = " and ".join(f"grouping({c}) = 0" for c in cols)
        value = " || '|' || ".join(f"coalesce(cast({c} as varchar), 'unknown')" for c in cols)
        cases.append(f"when {cond} then '{b}'")
        vals.append(f"when {cond} then {value}")
    return (
        f"case {' '.join(cases)} else 'none' end as breakdown,"
        f" case {' '.join(vals)} else 'all' end as breakdown_value"
    )


def compute_period(con, start: dt.date, end: dt.date, cut: dt.date) -> list[dict]:
    x = min(end, cut)
    p = {"s": start, "e": end, "x": x, "cut": cut}
    out: list[dict] = []

    def add(measure, view, rows, kind="percent"):
        for r in rows:
            num, den = r["num"], r.get("den")
            if kind == "percent":
                val = None if not den else num * 100.0 / den
            elif kind == "mean":
                val = None if not den else num / den
            elif kind == "median":
                val = r["med"]
            else:
                val = num
            out.append(
                {
                    "measure": measure,
                    "breakdown": r["breakdown"],
                    "breakdown_value": r["breakdown_value"],
                    "view": view,
                    "numerator": None if num is None else float(num),
                    "denominator": None if den is None else float(den),
                    "value": None if val is None else float(val),
                }
            )

    def count_dated_in_period(measure, source, date_column, breakdowns):
        """``measure``: rows of ``source`` whose ``date_column`` falls in the period, counted per
        breakdown."""
        sql = (
            f"select {_bd(breakdowns)}, count(*) as num from {source} "
            f"where {date_column} between $s and $e group by {_split(breakdowns)}"
        )
        add(measure, "all", _rows(con, sql, p), "count")

    for n in (1, 2):
        # acknowledgement in time: counted stages received in the period with an ack step; not yet
        # acknowledged with ack due on or after the cut = pending, left out.
        bd = ("none", "regime", "scheme", "managing_agent", "business_stream")
        add(
            f"ack_in_time_{n}",
            "all",
            _rows(
                con,
                f"""
            select {_bd(bd)}, count(*) filter (where ack_date <= ack_due) as num, count(*) as den
            from st where stage = {n} and counted and ack_limit is not null
              and rec between $s and $e and not (ack_date is null and ack_due >= $cut)
            group by {_split(bd)}""",
                p,
            ),
        )
        bd_resp = ("none", "regime", "category", "service_area", "scheme", "managing_agent")
        bd_resp += ("vulnerability", "business_stream")
        bd = ("none", "regime")
        for view in ("management", "regulator"):
            ok = _status("mgt" if view == "management" else "reg")
            add(
                f"response_in_time_{n}",
                view,
                _rows(
                    con,
                    f"""
                select {_bd(bd_resp)}, count(*) filter (where {ok}) as num, count(*) as den
                from st where stage = {n} and counted and resp between $s and $e
                group by {_split(bd_resp)}""",
                    p,
                ),
            )
            add(
                f"response_in_time_with_ext_{n}",
                view,
                _rows(
                    con,
                    f"""
                select {_bd(bd)}, count(*) filter (where {ok} and resp > base_deadline) as num
                from st where stage = {n} and counted and resp between $s and $e
                group by {_split(bd)}""",
                    p,
                ),
                "count",
            )
        # working days to response, by received date, responded by the cut
        wd_rows = _rows(
            con,
            f"""
            select {_bd(bd)}, coalesce(sum(wd_to_response), 0) as num, count(*) as den,
                   median(wd_to_response) as med
            from st where stage = {n} and counted and rec between $s and $e
              and resp is not null and resp <= $cut
            group by {_split(bd)}""",
            p,
        )
        add(f"wd_to_response_mean_{n}", "all", wd_rows, "mean")
        add(f"wd_to_response_median_{n}", "all", [{**r, "num": None} for r in wd_rows], "median")
        # open and overdue at X = min(period end, cut)
        bd_open = ("none", "regime", "band", "regime|band")
        add(
            f"open_{n}",
            "management",
            _rows(
                con,
                f"""
            with o as (
                select s.*, cx.idx - s.rec_idx as age from st s
                join cal cx on cx.regime = s.regime and cx.day = $x
                where stage = {n} and counted and rec <= $x
                  and (resp is null or resp > $x)
                  and not (outcome in ('withdrawn', 'discontinued') and resp is null
                           and coalesce(closed_date, rec) <= $x)
            )
            select {_bd(bd_open)}, count(*) as num from (
                select *, case when age <= 5 then '0-5' when age <= 10 then '6-10'
                               when age <= 20 then '11-20' when age <= 40 then '21-40'
                               else '41+' end as band from o)
            group by {_split(bd_open)}""",
                p,
            ),
            "count",
        )
        add(
            f"overdue_{n}",
            "management",
            _rows(
                con,
                f"""
            with o as (
                select s.*, cx.idx - cm.idx as past from st s
                join cal cx on cx.regime = s.regime and cx.day = $x
                join cal cm on cm.regime = s.regime and cm.day = s.mgt_deadline
                where stage = {n} and counted and rec <= $x
                  and (resp is null or resp > $x)
                  and not (outcome in ('withdrawn', 'discontinued') and resp is null
                           and coalesce(closed_date, rec) <= $x)
                  and mgt_deadline < $x
            )
            select {_bd(bd_open)}, count(*) as num from (
                select *, case when past <= 5 then '1-5' when past <= 10 then '6-10'
                               when past <= 20 then '11-20' else '21+' end as band from o)
            group by {_split(bd_open)}""",
                p,
            ),
            "count",
        )
        # outcomes of stages closed in the period
        bd_out = ("outcome", "category|outcome", "service_area|outcome", "regime|outcome")
        bd_out += ("scheme|outcome",)
        rows = _rows(
            con,
            f"""
            with c as (
                -- a withdrawn / discontinued stage with no response closes when its complaint
                -- closes; with no closure date recorded, on the day it was received
                select *, coalesce(resp, case when outcome in ('withdrawn', 'discontinued')
                                              then coalesce(closed_date, rec) end) as closed
                from st where stage = {n} and counted
            ), g as (
                select outcome, category, service_area, regime, scheme, count(*) as k from c
                where closed between $s and $e group by all
            ), o as (
                select {_bd(bd_out)}, sum(k) as num from g group by {_split(bd_out)}
            )
            -- denominator: every stage closed in the same group (category, say)
            select breakdown, breakdown_value, num,
                   sum(num) over (partition by breakdown, case when breakdown = 'outcome' then ''
                                  else split_part(breakdown_value, '|', 1) end
                                  ) as den
            from o where breakdown <> 'none'""",
            p,
        )
        add(f"outcome_{n}", "all", rows)
    # compensation and remedies: counted stages responded in the period
    bd = ("none", "stage", "service_area", "scheme", "regime|stage", "business_stream")
    for kind in ("offered", "paid"):
        rows = _rows(
            con,
            f"""
            select {_bd(bd)}, coalesce(sum({kind}), 0) as num,
                   count(*) filter (where {kind} > 0) as cnt
            from st where counted and resp between $s and $e group by {_split(bd)}""",
            p,
        )
        add(f"compensation_{kind}_gbp", "all", rows, "count")
        add(f"compensation_{kind}_count", "all", [{**r, "num": r["cnt"]} for r in rows], "count")
    add(
        "non_financial_remedy",
        "all",
        _rows(
            con,
            f"""
        with r as (select stage,
                          trim(lower(unnest(string_split(non_financial_remedy, ';')))) as remedy
                   from st where counted and resp between $s and $e
                     and non_financial_remedy is not null)
        select {_bd(("remedy", "remedy|stage"))}, count(*) as num
        from r where remedy <> '' group by {_split(("remedy", "remedy|stage"))}""",
            p,
        ),
        "count",
    )
    bd = ("none", "kind", "service_area")
    rows = _rows(
        con,
        f"""
        select {_bd(bd)}, coalesce(sum(amount_gbp), 0) as num, count(*) as cnt
        from remedy_payment
        where paid_date between $s and $e group by {_split(bd)}""",
        p,
    )
    add("remedy_payments_without_complaint", "all", rows, "count")
    add(
        "remedy_payments_without_complaint_count",
        "all",
        [{**r, "num": r["cnt"]} for r in rows],
        "count",
    )
    # stage resolution: counted stage 1 responses in the period
    res = _rows(
        con,
        f"""
        with s1 as (select * from st where stage = 1 and counted and resp between $s and $e),
        s2 as (select complaint_id, resp from st where stage = 2 and counted and rec <= $cut)
        select {_bd(("none", "regime"))},
               count(*) filter (where s2.complaint_id is null) as not_esc,
               count(*) filter (where s2.resp <= $cut) as s2_done, count(*) as den
        from s1 left join s2 using (complaint_id) group by {_split(("none", "regime"))}""",
        p,
    )
    add("resolved_stage1", "management", [{**r, "num": r["not_esc"]} for r in res])
    add("resolved_stage2", "management", [{**r, "num": r["s2_done"]} for r in res])
    # Ombudsman
    bd = ("none", "body")
    count_dated_in_period("ombudsman_referred", "ombudsman_case", "referral_date", bd)
    count_dated_in_period("ombudsman_determinations", "ombudsman_case", "determination_date", bd)
    fnd = """(select c.body, f.* from ombudsman_finding f join ombudsman_case c using (landlord_id, case_ref)
              where c.determination_date between $s and $e)"""
    bdo = ("none", "body", "outcome", "body|outcome")
    add(
        "ombudsman_findings",
        "all",
        _rows(
            con,
            f"""
        select {_bd(bdo)}, count(*) as num from {fnd} group by {_split(bdo)}""",
            p,
        ),
        "count",
    )
    add(
        "ombudsman_maladministration_rate",
        "all",
        _rows(
            con,
            f"""
        select {_bd(bd)}, count(*) filter (where outcome in ('severe_maladministration',
               'maladministration', 'service_failure')) as num, count(*) as den
        from {fnd} group by {_split(bd)}""",
            p,
        ),
    )
    add(
        "ombudsman_orders_complied",
        "all",
        _rows(
            con,
            f"""
        select {_bd(bd)}, coalesce(sum(orders_complied_count), 0) as num,
               coalesce(sum(orders_count), 0) as den
        from {fnd} group by {_split(bd)}""",
            p,
        ),
    )
    add(
        "ombudsman_compensation_ordered_gbp",
        "all",
        _rows(
            con,
            f"""
        select {_bd(bd)}, coalesce(sum(compensation_ordered_gbp), 0) as num
        from {fnd} group by {_split(bd)}""",
            p,
        ),
        "count",
    )
    add("ombudsman_compensation_ordered_count", "all", _rows(con, f"""
        select {_bd(bd)}, count(*) filter (where compensation_ordered_gbp > 0) as num
        from {fnd} group by {_split(bd)}""", p), "count")  # fmt: skip
    orders = """(select coalesce(c.body, 'unknown') as body, o.* from ombudsman_order o
                 left join ombudsman_case c using (landlord_id, case_ref))"""
    count_dated_in_period("ombudsman_orders_made", orders, "made_date", bd)
    add(
        "ombudsman_orders_complied_by_due",
        "all",
        _rows(
            con,
            f"""
        select {_bd(bd)}, count(*) filter (where complied_date <= due_date) as num, count(*) as den
        from {orders} where due_date between $s and $e and due_date <= $cut
        group by {_split(bd)}""",
            p,
        ),
    )
    # heat networks: complaints (first counted stage) received in the period under the rules
    heat = """
        with first as (
            select complaint_id, min(rec) as rec from st where counted group by 1
        ), h as (
            select c.*, f.rec as first_rec,
                   -- resolved: closure, else the response of its last counted stage (an
                   -- escalated complaint with its stage 2 open is not resolved)
                   coalesce(c.closed_date, (select resp from st s
                        where s.complaint_id = c.complaint_id and s.counted
                        order by stage desc limit 1)) as resolved,
                   f.rec + p.heat_days as day56
            from complaint c join first f using (complaint_id)
            join pol p on f.rec >= p.since and f.rec < p.until
            where c.service_area = 'heat_network' and p.heat_from <= f.rec
              and f.rec between $s and $e
        )"""
    hrows = _rows(
        con,
        heat
        + """
        select 'none' as breakdown, 'all' as breakdown_value, count(*) as n,
          count(*) filter (where resolved <= day56) as in8,
          count(*) filter (where resolved <= day56 or day56 < $cut) as den8,
          count(*) filter (where (coalesce(resolved > day56, true) and day56 < $cut)
                                  or heat_network_deadlock_date is not null) as elig,
          count(*) filter (where ((coalesce(resolved > day56, true) and day56 < $cut)
                                  or heat_network_deadlock_date is not null)
                           and energy_ombudsman_notified_date is not null) as notified,
          count(*) filter (where energy_ombudsman_referred) as referred,
          count(*) filter (where resolved_to_satisfaction is not null) as sat
        from h""",
        p,
    )
    add("heat_network_complaints", "all", [{**r, "num": r["n"]} for r in hrows], "count")
    add(
        "heat_network_resolved_8_weeks",
        "all",
        [{**r, "num": r["in8"], "den": r["den8"]} for r in hrows],
    )
    add("heat_network_eo_eligible", "all", [{**r, "num": r["elig"]} for r in hrows], "count")
    add(
        "heat_network_eo_notified",
        "all",
        [{**r, "num": r["notified"], "den": r["elig"]} for r in hrows],
    )
    add("heat_network_eo_referred", "all", [{**r, "num": r["referred"]} for r in hrows], "count")
    add(
        "heat_network_satisfaction_recorded",
        "all",
        [{**r, "num": r["sat"], "den": r["n"]} for r in hrows],
    )
    # complainant surveys
    add(
        "complainant_survey_response_rate",
        "all",
        _rows(
            con,
            """
        select 'none' as breakdown, 'all' as breakdown_value,
               count(returned_date) as num, count(*) as den
        from complainant_survey where sent_date between $s and $e""",
            p,
        ),
    )
    for q in ("timeliness", "fairness", "outcome"):
        add(
            f"complainant_satisfaction_{q}",
            "all",
            _rows(
                con,
                f"""
            select 'none' as breakdown, 'all' as breakdown_value,
                   count(*) filter (where satisfied_{q} >= 4) as num,
                   count(satisfied_{q}) as den
            from complainant_survey where returned_date between $s and $e""",
                p,
            ),
        )
    # resolutions: stage 1 responses in the period not escalated by the cut, stage 2 responses
    rs = _rows(
        con,
        """
        with s2 as (select complaint_id from st where stage = 2 and counted and rec <= $cut)
        select count(*) filter (where stage = 1 and complaint_id not in (select * from s2)) as r1,
               count(*) filter (where stage = 2) as r2
        from st where counted and resp between $s and $e""",
        p,
    )[0]
    for n, k in ((1, rs["r1"]), (2, rs["r2"])):
        out.append(
            {"measure": "resolutions", "breakdown": "stage", "breakdown_value": str(n),
             "view": "management", "numerator": float(k), "denominator": None, "value": float(k)}
        )  # fmt: skip
    most = 2.0 if rs["r2"] > rs["r1"] else 1.0
    out.append(
        {"measure": "stage_most_resolutions", "breakdown": "none", "breakdown_value": "all",
         "view": "management", "numerator": None, "denominator": None, "value": most}
    )  # fmt: skip
    # Ombudsman orders by type, outstanding at X, CHFOs
    bdt = ("none", "body", "order_type")
    add("ombudsman_orders_made", "all", _rows(con, f"""
        select {_bd(bdt)}, count(*) as num from {orders}
        where made_date between $s and $e group by {_split(bdt)}""", p), "count")  # fmt: skip
    outstanding = _rows(con, f"""
        select {_bd(("none", "body", "status"))}, count(*) as num from (
            select *, case when due_date < $x then 'overdue' else 'not_yet_due' end as status
            from {orders} where made_date <= $x and (complied_date is null or complied_date > $x))
        group by {_split(("none", "body", "status"))}""", p)  # fmt: skip
    for status in ("overdue", "not_yet_due"):  # both status rows, 0 included
        if not any(r["breakdown_value"] == status for r in outstanding):
            outstanding.append({"breakdown": "status", "breakdown_value": status, "num": 0})
    outstanding = [r for r in outstanding if r["breakdown"] != "none" or r["num"] is not None]
    add("ombudsman_orders_outstanding", "all", outstanding, "count")
    chfo = _rows(con, """
        select 'none' as breakdown, 'all' as breakdown_value, count(*) as num,
               count(complied_date) as done
        from chfo where issued_date between $s and $e""", p)  # fmt: skip
    add("chfo_issued", "all", chfo, "count")
    add("chfo_complied", "all", [{**r, "num": r["done"], "den": r["num"]} for r in chfo])
    # complainant survey coverage: counted complaints (first stage) closed in the period
    add("complainant_survey_coverage", "all", _rows(con, """
        with first as (  -- the complaint's first stage (stage 1, else its stage 2) is counted
            select complaint_id from st group by 1
            having bool_or(counted and stage = 1) or not bool_or(stage = 1) and bool_or(counted)
        ), closed as (
            select c.complaint_id,
                   coalesce(c.closed_date, (select resp from st s
                        where s.complaint_id = c.complaint_id and s.counted
                        order by stage desc limit 1)) as resolved
            from complaint c join first using (complaint_id)
        )
        select 'none' as breakdown, 'all' as breakdown_value,
               count(*) filter (where complaint_id in (select complaint_id
                                                     from complainant_survey)) as num,
               count(*) as den
        from closed where resolved between $s and $e""", p))  # fmt: skip
    # learning
    bd = ("none", "theme")
    count_dated_in_period("learning_actions", "learning_action", "raised_date", bd)
    count_dated_in_period("learning_actions_completed", "learning_action", "completed_date", bd)
    add(
        "learning_actions_completed_by_due",
        "all",
        _rows(
            con,
            f"""
        select {_bd(bd)}, count(*) filter (where completed_date <= due_date) as num,
               count(*) as den
        from learning_action where due_date between $s and $e and due_date <= $cut
        group by {_split(bd)}""",
            p,
        ),
    )
    bd = ("none", "stage")
    add(
        "promised_actions_on_time",
        "all",
        _rows(
            con,
            f"""
        select {_bd(bd)}, count(*) filter (where completed_date <= due_date) as num,
               count(*) as den
        from promised_action where due_date between $s and $e and due_date <= $cut
        group by {_split(bd)}""",
            p,
        ),
    )
    add("learning_linked_complaints", "all", _rows(con, f"""
        select {_bd(("none", "theme"))}, coalesce(sum(len(linked_complaint_ids)), 0) as num
        from learning_action where raised_date between $s and $e
        group by {_split(("none", "theme"))}""", p), "count")  # fmt: skip
    add("overdue_learning_actions", "all", _rows(con, f"""
        select {_bd(("none", "theme"))}, count(*) as num from learning_action
        where due_date < $x and (completed_date is null or completed_date > $x)
        group by {_split(("none", "theme"))}""", p), "count")  # fmt: skip
    add("overdue_promised_actions", "all", _rows(con, f"""
        select {_bd(("none", "stage"))}, count(*) as num from promised_action
        where due_date < $x and (completed_date is null or completed_date > $x)
        group by {_split(("none", "stage"))}""", p), "count")  # fmt: skip
    return out


def compute(warehouse: Path, landlord_yaml: Path | dict, periods) -> pl.DataFrame:
    """My figures for ``periods`` from the warehouse; ``landlord_yaml``: its path, or the dict."""
    check_calendar()
    config = (
        landlord_yaml
        if isinstance(landlord_yaml, dict)
        else yaml.safe_load(Path(landlord_yaml).read_text(encoding="utf-8"))
    )
    cut = config.get("data_cut_date") or dt.date.today()
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        _reference(con, config)
        con.execute(STAGES_SQL, {"lid": config["landlord_id"]})
        rows = []
        streams = bool(config.get("business_streams"))  # rolled up only when the yaml has them
        for kind, name, start, end in periods:
            if start > cut:
                continue
            for r in compute_period(con, start, end, cut):
                if streams or r["breakdown"] != "business_stream":
                    rows.append({"period_kind": kind, "period": name, **r})
    finally:
        con.close()
    return pl.DataFrame(rows, infer_schema_length=None)


def product(warehouse: Path, periods) -> pl.DataFrame:
    names = [p[1] for p in periods]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cur = con.execute(
            "select period, measure, breakdown, breakdown_value, view, numerator, denominator,"
            " value from measures where period in (select unnest($p))",
            {"p": names},
        )
        cols = [c[0] for c in cur.description]
        return pl.DataFrame(cur.fetchall(), schema=cols, orient="row", infer_schema_length=None)
    finally:
        con.close()


KEY = ["period", "measure", "breakdown", "breakdown_value", "view"]


def only_in_product(mine: pl.DataFrame, theirs: pl.DataFrame) -> pl.DataFrame:
    """Product rows of the measures and breakdowns compared that this module has no figure for.

    A product row of an empty group (0, or [U] over a zero denominator: a country with no
    overdue stage that quarter) is this module's missing row: a group by has no row for a group
    with nothing in it."""
    fams = mine.select("period", "measure", "breakdown", "view").unique()
    empty = (
        (pl.col("numerator").fill_null(0) == 0)
        & (pl.col("denominator").fill_null(0) == 0)
        & (pl.col("value").fill_null(0) == 0)
    )
    return (
        theirs.join(fams, on=["period", "measure", "breakdown", "view"])
        .join(mine, on=KEY, how="anti")
        .filter(~empty)
    )


def compare(mine: pl.DataFrame, theirs: pl.DataFrame, tol: float = 1e-6) -> pl.DataFrame:
    """Every figure of ``mine`` beside the product's row; ``agree`` per figure."""
    j = mine.join(theirs, on=KEY, how="left", suffix="_product")

    def same(a: str, b: str) -> pl.Expr:
        return (pl.col(a).is_null() & pl.col(b).is_null()) | (
            (pl.col(a) - pl.col(b)).abs() <= tol
        ).fill_null(False)

    # a median's numerator means nothing (the product leaves it null, or 0 with no stages)
    median = pl.col("measure").str.contains("_median_")
    return j.with_columns(
        in_product=pl.col("value_product").is_not_null()
        | pl.col("numerator_product").is_not_null(),
        agree=(median | same("numerator", "numerator_product"))
        & same("denominator", "denominator_product")
        & same("value", "value_product"),
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("warehouse", type=Path)
    ap.add_argument("landlord_yaml", type=Path)
    ap.add_argument("--years", default="2024-25:2025-26")
    ap.add_argument("--quarters", action="store_true")
    ap.add_argument("--months", action="store_true")
    args = ap.parse_args(argv)
    periods = year_periods(args.years) + (quarter_periods(args.years) if args.quarters else [])
    periods += month_periods(args.years) if args.months else []
    mine = compute(args.warehouse, args.landlord_yaml, periods)
    theirs = product(args.warehouse, periods)
    cmp = compare(mine, theirs)
    bad = cmp.filter(~pl.col("agree"))
    extra = only_in_product(mine, theirs)
    with pl.Config(tbl_rows=200, tbl_cols=20, tbl_width_chars=250):
        print(f"{cmp.height} figures compared, {cmp.height - bad.height} agree")
        print(bad)
        print(f"{extra.height} product rows of those measures with no figure here")
        print(extra)
    return 0 if bad.is_empty() and extra.is_empty() else 1


if __name__ == "__main__":
    raise SystemExit(main())
