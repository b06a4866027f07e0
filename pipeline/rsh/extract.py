"""Extract one edition of the RSH TSM full-data workbook to ``data/rsh/<year>/``.

Writes, all or nothing (into a temporary folder renamed into place at the end):

- ``data_dictionary.csv``: every Data Dictionary row (table, field_code, column_heading, datapoint,
  question_ref, section, source), datapoint and question reference put back where the edition
  swapped them;
- ``management_info.csv``: per landlord and stock type (lcra, lcho, combined), the complaint fields
  of the management information that this edition has (CH01/CH02 published value, numerator and
  denominator, and from 2024/25 the with/without-extension split; a later edition's new
  ``CH..``/``Stg..`` field too), without the stock suffix;
- ``perception_tp09.csv``: per landlord and stock type with a perception row, the relevant tenant
  population and the TP09 fields (filter counts, answer counts, published TP09);
- ``landlords.csv``: per landlord, code, name, type, group-size band, region, RSH note, units owned
  (the CH01 stage 1 denominators), coverage and whether the RSH excluded its data;
- ``edition.json``: what was read and measured: the workbook (name, SHA-256, release), the sheets
  and header rows found, the dictionary's columns and rows put back, the fields present and absent,
  how the edition prints a blank input, the published precision per measure and stock type, and the
  consistency checks (every published value recomputed from its numerator and denominator).

A field the edition does not have is absent from the files (not an error); a field the dictionary
lists whose column cannot be found, two columns claiming one field, or published values that do not
follow from their numerators and denominators stop the extract with a message naming the sheet and
field, and nothing is written.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from pipeline.periods import ReportingYear
from pipeline.rounding import round_half_up
from pipeline.rsh.codes import LandlordCodes
from pipeline.rsh.fields import (
    MI_FAMILY,
    MI_FIELDS,
    STOCK_TYPE,
    TP09_FAMILY,
    TP09_FIELDS,
    family_base,
    management_info_field,
    ordered_bases,
    perception_field,
    stock_codes,
)
from pipeline.rsh.publish import csv_text as _csv_text
from pipeline.rsh.publish import publish as _publish
from pipeline.rsh.rows import data_rows as _data_rows
from pipeline.rsh.rows import field_columns as _field_columns
from pipeline.rsh.rows import landlord_code as _code
from pipeline.rsh.rows import landlord_record as _landlord
from pipeline.rsh.rows import population_column as _population_column
from pipeline.rsh.rows import row_stock as _row_stock
from pipeline.rsh.rows import unique_rows as _unique_rows
from pipeline.rsh.tables import (
    row_year,
    sheet_for_table,
    stock_column,
    stock_group_titles,
    year_column,
)
from pipeline.rsh.values import (
    MAX_MISMATCH_SHARE,
    parse_markers,
)
from pipeline.rsh.values import as_number as _number
from pipeline.rsh.values import check as _check
from pipeline.rsh.values import checked_value as _checked_value
from pipeline.rsh.values import decimals as _decimals
from pipeline.rsh.values import in_range as _in_range
from pipeline.rsh.values import one_scale as _one_scale
from pipeline.rsh.workbook import (
    DICTIONARY_COLUMNS,
    Dictionary,
    Sheet,
    WorkbookError,
    blank_marker_in_notes,
    cell,
    field_code_row,
    find_landlord_header,
    landlord_column,
    load_sheets,
    parse_year,
    read_dictionary,
    release_note,
    stated_years,
    validate_references,
    year_of_sheets,
)

FILES = (
    "data_dictionary.csv",
    "management_info.csv",
    "perception_tp09.csv",
    "landlords.csv",
    "edition.json",
)
LICENCE = "Open Government Licence v3.0"
SCALE = {"CH01": 1000.0, "CH02": 100.0}
# A list of the landlords whose data the RSH left out, as an edition may name or title it
# ("TSM25_Perception_Not_Inc", "... Not Included", "... excluded", "... omitted from the analysis").
_LEFT_OUT = re.compile(r"not[ _]inc|excluded|omitted|removed|withheld|not (?:published|shown)")


class _Extract:
    """One workbook being read; :meth:`run` returns the files to write, ``edition`` what was found."""

    def __init__(self, path: Path, year: str | None, markers: dict[str, str] | None = None) -> None:
        self.path = Path(path)
        given = parse_year(year) if year is not None else None  # before reading the workbook
        self.markers_given = parse_markers(markers or {})
        self.sheets = load_sheets(self.path)
        self.dictionary: Dictionary = read_dictionary(self.sheets)
        for sheet in self.sheets:  # a two-row header naming the stock type once, above
            if sheet is not self.dictionary.sheet:
                stock_group_titles(sheet)
        for family in (MI_FAMILY, TP09_FAMILY):
            validate_references(self.dictionary, family)
        found_year = year_of_sheets([s.name for s in self.sheets] + self.dictionary.tables())
        stated = stated_years(self.sheets, self.path.name)
        self.year = given or found_year or (stated[0][1] if stated else None)
        if self.year is None:
            raise WorkbookError(
                f"{self.path.name}: the reporting year is in none of the sheet names, their titles "
                "and the file name; give --year (e.g. --year 2025-26)"
            )
        if found_year is not None and found_year != self.year:
            raise WorkbookError(
                f"{self.path.name}: its sheets are for {found_year} (TSM{found_year[-2:]}_... or "
                f"{found_year} in the sheet names), not {self.year}; check the workbook or --year"
            )
        # A workbook whose sheet names were not updated would otherwise be filed as another year
        # (replacing that year's edition): without --year, the title and the file name must agree.
        # --year (the user has looked) decides over them, not over the sheet names; the add says
        # which statement it overrode.
        chosen = (
            f"the sheet names {self.year}"
            if found_year
            else f"{stated[0][0] if stated else ''} {self.year}"
        )
        overridden = [(where, year) for where, year in stated if year != self.year]
        if overridden and not given:
            where, year = overridden[0]
            raise WorkbookError(
                f"{self.path.name}: {where} says {year}, {chosen}; check which edition this is "
                "(the RSH names an edition by the year its reporting year ends: its 2025 "
                "workbook is 2024-25), then add it again with --year saying which"
            )
        self.edition: dict = {"year": self.year, "label": ReportingYear.parse(self.year).label}
        if overridden:  # recorded only for an edition that needed it
            self.edition["year_overrides"] = [
                f"{where} says {year}; filed as {self.year} as --year says"
                for where, year in overridden
            ]
        if self.markers_given:  # recorded only for an edition that needed them
            self.edition["markers_given"] = dict(sorted(self.markers_given.items()))
        self.markers: Counter = Counter()
        self.notes_marker: str | None = None
        self.table_sheets: dict[str, str] = {}  # dictionary table -> the sheet holding it
        self.codes = LandlordCodes()  # one code per landlord whatever a sheet's spelling

    # -- tables ---------------------------------------------------------------------------------

    def _table_sheet(self, table: str) -> Sheet:
        entries = [e for e in self.dictionary.entries if e["table"] == table]
        taken = {name for t, name in self.table_sheets.items() if t != table}
        sheet = (
            sheet_for_table(  # a sheet holds one table: another table's sheet is not a candidate
                [s for s in self.sheets if s is not self.dictionary.sheet and s.name not in taken],
                table,
                [e["column_heading"] for e in entries],
            )
        )
        if sheet is None:
            raise WorkbookError(
                f"no sheet holds the Data Dictionary's table '{table}': no sheet has that name or "
                f"a header with most of its column headings (sheets: "
                f"{', '.join(s.name for s in self.sheets)}); check that the workbook is the "
                "RSH's complete full-data file"
            )
        self.table_sheets[table] = sheet.name
        sheet.header_index = find_landlord_header(sheet, min_filled=4)
        if sheet.header_index is None:
            raise WorkbookError(
                f"'{sheet.name}': no header row with a landlord code heading ('Landlord code', "
                "'Registration number') and a landlord name heading found; rename the heading of "
                "the landlords' registration numbers (L4240, 4634) to 'Landlord code' and that of "
                "their names to 'Landlord name' in a copy of the workbook, then add the copy"
            )
        sheet.code_row = field_code_row(sheet)
        sheet.stock_col = stock_column(sheet)
        sheet.year_col, sheet.year = year_column(sheet), self.year
        if sheet.year_col is not None:
            years = Counter(
                row_year(r[sheet.year_col]) for r in sheet.data if sheet.year_col < len(r)
            )
            if not years.get(self.year):
                raise WorkbookError(
                    f"'{sheet.name}': its '{sheet.header[sheet.year_col]}' column holds several "
                    f"reporting years' rows and none of {self.year}, the year being added; check "
                    "the year (--year) and the workbook"
                )
        return sheet

    def _sheet_facts(self, sheet: Sheet) -> dict:
        """What ``edition.json`` records of a data sheet: its name, header row and, laid out one
        row per landlord and stock type, the column saying which."""
        facts = {"name": sheet.name, "header_row": sheet.header_index + 1}
        if sheet.stock_col is not None:
            facts["stock_type_column"] = sheet.header[sheet.stock_col]
        if sheet.year_col is not None:  # rows of other years were left out
            facts["year_column"] = sheet.header[sheet.year_col]
        return facts

    def _codes(self, table: str) -> dict[str, dict[str, str]]:
        """Field code -> dictionary entry of one table; a complaint field listed once without its
        stock suffix stands for each stock type's (:func:`pipeline.rsh.fields.stock_codes`)."""
        out: dict[str, dict[str, str]] = {}
        for code, entry in self.dictionary.codes(table).items():
            for each in stock_codes(code, table):
                out.setdefault(each, entry)
        return out

    def _tables_with(self, family, base: str) -> dict[str, list[str]]:
        """Dictionary table -> its stock suffixes, for the tables holding ``<base>_<suffix>`` codes
        (one suffix per table in the RSH's layout; several in a table laid out one row per
        landlord and stock type)."""
        out: dict[str, list[str]] = {}
        for table in self.dictionary.tables():
            for code in self._codes(table):
                parts = family_base(code, family)
                if parts and parts[0] == base and parts[1] not in out.get(table, []):
                    out.setdefault(table, []).append(parts[1])
        return out

    @staticmethod
    def _row_values(
        sheet: Sheet, number: int, row: tuple, columns, family, markers: dict[str, str]
    ) -> tuple[str | None, dict[str, object]]:
        """(stock suffix, field code -> cell) of one landlord row: every field of a sheet of the
        RSH's layout; of one laid out one row per landlord and stock type, the fields of the row's
        stock type (a row of a stock type no column was found for, with figures in the field
        columns, stops the extract: they would be read as nothing)."""
        stock = _row_stock(sheet, number, row)
        found = {
            code: _checked_value(sheet, number, row, index, markers)
            for code, index in columns.by_code.items()
            if stock is None or family_base(code, family)[1] == stock
        }
        if stock is not None and not found:
            filled = any(
                _checked_value(sheet, number, row, index, markers) != ""
                for index in set(columns.by_code.values())
            )
            if filled:
                raise WorkbookError(
                    f"'{sheet.name}' row {number}: figures for a stock type (its "
                    f"'{sheet.header[sheet.stock_col]}' cell) of which no column of the sheet is "
                    "a field; check that cell, and the Data Dictionary's fields for that stock "
                    "type, in the workbook"
                )
        return stock, found

    def _count_markers(self, values: list[object]) -> None:
        for value in values:
            if value in ("[X]", "[U]", ""):
                self.markers[value] += 1

    # -- management information -----------------------------------------------------------------

    def management_info(self) -> tuple[list[str], list[dict], dict[str, dict]]:
        """Every table with CH01 stage 1 fields: the RSH's one, or one per stock type (an edition
        splitting the management information into an LCRA and an LCHO sheet), merged per
        landlord; a field read from two sheets with different figures stops the extract."""
        tables = list(self._tables_with(MI_FAMILY, "CH01_1_Numerator"))
        if not tables:
            raise WorkbookError("the Data Dictionary has no CH01_1_Numerator field")
        self.edition["sheets"] = {
            "data_dictionary": {
                "name": self.dictionary.sheet.name,
                "header_row": self.dictionary.sheet.header_index + 1,
            },
        }
        merged: dict[str, dict[str, object]] = {}  # landlord code -> field code -> cell
        landlords: dict[str, dict] = {}
        bases: set[str] = set()
        not_in_dictionary: set[str] = set()
        for number_of_table, table in enumerate(tables):
            sheet = self._table_sheet(table)
            codes = self._codes(table)
            long = list(STOCK_TYPE) if sheet.stock_col is not None else None
            columns = _field_columns(sheet, codes, MI_FAMILY, management_info_field, long)
            header = sheet.header
            code_col = landlord_column(header, "code")
            bases |= {family_base(code, MI_FAMILY)[0] for code in columns.by_code}

            def values(number: int, row: tuple, sheet=sheet, columns=columns):
                markers = self.markers_given
                return self._row_values(sheet, number, row, columns, MI_FAMILY, markers)[1]

            for number, row, found in _unique_rows(sheet, code_col, values):
                if sheet.stock_col is not None and all(v == "" for v in found.values()):
                    continue  # a stock type's row with no management figures (another table's)
                landlord = _landlord(row, header)
                code = landlord["landlord_code"] = self._code(landlord, sheet, number, code_col)
                landlords.setdefault(code, landlord)
                earlier = merged.setdefault(code, {})
                clash = sorted(k for k in found if k in earlier and earlier[k] != found[k])
                if clash:
                    raise WorkbookError(
                        f"'{sheet.name}' row {number}: landlord {code} has {', '.join(clash[:4])} "
                        "with other figures than another sheet gave; check which sheet is right"
                    )
                earlier.update(found)
            self.notes_marker = self.notes_marker or blank_marker_in_notes(sheet)
            key = (
                "management_info"
                if number_of_table == 0
                else f"management_info_{number_of_table + 1}"
            )
            self.edition["sheets"][key] = self._sheet_facts(sheet)
            not_in_dictionary |= set(columns.not_in_dictionary)
        fields = ordered_bases(bases, MI_FIELDS)
        rows = []
        for code, found in merged.items():
            landlord = landlords[code]
            for suffix, stock in STOCK_TYPE.items():
                record = {"landlord_code": code, "stock_type": stock}
                for base in fields:
                    record[base] = found.get(f"{base}_{suffix}", "")
                rows.append(record)
                self._count_markers(  # the cells read (not a sheet the landlord is not in)
                    [
                        found[f"{b}_{suffix}"]
                        for b in fields
                        if ("Numerator" in b or "Denominator" in b) and f"{b}_{suffix}" in found
                    ]
                )
            for suffix, name in (
                ("LCRA", "units_lcra"),
                ("LCHO", "units_lcho"),
                ("COMB", "units_comb"),
            ):
                landlord[name] = found.get(f"CH01_1_Denominator_{suffix}", "")
        self.mi_not_in_dictionary = sorted(not_in_dictionary)
        return fields, rows, landlords

    # -- perception -----------------------------------------------------------------------------

    def perception(self, landlords: dict[str, dict]) -> tuple[list[str], list[dict], dict]:
        """Every table with TP09 answer counts: one per stock type (the RSH's layout), or one laid
        out one row per landlord and stock type; a landlord's row for a stock type read from two
        sheets (small and large providers, say) with the same figures is read once, with other
        figures it stops the extract. Rows in stock-type order (LCRA, LCHO, combined)."""
        tables = self._tables_with(TP09_FAMILY, "VS")
        present: set[str] = set()
        per_table = []
        for table, suffixes in tables.items():
            sheet = self._table_sheet(table)
            codes = self._codes(table)
            long = list(STOCK_TYPE) if sheet.stock_col is not None else None
            columns = _field_columns(
                sheet,
                codes,
                TP09_FAMILY,
                lambda title, s=suffixes[0]: perception_field(title, s),
                long,
            )
            present |= {family_base(c, TP09_FAMILY)[0] for c in columns.by_code}
            per_table.append((table, suffixes[0], sheet, columns, codes))
            key = (
                "perception"
                if sheet.stock_col is not None
                else f"perception_{STOCK_TYPE[suffixes[0]]}"
            )
            while (
                key in self.edition["sheets"] and self.edition["sheets"][key]["name"] != sheet.name
            ):
                key = f"{key}_{len(per_table)}"
            self.edition["sheets"][key] = self._sheet_facts(sheet)
            self.notes_marker = self.notes_marker or blank_marker_in_notes(sheet)
        fields = ordered_bases(present, TP09_FIELDS)
        records: dict[tuple[str, str], tuple[str, dict]] = {}  # (landlord, stock) -> sheet, row
        cover: dict[str, set[str]] = {}
        for _table, suffix, sheet, columns, codes in per_table:
            header = sheet.header
            population = _population_column(sheet, codes)

            def values(
                number: int,
                row: tuple,
                sheet=sheet,
                columns=columns,
                population=population,
                suffix=suffix,
            ):
                stock, found = self._row_values(
                    sheet, number, row, columns, TP09_FAMILY, self.markers_given
                )
                found = {"stock": stock or suffix, **found}
                found["relevant_population"] = (
                    _checked_value(sheet, number, row, population, self.markers_given)
                    if population is not None
                    else ""
                )
                return found

            code_col = landlord_column(header, "code")
            for number, row, found in _unique_rows(sheet, code_col, values):
                stock = found.pop("stock")
                if sheet.stock_col is not None and all(v == "" for v in found.values()):
                    continue  # a stock type's row with no perception figures (another table's)
                landlord = _landlord(row, header)
                code = landlord["landlord_code"] = self._code(landlord, sheet, number, code_col)
                record = {
                    "landlord_code": code,
                    "stock_type": STOCK_TYPE[stock],
                    "relevant_population": found["relevant_population"],
                }
                for base in fields:
                    record[base] = found.get(f"TP09_{base}_{stock}", "")
                earlier = records.get((code, STOCK_TYPE[stock]))
                if earlier is not None:
                    clash = sorted(k for k in record if record[k] != earlier[1][k])
                    if clash:
                        raise WorkbookError(
                            f"'{sheet.name}' row {number}: landlord {code} has "
                            f"{STOCK_TYPE[stock]} {', '.join(clash[:4])} with other figures than "
                            f"sheet '{earlier[0]}' gave; check which sheet is right"
                        )
                    continue
                records[(code, STOCK_TYPE[stock])] = (sheet.name, record)
                cover.setdefault(code, set()).add(STOCK_TYPE[stock])
                self._count_markers([record[b] for b in fields if b not in ("Satisfied_Calc",)])
                if code not in landlords:  # perception data but no management information row
                    landlords[code] = {
                        **landlord,
                        "rsh_note": "",
                        "units_lcra": "",
                        "units_lcho": "",
                        "units_comb": "",
                    }
        order = list(STOCK_TYPE.values())
        rows = sorted((r for _, r in records.values()), key=lambda r: order.index(r["stock_type"]))
        self.tp_not_in_dictionary = sorted(
            {c for *_, columns, _ in per_table for c in columns.not_in_dictionary}
        )
        return fields, rows, cover

    def _code(self, landlord: dict, sheet: Sheet, number: int, code_col: int) -> str:
        code, name = landlord["landlord_code"], landlord["landlord_name"]
        return self.codes.resolve(code, name, sheet.name, number, sheet.header[code_col])

    # -- landlords the RSH left out ----------------------------------------------------------------

    def excluded(self) -> dict[str, set[str]]:
        """Landlord codes of the "... Not Included" sheets, by kind (perception, management_info)."""
        tables = {s.name for s in self.sheets if s.header_index is not None}
        out: dict[str, set[str]] = {"perception": set(), "management_info": set()}
        for sheet in self.sheets:
            if sheet.name in tables or sheet is self.dictionary.sheet:
                continue
            text = sheet.text(3)
            if not _LEFT_OUT.search(text):
                continue
            index = find_landlord_header(sheet)
            if index is None or sum(1 for c in sheet.rows[index] if c is not None) > 6:
                continue
            sheet.header_index = index
            kind = "perception" if "perception" in text else "management_info"
            if kind == "management_info" and "man" not in text:
                continue
            code_col = landlord_column(sheet.header, "code")
            out[kind] |= {
                self.codes.lookup(_code(r[code_col])) for r in _data_rows(sheet, code_col)
            }
            self.edition["sheets"][f"{kind}_not_included"] = {
                "name": sheet.name,
                "header_row": index + 1,
            }
        return out

    # -- checks -----------------------------------------------------------------------------------

    def checks(self, mi_fields: list[str], mi: list[dict], tp_fields: list[str], tp: list[dict]):
        decimals: dict[str, dict[str, int]] = {}
        checks: dict[str, dict] = {}
        self.edition["rescaled"] = {}

        def ch_expected(r: dict, measure: str) -> float | None:
            num = _number(r.get(f"{measure}_Numerator"))
            den = _number(r.get(f"{measure}_Denominator"))
            return num / den * SCALE[measure[:4]] if num is not None and den else None

        answers = [a for a in ("VS", "FS", "NSD", "FD", "VD") if a in tp_fields]

        def tp_expected(r: dict, _: str) -> float | None:
            counts = [_number(r[a]) for a in answers]
            total = sum(c for c in counts if c is not None)
            ok = len(answers) == 5 and None not in counts and total > 0
            return (counts[0] + counts[1]) / total * 100 if ok else None

        measures = [
            (m, f"{m}_Calculated_Value", mi, ch_expected, "management information")
            for m in ("CH01_1", "CH01_2", "CH02_1", "CH02_2")
            if f"{m}_Calculated_Value" in mi_fields
        ]
        if "Satisfied_Calc" in tp_fields:
            measures.append(("TP09", "Satisfied_Calc", tp, tp_expected, "perception"))
        for measure, value, table, expected, kind in measures:
            for stock in STOCK_TYPE.values():
                rows = [r for r in table if r["stock_type"] == stock]
                if not rows:
                    continue
                # each stock type is its own column (or sheet), formatted on its own
                self._rescale(measure, stock, value, rows, [expected(r, measure) for r in rows])
                if not measure.startswith("CH01"):  # a percentage: a value outside 0-100 is misread
                    _in_range(f"{kind} {measure} ({stock})", rows, value, 0.0, 100.0)
                _one_scale(
                    f"{kind} {measure} ({stock})", rows, value, [expected(r, measure) for r in rows]
                )
                self._round_unrounded(measure, stock, value, rows)
                places = _decimals([r[value] for r in rows])
                decimals.setdefault(measure, {})[stock] = places
                pairs = [(_number(r[value]), expected(r, measure)) for r in rows]
                checks[f"{measure}_{stock}"] = _check(f"{kind} {measure} ({stock})", pairs, places)
        for table, kind in ((mi, "management information"), (tp, "perception")):
            for field in table[0] if table else ():
                if re.search(
                    r"Numerator|Denominator|^Stg|^(VS|FS|NSD|FD|VD|Filter_Yes|Fiter_No)$|"
                    r"relevant_population",
                    field,
                ):
                    # a count; the complaint counts and homes whole (survey answers may be
                    # weighted)
                    whole = table is mi
                    _in_range(f"{kind} {field}", table, field, 0.0, None, whole)
        facts = {}
        for stage in (1, 2):
            same = [
                (
                    _number(r.get(f"CH02_{stage}_Denominator")),
                    _number(r.get(f"CH01_{stage}_Numerator")),
                )
                for r in mi
            ]
            same = [(a, b) for a, b in same if a is not None and b is not None]
            facts[f"CH02_{stage}_denominator_equals_CH01_{stage}_numerator"] = {
                "checked": len(same),
                "differ": sum(1 for a, b in same if a != b),
            }
            without, with_ = f"Stg{stage}_comp_without_Ext", f"Stg{stage}_comp_with_Ext"
            if without in mi_fields and with_ in mi_fields:
                split = [
                    (
                        _number(r[without]),
                        _number(r[with_]),
                        _number(r.get(f"CH02_{stage}_Numerator")),
                    )
                    for r in mi
                ]
                split = [s for s in split if None not in s]
                facts[f"Stg{stage}_without_plus_with_equals_CH02_{stage}_numerator"] = {
                    "checked": len(split),
                    "differ": sum(1 for a, b, n in split if a + b != n),
                }
        return decimals, checks, facts

    def _round_unrounded(self, measure: str, stock: str, value: str, rows: list[dict]) -> None:
        """Values stored unrounded (a ratio shown through a number format, 0.702127... as 70.2%):
        read as published, at the RSH's precision (1 decimal place, half up; design section 6),
        when most of them carry more than 3 places. Recorded in ``edition.json`` ``rounded``."""
        numbers = [n for n in (_number(r[value]) for r in rows) if n is not None]
        long = sum(
            1 for n in numbers if not n.is_integer() and -Decimal(repr(n)).as_tuple().exponent > 3
        )
        if not numbers or long * 2 <= len(numbers):
            return
        for r in rows:
            number = _number(r[value])
            if number is not None:
                r[value] = cell(round_half_up(number, 1))
        self.edition.setdefault("rounded", {}).setdefault(measure, []).append(stock)

    def _rescale(
        self, measure: str, stock: str, value: str, rows: list[dict], expected: list
    ) -> None:
        """Put a measure published on another scale (a percentage stored as the fraction 0.702,
        a rate per 1,000 as one per home) on the product's, when its own numerators and
        denominators say so: nearly every published value times 100 (or 1,000) is the value
        they give, and fewer are as printed. Decided per stock type (its own column or sheet, which
        may be formatted unlike the others); recorded in ``edition.json`` ``rescaled``."""
        pairs = [
            (p, e)
            for p, e in zip((_number(r[value]) for r in rows), expected, strict=True)
            if p is not None and e is not None
        ]

        def agree(factor: float) -> int:
            return sum(1 for p, e in pairs if abs(p * factor - e) <= 0.5 + 1e-9)

        as_printed = agree(1)
        for factor in (100, 1000):
            fits = agree(factor)
            if fits > as_printed and fits >= (1 - MAX_MISMATCH_SHARE) * len(pairs):
                for r in rows:
                    number = _number(r[value])
                    if number is not None:
                        r[value] = cell(round(number * factor, 10))
                found = self.edition["rescaled"].setdefault(
                    measure, {"factor": factor, "stock_types": [], "evidence": ""}
                )
                found["stock_types"].append(stock)
                found["evidence"] = "; ".join(
                    filter(
                        None,
                        [
                            found["evidence"],
                            f"{stock}: {fits} of {len(pairs)} published values times {factor} "
                            f"follow from their counts, {as_printed} as printed",
                        ],
                    )
                )
                return

    # -- the whole extract ------------------------------------------------------------------------

    def run(self) -> dict[str, bytes]:
        mi_fields, mi_rows, landlords = self.management_info()
        tp_fields, tp_rows, cover = self.perception(landlords)
        excluded = self.excluded()
        if self.codes.rewritten:  # recorded only for an edition that needed it
            self.edition["codes_written_otherwise"] = dict(sorted(self.codes.rewritten.items()))
        decimals, checks, facts = self.checks(mi_fields, mi_rows, tp_fields, tp_rows)
        if not self.edition["rescaled"]:  # recorded only for an edition that needed it
            del self.edition["rescaled"]

        mi_codes = {r["landlord_code"] for r in mi_rows}
        landlord_rows = []
        for code, record in sorted(landlords.items(), key=lambda kv: kv[1]["landlord_name"]):
            landlord_rows.append(
                {
                    **record,
                    "has_management_info": "yes" if code in mi_codes else "no",
                    "perception_stock_types": ";".join(sorted(cover.get(code, set()))),
                    "perception_excluded_by_rsh": "yes" if code in excluded["perception"] else "no",
                    "management_info_excluded_by_rsh": (
                        "yes" if code in excluded["management_info"] else "no"
                    ),
                }
            )
        if not landlord_rows:
            raise WorkbookError(f"{self.path.name}: no landlord rows found")

        blank = self._blank_marker()
        title, release = release_note(self.sheets)
        known_absent = [f for f in MI_FIELDS if f not in mi_fields] + [
            f for f in TP09_FIELDS if f not in tp_fields
        ]
        self.edition.update(
            {
                "workbook": {
                    "name": self.path.name,
                    "sha256": hashlib.sha256(self.path.read_bytes()).hexdigest(),
                    "title": title,
                    "release": release,
                },
                "attribution": self._attribution(release),
                "dictionary": {
                    "rows": len(self.dictionary.entries),
                    "columns": self.dictionary.columns,
                    "rows_swapped_back": dict(sorted(self.dictionary.swapped_back.items())),
                },
                "blank_input": blank,
                "fields": {"management_info": mi_fields, "perception_tp09": tp_fields},
                "absent_fields": known_absent,
                "columns_not_in_dictionary": self.mi_not_in_dictionary + self.tp_not_in_dictionary,
                "published_decimals": decimals,
                "checks": {**checks, **facts},
                "rows": {
                    "landlords": len(landlord_rows),
                    "management_info": len(mi_rows),
                    "perception_tp09": len(tp_rows),
                },
            }
        )
        dictionary_text = _csv_text(list(DICTIONARY_COLUMNS), self.dictionary.entries)
        return {
            "data_dictionary.csv": dictionary_text.encode(),
            "management_info.csv": _csv_text(
                ["landlord_code", "stock_type", *mi_fields], mi_rows
            ).encode(),
            "perception_tp09.csv": _csv_text(
                ["landlord_code", "stock_type", "relevant_population", *tp_fields], tp_rows
            ).encode(),
            "landlords.csv": _csv_text(list(landlord_rows[0]), landlord_rows).encode(),
            "edition.json": (
                json.dumps(self.edition, indent=2, ensure_ascii=False) + "\n"
            ).encode(),
        }

    def _blank_marker(self) -> dict:
        """How this edition prints an input the landlord left blank: '[X]', '[U]', '' or '0'.

        The cells say it where they can: the commonest of [X], [U] and an empty cell among the
        submitted counts. An edition with none of them prints blanks as 0 (its notes may say so).
        """
        if self.markers:
            marker, count = self.markers.most_common(1)[0]
            return {
                "marker": marker,
                "evidence": f"{count} submitted counts read {marker or 'empty'}",
            }
        if self.notes_marker not in (None, "0"):
            return {"marker": self.notes_marker, "evidence": "the sheet notes (no such cell found)"}
        evidence = (
            "the sheet notes say so"
            if self.notes_marker == "0"
            else "no [X], [U] or empty submitted count anywhere"
        )
        return {"marker": "0", "evidence": evidence}

    def _attribution(self, release: str) -> str:
        label = ReportingYear.parse(self.year).label
        published = ""
        if release:
            found = re.search(r"version ([\d.]+).*?published (\w+ \d{4})", release, re.I)
            if found:
                published = f" (version {found.group(1)}, published {found.group(2)})"
        return (
            f"Contains public sector information licensed under the {LICENCE}. Source: Regulator of "
            f"Social Housing, Tenant Satisfaction Measures {label} full data{published}."
        )


def extract(
    workbook: Path,
    year: str | None = None,
    out_dir: Path | None = None,
    markers: dict[str, str] | list[str] | None = None,
    before_publish: Callable[[Path], None] | None = None,
) -> dict:
    """Extract one edition of the workbook to ``out_dir/<year>/``; nothing is written on failure.

    Parameters
    ----------
    workbook : pathlib.Path
        The RSH's TSM full-data workbook (any edition).
    year : str, optional
        Reporting year, e.g. ``"2023-24"``; default the year of its sheet names (``TSM24_`` ->
        2023-24). A year that contradicts the sheet names is an error.
    out_dir : pathlib.Path, optional
        Root of the extracts; default :func:`pipeline.rsh.editions.rsh_root`.
    markers : dict or list, optional
        What text the edition uses as a marker means: ``{"N/A": "[Z]"}`` or ``["N/A=[Z]"]``
        (``complaints rsh add --marker``); recorded in ``edition.json`` ``markers_given``.
    before_publish : callable, optional
        Called with the edition's folder once the workbook is read, before anything is written;
        what it raises ends the extract with nothing written (``complaints rsh add`` stops there
        on Ctrl-C or SIGTERM).

    Returns
    -------
    dict
        The edition's metadata (as written to ``edition.json``) with ``folder`` added.

    Raises
    ------
    WorkbookError
        When the workbook cannot be read as an edition of the RSH workbook (the message names the
        sheet and field); nothing is written then.
    """
    from pipeline.rsh.editions import clear_cache, rsh_root

    reading = _Extract(Path(workbook), year, markers)
    files = reading.run()
    target = Path(out_dir or rsh_root()) / reading.year
    try:  # the edition this one replaces (a re-publication, or the same workbook again)
        replaced = json.loads((target / "edition.json").read_text(encoding="utf-8"))["workbook"]
    except (OSError, ValueError, KeyError, TypeError):
        replaced = None
    if before_publish is not None:
        before_publish(target)
    _publish(files, target)
    clear_cache()
    return {**reading.edition, "folder": str(target), "replaced": replaced}


__all__ = ["FILES", "WorkbookError", "extract", "parse_markers"]
