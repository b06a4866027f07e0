"""Measured evidence for the data-evidenced provisions, read from the ``measures`` table.

Figures are never recomputed here: each evidence line is one row (or one breakdown) of the
``measures`` table (docs/architecture.md), selected by measure id and breakdown as listed in
``evidence.yaml`` beside this module, and worded by that file's template. So a figure in the
self-assessment is, to the digit, the figure in the annual report and the TSM return.

Contradiction rule: when the landlord answers "yes" and a measure with a threshold falls on the
wrong side of it, the provision is flagged. Thresholds live in ``evidence.yaml`` with the reason
for each (timeliness: under 90%, well under the Code's 100%; hard rules such as "a different person
handles stage 2": any case at all).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Literal

import duckdb
import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from pipeline.config import ConfigError
from pipeline.periods import ReportingYear
from pipeline.reporting.labels import label

EVIDENCE_SPEC_PATH = Path(__file__).resolve().parent / "evidence.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Threshold(_Strict):
    """When a measured value contradicts a "yes"."""

    below: float | None = Field(default=None, description="value < below contradicts")
    above: float | None = Field(default=None, description="value > above contradicts")
    why: str = Field(min_length=1, description="Why this threshold (printed in the method note)")

    @model_validator(mode="after")
    def _one_bound(self) -> Threshold:
        if (self.below is None) == (self.above is None):
            raise ValueError("give exactly one of below / above")
        return self

    def breached(self, value: float | None) -> bool:
        if value is None:  # [U]: no cases, so nothing contradicts the answer
            return False
        if self.below is not None:
            return value < self.below
        return value > self.above  # type: ignore[operator]

    def describe(self) -> str:
        if self.below is not None:
            return f"below {self.below:g}"
        return f"above {self.above:g}"


class EvidenceSpec(_Strict):
    """One evidence line: which measure row(s) and how to word them."""

    measure: str = Field(description="Measure id from docs/measures.md")
    breakdown: str = "none"
    breakdown_value: str | None = Field(
        default="all", description="Row to read; null with kind 'list' = every value"
    )
    view: str | list[str] | None = Field(
        default=None,
        description="regulator | management | all, or a preference list (first view present "
        "wins); null = any",
    )
    kind: Literal["value", "list"] = Field(
        default="value", description="value: one row; list: every breakdown value in one line"
    )
    template: str = Field(
        description="Wording; {display} {pct} {numerator} {denominator} {value} {breakdown_value}"
    )
    list_item: str = Field(default="{breakdown_value}: {display}", description="kind list only")
    empty: str | None = Field(
        default=None,
        description="Wording when the measure was computed but has no row for this breakdown "
        "value (nothing of that kind in the year)",
    )
    threshold: Threshold | None = None


@cache
def _specs(path: str) -> dict[str, tuple[EvidenceSpec, ...]]:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        return {
            str(pid): tuple(EvidenceSpec.model_validate(item) for item in items)
            for pid, items in (raw or {}).items()
        }
    except Exception as exc:  # a broken spec is a product bug: name the file
        raise ConfigError(f"{path}: invalid evidence specification: {exc}") from exc


def evidence_specs(path: Path | None = None) -> dict[str, tuple[EvidenceSpec, ...]]:
    """Provision id -> the evidence lines to read for it, from ``evidence.yaml``.

    Parameters
    ----------
    path
        Specification file; default ``pipeline/self_assessment/evidence.yaml``.

    Returns
    -------
    dict
        Provision id to a tuple of :class:`EvidenceSpec`, in the file's order.
    """
    return _specs(str(Path(path or EVIDENCE_SPEC_PATH).resolve()))


@dataclass(frozen=True)
class EvidenceLine:
    """One sentence of measured evidence, with what it was read from."""

    provision: str
    text: str
    measure: str
    value: float | None
    available: bool
    threshold: Threshold | None = None

    @property
    def breached(self) -> bool:
        return self.available and self.threshold is not None and self.threshold.breached(self.value)


@dataclass
class ProvisionEvidence:
    """Everything the data says about one provision."""

    provision: str
    lines: list[EvidenceLine] = field(default_factory=list)

    @property
    def breaches(self) -> list[EvidenceLine]:
        return [line for line in self.lines if line.breached]


def _number(value: float | None) -> str:
    if value is None:
        return "[U]"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _money(display: str | None) -> str:
    """'1100.00' -> '£1,100.00': separators added to the measure's own rounded text, no rounding."""
    try:
        return f"£{Decimal(display):,.2f}"
    except (InvalidOperation, TypeError):
        return "[U]" if display in (None, "[U]") else display


def _fields(row: dict) -> dict[str, str]:
    return {
        "display": row["display"] if row["display"] is not None else "[U]",
        # A rate with no denominator reads "[U]", never "[U]%".
        "pct": "[U]" if row["value"] is None else f"{row['display']}%",
        "money": _money(row["display"]),
        "numerator": _number(row["numerator"]),
        "denominator": _number(row["denominator"]),
        "value": _number(row["value"]),
        # the reader's word for a code (in_person -> In person, lcra -> Low-cost rental (LCRA))
        "breakdown_value": label(str(row["breakdown_value"])),
    }


_MEASURE_COLUMNS = (
    "measure, breakdown, breakdown_value, view, numerator, denominator, value, display, unit"
)


def _year_rows(con: duckdb.DuckDBPyConnection, landlord_id: str, year: ReportingYear) -> list[dict]:
    """The landlord's whole-year measure rows for the measures the specification names."""
    wanted = sorted({s.measure for specs in evidence_specs().values() for s in specs})
    has_table = con.execute(
        "select count(*) from information_schema.tables where table_name = 'measures'"
    ).fetchone()[0]
    if not has_table:
        return []
    cursor = con.execute(
        f"select {_MEASURE_COLUMNS} from measures "  # noqa: S608 - fixed column list, no input
        "where landlord_id = $landlord and period_kind = 'year' and period = $period "
        "and list_contains($wanted, measure) "
        "order by measure, breakdown, breakdown_value, view",
        {"landlord": landlord_id, "period": year.key, "wanted": wanted},
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _select(rows: list[dict], spec: EvidenceSpec) -> list[dict]:
    candidates = [
        r
        for r in rows
        if r["measure"] == spec.measure
        and r["breakdown"] == spec.breakdown
        and (spec.breakdown_value is None or r["breakdown_value"] == spec.breakdown_value)
    ]
    if spec.view is None:
        return candidates
    for view in [spec.view] if isinstance(spec.view, str) else spec.view:
        chosen = [r for r in candidates if r["view"] == view]
        if chosen:
            return chosen
    return []


def _line(provision: str, spec: EvidenceSpec, rows: list[dict]) -> EvidenceLine:
    matched = _select(rows, spec)
    if not matched and spec.kind == "list" and any(r["measure"] == spec.measure for r in rows):
        # The measure was computed but has no rows for this breakdown: nothing of that kind
        # happened in the year (e.g. no refusals, so no reasons), which is itself evidence.
        return EvidenceLine(
            provision, spec.template.format(items="none", count=0), spec.measure, 0.0, True
        )
    if not matched and any(
        r["measure"] == spec.measure and r["breakdown"] == spec.breakdown for r in rows
    ):
        # Computed, but no row for this value: no case of that kind in the year.
        text = spec.empty or f"{spec.template.split(':')[0]}: no cases in the year"
        return EvidenceLine(provision, text, spec.measure, None, True)
    if not matched:
        views = [spec.view] if isinstance(spec.view, str) else (spec.view or [])
        where = f"{spec.measure} ({spec.breakdown}={spec.breakdown_value or 'any'}"
        where += f", view {' or '.join(views)})" if views else ")"
        return EvidenceLine(
            provision,
            f"not measured this year: {where} is not in the measures table",
            spec.measure,
            None,
            False,
        )
    if spec.kind == "list":
        items = "; ".join(spec.list_item.format(**_fields(r)) for r in matched)
        text = spec.template.format(items=items, count=len(matched))
        return EvidenceLine(
            provision, text, spec.measure, float(len(matched)), True, spec.threshold
        )
    if len(matched) > 1:
        raise ConfigError(
            f"{EVIDENCE_SPEC_PATH.name}: provision {provision}: measure {spec.measure} selects "
            f"{len(matched)} rows; name the breakdown_value and view"
        )
    row = matched[0]
    return EvidenceLine(
        provision,
        spec.template.format(**_fields(row)),
        spec.measure,
        row["value"],
        True,
        spec.threshold,
    )


def measured_evidence(
    con: duckdb.DuckDBPyConnection, landlord_id: str, year: str | ReportingYear
) -> dict[str, ProvisionEvidence]:
    """Evidence from the ``measures`` table for every provision that data can evidence.

    Parameters
    ----------
    con
        Connection to the landlord's DuckDB (read-only is enough).
    landlord_id
        The landlord.
    year
        Reporting year, e.g. ``"2024-25"``.

    Returns
    -------
    dict
        Provision id -> :class:`ProvisionEvidence`; a measure missing from the table gives a line
        that says so (``available`` false) and never a contradiction.
    """
    year = year if isinstance(year, ReportingYear) else ReportingYear.parse(year)
    rows = _year_rows(con, landlord_id, year)
    return {
        provision: ProvisionEvidence(provision, [_line(provision, s, rows) for s in specs])
        for provision, specs in evidence_specs().items()
    }
