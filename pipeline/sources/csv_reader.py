"""CSV exports: encoding detection and a text-only read that keeps spreadsheet row numbers."""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from pipeline.sources.errors import IngestError, header_names

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

_QUOTE, _LF, _CR = ord('"'), ord("\n"), ord("\r")


@dataclass(frozen=True)
class RecordCount:
    """The records of a CSV file as counted apart from Polars (see :func:`count_records`).

    Attributes
    ----------
    records
        Records in the file (the header and any rows above it included; a blank line is a record).
    unclosed_row
        Record number (1-based) where a quoted field opens and is never closed; None if none.
    stray_quote_row
        Record number of the first quote that neither opens a field nor closes one (``ab"c``);
        None if none. Polars refuses most such files, and they are counted with Python's csv
        module.
    cells
        Cells of each record (index 0 is record 1), delimiters inside quoted fields not counted;
        a blank line is one (empty) cell. None when the file could not be split (a quote never
        closed).
    trailing_empty
        Of those cells, how many at the end of each record are empty and unquoted (``a,b,,``
        ends with two): a case system that ends every line with a delimiter, or the header
        without one, does not make a row ragged (see :func:`read_csv_text`).
    escaped_quote_row
        Record number of the first quote written with a backslash before it (``"a \\"b\\" c"``),
        when the quotes are unclosed or stray: a system that escapes a quote inside a field
        with a backslash, where CSV doubles it (``""``); None otherwise.
    """

    records: int
    unclosed_row: int | None = None
    stray_quote_row: int | None = None
    cells: np.ndarray | None = field(default=None, compare=False, repr=False)
    trailing_empty: np.ndarray | None = field(default=None, compare=False, repr=False)
    escaped_quote_row: int | None = None


def _count_with_csv_module(
    text: bytes, delimiter: str
) -> tuple[int, np.ndarray | None, np.ndarray | None]:
    """Records as Python's csv module reads them (``newline=''``: LF, CRLF and CR all end one),
    the cells of each (``len(row)``; a blank line, ``[]`` there, is one empty cell) and its
    empty cells at the end."""
    stream = io.TextIOWrapper(io.BytesIO(text), encoding="utf-8", newline="")
    reader = csv.reader(stream, delimiter=delimiter, quotechar='"', doublequote=True)
    cells, trailing = [], []
    try:
        for row in reader:
            kept = len(row)
            while kept and not row[kept - 1]:
                kept -= 1
            cells.append(len(row) or 1)
            trailing.append(len(row) - kept)
    except csv.Error:
        return -1, None, None
    return len(cells), np.asarray(cells, dtype=np.int32), np.asarray(trailing, dtype=np.int32)


def count_records(data: bytes, delimiter: str) -> RecordCount:
    """Count the records of UTF-8 CSV bytes independently of the Polars reader.

    A record ends at a line ending (LF, CRLF or a bare CR, in any mix) that is not inside a
    quoted field. Quotes are judged as RFC 4180 and Python's ``csv`` module do: a field is
    quoted when its first character is a quote, ``""`` inside it is one quote, and the closing
    quote is followed by a delimiter, a line ending or the end of the file. When every quote in
    the file is of those kinds (nearly always), whether a line ending is inside a quoted field is
    the parity of the quotes before it, which numpy finds for millions of rows in a fraction of a
    second. Otherwise (a stray quote) the records are counted by the ``csv`` module instead.

    The cells of each record are counted the same way: a delimiter outside quotes (an even
    number of quotes before it) separates two cells, and ``np.searchsorted`` against the record
    ends says which record it is in (see :func:`_cells_per_record`).
    """
    if not data:
        return RecordCount(0)
    arr = np.frombuffer(data, dtype=np.uint8)
    size = arr.size
    ends, quotes = _special_bytes(arr, quotes=b'"' in data, cr=b"\r" in data)
    unclosed = stray = escaped = None
    if quotes.size:
        outside = ends[np.searchsorted(quotes, ends) % 2 == 0]
        if quotes.size % 2:  # the last quote opens a field that never closes
            unclosed = int(np.searchsorted(outside, quotes[-1])) + 1
        stray_at = _stray_quote(arr, quotes, delimiter)
        backslash_quote = data.find(b'\\"') if stray_at is not None or unclosed else -1
        if backslash_quote >= 0:
            escaped = int(np.searchsorted(outside, backslash_quote)) + 1
        if stray_at is not None:
            stray = int(np.searchsorted(outside, stray_at)) + 1
            counted, cells, trailing = _count_with_csv_module(data, delimiter)
            if counted >= 0:
                return RecordCount(counted, unclosed, stray, cells, trailing, escaped)
    else:
        outside = ends
    records = int(outside.size)
    last = int(outside[-1]) if outside.size else -1
    bounds = outside
    if last < size - 1:
        records += 1  # the last record has no line ending
        bounds = np.append(outside, size)
    cells = trailing = None
    if unclosed is None and len(delimiter.encode("utf-8")) == 1:
        sep = delimiter.encode("utf-8")[0]
        cells = _cells_per_record(arr, bounds, quotes, sep)
        trailing = _trailing_empty_cells(arr, bounds, sep)
    return RecordCount(records, unclosed, stray, cells, trailing, escaped)


# Bytes scanned per step: a comparison over the whole of a 400 MB file would allocate (and
# page-fault) a 400 MB mask per byte value, several times slower than reusing a small one.
_CHUNK = 1 << 22


def _special_bytes(arr: np.ndarray, *, quotes: bool, cr: bool) -> tuple[np.ndarray, np.ndarray]:
    """Offsets of the line endings (LF, and a CR not followed by LF) and of the quotes."""
    size = arr.size
    ends: list[np.ndarray] = []
    found: list[np.ndarray] = []
    for start in range(0, size, _CHUNK):
        chunk = arr[start : start + _CHUNK]
        mask = chunk == _LF
        if cr:
            mask |= chunk == _CR
        if quotes:
            mask |= chunk == _QUOTE
        offsets = np.flatnonzero(mask)
        if not (cr or quotes):
            ends.append(offsets + start)
            continue
        kinds = chunk[offsets]
        offsets = offsets + start
        if quotes:
            found.append(offsets[kinds == _QUOTE])
        if cr:
            crs = offsets[kinds == _CR]
            after = arr[np.minimum(crs + 1, size - 1)]
            bare = crs[(crs == size - 1) | (after != _LF)]
            line_ends = offsets[kinds == _LF]
            ends.append(np.sort(np.concatenate([line_ends, bare])))
        else:
            ends.append(offsets[kinds == _LF])
    empty = np.zeros(0, dtype=np.int64)
    return (
        np.concatenate(ends) if ends else empty,
        np.concatenate(found) if found else empty,
    )


def _cells_per_record(
    arr: np.ndarray, bounds: np.ndarray, quotes: np.ndarray, sep: int
) -> np.ndarray:
    """Cells of each record: one more than the delimiters outside quotes before its end.

    ``bounds`` are the records' end offsets (line endings outside quotes, then the file's size
    when the last record has none); ``quotes`` the quotes' offsets (here, only whether there are
    any matters: the chunks count their own). Scanned in chunks, so the delimiters' offsets are never held
    for the whole file at once: per chunk, the delimiters outside quotes are counted before each
    record end that falls in it.
    """
    before = np.zeros(bounds.size, dtype=np.int64)  # delimiters outside quotes before each end
    total, done, quoted = 0, 0, 0
    for start in range(0, arr.size, _CHUNK):
        stop = start + _CHUNK
        chunk = arr[start:stop]
        if quotes.size:
            # Outside quotes = an even number of quotes before it: a running count over the
            # chunk's quotes and delimiters in file order (linear, unlike a search per delimiter).
            offsets = np.flatnonzero((chunk == sep) | (chunk == _QUOTE))
            is_quote = chunk[offsets] == _QUOTE
            seen = np.cumsum(is_quote) + quoted
            found = offsets[~is_quote & (seen % 2 == 0)] + start
            quoted = int(seen[-1]) if seen.size else quoted
        else:
            found = np.flatnonzero(chunk == sep) + start
        upto = int(np.searchsorted(bounds, min(stop, arr.size)))
        before[done:upto] = total + np.searchsorted(found, bounds[done:upto])
        total += found.size
        done = upto
    before[done:] = total
    return (np.diff(before, prepend=0) + 1).astype(np.int32)


def _trailing_empty_cells(arr: np.ndarray, bounds: np.ndarray, sep: int) -> np.ndarray:
    """Empty cells at the end of each record: the delimiters just before its line ending.

    Vectorised over the records, one step per trailing delimiter (a handful at most)."""
    starts = np.concatenate(([0], bounds[:-1] + 1))
    last = bounds - 1
    last -= (last >= starts) & (arr[np.maximum(last, 0)] == _CR)  # a CRLF's CR ends the line
    trailing = np.zeros(bounds.size, dtype=np.int32)
    live = np.flatnonzero(last >= starts)
    while live.size:
        live = live[arr[last[live]] == sep]
        trailing[live] += 1
        last[live] -= 1
        live = live[last[live] >= starts[live]]
    return trailing


def _stray_quote(arr: np.ndarray, quotes: np.ndarray, delimiter: str) -> int | None:
    """Offset of the first quote that is not an opening, closing or doubled quote (else None)."""
    size = arr.size
    if len(delimiter.encode("utf-8")) != 1:
        return int(quotes[0])  # a multi-byte delimiter: let the csv module judge
    sep = delimiter.encode("utf-8")[0]
    before = arr[np.maximum(quotes - 1, 0)]
    after = arr[np.minimum(quotes + 1, size - 1)]
    opens = np.arange(quotes.size) % 2 == 0
    opens_ok = (quotes == 0) | (before == sep) | (before == _LF) | (before == _CR)
    opens_ok |= before == _QUOTE  # the second quote of a doubled "" inside a quoted field
    closes_ok = (quotes == size - 1) | (after == sep) | (after == _LF) | (after == _CR)
    closes_ok |= after == _QUOTE
    bad = np.flatnonzero(np.where(opens, ~opens_ok, ~closes_ok))
    return int(quotes[bad[0]]) if bad.size else None


_SPACE = ord(" ")


def close_spaced_quotes(data: bytes, delimiter: str) -> bytes:
    """``data`` with the spaces removed between a delimiter (or a line's start) and a quote that
    opens a cell, and between a quote that closes a cell and the next delimiter (or the line's
    end): ``1, "Smith, J" , 3`` -> ``1,"Smith, J", 3``; else ``data`` itself.

    Report writers that join cells with ', ' (or ' , ') quote each one after the space, where
    CSV reads a quote as quoting only at the very start of a cell and a closing quote only just
    before a delimiter: a cell holding the delimiter was split in two and every cell after it
    moved a column right (the file stopped on a "stray" quote, or the row was quarantined as too
    long). Excel and Python's ``csv`` (``skipinitialspace``) read such a cell whole. The caller
    keeps the result only if every quote in it then opens or closes a cell (:func:`read_csv_text`);
    the spaces removed stood outside the cell's quotes, which the cell reader drops anyway, so no
    cell's text changes but for being read whole. Vectorised: one step per space beside a quote
    (a handful at most).
    """
    encoded = delimiter.encode("utf-8")
    if len(encoded) != 1 or (b' "' not in data and b'" ' not in data):
        return data
    sep = encoded[0]
    arr = np.frombuffer(data, dtype=np.uint8)
    size = arr.size
    _, quotes = _special_bytes(arr, quotes=True, cr=False)
    opening = np.arange(quotes.size) % 2 == 0  # outside quotes: an even number before it

    after_space = quotes[opening & (quotes > 0)]
    after_space = after_space[arr[after_space - 1] == _SPACE]
    start = after_space - 1  # the first space of the run before each quote
    live = np.arange(start.size)
    while live.size:
        live = live[(start[live] > 0) & (arr[np.maximum(start[live] - 1, 0)] == _SPACE)]
        start[live] -= 1
    lead = arr[np.maximum(start - 1, 0)]
    cell_start = (start == 0) | (lead == sep) | (lead == _LF) | (lead == _CR)

    closing = quotes[~opening & (quotes < size - 1)]
    before_space = closing[arr[np.minimum(closing + 1, size - 1)] == _SPACE]
    stop = before_space + 1  # one past the last space of the run after each quote
    live = np.arange(stop.size)
    while live.size:
        live = live[(stop[live] < size) & (arr[np.minimum(stop[live], size - 1)] == _SPACE)]
        stop[live] += 1
    trail = arr[np.minimum(stop, size - 1)]
    cell_end = (stop >= size) | (trail == sep) | (trail == _LF) | (trail == _CR)

    starts = np.concatenate([start[cell_start], before_space[cell_end] + 1])
    stops = np.concatenate([after_space[cell_start], stop[cell_end]])
    if not starts.size:
        return data
    change = np.zeros(size + 1, dtype=np.int32)
    np.add.at(change, starts, 1)
    np.add.at(change, stops, -1)
    return arr[np.cumsum(change[:-1]) == 0].tobytes()


def _no_worse(before: RecordCount, after: RecordCount, header_row: int) -> bool:
    """Whether closing the spaced quotes kept every record and made no more records of a cell
    count other than the header's, in a file with another quote inside a cell (``p "q" r``)."""
    if before.records != after.records or before.cells is None or after.cells is None:
        return False
    if before.cells.size < header_row:
        return False
    width_before, width_after = before.cells[header_row - 1], after.cells[header_row - 1]
    ragged_before = int(np.count_nonzero(before.cells[header_row:] != width_before))
    ragged_after = int(np.count_nonzero(after.cells[header_row:] != width_after))
    return ragged_after < ragged_before


def normalise_line_endings(data: bytes) -> bytes:
    """Bytes with every bare CR made an LF (CRLF and LF are what Polars reads as line endings).

    A "CSV (Macintosh)" export ends lines with CR alone, and two exports pasted together mix
    the two; Polars would read a CR-ended line and the next as one row. A CR inside a quoted
    cell becomes an LF: the cell's text is the same line break.
    """
    if data.count(b"\r") == data.count(b"\r\n"):
        return data
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def without_eof_mark(data: bytes) -> bytes:
    """``data`` without a trailing end-of-file mark (Ctrl-Z). Read as a row, the mark was
    counted in and quarantined as a row of one cell ("a delimiter inside a cell..."), a
    complaint that never was in the file's count and its data-quality share (third hostile
    audit). Only at the very end: a Ctrl-Z anywhere else is a cell's content."""
    end = len(data)
    while end and data[end - 1] in b"\x1a\r\n":  # the trailing run only: a few bytes
        end -= 1
    mark = data.find(b"\x1a", end)
    return data if mark < 0 else data[:mark]


def _line_of(data: bytes, offset: int) -> int:
    """The 1-based line (LF, CRLF or a bare CR ends one) holding byte ``offset`` of ``data``."""
    before = data[:offset]
    return before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1


# A file with UTF-8 characters in it is UTF-8 with damage when its bytes that are not UTF-8 are
# at most this many, or at most this share of its non-ASCII characters (see decode_to_utf8).
DAMAGED_UTF8_MAX_BAD = 3
DAMAGED_UTF8_MAX_SHARE = 0.01


def utf8_evidence(data: bytes) -> tuple[int, int]:
    """``(good, bad)``: the multi-byte UTF-8 characters of ``data`` (``C3 A9``, "é"), and the
    places where it is not UTF-8 (one per broken sequence: a lone ``A3`` or ``FF``, an ``E9``
    followed by ASCII). Decoded in chunks (an incremental decoder joins a character split between
    two), so a large file never becomes one large string."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    chars = replaced = ascii_bytes = 0
    for start in range(0, len(data), _CHUNK):
        chunk = data[start : start + _CHUNK]
        text = decoder.decode(chunk, final=start + _CHUNK >= len(data))
        chars += len(text)
        replaced += text.count("\ufffd")
        ascii_bytes += int(np.count_nonzero(np.frombuffer(chunk, dtype=np.uint8) < 0x80))
    # A U+FFFD written in the file (EF BF BD) is a character, not a broken sequence.
    bad = replaced - data.count("\ufffd".encode())
    return chars - ascii_bytes - bad, bad


def decode_to_utf8(data: bytes, encoding: str, shown: str) -> tuple[bytes, str]:
    """Return ``data`` as UTF-8 bytes without a BOM, and the encoding it was read as.

    With ``auto``, a file that is not UTF-8 is read as cp1252 unless it holds UTF-8 characters
    and few bytes that are not (:func:`utf8_evidence`: at most ``DAMAGED_UTF8_MAX_BAD`` or at
    most ``DAMAGED_UTF8_MAX_SHARE`` of its non-ASCII characters). Such a file is UTF-8 with a
    damaged byte, and read as cp1252 every one of its accented letters and symbols would be
    garbled ("réparation" as "rÃ©paration") without a word: it is stopped, naming the first bad
    byte and its line. A cp1252 export holds UTF-8 pairs only by chance (an accented capital
    before a symbol, "É’", or "Ã©" typed as such), and far fewer than its bytes that are not
    UTF-8 (every £, smart quote and "é" before a plain letter), so it still reads as cp1252; a
    cp1252 file with three such bytes or fewer and a chance pair cannot be told from a damaged
    UTF-8 one and is stopped too: the message says to name the encoding in the mapping.

    Parameters
    ----------
    data
        The raw file bytes.
    encoding
        ``auto`` (UTF-8 with or without BOM, else cp1252) or a Python codec name (a
        byte-order mark at the start of the file outweighs a single-byte one such as cp1252).
    shown
        The file name for error messages.
    """
    if encoding.lower() != "auto" and data.startswith((UTF8_BOM, *UTF16_BOMS)):
        # A byte-order mark is the file's own word on its encoding, and no cp1252 (or other
        # single-byte) export starts with those bytes: a mapping set to cp1252 for last year's
        # 'ANSI' export read this year's 'CSV UTF-8' one garbled ("Ã©" for "é", "Â£50" quarantined
        # as no number), loaded without a word where no mapped column was the first (fourth
        # hostile audit). Read as auto reads it.
        try:
            unicode = codecs.lookup(encoding).name.startswith("utf")
        except LookupError:
            unicode = True  # named below as not a known codec
        if not unicode:
            encoding = "auto"
    elif encoding.lower() != "auto" and not data.isascii():
        _refuse_utf8_named_single_byte(data, encoding, shown)
    if encoding.lower() == "auto":
        if data.startswith(UTF16_BOMS):
            # "Unicode Text" from Excel: UTF-16 with its byte-order mark is unambiguous.
            encoding = "utf-16"
        elif data.startswith(UTF8_BOM):
            # Still check the rest is UTF-8: a BOM followed by cp1252 bytes is a broken export.
            try:
                data[3:].decode("utf-8")
            except UnicodeDecodeError as exc:
                raise IngestError(
                    f"{shown}: starts with a UTF-8 byte-order mark but byte {exc.start + 3}, on "
                    f"line {_line_of(data, exc.start + 3)}, is not UTF-8; save the export again "
                    "as 'CSV UTF-8'"
                ) from None
            return data[3:], "utf-8-sig"
        elif data.isascii():  # no allocation: the common case for large exports is decided fast
            return data, "utf-8"
        else:
            try:
                data.decode("utf-8")
                return data, "utf-8"
            except UnicodeDecodeError as exc:
                _refuse_damaged_utf8(data, exc.start, shown)
                _refuse_mixed_encodings(data, shown)
                # cp1252 decodes every byte except five unused ones, so it is the right fallback
                # for Windows case-system exports (£ is 0xA3, smart quotes 0x91-0x94).
                encoding = "cp1252"
    try:
        text = data.decode(encoding)
    except LookupError:
        raise IngestError(f"{shown}: encoding '{encoding}' is not a known codec") from None
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{shown}: cannot be decoded as {encoding} (byte {exc.start}, on line "
            f"{_line_of(data, exc.start)}: {exc.reason}); check the mapping's encoding"
        ) from None
    return text.removeprefix("\ufeff").encode("utf-8"), encoding


# A file whose mapping names a single-byte encoding (cp1252) but which is UTF-8 throughout,
# with at least this many UTF-8 characters, is a UTF-8 export (see _refuse_utf8_named_single_byte).
UTF8_NAMED_SINGLE_BYTE_MIN = 2


def _refuse_utf8_named_single_byte(data: bytes, encoding: str, shown: str) -> None:
    """Stop a UTF-8 file (no byte-order mark) whose mapping names a single-byte encoding.

    A mapping set to cp1252 for last year's 'ANSI' export read this year's UTF-8 one garbled
    without a word: "é" as "Ã©" in the schemes and categories it loaded, "£50.00" as "Â£50.00",
    quarantined as no number (half of a year's stages, with a warning that named the wrong
    cause; fourth hostile audit). A cp1252 export is UTF-8 throughout only by chance (its "£",
    smart quotes and accented letters are bytes UTF-8 does not allow alone), so a file that is,
    with two UTF-8 characters or more, is UTF-8: the run stops rather than read it either way
    against the mapping's word.
    """
    try:
        single_byte = not codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return  # named by the caller as not a known codec
    if not single_byte:
        return
    good, bad = utf8_evidence(data)
    if bad or good < UTF8_NAMED_SINGLE_BYTE_MIN:
        return
    raise IngestError(
        f"{shown}: its mapping names the encoding {encoding}, but the file is UTF-8 throughout "
        f"({good:,} accented letters or symbols written as UTF-8): read as {encoding}, each "
        "would load garbled ('é' as 'Ã©', '£' as 'Â£'); set the mapping's encoding to auto, "
        "which reads UTF-8 and Windows 'ANSI' (cp1252) exports alike"
    )


def _refuse_damaged_utf8(data: bytes, first_bad: int, shown: str) -> None:
    """Stop a file that is UTF-8 with a damaged byte (see :func:`decode_to_utf8`)."""
    good, bad = utf8_evidence(data)
    if not good or (bad > DAMAGED_UTF8_MAX_BAD and bad > DAMAGED_UTF8_MAX_SHARE * (good + bad)):
        return
    others = "" if bad == 1 else f" ({bad:,} places in all)"
    written = "letter or symbol is" if good == 1 else "letters or symbols are"
    raise IngestError(
        f"{shown}: byte {first_bad}, on line {_line_of(data, first_bad)}, is not UTF-8{others} "
        f"but {good:,} accented {written} written as UTF-8: the file is UTF-8 and damaged, and "
        "read as cp1252 its accented letters and symbols would be garbled; save the export "
        "again as 'CSV UTF-8' (or, if it is a Windows 'ANSI' export, set the mapping's "
        "encoding: cp1252)"
    )


# A file that is not UTF-8 yet has this many lines written wholly in UTF-8 (with at least one
# accented letter or symbol each) mixes two encodings (see _refuse_mixed_encodings). One such line
# can be chance in a cp1252 export ("Ã©" typed as such); two are rows from another export.
MIXED_UTF8_MIN_LINES = 2


def _refuse_mixed_encodings(data: bytes, shown: str) -> None:
    """Stop a file whose lines are partly UTF-8 and partly not (cp1252): rows from two exports
    pasted into one, or a cp1252 export with rows added by a tool that writes UTF-8.

    Read as cp1252, the UTF-8 rows' accented letters and symbols load garbled ("Ã©" for "é", a
    scheme that is not the landlord's; "Â£10.00" quarantined as no number) without a word; read
    as UTF-8, the others cannot be read at all. Only files that are not UTF-8 come here, so the
    scan (each line holding a byte above ASCII, decoded on its own) costs nothing for the rest.
    """
    utf8: list[int] = []  # offsets of the lines wholly UTF-8, and of those that are not
    other: list[int] = []
    # Line by line: a pattern for "a line holding a byte above ASCII" backtracks over every
    # line without one (quadratic in its length: 0.9 s for a 700 KB export).
    start = 0
    for line in data.splitlines(keepends=True):
        if not line.isascii():
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                other.append(start)
            else:
                utf8.append(start)
        start += len(line)
    if len(utf8) < MIXED_UTF8_MIN_LINES or not other:
        return

    def lines(offsets: list[int]) -> str:
        more = f" and {len(offsets) - 1:,} more" if len(offsets) > 1 else ""
        return f"line {_line_of(data, offsets[0])}{more}"

    raise IngestError(
        f"{shown}: mixes two encodings: {lines(utf8)} are written as UTF-8 but {lines(other)} "
        "are not UTF-8 (Windows 'ANSI', cp1252), as when rows from two exports are pasted into "
        "one file; read either way, the accented letters and symbols (the pound sign) of some of "
        "its rows would load garbled. Export the file again in one piece, saved as 'CSV UTF-8' (or name "
        "the encoding in the mapping, to read every line as that one)"
    )


def _why(counted: RecordCount) -> str:
    """Why Polars could not read a file, by row number and never by content.

    A stray quote at or before an unclosed one comes first: it is what makes the quotes after
    it odd in number, so the "unclosed" one is only its echo.
    """
    stray, unclosed = counted.stray_quote_row, counted.unclosed_row
    problems = [row for row in (stray, unclosed) if row is not None]
    escaped = counted.escaped_quote_row
    if escaped is not None and problems and escaped <= min(problems):
        # The advice below (a missing quote, or fields to quote) would not help: the fields
        # are quoted, and the quotes inside them escaped in a way CSV does not know.
        return (
            f'row {escaped} has a quote written as \\" (a backslash before it) '
            'inside a field, where CSV writes a quote inside a field twice (""); export the '
            "file again with quotes doubled (Excel's 'CSV UTF-8' does), or ask the case "
            "system's supplier for an export that does not escape quotes with a backslash"
        )
    if unclosed is not None and (stray is None or unclosed < stray):
        return (
            f"a quoted field opens on row {unclosed} and is never closed: a closing "
            'quote (") is missing'
        )
    if stray is not None:
        return (
            f'row {stray} has a quote (") inside a field that does not start '
            "with one; save the export again with text fields quoted"
        )
    return "its rows cannot be split into columns; check the mapping's delimiter and the quotes"


def _fits_the_header(
    cells: np.ndarray, trailing_empty: np.ndarray, header_row: int, width: int
) -> np.ndarray:
    """Whether each data record has the header's number of cells (``width``).

    Or the file's own habit, when its rows mostly differ from the header only by empty cells at
    the end of the line: a system that ends every row with a delimiter and not its header (each
    such row then needs its extra cells empty), or only its header. A single row with one cell
    too many is still ragged, even when that cell is empty (``Smith, Ann`` typed unquoted into
    the next-to-last column of a file whose last column is blank).
    """
    trailing = trailing_empty[header_row:]
    usual = width
    if cells.size:
        common = int(np.bincount(cells).argmax())
        if common > width and (trailing[cells == common] >= common - width).mean() > 0.5:
            usual = common
        elif width - int(trailing_empty[header_row - 1]) <= common < width:
            usual = common
    return (cells == width) | ((cells == usual) & (trailing >= usual - width))


def read_csv_text(
    data: bytes, *, delimiter: str, header_row: int, shown: str, wanted: list[str]
) -> tuple[pl.DataFrame, list[str], int]:
    """Read the ``wanted`` columns of UTF-8 CSV bytes as text, with ``__row`` and ``__cells``.

    ``__row`` is the 1-based row number a spreadsheet shows: the header is on ``header_row``, the
    first data row is ``header_row + 1``, and blank lines keep their numbers (Polars keeps an
    empty line as an all-null row, unlike DuckDB's reader, which drops it and shifts the count).
    Only mapped columns are materialised: unmapped ones (names, notes) never enter memory as data.

    ``__cells`` is the number of cells of a record whose count differs from the header's (an
    unquoted delimiter inside a cell, or a cell missing), null for every other record (a blank
    line is one empty cell: the ingest step drops it as blank, as it does any row whose mapped
    cells are all empty). Polars
    reads such a record with its extra cells dropped or its missing ones blank, every cell after
    the fault in the wrong column: the ingest step quarantines it (rule ``wrong_cell_count``).

    Returns
    -------
    tuple
        The frame (``__row``, the columns named as in ``wanted``, or fewer when the header lacks
        some, then ``__cells``), the header as found (trimmed), for the missing-column message,
        and the number of cells of the header.
    """
    data = without_eof_mark(data)
    counted = count_records(data, delimiter)
    if counted.stray_quote_row is not None:
        closed = close_spaced_quotes(data, delimiter)
        recounted = count_records(closed, delimiter) if closed is not data else counted
        if recounted.unclosed_row is None and recounted.stray_quote_row is None:
            data, counted = closed, recounted
        elif closed is not data and _no_worse(counted, recounted, header_row):
            # another quote inside a plain cell (``p "q" r``) is still stray: kept only if
            # Polars reads the file so, else the file reads as it did
            try:
                return _read_counted(closed, recounted, delimiter, header_row, shown, wanted)
            except IngestError:
                pass
    return _read_counted(data, counted, delimiter, header_row, shown, wanted)


def _read_counted(
    data: bytes,
    counted: RecordCount,
    delimiter: str,
    header_row: int,
    shown: str,
    wanted: list[str],
) -> tuple[pl.DataFrame, list[str], int]:
    """:func:`read_csv_text` of ``data`` whose records ``counted`` counts apart from Polars."""
    if counted.unclosed_row is not None and counted.stray_quote_row is None:
        # Polars reads a quote left open in an extra cell of the last row without an error
        # (the ragged cell is dropped), and with the quotes unbalanced no row's cells can be
        # counted to mark it ragged: the cut-off file loaded as if whole.
        raise IngestError(f"{shown}: is not a readable CSV file ({_why(counted)})")
    data = normalise_line_endings(data)
    # Polars skips the empty lines at the top of a file before it counts skip_rows; they are
    # rows of the spreadsheet all the same, so they count towards the header's row number.
    leading = data[: len(data) - len(data.lstrip(b"\r\n"))].count(b"\n")
    if leading >= header_row:
        raise IngestError(
            f"{shown}: row {header_row} (the header row) is empty; the first row that is not "
            f"blank is row {leading + 1}: check the mapping's header_row"
        )
    options = dict(
        has_header=True,
        separator=delimiter,
        skip_rows=header_row - 1 - leading,
        infer_schema=False,
        quote_char='"',
        truncate_ragged_lines=True,
        raise_if_empty=True,
    )
    try:
        header_raw = pl.read_csv(io.BytesIO(data), n_rows=0, **options).columns
        # Polars renames a repeated name 'X' to 'X_duplicated_0'; the mapping calls it 'X (2)'.
        # Nor does it undo a quote doubled inside a quoted name ('"Resolved ""fully""?"').
        bases = [re.sub(r"_duplicated_\d+$", "", name).replace('""', '"') for name in header_raw]
        by_name = dict(zip(header_names(shown, bases, wanted), header_raw, strict=True))
        header_counted = counted.cells is not None and counted.cells.size >= header_row
        if (
            any(c not in by_name for c in wanted)
            and header_counted
            and int(counted.cells[header_row - 1]) == len(header_raw)
        ):
            # The header (read alike by both counts) does not fit the mapping: the caller names
            # the missing columns and the delimiter the header seems to use. Reading on would
            # report a symptom instead (a wrong delimiter leaves quoted cells unquoted: "stray"
            # quotes, a row count that differs), with advice to save the export again.
            empty = pl.DataFrame(schema={"__row": pl.UInt32, "__cells": pl.Int32})
            return empty, list(by_name), len(header_raw)
        present = [by_name[c] for c in wanted if c in by_name]
        frame = pl.read_csv(
            io.BytesIO(data),
            columns=present or header_raw[:1],
            row_index_name="__row",
            row_index_offset=header_row + 1,
            **options,
        )
    except pl.exceptions.NoDataError:
        raise IngestError(f"{shown}: has no header row at row {header_row}") from None
    except pl.exceptions.PolarsError:
        # Polars' own message quotes the row it could not parse (names, addresses): never shown,
        # and not chained either (``from None``), so no log carries it.
        raise IngestError(f"{shown}: is not a readable CSV file ({_why(counted)})") from None
    expected = counted.records - header_row
    if frame.height != max(expected, 0):
        raise IngestError(
            f"{shown}: {frame.height:,} rows were read below the header but the file has "
            f"{max(expected, 0):,} records when counted separately; the file is stopped so no "
            "row is lost without a word (save the export again as 'CSV UTF-8' and check its "
            "quotes)"
        )
    width = len(header_raw)
    ragged = pl.lit(None, dtype=pl.Int32)
    if counted.cells is not None and counted.cells.size >= header_row:
        width = int(counted.cells[header_row - 1])
        cells = counted.cells[header_row:]
        fits = _fits_the_header(cells, counted.trailing_empty, header_row, width)
        ragged = pl.when(pl.Series(~fits)).then(pl.Series(cells, dtype=pl.Int32))
    frame = frame.with_columns(ragged.alias("__cells"))
    return frame.rename({by_name[c]: c for c in wanted if c in by_name}), list(by_name), width
