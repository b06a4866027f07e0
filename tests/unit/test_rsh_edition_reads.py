"""A reader of an RSH edition while ``complaints rsh add`` replaces its folder: every figure it
computes comes from one edition, the old or the new, never from both.

Each of the edition's files was read by its path when it was needed, so a folder swapped in
between two reads (a re-issue added beside a running code server) gave sector figures with the old
edition's landlords and the new one's complaints, cached as the old edition's. The swap is made
here, with the product's own publish, between the reads.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from pipeline import benchmarks
from pipeline.rsh import editions
from pipeline.rsh.publish import publish
from tests.fixtures.rsh.editions import COMMITTED

YEAR = "2024-25"


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def _reissue(files: dict[str, bytes]) -> dict[str, bytes]:
    """A corrected re-issue: every landlord renamed, every CH01 stage 1 numerator doubled."""
    landlords = pl.read_csv(files["landlords.csv"], infer_schema=False)
    landlords = landlords.with_columns(landlord_name=pl.lit("Re-issued ") + pl.col("landlord_name"))
    management = pl.read_csv(files["management_info.csv"], infer_schema=False)
    doubled = pl.col("CH01_1_Numerator").cast(pl.Float64, strict=False) * 2
    management = management.with_columns(
        CH01_1_Numerator=pl.when(doubled.is_not_null())
        .then(doubled.cast(pl.String))
        .otherwise(pl.col("CH01_1_Numerator"))
    )
    return {
        **files,
        "landlords.csv": landlords.write_csv().encode(),
        "management_info.csv": management.write_csv().encode(),
    }


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    shutil.copytree(COMMITTED / YEAR, tmp_path / YEAR)
    monkeypatch.setenv(editions.ROOT_ENV, str(tmp_path))
    editions.clear_cache()
    benchmarks._sector_values.cache_clear()
    benchmarks._sector_benchmarks.cache_clear()
    yield tmp_path
    editions.clear_cache()
    benchmarks._sector_values.cache_clear()
    benchmarks._sector_benchmarks.cache_clear()


def _values_of(root: Path, files: dict[str, bytes]) -> pl.DataFrame:
    """The sector values of an edition made of ``files`` alone (no swap)."""
    publish(files, root / YEAR)
    editions.clear_cache()
    benchmarks._sector_values.cache_clear()
    return benchmarks.sector_values(YEAR)


def test_an_edition_read_after_its_folder_was_replaced_is_still_that_edition(root):
    old = _files(root / YEAR)
    found = editions.edition(YEAR)
    publish(_reissue(old), root / YEAR)  # rsh add of a re-issue, after the edition was found
    landlords = found.read("landlords.csv")
    assert landlords.equals(pl.read_csv(old["landlords.csv"], infer_schema=False))
    assert editions.edition(YEAR).read("landlords.csv")["landlord_name"][0].startswith("Re-issued ")


def test_sector_values_with_a_swap_between_their_reads_come_from_one_edition(root):
    old = _files(root / YEAR)
    new = _reissue(old)
    expected_old = _values_of(root, old)
    expected_new = _values_of(root, new)
    assert not expected_old.equals(expected_new)

    publish(old, root / YEAR)
    editions.clear_cache()
    benchmarks._sector_values.cache_clear()
    real_read, reads = editions.Edition.read, []

    def read_then_swap(self, name):
        frame = real_read(self, name)
        reads.append(name)
        if len(reads) == 1:  # the re-issue swapped in after the first file was read
            publish(new, root / YEAR)
        return frame

    with pytest.MonkeyPatch.context() as swapping:
        swapping.setattr(editions.Edition, "read", read_then_swap)
        values = benchmarks.sector_values(YEAR)
    assert len(reads) > 1
    assert values.equals(expected_old) or values.equals(expected_new)
    # what was cached for the old edition is the old edition's, and the new one is read afresh
    assert benchmarks.sector_values(YEAR).equals(expected_new)


def test_a_swap_while_the_edition_is_read_gives_one_edition(root, monkeypatch):
    """The folder replaced while its files are being read (between two of them)."""
    old = _files(root / YEAR)
    new = _reissue(old)
    real_read_file, reads = editions._read_file, []

    def read_then_swap(folder_handle, name):
        data = real_read_file(folder_handle, name)
        reads.append(name)
        if len(reads) == 1:
            publish(new, root / YEAR)
        return data

    monkeypatch.setattr(editions, "_read_file", read_then_swap)
    found = editions.edition(YEAR)
    names = found.read("landlords.csv")["landlord_name"]
    edition_json = (root / YEAR / "edition.json").read_bytes()
    assert found.meta == editions.json.loads(edition_json)  # the same in old and new
    assert names.str.starts_with("Re-issued ").all() or not names.str.starts_with("Re").any()
    management = found.read("management_info.csv")
    expected = pl.read_csv(
        (new if names[0].startswith("Re-issued ") else old)["management_info.csv"],
        infer_schema=False,
    )
    assert management.equals(expected)
