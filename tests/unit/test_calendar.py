"""Working days per regime: bank holidays of England & Wales and Scotland, and closures.

Every expected date below was counted by hand on a 2024/2025 calendar (weekdays noted).
Bank holidays used: England 2024 - 1 Jan, 29 Mar, 1 Apr, 6 May, 27 May, 26 Aug, 25-26 Dec;
Scotland 2024 - 1-2 Jan, 29 Mar, 6 May, 27 May, 5 Aug, 2 Dec (St Andrew's Day, Sat 30 Nov,
observed Monday), 25-26 Dec; 2 January 2025 is a Scottish holiday only.
"""

import datetime as dt
import subprocess
import sys

import duckdb
import pytest

from pipeline.calendar import add_wd, bank_holidays, build_calendar, wd
from pipeline.config import Closure

D = dt.date


@pytest.mark.parametrize(
    ("a", "b", "regime", "expected"),
    [
        # Fri 3 May -> Tue 7 May 2024: Sat, Sun, Mon 6 May (early May BH) out; Tue 7 counts
        (D(2024, 5, 3), D(2024, 5, 7), "eng", 1),
        # Thu 28 Mar -> Tue 2 Apr 2024: Good Friday and Easter Monday in England -> Tue 2 only
        (D(2024, 3, 28), D(2024, 4, 2), "eng", 1),
        # ... in Scotland Easter Monday is a working day -> Mon 1, Tue 2
        (D(2024, 3, 28), D(2024, 4, 2), "sct", 2),
        # Fri 2 Aug -> Tue 6 Aug 2024: Scotland's summer holiday is Mon 5 Aug
        (D(2024, 8, 2), D(2024, 8, 6), "eng", 2),
        (D(2024, 8, 2), D(2024, 8, 6), "sct", 1),
        # Fri 23 Aug -> Tue 27 Aug 2024: England's late summer holiday is Mon 26 Aug
        (D(2024, 8, 23), D(2024, 8, 27), "eng", 1),
        (D(2024, 8, 23), D(2024, 8, 27), "sct", 2),
        # Fri 29 Nov -> Tue 3 Dec 2024: St Andrew's Day observed Mon 2 Dec in Scotland only
        (D(2024, 11, 29), D(2024, 12, 3), "sct", 1),
        (D(2024, 11, 29), D(2024, 12, 3), "eng", 2),
        # Tue 31 Dec 2024 -> Fri 3 Jan 2025: 1 Jan both; 2 Jan Scotland only
        (D(2024, 12, 31), D(2025, 1, 3), "eng", 2),
        (D(2024, 12, 31), D(2025, 1, 3), "sct", 1),
        # same day = 0; day 0 is the date received
        (D(2024, 6, 3), D(2024, 6, 3), "eng", 0),
        # Sat 1 Jun -> Sun 2 Jun: no working day
        (D(2024, 6, 1), D(2024, 6, 2), "eng", 0),
    ],
)
def test_wd_counts_working_days_after_a_up_to_b(a, b, regime, expected):
    assert wd(a, b, regime) == expected


@pytest.mark.parametrize(
    ("a", "n", "regime", "expected"),
    [
        # received Sat 1 Jun 2024: Mon 3 (1), Tue 4 (2), Wed 5 (3), Thu 6 (4), Fri 7 (5)
        (D(2024, 6, 1), 5, "eng", D(2024, 6, 7)),
        # received on a bank holiday, Mon 27 May 2024: Tue 28 (1) .. Fri 31 (4), Mon 3 Jun (5)
        (D(2024, 5, 27), 5, "eng", D(2024, 6, 3)),
        # received Mon 5 Aug 2024, a Scottish holiday: Tue 6 (1) .. Fri 9 (4), Mon 12 (5)
        (D(2024, 8, 5), 5, "sct", D(2024, 8, 12)),
        # same date in England: Tue 6 (1) .. Fri 9 (4), Mon 12 (5) as well (5 Aug is day 0)
        (D(2024, 8, 5), 5, "eng", D(2024, 8, 12)),
        # Fri 30 Aug 2024 + 10: Mon 2 Sep (1) .. Fri 6 (5), Mon 9 .. Fri 13 Sep (10)
        (D(2024, 8, 30), 10, "eng", D(2024, 9, 13)),
        # Mon 23 Dec 2024 + 3 in Scotland: Tue 24 (1), [25, 26 hol] Fri 27 (2), [28, 29 wkend]
        # Mon 30 (3)
        (D(2024, 12, 23), 3, "sct", D(2024, 12, 30)),
        # Tue 31 Dec 2024 + 1: England Thu 2 Jan 2025, Scotland Fri 3 Jan 2025
        (D(2024, 12, 31), 1, "eng", D(2025, 1, 2)),
        (D(2024, 12, 31), 1, "sct", D(2025, 1, 3)),
    ],
)
def test_add_wd(a, n, regime, expected):
    assert add_wd(a, n, regime) == expected


def test_closure_day_applies_to_its_regimes_only():
    # Fri 27 Dec 2024 closed in England only. Tue 24 Dec -> Mon 30 Dec: 25, 26 holidays, 27 closed,
    # 28-29 weekend -> only Mon 30 counts in England; Scotland also has Fri 27.
    closures = [Closure(date=D(2024, 12, 27), regimes=["eng"], reason="Christmas closure")]
    assert wd(D(2024, 12, 24), D(2024, 12, 30), "eng", closures) == 1
    assert wd(D(2024, 12, 24), D(2024, 12, 30), "eng") == 2
    assert wd(D(2024, 12, 24), D(2024, 12, 30), "sct", closures) == 2
    assert add_wd(D(2024, 12, 24), 1, "eng", closures) == D(2024, 12, 30)


def test_holiday_sets_differ_by_regime():
    eng, sct = bank_holidays("eng"), bank_holidays("sct")
    assert D(2025, 1, 2) in sct and D(2025, 1, 2) not in eng
    assert D(2024, 12, 2) in sct and D(2024, 12, 2) not in eng  # St Andrew's Day substitute
    assert D(2024, 4, 1) in eng and D(2024, 4, 1) not in sct  # Easter Monday
    assert D(2024, 8, 5) in sct and D(2024, 8, 26) in eng


@pytest.fixture(scope="module")
def calendar_con():
    con = duckdb.connect()
    closures = [Closure(date=D(2024, 12, 27), regimes=["eng"])]
    build_calendar(con, closures)
    yield con, closures
    con.close()


def test_sql_calendar_wd_and_add_wd_match_hand_counts(calendar_con):
    con, _ = calendar_con
    # wd(Fri 29 Nov, Tue 3 Dec 2024) = 1 in Scotland, 2 in England (hand-counted above)
    rows = con.execute(
        """
        select a.regime, b.wd_index - a.wd_index
        from wd_calendar as a
        join wd_calendar as b on b.regime = a.regime and b.day = date '2024-12-03'
        where a.day = date '2024-11-29'
        order by a.regime
        """
    ).fetchall()
    assert rows == [("eng", 2), ("sct", 1)]
    # add_wd(Tue 24 Dec 2024, 1): England Mon 30 Dec (27th closed), Scotland Fri 27 Dec
    rows = con.execute(
        """
        select c.regime, w.day
        from wd_calendar as c
        join working_day as w on w.wd_key = wd_key(c.regime_no, c.wd_index + 1)
        where c.day = date '2024-12-24'
        order by c.regime
        """
    ).fetchall()
    assert rows == [("eng", D(2024, 12, 30)), ("sct", D(2024, 12, 27))]


def test_sql_calendar_agrees_with_python_helpers_over_a_year(calendar_con):
    con, closures = calendar_con
    sql = dict(
        (((regime, day), index))
        for regime, day, index in con.execute(
            "select regime, day, wd_index from wd_calendar "
            "where day between date '2024-04-01' and date '2025-03-31'"
        ).fetchall()
    )
    start = D(2024, 4, 1)
    for regime in ("eng", "sct"):
        for offset in range(0, 365, 7):
            day = start + dt.timedelta(days=offset)
            assert sql[(regime, day)] - sql[(regime, start)] == wd(start, day, regime, closures)


def test_deadlines_can_be_judged_on_ceiling_indexes(calendar_con):
    con, _ = calendar_con
    # stage_timeliness compares a date d with a working-day deadline D on indexes. wd_index of a
    # non-working day is that of the working day before it, so "wd_index(d) <= wd_index(D)" is
    # wrong for a weekend day after a Friday deadline. The ceiling index (wd_index + 1 on a
    # non-working day: the first working day on or after d) is exact: d <= D iff ceil(d) <= idx(D).
    # Checked for every day of 2024-2025 against every working day within 15 days, both regimes.
    mismatches = con.execute(
        """
        select
            count(*) filter (
                where (d.day <= w.day) <> (d.wd_index + (not d.is_working)::int <= w.wd_index)
            ) as ceiling_wrong,
            count(*) filter (where (d.day <= w.day) <> (d.wd_index <= w.wd_index)) as floor_wrong,
            count(*) as pairs
        from wd_calendar as d
        inner join working_day as w
            on w.regime_no = d.regime_no and w.day between d.day - 15 and d.day + 15
        where d.day between date '2024-01-01' and date '2025-12-31'
        """
    ).fetchone()
    assert mismatches[0] == 0
    assert mismatches[1] > 0 and mismatches[2] > 20_000
    # the case named above: Fri 7 Jun 2024 deadline, response Sat 8 Jun is late
    sat, fri = con.execute(
        """
        select
            max(wd_index + (not is_working)::int) filter (where day = date '2024-06-08'),
            max(wd_index) filter (where day = date '2024-06-07')
        from wd_calendar where regime = 'eng'
        """
    ).fetchone()
    assert sat == fri + 1


def test_the_bundled_bank_holidays_are_the_holidays_packages():
    """pipeline/reference/bank_holidays.csv is what scripts/update_bank_holidays.py writes from the
    ``holidays`` package, every date and name of both regimes over the calendar's range: the
    pipeline reads the table (importing the package cost each process about 0.1 s), so an
    upgraded package or a new one-off bank holiday shows here until the table is written again."""
    from pipeline.calendar import BANK_HOLIDAYS
    from scripts.update_bank_holidays import package_bank_holidays, table_text

    assert BANK_HOLIDAYS.read_text(encoding="utf-8") == table_text()
    for regime in ("eng", "sct"):
        expected = {
            D.fromisoformat(day): name for r, day, name in package_bank_holidays() if r == regime
        }
        assert bank_holidays(regime) == expected
    assert len(bank_holidays("eng")) > 250 and D(2027, 12, 27) in bank_holidays("eng")


def test_the_pipeline_reads_working_days_without_importing_the_holidays_package():
    script = "import sys, pipeline.calendar as c; c.bank_holidays('eng'); print('holidays' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
