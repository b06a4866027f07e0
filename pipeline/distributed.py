"""Which Dagster executor runs the steps: in-process (default) or Celery workers over Redis.

A housing group or the whole sector outgrows one machine: set ``COMPLAINTS_EXECUTOR=celery`` on the
hosts that launch runs and every job's steps go to Dagster's celery executor (``dagster-celery``),
whose workers (``dagster-celery worker start -A dagster_celery.app -y deploy/celery.yaml``) may run
on any host that shares the Dagster instance (``deploy/dagster.postgres.yaml``) and the output root.
The broker and result backend are Redis URLs from the environment (docs/deployment.md); nothing here
holds a host name or a password.
"""

from __future__ import annotations

import os

import dagster as dg

EXECUTOR_ENV = "COMPLAINTS_EXECUTOR"
BROKER_ENV = "COMPLAINTS_CELERY_BROKER"
BACKEND_ENV = "COMPLAINTS_CELERY_BACKEND"
EXECUTORS = ("in_process", "celery")

# The same block as deploy/celery.yaml's execution.config, which the workers read.
CELERY_CONFIG = {
    "broker": {"env": BROKER_ENV},
    "backend": {"env": BACKEND_ENV},
}


def celery_executor() -> dg.ExecutorDefinition:
    """Dagster's celery executor, broker and backend read from the environment at run time."""
    from dagster_celery import celery_executor as executor  # imported only when chosen

    return executor.configured(CELERY_CONFIG, name="celery")


def executor_from_env() -> dg.ExecutorDefinition:
    """``COMPLAINTS_EXECUTOR``: ``in_process`` (default: one process per run) or ``celery``."""
    choice = os.environ.get(EXECUTOR_ENV, "in_process").strip() or "in_process"
    if choice == "in_process":
        return dg.in_process_executor
    if choice == "celery":
        for name in (BROKER_ENV, BACKEND_ENV):
            if not os.environ.get(name):
                raise ValueError(
                    f"{EXECUTOR_ENV}=celery needs {name} (a Redis URL such as "
                    "redis://127.0.0.1:6379/0); see docs/deployment.md"
                )
        return celery_executor()
    raise ValueError(f"{EXECUTOR_ENV} must be one of {', '.join(EXECUTORS)}, not {choice!r}")
