"""Dates that read but cannot be trusted: a time of day that does not exist (25:10) and a weekday
that is not the date's (Tuesday 3 March 2025, a Monday). Times are ignored and DuckDB's %A reads
any weekday, so both loaded as the date written, without a word; each is now one quarantined row
naming file, row, column and rule, never the cell's text beyond a date's."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "ingest"))

import workspaces as ws  # noqa: E402

from pipeline.config import load_landlord  # noqa: E402
from pipeline.ingest import ingest_workspace  # noqa: E402
from pipeline.reporting.quality import FIX_IN_SOURCE  # noqa: E402
from pipeline.sources.fields import RULE_TEXT  # noqa: E402
from tests.unit.test_ingest_bad_cells import EXPORT, _row  # noqa: E402 - the same export's rows

RULES = ("date_time_invalid", "date_weekday_mismatch")


ROWS = {
    # (cells, column and rule expected, or None when the row loads)
    "D1": ({"Stage 1 Acknowledged": "02/05/2024 25:10"}, ("Stage 1 Acknowledged", RULES[0])),
    "D2": ({"Stage 1 Acknowledged": "02/05/2024 10:75"}, ("Stage 1 Acknowledged", RULES[0])),
    "D3": ({"Date Received": "01/05/2024 24:30"}, ("Date Received", RULES[0])),
    # 2 May 2024 was a Thursday
    "D4": ({"Stage 1 Acknowledged": "Tuesday 02 May 2024"}, ("Stage 1 Acknowledged", RULES[1])),
    "D5": ({"Stage 1 Acknowledged": "Fri 02 May 2024"}, ("Stage 1 Acknowledged", RULES[1])),
    "D11": ({"Stage 1 Acknowledged": "02/05/2024 13:30 PM"}, ("Stage 1 Acknowledged", RULES[0])),
    # sound dates and times still load
    "D6": ({"Stage 1 Acknowledged": "Thursday 02 May 2024"}, None),
    "D7": ({"Stage 1 Acknowledged": "thu 02 May 2024"}, None),
    "D8": ({"Stage 1 Acknowledged": "02/05/2024 23:59"}, None),
    "D9": ({"Stage 1 Acknowledged": "02/05/2024 24:00"}, None),
    "D10": ({"Stage 1 Acknowledged": "02/05/2024 00:00"}, None),
    "D12": ({"Stage 1 Acknowledged": "02/05/2024 12:30 PM"}, None),
    "D13": ({"Stage 1 Acknowledged": "02/05/2024 9:05:59 pm"}, None),
    "D14": ({"Stage 1 Acknowledged": "2024-05-02T23:59:59.999Z"}, None),
}


def test_impossible_times_and_wrong_weekdays_are_quarantined(tmp_path):
    root = ws.wide_workspace(tmp_path)
    mapping = root / "mappings" / "complaints.yaml"
    text = mapping.read_text(encoding="utf-8")
    assert 'date_formats: ["%d/%m/%Y %H:%M", "%d/%m/%Y"]' in text
    mapping.write_text(
        text.replace(
            'date_formats: ["%d/%m/%Y %H:%M", "%d/%m/%Y"]',
            'date_formats: ["%d/%m/%Y %H:%M", "%d/%m/%Y", "%A %d %B %Y", "%a %d %B %Y"]',
        ),
        encoding="utf-8",
    )
    path = root / EXPORT
    body = path.read_bytes().decode("cp1252").rstrip("\r\n")
    first = len(body.split("\r\n")) + 1
    lines = [_row(ref, **cells) for ref, (cells, _) in ROWS.items()]
    path.write_bytes((body + "\r\n" + "\r\n".join(lines) + "\r\n").encode("cp1252"))
    con = duckdb.connect()
    summary = ingest_workspace(con, root, load_landlord(root), ws.KEY)
    assert summary.reconciles
    found = con.execute(
        "select distinct source_row, column_name, rule, message from quarantine "
        "where source_row >= ? "
        "order by source_row, column_name",
        [first],
    ).fetchall()
    expected = [(first + i, *rule) for i, (_, rule) in enumerate(ROWS.values()) if rule is not None]
    assert list(dict.fromkeys(r[:3] for r in found)) == expected
    assert all(r[3].startswith(f"{r[2]}: {RULE_TEXT[r[2]]}") for r in found)
    loaded = con.execute(
        "select count(*) from complaint_stage where source_file = ? and source_row >= ?",
        [EXPORT, first],
    ).fetchone()[0]
    assert loaded == sum(1 for _, rule in ROWS.values() if rule is None)


def test_the_rules_have_advice():
    for rule in RULES:
        assert rule in RULE_TEXT and rule in FIX_IN_SOURCE
