"""The landlord's input, ``self_assessment.yaml``: one entry per Code provision, validated.

People write this file, so every problem is reported in their terms, all at once, each naming the
file, the provision and the field::

    self_assessment.yaml: provision 5.3, field 'comply': 'maybe' is not one of yes/no

The shape::

    reporting_year: "2024-25"        # optional: the year this assessment is for (else any year)
    completed_by: "Head of Customer Experience"
    approved_by: "Board, 17 September 2025"     # optional
    provisions:
      - id: "5.3"                    # quote ids: unquoted 5.10 is read by YAML as the number 5.1
        comply: yes                  # yes | no
        evidence: ["Complaints policy v5, section 4", "https://example.org/complaints-policy"]
        commentary: "Two stages only; no stage 0."
        actions:                     # planned actions (required, with commentary, for a "No")
          - {what: "Retrain area teams", owner: "Complaints manager", due: 2025-12-31}

A workspace may hold ``self_assessment_<year>.yaml`` (e.g. ``self_assessment_2024-25.yaml``) for a
particular year; otherwise ``self_assessment.yaml`` is used (for its ``reporting_year`` if it names one).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pipeline.config import ConfigError
from pipeline.periods import ReportingYear
from pipeline.self_assessment.reference import INFORMATION_ONLY, CodeReference, load_provisions

FILE_NAME = "self_assessment.yaml"


class SelfAssessmentError(ConfigError):
    """``self_assessment.yaml`` is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PlannedAction(_Strict):
    """An improvement the landlord commits to: what, who owns it, and by when."""

    what: str = Field(min_length=1, description="The action, in plain words")
    owner: str = Field(min_length=1, description="Role (not a person's name) accountable for it")
    due: dt.date = Field(description="Due date, YYYY-MM-DD")

    @field_validator("what", "owner", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    @field_validator("due", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)")


class ProvisionAssessment(_Strict):
    """The landlord's answer for one provision."""

    id: str
    comply: Literal["yes", "no"] = Field(description="Does the landlord comply: yes or no")
    evidence: list[str] = Field(
        default_factory=list, description="Documents, links or records that show compliance"
    )
    commentary: str = Field(default="", description="Commentary / explanation")
    actions: list[PlannedAction] = Field(default_factory=list, description="Planned actions")

    @field_validator("comply", mode="before")
    @classmethod
    def _yes_no(cls, value: Any) -> Any:
        # YAML 1.1 reads an unquoted yes/no as a boolean; accept both spellings.
        if value is True:
            return "yes"
        if value is False:
            return "no"
        if isinstance(value, str) and value.strip().lower() in {"yes", "no"}:
            return value.strip().lower()
        raise ValueError(f"{value!r} is not one of yes/no")

    @field_validator("evidence", mode="before")
    @classmethod
    def _evidence_list(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return [v.strip() for v in value if v.strip()]
        raise ValueError("must be a list of document names or links (text)")

    @field_validator("commentary", mode="before")
    @classmethod
    def _commentary_text(cls, value: Any) -> Any:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise ValueError("must be text")
        return value.strip()

    @field_validator("actions", mode="before")
    @classmethod
    def _actions_list(cls, value: Any) -> Any:
        return [] if value is None else value

    @property
    def complies(self) -> bool:
        return self.comply == "yes"


class SelfAssessment(_Strict):
    """A validated ``self_assessment.yaml``: exactly one answer per form provision, in Code order."""

    source: str = Field(description="The file it was read from")
    reporting_year: str | None = None
    completed_by: str = ""
    approved_by: str = ""
    provisions: dict[str, ProvisionAssessment]

    def answer(self, provision_id: str) -> ProvisionAssessment:
        return self.provisions[provision_id]


_TOP_LEVEL = {"reporting_year", "completed_by", "approved_by", "provisions"}


def _field_problem(prefix: str, error: dict) -> str:
    """One pydantic error as 'provision X, field 'f': what is wrong'."""
    loc = [str(part) for part in error["loc"]]
    if loc and loc[0] == "actions" and len(loc) >= 2 and loc[1].isdigit():
        where = f"action {int(loc[1]) + 1}"
        field = loc[2] if len(loc) > 2 else None
        where = f"{where}, field '{field}'" if field else where
    else:
        where = f"field '{loc[0]}'" if loc else "entry"
    if error["type"] == "extra_forbidden":
        return f"{prefix}, {where}: is not a known field"
    if error["type"] == "missing":
        return f"{prefix}, {where}: is missing"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "string_too_short":
        message = "must not be empty"
    return f"{prefix}, {where}: {message}"


def parse_self_assessment(
    raw: Any, source: str = FILE_NAME, reference: CodeReference | None = None
) -> SelfAssessment:
    """Validate the parsed YAML of a self-assessment.

    Parameters
    ----------
    raw
        The document as ``yaml.safe_load`` returns it.
    source
        File name used in messages.
    reference
        The Code's provisions; default the product's reference data.

    Returns
    -------
    SelfAssessment

    Raises
    ------
    SelfAssessmentError
        Listing every problem: unknown or duplicated provision ids, missing provisions, invalid
        values (each naming the provision and the field), unknown top-level keys.
    """
    reference = reference or load_provisions()
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise SelfAssessmentError(
            [f"{source}: expected keys {sorted(_TOP_LEVEL)}, found no mapping"]
        )
    for key in sorted(set(raw) - _TOP_LEVEL, key=str):
        problems.append(
            f"{source}: key '{key}' is not allowed here (allowed: {sorted(_TOP_LEVEL)})"
        )
    year = raw.get("reporting_year")
    if year is not None:
        try:
            year = ReportingYear.parse(str(year)).key
        except ValueError as exc:
            problems.append(f"{source}: key 'reporting_year': {exc}")
    entries = raw.get("provisions")
    if not isinstance(entries, list):
        problems.append(f"{source}: key 'provisions' must be a list of entries with an 'id'")
        entries = []

    known = {p.id for p in reference.form_provisions}
    answers: dict[str, ProvisionAssessment] = {}
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or "id" not in entry:
            problems.append(f"{source}: entry {index} of 'provisions' has no 'id'")
            continue
        pid = entry["id"]
        if not isinstance(pid, str):
            # An unquoted 5.10 arrives as the float 5.1: never guess which one was meant.
            problems.append(
                f"{source}: entry {index}, field 'id': {pid!r} must be quoted text such as "
                f'"5.10" (unquoted, YAML reads 5.10 as the number 5.1)'
            )
            continue
        pid = pid.strip()
        prefix = f"{source}: provision {pid}"
        if pid in INFORMATION_ONLY:
            problems.append(
                f"{prefix}: is an introductory statement, not part of the self-assessment form; "
                "remove it"
            )
            continue
        if pid not in known:
            problems.append(f"{prefix}: unknown provision id (the Code 2024 has 1.2 to 9.8)")
            continue
        if pid in answers:
            problems.append(f"{prefix}: appears more than once")
            continue
        try:
            answer = ProvisionAssessment.model_validate({**entry, "id": pid})
        except ValidationError as exc:
            problems.extend(_field_problem(prefix, e) for e in exc.errors())
            continue
        if not answer.complies and not (answer.commentary or answer.actions):
            problems.append(
                f"{prefix}, field 'commentary': a 'no' needs an explanation or planned actions"
            )
        answers[pid] = answer

    missing = [p.id for p in reference.form_provisions if p.id not in answers]
    # Provisions that failed validation are already reported; only list the truly absent ones.
    seen = {
        str(e.get("id")).strip()
        for e in entries
        if isinstance(e, dict) and isinstance(e.get("id"), str)
    }
    absent = [pid for pid in missing if pid not in seen]
    if absent:
        problems.append(f"{source}: provisions missing: {', '.join(absent)}")
    if problems:
        raise SelfAssessmentError(problems)
    ordered = {p.id: answers[p.id] for p in reference.form_provisions}
    return SelfAssessment(
        source=source,
        reporting_year=year,
        completed_by=str(raw.get("completed_by") or ""),
        approved_by=str(raw.get("approved_by") or ""),
        provisions=ordered,
    )


def load_self_assessment(path: Path, reference: CodeReference | None = None) -> SelfAssessment:
    """Read and validate a ``self_assessment.yaml`` file.

    Parameters
    ----------
    path
        The file.
    reference
        The Code's provisions; default the product's reference data.

    Returns
    -------
    SelfAssessment

    Raises
    ------
    SelfAssessmentError
        When the file is missing, is not YAML, or any entry is invalid (every problem listed).
    """
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise SelfAssessmentError([f"{path.name}: file not found ({path})"]) from exc
    except yaml.YAMLError as exc:
        raise SelfAssessmentError([f"{path.name}: not valid YAML: {exc}"]) from exc
    return parse_self_assessment(raw, source=path.name, reference=reference)


def find_self_assessment(workspace: Path, year: str) -> Path | None:
    """The self-assessment file for ``year`` in a workspace, or None when it has none.

    ``self_assessment_<year>.yaml`` wins; otherwise ``self_assessment.yaml`` applies when it names
    no ``reporting_year`` or names this one.
    """
    key = ReportingYear.parse(year).key
    workspace = Path(workspace)
    specific = workspace / f"self_assessment_{key}.yaml"
    if specific.is_file():
        return specific
    general = workspace / FILE_NAME
    if not general.is_file():
        return None
    try:
        raw = yaml.safe_load(general.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError:
        return general  # let load_self_assessment report the YAML error with its detail
    declared = raw.get("reporting_year") if isinstance(raw, dict) else None
    if declared is None:
        return general
    try:
        return general if ReportingYear.parse(str(declared)).key == key else None
    except ValueError:
        return general  # invalid year: reported by validation
