"""A committee pack for a month or quarter that reaches past the data cut.

Wholly after the cut, the pack printed 0 complaints received, 0 open stages, 0 Ombudsman cases in
progress and 0 overdue actions (scaffold rows), beside a list of overdue improvements that the
"0" contradicted. Straddling the cut, it presented a month of complaints as the whole quarter's.
design.md s6-7: no false figure; "not available" where a figure cannot be known.
"""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pytest

from pipeline.measures import compute_measures
from pipeline.measures.testing import code_landlord, create_canonical_schema, generate_canonical
from pipeline.periods import ReportingYear, parse_period
from pipeline.reporting import render
from pipeline.reporting.committee import with_year_to_date
from pipeline.reporting.committee_cut import periods_after_cut
from pipeline.reporting.data import Measures
from pipeline.reporting.trace import traced_figures, untraced

CUT = dt.date(2024, 11, 15)


@pytest.fixture(scope="module")
def cut_mid_year():
    """A year of complaints, as loaded on 15 November 2024: later rows would be quarantined as
    dated after the cut, so they are not in the tables."""
    con = duckdb.connect()
    create_canonical_schema(con)
    generate_canonical(con, complaints=800)
    con.execute("delete from complaint_stage where received_date > ?", [CUT])
    con.execute("delete from complaint where received_date > ?", [CUT])
    con.execute("update complaint_stage set responded_date = null where responded_date > ?", [CUT])
    landlord = code_landlord(data_cut_date=CUT)
    compute_measures(
        con, landlord, [ReportingYear.parse("2023-24"), ReportingYear.parse("2024-25")]
    )
    yield con, landlord
    con.close()


def _pack(con, landlord, period: str, tmp_path) -> str:
    paths = render.render_committee_pack(
        con, landlord, period, tmp_path / period, workspace=tmp_path / "ws", pdf=False
    )
    return untraced(paths["html"].read_text(encoding="utf-8"))


def _headings(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h) for h in re.findall(r'<h2 id="[^"]+">(.*?)</h2>', html)]


def _cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>.*?</td>", html)]


@pytest.mark.parametrize("period", ["2024-12", "2024-25-Q4"])
def test_a_period_after_the_cut_shows_no_figure_and_says_why(cut_mid_year, tmp_path, period):
    con, landlord = cut_mid_year
    html = _pack(con, landlord, period, tmp_path)
    name = "December 2024" if period == "2024-12" else "Q4 2024/25"
    assert f"{name} begins after the data cut date, 15 November 2024" in html
    assert f"{name}: figures not available" in _headings(html)
    # no table, so no 0 of open stages, overdue actions or complaints received
    assert "<table" not in html and not _cells(html)
    assert "Stage 1 complaints open" not in html
    latest = "November 2024" if period == "2024-12" else "Q3 2024/25"
    assert f"The latest figures are in the {latest} pack" in html
    assert "set data_cut_date in landlord.yaml" in html


def test_a_quarter_the_cut_falls_in_is_labelled_to_the_cut(cut_mid_year, tmp_path):
    con, landlord = cut_mid_year
    html = _pack(con, landlord, "2024-25-Q3", tmp_path)
    assert "The data cut date, 15 November 2024, falls inside Q3 2024/25" in html
    assert "from 1 October 2024 to 15 November 2024 only" in html
    # every column of the quarter's figures says where they stop; the whole-quarter name alone
    # is never a column heading
    headers = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>.*?</th>", html)]
    assert "Q3 2024/25 to 15 November 2024" in headers
    assert "Q3 2024/25" not in headers
    assert "Year to date (to 15 November 2024)" in headers and "Year to date" not in headers
    assert "year to date (1 April 2024 to 15 November 2024)" in html
    assert "Open complaints and overdue actions on 15 November 2024" in html
    # the quarter's figures are its measures rows (received 1 October to the cut)
    [(received,)] = con.execute(
        "select display from measures where period = '2024-25-Q3' and measure = 'received_1' "
        "and breakdown = 'none'"
    ).fetchall()
    assert int(received) > 0
    row = html.split("Stage 1 complaints received</th>", 1)[1].split("</tr>", 1)[0]
    assert _cells(row)[0] == received


def test_a_quarter_the_cut_falls_in_shows_its_own_rows(cut_mid_year, tmp_path):
    """Relabelled, the quarter's figures are still its measures rows (one figure, one row)."""
    con, landlord = cut_mid_year
    paths = render.render_committee_pack(
        con, landlord, "2024-25-Q3", tmp_path, workspace=tmp_path / "ws", pdf=False
    )
    figures = traced_figures(paths["html"].read_text(encoding="utf-8"))
    assert any(f["period"] == "2024-25-Q3" for f in figures)
    measures = with_year_to_date(
        Measures(con.sql("select * from measures").pl()), parse_period("2024-25-Q3")
    )
    wrong = []
    for fig in figures:
        row = measures.get(
            fig["measure"],
            fig["period"],
            fig["breakdown"],
            fig.get("breakdown_value"),
            fig.get("view"),
        )
        if row is None:
            wrong.append((fig, None))
            continue
        expected = row["display"] or "[U]"
        # money is shown with a pound sign and thousands commas (as the figures-trace test reads it)
        text = fig["text"].removeprefix("£").replace(",", "")
        if row["unit"] == "gbp" and text.replace(".", "").isdigit():
            text = f"{float(text):.2f}"
        if text != expected:
            wrong.append((fig, expected))
    assert not wrong, wrong[:5]


def test_a_whole_period_before_the_cut_is_unchanged(cut_mid_year, tmp_path):
    con, landlord = cut_mid_year
    html = _pack(con, landlord, "2024-25-Q2", tmp_path)
    assert "data cut date, 15 November 2024" not in html
    assert "Q2 2024/25 to" not in html and "Year to date (to" not in html
    assert "Open complaints and overdue actions on 30 September 2024" in html


def test_the_command_line_names_a_period_after_the_cut():
    notes = periods_after_cut(["2024-11", "2024-12", "2024-25-Q3", "2024-25-Q4"], CUT)
    assert len(notes) == 2
    assert notes[0].startswith("2024-12 begins after the data cut date (15 November 2024)")
    assert "load exports taken after 31 December 2024" in notes[0]
    assert notes[1].startswith("2024-25-Q4 begins after the data cut date")


def _summary(con, landlord, period: str, tmp_path) -> str:
    paths = render.render_learning_summary(
        con, landlord, period, tmp_path / period, workspace=tmp_path / "ws", pdf=False
    )
    return untraced(paths["html"].read_text(encoding="utf-8"))


def test_a_learning_summary_after_the_cut_does_not_say_nobody_complained(cut_mid_year, tmp_path):
    # it read "No complaints were recorded for this period." for a quarter nothing is known of
    con, landlord = cut_mid_year
    html = _summary(con, landlord, "2024-25-Q4", tmp_path)
    assert "We do not have figures for Q4 2024/25 yet" in html
    assert "Complaints in Q4 2024/25: not available yet" in html
    assert "No complaints were recorded" not in html


def test_a_learning_summary_the_cut_falls_in_says_how_far_it_counts(cut_mid_year, tmp_path):
    con, landlord = cut_mid_year
    html = _summary(con, landlord, "2024-25-Q3", tmp_path)
    assert "its figures for Q3 2024/25 cover 1 October 2024 to 15 November 2024 only" in html
    assert "In Q3 2024/25 to 15 November 2024 residents made" in html
    # the year's summary is the year to date, and says so too (it read "2024/25" alone: seven
    # and a half months read as the year, tests/unit/test_report_year_to_cut.py)
    year = _summary(con, landlord, "2024-25", tmp_path)
    assert "its figures for 2024/25 cover 1 April 2024 to 15 November 2024 only" in year
    assert "2024/25 to 15 November 2024" in year


def test_a_return_for_a_year_after_the_cut_says_why_it_is_blank(cut_mid_year):
    """A year that begins after the cut has no measures rows, so its TSM return's fields are
    blank: the file itself says why (a blank return read alone looks like a year without
    complaints), and a year the cut falls in has no such line."""
    from pipeline.returns import tsm_return_fields

    con, landlord = cut_mid_year
    compute_measures(con, landlord, [ReportingYear.parse("2025-26")])
    after = {f.description: f.value for f in tsm_return_fields(con, landlord, "2025-26")}
    assert after["Figures"].startswith("none: 2025/26 begins after the data cut (15 November 2024)")
    assert "set data_cut_date" in after["Figures"]
    ch01 = [
        f for f in tsm_return_fields(con, landlord, "2025-26") if f.field_code.startswith("CH01")
    ]
    assert ch01 and all(f.value is None for f in ch01)
    during = {f.description for f in tsm_return_fields(con, landlord, "2024-25")}
    assert "Figures" not in during


def test_a_return_for_a_year_the_cut_falls_in_says_where_its_figures_stop(cut_mid_year, tmp_path):
    """The TSM and ARC returns for 2024/25 loaded on 15 November 2024 read 'Reporting year
    2024/25' with seven and a half months' complaints in CH01 and the ARC indicators: a file read
    on its own (or sent to the regulator) looked like the whole year's return."""
    import csv

    from pipeline.returns import tsm_return_fields, write_arc_return

    con, landlord = cut_mid_year
    during = {f.description: f.value for f in tsm_return_fields(con, landlord, "2024-25")}
    assert during["Reporting year"] == "2024/25 to 15 November 2024"
    whole = {f.description: f.value for f in tsm_return_fields(con, landlord, "2023-24")}
    assert whole["Reporting year"] == "2023/24"
    for year, expected in (("2024-25", "2024/25 to 15 November 2024"), ("2023-24", "2023/24")):
        (path,) = write_arc_return(con, landlord, year, tmp_path / year)
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = {row["field"]: row["value"] for row in csv.DictReader(handle)}
        assert rows["reporting_year"] == expected


def _volume_headers(html: str) -> tuple[str, list[str], str]:
    table = html.split('id="tbl-committee-volumes"', 1)[1].split("</table>", 1)[0]
    caption = re.sub(r"<[^>]+>", "", table.split("<caption", 1)[1].split("</caption>", 1)[0])
    headers = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>.*?</th>", table)]
    intro = html.split('id="volumes"', 1)[1].split("<table", 1)[0]
    return caption, headers, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", intro))


def test_a_quarter_to_the_cut_is_not_called_the_same_period_as_a_whole_quarter(
    cut_mid_year, tmp_path
):
    """housing21 Q1 2026/27 (data cut 30 April 2026): 111 complaints in one month sat beside 341
    in the whole of Q1 2025/26 under 'Same period last year', and the text said 'each beside the
    same period a year earlier': a month against three months read as a fall by two thirds."""
    con, landlord = cut_mid_year
    caption, headers, intro = _volume_headers(_pack(con, landlord, "2024-25-Q3", tmp_path))
    assert "Same period last year" not in headers
    assert "the same period a year earlier" not in intro
    assert "Q3 2023/24 (whole quarter)" in headers, headers
    assert "Last year to 31 December 2023 (whole quarters)" in headers, headers
    assert "not like for like" in intro
    assert caption.endswith("against the whole of Q3 2023/24"), caption
    # a whole quarter keeps its like-for-like comparison
    caption, headers, intro = _volume_headers(_pack(con, landlord, "2024-25-Q2", tmp_path))
    assert headers[1:5] == ["Q2 2024/25", "Q2 2023/24", "Year to date", "Same period last year"]
    assert "each beside the same period a year earlier (Q2 2023/24)" in intro


def test_a_pack_to_the_cut_says_so_in_its_title(cut_mid_year, tmp_path):
    """housing21's Q1 2026/27 pack was titled 'Complaints committee pack, Q1 2026/27' (and so
    was its PDF) though it counts only to 30 April 2026, as its tables' headings said."""
    con, landlord = cut_mid_year
    html = _pack(con, landlord, "2024-25-Q3", tmp_path)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.endswith("Complaints committee pack, Q3 2024/25 to 15 November 2024"), title
    whole = _pack(con, landlord, "2024-25-Q2", tmp_path)
    assert re.search(r"<title>(.*?)</title>", whole, re.S).group(1).endswith("pack, Q2 2024/25")


def test_ch02_is_not_rated_for_a_period_the_cut_falls_in(cut_mid_year, tmp_path):
    """housing21's Q1 2026/27 pack (to 30 April 2026) rated CH02 stage 1 '46.8 ... Red' and
    put it first in 'For the committee's attention': CH02 counts a complaint still open at the
    cut as not in time, even one whose deadline had not come (most of April's), so the red was
    the cut's doing, not late answers. For a period the cut falls in CH02 and the ARC
    indicators are shown, not rated; whole periods are rated as before."""
    from pipeline.config import Target

    con, base = cut_mid_year
    targets = [
        Target(measure="CH02_1", view="regulator", breakdown="stock_type",
               breakdown_value="lcra", target=99.9, amber=99.8),
        Target(measure="ack_in_time_1", target=99.9, amber=99.8),
    ]  # fmt: skip
    landlord = base.model_copy(
        update={"thresholds": base.thresholds.model_copy(update={"targets": targets})}
    )
    text = re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", _pack(con, landlord, "2024-25-Q3", tmp_path))
    )
    table = text.split("Our targets,", 1)[1].split("For the committee", 1)[0]
    ch02 = table.split("(CH02)", 1)[1].split("Stage 1: complaints acknowledged", 1)[0]
    assert ch02.count("Not rated") == 2 and "Red" not in ch02, ch02
    assert "not rated" in table.lower() and "open at the data cut" in table
    attention = text.split("For the committee", 1)[1].split("</ul>", 1)[0]
    assert "CH02" not in attention.split("Complaints received against", 1)[0]
    whole = re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", _pack(con, landlord, "2024-25-Q2", tmp_path))
    )
    assert "Not rated" not in whole
