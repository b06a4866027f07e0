"""People-written inputs of each year's annual complaints report (the Code's section 8), per year.

Each reporting year has a folder in the landlord workspace (docs/governance.md)::

    annual_report/2024-25/
        self_assessment.yaml   # the year's Code self-assessment (pipeline.self_assessment)
        board_response.md      # the governing body's response: front matter + markdown
        narrative.md           # the analyst's commentary shown beside the generated text
        other_reports.yaml     # other relevant reports (Ombudsman, scrutiny, audit) for the year

``board_response.md`` starts with a front matter block naming when and by whom it was given::

    ---
    date: 2025-09-18
    role: Chair of the Board and Member Responsible for Complaints
    ---
    The Board has considered ...

A year may carry the previous year's response only when it says so (``carried_from: 2023-24`` in the
front matter, and a body left empty or repeated); a text identical to another year's response that
is not marked carried is reported as a problem, never reused silently. ``narrative.md`` is plain
markdown (an optional front matter may name ``written_by``). ``other_reports.yaml`` is a list of
``{title, published, by, summary, link}``.

Nothing here renders HTML: :mod:`pipeline.reporting.section8` does, through the safe markdown
renderer (raw HTML escaped, only http(s)/mailto links kept:
:mod:`pipeline.reporting.landlord_markdown`). What that renderer cannot show as written (an
image, HTML tags, a link without words, an abbreviation no glossary explains) is a problem here,
named by file and line only (:func:`~pipeline.reporting.landlord_markdown.markdown_problems`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pipeline.contact_details import OwnContact, shown_key, withheld_problem, withhold
from pipeline.periods import ReportingYear
from pipeline.reporting.labels import GLOSSARY
from pipeline.reporting.landlord_markdown import markdown_problems
from pipeline.self_assessment.model import ANNUAL_FOLDER, year_folder
from pipeline.utils.yaml_text import safe_load

BOARD_RESPONSE = "board_response.md"
NARRATIVE = "narrative.md"
OTHER_REPORTS = "other_reports.yaml"

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)


def withhold_contact_details(
    body: str, rel: str, first_line: int, own: OwnContact
) -> tuple[str, list[str]]:
    """``body`` with a resident's contact details withheld (:func:`pipeline.contact_details.
    withhold`), and one problem per line that had any (``rel``: the file, ``first_line``: the
    body's first line in it)."""
    lines = body.split("\n")
    problems = []
    for index, line in enumerate(lines):
        lines[index], count = withhold(line, own)
        if count:
            problems.append(withheld_problem(f"{rel}: line {first_line + index}", count))
    return "\n".join(lines), problems


def _first_line(text: str, body: str) -> int:
    """The line of ``text`` (a file) on which its ``body`` (after the front matter) starts."""
    return text[: len(text) - len(body)].count("\n") + 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BoardMeta(_Strict):
    """The front matter of ``board_response.md``."""

    date: dt.date = Field(description="When the governing body gave its response")
    role: str = Field(min_length=1, description="Who gave it: a role, e.g. Chair of the Board")
    meeting: str = Field(default="", description="The meeting, e.g. Board, 18 September 2025")
    carried_from: str | None = Field(
        default=None, description="The year whose response this year carries, marked so"
    )

    @field_validator("role", "meeting", mode="before")
    @classmethod
    def _text(cls, value):
        return value.strip() if isinstance(value, str) else value

    @field_validator("carried_from", mode="before")
    @classmethod
    def _year(cls, value):
        return None if value is None else ReportingYear.parse(str(value)).key


class NarrativeMeta(_Strict):
    written_by: str = ""


class OtherReport(_Strict):
    """One entry of ``other_reports.yaml``."""

    title: str = Field(min_length=1)
    published: dt.date | None = None
    by: str = Field(default="", description="Who produced it, e.g. Housing Ombudsman")
    summary: str = ""
    link: str = Field(default="", description="http(s) link or a file name beside the report")


@dataclass
class BoardResponse:
    """A year's board response: the markdown body and who gave it when."""

    year: str
    body: str
    meta: BoardMeta
    source: str
    carried_from: str | None = None
    identical_to: list[str] = field(default_factory=list)  # unmarked copies of other years
    wording: list[str] = field(default_factory=list)  # what the report cannot show as written


@dataclass
class YearInputs:
    """Everything people wrote for one year's report, and every problem found reading it."""

    year: str
    folder: Path
    board: BoardResponse | None = None
    narrative: str | None = None
    narrative_by: str = ""
    other_reports: list[OtherReport] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # the problems of the markdown's wording the report cannot show as written (an image, HTML
    # tags, a link, an abbreviation): also in ``problems``, and printed by the run as warnings
    wording: list[str] = field(default_factory=list)


def split_front_matter(text: str) -> tuple[dict | None, str]:
    """``(front matter mapping or None, body)``; raises ValueError when the block is not YAML."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return None, text
    try:
        meta = safe_load(match.group(1))
    except yaml.YAMLError as exc:
        raise ValueError(f"the front matter is not valid YAML ({exc.__class__.__name__})") from exc
    if meta is not None and not isinstance(meta, dict):
        raise ValueError("the front matter must be 'key: value' lines")
    return meta or {}, text[match.end() :]


def _normalised(body: str) -> str:
    return re.sub(r"\s+", " ", body).strip()


def _problem_text(error: dict) -> str:
    # a key typed by mistake is quoted, unless it reads as a resident's details
    where = shown_key(error["loc"]) or "front matter"
    if error["type"] == "missing":
        return f"'{where}' is missing"
    if error["type"] == "extra_forbidden":
        return f"'{where}' is not a known key"
    return f"'{where}': {error['msg'].removeprefix('Value error, ')}"


def _read_board(
    folder: Path,
    key: str,
    rel: str,
    own: OwnContact | None = None,
    known: frozenset[str] | None = None,
) -> tuple[BoardResponse | None, list[str]]:
    path = folder / BOARD_RESPONSE
    if not path.is_file():
        return None, []
    try:
        text = path.read_text(encoding="utf-8-sig")
        meta, body = split_front_matter(text)
    except ValueError as exc:
        return None, [f"{rel}: {exc}"]
    body, withheld = withhold_contact_details(
        body, rel, _first_line(text, body), own or OwnContact()
    )
    wording = markdown_problems(body, rel, _first_line(text, body), known or ())
    if meta is None:
        return None, [
            f"{rel}: has no front matter naming the date and the role of whoever gave the "
            "response (--- date: YYYY-MM-DD / role: ... --- at the top)"
        ]
    try:
        parsed = BoardMeta.model_validate(meta)
    except ValidationError as exc:
        return None, [f"{rel}: front matter {_problem_text(e)}" for e in exc.errors()]
    if parsed.carried_from is None and not body.strip():
        return None, [f"{rel}: the response is empty"]
    # who gave it and at which meeting head the printed response: screened as its body is
    update = {}
    for name in ("role", "meeting"):
        update[name], count = withhold(getattr(parsed, name), own or OwnContact())
        if count:
            withheld.append(withheld_problem(f"{rel}: front matter '{name}'", count))
    parsed = parsed.model_copy(update=update)
    board = BoardResponse(key, body, parsed, rel, carried_from=parsed.carried_from)
    board.wording = wording
    return board, withheld


def _read_other_reports(
    folder: Path, rel: str, own: OwnContact | None = None
) -> tuple[list[OtherReport], list[str]]:
    path = folder / OTHER_REPORTS
    if not path.is_file():
        return [], []
    try:
        raw = safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as exc:
        return [], [f"{rel}: not valid YAML ({exc.__class__.__name__})"]
    if raw is None:
        return [], []
    entries = raw.get("reports") if isinstance(raw, dict) else raw
    if not isinstance(entries, list):
        return [], [f"{rel}: expected a list of reports (title, published, by, summary, link)"]
    reports, problems = [], []
    for index, entry in enumerate(entries, start=1):
        try:
            report = OtherReport.model_validate(entry)
        except ValidationError as exc:
            problems += [f"{rel}: report {index}, {_problem_text(e)}" for e in exc.errors()]
            continue
        update = {}
        for name in ("title", "by", "summary", "link"):
            update[name], count = withhold(getattr(report, name), own or OwnContact())
            if count:
                problems.append(withheld_problem(f"{rel}: report {index}, field '{name}'", count))
        reports.append(report.model_copy(update=update))
    return reports, problems


def known_terms(workspace: Path) -> frozenset[str]:
    """The terms a glossary explains for this landlord: the product's and landlord.yaml
    ``glossary``'s (read leniently: landlord.yaml's own problems are reported where it is
    loaded)."""
    terms = set(GLOSSARY) | {f"Q{n}" for n in range(1, 5)}
    try:
        raw = safe_load((workspace / "landlord.yaml").read_text(encoding="utf-8-sig"))
        own = (raw or {}).get("glossary") or {}
        terms |= {str(term).strip() for term in own}
    except (OSError, ValueError, yaml.YAMLError, AttributeError, TypeError):
        pass
    return frozenset(terms)


def _read_year(workspace: Path, key: str) -> YearInputs:
    folder = year_folder(workspace, key)
    base = f"{ANNUAL_FOLDER}/{key}"
    inputs = YearInputs(key, folder)
    own = OwnContact.of(workspace)
    known = known_terms(workspace)
    inputs.board, problems = _read_board(folder, key, f"{base}/{BOARD_RESPONSE}", own, known)
    inputs.problems += problems
    inputs.wording += inputs.board.wording if inputs.board is not None else []
    narrative = folder / NARRATIVE
    if narrative.is_file():
        try:
            text = narrative.read_text(encoding="utf-8-sig")
            meta, body = split_front_matter(text)
            written_by = NarrativeMeta.model_validate(meta or {}).written_by
            inputs.narrative_by, count = withhold(written_by, own)
            if count:
                where = f"{base}/{NARRATIVE}: front matter 'written_by'"
                inputs.problems.append(withheld_problem(where, count))
            body, withheld = withhold_contact_details(
                body, f"{base}/{NARRATIVE}", _first_line(text, body), own
            )
            inputs.problems += withheld
            inputs.wording += markdown_problems(
                body, f"{base}/{NARRATIVE}", _first_line(text, body), known
            )
            inputs.narrative = body if body.strip() else None
        except ValidationError as exc:
            # Never str(exc): pydantic's text quotes the value (a name typed under a misspelt key).
            inputs.problems += [
                f"{base}/{NARRATIVE}: front matter {_problem_text(e)}" for e in exc.errors()
            ]
        except ValueError as exc:
            inputs.problems.append(f"{base}/{NARRATIVE}: front matter invalid ({exc})")
    inputs.other_reports, problems = _read_other_reports(folder, f"{base}/{OTHER_REPORTS}", own)
    inputs.problems += problems + inputs.wording
    return inputs


def wording_warnings(workspace: Path, years: list[str]) -> list[str]:
    """What the markdown of ``years`` (board responses, commentaries) holds that the annual
    report cannot show as written, by file and line: the run prints them as warnings."""
    loaded = load_years(Path(workspace), years)
    return [line for year in years for line in loaded[ReportingYear.parse(year).key].wording]


def workspace_years(workspace: Path) -> list[str]:
    """The reporting years with a folder under ``annual_report/``, in order."""
    root = Path(workspace) / ANNUAL_FOLDER
    if not root.is_dir():
        return []
    years = []
    for child in root.iterdir():
        try:
            if child.is_dir() and ReportingYear.parse(child.name).key == child.name:
                years.append(child.name)
        except ValueError:
            continue
    return sorted(years)


def load_years(workspace: Path, years: list[str] | None = None) -> dict[str, YearInputs]:
    """Every year's inputs, with carried responses resolved and unmarked copies found.

    Parameters
    ----------
    workspace
        The landlord workspace.
    years
        Years to include besides those with a folder (e.g. the years being reported).

    Returns
    -------
    dict
        Year key to :class:`YearInputs`. A response marked ``carried_from`` takes that year's text
        when its own body is empty; a carried response whose year has none is a problem. Two years
        whose texts are identical, neither marked as carried from the other, each list the other
        in ``identical_to`` and get a problem.
    """
    workspace = Path(workspace)
    keys = sorted({*workspace_years(workspace), *(ReportingYear.parse(y).key for y in years or [])})
    loaded = {key: _read_year(workspace, key) for key in keys}
    for key, inputs in loaded.items():
        board = inputs.board
        if board is None or board.carried_from is None:
            continue
        previous = ReportingYear.parse(key).previous.key
        source = loaded.get(board.carried_from) or _read_year(workspace, board.carried_from)
        if board.carried_from != previous:
            inputs.problems.append(
                f"{board.source}: carried_from {board.carried_from} is not the year before "
                f"{key} (a response may be carried from {previous} only)"
            )
            inputs.board = None
        elif source.board is None:
            inputs.problems.append(
                f"{board.source}: carried_from {board.carried_from}, but that year has no board "
                "response"
            )
            inputs.board = None
        elif not board.body.strip():
            board.body = source.board.body
    boards = {k: i.board for k, i in loaded.items() if i.board is not None}
    for key, board in boards.items():
        for other, theirs in boards.items():
            if other == key or _normalised(board.body) != _normalised(theirs.body):
                continue
            if board.carried_from == other or theirs.carried_from == key:
                continue
            board.identical_to.append(other)
        if board.identical_to:
            loaded[key].problems.append(
                f"{board.source}: the same text as the board response for "
                f"{', '.join(board.identical_to)}, not marked as carried (write this year's "
                "response, or add carried_from to its front matter)"
            )
    return loaded


def root_leftovers(workspace: Path) -> list[str]:
    """Problems for year-less files at the workspace root that no year uses."""
    from pipeline.self_assessment.model import unassigned_self_assessment

    workspace = Path(workspace)
    problems = []
    if (workspace / BOARD_RESPONSE).is_file():
        problems.append(
            f"{BOARD_RESPONSE} at the workspace root names no year and is not used: put each "
            f"year's response in {ANNUAL_FOLDER}/<year>/{BOARD_RESPONSE}"
        )
    if unassigned_self_assessment(workspace) is not None:
        problems.append(
            "self_assessment.yaml at the workspace root names no reporting_year and is used for "
            f"no year: move it to {ANNUAL_FOLDER}/<year>/self_assessment.yaml"
        )
    return problems
