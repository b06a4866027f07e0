"""CSV exports: encoding detection and a text-only read that keeps spreadsheet row numbers."""

from __future__ import annotations

import io
import re

import polars as pl

from pipeline.sources.errors import IngestError

UTF8_BOM = b"\xef\xbb\xbf"


def decode_to_utf8(data: bytes, encoding: str, shown: str) -> tuple[bytes, str]:
    """Return ``data`` as UTF-8 bytes without a BOM, and the encoding it was read as.

    Parameters
    ----------
    data
        The raw file bytes.
    encoding
        ``auto`` (UTF-8 with or without BOM, else cp1252) or a Python codec name.
    shown
        The file name for error messages.
    """
    if encoding.lower() == "auto":
        if data.startswith(UTF8_BOM):
            # Still check the rest is UTF-8: a BOM followed by cp1252 bytes is a broken export.
            try:
                data[3:].decode("utf-8")
            except UnicodeDecodeError as exc:
                raise IngestError(
                    f"{shown}: starts with a UTF-8 byte-order mark but byte {exc.start + 3} is "
                    "not UTF-8"
                ) from exc
            return data[3:], "utf-8-sig"
        if data.isascii():  # no allocation: the common case for large exports is decided fast
            return data, "utf-8"
        try:
            data.decode("utf-8")
            return data, "utf-8"
        except UnicodeDecodeError:
            # cp1252 decodes every byte except five unused ones, so it is the right fallback
            # for Windows case-system exports (£ is 0xA3, smart quotes 0x91-0x94).
            encoding = "cp1252"
    try:
        text = data.decode(encoding)
    except LookupError as exc:
        raise IngestError(f"{shown}: encoding '{encoding}' is not a known codec") from exc
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{shown}: cannot be decoded as {encoding} (byte {exc.start}: {exc.reason})"
        ) from exc
    return text.removeprefix("\ufeff").encode("utf-8"), encoding


def read_csv_text(
    data: bytes, *, delimiter: str, header_row: int, shown: str, wanted: list[str]
) -> tuple[pl.DataFrame, list[str]]:
    """Read the ``wanted`` columns of UTF-8 CSV bytes as text, with a ``__row`` column.

    ``__row`` is the 1-based row number a spreadsheet shows: the header is on ``header_row``, the
    first data row is ``header_row + 1``, and blank lines keep their numbers (Polars keeps an
    empty line as an all-null row, unlike DuckDB's reader, which drops it and shifts the count).
    Only mapped columns are materialised: unmapped ones (names, notes) never enter memory as data.

    Returns
    -------
    tuple
        The frame (columns named as in ``wanted``, or fewer when the header lacks some) and the
        header as found (trimmed), for the missing-column message.
    """
    options = dict(
        has_header=True,
        separator=delimiter,
        skip_rows=header_row - 1,
        infer_schema=False,
        quote_char='"',
        truncate_ragged_lines=True,
        raise_if_empty=True,
    )
    try:
        header_raw = pl.read_csv(io.BytesIO(data), n_rows=0, **options).columns
        # Polars renames a repeated name 'X' to 'X_duplicated_0'; a mapped column named twice
        # (or ' X' and 'X ') is ambiguous: refuse rather than read whichever comes first.
        bases = [re.sub(r"_duplicated_\d+$", "", name).strip() for name in header_raw]
        twice = [c for c in dict.fromkeys(wanted) if bases.count(c) > 1]
        if twice:
            names = ", ".join(f"'{c}'" for c in twice)
            raise IngestError(
                f"{shown}: column {names} appears more than once in the header; rename or "
                "remove the extra column so it is clear which one the mapping means"
            )
        by_name = {name.strip(): name for name in header_raw}
        present = [by_name[c] for c in wanted if c in by_name]
        frame = pl.read_csv(
            io.BytesIO(data),
            columns=present or header_raw[:1],
            row_index_name="__row",
            row_index_offset=header_row + 1,
            **options,
        )
    except pl.exceptions.NoDataError as exc:
        raise IngestError(f"{shown}: has no header row at row {header_row}") from exc
    except pl.exceptions.PolarsError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise IngestError(f"{shown}: is not a readable CSV file ({first_line})") from exc
    return frame.rename({by_name[c]: c for c in wanted if c in by_name}), list(by_name)
