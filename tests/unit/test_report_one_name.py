"""One measure, one name (design.md s7): the escalation rate read 'Escalated to stage 2 (%)' in
the annual report and 'Escalation rate (%)' in the committee pack's England and Scotland table,
so a board member comparing the two saw two figures where there is one."""

from __future__ import annotations

import html as html_lib
import re

import duckdb

from pipeline.reporting import render
from pipeline.reporting.committee import REGIME_METRICS
from pipeline.reporting.sample import build_sample_database
from pipeline.reporting.trace import untraced


def test_the_escalation_rate_has_one_name(tmp_path):
    con = duckdb.connect()
    landlord = build_sample_database(con)
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    html = render.render_annual_report(
        con, landlord, "2024-25", tmp_path / "out", workspace=workspace, pdf=False
    )["html"].read_text(encoding="utf-8")
    rows = [
        row for row in re.findall(r"<tr[^>]*>.*?</tr>", html, re.S)
        if 'data-measure="escalation_rate"' in row
    ]  # fmt: skip
    assert rows
    annual = {
        re.sub(r"<[^>]+>", "", untraced(re.search(r"<th[^>]*>(.*?)</th>", row, re.S).group(1)))
        .strip()
        .replace("&#39;", "'")
        for row in rows
    }
    committee = {m.label for m in REGIME_METRICS if m.measure == "escalation_rate"}
    assert committee == annual, (committee, annual)
    con.close()


def test_the_group_report_names_refusals_as_the_members_reports_do():
    """The group report's 'Complaints refused' row was refused_1 alone (council 9, where the
    council's own reports show 9 stage 1 complaints and 5 stage 2 escalations refused): a board
    member read it as every refusal. Each measure with a standard name carries it in the group's
    tables, and both stages' refusals are there."""
    from pipeline.reporting.group import HANDLING_METRICS, HEADLINE_METRICS
    from pipeline.reporting.labels import HANDLING_NAMES

    metrics = [m for m in HEADLINE_METRICS + HANDLING_METRICS if m.breakdown == "none"]
    named = [(m.measure, m.label) for m in metrics if m.measure in HANDLING_NAMES]
    assert {"refused_1", "refused_2"} <= {measure for measure, _ in named}
    for measure, name in named:
        assert name == HANDLING_NAMES[measure], (measure, name)


def test_the_ombudsman_figures_have_one_name_in_the_annual_report_and_the_pack():
    """Housing 21 2025/26: 96.0 read 'Orders in the year's determinations, complied with (%)' in
    the annual report and 'Orders in the period's determinations, complied with (%)' in the Q4
    pack's year-to-date column: one figure, two names for a board member comparing the two."""
    from pipeline.reporting.committee import OMBUDSMAN_METRICS
    from pipeline.reporting.ombudsman_section import OMBUDSMAN_CASE_METRICS

    annual = {m.measure: m.label for m in OMBUDSMAN_CASE_METRICS}
    pack = {m.measure: m.label for m in OMBUDSMAN_METRICS}
    shared = annual.keys() & pack.keys()
    assert "ombudsman_orders_complied" in shared
    assert {m: annual[m] for m in shared} == {m: pack[m] for m in shared}


def test_the_committee_packs_ch02_note_speaks_of_the_period_its_columns_show(tmp_path):
    """Housing 21's Q4 2025/26 pack: 'CH02 is the Regulator's measure: tenants' complaints in
    England received in the year' under a table whose CH02 row reads 86.8 for Q4 and 89.6 for
    Q3, each the complaints received in that quarter; only the year-to-date column is the year's.
    The annual report, whose columns are years, keeps 'the year'."""
    con = duckdb.connect()
    landlord = build_sample_database(con)
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    pack = render.render_committee_pack(
        con, landlord, "2024-25-Q2", tmp_path / "pack", workspace=workspace, pdf=False
    )["html"].read_text(encoding="utf-8")
    annual = render.render_annual_report(
        con, landlord, "2024-25", tmp_path / "annual", workspace=workspace, pdf=False
    )["html"].read_text(encoding="utf-8")
    con.close()
    said = "tenants' complaints in England received in the "
    in_pack = html_lib.unescape(re.sub(r"\s+", " ", untraced(pack)))
    in_annual = html_lib.unescape(re.sub(r"\s+", " ", untraced(annual)))
    assert f"{said}period, answered in time" in in_pack
    assert f"{said}year, answered in time" not in in_pack
    assert f"{said}year, answered in time" in in_annual
