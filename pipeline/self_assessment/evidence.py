"""Measured evidence for the data-evidenced provisions, read from the ``measures`` table.

Figures are never recomputed here: each evidence line is one row (or one breakdown) of the
``measures`` table (docs/architecture.md), selected by measure id and breakdown as listed in
``evidence.yaml`` beside this module, and worded by that file's template. So a figure in the
self-assessment is, to the digit, the figure in the annual report and the TSM return.

Contradiction rule: when the landlord answers "yes" and a measure with a threshold falls on the
wrong side of it, the provision is flagged. Thresholds live in ``evidence.yaml`` with the reason
for each (timeliness and promised actions done by their due date: under 90%; hard rules such as "a
different person handles stage 2": any case at all). A line with a threshold but no case to judge
(0 of 0, no row, not measured) flags nothing and says so (:attr:`EvidenceLine.unjudged`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Literal

import duckdb
import polars as pl
from pydantic import BaseModel, ConfigDict, Field, model_validator

from pipeline.config import ConfigError
from pipeline.periods import ReportingYear
from pipeline.reporting.data import query_frame, table_exists
from pipeline.reporting.labels import label, money, readable
from pipeline.reporting.suppression import (
    NOT_ABOUT_PEOPLE,
    SECONDARY,
    is_small,
    small_label,
    suppress_small_numbers,
)
from pipeline.reporting.trace import figure
from pipeline.utils.yaml_text import safe_load

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
    no_cases: str | None = Field(
        default=None,
        description="Wording when the row is there but counts no case (0 of 0, shown [U]): the "
        "headline row a measure always has, in a year with nothing of its kind",
    )
    threshold: Threshold | None = None
    denominator_is: str | None = Field(
        default=None,
        description="Measure whose numerator, in the same cell, is this line's denominator (the "
        "same complaints): the denominator is published or withheld as that count is",
    )
    country: str | None = Field(
        default=None,
        description="The measure counts only this country's complaints (CH02: the TSM's English "
        "stock), so a landlord in both countries reads it as that country's figure",
    )


@cache
def _specs(path: str) -> dict[str, tuple[EvidenceSpec, ...]]:
    try:
        raw = safe_load(Path(path).read_text(encoding="utf-8"))
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
    # The same line as a published document shows it: a count of 1-4 reads <5 and a rate of one
    # (or a cell hidden to protect another) [c], as in the measures table's published rows.
    published_text: str | None = None
    # ``text`` and ``published_text`` with each figure that is a row's display text marked with
    # the row's key (pipeline.reporting.trace.figure), for a document that traces its figures
    # (the annual report's appendix): the figures can then be checked against the measures table
    # and against the same figures elsewhere in the document.
    marked_text: str | None = None
    marked_published_text: str | None = None
    # From a line with a threshold (evidence.yaml): it is there to test a "yes", whether or not
    # the year gave it a figure to test with (``threshold`` is set only when it did).
    checks_answer: bool = False

    @property
    def shown(self) -> str:
        """The published wording (the internal one when no figure of the line is suppressed)."""
        return self.text if self.published_text is None else self.published_text

    def wording(self, published: bool = True, traced: bool = False) -> str:
        """The line as a document shows it: published (:attr:`shown`) or in full (:attr:`text`);
        ``traced``: with its figures marked for :func:`pipeline.reporting.trace.finish` (only for
        a document that finishes its page so)."""
        if not traced:
            return self.shown if published else self.text
        if published:
            marked = self.marked_published_text or self.marked_text
            return marked if marked is not None else self.shown
        return self.marked_text if self.marked_text is not None else self.text

    @property
    def breached(self) -> bool:
        return self.available and self.threshold is not None and self.threshold.breached(self.value)

    @property
    def unjudged(self) -> bool:
        """A line meant to test a "yes" that had nothing to test it with this year: its measure
        not computed, no row for its breakdown (nothing of the kind), or 0 of 0 ([U])."""
        return self.checks_answer and (
            not self.available or self.threshold is None or self.value is None
        )


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
    """'1100.00' -> '£1,100': as the annual report shows money (labels.money: pence only when
    there are any), from the measure's own rounded text, no rounding."""
    return "[U]" if display in (None, "[U]") else money(display)


def _traced(row: dict, text: str, trace: bool) -> str:
    """``text``, the row's display text as shown, marked with the row's key when ``trace``: its
    own cell (``cell``: the breakdown before a country's rows were read as the whole) and year."""
    if not trace or row.get("period") is None:
        return text
    breakdown, value = row.get("cell") or (row["breakdown"], row["breakdown_value"])
    key = {
        "measure": row["measure"],
        "period": row["period"],
        "breakdown": breakdown,
        "breakdown_value": value,
        "view": row["view"],
    }
    return figure(key, text)


def _fields(row: dict, trace: bool = False) -> dict[str, str]:
    return {
        # counts with separators (1,454), as every other document shows them
        "display": _traced(row, readable(row["display"], row.get("unit")), trace)
        if row["display"] is not None
        else _traced(row, "[U]", trace),
        # A rate with no denominator reads "[U]", never "[U]%".
        "pct": _traced(row, "[U]", trace)
        if row["value"] is None
        else f"{_traced(row, row['display'], trace)}%",
        "money": _traced(row, _money(row["display"]), trace),
        "numerator": _number(row["numerator"]),
        "denominator": _number(row["denominator"]),
        "value": _number(row["value"]),
        # the reader's word for a code (in_person -> In person, lcra -> Low-cost rental (LCRA))
        "breakdown_value": label(str(row["breakdown_value"])),
    }


def _published_fields(
    row: dict, denominator_shown: bool | None = None, trace: bool = False
) -> dict[str, str]:
    """:func:`_fields` of the row as published: suppressed figures read <5 or [c], never a digit.

    ``denominator_shown``: whether the count that is the row's denominator is published where it
    is the numerator (:attr:`EvidenceSpec.denominator_is`); None when not known, and then the
    denominator is withheld when a hidden count of the cell has its value.
    """
    shown = row.get("published")
    if shown is None or not shown["suppressed"]:
        return _fields(row, trace)
    threshold = row["threshold"]

    def part(value: float | None) -> str:
        if value is None:
            return "[U]"
        return small_label(threshold) if is_small(value, threshold) else SECONDARY

    fields = _fields(row)
    hidden = shown["display"]  # <5 (a small count) or [c]
    # (a sum of money withheld for the few payments behind it reads [c] too)
    marked = _traced(row, hidden, trace)
    fields.update(display=marked, pct=marked, money=marked, value=hidden)
    fields.update(numerator=part(row["numerator"]))
    withheld = shown["denominator_hidden"] if denominator_shown is None else not denominator_shown
    if is_small(row["denominator"], threshold) or withheld:
        # A denominator that is a count hidden elsewhere in the published documents (TP09's
        # respondents, CH01's complaints) is not given here either. That match is by value within
        # the cell, so where the spec names the count (adjustments made "of" the adjustments
        # requested) its own publication decides: council_housing 5.10 gave the 10 requests and
        # then hid them as "[c] of [c]" over an unrelated hidden count of 10.
        fields["denominator"] = part(row["denominator"])
    return fields


def _published_year(
    con: duckdb.DuckDBPyConnection,
    landlord_id: str,
    year: ReportingYear,
    threshold: int,
    streams: dict[str, str] | None,
) -> dict[tuple, dict]:
    """Every measure row of the year as the published annual report shows it, by (measure,
    breakdown, breakdown_value, view): ``suppressed``, ``display`` and ``denominator_hidden``.

    The whole year is suppressed, as the annual report suppresses it, not just the rows this
    document quotes: the secondary rules read other measures of the same cell (TP09's respondents
    under TP09, the management view beside the regulator one), and a smaller frame would hide
    other cells than the annual report does, so that the two documents together could give a
    hidden figure back.
    """
    if not table_exists(con, "measures"):
        return {}
    frame = query_frame(
        con,
        "select * from measures where landlord_id = ? and period = ?",
        [landlord_id, year.key],
    )
    if frame.is_empty():
        return {}
    published = frame.select(*_KEY, "unit", "numerator", "denominator").with_columns(
        suppress_small_numbers(frame, threshold, streams=streams).select(
            "suppressed", "display", "suppressed_reason"
        )
    )
    cell = ["breakdown", "breakdown_value"]
    hidden_counts = (
        published.filter(
            pl.col("suppressed")
            & ~pl.col("measure").is_in(NOT_ABOUT_PEOPLE)
            & pl.col("unit").is_in(["count", "per_1000"])
        )
        .select(*cell, pl.col("numerator").alias("denominator"), pl.lit(True).alias("_count"))
        .unique()
    )
    marked = published.join(hidden_counts, on=[*cell, "denominator"], how="left")
    return {
        tuple(row[k] for k in _KEY): {
            "suppressed": row["suppressed"],
            "display": row["display"],
            # A rate hidden so that a hidden count beside it cannot be worked back (secondary)
            # hides its denominator too: small_specialist 2024-25 gave 20 of its 23 promised
            # actions as stage 1's, so stage 2's "<5" was 3.
            "denominator_hidden": bool(row["_count"]) or row["suppressed_reason"] == "secondary",
        }
        for row in marked.iter_rows(named=True)
    }


_KEY = ("measure", "breakdown", "breakdown_value", "view")


def _with_published(rows: list[dict], published: dict[tuple, dict], threshold: int) -> list[dict]:
    """``rows`` each with its published twin (``published``, :func:`_published_year`)."""
    return [
        {
            **row,
            "published": published.get(tuple(row[k] for k in _KEY)),
            "threshold": threshold,
            # the row's own cell, kept when a country's rows are read as its whole
            # (:func:`_country_rows`), as suppression matched counts within it
            "cell": (row["breakdown"], row["breakdown_value"]),
        }
        for row in rows
    ]


_MEASURE_COLUMNS = (
    "measure, period, breakdown, breakdown_value, view, numerator, denominator, value, display, "
    "unit"
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


def _subject(template: str) -> str:
    """What an evidence line is about, its template without the figures: "stage 2: complaints
    acknowledged in time: {pct} ({numerator} of {denominator})" -> "stage 2: complaints
    acknowledged in time"."""
    text = re.sub(r"\s+in \{[^}]*\} of cases", "", template)  # "in {pct} of cases"
    text = re.sub(r"\{[^}]*\} of ", "", text)  # "{pct} of escalations" -> "escalations"
    text = re.sub(r"\s*\([^()]*\{[^}]*\}[^()]*\)", "", text)
    text = re.sub(r"\{[^}]*\}\s*", "", text)
    return text.strip().rstrip(":").strip()


def _denominator_shown(spec: EvidenceSpec, row: dict, rows: list[dict]) -> bool | None:
    """Whether the row's denominator, the numerator of ``spec.denominator_is`` in the same cell
    and view, is published (None: no such row, so the general rule applies)."""
    if spec.denominator_is is None:
        return None
    for other in rows:
        if (
            other["measure"] == spec.denominator_is
            and other.get("cell") == row.get("cell")
            and other["view"] == row["view"]
            and other["numerator"] == row["denominator"]
        ):
            published = other.get("published")
            return published is None or not published["suppressed"]
    return None


def _line(
    provision: str, spec: EvidenceSpec, rows: list[dict], computed: list[dict] | None = None
) -> EvidenceLine:
    """The line of ``spec`` read from ``rows``; ``computed`` (default ``rows``: every row of the
    year) tells whether the measure was computed at all, when ``rows`` are one country's and that
    country had no case of it."""
    computed = rows if computed is None else computed
    matched = _select(rows, spec)
    if not matched and spec.kind == "list" and any(r["measure"] == spec.measure for r in computed):
        # The measure was computed but has no rows for this breakdown: nothing of that kind
        # happened in the year (e.g. no refusals, so no reasons), which is itself evidence.
        return EvidenceLine(
            provision, spec.template.format(items="none", count=0), spec.measure, 0.0, True
        )
    views = [spec.view] if isinstance(spec.view, str) else (spec.view or [])
    if not matched and any(
        r["measure"] == spec.measure and (not views or r["view"] in views) for r in computed
    ):
        # Computed, but no row for this breakdown or value: the breakdown's rows exist only for
        # cases that happened (extension_within_limit_2 by regime in a year without a stage 2
        # extension has only its zero "none" row), so no case of that kind in the year.
        text = spec.empty or f"{spec.template.split(':')[0]}: no cases in the year"
        return EvidenceLine(
            provision, text, spec.measure, None, True, checks_answer=spec.threshold is not None
        )
    if not matched:
        # Plain words for the board and the public; the measure id stays in ``measure``.
        return EvidenceLine(
            provision,
            f"{_subject(spec.template)} (not measured this year)",
            spec.measure,
            None,
            False,
            checks_answer=spec.threshold is not None,
        )
    if spec.kind == "list":

        def listed(published: bool, trace: bool) -> str:
            items = "; ".join(
                spec.list_item.format(
                    **(
                        _published_fields(r, _denominator_shown(spec, r, computed), trace)
                        if published
                        else _fields(r, trace)
                    )
                )
                for r in matched
            )
            return spec.template.format(items=items, count=len(matched))

        return EvidenceLine(
            provision,
            listed(False, False),
            spec.measure,
            float(len(matched)),
            True,
            spec.threshold,
            listed(True, False),
            listed(False, True),
            listed(True, True),
            checks_answer=spec.threshold is not None,
        )
    if len(matched) > 1:
        raise ConfigError(
            f"{EVIDENCE_SPEC_PATH.name}: provision {provision}: measure {spec.measure} selects "
            f"{len(matched)} rows; name the breakdown_value and view"
        )
    row = matched[0]
    if spec.no_cases is not None and row["value"] is None and not row["denominator"]:
        # 0 of 0: nothing of the kind in the year, said in words rather than "[U] (0 of 0)"
        return EvidenceLine(
            provision,
            spec.no_cases,
            spec.measure,
            None,
            True,
            checks_answer=spec.threshold is not None,
        )
    denominator_shown = _denominator_shown(spec, row, computed)
    return EvidenceLine(
        provision,
        spec.template.format(**_fields(row)),
        spec.measure,
        row["value"],
        True,
        spec.threshold,
        spec.template.format(**_published_fields(row, denominator_shown)),
        spec.template.format(**_fields(row, trace=True)),
        spec.template.format(**_published_fields(row, denominator_shown, trace=True)),
        checks_answer=spec.threshold is not None,
    )


def measured_evidence(
    con: duckdb.DuckDBPyConnection,
    landlord_id: str,
    year: str | ReportingYear,
    threshold: int = 5,
    streams: dict[str, str] | None = None,
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
    threshold
        Small-number suppression threshold of the published wording (``published_text``).
    streams
        Scheme -> business stream (``suppression.scheme_streams``), as the annual report
        suppresses with them, so both documents hide the same cells.

    Returns
    -------
    dict
        Provision id -> :class:`ProvisionEvidence`; a measure missing from the table gives a line
        that says so (``available`` false) and never a contradiction.
    """
    year = year if isinstance(year, ReportingYear) else ReportingYear.parse(year)
    published = _published_year(con, landlord_id, year, threshold, streams)
    rows = _with_published(_year_rows(con, landlord_id, year), published, threshold)
    # A landlord in England and Scotland: the Code is England's (Scotland follows the SPSO's
    # procedure), so each line is read from England's rows and names the country; a figure of
    # both countries is never shown as the Code's (evidence.yaml, "A landlord in England and
    # Scotland").
    both = {r["breakdown_value"] for r in rows if r["breakdown"] == "regime"} >= {"eng", "sct"}
    england = _country_rows(rows, "eng") if both else []
    plans = {
        provision: [_plan(s, rows, england) if both else (s, rows, "") for s in specs]
        for provision, specs in evidence_specs().items()
    }
    return {
        provision: ProvisionEvidence(
            provision,
            [
                _in_country(_line(provision, spec, source, rows), prefix)
                for spec, source, prefix in lines
            ],
        )
        for provision, lines in plans.items()
    }


# Said before a line that reads both countries' rows, when the measure has no country breakdown.
BOTH_COUNTRIES = "England and Scotland together (no figure for England alone): "


def _country_rows(rows: list[dict], regime: str) -> list[dict]:
    """One country's rows read as a landlord's whole: breakdown ``regime`` = ``regime`` as
    ``none``/``all``, and ``regime|x`` = ``<regime>|v`` as ``x`` = ``v`` (docs/measures.md: a
    two-way breakdown joins names and values with ``|``)."""
    out = []
    for row in rows:
        if row["breakdown"] == "regime":
            if row["breakdown_value"] == regime:
                out.append({**row, "breakdown": "none", "breakdown_value": "all"})
        elif row["breakdown"].startswith("regime|"):
            country, _, value = str(row["breakdown_value"]).partition("|")
            if country == regime:
                out.append({**row, "breakdown": row["breakdown"][7:], "breakdown_value": value})
    return out


def _plan(
    spec: EvidenceSpec, rows: list[dict], england: list[dict]
) -> tuple[EvidenceSpec, list[dict], str]:
    """For a landlord in both countries: the rows ``spec`` reads and the words naming whose they
    are."""
    if spec.breakdown == "regime":
        # one country's rows already, or every country's named by the line itself
        value = spec.breakdown_value
        return spec, rows, "" if value is None else f"{label(value)}: "
    if spec.country is not None:
        return spec, rows, f"{label(spec.country)}: "  # one country's measure (CH02)
    by_country = "regime" if spec.breakdown == "none" else f"regime|{spec.breakdown}"
    if any(r["measure"] == spec.measure and r["breakdown"] == by_country for r in rows):
        # The family breaks the measure down by regime: no row for England is then no English
        # case (refusals only in Scotland), which _line words from its ``empty`` text.
        return spec, england, f"{label('eng')}: "
    return spec, rows, BOTH_COUNTRIES


def _in_country(line: EvidenceLine, prefix: str) -> EvidenceLine:
    """``line`` with the words naming whose figure it is (``England: ...``), when it has one."""
    if not prefix or not line.available:
        return line

    def prefixed(text: str | None) -> str | None:
        return None if text is None else prefix + text

    return replace(
        line,
        text=prefix + line.text,
        published_text=prefixed(line.published_text),
        marked_text=prefixed(line.marked_text),
        marked_published_text=prefixed(line.marked_published_text),
    )
