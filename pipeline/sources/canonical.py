"""What the canonical tables look like, read from ``sql/schema/canonical.sql`` itself.

The mapping validator, the typing SQL and the pandera models all take column names, types and
nullability from here, so the DDL stays the one source of truth. Allowed code values are listed
once (``ALLOWED_CODES``) and shared with :mod:`pipeline.schemas`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import duckdb

from pipeline.sql import load_sql

# Columns every loaded record gets from the ingest step itself, never from a mapping.
SYSTEM_COLUMNS = ("landlord_id", "source_file", "source_row")

# Tables a mapping may target (stock, ombudsman_publication, quarantine and ingest_file are
# written from landlord.yaml / publications.yaml or by the ingest step).
TARGET_TABLES = (
    "complaint",
    "non_complaint",
    "tp09_response",
    "complainant_survey",
    "ombudsman_case",
    "ombudsman_finding",
    "ombudsman_order",
    "chfo",
    "remedy_payment",
    "learning_action",
    "promised_action",
    "compliment",
    "contact_restriction",
)

# Identifier fields pseudonymised unless the mapping says ``pseudonymise: false`` (docs/mapping.md).
ID_FIELDS = frozenset(
    {
        "complaint_id",
        "handler_ref",
        "respondent_ref",
        "case_ref",
        "record_ref",
        "chfo_ref",
        "payment_ref",
        "action_ref",
        "compliment_ref",
        "order_ref",
        "restriction_ref",
        "linked_complaint_ids",
    }
)

# Free-text fields: their raw values never go to quarantine (they may hold personal data).
FREE_TEXT_FIELDS = frozenset(
    {
        "category",
        "root_cause",
        "scheme",
        "handled_by",
        "extension_reason",
        "refusal_reason",
        "non_financial_remedy",
        "finding_area",
        "reason",
        "theme",
        "description",
        "action_kind",
        "summary",
        "url",
    }
)

# Fields whose values become labels in documents (a breakdown of remedies, of refusal reasons) or
# carry a reason typed by staff: coded, never free text. A value is read through the mapping's
# ``codes`` list when it has one, else folded (case, spaces, punctuation: "Process change" ->
# process_change) and matched against these codes and synonyms; anything else is stored as
# 'other' and counted in ``label_other`` (a data-quality figure), so an email or a name typed into
# the field is never stored or printed. non_financial_remedy holds several codes: 'apology; repair'.
LABEL_FIELDS: dict[tuple[str, str], tuple[tuple[str, ...], dict[str, str]]] = {
    ("complaint_stage", "non_financial_remedy"): (
        (
            "apology",
            "explanation",
            "repair",
            "process_change",
            "training",
            "acknowledgement",
            "other",
        ),
        {
            "apologise": "apology",
            "apologised": "apology",
            "apology_given": "apology",
            "repairs": "repair",
            "works": "repair",
            "repair_completed": "repair",
            "policy_change": "process_change",
            "process_or_policy_change": "process_change",
            "staff_training": "training",
            "explanation_given": "explanation",
        },
    ),
    ("complaint_stage", "refusal_reason"): (
        (
            "over_12_months",
            "legal_proceedings",
            "already_considered",
            "service_request",
            "not_our_service",
            "asb_report",
            "policy_decision",
            "insurance_claim",
            "escalation_out_of_time",
            "other",
        ),
        {
            "escalation_requested_outside_the_time_limit": "escalation_out_of_time",
            "issue_over_12_months_old": "over_12_months",
            "over_12_months_old": "over_12_months",
            "more_than_12_months": "over_12_months",
            "legal_proceedings_started": "legal_proceedings",
            "already_considered_at_both_stages": "already_considered",
            "first_time_service_request": "service_request",
            "first_time_service_request_passed_to_repairs": "service_request",
            "service_not_provided_by_us": "not_our_service",
            "asb_report_passed_to_asb_team": "asb_report",
            "policy_decision_not_service_failure": "policy_decision",
        },
    ),
    ("complaint_stage", "extension_reason"): (
        (
            "awaiting_information",
            "contractor_report",
            "specialist_input",
            "resident_request",
            "staff_absence",
            "complexity",
            "extenuating_circumstances",
            "other",
        ),
        {
            # A key ending in * matches every value starting with it.
            "extenuating_circumstances*": "extenuating_circumstances",
            "waiting_for_information_from_the_resident": "awaiting_information",
            "awaiting_information_from_the_resident": "awaiting_information",
            "awaiting_contractor_report": "contractor_report",
            "specialist_survey_needed": "specialist_input",
            "resident_asked_for_a_home_visit_first": "resident_request",
            "complaint_handler_absence": "staff_absence",
            "several_departments_involved": "complexity",
        },
    ),
}

_SERVICE_AREAS = ("housing", "repairs", "asb_handling", "care", "heat_network", "other")
_REGIMES = ("eng", "sct")
_STOCK_TYPES = ("lcra", "lcho")

# (table, column) -> the codes a canonical value may take (lowercase snake_case).
ALLOWED_CODES: dict[tuple[str, str], tuple] = {
    ("complaint", "service_area"): _SERVICE_AREAS,
    ("complaint", "channel"): (
        "phone",
        "email",
        "letter",
        "web",
        "in_person",
        "social_media",
        "other",
    ),
    ("complaint", "tenure"): ("lcra", "lcho", "leaseholder", "other", "unknown"),
    ("complaint", "regime"): _REGIMES,
    ("complaint", "separate_policy"): (
        "stairs",
        "data_protection",
        "whistleblowing",
        "insurance",
        "other",
    ),
    ("complaint_stage", "stage"): (1, 2),
    ("complaint_stage", "outcome"): (
        "upheld",
        "partially_upheld",
        "not_upheld",
        "withdrawn",
        "discontinued",
        "open",
    ),
    ("non_complaint", "kind"): (
        "petition",
        "service_request",
        "did_not_wish_to_complain",
        "excluded",
        "other",
    ),
    ("non_complaint", "service_area"): _SERVICE_AREAS,
    ("non_complaint", "regime"): _REGIMES,
    ("tp09_response", "regime"): _REGIMES,
    ("stock", "stock_type"): _STOCK_TYPES,
    ("stock", "country"): _REGIMES,
    ("tp09_response", "stock_type"): _STOCK_TYPES,
    ("tp09_response", "made_complaint_12m"): ("yes", "no"),
    ("tp09_response", "answer"): (
        "very_satisfied",
        "fairly_satisfied",
        "neither",
        "fairly_dissatisfied",
        "very_dissatisfied",
    ),
    ("complainant_survey", "satisfied_timeliness"): (1, 2, 3, 4, 5),
    ("complainant_survey", "satisfied_fairness"): (1, 2, 3, 4, 5),
    ("complainant_survey", "satisfied_outcome"): (1, 2, 3, 4, 5),
    ("ombudsman_case", "body"): (
        "housing_ombudsman",
        "spso",
        "lgsco",
        "energy_ombudsman",
        "care_inspectorate",
    ),
    ("ombudsman_finding", "outcome"): (
        "severe_maladministration",
        "maladministration",
        "service_failure",
        "reasonable_redress",
        "no_maladministration",
        "outside_jurisdiction",
    ),
    ("ombudsman_order", "order_type"): (
        "compensation",
        "apology",
        "repair",
        "review",
        "training",
        "policy_change",
        "other",
    ),
    ("contact_restriction", "restriction_kind"): (
        "single_point_of_contact",
        "written_only",
        "limited_times",
        "other",
    ),
    ("ombudsman_publication", "kind"): (
        "annual_performance_letter",
        "code_non_compliance_finding",
        "special_report",
    ),
    ("remedy_payment", "kind"): ("goodwill", "compensation"),
    ("remedy_payment", "service_area"): _SERVICE_AREAS,
    ("compliment", "service_area"): _SERVICE_AREAS,
    ("learning_action", "service_area"): _SERVICE_AREAS,
    ("promised_action", "stage"): (1, 2),
}

# Common spellings of canonical codes in exports, read when a coded field is mapped without a
# codes list (after folding case and punctuation to snake_case). Only unambiguous ones: tenure,
# outcomes and the like differ between landlords and belong in the mapping's codes.
CODE_SYNONYMS: dict[tuple[str, str], dict[str, str]] = {
    ("complaint", "regime"): {"england": "eng", "scotland": "sct"},
    ("non_complaint", "regime"): {"england": "eng", "scotland": "sct"},
    ("tp09_response", "regime"): {"england": "eng", "scotland": "sct"},
    ("stock", "country"): {"england": "eng", "scotland": "sct"},
    ("tp09_response", "made_complaint_12m"): {"y": "yes", "n": "no", "true": "yes", "false": "no"},
    ("tp09_response", "answer"): {"neither_satisfied_nor_dissatisfied": "neither"},
    ("complaint_stage", "outcome"): {"partly_upheld": "partially_upheld"},
}

# Values used when a not-null field is not mapped or its cell is blank (documented in
# docs/mapping.md). Everything else that is not null must be mapped or the record is quarantined.
IMPLICIT_DEFAULTS: dict[tuple[str, str], object] = {
    ("complaint", "service_area"): "housing",
    ("complaint", "tenure"): "unknown",
    ("complaint", "is_tenant_of_owned_stock"): True,
    ("complaint", "anonymous"): False,
    ("complaint", "collective"): False,
    ("complaint", "representative"): False,
    ("complaint", "vulnerability"): False,
    ("complaint", "adjustment_requested"): False,
    ("complaint", "adjustment_made"): False,
    ("complaint", "notifiable_event"): False,
    ("complaint", "energy_ombudsman_referred"): False,
    ("complaint", "legal_hold"): False,
    ("complaint_stage", "extension_wd"): 0,
    ("complaint_stage", "outcome"): "open",
    ("complaint_stage", "refused"): False,
    ("tp09_response", "weight"): 1.0,
    ("tp09_response", "regime"): "eng",
    ("ombudsman_finding", "orders_count"): 0,
    ("ombudsman_finding", "orders_complied_count"): 0,
}


@dataclass(frozen=True)
class Column:
    """One canonical column: its DuckDB type (upper case, e.g. ``DATE``) and nullability."""

    table: str
    name: str
    type: str
    not_null: bool

    @property
    def kind(self) -> str:
        """Parsing family: date | boolean | integer | decimal | double | list | text."""
        if self.type == "DATE":
            return "date"
        if self.type == "BOOLEAN":
            return "boolean"
        if self.type in {"TINYINT", "SMALLINT", "INTEGER", "BIGINT"}:
            return "integer"
        if self.type.startswith("DECIMAL"):
            return "decimal"
        if self.type in {"DOUBLE", "FLOAT"}:
            return "double"
        if self.type.endswith("[]"):
            return "list"
        return "text"


@cache
def canonical_tables() -> dict[str, dict[str, Column]]:
    """Every canonical table's columns in DDL order, read by running the DDL in memory.

    Returns
    -------
    dict
        ``{table: {column: Column}}``.
    """
    con = duckdb.connect()
    try:
        con.execute(load_sql("schema/canonical.sql"))
        rows = con.execute(
            "select c.table_name, c.column_name, c.data_type, not c.is_nullable "
            "from duckdb_columns() c join duckdb_tables() t using (database_name, schema_name, "
            "table_name) where not t.internal and not t.temporary "
            "order by c.table_name, c.column_index"
        ).fetchall()
    finally:
        con.close()
    out: dict[str, dict[str, Column]] = {}
    for table, name, dtype, not_null in rows:
        out.setdefault(table, {})[name] = Column(table, name, dtype.upper(), bool(not_null))
    return out


def mappable_fields(table: str) -> dict[str, Column]:
    """Columns of ``table`` a mapping may fill (all but landlord_id, source_file, source_row)."""
    return {
        name: col for name, col in canonical_tables()[table].items() if name not in SYSTEM_COLUMNS
    }


def create_canonical_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the canonical tables, and add the columns a newer DDL has to older ones.

    A warehouse written by an earlier version keeps its tables (``create table if not exists``), so
    a column added to ``sql/schema/canonical.sql`` since then is added here, with its implicit
    default (docs/mapping.md) where it has one; ingest then reloads the landlord's rows in full.
    """
    con.execute(load_sql("schema/canonical.sql"))
    present = set(
        con.execute(
            "select table_name, column_name from duckdb_columns() "
            "where database_name = current_database() and schema_name = current_schema()"
        ).fetchall()
    )
    for table, columns in canonical_tables().items():
        for name, column in columns.items():
            if (table, name) in present:
                continue
            default = IMPLICIT_DEFAULTS.get((table, name))
            clause = "" if default is None else f" default {_sql_value(default)}"
            con.execute(f'alter table "{table}" add column "{name}" {column.type}{clause}')


def _sql_value(value: object) -> str:
    """A SQL literal for an implicit default (text, boolean or number)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"
