"""Read the figures a document shows: the ``measures`` table (aggregates only) and small reference tables.

A figure is computed once, by the measures step, and only displayed here: nothing in the reporting
code counts complaint rows. The annual report reads a few thousand measure rows whatever the number
of complaints, which keeps rendering fast.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import polars as pl

from pipeline.periods import Period
from pipeline.reporting.trace import note_missing

MEASURE_COLUMNS = [
    "landlord_id",
    "period_kind",
    "period",
    "period_start",
    "period_end",
    "measure",
    "breakdown",
    "breakdown_value",
    "view",
    "numerator",
    "denominator",
    "value",
    "display",
    "unit",
]


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether ``name`` is a table or view of the connection (a temporary one included)."""
    # DuckDB's catalogue functions, not information_schema (a view over them): 0.7 ms, not 1.7
    rows = con.execute(
        "select count(*) from (select table_name as name from duckdb_tables() union all "
        "select view_name from duckdb_views() where not internal) where name = ?",
        [name],
    ).fetchall()
    return bool(rows[0][0])


def query_frame(
    con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None
) -> pl.DataFrame:
    """Run ``sql`` and return a Polars frame."""
    return con.sql(sql, params=params or None).pl()


@dataclass
class Measures:
    """The measure rows of one landlord between two dates, with small lookup helpers.

    Attributes
    ----------
    frame
        Rows of the ``measures`` table (see docs/architecture.md), display text possibly suppressed.
    """

    frame: pl.DataFrame

    def __post_init__(self) -> None:
        # A document looks up a few thousand figures. Each measure's rows are indexed by period
        # and breakdown the first time it is asked for, so a lookup is a dictionary access, not
        # Polars filters over the table (about 50,000 of them for one landlord's documents).
        self._by_measure = {
            key[0]: part for key, part in self.frame.partition_by("measure", as_dict=True).items()
        }
        self._index: dict[str, dict[tuple[str, str], list[dict]]] = {}
        self._empty = self.frame.clear()

    def _part_rows(self, measure: str, key: str, breakdown: str) -> list[dict]:
        """The rows of one measure, period and breakdown as dicts, in the frame's order."""
        index = self._index.get(measure)
        if index is None:
            index = self._index[measure] = {}
            part = self._by_measure.get(measure)
            for row in [] if part is None else part.iter_rows(named=True):
                index.setdefault((row["period"], row["breakdown"]), []).append(row)
        return index.get((key, breakdown), [])

    @classmethod
    def load(
        cls, con: duckdb.DuckDBPyConnection, landlord_id: str, start: dt.date, end: dt.date
    ) -> Measures:
        """Measures of ``landlord_id`` whose period lies within ``start`` .. ``end``.

        A period that ended before the landlord's data begins (:func:`data_begins`) is left out:
        its rows count nothing the case system sent, so a document reads "not available" (or
        "the first year with this figure") there, never 0 complaints, £0 or [U] for a year it
        holds no data for. An absent ``measures`` table gives an empty set (every figure then
        reads "not available").
        """
        if not table_exists(con, "measures"):
            return cls(pl.DataFrame(schema=_EMPTY_SCHEMA))
        begins = data_begins(con, landlord_id)
        frame = query_frame(
            con,
            f"select {', '.join(MEASURE_COLUMNS)} from measures "  # noqa: S608 - fixed column list
            "where landlord_id = ? and period_start >= ? and period_end <= ? "
            "and (?::date is null or period_end >= ?::date) "
            "order by measure, period_start, breakdown, breakdown_value",
            [landlord_id, start, end, begins, begins],
        )
        return cls(frame)

    def _select(
        self,
        measure: str,
        period: Period | str,
        breakdown: str,
        view: str | None,
    ) -> list[dict]:
        key = period.key if isinstance(period, Period) else period
        rows = self._part_rows(measure, key, breakdown)
        if view is not None:
            # A row with view 'all' serves every view (the views do not differ for that measure:
            # docs/measures.md "Views"), so asking for the management or regulator figure finds it.
            return [row for row in rows if row["view"] in (view, "all")]
        views = {row["view"] for row in rows}
        if len(views) > 1:
            # Regulator figures first, as the TSM return shows them; the management view is asked
            # for by name where a document shows both.
            preferred = [v for v in ("regulator", "all", "management") if v in views]
            if preferred:
                return [row for row in rows if row["view"] == preferred[0]]
        return rows

    def get(
        self,
        measure: str,
        period: Period | str,
        breakdown: str = "none",
        breakdown_value: str | None = None,
        view: str | None = None,
    ) -> dict | None:
        """One measure row as a dict, or None when the measure has no such row."""
        rows = self._select(measure, period, breakdown, view)
        if breakdown_value is not None:
            rows = [row for row in rows if row["breakdown_value"] == breakdown_value]
        if rows:
            return dict(rows[0])
        key = period.key if isinstance(period, Period) else period
        note_missing(measure, key, breakdown, breakdown_value, view)
        return None

    def breakdown(
        self,
        measure: str,
        period: Period | str,
        breakdown: str,
        view: str | None = None,
    ) -> pl.DataFrame:
        """Every row of ``measure`` split by ``breakdown`` in ``period``."""
        rows = self._select(measure, period, breakdown, view)
        if not rows:
            key = period.key if isinstance(period, Period) else period
            note_missing(measure, key, breakdown, None, view)
            return self._empty
        return pl.from_dicts(rows, schema=self.frame.schema)

    def has(self, measure: str) -> bool:
        return measure in self._by_measure


# The measures that count complaints received: the first month one of them is non-zero is the
# month the landlord's data begins.
_RECEIVED = ("complaints_received", "received_1", "received_2")


def data_begins(con: duckdb.DuckDBPyConnection, landlord_id: str) -> dt.date | None:
    """The first day of the first month with a complaint received in the landlord's measures, or
    None when none has one.

    Read from the ``measures`` table (which keeps its aggregates when the retention job deletes
    old complaints), not from the complaint rows. A year before it (the "last year" of the first
    reporting year, which ``compute_measures`` also fills) has every count 0 and every rate
    [U] because nothing was loaded for it, not because nothing happened.
    """
    if not table_exists(con, "measures"):
        return None
    marks = ", ".join("?" for _ in _RECEIVED)
    rows = con.execute(
        "select min(period_start) from measures where landlord_id = ? and period_kind = 'month' "  # noqa: S608 - placeholders only
        f"and breakdown = 'none' and measure in ({marks}) and value > 0",
        [landlord_id, *_RECEIVED],
    ).fetchall()
    return rows[0][0] if rows else None


_EMPTY_SCHEMA = {
    "landlord_id": pl.String,
    "period_kind": pl.String,
    "period": pl.String,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "measure": pl.String,
    "breakdown": pl.String,
    "breakdown_value": pl.String,
    "view": pl.String,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
    "value": pl.Float64,
    "display": pl.String,
    "unit": pl.String,
}


# Measures whose value is a position at the period end (not a flow), so the latest period's row
# stands for the year to date; and those that cannot be combined from period rows at all.
_SNAPSHOT_PREFIXES = (
    "open_",
    "overdue_",
    "stock_units",
    "TP09_required_precision",
    "ombudsman_orders_outstanding",
    "chfo_outstanding",
    "contact_restrictions_in_force",
    "contact_restrictions_review_overdue",
)
_NOT_COMBINABLE_UNITS = ("flag", "stage", "label", "percentile")


def year_to_date(measures: Measures, periods: list[Period], key: str) -> Measures:
    """Rows for the year to date, combined from the rows of consecutive ``periods`` (quarters/months).

    Combined figures add numerators and denominators (design.md section 6), never average rates:
    counts and money add up; percentages and working-day means are summed numerator over summed
    denominator; per-1,000 rates keep the year-end stock as denominator; a count not known
    (``[U]``) in any of the periods is not known to date. Position-in-time measures
    (open and overdue complaints) take the last period's row. The stage at which most complaints
    were resolved is decided again from the summed resolutions by stage, by the measures step's rule.
    Medians, flags and the like cannot be combined and are left out (the document shows "not
    available"). Returns rows keyed ``key``.
    """
    from pipeline.rounding import display

    keys = [p.key for p in periods]
    rows = measures.frame.filter(pl.col("period").is_in(keys))
    if rows.is_empty():
        return Measures(rows)
    rows = rows.filter(
        ~pl.col("unit").is_in(_NOT_COMBINABLE_UNITS)
        & ~pl.col("measure").str.contains("median|margin_of_error|benchmark_")
    )
    group = ["landlord_id", "measure", "breakdown", "breakdown_value", "view", "unit"]
    snapshot = pl.any_horizontal(
        [pl.col("measure").str.starts_with(prefix) for prefix in _SNAPSHOT_PREFIXES]
    )
    last = (
        rows.filter(snapshot)
        .sort("period_start")
        .group_by(group)
        .agg(pl.col("numerator").last(), pl.col("denominator").last(), pl.col("value").last())
    )
    summed = (
        rows.filter(~snapshot)
        .group_by(group)
        .agg(
            pl.col("numerator").sum(),
            pl.col("denominator").sum(),
            pl.col("denominator").last().alias("last_denominator"),
            pl.col("numerator").null_count().alias("_unknown"),
        )
        .with_columns(
            # A count not known ([U]) in one of the periods is not known to date either: adding
            # nothing for it would show a false figure (0 beside a month's [U]).
            pl.when(pl.col("unit").is_in(["count", "gbp"]) & (pl.col("_unknown") > 0))
            .then(None)
            .otherwise(pl.col("numerator"))
            .alias("numerator"),
            pl.when(pl.col("unit") == "per_1000")
            .then(pl.col("last_denominator"))
            .otherwise(pl.col("denominator"))
            .alias("denominator"),
        )
        .with_columns(
            pl.when(pl.col("unit").is_in(["count", "gbp"]))
            .then(pl.col("numerator"))
            .when(pl.col("denominator") > 0)
            .then(
                pl.col("numerator")
                / pl.col("denominator")
                * pl.when(pl.col("unit") == "per_1000")
                .then(1000.0)
                .when(pl.col("unit") == "percent")
                .then(100.0)
                .otherwise(1.0)
            )
            .otherwise(None)
            .alias("value")
        )
        .drop("last_denominator", "_unknown")
    )
    combined = pl.concat(
        [summed, last.select(summed.columns), _stage_most_resolutions(summed, summed.columns)]
    )
    places = {"count": 0, "gbp": 2, "stage": 0}
    combined = combined.with_columns(
        pl.struct("value", "unit")
        .map_elements(
            lambda r: display(r["value"], places.get(r["unit"], 1)), return_dtype=pl.String
        )
        .alias("display"),
        pl.lit("ytd").alias("period_kind"),
        pl.lit(key).alias("period"),
        pl.lit(periods[0].start).alias("period_start"),
        pl.lit(periods[-1].end).alias("period_end"),
    )
    return Measures(combined.select(MEASURE_COLUMNS))


def _stage_most_resolutions(summed: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """``stage_most_resolutions`` rows from the summed ``resolutions`` by stage.

    The same rule as ``sql/measures/stage_resolution.sql`` (docs/measures.md): the stage with more
    resolutions, stage 1 on a tie, no value when there were none. A stage is not a count, so it is
    never added up across periods; the counts behind it are.
    """
    by_stage = summed.filter(
        (pl.col("measure") == "resolutions") & (pl.col("breakdown") == "stage")
    )
    rows = []
    for (landlord_id, view), part in by_stage.group_by(["landlord_id", "view"]):
        counts = dict(zip(part["breakdown_value"], part["numerator"], strict=True))
        stage_1, stage_2 = counts.get("1") or 0.0, counts.get("2") or 0.0
        rows.append(
            {
                "landlord_id": landlord_id,
                "measure": "stage_most_resolutions",
                "breakdown": "none",
                "breakdown_value": "all",
                "view": view,
                "unit": "stage",
                "numerator": None,
                "denominator": None,
                "value": None if stage_1 + stage_2 == 0 else (2.0 if stage_2 > stage_1 else 1.0),
            }
        )
    return pl.DataFrame(rows, schema=summed.select(columns).schema)
