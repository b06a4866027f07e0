"""Landlord workspace configuration (``landlord.yaml``), validated on load.

A wrong key or value raises :class:`ConfigError` naming the file, the key and what is allowed.
The shape follows design.md section 3: effective-dated policy versions with timescales per regime
and stage, the landlord's own extension rule, the escalation window, anonymous complaints and the
service areas outside the TSM count.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

Regime = Literal["eng", "sct"]
StockType = Literal["lcra", "lcho"]
ServiceArea = Literal["housing", "repairs", "asb_handling", "care", "heat_network", "other"]


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


class PolicyVersion(_Strict):
    effective_from: dt.date
    source: str = Field(default="", description="Policy document this version comes from")
    timescales: dict[Regime, RegimeTimescales]
    escalation_window: EscalationWindow
    anonymous_accepted: bool = True
    outside_tsm_service_areas: list[ServiceArea] = Field(default_factory=list)
    heat_network_rules_from: dt.date | None = Field(
        default=None,
        description="Date from which Ofgem heat-network rules (56 calendar days) apply",
    )
    heat_network_limit_days: int = 56


class StockRow(_Strict):
    year_end: dt.date
    stock_type: StockType
    country: Regime = "eng"
    units_owned: int = Field(ge=0)


class Closure(_Strict):
    date: dt.date
    regimes: list[Regime] = Field(default_factory=lambda: ["eng", "sct"])
    reason: str = ""


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
    label: str = Field(default="", description="What the pack calls it; default the measure id")
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
    targets: list[Target] = Field(
        default_factory=list,
        description="The landlord's own performance targets, rated red/amber/green in the "
        "committee pack",
    )


class Landlord(_Strict):
    """The whole of ``landlord.yaml``."""

    landlord_id: str = Field(pattern=r"^[a-z0-9_]+$")
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
        description="Summary of approach for the TSM return (survey method, sample, timing)"
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


def _describe(error: dict) -> str:
    key = ".".join(str(part) for part in error["loc"]) or "(top level)"
    if error["type"] == "extra_forbidden":
        return f"key '{key}' is not allowed here"
    allowed = error.get("ctx", {}).get("expected")
    detail = f" (allowed: {allowed})" if allowed else ""
    return f"key '{key}': {error['msg']}{detail}"


def load_yaml_model(path: Path, model: type[BaseModel]) -> BaseModel:
    """Read a YAML file into ``model``, raising :class:`ConfigError` with file and key on failure."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: file not found") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    try:
        return model.model_validate(raw if raw is not None else {})
    except ValidationError as exc:
        problems = "; ".join(_describe(e) for e in exc.errors())
        raise ConfigError(f"{path}: {problems}") from exc


def load_landlord(workspace: Path) -> Landlord:
    """Load and validate ``<workspace>/landlord.yaml``."""
    return load_yaml_model(Path(workspace) / "landlord.yaml", Landlord)  # type: ignore[return-value]
