"""``manifest.json``: what a landlord's period outputs were made from (design.md section 7).

One JSON document per published folder, ``<output_root>/<landlord>/<year>/`` and the quarter and
month folders of the committee packs and quarterly learning summaries: the input files with their
SHA-256 and row reconciliation (from the ``ingest_file`` ledger the ingest step wrote) and one
SHA-256 over them (``inputs_sha256``: two folders with the same value were built from the same
load), the code version, the data cut date, the rows per canonical table, the measures rows of
the reporting year, and every output file with its size and SHA-256. Anyone holding the folder
can check that a published figure came from these inputs and this code, and that no file was
changed afterwards.

Written atomically (temporary file and rename), keys sorted, so two runs on the same inputs give
the same manifest apart from ``generated_at`` and ``code_version``. In a run that publishes the
folder as one generation (:mod:`pipeline.publish`), the manifest is written inside the run's
staging folder, listing that folder's files, before the folder is swapped in: the published
folder and its manifest always match. There each output also says which assets wrote it, in
which generation and from which load (``assets``, ``generation``, ``inputs_sha256``): a document
carried over from an earlier generation, because this run did not rebuild it, says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import duckdb

from pipeline.config import Landlord
from pipeline.io import atomic_write_text
from pipeline.periods import Period, ReportingYear, parse_period

__all__ = ["MANIFEST_NAME", "file_sha256", "inputs_sha256", "write_manifest"]

MANIFEST_NAME = "manifest.json"
_CHUNK = 1024 * 1024


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in 1 MB chunks (outputs can be large PDFs)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return (
        con.execute(
            "select count(*) from duckdb_tables() where table_name = $name and not temporary "
            "and database_name = current_database()",
            {"name": name},
        ).fetchone()[0]
        > 0
    )


def _inputs(con: duckdb.DuckDBPyConnection, landlord_id: str) -> list[dict]:
    if not _table_exists(con, "ingest_file"):
        return []
    rows = con.execute(
        "select source_file, mapping, sha256, rows_in, rows_loaded, rows_quarantined "
        "from ingest_file where landlord_id = $l order by source_file",
        {"l": landlord_id},
    ).fetchall()
    return [
        {
            "file": source_file,
            "mapping": mapping,
            "sha256": sha256,
            "rows_in": rows_in,
            "rows_loaded": loaded,
            "rows_quarantined": quarantined,
            "reconciles": rows_in == loaded + quarantined,
        }
        for source_file, mapping, sha256, rows_in, loaded, quarantined in rows
    ]


def inputs_sha256(inputs: Iterable[Mapping]) -> str:
    """One SHA-256 over the inputs' names and hashes (``manifest["inputs"]``): the load a folder
    was built from, comparable between folders (a year and its quarter) and generations."""
    digest = hashlib.sha256()
    for item in sorted(inputs, key=lambda i: i["file"]):
        digest.update(f"{item['file']}\0{item['sha256']}\n".encode())
    return digest.hexdigest()


def _row_counts(con: duckdb.DuckDBPyConnection, landlord_id: str) -> dict[str, int]:
    """Rows of the landlord in every persistent table with a landlord_id column (one query)."""
    tables = [
        r[0]
        for r in con.execute(
            "select distinct table_name from duckdb_columns() where column_name = 'landlord_id' "
            "and schema_name = 'main' and database_name = current_database() and table_name in "
            "(select table_name from duckdb_tables() where not temporary "
            "and database_name = current_database()) order by 1"
        ).fetchall()
    ]
    if not tables:
        return {}
    union = " union all ".join(
        f"select '{t}' as t, count(*) as n from \"{t}\" where landlord_id = $l"  # noqa: S608
        for t in tables
    )
    return {t: int(n) for t, n in con.execute(union, {"l": landlord_id}).fetchall()}


def _measures_rows(con: duckdb.DuckDBPyConnection, landlord_id: str, year: ReportingYear) -> int:
    if not _table_exists(con, "measures"):
        return 0
    return int(
        con.execute(
            "select count(*) from measures where landlord_id = $l "
            "and period_start >= $start and period_end <= $end",
            {"l": landlord_id, "start": year.start, "end": year.end},
        ).fetchone()[0]
    )


def _code_version() -> str:
    from pipeline.utils.version import code_version  # git describe, else package version

    return code_version()


def write_manifest(
    con: duckdb.DuckDBPyConnection,
    landlord: Landlord,
    year: Period | str,
    out_dir: Path,
    outputs: Iterable[Path | str],
    *,
    generated_at: dt.datetime | None = None,
    generation: str | None = None,
    provenance: Mapping[str, Mapping] | None = None,
) -> Path:
    """Write ``out_dir/manifest.json`` for one landlord and period, atomically.

    Parameters
    ----------
    con
        Connection to the landlord's DuckDB file (read-only is enough).
    landlord
        The validated landlord.yaml.
    year
        The folder's period: a reporting year (``ReportingYear`` or its key ``"2024-25"``), or a
        quarter or month of the committee packs (``"2024-25-Q4"``, ``"2025-03"``), whose
        documents read their reporting year's measures.
    out_dir
        The period's documents folder; output paths are recorded relative to it.
    outputs
        The output files to list (absolute, or relative to ``out_dir``); missing files and the
        manifest itself are skipped.
    generated_at
        Timestamp recorded (default: now, UTC).
    generation
        The generation the folder is (pipeline/publish.py), recorded when given.
    provenance
        Per output (its path relative to ``out_dir``): ``assets``, ``generation`` and
        ``inputs_sha256`` of the run that wrote it; without ``inputs_sha256``, this load's.

    Returns
    -------
    Path
        The manifest written.
    """
    period = parse_period(year) if isinstance(year, str) else year
    year = ReportingYear.containing(period.start)
    out_dir = Path(out_dir)
    landlord_id = landlord.landlord_id
    files = []
    for item in sorted({Path(p) if Path(p).is_absolute() else out_dir / p for p in outputs}):
        if item.name == MANIFEST_NAME or not item.is_file():
            continue
        try:
            shown = item.relative_to(out_dir).as_posix()
        except ValueError:
            shown = item.as_posix()
        files.append({"file": shown, "bytes": item.stat().st_size, "sha256": file_sha256(item)})
    inputs = _inputs(con, landlord_id)
    load = inputs_sha256(inputs)
    if provenance is not None:
        for entry in files:
            made = provenance.get(entry["file"], {})
            # null generation or load: carried from a folder that did not record them
            entry.update(
                assets=sorted(made.get("assets") or []),
                generation=made.get("generation", generation),
                inputs_sha256=made.get("inputs_sha256", load),
            )
    generated_at = generated_at or dt.datetime.now(dt.UTC)
    # Without data_cut_date in landlord.yaml the ingest judged dates at the run date.
    cut = landlord.data_cut_date or generated_at.date()
    document = {
        "landlord_id": landlord_id,
        "landlord_name": landlord.name,
        "reporting_year": year.key,
        "period": period.key,
        "period_kind": period.kind,
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "data_cut_date": cut.isoformat(),
        "data_cut_from": "landlord.yaml" if landlord.data_cut_date else "run date",
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "code_version": _code_version(),
        "inputs": inputs,
        "inputs_reconcile": all(i["reconciles"] for i in inputs),
        "inputs_sha256": load,
        "row_counts": _row_counts(con, landlord_id),
        "measures_rows_for_year": _measures_rows(con, landlord_id, year),
        "outputs": files,
    }
    if generation is not None:
        document["generation"] = generation
    return atomic_write_text(
        out_dir / MANIFEST_NAME, json.dumps(document, indent=2, sort_keys=True) + "\n"
    )
