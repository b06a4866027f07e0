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
