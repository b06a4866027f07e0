"""The self-assessment workbook says whose it is: the Housing Ombudsman receives the XLSX on its
own, and it held the form's sections only (the landlord, year, who completed and approved it and
when were in the HTML and PDF alone, and in the file's properties)."""

from __future__ import annotations

import io

import openpyxl

from pipeline.self_assessment.render import ABOUT_SHEET, document_facts, render_xlsx
from tests.unit.test_self_assessment import con, document  # noqa: F401 (con: a fixture)


def _about(book) -> dict[str, str]:
    sheet = book[ABOUT_SHEET]
    return {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}


def test_the_workbook_opens_on_the_landlord_year_and_sign_off(con):
    doc = document(con)
    doc.assessment = doc.assessment.model_copy(update={"approved_by": "Board, 17 September 2025"})
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(doc)))
    assert book.sheetnames[0] == ABOUT_SHEET and len(book.sheetnames) == 10
    about = _about(book)
    assert about["Landlord"] == doc.landlord_name
    assert about["Reporting year"] == "2024/25 (1 April 2024 to 31 March 2025)"
    assert about["Completed by"] == "Complaints manager"
    assert about["Approved by"] == "Board, 17 September 2025"
    assert about["Due"].startswith(f"{doc.deadline.date:%-d %B %Y} (")
    # the same facts, in the same words, as the HTML's header
    for term, description in document_facts(doc):
        assert about[term] == description
    assert about["Answers our figures do not support"] == str(len(doc.contradicted))


def test_facts_typed_like_a_formula_stay_text(con):
    doc = document(con)
    doc.assessment = doc.assessment.model_copy(update={"completed_by": "=HYPERLINK(1)"})
    about = _about(openpyxl.load_workbook(io.BytesIO(render_xlsx(doc))))
    assert about["Completed by"] == "'=HYPERLINK(1)"
