"""Generate a large wide ERICA-like workspace for the ingest speed measurement (no downloads)."""

from __future__ import annotations

from pathlib import Path

import duckdb

LANDLORD_YAML = """\
landlord_id: bench
name: Bench Homes
regimes: [eng]
stock:
  - {year_end: 2025-03-31, stock_type: lcra, units_owned: 100000}
policy_versions:
  - effective_from: 2020-04-01
    timescales:
      eng:
        stage_1: {acknowledge_wd: 5, respond_wd: 10, extension_wd: 10}
        stage_2: {acknowledge_wd: 5, respond_wd: 20, extension_wd: 20}
    escalation_window: {months_after_stage1_response: 6}
tsm_summary_of_approach: "Synthetic"
data_cut_date: 2026-01-31
"""

MAPPING_YAML = """\
files: ["exports/complaints_*.csv"]
format: csv
encoding: auto
target: complaint
shape: wide
date_formats: ["%d/%m/%Y"]
columns:
  complaint_id: "Case Ref"
  received_date: "Date Received"
  category: "Complaint Type"
  service_area: {column: "Service", codes: {"Housing": housing, "Repairs": repairs}, default: housing}
  tenure: {column: "Tenure", codes: {"General Needs": lcra, "Shared Ownership": lcho, "Leasehold": leaseholder}, default: unknown}
  anonymous: "Anonymous?"
  vulnerability: "Vulnerable?"
stages:
  1:
    received_date: "Date Received"
    acknowledged_date: "Stage 1 Acknowledged"
    responded_date: "Stage 1 Response Date"
    extension_wd: "Stage 1 Extension (WD)"
    outcome: {column: "Stage 1 Outcome", codes: {"Upheld": upheld, "Partially Upheld": partially_upheld, "Not Upheld": not_upheld}, default: open}
    compensation_paid_gbp: "Stage 1 Compensation"
  2:
    received_date: "Stage 2 Requested"
    acknowledged_date: "Stage 2 Acknowledged"
    responded_date: "Stage 2 Response Date"
    outcome: {column: "Stage 2 Outcome", codes: {"Upheld": upheld, "Partially Upheld": partially_upheld, "Not Upheld": not_upheld}, default: open}
"""


def write_workspace(root: Path, rows: int) -> Path:
    """Write a workspace with one wide CSV of ``rows`` complaints (about 1 in 5 escalated)."""
    (root / "exports").mkdir(parents=True, exist_ok=True)
    (root / "mappings").mkdir(exist_ok=True)
    (root / "landlord.yaml").write_text(LANDLORD_YAML)
    (root / "mappings" / "complaints.yaml").write_text(MAPPING_YAML)
    target = root / "exports" / "complaints_2024.csv"
    duckdb.sql(
        f"""
        copy (
          with base as (
            select i, date '2024-04-01' + cast(i % 360 as integer) as d0 from range({rows}) t(i)
          )
          select 'CMP-' || lpad(cast(i as varchar), 8, '0') as "Case Ref",
                 strftime(d0, '%d/%m/%Y') as "Date Received",
                 ['Repairs - damp and mould', 'Staff conduct', 'Anti-social behaviour'][i % 3 + 1]
                     as "Complaint Type",
                 ['Housing', 'Repairs'][i % 2 + 1] as "Service",
                 ['General Needs', 'Shared Ownership', 'Leasehold'][i % 3 + 1] as "Tenure",
                 ['N', 'Y'][(i % 7 = 0)::int + 1] as "Anonymous?",
                 ['No', 'Yes'][(i % 5 = 0)::int + 1] as "Vulnerable?",
                 strftime(d0 + 2, '%d/%m/%Y') as "Stage 1 Acknowledged",
                 strftime(d0 + 12, '%d/%m/%Y') as "Stage 1 Response Date",
                 cast(i % 3 as varchar) as "Stage 1 Extension (WD)",
                 ['Upheld', 'Partially Upheld', 'Not Upheld'][i % 3 + 1] as "Stage 1 Outcome",
                 '£' || cast(i % 250 as varchar) || '.00' as "Stage 1 Compensation",
                 case when i % 5 = 0 then strftime(d0 + 30, '%d/%m/%Y') end as "Stage 2 Requested",
                 case when i % 5 = 0 then strftime(d0 + 32, '%d/%m/%Y') end as "Stage 2 Acknowledged",
                 case when i % 5 = 0 then strftime(d0 + 50, '%d/%m/%Y') end as "Stage 2 Response Date",
                 case when i % 5 = 0 then 'Not Upheld' end as "Stage 2 Outcome",
                 'Resident ' || cast(i as varchar) as "Resident Name",
                 'Free text about the case ' || cast(i as varchar) as "Notes"
          from base
        ) to '{target}' (header, delimiter ',')
        """  # noqa: S608
    )
    return root
