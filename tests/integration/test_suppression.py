"""Small numbers: published (website) versions suppress counts under 5, and a second cell where a
total would give the suppressed one away."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipeline.reporting.commentary import compare
from pipeline.reporting.render import render_annual_report
from pipeline.reporting.sample import build_sample_database
from pipeline.reporting.suppression import (
    NOT_ABOUT_PEOPLE,
    mentions_small_count,
    redact_small_counts,
    suppress_small_numbers,
    suppress_table,
)

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


def test_free_text_counts_under_5_are_found_and_redacted():
    letter = (
        "The Ombudsman's annual letter recorded two enquiries and one determination about us, "
        "with 1 finding of service failure; it determined 21 cases. Stage 1 complaints rose."
    )
    assert mentions_small_count(letter)
    redacted = redact_small_counts(letter)
    assert not mentions_small_count(redacted)
    assert "fewer than 5 enquiries" in redacted and "fewer than 5 determinations" in redacted
    assert "fewer than 5 findings of service failure" in redacted
    assert "21 cases" in redacted and "Stage 1 complaints" in redacted  # left alone


def test_redacted_counts_read_as_sentences():
    """The published annual report quotes the Ombudsman's letter redacted: the result must still
    read as the letter's sentences (council_housing 2023-24 printed "... over two years. fewer than 5
    Complaints Handling Failure Orders were issued")."""
    letter = (
        "It found maladministration in most cases. Three Complaint Handling Failure Orders were "
        "issued over two years. One complaint was referred again; two CHFOs are outstanding."
    )
    redacted = redact_small_counts(letter)
    assert not mentions_small_count(redacted)
    assert "Fewer than 5 Complaint Handling Failure Orders were issued" in redacted
    assert "Fewer than 5 complaints were referred again" in redacted
    assert "fewer than 5 CHFOs are outstanding" in redacted


def test_secondary_suppression_in_two_way_breakdowns_and_small_numerators():
    # Rows are bodies, columns outcomes: a lone small cell in a row or a column is protected by a
    # second cell of that row or column, shown as [c] whatever its size.
    rows = [
        ("findings", "2024-25", "body|outcome", f"{a}|{b}", "all", n, None, n, str(int(n)), "count")
        for (a, b), n in {
            ("ho", "maladmin"): 2.0,
            ("ho", "service"): 9.0,
            ("ho", "none"): 30.0,
            ("lg", "maladmin"): 12.0,
            ("lg", "service"): 20.0,
            ("lg", "none"): 25.0,
        }.items()
    ]
    result = suppress_small_numbers(frame(rows), 5)
    shown_cells = shown(result)
    assert shown_cells["ho|maladmin"] == "<5"
    # The row (ho) and the column (maladmin) each need a second hidden cell.
    assert shown_cells["ho|service"] == "[c]" and shown_cells["lg|maladmin"] == "[c]"
    # Then the lg row and the service column each have one hidden cell: one more closes both.
    assert shown_cells["lg|service"] == "[c]"
    hidden = result.filter(pl.col("suppressed"))
    assert set(hidden["suppressed_reason"]) == {"primary", "secondary"}
    assert (hidden.filter(pl.col("display") == "<5")["suppressed_reason"] == "primary").all()
    # A percentage whose numerator is 1-4 is hidden even with a large denominator.
    rate = frame([("CH02_2", "2024-25", "none", "all", "all", 3.0, 40.0, 7.5, "7.5", "percent")])
    assert suppress_small_numbers(rate, 5)["display"].to_list() == ["[c]"]


def test_counts_that_are_not_about_people_are_shown():
    rows = [("learning_actions", "2024-25", "none", "all", "all", 3.0, None, 3.0, "3", "count")]
    assert suppress_small_numbers(frame(rows), 5)["display"].to_list() == ["3"]


def test_which_small_counts_are_suppressed():
    """design.md s7/s9: published versions show counts of 1-4 as <5. Improvement actions and homes
    count no complaint and no person, and design.md s7 has the improvements themselves published
    (each named in the annual report and the learning summary), so their counts are shown and the
    key says so. A Complaint Handling Failure Order is issued over one resident's complaint, like
    the Ombudsman's other orders (suppressed): its counts are suppressed."""
    rows = [
        ("learning_actions", "none", "all", None, None, 4.0, "count"),
        ("learning_actions_completed", "none", "all", None, None, 2.0, "count"),
        ("learning_actions_completed_by_due", "none", "all", 1.0, 2.0, 50.0, "percent"),
        ("overdue_learning_actions", "none", "all", None, None, 1.0, "count"),
        ("stock_units", "stock_type", "lcho", None, None, 3.0, "count"),
        ("chfo_issued", "none", "all", None, None, 1.0, "count"),
        ("chfo_complied", "none", "all", 1.0, 1.0, 100.0, "percent"),
        ("ombudsman_orders_made", "none", "all", None, None, 2.0, "count"),
    ]
    result = suppress_small_numbers(
        frame(
            [
                (
                    m,
                    "2024-25",
                    b,
                    v,
                    "all",
                    n,
                    d,
                    x,
                    f"{x:.1f}" if u == "percent" else f"{x:.0f}",
                    u,
                )
                for m, b, v, n, d, x, u in rows
            ]
        ),
        5,
    )
    shown_by_measure = dict(zip(result["measure"], result["display"], strict=True))
    assert shown_by_measure == {
        "learning_actions": "4",
        "learning_actions_completed": "2",
        "learning_actions_completed_by_due": "50.0",
        "overdue_learning_actions": "1",
        "stock_units": "3",
        "chfo_issued": "<5",
        "chfo_complied": "[c]",
        "ombudsman_orders_made": "<5",
    }
    assert set(NOT_ABOUT_PEOPLE) == {
        "learning_actions",
        "learning_actions_completed",
        "learning_actions_completed_by_due",
        "overdue_learning_actions",
        "stock_units",
    }


def test_published_documents_state_which_counts_are_shown_in_full(tmp_path):
    """The exemption is said in the key of every published document, where <5 and [c] are."""
    con = duckdb.connect()
    landlord = build_sample_database(con)  # 1 CHFO, 9 improvements in 2024-25
    con.execute(
        "update measures set value = 3, numerator = 3, display = '3' "
        "where measure = 'learning_actions' and breakdown = 'none' and period = '2024-25'"
    )
    workspace = tmp_path / "ws"
    workspace.mkdir()
    kwargs = {"workspace": workspace, "self_assessment": None, "pdf": False}
    page = Path(
        render_annual_report(con, landlord, "2024-25", tmp_path, published=True, **kwargs)["html"]
    ).read_text(encoding="utf-8")
    key = re.search(r"<dt>Key</dt><dd>(.*?)</dd>", page, flags=re.S).group(1)
    assert "Counts of our service improvements" in key and "shown in full" in key
    assert re.search(r">\s*3\s*<", _row_text(page, "Improvements raised"))
    chfo = _row_text(page, "Complaint Handling Failure Orders")
    assert "&lt;5" in chfo and not re.search(r">\s*1\s*<", chfo)


def test_suppress_table_protects_row_totals():
    files = pl.DataFrame({"File": ["a.csv", "b.csv"], "Read": [142, 900], "Loaded": [141, 900],
                          "Quarantined": [1, 0]})  # fmt: skip
    out = suppress_table(files, ["Read", "Loaded", "Quarantined"], column_totals=False)
    assert out.row(0)[3] == "<5"
    # read - loaded must not give the quarantined count away: one of them is hidden.
    assert "[c]" in out.row(0)[1:3]
    assert out.row(1) == ("b.csv", "900", "900", "0")
    # With column totals published, the column of the hidden cell needs a second one too.
    both = suppress_table(files, ["Read", "Loaded", "Quarantined"])
    assert sum(cell == "[c]" for cell in both.row(1)) >= 1


def test_sentences_about_a_hidden_headline_never_misstate_it():
    # LCHO has 2 stage 1 complaints (primary); LCRA's 40 is hidden only to protect it.
    rows = [
        ("CH01_1", "2024-25", "stock_type", v, "regulator", n, 500.0, n * 2, f"{n * 2:.1f}",
         "per_1000")
        for v, n in (("lcra", 40.0), ("lcho", 2.0))
    ]  # fmt: skip
    result = suppress_small_numbers(frame(rows), 5)
    lcra, lcho = result.row(0, named=True), result.row(1, named=True)
    assert (lcra["display"], lcra["suppressed_reason"]) == ("[c]", "secondary")
    assert "fewer than 5" not in compare("CH01_1", lcra, None, None)
    assert "withheld" in compare("CH01_1", lcra, None, None)
    assert "fewer than 5 cases" in compare("CH01_1", lcho, None, None)
