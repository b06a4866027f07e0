"""Survey weights no weighting scheme gives (TP09, design.md section 6): rule ``weight_implausible``.

A weight of 0 or below is quarantined as ``out_of_range`` by the pandera model's bound
(``gt=0``). Above it there was no bound: a weight of 1e6, or 80 among weights near 1, was used as
given, and TP09 became that one respondent's answer (docs/measures.md, TP09).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

import duckdb

from pipeline.sources.fields import RULE_TEXT, RecordPlan
from pipeline.sql import ident, lit

if TYPE_CHECKING:
    from pipeline.config import Landlord

# A survey weight more than this many times the median of its file's weights of the same stock
# type is implausible: weight trimming caps weights at a few times the median, and a weighting by
# stock type, area or age gives ratios well under it.
WEIGHT_MEDIAN_FACTOR = 10


class _Staged(Protocol):
    typed: str
    records: list[RecordPlan]


def homes(landlord: Landlord) -> int:
    """The most homes the landlord has owned in any year, or surveys from (0 when none given)."""
    years: dict[object, int] = {}
    for row in landlord.stock:
        years[row.year_end] = years.get(row.year_end, 0) + row.units_owned
    return max([*years.values(), sum(landlord.tp09_population.values())], default=0)


def implausible_weights(
    con: duckdb.DuckDBPyConnection, planned: Sequence[_Staged], landlord: Landlord
) -> None:
    """Add to ``_issues`` the TP09 responses whose weight is implausibly large.

    Implausible is more than :data:`WEIGHT_MEDIAN_FACTOR` times the median weight of the same
    file and stock type (the ratio holds for normalised weights, mean 1, and grossing ones, mean
    homes / responses, alike: a survey weighted by stock type is judged per stock type), or more
    than the landlord's homes (no response stands for more). Rows already quarantined for another
    reason do not count towards the median. Set-based: one window query per survey mapping.
    Quarantined, not stopped: the response leaves TP09 with its reason counted and named in
    the data-quality report, and the rest of the survey is still reported.
    """
    most = homes(landlord)
    selects = []
    for item in planned:
        for record in item.records:
            plan = record.fields.get("weight")
            if record.table != "tp09_response" or plan is None:
                continue
            if plan.spec is None or plan.spec.column is None:
                continue  # a constant weight (1 unless weighted)
            weight, stock = record.col("weight"), record.col("stock_type")
            text = (
                f"weight_implausible: {RULE_TEXT['weight_implausible']} "
                f"(tp09_response.weight, column '{plan.source_name}')"
            )
            too_many = f" or w > {int(most)}" if most > 0 else ""
            selects.append(
                f"select __file, __row, {lit(record.name)}, 'tp09_response', "  # noqa: S608
                f"{lit(plan.source_name)}, 'weight_implausible', {lit(text)}, "
                f"cast(w as varchar) from (select __file, __row, {weight} as w, "
                f"median({weight}) over (partition by __file, {stock}) as m "
                f"from {item.typed} t where ({record.exists}) and {weight} > 0 "
                "and not exists (select 1 from _issues i where i.__file = t.__file "
                f"and i.__row = t.__row)) where w > {WEIGHT_MEDIAN_FACTOR} * m{too_many}"
            )
    if selects:
        con.execute("insert into _issues " + " union all ".join(selects))


def missing_weight_selects(planned: _Staged, names: dict[str, str], source_rows: str) -> list[str]:
    """Issue selects for blank weights in a weighted survey file (``weight_missing``).

    A response whose weight cell is blank where the same file's other responses have one was
    read as the default weight 1: counted as if unweighted in a weighted survey (a grossing
    weight is often 30 or more, a normalised one anything around 1), shifting TP09 without a
    word. A file with no weight at all is an unweighted survey and reads as 1, as does a blank
    where the mapping sets the weight's ``default``. ``source_rows`` is SQL for the mapping's
    data rows (cells trimmed, blank as null), read before the typed table drops their cells.
    """
    selects = []
    for record in planned.records:
        plan = record.fields.get("weight")
        if record.table != "tp09_response" or plan is None or plan.spec is None:
            continue
        if plan.spec.column is None or plan.spec.default is not None:
            continue
        cell = ident(names[plan.spec.column])
        text = (
            f"weight_missing: {RULE_TEXT['weight_missing']} "
            f"(tp09_response.weight, column '{plan.source_name}')"
        )
        selects.append(
            f"select s.__file, s.__row, {lit(record.name)}, 'tp09_response', "  # noqa: S608
            f"{lit(plan.source_name)}, 'weight_missing', {lit(text)}, null "
            f"from (select __file, __row, {cell} as w, count({cell}) over (partition by __file) "
            f"as weighted from ({source_rows})) s join {planned.typed} t "
            "on t.__file = s.__file and t.__row = s.__row "
            f"where s.w is null and s.weighted > 0 and ({record.exists})"
        )
    return selects
