"""Council housing service: long ';' CSV with ISO dates, routed Stage 3 / petitions rows.

The seeded build of the workspace's data files.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from .compliments import compliment_rows, write_compliments
from .council_housing_config import write_council_config
from .council_housing_export import CH_CATEGORIES, CH_HEADER, CH_LAYOUT, CH_WARDS, ISO, ch_rows
from .dates import DATA_CUT, START, YEARS, WorkingDays, reporting_year
from .dirty_rows import plant_dirty, stage1_only_and_complete
from .learning import learning_mapping, write_learning
from .long_layout import unanswered_stage_cells
from .ombudsman import HOS_TERMS, finding_rows, ombudsman_cases, write_chfos, write_findings
from .people import make_person
from .policy_fields import add_policy_fields
from .promised_actions import write_promised_actions
from .simulation import Profile, StageRule, simulate, yearly_refs
from .surveys import complainant_survey_mapping, complainant_survey_rows, tp09_mapping, tp09_rows
from .workspace import Row, Workspace, fmt, relabel


def build_council(out: Path) -> Workspace:
    ws = Workspace(out, "council_housing")
    rng = random.Random(4)
    closures = [
        dt.date(y, 12, d)
        for y in (2023, 2024, 2025)
        for d in (27, 28, 29, 30, 31)
        if dt.date(y, 12, d).weekday() < 5
    ]
    cal = {"eng": WorkingDays("eng", closures)}

    def rule_for(regime, stage, day):
        return StageRule(5, 10, None) if stage == 1 else StageRule(5, 20, None)

    profile = Profile(
        categories=CH_CATEGORIES,
        channels={
            "phone": 40,
            "email": 25,
            "letter": 5,
            "web": 22,
            "in_person": 6,
            "social_media": 2,
        },
        tenures={"lcra": 86, "leaseholder": 9, "other": 1, "unknown": 4},
        per_year={"eng": 330},
        rules={},
        escalation_rate=0.13,
        window_months=1,
        outcomes={
            "upheld": 0.36,
            "partially_upheld": 0.2,
            "not_upheld": 0.43,
            "discontinued": 0.01,
        },
        handlers_1=[f"HSG{n:03d}" for n in range(1, 15)],
        handlers_2=[f"BM{n:02d}" for n in range(1, 5)],
        schemes={"eng": CH_WARDS},
        p_ack_late=0.08,
        p_ack_missing=0.03,
        p_ext=0.14,
        p_late=0.09,
    )
    complaints = simulate(
        rng, profile, cal, rule_for, yearly_refs("HC/{year}/{n:04d}", rng, 0, (1, 2))
    )
    # s6.2: MPs, councillors and others act for tenants once the tenant agrees; s9.2: the monthly
    # review records the root cause of upheld complaints.
    add_policy_fields(
        complaints,
        random.Random("council_housing policy fields"),
        p_representative=0.07,
        p_consent=0.7,
        p_root_cause=0.85,
    )
    cases = ombudsman_cases(rng, complaints, [("Housing Ombudsman", "HOS", lambda c: True, 0.1)])
    case_by_complaint = {case["complaint"].ref: case for case in cases}

    plans = {
        "2023-24": [
            ("duplicate", None, "duplicate_row", "exact copy of the row above"),
            (
                "replace",
                lambda v: v.update(
                    {
                        "DateAcknowledged": fmt(
                            dt.date.fromisoformat(v["DateLogged"]) - dt.timedelta(days=1), ISO
                        )
                    }
                ),
                "ack_before_receipt",
                "acknowledged the day before it was logged",
            ),
        ],
        "2024-25": [
            (
                "replace",
                lambda v: v.update({"DateResponded": "2024-13-05"}),
                "date_unparseable",
                "month 13",
            ),
            (
                "conflict",
                lambda v: v.update(
                    {
                        "DateResponded": fmt(
                            dt.date.fromisoformat(v["DateResponded"]) + dt.timedelta(days=7), ISO
                        )
                    }
                ),
                "conflicting_rows",
                "two different stage 1 rows for one complaint",
            ),
            (
                "replace",
                lambda v: v.update({"ExtensionDays": "ten"}),
                "number_unparseable",
                "extension days written in words",
            ),
        ],
        "2025-26": [
            (
                "replace",
                lambda v: v.update({"TenureType": "INTRODUCTORY"}),
                "unknown_code",
                "tenure 'INTRODUCTORY' is not in the mapping",
            ),
            (
                "replace",
                lambda v: v.update(
                    {
                        "DateResponded": fmt(
                            dt.date.fromisoformat(v["DateLogged"]) - dt.timedelta(days=10), ISO
                        )
                    }
                ),
                "response_before_receipt",
                "response dated before receipt",
            ),
        ],
    }
    by_year: dict[str, list[tuple]] = {}
    for c in complaints:
        by_year.setdefault(reporting_year(c.received), []).append((c.received, 0, c))
    # Petitions (policy s5.6) and dissatisfaction where the tenant did not wish to complain.
    make_ref = yearly_refs("HC/{year}/{n:04d}", rng, 5000, (1, 2))
    day = START
    while day <= DATA_CUT:
        if day.weekday() < 5:
            for kind, rate in (("Petition", 0.012), ("Informal - did not wish to complain", 0.2)):
                if rng.random() < rate:
                    person = make_person(rng)
                    row = {
                        "CaseRef": make_ref(day),
                        "CaseStage": kind,
                        "DateLogged": fmt(day, ISO),
                        "ComplaintType": rng.choice(CH_CATEGORIES).label,
                        "ContactMethod": "LETTER" if kind == "Petition" else "TELEPHONE",
                        "Ward": rng.choice(CH_WARDS),
                        "TenantName": person.name,
                        "PropertyAddress": person.address,
                        "Postcode": person.postcode,
                    }
                    by_year.setdefault(reporting_year(day), []).append((day, 1, row))
        day += dt.timedelta(days=1)

    encodings = {
        "2023-24": ("utf-8-sig", "\r\n"),
        "2024-25": ("cp1252", "\r\n"),
        "2025-26": ("utf-8", "\n"),
        "2026-27": ("utf-8", "\n"),
    }
    for year, (encoding, newline) in encodings.items():
        rows, clean = [], []
        for _, kind, item in sorted(
            by_year.get(year, []),
            key=lambda t: (t[0], t[1], t[2]["CaseRef"] if isinstance(t[2], dict) else t[2].ref),
        ):
            if kind == 1:
                rows.append(Row(item))
                continue
            c = item
            for v in ch_rows(c):
                rows.append(Row(v))
            case = case_by_complaint.get(c.ref)
            if case is not None:
                v = {
                    k: rows[-1].values.get(k, "")
                    for k in (
                        "CaseRef",
                        "ComplaintType",
                        "ContactMethod",
                        "TenureType",
                        "Ward",
                        "TenantName",
                        "PropertyAddress",
                        "Postcode",
                    )
                }
                v.update(
                    {
                        "CaseStage": "Stage 3 - Housing Ombudsman",
                        "DateLogged": fmt(case["referral"], ISO),
                        "DateClosed": fmt(case["determination"], ISO),
                    }
                )
                rows.append(Row(v))
            if stage1_only_and_complete(c) and c.ref not in case_by_complaint:
                clean.append(len(rows) - 1)
        plant_dirty(rows, rng, clean, plans.get(year, []))
        if year == "2026-27":
            future = Row(dict(rows[-1].values), ["date_in_future"], "logged after the data cut")
            future.values.update(unanswered_stage_cells(CH_LAYOUT))
            future.values.update(
                {"CaseRef": "HC/2026/9999", "DateLogged": "2026-06-02", "DateClosed": ""}
            )
            rows.append(future)
        ws.csv(
            f"exports/housing_complaints_FY{year}.csv",
            CH_HEADER,
            rows,
            encoding=encoding,
            delimiter=";",
            newline=newline,
        )

    # Findings for the Stage 3 rows (case_ref = the council's own case reference) and CHFOs.
    for case in cases:
        case["ref"] = case["complaint"].ref
    write_findings(
        ws,
        finding_rows(rng, cases, {"Housing Ombudsman": HOS_TERMS}),
        {
            "ref": "CaseRef",
            "area": "FindingArea",
            "term": "Determination",
            "orders": "OrdersMade",
            "complied": "OrdersComplied",
            "comp": "CompensationOrdered",
        },
        delimiter=";",
    )
    chfos = [
        (
            "CHFO-202310-118",
            dt.date(2023, 10, 11),
            "Failure to escalate a complaint to stage 2",
            dt.date(2023, 10, 25),
        ),
        (
            "CHFO-202406-045",
            dt.date(2024, 6, 19),
            "Failure to provide information requested by the Ombudsman",
            dt.date(2024, 7, 8),
        ),
        ("CHFO-202502-210", dt.date(2025, 2, 26), "Stage 1 response not issued", None),
    ]
    write_chfos(
        ws,
        chfos,
        ISO,
        {"ref": "ChfoRef", "issued": "Issued", "reason": "Reason", "complied": "Complied"},
        delimiter=";",
    )

    stock_labels = {"lcra": "Council tenant"}
    columns = {
        "ref": "RespondentId",
        "date": "SurveyDate",
        "stock": "StockType",
        "scheme": "Ward",
        "made": "ComplainedLast12Months",
        "answer": "SatisfiedComplaintsHandling",
    }
    for year in YEARS:
        rows = tp09_rows(
            rng,
            year,
            720,
            {"lcra": 1.0},
            CH_WARDS,
            (1, 3),
            stock_labels,
            None,
            "CTS",
            ISO,
            satisfaction_shift=-0.02,
        )
        ws.csv(
            f"surveys/tenant_survey_{year}.csv",
            list(columns.values()),
            relabel(rows, columns),
            delimiter=";",
        )
    tp09_mapping(
        ws,
        "surveys/tenant_survey_*.csv",
        columns,
        stock_labels,
        ISO,
        "Council tenant survey (TSM perception questions), January to March each year.",
        delimiter=";",
    )
    cols = {
        "ref": "CaseRef",
        "sent": "SurveySent",
        "returned": "SurveyReturned",
        "t": "Q1Timeliness",
        "f": "Q2Fairness",
        "o": "Q3Outcome",
    }
    ws.csv(
        "surveys/complainant_survey.csv",
        list(cols.values()),
        complainant_survey_rows(
            rng,
            complaints,
            cols,
            ISO,
            every=True,
            return_rate=0.22,
            reply_days=(2, 28),
            missed=(random.Random("council survey not sent"), 0.03),
        ),
        delimiter=";",
    )
    complainant_survey_mapping(
        ws,
        "surveys/complainant_survey.csv",
        cols,
        '["%Y-%m-%d"]',
        "Survey sent to every complainant when the complaint closes (policy s9.2).",
        delimiter=";",
    )
    pcols = {
        "ref": "CaseRef",
        "stage": "Stage",
        "kind": "ActionType",
        "due": "DueDate",
        "completed": "CompletedDate",
    }
    write_promised_actions(
        ws,
        rng,
        complaints,
        "exports/complaint_actions.csv",
        pcols,
        ISO,
        lambda n: str(n),
        "Actions promised in complaint responses.",
        delimiter=";",
    )
    services = {"Housing": "housing", "Repairs": "repairs"}
    comp = compliment_rows(rng, 60, CH_WARDS, list(services), "HCC", ISO, ws)
    columns = {
        "ref": "Ref",
        "date": "DateReceived",
        "scheme": "Ward",
        "service": "Service",
        "from": "From",
        "text": "Comment",
    }
    write_compliments(
        ws,
        comp,
        "exports/compliments.csv",
        columns,
        services,
        ISO,
        "Compliments. Unmapped on purpose: From, Comment.",
        delimiter=";",
    )
    write_learning(ws, rng, complaints, 12, "HC-SI-", ISO, {"housing", "repairs", "asb_handling"})
    learning_mapping(ws, '["%Y-%m-%d"]')
    write_council_config(ws)
    return ws
