"""Output helpers: atomic writes and spreadsheet-safe cells."""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")

# Folders whose writes are being noted (watch_writes): folder -> the set of files written in it.
# Process-wide, not per thread or context: a document's PDF is printed on a background thread.
_WATCHED: dict[str, list[set[str]]] = {}
_WATCHED_GUARD = threading.Lock()


def fsync_path(path: Path) -> None:
    """Flush a file, or a folder after a rename in it, to disk. A file's failure raises; a folder
    is skipped on a filesystem that cannot open one for this."""
    folder = Path(path).is_dir()
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        if folder:
            return
        raise
    try:
        os.fsync(fd)
    except OSError:
        if not folder:
            raise
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file and a rename, so readers never see half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file private (0600); published documents follow the umask instead
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    note_write(path)
    return path


def note_write(path: Path) -> None:
    """Count ``path`` as written now (:func:`watch_writes`): for a writer that leaves an identical
    file in place instead of writing it again, the file is still part of what it produced."""
    if not _WATCHED:
        return
    written = os.path.abspath(path)
    with _WATCHED_GUARD:
        for folder, notes in _WATCHED.items():
            if written.startswith(folder + os.sep):
                for note in notes:
                    note.add(os.path.relpath(written, folder))


@contextmanager
def watch_writes(folder: Path) -> Iterator[set[str]]:
    """Note every file written under ``folder`` (by :func:`atomic_write_bytes`, from any thread of
    this process) while the block runs; yields the set of their paths relative to ``folder``.

    A generation of published outputs (pipeline/publish.py) records which asset wrote each file
    with this, so a later run that rebuilds that asset drops what it no longer writes. The
    folder need not exist yet.
    """
    key = os.path.abspath(folder)
    written: set[str] = set()
    with _WATCHED_GUARD:
        _WATCHED.setdefault(key, []).append(written)
    try:
        yield written
    finally:
        with _WATCHED_GUARD:
            notes = [note for note in _WATCHED[key] if note is not written]  # by identity
            if notes:
                _WATCHED[key] = notes
            else:
                del _WATCHED[key]


def atomic_write_text(path: Path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


def safe_cell(value):
    """Neutralise spreadsheet formula injection: text starting = + - @ (or tab/CR) gets a quote.

    Numbers stay numbers, so a negative figure is not mangled; only text is prefixed.
    """
    if isinstance(value, str) and value.lstrip(" ").startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value
