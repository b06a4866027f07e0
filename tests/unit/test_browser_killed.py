"""A process killed (``kill -9`` of its process group) while its browser is open leaves nothing in
the temporary folder once the next browser has started: its Chromium profile and Playwright's
artifacts folder (``playwright-artifacts-*``, left by every kill) are removed by the next."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from pipeline.reporting.browser import chromium_path

pytestmark = pytest.mark.skipif(
    not chromium_path().exists(), reason=f"Debian chromium missing at {chromium_path()}"
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
KILLED = (
    "import os, signal\n"
    "from pipeline.reporting.browser import chromium_page\n"
    "print(os.getpid(), flush=True)\n"
    "with chromium_page() as page:\n"
    "    os.killpg(0, signal.SIGKILL)\n"
)
ENDED = "from pipeline.reporting.browser import chromium_page\nwith chromium_page() as page:\n    pass\n"


def _child(code: str, temporary: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env={**os.environ, "TMPDIR": str(temporary)},
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,  # its own process group: the kill takes its browser too
    )


def test_what_a_killed_browser_left_is_removed_when_the_next_starts():
    # a short path: Chromium's sockets in its profile must fit a Unix socket address
    temporary = Path(tempfile.mkdtemp(prefix="kb-"))
    try:
        killed = _child(KILLED, temporary)
        assert killed.returncode != 0
        assert list(temporary.iterdir()), "the killed browser left nothing: nothing is tested"
        assert _child(ENDED, temporary).returncode == 0
        left = sorted(path.name for path in temporary.iterdir())
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    # What the killed process left is gone. The second process's own profile may outlive it by
    # a moment when Chromium is slow to exit (a loaded machine): the next browser removes it.
    pid = killed.stdout.split()[0]
    assert not [name for name in left if f"-{pid}-" in name], left
    assert not [name for name in left if name.startswith("playwright-")], left
