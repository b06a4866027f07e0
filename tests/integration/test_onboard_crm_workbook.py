"""A CRM's "export to Excel" workbook (Dynamics-like), a survey agency's 'Unicode Text' file and an
Ombudsman tracker, onboarded with landlord.yaml and mapping YAML only (the onboarding audit of
December 2026), their figures checked against counts made here.

- Complaints: XLSX, one row per stage, three hidden '(Do Not Modify)' columns first and a hidden
  option-list sheet after the data, date-time cells, Excel TRUE/FALSE cells (a 'Managed Property'
  flag that is the owned-stock flag inverted), money cells, a 'Revised Target Date' column, a
  compensation offered column and no paid one, schemes that are towns ("King's Lynn South").
- TP09: UTF-16 with a BOM, tab separated, CRLF (Excel's "Unicode Text"), answers coded 1-5 and 9
  (don't know), weights with four decimals.
- Ombudsman: one row per case with its determination in the same row (``finding``).

Before the fixes of that audit: King's Lynn South was stored as 'other' (a forename followed by a
capitalised word) and got a published page "Complaints at other"; compensation paid read £0
beside the amounts offered; the tracker's findings could not be mapped at all.
Timeliness is built clear of every deadline (an answer 2 calendar days after the acknowledgement
is in time, 43 days after is late), so no working-day calendar is needed to count.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
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
SCHEMES = ("King's Lynn South", "Wisbech North", "Victoria Dock")
LANDLORD = """\
landlord_id: Fenland & Wash Homes
name: Fenland & Wash Homes
regimes: [eng]
stock:
  - {year_end: 2026-03-31, stock_type: lcra, units_owned: 2162}
  - {year_end: 2026-03-31, stock_type: lcho, units_owned: 1031}
policy_versions:
  - effective_from: 2024-04-01
    timescales:
      eng:
        stage_1: {acknowledge_wd: 5, respond_wd: 10, extension_wd: 10}
        stage_2: {acknowledge_wd: 5, respond_wd: 20, extension_wd: 20}
    escalation_window: {months_after_stage1_response: 6}
tsm_summary_of_approach: Telephone survey of a random sample of tenants each autumn.
data_cut_date: 2026-04-30
"""
COMPLAINTS = """\
files: ["exports/Complaint Stages *.xlsx"]
format: xlsx
sheet: "Complaint Stages"
target: complaint
shape: long
date_formats: ["%d/%m/%Y %H:%M", "%d/%m/%Y"]
columns:
  complaint_id: "Complaint"
  stage: {column: "Stage", codes: {"Stage 1 - Investigation": 1, "Stage 2 - Review": 2}}
  received_date: "Created On"
  acknowledged_date: "Date Acknowledged"
  extended_due_date: "Revised Target Date"
  responded_date: "Response Sent On"
  outcome: {column: "Outcome", codes: {"Upheld": upheld, "Not upheld": not_upheld}, default: open}
  tenure: {column: "Tenancy Type", codes: {"Assured": lcra, "Shared Ownership Lease": lcho}}
  scheme: "Property Scheme"
  anonymous: "Anonymous Complainant"
  is_tenant_of_owned_stock: {column: "Managed Property", codes: {"TRUE": false, "FALSE": true}}
  compensation_offered_gbp: "Compensation Offered (£)"
"""
SURVEY = """\
files: ["surveys/TSM *.txt"]
format: csv
delimiter: "\\t"
target: tp09_response
columns:
  respondent_ref: "RespID"
  survey_date: "InterviewDate"
  stock_type: {column: "TenureGroup", codes: {"General needs": lcra, "Shared ownership": lcho}}
  regime: {value: eng}
  made_complaint_12m: {column: "Q1_COMPLAINED", codes: {"1": "yes", "2": "no", "3": null}}
  answer:
    column: "Q_TP09"
    codes: {"1": very_satisfied, "2": fairly_satisfied, "3": neither, "4": fairly_dissatisfied,
            "5": very_dissatisfied, "9": null}
  weight: "WEIGHT"
"""
TRACKER = """\
files: ["ombudsman/HOS casework.csv"]
target: ombudsman_case
columns:
  case_ref: "HOS Reference"
  complaint_id: "Our Case"
  body: {value: housing_ombudsman}
  referral_date: "Referred"
  determination_date: "Determined"
finding:
  outcome: {column: "Finding", codes: {"Maladministration": maladministration,
                                       "No Maladministration": no_maladministration}}
  orders_count: "Orders"
"""
HEAD = ["(Do Not Modify) Complaint Stage", "(Do Not Modify) Row Checksum",
        "(Do Not Modify) Modified On", "Complaint", "Stage", "Created On", "Date Acknowledged",
        "Revised Target Date", "Response Sent On", "Outcome", "Tenancy Type", "Property Scheme",
        "Anonymous Complainant", "Managed Property", "Compensation Offered (£)", "Customer"]  # fmt: skip


def _stage_rows(rng: random.Random) -> tuple[list[list], dict]:
    """Stage rows as the CRM writes them, and the counts the figures must show."""
    rows, expected = [], {"received_1": 0, "in_time_1": 0, "with_ext_1": 0, "received_2": 0,
                          "in_time_2": 0, "lynn": 0, "offered": 0.0}  # fmt: skip
    for i in range(90):
        received = dt.datetime(2025, 4, 8, 9, 30) + dt.timedelta(weeks=rng.randrange(40))
        ack = received.date() + dt.timedelta(days=1)
        kind = rng.choice(["in_time", "in_time", "late", "extended"])
        answered = ack + dt.timedelta(days={"in_time": 2, "late": 43, "extended": 20}[kind])
        revised = ack + dt.timedelta(days=25) if kind == "extended" else None
        managed = i % 15 == 0
        scheme = SCHEMES[i % 3]
        offered = 125.5 if i % 4 == 0 else None
        ref = f"CAS-{i:05d}-F4W2"
        rows.append([f"{i:08x}-guid", "checksum==", dt.datetime(2026, 5, 1, 7, 12), ref,
                     "Stage 1 - Investigation", received, ack, revised,
                     dt.datetime.combine(answered, dt.time(16, 5)), "Upheld",
                     "Assured" if i % 3 else "Shared Ownership Lease", scheme, i % 20 == 0,
                     managed, offered, "Mx Resident"])  # fmt: skip
        if not managed:
            expected["received_1"] += 1
            expected["in_time_1"] += kind != "late"
            expected["with_ext_1"] += kind == "extended"
        expected["lynn"] += scheme == SCHEMES[0]
        expected["offered"] += offered or 0
        if i % 5 == 0:
            escalated = dt.datetime.combine(answered + dt.timedelta(days=7), dt.time(10))
            late2 = i % 10 == 0
            rows.append([f"{i:08x}-guid2", "checksum==", dt.datetime(2026, 5, 1, 7, 12), ref,
                         "Stage 2 - Review", escalated, escalated.date(), None,
                         escalated + dt.timedelta(days=45 if late2 else 3), "Not upheld",
                         None, None, None, None, None, None])  # fmt: skip
            if not managed and escalated.date() <= YEAR.end:
                expected["received_2"] += 1
                expected["in_time_2"] += not late2
    return rows, expected


def _workbook(path: Path, rows: list[list]) -> None:
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "Complaint Stages"
    sheet.append(HEAD)
    for row in rows:
        sheet.append(row)
    for column in "ABC":
        sheet.column_dimensions[column].hidden = True
    for cells in sheet.iter_rows(min_row=2):
        cells[14].number_format = '"£"#,##0.00'
    hidden = wb.create_sheet("hiddenSheet")
    hidden.sheet_state = "hidden"
    hidden.append(["incident:option-lists", "Stage 1 - Investigation", "Stage 2 - Review"])
    wb.save(path)


def _survey(rng: random.Random) -> tuple[bytes, dict[str, float]]:
    """The agency's file and the weighted TP09 answers of those who complained (lcra)."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", lineterminator="\r\n")
    writer.writerow(["RespID", "InterviewDate", "TenureGroup", "Q1_COMPLAINED", "Q_TP09", "WEIGHT"])
    weighted = {"satisfied": 0.0, "five": 0.0}
    for i in range(300):
        tenure = "General needs" if i % 4 else "Shared ownership"
        complained = rng.choice("1123")
        answer = rng.choice("123459")
        weight = round(rng.uniform(0.7, 1.3), 4)
        when = D(2025, 10, 1) + dt.timedelta(days=rng.randrange(60))
        writer.writerow([f"FW{i:04d}", f"{when:%d/%m/%Y}", tenure, complained, answer, weight])
        if tenure == "General needs" and complained == "1" and answer != "9":
            weighted["five"] += weight
            weighted["satisfied"] += weight if answer in "12" else 0
    return b"\xff\xfe" + buf.getvalue().encode("utf-16-le"), weighted


@pytest.fixture(scope="module")
def onboarded(tmp_path_factory):
    root = tmp_path_factory.mktemp("crm") / "fenland_wash_homes"
    for folder in ("exports", "surveys", "ombudsman", "mappings"):
        (root / folder).mkdir(parents=True)
    (root / "landlord.yaml").write_text(LANDLORD)
    for name, text in (("crm", COMPLAINTS), ("survey", SURVEY), ("tracker", TRACKER)):
        (root / "mappings" / f"{name}.yaml").write_text(text)
    rng = random.Random(20261207)
    rows, expected = _stage_rows(rng)
    _workbook(root / "exports" / "Complaint Stages 2025-26.xlsx", rows)
    survey, expected["tp09"] = _survey(rng)
    (root / "surveys" / "TSM 2025 tenant survey.txt").write_bytes(survey)
    (root / "ombudsman" / "HOS casework.csv").write_text(
        "HOS Reference,Our Case,Referred,Determined,Finding,Orders\n"
        "202500001,CAS-00000-F4W2,02/07/2025,30/10/2025,Maladministration,2\n"
        "202500002,CAS-00005-F4W2,10/08/2025,08/12/2025,No Maladministration,0\n"
        "202500003,CAS-00010-F4W2,19/01/2026,,,\n"
    )
    con = duckdb.connect()
    landlord = load_landlord(root)
    summary = ingest_workspace(con, root, landlord, "k")
    compute_measures(con, landlord, YEAR, landlord.data_cut_date)
    yield con, summary, expected
    con.close()


def _value(con, measure, breakdown="none", value="all", view=None):
    sql = (
        "select numerator, denominator, display from measures where period = '2025-26' "
        "and measure = ? and breakdown = ? and breakdown_value = ?"
    )
    params = [measure, breakdown, value]
    if view:
        sql += " and view = ?"
        params.append(view)
    rows = con.execute(sql, params).fetchall()
    assert len(rows) == 1, (measure, rows)
    return rows[0]


def test_every_row_loads(onboarded):
    con, summary, _ = onboarded
    assert summary.reconciles
    assert con.execute("select count(*) from quarantine").fetchone()[0] == 0
    assert con.execute("select count(*) from label_other").fetchone()[0] == 0


def test_ch01_and_ch02_count_the_workbook_rows(onboarded):
    con, _, expected = onboarded
    n1 = sum(_value(con, "CH01_1", "stock_type", st, "regulator")[0] for st in ("lcra", "lcho"))
    n2 = sum(_value(con, "CH01_2", "stock_type", st, "regulator")[0] for st in ("lcra", "lcho"))
    assert (n1, n2) == (expected["received_1"], expected["received_2"])
    in_time = _value(con, "CH02_1", "stock_type", "combined", "regulator")
    assert in_time[:2] == (expected["in_time_1"], expected["received_1"])
    with_ext = _value(con, "CH02_1_with_ext", "stock_type", "combined", "regulator")
    assert with_ext[0] == expected["with_ext_1"] > 0
    assert _value(con, "CH02_2", "stock_type", "combined", "regulator")[0] == expected["in_time_2"]


def test_a_town_is_a_scheme_and_unrecorded_compensation_paid_is_not_known(onboarded):
    con, _, expected = onboarded
    assert _value(con, "received_1", "scheme", "King's Lynn South")[0] == expected["lynn"]
    assert _value(con, "compensation_offered_gbp")[0] == pytest.approx(expected["offered"])
    assert _value(con, "compensation_paid_gbp")[2] == "[U]"


def test_tp09_reads_the_unicode_text_file(onboarded):
    con, _, expected = onboarded
    numerator, denominator, _ = _value(con, "TP09", "stock_type", "lcra", "regulator")
    assert numerator == pytest.approx(expected["tp09"]["satisfied"])
    assert denominator == pytest.approx(expected["tp09"]["five"])


def test_the_trackers_determinations_are_findings(onboarded):
    con, _, _ = onboarded
    assert con.execute("select count(*) from ombudsman_case").fetchone()[0] == 3
    assert sorted(
        con.execute("select outcome, orders_count from ombudsman_finding").fetchall()
    ) == [
        ("maladministration", 2),
        ("no_maladministration", 0),
    ]
