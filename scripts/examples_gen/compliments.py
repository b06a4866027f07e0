"""Compliments received, with the personal data a compliments log carries, and their mapping."""

from __future__ import annotations

import datetime as dt

from .dates import DATA_CUT, START
from .people import make_person
from .workspace import Row, Workspace, fmt, relabel


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
