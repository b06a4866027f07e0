"""More export layouts no example has, onboarded with landlord.yaml and mapping YAML only (the
onboarding audit of December 2026), their figures checked against counts made here.

- One file per stage: a stage 1 export (two monthly files whose columns come in another order) and
  a stage 2 export with columns of its own, joined by the case reference; ';'-separated cp1252,
  dates 'dd-MMM-yy', money '£1,250.00'. Two long mappings, `stage: {value: 1}` and
  `{value: 2}`: before the fix each mapping made its own complaint record and the load stopped on
  a uniqueness check naming no mapping.
- XLSX with the data on its second sheet below a title block and above a totals row, date-time
  cells, codes typed in other cases and with trailing spaces; a TP09 survey workbook with its
  answers as numbers 1-5 and the landlord's Scottish homes' responses in it too (a `Country`
  column mapped to `regime`: before the fix there was no such field, and every Scottish response
  was counted in the English TP09).

Timeliness is built clear of every deadline (a response 2 calendar days after receipt is in time,
43 days after is late), so no working-day calendar is needed to count.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

import duckdb
import openpyxl
import pytest

from pipeline.config import load_landlord
from pipeline.ingest import ingest_workspace
from pipeline.measures import compute_measures
from pipeline.periods import ReportingYear

D = dt.date
YEAR = ReportingYear.parse("2025-26")
CUT = D(2026, 4, 30)
UNITS = {"lcra": 1300, "lcho": 1100}
LANDLORD = f"""\
landlord_id: {{lid}}
name: Onboarding audit
regimes: [eng]
stock:
  - {{{{year_end: 2026-03-31, stock_type: lcra, units_owned: {UNITS["lcra"]}}}}}
  - {{{{year_end: 2026-03-31, stock_type: lcho, units_owned: {UNITS["lcho"]}}}}}
policy_versions:
  - effective_from: 2023-04-01
    timescales:
      eng:
        stage_1: {{{{acknowledge_wd: 5, respond_wd: 10, extension_wd: 10}}}}
        stage_2: {{{{acknowledge_wd: 5, respond_wd: 20, extension_wd: 20}}}}
    escalation_window: {{{{months_after_stage1_response: 6}}}}
tsm_summary_of_approach: Postal census of tenants.
data_cut_date: 2026-04-30
"""

PER_STAGE_COMMON = """\
format: csv
encoding: cp1252
delimiter: ";"
header_row: 1
target: complaint
shape: long
date_formats: ["%d-%b-%y"]
"""
STAGE1_MAPPING = """\
files: ["exports/stage1_*.csv"]
columns:
  complaint_id: "Case Ref"
  stage: {value: 1}
  received_date: "Opened"
  tenure: {column: "Tenure", codes: {"Assured": lcra, "Shared Owner": lcho}}
  acknowledged_date: "Acknowledged"
  responded_date: "Closed"
  outcome: {column: "Outcome", codes: {"Upheld": upheld, "Not Upheld": not_upheld}, default: open}
  compensation_offered_gbp: "Compensation £"
"""
STAGE2_MAPPING = """\
files: ["exports/stage2_*.csv"]
columns:
  complaint_id: "Case Ref"
  stage: {value: 2}
  received_date: "Escalation Date"
  acknowledged_date: "Stage 2 Ack"
  responded_date: "Stage 2 Response"
  outcome: {column: "Stage 2 Outcome", codes: {"Upheld": upheld, "Not Upheld": not_upheld}, default: open}
"""

REGISTER_MAPPING = """\
files: ["exports/Complaints_Register_*.xlsx"]
format: xlsx
sheet: "Complaints Data"
header_row: 4
footer: {column: "Reference", pattern: "^Total"}
target: complaint
shape: wide
date_formats: ["%d/%m/%Y"]
columns:
  complaint_id: "Reference"
  tenure: {column: "Tenancy Type", codes: {"General Needs": lcra, "Shared Ownership": lcho}}
stages:
  1:
    received_date: "Date Logged"
    acknowledged_date: "Stage 1 Acknowledged"
    responded_date: "Stage 1 Closed"
    outcome: {column: "Stage 1 Decision", codes: &d {"Upheld": upheld, "Not Upheld": not_upheld}, default: open}
    compensation_offered_gbp: "Compensation"
  2:
    received_date: "Stage 2 Opened"
    acknowledged_date: "Stage 2 Acknowledged"
    responded_date: "Stage 2 Closed"
    outcome: {column: "Stage 2 Decision", codes: *d, default: open}
"""
TP09_MAPPING = """\
files: ["surveys/tsm_*.xlsx"]
format: xlsx
target: tp09_response
columns:
  respondent_ref: "RespID"
  survey_date: "Interview Date"
  stock_type: {column: "Tenure", codes: {"GN": lcra}}
  regime: "Country"
  made_complaint_12m: {column: "Complained (1=Yes 2=No)", codes: {"1": "yes", "2": "no"}}
  answer:
    column: "TP09 (1=very satisfied)"
    codes: {"1": very_satisfied, "2": fairly_satisfied, "3": neither, "4": fairly_dissatisfied,
            "5": very_dissatisfied}
"""


def _complaints(rng: random.Random, n: int, prefix: str) -> list[dict]:
    out = []
    for i in range(n):
        received = D(2025, 4, 8) + dt.timedelta(weeks=rng.randrange(38))  # Tuesdays
        if i % 10 == 0:
            received = D(2025, 2, 4) + dt.timedelta(weeks=rng.randrange(6))  # the year before
        in_time = rng.random() < 0.7
        c = {"id": f"{prefix}{1000 + i}", "tenure": rng.choice(["lcra", "lcra", "lcho"]),
             "received": received, "ack1": received + dt.timedelta(days=1),
             "resp1": received + dt.timedelta(days=2 if in_time else 43), "in_time1": in_time,
             "outcome1": rng.choice(["upheld", "not_upheld"]), "comp1": rng.choice([0, 50, 1250])}  # fmt: skip
        if rng.random() < 0.35:
            s2 = c["resp1"] + dt.timedelta(days=14)
            in_time = rng.random() < 0.6
            c |= {"s2": s2, "ack2": s2 + dt.timedelta(days=1), "in_time2": in_time,
                  "resp2": s2 + dt.timedelta(days=8 if in_time else 60),
                  "outcome2": rng.choice(["upheld", "not_upheld"])}  # fmt: skip
        out.append(c)
    return out


def _workspace(base: Path, lid: str, mappings: dict[str, str]) -> Path:
    root = base / lid
    for sub in ("exports", "mappings", "surveys"):
        (root / sub).mkdir(parents=True)
    (root / "landlord.yaml").write_text(LANDLORD.format(lid=lid))
    for name, text in mappings.items():
        (root / "mappings" / f"{name}.yaml").write_text(text)
    return root


def _file_per_stage(base: Path, rng: random.Random) -> tuple[Path, list[dict]]:
    root = _workspace(
        base,
        "file_per_stage",
        {"stage1": STAGE1_MAPPING + PER_STAGE_COMMON, "stage2": STAGE2_MAPPING + PER_STAGE_COMMON},
    )
    cs = _complaints(rng, 60, "BH/")
    day = lambda d: d.strftime("%d-%b-%y")  # noqa: E731
    words = {
        "lcra": "Assured",
        "lcho": "Shared Owner",
        "upheld": "Upheld",
        "not_upheld": "Not Upheld",
    }
    orders = (["Case Ref", "Opened", "Tenure", "Acknowledged", "Closed", "Outcome", "Compensation £"],
              ["Case Ref", "Tenure", "Opened", "Closed", "Acknowledged", "Compensation £", "Outcome"])  # fmt: skip
    for month, order, part in (("2025-10", orders[0], cs[:30]), ("2026-04", orders[1], cs[30:])):
        with open(
            root / "exports" / f"stage1_{month}.csv", "w", encoding="cp1252", newline=""
        ) as f:
            out = csv.writer(f, delimiter=";")
            out.writerow(order)
            for c in part:
                cells = {"Case Ref": c["id"], "Opened": day(c["received"]),
                         "Tenure": words[c["tenure"]], "Acknowledged": day(c["ack1"]),
                         "Closed": day(c["resp1"]), "Outcome": words[c["outcome1"]],
                         "Compensation £": f"£{c['comp1']:,.2f}" if c["comp1"] else ""}  # fmt: skip
                out.writerow([cells[k] for k in order])
    with open(root / "exports" / "stage2_all.csv", "w", encoding="cp1252", newline="") as f:
        out = csv.writer(f, delimiter=";")
        out.writerow(
            ["Case Ref", "Escalation Date", "Stage 2 Ack", "Stage 2 Response", "Stage 2 Outcome"]
        )
        for c in cs:
            if "s2" in c:
                out.writerow([c["id"], day(c["s2"]), day(c["ack2"]), day(c["resp2"]), words[c["outcome2"]]])  # fmt: skip
        # a stage 2 requested before its stage 1 response (in the other file), and the stage 2 of
        # a complaint whose stage 1 row is quarantined (its received date unreadable)
        early = next(c for c in cs if "s2" not in c and c["received"] >= YEAR.start)
        out.writerow([early["id"], day(early["received"]), "", "", ""])
        out.writerow(["BH/9999", "01-Dec-25", "", "", ""])
    with open(root / "exports" / "stage1_2026-04.csv", "a", encoding="cp1252", newline="") as f:
        csv.writer(f, delimiter=";").writerow(["BH/9999", "Assured", "31/11/2025", "", "", "", ""])
    return root, cs


def _register(base: Path, rng: random.Random) -> tuple[Path, list[dict], tuple[int, int]]:
    root = _workspace(
        base, "xlsx_second_sheet", {"register": REGISTER_MAPPING, "tp09": TP09_MAPPING}
    )
    cs = _complaints(rng, 60, "LFH-")
    book = openpyxl.Workbook()
    book.active.title = "Summary"
    book.active.append(["Complaints", len(cs)])
    sheet = book.create_sheet("Complaints Data")
    sheet.append(["Larkfield Homes - Complaints register"])
    sheet.append(["Run on 30/04/2026 by Reports Server"])
    sheet.append([])
    sheet.append(["Reference", "Date Logged", "Tenancy Type", "Stage 1 Acknowledged",
                  "Stage 1 Closed", "Stage 1 Decision", "Compensation", "Stage 2 Opened",
                  "Stage 2 Acknowledged", "Stage 2 Closed", "Stage 2 Decision"])  # fmt: skip
    words = {"lcra": ["General Needs", "GENERAL NEEDS ", " general needs"],
             "lcho": ["Shared Ownership ", "shared ownership"],
             "upheld": ["Upheld", "UPHELD ", "upheld"], "not_upheld": ["Not Upheld", "not upheld "]}  # fmt: skip
    for c in cs:
        at = dt.datetime.combine
        sheet.append([c["id"], at(c["received"], dt.time(9, 30)), rng.choice(words[c["tenure"]]),
                      c["ack1"], at(c["resp1"], dt.time(16, 5)),
                      rng.choice(words[c["outcome1"]]), c["comp1"] or None, c.get("s2"),
                      c.get("ack2"), c.get("resp2"),
                      rng.choice(words[c["outcome2"]]) if "s2" in c else None])  # fmt: skip
    sheet.append(["Total", len(cs)])
    book.save(root / "exports" / "Complaints_Register_2026-04.xlsx")
    book = openpyxl.Workbook()
    book.active.append(["RespID", "Interview Date", "Complained (1=Yes 2=No)",
                        "TP09 (1=very satisfied)", "Tenure", "Country"])  # fmt: skip
    complained = satisfied = 0
    for i in range(120):
        yes, answer = rng.random() < 0.4, rng.choice([1, 2, 3, 4, 5, None])
        country = "Scotland" if i % 6 == 0 else "England"  # the landlord's Scottish homes too
        complained += yes and answer is not None and country == "England"
        satisfied += yes and answer in (1, 2) and country == "England"
        when = D(2025, 9, 1) + dt.timedelta(days=rng.randrange(60))
        book.active.append([f"R{i:04d}", when, 1 if yes else 2, answer, "GN", country])
    book.save(root / "surveys" / "tsm_2025.xlsx")
    return root, cs, (satisfied, complained)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory):
    base, rng = tmp_path_factory.mktemp("onboard_more"), random.Random(20261206)
    runs = {}
    for name, build in (("file_per_stage", _file_per_stage), ("xlsx_second_sheet", _register)):
        root, *truth = build(base, rng)
        config = load_landlord(root)
        con = duckdb.connect()
        summary = ingest_workspace(con, root, config, "onboard-key")
        compute_measures(con, config, YEAR, data_cut=CUT)
        runs[name] = (con, summary, *truth)
    return runs


def _got(con, measure: str, value: str = "all", breakdown: str = "stock_type") -> tuple:
    rows = con.execute(
        "select numerator, denominator from measures where period = '2025-26' and measure = $m "
        "and breakdown = $b and breakdown_value = $v and view in ('regulator', 'all')",
        {"m": measure, "b": breakdown, "v": value},
    ).fetchall()
    assert len(rows) == 1, (measure, value, rows)
    return rows[0]


def _check_complaint_figures(con, cs: list[dict]) -> None:
    in_year = lambda d: d is not None and YEAR.start <= d <= YEAR.end  # noqa: E731
    for stock in ("lcra", "lcho"):
        ones = [c for c in cs if c["tenure"] == stock and in_year(c["received"])]
        twos = [c for c in cs if c["tenure"] == stock and in_year(c.get("s2"))]
        assert _got(con, "CH01_1", stock) == (len(ones), UNITS[stock])
        assert _got(con, "CH01_2", stock) == (len(twos), UNITS[stock])
        assert _got(con, "CH02_1", stock) == (sum(c["in_time1"] for c in ones), len(ones))
        assert _got(con, "CH02_2", stock) == (sum(c["in_time2"] for c in twos), len(twos))
    paid = sum(c["comp1"] for c in cs if in_year(c["resp1"]))
    assert _got(con, "compensation_offered_gbp", breakdown="none")[0] == paid


def test_one_file_per_stage_is_one_complaint_each(loaded) -> None:
    con, summary, cs = loaded["file_per_stage"]
    assert summary.reconciles
    stage2s = sum("s2" in c for c in cs)
    assert (summary.rows_in, summary.rows_quarantined) == (60 + stage2s + 3, 3)
    assert con.execute(
        "select count(*), count(distinct complaint_id) from complaint"
    ).fetchone() == (60, 60)
    rules = con.execute("select distinct source_file, rule from quarantine").fetchall()
    assert sorted(rules) == [
        ("exports/stage1_2026-04.csv", "date_unparseable"),
        ("exports/stage2_all.csv", "parent_quarantined"),
        ("exports/stage2_all.csv", "stage2_before_stage1_response"),
    ]
    _check_complaint_figures(con, cs)


def test_xlsx_second_sheet_and_a_numbered_survey(loaded) -> None:
    con, summary, cs, (satisfied, complained) = loaded["xlsx_second_sheet"]
    assert summary.reconciles and summary.rows_quarantined == 0
    assert summary.rows_in == 60 + 120  # the title block and the totals row are not data
    _check_complaint_figures(con, cs)
    assert _got(con, "TP09", "lcra") == (satisfied, complained)
