"""Reporting periods: the 1 April to 31 March reporting year, its quarters and months."""

from __future__ import annotations

import datetime as dt
import re
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
            raise ValueError(f"reporting year {_shown(key)} is not like 2024-25")
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


@dataclass(frozen=True, order=True)
class PeriodToCut(Period):
    """A month or quarter the data cut falls in, seen as far as the data reaches.

    Its measures rows count what happened from its start to the cut and positions at the cut
    (nothing after the cut is loaded), so every heading that names it says where it stops:
    "Q1 2026/27 to 30 April 2026", never the whole quarter's name alone.
    """

    cut: dt.date = dt.date.min

    @property
    def label(self) -> str:
        return f"{Period(self.kind, self.key, self.start, self.end).label} to {self.cut:%-d %B %Y}"


def to_data_cut(period: Period, cut: dt.date) -> Period:
    """``period`` as a :class:`PeriodToCut` when the data cut falls inside it, else unchanged."""
    if period.start <= cut < period.end:
        return PeriodToCut(period.kind, period.key, period.start, period.end, cut)
    return period


def last_day_known(period: Period) -> dt.date:
    """The period's last day, or the data cut for a period the cut falls in."""
    return period.cut if isinstance(period, PeriodToCut) else period.end


def year_to_date_label(period: Period) -> str:
    """The heading of a year-to-date column ending with ``period`` ("Year to date (to 30 April
    2026)" when the data cut falls in it)."""
    if isinstance(period, PeriodToCut):
        return f"Year to date (to {period.cut:%-d %B %Y})"
    return "Year to date"


def parse_quarter(key: str) -> Period:
    """Parse ``2024-25-Q1`` into its period."""
    year, quarter = key.rsplit("-", 1)
    return ReportingYear.parse(year).quarters()[int(quarter.lstrip("Qq")) - 1]


PERIOD_FORMS = "a month like 2026-03, a quarter like 2025-26-Q4 or a reporting year like 2025-26"


def parse_period(key: str) -> Period:
    """A month (``2026-03``), a quarter (``2025-26-Q4``) or a reporting year (``2025-26``).

    ``YYYY-MM`` is a month unless MM is the two digits of the year after YYYY: ``2011-12`` is the
    reporting year 2011/12, as a committee paper would write it, not December 2011.

    Raises
    ------
    ValueError
        A value of none of those forms, a month 13, a quarter Q5, a year like ``2025-27``; the
        message quotes the value and shows the forms accepted.
    """
    text = str(key).strip()
    quarter = re.fullmatch(r"(\d{4})[-/](\d{2})-?[Qq](\d)", text)
    pair = re.fullmatch(r"(\d{4})([-/])(\d{2})", text)
    if quarter:
        start, end, number = (int(g) for g in quarter.groups())
        if end != (start + 1) % 100:
            raise ValueError(f"period {_shown(key)}: {_consecutive(start)}")
        if not 1 <= number <= 4:
            raise ValueError(f"period {_shown(key)}: a reporting year has quarters Q1 to Q4")
        return ReportingYear(start).quarters()[number - 1]
    if pair:
        start, separator, second = int(pair.group(1)), pair.group(2), int(pair.group(3))
        if second == (start + 1) % 100:
            return ReportingYear(start)
        if separator == "-" and 1 <= second <= 12:
            day = dt.date(start, second, 1)
            return next(m for m in ReportingYear.containing(day).months() if m.key == text)
        raise ValueError(
            f"period {_shown(key)} is neither a month (months are 01 to 12) nor a reporting year "
            f"({_consecutive(start)})"
        )
    raise ValueError(f"period {_shown(key)} is not {PERIOD_FORMS}")


def _shown(key: str) -> str:
    # A year is read from people-written files (a board response's carried_from): what was typed
    # there may be a resident's details, never echoed (pipeline.contact_details.shown).
    from pipeline.contact_details import shown

    return shown(key)


def _consecutive(start: int) -> str:
    return (
        "a reporting year runs 1 April to 31 March, so its two years follow each other, "
        f"like {start}-{str(start + 1)[2:]}"
    )


def same_period_last_year(period: Period) -> Period:
    """The month, quarter or reporting year one year before ``period``."""
    if period.kind == "year":
        return ReportingYear(period.start.year - 1)
    year = ReportingYear.containing(period.start)
    siblings = year.quarters() if period.kind == "quarter" else year.months()
    index = [p.key for p in siblings].index(period.key)
    earlier = year.previous
    return (earlier.quarters() if period.kind == "quarter" else earlier.months())[index]


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    return day.replace(year=day.year + month_index // 12, month=month_index % 12 + 1)
