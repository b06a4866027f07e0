"""Extract what the product needs from the RSH Tenant Satisfaction Measures full-data workbook.

Reads the Regulator of Social Housing's published workbook (e.g. ``2025_TSM_Full_Data_v1.0_FINAL.xlsx``)
and writes small CSVs to ``data/rsh/<year>/``:

- ``data_dictionary.csv``: every field code of the workbook's Data Dictionary (table, code, column
  heading, datapoint, question reference).
- ``management_info.csv``: per landlord, CH01/CH02 numerators, denominators and published values, and
  the stage 1 / stage 2 "without extension" / "with extension" splits, for LCRA, LCHO and Combined.
- ``perception_tp09.csv``: per landlord and stock type (LCRA, LCHO, Combined), the TP09 filter and answer
  counts and the published TP09.
- ``landlords.csv``: per landlord, registration code, name, type, RSH group-size band, units owned
  (LCRA and LCHO, from the CH01 denominators), which tables hold data for it and whether the RSH
  excluded its perception or management information (the "... Not Included" sheets).

Columns are matched by the measure code in their titles, never by position: titles end with e.g.
"(CH01 1 Numerator)" (sometimes followed by a footnote number). Every derived field code is checked
against the Data Dictionary, so a renamed or moved column stops the script instead of shifting data.

Cells are written as the workbook shows them: numbers as numbers, and the RSH's markers kept apart
(``[X]`` left blank by the landlord, ``[U]`` zero denominator, ``[Z]`` not required, ``[E]`` excluded).
An empty cell is written as an empty string.

Usage::

    uv run python scripts/extract_rsh.py [WORKBOOK] [--year 2024-25] [--out data/rsh]
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from pathlib import Path

import openpyxl

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from pipeline.io import atomic_write_text  # noqa: E402

DEFAULT_WORKBOOK = Path("/work/shared/data/rsh/2025_TSM_Full_Data_v1.0_FINAL.xlsx")
DEFAULT_OUT = PROJECT_ROOT / "data" / "rsh"

# Sheet prefix per reporting year: the 2024/25 data is published as "TSM25_...".
STOCK_PREFIX = {"LCRA": "LCRA", "LCHO": "LCHO", "Combined": "COMB"}
# The product's stock-type codes (measures.breakdown_value) for the RSH's field-code suffixes.
STOCK_TYPE = {"LCRA": "lcra", "LCHO": "lcho", "COMB": "combined"}
PERCEPTION_SHEETS = {
    "LCRA": "LCRA_Perception",
    "LCHO": "LCHO_Perception",
    "COMB": "Combined_Perception",
}
ANSWERS = {
    "very satisfied": "VS",
    "fairly satisfied": "FS",
    "neither satisfied nor dissatisfied": "NSD",
    "fairly dissatisfied": "FD",
    "very dissatisfied": "VD",
}
MARKERS = {"[X]", "[U]", "[Z]", "[E]"}

MI_FIELDS = [
    f"{measure}_{stage}_{part}"
    for stage in (1, 2)
    for measure in ("CH01", "CH02")
    for part in ("Calculated_Value", "Numerator", "Denominator")
] + [f"Stg{stage}_comp_{kind}_Ext" for stage in (1, 2) for kind in ("without", "with")]
TP09_FIELDS = ["Filter_Yes", "Fiter_No", "VS", "FS", "NSD", "FD", "VD", "Satisfied_Calc"]


def _clean(title: object) -> str:
    """Heading text without non-breaking spaces, zero-width spaces and doubled spaces."""
    text = str(title or "").replace("\xa0", " ").replace("\u200b", "")
    return re.sub(r"\s+", " ", text).strip()


def _cell(value: object) -> object:
    """Cell value for the CSV: numbers stay numbers, RSH markers stay as written, None -> ''."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = value.strip()
        return text
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def read_data_dictionary(workbook) -> list[dict[str, str]]:
    """Rows of the Data Dictionary sheet: table, column heading, field code and references."""
    rows = list(workbook["Data Dictionary"].iter_rows(values_only=True))
    header_index = next(i for i, row in enumerate(rows) if row and row[0] == "Table")
    header = [_clean(c) for c in rows[header_index]]
    out = []
    for row in rows[header_index + 1 :]:
        if not row or row[0] is None:
            continue
        record = dict(zip(header, row, strict=False))
        out.append(
            {
                "table": _clean(record["Table"]),
                "field_code": _clean(record["Data Field Name"]),
                "column_heading": _clean(record["Column Heading"]),
                "datapoint": _clean(record["Survey_Datapoint"]),
                "question_ref": _clean(record["Survey_QuestionReference"]),
                "section": _clean(record["Survey_Section"]),
                "source": _clean(record["Source"]),
            }
        )
    return out


def _sheet_rows(workbook, sheet: str) -> tuple[list[str], list[tuple]]:
    """Header (the row whose first cell is 'Landlord name') and the landlord rows below it."""
    rows = list(workbook[sheet].iter_rows(values_only=True))
    header_index = next(
        i for i, row in enumerate(rows) if row and _clean(row[0]) == "Landlord name"
    )
    header = [_clean(c) for c in rows[header_index]]
    data = [row for row in rows[header_index + 1 :] if row and row[1] is not None]
    return header, data


# "(CH01 1 Numerator)", "(CH02 2)" possibly followed by a footnote number: the code in the title.
_CH_CODE = re.compile(r"\((CH0[12]) ([12])(?: (Numerator|Denominator))?\)\s*\d*\s*$")
_STOCK = re.compile(r"^(LCRA|LCHO|Combined) - ")
_STG = re.compile(r"stage (one|two) complaints.*(without|with) the use of the \d+ day extension")


def management_info_field(title: str) -> str | None:
    """The Data Dictionary field code of a TSM25_Management_Info column title, or None.

    Parameters
    ----------
    title : str
        Cleaned column title, e.g. ``"LCRA - ... (CH01 1 Numerator)"``.

    Returns
    -------
    str or None
        E.g. ``"CH01_1_Numerator_LCRA"``, ``"CH02_2_Calculated_Value_COMB"`` or
        ``"Stg1_comp_without_Ext_LCHO"``; None for columns the product does not use.
    """
    stock = _STOCK.match(title)
    if not stock:
        return None
    suffix = STOCK_PREFIX[stock.group(1)]
    code = _CH_CODE.search(title)
    if code:
        measure, stage, part = code.groups()
        return f"{measure}_{stage}_{part or 'Calculated_Value'}_{suffix}"
    stg = _STG.search(title)
    if stg:
        stage = 1 if stg.group(1) == "one" else 2
        return f"Stg{stage}_comp_{stg.group(2)}_Ext_{suffix}"
    return None


def perception_field(title: str, suffix: str) -> str | None:
    """The Data Dictionary field code of a TP09 column of a perception sheet, or None."""
    if "(TP09)" in title:
        lowered = title.lower()
        if lowered.startswith("proportion of respondents who report that they are satisfied"):
            return f"TP09_Satisfied_Calc_{suffix}"
        for words, code in ANSWERS.items():
            if lowered.startswith(f"number of respondents who report that they are {words} "):
                return f"TP09_{code}_{suffix}"
        return None
    if title.startswith("Number of respondents who report that they have made a complaint"):
        return f"TP09_Filter_Yes_{suffix}"
    if title.startswith("Number of respondents who report that they have not made a complaint"):
        return f"TP09_Fiter_No_{suffix}"
    return None


def _columns(header: list[str], field_of, known: set[str], sheet: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        code = field_of(title)
        if code is None:
            continue
        if code not in known:
            raise SystemExit(
                f"{sheet}: column '{title}' gives field {code}, not in the Data Dictionary"
            )
        if code in found:
            raise SystemExit(f"{sheet}: field {code} matched by two columns")
        found[code] = index
    return found


def _write_csv(path: Path, fieldnames: list[str], rows: list[dict]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_text(path, buffer.getvalue())


def extract(workbook_path: Path, year: str, out_dir: Path) -> dict[str, int]:
    """Read the workbook and write the CSVs; returns the number of rows written per file."""
    workbook = openpyxl.load_workbook(workbook_path, read_only=True, data_only=True)
    dictionary = read_data_dictionary(workbook)
    prefix = f"TSM{int(year[:4]) + 1 - 2000:02d}_"
    by_table: dict[str, set[str]] = {}
    for entry in dictionary:
        by_table.setdefault(entry["table"], set()).add(entry["field_code"])
    out_dir = out_dir / year
    counts = {}

    _write_csv(out_dir / "data_dictionary.csv", list(dictionary[0]), dictionary)
    counts["data_dictionary.csv"] = len(dictionary)

    # Management information: CH01 / CH02 per stock type.
    sheet = prefix + "Management_Info"
    header, rows = _sheet_rows(workbook, sheet)
    columns = _columns(header, management_info_field, by_table[sheet], sheet)
    expected = {f"{f}_{s}" for f in MI_FIELDS for s in STOCK_PREFIX.values()}
    missing = expected - set(columns)
    if missing:
        raise SystemExit(f"{sheet}: columns not found for {sorted(missing)}")
    notes_col = header.index("Any additional notes from RSH")
    mi_rows = []
    landlords: dict[str, dict] = {}
    for row in rows:
        code = _clean(row[1])
        for suffix in STOCK_PREFIX.values():
            record = {"landlord_code": code, "stock_type": STOCK_TYPE[suffix]}
            record.update({f: _cell(row[columns[f"{f}_{suffix}"]]) for f in MI_FIELDS})
            mi_rows.append(record)
        landlords[code] = {
            "landlord_code": code,
            "landlord_name": _clean(row[0]),
            "landlord_type": _clean(row[2]),
            "group_size_band": _clean(row[4]),
            "region": _clean(row[5]),
            "rsh_note": "yes" if _clean(row[notes_col]).lower() == "yes" else "no",
            "units_lcra": _cell(row[columns["CH01_1_Denominator_LCRA"]]),
            "units_lcho": _cell(row[columns["CH01_1_Denominator_LCHO"]]),
            "units_comb": _cell(row[columns["CH01_1_Denominator_COMB"]]),
        }
    _write_csv(
        out_dir / "management_info.csv", ["landlord_code", "stock_type", *MI_FIELDS], mi_rows
    )
    counts["management_info.csv"] = len(mi_rows)

    # Perception: TP09 per stock type, each from its own sheet.
    tp_rows = []
    perception_cover: dict[str, set[str]] = {}
    for suffix, name in PERCEPTION_SHEETS.items():
        sheet = prefix + name
        header, rows = _sheet_rows(workbook, sheet)
        columns = _columns(
            header, lambda t, s=suffix: perception_field(t, s), by_table[sheet], sheet
        )
        missing = {f"TP09_{f}_{suffix}" for f in TP09_FIELDS} - set(columns)
        if missing:
            raise SystemExit(f"{sheet}: columns not found for {sorted(missing)}")
        population = next(
            i for i, t in enumerate(header) if t.startswith("Relevant tenant population")
        )
        for row in rows:
            code = _clean(row[1])
            perception_cover.setdefault(code, set()).add(STOCK_TYPE[suffix])
            record = {
                "landlord_code": code,
                "stock_type": STOCK_TYPE[suffix],
                "relevant_population": _cell(row[population]),
            }
            record.update({f: _cell(row[columns[f"TP09_{f}_{suffix}"]]) for f in TP09_FIELDS})
            tp_rows.append(record)
            if code not in landlords:  # perception data but no management information row
                landlords[code] = {
                    "landlord_code": code,
                    "landlord_name": _clean(row[0]),
                    "landlord_type": _clean(row[2]),
                    "group_size_band": _clean(row[4]),
                    "region": _clean(row[5]),
                    "rsh_note": "",
                    "units_lcra": "",
                    "units_lcho": "",
                    "units_comb": "",
                }
    _write_csv(
        out_dir / "perception_tp09.csv",
        ["landlord_code", "stock_type", "relevant_population", *TP09_FIELDS],
        tp_rows,
    )
    counts["perception_tp09.csv"] = len(tp_rows)

    # Landlords whose data the RSH left out of the tables (perception or management information).
    excluded = {
        kind: {_clean(row[1]) for row in _sheet_rows(workbook, prefix + sheet)[1]}
        for kind, sheet in (
            ("perception", "Perception_Not_Inc"),
            ("management_info", "Man_Info_Not_Inc"),
        )
    }
    mi_codes = {r["landlord_code"] for r in mi_rows}
    landlord_rows = []
    for code, record in sorted(landlords.items(), key=lambda kv: kv[1]["landlord_name"]):
        record["has_management_info"] = "yes" if code in mi_codes else "no"
        record["perception_stock_types"] = ";".join(sorted(perception_cover.get(code, set())))
        record["perception_excluded_by_rsh"] = "yes" if code in excluded["perception"] else "no"
        record["management_info_excluded_by_rsh"] = (
            "yes" if code in excluded["management_info"] else "no"
        )
        landlord_rows.append(record)
    _write_csv(out_dir / "landlords.csv", list(landlord_rows[0]), landlord_rows)
    counts["landlords.csv"] = len(landlord_rows)
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workbook", nargs="?", type=Path, default=DEFAULT_WORKBOOK)
    parser.add_argument("--year", default="2024-25", help="reporting year of the workbook")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    for name, count in extract(args.workbook, args.year, args.out).items():
        print(f"{args.out / args.year / name}: {count} rows")


if __name__ == "__main__":
    main()
