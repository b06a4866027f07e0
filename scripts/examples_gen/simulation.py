"""The complaint simulation shared by the four landlords: the stage and complaint model, each
landlord's ``Profile``, and the seeded draws of a complaint stream from the first day to the data cut.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from .dates import DATA_CUT, START, WorkingDays, add_months, reporting_year
from .people import Person, make_description, make_person


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


def yearly_refs(prefix: str, rng: random.Random, start: int, step: tuple[int, int] = (1, 4)):
    """Sequential case references with gaps (case systems number other events in between)."""
    state = {"n": start}

    def make(day: dt.date) -> str:
        state["n"] += rng.randint(*step)
        return prefix.format(n=state["n"], year=day.year, fy=reporting_year(day)[:4])

    return make
