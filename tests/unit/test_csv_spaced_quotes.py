"""CSV cells quoted after a space that hold the delimiter (``L001, "Repairs, damp", ...``).

A report writer that joins cells with ', ' and quotes them: CSV reads a quote as quoting only
at the very start of a cell, so a quoted cell holding a comma was split in two and every cell
after it moved one column right (the row quarantined as having too many cells, or loaded with
its dates in the wrong columns). Such a row reads as the plain export's row does.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "ingest"))

import workspaces as ws  # noqa: E402

from pipeline.config import load_landlord  # noqa: E402
from pipeline.ingest import ingest_workspace  # noqa: E402
from pipeline.sources.csv_reader import read_csv_text  # noqa: E402

TABLES = ("complaint", "complaint_stage", "non_complaint", "ombudsman_case")


def _ingest(root: Path):
    con = duckdb.connect()
    return con, ingest_workspace(con, root, load_landlord(root), ws.KEY)


def _with_commas(root: Path, spaced: bool) -> Path:
    """The long fixture with categories holding a comma, joined with ', ' when ``spaced``."""
    ws.long_workspace(root)
    path = root / "exports" / "stage_events.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows = [[c.replace("Repairs", "Repairs, damp") for c in row] for row in rows]

    def line(cells: list[str]) -> str:
        quoted = ['"' + c.replace('"', '""') + '"' if c else "" for c in cells]
        return quoted[0] + "".join(f", {c}" for c in quoted[1:]) if spaced else ",".join(quoted)

    path.write_text("\n".join(map(line, rows)) + "\n", encoding="utf-8")
    return root


def _rules(con) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for row, rule in con.execute("select source_row, rule from quarantine").fetchall():
        out.setdefault(row, set()).add(rule)
    return out


def test_a_spaced_quoted_cell_holding_the_delimiter_keeps_the_row_whole(tmp_path):
    con, summary = _ingest(_with_commas(tmp_path / "plain", spaced=False))
    con_spaced, spaced = _ingest(_with_commas(tmp_path / "spaced", spaced=True))
    assert 'Repairs, damp", "' in (tmp_path / "spaced/exports/stage_events.csv").read_text()
    assert spaced.reconciles
    assert [f.rows_in for f in spaced.files] == [f.rows_in for f in summary.files]
    assert _rules(con_spaced) == _rules(con) == ws.LONG_EXPECTED
    for table in TABLES:
        query = f"select * from {table} order by all"  # noqa: S608 - names from TABLES
        assert con_spaced.execute(query).fetchall() == con.execute(query).fetchall(), table
    categories = {c for (c,) in con_spaced.execute("select category from complaint").fetchall()}
    assert "Repairs, damp" in categories


@pytest.mark.parametrize(
    ("text", "cells"),
    [
        # a quote opening after a space, a delimiter and a doubled quote inside
        ('a,b,c\n1, "x, y", 3\n', [("1", "x, y", " 3")]),
        ('a,b,c\n1,  "x, ""q"", y",3\n', [("1", 'x, "q", y', "3")]),
        ('a;b;c\n1; "x; y";3\n', [("1", "x; y", "3")]),
        # a line break inside such a cell stays in the cell, one record
        ('a,b,c\n1, "x,\ny", 3\n2,p,q\n', [("1", "x,\ny", " 3"), ("2", "p", "q")]),
        # spaces after the closing quote too (cells joined with ' , '), and at the line's end
        ('a,b,c\n1 , "x, y" , 3\n', [("1 ", "x, y", " 3")]),
        ('a,b,c\n1,"x, y" ,3\n', [("1", "x, y", "3")]),
        ('a,b,c\r\n1,2, "x, y"  \r\n', [("1", "2", "x, y")]),
        # another quote inside a plain cell elsewhere in the file
        ('a,b,c\n1, "x, y",3\n2,p "q" r,q\n', [("1", "x, y", "3"), ("2", 'p "q" r', "q")]),
    ],
)
def test_spaced_quoted_cells_read_whole(text, cells):
    delimiter = ";" if ";" in text else ","
    frame, _, width = read_csv_text(
        text.encode(), delimiter=delimiter, header_row=1, shown="f.csv", wanted=["a", "b", "c"]
    )
    assert width == 3
    assert frame["__cells"].is_null().all()
    assert frame.select("a", "b", "c").rows() == cells


def test_a_spaced_quoted_cell_that_cannot_be_read_whole_is_marked_not_shifted():
    """Text after the closing quote (``"x, y" z``): not a quoted cell, so read as CSV reads it,
    and the row, one cell too long, is marked for quarantine (``wrong_cell_count``) with its
    number of cells, never loaded with its cells moved a column right."""
    text = b'a,b,c\n1, "x, y" z,3\n2,p,q\n'
    frame, _, _ = read_csv_text(
        text, delimiter=",", header_row=1, shown="f.csv", wanted=["a", "b", "c"]
    )
    assert frame.select("__row", "__cells").rows() == [(2, 4), (3, None)]
