"""Benchmark harness: pipeline vs the DuckDB floor vs a pandas notebook, at sector scale (issue 8).

Usage::

    uv run python -m bench.run --sizes 100000,1000000 --repeat 3

For each size it generates the workspace if missing (``bench/data/bench_<n>``), then runs every
implementation in its own subprocess (``python -m bench.run --worker ...``), which imports once and
runs the work ``--repeat`` times in one process session, each time into a fresh output folder. The
parent reads the child's peak RSS from ``os.wait4`` (its own rusage, so implementations never
contaminate each other's memory figures). Before any timing is reported, the results of the three
implementations are compared figure by figure; a disagreement is printed and the run exits 1.

Printed table (also saved under ``bench/results/``): complaints, input rows, median and min wall
time, complaints per second, peak RSS, and the ratios pipeline / DuckDB floor and pandas / pipeline.
The report rendering (annual report HTML + PDF for the latest year) is timed on its own.
Pandas runs only up to ``--pandas-max`` complaints (default 100 000) and once per size
(``--pandas-repeat``); above that its time is extrapolated linearly from the largest size it ran
and marked ``(extrapolated)``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

from bench.common import compare

BENCH_ROOT = Path(__file__).resolve().parent
RESULTS_ROOT = BENCH_ROOT / "results"
DATA_ROOT = BENCH_ROOT / "data"


def _worker(impl: str, workspace: Path, workdir: Path, repeat: int, out: Path, pdf: bool) -> None:
    """Child process: run one implementation ``repeat`` times, write timings and its result."""
    import resource

    from bench.impls import IMPLEMENTATIONS

    t0 = time.perf_counter()
    fn = IMPLEMENTATIONS[impl]
    if impl == "pipeline":
        import pipeline.ingest  # noqa: F401  (import cost reported apart, not in the timed runs)
        import pipeline.measures  # noqa: F401
        import pipeline.returns  # noqa: F401
    if impl == "report":
        import pipeline.reporting.render  # noqa: F401
    imported = time.perf_counter() - t0
    runs = []
    result = None
    for _ in range(repeat):
        t, cpu = time.perf_counter(), time.process_time()
        if impl == "report":
            result, phases = fn(workspace, workdir, pdf=pdf)
        else:
            result, phases = fn(workspace, workdir)
        # CPU seconds of every thread of this process (DuckDB's included, Chromium's not): far
        # less sensitive than wall time to other load on the machine.
        runs.append(
            {"wall": time.perf_counter() - t, "cpu": time.process_time() - cpu, "phases": phases}
        )
    if result is not None:
        result.write_csv(out.with_suffix(".csv"))
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.write_text(json.dumps({"import": imported, "runs": runs, "self_peak_kb": peak_kb}))


def _spawn(impl: str, workspace: Path, workdir: Path, repeat: int, out: Path, pdf: bool) -> dict:
    """Run a worker subprocess; return its JSON plus its own peak RSS (``os.wait4``)."""
    cmd = [sys.executable, "-m", "bench.run", "--worker", impl, str(workspace), str(workdir),
           str(repeat), str(out)]  # fmt: skip
    if not pdf:
        cmd.append("--no-pdf")
    proc = subprocess.Popen(cmd, cwd=BENCH_ROOT.parent)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{impl} worker failed with exit code {proc.returncode}")
    data = json.loads(out.read_text())
    data["peak_rss_mb"] = usage.ru_maxrss / 1024  # Linux: kilobytes
    result = out.with_suffix(".csv")
    data["result"] = pl.read_csv(result) if result.exists() else None
    return data


def _reuse(out: Path) -> dict:
    """A worker's saved JSON and result, as :func:`_spawn` returns them (peak RSS from the child)."""
    data = json.loads(out.read_text())
    data["peak_rss_mb"] = data["self_peak_kb"] / 1024
    result = out.with_suffix(".csv")
    data["result"] = pl.read_csv(result) if result.exists() else None
    return data


def _input_rows(workspace: Path) -> int:
    """Data rows across the complaint exports (header, title and totals rows excluded)."""
    total = 0
    for path in (workspace / "exports").glob("*.csv"):
        with path.open("rb") as handle:
            total += sum(1 for _ in handle) - 1
    xlsx = workspace / "exports" / "homemaster_report.xlsx"
    if xlsx.exists():
        import fastexcel

        total += fastexcel.read_excel(xlsx).load_sheet(0, header_row=3).height - 1
    return total


def _ensure_workspace(n: int, seed: int, closures: bool = True) -> Path:
    from bench.generate import generate_workspace

    ws = DATA_ROOT / f"bench_{n}"
    stamp = ws / ".generated"
    wanted = f"{n} {seed} closures={closures}"
    if not stamp.exists() or stamp.read_text() != wanted:
        t = time.perf_counter()
        generate_workspace(n, DATA_ROOT, seed, closures=closures)
        stamp.write_text(wanted)
        print(f"generated {ws} in {time.perf_counter() - t:.1f} s", flush=True)
    return ws


def _fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds:.2f}" if seconds < 100 else f"{seconds:.0f}"


def run_benchmark(
    sizes: list[int],
    repeat: int | list[int] = 3,
    pandas_max: int = 100_000,
    pandas_repeat: int = 1,
    seed: int = 8,
    pdf: bool = True,
    implementations: tuple[str, ...] = ("duckdb", "pipeline", "report", "pandas"),
    closures: bool = True,
    report_sizes: list[int] | None = None,
    reuse_pandas: bool = False,
) -> dict:
    """Run every implementation at every size; check agreement; return the measurements.

    Parameters
    ----------
    sizes
        Numbers of complaints, e.g. ``[100_000, 1_000_000]``.
    repeat
        Runs per implementation and size, in one process (the median is reported); a list
        gives one number per size.
    pandas_max, pandas_repeat
        Largest size pandas runs at, and its number of runs (it is slow).
    seed
        Generator seed.
    pdf
        Time the annual report with its PDF (True) or HTML only.
    implementations
        Which to run.
    closures
        Generate landlord.yaml with office closure days (the default, as landlords have them).
    reuse_pandas
        Take pandas' timings from the last run on the same generated workspace when there is one
        (it is slow); the table says so.
    report_sizes
        Sizes at which the report rendering is timed (default: the largest). It reads only the
        measures table, whose size hardly depends on the number of complaints.

    Returns
    -------
    dict
        ``{"machine": ..., "sizes": {n: {impl: {...}}}, "agreement": {n: [...problems]}}``.
    """
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    scratch = RESULTS_ROOT / "work"
    report: dict = {
        "started": stamp,
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_average_start": os.getloadavg(),
        },
        "closures": closures,
        "sizes": {},
        "agreement": {},
    }
    repeats = repeat if isinstance(repeat, list) else [repeat] * len(sizes)
    for n, size_repeat in zip(sizes, repeats, strict=True):
        ws = _ensure_workspace(n, seed, closures)
        entry = {"complaints": n, "input_rows": _input_rows(ws)}
        for impl in implementations:
            if impl == "pandas" and n > pandas_max:
                continue
            if impl == "report" and n not in (report_sizes or [max(sizes)]):
                continue
            reps = pandas_repeat if impl == "pandas" else size_repeat
            workdir = scratch / f"{impl if impl != 'report' else 'pipeline'}_{n}"
            out = scratch / f"{impl}_{n}.json"
            previous = out.exists() and out.stat().st_mtime > (ws / ".generated").stat().st_mtime
            if impl == "pandas" and reuse_pandas and previous:
                data = _reuse(out)
                print(f"[{n:,}] pandas: reusing {out.name} from an earlier run", flush=True)
                data["reused"] = True
            else:
                data = None
                print(f"[{n:,}] {impl}: {reps} run(s) ...", flush=True)
            try:
                data = data or _spawn(impl, ws, workdir, reps, out, pdf)
            except RuntimeError as exc:  # reported in the table, the other rows still run
                print(f"    FAILED: {exc}", flush=True)
                entry[impl] = {"error": str(exc)}
                continue
            walls = [r["wall"] for r in data["runs"]]
            entry[impl] = {
                "walls": walls,
                "median": statistics.median(walls),
                "min": min(walls),
                "cpu": statistics.median(r["cpu"] for r in data["runs"])
                if all("cpu" in r for r in data["runs"])
                else None,
                "reused": data.get("reused", False),
                "peak_rss_mb": data["peak_rss_mb"],
                "import_s": data["import"],
                "phases": [r["phases"] for r in data["runs"]],
                "result": data["result"],
            }
            print(f"    median {statistics.median(walls):.2f} s, peak RSS "
                  f"{data['peak_rss_mb']:.0f} MB", flush=True)  # fmt: skip
        problems = []
        floor = entry.get("duckdb", {}).get("result")
        for impl in ("pipeline", "pandas"):
            if "error" in entry.get(impl, {}):
                problems.append(f"{impl} did not run: {entry[impl]['error']}")
                continue
            other = entry.get(impl, {}).get("result")
            if floor is not None and other is not None:
                problems += compare(floor, other, impl)
        report["agreement"][n] = problems
        report["sizes"][n] = entry
        _save(report, format_table(report, partial=True))  # a crash later keeps what was measured
    report["machine"]["load_average_end"] = os.getloadavg()
    _extrapolate_pandas(report, pandas_max)
    return report


def _extrapolate_pandas(report: dict, pandas_max: int) -> None:
    """Pandas time above ``pandas_max``: linear in complaints from the largest size it ran at."""
    measured = [n for n, e in report["sizes"].items() if e.get("pandas", {}).get("median")]
    if not measured:
        return
    base = max(measured)
    per_complaint = report["sizes"][base]["pandas"]["median"] / base
    for n, entry in report["sizes"].items():
        if "pandas" not in entry and n > pandas_max:
            cpu = report["sizes"][base]["pandas"].get("cpu")
            entry["pandas"] = {
                "median": per_complaint * n,
                "cpu": cpu / base * n if cpu else None,
                "min": None,
                "peak_rss_mb": None,
                "extrapolated_from": base,
            }


def format_table(report: dict, partial: bool = False) -> str:
    """The benchmark table as Markdown (``partial``: the run is still going)."""
    lines = [
        "| complaints | input rows | implementation | median s | min s | CPU s | complaints/s | "
        "peak RSS MB | pipeline / floor | pandas / pipeline |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    sizes = sorted(report["sizes"])
    for n in sizes:
        e = report["sizes"][n]
        floor = e.get("duckdb", {}).get("median")
        pipe = e.get("pipeline", {}).get("median")
        pandas = e.get("pandas", {}).get("median")
        for impl, label in (("duckdb", "DuckDB floor"), ("pipeline", "pipeline (ingest -> "
                            "measures -> tsm_return)"), ("pandas", "pandas notebook"),
                            ("report", "annual report rendering")):  # fmt: skip
            if impl not in e:
                continue
            m = e[impl]
            if "error" in m:
                lines.append(f"| {n:,} | {e['input_rows']:,} | {label} | FAILED (see log) "
                             "| | | | | | |")  # fmt: skip
                continue
            if m.get("reused"):
                label += " (from an earlier run)"
            if m.get("extrapolated_from"):
                label += f" (extrapolated from {m['extrapolated_from']:,})"
            ratio_floor = ratio_pandas = ""
            if impl == "pipeline" and floor:
                ratio_floor = f"{pipe / floor:.2f}x"
                cpu_floor, cpu_pipe = e["duckdb"].get("cpu"), m.get("cpu")
                if cpu_floor and cpu_pipe:
                    ratio_floor += f" (CPU {cpu_pipe / cpu_floor:.2f}x)"
            if impl == "pandas" and pipe:
                ratio_pandas = f"{pandas / pipe:.0f}x"
                cpu_pandas, cpu_pipe = m.get("cpu"), e["pipeline"].get("cpu")
                if cpu_pandas and cpu_pipe:
                    ratio_pandas += f" (CPU {cpu_pandas / cpu_pipe:.0f}x)"
            rate = f"{n / m['median']:,.0f}" if impl != "report" else ""
            rss = f"{m['peak_rss_mb']:,.0f}" if m.get("peak_rss_mb") else "-"
            lines.append(
                f"| {n:,} | {e['input_rows']:,} | {label} | {_fmt_s(m['median'])} | "
                f"{_fmt_s(m.get('min'))} | {_fmt_s(m.get('cpu'))} | {rate} | {rss} | "
                f"{ratio_floor} | {ratio_pandas} |"
            )
    if len(sizes) >= 2 and all(
        report["sizes"][n].get("pipeline", {}).get("median") for n in sizes[-2:]
    ):
        a, b = sizes[-2], sizes[-1]
        ratio = report["sizes"][b]["pipeline"]["median"] / report["sizes"][a]["pipeline"]["median"]
        lines.append("")
        lines.append(f"Pipeline wall time {a:,} -> {b:,} complaints: {ratio:.1f}x "
                     f"(for {b / a:.0f}x the data).")  # fmt: skip
    for n in sizes:
        phases = report["sizes"][n].get("pipeline", {}).get("phases")  # absent when it failed
        if phases:
            keys = phases[0].keys()
            med = {k: statistics.median(p[k] for p in phases) for k in keys}
            parts = ", ".join(f"{k} {v:.2f} s" for k, v in med.items())
            lines.append(f"Pipeline phases at {n:,} (median): {parts}.")
    m = report["machine"]
    end = m.get("load_average_end") or os.getloadavg()
    lines.append(
        f"Machine: {m['cpus']} CPUs, {m['platform']}, Python {m['python']}; load average "
        f"{m['load_average_start'][0]:.1f} at start, {end[0]:.1f} at end."
        + (" (partial: the run is still going)" if partial else "")
    )
    return "\n".join(lines)


def _save(report: dict, table: str) -> Path:
    RESULTS_ROOT.mkdir(parents=True, exist_ok=True)
    plain = json.loads(
        json.dumps(
            report, default=lambda o: o.to_dicts() if isinstance(o, pl.DataFrame) else str(o)
        )
    )
    path = RESULTS_ROOT / f"bench_{report['started']}.json"
    path.write_text(json.dumps(plain, indent=2))
    (RESULTS_ROOT / f"bench_{report['started']}.md").write_text(table + "\n")
    (RESULTS_ROOT / "latest.md").write_text(table + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--worker":
        impl, ws, workdir, repeat, out = argv[1:6]
        _worker(impl, Path(ws), Path(workdir), int(repeat), Path(out), "--no-pdf" not in argv)
        return 0
    parser = argparse.ArgumentParser(description="Run the performance benchmark (issue 8)")
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated complaints")
    parser.add_argument(
        "--repeat", default="3", help="runs per size: one number, or one per size (3,1)"
    )
    parser.add_argument("--pandas-max", type=int, default=100_000)
    parser.add_argument("--pandas-repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--no-pdf", action="store_true", help="time the report as HTML only")
    parser.add_argument("--report-sizes", default="", help="sizes to time the report at")
    parser.add_argument(
        "--reuse-pandas", action="store_true", help="reuse pandas timings of the same workspace"
    )
    parser.add_argument(
        "--no-closures", action="store_true", help="landlord.yaml without office closure days"
    )
    parser.add_argument(
        "--only", default="duckdb,pipeline,report,pandas", help="implementations to run"
    )
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    repeats = [int(r) for r in args.repeat.split(",")]
    if len(repeats) == 1:
        repeats = repeats * len(sizes)
    report = run_benchmark(
        sizes,
        repeat=repeats,
        pandas_max=args.pandas_max,
        pandas_repeat=args.pandas_repeat,
        seed=args.seed,
        pdf=not args.no_pdf,
        implementations=tuple(args.only.split(",")),
        closures=not args.no_closures,
        report_sizes=[int(r) for r in args.report_sizes.split(",")] if args.report_sizes else None,
        reuse_pandas=args.reuse_pandas,
    )
    table = format_table(report)
    path = _save(report, table)
    disagreements = {n: p for n, p in report["agreement"].items() if p}
    if disagreements:
        for n, problems in disagreements.items():
            print(f"\nDISAGREEMENT at {n:,} complaints ({len(problems)} figures):")
            print("\n".join(problems[:50]))
    else:
        print("\nAll implementations agree on every figure at every size.")
    print()
    print(table)
    print(f"\nsaved {path}")
    return 1 if disagreements else 0


if __name__ == "__main__":
    raise SystemExit(main())
