"""One generation of a landlord's period outputs: built in a staging folder, swapped in at the end.

Every published folder, a reporting year's ``<output_root>/<landlord>/<year>`` and a quarter's or
month's (``2024-25-Q4``, ``2025-03``: committee packs, quarterly learning summaries, the panel
sample), is a symbolic link to the generation it currently publishes,
``<output_root>/<landlord>/.generations/<period>/<run_id>/``. A run that writes a period's outputs
and ends with its publishing step (``manifest`` for a year, ``quarter_manifest`` or
``month_manifest``) writes them into its own staging folder. At the end, :func:`publish` writes
nothing more into the folder but swaps the link to the new generation with one ``rename`` of a
symbolic link, which is atomic. So at every moment, ``kill -9`` included, the folder shows either
the whole previous generation or the whole new one, and its ``manifest.json`` (written inside the
generation before the swap) lists exactly its files with their hashes.

What a new generation holds: what this run wrote, and the documents it deliberately did not
rebuild. A run that rebuilds only some assets (a returns-only run, a committee pack beside last
month's learning summary) must not make the others vanish, so the staging folder starts as hard
links to the current generation's files that no asset of this run owns (every writer replaces a
file through a temporary name and a rename, so a hard-linked file of the live generation is never
modified). Which asset owns a file is recorded in the manifest (``assets``: the assets that wrote
it, noted by :func:`pipeline.io.watch_writes` while each asset's step ran). A file is carried over
only while an asset that wrote it is not rebuilt by this run: the scheme pages of a run that
rebuilds the scheme reports are this run's only, so a scheme that is gone, or renamed because its
name was a person's, does not stay published. Files of a generation written before owners were
recorded are carried over unless this run wrote into their sub-folder (``schemes/``).

A run without the publishing step (one asset materialised on its own from the UI) never writes
into the live folder either: each of its steps writes into a generation of its own, started from
the current one without that asset's files, and publishes it with a fresh manifest when the step
succeeds (``ComplaintsStore.period_outputs``).

A run that fails before the swap (a step raised, a blocking check failed, the process was killed)
publishes nothing: the previous outputs stay byte-identical. Its staging folder is removed by the
next publish of that folder or, whichever folders it publishes, by the landlord's next command run
(:func:`remove_abandoned_generations`), or reused by a re-execution of the same run.

The first publish over a folder written by an older version (a real directory) moves that folder
into ``.generations/<period>/legacy-<time>`` and links to it, then swaps as usual; a kill between
those two renames is repaired by the next run (:func:`recover`).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from pathlib import Path

from pipeline.io import atomic_write_text, fsync_path

# The generation the current step of a run WITHOUT the publishing step writes into (an asset
# materialised on its own from the UI), and the asset it rebuilds: set around the step by
# ComplaintsStore.period_outputs.
STEP_GENERATION: ContextVar[tuple[str, str] | None] = ContextVar(
    "complaints_step_generation", default=None
)

__all__ = [
    "GENERATIONS",
    "STEP_GENERATION",
    "current_generation",
    "generation_dir",
    "provenance",
    "publish",
    "record_writes",
    "recover",
    "remove_abandoned_generations",
    "remove_stale_generations",
    "staging_dir",
    "visible_files",
]

GENERATIONS = ".generations"
_LEGACY = "legacy-"
# Inside a staging folder, removed before the swap: what was carried over (and from which
# generation and load), which assets this run rebuilds, and which files each of them wrote.
_LEDGER = ".publish"
_CARRIED = "carried.json"
_WROTE = "wrote-"
_RUN_ID_LENGTH = 36  # a Dagster run id, a UUID; a step's own generation adds "-<hex>"
_BUILDING = ".building-"


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


def _previous_outputs(folder: Path) -> dict[str, dict]:
    """What the generation's manifest says of each output: the assets that wrote it (None for a
    generation written before owners were recorded), its generation and load."""
    from pipeline.manifest import MANIFEST_NAME, inputs_sha256

    try:
        manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    load = manifest.get("inputs_sha256") or inputs_sha256(manifest.get("inputs") or [])
    return {
        entry["file"]: {
            "assets": entry.get("assets"),
            "generation": entry.get("generation") or manifest.get("generation") or folder.name,
            "inputs_sha256": entry.get("inputs_sha256") or load,
        }
        for entry in manifest.get("outputs") or []
        if "file" in entry
    }


def _carry_over(source: Path, target: Path, rebuilt: Iterable[str] | None = None) -> dict:
    """Hard-link (copy where links fail) into ``target`` the visible files of ``source`` that
    this run does not rebuild; returns what was carried, with its provenance.

    This is why a run that rebuilds only some of a folder's documents (a returns-only run, a
    quarter's learning summary beside its committee pack) leaves the others published. A file is
    carried over while at least one asset that wrote it is not in ``rebuilt`` (a shared file, the
    chart script, stays for the documents carried with it); a file only rebuilt assets wrote is
    left out, so what they no longer write (a scheme's page) is gone from the new generation.
    ``rebuilt=None``: every file is carried (nothing declared rebuilt).
    """
    rebuilt = frozenset(rebuilt or ())
    previous = _previous_outputs(source)
    carried = {}
    for path in visible_files(source):
        relative = path.relative_to(source).as_posix()
        if relative == "manifest.json":
            continue  # the new generation gets its own
        # no manifest (an older version's real folder): nothing is known of the file
        made = previous.get(relative, {"assets": None, "generation": None, "inputs_sha256": None})
        owners = made["assets"] or None  # none recorded: an older version wrote it
        if owners is not None:
            owners = sorted(set(owners) - rebuilt)
            if not owners:
                continue  # only rebuilt assets wrote it: this run writes it again, or drops it
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, destination)
        except OSError:
            shutil.copy2(path, destination)
        carried[relative] = {**made, "assets": owners}
    return carried


def staging_dir(live: Path, run_id: str, rebuilt: Iterable[str] | None = None) -> Path:
    """The run's staging folder for ``live``, made on first use from the current generation:
    its files that the assets ``rebuilt`` by this run do not own (:func:`_carry_over`).

    Safe when several steps of one run ask at once (processes of a multiprocess executor): the
    folder is built under a temporary name and renamed into place; the first rename wins.
    """
    live = Path(live)
    stage = _generations(live) / run_id
    if stage.is_dir():
        return stage
    generations = _generations(live)
    generations.mkdir(parents=True, exist_ok=True)
    building = generations / f"{_BUILDING}{run_id}-{os.getpid()}-{time.monotonic_ns()}"
    building.mkdir()
    try:
        current = current_generation(live)
        carried = _carry_over(current, building, rebuilt) if current is not None else {}
        atomic_write_text(
            building / _LEDGER / _CARRIED,
            json.dumps({"rebuilt": sorted(rebuilt or ()), "carried": carried}, sort_keys=True),
        )
        try:
            building.rename(stage)
        except OSError:  # another step of the run was first (its folder is the same copy)
            if not stage.is_dir():
                raise
    finally:
        if building.exists():
            shutil.rmtree(building, ignore_errors=True)
    return stage


def record_writes(stage: Path, asset: str, written: Iterable[str]) -> None:
    """Note in the staging folder that ``asset`` wrote ``written`` (paths relative to it)."""
    written = sorted(written)
    if not written or not Path(stage).is_dir():
        return
    ledger = Path(stage) / _LEDGER / f"{_WROTE}{asset}-{os.getpid()}-{time.monotonic_ns()}.json"
    atomic_write_text(ledger, json.dumps({"asset": asset, "files": written}))


def provenance(stage: Path, generation: str) -> dict[str, dict]:
    """Per visible file of the staging folder: the assets that wrote it, and the generation and
    load it was made in (a carried file keeps its own; this run's get ``generation`` and, in the
    manifest, this load's). For :func:`pipeline.manifest.write_manifest`.

    A file carried from a generation that did not record its owners is dropped here when this run
    wrote into its sub-folder (``schemes/``, ``business_units/``): that folder was rebuilt.
    """
    stage = Path(stage)
    ledger = stage / _LEDGER
    try:
        state = json.loads((ledger / _CARRIED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {"rebuilt": [], "carried": {}}
    writers: dict[str, set[str]] = {}
    for note in sorted(ledger.glob(f"{_WROTE}*.json")) if ledger.is_dir() else []:
        written = json.loads(note.read_text(encoding="utf-8"))
        for relative in written["files"]:
            writers.setdefault(relative, set()).add(written["asset"])
    rebuilt_folders = {str(Path(relative).parent) for relative in writers} - {"."}
    made: dict[str, dict] = {}
    for path in visible_files(stage):
        relative = path.relative_to(stage).as_posix()
        carried = state["carried"].get(relative)
        if relative in writers:
            # written by this run; an owner carried with it (a shared file) still owns it
            owners = set(writers[relative]) | set((carried or {}).get("assets") or [])
            made[relative] = {"assets": sorted(owners), "generation": generation}
        elif carried is not None and carried.get("assets") is None:
            if str(Path(relative).parent) in rebuilt_folders:
                path.unlink()  # an older version's file in a folder this run rebuilt
                continue
            made[relative] = {**carried, "assets": []}
        elif carried is not None:
            made[relative] = carried
        else:
            # written outside the noted writes (not through pipeline.io): owned by the assets
            # this run rebuilds, so it goes once a run rebuilds them all and none writes it
            made[relative] = {"assets": state["rebuilt"], "generation": generation}
    return made


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


def _run_of(generation_name: str) -> str:
    """The run a generation folder was made by: ``<run_id>``, ``<run_id>-<hex>`` (a step's own
    generation) or ``.building-<run_id>-<pid>-<ns>`` (a half-built copy)."""
    name = generation_name.removeprefix(_BUILDING)
    if len(name) > _RUN_ID_LENGTH and name[_RUN_ID_LENGTH] == "-":
        return name[:_RUN_ID_LENGTH]
    return name


def remove_abandoned_generations(
    landlord_folder: Path, in_progress: Callable[[str], bool]
) -> list[str]:
    """Remove the generations of every period folder of ``landlord_folder`` that no period shows
    and whose run is not ``in_progress`` (given a run id); returns them as ``<period>/<name>``.

    Without this, the staging folders of a failed, stopped or killed run stayed until the next
    run of that folder published: on a full disk that next run failed before it could publish
    (the load could not grow the warehouse), so the disk stayed full of the product's own
    abandoned copies however often the user ran the command again; a run killed each time (a
    scheduler's timeout) added one copy per run.
    """
    landlord_folder = Path(landlord_folder)
    removed: list[str] = []
    root = landlord_folder / GENERATIONS
    if not root.is_dir():
        return removed
    for period in sorted(path for path in root.iterdir() if path.is_dir()):
        live = landlord_folder / period.name
        current = current_generation(live)  # repairs an interrupted first publish first
        for generation in sorted(period.iterdir()):
            if current is not None and generation.name == current.name:
                continue
            if in_progress(_run_of(generation.name)):
                continue
            if generation.is_dir() and not generation.is_symlink():
                shutil.rmtree(generation, ignore_errors=True)
            else:
                generation.unlink(missing_ok=True)
            removed.append(f"{period.name}/{generation.name}")
    for link in landlord_folder.glob(".*.link-*"):  # a swap killed before its rename
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

# The step that publishes a folder, by the kind of its period.
PUBLISHING_STEPS = {"year": "manifest", "quarter": "quarter_manifest", "month": "month_manifest"}
PUBLISHING_STEP = PUBLISHING_STEPS["year"]


def run_steps(context) -> frozenset[str]:
    """The steps of the run being set up (``context``: the resource's ``dg.InitResourceContext``).

    A run holding a folder's publishing step (:func:`publishing_step`) writes into one staging
    folder per landlord-period that this step publishes, and its steps are the assets it rebuilds;
    any other (a one-off asset, a job without it) publishes each step's outputs itself
    (``ComplaintsStore.period_outputs``).
    """
    run = context.run
    if run is None:
        return frozenset()
    steps = run.step_keys_to_execute
    if steps is None and context.instance is not None and run.execution_plan_snapshot_id:
        snapshot = context.instance.get_execution_plan_snapshot(run.execution_plan_snapshot_id)
        steps = [step.key for step in snapshot.steps]
    return frozenset(steps or ())


def run_stages_outputs(context) -> bool:
    """True when the run being set up ends with the year's ``manifest`` step, which publishes."""
    return PUBLISHING_STEP in run_steps(context)


def publishing_step(period_key: str) -> str | None:
    """The step that publishes the period's folder: ``manifest`` for a reporting year,
    ``quarter_manifest`` or ``month_manifest``; None for anything else (the group's folders)."""
    from pipeline.periods import parse_period

    try:
        return PUBLISHING_STEPS.get(parse_period(period_key).kind)
    except ValueError:
        return None


def is_year_key(period_key: str) -> bool:
    """``2025-26`` (a reporting year's folder), not a quarter or a month."""
    return publishing_step(period_key) == PUBLISHING_STEP


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
