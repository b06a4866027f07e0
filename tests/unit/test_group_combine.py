"""The group's combined figures (sql/group/combine_measures.sql): a count a member does not know
([U]) leaves the group's count not known too. The published group report 2025-26 showed 0
complaints raised after the time limit for complaining for the group while three of its four
members' figures were [U] (none of their complaints records when the resident first knew of the
matter): the sum of the one member that knows was shown as the group's."""

from __future__ import annotations

import duckdb
import pytest

from pipeline.reporting.group import GROUP_ID
from pipeline.rounding import ROUND_HALF_UP_MACRO
from pipeline.sql import load_sql


def combined(rows: list[tuple]) -> dict[str, str]:
    con = duckdb.connect()
    con.execute(ROUND_HALF_UP_MACRO)
    con.execute(
        "create table measures (group_landlord varchar, landlord_id varchar, period_kind varchar,"
        " period varchar, period_start date, period_end date, measure varchar, breakdown varchar,"
        " breakdown_value varchar, view varchar, numerator double, denominator double,"
        " value double, display varchar, unit varchar)"
    )
    for landlord, measure, numerator, denominator, unit in rows:
        value = numerator if denominator is None else None
        con.execute(
            "insert into measures values (?, ?, 'year', '2025-26', '2025-04-01', '2026-03-31', ?,"
            " 'none', 'all', 'management', ?, ?, ?, '', ?)",
            [landlord, landlord, measure, numerator, denominator, value, unit],
        )
    result = con.sql(load_sql("group/combine_measures.sql"), params={"group_id": GROUP_ID})
    shown = {measure: display for measure, display in result.select("measure, display").fetchall()}
    con.close()
    return shown


@pytest.mark.parametrize(
    ("members", "expected"),
    [((None, None, 0.0), "[U]"), ((None, 3.0), "[U]"), ((2.0, 3.0), "5"), ((0.0, 0.0), "0")],
)
def test_a_count_a_member_does_not_know_is_not_known_for_the_group(members, expected):
    rows = [(f"m{i}", "complaints_raised_late", n, None, "count") for i, n in enumerate(members)]
    assert combined(rows)["complaints_raised_late"] == expected


def test_a_percentage_still_adds_the_members_numerators_and_denominators():
    rows = [
        ("a", "ack_in_time_1", 9.0, 10.0, "percent"),
        ("b", "ack_in_time_1", 1.0, 10.0, "percent"),
    ]
    assert combined(rows)["ack_in_time_1"] == "50.0"
