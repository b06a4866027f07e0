"""The measure families (one SQL file each, run in this order) and the headline measures.

Every headline measure gets a breakdown 'none' row in every period even with no data (``[U]`` or
0), so reports never meet a missing line. The ids are documented in ``docs/measures.md``; a test
checks that every id here appears there.
"""

FAMILIES: tuple[str, ...] = (
    "ch01_ch02",
    "tp09",
    "volumes",
    "acknowledgement",
    "response_timeliness",
    "wd_to_response",
    "stage_resolution",
    "open_ageing",
    "outcomes",
    "remedies",
    "refusals",
    "heat_networks",
    "arc",
    "equality",
    "complainant_survey",
    "learning",
    "ombudsman",
    "non_complaints",
    "handling",
    "open_ombudsman_cases",
    "overdue_learning_actions",
    "overdue_promised_actions",
)

# Families that read a year's own inputs (year-end stock, TP09 population) and so run once per year;
# every other family reads only the period tables and the years' date range, so one run serves all
# the years of a compute_measures call.
YEAR_FAMILIES: tuple[str, ...] = ("ch01_ch02", "tp09")

# (measure, view, unit) of the measures that always have a breakdown 'none' row.
HEADLINE_MEASURES: tuple[tuple[str, str, str], ...] = (
    *((f"received_{n}", "all", "count") for n in (1, 2)),
    ("complaints_received", "all", "count"),
    *((f"ack_in_time_{n}", "all", "percent") for n in (1, 2)),
    *(
        (f"response_in_time_{n}", view, "percent")
        for n in (1, 2)
        for view in ("management", "regulator")
    ),
    *(
        (f"response_in_time_with_ext_{n}", view, "count")
        for n in (1, 2)
        for view in ("management", "regulator")
    ),
    *((f"wd_to_response_mean_{n}", "all", "wd") for n in (1, 2)),
    *((f"wd_to_response_median_{n}", "all", "wd") for n in (1, 2)),
    ("escalation_rate", "management", "percent"),
    ("resolved_stage1", "management", "percent"),
    ("resolved_stage1_provisional_count", "management", "count"),
    ("resolved_stage1_provisional", "management", "flag"),
    ("resolved_stage2", "management", "percent"),
    ("escalation_late_requested", "management", "count"),
    *((f"open_{n}", "management", "count") for n in (1, 2)),
    *((f"overdue_{n}", "management", "count") for n in (1, 2)),
    *((f"refused_{n}", "all", "count") for n in (1, 2)),
    ("refusals_with_reason", "all", "percent"),
    ("compensation_offered_gbp", "all", "gbp"),
    ("compensation_paid_gbp", "all", "gbp"),
    ("compensation_paid_count", "all", "count"),
    ("remedy_payments_without_complaint", "all", "gbp"),
    ("remedy_payments_without_complaint_count", "all", "count"),
    ("non_complaints", "all", "count"),
    ("care_complaints", "all", "count"),
    ("heat_network_complaints", "all", "count"),
    ("heat_network_resolved_8_weeks", "all", "percent"),
    ("heat_network_eo_eligible", "all", "count"),
    ("heat_network_eo_notified", "all", "percent"),
    ("heat_network_eo_referred", "all", "count"),
    ("heat_network_satisfaction_recorded", "all", "percent"),
    *((f"ARC_3_{n}", "regulator", "percent") for n in (1, 2)),
    *((f"ARC_3_in_time_{n}", "regulator", "percent") for n in (1, 2)),
    *((f"ARC_4_{n}", "regulator", "wd") for n in (1, 2)),
    *((f"vulnerability_{n}", "all", "percent") for n in (1, 2)),
    *((f"adjustment_requested_{n}", "all", "percent") for n in (1, 2)),
    *((f"adjustment_made_{n}", "all", "percent") for n in (1, 2)),
    ("complainant_survey_response_rate", "all", "percent"),
    *(
        (f"complainant_satisfaction_{q}", "all", "percent")
        for q in ("timeliness", "fairness", "outcome")
    ),
    ("learning_actions", "all", "count"),
    ("learning_linked_complaints", "all", "count"),
    ("learning_actions_completed_by_due", "all", "percent"),
    ("learning_actions_completed", "all", "count"),
    ("promised_actions_on_time", "all", "percent"),
    ("overdue_learning_actions", "all", "count"),
    ("overdue_promised_actions", "all", "count"),
    ("root_cause_recorded", "all", "percent"),
    ("stage2_different_handler", "all", "percent"),
    ("records_complete", "all", "percent"),
    *((f"extension_within_limit_{n}", "regulator", "percent") for n in (1, 2)),
    ("ombudsman_referred", "all", "count"),
    ("ombudsman_determinations", "all", "count"),
    ("ombudsman_findings", "all", "count"),
    ("ombudsman_maladministration_rate", "all", "percent"),
    ("ombudsman_orders_complied", "all", "percent"),
    ("ombudsman_compensation_ordered_gbp", "all", "gbp"),
    ("open_ombudsman_cases", "all", "count"),
    ("chfo_issued", "all", "count"),
    ("chfo_complied", "all", "percent"),
    ("compliments", "all", "count"),
)
