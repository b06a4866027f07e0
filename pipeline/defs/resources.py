import os

import dagster as dg

from pipeline.distributed import executor_from_env
from pipeline.resources import ComplaintsStore
from pipeline.utils.environment import get_environment

KEY_VARIABLE = "COMPLAINTS_PSEUDONYMISATION_KEY"


@dg.definitions
def resources() -> dg.Definitions:
    # One landlord per run (its years in one run) and one DuckDB writer per landlord file: the steps
    # of a run execute in the run's own process, one after another (no per-step subprocess, no two
    # writers on one file). Parallelism comes from runs on different landlords (dagster.yaml run
    # queue). COMPLAINTS_EXECUTOR=celery sends the steps to Celery workers instead
    # (pipeline/distributed.py).
    return dg.Definitions(
        executor=executor_from_env(),
        resources={
            "store": ComplaintsStore(
                workspaces_root=dg.EnvVar("COMPLAINTS_WORKSPACES_ROOT").get_value(
                    ComplaintsStore.model_fields["workspaces_root"].default
                ),
                output_root=dg.EnvVar("COMPLAINTS_OUTPUT_ROOT").get_value(
                    ComplaintsStore.model_fields["output_root"].default
                ),
                # An EnvVar, resolved when a run starts: the UI (Deployment > Resources) shows the
                # variable's name, never the key. Unset, the development key applies (and the
                # resource warns; pipeline/resources.py).
                pseudonymisation_key=dg.EnvVar(KEY_VARIABLE)
                if os.environ.get(KEY_VARIABLE)
                else ComplaintsStore.model_fields["pseudonymisation_key"].default,
                environment=get_environment(),
            )
        },
    )
