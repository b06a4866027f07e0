"""Survey inputs: TSM perception responses (TP09) and transactional complainant surveys, with their
mappings.
"""

from __future__ import annotations

import datetime as dt
import random

from .dates import DATA_CUT, add_months
from .simulation import Complaint, pick
from .workspace import Row, Workspace, fmt

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
    regime: str | None = None,
) -> None:
    """The mapping of a TSM perception export written from ``tp09_rows`` under ``columns``;
    ``regime`` (``eng``) says the file holds one country's homes, for a landlord in both."""
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
        + (f"  regime: {{value: {regime}}}\n" if regime else "")
        + "  made_complaint_12m:\n"
        f'    column: "{columns["made"]}"\n'
        '    codes: {"Yes": "yes", "No": "no"}\n'
        "  answer:\n"
        f'    column: "{columns["answer"]}"\n'
        "    codes:\n" + TP09_CODES_YAML + "\n",
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
