"""How a code cell is matched against a mapping's codes list, route values and label codes."""

from __future__ import annotations

import re

# Spaces other than ' ' that a case system or a copy from a web page writes inside a code (no-break,
# thin, zero-width, ideographic, a byte-order mark), and runs of spaces: read as one space on both
# sides of a codes match, so 'Partly\u00a0Upheld' and 'Refused -  outside policy' are the codes the
# mapping lists, as docs/mapping.md says cells read them
_CODE_SPACES_SQL = r"[\s\x{00a0}\x{2000}-\x{200b}\x{202f}\x{205f}\x{3000}\x{feff}]+"
_CODE_SPACES = re.compile("[\\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")


def code_key(value: str) -> str:
    """A codes list's key as it is matched: spaces folded, trimmed, lower case."""
    return _CODE_SPACES.sub(" ", value).strip().lower()


def code_key_sql(x: str) -> str:
    """SQL for a cell as it is matched against :func:`code_key` keys."""
    return f"trim(regexp_replace(lower({x}), '{_CODE_SPACES_SQL}', ' ', 'g'))"


def coded_case_sql(x: str, whens: str, otherwise: str) -> str:
    """SQL matching the cell ``x`` against ``whens`` (``when <code_key> then ...``).

    The cell as written (lower case) is tried first and folded only when that finds nothing:
    folding every cell (a regular expression) made each coded field of a million-row export
    about 0.3 s slower, and a cell that matches as written is the one its folded form matches.
    """
    return (
        f"(case lower({x}) {whens} else (case {code_key_sql(x)} {whens} else {otherwise} end) end)"
    )


def not_listed_sql(x: str, keys: str) -> str:
    """SQL true when the filled cell ``x`` is none of ``keys`` (code keys as SQL literals), with
    the same cheap first try as :func:`coded_case_sql`."""
    return (
        f"(case when {x} is null or lower({x}) in ({keys}) then false "
        f"else {code_key_sql(x)} not in ({keys}) end)"
    )
