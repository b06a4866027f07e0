"""Plain-English labels for the codes in the measures table (stock types, outcomes, bodies...)."""

from __future__ import annotations

_LABELS = {
    "lcra": "Low-cost rental (LCRA)",
    "lcho": "Low-cost home ownership (LCHO)",
    "combined": "All social housing (combined)",
    "eng": "England",
    "sct": "Scotland",
    "asb_handling": "Anti-social behaviour handling",
    "heat_network": "Heat networks",
    "upheld": "Upheld",
    "partially_upheld": "Partially upheld",
    "not_upheld": "Not upheld",
    "withdrawn": "Withdrawn",
    "discontinued": "Discontinued",
    "housing_ombudsman": "Housing Ombudsman",
    "spso": "Scottish Public Services Ombudsman",
    "lgsco": "Local Government and Social Care Ombudsman",
    "energy_ombudsman": "Energy Ombudsman",
    "care_inspectorate": "Care Inspectorate",
    "severe_maladministration": "Severe maladministration",
    "service_failure": "Service failure",
    "reasonable_redress": "Reasonable redress",
    "no_maladministration": "No maladministration",
    "outside_jurisdiction": "Outside jurisdiction",
    "did_not_wish_to_complain": "Resident did not wish to complain",
    "service_request": "Service request",
    "annual_performance_letter": "Annual performance letter",
    "code_non_compliance_finding": "Finding of non-compliance with the Code",
    "special_report": "Special report",
    "in_person": "In person",
    "social_media": "Social media",
    "landlord": "In-house",
    "unknown": "Not recorded",
}

MEASURE_NAMES = {
    "CH01_1": "Stage 1 complaints per 1,000 homes (CH01)",
    "CH01_2": "Stage 2 complaints per 1,000 homes (CH01)",
    "CH02_1": "Stage 1 complaints answered in time (CH02)",
    "CH02_2": "Stage 2 complaints answered in time (CH02)",
    "TP09": "Satisfaction with complaint handling (TP09)",
}


def label(code: str | None) -> str:
    """Human label of a code: known codes by table, others with underscores as spaces."""
    if code is None or code == "":
        return "Not recorded"
    if code in _LABELS:
        return _LABELS[code]
    text = code.replace("_", " ")
    return text[:1].upper() + text[1:]
