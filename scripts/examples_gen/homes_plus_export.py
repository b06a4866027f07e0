"""Homes Plus's long export (one row per stage event): regions, categories, labels and columns."""

from __future__ import annotations

from .long_layout import LongLayout, long_rows
from .simulation import Category, Complaint
from .workspace import fmt, yn

HP_REGIONS = {
    "eng": ["North West", "Yorkshire", "Midlands", "London and South"],
    "sct": ["Glasgow and West", "Edinburgh and East", "North and Highlands"],
}
HP_AGENT = "Pinnacle Place Management"
HP_CATEGORIES = [
    Category("Repairs", "repairs", "repairs", 30, 1.25),
    Category("Damp and Mould", "repairs", "damp", 9, 1.5),
    Category("Anti-Social Behaviour", "asb_handling", "asb_handling", 7),
    Category("Staff Behaviour", "housing", "staff", 8),
    Category("Communication", "housing", "communication", 12),
    Category("Rent and Service Charges", "housing", "charges", 9),
    Category("Estate Management", "housing", "other", 8, 0.8),
    Category("Care and Support", "care", "care", 5),
    Category("Other", "other", "other", 3),
]
HP_TENURE = {
    "lcra": "Social Rent",
    "lcho": "Shared Ownership",
    "leaseholder": "Leaseholder",
    "other": "Factored Owner",
    "unknown": "Not Known",
}
HP_CHANNEL = {
    "phone": "Phone",
    "email": "Email",
    "letter": "Letter",
    "web": "Web Form",
    "in_person": "In Person",
    "social_media": "Social Media",
}
HP_OUTCOME = {
    "upheld": "Upheld",
    "partially_upheld": "Partially Upheld",
    "not_upheld": "Not Upheld",
    "withdrawn": "Withdrawn",
    "discontinued": "Discontinued",
    "open": "Open",
    "not_accepted": "",
}
HP_HEADER = [
    "Case Number",
    "Stage",
    "Country",
    "Date Received",
    "First Aware Date",
    "Category",
    "Region",
    "Channel",
    "Tenure",
    "Owned Stock",
    "Handled By",
    "Anonymous",
    "Collective",
    "Made By",
    "Permission To Act",
    "Vulnerable",
    "Adjustment Requested",
    "Adjustment Made",
    "Notifiable Event",
    "SHR Notified",
    "Customer Name",
    "Address",
    "Postcode",
    "Email",
    "Phone",
    "Complaint Summary",
    "Acknowledged",
    "Extension (WD)",
    "Extension Reason",
    "Extension Notified",
    "Response Date",
    "Outcome",
    "Refused",
    "Refusal Reason",
    "Compensation Offered",
    "Compensation Paid",
    "Remedy",
    "Handler",
    "Case Closed",
    "Legal Hold",
]
HP_DATE = "%d-%b-%Y"
HP_LAYOUT = LongLayout(
    columns={
        "stage": "Stage",
        "received": "Date Received",
        "ack": "Acknowledged",
        "ext_wd": "Extension (WD)",
        "ext_reason": "Extension Reason",
        "ext_notified": "Extension Notified",
        "responded": "Response Date",
        "outcome": "Outcome",
        "refused": "Refused",
        "refusal_reason": "Refusal Reason",
        "comp_offered": "Compensation Offered",
        "comp_paid": "Compensation Paid",
        "remedy": "Remedy",
        "handler": "Handler",
    },
    date_pattern=HP_DATE,
    yes="Yes",
    no="No",
    outcomes=HP_OUTCOME,
)


def hp_rows(c: Complaint) -> list[dict]:
    common = {
        "Case Number": c.ref,
        "Country": "Scotland" if c.regime == "sct" else "England",
        "First Aware Date": fmt(c.first_known, HP_DATE),
        "Category": c.category.label,
        "Region": c.scheme,
        "Channel": HP_CHANNEL[c.channel],
        "Tenure": HP_TENURE[c.tenure],
        "Owned Stock": yn(c.owned, "Yes", "No"),
        "Handled By": "Homes Plus" if c.handled_by == "landlord" else c.handled_by,
        "Anonymous": yn(c.anonymous, "Yes", "No"),
        "Collective": yn(c.collective, "Yes", "No"),
        "Made By": c.representative or "Customer",
        "Permission To Act": fmt(c.consent, HP_DATE),
        "Vulnerable": yn(c.vulnerability, "Yes", "No"),
        "Adjustment Requested": yn(c.adj_requested, "Yes", "No"),
        "Adjustment Made": yn(c.adj_made, "Yes", "No"),
        "Notifiable Event": yn(c.notifiable, "Yes", "No"),
        "SHR Notified": fmt(c.regulator_notified, HP_DATE),
        "Customer Name": "" if c.anonymous else c.person.name,
        "Address": "" if c.anonymous else c.person.address,
        "Postcode": c.person.postcode,
        "Email": "" if c.anonymous else c.person.email,
        "Phone": "" if c.anonymous else c.person.phone,
        "Complaint Summary": c.description,
        "Case Closed": fmt(c.closed, HP_DATE),
        "Legal Hold": yn(c.legal_hold, "Yes", "No"),
    }
    return long_rows(c, HP_LAYOUT, common)
