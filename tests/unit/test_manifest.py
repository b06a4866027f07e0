"""manifest.json: inputs with their hashes and reconciliation, code version, row counts, data
cut, every output with its hash; written atomically."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import duckdb
import pytest

import pipeline.io
from pipeline.config import load_landlord
from pipeline.manifest import MANIFEST_NAME, write_manifest
from pipeline.measures import MEASURES_DDL
from pipeline.sql import load_sql

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def landlord():
    return load_landlord(EXAMPLES / "small_specialist")


@pytest.fixture
def con(landlord):
    con = duckdb.connect()
    con.execute(load_sql("schema/canonical.sql"))
    con.execute(MEASURES_DDL)
    lid = landlord.landlord_id
    con.executemany(
        "insert into ingest_file values (?, ?, ?, ?, ?, ?, ?)",
        [
            (lid, "exports/a.csv", "mappings/a.yaml", "ab" * 32, 10, 8, 2),
            (lid, "exports/b.xlsx", "mappings/b.yaml", "cd" * 32, 5, 5, 0),
            ("someone_else", "exports/z.csv", "mappings/z.yaml", "ef" * 32, 1, 1, 0),
        ],
    )
    con.execute("insert into stock values (?, DATE '2025-03-31', 'lcra', 'eng', 900)", [lid])
    for period, start, end in [
        ("2024-25", "2024-04-01", "2025-03-31"),
        ("2024-25-Q1", "2024-04-01", "2024-06-30"),
        ("2023-24", "2023-04-01", "2024-03-31"),
    ]:
        con.execute(
            "insert into measures values (?, 'year', ?, ?, ?, 'CH01_1', 'none', 'all', "
            "'regulator', 1, 2, 0.5, '0.5', 'ratio')",
            [lid, period, start, end],
        )
    yield con
    con.close()


def test_manifest_contents(con, landlord, tmp_path):
    out = tmp_path / "small_specialist" / "2024-25"
    out.mkdir(parents=True)
    (out / "tsm_return.csv").write_bytes(b"field,value\nCH01,1\n")
    (out / "annual_report.html").write_text("<html></html>")
    when = dt.datetime(2025, 5, 1, 12, 0, tzinfo=dt.UTC)
    path = write_manifest(
        con,
        landlord,
        "2024-25",
        out,
        [out / "tsm_return.csv", "annual_report.html", "missing.pdf", MANIFEST_NAME],
        generated_at=when,
    )
    assert path == out / MANIFEST_NAME
    doc = json.loads(path.read_text())
    assert doc["landlord_id"] == "small_specialist"
    assert doc["reporting_year"] == "2024-25"
    assert doc["period_start"] == "2024-04-01" and doc["period_end"] == "2025-03-31"
    assert doc["data_cut_date"] == landlord.data_cut_date.isoformat()
    assert doc["generated_at"] == "2025-05-01T12:00:00+00:00"
    assert doc["code_version"] and doc["code_version"] != "unknown"
    assert [i["file"] for i in doc["inputs"]] == ["exports/a.csv", "exports/b.xlsx"]
    assert doc["inputs"][0] == {
        "file": "exports/a.csv",
        "mapping": "mappings/a.yaml",
        "sha256": "ab" * 32,
        "rows_in": 10,
        "rows_loaded": 8,
        "rows_quarantined": 2,
        "reconciles": True,
    }
    assert doc["inputs_reconcile"] is True
    assert doc["row_counts"]["ingest_file"] == 2  # the other landlord's row is not counted
    assert doc["row_counts"]["stock"] == 1 and doc["row_counts"]["complaint"] == 0
    assert doc["measures_rows_for_year"] == 2  # the year and its quarter, not 2023-24
    files = {f["file"]: f for f in doc["outputs"]}
    assert set(files) == {"tsm_return.csv", "annual_report.html"}
    expected = hashlib.sha256(b"field,value\nCH01,1\n").hexdigest()
    assert files["tsm_return.csv"] == {"file": "tsm_return.csv", "bytes": 19, "sha256": expected}


def test_manifest_is_stable_and_atomic(con, landlord, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.csv").write_text("x\n")
    when = dt.datetime(2025, 5, 1, tzinfo=dt.UTC)
    first = write_manifest(con, landlord, "2024-25", out, ["a.csv"], generated_at=when).read_bytes()
    second = write_manifest(
        con, landlord, "2024-25", out, ["a.csv"], generated_at=when
    ).read_bytes()
    assert first == second

    # A crash while writing leaves the previous manifest whole and no temporary file behind.
    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(pipeline.io.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_manifest(con, landlord, "2024-25", out, ["a.csv"], generated_at=when)
    assert (out / MANIFEST_NAME).read_bytes() == first
    assert sorted(p.name for p in out.iterdir()) == ["a.csv", MANIFEST_NAME]


def test_unreconciled_input_is_flagged(con, landlord, tmp_path):
    con.execute("update ingest_file set rows_loaded = 7 where source_file = 'exports/a.csv'")
    doc = json.loads(write_manifest(con, landlord, "2024-25", tmp_path, []).read_text())
    assert doc["inputs_reconcile"] is False
    assert doc["outputs"] == []


def test_empty_warehouse(landlord, tmp_path):
    con = duckdb.connect()
    doc = json.loads(write_manifest(con, landlord, "2024-25", tmp_path, []).read_text())
    assert doc["inputs"] == [] and doc["row_counts"] == {} and doc["measures_rows_for_year"] == 0


def test_a_quarters_manifest_names_its_year_load_and_where_each_output_came_from(
    con, landlord, tmp_path
):
    (tmp_path / "committee_pack.html").write_text("<html></html>")
    (tmp_path / "learning_summary.html").write_text("<html></html>")
    made = {
        "committee_pack.html": {"assets": ["committee_pack"], "generation": "run-2"},
        # carried over from an earlier generation, built from another load
        "learning_summary.html": {
            "assets": ["quarterly_learning_summary"],
            "generation": "run-1",
            "inputs_sha256": "00" * 32,
        },
    }
    doc = json.loads(
        write_manifest(
            con,
            landlord,
            "2024-25-Q1",
            tmp_path,
            ["committee_pack.html", "learning_summary.html"],
            generation="run-2",
            provenance=made,
        ).read_text()
    )
    assert (doc["period"], doc["period_kind"], doc["reporting_year"]) == (
        "2024-25-Q1",
        "quarter",
        "2024-25",
    )
    assert doc["period_start"] == "2024-04-01" and doc["period_end"] == "2024-06-30"
    assert doc["measures_rows_for_year"] == 2  # the packs read their year's measures
    assert doc["generation"] == "run-2" and len(doc["inputs_sha256"]) == 64
    outputs = {f["file"]: f for f in doc["outputs"]}
    assert outputs["committee_pack.html"]["inputs_sha256"] == doc["inputs_sha256"]
    assert outputs["learning_summary.html"]["generation"] == "run-1"
    assert outputs["learning_summary.html"]["inputs_sha256"] == "00" * 32
