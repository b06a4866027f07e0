"""Personal data planted where earlier scans did not plant it reaches nothing the run writes.

``test_pii_scan.py`` plants values in every column and every other input, and
``test_pii_instance_scan.py`` searches the Dagster instance. Here a copy of small_specialist gets
distinctive values (names, emails, phone numbers, postcodes, NI numbers, addresses) where an
analyst or an export may put them besides: cells that fail validation (a name in a date column,
an email in the id column, an address in a coded column, a phone number in a days column),
column headings and a cell of unmapped columns, another sheet's name and cells, the names of
files beside the exports and the Ombudsman files, landlord.yaml's free text (a policy's source,
a closure's reason, the TSM summary), the board response, the narrative and the self-assessment
(contact details: a name there is the landlord's to publish), learning.csv and the Ombudsman
CSVs. ``complaints run`` runs the year with its documents against a persistent instance
(``DAGSTER_HOME`` set up as ``make dev`` does) and a private temporary folder (``TMPDIR``), then
again with a mapped heading renamed to a resident's name, which stops the load.

Everything is searched: every SQLite table and file under ``DAGSTER_HOME`` (event log, runs,
schedules, compute logs), every file under ``TMPDIR``, every output file (staged generations
included) and every text column of the warehouse, and what the command printed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
import yaml
from openpyxl import load_workbook

from tests.integration.test_pii_instance_scan import _instance_texts
from tests.integration.test_pii_scan import EXAMPLES, ROOT, _documents, _found, _warehouse_texts

pytestmark = pytest.mark.skipif(
    not (EXAMPLES / "small_specialist" / "landlord.yaml").is_file(),
    reason="example workspaces not generated",
)


class Planted:
    """Distinctive values, each recorded with where it was put."""

    def __init__(self) -> None:
        self.where: dict[str, str] = {}

    def __call__(self, where: str, kind: str) -> str:
        n = len(self.where) + 1
        value = {
            "name": f"Margaret Plq{chr(97 + n % 26)}wick",
            "email": f"pl{n}.{where}@example.invalid",
            "phone": f"07911 4{n:05d}",
            "postcode": f"ZE{n % 9 + 1} {n % 10}QX",
            "ni": f"JZ4{n:05d}C",
            "address": f"{n + 10} Plqwick Road, Leeds LS{n % 9 + 1} 2QT",
        }[kind]
        self.where[value] = where
        return value


def _plant_workbook(ws, plant: Planted, renamed_heading: bool) -> None:
    path = ws / "exports" / "homemaster_complaints_2025-26.xlsx"
    workbook = load_workbook(path)
    sheet = workbook["Complaints"]
    header = {cell.value: cell.column for cell in sheet[5]}
    last = sheet.max_column
    sheet.cell(5, last + 1).value = plant("heading", "name")
    sheet.cell(5, last + 2).value = plant("heading", "email")
    sheet.cell(6, last + 1).value = plant("unmapped-cell", "phone")
    failing = {
        "Logged Date": plant("date-cell", "name"),
        "Case Ref": plant("id-cell", "email"),
        "Category": plant("code-cell", "address"),
        "Stage 1 Extension Days": plant("days-cell", "phone"),
        "Closed": plant("closed-cell", "ni"),
        "Scheme": plant("scheme-cell", "name"),
        "Tenancy Type": plant("tenure-cell", "postcode"),
        "Stage 1 Response": plant("response-cell", "email"),
        "Anonymous": plant("yes-no-cell", "name"),
        "Stage 1 Extension Reason": plant("reason-cell", "address"),
    }
    for i, (column, value) in enumerate(failing.items()):
        sheet.cell(7 + i, header[column]).value = value
    other = workbook.create_sheet(plant("sheet-name", "name"))
    other["A1"] = plant("other-sheet-cell", "email")
    if renamed_heading:
        sheet.cell(5, header["Logged Date"]).value = plant("mapped-heading", "name")
    workbook.save(path)


def _plant_csv(ws, relative: str, cells: dict[int, str]) -> None:
    """A copy of the file's first data row, with ``cells`` (column -> value) replaced."""
    path = ws / relative
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    row = lines[1].split(",")
    for column, value in cells.items():
        row[column] = value
    lines.insert(2, ",".join(row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _plant_workspace(ws, plant: Planted, renamed_heading: bool = False) -> None:
    _plant_workbook(ws, plant, renamed_heading)
    (ws / "exports" / f"notes {plant('file-name', 'name')}.txt").write_text("x")
    (ws / "ombudsman" / f"{plant('file-name', 'email')}.pdf").write_text("x")
    landlord = ws / "landlord.yaml"
    text = landlord.read_text(encoding="utf-8")
    for old, new in [
        (
            'source: "Complaint Policy, 7 March 2024"',
            f'source: "Complaint Policy, 7 March 2024, {plant("policy-source", "email")}"',
        ),
        ("Results are unweighted.", f"Results are unweighted. Ask {plant('tsm', 'phone')}."),
        (
            "tp09_population:",
            f"closures:\n  - {{date: 2025-12-27, reason: 'visit to {plant('closure', 'address')}'}}"
            "\ntp09_population:",
        ),
    ]:
        assert old in text
        text = text.replace(old, new, 1)
    landlord.write_text(text, encoding="utf-8")
    folder = ws / "annual_report" / "2025-26"
    for name in ("board_response.md", "narrative.md"):
        path = folder / name
        path.write_text(
            path.read_text(encoding="utf-8")
            + f"\nWrite to {plant(name, 'email')} or {plant(name, 'address')}, call "
            f"{plant(name, 'phone')} (NI {plant(name, 'ni')}).\n",
            encoding="utf-8",
        )
    path = folder / "self_assessment.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["provisions"][0]["evidence"].append(f"Letter to {plant('sa-evidence', 'address')}")
    doc["provisions"][0]["commentary"] += f" Call {plant('sa-commentary', 'phone')}."
    doc["completed_by"] = plant("sa-completed-by", "email")
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    _plant_csv(
        ws,
        "learning.csv",
        {0: plant("learning-id", "email"), 2: plant("learning-text", "phone")}
        | {3: plant("learning-area", "address"), 5: plant("learning-date", "name")}
        | {4: f"{plant('linked-complaint', 'email')};{plant('linked-complaint', 'name')}"},
    )
    _plant_csv(
        ws,
        "ombudsman/casework.csv",
        {0: plant("ombudsman", "address"), 1: plant("ombudsman-ref", "email")}
        | {2: plant("our-case-ref", "phone"), 3: plant("ombudsman-date", "name")},
    )
    _plant_csv(
        ws,
        "ombudsman/findings.csv",
        {1: plant("finding-about", "name"), 3: plant("finding-orders", "phone")},
    )
    _plant_csv(
        ws, "ombudsman/chfos.csv", {0: plant("chfo-ref", "ni"), 1: plant("chfo-date", "email")}
    )
    _plant_csv(
        ws,
        "exports/homemaster_case_actions.csv",
        {0: plant("action-ref", "email"), 3: plant("action-date", "name")},
    )


def _complaints_run(ws, home, tmp, out) -> str:
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "TMPDIR": str(tmp),
        "COMPLAINTS_WORKSPACES_ROOT": str(ws.parent),
        "COMPLAINTS_OUTPUT_ROOT": str(out),
        "COMPLAINTS_PSEUDONYMISATION_KEY": "pii-everywhere-key",
    }
    process = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "run", "--workspace", str(ws), "--year", "2025-26"]
        + ["--output", str(out), "--parallel", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    return f"exit {process.returncode}\n{process.stdout}\n{process.stderr}"


@pytest.fixture(scope="module")
def everywhere(tmp_path_factory):
    base = tmp_path_factory.mktemp("pii_everywhere")
    home, tmp = base / "dagster_home", base / "tmp"
    tmp.mkdir()
    subprocess.run(
        [str(ROOT / "scripts" / "dagster-home.sh")],
        env={**os.environ, "DAGSTER_HOME": str(home)},
        check=True,
        capture_output=True,
    )
    plant = Planted()
    consoles: dict[str, str] = {}
    outs = []
    for name, renamed in (("ran", False), ("stopped", True)):
        ws = base / name / "small_specialist"
        shutil.copytree(EXAMPLES / "small_specialist", ws)
        _plant_workspace(ws, plant, renamed_heading=renamed)
        outs.append(base / f"{name}_out")
        consoles[name] = _complaints_run(ws, home, tmp, outs[-1])
    texts = {f"console {k}": v for k, v in consoles.items()}
    texts.update({f"DAGSTER_HOME/{k}": v for k, v in _instance_texts(home).items()})
    for path in sorted(p for p in tmp.rglob("*") if p.is_file()):
        texts[f"TMPDIR/{path.relative_to(tmp)}"] = path.read_bytes().decode("utf-8", "replace")
    for out in outs:
        if out.is_dir():
            texts.update({f"{out.name}/{k}": v for k, v in _documents(out).items()})
            texts.update({f"{out.name}/{k}": v for k, v in _warehouse_texts(out).items()})
    return consoles, texts, plant.where


def test_the_runs_went_as_expected_and_everything_was_read(everywhere):
    consoles, texts, where = everywhere
    assert consoles["ran"].startswith("exit 0"), consoles["ran"][-3000:]
    assert "[small_specialist] 2025-26: ok" in consoles["ran"]
    assert consoles["stopped"].startswith("exit 1"), consoles["stopped"][-3000:]
    assert "is not in the header" in consoles["stopped"]
    assert len(where) > 50
    names = set(texts)
    assert any(n.endswith("annual_report_published.pdf") for n in names)
    assert any(n.endswith("quarantine.raw_value") for n in names)
    assert any(":event_logs" in n for n in names) and any("compute_logs" in n for n in names)
    # the failing cells were quarantined, by file, row and rule
    quarantine = next(v for n, v in texts.items() if n.endswith("quarantine.csv"))
    assert "exports/homemaster_complaints_2025-26.xlsx" in quarantine
    # what the withheld details leave in the published report
    annual = next(v for n, v in texts.items() if n.endswith("annual_report_published.html"))
    assert "Complaint Policy, 7 March 2024, [contact details withheld]" in annual
    # a planted value put in what is searched would be found
    assert _found({"sample": texts["console ran"] + next(iter(where))}, list(where))


def test_no_planted_value_reaches_anything_the_runs_wrote_or_said(everywhere):
    _, texts, where = everywhere
    found = _found(texts, list(where))
    assert found == {}, {k: [(v, where[v]) for v in vs][:5] for k, vs in found.items()}
