"""Two export layouts no example has, onboarded with landlord.yaml and mapping YAML only, and their
measures checked against an independent computation (design.md sections 5-6) on the rows written.

- England, wide, one row per complaint: ';'-separated cp1252 with a title row above the header and
  a totals row below it, CRLF, CR and LF line endings mixed, quoted notes holding newlines and
  ';', two columns both headed 'Outcome', codes in other words and case ('PARTLY UPHELD'), a
  'managed for others' flag that is the owned-stock flag inverted, received dates written
  'dd/mm/yyyy hh:mm', 'dd/mm/yy hh:mm' or without a time under one format that has a time,
  acknowledgements as dates or Excel serials, responses as UTC instants (late evening ones are the
  next UK day in summer), escalations as '3-Apr-24'.
- Scotland only (SPSO), long, one row per stage: UTF-8 with a BOM, CR-only line endings, stage
  codes 'STG1', 'stage one', 'Escalated', stage 2s with no stage 1, stock rows without `country`.

The calendar here is the gov.uk bank holiday list typed in (Scotland: 2 January, St Andrew's Day
observed, the August holiday, no Easter Monday) plus the closure day, not pipeline.calendar.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from pipeline.config import load_landlord
from pipeline.ingest import ingest_workspace
from pipeline.measures import compute_measures
from pipeline.periods import ReportingYear
from tests.fixtures.landlords import SCOTLAND_ONLY

D = dt.date
YEAR = ReportingYear.parse("2024-25")
CUT = D(2025, 5, 15)
HOLIDAYS = {
    "eng": "2024-03-29 2024-04-01 2024-05-06 2024-05-27 2024-08-26 2024-12-25 2024-12-26 "
    "2024-12-27 2025-01-01 2025-04-18 2025-04-21 2025-05-05",  # 2024-12-27: closure
    "sct": "2024-03-29 2024-05-06 2024-05-27 2024-08-05 2024-12-02 2024-12-25 2024-12-26 "
    "2025-01-01 2025-01-02 2025-04-18 2025-05-05",
}
OFF = {regime: {D.fromisoformat(d) for d in days.split()} for regime, days in HOLIDAYS.items()}
# regime, stage -> acknowledge limit (None: no step), respond limit, Code/SPSO extension cap
RULES = {("eng", 1): (5, 10, 10), ("eng", 2): (5, 20, 20), ("sct", 1): (None, 5, 5)}
RULES[("sct", 2)] = (3, 20, 10)

ENGLAND = """\
landlord_id: Kestrel Vale
name: Kestrel Vale Homes
regimes: [eng]
stock:
  - {year_end: 2025-03-31, stock_type: lcra, units_owned: 3400}
  - {year_end: 2025-03-31, stock_type: lcho, units_owned: 1150}
closures:
  - {date: 2024-12-27, reason: Christmas closure}
policy_versions:
  - effective_from: 2024-04-01
    timescales:
      eng:
        stage_1: {acknowledge_wd: 5, respond_wd: 10, extension_wd: 15}
        stage_2: {acknowledge_wd: 5, respond_wd: 20, extension_wd: 20}
    escalation_window: {months_after_stage1_response: 6}
tsm_summary_of_approach: Telephone survey of a sample of tenants.
data_cut_date: 2025-05-15
"""

ENGLAND_MAPPING = """\
files: ["exports/KV_Register_*.csv"]
format: csv
encoding: auto
delimiter: ";"
header_row: 2
footer: {column: "Ref No.", pattern: "^Total"}
target: complaint
shape: wide
date_formats: ["%d/%m/%Y %H:%M", "%d/%m/%y", "%d-%b-%y"]
excel_serial_dates: true
columns:
  complaint_id: "Ref No."
  received_date: "Logged On"
  tenure:
    column: "Tenancy"
    codes: {"General Needs": lcra, "Shared Ownership": lcho, "Leasehold": leaseholder}
    default: unknown
  is_tenant_of_owned_stock: {column: "Managed for others?", codes: {"Y": false, "N": true}}
stages:
  1:
    received_date: "Logged On"
    acknowledged_date: "S1 Ack"
    extension_wd: "S1 Ext Days"
    responded_date: "S1 Response"
    outcome: {column: "Outcome (1)", codes: &o {"Upheld": upheld, "Partly Upheld":
      partially_upheld, "Not Upheld": not_upheld}, default: open}
    refused: "Refused?"
  2:
    received_date: "S2 Requested"
    acknowledged_date: "S2 Ack"
    extension_wd: "S2 Ext Days"
    responded_date: "S2 Response"
    outcome: {column: "Outcome (2)", codes: *o, default: open}
"""

SCOTLAND = SCOTLAND_ONLY.format(landlord_id="Glenmore Housing")

SCOTLAND_MAPPING = """\
files: ["exports/glenmore_cases.csv"]
target: complaint
shape: long
date_formats: ["%d-%b-%y"]
excel_serial_dates: true
columns:
  complaint_id: "Case ID"
  stage: {column: "Stage", codes: {"STG1": 1, "Stage One": 1, "STG2": 2, "Escalated": 2}}
  received_date: "Date In"
  tenure: {column: "Tenure", codes: {"Scottish secure tenancy": lcra, "Factored owner": other}}
  acknowledged_date: "Acknowledged"
  extension_wd: "Ext (days)"
  responded_date: "Response"
  outcome: {column: "Result", codes: {"Upheld": upheld, "Not upheld": not_upheld}, default: open}
"""


def working(day: D, regime: str) -> bool:
    return day.weekday() < 5 and day not in OFF[regime]


def add_wd(day: D, n: int, regime: str) -> D:
    while n > 0:
        day += dt.timedelta(1)
        n -= working(day, regime)
    return day


def wd(start: D, end: D, regime: str) -> int:
    return sum(working(start + dt.timedelta(k), regime) for k in range(1, (end - start).days + 1))


def half_up(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.1"), ROUND_HALF_UP))


def _stage(rng: random.Random, received: D, regime: str, stage: int) -> dict:
    ack_limit, respond, _ = RULES[(regime, stage)]
    ack = None
    if ack_limit is not None and rng.random() > 0.05:
        ack = add_wd(received, rng.choice([0, 1, 3, 5, 6, 8]), regime)
    ext = rng.choice([0] * 6 + [5, 10, 15])
    responded = None
    if rng.random() > 0.08:
        responded = add_wd(received, rng.choice([*range(1, respond + 8), respond + ext]), regime)
    ack = ack if ack and ack <= CUT else None
    responded = responded if responded and responded <= CUT else None
    outcome = rng.choice(["upheld", "not_upheld"]) if responded else "open"
    return {
        "received": received,
        "ack": ack,
        "ext": ext,
        "resp": responded,
        "outcome": outcome,
        "refused": False,
    }


def _utc(rng: random.Random, day: D) -> str:
    hour, minute = (0, 30) if rng.random() < 0.2 else (14, 5)  # 00:30 BST is 23:30Z the day before
    moment = dt.datetime(
        day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo("Europe/London")
    )
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _england(root: Path, rng: random.Random) -> list[dict]:
    truth, rows = [], []
    tenures = {"General Needs": "lcra", "Shared Ownership": "lcho", "Leasehold": "leaseholder"}
    for i in range(180):
        received = D(2024, 2, 1) + dt.timedelta(rng.randrange(450))
        tenure = rng.choice([*tenures, "General Needs", ""])
        s1 = _stage(rng, received, "eng", 1)
        s1["refused"] = rng.random() < 0.05
        s2 = None
        if s1["resp"] and not s1["refused"] and rng.random() < 0.35:
            requested = s1["resp"] + dt.timedelta(rng.randrange(40))
            s2 = _stage(rng, requested, "eng", 2) if requested <= CUT else None
        managed = rng.random() < 0.05
        truth.append({"regime": "eng", "tenure": tenures.get(tenure, "unknown"),
                      "owned": not managed, "stages": {1: s1, 2: s2}})  # fmt: skip
        logged = rng.choice(["%d/%m/%Y %H:%M", "%d/%m/%y %H:%M", "%d/%m/%Y"])
        rows.append([
            f"KV/{i:05d}", received.strftime(logged.replace("%H:%M", "14:05")),
            rng.choice(["Zoë Ní Bhriain", "José Müller"]),
            rng.choice(['Leak; kitchen\nvisited twice', "Charged £45", 'Said "urgent"\r\nrang']),
            tenure, "Y" if managed else "N",
            "" if s1["ack"] is None else rng.choice(
                [s1["ack"].strftime("%d/%m/%Y"), str((s1["ack"] - D(1899, 12, 30)).days)]),
            str(s1["ext"] or ""), _utc(rng, s1["resp"]) if s1["resp"] else "",
            {"upheld": "UPHELD", "not_upheld": "not upheld", "open": ""}[s1["outcome"]],
            "Y" if s1["refused"] else "N",
            s2["received"].strftime("%-d-%b-%y") if s2 else "",
            s2["ack"].strftime("%d/%m/%Y 09:00") if s2 and s2["ack"] else "",
            str(s2["ext"] or "") if s2 else "",
            s2["resp"].strftime("%d/%m/%Y 16:45") if s2 and s2["resp"] else "",
            {"upheld": "Upheld", "not_upheld": "Not Upheld", "open": ""}[s2["outcome"]] if s2 else "",
        ])  # fmt: skip
    header = ["Ref No.", "Logged On", "Customer Name", "Notes", "Tenancy", "Managed for others?",
              "S1 Ack", "S1 Ext Days", "S1 Response", "Outcome", "Refused?", "S2 Requested",
              "S2 Ack", "S2 Ext Days", "S2 Response", "Outcome"]  # fmt: skip
    records = []
    for row in [header, *rows]:
        cell = io.StringIO()
        csv.writer(cell, delimiter=";", lineterminator="").writerow(row)
        records.append(cell.getvalue() + rng.choice(["\r\n", "\r", "\n"]))
    text = "Kestrel Vale Homes - complaints register;;\r\n" + "".join(records) + "Total;180\r\n"
    (root / "exports" / "KV_Register_2024-25.csv").write_bytes(text.encode("cp1252"))
    return truth


def _scotland(root: Path, rng: random.Random) -> list[dict]:
    truth, out = [], io.StringIO()
    writer = csv.writer(out, lineterminator="\r")
    writer.writerow(["Case ID", "Stage", "Date In", "Tenure", "Tenant", "Acknowledged",
                     "Ext (days)", "Response", "Result"])  # fmt: skip
    for i in range(120):
        received = rng.choice([D(2024, 11, 28), D(2024, 12, 31), D(2025, 4, 17), D(2024, 8, 1)])
        received = (
            received if rng.random() < 0.3 else D(2024, 3, 1) + dt.timedelta(rng.randrange(420))
        )
        tenure = rng.choice(["Scottish secure tenancy", "Factored owner"])
        s1 = None if rng.random() < 0.1 else _stage(rng, received, "sct", 1)
        s2 = _stage(rng, received, "sct", 2) if s1 is None else None
        if s1 and s1["resp"] and rng.random() < 0.3 and s1["resp"] + dt.timedelta(20) <= CUT:
            s2 = _stage(rng, s1["resp"] + dt.timedelta(rng.randrange(20)), "sct", 2)
        truth.append({"regime": "sct", "tenure": "lcra", "owned": True, "stages": {1: s1, 2: s2}})
        for n, s in ((1, s1), (2, s2)):
            if s is None:
                continue
            writer.writerow([
                f"GM-{i:04d}", rng.choice(["STG1", "stage one"] if n == 1 else ["STG2", "Escalated"]),
                s["received"].strftime("%-d-%b-%y"), tenure, "Mòrag MacLeòid",
                str((s["ack"] - D(1899, 12, 30)).days) if s["ack"] else "", str(s["ext"] or ""),
                _utc(rng, s["resp"]) if s["resp"] else "",
                {"upheld": "Upheld", "not_upheld": "Not upheld", "open": ""}[s["outcome"]],
            ])  # fmt: skip
    (root / "exports" / "glenmore_cases.csv").write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode())
    return truth


def _workspace(base: Path, name: str, landlord: str, mapping: str) -> Path:
    root = base / name
    (root / "exports").mkdir(parents=True)
    (root / "mappings").mkdir()
    (root / "landlord.yaml").write_text(landlord)
    (root / "mappings" / "complaints.yaml").write_text(mapping)
    return root


def _judged(truth: list[dict]) -> list[dict]:
    """Each stage with its regulator verdict (section 5): 'without', 'with' or 'late'."""
    judged = []
    for complaint in truth:
        for n, s in complaint["stages"].items():
            if s is None:
                continue
            regime = complaint["regime"]
            ack_limit, respond, cap = RULES[(regime, n)]
            start, ack_in_time = s["received"], None
            if ack_limit is not None:
                due = add_wd(s["received"], ack_limit, regime)
                ack_in_time = bool(s["ack"] and s["ack"] <= due)
                start = s["ack"] if ack_in_time else due
                if s["ack"] is None and due > CUT:
                    ack_in_time = None  # not yet due: left out
            base = add_wd(start, respond, regime)
            extended = add_wd(base, min(s["ext"], cap), regime)
            verdict = "late"
            if s["resp"] and s["resp"] <= base:
                verdict = "without"
            elif s["resp"] and base < s["resp"] <= extended and s["ext"] > 0:
                verdict = "with"
            days = wd(s["received"], s["resp"], regime) if s["resp"] else None
            judged.append(s | {"n": n, "c": complaint, "ack_in_time": ack_in_time,
                               "verdict": verdict, "wd": days})  # fmt: skip
    return judged


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory):
    base, rng = tmp_path_factory.mktemp("onboard"), random.Random(20240403)
    runs = {}
    for name, landlord, mapping, build in (
        ("kestrel_vale", ENGLAND, ENGLAND_MAPPING, _england),
        ("glenmore_housing", SCOTLAND, SCOTLAND_MAPPING, _scotland),
    ):
        root = _workspace(base, name, landlord, mapping)
        truth = build(root, rng)
        config = load_landlord(root)
        con = duckdb.connect()
        summary = ingest_workspace(con, root, config, "onboard-key")
        compute_measures(con, config, YEAR, data_cut=CUT)
        runs[name] = (con, summary, _judged(truth), config)
    return runs


def _got(con, measure: str, value: str = "all", view: str | None = None) -> tuple:
    query = (
        "select numerator, denominator, value from measures where period = '2024-25' "
        "and measure = $m and breakdown_value = $v and breakdown in ('none', 'stock_type')"
    )
    rows = con.execute(query + (" and view = $w" if view else ""),
                       {"m": measure, "v": value} | ({"w": view} if view else {})).fetchall()  # fmt: skip
    assert len(rows) == 1, (measure, value, rows)
    return rows[0]


def _in_year(day: D | None) -> bool:
    return day is not None and YEAR.start <= day <= YEAR.end


@pytest.mark.parametrize("name", ["kestrel_vale", "glenmore_housing"])
def test_every_row_is_loaded_and_the_timeliness_measures_agree(loaded, name) -> None:
    con, summary, stages, _ = loaded[name]
    expected_rows = 180 if name == "kestrel_vale" else sum(1 for _ in stages)
    assert summary.reconciles and summary.rows_quarantined == 0
    assert (summary.rows_in, summary.rows_loaded) == (expected_rows, expected_rows)
    counted = [s for s in stages if not s["refused"]]
    for n in (1, 2):
        received = [s for s in counted if s["n"] == n and _in_year(s["received"])]
        acked = [s for s in received if s["ack_in_time"] is not None]
        if acked:
            in_time = sum(s["ack_in_time"] for s in acked)
            assert _got(con, f"ack_in_time_{n}")[:2] == (in_time, len(acked))
        days = sorted(s["wd"] for s in received if s["wd"] is not None)
        mean = half_up(Decimal(sum(days)) / len(days))
        middle = len(days) // 2
        median = days[middle] if len(days) % 2 else (days[middle - 1] + days[middle]) / 2
        assert _got(con, f"wd_to_response_mean_{n}")[1:] == (
            len(days),
            pytest.approx(mean, abs=0.05),
        )
        assert _got(con, f"wd_to_response_median_{n}")[1:] == (len(days), median)
        responded = [s for s in counted if s["n"] == n and _in_year(s["resp"])]
        in_time = sum(s["verdict"] != "late" for s in responded)
        assert _got(con, f"response_in_time_{n}", view="regulator")[:2] == (in_time, len(responded))
    firsts = [s for s in counted if s["n"] == 1 and _in_year(s["resp"])]
    escalated = sum(1 for s in firsts if s["c"]["stages"][2] is not None)
    assert _got(con, "escalation_rate")[:2] == (escalated, len(firsts))


def test_england_tsm_measures_agree(loaded) -> None:
    con, _, stages, _ = loaded["kestrel_vale"]
    for n in (1, 2):
        for stock, units in (("lcra", 3400), ("lcho", 1150)):
            tsm = [s for s in stages if s["n"] == n and not s["refused"] and s["c"]["owned"]
                   and s["c"]["tenure"] == stock and _in_year(s["received"])]  # fmt: skip
            assert _got(con, f"CH01_{n}", stock)[:2] == (len(tsm), units)
            in_time = sum(s["verdict"] != "late" for s in tsm)
            assert _got(con, f"CH02_{n}", stock)[:2] == (in_time, len(tsm))
            without = sum(s["verdict"] == "without" for s in tsm)
            assert _got(con, f"CH02_{n}_without_ext", stock)[0] == without
            assert _got(con, f"CH02_{n}_with_ext", stock)[0] == in_time - without
    refused = sum(1 for s in stages if s["n"] == 1 and s["refused"] and _in_year(s["received"]))
    assert _got(con, "refused_1")[0] == refused


def test_scotland_arc_agrees_and_its_homes_are_not_english(loaded) -> None:
    con, _, stages, config = loaded["glenmore_housing"]
    assert [row.country for row in config.stock] == ["sct"]  # `country` left out: its one regime
    # no English homes, so no CH01 denominator (the TSM return's sections stay blank)
    homes = "select count(*) from measures where measure like 'CH01%' and denominator > 0"
    assert con.execute(homes).fetchone() == (0,)
    for n in (1, 2):
        received = [s for s in stages if s["n"] == n and _in_year(s["received"])]
        full = [s for s in received if s["resp"] and s["outcome"] != "open"]
        assert _got(con, f"ARC_3_{n}")[:2] == (len(full), len(received))
        days = sum(s["wd"] for s in full)
        assert _got(con, f"ARC_4_{n}")[:2] == (days, len(full))
