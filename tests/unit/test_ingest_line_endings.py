"""Every line ending is read as the file's rows, checked against an independent record count;
files of the wrong kind stop with a message naming the file and never quoting a cell."""

from __future__ import annotations

import csv
import gzip
import io
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "ingest"))

import workspaces as ws  # noqa: E402

from pipeline.config import load_landlord  # noqa: E402
from pipeline.ingest import IngestError, ingest_workspace  # noqa: E402
from pipeline.sources import csv_reader  # noqa: E402
from pipeline.sources.csv_reader import count_records, read_csv_text  # noqa: E402

EXPORT = "complaints_2024.csv"


def _csv_module_count(data: bytes) -> int:
    return sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


@pytest.mark.parametrize(
    "data",
    [
        b"a,b\n1,2\n3,4\n",
        b"a,b\r\n1,2\r\n3,4\r\n",
        b"a,b\r1,2\r3,4\r",
        b"a,b\r\n1,2\r3,4\n5,6\r\n7,8",  # mixed, no final line ending
        b'a,b\n1,"x\ny"\n2,"p\r\nq"\n3,"r\rs"\n',  # line endings inside quoted cells
        b'a,b\n1,"say ""hi"""\n2,""\n',  # doubled quotes, empty quoted cell
        b"a,b\n1,2\n\n\r\n3,4\n\n",  # blank lines are records too
        b'a,b\n1,x"y\n3,4\n',  # a stray quote: counted by the csv module
        b"a,b",
    ],
    ids=["lf", "crlf", "cr", "mixed", "quoted", "doubled", "blank", "stray", "header-only"],
)
def test_independent_count_agrees_with_the_csv_module(data):
    assert count_records(data, ",").records == _csv_module_count(data)


def test_the_count_finds_an_unclosed_and_a_stray_quote_by_row():
    assert count_records(b'a,b\n1,2\n3,"open\n4,5\n', ",").unclosed_row == 3
    assert count_records(b'a,b\n1,2\n3,x"y\n', ",").stray_quote_row == 3


def _loads_as_the_clean_export(tmp_path: Path, export: bytes) -> None:
    """``export`` in the wide workspace reconciles and reads, loads and quarantines the rows the
    clean export does."""
    root = ws.wide_workspace(tmp_path)
    (root / "exports" / EXPORT).write_bytes(export)
    summary = ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    baseline = ingest_workspace(
        duckdb.connect(), ws.wide_workspace(tmp_path / "base"), load_landlord(root), ws.KEY
    )
    assert summary.reconciles
    assert baseline.rows_in > 0
    assert (summary.rows_in, summary.rows_loaded, summary.rows_quarantined) == (
        baseline.rows_in,
        baseline.rows_loaded,
        baseline.rows_quarantined,
    )


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_line_ending_reads_every_row(tmp_path, newline):
    _loads_as_the_clean_export(tmp_path, ws.wide_csv_bytes("cp1252", newline=newline))


def test_mixed_line_endings_lose_no_row(tmp_path):
    lines = ws.wide_csv_bytes("cp1252", newline="\n").split(b"\n")
    # Two exports pasted together on a Mac: every third line ends with a bare CR.
    mixed = b"".join(line + (b"\r" if i % 3 == 1 else b"\n") for i, line in enumerate(lines[:-1]))
    _loads_as_the_clean_export(tmp_path, mixed)


@pytest.mark.parametrize("tail", [b"\r\n\x1a", b"\r\n\x1a\r\n", b"\x1a", b"\r\n\x1a\x1a"])
def test_a_dos_end_of_file_mark_is_no_row(tmp_path, tail):
    """A Ctrl-Z after the last line (DOS-era exporters) ends the file: it was counted in and
    quarantined as a ragged row, a complaint the file never held (third hostile audit)."""
    clean = ws.wide_csv_bytes("cp1252")
    _loads_as_the_clean_export(tmp_path, clean.rstrip(b"\r\n") + tail)


def test_a_ctrl_z_inside_the_file_is_a_cell_not_the_end():
    data = b"a,b\r\n1,\x1a\r\n3,4\r\n"
    frame, _, _ = read_csv_text(data, delimiter=",", header_row=1, shown="x.csv", wanted=["a", "b"])
    assert frame.select("a", "b").rows() == [("1", "\x1a"), ("3", "4")]


@pytest.mark.parametrize(
    ("line", "nuls", "far_below", "shown"),
    [
        (3, 1, False, "line 3 holds a NUL byte,"),
        (3, 1, True, "line 3 holds a NUL byte (2 in all),"),  # the second past the first 4 KB
        (9000, 2, False, "line 9000 holds a NUL byte (2 in all),"),
    ],
)
def test_a_stray_nul_byte_names_its_line(tmp_path, line, nuls, far_below, shown):
    """A NUL in one cell of a text export (near the top, or far past the first 4 KB) was refused
    as binary data ("is it an XLSX saved with a .csv name?") without a line to look at (third
    hostile audit)."""
    root = ws.wide_workspace(tmp_path)
    lines = ws.wide_csv_bytes("cp1252").split(b"\r\n")
    lines += [lines[1]] * (line - len(lines) + 1)
    lines[line - 1] = lines[line - 1][:3] + b"\x00" * nuls + lines[line - 1][3:]
    if far_below:
        lines += [lines[1]] * 400 + [b"\x00" + lines[1]]
    (root / "exports" / EXPORT).write_bytes(b"\r\n".join(lines))
    with pytest.raises(IngestError) as refused:
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    message = str(refused.value)
    assert message.startswith(f"exports/{EXPORT}: {shown} an invisible character")
    assert "XLSX" not in message and "UTF-16" not in message


def test_a_reader_that_merges_rows_stops_the_file(monkeypatch):
    # Without the line-ending fix, Polars reads a CR-only file as one row: the independent
    # count must catch that, whatever the reader's reason.
    monkeypatch.setattr(csv_reader, "normalise_line_endings", lambda data: data)
    with pytest.raises(IngestError, match=r"^exports/x.csv: 0 rows were read .* 3 records"):
        read_csv_text(
            b"a,b\r1,2\r3,4\r5,6\r",
            delimiter=",",
            header_row=1,
            shown="exports/x.csv",
            wanted=["a", "b"],
        )


def test_utf16_with_a_byte_order_mark_is_read(tmp_path):
    root = ws.wide_workspace(tmp_path)
    text = ws.wide_csv_bytes("utf-8", newline="\r\n").decode("utf-8")
    (root / "exports" / EXPORT).write_bytes(text.encode("utf-16"))
    summary = ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    assert summary.reconciles and summary.rows_loaded > 0


def _zip(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("export.csv", data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (gzip.compress, "is a gzip-compressed file, not a CSV"),
        (_zip, "is a zip archive or an XLSX workbook, not a CSV"),
        (
            lambda d: d.decode("cp1252").encode("utf-16-le"),
            r"is not a text CSV file \(it contains NUL bytes: UTF-16",
        ),
        (lambda d: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + d, r"is an old Excel \(.xls\) workbook"),
    ],
    ids=["gzip", "zip", "utf16-no-bom", "xls"],
)
def test_files_of_another_kind_name_the_file(tmp_path, mutate, problem):
    root = ws.wide_workspace(tmp_path)
    path = root / "exports" / EXPORT
    path.write_bytes(mutate(path.read_bytes()))
    with pytest.raises(IngestError, match=rf"^exports/{EXPORT}: {problem}"):
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)


def test_an_xls_saved_as_xlsx_is_named(tmp_path):
    root = ws.xlsx_workspace(tmp_path)
    path = next((root / "exports").glob("*.xlsx"))
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    shown = path.relative_to(root).as_posix()
    with pytest.raises(IngestError, match=rf"^{shown}: is an old Excel \(.xls\) workbook"):
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)


# An XLSX workbook saved with a password (File > Info > Protect Workbook > Encrypt with
# Password) is an OLE2 file holding the encrypted package, as an old .xls is: it was named an old
# .xls, and saved again as .xlsx (the advice) it stayed encrypted and gave the same message.
# tests/fixtures/ingest/password_protected.xlsx: two synthetic cells, encrypted by msoffcrypto-tool.
LOCKED = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "password_protected.xlsx"


def test_a_password_protected_workbook_is_named_as_such(tmp_path):
    root = ws.xlsx_workspace(tmp_path)
    path = next((root / "exports").glob("*.xlsx"))
    path.write_bytes(LOCKED.read_bytes())
    shown = path.relative_to(root).as_posix()
    with pytest.raises(IngestError) as caught:
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    message = str(caught.value)
    assert message.startswith(f"{shown}: is protected with a password")
    assert "remove the password" in message and "old Excel" not in message
    # named .csv by a CSV mapping, it is named the same way
    root = ws.wide_workspace(tmp_path / "csv")
    (root / "exports" / EXPORT).write_bytes(LOCKED.read_bytes())
    with pytest.raises(
        IngestError, match=rf"^exports/{EXPORT}: is a workbook protected with a password"
    ):
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.95])
def test_a_corrupt_workbook_names_the_file(tmp_path, cut):
    root = ws.xlsx_workspace(tmp_path)
    path = next((root / "exports").glob("*.xlsx"))
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * cut)])
    shown = path.relative_to(root).as_posix()
    with pytest.raises(IngestError, match=rf"^{shown}: is not a readable XLSX workbook"):
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)


def test_an_unbalanced_quote_names_the_row_not_its_contents(tmp_path):
    root = ws.wide_workspace(tmp_path)
    path = root / "exports" / EXPORT
    lines = path.read_bytes().split(b"\r\n")
    lines[2] = lines[2] + b',"Jean N\xfa\xf1ez, LE4 2XT'
    path.write_bytes(b"\r\n".join(lines))
    with pytest.raises(IngestError) as caught:
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    message = str(caught.value)
    assert message.startswith(f"exports/{EXPORT}: is not a readable CSV file")
    assert "row 3" in message
    assert "Jean" not in message and "LE4" not in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


@pytest.mark.parametrize(
    "data",
    [b'a,b\n1,x"y\n3,4\n5,6\n', b'a,b\n1,x"y\n3,"p\nq"\n5,6\n'],
    ids=["one-stray-quote", "stray-then-quoted-cell"],
)
def test_a_stray_quote_is_named_as_such(data):
    # One quote inside an unquoted cell is odd in number: it was reported as a quoted field
    # that "opens and is never closed", sending the user to look for a missing closing quote.
    with pytest.raises(IngestError, match=r"^x.csv: .*row 2 has a quote \(\"\) inside a field"):
        read_csv_text(data, delimiter=",", header_row=1, shown="x.csv", wanted=["a", "b"])


@pytest.mark.parametrize(
    "data",
    [
        b'a;b;c\r\n1;x;2\r\n3;"apology; \\"see; note\\" sent";4\r\n5;y;6\r\n',
        b'a,b,c\n1,x,2\n3,"ends with \\"",4\n5,y,6\n',
    ],
    ids=["stray", "unclosed"],
)
def test_a_quote_escaped_with_a_backslash_is_named_as_such(data):
    """A system that writes a quote inside a quoted field as \\" (MySQL, PHP exports) where
    CSV doubles it: the file was refused as having a quote "inside a field that does not start
    with one; save the export again with text fields quoted", or a closing quote "missing",
    while its fields are quoted and closed (fourth hostile audit). The message names the row
    and the backslash, and what export to ask for; never the cell."""
    delimiter = ";" if data.startswith(b"a;") else ","
    with pytest.raises(IngestError) as caught:
        read_csv_text(data, delimiter=delimiter, header_row=1, shown="x.csv", wanted=["a", "b"])
    message = str(caught.value)
    assert message.startswith("x.csv: is not a readable CSV file (row 3 has a quote written as")
    assert "a backslash before it" in message and "quotes doubled" in message
    assert "apology" not in message and "ends with" not in message


def test_a_missing_column_message_never_quotes_the_header_row(tmp_path):
    # No header line: the first data row (a resident's name and postcode) is read as the header.
    root = ws.wide_workspace(tmp_path)
    path = root / "exports" / EXPORT
    lines = path.read_bytes().split(b"\r\n")
    path.write_bytes(b"\r\n".join([b"C9,01/05/2024,Repairs,Jean Hall,LE4 2XT", *lines[1:]]))
    with pytest.raises(IngestError) as caught:
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    message = str(caught.value)
    assert message.startswith(f"exports/{EXPORT}: columns 'Case Ref'")
    assert "5 named columns in row 1" in message
    assert "Jean" not in message and "LE4" not in message


def test_a_misspelt_column_is_pointed_out(tmp_path):
    root = ws.wide_workspace(tmp_path)
    path = root / "exports" / EXPORT
    path.write_bytes(path.read_bytes().replace(b"Date Received", b"Date Recieved", 1))
    with pytest.raises(IngestError, match=r"'Date Recieved' looks like 'Date Received'"):
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)


def test_a_close_header_cell_that_names_a_person_is_not_quoted(tmp_path):
    """The close-name hint quotes a header cell, which may be a data row (header_row set
    wrong): a cell holding a name or contact details is never the hint."""
    root = ws.wide_workspace(tmp_path)
    path = root / "exports" / EXPORT
    path.write_bytes(path.read_bytes().replace(b"Date Received", b"Mrs Date Received", 1))
    with pytest.raises(IngestError) as caught:
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    assert "'Date Received'" in str(caught.value) and "Mrs" not in str(caught.value)


def test_a_column_named_in_another_case_is_that_column(tmp_path):
    # A report writer that capitalises its headings from one year's export to the next: it was
    # "not in the header" (with a hint), so one mapping could not read both years' files.
    root = ws.wide_workspace(tmp_path)
    path = root / "exports" / EXPORT
    before = ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    path.write_bytes(path.read_bytes().replace(b"Date Received", b"DATE RECEIVED", 1))
    con = duckdb.connect()
    after = ingest_workspace(con, root, load_landlord(root), ws.KEY)
    assert (after.rows_in, after.rows_loaded) == (before.rows_in, before.rows_loaded)
    assert con.execute("select count(received_date) from complaint").fetchone()[0] > 0


def test_two_header_cells_in_other_cases_of_one_name_stop_the_file(tmp_path):
    root = ws.wide_workspace(tmp_path)
    path = root / "exports" / EXPORT
    data = path.read_bytes()
    header, rest = data.split(b"\n", 1)
    header = header.replace(b"Date Received", b"DATE RECEIVED", 1).rstrip(b"\r")
    rows = [row.rstrip(b"\r") + b"," for row in rest.split(b"\n") if row.strip()]
    path.write_bytes(b"\n".join([header + b",date received", *rows]) + b"\n")
    with pytest.raises(
        IngestError,
        match=r"column 'Date Received' is not in the header as written, and 2 header cells "
        r"differ from it only in case \(columns B, \w+\)",
    ):
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)


def _csv_module_cells(data: bytes, delimiter: str = ",") -> list[int]:
    rows = csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=delimiter)
    return [len(row) or 1 for row in rows]  # a blank line is one empty cell


@pytest.mark.parametrize(
    "data",
    [
        b"a,b,c\n1,2,3\n1,2,3,4\n1,2\n",  # more and fewer cells
        b'a,b,c\n1,"x,y",3\n1,"x,y,z,w",3,4\n',  # delimiters inside quoted cells
        b'a,b,c\r\n1,"p\r\nq,r",3\r\n4,"say ""a,b""",6\r\n',  # quoted line break, doubled quotes
        b"a,b,c\r1,2\r\n3,4,5,6\n\n,,\n7,8,9",  # mixed endings, blank lines, no final ending
        b'a,b,c\n1,x "y" z,3\n1,x "y", z,3\n',  # stray quotes: counted by the csv module
        b"a,b,c",
    ],
    ids=["ragged", "quoted-delimiter", "quoted-newline", "mixed-endings", "stray", "header-only"],
)
def test_cells_per_record_agree_with_the_csv_module(data):
    assert count_records(data, ",").cells.tolist() == _csv_module_cells(data)


def test_cells_are_counted_across_scan_chunks(monkeypatch):
    # The delimiters are scanned in chunks: a record (and a quoted cell) may straddle two.
    monkeypatch.setattr(csv_reader, "_CHUNK", 7)
    data = b'a,b,c\n1,"x,\ny",3\n1,2,3,4,5\n\n1,2\n' * 5 + b"9,9,9"
    assert count_records(data, ",").cells.tolist() == _csv_module_cells(data)


def test_cells_use_the_mapping_delimiter():
    data = b'a;b\n1;2,5\n1;"x;y"\n1;2;3\n'
    assert count_records(data, ";").cells.tolist() == [2, 2, 2, 3]


def test_rows_whose_cells_differ_from_the_header_are_marked():
    data = b'Title\nRef,Date,Notes\nA1,01/02/2024,x\nA2,Repairs, damp,03/02/2024,y\nA3,04/02/2024\n\nA4,"a,b",z\n'
    frame, _, width = read_csv_text(
        data, delimiter=",", header_row=2, shown="x.csv", wanted=["Ref", "Date"]
    )
    assert width == 3  # the title row above the header is not judged
    assert frame["__row"].to_list() == [3, 4, 5, 6, 7]
    # row 4 is read shifted (its date in Notes) and row 5 short; the blank line is one empty
    # cell, left to the ingest step (a row whose mapped cells are all blank is not data)
    assert frame["Date"].to_list() == ["01/02/2024", "Repairs", "04/02/2024", None, "a,b"]
    assert frame["__cells"].to_list() == [None, 5, 2, 1, None]


def test_a_stray_quote_file_marks_its_ragged_rows():
    data = b'a,b,c\n1,x "y" z,3\n1,x "y", z,3\n4,5,6\n'
    assert count_records(data, ",").stray_quote_row == 2  # counted by the csv module
    frame, _, _ = read_csv_text(data, delimiter=",", header_row=1, shown="x.csv", wanted=["a"])
    assert frame["__cells"].to_list() == [None, 4, None]


@pytest.mark.parametrize(
    ("data", "ragged"),
    [
        # every row, but not the header, ends with a delimiter: the file's habit, not a fault;
        # a row with a filled extra cell or one more empty cell than the others is still ragged
        (b"a,b,c\n1,2,3,\r\n4,5,6,,\n7,8,9,x\n0,0,0,\n", [None, 5, 4, None]),
        # the header ends with one and the rows do not: not ragged either
        (b"a,b,c,\n1,2,3\n4,5,6,\n7,8\n0,0,0\n", [None, None, 2, None]),
        # one row with an empty extra cell where the others have none: ragged
        (b"a,b,c\n1,2,3\n4,5,6,\n7,8,9\n", [None, 4, None]),
        # a stray quote: counted by the csv module, the same rule
        (b'a,b,c\n1,x "y" z,3\n1,2,3,4\n1,2,3\n', [None, 4, None]),
    ],
    ids=["rows-end-with-delimiter", "header-ends-with-delimiter", "one-row", "stray-quote"],
)
def test_empty_cells_at_the_end_of_a_line_are_judged_by_the_files_habit(data, ragged):
    frame, _, _ = read_csv_text(data, delimiter=",", header_row=1, shown="x.csv", wanted=["a"])
    assert frame["__cells"].to_list() == ragged


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_tab_separated_export_is_named_as_such(tmp_path, encoding):
    """A tab-separated export (Excel's 'Unicode Text' is UTF-16 and tab-separated) under a
    mapping with delimiter ',': header names are matched with a tab read as a space, so the tab
    was not seen and the message said row 1 "looks like a title, not the header: set
    header_row", sending the analyst to the wrong setting (fourth hostile audit)."""
    root = ws.wide_workspace(tmp_path)
    path = root / "exports" / EXPORT
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("cp1252"), newline="")))
    text = io.StringIO()
    csv.writer(text, delimiter="\t", lineterminator="\r\n").writerows(rows)
    path.write_bytes(text.getvalue().encode(encoding))
    with pytest.raises(IngestError) as caught:
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    message = str(caught.value)
    assert message.startswith(f"exports/{EXPORT}: columns 'Case Ref'")
    # a tab by name: "'\\t'" in single quotes is no tab to YAML (tests/unit/test_tab_delimiter.py)
    assert "separated by a tab: set delimiter: tab in the mapping" in message
    assert "looks like a title" not in message


def test_a_wrong_delimiter_is_named_even_when_quotes_look_stray(tmp_path):
    # A ';' export mapped with delimiter ',': a quoted note over two lines is not a quoted
    # ','-cell, so its quotes look stray and the rows miscount. The messages sent the analyst
    # to save the export again (quotes, 'CSV UTF-8'); the fault is the mapping's delimiter.
    root = ws.wide_workspace(tmp_path)
    path = root / "exports" / EXPORT
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("cp1252"), newline="")))
    rows[1][-1] = 'Said "urgent",\nrang back'
    text = io.StringIO()
    csv.writer(text, delimiter=";", lineterminator="\r\n").writerows(rows)
    path.write_bytes(text.getvalue().encode("cp1252"))
    with pytest.raises(IngestError) as caught:
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    message = str(caught.value)
    assert message.startswith(f"exports/{EXPORT}: columns 'Case Ref'")
    assert "separated by ';': set delimiter: ';' in the mapping" in message
    assert "urgent" not in message


@pytest.mark.parametrize("tail", [b"", b"\r\n"], ids=["no-line-ending", "line-ending"])
def test_a_quote_left_open_in_an_extra_cell_of_the_last_row_stops_the_file(tmp_path, tail):
    """A last row with one cell too many whose quote never closes (a cut-off export): Polars
    dropped the extra cell without a word, and with the cells of each row uncountable the row
    was not marked ragged either, so the file loaded as if whole."""
    root = ws.wide_workspace(tmp_path)
    path = root / "exports" / EXPORT
    lines = path.read_bytes().rstrip(b"\r\n").split(b"\r\n")
    lines[-1] = lines[-1] + b',"Jean N\xfa\xf1ez, LE4 2XT' + tail
    path.write_bytes(b"\r\n".join(lines))
    with pytest.raises(IngestError) as caught:
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    message = str(caught.value)
    assert message.startswith(f"exports/{EXPORT}: is not a readable CSV file")
    assert f"row {len(lines)} and is never closed" in message
    assert "Jean" not in message and "LE4" not in message
