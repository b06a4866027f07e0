"""The governance documents at each landlord's cadence: ``--period`` for a month or a quarter with a
clear error for a value it cannot read, committee packs monthly or quarterly as landlord.yaml says,
quarterly learning summaries, the Dagster partitions, jobs and schedules for both cadences."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import pytest
import yaml

from pipeline import cli
from pipeline.config import Landlord, Schedules
from pipeline.defs.orchestration import schedules as sched
from pipeline.partitions import (
    build_landlord_month_partitions,
    build_landlord_quarter_partitions,
    build_landlord_year_partitions,
    landlord_and_month,
    landlord_and_quarter,
    landlord_and_year,
)
from pipeline.resources import ComplaintsStore
from tests.unit.test_orchestration import landlord_yaml

YEARS = ["2023-24", "2024-25", "2025-26"]


# --- --period ------------------------------------------------------------------------------------


def test_periods_are_months_or_quarters_and_choose_the_years_to_run():
    assert cli.parse_periods(["2026-03", "2025-26-Q3"], None) == (
        ["2026-03", "2025-26-Q3"],
        ["2025-26"],
    )
    assert cli.parse_periods(["2024-25-Q4", "2026-01"], None)[1] == ["2024-25", "2025-26"]
    assert cli.parse_periods(["2025-26-Q1"], ["2025-26"]) == (["2025-26-Q1"], ["2025-26"])
    assert cli.parse_periods(None, ["2024-25"]) == ([], ["2024-25"])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--period", "2026-13"], "--period '2026-13' is neither a month (months are 01 to 12)"),
        (["--period", "Q4"], "--period 'Q4' is not a month like 2026-03, a quarter like"),
        (["--period", "2025-26-Q5"], "--period '2025-26-Q5': a reporting year has quarters Q1"),
        (["--period", "2025-26"], "is a reporting year: a committee pack is for a month"),
        (["--quarter", "2025-27-Q1"], "its two years follow each other, like 2025-26"),
        (
            ["--year", "2024-25", "--period", "2026-03"],
            "--period 2026-03 is outside the years asked for (2024-25): add --year 2025-26",
        ),
        (["--period", "2019-05"], "2019-20 is outside the reporting years this pipeline covers"),
    ],
)
def test_an_unreadable_period_is_a_clear_error(argv, message, tmp_path):
    with pytest.raises(SystemExit) as stopped:
        cli.main(["run", "--all-examples", "--output", str(tmp_path), *argv])
    assert message in str(stopped.value)
    assert not (tmp_path / "warehouse").exists()  # nothing ran


# --- cadence -------------------------------------------------------------------------------------


class Store:
    """The slice of ComplaintsStore the CLI's cadence rules read."""

    def __init__(self, **schedules):
        doc = landlord_yaml("alpha", schedules)
        doc["data_cut_date"] = "2026-04-30"
        self._landlord = Landlord.model_validate(doc)

    def landlord(self, _landlord_id):
        return self._landlord


@pytest.mark.parametrize(
    ("committee", "mode", "year", "expected"),
    [
        ("monthly", "last", "2025-26", ["2026-03"]),
        ("monthly", "last", "2026-27", ["2026-04"]),  # the cut, 30 April, ends April
        ("monthly", "all", "2026-27", ["2026-04"]),
        ("quarterly", "last", "2025-26", ["2025-26-Q4"]),
        ("quarterly", "last", "2026-27", []),  # no quarter of 2026-27 has ended by the cut
        ("quarterly", "all", "2025-26", [f"2025-26-Q{n}" for n in (1, 2, 3, 4)]),
        ("none", "last", "2025-26", []),
        ("monthly", "none", "2025-26", []),
    ],
)
def test_committee_packs_follow_the_landlords_cadence(committee, mode, year, expected):
    assert cli._committee_periods(Store(committee=committee), "alpha", year, mode) == expected


def test_monthly_packs_for_a_whole_year():
    months = cli._committee_periods(Store(committee="monthly"), "alpha", "2025-26", "all")
    assert months[0] == "2025-04" and months[-1] == "2026-03" and len(months) == 12


def test_runs_of_a_year_explicit_periods_first_then_the_cadence_and_learning_summaries():
    store = Store(committee="monthly", learning_summary="quarterly")
    runs = cli._period_runs(store, "alpha", "2025-26", ["2025-26-Q2", "2026-03", "2024-05"], "last")
    assert runs == [
        ("2025-26-Q2", "cli_landlord_quarter", "2025-26-Q2"),
        ("2026-03", "cli_landlord_month", "2026-03"),
        ("2025-26-Q4 learning summary", "cli_landlord_learning", "2025-26-Q4"),
    ]
    assert cli._period_runs(Store(), "alpha", "2025-26", [], "last") == [
        ("2025-26-Q4", "cli_landlord_quarter", "2025-26-Q4")
    ]
    # a quarter's pack and learning summary: one run, so its folder is published once
    both = Store(committee="quarterly", learning_summary="quarterly")
    assert cli._period_runs(both, "alpha", "2025-26", [], "last") == [
        ("2025-26-Q4 and its learning summary", "cli_landlord_quarter_learning", "2025-26-Q4")
    ]


@pytest.mark.parametrize(
    ("schedules", "day", "monthly", "quarterly", "learning"),
    [
        ({"committee": "monthly"}, dt.date(2025, 8, 10), "2025-07", None, None),
        ({"committee": "monthly"}, dt.date(2025, 4, 10), "2025-03", None, None),
        ({"committee": "monthly"}, dt.date(2025, 4, 11), None, None, None),
        ({"committee": "quarterly"}, dt.date(2025, 4, 10), None, "2024-25-Q4", None),
        (
            {"committee": "quarterly", "learning_summary": "quarterly"},
            dt.date(2025, 7, 10),
            None,
            "2025-26-Q1",
            "2025-26-Q1",
        ),
        ({"learning_summary": "quarterly"}, dt.date(2025, 8, 10), None, None, None),
        ({"committee": "none"}, dt.date(2025, 7, 10), None, None, None),
    ],
)
def test_schedules_run_the_landlords_own_cadence(schedules, day, monthly, quarterly, learning):
    rules = Schedules(**schedules)
    assert sched.due_monthly_committee_pack(rules, day) == monthly
    assert sched.due_committee_pack(rules, day) == quarterly
    assert sched.due_learning_summary(rules, day) == learning


def test_learning_summary_schedule_requests_the_quarter_for_quarterly_landlords(tmp_path):
    root = tmp_path / "workspaces"
    for landlord_id, rules in (
        ("alpha", {"learning_summary": "quarterly"}),
        ("beta", {"learning_summary": "annual"}),
    ):
        (root / landlord_id).mkdir(parents=True)
        (root / landlord_id / "landlord.yaml").write_text(
            yaml.safe_dump(landlord_yaml(landlord_id, rules))
        )
    store = ComplaintsStore(workspaces_root=str(root), output_root=str(tmp_path / "out"))
    schedules = sched.build_schedules(
        build_landlord_year_partitions(["alpha", "beta"], YEARS),
        build_landlord_quarter_partitions(["alpha", "beta"], YEARS),
        build_landlord_month_partitions(["alpha", "beta"], YEARS),
    )
    when = dt.datetime(2025, 10, 10, 6, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    context = dg.build_schedule_context(scheduled_execution_time=when, resources={"store": store})
    requests = schedules["learning_summary_schedule"](context)
    assert [r.partition_key for r in requests] == [
        dg.MultiPartitionKey({"landlord": "alpha", "quarter": "2025-26-Q2"})
    ]


# --- definitions ---------------------------------------------------------------------------------


def test_the_documents_have_assets_jobs_and_partitions_for_both_cadences():
    from pipeline.definitions import defs
    from pipeline.defs.orchestration.jobs import partition_dimensions

    definitions = defs()

    def dims(job_name):
        job = definitions.resolve_job_def(job_name)
        names = {key.to_user_string() for key in job.asset_layer.selected_asset_keys}
        return names, partition_dimensions(job.partitions_def)

    # each period job ends with its folder's manifest, which publishes it as one generation
    assert dims("monthly_committee_pack_job") == (
        {"monthly_committee_pack", "month_manifest"},
        frozenset({"landlord", "month"}),
    )
    # the residents' complaint panel's sample is written beside the quarterly pack (issue 18)
    assert dims("committee_pack_job") == (
        {"committee_pack", "panel_sample", "quarter_manifest"},
        frozenset({"landlord", "quarter"}),
    )
    assert dims("quarterly_learning_summary_job") == (
        {"quarterly_learning_summary", "quarter_manifest"},
        frozenset({"landlord", "quarter"}),
    )
    annual, _ = dims("annual_reporting_job")
    assert {"scheme_reports", "learning_summary", "annual_report"} <= annual
    names = {s.name for s in definitions.schedules}
    assert {
        "committee_pack_schedule",
        "monthly_committee_pack_schedule",
        "learning_summary_schedule",
    } <= names


def test_partition_keys_name_landlord_and_period():
    month = build_landlord_month_partitions(["alpha"], ["2025-26"])
    keys = month.get_partition_keys()
    assert len(keys) == 12 and keys[0].keys_by_dimension == {
        "landlord": "alpha",
        "month": "2025-04",
    }

    class Context:
        def __init__(self, key):
            self.partition_key = key

    assert landlord_and_month(Context(keys[-1])) == ("alpha", "2026-03")
    quarter = dg.MultiPartitionKey({"landlord": "alpha", "quarter": "2025-26-Q4"})
    assert landlord_and_quarter(Context(quarter)) == ("alpha", "2025-26-Q4")
    year = dg.MultiPartitionKey({"landlord": "alpha", "year": "2025-26"})
    assert landlord_and_year(Context(year)) == ("alpha", "2025-26")
