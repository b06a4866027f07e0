"""A reporting year the data cut falls in (a run for the current year: ``--year 2026-27``, or the
year of a ``--period 2026-04`` pack, with exports taken on 30 April 2026) holds only the weeks to
the cut. Its annual report, learning summary and scheme reports said "Reporting year 2026/27"
and "We received 20 complaints in 2026/27", beside last year's whole-year figures ("down 53.3 per
1,000 homes on last year: ... a deterioration"): one month's figures read as the year's. Each
now says where it stops, in its heading and opening words, as the committee pack does."""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pytest

from pipeline.reporting import render
from pipeline.reporting.sample import build_sample_database
from pipeline.reporting.schemes import render_scheme_reports
from pipeline.reporting.trace import plain, untraced

YEAR = "2024-25"  # the sample's year
CUT = dt.date(2025, 1, 31)  # inside it


@pytest.fixture(scope="module")
def sample():
    con = duckdb.connect()
    landlord = build_sample_database(con)
    yield con, landlord
    con.close()


def _text(path) -> str:
    html = untraced(path.read_text(encoding="utf-8"))
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _documents(con, landlord, out, workspace):
    yield render.render_annual_report(
        con, landlord, YEAR, out / "a", workspace=workspace, pdf=False
    )["html"]
    yield render.render_annual_report(
        con, landlord, YEAR, out / "p", workspace=workspace, pdf=False, published=True
    )["html"]
    yield render.render_learning_summary(con, landlord, YEAR, out / "l", pdf=False)["html"]
    yield from (
        p for p in render_scheme_reports(con, landlord, YEAR, out / "s", pdf=False).values()
        if str(p).endswith("scheme_reports.html")
    )  # fmt: skip


def test_a_year_the_data_cut_falls_in_says_where_it_stops(sample, tmp_path):
    con, base = sample
    landlord = base.model_copy(update={"data_cut_date": CUT})
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    documents = list(_documents(con, landlord, tmp_path, workspace))
    assert len(documents) == 4
    for path in documents:
        text = _text(path)
        assert "2024/25 to 31 January 2025" in text, path.name
        assert "1 April 2024 to 31 January 2025 only" in text, path.name


def test_a_whole_year_is_not_said_to_stop_early(sample, tmp_path):
    con, base = sample
    landlord = base.model_copy(update={"data_cut_date": dt.date(2025, 4, 30)})
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    for path in _documents(con, landlord, tmp_path, workspace):
        text = _text(path)
        assert "2024/25 to " not in text, path.name
        assert "falls inside" not in text and "to 30 April 2025 only" not in text, path.name


def test_a_year_to_the_cut_is_not_judged_against_whole_years(sample, tmp_path):
    """council_housing 2026/27 to 30 April 2026: 'Stage 1 complaints per 1,000 homes (CH01) was
    3.8 ..., down 53.3 per 1,000 homes on last year (57.1)', 'CH02 ... 47.4%, down 36.3
    percentage points on last year (83.7%): a deterioration ... Position among landlords: bottom
    quartile': one month (its open complaints counted as late) judged against whole years."""
    con, base = sample
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    for cut, partial in ((CUT, True), (dt.date(2025, 4, 30), False)):
        landlord = base.model_copy(update={"data_cut_date": cut})
        sections, _ = render.annual_report_sections(
            con, landlord, render.ReportingYear.parse(YEAR), published=False, workspace=workspace
        )
        sentences = next(b for b in sections[0].blocks if b.kind == "list").items
        headline = [s for s in sentences if "(CH0" in s or "(TP09)" in s]
        assert len(headline) == 5
        text = plain(" ".join(headline))
        judged = ("on last year", "unchanged from last year", "sector median of", "Position among")
        received = plain(next(s for s in sentences if s.startswith("We received")))
        if partial:
            assert received.endswith("complaints in 2024/25 to 31 January 2025."), received
            assert not any(word in text for word in judged), text
            assert all("count only to 31 January 2025" in plain(s) for s in headline)
        else:
            assert received.endswith("complaints in 2024/25."), received
            assert "on last year" in text or "unchanged from last year" in text
