"""Regulators' returns: the RSH TSM return (CH01, CH02, TP09) and the SHR ARC complaint indicators.

Every figure comes from the ``measures`` table (docs/measures.md): a figure is computed once, by
``pipeline.measures.compute_measures``, and this module only lays it out.

**Fields per edition.** The TSM return's fields are those of the report year's RSH Data Dictionary
(``data/rsh/<year>/data_dictionary.csv``, ``complaints rsh add``): a 2023-24 return has no
with/without-extension split because the 2023/24 dictionary has none; a code that is not in the
dictionary cannot be written. When the year's edition is not extracted, the latest earlier one
is used, else the earliest later one, and the return's first line says which edition's fields it
carries. A complaint field of the dictionary that the product does not compute (a later edition's
new field) is listed, blank, and marked so, for the landlord to fill in.

Files are written atomically (``pipeline.io.atomic_write_bytes``) and every text cell goes through
``pipeline.io.safe_cell`` so nothing from a landlord's configuration can run as a spreadsheet formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import duckdb
import xlsxwriter

from pipeline.config import Landlord
from pipeline.contact_details import tsm_summary
from pipeline.io import atomic_write_bytes, safe_cell
from pipeline.measures import resolve_data_cut
from pipeline.periods import ReportingYear, to_data_cut
from pipeline.rounding import round_half_up
from pipeline.rsh.editions import dictionary_year_for, edition
from pipeline.rsh.fields import MI_FAMILY, TP09_FAMILY, stock_codes

# RSH field-code suffix -> the measures table's stock_type breakdown value.
STOCK_SUFFIX = {"LCRA": "lcra", "LCHO": "lcho", "COMB": "combined"}
# RSH TP09 answer codes -> the weighted-count measures of docs/measures.md. The RSH publishes the
# weighted counts where a landlord weights its survey (hence decimals), so the weighted ones are used.
TP09_ANSWERS = {
    "VS": "TP09_w_very_satisfied",
    "FS": "TP09_w_fairly_satisfied",
    "NSD": "TP09_w_neither",
    "FD": "TP09_w_fairly_dissatisfied",
    "VD": "TP09_w_very_dissatisfied",
}
# The filter question's respondents first, then the answers, in the workbook's order (the RSH's
# own code for the "no" count is spelled "Fiter").
TP09_COUNTS = {
    "TP09_Filter_Yes": "TP09_complained_yes",
    "TP09_Fiter_No": "TP09_complained_no",
    **{f"TP09_{code}": measure for code, measure in TP09_ANSWERS.items()},
}
CSV_COLUMNS = ["section", "field_code", "datapoint", "description", "value"]


@dataclass(frozen=True)
class ReturnField:
    """One line of a return: what the regulator's field is and the value we report."""

    section: str
    field_code: str
    datapoint: str
    description: str
    value: int | float | str | None  # number, '[U]' for a zero denominator, None when not reported

    def text(self) -> str:
        """The value as the CSV shows it (rates to 1 dp, counts as integers, '' when not reported)."""
        if self.value is None:
            return ""
        if isinstance(self.value, float):
            return f"{self.value:.1f}"
        return str(self.value)


NOT_COMPUTED = "Not computed by this product; fill in from your records: "


def return_dictionary(year: str) -> tuple[str, dict[str, dict[str, str]]]:
    """The edition whose Data Dictionary a ``year`` return uses, and its field code -> row.

    Only the complaint fields (``CH..``, ``Stg.._comp_..`` and ``TP09_..`` codes), in the
    dictionary's order; one listed once without its stock suffix (``CH01_1_Numerator``, an
    edition laid out one row per landlord and stock type) as the field of each stock type.
    """
    used = dictionary_year_for(year)
    rows = edition(used).read("data_dictionary.csv")
    out: dict[str, dict[str, str]] = {}
    for r in rows.iter_rows(named=True):
        # a field the edition lists once for every stock type (one row per landlord and stock
        # type) is the return's field of each stock type, with the edition's datapoint
        for code in stock_codes(r["field_code"] or "", r["table"] or ""):
            if MI_FAMILY.match(code) or TP09_FAMILY.match(code):
                out.setdefault(code, {**r, "field_code": code})
    return used, out


def _edition_line(year: str, used: str) -> ReturnField:
    label, used_label = ReportingYear.parse(year).label, ReportingYear.parse(used).label
    text = f"Field codes and datapoints: RSH Data Dictionary, {used_label} edition"
    if used != ReportingYear.parse(year).key:
        text += (
            f" (no {label} edition has been added, so these are the fields of the nearest one; "
            f"check them against the {label} return form, or add that edition with "
            "'complaints rsh add')"
        )
    return ReturnField("About this return", "", "", text, used_label)


def _year_measures(con: duckdb.DuckDBPyConnection, landlord_id: str, period: str) -> dict:
    """(measure, breakdown_value, view) -> row of the landlord's year measures."""
    rows = con.execute(
        """
        select measure, breakdown, breakdown_value, view, numerator, denominator, value, display
        from measures
        where landlord_id = $landlord and period_kind = 'year' and period = $period
          and breakdown in ('stock_type', 'none')
        """,
        {"landlord": landlord_id, "period": period},
    ).fetchall()
    keys = ("measure", "breakdown", "breakdown_value", "view")
    names = (*keys, "numerator", "denominator", "value", "display")
    return {(r[0], r[2], r[3]): dict(zip(names, r, strict=True)) for r in rows}


def _count(number: float | None) -> int | float | None:
    """A count as published: whole numbers as int, weighted counts half up to 1 dp."""
    if number is None:
        return None
    if float(number).is_integer():
        return int(number)
    return round_half_up(number, 1)


def _rate(row: dict | None) -> float | str | None:
    """A published rate from its measures row: the display figure, or '[U]' for no denominator."""
    if row is None:
        return None
    if row["value"] is None:
        return "[U]"
    return float(row["display"])


def reported_stock_types(found: dict) -> set[str]:
    """Stock types the return reports, from the English units owned (``stock_units``).

    The RSH's practice, as its 2024/25 data shows: LCHO is reported on its own when the landlord
    owns 1,000 or more LCHO homes (every separate LCHO filer does; one of them reports its 971 LCRA
    homes separately too); a landlord with 1,000+ LCRA homes and fewer LCHO homes reports LCRA only;
    a landlord with under 1,000 of each reports Combined (its two Combined filers;
    design.md section 6, "combined when lcho < 1,000 homes"). Fields of a stock type not reported
    are left blank, never 0.
    """

    def units(stock: str) -> float:
        row = found.get(("stock_units", stock, "all"))
        if row is not None:
            return float(row["numerator"] or 0)
        row = found.get(("CH01_1", stock, "regulator"))
        return float(row["denominator"] or 0) if row is not None else 0.0

    lcra, lcho = units("lcra"), units("lcho")
    if lcho >= 1000:
        return {"lcra", "lcho"} if lcra > 0 else {"lcho"}
    if lcra >= 1000:
        return {"lcra"}
    return {"combined"} if lcra + lcho > 0 else set()


def after_cut_note(landlord: Landlord, period: ReportingYear) -> str | None:
    """Why a year that begins after the data cut has no figures, and what to do; None for any
    other year.

    The exports hold nothing after the cut (later dates are quarantined) and such a year has no
    measures rows, so its fields are blank: a file read on its own must say why, or a blank
    return could be taken for a year with no complaints.
    """
    cut = resolve_data_cut(landlord)
    if period.start <= cut:
        return None
    return (
        f"{period.label} begins after the data cut ({cut:%-d %B %Y}), so the exports hold "
        f"nothing in it. Load exports taken after {period.end:%-d %B %Y} and set data_cut_date "
        "in landlord.yaml to the date they were taken"
    )


def in_progress_note(landlord: Landlord, period: ReportingYear) -> str | None:
    """Why a year the data cut falls in gets no annual document or return yet; None for any
    other year.

    Its exports reach only to the cut, so an annual report or a return would describe part of
    the year as the whole (a month's complaints "in 2026/27", read as a fall on the year before).
    Its measures and data-quality report are written, for its committee packs.
    """
    cut = resolve_data_cut(landlord)
    if not period.start <= cut < period.end:
        return None
    text = (
        f"{period.key} is in progress at the data cut ({cut:%-d %B %Y}): its measures and "
        "data-quality report are written for its committee packs; its annual report, "
        f"self-assessment and returns are written once exports taken after {period.end:%-d %B %Y} "
        "are loaded and data_cut_date in landlord.yaml is set to the date they were taken"
    )
    stock_end = landlord.stock_year_end_for(period.start, period.end, cut)
    if stock_end is not None and stock_end < period.end:
        text += (
            f"; rates per 1,000 homes use the homes owned at {stock_end:%-d %B %Y}, the latest "
            f"count (add the count at {period.end:%-d %B %Y} to landlord.yaml once it is taken)"
        )
    return text


def tsm_return_fields(
    con: duckdb.DuckDBPyConnection, landlord: Landlord, year: str | ReportingYear
) -> list[ReturnField]:
    """The RSH TSM return's complaint fields for one landlord and year, from ``measures``.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The landlord's DuckDB with the ``measures`` table filled for the year.
    landlord : Landlord
        The landlord's configuration (id and summary of approach).
    year : str or ReportingYear
        Reporting year, e.g. ``"2024-25"``.

    Returns
    -------
    list[ReturnField]
        Per stock type (LCRA, LCHO, COMB): CH01 and CH02 stage 1 and 2 (calculated value, numerator,
        denominator), the Stg1/Stg2 without/with extension splits and TP09 (five answer counts and
        ``TP09_Satisfied_Calc``); then the summary of approach. Stock types the landlord does not
        report (:func:`reported_stock_types`) are left blank (value None); a zero denominator
        gives ``[U]``.
    """
    period = year if isinstance(year, ReportingYear) else ReportingYear.parse(year)
    found = _year_measures(con, landlord.landlord_id, period.key)
    reported = reported_stock_types(found)
    used, dictionary = return_dictionary(period.key)

    def get(measure: str, stock: str) -> dict | None:
        if stock not in reported:
            return None
        return found.get((measure, stock, "regulator"))

    fields: list[ReturnField] = [
        _edition_line(period.key, used),
        # whose return and which year, so a file read on its own says both
        ReturnField("About this return", "", "", "Landlord", landlord.name),
        ReturnField(
            "About this return",
            "",
            "",
            "RSH registration number",
            landlord.rsh_registration or "not given in landlord.yaml",
        ),
        # a year the data cut falls in holds only the weeks to the cut: never read as the year
        ReturnField(
            "About this return",
            "",
            "",
            "Reporting year",
            to_data_cut(period, resolve_data_cut(landlord)).label,
        ),
        ReturnField(
            "About this return",
            "",
            "",
            "Data taken from the case system on",
            f"{resolve_data_cut(landlord):%-d %B %Y}",
        ),
    ]
    if (note := after_cut_note(landlord, period)) is not None:
        fields.append(ReturnField("About this return", "", "", "Figures", f"none: {note}"))
    for suffix, stock in STOCK_SUFFIX.items():
        values = _stock_values(get, stock)
        for section, family in (
            (f"Management information ({suffix})", MI_FAMILY),
            (f"Tenant perception: TP09 ({suffix})", TP09_FAMILY),
        ):
            known = [code for code in values if family.match(f"{code}_{suffix}")]
            for code in known:
                entry = dictionary.get(f"{code}_{suffix}")
                if entry is not None:  # a field this edition has
                    fields.append(
                        ReturnField(
                            section,
                            entry["field_code"],
                            entry["datapoint"],
                            entry["column_heading"],
                            values[code],
                        )
                    )
            for entry in dictionary.values():
                parts = family.match(entry["field_code"])
                code = entry["field_code"].rsplit("_", 1)[0]
                if parts and parts.group("suffix") == suffix and code not in values:
                    fields.append(
                        ReturnField(
                            section,
                            entry["field_code"],
                            entry["datapoint"],
                            NOT_COMPUTED + entry["column_heading"],
                            None,
                        )
                    )
    fields.append(
        ReturnField(
            "Summary of approach",
            "",
            "",
            "Summary of approach to the TSMs (landlord.yaml tsm_summary_of_approach)",
            tsm_summary(landlord)[0],
        )
    )
    return fields


def _stock_values(get, stock: str) -> dict[str, int | float | str | None]:
    """Field code without its stock suffix -> value, for every field the product computes.

    In the order of the RSH form: per stage CH01 and CH02 (published value, numerator,
    denominator) and the extension split, then TP09's filter and answer counts and TP09 itself.
    """
    values: dict[str, int | float | str | None] = {}
    for stage in (1, 2):
        for measure in (f"CH01_{stage}", f"CH02_{stage}"):
            row = get(measure, stock)
            values[f"{measure}_Calculated_Value"] = _rate(row)
            values[f"{measure}_Numerator"] = _count(row["numerator"]) if row else None
            values[f"{measure}_Denominator"] = _count(row["denominator"]) if row else None
        for kind in ("without", "with"):
            row = get(f"CH02_{stage}_{kind}_ext", stock)
            values[f"Stg{stage}_comp_{kind}_Ext"] = _count(row["value"]) if row else None
    for code, measure in TP09_COUNTS.items():
        row = get(measure, stock)
        values[code] = _count(row["value"]) if row else None
    values["TP09_Satisfied_Calc"] = _rate(get("TP09", stock))
    return values


def _csv_bytes(columns: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([[safe_cell(cell) for cell in row] for row in rows])
    # UTF-8 with BOM: Excel then reads the pound signs and curly quotes of descriptions correctly.
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_created(year: ReportingYear) -> dt.datetime:
    """The fixed creation time written into a year's workbooks: midnight after the year's end.

    xlsxwriter stamps ``docProps/core.xml`` (created and modified) with the time of writing unless
    told otherwise; its zip entries already carry a fixed 1980 date. With this the same inputs give
    byte-identical workbooks, so a rerun's file hashes (manifest.json) do not change.
    """
    return dt.datetime.combine(year.end + dt.timedelta(days=1), dt.time())


def _xlsx_bytes(
    sheets: dict[str, tuple[list[str], list[list]]],
    widths: dict[int, int],
    created: dt.datetime,
) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    workbook.set_properties({"created": created})
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    for name, (columns, rows) in sheets.items():
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, columns, bold)
        for r, row in enumerate(rows, start=1):
            for c, cell in enumerate(row):
                if cell is None:
                    continue
                if isinstance(cell, (int, float)):
                    sheet.write_number(r, c, cell)
                else:
                    sheet.write_string(r, c, safe_cell(str(cell)))
        for c, width in widths.items():
            if c < len(columns):
                sheet.set_column(c, c, width, wrap if width > 60 else None)
        sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def write_tsm_return(
    con: duckdb.DuckDBPyConnection,
    landlord: Landlord,
    year: str | ReportingYear,
    out_dir: Path,
) -> list[Path]:
    """Write ``tsm_return.csv`` and ``tsm_return.xlsx`` for one landlord and year.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The landlord's DuckDB, with ``measures`` computed for the year.
    landlord : Landlord
        Its configuration.
    year : str or ReportingYear
        Reporting year.
    out_dir : pathlib.Path
        Folder for the files (created if needed), e.g. ``output/<landlord>/<year>/``.

    Returns
    -------
    list[pathlib.Path]
        The CSV and the XLSX. Both hold the same lines (see :func:`tsm_return_fields`): columns
        section, field_code (RSH Data Dictionary), datapoint (DP_TSML...), description, value.
        The XLSX writes numbers as numbers and the summary of approach on its own sheet too.
        None (``[]``) for a landlord with no English stock (regime ``eng``).
    """
    if "eng" not in landlord.regimes:  # the TSMs are England's: Scottish homes are in the ARC
        return []
    fields = tsm_return_fields(con, landlord, year)
    out_dir = Path(out_dir)
    csv_rows = [[f.section, f.field_code, f.datapoint, f.description, f.text()] for f in fields]
    xlsx_rows = [[f.section, f.field_code, f.datapoint, f.description, f.value] for f in fields]
    summary = ["Summary of approach"], [[tsm_summary(landlord)[0]]]
    paths = [
        atomic_write_bytes(out_dir / "tsm_return.csv", _csv_bytes(CSV_COLUMNS, csv_rows)),
        atomic_write_bytes(
            out_dir / "tsm_return.xlsx",
            _xlsx_bytes(
                {"TSM return": (CSV_COLUMNS, xlsx_rows), "Summary of approach": summary},
                {0: 34, 1: 30, 2: 12, 3: 70, 4: 14},
                xlsx_created(ReportingYear.parse(year) if isinstance(year, str) else year),
            ),
        ),
    ]
    return paths


ARC_COLUMNS = ["indicator", "stage", "field", "description", "value"]


def arc_return_fields(
    con: duckdb.DuckDBPyConnection, landlord: Landlord, year: str | ReportingYear
) -> list[list]:
    """The Scottish Housing Regulator's ARC complaint lines (indicators 3 and 4) from ``measures``.

    Per stage (1, 2): complaints received in the year (the ARC_3 denominator), responded to in full
    (its numerator), the percentage responded to in full (indicator 3), those responded to within the
    SPSO timescales, the total and the mean working days to a full response (indicator 4).
    Rows are ``[indicator, stage, field, description, value]``; a zero denominator gives ``[U]``.
    """
    period = year if isinstance(year, ReportingYear) else ReportingYear.parse(year)
    found = _year_measures(con, landlord.landlord_id, period.key)
    rows = []
    for stage in (1, 2):
        arc3 = found.get((f"ARC_3_{stage}", "all", "regulator"))
        in_time = found.get((f"ARC_3_in_time_{stage}", "all", "regulator"))
        arc4 = found.get((f"ARC_4_{stage}", "all", "regulator"))
        rows += [
            [
                "3",
                stage,
                "complaints_received",
                f"Stage {stage} complaints received in the reporting year (Scottish stock)",
                _count(arc3["denominator"]) if arc3 else 0,
            ],
            [
                "3",
                stage,
                "responded_in_full",
                f"Stage {stage} complaints responded to in full",
                _count(arc3["numerator"]) if arc3 else 0,
            ],
            [
                "3",
                stage,
                "percent_responded_in_full",
                f"Percentage of stage {stage} complaints responded to in full",
                _rate(arc3) if arc3 else "[U]",
            ],
            [
                "3",
                stage,
                "responded_within_spso_timescales",
                f"Stage {stage} complaints responded to in full within the SPSO timescales",
                _count(in_time["numerator"]) if in_time else 0,
            ],
            [
                "4",
                stage,
                "total_working_days",
                f"Total working days to a full response at stage {stage}",
                _count(arc4["numerator"]) if arc4 else 0,
            ],
            [
                "4",
                stage,
                "mean_working_days",
                f"Average working days to a full response at stage {stage}",
                _rate(arc4) if arc4 else "[U]",
            ],
        ]
    return rows


def write_arc_return(
    con: duckdb.DuckDBPyConnection,
    landlord: Landlord,
    year: str | ReportingYear,
    out_dir: Path,
) -> list[Path]:
    """Write ``arc_return.csv`` (SHR ARC indicators 3 and 4) when the landlord has Scottish stock.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The landlord's DuckDB, with ``measures`` computed for the year.
    landlord : Landlord
        Its configuration; nothing is written unless ``"sct"`` is one of its regimes.
    year : str or ReportingYear
        Reporting year.
    out_dir : pathlib.Path
        Folder for the file.

    Returns
    -------
    list[pathlib.Path]
        ``[out_dir / "arc_return.csv"]``, or ``[]`` for a landlord without Scottish stock.
    """
    if "sct" not in landlord.regimes:
        return []
    rows = arc_return_fields(con, landlord, year)
    period = year if isinstance(year, ReportingYear) else ReportingYear.parse(year)
    # whose return and which year, as the TSM return's "About this return" lines
    about = [
        ["", "", "landlord", "Landlord", landlord.name],
        [
            "",
            "",
            "reporting_year",
            "Reporting year (1 April to 31 March)",
            to_data_cut(period, resolve_data_cut(landlord)).label,
        ],
        [
            "",
            "",
            "data_cut",
            "Data taken from the case system on",
            f"{resolve_data_cut(landlord):%-d %B %Y}",
        ],
    ]
    if (note := after_cut_note(landlord, period)) is not None:
        about.append(["", "", "figures", "Figures", f"none: {note}"])
    text_rows = about + [[*row[:4], ReturnField("", "", "", "", row[4]).text()] for row in rows]
    return [
        atomic_write_bytes(Path(out_dir) / "arc_return.csv", _csv_bytes(ARC_COLUMNS, text_rows))
    ]


__all__ = [
    "ReturnField",
    "after_cut_note",
    "arc_return_fields",
    "reported_stock_types",
    "tsm_return_fields",
    "write_arc_return",
    "write_tsm_return",
]
