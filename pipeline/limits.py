"""Input limits checked before an export is read, so a hostile or broken file cannot exhaust memory.

:func:`check_input_limits` looks at a file's size on disk, and at its header row only (a bounded
read of the first lines of a CSV; the sheet dimension and the uncompressed size of an XLSX), and
refuses the file with an :class:`~pipeline.sources.errors.IngestError` naming the file, what was
found and the limit from ``landlord.yaml`` ``thresholds`` (``max_file_mb``, ``max_columns``).
Nothing here reads the whole file: the point is to stop *before* the reader allocates.
"""

from __future__ import annotations

import csv
import os
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Thresholds
from pipeline.sources.errors import IngestError

__all__ = ["InputLimits", "check_input_limits", "count_header_columns", "read_within_limits"]

MB = 1024 * 1024
# An XLSX is a zip: its compressed size says little about what openpyxl will expand it to.
# A workbook whose parts expand to more than this many times max_file_mb is refused as a zip bomb.
XLSX_EXPANSION_FACTOR = 20
# ...and whatever the limit, a workbook whose parts expand more than this many times the file's
# own size is refused once they pass _XLSX_RATIO_FLOOR: exports compress some 5 to 30 times, a
# zip bomb hundreds (the ratio Apache POI refuses by default). Below the floor a sparse sheet
# may compress well without harm.
XLSX_MAX_RATIO = 100
_XLSX_RATIO_FLOOR = 100 * 1024 * 1024
# Bytes allowed per header cell when scanning the header line: generous for real column names.
_HEADER_BYTES_PER_COLUMN = 512
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]+)?\d*(?::([A-Z]+)\d*)?"')


@dataclass(frozen=True)
class InputLimits:
    """The limits an input file must respect.

    Attributes
    ----------
    max_file_mb
        Largest file accepted, in MiB (``thresholds.max_file_mb``).
    max_columns
        Most columns accepted in the header row (``thresholds.max_columns``).
    """

    max_file_mb: float = 512
    max_columns: int = 500

    @classmethod
    def from_thresholds(cls, thresholds: Thresholds) -> InputLimits:
        """The limits of a landlord's ``thresholds`` block."""
        return cls(max_file_mb=thresholds.max_file_mb, max_columns=thresholds.max_columns)

    @property
    def max_bytes(self) -> int:
        return int(self.max_file_mb * MB)


def _column_letters_to_number(letters: bytes) -> int:
    number = 0
    for char in letters.decode("ascii"):
        number = number * 26 + (ord(char) - ord("A") + 1)
    return number


def count_header_columns(
    path: Path, *, delimiter: str, header_row: int, max_columns: int
) -> int | None:
    """Number of cells in a CSV's header row, reading at most what ``max_columns`` justifies.

    Parameters
    ----------
    path
        The CSV file.
    delimiter
        The mapping's delimiter.
    header_row
        1-based line of the header.
    max_columns
        The limit; the scan stops once the header is known to exceed it.

    Returns
    -------
    int or None
        The count (a lower bound when the header line is longer than ``max_columns`` x 512 bytes:
        the cells in that prefix, at least ``max_columns + 1``, since a header that long has more
        columns than the limit, or absurd names); None when the file has fewer lines than
        ``header_row`` (the reader reports that).
    """
    cap = max(max_columns, 1) * _HEADER_BYTES_PER_COLUMN
    with Path(path).open("rb") as handle:
        head = handle.read((cap + 2) * header_row)
    # Any line ending ends the line: LF, CRLF or a bare CR ("CSV (Macintosh)"), mixed or not.
    lines = head.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    if len(lines) < header_row or (len(lines) == header_row and not lines[-1]):
        return None
    line = lines[header_row - 1]
    complete = len(lines) > header_row
    try:
        if len(line) > cap and not complete:
            prefix = line.decode("utf-8", errors="replace")
            return max(max_columns + 1, len(next(csv.reader([prefix], delimiter=delimiter))))
        text = line.decode("utf-8", errors="replace").lstrip("\ufeff")
        cells = next(csv.reader([text], delimiter=delimiter), [])
    except csv.Error:
        return None  # the reader reports what is wrong with the file
    return len(cells)


def _xlsx_columns_and_size(path: Path, shown: str) -> tuple[int | None, int]:
    """(widest sheet dimension in columns or None, total uncompressed bytes) of a workbook."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            expanded = sum(m.file_size for m in members)
            widest: int | None = None
            for member in members:
                if member.filename.startswith("xl/worksheets/") and member.filename.endswith(
                    ".xml"
                ):
                    with archive.open(member) as sheet:
                        head = sheet.read(4096)
                    match = _DIMENSION.search(head)
                    if match:
                        last = match.group(2) or match.group(1)
                        if last:
                            columns = _column_letters_to_number(last)
                            widest = max(widest or 0, columns)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
        raise IngestError(
            f"{shown}: is not a readable XLSX workbook (the zip archive it is made of is "
            "damaged); open it in Excel and save it again, or export it afresh"
        ) from None
    return widest, expanded


def _check_xlsx_checksums(path: Path, shown: str) -> None:
    """Refuse a workbook with a damaged part (bad CRC): calamine can still read one, silently
    giving wrong cells. Runs after the expansion limit, so it never inflates a zip bomb."""
    try:
        with zipfile.ZipFile(path) as archive:
            damaged = archive.testzip()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
        damaged = True
    if damaged is not None:
        raise IngestError(
            f"{shown}: is not a readable XLSX workbook (part of the zip archive it is made of is "
            "damaged); open it in Excel and save it again, or export it afresh"
        )


def check_input_limits(
    path: Path,
    limits: InputLimits | Thresholds,
    *,
    shown: str | None = None,
    file_format: str = "csv",
    delimiter: str = ",",
    header_row: int = 1,
) -> None:
    """Refuse ``path`` before it is read when it breaks a size or width limit.

    Parameters
    ----------
    path
        The export file.
    limits
        :class:`InputLimits`, or the landlord's ``thresholds`` block.
    shown
        The file name for messages (relative to the workspace); default the path.
    file_format
        ``csv`` or ``xlsx`` (the mapping's ``format``).
    delimiter, header_row
        The mapping's CSV options (where the header is and how cells are separated).

    Raises
    ------
    IngestError
        The file is larger than ``max_file_mb``, its header row has more than ``max_columns``
        cells, or (XLSX) its sheets expand to more than ``XLSX_EXPANSION_FACTOR`` times the size
        limit. The message names the file, what was found and the limit.
    """
    if isinstance(limits, Thresholds):
        limits = InputLimits.from_thresholds(limits)
    path = Path(path)
    shown = shown or str(path)
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise IngestError(
            f"{shown}: the file is {size / MB:,.1f} MB, larger than the limit of "
            f"{limits.max_file_mb:,g} MB (landlord.yaml thresholds.max_file_mb); split the export "
            "or raise the limit"
        )
    if file_format == "xlsx":
        columns, expanded = _xlsx_columns_and_size(path, shown)
        if expanded > limits.max_bytes * XLSX_EXPANSION_FACTOR:
            raise IngestError(
                f"{shown}: the workbook expands to {expanded / MB:,.1f} MB, more than "
                f"{XLSX_EXPANSION_FACTOR} x the limit of {limits.max_file_mb:,g} MB "
                "(landlord.yaml thresholds.max_file_mb); is it a corrupt or hostile file?"
            )
        compressed = max(path.stat().st_size, 1)
        if expanded > _XLSX_RATIO_FLOOR and expanded > XLSX_MAX_RATIO * compressed:
            raise IngestError(
                f"{shown}: the workbook expands to {expanded / MB:,.1f} MB from "
                f"{compressed / MB:,.1f} MB, {expanded / compressed:,.0f} times, where exports "
                f"compress less than {XLSX_MAX_RATIO} times; is it a corrupt or hostile file "
                "(a zip bomb)? Export it afresh"
            )
        _check_xlsx_checksums(path, shown)
    else:
        columns = count_header_columns(
            path, delimiter=delimiter, header_row=header_row, max_columns=limits.max_columns
        )
    if columns is not None and columns > limits.max_columns:
        raise IngestError(
            f"{shown}: the header row has {columns:,} columns, more than the limit of "
            f"{limits.max_columns:,} (landlord.yaml thresholds.max_columns); is the delimiter "
            "right, or is this the export the mapping expects?"
        )


def read_within_limits(path: Path, limits: InputLimits | Thresholds | None, shown: str) -> bytes:
    """The bytes of ``path``, read once and never more than ``max_file_mb`` of them.

    :func:`check_input_limits` judges the size the file system gives before the read; an export
    the case system is still writing grows after it, and a file whose size reads as 0 (a link
    into ``/proc``) has any length. Reading one byte past the limit tells either apart without
    holding more than the limit in memory; a file whose size or time changes during the read, or
    whose bytes are not as many as its size, is refused: its rows may end part-way through one.
    """
    if isinstance(limits, Thresholds):
        limits = InputLimits.from_thresholds(limits)
    with Path(path).open("rb") as handle:
        before = os.fstat(handle.fileno())
        data = handle.read() if limits is None else handle.read(limits.max_bytes + 1)
        after = os.fstat(handle.fileno())
    if limits is not None and len(data) > limits.max_bytes:
        raise IngestError(
            f"{shown}: the file grew past the limit of {limits.max_file_mb:,g} MB "
            "(landlord.yaml thresholds.max_file_mb) while it was read, though it was within it "
            "when checked: is it still being written? Run again once the export has finished "
            "(and split it, or raise the limit, if it is larger)"
        )
    changed = (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns)
    if changed or len(data) != after.st_size:
        how = (
            f"{after.st_size:,} bytes on disk, {len(data):,} read"
            if len(data) != after.st_size
            else "written to during the read"
        )
        raise IngestError(
            f"{shown}: the file changed while it was read ({how}): is it still being written? "
            "Run again once the export has finished"
        )
    return data
