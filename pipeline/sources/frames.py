"""Read one matched file into a :class:`SourceFrame`: the mapped columns as text, per row."""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipeline.config import Thresholds
from pipeline.limits import InputLimits, check_input_limits, read_within_limits
from pipeline.mapping import Mapping
from pipeline.sources.csv_reader import _line_of, decode_to_utf8, read_csv_text
from pipeline.sources.errors import IngestError
from pipeline.sources.screen import looks_personal


@dataclass
class SourceFrame:
    """The rows of one file below its header, mapped columns only.

    Attributes
    ----------
    source_file
        Path relative to the workspace (posix), as written to every table.
    sha256
        Hash of the file's bytes (``ingest_file`` and the manifest record it).
    frame
        ``__row`` (spreadsheet row number) then one text column per mapped source column, named
        ``s0``, ``s1``, ... in :meth:`Mapping.source_columns` order, untrimmed. Blank and footer
        rows are still here: the ingest step drops them in SQL and counts ``rows_in``. Last,
        ``__cells``: a CSV record's number of cells where it differs from the header's (null
        otherwise, and always for an XLSX).
    encoding
        The encoding the file was read as (csv) or ``xlsx``.
    rows_in
        Data rows (not blank, not a footer), set by the ingest step.
    header_cells
        Cells of the CSV header row (a record with another number is quarantined); None for
        an XLSX.
    """

    source_file: str
    sha256: str
    frame: pl.DataFrame
    encoding: str
    rows_in: int = 0
    header_cells: int | None = None


def _missing_columns_error(
    shown: str,
    missing: list[str],
    found: list[str],
    mapping_name: str,
    wanted: list[str],
    header_row: int,
    names_row: int | None = None,
    raw_header: Sequence[str] | None = None,
) -> IngestError:
    """Which mapped columns are missing, and what may fix it, without quoting the header row.

    The header may be a data row (``header_row`` set wrong, or no header at all), so its cells
    are never listed: only the count, names close to a missing one (a typo), a delimiter the
    cells seem to use, and ``names_row``, the row below that holds the mapped names
    (:func:`row_of_names`), if one does. ``raw_header``: a CSV header row's cells as written,
    for the delimiter hint (``found`` are the names as matched, a tab in them read as a space).
    """
    # the mapping's names, typed by an analyst: one reading as a resident's details is counted
    personal_missing = looks_personal(missing)
    names = ", ".join(f"'{c}'" for c in missing if c not in personal_missing)
    if personal_missing:
        looks = "its name looks" if len(personal_missing) == 1 else "their names look"
        names = (
            f"{names} ({len(personal_missing)} not shown: {looks} like a person's name or "
            "contact details)"
        ).lstrip()
    noun = "column" if len(missing) == 1 else "columns"
    verb = "is" if len(missing) == 1 else "are"
    # a blank header cell is named column_<n> by the readers: a name, not a column found
    named = [c for c in found if not re.fullmatch(r"column_\d+", c)]
    hints = [f"{len(named)} named column{'s' if len(named) != 1 else ''} in row {header_row}"]
    if names_row is not None:
        hints.append(
            f"the mapped column names are on row {names_row}, below a title: set header_row: "
            f"{names_row} in the mapping"
        )
    # a close name is quoted, so never a cell that looks like a person's name or contact details
    personal = looks_personal(named)
    candidates = [c for c in named if c not in wanted and c not in personal]
    for name in (n for n in missing if n not in personal_missing):
        # a name in another case only is read as the name (pipeline.sources.errors.header_names)
        close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.8)
        if close:
            hints.append(f"'{close[0]}' looks like '{name}'")
    # A tab is looked for in the cells as written: matched names read it as a space, and a
    # tab-separated export was told its header row "looks like a title" (fourth hostile audit).
    written = [cell for cell in (raw_header or found) if cell]
    wanted_in_cells = [w for w in wanted if any(w in cell and w != cell for cell in found)]
    for delimiter in (";", "\t", "|", ","):
        if wanted_in_cells and any(delimiter in cell for cell in written):
            # a tab is written by name: '\t' in single quotes is no tab to YAML
            separator, setting = (
                ("a tab", "tab") if delimiter == "\t" else (f"'{delimiter}'", f"'{delimiter}'")
            )
            hints.append(
                f"the header seems to be separated by {separator}: set delimiter: {setting} in the "
                "mapping"
            )
            break
    else:
        if names_row is None and len(named) <= 2 < len(wanted) and not set(named) & set(wanted):
            hints.append(
                f"row {header_row} looks like a title, not the header: set header_row to the "
                "row that holds the column names"
            )
        elif names_row is None and len(wanted) > 2 and not set(found) & set(wanted):
            # Data where the header should be: an export saved without its column headings
            hints.append(
                f"no mapped column name is in row {header_row} or the {NAMES_ROW_SEARCH} rows "
                "below it: was the file exported without its column headings?"
            )
    return IngestError(
        f"{shown}: {noun} {names} named in {mapping_name} {verb} not in the header "
        f"({'; '.join(hints)}); check the column names and the mapping's header_row"
    )


# How far below the header row the mapped names are looked for: a report's title block is a few
# rows, and reading further would scan data rows for nothing.
NAMES_ROW_SEARCH = 50


def row_of_names(rows: Iterable[tuple[int, Sequence[str | None]]], wanted: list[str]) -> int | None:
    """The number of the first of ``rows`` (``(row number, cells)``) holding at least half the
    mapped column names, trimmed, as its cells: the header, when a title or blank rows above it
    were not counted in the mapping's ``header_row`` (a report's title block, an export with a
    line saying when it was run). None when no row does."""
    need = max(1, (len(wanted) + 1) // 2)
    names = set(wanted)
    for number, cells in rows:
        found = {cell.strip() for cell in cells if cell}
        if len(names & found) >= need:
            return number
    return None


def _csv_rows(data: bytes, delimiter: str, first: int) -> Iterator[tuple[int, list[str]]]:
    """Records ``first`` to ``first + NAMES_ROW_SEARCH`` of UTF-8 CSV bytes, numbered from 1 as
    the reader numbers rows (a blank line is a row); none past a record Python's csv module
    cannot read."""
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace", newline="")
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, 1):
            if number > first + NAMES_ROW_SEARCH:
                return
            if number >= first:
                yield number, cells
    except csv.Error:
        return


# A text export with at most this many NUL bytes has a stray one in a cell (some case systems
# pad a field with it); more is binary data or UTF-16 without a byte-order mark.
STRAY_NUL_MAX = 10
# Control characters no text export holds (tab, line endings and Ctrl-Z aside): binary data
_CONTROL = re.compile(rb"[\x01-\x08\x0b\x0c\x0e-\x19\x1b-\x1f]")


def _stray_nul(data: bytes) -> bool:
    """Whether ``data`` is text with a few NUL bytes (not binary data or UTF-16)."""
    count = data.count(b"\x00")
    return 0 < count <= STRAY_NUL_MAX and not _CONTROL.search(data)


def _refuse_stray_nul(data: bytes, shown: str) -> None:
    """Stop a text file holding a few NUL bytes, naming the line of the first: it was refused
    as binary ("is it an XLSX saved with a .csv name?"), which sent a user with one NUL on line
    30,000 of a text export looking for the wrong problem (third hostile audit)."""
    if not _stray_nul(data):
        return  # binary data: the caller's message
    count = data.count(b"\x00")
    more = "" if count == 1 else f" ({count} in all)"
    line = _line_of(data, data.index(b"\x00"))
    raise IngestError(
        f"{shown}: line {line} holds a NUL byte{more}, an "
        "invisible character no text holds, so the file cannot be read as text: export it "
        "again (saved as 'CSV UTF-8'), or delete the character in a text editor"
    )


# First bytes of files that are not what a mapping's ``format`` says.
_GZIP, _ZIP, _OLE2 = b"\x1f\x8b", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# An Office file saved with a password is an OLE2 file (as an old .xls is) whose directory
# names its encrypted stream; the directory may sit anywhere in the file.
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def _password_protected(path: Path) -> bool:
    """Whether ``path`` (an OLE2 file) is an Office workbook encrypted with a password."""
    with path.open("rb") as handle:
        carry = b""
        while chunk := handle.read(1 << 20):
            if _ENCRYPTED in carry + chunk:
                return True
            carry = chunk[-len(_ENCRYPTED) :]
    return False


def _check_kind(path: Path, shown: str, file_format: str, encoding: str) -> None:
    """Refuse, with a message naming the file and what to do, a file of another kind."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(_OLE2) and _password_protected(path):
        # Not an old .xls: saved again as .xlsx with its password it stays encrypted
        raise IngestError(
            f"{shown}: "
            + (
                "is protected with a password"
                if file_format != "csv"
                else "is a workbook protected with a password, not a CSV"
            )
            + ", so it cannot be read; open it in Excel, remove the password (File > Info > "
            "Protect Workbook > Encrypt with Password, and clear it), save it and run again"
        )
    if file_format == "csv":
        if head.startswith(_GZIP):
            raise IngestError(
                f"{shown}: is a gzip-compressed file, not a CSV; decompress it and put the "
                ".csv itself in the workspace"
            )
        if head.startswith(_ZIP):
            raise IngestError(
                f"{shown}: is a zip archive or an XLSX workbook, not a CSV; extract the CSV from "
                "the archive, or for a workbook set 'format: xlsx' in the mapping"
            )
        if head.startswith(_OLE2):
            raise IngestError(
                f"{shown}: is an old Excel (.xls) workbook, not a CSV; save it as 'CSV UTF-8'"
            )
        utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
        if (
            b"\x00" in head
            and not (utf16 and encoding.lower() in {"auto", "utf-16"})
            and not _stray_nul(head)  # named by its line once the whole file is read
        ):
            raise IngestError(
                f"{shown}: is not a text CSV file (it contains NUL bytes: UTF-16 without a "
                "byte-order mark, a binary file, or a corrupt download); save the export again "
                "as 'CSV UTF-8'"
            )
    elif head.startswith(_OLE2):
        raise IngestError(
            f"{shown}: is an old Excel (.xls) workbook, not an XLSX; open it in Excel and save "
            "it as 'Excel Workbook (.xlsx)'"
        )
    elif not head.startswith(_ZIP):
        raise IngestError(
            f"{shown}: is not a readable XLSX workbook (a workbook is a zip archive and this "
            "file is not one); save it from Excel as .xlsx, or for a CSV set 'format: csv' in the mapping"
        )


def read_source(
    path: Path,
    workspace: Path,
    mapping: Mapping,
    mapping_name: str,
    limits: InputLimits | Thresholds | None = None,
) -> SourceFrame:
    """Read ``path`` as ``mapping`` says.

    Parameters
    ----------
    path
        The export file.
    workspace
        The landlord workspace (file names are shown relative to it).
    mapping
        The mapping that matched the file.
    mapping_name
        The mapping's file name for messages (``mappings/erica.yaml``).
    limits
        Size and width limits (landlord.yaml ``thresholds``) checked before reading; None = none.

    Returns
    -------
    SourceFrame

    Raises
    ------
    IngestError
        The file is empty, binary, undecodable, not a workbook, lacks a mapped column, breaks
        a limit in ``limits``, or cannot be opened (permissions, a lock, a broken link).
    """
    shown = Path(path).relative_to(workspace).as_posix()
    try:
        return _read_source(path, shown, mapping, mapping_name, limits)
    except OSError as exc:  # the reason only: the exception's text repeats the full path
        reason = (exc.strerror or type(exc).__name__).lower()
        raise IngestError(
            f"{shown}: cannot be read ({reason}); check that the file can be opened by the "
            "account the pipeline runs as, and that no other program holds it locked"
        ) from None


def _date_columns(mapping: Mapping) -> list[str]:
    """The source columns the mapping reads into date fields (of any table)."""
    from pipeline.sources.canonical import TARGET_TABLES, mappable_fields

    dates = {
        name
        for table in (*TARGET_TABLES, "complaint_stage")
        for name, column in mappable_fields(table).items()
        if column.kind == "date"
    }
    specs = [*mapping.columns.items()]
    for stage in mapping.stages.values():
        specs += stage.items()
    if mapping.route is not None:
        for target in mapping.route.targets().values():
            specs += target.columns.items()
    return list(dict.fromkeys(s.column for n, s in specs if n in dates and s.column is not None))


def _read_source(
    path: Path,
    shown: str,
    mapping: Mapping,
    mapping_name: str,
    limits: InputLimits | Thresholds | None,
) -> SourceFrame:
    _check_kind(Path(path), shown, mapping.format, mapping.encoding)
    if limits is not None:
        # Before a byte is read: a file too large or too wide is refused, not loaded into memory.
        check_input_limits(
            path,
            limits,
            shown=shown,
            file_format=mapping.format,
            delimiter=mapping.delimiter,
            header_row=mapping.header_row,
        )
    wanted = mapping.source_columns()
    data = read_within_limits(Path(path), limits, shown)
    digest = hashlib.sha256(data).hexdigest()
    # isspace() stops at the first non-blank byte; strip() would copy the whole file first.
    if not data or data.isspace():
        raise IngestError(f"{shown}: the file is empty")
    if mapping.format == "csv":
        if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            _refuse_stray_nul(data, shown)
            raise IngestError(
                f"{shown}: is not a text CSV file (it contains binary data; is it an XLSX "
                "saved with a .csv name, or a corrupt download?)"
            )
        utf8, encoding = decode_to_utf8(data, mapping.encoding, shown)
        del data
        raw, header, header_cells = read_csv_text(
            utf8,
            delimiter=mapping.delimiter,
            header_row=mapping.header_row,
            shown=shown,
            wanted=wanted,
        )
    else:
        encoding, header_cells = "xlsx", None
        # openpyxl and fastexcel only for a workbook (0.4 s of imports a CSV workspace never needs)
        from pipeline.sources.xlsx_reader import names_row_below, read_xlsx_text

        try:
            raw = read_xlsx_text(
                data,
                sheet=mapping.sheet,
                header_row=mapping.header_row,
                shown=shown,
                wanted=wanted,
                serial_columns=_date_columns(mapping) if mapping.excel_serial_dates else (),
            )
        except IngestError:
            raise
        except Exception:  # noqa: BLE001 - any reader failure on a corrupt workbook
            raise IngestError(
                f"{shown}: is not a readable XLSX workbook (its contents are damaged); open it "
                "in Excel and save it again, or export it afresh"
            ) from None
        header = [c for c in raw.columns if c != "__row"]
        raw = raw.with_columns(pl.lit(None, dtype=pl.Int32).alias("__cells"))

    missing = [c for c in wanted if c not in header]
    if missing:
        below = mapping.header_row + 1
        raw_header = None
        if mapping.format == "csv":
            rows = _csv_rows(utf8, mapping.delimiter, below)
            raw_header = next(iter(_csv_rows(utf8, mapping.delimiter, mapping.header_row)), None)
            raw_header = raw_header[1] if raw_header else None
        names_row = (
            row_of_names(rows, wanted)
            if mapping.format == "csv"
            else names_row_below(data, mapping.sheet, mapping.header_row, wanted, shown)
        )
        raise _missing_columns_error(
            shown,
            missing,
            header,
            mapping_name,
            wanted,
            mapping.header_row,
            names_row,
            raw_header,
        )
    frame = raw.select(
        pl.col("__row").cast(pl.Int32),
        *[
            (_csv_cell_as_shown(raw, column) if mapping.format == "csv" else pl.col(column)).alias(
                f"s{i}"
            )
            for i, column in enumerate(wanted)
        ],
        pl.col("__cells"),
    )
    return SourceFrame(shown, digest, frame, encoding, header_cells=header_cells)


def _csv_cell_as_shown(raw: pl.DataFrame, column: str) -> pl.Expr:
    """A CSV column's cells as the text they stand for, where quotes are left around it.

    - Excel's text formula ``="00123"``: case systems write a reference (or a date) so that
      Excel keeps its leading zeros when it opens the file, and Excel shows ``00123``. Read as
      written, such a reference hashed to another complaint than the same case's plain
      ``00123`` in another file (a stage row, a promised action or a survey no longer joined
      its complaint, a case in two yearly exports was not found twice), and a date written so
      was quarantined as no date (fourth hostile audit).
    - A quoted cell after a space (``1, "CMP-1", "01/04/2024"``, as some report writers join
      cells): CSV only reads a quote as quoting at the very start of a cell, so the quotes
      stayed in the value, with the same effects.

    Inside the quotes a doubled quote is one quote, as in Excel and CSV. Only a column holding
    a quote is rewritten (one scan of it), so a plain export costs nothing more. (A workbook
    holds a formula's saved result and no CSV quoting, so only a CSV cell is read this way.)
    """
    cell = pl.col(column)
    if not raw[column].str.contains('"', literal=True).any():
        return cell
    bare = cell.str.strip_chars(" ")
    length = bare.str.len_chars()
    formula = bare.str.starts_with('="') & bare.str.ends_with('"') & (length >= 3)
    quoted = bare.str.starts_with('"') & bare.str.ends_with('"') & (length >= 2)
    start = pl.when(formula).then(2).otherwise(1)
    inner = bare.str.slice(start, length - start - 1).str.replace_all('""', '"', literal=True)
    return pl.when(formula | quoted).then(inner).otherwise(cell)
