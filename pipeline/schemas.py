"""Pandera models of every canonical table (``sql/schema/canonical.sql``), written by hand.

Each field has a description and the checks its meaning implies (codes in their allowed sets,
stage 1 or 2, no negative working days or money); table-level checks cover keys and date order.
:func:`validate_tables` runs them all over one landlord's rows and returns the failure cases,
which the ingest asset checks put in their metadata.

Pandera validates polars LazyFrames at schema level only unless told otherwise, so the data
checks would silently not run: ``PANDERA_VALIDATION_DEPTH`` is set to ``SCHEMA_AND_DATA`` before
pandera is imported, and :func:`validate_tables` also forces that depth for its own calls.
"""

from __future__ import annotations

import os

# Must happen before pandera reads its configuration (at import).
os.environ.setdefault("PANDERA_VALIDATION_DEPTH", "SCHEMA_AND_DATA")

import duckdb  # noqa: E402
import pandera.polars as pa  # noqa: E402
import polars as pl  # noqa: E402
from pandera.api.polars.types import PolarsData  # noqa: E402
from pandera.config import ValidationDepth, config_context  # noqa: E402

from pipeline.sources.canonical import ALLOWED_CODES  # noqa: E402

# table -> (later, earlier): a date that may not come before another one of the same record.
# The pandera models below check each pair, and the ingest quarantines a row that breaks one
# (rule ``date_out_of_order``; a stage's response and acknowledgement have rules of their own),
# so one mistyped date is one quarantined row, never a failed run.
DATE_ORDER: dict[str, tuple[tuple[str, str], ...]] = {
    "complaint": (("closed_date", "received_date"),),
    "complaint_stage": (
        ("responded_date", "received_date"),
        ("acknowledged_date", "received_date"),
    ),
    "complainant_survey": (("returned_date", "sent_date"),),
    "ombudsman_case": (("determination_date", "referral_date"),),
    "ombudsman_order": (("due_date", "made_date"), ("complied_date", "made_date")),
    "contact_restriction": (
        ("review_due_date", "imposed_date"),
        ("reviewed_date", "imposed_date"),
        ("ended_date", "imposed_date"),
    ),
    "chfo": (("complied_date", "issued_date"),),
    "learning_action": (("completed_date", "raised_date"),),
}

# table -> (smaller, larger): a count that may not exceed another (rule ``count_out_of_order``).
COUNT_ORDER: dict[str, tuple[tuple[str, str], ...]] = {
    "ombudsman_finding": (("orders_complied_count", "orders_count"),),
}


# The largest figure a count, a number of days, a weight or an amount of money may hold: nine
# digits before the point, as quarantine.raw_value keeps (pipeline.sources.screen.SAFE_RAW). A
# UK phone number typed into a number cell ("07700 900123", "0116 496 0123", "£07700 900123")
# reads as ten digits; without this bound it loaded as a figure (a £7.7 billion compensation,
# printed in the annual report and summed into every scheme's) instead of being quarantined.
MAX_FIGURE = 999_999_999


def _codes(table: str, column: str) -> list:
    return list(ALLOWED_CODES[(table, column)])


def _not_before(data: PolarsData, later: str, earlier: str) -> pl.LazyFrame:
    """True where ``later`` is blank or on/after ``earlier``."""
    return data.lazyframe.select(
        pl.col(later).is_null() | pl.col(earlier).is_null() | (pl.col(later) >= pl.col(earlier))
    )


class _Sourced(pa.DataFrameModel):
    """Columns every table loaded from an export carries."""

    landlord_id: str = pa.Field(description="Landlord workspace id (landlord.yaml)")
    source_file: str = pa.Field(description="Export file, relative to the workspace")
    source_row: pl.Int32 = pa.Field(ge=1, description="Spreadsheet row number in the export")


class Complaint(_Sourced):
    """One complaint (``complaint``); ids are keyed hashes."""

    complaint_id: str = pa.Field(description="Pseudonymous keyed hash of the case reference")
    received_date: pl.Date = pa.Field(description="First contact (stage 1, else stage 2)")
    first_known_date: pl.Date = pa.Field(
        nullable=True, description="When the resident first knew of the problem"
    )
    category: str = pa.Field(nullable=True, description="Landlord's complaint category")
    root_cause: str = pa.Field(nullable=True, description="Root cause where recorded")
    service_area: str = pa.Field(
        isin=_codes("complaint", "service_area"), description="Service area code"
    )
    scheme: str = pa.Field(nullable=True, description="Scheme or business unit")
    channel: str = pa.Field(
        nullable=True, isin=_codes("complaint", "channel"), description="How it was made"
    )
    tenure: str = pa.Field(isin=_codes("complaint", "tenure"), description="Tenure code")
    regime: str = pa.Field(isin=_codes("complaint", "regime"), description="eng or sct")
    is_tenant_of_owned_stock: bool = pa.Field(
        description="False for homes managed for another owner"
    )
    handled_by: str = pa.Field(nullable=True, description="'landlord' or the managing agent")
    anonymous: bool = pa.Field(description="Made anonymously")
    collective: bool = pa.Field(description="One record for a group (lead complainant)")
    representative: bool = pa.Field(
        description="Made on the resident's behalf by a representative, advocate or other third party"
    )
    representative_consent_date: pl.Date = pa.Field(
        nullable=True,
        description="When the resident's consent (or legal authority) for the representative was "
        "recorded; null = not recorded",
    )
    separate_policy: str = pa.Field(
        nullable=True,
        isin=_codes("complaint", "separate_policy"),
        description="The separate policy the complaint falls under (e.g. stairs); handled under it, "
        "not the complaints policy, from a policy version that lists it; null = complaints policy",
    )
    vulnerability: bool = pa.Field(description="Vulnerability recorded")
    adjustment_requested: bool = pa.Field(description="Reasonable adjustment requested")
    adjustment_made: bool = pa.Field(description="Reasonable adjustment made")
    notifiable_event: bool = pa.Field(description="Scotland: serious complaint about senior staff")
    regulator_notified_date: pl.Date = pa.Field(
        nullable=True,
        description="Notifiable event: date the Scottish Housing Regulator was told; null = not "
        "recorded",
    )
    heat_network_deadlock_date: pl.Date = pa.Field(
        nullable=True, description="Heat networks: deadlock letter date"
    )
    energy_ombudsman_notified_date: pl.Date = pa.Field(
        nullable=True, description="Date the Energy Ombudsman right was notified"
    )
    energy_ombudsman_referred: bool = pa.Field(description="Referred to the Energy Ombudsman")
    resolved_to_satisfaction: bool = pa.Field(
        nullable=True, description="Heat networks: resolved to satisfaction (null = not recorded)"
    )
    closed_date: pl.Date = pa.Field(nullable=True, description="Date the complaint closed")
    tenancy_end_date: pl.Date = pa.Field(nullable=True, description="For the retention rule")
    legal_hold: bool = pa.Field(description="Exempt from retention deletion")

    class Config:
        unique = ["landlord_id", "complaint_id"]

    @pa.dataframe_check
    def closed_not_before_received(cls, data: PolarsData) -> pl.LazyFrame:
        return _not_before(data, "closed_date", "received_date")

    @pa.dataframe_check
    def consent_only_for_representatives(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("representative") | pl.col("representative_consent_date").is_null()
        )


class ComplaintStage(_Sourced):
    """One stage of a complaint (``complaint_stage``)."""

    complaint_id: str = pa.Field(description="Pseudonymous complaint id")
    stage: pl.Int8 = pa.Field(isin=[1, 2], description="Stage 1 or 2")
    received_date: pl.Date = pa.Field(description="Stage received (stage 2: escalation request)")
    acknowledged_date: pl.Date = pa.Field(nullable=True, description="Acknowledged on")
    extension_wd: pl.Int32 = pa.Field(
        ge=0, le=MAX_FIGURE, description="Agreed extension in working days"
    )
    extension_reason: str = pa.Field(nullable=True, description="Why the extension was agreed")
    extension_notified_date: pl.Date = pa.Field(
        nullable=True, description="When the resident was told of the extension"
    )
    extended_due_date: pl.Date = pa.Field(
        nullable=True,
        description="Due date after the extension (a case system's revised target date); "
        "the extension in working days is derived from it when extension_wd is 0",
    )
    responded_date: pl.Date = pa.Field(nullable=True, description="Stage response date")
    outcome: str = pa.Field(
        isin=_codes("complaint_stage", "outcome"), description="Stage outcome code"
    )
    refused: bool = pa.Field(description="Refused at this stage")
    refusal_reason: str = pa.Field(nullable=True, description="Why it was refused")
    compensation_offered_gbp: pl.Decimal(12, 2) = pa.Field(
        nullable=True, ge=0, le=MAX_FIGURE, description="Compensation offered (GBP)"
    )
    compensation_paid_gbp: pl.Decimal(12, 2) = pa.Field(
        nullable=True, ge=0, le=MAX_FIGURE, description="Compensation paid (GBP)"
    )
    non_financial_remedy: str = pa.Field(nullable=True, description="e.g. apology; repair")
    handler_ref: str = pa.Field(nullable=True, description="Pseudonymous handler reference")

    class Config:
        unique = ["landlord_id", "complaint_id", "stage"]

    @pa.dataframe_check
    def responded_not_before_received(cls, data: PolarsData) -> pl.LazyFrame:
        return _not_before(data, "responded_date", "received_date")

    @pa.dataframe_check
    def acknowledged_not_before_received(cls, data: PolarsData) -> pl.LazyFrame:
        return _not_before(data, "acknowledged_date", "received_date")


class NonComplaint(_Sourced):
    """Petitions, service requests, 'did not wish to complain' (``non_complaint``)."""

    record_ref: str = pa.Field(description="Pseudonymous record reference")
    kind: str = pa.Field(isin=_codes("non_complaint", "kind"), description="Kind of record")
    record_date: pl.Date = pa.Field(description="Date of the record")
    service_area: str = pa.Field(
        nullable=True, isin=_codes("non_complaint", "service_area"), description="Service area"
    )
    regime: str = pa.Field(
        nullable=True, isin=_codes("non_complaint", "regime"), description="eng or sct"
    )


class Stock(pa.DataFrameModel):
    """Homes owned per year end, type and country (``stock``, from landlord.yaml)."""

    landlord_id: str = pa.Field(description="Landlord workspace id")
    year_end: pl.Date = pa.Field(description="31 March of the reporting year")
    stock_type: str = pa.Field(isin=_codes("stock", "stock_type"), description="lcra or lcho")
    country: str = pa.Field(isin=_codes("stock", "country"), description="eng or sct")
    units_owned: pl.Int32 = pa.Field(ge=0, description="Units owned at year end")

    class Config:
        unique = ["landlord_id", "year_end", "stock_type", "country"]

    @pa.dataframe_check
    def year_end_is_31_march(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("year_end").dt.month() == 3) & (pl.col("year_end").dt.day() == 31)
        )


class Tp09Response(_Sourced):
    """TSM perception survey responses (``tp09_response``)."""

    respondent_ref: str = pa.Field(description="Pseudonymous respondent reference")
    survey_date: pl.Date = pa.Field(description="Date of the response")
    stock_type: str = pa.Field(
        isin=_codes("tp09_response", "stock_type"), description="lcra or lcho"
    )
    scheme: str = pa.Field(nullable=True, description="Scheme, optional")
    made_complaint_12m: str = pa.Field(
        nullable=True,
        isin=_codes("tp09_response", "made_complaint_12m"),
        description="Made a complaint in the last 12 months",
    )
    answer: str = pa.Field(
        nullable=True,
        isin=_codes("tp09_response", "answer"),
        description="Satisfaction with complaint handling (null = don't know / blank)",
    )
    weight: float = pa.Field(gt=0, le=MAX_FIGURE, description="Survey weight, 1 unless weighted")
    regime: str = pa.Field(
        isin=_codes("tp09_response", "regime"),
        description="Country of the respondent's home (eng unless mapped); TP09 counts eng only",
    )


class ComplainantSurvey(_Sourced):
    """Transactional surveys sent after a complaint (``complainant_survey``)."""

    complaint_id: str = pa.Field(description="Pseudonymous complaint id")
    sent_date: pl.Date = pa.Field(description="Date the survey was sent")
    returned_date: pl.Date = pa.Field(nullable=True, description="Date it came back")
    satisfied_timeliness: pl.Int8 = pa.Field(
        nullable=True, in_range={"min_value": 1, "max_value": 5}, description="1..5"
    )
    satisfied_fairness: pl.Int8 = pa.Field(
        nullable=True, in_range={"min_value": 1, "max_value": 5}, description="1..5"
    )
    satisfied_outcome: pl.Int8 = pa.Field(
        nullable=True, in_range={"min_value": 1, "max_value": 5}, description="1..5"
    )

    @pa.dataframe_check
    def returned_not_before_sent(cls, data: PolarsData) -> pl.LazyFrame:
        return _not_before(data, "returned_date", "sent_date")


class OmbudsmanCase(_Sourced):
    """Cases referred to an ombudsman or regulator body (``ombudsman_case``)."""

    case_ref: str = pa.Field(description="Pseudonymous case reference")
    complaint_id: str = pa.Field(nullable=True, description="Linked complaint when known")
    body: str = pa.Field(isin=_codes("ombudsman_case", "body"), description="Which body")
    referral_date: pl.Date = pa.Field(description="Date referred")
    determination_date: pl.Date = pa.Field(nullable=True, description="Date determined")

    @pa.dataframe_check
    def determined_not_before_referred(cls, data: PolarsData) -> pl.LazyFrame:
        return _not_before(data, "determination_date", "referral_date")


class OmbudsmanFinding(_Sourced):
    """Findings of a determination (``ombudsman_finding``)."""

    case_ref: str = pa.Field(description="Pseudonymous case reference")
    finding_area: str = pa.Field(nullable=True, description="What the finding is about")
    outcome: str = pa.Field(
        isin=_codes("ombudsman_finding", "outcome"), description="Finding outcome code"
    )
    orders_count: pl.Int32 = pa.Field(ge=0, le=MAX_FIGURE, description="Orders made")
    orders_complied_count: pl.Int32 = pa.Field(
        ge=0, le=MAX_FIGURE, description="Orders complied with"
    )
    compensation_ordered_gbp: pl.Decimal(12, 2) = pa.Field(
        nullable=True, ge=0, le=MAX_FIGURE, description="Compensation ordered (GBP)"
    )

    @pa.dataframe_check
    def complied_not_above_orders(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("orders_complied_count") <= pl.col("orders_count"))


class OmbudsmanOrder(_Sourced):
    """Orders of an Ombudsman determination, with their due dates and compliance (``ombudsman_order``)."""

    case_ref: str = pa.Field(description="Pseudonymous reference of the case it was made in")
    order_ref: str = pa.Field(description="Pseudonymous order reference")
    order_type: str = pa.Field(
        isin=_codes("ombudsman_order", "order_type"), description="What the order requires"
    )
    made_date: pl.Date = pa.Field(description="Date the order was made (the determination)")
    due_date: pl.Date = pa.Field(description="Date set for compliance")
    complied_date: pl.Date = pa.Field(
        nullable=True, description="Date compliance was evidenced; null = outstanding"
    )

    class Config:
        unique = ["landlord_id", "order_ref"]

    @pa.dataframe_check
    def due_not_before_made(cls, data: PolarsData) -> pl.LazyFrame:
        return _not_before(data, "due_date", "made_date")

    @pa.dataframe_check
    def complied_not_before_made(cls, data: PolarsData) -> pl.LazyFrame:
        return _not_before(data, "complied_date", "made_date")


class ContactRestriction(_Sourced):
    """Contact restricted under an unreasonable-behaviour policy, with its review date
    (``contact_restriction``)."""

    restriction_ref: str = pa.Field(description="Pseudonymous restriction reference")
    complaint_id: str = pa.Field(nullable=True, description="Complaint it arose from, if known")
    restriction_kind: str = pa.Field(
        isin=_codes("contact_restriction", "restriction_kind"), description="What is restricted"
    )
    imposed_date: pl.Date = pa.Field(description="Date the restriction started")
    review_due_date: pl.Date = pa.Field(description="Date the decision must be reviewed by")
    reviewed_date: pl.Date = pa.Field(nullable=True, description="Latest review, if any")
    ended_date: pl.Date = pa.Field(nullable=True, description="Date lifted; null = in force")

    class Config:
        unique = ["landlord_id", "restriction_ref"]

    @pa.dataframe_check
    def review_due_not_before_imposed(cls, data: PolarsData) -> pl.LazyFrame:
        return _not_before(data, "review_due_date", "imposed_date")

    @pa.dataframe_check
    def reviewed_not_before_imposed(cls, data: PolarsData) -> pl.LazyFrame:
        return _not_before(data, "reviewed_date", "imposed_date")

    @pa.dataframe_check
    def ended_not_before_imposed(cls, data: PolarsData) -> pl.LazyFrame:
        return _not_before(data, "ended_date", "imposed_date")


class Chfo(_Sourced):
    """Complaint Handling Failure Orders (``chfo``)."""

    chfo_ref: str = pa.Field(description="Pseudonymous CHFO reference")
    issued_date: pl.Date = pa.Field(description="Date issued")
    reason: str = pa.Field(nullable=True, description="Reason given")
    complied_date: pl.Date = pa.Field(nullable=True, description="Date complied")

    @pa.dataframe_check
    def complied_not_before_issued(cls, data: PolarsData) -> pl.LazyFrame:
        return _not_before(data, "complied_date", "issued_date")


class OmbudsmanPublication(pa.DataFrameModel):
    """Ombudsman letters and findings about the landlord (``ombudsman_publication``)."""

    landlord_id: str = pa.Field(description="Landlord workspace id")
    kind: str = pa.Field(
        isin=_codes("ombudsman_publication", "kind"), description="Kind of publication"
    )
    published_date: pl.Date = pa.Field(description="Date published")
    reporting_year: str = pa.Field(
        nullable=True, str_matches=r"^\d{4}/\d{2}$", description="e.g. 2024/25"
    )
    summary: str = pa.Field(str_length={"min_value": 1}, description="Landlord's public summary")
    url: str = pa.Field(nullable=True, description="Link to the publication")


class RemedyPayment(_Sourced):
    """Goodwill and compensation paid without a complaint (``remedy_payment``)."""

    payment_ref: str = pa.Field(description="Pseudonymous payment reference")
    paid_date: pl.Date = pa.Field(description="Date paid")
    amount_gbp: pl.Decimal(12, 2) = pa.Field(ge=0, le=MAX_FIGURE, description="Amount paid (GBP)")
    kind: str = pa.Field(isin=_codes("remedy_payment", "kind"), description="goodwill|compensation")
    service_area: str = pa.Field(
        nullable=True, isin=_codes("remedy_payment", "service_area"), description="Service area"
    )


class LearningAction(_Sourced):
    """Service improvements and the complaints they came from (``learning_action``)."""

    action_ref: str = pa.Field(description="Pseudonymous action reference")
    theme: str = pa.Field(description="Theme of the improvement")
    description: str = pa.Field(description="Public description written for residents")
    service_area: str = pa.Field(
        nullable=True, isin=_codes("learning_action", "service_area"), description="Service area"
    )
    linked_complaint_ids: pl.List(pl.String) = pa.Field(
        nullable=True, description="Pseudonymous ids of the complaints it came from"
    )
    raised_date: pl.Date = pa.Field(description="Date raised")
    due_date: pl.Date = pa.Field(nullable=True, description="Due date")
    completed_date: pl.Date = pa.Field(nullable=True, description="Date completed")

    @pa.dataframe_check
    def completed_not_before_raised(cls, data: PolarsData) -> pl.LazyFrame:
        return _not_before(data, "completed_date", "raised_date")


class PromisedAction(_Sourced):
    """Actions promised in complaint responses (``promised_action``)."""

    complaint_id: str = pa.Field(description="Pseudonymous complaint id")
    stage: pl.Int8 = pa.Field(nullable=True, isin=[1, 2], description="Stage that promised it")
    action_kind: str = pa.Field(description="e.g. repair, callback, policy review")
    due_date: pl.Date = pa.Field(description="Date promised")
    completed_date: pl.Date = pa.Field(nullable=True, description="Date completed")


class Compliment(_Sourced):
    """Compliments received (``compliment``)."""

    compliment_ref: str = pa.Field(description="Pseudonymous compliment reference")
    received_date: pl.Date = pa.Field(description="Date received")
    service_area: str = pa.Field(
        nullable=True, isin=_codes("compliment", "service_area"), description="Service area"
    )
    scheme: str = pa.Field(nullable=True, description="Scheme, optional")


class Quarantine(pa.DataFrameModel):
    """Every rejected record with its reason (``quarantine``)."""

    landlord_id: str = pa.Field(description="Landlord workspace id")
    source_file: str = pa.Field(description="Export file, relative to the workspace")
    source_row: pl.Int32 = pa.Field(nullable=True, ge=1, description="Spreadsheet row number")
    target_table: str = pa.Field(nullable=True, description="Table the record was meant for")
    column_name: str = pa.Field(nullable=True, description="Source column, as in the export")
    rule: str = pa.Field(
        isin=[
            "date_unparseable",
            "date_in_future",
            "date_too_early",
            "date_time_invalid",
            "date_weekday_mismatch",
            "weight_implausible",
            "weight_missing",
            "required_missing",
            "unknown_code",
            "number_unparseable",
            "response_before_receipt",
            "ack_before_receipt",
            "stage2_before_stage1_response",
            "duplicate_row",
            "conflicting_rows",
            "duplicate_id_across_files",
            "route_unknown",
            "parent_quarantined",
            "out_of_range",
            "date_out_of_order",
            "count_out_of_order",
            "wrong_cell_count",
            "id_in_scientific_notation",
            "repeated_header",
            "totals_row",
            "id_is_excel_error",
        ],
        description="Rule broken",
    )
    message: str = pa.Field(description="Plain English, starting with the rule id")
    raw_value: str = pa.Field(nullable=True, description="Offending value (structured fields only)")

    @pa.dataframe_check
    def message_names_rule(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("message").str.starts_with(pl.col("rule")))


class LabelOther(pa.DataFrameModel):
    """Label values read as 'other' per file and field (``label_other``, data quality)."""

    landlord_id: str = pa.Field(description="Landlord workspace id")
    source_file: str = pa.Field(description="Export file, relative to the workspace")
    target_table: str = pa.Field(description="Canonical table of the field")
    field_name: str = pa.Field(description="Coded label field, e.g. non_financial_remedy")
    column_name: str = pa.Field(nullable=True, description="Source column, as in the export")
    rows_other: pl.Int32 = pa.Field(ge=1, description="Rows whose value became 'other'")


class IngestFile(pa.DataFrameModel):
    """The reconciliation ledger: one row per file read (``ingest_file``)."""

    landlord_id: str = pa.Field(description="Landlord workspace id")
    source_file: str = pa.Field(unique=True, description="Export file, relative to the workspace")
    mapping: str = pa.Field(nullable=True, description="Mapping file that read it")
    sha256: str = pa.Field(str_matches=r"^[0-9a-f]{64}$", description="Hash of the file's bytes")
    rows_in: pl.Int32 = pa.Field(ge=0, description="Data rows in the file")
    rows_loaded: pl.Int32 = pa.Field(ge=0, description="Rows that reached a canonical table")
    rows_quarantined: pl.Int32 = pa.Field(ge=0, description="Rows with a quarantine entry")

    @pa.dataframe_check
    def reconciles(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("rows_in") == pl.col("rows_loaded") + pl.col("rows_quarantined")
        )


SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    "complaint": Complaint,
    "complaint_stage": ComplaintStage,
    "non_complaint": NonComplaint,
    "stock": Stock,
    "tp09_response": Tp09Response,
    "complainant_survey": ComplainantSurvey,
    "ombudsman_case": OmbudsmanCase,
    "ombudsman_finding": OmbudsmanFinding,
    "ombudsman_order": OmbudsmanOrder,
    "chfo": Chfo,
    "ombudsman_publication": OmbudsmanPublication,
    "remedy_payment": RemedyPayment,
    "learning_action": LearningAction,
    "promised_action": PromisedAction,
    "compliment": Compliment,
    "contact_restriction": ContactRestriction,
    "quarantine": Quarantine,
    "label_other": LabelOther,
    "ingest_file": IngestFile,
}


def value_bounds(table: str, column: str) -> tuple[tuple[str, float], ...]:
    """The range checks of one column as ``(operator, bound)`` pairs, e.g. ``((">=", 0),)``.

    Read from the pandera model itself, so the ingest quarantines exactly what the model would
    reject (rule ``out_of_range``) and the two cannot drift apart.
    """
    return _bounds().get((table, column), ())


_BOUND_OPERATORS = {
    "greater_than_or_equal_to": (">=", "min_value"),
    "greater_than": (">", "min_value"),
    "less_than_or_equal_to": ("<=", "max_value"),
    "less_than": ("<", "max_value"),
}


def _bounds() -> dict[tuple[str, str], tuple[tuple[str, float], ...]]:
    if not _BOUNDS:
        for table, model in SCHEMAS.items():
            for name, column in model.to_schema().columns.items():
                found: list[tuple[str, float]] = []
                for check in column.checks:
                    stats = check.statistics or {}
                    if check.name in _BOUND_OPERATORS:
                        operator, key = _BOUND_OPERATORS[check.name]
                        found.append((operator, stats[key]))
                    elif check.name == "in_range":
                        low = ">=" if stats.get("include_min", True) else ">"
                        high = "<=" if stats.get("include_max", True) else "<"
                        found += [(low, stats["min_value"]), (high, stats["max_value"])]
                _BOUNDS[(table, name)] = tuple(found)
    return _BOUNDS


_BOUNDS: dict[tuple[str, str], tuple[tuple[str, float], ...]] = {}


def validate_table(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """Validate one table's rows; return pandera's failure cases (empty when valid).

    Each failure names the row it is about (``source_file``, ``source_row``, from the frame) and
    the canonical ``column`` and ``check`` broken; ``failure_case`` holds the value only when it
    cannot be personal data (a number, a date, a code), else its shape ("text, 9 characters").
    """
    model = SCHEMAS[table]
    # An empty table has no values for the data checks to fail on; its columns and types are
    # still checked (most of a landlord's 19 tables are empty, and pandera's per-check cost adds
    # up over a group's landlords).
    depth = ValidationDepth.SCHEMA_ONLY if frame.is_empty() else ValidationDepth.SCHEMA_AND_DATA
    with config_context(validation_depth=depth):
        try:
            model.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            return _located(exc.failure_cases, frame)
    return pl.DataFrame(
        schema={
            "source_file": pl.String,
            "source_row": pl.Int32,
            "column": pl.String,
            "check": pl.String,
            "failure_case": pl.String,
            "schema_context": pl.String,
            "check_number": pl.Int32,
            "index": pl.Int32,
        }
    )


def _located(failures: pl.DataFrame, frame: pl.DataFrame) -> pl.DataFrame:
    """Failure cases with the file and row of each, and no cell content that may be personal."""
    from pipeline.sources.screen import SAFE_RAW

    value = pl.col("failure_case").cast(pl.String)
    length = value.str.len_chars()
    shape = pl.format(
        "text, {} character{}", length, pl.when(length == 1).then(pl.lit("")).otherwise(pl.lit("s"))
    )
    failures = failures.with_columns(
        pl.when(value.is_null() | value.str.contains(SAFE_RAW))
        .then(value)
        .otherwise(shape)
        .alias("failure_case"),
        pl.col("index").cast(pl.Int32),
    )
    if {"source_file", "source_row"} <= set(frame.columns):
        rows = frame.select("source_file", pl.col("source_row").cast(pl.Int32)).with_row_index(
            "index"
        )
        failures = failures.join(
            rows.with_columns(pl.col("index").cast(pl.Int32)), on="index", how="left"
        )
    else:
        failures = failures.with_columns(
            pl.lit(None, pl.String).alias("source_file"), pl.lit(None, pl.Int32).alias("source_row")
        )
    first = ["source_file", "source_row", "column", "check", "failure_case"]
    return failures.select(first + [c for c in failures.columns if c not in first])


def describe_failures(failures: pl.DataFrame, table: str, limit: int = 5) -> str:
    """One line a user can act on: which file, row, column and rule, for the first failures.

    Copes with a frame that lacks the location columns (pandera's own failure cases, or a failure
    of the whole table): the part it cannot name is said in words, so a failed check is always
    reported with a message rather than an error.
    """
    if failures.height == 0:
        return ""
    parts = []
    for row in failures.head(limit).iter_rows(named=True):
        where = [row["source_file"]] if row.get("source_file") else []
        if row.get("source_row") is not None:
            where = [" ".join([*where, f"row {row['source_row']}"])]
        if row.get("column"):
            where.append(f"column {row['column']}")
        check = row.get("check") or "a schema rule"
        parts.append(f"{', '.join(where)}: {check}" if where else f"the whole table: {check}")
    more = failures.height - limit
    tail = f" (and {more:,} more)" if more > 0 else ""
    return (
        f"{table}: {'; '.join(parts)}{tail}. Correct the value in the export (or the mapping) "
        "and run again"
    )


def validate_tables(con: duckdb.DuckDBPyConnection, landlord_id: str) -> dict[str, pl.DataFrame]:
    """Validate every canonical table's rows of one landlord.

    Parameters
    ----------
    con
        Connection to the landlord's DuckDB file.
    landlord_id
        Whose rows to check.

    Returns
    -------
    dict
        Table name -> pandera failure cases (an empty frame when the table passes).
    """
    out = {}
    for table in SCHEMAS:
        frame = con.sql(
            f"select * from {table} where landlord_id = $landlord_id",  # noqa: S608 - from SCHEMAS
            params={"landlord_id": landlord_id},
        ).pl()
        out[table] = validate_table(frame, table)
    return out
