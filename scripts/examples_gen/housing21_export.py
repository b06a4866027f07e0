"""Housing 21's ERICA event extract: schemes, categories, labels and the wide export's columns."""

from __future__ import annotations

import datetime as dt

from .simulation import Category, Complaint
from .workspace import money, yn


def dt_stamp(day: dt.date | None, pattern: str = "%d/%m/%Y") -> str:
    """A date with a plausible time of day (ERICA exports carry timestamps)."""
    if day is None:
        return ""
    ordinal = day.toordinal()
    return f"{day.strftime(pattern)} {8 + ordinal * 7 % 10:02d}:{ordinal * 13 % 60:02d}"


H21_RL = [
    "Abbey Court",
    "Beechwood House",
    "Bramley Court",
    "Cedar Lodge",
    "Chestnut Court",
    "Dovecote Court",
    "Elmfield House",
    "Foxglove Court",
    "Hawthorn House",
    "Heron Court",
    "Juniper Court",
    "Kingfisher House",
    "Laburnum Court",
    "Magnolia House",
    "Maple Court",
    "Meadowsweet House",
    "Oakleigh Court",
    "Primrose Court",
    "Rosewood House",
    "Sycamore Court",
    "Thornbury Court",
    "Willowbrook House",
    "Wisteria Court",
    "Yew Tree Court",
]
H21_EC = [
    "Amber Fields (Extra Care)",
    "Bluebell Gardens (Extra Care)",
    "Cherry Tree Place (Extra Care)",
    "Harebell Gardens (Extra Care)",
    "Lime Tree Place (Extra Care)",
    "Mulberry Gardens (Extra Care)",
    "Orchard View (Extra Care)",
    "Riverside Place (Extra Care)",
    "Silver Birch Gardens (Extra Care)",
    "Wellspring Place (Extra Care)",
]
H21_HEAT = H21_EC[:6] + ["Heron Court", "Magnolia House"]
H21_CHANGE = dt.date(2026, 1, 27)

H21_CATEGORIES = [
    Category("Repairs - Responsive", "repairs", "repairs", 24, 1.25),
    Category("Repairs - Damp and Mould", "repairs", "damp", 7, 1.5),
    Category("Lifts and Door Entry", "repairs", "repairs", 5),
    Category("Anti-Social Behaviour Handling", "asb_handling", "asb_handling", 5),
    Category("Staff Conduct", "housing", "staff", 9),
    Category("Communication", "housing", "communication", 11),
    Category("Service Charges", "housing", "charges", 7),
    Category("Estate Services and Cleaning", "housing", "other", 6),
    Category("Grounds Maintenance", "housing", "other", 3, 0.6),
    Category("Heat Network - Heating and Hot Water", "heat_network", "heat", 4, 1.8),
    Category("Heat Network - Billing", "heat_network", "heat", 1.5, 1.3),
    Category("Care - Missed or Late Visit", "care", "care", 7),
    Category("Care - Quality of Care", "care", "care", 5),
]
H21_TENURE_LABEL = {
    "lcra": "Rent (Social/Affordable)",
    "lcho": "Shared Ownership",
    "leaseholder": "Leasehold",
    "other": "Care Client (non-tenant)",
    "unknown": "",
}
H21_CHANNEL_LABEL = {
    "phone": "Telephone",
    "email": "Email",
    "letter": "Letter",
    "web": "Website Form",
    "in_person": "Face to Face",
    "social_media": "Social Media",
}
H21_OUTCOME_LABEL = {
    "upheld": "Upheld",
    "partially_upheld": "Partially Upheld",
    "not_upheld": "Not Upheld",
    "withdrawn": "Withdrawn",
    "discontinued": "Closed - Legal Action",
    "open": "",
    "not_accepted": "",
}
H21_HEADER = [
    "Event ID",
    "Record Type",
    "Date Received",
    "Business Stream",
    "Scheme",
    "Category",
    "How Received",
    "Tenure",
    "H21 Owned",
    "Anonymous",
    "Made By",
    "Consent Recorded",
    "Policy",
    "Vulnerability Recorded",
    "Reasonable Adjustment Requested",
    "Reasonable Adjustment Made",
    "Complainant Name",
    "Address",
    "Postcode",
    "Email",
    "Telephone",
    "Summary of Complaint",
    "S1 Acknowledged",
    "S1 Handler",
    "S1 Extension (WD)",
    "S1 Extension Reason",
    "S1 Extension Agreed",
    "S1 Response Date",
    "S1 Outcome",
    "S1 Not Accepted",
    "S1 Not Accepted Reason",
    "S1 Compensation Offered",
    "S1 Compensation Paid",
    "S1 Remedy",
    "S2 Escalation Date",
    "S2 Acknowledged",
    "S2 Handler",
    "S2 Extension (WD)",
    "S2 Extension Reason",
    "S2 Extension Agreed",
    "S2 Response Date",
    "S2 Outcome",
    "S2 Not Accepted",
    "S2 Not Accepted Reason",
    "S2 Compensation Offered",
    "S2 Compensation Paid",
    "S2 Remedy",
    "HN Deadlock Letter",
    "HN Energy Ombudsman Notified",
    "HN Referred to Energy Ombudsman",
    "HN Resolved to Satisfaction",
    "Date Closed",
    "Tenancy End Date",
    "Legal Hold",
]


def h21_row(c: Complaint, datefmt, closed_fmt) -> dict:
    stream = "Extra Care" if c.scheme in H21_EC else "Retirement Living"
    v = {
        "Event ID": c.ref,
        "Record Type": "Complaint",
        "Date Received": datefmt(c.received),
        "Business Stream": stream,
        "Scheme": c.scheme,
        "Category": c.category.label,
        "How Received": H21_CHANNEL_LABEL[c.channel],
        "Tenure": H21_TENURE_LABEL[c.tenure],
        "H21 Owned": yn(c.owned),
        "Anonymous": yn(c.anonymous),
        "Made By": c.representative or "Resident",
        "Consent Recorded": datefmt(c.consent),
        "Policy": "STAIRs" if c.separate_policy == "stairs" else "Complaints",
        "Vulnerability Recorded": yn(c.vulnerability),
        "Reasonable Adjustment Requested": yn(c.adj_requested),
        "Reasonable Adjustment Made": yn(c.adj_made),
        "Complainant Name": "" if c.anonymous else c.person.name,
        "Address": c.person.address,
        "Postcode": c.person.postcode,
        "Email": "" if c.anonymous else c.person.email,
        "Telephone": "" if c.anonymous else c.person.phone,
        "Summary of Complaint": c.description,
        "HN Deadlock Letter": datefmt(c.deadlock),
        "HN Energy Ombudsman Notified": datefmt(c.eo_notified),
        "HN Referred to Energy Ombudsman": yn(c.eo_referred)
        if c.category.service_area == "heat_network"
        else "",
        "HN Resolved to Satisfaction": yn(c.satisfied),
        "Date Closed": closed_fmt(c.closed),
        "Tenancy End Date": datefmt(c.tenancy_end),
        "Legal Hold": yn(c.legal_hold),
    }
    for s in c.stages:
        p = f"S{s.number} "
        v[p + ("Escalation Date" if s.number == 2 else "Received")] = datefmt(s.received)
        v[p + "Acknowledged"] = datefmt(s.ack)
        v[p + "Handler"] = s.handler
        v[p + "Extension (WD)"] = str(s.ext_wd) if s.ext_wd else ""
        v[p + "Extension Reason"] = s.ext_reason
        v[p + "Extension Agreed"] = datefmt(s.ext_notified)
        v[p + "Response Date"] = datefmt(s.responded)
        v[p + "Outcome"] = H21_OUTCOME_LABEL[s.outcome]
        v[p + "Not Accepted"] = yn(s.refused)
        v[p + "Not Accepted Reason"] = s.refusal_reason
        v[p + "Compensation Offered"] = money(s.comp_offered, pound=True)
        v[p + "Compensation Paid"] = money(s.comp_paid, pound=True)
        v[p + "Remedy"] = s.remedy
    return v


# The monthly complaint survey's columns: written by the survey export and read by its mapping.
H21_SURVEY_COLUMNS = {
    "ref": "Event ID",
    "sent": "Survey Sent",
    "returned": "Survey Returned",
    "t": "Q1 Timeliness",
    "f": "Q2 Fair Process",
    "o": "Q3 Outcome",
}
