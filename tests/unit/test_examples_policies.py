"""The example workspaces follow their policies (issue 18): windows, survey years, and the fields
their policies add, loaded into the canonical tables."""

from __future__ import annotations

import csv
import datetime as dt
from functools import cache
from pathlib import Path

import duckdb
import pytest

from pipeline.config import load_landlord
from pipeline.ingest import ingest_workspace
from pipeline.periods import ReportingYear

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@cache
def loaded(name: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    workspace = EXAMPLES / name
    summary = ingest_workspace(con, workspace, load_landlord(workspace), "test-key")
    assert summary.reconciles
    return con


def count(name: str, sql: str) -> int:
    return loaded(name).execute(sql).fetchone()[0]


LATE_REFUSED = """
    select count(*) from complaint_stage as s2
    inner join complaint_stage as s1 on s1.complaint_id = s2.complaint_id and s1.stage = 1
    where s2.stage = 2 and s2.refused and s2.refusal_reason = 'escalation_out_of_time'
      and s1.received_date {op} date '2026-01-27'
"""


def test_a_policy_with_no_escalation_window_refuses_no_escalation_as_late():
    small = load_landlord(EXAMPLES / "small_specialist")
    assert all(v.escalation_window is None for v in small.policy_versions)
    assert count("small_specialist", LATE_REFUSED.format(op=">=")) == 0
    assert count("small_specialist", LATE_REFUSED.format(op="<")) == 0
    # Housing 21: six months under the earlier policy, none stated from 27 January 2026
    h21 = load_landlord(EXAMPLES / "housing21")
    assert [v.escalation_window is None for v in h21.policy_versions] == [False, True]
    assert count("housing21", LATE_REFUSED.format(op=">=")) == 0
    assert count("housing21", LATE_REFUSED.format(op="<")) > 0


def test_council_tsm_survey_files_are_dated_in_the_years_they_are_named_for():
    files = sorted((EXAMPLES / "council_housing" / "surveys").glob("tenant_survey_*.csv"))
    assert len(files) == 3
    for path in files:
        year = ReportingYear.parse(path.stem.removeprefix("tenant_survey_"))
        with path.open(encoding="utf-8-sig", newline="") as handle:
            dates = [
                dt.date.fromisoformat(r["SurveyDate"])
                for r in csv.DictReader(handle, delimiter=";")
            ]
        assert dates and all(year.start <= d <= year.end for d in dates), path.name


@pytest.mark.parametrize(
    ("name", "sql"),
    [
        # root causes of upheld complaints (council policy s9.2), mapped and loaded
        ("council_housing", "select count(*) from complaint where root_cause is not null"),
        # representatives with the resident's consent recorded (seeds 000, 003, 004)
        ("housing21", "select count(*) from complaint where representative_consent_date is not null"),
        ("homes_plus", "select count(*) from complaint where representative"),
        ("council_housing", "select count(*) from complaint where representative"),
        # anonymous complaints: refused by Housing 21 and the small landlord, accepted by Homes Plus
        ("housing21", "select count(*) from complaint where anonymous"),
        ("small_specialist", "select count(*) from complaint where anonymous"),
        ("homes_plus", "select count(*) from complaint where anonymous"),
        ("homes_plus", "select count(*) from complaint where collective"),
        # STAIRs complaints (Housing 21's 2026 policy hands them to its STAIRs policy)
        ("housing21", "select count(*) from complaint where separate_policy = 'stairs' "
                      "and received_date >= date '2026-01-27'"),
        # notifiable events reported to the Scottish Housing Regulator (Homes Plus s21.2)
        ("homes_plus", "select count(*) from complaint where regulator_notified_date is not null"),
        # contact restrictions with review dates (unreasonable-behaviour policies)
        ("housing21", "select count(*) from contact_restriction where reviewed_date is not null"),
        ("homes_plus", "select count(*) from contact_restriction"),
        # Ombudsman orders with due dates, some complied late or outstanding (Housing 21 s11.2)
        ("housing21", "select count(*) from ombudsman_order where complied_date is null"),
        # extensions agreed after the original deadline or not recorded
        ("council_housing", "select count(*) from complaint_stage "
                            "where extension_wd > 0 and extension_notified_date is null"),
        # TP09 per scheme (Housing 21 scheme reports)
        ("housing21", "select count(distinct scheme) from tp09_response"),
    ],
)  # fmt: skip
def test_the_fields_the_policies_add_are_in_the_examples(name, sql):
    assert count(name, sql) > 0


def test_housing21_configures_its_panel_and_business_streams():
    landlord = load_landlord(EXAMPLES / "housing21")
    assert landlord.complaint_panel is not None and landlord.complaint_panel.sample_size == 12
    assert set(landlord.business_streams) == {"Retirement Living", "Extra Care"}
    assert landlord.policy_versions[1].separate_policies == ["stairs"]
