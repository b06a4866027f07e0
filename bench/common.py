"""What the benchmark's implementations share: the result shape and how results are compared.

Every implementation (the pipeline, the DuckDB floor, the pandas script) is reduced to one tidy
table of the figures the benchmark checks, with these columns:

``year`` ('2024-25'), ``measure``, ``breakdown_value``, ``numerator``, ``denominator``.

Measures (design.md sections 5 and 6):

- ``CH01_1``, ``CH01_2`` per stock type ``lcra``, ``lcho``, ``combined``: stage n complaints received
  in the year (English, tenants of owned stock, not refused) / units owned at year end.
- ``CH02_1``, ``CH02_2``: of those, responded in time (regulator view, Code extension caps) / the
  CH01 numerator; ``CH02_n_without_ext`` and ``CH02_n_with_ext`` split that numerator.
- ``ACK_1``, ``ACK_2`` per regime ``eng``, ``sct``: non-refused stages with an acknowledgement step
  received in the year (every tenure), acknowledged within the limit / all of them.
- ``TP09`` per stock type: weighted very + fairly satisfied / weighted five answers, among responses
  in the year from tenants who complained in the last 12 months.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import yaml

RESULT_SCHEMA = {
    "year": pl.String,
    "measure": pl.String,
    "breakdown_value": pl.String,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
}

# The regulator view caps agreed extensions at the Code's (England) or SPSO's (Scotland) limits,
# whatever the landlord's policy says (design.md section 5).
REGULATOR_EXTENSION_CAP = {("eng", 1): 10, ("eng", 2): 20, ("sct", 1): 5, ("sct", 2): 10}


def reporting_years(workspace: Path) -> list[str]:
    """Reporting years with stock in the workspace's landlord.yaml, e.g. ['2021-22', ...]."""
    landlord = read_landlord(workspace)
    ends = sorted({row["year_end"] for row in landlord["stock"]})
    return [f"{end.year - 1}-{str(end.year)[2:]}" for end in ends]


def read_landlord(workspace: Path) -> dict:
    """landlord.yaml as plain data (the baselines do not use the product's config model)."""
    return yaml.safe_load((Path(workspace) / "landlord.yaml").read_text(encoding="utf-8"))


def year_bounds(year: str) -> tuple[dt.date, dt.date]:
    start = int(year[:4])
    return dt.date(start, 4, 1), dt.date(start + 1, 3, 31)


def normalise(frame: pl.DataFrame) -> pl.DataFrame:
    """Cast to the result schema, sort, and keep only the columns the comparison uses."""
    return (
        frame.select([pl.col(c).cast(t) for c, t in RESULT_SCHEMA.items()])
        .sort("year", "measure", "breakdown_value")
        .with_columns(pl.col("numerator").round(6), pl.col("denominator").round(6))
    )


def compare(reference: pl.DataFrame, other: pl.DataFrame, name: str = "other") -> list[str]:
    """Differences between two result tables, as readable lines (empty = they agree).

    Rows are matched on (year, measure, breakdown_value); a row present on one side only is a
    difference, and numerators and denominators must agree to 1e-6 (weights are floats).
    """
    keys = ["year", "measure", "breakdown_value"]
    ref, oth = normalise(reference), normalise(other)
    joined = ref.join(oth, on=keys, how="full", suffix="_o", coalesce=True)
    problems = []
    for row in joined.iter_rows(named=True):
        label = f"{row['year']} {row['measure']} {row['breakdown_value']}"
        if row["numerator"] is None and row["denominator"] is None:
            problems.append(f"{label}: only in {name}")
        elif row["numerator_o"] is None and row["denominator_o"] is None:
            problems.append(f"{label}: missing from {name}")
        else:
            for part in ("numerator", "denominator"):
                a, b = row[part], row[f"{part}_o"]
                if a is None and b is None:
                    continue
                if a is None or b is None or abs(a - b) > 1e-6:
                    problems.append(f"{label}: {part} {a} vs {name} {b}")
    return problems
