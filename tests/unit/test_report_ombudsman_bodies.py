"""The annual report's Ombudsman findings table names its columns in the Housing Ombudsman's
terms (maladministration, service failure ...). The SPSO and the LGSCO decide in their own terms
(the SPSO upholds a complaint or does not), which a landlord's case tracker maps to these: the
report must say so wherever another body's findings are in the table, so that an SPSO decision
is not read as the SPSO's finding of "maladministration"."""

from __future__ import annotations

import duckdb
import pytest

from pipeline.config import load_landlord
from pipeline.periods import ReportingYear
from pipeline.reporting.annual import ReportContext
from pipeline.reporting.data import Measures
from pipeline.reporting.labels import GLOSSARY
from pipeline.reporting.ombudsman_section import ombudsman
from pipeline.workspaces import DEFAULT_WORKSPACES_ROOT
from tests.unit.test_report_regimes import frame, row

YEAR = ReportingYear.parse("2025-26")


def _findings(bodies: list[str]) -> Measures:
    return Measures(frame(_findings_rows(bodies)))


def _findings_rows(bodies: list[str]) -> list[dict]:
    rows = [
        row(
            YEAR.key,
            "ombudsman_findings",
            "body|outcome",
            f"{body}|{outcome}",
            "all",
            2,
            None,
            unit="count",
        )
        for body in bodies
        for outcome in ("maladministration", "no_maladministration")
    ]
    rows.append(
        row(YEAR.key, "ombudsman_findings", "none", "all", "all", 2 * len(rows), None, unit="count")
    )
    return rows


def _notes(bodies: list[str]) -> list[str]:
    landlord = load_landlord(DEFAULT_WORKSPACES_ROOT / "homes_plus")
    with duckdb.connect() as con:
        section = ombudsman(ReportContext(con, landlord, YEAR, _findings(bodies), False))
    return [b.text for b in section.blocks if b.kind in ("note", "text") and b.text]


@pytest.mark.parametrize("other", ["spso", "lgsco"])
def test_another_bodys_findings_are_said_to_be_mapped_to_the_housing_ombudsmans_terms(other):
    notes = " ".join(_notes(["housing_ombudsman", other]))
    assert "in its own terms" in notes
    assert "Housing Ombudsman's terms" in notes
    assert {"spso": "Scottish Public Services Ombudsman",
            "lgsco": "Local Government and Social Care Ombudsman"}[other] in notes  # fmt: skip


def test_housing_ombudsman_findings_alone_need_no_such_note():
    assert not any("own terms" in note for note in _notes(["housing_ombudsman"]))


def test_compensation_ordered_not_recorded_is_said_to_be_unknown_not_nothing():
    """A tracker with no compensation column: the measure is [U] (sql/measures/ombudsman.sql),
    and the table says why beside it, as the remedies table does for compensation offered."""
    unrecorded = row(
        YEAR.key, "ombudsman_compensation_ordered_gbp", "none", "all", "all", 0, None, unit="gbp"
    ) | {"numerator": None, "value": None, "display": "[U]"}
    measures = Measures(frame([*_findings_rows(["housing_ombudsman"]), unrecorded]))
    landlord = load_landlord(DEFAULT_WORKSPACES_ROOT / "homes_plus")
    with duckdb.connect() as con:
        section = ombudsman(ReportContext(con, landlord, YEAR, measures, False))
    table = next(b.table for b in section.blocks if b.table and b.table.table_id == "tbl-ombudsman")
    assert "do not record the compensation the Ombudsman ordered" in table.html
    # and the glossary's [U] covers a figure not recorded, not only a zero denominator
    assert "do not hold" in GLOSSARY["[U]"] and "not 0" in GLOSSARY["[U]"]
