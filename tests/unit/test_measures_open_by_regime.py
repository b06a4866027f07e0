"""Open and overdue complaints by regime: each country judged against its own timescales (issue 21).

Two stage 1 complaints received Mon 3 Jun 2024 and still open at the data cut, Wed 12 Jun 2024
(pipeline.measures.testing.code_landlord timescales):

- England (Code): acknowledged that day, 10 WD from acknowledgement -> due Mon 17 Jun, not overdue;
- Scotland (SPSO model): 5 WD from receipt -> due Mon 10 Jun, 2 WD overdue (band 1-5).

Judged by the English timescale the Scottish complaint would not be overdue at all.
"""

import datetime as dt

import duckdb
import pytest

from pipeline.measures import compute_measures
from pipeline.measures.testing import code_landlord, create_canonical_schema, insert_rows
from pipeline.periods import ReportingYear

JUN3 = dt.date(2024, 6, 3)
CUT = dt.date(2024, 6, 12)


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    create_canonical_schema(c)
    insert_rows(
        c,
        "complaint",
        [
            {"complaint_id": "e", "received_date": JUN3},
            {"complaint_id": "s", "received_date": JUN3, "regime": "sct"},
        ],
    )
    insert_rows(
        c,
        "complaint_stage",
        [
            {"complaint_id": "e", "stage": 1, "received_date": JUN3, "acknowledged_date": JUN3},
            {"complaint_id": "s", "stage": 1, "received_date": JUN3},
        ],
    )
    compute_measures(c, code_landlord(), ReportingYear.parse("2024-25"), CUT)
    yield c
    c.close()


def rows(con, measure, period, breakdown):
    return dict(
        con.execute(
            "select breakdown_value, numerator from measures "
            "where measure = $m and period = $p and breakdown = $b",
            {"m": measure, "p": period, "b": breakdown},
        ).fetchall()
    )


@pytest.mark.parametrize("period", ["2024-25", "2024-25-Q1", "2024-06"])
def test_open_stages_by_regime_and_band(con, period):
    # 7 WD since received (Mon 3 -> Wed 12 June) for both
    assert rows(con, "open_1", period, "regime") == {"eng": 1, "sct": 1}
    assert rows(con, "open_1", period, "regime|band") == {"eng|6-10": 1, "sct|6-10": 1}
    assert rows(con, "open_1", period, "none") == {"all": 2}


@pytest.mark.parametrize("period", ["2024-25", "2024-25-Q1", "2024-06"])
def test_overdue_against_each_regimes_own_deadline(con, period):
    assert rows(con, "overdue_1", period, "regime") == {"sct": 1}
    assert rows(con, "overdue_1", period, "regime|band") == {"sct|1-5": 1}
    assert rows(con, "overdue_1", period, "none") == {"all": 1}


def test_a_month_without_a_case_in_one_country_still_has_that_countrys_rows(con):
    """April 2024 holds no complaint in either country. Each country's row is there, as the whole
    landlord's is: a count reads 0 and a rate [U] (a zero denominator, design.md section 6).
    Without them a two-country landlord's chart by month read '-' where the one-country chart
    reads [U]. A country a measure never has (England is never overdue here) gets no rows."""
    shown = dict(
        con.execute(
            "select measure || ' ' || breakdown_value, display from measures "
            "where period = '2024-04' and breakdown = 'regime' "
            "and measure in ('open_1', 'ack_in_time_1', 'overdue_1')"
        ).fetchall()
    )
    assert shown == {
        "open_1 eng": "0",
        "open_1 sct": "0",
        "ack_in_time_1 eng": "[U]",
        "overdue_1 sct": "0",
    }
