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
