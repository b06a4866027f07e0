"""The policies' own fields: representatives, anonymous complaints, separate policies, notifiable
events reported to the Regulator, late extensions and root causes.
"""

from __future__ import annotations

import datetime as dt
import random

from .dates import DATA_CUT
from .simulation import Complaint, pick

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
