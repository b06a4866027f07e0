"""Long exports (one row per complaint stage), as the Homes Plus and council case systems write them."""

from __future__ import annotations

from dataclasses import dataclass

from .simulation import Complaint
from .workspace import fmt, money, yn


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
