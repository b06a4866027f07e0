"""compute_measures over several years shares one stage_timeliness; the staging cache is keyed on
landlord.yaml, the data cut and the ingest ledger, and rebuilds when any of them changes."""

import datetime as dt

import duckdb

from pipeline.measures import compute_measures, stage_timeliness
from pipeline.measures.testing import code_landlord, create_canonical_schema, generate_canonical
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
