"""The example workspaces: generated deterministically, valid config, real dirty rows, no PII mapped."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import io
import json
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline.config import load_landlord
from pipeline.mapping import load_mappings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
WORKSPACES = ["housing21", "small_specialist", "homes_plus", "council_housing"]
RULES = {
    "date_unparseable",
    "date_in_future",
    "required_missing",
    "unknown_code",
    "number_unparseable",
    "response_before_receipt",
    "ack_before_receipt",
    "stage2_before_stage1_response",
    "duplicate_row",
    "conflicting_rows",
    "duplicate_id_across_files",
    "route_unknown",
}
# Columns of the raw exports that hold personal data or free text: never mapped.
PERSONAL_COLUMNS = {
    "Complainant Name", "Address", "Postcode", "Email", "Telephone", "Summary of Complaint",
    "Customer Name", "Tel", "Details", "Phone", "Complaint Summary", "TenantName",
    "PropertyAddress", "ContactEmail", "ContactPhone", "Notes", "Payee", "From", "Comments",
    "Compliment From", "Compliment", "Text", "Comment",
}  # fmt: skip


def _load_generator():
    spec = importlib.util.spec_from_file_location(
        "generate_examples", ROOT / "scripts" / "generate_examples.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate_examples"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("examples")
    _load_generator().generate(out)
    return out


def test_generator_is_deterministic_and_matches_committed_examples(regenerated):
    generated = sorted(p.relative_to(regenerated) for p in regenerated.rglob("*") if p.is_file())
    assert len(generated) > 60
    for rel in generated:
        committed = EXAMPLES / rel
        assert committed.is_file(), f"{rel} is generated but not in examples/ (rerun the generator)"
        assert _sha(committed) == _sha(regenerated / rel), f"{rel} differs from a fresh generation"


def test_generator_never_writes_self_assessment(regenerated):
    assert not list(regenerated.rglob("self_assessment.yaml"))


@pytest.mark.parametrize("name", WORKSPACES)
def test_landlord_yaml_validates(name):
    landlord = load_landlord(EXAMPLES / name)
    assert landlord.landlord_id == name
    assert landlord.data_cut_date is not None
    years = {row.year_end.year for row in landlord.stock}
    assert {2024, 2025, 2026} <= years


def test_policy_details_follow_the_seed_policies():
    h21 = load_landlord(EXAMPLES / "housing21")
    old, new = h21.policy_versions
    assert old.escalation_window.months_after_stage1_response == 6
    assert new.effective_from.isoformat() == "2026-01-27" == str(new.heat_network_rules_from)
    assert new.timescales["eng"].stage_1.extension_cap_unless_extenuating
    assert new.outside_tsm_service_areas == ["care"]
    assert h21.retention.rule == "tenancy_end_plus_months" and h21.retention.months == 12
    hp = load_landlord(EXAMPLES / "homes_plus").policy_versions[0]
    sct = hp.timescales["sct"]
    assert (sct.stage_1.acknowledge_wd, sct.stage_1.respond_wd, sct.stage_1.extension_wd) == (
        None,
        5,
        5,
    )
    assert (sct.stage_2.acknowledge_wd, sct.stage_2.respond_wd, sct.stage_2.extension_wd) == (
        3,
        20,
        10,
    )
    assert hp.escalation_window.months_after_first_known == 6
    council = load_landlord(EXAMPLES / "council_housing")
    assert council.policy_versions[0].timescales["eng"].stage_1.extension_wd is None
    assert council.policy_versions[0].escalation_window.months_after_stage1_response == 1
    assert council.complainant_survey == "every_complainant"
    small = load_landlord(EXAMPLES / "small_specialist")
    assert sum(r.units_owned for r in small.stock if r.year_end.year == 2026) < 1000
    assert small.policy_versions[-1].heat_network_rules_from.isoformat() == "2026-03-08"


@pytest.mark.parametrize("name", WORKSPACES)
def test_mappings_validate_match_files_and_never_map_personal_columns(name):
    workspace = EXAMPLES / name
    mappings = load_mappings(workspace)
    targets = {m.target for m in mappings.values()}
    assert {
        "complaint",
        "tp09_response",
        "learning_action",
        "promised_action",
        "compliment",
    } <= targets
    for rel, mapping in mappings.items():
        matched = [p for glob in mapping.files for p in workspace.glob(glob)]
        assert matched, f"{rel} matches no file"
        mapped = set(mapping.source_columns())
        assert not mapped & PERSONAL_COLUMNS, (
            f"{rel} maps personal data: {mapped & PERSONAL_COLUMNS}"
        )


def _csv_lines(path: Path) -> list[str]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    return text.splitlines()


@pytest.mark.parametrize("name", WORKSPACES)
def test_expected_quarantine_rows_point_to_real_data_rows(name):
    workspace = EXAMPLES / name
    rows = list(csv.DictReader(io.StringIO((workspace / "EXPECTED_QUARANTINE.csv").read_text())))
    assert len(rows) >= 6
    assert {r["rule"] for r in rows} <= RULES
    for row in rows:
        path, number = workspace / row["source_file"], int(row["source_row"])
        if path.suffix == ".xlsx":
            sheet = load_workbook(path, read_only=True)["Complaints"]
            cells = next(sheet.iter_rows(min_row=number, max_row=number, values_only=True))
            assert number > 5 and any(c is not None for c in cells), row
            assert not str(cells[0] or "").startswith("Total"), row
        else:
            lines = _csv_lines(path)
            assert 2 <= number <= len(lines) and lines[number - 1].strip(), row


def test_each_workspace_has_a_cp1252_and_a_utf8_bom_file():
    for name in WORKSPACES:
        files = [p for p in (EXAMPLES / name).rglob("*.csv")]
        boms = [p for p in files if p.read_bytes().startswith(b"\xef\xbb\xbf")]
        cp1252 = []
        for p in files:
            try:
                p.read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                assert "£" in p.read_bytes().decode("cp1252")
                cp1252.append(p)
        assert boms and cp1252, name


def test_planted_personal_data_is_in_the_raw_files():
    planted = json.loads((EXAMPLES / "PLANTED_PII.json").read_text(encoding="utf-8"))
    assert set(planted) == set(WORKSPACES)
    for name, values in planted.items():
        assert len(values) > 100
        raw = "".join("\n".join(_csv_lines(p)) for p in (EXAMPLES / name).rglob("*.csv"))
        xlsx_text = []
        for p in (EXAMPLES / name).rglob("*.xlsx"):
            for r in load_workbook(p, read_only=True).active.iter_rows(values_only=True):
                xlsx_text.extend(str(c) for c in r if c is not None)
        raw += "\n".join(xlsx_text)
        sample = values[:: max(1, len(values) // 50)]
        assert all(v in raw for v in sample), name


def test_volumes_are_near_sector_rates():
    """CH01 stage 1 lands near the sector (~50 per 1,000 homes) for 2024-25 in the wide export."""
    lines = _csv_lines(EXAMPLES / "housing21" / "exports" / "erica_complaints_2024-25.csv")
    records = list(csv.DictReader(lines))
    lcra = [
        r
        for r in records
        if r["Record Type"] == "Complaint"
        and r["Tenure"] == "Rent (Social/Affordable)"
        and r["H21 Owned"] == "Y"
        and r["S1 Not Accepted"] == "N"
    ]
    per_1000 = len(lcra) / 20040 * 1000
    assert 35 < per_1000 < 70
    escalated = [r for r in records if r["S2 Escalation Date"]]
    responded = [r for r in records if r["S1 Response Date"]]
    assert 0.08 < len(escalated) / len(responded) < 0.22
