"""compute_measures over several years shares one stage_timeliness; the staging cache is keyed on
landlord.yaml, the data cut and the ingest ledger, and rebuilds when any of them changes."""

import datetime as dt

import duckdb

from pipeline.measures import compute_measures, stage_timeliness
from pipeline.measures.testing import (
    code_landlord,
    create_canonical_schema,
    generate_canonical,
    insert_rows,
)
from pipeline.periods import ReportingYear

YEARS = [ReportingYear.parse(y) for y in ("2024-25", "2025-26")]


def loaded(ledger: bool) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    create_canonical_schema(con)
    generate_canonical(con, complaints=2_000)
    if ledger:
        con.execute(
            "insert into ingest_file values ('test_landlord', 'c.csv', 'm', 'abc', 2000, 2000, 0)"
        )
    return con


def table(con):
    return con.execute("select * from measures order by all").fetchall()


def test_several_years_in_one_call_equal_one_call_per_year():
    one_by_one, together = loaded(False), loaded(False)
    written = sum(compute_measures(one_by_one, code_landlord(), y) for y in YEARS)
    assert compute_measures(together, code_landlord(), YEARS) == written
    assert table(together) == table(one_by_one)
    assert {
        r[0]
        for r in together.execute(
            "select distinct period from measures where period_kind = 'year'"
        ).fetchall()
    } == {"2024-25", "2025-26"}


def with_side_tables(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    # rows of the tables the day-based families read, in each of three years
    D = dt.date
    days = [D(2023, 5, 2), D(2024, 6, 3), D(2025, 7, 1), D(2026, 1, 15)]
    insert_rows(
        con,
        "ombudsman_case",
        [
            {
                "case_ref": f"o{i}",
                "body": "housing_ombudsman",
                "referral_date": d,
                "determination_date": d + dt.timedelta(days=40),
            }
            for i, d in enumerate(days)
        ],
    )
    insert_rows(
        con,
        "remedy_payment",
        [
            {"payment_ref": f"p{i}", "paid_date": d, "amount_gbp": 10 + i, "kind": "goodwill"}
            for i, d in enumerate(days)
        ],
    )
    insert_rows(
        con,
        "learning_action",
        [
            {
                "action_ref": f"a{i}",
                "theme": "repairs",
                "description": "x",
                "raised_date": d,
                "due_date": d + dt.timedelta(days=30),
                "completed_date": d + dt.timedelta(days=20),
            }
            for i, d in enumerate(days)
        ],
    )
    insert_rows(
        con,
        "non_complaint",
        [{"record_ref": f"n{i}", "kind": "petition", "record_date": d} for i, d in enumerate(days)],
    )
    return con


def test_years_out_of_order_with_a_gap_equal_one_call_per_year():
    # the complaints are received in 2024-25, the year between the two asked: none of its rows may
    # reach the other years (families shared across the years read their whole date range)
    years = [ReportingYear.parse(y) for y in ("2025-26", "2023-24", "2025-26")]
    one_by_one, together = with_side_tables(loaded(False)), with_side_tables(loaded(False))
    written = sum(compute_measures(one_by_one, code_landlord(), y) for y in dict.fromkeys(years))
    # a year asked twice is computed (and counted) once
    assert compute_measures(together, code_landlord(), years) == written
    assert table(together) == table(one_by_one)
    assert len(table(together)) > 0
    assert not together.execute(
        "select count(*) from measures where period like '2024-25%' or period = '2024-06'"
    ).fetchone()[0]


def built_at(con):
    # rowid-free marker: the temp table is replaced on a rebuild, so tag it and see if it survives
    con.execute("comment on table stage_timeliness is 'marker'")


def marker(con):
    return con.execute(
        "select comment from duckdb_tables() where table_name = 'stage_timeliness'"
    ).fetchone()[0]


def test_staging_is_reused_for_the_same_load_and_rebuilt_when_it_changes():
    con = loaded(True)
    landlord = code_landlord()
    compute_measures(con, landlord, YEARS[0])
    built_at(con)
    compute_measures(con, landlord, YEARS[1])
    assert marker(con) == "marker"  # same ledger, counts, landlord.yaml and cut: reused
    stage_timeliness(con, landlord, dt.date(2025, 7, 31))
    assert marker(con) != "marker"  # another data cut: rebuilt
    built_at(con)
    con.execute("update ingest_file set sha256 = 'def'")
    compute_measures(con, landlord, YEARS[0])
    assert marker(con) != "marker"  # another load: rebuilt
    built_at(con)
    compute_measures(con, code_landlord(closures=[{"date": dt.date(2024, 12, 27)}]), YEARS[0])
    assert marker(con) != "marker"  # other closures: rebuilt


def test_without_an_ingest_ledger_the_staging_is_always_rebuilt():
    con = loaded(False)
    landlord = code_landlord()
    compute_measures(con, landlord, YEARS[0])
    built_at(con)
    compute_measures(con, landlord, YEARS[0])
    assert marker(con) != "marker"
