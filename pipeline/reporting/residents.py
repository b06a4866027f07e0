"""The learning summary for residents (seed 003 s26.5): what complaints told us and what changed."""

from __future__ import annotations

import duckdb

from pipeline.periods import Period
from pipeline.reporting.annual import learning_actions
from pipeline.reporting.blocks import Metric, Section, breakdown_block, metric_table, shown
from pipeline.reporting.data import Measures
from pipeline.reporting.tables import data_table


def learning_sections(
    con: duckdb.DuckDBPyConnection, landlord_id: str, measures: Measures, period: Period
) -> list[Section]:
    """Plain-language sections: what you told us, what we changed, how we did."""
    told = Section("told-us", "What your complaints told us")
    received = measures.get("complaints_received", period)
    if received is not None:
        told.text(f"In {period.label} residents made {shown(received)} complaints to us.")
    breakdown_block(
        told,
        "residents-area",
        "Complaints by the service they were about",
        measures,
        "received_1",
        period,
        "service_area",
        heading="Service",
        value_heading="Complaints",
        chart_summary="The service residents complained about most was {top} ({top_value} "
        "complaints).",
        empty="No complaints were recorded for this period.",
    )
    breakdown_block(
        told,
        "residents-theme",
        "The most common reasons behind complaints",
        measures,
        "root_cause",
        period,
        "root_cause",
        heading="Reason",
        value_heading="Complaints",
    )

    changed = Section("changed", "What we changed")
    actions = learning_actions(con, landlord_id, period, published=True)
    if actions.height:
        changed.text(
            "Each change below came from complaints. We show how many complaints led to it, not "
            "details of anyone's case."
        )
        changed.add_table(
            data_table("tbl-residents-changes", "Changes we made or are making", actions)
        )
    else:
        changed.note("No service improvements were recorded for this period.")

    how = Section("how-we-did", "How well we handled complaints")
    how.add_table(
        metric_table(
            "tbl-residents-how",
            "How we handled complaints",
            measures,
            [
                Metric("First replies sent in time (%)", "response_in_time_1", view="management"),
                Metric(
                    "Second-stage replies sent in time (%)", "response_in_time_2", view="management"
                ),
                Metric("Complaints sorted out at the first stage (%)", "resolved_stage1"),
                Metric("Promised actions done on time (%)", "promised_actions_on_time"),
            ],
            [(period.label, period)],
            first_heading="What we measure",
        ),
        empty="No figures for this period.",
    )
    return [told, changed, how]
