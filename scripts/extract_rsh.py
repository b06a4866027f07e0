"""Extract an edition of the RSH TSM full-data workbook to ``data/rsh/<year>/``.

The same as ``complaints rsh add <workbook> [--year 2023-24]`` (pipeline/rsh/, docs/rsh.md); kept so
existing instructions work. The default workbook is the 2024/25 edition on the shared data folder.

Usage::

    uv run python scripts/extract_rsh.py [WORKBOOK] [--year 2024-25] [--out data/rsh]
"""

from __future__ import annotations

import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from pipeline.rsh.cli import main as rsh_main  # noqa: E402

DEFAULT_WORKBOOK = Path("/work/shared/data/rsh/2025_TSM_Full_Data_v1.0_FINAL.xlsx")


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0].startswith("-"):
        args.insert(0, str(DEFAULT_WORKBOOK))
    return rsh_main(["rsh", "add", *args])


if __name__ == "__main__":
    # As the complaints command runs (pipeline.cli.console): a SIGTERM before 'rsh add' catches
    # stops itself is said in one line, exit code 143; it used to end the script silently.
    from pipeline.stopping import stop_from_the_start

    stop_from_the_start()
    from pipeline.cli import console

    console(main)
