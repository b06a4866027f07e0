"""Sanity rules on the written ``measures`` rows (the asset checks in pipeline/defs/measures).

Each rule is a query returning the offending rows, so a failed check can show them.
"""

from __future__ import annotations

import duckdb

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
    return con.execute(
        f"""
        select period, measure, breakdown, breakdown_value, view, numerator, denominator, value
        from measures
        where landlord_id = $landlord_id
            and period_start >= $start and period_end <= $end
            and ({condition})
        order by period, measure, breakdown_value
        """,  # noqa: S608 - condition is one of the constant RULES above
        {"landlord_id": landlord_id, "start": year.start, "end": year.end},
    ).fetchall()
