"""Half-up rounding at .x5 boundaries, in Python and in the DuckDB macro the measures use."""

import duckdb
import pytest

from pipeline.rounding import ROUND_HALF_UP_MACRO, display, round_half_up

# (value, places, expected): banker's rounding or binary floats would get the starred ones wrong
CASES = [
    (0.25, 1, 0.3),  # * banker's: 0.2
    (0.35, 1, 0.4),  # * 0.35 is 0.34999.. in binary
    (2.45, 1, 2.5),  # * banker's: 2.4
    (12.5, 0, 13.0),  # * banker's: 12
    (62.5, 0, 63.0),
    (1.05, 1, 1.1),  # * binary: 1.0499..
    (2.675, 2, 2.68),  # * binary: 2.67499..
    (89.95, 1, 90.0),
    (100 / 3, 1, 33.3),
    (200 / 3, 1, 66.7),
    (0.04, 1, 0.0),
]


@pytest.mark.parametrize(("value", "places", "expected"), CASES)
def test_python_round_half_up(value, places, expected):
    assert round_half_up(value, places) == expected


@pytest.mark.parametrize(("value", "places", "expected"), CASES)
def test_sql_macro_round_half_up(value, places, expected):
    con = duckdb.connect()
    con.execute(ROUND_HALF_UP_MACRO)
    assert con.execute("select round_half_up($v, $p)", {"v": value, "p": places}).fetchone()[
        0
    ] == pytest.approx(expected, abs=1e-12)


def test_sql_macro_on_ratios_as_the_measures_compute_them():
    # 1 / 400 x 100 = 0.25 -> 0.3; 9 / 2500 x 1000 = 3.6; 1 / 8 x 100 = 12.5 stays 12.5
    con = duckdb.connect()
    con.execute(ROUND_HALF_UP_MACRO)
    row = con.execute(
        "select round_half_up(1 / 400 * 100, 1), round_half_up(9 / 2500 * 1000, 1), "
        "round_half_up(1 / 8 * 100, 1), round_half_up(5 / 8 * 100, 0)"
    ).fetchone()
    assert row == (0.3, 3.6, 12.5, 63.0)


def test_display_u_for_no_value():
    assert display(None) == "[U]"
    assert display(0.25) == "0.3"
