"""YAML's safe loader, libyaml's when PyYAML has it.

The self-assessment and annual inputs are read several times a run (each document of each year
reads them); libyaml's loader builds the same values several times faster than PyYAML's own.
"""

from __future__ import annotations

import yaml

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str):
    """``yaml.safe_load(text)`` with :data:`SAFE_LOADER`."""
    return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
