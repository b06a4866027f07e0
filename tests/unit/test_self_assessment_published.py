"""Self-assessment, published wording: the evidence and documents published beside the annual
report hide what its published version hides, in the same words."""

from __future__ import annotations

from pipeline.self_assessment.evidence import measured_evidence
from pipeline.self_assessment.render import (
    evidence_text,
    render_html,
)
from tests.unit.test_self_assessment import (
    LANDLORD,
    YEAR,
    _set_adjustment_made_2,
    con,  # noqa: F401 (a fixture)
    document,
    measure_row,
)


def test_published_money_of_fewer_than_five_offers_is_withheld(con):
    rows = []
    for stage, amount, offers in (("1", 1100.0, 9), ("2", 250.5, 1)):
        rows.append(measure_row("compensation_offered_gbp", f"{amount:.2f}", amount, None, amount,
                                breakdown="stage", breakdown_value=stage, unit="gbp"))  # fmt: skip
        rows.append(measure_row("compensation_offered_count", str(offers), offers, None, offers,
                                breakdown="stage", breakdown_value=stage, unit="count"))  # fmt: skip
    con.executemany("insert into measures values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    line = measured_evidence(con, LANDLORD, YEAR)["5.13"].lines[0]
    # stage 2's £250.50 is one offer: withheld; stage 1's then goes too (the total would give it)
    assert line.shown == "compensation offered by stage: stage 1 [c]; stage 2 [c]"
    assert line.text == "compensation offered by stage: stage 1 £1,100; stage 2 £250.50"


def test_published_wording_hides_small_counts_and_their_rates(con):
    """A published document quotes the evidence as the published measures show it (issue 16
    point 2): a rate of 1-4 cases reads [c] with its numerator <5; the contradiction itself is
    judged on the real figures."""
    _set_adjustment_made_2(con, "80.0", 4, 5, 80.0)
    evidence = measured_evidence(con, LANDLORD, YEAR)
    made_2 = next(line for line in evidence["5.10"].lines if line.measure == "adjustment_made_2")
    assert made_2.text == "stage 2: adjustment made, of those requested: 80.0% (4 of 5)"
    assert made_2.shown == "stage 2: adjustment made, of those requested: [c] (<5 of 5)"
    assert made_2.breached  # 80% is under the threshold whatever the published wording
    made_1 = next(line for line in evidence["5.10"].lines if line.measure == "adjustment_made_1")
    assert made_1.shown == made_1.text  # nothing small: the same words


def test_published_wording_hides_a_rate_that_leaves_a_small_count_by_subtraction(con):
    """10 of 11 adjustments made says 1 was not: the published wording withholds the rate and its
    numerator (the denominator alone gives nothing away)."""
    _set_adjustment_made_2(con, "90.9", 10, 11, 10 / 11 * 100)
    evidence = measured_evidence(con, LANDLORD, YEAR)
    made_2 = next(line for line in evidence["5.10"].lines if line.measure == "adjustment_made_2")
    assert made_2.text == "stage 2: adjustment made, of those requested: 90.9% (10 of 11)"
    assert made_2.shown == "stage 2: adjustment made, of those requested: [c] ([c] of 11)"


def test_the_self_assessment_documents_quote_the_published_wording(con):
    """The self-assessment is published (Code section 8): its HTML and XLSX never show a count of
    1-4 that the published measures hide."""
    _set_adjustment_made_2(con, "80.0", 4, 5, 80.0)
    doc = document(con)
    html = render_html(doc)
    assert "stage 2: adjustment made, of those requested: [c] (&lt;5 of 5)" in html
    assert "(4 of 5)" not in html
    row = next(r for r in doc.rows if r.provision.id == "5.10")
    assert "(4 of 5)" not in evidence_text(row, "2024/25")


def test_published_evidence_hides_what_the_published_annual_report_hides(con):
    """The self-assessment is published beside the annual report (Code 8.2; docs/governance.md:
    "a link to the full assessment beside the report"), so it hides the same cells: its figures
    are suppressed with the year's whole measures table, as the annual report's are, not with the
    few measures it quotes. CH02's combined share is hidden because CH01's combined count (not
    quoted here) is hidden to protect LCHO's 3 (the combined cell goes rather than LCRA's, the
    headline the TSM return reports): read alone, CH02 would be shown and pin that count."""
    stock = {"breakdown": "stock_type", "view": "regulator"}
    con.execute("delete from measures where measure = 'CH02_1'")
    con.executemany(
        "insert into measures values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            measure_row(
                "CH01_1",
                "8.0",
                40,
                5000,
                8.0,
                breakdown_value="lcra",
                unit="per_1000",
                view="regulator",
                breakdown="stock_type",
            ),  # fmt: skip
            measure_row(
                "CH01_1",
                "7.5",
                3,
                400,
                7.5,
                breakdown_value="lcho",
                unit="per_1000",
                view="regulator",
                breakdown="stock_type",
            ),  # fmt: skip
            measure_row(
                "CH01_1",
                "8.0",
                43,
                5400,
                7.96,
                breakdown_value="combined",
                unit="per_1000",
                view="regulator",
                breakdown="stock_type",
            ),  # fmt: skip
            measure_row("CH02_1", "87.5", 35, 40, 87.5, breakdown_value="lcra", **stock),
            measure_row("CH02_1", "[c]", 3, 3, 100.0, breakdown_value="lcho", **stock),
            measure_row("CH02_1", "88.4", 38, 43, 88.37, breakdown_value="combined", **stock),
        ],
    )
    evidence = measured_evidence(con, LANDLORD, YEAR)
    ch02 = next(line for line in evidence["6.3"].lines if line.measure == "CH02_1")
    assert "Low-cost rental (LCRA) 87.5%" in ch02.text  # the internal wording
    assert "All social housing (combined) 88.4%" in ch02.text
    assert "All social housing (combined) [c]" in ch02.shown
    assert "Low-cost rental (LCRA) 87.5%" in ch02.shown


def test_published_evidence_hides_the_management_gap_and_a_hidden_denominator(con):
    """small_specialist 2025-26: stage 1 in time 33 of 40 (Code) and 34 of 40 (policy) in the
    annual report, with the policy's 5 answers in time thanks to an extension: the
    self-assessment's "<5" under the Code was 4. The annual report now withholds the policy's
    figures; the self-assessment, suppressed with the same rows, keeps the Code's."""
    eng = {"breakdown": "regime", "breakdown_value": "eng"}
    con.execute("delete from measures where measure = 'response_in_time_1'")
    con.executemany(
        "insert into measures values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            measure_row("response_in_time_1", "82.5", 33, 40, 82.5, view="regulator", **eng),
            measure_row("response_in_time_1", "85.0", 34, 40, 85.0, view="management", **eng),
            measure_row(
                "response_in_time_with_ext_1",
                "4",
                4,
                None,
                4,
                view="regulator",
                unit="count",
                **eng,
            ),  # fmt: skip
            measure_row(
                "response_in_time_with_ext_1",
                "5",
                5,
                None,
                5,
                view="management",
                unit="count",
                **eng,
            ),  # fmt: skip
            # Stage 2 by country: Scotland's 3 escalations are <5, so England's 11 are [c]
            # beside the 14 in all; the share handled by someone new, 11 of 11, then may not
            # say "of 11".
            measure_row("received_2", "11", 11, None, 11, unit="count", **eng),
            measure_row(
                "received_2",
                "3",
                3,
                None,
                3,
                unit="count",
                breakdown="regime",
                breakdown_value="sct",
            ),  # fmt: skip
            measure_row("received_2", "14", 14, None, 14, unit="count"),
        ],
    )
    con.execute(
        "update measures set numerator = 11, denominator = 11 "
        "where measure = 'stage2_different_handler'"
    )
    evidence = measured_evidence(con, LANDLORD, YEAR)
    # (England: the landlord has Scottish rows too)
    assert evidence["6.3"].lines[0].shown == (
        "England: stage 1: all answers sent within the Code's time limits: 82.5% (33 of 40)"
    )
    assert evidence["6.4"].lines[0].shown.endswith(": <5")
    handler = evidence["6.13"].lines[0]
    assert handler.text.endswith("(11 of 11)")
    assert handler.shown.endswith("different person: [c] ([c] of [c])")


def test_html_states_the_published_key(con):
    # Its evidence is in the published wording: <5, [c] and the counts shown in full are keyed.
    html = render_html(document(con))
    facts = html[html.index('<dl class="facts">') : html.index("</dl>")]
    assert "&lt;5: a count from 1 to 4" in facts and "[c]: a figure withheld" in facts
    assert "Counts of our service improvements" in facts and "shown in full" in facts


def test_the_adjustments_requested_are_given_or_withheld_alike_in_5_10(con):
    """council_housing 2025-26: 5.10 gave "10 stage 1 complaints" with an adjustment requested,
    then "[c] of [c]" adjustments made of those same 10, because an unrelated hidden count of the
    cell (answers in time thanks to a policy extension, 10) had the same value. The 10 requests
    are published (3.0% of 329 in the annual report too), so both lines give them, under the
    annual report's name of the measure."""
    con.execute("delete from measures where measure = 'adjustment_requested_1'")
    rows = [
        measure_row("adjustment_requested_1", "3.0", 10, 329, 10 / 329 * 100),
        measure_row("adjustment_made_1", "70.0", 7, 10, 70.0),  # 3 not made: [c]
        # the policy's 10 vs the Code's 8: a gap of 2, so the policy's figure is withheld
        measure_row("response_in_time_with_ext_2", "8", 8, None, 8, unit="count", view="regulator"),
        measure_row("response_in_time_with_ext_2", "10", 10, None, 10, unit="count", view="management"),
    ]  # fmt: skip
    con.executemany("insert into measures values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    requested, _, made, _ = measured_evidence(con, LANDLORD, YEAR)["5.10"].lines
    assert requested.shown == "stage 1: adjustment requested: 3.0% (10 of 329)"
    assert made.shown == "stage 1: adjustment made, of those requested: [c] ([c] of 10)"
    # withheld where the requests are: a requested count that is itself hidden
    con.execute(
        "update measures set numerator = 3, denominator = 329 where measure = 'adjustment_requested_1'"
    )
    con.execute(
        "update measures set numerator = 2, denominator = 3 where measure = 'adjustment_made_1'"
    )
    requested, _, made, _ = measured_evidence(con, LANDLORD, YEAR)["5.10"].lines
    assert requested.shown == "stage 1: adjustment requested: [c] (<5 of 329)"
    assert made.shown == "stage 1: adjustment made, of those requested: [c] (<5 of <5)"
