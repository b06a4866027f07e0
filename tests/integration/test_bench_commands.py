"""bench.commands' floor and the command agree on every figure (no timing: targets live in the
benchmark, bench/README.md).

Two small landlords of bench.group (long exports, three reporting years): the hand-written floor
(bench/floor.py) and ``complaints run --all --only returns`` each compute CH01/CH02 with the
extension split, acknowledgement, mean and median working days, ARC 3 and 4, escalation, refusals
and TP09; the benchmark's own comparison must find no difference.
"""

import subprocess
import sys

import polars as pl
import pytest

from bench.commands import PROJECT_ROOT, compare_group
from bench.floor import run as run_floor
from bench.floor import year_range
from bench.group import generate_group

YEARS = "2022-23:2024-25"


@pytest.mark.slow
def test_floor_and_command_agree_on_every_figure(tmp_path, monkeypatch):
    root = generate_group(3_000, out=tmp_path / "data", landlords=2)
    floor = run_floor(root, year_range(YEARS))
    assert set(floor["landlord"]) == {"bench00", "bench01"}
    measures = set(floor["measure"])
    assert {"CH02_1_with_ext", "ACK_2", "wd_to_response_median_1", "ARC_4_1", "TP09"} <= measures
    assert {"escalation_rate", "refused_1"} <= measures
    output = tmp_path / "output"
    monkeypatch.setenv("COMPLAINTS_WORKSPACES_ROOT", str(root))
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "run", "--all", "--workspaces-root", str(root),
         "--years", YEARS, "--only", "returns", "--output", str(output), "--parallel", "1"],
        cwd=PROJECT_ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert compare_group(floor, output, year_range(YEARS)) == []
    # the comparison is not empty-handed: both sides have figures with counts in them
    assert floor.filter(pl.col("numerator") > 0).height > 100
