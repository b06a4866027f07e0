"""The small specialist landlord's HomeMaster report: schemes, categories, labels, columns and the
XLSX writer (title rows, header on row 5, totals row).
"""

from __future__ import annotations

import datetime as dt

import xlsxwriter

from .dates import DATA_CUT, excel_serial
from .simulation import Category, Complaint
from .workspace import Row, Workspace, yn

SS_SCHEMES = [
    "Abbey Mews",
    "Beacon House",
    "Bridge Court",
    "Chantry Close",
    "Linden Lodge",
    "Priory Gardens",
]
SS_EXTRA = ["Harbour View (Extra Care)", "St Hilda's Court (Extra Care)"]
SS_ADDENDUM = dt.date(2026, 3, 8)
SS_CATEGORIES = [
    Category("Repairs", "repairs", "repairs", 30, 1.25),
    Category("Damp & Mould", "repairs", "damp", 8, 1.5),
    Category("Communal Heating / Hot Water", "heat_network", "heat", 8, 1.8),
    Category("Staff Attitude", "housing", "staff", 9),
    Category("Communication", "housing", "communication", 12),
    Category("Service Charges", "housing", "charges", 9),
    Category("ASB Case Handling", "asb_handling", "asb_handling", 5),
    Category("Support Services", "other", "care", 7),
    Category("Grounds & Cleaning", "housing", "other", 6, 0.7),
]
SS_TENURE = {
    "lcra": "General Needs Rent",
    "lcho": "Shared Ownership",
    "leaseholder": "Leaseholder",
    "other": "Licence",
    "unknown": "",
}
SS_CHANNEL = {
    "phone": "Telephone",
    "email": "E-mail",
    "letter": "Letter",
    "web": "Website",
    "in_person": "In Person",
    "social_media": "Social Media",
}
SS_OUTCOME = {
    "upheld": "Upheld",
    "partially_upheld": "Partially Upheld",
    "not_upheld": "Not Upheld",
    "withdrawn": "Withdrawn",
    "discontinued": "Legal Proceedings",
    "open": "",
    "not_accepted": "",
}
SS_HEADER = [
    "Case Ref",
    "Case Type",
    "Logged Date",
    "Scheme",
    "Category",
    "Source",
    "Tenancy Type",
    "Anonymous",
    "Vulnerable Customer",
    "Adjustments Requested",
    "Adjustments Provided",
    "Customer Name",
    "Address",
    "Tel",
    "Email",
    "Details",
    "Stage 1 Acknowledged",
    "Stage 1 Officer",
    "Stage 1 Extension Days",
    "Stage 1 Extension Reason",
    "Stage 1 Extension Letter",
    "Stage 1 Response",
    "Stage 1 Outcome",
    "Stage 1 Rejected",
    "Stage 1 Rejection Reason",
    "Stage 1 Compensation Offered",
    "Stage 1 Compensation Paid",
    "Stage 1 Remedy",
    "Stage 2 Requested",
    "Stage 2 Acknowledged",
    "Stage 2 Officer",
    "Stage 2 Extension Days",
    "Stage 2 Extension Reason",
    "Stage 2 Extension Letter",
    "Stage 2 Response",
    "Stage 2 Outcome",
    "Stage 2 Rejected",
    "Stage 2 Rejection Reason",
    "Stage 2 Compensation Offered",
    "Stage 2 Compensation Paid",
    "Stage 2 Remedy",
    "Deadlock Letter",
    "Energy Ombudsman Notified",
    "Energy Ombudsman Referral",
    "Resolved To Satisfaction",
    "Closed",
    "Tenancy Ended",
    "Legal Hold",
]


def ss_row(c: Complaint) -> dict:
    """One HomeMaster row; dates stay dates (written as date cells), "Closed" as a serial number."""
    v = {
        "Case Ref": c.ref,
        "Case Type": "Complaint",
        "Logged Date": c.received,
        "Scheme": c.scheme,
        "Category": c.category.label,
        "Source": SS_CHANNEL[c.channel],
        "Tenancy Type": SS_TENURE[c.tenure],
        "Anonymous": yn(c.anonymous, "Yes", "No"),
        "Vulnerable Customer": yn(c.vulnerability, "Yes", "No"),
        "Adjustments Requested": yn(c.adj_requested, "Yes", "No"),
        "Adjustments Provided": yn(c.adj_made, "Yes", "No"),
        "Customer Name": "" if c.anonymous else c.person.name,
        "Address": "" if c.anonymous else c.person.address,
        "Tel": "" if c.anonymous else c.person.phone,
        "Email": "" if c.anonymous else c.person.email,
        "Details": c.description,
        "Deadlock Letter": c.deadlock,
        "Energy Ombudsman Notified": c.eo_notified,
        "Energy Ombudsman Referral": yn(c.eo_referred, "Yes", "No")
        if c.category.service_area == "heat_network"
        else None,
        "Resolved To Satisfaction": yn(c.satisfied, "Yes", "No"),
        "Closed": excel_serial(c.closed) if c.closed else None,
        "Tenancy Ended": c.tenancy_end,
        "Legal Hold": yn(c.legal_hold, "Yes", "No"),
    }
    for s in c.stages:
        p = f"Stage {s.number} "
        if s.number == 2:
            v["Stage 2 Requested"] = s.received
        v[p + "Acknowledged"] = s.ack
        v[p + "Officer"] = s.handler
        v[p + "Extension Days"] = s.ext_wd or None
        v[p + "Extension Reason"] = s.ext_reason
        v[p + "Extension Letter"] = s.ext_notified
        v[p + "Response"] = s.responded
        v[p + "Outcome"] = SS_OUTCOME[s.outcome]
        v[p + "Rejected"] = yn(s.refused, "Yes", "No")
        v[p + "Rejection Reason"] = s.refusal_reason
        v[p + "Compensation Offered"] = s.comp_offered
        v[p + "Compensation Paid"] = s.comp_paid
        v[p + "Remedy"] = s.remedy
    return v


def write_homemaster_xlsx(ws: Workspace, rel: str, year: str, rows: list[Row], org: str) -> None:
    """A HomeMaster report: title in merged cells (rows 1-3), header on row 5, totals at the bottom."""
    path = ws.path(rel)
    book = xlsxwriter.Workbook(str(path), {"in_memory": True})
    book.set_properties(
        {
            "title": "Complaints Performance Report",
            "author": "HomeMaster",
            "created": dt.datetime(2026, 4, 30, 7, 0),
        }
    )
    sheet = book.add_worksheet("Complaints")
    title = book.add_format({"bold": True, "font_size": 14})
    bold = book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
    date_cell = book.add_format({"num_format": "dd/mm/yyyy"})
    money_cell = book.add_format({"num_format": "£#,##0.00"})
    last_col = len(SS_HEADER) - 1
    first = int(year[:4])
    end = min(dt.date(first + 1, 3, 31), DATA_CUT) if year != "2025-26" else DATA_CUT
    sheet.merge_range(
        0, 0, 0, last_col, "HomeMaster Case Management - Complaints Performance Report", title
    )
    sheet.merge_range(
        1, 0, 1, last_col, f"{org} | Case type: Complaint | Period: 01/04/{first} to {end:%d/%m/%Y}"
    )
    sheet.merge_range(
        2,
        0,
        2,
        last_col,
        "Run by: HMREPORTS | Run date: 30/04/2026 07:00 | Confidential - contains personal data",
    )
    for col, name in enumerate(SS_HEADER):
        sheet.write_string(4, col, name, bold)
    for r, row in enumerate(rows):
        excel_row = 5 + r
        for col, name in enumerate(SS_HEADER):
            value = row.values.get(name)
            if value is None or value == "":
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(
                    excel_row, col, dt.datetime.combine(value, dt.time()), date_cell
                )
            elif isinstance(value, float):
                sheet.write_number(excel_row, col, value, money_cell)
            elif isinstance(value, int):
                sheet.write_number(excel_row, col, value)
            else:
                sheet.write_string(excel_row, col, str(value))
        ws.plant(row.values)
        for rule in row.rules:
            ws.expected.append((rel, excel_row + 1, rule, row.note))
    total_row = 5 + len(rows)
    sheet.write_string(total_row, 0, f"Total cases: {len(rows)}", bold)
    sheet.write_string(total_row, 2, "", bold)
    sheet.set_column(0, last_col, 16)
    book.close()
