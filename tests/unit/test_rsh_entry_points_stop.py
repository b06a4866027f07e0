"""``python -m pipeline.rsh.cli`` and ``scripts/extract_rsh.py`` stopped by SIGTERM before ``rsh
add`` catches stops itself (its arguments being read): one line and exit code 143, as
``complaints`` says it (:func:`pipeline.cli.console`).

Both ended silently, killed by the signal: they did not go through ``console``. The stop here is a
signal the command's own process sends itself while its arguments are read, so the test is exact.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FROM_THE_MODULE = ["-m", "pipeline.rsh.cli", "rsh", "add"]
FROM_THE_SCRIPT = [str(PROJECT_ROOT / "scripts" / "extract_rsh.py")]


def _run(entry: list[str], *args: str, stop: bool) -> subprocess.CompletedProcess:
    """The entry point as a user runs it; with ``stop`` it sends itself SIGTERM as its
    arguments are read (as a scheduler's timeout would, while the command starts)."""
    code = textwrap.dedent(
        f"""
        import argparse, os, runpy, signal, sys
        real_parse = argparse.ArgumentParser.parse_args
        def parse_args(self, *args, **kwargs):
            if {stop!r}:
                os.kill(os.getpid(), signal.SIGTERM)
            return real_parse(self, *args, **kwargs)
        argparse.ArgumentParser.parse_args = parse_args
        entry = {entry!r}
        sys.argv = [entry[-1], *entry[2:], *{list(args)!r}]
        if entry[0] == "-m":
            runpy.run_module(entry[1], run_name="__main__", alter_sys=True)
        else:
            runpy.run_path(entry[0], run_name="__main__")
        """
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("entry", [FROM_THE_MODULE, FROM_THE_SCRIPT], ids=["module", "script"])
def test_a_sigterm_while_it_starts_is_said_in_one_line(entry, tmp_path):
    done = _run(entry, str(tmp_path / "workbook.xlsx"), "--out", str(tmp_path / "out"), stop=True)
    assert done.returncode == 143, done
    assert done.stdout.splitlines() == [
        "complaints: stopped by SIGTERM before anything was written"
    ], done
    assert "Traceback" not in done.stderr, done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("entry", [FROM_THE_MODULE, FROM_THE_SCRIPT], ids=["module", "script"])
def test_its_own_exit_code_and_message_are_kept(entry, tmp_path):
    done = _run(entry, str(tmp_path / "workbook.xlsx"), "--marker", "foo", stop=False)
    assert done.returncode == 1, done
    assert done.stderr.startswith("complaints rsh add: --marker 'foo': it has no '='"), done
