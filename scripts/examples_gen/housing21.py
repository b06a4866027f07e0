"""Housing 21: ERICA wide CSV, housing + care + heat networks, two policy versions.

The seeded build of the workspace's data files: the yearly complaint extracts (with their dirty
rows), surveys, contact restrictions, Ombudsman tracker, promised actions, compliments and learning.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from .compliments import compliment_rows, write_compliments
from .contact_restrictions import contact_restriction_mapping, contact_restriction_rows
from .dates import DATA_CUT, START, YEARS, WorkingDays, excel_serial, reporting_year
from .dirty_rows import plant_dirty, stage1_only_and_complete
from .housing21_config import write_h21_config
from .housing21_export import (
    H21_CATEGORIES,
    H21_CHANGE,
    H21_EC,
    H21_HEADER,
    H21_HEAT,
    H21_RL,
    H21_SURVEY_COLUMNS,
    dt_stamp,
    h21_row,
)
from .learning import learning_mapping, write_learning
from .ombudsman import (
    EO_TERMS,
    HOS_TERMS,
    LGSCO_TERMS,
    ombudsman_cases,
    ombudsman_mappings,
    orders_mapping,
    write_ombudsman_files,
)
from .people import make_person
from .policy_fields import add_policy_fields
from .promised_actions import write_promised_actions
from .simulation import Complaint, Profile, StageRule, simulate, yearly_refs
from .surveys import complainant_survey_rows, tp09_rows
from .workspace import Row, Workspace, fmt, relabel


def build_housing21(out: Path) -> Workspace:
    ws = Workspace(out, "housing21")
    rng = random.Random(21)
    cal = {
        "eng": WorkingDays(
            "eng", [dt.date(2023, 12, 27), dt.date(2024, 12, 27), dt.date(2025, 12, 29)]
        )
    }

    def rule_for(regime, stage, day):
        unless = day >= H21_CHANGE
        if stage == 1:
            return StageRule(5, 10, 10, unless)
        return StageRule(5, 20, 20, unless)

    profile = Profile(
        categories=H21_CATEGORIES,
        channels={
            "phone": 38,
            "email": 27,
            "letter": 6,
            "web": 12,
            "in_person": 15,
            "social_media": 2,
        },
        tenures={"lcra": 78, "lcho": 7, "leaseholder": 6, "other": 5, "unknown": 4},
        per_year={"eng": 1480},
        rules={},
        escalation_rate=0.15,
        window_months=6,
        window_until=H21_CHANGE,  # the current policy (seed 000) states no escalation window
        outcomes={
            "upheld": 0.3,
            "partially_upheld": 0.25,
            "not_upheld": 0.44,
            "discontinued": 0.01,
        },
        handlers_1=[f"E1{n:04d}" for n in rng.sample(range(1000, 9999), 45)],
        handlers_2=[f"E2{n:04d}" for n in rng.sample(range(1000, 9999), 8)],
        schemes={"eng": H21_RL + H21_EC, "eng_care": H21_EC, "eng_heat_network": H21_HEAT},
        p_managed_for_other=0.03,
    )
    complaints = simulate(
        rng, profile, cal, rule_for, yearly_refs("CMP-{n:06d}", rng, 104200), H21_CHANGE
    )
    # Third parties with consent (s5.2), anonymous complaints (not dealt with under either version)
    # and, from July 2025, complaints about information requests that the STAIRs policy covers.
    add_policy_fields(
        complaints,
        random.Random("housing21 policy fields"),
        p_representative=0.08,
        p_consent=0.88,
        p_anonymous=0.01,
        stairs_from=dt.date(2025, 7, 1),
        stairs_share=0.2,
    )

    # Non-complaints logged on ERICA: service requests and "did not wish to complain" (policy s3.1).
    extras: list[Row] = []
    make_ref = yearly_refs("CMP-{n:06d}", rng, 604200)
    day = START
    while day <= DATA_CUT:
        if day.weekday() < 5:
            for kind, rate in (("Service Request", 0.45), ("Did not wish to complain", 0.3)):
                if rng.random() < rate:
                    cat = rng.choice(H21_CATEGORIES)
                    person = make_person(rng)
                    extras.append(
                        Row(
                            {
                                "Event ID": make_ref(day),
                                "Record Type": kind,
                                "Date Received": day,
                                "Scheme": rng.choice(H21_RL + H21_EC),
                                "Category": cat.label,
                                "How Received": "Telephone",
                                "Complainant Name": person.name,
                                "Postcode": person.postcode,
                            }
                        )
                    )
        day += dt.timedelta(days=1)

    files = {
        "2023-24": ("cp1252", "%d/%m/%Y", "\r\n"),
        "2024-25": ("utf-8-sig", "%d/%m/%Y", "\r\n"),
        "2025-26": ("utf-8", "stamp", "\n"),
        "2026-27": ("utf-8", "stamp", "\n"),
    }
    by_file: dict[str, list[tuple[dt.date, str, Row, Complaint | None]]] = {k: [] for k in files}
    for c in complaints:
        by_file[reporting_year(c.received)].append((c.received, c.ref, None, c))
    for row in extras:
        day = row.values["Date Received"]
        by_file[reporting_year(day)].append((day, row.values["Event ID"], row, None))

    dirty = {
        "2023-24": [
            (
                "replace",
                lambda v: v.update({"S1 Response Date": _shift(v["Date Received"], -3)}),
                "response_before_receipt",
                "stage 1 response dated before receipt",
            ),
            ("duplicate", None, "duplicate_row", "exact copy of the row above"),
            (
                "replace",
                lambda v: v.update({"S1 Acknowledged": "31/09/2023"}),
                "date_unparseable",
                "31 September does not exist",
            ),
        ],
        "2024-25": [
            (
                "conflict",
                lambda v: v.update(
                    {
                        "S1 Outcome": "Upheld" if v["S1 Outcome"] != "Upheld" else "Not Upheld",
                        "S1 Response Date": _shift(v["S1 Response Date"], 1),
                    }
                ),
                "conflicting_rows",
                "two different rows for one complaint at stage 1",
            ),
            (
                "replace",
                lambda v: v.update({"Tenure": "Licensee"}),
                "unknown_code",
                "tenure code not in the mapping",
            ),
        ],
        "2025-26": [
            (
                "replace",
                lambda v: v.update({"S1 Acknowledged": _shift(v["Date Received"], -2)}),
                "ack_before_receipt",
                "acknowledged two days before receipt",
            ),
            (
                "replace",
                lambda v: v.update({"S1 Compensation Paid": "£50 (cheque)"}),
                "number_unparseable",
                "compensation with text in it",
            ),
        ],
    }
    stage2_dirty = {
        "2024-25": (
            "replace",
            lambda v: v.update({"S2 Escalation Date": _shift(v["S1 Response Date"], -4)}),
            "stage2_before_stage1_response",
            "escalation dated before the stage 1 response",
        ),
    }

    rows_by_file: dict[str, list[Row]] = {}
    for key, (_encoding, pattern, _newline) in files.items():
        datefmt = (
            (lambda d: dt_stamp(d)) if pattern == "stamp" else (lambda d, p=pattern: fmt(d, p))
        )
        closed_fmt = (lambda d: str(excel_serial(d)) if d else "") if key == "2024-25" else datefmt
        items = sorted(by_file[key], key=lambda t: (t[0], t[1]))
        rows: list[Row] = []
        clean, with_s2 = [], []
        for _day, _, extra, c in items:
            if c is None:
                values = dict(extra.values)
                values["Date Received"] = datefmt(values["Date Received"])
                rows.append(Row(values))
                continue
            rows.append(Row(h21_row(c, datefmt, closed_fmt)))
            if stage1_only_and_complete(c):
                clean.append(len(rows) - 1)
            if len(c.stages) == 2 and c.stages[1].ack and not c.stages[1].refused:
                with_s2.append(len(rows) - 1)
        plans = dirty.get(key, [])
        if key in stage2_dirty:
            plant_dirty(rows, rng, with_s2[:50], [stage2_dirty[key]])
            # indices shift only for inserts; the stage 2 plan replaces in place
        plant_dirty(rows, rng, clean, plans)
        if key == "2026-27":
            future = Row(
                dict(rows[-1].values),
                ["date_in_future"],
                "received after the data cut (30/04/2026)",
            )
            future.values.update(
                {"Event ID": "CMP-999001", "Date Received": dt_stamp(dt.date(2026, 5, 14))}
            )
            for col in H21_HEADER:
                if col.startswith(("S1 ", "S2 ", "HN ")) or col in ("Date Closed",):
                    future.values[col] = ""
            rows.append(future)
        if key == "2024-25":
            # The same case appears in the 2023-24 extract (still open then) and in this one.
            prev = [
                r
                for r in rows_by_file.get("2023-24", [])
                if r.values.get("S1 Response Date")
                and not r.rules
                and r.values.get("Record Type") == "Complaint"
                and not r.values.get("S2 Escalation Date")
            ]
            stale = prev[-1]
            updated = Row(
                dict(stale.values),
                ["duplicate_id_across_files"],
                "same Event ID as a row of the 2023-24 export",
            )
            updated.values["S1 Response Date"] = fmt(
                _parse(stale.values["S1 Response Date"]) + dt.timedelta(days=1), "%d/%m/%Y"
            )
            stale.rules.append("duplicate_id_across_files")
            stale.note = "same Event ID as a row of the 2024-25 export"
            rows.insert(3, updated)
        rows_by_file[key] = rows
    for key, (encoding, _pattern, newline) in files.items():
        ws.csv(
            f"exports/erica_complaints_{key}.csv",
            H21_HEADER,
            rows_by_file[key],
            encoding=encoding,
            newline=newline,
        )

    write_h21_other_inputs(ws, rng, complaints)
    return ws


def _parse(text: str) -> dt.date:
    return dt.datetime.strptime(text[:10], "%d/%m/%Y").date()


def _shift(text: str, days: int) -> str:
    """Shift a dd/mm/yyyy[ HH:MM] cell by days, keeping its format."""
    day = _parse(text) + dt.timedelta(days=days)
    return day.strftime("%d/%m/%Y") + text[10:]


def write_h21_other_inputs(ws: Workspace, rng: random.Random, complaints: list[Complaint]) -> None:
    pattern = "%d/%m/%Y"
    # TSM perception survey (TP09), weighted by stock type, one file per survey year.
    for year in YEARS:
        rows = tp09_rows(
            rng,
            year,
            1650,
            {"lcra": 0.8, "lcho": 0.2},
            H21_RL + H21_EC,
            (9, 12),
            {"lcra": "Rented", "lcho": "Shared Ownership"},
            {"lcra": 1.04, "lcho": 0.85},
            "H21-TSM-",
            pattern,
            satisfaction_shift=0.02 * YEARS.index(year),
        )
        columns = {
            "ref": "Respondent ID",
            "date": "Interview Date",
            "stock": "Tenure Type",
            "scheme": "Scheme",
            "made": "Complained In Last 12 Months",
            "answer": "TP09 Complaints Handling",
            "weight": "Weight",
        }
        ws.csv(
            f"surveys/tsm_perception_{year}.csv",
            list(columns.values()),
            relabel(rows, columns),
        )
    # Monthly complaints survey (policy s12.1): a sample of last month's closed complaints.
    ws.csv(
        "surveys/complaint_satisfaction_monthly.csv",
        list(H21_SURVEY_COLUMNS.values()),
        complainant_survey_rows(
            rng,
            complaints,
            H21_SURVEY_COLUMNS,
            pattern,
            every=False,
            return_rate=0.31,
            reply_days=(3, 30),
        ),
    )

    # Contact restricted under the Managing Unacceptable Behaviour Policy (s13.4), with reviews.
    columns = {
        "ref": "Restriction Ref",
        "complaint": "Event ID",
        "kind": "Restriction",
        "imposed": "Date Imposed",
        "due": "Review Due",
        "reviewed": "Date Reviewed",
        "ended": "Date Lifted",
    }
    ws.csv(
        "exports/erica_contact_restrictions.csv",
        list(columns.values()),
        contact_restriction_rows(
            complaints, random.Random("housing21 restrictions"), 14, columns, pattern
        ),
    )
    contact_restriction_mapping(
        ws,
        "exports/erica_contact_restrictions.csv",
        columns,
        pattern,
        "Contact restrictions under the Managing Unacceptable Behaviour Policy (policy s13.4).",
    )

    # Ombudsman: Housing Ombudsman (housing), LGSCO (care), Energy Ombudsman (heat networks).
    cases = ombudsman_cases(
        rng,
        complaints,
        [
            ("LGSCO", "LG", lambda c: c.category.service_area == "care", 0.2),
            ("Housing Ombudsman", "2023", lambda c: c.category.service_area not in ("care",), 0.09),
        ],
    )
    for c in complaints:
        if c.eo_referred and c.eo_notified:
            referral = c.eo_notified + dt.timedelta(days=rng.randint(3, 20))
            if referral <= DATA_CUT:
                cases.append(
                    {
                        "body": "Energy Ombudsman",
                        "ref": f"EO-{c.ref[-6:]}",
                        "complaint": c,
                        "referral": referral,
                        "determination": None,
                    }
                )
    for case in cases:
        if case["body"] == "Housing Ombudsman":
            case["ref"] = f"{case['referral'].year}{rng.randint(10000, 99999):05d}"
    write_ombudsman_files(
        ws,
        rng,
        cases,
        {"Housing Ombudsman": HOS_TERMS, "LGSCO": LGSCO_TERMS, "Energy Ombudsman": EO_TERMS},
        "ERICA Event ID",
        pattern,
        [
            (
                "CHFO-202403-017",
                dt.date(2024, 3, 12),
                "Failure to respond to a stage 2 request within the Code's timescale",
                dt.date(2024, 3, 26),
            ),
            (
                "CHFO-202411-104",
                dt.date(2024, 11, 6),
                "Failure to provide evidence to the Ombudsman by the deadline",
                dt.date(2024, 11, 20),
            ),
        ],
        orders_rng=random.Random("housing21 orders"),
    )
    orders_mapping(ws, pattern)
    ombudsman_mappings(
        ws,
        '      "Housing Ombudsman": housing_ombudsman\n      "LGSCO": lgsco\n      "Energy Ombudsman": energy_ombudsman',
        '      "Fault causing injustice": maladministration\n      "Fault, no injustice": service_failure\n'
        '      "No fault": no_maladministration\n      "Not investigated": outside_jurisdiction\n'
        '      "Complaint upheld - remedy required": maladministration\n      "Complaint not upheld": no_maladministration',
        "ERICA Event ID",
        '["%d/%m/%Y"]',
    )

    # Actions promised in responses (ERICA action tracker) and compliments.
    cols = {
        "ref": "Event ID",
        "stage": "Stage",
        "kind": "Action",
        "due": "Due Date",
        "completed": "Completed Date",
    }
    write_promised_actions(
        ws,
        rng,
        complaints,
        "exports/erica_promised_actions.csv",
        cols,
        pattern,
        lambda n: f"Stage {n}",
        "Actions promised in complaint responses, tracked on ERICA (policy s8.11).",
    )
    services = {
        "Housing": "housing",
        "Repairs": "repairs",
        "Care": "care",
        "Heat Network": "heat_network",
    }
    comp = compliment_rows(rng, 320, H21_RL + H21_EC, list(services), "CMP-C", pattern, ws)
    columns = {
        "ref": "Event ID",
        "date": "Date Received",
        "scheme": "Scheme",
        "service": "Service",
        "from": "Compliment From",
        "text": "Compliment",
    }
    write_compliments(
        ws,
        comp,
        "exports/erica_compliments.csv",
        columns,
        services,
        pattern,
        "Compliments logged on ERICA (policy s1.1). UTF-8 with a byte-order mark.\n"
        "Unmapped on purpose: Compliment From, Compliment (names and free text).",
        encoding="utf-8-sig",
    )
    write_learning(
        ws,
        rng,
        complaints,
        22,
        "H21-LI-",
        pattern,
        {"housing", "repairs", "asb_handling", "care", "heat_network"},
    )
    learning_mapping(ws, '["%d/%m/%Y"]')
    write_h21_config(ws)
