"""Sentences that must agree with the measures rows beside them (the text audit of 2025/26).

Each test builds the few measure rows a sentence reads and checks the words against them: the
TP09 precision verdict is the TP09_meets_rsh_precision row; a figure a published version withholds
is said to be withheld, never "[U]" or "too few respondents"; the year-to-date stage at which most
complaints were resolved is read from the summed resolutions.
"""

from __future__ import annotations

import re

import duckdb
import polars as pl
import pytest

from pipeline.periods import parse_period
from pipeline.reporting import render
from pipeline.reporting.commentary import compare
from pipeline.reporting.committee import with_year_to_date
from pipeline.reporting.data import _EMPTY_SCHEMA, Measures
from pipeline.reporting.precision import margin_text, meets_text, precision_sentence
from pipeline.reporting.sample import build_sample_database
from pipeline.reporting.trace import plain
from pipeline.rounding import display


def row(value, shown=None, unit="percent", **extra):
    """A measure row as the text builders read it; ``shown`` is the display text."""
    text = shown if shown is not None else ("[U]" if value is None else f"{value:.1f}")
    return {"value": value, "display": text, "unit": unit} | extra


WITHHELD = {"value": None, "display": "[c]", "unit": "percent", "suppressed_reason": "secondary"}


# --- TP09 precision (audit item 1) ----------------------------------------------------------------


def test_the_precision_verdict_is_the_rsh_row_not_tp09s_own_margin():
    """Housing 21 LCRA 2025/26: TP09's own margin ±5.7 is wider than the ±3.0 required, but the
    RSH's test (the whole survey, ±2.6) is met and TP09_meets_rsh_precision says Yes. The summary
    said "it does not meet the required precision"."""
    text = plain(
        precision_sentence(
            tp09=row(45.2),
            moe=row(5.7),
            respondents=row(289, "289", "count"),
            required=row(3.0),
            survey_margin=row(2.6),
            survey_meets=row(1, "Yes", "flag"),
        )
    )
    assert "Its margin of error is ±5.7 percentage points (95% confidence)." in text
    assert "a margin of ±2.6 points against the ±3.0 required" in text
    assert text.endswith("The survey meets the required precision.")
    assert "does not meet" not in text


def test_a_survey_that_fails_the_rsh_test_says_so():
    text = plain(
        precision_sentence(
            row(45.2), row(5.7), row(289, "289"), row(3.0), row(3.4), row(0, "No", "flag")
        )
    )
    assert text.endswith("The survey does not meet the required precision.")


def test_without_the_rsh_row_no_verdict_is_given():
    text = precision_sentence(row(45.2), row(5.7), row(289, "289"), row(3.0), None, None)
    assert "required precision" not in plain(text)


# --- a published TP09 withheld (audit item 4) -----------------------------------------------------


def test_a_withheld_tp09_withholds_its_margin_and_never_claims_too_few_respondents():
    """Hollybank combined 2025/26 published: TP09 [c] (secondary), 43 respondents, margin 14.2 in
    the measures rows. The summary said "too few respondents (43) for a margin"."""
    respondents, moe, required = row(43, "43", "count"), row(14.2), row(5.0)
    assert margin_text(WITHHELD, moe, respondents) == "[c]"
    assert meets_text(WITHHELD, moe, respondents, required) == "[c]"
    text = plain(
        precision_sentence(WITHHELD, moe, respondents, required, row(4.8), row(1, "Yes", "flag"))
    )
    assert "too few" not in text and "withheld too ([c])" in text
    assert text.endswith("The survey meets the required precision.")
    # LCRA: TP09 shown but its respondents hidden; the margin would give them back
    hidden_n = {"value": None, "display": "[c]", "unit": "count"}
    assert margin_text(row(41.5), row(14.6), hidden_n) == "[c]"
    # a margin row suppressed itself (2 respondents) is [c], not [U]
    assert margin_text(WITHHELD, {"value": None, "display": "[c]"}, row(2, "<5")) == "[c]"


def test_an_internal_tp09_with_enough_respondents_has_its_margin():
    assert plain(margin_text(row(39.5), row(14.2), row(43, "43"))) == "±14.2"


def test_few_respondents_still_read_too_few():
    text = plain(precision_sentence(row(100.0), row(0.0), row(4, "4"), row(5.0), None, None))
    assert text == "There are too few respondents (4) for a margin of error."


# --- last year's figure withheld (audit item 3) ---------------------------------------------------


def test_last_years_withheld_figure_is_said_to_be_withheld_not_incalculable():
    """Hollybank CH02 stage 1: 2024/25 was 35 of 39 (89.7%), [c] in the published version. The
    published summary said "no comparable figure for last year ([U])"."""
    current = row(83.3)
    internal = plain(compare("CH02_1", current, row(35 / 39 * 100), None))
    assert "down 6.4 percentage points on last year (89.7%): a deterioration" in internal
    published = plain(compare("CH02_1", current, WITHHELD | {"suppressed_reason": "primary"}, None))
    assert "[U]" not in published and "no comparable figure" not in published
    assert "last year's figure is withheld in this published version ([c]" in published
    # a figure that truly cannot be calculated (zero denominator) is still [U]
    zero = plain(compare("CH02_1", current, row(None), None))
    assert "no comparable figure for last year ([U])" in zero


def test_a_tp09_change_inside_the_margin_of_error_is_not_called_better_or_worse():
    """Council Housing 2025/26: TP09 up 0.3 points with a margin of ±7.7 was "an improvement";
    a survey's change that small is not evidence of any change."""
    within = plain(compare("TP09", row(45.3), row(45.0), None, margin=row(7.7)))
    assert "up 0.3 percentage points on last year (45.0%): within this year's margin of " in within
    assert "(±7.7 percentage points), so not a clear improvement" in within
    assert ": an improvement" not in within
    worse = plain(compare("TP09", row(40.0), row(47.7), None, margin=row(7.7)))
    assert "down 7.7 percentage points" in worse and "so not a clear deterioration" in worse
    beyond = plain(compare("TP09", row(60.0), row(45.0), None, margin=row(7.7)))
    assert "up 15.0 percentage points on last year (45.0%): an improvement" in beyond
    # no margin (too few respondents, or none given): the verdict as before
    assert ": an improvement" in plain(compare("TP09", row(45.3), row(45.0), None))


# --- the year to date's stage of most resolutions (audit item 6) ----------------------------------


def _quarter_row(period, measure, value, unit="count", breakdown="none", breakdown_value="all"):
    p = parse_period(period)
    return {
        "landlord_id": "t",
        "period_kind": p.kind,
        "period": p.key,
        "period_start": p.start,
        "period_end": p.end,
        "measure": measure,
        "breakdown": breakdown,
        "breakdown_value": breakdown_value,
        "view": "management",
        "numerator": None if unit == "stage" else float(value),
        "denominator": None,
        "value": float(value),
        "display": display(value, 0),
        "unit": unit,
    }


@pytest.mark.parametrize(
    ("stage_1", "stage_2", "expected"),
    [
        ((286, 272), (54, 51), "1"),
        ((5, 5), (9, 3), "2"),
        ((3, 4), (4, 3), "1"),
        ((0, 0), (0, 0), "[U]"),
    ],
)
def test_year_to_date_stage_of_most_resolutions_follows_the_summed_resolutions(
    stage_1, stage_2, expected
):
    """Housing 21's Q4 pack showed "not available" for the year to date although every quarter
    and the year said stage 1. Ties go to stage 1, as in the measures step."""
    rows = []
    for year in ("2024-25", "2025-26"):
        for quarter, s1, s2 in zip(("Q1", "Q2"), stage_1, stage_2, strict=True):
            key = f"{year}-{quarter}"
            rows += [
                _quarter_row(key, "resolutions", s1, breakdown="stage", breakdown_value="1"),
                _quarter_row(key, "resolutions", s2, breakdown="stage", breakdown_value="2"),
                _quarter_row(key, "stage_most_resolutions", 1 if s1 >= s2 else 2, "stage"),
            ]
    measures = with_year_to_date(
        Measures(pl.DataFrame(rows, schema=_EMPTY_SCHEMA)), parse_period("2025-26-Q2")
    )
    for key in ("2025-26-YTD", "2024-25-YTD"):
        ytd = measures.get("stage_most_resolutions", key, view="management")
        assert ytd is not None and ytd["display"] == expected, key


# --- the sample landlord's documents --------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    con = duckdb.connect()
    landlord = build_sample_database(con)
    out = tmp_path_factory.mktemp("texts")
    workspace = out / "workspace"
    workspace.mkdir()
    page = render.render_annual_report(
        con, landlord, "2024-25", out, workspace=workspace, pdf=False
    )["html"].read_text(encoding="utf-8")
    con.close()
    return page


def test_summary_and_tp09_table_give_one_precision_verdict(sample_report):
    """The sample landlord's TP09 margin (±5.1) is wider than the ±3.0 required while its
    TP09_meets_rsh_precision row says Yes: the summary follows the row, as the table does."""
    summary = sample_report[
        sample_report.index('id="summary"') : sample_report.index('id="tbl-headline"')
    ]
    words = plain(summary)
    assert "The survey meets the required precision." in words
    assert "it does not meet the required precision" not in words


def test_an_empty_breakdown_says_none_recorded_when_the_total_is_zero():
    """homes_plus 2025/26 read "Non-complaints: not available" beside a measure of 0."""
    from pipeline.reporting.annual import _none_recorded
    from tests.unit.test_governance_documents import measures
    from tests.unit.test_governance_documents import row as measure_row

    year = parse_period("2025-26")
    zero = measures([measure_row("non_complaints", "2025-26", value=0)])
    assert _none_recorded(zero, "non_complaints", year, "Non-complaints") == (
        "Non-complaints: none recorded in 2025/26."
    )
    missing = measures([])
    assert _none_recorded(missing, "non_complaints", year, "Non-complaints") == (
        "Non-complaints: not available."
    )


def test_the_appendix_says_an_open_complaint_is_not_in_time_in_ch02_whatever_its_deadline(
    sample_report,
):
    """CH02 counts a complaint still open at the data cut as not in time (design.md s6), deadline
    passed or not; the appendix said "where their deadline had passed"."""
    appendix = plain(sample_report[sample_report.index('id="appendix"') :])
    assert "where their deadline had passed" not in appendix
    assert (
        "A complaint still open then counts as not answered in time in CH02, even where its "
        "deadline had not yet passed" in appendix
    )


def test_the_improvements_list_says_why_its_complaints_can_exceed_the_linked_count():
    """Housing 21 2025/26: 'Complaints linked to them' 52 (changes raised in the year) above a list
    whose complaints add up to 58 (it also lists changes raised earlier and still overdue)."""
    import datetime as dt
    import html

    from pipeline.measures.testing import code_landlord
    from pipeline.periods import ReportingYear
    from pipeline.reporting.annual import ReportContext, learning
    from tests.unit.test_measures_populations import build

    d = dt.date
    actions = [
        # raised two years before and still overdue: listed, not counted in the year's links
        {"action_ref": "old", "theme": "Repairs", "description": "Texts before visits",
         "linked_complaint_ids": ["a", "b"], "raised_date": d(2023, 1, 10),
         "due_date": d(2023, 6, 30)},
        {"action_ref": "new", "theme": "Letters", "description": "Named contact",
         "linked_complaint_ids": ["c"], "raised_date": d(2024, 7, 1), "due_date": d(2025, 9, 30)},
    ]  # fmt: skip
    landlord = code_landlord()
    year = ReportingYear.parse("2024-25")
    con = build([], [], landlord, learning_action=actions)
    measures = Measures.load(con, landlord.landlord_id, year.previous.start, year.end)
    section = learning(ReportContext(con, landlord, year, measures, False))
    page = html.unescape(plain(" ".join(b.table.html for b in section.blocks if b.table)))
    assert "Texts before visits" in page and "Named contact" in page
    assert "can add up to more than 'Complaints linked to them'" in page


def test_the_extension_count_is_not_named_as_the_gap_between_the_two_views(tmp_path):
    """council_housing 2024-25: 'Stage 1: answers in time only thanks to an extension our
    policy allows' read 37 beside all answers in time 87.3% (289 of 331) against the Code's
    limits and 89.7% (297) against our policy's, so a reader took the 37 for the answers our
    longer extensions put in time (8). It is every answer in time with an agreed extension."""
    from pipeline.reporting.annual import ReportContext
    from pipeline.reporting.annual_sections import timeliness
    from pipeline.reporting.trace import finish

    con = duckdb.connect()
    landlord = build_sample_database(con)
    year = parse_period("2024-25")
    measures = Measures.load(con, landlord.landlord_id, year.previous.start, year.end)
    section = timeliness(ReportContext(con, landlord, year, measures, False))
    table = next(
        b.table
        for b in section.blocks
        if b.kind == "table" and b.table.table_id == "tbl-timeliness"
    )
    rows = re.findall(r"<tr\b.*?</tr>", finish(str(table.html)), re.S)
    named = [
        re.sub(r"<[^>]+>", "", re.search(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", r, re.S).group(1))
        for r in rows
        if 'data-measure="response_in_time_with_ext_1"' in r
    ]
    assert named, "the timeliness table shows the stage 1 extension count"
    for name in named:
        assert "only" not in name and "with an agreed extension" in name, name
    con.close()


def test_the_glossary_defines_the_spso_and_chfos_where_a_document_uses_them():
    """homes_plus 2025/26: 'the SPSO's time limits' throughout and 'CHFOs complied with (%)' in the
    Ombudsman table, with neither term in the glossary (which defined ARC, LCHO and WD)."""
    from pipeline.reporting.labels import glossary_for

    terms = [line.split(":")[0] for line in glossary_for(
        "Stage 1: all answers sent within the SPSO's time limits (%). CHFOs complied with (%)."
    )]  # fmt: skip
    assert terms == ["SPSO", "CHFO"]
    assert glossary_for("SPSOX and CHFOXYZ") == []
    assert glossary_for("the TSMs") == glossary_for("the TSM") != []
