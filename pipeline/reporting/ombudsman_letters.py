"""The Housing Ombudsman's annual performance letters in the annual report, reconciled with the
Ombudsman table: each figure a letter states (determinations, the maladministration rate,
Complaint Handling Failure Orders) beside the same figure from the landlord's own case data, and
each comparison its summary makes ("fewer than last year") checked against them.

The letters are ``annual_performance_letter`` entries of ``ombudsman/publications.yaml``
(:mod:`pipeline.sources.publications`); :func:`letter_problems` gives the data-quality report's
lines when a letter and the table disagree without a reason given (``basis``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipeline.config import ConfigError
from pipeline.periods import ReportingYear
from pipeline.reporting import suppression
from pipeline.reporting.blocks import Section
from pipeline.reporting.data import Measures, table_exists
from pipeline.reporting.labels import DATE


def _letter_entries(workspace: Path) -> list:
    from pipeline.sources.publications import load_publications

    try:
        entries, _ = load_publications(Path(workspace))
    except ConfigError:
        return []  # ingest reports an invalid publications.yaml
    return [p for p in entries if p.kind == "annual_performance_letter"]


def _letter_year(entry) -> str | None:
    if entry.reporting_year:
        return ReportingYear.parse(entry.reporting_year.replace("/", "-")).key
    return None


def _shown_count(value: int | float, published: bool, threshold: int) -> str:
    return f"<{threshold}" if published and 0 < value < threshold else f"{value:g}"


# The annual performance letter is the Housing Ombudsman's: it counts its own determinations only,
# never the SPSO's, the LGSCO's or another body's that the Ombudsman table also holds.
LETTER_BODY = "housing_ombudsman"


def _letter_row(measures: Measures, measure: str, key: str) -> dict | None:
    """The Housing Ombudsman's row of ``measure`` for the letter's year.

    With rows by body, the Housing Ombudsman's (none: it determined no case that year, so a count
    of 0 and no rate); without any (no determination by any body), the year's overall row."""
    by_body = measures._select(measure, key, "body", None)
    if not by_body:
        return measures.get(measure, key)
    row = next((r for r in by_body if r["breakdown_value"] == LETTER_BODY), None)
    if row is not None:
        return dict(row)
    overall = measures.get(measure, key)
    if overall is None:
        return None
    if overall.get("unit") == "count":
        return {**overall, "value": 0.0, "display": "0", "numerator": 0.0}
    return {**overall, "value": None, "display": "[U]"}


def _other_bodies_total(measures: Measures, measure: str, key: str) -> dict | None:
    """The all-bodies row of ``measure`` when another body's rows are in it too, else None.

    That total is what the Ombudsman cases table shows; the letter is compared with the Housing
    Ombudsman's row, so a sentence naming both lets the reader find the table's figure."""
    by_body = measures._select(measure, key, "body", None)
    if not any(r["breakdown_value"] != LETTER_BODY for r in by_body):
        return None
    return measures.get(measure, key)


# What a letter is compared on: (name, its field in publications.yaml, the measure, the words a
# figure is quoted with, the words its summary may use for it). Each is judged on its own rows.
LETTER_FIGURES = [
    (
        "determinations",
        "determinations",
        "ombudsman_determinations",
        "determinations",
        r"determinations?|cases?\s+determined",
    ),
    (
        "maladministration rate",
        "maladministration_rate",
        "ombudsman_maladministration_rate",
        "% maladministration",  # rate: shown as 62% maladministration
        r"maladministration\s+rates?|rates?\s+of\s+maladministration",
    ),
    (
        "Complaint Handling Failure Orders",
        "chfos",
        "chfo_issued",
        "Complaint Handling Failure Orders",
        r"complaint\s+handling\s+failure\s+orders?|chfos?",
    ),
]


_FEWER = ("fewer", "less", "lower", "smaller")


_MORE = ("more", "higher", "greater", "larger")


_DIRECTION = "|".join(_FEWER + _MORE)


# "than the year before", "than last year", "than in 2023/24": the year a summary compares with.
_THAN = (
    r"than\s+(?:in\s+)?(?:the\s+)?(?:year\s+before|previous\s+year|prior\s+year|last\s+year"
    r"|(?P<year>20\d\d[/-]\d\d))"
)


# Up to three words between a direction and what it is about, none of them another direction, a
# conjunction or "than": "fewer CHFOs and more determinations" says nothing about fewer
# determinations, nor "fewer than 5 determinations" about the year before.
_BETWEEN = rf"(?:(?!(?:{_DIRECTION}|and|or|but|than)\b)[\w-]+\s+){{0,3}}?"


@dataclass(frozen=True)
class Claim:
    """A year-on-year direction a letter's summary states, judged on our rows.

    ``verdict``: ``agrees``, ``contradicted`` or ``unchecked`` (a year's figure is not in the
    table in this run)."""

    name: str
    direction: str  # the summary's word: fewer, higher...
    year: str  # the letter's year key
    before: str  # the year compared with
    now_text: str
    before_text: str
    verdict: str
    explicit: bool = True  # False: "fewer determinations", read as against the year before


def _stated_directions(summary: str, words: str) -> list[tuple[str, str | None, bool]]:
    """(direction word, compared year or None for the year before, whether the summary names the
    comparison) for each statement in ``summary`` that the quantity ``words`` went up or down.

    An annual letter's "fewer determinations" with no "than ..." compares with the year before,
    as the Ombudsman's letters do; "fewer than 5 determinations" states no direction."""
    found = []
    for sentence in re.split(r"(?<=[.;])\s+", summary):
        patterns = (
            rf"\b(?P<dir>{_DIRECTION})\s+{_BETWEEN}(?:{words})\b(?P<than>[^.;]*?\b{_THAN})?",
            rf"\b(?:{words})\b\s+{_BETWEEN}(?P<dir>{_DIRECTION})\b(?!\s+than\s+\d)"
            rf"(?P<than>\s+{_THAN})?",
        )
        for pattern in patterns:
            for match in re.finditer(pattern, sentence, flags=re.IGNORECASE):
                explicit = match.group("than") is not None
                found.append((match.group("dir").lower(), match.group("year"), explicit))
    return found


def _figure_value(measures: Measures, measure: str, key: str, register: dict | None):
    """Our value of ``measure`` for the year ``key`` (the Housing Ombudsman's row), else the
    CHFO register's count for a year whose measures this run did not compute, else None."""
    row = _letter_row(measures, measure, key)
    if row is not None:
        return row["value"]
    if measure == "chfo_issued" and register is not None:
        return register.get(key, 0)  # the measure's rule: orders by issue date in the year
    return None


def _figure_text(value, shown: Measures, measure: str, key: str, published, threshold) -> str:
    """``value`` as the document shows it: a count under the threshold as ``<5`` when published
    (and the shown row's own mark, ``[c]``, where it has one); a rate as its shown row."""
    row = _letter_row(shown, measure, key)
    display = None if row is None else row["display"]
    if measure != "ombudsman_maladministration_rate":
        marked = display is not None and not display.replace(",", "").isdigit()
        return display if published and marked else _shown_count(value, published, threshold)
    if display:
        return display + ("%" if display[-1:].isdigit() else "")
    return "not shown" if published else f"{value:.1f}%"


def summary_claims(
    entry,
    measures: Measures,
    shown: Measures | None = None,
    published: bool = False,
    threshold: int = 5,
    register: dict[str, int] | None = None,
) -> list[Claim]:
    """Each year-on-year direction the letter's summary states, judged on that quantity's own rows.

    Council Housing's 2024/25 letter summary said "fewer Complaint Handling Failure Orders than
    the year before" while the table has 2 against 1; the reconciliation checked determinations
    only and said the letter agreed. ``register`` (CHFOs by reporting year, from the CHFO
    register) stands in for ``chfo_issued`` in a year whose measures were not computed."""
    shown = shown or measures
    key = _letter_year(entry)
    if key is None or not entry.summary:
        return []
    claims = []
    for name, _, measure, _, words in LETTER_FIGURES:
        for direction, year, explicit in _stated_directions(entry.summary, words):
            before = (
                ReportingYear.parse(year.replace("/", "-")).key
                if year
                else ReportingYear.parse(key).previous.key
            )
            now = _figure_value(measures, measure, key, register)
            then = _figure_value(measures, measure, before, register)
            if now is None or then is None:
                verdict, now_text, before_text = "unchecked", "", ""
            else:
                rate = measure == "ombudsman_maladministration_rate"
                a, b = (round(now, 1), round(then, 1)) if rate else (now, then)
                went = "fewer" if a < b else "more" if a > b else "same"
                verdict = (
                    "agrees"
                    if (went == "fewer" and direction in _FEWER)
                    or (went == "more" and direction in _MORE)
                    else "contradicted"
                )
                now_text = _figure_text(now, shown, measure, key, published, threshold)
                before_text = _figure_text(then, shown, measure, before, published, threshold)
            claims.append(
                Claim(name, direction, key, before, now_text, before_text, verdict, explicit)
            )
    return claims


def _claims_text(claims: list[Claim]) -> str:
    """Sentences (each with a leading space) saying how the summary's directions stand."""
    out = []
    for c in claims:
        year, before = ReportingYear.parse(c.year).label, ReportingYear.parse(c.before).label
        what = f"a {c.direction} {c.name}" if c.name.endswith("rate") else f"{c.direction} {c.name}"
        said = (
            f"The letter's summary says {what} in {year} than in {before}"
            if c.explicit
            else f"The letter's summary speaks of {what} in {year}, which we read as against "
            f"{before}"
        )
        figures = f"{c.now_text} in {year} and {c.before_text} in {before}"
        if c.verdict == "contradicted":
            out.append(f"{said}, but our figures do not show that: {figures}.")
        elif c.verdict == "agrees":
            out.append(f"{said}, as our figures show: {figures}.")
        else:
            out.append(
                f"{said}; the table has no figure for one of the two years in this run, so that "
                "is not checked."
            )
    return "".join(f" {line}" for line in out)


def reconcile_letter(
    entry,
    measures: Measures,
    published: bool = False,
    threshold: int = 5,
    shown: Measures | None = None,
    register: dict[str, int] | None = None,
) -> tuple[str, str]:
    """One line comparing a letter's figures with the table's rows for the letter's year, and its
    status: ``agree``, ``explained`` (differ, reason given), ``unexplained``, ``no_figures`` (the
    letter's figures are not recorded), ``no_table`` (the year's measures were not computed) or
    ``contradicted`` (the figures agree but the summary states a year-on-year direction that
    ours contradict).

    Each quantity (determinations, maladministration rate, Complaint Handling Failure Orders) is
    judged on its own rows: the letter's own figure against the table's, and any direction the
    summary states ("fewer ... than the year before") against the table's two years
    (:func:`summary_claims`, ``register`` standing in for CHFOs in a year not computed).

    ``measures`` are the unsuppressed rows the comparison uses (the letter's year and the year
    before); ``shown`` (default ``measures``) the rows as the document shows them, so a published
    version quotes the table's ``<5``."""
    shown = shown or measures
    key = _letter_year(entry)
    if key is None:
        return (
            "The letter names no reporting year, so it cannot be compared with the table.",
            "no_figures",
        )
    label = ReportingYear.parse(key).label
    pairs = [(name, getattr(entry, field), m, unit) for name, field, m, unit, _ in LETTER_FIGURES]
    recorded = [(name, v, m, unit) for name, v, m, unit in pairs if v is not None]
    claims = summary_claims(entry, measures, shown, published, threshold, register)
    said = _claims_text(claims)
    if not recorded:
        return (
            f"The letter's figures for {label} are not recorded, so they are not compared with "
            f"the table.{said}",
            "no_figures",
        )
    if all(measures.get(measure, key) is None for _, _, measure, _ in recorded):
        return (
            f"The Ombudsman table has no figures for {label} in this run, so the letter's are not "
            f"compared with it.{said}",
            "no_table",
        )

    def table_text(row: dict | None, rate: bool) -> str:
        text = "not available" if row is None else (row["display"] or "[U]")
        return text + ("%" if rate and text[-1:].isdigit() else "")

    same, differ, totals, withheld = [], [], [], []
    other_bodies = False
    for name, value, measure, unit in recorded:
        rate = unit.startswith("%")
        row = _letter_row(measures, measure, key)
        ours = None if row is None else row["value"]
        letter = f"{value:g}%" if rate else _shown_count(value, published, threshold)
        agrees = ours is not None and round(float(ours), 1) == round(value, 1)
        table_row = _letter_row(shown, measure, key)
        mark = None if table_row is None else suppression.withheld_mark(table_row.get("display"))
        if agrees and published and mark is not None and letter != mark:
            # "agree" would give back the figure the table withholds (the letter's own figure is
            # the Ombudsman's to publish, ours is not); "differ" gives nothing back.
            withheld.append(f"{name}: the letter {letter}, our table {table_text(table_row, rate)}")
            continue
        # The Ombudsman cases table shows every body's total; name it beside the Housing
        # Ombudsman's figure the letter is compared with, so the reader sees which is which.
        total = _other_bodies_total(measures, measure, key)
        other_bodies = other_bodies or total is not None
        total_text = None if total is None else table_text(shown.get(measure, key), rate)
        if agrees:
            if not rate and letter == "1":
                unit = unit.removesuffix("s")  # 1 determination
            same.append(f"{letter}{unit[1:]}" if rate else f"{letter} {unit}")
            if total_text is not None:
                totals.append(f"{name} {total_text}")
        else:
            table = table_text(table_row, rate)
            if total_text is not None:
                table += f" for the Housing Ombudsman alone, {total_text} for all bodies"
            differ.append(f"{name}: the letter {letter}, our table {table}")
    compared = (
        " The letter is the Housing Ombudsman's, so it is compared with our figures for the "
        "Housing Ombudsman alone; the Ombudsman cases table counts all bodies"
        + (f" ({', '.join(totals)})" if totals else "")
        + "."
        if other_bodies
        else ""
    )
    # A summary that says a figure went the other way from ours is not "agree", whatever the
    # figures compared one by one say.
    contradicted = any(c.verdict == "contradicted" for c in claims)
    not_compared = (
        f" Not compared in this published version, where the table withholds the figure: "
        f"{'; '.join(withheld)}."
        if withheld
        else ""
    )
    if not differ:
        agreed = (
            f"The letter's figures for {label} agree with the table: {', '.join(same)}."
            if same
            else f"The letter's figures for {label} are not compared with the table."
        )
        return (
            f"{agreed}{not_compared}{compared}{said}",
            "contradicted" if contradicted else "agree",
        )
    why = entry.basis.strip() if entry.basis else None
    line = (
        f"The letter's figures for {label} differ from the table ({'; '.join(differ)})."
        f"{not_compared}{compared} "
        + (f"Why the bases differ: {why}" if why else "No reason for the difference is recorded.")
        + said
    )
    return line, "explained" if why else "unexplained"


def letters_section(
    workspace: Path,
    con: duckdb.DuckDBPyConnection,
    landlord_id: str,
    year: ReportingYear,
    measures: Measures,
    published: bool,
    threshold: int = 5,
) -> Section:
    """The Ombudsman's annual performance letters of the year, each reconciled with the table."""
    section = Section("ombudsman-letter", "The Ombudsman's annual letter")
    entries = [
        e
        for e in _letter_entries(workspace)
        if _letter_year(e) == year.key or year.start <= e.published_date <= year.end
    ]
    if not entries:
        section.text(
            f"No annual performance letter from the Ombudsman about {year.label} is recorded "
            "yet (the Ombudsman publishes each year's letters in the autumn after the year)."
        )
        return section
    for entry in sorted(entries, key=lambda e: e.published_date):
        section.text(
            f"Letter published {entry.published_date:{DATE}}"
            + (f" for {entry.reporting_year}" if entry.reporting_year else "")
            + f": {suppression.quoted(entry.summary, published, threshold)}"
        )
        # Compare the unsuppressed figures of the letter's year and the year before (a summary
        # may say "fewer ... than the year before"); quote the table as the document shows it.
        letter_year = ReportingYear.parse(_letter_year(entry) or year.key)
        raw = Measures.load(con, landlord_id, letter_year.previous.start, letter_year.end)
        if raw.frame.is_empty():
            raw = measures
        register = chfo_register(con, landlord_id)
        section.text(reconcile_letter(entry, raw, published, threshold, measures, register)[0])
    return section


def chfo_register(con: duckdb.DuckDBPyConnection, landlord_id: str) -> dict[str, int] | None:
    """Complaint Handling Failure Orders by reporting year of issue (the ``chfo_issued`` rule),
    from the register the non-compliance section lists; None without a register."""
    if not table_exists(con, "chfo"):
        return None
    counts: dict[str, int] = {}
    dates = con.execute("select issued_date from chfo where landlord_id = ?", [landlord_id])
    for (issued,) in dates.fetchall():
        key = ReportingYear.containing(issued).key
        counts[key] = counts.get(key, 0) + 1
    return counts


def letter_problems(
    workspace: Path,
    measures_by_year: dict[str, Measures],
    register: dict[str, int] | None = None,
) -> dict[str, list[str]]:
    """Per letter year: letters without figures, whose figures differ with no reason given, or
    whose summary states a year-on-year direction our figures contradict."""
    problems: dict[str, list[str]] = {}
    for entry in _letter_entries(workspace):
        key = _letter_year(entry)
        if key is None or key not in measures_by_year:
            continue
        before = measures_by_year.get(ReportingYear.parse(key).previous.key)
        frames = [measures_by_year[key].frame] + ([before.frame] if before is not None else [])
        both = Measures(pl.concat(frames, how="vertical_relaxed"))
        line, status = reconcile_letter(entry, both, published=False, register=register)
        fixes = []
        if any(c.verdict == "contradicted" for c in summary_claims(entry, both, register=register)):
            fixes.append(
                "Check the letter's summary in ombudsman/publications.yaml against the letter."
            )
        if status == "unexplained":
            fixes.append("Add 'basis' to the letter's entry in ombudsman/publications.yaml.")
        elif status == "no_figures":
            fixes.append(
                "Add 'determinations' and 'maladministration_rate' to its entry in "
                "ombudsman/publications.yaml."
            )
        if fixes:
            problems.setdefault(key, []).append(f"Ombudsman letter: {line} {' '.join(fixes)}")
    return problems
