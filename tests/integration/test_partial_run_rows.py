"""A partial run never removes rows that other steps wrote (issue 17).

``complaints run --only returns`` runs the ingest, the measures and the returns, not the sector
benchmarks; the measures step replaces its own rows of the year and must leave the
``benchmark_*`` rows that ``sector_benchmarks`` wrote, or the warehouse no longer matches the
published annual report. One full run, then a returns-only run on the same output root: every
family of rows in ``measures`` (and the table as a whole) is the same before and after.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from pipeline.benchmarks import BENCHMARK_PREFIX
from pipeline.manifest import file_sha256
from pipeline.measures import MEASURE_PREFIXES_WRITTEN_ELSEWHERE

ROOT = Path(__file__).resolve().parents[2]
LANDLORD = "small_specialist"
YEAR = "2025-26"


def _run(out: Path, *extra: str) -> None:
    environment = {**os.environ, "COMPLAINTS_PSEUDONYMISATION_KEY": "partial-run-test-key"}
    environment.pop("DAGSTER_HOME", None)
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "run",
            "--workspace",
            str(ROOT / "examples" / LANDLORD),
            "--year",
            YEAR,
            "--committee",
            "none",
            "--parallel",
            "1",
            "--output",
            str(out),
            *extra,
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]


def _families(warehouse: Path) -> tuple[dict[str, int], str]:
    """Rows of ``measures`` per family (the id before the first '_', 'benchmark' for the
    sector rows) and a digest of the whole table."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        counts = dict(
            con.execute(
                "select split_part(measure, '_', 1), count(*) from measures group by 1"
            ).fetchall()
        )
        digest = con.execute(
            "select md5(string_agg(cast(m as varchar), chr(10) order by cast(m as varchar))) "
            "from measures m"
        ).fetchone()[0]
    finally:
        con.close()
    return counts, digest


def test_the_benchmark_prefix_is_one_the_measures_step_leaves_alone():
    assert BENCHMARK_PREFIX in MEASURE_PREFIXES_WRITTEN_ELSEWHERE


def test_only_returns_after_a_full_run_keeps_every_other_steps_rows(tmp_path):
    out = tmp_path / "out"
    _run(out)
    warehouse = out / "warehouse" / f"{LANDLORD}.duckdb"
    before, digest_before = _families(warehouse)
    assert before.get("benchmark", 0) > 0, before  # the full run wrote sector rows
    _run(out, "--only", "returns")
    after, digest_after = _families(warehouse)
    print(
        f"\nbenchmark rows before/after --only returns: {before['benchmark']}/"
        f"{after.get('benchmark', 0)}; families: {len(before)}"
    )
    assert after == before
    assert digest_after == digest_before
    # the returns-only run published a generation: the documents it did not rebuild carried over,
    # and the folder matches its manifest file by file
    folder = out / LANDLORD / YEAR
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    listed = {entry["file"]: entry["sha256"] for entry in manifest["outputs"]}
    present = {
        p.relative_to(folder).as_posix(): file_sha256(p)
        for p in folder.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    }
    assert present == listed
    assert {"annual_report.pdf", "tsm_return.csv", "tsm_return.xlsx"} <= set(listed)
