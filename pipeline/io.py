"""Output helpers: atomic writes and spreadsheet-safe cells."""

from __future__ import annotations

import fcntl
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")

# The temporary name atomic_write_bytes gives a file while writing it: mkstemp's ".<name>." prefix,
# its eight random letters, digits or underscores, then ".tmp". Kept beside the call that makes it.
_TEMPORARY_PREFIX = ".{name}."
_TEMPORARY_SUFFIX = ".tmp"
_TEMPORARY_NAME = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")

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
    fd, tmp = tempfile.mkstemp(
        dir=path.parent, prefix=_TEMPORARY_PREFIX.format(name=path.name), suffix=_TEMPORARY_SUFFIX
    )
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


def is_temporary(path: Path) -> bool:
    """Whether ``path`` is named as :func:`atomic_write_bytes` names a file it is writing."""
    return _TEMPORARY_NAME.fullmatch(Path(path).name) is not None


@contextmanager
def writing_into(folder: Path) -> Iterator[list[Path]]:
    """Write into ``folder`` after removing the temporary files a killed writer left in it
    (``kill -9`` mid-write leaves them, and nothing else would); yields the paths removed.

    Only files named as :func:`atomic_write_bytes` names its own are removed, and only while no
    other process writes into ``folder`` through this: every writer holds a shared ``flock`` on
    ``.<folder>.lock`` beside it while it writes, and the clean-up needs it exclusively, so a
    temporary file still being written is never taken from under its writer.
    """
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder.parent / f".{folder.name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    removed: list[Path] = []
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pass  # another writer is at work here: what looks abandoned may be its
        else:
            for path in sorted(folder.iterdir()) if folder.is_dir() else []:
                if is_temporary(path) and path.is_file() and not path.is_symlink():
                    path.unlink(missing_ok=True)
                    removed.append(path)
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield removed
    finally:
        os.close(fd)  # and the lock with it


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
