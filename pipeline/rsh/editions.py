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

import hashlib
import json
import os
from dataclasses import dataclass, field
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


@dataclass(frozen=True, eq=False)
class Edition:
    """One extracted edition: its year, the facts ``edition.json`` records about it, and its
    files as they were read together (:func:`_snapshot`).

    ``version`` tells two extracts of the same year apart (a corrected re-issue replacing the
    folder): what is computed from an edition is kept per version, never per year alone. Two
    editions are the same when their year and version are.
    """

    year: str
    folder: Path
    meta: dict
    version: tuple = ()
    files: dict[str, bytes] = field(default_factory=dict, repr=False)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Edition) and (self.year, self.version) == (
            other.year,
            other.version,
        )

    def __hash__(self) -> int:
        return hash((self.year, self.version))

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
        """One of the edition's CSVs, every column as text (so ``[X]`` and ``[U]`` survive).

        From the files read with ``edition.json``, not from the folder now: ``complaints rsh
        add`` may have put a re-issue in its place since, and a reader of two files mixed the
        two editions' figures.
        """
        return _read_csv(self, name)


def _stamp(path: Path) -> tuple:
    """What changes when a file is replaced (a re-issue renames a new folder into place)."""
    try:
        found = path.stat()
    except OSError:
        return ()
    return (found.st_ino, found.st_mtime_ns, found.st_size)


@lru_cache(maxsize=64)
def _read_csv(found: Edition, name: str) -> pl.DataFrame:
    return pl.read_csv(found.files[name], infer_schema=False)


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
    for name, _, _ in folders:
        try:
            year = ReportingYear.parse(name).key
        except ValueError:
            continue
        snapshot = _snapshot(root / name)
        if snapshot is not None:
            found[year] = snapshot
    return found


# Times a folder replaced while it is read is read again (an add replaces it in one step, so a
# second read finds the new folder whole; more means adds one after the other, or a folder that
# keeps changing, which is then taken as it is: incomplete, not an edition).
_REREADS = 3


def _snapshot(folder: Path) -> Edition | None:
    """The folder's edition, every file read through one handle on the folder, so a folder that
    ``complaints rsh add`` swaps in meanwhile is not mixed in: the files are the old edition's,
    or, when the old folder was removed under the reader, all read again from the new one. None
    for a folder without every file (half-written or hand-made)."""
    for _ in range(_REREADS):
        try:
            handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except (FileNotFoundError, NotADirectoryError):
            return None
        try:
            files = {}
            for name in REQUIRED:
                try:
                    files[name] = _read_file(handle, name)
                except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
                    break
            else:
                meta = _record(folder, files["edition.json"])
                # by content: a re-issue's folder may get the inode and the time stamp (to the
                # file system's clock tick) of the folder it replaced
                digest = hashlib.blake2b(digest_size=16)
                for data in files.values():
                    digest.update(len(data).to_bytes(8, "little") + data)
                version = (str(folder), digest.hexdigest())
                year = ReportingYear.parse(folder.name).key
                return Edition(year, folder, meta, version, files)
            if _stamp(folder)[:1] == (os.fstat(handle).st_ino,):
                return None  # the same folder, without the file: not an edition
        finally:
            os.close(handle)
    return None


class EditionError(ValueError):
    """An edition's folder holds every file but its record (``edition.json``) cannot be read."""


def _record(folder: Path, data: bytes) -> dict:
    """The edition's ``edition.json``; a damaged one (a copy that stopped) is named, with what
    to do, instead of the JSON parser's traceback."""
    try:
        meta = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        reason = getattr(error, "msg", None) or "not text"
        raise EditionError(
            f"{folder / 'edition.json'} cannot be read as an edition's record ({reason.lower()}); "
            f"add the {ReportingYear.parse(folder.name).label} workbook again with "
            "'complaints rsh add <workbook>'"
        ) from None
    if not isinstance(meta, dict):
        raise EditionError(
            f"{folder / 'edition.json'} cannot be read as an edition's record (not an object); "
            f"add the {ReportingYear.parse(folder.name).label} workbook again with "
            "'complaints rsh add <workbook>'"
        )
    return meta


def _read_file(folder_handle: int, name: str) -> bytes:
    """The bytes of ``name`` in the folder open as ``folder_handle``."""
    handle = os.open(name, os.O_RDONLY, dir_fd=folder_handle)
    with os.fdopen(handle, "rb") as opened:
        return opened.read()


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
    "EditionError",
    "available_years",
    "clear_cache",
    "dictionary_year_for",
    "edition",
    "rsh_root",
    "sector_year_for",
]
