"""Service improvements (learning actions) and the complaints they came from, with their mapping."""

from __future__ import annotations

import datetime as dt
import random

from .dates import DATA_CUT
from .simulation import Complaint
from .workspace import Row, Workspace, fmt

# Each change as the action it is (not "we now ..."): an action still open or overdue is listed
# with the rest, so its wording must not say it was done.
LEARNING_THEMES = [
    (
        "Damp and mould",
        "repairs",
        "Inspect within 10 working days of any damp report and revisit after 6 weeks.",
    ),
    (
        "Repairs follow-up",
        "repairs",
        "Text residents when a repair needs a second visit.",
    ),
    (
        "Complaint handling",
        "housing",
        "Have a second officer check each stage 1 response before it is sent.",
    ),
    ("Communication", "housing", "Give a named contact and a direct phone number in every letter."),
    (
        "ASB case management",
        "asb_handling",
        "Agree an action plan with the resident within 5 days of an ASB report.",
    ),
    (
        "Service charges",
        "housing",
        "Add a plain-English breakdown to service charge statements.",
    ),
    (
        "Heating and hot water",
        "heat_network",
        "Hold temporary heaters at every heat-network scheme.",
    ),
    ("Care visits", "care", "Allow travel time between visits in care rotas."),
    (
        "Record keeping",
        "housing",
        "Log every contact about a complaint on the case the same day.",
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
