"""``complaints rsh add`` meeting an expected problem says it in one line a performance analyst can
act on, writes nothing, and exits with 1: no Python traceback, no "[Errno 2]".

A workbook with a sheet cut off half way (a download that stopped, a copy from a full disk)
printed a traceback from the XML parser; an --out folder that cannot be created printed the
system's raw message.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from pipeline.cli import main as complaints
from tests.fixtures.rsh.editions import SOURCE, source_available

needs_workbook = pytest.mark.skipif(
    not source_available(), reason=f"the RSH 2024/25 workbook is not on this machine ({SOURCE})"
)


def _add(capsys, *arguments: str) -> tuple[int, list[str]]:
    code = complaints(["rsh", "add", *arguments])
    said = capsys.readouterr()
    assert "Traceback" not in said.out + said.err
    return code, said.err.strip().splitlines()


@needs_workbook
def test_a_workbook_with_a_sheet_cut_off_is_not_readable(tmp_path, capsys):
    workbook = tmp_path / "cut.xlsx"
    with zipfile.ZipFile(SOURCE) as source, zipfile.ZipFile(workbook, "w") as cut:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet2.xml":
                data = data[: len(data) // 2]
            cut.writestr(name, data)
    out = tmp_path / "rsh"
    code, error = _add(capsys, str(workbook), "--out", str(out))
    assert code == 1
    assert error == [
        f"complaints rsh add: {workbook}: not a readable .xlsx workbook (a sheet's contents are "
        "cut off or damaged: unclosed token: line 2, column 2319); download the workbook again; "
        "nothing was written"
    ]
    assert not out.exists()


def test_a_workbook_that_is_not_there_is_said_in_words(tmp_path, capsys):
    missing = tmp_path / "2025_TSM_Full_Data.xlsx"
    code, error = _add(capsys, str(missing), "--out", str(tmp_path / "rsh"))
    assert code == 1
    assert error == [
        f"complaints rsh add: {missing}: not a readable .xlsx workbook (no such file or "
        "directory); nothing was written"
    ]


@needs_workbook
@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_an_out_folder_that_cannot_be_made_is_said_in_words(capsys):
    code, error = _add(capsys, str(SOURCE), "--out", "/proc/rsh")  # no folder can be made there
    assert code == 1
    assert error == [
        "complaints rsh add: the edition could not be written to /proc/rsh (no such file or "
        "directory): check that --out names a folder that can be made there, then run it again; "
        "the editions there are as they were"
    ]


def test_an_edition_whose_record_is_damaged_is_named_by_rsh_list(tmp_path, capsys, monkeypatch):
    import shutil

    from pipeline.rsh import editions
    from tests.fixtures.rsh.editions import COMMITTED

    shutil.copytree(COMMITTED / "2024-25", tmp_path / "2024-25")
    (tmp_path / "2024-25" / "edition.json").write_text("{cut off")  # a copy that stopped
    monkeypatch.setenv(editions.ROOT_ENV, str(tmp_path))
    editions.clear_cache()
    code = complaints(["rsh", "list"])
    said = capsys.readouterr()
    assert "Traceback" not in said.out + said.err
    assert code == 1
    assert said.err.strip().splitlines() == [
        f"complaints rsh list: {tmp_path / '2024-25' / 'edition.json'} cannot be read as an "
        "edition's record (expecting property name enclosed in double quotes); add the 2024/25 "
        "workbook again with 'complaints rsh add <workbook>'"
    ]
