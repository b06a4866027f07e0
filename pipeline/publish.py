"""One generation of a landlord-year's outputs: built in a staging folder, swapped in at the end.

``<output_root>/<landlord>/<year>`` is a symbolic link to the generation it currently publishes,
``<output_root>/<landlord>/.generations/<year>/<run_id>/``. A run that writes the year's documents
and returns (and ends with the ``manifest`` asset) writes them into its own staging folder: a new
generation that starts as hard links to the current generation's files, so the documents the run
does not rebuild are carried over unchanged (every writer replaces a file through a temporary name
and a rename, so a hard-linked file of the live generation is never modified). At the end,
:func:`publish` writes nothing more into the folder but swaps the link to the new generation with
one ``rename`` of a symbolic link, which is atomic. So at every moment, ``kill -9`` included, the
folder shows either the whole previous generation or the whole new one, and its ``manifest.json``
(written inside the generation before the swap) lists exactly its files with their hashes.

A run without the manifest step (one asset materialised on its own from the UI) never writes into
the live folder either: each of its steps writes into a generation of its own, started from the
current one, and publishes it with a fresh manifest when the step succeeds
(``ComplaintsStore.year_outputs``).

A run that fails before the swap (a step raised, a blocking check failed, the process was killed)
publishes nothing: the previous outputs stay byte-identical. Its staging folder is removed by the
next publish of that landlord-year, or reused by a re-execution of the same run.

The first publish over a folder written by an older version (a real directory) moves that folder
into ``.generations/<year>/legacy-<time>`` and links to it, then swaps as usual; a kill between
those two renames is repaired by the next run (:func:`recover`).
"""

from __future__ import annotations

import os
import shutil
import time
from contextvars import ContextVar
from pathlib import Path

from pipeline.io import fsync_path

# The generation the current step of a run WITHOUT the manifest writes into (an asset
# materialised on its own from the UI): set around the step by ComplaintsStore.year_outputs.
STEP_GENERATION: ContextVar[str | None] = ContextVar("complaints_step_generation", default=None)

__all__ = [
    "GENERATIONS",
    "STEP_GENERATION",
    "current_generation",
    "generation_dir",
    "publish",
    "recover",
    "remove_stale_generations",
    "staging_dir",
    "visible_files",
]

GENERATIONS = ".generations"
_LEGACY = "legacy-"


def _generations(live: Path) -> Path:
    return live.parent / GENERATIONS / live.name


def generation_dir(live: Path, name: str) -> Path:
    """Where the generation ``name`` of ``live`` is (or will be) built."""
    return _generations(Path(live)) / name


def visible_files(folder: Path) -> list[Path]:
    """The files a generation publishes: every file under ``folder`` but hidden ones (temporary
    names, print links) and those in hidden folders."""
    return sorted(
        path
        for path in Path(folder).rglob("*")
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )


def recover(live: Path) -> None:
    """Repair a swap interrupted while moving an older version's real folder aside.

    ``live`` missing (and not a link) while ``.generations/<year>/legacy-*`` exists means the run
    was killed between the two renames of the first publish: link ``live`` back to that folder.
    """
    live = Path(live)
    if live.is_symlink() or live.exists():
        return
    generations = _generations(live)
    legacy = sorted(generations.glob(f"{_LEGACY}*")) if generations.is_dir() else []
    if legacy:
        _link(live, legacy[-1])


def current_generation(live: Path) -> Path | None:
    """The folder ``live`` shows now: its link's target, ``live`` itself if an older version
    wrote it as a real folder, None if there is nothing yet."""
    live = Path(live)
    recover(live)
    if live.is_symlink():
        target = live.parent / os.readlink(live)
        return target if target.is_dir() else None
    return live if live.is_dir() else None


def _carry_over(source: Path, target: Path) -> None:
    """Hard-link (copy where links fail) every visible file of ``source`` into ``target``."""
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if any(part.startswith(".") for part in relative.parts):
            continue  # temporary files, print links, anything half-written
        destination = target / relative
        if path.is_dir():
            destination.mkdir(parents=True, exist_ok=True)
        elif path.is_file():
            destination.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(path, destination)
            except OSError:
                shutil.copy2(path, destination)


def staging_dir(live: Path, run_id: str) -> Path:
    """The run's staging folder for ``live``, made on first use from the current generation.

    Safe when several steps of one run ask at once (processes of a multiprocess executor): the
    folder is built under a temporary name and renamed into place; the first rename wins.
    """
    live = Path(live)
    stage = _generations(live) / run_id
    if stage.is_dir():
        return stage
    generations = _generations(live)
    generations.mkdir(parents=True, exist_ok=True)
    building = generations / f".building-{run_id}-{os.getpid()}-{time.monotonic_ns()}"
    building.mkdir()
    try:
        current = current_generation(live)
        if current is not None:
            _carry_over(current, building)
        try:
            building.rename(stage)
        except OSError:  # another step of the run was first (its folder is the same copy)
            if not stage.is_dir():
                raise
    finally:
        if building.exists():
            shutil.rmtree(building, ignore_errors=True)
    return stage


def _link(live: Path, target: Path) -> None:
    """Point ``live`` at ``target`` with one atomic rename of a new relative symbolic link."""
    link = live.parent / f".{live.name}.link-{os.getpid()}-{time.monotonic_ns()}"
    link.symlink_to(os.path.relpath(target, live.parent))
    try:
        os.replace(link, live)
    except BaseException:
        link.unlink(missing_ok=True)
        raise
    fsync_path(live.parent)


def _drop_hidden(stage: Path) -> None:
    """Remove what must not be published: temporary files and links a killed writer left."""
    for path in sorted(stage.rglob(".*"), reverse=True):
        if path.is_symlink() or path.is_file():
            path.unlink(missing_ok=True)
        elif path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


def remove_stale_generations(live: Path, keep: set[str] = frozenset()) -> list[str]:
    """Remove every generation of ``live`` but the one it shows (and ``keep``): the previous
    generation after a swap, staging folders of killed or failed runs, half-built copies, and
    temporary links beside ``live``. Returns the names removed."""
    live = Path(live)
    generations = _generations(live)
    current = current_generation(live)
    kept = set(keep) | ({current.name} if current is not None else set())
    removed = []
    if generations.is_dir():
        for path in sorted(generations.iterdir()):
            if path.name in kept:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path.name)
    for link in live.parent.glob(f".{live.name}.link-*"):
        link.unlink(missing_ok=True)
        removed.append(link.name)
    return removed


def publish(live: Path, run_id: str) -> Path:
    """Swap ``live`` to the run's staging folder (which must hold its manifest already).

    Returns the generation now published. Earlier generations are removed afterwards (a reader
    that has a file of the old generation open keeps reading it: POSIX unlinks only the name).
    """
    live = Path(live)
    stage = _generations(live) / run_id
    if not stage.is_dir():
        raise FileNotFoundError(f"{stage}: no staging folder for run {run_id} to publish")
    _drop_hidden(stage)
    fsync_path(stage)
    recover(live)
    if live.exists() and not live.is_symlink():
        # first publish over a folder an older version wrote: move it aside, link to it
        legacy = _generations(live) / f"{_LEGACY}{time.strftime('%Y%m%dT%H%M%S')}"
        live.rename(legacy)
        _link(live, legacy)
    _link(live, stage)
    remove_stale_generations(live)
    return stage


# --- Dagster side: which runs stage, and the guard before the swap --------------------------------

PUBLISHING_STEP = "manifest"


def run_stages_outputs(context) -> bool:
    """True when the run being set up ends with the ``manifest`` step, which publishes.

    ``context`` is the resource's ``dg.InitResourceContext``. Such a run writes into one staging
    folder per landlord-year that the manifest publishes; any other (a one-off asset, a job
    without the manifest) publishes each step's outputs itself (``ComplaintsStore.year_outputs``).
    """
    run = context.run
    if run is None:
        return False
    steps = run.step_keys_to_execute
    if steps is None and context.instance is not None and run.execution_plan_snapshot_id:
        snapshot = context.instance.get_execution_plan_snapshot(run.execution_plan_snapshot_id)
        steps = [step.key for step in snapshot.steps]
    return steps is not None and PUBLISHING_STEP in steps


def is_year_key(period_key: str) -> bool:
    """``2025-26`` (a reporting year's folder), not a quarter or a month."""
    from pipeline.periods import ReportingYear, parse_period

    try:
        return isinstance(parse_period(period_key), ReportingYear)
    except ValueError:
        return False


def failed_blocking_checks(instance, run_id: str) -> list[str]:
    """Checks of ERROR severity that failed in the run: the data they judged is not published.

    A blocking check stops its downstream steps already; this also covers an ERROR check that is
    not blocking, so no document or return built from failed data ever reaches the live folder.
    """
    import dagster as dg

    records = instance.get_records_for_run(
        run_id=run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
    ).records
    failed = []
    for record in records:
        evaluation = record.event_log_entry.dagster_event.asset_check_evaluation_data
        if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR:
            key = evaluation.asset_check_key
            failed.append(f"{key.asset_key.to_user_string()}.{key.name}")
    return sorted(set(failed))
