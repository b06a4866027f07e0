"""Personal data never leaves the raw exports: a full run on every example workspace is scanned.

``examples/PLANTED_PII.json`` lists every name, address, postcode, email, phone number and free-text
note the example generator planted in the raw exports (about 42,000 strings). The command line runs
every example workspace (landlords two at a time in parallel processes) into a temporary output
root; then every text column of every table in every landlord's DuckDB file, and every output file
(CSV, XLSX cells, HTML with entities decoded, PDF text, JSON and any other text) is searched for all
of them with Aho-Corasick (Polars ``str.extract_many``). None may be found.

Also here: the pseudonymisation key comes from the environment, so the ids in the warehouse are
keyed hashes of that key, and a production run with the development key warns.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from pipeline.pseudonymise import pseudonymise

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
PII_KEY = "pii-scan-test-key"
_SPACE = re.compile(r"\s+")


def _normalise(text: str) -> str:
    # PDF text wraps lines and HTML indents: compare with whitespace runs collapsed.
    return _SPACE.sub(" ", text)


@pytest.fixture(scope="module")
def planted() -> list[str]:
    data = json.loads((EXAMPLES / "PLANTED_PII.json").read_text(encoding="utf-8"))
    strings = {_normalise(s).strip() for values in data.values() for s in values}
    return sorted(s for s in strings if len(s) >= 5)


@pytest.fixture(scope="module")
def full_run(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("pii_full_run")
    process = _complaints_run(
        ["--all-examples", "--output", str(out), "--year", "2025-26", "--parallel", "2"]
        + ["--committee", "last"],
        COMPLAINTS_OUTPUT_ROOT=str(out),
    )
    return out, process


def _complaints_run(args: list[str], **env_vars: str) -> subprocess.CompletedProcess:
    """``complaints run`` in a subprocess with the test key and no Dagster home, output captured."""
    env = {**os.environ, "COMPLAINTS_PSEUDONYMISATION_KEY": PII_KEY, **env_vars}
    env.pop("DAGSTER_HOME", None)
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "run", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )


def _documents(out: Path) -> dict[str, str]:
    """Every output file under ``out`` as text, keyed by its path."""
    texts: dict[str, str] = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        name = path.relative_to(out).as_posix()
        suffix = path.suffix.lower()
        if suffix in {".duckdb", ".wal"} or name.endswith(".lock"):
            continue  # the warehouse is scanned table by table below
        if suffix == ".pdf":
            reader = PdfReader(str(path))
            texts[name] = "\n".join(page.extract_text() or "" for page in reader.pages)
        elif suffix == ".xlsx":
            workbook = load_workbook(path, read_only=True, data_only=True)
            cells = [
                str(value)
                for sheet in workbook.worksheets
                for row in sheet.iter_rows(values_only=True)
                for value in row
                if value is not None
            ]
            workbook.close()
            texts[name] = "\n".join(cells)
        else:
            text = path.read_bytes().decode("utf-8", errors="replace")
            texts[name] = html.unescape(text) if suffix in {".html", ".htm"} else text
    return texts


def _warehouse_texts(out: Path) -> dict[str, str]:
    """Every text (and text list) column of every table in every landlord's DuckDB file."""
    texts: dict[str, str] = {}
    for path in sorted((out / "warehouse").glob("*.duckdb")):
        con = duckdb.connect(str(path), read_only=True)
        try:
            columns = con.execute(
                "select table_name, column_name from duckdb_columns() "
                "where database_name = current_database() and schema_name = 'main' "
                "and (data_type = 'VARCHAR' or data_type = 'VARCHAR[]')"
            ).fetchall()
            for table, column in columns:
                value = con.execute(
                    f'select string_agg(cast("{column}" as varchar), chr(10)) from "{table}"'  # noqa: S608
                ).fetchone()[0]
                texts[f"{path.name}:{table}.{column}"] = value or ""
        finally:
            con.close()
    return texts


def _found(texts: dict[str, str], planted: list[str]) -> dict[str, list[str]]:
    names = list(texts)
    series = pl.Series("text", [_normalise(texts[n]) for n in names])
    hits = series.str.extract_many(planted, overlapping=True).to_list()
    return {name: sorted(set(found)) for name, found in zip(names, hits, strict=True) if found}


def test_full_run_succeeds_for_every_example(full_run):
    out, process = full_run
    assert process.returncode == 0, process.stdout[-4000:] + process.stderr[-4000:]
    for landlord in ("housing21", "small_specialist", "homes_plus", "council_housing"):
        assert (out / "warehouse" / f"{landlord}.duckdb").is_file()
        assert any((out / landlord).rglob("annual_report.html")), landlord


def test_no_planted_personal_data_in_any_output(full_run, planted):
    out, _ = full_run
    documents = _documents(out)
    kinds = {Path(name).suffix for name in documents}
    assert {".csv", ".xlsx", ".html", ".pdf"} <= kinds, kinds  # every kind of output was scanned
    assert len(planted) > 10_000
    found = _found(documents, planted)
    assert found == {}, {k: v[:5] for k, v in found.items()}


def test_no_planted_personal_data_in_any_table(full_run, planted):
    out, _ = full_run
    texts = _warehouse_texts(out)
    assert any(name.endswith("quarantine.raw_value") for name in texts)
    found = _found(texts, planted)
    assert found == {}, {k: v[:5] for k, v in found.items()}


def test_scanner_finds_what_it_looks_for(planted):
    """The scan is not vacuous: a planted string in any of the supported shapes is found."""
    sample = planted[len(planted) // 2]
    wrapped = sample.replace(" ", "\n", 1)  # as PDF text wraps a line
    texts = {"a.html": html.unescape(html.escape(f"<td>{sample}</td>")), "b.pdf": wrapped}
    assert set(_found(texts, planted)) == {"a.html", "b.pdf"}


def test_ids_are_keyed_hashes_of_the_environment_key(full_run):
    out, _ = full_run
    con = duckdb.connect(str(out / "warehouse" / "housing21.duckdb"), read_only=True)
    try:
        ids = {r[0] for r in con.execute("select complaint_id from complaint").fetchall()}
    finally:
        con.close()
    # CMP-108060 is the first complaint of the 2024-25 ERICA export.
    assert pseudonymise("CMP-108060", PII_KEY) in ids
    assert pseudonymise("CMP-108060", "development-key-not-for-production") not in ids
    assert not any(i.startswith("CMP-") for i in ids)


# --- the pseudonymisation key ---------------------------------------------------------------------


def test_development_key_in_production_is_flagged():
    from pipeline.resources import pseudonymisation_key_warning
    from pipeline.utils.environment import DEVELOPMENT_KEY

    assert "COMPLAINTS_PSEUDONYMISATION_KEY" in pseudonymisation_key_warning(
        DEVELOPMENT_KEY, "prod"
    )
    assert pseudonymisation_key_warning("  ", "prod") is not None
    assert pseudonymisation_key_warning("a-real-secret", "prod") is None
    assert pseudonymisation_key_warning(DEVELOPMENT_KEY, "local") is None
    assert pseudonymisation_key_warning(DEVELOPMENT_KEY, "ci") is None


def test_production_run_with_development_key_warns(monkeypatch, tmp_path):
    import dagster as dg

    from pipeline.defs.resources import resources
    from pipeline.resources import ComplaintsStore, DevelopmentKeyWarning

    monkeypatch.setenv("COMPLAINTS_ENV", "prod")
    monkeypatch.delenv("COMPLAINTS_PSEUDONYMISATION_KEY", raising=False)
    monkeypatch.setenv("COMPLAINTS_OUTPUT_ROOT", str(tmp_path))
    store = resources().resources["store"]
    assert store.environment == "prod"

    @dg.asset(required_resource_keys={"store"})
    def touches_store(context) -> None:
        assert isinstance(context.resources.store, ComplaintsStore)

    with pytest.warns(DevelopmentKeyWarning, match="COMPLAINTS_ENV=prod"):
        assert dg.materialize([touches_store], resources={"store": store}).success

    monkeypatch.setenv("COMPLAINTS_PSEUDONYMISATION_KEY", "a-real-secret")
    store = resources().resources["store"]
    # passed as dg.EnvVar (its value never shows in the UI); resolved when the run starts
    assert store.process_config_and_initialize().pseudonymisation_key == "a-real-secret"
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", DevelopmentKeyWarning)
        assert dg.materialize([touches_store], resources={"store": store}).success


# --- personal data planted in every column of every export shape ---------------------------------

# landlord -> its 2025-26 complaints export: wide CSV, long ';' CSV, XLSX report.
PLANT_EXPORTS = {
    "housing21": "exports/erica_complaints_2025-26.csv",
    "council_housing": "exports/housing_complaints_FY2025-26.csv",
    "small_specialist": "exports/homemaster_complaints_2025-26.xlsx",
}
# common forenames (the bare-name screen's list) with surnames found nowhere else in the examples
PLANTED_NAMES = ["Jean Vexbridge", "Peter Quillfeather", "MARGARET THRUPP"]


# a named home and its street, no house number and no postcode (found nowhere in the examples)
PLANTED_HOMES = ["Vexbridge Cottage, Thrupp Lane", "Quillfeather Farm, Mill Road"]
KINDS = 7


def _plant_value(kind: int, n: int) -> str:
    """Kinds: email, UK mobile, UK landline, postcode, National Insurance number, name, a named
    home with its street."""
    return [
        f"pii.planted{n}@example.invalid",
        f"07911 {n:06d}",
        f"0161 496 {n % 10000:04d}",
        f"ZE{n % 9 + 1} {n % 10}XQ",
        f"JZ{n:06d}C",
        PLANTED_NAMES[n % len(PLANTED_NAMES)],
        PLANTED_HOMES[n % len(PLANTED_HOMES)],
    ][kind]


def _plant(workspace: Path, export: str) -> list[str]:
    """Write a planted value into every column of the export (kinds rotate per column)."""
    from fnmatch import fnmatch

    from pipeline.mapping import load_mappings

    mapping = next(
        m for m in load_mappings(workspace).values() if any(fnmatch(export, g) for g in m.files)
    )
    path = workspace / export
    planted: list[str] = []
    if path.suffix == ".xlsx":
        workbook = load_workbook(path)
        sheet = workbook.worksheets[0]
        header_row = mapping.header_row
        header = [c.value for c in sheet[header_row]]
        rows = range(header_row + 1, sheet.max_row)  # the totals row stays
        for i, row in enumerate(rows):
            column = i % len(header)
            kind = (i // len(header) + column) % KINDS
            value = _plant_value(kind, i)
            sheet.cell(row, column + 1).value = value
            planted.append(value)
        workbook.save(path)
        return planted
    import csv
    import io

    raw = path.read_bytes()
    encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        encoding = "cp1252"
        text = raw.decode(encoding)
    delimiter = mapping.delimiter
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header = rows[0]
    for i, row in enumerate(rows[1:]):
        column = i % len(header)
        kind = (i // len(header) + column) % KINDS
        value = _plant_value(kind, i)
        if column < len(row):
            row[column] = value
            planted.append(value)
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return planted


@pytest.fixture(scope="module")
def planted_run(tmp_path_factory):
    import shutil

    root = tmp_path_factory.mktemp("pii_every_column")
    workspaces, out = root / "workspaces", root / "out"
    planted: set[str] = set()
    for landlord, export in PLANT_EXPORTS.items():
        shutil.copytree(EXAMPLES / landlord, workspaces / landlord)
        planted.update(_plant(workspaces / landlord, export))
    process = _complaints_run(
        ["--all", "--workspaces-root", str(workspaces), "--output", str(out), "--year", "2025-26"]
        + ["--only", "returns", "--parallel", "1"],
        COMPLAINTS_WORKSPACES_ROOT=str(workspaces),
        COMPLAINTS_OUTPUT_ROOT=str(out),
    )
    return out, process, sorted(planted)


def test_pii_planted_in_every_column_stays_out(planted_run):
    out, process, planted = planted_run
    assert len(planted) > 1000
    kinds = {"@example.invalid", "07911 ", "0161 496 ", "XQ", "JZ", *PLANTED_NAMES, *PLANTED_HOMES}
    assert all(any(k in p for p in planted) for k in kinds)  # every kind was planted
    for landlord in PLANT_EXPORTS:
        # the run went through: planted cells are quarantined or loaded, never a stopped run
        assert f"[{landlord}] 2025-26: ok" in process.stdout, process.stdout[-3000:]
        con = duckdb.connect(str(out / "warehouse" / f"{landlord}.duckdb"), read_only=True)
        try:
            loaded, quarantined = con.execute(
                "select sum(rows_loaded), sum(rows_quarantined) from ingest_file"
            ).fetchone()
        finally:
            con.close()
        assert loaded > 500 and quarantined > 20, (landlord, loaded, quarantined)
    documents = _documents(out)
    assert any(name.endswith("quarantine.csv") for name in documents)
    found = _found(documents, planted)
    found |= _found(_warehouse_texts(out), planted)
    found |= _found({"console": process.stdout + process.stderr}, planted)
    assert found == {}, {k: v[:5] for k, v in found.items()}


# --- personal data planted in every column of the other inputs, through to the documents --------

# housing21's inputs besides its complaint exports: every kind of CSV the mappings read.
PLANT_INPUTS = [
    "exports/erica_compliments.csv",
    "exports/erica_contact_restrictions.csv",
    "exports/erica_promised_actions.csv",
    "learning.csv",
    "ombudsman/casework.csv",
    "ombudsman/chfos.csv",
    "ombudsman/findings.csv",
    "ombudsman/orders.csv",
    "surveys/complaint_satisfaction_monthly.csv",
    "surveys/tsm_perception_2025-26.csv",
]


# A resident's address and postcode typed into what people write for the annual report: the
# board's response, the commentary, other reports and the self-assessment's evidence, commentary
# and who completed it (pipeline/contact_details.py withholds them in every document).
PLANTED_ADDRESSES = {
    "board_response.md": "Mrs Vexbridge of 17 Quillfeather Crescent, Thruppington LS6 2QT",
    "narrative.md": "Flat 3, 22 Vexbridge Road",
    "other_reports.yaml": "ls62qt",
    "self_assessment.yaml": "Flat 9, 41 Thruppington Avenue, Leeds LS7 4QX",
}


def _plant_addresses(workspace: Path) -> None:
    import yaml

    folder = workspace / "annual_report" / "2025-26"
    board = folder / "board_response.md"
    board.write_text(
        board.read_text(encoding="utf-8")
        + f"\nWe apologise to {PLANTED_ADDRESSES['board_response.md']} for the delay.\n",
        encoding="utf-8",
    )
    narrative = folder / "narrative.md"
    narrative.write_text(
        narrative.read_text(encoding="utf-8")
        + f"\nOne case ({PLANTED_ADDRESSES['narrative.md']}) took 40 working days.\n",
        encoding="utf-8",
    )
    reports = folder / "other_reports.yaml"
    entries = yaml.safe_load(reports.read_text(encoding="utf-8"))
    entries[0]["summary"] += (
        f" (raised by the resident at {PLANTED_ADDRESSES['other_reports.yaml']})"
    )
    reports.write_text(yaml.safe_dump(entries), encoding="utf-8")
    assessment = folder / "self_assessment.yaml"
    doc = yaml.safe_load(assessment.read_text(encoding="utf-8"))
    address = PLANTED_ADDRESSES["self_assessment.yaml"]
    doc["provisions"][0]["evidence"].append(f"Letter to {address}")
    doc["provisions"][0]["commentary"] += f" Visited {address.upper()}."
    doc["completed_by"] = f"Head of Customer Experience, {address}"
    assessment.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def planted_inputs_run(tmp_path_factory):
    import shutil

    root = tmp_path_factory.mktemp("pii_other_inputs")
    workspace, out = root / "housing21", root / "out"
    shutil.copytree(EXAMPLES / "housing21", workspace)
    planted: set[str] = set()
    for relative in PLANT_INPUTS:
        planted.update(_plant(workspace, relative))
    _plant_addresses(workspace)
    process = _complaints_run(
        ["--workspace", str(workspace), "--output", str(out), "--year", "2025-26"]
        + ["--committee", "last"]
    )
    return out, process, sorted(planted)


def test_pii_planted_in_every_other_input_stays_out_of_every_document(planted_inputs_run):
    """Improvements, Ombudsman casework, surveys, compliments, restrictions and promised actions
    feed the annual report, the learning summary and the committee pack: a name, an email, a
    phone number, a postcode or an NI number typed into any of their columns reaches none."""
    out, process, planted = planted_inputs_run
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-3000:]
    assert len(planted) > 1000
    kinds = {"@example.invalid", "07911 ", "0161 496 ", "XQ", "JZ", *PLANTED_NAMES, *PLANTED_HOMES}
    assert all(any(k in p for p in planted) for k in kinds)  # every kind was planted
    documents = _documents(out)
    published = {"annual_report_published.pdf", "learning_summary.pdf", "committee_pack.pdf"}
    assert published <= {Path(name).name for name in documents}
    found = _found(documents, planted)
    found |= _found(_warehouse_texts(out), planted)
    found |= _found({"console": process.stdout + process.stderr}, planted)
    assert found == {}, {k: v[:5] for k, v in found.items()}


def test_an_address_typed_into_the_annual_reports_texts_reaches_no_document(planted_inputs_run):
    """A board response quoting "Mrs X of 14 Acacia Avenue, Leeds LS6 2QT" was published as
    written, as was an address in the commentary, other reports or the self-assessment. None
    reaches a document, the warehouse or the console; the data-quality report names each file
    and line or field, never the address."""
    out, process, _ = planted_inputs_run
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-3000:]
    addresses = list(PLANTED_ADDRESSES.values())
    planted = addresses + [a.upper() for a in addresses]
    planted += ["Quillfeather Crescent", "Vexbridge Road", "Thruppington Avenue", "LS6 2QT"]
    planted += ["LS7 4QX", "ls62qt", "LS62QT"]
    documents = _documents(out)
    names = {Path(name).name for name in documents}
    assert {"annual_report.html", "annual_report_published.pdf", "self_assessment.html"} <= names
    found = _found(documents, planted)
    found |= _found(_warehouse_texts(out), planted)
    found |= _found({"console": process.stdout + process.stderr}, planted)
    assert found == {}, {k: v[:5] for k, v in found.items()}
    annual = next(text for name, text in documents.items() if name.endswith("annual_report.html"))
    assert "We apologise to Mrs Vexbridge of [contact details withheld] for the delay." in annual
    quality = "\n".join(
        _normalise(text) for name, text in documents.items() if "data_quality" in name
    )
    for where in (
        "annual_report/2025-26/board_response.md: line",
        "annual_report/2025-26/narrative.md: line",
        "annual_report/2025-26/other_reports.yaml: report 1, field 'summary'",
        "annual_report/2025-26/self_assessment.yaml: provision 1.2, field 'evidence'",
        "annual_report/2025-26/self_assessment.yaml: provision 1.2, field 'commentary'",
        "annual_report/2025-26/self_assessment.yaml: key 'completed_by'",
    ):
        assert f"{where}" in quality, where
    assert "1 personal detail" in quality
