"""Messages a user can act on, through the command line: each broken workspace gets the product's
own message naming the file and the key (or row), never a Python exception or a cell's contents.

One ``complaints run --all`` over a root of copies of ``examples/small_specialist``, each broken in
one way (a landlord per case, run one after another), keeps this to one start-up of the CLI.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "small_specialist"
PAYMENTS = "exports/homemaster_payments.csv"


def _edit(path: Path, pattern: str, replacement: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    new = re.sub(pattern, replacement, text, count=count)
    assert new != text, pattern
    path.write_text(new, encoding="utf-8")


def _payments(workspace: Path, edit) -> None:
    path = workspace / PAYMENTS
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join(edit(lines)))


CASES = {
    "cut_date": lambda ws: _edit(
        ws / "landlord.yaml", r"data_cut_date: [0-9-]+", "data_cut_date: 2025-02-30"
    ),
    "closure": lambda ws: _edit(
        ws / "landlord.yaml", r"\nstock:", "\nclosures:\n  - {date: 2024-02-30}\nstock:"
    ),
    "date_format": lambda ws: _edit(
        ws / "mappings" / "homemaster_complaints.yaml",
        r"date_formats:[^\n]*",
        'date_formats: ["%Q/%m"]',
    ),
    "stock_twice": lambda ws: _edit(
        ws / "landlord.yaml", r"(  - \{year_end: 2025-03-31[^\n]*\n)", r"\1\1"
    ),
    "stock_missing": lambda ws: _edit(
        ws / "landlord.yaml", r"  - \{year_end: 2025-03-31[^\n]*\n", "", count=0
    ),
    "yaml_syntax": lambda ws: _edit(ws / "landlord.yaml", r"\nstock:", "\nstock: [\n"),
    "yaml_utf16": lambda ws: (ws / "landlord.yaml").write_bytes(
        (ws / "landlord.yaml").read_text(encoding="utf-8").encode("utf-16")
    ),
    # A name and a postcode after an unbalanced quote: the message names file and row only.
    "quote": lambda ws: _payments(
        ws,
        lambda lines: [*lines[:3], lines[3].rstrip(b"\r") + b',"Jean Nunez LE4 2XT\r', *lines[4:]],
    ),
    "gzip": lambda ws: (ws / PAYMENTS).write_bytes(
        __import__("gzip").compress((ws / PAYMENTS).read_bytes())
    ),
    # A code list that no longer fits the export (the system renamed its tenure values): most
    # rows quarantined, so the run stops before any figure, naming file, rule, column and row.
    "codes_changed": lambda ws: _edit(
        ws / "mappings" / "homemaster_complaints.yaml",
        r'"(General Needs Rent|Shared Ownership|Leaseholder|Licence)":',
        r'"\1 (old)":',
        count=0,
    ),
    # The header alone (a truncated export): loads as no records, and the run says so.
    "header_only": lambda ws: _payments(ws, lambda lines: lines[:1]),
    # One negative amount is one quarantined row: the landlord's run still succeeds.
    "negative": lambda ws: _payments(
        ws, lambda lines: [*lines[:2], lines[2].replace(b"\xa320.00", b"\xa3-50"), *lines[3:]]
    ),
}

# case -> what the landlord's ERROR line must say (file and key or row, and what to do)
EXPECTED = {
    "cut_date": r"landlord\.yaml: key 'data_cut_date': .*day value is outside expected range; "
    r"write a real calendar date as YYYY-MM-DD",
    "closure": r"landlord\.yaml: key 'closures\.0\.date': .*day value is outside",
    "date_format": r"mappings/homemaster_complaints\.yaml: key 'date_formats': format 1 \('%Q/%m'\) "
    r"is not a date format",
    "stock_twice": r"landlord\.yaml: stock\.\d repeats year_end 2025-03-31, stock_type lcra",
    "stock_missing": r"landlord\.yaml key 'stock' has no units owned at year end 2025-03-31 .*"
    r"add a row",
    "yaml_syntax": r"landlord\.yaml: not valid YAML at line \d+, column \d+",
    "yaml_utf16": r"landlord\.yaml: is not UTF-8 text",
    "quote": r"exports/homemaster_payments\.csv: is not a readable CSV file \(a quoted field "
    r"opens on row 4",
    "gzip": r"exports/homemaster_payments\.csv: is a gzip-compressed file, not a CSV",
    "codes_changed": r"the run stops: more than 90% of the rows of \d file\(s\) were quarantined "
    r".*exports/homemaster_complaints_2024-25\.xlsx: \d+ of \d+ rows quarantined \([\d.]+%\), "
    r"mostly unknown_code \(\d+, column 'Tenancy Type'\).*, the first at row \d+",
}

INTERNALS = [
    "Traceback",
    "pydantic_core",
    "ValidationError",
    "UnicodeDecodeError",
    "yaml.parser",
    "ParserError",
    "ScannerError",
    "InvalidInputException",
    "strptime",
    "_csv.Error",
    "zlib.error",
    "BadZipFile",
    "ComputeError",
    "out of range for month",
    "pipeline.sources.errors",
    "IngestError:",
    "ConfigError:",
]


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    root = tmp_path_factory.mktemp("cli_messages")
    workspaces = root / "workspaces"
    for case, edit in CASES.items():
        workspace = workspaces / case
        shutil.copytree(EXAMPLE, workspace)
        _edit(workspace / "landlord.yaml", r"landlord_id: small_specialist", f"landlord_id: {case}")
        edit(workspace)
    env = {
        **os.environ,
        "COMPLAINTS_PSEUDONYMISATION_KEY": "cli-messages-key",
        "COMPLAINTS_WORKSPACES_ROOT": str(workspaces),
    }
    env.pop("DAGSTER_HOME", None)
    process = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "run", "--all", "--workspaces-root", str(workspaces)]
        + ["--output", str(root / "out"), "--year", "2024-25", "--only", "returns"]
        + ["--parallel", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return process, root / "out"


def _lines(process: subprocess.CompletedProcess, case: str) -> str:
    prefix = f"[{case}]"
    return "\n".join(line for line in process.stdout.splitlines() if line.startswith(prefix))


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_each_broken_workspace_gets_a_message_naming_file_and_key(cli_run, case):
    process, _ = cli_run
    said = _lines(process, case)
    assert re.search(EXPECTED[case], said), said or process.stdout[-3000:] + process.stderr[-3000:]
    assert "ERROR" in said


def test_no_python_internals_and_no_cell_contents_are_printed(cli_run):
    process, out = cli_run
    printed = process.stdout + process.stderr
    for internal in INTERNALS:
        assert internal not in printed, internal
    for planted in ["Jean", "Nunez", "LE4 2XT"]:
        assert planted not in printed
    assert process.returncode == 1  # some landlords failed, and the command says so


def test_one_bad_cell_does_not_stop_the_landlord(cli_run):
    process, out = cli_run
    said = _lines(process, "negative")
    assert "ERROR" not in said, said
    quarantine = (out / "negative" / "2024-25" / "quarantine.csv").read_text(encoding="utf-8")
    assert re.search(r"exports/homemaster_payments\.csv,3,.*Amount.*out_of_range", quarantine)
    assert (out / "negative" / "2024-25" / "tsm_return.csv").is_file()


def test_a_load_that_lost_most_of_a_file_makes_no_return(cli_run):
    _, out = cli_run
    assert not (out / "codes_changed" / "2024-25" / "tsm_return.csv").exists()


def test_an_export_with_only_its_header_is_warned_of(cli_run):
    process, _ = cli_run
    said = _lines(process, "header_only")
    assert "ERROR" not in said, said
    assert (
        "WARNING exports/homemaster_payments.csv has no data rows below its header: if it "
        "should hold records, export it again" in said
    ), said
