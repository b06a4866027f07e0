"""Sensor: new or changed input files in a landlord workspace start a refresh for that landlord.

Watched per workspace: ``exports/``, ``surveys/``, ``ombudsman/`` (recursively), ``learning.csv``,
and the configuration that changes results (``landlord.yaml``, ``mappings/``). The cursor is JSON:
per landlord, per file, ``[size, mtime_ns, sha256]``. A file is re-hashed only when its size or
modification time changed, and a run is requested only when some file's *content hash* differs
from the cursor (added, changed or removed files), so copying the same file again, or touching it,
starts nothing. The cursor is kept in the Dagster instance's storage with every tick: a file whose
name looks like a person's name or contact details is keyed there by a keyed hash of its path,
never its name (:func:`cursor_names`). The run key is the hash of the whole file set, so even with a lost cursor the same
inputs are not run twice by this sensor.

A file modified in the last ``settle_seconds`` is left for the next tick: an export still being
copied in would otherwise start a run on half a file.

A new workspace folder becomes a landlord partition on the sensor's next tick
(``AddDynamicPartitionsRequest``), without reloading the code location. A changed workspace starts
an ``ingest_job`` run (the load, partitioned by landlord) tagged with the year job to run after it;
``chained_after_ingest`` starts that year job when the load succeeds. A reporting year without
stock at its year end in ``landlord.yaml`` is skipped with a message saying so (its CH01 has no
denominator, and the blocking stock check would fail the run); a year the data cut falls in runs
on the previous year end's stock until its own is added (``Landlord.stock_year_end_for``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from pathlib import Path

import dagster as dg

from pipeline.config import ConfigError
from pipeline.defs.orchestration.jobs import (
    annual_report_job,
    ingest_job,
    refresh_job,
    returns_job,
)
from pipeline.measures import resolve_data_cut
from pipeline.partitions import (
    LANDLORD_PARTITIONS_NAME,
    NO_LANDLORD,
    landlord_year_partitions,
    year_key,
)
from pipeline.periods import ReportingYear
from pipeline.resources import ComplaintsStore
from pipeline.step_errors import scrubbed_errors
from pipeline.workspaces import discover_landlords

WATCHED_FOLDERS = ("exports", "surveys", "ombudsman", "mappings")
WATCHED_FILES = ("learning.csv", "landlord.yaml")
SETTLE_SECONDS = 10.0
CURSOR_VERSION = 1
# A cursor key standing for a file whose name is not written to the instance (cursor_names).
HIDDEN_NAME_PREFIX = "name-not-shown:"

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


def cursor_names(workspace: Path, paths: list[Path], name_key: str) -> dict[Path, str]:
    """Each path's key in the cursor: its path relative to ``workspace``, or, when that looks like
    a person's name or contact details (``exports/letter to Mrs Hall.docx``), a keyed hash of it.

    The cursor is stored with the sensor's state and every tick's record, for good, and shown in
    the UI; the hash is keyed (``name_key``: the pseudonymisation key) so a list of guessed names
    cannot be hashed to find the file, and stable, so an unchanged file is not read again.
    """
    # the screen's patterns: imported when first needed
    from pipeline.sources.discovery import personal_file_names

    personal = personal_file_names(workspace, paths)
    names = {}
    for path in paths:
        rel = path.relative_to(workspace).as_posix()
        if path in personal:
            digest = hashlib.sha256(f"{name_key}|{rel}".encode()).hexdigest()[:16]
            rel = HIDDEN_NAME_PREFIX + digest
        names[path] = rel
    return names


def fingerprint(
    workspace: Path,
    previous: dict[str, FileState],
    now: float | None = None,
    settle_seconds: float = SETTLE_SECONDS,
    *,
    name_key: str,
) -> dict[str, FileState]:
    """``{cursor name: [size, mtime_ns, sha256]}`` of a workspace's watched files.

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
    name_key
        Key of the hash standing for a personal-looking file name (:func:`cursor_names`).

    Returns
    -------
    dict
        The new fingerprint, keyed by :func:`cursor_names` (the relative path, for most files).
    """
    now = time.time() if now is None else now
    out: dict[str, FileState] = {}
    paths = watched_files(workspace)
    names = cursor_names(workspace, paths, name_key)
    for path in paths:
        rel = names[path]
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


THEN_JOB_TAG = "complaints/then_job"
THEN_YEARS_TAG = "complaints/then_years"
CHAINED_JOBS = (refresh_job, returns_job, annual_report_job)


def year_without_stock(store: ComplaintsStore, landlord_id: str, year: str) -> str | None:
    """The message for a reporting year with no stock at its year end, or None when it has some."""
    try:
        landlord = store.landlord(landlord_id)
    except ConfigError:
        return None  # the run reports the configuration problem itself
    period = ReportingYear.parse(year)
    if landlord.stock_year_end_for(period.start, period.end, resolve_data_cut(landlord)):
        return None
    return (
        f"{landlord_id}: {year} skipped: landlord.yaml has no stock at {period.end.isoformat()} "
        "(the year end), so CH01 has no denominator; add the year-end stock to run this year"
    )


def ingest_then(landlord_id: str, job_name: str, years: list[str], **request) -> dg.RunRequest:
    """An ``ingest_job`` run for the landlord, followed (on success) by ``job_name`` for ``years``."""
    tags = {
        "landlord": landlord_id,
        THEN_JOB_TAG: job_name,
        THEN_YEARS_TAG: ",".join(years),
        **request.pop("tags", {}),
    }
    return dg.RunRequest(job_name=ingest_job.name, partition_key=landlord_id, tags=tags, **request)


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[ingest_job],
    request_jobs=list(CHAINED_JOBS),
    name="chained_after_ingest",
    description="When an ingest run tagged complaints/then_job succeeds, starts that year job for "
    "the landlord and the years in complaints/then_years (one run over the years: single-run "
    "backfill policy).",
    default_status=dg.DefaultSensorStatus.RUNNING,
)
@scrubbed_errors
def chained_after_ingest(context: dg.RunStatusSensorContext):
    if context.dagster_event.event_type_value != dg.DagsterEventType.RUN_SUCCESS.value:
        # only a load that succeeded (its blocking checks passed) starts the year job
        return dg.SkipReason(
            f"the ingest run {context.dagster_run.run_id} did not succeed: no year job started"
        )
    tags = context.dagster_run.tags
    job_name = tags.get(THEN_JOB_TAG)
    years = [y for y in tags.get(THEN_YEARS_TAG, "").split(",") if y]
    landlord_id = tags.get("dagster/partition") or tags.get("landlord")
    if not job_name or not years or not landlord_id:
        return dg.SkipReason("the ingest run asked for no year job")
    first, last = str(year_key(landlord_id, years[0])), str(year_key(landlord_id, years[-1]))
    # the trigger's tags go on (not the load's own job tag: the year job has its own)
    follow = {
        k: v
        for k, v in tags.items()
        if k.startswith("complaints/") and "then" not in k and k != "complaints/job"
    }
    if first == last:
        # one year: a run of that partition, so its checks' results are the partition's status
        # (Dagster records a range run's check results for no single partition)
        return dg.RunRequest(
            run_key=f"after:{context.dagster_run.run_id}",
            job_name=job_name,
            partition_key=first,
            tags={**follow, "landlord": landlord_id},
        )
    return dg.RunRequest(
        run_key=f"after:{context.dagster_run.run_id}",
        job_name=job_name,
        tags={
            **follow,
            "landlord": landlord_id,
            "dagster/asset_partition_range_start": first,
            "dagster/asset_partition_range_end": last,
        },
    )


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
    landlord_dimension = year_partitions.get_partitions_def_for_dimension("landlord")
    dynamic = isinstance(landlord_dimension, dg.DynamicPartitionsDefinition)
    static_landlords = (
        set() if dynamic else set(landlord_dimension.get_partition_keys()) - {NO_LANDLORD}
    )
    known_years = set(year_partitions.get_partitions_def_for_dimension("year").get_partition_keys())

    @dg.sensor(
        name=name,
        jobs=[ingest_job],
        minimum_interval_seconds=30,
        description="Adds a new workspace folder as a landlord partition, and starts an ingest "
        "run, then the monthly refresh, for a landlord when files in its workspace's "
        "exports/, surveys/, ombudsman/, mappings/, learning.csv or landlord.yaml are added, "
        "changed or removed (by content hash). A year without stock is skipped with a message.",
    )
    @scrubbed_errors
    def workspace_files_sensor(context: dg.SensorEvaluationContext, store: ComplaintsStore):
        previous = _load_cursor(context.cursor)
        root = Path(store.workspaces_root)
        today = dt.date.today()
        state: dict[str, dict[str, FileState]] = {}
        requests = []
        skipped: list[str] = []
        found = discover_landlords(root)
        if dynamic:
            known = set(context.instance.get_dynamic_partitions(LANDLORD_PARTITIONS_NAME))
            new_landlords = [landlord for landlord in found if landlord not in known]
        else:
            new_landlords = []
            found = [landlord for landlord in found if landlord in static_landlords]
        for landlord_id in new_landlords:
            context.log.info(f"New workspace '{landlord_id}': added as a landlord partition")
        for landlord_id in found:
            before = previous.get(landlord_id, {})
            files = fingerprint(
                root / landlord_id,
                before,
                settle_seconds=settle_seconds,
                name_key=store.pseudonymisation_key,
            )
            state[landlord_id] = files
            if content_digest(files) == content_digest(before) or not files:
                continue
            year = _current_year(store, landlord_id, today, context)
            if year not in known_years:
                context.log.warning(f"{landlord_id}: reporting year {year} is not a partition")
                continue
            no_stock = year_without_stock(store, landlord_id, year)
            if no_stock:
                context.log.warning(no_stock)
                skipped.append(no_stock)
                continue
            changed = _shown_files(
                root / landlord_id,
                sorted(
                    rel
                    for rel in files.keys() | before.keys()
                    if files.get(rel, [None] * 3)[2] != before.get(rel, [None] * 3)[2]
                ),
            )
            requests.append(
                ingest_then(
                    landlord_id,
                    refresh_job.name,
                    [year],
                    run_key=f"files:{landlord_id}:{content_digest(files)}",
                    tags={
                        "complaints/trigger": "workspace_files",
                        "complaints/changed_files": ", ".join(changed)[:900],
                    },
                )
            )
        cursor = json.dumps({"version": CURSOR_VERSION, "landlords": state}, sort_keys=True)
        partition_requests = (
            [dg.AddDynamicPartitionsRequest(LANDLORD_PARTITIONS_NAME, new_landlords)]
            if new_landlords
            else None
        )
        if not requests:
            reason = "; ".join(skipped) or "no new or changed workspace files"
            return dg.SensorResult(
                skip_reason=dg.SkipReason(reason),
                cursor=cursor,
                dynamic_partitions_requests=partition_requests,
            )
        return dg.SensorResult(
            run_requests=requests, cursor=cursor, dynamic_partitions_requests=partition_requests
        )

    return workspace_files_sensor


def _shown_files(workspace: Path, names: list[str]) -> list[str]:
    """``names`` (cursor names) for a run's tags, kept in the instance's storage: a name that
    looks like a person's name or contact details is not written there (the load then stops on
    it, saying so, without the name; pipeline.sources.discovery.personal_file_names)."""
    from pipeline.sources.discovery import personal_file_names

    # a name a cursor of an earlier version kept as written is screened too
    written = [name for name in names if not name.startswith(HIDDEN_NAME_PREFIX)]
    personal = personal_file_names(workspace, [workspace / name for name in written])
    return [
        "(a file whose name looks like a person's name or contact details)"
        if name.startswith(HIDDEN_NAME_PREFIX) or workspace / name in personal
        else name
        for name in names
    ]


workspace_files_sensor = build_workspace_sensor()
