"""Generate the four example landlord workspaces under ``examples/`` (seeded, byte-identical reruns).

What is generated and how is described in the ``examples_gen`` package beside this script; this is
its command-line entry point (``make examples``).

Usage::

    uv run python scripts/generate_examples.py            # writes examples/
    uv run python scripts/generate_examples.py --out DIR  # writes DIR/ (the determinism test)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from examples_gen import generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "examples"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="examples folder to write")
    generate(parser.parse_args().out)


if __name__ == "__main__":
    main()
