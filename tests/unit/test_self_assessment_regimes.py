"""Self-assessment evidence for a landlord in England and Scotland: each line read from the
country the Code applies to, and named so."""

from __future__ import annotations

from pipeline.self_assessment.evidence import measured_evidence
from tests.unit.test_self_assessment import LANDLORD, YEAR, con, measure_row  # noqa: F401 (con: a fixture)


def test_a_line_read_from_one_country_names_it_for_a_landlord_in_both(con):
    """Homes Plus (England and Scotland): the annual report shows "Stage 2 handled by a different
    person" for both countries (94.4%); the Code's evidence reads England's row (94.5%), so the
    line says "England:" rather than show a second value under the same words."""
    england = measured_evidence(con, LANDLORD, YEAR)["6.13"].lines[0]
    assert england.text.startswith("stage 2 handled by a different person")
    con.execute(
        "insert into measures values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        measure_row(
            "stage2_different_handler",
            "94.3",
            33,
            35,
            94.3,
            breakdown="regime",
            breakdown_value="sct",
        ),
    )
    both = measured_evidence(con, LANDLORD, YEAR)
    line = both["6.13"].lines[0]
    assert line.text == f"England: {england.text}"
    assert line.shown.startswith("England: stage 2 handled by a different person")
    assert (
        both["6.2"]
        .lines[0]
        .text.startswith("England: stage 1: complaints acknowledged in time: 91.4%")
    )
    # CH02 counts English stock only, so it is England's figure as it stands. This fixture's
    # refusals have no regime rows (a measure without a country breakdown): the line keeps both
    # countries' figure and says so, where it used to pass it off as the Code's unnamed.
    assert both["6.3"].lines[1].text.startswith("England: CH02 stage 1")
    assert both["2.1"].lines[0].text == (
        "England and Scotland together (no figure for England alone): "
        "refusals recorded with a reason: 100.0% (7 of 7)"
    )


def _two_regime_rows(measure, unit, *cells, view="all"):
    """Rows of ``measure``: each cell (breakdown, value, numerator, denominator)."""
    rows = []
    for breakdown, value, numerator, denominator in cells:
        rate = None if not denominator else numerator / denominator * 100
        display = (
            f"{numerator:g}"
            if unit in ("count", "gbp")
            else "[U]"
            if rate is None
            else f"{rate:.1f}"
        )
        rows.append(
            measure_row(
                measure,
                display,
                numerator,
                denominator,
                numerator if unit in ("count", "gbp") else rate,
                breakdown=breakdown,
                breakdown_value=value,
                unit=unit,
                view=view,
            )
        )
    return rows


def test_a_landlord_in_both_countries_reads_every_line_from_englands_rows(con):
    """Homes Plus 2025-26: 5.10 said "88.2% (15 of 17)" adjustments made, England's and
    Scotland's together; England alone is 6 of 8. 2.1, 3.1, 5.12, 6.6 and 6.17 quoted both
    countries too. Every line now reads England's rows (regime = eng, or regime|x = eng|v for a
    line by breakdown x) and names England; a line whose measure has no country breakdown says
    that it covers both."""
    con.execute(
        "delete from measures where measure in "
        "('refusals_with_reason', 'adjustment_requested_1', 'received_1')"
    )
    rows = [
        *_two_regime_rows(
            "adjustment_made_1",
            "percent",
            ("none", "all", 15, 17),
            ("regime", "eng", 6, 8),
            ("regime", "sct", 9, 9),
        ),
        *_two_regime_rows(
            "adjustment_requested_1",
            "percent",
            ("none", "all", 17, 706),
            ("regime", "eng", 8, 445),
            ("regime", "sct", 9, 261),
        ),
        *_two_regime_rows(
            "refusals_with_reason",
            "percent",
            ("none", "all", 25, 25),
            ("stage", "2", 9, 9),
            ("regime", "eng", 11, 11),
            ("regime", "sct", 14, 14),
            ("regime|stage", "eng|2", 3, 3),
            ("regime|stage", "sct|2", 6, 6),
        ),
        *_two_regime_rows(
            "received_1",
            "count",
            ("none", "all", 706, None),
            ("channel", "email", 179, None),
            ("channel", "phone", 339, None),
            ("channel", "letter", 25, None),
            ("regime", "eng", 445, None),
            ("regime", "sct", 261, None),
            ("regime|channel", "eng|email", 104, None),
            ("regime|channel", "eng|phone", 222, None),
            ("regime|channel", "sct|email", 75, None),
            ("regime|channel", "sct|letter", 25, None),
        ),
        # Scotland only: England had no stage 2 actions due, which the line says
        *_two_regime_rows(
            "promised_actions_on_time",
            "percent",
            ("none", "all", 50, 63),
            ("stage", "2", 50, 63),
            ("regime", "sct", 50, 63),
            ("regime|stage", "sct|2", 50, 63),
        ),
        *_two_regime_rows("learning_actions", "count", ("none", "all", 10, None)),
    ]
    con.executemany("insert into measures values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    evidence = measured_evidence(con, LANDLORD, YEAR)

    def line(provision, measure):
        return next(x for x in evidence[provision].lines if x.measure == measure)

    made = line("5.10", "adjustment_made_1")
    assert made.text == "England: stage 1: adjustment made, of those requested: 75.0% (6 of 8)"
    assert made.value == 75.0 and made.breached
    assert line("5.10", "adjustment_requested_1").text == (
        "England: stage 1: adjustment requested: 1.8% (8 of 445)"
    )
    assert line("2.1", "refusals_with_reason").text == (
        "England: refusals recorded with a reason: 100.0% (11 of 11)"
    )
    assert line("5.11", "refusals_with_reason").text == (
        "England: refused escalations with a reason recorded: 100.0% (3 of 3)"
    )
    # Scotland's letters are not England's channels
    assert line("3.1", "received_1").text == (
        "England: stage 1 complaints received through 2 channels: Email 104; Phone 222"
    )
    assert line("8.1", "received_1").text == "England: stage 1 complaints received in the year: 445"
    assert line("6.17", "promised_actions_on_time").text == (
        "England: actions promised in stage 2 responses: none due in the year"
    )
    assert line("9.1", "learning_actions").text == (
        "England and Scotland together (no figure for England alone): "
        "service improvements recorded from complaints: 10"
    )
    # No line of a figure quotes both countries' rows unnamed.
    for provision in evidence.values():
        for x in provision.lines:
            if x.available:
                assert x.text.startswith(("England: ", "England and Scotland together")), x.text
                assert x.shown.startswith(("England: ", "England and Scotland together")), x.shown
