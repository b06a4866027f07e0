"""Ingest speed on a generated wide export (set-based: time grows with rows, not per-row Python).

The full measurement (1,000,000 complaints) is run by hand with
``INGEST_BENCH_ROWS=1000000 uv run pytest tests/integration/test_ingest_speed.py -s``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest_bench import write_workspace  # noqa: E402

from pipeline.config import load_landlord  # noqa: E402
from pipeline.ingest import ingest_workspace  # noqa: E402


@pytest.mark.slow
def test_generated_wide_export(tmp_path):
    rows = int(os.environ.get("INGEST_BENCH_ROWS", "50000"))
    root = write_workspace(tmp_path / "ws", rows)
    with duckdb.connect(str(tmp_path / "bench.duckdb")) as con:
        wall, cpu = time.perf_counter(), time.process_time()
        summary = ingest_workspace(con, root, load_landlord(root), "bench-key")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(
            f"\n{rows:,} wide complaints: {wall:.2f} s wall, {cpu:.2f} s CPU, load {os.getloadavg()}"
        )
        assert summary.reconciles
        assert summary.rows_in == rows == summary.rows_loaded
        assert summary.table_rows["complaint"] == rows
        assert summary.table_rows["complaint_stage"] == rows + rows // 5
