"""The code version written into manifests and report appendices, without the reporting imports."""

from __future__ import annotations

import subprocess
from functools import cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@cache
def code_version() -> str:
    """``git describe`` of the checkout, else the installed package version (once per process)."""
    try:
        result = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--tags"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
        return result.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("complaints-pipeline")
        except PackageNotFoundError:
            return "unknown"
