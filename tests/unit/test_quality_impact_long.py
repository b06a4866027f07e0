"""The data-quality report counts each complaint that quarantine takes out of the headline
measures once, whatever the export's shape. In a long export (one row per stage) a complaint
whose lead row is quarantined takes its other stage rows with it ('parent_quarantined'); the
report counted each of those rows as one more complaint missing from CH01 and CH02."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fixtures" / "ingest"))

import workspaces as ws  # noqa: E402

from pipeline.config import load_landlord  # noqa: E402
from pipeline.ingest import ingest_workspace  # noqa: E402
from pipeline.reporting.quality_impact import impact_sentences, quarantine_impact  # noqa: E402


def test_a_long_exports_complaint_is_counted_once(tmp_path):
    root = ws.long_workspace(tmp_path)
    landlord = load_landlord(root)
    con = duckdb.connect()
    ingest_workspace(con, root, landlord, ws.KEY)
    # the fixture: L003's stage 1 row has a code not in the mapping (the complaint goes, and its
    # stage 2 row with it: parent_quarantined); L004's two stage 1 rows conflict; L005's stage 2
    # was requested before its stage 1 answer (the stage alone goes)
    assert {r for (r,) in con.execute("select distinct rule from quarantine").fetchall()} >= {
        "unknown_code", "parent_quarantined", "conflicting_rows", "stage2_before_stage1_response"
    }  # fmt: skip
    impact = quarantine_impact(con, landlord.landlord_id, root)
    counted = dict(zip(impact["rule"], impact["complaints"], strict=True))
    # L003 once (its code), L004 once (its two rows); no complaint again for L003's stage 2 row
    assert counted.get("unknown_code") == 1 and counted.get("conflicting_rows") == 1, counted
    assert "parent_quarantined" not in counted, counted
    sentences = impact_sentences(impact)
    assert not any("its complaint was quarantined" in s for s in sentences), sentences
    con.close()


def test_a_long_exports_stage_row_is_a_stage_not_the_whole_complaint(tmp_path):
    """L005's stage 2 row (requested before its stage 1 answer) went; its complaint loaded with
    stage 1, yet the report said '1 complaint (every stage) ... is not in CH01 and CH02': a long
    export's stage row never matches the row its complaint loaded from."""
    root = ws.long_workspace(tmp_path)
    landlord = load_landlord(root)
    con = duckdb.connect()
    ingest_workspace(con, root, landlord, ws.KEY)
    assert con.execute(
        "select count(*) from complaint_stage where stage = 1 and complaint_id in "
        "(select complaint_id from complaint_stage group by 1 having count(*) = 1)"
    ).fetchone()[0]
    impact = quarantine_impact(con, landlord.landlord_id, root)
    row = impact.filter(impact["rule"] == "stage2_before_stage1_response").row(0, named=True)
    assert (row["stage"], row["complaints"]) == (2, 1), row
    (sentence,) = [s for s in impact_sentences(impact) if "stage 2 before the stage 1" in s]
    assert sentence.startswith("1 stage 2 complaint"), sentence
    con.close()
