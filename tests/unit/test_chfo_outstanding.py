"""Code 9.7(c): the Member Responsible for Complaints and the governing body receive progress in
complying with the Ombudsman's orders. A Complaint Handling Failure Order is one of them. Borough
Council's March 2025 committee pack read "Ombudsman orders outstanding 0" while the CHFO of
26 February 2025 ("Stage 1 response not issued") was not complied with (the annual report lists it
as "not yet complied with"): the board was told nothing was outstanding.

chfo_outstanding: CHFOs issued on or before X and not complied with by X, X = min(period end, data
cut); a known 0 when none is outstanding."""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import polars as pl

from pipeline.config import load_landlord
from pipeline.periods import parse_period
from pipeline.reporting.committee import ombudsman_section
from pipeline.reporting.data import MEASURE_COLUMNS, Measures
from pipeline.reporting.trace import plain
from pipeline.workspaces import DEFAULT_WORKSPACES_ROOT
from tests.unit.test_measures_populations import build, measure
from tests.unit.test_report_regimes import frame, row

D = dt.date


def test_chfos_not_complied_with_at_the_period_end_are_counted():
    chfos = [
        # complied with before the year end
        {"chfo_ref": "c1", "issued_date": D(2024, 6, 19), "complied_date": D(2024, 7, 8)},
        # never complied with
        {"chfo_ref": "c2", "issued_date": D(2025, 2, 26)},
        # complied with after the year end: outstanding on 31 March 2025
        {"chfo_ref": "c3", "issued_date": D(2024, 11, 1), "complied_date": D(2025, 4, 10)},
        # issued after the year
        {"chfo_ref": "c4", "issued_date": D(2025, 5, 1)},
    ]
    con = build([], [], chfo=chfos)
    assert measure(con, "chfo_outstanding")[0] == 2  # c2, c3 at 31 March 2025
    # at 30 September 2024 (Q2): c1 had been complied with, the others not yet issued
    assert measure(con, "chfo_outstanding", period="2024-25-Q2")[0] == 0
    # at 31 December 2024 (Q3): c3
    assert measure(con, "chfo_outstanding", period="2024-25-Q3")[0] == 1


def test_the_committee_pack_reports_chfos_not_yet_complied_with():
    period = "2024-25-Q4"
    measures = Measures(
        frame(
            [
                row(period, "ombudsman_orders_outstanding", "none", "all", "all", 0, None,
                    unit="count"),
                row(period, "ombudsman_orders_outstanding", "status", "overdue", "all", 0, None,
                    unit="count"),
                row(period, "chfo_outstanding", "none", "all", "all", 1, None, unit="count"),
            ]
        )
    )  # fmt: skip
    landlord = load_landlord(DEFAULT_WORKSPACES_ROOT / "council_housing")
    with duckdb.connect() as con:
        section = ombudsman_section(
            con, landlord, measures, parse_period(period), dt.date(2025, 3, 31)
        )
    tables = [b.table for b in section.blocks if b.kind == "table"]
    orders = [t for t in tables if t.table_id == "tbl-committee-orders"]
    assert orders
    body = plain(orders[0].html).split("</style>")[-1]
    cells = [c.strip() for c in re.sub(r"<[^>]+>", "\n", body).split("\n") if c.strip()]
    shown = dict(zip(cells, cells[1:], strict=False))
    assert shown.get("Complaint Handling Failure Orders not yet complied with") == "1", cells


def test_the_committee_is_told_of_a_chfo_not_complied_with():
    """The pack's "For the committee's attention" named overdue improvements and actions but not
    the Complaint Handling Failure Order still not complied with."""
    from pipeline.reporting.targets import exceptions
    from tests.unit.test_governance_documents import Q4
    from tests.unit.test_governance_documents import row as governance_row

    def found(outstanding: int) -> list[str]:
        m = Measures(
            pl.DataFrame([governance_row("chfo_outstanding", value=outstanding)]).select(
                MEASURE_COLUMNS
            )
        )
        return [plain(line) for line in exceptions(m, Q4, [], D(2026, 3, 31))]

    assert found(2) == [
        "2 Complaint Handling Failure Orders were not yet complied with on 31 March 2026."
    ]
    assert found(0) == []
