"""``complaints rsh add`` stopped by Ctrl-C or SIGTERM: one line that says which edition was left
in place (the new one, or the one there before), the shell's exit code, no traceback.

SIGTERM (a scheduler's timeout) used to end the command silently with 143, and a Ctrl-C just after
the folder swap said "before anything was written" with the new edition in place. Each stop here
is a signal the command's own process sends itself at a chosen moment, so the test is exact.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.fixtures.rsh.editions import COMMITTED, SOURCE, source_available

PROJECT_ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not source_available(), reason=f"the RSH 2024/25 workbook is not on this machine ({SOURCE})"
)


def _previous_edition(out: Path) -> Path:
    """A 2024-25 edition already in ``out``, told apart from the new one by its workbook name."""
    target = out / "2024-25"
    shutil.copytree(COMMITTED / "2024-25", target)
    meta = json.loads((target / "edition.json").read_text())
    meta["workbook"]["name"] = "previous.xlsx"
    (target / "edition.json").write_text(json.dumps(meta))
    return target


def _edition_name(target: Path) -> str:
    return json.loads((target / "edition.json").read_text())["workbook"]["name"]


def _run_python(script: str, *, warnings_shown: bool = False) -> subprocess.CompletedProcess:
    """``script`` run by a new interpreter in the project, its output captured."""
    env = dict(os.environ) if warnings_shown else {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _add_stopped(out: Path, signal_name: str, when: str, exchange: bool = True):
    """``complaints rsh add`` of the 2024/25 workbook that sends itself ``signal_name`` when
    ``when`` happens: ``reading`` (the workbook being read) or ``swapped`` (the new folder just
    put in place); (exit code, output)."""
    code = textwrap.dedent(
        f"""
        import os, signal, sys
        import pipeline.rsh.extract as extract
        import pipeline.rsh.publish as publish
        number = signal.{signal_name}
        real_run, real_exchange, real_replace = extract._Extract.run, publish._exchange, os.replace
        def run(self):
            if {when!r} == "reading":
                os.kill(os.getpid(), number)
            return real_run(self)
        def exchange(first, second):
            if not {exchange!r}:
                return False
            swapped = real_exchange(first, second)
            if {when!r} == "swapped":
                os.kill(os.getpid(), number)
            return swapped
        def replace(source, destination):
            real_replace(source, destination)
            if {when!r} == "swapped" and str(destination) == publish_target:
                os.kill(os.getpid(), number)
        publish_target = {str(out / "2024-25")!r}
        extract._Extract.run, publish._exchange = run, exchange
        publish.os.replace = replace
        sys.argv = ["complaints", "rsh", "add", {str(SOURCE)!r}, "--out", {str(out)!r}]
        from pipeline.cli import console
        console()
        """
    )
    done = _run_python(code)
    return done.returncode, done.stdout + done.stderr


@pytest.mark.parametrize(("signal_name", "code"), [("SIGTERM", 143), ("SIGINT", 130)])
def test_a_stop_while_the_workbook_is_read_keeps_the_previous_edition_and_says_so(
    tmp_path, signal_name, code
):
    target = _previous_edition(tmp_path)
    returned, output = _add_stopped(tmp_path, signal_name, "reading")
    assert returned == code, output
    assert "Traceback" not in output, output
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert lines[0].startswith("complaints rsh add: stopped by "), output
    assert "the 2024/25 edition there is as it was" in lines[0], output
    assert _edition_name(target) == "previous.xlsx"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024-25"]  # no staging folder left


@pytest.mark.parametrize("exchange", [True, False], ids=["exchanged", "renamed"])
@pytest.mark.parametrize(("signal_name", "code"), [("SIGTERM", 143), ("SIGINT", 130)])
def test_a_stop_just_after_the_swap_says_the_new_edition_is_in_place(
    tmp_path, signal_name, code, exchange
):
    target = _previous_edition(tmp_path)
    returned, output = _add_stopped(tmp_path, signal_name, "swapped", exchange)
    assert returned == code, output
    assert "Traceback" not in output, output
    assert "before anything was written" not in output, output
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert SOURCE.name in lines[0] and "is in place" in lines[0], output
    assert str(target) in lines[0], output
    assert _edition_name(target) == SOURCE.name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024-25"]  # the old folder removed


def test_a_stop_with_no_previous_edition_says_none_was_added(tmp_path):
    returned, output = _add_stopped(tmp_path, "SIGTERM", "reading")
    assert returned == 143, output
    assert "no 2024/25 edition was added" in output, output
    assert not (tmp_path / "2024-25").exists()


@pytest.mark.parametrize(("signal_name", "code"), [("SIGTERM", 143), ("SIGINT", 130)])
def test_a_stop_as_the_command_ends_does_not_say_nothing_was_written(tmp_path, signal_name, code):
    """A stop after the command's own handling ended (the edition added, its lines printed): the
    command line's last resort said "before anything was written" on Ctrl-C, and SIGTERM ended
    it silently."""
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        import pipeline.rsh.cli as rsh_cli
        real_add = rsh_cli.cmd_add
        def add_then_stop(args):
            code = real_add(args)
            os.kill(os.getpid(), signal.{signal_name})
            return code
        rsh_cli.cmd_add = add_then_stop
        sys.argv = ["complaints", "rsh", "add", {str(SOURCE)!r}, "--out", {str(tmp_path)!r}]
        from pipeline.cli import console
        console()
        """
    )
    done = _run_python(script)
    output = done.stdout + done.stderr
    assert done.returncode == code, output
    assert "Traceback" not in output and "before anything was written" not in output, output
    assert output.strip().splitlines()[-1] == (
        f"complaints: stopped by {'Ctrl-C' if signal_name == 'SIGINT' else 'SIGTERM'} as the "
        "command ended: what it said above stands"
    ), output
    assert _edition_name(tmp_path / "2024-25") == SOURCE.name


def test_sigterm_before_the_command_began_says_nothing_was_written(tmp_path):
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        import pipeline.rsh.cli as rsh_cli
        def add(args):
            os.kill(os.getpid(), signal.SIGTERM)  # as it starts, before its own handling
        rsh_cli.cmd_add = add
        sys.argv = ["complaints", "rsh", "add", {str(SOURCE)!r}, "--out", {str(tmp_path)!r}]
        from pipeline.cli import console
        console()
        """
    )
    done = _run_python(script, warnings_shown=True)
    assert done.returncode == 143, done.stderr
    assert done.stdout == "complaints: stopped by SIGTERM before anything was written\n"
    assert done.stderr == ""


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGINT"])
def test_a_stop_while_the_command_closes_ends_it_without_a_traceback(tmp_path, signal_name):
    """A stop while the command closes what it opened (the browser that printed its PDFs, the
    run history) raised inside the closing: a traceback, and the exit code lost."""
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        import pipeline.reporting.pdf as pdf
        def stop_browser():
            os.kill(os.getpid(), signal.{signal_name})  # as the browser is being closed
        pdf.stop_browser = stop_browser
        sys.argv = ["complaints", "rsh", "add", {str(SOURCE)!r}, "--out", {str(tmp_path)!r}]
        from pipeline.cli import console
        console()
        """
    )
    done = _run_python(script)
    assert done.returncode == 0, done.stdout + done.stderr  # its work was done and said
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stdout.startswith("RSH TSM 2024/25 extracted"), done.stdout
