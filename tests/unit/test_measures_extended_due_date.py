"""The extension derived from an extended due date ("Revised Target Date"), on hand-checked rows.

design.md section 5: wd(a, b) counts the working days d with a < d <= b; base deadline = clock
start + respond limit WD; extended deadline = base + min(extension, cap). A case system that
records the due date after the extension instead of the days maps it to ``extended_due_date``;
stage_timeliness then derives extension_wd = wd(base deadline, extended_due_date) in the calendar
of the stage's regime (0 when the date is on or before the base deadline). Recorded days above 0
win over the date; a disagreement is flagged (``extension_disagrees``) and counted in
data_quality_counts.csv.

Timescales (pipeline.measures.testing.code_landlord): England stage 1 acknowledge 5 WD, respond
10 WD from acknowledgement, extension cap 10; Scotland stage 1 no acknowledgement, respond 5 WD
from receipt, cap 5. Every date is counted by hand in the comment beside it.

England: received and acknowledged Fri 9 Aug 2024, base deadline Mon 12 (1) .. Fri 16 (5),
Mon 19 (6) .. Fri 23 Aug (10). Scotland: received Fri 16 Aug 2024, base deadline Mon 19 (1) ..
Fri 23 Aug (5). Mon 26 Aug 2024 is the summer bank holiday in England and Wales only (Scotland's
was Mon 5 Aug), so from Fri 23 Aug to Tue 27 Aug is 1 WD in England (Tue 27) and 2 in Scotland
(Mon 26, Tue 27).
"""

import datetime as dt

import duckdb

from pipeline.measures import compute_measures, stage_timeliness
from pipeline.measures.testing import (
    LANDLORD_ID,
    code_landlord,
    code_policy_version,
    create_canonical_schema,
    insert_rows,
)
from pipeline.periods import ReportingYear
from pipeline.reporting.quality_counts import quality_counts

D = dt.date
CUT = D(2025, 6, 30)
YEAR = ReportingYear.parse("2024-25")
ENG_RECEIVED = D(2024, 8, 9)  # Friday; base deadline Fri 23 Aug 2024
SCT_RECEIVED = D(2024, 8, 16)  # Friday; base deadline Fri 23 Aug 2024
BASE = D(2024, 8, 23)
TUE_AFTER_HOLIDAY = D(2024, 8, 27)


def _con(complaints, stages):
    con = duckdb.connect()
    create_canonical_schema(con)
    insert_rows(con, "complaint", complaints)
    insert_rows(con, "complaint_stage", stages)
    return con


def staged(complaints, stages, landlord=None):
    """stage_timeliness rows as {complaint_id: row dict} (stage 1 each)."""
    con = _con(complaints, stages)
    frame = stage_timeliness(con, landlord or code_landlord(), CUT).pl()
    con.close()
    return {row["complaint_id"]: row for row in frame.iter_rows(named=True)}


def eng(cid, **stage):
    """An English complaint's stage 1, received and acknowledged Fri 9 Aug 2024."""
    complaint = {"complaint_id": cid, "received_date": ENG_RECEIVED, "regime": "eng"}
    row = {
        "complaint_id": cid,
        "stage": 1,
        "received_date": ENG_RECEIVED,
        "acknowledged_date": ENG_RECEIVED,
        "outcome": "upheld",
    }
    return complaint, row | stage


def sct(cid, **stage):
    """A Scottish complaint's stage 1, received Fri 16 Aug 2024 (no acknowledgement step)."""
    complaint = {"complaint_id": cid, "received_date": SCT_RECEIVED, "regime": "sct"}
    row = {"complaint_id": cid, "stage": 1, "received_date": SCT_RECEIVED, "outcome": "upheld"}
    return complaint, row | stage


def rows_of(*pairs):
    return [c for c, _ in pairs], [s for _, s in pairs]


def test_friday_base_and_tuesday_revised_date_across_the_english_bank_holiday_is_1_wd():
    rows = staged(
        *rows_of(
            eng("rev", extended_due_date=TUE_AFTER_HOLIDAY, responded_date=TUE_AFTER_HOLIDAY),
            eng("none", responded_date=TUE_AFTER_HOLIDAY),
        )
    )
    rev, none = rows["rev"], rows["none"]
    assert rev["base_deadline"] == BASE
    # [Sat 24, Sun 25, Mon 26 bank holiday] Tue 27 (1)
    assert rev["extension_wd"] == 1 and rev["extension_wd_recorded"] == 0
    assert rev["extension_from"] == "due_date" and rev["extension_disagrees"] is False
    assert rev["reg_extended_deadline"] == rev["mgt_extended_deadline"] == TUE_AFTER_HOLIDAY
    assert rev["reg_status"] == rev["mgt_status"] == "in_time_with_ext"
    # the same answer without the revised date: late, as before this field existed
    assert none["extension_wd"] == 0 and none["extension_from"] == "none"
    assert none["reg_status"] == none["mgt_status"] == "late"


def test_scotland_counts_the_english_bank_holiday_as_a_working_day():
    # Scotland: Mon 26 Aug 2024 is a working day: Mon 26 (1), Tue 27 (2)
    rows = staged(
        *rows_of(
            sct("sct", extended_due_date=TUE_AFTER_HOLIDAY, responded_date=TUE_AFTER_HOLIDAY),
            eng("eng", extended_due_date=TUE_AFTER_HOLIDAY, responded_date=TUE_AFTER_HOLIDAY),
        )
    )
    assert rows["sct"]["base_deadline"] == BASE
    assert rows["sct"]["extension_wd"] == 2 and rows["eng"]["extension_wd"] == 1
    assert rows["sct"]["reg_extended_deadline"] == TUE_AFTER_HOLIDAY
    assert rows["sct"]["reg_status"] == "in_time_with_ext"


def test_revised_date_beyond_the_code_cap_regulator_caps_management_follows_policy():
    # From Fri 23 Aug: Tue 27 (1), Wed 28 (2), Thu 29 (3), Fri 30 (4), Mon 2 Sep (5) .. Fri 6 (9),
    # Mon 9 (10), Tue 10 (11), Wed 11 (12), Thu 12 (13), Fri 13 (14), Mon 16 Sep (15).
    # The landlord's policy sets no cap; the Code's is 10 WD (Mon 9 Sep).
    uncapped = code_policy_version(
        timescales={
            "eng": {
                "stage_1": {"acknowledge_wd": 5, "respond_wd": 10, "extension_wd": None},
                "stage_2": {"acknowledge_wd": 5, "respond_wd": 20, "extension_wd": None},
            },
            "sct": code_policy_version()["timescales"]["sct"],
        }
    )
    landlord = code_landlord(policy_versions=[uncapped])
    rows = staged(
        *rows_of(
            eng("far", extended_due_date=D(2024, 9, 16), responded_date=D(2024, 9, 12)),
            eng("cap", extended_due_date=D(2024, 9, 16), responded_date=D(2024, 9, 9)),
        ),
        landlord=landlord,
    )
    far, cap = rows["far"], rows["cap"]
    assert far["extension_wd"] == 15
    assert far["reg_extension_wd"] == 10 and far["mgt_extension_wd"] == 15
    assert far["reg_extended_deadline"] == D(2024, 9, 9)
    assert far["mgt_extended_deadline"] == D(2024, 9, 16)
    assert far["reg_status"] == "late" and far["mgt_status"] == "in_time_with_ext"
    assert cap["reg_status"] == cap["mgt_status"] == "in_time_with_ext"


def test_revised_date_on_or_before_the_base_deadline_is_no_extension():
    # Wed 21 Aug (before) and Fri 23 Aug (the base deadline itself): no extension
    rows = staged(
        *rows_of(
            eng("before", extended_due_date=D(2024, 8, 21), responded_date=TUE_AFTER_HOLIDAY),
            eng("on", extended_due_date=BASE, responded_date=BASE),
            # a Saturday after the Friday base holds no working day: no extension either
            eng("sat", extended_due_date=D(2024, 8, 24), responded_date=D(2024, 8, 24)),
        )
    )
    for cid in ("before", "on", "sat"):
        assert rows[cid]["extension_wd"] == 0 and rows[cid]["extension_from"] == "none"
        assert rows[cid]["extension_notified_in_time"] is None
    assert rows["before"]["reg_status"] == rows["before"]["mgt_status"] == "late"
    assert rows["on"]["reg_status"] == "in_time_without_ext"
    assert rows["sat"]["reg_status"] == "late"


def test_recorded_days_win_over_a_disagreeing_date_and_the_disagreement_is_flagged():
    # days 3 from Fri 23 Aug: Tue 27 (1), Wed 28 (2), Thu 29 Aug (3); the date says 1 WD
    rows = staged(
        *rows_of(
            eng("both", extension_wd=3, extended_due_date=TUE_AFTER_HOLIDAY),
            eng("agree", extension_wd=1, extended_due_date=TUE_AFTER_HOLIDAY),
            # days recorded, a date on or before the base deadline: disagree (0 WD by the date)
            eng("early", extension_wd=2, extended_due_date=D(2024, 8, 21)),
            eng("days", extension_wd=2),
        )
    )
    both = rows["both"]
    assert both["extension_wd"] == 3 and both["extension_from"] == "days"
    assert both["extension_disagrees"] is True
    assert both["reg_extended_deadline"] == D(2024, 8, 29)
    assert rows["agree"]["extension_disagrees"] is False
    assert rows["early"]["extension_disagrees"] is True and rows["early"]["extension_wd"] == 2
    assert rows["days"]["extension_disagrees"] is False
    assert rows["days"]["extension_from"] == "days"


def test_measures_read_the_derived_extension():
    # CH02 with-extension split, extension_within_limit, extension_notified_in_time: a revised
    # date counts as the extension that days would. tenure lcra, English owned stock.
    def tenant(pair):
        complaint, stage = pair
        return complaint | {"tenure": "lcra"}, stage

    pairs = [
        # in time with a 1 WD extension (Tue 27 Aug), notified Thu 22 Aug (before the base)
        eng(
            "rev",
            extended_due_date=TUE_AFTER_HOLIDAY,
            responded_date=TUE_AFTER_HOLIDAY,
            extension_reason="awaiting contractor",
            extension_notified_date=D(2024, 8, 22),
        ),
        # a 15 WD revised date: over the Code cap, answered on day 13 -> late for CH02
        eng(
            "far",
            extended_due_date=D(2024, 9, 16),
            responded_date=D(2024, 9, 12),
            extension_reason="awaiting contractor",
        ),
        # in time without an extension
        eng("plain", responded_date=D(2024, 8, 20)),
    ]
    complaints, stages = rows_of(*(tenant(p) for p in pairs))
    con = _con(complaints, stages)
    compute_measures(con, code_landlord(), YEAR, CUT)

    def measure(name, breakdown_value="all"):
        return con.execute(
            "select numerator, denominator from measures where measure = $m "
            "and period = '2024-25' and breakdown_value = $b",
            {"m": name, "b": breakdown_value},
        ).fetchall()

    assert measure("CH02_1", "lcra") == [(2.0, 3.0)]
    assert measure("CH02_1_with_ext", "lcra")[0][0] == 1
    assert measure("CH02_1_without_ext", "lcra")[0][0] == 1
    # extended stages: rev (1 WD, within the cap, reason) and far (15 WD, over the cap)
    assert measure("extension_within_limit_1") == [(1.0, 2.0)]
    # rev notified before its base deadline with a reason; far never notified
    assert measure("extension_notified_in_time_1") == [(1.0, 2.0)]
    con.close()


def test_data_quality_counts_list_the_disagreements():
    con = _con(
        *rows_of(
            eng("both", extension_wd=3, extended_due_date=TUE_AFTER_HOLIDAY),
            eng("agree", extension_wd=1, extended_due_date=TUE_AFTER_HOLIDAY),
        )
    )
    stage_timeliness(con, code_landlord(), CUT)
    rows = quality_counts(con, LANDLORD_ID, landlord=code_landlord())
    checks = [row for row in rows if row[0] == "check"]
    assert checks == [
        ["check", "extension_wd_disagrees_with_extended_due_date", None, None, None, 1]
    ]
    con.close()
