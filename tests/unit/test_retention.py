"""Retention: expired complaints go from every complaint table, legal holds and aggregates stay,
and the audit log holds counts only."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from pipeline.config import ConfigError, Retention, load_landlord
from pipeline.measures import MEASURES_DDL
from pipeline.retention import apply_retention
from pipeline.sql import load_sql

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
D = dt.date


@pytest.fixture(scope="module")
def base_landlord():
    return load_landlord(EXAMPLES / "small_specialist")


def landlord_with(base, **retention):
    return base.model_copy(update={"retention": Retention(**retention)})


# complaint_id, tenancy_end_date, closed_date, legal_hold
COMPLAINTS = [
    ("c_tenancy_old", D(2024, 1, 31), D(2023, 6, 1), False),  # +12m = 2025-01-31: expired
    ("c_tenancy_edge", D(2024, 2, 29), D(2023, 6, 1), False),  # +12m = 2025-02-28: == today, kept
    ("c_tenancy_recent", D(2024, 6, 1), D(2024, 5, 1), False),  # +12m = 2025-06-01: kept
    ("c_tenancy_hold", D(2020, 1, 1), D(2019, 6, 1), True),  # expired but on legal hold
    ("c_live_tenancy", None, D(2015, 1, 1), False),  # tenancy not ended: kept under rule 1
    ("c_open", None, None, False),  # open, no tenancy end: kept under both rules
]
TODAY = D(2025, 2, 28)


@pytest.fixture
def con(base_landlord):
    con = duckdb.connect()
    con.execute(load_sql("schema/canonical.sql"))
    con.execute(MEASURES_DDL)
    lid = base_landlord.landlord_id
    for i, (cid, tenancy_end, closed, hold) in enumerate(COMPLAINTS):
        con.execute(
            """insert into complaint (landlord_id, complaint_id, received_date, service_area,
               tenure, regime, is_tenant_of_owned_stock, anonymous, collective, vulnerability,
               adjustment_requested, adjustment_made, notifiable_event, energy_ombudsman_referred,
               closed_date, tenancy_end_date, legal_hold, source_file, source_row)
               values (?, ?, DATE '2014-01-01', 'repairs', 'lcra', 'eng', true, false, false,
               false, false, false, false, false, ?, ?, ?, 'exports/c.csv', ?)""",
            [lid, cid, closed, tenancy_end, hold, i + 2],
        )
        for stage in (1, 2):
            con.execute(
                """insert into complaint_stage (landlord_id, complaint_id, stage, received_date,
                   extension_wd, outcome, refused, source_file, source_row)
                   values (?, ?, ?, DATE '2014-01-01', 0, 'upheld', false, 'exports/c.csv', ?)""",
                [lid, cid, stage, i + 2],
            )
        con.execute(
            "insert into complainant_survey (landlord_id, complaint_id, sent_date, source_file, "
            "source_row) values (?, ?, DATE '2014-02-01', 'surveys/s.csv', ?)",
            [lid, cid, i + 2],
        )
        con.execute(
            "insert into promised_action (landlord_id, complaint_id, action_kind, due_date, "
            "source_file, source_row) values (?, ?, 'repair', DATE '2014-03-01', 'exports/p.csv', ?)",
            [lid, cid, i + 2],
        )
        con.execute(
            "insert into ombudsman_case values (?, ?, ?, 'housing_ombudsman', DATE '2014-05-01', "
            "null, 'ombudsman/o.csv', ?)",
            [lid, f"HOS{i}", cid, i + 2],
        )
        # A quarantined stage of the same source row (per-record quarantine).
        con.execute(
            "insert into quarantine values (?, 'exports/c.csv', ?, 'complaint_stage', "
            "'Responded', 'response_before_receipt', 'msg', '2013-01-01')",
            [lid, i + 2],
        )
    con.execute(
        "insert into learning_action values (?, 'L1', 'repairs', 'We changed how we book repairs', "
        "'repairs', ?, DATE '2014-06-01', null, null, 'learning.csv', 2)",
        [lid, [c[0] for c in COMPLAINTS]],
    )
    con.execute(
        "insert into measures values (?, 'year', '2013-14', DATE '2013-04-01', DATE '2014-03-31', "
        "'CH01_1', 'none', 'all', 'regulator', 6, 1000, 6.0, '6.0', 'per_1000')",
        [lid],
    )
    yield con
    con.close()


def ids(con, table):
    return {r[0] for r in con.execute(f"select complaint_id from {table}").fetchall()}  # noqa: S608


def test_tenancy_rule_deletes_expired_complaints_everywhere(con, base_landlord, tmp_path):
    landlord = landlord_with(base_landlord, rule="tenancy_end_plus_months", months=12, years=None)
    log = tmp_path / "retention_log.jsonl"
    result = apply_retention(con, landlord, TODAY, log_path=log)

    assert result.complaints_expired == 1
    assert result.complaints_on_legal_hold == 1
    kept = {c[0] for c in COMPLAINTS} - {"c_tenancy_old"}
    for table in ("complaint", "complaint_stage", "complainant_survey", "promised_action"):
        assert ids(con, table) == kept, table
    assert result.deleted == {
        "complainant_survey": 1,
        "complaint_stage": 2,
        "promised_action": 1,
        "complaint": 1,
        "contact_restriction": 0,  # a restriction arising from the complaint goes with it
        "quarantine": 1,
    }
    # The Ombudsman's case stays (it is the Ombudsman's record and counts), its link is cut.
    assert con.execute("select count(*) from ombudsman_case").fetchone()[0] == len(COMPLAINTS)
    assert con.execute(
        "select complaint_id from ombudsman_case where case_ref = 'HOS0'"
    ).fetchone() == (None,)
    assert result.unlinked == {"ombudsman_case": 1, "learning_action": 1}
    linked = con.execute("select linked_complaint_ids from learning_action").fetchone()[0]
    assert linked == [c[0] for c in COMPLAINTS if c[0] != "c_tenancy_old"]  # order kept
    # Quarantine entries of the deleted source row go; the others stay.
    assert con.execute("select count(*) from quarantine").fetchone()[0] == len(COMPLAINTS) - 1
    # Published aggregates are kept untouched.
    assert con.execute("select numerator, display from measures").fetchall() == [(6.0, "6.0")]


def test_month_end_arithmetic_and_boundary(con, base_landlord):
    # 29 Feb 2024 + 12 months = 28 Feb 2025: on that day the period has not yet ended.
    landlord = landlord_with(base_landlord, rule="tenancy_end_plus_months", months=12, years=None)
    apply_retention(con, landlord, TODAY, log_path=None)
    assert "c_tenancy_edge" in ids(con, "complaint")
    result = apply_retention(con, landlord, TODAY + dt.timedelta(days=1))
    assert result.complaints_expired == 1
    assert "c_tenancy_edge" not in ids(con, "complaint")


def test_default_rule_is_six_years_after_closure(con, base_landlord):
    landlord = landlord_with(base_landlord)  # the model default: closure_plus_years, 6
    result = apply_retention(con, landlord, D(2025, 6, 2))
    # closed 2015-01-01 -> 2021: gone; closed 2019-06-01 (ended 2025-06-01) on hold: kept; 2023/2024 closures: kept.
    assert result.retention_period == "6 years after closed_date"
    assert result.complaints_expired == 1
    assert result.complaints_on_legal_hold == 1
    assert "c_live_tenancy" not in ids(con, "complaint")
    assert {"c_open", "c_tenancy_hold", "c_tenancy_old"} <= ids(con, "complaint")


def test_legal_hold_is_never_deleted(con, base_landlord):
    landlord = landlord_with(base_landlord, rule="closure_plus_years", years=0)
    apply_retention(con, landlord, D(2100, 1, 1))
    assert ids(con, "complaint") == {"c_tenancy_hold", "c_open"}
    assert ids(con, "complaint_stage") == {"c_tenancy_hold", "c_open"}


def test_audit_log_has_counts_and_no_ids(con, base_landlord, tmp_path):
    landlord = landlord_with(base_landlord, rule="tenancy_end_plus_months", months=12, years=None)
    log = tmp_path / "logs" / "retention_log.jsonl"
    apply_retention(con, landlord, TODAY, log_path=log)
    apply_retention(con, landlord, TODAY, log_path=log)  # a rerun deletes nothing more

    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(lines) == 2
    assert lines[0]["complaints_expired"] == 1 and lines[1]["complaints_expired"] == 0
    assert lines[0]["rule"] == "tenancy_end_plus_months"
    assert lines[0]["retention_period"] == "12 months after tenancy_end_date"
    assert lines[0]["applied_on"] == "2025-02-28"
    assert lines[0]["deleted"]["complaint_stage"] == 2
    table = con.execute(
        "select table_name, action, row_count from retention_log "
        "where table_name = 'complaint' order by run_at, action"
    ).fetchall()
    assert ("complaint", "deleted", 1) in table and ("complaint", "kept_on_legal_hold", 1) in table
    # No complaint id (nor any other value from the data) appears in the log.
    text = log.read_text() + repr(con.execute("select * from retention_log").fetchall())
    for cid, *_ in COMPLAINTS:
        assert cid not in text
    assert "HOS" not in text and "exports/" not in text


def test_other_landlords_rows_are_untouched(con, base_landlord):
    con.execute("insert into complaint select * replace ('other' as landlord_id) from complaint")
    landlord = landlord_with(base_landlord, rule="closure_plus_years", years=0)
    apply_retention(con, landlord, D(2100, 1, 1))
    assert con.execute("select count(*) from complaint where landlord_id = 'other'").fetchone()[
        0
    ] == len(COMPLAINTS)


def test_derived_table_with_complaint_id_is_cleaned(con, base_landlord):
    # A table persisted later by another step (say a staged timeliness table) is found by its
    # complaint_id column, so expired complaints cannot linger in it.
    con.execute(
        "create table stage_timeliness_snapshot as select landlord_id, complaint_id, stage "
        "from complaint_stage"
    )
    landlord = landlord_with(base_landlord, rule="tenancy_end_plus_months", months=12, years=None)
    result = apply_retention(con, landlord, TODAY)
    assert result.deleted["stage_timeliness_snapshot"] == 2
    assert "c_tenancy_old" not in ids(con, "stage_timeliness_snapshot")


def test_failure_rolls_back_everything(con, base_landlord, monkeypatch):
    landlord = landlord_with(base_landlord, rule="closure_plus_years", years=0)
    before = con.execute("select count(*) from complaint_stage").fetchone()[0]
    import pipeline.retention as retention

    monkeypatch.setattr(retention, "LIST_LINKS", {"learning_action": "no_such_column"})
    monkeypatch.setattr(retention, "_tables_with", _broken_after_first(retention._tables_with))
    with pytest.raises(RuntimeError, match="boom"):
        apply_retention(con, landlord, D(2100, 1, 1))
    assert con.execute("select count(*) from complaint_stage").fetchone()[0] == before
    assert con.execute("select count(*) from retention_log").fetchone()[0] == 0


def _broken_after_first(real):
    calls = {"n": 0}

    def wrapper(con, column):
        calls["n"] += 1
        if column == "no_such_column":
            raise RuntimeError("boom")
        return real(con, column)

    return wrapper


def test_incomplete_rule_is_a_config_error(con, base_landlord):
    landlord = landlord_with(base_landlord, rule="tenancy_end_plus_months", months=None)
    with pytest.raises(ConfigError, match="needs months"):
        apply_retention(con, landlord, TODAY)


def test_empty_database_is_fine(base_landlord):
    con = duckdb.connect()
    result = apply_retention(con, base_landlord, TODAY)
    assert result.complaints_expired == 0
    assert con.execute("select count(*) from retention_log").fetchone()[0] >= 1
