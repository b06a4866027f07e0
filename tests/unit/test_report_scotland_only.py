"""A landlord with homes in Scotland alone follows the SPSO model complaints handling procedure, not
the Housing Ombudsman's Complaint Handling Code: its annual report and data-quality report must not
ask for a Code self-assessment or speak of the Housing Ombudsman's findings of non-compliance,
Complaint Handling Failure Orders and annual letters. A landlord in England keeps them all."""

from __future__ import annotations

import datetime as dt
import html
import re

import duckdb
import pytest

from pipeline.config import load_landlord
from pipeline.periods import ReportingYear, parse_period
from pipeline.reporting.blocks import Section
from pipeline.reporting.committee import ombudsman_section
from pipeline.reporting.data import Measures
from pipeline.reporting.render import annual_report_sections
from pipeline.reporting.section8 import inputs_quality_section
from pipeline.workspaces import DEFAULT_WORKSPACES_ROOT
from tests.fixtures.landlords import SCOTLAND_ONLY

YEAR = ReportingYear.parse("2024-25")

SCOTLAND = SCOTLAND_ONLY.format(landlord_id="glenmore")

# The same landlord with its homes in England: everything the Code asks for stays.
ENGLAND = (
    SCOTLAND.replace("regimes: [sct]", "regimes: [eng]")
    .replace(
        "      sct:\n"
        "        stage_1: {acknowledge_wd: null, respond_wd: 5, extension_wd: 5, clock_starts: "
        "receipt}\n"
        "        stage_2: {acknowledge_wd: 3, respond_wd: 20, extension_wd: 10}\n",
        "      eng:\n"
        "        stage_1: {acknowledge_wd: 5, respond_wd: 10, extension_wd: 10}\n"
        "        stage_2: {acknowledge_wd: 5, respond_wd: 20, extension_wd: 20}\n",
    )
    .replace("landlord_id: glenmore", "landlord_id: glenmore_eng")
)

# Words only the Housing Ombudsman's Code regime uses.
HOUSING_OMBUDSMAN_ONLY = (
    "Complaint Handling Code self-assessment",
    "Complaint Handling Failure Order",
    "non-compliance with the Code",
    "annual letter",
    "annual performance letter",
)


def _workspace(tmp_path, config: str):
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / "landlord.yaml").write_text(config, encoding="utf-8")
    return workspace


def _text(sections: list[Section]) -> str:
    parts = []
    for section in sections:
        parts.append(section.title)
        for block in section.blocks:
            parts.append(str(getattr(block, "text", "") or ""))
            parts.append(str(getattr(block, "html", "") or ""))
            parts.extend(getattr(block, "items", None) or [])
            table = getattr(block, "table", None)
            if table is not None:
                parts += [table.caption, html.unescape(re.sub(r"<[^>]+>", " ", table.html))]
    return "\n".join(parts)


@pytest.mark.parametrize("published", [False, True])
def test_scottish_landlords_annual_report_has_no_housing_ombudsman_code_sections(
    tmp_path, published
):
    workspace = _workspace(tmp_path, SCOTLAND)
    with duckdb.connect() as con:
        sections, _ = annual_report_sections(
            con, load_landlord(workspace), YEAR, published=published, workspace=workspace
        )
    text = _text(sections)
    for words in HOUSING_OMBUDSMAN_ONLY:
        assert words not in text, words
    # what the Code's place in the report says instead, in the SPSO's terms
    assert "Scottish Public Services Ombudsman's model complaints handling procedure" in text
    # the parts of the report any landlord gives stay
    ids = [s.id for s in sections]
    assert "board-response" in ids and "other-reports" in ids


def test_scottish_landlords_data_quality_report_asks_for_no_self_assessment(tmp_path):
    workspace = _workspace(tmp_path, SCOTLAND)
    (workspace / "annual_report" / YEAR.key).mkdir(parents=True)
    with duckdb.connect() as con:
        text = _text([inputs_quality_section(workspace, con, "glenmore")])
    assert "self-assessment" not in text.lower()
    assert "No board response for 2024-25" in text


def test_english_landlords_annual_report_keeps_the_codes_section_8_content(tmp_path):
    workspace = _workspace(tmp_path, ENGLAND)
    (workspace / "annual_report" / YEAR.key).mkdir(parents=True)
    with duckdb.connect() as con:
        sections, _ = annual_report_sections(
            con, load_landlord(workspace), YEAR, published=False, workspace=workspace
        )
        quality = _text([inputs_quality_section(workspace, con, "glenmore_eng")])
    ids = [s.id for s in sections]
    for section_id in ("self-assessment", "non-compliance", "ombudsman-letter"):
        assert section_id in ids
    assert "Complaint Handling Failure Order" in _text(sections)
    assert "No self-assessment for 2024-25" in quality


def _ombudsman_rows():
    """A quarter's Ombudsman casework, with the CHFO count the measures give every landlord."""
    from tests.unit.test_report_regimes import frame, row

    return Measures(
        frame(
            [
                row(key, measure, "none", "all", "all", count, None, unit="count")
                for key in ("2024-25-Q4", "2024-25")
                for measure, count in (("ombudsman_referred", 3), ("chfo_issued", 0))
            ]
        )
    )


@pytest.mark.parametrize(("config", "shows_chfos"), [(SCOTLAND, False), (ENGLAND, True)])
def test_committee_pack_names_chfos_only_where_the_code_applies(tmp_path, config, shows_chfos):
    landlord = load_landlord(_workspace(tmp_path, config))
    with duckdb.connect() as con:
        section = ombudsman_section(
            con, landlord, _ombudsman_rows(), parse_period("2024-25-Q4"), dt.date(2025, 3, 31)
        )
    text = _text([section])
    assert "Ombudsman cases referred" in text  # every body's casework stays
    assert ("Complaint Handling Failure Order" in text) is shows_chfos


def test_scottish_landlords_self_assessment_file_is_not_used_and_said_so(tmp_path):
    """A self_assessment.yaml left in a Scottish landlord's workspace would print Scottish
    figures as the Code's evidence: no document is built, and the analyst is told why."""
    from pipeline.self_assessment.build import load_document

    workspace = _workspace(tmp_path, SCOTLAND)
    folder = workspace / "annual_report" / YEAR.key
    folder.mkdir(parents=True)
    example = DEFAULT_WORKSPACES_ROOT / "council_housing" / "annual_report" / YEAR.key
    (folder / "self_assessment.yaml").write_text(
        (example / "self_assessment.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    with duckdb.connect() as con:
        assert load_document(con, workspace, load_landlord(workspace), YEAR) is None
        text = _text([inputs_quality_section(workspace, con, "glenmore")])
    assert "The self-assessment for 2024-25 is not used" in text
    assert "No self-assessment for 2024-25" not in text
