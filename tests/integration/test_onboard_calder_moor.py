"""A landlord onboarded with landlord.yaml and mapping YAML only, run as an analyst runs it
(``complaints run --landlord ... --workspaces-root ...``), its every row accounted for and its
CH01, CH02 (without and with extension) and TP09 checked against a computation made here from the
raw files (design.md sections 5 and 6, plain Python, no pipeline code).

The workspace is tests/fixtures/ingest/landlords/calder_moor_housing (exports written by
tests/fixtures/ingest/calder_moor.py; landlord.yaml and mappings written from docs/landlord.md and
docs/mapping.md). What no other onboarded layout has:

- stage 1 and stage 2 in separate files, the stage 2 file keyed by its own review id and the
  stage 1 reference, which it writes without the stage 1 file's leading zeros ('123' for
  '000123'), as does the Ombudsman tracker;
- ';'-separated Windows-1252 stage 1 and survey files with decimal commas ('£1.250,00', weights
  '1,0432'), a title block above the header and a records line below it, headings with trailing
  spaces, a line break inside quoted headings, one year's headings in capitals;
- dates '03-Apr-24' with September written 'Sept', '3rd April 2024 14:05', Excel serials and
  serial date-times ('45385.5854') in CSV cells;
- tenure in the landlord's words ('General Needs', 'Supported Housing', 'Shared Ownership',
  'Leasehold', 'Market Rent');
- two policy versions: the 2023 one starts the response clock at receipt, the 2024 one at the
  acknowledgement; the landlord's own stage 1 extension cap (15) is above the Code's (10).

Before the fixes of this onboarding: one mapping could not read both years' stage 1 files (the
capitalised headings were "not in the header"); every amount and weight with a decimal comma was
number_unparseable (the survey files 100% quarantined, stopping the run) and no mapping key could
say so; every September date was date_unparseable; each stage 2 whose reference had lost its
leading zeros loaded as a complaint of its own with no tenure, so CH01(2) and CH02(2) left it out.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKSPACE = ROOT / "tests" / "fixtures" / "ingest" / "landlords" / "calder_moor_housing"
D = dt.date
CUT = D(2025, 5, 31)
YEARS = {"2023-24": (D(2023, 4, 1), D(2024, 3, 31)), "2024-25": (D(2024, 4, 1), D(2025, 3, 31))}
UNITS = {"2023-24": {"lcra": 2310, "lcho": 960}, "2024-25": {"lcra": 2335, "lcho": 1012}}
# gov.uk England and Wales bank holidays, and landlord.yaml's closure days
OFF = {
    D.fromisoformat(d)
    for d in (
        "2023-01-02 2023-04-07 2023-04-10 2023-05-01 2023-05-08 2023-05-29 2023-08-28 2023-12-25 "
        "2023-12-26 2024-01-01 2024-03-29 2024-04-01 2024-05-06 2024-05-27 2024-08-26 2024-12-25 "
        "2024-12-26 2025-01-01 2025-04-18 2025-04-21 2025-05-05 2025-05-26 2025-08-25 "
        "2023-12-27 2023-12-28 2023-12-29 2024-12-27 2024-12-30 2024-12-31"
    ).split()
}
CODE_CAP = {1: 10, 2: 20}  # the Code's extension limits: the regulator view's cap
TENURE = {"general needs": "lcra", "supported housing": "lcra", "shared ownership": "lcho",
          "leasehold": "leaseholder", "market rent": "other", "": "unknown"}  # fmt: skip
RETURN_ANSWER = {"vs": "VS", "fs": "FS", "n": "NSD", "fd": "FD", "vd": "VD"}
ANSWER = {"very satisfied": "vs", "fairly satisfied": "fs", "neither": "n",
          "fairly dissatisfied": "fd", "very dissatisfied": "vd"}  # fmt: skip


def working(day: D) -> bool:
    return day.weekday() < 5 and day not in OFF


def add_wd(day: D, n: int) -> D:
    while n > 0:
        day += dt.timedelta(1)
        n -= working(day)
    return day


def half_up(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.1"), ROUND_HALF_UP))


# ---------------------------------------------------------------- reading the files, by hand


def _rows(path: Path, encoding: str, delimiter: str, header_row: int) -> tuple[list, list]:
    """(header names folded, [(spreadsheet row, cells)]) below the header, blank lines left out."""
    text = path.read_bytes().decode(encoding).removeprefix("\ufeff")
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header = [" ".join(h.split()).casefold() for h in records[header_row - 1]]
    # a quoted heading holding a line break is one record over two lines: rows are counted by
    # record, as a spreadsheet shows them
    body = [(header_row + i, r) for i, r in enumerate(records[header_row:], 1) if any(r)]
    return header, body


def _date(text: str) -> D | None:
    """'03-Apr-24', '03-Sept-24', '3rd April 2024 14:05', '45385', '45385.5854', '03/05/2024'."""
    text = text.strip()
    if not text:
        return None
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return D(1899, 12, 30) + dt.timedelta(int(float(text)))
    text = re.sub(r"\bSept\b", "Sep", re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text))
    for fmt in ("%d-%b-%y", "%d %B %Y %H:%M", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _money(text: str) -> Decimal:
    text = text.replace("£", "").strip()
    return Decimal(text.replace(".", "").replace(",", ".")) if text else Decimal(0)


def _ref(text: str) -> int:
    return int(text.strip().removeprefix('="').removesuffix('"'))


def read_workspace(root: Path) -> dict:
    """Every data row of every file, the rows the design quarantines (with the rule), and the
    complaints' stages as design.md section 4 has them."""
    rows_in, quarantined, complaints = {}, {}, {}
    held_back = set()  # references whose complaint is quarantined
    seen_rows = set()
    for path in sorted((root / "exports").glob("S1 *")):
        name = f"exports/{path.name}"
        header, body = _rows(path, "cp1252", ";", 3)
        body = [(n, r) for n, r in body if not r[0].startswith("Records:")]
        rows_in[name] = len(body)
        col = {h: i for i, h in enumerate(header)}
        for number, cells in body:
            cell = {h: cells[i] for h, i in col.items()}
            key = tuple(v for h, v in cell.items() if h != "customer name")
            if key in seen_rows:
                quarantined[(name, number)] = "duplicate_row"
                continue
            seen_rows.add(key)
            ref = _ref(cell["complaint ref"])
            try:
                received = _date(cell["date received"])
            except ValueError:
                received = None
            tenure = TENURE.get(cell["tenancy type"].strip().casefold())
            rule = ("date_unparseable" if received is None else "date_in_future"
                    if received > CUT else "unknown_code" if tenure is None else None)  # fmt: skip
            if rule:
                quarantined[(name, number)] = rule
                held_back.add(ref)
                continue
            s1 = {"received": received, "ack": _date(cell["acknowledged on"]),
                  "ext": int(cell["ext days"] or 0), "resp": _date(cell["response date"]),
                  "outcome": cell["outcome"].strip().casefold() or "open",
                  "refused": cell["refused?"] == "Yes", "comp": _money(cell["compensation (£)"])}  # fmt: skip
            complaints[ref] = {"tenure": tenure, 1: s1, 2: None}
            if s1["resp"] is not None and s1["resp"] < received:
                quarantined[(name, number)] = "response_before_receipt"
                complaints[ref][1] = None  # the complaint loads, its stage does not

    name = "exports/Stage 2 Reviews.csv"
    header, body = _rows(root / name, "utf-8", ",", 1)
    rows_in[name] = len(body)
    col = {h: i for i, h in enumerate(header)}
    by_ref: dict[int, list] = {}
    for number, cells in body:
        by_ref.setdefault(_ref(cells[col["stage 1 ref"]]), []).append((number, cells))
    for ref, reviews in by_ref.items():
        if len(reviews) > 1:  # two different reviews of one complaint: neither is picked
            quarantined.update({(name, n): "conflicting_rows" for n, _ in reviews})
            continue
        number, cells = reviews[0]
        cell = {h: cells[i] for h, i in col.items()}
        s2 = {"received": _date(cell["review requested"]), "ack": _date(cell["review acknowledged"]),
              "ext": int(cell["extension (wd)"] or 0), "resp": _date(cell["review response"]),
              "outcome": cell["review decision"].strip().casefold() or "open",
              "refused": cell["review refused"] == "Y"}  # fmt: skip
        if ref in held_back:
            quarantined[(name, number)] = "parent_quarantined"
            continue
        if ref not in complaints:
            # a stage 1 in no file read: the review leads a complaint of its own, no tenure
            complaints[ref] = {"tenure": "unknown", 1: None, 2: None}
        s1 = complaints[ref][1]
        if s1 is not None and s1["resp"] is not None and s2["received"] < s1["resp"]:
            quarantined[(name, number)] = "stage2_before_stage1_response"
            continue
        complaints[ref][2] = s2
    return {"rows_in": rows_in, "quarantined": quarantined, "complaints": complaints}


def read_surveys(root: Path) -> list[dict]:
    out = []
    for path in sorted((root / "surveys").glob("*.csv")):
        header, body = _rows(path, "cp1252", ";", 1)
        col = {h: i for i, h in enumerate(header)}
        for _, cells in body:
            cell = {h: cells[i] for h, i in col.items()}
            out.append({
                "date": _date(cell["interview date"]),
                "stock": TENURE[cell["property type"].casefold()],
                "complained": cell["made a complaint in last 12 months?"].casefold(),
                "answer": ANSWER.get(cell["tp09 satisfaction"].casefold()),
                "weight": Decimal(cell["weight"].replace(",", ".")),
            })  # fmt: skip
    return out


# ---------------------------------------------------------------- the design's rules


def verdict(stage: dict, n: int) -> str:
    """'without', 'with' or 'late' (design.md section 5, regulator view)."""
    received, ack = stage["received"], stage["ack"]
    ack_due = add_wd(received, 5)
    if received < D(2024, 4, 1):  # the 2023 policy version: the clock starts at receipt
        start = received
    else:
        start = ack if ack is not None and ack <= ack_due else ack_due
    base = add_wd(start, 10 if n == 1 else 20)
    extended = add_wd(base, min(stage["ext"], CODE_CAP[n]))
    resp = stage["resp"]
    if resp is None or stage["outcome"] in {"open", "withdrawn"}:
        return "late"  # section 6: open, withdrawn and unanswered are not in time
    if resp <= base:
        return "without"
    if base < resp <= extended and stage["ext"] > 0:
        return "with"
    return "late"


def expected_measures(complaints: dict, surveys: list[dict], year: str) -> dict:
    start, end = YEARS[year]
    out = {}
    for stock in ("lcra", "lcho"):
        for n in (1, 2):
            stages = [
                c[n] for c in complaints.values()
                if c["tenure"] == stock and c[n] is not None and not c[n]["refused"]
                and start <= c[n]["received"] <= end
            ]  # fmt: skip
            verdicts = [verdict(s, n) for s in stages]
            num = len(stages)
            units = UNITS[year][stock]
            out[f"CH01_{n}", stock] = (num, units, half_up(Decimal(num) * 1000 / units))
            in_time = sum(v != "late" for v in verdicts)
            out[f"CH02_{n}", stock] = (in_time, num, half_up(Decimal(in_time) * 100 / num))
            out[f"CH02_{n}_without_ext", stock] = sum(v == "without" for v in verdicts)
            out[f"CH02_{n}_with_ext", stock] = sum(v == "with" for v in verdicts)
        answers = [s for s in surveys if s["stock"] == stock and start <= s["date"] <= end]
        counted = [s for s in answers if s["complained"] == "yes" and s["answer"]]
        weights = {
            a: sum(s["weight"] for s in counted if s["answer"] == a) for a in ANSWER.values()
        }
        total = sum(weights.values())
        out["TP09", stock] = half_up((weights["vs"] + weights["fs"]) * 100 / total)
        out["TP09_weights", stock] = {a: half_up(w) for a, w in weights.items()}
        out["TP09_filter", stock] = tuple(
            half_up(sum(s["weight"] for s in answers if s["complained"] == a))
            for a in ("yes", "no")
        )
    return out


# ---------------------------------------------------------------- the run


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("calder_moor")
    root = base / "landlords"
    shutil.copytree(WORKSPACE, root / WORKSPACE.name)
    env = {**os.environ, "COMPLAINTS_PSEUDONYMISATION_KEY": "calder-moor-test-key"}
    env.pop("DAGSTER_HOME", None)
    process = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "run", "--landlord", "Calder Moor Housing",
         "--workspaces-root", str(root), "--years", "2023-24:2024-25", "--output",
         str(base / "out"), "--only", "returns", "--committee", "none", "--parallel", "1"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert process.returncode == 0, process.stdout[-4000:] + process.stderr[-4000:]
    con = duckdb.connect(str(base / "out" / "warehouse" / "calder_moor_housing.duckdb"))
    return {"con": con, "out": base / "out" / "calder_moor_housing", "stdout": process.stdout,
            "files": read_workspace(root / WORKSPACE.name),
            "surveys": read_surveys(root / WORKSPACE.name)}  # fmt: skip


def test_every_row_is_loaded_or_quarantined_with_its_reason(run) -> None:
    con, files = run["con"], run["files"]
    got = dict(con.execute("select source_file, rows_in from ingest_file").fetchall())
    expected_in = files["rows_in"] | {"ombudsman/HOS Tracker.csv": 6}
    expected_in |= {f"surveys/{p.name}": 260 for p in (WORKSPACE / "surveys").glob("*.csv")}
    assert got == expected_in
    for source, rows_in, loaded, quarantined in con.execute(
        "select source_file, rows_in, rows_loaded, rows_quarantined from ingest_file"
    ).fetchall():
        assert loaded + quarantined == rows_in, source
    rules = con.execute(
        "select source_file, source_row, list(distinct rule order by rule), bool_and(message <> '') "
        "from quarantine group by all"
    ).fetchall()
    assert all(message for *_, message in rules)
    got_rules = {(f, r): rule for f, r, rule, _ in rules}
    assert got_rules == {k: [rule] for k, rule in files["quarantined"].items()}
    # the same in quarantine.csv, for the analyst
    with open(run["out"] / "2024-25" / "quarantine.csv", encoding="utf-8-sig") as f:
        written = {(r["source_file"], int(r["source_row"])) for r in csv.DictReader(f)}
    assert written == set(files["quarantined"])


def test_references_without_their_leading_zeros_are_the_same_complaints(run) -> None:
    con, complaints = run["con"], run["files"]["complaints"]
    assert con.execute("select count(*) from complaint").fetchone() == (len(complaints),)
    escalated = sum(c[2] is not None for c in complaints.values())
    both = sum(c[1] is not None and c[2] is not None for c in complaints.values())
    assert con.execute(
        "select count(*), count(*) filter (where complaint_id in "
        "(select complaint_id from complaint_stage where stage = 1)) "
        "from complaint_stage where stage = 2"
    ).fetchone() == (escalated, both)
    assert both >= escalated - 1  # one review's stage 1 is of 2022, in no file
    # the tracker writes '123' for '000123' too: every case is one of the landlord's complaints
    assert con.execute(
        "select count(*), count(c.complaint_id) from ombudsman_case o "
        "left join complaint c using (complaint_id)"
    ).fetchone() == (6, 6)


def test_decimal_commas_are_read(run) -> None:
    complaints = run["files"]["complaints"]
    offered = sum(c[1]["comp"] for c in complaints.values() if c[1] is not None)
    got = run["con"].execute("select sum(compensation_offered_gbp) from complaint_stage")
    assert got.fetchone()[0] == offered
    weights = sorted(s["weight"] for s in run["surveys"])
    got = run["con"].execute("select weight from tp09_response order by weight").fetchall()
    assert [Decimal(str(w)).quantize(Decimal("0.0001")) for (w,) in got] == weights


def _measure(con, year: str, measure: str, stock: str) -> tuple:
    rows = con.execute(
        "select numerator, denominator, display from measures where period = $p and measure = $m "
        "and breakdown = 'stock_type' and breakdown_value = $s and view in ('regulator', 'all')",
        {"p": year, "m": measure, "s": stock},
    ).fetchall()
    assert len(rows) == 1, (year, measure, stock, rows)
    return rows[0]


@pytest.mark.parametrize("year", sorted(YEARS))
def test_ch01_ch02_tp09_equal_the_independent_computation(run, year) -> None:
    con = run["con"]
    expected = expected_measures(run["files"]["complaints"], run["surveys"], year)
    for stock in ("lcra", "lcho"):
        for n in (1, 2):
            num, den, shown = _measure(con, year, f"CH01_{n}", stock)
            assert (num, den, float(shown)) == expected[f"CH01_{n}", stock], (year, stock, n)
            num, den, shown = _measure(con, year, f"CH02_{n}", stock)
            assert (num, den, float(shown)) == expected[f"CH02_{n}", stock], (year, stock, n)
            for split in ("without_ext", "with_ext"):
                got = _measure(con, year, f"CH02_{n}_{split}", stock)[0]
                assert got == expected[f"CH02_{n}_{split}", stock], (year, stock, n, split)
        tp09 = float(_measure(con, year, "TP09", stock)[2])
        assert tp09 == expected["TP09", stock], (year, stock)


@pytest.mark.parametrize("year", sorted(YEARS))
def test_the_tsm_return_says_the_same(run, year) -> None:
    expected = expected_measures(run["files"]["complaints"], run["surveys"], year)
    with open(run["out"] / year / "tsm_return.csv", encoding="utf-8-sig") as f:
        fields = {r["field_code"]: r["value"] for r in csv.DictReader(f) if r["field_code"]}
    # docs/landlord.md: 1,000 or more LCRA and fewer than 1,000 LCHO homes report LCRA only
    reported = ["lcra", "lcho"] if UNITS[year]["lcho"] >= 1000 else ["lcra"]
    for stock in ("lcra", "lcho"):
        code = stock.upper()
        want = {}
        for n in (1, 2):
            num, den, rate = expected[f"CH01_{n}", stock]
            want |= {f"CH01_{n}_Numerator_{code}": num, f"CH01_{n}_Denominator_{code}": den,
                     f"CH01_{n}_Calculated_Value_{code}": rate}  # fmt: skip
            num, den, pct = expected[f"CH02_{n}", stock]
            want |= {f"CH02_{n}_Numerator_{code}": num, f"CH02_{n}_Denominator_{code}": den,
                     f"CH02_{n}_Calculated_Value_{code}": pct,
                     f"Stg{n}_comp_without_Ext_{code}": expected[f"CH02_{n}_without_ext", stock],
                     f"Stg{n}_comp_with_Ext_{code}": expected[f"CH02_{n}_with_ext", stock]}  # fmt: skip
        weights = expected["TP09_weights", stock]
        want |= {f"TP09_{RETURN_ANSWER[a]}_{code}": w for a, w in weights.items()}
        want[f"TP09_Satisfied_Calc_{code}"] = expected["TP09", stock]
        yes, no = expected["TP09_filter", stock]
        want |= {f"TP09_Filter_Yes_{code}": yes, f"TP09_Fiter_No_{code}": no}
        for field, value in want.items():
            if stock in reported:
                assert float(fields[field]) == pytest.approx(float(value)), (year, field)
            else:
                assert fields.get(field, "") == "", (year, field)  # blank, never 0


def test_the_run_says_which_stage_2_has_no_stage_1(run) -> None:
    # REV-9001's stage 1 is of 2022, in no file read: it is a complaint of its own, with no
    # tenure, outside CH01(2); the run says so below its file table, and the counts file too
    lines = [line for line in run["stdout"].splitlines() if "WARNING" in line]
    assert any(
        "exports/Stage 2 Reviews.csv: 1 stage 2 row matches no stage 1 in any file read" in line
        and "no tenure" in line
        for line in lines
    ), lines
    with open(run["out"] / "2024-25" / "data_quality_counts.csv", encoding="utf-8-sig") as f:
        checks = {r["name"]: r["entries"] for r in csv.DictReader(f) if r["level"] == "check"}
    assert checks == {"stage2_without_stage1: exports/Stage 2 Reviews.csv": "1"}
    assert len(lines) == 1, lines  # nothing else to warn of
