"""Work for a landlord pool's worker process in the tests (a module of its own: the worker
imports it, and test-only libraries are hidden from workers)."""

from __future__ import annotations

import time

from pipeline.stopping import at_work


def at_work_for(seconds: float) -> str:
    """Stand in for a landlord's run: a stop signal is recorded, not acted on, until it ends."""
    with at_work("stand-in"):
        time.sleep(seconds)
    return "done"


def ready() -> bool:
    return True
