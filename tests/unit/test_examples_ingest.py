"""Each example workspace ingests: every planted dirty row is quarantined with its rule, nothing
else is, every file reconciles, and no planted personal data reaches a canonical table."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pytest

from pipeline.config import load_landlord
from pipeline.ingest import ingest_workspace

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
WORKSPACES = ["housing21", "small_specialist", "homes_plus", "council_housing"]
TABLES = [
    "complaint",
    "complaint_stage",
    "non_complaint",
    "tp09_response",
    "complainant_survey",
    "ombudsman_case",
    "ombudsman_finding",
    "chfo",
    "remedy_payment",
    "learning_action",
    "promised_action",
    "compliment",
    "quarantine",
]


@pytest.fixture(scope="module", params=WORKSPACES)
def ingested(request):
    workspace = EXAMPLES / request.param
    con = duckdb.connect()
    summary = ingest_workspace(con, workspace, load_landlord(workspace), "test-key")
    yield request.param, con, summary
    con.close()


def test_every_file_reconciles(ingested):
    _, con, summary = ingested
    assert summary.reconciles
    bad = con.execute(
        "select source_file from ingest_file where rows_in <> rows_loaded + rows_quarantined"
    ).fetchall()
    assert bad == []


def test_quarantine_is_exactly_the_planted_dirty_rows(ingested):
    name, con, _ = ingested
    text = (EXAMPLES / name / "EXPECTED_QUARANTINE.csv").read_text()
    expected = {
        (r["source_file"], int(r["source_row"]), r["rule"])
        for r in csv.DictReader(io.StringIO(text))
    }
    got = set(con.execute("select source_file, source_row, rule from quarantine").fetchall())
    assert expected - got == set(), "planted rows not quarantined with their rule"
    assert got - expected == set(), "rows quarantined that were not planted"


def test_complaints_and_both_stages_load(ingested):
    name, con, _ = ingested
    complaints, stage2 = con.execute(
        "select (select count(*) from complaint), "
        "(select count(*) from complaint_stage where stage = 2)"
    ).fetchone()
    assert complaints > 100
    assert stage2 > 10
    if name == "homes_plus":
        no_stage1 = con.execute(
            "select count(*) from complaint c where c.regime = 'sct' and not exists "
            "(select 1 from complaint_stage s where s.complaint_id = c.complaint_id and s.stage = 1)"
        ).fetchone()[0]
        assert no_stage1 > 0  # SPSO: stage 2 without stage 1
    if name == "council_housing":
        routed = con.execute(
            "select (select count(*) from ombudsman_case), "
            "(select count(distinct kind) from non_complaint)"
        ).fetchone()
        assert routed[0] > 0 and routed[1] == 2


def test_no_planted_personal_data_reaches_the_tables(ingested):
    name, con, _ = ingested
    planted = set(json.loads((EXAMPLES / "PLANTED_PII.json").read_text(encoding="utf-8"))[name])
    for table in TABLES:
        columns = [
            c
            for c, t in con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_name = ?",
                [table],
            ).fetchall()
            if t == "VARCHAR"
        ]
        for column in columns:
            values = {
                v
                for (v,) in con.execute(f'select distinct "{column}" from {table}').fetchall()  # noqa: S608
                if v is not None
            }
            assert not values & planted, f"{table}.{column} holds planted personal data"
