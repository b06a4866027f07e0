"""The landlord's Ombudsman tracker: cases referred, findings in each body's own terms, orders and
Complaint Handling Failure Orders, with their mappings.
"""

from __future__ import annotations

import datetime as dt
import random

from .dates import DATA_CUT
from .simulation import Complaint, pick
from .workspace import Row, Workspace, fmt, money, relabel


def ombudsman_cases(
    rng: random.Random,
    complaints: list[Complaint],
    bodies: list[tuple[str, str, callable, float]],
) -> list[dict]:
    """Cases referred after a stage 2 response: (label, ref prefix, eligible, share)."""
    cases = []
    counter = 0
    for c in complaints:
        s2 = c.stage(2)
        if s2 is None or s2.responded is None or s2.refused:
            continue
        for label, prefix, eligible, share in bodies:
            if not eligible(c) or rng.random() >= share:
                continue
            referral = s2.responded + dt.timedelta(days=rng.randint(14, 200))
            if referral > DATA_CUT:
                continue
            determination = referral + dt.timedelta(days=rng.randint(120, 420))
            if determination > DATA_CUT:
                determination = None
            counter += 1
            cases.append(
                {
                    "body": label,
                    "ref": f"{prefix}{referral.year}{counter:04d}",
                    "complaint": c,
                    "referral": referral,
                    "determination": determination,
                }
            )
            break
    return cases


FINDING_AREAS = [
    "Repairs",
    "Damp and mould",
    "Complaint handling",
    "Communication",
    "Record keeping",
    "ASB",
]


def finding_rows(
    rng: random.Random, cases: list[dict], terms: dict[str, list[tuple[str, float]]]
) -> list[dict]:
    """1-3 findings per determined case, in the body's own terms."""
    rows = []
    for case in cases:
        if case["determination"] is None:
            continue
        areas = rng.sample(FINDING_AREAS, rng.choice([1, 1, 2, 2, 3]))
        if case["complaint"].category.service_area == "care":
            areas = ["Care services"] + areas[:1]
        if case["complaint"].category.service_area == "heat_network":
            areas = ["Heat supply"] + areas[:1]
        for area in areas:
            term = pick(rng, dict(terms[case["body"]]))
            orders = (
                rng.choice([0, 1, 2])
                if "mal" in term.lower() or "fault" in term.lower() or "upheld" in term.lower()
                else 0
            )
            complied = orders if rng.random() < 0.85 else max(0, orders - 1)
            comp = rng.choice([0, 100, 250, 400, 600, 1000]) if orders else 0
            rows.append(
                {
                    "ref": case["ref"],
                    "area": area,
                    "term": term,
                    "orders": orders,
                    "complied": complied,
                    "comp": comp,
                }
            )
    return rows


def write_ombudsman_files(
    ws: Workspace,
    rng: random.Random,
    cases: list[dict],
    terms,
    link_col: str,
    pattern: str,
    chfos: list[tuple[str, dt.date, str, dt.date | None]],
    orders_rng: random.Random | None = None,
) -> None:
    """ombudsman/casework.csv, findings.csv and chfos.csv: the landlord's Ombudsman tracker.

    With ``orders_rng``, also ombudsman/orders.csv: each finding's orders with a due date and the
    date complied (as many complied as the finding says), drawn from that stream of its own.
    """
    rows = [
        Row(
            {
                "Ombudsman": case["body"],
                "Ombudsman Ref": case["ref"],
                link_col: case["complaint"].ref,
                "Date Referred": fmt(case["referral"], pattern),
                "Date Determined": fmt(case["determination"], pattern),
            }
        )
        for case in sorted(cases, key=lambda c: (c["referral"], c["ref"]))
    ]
    ws.csv(
        "ombudsman/casework.csv",
        ["Ombudsman", "Ombudsman Ref", link_col, "Date Referred", "Date Determined"],
        rows,
    )
    found = finding_rows(rng, cases, terms)
    write_findings(ws, found)
    if orders_rng is not None:
        determined = {case["ref"]: case["determination"] for case in cases}
        ws.csv(
            "ombudsman/orders.csv",
            ORDER_COLUMNS,
            order_rows(found, determined, orders_rng, pattern),
        )
    write_chfos(ws, chfos, pattern)


# The tracker's findings and CHFO columns (key -> column name); the council names them its own way.
FINDING_COLUMNS = {
    "ref": "Ombudsman Ref",
    "area": "Finding About",
    "term": "Determination",
    "orders": "Orders Made",
    "complied": "Orders Complied With",
    "comp": "Compensation Ordered",
}
CHFO_COLUMNS = {
    "ref": "CHFO Ref",
    "issued": "Date Issued",
    "reason": "Reason",
    "complied": "Date Complied",
}


def write_findings(
    ws: Workspace,
    found: list[dict],
    columns: dict[str, str] = FINDING_COLUMNS,
    delimiter: str = ",",
) -> None:
    """ombudsman/findings.csv: one row per finding drawn by ``finding_rows``, under ``columns``."""
    rows = [Row(dict(f, comp=money(float(f["comp"])) if f["comp"] else "")) for f in found]
    ws.csv(
        "ombudsman/findings.csv",
        list(columns.values()),
        relabel(rows, columns),
        delimiter=delimiter,
    )


def write_chfos(
    ws: Workspace,
    chfos: list[tuple[str, dt.date, str, dt.date | None]],
    pattern: str,
    columns: dict[str, str] = CHFO_COLUMNS,
    delimiter: str = ",",
) -> None:
    """ombudsman/chfos.csv: the Complaint Handling Failure Orders (ref, issued, reason, complied)."""
    rows = [
        Row(
            {
                "ref": ref,
                "issued": fmt(issued, pattern),
                "reason": why,
                "complied": fmt(done, pattern),
            }
        )
        for ref, issued, why, done in chfos
    ]
    ws.csv(
        "ombudsman/chfos.csv", list(columns.values()), relabel(rows, columns), delimiter=delimiter
    )


ORDER_TYPES = {
    "compensation": "Pay compensation",
    "apology": "Apologise in writing",
    "repair": "Complete the repairs",
    "review": "Review the case",
    "training": "Staff training",
    "policy_change": "Review the policy",
}
ORDER_COLUMNS = ["Ombudsman Ref", "Order Ref", "Order", "Date Ordered", "Due By", "Date Complied"]


def order_rows(
    findings: list[dict], determined: dict, rng: random.Random, pattern: str
) -> list[Row]:
    """One row per order of each finding: due four to twelve weeks after the determination; the
    finding's complied count of them complied with (mostly by the due date, some late)."""
    rows = []
    for f in findings:
        made = determined[f["ref"]]
        for n in range(f["orders"]):
            due = made + dt.timedelta(days=rng.choice([28, 42, 56, 84]))
            complied = None
            if n < f["complied"]:
                on_time = made + dt.timedelta(days=rng.randint(7, (due - made).days))
                late = due + dt.timedelta(days=rng.randint(1, 30))
                complied = min(on_time if rng.random() < 0.82 else late, DATA_CUT)
            kind = "compensation" if f["comp"] and n == 0 else rng.choice(list(ORDER_TYPES)[1:])
            rows.append(
                Row(
                    {
                        "Ombudsman Ref": f["ref"],
                        "Order Ref": f"{f['ref']}-O{len(rows) + 1:03d}",
                        "Order": ORDER_TYPES[kind],
                        "Date Ordered": fmt(made, pattern),
                        "Due By": fmt(due, pattern),
                        "Date Complied": fmt(complied, pattern),
                    }
                )
            )
    return rows


def orders_mapping(ws: Workspace, date_format: str) -> None:
    codes = "\n".join(f'      "{label}": {code}' for code, label in ORDER_TYPES.items())
    ws.text(
        "mappings/ombudsman_orders.yaml",
        f"""# Orders the Ombudsman made in its determinations, with the date set for each and the date
# compliance was evidenced (policy s11.2: the board follows progress in complying with orders).
files: ["ombudsman/orders.csv"]
format: csv
encoding: auto
delimiter: ","
header_row: 1
target: ombudsman_order
date_formats: ["{date_format}"]
columns:
  case_ref: "Ombudsman Ref"
  order_ref: "Order Ref"
  order_type:
    column: "Order"
    codes:
{codes}
  made_date: "Date Ordered"
  due_date: "Due By"
  complied_date: "Date Complied"
""",
    )


HOS_TERMS = [
    ("Severe maladministration", 0.04),
    ("Maladministration", 0.35),
    ("Service failure", 0.2),
    ("Reasonable redress", 0.16),
    ("No maladministration", 0.2),
    ("Outside jurisdiction", 0.05),
]
LGSCO_TERMS = [
    ("Fault causing injustice", 0.5),
    ("Fault, no injustice", 0.15),
    ("No fault", 0.3),
    ("Not investigated", 0.05),
]
EO_TERMS = [("Complaint upheld - remedy required", 0.55), ("Complaint not upheld", 0.45)]
SPSO_TERMS = [("Upheld", 0.35), ("Some upheld", 0.25), ("Not upheld", 0.35), ("Resolved", 0.05)]
CI_TERMS = [("Upheld", 0.45), ("Not upheld", 0.55)]

FINDING_CODES_YAML = """      "Severe maladministration": severe_maladministration
      "Maladministration": maladministration
      "Service failure": service_failure
      "Reasonable redress": reasonable_redress
      "No maladministration": no_maladministration
      "Outside jurisdiction": outside_jurisdiction"""


def ombudsman_mappings(
    ws: Workspace,
    bodies_yaml: str,
    extra_terms_yaml: str,
    link_col: str,
    date_formats: str,
    with_cases: bool = True,
) -> None:
    if with_cases:
        ws.text(
            "mappings/ombudsman_cases.yaml",
            f"""# The complaints team's Ombudsman tracker: one row per case referred to any Ombudsman.
files: ["ombudsman/casework.csv"]
format: csv
encoding: auto
delimiter: ","
header_row: 1
target: ombudsman_case
date_formats: {date_formats}
columns:
  case_ref: "Ombudsman Ref"
  complaint_id: "{link_col}"
  body:
    column: "Ombudsman"
    codes:
{bodies_yaml}
  referral_date: "Date Referred"
  determination_date: "Date Determined"
""",
        )
    ws.text(
        "mappings/ombudsman_findings.yaml",
        f"""# One row per finding of a determination (one determination, many findings). Each body's own
# terms are mapped to the canonical outcomes.
files: ["ombudsman/findings.csv"]
format: csv
encoding: auto
delimiter: ","
header_row: 1
target: ombudsman_finding
columns:
  case_ref: "Ombudsman Ref"
  finding_area: "Finding About"
  outcome:
    column: "Determination"
    codes:
{FINDING_CODES_YAML}
{extra_terms_yaml}
  orders_count: "Orders Made"
  orders_complied_count: "Orders Complied With"
  compensation_ordered_gbp: "Compensation Ordered"
""",
    )
    ws.text(
        "mappings/chfos.yaml",
        f"""# Complaint Handling Failure Orders issued by the Housing Ombudsman.
files: ["ombudsman/chfos.csv"]
format: csv
encoding: auto
delimiter: ","
header_row: 1
target: chfo
date_formats: {date_formats}
columns:
  chfo_ref: "CHFO Ref"
  issued_date: "Date Issued"
  reason: "Reason"
  complied_date: "Date Complied"
""",
    )
