"""Fuzz the three export shapes: wide CSV (Housing 21), long CSV (council housing, ';'-separated)
and an XLSX report (small specialist, header on row 5, totals row below).

Every mutated file either loads and reconciles (``ingest_file``: rows in = loaded + quarantined,
and rows in equal to an independent count made here with Python's ``csv`` module or openpyxl), or
is stopped with a message that names the file, says what is wrong, and carries no Python
internals and no cell contents (residents' names, postcodes, emails, phones of the source rows).

Mutation classes: line endings (LF, CRLF, CR, mixed), encodings (cp1252, UTF-8 with BOM, UTF-16
with and without a BOM), truncation, random bytes, gzip/zip named .csv, removed, duplicated and
swapped columns, formula cells, out-of-range values, impossible dates, an unbalanced quote.
Seeded (``random.Random``), so every run tries the same files. ``COMPLAINTS_FUZZ_SHAPE_FILES``
sets the files per shape (default 80); the figures go to docs/security.md.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import random
import re
import shutil
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from pipeline.config import ConfigError, load_landlord
from pipeline.ingest import ingest_workspace
from pipeline.mapping import load_mapping
from pipeline.sources.errors import IngestError
from pipeline.sources.frames import read_source

ROOT = Path(__file__).resolve().parents[2]
FILES = int(os.environ.get("COMPLAINTS_FUZZ_SHAPE_FILES", "80"))
KEY = "fuzz-shapes-key"
STATS_FILE = os.environ.get("COMPLAINTS_FUZZ_STATS")  # where to write the figures, if set


@dataclass(frozen=True)
class Shape:
    name: str
    example: str
    mapping: str
    export: str  # the clean export the mutations start from
    pattern: str  # a file name the mapping's glob matches, with {n}
    pii_columns: tuple[str, ...]


SHAPES = {
    "wide_csv": Shape(
        "wide_csv",
        "housing21",
        "mappings/erica_complaints.yaml",
        "exports/erica_complaints_2024-25.csv",
        "exports/erica_complaints_fuzz{n:03d}.csv",
        ("Complainant Name", "Address", "Postcode", "Email", "Telephone"),
    ),
    "long_csv": Shape(
        "long_csv",
        "council_housing",
        "mappings/housing_complaints.yaml",
        "exports/housing_complaints_FY2024-25.csv",
        "exports/housing_complaints_FYfuzz{n:03d}.csv",
        ("TenantName", "PropertyAddress", "Postcode", "ContactEmail", "ContactPhone"),
    ),
    "xlsx": Shape(
        "xlsx",
        "small_specialist",
        "mappings/homemaster_complaints.yaml",
        "exports/homemaster_complaints_2024-25.xlsx",
        "exports/homemaster_complaints_fuzz{n:03d}.xlsx",
        ("Complainant", "Address", "Postcode", "Email", "Phone"),
    ),
}

FORMULAS = ['=HYPERLINK("http://x","y")', "=1+1", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3"]
OUT_OF_RANGE = ["-5", "£-50", "-1", "-0.01", "99999999999", "1e309", "-£5.00"]
IMPOSSIBLE_DATES = ["30/02/2025", "2024-02-30", "31/04/2024", "00/00/0000", "2024-13-01"]
INTERNALS = ("Traceback", "Error:", "polars", "zlib", "BadZipFile", "_csv", "pydantic", "duckdb")

STATS: Counter = Counter()
MESSAGES: dict[str, str] = {}
FAILURES: list[str] = []


# --- the clean rows -----------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _csv_table(shape: Shape) -> tuple[list[list[str]], str]:
    mapping = load_mapping(ROOT / "examples" / shape.example / shape.mapping)
    text = _decode((ROOT / "examples" / shape.example / shape.export).read_bytes())
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=mapping.delimiter))
    return rows[:61], mapping.delimiter


def _write_csv(rows, delimiter, newline="\r\n", encoding="utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


# --- mutations ----------------------------------------------------------------------------------


def _cells(rng: random.Random, rows, values, header_index=0) -> None:
    for _ in range(rng.randint(1, 6)):
        row = rng.randrange(header_index + 1, len(rows))
        if rows[row]:
            rows[row][rng.randrange(len(rows[row]))] = rng.choice(values)


def _columns(rng: random.Random, rows, kind: str, header_index=0) -> None:
    width = len(rows[header_index])
    a, b = rng.sample(range(width), 2)
    for row in rows[header_index:]:
        if kind == "swap_columns" and len(row) > max(a, b):
            row[a], row[b] = row[b], row[a]
        elif kind == "remove_column" and len(row) > a:
            del row[a]
    if kind == "duplicate_column":
        rows[header_index][b] = rows[header_index][a]


CSV_KINDS = [
    "lf",
    "crlf",
    "cr",
    "mixed_endings",
    "cp1252",
    "utf8_bom",
    "utf16_bom",
    "utf16_no_bom",
    "truncate",
    "random_bytes",
    "gzip",
    "zip",
    "remove_column",
    "duplicate_column",
    "swap_columns",
    "formula_cells",
    "out_of_range",
    "impossible_dates",
    "unbalanced_quote",
]


def csv_mutation(rng: random.Random, clean: list[list[str]], delimiter: str) -> tuple[str, bytes]:
    kind = rng.choice(CSV_KINDS)
    rows = [list(r) for r in clean]
    if kind in {"remove_column", "duplicate_column", "swap_columns"}:
        _columns(rng, rows, kind)
    elif kind == "formula_cells":
        _cells(rng, rows, FORMULAS)
    elif kind == "out_of_range":
        _cells(rng, rows, OUT_OF_RANGE)
    elif kind == "impossible_dates":
        _cells(rng, rows, IMPOSSIBLE_DATES)
    newline = {"lf": "\n", "cr": "\r"}.get(kind, "\r\n")
    encoding = {"cp1252": "cp1252", "utf8_bom": "utf-8-sig", "utf16_bom": "utf-16"}.get(
        kind, "utf-16-le" if kind == "utf16_no_bom" else "utf-8"
    )
    data = _write_csv(rows, delimiter, newline, encoding)
    if kind == "mixed_endings":
        lines = data.split(b"\r\n")
        data = b"".join(
            line + rng.choice([b"\r", b"\n", b"\r\n"]) for line in lines[:-1] if line or True
        )
    elif kind == "truncate":
        data = data[: rng.randrange(len(data))]
    elif kind == "random_bytes":
        buffer = bytearray(data)
        for _ in range(rng.randint(1, 12)):
            buffer[rng.randrange(len(buffer))] = rng.randrange(256)
        data = bytes(buffer)
    elif kind == "gzip":
        data = gzip.compress(data)
    elif kind == "zip":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("export.csv", data)
        data = out.getvalue()
    elif kind == "unbalanced_quote":
        lines = data.split(b"\r\n")
        at = rng.randrange(1, len(lines) - 1)
        lines[at] = lines[at] + delimiter.encode() + b'"Jean N\xc3\xba\xc3\xb1ez, LE4 2XT'
        data = b"\r\n".join(lines)
    return kind, data


XLSX_KINDS = [
    "clean",
    "truncate",
    "random_bytes",
    "csv_named_xlsx",
    "remove_column",
    "duplicate_column",
    "swap_columns",
    "formula_cells",
    "out_of_range",
    "impossible_dates",
]


def xlsx_mutation(rng: random.Random, source: Path, header_row: int) -> tuple[str, bytes]:
    kind = rng.choice(XLSX_KINDS)
    workbook = load_workbook(source)
    sheet = workbook.worksheets[0]
    last = sheet.max_row - 1  # the totals row stays last
    width = sheet.max_column
    if kind in {"formula_cells", "out_of_range", "impossible_dates"}:
        values = {"formula_cells": FORMULAS, "out_of_range": OUT_OF_RANGE}.get(
            kind, IMPOSSIBLE_DATES
        )
        for _ in range(rng.randint(1, 6)):
            cell = sheet.cell(rng.randint(header_row + 1, last), rng.randint(1, width))
            cell.value = rng.choice(values)
    elif kind == "remove_column":
        sheet.delete_cols(rng.randint(1, width))
    elif kind in {"swap_columns", "duplicate_column"}:
        a, b = rng.sample(range(1, width + 1), 2)
        if kind == "duplicate_column":
            sheet.cell(header_row, b).value = sheet.cell(header_row, a).value
        else:
            for row in range(header_row, sheet.max_row + 1):
                x, y = sheet.cell(row, a), sheet.cell(row, b)
                x.value, y.value = y.value, x.value
    out = io.BytesIO()
    workbook.save(out)
    data = out.getvalue()
    if kind == "truncate":
        data = data[: rng.randrange(len(data))]
    elif kind == "random_bytes":
        buffer = bytearray(data)
        for _ in range(rng.randint(1, 12)):
            buffer[rng.randrange(len(buffer))] = rng.randrange(256)
        data = bytes(buffer)
    elif kind == "csv_named_xlsx":
        data = b"Case Ref,Logged Date\r\nCAS-1,01/05/2024\r\n"
    return kind, data


# --- the independent counts ---------------------------------------------------------------------


def _blank(value) -> bool:
    if value is None:
        return True
    return all(unicodedata.category(ch) == "Zs" for ch in str(value))


def independent_csv_rows(data: bytes, wanted: list[str], delimiter: str) -> int:
    """Rows below the header with a non-blank mapped cell, read with the csv module."""
    rows = list(csv.reader(io.StringIO(_decode(data), newline=""), delimiter=delimiter))
    header = [c.strip() for c in rows[0]]
    positions = [header.index(c) for c in wanted]
    return sum(1 for r in rows[1:] if any(p < len(r) and not _blank(r[p]) for p in positions))


def independent_xlsx_rows(data: bytes, wanted: list[str], header_row: int, footer) -> int:
    """Rows below the header with a non-blank mapped cell and not the footer, via openpyxl."""
    sheet = load_workbook(io.BytesIO(data), data_only=True).worksheets[0]
    rows = list(sheet.iter_rows(min_row=header_row, values_only=True))
    header = [str(c).strip() if c is not None else "" for c in rows[0]]
    positions = [header.index(c) for c in wanted]
    foot = header.index(footer.column)
    count = 0
    for row in rows[1:]:
        cells = [row[p] if p < len(row) else None for p in positions]
        key = row[foot] if foot < len(row) else None
        is_footer = key is not None and re.match(footer.pattern, str(key).strip())
        if any(not _blank(c) for c in cells) and not is_footer:
            count += 1
    return count


# --- running ------------------------------------------------------------------------------------


def _workspace(tmp_path: Path, shape: Shape) -> Path:
    source = ROOT / "examples" / shape.example
    workspace = tmp_path / shape.example
    (workspace / "mappings").mkdir(parents=True)
    (workspace / "exports").mkdir()
    shutil.copy(source / "landlord.yaml", workspace / "landlord.yaml")
    shutil.copy(source / shape.mapping, workspace / shape.mapping)
    return workspace


def _pii(shape: Shape) -> set[str]:
    if shape.name == "xlsx":
        sheet = load_workbook(ROOT / "examples" / shape.example / shape.export).worksheets[0]
        rows = [
            [str(c) if c is not None else "" for c in r] for r in sheet.iter_rows(values_only=True)
        ]
        header_index = 4
    else:
        rows, _ = _csv_table(shape)
        header_index = 0
    header = rows[header_index]
    cols = [header.index(c) for c in shape.pii_columns if c in header]
    return {r[c] for r in rows[header_index + 1 :] for c in cols if c < len(r) and len(r[c]) > 4}


def _check_refusal(shape: Shape, name: str, kind: str, message: str, pii: set[str]) -> None:
    STATS[f"{shape.name}:refused"] += 1
    MESSAGES.setdefault(f"{shape.name}:{kind}", message[:240])
    problems = []
    if not message.startswith(name + ":") and name not in message:
        problems.append("does not name the file")
    if len(message.split(name, 1)[-1].strip(" :")) <= 10:
        problems.append("does not say what is wrong")
    problems += [f"shows {s!r}" for s in INTERNALS if s in message]
    problems += ["shows a cell's contents" for value in pii if value in message][:1]
    if problems:
        STATS[f"{shape.name}:unclear"] += 1
        FAILURES.append(f"{shape.name} {kind} {name}: {'; '.join(problems)}: {message[:300]}")


def run_shape(tmp_path: Path, shape: Shape, seed: int) -> None:
    rng = random.Random(seed)
    workspace = _workspace(tmp_path, shape)
    mapping = load_mapping(workspace / shape.mapping)
    wanted = mapping.source_columns()
    landlord = load_landlord(workspace)
    pii = _pii(shape)
    files: dict[str, tuple[str, bytes]] = {}
    if shape.name == "xlsx":
        source = ROOT / "examples" / shape.example / shape.export
        for n in range(FILES):
            files[shape.pattern.format(n=n)] = xlsx_mutation(rng, source, mapping.header_row)
    else:
        clean, delimiter = _csv_table(shape)
        for n in range(FILES):
            files[shape.pattern.format(n=n)] = csv_mutation(rng, clean, delimiter)
    for name, (_, data) in files.items():
        (workspace / name).write_bytes(data)
    STATS[f"{shape.name}:files"] += len(files)
    remaining = sorted(files)

    def refuse(name: str, message: str) -> None:
        _check_refusal(shape, name, files[name][0], message, pii)
        (workspace / name).unlink()
        remaining.remove(name)

    for name in list(remaining):  # the ingest's own reader first: one ingest per batch
        try:
            read_source(workspace / name, workspace, mapping, shape.mapping, landlord.thresholds)
        except (IngestError, ConfigError) as exc:
            refuse(name, str(exc))
        except Exception as exc:  # noqa: BLE001 - counted as a crash without a clear message
            STATS[f"{shape.name}:crashed"] += 1
            FAILURES.append(f"{shape.name} {files[name][0]} {name}: {type(exc).__name__}")
            (workspace / name).unlink()
            remaining.remove(name)
    con = duckdb.connect()
    while remaining:
        try:
            ingest_workspace(con, workspace, landlord, KEY)
            break
        except (IngestError, ConfigError) as exc:
            named = [n for n in remaining if n in str(exc)]
            if not named:
                FAILURES.append(f"{shape.name}: an ingest error names no file: {exc}")
                return
            refuse(max(named, key=len), str(exc))
        except Exception as exc:  # noqa: BLE001
            STATS[f"{shape.name}:crashed"] += 1
            FAILURES.append(f"{shape.name}: ingest crashed: {type(exc).__name__}")
            return
    ledger = {
        r[0]: r[1:]
        for r in con.execute(
            "select source_file, rows_in, rows_loaded, rows_quarantined from ingest_file"
        ).fetchall()
    }
    for name in remaining:
        kind, data = files[name]
        rows_in, loaded, quarantined = ledger[name]
        try:
            if shape.name == "xlsx":
                expected = independent_xlsx_rows(data, wanted, mapping.header_row, mapping.footer)
            else:
                expected = independent_csv_rows(data, wanted, mapping.delimiter)
        except Exception as exc:  # noqa: BLE001 - loaded what the independent reader cannot read
            expected = None
            FAILURES.append(f"{shape.name} {kind} {name}: loaded, but unreadable: {exc!r}"[:300])
        STATS[f"{shape.name}:loaded"] += 1
        STATS[f"{shape.name}:rows_in"] += rows_in
        lost = abs((expected or 0) - rows_in) + abs(rows_in - loaded - quarantined)
        if expected is None or lost:
            STATS[f"{shape.name}:rows_lost"] += lost
            FAILURES.append(
                f"{shape.name} {kind} {name}: rows in {rows_in}, independent count {expected}, "
                f"loaded {loaded} + quarantined {quarantined}"
            )
    text = " ".join(
        str(v)
        for (v,) in con.execute(
            "select coalesce(raw_value, '') || ' ' || message from quarantine"
        ).fetchall()
    )
    leaked = sorted(value for value in pii if value in text)
    if leaked:
        FAILURES.append(f"{shape.name}: quarantine shows source cells: {leaked[:3]}")


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_fuzz_shape(tmp_path, shape):
    run_shape(tmp_path, SHAPES[shape], seed=17 + sorted(SHAPES).index(shape))
    mine = [f for f in FAILURES if f.startswith(shape)]
    assert STATS[f"{shape}:files"] == FILES
    assert STATS[f"{shape}:loaded"] + STATS[f"{shape}:refused"] + STATS[f"{shape}:crashed"] == FILES
    assert STATS[f"{shape}:loaded"] > 0 and STATS[f"{shape}:refused"] > 0  # both outcomes seen
    assert not mine, "\n".join(mine[:10])


def test_fuzz_figures():
    """The figures docs/security.md reports (printed with -s; written to $COMPLAINTS_FUZZ_STATS)."""
    if not STATS:
        pytest.skip("run with the shape tests to count")
    figures = {
        "files_tried": sum(v for k, v in STATS.items() if k.endswith(":files")),
        "loaded_and_reconciled": sum(v for k, v in STATS.items() if k.endswith(":loaded")),
        "stopped_with_a_message_naming_the_file": sum(
            v for k, v in STATS.items() if k.endswith(":refused")
        )
        - sum(v for k, v in STATS.items() if k.endswith(":unclear")),
        "crashes_without_a_clear_message": sum(
            v for k, v in STATS.items() if k.endswith((":crashed", ":unclear"))
        ),
        "rows_lost": sum(v for k, v in STATS.items() if k.endswith(":rows_lost")),
        "by_shape": dict(sorted(STATS.items())),
    }
    print("\nfuzz figures:", json.dumps(figures, indent=1))
    for kind, message in sorted(MESSAGES.items()):
        print(f"  {kind}: {message}")
    if STATS_FILE:
        Path(STATS_FILE).write_text(json.dumps(figures, indent=1), encoding="utf-8")
    assert figures["crashes_without_a_clear_message"] == 0
    assert figures["rows_lost"] == 0
