"""Small numbers: published (website) versions suppress counts under 5, and a second cell where a
total would give the suppressed one away."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipeline.reporting.render import render_annual_report
from pipeline.reporting.sample import build_sample_database
from pipeline.reporting.suppression import suppress_small_numbers

COLUMNS = ["measure", "period", "breakdown", "breakdown_value", "view", "numerator",
           "denominator", "value", "display", "unit"]  # fmt: skip


def frame(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=COLUMNS, orient="row")


def shown(result: pl.DataFrame) -> dict[str, str]:
    return dict(zip(result["breakdown_value"], result["display"], strict=True))


def test_primary_and_secondary_suppression_in_a_breakdown():
    rows = [
        ("received_1", "2024-25", "category", v, "all", None, None, n, str(int(n)), "count")
        for v, n in [("a", 3.0), ("b", 12.0), ("c", 40.0), ("d", 0.0)]
    ] + [("received_1", "2024-25", "none", "all", "all", None, None, 55.0, "55", "count")]
    result = suppress_small_numbers(frame(rows), 5)
    assert shown(result)["a"] == "<5"  # primary
    assert shown(result)["b"] == "[c]"  # secondary (12): never "<5", total 55 - 40 would reveal a
    assert shown(result)["c"] == "40" and shown(result)["d"] == "0"  # zero identifies nobody
    # Nothing that could rebuild a suppressed count is left in the frame.
    hidden = result.filter(pl.col("suppressed"))
    assert hidden["value"].null_count() == hidden.height
    # Total minus every shown cell no longer pins down any one suppressed cell.
    total = 55 - 40 - 0
    assert total == 15 and (hidden.height >= 2)


def test_two_small_cells_need_no_secondary():
    rows = [
        ("m", "2024-25", "category", v, "all", None, None, n, str(int(n)), "count")
        for v, n in [("a", 1.0), ("b", 4.0), ("c", 30.0)]
    ]
    assert shown(suppress_small_numbers(frame(rows), 5)) == {"a": "<5", "b": "<5", "c": "30"}


def test_rates_on_small_denominators_and_headline_counts():
    rows = [
        ("CH02_1", "2024-25", "none", "lcra", "regulator", 3.0, 4.0, 75.0, "75.0", "percent"),
        ("CH02_1", "2024-25", "none", "lcho", "regulator", 30.0, 40.0, 75.0, "75.0", "percent"),
        ("refusals", "2024-25", "none", "all", "all", None, None, 2.0, "2", "count"),
        ("refusals_x", "2024-25", "none", "all", "all", None, None, 5.0, "5", "count"),
    ]
    result = suppress_small_numbers(frame(rows), 5)
    assert result["display"].to_list() == ["[c]", "75.0", "<5", "5"]
    assert result["suppressed_reason"].to_list() == ["primary", None, "primary", None]
    assert result["numerator"].to_list()[0] is None  # 3 of 4 cannot be worked back


@pytest.mark.parametrize("threshold", [5, 10])
def test_landlord_threshold_is_used(threshold):
    rows = [("m", "2024-25", "none", "all", "all", None, None, 7.0, "7", "count")]
    expected = "7" if threshold == 5 else "<10"
    assert suppress_small_numbers(frame(rows), threshold)["display"].to_list() == [expected]


def _row_text(html: str, label: str) -> str:
    for row in re.findall(r"<tr.*?</tr>", html, flags=re.S):
        if label in row:
            return row
    raise AssertionError(f"no table row for {label!r}")


def test_published_annual_report_suppresses_and_internal_does_not(tmp_path):
    con = duckdb.connect()
    landlord = build_sample_database(con)
    # A category with 3 complaints and a distinctive name; the others are large.
    con.execute(
        "update measures set breakdown_value = 'Zebra crossings', value = 3, display = '3' "
        "where measure = 'received_1' and breakdown = 'category' and period = '2024-25' "
        "and value = (select min(value) from measures where measure = 'received_1' "
        "and breakdown = 'category' and period = '2024-25')"
    )
    workspace = tmp_path / "ws"
    workspace.mkdir()
    kwargs = {"workspace": workspace, "self_assessment": None, "pdf": False}
    internal = render_annual_report(con, landlord, "2024-25", tmp_path, **kwargs)
    published = render_annual_report(con, landlord, "2024-25", tmp_path, published=True, **kwargs)
    assert Path(published["html"]).name == "annual_report_published.html"
    internal_row = _row_text(Path(internal["html"]).read_text(encoding="utf-8"), "Zebra crossings")
    published_html = Path(published["html"]).read_text(encoding="utf-8")
    published_row = _row_text(published_html, "Zebra crossings")
    assert re.search(r">\s*3\s*<", internal_row)
    assert "&lt;5" in published_row and not re.search(r">\s*3\s*<", published_row)
    # The chart data of the published page does not carry the small count either.
    assert '"Zebra crossings"' not in published_html or not re.search(
        r'"Zebra crossings"[^\]]*\][^\]]*\[\s*3(\.0)?\s*[,\]]', published_html
    )
