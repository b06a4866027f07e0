"""Code 9.7(c): the Member Responsible for Complaints and the governing body receive regular
updates on progress in complying with the Ombudsman's orders. The quarterly committee pack (the
board's regular update) showed the orders' compliance rate in the period's determinations but not
the orders still outstanding or past their due date, which only the annual report gave."""

from __future__ import annotations

import datetime as dt
import re

import duckdb

from pipeline.config import load_landlord
from pipeline.periods import parse_period
from pipeline.reporting.committee import ombudsman_section
from pipeline.reporting.data import Measures
from pipeline.reporting.trace import plain
from pipeline.workspaces import DEFAULT_WORKSPACES_ROOT
from tests.unit.test_report_regimes import frame, row

QUARTER = "2025-26-Q4"


def _rows(outstanding: int, overdue: int) -> Measures:
    count = "count"
    return Measures(
        frame(
            [
                row(QUARTER, "ombudsman_referred", "none", "all", "all", 3, None, unit=count),
                row(QUARTER, "ombudsman_orders_outstanding", "none", "all", "all", outstanding,
                    None, unit=count),
                row(QUARTER, "ombudsman_orders_outstanding", "status", "overdue", "all", overdue,
                    None, unit=count),
                row(QUARTER, "ombudsman_orders_outstanding", "status", "not_yet_due", "all",
                    outstanding - overdue, None, unit=count),
            ]
        )
    )  # fmt: skip


def _section(measures: Measures):
    landlord = load_landlord(DEFAULT_WORKSPACES_ROOT / "housing21")
    with duckdb.connect() as con:
        return ombudsman_section(
            con, landlord, measures, parse_period(QUARTER), dt.date(2026, 3, 31)
        )


def _orders_table(section) -> dict[str, str]:
    """The orders table's rows, label -> the figure shown (trace marks taken off)."""
    tables = [b.table for b in section.blocks if b.kind == "table"]
    orders = [t for t in tables if t.table_id == "tbl-committee-orders"]
    assert orders, [t.table_id for t in tables]
    body = plain(orders[0].html).split("</style>")[-1]
    cells = [c.strip() for c in re.sub(r"<[^>]+>", "\n", body).split("\n") if c.strip()]
    return dict(zip(cells, cells[1:], strict=False))  # each label -> the cell after it


def test_committee_pack_reports_ombudsman_orders_outstanding_and_overdue():
    rows = _orders_table(_section(_rows(outstanding=7, overdue=3)))
    assert rows["Ombudsman orders outstanding"] == "7"
    assert rows["of which past their due date"] == "3"


def test_a_known_zero_overdue_is_shown_not_left_out():
    """No order past its due date is a figure the board needs (0), never a missing row."""
    rows = _orders_table(_section(_rows(outstanding=2, overdue=0)))
    assert rows["of which past their due date"] == "0"
