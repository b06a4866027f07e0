"""The residents' complaint panel sample: seeded, reproducible, closed complaints only, no PII."""

import csv
import datetime as dt

import duckdb

from pipeline.measures.testing import code_landlord, create_canonical_schema, insert_rows
from pipeline.periods import parse_quarter
from pipeline.reporting.panel import PANEL_FILE, panel_sample, write_panel_sample

D = dt.date
Q2 = parse_quarter("2024-25-Q2")  # July to September 2024
CUT = D(2025, 6, 30)


def database():
    con = duckdb.connect()
    create_canonical_schema(con)
    complaints, stages = [], []
    for n in range(40):  # closed in Q2: received Mon 1 Jul 2024, answered Mon 15 Jul
        complaints.append({"complaint_id": f"c{n:02d}", "received_date": D(2024, 7, 1)})
        stages.append(
            {"complaint_id": f"c{n:02d}", "stage": 1, "received_date": D(2024, 7, 1),
             "acknowledged_date": D(2024, 7, 1), "responded_date": D(2024, 7, 15),
             "outcome": "upheld", "compensation_paid_gbp": 50}
        )  # fmt: skip
    # open, refused, closed in Q1, and escalated with the stage 2 still open: never drawn
    complaints += [{"complaint_id": c, "received_date": D(2024, 7, 1)} for c in ("open", "ref")]
    complaints += [{"complaint_id": c, "received_date": D(2024, 5, 1)} for c in ("q1", "esc")]
    stages += [
        {"complaint_id": "open", "stage": 1, "received_date": D(2024, 7, 1)},
        {"complaint_id": "ref", "stage": 1, "received_date": D(2024, 7, 1), "refused": True,
         "responded_date": D(2024, 7, 2)},
        {"complaint_id": "q1", "stage": 1, "received_date": D(2024, 5, 1),
         "responded_date": D(2024, 5, 10), "outcome": "not_upheld"},
        {"complaint_id": "esc", "stage": 1, "received_date": D(2024, 5, 1),
         "responded_date": D(2024, 7, 10), "outcome": "not_upheld"},
        {"complaint_id": "esc", "stage": 2, "received_date": D(2024, 7, 20)},
    ]  # fmt: skip
    insert_rows(con, "complaint", complaints)
    insert_rows(con, "complaint_stage", stages)
    return con


def panel(**settings):
    return code_landlord(complaint_panel=settings or {}, data_cut_date=CUT)


def test_sample_is_reproducible_and_draws_only_closed_counted_complaints():
    con = database()
    first = panel_sample(con, panel(sample_size=8, seed=3), Q2)
    again = panel_sample(con, panel(sample_size=8, seed=3), Q2)
    other_seed = panel_sample(con, panel(sample_size=8, seed=4), Q2)
    assert first.height == 8 and first["draw"].to_list() == list(range(1, 9))
    assert first.equals(again)
    assert set(first["reference"]) != set(other_seed["reference"])
    assert set(first["reference"]) <= {f"c{n:02d}" for n in range(40)}
    row = first.row(0, named=True)
    assert (row["closed"], row["stage_reached"], row["answered_in_time"]) == (
        D(2024, 7, 15), 1, "yes"
    )  # fmt: skip
    # a larger sample than the population takes every closed complaint once
    everything = panel_sample(con, panel(sample_size=500), Q2)
    assert everything.height == 40 and everything["reference"].n_unique() == 40


def test_file_beside_the_pack_has_no_personal_fields_and_goes_when_the_panel_does(tmp_path):
    con = database()
    path, drawn = write_panel_sample(con, panel(sample_size=5, seed=1), Q2, tmp_path)
    assert path == tmp_path / PANEL_FILE and drawn == 5
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 5 and rows[0]["period"] == "2024-25-Q2"
    assert set(rows[0]) == {
        "draw", "period", "reference", "received", "closed", "stage_reached", "regime",
        "service_area", "category", "scheme", "outcome", "answered_in_time",
        "compensation_paid_gbp",
    }  # fmt: skip
    # complaint_panel removed from landlord.yaml: no sample, and the old file is gone
    assert write_panel_sample(con, code_landlord(data_cut_date=CUT), Q2, tmp_path) == (None, 0)
    assert not path.exists()
