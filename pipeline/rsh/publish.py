"""Writing an extracted edition: its CSVs, and the folder published all or nothing."""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from pathlib import Path


def csv_text(fieldnames: list[str], rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def publish(files: dict[str, bytes], target: Path) -> None:
    """Write ``files`` into a new folder beside ``target`` and rename it into place.

    A reader sees the old folder or the new one, never a half-written one; a failure leaves the old
    folder as it was and no temporary folder behind.
    """
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=parent))
    previous = parent / f".{target.name}.previous-{os.getpid()}"
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o777 & ~umask)
        for name, data in files.items():
            with open(staging / name, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(staging / name, 0o666 & ~umask)
        if target.exists():
            os.replace(target, previous)
            try:
                os.replace(staging, target)
            except BaseException:
                os.replace(previous, target)
                raise
            shutil.rmtree(previous, ignore_errors=True)
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


__all__ = ["csv_text", "publish"]
