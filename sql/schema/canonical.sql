-- Canonical model (design.md section 4). One DuckDB file per landlord workspace.
-- Every table carries landlord_id; the ingest step deletes a landlord's rows and inserts the new
-- load in one transaction, so a rerun is idempotent. Personal data never reaches these tables:
-- complaint_id, handler_ref and respondent_ref are keyed hashes (pipeline/pseudonymise.py).
-- Codes are lowercase snake_case values listed in the comments; pandera models in
-- pipeline/schemas.py validate them.
-- No primary-key constraints: the ingest rules (duplicate_row, conflicting_rows,
-- duplicate_id_across_files) and the pandera uniqueness checks already guarantee one row per key,
-- and a DuckDB index costs more than the whole load at a million complaints. The intended keys are
-- noted per table.

create table if not exists complaint (
    landlord_id varchar not null,
    complaint_id varchar not null,          -- pseudonymous keyed hash of the source case reference
    received_date date not null,            -- first contact (stage 1 received, or stage 2 when no stage 1)
    first_known_date date,                  -- when the resident first knew of the problem (SPSO window)
    category varchar,                       -- landlord's complaint category, e.g. 'Repairs - damp and mould'
    root_cause varchar,
    service_area varchar not null,          -- housing | repairs | asb_handling | care | heat_network | other
    scheme varchar,                         -- scheme or business unit, optional
    channel varchar,                        -- phone | email | letter | web | in_person | social_media | other
    tenure varchar not null,                -- lcra | lcho | leaseholder | other | unknown
    regime varchar not null,                -- eng | sct
    is_tenant_of_owned_stock boolean not null, -- false for homes managed for another owner
    handled_by varchar,                     -- 'landlord' or the managing agent's name
    anonymous boolean not null,
    collective boolean not null,            -- one record for the group (lead complainant)
    representative boolean not null default false, -- made on the resident's behalf (third party, advocate)
    representative_consent_date date,       -- when the resident's consent (or legal authority) was recorded
    separate_policy varchar,                -- stairs | data_protection | whistleblowing | insurance | other:
                                            -- handled under that policy when the version lists it
    vulnerability boolean not null,
    adjustment_requested boolean not null,
    adjustment_made boolean not null,
    notifiable_event boolean not null,      -- Scotland: serious complaint about senior staff
    regulator_notified_date date,           -- notifiable event: date the Scottish Housing Regulator was told
    heat_network_deadlock_date date,
    energy_ombudsman_notified_date date,    -- date the Energy Ombudsman right was notified
    energy_ombudsman_referred boolean not null,
    resolved_to_satisfaction boolean,       -- heat networks: null when not recorded
    closed_date date,
    tenancy_end_date date,                  -- for the retention rule
    legal_hold boolean not null,
    source_file varchar not null,
    source_row integer not null
    -- key: (landlord_id, complaint_id)
);

create table if not exists complaint_stage (
    landlord_id varchar not null,
    complaint_id varchar not null,
    stage tinyint not null,                 -- 1 or 2; a stage 2 may have no stage 1 (SPSO)
    received_date date not null,            -- stage 2: the date the escalation request was received
    acknowledged_date date,
    extension_wd integer not null,          -- agreed extension in working days, 0 when none (or only
                                            -- an extended_due_date recorded)
    extension_reason varchar,
    extension_notified_date date,
    extended_due_date date,                 -- the due date after an extension, for case systems that
                                            -- record it ("Revised Target Date") instead of days:
                                            -- stage_timeliness derives the extension from it
    responded_date date,
    outcome varchar not null,               -- upheld | partially_upheld | not_upheld | withdrawn | discontinued | open
    refused boolean not null,               -- per stage: a refused escalation leaves stage 1 standing
    refusal_reason varchar,
    compensation_offered_gbp decimal(12, 2),
    compensation_paid_gbp decimal(12, 2),
    non_financial_remedy varchar,           -- e.g. 'apology', 'repair', 'apology; repair'
    handler_ref varchar,                    -- pseudonymous
    source_file varchar not null,
    source_row integer not null
    -- key: (landlord_id, complaint_id, stage)
);

create table if not exists non_complaint (
    landlord_id varchar not null,
    record_ref varchar not null,            -- pseudonymous
    kind varchar not null,                  -- petition | service_request | did_not_wish_to_complain | excluded | other
    record_date date not null,
    service_area varchar,
    regime varchar,
    source_file varchar not null,
    source_row integer not null
);

create table if not exists stock (
    landlord_id varchar not null,
    year_end date not null,                 -- 31 March of the reporting year
    stock_type varchar not null,            -- lcra | lcho
    country varchar not null,               -- eng | sct
    units_owned integer not null
    -- key: (landlord_id, year_end, stock_type, country)
);

create table if not exists tp09_response (
    landlord_id varchar not null,
    respondent_ref varchar not null,        -- pseudonymous
    survey_date date not null,
    stock_type varchar not null,            -- lcra | lcho
    scheme varchar,
    made_complaint_12m varchar,             -- yes | no | null
    answer varchar,                         -- very_satisfied | fairly_satisfied | neither | fairly_dissatisfied | very_dissatisfied | null (don't know / blank)
    weight double not null,                 -- 1 unless the survey is weighted
    regime varchar not null default 'eng',  -- eng | sct: the respondent's home's country; TP09 counts eng only
    source_file varchar not null,
    source_row integer not null
);

create table if not exists complainant_survey (
    landlord_id varchar not null,
    complaint_id varchar not null,
    sent_date date not null,
    returned_date date,
    satisfied_timeliness tinyint,           -- 1 (very dissatisfied) .. 5 (very satisfied), null unanswered
    satisfied_fairness tinyint,
    satisfied_outcome tinyint,
    source_file varchar not null,
    source_row integer not null
);

create table if not exists ombudsman_case (
    landlord_id varchar not null,
    case_ref varchar not null,              -- pseudonymous
    complaint_id varchar,                   -- link to complaint when known
    body varchar not null,                  -- housing_ombudsman | spso | lgsco | energy_ombudsman | care_inspectorate
    referral_date date not null,
    determination_date date,
    source_file varchar not null,
    source_row integer not null
);

create table if not exists ombudsman_finding (
    landlord_id varchar not null,
    case_ref varchar not null,
    finding_area varchar,                   -- what the finding is about, e.g. 'repairs', 'complaint handling'
    outcome varchar not null,               -- severe_maladministration | maladministration | service_failure | reasonable_redress | no_maladministration | outside_jurisdiction
    orders_count integer not null,
    orders_complied_count integer not null,
    compensation_ordered_gbp decimal(12, 2),
    source_file varchar not null,
    source_row integer not null
);

create table if not exists ombudsman_order (
    landlord_id varchar not null,           -- one row per order of an Ombudsman determination
    case_ref varchar not null,              -- the ombudsman_case it was made in (pseudonymous)
    order_ref varchar not null,             -- pseudonymous
    order_type varchar not null,            -- compensation | apology | repair | review | training | policy_change | other
    made_date date not null,
    due_date date not null,                 -- the date the body set for compliance
    complied_date date,                     -- evidence of compliance sent; null = outstanding
    source_file varchar not null,
    source_row integer not null
);

create table if not exists contact_restriction (
    landlord_id varchar not null,           -- contact restricted under an unreasonable-behaviour policy
    restriction_ref varchar not null,       -- pseudonymous
    complaint_id varchar,                   -- the complaint it arose from, when known
    restriction_kind varchar not null,      -- single_point_of_contact | written_only | limited_times | other
    imposed_date date not null,
    review_due_date date not null,          -- the date the decision must be reviewed by
    reviewed_date date,                     -- the latest review, if any
    ended_date date,                        -- lifted on; null = still in force
    source_file varchar not null,
    source_row integer not null
);

create table if not exists chfo (
    landlord_id varchar not null,
    chfo_ref varchar not null,
    issued_date date not null,              -- Complaint Handling Failure Order
    reason varchar,
    complied_date date,
    source_file varchar not null,
    source_row integer not null
);

create table if not exists ombudsman_publication (
    landlord_id varchar not null,
    kind varchar not null,                  -- annual_performance_letter | code_non_compliance_finding | special_report
    published_date date not null,
    reporting_year varchar,                 -- e.g. '2024/25'
    summary varchar not null,               -- the landlord's own public summary of the publication
    url varchar
);

create table if not exists remedy_payment (
    landlord_id varchar not null,           -- goodwill and compensation paid without a complaint (seed 002)
    payment_ref varchar not null,
    paid_date date not null,
    amount_gbp decimal(12, 2) not null,
    kind varchar not null,                  -- goodwill | compensation
    service_area varchar,
    source_file varchar not null,
    source_row integer not null
);

create table if not exists learning_action (
    landlord_id varchar not null,
    action_ref varchar not null,
    theme varchar not null,
    description varchar not null,           -- public, written for residents (not case free text)
    service_area varchar,
    linked_complaint_ids varchar[],         -- pseudonymous
    raised_date date not null,
    due_date date,
    completed_date date,
    source_file varchar not null,
    source_row integer not null
);

create table if not exists promised_action (
    landlord_id varchar not null,
    complaint_id varchar not null,
    stage tinyint,
    action_kind varchar not null,           -- e.g. 'repair', 'callback', 'policy review'
    due_date date not null,
    completed_date date,
    source_file varchar not null,
    source_row integer not null
);

create table if not exists compliment (
    landlord_id varchar not null,
    compliment_ref varchar not null,
    received_date date not null,
    service_area varchar,
    scheme varchar,
    source_file varchar not null,
    source_row integer not null
);

create table if not exists quarantine (
    landlord_id varchar not null,
    source_file varchar not null,           -- path relative to the workspace
    source_row integer,                     -- 1-based data row number as a spreadsheet user sees it
    target_table varchar,
    column_name varchar,                    -- source column (as named in the export)
    rule varchar not null,                  -- rule id, e.g. 'date_unparseable', 'response_before_receipt'
    message varchar not null,               -- plain English, names the rule
    raw_value varchar                       -- the offending value; never a free-text or personal field
);

create table if not exists label_other (
    landlord_id varchar not null,           -- values stored as 'other': a label field's value was not
    source_file varchar not null,           -- one of its codes, or free text held contact details or a name
    target_table varchar not null,
    field_name varchar not null,            -- canonical field, e.g. 'non_financial_remedy'
    column_name varchar,                    -- source column (as named in the export)
    rows_other integer not null             -- rows whose value (or a list item) became 'other'
);

create table if not exists ingest_file (
    landlord_id varchar not null,           -- one row per input file read: the reconciliation ledger
    source_file varchar not null,
    mapping varchar,
    sha256 varchar not null,
    rows_in integer not null,               -- data rows in the file (header, title, totals rows excluded)
    rows_loaded integer not null,           -- rows that reached a canonical table
    rows_quarantined integer not null       -- rows with at least one quarantine entry
);
