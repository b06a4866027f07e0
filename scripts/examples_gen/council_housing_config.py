"""The council's ``landlord.yaml``, complaint mapping, Ombudsman publications and
each year's annual report inputs (board response, narrative, other reports).
"""

from __future__ import annotations

import datetime as dt

from .council_housing_export import CH_CATEGORIES, CH_CHANNEL, CH_OUTCOME, CH_TENURE, CH_WARDS
from .dates import DATA_CUT
from .governance import TEXTS as GOVERNANCE_TEXTS
from .governance import write_annual_inputs
from .ombudsman import FINDING_CODES_YAML
from .workspace import Workspace, label_codes_yaml, service_area_codes_yaml, write_landlord_yaml


def write_council_config(ws: Workspace) -> None:
    ws.text(
        "mappings/housing_complaints.yaml",
        f"""# Council housing management system, "Complaints - all stages" report: one row per stage event,
# ';'-separated, ISO dates, one file per financial year (2023-24 UTF-8 with a BOM, 2024-25 cp1252).
# The CaseStage column also carries Housing Ombudsman referrals ("Stage 3"), petitions and
# "did not wish to complain" contacts: they are routed out of the complaint tables.
files: ["exports/housing_complaints_FY*.csv"]
format: csv
encoding: auto
delimiter: ";"
header_row: 1
target: complaint
shape: long
date_formats: ["%Y-%m-%d"]
excel_serial_dates: false
columns:
  stage:
    column: "CaseStage"
    codes: {{"Stage 1": 1, "Stage 2": 2}}
  complaint_id: "CaseRef"
  received_date: "DateLogged"
  category: "ComplaintType"
  service_area:
    column: "ComplaintType"
    codes:
{service_area_codes_yaml(CH_CATEGORIES, 6)}
  scheme: "Ward"
  channel:
    column: "ContactMethod"
    codes:
{label_codes_yaml(CH_CHANNEL, 6)}
  tenure:
    column: "TenureType"
    codes:
{label_codes_yaml(CH_TENURE, 6)}
    default: unknown
  regime: {{value: eng}}
  is_tenant_of_owned_stock: {{value: true}}
  handled_by: {{value: landlord}}
  # s6.2: "we may check with the customer that they are happy for us to discuss their case"
  representative: {{column: "RaisedBy", codes: {{"Tenant": false}}, other: true, default: false}}
  representative_consent_date: "ConsentChecked"
  # s9.2: root causes found at the monthly review of upheld complaints
  root_cause: "RootCause"
  vulnerability: "Vulnerable"
  adjustment_requested: "AdjustmentRequested"
  adjustment_made: "AdjustmentMade"
  closed_date: "DateClosed"
  legal_hold: "LegalHold"
  acknowledged_date: "DateAcknowledged"
  extension_wd: "ExtensionDays"
  extension_reason: "ExtensionReason"
  extension_notified_date: "ExtensionAgreed"
  responded_date: "DateResponded"
  outcome:
    column: "Outcome"
    codes:
{label_codes_yaml(CH_OUTCOME, 6)}
    default: open
  refused: "NotAccepted"
  refusal_reason: "NotAcceptedReason"
  compensation_offered_gbp: "CompensationOffered"
  compensation_paid_gbp: "CompensationPaid"
  non_financial_remedy: "Remedy"
  handler_ref: "Officer"
route:
  column: "CaseStage"
  values:
    "Stage 1": complaint
    "Stage 2": complaint
    "Stage 3 - Housing Ombudsman":
      target: ombudsman_case
      set: {{body: housing_ombudsman}}
      columns:
        case_ref: "CaseRef"
        complaint_id: "CaseRef"
        referral_date: "DateLogged"
        determination_date: "DateClosed"
    "Petition":
      target: non_complaint
      set: {{kind: petition, regime: eng}}
      columns:
        record_ref: "CaseRef"
        record_date: "DateLogged"
        service_area: &council_area
          column: "ComplaintType"
          codes:
{service_area_codes_yaml(CH_CATEGORIES, 12)}
    "Informal - did not wish to complain":
      target: non_complaint
      set: {{kind: did_not_wish_to_complain, regime: eng}}
      columns:
        record_ref: "CaseRef"
        record_date: "DateLogged"
        service_area: *council_area
# Unmapped on purpose (personal data): TenantName, PropertyAddress, Postcode, ContactEmail,
# ContactPhone, Notes.
""",
    )
    ws.text(
        "mappings/ombudsman_findings.yaml",
        f"""# Housing Ombudsman determinations, one row per finding. CaseRef is the council's case
# reference, which is also the case_ref of the routed "Stage 3 - Housing Ombudsman" rows.
files: ["ombudsman/findings.csv"]
format: csv
encoding: auto
delimiter: ";"
header_row: 1
target: ombudsman_finding
columns:
  case_ref: "CaseRef"
  finding_area: "FindingArea"
  outcome:
    column: "Determination"
    codes:
{FINDING_CODES_YAML}
  orders_count: "OrdersMade"
  orders_complied_count: "OrdersComplied"
  compensation_ordered_gbp: "CompensationOrdered"
""",
    )
    ws.text(
        "mappings/chfos.yaml",
        """# Complaint Handling Failure Orders.
files: ["ombudsman/chfos.csv"]
format: csv
encoding: auto
delimiter: ";"
header_row: 1
target: chfo
date_formats: ["%Y-%m-%d"]
columns:
  chfo_ref: "ChfoRef"
  issued_date: "Issued"
  reason: "Reason"
  complied_date: "Complied"
""",
    )
    closures = [
        dt.date(y, 12, d)
        for y in (2023, 2024, 2025)
        for d in (27, 28, 29, 30, 31)
        if dt.date(y, 12, d).weekday() < 5
    ]
    closure_yaml = "\n".join(
        f"  - {{date: {d.isoformat()}, regimes: [eng], reason: Council offices closed}}"
        for d in closures
    )
    write_landlord_yaml(
        ws,
        f"""
# A council's housing service (policy 004): two stages, no extension cap, monthly management review.
landlord_id: council_housing
name: Borough Council Housing Services
rsh_registration: "45UB"
regimes: [eng]
business_streams:
  Wards: [{", ".join(CH_WARDS)}]
stock:
  - {{year_end: 2024-03-31, stock_type: lcra, country: eng, units_owned: 5082}}
  - {{year_end: 2025-03-31, stock_type: lcra, country: eng, units_owned: 5061}}
  - {{year_end: 2026-03-31, stock_type: lcra, country: eng, units_owned: 5040}}
closures:
{closure_yaml}
policy_versions:
  # Complaints Handling Policy CWPO004 (approved 8 January 2025), applied from the start of the
  # data. Stage 1: "tell them how long it will take"; stage 2: "agree an extension": no cap, so the
  # management view accepts any agreed extension (the regulator view still caps at 10 / 20 WD).
  - effective_from: 2023-04-01
    source: "Complaints Handling Policy CWPO004"
    timescales:
      eng:
        stage_1: {{acknowledge_wd: 5, respond_wd: 10, extension_wd: null, clock_starts: acknowledgement}}
        stage_2: {{acknowledge_wd: 5, respond_wd: 20, extension_wd: null, clock_starts: acknowledgement}}
    escalation_window: {{months_after_stage1_response: 1}}   # "within 1 calendar month"
    complaint_time_limit_months: 12   # s5.1: "within twelve months of the event"
    anonymous_accepted: true     # the policy does not exclude anonymous complaints
    outside_tsm_service_areas: []
tsm_summary_of_approach: >-
  Postal and online survey of a random sample of council tenants each January to March, carried out
  by the council's research team; results unweighted. Leaseholders are not surveyed for the TSMs.
tp09_population: {{lcra: 5040}}
data_cut_date: {DATA_CUT.isoformat()}
complainant_survey: every_complainant
retention: {{rule: closure_plus_years, years: 6}}
schedules:
  monthly_refresh_day: 3
  committee: monthly          # senior managers meet monthly (s9.2)
  committee_day_after_period: 10
  annual_report_date: "07-31"
  returns_date: "05-31"
thresholds:
  # What the monthly senior managers' meeting tracks (s9.2).
  targets:
    - {{measure: ack_in_time_1, target: 95, amber: 90}}
    - {{measure: response_in_time_1, view: management, target: 90, amber: 80}}
    - {{measure: response_in_time_2, view: management, target: 90, amber: 80}}
    - {{measure: overdue_2, target: 0, amber: 2, better: lower}}
    - {{measure: promised_actions_on_time, target: 90, amber: 75}}
    - {{measure: complainant_survey_response_rate, target: 30, amber: 20}}
complaints_contact:   # s7.4 (contact details invented for the example)
  phone: "0306 999 0404"
  email: housing.complaints@borough-council.example
  web: www.borough-council.example/housing/complaints
  post: Housing Services, Civic Offices (address on our website)
  in_person: any member of staff, or through our social media channels
""",
    )
    ws.text(
        "ombudsman/publications.yaml",
        """# Housing Ombudsman publications about the council's housing service.
- kind: annual_performance_letter
  published_date: 2024-10-16
  reporting_year: "2023/24"
  summary: >-
    The Ombudsman determined 9 cases about the council in 2023/24 and found maladministration in
    most of them, mainly on repairs and complaint handling. Three Complaint Handling Failure Orders
    were issued over two years.
  url: https://www.housing-ombudsman.org.uk/landlord-performance/
  determinations: 9
  basis: >-
    The nine determinations were on cases referred to the Ombudsman before our casework tracker
    began in April 2023; the tracker, and so our table, records no determination in 2023-24.
- kind: code_non_compliance_finding
  published_date: 2025-03-12
  reporting_year: "2024/25"
  summary: >-
    The Ombudsman found that the council's complaint policy did not comply with the Complaint
    Handling Code because it did not set out how long an extension could last or require the
    resident to be given the Ombudsman's details when an extension is made. The council has agreed
    to review the policy at its next annual review.
  url: https://www.housing-ombudsman.org.uk/landlord-performance/
- kind: annual_performance_letter
  published_date: 2025-10-22
  reporting_year: "2024/25"
  summary: >-
    The letter for 2024/25 noted the finding of non-compliance with the Code and fewer Complaint
    Handling Failure Orders than the year before.
  url: https://www.housing-ombudsman.org.uk/landlord-performance/
  determinations: 0
""",
    )
    write_annual_inputs(ws, GOVERNANCE_TEXTS["council_housing"])
