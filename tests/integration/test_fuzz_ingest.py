"""Fuzz the ingest with hostile and broken exports: nothing is lost, nothing fails unexplained.

Every mutated export either loads with each of its rows accounted for (``ingest_file``: rows in =
loaded + quarantined, and rows in equal to an independent count made here with Python's ``csv``
module), or stops the run with an ``IngestError``/``ConfigError`` whose message names the file.
Any other exception (an unexplained traceback) or any difference in counts fails the test.

The workspace is a small copy of ``examples/housing21`` (the wide ERICA complaints mapping only)
in ``tmp_path``. To keep CI fast each Hypothesis example is a *batch* of mutated files ingested
together (one ingest for many cases; a refused file is set aside and the rest ingested again), and
the run is derandomised (fixed seed). Counts: ``FILES_PER_BATCH`` x ``max_examples`` per family.

Longer run (see docs/security.md)::

    COMPLAINTS_FUZZ_EXAMPLES=300 uv run pytest tests/integration/test_fuzz_ingest.py -q
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import shutil
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from pipeline.config import ConfigError, load_landlord
from pipeline.ingest import ingest_workspace
from pipeline.mapping import load_mapping
from pipeline.sources.errors import IngestError
from pipeline.sources.frames import read_source

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "examples" / "housing21"
MAPPING = "mappings/erica_complaints.yaml"
EXPORT = "exports/erica_complaints_2024-25.csv"
FILES_PER_BATCH = int(os.environ.get("COMPLAINTS_FUZZ_FILES_PER_BATCH", "40"))
ROWS_PER_FILE = 5
EXAMPLES = int(os.environ.get("COMPLAINTS_FUZZ_EXAMPLES", "9"))
KEY = "fuzz-key"

FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,  # fixed seed: the same cases on every run and in CI
    deadline=None,
    database=None,
    print_blob=True,
    # No shrinking: a failing batch is kept on disk (the message names it), which is quicker to
    # read than a shrunk example of several hundred kilobytes.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

STATS: Counter = Counter()
MESSAGES: dict[str, str] = {}  # one refusal message per mutation kind, printed at the end


# --- the source rows ----------------------------------------------------------------------------


def _source() -> tuple[list[str], list[list[str]]]:
    text = (SOURCE / EXPORT).read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1 : 1 + FILES_PER_BATCH * ROWS_PER_FILE]


csv.field_size_limit(2**31 - 1)  # huge cells are part of the fuzz
HEADER, ROWS = _source()
WANTED = load_mapping(SOURCE / MAPPING).source_columns()
NCOLS = len(HEADER)


def _serialise(
    header: list[str],
    rows: list[list[str]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8-sig",
    newline: str = "\r\n",
) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


# --- mutations ----------------------------------------------------------------------------------
# A mutation turns the clean rows of one file into the bytes written; each is drawn by Hypothesis.

HOSTILE_VALUES = [
    "#N/A",
    "#VALUE!",
    "#REF!",
    "#DIV/0!",
    "#NAME?",
    "#NUM!",
    "#NULL!",
    "N/A",
    "null",
    "NULL",
    "None",
    "-",
    "?",
    "31/02/2024",
    "30/02/2025",
    "2024-13-01",
    "00/00/0000",
    "01/02/03",
    "1/2/2024",
    "2024/04/01",
    "04/01/2024",
    "12/31/2024",
    "1st April 2024",
    "01-Apr-2024",
    "45000",
    "45000.5",
    "-1",
    "0",
    "99999999",
    "1e309",
    "NaN",
    "inf",
    "TRUE",
    "yes",
    "Y",
    "n",
    "£1,234.56",
    "1,234",
    "12 days",
    "ten",
    '=HYPERLINK("http://x")',
    "=cmd|' /C calc'!A0",
    "+44 7700 900000",
    "@SUM(A1)",
    "<script>alert(1)</script>",
    "Robert'); DROP TABLE complaint;--",
    "' OR 1=1 --",
    "\u202e\u0644\u0627",
    "😀",
    "café",
    "\u00a0",
    "   ",
    "a\nb",
    'say "hi"',
    "x,y;z|w\tv",
    "\\",
    "%s%n",
    "{{7*7}}",
    "${jndi:ldap://x}",
    "01/04/2024 25:61",
    "01/04/2024 10:00:00.000",
    "2024-04-01T10:00:00Z",
]
DATE_FORMATS = ["%d/%m/%Y", "%m/%d/%Y", "%Y-%m-%d", "%d/%m/%y", "%d.%m.%Y", "%d %B %Y"]
CELL_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=40,
)
CELL_VALUES = st.one_of(
    st.sampled_from(HOSTILE_VALUES),
    CELL_TEXT,
    st.integers(-(10**12), 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.tuples(st.dates(), st.sampled_from(DATE_FORMATS)).map(lambda t: t[0].strftime(t[1])),
    st.integers(10_000, 200_000).map(lambda n: "x" * n),  # huge cell
)


@dataclass(frozen=True)
class Mutation:
    """One hostile export: a kind (for the statistics) and the bytes written."""

    kind: str
    data: bytes

    def __repr__(self) -> str:
        digest = hashlib.sha256(self.data).hexdigest()[:12]
        return f"Mutation({self.kind!r}, {len(self.data)} bytes, sha256 {digest}...)"


@st.composite
def cell_mutation(draw, rows: list[list[str]]) -> Mutation:
    rows = [list(r) for r in rows]
    edits = draw(
        st.lists(
            st.tuples(st.integers(0, len(rows) - 1), st.integers(0, NCOLS - 1), CELL_VALUES),
            min_size=1,
            max_size=8,
        )
    )
    for row, column, value in edits:
        rows[row][column] = value
    return Mutation("cells", _serialise(HEADER, rows))


@st.composite
def structure_mutation(draw, rows: list[list[str]]) -> Mutation:
    header, rows = list(HEADER), [list(r) for r in rows]
    kind = draw(
        st.sampled_from(
            [
                "shuffle_columns",
                "drop_columns",
                "extra_columns",
                "duplicate_header",
                "blank_lines",
                "ragged_rows",
                "header_only",
                "header_case",
                "header_spaces",
                "line_endings",
                "repeated_header",
                "title_rows",
                "totals_row",
            ]
        )
    )
    newline = "\r\n"
    if kind == "shuffle_columns":
        order = draw(st.permutations(range(NCOLS)))
        header = [header[i] for i in order]
        rows = [[r[i] for i in order] for r in rows]
    elif kind == "drop_columns":
        gone = set(draw(st.lists(st.integers(0, NCOLS - 1), min_size=1, max_size=4)))
        header = [h for i, h in enumerate(header) if i not in gone]
        rows = [[c for i, c in enumerate(r) if i not in gone] for r in rows]
    elif kind == "extra_columns":
        extra = draw(st.lists(st.text(min_size=1, max_size=12).filter(str.strip), max_size=30))
        values = draw(st.lists(CELL_VALUES, min_size=len(extra), max_size=len(extra)))
        at = draw(st.integers(0, NCOLS))
        header = header[:at] + extra + header[at:]
        rows = [r[:at] + values + r[at:] for r in rows]
    elif kind == "duplicate_header":
        source, target = draw(st.integers(0, NCOLS - 1)), draw(st.integers(0, NCOLS - 1))
        header[target] = header[source]
    elif kind == "blank_lines":
        for at in sorted(draw(st.lists(st.integers(0, len(rows)), max_size=5)), reverse=True):
            rows.insert(at, draw(st.sampled_from([[], [""] * NCOLS, [" "] * NCOLS])))
    elif kind == "ragged_rows":
        for index in draw(st.lists(st.integers(0, len(rows) - 1), min_size=1, max_size=5)):
            width = draw(st.integers(1, NCOLS + 10))
            rows[index] = (rows[index] + ["extra"] * 10)[:width]
    elif kind == "header_only":
        rows = []
    elif kind == "header_case":
        index = draw(st.integers(0, NCOLS - 1))
        header[index] = header[index].upper()
    elif kind == "header_spaces":
        index = draw(st.integers(0, NCOLS - 1))
        header[index] = f"  {header[index]}\u00a0 "
    elif kind == "line_endings":
        newline = draw(st.sampled_from(["\n", "\r", "\r\n", "\n\r"]))
    elif kind == "repeated_header":
        rows.insert(draw(st.integers(0, len(rows))), list(header))
    elif kind == "title_rows":
        title = draw(st.lists(st.text(max_size=20), min_size=1, max_size=3))
        data = _serialise(header, rows)
        prefix = "".join(f"{t}\r\n" for t in title).encode("utf-8")
        return Mutation(kind, prefix + data)
    elif kind == "totals_row":
        rows.append(["Total", str(len(rows))] + [""] * (NCOLS - 2))
    return Mutation(kind, _serialise(header, rows, newline=newline))


@st.composite
def bytes_mutation(draw, rows: list[list[str]]) -> Mutation:
    clean = _serialise(HEADER, rows)
    kind = draw(
        st.sampled_from(
            [
                "truncate",
                "wrong_delimiter",
                "encoding",
                "mixed_encoding",
                "bom_then_cp1252",
                "byte_flips",
                "nul_bytes",
                "empty",
                "unbalanced_quote",
                "xlsx_named_csv",
                "utf16",
            ]
        )
    )
    if kind == "truncate":
        return Mutation(kind, clean[: draw(st.integers(0, len(clean)))])
    if kind == "wrong_delimiter":
        delimiter = draw(st.sampled_from([";", "\t", "|", " "]))
        return Mutation(kind, _serialise(HEADER, rows, delimiter=delimiter))
    if kind == "encoding":
        encoding = draw(st.sampled_from(["cp1252", "latin-1", "utf-8", "utf-8-sig"]))
        rows = [list(r) for r in rows]
        rows[0][draw(st.integers(0, NCOLS - 1))] = "£50 café – “quoted”"
        return Mutation(kind, _serialise(HEADER, rows, encoding=encoding))
    if kind == "mixed_encoding":
        # A UTF-8 file with one line saved as cp1252 (two exports pasted together).
        lines = clean.split(b"\r\n")
        at = draw(st.integers(1, max(1, len(lines) - 2)))
        lines[at] = lines[at].decode("utf-8").replace("a", "é", 1).encode("cp1252", "replace")
        return Mutation(kind, b"\r\n".join(lines))
    if kind == "bom_then_cp1252":
        return Mutation(kind, codecs.BOM_UTF8 + "£".encode("cp1252") + clean[3:])
    if kind == "byte_flips":
        data = bytearray(clean)
        for at, value in draw(
            st.lists(st.tuples(st.integers(0, len(data) - 1), st.integers(1, 255)), max_size=10)
        ):
            data[at] = value
        return Mutation(kind, bytes(data))
    if kind == "nul_bytes":
        at = draw(st.integers(0, len(clean)))
        return Mutation(kind, clean[:at] + b"\x00" + clean[at:])
    if kind == "empty":
        return Mutation(
            kind, draw(st.sampled_from([b"", b"   \r\n", codecs.BOM_UTF8, b"\r\n\r\n"]))
        )
    if kind == "unbalanced_quote":
        lines = clean.split(b"\r\n")
        at = draw(st.integers(1, max(1, len(lines) - 2)))
        lines[at] = b'"' + lines[at]
        return Mutation(kind, b"\r\n".join(lines))
    if kind == "xlsx_named_csv":
        return Mutation(kind, b"PK\x03\x04" + bytes(draw(st.binary(max_size=200))))
    return Mutation(kind, clean.decode("utf-8-sig").encode("utf-16"))


# --- the independent count ----------------------------------------------------------------------


def _blank(cell: str) -> bool:
    # The ingest trims with DuckDB's trim(), which removes space separators (category Zs) only.
    return all(unicodedata.category(ch) == "Zs" for ch in cell)


def _position(header: list[str], name: str) -> int:
    """The mapped name's column: its first occurrence, as the reader uses, else the one cell
    that is the name in another case (two such cells stop the file before it is counted)."""
    if name in header:
        return header.index(name)
    return next(i for i, cell in enumerate(header) if cell.casefold() == name.casefold())


def independent_rows_in(data: bytes) -> int:
    """Data rows in ``data`` counted with the csv module: rows below the header with at least
    one non-blank cell in a mapped column (how design.md counts rows in; blank rows carry
    nothing). Decoding follows the mapping's ``encoding: auto`` (UTF-16 with a BOM, UTF-8 with
    or without BOM, else cp1252)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16")  # "Unicode Text" with its byte-order mark is read
    elif data.startswith(codecs.BOM_UTF8):
        text = data[3:].decode("utf-8")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = [c.strip() for c in rows[0]]
    positions = [_position(header, c) for c in WANTED]
    return sum(1 for row in rows[1:] if any(p < len(row) and not _blank(row[p]) for p in positions))


# --- running a batch ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def landlord():
    return load_landlord(SOURCE)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "mappings").mkdir()
    (tmp_path / "exports").mkdir()
    shutil.copy(SOURCE / "landlord.yaml", tmp_path / "landlord.yaml")
    shutil.copy(SOURCE / MAPPING, tmp_path / MAPPING)
    return tmp_path


def _file_named(message: str, names: list[str]) -> str | None:
    named = [n for n in names if n in message]
    return max(named, key=len) if named else None


def run_batch(workspace: Path, landlord, mutations: list[Mutation]) -> None:
    """Write the files, ingest, set aside each refused file (its message must name it) and
    ingest the rest again; then check every loaded file's counts."""
    exports = workspace / "exports"
    for old in exports.iterdir():
        old.unlink()
    names = {}
    for index, mutation in enumerate(mutations):
        name = f"exports/erica_complaints_fuzz_{index:02d}.csv"
        (workspace / name).write_bytes(mutation.data)
        names[name] = mutation
    remaining = sorted(names)

    def refuse(exc: Exception) -> None:
        message = str(exc)
        name = _file_named(message, remaining)
        assert name is not None, f"error names no file: {message!r} ({workspace})"
        problem = message.split(name, 1)[1].strip(" :")
        assert len(problem) > 10, f"error names the file but not the problem: {message!r}"
        STATS[f"refused:{names[name].kind}"] += 1
        MESSAGES.setdefault(names[name].kind, message[:300])
        (workspace / name).unlink()
        remaining.remove(name)

    # Screen each file with the ingest's own reader first (one ingest per batch, not one per
    # refused file); the ingest below still handles any refusal the reader did not raise.
    mapping = load_mapping(workspace / MAPPING)
    for name in list(remaining):
        try:
            read_source(workspace / name, workspace, mapping, MAPPING)
        except (IngestError, ConfigError) as exc:
            refuse(exc)
        except Exception as exc:
            raise AssertionError(
                f"unexplained {type(exc).__name__} reading {workspace / name}: {exc}"
            ) from exc
    if not remaining:
        return
    con = duckdb.connect()
    try:
        while True:
            try:
                summary = ingest_workspace(con, workspace, landlord, KEY)
                break
            except (IngestError, ConfigError) as exc:
                refuse(exc)
                if not remaining:
                    return
            except Exception as exc:  # an unexplained traceback: keep the batch for a look
                raise AssertionError(
                    f"unexplained {type(exc).__name__} ingesting the batch in {workspace}: {exc}"
                ) from exc
        ledger = {
            row[0]: row[1:]
            for row in con.execute(
                "select source_file, rows_in, rows_loaded, rows_quarantined from ingest_file"
            ).fetchall()
        }
        assert sorted(ledger) == remaining, "a readable file is missing from ingest_file"
        for name in remaining:
            rows_in, loaded, quarantined = ledger[name]
            expected = independent_rows_in(names[name].data)
            assert rows_in == expected, (
                f"{workspace / name} ({names[name].kind}): ingest counted {rows_in} rows in, "
                f"the csv module {expected}"
            )
            assert rows_in == loaded + quarantined, (
                f"{workspace / name} ({names[name].kind}): {rows_in} in != {loaded} loaded + "
                f"{quarantined} quarantined"
            )
            STATS[f"loaded:{names[name].kind}"] += 1
        assert summary.reconciles
    finally:
        con.close()


def _slices() -> list[list[list[str]]]:
    return [ROWS[i * ROWS_PER_FILE : (i + 1) * ROWS_PER_FILE] for i in range(FILES_PER_BATCH)]


def _batch(family) -> st.SearchStrategy[list[Mutation]]:
    return st.tuples(*[family(rows) for rows in _slices()]).map(list)


# --- the fuzz families --------------------------------------------------------------------------


FAMILIES_RUN: list[str] = []


def _run_family(workspace, landlord, family) -> None:
    """Run one family's batches; each family must really have run its files (not skipped)."""
    before = sum(STATS.values())

    @FUZZ_SETTINGS
    @given(batch=_batch(family))
    def run(batch):
        run_batch(workspace, landlord, batch)

    run()
    FAMILIES_RUN.append(family.__name__)
    assert sum(STATS.values()) - before >= EXAMPLES * FILES_PER_BATCH * 0.9


def test_fuzz_hostile_cells(workspace, landlord):
    _run_family(workspace, landlord, cell_mutation)


def test_fuzz_broken_structure(workspace, landlord):
    _run_family(workspace, landlord, structure_mutation)


def test_fuzz_broken_bytes_and_encodings(workspace, landlord):
    _run_family(workspace, landlord, bytes_mutation)


def test_fuzz_case_count():
    """The families that ran in this process ran their files (three together: over 1,000)."""
    total = sum(STATS.values())
    if total == 0:
        pytest.skip("run with the fuzz families to count cases")
    print(f"\nfuzz cases: {total} files; by outcome and kind: {dict(sorted(STATS.items()))}")
    for kind, message in sorted(MESSAGES.items()):
        print(f"  refused ({kind}): {message}")
    # Test workers may split the families between processes; each counts where it ran.
    assert total >= len(FAMILIES_RUN) * EXAMPLES * FILES_PER_BATCH * 0.9


# --- cases found by the fuzz, pinned --------------------------------------------------------------


def test_duplicated_mapped_header_is_refused(workspace, landlord):
    """A mapped column name twice in the header: refuse, never guess which one is meant.

    Found by the duplicate_header mutation: with the personal-data column 'Complainant Name'
    renamed to 'S1 Response Date', the reader took the first of the two columns, so residents'
    names were read as response dates and copied into quarantine.raw_value (and quarantine.csv).
    """
    header = list(HEADER)
    header[HEADER.index("Complainant Name")] = "S1 Response Date"
    name = "exports/erica_complaints_dup.csv"
    (workspace / name).write_bytes(_serialise(header, ROWS[:5]))
    con = duckdb.connect()
    with pytest.raises(IngestError, match=r"erica_complaints_dup\.csv: .*'S1 Response Date'"):
        ingest_workspace(con, workspace, landlord, KEY)
    names = [row[HEADER.index("Complainant Name")] for row in ROWS[:5]]
    quarantined = (
        con.execute("select raw_value from quarantine").fetchall()
        if con.execute(
            "select count(*) from duckdb_tables() where table_name = 'quarantine'"
        ).fetchone()[0]
        else []
    )
    assert not any(value in names for (value,) in quarantined)
