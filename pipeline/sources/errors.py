"""The error that stops a run: a file that cannot be read at all."""


class IngestError(RuntimeError):
    """A file cannot be read at all; the message names the file and the problem.

    Bad rows are never an ``IngestError``: they go to quarantine.
    """


def refuse_repeated_columns(shown: str, header: list[str], wanted: list[str]) -> None:
    """Stop when a mapped column is named more than once in ``header`` (names trimmed).

    A mapped column named twice (or ' X' and 'X ') is ambiguous: refuse rather than read
    whichever comes first, which may be a column of names or addresses.
    """
    names = [name.strip() for name in header]
    twice = [c for c in dict.fromkeys(wanted) if names.count(c) > 1]
    if twice:
        listed = ", ".join(f"'{c}'" for c in twice)
        raise IngestError(
            f"{shown}: column {listed} appears more than once in the header; rename or "
            "remove the extra column so it is clear which one the mapping means"
        )
