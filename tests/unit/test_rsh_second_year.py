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
    ],
    ids=["to", "slash-reversed-words", "plain"],
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
