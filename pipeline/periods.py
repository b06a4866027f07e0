"""Reporting periods: the 1 April to 31 March reporting year, its quarters and months."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Period:
    """A closed date range with a key such as ``2024-25``, ``2024-25-Q1`` or ``2024-04``."""

    kind: str  # 'year' | 'quarter' | 'month'
    key: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        if self.kind == "year":
            return f"{self.start.year}/{str(self.end.year)[2:]}"
        if self.kind == "quarter":
            year, quarter = self.key.rsplit("-", 1)
            return f"{quarter} {ReportingYear.parse(year).label}"
        return self.start.strftime("%B %Y")


class ReportingYear(Period):
    """The RSH reporting year: 1 April to 31 March; key ``2024-25``."""

    def __init__(self, start_year: int):
        super().__init__(
            "year",
            f"{start_year}-{str(start_year + 1)[2:]}",
            dt.date(start_year, 4, 1),
            dt.date(start_year + 1, 3, 31),
        )

    @classmethod
    def parse(cls, key: str) -> ReportingYear:
        """Parse ``2024-25`` (or ``2024/25`` or ``2024``) into the year starting 1 April 2024."""
        head = key.replace("/", "-").split("-")[0]
        if not head.isdigit() or len(head) != 4:
            raise ValueError(f"reporting year '{key}' is not like 2024-25")
        return cls(int(head))

    @classmethod
    def containing(cls, day: dt.date) -> ReportingYear:
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def previous(self) -> ReportingYear:
        return ReportingYear(self.start.year - 1)

    def quarters(self) -> list[Period]:
        out = []
        for number in range(4):
            start = _add_months(self.start, 3 * number)
            end = _add_months(start, 3) - dt.timedelta(days=1)
            out.append(Period("quarter", f"{self.key}-Q{number + 1}", start, end))
        return out

    def months(self) -> list[Period]:
        out = []
        for number in range(12):
            start = _add_months(self.start, number)
            end = _add_months(start, 1) - dt.timedelta(days=1)
            out.append(Period("month", start.strftime("%Y-%m"), start, end))
        return out


def parse_quarter(key: str) -> Period:
    """Parse ``2024-25-Q1`` into its period."""
    year, quarter = key.rsplit("-", 1)
    return ReportingYear.parse(year).quarters()[int(quarter.lstrip("Qq")) - 1]


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    return day.replace(year=day.year + month_index // 12, month=month_index % 12 + 1)
