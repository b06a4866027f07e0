"""The command's in-memory Dagster instance keeps its folder under a name of its process, so the
folder a killed process left is removed by the next one (Dagster's own ``tmp*`` folders were left
behind by every ``kill -9``, one per process of the command)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# a run stores into the instance's folder: storage_directory() makes it, as a run does
KILLED = (
    "import os, signal\n"
    "from pipeline.process import dagster_instance\n"
    "dagster_instance().storage_directory()\n"
    "os.kill(os.getpid(), signal.SIGKILL)\n"
)
ENDED = (
    "from pipeline.process import dagster_instance, exit_now\n"
    "dagster_instance().storage_directory()\n"
    "exit_now(0)\n"
)


def _child(code: str, temporary: Path) -> int:
    env = {**os.environ, "TMPDIR": str(temporary)}
    env.pop("DAGSTER_HOME", None)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, check=False, timeout=120
    ).returncode


def test_the_instance_folder_of_a_killed_process_is_removed_by_the_next(tmp_path):
    assert _child(KILLED, tmp_path) != 0
    assert list(tmp_path.iterdir()), "the killed process made no folder: nothing is tested"
    assert _child(ENDED, tmp_path) == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == []


def test_a_process_that_ends_without_exit_now_removes_its_instance_folder(tmp_path):
    ended_plainly = "from pipeline.process import dagster_instance\ndagster_instance()\n"
    assert _child(ended_plainly, tmp_path) == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == []
