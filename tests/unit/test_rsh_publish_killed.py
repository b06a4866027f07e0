"""``complaints rsh add`` killed (``kill -9``) while it publishes an edition's folder: the edition
stays readable, old or new, and what the killed add left beside it is removed by the next one.

The kill is a child process that ends itself with SIGKILL at a chosen moment of the publish."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from pipeline.rsh import editions
from pipeline.rsh.publish import publish

PROJECT_ROOT = Path(__file__).resolve().parents[2]
OLD = {"edition.json": b'{"old": true}', "landlords.csv": b"old\n"}
NEW = {"edition.json": b'{"new": true}', "landlords.csv": b"new\n"}


def _killed_publish(target: Path, kill_when: str, exchange: bool = True) -> int:
    """Publish NEW over ``target`` in a child that kills itself when ``kill_when`` happens:
    ``moved_aside`` (the old folder renamed away) or ``second_file`` (writing the new folder)."""
    code = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        import pipeline.rsh.publish as publish
        target = Path({str(target)!r})
        real_replace, real_fsync, synced = os.replace, os.fsync, []
        def replace(source, destination):
            real_replace(source, destination)
            if {kill_when!r} == "moved_aside" and Path(source) == target:
                os.kill(os.getpid(), signal.SIGKILL)
        def fsync(fd):
            synced.append(fd)
            if {kill_when!r} == "second_file" and len(synced) == 2:
                os.kill(os.getpid(), signal.SIGKILL)
            real_fsync(fd)
        os.replace, os.fsync = replace, fsync
        if not {exchange!r}:
            publish._exchange = lambda first, second: False
        publish.publish({NEW!r}, target)
        """
    )
    return subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, check=False).returncode


def _contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def test_an_add_killed_while_it_swaps_the_folder_leaves_an_edition(tmp_path):
    target = tmp_path / "2024-25"
    publish(OLD, target)
    _killed_publish(target, "moved_aside")
    assert target.is_dir() and _contents(target) in (OLD, NEW)


def test_an_add_killed_between_its_two_renames_is_put_back_when_the_editions_are_read(
    tmp_path, monkeypatch
):
    target = tmp_path / "2024-25"
    publish(OLD, target)
    assert _killed_publish(target, "moved_aside", exchange=False) != 0
    assert not target.exists()  # the moment the kill left: the old folder moved aside
    monkeypatch.setenv(editions.ROOT_ENV, str(tmp_path))
    editions._folders(tmp_path)
    assert _contents(target) == OLD
    assert sorted(path.name for path in tmp_path.iterdir()) == ["2024-25"]


def test_the_half_written_folder_of_a_killed_add_is_removed_by_the_next(tmp_path):
    target = tmp_path / "2024-25"
    publish(OLD, target)
    assert _killed_publish(target, "second_file") != 0
    assert _contents(target) == OLD
    publish(NEW, target)
    assert _contents(target) == NEW
    assert sorted(path.name for path in tmp_path.iterdir()) == ["2024-25"]


def test_an_add_on_a_full_disk_says_so_in_one_line(tmp_path, monkeypatch, capsys):
    import errno

    import pipeline.rsh.extract
    from pipeline.cli import main as complaints

    def disk_full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / ".2024-25.partial"))

    monkeypatch.setattr(pipeline.rsh.extract, "extract", disk_full)
    code = complaints(["rsh", "add", str(tmp_path / "book.xlsx"), "--out", str(tmp_path)])
    said = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert len(said) == 1 and "no space left on device" in said[0], said
    assert "as they were" in said[0]


def test_an_interrupt_just_after_the_new_folder_moved_in_leaves_it_in_place(tmp_path, monkeypatch):
    """Where the folders cannot be swapped in one step, an interrupt (Ctrl-C outside the command,
    which holds it back) just after the new folder was moved in tried to move the old one back
    onto it: "directory not empty", reported as a failure with the new edition in place."""
    import pytest

    import pipeline.rsh.publish as publishing

    target = tmp_path / "2024-25"
    publish(OLD, target)
    real_replace = os.replace

    def replace_then_interrupt(source, destination):
        real_replace(source, destination)
        if Path(destination) == target:
            raise KeyboardInterrupt

    monkeypatch.setattr(publishing, "_exchange", lambda first, second: False)
    monkeypatch.setattr(publishing.os, "replace", replace_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        publish(NEW, target)
    monkeypatch.undo()
    assert _contents(target) == NEW
