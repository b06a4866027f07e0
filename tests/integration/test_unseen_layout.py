"""A case-system layout the product has never seen, onboarded with mapping YAML only.

The benchmark generator's long stage-event export is rewritten as another system would write it:
semicolons, cp1252, a title line above the header and a totals line below, dates as
``14 Sep 2022 14:30`` and ``29/09/2022``, ``Stage One``/``Stage Two``, title-case outcomes and
channels mapped without a codes list, ``Y``/``N`` and ``Yes``/``No`` flags, ids in another form.
With a new mapping file (and no code change) every figure of the ``measures`` table must equal the
original layout's, and every row must be accounted for.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from bench.generate import generate_workspace
from pipeline.config import load_landlord
from pipeline.ingest import ingest_workspace
from pipeline.measures import compute_measures
from pipeline.periods import ReportingYear

YEARS = ("2023-24", "2024-25")

MAPPING = """\
files: ["exports/complaint_events.csv"]
format: csv
encoding: auto
delimiter: ";"
header_row: 2
footer: {column: "Complaint Reference", pattern: "^Total rows"}
target: complaint
shape: long
date_formats: ["%d %b %Y", "%d/%m/%Y"]
columns:
  complaint_id: "Complaint Reference"
  stage: {column: "Stage Name", codes: {"Stage One": 1, "Stage Two": 2}}
  received_date: "Date Logged"
  acknowledged_date: "Acknowledged"
  extension_wd: "Ext Days"
  responded_date: "Closed Date"
  outcome: {column: "Outcome", default: open}
  refused: "Refused?"
  regime: "Nation"
  tenure:
    column: "Tenure"
    codes: {"SOCIAL RENT": lcra, "SHARED OWNERSHIP": lcho, "LEASEHOLDER": leaseholder,
            "MARKET RENT": other}
    default: unknown
  is_tenant_of_owned_stock: "Owned"
  anonymous: "Anon"
  collective: "Group complaint"
  vulnerability: "Vulnerable?"
  category: "Complaint Category"
  service_area:
    column: "Service"
    codes: {"Repairs": repairs, "Asb Handling": asb_handling, "Housing": housing, "Other": other,
            "Care": care, "Heat Network": heat_network}
  channel: "Received Via"
"""


def _date(column: str, fmt: str, time: str = "") -> pl.Expr:
    # A cell that is not an ISO date (the generator's planted bad dates) is kept as written.
    parsed = pl.col(column).str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    return pl.when(parsed.is_null()).then(pl.col(column)).otherwise(parsed.dt.strftime(fmt) + time)


def _rewrite(original: Path, target: Path) -> Path:
    shutil.copytree(original, target)
    landlord = (target / "landlord.yaml").read_text()
    (target / "landlord.yaml").write_text(landlord.replace(original.name, "unseen_layout"))
    events = pl.read_csv(target / "exports" / "stage_events.csv", infer_schema=False)
    yes_no = {"true": "Yes", "false": "No"}
    rewritten = events.select(
        pl.col("case_reference").str.replace("CMP-", "cmp/").alias("Complaint Reference"),
        pl.col("stage")
        .replace({"Stage 1": "Stage One", "Stage 2": "Stage Two"})
        .alias("Stage Name"),
        _date("event_date", "%d %b %Y", " 14:30").alias("Date Logged"),
        _date("acknowledged_on", "%d/%m/%Y").alias("Acknowledged"),
        pl.col("extension_days").alias("Ext Days"),
        _date("responded_on", "%d/%m/%Y").alias("Closed Date"),
        pl.col("outcome").str.to_titlecase().alias("Outcome"),
        pl.col("refused").replace({"true": "Y", "false": "N"}).alias("Refused?"),
        pl.col("country").alias("Nation"),
        pl.col("tenure_type").str.to_uppercase().alias("Tenure"),
        pl.col("owned_by_landlord").replace(yes_no).alias("Owned"),
        pl.col("anonymous").replace(yes_no).alias("Anon"),
        pl.col("collective").alias("Group complaint"),
        pl.col("vulnerable").alias("Vulnerable?"),
        pl.col("category").alias("Complaint Category"),
        pl.col("service_area").str.replace("_", " ").str.to_titlecase().alias("Service"),
        pl.col("channel").str.to_titlecase().alias("Received Via"),
    )
    text = (
        "Complaints extract - generated 30/04/2025\n"
        + rewritten.write_csv(separator=";")
        + f"Total rows: {rewritten.height}\n"
    )
    (target / "exports" / "stage_events.csv").unlink()
    (target / "exports" / "complaint_events.csv").write_bytes(text.encode("cp1252"))
    (target / "mappings" / "stage_events_long.yaml").unlink()
    (target / "mappings" / "complaint_events.yaml").write_text(MAPPING)
    return target


def _measures(workspace: Path) -> tuple[pl.DataFrame, object]:
    landlord = load_landlord(workspace)
    con = duckdb.connect()
    summary = ingest_workspace(con, workspace, landlord, "layout-key")
    for year in YEARS:
        compute_measures(con, landlord, ReportingYear.parse(year))
    frame = con.sql("select * exclude (landlord_id) from measures order by all").pl()
    return frame, summary


@pytest.fixture(scope="module")
def workspaces(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    original = generate_workspace(8_000, tmp_path_factory.mktemp("original"), seed=3)
    return original, _rewrite(original, tmp_path_factory.mktemp("unseen") / "unseen_layout")


def test_unseen_layout_gives_the_same_measures(workspaces: tuple[Path, Path]) -> None:
    original, unseen = workspaces
    expected, expected_summary = _measures(original)
    got, summary = _measures(unseen)
    assert summary.reconciles
    assert (summary.rows_in, summary.rows_loaded, summary.rows_quarantined) == (
        expected_summary.rows_in,
        expected_summary.rows_loaded,
        expected_summary.rows_quarantined,
    )
    assert summary.quarantine_by_rule == expected_summary.quarantine_by_rule
    assert got.height == expected.height > 1_000
    assert got.join(expected, on=got.columns, how="anti", nulls_equal=True).height == 0
