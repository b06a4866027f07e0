"""The small specialist landlord's ``landlord.yaml``, complaint mapping, Ombudsman publications and
each year's annual report inputs (board response, narrative, other reports).
"""

from __future__ import annotations

from .dates import DATA_CUT
from .governance import TEXTS as GOVERNANCE_TEXTS
from .governance import write_annual_inputs
from .small_specialist_export import (
    SS_CATEGORIES,
    SS_CHANNEL,
    SS_EXTRA,
    SS_OUTCOME,
    SS_SCHEMES,
    SS_TENURE,
)
from .workspace import Workspace, label_codes_yaml, service_area_codes_yaml, write_landlord_yaml


def write_small_config(ws: Workspace, org: str) -> None:
    stage_fields = ""
    for n in (1, 2):
        received = '"Logged Date"' if n == 1 else '"Stage 2 Requested"'
        stage_fields += f"""  {n}:
    received_date: {received}
    acknowledged_date: "Stage {n} Acknowledged"
    extension_wd: "Stage {n} Extension Days"
    extension_reason: "Stage {n} Extension Reason"
    extension_notified_date: "Stage {n} Extension Letter"
    responded_date: "Stage {n} Response"
    outcome:
      column: "Stage {n} Outcome"
      codes:
{label_codes_yaml(SS_OUTCOME, 8)}
      default: open
    refused: "Stage {n} Rejected"
    refusal_reason: "Stage {n} Rejection Reason"
    compensation_offered_gbp: "Stage {n} Compensation Offered"
    compensation_paid_gbp: "Stage {n} Compensation Paid"
    non_financial_remedy: "Stage {n} Remedy"
    handler_ref: "Stage {n} Officer"
"""
    ws.text(
        "mappings/homemaster_complaints.yaml",
        """# HomeMaster Case Management "Complaints Performance Report", one workbook per reporting year.
# Title in merged cells on rows 1-3, header on row 5, a "Total cases" row at the bottom. Most dates
# are date cells; "Closed" comes out as Excel serial numbers; hand-typed dates are text.
files: ["exports/homemaster_complaints_*.xlsx"]
format: xlsx
sheet: "Complaints"
header_row: 5
footer:
  column: "Case Ref"
  pattern: "^Total"
target: complaint
shape: wide
date_formats: ["%Y-%m-%d", "%d/%m/%Y"]
excel_serial_dates: true
columns:
  complaint_id: "Case Ref"
  received_date: "Logged Date"
  category: "Category"
  service_area:
    column: "Category"
    codes:
"""
        + service_area_codes_yaml(SS_CATEGORIES, 6)
        + """
  scheme: "Scheme"
  channel:
    column: "Source"
    codes:
"""
        + label_codes_yaml(SS_CHANNEL, 6)
        + """
  tenure:
    column: "Tenancy Type"
    codes:
"""
        + label_codes_yaml(SS_TENURE, 6)
        + """
    default: unknown
  regime: {value: eng}
  is_tenant_of_owned_stock: {value: true}
  handled_by: {value: landlord}
  anonymous: "Anonymous"
  vulnerability: "Vulnerable Customer"
  adjustment_requested: "Adjustments Requested"
  adjustment_made: "Adjustments Provided"
  heat_network_deadlock_date: "Deadlock Letter"
  energy_ombudsman_notified_date: "Energy Ombudsman Notified"
  energy_ombudsman_referred: "Energy Ombudsman Referral"
  resolved_to_satisfaction: "Resolved To Satisfaction"
  closed_date: "Closed"
  tenancy_end_date: "Tenancy Ended"
  legal_hold: "Legal Hold"
stages:
"""
        + stage_fields
        + """# Unmapped on purpose (personal data): Customer Name, Address, Tel, Email, Details.
""",
    )
    ws.text(
        "mappings/remedy_payments.yaml",
        """# Goodwill and compensation paid without a complaint (policy s7.5, heat addendum s3).
# Saved from the finance module as cp1252 (Windows) with pound signs in the amounts.
# Unmapped on purpose: Payee (a name).
files: ["exports/homemaster_payments.csv"]
format: csv
encoding: auto
delimiter: ","
header_row: 1
target: remedy_payment
date_formats: ["%d/%m/%Y"]
columns:
  payment_ref: "Payment Ref"
  paid_date: "Date Paid"
  amount_gbp: "Amount"
  kind:
    column: "Payment Type"
    codes: {"Goodwill": goodwill, "Compensation": compensation}
  service_area:
    column: "Reason"
    codes:
      "Loss of heating": heat_network
      "Loss of hot water": heat_network
      "Heat billing error": heat_network
      "Poor communication during outage": heat_network
      "Repair delay": repairs
      "Decant expenses": repairs
""",
    )
    write_landlord_yaml(
        ws,
        f"""
# {org}: a small specialist landlord for older and vulnerable people (< 1,000 homes; policy 002).
landlord_id: small_specialist
name: {org}
rsh_registration: null
regimes: [eng]
business_streams:
  General Needs and Sheltered: [{", ".join(SS_SCHEMES)}]
  Extra Care: ["{SS_EXTRA[0]}", "{SS_EXTRA[1]}"]
stock:
  - {{year_end: 2024-03-31, stock_type: lcra, country: eng, units_owned: 648}}
  - {{year_end: 2024-03-31, stock_type: lcho, country: eng, units_owned: 46}}
  - {{year_end: 2025-03-31, stock_type: lcra, country: eng, units_owned: 652}}
  - {{year_end: 2025-03-31, stock_type: lcho, country: eng, units_owned: 48}}
  - {{year_end: 2026-03-31, stock_type: lcra, country: eng, units_owned: 655}}
  - {{year_end: 2026-03-31, stock_type: lcho, country: eng, units_owned: 48}}
policy_versions:
  # Complaint Policy of 7 March 2024 (seed 002), applied from the start of the data. Extensions
  # "will not normally exceed a further 10 [20] working days without good reason" (s7.2): a cap
  # unless extenuating circumstances. The policy sets no time limit for asking for stage 2, so no
  # escalation is late (none is refused for being late).
  - effective_from: 2023-04-01
    source: "Complaint Policy, 7 March 2024"
    timescales:
      eng:
        stage_1: {{acknowledge_wd: 5, respond_wd: 10, extension_wd: 10, extension_cap_unless_extenuating: true, clock_starts: acknowledgement}}
        stage_2: {{acknowledge_wd: 5, respond_wd: 20, extension_wd: 20, extension_cap_unless_extenuating: true, clock_starts: acknowledgement}}
    escalation_window: null
    complaint_time_limit_months: 12   # s6.0: the issue "occurred over twelve months ago"
    anonymous_accepted: false   # s6.0: anonymous complaints are excluded
    outside_tsm_service_areas: []
  # Heat Network Complaints & Service Continuity Addendum, added 8 March 2026.
  - effective_from: 2026-03-08
    source: "Complaint Policy with the Heat Network Addendum (8 March 2026)"
    timescales:
      eng:
        stage_1: {{acknowledge_wd: 5, respond_wd: 10, extension_wd: 10, extension_cap_unless_extenuating: true, clock_starts: acknowledgement}}
        stage_2: {{acknowledge_wd: 5, respond_wd: 20, extension_wd: 20, extension_cap_unless_extenuating: true, clock_starts: acknowledgement}}
    escalation_window: null
    complaint_time_limit_months: 12   # s6.0: the issue "occurred over twelve months ago"
    anonymous_accepted: false
    outside_tsm_service_areas: []
    heat_network_rules_from: 2026-03-08
    heat_network_limit_days: 56
tsm_summary_of_approach: >-
  Census survey of all tenants and shared owners each October and November by post, online and
  telephone, carried out in house with an independent check of the coding. Results are unweighted.
  As a landlord with fewer than 1,000 homes we publish our TSMs but do not submit them to the
  Regulator.
tp09_population: {{lcra: 655, lcho: 48}}
data_cut_date: {DATA_CUT.isoformat()}
complainant_survey: none
retention: {{rule: closure_plus_years, years: 6}}
schedules:
  monthly_refresh_day: 5
  committee: quarterly          # Audit and Compliance Sub-committee (s3.1)
  committee_day_after_period: 20
  annual_report_date: "09-30"
  returns_date: "06-30"
thresholds:
  # s11: the KPIs the Board and the Sub-committee want, with the targets they set.
  targets:
    - {{measure: ack_in_time_1, target: 95, amber: 90}}
    - {{measure: response_in_time_1, view: regulator, target: 90, amber: 80}}
    - {{measure: resolved_stage1, target: 80, amber: 70}}
    - {{measure: chfo_issued, target: 0, amber: 0, better: lower}}
complaints_contact:   # contact details invented for the example
  phone: "0306 999 0202"
  email: complaints@hollybank.example
  in_person: your scheme or extra care manager
""",
    )
    ws.text(
        "ombudsman/publications.yaml",
        """# Housing Ombudsman publications about us.
- kind: annual_performance_letter
  published_date: 2025-10-22
  reporting_year: "2024/25"
  summary: >-
    The Ombudsman's annual letter recorded two enquiries and one determination about us in 2024/25,
    with one finding of service failure on repairs. It reminded landlords of our size to publish
    their self-assessment and annual complaints report on their website.
  url: https://www.housing-ombudsman.org.uk/landlord-performance/
  determinations: 1
  maladministration_rate: 0
""",
    )
    write_annual_inputs(ws, GOVERNANCE_TEXTS["small_specialist"])
