"""The error that stops a run: a file that cannot be read at all."""


class IngestError(RuntimeError):
    """A file cannot be read at all; the message names the file and the problem.

    Bad rows are never an ``IngestError``: they go to quarantine.
    """
