"""Each year's people-written inputs of the annual report (Code section 8): the year folder, a
self-assessment or board response carried from the year before only when marked so, dated and
attributed responses, unmarked copies reported, narratives and letters rendered safely."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
import yaml

from pipeline.annual_inputs import load_years, root_leftovers, split_front_matter
from pipeline.periods import ReportingYear
from pipeline.reporting.data import _EMPTY_SCHEMA, Measures
from pipeline.reporting.ombudsman_letters import letter_problems, reconcile_letter
from pipeline.reporting.section8 import render_markdown_safe
from pipeline.self_assessment.model import (
    SelfAssessmentError,
    find_self_assessment,
    load_year_assessment,
)
from pipeline.sources.publications import Publication
from tests.unit.test_self_assessment import answers


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def answers_for(year: str) -> str:
    doc = answers()
    doc["reporting_year"] = year
    doc["completed_on"] = "2024-09-20"
    return yaml.safe_dump(doc, sort_keys=False)


CARRIED = (
    "reporting_year: '2024-25'\ncarried_from: '2023-24'\ncompleted_on: 2025-06-12\n"
    "approved_by: Complaints Committee\nreason: No change to policy or procedures.\n"
)


def test_year_folder_wins_and_a_yearless_root_file_applies_to_no_year(tmp_path):
    write(tmp_path / "self_assessment.yaml", yaml.safe_dump({"provisions": []}))
    assert find_self_assessment(tmp_path, "2024-25") is None  # never reused silently
    assert any("names no reporting_year" in p for p in root_leftovers(tmp_path))
    year_file = write(
        tmp_path / "annual_report/2024-25/self_assessment.yaml", answers_for("2024-25")
    )
    assert find_self_assessment(tmp_path, "2024-25") == year_file
    assessment = load_year_assessment(tmp_path, "2024-25")
    assert assessment.completed_on == dt.date(2024, 9, 20) and assessment.carried_from is None


def test_answers_carried_from_the_previous_year_only_when_marked(tmp_path):
    write(tmp_path / "annual_report/2023-24/self_assessment.yaml", answers_for("2023-24"))
    write(tmp_path / "annual_report/2024-25/self_assessment.yaml", CARRIED)
    carried = load_year_assessment(tmp_path, "2024-25")
    earlier = load_year_assessment(tmp_path, "2023-24")
    assert carried.provisions == earlier.provisions
    assert carried.carried_from == "2023-24"
    assert carried.completed_on == dt.date(2025, 6, 12)
    assert carried.answers_completed_on == dt.date(2024, 9, 20)
    assert carried.approved_by == "Complaints Committee"
    assert load_year_assessment(tmp_path, "2025-26") is None  # no file: nothing carried


def test_a_carry_from_a_year_that_is_not_the_previous_one_or_has_nothing_is_refused(tmp_path):
    write(
        tmp_path / "annual_report/2025-26/self_assessment.yaml",
        CARRIED.replace("2024-25", "2025-26"),
    )
    with pytest.raises(SelfAssessmentError, match="is not the year before 2025-26"):
        load_year_assessment(tmp_path, "2025-26")
    write(tmp_path / "annual_report/2024-25/self_assessment.yaml", CARRIED)
    with pytest.raises(SelfAssessmentError, match="has no self-assessment for 2023-24"):
        load_year_assessment(tmp_path, "2024-25")
    write(
        tmp_path / "annual_report/2024-25/self_assessment.yaml",
        "carried_from: '2023-24'\nprovisions: []\n",
    )
    with pytest.raises(SelfAssessmentError) as caught:
        load_year_assessment(tmp_path, "2024-25")
    text = str(caught.value)
    assert "'provisions' is not allowed in a carried" in text
    assert "'completed_on': is missing" in text and "'approved_by': is missing" in text


def board(date="2025-09-18", role="Chair of the Board", body="We accept the report.", extra=""):
    return f"---\ndate: {date}\nrole: {role}\n{extra}---\n{body}\n"


def test_board_response_is_dated_attributed_and_never_silently_reused(tmp_path):
    write(tmp_path / "annual_report/2023-24/board_response.md", board("2024-09-19"))
    write(tmp_path / "annual_report/2024-25/board_response.md", board())
    loaded = load_years(tmp_path)
    assert loaded["2024-25"].board.meta.date == dt.date(2025, 9, 18)
    assert loaded["2024-25"].board.meta.role == "Chair of the Board"
    assert loaded["2024-25"].board.identical_to == ["2023-24"]
    assert any("not marked as carried" in p for p in loaded["2024-25"].problems)
    # Marked carried (body empty): the earlier text, no problem.
    write(
        tmp_path / "annual_report/2024-25/board_response.md",
        board(body="", extra="carried_from: '2023-24'\n"),
    )
    loaded = load_years(tmp_path)
    assert loaded["2024-25"].board.body.strip() == "We accept the report."
    assert loaded["2024-25"].board.carried_from == "2023-24"
    assert loaded["2024-25"].problems == [] and loaded["2023-24"].problems == []


def test_a_residents_contact_details_in_the_board_response_or_narrative_are_withheld(tmp_path):
    """The board's response and the commentary are printed in every version of the annual
    report, the published one included: a resident's email, mobile or landline number or
    National Insurance number pasted into them (a complaint quoted in full) was printed as
    typed. They are withheld, and the data-quality report names the file and line, never the
    value; the landlord's own complaints contact and organisations' 03/08 numbers stay."""
    write(
        tmp_path / "landlord.yaml",
        "complaints_contact:\n  phone: '0116 496 0000'\n  email: complaints@hollybank.example\n",
    )
    write(
        tmp_path / "annual_report/2024-25/board_response.md",
        board(
            body="We accept the report.\n\nWe apologise to the resident (jean.hall@example.org, "
            "07700 900123) whose complaint took too long.\n\nWrite to "
            "complaints@hollybank.example, call 0116 496 0000, or the Ombudsman on 0300 111 3000."
        ),
    )
    write(
        tmp_path / "annual_report/2024-25/narrative.md",
        "---\nwritten_by: Complaints analyst\n---\nOne case (NI JT 12 34 56 C, tel. "
        "+44 (0)116 496 0123) was escalated.\n",
    )
    loaded = load_years(tmp_path)["2024-25"]
    text = loaded.board.body + loaded.narrative
    for planted in ("jean.hall@example.org", "07700 900123", "JT 12 34 56 C", "496 0123"):
        assert planted not in text
    assert text.count("[contact details withheld]") == 4
    for kept in ("complaints@hollybank.example", "0116 496 0000", "0300 111 3000"):
        assert kept in text
    # (the narrative's "NI" is also listed, as an abbreviation no glossary explains)
    problems = [p for p in loaded.problems if " personal " in p]
    assert len(problems) == 2
    assert problems[0].startswith("annual_report/2024-25/board_response.md: line 7: 2 personal ")
    assert problems[1].startswith("annual_report/2024-25/narrative.md: line 4: 2 personal ")
    assert not any(p in " ".join(problems) for p in ("jean", "07700", "JT 12"))


def test_a_residents_contact_details_in_the_self_assessment_are_withheld(tmp_path):
    """self_assessment.html/.pdf/.xlsx and the annual report's appendix print every provision's
    evidence, commentary and actions: a resident's contact details typed there were printed."""
    write(
        tmp_path / "landlord.yaml", "complaints_contact:\n  email: complaints@hollybank.example\n"
    )
    doc = answers(
        **{
            "1.2": {"evidence": ["Letter to jean.hall@example.org", "Policy v5"]},
            "5.1": {
                "commentary": "See the case of NI JT 12 34 56 C; write to complaints@hollybank.example."
            },
            "3.1": {
                "comply": False,
                "commentary": "Not yet.",
                "actions": [
                    {
                        "what": "Call 07700 900123 back",
                        "owner": "Complaints manager",
                        "due": "2025-06-30",
                    }
                ],
            },
        }
    )
    doc["reporting_year"] = "2024-25"
    write(tmp_path / "annual_report/2024-25/self_assessment.yaml", yaml.safe_dump(doc))
    assessment = load_year_assessment(tmp_path, "2024-25")
    printed = yaml.safe_dump(assessment.model_dump(mode="json"))
    for planted in ("jean.hall@example.org", "JT 12 34 56 C", "07700 900123"):
        assert planted not in printed
    assert assessment.answer("1.2").evidence == [
        "Letter to [contact details withheld]",
        "Policy v5",
    ]
    assert "complaints@hollybank.example" in assessment.answer("5.1").commentary
    assert [w.split(": 1 personal detail ")[0] for w in assessment.withheld] == [
        "annual_report/2024-25/self_assessment.yaml: provision 1.2, field 'evidence'",
        "annual_report/2024-25/self_assessment.yaml: provision 3.1, field 'actions'",
        "annual_report/2024-25/self_assessment.yaml: provision 5.1, field 'commentary'",
    ]


def test_a_residents_contact_details_in_other_reports_are_withheld(tmp_path):
    write(
        tmp_path / "annual_report/2024-25/other_reports.yaml",
        yaml.safe_dump(
            [
                {
                    "title": "Panel review",
                    "by": "Resident Complaints Panel",
                    "summary": "Chaired by a resident (jean.hall@example.org, 07700 900123)",
                    "link": "mailto:jean.hall@example.org",
                }
            ]
        ),
    )
    loaded = load_years(tmp_path)["2024-25"]
    assert loaded.other_reports[0].summary == (
        "Chaired by a resident ([contact details withheld], [contact details withheld])"
    )
    assert loaded.other_reports[0].link == "mailto:[contact details withheld]"  # hostile audit 2
    assert [p.split(": ")[1] for p in loaded.problems] == [
        "report 1, field 'summary'",
        "report 1, field 'link'",
    ]


def test_board_response_without_date_or_role_is_not_shown_and_says_why(tmp_path):
    write(tmp_path / "annual_report/2024-25/board_response.md", "We accept the report.\n")
    write(tmp_path / "annual_report/2025-26/board_response.md", "---\ndate: soon\n---\nText\n")
    write(tmp_path / "board_response.md", board())
    loaded = load_years(tmp_path)
    assert (
        loaded["2024-25"].board is None and "has no front matter" in loaded["2024-25"].problems[0]
    )
    assert loaded["2025-26"].board is None
    problems = " ".join(loaded["2025-26"].problems)
    assert "'role' is missing" in problems and "'date'" in problems
    assert any("workspace root names no year" in p for p in root_leftovers(tmp_path))


def test_front_matter_split_and_narrative_markdown_is_sanitised():
    meta, body = split_front_matter("---\nwritten_by: Complaints analyst\n---\n# Title\n")
    assert meta == {"written_by": "Complaints analyst"} and body == "# Title\n"
    assert split_front_matter("No front matter") == (None, "No front matter")
    html = render_markdown_safe(
        "# Heading\n\n<script>x</script> [a](javascript:alert(1)) <b onclick=x>b</b>", 3
    )
    assert "<h3>Heading</h3>" in html
    nested = render_markdown_safe("## Top\n\n### Below", 3)
    assert "<h3>Top</h3>" in nested and "<h4>Below</h4>" in nested  # nesting kept
    assert "<script>" not in html and "javascript:" not in html and "<b " not in html


def test_a_narrative_front_matter_problem_does_not_quote_the_value(tmp_path):
    """The data-quality report lists the problem: a name under a misspelt key stays out of it
    (pydantic's own message quotes the input value)."""
    write(
        tmp_path / "annual_report/2024-25/narrative.md",
        "---\nwriten_by: Jean Hall 07700 900123\n---\nThe year in brief.\n",
    )
    problems = load_years(tmp_path)["2024-25"].problems
    assert problems == [
        "annual_report/2024-25/narrative.md: front matter 'writen_by' is not a known key"
    ]


def _row(measure, body, value, display, unit) -> dict:
    """A 2023-24 measures row; ``body`` ``all`` is the landlord's total, else a body's row."""
    return {
        "landlord_id": "x",
        "period_kind": "year",
        "period": "2023-24",
        "period_start": dt.date(2023, 4, 1),
        "period_end": dt.date(2024, 3, 31),
        "measure": measure,
        "breakdown": "body" if body != "all" else "none",
        "breakdown_value": body,
        "view": "all",
        "value": float(value),
        "display": display,
        "unit": unit,
    }


def _table(*rows) -> Measures:
    return Measures(pl.DataFrame(list(rows), schema=_EMPTY_SCHEMA))


def measures(determinations, rate):
    return _table(
        _row("ombudsman_determinations", "all", determinations, str(determinations), "count"),
        _row("ombudsman_maladministration_rate", "all", rate, f"{rate:.1f}", "percent"),
    )


def letter(**kw):
    return Publication(
        kind="annual_performance_letter",
        published_date=dt.date(2024, 10, 16),
        reporting_year="2023/24",
        summary="The letter.",
        **kw,
    )


def test_letter_reconciled_with_the_ombudsman_table():
    agree = reconcile_letter(letter(determinations=21, maladministration_rate=62), measures(21, 62))
    assert agree == (
        "The letter's figures for 2023/24 agree with the table: 21 determinations, "
        "62% maladministration.",
        "agree",
    )
    line, status = reconcile_letter(letter(determinations=21), measures(2, 50))
    assert status == "unexplained"
    assert "determinations: the letter 21, our table 2" in line
    basis = "The letter counts every case the Ombudsman determined; our table counts our tracker."
    line, status = reconcile_letter(letter(determinations=21, basis=basis), measures(2, 50))
    assert status == "explained" and line.endswith(f"Why the bases differ: {basis}")
    assert reconcile_letter(letter(), measures(2, 50))[1] == "no_figures"
    # A year whose measures were not computed in this run is not a difference.
    empty = Measures(pl.DataFrame(schema=_EMPTY_SCHEMA))
    assert reconcile_letter(letter(determinations=21), empty)[1] == "no_table"
    line, _ = reconcile_letter(letter(determinations=3), measures(2, 50), published=True)
    assert "the letter <5" in line  # the letter's small count is suppressed like the table's
    one, _ = reconcile_letter(letter(determinations=1), measures(1, 50))
    assert one.endswith("agree with the table: 1 determination.")  # singular for 1
    one, _ = reconcile_letter(letter(determinations=1), measures(1, 50), published=True)
    assert one.endswith("agree with the table: <5 determinations.")


EXAMPLES = ["housing21", "small_specialist", "homes_plus", "council_housing"]


@pytest.mark.parametrize("workspace", EXAMPLES)
def test_example_board_responses_are_each_years_own_dated_and_attributed(workspace):
    from pipeline.workspaces import DEFAULT_WORKSPACES_ROOT

    root = DEFAULT_WORKSPACES_ROOT / workspace
    assert not (root / "board_response.md").exists() and root_leftovers(root) == []
    loaded = load_years(root)
    years = ["2023-24", "2024-25", "2025-26"]
    assert sorted(loaded) == years
    for year in years:
        inputs = loaded[year]
        assert inputs.problems == [], inputs.problems
        assert inputs.board is not None and inputs.narrative, year
        assert inputs.board.meta.role and inputs.board.meta.date > ReportingYear.parse(year).end
    for one in years:
        for other in years:
            if one < other:
                a, b = loaded[one].board, loaded[other].board
                assert a.body != b.body or b.carried_from == one, (one, other)


def test_report_says_when_a_response_repeats_another_year_or_was_carried(tmp_path):
    from pipeline.reporting.section8 import board_response_section

    write(tmp_path / "annual_report/2023-24/board_response.md", board("2024-09-19"))
    write(tmp_path / "annual_report/2024-25/board_response.md", board())
    loaded = load_years(tmp_path)
    year = ReportingYear.parse("2024-25")
    notes = [b.text for b in board_response_section(loaded["2024-25"], year, False).blocks]
    assert any("same text as the board's response for 2023/24" in n for n in notes)
    write(
        tmp_path / "annual_report/2024-25/board_response.md",
        board(body="", extra="carried_from: '2023-24'\n"),
    )
    section = board_response_section(load_years(tmp_path)["2024-25"], year, True)
    texts = [b.text for b in section.blocks]
    assert texts[0] == "Response of the Chair of the Board, 18 September 2025."
    assert any("carried forward its response to the 2023/24 report" in t for t in texts)
    assert "We accept the report." in str(section.blocks[-1].html)


def test_board_response_date_is_written_as_the_other_documents_write_dates(tmp_path):
    from pipeline.reporting.section8 import board_response_section

    write(tmp_path / "annual_report/2024-25/board_response.md", board("2025-07-09"))
    section = board_response_section(
        load_years(tmp_path)["2024-25"], ReportingYear.parse("2024-25"), False
    )
    assert section.blocks[0].text == "Response of the Chair of the Board, 9 July 2025."


def test_letter_is_compared_with_the_housing_ombudsmans_rows_only():
    """Homes Plus 2024/25: the Housing Ombudsman's letter counted 5 determinations and the table's
    5 were all the SPSO's (Scottish homes); the report said they agreed. The letter is the Housing
    Ombudsman's, so only its rows are compared."""

    only_spso = _table(
        _row("ombudsman_determinations", "all", 5.0, "5", "count"),
        _row("ombudsman_determinations", "spso", 5.0, "5", "count"),
        _row("ombudsman_maladministration_rate", "all", 50.0, "50.0", "percent"),
        _row("ombudsman_maladministration_rate", "spso", 50.0, "50.0", "percent"),
    )
    line, status = reconcile_letter(letter(determinations=5), only_spso)
    assert status == "unexplained"
    assert "determinations: the letter 5, our table 0" in line
    both = _table(
        _row("ombudsman_determinations", "all", 11.0, "11", "count"),
        _row("ombudsman_determinations", "housing_ombudsman", 6.0, "6", "count"),
        _row("ombudsman_determinations", "spso", 5.0, "5", "count"),
        _row("ombudsman_maladministration_rate", "all", 79.2, "79.2", "percent"),
        _row("ombudsman_maladministration_rate", "housing_ombudsman", 83.3, "83.3", "percent"),
        _row("ombudsman_maladministration_rate", "spso", 70.0, "70.0", "percent"),
    )
    agree = reconcile_letter(letter(determinations=6, maladministration_rate=83.3), both)
    assert agree[1] == "agree" and "6 determinations, 83.3% maladministration" in agree[0]


def test_letter_names_the_housing_ombudsman_rows_beside_the_all_bodies_total():
    """Housing 21 2024/25: the table shows 19 determinations and a 52.9% rate for all bodies; the
    letter (the Housing Ombudsman's) was compared with the Housing Ombudsman's 14 and 62.5%, and
    the sentence gave those without saying they were not the table's figures."""
    with_lgsco = _table(
        _row("ombudsman_determinations", "all", 19.0, "19", "count"),
        _row("ombudsman_determinations", "housing_ombudsman", 14.0, "14", "count"),
        _row("ombudsman_determinations", "lgsco", 5.0, "5", "count"),
        _row("ombudsman_maladministration_rate", "all", 52.9, "52.9", "percent"),
        _row("ombudsman_maladministration_rate", "housing_ombudsman", 62.5, "62.5", "percent"),
        _row("ombudsman_maladministration_rate", "lgsco", 30.0, "30.0", "percent"),
    )
    line, status = reconcile_letter(
        letter(determinations=19, maladministration_rate=58), with_lgsco
    )
    assert status == "unexplained"
    assert (
        "determinations: the letter 19, our table 14 for the Housing Ombudsman alone, "
        "19 for all bodies" in line
    )
    assert (
        "maladministration rate: the letter 58%, our table 62.5% for the Housing Ombudsman "
        "alone, 52.9% for all bodies" in line
    )
    assert "compared with our figures for the Housing Ombudsman alone" in line
    agree, status = reconcile_letter(
        letter(determinations=14, maladministration_rate=62.5), with_lgsco
    )
    assert status == "agree"
    assert agree.startswith(
        "The letter's figures for 2023/24 agree with the table: 14 determinations, "
        "62.5% maladministration."
    )
    assert "counts all bodies (determinations 19, maladministration rate 52.9%)" in agree
    # With the Housing Ombudsman's rows only, the total is its figure: nothing more to say.
    alone = reconcile_letter(letter(determinations=21, maladministration_rate=62), measures(21, 62))
    assert "all bodies" not in alone[0]


# --- a letter's summary judged on each quantity's own figures --------------------------------------


def _year_row(measure, year, value, unit="count", body="all") -> dict:
    reporting_year = ReportingYear.parse(year)
    display = str(int(value)) if unit == "count" else f"{value:.1f}"
    return _row(measure, body, value, display, unit) | {
        "period": reporting_year.key,
        "period_start": reporting_year.start,
        "period_end": reporting_year.end,
    }


def two_years(chfos=(1, 2), determinations=(0, 0), rates=None) -> Measures:
    """Rows for 2023-24 and 2024-25: (earlier, later) of each quantity."""
    rows = []
    for year, chfo, det in zip(("2023-24", "2024-25"), chfos, determinations, strict=True):
        rows += [
            _year_row("chfo_issued", year, chfo),
            _year_row("ombudsman_determinations", year, det),
        ]
    for year, rate in zip(("2023-24", "2024-25"), rates or (), strict=False):
        rows.append(_year_row("ombudsman_maladministration_rate", year, rate, "percent"))
    return _table(*rows)


FEWER_CHFOS = (
    "The letter for 2024/25 noted the finding of non-compliance with the Code and fewer "
    "Complaint Handling Failure Orders than the year before."
)


def letter_2024_25(summary=FEWER_CHFOS, **kw):
    return Publication(
        kind="annual_performance_letter",
        published_date=dt.date(2025, 10, 22),
        reporting_year="2024/25",
        summary=summary,
        **kw,
    )


def test_a_summary_direction_the_chfo_figures_contradict_is_said_and_not_called_agreement():
    """Council Housing 2024/25: the letter's summary said "fewer Complaint Handling Failure Orders
    than the year before"; the table has 1 in 2023/24 and 2 in 2024/25. Only determinations were
    compared, and the report said the letter agreed with the table."""
    line, status = reconcile_letter(letter_2024_25(determinations=0), two_years((1, 2)))
    assert status == "contradicted"
    assert line == (
        "The letter's figures for 2024/25 agree with the table: 0 determinations. The letter's "
        "summary says fewer Complaint Handling Failure Orders in 2024/25 than in 2023/24, but "
        "our figures do not show that: 2 in 2024/25 and 1 in 2023/24."
    )
    # the same summary with the figures behind it: agreed, and said to be
    line, status = reconcile_letter(letter_2024_25(determinations=0), two_years((2, 1)))
    assert status == "agree"
    assert (
        "fewer Complaint Handling Failure Orders in 2024/25 than in 2023/24, as our figures "
        "show: 1 in 2024/25 and 2 in 2023/24." in line
    )
    # no change is not "fewer" either
    assert reconcile_letter(letter_2024_25(determinations=0), two_years((2, 2)))[1] == (
        "contradicted"
    )
    # published: the small counts are not shown, the contradiction still is
    line, _ = reconcile_letter(letter_2024_25(determinations=0), two_years((1, 2)), True)
    assert "do not show that: <5 in 2024/25 and <5 in 2023/24" in line


def test_each_quantity_is_judged_on_its_own_figures():
    summary = (
        "More determinations and fewer CHFOs than last year; a lower maladministration rate "
        "than in 2023/24."
    )
    measures = two_years(chfos=(1, 3), determinations=(2, 5), rates=(80.0, 60.0))
    line, status = reconcile_letter(letter_2024_25(summary, determinations=5), measures)
    assert status == "contradicted"
    assert (
        "says more determinations in 2024/25 than in 2023/24, as our figures show: 5 in "
        "2024/25 and 2 in 2023/24." in line
    )
    assert (
        "says fewer Complaint Handling Failure Orders in 2024/25 than in 2023/24, but our "
        "figures do not show that: 3 in 2024/25 and 1 in 2023/24." in line
    )
    assert (
        "says a lower maladministration rate in 2024/25 than in 2023/24, as our figures "
        "show: 60.0% in 2024/25 and 80.0% in 2023/24." in line
    )
    # "fewer CHFOs and more determinations": the "fewer" is not read as about determinations
    line, _ = reconcile_letter(
        letter_2024_25("Fewer CHFOs and more determinations than the year before.",
                       determinations=5),
        two_years(chfos=(3, 1), determinations=(2, 5)),
    )  # fmt: skip
    assert "fewer determinations" not in line and "more Complaint Handling" not in line
    assert line.count("as our figures show") == 2


def test_the_letters_own_chfo_count_is_compared_with_the_table():
    line, status = reconcile_letter(letter_2024_25("The letter.", chfos=1), two_years((1, 2)))
    assert status == "unexplained"
    assert "Complaint Handling Failure Orders: the letter 1, our table 2" in line
    line, status = reconcile_letter(letter_2024_25("The letter.", chfos=2), two_years((1, 2)))
    assert status == "agree" and "agree with the table: 2 Complaint Handling Failure Orders" in line


def test_a_year_before_not_computed_takes_the_chfo_register_or_is_not_checked():
    only_2024_25 = _table(
        _year_row("chfo_issued", "2024-25", 2), _year_row("ombudsman_determinations", "2024-25", 0)
    )
    entry = letter_2024_25(determinations=0)
    line, status = reconcile_letter(entry, only_2024_25, register={"2023-24": 1, "2024-25": 2})
    assert status == "contradicted" and "2 in 2024/25 and 1 in 2023/24" in line
    line, status = reconcile_letter(entry, only_2024_25)
    assert status == "agree"
    assert (
        "the table has no figure for one of the two years in this run, so that is not "
        "checked." in line
    )


def test_data_quality_names_a_summary_the_figures_contradict(tmp_path):
    write(
        tmp_path / "ombudsman/publications.yaml",
        yaml.safe_dump(
            [letter_2024_25(determinations=0).model_dump(mode="json", exclude_none=True)]
        ),
    )
    measures = two_years((1, 2))
    by_year = {
        key: Measures(measures.frame.filter(pl.col("period") == key))
        for key in ("2023-24", "2024-25")
    }
    problems = letter_problems(tmp_path, by_year)
    assert list(problems) == ["2024-25"]
    assert (
        "but our figures do not show that: 2 in 2024/25 and 1 in 2023/24" in problems["2024-25"][0]
    )
    assert problems["2024-25"][0].endswith(
        "Check the letter's summary in ombudsman/publications.yaml against the letter."
    )


def test_a_direction_without_than_is_read_against_the_year_before_and_a_count_is_not_one():
    # Homes Plus 2024/25: "noted fewer determinations and faster compliance with orders"
    entry = letter_2024_25(
        "The letter for 2024/25 noted fewer determinations and faster compliance with orders."
    )
    line, status = reconcile_letter(entry, two_years(determinations=(4, 6)))
    assert status == "no_figures"
    assert (
        "The letter's summary speaks of fewer determinations in 2024/25, which we read as "
        "against 2023/24, but our figures do not show that: 6 in 2024/25 and 4 in 2023/24."
    ) in line
    for summary in (
        "The Ombudsman made fewer than 5 determinations about us.",
        "Determinations were more than 5 in 2024/25.",
        "Three Complaint Handling Failure Orders were issued over two years.",
    ):
        assert "summary" not in reconcile_letter(letter_2024_25(summary), two_years())[0]


def test_a_residents_contact_details_in_ombudsman_publications_are_withheld(tmp_path):
    """A letter's summary, the reason its figures differ ('basis') and its link, written by the
    landlord's staff in ombudsman/publications.yaml, are printed in the annual report, the
    published version included: a resident's email, phone or NI number pasted into them was
    printed as typed (hostile audit). They are withheld in the warehouse and in the letters'
    reconciliation, and the data-quality report names the entry and field, never the value."""
    import duckdb

    from pipeline.ingest import _load_reference
    from pipeline.reporting.ombudsman_letters import _letter_entries
    from pipeline.reporting.section8 import _publication_problems
    from pipeline.sources.canonical import create_canonical_tables
    from pipeline.sources.publications import load_publications

    write(
        tmp_path / "landlord.yaml",
        "complaints_contact:\n  phone: '0116 496 0000'\n  email: complaints@hollybank.example\n",
    )
    finding = {
        "kind": "code_non_compliance_finding",
        "published_date": "2025-11-03",
        "summary": "We did not reply to jean.hall@example.org (07700 900123, NI JT 12 34 56 C) "
        "in time; write to complaints@hollybank.example.",
        "url": "mailto:jean.hall@example.org",
    }
    letter = letter_2024_25(determinations=0).model_dump(mode="json", exclude_none=True)
    letter["basis"] = "one case for a resident on 0116 496 0123 was counted twice"
    write(tmp_path / "ombudsman/publications.yaml", yaml.safe_dump([finding, letter]))
    entries, problems = load_publications(tmp_path)
    text = " ".join(f"{e.summary} {e.basis} {e.url}" for e in entries)
    for planted in ("jean.hall@", "07700 900123", "JT 12 34 56 C", "496 0123"):
        assert planted not in text
    assert "complaints@hollybank.example" in text
    assert [p.split(": ")[1] for p in problems] == [
        "entry 1, field 'summary'",
        "entry 1, field 'url'",
        "entry 2, field 'basis'",
    ]
    assert not any(p in " ".join(problems) for p in ("jean", "07700", "JT 12", "496 0123"))
    assert _publication_problems(tmp_path) == problems
    assert "496 0123" not in _letter_entries(tmp_path)[0].basis

    class _Landlord:
        landlord_id = "ll"
        stock = []

    con = duckdb.connect()
    create_canonical_tables(con)
    _load_reference(con, tmp_path, _Landlord())
    stored = " ".join(
        str(v) for row in con.sql("from ombudsman_publication").fetchall() for v in row
    )
    for planted in ("jean.hall@", "07700 900123", "JT 12 34 56 C", "496 0123"):
        assert planted not in stored


def test_a_webmail_complaints_address_does_not_let_residents_webmail_through(tmp_path):
    """A small landlord whose complaints address is at Gmail had every resident's Gmail address
    kept in the board response and commentary as "the landlord's own domain" (second hostile
    audit). With a webmail domain only the address itself is the landlord's."""
    write(
        tmp_path / "landlord.yaml",
        "complaints_contact:\n  email: HollybankComplaints@gmail.com\n",
    )
    write(
        tmp_path / "annual_report/2024-25/narrative.md",
        "---\nwritten_by: Complaints analyst\n---\nWrite to hollybankcomplaints@gmail.com. One "
        "resident (jean.hall@gmail.com) waited too long.\n",
    )
    loaded = load_years(tmp_path)["2024-25"]
    assert "hollybankcomplaints@gmail.com" in loaded.narrative
    assert "jean.hall@gmail.com" not in loaded.narrative
    assert len(loaded.problems) == 1


def test_a_national_insurance_number_in_lower_case_is_withheld(tmp_path):
    """The ingest's screen reads NI numbers in any case; the screen of text people write read
    capitals only, so "jt 12 34 56 c" in the commentary was published (second hostile audit)."""
    write(
        tmp_path / "annual_report/2024-25/narrative.md",
        "---\nwritten_by: Complaints analyst\n---\nOne case (ni jt 12 34 56 c, Jt123456C) was "
        "escalated.\n",
    )
    loaded = load_years(tmp_path)["2024-25"]
    assert "12 34 56" not in loaded.narrative and "123456" not in loaded.narrative
    assert loaded.narrative.count("[contact details withheld]") == 2


def test_a_figure_the_published_table_withholds_is_not_said_to_agree_with_the_letter():
    """Hollybank 2025/26, published: the Ombudsman cases table shows 2024/25's maladministration
    rate as [c], and the letter's paragraph below it said 'agree with the table: <5
    determinations, 0% maladministration', giving back the figure the table withholds."""
    raw = measures(2, 0)
    shown = _table(
        {**_row("ombudsman_determinations", "all", 2, "<5", "count"), "value": None},
        {**_row("ombudsman_maladministration_rate", "all", 0, "[c]", "percent"), "value": None},
    )
    line, status = reconcile_letter(
        letter(determinations=2, maladministration_rate=0), raw, published=True, shown=shown
    )
    assert line.startswith("The letter's figures for 2023/24 agree with the table: <5 "), line
    assert "0% maladministration" not in line
    assert "maladministration rate: the letter 0%, our table [c]" in line
    assert status == "agree"  # the unsuppressed figures do agree: the data-quality check says so
    internal, _ = reconcile_letter(letter(determinations=2, maladministration_rate=0), raw)
    assert internal.endswith("agree with the table: 2 determinations, 0% maladministration.")
