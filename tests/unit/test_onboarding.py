"""Onboarding without trial and error (issue 18): ids as organisations write them, every
configuration problem before ingest, the data cut said, and a returns-only run's quality files."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline import cli
from pipeline.config import ConfigError, landlord_key, load_landlord
from pipeline.ingest import ingest_workspace
from pipeline.onboarding import (
    WorkspaceError,
    check_workspace,
    data_cut_note,
    latest_export_date,
    mapping_warnings,
    workspace_problems,
)
from pipeline.reporting.quality_counts import COUNTS_FILE, write_quality_files
from pipeline.resources import ComplaintsStore
from tests.fixtures.ingest.workspaces import KEY, wide_workspace

TWEED = Path(__file__).resolve().parents[1] / "fixtures/ingest/landlords/tweed_cheviot_homes"

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Housing 21", "housing_21"),
        ("LL-A", "ll_a"),
        ("Tŷ Glas Homes", "ty_glas_homes"),
        ("  St. Mary's H.A.  ", "st_mary_s_h_a"),
        ("housing21", "housing21"),
    ],
)
def test_landlord_ids_as_organisations_write_them_become_safe_folder_names(tmp_path, written, key):
    assert landlord_key(written) == key
    text = (EXAMPLES / "housing21" / "landlord.yaml").read_text(encoding="utf-8")
    (tmp_path / "landlord.yaml").write_text(
        text.replace("landlord_id: housing21", f'landlord_id: "{written}"'), encoding="utf-8"
    )
    landlord = load_landlord(tmp_path)
    assert landlord.landlord_id == key and landlord.written_id == written


@pytest.mark.parametrize(
    ("written", "fix"),
    [
        ("!!!", "write it with letters and digits, e.g. landlord_id: housing_21"),
        ("Warehouse", "choose another, e.g. landlord_id: warehouse_homes"),
        ("x" * 70, "use a short form"),
    ],
)
def test_ids_that_give_no_safe_name_are_refused_with_the_fix(tmp_path, written, fix):
    text = (EXAMPLES / "housing21" / "landlord.yaml").read_text(encoding="utf-8")
    (tmp_path / "landlord.yaml").write_text(
        text.replace("landlord_id: housing21", f'landlord_id: "{written}"'), encoding="utf-8"
    )
    with pytest.raises(ConfigError) as info:
        load_landlord(tmp_path)
    assert "landlord.yaml" in str(info.value) and "landlord_id" in str(info.value)
    assert fix in str(info.value)


def _broken_workspace(tmp_path: Path) -> Path:
    """A copy of an example with a folder that does not match its id, an unknown landlord.yaml
    key, two broken mappings and an export nobody could read."""
    workspace = tmp_path / "Housing 21 exports"
    shutil.copytree(EXAMPLES / "housing21", workspace)
    landlord = workspace / "landlord.yaml"
    landlord.write_text(
        landlord.read_text(encoding="utf-8").replace(
            "landlord_id: housing21", 'landlord_id: "LL-A"'
        )
        + "complaint_pannel: {sample_size: 3}\n",
        encoding="utf-8",
    )
    mapping = workspace / "mappings" / "compliments.yaml"
    mapping.write_text(mapping.read_text(encoding="utf-8") + "sheet_name: Sheet1\n")
    other = workspace / "mappings" / "chfos.yaml"
    other.write_text(other.read_text(encoding="utf-8").replace("target: chfo", "target: chfos"))
    (workspace / "exports" / "erica_complaints_2023-24.csv").write_bytes(b"\x00\xff" * 10)
    return workspace


def test_every_configuration_problem_is_listed_at_once_naming_file_and_key(tmp_path):
    workspace = _broken_workspace(tmp_path)
    problems = workspace_problems(workspace)
    text = "\n".join(problems)
    assert len(problems) == 3, text
    assert "landlord.yaml: key 'complaint_pannel' is not allowed" in text
    assert "mappings/compliments.yaml: key 'sheet_name' is not allowed" in text
    assert "mappings/chfos.yaml: key 'target'" in text
    with pytest.raises(WorkspaceError, match=r"3 configuration problem\(s\)"):
        check_workspace(workspace)


def test_folder_not_named_after_the_id_says_which_name_to_use(tmp_path):
    workspace = tmp_path / "h21"
    shutil.copytree(EXAMPLES / "housing21", workspace)
    landlord = workspace / "landlord.yaml"
    landlord.write_text(
        landlord.read_text(encoding="utf-8").replace(
            "landlord_id: housing21", 'landlord_id: "Housing 21"'
        ),
        encoding="utf-8",
    )
    (problem,) = workspace_problems(workspace)
    assert (
        "key 'landlord_id': 'Housing 21' becomes the folder and file name 'housing_21'" in problem
    )
    assert "the workspace folder is 'h21': rename the folder to 'housing_21'" in problem
    assert "(or write landlord_id: h21)" in problem
    workspace.rename(tmp_path / "housing_21")
    assert workspace_problems(tmp_path / "housing_21") == []


def test_a_complaint_mapping_without_regime_for_two_regimes_is_a_configuration_problem(
    tmp_path,
):
    # One regime listed is every complaint's default; with two there is none, and a mapping
    # without `regime` loaded nothing: every row was quarantined as required_missing.
    workspace = tmp_path / "homes_plus"
    shutil.copytree(EXAMPLES / "homes_plus", workspace)
    mapping = workspace / "mappings" / "crm_complaints.yaml"
    text = mapping.read_text(encoding="utf-8")
    regime = '  regime:\n    column: "Country"\n    codes: {"England": eng, "Scotland": sct}\n'
    assert regime in text
    mapping.write_text(text.replace(regime, ""), encoding="utf-8")
    (problem,) = workspace_problems(workspace)
    assert problem.startswith("mappings/crm_complaints.yaml: key 'columns.regime' is missing")
    assert "two regimes (eng, sct)" in problem and "regime: {value: sct}" in problem
    mapping.write_text(text.replace(regime, "  regime: {value: sct}\n"), encoding="utf-8")
    assert workspace_problems(workspace) == []


def test_a_complaint_regime_landlord_yaml_does_not_list_is_a_configuration_problem(tmp_path):
    # Housing 21 lists eng only: complaints mapped to sct loaded, had no policy timescales and
    # were all late (response_in_time 0.0%), and nothing said why.
    workspace = tmp_path / "housing21"
    shutil.copytree(EXAMPLES / "housing21", workspace)
    mapping = workspace / "mappings" / "erica_complaints.yaml"
    text = mapping.read_text(encoding="utf-8")
    assert "  regime: {value: eng}\n" in text
    mapping.write_text(text.replace("  regime: {value: eng}\n", "  regime: {value: sct}\n"))
    (problem,) = workspace_problems(workspace)
    assert problem.startswith("mappings/erica_complaints.yaml: key 'columns.regime' gives sct")
    assert "landlord.yaml's regimes (eng) do not list" in problem


def test_a_scottish_complaint_mapping_without_outcome_is_warned_of(tmp_path):
    # An unmapped outcome is 'open' on every stage: the ARC return said 0.0% responded in full
    # and [U] working days, and nothing said why.
    workspace = tmp_path / "homes_plus"
    shutil.copytree(EXAMPLES / "homes_plus", workspace)
    assert mapping_warnings(workspace) == []
    mapping = workspace / "mappings" / "crm_complaints.yaml"
    text = mapping.read_text(encoding="utf-8")
    start, end = text.index("  outcome:\n"), text.index("  refused:")
    mapping.write_text(text[:start] + text[end:], encoding="utf-8")
    (warning,) = mapping_warnings(workspace)
    assert warning.startswith("mappings/crm_complaints.yaml: no outcome is mapped for every stage")
    assert "ARC return counts none as responded in full" in warning
    assert mapping_warnings(EXAMPLES / "housing21") == []  # England only: CH02 reads the dates


def test_a_survey_mapping_without_regime_is_warned_of_for_a_landlord_in_both_countries(tmp_path):
    # A response without a regime is English: in one file of both countries a Scottish
    # tenant's answer would be counted in the English TP09, with nothing said.
    workspace = tmp_path / "homes_plus"
    shutil.copytree(EXAMPLES / "homes_plus", workspace)
    assert mapping_warnings(workspace) == []  # its survey mapping says regime: {value: eng}
    mapping = workspace / "mappings" / "tsm_perception.yaml"
    text = mapping.read_text(encoding="utf-8")
    assert "  regime: {value: eng}\n" in text
    mapping.write_text(text.replace("  regime: {value: eng}\n", ""), encoding="utf-8")
    (warning,) = mapping_warnings(workspace)
    assert warning.startswith("mappings/tsm_perception.yaml: no regime is mapped")
    assert "TP09" in warning and "regime: {value: eng}" in warning
    # England only: every response is English whatever the mapping says
    assert mapping_warnings(EXAMPLES / "housing21") == []


def test_a_scottish_wide_mapping_reading_the_complaint_date_from_stage_1_is_warned_of(tmp_path):
    # A Scottish complaint may start at stage 2 (SPSO): its stage 1 cells are blank, so a
    # complaint received_date read from stage 1's column was blank and the row, stage 2 and
    # all, was quarantined as required_missing (Tweed & Cheviot: 8 such rows in 2024-25, a
    # 2.4% share no warning named, each message naming only the stage 1 column).
    workspace = tmp_path / "tweed_cheviot_homes"
    shutil.copytree(TWEED, workspace)
    assert mapping_warnings(workspace) == []
    mapping = workspace / "mappings" / "caseflow_register.yaml"
    text = mapping.read_text(encoding="utf-8")
    line = '  complaint_id: "Complaint No."\n'
    mapping.write_text(text.replace(line, line + '  received_date: "S1 Logged"\n'))
    (warning,) = mapping_warnings(workspace)
    assert warning.startswith(
        "mappings/caseflow_register.yaml: the complaint's received_date is read from "
        "'S1 Logged', stage 1's received date"
    )
    assert "starts at stage 2" in warning and "required_missing" in warning
    # England only, or a complaint date of its own: nothing to say
    assert mapping_warnings(EXAMPLES / "housing21") == []
    assert mapping_warnings(EXAMPLES / "small_specialist") == []


def test_examples_have_no_configuration_problem():
    for workspace in sorted(p for p in EXAMPLES.iterdir() if (p / "landlord.yaml").is_file()):
        assert workspace_problems(workspace) == [], workspace.name


def test_run_stops_before_ingest_on_configuration_problems(tmp_path, capsys, monkeypatch):
    workspace = _broken_workspace(tmp_path)
    root = workspace.parent
    store = ComplaintsStore(workspaces_root=str(root), output_root=str(tmp_path / "output"))
    # no job may run: the command must stop at the configuration
    monkeypatch.setattr(cli, "_load_jobs", lambda: (dg.Definitions(resources={"store": store}), {}))
    code = cli.main(
        ["run", "--workspace", str(workspace), "--year", "2024-25", "--output",
         str(tmp_path / "output")]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 1
    assert "3 configuration problem(s), found before reading exports" in out
    assert out.count("ERROR") == 3
    assert not (tmp_path / "output" / "warehouse").exists()


def test_data_cut_default_is_announced_with_the_exports_last_date(tmp_path):
    workspace = wide_workspace(tmp_path / "test_homes")
    landlord = load_landlord(workspace).model_copy(update={"data_cut_date": None})
    con = duckdb.connect()
    ingest_workspace(con, workspace, landlord, KEY, today=dt.date(2025, 4, 30))
    latest = latest_export_date(con, landlord.landlord_id)
    note = data_cut_note(con, landlord, used=dt.date(2025, 4, 30))
    assert "has no data_cut_date, so this run used today, 2025-04-30" in note
    assert f"'data_cut_date: {latest:%Y-%m-%d}'" in note
    assert data_cut_note(con, load_landlord(workspace)) is None


def test_returns_only_run_writes_quarantine_and_counts(tmp_path):
    workspace = wide_workspace(tmp_path / "test_homes")
    landlord = load_landlord(workspace)
    con = duckdb.connect()
    summary = ingest_workspace(con, workspace, landlord, KEY)
    paths = write_quality_files(con, landlord.landlord_id, tmp_path / "out")
    assert paths["quarantine"].name == "quarantine.csv" and paths["counts"].name == COUNTS_FILE
    with paths["counts"].open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    total = next(r for r in rows if r["level"] == "total")
    assert int(total["rows_in"]) == summary.rows_in
    assert int(total["rows_quarantined"]) == summary.rows_quarantined
    by_rule = {r["name"]: int(r["entries"]) for r in rows if r["level"] == "rule"}
    assert by_rule == summary.quarantine_by_rule
    with paths["quarantine"].open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == sum(by_rule.values())


def test_returns_only_run_includes_the_quality_files_and_the_quarter_run_the_panel():
    _, jobs = cli._load_jobs()
    returns = {
        k.to_user_string() for k in jobs["cli_landlord_returns"].asset_layer.selected_asset_keys
    }
    assert {"tsm_return", "data_quality_counts"} <= returns
    # the load is its own run (landlord-partitioned), before the returns run over the years
    ingest = {k.to_user_string() for k in jobs["cli_ingest"].asset_layer.selected_asset_keys}
    assert ingest == {"canonical_tables"}
    assert "annual_report" not in returns and "data_quality_report" not in returns
    quarter = {
        k.to_user_string() for k in jobs["cli_landlord_quarter"].asset_layer.selected_asset_keys
    }
    assert "panel_sample" in quarter
