"""One landlord code per landlord across an edition's sheets.

A landlord's registration number may be written otherwise on another sheet of the same workbook:
``L0123``, ``0123`` and ``123`` (a leading ``L`` or zeros dropped, or a cell typed as a number).
Read as three codes, the landlord would be two landlords (one sized by its homes, the other by its
surveyed tenants, perhaps in another size band). :class:`LandlordCodes` reads such a code as the
spelling the first sheet gave when the landlord name agrees, and stops the add when it does not
(two landlords whose codes differ only so would be a guess either way).
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.rsh.workbook import WorkbookError, heading_key

_NUMBERED = re.compile(r"L?0*(\d+)")


def code_core(code: str) -> str | None:
    """The number of an ``L0123`` / ``0123`` / ``123`` code (``"123"``); None for other codes."""
    found = _NUMBERED.fullmatch(code.upper())
    return found.group(1) if found else None


def _name_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", heading_key(name)).strip()


class LandlordCodes:
    """Codes as first read, by sheet; a later sheet's code written otherwise is read as that one."""

    def __init__(self) -> None:
        self.first: dict[str, tuple[str, str]] = {}  # code -> (its sheet, landlord name key)
        self.by_core: dict[str, str] = {}  # number -> the code first read for it
        self.rewritten: Counter = Counter()  # sheet -> codes read as another sheet's spelling

    def resolve(self, code: str, name: str, sheet: str, number: int, column: str) -> str:
        """The landlord's code as the edition first wrote it (registering a new one)."""
        if code in self.first:
            return code
        core = code_core(code)
        other = self.by_core.get(core) if core is not None else None
        if other is None or self.first[other][0] == sheet:  # new, or another row of one sheet
            self.first[code] = (sheet, _name_key(name))
            if core is not None:
                self.by_core.setdefault(core, code)
            return code
        if name and _name_key(name) != self.first[other][1]:
            raise WorkbookError(
                f"'{sheet}' row {number}: the '{column}' cell is landlord {other} of sheet "
                f"'{self.first[other][0]}' written otherwise ({code}), but with another landlord "
                "name; write that landlord's code and name as the other sheets do in a copy of "
                "the workbook, then add the copy"
            )
        self.rewritten[sheet] += 1
        return other

    def lookup(self, code: str) -> str:
        """A code of a sheet naming landlords only (the RSH's "Not Included" lists)."""
        if code in self.first:
            return code
        core = code_core(code)
        return self.by_core.get(core, code) if core is not None else code


__all__ = ["LandlordCodes", "code_core"]
