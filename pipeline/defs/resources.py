import dagster as dg

from pipeline.resources import ComplaintsStore
from pipeline.utils.environment import get_environment


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
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
        }
    )
