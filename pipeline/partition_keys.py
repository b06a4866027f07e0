"""The partition keys' values, without Dagster: reporting years, quarters and months.

Kept apart from :mod:`pipeline.partitions` so the command line can check its arguments (and the
parent process of ``complaints run --parallel``) without importing Dagster.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pipeline.periods import ReportingYear

FIRST_REPORTING_YEAR = 2022  # 2022-23: the first TSM year


def reporting_years(first: int = FIRST_REPORTING_YEAR, today: dt.date | None = None) -> list[str]:
    """Reporting-year keys from ``first`` to the year after the one containing ``today``.

    The year after today's is included so a run on the last days of March can target it.
    """
    current = ReportingYear.containing(today or dt.date.today()).start.year
    return [ReportingYear(year).key for year in range(first, max(current + 1, 2026) + 1)]


def quarter_keys(years: Sequence[str]) -> list[str]:
    """Quarter keys ``2024-25-Q1`` .. ``2024-25-Q4`` for each reporting year, in order."""
    return [quarter.key for year in years for quarter in ReportingYear.parse(year).quarters()]


def month_keys(years: Sequence[str]) -> list[str]:
    """Month keys ``2024-04`` .. ``2025-03`` for each reporting year, in order."""
    return [month.key for year in years for month in ReportingYear.parse(year).months()]


REPORTING_YEARS = reporting_years()
