"""The implementations the benchmark times, each as ``run(workspace, workdir) -> (result, phases)``.

- ``pipeline``: the product's own code path from raw files to the return files:
  :func:`pipeline.ingest.ingest_workspace` into a fresh DuckDB file, then
  :func:`pipeline.measures.compute_measures` once for the four reporting years and
  :func:`pipeline.returns.write_tsm_return` for each.
- ``duckdb``: :mod:`bench.baseline_duckdb` (the hand-written floor).
- ``pandas``: :mod:`bench.baseline_pandas` (the typical notebook).
- ``report``: :func:`pipeline.reporting.render.render_annual_report` for the latest year, on the
  DuckDB file a ``pipeline`` run left (timed apart from the pipeline path).

``result`` is the table of :mod:`bench.common`; ``phases`` maps phase names to seconds.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import polars as pl

from bench.common import reporting_years

PSEUDONYMISATION_KEY = "benchmark-key"

# The measures table's rows that the baselines also compute (docs/measures.md ids).
_PIPELINE_RESULT_SQL = """
select period as year,
       case when measure like 'ack_in_time_%' then 'ACK_' || right(measure, 1)
            else measure end as measure,
       breakdown_value, numerator, denominator
from measures
where landlord_id = $landlord_id and period_kind = 'year' and period in (select unnest($years))
  and ((breakdown = 'stock_type' and view = 'regulator'
        and measure in ('CH01_1', 'CH01_2', 'CH02_1', 'CH02_2', 'CH02_1_without_ext',
                        'CH02_1_with_ext', 'CH02_2_without_ext', 'CH02_2_with_ext', 'TP09'))
       or (breakdown = 'regime' and measure in ('ack_in_time_1', 'ack_in_time_2')
           and view in ('all', 'regulator')))
"""


def _fresh(workdir: Path) -> Path:
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    return workdir


def pipeline_result(con, landlord_id: str, years: list[str]) -> pl.DataFrame:
    """The benchmark's figures read back from the pipeline's ``measures`` table."""
    return con.sql(_PIPELINE_RESULT_SQL, params={"landlord_id": landlord_id, "years": years}).pl()


def run_pipeline(workspace: Path, workdir: Path) -> tuple[pl.DataFrame, dict[str, float]]:
    """Raw files -> canonical tables -> measures -> tsm_return.csv/.xlsx for every year."""
    import duckdb

    from pipeline.config import load_landlord
    from pipeline.ingest import ingest_workspace
    from pipeline.measures import compute_measures
    from pipeline.periods import ReportingYear
    from pipeline.returns import write_tsm_return

    workdir = _fresh(Path(workdir))
    years = reporting_years(workspace)
    phases = {"ingest": 0.0, "measures": 0.0, "returns": 0.0}
    t = time.perf_counter()
    landlord = load_landlord(workspace)
    con = duckdb.connect(str(workdir / f"{landlord.landlord_id}.duckdb"))
    try:
        summary = ingest_workspace(con, workspace, landlord, PSEUDONYMISATION_KEY)
        if not summary.reconciles:
            raise RuntimeError("pipeline ingest does not reconcile rows in = loaded + quarantined")
        phases["ingest"] = time.perf_counter() - t
        # One call for all the years, as the measures asset does for a year and the one before:
        # the staging and the month-grained families are shared.
        t = time.perf_counter()
        compute_measures(con, landlord, [ReportingYear.parse(year) for year in years])
        phases["measures"] = time.perf_counter() - t
        t = time.perf_counter()
        for year in years:
            write_tsm_return(con, landlord, year, workdir / landlord.landlord_id / year)
        phases["returns"] = time.perf_counter() - t
        result = pipeline_result(con, landlord.landlord_id, years)
    finally:
        con.close()
    return result, phases


def run_report(workspace: Path, workdir: Path, pdf: bool = True) -> tuple[None, dict[str, float]]:
    """Render the annual report (HTML, and PDF unless ``pdf`` is False) from a pipeline run's file.

    ``workdir`` must hold the DuckDB file of a ``pipeline`` run (the harness runs it first).
    """
    import duckdb

    from pipeline.config import load_landlord
    from pipeline.reporting.render import render_annual_report

    landlord = load_landlord(workspace)
    source = Path(workdir) / f"{landlord.landlord_id}.duckdb"
    year = reporting_years(workspace)[-1]
    out = Path(workdir) / "report" / year
    t = time.perf_counter()
    con = duckdb.connect(str(source), read_only=True)
    try:
        render_annual_report(con, landlord, year, out, workspace=workspace, pdf=pdf)
    finally:
        con.close()
    return None, {"render": time.perf_counter() - t}


def run_duckdb(workspace: Path, workdir: Path) -> tuple[pl.DataFrame, dict[str, float]]:
    from bench import baseline_duckdb

    t = time.perf_counter()
    result = baseline_duckdb.run(workspace, _fresh(Path(workdir)))
    return result, {"all": time.perf_counter() - t}


def run_pandas(workspace: Path, workdir: Path) -> tuple[pl.DataFrame, dict[str, float]]:
    from bench import baseline_pandas

    t = time.perf_counter()
    result = baseline_pandas.run(workspace, _fresh(Path(workdir)))
    return result, {"all": time.perf_counter() - t}


IMPLEMENTATIONS = {
    "duckdb": run_duckdb,
    "pipeline": run_pipeline,
    "pandas": run_pandas,
    "report": run_report,
}
