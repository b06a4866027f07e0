"""Sensor: new or changed input files in a landlord workspace start a refresh for that landlord.

Watched per workspace: ``exports/``, ``surveys/``, ``ombudsman/`` (recursively), ``learning.csv``,
and the configuration that changes results (``landlord.yaml``, ``mappings/``). The cursor is JSON:
per landlord, per file, ``[size, mtime_ns, sha256]``. A file is re-hashed only when its size or
modification time changed, and a run is requested only when some file's *content hash* differs
from the cursor (added, changed or removed files), so copying the same file again, or touching it,
starts nothing. The run key is the hash of the whole file set, so even with a lost cursor the same
inputs are not run twice by this sensor.

A file modified in the last ``settle_seconds`` is left for the next tick: an export still being
copied in would otherwise start a run on half a file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from pathlib import Path

import dagster as dg

from pipeline.config import ConfigError
from pipeline.defs.orchestration.jobs import refresh_job
from pipeline.partitions import NO_LANDLORD, landlord_year_partitions, year_key
from pipeline.periods import ReportingYear
from pipeline.resources import ComplaintsStore
from pipeline.workspaces import discover_landlords

WATCHED_FOLDERS = ("exports", "surveys", "ombudsman", "mappings")
WATCHED_FILES = ("learning.csv", "landlord.yaml")
SETTLE_SECONDS = 10.0
CURSOR_VERSION = 1

FileState = list  # [size, mtime_ns, sha256]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _ignored(path: Path) -> bool:
    # Hidden files, editor backups and Excel's "~$" lock files are not inputs.
    return path.name.startswith((".", "~$")) or path.name.endswith(("~", ".tmp"))


def watched_files(workspace: Path) -> list[Path]:
    """The input files of a workspace the sensor watches, sorted."""
    files = [workspace / name for name in WATCHED_FILES if (workspace / name).is_file()]
    for folder in WATCHED_FOLDERS:
        if (workspace / folder).is_dir():
            files.extend(
                p for p in (workspace / folder).rglob("*") if p.is_file() and not _ignored(p)
            )
    return sorted(files)


def fingerprint(
    workspace: Path,
    previous: dict[str, FileState],
    now: float | None = None,
    settle_seconds: float = SETTLE_SECONDS,
) -> dict[str, FileState]:
    """``{relative path: [size, mtime_ns, sha256]}`` of a workspace's watched files.

    Parameters
    ----------
    workspace
        The landlord workspace folder.
    previous
        The last fingerprint (from the cursor): a file with the same size and mtime keeps its hash
        without being read again.
    now
        Current time (seconds since the epoch), for the settle rule.
    settle_seconds
        Files modified more recently than this keep their previous state (or are left out).

    Returns
    -------
    dict
        The new fingerprint.
    """
    now = time.time() if now is None else now
    out: dict[str, FileState] = {}
    for path in watched_files(workspace):
        rel = path.relative_to(workspace).as_posix()
        stat = path.stat()
        if now - stat.st_mtime < settle_seconds:
            if rel in previous:
                out[rel] = previous[rel]
            continue
        old = previous.get(rel)
        if old and old[0] == stat.st_size and old[1] == stat.st_mtime_ns:
            out[rel] = old
        else:
            out[rel] = [stat.st_size, stat.st_mtime_ns, _sha256(path)]
    return out


def content_digest(files: dict[str, FileState]) -> str:
    """One hash of a fingerprint's paths and content hashes (sizes and times ignored)."""
    text = json.dumps({rel: state[2] for rel, state in sorted(files.items())})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _load_cursor(cursor: str | None) -> dict[str, dict[str, FileState]]:
    if not cursor:
        return {}
    try:
        data = json.loads(cursor)
    except ValueError:
        return {}
    if not isinstance(data, dict) or data.get("version") != CURSOR_VERSION:
        return {}
    return data.get("landlords", {})


def _current_year(store: ComplaintsStore, landlord_id: str, today: dt.date, context) -> str:
    # The exports were cut on data_cut_date when the landlord states it; otherwise they are
    # today's, so the partition is the reporting year the data runs up to.
    try:
        cut = store.landlord(landlord_id).data_cut_date
    except ConfigError as exc:
        context.log.warning(f"{landlord_id}: landlord.yaml is invalid ({exc}); the run will say so")
        cut = None
    return ReportingYear.containing(cut or today).key


def build_workspace_sensor(
    year_partitions: dg.MultiPartitionsDefinition = landlord_year_partitions,
    settle_seconds: float = SETTLE_SECONDS,
    name: str = "workspace_files_sensor",
) -> dg.SensorDefinition:
    """The file sensor, for landlords and years of ``year_partitions``.

    Parameters
    ----------
    year_partitions
        The code location's landlord x year partitions (tests pass their own).
    settle_seconds
        See :func:`fingerprint`.
    name
        Sensor name.

    Returns
    -------
    dagster.SensorDefinition
        Requests one ``monthly_refresh`` run per landlord whose inputs changed.
    """
    known_landlords = set(
        year_partitions.get_partitions_def_for_dimension("landlord").get_partition_keys()
    ) - {NO_LANDLORD}
    known_years = set(year_partitions.get_partitions_def_for_dimension("year").get_partition_keys())

    @dg.sensor(
        name=name,
        job=refresh_job,
        minimum_interval_seconds=30,
        description="Starts a monthly_refresh run for a landlord when files in its workspace's "
        "exports/, surveys/, ombudsman/, mappings/, learning.csv or landlord.yaml are added, "
        "changed or removed (by content hash).",
    )
    def workspace_files_sensor(context: dg.SensorEvaluationContext, store: ComplaintsStore):
        previous = _load_cursor(context.cursor)
        root = Path(store.workspaces_root)
        today = dt.date.today()
        state: dict[str, dict[str, FileState]] = {}
        requests = []
        for landlord_id in discover_landlords(root):
            if landlord_id not in known_landlords:
                context.log.warning(
                    f"New workspace '{landlord_id}': reload the code location to add it as a "
                    "landlord partition; its files are watched from then on."
                )
                continue
            before = previous.get(landlord_id, {})
            files = fingerprint(root / landlord_id, before, settle_seconds=settle_seconds)
            state[landlord_id] = files
            if content_digest(files) == content_digest(before) or not files:
                continue
            year = _current_year(store, landlord_id, today, context)
            if year not in known_years:
                context.log.warning(f"{landlord_id}: reporting year {year} is not a partition")
                continue
            changed = sorted(
                rel
                for rel in files.keys() | before.keys()
                if files.get(rel, [None] * 3)[2] != before.get(rel, [None] * 3)[2]
            )
            requests.append(
                dg.RunRequest(
                    run_key=f"files:{landlord_id}:{content_digest(files)}",
                    partition_key=year_key(landlord_id, year),
                    tags={
                        "landlord": landlord_id,
                        "complaints/trigger": "workspace_files",
                        "complaints/changed_files": ", ".join(changed)[:900],
                    },
                )
            )
        cursor = json.dumps({"version": CURSOR_VERSION, "landlords": state}, sort_keys=True)
        if not requests:
            return dg.SensorResult(
                skip_reason=dg.SkipReason("no new or changed workspace files"), cursor=cursor
            )
        return dg.SensorResult(run_requests=requests, cursor=cursor)

    return workspace_files_sensor


workspace_files_sensor = build_workspace_sensor()
