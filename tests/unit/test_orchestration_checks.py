"""Orchestration-level checks: workspace identity, documents written; blocking gates in the graph."""

from __future__ import annotations

import os

import dagster as dg
import yaml

from pipeline.defs.orchestration import checks
from pipeline.partitions import build_landlord_year_partitions, landlord_and_year
from pipeline.resources import ComplaintsStore
from tests.unit.test_orchestration import landlord_yaml


def make_store(tmp_path, folder: str, declared: str) -> ComplaintsStore:
    workspace = tmp_path / "ws" / folder
    workspace.mkdir(parents=True)
    (workspace / "landlord.yaml").write_text(yaml.safe_dump(landlord_yaml(declared)))
    return ComplaintsStore(workspaces_root=str(tmp_path / "ws"), output_root=str(tmp_path / "out"))


def test_workspace_identity(tmp_path):
    store = make_store(tmp_path, "alpha", "alpha")
    assert checks.workspace_identity_result(store, "alpha").passed
    store = make_store(tmp_path, "beta", "gamma")
    result = checks.workspace_identity_result(store, "beta")
    assert not result.passed and result.severity == dg.AssetCheckSeverity.ERROR
    assert "landlord_id 'gamma' differs from the workspace folder 'beta'" in result.description
    (tmp_path / "ws" / "beta" / "landlord.yaml").write_text("landlord_id: [\n")
    result = checks.workspace_identity_result(store, "beta")
    assert not result.passed and "not valid YAML" in result.description


def test_exports_freshness_judges_only_the_exports_the_load_read(tmp_path):
    """A letter saved beside stale exports today made them look fresh (the check took the newest
    file in exports/), and its name, kept in the instance's event log, was a resident's."""
    import duckdb

    from pipeline.defs.ingest.checks import exports_freshness_result

    store = make_store(tmp_path, "alpha", "alpha")
    raw = yaml.safe_load((tmp_path / "ws" / "alpha" / "landlord.yaml").read_text())
    raw["data_cut_date"] = "2024-03-31"
    (tmp_path / "ws" / "alpha" / "landlord.yaml").write_text(yaml.safe_dump(raw))
    exports = tmp_path / "ws" / "alpha" / "exports"
    exports.mkdir()
    (exports / "complaints.csv").write_text("Case Ref\nC1\n")
    os.utime(exports / "complaints.csv", (1_700_000_000, 1_700_000_000))  # 14 November 2023
    (exports / "letter to Peter Quillfeather.docx").write_text("x")  # saved today
    result = exports_freshness_result(store, "alpha")  # no load yet: nothing read
    assert not result.passed and "no file in exports/ was read" in result.description

    store.warehouse("alpha").parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(store.warehouse("alpha"))) as con:
        con.execute("create table ingest_file (landlord_id varchar, source_file varchar)")
        con.execute("insert into ingest_file values ('alpha', 'exports/complaints.csv')")
    result = exports_freshness_result(store, "alpha")
    assert not result.passed  # 138 days old at the cut, whatever else was saved since
    assert result.metadata["newest_export"].value == "exports/complaints.csv"
    assert result.metadata["age_days"].value == 138
    assert "Quillfeather" not in str(result.metadata) + result.description
    assert "exports/complaints.csv, was saved 138 days before the data cut" in result.description


def test_documents_result(tmp_path):
    good = tmp_path / "report.html"
    good.write_text("<html></html>")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    result = checks.documents_result(
        {"html": dg.MetadataValue.path(str(good)), "row_count": dg.MetadataValue.int(3)}
    )
    assert result.passed and result.metadata["documents"].value == 1
    result = checks.documents_result(
        {
            "html": dg.MetadataValue.path(str(good)),
            "pdf": dg.MetadataValue.path(str(empty)),
            "xlsx": dg.MetadataValue.path(str(tmp_path / "absent.xlsx")),
        }
    )
    assert not result.passed
    assert "pdf: " in result.description and "xlsx: " in result.description
    assert "html" not in result.description


def test_documents_check_runs_after_the_asset_in_the_same_run(tmp_path):
    partitions = build_landlord_year_partitions(["alpha"], ["2024-25"])
    target = tmp_path / "annual_report.html"

    @dg.asset(name="annual_report", partitions_def=partitions)
    def annual_report(context) -> dg.MaterializeResult:
        landlord_id, year = landlord_and_year(context)
        if landlord_id == "alpha" and year == "2024-25" and (tmp_path / "write").exists():
            target.write_text("<html></html>")
        return dg.MaterializeResult(metadata={"html": dg.MetadataValue.path(str(target))})

    check = checks._documents_check("annual_report")
    key = dg.MultiPartitionKey({"landlord": "alpha", "year": "2024-25"})
    result = dg.materialize([annual_report, check], partition_key=key, raise_on_error=False)
    [evaluation] = result.get_asset_check_evaluations()
    assert not evaluation.passed and "annual_report.html" in evaluation.description

    (tmp_path / "write").touch()
    result = dg.materialize([annual_report, check], partition_key=key)
    [evaluation] = result.get_asset_check_evaluations()
    assert evaluation.passed


def test_reports_sit_behind_blocking_checks_in_the_code_location():
    """A blocking error check on the ingest or measures gate stops every report downstream."""
    from pipeline.definitions import defs

    graph = defs().resolve_asset_graph()
    names = {key.to_user_string(): key for key in graph.get_all_asset_keys()}
    blocking = {
        spec.asset_key.to_user_string()
        for assets_def in graph.assets_defs
        for spec in assets_def.check_specs
        if spec.blocking
    }
    for gate in ("canonical_tables", "measures"):
        if gate in names:
            assert gate in blocking, f"{gate} has no blocking check"
    for report in ("annual_report", "tsm_return", "data_quality_report", "committee_pack"):
        if report in names and "measures" in names:
            upstream = graph.get_ancestor_asset_keys(names[report])
            assert names["measures"] in upstream, f"{report} is not downstream of measures"
