"""Every measure of design.md section 6, written once to the ``measures`` table.

The measure catalogue (ids, breakdowns, views, units) is ``docs/measures.md``. Each family of measures
is one file in ``sql/measures/``; they all read the staged ``stage_timeliness`` table
(``sql/staging/stage_timeliness.sql``) or a canonical table, and return rows of one shape::

    period_kind, period, measure, breakdown, breakdown_value, view,
    numerator, denominator, value (only where it is not a plain ratio), unit

``sql/measures/_finalise.sql`` then adds the period dates, the values and the rounded display text,
repeats month and quarter rows on the year (breakdowns ``month`` and ``quarter``) and makes sure every
headline measure has a row (``[U]`` when it has no denominator).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import duckdb
import polars as pl

from pipeline.calendar import build_calendar
from pipeline.config import Landlord
from pipeline.measures._catalogue import FAMILIES, HEADLINE_MEASURES
from pipeline.measures._policy import build_policy_tables
from pipeline.periods import ReportingYear
from pipeline.rounding import ROUND_HALF_UP_MACRO
from pipeline.sql import load_sql, rollback, run_sql_file

__all__ = [
    "MEASURES_DDL",
    "compute_measures",
    "data_cut_text",
    "extension_disagreements",
    "resolve_data_cut",
    "stage_timeliness",
]

MEASURES_DDL = """
create table if not exists measures (
    landlord_id varchar not null,
    period_kind varchar not null,
    period varchar not null,
    period_start date not null,
    period_end date not null,
    measure varchar not null,
    breakdown varchar not null,
    breakdown_value varchar not null,
    view varchar not null,
    numerator double,
    denominator double,
    value double,
    display varchar not null,
    unit varchar not null
)
"""

# Rows other steps write into ``measures`` (each with its own delete-and-insert of its prefix):
# ``benchmark_*`` by sector_benchmarks (pipeline.benchmarks.BENCHMARK_PREFIX). This step replaces
# every other row of its periods and never deletes these, so a partial run (``--only returns``)
# leaves what the other steps wrote.
MEASURE_PREFIXES_WRITTEN_ELSEWHERE = ("benchmark_",)

# the family rows of the years being computed
_MEASURE_ROWS_DDL = """
create or replace temp table {table} (
    period_kind varchar,
    period varchar,
    measure varchar,
    breakdown varchar,
    breakdown_value varchar,
    view varchar,
    numerator double,
    denominator double,
    value double,
    unit varchar
)
"""


# stage_timeliness columns no measure reads: the table leaves them out (each column of 1.3M rows
# costs tens of milliseconds to compute and write) and the detail view computes them
VIEW_ONLY_COLUMNS: tuple[str, ...] = (
    "landlord_id",
    "acknowledged_date",
    "is_tenant_of_owned_stock",
    "policy_effective_from",
    "ack_limit_wd",
    "ack_due_idx",
    "clock_from",
    "start_idx",
    "respond_limit_wd",
    "base_idx",
    "reg_extended_idx",
    "mgt_extension_wd",
    "extension_wd_recorded",
    "extended_due_date",
    "extension_from",
    "extension_disagrees",
    "open_at_cut",
    "overdue_at_cut",
    "escalation_window_close",
)


_NARROW = (
    f"select * exclude ({', '.join(VIEW_ONLY_COLUMNS)}) "  # noqa: S608 - constant columns
    "from (\n{staging}\n)"
)


def resolve_data_cut(landlord: Landlord, data_cut: dt.date | None = None) -> dt.date:
    """The data cut: the argument, else landlord.yaml ``data_cut_date``, else today."""
    return data_cut or landlord.data_cut_date or dt.date.today()


def data_cut_text(landlord: Landlord) -> str:
    """The data cut as the documents print it ("30 April 2026"), saying so when it is the run date
    (landlord.yaml sets none; a reader is not told a file name)."""
    if landlord.data_cut_date is not None:
        return f"{landlord.data_cut_date:%-d %B %Y}"
    # The measures step uses the run date when landlord.yaml gives none; say so.
    return f"{dt.date.today():%-d %B %Y} (the run date: no data cut date was configured)"


def stage_timeliness(
    con: duckdb.DuckDBPyConnection, landlord: Landlord, data_cut: dt.date | None = None
) -> duckdb.DuckDBPyRelation:
    """Build the per-stage timeliness table (both views) and return it as a relation.

    Creates the temp tables ``wd_calendar``, ``working_day``, ``policy_version``,
    ``policy_timescale`` and ``stage_timeliness`` and the temp views ``stage_timeliness_full`` and
    ``stage_timeliness_detail`` in ``con`` (see ``docs/measures.md`` for the columns) from the
    canonical ``complaint`` and ``complaint_stage`` tables. The table, which the measures read,
    holds deadlines as working-day indexes only and leaves out :data:`VIEW_ONLY_COLUMNS`; the
    returned view runs the whole staging query (every column, computed when read) and adds the
    deadline dates (``ack_due``, ``clock_start``, ``base_deadline``, ``reg_extended_deadline``,
    ``mgt_extended_deadline``).

    The staging query is the costly part of the measures (seconds at a million stages), so the
    table is reused when it was built in this connection for the same landlord.yaml, data cut and
    loaded data: the ``ingest_file`` ledger (file sha256s and rows loaded) and the landlord's
    complaint and stage row counts. Rows inserted without an ``ingest_file`` entry (tests, one-off
    loads) are not fingerprinted, so the table is then always rebuilt.

    Parameters
    ----------
    con
        Connection to the landlord's DuckDB file (canonical tables present).
    landlord
        The validated landlord.yaml: closures and policy versions.
    data_cut
        Date the exports were taken; default ``landlord.data_cut_date``, else today.

    Returns
    -------
    duckdb.DuckDBPyRelation
        ``stage_timeliness_detail``: one row per complaint stage of the landlord, refused stages
        included (``counted`` false).
    """
    cut = resolve_data_cut(landlord, data_cut)
    # the calendar and policy tables are cheap (milliseconds) and other code reads them, so they
    # are always rebuilt from this landlord.yaml
    build_calendar(con, landlord.closures)
    build_policy_tables(con, landlord)
    fingerprint = _load_fingerprint(con, landlord, cut)
    staging = load_sql("staging/stage_timeliness.sql")
    if fingerprint is None or fingerprint != _built_fingerprint(con):
        with _joins_as_written(con):
            con.execute(
                "create or replace temp table stage_timeliness as "
                + _NARROW.replace("{staging}", staging),
                {"landlord_id": landlord.landlord_id, "data_cut": cut},
            )
        con.execute(
            "create or replace temp table stage_timeliness_source as "
            "select $fingerprint::varchar as fingerprint",
            {"fingerprint": fingerprint},
        )
    # the whole staging query (every column) for the detail view; a view takes no parameters
    con.execute(
        "create or replace temp view stage_timeliness_full as "
        + staging.replace("$landlord_id", _sql_literal(landlord.landlord_id)).replace(
            "$data_cut", f"date '{cut.isoformat()}'"
        )
    )
    con.execute(
        "create or replace temp view stage_timeliness_detail as "
        + load_sql("staging/stage_timeliness_detail.sql")
    )
    return con.view("stage_timeliness_detail")


def extension_disagreements(
    con: duckdb.DuckDBPyConnection, landlord: Landlord, data_cut: dt.date | None = None
) -> int | None:
    """Stages whose recorded ``extension_wd`` and ``extended_due_date`` disagree, for data quality.

    stage_timeliness takes the recorded days (above 0) over the days derived from the extended
    due date, wd(base deadline, extended due date); this counts the stages where the two differ
    (column ``extension_disagrees``). None when no stage records both, so there is nothing to
    compare (a landlord mapping only one of them): the data-quality counts then say nothing.
    Builds the calendar and policy tables, then runs the staging query for that column only.
    """
    both = con.execute(
        "select count(*) from complaint_stage where landlord_id = $landlord_id "
        "and extension_wd > 0 and extended_due_date is not null",
        {"landlord_id": landlord.landlord_id},
    ).fetchone()[0]
    if not both:
        return None
    build_calendar(con, landlord.closures)
    build_policy_tables(con, landlord)
    staging = load_sql("staging/stage_timeliness.sql")
    with _joins_as_written(con):
        return con.execute(
            f"select count(*) from (\n{staging}\n) where extension_disagrees",  # noqa: S608
            {
                "landlord_id": landlord.landlord_id,
                "data_cut": resolve_data_cut(landlord, data_cut),
            },
        ).fetchone()[0]


def _sql_literal(text: str) -> str:
    """``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _load_fingerprint(
    con: duckdb.DuckDBPyConnection, landlord: Landlord, cut: dt.date
) -> str | None:
    """What ``stage_timeliness`` was built from, or None when the load cannot be fingerprinted.

    Ingest replaces a landlord's rows and records every file it read in ``ingest_file`` (sha256,
    rows loaded), so the ledger plus the row counts identifies the canonical load; landlord.yaml
    (closures, policy versions) and the data cut complete the key.
    """
    try:
        files, complaints, stages = con.execute(
            """
            select
                (
                    select string_agg(
                        source_file || ':' || sha256 || ':' || rows_loaded, ','
                        order by source_file, sha256, rows_loaded
                    )
                    from ingest_file where landlord_id = $landlord_id
                ),
                (select count(*) from complaint where landlord_id = $landlord_id),
                (select count(*) from complaint_stage where landlord_id = $landlord_id)
            """,
            {"landlord_id": landlord.landlord_id},
        ).fetchone()
    except duckdb.CatalogException:  # no ingest ledger in this database
        return None
    if files is None:
        return None
    key = "|".join(
        (landlord.model_dump_json(), cut.isoformat(), files, str(complaints), str(stages))
    )
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _built_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint ``stage_timeliness`` was last built with in this connection, if any."""
    try:
        row = con.execute(
            "select fingerprint from temp.main.stage_timeliness_source "
            "where exists (select 1 from duckdb_tables() "
            "where temporary and table_name = 'stage_timeliness')"
        ).fetchone()
    except duckdb.CatalogException:
        return None
    return row[0] if row else None


@contextmanager
def _joins_as_written(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Run the staging joins in the order written: stage rows probe, lookup tables build.

    After the landlord filter and the stage-complaint join DuckDB's estimate of the stage rows
    drops to a few thousand, below the 15,000-row working-day table, so the optimiser builds its
    hash tables on the (wide) stage side; on 1.3M stages that made the query three times slower.
    The setting is restored afterwards.
    """
    previous = con.execute("select current_setting('disabled_optimizers')").fetchone()[0]
    con.execute("set disabled_optimizers = 'join_order,build_side_probe_side'")
    try:
        yield
    finally:
        con.execute("set disabled_optimizers = $previous", {"previous": previous or ""})


def _build_periods(con: duckdb.DuckDBPyConnection, years: Sequence[ReportingYear]) -> None:
    """Temp tables ``measure_period`` (17 periods a year), ``period_month`` and ``period_day``.

    ``period_month`` maps each month of the years to its year, its quarter and itself, so a family
    can count by month once and roll up; ``period_day`` does the same per day.
    """
    periods = [p for year in years for p in (year, *year.quarters(), *year.months())]
    frame = pl.DataFrame(  # noqa: F841 - read by DuckDB's replacement scan
        {
            "period_kind": [p.kind for p in periods],
            "period": [p.key for p in periods],
            "period_start": [p.start for p in periods],
            "period_end": [p.end for p in periods],
        }
    )
    con.execute("create or replace temp table measure_period as select * from frame")
    con.execute(
        """
        create or replace temp table period_month as
        select m.period_start as month, p.period_kind, p.period
        from measure_period as m
        inner join measure_period as p
            on m.period_start between p.period_start and p.period_end
        where m.period_kind = 'month'
        """
    )
    con.execute(
        """
        create or replace temp table period_day as
        select d.day::date as day, p.period_kind, p.period
        from measure_period as y
        cross join range(y.period_start, y.period_end + 1, interval 1 day) as d (day)
        inner join measure_period as p on d.day::date between p.period_start and p.period_end
        where y.period_kind = 'year'
        """
    )


def _build_inputs(
    con: duckdb.DuckDBPyConnection,
    landlord: Landlord,
    years: Sequence[ReportingYear],
    cut: dt.date,
) -> None:
    """Temp tables ``stock_year`` (English units owned at each year's end) and ``tp09_population``.

    One row per year (``year_start``, ``year_end``) and stock type, so CH01 and TP09 join each
    period to its own year's inputs. Stock comes from the canonical ``stock`` table; a year for
    which ingest loaded none for the landlord falls back to landlord.yaml ``stock``. The TP09
    population is landlord.yaml ``tp09_population`` per stock type, default the year's stock.

    ``stock_year_end`` is the year end whose stock is used: the year's own, except for a year
    the data cut falls in whose year end has no stock yet, which uses the previous year end's
    (the latest count there can be; :meth:`pipeline.config.Landlord.stock_year_end_for`). A
    quarterly committee pack in the year cannot wait for a count taken after the year ends; its
    documents say which count the rates divide by (measure ``stock_previous_year_end``).
    """
    yaml_stock = pl.DataFrame(  # noqa: F841 - read by DuckDB's replacement scan
        [row.model_dump() for row in landlord.stock],
        schema={
            "year_end": pl.Date,
            "stock_type": pl.String,
            "country": pl.String,
            "units_owned": pl.Int64,
        },
    )
    population = pl.DataFrame(  # noqa: F841 - read by DuckDB's replacement scan
        {
            "stock_type": list(landlord.tp09_population),
            "population": list(landlord.tp09_population.values()),
        },
        schema={"stock_type": pl.String, "population": pl.Int64},
    )
    year_frame = pl.DataFrame(  # noqa: F841 - read by DuckDB's replacement scan
        {"year_start": [y.start for y in years], "year_end": [y.end for y in years]},
        schema={"year_start": pl.Date, "year_end": pl.Date},
    )
    con.execute(
        """
        create or replace temp table stock_year as
        with canonical as (
            select stock_type, year_end, units_owned
            from stock
            where landlord_id = $landlord_id and country = 'eng'
        ),
        from_yaml as (
            select s.stock_type, s.year_end, s.units_owned
            from yaml_stock as s
            where s.country = 'eng'
                and not exists (
                    select 1 from stock as c
                    where c.landlord_id = $landlord_id and c.year_end = s.year_end
                )
        ),
        counted as (select * from canonical union all select * from from_yaml),
        stock_date as (
            select
                y.year_start,
                y.year_end,
                case
                    when y.year_end in (select year_end from counted) then y.year_end
                    when $cut between y.year_start and y.year_end - 1
                        and (y.year_start - 1) in (select year_end from counted)
                        then (y.year_start - 1)::date
                    else y.year_end
                end as stock_year_end
            from year_frame as y
        ),
        types as (select unnest(['lcra', 'lcho']) as stock_type)
        select
            y.year_start,
            y.year_end,
            y.stock_year_end,
            t.stock_type,
            coalesce(sum(s.units_owned), 0)::bigint as units_owned
        from stock_date as y
        cross join types as t
        left join counted as s
            on s.stock_type = t.stock_type and s.year_end = y.stock_year_end
        group by all
        """,
        {"landlord_id": landlord.landlord_id, "cut": cut},
    )
    con.execute(
        """
        create or replace temp table tp09_population as
        select
            s.year_start,
            s.year_end,
            s.stock_type,
            coalesce(p.population, s.units_owned) as population
        from stock_year as s
        left join population as p on p.stock_type = s.stock_type
        """
    )


def _build_business_streams(con: duckdb.DuckDBPyConnection, landlord: Landlord) -> None:
    """Temp table ``business_stream(scheme, stream)`` from landlord.yaml ``business_streams``."""
    pairs = [
        (scheme, stream)
        for stream, schemes in landlord.business_streams.items()
        for scheme in schemes
    ]
    frame = pl.DataFrame(  # noqa: F841 - read by DuckDB's replacement scan
        pairs, schema={"scheme": pl.String, "stream": pl.String}, orient="row"
    )
    con.execute("create or replace temp table business_stream as select * from frame")


def compute_measures(
    con: duckdb.DuckDBPyConnection,
    landlord: Landlord,
    year: ReportingYear | Sequence[ReportingYear],
    data_cut: dt.date | None = None,
) -> int:
    """Compute every measure for a landlord and reporting year(s) and write it to ``measures``.

    Builds the working-day calendar and ``stage_timeliness`` once, runs the families of
    ``sql/measures/`` for the years, their quarters and their months (those outside YEAR_FAMILIES
    once for all the years, the others per year), and replaces the landlord's rows for each year's
    periods in one transaction per year (reruns are idempotent).

    Parameters
    ----------
    con
        Connection to the landlord's DuckDB file holding the canonical tables
        (``sql/schema/canonical.sql``). ``measures`` is created when missing.
    landlord
        The validated landlord.yaml.
    year
        The reporting year (1 April to 31 March), or several: the staging is shared, so a
        four-year run pays for it once. A later single-year call on the same connection and
        load also reuses it (see :func:`stage_timeliness`).
    data_cut
        Date the exports were taken; default ``landlord.data_cut_date``, else today. Open stages,
        provisional stage 1 resolutions and pending acknowledgements are judged at this date.

    Returns
    -------
    int
        Number of ``measures`` rows written (all years).
    """
    years = [year] if isinstance(year, ReportingYear) else list(year)
    cut = resolve_data_cut(landlord, data_cut)
    con.execute(ROUND_HALF_UP_MACRO)
    con.execute(MEASURES_DDL)
    stage_timeliness(con, landlord, cut)
    catalogue = pl.DataFrame(  # noqa: F841 - read by DuckDB's replacement scan
        HEADLINE_MEASURES, schema=["measure", "view", "unit"], orient="row"
    )
    con.execute("create or replace temp table measure_catalogue as select * from catalogue")
    return _compute_years(con, landlord, list({one.key: one for one in years}.values()), cut)


def _run_families(
    con: duckdb.DuckDBPyConnection, table: str, families: Sequence[str], params: dict
) -> None:
    """Insert the rows of ``families`` into the temp table ``table`` (shaped as measure_rows)."""
    # one statement for all families: DuckDB runs their (small, mostly single-pipeline) queries
    # side by side on the free threads instead of one after the other
    sql = "\nunion all by name\n".join(
        f"(\n{load_sql(f'measures/{family}.sql')}\n)" for family in families
    )
    used = {name: value for name, value in params.items() if f"${name}" in sql}
    con.execute(f"insert into {table} by name {sql}", used or None)


def _compute_years(
    con: duckdb.DuckDBPyConnection,
    landlord: Landlord,
    years: Sequence[ReportingYear],
    cut: dt.date,
) -> int:
    """Write the years' measures; rows written.

    Every family runs once for all the years: each counts by month (or day) and joins the period
    tables, and CH01/CH02 and TP09 join each period to its own year's stock and TP09 population,
    so one pass over the years' date range and all their periods gives each year's rows. The
    cost of a family is mostly fixed (planning and operators, about the same on an empty table as
    on ten thousand stages), so a four-year call pays it once, not four times.
    """
    _build_periods(con, years)
    _build_inputs(con, landlord, years, cut)
    con.execute(_MEASURE_ROWS_DDL.format(table="measure_rows"))
    params = {
        "landlord_id": landlord.landlord_id,
        "year_start": min(year.start for year in years),
        "year_end": max(year.end for year in years),
        "data_cut": cut,
    }
    _run_families(con, "measure_rows", FAMILIES, params)
    if landlord.business_streams:
        _build_business_streams(con, landlord)
        run_sql_file(con, "measures/_business_streams.sql")

    con.execute("begin transaction")
    try:
        con.execute(
            """
            delete from measures
            where landlord_id = $landlord_id
                and period in (select period from measure_period)
                and not list_bool_or([starts_with(measure, p) for p in $elsewhere])
            """,
            {
                "landlord_id": landlord.landlord_id,
                "elsewhere": list(MEASURE_PREFIXES_WRITTEN_ELSEWHERE),
            },
        )
        run_sql_file(con, "measures/_finalise.sql", landlord_id=landlord.landlord_id, data_cut=cut)
        written = con.execute(
            "select count(*) from measures where landlord_id = $landlord_id "
            "and period in (select period from measure_period) "
            "and not list_bool_or([starts_with(measure, p) for p in $elsewhere])",
            {
                "landlord_id": landlord.landlord_id,
                "elsewhere": list(MEASURE_PREFIXES_WRITTEN_ELSEWHERE),
            },
        ).fetchone()[0]
        con.execute("commit")
    except BaseException:
        rollback(con)
        raise
    return int(written)
