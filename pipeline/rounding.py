"""Round half up, as the RSH publishes (never banker's rounding, never binary-float surprises)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# DuckDB macro with the same rule. Going through DECIMAL(38, 10) first removes the binary-float
# error (e.g. 0.15 stored as 0.1499999...) before the half-up rounding DuckDB applies to decimals.
ROUND_HALF_UP_MACRO = """
create or replace macro round_half_up(x, d) as
    round(cast(round(cast(x as double), 9) as decimal(38, 10)), d)::double
"""


def round_half_up(value: float | None, places: int = 1) -> float | None:
    """Round ``value`` half up to ``places`` decimal places; None stays None."""
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    exact = Decimal(repr(float(value)))
    return float(Decimal(str(round(exact, 9))).quantize(quantum, rounding=ROUND_HALF_UP))


def display(value: float | None, places: int = 1) -> str:
    """Text for a published figure: rounded half up, ``[U]`` when there is no value."""
    if value is None:
        return "[U]"
    return f"{round_half_up(value, places):.{places}f}"
