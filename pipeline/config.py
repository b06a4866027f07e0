"""Landlord workspace configuration (``landlord.yaml``), validated on load.

A wrong key or value raises :class:`ConfigError` naming the file, the key and what is allowed.
The shape follows design.md section 3: effective-dated policy versions with timescales per regime
and stage, the landlord's own extension rule, the escalation window, anonymous complaints and the
service areas outside the TSM count.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from pipeline.contact_details import shown_key
from pipeline.sources.canonical import ALLOWED_CODES
from pipeline.utils.yaml_text import check_expansion

Regime = Literal["eng", "sct"]
StockType = Literal["lcra", "lcho"]
ServiceArea = Literal["housing", "repairs", "asb_handling", "care", "heat_network", "other"]
# Separate policies a complaint can fall under instead of the complaints policy (seed 000 s4.1:
# STAIRs requests, data protection breaches, whistleblowing, insurance claims): the canonical codes
# of complaint.separate_policy, listed once in pipeline/sources/canonical.py.
SeparatePolicy = Literal[ALLOWED_CODES[("complaint", "separate_policy")]]

# Folder and file names a landlord id may not become: the output root's warehouse/ folder, the
# placeholder partition of an empty workspaces root, and names Windows reserves for devices.
RESERVED_KEYS = frozenset(
    {"warehouse", "none", "con", "prn", "aux", "nul"}
    | {f"com{n}" for n in range(1, 10)}
    | {f"lpt{n}" for n in range(1, 10)}
)
MAX_KEY_LENGTH = 60


class ConfigError(ValueError):
    """A workspace file is invalid; the message names the file, the key and what is allowed."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StageTimescale(_Strict):
    """Timescales of one complaint stage under one regime (working days)."""

    acknowledge_wd: int | None = Field(
        description="Acknowledgement limit in WD after receipt; null = no acknowledgement step",
        ge=0,
    )
    respond_wd: int = Field(description="Response limit in WD after the clock starts", ge=1)
    extension_wd: int | None = Field(
        description="Landlord's own extension cap in WD; null = no cap (management view)", ge=0
    )
    extension_cap_unless_extenuating: bool = Field(
        default=False,
        description="The cap may be exceeded in extenuating circumstances (seed 000): the "
        "management view then accepts any agreed extension",
    )
    clock_starts: Literal["acknowledgement", "receipt"] = Field(
        default="acknowledgement", description="Whether the response clock runs from ack or receipt"
    )


class RegimeTimescales(_Strict):
    stage_1: StageTimescale
    stage_2: StageTimescale


class EscalationWindow(_Strict):
    """How long a resident has to ask for stage 2.

    ``months_after_stage1_response``: N calendar months from the stage 1 response.
    ``months_after_first_known``: optional alternative (SPSO, seed 003): the window closes at the later
    of first_known + M months and stage 1 response + N months.
    """

    months_after_stage1_response: int = Field(ge=0)
    months_after_first_known: int | None = Field(default=None, ge=0)


def _months(n: int) -> str:
    return f"{n} month" + ("" if n == 1 else "s")


def describe_window(window: EscalationWindow | None) -> str:
    """A policy version's escalation window in words, e.g. ``6 months`` or ``none stated``."""
    if window is None:
        return "none stated"
    text = _months(window.months_after_stage1_response)
    if window.months_after_first_known is not None:
        text += f" (or {_months(window.months_after_first_known)} from first knowing, if later)"
    return text


class PolicyVersion(_Strict):
    effective_from: dt.date
    source: str = Field(
        default="",
        description="Policy document this version comes from (shown in the annual report's list "
        "of policy versions)",
    )
    timescales: dict[Regime, RegimeTimescales]
    escalation_window: EscalationWindow | None = Field(
        default=None,
        description="Time limit for asking for stage 2; null, {} or absent = the policy states "
        "none (no escalation is flagged late-requested, stage 1 resolutions are not provisional)",
    )
    complaint_time_limit_months: int | None = Field(
        default=None,
        ge=1,
        description="Months after first knowing of the issue within which a complaint should be "
        "raised (all five seed policies: 12); null = the policy states none. Complaints raised "
        "later (by first_known_date) are counted, accepted or refused (complaints_raised_late)",
    )
    anonymous_accepted: bool = Field(
        default=True,
        description="Anonymous complaints are handled under this version; when false they are "
        "excluded from every measure and counted with the refusals (excluded_n, reason anonymous)",
    )
    separate_policies: list[SeparatePolicy] = Field(
        default_factory=list,
        description="Complaints whose separate_policy is listed are handled under that separate "
        "policy from this version (seed 000: STAIRs): excluded from complaint measures, counted",
    )
    outside_tsm_service_areas: list[ServiceArea] = Field(default_factory=list)
    heat_network_rules_from: dt.date | None = Field(
        default=None,
        description="Date from which Ofgem heat-network rules (56 calendar days) apply",
    )
    heat_network_limit_days: int = 56

    @field_validator("escalation_window", mode="before")
    @classmethod
    def _empty_window_is_none(cls, value: Any) -> Any:
        # `escalation_window: {}` reads as "no window", like null or leaving the key out
        return None if value == {} else value


class StockRow(_Strict):
    year_end: dt.date
    stock_type: StockType
    country: Regime = "eng"
    units_owned: int = Field(ge=0)


class Closure(_Strict):
    date: dt.date
    # the last day of a closure of several days (a Christmas shutdown), inclusive: one entry
    # rather than one per day
    to: dt.date | None = None
    regimes: list[Regime] = Field(default_factory=lambda: ["eng", "sct"])
    reason: str = ""

    @field_validator("to")
    @classmethod
    def _not_before_the_first_day(cls, to: dt.date | None, info) -> dt.date | None:
        first = info.data.get("date")
        if to is not None and first is not None and to < first:
            raise ValueError(f"the last closed day ({to}) is before the first ({first})")
        return to

    @property
    def days(self) -> list[dt.date]:
        """Every closed day, the first to the last."""
        last = self.to or self.date
        return [self.date + dt.timedelta(n) for n in range((last - self.date).days + 1)]


class Retention(_Strict):
    rule: Literal["tenancy_end_plus_months", "closure_plus_years"] = "closure_plus_years"
    months: int | None = None
    years: int | None = 6


class Schedules(_Strict):
    monthly_refresh_day: int = Field(default=5, ge=1, le=28)
    committee: Literal["monthly", "quarterly", "none"] = Field(
        default="quarterly",
        description="How often the complaints committee (or senior managers) meets: the committee "
        "pack is produced for each month or each quarter",
    )
    committee_day_after_period: int = Field(default=10, ge=1, le=28)
    learning_summary: Literal["quarterly", "annual"] = Field(
        default="annual",
        description="How often the residents' learning summary is published: every quarter "
        "(seed 003 s26.5) as well as for the year, or for the year only",
    )
    annual_report_date: str = Field(default="06-30", pattern=r"^\d\d-\d\d$", description="MM-DD")
    returns_date: str = Field(default="05-31", pattern=r"^\d\d-\d\d$", description="MM-DD")


class Target(_Strict):
    """One of the landlord's own targets, shown in the committee pack with a red/amber/green status.

    ``better: higher`` (a timeliness rate, say): green at or above ``target``, amber at or above
    ``amber``, red below it. ``better: lower`` (overdue complaints): green at or below ``target``,
    amber at or below ``amber``, red above. The figure compared is the measure's displayed value
    (rounded half up), the one the reader sees.
    """

    measure: str = Field(
        pattern=r"^[A-Za-z0-9_]+$",
        description="Measure id from docs/measures.md, e.g. ack_in_time_1",
    )
    label: str = Field(
        default="",
        description="What the pack calls it; default the name the documents give the measure",
    )
    view: Literal["management", "regulator", "all"] | None = Field(
        default=None, description="management or regulator for measures with both views"
    )
    breakdown: str = Field(default="none", description="e.g. stock_type for CH01/CH02")
    breakdown_value: str = Field(default="all", description="e.g. lcra")
    target: float
    amber: float = Field(description="Limit of the amber band beyond the target; worse is red")
    better: Literal["higher", "lower"] = "higher"

    @model_validator(mode="after")
    def _amber_beyond_target(self) -> Target:
        if self.better == "higher" and self.amber > self.target:
            raise ValueError(
                f"target for {self.measure}: higher is better, so amber ({self.amber:g}) must be "
                f"at or below the target ({self.target:g})"
            )
        if self.better == "lower" and self.amber < self.target:
            raise ValueError(
                f"target for {self.measure}: lower is better, so amber ({self.amber:g}) must be "
                f"at or above the target ({self.target:g})"
            )
        return self


class ComplaintsContact(_Strict):
    """How residents complain to the landlord, printed in the residents' learning summary."""

    phone: str = ""
    email: str = ""
    web: str = ""
    post: str = ""
    in_person: str = Field(
        default="", description="e.g. 'your scheme manager or any member of staff'"
    )


class Thresholds(_Strict):
    exports_max_age_days: int = 45
    max_file_mb: int = 512
    max_columns: int = 500
    small_number_suppression: int = 5
    # A file with more of its rows quarantined than this (and at least 10) is flagged: usually a
    # mapping that does not fit the export (a date format, a code list), not bad data.
    max_quarantine_pct: float = Field(default=10.0, ge=0, le=100)
    # A file with more of its rows quarantined than this (and at least 10) cannot be trusted: the
    # run stops after the load, before any measure, return or document (the previous ones stay).
    # A mapping that no longer fits quarantines nearly every row; bad cells planted in many
    # columns quarantine half a file or more and the rest still counts. 100 never stops.
    stop_quarantine_pct: float = Field(default=90.0, ge=0, le=100)
    targets: list[Target] = Field(
        default_factory=list,
        description="The landlord's own performance targets, rated red/amber/green in the "
        "committee pack",
    )


class ComplaintPanel(_Strict):
    """A reproducible sample of closed complaints for a residents' complaint panel (seed 000 s10.1)."""

    sample_size: int = Field(
        default=10, ge=1, le=500, description="Complaints drawn per committee quarter"
    )
    seed: int = Field(
        default=0, description="Change it to draw a different (still reproducible) sample"
    )


def landlord_key(written: str) -> str:
    """The folder and file name of a landlord id as an organisation writes it.

    Accents are dropped, letters lowered and every run of other characters becomes one ``_``:
    ``"Housing 21"`` -> ``housing_21``, ``"LL-A"`` -> ``ll_a``, ``"Tŷ Glas"`` -> ``ty_glas``.
    Returns ``""`` when nothing usable is left.
    """
    ascii_text = unicodedata.normalize("NFKD", written).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


class Landlord(_Strict):
    """The whole of ``landlord.yaml``."""

    landlord_id: str = Field(
        description="The landlord's id as the organisation writes it ('Housing 21', 'LL-A'); it is "
        "stored as its safe folder and file name (housing_21, ll_a), which the workspace folder "
        "must be called"
    )
    name: str
    rsh_registration: str | None = Field(default=None, description="RSH registration number")
    regimes: list[Regime]
    business_streams: dict[str, list[str]] = Field(
        default_factory=dict, description="Business stream name -> schemes in it"
    )
    managing_agents: list[str] = Field(default_factory=list)
    stock: list[StockRow]
    closures: list[Closure] = Field(default_factory=list)
    policy_versions: list[PolicyVersion] = Field(min_length=1)
    tsm_summary_of_approach: str = Field(
        default="",
        description="Summary of approach for the TSM return (survey method, sample, timing); "
        "required with English stock (regime eng): a Scottish-only landlord has no TSM return",
    )
    tp09_population: dict[StockType, int] = Field(
        default_factory=dict, description="Homes surveyed from, per stock type (for the FPC)"
    )
    data_cut_date: dt.date | None = Field(
        default=None,
        description="Date the exports were taken; default today. Dates after it are quarantined",
    )
    complainant_survey: Literal["every_complainant", "monthly_sample", "none"] = "none"
    complaints_contact: ComplaintsContact = Field(
        default_factory=ComplaintsContact,
        description="How to complain to the landlord (residents' learning summary)",
    )
    retention: Retention = Field(default_factory=Retention)
    schedules: Schedules = Field(default_factory=Schedules)
    thresholds: Thresholds = Field(default_factory=Thresholds)
    self_assessment_deadline: str | None = Field(
        default=None, description="MM-DD; default 09-30 for > 1,000 homes, else six months after"
    )
    complaint_panel: ComplaintPanel | None = Field(
        default=None,
        description="Draw a sample of each quarter's closed complaints for a residents' complaint "
        "panel, written beside the committee pack (panel_sample.csv); absent = no sample",
    )
    glossary: dict[str, str] = Field(
        default_factory=dict,
        description="The landlord's own abbreviations and terms (HR, Extra Care) and what each "
        "means: a document that uses one explains it in its glossary (WCAG 3.1.4)",
    )

    # the id as written in landlord.yaml, for messages ('Housing 21' is stored as housing_21)
    _written_id: str | None = PrivateAttr(default=None)

    @property
    def written_id(self) -> str:
        """``landlord_id`` as landlord.yaml spells it (before it became a folder name)."""
        return self._written_id or self.landlord_id

    @model_validator(mode="wrap")
    @classmethod
    def _keep_written_id(cls, data: Any, handler: Any) -> Landlord:
        written = data.get("landlord_id") if isinstance(data, dict) else None
        landlord = handler(data)
        if isinstance(written, str):
            landlord._written_id = written
        return landlord

    @model_validator(mode="before")
    @classmethod
    def _stock_country_from_one_regime(cls, data: Any) -> Any:
        # A Scottish-only landlord's stock rows without `country` were English homes (the
        # default): its TSM return was written, with CH01 0.0 per 1,000 of its Scottish homes.
        # As for a complaint's regime, one regime listed is the default country.
        if not isinstance(data, dict) or not isinstance(data.get("stock"), list):
            return data
        regimes = data.get("regimes")
        if not (isinstance(regimes, list) and len(regimes) == 1 and regimes[0] in get_args(Regime)):
            return data
        stock = [
            {**row, "country": regimes[0]}
            if isinstance(row, dict) and "country" not in row
            else row
            for row in data["stock"]
        ]
        return {**data, "stock": stock}

    @field_validator("landlord_id", mode="before")
    @classmethod
    def _safe_folder_name(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value  # pydantic reports the wrong type
        key = landlord_key(value)
        if not key:
            raise ValueError(
                f"'{value}' has no letters or digits to name the workspace folder and files "
                "after: write it with letters and digits, e.g. landlord_id: housing_21"
            )
        if len(key) > MAX_KEY_LENGTH:
            raise ValueError(
                f"'{value}' gives a folder name of {len(key)} characters (at most "
                f"{MAX_KEY_LENGTH}): use a short form, e.g. landlord_id: {key[:20].strip('_')}"
            )
        if key in RESERVED_KEYS:
            raise ValueError(
                f"'{value}' gives the folder name '{key}', which is reserved (the output folder "
                f"'warehouse', the placeholder 'none' and Windows device names): choose another, "
                f"e.g. landlord_id: {key}_homes"
            )
        return key

    @field_validator("glossary")
    @classmethod
    def _glossary_terms(cls, glossary: dict[str, str]) -> dict[str, str]:
        from pipeline.reporting.labels import GLOSSARY

        cleaned = {}
        for term, meaning in glossary.items():
            term, meaning = str(term).strip(), " ".join(str(meaning or "").split())
            if not term or len(term) > 40 or ":" in term:
                raise ValueError(
                    f"glossary term '{term[:40]}' must be 1 to 40 characters without a colon, "
                    "e.g. HR: Human resources"
                )
            if not meaning:
                raise ValueError(f"glossary term '{term}' has no meaning: write what it stands for")
            if term not in GLOSSARY:
                # the product's definition stands: a term a later version adds to its glossary
                # must not stop the landlord's runs
                cleaned[term] = meaning
        return cleaned

    @field_validator("business_streams")
    @classmethod
    def _scheme_in_one_stream(cls, streams: dict[str, list[str]]) -> dict[str, list[str]]:
        seen: dict[str, str] = {}
        for stream, schemes in streams.items():
            for scheme in schemes:
                if scheme in seen:
                    raise ValueError(
                        f"scheme '{scheme}' is in two business streams ('{seen[scheme]}' and "
                        f"'{stream}'): list each scheme under one stream"
                    )
                seen[scheme] = stream
        return streams

    @model_validator(mode="after")
    def _one_stock_row_each(self) -> Landlord:
        seen: set[tuple] = set()
        for index, row in enumerate(self.stock):
            key = (row.year_end, row.stock_type, row.country)
            if key in seen:
                raise ValueError(
                    f"stock.{index} repeats year_end {row.year_end.isoformat()}, stock_type "
                    f"{row.stock_type}, country {row.country}: each year end, stock type and "
                    "country has one row of units owned; delete or correct the repeat"
                )
            seen.add(key)
        for index, row in enumerate(self.stock):
            if (row.year_end.month, row.year_end.day) != (3, 31):
                raise ValueError(
                    f"stock.{index}.year_end {row.year_end.isoformat()} is not a 31 March: stock "
                    "is the units owned at the end of a reporting year (e.g. 2025-03-31)"
                )
        return self

    def stock_year_ends(self) -> set[dt.date]:
        """Year ends (31 March) with at least one row of units owned."""
        return {row.year_end for row in self.stock}

    def stock_year_end_for(
        self, year_start: dt.date, year_end: dt.date, cut: dt.date
    ) -> dt.date | None:
        """The year end whose units owned a reporting year's rates per 1,000 homes divide by.

        The year's own end when landlord.yaml has stock there; for a year the data cut falls in
        (its count is not taken until the year ends), the previous year end's when it has some,
        so the year's committee packs can be produced; else None (CH01 has no denominator). The
        same rule as ``stock_year`` in :mod:`pipeline.measures`.
        """
        ends = self.stock_year_ends()
        if year_end in ends:
            return year_end
        previous = year_start - dt.timedelta(days=1)
        if year_start <= cut < year_end and previous in ends:
            return previous
        return None

    @model_validator(mode="after")
    def _summary_for_the_tsm_return(self) -> Landlord:
        if "eng" in self.regimes and not self.tsm_summary_of_approach.strip():
            raise ValueError(
                "tsm_summary_of_approach is required for a landlord with English stock (regime "
                "eng): write the TSM survey's summary of approach (method, sample, timing, "
                "weighting) that goes into the TSM return"
            )
        return self

    @model_validator(mode="after")
    def _versions_cover_regimes(self) -> Landlord:
        dates = [v.effective_from for v in self.policy_versions]
        if dates != sorted(dates) or len(set(dates)) != len(dates):
            raise ValueError("policy_versions must be in strictly increasing effective_from order")
        for version in self.policy_versions:
            missing = set(self.regimes) - set(version.timescales)
            if missing:
                raise ValueError(
                    f"policy version {version.effective_from} has no timescales for {sorted(missing)}"
                )
        return self


# Placeholders for a dict's keys in key paths (docs/landlord.md): timescales.<regime>.stage_1 ...
_KEY_PLACEHOLDERS = {Regime: "<regime>", StockType: "<stock_type>"}


def key_paths(model: type[BaseModel] | None = None, prefix: str = "") -> list[str]:
    """Every key landlord.yaml can hold, as dotted paths (``[]`` for a list item, ``<regime>``
    for a dict key), in declaration order: ``stock[].units_owned``,
    ``policy_versions[].timescales.<regime>.stage_1.respond_wd``.

    docs/landlord.md documents exactly these; tests hold the two together.
    """
    paths = []
    for name, field in (model or Landlord).model_fields.items():
        path = f"{prefix}{name}"
        paths.append(path)
        paths += _nested_paths(field.annotation, path)
    return paths


def _nested_paths(annotation: Any, path: str) -> list[str]:
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, UnionType):
        return [p for arg in args if arg is not type(None) for p in _nested_paths(arg, path)]
    if origin is list:
        return _nested_paths(args[0], f"{path}[]")
    if origin is dict:
        placeholder = _KEY_PLACEHOLDERS.get(args[0], "<name>")
        return _nested_paths(args[1], f"{path}.{placeholder}")
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return key_paths(annotation, f"{path}.")
    return []


_INPUT_VALUE = re.compile(r"input_value=.*?, input_type=", re.S)


def without_input_values(message: str) -> str:
    """An error message with the values pydantic's own text quotes (``input_value=...``) left
    out: an error raised where no problem text was written (a crash's message printed on the
    console, a worker's log) may otherwise print a resident's details typed in a file."""
    return _INPUT_VALUE.sub("input_value=(not shown), input_type=", message)


def _describe(error: dict) -> str:
    # A key typed by mistake is quoted, unless it reads as a resident's details (the value never
    # is: pydantic's msg leaves it out, and str(exc) is never used)
    key = shown_key(error["loc"])
    if error["type"] == "extra_forbidden":
        return f"key '{key}' is not allowed here"
    if error["type"] == "list_type":
        return (
            f"key '{key}': expects a list ([\"a\", \"b\"], or lines starting '- ' below it), "
            "even of one item"
        )
    if error["type"] in ("model_type", "dict_type"):
        # pydantic says "a valid dictionary or instance of EscalationWindow": a class name
        return (
            f"key '{key}': expects keys of its own ({{key: value, ...}}, or indented lines "
            "below it), not a single value or a list; the keys are in docs/landlord.md "
            "(landlord.yaml) and docs/mapping.md (mappings)"
        )
    allowed = error.get("ctx", {}).get("expected")
    detail = f" (allowed: {allowed})" if allowed else ""
    # A validator's own message already says what to do; pydantic prefixes it "Value error, ".
    message = error["msg"].removeprefix("Value error, ")
    if error["type"].startswith(("date_", "datetime_")):
        detail += "; write a real calendar date as YYYY-MM-DD (e.g. 2025-02-28)"
    return f"key '{key}': {message}{detail}" if key else f"{message}{detail}"


class _TextDatesLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """YAML's safe loader (libyaml's, when PyYAML has it: several times faster), with dates left
    as text for the models to parse.

    PyYAML turns ``2025-02-30`` into a date while it reads the file, so an impossible date
    raised a bare ``ValueError`` naming no file or key; as text, the model's own date check
    reports it with the key (``data_cut_date``, ``closures.0.date``).
    """


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def yaml_problem(exc: yaml.YAMLError) -> str:
    """What is wrong with a YAML file, by line and column, never quoting the line: PyYAML's own
    message prints the line with a caret under the fault, and a people-written file (a
    self-assessment's commentary) may name a resident there."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or "not valid YAML"
    return f"not valid YAML{where}: {problem}; check the indentation, quotes and brackets there"


def load_yaml_model(path: Path, model: type[BaseModel]) -> BaseModel:
    """Read a YAML file into ``model``, raising :class:`ConfigError` with file and key on failure."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: is not UTF-8 text (byte {exc.start} is not UTF-8); save it as UTF-8"
        ) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        raw = yaml.load(text, Loader=_TextDatesLoader)  # noqa: S506 - a SafeLoader subclass
        check_expansion(raw)
    except yaml.MarkedYAMLError as exc:
        raise ConfigError(f"{path}: {yaml_problem(exc)}") from None
    except (yaml.YAMLError, ValueError) as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    try:
        return model.model_validate(raw if raw is not None else {})
    except ValidationError as exc:
        problems = "; ".join(_describe(e) for e in exc.errors())
        raise ConfigError(f"{path}: {problems}") from None


def load_landlord(workspace: Path) -> Landlord:
    """Load and validate ``<workspace>/landlord.yaml``."""
    return load_yaml_model(Path(workspace) / "landlord.yaml", Landlord)  # type: ignore[return-value]
