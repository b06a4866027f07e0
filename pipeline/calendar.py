"""Working days per regime (England & Wales, Scotland) and deadlines (design.md section 5).

A working day is a weekday that is not a bank holiday of the regime (``holidays.UK(subdiv="ENG")``
or ``"SCT"``: Scotland adds 2 January and St Andrew's Day, and moves the August holiday to the first
Monday; bundled as ``pipeline/reference/bank_holidays.csv`` by ``scripts/update_bank_holidays.py``)
and not a landlord closure day for that regime (landlord.yaml ``closures``).

Two DuckDB tables carry the calendar so the pipeline counts working days set-based, by joins on
one integer key (a join on (regime, date) hashes a string and is ten times slower):

``wd_calendar(regime, regime_no, day, day_key, is_working, wd_index, holiday)``
    one row per regime and day; ``wd_index`` = working days d with ``CALENDAR_START <= d <= day``;
    ``day_key = day_key(regime_no, day)``.
``working_day(regime, regime_no, wd_index, wd_key, day)``
    one row per working day: the k-th working day of a regime, ``wd_key = wd_key(regime_no, k)``.

With them ``wd(a, b) = wd_index[b] - wd_index[a]`` (working days d with a < d <= b) and
``add_wd(a, n)`` = the working day whose index is ``wd_index[a] + n``. The SQL macros
:data:`CALENDAR_MACROS` build the keys. The pure-Python :func:`wd` and :func:`add_wd` apply the same
rule for tests and one-off use.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import duckdb
import polars as pl

from pipeline.config import Closure, Regime

CALENDAR_START = dt.date(2010, 1, 1)
CALENDAR_END = dt.date(2040, 12, 31)
REGIMES: tuple[Regime, ...] = ("eng", "sct")
# The bank holidays of both regimes over the calendar's range (the ``holidays`` package's, written
# by scripts/update_bank_holidays.py): read from a table, since importing the package loads all of
# its countries, about 0.1 s of every process's start-up.
BANK_HOLIDAYS = Path(__file__).resolve().parent / "reference" / "bank_holidays.csv"

# regime_no: 0 = eng, 1 = sct. day_key / wd_key: the integer join keys of wd_calendar / working_day.
# Temporary like the tables they key, so a read-only connection (a report) can build them too.
CALENDAR_MACROS = f"""
create or replace temp macro regime_no(regime) as case regime when 'eng' then 0 when 'sct' then 1 end;
create or replace temp macro day_key(regime_no, d) as
    (d - date '{CALENDAR_START.isoformat()}')::integer * 2 + regime_no;
create or replace temp macro wd_key(regime_no, k) as k * 2 + regime_no;
"""


@cache
def bank_holidays(regime: Regime) -> dict[dt.date, str]:
    """Bank holidays of ``regime`` ('eng' = England & Wales, 'sct' = Scotland) over the calendar range.

    Parameters
    ----------
    regime
        'eng' or 'sct'.

    Returns
    -------
    dict
        date -> holiday name, including substitute days (e.g. St Andrew's Day observed).
    """
    with BANK_HOLIDAYS.open(encoding="utf-8", newline="") as table:
        return {
            dt.date.fromisoformat(row["date"]): row["name"]
            for row in csv.DictReader(table)
            if row["regime"] == regime
        }


def closure_days(closures: Iterable[Closure], regime: Regime) -> set[dt.date]:
    """Landlord closure days that apply to ``regime``."""
    return {day for closure in closures if regime in closure.regimes for day in closure.days}


def calendar_frame(closures: Iterable[Closure] = ()) -> pl.DataFrame:
    """The working-day calendar of both regimes as a Polars frame (cached per closure list).

    Parameters
    ----------
    closures
        Landlord closure days (landlord.yaml ``closures``), each with the regimes it applies to.

    Returns
    -------
    polars.DataFrame
        Columns regime, day, is_working, wd_index, holiday (name of the bank holiday or closure).
    """
    return _calendar_frame(tuple((d, tuple(c.regimes)) for c in closures for d in c.days))


@cache
def _calendar_frame(closures: tuple[tuple[dt.date, tuple[str, ...]], ...]) -> pl.DataFrame:
    frames = []
    for regime in REGIMES:
        names = dict(bank_holidays(regime))
        for day, regimes in closures:
            if regime in regimes:
                names.setdefault(day, "Landlord closure")
        non_working = pl.DataFrame(
            {"day": list(names), "holiday": list(names.values())},
            schema={"day": pl.Date, "holiday": pl.String},
        )
        frames.append(
            pl.DataFrame({"day": pl.date_range(CALENDAR_START, CALENDAR_END, "1d", eager=True)})
            .join(non_working, on="day", how="left")
            .with_columns(
                regime=pl.lit(regime),
                is_working=(pl.col("day").dt.weekday() <= 5) & pl.col("holiday").is_null(),
            )
            .with_columns(wd_index=pl.col("is_working").cast(pl.Int32).cum_sum())
            .select("regime", "day", "is_working", "wd_index", "holiday")
        )
    return pl.concat(frames)


def build_calendar(con: duckdb.DuckDBPyConnection, closures: Iterable[Closure] = ()) -> None:
    """Create the temp tables ``wd_calendar`` and ``working_day`` and the calendar macros in ``con``.

    Parameters
    ----------
    con
        DuckDB connection; the tables are temporary (this connection only).
    closures
        Landlord closure days (landlord.yaml ``closures``).
    """
    frame = calendar_frame(closures)  # noqa: F841 - read by DuckDB's replacement scan below
    con.execute(CALENDAR_MACROS)
    con.execute(
        """
        create or replace temp table wd_calendar as
        select
            regime,
            regime_no(regime) as regime_no,
            day,
            day_key(regime_no(regime), day) as day_key,
            is_working,
            wd_index,
            holiday
        from frame
        order by day_key
        """
    )
    con.execute(
        """
        create or replace temp table working_day as
        select regime, regime_no, wd_index, wd_key(regime_no, wd_index) as wd_key, day
        from wd_calendar
        where is_working
        order by wd_key
        """
    )


def _non_working_days(regime: Regime, closures: Iterable[Closure]) -> frozenset[dt.date]:
    return frozenset(bank_holidays(regime)) | closure_days(closures, regime)


def is_working_day(day: dt.date, regime: Regime, closures: Iterable[Closure] = ()) -> bool:
    """True when ``day`` is a weekday that is not a bank holiday or closure of ``regime``."""
    return day.weekday() < 5 and day not in _non_working_days(regime, closures)


def wd(a: dt.date, b: dt.date, regime: Regime, closures: Iterable[Closure] = ()) -> int:
    """Working days d with a < d <= b (design.md section 5: day 0 is the date received).

    Negative when b is before a (the count of working days b < d <= a, negated).
    """
    if b < a:
        return -wd(b, a, regime, closures)
    closed = _non_working_days(regime, closures)
    days = (a + dt.timedelta(days=offset) for offset in range(1, (b - a).days + 1))
    return sum(day.weekday() < 5 and day not in closed for day in days)


def add_wd(a: dt.date, n: int, regime: Regime, closures: Iterable[Closure] = ()) -> dt.date:
    """The n-th working day after ``a`` (n >= 1): the deadline ``n`` working days from ``a``.

    ``add_wd(a, 0)`` is ``a`` itself when it is a working day, else the working day before it
    (the same rule as the SQL: the working day whose index equals ``a``'s).
    """
    closed = _non_working_days(regime, closures)

    def working(day: dt.date) -> bool:
        return day.weekday() < 5 and day not in closed

    day, remaining = a, n
    if n == 0:
        while not working(day):
            day -= dt.timedelta(days=1)
        return day
    while remaining > 0:
        day += dt.timedelta(days=1)
        if working(day):
            remaining -= 1
    return day
