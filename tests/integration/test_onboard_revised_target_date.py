"""A case system that records the extended due date ("Revised Target Date") instead of extension
days, onboarded with landlord.yaml and mapping YAML only, in both shapes: a wide export (one row
per complaint, a revised date column per stage, and an extension-days column filled on one row)
and a long export (one row per stage). Before ``extended_due_date`` existed the dates could not be
mapped: every extension read as 0 and each answer within its agreed extension counted as late.

Hand-checked rows (England, 2025; the Code's timescales, the landlord's own policy sets no cap):
stage 1 received and acknowledged Fri 8 Aug 2025, base deadline Mon 11 (1) .. Fri 15 (5), Mon 18
(6) .. Fri 22 Aug (10). Mon 25 Aug 2025 is the summer bank holiday, so from Fri 22 Aug: Tue 26
(1), Wed 27 (2), Thu 28 (3), Fri 29 (4), Mon 1 Sep (5) .. Fri 5 (9), Mon 8 (10), Tue 9 (11),
Wed 10 (12), Thu 11 (13), Fri 12 (14), Mon 15 Sep (15).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pytest

from pipeline.config import load_landlord
from pipeline.ingest import ingest_workspace
from pipeline.measures import compute_measures, stage_timeliness
from pipeline.periods import ReportingYear
from pipeline.reporting.quality_counts import EXTENSION_DISAGREES, quality_counts

D = dt.date
YEAR = ReportingYear.parse("2025-26")
CUT = D(2026, 4, 30)
LANDLORD = """\
landlord_id: {lid}
name: Revised target dates
regimes: [eng]
stock:
  - {{year_end: 2026-03-31, stock_type: lcra, units_owned: 1000}}
  - {{year_end: 2026-03-31, stock_type: lcho, units_owned: 200}}
policy_versions:
  - effective_from: 2023-04-01
    timescales:
      eng:
        stage_1: {{acknowledge_wd: 5, respond_wd: 10, extension_wd: null}}
        stage_2: {{acknowledge_wd: 5, respond_wd: 20, extension_wd: null}}
    escalation_window: {{months_after_stage1_response: 6}}
tsm_summary_of_approach: Postal census of tenants.
data_cut_date: 2026-04-30
"""
WIDE_MAPPING = """\
files: ["exports/cases_*.csv"]
format: csv
header_row: 1
target: complaint
shape: wide
date_formats: ["%d/%m/%Y"]
columns:
  complaint_id: "Case No"
  tenure: {column: "Tenancy", codes: {"General Needs": lcra, "Shared Ownership": lcho}}
stages:
  1:
    received_date: "Stage 1 Logged"
    acknowledged_date: "Stage 1 Acknowledged"
    extension_wd: "Stage 1 Extension Days"
    extended_due_date: "Stage 1 Revised Target Date"
    responded_date: "Stage 1 Responded"
    outcome: {column: "Stage 1 Outcome", codes: &o {"Upheld": upheld, "Not Upheld": not_upheld}, default: open}
  2:
    received_date: "Stage 2 Logged"
    acknowledged_date: "Stage 2 Acknowledged"
    extended_due_date: "Stage 2 Revised Target Date"
    responded_date: "Stage 2 Responded"
    outcome: {column: "Stage 2 Outcome", codes: *o, default: open}
"""
LONG_MAPPING = """\
files: ["exports/stages_*.csv"]
format: csv
header_row: 1
target: complaint
shape: long
date_formats: ["%d/%m/%Y"]
columns:
  complaint_id: "Case No"
  stage: {column: "Stage", codes: {"Stage 1": 1, "Stage 2": 2}}
  tenure: {column: "Tenancy", codes: {"General Needs": lcra, "Shared Ownership": lcho}}
  received_date: "Logged"
  acknowledged_date: "Acknowledged"
  extended_due_date: "Revised Target Date"
  responded_date: "Responded"
  outcome: {column: "Outcome", codes: {"Upheld": upheld, "Not Upheld": not_upheld}, default: open}
"""

S1 = D(2025, 8, 8)  # Friday: received and acknowledged; base deadline Fri 22 Aug 2025
S2 = D(2025, 9, 1)  # Monday: stage 2 received and acknowledged; base deadline Mon 29 Sep 2025
# (id, tenure, stage 1 extension days, stage 1 revised date, stage 1 responded, status by CH02)
STAGE1 = [
    ("A", "lcra", None, D(2025, 8, 26), D(2025, 8, 26), "with"),  # 1 WD across the holiday
    ("B", "lcra", None, D(2025, 8, 29), D(2025, 8, 28), "with"),  # 4 WD, answered on the 3rd
    ("C", "lcra", None, None, D(2025, 8, 21), "without"),
    ("D", "lcra", None, None, D(2025, 8, 26), "late"),  # no extension at all
    ("E", "lcra", None, D(2025, 8, 20), D(2025, 8, 26), "late"),  # revised before the base
    ("F", "lcra", None, D(2025, 9, 15), D(2025, 9, 11), "late"),  # 15 WD: over the Code's 10
    ("G", "lcra", None, D(2025, 8, 26), D(2025, 8, 27), "late"),  # a day after the revised date
    ("H", "lcho", None, D(2025, 8, 26), D(2025, 8, 26), "with"),
    # open at the cut, its revised date after the data cut (not a date_in_future)
    ("J", "lcra", None, D(2026, 5, 15), None, "late"),
]
# wide only: 3 days recorded and a revised date of 1 WD: the days win (Tue 26, Wed 27, Thu 28)
DISAGREES = ("I", "lcra", 3, D(2025, 8, 26), D(2025, 8, 28), "with")
# stage 2 of A: base Mon 29 Sep 2025 (Tue 2 Sep (1) .. Fri 26 (19), Mon 29 (20)); revised Wed 1
# Oct 2025 = 2 WD (Tue 30 Sep, Wed 1 Oct), answered Wed 1 Oct: in time with the extension
STAGE2 = {"A": (D(2025, 10, 1), D(2025, 10, 1))}
WORDS = {"lcra": "General Needs", "lcho": "Shared Ownership"}


def _day(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _received(cid: str) -> dt.date:
    return D(2026, 3, 23) if cid == "J" else S1


def _workspace(base: Path, lid: str, mapping: str) -> Path:
    root = base / lid
    for sub in ("exports", "mappings"):
        (root / sub).mkdir(parents=True)
    (root / "landlord.yaml").write_text(LANDLORD.format(lid=lid))
    (root / "mappings" / "cases.yaml").write_text(mapping)
    return root


def _wide(base: Path) -> Path:
    root = _workspace(base, "revised_wide", WIDE_MAPPING)
    header = ["Case No", "Tenancy", "Stage 1 Logged", "Stage 1 Acknowledged",
              "Stage 1 Extension Days", "Stage 1 Revised Target Date", "Stage 1 Responded",
              "Stage 1 Outcome", "Stage 2 Logged", "Stage 2 Acknowledged",
              "Stage 2 Revised Target Date", "Stage 2 Responded", "Stage 2 Outcome"]  # fmt: skip
    with open(root / "exports" / "cases_2026-04.csv", "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(header)
        for cid, tenure, days, revised, responded, _ in [*STAGE1, DISAGREES]:
            received = _received(cid)
            s2 = STAGE2.get(cid)
            out.writerow([cid, WORDS[tenure], _day(received), _day(received),
                          "" if days is None else days, _day(revised), _day(responded),
                          "Upheld" if responded else "", _day(S2 if s2 else None),
                          _day(S2 if s2 else None), _day(s2[0] if s2 else None),
                          _day(s2[1] if s2 else None), "Not Upheld" if s2 else ""])  # fmt: skip
    return root


def _long(base: Path) -> Path:
    root = _workspace(base, "revised_long", LONG_MAPPING)
    header = ["Case No", "Stage", "Tenancy", "Logged", "Acknowledged", "Revised Target Date",
              "Responded", "Outcome"]  # fmt: skip
    with open(root / "exports" / "stages_2026-04.csv", "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(header)
        for cid, tenure, _, revised, responded, _ in STAGE1:
            received = _received(cid)
            out.writerow([cid, "Stage 1", WORDS[tenure], _day(received), _day(received),
                          _day(revised), _day(responded), "Upheld" if responded else ""])  # fmt: skip
            if cid in STAGE2:
                revised2, responded2 = STAGE2[cid]
                out.writerow([cid, "Stage 2", WORDS[tenure], _day(S2), _day(S2), _day(revised2),
                              _day(responded2), "Not Upheld"])  # fmt: skip
    return root


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("revised_target_date")
    runs = {}
    for name, build in (("wide", _wide), ("long", _long)):
        root = build(base)
        config = load_landlord(root)
        con = duckdb.connect()
        summary = ingest_workspace(con, root, config, "revised-key")
        compute_measures(con, config, YEAR, data_cut=CUT)
        runs[name] = (con, summary, config)
    yield runs
    for con, *_ in runs.values():
        con.close()


def _got(con, measure: str, value: str) -> tuple:
    rows = con.execute(
        "select numerator, denominator from measures where period = '2025-26' and measure = $m "
        "and breakdown = 'stock_type' and breakdown_value = $v",
        {"m": measure, "v": value},
    ).fetchall()
    assert len(rows) == 1, (measure, value, rows)
    return rows[0]


@pytest.mark.parametrize("shape", ["wide", "long"])
def test_revised_target_dates_count_as_extensions_in_ch02(loaded, shape) -> None:
    con, summary, _ = loaded[shape]
    assert summary.reconciles and summary.rows_quarantined == 0
    rows = STAGE1 + ([DISAGREES] if shape == "wide" else [])
    lcra = [r for r in rows if r[1] == "lcra"]
    with_ext = sum(r[5] == "with" for r in lcra)
    without = sum(r[5] == "without" for r in lcra)
    assert (with_ext, without) == ((3 if shape == "wide" else 2), 1)
    assert _got(con, "CH02_1", "lcra") == (with_ext + without, len(lcra))
    assert _got(con, "CH02_1_with_ext", "lcra")[0] == with_ext
    assert _got(con, "CH02_1_without_ext", "lcra")[0] == without
    assert _got(con, "CH02_1", "lcho") == (1, 1)
    assert _got(con, "CH02_1_with_ext", "lcho")[0] == 1
    assert _got(con, "CH02_2", "lcra") == (1, 1)
    assert _got(con, "CH02_2_with_ext", "lcra")[0] == 1


@pytest.mark.parametrize("shape", ["wide", "long"])
def test_derived_days_and_both_views(loaded, shape) -> None:
    con, _, config = loaded[shape]
    frame = stage_timeliness(con, config, CUT).pl()
    got = {
        (r["stage"], r["extension_wd"], r["reg_extension_wd"], r["mgt_extension_wd"],
         str(r["reg_status"]), str(r["mgt_status"]))
        for r in frame.iter_rows(named=True)
        if r["extended_due_date"] in (D(2025, 8, 29), D(2025, 9, 15), D(2025, 10, 1))
    }  # fmt: skip
    assert got == {
        (1, 4, 4, 4, "in_time_with_ext", "in_time_with_ext"),  # B
        # F: 15 WD; the regulator caps at the Code's 10 (Mon 8 Sep), the policy sets no cap
        (1, 15, 10, 15, "late", "in_time_with_ext"),
        (2, 2, 2, 2, "in_time_with_ext", "in_time_with_ext"),  # A's stage 2
    }


def test_disagreeing_days_and_date_are_counted_for_analysts(loaded) -> None:
    con, _, config = loaded["wide"]
    rows = quality_counts(con, config.landlord_id, config)
    assert ["check", EXTENSION_DISAGREES, None, None, None, 1] in rows
    # a landlord mapping only the dates has nothing to compare: no check row
    con, _, config = loaded["long"]
    assert not [r for r in quality_counts(con, config.landlord_id, config) if r[0] == "check"]


def test_data_quality_report_summary_says_so(loaded) -> None:
    from pipeline.reporting.quality import quality_sections, quarantine_frame

    con, _, config = loaded["wide"]
    quarantine = quarantine_frame(con, config.landlord_id)
    summary = quality_sections(con, config.landlord_id, quarantine, None, config)[0]
    items = [item for block in summary.blocks if block.kind == "list" for item in block.items]
    assert any(item.startswith("1 loaded stage(s) record an extension") for item in items)
