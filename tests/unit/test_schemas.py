"""Pandera models: one per canonical table, every field described, data checks really run."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipeline.schemas import SCHEMAS, validate_table, validate_tables
from pipeline.sources.canonical import canonical_tables

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "ingest"))

import workspaces as ws  # noqa: E402

from pipeline.config import load_landlord  # noqa: E402
from pipeline.ingest import ingest_workspace  # noqa: E402


def test_validation_depth_is_schema_and_data():
    import pandera.config

    assert os.environ["PANDERA_VALIDATION_DEPTH"] == "SCHEMA_AND_DATA"
    assert pandera.config.get_config_global().validation_depth == (
        pandera.config.ValidationDepth.SCHEMA_AND_DATA
    )


def test_a_model_for_every_table_with_every_column_described():
    tables = canonical_tables()
    assert set(SCHEMAS) == set(tables)
    for table, model in SCHEMAS.items():
        schema = model.to_schema()
        assert set(schema.columns) == set(tables[table]), table
        for name, column in schema.columns.items():
            assert column.description, f"{table}.{name} has no description"
            assert column.nullable == (not tables[table][name].not_null), f"{table}.{name}"


def _stage_frame(**changes) -> pl.DataFrame:
    con = duckdb.connect()
    from pipeline.sql import load_sql

    con.execute(load_sql("schema/canonical.sql"))
    con.execute(
        "insert into complaint_stage (landlord_id, complaint_id, stage, received_date, "
        "acknowledged_date, extension_wd, responded_date, outcome, refused, source_file, "
        "source_row) values ('l', 'abc', 1, date '2024-05-01', date '2024-05-02', 0, "
        "date '2024-05-10', 'upheld', false, 'f.csv', 2)"
    )
    frame = con.sql("select * from complaint_stage").pl()
    return frame.with_columns(**{k: pl.lit(v).cast(frame.schema[k]) for k, v in changes.items()})


def test_clean_stage_passes():
    assert validate_table(_stage_frame(), "complaint_stage").height == 0


@pytest.mark.parametrize(
    ("changes", "check"),
    [
        ({"stage": 3}, "isin"),
        ({"extension_wd": -1}, "greater_than_or_equal_to(0)"),
        ({"outcome": "resolved"}, "isin"),
        ({"responded_date": dt.date(2024, 4, 1)}, "responded_not_before_received"),
    ],
)
def test_data_checks_catch_bad_values(changes, check):
    failures = validate_table(_stage_frame(**changes), "complaint_stage")
    assert failures.height >= 1
    assert any(check in c for c in failures["check"].to_list())


def test_validate_tables_on_an_ingested_workspace(tmp_path):
    root = ws.generic_workspace(tmp_path)
    con = duckdb.connect()
    ingest_workspace(con, root, load_landlord(root), ws.KEY)
    results = validate_tables(con, "test_homes")
    assert set(results) == set(SCHEMAS)
    assert {t: f.height for t, f in results.items() if f.height} == {}
    con.execute("update complaint set tenure = 'council' where received_date = date '2024-05-01'")
    assert validate_tables(con, "test_homes")["complaint"].height == 1
