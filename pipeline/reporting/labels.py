"""Plain-English labels for the codes in the measures table (stock types, outcomes, bodies...)."""

from __future__ import annotations

import re
from collections.abc import Iterable

import polars as pl

DATE = "%-d %B %Y"  # "9 July 2025", as the documents write dates

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
    "tp09_response": "TP09 survey response",
    "in_person": "In person",
    "social_media": "Social media",
    "landlord": "In-house",
    "asb_report": "Anti-social behaviour report",
    "unknown": "Not recorded",
}

MEASURE_NAMES = {
    "CH01_1": "Stage 1 complaints per 1,000 homes (CH01)",
    "CH01_2": "Stage 2 complaints per 1,000 homes (CH01)",
    "CH02_1": "Stage 1 complaints answered in time (CH02)",
    "CH02_2": "Stage 2 complaints answered in time (CH02)",
    "TP09": "Satisfaction with complaint handling (TP09)",
}


# A free-text value the ingest screened (it named a person or held contact details) is stored as
# 'other' (pipeline/sources/screen.py screened_sql); a sentence column says so instead.
WITHHELD_TEXT = "Not shown: the text named a person or held contact details"


def shown_text(column: str) -> pl.Expr:
    """``column`` as a document shows it: a screened sentence (stored 'other') is withheld."""
    return (
        pl.when(pl.col(column) == "other")
        .then(pl.lit(WITHHELD_TEXT))
        .otherwise(pl.col(column))
        .alias(column)
    )


def label(code: str | None) -> str:
    """Human label of a code: known codes by table, others with underscores as spaces."""
    if code is None or code == "":
        return "Not recorded"
    if code in _LABELS:
        return _LABELS[code]
    text = code.replace("_", " ")
    return text[:1].upper() + text[1:]


# One name per measure wherever a document shows it (docs/measures.md "Which figure each document
# headlines"): the Regulator's CH02 and the all-complaints timeliness count different populations,
# so they never share a name.
def in_time_name(
    stage: int, view: str, regime: str | None = None, regimes: Iterable[str] = ("eng",)
) -> str:
    """The name of ``response_in_time_<stage>`` in ``view`` (regulator: the Code's limits, the
    SPSO's for Scottish complaints); ``regime`` prefixes the country. A figure of all countries
    (``regime`` None) names the limits of each of the landlord's ``regimes``, so a figure with
    Scottish answers in it is never called the Code's alone."""
    countries = {regime} if regime is not None else set(regimes)
    if countries == {"sct"}:
        code = "the SPSO's time limits"
    elif "sct" in countries:
        code = "the Code's (England) or the SPSO's (Scotland) time limits"
    else:
        code = "the Code's time limits"
    rule = code if view == "regulator" else "our policy's time limits"
    country = "" if regime is None else f"{label(regime)}: "
    return f"{country}Stage {stage}: all answers sent within {rule} (%)"


# The three counts of complaints received, named so that none reads as another: a complaint that
# began at stage 2 (no stage 1, as the SPSO allows) is a new complaint and a stage 2 complaint,
# never an escalation.
RECEIVED_NAMES = {
    "complaints_received": "New complaints received (at whichever stage they began)",
    "received_1": "Stage 1 complaints received",
    "received_2": "Stage 2 complaints received (escalated, or begun at stage 2)",
}


# Figures the annual report and the committee pack both show (handling, learning, Ombudsman,
# complainant surveys), under one name each: a board member reads the pack's year to date beside
# the annual report's year, and a table's caption is not always in view (a PDF page break).
HANDLING_NAMES = {
    # the escalation rate: one name in every document (the committee pack said "Escalation rate")
    "escalation_rate": "Escalated to stage 2 (%)",
    "escalation_late_requested": "Stage 2 requests made after the escalation window",
    "complaints_raised_late": "Complaints raised after the policy's time limit for complaining",
    "refused_1": "Stage 1 complaints refused",
    "refused_2": "Stage 2 escalations refused",
    "promised_actions_on_time": "Actions promised in responses done by their due date (%)",
    "learning_actions_completed": "Service improvements completed",
    "ombudsman_referred": "Ombudsman cases referred",
    "ombudsman_determinations": "Ombudsman determinations",
    "ombudsman_findings": "Ombudsman findings",
    "ombudsman_maladministration_rate": "Maladministration rate (% of findings)",
    # the columns say which period (a year, a quarter, the year to date): the name does not
    "ombudsman_orders_complied": "Orders in the determinations, complied with (%)",
    "chfo_issued": "Complaint Handling Failure Orders issued",
    "complainant_survey_response_rate": "Complainant surveys returned (% of sent)",
    "complainant_satisfaction_timeliness": "Complainants satisfied with timeliness (%)",
    "complainant_satisfaction_fairness": "Complainants satisfied with the fairness of the process (%)",
    "complainant_satisfaction_outcome": "Complainants satisfied with the outcome (%)",
}


def ack_name(stage: int, regime: str | None = None) -> str:
    """The name of ``ack_in_time_<stage>`` (Code 6.2 at stage 1, 6.11 at stage 2; the views do
    not differ)."""
    country = "" if regime is None else f"{label(regime)}: "
    return f"{country}Stage {stage}: complaints acknowledged in time (%)"


# The SPSO model complaints handling procedure's names for its two stages.
SPSO_STAGES = {1: "frontline response", 2: "investigation"}
_ARC_FIGURES = {
    "ARC_3": "complaints responded to in full (indicator 3, %)",
    "ARC_3_in_time": "responded to within the SPSO timescale (%)",
    "ARC_4": "mean working days to a full response (indicator 4)",
}


def arc_name(measure: str, stage: int) -> str:
    """The name of ``<measure>_<stage>`` (the SHR's Annual Return on the Charter, complaints
    indicators 3 and 4), wherever a document shows it: the ARC's number and the SPSO's stage name.
    """
    return f"ARC stage {stage} ({SPSO_STAGES[stage]}): {_ARC_FIGURES[measure]}"


def standard_name(measure: str) -> str | None:
    """The name every document gives ``measure`` where one is fixed here (the TSMs, the ARC
    indicators), else None."""
    if measure in MEASURE_NAMES:
        return MEASURE_NAMES[measure]
    base, _, stage = measure.rpartition("_")
    if base in _ARC_FIGURES and stage in ("1", "2"):
        return arc_name(base, int(stage))
    return None


# The equality measures' names (vulnerability_<n>, adjustment_requested_<n>, adjustment_made_<n>):
# the annual report's table and the Code self-assessment (5.10) quote the same rows, so they give
# them the same words.
_EQUALITY_FIGURES = {
    "vulnerability": "vulnerability recorded",
    "adjustment_requested": "adjustment requested",
    "adjustment_made": "adjustment made, of those requested",
}


def equality_name(measure: str, stage: int) -> str:
    """The name of ``<measure>_<stage>`` (``vulnerability``, ``adjustment_requested``,
    ``adjustment_made``): ``Stage 1: adjustment requested``."""
    return f"Stage {stage}: {_EQUALITY_FIGURES[measure]}"


def in_time_definition(regimes, span: str = "year") -> str:
    """What the all-answers in-time figures count, in the words of the landlord's countries
    (``regimes``: ``eng``, ``sct``): a landlord in England only reads nothing of the SPSO's.
    ``span`` is what a column of CH02 covers: the annual report's years, or "period" where
    columns are quarters or months beside a year to date (the committee pack)."""
    england, scotland = "eng" in regimes, "sct" in regimes
    if england and scotland:
        whom, limit = (
            "whatever the tenure or country",
            "the Code's extension limit (the SPSO's in Scotland)",
        )
    else:
        whom = "whatever the tenure"
        limit = "the SPSO's extension limit" if scotland else "the Code's extension limit"
    text = (
        f"All answers: every stage 1 or stage 2 answer sent in the period, {whom}, judged against "
        f"{limit} or against our own policy."
    )
    if england:
        text += (
            " CH02 is the Regulator's measure: tenants' complaints in England received in the "
            f"{span}, answered in time. The two count different complaints, so their figures "
            "differ."
        )
    return text


def ack_definition(regimes) -> str:
    """What "acknowledged in time" counts, in the words of the landlord's countries."""
    england, scotland = "eng" in regimes, "sct" in regimes
    if england and scotland:
        limit = (
            "Code 6.2 and 6.11: 5 working days at each stage; in Scotland the SPSO's 3 working "
            "days at stage 2"
        )
    elif scotland:
        limit = "the SPSO's 3 working days at stage 2"
    else:
        # stage 1's acknowledgement is Code 6.2, stage 2's (of the escalation request) 6.11
        limit = "Code 6.2 and 6.11: 5 working days at each stage"
    text = (
        f"Acknowledged in time: complaints acknowledged within the policy's limit ({limit}); a "
        "missing acknowledgement is not in time."
    )
    if scotland:
        text += (
            " Scotland's stage 1 has no acknowledgement step."
            if england
            else (" Stage 1 has no acknowledgement step.")
        )
    return text


def tsm_coverage_note(regimes) -> str:
    """Which complaints the Tenant Satisfaction Measures cover, for the landlord's countries."""
    if "sct" not in regimes:
        return (
            "Tenant satisfaction measures (CH01, CH02, TP09) cover complaints and stock in England."
        )
    if "eng" not in regimes:
        return (
            "Complaints in Scotland are reported to the Scottish Housing Regulator through the "
            "ARC; the Tenant Satisfaction Measures (CH01, CH02, TP09) cover England only."
        )
    return (
        "Tenant satisfaction measures (CH01, CH02, TP09) cover English complaints and stock "
        "only; Scottish complaints are reported through the ARC."
    )


def open_at_cut_note(data_cut: str, regimes) -> str:
    """How a complaint still open at the data cut counts, in the landlord's regulators' measures:
    not in time in CH02 (and not responded to in full in the ARC) whether or not its deadline had
    passed (design.md s6); the all-answers figures count answers sent, so it is not in them."""
    measures = {
        frozenset({"eng"}): "CH02",
        frozenset({"sct"}): "the ARC indicators",
        frozenset({"eng", "sct"}): "CH02 and the ARC indicators",
    }[frozenset(regimes) & {"eng", "sct"} or frozenset({"eng"})]
    return (
        f"Data cut date: {data_cut}. A complaint still open then counts as not answered in time "
        f"in {measures}, even where its deadline had not yet passed; the all-answers figures "
        "count the answers sent, so it is not in them."
    )


def handling_definitions(regimes, span: str = "year") -> str:
    """The acknowledgement and all-answers definitions, as a table note gives them (``span``: see
    :func:`in_time_definition`)."""
    return f"{ack_definition(regimes)} {in_time_definition(regimes, span)}"


def money(display: str | None) -> str | None:
    """Money as a reader expects it: ``73125.00`` -> ``£73,125``; pence kept when there are any."""
    try:
        amount = float(display)
    except (TypeError, ValueError):
        return display  # [U], <5, [c]: left as they are
    whole = abs(amount - round(amount)) < 0.005
    return f"£{amount:,.0f}" if whole else f"£{amount:,.2f}"


def readable(display: str | None, unit: str | None) -> str | None:
    """A measure's display text as a document shows it: money with £ and commas, counts with
    commas (``1,234``); other units as the measures table gives them."""
    if unit == "gbp":
        return money(display)
    if unit == "count" and display is not None and display.isdigit() and len(display) > 3:
        return f"{int(display):,}"
    return display


# Terms a reader meets in the documents, defined once (issue 16 point 7). A document's glossary
# lists the ones its own text uses.
GLOSSARY = {
    "CH01": "Complaints relative to the size of the landlord: stage 1 (or stage 2) complaints "
    "received in the year per 1,000 homes owned (a Tenant Satisfaction Measure).",
    "CH02": "Complaints responded to within the Complaint Handling Code's timescales: the share of "
    "tenants' stage 1 (or stage 2) complaints received in the year that were answered in time, "
    "counting an extension only up to the Code's limit (a Tenant Satisfaction Measure).",
    "TP09": "Satisfaction with the landlord's approach to complaint handling: of tenants surveyed "
    "who had complained in the last 12 months, the share fairly or very satisfied (a Tenant "
    "Satisfaction Measure).",
    "ARC": "The Scottish Housing Regulator's Annual Return on the Charter, whose indicators 3 and 4 "
    "cover complaints in Scotland.",
    "SPSO": "The Scottish Public Services Ombudsman, whose model complaints handling procedure "
    "sets the timescales for complaints in Scotland: stage 1 (frontline response) within 5 "
    "working days, stage 2 (investigation) acknowledged within 3 and answered within 20.",
    "CHFO": "Complaint Handling Failure Order: an order the Housing Ombudsman issues when a "
    "landlord does not follow the Complaint Handling Code or the Ombudsman's requests in "
    "handling a complaint.",
    "LCRA": "Low-cost rental accommodation: homes for social or affordable rent.",
    "LCHO": "Low-cost home ownership: shared-ownership homes.",
    "TSM": "Tenant Satisfaction Measures: the Regulator of Social Housing's measures of landlords' "
    "performance, including CH01, CH02 and TP09.",
    "RSH": "The Regulator of Social Housing, which sets the Tenant Satisfaction Measures in "
    "England and publishes every landlord's results (the source of the sector figures).",
    "YTD": "Year to date: from 1 April, the start of the reporting year, to the end of the period "
    "shown.",
    "[U]": "The figure cannot be calculated: there is nothing to divide by (for example no "
    "complaints of that kind in the period), or our records do not hold what it needs (a sum of "
    "money our case system does not record). It is not 0.",
    "[c]": "Not shown to protect the residents involved: the figure rests on fewer than 5 "
    "complaints, would leave fewer than 5 by subtraction (a percentage of a total shown "
    "elsewhere), or would let a hidden small number be worked out.",
    "<5": "A count from 1 to 4, not shown exactly to protect the residents involved.",
    "WD": "Working days: weekdays other than bank holidays and our closure days.",
    # Sector abbreviations a landlord's own words use (categories, learning themes, actions).
    "ASB": "Anti-social behaviour.",
    "BSL": "British Sign Language.",
    # Abbreviations common in landlords' own words (a board response, a commentary, an action);
    # a landlord explains its own in landlord.yaml `glossary` (docs/landlord.md).
    "HR": "Human resources: the team that looks after staff, their recruitment and training.",
    "KPI": "Key performance indicator: a figure a landlord tracks against a target.",
    "CEO": "Chief executive officer.",
    "SLA": "Service level agreement: the standard of service a contractor has agreed to meet.",
    "LGSCO": "The Local Government and Social Care Ombudsman, who looks at complaints about "
    "adult social care and councils.",
    "Q1 to Q4": "The quarters of the reporting year: Q1 April to June, Q2 July to September, Q3 "
    "October to December, Q4 January to March.",
}
# Terms a document writes in more than one form: the glossary entry is given when any is used.
_TERM_PATTERNS = {"Q1 to Q4": r"\bQ[1-4]\b"}


# The marks a figure's cell may show instead of a number, each defined in the glossary.
FIGURE_MARKS = ("<5", "[c]", "[U]")


def glossary_id(term: str) -> str:
    """The element id of ``term``'s glossary entry: ``[c]`` -> ``glossary-c``, ``<5`` ->
    ``glossary-under-5``, ``CH01`` -> ``glossary-ch01``."""
    if term == "<5":
        return "glossary-under-5"
    return "glossary-" + re.sub(r"[^a-z0-9]+", "", term.lower())


def glossary_for(text: str, own: dict[str, str] | None = None) -> list[str]:
    """Glossary lines for the terms ``text`` uses, in the order of :data:`GLOSSARY`, then those of
    ``own`` (a landlord's: landlord.yaml ``glossary``, its markdown's abbreviations) that it uses;
    the product's definition of a term stands over a landlord's."""
    used = []
    own = {term: meaning for term, meaning in (own or {}).items() if term not in GLOSSARY}
    for term, meaning in {**GLOSSARY, **own}.items():
        pattern = _TERM_PATTERNS.get(term)
        if pattern is None:
            if term not in text:  # a plain substring search first: most terms are not used
                continue
            # an abbreviation in the plural ("CHFOs", "TSMs") is the same term
            pattern = re.escape(term) if not term.isalnum() else rf"\b{term}s?\b"
        if re.search(pattern, text):
            used.append(f"{term}: {meaning}")
    return used


def in_sentence(text: str) -> str:
    """A label inside a sentence: ``All social housing (combined)`` -> ``all social housing
    (combined)``; a label starting with an abbreviation (``LCRA ...``) is left alone."""
    first = text.split(" ", 1)[0]
    return text if first.isupper() else text[:1].lower() + text[1:]
