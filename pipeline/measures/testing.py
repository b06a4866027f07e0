"""Helpers to build canonical rows in tests without the ingest step.

``create_canonical_schema`` runs ``sql/schema/canonical.sql``; ``insert_rows`` fills the columns a
test does not care about with neutral defaults (``source_file = 'test'``, booleans false, extension 0,
outcome open) and inserts dicts into a canonical table; ``code_landlord`` returns a landlord with
the Complaint Handling Code (England) and SPSO model (Scotland) timescales of design.md section 5.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import duckdb
import polars as pl

from pipeline.config import Landlord
from pipeline.sql import load_sql

LANDLORD_ID = "test_landlord"

_DEFAULTS: dict[str, dict[str, Any]] = {
    "complaint": {
        "service_area": "housing",
        "tenure": "lcra",
        "regime": "eng",
        "is_tenant_of_owned_stock": True,
        "anonymous": False,
        "collective": False,
        "representative": False,
        "vulnerability": False,
        "adjustment_requested": False,
        "adjustment_made": False,
        "notifiable_event": False,
        "energy_ombudsman_referred": False,
        "legal_hold": False,
    },
    "complaint_stage": {"extension_wd": 0, "outcome": "open", "refused": False},
    "tp09_response": {"weight": 1.0, "regime": "eng"},
    "ombudsman_finding": {"orders_count": 0, "orders_complied_count": 0},
}


def create_canonical_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every canonical table of ``sql/schema/canonical.sql`` in ``con``."""
    con.execute(load_sql("schema/canonical.sql"))


def insert_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: Iterable[Mapping[str, Any]],
    landlord_id: str = LANDLORD_ID,
) -> int:
    """Insert ``rows`` (dicts of canonical column -> value) into ``table`` with defaults filled.

    Parameters
    ----------
    con
        Connection with the canonical schema.
    table
        Canonical table name, e.g. ``complaint`` or ``complaint_stage``.
    rows
        One dict per row; missing columns take the defaults above, ``landlord_id`` and
        ``source_file`` / ``source_row`` where the table has them.
    landlord_id
        Landlord of every row.

    Returns
    -------
    int
        Number of rows inserted.
    """
    known = {row[0] for row in con.execute("select table_name from duckdb_tables()").fetchall()}
    if table not in known:
        raise ValueError(f"unknown table {table!r}")
    columns = [row[0] for row in con.execute(f'describe "{table}"').fetchall()]
    filled = []
    for number, row in enumerate(rows, start=1):
        values = {"landlord_id": landlord_id, "source_file": "test", "source_row": number}
        values |= _DEFAULTS.get(table, {})
        values |= dict(row)
        filled.append({column: values.get(column) for column in columns if column in values})
    if not filled:
        return 0
    frame = pl.DataFrame(filled, infer_schema_length=None)  # noqa: F841 - DuckDB replacement scan
    con.execute(f'insert into "{table}" by name select * from frame')  # noqa: S608 - known table
    return len(filled)


def code_landlord(**overrides: Any) -> Landlord:
    """A landlord in England and Scotland on the Code / SPSO timescales, overridable per key.

    Parameters
    ----------
    **overrides
        Top-level landlord.yaml keys to replace (e.g. ``closures``, ``policy_versions``, ``stock``).
    """
    raw: dict[str, Any] = {
        "landlord_id": LANDLORD_ID,
        "name": "Test Homes",
        "regimes": ["eng", "sct"],
        "stock": [
            {"year_end": dt.date(2025, 3, 31), "stock_type": "lcra", "units_owned": 2000},
            {"year_end": dt.date(2025, 3, 31), "stock_type": "lcho", "units_owned": 500},
        ],
        "policy_versions": [code_policy_version()],
        "tsm_summary_of_approach": "Test survey.",
        "data_cut_date": dt.date(2025, 6, 30),
    }
    raw |= overrides
    return Landlord.model_validate(raw)


def code_policy_version(**overrides: Any) -> dict[str, Any]:
    """One policy version (dict) with the Code 2024 and SPSO model timescales."""
    version: dict[str, Any] = {
        "effective_from": dt.date(2024, 4, 1),
        "timescales": {
            "eng": {
                "stage_1": {"acknowledge_wd": 5, "respond_wd": 10, "extension_wd": 10},
                "stage_2": {"acknowledge_wd": 5, "respond_wd": 20, "extension_wd": 20},
            },
            "sct": {
                "stage_1": {
                    "acknowledge_wd": None,
                    "respond_wd": 5,
                    "extension_wd": 5,
                    "clock_starts": "receipt",
                },
                "stage_2": {"acknowledge_wd": 3, "respond_wd": 20, "extension_wd": 10},
            },
        },
        "escalation_window": {"months_after_stage1_response": 6},
    }
    version |= overrides
    return version


def generate_canonical(
    con: duckdb.DuckDBPyConnection,
    complaints: int = 1_000_000,
    escalated_share: float = 0.3,
    landlord_id: str = LANDLORD_ID,
    year_start: dt.date = dt.date(2024, 4, 1),
) -> None:
    """Fill ``complaint`` and ``complaint_stage`` with synthetic rows for performance tests.

    Complaints are received over the reporting year starting ``year_start`` in both regimes, with a
    mix of tenures, service areas, acknowledgements, extensions, responses and refusals;
    ``escalated_share`` of them have a stage 2 (1M complaints -> about 1.3M stages). Deterministic
    (hash-based), set-based SQL.
    """
    # hash() is unsigned; a signed version keeps list indexes and arithmetic simple
    con.execute("create or replace temp macro hb(a, b) as (hash(a, b) % 1000003)::bigint")
    con.execute(
        """
        insert into complaint by name
        select
            $landlord_id as landlord_id,
            'c' || i as complaint_id,
            $year_start + (hb(i, 1) % 365)::int as received_date,
            ['Repairs', 'Damp and mould', 'ASB', 'Staff conduct', 'Rent'][1 + hb(i, 2) % 5]
                as category,
            ['housing', 'repairs', 'asb_handling', 'care', 'heat_network', 'other'][
                1 + hb(i, 3) % 6] as service_area,
            'scheme ' || (hb(i, 4) % 40) as scheme,
            ['phone', 'email', 'web', 'letter'][1 + hb(i, 5) % 4] as channel,
            ['lcra', 'lcra', 'lcra', 'lcho', 'leaseholder', 'unknown'][1 + hb(i, 6) % 6]
                as tenure,
            case when hb(i, 7) % 10 = 0 then 'sct' else 'eng' end as regime,
            hb(i, 8) % 50 <> 0 as is_tenant_of_owned_stock,
            case when hb(i, 9) % 8 = 0 then 'Agent Ltd' else 'landlord' end as handled_by,
            hb(i, 10) % 100 = 0 as anonymous,
            false as collective,
            hb(i, 13) % 12 = 0 as representative,
            case
                when hb(i, 13) % 24 = 0 then $year_start + (hb(i, 1) % 365)::int + 2
            end as representative_consent_date,
            case when hb(i, 14) % 200 = 0 then 'stairs' end as separate_policy,
            hb(i, 11) % 7 = 0 as vulnerability,
            hb(i, 12) % 9 = 0 as adjustment_requested,
            hb(i, 12) % 18 = 0 as adjustment_made,
            false as notifiable_event,
            false as energy_ombudsman_referred,
            false as legal_hold,
            'bench' as source_file,
            i::int as source_row
        from range($complaints) as r (i)
        """,
        {"landlord_id": landlord_id, "complaints": complaints, "year_start": year_start},
    )
    con.execute(
        """
        insert into complaint_stage by name
        with stages as (
            select c.complaint_id, c.received_date as complaint_received, s.stage,
                hb(c.complaint_id, s.stage) as h
            from complaint as c
            cross join (values (1), (2)) as s (stage)
            where c.landlord_id = $landlord_id
                and (s.stage = 1 or hb(c.complaint_id, 99) % 1000 < $escalated_permille)
        ),
        dated as (
            select *,
                case when stage = 1 then complaint_received
                     else complaint_received + 20 + (h % 40)::int end as received
            from stages
        )
        select
            $landlord_id as landlord_id,
            complaint_id,
            stage,
            received as received_date,
            case when h % 10 < 8 then received + (h % 9)::int end as acknowledged_date,
            case when h % 6 = 0 then (h % 25)::int else 0 end as extension_wd,
            case when h % 6 = 0 then received + 5 + (h % 12)::int end as extension_notified_date,
            case when h % 20 <> 0 then received + (h % 45)::int end as responded_date,
            ['upheld', 'partially_upheld', 'not_upheld', 'withdrawn'][1 + (h // 7) % 4] as outcome,
            h % 40 = 0 as refused,
            case when h % 40 = 0 then 'outside policy' end as refusal_reason,
            case when h % 11 = 0 then 50.0 end as compensation_offered_gbp,
            case when h % 22 = 0 then 50.0 end as compensation_paid_gbp,
            case when h % 13 = 0 then 'apology; repair' end as non_financial_remedy,
            'h' || (h % 30) as handler_ref,
            'bench' as source_file,
            1 as source_row
        from dated
        """,
        {"landlord_id": landlord_id, "escalated_permille": int(escalated_share * 1000)},
    )
