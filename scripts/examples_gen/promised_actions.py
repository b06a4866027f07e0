"""Actions promised in complaint responses, with their due and completed dates, and their mapping."""

from __future__ import annotations

import datetime as dt
import random

from .dates import DATA_CUT
from .simulation import Complaint
from .workspace import Row, Workspace, fmt


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
