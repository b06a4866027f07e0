"""Write ``pipeline/reference/bank_holidays.csv``: the bank holidays of England & Wales and of
Scotland over the working-day calendar's range, from the ``holidays`` package.

The pipeline reads the table instead of the package: importing ``holidays`` loads all of its
countries (about 0.1 s of every process's start-up) to give the UK's. Run this after upgrading
``holidays`` (or when the government announces a one-off bank holiday and the package has it);
``tests/unit/test_calendar.py`` fails while the table and the package disagree.

    uv run python scripts/update_bank_holidays.py
"""

from __future__ import annotations

import csv
import io

import holidays

from pipeline.calendar import BANK_HOLIDAYS, CALENDAR_END, CALENDAR_START, REGIMES

SUBDIVISION = {"eng": "ENG", "sct": "SCT"}


def package_bank_holidays() -> list[tuple[str, str, str]]:
    """``(regime, ISO date, name)`` for every bank holiday, substitute days included, sorted."""
    years = range(CALENDAR_START.year, CALENDAR_END.year + 1)
    return sorted(
        (regime, day.isoformat(), name)
        for regime in REGIMES
        for day, name in holidays.UK(subdiv=SUBDIVISION[regime], years=years).items()
    )


def table_text() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["regime", "date", "name"])
    writer.writerows(package_bank_holidays())
    return out.getvalue()


if __name__ == "__main__":
    BANK_HOLIDAYS.write_text(table_text(), encoding="utf-8")
    print(f"written {BANK_HOLIDAYS}")
