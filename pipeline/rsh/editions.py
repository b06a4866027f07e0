"""The extracted RSH editions under ``data/rsh/<year>/``: which years there are and what each holds.

An edition counts only when its folder is complete (the four CSVs and ``edition.json``, written
together by :func:`pipeline.rsh.extract.extract`); a half-written or hand-made folder is ignored.
The root is ``data/rsh`` in the repository, or ``$COMPLAINTS_RSH_DATA`` when set (tests and
deployments that keep the regulator's data elsewhere).

Which edition a landlord's year uses:

- **benchmarks** (:func:`sector_year_for`): the same year's edition, else the latest earlier one
  (the report then says "sector figures for 2023/24, the latest RSH data this report holds"); never a later one;
- **the TSM return's field codes** (:func:`dictionary_year_for`): the same year's Data Dictionary,
  else the latest earlier one, else the earliest later one, and the return says which it used.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polars as pl

from pipeline.periods import ReportingYear
from pipeline.rsh.publish import PREVIOUS, recover

DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "data" / "rsh"
ROOT_ENV = "COMPLAINTS_RSH_DATA"
REQUIRED = (
    "data_dictionary.csv",
    "management_info.csv",
    "perception_tp09.csv",
    "landlords.csv",
    "edition.json",
)


def rsh_root() -> Path:
    """Folder holding one sub-folder per extracted year (``$COMPLAINTS_RSH_DATA`` or data/rsh)."""
    return Path(os.environ.get(ROOT_ENV) or DEFAULT_ROOT)


@dataclass(frozen=True)
class Edition:
    """One extracted edition: its year and the facts ``edition.json`` records about it.

    ``version`` tells two extracts of the same year apart (a corrected re-issue replacing the
    folder): what is computed from an edition is kept per version, never per year alone.
    """

    year: str
    folder: Path
    meta: dict
    version: tuple = ()

    @property
    def label(self) -> str:
        """The year as printed: ``2024/25``."""
        return ReportingYear.parse(self.year).label

    @property
    def blank_input(self) -> str:
        """How the edition prints an input left blank: ``[X]``, ``[U]``, ``""`` or ``0``."""
        return self.meta.get("blank_input", {}).get("marker", "[X]")

    @property
    def attribution(self) -> str:
        """The Open Government Licence attribution for anything derived from this edition."""
        return self.meta["attribution"]

    def has_field(self, table: str, base: str) -> bool:
        """Whether the edition has a field (``management_info`` / ``perception_tp09``, base code)."""
        return base in self.meta.get("fields", {}).get(table, [])

    def decimals(self, measure: str, stock_type: str) -> int:
        """Decimal places the edition publishes ``measure`` (CH01_1 .. TP09) to for a stock type."""
        return self.meta.get("published_decimals", {}).get(measure, {}).get(stock_type, 1)

    def read(self, name: str) -> pl.DataFrame:
        """One of the edition's CSVs, every column as text (so ``[X]`` and ``[U]`` survive)."""
        return _read_csv(self.folder / name, _stamp(self.folder / name))


def _stamp(path: Path) -> tuple:
    """What changes when a file is replaced (a re-issue renames a new folder into place)."""
    try:
        found = path.stat()
    except OSError:
        return ()
    return (found.st_ino, found.st_mtime_ns, found.st_size)


@lru_cache(maxsize=64)
def _read_csv(path: Path, stamp: tuple) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def _folders(root: Path) -> tuple:
    """The root's edition folders as they are now: an edition added, replaced or removed by
    another process (``complaints rsh add`` beside a running code server) changes this."""
    if not root.is_dir():
        return ()
    for aside in root.glob(f".*{PREVIOUS}*"):  # an add killed while it swapped the folders
        recover(root / aside.name[1:].rsplit(PREVIOUS, 1)[0])
    return tuple(
        (folder.name, _stamp(folder), _stamp(folder / "edition.json"))
        for folder in sorted(root.iterdir())
        if not folder.name.startswith(".")
    )


def _editions(root: Path) -> dict[str, Edition]:
    return _editions_now(root, _folders(root))


@lru_cache(maxsize=16)
def _editions_now(root: Path, folders: tuple) -> dict[str, Edition]:
    found = {}
    for name, _, stamp in folders:
        folder = root / name
        if not all((folder / f).is_file() for f in REQUIRED):
            continue
        try:
            year = ReportingYear.parse(folder.name).key
        except ValueError:
            continue
        meta = json.loads((folder / "edition.json").read_text(encoding="utf-8"))
        found[year] = Edition(year, folder, meta, (str(folder), *stamp))
    return found


def clear_cache() -> None:
    """Forget what was read (editions are re-read anyway when their folders change)."""
    _editions_now.cache_clear()
    _read_csv.cache_clear()


def available_years() -> list[str]:
    """Reporting years with a complete extract, oldest first."""
    return sorted(_editions(rsh_root()))


def edition(year: str) -> Edition:
    """The extracted edition of ``year``.

    Raises
    ------
    FileNotFoundError
        When that year has not been extracted (``complaints rsh add <workbook>``).
    """
    key = ReportingYear.parse(year).key
    found = _editions(rsh_root()).get(key)
    if found is None:
        raise FileNotFoundError(
            f"{rsh_root() / key}: no RSH data for {key}; add that year's workbook with "
            "'complaints rsh add <workbook>'"
        )
    return found


def sector_year_for(year: str) -> str | None:
    """The edition to compare ``year`` with: that year's, else the latest earlier one, else None."""
    key = ReportingYear.parse(year).key
    earlier = [y for y in available_years() if y <= key]
    return earlier[-1] if earlier else None


def dictionary_year_for(year: str) -> str:
    """The Data Dictionary for a ``year`` return: that year's, else the latest earlier one, else the
    earliest later one (the return then says which edition's fields it carries).

    Raises
    ------
    FileNotFoundError
        When no edition has been extracted at all.
    """
    years = available_years()
    if not years:
        raise FileNotFoundError(
            f"{rsh_root()}: no RSH data; add a workbook with 'complaints rsh add <workbook>'"
        )
    key = ReportingYear.parse(year).key
    earlier = [y for y in years if y <= key]
    return earlier[-1] if earlier else years[0]


__all__ = [
    "Edition",
    "available_years",
    "clear_cache",
    "dictionary_year_for",
    "edition",
    "rsh_root",
    "sector_year_for",
]
