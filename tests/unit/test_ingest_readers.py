"""Readers: encodings, spreadsheet row numbers, and files that cannot be read at all."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "ingest"))

import workspaces as ws  # noqa: E402

from pipeline.config import ConfigError, load_landlord  # noqa: E402
from pipeline.ingest import IngestError, ingest_workspace  # noqa: E402
from pipeline.mapping import load_mappings  # noqa: E402
from pipeline.sources.csv_reader import decode_to_utf8, read_csv_text  # noqa: E402


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        ("£5 café".encode(), "utf-8"),
        (b"\xef\xbb\xbf" + "£5 café".encode(), "utf-8-sig"),
        ("£5 café – “quoted”".encode("cp1252"), "cp1252"),
    ],
)
def test_encoding_auto(raw, encoding):
    text, found = decode_to_utf8(raw, "auto", "x.csv")
    assert found == encoding
    assert text.decode("utf-8").startswith("£5 café")


DAMAGED = "Ref,Type\r\nC1,Visite réparation\r\nC2,Gas\r\nC3,Leak\r\n".encode()


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        (DAMAGED.replace(b"Gas", b"G\xffs"), 3),  # one bad byte
        (DAMAGED.replace(b"Leak", b"Le\xe9k"), 4),  # one letter saved as cp1252
        (DAMAGED.replace(b"Gas", b"G\xc3s"), 3),  # a character cut short
        (DAMAGED.replace(b"Gas", b"\xa3\x93\xff"), 3),  # three bad bytes together
        # five bad bytes, but 499 good characters: at most 1% of the non-ASCII ones
        (("é" * 99 + "\r\n").encode() + b"\xff" * 5 + b"\r\n" + ("é" * 400).encode(), 2),
    ],
    ids=["one-bad-byte", "cp1252-letter", "cut-short", "three-bad", "one-percent"],
)
def test_utf8_with_a_damaged_byte_is_stopped_not_read_as_cp1252(raw, line):
    # Read as cp1252, "réparation" would load as "rÃ©paration" without a word.
    with pytest.raises(IngestError) as caught:
        decode_to_utf8(raw, "auto", "exports/x.csv")
    message = str(caught.value)
    assert message.startswith("exports/x.csv: byte ")
    assert f"on line {line}, is not UTF-8" in message
    assert "save the export again as 'CSV UTF-8'" in message and "encoding: cp1252" in message
    for cell in ("Visite", "réparation", "Gas", "Leak", "Type"):
        assert cell not in message  # never a cell's contents


@pytest.mark.parametrize(
    "text",
    [
        "Ref,Note\r\nC1,£5 café – “quoted” ‘single’ €2 naïve\r\n",
        # valid UTF-8 pairs by chance: "Ã©" typed as such (C3 A9), "É’" (C9 92), "Ñ“" (D1 93)
        "Ref,Note\r\nC1,Ã© typed as such\r\nC2,CAFÉ’S £5 café\r\nC3,MUÑ“OZ “x”\r\n",
    ],
    ids=["cp1252", "cp1252-with-utf8-pairs"],
)
def test_a_cp1252_export_still_reads_as_cp1252(text):
    utf8, found = decode_to_utf8(text.encode("cp1252"), "auto", "exports/x.csv")
    assert found == "cp1252" and utf8.decode("utf-8") == text


# A cp1252 export with rows added later by a tool that writes UTF-8 (the year's late complaints
# pasted in from another export): read as cp1252, every accented letter and £ of the added rows
# loaded garbled ("Saint-Ã‰tienne Court", a new scheme; "Â£10.00" quarantined) without a word.
MIXED = (
    "Ref,Scheme,Amount\r\nP1,Abbey Mews,£100.00\r\nP2,Bridge Court,£20.00\r\n"
    "P3,Chantry Close,£25.00\r\nP4,Priory Gardens,£50.00\r\n".encode("cp1252")
    + "P5,Saint-Étienne Court,£10.00\r\nP6,Linden Lodge,£15.00\r\n".encode()
)


@pytest.mark.parametrize(
    ("raw", "utf8_line", "cp1252_line"),
    [
        (MIXED, 6, 2),
        # the other way round: UTF-8 rows first, the cp1252 ones pasted below them
        (
            "Ref,Note\r\nC1,café\r\nC2,£5\r\nC3,naïve\r\nC4,réparation\r\n".encode()
            + "C5,£5\r\nC6,Café\r\nC7,£7\r\nC8,£8\r\nC9,£9\r\n".encode("cp1252"),
            2,
            6,
        ),
        # old Mac line endings (a carriage return alone) are lines too
        (MIXED.replace(b"\r\n", b"\r"), 6, 2),
    ],
    ids=["utf8-rows-after-cp1252", "cp1252-rows-after-utf8", "carriage-returns-alone"],
)
def test_a_file_mixing_utf8_and_cp1252_lines_is_stopped(raw, utf8_line, cp1252_line):
    with pytest.raises(IngestError) as caught:
        decode_to_utf8(raw, "auto", "exports/x.csv")
    message = str(caught.value)
    assert message.startswith("exports/x.csv: mixes two encodings")
    assert f"line {utf8_line} " in message and f"line {cp1252_line} " in message
    for cell in ("Étienne", "Abbey", "café", "naïve", "£"):
        assert cell not in message  # never a cell's contents
    # named in the mapping, the file is read as the analyst says, garbled or not
    assert decode_to_utf8(raw, "cp1252", "exports/x.csv")[1] == "cp1252"


def test_utf8_evidence_counts_characters_and_broken_sequences():
    from pipeline.sources.csv_reader import _CHUNK, utf8_evidence

    assert utf8_evidence("£5 café ’".encode()) == (3, 0)
    assert utf8_evidence("£5 café".encode("cp1252")) == (0, 2)
    assert utf8_evidence("\ufffd".encode() + b"\xff") == (1, 1)  # a U+FFFD in the file is good
    # a character split between two chunks is one character
    split = b"a" * (_CHUNK - 1) + "é".encode() + b"\xa3"
    assert utf8_evidence(split) == (1, 1)


def test_named_encoding_that_does_not_fit_names_file():
    with pytest.raises(IngestError, match=r"^exports/x.csv: cannot be decoded as utf-8"):
        decode_to_utf8(b"\xa35", "utf-8", "exports/x.csv")


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le")],
    ids=["utf8-bom", "utf16-bom"],
)
@pytest.mark.parametrize("named", ["cp1252", "latin-1"])
def test_a_byte_order_mark_outweighs_a_single_byte_encoding_named_in_the_mapping(bom, codec, named):
    """A mapping set to cp1252 for last year's 'ANSI' export meets this year's 'CSV UTF-8' one:
    read as cp1252, its header began 'ï»¿' and every accented letter and pound sign was garbled
    ("CafÃ© Court" loaded as a scheme, "Â£50.00" quarantined as no number; fourth hostile
    audit). The byte-order mark says what the file is, and no single-byte export starts with
    it: the file reads as UTF-8 (or UTF-16)."""
    text = "Ref,Scheme,Amount\r\nC1,Café Court,£50.00\r\n"
    data, encoding = decode_to_utf8(bom + text.encode(codec), named, "exports/x.csv")
    assert data.decode("utf-8") == text
    assert encoding in {"utf-8-sig", "utf-16"}


@pytest.mark.parametrize("named", ["cp1252", "latin-1"])
def test_a_utf8_file_whose_mapping_names_a_single_byte_encoding_is_stopped(named):
    """The same change of export without a byte-order mark: read as cp1252, "Café Court" loaded
    as "CafÃ© Court" and "£50.00" was quarantined as no number (half a year's stages, with a
    warning naming the wrong cause; fourth hostile audit). A file that is UTF-8 throughout is no
    cp1252 export: the run stops, saying what to set, and quotes no cell."""
    data = "Ref,Scheme,Amount\r\nC1,Café Court,£50.00\r\nC2,Oak,£5\r\n".encode()
    with pytest.raises(IngestError) as caught:
        decode_to_utf8(data, named, "exports/x.csv")
    message = str(caught.value)
    assert message.startswith(f"exports/x.csv: its mapping names the encoding {named}, but")
    assert "3 accented letters or symbols" in message and "encoding to auto" in message
    assert "Café" not in message and "Oak" not in message


def test_a_named_single_byte_encoding_still_reads_a_file_without_a_mark():
    assert decode_to_utf8("Café £5".encode("cp1252"), "cp1252", "x.csv") == (
        "Café £5".encode(),
        "cp1252",
    )


@pytest.mark.parametrize(
    ("raw", "encoding", "line"),
    [
        (b"Ref,Amount\r\nC1,5\r\nC2,\xa35\r\n", "utf-8", 3),
        (b"\xef\xbb\xbfRef,Amount\rC1,5\rC2,6\rC3,\xa35\r", "auto", 4),  # BOM, then cp1252
    ],
    ids=["named-utf8", "bom-then-cp1252"],
)
def test_a_byte_that_does_not_decode_is_placed_by_line(raw, encoding, line):
    # A byte offset ("byte 23") is no help in a spreadsheet or an editor: name the line.
    with pytest.raises(IngestError, match=rf"^exports/x.csv: .* on line {line}\b"):
        decode_to_utf8(raw, encoding, "exports/x.csv")


def test_csv_rows_keep_spreadsheet_numbers():
    data = b'Report title,,\nRef,Date,Notes\nA1,01/02/2024,"two\nlines"\n\nA2,02/02/2024,x\n'
    frame, header, width = read_csv_text(
        data, delimiter=",", header_row=2, shown="x.csv", wanted=["Ref", "Date"]
    )
    assert header == ["Ref", "Date", "Notes"] and width == 3
    assert frame.columns == ["__row", "Ref", "Date", "__cells"]  # unmapped columns never read
    assert frame["__row"].to_list() == [3, 4, 5]
    assert frame["Ref"].to_list() == ["A1", None, "A2"]


@pytest.mark.parametrize(
    ("data", "header_row", "rows"),
    [
        (b"\nRef,Date\nA1,01/02/2024\nA2,02/02/2024\n", 2, [3, 4]),
        (b"\r\n\r\nReport title\r\nRef,Date\r\nA1,01/02/2024\r\n", 4, [5]),
        (b"\nReport title\n\nRef,Date\nA1,01/02/2024\n", 4, [5]),
    ],
    ids=["blank-first-line", "two-blank-lines-then-title", "blank-title-blank"],
)
def test_blank_lines_above_the_header_keep_their_row_numbers(data, header_row, rows):
    # Polars skips empty lines at the top of a file before counting skip_rows: the header the
    # user sees on row 2 was read from row 3, and the file was refused as losing a row.
    frame, _, _ = read_csv_text(
        data, delimiter=",", header_row=header_row, shown="x.csv", wanted=["Ref", "Date"]
    )
    assert frame["__row"].to_list() == rows
    assert frame["Ref"].to_list() == [f"A{i + 1}" for i in range(len(rows))]


def test_a_header_row_that_is_blank_is_named():
    with pytest.raises(IngestError, match=r"^x.csv: row 1 \(the header row\) is empty; .* row 2"):
        read_csv_text(
            b"\nRef,Date\nA1,01/02/2024\n",
            delimiter=",",
            header_row=1,
            shown="x.csv",
            wanted=["Ref", "Date"],
        )


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    root = ws.wide_workspace(tmp_path)
    (root / "exports" / "complaints_2024.csv").unlink()
    (root / "exports" / name).write_bytes(data)
    return root


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", r"exports/complaints_bad.csv: the file is empty"),
        (b"\x00\x01PK\x03\x04garbage\xff", r"exports/complaints_bad.csv: is not a text CSV file"),
        (
            ";".join(ws.WIDE_HEADER).encode() + b"\nC1;01/05/2024\n",
            r"exports/complaints_bad.csv: columns 'Case Ref', .* named in mappings/complaints.yaml "
            r"are not in the header \(1 named column in row 1; the header seems to be separated by ';'",
        ),
        (
            b"Case Ref,Date Closed\nC1,01/05/2024\n",
            r"exports/complaints_bad.csv: columns 'Date Received', 'Complaint Type'.* named in "
            r"mappings/complaints.yaml are not in the header \(2 named columns in row 1\); check the "
            r"column names and the mapping's header_row",
        ),
        (
            # UTF-8 with one byte damaged: read as cp1252 its "£" would load as "Â£"
            ws.wide_csv_bytes("utf-8").replace(b"Staff", b"St\xffff", 1),
            r"^exports/complaints_bad.csv: byte \d+, on line 3, is not UTF-8 but \d+ accented "
            r"letters or symbols are written as UTF-8: .*save the export again as 'CSV UTF-8'",
        ),
        (
            # a report's title line above the header, not counted in header_row (third hostile
            # audit: the message listed every mapped column and said only to check them)
            b"Complaints report, run 01/05/2024 09:00, all stages\r\n" + ws.wide_csv_bytes("utf-8"),
            r"are not in the header \(3 named columns in row 1; the mapped column names are on "
            r"row 2, below a title: set header_row: 2 in the mapping\)",
        ),
        (
            # an export saved without its column headings: row 1 is a complaint's cells
            ws.wide_csv_bytes("utf-8").split(b"\r\n", 1)[1],
            r"are not in the header \(\d+ named columns in row 1; no mapped column name is in "
            r"row 1 or the 50 rows below it: was the file exported without its column headings\?\)",
        ),
    ],
    ids=[
        "empty",
        "binary",
        "wrong-delimiter",
        "missing-columns",
        "damaged-utf8",
        "title-above-header",
        "no-header",
    ],
)
def test_unreadable_file_stops_with_file_and_problem(tmp_path, data, problem):
    root = _write(tmp_path, "complaints_bad.csv", data)
    con = duckdb.connect()
    with pytest.raises(IngestError, match=problem):
        ingest_workspace(con, root, load_landlord(root), ws.KEY)
    # nothing was written: the run stops before the load transaction
    assert con.execute("select count(*) from complaint").fetchone() == (0,)


def test_one_missing_column_is_named(tmp_path):
    header = [c for c in ws.WIDE_HEADER if c != "Date Received"]
    root = _write(tmp_path, "complaints_x.csv", (",".join(header) + "\n").encode())
    with pytest.raises(
        IngestError,
        match=r"^exports/complaints_x.csv: column 'Date Received' named in "
        r"mappings/complaints.yaml is not in the header \(\d+ named columns in row 1\)",
    ):
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)


def test_xlsx_problems_name_the_file(tmp_path):
    root = ws.xlsx_workspace(tmp_path)
    (root / "exports" / "homemaster_bad.xlsx").write_bytes(b"not a zip at all")
    with pytest.raises(
        IngestError, match=r"^exports/homemaster_bad.xlsx: is not a readable XLSX workbook"
    ):
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    (root / "exports" / "homemaster_bad.xlsx").unlink()
    mapping = root / "mappings" / "homemaster.yaml"
    mapping.write_text(mapping.read_text().replace('"Complaints Report"', '"Sheet9"'))
    with pytest.raises(
        IngestError, match=r"has no sheet 'Sheet9' \(sheets: Notes, Complaints Report\)"
    ):
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)


@pytest.mark.parametrize("pasted", ["jean.vexbridge@example.invalid", "Jean Vexbridge"])
def test_a_sheet_the_mapping_names_after_a_resident_is_not_quoted(tmp_path, pasted):
    """The load's error quoted the mapping's sheet name as typed: a resident's email or
    name pasted there reached the console and, kept for good, the Dagster event log."""
    root = ws.xlsx_workspace(tmp_path)
    mapping = root / "mappings" / "homemaster.yaml"
    written = mapping.read_text()
    mapping.write_text(written.replace('"Complaints Report"', f'"{pasted}"'))
    with pytest.raises(IngestError) as raised:
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    message = str(raised.value)
    assert (
        message.startswith("exports/") and "has no sheet named by the mapping's 'sheet'" in message
    )
    assert "Vexbridge" not in message and "(sheets: Notes, Complaints Report)" in message


@pytest.mark.parametrize("pasted", ["jean.vexbridge@example.invalid", "Jean Vexbridge"])
def test_a_column_the_mapping_names_after_a_resident_is_not_quoted(tmp_path, pasted):
    """As the sheet above: a mapped column not in the header was quoted as the mapping wrote it."""
    root = ws.wide_workspace(tmp_path)
    mapping = root / "mappings" / "complaints.yaml"
    written = mapping.read_text()
    assert '"Date Received"' in written
    mapping.write_text(written.replace('"Date Received"', f'"{pasted}"'))
    with pytest.raises(IngestError) as raised:
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    message = str(raised.value)
    assert "Vexbridge" not in message, message
    assert message.startswith("exports/complaints_2024.csv: column (1 not shown: its name looks "
                              "like a person's name or contact details) named in "
                              "mappings/complaints.yaml is not in the header"), message  # fmt: skip


def test_xlsx_sheet_by_position_when_its_name_changes_every_month(tmp_path):
    """A report that names its data sheet after the run ('Register 30-04-2026', the second tab)
    could not be mapped: `sheet` took a name only, and `sheet: 2` was refused."""
    root = ws.xlsx_workspace(tmp_path)
    mapping = root / "mappings" / "homemaster.yaml"
    by_name = ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    mapping.write_text(mapping.read_text().replace('"Complaints Report"', "2"))
    by_position = ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    assert by_name.rows_in > 0
    assert (by_position.rows_in, by_position.rows_loaded) == (by_name.rows_in, by_name.rows_loaded)
    mapping.write_text(mapping.read_text().replace("sheet: 2", "sheet: 3"))
    with pytest.raises(
        IngestError,
        match=r"^exports/\S+\.xlsx: has no sheet 3 \(the mapping's 'sheet' is a position; the workbook has 2 sheet\(s\): Notes, Complaints Report\)",
    ):
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    mapping.write_text(mapping.read_text().replace("sheet: 3", "sheet: 0"))
    with pytest.raises(ConfigError, match=r"key 'sheet': a sheet's position counts from 1"):
        load_mappings(root)


def test_a_file_that_cannot_be_opened_is_named_without_a_python_error(tmp_path, monkeypatch):
    """An export the pipeline's account may not read (chmod 000, or held by another program)
    stopped the run with "PermissionError: [Errno 13] Permission denied: '/full/path'"."""
    root = ws.wide_workspace(tmp_path)
    real_open = Path.open

    def refused(self, *args, **kwargs):
        if self.name == "complaints_2024.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    # (tests run as root here, so chmod 000 would not refuse the read)
    monkeypatch.setattr(Path, "open", refused)
    with pytest.raises(IngestError) as caught:
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    message = str(caught.value)
    assert message.startswith("exports/complaints_2024.csv: cannot be read (permission denied)")
    assert "Error" not in message and str(tmp_path) not in message


def test_an_excel_lock_file_beside_an_open_workbook_is_not_read(tmp_path):
    """Excel writes ~$<name>.xlsx beside a workbook someone has open: a glob such as
    exports/*.xlsx matched it and the run stopped as on a damaged workbook."""
    root = ws.xlsx_workspace(tmp_path)
    mapping = root / "mappings" / "homemaster.yaml"
    mapping.write_text(mapping.read_text().replace("exports/homemaster_*.xlsx", "exports/*.xlsx"))
    (root / "exports" / "~$homemaster_2024.xlsx").write_bytes(b"\x05jhall" + b"\x00" * 160)
    summary = ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    assert [f.source_file for f in summary.files] == ["exports/homemaster_2024.xlsx"]
    assert summary.unread_files == []


@pytest.mark.parametrize("kind", ["folder", "fifo", "broken-link"])
def test_a_matched_path_that_is_not_a_file_stops_the_run(tmp_path, kind):
    """A folder named like an export (an export unzipped into a folder of its name), a named
    pipe, or a link to a file that is gone, matched by the mapping's files pattern, was left
    out without a word: the year's complaints were missing from a run that said ok."""
    root = ws.wide_workspace(tmp_path)
    path = root / "exports" / "complaints_2025.csv"
    if kind == "folder":
        path.mkdir()
        (path / "complaints_2025.csv").write_bytes(ws.wide_csv_bytes("cp1252"))
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(tmp_path / "moved_away.csv")
    with pytest.raises(IngestError) as caught:
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    message = str(caught.value)
    assert message.startswith("exports/complaints_2025.csv: is ")
    assert "not a file" in message or "link" in message
    assert str(tmp_path) not in message


TWEED = Path(__file__).resolve().parents[1] / "fixtures/ingest/landlords/tweed_cheviot_homes"


def _with_responses(root, responses):
    """The wide export with one complaint a day in May 2024 (day-first, as the mapping reads),
    its stage 1 response date as written in ``responses``."""
    header = ws.wide_csv_bytes("utf-8").decode("utf-8").split("\r\n")[0].split(",")
    rows = []
    for n, response in enumerate(responses, 1):
        row = dict.fromkeys(header, "")
        row.update({"Case Ref": f"C{n:03}", "Date Received": f"{n % 28 + 1:02}/05/2024"})
        row.update({"Tenure": "General Needs", "Anonymous?": "N", "Stage 1 Outcome": "Upheld"})
        row["Stage 1 Response Date"] = response
        rows.append(",".join(row[h] for h in header))
    data = "\r\n".join([",".join(header), *rows, ""]).encode()
    (root / "exports" / "complaints_2024.csv").write_bytes(data)


def test_a_column_of_month_first_dates_stops_the_run_naming_it(tmp_path):
    """An export writing one date column month first ('05/14/2024') under a day-first mapping:
    the dates after the 12th were quarantined, and those up to the 12th loaded with day and month
    swapped (a response on 5 March read as 3 May), without a word when under the stop share."""
    root = ws.wide_workspace(tmp_path)
    _with_responses(root, [f"05/{day:02}/2024" for day in range(2, 29)])
    with pytest.raises(IngestError) as caught:
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    message = str(caught.value)
    assert message.startswith(
        "exports/complaints_2024.csv: column 'Stage 1 Response Date' writes its dates month first"
    )
    assert "row 13" in message and "%m/%d/%Y" in message
    # a day-first column with a few month-first typos is not one: those rows are quarantined
    root = ws.wide_workspace(tmp_path / "typos")
    typos = [f"05/{day}/2024" for day in range(13, 19)]
    _with_responses(root, [*typos, *(f"{day}/05/2024" for day in range(20, 29))])
    summary = ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    assert summary.reconciles and summary.rows_loaded > 0


def test_a_column_of_day_first_dates_under_a_month_first_mapping_stops_the_run(tmp_path):
    """The mirror image: a mapping written month first ('%m/%d/%Y %H:%M', a US habit) for a
    register that writes '03/04/2024 14:05' day first (Tweed & Cheviot's). 264 of its 340 rows
    were quarantined (a warning under the stop share) and the 76 left loaded with every date up
    to the 12th of a month read with day and month swapped, into the measures and the returns."""
    root = tmp_path / "tweed_cheviot_homes"
    shutil.copytree(TWEED, root)
    mapping = root / "mappings" / "caseflow_register.yaml"
    day_first = 'date_formats: ["%d/%m/%Y %H:%M"]'
    assert day_first in mapping.read_text()
    mapping.write_text(mapping.read_text().replace(day_first, 'date_formats: ["%m/%d/%Y %H:%M"]'))
    with pytest.raises(IngestError) as caught:
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    message = str(caught.value)
    assert message.startswith("exports/CaseFlow Register.xlsx: column 'S")
    assert "writes its dates day first" in message
    assert "date_formats: ['%d/%m/%Y %H:%M']" in message


@pytest.mark.parametrize(
    ("in_header", "in_mapping"),
    [
        ("Case\u00a0Ref", "Case Ref"),  # a no-break space, drawn as a space
        ("Case\u200bRef", "Case Ref"),  # a zero-width space between the words
        ("\u200eCase Ref\u200f", "Case Ref"),  # direction marks around the name
        ("Case Ref", "Case\u00a0Ref"),  # the mapping copied from a web page
        ('"Case\nRef"', "Case Ref"),  # a wrapped header cell (Alt+Enter in Excel)
        ('"Case \r\nRef"', "Case Ref"),
        ("Case Ref", "Case\\nRef"),  # the mapping names the line break (YAML "\n")
    ],
    ids=["nbsp", "zwsp", "direction-marks", "nbsp-in-mapping", "lf", "crlf", "lf-in-mapping"],
)
def test_a_header_name_with_hidden_characters_matches_the_mapping(tmp_path, in_header, in_mapping):
    """A header cell drawn 'Case Ref' but holding a no-break or zero-width space was 'not in the
    header' ('Case\\xa0Ref' looks like 'Case Ref'): the export could not be read without editing
    it. Header names and mapped names are read with hidden characters folded, as cells are."""
    root = ws.wide_workspace(tmp_path)
    path = root / "exports" / "complaints_2024.csv"
    path.write_bytes(_header_renamed(path.read_bytes(), in_header))
    mapping = root / "mappings" / "complaints.yaml"
    mapping.write_text(
        mapping.read_text().replace('"Case Ref"', f'"{in_mapping}"'), encoding="utf-8"
    )
    summary = ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    assert summary.reconciles and summary.rows_loaded > 0


def test_a_wrapped_xlsx_header_cell_matches_the_mapping(tmp_path):
    """A formatted report wraps its header cells ('Date' over 'Received', a line break typed
    with Alt+Enter): the column was 'not in the header' and the message printed the cell over
    two lines. The line break reads as a space, as in the name the analyst sees."""
    root = ws.xlsx_workspace(tmp_path)
    before = ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    [path] = (root / "exports").glob("*.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["Complaints Report"]
    wrapped = 0
    for cell in sheet[4]:
        if isinstance(cell.value, str) and " " in cell.value:
            cell.value = cell.value.replace(" ", "\n", 1)
            wrapped += 1
    book.save(path)
    assert wrapped >= 2
    after = ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    assert (after.rows_in, after.rows_loaded) == (before.rows_in, before.rows_loaded)


def _header_renamed(data: bytes, name: str) -> bytes:
    text = data.decode("cp1252")
    return text.replace("Case Ref", name, 1).encode("utf-8")
