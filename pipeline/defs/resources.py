import dagster as dg

from pipeline.distributed import executor_from_env
from pipeline.resources import ComplaintsStore
from pipeline.utils.environment import get_environment


@dg.definitions
def resources() -> dg.Definitions:
    # One landlord-year per run and one DuckDB writer per landlord file: the steps of a run execute
    # in the run's own process, one after another (no per-step subprocess, no two writers on one
    # file). Parallelism comes from runs on different landlords (dagster.yaml run queue).
    # COMPLAINTS_EXECUTOR=celery sends the steps to Celery workers instead (pipeline/distributed.py).
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
                pseudonymisation_key=dg.EnvVar("COMPLAINTS_PSEUDONYMISATION_KEY").get_value(
                    ComplaintsStore.model_fields["pseudonymisation_key"].default
                ),
                environment=get_environment(),
            )
        },
    )
