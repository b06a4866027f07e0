"""Keyed pseudonymisation of identifiers, computed set-based inside DuckDB.

A source reference (case ref, respondent ref, ...) becomes the first 16 hex digits of
``sha256(key || '|' || normalised id)``. The same key and reference always give the same hash, so
ids still join across tables and files (complaint -> stage -> survey -> learning action), while the
raw reference never reaches a canonical table. Without the key the hashes cannot be recomputed
from a list of guessed references. Normalisation (trim, upper case, invisible characters such as
tabs, zero-width spaces and byte-order marks dropped; a whole number written with ``.0``, or a
reference of digits with leading zeros, read as the number) makes ``cmp-001 `` and ``CMP-001``,
``1234.0`` and ``1234``, and ``000123`` and ``123``, one complaint, as case systems treat them.

The key comes from the environment variable ``COMPLAINTS_PSEUDONYMISATION_KEY`` through the
``ComplaintsStore`` resource; :data:`DEVELOPMENT_KEY` is only for local runs and tests.
"""

from __future__ import annotations

import hashlib
import re

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
        value = _whole_number_sql(_without_invisibles_sql(sql_value))
        return f"substr(sha256({key_param} || '|' || upper({value})), 1, {HASH_LENGTH})"
    value = _whole_number_sql(_without_invisibles_sql(f"nullif(trim({sql_value}), '')"))
    return (
        f"list_transform([{value}], lambda v: case when v is not null then "
        f"substr(sha256({key_param} || '|' || upper(v)), 1, {HASH_LENGTH}) end)[1]"
    )


# Characters no case system's reference holds but a copy from a web page, a spreadsheet or a
# concatenated export brings in: tabs and line breaks, zero-width spaces and joiners, direction
# marks, soft hyphens, a byte-order mark ('\ufeff' at the start of a second file's rows). Kept,
# they made "HC/2025/1065<TAB>" another complaint than "HC/2025/1065": its stage 2 row loaded
# as a complaint of its own with no stage 1, and the real complaint was never escalated, without
# a word (second hostile audit).
_INVISIBLE = "\t\n\r\x0b\x0c\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff"
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
_INVISIBLE_SQL = (
    "[\\t\\n\\r\\x0b\\x0c\\x{00ad}\\x{180e}\\x{200b}-\\x{200f}\\x{202a}-\\x{202e}"
    "\\x{2060}-\\x{2064}\\x{feff}]"
)


def _without_invisibles_sql(x: str) -> str:
    """SQL for the trimmed, non-blank id ``x`` with :data:`_INVISIBLE` characters dropped, then
    trimmed again (blank: null). An ASCII id without a control character (nearly all) is
    returned as it is, with no regular expression run."""
    ascii_plain = " and ".join(f"not contains(v, chr({c}))" for c in (9, 10, 11, 12, 13))
    return (
        f"list_transform([{x}], lambda v: case when strlen(v) = length(v) and {ascii_plain} "
        f"then v else nullif(trim(regexp_replace(v, '{_INVISIBLE_SQL}', '', 'g')), '') end)[1]"
    )


# A numeric reference written as a decimal ('1234.0', '1234.00'): an export tool that holds the
# column as floating point (a pandas or database export whose id column has a blank) writes it
# so, where the case system, an XLSX report (whose readers give a whole number without '.0') and
# every other file write 1234. Hashed as written it was another complaint: its stages, survey
# and promised actions no longer joined it, without a word. Read as the whole number.
_WHOLE_NUMBER = r"[0-9]+\.0+"
# A numeric reference with leading zeros ('000123'): the case system pads its references, and a
# file that has been through Excel (a stage 2 export, the Ombudsman tracker, a survey agency's
# file) has lost them ('123'). Hashed as written, the stage 2 of case 000123 was a complaint of
# its own, with no tenure and outside CH01 and CH02, and its stage 1 was never escalated, without
# a word. A reference of digits only is read as its number, so both are one complaint; two
# different rows that are then one complaint and stage are conflicting_rows, as any are.
_DIGITS = r"[0-9]+"


def _without_leading_zeros_sql(w: str) -> str:
    """SQL for the digits-only text ``w`` without its leading zeros ('000' is '0')."""
    return f"coalesce(nullif(ltrim({w}, '0'), ''), '0')"


def _whole_number_sql(x: str) -> str:
    """SQL for the id ``x`` read as a number when it is one: a decimal point and zeros after a
    whole number dropped, and leading zeros of a reference of digits only; an id with neither a
    point nor a leading zero (nearly all) is returned as it is, with no regular expression run."""
    whole = _without_leading_zeros_sql("split_part(w, '.', 1)")
    return (
        f"list_transform([{x}], lambda w: case when contains(w, '.') and "
        f"regexp_full_match(w, '{_WHOLE_NUMBER}') then {whole} "
        f"when starts_with(w, '0') and regexp_full_match(w, '{_DIGITS}') then "
        f"{_without_leading_zeros_sql('w')} else w end)[1]"
    )


def pseudonymise(value: str | None, key: str) -> str | None:
    """Python twin of :func:`pseudonymise_expr` for one id (tests, look-ups by an analyst)."""
    value = _INVISIBLE_RE.sub("", value).strip() if value is not None else None
    if not value:
        return None
    if "." in value and re.fullmatch(_WHOLE_NUMBER, value):
        value = value.split(".")[0]
    if value.startswith("0") and re.fullmatch(_DIGITS, value):
        value = value.lstrip("0") or "0"
    digest = hashlib.sha256(f"{key}|{value.upper()}".encode()).hexdigest()
    return digest[:HASH_LENGTH]
