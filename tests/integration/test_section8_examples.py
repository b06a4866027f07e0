"""The Code's section 8 content in every example's annual report, every year, internal and published:
the self-assessment summary (met never counting a "yes" the data contradicts; carried answers said
to be carried; the full assessment linked), findings of non-compliance with their reasons, the
Ombudsman's letters reconciled with the table, other relevant reports, the analyst's narrative and
the board's dated, attributed response at the report's heading level; and the data-quality report
saying what a year lacks."""

from __future__ import annotations

import html as html_lib
import re
import shutil

import duckdb
import pytest

from pipeline.annual_inputs import load_years
from pipeline.config import load_landlord
from pipeline.periods import ReportingYear
from pipeline.reporting import render
from pipeline.self_assessment.build import self_assessment_summary
from pipeline.workspaces import DEFAULT_WORKSPACES_ROOT
from tests.integration.examples import measured_example

pytestmark = pytest.mark.slow

EXAMPLES = ("housing21", "small_specialist", "homes_plus", "council_housing")
YEARS = [ReportingYear.parse(y) for y in ("2023-24", "2024-25", "2025-26")]


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory):
    root = tmp_path_factory.mktemp("section8")
    for name in EXAMPLES:
        with duckdb.connect(str(root / f"{name}.duckdb")) as con:
            measured_example(con, name, YEARS)
    return root


def section_text(page: str, section_id: str) -> tuple[str, str]:
    """(raw HTML, visible text) of the section with ``section_id``."""
    match = re.search(
        rf'<section class="report-section" aria-labelledby="{section_id}">(.*?)</section>',
        page,
        re.S,
    )
    assert match, section_id
    raw = re.sub(r"<style.*?</style>", "", match.group(1), flags=re.S)
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", raw))
    return raw, re.sub(r"\s+", " ", text)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_CONTRADICTED_ANSWERS = re.compile(
    rf"\b({'|'.join(NUMBER_WORDS)})\b(?:\s+of the self-assessment.s)?\s+(?:[\"“]yes[\"”]\s+)?"
    r"answers\b",
    re.I,
)


def contradicted_counts_said(text: str) -> list[int]:
    """The numbers of contradicted "yes" answers a narrative or board response states in words
    ("Four "yes" answers are contradicted by the data", "the data does not support four of the
    self-assessment's "yes" answers"), sentence by sentence."""
    said = []
    for sentence in re.split(r"(?<=[.;])\s", flat(text)):
        if "contradict" in sentence or "does not support" in sentence:
            said += [
                NUMBER_WORDS.index(m.lower()) + 1 for m in _CONTRADICTED_ANSWERS.findall(sentence)
            ]
    return said


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_year_report_has_the_codes_section_8_content(warehouses, name, tmp_path):
    workspace = DEFAULT_WORKSPACES_ROOT / name
    landlord = load_landlord(workspace)
    con = duckdb.connect(str(warehouses / f"{name}.duckdb"), read_only=True)
    inputs = load_years(workspace)
    chfos = con.execute("select issued_date, reason from chfo").fetchall()
    for year in YEARS:
        summary = self_assessment_summary(con, workspace, landlord, year)
        assert summary is not None, (name, year.key)
        board = inputs[year.key].board
        for published in (False, True):
            page = render.render_annual_report(
                con,
                landlord,
                year,
                tmp_path / year.key / str(published),
                workspace=workspace,
                published=published,
                pdf=False,
            )["html"].read_text(encoding="utf-8")
            where = (name, year.key, published)

            # Self-assessment: every year, met excludes the contradicted answers, carry said.
            raw, text = section_text(page, "self-assessment")
            totals = summary["totals"]
            assert totals["met"] == totals["yes"] - totals["contradicted"]
            assert f"{totals['met']} of {totals['provisions']} provisions met" in text, where
            assert "not available" not in text, where
            assert 'href="self_assessment.html"' in raw, where
            carried = summary["carried_from"]
            assert (
                f"carried from the {ReportingYear.parse(carried).label} self-assessment" in text
                if carried
                else "carried from" not in text
            ), where

            # Board response: its own h2 section, dated and attributed, inner headings below h2.
            raw, text = section_text(page, "board-response")
            assert f"Response of the {board.meta.role}, {board.meta.date:%-d %B %Y}" in text
            assert flat(board.body.split("\n\n")[0]) in text, where
            assert raw.count("<h2") == 1 and "<h1" not in raw  # only the section heading
            assert "same text as the board" not in text, where
            # A count of contradicted answers the board states is the count the summary shows
            # (small_specialist 2024-25: "four" beside the summary's 5).
            for said in contradicted_counts_said(text):
                assert said == totals["contradicted"], (where, said, totals["contradicted"])

            # Findings of non-compliance with their content (the CHFO reasons).
            _, text = section_text(page, "non-compliance")
            in_year = [r for d, r in chfos if year.start <= d <= year.end]
            for reason in in_year:
                assert reason in text, where
            if not in_year:
                assert "No Complaint Handling Failure Order was issued" in text, where

            # The Ombudsman's letter reconciled with the table, or said to be missing.
            _, text = section_text(page, "ombudsman-letter")
            letter = text
            assert "No reason for the difference" not in text, where
            assert ("agree with the table" in text or "Why the bases differ" in text) or (
                "No annual performance letter" in text or "are not recorded" in text
            ), where

            # Other relevant reports and the analyst's narrative.
            _, text = section_text(page, "other-reports")
            listed = inputs[year.key].other_reports
            for report in listed:
                assert report.title in text, where
            if not listed:
                assert "No other relevant reports" in text, where
            raw, text = section_text(page, "commentary")
            assert "<h3>What stands out" in raw, where
            # The analyst's narrative does not contradict the reconciliation printed below it
            # (homes_plus 2024-25 said the letter and the table agree; the letter section said
            # they differ: the letter's 5 are the Housing Ombudsman's, the table's 5 the SPSO's).
            for said in contradicted_counts_said(text):
                assert said == totals["contradicted"], (where, said, totals["contradicted"])
            if re.search(r"letter and our table agree", text):
                assert "agree with the table" in letter, where
                assert "differ from the table" not in letter, where
            if published:
                assert "annual_report/" not in text  # no internal file names when published
    con.close()


def test_housing21_letter_2023_24_explains_the_different_basis(warehouses, tmp_path):
    workspace = DEFAULT_WORKSPACES_ROOT / "housing21"
    con = duckdb.connect(str(warehouses / "housing21.duckdb"), read_only=True)
    page = render.render_annual_report(
        con, load_landlord(workspace), "2023-24", tmp_path, workspace=workspace, pdf=False
    )["html"].read_text(encoding="utf-8")
    _, text = section_text(page, "ombudsman-letter")
    ours = con.execute(
        "select display from measures where measure = 'ombudsman_determinations' "
        "and period = '2023-24' and breakdown = 'none'"
    ).fetchone()[0]
    assert f"determinations: the letter 21, our table {ours}" in text
    assert "Why the bases differ: The letter counts every case" in text
    con.close()


def test_data_quality_report_says_what_each_year_lacks(warehouses, tmp_path):
    workspace = tmp_path / "housing21"
    shutil.copytree(DEFAULT_WORKSPACES_ROOT / "housing21", workspace)
    con = duckdb.connect(str(warehouses / "housing21.duckdb"), read_only=True)
    landlord = load_landlord(workspace)
    complete = render.render_data_quality(
        con, landlord, tmp_path / "complete", workspace=workspace, pdf=False
    )["html"].read_text(encoding="utf-8")
    _, text = section_text(complete, "annual-report-inputs")
    assert text.count("Complete.") == 3, text
    (workspace / "annual_report" / "2025-26" / "board_response.md").unlink()
    (workspace / "annual_report" / "2023-24" / "self_assessment.yaml").unlink()
    (workspace / "board_response.md").write_text("Text with no year.", encoding="utf-8")
    page = render.render_data_quality(
        con, landlord, tmp_path / "gaps", workspace=workspace, pdf=False
    )["html"].read_text(encoding="utf-8")
    _, text = section_text(page, "annual-report-inputs")
    assert "No board response for 2025-26" in text
    assert "No self-assessment for 2023-24" in text
    # 2024-25 carries 2023-24's answers, which are gone: the carry is refused, never guessed.
    assert "the workspace has no self-assessment for 2023-24" in text
    assert "board_response.md at the workspace root names no year" in text
    report = render.render_annual_report(
        con, landlord, "2025-26", tmp_path / "report", workspace=workspace, pdf=False
    )["html"].read_text(encoding="utf-8")
    _, text = section_text(report, "board-response")
    assert "The board's response to the 2025/26 report is not available" in text
    report = render.render_annual_report(
        con, landlord, "2024-25", tmp_path / "report", workspace=workspace, pdf=False
    )["html"].read_text(encoding="utf-8")
    _, text = section_text(report, "self-assessment")
    assert (
        "Self-assessment summary: not available: the self-assessment for 2024/25 is invalid" in text
    )
    con.close()


def test_housing21_explains_its_case_system_in_the_glossary(warehouses, tmp_path):
    """WCAG 3.1.4: Housing 21's 2023-24 commentary names its case system, ERICA, which no
    glossary explained (the data-quality report listed the line); landlord.yaml ``glossary``
    defines it and the report's glossary explains it."""
    workspace = DEFAULT_WORKSPACES_ROOT / "housing21"
    with duckdb.connect(str(warehouses / "housing21.duckdb"), read_only=True) as con:
        page = render.render_annual_report(
            con, load_landlord(workspace), "2023-24", tmp_path, workspace=workspace, pdf=False
        )["html"].read_text(encoding="utf-8")
    _, commentary = section_text(page, "commentary")
    assert "ERICA exports" in commentary
    _, glossary = section_text(page, "glossary")
    assert "ERICA: Our case management system" in glossary
