"""Short published reports per scheme and per business unit (seed 000: "individual scheme reports").

Housing 21 shares its results "across the organisation, as well as the individual scheme reports",
and with all residents "via scheme newsletters"; design.md s7 asks for "a per-scheme or
per-business-unit version where the data has schemes". Each report is one page of figures for one
scheme (breakdown ``scheme``) or one business unit (breakdown ``business_stream``: the schemes of
a landlord.yaml ``business_streams`` entry rolled up by ``sql/measures/_business_streams.sql``),
beside the same figures
for the landlord as a whole. Every figure is a row of the ``measures`` table; the reports are
published, so counts under 5 are shown as ``<5`` and rates resting on fewer than 5 complaints as
``[c]``, with the secondary suppression of :func:`pipeline.reporting.suppression.suppress_small_numbers`
applied across all schemes at once (so no scheme's hidden count can be worked out from the others).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipeline.config import Landlord
from pipeline.measures import resolve_data_cut
from pipeline.periods import ReportingYear, to_data_cut
from pipeline.reporting.annual import money_not_recorded_note
from pipeline.reporting.blocks import Section, shown
from pipeline.reporting.committee import NONE_RECORDED
from pipeline.reporting.committee_cut import data_cut_intro
from pipeline.reporting.data import Measures
from pipeline.reporting.labels import RECEIVED_NAMES, ack_name, in_time_name, label
from pipeline.reporting.pdf import PdfPrinter
from pipeline.reporting.residents import how_to_complain
from pipeline.reporting.suppression import SUPPRESSED_RATE, suppress_small_numbers
from pipeline.reporting.tables import data_table

SCHEME = "scheme"
BUSINESS_UNIT = "business_stream"
KINDS = {SCHEME: "scheme", BUSINESS_UNIT: "business unit"}
OUTCOME_ORDER = ("upheld", "partially_upheld", "not_upheld", "withdrawn", "discontinued")

# (label, measure, view) of the unit's figures; every measure here has scheme and business-unit rows.
UNIT_METRICS = (
    (RECEIVED_NAMES["received_1"], "received_1", None),
    (RECEIVED_NAMES["received_2"], "received_2", None),
    (ack_name(1), "ack_in_time_1", None),
    (ack_name(2), "ack_in_time_2", None),
    (in_time_name(1, "regulator"), "response_in_time_1", "regulator"),
    (in_time_name(1, "management"), "response_in_time_1", "management"),
    (in_time_name(2, "regulator"), "response_in_time_2", "regulator"),
    (in_time_name(2, "management"), "response_in_time_2", "management"),
    ("Compensation paid", "compensation_paid_gbp", None),
)

SUPPRESSION_NOTE = (
    "<5: fewer than 5 (not shown, to protect the residents involved). [c]: a rate resting on fewer "
    "than 5 complaints or leaving fewer than 5 by subtraction from its total, a sum of money made "
    "up of fewer than 5 payments, or hidden so that another hidden figure cannot be worked out."
)


@dataclass(frozen=True)
class Unit:
    """One scheme or business unit as the measures table names it."""

    breakdown: str  # 'scheme' | 'business_stream'
    name: str
    file_name: str | None = None  # set by :func:`units` when two names share a slug

    @property
    def kind(self) -> str:
        return KINDS[self.breakdown]

    @property
    def slug(self) -> str:
        return self.file_name or slugify(self.name)


# Longest slug kept as typed: a scheme cell can hold a pasted note thousands of characters long,
# and a file name over the file system's limit (255 bytes) stopped the run with an error quoting
# the whole name.
SLUG_MAX = 60


def slugify(name: str) -> str:
    """A file name for a scheme: ``St Hilda's Court (Extra Care)`` -> ``st-hildas-court-extra-care``.

    A name longer than :data:`SLUG_MAX` characters is cut there and ends with a short hash of the
    whole name, so two long names sharing a beginning still get two files.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower().replace("'", "")).strip("-")
    if len(slug) > SLUG_MAX:
        return _hashed(slug[:SLUG_MAX].rstrip("-"), name)
    return slug or "unnamed"


# Breakdown values that name no scheme: 'unknown' (no scheme recorded) and 'other' (the values
# stored as 'other': a name or contact details typed into the scheme field, a value not in the
# mapping's codes). A published page "Complaints at other" gathered several schemes under no name.
NOT_A_SCHEME = frozenset({"unknown", "other"})


def units(measures: Measures, year: ReportingYear, breakdown: str) -> list[Unit]:
    """The schemes (or business units) with complaints received in ``year``, 'unknown' (and for
    schemes 'other') left out."""
    names = measures.breakdown("received_1", year, breakdown)["breakdown_value"].to_list()
    named = sorted(set(names) - (NOT_A_SCHEME if breakdown == SCHEME else {"unknown"}))
    # "ABBEY MEWS" and "Abbey Mews", or two names in another script ("unnamed"), share a slug:
    # each gets the hash of its own name too, so no page or section id overwrites another's
    shared = Counter(slugify(name) for name in named)
    return [
        Unit(breakdown, name, _hashed(slugify(name), name) if shared[slugify(name)] > 1 else None)
        for name in named
    ]


def _hashed(slug: str, name: str) -> str:
    return f"{slug}-{hashlib.sha256(name.encode('utf-8')).hexdigest()[:8]}"


def unit_section(
    measures: Measures, landlord: Landlord, year: ReportingYear, unit: Unit
) -> Section:
    """One scheme's (or business unit's) figures: this year, last year and the landlord's."""
    section = Section(f"{unit.breakdown}-{unit.slug}", unit.name)
    previous = year.previous
    whole = f"All of {landlord.name}, {year.label}"
    records = []
    unknown_year = False
    for text, measure, view in UNIT_METRICS:
        if view == "regulator" and measure.startswith("response_in_time_"):
            # the unit's answers (and the landlord's, beside them) may be Scottish ones
            text = in_time_name(int(measure[-1]), view, regimes=landlord.regimes)
        cells = [
            measures.get(measure, year, unit.breakdown, unit.name, view),
            measures.get(measure, previous, unit.breakdown, unit.name, view),
            measures.get(measure, year, "none", "all", view),
        ]
        if cells[0] is not None or cells[1] is not None:
            # no row for the unit: nothing of that kind was recorded there that year, unless the
            # landlord has no figure for the year at all (before its data begins): not available
            known = [
                measures.get(measure, period, "none", "all", view) is not None
                for period in (year, previous, year)
            ]
            unknown_year |= not all(known)
            records.append(
                [
                    text,
                    *(
                        shown(c) if c is not None else NONE_RECORDED if k else shown(None)
                        for c, k in zip(cells, known, strict=True)
                    ),
                ]
            )
    money_note = money_not_recorded_note(measures, [(None, year), (None, previous)])
    section.text(
        f"Complaints about {unit.name} in {year.label}, beside {previous.label} and the figures "
        f"for {landlord.name} as a whole."
    )
    section.add_table(
        data_table(
            f"tbl-{unit.slug}-figures",
            f"{unit.name}: complaint figures, {year.label}",
            pl.DataFrame(
                records,
                schema=["Measure", year.label, previous.label, whole],
                orient="row",
            ),
            note=f"{NONE_RECORDED}: none recorded. "
            + ("Not available: no figures for that year. " if unknown_year else "")
            + (f"{money_note} " if money_note else "")
            + SUPPRESSION_NOTE,
        ),
        empty=f"No complaint figures for {unit.name} in {year.label}.",
    )
    outcomes = outcome_table(measures, year, unit, landlord.thresholds.small_number_suppression)
    if outcomes is not None:
        section.add_table(outcomes)
    satisfaction = tp09_table(measures, year, unit)
    if satisfaction is not None:
        section.add_table(satisfaction)
    return section


def outcome_table(measures: Measures, year: ReportingYear, unit: Unit, threshold: int):
    """Stage 1 and stage 2 outcomes of the unit's closed complaints (shares, %).

    A share of a small group can give away a small count (one upheld complaint of seven is 14.3%),
    so each share whose complaints number under ``threshold`` is hidden as ``[c]``, with a second
    share hidden where one alone would follow from 100% minus the others: the counts behind the
    shares go through the same suppression as every published count.
    """
    records = []
    prefix = f"{unit.name}|"
    for stage in (1, 2):
        rows = measures.breakdown(f"outcome_{stage}", year, f"{unit.breakdown}|outcome").filter(
            pl.col("breakdown_value").str.starts_with(prefix)
        )
        if rows.is_empty():
            continue
        counts = suppress_small_numbers(
            rows.with_columns(pl.col("numerator").alias("value"), pl.lit("count").alias("unit")),
            threshold,
        )
        hidden = dict(zip(counts["breakdown_value"], counts["suppressed"], strict=True))
        shares = {
            value.removeprefix(prefix): SUPPRESSED_RATE if hidden[value] else (display or "[U]")
            for value, display in zip(rows["breakdown_value"], rows["display"], strict=True)
        }
        order = [o for o in OUTCOME_ORDER if o in shares] + sorted(
            o for o in shares if o not in OUTCOME_ORDER
        )
        records += [[f"Stage {stage}", label(o), shares[o]] for o in order]
    if not records:
        return None
    return data_table(
        f"tbl-{unit.slug}-outcomes",
        f"{unit.name}: outcomes of complaints closed in {year.label} (% of the stage's closed "
        "complaints)",
        pl.DataFrame(records, schema=["Stage", "Outcome", "Share (%)"], orient="row"),
        note=SUPPRESSION_NOTE,
    )


def tp09_table(measures: Measures, year: ReportingYear, unit: Unit):
    """TP09 for the unit, where the TSM survey records it and the unit has respondents."""
    tp09 = measures.get("TP09", year, unit.breakdown, unit.name, "regulator")
    respondents = measures.get("TP09_respondents", year, unit.breakdown, unit.name, "regulator")
    if tp09 is None or respondents is None or respondents["display"] in ("0", "[U]"):
        return None
    return data_table(
        f"tbl-{unit.slug}-tp09",
        f"{unit.name}: satisfaction with our approach to complaints (TP09), {year.label}",
        pl.DataFrame(
            [[shown(tp09), shown(respondents)]],
            schema=["Satisfied (%)", "Respondents"],
            orient="row",
        ),
        note="Tenant satisfaction survey respondents who had complained in the last 12 months.",
    )


def overview_section(
    landlord: Landlord,
    year: ReportingYear,
    schemes: list[Unit],
    business_units: list[Unit],
    measures: Measures,
) -> Section:
    section = Section("about", "About these reports")
    section.text(
        f"One page of complaint figures for each scheme and business unit of {landlord.name} in "
        f"{year.label}, from the same figures as our annual complaints report. Small numbers are "
        "hidden to protect the residents involved."
    )
    section.text(SUPPRESSION_NOTE)
    if business_units:
        section.text(f"Business units: {', '.join(u.name for u in business_units)}.")
    if schemes:
        section.text(f"Schemes: {len(schemes)}.")
    received = measures.breakdown("received_1", year, SCHEME)["breakdown_value"]
    if schemes and received.is_in(sorted(NOT_A_SCHEME)).any():
        section.text(
            "Complaints whose scheme is not recorded, or could not be shown, are in the figures "
            f"for {landlord.name} as a whole and have no page of their own."
        )
    return section


def render_scheme_reports(
    con: duckdb.DuckDBPyConnection,
    landlord: Landlord | str,
    year: str | ReportingYear,
    out_dir: Path,
    *,
    workspace: Path | None = None,
    pdf: bool = True,
    printer: PdfPrinter | None = None,
) -> dict[str, Path]:
    """Write one published report per scheme and per business unit, and all of them in one.

    ``schemes/<name>.html`` and ``business_units/<name>.html`` under ``out_dir`` (HTML, one page
    each, for a scheme newsletter or an email), and ``scheme_reports.html/.pdf``: every unit in
    one document with a contents list, for printing. Nothing is written when the exports carry no
    scheme.

    Returns
    -------
    dict[str, Path]
        ``{"html": scheme_reports.html, "pdf": ..., "schemes": folder, "business_units": folder}``
        (the folders only when they hold a report); empty when there is no scheme.
    """
    from pipeline.reporting import render

    landlord, _ = render._landlord(landlord, workspace)
    year = year if isinstance(year, ReportingYear) else ReportingYear.parse(year)
    measures = render._load(con, landlord, year.previous.start, year.end, published=True)
    found = {kind: units(measures, year, kind) for kind in (BUSINESS_UNIT, SCHEME)}
    if not any(found.values()):
        return {}
    out_dir = Path(out_dir)
    data_cut = render._data_cut(landlord)
    # a year the data cut falls in holds only the weeks to the cut: said in the heading and intro
    cut = resolve_data_cut(landlord)
    period_label = f"Reporting year {to_data_cut(year, cut).label}"
    intro = data_cut_intro(year, cut, document="report")
    paths: dict[str, Path] = {}
    # Each unit's page is built once: its own file and the combined document show the same one.
    pages = {
        (kind, unit.slug): unit_section(measures, landlord, year, unit)
        for kind in (BUSINESS_UNIT, SCHEME)
        for unit in found[kind]
    }
    for kind, folder in ((BUSINESS_UNIT, "business_units"), (SCHEME, "schemes")):
        for unit in found[kind]:
            render._write(
                out_dir / folder,
                unit.slug,
                # a scheme is a place ("at Oak Court"); a business unit is not ("Scotland")
                title=f"Complaints at {unit.name}"
                if kind == SCHEME
                else f"Complaints: {unit.name} ({unit.kind})",
                landlord=landlord,
                period_label=period_label,
                sections=[pages[kind, unit.slug], how_to_complain(landlord, measures, year)],
                data_cut=data_cut,
                published=True,
                intro=intro,
                pdf=False,
            )
        if found[kind]:
            paths[folder] = out_dir / folder
    sections = [overview_section(landlord, year, found[SCHEME], found[BUSINESS_UNIT], measures)]
    sections += [pages[kind, unit.slug] for kind in (BUSINESS_UNIT, SCHEME) for unit in found[kind]]
    combined = render._write(
        out_dir,
        "scheme_reports",
        title="Scheme and business-unit complaint reports",
        landlord=landlord,
        period_label=period_label,
        sections=sections,
        data_cut=data_cut,
        published=True,
        intro=intro,
        pdf=pdf,
        printer=printer,
    )
    return {**combined, **paths}
