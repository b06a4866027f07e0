"""Homes Plus's ``landlord.yaml``, complaint mapping, Ombudsman publications and
each year's annual report inputs (board response, narrative, other reports).
"""

from __future__ import annotations

from .dates import DATA_CUT
from .governance import TEXTS as GOVERNANCE_TEXTS
from .governance import write_annual_inputs
from .homes_plus_export import (
    HP_AGENT,
    HP_CATEGORIES,
    HP_CHANNEL,
    HP_DATE,
    HP_OUTCOME,
    HP_REGIONS,
    HP_TENURE,
)
from .workspace import Workspace, label_codes_yaml, service_area_codes_yaml, write_landlord_yaml


def write_hp_config(ws: Workspace) -> None:
    ws.text(
        "mappings/crm_complaints.yaml",
        f"""# Homes Plus CRM "complaint stage events" report: one row per stage (long). England and Scotland
# are exported separately: the England file is cp1252 (saved from Excel on Windows), the Scotland
# file UTF-8 with a byte-order mark. In Scotland a complaint may start at stage 2 (SPSO model).
files: ["exports/crm_complaints_*.csv"]
format: csv
encoding: auto
delimiter: ","
header_row: 1
target: complaint
shape: long
date_formats: ["{HP_DATE}"]
excel_serial_dates: false
columns:
  stage:
    column: "Stage"
    codes: {{"Stage 1": 1, "Stage 2": 2}}
  complaint_id: "Case Number"
  received_date: "Date Received"       # the stage's date; the complaint's is taken from its lowest stage
  first_known_date: "First Aware Date"
  category: "Category"
  service_area:
    column: "Category"
    codes:
{service_area_codes_yaml(HP_CATEGORIES, 6)}
  scheme: "Region"
  channel:
    column: "Channel"
    codes:
{label_codes_yaml(HP_CHANNEL, 6)}
  tenure:
    column: "Tenure"
    codes:
{label_codes_yaml(HP_TENURE, 6)}
    default: unknown
  regime:
    column: "Country"
    codes: {{"England": eng, "Scotland": sct}}
  is_tenant_of_owned_stock: "Owned Stock"
  handled_by:
    column: "Handled By"
    codes:
      "Homes Plus": landlord
      "{HP_AGENT}": "{HP_AGENT}"
  anonymous: "Anonymous"
  collective: "Collective"
  # s7.2 and s14.2: advocates and representatives act with the customer's permission
  representative: {{column: "Made By", codes: {{"Customer": false}}, other: true, default: false}}
  representative_consent_date: "Permission To Act"
  vulnerability: "Vulnerable"
  adjustment_requested: "Adjustment Requested"
  adjustment_made: "Adjustment Made"
  notifiable_event: "Notifiable Event"
  regulator_notified_date: "SHR Notified"
  closed_date: "Case Closed"
  legal_hold: "Legal Hold"
  acknowledged_date: "Acknowledged"
  extension_wd: "Extension (WD)"
  extension_reason: "Extension Reason"
  extension_notified_date: "Extension Notified"
  responded_date: "Response Date"
  outcome:
    column: "Outcome"
    codes:
{label_codes_yaml(HP_OUTCOME, 6)}
    default: open
  refused: "Refused"
  refusal_reason: "Refusal Reason"
  compensation_offered_gbp: "Compensation Offered"
  compensation_paid_gbp: "Compensation Paid"
  non_financial_remedy: "Remedy"
  handler_ref: "Handler"
# Unmapped on purpose (personal data): Customer Name, Address, Postcode, Email, Phone,
# Complaint Summary.
""",
    )
    scot = {"acknowledge_wd": None, "respond_wd": 5, "extension_wd": 5, "clock_starts": "receipt"}
    del scot
    write_landlord_yaml(
        ws,
        f"""
# Homes Plus: homes in England (Housing Ombudsman Code) and Scotland (SPSO model procedure); policy 003.
landlord_id: homes_plus
name: Homes Plus
rsh_registration: "4812"
regimes: [eng, sct]
business_streams:
  England: [{", ".join(HP_REGIONS["eng"])}]
  Scotland: [{", ".join(HP_REGIONS["sct"])}]
managing_agents: ["{HP_AGENT}"]
stock:
  - {{year_end: 2024-03-31, stock_type: lcra, country: eng, units_owned: 7380}}
  - {{year_end: 2024-03-31, stock_type: lcho, country: eng, units_owned: 610}}
  - {{year_end: 2024-03-31, stock_type: lcra, country: sct, units_owned: 2960}}
  - {{year_end: 2025-03-31, stock_type: lcra, country: eng, units_owned: 7415}}
  - {{year_end: 2025-03-31, stock_type: lcho, country: eng, units_owned: 622}}
  - {{year_end: 2025-03-31, stock_type: lcra, country: sct, units_owned: 2985}}
  - {{year_end: 2026-03-31, stock_type: lcra, country: eng, units_owned: 7440}}
  - {{year_end: 2026-03-31, stock_type: lcho, country: eng, units_owned: 630}}
  - {{year_end: 2026-03-31, stock_type: lcra, country: sct, units_owned: 3010}}
policy_versions:
  - effective_from: 2023-04-01
    source: "Homes Plus Complaints Policy, section 9 table and section 10"
    timescales:
      eng:   # Housing Ombudsman Complaint Handling Code: maximum extensions 10 and 20 WD
        stage_1: {{acknowledge_wd: 5, respond_wd: 10, extension_wd: 10, clock_starts: acknowledgement}}
        stage_2: {{acknowledge_wd: 5, respond_wd: 20, extension_wd: 20, clock_starts: acknowledgement}}
      sct:   # SPSO model: stage 1 has no acknowledgement step, 5 WD (+5) from receipt
        stage_1: {{acknowledge_wd: null, respond_wd: 5, extension_wd: 5, clock_starts: receipt}}
        stage_2: {{acknowledge_wd: 3, respond_wd: 20, extension_wd: 10, clock_starts: acknowledgement}}
    # s10.2: within six months of first knowing of the problem, or two months of the stage 1
    # response if that is later.
    escalation_window: {{months_after_stage1_response: 2, months_after_first_known: 6}}
    complaint_time_limit_months: 12   # s10.1: within 12 months of first knowing of the problem
    anonymous_accepted: true      # s15: considered where there is enough information
    # s19: care complaints may go to the Care Inspectorate (Scotland) or the LGSCO (England) but are
    # also handled as ordinary complaints, so they stay in the complaint counts.
    outside_tsm_service_areas: []
tsm_summary_of_approach: >-
  Telephone survey of a random sample of English general needs tenants (LCRA) and shared owners
  (LCHO) by an independent agency each June to August; results are unweighted. Scottish homes are
  surveyed for the Scottish Social Housing Charter and are outside the TSMs.
tp09_population: {{lcra: 7440, lcho: 630}}
data_cut_date: {DATA_CUT.isoformat()}
complainant_survey: monthly_sample
retention: {{rule: closure_plus_years, years: 6}}
schedules:
  monthly_refresh_day: 5
  committee: quarterly
  committee_day_after_period: 10
  learning_summary: quarterly   # s26.5: learning published to customers at least quarterly
  annual_report_date: "06-30"
  returns_date: "05-31"
thresholds:
  targets:
    - {{measure: ack_in_time_1, target: 95, amber: 90}}
    - {{measure: response_in_time_1, view: regulator, target: 95, amber: 90}}
    - {{measure: response_in_time_2, view: regulator, target: 95, amber: 90}}
    - {{measure: resolved_stage1, target: 85, amber: 80}}
    - {{measure: ARC_3_in_time_1, view: regulator, target: 90, amber: 85}}
    - {{measure: overdue_1, target: 0, amber: 5, better: lower}}
complaints_contact:   # s8.1 (contact details invented for the example)
  phone: "0306 999 0330"
  email: complaints@homesplus.example
  web: www.homesplus.example/complaints
  in_person: any of our offices, or any member of staff
""",
    )
    ws.text(
        "ombudsman/publications.yaml",
        """# Ombudsman publications about Homes Plus.
- kind: annual_performance_letter
  published_date: 2024-10-16
  reporting_year: "2023/24"
  summary: >-
    The Housing Ombudsman's annual letter recorded 12 determinations about our English homes with a
    maladministration rate of 55%, and asked us to make sure complaints handled by our managing
    agent follow our policy and timescales.
  url: https://www.housing-ombudsman.org.uk/landlord-performance/
  determinations: 12
  maladministration_rate: 55
  basis: >-
    The letter counts the Ombudsman's determinations in its 2023/24 year, including cases our
    managing agent handled and logged outside our tracker until April 2024; our table counts the
    determinations recorded in our tracker.
- kind: annual_performance_letter
  published_date: 2025-10-22
  reporting_year: "2024/25"
  summary: >-
    The letter for 2024/25 noted fewer determinations and faster compliance with orders, and
    highlighted damp and mould as the most common finding.
  url: https://www.housing-ombudsman.org.uk/landlord-performance/
  determinations: 5
  basis: >-
    The letter's five determinations are about our English homes on cases our managing agent
    handled, which its own case system holds; our table counts the determinations in our tracker,
    where the five recorded in 2024/25 are the SPSO's about our Scottish homes.
""",
    )
    write_annual_inputs(ws, GOVERNANCE_TEXTS["homes_plus"])
