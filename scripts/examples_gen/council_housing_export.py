"""The council's long ``;`` export with ISO dates: categories, wards, labels and columns."""

from __future__ import annotations

from .long_layout import LongLayout, long_rows
from .simulation import Category, Complaint
from .workspace import fmt, yn

CH_CATEGORIES = [
    Category("Repairs - Responsive", "repairs", "repairs", 28, 1.3),
    Category("Repairs - Damp & Mould", "repairs", "damp", 10, 1.5),
    Category("Neighbourhood - ASB", "asb_handling", "asb_handling", 9),
    Category("Staff Conduct", "housing", "staff", 7),
    Category("Communication", "housing", "communication", 11),
    Category("Rents & Charges", "housing", "charges", 8),
    Category("Estates & Caretaking", "housing", "other", 8, 0.8),
    Category("Allocations & Lettings", "housing", "other", 6),
    Category("Heating - Communal Boiler", "heat_network", "heat", 2, 2.0),
]
CH_TENURE = {
    "lcra": "SECURE",
    "lcho": "SHARED OWNER",
    "leaseholder": "LEASEHOLD",
    "other": "LICENSEE",
    "unknown": "",
}
CH_CHANNEL = {
    "phone": "TELEPHONE",
    "email": "EMAIL",
    "letter": "LETTER",
    "web": "ONLINE",
    "in_person": "FACE TO FACE",
    "social_media": "SOCIAL MEDIA",
}
CH_OUTCOME = {
    "upheld": "UPHELD",
    "partially_upheld": "PARTLY UPHELD",
    "not_upheld": "NOT UPHELD",
    "withdrawn": "WITHDRAWN",
    "discontinued": "LEGAL",
    "open": "",
    "not_accepted": "",
}
CH_HEADER = [
    "CaseRef",
    "CaseStage",
    "DateLogged",
    "ComplaintType",
    "ContactMethod",
    "TenureType",
    "Ward",
    "RaisedBy",
    "ConsentChecked",
    "RootCause",
    "Vulnerable",
    "AdjustmentRequested",
    "AdjustmentMade",
    "TenantName",
    "PropertyAddress",
    "Postcode",
    "ContactEmail",
    "ContactPhone",
    "Notes",
    "DateAcknowledged",
    "ExtensionDays",
    "ExtensionReason",
    "ExtensionAgreed",
    "DateResponded",
    "Outcome",
    "NotAccepted",
    "NotAcceptedReason",
    "CompensationOffered",
    "CompensationPaid",
    "Remedy",
    "Officer",
    "DateClosed",
    "LegalHold",
]
CH_WARDS = ["Abbey", "Castle", "Eastfield", "Northgate", "Riverside", "St Marys", "Westbrook"]
ISO = "%Y-%m-%d"
CH_LAYOUT = LongLayout(
    columns={
        "stage": "CaseStage",
        "received": "DateLogged",
        "ack": "DateAcknowledged",
        "ext_wd": "ExtensionDays",
        "ext_reason": "ExtensionReason",
        "ext_notified": "ExtensionAgreed",
        "responded": "DateResponded",
        "outcome": "Outcome",
        "refused": "NotAccepted",
        "refusal_reason": "NotAcceptedReason",
        "comp_offered": "CompensationOffered",
        "comp_paid": "CompensationPaid",
        "remedy": "Remedy",
        "handler": "Officer",
    },
    date_pattern=ISO,
    yes="TRUE",
    no="FALSE",
    outcomes=CH_OUTCOME,
)


def ch_rows(c: Complaint) -> list[dict]:
    common = {
        "CaseRef": c.ref,
        "ComplaintType": c.category.label,
        "ContactMethod": CH_CHANNEL[c.channel],
        "TenureType": CH_TENURE[c.tenure],
        "Ward": c.scheme,
        "RaisedBy": c.representative or "Tenant",
        "ConsentChecked": fmt(c.consent, ISO),
        "RootCause": c.root_cause,
        "Vulnerable": yn(c.vulnerability, "TRUE", "FALSE"),
        "AdjustmentRequested": yn(c.adj_requested, "TRUE", "FALSE"),
        "AdjustmentMade": yn(c.adj_made, "TRUE", "FALSE"),
        "TenantName": c.person.name,
        "PropertyAddress": c.person.address,
        "Postcode": c.person.postcode,
        "ContactEmail": c.person.email,
        "ContactPhone": c.person.phone,
        "Notes": c.description,
        "DateClosed": fmt(c.closed, ISO),
        "LegalHold": yn(c.legal_hold, "TRUE", "FALSE"),
    }
    return long_rows(c, CH_LAYOUT, common)
