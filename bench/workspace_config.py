"""The benchmark workspace's configuration: its mappings (wide CSV, long CSV, XLSX and the TP09
survey, each file of :mod:`bench.generate` read through one) and its landlord.yaml, written as
an analyst onboarding those exports would write them."""

from __future__ import annotations

import datetime as dt

import yaml

from bench.generate import (
    CLOSURES,
    DATA_CUT,
    OUTCOMES,
    REPORTING_YEARS,
    SERVICE_AREA_LABEL,
    TENURES,
    TP09_ANSWERS,
)


class NoAliasDumper(yaml.SafeDumper):
    """Plain YAML as a person would write it: no &id001 anchors for repeated dates."""

    def ignore_aliases(self, data) -> bool:  # noqa: D102
        return True


def dump(data: dict) -> str:
    return yaml.dump(data, Dumper=NoAliasDumper, sort_keys=False, allow_unicode=True)


def mappings() -> dict[str, dict]:
    """The mapping YAMLs (docs/mapping.md) of the three shapes and the TP09 survey."""
    # Booleans need no codes: the ingest understands Y/N, Yes/No, true/false.
    outcome_codes = lambda i: {v[i]: k for k, v in OUTCOMES.items()}  # noqa: E731
    tenure_codes = lambda i: {v[i]: k for k, v in TENURES.items() if v[i] is not None}  # noqa: E731
    area_codes = {v: k for k, v in SERVICE_AREA_LABEL.items()}
    wide = {
        "files": ["exports/erica_complaints_*.csv"],
        "format": "csv",
        "encoding": "auto",
        "delimiter": ",",
        "header_row": 1,
        "target": "complaint",
        "shape": "wide",
        "date_formats": ["%d/%m/%Y"],
        "columns": {
            "complaint_id": "Case Ref",
            "received_date": "Date Received",
            "category": "Complaint Type",
            "service_area": {"column": "Service Area", "codes": area_codes},
            "channel": {
                "column": "Contact Method",
                "codes": {
                    "Phone": "phone",
                    "Email": "email",
                    "Web": "web",
                    "Letter": "letter",
                    "In person": "in_person",
                },
                "other": "other",
            },
            "tenure": {"column": "Tenure", "codes": tenure_codes(0), "default": "unknown"},
            "regime": {"column": "Country", "codes": {"England": "eng", "Scotland": "sct"}},
            "is_tenant_of_owned_stock": {"column": "Owned Stock"},
            "anonymous": {"column": "Anonymous?"},
            "collective": {"column": "Collective?"},
            "vulnerability": {"column": "Vulnerability Flag"},
        },
        "stages": {
            1: {
                "received_date": "Date Received",
                "acknowledged_date": "Stage 1 Acknowledged",
                "extension_wd": "Stage 1 Extension (WD)",
                "responded_date": "Stage 1 Response Date",
                "outcome": {
                    "column": "Stage 1 Outcome",
                    "codes": outcome_codes(0),
                    "default": "open",
                },
                "refused": {"column": "Stage 1 Refused"},
            },
            2: {
                "received_date": "Stage 2 Requested",
                "acknowledged_date": "Stage 2 Acknowledged",
                "extension_wd": "Stage 2 Extension (WD)",
                "responded_date": "Stage 2 Response Date",
                "outcome": {
                    "column": "Stage 2 Outcome",
                    "codes": outcome_codes(0),
                    "default": "open",
                },
                "refused": {"column": "Stage 2 Refused"},
            },
        },
    }
    xlsx = {
        "files": ["exports/homemaster_report.xlsx"],
        "format": "xlsx",
        "sheet": "Complaints Report",
        "header_row": 4,
        "footer": {"column": "Complaint No", "pattern": "^Total"},
        "target": "complaint",
        "shape": "wide",
        "date_formats": ["%d/%m/%Y"],
        "excel_serial_dates": True,
        "columns": {
            "complaint_id": "Complaint No",
            "received_date": "Logged",
            "category": "Type",
            "service_area": {"column": "Area", "codes": area_codes},
            "tenure": {"column": "Tenancy", "codes": tenure_codes(1), "default": "unknown"},
            "regime": {"value": "eng"},
            "is_tenant_of_owned_stock": {"column": "Owned"},
            "anonymous": {"column": "Anon"},
            "collective": {"column": "Group Complaint"},
            "vulnerability": {"column": "Vulnerable"},
        },
        "stages": {
            1: {
                "received_date": "Logged",
                "acknowledged_date": "S1 Ack",
                "extension_wd": "S1 Ext Days",
                "responded_date": "S1 Closed",
                "outcome": {"column": "S1 Result", "codes": outcome_codes(1), "default": "open"},
                "refused": {"column": "S1 Refused"},
            },
            2: {
                "received_date": "S2 Logged",
                "acknowledged_date": "S2 Ack",
                "extension_wd": "S2 Ext Days",
                "responded_date": "S2 Closed",
                "outcome": {"column": "S2 Result", "codes": outcome_codes(1), "default": "open"},
                "refused": {"column": "S2 Refused"},
            },
        },
    }
    long = {
        "files": ["exports/stage_events.csv"],
        "format": "csv",
        "encoding": "auto",
        "delimiter": ",",
        "header_row": 1,
        "target": "complaint",
        "shape": "long",
        "date_formats": ["%Y-%m-%d"],
        "columns": {
            "complaint_id": "case_reference",
            "stage": {"column": "stage", "codes": {"Stage 1": 1, "Stage 2": 2}},
            "received_date": "event_date",
            "category": "category",
            "service_area": {"column": "service_area", "codes": {k: k for k in SERVICE_AREA_LABEL}},
            "channel": "channel",
            "tenure": {"column": "tenure_type", "codes": tenure_codes(2), "default": "unknown"},
            "regime": {"column": "country", "codes": {"England": "eng", "Scotland": "sct"}},
            "is_tenant_of_owned_stock": {"column": "owned_by_landlord"},
            "anonymous": {"column": "anonymous"},
            "collective": {"column": "collective"},
            "vulnerability": {"column": "vulnerable"},
            "acknowledged_date": "acknowledged_on",
            "extension_wd": "extension_days",
            "responded_date": "responded_on",
            "outcome": {"column": "outcome", "codes": outcome_codes(2), "default": "open"},
            "refused": {"column": "refused"},
        },
    }
    tp09 = {
        "files": ["surveys/tp09_responses.csv"],
        "format": "csv",
        "encoding": "auto",
        "delimiter": ",",
        "header_row": 1,
        "target": "tp09_response",
        "date_formats": ["%d/%m/%Y"],
        "columns": {
            "respondent_ref": "Respondent ID",
            "survey_date": "Interview Date",
            "stock_type": {"column": "Tenure Type", "codes": {"GN": "lcra", "SO": "lcho"}},
            "made_complaint_12m": {
                "column": "Complained in last 12 months",
                "codes": {"Yes": "yes", "No": "no"},
            },
            "answer": {
                "column": "TP09 Complaint handling satisfaction",
                "codes": {v: k for k, v in TP09_ANSWERS.items()},
            },
            "weight": "Weight",
        },
    }
    return {"erica_wide": wide, "homemaster_xlsx": xlsx, "stage_events_long": long, "tp09": tp09}


def landlord_yaml(landlord_id: str, n: int, n_tp09: int, closures: bool = True) -> dict:
    """landlord.yaml: stock scaled so CH01 stage 1 is near the sector median (~54 per 1,000)."""
    per_year = n / 4
    lcra = int(per_year * 0.92 * 0.77 / 0.054)
    lcho = max(int(per_year * 0.92 * 0.08 / 0.030), 1)
    sct = int(per_year * 0.08 / 0.05)
    stock = []
    for i, year in enumerate(REPORTING_YEARS):
        end = dt.date(int(year[:4]) + 1, 3, 31)
        growth = 1 + 0.01 * i
        stock += [
            {
                "year_end": end,
                "stock_type": "lcra",
                "country": "eng",
                "units_owned": int(lcra * growth),
            },
            {
                "year_end": end,
                "stock_type": "lcho",
                "country": "eng",
                "units_owned": int(lcho * growth),
            },
            {
                "year_end": end,
                "stock_type": "lcra",
                "country": "sct",
                "units_owned": int(sct * growth),
            },
        ]

    def scales(ext_unless: bool) -> dict:
        return {
            "eng": {
                "stage_1": {
                    "acknowledge_wd": 5,
                    "respond_wd": 10,
                    "extension_wd": 10,
                    "extension_cap_unless_extenuating": ext_unless,
                    "clock_starts": "acknowledgement",
                },
                "stage_2": {
                    "acknowledge_wd": 5,
                    "respond_wd": 20,
                    "extension_wd": 20,
                    "extension_cap_unless_extenuating": ext_unless,
                    "clock_starts": "acknowledgement",
                },
            },
            "sct": {
                "stage_1": {
                    "acknowledge_wd": None,
                    "respond_wd": 5,
                    "extension_wd": 5,
                    "clock_starts": "receipt",
                },
                "stage_2": {
                    "acknowledge_wd": 3,
                    "respond_wd": 20,
                    "extension_wd": 10,
                    "clock_starts": "acknowledgement",
                },
            },
        }

    return {
        "landlord_id": landlord_id,
        "name": f"Benchmark Housing Group ({n:,} complaints)",
        "regimes": ["eng", "sct"],
        "stock": stock,
        "closures": [
            {"date": d, "regimes": ["eng", "sct"], "reason": "office closure"} for d in CLOSURES
        ]
        if closures
        else [],
        "policy_versions": [
            {
                "effective_from": dt.date(2020, 4, 1),
                "source": "Complaints policy 2020",
                "timescales": scales(False),
                "escalation_window": {"months_after_stage1_response": 2},
            },
            {
                "effective_from": dt.date(2024, 4, 1),
                "source": "Complaints policy 2024 (Code 2024)",
                "timescales": scales(True),
                "escalation_window": {
                    "months_after_stage1_response": 2,
                    "months_after_first_known": 6,
                },
            },
        ],
        "tsm_summary_of_approach": (
            "Synthetic benchmark landlord. TP09 from a telephone census sample of "
            f"{n_tp09:,} tenants, weighted by stock type."
        ),
        "tp09_population": {"lcra": int(lcra * 1.03), "lcho": int(lcho * 1.03)},
        "data_cut_date": DATA_CUT,
    }
