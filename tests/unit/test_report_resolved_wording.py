"""The executive summary's "resolved at stage 1" is the share of the stage 1 answers sent in the
year that were not escalated to stage 2 (docs/measures.md: resolved_stage1 = 100 minus
escalation_rate, of counted stage 1 responses dated in the period). Borough Council 2024/25 read
"We received 345 complaints in 2024/25." then "88.2% of complaints were resolved at stage 1.", so a
caseworker took 88.2% of the 345 complaints received (304) as resolved, where the figure is 292 of
the 331 stage 1 answers, and "resolved" for what is only "not escalated"."""

from __future__ import annotations

import re

import duckdb

from pipeline.reporting import render
from pipeline.reporting.sample import build_sample_database
from pipeline.reporting.trace import plain


def test_the_summary_says_what_resolved_at_stage_1_is_a_share_of(tmp_path):
    con = duckdb.connect()
    landlord = build_sample_database(con)
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    html = render.render_annual_report(
        con, landlord, "2024-25", tmp_path / "out", workspace=workspace, pdf=False
    )["html"].read_text(encoding="utf-8")
    con.close()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", plain(html)))
    assert "of complaints were resolved at stage 1" not in text
    sentence = re.search(
        r"[\d.]+ ?% of the complaints we answered at stage 1 in 2024/25[^.]*\.", text
    )
    assert sentence, "no summary sentence on resolution at stage 1"
    assert "not escalated to stage 2" in sentence.group(0)
