"""Injection: names from the data are escaped in HTML and PDF, and spreadsheet cells starting with
= + - @ (or tab / carriage return) are neutralised in every CSV and XLSX output.

Hostile category and scheme names and quarantine values are put into the reporting sample
database (``pipeline.reporting.sample``); the annual report (HTML and PDF), data-quality report and
quarantine.csv are rendered from it; the TSM return gets a hostile summary of approach, and the
self-assessment a hostile commentary and evidence.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import duckdb
import pytest
import yaml
from openpyxl import load_workbook
from pypdf import PdfReader

from pipeline.reporting.render import render_annual_report, render_data_quality
from pipeline.reporting.sample import build_sample_database

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
CLOSE = "</script><script>alert(3)</script>"
HOSTILE_NAMES = [SCRIPT, IMG, CLOSE, "<b>bold</b> & 'quoted'"]
FORMULAS = [
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def hostile_db():
    con = duckdb.connect()
    landlord = build_sample_database(con)
    # Every category and scheme name becomes hostile (cycled), in every measure broken down by it.
    names = con.execute(
        "select distinct breakdown, breakdown_value from measures "
        "where breakdown in ('category', 'scheme', 'service_area', 'reason') order by all"
    ).fetchall()
    for index, (breakdown, value) in enumerate(names):
        hostile = f"{HOSTILE_NAMES[index % len(HOSTILE_NAMES)]} {index}"
        con.execute(
            "update measures set breakdown_value = ? where breakdown = ? and breakdown_value = ?",
            [hostile, breakdown, value],
        )
    rows = [
        (landlord.landlord_id, f"exports/{SCRIPT}.csv", 10 + i, "complaint", IMG, "date_unparseable",
         f"date_unparseable: {SCRIPT}", value)
        for i, value in enumerate(FORMULAS + HOSTILE_NAMES)
    ]  # fmt: skip
    con.executemany("insert into quarantine values (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute(
        "insert into ingest_file values (?, ?, 'mappings/x.yaml', 'ab', 20, 9, 11)",
        [landlord.landlord_id, f"exports/{SCRIPT}.csv"],
    )
    yield con, landlord, len(names)
    con.close()


@pytest.fixture(scope="module")
def rendered(hostile_db, tmp_path_factory):
    con, landlord, _ = hostile_db
    out = tmp_path_factory.mktemp("injection")
    workspace = out / "workspace"
    workspace.mkdir()
    annual = render_annual_report(
        con, landlord, "2024-25", out, workspace=workspace, self_assessment=None, pdf=True
    )
    quality = render_data_quality(con, landlord, out, workspace=workspace, pdf=False)
    return out, annual, quality


def _assert_escaped(text: str, where: str) -> None:
    for raw in (SCRIPT, IMG, CLOSE, "<b>bold</b>"):
        assert raw not in text, f"{raw!r} reached {where} unescaped"


def test_hostile_names_are_escaped_in_html(rendered, hostile_db):
    _, annual, quality = rendered
    _, _, replaced = hostile_db
    assert replaced > 0
    for path in (annual["html"], quality["html"]):
        text = Path(path).read_text(encoding="utf-8")
        _assert_escaped(text, path.name)
    annual_text = Path(annual["html"]).read_text(encoding="utf-8")
    # Shown as text, not dropped: the escaped form is in the page.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in annual_text or (
        "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in annual_text
    )


def test_hostile_names_do_not_run_in_a_browser(rendered):
    from pipeline.reporting.browser import chromium_page

    _, annual, quality = rendered
    dialogs: list[str] = []
    with chromium_page() as page:
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for path in (annual["html"], quality["html"]):
            page.goto(Path(path).as_uri())
            page.wait_for_timeout(500)
            injected = page.evaluate("() => document.querySelectorAll('img[src=\"x\"], b').length")
            assert injected == 0, f"hostile markup became elements in {Path(path).name}"
    assert dialogs == [], f"script from the data ran: {dialogs}"


def test_hostile_names_are_text_in_the_pdf(rendered):
    _, annual, _ = rendered
    text = "\n".join(page.extract_text() or "" for page in PdfReader(str(annual["pdf"])).pages)
    assert "alert(1)" in text  # printed as text: the markup was escaped, not interpreted


def _formula_like(value) -> bool:
    if not isinstance(value, str) or not value.lstrip(" ").startswith(FORMULA_START):
        return False
    try:
        float(value)  # a negative number stays a number
    except ValueError:
        return True
    return False


def test_quarantine_csv_cells_are_neutralised(rendered):
    _, _, quality = rendered
    text = Path(quality["csv"]).read_text(encoding="utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    bad = [cell for cell in cells if _formula_like(cell)]
    assert bad == [], bad
    for formula in FORMULAS:  # still there, as text
        assert any(cell.endswith(formula.lstrip(" \t\r")) for cell in cells), formula


def _xlsx_problems(path: Path) -> list[str]:
    workbook = load_workbook(path)  # not read-only: cell data types are needed
    problems = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or _formula_like(cell.value):
                    problems.append(f"{sheet.title}!{cell.coordinate}: {cell.value!r}")
    return problems


def test_tsm_return_cells_are_neutralised(hostile_db, tmp_path):
    from pipeline.returns import write_tsm_return

    con, landlord, _ = hostile_db
    for formula in FORMULAS:
        hostile = landlord.model_copy(update={"tsm_summary_of_approach": formula})
        csv_path, xlsx_path = write_tsm_return(con, hostile, "2024-25", tmp_path)
        text = csv_path.read_text(encoding="utf-8-sig")
        cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        assert [c for c in cells if _formula_like(c)] == [], formula
        assert _xlsx_problems(xlsx_path) == [], formula


def test_self_assessment_xlsx_cells_are_neutralised(hostile_db, tmp_path):
    from pipeline.self_assessment.build import load_document
    from pipeline.self_assessment.render import write_outputs

    con, landlord, _ = hostile_db
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    source = yaml.safe_load(
        (ROOT / "examples/small_specialist/annual_report/2025-26/self_assessment.yaml").read_text()
    )
    source["reporting_year"] = "2024-25"
    for index, provision in enumerate(source["provisions"]):
        provision["commentary"] = FORMULAS[index % len(FORMULAS)] + f" {SCRIPT}"
        provision["evidence"] = [FORMULAS[(index + 1) % len(FORMULAS)]]
    (workspace / "self_assessment.yaml").write_text(yaml.safe_dump(source), encoding="utf-8")
    shutil.copy(ROOT / "examples/small_specialist/landlord.yaml", workspace / "landlord.yaml")
    document = load_document(con, workspace, landlord, "2024-25")
    assert document is not None
    files = write_outputs(document, tmp_path / "out", pdf=False)
    assert _xlsx_problems(files.xlsx) == []
    _assert_escaped(files.html.read_text(encoding="utf-8"), "self_assessment.html")
