"""Adding a second and third year: each edition is filed under its own year, the earlier years'
benchmarks stay as they were, and every year's quartiles are the ones the definition gives.

The next editions are synthesised (tests/fixtures/rsh/next_year.py: seeded new figures, landlords
of one year only, renamed ones, the year written "2025-26", "2025/26" or "2025 to 2026", a notes
sheet first, sheets in another order, notes above the header, columns reversed, TP09 headed in
words); the expected quartiles are computed from the generated cells in plain Python.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.benchmarks import sector_benchmarks
from pipeline.rsh.editions import ROOT_ENV, available_years, clear_cache
from pipeline.rsh.workbook import parse_year, sheet_year
from tests.fixtures.rsh.editions import COMMITTED, _source, source_available
from tests.fixtures.rsh.next_year import (
    NextYear,
    expected_benchmarks,
    figures,
    next_year_sheets,
    shown,
    write,
)
from tests.unit.test_rsh_variants import add

needs_source = pytest.mark.skipif(
    not source_available(), reason="the RSH 2024/25 workbook is not on this machine"
)


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("Management Info 2025 to 2026", "2025-26"),
        ("TSM_2025_to_2026", "2025-26"),
        ("2025 to 26 LCRA Perception", "2025-26"),
        ("Tenant Satisfaction Measures 2025-26", "2025-26"),
        ("LCRA Perception 2025/26", "2025-26"),
    ],
)
def test_the_year_in_words_is_read_from_a_name(text, year):
    # Was: "2025 to 2026" (the GOV.UK way of writing a financial year) was not a year at all.
    assert sheet_year(text) == year


@pytest.mark.parametrize("given", ["2025 to 2026", "2025 to 26", "2025-26", "2025/2026"])
def test_year_given_in_words(given):
    assert parse_year(given) == "2025-26"


def benchmarks(year: str) -> dict[tuple[str, str, str], tuple]:
    return {
        (r["measure"], r["stock_type"], r["size_band"]): (r["n"], r["q1"], r["median"], r["q3"])
        for r in sector_benchmarks(year).iter_rows(named=True)
    }


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    """A data folder holding the committed 2024-25 edition (year A) only."""
    folder = tmp_path / "rsh"
    shutil.copytree(COMMITTED / "2024-25", folder / "2024-25")
    monkeypatch.setenv(ROOT_ENV, str(folder))
    clear_cache()
    yield folder
    clear_cache()


def year_a() -> dict:
    return expected_benchmarks([(n, [list(r) for r in rows]) for n, rows in _source()])


@needs_source
@pytest.mark.parametrize(
    "spec",
    [
        NextYear(label="{a} to {A}"),
        NextYear(label="{a}/{b}", reverse_columns=True, tp09_words=True),
        NextYear(label="{a}-{b}", notes_sheet=False, reverse_sheets=False, header_shift=0),
        NextYear(label="{a} to {A}", tables_prefixed=True, header_shift=4),
    ],
    ids=["to", "slash-reversed-words", "plain", "tables-TSM26-sheets-in-words"],
)
def test_a_second_year_is_added_beside_the_first_with_its_own_quartiles(spec, root, tmp_path):
    before = benchmarks("2024-25")
    assert before == year_a()  # the definition reproduces the committed year
    name = f"TSM_Full_Data_{spec.year_text().replace('/', '-').replace(' ', '_')}.xlsx"
    code, said, err = add(write(next_year_sheets(spec), tmp_path / name), root)
    assert code == 0, err
    assert "2025/26" in said and "replaces" not in said
    clear_cache()
    assert available_years() == ["2024-25", "2025-26"]
    assert benchmarks("2024-25") == before
    expected = expected_benchmarks(figures(spec))
    assert benchmarks("2025-26") == expected
    assert expected != before  # the year has figures of its own


@pytest.mark.parametrize(
    "title",
    [
        "Tenant Satisfaction Measures 2025 to March 2026 - Dataset",
        "TSM 2025 to 2026 dataset",
    ],
)
def test_a_title_spanning_two_years_is_never_read_as_the_year_its_first_one_ends(title):
    # Was: the bare "Measures 2025" read as the edition of the year ending 2025 (2024-25), so a
    # 2025/26 workbook replaced the 2024/25 edition.
    from pipeline.rsh.workbook import Sheet, stated_years

    years = [y for _, y in stated_years([Sheet("Cover", [(title,)])], "TSM_2025_to_Mar_2026.xlsx")]
    assert "2024-25" not in years


@needs_source
def test_a_corrected_reissue_replaces_its_year_and_the_benchmarks_follow(root, tmp_path):
    # Was: the quartiles of a year were kept from the first time they were computed in the
    # process (a Dagster code server, a notebook), so a re-issue added there changed nothing.
    first, corrected = NextYear(), NextYear(tweak=1)
    code, said, err = add(write(next_year_sheets(first), tmp_path / "v1.xlsx"), root)
    assert code == 0, err
    assert benchmarks("2025-26") == expected_benchmarks(figures(first))
    a = benchmarks("2024-25")
    code, said, err = add(write(next_year_sheets(corrected), tmp_path / "v2.xlsx"), root)
    assert code == 0, err
    assert "replaces the 2025/26 edition extracted from v1.xlsx" in said
    assert sorted(p.name for p in root.iterdir()) == ["2024-25", "2025-26"]
    expected = expected_benchmarks(figures(corrected))
    assert expected != expected_benchmarks(figures(first))
    assert benchmarks("2025-26") == expected
    assert benchmarks("2024-25") == a


@needs_source
def test_an_edition_added_by_another_process_is_seen(root, tmp_path):
    # The CLI adds a year while a long-running process (the Dagster code server) holds the
    # editions it read before: it must see the new year and a re-issue without a restart.
    import subprocess
    import sys

    assert available_years() == ["2024-25"]
    a = benchmarks("2024-25")
    spec = NextYear()
    workbook = write(next_year_sheets(spec), tmp_path / "v1.xlsx")
    run = [
        sys.executable,
        "-m",
        "pipeline.rsh.cli",
        "rsh",
        "add",
        str(workbook),
        "--out",
        str(root),
    ]
    subprocess.run(run, check=True, capture_output=True)
    assert available_years() == ["2024-25", "2025-26"]
    assert benchmarks("2025-26") == expected_benchmarks(figures(spec))
    corrected = NextYear(tweak=1)
    workbook = write(next_year_sheets(corrected), tmp_path / "v2.xlsx")
    run[5] = str(workbook)
    subprocess.run(run, check=True, capture_output=True)
    assert benchmarks("2025-26") == expected_benchmarks(figures(corrected))
    assert benchmarks("2024-25") == a


def position(values: list[float], own: float, q: tuple) -> tuple[float, int]:
    """The definition of docs/measures.md: percentile = share lower, ties half (unrounded);
    quartile = the figure shown (1 dp) against the quartiles shown."""
    below = sum(v < own for v in values)
    equal = sum(v == own for v in values)
    figure = shown(own)
    quartile = 1 if figure < q[0] else 2 if figure < q[1] else 3 if figure < q[2] else 4
    return shown(100 * (below + equal / 2) / len(values)), quartile


@needs_source
def test_the_report_of_each_year_shows_that_years_quartiles_before_and_after_adding_it(
    root, tmp_path
):
    import duckdb

    from pipeline.benchmarks import write_benchmark_history
    from pipeline.reporting.sample import build_sample_database
    from tests.unit.test_report_sector import sections_of, table, texts

    con = duckdb.connect()
    landlord = build_sample_database(con)
    # The sample's two years moved on one: figures for 2024-25 (year A) and 2025-26 (year B).
    for column in ("period_start", "period_end"):
        con.execute(f"update measures set {column} = {column} + interval 1 year")  # noqa: S608
    con.execute(
        "update measures set period = case period when '2024-25' then '2025-26' "
        "when '2023-24' then '2024-25' else period end"
    )
    con.execute("update stock set year_end = year_end + interval 1 year")

    def stored(period):
        return con.execute(
            "select measure, breakdown_value, view, value, display from measures where period = ?"
            " and measure like 'benchmark_%' order by all",
            [period],
        ).fetchall()

    write_benchmark_history(con, landlord.landlord_id, "2025-26")
    a_rows = stored("2024-25")
    said = texts(sections_of(con, landlord, "2025-26", tmp_path)["summary"])[0]
    assert "Sector figures for 2024/25, the latest RSH data this report holds" in said

    spec = NextYear(label="{a} to {A}")
    code, _, err = add(write(next_year_sheets(spec), tmp_path / "TSM_2025_to_2026.xlsx"), root)
    assert code == 0, err
    write_benchmark_history(con, landlord.landlord_id, "2025-26")
    assert stored("2024-25") == a_rows  # year A as it was
    sections = sections_of(con, landlord, "2025-26", tmp_path)
    said = texts(sections["summary"])[0]
    assert "RSH Tenant Satisfaction Measures 2025/26 full data" in said and "latest" not in said
    headline = table(sections["summary"], "tbl-headline")
    peers = figures_by_code(spec)
    for (measure, stock, band), (n, q1, median, q3) in expected_benchmarks(figures(spec)).items():
        if stock != "lcra" or measure not in ("CH01_1", "CH02_1", "TP09") or n < 5:
            continue
        if band in ("all", "10,000-24,999"):
            assert f"{median:.1f} ({n})" in headline, (measure, band)
        if band != "all":
            continue
        own = con.execute(
            "select value from measures where period = '2025-26' and measure = ? and "
            "breakdown_value = 'lcra' and view = 'regulator' and breakdown = 'stock_type'",
            [measure],
        ).fetchone()[0]
        percentile, _ = position(list(peers[(measure, stock)].values()), own, (q1, median, q3))
        got = con.execute(
            "select value from measures where period = '2025-26' and measure = ? and "
            "breakdown_value = 'lcra' and view = 'sector_all'",
            [f"benchmark_{measure}_position"],
        ).fetchone()[0]
        assert got == percentile, measure
    history = table(sections["sector"], "tbl-sector-history")
    assert "2024/25" in history and "2025/26" in history and "not added" not in history


def figures_by_code(spec: NextYear) -> dict:
    from tests.fixtures.rsh.next_year import peer_values

    return peer_values(figures(spec))


def codes_written_otherwise(sheets, spelling, rename: str | None = None):
    """The perception sheets' all-digit landlord codes written ``spelling`` (``"L{}"``, ``"0{}"``);
    with ``rename``, the first such landlord's name there too."""
    from tests.fixtures.rsh.next_year import _header_at

    changed = []
    for name, rows in sheets:
        if "Perception" not in name or "Not Inc" in name:
            continue
        for row in rows[_header_at(rows) + 1 :]:
            if row and str(row[1]).isdigit():
                if rename and not changed:
                    row[0] = rename
                changed.append(str(row[1]))
                row[1] = spelling.format(row[1])
    return changed


@needs_source
@pytest.mark.parametrize("spelling", ["L{}", "0{}", "l0{} "])
def test_a_landlord_code_written_otherwise_on_another_sheet_is_the_same_landlord(
    spelling, root, tmp_path
):
    # Was: "L5060" on the perception sheets and 5060 on the management one were two landlords:
    # 400 in landlords.csv instead of 345, the perception one sized by its surveyed tenants.
    import polars as pl

    spec = NextYear(notes_sheet=False, reverse_sheets=False, header_shift=0)
    sheets = next_year_sheets(spec)
    changed = codes_written_otherwise(sheets, spelling)
    assert len(changed) > 50
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), root)
    assert code == 0, err
    assert "written otherwise" in said
    folder = root / "2025-26"
    landlords = pl.read_csv(folder / "landlords.csv", infer_schema=False)
    assert landlords.height == 345
    tp09 = pl.read_csv(folder / "perception_tp09.csv", infer_schema=False)
    assert set(tp09["landlord_code"]) <= set(landlords["landlord_code"])
    assert set(changed) <= set(tp09["landlord_code"])  # as the management sheet writes them
    clear_cache()
    assert benchmarks("2025-26") == expected_benchmarks(figures(spec))


@needs_source
def test_a_code_written_otherwise_with_another_landlord_name_stops_the_add(root, tmp_path):
    spec = NextYear(notes_sheet=False, reverse_sheets=False, header_shift=0)
    sheets = next_year_sheets(spec)
    codes_written_otherwise(sheets, "L{}", rename="Somewhere Else Housing")
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), root)
    assert code == 1
    assert "row " in err and "'Landlord code'" in err and "Perception" in err
    assert "another landlord name" in err and "Somewhere Else" not in err
    assert not (root / "2025-26").exists()


@needs_source
def test_tp09_headings_with_the_measure_code_first_are_read(root, tmp_path):
    # Was: "TP09: Proportion of respondents who report ..." (the code leading the heading, the
    # dictionary keeping the 2024/25 wording) matched no field: the add stopped.
    spec = NextYear(tp09_code_first=True, notes_sheet=False, header_shift=0)
    sheets = next_year_sheets(spec)
    assert any(
        isinstance(t, str) and t.startswith("TP09: Number of respondents")
        for _, rows in sheets
        for r in rows[:20]
        for t in r
    )
    code, said, err = add(write(sheets, tmp_path / "v.xlsx"), root)
    assert code == 0, err
    clear_cache()
    assert benchmarks("2025-26") == expected_benchmarks(figures(spec))


@needs_source
def test_three_years_added_in_any_order_and_reissued_each_keep_their_own_quartiles(root, tmp_path):
    from tests.fixtures.rsh.editions import SOURCE

    a = benchmarks("2024-25")
    b, c = NextYear(label="{a}/{b}"), NextYear(year="2026-27", label="{a} to {A}", seed=2027)
    b_again = NextYear(label="{a} to {A}", tweak=1, reverse_columns=True)
    for spec in (c, b, b_again):  # the third year first, then the second and its re-issue
        name = f"TSM_{spec.year_text().replace('/', '-').replace(' ', '_')}_{spec.tweak}.xlsx"
        code, said, err = add(write(next_year_sheets(spec), tmp_path / name), root)
        assert code == 0, err
    code, said, err = add(SOURCE, root)  # the first year's workbook again
    assert code == 0, err
    assert "the 2024/25 edition there was extracted from this same workbook" in said
    clear_cache()
    assert available_years() == ["2024-25", "2025-26", "2026-27"]
    assert sorted(p.name for p in root.iterdir()) == ["2024-25", "2025-26", "2026-27"]
    assert benchmarks("2024-25") == a == year_a()
    assert benchmarks("2025-26") == expected_benchmarks(figures(b_again))
    assert benchmarks("2026-27") == expected_benchmarks(figures(c))
    assert len({str(benchmarks(y)) for y in ("2024-25", "2025-26", "2026-27")}) == 3


@pytest.mark.parametrize(
    "sheet", ["Management Info 2025 to 2026", "Management_Info_2025_to_26", "TSM26 Management Info"]
)
def test_a_sheet_is_its_dictionary_table_whatever_way_each_writes_the_year(sheet):
    # Was: "2025 to 2026" stayed in the name, so the sheet was matched only by its headings (and
    # a second candidate, a draft copy, would stop the add).
    from pipeline.rsh.tables import _plain_key

    assert _plain_key(sheet) == _plain_key("TSM26_Management_Info") == "managementinfo"


@needs_source
@pytest.mark.parametrize("label", ["{a}-{b}", "{a}/{b}", "{a} to {A}"])
def test_a_next_edition_differing_every_way_at_once_gives_the_definitions_quartiles(
    label, root, tmp_path
):
    spec = NextYear(
        label=label,
        header_shift=3,
        reverse_columns=True,
        fractions=True,
        text_numbers=True,
        perception_codes="L0{}",
        tables_prefixed=label.endswith("{A}"),
    )
    code, said, err = add(write(next_year_sheets(spec), tmp_path / "TSM_next.xlsx"), root)
    assert code == 0, err
    assert "CH02_1 published on another scale, read times 100" in said
    assert "TP09 published on another scale, read times 100" in said
    assert "written otherwise" in said
    clear_cache()
    assert benchmarks("2025-26") == expected_benchmarks(figures(spec))
    assert benchmarks("2024-25") == year_a()
