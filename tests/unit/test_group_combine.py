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


def test_a_member_without_figures_for_the_period_stops_the_group_report(monkeypatch):
    """A member with no rows for the period (not run for it, or its data cut is before it) would
    drop out of every group total: the report is refused, naming the member and what to do."""
    import datetime as dt

    from pipeline.periods import parse_period
    from pipeline.reporting import group

    identities = {
        "alpha": ("Alpha Homes", dt.date(2026, 4, 30), 5),
        "beta": ("Beta Housing", dt.date(2025, 1, 31), 5),
        "gamma": ("Gamma", None, None),
    }
    monkeypatch.setattr(group, "member_identity", lambda landlord_id: identities[landlord_id])
    con = duckdb.connect()
    con.execute(
        "create temp view group_landlords(landlord_id, warehouse, tables) as "
        "values ('alpha', 'a', 'measures'), ('beta', 'b', 'measures'), ('gamma', 'c', 'measures')"
    )
    alpha = group.Member("alpha", "Alpha Homes", dt.date(2026, 4, 30), None)
    period = parse_period("2025-26")
    problem = group.members_without_figures(con, [alpha], period)
    assert problem is not None and "would leave out members with no figures" in problem
    assert "Beta Housing (beta): its data cut, 31 January 2025, is before the period" in problem
    assert "'complaints run --landlord gamma --year 2025-26'" in problem
    gamma = group.Member("gamma", "Gamma", None, None)
    beta = group.Member("beta", "Beta Housing", dt.date(2025, 1, 31), None)
    assert group.members_without_figures(con, [alpha, beta, gamma], period) is None
    month = group.members_without_figures(con, [alpha, beta], parse_period("2026-03"))
    assert "--landlord gamma --year 2025-26" in month
