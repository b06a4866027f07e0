"""A resident's postal address or postcode in text people wrote for the reports is withheld.

The board's response, the commentary, other reports, Ombudsman publications and the
self-assessment's evidence, commentary and actions are printed in every version of the reports,
the published ones included: "Mrs X of 14 Acacia Avenue, Leeds LS6 2QT complained" was printed as
written. The whole address is withheld, the text around it kept; board prose with numbers before
capitalised words, the landlord's own address and public bodies' addresses are kept.
"""

from __future__ import annotations

import pytest
import yaml

from pipeline.annual_inputs import load_years
from pipeline.contact_details import WITHHELD, OwnContact, withheld_problem, withhold
from pipeline.self_assessment.model import load_year_assessment
from pipeline.sources.publications import load_publications
from tests.unit.test_annual_inputs import board, write
from tests.unit.test_self_assessment import answers

NONE = OwnContact()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mrs X of 14 Acacia Avenue, Leeds LS6 2QT complained about damp.",
            f"Mrs X of {WITHHELD} complained about damp.",
        ),
        ("Flat 3, 22 High St. was visited twice.", f"{WITHHELD}. was visited twice."),
        ("We wrote to flat 3, 22 high street, leeds.", f"We wrote to {WITHHELD}, leeds."),
        ("Her postcode is ls62qt.", f"Her postcode is {WITHHELD}."),
        ("Postcode LS6 2QT only.", f"Postcode {WITHHELD} only."),
        ("At 14 ACACIA AVENUE LEEDS LS6 2QT.", f"At {WITHHELD}."),
        ("She lives at 7b Orchard Close.", f"She lives at {WITHHELD}."),
        ("Flat 3 Acacia Court, Leeds", f"{WITHHELD}, Leeds"),
        ("Unit 4, 12-14 Mill Lane, Bradford BD1 1AA is empty", f"{WITHHELD} is empty"),
        ("The repair at 14, Acacia Avenue was late.", f"The repair at {WITHHELD} was late."),
        ("Visit 9 Church Rd and 31 Station Road.", f"Visit {WITHHELD} and {WITHHELD}."),
        ("From 2 St Mary's Gardens, York YO1 7HH.", f"From {WITHHELD}."),
        ("The mould at 5 Elm Grove returned", f"The mould at {WITHHELD} returned"),
        ("Address: 3 Hill View Rise", f"Address: {WITHHELD}"),
        # no street word: from the flat or house number through the postcode
        ("Mrs X, Flat 3, Acacia House, Leeds LS6 2QT, rang.", f"Mrs X, {WITHHELD}, rang."),
        ("Write to 12 The Maltings, York YO1 7HH today", f"Write to {WITHHELD} today"),
        ("We visited 3 homes in LS6 2QT.", f"We visited 3 homes in {WITHHELD}."),
        ("14 acacia close, leeds ls6 2qt", WITHHELD),
        # written other ways: a flat over a house number, no-break spaces, a double space
        ("Flat 3/14 Acacia Av., Leeds", f"{WITHHELD}., Leeds"),
        ("At 14\u00a0Acacia\u00a0Avenue, LS6\u00a02QT.", f"At {WITHHELD}."),
        ("Postcode LS6  2QT.", f"Postcode {WITHHELD}."),
        # a named home without a number, postcode or not (was withheld only before a postcode)
        ("Mrs X of Rose Cottage, Mill Lane rang.", f"Mrs X of {WITHHELD} rang."),
        ("We visited The Old Rectory, Church Road twice.", f"We visited {WITHHELD} twice."),
        ("Hill Farm, Long Sutton was visited.", f"{WITHHELD} was visited."),
        ("Rose Cottage, Mill Lane, Leeds LS6 2QT", WITHHELD),
        # ... and written without the comma before its street
        ("Mrs X of Rose Cottage Mill Lane rang.", f"Mrs X of {WITHHELD} rang."),
        ("We visited The Old Rectory Church Road twice.", f"We visited {WITHHELD} twice."),
        # a flat in a named block, no street word and no postcode
        ("The leak at Flat 3 Acacia House was fixed.", f"The leak at {WITHHELD} was fixed."),
        ("The leak at flat 12, Nelson Mansions recurred.", f"The leak at {WITHHELD} recurred."),
        # schemes and blocks listed in prose are kept
        ("Residents of Abbey Court, Chantry Close and Rose Cottages met us.", None),
        ("Rose Cottage Residents Association met us.", None),
        ("Acacia House and Nelson Mansions residents met us.", None),
    ],
)
def test_an_address_or_postcode_is_withheld_whole_and_the_text_around_it_kept(text, expected):
    expected = text if expected is None else expected
    assert withhold(text, NONE) == (expected, expected.count(WITHHELD))


@pytest.mark.parametrize(
    "text",
    [
        "We responded within 10 working days in 92% of cases.",
        "There were 5 Stage 2 complaints in 2024-25 Q3.",
        "See Code section 5 and Paragraph 6.11 of the policy.",
        "3 Park View residents joined the panel.",
        "1 Way forward is a new scrutiny group.",
        "A 20 percent rise in complaints about the road.",
        "5 complaints about the road were upheld.",
        "We ran 2 Estate Walk sessions and 4 County Court claims settled.",
        "The 2025 Market Square event and 12 communal gardens were improved.",
        "Ten cases took more than 20 working days; 3 Grove Park View homes were affected.",
        "TSMs CH01, CH02 and TP09 are in the return; Q4 1st draft is due.",
        "We paid £1,250 in 12 cases; 2024/25 figures are final.",
        "In 2024/25 Park View residents and 2025 Acacia Avenue tenants were surveyed.",
    ],
)
def test_board_prose_with_numbers_before_words_is_kept_as_written(text):
    assert withhold(text, NONE) == (text, 0)


@pytest.mark.parametrize(
    "text",
    [
        "Write to the Housing Ombudsman Service, PO Box 1484, Unit D, Preston, PR2 0ET.",
        "Housing Ombudsman Service, Unit D, 24 Hester Road, London SW11 4AN",
        "SPSO, Bridgeside House, 99 McDonald Road, Edinburgh EH7 4NS",
        "The Regulator of Social Housing, Level 2, 7-8 Wellington Place, Leeds LS1 4AP",
    ],
)
def test_public_bodies_addresses_are_kept(text):
    assert withhold(text, NONE) == (text, 0)


def test_the_landlords_own_address_is_kept_and_a_residents_on_its_street_is_not(tmp_path):
    write(
        tmp_path / "landlord.yaml",
        "complaints_contact:\n  post: 'Complaints Team, 1 High Street, Anytown AN1 1AA'\n",
    )
    own = OwnContact.of(tmp_path)
    kept = "Write to Complaints Team, 1 High Street, Anytown AN1 1AA or 1 High St."
    assert withhold(kept, own) == (kept, 0)
    assert withhold("Mr Y of 3 High Street, Anytown AN1 1AB", own) == (f"Mr Y of {WITHHELD}", 1)
    # without the landlord's settings the same address is withheld
    assert withhold(kept, NONE)[1] == 2


def test_the_data_quality_line_names_where_never_the_value():
    line = withheld_problem("annual_report/2024-25/board_response.md: line 7", 1)
    assert line.startswith("annual_report/2024-25/board_response.md: line 7: 1 personal detail ")
    assert "a postal address or a postcode" in line and "complaints_contact" in line


def test_an_address_in_the_board_response_narrative_and_other_reports_is_withheld(tmp_path):
    write(
        tmp_path / "annual_report/2024-25/board_response.md",
        board(
            body="We accept the report.\n\nMrs X of 14 Acacia Avenue, Leeds LS6 2QT waited "
            "too long; the Ombudsman (PO Box 1484, Unit D, Preston, PR2 0ET) agreed."
        ),
    )
    write(
        tmp_path / "annual_report/2024-25/narrative.md",
        "One case (Flat 3, 22 High St) was escalated within 10 working days.\n",
    )
    write(
        tmp_path / "annual_report/2024-25/other_reports.yaml",
        yaml.safe_dump([{"title": "Panel review", "summary": "Held at 5 Elm Grove, BD7 1AA"}]),
    )
    loaded = load_years(tmp_path)["2024-25"]
    printed = loaded.board.body + loaded.narrative + loaded.other_reports[0].summary
    for planted in ("Acacia", "LS6 2QT", "22 High", "Elm Grove", "BD7 1AA"):
        assert planted not in printed
    assert "Mrs X of [contact details withheld] waited" in printed
    assert "PR2 0ET" in printed and "10 working days" in printed
    assert [p.split(": 1 personal detail")[0] for p in loaded.problems] == [
        "annual_report/2024-25/board_response.md: line 7",
        "annual_report/2024-25/narrative.md: line 1",
        "annual_report/2024-25/other_reports.yaml: report 1, field 'summary'",
    ]
    assert not any(p in " ".join(loaded.problems) for p in ("Acacia", "LS6", "High St", "Elm"))


def test_an_address_in_the_self_assessment_is_withheld(tmp_path):
    doc = answers(
        **{
            "1.2": {"evidence": ["Letter to 14 Acacia Avenue, Leeds LS6 2QT", "Policy v5"]},
            "5.1": {"commentary": "The resident at ls6 2qt was visited within 5 working days."},
            "3.1": {
                "comply": False,
                "commentary": "Not yet.",
                "actions": [
                    {"what": "Visit Flat 3, 22 High St", "owner": "Repairs", "due": "2025-06-30"}
                ],
            },
        }
    )
    doc["reporting_year"] = "2024-25"
    write(tmp_path / "annual_report/2024-25/self_assessment.yaml", yaml.safe_dump(doc))
    assessment = load_year_assessment(tmp_path, "2024-25")
    printed = yaml.safe_dump(assessment.model_dump(mode="json"))
    for planted in ("Acacia", "LS6 2QT", "ls6 2qt", "22 High St"):
        assert planted not in printed
    assert assessment.answer("1.2").evidence == [f"Letter to {WITHHELD}", "Policy v5"]
    assert "within 5 working days" in assessment.answer("5.1").commentary
    assert [w.split(": 1 personal detail ")[0] for w in assessment.withheld] == [
        "annual_report/2024-25/self_assessment.yaml: provision 1.2, field 'evidence'",
        "annual_report/2024-25/self_assessment.yaml: provision 3.1, field 'actions'",
        "annual_report/2024-25/self_assessment.yaml: provision 5.1, field 'commentary'",
    ]


def test_an_address_in_ombudsman_publications_is_withheld(tmp_path):
    finding = {
        "kind": "code_non_compliance_finding",
        "published_date": "2025-11-03",
        "summary": "We did not reply to the resident at 14 Acacia Avenue, Leeds LS6 2QT in time.",
    }
    write(tmp_path / "ombudsman/publications.yaml", yaml.safe_dump([finding]))
    entries, problems = load_publications(tmp_path)
    assert entries[0].summary == f"We did not reply to the resident at {WITHHELD} in time."
    assert [p.split(": 1 personal detail")[0] for p in problems] == [
        "ombudsman/publications.yaml: entry 1, field 'summary'"
    ]


ADDRESS = "Mrs Hall, 14 Acacia Avenue, Leeds LS6 2QT"
PLANTED = ("Acacia", "LS6", "Hall")


def test_an_address_in_who_gave_wrote_or_approved_a_text_is_withheld(tmp_path):
    """The board's role and meeting, the commentary's writer and the self-assessment's
    completed_by, approved_by and carried reason head the printed texts."""
    write(
        tmp_path / "annual_report/2024-25/board_response.md",
        board(role="Chair, 1 Oak Road", extra=f"meeting: '{ADDRESS}'\n"),
    )
    write(
        tmp_path / "annual_report/2024-25/narrative.md",
        "---\nwritten_by: Analyst (LS6 2QT)\n---\nText.\n",
    )
    doc = answers(**{})
    doc.update(reporting_year="2024-25", completed_by=ADDRESS, approved_by="Board")
    write(tmp_path / "annual_report/2024-25/self_assessment.yaml", yaml.safe_dump(doc))
    write(
        tmp_path / "annual_report/2025-26/self_assessment.yaml",
        yaml.safe_dump(
            {
                "reporting_year": "2025-26",
                "carried_from": "2024-25",
                "completed_on": "2026-06-01",
                "approved_by": "Committee, 2 Elm Grove",
                "reason": f"No change; see {ADDRESS}",
            }
        ),
    )
    loaded = load_years(tmp_path)["2024-25"]
    assert loaded.board.meta.role == f"Chair, {WITHHELD}"
    assert loaded.board.meta.meeting == f"Mrs Hall, {WITHHELD}"
    assert loaded.narrative_by == f"Analyst ({WITHHELD})"
    assert [p.split(": 1 personal")[0] for p in loaded.problems] == [
        "annual_report/2024-25/board_response.md: front matter 'role'",
        "annual_report/2024-25/board_response.md: front matter 'meeting'",
        "annual_report/2024-25/narrative.md: front matter 'written_by'",
    ]
    assert load_year_assessment(tmp_path, "2024-25").completed_by == f"Mrs Hall, {WITHHELD}"
    carried = load_year_assessment(tmp_path, "2025-26")
    printed = yaml.safe_dump(carried.model_dump(mode="json"))
    assert not any(p in printed for p in ("Acacia", "LS6", "Elm Grove"))
    assert carried.carried_reason == f"No change; see Mrs Hall, {WITHHELD}"
    assert [w.split(": 1 personal")[0] for w in carried.withheld] == [
        "annual_report/2024-25/self_assessment.yaml: key 'completed_by'",
        "annual_report/2025-26/self_assessment.yaml: key 'reason'",
        "annual_report/2025-26/self_assessment.yaml: key 'approved_by'",
    ]


def test_problem_messages_name_the_file_and_key_never_a_residents_details(tmp_path):
    """A wrong value or a mistyped key in a people-written file may be a resident's address
    typed in the wrong place: the data-quality report, the console and the logs name the file,
    the key and the problem, never the text (a year, an unknown key)."""
    from pipeline.config import ConfigError, load_landlord
    from pipeline.periods import ReportingYear
    from pipeline.self_assessment.model import SelfAssessmentError

    write(
        tmp_path / "annual_report/2024-25/board_response.md",
        board(extra=f"carried_from: '{ADDRESS}'\n"),
    )
    write(tmp_path / "annual_report/2024-25/narrative.md", f"---\n'{ADDRESS}': x\n---\nText.\n")
    write(
        tmp_path / "annual_report/2024-25/other_reports.yaml",
        yaml.safe_dump([{"title": "Review", ADDRESS: 1}]),
    )
    doc = answers(**{"1.2": {ADDRESS: "x"}})
    doc.update(reporting_year="2024-25", **{ADDRESS: 1})
    write(tmp_path / "annual_report/2024-25/self_assessment.yaml", yaml.safe_dump(doc))
    write(
        tmp_path / "annual_report/2025-26/self_assessment.yaml",
        yaml.safe_dump({"reporting_year": "2025-26", "carried_from": ADDRESS, ADDRESS: 1}),
    )
    write(tmp_path / "annual_report/2023-24/self_assessment.yaml", f"reporting_year: {ADDRESS}\n")
    write(tmp_path / "ombudsman/publications.yaml", yaml.safe_dump([{ADDRESS: 1}]))
    write(tmp_path / "landlord.yaml", yaml.safe_dump({"landlord_id": "ll", ADDRESS: 1}))
    messages = list(load_years(tmp_path)["2024-25"].problems)
    for year in ("2023-24", "2024-25", "2025-26"):
        with pytest.raises(SelfAssessmentError) as raised:
            load_year_assessment(tmp_path, year)
        messages.append(str(raised.value))
    for load in (load_publications, load_landlord):
        with pytest.raises(ConfigError) as raised:
            load(tmp_path)
        messages.append(str(raised.value))
    with pytest.raises(ValueError) as raised:
        ReportingYear.parse(ADDRESS)
    messages.append(str(raised.value))
    text = "\n".join(messages)
    assert not any(p in text for p in PLANTED), text
    # where and what is still said, and a plain mistyped key is still quoted
    assert "board_response.md: front matter 'carried_from': reporting year a text of 41" in text
    assert "narrative.md: front matter '<41 characters, not shown>' is not a known key" in text
    assert "2025-26/self_assessment.yaml: key '<41 characters, not shown>' is not allowed" in text
    assert "provision 1.2, field '<41 characters, not shown>': is not a known field" in text
    assert "key 'publications.0.<41 characters, not shown>' is not allowed here" in text
    with pytest.raises(ValueError, match="reporting year '24-25' is not like 2024-25"):
        ReportingYear.parse("24-25")


@pytest.mark.parametrize("name", ["Jean Vexbridge", "MARGARET THRUPP"])
def test_problem_messages_never_quote_a_bare_name(tmp_path, name):
    """A resident's name alone holds no contact detail for the address screen to find: typed as
    a key of landlord.yaml or a mapping, or as a self-assessment's year, it was quoted ("key 'Jean
    Vexbridge' is not allowed here") on the console and, through a scheduled run, in the Dagster
    instance's event log for good. The free-text screen's name test now keeps it out too."""
    from pipeline.config import ConfigError, load_landlord
    from pipeline.mapping import load_mapping
    from pipeline.periods import ReportingYear
    from pipeline.self_assessment.model import SelfAssessmentError

    write(tmp_path / "landlord.yaml", yaml.safe_dump({"landlord_id": "ll", name: 1}))
    mapping = {"files": ["exports/a.csv"], "target": "chfo", name: 1}
    write(tmp_path / "mappings" / "chfo.yaml", yaml.safe_dump(mapping))
    write(tmp_path / "annual_report/2023-24/self_assessment.yaml", f"reporting_year: {name}\n")
    messages = []
    for load in (load_landlord, lambda ws: load_mapping(ws / "mappings" / "chfo.yaml", ws)):
        with pytest.raises(ConfigError) as raised:
            load(tmp_path)
        messages.append(str(raised.value))
    with pytest.raises(SelfAssessmentError) as raised:
        load_year_assessment(tmp_path, "2023-24")
    messages.append(str(raised.value))
    with pytest.raises(ValueError) as raised:
        ReportingYear.parse(name)
    messages.append(str(raised.value))
    text = "\n".join(messages)
    assert name.split()[-1] not in text, text
    length = len(name)
    assert messages[0].startswith(str(tmp_path / "landlord.yaml"))
    assert f"key '<{length} characters, not shown>' is not allowed here" in messages[0]
    assert f"mappings/chfo.yaml: key '<{length} characters, not shown>' is not allowed" in text
    assert f"reporting year a text of {length} characters (not shown)" in text
    # a mistyped key is still quoted
    write(tmp_path / "landlord.yaml", yaml.safe_dump({"landlord_id": "ll", "stok": 1}))
    with pytest.raises(ConfigError, match="key 'stok' is not allowed here"):
        load_landlord(tmp_path)


def test_a_crash_message_on_the_console_never_quotes_pydantics_input_value():
    """An error raised where no problem text was written reaches the console through the run's
    summary (the step's innermost error) or the landlord's ERROR line; pydantic's own text
    quotes the value (input_value=...), which may be a resident's address typed in a file."""
    from pydantic import BaseModel, ValidationError

    from pipeline import run_messages

    class Meta(BaseModel):
        date: int

    with pytest.raises(ValidationError) as raised:
        Meta.model_validate({"date": ADDRESS})
    assert "Acacia" in str(raised.value)  # pydantic's own message quotes it

    class Error:
        def __init__(self, cls_name, message, cause=None):
            self.cls_name, self.message, self.cause = cls_name, message, cause

    step = Error(
        "DagsterExecutionStepExecutionError",
        "Error in step",
        Error("ValidationError", f"pydantic_core._pydantic_core.ValidationError: {raised.value}"),
    )
    said = run_messages.innermost(step)
    assert "Acacia" not in said and "LS6" not in said
    assert "date" in said and "input_value=(not shown), input_type=str" in said


def test_a_publications_year_that_is_no_year_is_refused_without_quoting_it(tmp_path):
    """A letter's reporting_year is stored in the warehouse and printed as written ("for
    2024/25"): a resident's address typed there was stored, then stopped the annual report
    with an error quoting it. It is refused when the file is read, naming entry and key."""
    from pipeline.config import ConfigError

    letter = {
        "kind": "annual_performance_letter",
        "published_date": "2025-10-01",
        "reporting_year": ADDRESS,
        "summary": "Our letter.",
    }
    write(tmp_path / "ombudsman/publications.yaml", yaml.safe_dump([letter]))
    with pytest.raises(ConfigError) as raised:
        load_publications(tmp_path)
    message = str(raised.value)
    assert "key 'publications.0.reporting_year': reporting year a text of 41 characters" in message
    assert not any(p in message for p in PLANTED)
    letter["reporting_year"] = "2024/25"  # as the examples write it: kept as written
    write(tmp_path / "ombudsman/publications.yaml", yaml.safe_dump([letter]))
    assert load_publications(tmp_path)[0][0].reporting_year == "2024/25"
