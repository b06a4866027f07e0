"""Which files of a workspace each mapping reads, and which it leaves unread.

A mapping's ``files`` globs match in any case and through linked folders (never one holding the
workspace, nor /proc, /sys or /dev), each real file once;
a path that is not a readable file, a file two mappings match, and a file whose name looks like
a person's stop the load with a message naming the folder, never the name.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import glob
import os
import re
from pathlib import Path

from pipeline.mapping import Mapping, load_mappings
from pipeline.sources.errors import IngestError
from pipeline.sources.screen import looks_personal

__all__ = [
    "DATA_FOLDERS",
    "is_lock_file",
    "matched_files",
    "personal_file_names",
    "refuse_missing_complaint_export",
    "size_and_date",
    "unread_files",
]


def _matches(pattern: list[str], parts: list[str]) -> bool:
    """Whether a relative path's ``parts`` match a pattern's (``**`` any number of folders, a
    name starting with '.' only by a pattern part that does too, as :mod:`glob` reads them)."""
    if not pattern:
        return not parts
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(
            _matches(rest, parts[i:])
            for i in range(len(parts) + 1)
            if not any(part.startswith(".") for part in parts[:i])
        )
    if not parts or (parts[0].startswith(".") and not head.startswith(".")):
        return False
    return fnmatch.fnmatchcase(parts[0].casefold(), head.casefold()) and _matches(rest, parts[1:])


def _any_case(pattern: str) -> str:
    """A glob pattern matching names in any case: each letter outside a ``[...]`` class made a
    class of its two cases (``*.csv`` -> ``*.[cC][sS][vV]``).

    Exports are saved on Windows, where names have no case: Excel or a colleague saving
    ``Complaints_2025-26.CSV`` left the year's export unread by ``exports/complaints_*.csv``,
    and the run said ok with a TSM return of no complaints (third hostile audit).
    """
    out: list[str] = []
    in_class = False
    for ch in pattern:
        if in_class:
            in_class = ch != "]"
            out.append(ch)
        elif ch == "[":
            in_class = True
            out.append(ch)
        elif ch.lower() != ch.upper():
            out.append(f"[{ch.lower()}{ch.upper()}]")
        else:
            out.append(ch)
    return "".join(out)


# Kernel file systems: their files say 0 bytes and hold the machine's state, never an export
_SYSTEM_FOLDERS = ("/proc", "/sys", "/dev")


def _beyond_reach(real: str, home: str) -> bool:
    """Whether a folder a link leads to (``real``) must not be walked for the workspace whose
    real path is ``home``: one that holds the workspace (its parent, the disk's root) reaches
    other landlords' exports and the whole disk, where '**' took minutes and matched files
    anywhere on the machine; a kernel folder is no data. Links elsewhere (a share) are followed."""
    holds_home = home.startswith(real.rstrip(os.sep) + os.sep)
    in_system = any(
        (real == top or real.startswith(top + os.sep)) and not home.startswith(top + os.sep)
        for top in _SYSTEM_FOLDERS  # (a workspace may itself sit in /dev/shm)
    )
    return holds_home or in_system


def _glob(workspace: Path, pattern: str) -> list[str]:
    """``glob.glob(workspace / pattern, recursive=True)``, but each real folder visited once.

    Python's glob follows links to folders under ``**``: a link to a folder above (or to its own
    folder) made every export match once per path, up to 40 deep, and two such links made the
    paths grow exponentially, so the run never finished (second hostile audit). Folders are
    walked with links followed, each real folder once.
    """
    if "**" not in pattern:
        return [
            os.path.join(workspace, found)
            for found in glob.glob(_any_case(pattern), root_dir=workspace)
        ]
    parts = Path(pattern).parts
    fixed = next(i for i, part in enumerate(parts) if glob.has_magic(part))
    base = workspace.joinpath(*parts[:fixed])
    wanted = list(parts[fixed:])
    found: list[str] = []
    seen: set[str] = set()
    home = os.path.realpath(workspace)
    for folder, dirs, files in os.walk(base, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen or _beyond_reach(real, home):
            dirs[:] = []
            continue
        seen.add(real)
        relative = Path(folder).relative_to(base).parts
        found += [
            os.path.join(folder, name)
            for name in [*dirs, *files]
            if _matches(wanted, [*relative, name])
        ]
    if _matches(wanted, []):  # 'exports/**' matches the folder itself too
        found.append(str(base) + os.sep)
    return found


def matched_files(workspace: Path, mappings: dict[str, Mapping]) -> dict[str, list[Path]]:
    """Files each mapping's globs match, sorted; a file matched by two mappings is an error."""
    seen: dict[Path, str] = {}
    out: dict[str, list[Path]] = {}
    not_files: dict[Path, str] = {}
    # One file reached by two paths (a '**' pattern through a link to a folder above, or a link
    # to a sibling folder) is one file: it was read once per path, up to 40 times through a link
    # loop, and its rows counted again each time (second hostile audit). The shortest path names it.
    real: dict[Path, Path] = {}
    for name, mapping in mappings.items():
        paths: set[Path] = set()
        for pattern in mapping.files:
            for p in sorted(_glob(workspace, pattern), key=lambda found: (found.count("/"), found)):
                path = Path(p)
                if is_lock_file(path):
                    continue
                if path.is_file():
                    # the first path found for a file stands for it (a second mapping
                    # matching it by another path is then told of as matching it twice)
                    paths.add(real.setdefault(path.resolve(), path))
                elif not (path.is_dir() and "**" in Path(pattern).name):
                    not_files[path] = name  # ('**' matches folders on purpose)
        if not_files:
            _refuse_not_a_file(workspace, not_files)
        for path in paths:
            if path in seen:
                shown = path.relative_to(workspace).as_posix()
                targets = {mappings[seen[path]].target, mapping.target}
                tracker = (
                    ": for a tracker of one row per Ombudsman case and its determination, map "
                    "the determination under the case mapping's 'finding' (docs/mapping.md)"
                    if targets == {"ombudsman_case", "ombudsman_finding"}
                    else ""
                )
                raise IngestError(
                    f"{shown}: matched by two mappings ({seen[path]} and {name}); "
                    f"each file must be read once{tracker}"
                )
            seen[path] = name
        out[name] = sorted(paths)
    broken = [path for path in seen if _has_control_characters(path.relative_to(workspace))]
    if broken:
        path = min(broken)
        raise IngestError(
            f"{path.parent.relative_to(workspace).as_posix() or '.'}/: the name of a file "
            f"{seen[path]} reads holds a line break or another control character "
            f"({size_and_date(path)}); file names are printed in the run's messages, the "
            "data-quality report, quarantine.csv and the manifest, where such a name breaks "
            "the lines, so rename the file"
        )
    personal = personal_file_names(workspace, list(seen))
    if personal:
        path = min(personal)
        raise IngestError(
            f"{path.parent.relative_to(workspace).as_posix() or '.'}/: the name of a file "
            f"{seen[path]} reads looks like a person's name or contact details "
            f"({size_and_date(path)}); file names are printed in the "
            "data-quality report, quarantine.csv and the manifest, so rename the file"
        )
    return out


def _refuse_not_a_file(workspace: Path, not_files: dict[Path, str]) -> None:
    """Stop the run on a path a mapping's ``files`` matches that is not a file it can read: a
    folder named like an export (one unzipped into a folder of its name), a link to a file that
    is gone, a named pipe. Left out, its rows were missing from a run that said ok."""
    path = min(not_files)
    shown = path.relative_to(workspace).as_posix()
    if personal_file_names(workspace, [path]):
        shown = (
            f"{path.parent.relative_to(workspace).as_posix()}/(a path whose name looks like a "
            "person's name or contact details)"
        )
    if path.is_symlink() and not path.exists():
        what = "is a link to a file that is not there (moved or deleted)"
    elif path.is_dir():
        what = "is a folder, not a file"
    else:
        what = "is not a file that can be read (a named pipe or a device)"
    raise IngestError(
        f"{shown}: {what}, but {not_files[path]}'s files pattern matches it, so its rows would "
        "be left out; put the export itself there, or move it away"
    )


# C0 and C1 control characters and DEL: a line break in a name printed as two lines, the second
# able to pass for a line the run wrote itself; a terminal escape could rewrite the console
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _has_control_characters(relative: Path) -> bool:
    return bool(_CONTROL_CHARACTERS.search(relative.as_posix()))


# A file name's words are often joined by '_', '-' or '.': the screen reads them as spaces too
_NAME_JOINERS = re.compile(r"[_.\-/]+")


def personal_file_names(workspace: Path, paths: list[Path]) -> set[Path]:
    """The ``paths`` whose name (relative to ``workspace``, folders included) looks like a
    person's name or contact details (``Mrs_Hall.csv``, ``jean.hall@example.org.csv``): read by
    the screen of free-text cells (:func:`pipeline.sources.screen.looks_personal`) as typed
    and with its joining characters read as spaces."""
    names = {path: path.relative_to(workspace).as_posix() for path in paths}
    spaced = {path: _NAME_JOINERS.sub(" ", name) for path, name in names.items()}
    hits = looks_personal([*names.values(), *spaced.values()])
    return {path for path in paths if names[path] in hits or spaced[path] in hits}


def size_and_date(path: Path) -> str:
    """A file told apart without its name (which may be personal data): ``1,234 bytes, modified
    06 Dec 2026 10:15``."""
    stat = path.stat()
    modified = dt.datetime.fromtimestamp(stat.st_mtime)
    return f"{stat.st_size:,} bytes, modified {modified:%d %b %Y %H:%M}"


def is_lock_file(path: Path) -> bool:
    """An Office owner file, ``~$report.xlsx``: Excel writes one beside a workbook while it is
    open (and Word beside a document). It holds who opened it, never data: a ``files`` glob
    such as ``exports/*.xlsx`` matched it, and the run stopped as on a damaged workbook
    whenever someone had the export open."""
    return path.name.startswith("~$")


# The workspace's data folders: a file in one that no mapping's ``files`` matches is never read,
# so it is named (a new year's export saved under another name is the usual case). Not data:
# ombudsman/publications.yaml is configuration, notes may sit beside the exports.
DATA_FOLDERS = ("exports", "surveys", "ombudsman")
_NOT_DATA_SUFFIXES = {".yaml", ".yml", ".md"}


def unread_files(workspace: Path, files: dict[str, list[Path]] | None = None) -> list[str]:
    """Files in the data folders that no mapping reads, relative to ``workspace``, sorted.

    ``files``: :func:`matched_files`' answer when the caller has it (else worked out here).
    """
    workspace = Path(workspace)
    if files is None:
        files = matched_files(workspace, load_mappings(workspace))
    read = {path.resolve() for paths in files.values() for path in paths}
    unread = [
        path
        for folder in DATA_FOLDERS
        if (workspace / folder).is_dir()
        for path in (workspace / folder).rglob("*")
        if path.is_file()
        and not path.name.startswith(".")
        and not is_lock_file(path)
        and path.suffix.lower() not in _NOT_DATA_SUFFIXES
        and path.resolve() not in read
    ]
    personal = personal_file_names(workspace, unread)
    return sorted(_unread_name(workspace, path, path in personal) for path in unread)


def _unread_name(workspace: Path, path: Path, personal: bool) -> str:
    """How an unread file is listed: by its name, or by its folder when the name must not be
    printed (it looks personal, or it would break the line it is printed on)."""
    relative = path.relative_to(workspace)
    folder = relative.parent.as_posix()
    if _has_control_characters(relative):
        return f"{folder}/(a file whose name holds a line break or another control character)"
    if personal:
        return f"{folder}/(a file whose name looks like a person's name or contact details)"
    return relative.as_posix()


def _reads_complaints(mapping: Mapping) -> bool:
    """Whether ``mapping`` loads complaints: its target, or one its route sends rows to."""
    routed = mapping.route.targets().values() if mapping.route else ()
    return mapping.target == "complaint" or any(t.target == "complaint" for t in routed)


def refuse_missing_complaint_export(
    mappings: dict[str, Mapping], files: dict[str, list[Path]]
) -> None:
    """Stop a load none of whose complaint mappings matched a file.

    Such a load still read the surveys and the Ombudsman's files and said ok, and every return
    then said the landlord received no complaint (CH01 0.0 per 1,000 homes): a false figure, with a
    warning on the console only. A complaint mapping with no file beside one with files (an old
    system's export, say) is only warned of, as any mapping that matches no file is.
    """
    complaint = [name for name, mapping in mappings.items() if _reads_complaints(mapping)]
    if not complaint or any(files.get(name) for name in complaint):
        return
    patterns = "; ".join(
        f"{name}: {', '.join(repr(p) for p in mappings[name].files)}" for name in complaint
    )
    raise IngestError(
        f"no complaint export: no file matches the files pattern of the complaint mapping(s) "
        f"({patterns}), so every return would say no complaint was received (CH01 0.0 per "
        "1,000 homes). Put the complaint export where the pattern points, or correct the "
        "pattern (the files the load does not read are listed after this message); nothing was "
        "loaded, and the outputs of the last run stand"
    )
