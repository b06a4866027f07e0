"""Assemble a landlord's self-assessment for a year: answers, measured evidence, contradictions.

The document joins three things: the Code's provisions (reference data), the landlord's answers
(``self_assessment.yaml``) and evidence read from the ``measures`` table. A "yes" that a measure
contradicts (see ``evidence.yaml`` for the thresholds) is flagged in every output and in the
``self_assessment_consistency`` asset check.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipeline.config import Landlord, load_landlord
from pipeline.contact_details import landlord_text
from pipeline.measures import data_cut_text
from pipeline.periods import ReportingYear
from pipeline.reporting.code_scope import code_applies
from pipeline.reporting.suppression import scheme_streams
from pipeline.self_assessment.evidence import EvidenceLine, ProvisionEvidence, measured_evidence
from pipeline.self_assessment.model import (
    ProvisionAssessment,
    SelfAssessment,
    load_year_assessment,
)
from pipeline.self_assessment.reference import CodeReference, Provision, load_provisions

# The Ombudsman's size line for its annual submission, which every member landlord makes: more
# than this many homes by 30 September, otherwise within six months of the financial year end.
# (The 1,000 homes that make a landlord publish its Tenant Satisfaction Measures without
# submitting them are the Regulator's rule, not the Ombudsman's.)
SUBMISSION_HOMES_THRESHOLD = 1000


@dataclass(frozen=True)
class Deadline:
    """When the self-assessment is due, and the rule that set the date."""

    date: dt.date
    rule: str
    homes: int


@dataclass
class AssessedProvision:
    """One row of the document."""

    provision: Provision
    answer: ProvisionAssessment | None  # None for information-only 1.1
    evidence: ProvisionEvidence | None

    @property
    def evidence_lines(self) -> list[EvidenceLine]:
        return self.evidence.lines if self.evidence else []

    @property
    def contradictions(self) -> list[EvidenceLine]:
        """Measures that breach their threshold while the landlord answered "yes"."""
        if self.answer is None or not self.answer.complies or self.evidence is None:
            return []
        return self.evidence.breaches

    @property
    def contradicted(self) -> bool:
        return bool(self.contradictions)

    @property
    def unchecked_lines(self) -> list[EvidenceLine]:
        """A "yes" whose every line with a threshold had nothing to judge it by this year (no
        promised action due, no measure): those lines; empty when any line could judge it, or
        when the answer is "no" or the provision has no such line. Such a "yes" is neither
        contradicted nor supported, and every output says so rather than pass it in silence."""
        if self.answer is None or not self.answer.complies or self.evidence is None:
            return []
        testing = [line for line in self.evidence.lines if line.checks_answer]
        if not testing or not all(line.unjudged for line in testing):
            return []
        return testing

    @property
    def unchecked(self) -> bool:
        return bool(self.unchecked_lines)


@dataclass
class SectionRows:
    number: int
    title: str
    rows: list[AssessedProvision]

    @property
    def yes(self) -> int:
        return sum(1 for r in self.rows if r.answer is not None and r.answer.complies)

    @property
    def no(self) -> int:
        return sum(1 for r in self.rows if r.answer is not None and not r.answer.complies)

    @property
    def contradicted(self) -> int:
        """Answered "yes" but the data contradicts it."""
        return sum(1 for r in self.rows if r.contradicted)

    @property
    def met(self) -> int:
        """Provisions met: a "yes" the data does not contradict."""
        return self.yes - self.contradicted


@dataclass
class SelfAssessmentDocument:
    """Everything the HTML, PDF and XLSX show."""

    landlord_id: str
    landlord_name: str
    year: ReportingYear
    deadline: Deadline
    assessment: SelfAssessment
    sections: list[SectionRows]
    code_source: str
    thresholds: list[tuple[str, str, str, str]] = field(default_factory=list)
    # The measured evidence is as at the data cut, as in the annual report beside it.
    data_cut: str = ""
    # landlord.yaml `glossary`: the landlord's own terms its answers may use, explained in the
    # document's glossary as in the annual report's (a resident's details withheld)
    glossary: dict[str, str] = field(default_factory=dict)

    @property
    def rows(self) -> list[AssessedProvision]:
        return [r for s in self.sections for r in s.rows]

    @property
    def contradicted(self) -> list[AssessedProvision]:
        return [r for r in self.rows if r.contradicted]

    @property
    def unchecked(self) -> list[AssessedProvision]:
        """The "yes" answers the year's figures had nothing to check against."""
        return [r for r in self.rows if r.unchecked]

    @property
    def actions(self) -> list[tuple[str, object]]:
        return [(r.provision.id, a) for r in self.rows if r.answer for a in r.answer.actions]

    @property
    def title(self) -> str:
        return f"{self.landlord_name}: Complaint Handling Code self-assessment {self.year.label}"


def _homes(landlord: Landlord, year: ReportingYear) -> int:
    """Homes owned in England at the year end (the Housing Ombudsman's jurisdiction)."""
    english = [s for s in landlord.stock if s.country == "eng"]
    ends = sorted({s.year_end for s in english if s.year_end <= year.end}) or sorted(
        {s.year_end for s in english}
    )
    if not ends:
        return 0
    return sum(s.units_owned for s in english if s.year_end == ends[-1])


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def submission_deadline(landlord: Landlord, year: ReportingYear) -> Deadline:
    """The date the self-assessment is due for ``year``.

    Parameters
    ----------
    landlord
        The landlord's configuration; ``self_assessment_deadline`` (MM-DD) overrides the default.
    year
        The reporting year assessed.

    Returns
    -------
    Deadline
        Configured: the first such MM-DD after the year end. Default: 30 September after the year
        end for landlords with more than 1,000 homes, otherwise six months after the year end;
        either way submitted to the Housing Ombudsman (its annual submission).
    """
    homes = _homes(landlord, year)
    ombudsman = _ombudsman_deadline(homes, year)
    if landlord.self_assessment_deadline:
        month, day = (int(part) for part in landlord.self_assessment_deadline.split("-"))
        due = dt.date(year.end.year, month, day)
        if due <= year.end:
            due = dt.date(year.end.year + 1, month, day)
        # Said in the published documents: the reader knows no configuration file, but should
        # see the Ombudsman's own deadline beside the landlord's.
        return Deadline(
            due,
            f"the date we set ourselves; the Housing Ombudsman's deadline is "
            f"{ombudsman.date:%-d %B %Y}",
            homes,
        )
    return ombudsman


def _ombudsman_deadline(homes: int, year: ReportingYear) -> Deadline:
    """The Housing Ombudsman's deadline for its annual submission, by the landlord's size."""
    if homes > SUBMISSION_HOMES_THRESHOLD:
        return Deadline(
            dt.date(year.end.year, 9, 30),
            f"submitted to the Housing Ombudsman by 30 September: {homes:,} homes, more than "
            f"{SUBMISSION_HOMES_THRESHOLD:,}",
            homes,
        )
    return Deadline(
        _add_months(year.end, 6),
        f"submitted to the Housing Ombudsman within six months of the year end: {homes:,} homes, "
        f"{SUBMISSION_HOMES_THRESHOLD:,} or fewer",
        homes,
    )


def _threshold_notes(rows: list[AssessedProvision]) -> list[tuple[str, str, str, str]]:
    """(provision, measure, threshold, why) for every evidence line that can flag a "yes"."""
    notes = []
    for row in rows:
        for line in row.evidence_lines:
            if line.threshold is not None:
                # the evidence in words, as the form shows it (a reader never sees a measure id)
                notes.append(
                    (row.provision.id, line.shown, line.threshold.describe(), line.threshold.why)
                )
    return notes


def assemble(
    con: duckdb.DuckDBPyConnection,
    landlord: Landlord,
    assessment: SelfAssessment,
    year: str | ReportingYear,
    reference: CodeReference | None = None,
) -> SelfAssessmentDocument:
    """Join the Code, the landlord's answers and the measured evidence into one document.

    Parameters
    ----------
    con
        Connection to the landlord's DuckDB holding the ``measures`` table.
    landlord
        The landlord's configuration.
    assessment
        The validated answers.
    year
        Reporting year, e.g. ``"2024-25"``.
    reference
        The Code's provisions; default the product's reference data.

    Returns
    -------
    SelfAssessmentDocument
    """
    year = year if isinstance(year, ReportingYear) else ReportingYear.parse(year)
    reference = reference or load_provisions()
    evidence = measured_evidence(
        con,
        landlord.landlord_id,
        year,
        landlord.thresholds.small_number_suppression,
        streams=scheme_streams(landlord.business_streams),
    )
    sections = [
        SectionRows(
            section.number,
            section.title,
            [
                AssessedProvision(
                    p,
                    assessment.provisions.get(p.id) if p.in_form else None,
                    evidence.get(p.id),
                )
                for p in section.provisions
            ],
        )
        for section in reference.sections
    ]
    document = SelfAssessmentDocument(
        landlord_id=landlord.landlord_id,
        landlord_name=landlord.name,
        year=year,
        deadline=submission_deadline(landlord, year),
        assessment=assessment,
        sections=sections,
        code_source=reference.source,
        data_cut=data_cut_text(landlord),
        glossary={term: landlord_text(landlord, m) for term, m in landlord.glossary.items()},
    )
    document.thresholds = _threshold_notes(document.rows)
    return document


def load_document(
    con: duckdb.DuckDBPyConnection,
    workspace: Path,
    landlord: Landlord | str | None,
    year: str | ReportingYear,
) -> SelfAssessmentDocument | None:
    """The self-assessment document of a workspace for a year, or None when it has none.

    Parameters
    ----------
    con
        Connection to the landlord's DuckDB.
    workspace
        The landlord workspace folder.
    landlord
        Its configuration, or None / a landlord id to load ``landlord.yaml``.
    year
        Reporting year.

    Raises
    ------
    SelfAssessmentError
        When the workspace's ``self_assessment.yaml`` is invalid (every problem listed).
    """
    year = year if isinstance(year, ReportingYear) else ReportingYear.parse(year)
    if not isinstance(landlord, Landlord):
        landlord = load_landlord(Path(workspace))
    if not code_applies(landlord.regimes):
        # homes in Scotland alone: the Code is England's, and its form would print Scottish
        # figures as the Code's evidence (the data-quality report says the file is not used)
        return None
    assessment = load_year_assessment(Path(workspace), year.key)
    if assessment is None:
        return None
    return assemble(con, landlord, assessment, year)


def self_assessment_summary(
    con: duckdb.DuckDBPyConnection,
    workspace: Path,
    landlord: Landlord | str | None,
    year: str | ReportingYear,
) -> dict | None:
    """The self-assessment summary block of the annual report.

    Parameters
    ----------
    con
        Connection to the landlord's DuckDB (the ``measures`` table is read, nothing written).
    workspace
        The landlord workspace folder.
    landlord
        The landlord's configuration (or its id / None to read ``landlord.yaml``).
    year
        Reporting year, e.g. ``"2024-25"``.

    Returns
    -------
    dict or None
        None when the workspace has no self-assessment for the year. Otherwise::

            {"landlord_id", "year", "year_label", "source", "completed_by", "approved_by",
             "completed_on": date | None, "carried_from": year key | None,
             "carried_reason": str, "answers_completed_on": date | None,
             "deadline": date, "deadline_rule": str,
             "sections": [{"number", "title", "yes", "no", "met", "contradicted"}],
             "totals": {"provisions", "yes", "no", "met", "contradicted", "unchecked",
                        "actions"},
             "contradictions": [{"provision", "requirement", "evidence": [str],
                                 "evidence_published": [str]}],
             "unchecked": [{"provision", "evidence": [str], "evidence_published": [str]}],
             "actions": [{"provision", "what", "owner", "due": date}],
             "documents": {"html", "pdf", "xlsx"}}   # file names in the year's documents folder

    Raises
    ------
    SelfAssessmentError
        When the workspace's ``self_assessment.yaml`` is invalid.
    """
    document = load_document(con, workspace, landlord, year)
    return None if document is None else summarise(document)


def summarise(document: SelfAssessmentDocument) -> dict:
    """The annual report's summary block of an assembled document (see
    :func:`self_assessment_summary` for its keys): the report's summary and its appendix, which
    prints the whole form, come from one document."""
    sections = [
        {
            "number": s.number,
            "title": s.title,
            "yes": s.yes,
            "no": s.no,
            "met": s.met,
            "contradicted": s.contradicted,
        }
        for s in document.sections
    ]
    actions = [
        {"provision": pid, "what": a.what, "owner": a.owner, "due": a.due}
        for pid, a in document.actions
    ]
    contradictions = [
        {
            "provision": r.provision.id,
            "requirement": r.provision.requirement,
            "evidence": [line.text for line in r.contradictions],
            # as a published document shows it (counts of 1-4 <5, rates of them [c])
            "evidence_published": [line.shown for line in r.contradictions],
        }
        for r in document.contradicted
    ]
    unchecked = [
        {
            "provision": r.provision.id,
            "evidence": [line.text for line in r.unchecked_lines],
            "evidence_published": [line.shown for line in r.unchecked_lines],
        }
        for r in document.unchecked
    ]
    return {
        "landlord_id": document.landlord_id,
        "year": document.year.key,
        "year_label": document.year.label,
        "source": document.assessment.source,
        "completed_by": document.assessment.completed_by,
        "approved_by": document.assessment.approved_by,
        "completed_on": document.assessment.completed_on,
        "carried_from": document.assessment.carried_from,
        "carried_reason": document.assessment.carried_reason,
        "answers_completed_on": document.assessment.answers_completed_on,
        "deadline": document.deadline.date,
        "deadline_rule": document.deadline.rule,
        "sections": sections,
        "totals": {
            "provisions": sum(s["yes"] + s["no"] for s in sections),
            "yes": sum(s["yes"] for s in sections),
            "no": sum(s["no"] for s in sections),
            # A "yes" the data contradicts is not counted as met.
            "met": sum(s["met"] for s in sections),
            "contradicted": len(contradictions),
            # a "yes" no figure of the year could check (still counted as met: it stands)
            "unchecked": len(unchecked),
            "actions": len(actions),
        },
        "contradictions": contradictions,
        "unchecked": unchecked,
        "actions": actions,
        "documents": {
            "html": "self_assessment.html",
            "pdf": "self_assessment.pdf",
            "xlsx": "self_assessment.xlsx",
        },
    }
