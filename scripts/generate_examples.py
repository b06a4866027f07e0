"""Generate the four example landlord workspaces under ``examples/`` (seeded, byte-identical reruns).

One workspace per seed landlord (``../shared/policies``): Housing 21 (ERICA wide CSV), a small
specialist landlord (HomeMaster XLSX report), Homes Plus (England and Scotland, long CSV) and a
council housing service (long ``;`` CSV with ISO dates and routed rows). Each workspace holds
``landlord.yaml``, raw ``exports/``, ``mappings/*.yaml``, ``surveys/``, ``ombudsman/``,
``learning.csv`` and, per reporting year, ``annual_report/<year>/`` board response, narrative and
other reports (``scripts/example_governance.py``). The self-assessments beside them
(``annual_report/<year>/self_assessment.yaml``) are written by people and never touched here.

The data are synthetic but shaped like real case-system exports: personal data in unmapped
columns (every planted value is listed in ``examples/PLANTED_PII.json``), a handful of deliberately
dirty rows per workspace (listed with the quarantine rule they must trigger in
``examples/<workspace>/EXPECTED_QUARANTINE.csv``), cp1252 and UTF-8-BOM encodings, Excel serial
dates, title rows and totals rows.

Usage::

    uv run python scripts/generate_examples.py            # writes examples/
    uv run python scripts/generate_examples.py --out DIR  # writes DIR/ (the determinism test)

This is a generator, not the pipeline: it loops over complaints in Python, which is fine for a few
thousand synthetic records (the whole run takes a few seconds).
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime as dt
import io
import json
import random
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import holidays
import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from example_governance import TEXTS as GOVERNANCE_TEXTS  # noqa: E402
from example_governance import write_annual_inputs  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "examples"

START = dt.date(2023, 4, 1)
DATA_CUT = dt.date(2026, 4, 30)
YEARS = ["2023-24", "2024-25", "2025-26"]
EXCEL_EPOCH = dt.date(1899, 12, 30)

# --------------------------------------------------------------------------------------------
# Calendar helpers
# --------------------------------------------------------------------------------------------


class WorkingDays:
    """Working days of one regime (weekends, bank holidays and landlord closures excluded)."""

    def __init__(self, regime: str, closures: list[dt.date]):
        subdiv = "ENG" if regime == "eng" else "SCT"
        bank = holidays.country_holidays("GB", subdiv=subdiv, years=range(2022, 2029))
        skip = set(closures)
        day, days = dt.date(2022, 1, 1), []
        while day <= dt.date(2028, 12, 31):
            if day.weekday() < 5 and day not in bank and day not in skip:
                days.append(day)
            day += dt.timedelta(days=1)
        self.days = days

    def add(self, day: dt.date, n: int) -> dt.date:
        """The date n working days after ``day`` (day 0 is ``day`` itself, design.md s5)."""
        if n == 0:
            return day  # same-day (an email received at the weekend is acknowledged that day)
        return self.days[bisect.bisect_right(self.days, day) - 1 + n]


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def reporting_year(day: dt.date) -> str:
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{str(start + 1)[2:]}"


def excel_serial(day: dt.date) -> int:
    return (day - EXCEL_EPOCH).days


# --------------------------------------------------------------------------------------------
# Synthetic people (personal data that must never leave the raw exports)
# --------------------------------------------------------------------------------------------

FIRST = (
    "Margaret Joan Brian Patricia Dennis Irene Kenneth Sheila Derek Maureen Colin Valerie Harold "
    "Eileen Roy Doreen Trevor Sylvia Barry Jean Mohammed Aisha Tariq Grace Chidi Ngozi Priya "
    "Rajesh Siobhán Zoë Renée José Chloé François Agnès Björn Noël Hélène Seán Daniel Amelia "
    "Oliver Sophie Liam Chantelle Kyle Jade Dariusz Agnieszka Fiona Alasdair Morag Hamish Eilidh"
).split()
LAST = (
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans Walker "
    "White Roberts Green Hall Wood Jackson Clarke Patel Khan Begum Okafor Mensah Nowak Kowalski "
    "O'Brien MacLeod Campbell Stewart Fraser Murray Ferguson Müller Lefèvre Gómez Núñez Brontë "
    "Ahmed Hussain Singh Kaur Adeyemi Nguyen Costa Rossi Sørensen"
).split()
STREETS = (
    "Mill Lane|Church Road|Station Road|Victoria Street|Park Avenue|Oak Close|Elm Grove|"
    "Queen's Drive|Meadow Way|Kingsway|Albert Road|Heather Court|Rowan Walk|Orchard Rise|"
    "Brook Street|Castle View|Ferry Road|Harbour Street|Glebe Crescent|Willow Bank"
).split("|")
TOWNS_ENG = (
    "Birmingham Leeds Bristol Nottingham Norwich Leicester Coventry York Derby Exeter".split()
)
TOWNS_SCT = "Glasgow Edinburgh Dundee Aberdeen Paisley Stirling Perth Inverness".split()
POSTCODES_ENG = "B15 LS6 BS3 NG7 NR2 LE4 CV1 YO10 DE22 EX4".split()
POSTCODES_SCT = "G12 EH6 DD3 AB24 PA1 FK8 PH1 IV2".split()


# Columns of the raw exports that carry personal data or free text. They are never mapped, and every
# value written to them is listed in examples/PLANTED_PII.json so tests can prove none leaks.
PERSONAL_COLUMNS = frozenset(
    {
        "Complainant Name", "Address", "Postcode", "Email", "Telephone", "Summary of Complaint",
        "Customer Name", "Tel", "Details", "Phone", "Complaint Summary", "TenantName",
        "PropertyAddress", "ContactEmail", "ContactPhone", "Notes", "Payee", "From", "Comments",
        "Compliment From", "Compliment", "Text", "Comment",
    }
)  # fmt: skip


@dataclass
class Person:
    name: str
    address: str
    postcode: str
    email: str
    phone: str


def _ascii(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return folded.lower().replace("'", "")


def make_person(rng: random.Random, regime: str = "eng") -> Person:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    towns = TOWNS_SCT if regime == "sct" else TOWNS_ENG
    town = rng.randrange(len(towns))
    outward = (POSTCODES_SCT if regime == "sct" else POSTCODES_ENG)[town]
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    postcode = f"{outward} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
    address = f"{rng.randint(1, 140)} {rng.choice(STREETS)}, {towns[town]}"
    handle = _ascii(first) + rng.choice([".", "_", ""]) + _ascii(last) + str(rng.randint(1, 99))
    email = f"{handle}@{rng.choice(['example.com', 'example.org', 'example.net'])}"
    phone = f"07700 900{rng.randint(0, 999):03d}"
    return Person(f"{first} {last}", address, postcode, email, phone)


DESCRIPTION_TEMPLATES = {
    "repairs": [
        "{first} says the repair to the {thing} reported on {d1} has still not been done after {n} visits.",
        "Operative did not turn up on {d1} for the {thing} repair; {first} took a day off work.",
        "{first} unhappy that the {thing} was patched not replaced, leaking again since {d1}.",
    ],
    "damp": [
        "Black mould in the {room} returned by {d1}; {first} says the treatment on {d2} did not work.",
        "{first} reports damp in the {room} affecting their asthma, first reported {d1}.",
    ],
    "asb_handling": [
        "{first} says the ASB reports about the neighbour at number {n} since {d1} were not followed up.",
        "No call back from the ASB officer after the incident on {d1}, {first} feels ignored.",
    ],
    "staff": [
        "{first} says a member of staff was rude on the phone on {d1} and hung up.",
        "Scheme manager did not pass on a message from {first} on {d1}.",
    ],
    "communication": [
        "{first} has written {n} times since {d1} and had no reply.",
        "Letter of {d1} sent to the wrong address; {first} only found out from a neighbour.",
    ],
    "charges": [
        "{first} disputes the service charge statement of {d1}; cleaning not done for {n} weeks.",
        "Rent account shows arrears that {first} says were paid on {d1}.",
    ],
    "heat": [
        "No heating or hot water at the flat since {d1}; {first} has been boiling kettles for {n} days.",
        "{first} says the heat bill of {d1} is far higher than last year and nobody explains why.",
    ],
    "care": [
        "Care visit missed on {d1}; {first} did not get their medication until the evening.",
        "{first} says carers arrive late most mornings since {d1} and rush the visit.",
    ],
    "other": [
        "{first} unhappy with how the estate is kept; bins overflowing since {d1}.",
        "Parking bay allocation changed on {d1} without asking {first}.",
    ],
}
THINGS = (
    "boiler|kitchen tap|front door|window|bathroom extractor fan|lift|door entry system|roof".split(
        "|"
    )
)
ROOMS = "bedroom|bathroom|kitchen|living room|hallway".split("|")


def make_description(rng: random.Random, kind: str, person: Person, around: dt.date) -> str:
    template = rng.choice(DESCRIPTION_TEMPLATES[kind])
    d1 = around - dt.timedelta(days=rng.randint(5, 120))
    d2 = d1 + dt.timedelta(days=rng.randint(3, 30))
    return template.format(
        first=person.name.split()[0],
        thing=rng.choice(THINGS),
        room=rng.choice(ROOMS),
        n=rng.randint(2, 9),
        d1=d1.strftime("%d %B"),
        d2=d2.strftime("%d %B"),
    )


# --------------------------------------------------------------------------------------------
# The complaint simulation shared by the four landlords
# --------------------------------------------------------------------------------------------


@dataclass
class StageRule:
    ack: int | None  # acknowledgement limit (WD), None = no acknowledgement step
    respond: int
    ext_cap: int | None  # landlord's cap, None = no cap
    ext_unless: bool = False  # cap may be exceeded in extenuating circumstances


@dataclass
class Category:
    label: str
    service_area: str
    kind: str  # description template family
    weight: float
    winter: float = 1.0  # multiplier October to March


@dataclass
class Profile:
    """Everything that differs between the landlords' complaint streams."""

    categories: list[Category]
    channels: dict[str, float]
    tenures: dict[str, float]
    per_year: dict[str, float]  # regime -> expected complaints a year
    rules: dict  # (regime, stage, version_index) -> StageRule, via rule_for()
    escalation_rate: float
    window_months: int | None  # None: the policy states no escalation window
    outcomes: dict[str, float]
    handlers_1: list[str]
    handlers_2: list[str]
    schemes: dict[str, list[str]] = field(default_factory=dict)  # regime -> schemes
    p_ack_late: float = 0.05
    p_ack_missing: float = 0.02
    p_ext: float = 0.11
    p_late: float = 0.07
    p_withdrawn: float = 0.03
    p_refused: float = 0.03
    p_managed_for_other: float = 0.0
    p_anonymous: float = 0.0
    p_collective: float = 0.0
    p_direct_stage2_sct: float = 0.0
    agents: list[str] = field(default_factory=list)
    p_agent: float = 0.0
    window_first_known_months: int | None = None  # SPSO-style alternative window (seed 003)
    window_until: dt.date | None = None  # stage 1s received from this date have no window

    def window_for(self, s1_received: dt.date) -> int | None:
        """The escalation window (months) of the policy in force when stage 1 was received."""
        if self.window_until is not None and s1_received >= self.window_until:
            return None
        return self.window_months


@dataclass
class Stage:
    number: int
    received: dt.date
    ack: dt.date | None = None
    ext_wd: int = 0
    ext_reason: str = ""
    ext_notified: dt.date | None = None
    responded: dt.date | None = None
    outcome: str = "open"
    refused: bool = False
    refusal_reason: str = ""
    comp_offered: float | None = None
    comp_paid: float | None = None
    remedy: str = ""
    handler: str = ""
    closed: dt.date | None = None


@dataclass
class Complaint:
    ref: str
    received: dt.date
    regime: str
    category: Category
    channel: str
    tenure: str
    owned: bool
    scheme: str
    person: Person
    description: str
    anonymous: bool = False
    collective: bool = False
    vulnerability: bool = False
    adj_requested: bool = False
    adj_made: bool = False
    notifiable: bool = False
    handled_by: str = "landlord"
    first_known: dt.date | None = None
    stages: list[Stage] = field(default_factory=list)
    deadlock: dt.date | None = None
    eo_notified: dt.date | None = None
    eo_referred: bool = False
    satisfied: bool | None = None
    closed: dt.date | None = None
    tenancy_end: dt.date | None = None
    legal_hold: bool = False
    # drawn by add_policy_fields from a stream of their own, so the rest of the data is unchanged
    representative: str = ""  # who made it on the resident's behalf ("" = the resident)
    consent: dt.date | None = None  # resident's consent to the representative recorded
    separate_policy: str = ""  # e.g. "stairs": handled under a separate policy
    regulator_notified: dt.date | None = None  # notifiable event reported to the SHR
    root_cause: str = ""

    def stage(self, number: int) -> Stage | None:
        return next((s for s in self.stages if s.number == number), None)


EXT_REASONS = [
    "Awaiting contractor report",
    "Specialist survey needed",
    "Several departments involved",
    "Resident asked for a home visit first",
    "Complaint handler absence",
    "Waiting for information from the resident",
]
EXT_EXTENUATING = [
    "Extenuating circumstances: independent damp survey",
    "Extenuating circumstances: resident in hospital",
    "Extenuating circumstances: insurer's loss adjuster",
]
REFUSE_1 = [
    "First-time service request - passed to repairs",
    "Issue over 12 months old",
    "Legal proceedings started",
    "Insurance claim",
    "Policy decision not service failure",
    "ASB report - passed to ASB team",
    "Service not provided by us",
]
REFUSE_2 = [
    "Already considered at both stages",
    "Legal proceedings started",
    "Insurance claim",
]
REMEDIES = [
    "apology",
    "apology; repair",
    "explanation",
    "apology; explanation",
    "repair",
    "apology; process change",
]


def pick(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def simulate_stage(*args, **kwargs) -> Stage:
    """One stage (see :func:`_simulate_stage`), with nothing dated after the data cut."""
    st = _simulate_stage(*args, **kwargs)
    if st.ack is not None and st.ack > DATA_CUT:
        st.ack = None
    if st.ext_notified is not None and st.ext_notified > DATA_CUT:
        st.ext_wd, st.ext_reason, st.ext_notified = 0, "", None
    return st


def _simulate_stage(
    rng: random.Random,
    cal: WorkingDays,
    number: int,
    received: dt.date,
    rule: StageRule,
    profile: Profile,
    p_refused: float,
    handler: str,
) -> Stage:
    """One stage with realistic timeliness: mostly on time, some extended, some late or open."""
    st = Stage(number=number, received=received, handler=handler)
    if rng.random() < p_refused:
        st.refused = True
        st.refusal_reason = rng.choice(REFUSE_1 if number == 1 else REFUSE_2)
        if rule.ack is not None:
            st.ack = cal.add(received, rng.randint(0, 3))
        st.responded = cal.add(received, rng.randint(1, 5))
        st.outcome = "not_accepted"  # each writer prints its own "not accepted" convention
        if st.responded > DATA_CUT:
            st.responded = None
        st.closed = st.responded
        return st
    ack_limit_day = None
    if rule.ack is not None:
        ack_limit_day = cal.add(received, rule.ack)
        roll = rng.random()
        if roll < profile.p_ack_missing:
            st.ack = None
        elif roll < profile.p_ack_missing + profile.p_ack_late:
            st.ack = cal.add(received, rule.ack + rng.randint(1, 6))
        else:
            st.ack = cal.add(
                received,
                rng.choices(range(rule.ack + 1), weights=[2, 5, 4, 3, 2, 1][: rule.ack + 1])[0],
            )
        start = st.ack if st.ack is not None and st.ack <= ack_limit_day else ack_limit_day
    else:
        start = received
    base = cal.add(start, rule.respond)
    roll = rng.random()
    if roll < profile.p_withdrawn:
        st.outcome = "withdrawn"
        st.closed = cal.add(received, rng.randint(1, rule.respond))
        if st.closed > DATA_CUT:
            st.closed, st.outcome = None, "open"
        return st
    roll -= profile.p_withdrawn
    if roll < profile.p_ext:
        code_cap = {1: 10, 2: 20}[number] if rule.ack is not None else {1: 5, 2: 10}[number]
        cap = rule.ext_cap if rule.ext_cap is not None else code_cap * 2
        choices = sorted({max(1, cap // 2), cap, max(1, (cap * 3) // 4)})
        st.ext_wd = rng.choice(choices)
        st.ext_reason = rng.choice(EXT_REASONS)
        if (rule.ext_unless or rule.ext_cap is None) and rng.random() < 0.15:
            st.ext_wd = cap + rng.choice([5, 10])
            st.ext_reason = rng.choice(EXT_EXTENUATING)
        st.ext_notified = cal.add(start, max(1, rule.respond - rng.randint(0, 3)))
        if rng.random() < 0.12:
            st.responded = cal.add(base, st.ext_wd + rng.randint(1, 8))  # late even with extension
        else:
            st.responded = cal.add(base, rng.randint(1, st.ext_wd))
    elif roll < profile.p_ext + profile.p_late:
        st.responded = cal.add(base, rng.randint(1, 25))
    else:
        low = max(1, rule.respond // 3)
        st.responded = cal.add(start, rng.randint(low, rule.respond))
    if st.ack is not None and st.responded is not None and st.ack > st.responded:
        st.ack = st.responded
    if st.responded is not None and st.responded > DATA_CUT:
        st.responded = None
        if st.ext_notified is not None and st.ext_notified > DATA_CUT:
            st.ext_wd, st.ext_reason, st.ext_notified = 0, "", None
        if st.ack is not None and st.ack > DATA_CUT:
            st.ack = None
        return st
    st.outcome = pick(rng, profile.outcomes)
    st.closed = st.responded
    if st.outcome in ("upheld", "partially_upheld"):
        st.remedy = rng.choice(REMEDIES)
        if rng.random() < (0.45 if number == 1 else 0.7):
            st.comp_offered = float(rng.choice([25, 50, 50, 75, 100, 100, 150, 200, 250, 300, 500]))
            if number == 2:
                st.comp_offered += rng.choice([0, 50, 100, 250])
            if rng.random() < 0.9:
                st.comp_paid = st.comp_offered
    elif st.outcome == "not_upheld" and rng.random() < 0.3:
        st.remedy = "explanation"
    return st


def simulate(
    rng: random.Random,
    profile: Profile,
    calendars: dict[str, WorkingDays],
    rule_for,
    make_ref,
    heat_rules_from: dt.date | None = None,
) -> list[Complaint]:
    """Every complaint received from START to the data cut, in received order."""
    complaints: list[Complaint] = []
    day = START
    while day <= DATA_CUT:
        winter = day.month in (10, 11, 12, 1, 2, 3)
        for regime, per_year in profile.per_year.items():
            # Complaints arrive on working days mostly; email and web ones at weekends too.
            weekday_rate = per_year / 260 * (1.08 if winter else 0.92)
            rate = weekday_rate if day.weekday() < 5 else weekday_rate * 0.08
            n = sum(1 for _ in range(6) if rng.random() < rate / 6)
            for _ in range(n):
                complaints.append(
                    make_complaint(
                        rng,
                        profile,
                        calendars[regime],
                        regime,
                        day,
                        rule_for,
                        make_ref,
                        heat_rules_from,
                    )
                )
        day += dt.timedelta(days=1)
    return complaints


def make_complaint(
    rng, profile, cal, regime, day, rule_for, make_ref, heat_rules_from
) -> Complaint:
    winter = day.month in (10, 11, 12, 1, 2, 3)
    weights = [c.weight * (c.winter if winter else 1 / c.winter) for c in profile.categories]
    category = rng.choices(profile.categories, weights=weights)[0]
    person = make_person(rng, regime)
    # Care complaints come from extra care schemes and heat-network ones from schemes on a network.
    schemes = (
        profile.schemes.get(f"{regime}_{category.service_area}")
        or profile.schemes.get(regime)
        or [""]
    )
    c = Complaint(
        ref=make_ref(day),
        received=day,
        regime=regime,
        category=category,
        channel=pick(rng, profile.channels),
        tenure=pick(rng, profile.tenures),
        owned=rng.random() >= profile.p_managed_for_other,
        scheme=rng.choice(schemes),
        person=person,
        description=make_description(rng, category.kind, person, day),
    )
    if rng.random() < profile.p_anonymous:
        c.anonymous, c.tenure = True, "unknown"
    elif rng.random() < profile.p_collective:
        c.collective = True
    c.vulnerability = rng.random() < 0.16
    c.adj_requested = rng.random() < (0.09 if c.vulnerability else 0.02)
    c.adj_made = c.adj_requested and rng.random() < 0.85
    if profile.agents and rng.random() < profile.p_agent:
        c.handled_by = rng.choice(profile.agents)
    c.first_known = day - dt.timedelta(days=rng.choice([0, 0, 3, 7, 14, 30, 60, 120]))
    c.legal_hold = rng.random() < 0.006
    direct_2 = regime == "sct" and rng.random() < profile.p_direct_stage2_sct
    h1 = rng.choice(profile.handlers_1)
    if not direct_2:
        s1 = simulate_stage(
            rng, cal, 1, day, rule_for(regime, 1, day), profile, profile.p_refused, h1
        )
        c.stages.append(s1)
    else:
        s1 = None
    s2_received = None
    if direct_2:
        s2_received = day
    elif (
        s1.responded
        and not s1.refused
        and s1.outcome in ("upheld", "partially_upheld", "not_upheld")
    ):
        factor = {"not_upheld": 1.5, "partially_upheld": 1.0, "upheld": 0.45}[s1.outcome]
        if rng.random() < profile.escalation_rate * factor:
            roll = rng.random()
            # with no window, requests still spread like a 12-month one, but none is late
            spread = profile.window_for(s1.received) or 12
            window_days = 28 * spread
            if roll < 0.86:
                gap = rng.randint(1, min(40, window_days))
            elif roll < 0.96:
                gap = rng.randint(1, window_days)
            else:
                gap = (add_months(s1.responded, spread) - s1.responded).days + rng.randint(3, 60)
            s2_received = s1.responded + dt.timedelta(days=gap)
            if s2_received > DATA_CUT:
                s2_received = None
    if s2_received is not None:
        months = profile.window_for(s1.received) if s1 is not None else None
        late = False
        if months is not None:
            closes = add_months(s1.responded, months)
            if profile.window_first_known_months is not None:
                closes = max(closes, add_months(c.first_known, profile.window_first_known_months))
            late = s2_received > closes
        h2 = rng.choice(profile.handlers_2)
        if rng.random() < 0.07:
            h2 = h1  # not always independent, as real data shows
        p_ref = 0.65 if late else 0.04
        s2 = simulate_stage(
            rng, cal, 2, s2_received, rule_for(regime, 2, s2_received), profile, p_ref, h2
        )
        if late and s2.refused:
            s2.refusal_reason = "Escalation requested outside the time limit"
        c.stages.append(s2)
    last = c.stages[-1]
    c.closed = last.closed
    if c.category.service_area == "heat_network" and heat_rules_from and day >= heat_rules_from:
        limit = day + dt.timedelta(days=56)
        if rng.random() < 0.15 and last.closed is None or (last.closed and rng.random() < 0.1):
            c.deadlock = day + dt.timedelta(days=rng.randint(20, 50))
            if c.deadlock > DATA_CUT:
                c.deadlock = None
        if c.deadlock is not None:
            c.eo_notified = c.deadlock
        elif (c.closed is None or c.closed > limit) and limit <= DATA_CUT:
            c.eo_notified = limit + dt.timedelta(days=rng.choice([0, 0, 1, 3, 9]))
            if c.eo_notified > DATA_CUT:
                c.eo_notified = None
        c.eo_referred = c.eo_notified is not None and rng.random() < 0.3
        if c.closed is not None:
            c.satisfied = rng.random() < 0.62
    if rng.random() < 0.04 and c.closed is not None:
        c.tenancy_end = c.closed + dt.timedelta(days=rng.randint(10, 400))
        if c.tenancy_end > DATA_CUT:
            c.tenancy_end = None
    return c


# --------------------------------------------------------------------------------------------
# The policies' own fields: representatives, anonymous complaints, separate policies, root causes
# --------------------------------------------------------------------------------------------

REPRESENTATIVES = {
    "Family member": 0.45,
    "Advocate": 0.25,
    "Councillor or MP": 0.15,
    "Solicitor": 0.15,
}
ROOT_CAUSES = {
    "repairs": ["Contractor did not attend", "Repair not right first time", "Parts delay"],
    "damp": ["Cause not investigated", "Repair not right first time", "Follow-up not booked"],
    "communication": ["Call not returned", "Letter not sent", "Wrong information given"],
    "staff": ["Policy not followed", "Staff training need"],
    "asb_handling": ["Case not reviewed", "Action plan not agreed"],
    "charges": ["Charge calculated wrongly", "Information not provided"],
}
ROOT_CAUSE_OTHER = ["Process not followed", "Record not updated", "Third-party delay"]


def add_policy_fields(
    complaints: list[Complaint],
    rng: random.Random,
    *,
    p_representative: float = 0.0,
    p_consent: float = 0.9,
    p_anonymous: float = 0.0,
    stairs_from: dt.date | None = None,
    stairs_kind: str = "communication",
    stairs_share: float = 0.0,
    p_regulator_notified: float = 0.0,
    p_root_cause: float = 0.0,
    p_extension_late: float = 0.08,
) -> None:
    """The fields the policies add (issue 18), drawn from ``rng`` (a stream of their own).

    Representatives with the resident's consent recorded (seeds 000 s5.2, 003 s14, 004 s6.2), a few
    anonymous complaints (refused by seeds 000-002, accepted by seed 003), complaints about
    information requests handled under the STAIRs policy (seed 000), the Regulator told of a
    notifiable event (seed 003 s21.2), root causes of upheld complaints (seeds 003, 004), and
    extensions agreed only after the original deadline had passed or with no date recorded.
    """
    for c in complaints:
        if not c.anonymous and rng.random() < p_anonymous:
            c.anonymous, c.tenure = True, "unknown"
        if not c.anonymous and rng.random() < p_representative:
            c.representative = pick(rng, REPRESENTATIVES)
            if rng.random() < p_consent:
                c.consent = min(
                    c.received + dt.timedelta(days=rng.choice([0, 0, 1, 2, 5])), DATA_CUT
                )
        if (
            stairs_from is not None
            and c.received >= stairs_from
            and c.category.kind == stairs_kind
            and rng.random() < stairs_share
        ):
            c.separate_policy = "stairs"
        if c.notifiable and rng.random() < p_regulator_notified:
            c.regulator_notified = min(
                c.received + dt.timedelta(days=rng.choice([0, 1, 1, 2, 6])), DATA_CUT
            )
        for st in c.stages:
            if st.ext_notified is not None and rng.random() < p_extension_late:
                later = st.ext_notified + dt.timedelta(days=rng.randint(6, 20))
                st.ext_notified = (
                    None if rng.random() < 0.3 else min(later, st.responded or DATA_CUT)
                )
        final = c.stages[-1] if c.stages else None
        if (
            final is not None
            and final.outcome in ("upheld", "partially_upheld")
            and rng.random() < p_root_cause
        ):
            c.root_cause = rng.choice(ROOT_CAUSES.get(c.category.kind, ROOT_CAUSE_OTHER))


RESTRICTION_KINDS = {
    "single_point_of_contact": "Single point of contact",
    "written_only": "Written contact only",
    "limited_times": "Set contact times",
    "other": "Other",
}


def contact_restriction_rows(
    complaints: list[Complaint], rng: random.Random, per_year: float, columns: dict, pattern: str
) -> list[Row]:
    """Contact restricted under an unreasonable-behaviour policy, each with a six-month review.

    Most reviews happen by the review date, some late, some not at all; about a third of the
    restrictions are lifted at their review.
    """
    share = per_year / max(1.0, len(complaints) / 3.1)
    rows = []
    for c in complaints:
        if c.anonymous or rng.random() >= share:
            continue
        imposed = c.received + dt.timedelta(days=rng.randint(10, 60))
        if imposed > DATA_CUT:
            continue
        due = add_months(imposed, 6)
        reviewed = ended = None
        roll = rng.random()
        if due <= DATA_CUT and roll < 0.72:
            reviewed = due - dt.timedelta(days=rng.randint(0, 14))
        elif due <= DATA_CUT and roll < 0.85:
            reviewed = due + dt.timedelta(days=rng.randint(5, 40))
            reviewed = reviewed if reviewed <= DATA_CUT else None
        if reviewed is not None and rng.random() < 0.35:
            ended = reviewed
        kind = pick(
            rng,
            {
                "single_point_of_contact": 0.5,
                "written_only": 0.3,
                "limited_times": 0.15,
                "other": 0.05,
            },
        )
        rows.append(
            Row(
                {
                    columns["ref"]: f"UB-{imposed:%y%m}-{len(rows) + 1:03d}",
                    columns["complaint"]: c.ref,
                    columns["kind"]: RESTRICTION_KINDS[kind],
                    columns["imposed"]: fmt(imposed, pattern),
                    columns["due"]: fmt(due, pattern),
                    columns["reviewed"]: fmt(reviewed, pattern),
                    columns["ended"]: fmt(ended, pattern),
                }
            )
        )
    return rows


def contact_restriction_mapping(
    ws: Workspace, rel: str, columns: dict, date_format: str, note: str
) -> None:
    kinds = "\n".join(f'      "{label}": {code}' for code, label in RESTRICTION_KINDS.items())
    ws.text(
        "mappings/contact_restrictions.yaml",
        f"""# {note}
files: ["{rel}"]
format: csv
encoding: auto
delimiter: ","
header_row: 1
target: contact_restriction
date_formats: ["{date_format}"]
columns:
  restriction_ref: "{columns["ref"]}"
  complaint_id: "{columns["complaint"]}"
  restriction_kind:
    column: "{columns["kind"]}"
    codes:
{kinds}
  imposed_date: "{columns["imposed"]}"
  review_due_date: "{columns["due"]}"
  reviewed_date: "{columns["reviewed"]}"
  ended_date: "{columns["ended"]}"
""",
    )


# --------------------------------------------------------------------------------------------
# Output helpers: formatting, CSV/XLSX writing, dirty rows, expected quarantine
# --------------------------------------------------------------------------------------------


def fmt(day: dt.date | None, pattern: str) -> str:
    return day.strftime(pattern) if day is not None else ""


def money(value: float | None, pound: bool = False) -> str:
    if value is None:
        return ""
    return f"£{value:,.2f}" if pound else f"{value:.2f}"


def yn(flag: bool | None, yes: str = "Y", no: str = "N") -> str:
    if flag is None:
        return ""
    return yes if flag else no


@dataclass
class Row:
    values: dict[str, object]
    rules: list[str] = field(default_factory=list)
    note: str = ""


class Workspace:
    """Collects one workspace's files, planted personal data and expected quarantine rows."""

    def __init__(self, out: Path, name: str):
        self.root = out / name
        self.name = name
        self.pii: set[str] = set()
        self.expected: list[tuple[str, int, str, str]] = []

    def path(self, rel: str) -> Path:
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def text(self, rel: str, content: str) -> None:
        self.path(rel).write_bytes(content.encode("utf-8"))

    def plant(self, values: dict[str, object]) -> None:
        """Record the personal data a raw row carries (its unmapped personal columns)."""
        self.pii.update(str(v) for k, v in values.items() if k in PERSONAL_COLUMNS and v)

    def csv(
        self,
        rel: str,
        header: list[str],
        rows: list[Row],
        *,
        encoding: str = "utf-8",
        delimiter: str = ",",
        newline: str = "\n",
    ) -> None:
        """Write a CSV; a row's physical line number is recorded for each planted rule."""
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=delimiter, lineterminator=newline)
        writer.writerow(header)
        for index, row in enumerate(rows):
            writer.writerow([_cell(row.values.get(col)) for col in header])
            self.plant(row.values)
            for rule in row.rules:
                self.expected.append((rel, index + 2, rule, row.note))
        self.path(rel).write_bytes(buf.getvalue().encode(encoding))

    def write_expected(self) -> None:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["source_file", "source_row", "rule", "note"])
        for item in sorted(self.expected):
            writer.writerow(item)
        self.text("EXPECTED_QUARANTINE.csv", buf.getvalue())


def _cell(value: object) -> str:
    if value is None:
        return ""
    return str(value)


def plant_dirty(rows: list[Row], rng: random.Random, candidates: list[int], plans: list) -> None:
    """Apply dirty-row plans to copies of clean rows.

    ``plans`` is a list of (kind, mutate, rule, note): kind ``replace`` changes a row in place,
    ``duplicate`` inserts an exact copy after it, ``conflict`` inserts a changed copy a few rows
    later (both rows then break ``conflicting_rows``), ``insert`` adds a changed copy.
    Candidate rows are indices of clean rows that are safe to damage (stage 1 only, complete).
    """
    chosen = rng.sample(candidates, len(plans))
    inserts: list[tuple[int, Row]] = []
    for index, (kind, mutate, rule, note) in zip(chosen, plans, strict=True):
        row = rows[index]
        if kind == "replace":
            mutate(row.values)
            row.rules.append(rule)
            row.note = note
        elif kind == "duplicate":
            copy = Row(dict(row.values), [rule], note)
            inserts.append((index + 1, copy))
        elif kind == "conflict":
            copy = Row(dict(row.values), [rule], note)
            mutate(copy.values)
            row.rules.append(rule)
            row.note = note
            inserts.append((index + 3, copy))
    for position, row in sorted(inserts, key=lambda item: -item[0]):
        rows.insert(position, row)


def stage1_only_and_complete(c: Complaint, *, needs_ack: bool = True) -> bool:
    """Answered at stage 1 and nothing more: a copy of its row can be damaged to plant exactly one
    quarantine rule (a ``plant_dirty`` candidate)."""
    s1 = c.stage(1)
    return bool(
        s1
        and not s1.refused
        and s1.responded
        and (s1.ack or not needs_ack)
        and len(c.stages) == 1
        and s1.outcome != "withdrawn"
    )


@dataclass(frozen=True)
class LongLayout:
    """How one case system names a long export's stage cells (one row per complaint stage).

    Homes Plus and the council export the same stage facts; only the column names, the words
    for yes and no, the date pattern and the outcome labels differ.
    """

    columns: dict[str, str]  # stage fact -> column name
    date_pattern: str
    yes: str
    no: str
    outcomes: dict[str, str]


def long_rows(c: Complaint, layout: LongLayout, complaint_cells: dict) -> list[dict]:
    """One row per stage: the complaint's own cells repeated, then that stage's cells."""
    rows = []
    for s in c.stages:
        facts = {
            "stage": f"Stage {s.number}",
            "received": fmt(s.received, layout.date_pattern),
            "ack": fmt(s.ack, layout.date_pattern),
            "ext_wd": str(s.ext_wd) if s.ext_wd else "",
            "ext_reason": s.ext_reason,
            "ext_notified": fmt(s.ext_notified, layout.date_pattern),
            "responded": fmt(s.responded, layout.date_pattern),
            "outcome": layout.outcomes[s.outcome],
            "refused": yn(s.refused, layout.yes, layout.no),
            "refusal_reason": s.refusal_reason,
            "comp_offered": money(s.comp_offered, pound=True),
            "comp_paid": money(s.comp_paid, pound=True),
            "remedy": s.remedy,
            "handler": s.handler,
        }
        row = dict(complaint_cells)
        row.update({layout.columns[fact]: value for fact, value in facts.items()})
        rows.append(row)
    return rows


def unanswered_stage_cells(layout: LongLayout) -> dict[str, str]:
    """The stage cells of a stage 1 that is still open (nothing acknowledged or decided yet)."""
    blank = (
        "ack",
        "ext_wd",
        "ext_reason",
        "ext_notified",
        "responded",
        "refusal_reason",
        "comp_offered",
        "comp_paid",
        "remedy",
    )
    cells = {layout.columns[fact]: "" for fact in blank}
    cells[layout.columns["stage"]] = "Stage 1"
    cells[layout.columns["outcome"]] = layout.outcomes["open"]
    cells[layout.columns["refused"]] = layout.no
    return cells


# --------------------------------------------------------------------------------------------
# Shared generators for the non-complaint inputs
# --------------------------------------------------------------------------------------------

TP09_ANSWERS = [
    ("Very satisfied", 0.13),
    ("Fairly satisfied", 0.24),
    ("Neither satisfied nor dissatisfied", 0.15),
    ("Fairly dissatisfied", 0.18),
    ("Very dissatisfied", 0.25),
    ("Don't know", 0.05),
]
SCALE = [
    "Very dissatisfied",
    "Fairly dissatisfied",
    "Neither",
    "Fairly satisfied",
    "Very satisfied",
]


def tp09_rows(
    rng: random.Random,
    year: str,
    n: int,
    stock_mix: dict[str, float],
    schemes: list[str],
    window: tuple[int, int],
    labels: dict[str, str],
    weights: dict[str, float] | None,
    ref_prefix: str,
    date_pattern: str,
    satisfaction_shift: float = 0.0,
) -> list[Row]:
    """TSM perception responses for one survey year: stock type, complaint filter, TP09 answer.

    ``window`` is (first month, last month) of the fieldwork inside the reporting year ``year``
    (1 April to 31 March): January to March fall in its second calendar year.
    """
    first = int(year[:4])

    def calendar_year(month: int) -> int:
        return first + 1 if month < 4 else first

    start = dt.date(calendar_year(window[0]), window[0], 1)
    end = dt.date(calendar_year(window[1]), window[1], 28)
    span = (end - start).days
    rows = []
    for i in range(n):
        stock = pick(rng, stock_mix)
        made = pick(rng, {"Yes": 0.24, "No": 0.72, "Don't know": 0.04})
        answer = ""
        if made == "Yes" or rng.random() < 0.1:
            ws = {a: w for a, w in TP09_ANSWERS}
            ws["Fairly satisfied"] += satisfaction_shift
            ws["Very dissatisfied"] -= satisfaction_shift
            answer = pick(rng, ws)
            if rng.random() < 0.03:
                answer = ""
        # "Don't know" is exported as a blank cell: docs/mapping.md has no way to code a value to
        # null, and blank answers are excluded from TP09 in the same way.
        made = "" if made == "Don't know" else made
        answer = "" if answer == "Don't know" else answer
        values = {
            "ref": f"{ref_prefix}{first % 100:02d}-{i + 1:05d}",
            "date": fmt(start + dt.timedelta(days=rng.randint(0, span)), date_pattern),
            "stock": labels[stock],
            "scheme": rng.choice(schemes) if schemes else "",
            "made": made,
            "answer": answer,
        }
        if weights:
            values["weight"] = f"{weights[stock] * rng.uniform(0.93, 1.07):.4f}"
        rows.append(Row(values))
    return rows


def tp09_mapping(
    ws: Workspace,
    files: str,
    columns: dict[str, str],
    stock_labels: dict[str, str],
    pattern: str,
    comment: str,
    delimiter: str = ",",
) -> None:
    """The mapping of a TSM perception export written from ``tp09_rows`` under ``columns``."""
    stock_codes = ", ".join(f'"{label}": {stock}' for stock, label in stock_labels.items())
    ws.text(
        "mappings/tsm_perception.yaml",
        f"# {comment}\n"
        f'files: ["{files}"]\n'
        "format: csv\n"
        "encoding: auto\n"
        f'delimiter: "{delimiter}"\n'
        "header_row: 1\n"
        "target: tp09_response\n"
        f'date_formats: ["{pattern}"]\n'
        "columns:\n"
        f'  respondent_ref: "{columns["ref"]}"\n'
        f'  survey_date: "{columns["date"]}"\n'
        "  stock_type:\n"
        f'    column: "{columns["stock"]}"\n'
        f"    codes: {{{stock_codes}}}\n"
        f'  scheme: "{columns["scheme"]}"\n'
        "  made_complaint_12m:\n"
        f'    column: "{columns["made"]}"\n'
        '    codes: {"Yes": "yes", "No": "no"}\n'
        "  answer:\n"
        f'    column: "{columns["answer"]}"\n'
        "    codes:\n" + TP09_CODES_YAML + "\n",
    )


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


LEARNING_THEMES = [
    (
        "Damp and mould",
        "repairs",
        "We now inspect within 10 working days of any damp report and revisit after 6 weeks.",
    ),
    (
        "Repairs follow-up",
        "repairs",
        "Operatives now text residents when a repair needs a second visit.",
    ),
    (
        "Complaint handling",
        "housing",
        "Stage 1 responses are checked by a second officer before they are sent.",
    ),
    ("Communication", "housing", "Letters now give a named contact and a direct phone number."),
    (
        "ASB case management",
        "asb_handling",
        "ASB officers now agree an action plan with the resident within 5 days.",
    ),
    (
        "Service charges",
        "housing",
        "Service charge statements now include a plain-English breakdown.",
    ),
    (
        "Heating and hot water",
        "heat_network",
        "Temporary heaters are now held at every heat-network scheme.",
    ),
    ("Care visits", "care", "Care rotas now allow travel time between visits."),
    (
        "Record keeping",
        "housing",
        "Every contact about a complaint is now logged on the case the same day.",
    ),
]


def learning_rows(
    rng: random.Random,
    complaints: list[Complaint],
    n: int,
    prefix: str,
    pattern: str,
    areas: set[str],
) -> list[Row]:
    upheld = [
        c for c in complaints if any(s.outcome in ("upheld", "partially_upheld") for s in c.stages)
    ]
    rows = []
    themes = [t for t in LEARNING_THEMES if t[1] in areas]
    for i in range(n):
        theme, area, text = themes[i % len(themes)]
        linked_pool = [c for c in upheld if c.category.service_area == area] or upheld
        linked = rng.sample(linked_pool, min(len(linked_pool), rng.randint(1, 5)))
        raised = max(c.stages[0].responded or c.received for c in linked) + dt.timedelta(
            days=rng.randint(3, 40)
        )
        if raised > DATA_CUT:
            raised = DATA_CUT - dt.timedelta(days=rng.randint(1, 30))
        # Due dates are kept on or before the data cut: docs/mapping.md quarantines any later date.
        due = min(raised + dt.timedelta(days=rng.choice([30, 60, 90, 120])), DATA_CUT)
        completed = None
        if rng.random() < 0.75:
            completed = raised + dt.timedelta(days=rng.randint(10, 150))
            if completed > DATA_CUT:
                completed = None
        rows.append(
            Row(
                {
                    "Improvement Ref": f"{prefix}{i + 1:03d}",
                    "Theme": theme,
                    "What We Changed": text,
                    "Service Area": area.replace("_", " ").title().replace("Asb", "ASB"),
                    "Linked Complaints": ";".join(
                        c.ref for c in sorted(linked, key=lambda c: c.ref)
                    ),
                    "Raised": fmt(raised, pattern),
                    "Due": fmt(due, pattern),
                    "Completed": fmt(completed, pattern),
                }
            )
        )
    return rows


LEARNING_HEADER = [
    "Improvement Ref",
    "Theme",
    "What We Changed",
    "Service Area",
    "Linked Complaints",
    "Raised",
    "Due",
    "Completed",
]
AREA_CODES_TITLE = {
    "Housing": "housing",
    "Repairs": "repairs",
    "ASB": "asb_handling",
    "Care": "care",
    "Heat Network": "heat_network",
    "Other": "other",
}


def promised_rows(
    rng: random.Random, complaints: list[Complaint], cols: dict[str, str], pattern: str, stage_label
) -> list[Row]:
    kinds = [
        "Repair",
        "Call back",
        "Home visit",
        "Policy review",
        "Compensation payment",
        "Staff training",
    ]
    rows = []
    for c in complaints:
        for s in c.stages:
            if (
                s.outcome not in ("upheld", "partially_upheld")
                or s.responded is None
                or rng.random() > 0.55
            ):
                continue
            for kind in rng.sample(kinds, rng.choice([1, 1, 2])):
                due = s.responded + dt.timedelta(days=rng.choice([7, 14, 28, 42]))
                if due > DATA_CUT:
                    # docs/mapping.md quarantines every date after the data cut, due dates included
                    continue
                completed = None
                roll = rng.random()
                if roll < 0.72:
                    completed = due - dt.timedelta(days=rng.randint(0, 6))
                elif roll < 0.9:
                    completed = due + dt.timedelta(days=rng.randint(1, 30))
                if completed is not None and completed > DATA_CUT:
                    completed = None
                rows.append(
                    Row(
                        {
                            cols["ref"]: c.ref,
                            cols["stage"]: stage_label(s.number),
                            cols["kind"]: kind,
                            cols["due"]: fmt(due, pattern),
                            cols["completed"]: fmt(completed, pattern),
                        }
                    )
                )
    return rows


def write_promised_actions(
    ws: Workspace,
    rng: random.Random,
    complaints: list[Complaint],
    rel: str,
    cols: dict[str, str],
    pattern: str,
    stage_label,
    note: str,
    delimiter: str = ",",
) -> None:
    """The promised-actions export and its mapping, from one column table so the two agree."""
    rows = promised_rows(rng, complaints, cols, pattern, stage_label)
    ws.csv(rel, list(cols.values()), rows, delimiter=delimiter)
    stage_codes = ", ".join(f'"{stage_label(n)}": {n}' for n in (1, 2))
    ws.text(
        "mappings/promised_actions.yaml",
        f"# {note}\n"
        f'files: ["{rel}"]\n'
        "format: csv\n"
        "encoding: auto\n"
        f'delimiter: "{delimiter}"\n'
        "header_row: 1\n"
        "target: promised_action\n"
        f'date_formats: ["{pattern}"]\n'
        "columns:\n"
        f'  complaint_id: "{cols["ref"]}"\n'
        "  stage:\n"
        f'    column: "{cols["stage"]}"\n'
        f"    codes: {{{stage_codes}}}\n"
        f'  action_kind: "{cols["kind"]}"\n'
        f'  due_date: "{cols["due"]}"\n'
        f'  completed_date: "{cols["completed"]}"\n',
    )


def compliment_rows(
    rng,
    per_year: int,
    schemes: list[str],
    services: list[str],
    prefix: str,
    pattern: str,
    ws: Workspace,
    regime="eng",
):
    rows = []
    day = START
    i = 0
    praise = [
        "{name} wants to thank the repairs team for fixing the boiler so quickly.",
        "{name} says the scheme manager went above and beyond during the heatwave.",
        "Thank you from {name} to the carers who looked after them after their fall.",
        "{name} praised the complaints officer for keeping them updated every week.",
    ]
    while day <= DATA_CUT:
        if day.weekday() < 5 and rng.random() < per_year / 260:
            i += 1
            person = make_person(rng, regime)
            text = rng.choice(praise).format(name=person.name)
            rows.append(
                Row(
                    {
                        "ref": f"{prefix}{i:05d}",
                        "date": fmt(day, pattern),
                        "scheme": rng.choice(schemes) if schemes else "",
                        "service": rng.choice(services),
                        "from": person.name,
                        "text": text,
                    }
                )
            )
        day += dt.timedelta(days=1)
    return rows


def relabel(rows: list[Row], columns: dict[str, str]) -> list[Row]:
    """The shared generators' rows under one landlord's column names (generator key -> column)."""
    return [Row({column: r.values[key] for key, column in columns.items()}) for r in rows]


def write_compliments(
    ws: Workspace,
    rows: list[Row],
    rel: str,
    columns: dict[str, str],
    service_areas: dict[str, str],
    pattern: str,
    comment: str,
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> None:
    """A compliments export and its mapping, from one column table so the two agree.

    ``comment`` heads the mapping file, one ``#`` line per line of it.
    """
    header = list(columns.values())
    ws.csv(rel, header, relabel(rows, columns), encoding=encoding, delimiter=delimiter)
    codes = ", ".join(f'"{service}": {area}' for service, area in service_areas.items())
    heading = "".join(f"# {line}\n" for line in comment.splitlines())
    ws.text(
        "mappings/compliments.yaml",
        heading + f'files: ["{rel}"]\n'
        "format: csv\n"
        "encoding: auto\n"
        f'delimiter: "{delimiter}"\n'
        "header_row: 1\n"
        "target: compliment\n"
        f'date_formats: ["{pattern}"]\n'
        "columns:\n"
        f'  compliment_ref: "{columns["ref"]}"\n'
        f'  received_date: "{columns["date"]}"\n'
        f'  scheme: "{columns["scheme"]}"\n'
        "  service_area:\n"
        f'    column: "{columns["service"]}"\n'
        f"    codes: {{{codes}}}\n",
    )


def survey_answer(rng: random.Random, c: Complaint, question: str) -> str:
    s = c.stages[-1]
    base = {"upheld": 3.8, "partially_upheld": 3.2, "not_upheld": 2.2, "withdrawn": 3.0}.get(
        s.outcome, 2.5
    )
    if question == "timeliness":
        late = s.responded is not None and s.ext_wd == 0 and rng.random() < 0.2
        base += -0.8 if late else 0.4
    score = min(5, max(1, round(rng.gauss(base, 1.1))))
    return SCALE[score - 1] if rng.random() > 0.06 else ""


def service_area_codes_yaml(categories: list[Category], indent: int) -> str:
    """A mapping's category -> service area codes, from the categories the generator draws from."""
    return "\n".join(f'{" " * indent}"{c.label}": {c.service_area}' for c in categories)


def label_codes_yaml(labels: dict[str, str], indent: int) -> str:
    """A mapping's codes, read back from the labels an export writes (a blank label is no code)."""
    return "\n".join(f'{" " * indent}"{label}": {code}' for code, label in labels.items() if label)


def write_landlord_yaml(ws: Workspace, text: str) -> None:
    ws.text("landlord.yaml", text.lstrip("\n"))


def yearly_refs(prefix: str, rng: random.Random, start: int, step: tuple[int, int] = (1, 4)):
    """Sequential case references with gaps (case systems number other events in between)."""
    state = {"n": start}

    def make(day: dt.date) -> str:
        state["n"] += rng.randint(*step)
        return prefix.format(n=state["n"], year=day.year, fy=reporting_year(day)[:4])

    return make


def dt_stamp(day: dt.date | None, pattern: str = "%d/%m/%Y") -> str:
    """A date with a plausible time of day (ERICA exports carry timestamps)."""
    if day is None:
        return ""
    ordinal = day.toordinal()
    return f"{day.strftime(pattern)} {8 + ordinal * 7 % 10:02d}:{ordinal * 13 % 60:02d}"


# ============================================================================================
# 1. Housing 21: ERICA wide CSV, housing + care + heat networks, two policy versions
# ============================================================================================

H21_RL = [
    "Abbey Court",
    "Beechwood House",
    "Bramley Court",
    "Cedar Lodge",
    "Chestnut Court",
    "Dovecote Court",
    "Elmfield House",
    "Foxglove Court",
    "Hawthorn House",
    "Heron Court",
    "Juniper Court",
    "Kingfisher House",
    "Laburnum Court",
    "Magnolia House",
    "Maple Court",
    "Meadowsweet House",
    "Oakleigh Court",
    "Primrose Court",
    "Rosewood House",
    "Sycamore Court",
    "Thornbury Court",
    "Willowbrook House",
    "Wisteria Court",
    "Yew Tree Court",
]
H21_EC = [
    "Amber Fields (Extra Care)",
    "Bluebell Gardens (Extra Care)",
    "Cherry Tree Place (Extra Care)",
    "Harebell Gardens (Extra Care)",
    "Lime Tree Place (Extra Care)",
    "Mulberry Gardens (Extra Care)",
    "Orchard View (Extra Care)",
    "Riverside Place (Extra Care)",
    "Silver Birch Gardens (Extra Care)",
    "Wellspring Place (Extra Care)",
]
H21_HEAT = H21_EC[:6] + ["Heron Court", "Magnolia House"]
H21_CHANGE = dt.date(2026, 1, 27)

H21_CATEGORIES = [
    Category("Repairs - Responsive", "repairs", "repairs", 24, 1.25),
    Category("Repairs - Damp and Mould", "repairs", "damp", 7, 1.5),
    Category("Lifts and Door Entry", "repairs", "repairs", 5),
    Category("Anti-Social Behaviour Handling", "asb_handling", "asb_handling", 5),
    Category("Staff Conduct", "housing", "staff", 9),
    Category("Communication", "housing", "communication", 11),
    Category("Service Charges", "housing", "charges", 7),
    Category("Estate Services and Cleaning", "housing", "other", 6),
    Category("Grounds Maintenance", "housing", "other", 3, 0.6),
    Category("Heat Network - Heating and Hot Water", "heat_network", "heat", 4, 1.8),
    Category("Heat Network - Billing", "heat_network", "heat", 1.5, 1.3),
    Category("Care - Missed or Late Visit", "care", "care", 7),
    Category("Care - Quality of Care", "care", "care", 5),
]
H21_TENURE_LABEL = {
    "lcra": "Rent (Social/Affordable)",
    "lcho": "Shared Ownership",
    "leaseholder": "Leasehold",
    "other": "Care Client (non-tenant)",
    "unknown": "",
}
H21_CHANNEL_LABEL = {
    "phone": "Telephone",
    "email": "Email",
    "letter": "Letter",
    "web": "Website Form",
    "in_person": "Face to Face",
    "social_media": "Social Media",
}
H21_OUTCOME_LABEL = {
    "upheld": "Upheld",
    "partially_upheld": "Partially Upheld",
    "not_upheld": "Not Upheld",
    "withdrawn": "Withdrawn",
    "discontinued": "Closed - Legal Action",
    "open": "",
    "not_accepted": "",
}
H21_HEADER = [
    "Event ID",
    "Record Type",
    "Date Received",
    "Business Stream",
    "Scheme",
    "Category",
    "How Received",
    "Tenure",
    "H21 Owned",
    "Anonymous",
    "Made By",
    "Consent Recorded",
    "Policy",
    "Vulnerability Recorded",
    "Reasonable Adjustment Requested",
    "Reasonable Adjustment Made",
    "Complainant Name",
    "Address",
    "Postcode",
    "Email",
    "Telephone",
    "Summary of Complaint",
    "S1 Acknowledged",
    "S1 Handler",
    "S1 Extension (WD)",
    "S1 Extension Reason",
    "S1 Extension Agreed",
    "S1 Response Date",
    "S1 Outcome",
    "S1 Not Accepted",
    "S1 Not Accepted Reason",
    "S1 Compensation Offered",
    "S1 Compensation Paid",
    "S1 Remedy",
    "S2 Escalation Date",
    "S2 Acknowledged",
    "S2 Handler",
    "S2 Extension (WD)",
    "S2 Extension Reason",
    "S2 Extension Agreed",
    "S2 Response Date",
    "S2 Outcome",
    "S2 Not Accepted",
    "S2 Not Accepted Reason",
    "S2 Compensation Offered",
    "S2 Compensation Paid",
    "S2 Remedy",
    "HN Deadlock Letter",
    "HN Energy Ombudsman Notified",
    "HN Referred to Energy Ombudsman",
    "HN Resolved to Satisfaction",
    "Date Closed",
    "Tenancy End Date",
    "Legal Hold",
]


def h21_row(c: Complaint, datefmt, closed_fmt) -> dict:
    stream = "Extra Care" if c.scheme in H21_EC else "Retirement Living"
    v = {
        "Event ID": c.ref,
        "Record Type": "Complaint",
        "Date Received": datefmt(c.received),
        "Business Stream": stream,
        "Scheme": c.scheme,
        "Category": c.category.label,
        "How Received": H21_CHANNEL_LABEL[c.channel],
        "Tenure": H21_TENURE_LABEL[c.tenure],
        "H21 Owned": yn(c.owned),
        "Anonymous": yn(c.anonymous),
        "Made By": c.representative or "Resident",
        "Consent Recorded": datefmt(c.consent),
        "Policy": "STAIRs" if c.separate_policy == "stairs" else "Complaints",
        "Vulnerability Recorded": yn(c.vulnerability),
        "Reasonable Adjustment Requested": yn(c.adj_requested),
        "Reasonable Adjustment Made": yn(c.adj_made),
        "Complainant Name": "" if c.anonymous else c.person.name,
        "Address": c.person.address,
        "Postcode": c.person.postcode,
        "Email": "" if c.anonymous else c.person.email,
        "Telephone": "" if c.anonymous else c.person.phone,
        "Summary of Complaint": c.description,
        "HN Deadlock Letter": datefmt(c.deadlock),
        "HN Energy Ombudsman Notified": datefmt(c.eo_notified),
        "HN Referred to Energy Ombudsman": yn(c.eo_referred)
        if c.category.service_area == "heat_network"
        else "",
        "HN Resolved to Satisfaction": yn(c.satisfied),
        "Date Closed": closed_fmt(c.closed),
        "Tenancy End Date": datefmt(c.tenancy_end),
        "Legal Hold": yn(c.legal_hold),
    }
    for s in c.stages:
        p = f"S{s.number} "
        v[p + ("Escalation Date" if s.number == 2 else "Received")] = datefmt(s.received)
        v[p + "Acknowledged"] = datefmt(s.ack)
        v[p + "Handler"] = s.handler
        v[p + "Extension (WD)"] = str(s.ext_wd) if s.ext_wd else ""
        v[p + "Extension Reason"] = s.ext_reason
        v[p + "Extension Agreed"] = datefmt(s.ext_notified)
        v[p + "Response Date"] = datefmt(s.responded)
        v[p + "Outcome"] = H21_OUTCOME_LABEL[s.outcome]
        v[p + "Not Accepted"] = yn(s.refused)
        v[p + "Not Accepted Reason"] = s.refusal_reason
        v[p + "Compensation Offered"] = money(s.comp_offered, pound=True)
        v[p + "Compensation Paid"] = money(s.comp_paid, pound=True)
        v[p + "Remedy"] = s.remedy
    return v


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
                for r in ws_h21_rows.get("2023-24", [])
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
        ws_h21_rows[key] = rows
    for key, (encoding, _pattern, newline) in files.items():
        ws.csv(
            f"exports/erica_complaints_{key}.csv",
            H21_HEADER,
            ws_h21_rows[key],
            encoding=encoding,
            newline=newline,
        )

    write_h21_other_inputs(ws, rng, complaints)
    return ws


ws_h21_rows: dict[str, list[Row]] = {}


def _parse(text: str) -> dt.date:
    return dt.datetime.strptime(text[:10], "%d/%m/%Y").date()


def _shift(text: str, days: int) -> str:
    """Shift a dd/mm/yyyy[ HH:MM] cell by days, keeping its format."""
    day = _parse(text) + dt.timedelta(days=days)
    return day.strftime("%d/%m/%Y") + text[10:]


def write_ombudsman_files(
    ws: Workspace,
    rng: random.Random,
    cases: list[dict],
    terms,
    link_col: str,
    pattern: str,
    chfos: list[tuple[str, dt.date, str, dt.date | None]],
    body_label=None,
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
    findings = [
        Row(
            {
                "Ombudsman Ref": f["ref"],
                "Finding About": f["area"],
                "Determination": f["term"],
                "Orders Made": f["orders"],
                "Orders Complied With": f["complied"],
                "Compensation Ordered": money(float(f["comp"])) if f["comp"] else "",
            }
        )
        for f in found
    ]
    ws.csv(
        "ombudsman/findings.csv",
        [
            "Ombudsman Ref",
            "Finding About",
            "Determination",
            "Orders Made",
            "Orders Complied With",
            "Compensation Ordered",
        ],
        findings,
    )
    if orders_rng is not None:
        determined = {case["ref"]: case["determination"] for case in cases}
        ws.csv(
            "ombudsman/orders.csv",
            ORDER_COLUMNS,
            order_rows(found, determined, orders_rng, pattern),
        )
    ws.csv(
        "ombudsman/chfos.csv",
        ["CHFO Ref", "Date Issued", "Reason", "Date Complied"],
        [
            Row(
                {
                    "CHFO Ref": r,
                    "Date Issued": fmt(d, pattern),
                    "Reason": why,
                    "Date Complied": fmt(done, pattern),
                }
            )
            for r, d, why, done in chfos
        ],
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


def learning_mapping(ws: Workspace, date_formats: str, encoding_note: str = "") -> None:
    ws.text(
        "mappings/learning.yaml",
        f"""# Service improvements and the complaints they came from (learning.csv at the workspace root).{encoding_note}
files: ["learning.csv"]
format: csv
encoding: auto
delimiter: ","
header_row: 1
target: learning_action
date_formats: {date_formats}
columns:
  action_ref: "Improvement Ref"
  theme: "Theme"
  description: "What We Changed"
  service_area:
    column: "Service Area"
    codes:
      "Housing": housing
      "Repairs": repairs
      "ASB Handling": asb_handling
      "Care": care
      "Heat Network": heat_network
      "Other": other
  linked_complaint_ids: "Linked Complaints"   # case refs separated by ';'
  raised_date: "Raised"
  due_date: "Due"
  completed_date: "Completed"
""",
    )


def write_learning(
    ws: Workspace, rng, complaints, n, prefix, pattern, areas, encoding="utf-8"
) -> None:
    rows = learning_rows(rng, complaints, n, prefix, pattern, areas)
    ws.csv("learning.csv", LEARNING_HEADER, rows, encoding=encoding)


TP09_CODES_YAML = """      "Very satisfied": very_satisfied
      "Fairly satisfied": fairly_satisfied
      "Neither satisfied nor dissatisfied": neither
      "Fairly dissatisfied": fairly_dissatisfied
      "Very dissatisfied": very_dissatisfied"""
SCALE_CODES_YAML = """      "Very satisfied": 5
      "Fairly satisfied": 4
      "Neither": 3
      "Fairly dissatisfied": 2
      "Very dissatisfied": 1"""


# The monthly complaint survey's columns: written by the survey export and read by its mapping.
H21_SURVEY_COLUMNS = {
    "ref": "Event ID",
    "sent": "Survey Sent",
    "returned": "Survey Returned",
    "t": "Q1 Timeliness",
    "f": "Q2 Fair Process",
    "o": "Q3 Outcome",
}


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


def write_h21_config(ws: Workspace) -> None:
    ws.text(
        "mappings/erica_complaints.yaml",
        """# ERICA event extract: one row per event (wide), stage 1 and stage 2 in columns.
# Yearly extracts: 2023-24 was saved from Excel as cp1252 (Windows), 2024-25 as UTF-8 with a BOM
# (and its "Date Closed" column came out as Excel serial numbers), later ones carry a time of day.
files: ["exports/erica_complaints_*.csv"]
format: csv
encoding: auto
delimiter: ","
header_row: 1
target: complaint
shape: wide
date_formats: ["%d/%m/%Y %H:%M", "%d/%m/%Y"]
excel_serial_dates: true
columns:
  complaint_id: "Event ID"
  received_date: "Date Received"
  category: "Category"
  service_area:
    column: "Category"
    codes:
"""
        + service_area_codes_yaml(H21_CATEGORIES, 6)
        + """
  scheme: "Scheme"
  channel:
    column: "How Received"
    codes:
"""
        + label_codes_yaml(H21_CHANNEL_LABEL, 6)
        + """
  tenure:
    column: "Tenure"
    codes:
"""
        + label_codes_yaml(H21_TENURE_LABEL, 6)
        + """
    default: unknown
  regime: {value: eng}
  is_tenant_of_owned_stock: "H21 Owned"
  handled_by: {value: landlord}
  anonymous: "Anonymous"
  collective: {value: false}
  # Made by the resident or someone on their behalf with consent (policy s5.2)
  representative: {column: "Made By", codes: {"Resident": false}, other: true, default: false}
  representative_consent_date: "Consent Recorded"
  # From the 2026 version STAIRs complaints are handled under the separate STAIRs policy (s4.1)
  separate_policy: {column: "Policy", codes: {"Complaints": null, "STAIRs": stairs}}
  vulnerability: "Vulnerability Recorded"
  adjustment_requested: "Reasonable Adjustment Requested"
  adjustment_made: "Reasonable Adjustment Made"
  notifiable_event: {value: false}
  heat_network_deadlock_date: "HN Deadlock Letter"
  energy_ombudsman_notified_date: "HN Energy Ombudsman Notified"
  energy_ombudsman_referred: "HN Referred to Energy Ombudsman"
  resolved_to_satisfaction: "HN Resolved to Satisfaction"
  closed_date: "Date Closed"
  tenancy_end_date: "Tenancy End Date"
  legal_hold: "Legal Hold"
stages:
  1:
    received_date: "Date Received"
    acknowledged_date: "S1 Acknowledged"
    extension_wd: "S1 Extension (WD)"
    extension_reason: "S1 Extension Reason"
    extension_notified_date: "S1 Extension Agreed"
    responded_date: "S1 Response Date"
    outcome:
      column: "S1 Outcome"
      codes:
"""
        + label_codes_yaml(H21_OUTCOME_LABEL, 8)
        + """
      default: open
    refused: "S1 Not Accepted"
    refusal_reason: "S1 Not Accepted Reason"
    compensation_offered_gbp: "S1 Compensation Offered"
    compensation_paid_gbp: "S1 Compensation Paid"
    non_financial_remedy: "S1 Remedy"
    handler_ref: "S1 Handler"
  2:
    received_date: "S2 Escalation Date"
    acknowledged_date: "S2 Acknowledged"
    extension_wd: "S2 Extension (WD)"
    extension_reason: "S2 Extension Reason"
    extension_notified_date: "S2 Extension Agreed"
    responded_date: "S2 Response Date"
    outcome:
      column: "S2 Outcome"
      codes:
"""
        + label_codes_yaml(H21_OUTCOME_LABEL, 8)
        + """
      default: open
    refused: "S2 Not Accepted"
    refusal_reason: "S2 Not Accepted Reason"
    compensation_offered_gbp: "S2 Compensation Offered"
    compensation_paid_gbp: "S2 Compensation Paid"
    non_financial_remedy: "S2 Remedy"
    handler_ref: "S2 Handler"
route:
  column: "Record Type"
  values:
    "Complaint": complaint
    "Service Request":
      target: non_complaint
      set: {kind: service_request, regime: eng}
      columns:
        record_ref: "Event ID"
        record_date: "Date Received"
        service_area: &h21_area
          column: "Category"
          codes:
"""
        + service_area_codes_yaml(H21_CATEGORIES, 12)
        + """
    "Did not wish to complain":
      target: non_complaint
      set: {kind: did_not_wish_to_complain, regime: eng}
      columns:
        record_ref: "Event ID"
        record_date: "Date Received"
        service_area: *h21_area
# Unmapped on purpose (personal data stays in the export): Complainant Name, Address, Postcode,
# Email, Telephone, Summary of Complaint. Business Stream is looked up from landlord.yaml.
""",
    )
    ws.text(
        "mappings/tsm_perception.yaml",
        """# TSM perception survey (TP09), one file per survey year, weighted by the survey agency.
files: ["surveys/tsm_perception_*.csv"]
format: csv
encoding: auto
delimiter: ","
header_row: 1
target: tp09_response
date_formats: ["%d/%m/%Y"]
columns:
  respondent_ref: "Respondent ID"
  survey_date: "Interview Date"
  stock_type:
    column: "Tenure Type"
    codes:
      "Rented": lcra
      "Shared Ownership": lcho
  scheme: "Scheme"
  made_complaint_12m:
    column: "Complained In Last 12 Months"
    codes:
      "Yes": "yes"
      "No": "no"
  answer:
    column: "TP09 Complaints Handling"
    codes:
"""
        + TP09_CODES_YAML
        + """
  weight: "Weight"
""",
    )
    complainant_survey_mapping(
        ws,
        "surveys/complaint_satisfaction_monthly.csv",
        H21_SURVEY_COLUMNS,
        '["%d/%m/%Y"]',
        "Monthly complaints survey (policy s12.1): sent to a sample of last month's closed complaints.",
    )
    streams = "\n".join(f"    - {s}" for s in H21_RL)
    extra = "\n".join(f"    - {s}" for s in H21_EC)
    write_landlord_yaml(
        ws,
        f"""
# Housing 21: housing, care and heat-network complaints (policies 001 then 000 in ../shared/policies).
landlord_id: housing21
name: Housing 21
rsh_registration: "L0055"
regimes: [eng]
business_streams:
  Retirement Living:
{streams}
  Extra Care:
{extra}
stock:
  - {{year_end: 2024-03-31, stock_type: lcra, country: eng, units_owned: 19870}}
  - {{year_end: 2024-03-31, stock_type: lcho, country: eng, units_owned: 1985}}
  - {{year_end: 2025-03-31, stock_type: lcra, country: eng, units_owned: 20040}}
  - {{year_end: 2025-03-31, stock_type: lcho, country: eng, units_owned: 2010}}
  - {{year_end: 2026-03-31, stock_type: lcra, country: eng, units_owned: 20215}}
  - {{year_end: 2026-03-31, stock_type: lcho, country: eng, units_owned: 2032}}
closures:
  - {{date: 2023-12-27, regimes: [eng], reason: Christmas closure}}
  - {{date: 2024-12-27, regimes: [eng], reason: Christmas closure}}
  - {{date: 2025-12-29, regimes: [eng], reason: Christmas closure}}
policy_versions:
  # Earlier policy (seed 001), applied from the start of the data. Section 7.4 says extensions are
  # "generally up to 10 working days unless there are extenuating circumstances" but the procedure
  # (appendix A) says "extend ... to a maximum of 10 working days": the procedure's hard cap is used.
  - effective_from: 2023-04-01
    source: "Complaints policy, earlier version (seed 001): stage 2 within six months of the stage 1 response"
    timescales:
      eng:
        stage_1: {{acknowledge_wd: 5, respond_wd: 10, extension_wd: 10, clock_starts: acknowledgement}}
        stage_2: {{acknowledge_wd: 5, respond_wd: 20, extension_wd: 20, clock_starts: acknowledgement}}
    escalation_window: {{months_after_stage1_response: 6}}
    # Both versions list anonymous complaints among those not dealt with under the policy (s9 / s4.1).
    anonymous_accepted: false
    # Seed 001's scope statement does not name care services separately, so care complaints stay in
    # the TSM complaint count under this version.
    outside_tsm_service_areas: []
  # Current policy (seed 000) from the start of Ofgem's heat-network rules. It drops the six-month
  # escalation limit and states no time limit for asking for stage 2, so no escalation is late.
  - effective_from: 2026-01-27
    source: "Complaints policy, current version (seed 000): housing, care and heat networks"
    timescales:
      eng:
        stage_1: {{acknowledge_wd: 5, respond_wd: 10, extension_wd: 10, extension_cap_unless_extenuating: true, clock_starts: acknowledgement}}
        stage_2: {{acknowledge_wd: 5, respond_wd: 20, extension_wd: 20, extension_cap_unless_extenuating: true, clock_starts: acknowledgement}}
    escalation_window: null
    anonymous_accepted: false
    # s4.1: complaints about publishing information or information requests under the Social
    # Tenants Access to Information Requirements are covered by the separate STAIRs policy.
    separate_policies: [stairs]
    # Care complaints are placed outside the TSM count: the summary says the policy covers "housing
    # services, care services and heat networks" as separate services, and s9.2 sends care complaints
    # to the local authority and the Local Government and Social Care Ombudsman, not the Housing
    # Ombudsman. They are reported apart (design.md s6, Care).
    outside_tsm_service_areas: [care]
    heat_network_rules_from: 2026-01-27
    heat_network_limit_days: 56
tsm_summary_of_approach: >-
  Annual census-style telephone and postal survey of general needs and retirement living tenants
  (LCRA) and shared owners (LCHO) carried out by an independent research agency between September
  and December each year; results weighted by stock type and region to the tenant population.
  Complaint counts (CH01, CH02) are taken from ERICA; care complaints are reported separately from
  the 2026 policy version.
tp09_population: {{lcra: 20215, lcho: 2032}}
data_cut_date: {DATA_CUT.isoformat()}
complainant_survey: monthly_sample
# s10.1: the Resident Complaint Panel reviews a sample of complaint responses each quarter.
complaint_panel: {{sample_size: 12, seed: 2026}}
retention: {{rule: tenancy_end_plus_months, months: 12, years: null}}
schedules:
  monthly_refresh_day: 5
  committee: quarterly
  committee_day_after_period: 15
  annual_report_date: "06-30"
  returns_date: "05-31"
thresholds:
  exports_max_age_days: 45
  small_number_suppression: 5
  # Targets the Executive Committees track (s11.2), rated red/amber/green in the committee pack.
  targets:
    - {{measure: CH02_1, label: "Stage 1 answered in time, LCRA (CH02)", view: regulator, breakdown: stock_type, breakdown_value: lcra, target: 90, amber: 85}}
    - {{measure: CH02_2, label: "Stage 2 answered in time, LCRA (CH02)", view: regulator, breakdown: stock_type, breakdown_value: lcra, target: 90, amber: 85}}
    - {{measure: ack_in_time_1, target: 95, amber: 90}}
    - {{measure: overdue_2, target: 0, amber: 2, better: lower}}
    - {{measure: overdue_promised_actions, target: 10, amber: 25, better: lower}}
    - {{measure: complainant_satisfaction_timeliness, target: 60, amber: 50}}
complaints_contact:   # s6: scheme manager, feedback phone line and email (contact details invented)
  phone: "0306 999 0021"
  email: feedback@housing21.example
  web: www.housing21.example/complaints
  in_person: your scheme manager, or any member of staff
""",
    )
    ws.text(
        "ombudsman/publications.yaml",
        """# Housing Ombudsman publications about Housing 21 (annual landlord performance letters).
- kind: annual_performance_letter
  published_date: 2024-10-16
  reporting_year: "2023/24"
  summary: >-
    The Ombudsman determined 21 cases about us in 2023/24 with a maladministration rate of 62%,
    close to the rate for landlords of our size. Compensation ordered totalled about GBP 9,400.
    The letter asked us to improve record keeping on repairs and the timeliness of stage 2 replies.
  url: https://www.housing-ombudsman.org.uk/landlord-performance/
  determinations: 21
  maladministration_rate: 62
  basis: >-
    The letter counts every case the Ombudsman determined about us in its 2023/24 year, including
    cases referred before our Ombudsman tracker began in April 2023; our table counts the
    determinations in that tracker, so it holds only the cases referred since then.
- kind: annual_performance_letter
  published_date: 2025-10-22
  reporting_year: "2024/25"
  summary: >-
    The Ombudsman determined 19 cases about us in 2024/25 with a maladministration rate of 58%.
    It recognised the new complaints team structure and asked us to make sure extensions are agreed
    with residents and explained in writing.
  url: https://www.housing-ombudsman.org.uk/landlord-performance/
  determinations: 19
  maladministration_rate: 58
  basis: >-
    The Ombudsman's rate is the share of determined cases with any maladministration finding; our
    table's rate is the share of all findings (a case can have several), so the two rates differ.
""",
    )
    write_annual_inputs(ws, GOVERNANCE_TEXTS["housing21"])


# ============================================================================================
# 2. Small specialist landlord: HomeMaster XLSX report, quarterly committee, heat addendum
# ============================================================================================

SS_SCHEMES = [
    "Abbey Mews",
    "Beacon House",
    "Bridge Court",
    "Chantry Close",
    "Linden Lodge",
    "Priory Gardens",
]
SS_EXTRA = ["Harbour View (Extra Care)", "St Hilda's Court (Extra Care)"]
SS_ADDENDUM = dt.date(2026, 3, 8)
SS_CATEGORIES = [
    Category("Repairs", "repairs", "repairs", 30, 1.25),
    Category("Damp & Mould", "repairs", "damp", 8, 1.5),
    Category("Communal Heating / Hot Water", "heat_network", "heat", 8, 1.8),
    Category("Staff Attitude", "housing", "staff", 9),
    Category("Communication", "housing", "communication", 12),
    Category("Service Charges", "housing", "charges", 9),
    Category("ASB Case Handling", "asb_handling", "asb_handling", 5),
    Category("Support Services", "other", "care", 7),
    Category("Grounds & Cleaning", "housing", "other", 6, 0.7),
]
SS_TENURE = {
    "lcra": "General Needs Rent",
    "lcho": "Shared Ownership",
    "leaseholder": "Leaseholder",
    "other": "Licence",
    "unknown": "",
}
SS_CHANNEL = {
    "phone": "Telephone",
    "email": "E-mail",
    "letter": "Letter",
    "web": "Website",
    "in_person": "In Person",
    "social_media": "Social Media",
}
SS_OUTCOME = {
    "upheld": "Upheld",
    "partially_upheld": "Partially Upheld",
    "not_upheld": "Not Upheld",
    "withdrawn": "Withdrawn",
    "discontinued": "Legal Proceedings",
    "open": "",
    "not_accepted": "",
}
SS_HEADER = [
    "Case Ref",
    "Case Type",
    "Logged Date",
    "Scheme",
    "Category",
    "Source",
    "Tenancy Type",
    "Anonymous",
    "Vulnerable Customer",
    "Adjustments Requested",
    "Adjustments Provided",
    "Customer Name",
    "Address",
    "Tel",
    "Email",
    "Details",
    "Stage 1 Acknowledged",
    "Stage 1 Officer",
    "Stage 1 Extension Days",
    "Stage 1 Extension Reason",
    "Stage 1 Extension Letter",
    "Stage 1 Response",
    "Stage 1 Outcome",
    "Stage 1 Rejected",
    "Stage 1 Rejection Reason",
    "Stage 1 Compensation Offered",
    "Stage 1 Compensation Paid",
    "Stage 1 Remedy",
    "Stage 2 Requested",
    "Stage 2 Acknowledged",
    "Stage 2 Officer",
    "Stage 2 Extension Days",
    "Stage 2 Extension Reason",
    "Stage 2 Extension Letter",
    "Stage 2 Response",
    "Stage 2 Outcome",
    "Stage 2 Rejected",
    "Stage 2 Rejection Reason",
    "Stage 2 Compensation Offered",
    "Stage 2 Compensation Paid",
    "Stage 2 Remedy",
    "Deadlock Letter",
    "Energy Ombudsman Notified",
    "Energy Ombudsman Referral",
    "Resolved To Satisfaction",
    "Closed",
    "Tenancy Ended",
    "Legal Hold",
]


def ss_row(c: Complaint) -> dict:
    """One HomeMaster row; dates stay dates (written as date cells), "Closed" as a serial number."""
    v = {
        "Case Ref": c.ref,
        "Case Type": "Complaint",
        "Logged Date": c.received,
        "Scheme": c.scheme,
        "Category": c.category.label,
        "Source": SS_CHANNEL[c.channel],
        "Tenancy Type": SS_TENURE[c.tenure],
        "Anonymous": yn(c.anonymous, "Yes", "No"),
        "Vulnerable Customer": yn(c.vulnerability, "Yes", "No"),
        "Adjustments Requested": yn(c.adj_requested, "Yes", "No"),
        "Adjustments Provided": yn(c.adj_made, "Yes", "No"),
        "Customer Name": "" if c.anonymous else c.person.name,
        "Address": "" if c.anonymous else c.person.address,
        "Tel": "" if c.anonymous else c.person.phone,
        "Email": "" if c.anonymous else c.person.email,
        "Details": c.description,
        "Deadlock Letter": c.deadlock,
        "Energy Ombudsman Notified": c.eo_notified,
        "Energy Ombudsman Referral": yn(c.eo_referred, "Yes", "No")
        if c.category.service_area == "heat_network"
        else None,
        "Resolved To Satisfaction": yn(c.satisfied, "Yes", "No"),
        "Closed": excel_serial(c.closed) if c.closed else None,
        "Tenancy Ended": c.tenancy_end,
        "Legal Hold": yn(c.legal_hold, "Yes", "No"),
    }
    for s in c.stages:
        p = f"Stage {s.number} "
        if s.number == 2:
            v["Stage 2 Requested"] = s.received
        v[p + "Acknowledged"] = s.ack
        v[p + "Officer"] = s.handler
        v[p + "Extension Days"] = s.ext_wd or None
        v[p + "Extension Reason"] = s.ext_reason
        v[p + "Extension Letter"] = s.ext_notified
        v[p + "Response"] = s.responded
        v[p + "Outcome"] = SS_OUTCOME[s.outcome]
        v[p + "Rejected"] = yn(s.refused, "Yes", "No")
        v[p + "Rejection Reason"] = s.refusal_reason
        v[p + "Compensation Offered"] = s.comp_offered
        v[p + "Compensation Paid"] = s.comp_paid
        v[p + "Remedy"] = s.remedy
    return v


def write_homemaster_xlsx(ws: Workspace, rel: str, year: str, rows: list[Row], org: str) -> None:
    """A HomeMaster report: title in merged cells (rows 1-3), header on row 5, totals at the bottom."""
    path = ws.path(rel)
    book = xlsxwriter.Workbook(str(path), {"in_memory": True})
    book.set_properties(
        {
            "title": "Complaints Performance Report",
            "author": "HomeMaster",
            "created": dt.datetime(2026, 4, 30, 7, 0),
        }
    )
    sheet = book.add_worksheet("Complaints")
    title = book.add_format({"bold": True, "font_size": 14})
    bold = book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
    date_cell = book.add_format({"num_format": "dd/mm/yyyy"})
    money_cell = book.add_format({"num_format": "£#,##0.00"})
    last_col = len(SS_HEADER) - 1
    first = int(year[:4])
    end = min(dt.date(first + 1, 3, 31), DATA_CUT) if year != "2025-26" else DATA_CUT
    sheet.merge_range(
        0, 0, 0, last_col, "HomeMaster Case Management - Complaints Performance Report", title
    )
    sheet.merge_range(
        1, 0, 1, last_col, f"{org} | Case type: Complaint | Period: 01/04/{first} to {end:%d/%m/%Y}"
    )
    sheet.merge_range(
        2,
        0,
        2,
        last_col,
        "Run by: HMREPORTS | Run date: 30/04/2026 07:00 | Confidential - contains personal data",
    )
    for col, name in enumerate(SS_HEADER):
        sheet.write_string(4, col, name, bold)
    for r, row in enumerate(rows):
        excel_row = 5 + r
        for col, name in enumerate(SS_HEADER):
            value = row.values.get(name)
            if value is None or value == "":
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(
                    excel_row, col, dt.datetime.combine(value, dt.time()), date_cell
                )
            elif isinstance(value, float):
                sheet.write_number(excel_row, col, value, money_cell)
            elif isinstance(value, int):
                sheet.write_number(excel_row, col, value)
            else:
                sheet.write_string(excel_row, col, str(value))
        ws.plant(row.values)
        for rule in row.rules:
            ws.expected.append((rel, excel_row + 1, rule, row.note))
    total_row = 5 + len(rows)
    sheet.write_string(total_row, 0, f"Total cases: {len(rows)}", bold)
    sheet.write_string(total_row, 2, "", bold)
    sheet.set_column(0, last_col, 16)
    book.close()


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


def write_small_config(ws: Workspace, org: str) -> None:
    stage_fields = ""
    for n in (1, 2):
        received = '"Logged Date"' if n == 1 else '"Stage 2 Requested"'
        stage_fields += f"""  {n}:
    received_date: {received}
    acknowledged_date: "Stage {n} Acknowledged"
    extension_wd: "Stage {n} Extension Days"
    extension_reason: "Stage {n} Extension Reason"
    extension_notified_date: "Stage {n} Extension Letter"
    responded_date: "Stage {n} Response"
    outcome:
      column: "Stage {n} Outcome"
      codes:
{label_codes_yaml(SS_OUTCOME, 8)}
      default: open
    refused: "Stage {n} Rejected"
    refusal_reason: "Stage {n} Rejection Reason"
    compensation_offered_gbp: "Stage {n} Compensation Offered"
    compensation_paid_gbp: "Stage {n} Compensation Paid"
    non_financial_remedy: "Stage {n} Remedy"
    handler_ref: "Stage {n} Officer"
"""
    ws.text(
        "mappings/homemaster_complaints.yaml",
        """# HomeMaster Case Management "Complaints Performance Report", one workbook per reporting year.
# Title in merged cells on rows 1-3, header on row 5, a "Total cases" row at the bottom. Most dates
# are date cells; "Closed" comes out as Excel serial numbers; hand-typed dates are text.
files: ["exports/homemaster_complaints_*.xlsx"]
format: xlsx
sheet: "Complaints"
header_row: 5
footer:
  column: "Case Ref"
  pattern: "^Total"
target: complaint
shape: wide
date_formats: ["%Y-%m-%d", "%d/%m/%Y"]
excel_serial_dates: true
columns:
  complaint_id: "Case Ref"
  received_date: "Logged Date"
  category: "Category"
  service_area:
    column: "Category"
    codes:
"""
        + service_area_codes_yaml(SS_CATEGORIES, 6)
        + """
  scheme: "Scheme"
  channel:
    column: "Source"
    codes:
"""
        + label_codes_yaml(SS_CHANNEL, 6)
        + """
  tenure:
    column: "Tenancy Type"
    codes:
"""
        + label_codes_yaml(SS_TENURE, 6)
        + """
    default: unknown
  regime: {value: eng}
  is_tenant_of_owned_stock: {value: true}
  handled_by: {value: landlord}
  anonymous: "Anonymous"
  vulnerability: "Vulnerable Customer"
  adjustment_requested: "Adjustments Requested"
  adjustment_made: "Adjustments Provided"
  heat_network_deadlock_date: "Deadlock Letter"
  energy_ombudsman_notified_date: "Energy Ombudsman Notified"
  energy_ombudsman_referred: "Energy Ombudsman Referral"
  resolved_to_satisfaction: "Resolved To Satisfaction"
  closed_date: "Closed"
  tenancy_end_date: "Tenancy Ended"
  legal_hold: "Legal Hold"
stages:
"""
        + stage_fields
        + """# Unmapped on purpose (personal data): Customer Name, Address, Tel, Email, Details.
""",
    )
    ws.text(
        "mappings/remedy_payments.yaml",
        """# Goodwill and compensation paid without a complaint (policy s7.5, heat addendum s3).
# Saved from the finance module as cp1252 (Windows) with pound signs in the amounts.
# Unmapped on purpose: Payee (a name).
files: ["exports/homemaster_payments.csv"]
format: csv
encoding: auto
delimiter: ","
header_row: 1
target: remedy_payment
date_formats: ["%d/%m/%Y"]
columns:
  payment_ref: "Payment Ref"
  paid_date: "Date Paid"
  amount_gbp: "Amount"
  kind:
    column: "Payment Type"
    codes: {"Goodwill": goodwill, "Compensation": compensation}
  service_area:
    column: "Reason"
    codes:
      "Loss of heating": heat_network
      "Loss of hot water": heat_network
      "Heat billing error": heat_network
      "Poor communication during outage": heat_network
      "Repair delay": repairs
      "Decant expenses": repairs
""",
    )
    write_landlord_yaml(
        ws,
        f"""
# {org}: a small specialist landlord for older and vulnerable people (< 1,000 homes; policy 002).
landlord_id: small_specialist
name: {org}
rsh_registration: null
regimes: [eng]
business_streams:
  General Needs and Sheltered: [{", ".join(SS_SCHEMES)}]
  Extra Care: ["{SS_EXTRA[0]}", "{SS_EXTRA[1]}"]
stock:
  - {{year_end: 2024-03-31, stock_type: lcra, country: eng, units_owned: 648}}
  - {{year_end: 2024-03-31, stock_type: lcho, country: eng, units_owned: 46}}
  - {{year_end: 2025-03-31, stock_type: lcra, country: eng, units_owned: 652}}
  - {{year_end: 2025-03-31, stock_type: lcho, country: eng, units_owned: 48}}
  - {{year_end: 2026-03-31, stock_type: lcra, country: eng, units_owned: 655}}
  - {{year_end: 2026-03-31, stock_type: lcho, country: eng, units_owned: 48}}
policy_versions:
  # Complaint Policy of 7 March 2024 (seed 002), applied from the start of the data. Extensions
  # "will not normally exceed a further 10 [20] working days without good reason" (s7.2): a cap
  # unless extenuating circumstances. The policy sets no time limit for asking for stage 2, so no
  # escalation is late (none is refused for being late).
  - effective_from: 2023-04-01
    source: "Complaint Policy, 7 March 2024 (seed 002)"
    timescales:
      eng:
        stage_1: {{acknowledge_wd: 5, respond_wd: 10, extension_wd: 10, extension_cap_unless_extenuating: true, clock_starts: acknowledgement}}
        stage_2: {{acknowledge_wd: 5, respond_wd: 20, extension_wd: 20, extension_cap_unless_extenuating: true, clock_starts: acknowledgement}}
    escalation_window: null
    anonymous_accepted: false   # s6.0: anonymous complaints are excluded
    outside_tsm_service_areas: []
  # Heat Network Complaints & Service Continuity Addendum, added 8 March 2026.
  - effective_from: 2026-03-08
    source: "Complaint Policy with the Heat Network Addendum (8 March 2026)"
    timescales:
      eng:
        stage_1: {{acknowledge_wd: 5, respond_wd: 10, extension_wd: 10, extension_cap_unless_extenuating: true, clock_starts: acknowledgement}}
        stage_2: {{acknowledge_wd: 5, respond_wd: 20, extension_wd: 20, extension_cap_unless_extenuating: true, clock_starts: acknowledgement}}
    escalation_window: null
    anonymous_accepted: false
    outside_tsm_service_areas: []
    heat_network_rules_from: 2026-03-08
    heat_network_limit_days: 56
tsm_summary_of_approach: >-
  Census survey of all tenants and shared owners each October and November by post, online and
  telephone, carried out in house with an independent check of the coding. Results are unweighted.
  As a landlord with fewer than 1,000 homes we publish our TSMs but do not submit them to the
  Regulator.
tp09_population: {{lcra: 655, lcho: 48}}
data_cut_date: {DATA_CUT.isoformat()}
complainant_survey: none
retention: {{rule: closure_plus_years, years: 6}}
schedules:
  monthly_refresh_day: 5
  committee: quarterly          # Audit and Compliance Sub-committee (s3.1)
  committee_day_after_period: 20
  annual_report_date: "09-30"
  returns_date: "06-30"
thresholds:
  # s11: the KPIs the Board and the Sub-committee want, with the targets they set.
  targets:
    - {{measure: ack_in_time_1, target: 95, amber: 90}}
    - {{measure: response_in_time_1, view: regulator, target: 90, amber: 80}}
    - {{measure: resolved_stage1, target: 80, amber: 70}}
    - {{measure: chfo_issued, target: 0, amber: 0, better: lower}}
complaints_contact:   # contact details invented for the example
  phone: "0306 999 0202"
  email: complaints@hollybank.example
  in_person: your scheme or extra care manager
""",
    )
    ws.text(
        "ombudsman/publications.yaml",
        """# Housing Ombudsman publications about us.
- kind: annual_performance_letter
  published_date: 2025-10-22
  reporting_year: "2024/25"
  summary: >-
    The Ombudsman's annual letter recorded two enquiries and one determination about us in 2024/25,
    with one finding of service failure on repairs. It reminded landlords of our size to publish
    their self-assessment and annual complaints report on their website.
  url: https://www.housing-ombudsman.org.uk/landlord-performance/
  determinations: 1
  maladministration_rate: 0
""",
    )
    write_annual_inputs(ws, GOVERNANCE_TEXTS["small_specialist"])


SURVEY_QUESTIONS = ("timeliness", "fairness", "outcome")


def complainant_survey_rows(
    rng,
    complaints,
    cols,
    pattern,
    every: bool,
    return_rate: float,
    reply_days: tuple[int, int],
    missed: tuple[random.Random, float] | None = None,
) -> list[Row]:
    """Transactional complaint surveys: to every complainant (seed 004) or a monthly sample.

    ``return_rate`` and ``reply_days`` (the range of days between sending and the reply) are each
    landlord's own survey response pattern. ``missed`` (a stream of its own and a share) leaves out
    surveys that were never sent, as happens even where every complainant should get one.
    """
    rows = []
    for c in complaints:
        if c.closed is None or c.anonymous or (not every and rng.random() > 0.35):
            continue
        sent = (
            c.closed + dt.timedelta(days=rng.randint(1, 4))
            if every
            else add_months(c.closed.replace(day=1), 1).replace(day=5)
        )
        if sent > DATA_CUT:
            continue
        returned = (
            sent + dt.timedelta(days=rng.randint(*reply_days))
            if rng.random() < return_rate
            else None
        )
        if returned and returned > DATA_CUT:
            returned = None
        answers = [survey_answer(rng, c, q) if returned else "" for q in SURVEY_QUESTIONS]
        if missed is not None and missed[0].random() < missed[1]:
            continue
        rows.append(
            Row(
                {
                    cols["ref"]: c.ref,
                    cols["sent"]: fmt(sent, pattern),
                    cols["returned"]: fmt(returned, pattern),
                    cols["t"]: answers[0],
                    cols["f"]: answers[1],
                    cols["o"]: answers[2],
                }
            )
        )
    return rows


def complainant_survey_mapping(
    ws: Workspace, rel_glob: str, cols: dict, date_formats: str, note: str, delimiter: str = ","
) -> None:
    parts = [
        f"# {note}\n",
        f'files: ["{rel_glob}"]\nformat: csv\nencoding: auto\ndelimiter: "{delimiter}"\nheader_row: 1\n',
        f"target: complainant_survey\ndate_formats: {date_formats}\ncolumns:\n",
        f'  complaint_id: "{cols["ref"]}"\n  sent_date: "{cols["sent"]}"\n  returned_date: "{cols["returned"]}"\n',
    ]
    for field_name, key in (
        ("satisfied_timeliness", "t"),
        ("satisfied_fairness", "f"),
        ("satisfied_outcome", "o"),
    ):
        parts.append(
            f'  {field_name}:\n    column: "{cols[key]}"\n    codes:\n{SCALE_CODES_YAML}\n'
        )
    ws.text("mappings/complainant_survey.yaml", "".join(parts))


# ============================================================================================
# 3. Homes Plus: England and Scotland, long CSV (one row per stage event), managing agent
# ============================================================================================

HP_REGIONS = {
    "eng": ["North West", "Yorkshire", "Midlands", "London and South"],
    "sct": ["Glasgow and West", "Edinburgh and East", "North and Highlands"],
}
HP_AGENT = "Pinnacle Place Management"
HP_CATEGORIES = [
    Category("Repairs", "repairs", "repairs", 30, 1.25),
    Category("Damp and Mould", "repairs", "damp", 9, 1.5),
    Category("Anti-Social Behaviour", "asb_handling", "asb_handling", 7),
    Category("Staff Behaviour", "housing", "staff", 8),
    Category("Communication", "housing", "communication", 12),
    Category("Rent and Service Charges", "housing", "charges", 9),
    Category("Estate Management", "housing", "other", 8, 0.8),
    Category("Care and Support", "care", "care", 5),
    Category("Other", "other", "other", 3),
]
HP_TENURE = {
    "lcra": "Social Rent",
    "lcho": "Shared Ownership",
    "leaseholder": "Leaseholder",
    "other": "Factored Owner",
    "unknown": "Not Known",
}
HP_CHANNEL = {
    "phone": "Phone",
    "email": "Email",
    "letter": "Letter",
    "web": "Web Form",
    "in_person": "In Person",
    "social_media": "Social Media",
}
HP_OUTCOME = {
    "upheld": "Upheld",
    "partially_upheld": "Partially Upheld",
    "not_upheld": "Not Upheld",
    "withdrawn": "Withdrawn",
    "discontinued": "Discontinued",
    "open": "Open",
    "not_accepted": "",
}
HP_HEADER = [
    "Case Number",
    "Stage",
    "Country",
    "Date Received",
    "First Aware Date",
    "Category",
    "Region",
    "Channel",
    "Tenure",
    "Owned Stock",
    "Handled By",
    "Anonymous",
    "Collective",
    "Made By",
    "Permission To Act",
    "Vulnerable",
    "Adjustment Requested",
    "Adjustment Made",
    "Notifiable Event",
    "SHR Notified",
    "Customer Name",
    "Address",
    "Postcode",
    "Email",
    "Phone",
    "Complaint Summary",
    "Acknowledged",
    "Extension (WD)",
    "Extension Reason",
    "Extension Notified",
    "Response Date",
    "Outcome",
    "Refused",
    "Refusal Reason",
    "Compensation Offered",
    "Compensation Paid",
    "Remedy",
    "Handler",
    "Case Closed",
    "Legal Hold",
]
HP_DATE = "%d-%b-%Y"
HP_LAYOUT = LongLayout(
    columns={
        "stage": "Stage",
        "received": "Date Received",
        "ack": "Acknowledged",
        "ext_wd": "Extension (WD)",
        "ext_reason": "Extension Reason",
        "ext_notified": "Extension Notified",
        "responded": "Response Date",
        "outcome": "Outcome",
        "refused": "Refused",
        "refusal_reason": "Refusal Reason",
        "comp_offered": "Compensation Offered",
        "comp_paid": "Compensation Paid",
        "remedy": "Remedy",
        "handler": "Handler",
    },
    date_pattern=HP_DATE,
    yes="Yes",
    no="No",
    outcomes=HP_OUTCOME,
)


def hp_rows(c: Complaint) -> list[dict]:
    common = {
        "Case Number": c.ref,
        "Country": "Scotland" if c.regime == "sct" else "England",
        "First Aware Date": fmt(c.first_known, HP_DATE),
        "Category": c.category.label,
        "Region": c.scheme,
        "Channel": HP_CHANNEL[c.channel],
        "Tenure": HP_TENURE[c.tenure],
        "Owned Stock": yn(c.owned, "Yes", "No"),
        "Handled By": "Homes Plus" if c.handled_by == "landlord" else c.handled_by,
        "Anonymous": yn(c.anonymous, "Yes", "No"),
        "Collective": yn(c.collective, "Yes", "No"),
        "Made By": c.representative or "Customer",
        "Permission To Act": fmt(c.consent, HP_DATE),
        "Vulnerable": yn(c.vulnerability, "Yes", "No"),
        "Adjustment Requested": yn(c.adj_requested, "Yes", "No"),
        "Adjustment Made": yn(c.adj_made, "Yes", "No"),
        "Notifiable Event": yn(c.notifiable, "Yes", "No"),
        "SHR Notified": fmt(c.regulator_notified, HP_DATE),
        "Customer Name": "" if c.anonymous else c.person.name,
        "Address": "" if c.anonymous else c.person.address,
        "Postcode": c.person.postcode,
        "Email": "" if c.anonymous else c.person.email,
        "Phone": "" if c.anonymous else c.person.phone,
        "Complaint Summary": c.description,
        "Case Closed": fmt(c.closed, HP_DATE),
        "Legal Hold": yn(c.legal_hold, "Yes", "No"),
    }
    return long_rows(c, HP_LAYOUT, common)


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


def write_hp_config(ws: Workspace) -> None:
    ws.text(
        "mappings/crm_complaints.yaml",
        f"""# Homes Plus CRM "complaint stage events" report: one row per stage (long). England and Scotland
# are exported separately: the England file is cp1252 (saved from Excel on Windows), the Scotland
# file UTF-8 with a byte-order mark. In Scotland a complaint may start at stage 2 (SPSO model).
files: ["exports/crm_complaints_*.csv"]
format: csv
encoding: auto
delimiter: ","
header_row: 1
target: complaint
shape: long
date_formats: ["{HP_DATE}"]
excel_serial_dates: false
columns:
  stage:
    column: "Stage"
    codes: {{"Stage 1": 1, "Stage 2": 2}}
  complaint_id: "Case Number"
  received_date: "Date Received"       # the stage's date; the complaint's is taken from its lowest stage
  first_known_date: "First Aware Date"
  category: "Category"
  service_area:
    column: "Category"
    codes:
{service_area_codes_yaml(HP_CATEGORIES, 6)}
  scheme: "Region"
  channel:
    column: "Channel"
    codes:
{label_codes_yaml(HP_CHANNEL, 6)}
  tenure:
    column: "Tenure"
    codes:
{label_codes_yaml(HP_TENURE, 6)}
    default: unknown
  regime:
    column: "Country"
    codes: {{"England": eng, "Scotland": sct}}
  is_tenant_of_owned_stock: "Owned Stock"
  handled_by:
    column: "Handled By"
    codes:
      "Homes Plus": landlord
      "{HP_AGENT}": "{HP_AGENT}"
  anonymous: "Anonymous"
  collective: "Collective"
  # s7.2 and s14.2: advocates and representatives act with the customer's permission
  representative: {{column: "Made By", codes: {{"Customer": false}}, other: true, default: false}}
  representative_consent_date: "Permission To Act"
  vulnerability: "Vulnerable"
  adjustment_requested: "Adjustment Requested"
  adjustment_made: "Adjustment Made"
  notifiable_event: "Notifiable Event"
  regulator_notified_date: "SHR Notified"
  closed_date: "Case Closed"
  legal_hold: "Legal Hold"
  acknowledged_date: "Acknowledged"
  extension_wd: "Extension (WD)"
  extension_reason: "Extension Reason"
  extension_notified_date: "Extension Notified"
  responded_date: "Response Date"
  outcome:
    column: "Outcome"
    codes:
{label_codes_yaml(HP_OUTCOME, 6)}
    default: open
  refused: "Refused"
  refusal_reason: "Refusal Reason"
  compensation_offered_gbp: "Compensation Offered"
  compensation_paid_gbp: "Compensation Paid"
  non_financial_remedy: "Remedy"
  handler_ref: "Handler"
# Unmapped on purpose (personal data): Customer Name, Address, Postcode, Email, Phone,
# Complaint Summary.
""",
    )
    scot = {"acknowledge_wd": None, "respond_wd": 5, "extension_wd": 5, "clock_starts": "receipt"}
    del scot
    write_landlord_yaml(
        ws,
        f"""
# Homes Plus: homes in England (Housing Ombudsman Code) and Scotland (SPSO model procedure); policy 003.
landlord_id: homes_plus
name: Homes Plus
rsh_registration: "4812"
regimes: [eng, sct]
business_streams:
  England: [{", ".join(HP_REGIONS["eng"])}]
  Scotland: [{", ".join(HP_REGIONS["sct"])}]
managing_agents: ["{HP_AGENT}"]
stock:
  - {{year_end: 2024-03-31, stock_type: lcra, country: eng, units_owned: 7380}}
  - {{year_end: 2024-03-31, stock_type: lcho, country: eng, units_owned: 610}}
  - {{year_end: 2024-03-31, stock_type: lcra, country: sct, units_owned: 2960}}
  - {{year_end: 2025-03-31, stock_type: lcra, country: eng, units_owned: 7415}}
  - {{year_end: 2025-03-31, stock_type: lcho, country: eng, units_owned: 622}}
  - {{year_end: 2025-03-31, stock_type: lcra, country: sct, units_owned: 2985}}
  - {{year_end: 2026-03-31, stock_type: lcra, country: eng, units_owned: 7440}}
  - {{year_end: 2026-03-31, stock_type: lcho, country: eng, units_owned: 630}}
  - {{year_end: 2026-03-31, stock_type: lcra, country: sct, units_owned: 3010}}
policy_versions:
  - effective_from: 2023-04-01
    source: "Homes Plus Complaints Policy (seed 003), section 9 table and section 10"
    timescales:
      eng:   # Housing Ombudsman Complaint Handling Code: maximum extensions 10 and 20 WD
        stage_1: {{acknowledge_wd: 5, respond_wd: 10, extension_wd: 10, clock_starts: acknowledgement}}
        stage_2: {{acknowledge_wd: 5, respond_wd: 20, extension_wd: 20, clock_starts: acknowledgement}}
      sct:   # SPSO model: stage 1 has no acknowledgement step, 5 WD (+5) from receipt
        stage_1: {{acknowledge_wd: null, respond_wd: 5, extension_wd: 5, clock_starts: receipt}}
        stage_2: {{acknowledge_wd: 3, respond_wd: 20, extension_wd: 10, clock_starts: acknowledgement}}
    # s10.2: within six months of first knowing of the problem, or two months of the stage 1
    # response if that is later.
    escalation_window: {{months_after_stage1_response: 2, months_after_first_known: 6}}
    anonymous_accepted: true      # s15: considered where there is enough information
    # s19: care complaints may go to the Care Inspectorate (Scotland) or the LGSCO (England) but are
    # also handled as ordinary complaints, so they stay in the complaint counts.
    outside_tsm_service_areas: []
tsm_summary_of_approach: >-
  Telephone survey of a random sample of English general needs tenants (LCRA) and shared owners
  (LCHO) by an independent agency each June to August; results are unweighted. Scottish homes are
  surveyed for the Scottish Social Housing Charter and are outside the TSMs.
tp09_population: {{lcra: 7440, lcho: 630}}
data_cut_date: {DATA_CUT.isoformat()}
complainant_survey: monthly_sample
retention: {{rule: closure_plus_years, years: 6}}
schedules:
  monthly_refresh_day: 5
  committee: quarterly
  committee_day_after_period: 10
  learning_summary: quarterly   # s26.5: learning published to customers at least quarterly
  annual_report_date: "06-30"
  returns_date: "05-31"
thresholds:
  targets:
    - {{measure: ack_in_time_1, target: 95, amber: 90}}
    - {{measure: response_in_time_1, view: regulator, target: 95, amber: 90}}
    - {{measure: response_in_time_2, view: regulator, target: 95, amber: 90}}
    - {{measure: resolved_stage1, target: 85, amber: 80}}
    - {{measure: ARC_3_in_time_1, label: "Scotland stage 1 answered within the SPSO timescale (ARC)", view: regulator, target: 90, amber: 85}}
    - {{measure: overdue_1, target: 0, amber: 5, better: lower}}
complaints_contact:   # s8.1 (contact details invented for the example)
  phone: "0306 999 0330"
  email: complaints@homesplus.example
  web: www.homesplus.example/complaints
  in_person: any of our offices, or any member of staff
""",
    )
    ws.text(
        "ombudsman/publications.yaml",
        """# Ombudsman publications about Homes Plus.
- kind: annual_performance_letter
  published_date: 2024-10-16
  reporting_year: "2023/24"
  summary: >-
    The Housing Ombudsman's annual letter recorded 12 determinations about our English homes with a
    maladministration rate of 55%, and asked us to make sure complaints handled by our managing
    agent follow our policy and timescales.
  url: https://www.housing-ombudsman.org.uk/landlord-performance/
  determinations: 12
  maladministration_rate: 55
  basis: >-
    The letter counts the Ombudsman's determinations in its 2023/24 year, including cases our
    managing agent handled and logged outside our tracker until April 2024; our table counts the
    determinations recorded in our tracker.
- kind: annual_performance_letter
  published_date: 2025-10-22
  reporting_year: "2024/25"
  summary: >-
    The letter for 2024/25 noted fewer determinations and faster compliance with orders, and
    highlighted damp and mould as the most common finding.
  url: https://www.housing-ombudsman.org.uk/landlord-performance/
  determinations: 5
""",
    )
    write_annual_inputs(ws, GOVERNANCE_TEXTS["homes_plus"])


# ============================================================================================
# 4. Council housing service: long ';' CSV with ISO dates, routed Stage 3 / petitions rows
# ============================================================================================

CH_CATEGORIES = [
    Category("Repairs - Responsive", "repairs", "repairs", 28, 1.3),
    Category("Repairs - Damp & Mould", "repairs", "damp", 10, 1.5),
    Category("Neighbourhood - ASB", "asb_handling", "asb_handling", 9),
    Category("Staff Conduct", "housing", "staff", 7),
    Category("Communication", "housing", "communication", 11),
    Category("Rents & Charges", "housing", "charges", 8),
    Category("Estates & Caretaking", "housing", "other", 8, 0.8),
    Category("Allocations & Lettings", "housing", "other", 6),
    Category("Heating - Communal Boiler", "heat_network", "heat", 2, 2.0),
]
CH_TENURE = {
    "lcra": "SECURE",
    "lcho": "SHARED OWNER",
    "leaseholder": "LEASEHOLD",
    "other": "LICENSEE",
    "unknown": "",
}
CH_CHANNEL = {
    "phone": "TELEPHONE",
    "email": "EMAIL",
    "letter": "LETTER",
    "web": "ONLINE",
    "in_person": "FACE TO FACE",
    "social_media": "SOCIAL MEDIA",
}
CH_OUTCOME = {
    "upheld": "UPHELD",
    "partially_upheld": "PARTLY UPHELD",
    "not_upheld": "NOT UPHELD",
    "withdrawn": "WITHDRAWN",
    "discontinued": "LEGAL",
    "open": "",
    "not_accepted": "",
}
CH_HEADER = [
    "CaseRef",
    "CaseStage",
    "DateLogged",
    "ComplaintType",
    "ContactMethod",
    "TenureType",
    "Ward",
    "RaisedBy",
    "ConsentChecked",
    "RootCause",
    "Vulnerable",
    "AdjustmentRequested",
    "AdjustmentMade",
    "TenantName",
    "PropertyAddress",
    "Postcode",
    "ContactEmail",
    "ContactPhone",
    "Notes",
    "DateAcknowledged",
    "ExtensionDays",
    "ExtensionReason",
    "ExtensionAgreed",
    "DateResponded",
    "Outcome",
    "NotAccepted",
    "NotAcceptedReason",
    "CompensationOffered",
    "CompensationPaid",
    "Remedy",
    "Officer",
    "DateClosed",
    "LegalHold",
]
CH_WARDS = ["Abbey", "Castle", "Eastfield", "Northgate", "Riverside", "St Marys", "Westbrook"]
ISO = "%Y-%m-%d"
CH_LAYOUT = LongLayout(
    columns={
        "stage": "CaseStage",
        "received": "DateLogged",
        "ack": "DateAcknowledged",
        "ext_wd": "ExtensionDays",
        "ext_reason": "ExtensionReason",
        "ext_notified": "ExtensionAgreed",
        "responded": "DateResponded",
        "outcome": "Outcome",
        "refused": "NotAccepted",
        "refusal_reason": "NotAcceptedReason",
        "comp_offered": "CompensationOffered",
        "comp_paid": "CompensationPaid",
        "remedy": "Remedy",
        "handler": "Officer",
    },
    date_pattern=ISO,
    yes="TRUE",
    no="FALSE",
    outcomes=CH_OUTCOME,
)


def ch_rows(c: Complaint) -> list[dict]:
    common = {
        "CaseRef": c.ref,
        "ComplaintType": c.category.label,
        "ContactMethod": CH_CHANNEL[c.channel],
        "TenureType": CH_TENURE[c.tenure],
        "Ward": c.scheme,
        "RaisedBy": c.representative or "Tenant",
        "ConsentChecked": fmt(c.consent, ISO),
        "RootCause": c.root_cause,
        "Vulnerable": yn(c.vulnerability, "TRUE", "FALSE"),
        "AdjustmentRequested": yn(c.adj_requested, "TRUE", "FALSE"),
        "AdjustmentMade": yn(c.adj_made, "TRUE", "FALSE"),
        "TenantName": c.person.name,
        "PropertyAddress": c.person.address,
        "Postcode": c.person.postcode,
        "ContactEmail": c.person.email,
        "ContactPhone": c.person.phone,
        "Notes": c.description,
        "DateClosed": fmt(c.closed, ISO),
        "LegalHold": yn(c.legal_hold, "TRUE", "FALSE"),
    }
    return long_rows(c, CH_LAYOUT, common)


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
    findings = [
        Row(
            {
                "CaseRef": f["ref"],
                "FindingArea": f["area"],
                "Determination": f["term"],
                "OrdersMade": f["orders"],
                "OrdersComplied": f["complied"],
                "CompensationOrdered": money(float(f["comp"])) if f["comp"] else "",
            }
        )
        for f in finding_rows(rng, cases, {"Housing Ombudsman": HOS_TERMS})
    ]
    ws.csv(
        "ombudsman/findings.csv",
        [
            "CaseRef",
            "FindingArea",
            "Determination",
            "OrdersMade",
            "OrdersComplied",
            "CompensationOrdered",
        ],
        findings,
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
    ws.csv(
        "ombudsman/chfos.csv",
        ["ChfoRef", "Issued", "Reason", "Complied"],
        [
            Row({"ChfoRef": r, "Issued": fmt(d, ISO), "Reason": why, "Complied": fmt(done, ISO)})
            for r, d, why, done in chfos
        ],
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


def write_council_config(ws: Workspace) -> None:
    ws.text(
        "mappings/housing_complaints.yaml",
        f"""# Council housing management system, "Complaints - all stages" report: one row per stage event,
# ';'-separated, ISO dates, one file per financial year (2023-24 UTF-8 with a BOM, 2024-25 cp1252).
# The CaseStage column also carries Housing Ombudsman referrals ("Stage 3"), petitions and
# "did not wish to complain" contacts: they are routed out of the complaint tables.
files: ["exports/housing_complaints_FY*.csv"]
format: csv
encoding: auto
delimiter: ";"
header_row: 1
target: complaint
shape: long
date_formats: ["%Y-%m-%d"]
excel_serial_dates: false
columns:
  stage:
    column: "CaseStage"
    codes: {{"Stage 1": 1, "Stage 2": 2}}
  complaint_id: "CaseRef"
  received_date: "DateLogged"
  category: "ComplaintType"
  service_area:
    column: "ComplaintType"
    codes:
{service_area_codes_yaml(CH_CATEGORIES, 6)}
  scheme: "Ward"
  channel:
    column: "ContactMethod"
    codes:
{label_codes_yaml(CH_CHANNEL, 6)}
  tenure:
    column: "TenureType"
    codes:
{label_codes_yaml(CH_TENURE, 6)}
    default: unknown
  regime: {{value: eng}}
  is_tenant_of_owned_stock: {{value: true}}
  handled_by: {{value: landlord}}
  # s6.2: "we may check with the customer that they are happy for us to discuss their case"
  representative: {{column: "RaisedBy", codes: {{"Tenant": false}}, other: true, default: false}}
  representative_consent_date: "ConsentChecked"
  # s9.2: root causes found at the monthly review of upheld complaints
  root_cause: "RootCause"
  vulnerability: "Vulnerable"
  adjustment_requested: "AdjustmentRequested"
  adjustment_made: "AdjustmentMade"
  closed_date: "DateClosed"
  legal_hold: "LegalHold"
  acknowledged_date: "DateAcknowledged"
  extension_wd: "ExtensionDays"
  extension_reason: "ExtensionReason"
  extension_notified_date: "ExtensionAgreed"
  responded_date: "DateResponded"
  outcome:
    column: "Outcome"
    codes:
{label_codes_yaml(CH_OUTCOME, 6)}
    default: open
  refused: "NotAccepted"
  refusal_reason: "NotAcceptedReason"
  compensation_offered_gbp: "CompensationOffered"
  compensation_paid_gbp: "CompensationPaid"
  non_financial_remedy: "Remedy"
  handler_ref: "Officer"
route:
  column: "CaseStage"
  values:
    "Stage 1": complaint
    "Stage 2": complaint
    "Stage 3 - Housing Ombudsman":
      target: ombudsman_case
      set: {{body: housing_ombudsman}}
      columns:
        case_ref: "CaseRef"
        complaint_id: "CaseRef"
        referral_date: "DateLogged"
        determination_date: "DateClosed"
    "Petition":
      target: non_complaint
      set: {{kind: petition, regime: eng}}
      columns:
        record_ref: "CaseRef"
        record_date: "DateLogged"
        service_area: &council_area
          column: "ComplaintType"
          codes:
{service_area_codes_yaml(CH_CATEGORIES, 12)}
    "Informal - did not wish to complain":
      target: non_complaint
      set: {{kind: did_not_wish_to_complain, regime: eng}}
      columns:
        record_ref: "CaseRef"
        record_date: "DateLogged"
        service_area: *council_area
# Unmapped on purpose (personal data): TenantName, PropertyAddress, Postcode, ContactEmail,
# ContactPhone, Notes.
""",
    )
    ws.text(
        "mappings/ombudsman_findings.yaml",
        f"""# Housing Ombudsman determinations, one row per finding. CaseRef is the council's case
# reference, which is also the case_ref of the routed "Stage 3 - Housing Ombudsman" rows.
files: ["ombudsman/findings.csv"]
format: csv
encoding: auto
delimiter: ";"
header_row: 1
target: ombudsman_finding
columns:
  case_ref: "CaseRef"
  finding_area: "FindingArea"
  outcome:
    column: "Determination"
    codes:
{FINDING_CODES_YAML}
  orders_count: "OrdersMade"
  orders_complied_count: "OrdersComplied"
  compensation_ordered_gbp: "CompensationOrdered"
""",
    )
    ws.text(
        "mappings/chfos.yaml",
        """# Complaint Handling Failure Orders.
files: ["ombudsman/chfos.csv"]
format: csv
encoding: auto
delimiter: ";"
header_row: 1
target: chfo
date_formats: ["%Y-%m-%d"]
columns:
  chfo_ref: "ChfoRef"
  issued_date: "Issued"
  reason: "Reason"
  complied_date: "Complied"
""",
    )
    closures = [
        dt.date(y, 12, d)
        for y in (2023, 2024, 2025)
        for d in (27, 28, 29, 30, 31)
        if dt.date(y, 12, d).weekday() < 5
    ]
    closure_yaml = "\n".join(
        f"  - {{date: {d.isoformat()}, regimes: [eng], reason: Council offices closed}}"
        for d in closures
    )
    write_landlord_yaml(
        ws,
        f"""
# A council's housing service (policy 004): two stages, no extension cap, monthly management review.
landlord_id: council_housing
name: Borough Council Housing Services
rsh_registration: "45UB"
regimes: [eng]
business_streams:
  Wards: [{", ".join(CH_WARDS)}]
stock:
  - {{year_end: 2024-03-31, stock_type: lcra, country: eng, units_owned: 5082}}
  - {{year_end: 2025-03-31, stock_type: lcra, country: eng, units_owned: 5061}}
  - {{year_end: 2026-03-31, stock_type: lcra, country: eng, units_owned: 5040}}
closures:
{closure_yaml}
policy_versions:
  # Complaints Handling Policy CWPO004 (approved 8 January 2025), applied from the start of the
  # data. Stage 1: "tell them how long it will take"; stage 2: "agree an extension": no cap, so the
  # management view accepts any agreed extension (the regulator view still caps at 10 / 20 WD).
  - effective_from: 2023-04-01
    source: "Complaints Handling Policy CWPO004 (seed 004)"
    timescales:
      eng:
        stage_1: {{acknowledge_wd: 5, respond_wd: 10, extension_wd: null, clock_starts: acknowledgement}}
        stage_2: {{acknowledge_wd: 5, respond_wd: 20, extension_wd: null, clock_starts: acknowledgement}}
    escalation_window: {{months_after_stage1_response: 1}}   # "within 1 calendar month"
    anonymous_accepted: true     # the policy does not exclude anonymous complaints
    outside_tsm_service_areas: []
tsm_summary_of_approach: >-
  Postal and online survey of a random sample of council tenants each January to March, carried out
  by the council's research team; results unweighted. Leaseholders are not surveyed for the TSMs.
tp09_population: {{lcra: 5040}}
data_cut_date: {DATA_CUT.isoformat()}
complainant_survey: every_complainant
retention: {{rule: closure_plus_years, years: 6}}
schedules:
  monthly_refresh_day: 3
  committee: monthly          # senior managers meet monthly (s9.2)
  committee_day_after_period: 10
  annual_report_date: "07-31"
  returns_date: "05-31"
thresholds:
  # What the monthly senior managers' meeting tracks (s9.2).
  targets:
    - {{measure: ack_in_time_1, target: 95, amber: 90}}
    - {{measure: response_in_time_1, view: management, target: 90, amber: 80}}
    - {{measure: response_in_time_2, view: management, target: 90, amber: 80}}
    - {{measure: overdue_2, target: 0, amber: 2, better: lower}}
    - {{measure: promised_actions_on_time, target: 90, amber: 75}}
    - {{measure: complainant_survey_response_rate, target: 30, amber: 20}}
complaints_contact:   # s7.4 (contact details invented for the example)
  phone: "0306 999 0404"
  email: housing.complaints@borough-council.example
  web: www.borough-council.example/housing/complaints
  post: Housing Services, Civic Offices (address on our website)
  in_person: any member of staff, or through our social media channels
""",
    )
    ws.text(
        "ombudsman/publications.yaml",
        """# Housing Ombudsman publications about the council's housing service.
- kind: annual_performance_letter
  published_date: 2024-10-16
  reporting_year: "2023/24"
  summary: >-
    The Ombudsman determined 9 cases about the council in 2023/24 and found maladministration in
    most of them, mainly on repairs and complaint handling. Three Complaint Handling Failure Orders
    were issued over two years.
  url: https://www.housing-ombudsman.org.uk/landlord-performance/
  determinations: 9
  basis: >-
    The nine determinations were on cases referred to the Ombudsman before our casework tracker
    began in April 2023; the tracker, and so our table, records no determination in 2023-24.
- kind: code_non_compliance_finding
  published_date: 2025-03-12
  reporting_year: "2024/25"
  summary: >-
    The Ombudsman found that the council's complaint policy did not comply with the Complaint
    Handling Code because it did not set out how long an extension could last or require the
    resident to be given the Ombudsman's details when an extension is made. The council has agreed
    to review the policy at its next annual review.
  url: https://www.housing-ombudsman.org.uk/landlord-performance/
- kind: annual_performance_letter
  published_date: 2025-10-22
  reporting_year: "2024/25"
  summary: >-
    The letter for 2024/25 noted the finding of non-compliance with the Code and fewer Complaint
    Handling Failure Orders than the year before.
  url: https://www.housing-ombudsman.org.uk/landlord-performance/
  determinations: 0
""",
    )
    write_annual_inputs(ws, GOVERNANCE_TEXTS["council_housing"])


# ============================================================================================
# main
# ============================================================================================

BUILDERS = {
    "housing21": build_housing21,
    "small_specialist": build_small_specialist,
    "homes_plus": build_homes_plus,
    "council_housing": build_council,
}


def generate(out: Path) -> None:
    """Write every example workspace under ``out`` (existing generated files are overwritten).

    Parameters
    ----------
    out
        The examples folder, e.g. ``examples/`` or a temporary folder in tests.
    """
    out.mkdir(parents=True, exist_ok=True)
    planted: dict[str, list[str]] = {}
    for name, build in BUILDERS.items():
        ws_h21_rows.clear()
        ws = build(out)
        ws.write_expected()
        planted[name] = sorted(ws.pii)
    (out / "PLANTED_PII.json").write_bytes(
        (json.dumps(planted, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="examples folder to write")
    generate(parser.parse_args().out)


if __name__ == "__main__":
    main()
