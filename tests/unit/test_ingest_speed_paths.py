"""The fast paths of the ingest projection give exactly what the plain SQL they replace gives."""

from __future__ import annotations

import duckdb
import polars as pl

from pipeline.ingest import _frames_table
from pipeline.pseudonymise import pseudonymise, pseudonymise_expr
from pipeline.sources.frames import SourceFrame


def test_polars_trim_matches_duckdb_trim():
    """Cells are trimmed in Polars with SPACE_SEPARATORS: the set DuckDB's trim() strips."""
    chars = [chr(i) for i in range(0x3100) if not 0xD800 <= i < 0xE000]
    frame = pl.DataFrame({"x": [f"{c}a{c}" for c in chars] + [" \t a \u00a0", "  ", "", None]})
    con = duckdb.connect()
    expected = [r[0] for r in con.execute("select nullif(trim(x), '') from frame").fetchall()]
    source = SourceFrame("f.csv", "0", frame.with_row_index("__row").rename({"x": "s0"}), "utf-8")
    got = _frames_table([source])["s0"].to_list()
    assert got == expected
    assert got[chars.index("\t")] == "\ta\t"  # tabs are not trimmed (DuckDB keeps them)
    assert got[chars.index("\u3000")] == "a"


def test_frames_table_keeps_rows_and_footer_cell():
    """Chunking for a parallel scan keeps every row; the footer cell is trimmed, not nulled."""
    n = 300_000
    frame = pl.DataFrame({"__row": range(2, n + 2), "s0": [" x "] * (n - 1) + ["  "]})
    table = _frames_table([SourceFrame("f.csv", "0", frame, "utf-8")], footer="s0")
    assert table.height == n and table.n_chunks() > 1
    assert table["__row"].to_list() == list(range(2, n + 2))
    assert table["s0"][0] == "x" and table["s0"][-1] is None
    assert table["__footer"][-1] == "" and set(table["__file"].unique()) == {"f.csv"}


def test_pseudonymise_trimmed_matches_python():
    """The no-retrim SQL (cells already trimmed, blank = null) hashes as the Python twin."""
    con = duckdb.connect()
    values = ["CMP-001", "cmp-001", "a|b", None]
    rows = con.execute(
        f"select {pseudonymise_expr('x', '$k', trimmed=True)} from unnest($v) t(x)",  # noqa: S608
        {"k": "key", "v": values},
    ).fetchall()
    assert [r[0] for r in rows] == [pseudonymise(v, "key") for v in values]
