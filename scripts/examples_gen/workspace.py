"""Output helpers: cell formatting, rows, and the ``Workspace`` that writes one workspace's files and
records its planted personal data and expected quarantine rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from .people import PERSONAL_COLUMNS
from .simulation import Category


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


def relabel(rows: list[Row], columns: dict[str, str]) -> list[Row]:
    """The shared generators' rows under one landlord's column names (generator key -> column)."""
    return [Row({column: r.values[key] for key, column in columns.items()}) for r in rows]


def service_area_codes_yaml(categories: list[Category], indent: int) -> str:
    """A mapping's category -> service area codes, from the categories the generator draws from."""
    return "\n".join(f'{" " * indent}"{c.label}": {c.service_area}' for c in categories)


def label_codes_yaml(labels: dict[str, str], indent: int) -> str:
    """A mapping's codes, read back from the labels an export writes (a blank label is no code)."""
    return "\n".join(f'{" " * indent}"{label}": {code}' for code, label in labels.items() if label)


def write_landlord_yaml(ws: Workspace, text: str) -> None:
    ws.text("landlord.yaml", text.lstrip("\n"))
