"""Keyed pseudonymisation of identifiers, computed set-based inside DuckDB.

A source reference (case ref, respondent ref, ...) becomes the first 16 hex digits of
``sha256(key || '|' || normalised id)``. The same key and reference always give the same hash, so
ids still join across tables and files (complaint -> stage -> survey -> learning action), while the
raw reference never reaches a canonical table. Without the key the hashes cannot be recomputed
from a list of guessed references. Normalisation (trim, upper case) makes ``cmp-001 `` and
``CMP-001`` one complaint, as case systems treat them.

The key comes from the environment variable ``COMPLAINTS_PSEUDONYMISATION_KEY`` through the
``ComplaintsStore`` resource; :data:`DEVELOPMENT_KEY` is only for local runs and tests.
"""

from __future__ import annotations

import hashlib

from pipeline.utils.environment import DEVELOPMENT_KEY

__all__ = ["DEVELOPMENT_KEY", "HASH_LENGTH", "pseudonymise", "pseudonymise_expr"]

HASH_LENGTH = 16


def pseudonymise_expr(
    sql_value: str, key_param: str = "$pseudo_key", *, trimmed: bool = False
) -> str:
    """SQL expression hashing ``sql_value`` with the key bound to ``key_param``.

    Parameters
    ----------
    sql_value
        A SQL expression giving the raw identifier as text (null stays null).
    key_param
        The named parameter holding the key (bind it when executing; never inline the key).
    trimmed
        ``sql_value`` is already trimmed with blank as null (the ingest's source cells): skip
        trimming again (a million ids trimmed twice is measurable).

    Returns
    -------
    str
        e.g. ``substr(sha256($pseudo_key || '|' || upper(trim(x))), 1, 16)``.
    """
    if trimmed:
        # Null in, null out: || and sha256 propagate null.
        return f"substr(sha256({key_param} || '|' || upper({sql_value})), 1, {HASH_LENGTH})"
    return (
        f"case when nullif(trim({sql_value}), '') is not null then "
        f"substr(sha256({key_param} || '|' || upper(trim({sql_value}))), 1, {HASH_LENGTH}) end"
    )


def pseudonymise(value: str | None, key: str) -> str | None:
    """Python twin of :func:`pseudonymise_expr` for one id (tests, look-ups by an analyst)."""
    if value is None or not value.strip():
        return None
    digest = hashlib.sha256(f"{key}|{value.strip().upper()}".encode()).hexdigest()
    return digest[:HASH_LENGTH]
