"""The error that stops a run: a file that cannot be read at all."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence


class IngestError(RuntimeError):
    """A file cannot be read at all; the message names the file and the problem.

    Bad rows are never an ``IngestError``: they go to quarantine.
    """


_LINE_BREAKS = re.compile(r"[ ]*[\r\n\t\v\f]+[ ]*")


def fold_header_name(name: str) -> str:
    """A header cell or mapping column name as names are matched: trimmed, hidden characters
    folded (no-break and zero-width spaces read as a space), a line break or tab inside it
    (a wrapped header cell, typed with Alt+Enter: 'Date' over 'Received') read as one space,
    and quotes left around it (a quoted cell after a space) taken off."""
    from pipeline.sources.screen import normalised_text

    name = _LINE_BREAKS.sub(" ", name.strip())
    if len(name) >= 2 and name[0] == name[-1] == '"':
        # a quoted header cell after a space (`Ref, "Date Received"`): CSV reads a quote as
        # quoting only at the very start of a cell, so the quotes stayed in the name
        name = name[1:-1].replace('""', '"').strip()
    return (normalised_text(name) or "").strip() or name


def header_names(
    shown: str, header: list[str], wanted: Sequence[str], first_column: int = 0
) -> list[str]:
    """The names a mapping uses for ``header``'s columns (trimmed; a repeated name numbered).

    A name the header repeats (``Outcome`` under stage 1 and again under stage 2, or ``' X'``
    and ``'X '``) is ``Outcome (1)``, ``Outcome (2)``, ... in header order, so a mapping can say
    which it means. A mapping naming the bare ``Outcome`` is refused rather than given whichever
    comes first, which may be a column of names or addresses.
    """
    # Hidden characters folded as in cells: a name drawn 'Case Ref' holding a no-break or
    # zero-width space is 'Case Ref' (it was "not in the header", and the export unreadable);
    # a wrapped cell's line break is a space ('Date Received' drawn on two lines)
    names = [fold_header_name(name) for name in header]
    counts = Counter(names)
    seen: dict[str, int] = {}
    numbered = []
    for name in names:
        if counts[name] > 1:
            seen[name] = seen.get(name, 0) + 1
            name = f"{name} ({seen[name]})"
        numbered.append(name)
    twice = [c for c in dict.fromkeys(wanted) if counts.get(c, 0) > 1]
    if twice:
        first = twice[0]
        places = ", ".join(
            _column_letter(first_column + i) for i, name in enumerate(names) if name == first
        )
        raise IngestError(
            f"{shown}: column {', '.join(repr(c) for c in twice)} appears more than once in the "
            f"header (columns {places}); in the mapping write '{first} (1)' for the first, "
            f"'{first} (2)' for the second, and so on, so it is clear which one is meant"
        )
    # a literal "Outcome (2)" beside two "Outcome": two columns would share one name
    clash = [name for name, n in Counter(numbered).items() if n > 1]
    if clash:
        from pipeline.sources.screen import looks_personal

        named = "a column" if looks_personal(clash[:1]) else f"a column named '{clash[0]}'"
        raise IngestError(
            f"{shown}: the header has {named} as well as repeated names "
            "numbered that way; rename one of them in the export"
        )
    return _in_the_mappings_case(shown, numbered, wanted, first_column)


def _in_the_mappings_case(
    shown: str, names: list[str], wanted: Sequence[str], first_column: int
) -> list[str]:
    """``names`` with each mapped name the header writes in another case only (``COMPLAINT REF``
    for ``Complaint Ref``) given the mapping's spelling, when one header cell alone is that name.

    A report writer that capitalises its headings from one year's export to the next (or an
    analyst who types ``Date received`` for ``Date Received``) stopped the file as "not in the
    header", so one mapping could not read both years' files. Two cells that are the name in
    other cases (``OUTCOME`` and ``outcome``) stop the file: which one is meant is not known.
    """
    present = set(names)
    out = list(names)
    for want in dict.fromkeys(wanted):
        if want in present:
            continue
        folded = want.casefold()
        same = [
            i
            for i, name in enumerate(names)
            if name.casefold() == folded and name not in wanted and out[i] == name
        ]
        if len(same) == 1:
            out[same[0]] = want
        elif same:
            from pipeline.sources.screen import looks_personal

            named = "a mapped column" if looks_personal([want]) else f"column '{want}'"
            places = ", ".join(_column_letter(first_column + i) for i in same)
            raise IngestError(
                f"{shown}: {named} is not in the header as written, and {len(same)} header "
                f"cells differ from it only in case (columns {places}); write the mapping's "
                "name exactly as the one meant"
            )
    return out


def _column_letter(index: int) -> str:
    """Spreadsheet column letters of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
