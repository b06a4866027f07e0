"""Load SQL from the top-level ``sql/`` folder, one file per measure or staging step."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import duckdb

SQL_ROOT = Path(__file__).resolve().parent.parent / "sql"


@cache
def load_sql(name: str) -> str:
    """Return the text of ``sql/<name>`` (e.g. ``measures/ch01.sql``)."""
    return (SQL_ROOT / name).read_text(encoding="utf-8")


def run_sql_file(con: duckdb.DuckDBPyConnection, name: str, **params) -> duckdb.DuckDBPyConnection:
    """Execute ``sql/<name>`` with named parameters (``$landlord_id`` style)."""
    return con.execute(load_sql(name), params or None)


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back the open transaction, if one is still open.

    Called while an error propagates: when ``commit`` itself failed (the disk full as the WAL is
    written), DuckDB has already ended the transaction, and a plain ``rollback`` raised
    "cannot rollback - no transaction is active", which replaced the real cause in the run's
    message (second hostile audit: a full disk was reported as a TransactionException).
    """
    try:
        con.rollback()
    except duckdb.TransactionException:
        pass


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def lit(value: object) -> str:
    """A SQL literal for a YAML scalar (text, number, boolean, date)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return f"date '{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"
