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

Each year's answers live in ``annual_report/<year>/self_assessment.yaml`` (docs/governance.md);
``self_assessment_<year>.yaml`` or a ``self_assessment.yaml`` naming that ``reporting_year`` at the
workspace root are read too. A file that names no year applies to no year: answers are never reused
silently. A year may instead carry the previous year's answers, marked so::

    reporting_year: "2024-25"
    carried_from: "2023-24"          # must be the year before
    completed_on: 2025-06-12         # when the carried answers were reconfirmed
    approved_by: "Complaints Committee"
    reason: "No change to the policy or procedures since the 2023-24 assessment."

The report then says the answers were carried, from which year, when and by whom they were reconfirmed.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pipeline.config import ConfigError, yaml_problem
from pipeline.contact_details import OwnContact, shown_key, withheld_problem, withhold
from pipeline.periods import ReportingYear
from pipeline.self_assessment.reference import INFORMATION_ONLY, CodeReference, load_provisions
from pipeline.utils.yaml_text import safe_load

FILE_NAME = "self_assessment.yaml"

# A value quoted back in a problem: one short word or a number, date or provision id ('maybe',
# 2025-02-30, 5.16). Anything else (a note with a name or a phone number typed into 'comply' or a
# date) is described by its shape, as the ingest does: messages never carry personal data.
_QUOTABLE = re.compile(r"[A-Za-z]{1,12}|[0-9][0-9./-]{0,11}")


def _shown(value: Any) -> str:
    """``value`` as a problem message may quote it: itself when short and plain, else its shape."""
    text = str(value).strip()
    if isinstance(value, bool | int | float | dt.date) or _QUOTABLE.fullmatch(text):
        return repr(value)
    return f"a text of {len(text)} characters"


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
        raise ValueError(f"{_shown(value)} is not a date (YYYY-MM-DD)")


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
        raise ValueError(f"{_shown(value)} is not one of yes/no")

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
    completed_on: dt.date | None = None
    provisions: dict[str, ProvisionAssessment]
    carried_from: str | None = Field(
        default=None, description="The earlier year whose answers this year carries (marked so)"
    )
    carried_reason: str = ""
    answers_completed_on: dt.date | None = Field(
        default=None, description="When the carried answers were first completed"
    )
    withheld: tuple[str, ...] = Field(
        default=(),
        description="Where a resident's contact details were withheld (data-quality lines)",
    )

    def answer(self, provision_id: str) -> ProvisionAssessment:
        return self.provisions[provision_id]


_TOP_LEVEL = {"reporting_year", "completed_by", "approved_by", "completed_on", "provisions"}
_CARRIED_TOP_LEVEL = {
    "reporting_year",
    "carried_from",
    "completed_by",
    "approved_by",
    "completed_on",
    "reason",
}
ANNUAL_FOLDER = "annual_report"


def _date_value(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{_shown(value)} is not a date (YYYY-MM-DD)")


def _field_problem(prefix: str, error: dict) -> str:
    """One pydantic error as 'provision X, field 'f': what is wrong'."""
    # a key typed by mistake is quoted, unless it reads as a resident's details
    loc = [shown_key([part]) for part in error["loc"]]
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


def _withhold_contact_details(
    answer: ProvisionAssessment, prefix: str, own: OwnContact
) -> tuple[ProvisionAssessment, list[str]]:
    """``answer`` with a resident's contact details in its evidence, commentary and actions
    withheld (:mod:`pipeline.contact_details`: every document prints them), and where."""
    problems = []

    def text(value: str, field: str) -> str:
        value, count = withhold(value, own)
        if count:
            problems.append(withheld_problem(f"{prefix}, field '{field}'", count))
        return value

    evidence = [withhold(item, own) for item in answer.evidence]
    if sum(count for _, count in evidence):
        problems.append(
            withheld_problem(f"{prefix}, field 'evidence'", sum(c for _, c in evidence))
        )
    commentary = text(answer.commentary, "commentary")
    actions = [(withhold(a.what, own), withhold(a.owner, own)) for a in answer.actions]
    if sum(w[1] + o[1] for w, o in actions):
        problems.append(
            withheld_problem(f"{prefix}, field 'actions'", sum(w[1] + o[1] for w, o in actions))
        )
    if not problems:
        return answer, []
    return answer.model_copy(
        update={
            "evidence": [item for item, _ in evidence],
            "commentary": commentary,
            "actions": [
                a.model_copy(update={"what": w[0], "owner": o[0]})
                for a, (w, o) in zip(answer.actions, actions, strict=True)
            ],
        }
    ), problems


def _withhold_key(raw: dict, key: str, source: str, own: OwnContact, withheld: list[str]) -> str:
    """A top-level text (who completed or approved it, why answers are carried), printed on the
    self-assessment's first page: a resident's details typed there are withheld as in answers."""
    text, count = withhold(str(raw.get(key) or "").strip(), own)
    if count:
        withheld.append(withheld_problem(f"{source}: key '{key}'", count))
    return text


def _provision_order(line: str, reference: CodeReference) -> int:
    ids = [p.id for p in reference.form_provisions]
    found = re.search(r"provision ([0-9.]+),", line)
    return ids.index(found.group(1)) if found and found.group(1) in ids else len(ids)


def parse_self_assessment(
    raw: Any,
    source: str = FILE_NAME,
    reference: CodeReference | None = None,
    own: OwnContact | None = None,
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
            f"{source}: key '{shown_key([key])}' is not allowed here "
            f"(allowed: {sorted(_TOP_LEVEL)})"
        )
    year = raw.get("reporting_year")
    if year is not None:
        try:
            year = ReportingYear.parse(str(year)).key
        except ValueError as exc:
            problems.append(f"{source}: key 'reporting_year': {exc}")
    completed_on = None
    try:
        completed_on = _date_value(raw.get("completed_on"))
    except ValueError as exc:
        problems.append(f"{source}: key 'completed_on': {exc}")
    entries = raw.get("provisions")
    if not isinstance(entries, list):
        problems.append(f"{source}: key 'provisions' must be a list of entries with an 'id'")
        entries = []

    known = {p.id for p in reference.form_provisions}
    answers: dict[str, ProvisionAssessment] = {}
    withheld: list[str] = []
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or "id" not in entry:
            problems.append(f"{source}: entry {index} of 'provisions' has no 'id'")
            continue
        pid = entry["id"]
        if not isinstance(pid, str):
            # An unquoted 5.10 arrives as the float 5.1: never guess which one was meant.
            problems.append(
                f"{source}: entry {index}, field 'id': {_shown(pid)} must be quoted text such as "
                f'"5.10" (unquoted, YAML reads 5.10 as the number 5.1)'
            )
            continue
        pid = pid.strip()
        if _QUOTABLE.fullmatch(pid):
            prefix = f"{source}: provision {pid}"
        else:
            prefix = f"{source}: entry {index} of 'provisions', id {_shown(pid)}"
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
        answer, found = _withhold_contact_details(answer, prefix, own or OwnContact())
        withheld += found
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
    own = own or OwnContact()
    completed_by = _withhold_key(raw, "completed_by", source, own, withheld)
    approved_by = _withhold_key(raw, "approved_by", source, own, withheld)
    return SelfAssessment(
        source=source,
        reporting_year=year,
        completed_by=completed_by,
        approved_by=approved_by,
        completed_on=completed_on,
        provisions=ordered,
        withheld=tuple(sorted(withheld, key=lambda w: _provision_order(w, reference))),
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
        raw = safe_load(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise SelfAssessmentError([f"{path.name}: file not found ({path})"]) from exc
    except yaml.YAMLError as exc:
        raise SelfAssessmentError([f"{path.name}: {yaml_problem(exc)}"]) from None
    return parse_self_assessment(raw, source=path.name, reference=reference)


def year_folder(workspace: Path, year: str) -> Path:
    """``<workspace>/annual_report/<year>/``: the year's self-assessment, board response, narrative
    and other reports (docs/governance.md)."""
    return Path(workspace) / ANNUAL_FOLDER / ReportingYear.parse(year).key


def find_self_assessment(workspace: Path, year: str) -> Path | None:
    """The self-assessment file for ``year`` in a workspace, or None when it has none.

    ``annual_report/<year>/self_assessment.yaml`` wins, then ``self_assessment_<year>.yaml``, then
    ``self_assessment.yaml`` when it names this ``reporting_year``. A root file naming no year is
    used for no year (see :func:`unassigned_self_assessment`): answers are never reused silently.
    """
    key = ReportingYear.parse(year).key
    workspace = Path(workspace)
    for specific in (
        year_folder(workspace, key) / FILE_NAME,
        workspace / f"self_assessment_{key}.yaml",
    ):
        if specific.is_file():
            return specific
    general = workspace / FILE_NAME
    if not general.is_file():
        return None
    try:
        raw = safe_load(general.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError:
        return general  # let load_self_assessment report the YAML error with its detail
    declared = raw.get("reporting_year") if isinstance(raw, dict) else None
    if declared is None:
        return None
    try:
        return general if ReportingYear.parse(str(declared)).key == key else None
    except ValueError:
        return general  # invalid year: reported by validation


def unassigned_self_assessment(workspace: Path) -> Path | None:
    """A root ``self_assessment.yaml`` that names no ``reporting_year`` (used for no year)."""
    general = Path(workspace) / FILE_NAME
    if not general.is_file():
        return None
    try:
        raw = safe_load(general.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError:
        return None
    return general if isinstance(raw, dict) and raw.get("reporting_year") is None else None


def _carried(raw: dict, source: str, key: str) -> tuple[str, list[str]]:
    """Validate a carried file's keys; returns the year carried from and the problems."""
    problems = [
        f"{source}: key '{shown_key([k])}' is not allowed in a carried self-assessment "
        f"(allowed: {sorted(_CARRIED_TOP_LEVEL)}); give either answers or carried_from"
        for k in sorted(set(raw) - _CARRIED_TOP_LEVEL, key=str)
    ]
    year = ReportingYear.parse(key)
    try:
        carried_from = ReportingYear.parse(str(raw["carried_from"])).key
    except ValueError as exc:
        return "", [*problems, f"{source}: key 'carried_from': {exc}"]
    if carried_from != year.previous.key:
        problems.append(
            f"{source}: key 'carried_from': {carried_from} is not the year before {year.key} "
            f"(answers may be carried from {year.previous.key} only)"
        )
    try:
        if _date_value(raw.get("completed_on")) is None:
            problems.append(
                f"{source}: key 'completed_on': is missing (the date the carried answers "
                "were reconfirmed)"
            )
    except ValueError as exc:
        problems.append(f"{source}: key 'completed_on': {exc}")
    if not str(raw.get("approved_by") or raw.get("completed_by") or "").strip():
        problems.append(f"{source}: key 'approved_by': is missing (who reconfirmed the answers)")
    return carried_from, problems


def load_year_assessment(
    workspace: Path, year: str, reference: CodeReference | None = None, _depth: int = 0
) -> SelfAssessment | None:
    """The self-assessment answers for ``year``, following a marked carry from the year before.

    Parameters
    ----------
    workspace
        The landlord workspace.
    year
        Reporting year, e.g. ``"2024-25"``.
    reference
        The Code's provisions; default the product's reference data.

    Returns
    -------
    SelfAssessment or None
        None when the workspace has no self-assessment for the year. A carried year returns the
        earlier year's answers with ``carried_from``, ``carried_reason``, ``completed_on`` (the
        reconfirmation) and ``answers_completed_on`` (when the answers were written) set.

    Raises
    ------
    SelfAssessmentError
        The file is invalid, or it carries answers from a year that is not the one before or that
        has none.
    """
    key = ReportingYear.parse(year).key
    path = find_self_assessment(workspace, key)
    if path is None:
        return None
    try:
        raw = safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as exc:
        raise SelfAssessmentError([f"{path.name}: {yaml_problem(exc)}"]) from None
    source = str(path.relative_to(workspace)) if path.is_relative_to(workspace) else path.name
    if not (isinstance(raw, dict) and "carried_from" in raw):
        own = OwnContact.of(workspace)
        return parse_self_assessment(raw, source=source, reference=reference, own=own)
    carried_from, problems = _carried(raw, source, key)
    if problems:
        raise SelfAssessmentError(problems)
    earlier = (
        None
        if _depth > 20
        else load_year_assessment(workspace, carried_from, reference, _depth + 1)
    )
    if earlier is None:
        raise SelfAssessmentError(
            [
                f"{source}: key 'carried_from': the workspace has no self-assessment for {carried_from}"
            ]
        )
    own = OwnContact.of(workspace)
    withheld: list[str] = []
    reason = _withhold_key(raw, "reason", source, own, withheld)
    approved_by = _withhold_key(raw, "approved_by", source, own, withheld)
    completed_by = _withhold_key(raw, "completed_by", source, own, withheld)
    return earlier.model_copy(
        update={
            "source": source,
            "reporting_year": key,
            "carried_from": carried_from,
            "carried_reason": reason,
            "completed_on": _date_value(raw.get("completed_on")),
            "approved_by": approved_by or earlier.approved_by,
            "completed_by": completed_by or earlier.completed_by,
            "answers_completed_on": earlier.answers_completed_on or earlier.completed_on,
            # the carried answers' own lines name the earlier file, where they were withheld
            "withheld": (*earlier.withheld, *withheld),
        }
    )
