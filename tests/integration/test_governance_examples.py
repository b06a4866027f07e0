"""Each example's governance documents from its own exports: ingest, measures, then the documents
its policy asks for (committee packs at its cadence, the residents' summary, scheme reports, the
group report), with every figure checked against its row of the measures table."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import duckdb
import polars as pl
import pytest

from pipeline.config import load_landlord
from pipeline.group_views import open_group
from pipeline.periods import ReportingYear, parse_period
from pipeline.reporting import render
from pipeline.reporting.committee import ARC_NOTE
from pipeline.reporting.group import render_group_report
from pipeline.reporting.labels import RECEIVED_NAMES, ack_name, arc_name, in_time_name
from pipeline.reporting.schemes import SCHEME, render_scheme_reports, slugify
from pipeline.reporting.suppression import scheme_streams, suppress_small_numbers
from pipeline.reporting.targets import rate
from pipeline.workspaces import DEFAULT_WORKSPACES_ROOT
from tests.integration.examples import measured_example

YEARS = [ReportingYear.parse(y) for y in ("2024-25", "2025-26")]
EXAMPLES = ("homes_plus", "council_housing", "housing21", "small_specialist")


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory):
    """Each example ingested and measured into its own warehouse file (as a run leaves it)."""
    root = tmp_path_factory.mktemp("governance")
    (root / "warehouse").mkdir()
    for name in EXAMPLES:
        with duckdb.connect(str(root / "warehouse" / f"{name}.duckdb")) as con:
            measured_example(con, name, YEARS)
    return root


def open_example(root, name):
    con = duckdb.connect(str(root / "warehouse" / f"{name}.duckdb"), read_only=True)
    return con, load_landlord(DEFAULT_WORKSPACES_ROOT / name)


def table(page: str, table_id: str) -> list[list[str]]:
    """The body rows of the table with ``table_id`` as lists of cell texts."""
    match = re.search(
        rf'<table[^>]*id="{table_id}".*?</table>|<div id="{table_id}".*?</table>', page, re.S
    )
    assert match, table_id
    body = match.group(0).split("<tbody", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    return [
        [
            html_lib.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, re.S)
        ]
        for r in rows
    ]


def headings(page: str) -> list[str]:
    return [
        html_lib.unescape(re.sub(r"<[^>]+>", "", h))
        for h in re.findall(r'<h2 id="(?!toc)[^"]+">(.*?)</h2>', page)
    ]


def display(
    con,
    measure,
    period,
    breakdown="none",
    value="all",
    view=None,
    published=False,
    threshold=5,
    streams=None,
):
    """The measures row behind a figure; ``published``: as the published documents show it (the
    whole breakdown suppressed together, as they load it; ``streams``: scheme -> business stream,
    each stream's schemes a slice of their own)."""
    sql = "select * from measures where measure = ? and period = ? and breakdown = ?"
    params = [measure, period, breakdown]
    if view:
        sql += " and view = ?"
        params.append(view)
    frame = con.sql(sql, params=params).pl()
    if published:
        if breakdown == "stock_type":
            # the rows that say which stock type the documents headline (kept last when a
            # second cell must go: pipeline.reporting.suppression.headline_stock_types)
            homes = con.sql(
                "select * from measures where period = ? and breakdown = 'stock_type' "
                "and measure in ('stock_units', 'CH01_1') and measure <> ?",
                params=[period, measure],
            ).pl()
            frame = pl.concat([frame, homes], how="vertical_relaxed")
        frame = suppress_small_numbers(frame, threshold, streams=streams)
        frame = frame.filter(pl.col("measure") == measure)
    rows = frame.filter(frame["breakdown_value"] == value).to_dicts()
    assert len(rows) <= 1, (measure, period, breakdown, value, view)
    if not rows and breakdown != "none":
        return {"display": "–", "numerator": None}  # nothing recorded for that group
    assert rows, (measure, period, breakdown, value, view)
    return rows[0]


def test_council_monthly_pack_rates_its_targets_against_last_year(warehouses, tmp_path):
    con, landlord = open_example(warehouses, "council_housing")
    assert landlord.schedules.committee == "monthly"
    page = render.render_committee_pack(con, landlord, "2026-03", tmp_path, pdf=False)[
        "html"
    ].read_text(encoding="utf-8")
    assert headings(page)[:3] == [
        "Targets and exceptions",
        "Complaints received against last year",
        "Complaint handling",
    ]
    assert "England and Scotland" not in headings(page)  # one regime
    targets = table(page, "tbl-committee-targets")
    assert len(targets) == len(landlord.thresholds.targets)
    for target, cells in zip(landlord.thresholds.targets, targets, strict=True):
        row = display(
            con, target.measure, "2026-03", target.breakdown, target.breakdown_value, target.view
        )
        assert cells[2] == row["display"]
        assert cells[3] == rate(target, row)
    volumes = {r[0]: r[1:] for r in table(page, "tbl-committee-volumes")}
    assert volumes["Stage 1 complaints received"][:2] == [
        display(con, "received_1", "2026-03")["display"],
        display(con, "received_1", "2025-03")["display"],
    ]
    open_rows = {r[0]: r[1] for r in table(page, "tbl-committee-open")}
    assert (
        open_rows["Stage 2 complaints open past their deadline"]
        == display(con, "overdue_2", "2026-03", view="management")["display"]
    )
    assert (
        open_rows["Actions promised to complainants overdue"]
        == display(con, "overdue_promised_actions", "2026-03")["display"]
    )
    # the pack for a month in the middle of a quarter has no TP09
    feb = render.render_committee_pack(con, landlord, "2026-02", tmp_path / "feb", pdf=False)
    assert "tbl-committee-tp09" not in feb["html"].read_text(encoding="utf-8")
    con.close()


def test_homes_plus_pack_shows_england_and_scotland_and_tp09_only_with_respondents(
    warehouses, tmp_path
):
    con, landlord = open_example(warehouses, "homes_plus")
    q2 = render.render_committee_pack(con, landlord, "2025-26-Q2", tmp_path / "q2", pdf=False)[
        "html"
    ].read_text(encoding="utf-8")
    assert "England and Scotland" in headings(q2)
    regimes = {r[0]: r[1:] for r in table(q2, "tbl-committee-regimes")}
    # one row for both columns: named by both countries' limits
    assert regimes[in_time_name(1, "regulator", regimes=("eng", "sct"))] == [
        display(con, "response_in_time_1", "2025-26-Q2", "regime", r, "regulator")["display"]
        for r in ("eng", "sct")
    ]
    assert regimes[ack_name(1)][1] == "no acknowledgement step"
    arc = {r[0]: r[1] for r in table(q2, "tbl-committee-arc")}
    assert (
        arc[arc_name("ARC_3", 1)]
        == display(con, "ARC_3_1", "2025-26-Q2", view="regulator")["display"]
    )
    tp09 = {r[0]: r[1:] for r in table(q2, "tbl-committee-tp09")}
    lcra = tp09["Low-cost rental (LCRA)"]
    assert (
        lcra[0] == display(con, "TP09", "2025-26-Q2", "stock_type", "lcra", "regulator")["display"]
    )
    # no survey wave in Q4: no TP09 table, and the pack says why
    q4 = render.render_committee_pack(con, landlord, "2025-26-Q4", tmp_path / "q4", pdf=False)[
        "html"
    ].read_text(encoding="utf-8")
    assert "tbl-committee-tp09" not in q4
    assert "No TSM survey responses were dated in Q4 2025/26" in q4
    ombudsman = {r[0]: r[1] for r in table(q4, "tbl-committee-open")}
    assert (
        ombudsman["Ombudsman cases in progress"]
        == display(con, "open_ombudsman_cases", "2025-26-Q4")["display"]
    )
    con.close()


def test_homes_plus_quarterly_learning_summary(warehouses, tmp_path):
    con, landlord = open_example(warehouses, "homes_plus")
    assert landlord.schedules.learning_summary == "quarterly"
    page = render.render_learning_summary(con, landlord, "2025-26-Q4", tmp_path, pdf=False)[
        "html"
    ].read_text(encoding="utf-8")
    assert headings(page) == [
        "What your complaints told us",
        "What we changed",
        "How well we handled complaints",
        "How to complain",
        "Appendix: chart data",
        "Glossary",
    ]
    changes = table(page, "tbl-residents-changes")
    descriptions = [r[1] for r in changes]
    assert len(descriptions) == len(set(descriptions))  # learning.csv repeats three of them
    overdue = [r for r in changes if r[3].startswith("Overdue: due ")]
    assert overdue
    for r in overdue:
        due = dt.datetime.strptime(r[3].removeprefix("Overdue: due "), "%d %B %Y").date()
        assert due < dt.date(2026, 3, 31)
    how = {r[0]: r[1] for r in table(page, "tbl-residents-how")}
    # England: CH02 on the stock type the annual report headlines (the TSM return's);
    # Scotland: every answer against the SPSO's limits, named as such (issue 16 point 1).
    assert (
        how["England: first-stage complaints answered in time (CH02, %)"]
        == display(con, "CH02_1", "2025-26-Q4", "stock_type", "lcra", "regulator", published=True)[
            "display"
        ]
    )
    assert (
        how["Scotland: all first-stage answers sent within the SPSO's time limits (%)"]
        == display(
            con, "response_in_time_1", "2025-26-Q4", "regime", "sct", "regulator", published=True
        )["display"]
    )
    assert "0300 111 3000" in page and "0800 377 7330" in page  # Housing Ombudsman and SPSO
    assert landlord.complaints_contact.phone in page
    con.close()


def test_housing21_scheme_reports_one_per_scheme_with_suppression(warehouses, tmp_path):
    con, landlord = open_example(warehouses, "housing21")
    paths = render_scheme_reports(con, landlord, "2025-26", tmp_path, pdf=False)
    schemes = [
        r[0]
        for r in con.execute(
            "select breakdown_value from measures where measure = 'received_1' "
            "and breakdown = 'scheme' and period = '2025-26' and breakdown_value <> 'unknown'"
        ).fetchall()
    ]
    files = sorted(p.stem for p in paths["schemes"].glob("*.html"))
    assert files == sorted(slugify(s) for s in schemes) and len(files) == 34
    combined = paths["html"].read_text(encoding="utf-8")
    assert all(html_lib.escape(s, quote=False) in combined for s in schemes)
    threshold = landlord.thresholds.small_number_suppression
    small = 0
    for scheme in schemes[:10]:
        page = (paths["schemes"] / f"{slugify(scheme)}.html").read_text(encoding="utf-8")
        figures = {r[0]: r[1:] for r in table(page, f"tbl-{slugify(scheme)}-figures")}
        for measure, text in (
            ("received_2", "Stage 2 complaints received (escalated, or begun at stage 2)"),
            ("received_1", "Stage 1 complaints received"),
        ):
            for column, period in enumerate(("2025-26", "2024-25")):
                expected = display(
                    con,
                    measure,
                    period,
                    SCHEME,
                    scheme,
                    published=True,
                    threshold=threshold,
                    streams=scheme_streams(landlord.business_streams),
                )["display"]
                assert figures[text][column].replace(",", "") == expected
                small += expected == "<5"
        assert (
            figures["Stage 1 complaints received"][2].replace(",", "")
            == display(con, "received_1", "2025-26")["display"]
        )
    assert small > 0  # some scheme had fewer than 5 escalations: shown as <5
    con.close()


def test_group_report_beside_the_members(warehouses):
    con = open_group(warehouses)
    paths = render_group_report(con, parse_period("2025-26"), warehouses, pdf=False)
    con.close()
    assert paths["html"].parent == warehouses / "group" / "2025-26"
    page = paths["html"].read_text(encoding="utf-8")
    rows = {r[0]: r[1:] for r in table(page, "tbl-group-headline")}
    received = rows[RECEIVED_NAMES["complaints_received"]]  # the annual report's name
    members = []
    for name in sorted(EXAMPLES):
        member, _ = open_example(warehouses, name)
        members.append(member)
    values = [display(m, "complaints_received", "2025-26")["numerator"] for m in members]
    # counts over 999 read with a thousands comma (issue 16 point 7)
    assert received[:-1] == [f"{v:,.0f}" for v in values]
    assert received[-1] == f"{sum(values):,.0f}"
    ch02 = [display(m, "CH02_1", "2025-26", "stock_type", "lcra", "regulator") for m in members]
    numerator = sum(r["numerator"] for r in ch02)
    denominator = sum(r["denominator"] for r in ch02)
    assert rows["Stage 1 answered in time, LCRA (CH02, %)"][-1] == render_percent(
        numerator, denominator
    )
    csv = paths["csv"].read_text(encoding="utf-8")
    assert csv.startswith("landlord_id,period_kind,period") and "\ngroup,year,2025-26," in csv
    for m in members:
        m.close()


def render_percent(numerator: float, denominator: float) -> str:
    from pipeline.rounding import display as shown

    return shown(numerator / denominator * 100)


def test_command_line_writes_the_councils_monthly_pack_and_the_group_report(tmp_path):
    """``complaints run --period 2026-03`` runs the year it falls in and that month's pack (the
    council's committee meets monthly); ``complaints group`` then writes the group report."""
    import os
    import subprocess
    import sys

    from pipeline.workspaces import PROJECT_ROOT

    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    env.pop("DAGSTER_HOME", None)
    output = tmp_path / "output"

    def complaints(*args):
        return subprocess.run(
            [sys.executable, "-m", "pipeline.cli", *args],
            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=900,
        )  # fmt: skip

    run = complaints(
        "run", "--workspace", str(DEFAULT_WORKSPACES_ROOT / "council_housing"),
        "--period", "2026-03", "--committee", "none", "--output", str(output),
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "[council_housing] 2025-26: ok" in run.stdout
    assert "[council_housing] 2026-03: ok" in run.stdout
    pack = output / "council_housing" / "2026-03" / "committee_pack.html"
    assert "Targets and exceptions" in pack.read_text(encoding="utf-8")
    year = output / "council_housing" / "2025-26"
    assert (year / "scheme_reports.pdf").stat().st_size > 0
    assert len(list((year / "schemes").glob("*.html"))) == 7  # the council's seven wards
    group = complaints("group", "--output", str(output), "--period", "2025-26", "--name", "Test")
    assert group.returncode == 0, group.stdout + group.stderr
    assert (output / "group" / "2025-26" / "group_report.pdf").stat().st_size > 0
    bad = complaints("run", "--all-examples", "--period", "2026-13", "--output", str(output))
    assert bad.returncode != 0
    assert "--period '2026-13' is neither a month (months are 01 to 12)" in bad.stderr


def _visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.mark.parametrize(
    ("name", "scottish"), [("council_housing", False), ("housing21", False), ("homes_plus", True)]
)
def test_definitions_speak_only_of_the_landlords_own_countries(
    warehouses, tmp_path, name, scottish
):
    """An England-only landlord's documents define their figures without the SPSO's limits,
    Scotland's stages or the ARC; a landlord in both countries has both."""
    con, landlord = open_example(warehouses, name)
    pages = render.render_annual_report(
        con, landlord, "2025-26", tmp_path / "annual", pdf=False, self_assessment=None
    )
    period = "2026-03" if landlord.schedules.committee == "monthly" else "2025-26-Q4"
    pack = render.render_committee_pack(con, landlord, period, tmp_path / "pack", pdf=False)
    for document in (pages["html"], pack["html"]):
        text = _visible_text(document.read_text(encoding="utf-8"))
        assert "Acknowledged in time: complaints acknowledged within" in text
        for words in ("SPSO", "Scotland", "Scottish", "ARC"):
            assert (re.search(rf"\b{words}\b", text) is not None) is scottish, (document, words)
        # indicator 4 and the mean working days to response: why one figure can have two names
        assert (ARC_NOTE in text) is scottish, document


def test_group_report_for_a_quarter_the_data_cut_falls_in(tmp_path):
    """July's group report on the first quarter of the year in progress: the members' exports end
    at 30 April 2026, and 2026-27's year-end count is not taken yet."""
    (tmp_path / "warehouse").mkdir()
    for name in ("housing21", "small_specialist"):
        with duckdb.connect(str(tmp_path / "warehouse" / f"{name}.duckdb")) as con:
            measured_example(con, name, ["2026-27"])
    con = open_group(tmp_path)
    paths = render_group_report(con, parse_period("2026-27-Q1"), tmp_path, pdf=False)
    page = paths["html"].read_text(encoding="utf-8")
    text = html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))
    # the period as far as the data reaches, as the members' own packs name it
    assert "Headline measures by member, Q1 2026/27 to 30 April 2026" in text
    assert "positions at the period end are as at 30 April 2026" in text
    assert (
        "Complaints per 1,000 homes of Housing 21, Hollybank Housing Society divide by the homes "
        "owned at 31 March 2026, the latest count"
    ) in text
