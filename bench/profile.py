"""Where the pipeline's time goes: per SQL statement, per Python function, per query plan operator.

Usage::

    uv run python -m bench.profile --complaints 1000000 [--years 2024-25] [--explain]

Runs the pipeline path of :func:`bench.impls.run_pipeline` once on the generated workspace with

- every ``execute``/``sql`` call on the DuckDB connection timed and attributed to the calling file,
  line and function (a thin connection wrapper; DataFrames the caller passes to DuckDB by name are
  registered so replacement scans still work);
- ``cProfile`` over the whole run (Python time outside SQL shows up here, e.g. readers);
- with ``--explain``: ``EXPLAIN ANALYZE`` of ``sql/staging/stage_timeliness.sql`` on the loaded data,
  its operators sorted by time.

Writes ``bench/results/profile_<n>.txt`` and prints it.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import time
import traceback
from collections import defaultdict
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

from bench.common import reporting_years
from bench.impls import PSEUDONYMISATION_KEY

RESULTS_ROOT = Path(__file__).resolve().parent / "results"


class TimedConnection:
    """Wraps a DuckDB connection and times each statement by its caller."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self.stats: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])

    def __getattr__(self, name):
        return getattr(self._con, name)

    def _run(self, method: str, query, *args, **kwargs):
        caller = sys._getframe(2)
        frame = traceback.extract_stack(caller, limit=1)[0]
        text = " ".join(str(query).split())
        key = f"{Path(frame.filename).name}:{frame.lineno} {frame.name} | {text[:100]}"
        # Replacement scans look at the caller's frame; this wrapper is in between, so register
        # the caller's frames that the statement names.
        registered = []
        for name, obj in caller.f_locals.items():
            if isinstance(obj, pl.DataFrame | pa.Table) and name in text:
                self._con.register(name, obj)
                registered.append(name)
        started = time.perf_counter()
        try:
            return getattr(self._con, method)(query, *args, **kwargs)
        finally:
            entry = self.stats[key]
            entry[0] += 1
            entry[1] += time.perf_counter() - started
            for name in registered:
                self._con.unregister(name)

    def execute(self, query, *args, **kwargs):
        return self._run("execute", query, *args, **kwargs)

    def sql(self, query, *args, **kwargs):
        return self._run("sql", query, *args, **kwargs)

    def executemany(self, query, *args, **kwargs):
        return self._run("executemany", query, *args, **kwargs)


def _explain_stage_timeliness(con: duckdb.DuckDBPyConnection, landlord) -> str:
    """EXPLAIN ANALYZE of the stage_timeliness query, operators by time (top 15)."""
    from pipeline.measures import resolve_data_cut, stage_timeliness
    from pipeline.sql import load_sql

    cut = resolve_data_cut(landlord)
    stage_timeliness(con, landlord, cut)  # builds the calendar and policy temp tables it reads
    output = RESULTS_ROOT / "work" / "profile" / "stage_timeliness_plan.json"
    con.execute("pragma enable_profiling = 'json'")
    con.execute(f"pragma profiling_output = '{output}'")
    con.execute(
        "create or replace temp table _stage_timeliness_profiled as "
        + load_sql("staging/stage_timeliness.sql"),
        {"landlord_id": landlord.landlord_id, "data_cut": cut},
    )
    con.execute("pragma disable_profiling")
    tree = json.loads(output.read_text())
    ops = []

    def walk(node: dict) -> None:
        extra = node.get("extra_info") or {}
        detail = ", ".join(
            f"{k}: {v}" for k, v in extra.items() if k in ("Join Type", "Conditions", "Table",
                                                           "CTE Name", "Groups", "Aggregates")
        )  # fmt: skip
        ops.append((node.get("timing", 0.0), node.get("name"), node.get("intermediate_rows"),
                    " ".join(detail.split())[:160]))  # fmt: skip
        for child in node.get("children", []):
            walk(child)

    for root in tree.get("operator", []):
        walk(root)
    query = tree.get("query", {})
    lines = [
        f"query cpu time {query.get('cpu_time', 0):.2f} s, peak buffer memory "
        f"{tree.get('system', {}).get('peak_buffer_memory', 0) / 2**20:.0f} MB; operators by time:"
    ]
    for timing, name, rows, detail in sorted(ops, key=lambda o: -o[0])[:15]:
        lines.append(f"  {timing:7.2f} s  {name}  rows={rows}  {detail}")
    return "\n".join(lines)


def profile(workspace: Path, years: list[str] | None = None, explain: bool = False) -> str:
    """Profile the pipeline path once; return the report text.

    Parameters
    ----------
    workspace
        A generated benchmark workspace.
    years
        Reporting years to compute (default: all four).
    explain
        Add the EXPLAIN ANALYZE of stage_timeliness.

    Returns
    -------
    str
        The profile as plain text.
    """
    from pipeline.config import load_landlord
    from pipeline.ingest import ingest_workspace
    from pipeline.measures import compute_measures
    from pipeline.periods import ReportingYear
    from pipeline.returns import write_tsm_return

    years = years or reporting_years(workspace)
    work = RESULTS_ROOT / "work" / "profile"
    work.mkdir(parents=True, exist_ok=True)
    db = work / "profile.duckdb"
    db.unlink(missing_ok=True)
    landlord = load_landlord(workspace)
    raw = duckdb.connect(str(db))
    con = TimedConnection(raw)
    phases = {}
    profiler = cProfile.Profile()
    profiler.enable()
    t = time.perf_counter()
    ingest_workspace(con, workspace, landlord, PSEUDONYMISATION_KEY)
    phases["ingest"] = time.perf_counter() - t
    for year in years:
        t = time.perf_counter()
        compute_measures(con, landlord, ReportingYear.parse(year))
        phases[f"measures {year}"] = time.perf_counter() - t
        t = time.perf_counter()
        write_tsm_return(con, landlord, year, work / year)
        phases[f"tsm_return {year}"] = time.perf_counter() - t
    profiler.disable()

    out = [f"Profile of the pipeline path on {workspace}", ""]
    out += [f"{name:24s} {seconds:8.2f} s" for name, seconds in phases.items()]
    sql_total = sum(v[1] for v in con.stats.values())
    out += ["", f"SQL statements (total {sql_total:.2f} s), slowest first:"]
    for key, (count, seconds) in sorted(con.stats.items(), key=lambda kv: -kv[1][1])[:25]:
        out.append(f"{seconds:8.2f} s {count:4d}x  {key}")
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(30)
    out += ["", "Python (cProfile, cumulative, top 30):", buffer.getvalue()]
    if explain:
        out += ["EXPLAIN ANALYZE sql/staging/stage_timeliness.sql:", _explain_stage_timeliness(
            raw, landlord)]  # fmt: skip
    raw.close()
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    from bench.run import _ensure_workspace

    parser = argparse.ArgumentParser(description="Profile the pipeline path (issue 8)")
    parser.add_argument("--complaints", "-n", type=int, default=100_000)
    parser.add_argument("--years", default="", help="comma-separated, default all")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--no-closures", action="store_true")
    args = parser.parse_args(argv)
    ws = _ensure_workspace(args.complaints, args.seed, closures=not args.no_closures)
    years = [y for y in args.years.split(",") if y] or None
    text = profile(ws, years, args.explain)
    RESULTS_ROOT.mkdir(parents=True, exist_ok=True)
    (RESULTS_ROOT / f"profile_{args.complaints}.txt").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
