"""The product's management measures agree with an independent implementation (bench/management_floor.py).

bench/management_floor.py is written from design.md sections 5 and 6 without pipeline.measures or
sql/measures: its own working-day calendar (bank holidays checked against dates gov.uk publishes,
the landlord's closures), its own policy-version lookup from landlord.yaml and its own SQL for
acknowledgement in time, responded in time (management and regulator views), working days to
response (mean, median), open and overdue stages in ageing bands, outcomes, compensation and
remedies, stage resolution, Ombudsman, heat networks, complainant surveys, learning and promised
actions. Both run on two example landlords (housing21: England, two policy versions, heat networks;
homes_plus: England and Scotland) for 2024-25 and 2025-26, years and quarters, and every figure
(numerator, denominator, value) must agree.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from bench import management_floor as floor
from tests.integration.examples import measured_example

YEARS = "2024-25:2025-26"
PERIODS = floor.year_periods(YEARS) + floor.quarter_periods(YEARS)

# families every comparison must hold, so an empty comparison cannot pass
FAMILIES = {
    "ack_in_time_1",
    "ack_in_time_2",
    "response_in_time_1",
    "response_in_time_2",
    "response_in_time_with_ext_1",
    "wd_to_response_mean_1",
    "wd_to_response_median_2",
    "open_1",
    "overdue_2",
    "outcome_1",
    "compensation_offered_gbp",
    "non_financial_remedy",
    "resolved_stage1",
    "resolved_stage2",
    "ombudsman_findings",
    "ombudsman_maladministration_rate",
    "complainant_survey_response_rate",
    "complainant_satisfaction_outcome",
    "learning_actions_completed_by_due",
    "promised_actions_on_time",
    "overdue_promised_actions",
    "resolutions",
    "stage_most_resolutions",
    "ombudsman_orders_outstanding",
    "complainant_survey_coverage",
}


@pytest.fixture(scope="module", params=["housing21", "homes_plus"])
def compared(request, tmp_path_factory: pytest.TempPathFactory):
    name = request.param
    warehouse = tmp_path_factory.mktemp(name) / f"{name}.duckdb"
    con = duckdb.connect(str(warehouse))
    workspace, _ = measured_example(con, name, [p[1] for p in PERIODS if p[0] == "year"])
    con.close()
    mine = floor.compute(warehouse, Path(workspace) / "landlord.yaml", PERIODS)
    theirs = floor.product(warehouse, PERIODS)
    return name, floor.compare(mine, theirs), floor.only_in_product(mine, theirs)


def test_every_figure_agrees(compared) -> None:
    name, cmp, _ = compared
    assert cmp.height > 1500, (name, cmp.height)
    assert FAMILIES <= set(cmp["measure"]), FAMILIES - set(cmp["measure"])
    bad = cmp.filter(~pl.col("agree"))
    with pl.Config(tbl_rows=50, tbl_cols=20, tbl_width_chars=250):
        assert bad.is_empty(), f"{name}: {bad.height} of {cmp.height} figures differ\n{bad}"


def test_no_product_row_left_uncompared(compared) -> None:
    name, _, extra = compared
    with pl.Config(tbl_rows=50, tbl_cols=20, tbl_width_chars=250):
        assert extra.is_empty(), f"{name}: product rows with no independent figure\n{extra}"


def test_both_regimes_and_both_views_are_compared(compared) -> None:
    name, cmp, _ = compared
    views = set(cmp.filter(pl.col("measure") == "response_in_time_1")["view"])
    assert views == {"management", "regulator"}
    regimes = set(cmp.filter(pl.col("breakdown") == "regime")["breakdown_value"])
    assert regimes == ({"eng", "sct"} if name == "homes_plus" else {"eng"})
    if name == "housing21":
        heat = cmp.filter(pl.col("measure") == "heat_network_complaints")
        assert heat["numerator"].sum() > 0
