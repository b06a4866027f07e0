"""Writing an extracted edition: its CSVs, and the folder published all or nothing."""

from __future__ import annotations

import contextlib
import csv
import ctypes
import errno
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


_PARTIAL = ".partial"
PREVIOUS = ".previous-"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step (Linux ``renameat2`` with ``RENAME_EXCHANGE``); False where
    the system or the file system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE):
        error = ctypes.get_errno()
        if error in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
            return False
        raise OSError(error, os.strerror(error), str(second))
    return True


def _pid_gone(name: str, marker: str) -> bool:
    """Whether the process whose id follows ``marker`` in ``name`` has ended."""
    digits = name.rsplit(marker, 1)[-1].split(".", 1)[0]
    if not digits.isdigit():
        return False
    try:
        os.kill(int(digits), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def recover(target: Path) -> None:
    """Put back what an ``rsh add`` killed mid-publish left beside ``target``.

    Where the two folders cannot be swapped in one step, the old one is moved aside before the
    new one is moved in: killed between the two, the edition was gone (benchmarks said the year
    had no RSH data) and stayed gone. A killed add's half-written copy stayed forever too, one
    per kill. Only a dead process's folders are touched: a running add owns its own.
    """
    target = Path(target)
    parent = target.parent
    if not parent.is_dir():
        return
    for previous in sorted(parent.glob(f".{target.name}{PREVIOUS}*")):
        if not _pid_gone(previous.name, PREVIOUS):
            continue
        if target.exists():
            shutil.rmtree(previous, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.replace(previous, target)
    for partial in parent.glob(f".{target.name}.*{_PARTIAL}"):
        if _pid_gone(partial.name, f".{target.name}."):
            shutil.rmtree(partial, ignore_errors=True)


def publish(files: dict[str, bytes], target: Path) -> None:
    """Write ``files`` into a new folder beside ``target`` and swap it into place.

    A reader sees the old folder or the new one, never a half-written one nor none; a failure
    leaves the old folder as it was and no temporary folder behind, and a kill leaves the old
    folder or the new one, whatever is beside it being removed by the next add (:func:`recover`).
    """
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    recover(target)
    staging = Path(
        tempfile.mkdtemp(prefix=f".{target.name}.{os.getpid()}.", suffix=_PARTIAL, dir=parent)
    )
    previous = parent / f".{target.name}{PREVIOUS}{os.getpid()}"
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
        if target.exists() and _exchange(staging, target):
            pass  # the staging folder now holds the old edition, removed below
        elif target.exists():
            os.replace(target, previous)
            try:
                os.replace(staging, target)
            except OSError:  # not moved in: the old one back (a Ctrl-C after the move is not
                # a failure of it, and moving back onto the new folder failed, "not empty")
                os.replace(previous, target)
                raise
            shutil.rmtree(previous, ignore_errors=True)
        else:
            os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


__all__ = ["PREVIOUS", "csv_text", "publish", "recover"]
