"""The ``self_assessment`` asset end to end: tmp workspace and warehouse, HTML, PDF, XLSX, check.

The warehouse holds only a ``measures`` table written here (the asset reads nothing else).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil

import dagster as dg
import duckdb
import openpyxl
import pytest
import yaml
from pypdf import PdfReader

from pipeline.defs.self_assessment.assets import CHECK_NAME, consistency_result, self_assessment
from pipeline.partitions import instance_with_landlords
from pipeline.resources import ComplaintsStore
from pipeline.self_assessment.build import load_document
from pipeline.self_assessment.reference import load_provisions
from pipeline.self_assessment.render import render_html
from pipeline.workspaces import discover_landlords as _discover

YEAR = "2024-25"
# The partitions definition is read from the workspaces root at import: use one of its keys.
LANDLORD = _discover()[0]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian chromium"),
]


def write_workspace(root, comply_6_2):
    workspace = root / "workspaces" / LANDLORD
    workspace.mkdir(parents=True)
    stage = {"acknowledge_wd": 5, "respond_wd": 10, "extension_wd": 10}
    (workspace / "landlord.yaml").write_text(
        yaml.safe_dump(
            {
                "landlord_id": LANDLORD,
                "name": "Integration Homes",
                "regimes": ["eng"],
                "stock": [{"year_end": "2025-03-31", "stock_type": "lcra", "units_owned": 800}],
                "policy_versions": [
                    {
                        "effective_from": "2024-04-01",
                        "timescales": {
                            "eng": {"stage_1": stage, "stage_2": {**stage, "respond_wd": 20}}
                        },
                        "escalation_window": {"months_after_stage1_response": 6},
                    }
                ],
                "tsm_summary_of_approach": "Postal census",
            }
        )
    )
    entries = [
        {
            "id": p.id,
            "comply": "yes",
            "evidence": ["Complaints policy 2024"],
            "commentary": "<i>As policy</i>",
        }
        for p in load_provisions().form_provisions
    ]
    for entry in entries:
        if entry["id"] == "6.2":
            entry["comply"] = comply_6_2
            if comply_6_2 == "no":
                entry["actions"] = [
                    {"what": "Daily ack report", "owner": "Complaints lead", "due": "2025-10-01"}
                ]
    (workspace / "self_assessment.yaml").write_text(
        yaml.safe_dump({"reporting_year": YEAR, "provisions": entries}, sort_keys=False)
    )
    return workspace


def write_measures(store: ComplaintsStore, ack_value: float):
    path = store.warehouse(LANDLORD)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute(
        "create table measures (landlord_id varchar, period_kind varchar, period varchar, "
        "period_start date, period_end date, measure varchar, breakdown varchar, "
        "breakdown_value varchar, view varchar, numerator double, denominator double, "
        "value double, display varchar, unit varchar)"
    )
    con.execute(
        "insert into measures values (?, 'year', ?, ?, ?, 'ack_in_time_1', 'regime', 'eng', "
        "'regulator', ?, 500, ?, ?, 'percent')",
        [
            LANDLORD,
            YEAR,
            dt.date(2024, 4, 1),
            dt.date(2025, 3, 31),
            ack_value * 5,
            ack_value,
            f"{ack_value:.1f}",
        ],
    )
    con.close()


def run(tmp_path, comply_6_2: str, ack_value: float):
    write_workspace(tmp_path, comply_6_2)
    store = ComplaintsStore(
        workspaces_root=str(tmp_path / "workspaces"), output_root=str(tmp_path / "output")
    )
    write_measures(store, ack_value)
    result = dg.materialize(
        [self_assessment],
        resources={"store": store},
        partition_key=dg.MultiPartitionKey({"landlord": LANDLORD, "year": YEAR}),
        instance=instance_with_landlords([LANDLORD]),
    )
    assert result.success
    checks = result.get_asset_check_evaluations()
    assert [c.check_name for c in checks] == [CHECK_NAME]
    return store.documents(LANDLORD, YEAR), checks[0]


def squash(text: str) -> str:
    # PDF text breaks lines inside words ("two-\nstage"): compare with no whitespace at all.
    return "".join(text.split())


def test_contradicted_yes_is_flagged_in_every_output_and_the_check(tmp_path):
    out, check = run(tmp_path, comply_6_2="yes", ack_value=71.2)
    assert not check.passed
    assert check.severity == dg.AssetCheckSeverity.WARN
    assert check.metadata["contradicted_provisions"].value == ["6.2"]

    html = (out / "self_assessment.html").read_text(encoding="utf-8")
    assert "stage 1: complaints acknowledged in time: 71.2% (356 of 500)" in html
    assert "&lt;i&gt;As policy&lt;/i&gt;" in html and "<i>As policy</i>" not in html
    assert re.search(r'<tr id="p-6\.2" class="contradicted"', html)

    pdf_text = squash(
        " ".join(p.extract_text() for p in PdfReader(out / "self_assessment.pdf").pages)
    )
    for provision in load_provisions().provisions:
        assert pdf_text.count(squash(provision.requirement)) == 1, provision.id
    assert (
        squash("Data contradicts “Yes”: stage 1: complaints acknowledged in time: 71.2%")
        in pdf_text
    )

    book = openpyxl.load_workbook(io.BytesIO((out / "self_assessment.xlsx").read_bytes()))
    ids = [row[0] for s in book.worksheets[1:] for row in s.iter_rows(min_row=2, values_only=True)]
    assert ids == [p.id for p in load_provisions().form_provisions]


def test_honest_no_passes_the_check(tmp_path):
    # Same data as above, but 6.2 answered "no" with an action plan: nothing is contradicted.
    # The check logic is called directly, so this test prints no second PDF.
    workspace = write_workspace(tmp_path, "no")
    store = ComplaintsStore(
        workspaces_root=str(tmp_path / "workspaces"), output_root=str(tmp_path / "output")
    )
    write_measures(store, 71.2)
    with store.connect(LANDLORD, read_only=True) as con:
        document = load_document(con, workspace, store.landlord(LANDLORD), YEAR)
    check = consistency_result(document)
    assert check.passed
    assert check.metadata["contradicted_provisions"].value == []
    # This warehouse holds no promised-action figure: 6.6, 6.17 and 7.3 are "yes" answers with
    # nothing to check them, which the check names (it passes: nothing contradicts them).
    assert {"6.6", "6.17", "7.3"} <= set(check.metadata["unchecked_provisions"].value)
    html = render_html(document)
    assert "Daily ack report" in html and 'class="contradicted"' not in html


def test_invalid_yaml_fails_the_asset_naming_provision_and_field(tmp_path):
    workspace = write_workspace(tmp_path, "yes")
    path = workspace / "self_assessment.yaml"
    path.write_text(path.read_text().replace("comply: 'yes'", "comply: maybe", 1))
    store = ComplaintsStore(
        workspaces_root=str(tmp_path / "workspaces"), output_root=str(tmp_path / "output")
    )
    write_measures(store, 99.0)
    result = dg.materialize(
        [self_assessment],
        resources={"store": store},
        partition_key=dg.MultiPartitionKey({"landlord": LANDLORD, "year": YEAR}),
        instance=instance_with_landlords([LANDLORD]),
        raise_on_error=False,
    )
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    message = str(failure.event_specific_data.error)
    assert "provision 1.2, field 'comply': 'maybe' is not one of yes/no" in message
