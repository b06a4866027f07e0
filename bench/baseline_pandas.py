"""A typical analyst's pandas script over the benchmark workspace (issue 8).

Written the way complaint KPIs are commonly computed in notebooks: read each export with pandas,
tidy the columns, and work out working days and deadlines row by row with ``DataFrame.apply`` using
``numpy.busday_count`` and ``pandas.offsets.CustomBusinessDay``. It applies the same validation
rules and the same section 5 rules as the pipeline and the DuckDB floor (see
``bench/baseline_duckdb.py``), so its numbers must be identical; only its speed is "typical".
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import holidays
import numpy as np
import pandas as pd
import polars as pl

from bench.common import REGULATOR_EXTENSION_CAP, read_landlord

KEY = "benchmark-key"

TENURE = {
    "general needs": "lcra", "shared ownership": "lcho", "leasehold": "leaseholder",
    "market rent": "other", "gn": "lcra", "so": "lcho", "lh": "leaseholder", "mr": "other",
    "social rent": "lcra", "leaseholder": "leaseholder",
}  # fmt: skip
OUTCOME = {
    "upheld": "upheld", "partially upheld": "partially_upheld", "not upheld": "not_upheld",
    "withdrawn": "withdrawn", "discontinued - legal action": "discontinued",
    "discontinued": "discontinued", "uph": "upheld", "pup": "partially_upheld",
    "nup": "not_upheld", "wdn": "withdrawn", "dis": "discontinued",
}  # fmt: skip
AREA = {
    "repairs": "repairs", "asb": "asb_handling", "housing management": "housing",
    "other": "other", "care": "care", "heat network": "heat_network",
    "asb_handling": "asb_handling", "housing": "housing", "heat_network": "heat_network",
}  # fmt: skip
YES = {"y", "yes", "true", "1"}
NO = {"n", "no", "false", "0"}

STAGE_COLS = ["received", "ack", "ext", "resp", "outcome", "refused"]
COMPLAINT_COLS = ["cid", "category", "area", "channel", "tenure", "country", "owned", "anon",
                  "coll", "vuln"]  # fmt: skip


def read_wide(workspace: Path) -> pd.DataFrame:
    """All ERICA CSVs and the HomeMaster report, renamed to one set of column names."""
    frames = []
    for path in sorted((workspace / "exports").glob("erica_complaints_*.csv")):
        df = pd.read_csv(path, dtype=str)
        df.columns = ["cid", "received", "category", "area", "channel", "tenure", "country",
                      "owned", "anon", "coll", "vuln", "s1_ack", "s1_ext", "s1_resp",
                      "s1_outcome", "s1_refused", "s2_received", "s2_ack", "s2_ext", "s2_resp",
                      "s2_outcome", "s2_refused"]  # fmt: skip
        df["src"] = f"exports/{path.name}"
        df["rn"] = np.arange(1, len(df) + 1)
        df["fmt"] = "%d/%m/%Y"
        frames.append(df)
    xlsx = workspace / "exports" / "homemaster_report.xlsx"
    if xlsx.exists():
        df = pd.read_excel(xlsx, sheet_name="Complaints Report", header=3, dtype=str)
        df = df[~df["Complaint No"].fillna("").str.startswith("Total")]
        df = df.rename(
            columns={
                "Complaint No": "cid",
                "Logged": "received",
                "Type": "category",
                "Area": "area",
                "Tenancy": "tenure",
                "Owned": "owned",
                "Anon": "anon",
                "Group Complaint": "coll",
                "Vulnerable": "vuln",
                "S1 Ack": "s1_ack",
                "S1 Ext Days": "s1_ext",
                "S1 Closed": "s1_resp",
                "S1 Result": "s1_outcome",
                "S1 Refused": "s1_refused",
                "S2 Logged": "s2_received",
                "S2 Ack": "s2_ack",
                "S2 Ext Days": "s2_ext",
                "S2 Closed": "s2_resp",
                "S2 Result": "s2_outcome",
                "S2 Refused": "s2_refused",
            }  # fmt: skip
        )
        df["channel"] = None
        df["country"] = "England"
        df["src"] = "exports/homemaster_report.xlsx"
        df["rn"] = np.arange(1, len(df) + 1)
        df["fmt"] = "xlsx"
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def parse_date(values: pd.Series, fmt: str) -> pd.Series:
    """Dates in one format (XLSX: date cells as 'YYYY-MM-DD 00:00:00' text, or dd/mm/yyyy text)."""
    if fmt == "xlsx":
        first = pd.to_datetime(values, format="%Y-%m-%d %H:%M:%S", errors="coerce")
        return first.fillna(pd.to_datetime(values, format="%d/%m/%Y", errors="coerce"))
    return pd.to_datetime(values, format=fmt, errors="coerce")


def stage_rows(workspace: Path) -> pd.DataFrame:
    """One row per stage record from every export, with the raw values still as text."""
    wide = read_wide(workspace)
    wide["row_key"] = wide.drop(columns=["rn", "fmt"]).fillna("").astype(str).agg("|".join, axis=1)
    parts = []
    for n in (1, 2):
        cols = {f"s{n}_{c}": c for c in STAGE_COLS if c != "received"}
        part = wide.rename(columns=cols)
        part["received"] = wide["received"] if n == 1 else wide["s2_received"]
        part["stage"] = n
        part["c_received"] = wide["received"]
        if n == 2:
            part = part[part["received"].notna()]
        parts.append(part[["src", "rn", "fmt", "row_key", "stage", "c_received", *COMPLAINT_COLS,
                           *STAGE_COLS]])  # fmt: skip
    long = pd.read_csv(workspace / "exports" / "stage_events.csv", dtype=str)
    long["row_key"] = long.fillna("").astype(str).agg("|".join, axis=1)
    long = long.rename(
        columns={
            "case_reference": "cid",
            "event_date": "received",
            "acknowledged_on": "ack",
            "extension_days": "ext",
            "responded_on": "resp",
            "country": "country",
            "tenure_type": "tenure",
            "owned_by_landlord": "owned",
            "anonymous": "anon",
            "collective": "coll",
            "vulnerable": "vuln",
            "service_area": "area",
        }  # fmt: skip
    )
    long["stage"] = long["stage"].map({"Stage 1": 1, "Stage 2": 2})
    long["c_received"] = long["received"]
    long["src"] = "exports/stage_events.csv"
    long["rn"] = np.arange(1, len(long) + 1)
    long["fmt"] = "%Y-%m-%d"
    parts.append(long[["src", "rn", "fmt", "row_key", "stage", "c_received", *COMPLAINT_COLS,
                       *STAGE_COLS]])  # fmt: skip
    return pd.concat(parts, ignore_index=True)


def _flag(values: pd.Series) -> pd.Series:
    low = values.fillna("").str.strip().str.lower()
    return low.map(lambda v: True if v in YES else False if v in NO or v == "" else None)


def validate(rows: pd.DataFrame, cut: pd.Timestamp) -> pd.DataFrame:
    """Parse and check every stage record; ``rule`` is the first rule broken (None = loads)."""
    out = []
    for fmt, df in rows.groupby("fmt", sort=False):
        df = df.copy()
        for col in ("c_received", "received", "ack", "resp"):
            df[col + "_raw"] = df[col].where(df[col].fillna("").str.strip() != "")
            df[col] = parse_date(df[col + "_raw"], fmt)
        out.append(df)
    df = pd.concat(out)
    low = lambda c: df[c].fillna("").str.strip().str.lower()  # noqa: E731
    df["tenure_code"] = low("tenure").map(lambda v: "unknown" if v == "" else TENURE.get(v, "?"))
    df["area_code"] = low("area").map(lambda v: AREA.get(v, "?"))
    df["regime"] = low("country").map({"england": "eng", "scotland": "sct"})
    df["outcome_code"] = low("outcome").map(lambda v: "open" if v == "" else OUTCOME.get(v, "?"))
    for col in ("owned", "anon", "coll", "vuln", "refused"):
        df[col] = _flag(df[col])
    df["ext_num"] = pd.to_numeric(df["ext"], errors="coerce")

    rule = pd.Series(None, index=df.index, dtype=object)

    def first(mask, name):
        rule.loc[mask & rule.isna()] = name

    first(df["c_received_raw"].isna(), "required_missing")
    first(df["c_received"].isna(), "date_unparseable")
    first(df["c_received"] > cut, "date_in_future")
    first(df["tenure_code"].eq("?") | df["area_code"].eq("?") | df["regime"].isna(), "unknown_code")
    first(df[["owned", "anon", "coll", "vuln"]].isna().any(axis=1) | df["stage"].isna(),
          "unknown_code")  # fmt: skip
    first(df["received"].isna(), "date_unparseable")
    first(df["received"] > cut, "date_in_future")
    first(df["ack_raw"].notna() & df["ack"].isna(), "date_unparseable")
    first(df["resp_raw"].notna() & df["resp"].isna(), "date_unparseable")
    first((df["ack"] > cut) | (df["resp"] > cut), "date_in_future")
    first(df["ack"] < df["received"], "ack_before_receipt")
    first(df["resp"] < df["received"], "response_before_receipt")
    first(df["ext"].notna() & df["ext_num"].isna(), "number_unparseable")
    first(df["outcome_code"].eq("?") | df["refused"].isna(), "unknown_code")
    df["rule"] = rule

    # exact duplicate rows: later copies go (a wide row's two stages share its row key)
    df["copy_no"] = df.groupby(["src", "row_key", "stage"]).cumcount()
    df.loc[df["copy_no"] > 0, "rule"] = "duplicate_row"
    kept = df[df["copy_no"] == 0]
    n_versions = kept.groupby(["cid", "stage"])["row_key"].nunique()
    conflicting = n_versions[n_versions > 1].index
    is_conflict = pd.MultiIndex.from_frame(df[["cid", "stage"]]).isin(conflicting)
    df.loc[is_conflict & (df["copy_no"] == 0), "rule"] = "conflicting_rows"
    files = df.groupby("cid")["src"].agg(["min", "nunique"])
    cross = df["cid"].map(files["nunique"]) > 1
    df.loc[cross & (df["src"] != df["cid"].map(files["min"])), "rule"] = "duplicate_id_across_files"

    s1 = df[(df["stage"] == 1) & df["rule"].isna()].set_index("cid")["resp"]
    s1 = s1[~s1.index.duplicated()]
    s1_resp = df["cid"].map(s1)
    late = (df["stage"] == 2) & df["rule"].isna() & (df["received"] < s1_resp)
    df.loc[late, "rule"] = "stage2_before_stage1_response"
    return df


def run(workspace: Path, workdir: Path, years: list[str] | None = None) -> pl.DataFrame:
    """Run the pandas script; write ``<workdir>/return.csv`` and ``quarantine.csv``.

    Parameters
    ----------
    workspace
        A workspace written by :mod:`bench.generate`.
    workdir
        Output folder.
    years
        Reporting years (default: every year with stock in landlord.yaml).

    Returns
    -------
    polars.DataFrame
        The result table of :mod:`bench.common` (converted from pandas for the comparison).
    """
    workspace, workdir = Path(workspace), Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    landlord = read_landlord(workspace)
    cut = pd.Timestamp(landlord.get("data_cut_date") or dt.date.today())
    if years is None:
        ends = sorted({row["year_end"] for row in landlord["stock"]})
        years = [f"{e.year - 1}-{str(e.year)[2:]}" for e in ends]

    df = validate(stage_rows(workspace), cut)
    df[df["rule"].notna()][["src", "rn", "stage", "rule"]].to_csv(
        workdir / "quarantine.csv", index=False
    )
    ok = df[df["rule"].isna()].copy()
    ok["complaint_id"] = [
        hashlib.sha256(f"{KEY}|{c.strip().upper()}".encode()).hexdigest()[:16] for c in ok["cid"]
    ]
    # complaint-level fields come from the lowest stage row
    first_rows = ok.sort_values("stage").drop_duplicates("complaint_id")
    for col in ("tenure_code", "regime", "owned", "anon", "area_code"):
        ok[col] = ok["complaint_id"].map(first_rows.set_index("complaint_id")[col])
    ok = ok[ok["refused"] == False].copy()  # noqa: E712

    # Working-day calendars per regime: weekends, bank holidays and closure days.
    hols = {}
    for regime, subdiv in (("eng", "ENG"), ("sct", "SCT")):
        days = set(holidays.country_holidays("GB", subdiv=subdiv, years=range(2019, 2029)))
        days |= {c["date"] for c in landlord.get("closures", []) if regime in c["regimes"]}
        hols[regime] = sorted(days)
    cbd = {r: pd.offsets.CustomBusinessDay(holidays=h) for r, h in hols.items()}
    np_hols = {r: np.array(h, dtype="datetime64[D]") for r, h in hols.items()}

    versions = landlord["policy_versions"]

    def policy(received, regime, stage):
        current = [v for v in versions if v["effective_from"] <= received.date()][-1]
        return current, current["timescales"][regime][f"stage_{stage}"]

    def working_days(a, b, regime):
        # days d with a < d <= b
        return np.busday_count(
            (a + pd.Timedelta(days=1)).date(),
            (b + pd.Timedelta(days=1)).date(),
            holidays=np_hols[regime],
        )

    def judge(row):
        version, t = policy(row["received"], row["regime"], row["stage"])
        ack_limit = t.get("acknowledge_wd")
        ack_in_time = None
        ack_pending = False
        if ack_limit is not None:
            if pd.isna(row["ack"]):
                ack_in_time = False
                ack_pending = row["received"] + ack_limit * cbd[row["regime"]] >= cut
            else:
                ack_in_time = working_days(row["received"], row["ack"], row["regime"]) <= ack_limit
        if ack_limit is None or t.get("clock_starts") == "receipt":
            start = row["received"]
        elif ack_in_time:
            start = row["ack"]
        else:
            start = row["received"] + ack_limit * cbd[row["regime"]]
        base = start + t["respond_wd"] * cbd[row["regime"]]
        cap = REGULATOR_EXTENSION_CAP[(row["regime"], row["stage"])]
        ext = int(row["ext_num"]) if not pd.isna(row["ext_num"]) else 0
        extended = base + min(ext, cap) * cbd[row["regime"]] if ext > 0 else base
        resp = row["resp"]
        in_wo = not pd.isna(resp) and resp <= base
        in_w = not pd.isna(resp) and ext > 0 and base < resp <= extended
        tsm = (
            row["regime"] == "eng"
            and row["tenure_code"] in ("lcra", "lcho")
            and bool(row["owned"])
            and (version.get("anonymous_accepted", True) or not row["anon"])
            and row["area_code"] not in version.get("outside_tsm_service_areas", [])
        )
        return pd.Series(
            {
                "ack_in_time": ack_in_time,
                "ack_pending": ack_pending,
                "in_wo": in_wo,
                "in_w": in_w,
                "tsm": tsm,
                "has_ack_step": ack_limit is not None,
            }  # fmt: skip
        )

    judged = pd.concat([ok, ok.apply(judge, axis=1)], axis=1)
    judged["year"] = judged["received"].apply(
        lambda d: (
            f"{d.year}-{str(d.year + 1)[2:]}" if d.month >= 4 else f"{d.year - 1}-{str(d.year)[2:]}"
        )
    )

    stock = pd.DataFrame(landlord["stock"])
    stock["year"] = stock["year_end"].map(lambda d: f"{d.year - 1}-{str(d.year)[2:]}")
    results = []
    for year in years:
        y = judged[judged["year"] == year]
        units = stock[(stock["year"] == year) & (stock["country"] == "eng")]
        for stage in (1, 2):
            s = y[(y["stage"] == stage) & y["tsm"]]
            totals = {"n": 0, "wo": 0, "w": 0, "units": 0}
            for st in ("lcra", "lcho"):
                t = s[s["tenure_code"] == st]
                # CH02: a withdrawn stage is not in time, whatever its response date
                answered = t["outcome_code"] != "withdrawn"
                n = len(t)
                wo, w = int((t["in_wo"] & answered).sum()), int((t["in_w"] & answered).sum())
                u = int(units.loc[units["stock_type"] == st, "units_owned"].sum())
                results += [
                    (year, f"CH01_{stage}", st, n, u),
                    (year, f"CH02_{stage}", st, wo + w, n),
                    (year, f"CH02_{stage}_without_ext", st, wo, None),
                    (year, f"CH02_{stage}_with_ext", st, w, None),
                ]
                for k, v in zip(("n", "wo", "w", "units"), (n, wo, w, u), strict=True):
                    totals[k] += v
            results += [
                (year, f"CH01_{stage}", "combined", totals["n"], totals["units"]),
                (year, f"CH02_{stage}", "combined", totals["wo"] + totals["w"], totals["n"]),
                (year, f"CH02_{stage}_without_ext", "combined", totals["wo"], None),
                (year, f"CH02_{stage}_with_ext", "combined", totals["w"], None),
            ]
            for regime in ("eng", "sct"):
                a = y[(y["stage"] == stage) & (y["regime"] == regime) & y["has_ack_step"]]
                a = a[~a["ack_pending"]]
                if len(a):
                    results.append(
                        (year, f"ACK_{stage}", regime, int(a["ack_in_time"].sum()), len(a))
                    )

    # TP09
    tp = pd.read_csv(workspace / "surveys" / "tp09_responses.csv", dtype=str)
    tp["date"] = pd.to_datetime(tp["Interview Date"], format="%d/%m/%Y", errors="coerce")
    tp["st"] = tp["Tenure Type"].map({"GN": "lcra", "SO": "lcho"})
    tp["w"] = pd.to_numeric(tp["Weight"], errors="coerce")
    five = ["Very satisfied", "Fairly satisfied", "Neither satisfied nor dissatisfied",
            "Fairly dissatisfied", "Very dissatisfied"]  # fmt: skip
    tp = tp[(tp["Complained in last 12 months"] == "Yes")
            & tp["TP09 Complaint handling satisfaction"].isin(five) & tp["st"].notna()]  # fmt: skip
    tp["sat"] = tp["TP09 Complaint handling satisfaction"].isin(five[:2])
    for year in years:
        start = pd.Timestamp(int(year[:4]), 4, 1)
        end = pd.Timestamp(int(year[:4]) + 1, 3, 31)
        y = tp[(tp["date"] >= start) & (tp["date"] <= end)]
        if not len(y):
            continue
        for st in ("lcra", "lcho"):
            t = y[y["st"] == st]
            if len(t):
                results.append((year, "TP09", st, t.loc[t["sat"], "w"].sum(), t["w"].sum()))
        results.append((year, "TP09", "combined", y.loc[y["sat"], "w"].sum(), y["w"].sum()))

    out = pd.DataFrame(
        results, columns=["year", "measure", "breakdown_value", "numerator", "denominator"]
    )
    out.to_csv(workdir / "return.csv", index=False)
    return pl.from_pandas(out.astype({"numerator": float, "denominator": float}))
