"""A residents' complaint panel's sample of closed complaints (seed 000 s10.1), beside the pack.

``complaint_panel`` in landlord.yaml (sample size and seed) asks for it. The draw is set-based SQL
(``sql/reporting/panel_sample.sql``) over ``stage_timeliness``: reproducible for a seed, a period
and a load, and holding no personal data (the reference is the pseudonymous complaint id, which the
complaints team can match in the case system with the same key).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import duckdb
import polars as pl

from pipeline.config import Landlord
from pipeline.io import atomic_write_bytes, safe_cell
from pipeline.measures import resolve_data_cut, stage_timeliness
from pipeline.periods import Period
from pipeline.sql import load_sql

PANEL_FILE = "panel_sample.csv"


def panel_sample(
    con: duckdb.DuckDBPyConnection,
    landlord: Landlord,
    period: Period,
    data_cut: dt.date | None = None,
) -> pl.DataFrame:
    """The period's sample of closed complaints for the panel (empty without ``complaint_panel``).

    Parameters
    ----------
    con
        The landlord's DuckDB (canonical tables); read-only is enough (temp tables only).
    landlord
        landlord.yaml: ``complaint_panel`` gives the sample size and seed.
    period
        The committee pack's quarter (or month).
    data_cut
        Default ``landlord.data_cut_date``, else today.

    Returns
    -------
    polars.DataFrame
        One row per complaint drawn, in draw order (see the SQL file for the columns).
    """
    panel = landlord.complaint_panel
    if panel is None:
        return pl.DataFrame()
    cut = resolve_data_cut(landlord, data_cut)
    stage_timeliness(con, landlord, cut)
    return con.sql(
        load_sql("reporting/panel_sample.sql"),
        params={
            "start": period.start,
            "end": period.end,
            "data_cut": cut,
            "period": period.key,
            "seed": panel.seed,
            "sample_size": panel.sample_size,
        },
    ).pl()


def write_panel_sample(
    con: duckdb.DuckDBPyConnection,
    landlord: Landlord,
    period: Period,
    out_dir: Path,
    data_cut: dt.date | None = None,
) -> tuple[Path | None, int]:
    """Write ``panel_sample.csv`` into ``out_dir`` (the committee pack's folder).

    Without ``complaint_panel`` in landlord.yaml no sample is drawn and an earlier file is removed,
    so the folder never holds a sample the configuration no longer asks for.

    Returns
    -------
    tuple
        The path written (None when no panel is configured) and the number of complaints drawn.
    """
    target = Path(out_dir) / PANEL_FILE
    if landlord.complaint_panel is None:
        target.unlink(missing_ok=True)
        return None, 0
    sample = panel_sample(con, landlord, period, data_cut)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(sample.columns)
    for row in sample.iter_rows():
        writer.writerow(["" if cell is None else safe_cell(cell) for cell in row])
    return atomic_write_bytes(target, buffer.getvalue().encode("utf-8-sig")), sample.height
