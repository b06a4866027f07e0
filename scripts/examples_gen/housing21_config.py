"""Housing 21's ``landlord.yaml``, complaint and survey mappings, Ombudsman publications and
each year's annual report inputs (board response, narrative, other reports).
"""

from __future__ import annotations

from .dates import DATA_CUT
from .governance import TEXTS as GOVERNANCE_TEXTS
from .governance import write_annual_inputs
from .housing21_export import (
    H21_CATEGORIES,
    H21_CHANNEL_LABEL,
    H21_EC,
    H21_OUTCOME_LABEL,
    H21_RL,
    H21_SURVEY_COLUMNS,
    H21_TENURE_LABEL,
)
from .surveys import TP09_CODES_YAML, complainant_survey_mapping
from .workspace import Workspace, label_codes_yaml, service_area_codes_yaml, write_landlord_yaml


def write_h21_config(ws: Workspace) -> None:
    ws.text(
        "mappings/erica_complaints.yaml",
        """# ERICA event extract: one row per event (wide), stage 1 and stage 2 in columns.
# Yearly extracts: 2023-24 was saved from Excel as cp1252 (Windows), 2024-25 as UTF-8 with a BOM
# (and its "Date Closed" column came out as Excel serial numbers), later ones carry a time of day.
files: ["exports/erica_complaints_*.csv"]
format: csv
encoding: auto
delimiter: ","
header_row: 1
target: complaint
shape: wide
date_formats: ["%d/%m/%Y %H:%M", "%d/%m/%Y"]
excel_serial_dates: true
columns:
  complaint_id: "Event ID"
  received_date: "Date Received"
  category: "Category"
  service_area:
    column: "Category"
    codes:
"""
        + service_area_codes_yaml(H21_CATEGORIES, 6)
        + """
  scheme: "Scheme"
  channel:
    column: "How Received"
    codes:
"""
        + label_codes_yaml(H21_CHANNEL_LABEL, 6)
        + """
  tenure:
    column: "Tenure"
    codes:
"""
        + label_codes_yaml(H21_TENURE_LABEL, 6)
        + """
    default: unknown
  regime: {value: eng}
  is_tenant_of_owned_stock: "H21 Owned"
  handled_by: {value: landlord}
  anonymous: "Anonymous"
  collective: {value: false}
  # Made by the resident or someone on their behalf with consent (policy s5.2)
  representative: {column: "Made By", codes: {"Resident": false}, other: true, default: false}
  representative_consent_date: "Consent Recorded"
  # From the 2026 version STAIRs complaints are handled under the separate STAIRs policy (s4.1)
  separate_policy: {column: "Policy", codes: {"Complaints": null, "STAIRs": stairs}}
  vulnerability: "Vulnerability Recorded"
  adjustment_requested: "Reasonable Adjustment Requested"
  adjustment_made: "Reasonable Adjustment Made"
  notifiable_event: {value: false}
  heat_network_deadlock_date: "HN Deadlock Letter"
  energy_ombudsman_notified_date: "HN Energy Ombudsman Notified"
  energy_ombudsman_referred: "HN Referred to Energy Ombudsman"
  resolved_to_satisfaction: "HN Resolved to Satisfaction"
  closed_date: "Date Closed"
  tenancy_end_date: "Tenancy End Date"
  legal_hold: "Legal Hold"
stages:
  1:
    received_date: "Date Received"
    acknowledged_date: "S1 Acknowledged"
    extension_wd: "S1 Extension (WD)"
    extension_reason: "S1 Extension Reason"
    extension_notified_date: "S1 Extension Agreed"
    responded_date: "S1 Response Date"
    outcome:
      column: "S1 Outcome"
      codes:
"""
        + label_codes_yaml(H21_OUTCOME_LABEL, 8)
        + """
      default: open
    refused: "S1 Not Accepted"
    refusal_reason: "S1 Not Accepted Reason"
    compensation_offered_gbp: "S1 Compensation Offered"
    compensation_paid_gbp: "S1 Compensation Paid"
    non_financial_remedy: "S1 Remedy"
    handler_ref: "S1 Handler"
  2:
    received_date: "S2 Escalation Date"
    acknowledged_date: "S2 Acknowledged"
    extension_wd: "S2 Extension (WD)"
    extension_reason: "S2 Extension Reason"
    extension_notified_date: "S2 Extension Agreed"
    responded_date: "S2 Response Date"
    outcome:
      column: "S2 Outcome"
      codes:
"""
        + label_codes_yaml(H21_OUTCOME_LABEL, 8)
        + """
      default: open
    refused: "S2 Not Accepted"
    refusal_reason: "S2 Not Accepted Reason"
    compensation_offered_gbp: "S2 Compensation Offered"
    compensation_paid_gbp: "S2 Compensation Paid"
    non_financial_remedy: "S2 Remedy"
    handler_ref: "S2 Handler"
route:
  column: "Record Type"
  values:
    "Complaint": complaint
    "Service Request":
      target: non_complaint
      set: {kind: service_request, regime: eng}
      columns:
        record_ref: "Event ID"
        record_date: "Date Received"
        service_area: &h21_area
          column: "Category"
          codes:
"""
        + service_area_codes_yaml(H21_CATEGORIES, 12)
        + """
    "Did not wish to complain":
      target: non_complaint
      set: {kind: did_not_wish_to_complain, regime: eng}
      columns:
        record_ref: "Event ID"
        record_date: "Date Received"
        service_area: *h21_area
# Unmapped on purpose (personal data stays in the export): Complainant Name, Address, Postcode,
# Email, Telephone, Summary of Complaint. Business Stream is looked up from landlord.yaml.
""",
    )
    ws.text(
        "mappings/tsm_perception.yaml",
        """# TSM perception survey (TP09), one file per survey year, weighted by the survey agency.
files: ["surveys/tsm_perception_*.csv"]
format: csv
encoding: auto
delimiter: ","
header_row: 1
target: tp09_response
date_formats: ["%d/%m/%Y"]
columns:
  respondent_ref: "Respondent ID"
  survey_date: "Interview Date"
  stock_type:
    column: "Tenure Type"
    codes:
      "Rented": lcra
      "Shared Ownership": lcho
  scheme: "Scheme"
  made_complaint_12m:
    column: "Complained In Last 12 Months"
    codes:
      "Yes": "yes"
      "No": "no"
  answer:
    column: "TP09 Complaints Handling"
    codes:
"""
        + TP09_CODES_YAML
        + """
  weight: "Weight"
""",
    )
    complainant_survey_mapping(
        ws,
        "surveys/complaint_satisfaction_monthly.csv",
        H21_SURVEY_COLUMNS,
        '["%d/%m/%Y"]',
        "Monthly complaints survey (policy s12.1): sent to a sample of last month's closed complaints.",
    )
    streams = "\n".join(f"    - {s}" for s in H21_RL)
    extra = "\n".join(f"    - {s}" for s in H21_EC)
    write_landlord_yaml(
        ws,
        f"""
# Housing 21: housing, care and heat-network complaints (policies 001 then 000 in ../shared/policies).
landlord_id: housing21
name: Housing 21
rsh_registration: "L0055"
regimes: [eng]
business_streams:
  Retirement Living:
{streams}
  Extra Care:
{extra}
stock:
  - {{year_end: 2024-03-31, stock_type: lcra, country: eng, units_owned: 19870}}
  - {{year_end: 2024-03-31, stock_type: lcho, country: eng, units_owned: 1985}}
  - {{year_end: 2025-03-31, stock_type: lcra, country: eng, units_owned: 20040}}
  - {{year_end: 2025-03-31, stock_type: lcho, country: eng, units_owned: 2010}}
  - {{year_end: 2026-03-31, stock_type: lcra, country: eng, units_owned: 20215}}
  - {{year_end: 2026-03-31, stock_type: lcho, country: eng, units_owned: 2032}}
closures:
  - {{date: 2023-12-27, regimes: [eng], reason: Christmas closure}}
  - {{date: 2024-12-27, regimes: [eng], reason: Christmas closure}}
  - {{date: 2025-12-29, regimes: [eng], reason: Christmas closure}}
policy_versions:
  # Earlier policy (seed 001), applied from the start of the data. Section 7.4 says extensions are
  # "generally up to 10 working days unless there are extenuating circumstances" but the procedure
  # (appendix A) says "extend ... to a maximum of 10 working days": the procedure's hard cap is used.
  - effective_from: 2023-04-01
    source: "Complaints policy, earlier version: stage 2 within six months of the stage 1 response"
    timescales:
      eng:
        stage_1: {{acknowledge_wd: 5, respond_wd: 10, extension_wd: 10, clock_starts: acknowledgement}}
        stage_2: {{acknowledge_wd: 5, respond_wd: 20, extension_wd: 20, clock_starts: acknowledgement}}
    escalation_window: {{months_after_stage1_response: 6}}
    # Both versions list anonymous complaints among those not dealt with under the policy (s9 / s4.1).
    complaint_time_limit_months: 12   # "where the issue has arisen within the last 12 months"
    anonymous_accepted: false
    # Seed 001's scope statement does not name care services separately, so care complaints stay in
    # the TSM complaint count under this version.
    outside_tsm_service_areas: []
  # Current policy (seed 000) from the start of Ofgem's heat-network rules. It drops the six-month
  # escalation limit and states no time limit for asking for stage 2, so no escalation is late.
  - effective_from: 2026-01-27
    source: "Complaints policy, current version: housing, care and heat networks"
    timescales:
      eng:
        stage_1: {{acknowledge_wd: 5, respond_wd: 10, extension_wd: 10, extension_cap_unless_extenuating: true, clock_starts: acknowledgement}}
        stage_2: {{acknowledge_wd: 5, respond_wd: 20, extension_wd: 20, extension_cap_unless_extenuating: true, clock_starts: acknowledgement}}
    escalation_window: null
    complaint_time_limit_months: 12   # "where the issue has arisen within the last 12 months"
    anonymous_accepted: false
    # s4.1: complaints about publishing information or information requests under the Social
    # Tenants Access to Information Requirements are covered by the separate STAIRs policy.
    separate_policies: [stairs]
    # Care complaints are placed outside the TSM count: the summary says the policy covers "housing
    # services, care services and heat networks" as separate services, and s9.2 sends care complaints
    # to the local authority and the Local Government and Social Care Ombudsman, not the Housing
    # Ombudsman. They are reported apart (design.md s6, Care).
    outside_tsm_service_areas: [care]
    heat_network_rules_from: 2026-01-27
    heat_network_limit_days: 56
tsm_summary_of_approach: >-
  Annual census-style telephone and postal survey of general needs and retirement living tenants
  (LCRA) and shared owners (LCHO) carried out by an independent research agency between September
  and December each year; results weighted by stock type and region to the tenant population.
  Complaint counts (CH01, CH02) are taken from ERICA; care complaints are reported separately from
  the 2026 policy version.
tp09_population: {{lcra: 20215, lcho: 2032}}
data_cut_date: {DATA_CUT.isoformat()}
complainant_survey: monthly_sample
# s10.1: the Resident Complaint Panel reviews a sample of complaint responses each quarter.
complaint_panel: {{sample_size: 12, seed: 2026}}
retention: {{rule: tenancy_end_plus_months, months: 12, years: null}}
schedules:
  monthly_refresh_day: 5
  committee: quarterly
  committee_day_after_period: 15
  annual_report_date: "06-30"
  returns_date: "05-31"
thresholds:
  exports_max_age_days: 45
  small_number_suppression: 5
  # Targets the Executive Committees track (s11.2), rated red/amber/green in the committee pack.
  targets:
    - {{measure: CH02_1, view: regulator, breakdown: stock_type, breakdown_value: lcra, target: 90, amber: 85}}
    - {{measure: CH02_2, view: regulator, breakdown: stock_type, breakdown_value: lcra, target: 90, amber: 85}}
    - {{measure: ack_in_time_1, target: 95, amber: 90}}
    - {{measure: overdue_2, target: 0, amber: 2, better: lower}}
    - {{measure: overdue_promised_actions, target: 10, amber: 25, better: lower}}
    - {{measure: complainant_satisfaction_timeliness, target: 60, amber: 50}}
complaints_contact:   # s6: scheme manager, feedback phone line and email (contact details invented)
  phone: "0306 999 0021"
  email: feedback@housing21.example
  web: www.housing21.example/complaints
  in_person: your scheme manager, or any member of staff
# The landlord's own abbreviations its commentary and board responses use (docs/landlord.md):
# a document that uses one explains it in its glossary.
glossary:
  ERICA: "Our case management system, where complaints and other events are recorded."
""",
    )
    ws.text(
        "ombudsman/publications.yaml",
        """# Housing Ombudsman publications about Housing 21 (annual landlord performance letters).
- kind: annual_performance_letter
  published_date: 2024-10-16
  reporting_year: "2023/24"
  summary: >-
    The Ombudsman determined 21 cases about us in 2023/24 with a maladministration rate of 62%,
    close to the rate for landlords of our size. Compensation ordered totalled about GBP 9,400.
    The letter asked us to improve record keeping on repairs and the timeliness of stage 2 replies.
  url: https://www.housing-ombudsman.org.uk/landlord-performance/
  determinations: 21
  maladministration_rate: 62
  basis: >-
    The letter counts every case the Ombudsman determined about us in its 2023/24 year, including
    cases referred before our Ombudsman tracker began in April 2023; our table counts the
    determinations in that tracker, so it holds only the cases referred since then.
- kind: annual_performance_letter
  published_date: 2025-10-22
  reporting_year: "2024/25"
  summary: >-
    The Ombudsman determined 19 cases about us in 2024/25 with a maladministration rate of 58%.
    It recognised the new complaints team structure and asked us to make sure extensions are agreed
    with residents and explained in writing.
  url: https://www.housing-ombudsman.org.uk/landlord-performance/
  determinations: 19
  maladministration_rate: 58
  basis: >-
    The Ombudsman's rate is the share of determined cases with any maladministration finding; our
    table's rate is the share of all findings (a case can have several), so the two rates differ.
""",
    )
    write_annual_inputs(ws, GOVERNANCE_TEXTS["housing21"])
