"""``complaints group`` stopped (Ctrl-C, SIGTERM) or meeting an expected problem (a member with no
file, an output folder it cannot write, a member's file it cannot read): one line that says what
was written and what stands, the shell's exit code, no traceback.

SIGTERM used to end it silently with 143, and each of those problems printed a Python traceback.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from pipeline import cli
from pipeline.resources import landlord_lock

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def output(tmp_path: Path) -> Path:
    """An output root with two members' measures."""
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    for landlord, value in (("alpha", 53.9), ("beta", 8.3)):
        with duckdb.connect(str(warehouse / f"{landlord}.duckdb")) as con:
            con.execute(
                f"create table measures as select '{landlord}' as landlord_id, "
                f"'CH01_1' as measure, {value}::double as value"
            )
    return tmp_path


def _group(output: Path, *extra: str, stop_when: str = "") -> subprocess.Popen:
    """``complaints group`` as a user runs it; with ``stop_when="opened"`` it sends itself
    SIGTERM once the members' files are open (as a scheduler's timeout would, mid-read)."""
    code = textwrap.dedent(
        f"""
        import os, signal, sys
        import pipeline.group_views as views
        real_open = views.open_group
        import pipeline.io as io
        real_write = io.atomic_write_text
        def write_text(path, text):
            if {stop_when!r} == "writing":
                os.kill(os.getpid(), signal.SIGTERM)
            return real_write(path, text)
        io.atomic_write_text = write_text
        import pipeline.reporting.group as group_report
        def render_then_browser_killed(con, period, output_root, **kwargs):
            # as a terminal's Ctrl-C does: the HTML written, then the browser printing the PDF
            # ends with the command's process group, and the print fails
            folder = output_root / "group" / period.key
            io.atomic_write_text(folder / "group_report.html", "<html></html>")
            os.kill(os.getpid(), signal.SIGTERM)
            raise RuntimeError("Target page, context or browser has been closed")
        if {stop_when!r} == "printing":
            group_report.render_group_report = render_then_browser_killed
        def open_group(*args, **kwargs):
            con = real_open(*args, **kwargs)
            if {stop_when!r} == "opened":
                os.kill(os.getpid(), signal.SIGTERM)
            return con
        views.open_group = open_group
        sys.argv = ["complaints", "group", "--output", {str(output)!r}, *{list(extra)!r}]
        from pipeline.cli import console
        console()
        """
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_sigterm_while_the_members_are_read_says_nothing_was_written(output):
    target = output / "group.csv"
    command = _group(output, "--csv", str(target), stop_when="opened")
    said, _ = command.communicate(timeout=120)
    assert command.returncode == 143, said
    assert "Traceback" not in said, said
    stopped = [line for line in said.splitlines() if "stopped" in line]
    assert stopped == [
        "complaints group: stopped by SIGTERM. Nothing was written: the group's files are as "
        "they were. Run the same command again to finish."
    ], said
    assert not target.exists()


def test_sigterm_while_the_csv_is_written_says_it_was_written_whole(output):
    target = output / "group.csv"
    command = _group(output, "--csv", str(target), stop_when="writing")
    said, _ = command.communicate(timeout=120)
    assert command.returncode == 143, said
    assert said.splitlines()[-2:] == [
        f"written {target}",
        "complaints group: stopped by SIGTERM as it finished: what it wrote (above) is whole.",
    ], said
    assert target.read_text().startswith("group_landlord,landlord_id,measure,value\n")


def test_a_stop_that_ends_the_pdf_print_names_the_report_written_before_it(output):
    """A Ctrl-C in a terminal reaches the browser printing the group report's PDF too: the print
    failed, and the command said "Nothing was written" with the new HTML beside the old PDF."""
    folder = output / "group" / "2024-25"
    folder.mkdir(parents=True)
    (folder / "group_report.pdf").write_text("the previous report")
    command = _group(output, "--period", "2024-25", stop_when="printing")
    said, _ = command.communicate(timeout=120)
    assert command.returncode == 143, said
    assert "Traceback" not in said, said
    assert said.splitlines()[-1] == (
        "complaints group: stopped by SIGTERM. Written before the stop: "
        f"{folder / 'group_report.html'}. Run the same command again to finish."
    ), said


def test_sigterm_while_waiting_for_a_members_run_stops_at_once(output):
    lock = output / "warehouse" / "alpha.duckdb.lock"
    with landlord_lock(lock, "alpha", 0):  # a run writing alpha
        command = _group(output, "--csv", str(output / "group.csv"))
        assert "waiting up to" in command.stdout.readline()
        asked = time.monotonic()
        command.send_signal(signal.SIGTERM)
        said, _ = command.communicate(timeout=60)
    assert time.monotonic() - asked < 5
    assert command.returncode == 143, said
    assert "complaints group: stopped by SIGTERM. Nothing was written" in said, said
    assert "Traceback" not in said, said


def test_a_member_without_a_file_is_named_in_one_line(output, capsys):
    assert cli.main(["group", "--output", str(output), "--landlord", "gamma"]) == 1
    said = capsys.readouterr()
    assert said.err.strip().splitlines() == [
        f"complaints group: no warehouse file for ['gamma'] under {output / 'warehouse'}; "
        "run that landlord first (complaints run), or leave it out. Nothing was written."
    ]


def test_a_csv_path_under_a_file_is_said_in_one_line(output, capsys):
    (output / "notes.txt").write_text("")
    target = output / "notes.txt" / "group.csv"  # a folder name taken by a file
    assert cli.main(["group", "--output", str(output), "--csv", str(target)]) == 1
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1, error
    assert error[0].startswith(f"complaints group: {target} could not be written ("), error
    assert error[0].endswith("Nothing was written."), error


def test_an_output_folder_it_may_not_write_to_is_said_in_one_line(output, capsys, monkeypatch):
    import pipeline.io

    def refused(path, *_args, **_kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(pipeline.io, "atomic_write_text", refused)
    target = output / "group.csv"
    assert cli.main(["group", "--output", str(output), "--csv", str(target)]) == 1
    error = capsys.readouterr().err.strip().splitlines()
    assert error == [
        f"complaints group: {target} could not be written (permission denied): fix the "
        "folder's permissions or free space, then run the same command again. Nothing was "
        "written."
    ]


def test_a_members_measures_it_cannot_read_are_said_without_a_traceback(output, capsys):
    # a member's measures table from before the period columns: the group report cannot use it
    assert cli.main(["group", "--output", str(output), "--period", "2024-25"]) == 1
    said = capsys.readouterr()
    assert "Traceback" not in said.out + said.err
    error = said.err.strip().splitlines()
    assert error == [
        "complaints group: the members' measures could not be read (a table or column the "
        "group report needs is missing from a member's file): a member's file (listed above) may "
        "be from an earlier version of the pipeline or damaged; run its landlord again "
        "(complaints run), then this command. Nothing was written."
    ], error


def test_a_members_file_that_is_not_a_database_is_named_with_what_to_do(output, capsys):
    """DuckDB's own text was printed: "(IOException: IO Error: The file ... is not a valid DuckDB
    database file!)", its class name and all."""
    alpha = output / "warehouse" / "alpha.duckdb"
    alpha.write_text("name,email\nJane Doe,jane@example.org\n")  # a list saved over it
    assert cli.main(["group", "--output", str(output), "--period", "2024-25"]) == 1
    said = capsys.readouterr()
    assert said.err.strip().splitlines() == [
        f"complaints group: the warehouse file of alpha ({alpha}) could not be opened: it is "
        "not a DuckDB database: damaged, or another file put in its place. Run that landlord "
        "again (complaints run) to rebuild it, or move the file out of the warehouse folder to "
        "leave that landlord out, then run this command again. Nothing was written."
    ]
    assert "Jane" not in said.out + said.err


def test_a_members_file_another_program_writes_is_named_with_what_to_do(output, capsys):
    """A program other than the pipeline (a DuckDB shell left open on it) holds the file: DuckDB's
    "IOException: IO Error: Could not set lock on file ..." was printed as it came."""
    alpha = output / "warehouse" / "alpha.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys; con = duckdb.connect({str(alpha)!r}); print('open', flush=True);"
            " sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "open\n"
        assert cli.main(["group", "--output", str(output), "--period", "2024-25"]) == 1
    finally:
        holder.communicate("", timeout=60)
    assert capsys.readouterr().err.strip().splitlines() == [
        f"complaints group: the warehouse file of alpha ({alpha}) could not be opened because "
        "another program is writing it; wait until it has finished, then run the same command "
        "again. Nothing was written."
    ]
