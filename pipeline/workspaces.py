"""Where landlord workspaces live and where a landlord's outputs go.

The workspaces root is a folder of landlord workspaces (design.md section 3); each sub-folder with a
``landlord.yaml`` is one landlord, named by the folder, so adding a folder adds a landlord.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WORKSPACES_ROOT = PROJECT_ROOT / "examples"
DEFAULT_OUTPUT_ROOT = PROJECT_ROOT / "output"


def workspaces_root() -> Path:
    return Path(os.environ.get("COMPLAINTS_WORKSPACES_ROOT", DEFAULT_WORKSPACES_ROOT))


def output_root() -> Path:
    return Path(os.environ.get("COMPLAINTS_OUTPUT_ROOT", DEFAULT_OUTPUT_ROOT))


def discover_landlords(root: Path | None = None) -> list[str]:
    """Folder names under ``root`` that hold a ``landlord.yaml``, sorted."""
    root = Path(root or workspaces_root())
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "landlord.yaml").is_file())


def warehouse_path(landlord_id: str, root: Path | None = None) -> Path:
    """The landlord's own DuckDB file: one writer per landlord, landlords in parallel."""
    return Path(root or output_root()) / "warehouse" / f"{landlord_id}.duckdb"


def documents_dir(landlord_id: str, period_key: str, root: Path | None = None) -> Path:
    return Path(root or output_root()) / landlord_id / period_key


def resolved_folder(path: str | Path, what: str) -> Path:
    """``path`` made absolute with its links followed, or the command stops saying why: a link
    that leads back to itself stopped it with a Python traceback (second hostile audit)."""
    try:
        return Path(path).resolve()
    except (RuntimeError, OSError) as exc:
        reason = getattr(exc, "strerror", None) or "it is a link that leads back to itself"
        raise SystemExit(
            f"error: the {what} {path} cannot be opened ({reason.lower()}); point to the real "
            "folder, or repair the link"
        ) from None
