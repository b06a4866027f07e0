"""The monthly committee pack's Dagster asset for a month after the data cut.

The monthly schedule asks for the month just ended whatever landlord.yaml's data cut says, so when
the exports have not been refreshed it asks for a month the data cannot speak for. The run must
succeed (a failed scheduled run stops nothing but alarms everyone) and the pack must say that the
month's figures are not available, not print 0 complaints and 0 open stages.
"""

from __future__ import annotations

import dagster as dg
import pytest

from pipeline.defs.reporting.assets import monthly_committee_pack
from pipeline.partitions import add_landlords, month_key
from pipeline.reporting.browser import chromium_path
from pipeline.reporting.sample import SAMPLE_LANDLORD, build_sample_workspace
from pipeline.reporting.trace import untraced
from pipeline.resources import ComplaintsStore

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not chromium_path().exists(), reason=f"Debian chromium missing at {chromium_path()}"
    ),
]


def test_a_month_after_the_cut_materialises_a_pack_without_figures(tmp_path):
    landlord_id = "sample_homes"
    assert str(SAMPLE_LANDLORD["data_cut_date"]) == "2025-04-30"  # June 2025 is after it
    instance = dg.DagsterInstance.ephemeral()
    add_landlords(instance, [landlord_id])
    store = ComplaintsStore(
        workspaces_root=str(tmp_path / "workspaces"), output_root=str(tmp_path / "output")
    )
    build_sample_workspace(store, landlord_id)

    result = dg.materialize(
        [monthly_committee_pack],
        resources={"store": store},
        partition_key=month_key(landlord_id, "2025-06"),
        instance=instance,
    )
    assert result.success
    folder = store.documents(landlord_id, "2025-06")
    assert (folder / "committee_pack.pdf").stat().st_size > 0
    html = untraced((folder / "committee_pack.html").read_text(encoding="utf-8"))
    assert "June 2025 begins after the data cut date, 30 April 2025" in html
    assert "June 2025: figures not available" in html
    assert "<table" not in html
