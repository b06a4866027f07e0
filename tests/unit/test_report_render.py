"""Report rendering without a browser: content, escaping, suppression, commentary, YTD, timing."""

from __future__ import annotations

import csv
import re
import time

import duckdb
import polars as pl
import pytest

from pipeline.periods import ReportingYear, parse_quarter
from pipeline.reporting import render
from pipeline.reporting.charts import DASHES, OKABE_ITO, PLOTLY_FILE
from pipeline.reporting.commentary import compare
from pipeline.reporting.committee import periods_to_date, previous_period
from pipeline.reporting.data import Measures, year_to_date
from pipeline.reporting.sample import HOSTILE_CATEGORY, build_sample_database
from pipeline.reporting.suppression import suppress_small_numbers
from pipeline.reporting.tables import data_table
from pipeline.reporting.trace import plain, untraced

ANNUAL_HEADINGS = [
    "Executive summary",
    "Our commentary on the year",
    "Position among landlords",
    "Complaint volumes and themes",
    "Stage resolution and escalation",
    "Timeliness",
    "Extensions, contact restrictions and notifiable events",
    "Outcomes",
    "Refused and excluded complaints, and non-complaints",
    "Complaints excluded under our policy, and who complained",
    "Ombudsman cases, findings and orders",
    "Ombudsman orders and compliance",
    "Heat-network and care complaints",
    "Vulnerability and reasonable adjustments",
    "Satisfaction with complaint handling",
    "Complainant surveys: who we asked",
    "Remedies",
    "Learning and service improvements",
    "Compliments",
    "Scheme and business-unit figures",
    "Complaint Handling Code self-assessment",
    "Findings of non-compliance with the Code",
    "The Ombudsman's annual letter",
    "Other relevant reports",
    "The board's response",
    "The policies applied",
    "Appendix: methodology and data quality",
    # Code 8.1: the self-assessment in full (here one line: the sample has none)
    "Appendix: Complaint Handling Code self-assessment",
    "Appendix: chart data",
    "Glossary",
]


@pytest.fixture(scope="module")
def sample():
    con = duckdb.connect()
    landlord = build_sample_database(con)
    yield con, landlord
    con.close()


@pytest.fixture
def workspace(tmp_path):
    ws = tmp_path / "workspace"
    ws.mkdir()
    return ws


def _headings(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", h).replace("&#39;", "'").replace("&amp;", "&")
        for h in re.findall(r'<h2 id="[^"]+">(.*?)</h2>', html)
        if "toc-heading" not in h
    ]


def test_annual_report_sections_escaping_and_single_plotly(sample, workspace, tmp_path):
    con, landlord = sample
    started = time.perf_counter()
    paths = render.render_annual_report(
        con, landlord, "2024-25", tmp_path / "out", workspace=workspace, pdf=False
    )
    seconds = time.perf_counter() - started
    html = untraced(paths["html"].read_text(encoding="utf-8"))
    assert _headings(html) == ANNUAL_HEADINGS
    # Data with markup is text: the hostile category and landlord name are escaped everywhere.
    assert HOSTILE_CATEGORY not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Demo Homes &lt;Test&gt; &amp; Co" in html
    # plotly.js is one shared file beside the documents (loaded relatively, works offline), never
    # inlined, and nothing is fetched from a CDN.
    assert html.count(f'<script src="{PLOTLY_FILE}"></script>') == 1
    assert "plotly.js v" not in html and (paths["html"].parent / PLOTLY_FILE).is_file()
    assert "cdn.plot.ly" not in html and 'src="http' not in html
    # Every chart has a text summary and a data-table alternative.
    charts = re.findall(r'<figure class="chart"', html)
    assert len(charts) >= 5
    assert html.count('class="chart-summary"') == len(charts)
    # Each chart links to its data table in the chart-data appendix (printed in the PDF too).
    assert html.count('class="chart-data-link"') == len(charts)
    appendix = html.split('id="chart-data"', 1)[1]
    for chart_id in re.findall(
        r'<figure class="chart" role="group" aria-labelledby="(chart-[^"]+)-caption"', html
    ):
        assert f'<div id="{chart_id}-data"' in appendix
    assert seconds < 10, f"rendering took {seconds:.1f} s"


def test_headline_figures_come_from_the_measures_table(sample, workspace):
    con, landlord = sample
    sections, headline = render.annual_report_sections(
        con, landlord, ReportingYear.parse("2024-25"), published=False, workspace=workspace
    )
    expected = dict(
        con.sql(
            "select measure, display from measures where period = '2024-25' "
            "and breakdown = 'stock_type' and breakdown_value = 'lcra' and view = 'regulator' "
            "and measure in ('CH01_1', 'CH01_2', 'CH02_1', 'CH02_2', 'TP09')"
        ).fetchall()
    )
    assert {h["measure"]: h["display"] for h in headline} == expected
    summary = sections[0]
    sentences = next(b for b in summary.blocks if b.kind == "list").items
    assert any("sector median of 53.9 per 1,000 homes" in s for s in sentences)
    assert any("provisional" in s for s in sentences)


def test_published_variant_suppresses_small_counts(sample, workspace, tmp_path):
    con, landlord = sample
    paths = render.render_annual_report(
        con, landlord, "2024-25", tmp_path, published=True, workspace=workspace, pdf=False
    )
    assert paths["html"].name == "annual_report_published.html"
    html = untraced(paths["html"].read_text(encoding="utf-8"))
    assert "counts under 5 suppressed" in html
    # Oak Lodge had 3 stage 1 complaints: shown as <5, never as 3.
    row = re.search(r"Oak Lodge</th>\s*<td[^>]*>([^<]*)</td>", html)
    assert row and row.group(1) == "&lt;5"


def test_suppression_primary_secondary_and_rates():
    base = {
        "measure": "received_1",
        "period": "2024-25",
        "breakdown": "category",
        "view": "all",
        "unit": "count",
        "denominator": None,
    }
    frame = pl.DataFrame(
        [
            {**base, "breakdown_value": "a", "value": 3.0, "numerator": 3.0, "display": "3"},
            {**base, "breakdown_value": "b", "value": 40.0, "numerator": 40.0, "display": "40"},
            {**base, "breakdown_value": "c", "value": 12.0, "numerator": 12.0, "display": "12"},
            {**base, "breakdown_value": "d", "value": 0.0, "numerator": 0.0, "display": "0"},
            {
                **base,
                "breakdown": "none",
                "breakdown_value": "all",
                "value": 55.0,
                "numerator": 55.0,
                "display": "55",
            },
            {
                **base,
                "measure": "CH02_2",
                "breakdown": "none",
                "breakdown_value": "all",
                "unit": "percent",
                "value": 75.0,
                "numerator": 3.0,
                "denominator": 4.0,
                "display": "75.0",
            },
        ]
    )
    out = suppress_small_numbers(frame)
    shown = dict(zip(out["breakdown_value"] + out["measure"], out["display"], strict=True))
    assert shown["areceived_1"] == "<5"  # primary
    assert shown["creceived_1"] == "[c]"  # secondary: smallest other non-zero count, never "<5"
    assert shown["breceived_1"] == "40"
    assert shown["dreceived_1"] == "0"  # zero identifies nobody
    assert shown["allreceived_1"] == "55"
    assert shown["allCH02_2"] == "[c]"  # a rate over fewer than 5 cases
    assert out.filter(pl.col("suppressed"))["value"].null_count() == 3


@pytest.mark.parametrize(
    ("measure", "current", "previous", "median", "expected"),
    [
        (
            "CH02_1",
            85.94,
            79.1,
            89.9,
            "up 6.8 percentage points on last year (79.1%): an improvement. That is 4.0 percentage points below the sector median of 89.9%.",
        ),
        (
            "TP09",
            30.0,
            35.5,
            None,
            "down 5.5 percentage points on last year (35.5%): a deterioration.",
        ),
        (
            "CH01_1",
            53.9,
            53.9,
            53.9,
            "unchanged from last year (53.9 per 1,000 homes). That is in line with the sector median",
        ),
    ],
)
def test_commentary_says_better_or_worse_and_by_how_much(
    measure, current, previous, median, expected
):
    def row(v):
        return {
            "value": v,
            "display": f"{v}",
            "unit": "per_1000" if measure.startswith("CH01") else "percent",
        }

    text = plain(compare(measure, row(current), row(previous), median))
    assert expected in text
    if measure.startswith("CH01"):
        assert "improvement" not in text and "not by itself worse" in text


def test_commentary_treats_u_honestly():
    text = plain(
        compare("CH02_2", {"value": None, "display": "[U]", "unit": "percent"}, None, 88.9)
    )
    assert "cannot be calculated ([U])" in text and "no complaints at this stage" in text
    assert "not available" in compare("TP09", None, None, None)


def test_a_count_not_known_in_a_period_is_not_known_to_date():
    """council_housing's April 2025 pack: complaints raised after the time limit for complaining
    read [U] for April (no complaint had a date the resident first knew of the matter) and 0 for
    the year to date, which is April alone. Adding an unknown count to others gives an unknown."""
    year = ReportingYear.parse("2025-26")
    months = year.quarters()[:2]  # months or quarters: the rule is the same

    def row(period, num):
        return {
            "landlord_id": "x", "period_kind": "month", "period": period.key,
            "period_start": period.start, "period_end": period.end,
            "measure": "complaints_raised_late", "breakdown": "none", "breakdown_value": "all",
            "view": "management", "numerator": num, "denominator": None, "value": num,
            "display": "[U]" if num is None else f"{num:.0f}", "unit": "count",
        }  # fmt: skip

    for values, expected in (((None,), "[U]"), ((None, 2.0), "[U]"), ((1.0, 2.0), "3")):
        periods = months[: len(values)]
        frame = pl.DataFrame(
            [row(p, v) for p, v in zip(periods, values, strict=True)],
            schema_overrides={
                "numerator": pl.Float64,
                "denominator": pl.Float64,
                "value": pl.Float64,
            },
        )
        ytd = year_to_date(Measures(frame), periods, "2025-26-YTD")
        got = ytd.get("complaints_raised_late", "2025-26-YTD", "none", view="management")
        assert (got["display"] or "[U]") == expected, (values, got)


def test_year_to_date_adds_numerators_and_denominators():
    year = ReportingYear.parse("2024-25")
    q1, q2 = year.quarters()[:2]

    def row(period, measure, num, den, unit, breakdown="none", value="all"):
        val = num if den is None else num / den * (1000 if unit == "per_1000" else 100)
        return {
            "landlord_id": "x",
            "period_kind": "quarter",
            "period": period.key,
            "period_start": period.start,
            "period_end": period.end,
            "measure": measure,
            "breakdown": breakdown,
            "breakdown_value": value,
            "view": "all",
            "numerator": float(num),
            "denominator": None if den is None else float(den),
            "value": val,
            "display": "",
            "unit": unit,
        }

    frame = pl.DataFrame(
        [
            row(q1, "received_1", 10, None, "count"),
            row(q2, "received_1", 15, None, "count"),
            row(q1, "response_in_time_1", 9, 10, "percent"),
            row(q2, "response_in_time_1", 5, 15, "percent"),
            row(q1, "CH01_1", 10, 1000, "per_1000"),
            row(q2, "CH01_1", 15, 1000, "per_1000"),
            row(q1, "open_1", 7, None, "count", "band", "0-5"),
            row(q2, "open_1", 4, None, "count", "band", "0-5"),
            row(q1, "wd_to_response_median_1", 8, 10, "wd"),
            # positions at X = min(period end, cut) too (docs/measures.md), never summed
            row(q1, "contact_restrictions_in_force", 20, None, "count"),
            row(q2, "contact_restrictions_in_force", 18, None, "count"),
            row(q1, "ombudsman_orders_outstanding", 3, None, "count"),
            row(q2, "ombudsman_orders_outstanding", 2, None, "count"),
            row(q1, "contact_restrictions_review_overdue", 1, None, "count"),
            row(q2, "contact_restrictions_review_overdue", 1, None, "count"),
        ]
    )
    ytd = year_to_date(Measures(frame), periods_to_date(q2), "2024-25-YTD")
    get = lambda m, b="none": ytd.get(m, "2024-25-YTD", b, view="all")  # noqa: E731
    assert get("received_1")["display"] == "25"
    assert get("response_in_time_1")["display"] == "56.0"  # 14 / 25, not the mean of 90 and 33.3
    assert get("CH01_1")["display"] == "25.0"  # year-end stock is not added up
    assert ytd.get("open_1", "2024-25-YTD", "band", "0-5")["display"] == "4"  # as at Q2's end
    assert get("wd_to_response_median_1") is None  # medians cannot be combined
    for measure, at_q2 in (
        ("contact_restrictions_in_force", "18"),
        ("ombudsman_orders_outstanding", "2"),
        ("contact_restrictions_review_overdue", "1"),
    ):
        assert get(measure)["display"] == at_q2, measure  # as at Q2's end, not Q1 + Q2
    assert previous_period(q1).key == "2023-24-Q4"
    assert previous_period(parse_quarter("2024-25-Q3")).key == "2024-25-Q2"


def test_markdown_board_response_escapes_raw_html():
    html = render.render_markdown_safe(
        "# Board\n\nWe **agree**.\n\n<script>alert(1)</script>\n\n"
        "[bad](javascript:alert(1)) [good](https://example.org) <img src=x onerror=alert(1)>"
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html
    assert "javascript:" not in html
    assert '<a href="https://example.org">good</a>' in html
    assert "<strong>agree</strong>" in html


@pytest.mark.parametrize(
    "text",
    [
        'We agree.\n{: onmouseover="alert(1)" style="position:fixed;width:100%;height:100%" }',
        '# Our view {: onclick="alert(1)" }',
        '[our policy](https://example.org){: onclick="alert(1)" }',
    ],
)
def test_markdown_attribute_lists_cannot_add_event_handlers(text):
    """Python-Markdown's attr_list (part of "extra") put any attribute on an element: a board
    response or narrative could run script in the annual report and its published version."""
    html = str(render.render_markdown_safe(text))
    tags = re.findall(r"<[^>]*>", html)
    assert not [tag for tag in tags if re.search(r"\s(on\w+|style)=", tag)], html


def test_markdown_keeps_tables_and_footnotes():
    html = str(
        render.render_markdown_safe("| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^1]\n\n[^1]: Note")
    )
    assert "<table " in html and ">2</td>" in html and 'class="footnote"' in html


def test_board_response_and_self_assessment_hook(sample, workspace, tmp_path):
    con, landlord = sample
    folder = workspace / "annual_report" / "2024-25"
    folder.mkdir(parents=True)
    (folder / "board_response.md").write_text(
        "---\ndate: 2025-09-18\nrole: Chair of the Board\n---\n# Our view\n\n"
        "The board **welcomes** the report.\n\n<script>alert(1)</script>",
        encoding="utf-8",
    )
    summary = {
        "year_label": "2024/25",
        "totals": {
            "provisions": 72,
            "yes": 71,
            "no": 1,
            "met": 70,
            "contradicted": 1,
            "actions": 3,
        },
        "sections": [
            {"number": 1, "title": "Definition <of> a complaint", "yes": 5, "no": 0, "met": 5}
        ],
        "contradictions": [{"provision": "5.12", "requirement": "x", "evidence": ["70% late"]}],
        "documents": {"html": "self_assessment.html"},
    }
    html = render.render_annual_report(
        con,
        landlord,
        "2024-25",
        tmp_path,
        workspace=workspace,
        self_assessment=summary,
        pdf=False,
    )["html"].read_text(encoding="utf-8")
    html = untraced(html)
    assert "The board <strong>welcomes</strong> the report." in html
    assert "<h3>Our view</h3>" in html  # under the section's h2
    assert "Response of the Chair of the Board, 18 September 2025." in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # A "yes" the data contradicts is not counted as met.
    assert "70 of 72 provisions met, 1 not met, and 1 answer of &#39;yes&#39;" in html
    assert "Definition &lt;of&gt; a complaint" in html
    assert "Provision 5.12: the data does not support" in html
    assert '<a href="self_assessment.html">HTML</a>' in html
    empty = render.render_annual_report(
        con,
        landlord,
        "2023-24",
        tmp_path / "none",
        workspace=workspace,
        self_assessment=None,
        pdf=False,
    )["html"].read_text(encoding="utf-8")
    empty = untraced(empty)
    assert "Self-assessment summary: not available" in empty
    assert "The board&#39;s response to the 2023/24 report is not available" in empty


def test_data_quality_report_and_formula_safe_csv(sample, tmp_path, workspace):
    con, landlord = sample
    paths = render.render_data_quality(con, landlord, tmp_path, workspace=workspace, pdf=False)
    html = untraced(paths["html"].read_text(encoding="utf-8"))
    assert "Every row is accounted for" in html
    assert "What to fix in the source system" in html
    assert "Check the response and received dates" in html  # fix advice for a rule present
    # each rule in the reader's words, beside the code quarantine.csv carries
    assert "response before receipt" in html and "Rule code (quarantine.csv)" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    with paths["csv"].open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 5
    assert {r["raw_value"] for r in rows} >= {'\'=HYPERLINK("x")', "Licence"}


def test_committee_pack_and_learning_summary(sample, tmp_path, workspace):
    con, landlord = sample
    pack = render.render_committee_pack(
        con, landlord, "2024-25-Q2", tmp_path, workspace=workspace, pdf=False
    )["html"].read_text(encoding="utf-8")
    pack = untraced(pack)
    assert _headings(pack) == [
        "Targets and exceptions",
        "Complaints received against last year",
        "Complaint handling",
        "Timeliness month by month, year to date",
        "Open and overdue complaints",
        "Ombudsman cases and overdue actions",
        "Where complaints came from",
        "Appendix: chart data",
        "Glossary",
    ]
    assert "Year to date" in pack and "Q1 2024/25" in pack
    # Q1 + Q2 stage 1 received: 2 x round(710 / 4) = 356 in the sample.
    received = con.sql(
        "select sum(numerator) from measures where measure = 'received_1' and breakdown = 'none' "
        "and period in ('2024-25-Q1', '2024-25-Q2')"
    ).fetchall()[0][0]
    assert re.search(
        rf"Stage 1 complaints received</th>(\s*<td[^>]*>[^<]*</td>){{2}}\s*<td[^>]*>{int(received)}</td>",
        pack,
    )
    # Month trend cut at the quarter end: September is the last month shown.
    assert "Sep 2024" in pack and "Oct 2024" not in pack

    summary = render.render_learning_summary(
        con, landlord, "2024-25", tmp_path, workspace=workspace, pdf=False
    )["html"].read_text(encoding="utf-8")
    summary = untraced(summary)
    assert "Surveyors now call back within 5 days." in summary
    assert "&lt;b&gt;Bold&lt;/b&gt;" in summary
    # Linked complaints: counts only, small ones suppressed (2 -> <5), larger shown (6).
    assert "&lt;5" in summary and ">6<" in summary


def test_data_table_has_caption_headers_and_escapes(snapshot):
    table = data_table(
        "tbl-snapshot",
        "Complaints <by> category",
        pl.DataFrame({"Category": [HOSTILE_CATEGORY, "Repairs"], "Complaints": [3, 40]}),
        note="Source: measures table",
    )
    assert (
        '<caption id="tbl-snapshot-caption">Complaints &lt;by&gt; category</caption>' in table.html
    )
    assert 'scope="col"' in table.html
    # Each row's label is its header, named in the headers of the row's figures.
    assert table.html.count('<th scope="row"') == 2
    assert 'headers="tbl-snapshot-Complaints tbl-snapshot-row-2"' in table.html
    assert str(table.html) == snapshot


def test_headline_table_snapshot(sample, workspace, snapshot):
    con, landlord = sample
    sections, _ = render.annual_report_sections(
        con, landlord, ReportingYear.parse("2024-25"), published=False, workspace=workspace
    )
    tables = {
        b.table.table_id: plain(str(b.table.html))
        for s in sections
        for b in s.blocks
        if b.kind == "table" and b.table.table_id in ("tbl-headline", "tbl-refusals", "tbl-policy")
    }
    assert set(tables) == {"tbl-headline", "tbl-refusals", "tbl-policy"}
    assert tables == snapshot


@pytest.mark.parametrize(
    ("key", "kind", "start"),
    [
        ("2024-25-Q2", "quarter", "2024-07-01"),
        ("2024-05", "month", "2024-05-01"),
        ("2025-01", "month", "2025-01-01"),
        ("2024-25", "year", "2024-04-01"),
        ("2011-12", "year", "2011-04-01"),  # a reporting year, not December 2011
    ],
)
def test_period_keys(key, kind, start):
    period = render._period(key)
    assert (period.kind, period.start.isoformat()) == (kind, start)


def test_monthly_committee_pack(sample, tmp_path, workspace):
    con, landlord = sample
    pack = render.render_committee_pack(
        con, landlord, "2024-05", tmp_path, workspace=workspace, pdf=False
    )["html"].read_text(encoding="utf-8")
    pack = untraced(pack)
    assert "May 2024" in pack and "April 2024" in pack  # the month and the month before
    assert "May 2024" in pack and "Jun 2024" not in pack  # trend cut at the month end
    with pytest.raises(ValueError, match="quarter or a month"):
        render.render_committee_pack(con, landlord, "2024-25", tmp_path, pdf=False)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_chart_colours_have_three_to_one_contrast_on_white():
    """WCAG 1.4.11: every line or bar colour is at least 3:1 against the white plot background, and
    no two lines share both colour and dash pattern."""
    for colour in OKABE_ITO:
        assert 1.05 / (_luminance(colour) + 0.05) >= 3, colour
    styles = {(OKABE_ITO[i % len(OKABE_ITO)], DASHES[i % len(DASHES)]) for i in range(12)}
    assert len(styles) == 12
