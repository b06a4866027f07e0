"""Scheme names (and categories, root causes, learning themes) that differ only in case or
spaces are one (design.md section 6, "Breakdowns"; docs/mapping.md "Scheme names").

Case systems let staff type a scheme: 'Riverside Court', 'RIVERSIDE COURT' and 'Riverside  Court'
(two spaces) were three schemes, each with its own breakdown rows and scheme report, its
complaints and survey responses split between them (and small counts suppressed that together
would show). After the load every table's scheme is grouped by its name folded (lower case,
spaces trimmed and runs of them made one) and shown in the group's most frequent spelling (spaces
tidied; a tie goes to a spelling not in capitals, then the first in order), across every table
of the landlord, so a complaint and a survey response of one scheme agree. One query per table.
Categories, root causes and learning themes, which reports break figures down by too, are read
the same way within their table ('Damp and mould' and 'DAMP AND MOULD' in two years' exports).
"""

from __future__ import annotations

import duckdb

from pipeline.sql import ident

# The canonical tables with a scheme (sql/schema/canonical.sql).
SCHEME_TABLES = ("complaint", "tp09_response", "compliment")
# Each label read as one whatever its case and spaces: its column and the tables that share it.
LABEL_GROUPS = (
    ("scheme", SCHEME_TABLES),
    ("category", ("complaint",)),
    ("root_cause", ("complaint",)),
    ("theme", ("learning_action",)),
)

_TIDY = r"regexp_replace(trim({x}), '\s+', ' ', 'g')"


def _tidy(x: str) -> str:
    return _TIDY.format(x=x)


def merge_scheme_spellings(con: duckdb.DuckDBPyConnection, landlord_id: str) -> int:
    """Rewrite every scheme (category, root cause, theme: :data:`LABEL_GROUPS`) of
    ``landlord_id`` to its group's display spelling; return how many cells changed."""
    return sum(_merge(con, landlord_id, column, tables) for column, tables in LABEL_GROUPS)


def _merge(
    con: duckdb.DuckDBPyConnection, landlord_id: str, column: str, tables: tuple[str, ...]
) -> int:
    col = ident(column)
    cells = " union all ".join(
        f"select {col} as raw from {ident(t)} "  # noqa: S608
        f"where landlord_id = $landlord_id and {col} is not null"
        for t in tables
    )
    # Grouped by the values as written first (a few hundred), so the tidying and the rewrite
    # touch only the groups whose cells change: most landlords' labels are all spelled alike, and
    # an update joined over every row cost 0.2 s of a 100,000-complaint load for nothing.
    con.execute(
        f"""
        create or replace temp table _scheme_names as
        with raws as (select raw, count(*) as n from ({cells}) group by all),
        spelled as (select raw, {_tidy("raw")} as spelling, n from raws),
        counted as (
            select lower(spelling) as key, spelling, sum(n) as n from spelled group by all
        ),
        shown as (
            select key, first(spelling order by n desc, spelling = upper(spelling), spelling)
                as display
            from counted group by key
        )
        select key, display from shown
        where exists (
            select 1 from spelled where lower(spelled.spelling) = shown.key
                and spelled.raw <> shown.display
        )
        """,  # noqa: S608 - table names from SCHEME_TABLES
        {"landlord_id": landlord_id},
    )
    if not con.execute("select count(*) from _scheme_names").fetchone()[0]:
        con.execute("drop table _scheme_names")
        return 0
    changed = 0
    try:
        for table in tables:
            name = ident(table)
            found = con.execute(
                f"update {name} set {col} = m.display from _scheme_names m "  # noqa: S608
                f"where {name}.landlord_id = $landlord_id and {name}.{col} is not null "
                f"and lower({_tidy(f'{name}.{col}')}) = m.key "
                f"and {name}.{col} is distinct from m.display",
                {"landlord_id": landlord_id},
            ).fetchone()
            changed += int(found[0]) if found else 0
    finally:
        con.execute("drop table if exists _scheme_names")
    return changed
