"""Contact restricted under an unreasonable-behaviour policy: the export and its mapping."""

from __future__ import annotations

import datetime as dt
import random

from .dates import DATA_CUT, add_months
from .simulation import Complaint, pick
from .workspace import Row, Workspace, fmt

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
