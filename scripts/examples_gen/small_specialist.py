"""Small specialist landlord: HomeMaster XLSX report, quarterly committee, heat addendum.

The seeded build of the workspace's data files.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from .compliments import compliment_rows, write_compliments
from .dates import DATA_CUT, START, YEARS, WorkingDays, reporting_year
from .dirty_rows import plant_dirty, stage1_only_and_complete
from .learning import learning_mapping, write_learning
from .ombudsman import HOS_TERMS, ombudsman_cases, ombudsman_mappings, write_ombudsman_files
from .people import make_person
from .policy_fields import add_policy_fields
from .promised_actions import write_promised_actions
from .simulation import Profile, StageRule, simulate, yearly_refs
from .small_specialist_config import write_small_config
from .small_specialist_export import (
    SS_ADDENDUM,
    SS_CATEGORIES,
    SS_EXTRA,
    SS_SCHEMES,
    ss_row,
    write_homemaster_xlsx,
)
from .surveys import tp09_mapping, tp09_rows
from .workspace import Row, Workspace, fmt, money, relabel


def build_small_specialist(out: Path) -> Workspace:
    ws = Workspace(out, "small_specialist")
    rng = random.Random(2)
    cal = {"eng": WorkingDays("eng", [])}

    def rule_for(regime, stage, day):
        return StageRule(5, 10 if stage == 1 else 20, 10 if stage == 1 else 20, True)

    profile = Profile(
        categories=SS_CATEGORIES,
        channels={"phone": 45, "email": 22, "letter": 10, "web": 5, "in_person": 18},
        tenures={"lcra": 86, "lcho": 6, "leaseholder": 4, "other": 1, "unknown": 3},
        per_year={"eng": 43},
        rules={},
        escalation_rate=0.17,
        window_months=None,  # the policy (seed 002) sets no time limit for asking for stage 2
        outcomes={"upheld": 0.34, "partially_upheld": 0.22, "not_upheld": 0.44},
        handlers_1=["CO01", "CO02"],
        handlers_2=["DOPS", "HOH", "HOA", "BRD1"],
        schemes={"eng": SS_SCHEMES + SS_EXTRA, "eng_heat_network": SS_EXTRA},
        p_ack_late=0.07,
        p_late=0.09,
    )
    complaints = simulate(
        rng, profile, cal, rule_for, yearly_refs("CAS{fy}-{n:04d}", rng, 100, (1, 6)), SS_ADDENDUM
    )
    # s6.0: anonymous complaints are excluded (recorded, counted with the refusals).
    add_policy_fields(complaints, random.Random("small_specialist policy fields"), p_anonymous=0.04)
    org = "Hollybank Housing Society"
    plans = {
        "2023-24": [
            (
                "replace",
                lambda v: v.update({"Stage 1 Response": "TBC"}),
                "date_unparseable",
                "text 'TBC' in a date column",
            ),
            ("duplicate", None, "duplicate_row", "exact copy of the row above"),
        ],
        "2024-25": [
            (
                "replace",
                lambda v: v.update({"Stage 1 Response": v["Logged Date"] - dt.timedelta(days=6)}),
                "response_before_receipt",
                "response dated before the complaint was logged",
            ),
            (
                "conflict",
                lambda v: v.update(
                    {
                        "Stage 1 Outcome": "Upheld"
                        if v["Stage 1 Outcome"] != "Upheld"
                        else "Not Upheld"
                    }
                ),
                "conflicting_rows",
                "two different rows for one complaint at stage 1",
            ),
            (
                "replace",
                lambda v: v.update({"Stage 1 Outcome": "Resolved"}),
                "unknown_code",
                "outcome 'Resolved' is not in the mapping",
            ),
        ],
        "2025-26": [
            (
                "replace",
                lambda v: v.update(
                    {
                        "Logged Date": v["Logged Date"].replace(year=2062),
                        "Stage 1 Acknowledged": None,
                        "Stage 1 Response": None,
                        "Stage 1 Outcome": "",
                        "Closed": None,
                    }
                ),
                "date_in_future",
                "year typed as 2062",
            ),
            (
                "replace",
                lambda v: v.update({"Case Ref": None}),
                "required_missing",
                "case reference missing",
            ),
        ],
    }
    for year in YEARS:
        items = [
            c
            for c in complaints
            if reporting_year(c.received) == year
            or (year == "2025-26" and c.received > dt.date(2026, 3, 31))
        ]
        rows, clean = [], []
        for c in items:
            rows.append(Row(ss_row(c)))
            if stage1_only_and_complete(c):
                clean.append(len(rows) - 1)
        plant_dirty(rows, rng, clean, plans[year])
        write_homemaster_xlsx(ws, f"exports/homemaster_complaints_{year}.xlsx", year, rows, org)

    # Compensation and goodwill paid without a complaint (policy s7.5 and the heat addendum s3).
    pay_rows = []
    reasons = [
        ("Loss of heating", "heat_network"),
        ("Loss of hot water", "heat_network"),
        ("Heat billing error", "heat_network"),
        ("Repair delay", "repairs"),
        ("Decant expenses", "repairs"),
        ("Poor communication during outage", "heat_network"),
    ]
    day, i = START, 0
    while day <= DATA_CUT:
        winter = day.month in (11, 12, 1, 2, 3)
        if day.weekday() < 5 and rng.random() < (0.09 if winter else 0.03):
            i += 1
            reason, _ = rng.choice(reasons)
            person = make_person(rng)
            pay_rows.append(
                Row(
                    {
                        "Payment Ref": f"PAY-{i:04d}",
                        "Date Paid": fmt(day, "%d/%m/%Y"),
                        "Amount": money(
                            float(rng.choice([20, 25, 30, 50, 50, 75, 100, 150])), pound=True
                        ),
                        "Payment Type": rng.choice(["Goodwill", "Goodwill", "Compensation"]),
                        "Reason": reason,
                        "Payee": person.name,
                    }
                )
            )
        day += dt.timedelta(days=1)
    ws.csv(
        "exports/homemaster_payments.csv",
        ["Payment Ref", "Date Paid", "Amount", "Payment Type", "Reason", "Payee"],
        pay_rows,
        encoding="cp1252",
        newline="\r\n",
    )
    services = {"Housing": "housing", "Repairs": "repairs", "Support": "other"}
    comp = compliment_rows(rng, 30, SS_SCHEMES + SS_EXTRA, list(services), "CMPL-", "%d/%m/%Y", ws)
    columns = {
        "ref": "Ref",
        "date": "Received",
        "scheme": "Scheme",
        "service": "Team",
        "from": "From",
        "text": "Comments",
    }
    write_compliments(
        ws,
        comp,
        "exports/homemaster_compliments.csv",
        columns,
        services,
        "%d/%m/%Y",
        "Compliments from the HomeMaster Case Management module (UTF-8 with a byte-order mark).\n"
        "Unmapped on purpose: From, Comments.",
        encoding="utf-8-sig",
    )
    stock_labels = {"lcra": "Rent", "lcho": "Shared Ownership"}
    columns = {
        "ref": "Resp No",
        "date": "Completed",
        "stock": "Tenure",
        "scheme": "Scheme",
        "made": "Complained in last 12 months?",
        "answer": "TP09",
    }
    for year in YEARS:
        rows = tp09_rows(
            rng,
            year,
            265,
            {"lcra": 0.93, "lcho": 0.07},
            SS_SCHEMES + SS_EXTRA,
            (10, 11),
            stock_labels,
            None,
            "STAR",
            "%d/%m/%Y",
            satisfaction_shift=0.03,
        )
        ws.csv(
            f"surveys/star_tsm_{year}.csv",
            list(columns.values()),
            relabel(rows, columns),
        )
    tp09_mapping(
        ws,
        "surveys/star_tsm_*.csv",
        columns,
        stock_labels,
        "%d/%m/%Y",
        "STAR/TSM perception survey, a census of all homes each autumn (unweighted).",
    )
    cases = ombudsman_cases(rng, complaints, [("Housing Ombudsman", "HOS", lambda c: True, 0.22)])
    for case in cases:
        case["ref"] = f"{case['referral'].year}{rng.randint(10000, 99999):05d}"
    write_ombudsman_files(
        ws,
        rng,
        cases,
        {"Housing Ombudsman": HOS_TERMS},
        "Our Case Ref",
        "%d/%m/%Y",
        [
            (
                "CHFO-202402-031",
                dt.date(2024, 2, 20),
                "Stage 2 response not issued within 20 working days",
                dt.date(2024, 3, 5),
            )
        ],
    )
    ombudsman_mappings(
        ws, '      "Housing Ombudsman": housing_ombudsman', "", "Our Case Ref", '["%d/%m/%Y"]'
    )
    cols = {
        "ref": "Case Ref",
        "stage": "Stage",
        "kind": "Action Type",
        "due": "Target Date",
        "completed": "Done Date",
    }
    write_promised_actions(
        ws,
        rng,
        complaints,
        "exports/homemaster_case_actions.csv",
        cols,
        "%d/%m/%Y",
        lambda n: str(n),
        "Actions promised in complaint responses (HomeMaster case actions).",
    )
    write_learning(
        ws,
        rng,
        complaints,
        9,
        "HB-LRN-",
        "%d/%m/%Y",
        {"housing", "repairs", "heat_network", "asb_handling"},
    )
    learning_mapping(ws, '["%d/%m/%Y"]')
    write_small_config(ws, org)
    return ws
