"""A flag that says the opposite of is_tenant_of_owned_stock, mapped to it as it is written.

Tweed & Cheviot's register has 'Agency Mgd' (Y: a home managed for another owner). Mapped to
is_tenant_of_owned_stock without ``codes: {"Y": false, "N": true}``, every 'N' (most complaints)
read as "not owned stock": CH01(1) LCRA fell from 55 to 15 in 2024-25 and CH02 with it, and the
run said nothing. Now the run warns, naming the file, and data_quality_counts.csv counts them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest

from pipeline.config import load_landlord
from pipeline.ingest import ingest_workspace
from pipeline.reporting.quality_counts import quality_counts

ROOT = Path(__file__).resolve().parents[2]
TWEED = ROOT / "tests" / "fixtures" / "ingest" / "landlords" / "tweed_cheviot_homes"
INVERT = '    codes: {"Y": false, "N": true}\n    default: true\n'
FILE = "exports/CaseFlow Register.xlsx"


def _workspace(tmp_path: Path, inverted: bool) -> Path:
    root = tmp_path / "landlords" / TWEED.name
    shutil.copytree(TWEED, root)
    mapping = root / "mappings" / "caseflow_register.yaml"
    assert INVERT in mapping.read_text()
    if not inverted:  # the analyst's mistake: the flag mapped as it is written
        mapping.write_text(mapping.read_text().replace(INVERT, ""))
    return root


def _written_no(root: Path) -> tuple[int, int]:
    """(English LCRA/LCHO complaints whose 'Agency Mgd' is N, all of them), read here."""
    sheet = openpyxl.load_workbook(root / FILE, read_only=True)["Complaints Register"]
    rows = list(sheet.iter_rows(values_only=True))
    cells = [dict(zip(rows[2], row, strict=True)) for row in rows[3:] if row[0] != "TOTAL"]
    english = [
        c for c in cells if c["Nation"] == "Northumberland" and c["Tenure Code"] in ("GN", "SO")
    ]
    return sum(c["Agency Mgd"] == "N" for c in english), len(english)


def _checks(root: Path) -> dict[str, int]:
    con = duckdb.connect()
    ingest_workspace(con, root, load_landlord(root), "k")
    return {name: n for level, name, *_, n in quality_counts(con, "tweed_cheviot_homes")
            if level == "check"}  # fmt: skip


def test_a_flag_mapped_the_wrong_way_round_is_counted(tmp_path) -> None:
    root = _workspace(tmp_path, inverted=False)
    # the English LCRA/LCHO complaints whose 'Agency Mgd' is N (a blank one defaults to owned)
    no, _ = _written_no(root)
    assert _checks(root) == {f"mostly_not_owned_stock: {FILE}": no}


def test_the_flag_mapped_with_codes_is_not(tmp_path) -> None:
    assert _checks(_workspace(tmp_path, inverted=True)) == {}


@pytest.mark.parametrize("inverted", [False, True])
def test_the_run_warns_of_it(tmp_path, inverted) -> None:
    root = _workspace(tmp_path, inverted)
    env = {**os.environ, "COMPLAINTS_PSEUDONYMISATION_KEY": "k"}
    env.pop("DAGSTER_HOME", None)
    process = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "run", "--workspace", str(root), "--years",
         "2024-25", "--output", str(tmp_path / "out"), "--only", "returns", "--committee",
         "none", "--parallel", "1"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-3000:]
    warnings = [line for line in process.stdout.splitlines() if "WARNING" in line]
    if inverted:
        assert warnings == []
        return
    (line,) = warnings
    no, english = _written_no(root)
    assert f"WARNING {FILE}: {no} of {english} English complaints" in line
    assert "is_tenant_of_owned_stock" in line and '{"Y": false, "N": true}' in line
