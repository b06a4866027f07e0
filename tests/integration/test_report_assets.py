"""The reporting assets materialise through Dagster and record their paths and render time."""

from __future__ import annotations

import dagster as dg
import pytest

from pipeline.defs.reporting.assets import (
    annual_report,
    committee_pack,
    data_quality_report,
    learning_summary,
)
from pipeline.partitions import add_landlords, quarter_key, year_key
from pipeline.reporting.browser import chromium_path
from pipeline.reporting.sample import build_sample_workspace
from pipeline.resources import ComplaintsStore

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not chromium_path().exists(), reason=f"Debian chromium missing at {chromium_path()}"
    ),
]


def test_reporting_assets_materialise(tmp_path):
    # Landlords are dynamic partitions: the instance knows the ones added to it.
    landlord_id = "sample_homes"
    instance = dg.DagsterInstance.ephemeral()
    add_landlords(instance, [landlord_id])
    store = ComplaintsStore(
        workspaces_root=str(tmp_path / "workspaces"), output_root=str(tmp_path / "output")
    )
    build_sample_workspace(store, landlord_id)

    yearly = dg.materialize(
        [annual_report, data_quality_report, learning_summary],
        resources={"store": store},
        partition_key=year_key(landlord_id, "2024-25"),
        selection=[annual_report.key, data_quality_report.key, learning_summary.key],
        instance=instance,
    )
    assert yearly.success
    folder = store.documents(landlord_id, "2024-25")
    expected = {
        "annual_report.html",
        "annual_report.pdf",
        "annual_report_published.html",
        "annual_report_published.pdf",
        "data_quality.html",
        "data_quality.pdf",
        "quarantine.csv",
        "learning_summary.html",
        "learning_summary.pdf",
    }
    assert expected <= {p.name for p in folder.iterdir()}
    metadata = yearly.asset_materializations_for_node("annual_report")[0].metadata
    assert metadata["pdf"] == dg.MetadataValue.path(str(folder / "annual_report.pdf"))
    assert metadata["render_seconds"].value > 0

    quarterly = dg.materialize(
        [committee_pack],
        resources={"store": store},
        partition_key=quarter_key(landlord_id, "2024-25-Q2"),
        instance=instance,
    )
    assert quarterly.success
    assert (store.documents(landlord_id, "2024-25-Q2") / "committee_pack.pdf").stat().st_size > 0


def test_annual_report_runs_after_measures_benchmarks_and_self_assessment():
    assert annual_report.group_names_by_key[annual_report.key] == "reporting"
    deps = {key.to_user_string() for key in annual_report.dependency_keys}
    assert deps == {"measures", "sector_benchmarks", "self_assessment"}
