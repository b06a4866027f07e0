"""Input limits: oversized files and over-wide headers are refused before they are read."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from pipeline.config import Thresholds
from pipeline.limits import InputLimits, check_input_limits, count_header_columns
from pipeline.sources.errors import IngestError


def _csv(path: Path, columns: int, rows: int = 3, delimiter: str = ",") -> Path:
    header = delimiter.join(f"c{i}" for i in range(columns))
    body = "\n".join(delimiter.join("x" for _ in range(columns)) for _ in range(rows))
    path.write_text(header + "\n" + body + "\n", encoding="utf-8")
    return path


def test_file_within_limits_passes(tmp_path):
    path = _csv(tmp_path / "ok.csv", 10)
    check_input_limits(path, InputLimits(max_file_mb=1, max_columns=10), shown="exports/ok.csv")


def test_file_larger_than_limit_is_refused_naming_file_and_limit(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 300_000)  # 1.1 MB
    with pytest.raises(IngestError) as err:
        check_input_limits(
            path, InputLimits(max_file_mb=1, max_columns=10), shown="exports/big.csv"
        )
    message = str(err.value)
    assert message.startswith("exports/big.csv: ")
    assert "1 MB" in message and "max_file_mb" in message


def test_thresholds_block_is_accepted(tmp_path):
    path = _csv(tmp_path / "wide.csv", 11)
    with pytest.raises(
        IngestError, match=r"wide.csv: the header row has 11 columns.*thresholds.max_columns"
    ):
        check_input_limits(path, Thresholds(max_columns=10))


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_too_many_columns_is_refused(tmp_path, delimiter):
    path = _csv(tmp_path / "wide.csv", 501, delimiter=delimiter)
    with pytest.raises(IngestError, match="more than the limit of 500"):
        check_input_limits(path, InputLimits(), shown="wide.csv", delimiter=delimiter)


def test_quoted_delimiters_in_header_are_one_cell(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('"a,b","c,d",e\n1,2,3\n', encoding="utf-8")
    assert count_header_columns(path, delimiter=",", header_row=1, max_columns=10) == 3
    check_input_limits(path, InputLimits(max_columns=3))


def test_header_row_below_title_lines(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Report title\nRun on 1 April\n" + "a,b,c,d\n1,2,3,4\n", encoding="utf-8")
    assert count_header_columns(path, delimiter=",", header_row=3, max_columns=10) == 4
    with pytest.raises(IngestError, match="4 columns"):
        check_input_limits(path, InputLimits(max_columns=3), header_row=3)


def test_header_without_newline_reads_a_bounded_prefix(tmp_path):
    # One endless header line (no newline): the scan stops at the cap instead of reading it all.
    path = tmp_path / "endless.csv"
    path.write_bytes(b"x" * 2_000_000)
    assert count_header_columns(path, delimiter=",", header_row=1, max_columns=10) == 11
    with pytest.raises(IngestError, match="has 11 columns, more than the limit of 10"):
        check_input_limits(path, InputLimits(max_columns=10), shown="endless.csv")


def test_file_shorter_than_header_row_is_left_to_the_reader(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("a,b\n", encoding="utf-8")
    assert count_header_columns(path, delimiter=",", header_row=5, max_columns=10) is None
    check_input_limits(path, InputLimits(), header_row=5)


def _xlsx(path: Path, columns: int) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([f"c{i}" for i in range(columns)])
    sheet.append(list(range(columns)))
    workbook.save(path)
    return path


def test_xlsx_too_many_columns_is_refused(tmp_path):
    path = _xlsx(tmp_path / "wide.xlsx", 30)
    check_input_limits(path, InputLimits(max_columns=30), file_format="xlsx")
    with pytest.raises(IngestError, match=r"wide.xlsx: the header row has 30 columns"):
        check_input_limits(path, InputLimits(max_columns=29), file_format="xlsx", shown="wide.xlsx")


def test_xlsx_zip_bomb_is_refused(tmp_path):
    # A "workbook" whose one part expands far beyond the limit though the file itself is tiny.
    path = tmp_path / "bomb.xlsx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * 30 * 1024 * 1024)
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(IngestError, match="bomb.xlsx: the workbook expands to"):
        check_input_limits(path, InputLimits(max_file_mb=1), file_format="xlsx", shown="bomb.xlsx")


def test_not_a_zip_is_an_ingest_error(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(IngestError, match="fake.xlsx: is not a readable XLSX workbook"):
        check_input_limits(path, InputLimits(), file_format="xlsx", shown="fake.xlsx")


def _small_workspace(tmp_path: Path, **thresholds) -> Path:
    import shutil

    import yaml

    source = Path(__file__).resolve().parents[2] / "examples" / "housing21"
    (tmp_path / "mappings").mkdir()
    (tmp_path / "exports").mkdir()
    shutil.copy(source / "mappings/erica_complaints.yaml", tmp_path / "mappings")
    doc = yaml.safe_load((source / "landlord.yaml").read_text(encoding="utf-8"))
    doc["thresholds"] = {**doc.get("thresholds", {}), **thresholds}
    (tmp_path / "landlord.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    lines = (source / "exports/erica_complaints_2024-25.csv").read_bytes().splitlines(True)
    (tmp_path / "exports/erica_complaints_2024-25.csv").write_bytes(b"".join(lines[:6]))
    return tmp_path


@pytest.mark.parametrize(
    ("thresholds", "message"),
    [
        ({"max_columns": 20}, "has 54 columns, more than the limit of 20"),
        ({"max_file_mb": 0}, "larger than the limit of 0 MB"),
    ],
)
def test_ingest_refuses_a_file_over_the_landlords_limits(tmp_path, thresholds, message):
    import duckdb

    from pipeline.config import load_landlord
    from pipeline.ingest import ingest_workspace

    workspace = _small_workspace(tmp_path, **thresholds)
    con = duckdb.connect()
    with pytest.raises(IngestError, match=rf"exports/erica_complaints_2024-25.csv: .*{message}"):
        ingest_workspace(con, workspace, load_landlord(workspace), "k")


def test_ingest_within_limits_loads(tmp_path):
    import duckdb

    from pipeline.config import load_landlord
    from pipeline.ingest import ingest_workspace

    workspace = _small_workspace(tmp_path)
    summary = ingest_workspace(duckdb.connect(), workspace, load_landlord(workspace), "k")
    assert summary.rows_in == 5 and summary.reconciles


def test_xlsx_with_a_damaged_part_is_refused(tmp_path):
    """A bad CRC in a sheet: calamine would read the damaged cells, so the file is stopped."""
    path = _xlsx(tmp_path / "damaged.xlsx", 3)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        member = archive.getinfo("xl/worksheets/sheet1.xml")
    # the member's data starts after its 30-byte local header, name and extra field
    start = member.header_offset + 30 + len(member.filename) + len(member.extra)
    data[start + member.compress_size // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(IngestError, match="damaged.xlsx: is not a readable XLSX workbook"):
        check_input_limits(path, InputLimits(), file_format="xlsx", shown="damaged.xlsx")


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs Linux /proc")
def test_a_file_larger_when_read_than_when_checked_is_refused(tmp_path):
    """The size limit was checked on the size the file system gave, then the whole file was read:
    an export still being written grows in between, and a link to a file whose size reads as 0
    (under /proc) passed the check and was read whatever its length. The read stops at the limit."""
    import duckdb

    from pipeline.config import load_landlord
    from pipeline.ingest import ingest_workspace

    workspace = _small_workspace(tmp_path, max_file_mb=0)
    export = workspace / "exports/erica_complaints_2024-25.csv"
    export.unlink()
    export.symlink_to("/proc/self/status")
    assert export.stat().st_size == 0 and export.read_bytes()
    with pytest.raises(IngestError) as caught:
        ingest_workspace(duckdb.connect(), workspace, load_landlord(workspace), "k")
    message = str(caught.value)
    assert message.startswith("exports/erica_complaints_2024-25.csv: the file grew past the limit")
    assert "Name:" not in message  # nothing the file holds is quoted


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs Linux /proc")
def test_a_file_whose_bytes_differ_from_its_size_is_refused(tmp_path):
    """A file that reads as more bytes than its size says (an export written to as it is read;
    a link into /proc, whose files say 0 bytes) was read as whatever the read found."""
    import duckdb

    from pipeline.config import load_landlord
    from pipeline.ingest import ingest_workspace

    workspace = _small_workspace(tmp_path)
    export = workspace / "exports/erica_complaints_2024-25.csv"
    export.unlink()
    export.symlink_to("/proc/self/status")
    with pytest.raises(IngestError) as caught:
        ingest_workspace(duckdb.connect(), workspace, load_landlord(workspace), "k")
    message = str(caught.value)
    assert message.startswith(
        "exports/erica_complaints_2024-25.csv: the file changed while it was read (0 bytes on disk"
    )
    assert "Name:" not in message


def test_a_small_xlsx_expanding_to_far_more_than_any_export_is_refused(tmp_path):
    """The expansion limit was 20 x max_file_mb (10 GB by default), whatever the file's own
    size: a 15 MB workbook of 2 GB of repeated cells passed it, and the XLSX reader then asked
    for 3.5 GB at once and the run died with a Rust backtrace. Real exports compress some 5 to
    30 times; this one, like any zip bomb, hundreds of times."""
    path = tmp_path / "bomb.xlsx"
    row = b"<row><c><v>1</v></c><c><v>2</v></c></row>" * 10_000
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<worksheet><dimension ref="A1:B2"/><sheetData>')
            for _ in range(300):  # 117 MB
                sheet.write(row)
            sheet.write(b"</sheetData></worksheet>")
    assert path.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(IngestError) as caught:
        check_input_limits(path, InputLimits(), file_format="xlsx", shown="bomb.xlsx")
    assert str(caught.value).startswith("bomb.xlsx: the workbook expands to 117.3 MB from 0.9 MB")
    assert "zip bomb" in str(caught.value)


def test_an_ordinary_workbook_is_not_taken_for_a_zip_bomb(tmp_path):
    source = Path(__file__).resolve().parents[2] / "examples/small_specialist/exports"
    for workbook in source.glob("*.xlsx"):
        check_input_limits(workbook, InputLimits(), file_format="xlsx", shown=workbook.name)
