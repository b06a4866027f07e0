"""Regulators' returns per landlord and reporting year: RSH TSM return and SHR ARC return.

Thin wrappers over :mod:`pipeline.returns`: they read the landlord's ``measures`` (read-only) and
write the files into the year's documents folder.
"""

import dagster as dg

from pipeline.partitions import (
    BACKFILL_POLICY,
    landlord_year_partitions,
    per_year,
    whole_years_only,
)
from pipeline.resources import ComplaintsStore
from pipeline.returns import (
    arc_return_fields,
    tsm_return_fields,
    write_arc_return,
    write_tsm_return,
)
from pipeline.step_errors import scrubbed_errors


@dg.asset(
    name="tsm_return",
    group_name="returns",
    partitions_def=landlord_year_partitions,
    backfill_policy=BACKFILL_POLICY,
    deps=["measures"],
    kinds={"duckdb", "csv", "excel"},
    pool="duckdb",  # reads the landlord's DuckDB file, which a writer would hold locked
    description="RSH Tenant Satisfaction Measures return (CH01, CH02, TP09) with the RSH Data "
    "Dictionary field codes, as tsm_return.csv and tsm_return.xlsx, plus the summary of approach.",
)
@scrubbed_errors
def tsm_return(context: dg.AssetExecutionContext, store: ComplaintsStore) -> dg.MaterializeResult:
    return per_year(
        context,
        whole_years_only(
            store, "TSM return", lambda landlord_id, year: _tsm_return(store, landlord_id, year)
        ),
    )


def _tsm_return(store: ComplaintsStore, landlord_id: str, year: str) -> dg.MaterializeResult:
    landlord = store.landlord(landlord_id)
    if "eng" not in landlord.regimes:  # the TSMs are England's (design.md s6)
        return dg.MaterializeResult(
            metadata={"row_count": 0, "status": "no English stock: no TSM return"}
        )
    with store.connect(landlord_id, read_only=True) as con:
        fields = tsm_return_fields(con, landlord, year)
        paths = write_tsm_return(con, landlord, year, store.documents(landlord_id, year))
    headline = {
        f.field_code: f.text()
        for f in fields
        if f.field_code.endswith("_LCRA")
        and ("Calculated_Value" in f.field_code or "Satisfied_Calc" in f.field_code)
    }
    reported = [f for f in fields if f.field_code and f.value is not None]
    preview = "\n".join(
        f"| {code} | {value or 'not reported'} |" for code, value in headline.items()
    )
    return dg.MaterializeResult(
        metadata={
            "row_count": len(fields),
            "fields_reported": len(reported),
            "csv": dg.MetadataValue.path(str(paths[0])),
            "xlsx": dg.MetadataValue.path(str(paths[1])),
            **{code: value for code, value in headline.items()},
            "preview": dg.MetadataValue.md(f"| field | value |\n|---|---|\n{preview}"),
        }
    )


@dg.asset(
    name="arc_return",
    group_name="returns",
    partitions_def=landlord_year_partitions,
    backfill_policy=BACKFILL_POLICY,
    deps=["measures"],
    kinds={"duckdb", "csv"},
    pool="duckdb",
    description="Scottish Housing Regulator ARC complaint indicators 3 and 4 (stage 1 and 2: "
    "received, responded to in full, %, mean working days) for Scottish stock, as arc_return.csv.",
)
@scrubbed_errors
def arc_return(context: dg.AssetExecutionContext, store: ComplaintsStore) -> dg.MaterializeResult:
    return per_year(
        context,
        whole_years_only(
            store, "ARC return", lambda landlord_id, year: _arc_return(store, landlord_id, year)
        ),
    )


def _arc_return(store: ComplaintsStore, landlord_id: str, year: str) -> dg.MaterializeResult:
    landlord = store.landlord(landlord_id)
    if "sct" not in landlord.regimes:
        return dg.MaterializeResult(
            metadata={"row_count": 0, "status": "no Scottish stock: no ARC return"}
        )
    with store.connect(landlord_id, read_only=True) as con:
        paths = write_arc_return(con, landlord, year, store.documents(landlord_id, year))
        rows = arc_return_fields(con, landlord, year)
    values = {f"stage{r[1]}_{r[2]}": str(r[4]) for r in rows}
    preview = "\n".join(f"| {r[0]} | {r[1]} | {r[3]} | {r[4]} |" for r in rows)
    return dg.MaterializeResult(
        metadata={
            "row_count": len(rows),
            "csv": dg.MetadataValue.path(str(paths[0])),
            **values,
            "preview": dg.MetadataValue.md(
                f"| indicator | stage | line | value |\n|---|---|---|---|\n{preview}"
            ),
        }
    )
