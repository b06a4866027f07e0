"""The data window (first complaint, data cut, reporting years) and working-day calendars."""

from __future__ import annotations

import bisect
import datetime as dt

import holidays

START = dt.date(2023, 4, 1)
DATA_CUT = dt.date(2026, 4, 30)
YEARS = ["2023-24", "2024-25", "2025-26"]
EXCEL_EPOCH = dt.date(1899, 12, 30)


class WorkingDays:
    """Working days of one regime (weekends, bank holidays and landlord closures excluded)."""

    def __init__(self, regime: str, closures: list[dt.date]):
        subdiv = "ENG" if regime == "eng" else "SCT"
        bank = holidays.country_holidays("GB", subdiv=subdiv, years=range(2022, 2029))
        skip = set(closures)
        day, days = dt.date(2022, 1, 1), []
        while day <= dt.date(2028, 12, 31):
            if day.weekday() < 5 and day not in bank and day not in skip:
                days.append(day)
            day += dt.timedelta(days=1)
        self.days = days

    def add(self, day: dt.date, n: int) -> dt.date:
        """The date n working days after ``day`` (day 0 is ``day`` itself, design.md s5)."""
        if n == 0:
            return day  # same-day (an email received at the weekend is acknowledged that day)
        return self.days[bisect.bisect_right(self.days, day) - 1 + n]


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def reporting_year(day: dt.date) -> str:
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{str(start + 1)[2:]}"


def excel_serial(day: dt.date) -> int:
    return (day - EXCEL_EPOCH).days
