"""A synthetic landlord database for previews and tests of the documents.

It holds a ``measures`` table shaped as docs/measures.md says (two reporting years, their quarters and
months), sector benchmarks computed by :mod:`pipeline.benchmarks` from the RSH data, and a few rows of
the small tables the documents read (Ombudsman publications, learning actions, the ingest ledger and
quarantine). A category named ``<script>alert(1)</script>`` checks that data is shown as text.

``uv run python -m pipeline.reporting.sample OUT_DIR`` renders every document from it.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import duckdb
import polars as pl

from pipeline.config import Landlord
from pipeline.periods import Period, ReportingYear
from pipeline.rounding import display
from pipeline.sql import load_sql

LANDLORD_ID = "demo"
HOSTILE_CATEGORY = "<script>alert(1)</script>"

SAMPLE_LANDLORD = {
    "landlord_id": LANDLORD_ID,
    "name": "Demo Homes <Test> & Co",
    "regimes": ["eng"],
    "stock": [
        {"year_end": "2025-03-31", "stock_type": "lcra", "units_owned": 12000},
        {"year_end": "2025-03-31", "stock_type": "lcho", "units_owned": 800},
        {"year_end": "2024-03-31", "stock_type": "lcra", "units_owned": 11800},
        {"year_end": "2024-03-31", "stock_type": "lcho", "units_owned": 780},
    ],
    "policy_versions": [
        {
            "effective_from": "2024-04-01",
            "timescales": {
                "eng": {
                    "stage_1": {"acknowledge_wd": 5, "respond_wd": 10, "extension_wd": 10},
                    "stage_2": {"acknowledge_wd": 5, "respond_wd": 20, "extension_wd": 20},
                }
            },
            "escalation_window": {"months_after_stage1_response": 6},
        }
    ],
    "tsm_summary_of_approach": "Telephone survey of a random sample.",
    "data_cut_date": "2025-04-30",
}

_SCALE = {"per_1000": 1000.0, "percent": 100.0, "wd": 1.0}
_PLACES = {"count": 0, "gbp": 2}


def sample_landlord(landlord_id: str = LANDLORD_ID) -> Landlord:
    return Landlord.model_validate({**SAMPLE_LANDLORD, "landlord_id": landlord_id})


def _row(period: Period, measure, breakdown, value_key, view, numerator, denominator, unit):
    if unit in _SCALE:
        value = None if not denominator else numerator / denominator * _SCALE[unit]
    else:
        value = numerator
    return {
        "landlord_id": LANDLORD_ID,
        "period_kind": period.kind,
        "period": period.key,
        "period_start": period.start,
        "period_end": period.end,
        "measure": measure,
        "breakdown": breakdown,
        "breakdown_value": value_key,
        "view": view,
        "numerator": float(numerator) if numerator is not None else None,
        "denominator": float(denominator) if denominator is not None else None,
        "value": value,
        "display": "Yes"
        if unit == "flag" and value == 1
        else "No"
        if unit == "flag"
        else display(value, _PLACES.get(unit, 1)),
        "unit": unit,
    }


def _year_rows(year: ReportingYear, scale: float) -> list[dict]:
    """One year's measures; ``scale`` varies the figures between years."""
    rows: list[dict] = []

    def add(measure, num, den, unit, breakdown="none", value="all", view="all", period=year):
        rows.append(_row(period, measure, breakdown, value, view, num, den, unit))

    units = {"lcra": 12000, "lcho": 800, "combined": 12800}
    s1 = {"lcra": round(640 * scale), "lcho": 30, "combined": round(640 * scale) + 30}
    s2 = {"lcra": round(96 * scale), "lcho": 3, "combined": round(96 * scale) + 3}
    for stock in ("lcra", "lcho", "combined"):
        add("CH01_1", s1[stock], units[stock], "per_1000", "stock_type", stock, "regulator")
        add("CH01_2", s2[stock], units[stock], "per_1000", "stock_type", stock, "regulator")
        add(
            "CH02_1",
            round(s1[stock] * 0.86 * scale),
            s1[stock],
            "percent",
            "stock_type",
            stock,
            "regulator",
        )
        add(
            "CH02_2", round(s2[stock] * 0.8), s2[stock], "percent", "stock_type", stock, "regulator"
        )
        add("TP09", 120 * scale, 330, "percent", "stock_type", stock, "regulator")
        add("TP09_margin_of_error", 5.1, None, "percent", "stock_type", stock, "regulator")
        rows[-1]["value"], rows[-1]["display"] = 5.1, "5.1"
        add("TP09_respondents", 330, None, "count", "stock_type", stock, "regulator")
        add("TP09_required_precision", 3, None, "percent", "stock_type", stock, "regulator")
        rows[-1]["value"], rows[-1]["display"] = 3.0, "3.0"
        add("TP09_meets_rsh_precision", 1, None, "flag", "stock_type", stock, "regulator")
    total1, total2 = s1["combined"] + 20, s2["combined"]
    add("complaints_received", total1, None, "count")
    add("received_1", total1, None, "count")
    add("received_2", total2, None, "count")
    areas = {
        "repairs": 0.55,
        "housing": 0.25,
        "asb_handling": 0.1,
        "heat_network": 0.06,
        "care": 0.04,
    }
    for area, share in areas.items():
        add("received_1", round(total1 * share), None, "count", "service_area", area)
    categories = {
        "Repairs - damp and mould": 300,
        "Staff conduct": 120,
        HOSTILE_CATEGORY: 3,
        "Communication": total1 - 423,
    }
    for category, n in categories.items():
        add("received_1", n, None, "count", "category", category)
    for channel, n in {"phone": total1 - 250, "email": 200, "web": 48, "letter": 2}.items():
        add("received_1", n, None, "count", "channel", channel)
    for view in ("regulator", "management"):
        bonus = 0.04 if view == "management" else 0.0
        add("response_in_time_1", round(total1 * (0.84 + bonus)), total1, "percent", view=view)
        add("response_in_time_2", round(total2 * (0.8 + bonus)), total2, "percent", view=view)
        add("response_in_time_with_ext_1", 25, None, "count", view=view)
        add("ack_in_time_1", round(total1 * 0.95), total1, "percent", view=view)
        add("ack_in_time_2", round(total2 * 0.9), total2, "percent", view=view)
        for flag, share in (("yes", 0.8), ("no", 0.86)):
            add(
                "response_in_time_1",
                round(100 * (share + bonus)),
                100,
                "percent",
                "vulnerability",
                flag,
                view,
            )
    add("wd_to_response_mean_1", total1 * 8.4, total1, "wd")
    add("wd_to_response_median_1", 8.0, total1, "wd")
    rows[-1]["value"], rows[-1]["display"] = 8.0, "8.0"
    add("wd_to_response_mean_2", total2 * 17.2, total2, "wd")
    add("escalation_rate", total2, total1, "percent", view="management")
    add("resolved_stage1", total1 - total2, total1, "percent", view="management")
    add("resolved_stage2", total2 - 4, total1, "percent", view="management")
    add("resolved_stage1_provisional_count", 12, None, "count", view="management")
    add("resolved_stage1_provisional", 1, None, "flag", view="management")
    add("stage_most_resolutions", 1, None, "stage", view="management")
    add("resolutions", total1 - total2, None, "count", "stage", "1", "management")
    add("resolutions", total2, None, "count", "stage", "2", "management")
    for band, n in {"0-5": 14, "6-10": 9, "11-20": 4, "21-40": 2, "41+": 1}.items():
        add("open_1", n, None, "count", "band", band, "management")
    for band, n in {"1-5": 3, "6-10": 2, "21+": 1}.items():
        add("overdue_1", n, None, "count", "band", band, "management")
    for stage, total in ((1, total1), (2, total2)):
        shares = {"upheld": 0.3, "partially_upheld": 0.25, "not_upheld": 0.4, "withdrawn": 0.05}
        for outcome, share in shares.items():
            add(f"outcome_{stage}", round(total * share), total, "percent", "outcome", outcome)
            for area in ("repairs", "housing"):
                add(
                    f"outcome_{stage}",
                    round(50 * share),
                    50,
                    "percent",
                    "service_area|outcome",
                    f"{area}|{outcome}",
                )
    add("refused_1", 14, None, "count")
    add("refused_1", 10, None, "count", "reason", "Legal proceedings started")
    add("refused_1", 4, None, "count", "reason", "Older than 12 months")
    add("refused_2", 2, None, "count")
    add("refusals_with_reason", 16, 16, "percent")
    add("non_complaints", 31, None, "count")
    add("non_complaints", 25, None, "count", "kind", "service_request")
    add("non_complaints", 6, None, "count", "kind", "petition")
    add("ombudsman_referred", 9, None, "count")
    add("ombudsman_referred", 9, None, "count", "body", "housing_ombudsman")
    add("ombudsman_determinations", 6, None, "count")
    add("ombudsman_findings", 8, None, "count")
    for outcome, n in {
        "maladministration": 3,
        "service_failure": 2,
        "no_maladministration": 3,
    }.items():
        add("ombudsman_findings", n, None, "count", "body|outcome", f"housing_ombudsman|{outcome}")
    add("ombudsman_maladministration_rate", 5, 8, "percent")
    add("ombudsman_orders_complied", 6, 7, "percent")
    add("ombudsman_compensation_ordered_gbp", 2450.0, None, "gbp")
    add("ombudsman_compensation_ordered_count", 6, None, "count")
    add("chfo_issued", 1, None, "count")
    add("chfo_complied", 1, 1, "percent")
    add("heat_network_complaints", 42, None, "count")
    add("heat_network_resolved_8_weeks", 35, 42, "percent")
    add("heat_network_eo_eligible", 7, None, "count")
    add("heat_network_eo_notified", 6, 7, "percent")
    add("heat_network_eo_referred", 2, None, "count")
    add("heat_network_satisfaction_recorded", 30, 42, "percent")
    add("care_complaints", 28, None, "count")
    for stage, total in ((1, total1), (2, total2)):
        add(f"vulnerability_{stage}", round(total * 0.2), total, "percent")
        add(f"adjustment_requested_{stage}", round(total * 0.08), total, "percent")
        add(f"adjustment_made_{stage}", round(total * 0.07), round(total * 0.08), "percent")
    add("complainant_survey_response_rate", 210, 700, "percent")
    for question, n in (("timeliness", 120), ("fairness", 131), ("outcome", 98)):
        add(f"complainant_satisfaction_{question}", n, 200, "percent")
    add("compensation_offered_gbp", 41250.0 * scale, None, "gbp")
    add("compensation_paid_gbp", 38900.0 * scale, None, "gbp")
    add("compensation_paid_gbp", 30000.0, None, "gbp", "service_area", "repairs")
    add("compensation_paid_gbp", 8900.0, None, "gbp", "service_area", "housing")
    # the payments (offers) behind each sum: a published document withholds a sum of 1-4
    add("compensation_offered_count", 175, None, "count")
    add("compensation_paid_count", 160, None, "count")
    add("compensation_paid_count", 118, None, "count", "service_area", "repairs")
    add("compensation_paid_count", 42, None, "count", "service_area", "housing")
    add("non_financial_remedy", 300, None, "count", "remedy", "apology")
    add("non_financial_remedy", 120, None, "count", "remedy", "repair")
    add("remedy_payments_without_complaint", 1800.0, None, "gbp")
    add("remedy_payments_without_complaint_count", 12, None, "count")
    add("learning_actions", 9, None, "count")
    add("learning_linked_complaints", 84, None, "count")
    add("learning_actions_completed", 7, None, "count")
    add("learning_actions_completed_by_due", 6, 8, "percent")
    add("promised_actions_on_time", 410, 450, "percent")
    add("root_cause", 120, None, "count", "root_cause", "Repair not completed first time")
    add("root_cause", 60, None, "count", "root_cause", "Poor communication")
    add("compliments", 140, None, "count")
    add("compliments", 90, None, "count", "service_area", "repairs")
    add("compliments", 50, None, "count", "service_area", "housing")
    for scheme, n in {"Riverside Court": 120, "Oak Lodge": 3, "unknown": total1 - 123}.items():
        add("received_1", n, None, "count", "scheme", scheme)
        add("response_in_time_1", round(n * 0.85), n, "percent", "scheme", scheme, "management")
    # Months and quarters: their own rows, repeated on the year as breakdowns (docs/measures.md).
    for index, month in enumerate(year.months()):
        n1 = round(total1 / 12 + (index % 4) * 3)
        n2 = round(total2 / 12)
        for measure, num, den, unit, view in (
            ("received_1", n1, None, "count", "all"),
            ("received_2", n2, None, "count", "all"),
            ("response_in_time_1", round(n1 * (0.78 + index * 0.01)), n1, "percent", "regulator"),
            ("response_in_time_1", round(n1 * (0.82 + index * 0.01)), n1, "percent", "management"),
            ("response_in_time_2", round(n2 * 0.8), n2, "percent", "regulator"),
            ("response_in_time_2", round(n2 * 0.85), n2, "percent", "management"),
        ):
            add(measure, num, den, unit, view=view, period=month)
            add(measure, num, den, unit, "month", month.key, view)
    for index, quarter in enumerate(year.quarters()):
        add("complaints_received", round(total1 / 4), None, "count", period=quarter)
        add("received_1", round(total1 / 4), None, "count", period=quarter)
        add("received_2", round(total2 / 4), None, "count", period=quarter)
        add(
            "CH01_1",
            round(s1["lcra"] / 4),
            12000,
            "per_1000",
            "stock_type",
            "lcra",
            "regulator",
            period=quarter,
        )
        add(
            "CH02_1",
            round(s1["lcra"] / 4 * 0.85),
            round(s1["lcra"] / 4),
            "percent",
            "stock_type",
            "lcra",
            "regulator",
            period=quarter,
        )
        add("response_in_time_1", 130 + index, 160, "percent", view="management", period=quarter)
        add("ack_in_time_1", 150, 160, "percent", view="management", period=quarter)
        add("received_1", 70, None, "count", "service_area", "repairs", period=quarter)
        add("received_1", 40, None, "count", "service_area", "housing", period=quarter)
        for band, n in {"0-5": 10 + index, "6-10": 6, "11-20": 3, "41+": 1}.items():
            add("open_1", n, None, "count", "band", band, "management", period=quarter)
        add("overdue_1", 2 + index, None, "count", "band", "1-5", "management", period=quarter)
        for question, n in (("timeliness", 30 + index * 2), ("fairness", 33), ("outcome", 25)):
            add(f"complainant_satisfaction_{question}", n, 50, "percent", period=quarter)
            add(
                f"complainant_satisfaction_{question}", n, 50, "percent", "quarter", f"Q{index + 1}"
            )
    return rows


def build_sample_database(
    con: duckdb.DuckDBPyConnection, landlord_id: str = LANDLORD_ID
) -> Landlord:
    """Create the canonical tables and a sample ``measures`` table for 2023-24 and 2024-25."""
    from pipeline.benchmarks import write_benchmark_history

    con.execute(load_sql("schema/canonical.sql"))
    rows = _year_rows(ReportingYear(2023), 0.92) + _year_rows(ReportingYear(2024), 1.0)
    frame = pl.DataFrame(rows, infer_schema_length=None).with_columns(
        landlord_id=pl.lit(landlord_id)
    )
    con.register("_sample_measures", frame)
    # Column types as the measures table's (varchar, date, double); see docs/architecture.md.
    con.execute("create or replace table measures as select * from _sample_measures")
    con.unregister("_sample_measures")
    landlord = sample_landlord(landlord_id)
    for stock in landlord.stock:
        con.execute(
            "insert into stock values (?, ?, ?, ?, ?)",
            [landlord_id, stock.year_end, stock.stock_type, stock.country, stock.units_owned],
        )
    write_benchmark_history(con, landlord_id, "2024-25")
    con.executemany(
        "insert into ombudsman_publication values (?, ?, ?, ?, ?, ?)",
        [
            [
                landlord_id,
                "annual_performance_letter",
                dt.date(2024, 9, 12),
                "2024/25",
                "The Ombudsman found a maladministration rate close to the sector average.",
                None,
            ],
            [
                landlord_id,
                "code_non_compliance_finding",
                dt.date(2024, 11, 2),
                "2024/25",
                "Stage 2 responses were late in 2023; an action plan is in place.",
                None,
            ],
        ],
    )
    con.executemany(
        "insert into learning_action values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [
                landlord_id,
                "LA1",
                "Damp and mould",
                "Surveyors now call back within 5 days.",
                "repairs",
                ["c1", "c2", "c3", "c4", "c5", "c6"],
                dt.date(2024, 5, 1),
                dt.date(2024, 9, 30),
                dt.date(2024, 8, 15),
                "learning.csv",
                2,
            ],
            [
                landlord_id,
                "LA2",
                "Communication",
                "Text updates when a repair is booked.",
                "repairs",
                ["c7", "c8"],
                dt.date(2024, 6, 1),
                dt.date(2025, 6, 30),
                None,
                "learning.csv",
                3,
            ],
            [
                landlord_id,
                "LA3",
                HOSTILE_CATEGORY,
                "<b>Bold</b> claims escaped.",
                "housing",
                ["c9"],
                dt.date(2024, 7, 1),
                None,
                None,
                "learning.csv",
                4,
            ],
        ],
    )
    con.executemany(
        "insert into ingest_file values (?, ?, ?, ?, ?, ?, ?)",
        [
            [landlord_id, "exports/complaints.csv", "complaints.yaml", "ab" * 32, 1200, 1195, 5],
            [landlord_id, "exports/surveys.xlsx", "surveys.yaml", "cd" * 32, 330, 330, 0],
        ],
    )
    con.executemany(
        "insert into quarantine values (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [
                landlord_id,
                "exports/complaints.csv",
                14,
                "complaint_stage",
                "Stage 1 Response Date",
                "response_before_receipt",
                "response_before_receipt: the response date is before "
                "the date the stage was received",
                "01/02/2024",
            ],
            [
                landlord_id,
                "exports/complaints.csv",
                15,
                "complaint",
                "Date Received",
                "date_unparseable",
                "date_unparseable: not a date",
                '=HYPERLINK("x")',
            ],
            [
                landlord_id,
                "exports/complaints.csv",
                16,
                "complaint",
                "Tenure",
                "unknown_code",
                "unknown_code: not a listed code",
                "<script>alert(1)</script>",
            ],
            [
                landlord_id,
                "exports/complaints.csv",
                17,
                "complaint",
                "Case Ref",
                "duplicate_row",
                "duplicate_row: identical to row 16",
                "C-17",
            ],
            [
                landlord_id,
                "exports/complaints.csv",
                18,
                "complaint",
                "Tenure",
                "unknown_code",
                "unknown_code: not a listed code",
                "Licence",
            ],
        ],
    )
    return landlord


def build_sample_workspace(store, landlord_id: str = LANDLORD_ID) -> Landlord:
    """The sample landlord as a store's workspace (landlord.yaml) and warehouse (the sample
    database): what the reporting assets read, without exports or a load."""
    import yaml

    workspace = store.workspace(landlord_id)
    workspace.mkdir(parents=True)
    (workspace / "landlord.yaml").write_text(
        yaml.safe_dump({**SAMPLE_LANDLORD, "landlord_id": landlord_id}), encoding="utf-8"
    )
    store.warehouse(landlord_id).parent.mkdir(parents=True)
    con = duckdb.connect(str(store.warehouse(landlord_id)))
    try:
        return build_sample_database(con, landlord_id)
    finally:
        con.close()


def main(argv: list[str]) -> None:
    from pipeline.reporting.render import (
        render_annual_report,
        render_committee_pack,
        render_data_quality,
        render_learning_summary,
    )

    out = Path(argv[0] if argv else "output/sample")
    con = duckdb.connect()
    landlord = build_sample_database(con)
    workspace = out / "workspace"
    workspace.mkdir(parents=True, exist_ok=True)
    for paths in (
        render_annual_report(con, landlord, "2024-25", out, workspace=workspace),
        render_annual_report(con, landlord, "2024-25", out, published=True, workspace=workspace),
        render_committee_pack(con, landlord, "2024-25-Q2", out, workspace=workspace),
        render_data_quality(con, landlord, out, workspace=workspace),
        render_learning_summary(con, landlord, "2024-25", out, workspace=workspace),
    ):
        print(*paths.values(), sep="\n")


if __name__ == "__main__":
    main(sys.argv[1:])
