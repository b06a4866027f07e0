"""Seeded generator of benchmark landlord workspaces at any size (10 k to 1 M complaints and more).

One workspace holds the three export shapes of design.md section 3, with mapping files that follow
``docs/mapping.md`` and a ``landlord.yaml`` that ``pipeline.config.load_landlord`` accepts:

- ``exports/erica_complaints_<year>.csv``: wide, one row per complaint, one file per reporting year
  (stage 1 and stage 2 dates in columns, ``dd/mm/yyyy`` dates, ERICA-like codes);
- ``exports/homemaster_report.xlsx``: a case-management report with title rows, a header on row 4
  and a totals row; real Excel date cells. XLSX is impractical at sector scale (no case system
  exports a million rows to one workbook, and writing/reading it is slow in every tool), so only a
  share of the complaints goes there: 5 % of the English complaints, at most ``xlsx_max`` (default
  10 000);
- ``exports/stage_events.csv``: long, one row per stage event, ISO dates; all Scottish complaints
  (including SPSO stage 2 with no stage 1) and the rest of the English ones;
- ``surveys/tp09_responses.csv``: TSM perception survey responses (TP09).

Distributions are meant to look like a large English landlord with some Scottish homes: about 15 %
of stage 1 responses escalated, extensions (some beyond the Code's caps), receipts on weekends and
bank holidays, tenures lcra / lcho / leaseholder / other / unknown, homes managed for another owner,
anonymous, collective and refused complaints, open complaints at the data cut, and about 0.5 % dirty
rows (bad and future dates, response or acknowledgement before receipt, unknown codes, exact
duplicates, conflicting stage rows). Dirty rows are put only on single-stage complaints so that
every reasonable reading of the per-record quarantine rules gives the same measures.

Everything is vectorised (numpy + polars); a million complaints are written in seconds.

Usage::

    uv run python -m bench.generate --complaints 100000 [--seed 8] [--out bench/data]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import holidays
import numpy as np
import polars as pl
import xlsxwriter

DATA_ROOT = Path(__file__).resolve().parent / "data"

FIRST_DAY = dt.date(2021, 4, 1)  # four reporting years: 2021-22 .. 2024-25
LAST_DAY = dt.date(2025, 3, 31)
DATA_CUT = dt.date(2025, 4, 30)
REPORTING_YEARS = ["2021-22", "2022-23", "2023-24", "2024-25"]

# Office closures (both regimes) that the working-day calendar must also skip.
CLOSURES = [
    dt.date(2022, 12, 28),
    dt.date(2022, 12, 29),
    dt.date(2023, 12, 27),
    dt.date(2024, 12, 27),
]

# Complaint categories and the service area each belongs to (weights are shares of complaints).
CATEGORIES = {
    "Repairs - responsive": ("repairs", 0.34),
    "Repairs - damp and mould": ("repairs", 0.12),
    "Anti-social behaviour handling": ("asb_handling", 0.08),
    "Tenancy management": ("housing", 0.14),
    "Rent and service charges": ("housing", 0.10),
    "Estate services": ("other", 0.10),
    "Staff conduct": ("other", 0.07),
    "Care and support": ("care", 0.03),
    "Heat network": ("heat_network", 0.02),
}
SERVICE_AREA_LABEL = {
    "repairs": "Repairs",
    "asb_handling": "ASB",
    "housing": "Housing Management",
    "other": "Other",
    "care": "Care",
    "heat_network": "Heat Network",
}
CHANNELS = (["Phone", "Email", "Web", "Letter", "In person"], [0.38, 0.32, 0.2, 0.06, 0.04])

# Canonical outcome -> (wide CSV label, XLSX label, long CSV label)
OUTCOMES = {
    "upheld": ("Upheld", "UPH", "upheld"),
    "partially_upheld": ("Partially Upheld", "PUP", "partially upheld"),
    "not_upheld": ("Not Upheld", "NUP", "not upheld"),
    "withdrawn": ("Withdrawn", "WDN", "withdrawn"),
    "discontinued": ("Discontinued - legal action", "DIS", "discontinued"),
}
OUTCOME_KEYS = list(OUTCOMES)
OUTCOME_P = [0.36, 0.21, 0.37, 0.045, 0.015]

# Canonical tenure -> (wide label, XLSX code, long label); None means a blank cell (unknown).
TENURES = {
    "lcra": ("General Needs", "GN", "social rent"),
    "lcho": ("Shared Ownership", "SO", "shared ownership"),
    "leaseholder": ("Leasehold", "LH", "leaseholder"),
    "other": ("Market Rent", "MR", "market rent"),
    "unknown": (None, None, None),
}
TENURE_KEYS = list(TENURES)
TENURE_P = [0.77, 0.08, 0.08, 0.03, 0.04]

TP09_ANSWERS = {
    "very_satisfied": "Very satisfied",
    "fairly_satisfied": "Fairly satisfied",
    "neither": "Neither satisfied nor dissatisfied",
    "fairly_dissatisfied": "Fairly dissatisfied",
    "very_dissatisfied": "Very dissatisfied",
}

DIRTY_KINDS = [
    "bad_date",
    "future_date",
    "response_before_receipt",
    "ack_before_receipt",
    "unknown_code",
    "duplicate",
    "conflicting",
]


# The long export's columns (one row per stage event), in the order the file has them.
LONG_COLUMNS = [
    "case_reference",
    "stage",
    "event_date",
    "acknowledged_on",
    "extension_days",
    "responded_on",
    "outcome",
    "refused",
    "country",
    "tenure_type",
    "owned_by_landlord",
    "anonymous",
    "collective",
    "vulnerable",
    "category",
    "service_area",
    "channel",
]


def holiday_dates(regime: str, first_year: int = 2020, last_year: int = 2027) -> np.ndarray:
    """Bank holidays of one regime (England & Wales or Scotland) plus the closures, as datetime64[D]."""
    subdiv = {"eng": "ENG", "sct": "SCT"}[regime]
    days = set(
        holidays.country_holidays("GB", subdiv=subdiv, years=range(first_year, last_year + 1))
    )
    days |= set(CLOSURES)
    return np.array(sorted(days), dtype="datetime64[D]")


def _add_wd(dates: np.ndarray, offsets: np.ndarray, hol: np.ndarray) -> np.ndarray:
    """The ``offsets``-th working day after each date (day 0 = the date itself when offset is 0)."""
    out = np.busday_offset(dates, offsets, roll="backward", holidays=hol)
    return np.where(offsets == 0, dates, out)


def _received_dates(rng: np.random.Generator, n: int) -> np.ndarray:
    """Receipt dates with winter seasonality and fewer (but some) weekend and holiday receipts."""
    days = np.arange(np.datetime64(FIRST_DAY), np.datetime64(LAST_DAY) + 1)
    month = (days.astype("datetime64[M]").astype(int) % 12) + 1
    weight = 1.0 + 0.2 * np.cos(2 * np.pi * (month - 1) / 12)  # peak in January (damp, heating)
    weekday = (days.astype("datetime64[D]").view("int64") - 4) % 7  # 0 = Monday
    weight = np.where(weekday >= 5, weight * 0.2, weight)
    eng_hol = holiday_dates("eng")
    weight = np.where(np.isin(days, eng_hol), weight * 0.3, weight)
    weight = weight * np.linspace(0.9, 1.1, days.size)  # gentle growth over four years
    return rng.choice(days, size=n, p=weight / weight.sum())


def _stage(
    rng: np.random.Generator,
    received: np.ndarray,
    regime: np.ndarray,
    stage: int,
    hols: dict[str, np.ndarray],
) -> dict[str, np.ndarray]:
    """Acknowledgement, extension, response and outcome of one stage for every row."""
    n = received.size
    is_sct = regime == "sct"
    ack_limit = np.where(is_sct, 0 if stage == 1 else 3, 5)
    respond_limit = np.where(is_sct, 5 if stage == 1 else 20, 10 if stage == 1 else 20)
    ext_cap = np.where(is_sct, 5 if stage == 1 else 10, 10 if stage == 1 else 20)

    # Acknowledgement: mostly within the limit, some late, some missing; none for SPSO stage 1.
    ack_kind = rng.choice(3, size=n, p=[0.9, 0.07, 0.03])
    ack_wd = np.where(
        ack_kind == 0,
        rng.integers(0, np.maximum(ack_limit, 1) + 1),
        ack_limit + rng.integers(1, 6, size=n),
    )
    has_ack = (ack_kind != 2) & ~(is_sct & (stage == 1))

    # Extensions: ~12 % agreed, a few beyond the regulator's cap.
    ext_kind = rng.choice(3, size=n, p=[0.88, 0.1, 0.02])
    ext_wd = np.where(
        ext_kind == 1,
        rng.integers(1, ext_cap + 1),
        np.where(ext_kind == 2, ext_cap + rng.integers(1, 11, size=n), 0),
    )
    # Response: working days after the clock start. In time mostly; with an extension, inside or
    # just past it; some late.
    resp_kind = rng.choice(3, size=n, p=[0.86, 0.02, 0.12])
    within = rng.integers(0, respond_limit + 1)
    late = respond_limit + rng.integers(1, 25, size=n)
    resp_wd = np.where(resp_kind == 0, within, late)
    resp_wd = np.where(ext_wd > 0, respond_limit + rng.integers(0, ext_wd + 4), resp_wd)
    start_wd = np.where(has_ack & (ack_wd <= ack_limit), ack_wd, ack_limit)

    ack = np.empty(n, dtype="datetime64[D]")
    resp = np.empty(n, dtype="datetime64[D]")
    for reg in ("eng", "sct"):
        m = regime == reg
        ack[m] = _add_wd(received[m], ack_wd[m], hols[reg])
        resp[m] = _add_wd(received[m], start_wd[m] + resp_wd[m], hols[reg])
    # A few responses on a Saturday (sent by email at the weekend).
    weekend_reply = rng.random(n) < 0.01
    resp = np.where(weekend_reply, resp + 1, resp)

    outcome = rng.choice(len(OUTCOME_KEYS), size=n, p=OUTCOME_P)
    never = rng.random(n) < 0.01  # unanswered (counts as late)
    responded = ~never & (resp <= np.datetime64(DATA_CUT))
    refused = rng.random(n) < (0.01 if stage == 1 else 0.03)
    return {
        "ack": np.where(has_ack, ack, np.datetime64("NaT")),
        "ext": ext_wd,
        "resp": np.where(responded, resp, np.datetime64("NaT")),
        "outcome": np.where(responded, outcome, -1),  # -1 = open (blank)
        "refused": refused,
    }


def generate_frame(n: int, seed: int = 8) -> pl.DataFrame:
    """One row per complaint with canonical values (no dirt, no export formatting yet).

    Parameters
    ----------
    n
        Number of complaints.
    seed
        Random seed; the same seed and size give the same workspace.

    Returns
    -------
    polars.DataFrame
        Columns: case_ref, regime, tenure, owned, anonymous, collective, vulnerability, category,
        service_area, channel and per stage ``s{1,2}_{received,ack,ext,resp,outcome,refused}``.
    """
    rng = np.random.default_rng(seed)
    hols = {reg: holiday_dates(reg) for reg in ("eng", "sct")}
    received = _received_dates(rng, n)
    regime = np.where(rng.random(n) < 0.08, "sct", "eng")
    anonymous = rng.random(n) < 0.01
    tenure_idx = rng.choice(len(TENURE_KEYS), size=n, p=TENURE_P)
    tenure_idx = np.where(anonymous, TENURE_KEYS.index("unknown"), tenure_idx)
    cats = list(CATEGORIES)
    cat_p = np.array([CATEGORIES[c][1] for c in cats])
    cat_idx = rng.choice(len(cats), size=n, p=cat_p / cat_p.sum())

    s1 = _stage(rng, received, regime, 1, hols)
    # Escalation: ~15 % of responded, non-refused stage 1 complaints, 1-60 days after the response
    # (a few later than the policy's window), if requested by the data cut.
    gap = rng.integers(1, 61, size=n)
    gap = np.where(rng.random(n) < 0.03, rng.integers(61, 200, size=n), gap)
    s2_received = s1["resp"] + gap
    escalated = (
        ~np.isnat(s1["resp"])
        & ~s1["refused"]
        & (rng.random(n) < 0.165)
        & (s2_received <= np.datetime64(DATA_CUT))
    )
    # SPSO: a few Scottish complaints go straight to stage 2 (no stage 1).
    s2_only = (regime == "sct") & (rng.random(n) < 0.01)
    s2_received = np.where(s2_only, received, s2_received)
    has_s2 = escalated | s2_only
    s2 = _stage(rng, np.where(has_s2, s2_received, received), regime, 2, hols)

    def stage_cols(prefix: str, st: dict, received_dates: np.ndarray, exists: np.ndarray) -> dict:
        nat = np.datetime64("NaT")
        return {
            f"{prefix}_received": np.where(exists, received_dates, nat),
            f"{prefix}_ack": np.where(exists, st["ack"], nat),
            f"{prefix}_ext": np.where(exists, st["ext"], -1),
            f"{prefix}_resp": np.where(exists, st["resp"], nat),
            f"{prefix}_outcome": np.where(exists, st["outcome"], -1),
            f"{prefix}_refused": np.where(exists, st["refused"], False),
        }

    channel_idx = rng.choice(len(CHANNELS[0]), size=n, p=CHANNELS[1])

    def labels(values: list[str], idx: np.ndarray) -> pl.Series:
        # Gathering from a small polars Series avoids building numpy unicode arrays (slow).
        return pl.Series(values).gather(idx)

    frame = pl.DataFrame(
        {
            "row": np.arange(n),
            "regime": labels(["eng", "sct"], (regime == "sct").astype(np.int64)),
            "tenure": labels(TENURE_KEYS, tenure_idx),
            "owned": rng.random(n) >= 0.02,
            "anonymous": anonymous,
            "collective": rng.random(n) < 0.003,
            "vulnerability": rng.random(n) < 0.12,
            "category": labels(cats, cat_idx),
            "service_area": labels([CATEGORIES[c][0] for c in cats], cat_idx),
            "channel": labels(CHANNELS[0], channel_idx),
            **stage_cols("s1", s1, received, ~s2_only),
            **stage_cols("s2", s2, s2_received, has_s2),
        }
    ).with_columns(
        pl.format("CMP-{}", (pl.col("row") + 1).cast(pl.String).str.zfill(8)).alias("case_ref")
    )
    return frame


def _assign_files(frame: pl.DataFrame, rng: np.random.Generator, xlsx_max: int) -> pl.DataFrame:
    """Decide which export each complaint is in: Scottish -> long; English -> wide, long or XLSX."""
    n = frame.height
    english = (frame["regime"] == "eng").to_numpy()
    u = rng.random(n)
    eng_idx = np.flatnonzero(english)
    n_xlsx = min(int(round(0.05 * eng_idx.size)), xlsx_max)
    xlsx_rows = rng.choice(eng_idx, size=n_xlsx, replace=False) if n_xlsx else np.array([], int)
    shape = np.where(english & (u < 0.62), "wide", "long")
    shape[xlsx_rows] = "xlsx"
    return frame.with_columns(pl.Series("shape", shape))


def _add_dirt(frame: pl.DataFrame, rng: np.random.Generator, share: float) -> pl.DataFrame:
    """Mark ~``share`` of single-stage complaints dirty, one kind each (applied when formatting)."""
    n = frame.height
    single = (frame["s2_received"].is_null() & frame["s1_received"].is_not_null()).to_numpy()
    responded = frame["s1_resp"].is_not_null().to_numpy()
    acked = frame["s1_ack"].is_not_null().to_numpy()
    is_long = (frame["shape"] == "long").to_numpy()
    pick = single & (rng.random(n) < share)
    kind = np.array(DIRTY_KINDS)[rng.integers(0, len(DIRTY_KINDS), size=n)]
    # Kinds need something to break: a response, an acknowledgement, a long-shape row.
    kind = np.where((kind == "response_before_receipt") & ~responded, "bad_date", kind)
    kind = np.where((kind == "ack_before_receipt") & ~acked, "unknown_code", kind)
    kind = np.where((kind == "conflicting") & ~(is_long & responded), "duplicate", kind)
    return frame.with_columns(pl.Series("dirty", np.where(pick, kind, "")))


def _fmt(col: str, fmt: str) -> pl.Expr:
    return pl.col(col).dt.strftime(fmt)


def _yn(col: str, yes: str = "Y", no: str = "N") -> pl.Expr:
    return pl.when(pl.col(col)).then(pl.lit(yes)).otherwise(pl.lit(no))


def _label(col: str, mapping: dict[str, str] | list[str], blank: str | None = None) -> pl.Expr:
    if isinstance(mapping, list):
        mapping = {i: v for i, v in enumerate(mapping)}
    return pl.col(col).replace_strict(mapping, default=blank, return_dtype=pl.String)


def _dirty_exprs(date_fmt: str, received: str, ack: str, resp: str, tenure: str) -> list[pl.Expr]:
    """Overwrite the formatted cells of dirty rows (stage 1 only; dirt is on single-stage rows)."""
    d = pl.col("dirty")
    cut_plus = (DATA_CUT + dt.timedelta(days=40)).strftime(date_fmt)
    return [
        pl.when(d == "bad_date")
        .then(pl.lit("31/02/2024" if "%d" in date_fmt[:2] else "2024-02-31"))
        .when(d == "future_date")
        .then(pl.lit(cut_plus))
        .otherwise(pl.col(received))
        .alias(received),
        pl.when(d == "response_before_receipt")
        .then((pl.col("s1_received") - pl.duration(days=3)).dt.strftime(date_fmt))
        .otherwise(pl.col(resp))
        .alias(resp),
        pl.when(d == "ack_before_receipt")
        .then((pl.col("s1_received") - pl.duration(days=2)).dt.strftime(date_fmt))
        .otherwise(pl.col(ack))
        .alias(ack),
        pl.when(d == "unknown_code")
        .then(pl.lit("Garage licence"))
        .otherwise(pl.col(tenure))
        .alias(tenure),
    ]


def _duplicate(rows: pl.DataFrame) -> pl.DataFrame:
    """Append exact copies of the rows marked ``duplicate`` (at the end: an export re-run appended)."""
    return pl.concat([rows, rows.filter(pl.col("dirty") == "duplicate")])


WIDE_COLUMNS = {
    "Case Ref": None,
    "Date Received": None,
    "Complaint Type": None,
    "Service Area": None,
    "Contact Method": None,
    "Tenure": None,
    "Country": None,
    "Owned Stock": None,
    "Anonymous?": None,
    "Collective?": None,
    "Vulnerability Flag": None,
    "Stage 1 Acknowledged": None,
    "Stage 1 Extension (WD)": None,
    "Stage 1 Response Date": None,
    "Stage 1 Outcome": None,
    "Stage 1 Refused": None,
    "Stage 2 Requested": None,
    "Stage 2 Acknowledged": None,
    "Stage 2 Extension (WD)": None,
    "Stage 2 Response Date": None,
    "Stage 2 Outcome": None,
    "Stage 2 Refused": None,
}


def _wide(frame: pl.DataFrame) -> pl.DataFrame:
    """ERICA-like wide rows (dd/mm/yyyy), dirt applied."""
    f = "%d/%m/%Y"
    out = frame.with_columns(
        pl.col("case_ref").alias("Case Ref"),
        _fmt("s1_received", f).alias("Date Received"),
        pl.col("category").alias("Complaint Type"),
        _label("service_area", SERVICE_AREA_LABEL).alias("Service Area"),
        pl.col("channel").alias("Contact Method"),
        _label("tenure", {k: v[0] for k, v in TENURES.items()}).alias("Tenure"),
        pl.lit("England").alias("Country"),
        _yn("owned").alias("Owned Stock"),
        _yn("anonymous", "Yes", "No").alias("Anonymous?"),
        _yn("collective", "Yes", "No").alias("Collective?"),
        _yn("vulnerability").alias("Vulnerability Flag"),
        _fmt("s1_ack", f).alias("Stage 1 Acknowledged"),
        pl.col("s1_ext").cast(pl.String).alias("Stage 1 Extension (WD)"),
        _fmt("s1_resp", f).alias("Stage 1 Response Date"),
        _label("s1_outcome", [v[0] for v in OUTCOMES.values()]).alias("Stage 1 Outcome"),
        _yn("s1_refused").alias("Stage 1 Refused"),
        _fmt("s2_received", f).alias("Stage 2 Requested"),
        _fmt("s2_ack", f).alias("Stage 2 Acknowledged"),
        pl.when(pl.col("s2_received").is_null())
        .then(pl.lit(None, pl.String))
        .otherwise(pl.col("s2_ext").cast(pl.String))
        .alias("Stage 2 Extension (WD)"),
        _fmt("s2_resp", f).alias("Stage 2 Response Date"),
        _label("s2_outcome", [v[0] for v in OUTCOMES.values()]).alias("Stage 2 Outcome"),
        pl.when(pl.col("s2_received").is_null())
        .then(pl.lit(None, pl.String))
        .otherwise(_yn("s2_refused"))
        .alias("Stage 2 Refused"),
    )
    out = out.with_columns(
        _dirty_exprs(f, "Date Received", "Stage 1 Acknowledged", "Stage 1 Response Date", "Tenure")
    )
    return _duplicate(out)


def _long(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per stage event (ISO dates), dirt applied; conflicting rows get a second stage 1."""
    f = "%Y-%m-%d"
    common = [
        pl.col("case_ref").alias("case_reference"),
        pl.when(pl.col("regime") == "sct")
        .then(pl.lit("Scotland"))
        .otherwise(pl.lit("England"))
        .alias("country"),
        _label("tenure", {k: v[2] for k, v in TENURES.items()}).alias("tenure_type"),
        _yn("owned", "true", "false").alias("owned_by_landlord"),
        _yn("anonymous", "true", "false").alias("anonymous"),
        _yn("collective", "true", "false").alias("collective"),
        _yn("vulnerability", "true", "false").alias("vulnerable"),
        pl.col("category").alias("category"),
        pl.col("service_area").alias("service_area"),
        pl.col("channel").str.to_lowercase().alias("channel"),
    ]
    parts = []
    for stage in (1, 2):
        p = f"s{stage}"
        part = frame.filter(pl.col(f"{p}_received").is_not_null()).select(
            "row",
            "dirty",
            pl.col(f"{p}_received").alias("s1_received"),  # name used by the dirt expressions
            *common,
            pl.lit(f"Stage {stage}").alias("stage"),
            _fmt(f"{p}_received", f).alias("event_date"),
            _fmt(f"{p}_ack", f).alias("acknowledged_on"),
            pl.col(f"{p}_ext").cast(pl.String).alias("extension_days"),
            _fmt(f"{p}_resp", f).alias("responded_on"),
            _label(f"{p}_outcome", [v[2] for v in OUTCOMES.values()]).alias("outcome"),
            _yn(f"{p}_refused", "true", "false").alias("refused"),
        )
        if stage == 2:
            part = part.with_columns(pl.lit("").alias("dirty"))  # dirt is on stage 1 only
        parts.append(part)
    out = pl.concat(parts).sort("row", "stage", maintain_order=True)
    out = out.with_columns(
        _dirty_exprs(f, "event_date", "acknowledged_on", "responded_on", "tenure_type")
    )
    conflict = out.filter(pl.col("dirty") == "conflicting").with_columns(
        (pl.col("s1_received") + pl.duration(days=1)).dt.strftime(f).alias("responded_on")
    )
    out = pl.concat([_duplicate(out), conflict])
    return out


XLSX_HEADER = [
    "Complaint No",
    "Logged",
    "Type",
    "Area",
    "Tenancy",
    "Owned",
    "Anon",
    "Group Complaint",
    "Vulnerable",
    "S1 Ack",
    "S1 Ext Days",
    "S1 Closed",
    "S1 Result",
    "S1 Refused",
    "S2 Logged",
    "S2 Ack",
    "S2 Ext Days",
    "S2 Closed",
    "S2 Result",
    "S2 Refused",
]


def _write_xlsx(frame: pl.DataFrame, path: Path) -> int:
    """HomeMaster-like report: title rows, header on row 4, Excel date cells, a totals row.

    Returns the number of data rows written.
    """
    f = "%d/%m/%Y"
    rows = frame.with_columns(
        _label("tenure", {k: v[1] for k, v in TENURES.items()}).alias("tenancy"),
    )
    rows = _duplicate(rows)
    codes = [v[1] for v in OUTCOMES.values()]
    # Shared strings, as Excel and case systems write them (constant_memory would inline them).
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Complaints Report")
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    bold = wb.add_format({"bold": True})
    ws.write_string(0, 0, "HomeMaster - Complaints Case Report", bold)
    ws.write_string(1, 0, f"Run on {DATA_CUT.strftime(f)} - all complaints", bold)
    for c, name in enumerate(XLSX_HEADER):
        ws.write_string(3, c, name, bold)
    epoch = dt.date(1899, 12, 30)

    def excel_day(value):
        return None if value is None else (value - epoch).days

    r = 4
    # Written cell by cell: xlsxwriter has no bulk writer. This is why XLSX is kept to a share.
    for rec in rows.iter_rows(named=True):
        dirty = rec["dirty"]
        ws.write_string(r, 0, rec["case_ref"])
        if dirty == "bad_date":
            ws.write_string(r, 1, "31/02/2024")
        elif dirty == "future_date":
            ws.write_number(r, 1, excel_day(DATA_CUT) + 40, date_fmt)
        else:
            ws.write_number(r, 1, excel_day(rec["s1_received"]), date_fmt)
        ws.write_string(r, 2, rec["category"])
        ws.write_string(r, 3, SERVICE_AREA_LABEL[rec["service_area"]])
        if dirty == "unknown_code" or rec["tenancy"] is not None:
            ws.write_string(r, 4, "ZZ" if dirty == "unknown_code" else rec["tenancy"])
        ws.write_string(r, 5, "Y" if rec["owned"] else "N")
        ws.write_string(r, 6, "Y" if rec["anonymous"] else "N")
        ws.write_string(r, 7, "Y" if rec["collective"] else "N")
        ws.write_string(r, 8, "Y" if rec["vulnerability"] else "N")
        # stage 1 fields start in column 9 ("S1 Ack"); stage 2 has its own received date in
        # column 14 ("S2 Logged") and its fields from column 15
        for p, c0 in (("s1", 9), ("s2", 15)):
            if rec[f"{p}_received"] is None:
                continue
            if p == "s2":
                ws.write_number(r, 14, excel_day(rec["s2_received"]), date_fmt)
            ack = rec[f"{p}_ack"]
            if p == "s1" and dirty == "ack_before_receipt":
                ack = rec["s1_received"] - dt.timedelta(days=2)
            if ack is not None:
                ws.write_number(r, c0, excel_day(ack), date_fmt)
            ws.write_number(r, c0 + 1, rec[f"{p}_ext"])
            resp = rec[f"{p}_resp"]
            if p == "s1" and dirty == "response_before_receipt":
                resp = rec["s1_received"] - dt.timedelta(days=3)
            if resp is not None:
                ws.write_number(r, c0 + 2, excel_day(resp), date_fmt)
            if rec[f"{p}_outcome"] >= 0:
                ws.write_string(r, c0 + 3, codes[rec[f"{p}_outcome"]])
            ws.write_string(r, c0 + 4, "Y" if rec[f"{p}_refused"] else "N")
        r += 1
    ws.write_string(r, 0, f"Total: {r - 4} complaints", bold)
    wb.close()
    return r - 4


def _tp09(rng: np.random.Generator, n: int) -> pl.DataFrame:
    """TSM perception survey responses: ~30 % complained in the last 12 months."""
    start = np.datetime64(FIRST_DAY)
    days = rng.integers(0, (np.datetime64(LAST_DAY) - start).astype(int) + 1, size=n)
    keys = list(TP09_ANSWERS)
    answer = rng.choice(len(keys) + 1, size=n, p=[0.14, 0.22, 0.16, 0.18, 0.26, 0.04])
    labels = np.array([TP09_ANSWERS[k] for k in keys] + [""])
    return pl.DataFrame(
        {
            "Respondent ID": np.char.add("R", np.arange(1, n + 1).astype(str)),
            "Interview Date": (start + days).astype("datetime64[D]"),
            "Tenure Type": np.where(rng.random(n) < 0.9, "GN", "SO"),
            "Complained in last 12 months": np.where(rng.random(n) < 0.3, "Yes", "No"),
            "TP09 Complaint handling satisfaction": labels[answer],
            "Weight": np.round(rng.uniform(0.6, 1.6, size=n), 4),
        }
    ).with_columns(pl.col("Interview Date").dt.strftime("%d/%m/%Y"))


def generate_workspace(
    n: int,
    out: Path | None = None,
    seed: int = 8,
    xlsx_max: int = 10_000,
    dirty_share: float = 0.005,
    closures: bool = True,
) -> Path:
    """Write a benchmark workspace with ``n`` complaints; return its folder.

    Parameters
    ----------
    n
        Number of complaints (each with one or two stages).
    out
        Parent folder; default ``bench/data``. The workspace is ``<out>/bench_<n>``.
    seed
        Random seed (same seed and size -> byte-identical CSVs).
    xlsx_max
        At most this many complaints go to the XLSX report (see the module docstring).
    dirty_share
        Share of single-stage complaints made dirty (about 0.5 % of rows by default).
    closures
        Write office closure days into landlord.yaml (they are skipped as working days). The
        exports are the same either way; only the calendar changes.

    Returns
    -------
    pathlib.Path
        The workspace folder (``landlord.yaml``, ``exports/``, ``mappings/``, ``surveys/``).
    """
    out = Path(out or DATA_ROOT)
    ws = out / f"bench_{n}"
    for sub in ("exports", "mappings", "surveys"):
        (ws / sub).mkdir(parents=True, exist_ok=True)
        for old in (ws / sub).glob("*"):
            old.unlink()
    rng = np.random.default_rng(seed + 1)
    frame = generate_frame(n, seed)
    frame = _assign_files(frame, rng, xlsx_max)
    frame = _add_dirt(frame, rng, dirty_share * 1.2)  # ~83 % of complaints are single-stage

    wide = _wide(frame.filter(pl.col("shape") == "wide"))
    year_of = (
        pl.when(pl.col("s1_received").dt.month() >= 4)
        .then(pl.col("s1_received").dt.year())
        .otherwise(pl.col("s1_received").dt.year() - 1)
    )
    wide = wide.with_columns(year_of.alias("_year"))
    for (year,), part in wide.group_by("_year", maintain_order=True):
        key = f"{year}-{str(year + 1)[2:]}"
        part.select(list(WIDE_COLUMNS)).write_csv(ws / "exports" / f"erica_complaints_{key}.csv")

    long = _long(frame.filter(pl.col("shape") == "long"))
    long.select(LONG_COLUMNS).write_csv(ws / "exports" / "stage_events.csv")

    xlsx_frame = frame.filter(pl.col("shape") == "xlsx")
    if xlsx_frame.height:
        _write_xlsx(xlsx_frame, ws / "exports" / "homemaster_report.xlsx")

    n_tp09 = max(n // 10, 200)
    _tp09(rng, n_tp09).write_csv(ws / "surveys" / "tp09_responses.csv")

    # the configuration reads this module's constants, so it is imported when first needed
    from bench.workspace_config import dump, landlord_yaml, mappings

    for name, mapping in mappings().items():
        if name == "homemaster_xlsx" and not xlsx_frame.height:
            continue
        (ws / "mappings" / f"{name}.yaml").write_text(dump(mapping))
    landlord = landlord_yaml(f"bench_{n}", n, n_tp09, closures)
    (ws / "landlord.yaml").write_text(dump(landlord))
    frame.select(
        "case_ref",
        "shape",
        "dirty",
        "regime",
        "tenure",
        "owned",
        pl.col("s2_received").is_not_null().alias("has_s2"),
    ).write_parquet(ws / "truth.parquet")  # what was generated, for tests (not an input)
    return ws


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", "-n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--out", type=Path, default=DATA_ROOT)
    parser.add_argument("--xlsx-max", type=int, default=10_000)
    parser.add_argument("--no-closures", action="store_true", help="no closure days")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    ws = generate_workspace(
        args.complaints, args.out, args.seed, args.xlsx_max, closures=not args.no_closures
    )
    print(f"wrote {ws} in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
