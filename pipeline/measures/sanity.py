"""Sanity rules on the written ``measures`` rows (the asset checks in pipeline/defs/measures).

Each rule is a query returning the offending rows, so a failed check can show them. ``RULES`` are
errors (blocking checks); ``WARNINGS`` are findings a user should act on that do not make the
figures wrong, some only for landlords whose landlord.yaml asks for them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from pipeline.config import Landlord
from pipeline.measures import resolve_data_cut
from pipeline.periods import ReportingYear

# rule name -> (description, query over measures rows of one landlord and year)
RULES: dict[str, tuple[str, str]] = {
    "ch02_at_most_100": (
        "CH02 in time never exceeds the complaints received (numerator <= denominator)",
        "measure like 'CH02\\__' escape '\\' and numerator > denominator",
    ),
    "stock_for_every_stock_type_with_complaints": (
        "A stock type with TSM complaints has homes at the year end (else CH01 is [U])",
        "measure like 'CH01\\__' escape '\\' and breakdown_value <> 'combined' "
        "and numerator > 0 and coalesce(denominator, 0) <= 0",
    ),
    "percentages_within_0_100": (
        "Every percentage lies within 0..100",
        "unit = 'percent' and value is not null and (value < 0 or value > 100)",
    ),
}


@dataclass(frozen=True)
class WarningRule:
    """A warning: what it means, the measures rows that raise it, and which landlords it is for."""

    description: str
    condition: str
    finding: str
    advice: str
    applies: Callable[[Landlord], bool] = lambda landlord: True
    # only once the year has ended at the data cut (what is missing may yet come in the year)
    ended_years_only: bool = False


WARNINGS: dict[str, WarningRule] = {
    "tsm_survey_responses_in_year": WarningRule(
        "A reporting year with English homes has TSM perception survey responses (else TP09 and "
        "its return fields are [U] or zero)",
        "period_kind = 'year' and measure = 'TP09_survey_respondents' "
        "and breakdown = 'stock_type' and breakdown_value = 'combined' "
        "and coalesce(numerator, 0) = 0 and exists ("
        "select 1 from measures as homes where homes.landlord_id = measures.landlord_id "
        "and homes.period = measures.period and homes.measure = 'stock_units' "
        "and homes.breakdown_value = 'combined' and homes.numerator > 0)",
        finding="no TSM perception survey response is dated in the reporting year, so TP09 and "
        "its return fields are [U] or zero",
        advice="check that surveys/ holds the year's TSM survey file, that its mapping matches "
        "it, and that its survey dates fall in the reporting year (1 April to 31 March)",
        # a year in progress may not have reached its survey wave yet
        ended_years_only=True,
    ),
    "complaints_in_year": WarningRule(
        "A reporting year with English homes has complaints (else the TSM return says CH01 0.0 "
        "per 1,000 homes, usually because no complaint export was read)",
        "period_kind = 'year' and measure = 'complaints_received' and breakdown = 'none' "
        "and coalesce(numerator, 0) = 0 and exists ("
        "select 1 from measures as homes where homes.landlord_id = measures.landlord_id "
        "and homes.period = measures.period and homes.measure = 'stock_units' "
        "and homes.breakdown_value = 'combined' and homes.numerator > 0)",
        finding="no complaint was received in the reporting year, so the TSM return says CH01 "
        "0.0 per 1,000 homes and CH02 [U]",
        advice="check that exports/ holds the year's complaint export, that a complaint "
        "mapping's files pattern matches it (the load names each file no mapping reads, and "
        "each mapping that matches no file), and that its received dates fall in the reporting "
        "year (1 April to 31 March)",
    ),
    "tsm_complaints_in_year": WarningRule(
        "A reporting year with English homes and English complaints has complaints in the TSM "
        "count (else CH01 is 0.0 and CH02 [U], usually a tenure the mapping does not give)",
        "period_kind = 'year' and measure = 'CH01_1' and breakdown = 'stock_type' "
        "and breakdown_value = 'combined' and coalesce(numerator, 0) = 0 "
        "and coalesce(denominator, 0) > 0 and exists ("
        "select 1 from measures as english where english.landlord_id = measures.landlord_id "
        "and english.period = measures.period and english.measure = 'received_1' "
        "and english.breakdown = 'regime' and english.breakdown_value = 'eng' "
        "and english.numerator > 0)",
        finding="English stage 1 complaints were received in the reporting year but none is in "
        "the TSM count (tenants of owned LCRA or LCHO homes), so CH01 is 0.0 per 1,000 homes "
        "and CH02 is [U]",
        advice="check the complaint mapping's tenure (each of the export's tenure values coded "
        "lcra, lcho, leaseholder or other; a blank or unmapped tenure is unknown and never in "
        "the TSMs) and is_tenant_of_owned_stock",
    ),
    "complainant_survey_every_complainant": WarningRule(
        "Every complaint closed in the year was sent a complainant survey, as landlord.yaml "
        "complainant_survey: every_complainant says",
        "period_kind = 'year' and measure = 'complainant_survey_coverage' "
        "and breakdown = 'none' and value < 100",
        finding="some complaints closed in the year were not sent a complainant survey, though "
        "landlord.yaml says complainant_survey: every_complainant (see the annual report's "
        "complainant survey coverage)",
        advice="check that the complainant survey export covers every closed complaint, or set "
        "complainant_survey: monthly_sample if only a sample is surveyed",
        applies=lambda landlord: landlord.complainant_survey == "every_complainant",
        # in a year in progress the last weeks' closures may not have been sent theirs yet
        ended_years_only=True,
    ),
}


def sanity_failures(
    con: duckdb.DuckDBPyConnection, landlord_id: str, year: ReportingYear, rule: str
) -> list[tuple]:
    """Rows of ``measures`` breaking ``rule`` for the landlord's year, quarters and months.

    Returns
    -------
    list of tuple
        (period, measure, breakdown, breakdown_value, view, numerator, denominator, value).
    """
    _, condition = RULES[rule]
    return _failing_rows(con, landlord_id, year, condition)


def sanity_message(rule: str, failures: list[tuple], year: ReportingYear) -> str | None:
    """What a failed blocking rule means for the user: the file and key to change, by name."""
    if not failures:
        return None
    if rule == "stock_for_every_stock_type_with_complaints":
        types = sorted({row[3] for row in failures})
        end = year.end.isoformat()
        return (
            f"landlord.yaml key 'stock' has no units owned at year end {end} for stock type "
            f"{', '.join(types)}, which has complaints in {year.key}; "
            f"add a row such as '- {{year_end: {end}, stock_type: {types[0]}, country: eng, "
            "units_owned: <homes owned>}' and run again"
        )
    shown = "; ".join(
        f"{period} {measure} {breakdown}={value}"
        for period, measure, breakdown, value, *_ in failures[:5]
    )
    more = f" (and {len(failures) - 5:,} more)" if len(failures) > 5 else ""
    return f"{RULES[rule][0]}: broken by {shown}{more}"


def warning_failures(
    con: duckdb.DuckDBPyConnection, landlord: Landlord, year: ReportingYear, rule: str
) -> list[tuple]:
    """Rows of ``measures`` raising the warning ``rule`` (none when it is not for this landlord).

    Returns
    -------
    list of tuple
        As :func:`sanity_failures`.
    """
    warning = WARNINGS[rule]
    if not warning.applies(landlord):
        return []
    if warning.ended_years_only and resolve_data_cut(landlord) < year.end:
        return []
    return _failing_rows(con, landlord.landlord_id, year, warning.condition)


def warning_message(rule: str, failures: list[tuple]) -> str | None:
    """The sentence a user reads for a raised warning, naming the periods and what to check."""
    if not failures:
        return None
    periods = ", ".join(sorted({row[0] for row in failures}))
    warning = WARNINGS[rule]
    return f"{periods}: {warning.finding}; {warning.advice}"


def _failing_rows(
    con: duckdb.DuckDBPyConnection, landlord_id: str, year: ReportingYear, condition: str
) -> list[tuple]:
    return con.execute(
        f"""
        select period, measure, breakdown, breakdown_value, view, numerator, denominator, value
        from measures
        where landlord_id = $landlord_id
            and period_start >= $start and period_end <= $end
            and ({condition})
        order by period, measure, breakdown_value
        """,  # noqa: S608 - condition is one of the constant RULES or WARNINGS above
        {"landlord_id": landlord_id, "start": year.start, "end": year.end},
    ).fetchall()
