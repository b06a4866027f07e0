"""Group-level (multi-landlord) read-only views over the per-landlord DuckDB files.

A housing group or a benchmarking club runs many landlords, each into its own DuckDB file (so they
run in parallel). This module opens an in-memory DuckDB database, ``ATTACH``es every landlord file
``READ_ONLY`` and creates views that union a table across landlords (``measures`` by default), so
group analysis never writes to, or locks out writers of, a landlord's file for longer than the query.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import duckdb

from pipeline import workspaces

GROUP_TABLES = ("measures", "ingest_file")
_SAFE = re.compile(r"[^a-z0-9_]")


def _alias(landlord_id: str) -> str:
    # Attached database names become SQL identifiers: keep them to [a-z0-9_], prefixed.
    return "ll_" + _SAFE.sub("_", landlord_id.lower())


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


class MemberFileUnreadable(Exception):
    """A landlord's warehouse file that DuckDB would not open; ``cause`` is DuckDB's error, kept
    for the caller to put in words (its text may quote the file's path and names in it)."""

    def __init__(self, landlord_id: str, path: Path, cause: duckdb.Error) -> None:
        super().__init__(f"the warehouse file of {landlord_id} ({path}) could not be opened")
        self.landlord_id = landlord_id
        self.path = path
        self.cause = cause


def landlord_files(output_root: Path | None = None) -> dict[str, Path]:
    """``{landlord_id: warehouse file}`` of every landlord with a DuckDB file under the output root."""
    folder = workspaces.warehouse_path("x", output_root).parent
    if not folder.is_dir():
        return {}
    return {path.stem: path for path in sorted(folder.glob("*.duckdb"))}


def open_group(
    output_root: Path | None = None,
    landlords: Sequence[str] | None = None,
    tables: Sequence[str] = GROUP_TABLES,
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with one view per table over all landlords' files.

    Parameters
    ----------
    output_root
        Where the ``warehouse/<landlord>.duckdb`` files are (default: the environment's).
    landlords
        Landlord ids to include (default: every file found). A missing file raises.
    tables
        Tables to union; each view is named like the table and has the landlord files' columns
        by name, plus ``group_landlord`` (the file it came from). A landlord file without the
        table is left out of that view.

    Returns
    -------
    duckdb.DuckDBPyConnection
        The caller closes it (which detaches the files). Views: ``measures``, ``ingest_file`` and
        ``group_landlords`` (landlord, file, tables present).

    Raises
    ------
    FileNotFoundError
        A requested landlord has no warehouse file.
    MemberFileUnreadable
        A landlord file DuckDB would not open: being written right now (DuckDB refuses readers
        during a write), damaged, or not a DuckDB file.
    """
    files = landlord_files(output_root)
    if landlords is not None:
        missing = [landlord for landlord in landlords if landlord not in files]
        if missing:
            raise FileNotFoundError(
                f"no warehouse file for {missing} under {workspaces.warehouse_path('x', output_root).parent}"
            )
        files = {landlord: files[landlord] for landlord in landlords}
    con = duckdb.connect(":memory:")
    present: dict[str, set[str]] = {}
    try:
        for landlord_id, path in files.items():
            alias = _alias(landlord_id)
            try:
                con.execute(f"attach {_literal(path)} as {alias} (read_only)")
            except duckdb.Error as error:
                raise MemberFileUnreadable(landlord_id, path, error) from None
            rows = con.execute(
                "select table_name from duckdb_tables() where database_name = ?", [alias]
            ).fetchall()
            present[landlord_id] = {row[0] for row in rows}
        summary = ", ".join(
            f"({_literal(landlord)}, {_literal(files[landlord])}, "
            f"{_literal(','.join(sorted(present[landlord])))})"
            for landlord in files
        )
        con.execute(
            "create temp view group_landlords(landlord_id, warehouse, tables) as "
            + (f"values {summary}" if summary else "select null, null, null where false")
        )
        for table in tables:
            # Identifiers are quoted and the landlord id escaped: no injection from file names.
            parts = [
                f"select {_literal(landlord)} as group_landlord, * "  # noqa: S608
                f"from {_alias(landlord)}.main.{_quote(table)}"
                for landlord in files
                if table in present[landlord]
            ]
            if parts:
                con.execute(
                    f"create temp view {_quote(table)} as " + " union all by name ".join(parts)
                )
    except BaseException:
        con.close()
        raise
    return con
