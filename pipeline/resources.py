"""The Dagster resource every domain uses: workspaces in, DuckDB and documents out.

Each landlord has its own DuckDB file, so landlords run in parallel. Two writers on the *same*
landlord must never interleave: Dagster's run queue limits runs per landlord (``dagster.yaml``), and
:meth:`ComplaintsStore.connect` takes a per-landlord file lock for writers as a second line of
defence (the command line and ad-hoc scripts do not go through the run queue). A second writer waits
up to ``lock_timeout_seconds`` and then fails with :class:`LandlordBusyError`, naming the landlord
and who holds the lock.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import socket
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from pipeline import publish, workspaces
from pipeline.config import Landlord, load_landlord
from pipeline.io import watch_writes
from pipeline.utils.environment import DEVELOPMENT_KEY

_POLL_SECONDS = 0.1


class LandlordBusyError(RuntimeError):
    """Another writer holds the landlord's warehouse lock and did not release it in time."""


class NoWarehouseError(FileNotFoundError):
    """A step reads a landlord's warehouse before its first load wrote it."""


class _HeldLock:
    """This process's hold on one lock file: an RLock for threads, the ``flock`` fd while held."""

    def __init__(self) -> None:
        self.rlock = threading.RLock()
        self.depth = 0
        self.fd: int | None = None


_HELD: dict[str, _HeldLock] = {}
_HELD_GUARD = threading.Lock()


def _read_holder(lock_path: Path) -> str:
    try:
        info = json.loads(lock_path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return "an unknown process"
    if not info:
        return "a process that is just finishing"
    parts = [f"pid {info.get('pid')} on {info.get('host')}"]
    if info.get("run_id"):
        parts.append(f"Dagster run {info['run_id']}")
    if info.get("command"):
        parts.append(f"command {info['command']!r}")
    parts.append(f"since {info.get('since')}")
    return ", ".join(parts)


def _busy(landlord_id: str, lock_path: Path, waited: float) -> LandlordBusyError:
    return LandlordBusyError(
        f"Landlord '{landlord_id}' is busy: another run is writing its warehouse "
        f"(lock {lock_path} held by {_read_holder(lock_path)}). Waited {waited:.0f} s; "
        "try again when that run has finished, or raise the lock timeout."
    )


@contextmanager
def landlord_lock(
    lock_path: Path,
    landlord_id: str,
    timeout: float,
    run_id: str | None = None,
    while_waiting: Callable[[], None] | None = None,
) -> Iterator[None]:
    """Hold the exclusive per-landlord writer lock, waiting up to ``timeout`` seconds.

    The lock is an ``flock`` on ``lock_path`` (released by the OS if the process dies), so it works
    across processes; inside one process it is re-entrant for the holding thread (a CLI run holds it
    around the whole landlord run while each asset's ``connect`` re-enters it) and other threads
    wait as other processes do.

    Parameters
    ----------
    lock_path
        The lock file, next to the landlord's DuckDB file.
    landlord_id
        Named in the error message.
    timeout
        Seconds to wait for another holder before giving up.
    run_id
        The Dagster run holding the lock, recorded for the waiter's message.
    while_waiting
        Called between attempts while another holds the lock; what it raises ends the wait
        (``complaints run`` stops there on Ctrl-C or SIGTERM: it used to wait for the lock, up to
        ``--lock-timeout``, before it saw the stop, and a scheduler killed it after its grace).

    Raises
    ------
    LandlordBusyError
        When the lock is still held by another process or thread after ``timeout`` seconds.
    """
    lock_path = Path(lock_path)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    key = str(lock_path.resolve())
    with _HELD_GUARD:
        held = _HELD.setdefault(key, _HeldLock())
    started = time.monotonic()
    if not held.rlock.acquire(timeout=max(timeout, 0.0)):
        raise _busy(landlord_id, lock_path, time.monotonic() - started)
    try:
        if held.depth == 0:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                while True:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() - started >= timeout:
                            raise _busy(
                                landlord_id, lock_path, time.monotonic() - started
                            ) from None
                        if while_waiting is not None:
                            while_waiting()
                        time.sleep(_POLL_SECONDS)
                info = {
                    "landlord": landlord_id,
                    "pid": os.getpid(),
                    "host": socket.gethostname(),
                    "run_id": run_id,
                    "command": " ".join(sys.argv[:3]) if sys.argv else None,
                    "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                }
                os.ftruncate(fd, 0)
                os.pwrite(fd, json.dumps(info).encode("utf-8"), 0)
            except BaseException:
                os.close(fd)
                raise
            held.fd = fd
        held.depth += 1
        try:
            yield
        finally:
            held.depth -= 1
            if held.depth == 0 and held.fd is not None:
                fd, held.fd = held.fd, None
                os.ftruncate(fd, 0)  # an empty file = nobody holds it
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
    finally:
        held.rlock.release()


class DevelopmentKeyWarning(UserWarning):
    """A production run pseudonymises ids with the published development key."""


def pseudonymisation_key_warning(key: str, environment: str) -> str | None:
    """The warning for a production run whose ids would be hashed with a guessable key.

    Parameters
    ----------
    key
        The pseudonymisation key in use.
    environment
        ``local``, ``ci`` or ``prod`` (:func:`pipeline.utils.environment.get_environment`).

    Returns
    -------
    str or None
        The message, or None when the key is fine for the environment.
    """
    if environment == "prod" and (not key.strip() or key == DEVELOPMENT_KEY):
        return (
            "COMPLAINTS_ENV=prod but COMPLAINTS_PSEUDONYMISATION_KEY is not set (the development "
            "key is in use): complaint ids are hashed with a published key, so anyone with an "
            "export could re-identify them. Set COMPLAINTS_PSEUDONYMISATION_KEY to a secret."
        )
    return None


_LANDLORDS: dict[tuple[str, int, int], Landlord] = {}
# Open sessions (ComplaintsStore.session): warehouse path -> the connection held for the session.
_SESSIONS: dict[str, duckdb.DuckDBPyConnection] = {}


def _cached_landlord(workspace: Path) -> Landlord:
    """:func:`load_landlord`, reused while ``landlord.yaml`` keeps its size and modification time.

    A run asks for the landlord in every asset and check; parsing the YAML each time cost more than
    the checks themselves. An edited file (new size or mtime) is read again; an invalid one raises
    every time (errors are not cached).
    """
    path = Path(workspace) / "landlord.yaml"
    try:
        stat = path.stat()
    except OSError:
        return load_landlord(workspace)  # raises the configuration error naming the file
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    landlord = _LANDLORDS.get(key)
    if landlord is None:
        landlord = load_landlord(workspace)
        if len(_LANDLORDS) > 1000:  # a long-lived process with many edits: start again
            _LANDLORDS.clear()
        _LANDLORDS[key] = landlord
    return landlord.model_copy(deep=True)


class ComplaintsStore(dg.ConfigurableResource):
    """Landlord workspaces (inputs) and the per-landlord DuckDB files and documents (outputs)."""

    workspaces_root: str = str(workspaces.DEFAULT_WORKSPACES_ROOT)
    output_root: str = str(workspaces.DEFAULT_OUTPUT_ROOT)
    pseudonymisation_key: str = "development-key-not-for-production"
    environment: str = "local"  # local | ci | prod
    lock_timeout_seconds: float = 600.0

    _run_id: str | None = PrivateAttr(default=None)
    _steps: frozenset[str] = PrivateAttr(default=frozenset())

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # Remember the run so a waiting writer's error message can name it.
        self._run_id = context.run.run_id if context.run else None
        # A run holding a folder's publishing step (the year's manifest, quarter_manifest,
        # month_manifest) writes that folder's outputs into a staging folder the step publishes
        # as one generation, and its steps are the assets it rebuilds (pipeline/publish.py).
        self._steps = publish.run_steps(context) if self._run_id is not None else frozenset()
        message = pseudonymisation_key_warning(self.pseudonymisation_key, self.environment)
        if message:
            # Three channels: the run's log (UI), Python logging (CLI stderr), warnings (tests).
            if context.log is not None:
                context.log.warning(message)
            logging.getLogger(__name__).warning(message)
            warnings.warn(message, DevelopmentKeyWarning, stacklevel=2)

    def workspace(self, landlord_id: str) -> Path:
        return Path(self.workspaces_root) / landlord_id

    def landlord(self, landlord_id: str) -> Landlord:
        """The workspace's validated ``landlord.yaml``, parsed once per version of the file."""
        return _cached_landlord(self.workspace(landlord_id))

    def warehouse(self, landlord_id: str) -> Path:
        return workspaces.warehouse_path(landlord_id, Path(self.output_root))

    def _staged(self, period_key: str) -> bool:
        """Whether this run publishes the period's folder with its publishing step."""
        step = publish.publishing_step(period_key)
        return self._run_id is not None and step is not None and step in self._steps

    def documents(self, landlord_id: str, period_key: str) -> Path:
        """The folder to write the period's outputs to (a reporting year, quarter or month): the
        run's staging folder (a run ending with the folder's publishing step) or the step's own
        generation (any other run, :meth:`period_outputs`), never the live folder
        (pipeline/publish.py). Outside a run, the live folder."""
        live = workspaces.documents_dir(landlord_id, period_key, Path(self.output_root))
        if publish.publishing_step(period_key) is None:
            return live
        if self._staged(period_key):
            return publish.staging_dir(live, self._run_id, rebuilt=self._steps)
        own = publish.STEP_GENERATION.get()
        if own is not None:
            name, asset = own
            return publish.staging_dir(live, name, rebuilt={asset})
        return live

    @contextmanager
    def period_outputs(
        self, context, landlord_id: str, period: str
    ) -> Iterator[Callable[[str], str]]:
        """Around one step's writing of a landlord's period outputs (``partitions.per_period``).

        The files the step writes into the period's generation are noted as the asset's
        (:func:`pipeline.io.watch_writes`): the manifest records them, and a later run that
        rebuilds the asset carries none of them over, so what it no longer writes is gone.

        In a run that ends with the folder's publishing step, nothing more: that step publishes
        the period. In any other run (an asset materialised on its own from the UI) the step
        writes into a generation of its own, started from the current one without this asset's
        files (:meth:`documents`), and when it succeeds that generation gets a fresh manifest and
        is swapped in: the live folder and its manifest never disagree. A step that fails, or a
        run where an ERROR check failed, publishes nothing.

        Yields the function that turns a path the step wrote into the path readers use: the live
        folder's for a step that publishes itself (its own generation is replaced by the next
        publish), the path unchanged otherwise (the publishing step, later in the run, publishes
        it).
        """
        step = publish.publishing_step(period)
        asset = context.op_def.name  # the step's key: what run_steps lists as rebuilt
        if self._run_id is None or step is None or asset == step:
            yield str  # outside a run, the group's folders, or the publishing step itself
            return
        live = workspaces.documents_dir(landlord_id, period, Path(self.output_root))
        if self._staged(period):
            stage = publish.generation_dir(live, self._run_id)
            with watch_writes(stage) as written:
                try:
                    yield str
                finally:  # a failed attempt's files too: a retry in this run may not rewrite them
                    publish.record_writes(stage, asset, written)
            return
        name = f"{self._run_id}-{uuid.uuid4().hex[:12]}"
        stage = publish.generation_dir(live, name)

        def as_live(path: str) -> str:
            inside = Path(path)
            return str(live / inside.relative_to(stage)) if inside.is_relative_to(stage) else path

        token = publish.STEP_GENERATION.set((name, asset))
        try:
            with watch_writes(stage) as written:
                yield as_live
        finally:
            publish.STEP_GENERATION.reset(token)
        _settle_prints()  # its PDFs, queued to print while the step went on, are in the folder
        if not stage.is_dir():
            return  # the step wrote nothing into the period's folder
        publish.record_writes(stage, asset, written)
        self.write_period_manifest(context.instance, landlord_id, period, stage)
        publish.publish(live, name)

    def write_period_manifest(
        self, instance, landlord_id: str, period: str, folder: Path
    ) -> tuple[Path, int]:
        """Write ``folder``'s manifest before it is published; ``(manifest, outputs listed)``.

        Each output says which assets wrote it and in which generation and load
        (:func:`pipeline.publish.provenance`). Refused (``dg.Failure``) when an ERROR check
        failed in this run: nothing built from data that failed a check is published, and the
        previous outputs stay as they were.
        """
        failed = publish.failed_blocking_checks(instance, self._run_id)
        if failed:
            raise dg.Failure(
                description=f"{landlord_id} {period}: not published, these checks failed: "
                f"{', '.join(failed)}; the previous outputs stay as they were"
            )
        from pipeline.manifest import write_manifest

        folder = Path(folder)
        made = publish.provenance(folder, folder.name)
        outputs = publish.visible_files(folder)
        with self.connect(landlord_id, read_only=True) as con:
            manifest = write_manifest(
                con,
                self.landlord(landlord_id),
                period,
                folder,
                outputs,
                generation=folder.name,
                provenance=made,
            )
        return manifest, len(outputs)

    def publish_documents(self, landlord_id: str, period_key: str) -> Path:
        """Swap the period's live folder to this run's staging folder (one generation)."""
        live = workspaces.documents_dir(landlord_id, period_key, Path(self.output_root))
        if self._staged(period_key):
            return publish.publish(live, self._run_id)
        return live

    def lock_path(self, landlord_id: str) -> Path:
        """The writer lock file beside the landlord's DuckDB file."""
        warehouse = self.warehouse(landlord_id)
        return warehouse.with_name(warehouse.name + ".lock")

    @contextmanager
    def writer_lock(
        self,
        landlord_id: str,
        timeout: float | None = None,
        while_waiting: Callable[[], None] | None = None,
    ) -> Iterator[None]:
        """Hold the landlord's writer lock (re-entrant in this thread); see :func:`landlord_lock`.

        Parameters
        ----------
        landlord_id
            The landlord whose warehouse is about to be written.
        timeout
            Seconds to wait for another writer; default ``lock_timeout_seconds``.
        while_waiting
            Called while another writer holds it; see :func:`landlord_lock`.
        """
        with landlord_lock(
            self.lock_path(landlord_id),
            landlord_id,
            self.lock_timeout_seconds if timeout is None else timeout,
            run_id=self._run_id,
            while_waiting=while_waiting,
        ):
            yield

    @contextmanager
    def session(self, landlord_id: str, threads: int | None = None) -> Iterator[None]:
        """Keep the landlord's DuckDB file open for a sequence of in-process runs.

        The command line runs a landlord's load and years one after another in its own process,
        under the landlord's writer lock. Opening and closing the file for every asset and check
        (about thirty times a landlord) cost more than their queries: inside a session,
        :meth:`connect` hands out cursors on one connection (their own transactions, the same
        database), and the file is checkpointed and closed once at the end. ``threads`` caps
        DuckDB's threads for the session (the command gives each of its processes its share of
        the cores); default, DuckDB's own (every core).
        """
        path = self.warehouse(landlord_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        with self.writer_lock(landlord_id):
            con = duckdb.connect(str(path), config={"threads": threads} if threads else {})
            _SESSIONS[str(path)] = con
            try:
                yield
            finally:
                del _SESSIONS[str(path)]
                con.close()

    @contextmanager
    def _session_cursor(
        self, landlord_id: str, shared: duckdb.DuckDBPyConnection, read_only: bool
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        if read_only:
            cursor = shared.cursor()
            try:
                yield cursor
            finally:
                cursor.close()
            return
        with self.writer_lock(landlord_id):  # re-entrant: the session holds it already
            cursor = shared.cursor()
            try:
                yield cursor
            finally:
                cursor.close()

    @contextmanager
    def connect(
        self, landlord_id: str, read_only: bool = False
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """Open the landlord's DuckDB file, closing it even when the step fails.

        Writers (``read_only=False``) first take the landlord's writer lock, so a second writer on
        the same landlord waits and then fails with :class:`LandlordBusyError` instead of
        interleaving. Readers take no lock; DuckDB refuses them while another process writes, and
        the error then names the lock holder.
        """
        path = self.warehouse(landlord_id)
        shared = _SESSIONS.get(str(path))
        if shared is not None:
            with self._session_cursor(landlord_id, shared, read_only) as cursor:
                yield cursor
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        if read_only:
            if not path.exists():
                raise NoWarehouseError(
                    f"Landlord '{landlord_id}' has no warehouse yet at {path}: run its ingest first"
                )
            try:
                con = duckdb.connect(str(path), read_only=True)
            except duckdb.IOException as exc:
                raise LandlordBusyError(
                    f"Cannot read landlord '{landlord_id}' warehouse {path}: {exc} "
                    f"(writer lock held by {_read_holder(self.lock_path(landlord_id))})"
                ) from exc
            try:
                yield con
            finally:
                con.close()
            return
        with self.writer_lock(landlord_id):
            con = duckdb.connect(str(path))
            try:
                yield con
            finally:
                con.close()


def _settle_prints() -> None:
    """Wait for the PDFs a step has queued (:func:`pipeline.reporting.pdf.deferred_prints`),
    where one has printed any: a returns run never imports the printer."""
    printer = sys.modules.get("pipeline.reporting.pdf")
    if printer is not None:
        printer.settle_prints()
