"""Deliberately dirty rows: copies of clean rows damaged so that each breaks one quarantine rule."""

from __future__ import annotations

import random

from .simulation import Complaint
from .workspace import Row


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
