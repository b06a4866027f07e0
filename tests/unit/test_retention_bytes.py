"""Retention leaves nothing readable: after the purge the DuckDB file is rewritten, and a byte scan
of the file (and its WAL) finds no trace of the deleted complaints (issue 17)."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

import duckdb

from pipeline.config import Retention, load_landlord
from pipeline.measures import MEASURES_DDL
from pipeline.retention import apply_retention, rewrite_database
from pipeline.sql import load_sql

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ROWS = 3000  # enough rows that the table spans several blocks, as a landlord's would


def _build(path: Path, landlord_id: str, gone: str, kept: str) -> None:
    """A warehouse with ROWS complaints; one closed in 2010 (expired under a six-year rule)
    carries ``gone`` in its pseudonymised id, free text and extension reason; an open one
    carries ``kept``."""
    con = duckdb.connect(str(path))
    con.execute(load_sql("schema/canonical.sql"))
    con.execute(MEASURES_DDL)
    con.execute(
        """
        insert into complaint (landlord_id, complaint_id, received_date, category, service_area,
            tenure, regime, is_tenant_of_owned_stock, anonymous, collective, vulnerability,
            adjustment_requested, adjustment_made, notifiable_event, energy_ombudsman_referred,
            closed_date, legal_hold, source_file, source_row)
        select $l,
            case when i = 7 then $gone || '-id' when i = 8 then $kept || '-id'
                 else 'c' || i end,
            DATE '2009-01-01',
            case when i = 7 then 'planted ' || $gone when i = 8 then 'planted ' || $kept
                 else 'Repairs ' || (i % 17) end,
            'repairs', 'lcra', 'eng', true, false, false, false, false, false, false, false,
            case when i = 8 then null when i % 2 = 0 then DATE '2024-01-01'
                 else DATE '2010-01-01' end,
            false, 'exports/c.csv', i
        from range($n) t(i)
        """,
        {"l": landlord_id, "gone": gone, "kept": kept, "n": ROWS},
    )
    con.execute(
        """
        insert into complaint_stage (landlord_id, complaint_id, stage, received_date,
            extension_wd, extension_reason, outcome, refused, source_file, source_row)
        select landlord_id, complaint_id, 1, received_date, 0,
            case when complaint_id like '%-id' then 'reason ' || category end,
            'upheld', false, source_file, source_row
        from complaint
        """
    )
    con.close()


def _found(path: Path, needle: str) -> list[str]:
    """The files (the DuckDB file and its WAL) whose bytes contain ``needle``."""
    return [
        p.name
        for p in (path, path.with_name(path.name + ".wal"))
        if p.exists() and needle.encode() in p.read_bytes()
    ]


def test_purged_complaints_are_not_in_the_files_bytes_after_the_rewrite(tmp_path):
    landlord = load_landlord(EXAMPLES / "small_specialist").model_copy(
        update={"retention": Retention(rule="closure_plus_years", years=6)}
    )
    gone, kept = f"PURGED{secrets.token_hex(8)}", f"KEPT{secrets.token_hex(8)}"
    path = tmp_path / "landlord.duckdb"
    _build(path, landlord.landlord_id, gone, kept)
    assert _found(path, gone) and _found(path, kept)  # the scan sees plain text in the file

    con = duckdb.connect(str(path))
    result = apply_retention(con, landlord, dt.date(2025, 3, 31))
    before = {
        t: con.execute(f"select count(*) from {t}").fetchone()[0]  # noqa: S608
        for t in ("complaint", "complaint_stage", "measures", "retention_log")
    }
    con.close()
    assert result.complaints_expired == ROWS // 2
    # the rows are deleted, but their bytes are still in the file until it is rewritten
    lingering = _found(path, gone)

    rewrite_database(path)
    assert _found(path, gone) == [], "a purged complaint is still readable in the file"
    assert _found(path, kept) == [path.name]  # what is kept is still there, readable
    con = duckdb.connect(str(path), read_only=True)
    after = {
        t: con.execute(f"select count(*) from {t}").fetchone()[0]  # noqa: S608
        for t in before
    }
    assert (
        con.execute(
            "select count(*) from complaint where complaint_id = $k", {"k": f"{kept}-id"}
        ).fetchone()[0]
        == 1
    )
    con.close()
    assert after == before
    assert not list(tmp_path.glob(".*rewrite*")), "the copy was left beside the file"
    print(f"\nbefore the rewrite the purged text was in: {lingering or 'nothing'}")


def test_a_copy_left_by_a_killed_rewrite_is_removed_and_the_file_kept(tmp_path):
    path = tmp_path / "landlord.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table t as select range as i from range(10)")
    con.close()
    half = tmp_path / ".landlord.duckdb.rewrite-999.duckdb"
    half.write_bytes(b"half a copy")
    rewrite_database(path)
    assert not half.exists()
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("select sum(i) from t").fetchone()[0] == 45
    con.close()
