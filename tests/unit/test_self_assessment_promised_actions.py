"""Self-assessment 6.6, 6.17 and 7.3: actions promised in complaint responses, done by their due
date. A "yes" the promised-actions figure falls well short of is flagged as any other provision's
is; a year with no promised action due says so and is never passed off as checked."""

from __future__ import annotations

import io

import openpyxl
import pytest

from pipeline.reporting.section8 import self_assessment_section
from pipeline.self_assessment.build import summarise
from pipeline.self_assessment.evidence import evidence_specs
from pipeline.self_assessment.render import evidence_text, render_form, render_html, render_xlsx
from tests.unit.test_self_assessment import con, document, measure_row  # noqa: F401 (con: a fixture)

PROVISIONS = ("6.6", "6.17", "7.3")


def _promised(con, rows):
    """The year's promised_actions_on_time rows: (breakdown, value, numerator, denominator)."""
    con.execute("delete from measures where measure = 'promised_actions_on_time'")
    if not rows:
        return
    con.executemany(
        "insert into measures values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            measure_row(
                "promised_actions_on_time",
                "[U]" if not denominator else f"{numerator / denominator * 100:.1f}",
                numerator,
                denominator,
                numerator / denominator * 100 if denominator else None,
                breakdown=breakdown,
                breakdown_value=value,
            )
            for breakdown, value, numerator, denominator in rows
        ],
    )


def _row(doc, pid):
    return next(r for r in doc.rows if r.provision.id == pid)


def test_council_2024_25_yes_to_6_6_with_66_9_percent_on_time_is_flagged(con):
    """The council example's 2024-25 answer to 6.6 was "Yes" while 91 of its 136 stage 1 promised
    actions (66.9%) were done by their due date, and nothing flagged it."""
    _promised(con, [("none", "all", 99, 150), ("stage", "1", 91, 136), ("stage", "2", 8, 14)])
    doc = document(con)
    assert {"6.6", "6.17", "7.3"} <= {r.provision.id for r in doc.contradicted}
    six_six = _row(doc, "6.6")
    assert [line.text for line in six_six.contradictions] == [
        "actions promised in stage 1 responses completed by their due date: 66.9% (91 of 136)"
    ]
    assert six_six.contradictions[0].threshold.describe() == "below 90"
    # the method note lists the threshold beside the evidence, as for every other flag
    assert {pid for pid, *_ in doc.thresholds} >= set(PROVISIONS)
    summary = summarise(doc)
    assert {c["provision"] for c in summary["contradictions"]} >= set(PROVISIONS)
    assert summary["totals"]["met"] == summary["totals"]["yes"] - summary["totals"]["contradicted"]


@pytest.mark.parametrize(
    ("on_time", "flagged"),
    [(89, True), (90, False), (100, False)],  # of 100 due: under 90% contradicts, 90% does not
)
def test_the_threshold_is_under_90_percent_at_each_stage_and_overall(con, on_time, flagged):
    _promised(
        con,
        [
            ("none", "all", 2 * on_time, 200),
            ("stage", "1", on_time, 100),
            ("stage", "2", on_time, 100),
        ],
    )
    doc = document(con)
    for pid in PROVISIONS:
        assert _row(doc, pid).contradicted is flagged, pid


def test_the_thresholds_are_in_the_specification_with_their_reason():
    specs = evidence_specs()
    for pid in PROVISIONS:
        (line,) = [s for s in specs[pid] if s.measure == "promised_actions_on_time"]
        assert line.threshold is not None and line.threshold.below == 90, pid
        assert "promptly" in line.threshold.why or "through" in line.threshold.why, pid


def test_a_no_to_6_6_is_never_flagged(con):
    _promised(con, [("none", "all", 1, 10), ("stage", "1", 1, 10)])
    doc = document(
        con,
        {
            "6.6": {
                "comply": "no",
                "actions": [
                    {"what": "Track actions", "owner": "Complaints lead", "due": "2025-12-31"}
                ],
            }
        },
    )
    assert not _row(doc, "6.6").contradicted and not _row(doc, "6.6").unchecked


def test_no_promised_action_due_says_so_and_neither_passes_nor_fails(con):
    """A landlord that recorded no promised action due in the year: the measure's headline row
    is 0 of 0 ([U]) and it has no stage rows. 7.3 printed "[U] (0 of 0)" and 6.6, 6.17 and 7.3
    counted as met with nothing said; each now says there was nothing to check."""
    _promised(con, [("none", "all", 0, 0)])
    doc = document(con)
    texts = {pid: [line.shown for line in _row(doc, pid).evidence_lines] for pid in PROVISIONS}
    assert texts == {
        "6.6": ["actions promised in stage 1 responses: none due in the year"],
        "6.17": ["actions promised in stage 2 responses: none due in the year"],
        "7.3": ["remedies and actions promised: none due in the year"],
    }
    for pid in PROVISIONS:
        row = _row(doc, pid)
        assert not row.contradicted and row.unchecked, pid
    assert {r.provision.id for r in doc.unchecked} >= set(PROVISIONS)

    # Every output says the "yes" was not checked: the form (which the annual report's appendix
    # prints too), the summary at its head, the workbook and the annual report's summary block.
    html = render_html(doc)
    assert (
        "No figures to check &ldquo;Yes&rdquo;:</strong> remedies and actions promised: none due"
        in html
    )
    assert "have no figures for 2024/25 to check them" in html
    appendix = str(render_form(doc, published=False, id_prefix="sa-", heading_level=3))
    assert "No figures to check &ldquo;Yes&rdquo;:</strong> actions promised in stage 1" in appendix
    cell = evidence_text(_row(doc, "7.3"), doc.year.label)
    assert cell.endswith(
        "NO FIGURES TO CHECK 'YES': remedies and actions promised: none due in the year"
    )
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(doc)))
    cover = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert int(cover["Answers our figures could not check"]) == len(doc.unchecked)
    summary = summarise(doc)
    assert {u["provision"] for u in summary["unchecked"]} >= set(PROVISIONS)
    assert summary["totals"]["unchecked"] == len(doc.unchecked)
    texts = [b.text for b in self_assessment_section(summary, doc.year, published=True).blocks]
    said = next(t for t in texts if t and "had no figures in 2024/25" in t)
    assert all(pid in said for pid in PROVISIONS)


def test_a_workspace_recording_no_promised_actions_at_all_is_unchecked_too(con):
    """No promised-action row of any kind in the year: every line says it was not measured, and
    the answers are unchecked, not met by silence."""
    _promised(con, [])
    doc = document(con)
    for pid in PROVISIONS:
        row = _row(doc, pid)
        assert row.unchecked and not row.contradicted, pid
        assert all(
            "not measured" in line.shown or "none due" in line.shown for line in row.evidence_lines
        )


def test_scotlands_late_actions_never_flag_englands_code_answers(con):
    """A landlord in England and Scotland whose promised actions were all Scottish (79% on time):
    the Code is England's, so 6.6, 6.17 and 7.3 read England's rows, which had none due; they say
    so for England and are neither flagged by Scotland's figure nor passed in silence."""
    from tests.unit.test_self_assessment_regimes import _two_regime_rows

    _promised(con, [])
    con.executemany(
        "insert into measures values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            *_two_regime_rows(
                "promised_actions_on_time",
                "percent",
                ("none", "all", 50, 63),
                ("stage", "2", 50, 63),
                ("regime", "sct", 50, 63),
                ("regime|stage", "sct|2", 50, 63),
            ),
            # the other rows a landlord in both countries has (England's and Scotland's)
            *_two_regime_rows("stage2_different_handler", "percent", ("regime", "sct", 10, 10)),
        ],
    )
    doc = document(con)
    assert {pid: [line.shown for line in _row(doc, pid).evidence_lines] for pid in PROVISIONS} == {
        "6.6": ["England: actions promised in stage 1 responses: none due in the year"],
        "6.17": ["England: actions promised in stage 2 responses: none due in the year"],
        "7.3": ["England: remedies and actions promised: none due in the year"],
    }
    for pid in PROVISIONS:
        assert _row(doc, pid).unchecked and not _row(doc, pid).contradicted, pid
