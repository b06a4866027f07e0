"""Homes Plus: England and Scotland, long CSV (one row per stage event), managing agent.

The seeded build of the workspace's data files.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from .compliments import compliment_rows, write_compliments
from .contact_restrictions import contact_restriction_mapping, contact_restriction_rows
from .dates import YEARS, WorkingDays
from .dirty_rows import plant_dirty, stage1_only_and_complete
from .homes_plus_config import write_hp_config
from .homes_plus_export import (
    HP_AGENT,
    HP_CATEGORIES,
    HP_DATE,
    HP_HEADER,
    HP_LAYOUT,
    HP_REGIONS,
    hp_rows,
)
from .learning import learning_mapping, write_learning
from .long_layout import unanswered_stage_cells
from .ombudsman import (
    CI_TERMS,
    HOS_TERMS,
    LGSCO_TERMS,
    SPSO_TERMS,
    ombudsman_cases,
    ombudsman_mappings,
    write_ombudsman_files,
)
from .policy_fields import add_policy_fields
from .promised_actions import write_promised_actions
from .simulation import Profile, StageRule, simulate, yearly_refs
from .surveys import complainant_survey_mapping, complainant_survey_rows, tp09_mapping, tp09_rows
from .workspace import Row, Workspace, fmt, relabel


def build_homes_plus(out: Path) -> Workspace:
    ws = Workspace(out, "homes_plus")
    rng = random.Random(3)
    cal = {"eng": WorkingDays("eng", []), "sct": WorkingDays("sct", [])}

    def rule_for(regime, stage, day):
        if regime == "sct":
            return StageRule(None, 5, 5) if stage == 1 else StageRule(3, 20, 10)
        return StageRule(5, 10, 10) if stage == 1 else StageRule(5, 20, 20)

    profile = Profile(
        categories=HP_CATEGORIES,
        channels={
            "phone": 46,
            "email": 24,
            "letter": 4,
            "web": 16,
            "in_person": 7,
            "social_media": 3,
        },
        tenures={"lcra": 82, "lcho": 5, "leaseholder": 4, "other": 5, "unknown": 4},
        per_year={"eng": 430, "sct": 280},
        rules={},
        escalation_rate=0.14,
        window_months=2,
        window_first_known_months=6,
        outcomes={
            "upheld": 0.32,
            "partially_upheld": 0.26,
            "not_upheld": 0.41,
            "discontinued": 0.01,
        },
        handlers_1=[f"CRC{n:03d}" for n in range(1, 19)],
        handlers_2=[f"SCRC{n:02d}" for n in range(1, 6)],
        schemes=HP_REGIONS,
        p_anonymous=0.02,
        p_collective=0.015,
        p_direct_stage2_sct=0.08,
        agents=[HP_AGENT],
        p_agent=0.07,
    )
    complaints = simulate(
        rng, profile, cal, rule_for, yearly_refs("HP-{year}-{n:05d}", rng, 10000, (1, 3))
    )
    for c in complaints:
        if c.regime == "sct":
            c.handled_by = "landlord"  # the managing agent works in England only
            c.tenure = c.tenure if c.tenure not in ("lcho", "leaseholder") else "lcra"
            c.notifiable = c.category.kind == "staff" and rng.random() < 0.04
        else:
            c.tenure = "lcra" if c.tenure == "other" else c.tenure
    # Representatives with a Permission to Act form (s14.2-14.3) and notifiable events reported to
    # the Scottish Housing Regulator (s21.2).
    add_policy_fields(
        complaints,
        random.Random("homes_plus policy fields"),
        p_representative=0.06,
        p_consent=0.8,
        p_regulator_notified=0.8,
    )
    plans = {
        "england": [
            (
                "replace",
                lambda v: v.update({"Response Date": "31-Feb-2025"}),
                "date_unparseable",
                "31 February does not exist",
            ),
            ("duplicate", None, "duplicate_row", "exact copy of the row above"),
            (
                "replace",
                lambda v: v.update({"Channel": "Fax"}),
                "unknown_code",
                "channel 'Fax' is not in the mapping",
            ),
        ],
        "scotland": [
            (
                "conflict",
                lambda v: v.update(
                    {"Outcome": "Upheld" if v["Outcome"] != "Upheld" else "Not Upheld"}
                ),
                "conflicting_rows",
                "two different stage 1 rows for one complaint",
            ),
            (
                "replace",
                lambda v: v.update(
                    {
                        "Response Date": fmt(
                            dt.datetime.strptime(v["Date Received"], HP_DATE).date()
                            - dt.timedelta(days=2),
                            HP_DATE,
                        )
                    }
                ),
                "response_before_receipt",
                "response dated before receipt",
            ),
        ],
    }
    for country, regime, encoding, newline in (
        ("england", "eng", "cp1252", "\r\n"),
        ("scotland", "sct", "utf-8-sig", "\n"),
    ):
        rows, clean = [], []
        for c in [c for c in complaints if c.regime == regime]:
            for v in hp_rows(c):
                rows.append(Row(v))
            # Scottish stage 1 has no acknowledgement step, so neither file asks for one.
            if stage1_only_and_complete(c, needs_ack=False):
                clean.append(len(rows) - 1)
        plant_dirty(rows, rng, clean, plans[country])
        if regime == "sct":
            future = Row(dict(rows[-1].values), ["date_in_future"], "received after the data cut")
            future.values.update(unanswered_stage_cells(HP_LAYOUT))
            future.values.update(
                {
                    "Case Number": "HP-2026-99999",
                    "Date Received": "20-May-2026",
                    "First Aware Date": "18-May-2026",
                    "Case Closed": "",
                }
            )
            rows.append(future)
        ws.csv(
            f"exports/crm_complaints_{country}.csv",
            HP_HEADER,
            rows,
            encoding=encoding,
            newline=newline,
        )

    # TSM perception survey (England only: Scottish stock reports through ARC, not TSMs).
    stock_labels = {"lcra": "General Needs", "lcho": "Shared Ownership"}
    columns = {
        "ref": "respondent_id",
        "date": "date_of_interview",
        "stock": "stock_type",
        "scheme": "region",
        "made": "q_complained_12m",
        "answer": "q_tp09",
    }
    for year in YEARS:
        rows = tp09_rows(
            rng,
            year,
            1150,
            {"lcra": 0.92, "lcho": 0.08},
            HP_REGIONS["eng"],
            (6, 8),
            stock_labels,
            None,
            "HPTSM",
            "%Y-%m-%d",
            satisfaction_shift=0.01,
        )
        ws.csv(
            f"surveys/tsm_{year}.csv",
            list(columns.values()),
            relabel(rows, columns),
        )
    tp09_mapping(
        ws,
        "surveys/tsm_*.csv",
        columns,
        stock_labels,
        "%Y-%m-%d",
        "TSM perception survey of English homes (Scottish stock is outside the TSMs), agency file.",
        regime="eng",
    )
    cols = {
        "ref": "Case Number",
        "sent": "Sent",
        "returned": "Returned",
        "t": "Kept informed and on time",
        "f": "Treated fairly",
        "o": "Happy with outcome",
    }
    ws.csv(
        "surveys/complaint_feedback.csv",
        list(cols.values()),
        complainant_survey_rows(
            rng, complaints, cols, HP_DATE, every=False, return_rate=0.3, reply_days=(2, 28)
        ),
    )
    complainant_survey_mapping(
        ws,
        "surveys/complaint_feedback.csv",
        cols,
        f'["{HP_DATE}"]',
        "Complaint feedback survey (policy s26.3), a monthly sample of closed complaints.",
    )
    # s23.4-23.6: contact restricted under the unacceptable behaviour policy, each decision reviewed.
    columns = {
        "ref": "Restriction ID",
        "complaint": "Case Number",
        "kind": "Restriction Type",
        "imposed": "Start Date",
        "due": "Review Date",
        "reviewed": "Reviewed On",
        "ended": "End Date",
    }
    ws.csv(
        "exports/crm_contact_restrictions.csv",
        list(columns.values()),
        contact_restriction_rows(
            complaints, random.Random("homes_plus restrictions"), 9, columns, HP_DATE
        ),
    )
    contact_restriction_mapping(
        ws,
        "exports/crm_contact_restrictions.csv",
        columns,
        HP_DATE,
        "Contact restrictions under the unacceptable behaviour policy (s23.4-23.6), with reviews.",
    )

    cases = ombudsman_cases(
        rng,
        complaints,
        [
            (
                "Care Inspectorate",
                "CI",
                lambda c: c.regime == "sct" and c.category.service_area == "care",
                0.3,
            ),
            (
                "LGSCO",
                "LG",
                lambda c: c.regime == "eng" and c.category.service_area == "care",
                0.25,
            ),
            ("SPSO", "SPSO", lambda c: c.regime == "sct", 0.12),
            ("Housing Ombudsman", "HOS", lambda c: c.regime == "eng", 0.1),
        ],
    )
    for case in cases:
        case["ref"] = {
            "SPSO": f"{case['referral'].year}0{rng.randint(1000, 9999)}",
            "Housing Ombudsman": f"{case['referral'].year}{rng.randint(10000, 99999)}",
        }.get(case["body"], case["ref"])
    write_ombudsman_files(
        ws,
        rng,
        cases,
        {
            "Housing Ombudsman": HOS_TERMS,
            "LGSCO": LGSCO_TERMS,
            "SPSO": SPSO_TERMS,
            "Care Inspectorate": CI_TERMS,
        },
        "Homes Plus Case Number",
        "%d-%b-%Y",
        [
            (
                "CHFO-202409-062",
                dt.date(2024, 9, 18),
                "Failure to progress a stage 1 complaint handled by the managing agent",
                dt.date(2024, 10, 2),
            )
        ],
    )
    ombudsman_mappings(
        ws,
        '      "Housing Ombudsman": housing_ombudsman\n      "SPSO": spso\n      "LGSCO": lgsco\n      "Care Inspectorate": care_inspectorate',
        '      "Fault causing injustice": maladministration\n      "Fault, no injustice": service_failure\n'
        '      "No fault": no_maladministration\n      "Not investigated": outside_jurisdiction\n'
        "      # SPSO and Care Inspectorate decisions\n"
        '      "Upheld": maladministration\n      "Some upheld": service_failure\n'
        '      "Not upheld": no_maladministration\n      "Resolved": reasonable_redress',
        "Homes Plus Case Number",
        f'["{HP_DATE}"]',
    )
    pcols = {
        "ref": "Case Number",
        "stage": "Stage",
        "kind": "Action",
        "due": "Due",
        "completed": "Completed",
    }
    write_promised_actions(
        ws,
        rng,
        complaints,
        "exports/crm_promised_actions.csv",
        pcols,
        HP_DATE,
        lambda n: f"Stage {n}",
        "Actions promised in complaint responses (CRM follow-up tasks).",
    )
    services = {"Housing": "housing", "Repairs": "repairs", "Care": "care"}
    comp = compliment_rows(
        rng, 150, HP_REGIONS["eng"] + HP_REGIONS["sct"], list(services), "HPC", HP_DATE, ws
    )
    columns = {
        "ref": "Compliment ID",
        "date": "Date",
        "scheme": "Region",
        "service": "Service",
        "from": "From",
        "text": "Text",
    }
    write_compliments(
        ws,
        comp,
        "exports/crm_compliments.csv",
        columns,
        services,
        HP_DATE,
        "Compliments logged on the CRM. Unmapped on purpose: From, Text.",
    )
    write_learning(
        ws, rng, complaints, 16, "HP-LFC-", HP_DATE, {"housing", "repairs", "asb_handling", "care"}
    )
    learning_mapping(ws, f'["{HP_DATE}"]')
    write_hp_config(ws)
    return ws
