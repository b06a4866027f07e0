"""Compile field specs into DuckDB SQL: typing, parse failures and the quarantine rules.

Every expression works on a whole table (``src``: ``__file``, ``__row`` and the mapped source
columns ``s0..sn`` as trimmed text, blank = null), so a file of a million rows is typed by one
``create table ... as select`` and its rule breaks are found by one ``insert ... select``.
Identifiers are quoted with :func:`ident` and values inlined with :func:`lit` (both escape), which
is why the f-string SQL below is safe; the pseudonymisation key is always a bound parameter.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from pipeline.mapping import FieldSpec
from pipeline.pseudonymise import pseudonymise_expr
from pipeline.schemas import COUNT_ORDER, DATE_ORDER, value_bounds
from pipeline.sources.canonical import (
    ALLOWED_CODES,
    CODE_SYNONYMS,
    FREE_TEXT_FIELDS,
    ID_FIELDS,
    IMPLICIT_DEFAULTS,
    LABEL_FIELDS,
    Column,
)
from pipeline.sources.code_keys import code_key, coded_case_sql, not_listed_sql
from pipeline.sources.date_checks import time_invalid_sql, weekday_mismatch_sql
from pipeline.sources.errors import fold_header_name
from pipeline.sources.numbers import _parse_number
from pipeline.sources.screen import (
    excel_error_sql,
    screened_flag_sql,
    screened_text_sql,
    value_shape_sql,
)
from pipeline.sql import ident, lit

# rule id -> plain-English explanation (the quarantine message starts with the rule id).
# Why a CSV row's cell count differs from the header's (the ``wrong_cell_count`` message).
CELL_COUNT_CAUSE = "a delimiter inside a cell that is not quoted, or a cell missing"

# How a conflicting_rows or duplicate_id_across_files message ends: every row of the complaint
# that clashes, by file and row, "(rows of this complaint: a.csv row 893; a.csv row 896)", so the
# analyst finds them and the data-quality report counts the complaint once, not once per row.
CLASH_ROWS = "rows of this complaint: "

RULE_TEXT = {
    "date_unparseable": "the value is not a date in any of the mapping's date formats",
    "date_in_future": "the date is after the data cut date",
    "date_too_early": "the date is before 1970, earlier than any case system's records (often a "
    "mistyped year: 1925 for 2025)",
    "date_time_invalid": "the date's time of day does not exist (an hour past 24, such as "
    "25:10, or minutes or seconds past 59), so the date may be mistyped too",
    "date_weekday_mismatch": "the weekday written with the date is not that date's weekday "
    "(Tuesday 3 March 2025, a Monday), so it cannot be known which of the two was meant",
    "required_missing": "a required field is blank",
    "weight_missing": "the survey weight is blank where the file's other responses have one: "
    "read as 1, a response of a weighted survey would count as if unweighted",
    "weight_implausible": "the survey weight is implausibly large: more than ten times the "
    "median weight of its file's responses of the same stock type, or more than the landlord's "
    "homes (one response cannot stand for more homes than there are)",
    "unknown_code": "the value is not one of the codes the mapping lists (or, with no list, "
    "one of the canonical codes)",
    "number_unparseable": "the value is not a number (or not a whole number where one is "
    "needed; a figure in scientific notation, 1.5E+03, which Excel shows for a number it has "
    "rounded, is not read either)",
    "response_before_receipt": "the response date is before the date the stage was received",
    "ack_before_receipt": "the acknowledgement date is before the date the stage was received",
    "stage2_before_stage1_response": "stage 2 was requested before the stage 1 response date",
    "duplicate_row": "the row is identical in every mapped field to an earlier row, which is kept",
    "conflicting_rows": "another row in this file has the same complaint (and stage) with "
    "different values; none of them is loaded",
    "duplicate_id_across_files": "the same complaint (and stage) is in another file with "
    "different values; none of them is loaded",
    "route_unknown": "the value is not listed in the mapping's route values",
    "parent_quarantined": "the complaint this stage belongs to was quarantined, so the stage "
    "cannot load",
    "out_of_range": "the number is outside what the field allows (a negative amount, number of "
    "days or count, a score outside 1 to 5, or more than nine digits: a phone number in a "
    "number cell)",
    "date_out_of_order": "the date is before the date it must follow (e.g. closed before received)",
    "count_out_of_order": "the count is larger than the count it is part of (e.g. orders complied "
    "with above orders made)",
    "wrong_cell_count": f"the row has a different number of cells from the header: {CELL_COUNT_CAUSE}",
    "id_in_scientific_notation": "the reference is a number in scientific notation (1.23457E+11): "
    "Excel rounded it, so it may stand for another case's reference",
    "id_is_excel_error": "the reference is an Excel error value (#N/A, #REF!): a formula that "
    "could not work it out, so it names no case, and every row holding it would be one complaint",
    "totals_row": "the file's last row looks like a totals line (its reference cell begins "
    "with Total, Grand total, Count or Records), not a record: set the mapping's footer so such "
    "a row is left out and not counted (docs/mapping.md, 'footer')",
    "repeated_header": "the row repeats the header's column names (two exports joined into one "
    "file, or a report that prints its header again on every page): it holds no complaint",
}

# An id Excel has turned into a rounded number ('123456789012' shown and saved as '1.23457E+11'):
# two cases' references become one, and a long export's stage rows joined the wrong complaint
# without a word (second hostile audit).
SCIENTIFIC_ID = r"^[0-9]+(\.[0-9]+)?[eE]\+[0-9]+$"

# Stands for the typed value's column in a parse-failure condition (see value_sql).
VALUE_SLOT = "\x00value\x00"

# Dates that may lie after the data cut: an action (or a restriction's review) can be due next
# month, and an open stage's extended due date can lie after the cut.
FUTURE_DATES_ALLOWED = frozenset({"due_date", "review_due_date", "extended_due_date"})

ISSUE_COLUMNS = (
    "__file",
    "__row",
    "record",
    "target_table",
    "column_name",
    "rule",
    "message",
    "raw_value",
)


@dataclass(frozen=True)
class Context:
    """What typing needs besides the field spec."""

    date_formats: tuple[str, ...]
    excel_serial_dates: bool
    cut_date: dt.date
    default_regime: str | None
    # the landlord's regimes: a complaint of another has no policy timescales (unknown_code)
    regimes: tuple[str, ...] = ("eng", "sct")
    # the mapping's decimal: ',' (numbers written '1.250,50')
    decimal_comma: bool = False


@dataclass
class FieldPlan:
    """One canonical field of one record: where its value comes from."""

    column: Column
    spec: FieldSpec | None = None
    source: str | None = None  # alias in src (s0, s1, ...)
    source_name: str | None = None  # column name as in the export
    derived: str | None = None  # SQL over src used when there is no spec (e.g. least of dates)

    @property
    def pseudonymised(self) -> bool:
        if self.column.name not in ID_FIELDS:
            return False
        return self.spec is None or self.spec.pseudonymise is not False


@dataclass
class RecordPlan:
    """One record a source row can yield (complaint, a stage, a routed record, ...).

    ``exists`` is SQL over the typed table saying whether the row has this record; ``cross``
    lists extra rules as ``(field, rule, condition)``, the condition a function returning SQL
    over the typed table.
    """

    name: str
    table: str
    fields: dict[str, FieldPlan]
    exists: str = "true"
    cross: list[tuple[str, str, Callable[[], str]]] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)

    def col(self, name: str) -> str:
        """The typed table's column holding this record's ``name`` field.

        A constant field (no source cell) is its SQL literal instead, see :func:`typed_columns`.
        """
        if name in self.constants:
            return f"({self.constants[name]})"
        return ident(self.aliases.get(name, f"{self.name}__{name}"))


def _cast(sql: str, column: Column) -> str:
    return f"cast({sql} as {column.type})"


# An ISO date-time with a zone: 'Z' (UTC) or an offset ('+01:00', '-0500'), space before it allowed.
_INSTANT = r"^\s*\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(:\d{2}(\.\d*)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)\s*$"


# Earliest year a format may give: DuckDB's %Y reads '03/04/24' as the year 24, which loaded as a
# date no reporting year holds (the complaint vanished from every measure) and stopped the next
# format ('%d/%m/%y') from being tried. No case-system date is older than Excel's 1900 epoch.
MIN_DATE_YEAR = 1900
# The smallest number read as an Excel serial date: 25569 is 1 January 1970. Case systems hold
# no complaint, tenancy end or Ombudsman date before it; below it a number is a year typed into a
# date cell ('2024', '1995') or a count, and is date_unparseable.
EXCEL_SERIAL_MIN = 25569
# The earliest date any field may hold (EXCEL_SERIAL_MIN as a date): rule date_too_early.
EARLIEST_DATE = dt.date(1970, 1, 1)


def _date_part(fmt: str) -> str:
    """A format without its time of day: '%d/%m/%Y %H:%M' -> '%d/%m/%Y'.

    Times are ignored, so a cell with another time ('14:05:09') or none (a system that leaves
    midnight out) is a date all the same; with only the format as written it was
    ``date_unparseable``.
    """
    cut = re.search(r"[ T]*%[HIMSfpzZ]", fmt)
    return fmt[: cut.start()] if cut and cut.start() > 0 else fmt


def _strptime(x: str, formats: list[str], formats_sql: str) -> str:
    # One strptime over the list for the common case; only where it gives nothing (or a year
    # before MIN_DATE_YEAR) is each format tried on its own, so a later format can still match.
    def plausible(parsed: str) -> str:
        return (
            f"list_transform([cast({parsed} as date)], "
            f"lambda d: case when year(d) >= {MIN_DATE_YEAR} then d end)[1]"
        )

    each = [plausible(f"try_strptime({x}, {lit(f)})") for f in formats]
    if len(each) == 1:
        return each[0]
    return f"coalesce({plausible(f'try_strptime({x}, {formats_sql})')}, {', '.join(each)})"


# A day of the month with its ordinal suffix: '1st', '22nd', '3rd', '4th' (any case).
_ORDINAL = r"(?i)([0-9])(?:st|nd|rd|th)\b"
# September abbreviated 'Sept' (or 'Sept.'), as a word: read as 'Sep' under %b.
_SEPT = r"(?i)\b(sep)t\b\.?"


def _parse_date(x: str, ctx: Context) -> str:
    # Time parts are ignored: '01/04/2024 10:30' and '2024-04-01T10:30:00' are dates (the date as
    # written), and so is '01/04/2024 23:30 BST' (GMT and BST are UK time: the date as written;
    # a system that writes the zone's name was date_unparseable on every row). An instant with a zone ('2024-05-12T23:20:00Z', '...+01:00') is a moment, and its
    # date is the date in the UK (Europe/London): 23:20 UTC on 12 May is 00:20 on 13 May in
    # British Summer Time, and day 0 is the date received where the landlord is (design.md s5).
    # It is read before the mapping's formats, so a format written with a literal 'Z'
    # ('%Y-%m-%dT%H:%M:%SZ') does not make the UTC date the date. ISO is always tried last
    # because real XLSX dates arrive as ISO text from the reader.
    formats = list(
        dict.fromkeys([*ctx.date_formats, *map(_date_part, ctx.date_formats), "%Y-%m-%d"])
    )
    formats_sql = "[" + ", ".join(lit(f) for f in formats) + "]"

    def without_time(v: str) -> str:
        return (
            f"regexp_replace({v}, "
            r"'[ T]+\d{1,2}:\d{2}(:\d{2}(\.\d*)?)?\s*([AaPp][Mm])?\s*(Z|[+-]\d{2}(:?\d{2})?|GMT|BST)?\s*$', '')"
        )

    no_time = without_time(x)
    # coalesce only evaluates a later argument where the earlier ones are null, so the common
    # case (a plain date in the first format) costs one strptime after a cheap test for ':'.
    instant = (
        f"case when contains({x}, ':') and regexp_matches({x}, {lit(_INSTANT)}) then "
        f"cast(timezone('Europe/London', try_cast(regexp_replace({x}, '\\s+(Z|[+-])', "
        f"'\\1') as timestamptz)) as date) end"
    )
    # A day written as an ordinal ('3rd March 2025', 'Tuesday 1st April 2025 10:30', as letters
    # and some UK case systems write dates): no strptime code reads the suffix, so every such
    # date was date_unparseable whatever the mapping said. Read without it, only where a digit
    # is followed by one (named once, in a lambda, so the rest pay nothing).
    plain = "o"
    ordinal_sql = (
        f"list_transform([regexp_replace({x}, {lit(_ORDINAL)}, '\\1', 'g')], lambda {plain}: "
        f"coalesce({_strptime(plain, formats, formats_sql)}, "
        f"{_strptime(without_time(plain), formats, formats_sql)}))[1]"
    )
    parts = [
        instant,
        _strptime(x, formats, formats_sql),
        f"case when contains({x}, ':') then {_strptime(no_time, formats, formats_sql)} end",
        f"case when regexp_matches({x}, {lit(_ORDINAL)}) then {ordinal_sql} end",
    ]
    if any("%b" in f for f in formats):
        # September abbreviated 'Sept' ('03-Sept-24'), as the en_GB locale of current Linux
        # systems and many UK reports write it: %b reads 'Sep' only, so every September date
        # was date_unparseable (a twelfth of a year's complaints quarantined). Read as 'Sep',
        # only where the cell has 'Sept' as a word, with a time or an ordinal day as above.
        sept = "p"
        sept_sql = (
            f"list_transform([regexp_replace({x}, {lit(_SEPT)}, '\\1', 'g')], lambda {sept}: "
            f"coalesce({_strptime(sept, formats, formats_sql)}, "
            f"{_strptime(without_time(sept), formats, formats_sql)}, "
            f"list_transform([regexp_replace({sept}, {lit(_ORDINAL)}, '\\1', 'g')], "
            f"lambda {plain}: coalesce({_strptime(plain, formats, formats_sql)}, "
            f"{_strptime(without_time(plain), formats, formats_sql)}))[1]))[1]"
        )
        parts.append(f"case when regexp_matches({x}, {lit(_SEPT)}) then {sept_sql} end")
    if ctx.excel_serial_dates:
        # Excel's 1900 date system: serial 1 = 1900-01-01, and the fake 29/02/1900 makes day 0
        # 1899-12-30 for every real date after February 1900. Only serials from 1 January 1970
        # (EXCEL_SERIAL_MIN) are dates: a smaller number is no case-system date but a year or
        # a count typed into the cell ('2024' was 16 July 1905: loaded, in no reporting year).
        # The serial is named once (a lambda argument): written twice, DuckDB hoists the
        # common try_cast out of the coalesce and runs it on every cell, not just the leftovers.
        # With a decimal comma a serial date-time is written '45385,5854'.
        serial = f"replace({x}, ',', '.')" if ctx.decimal_comma else x
        parts.append(
            f"list_transform([try_cast({serial} as double)], lambda v: case when v between {EXCEL_SERIAL_MIN} and "
            f"2958465 then date '1899-12-30' + cast(floor(v) as integer) end)[1]"
        )
    return f"coalesce({', '.join(parts)})"


def date_sql(
    x: str, date_formats: tuple[str, ...] | list[str], excel_serial_dates: bool, decimal_comma: bool
) -> str:
    """SQL reading the text ``x`` as the load reads a date cell of a mapping with these
    settings (its formats, then ISO, times, ordinal days, 'Sept', Excel serials): for a reader
    of a quarantined cell's raw value, which must not guess the date another way."""
    ctx = Context(
        tuple(date_formats), excel_serial_dates, dt.date.max, None, ("eng", "sct"), decimal_comma
    )
    return _parse_date(x, ctx)


def _parse_bool(x: str) -> str:
    return (
        f"case when lower({x}) in ('y', 'yes', 'true', 't', '1') then true "
        f"when lower({x}) in ('n', 'no', 'false', 'f', '0') then false end"
    )


def value_sql(plan: FieldPlan, ctx: Context) -> tuple[str, str | None]:
    """SQL for the typed value, and SQL that is true when a non-blank cell failed to parse.

    The failure SQL may contain :data:`VALUE_SLOT`, to be replaced by the typed value's column:
    re-parsing to test for failure would double the cost of every date and number.

    Blank cells take the spec's ``default``, else the field's implicit default (docs/mapping.md),
    else stay null (and a not-null field is then ``required_missing``).
    """
    column = plan.column
    implicit = IMPLICIT_DEFAULTS.get((column.table, column.name))
    if column.name == "regime" and implicit is None:
        implicit = ctx.default_regime
    spec = plan.spec
    if spec is None:
        if plan.derived is not None:
            return plan.derived, None
        return _cast(lit(implicit), column), None
    if spec.value is not None:
        return _cast(lit(spec.value), column), None

    x = ident(plan.source or "")
    blank_default = spec.default if spec.default is not None else implicit
    if (column.table, column.name) in LABEL_FIELDS:
        return label_sql(plan, x), None
    # `other` with no codes listed (or `codes: {}`) gives every filled cell that value: a column
    # naming the owner of a managed home, blank for the landlord's own, is a flag without a list
    if spec.codes or spec.other is not None:
        codes = spec.codes or {}
        whens = " ".join(
            f"when {lit(code_key(key))} then {_cast(lit(val), column)}"
            for key, val in codes.items()
        )
        other = _cast(lit(spec.other), column) if spec.other is not None else "null"
        coded = coded_case_sql(x, whens, other) if codes else other
        value = f"case when {x} is null then {_cast(lit(blank_default), column)} else {coded} end"
        if not codes:
            return value, None
        # Unknown = not listed (a code may map to null on purpose, e.g. "Don't know").
        keys = ", ".join(lit(code_key(key)) for key in spec.codes)
        failed = None if spec.other is not None else not_listed_sql(x, keys)
        return value, failed

    allowed = ALLOWED_CODES.get((column.table, column.name))
    if (column.table, column.name) == ("complaint", "regime"):
        allowed = tuple(code for code in allowed if code in ctx.regimes)
    if allowed and column.kind == "text":
        # A coded field mapped without a codes list takes the export's value as the canonical
        # code once case, spaces and punctuation are folded ("In person" -> in_person); any
        # other value is an unknown code, never loaded unchecked.
        folded = f"trim(regexp_replace(lower({x}), '[^a-z0-9]+', '_', 'g'), '_')"
        synonyms = CODE_SYNONYMS.get((column.table, column.name))
        if synonyms:
            whens = " ".join(f"when {lit(k)} then {lit(v)}" for k, v in synonyms.items())
            folded = f"list_transform([{folded}], lambda f: case f {whens} else f end)[1]"
        keys = ", ".join(lit(code) for code in allowed)
        value = (
            f"case when {x} is null then {_cast(lit(blank_default), column)} "
            f"when {folded} in ({keys}) then {folded} end"
        )
        return value, f"({x} is not null and {VALUE_SLOT} is null)"
    if allowed and column.kind == "integer":
        # Numbered codes (a stage, a 1-5 score): "2", "2.0", "Stage 2", "S2" read as 2; a number
        # outside the codes (a stage 3) is an unknown code, never a stage the model lacks.
        number = (
            f"try_cast(nullif(regexp_extract(lower({x}), "
            f"'^(?:stage|s)?[\\s_:-]*([0-9]+)(?:\\.0+)?$', 1), '') as {column.type})"
        )
        keys = ", ".join(str(code) for code in allowed)
        value = (
            f"case when {x} is null then {_cast(lit(blank_default), column)} "
            f"else (case when {number} in ({keys}) then {number} end) end"
        )
        return value, f"({x} is not null and {VALUE_SLOT} is null)"

    kind = column.kind
    if kind == "date":
        if spec.date_formats:  # the column's own formats, in place of the mapping's
            ctx = replace(ctx, date_formats=tuple(spec.date_formats))
        parsed = _parse_date(x, ctx)
    elif kind in {"integer", "decimal", "double"}:
        parsed = _parse_number(x, column, ctx.decimal_comma)
    elif kind == "boolean":
        parsed = _parse_bool(x)
    elif kind == "list":
        items = f"list_filter(string_split({x}, ';'), lambda e: trim(e) <> '')"
        if plan.pseudonymised:
            parsed = f"list_transform({items}, lambda e: {pseudonymise_expr('e')})"
        else:
            parsed = f"list_transform({items}, lambda e: trim(e))"
        return f"case when {x} is not null then {parsed} end", None
    elif plan.pseudonymised:
        # contains() first: the regular expression runs only on the rare id with a '+'
        rounded = f"(contains({x}, '+') and regexp_matches({x}, {lit(SCIENTIFIC_ID)}))"
        return pseudonymise_expr(x, trimmed=True), rounded
    else:
        return screened_text_sql(x, screened_flag_sql(plan.source)), None
    # Judged on the typed column afterwards (VALUE_SLOT), so the parse runs once per cell.
    failed = f"({x} is not null and {VALUE_SLOT} is null)"
    if blank_default is not None:
        parsed = f"coalesce({parsed}, case when {x} is null then {_cast(lit(blank_default), column)} end)"
    return parsed, failed


_FOLD = "trim(regexp_replace(lower({e}), '[^a-z0-9]+', '_', 'g'), '_')"


def _label_item(plan: FieldPlan, e: str) -> str:
    """SQL coding one (trimmed) label value ``e``: the mapping's codes, else the canonical codes
    and synonyms of :data:`LABEL_FIELDS`; anything else is 'other'."""
    spec = plan.spec
    if spec is not None and spec.codes:
        whens = " ".join(
            f"when {lit(code_key(key))} then {lit(value)}" for key, value in spec.codes.items()
        )
        other = lit(spec.other if spec.other is not None else "other")
        if spec.other_is_blank:
            other = "null"
        return coded_case_sql(e, whens, other)
    codes, synonyms = LABEL_FIELDS[(plan.column.table, plan.column.name)]
    keys = ", ".join(lit(code) for code in codes)
    whens = " ".join(f"when {_synonym_match(k)} then {lit(v)}" for k, v in synonyms.items())
    fold = _FOLD.format(e=e)
    return (
        f"list_transform([{fold}], lambda f: case when f in ({keys}) then f "
        f"{whens} else 'other' end)[1]"
    )


def _synonym_match(key: str, f: str = "f") -> str:
    if key.endswith("*"):
        return f"starts_with({f}, {lit(key[:-1])})"
    return f"{f} = {lit(key)}"


def label_unknown_item(plan: FieldPlan, e: str) -> str:
    """SQL true when the label value ``e`` is none of the field's codes (it is stored as 'other')."""
    spec = plan.spec
    if spec is not None and spec.codes:
        if spec.other_is_blank:  # a value not listed is blank, never stored as 'other'
            return "false"
        keys = ", ".join(lit(code_key(key)) for key in spec.codes)
        return not_listed_sql(e, keys)
    codes, synonyms = LABEL_FIELDS[(plan.column.table, plan.column.name)]
    fold = _FOLD.format(e=e)
    matches = [f"f in ({', '.join(lit(c) for c in codes)})"]
    matches += [_synonym_match(k) for k in synonyms]
    return f"(not list_transform([{fold}], lambda f: {' or '.join(matches)})[1])"


def _label_items(x: str) -> str:
    return f"list_filter(list_transform(regexp_split_to_array({x}, '[;,]'), lambda e: trim(e)), lambda e: e <> '')"


def label_sql(plan: FieldPlan, x: str) -> str:
    """SQL for a label field (:data:`LABEL_FIELDS`): coded, never the text as typed."""
    if plan.column.name == "non_financial_remedy":
        coded = f"list_transform({_label_items(x)}, lambda e: {_label_item(plan, 'e')})"
        joined = f"array_to_string(list_sort(list_distinct({coded})), '; ')"
        return f"case when {x} is not null then nullif({joined}, '') end"
    return f"case when {x} is not null then {_label_item(plan, x)} end"


def label_unknown_sql(plan: FieldPlan, x: str) -> str:
    """SQL true when a label cell holds a value (or, for a list, an item) read as 'other'."""
    if plan.column.name == "non_financial_remedy":
        each = f"list_transform({_label_items(x)}, lambda e: {label_unknown_item(plan, 'e')})"
        return f"coalesce(list_bool_or({each}), false)"
    return f"coalesce({x} is not null and {label_unknown_item(plan, x)}, false)"


def parse_rule(plan: FieldPlan) -> str:
    """The rule a failed parse of this field breaks."""
    if plan.pseudonymised:
        return "id_in_scientific_notation"
    if _is_coded(plan):
        return "unknown_code"
    return {
        "date": "date_unparseable",
        "integer": "number_unparseable",
        "decimal": "number_unparseable",
        "double": "number_unparseable",
        "boolean": "unknown_code",
    }.get(plan.column.kind, "unknown_code")


def _is_coded(plan: FieldPlan) -> bool:
    """True when the field's values are codes (a mapping codes list or canonical codes)."""
    has_codes = plan.spec is not None and (bool(plan.spec.codes) or plan.spec.other is not None)
    canonical = plan.column.kind in {"text", "integer"} and (
        (plan.column.table, plan.column.name) in ALLOWED_CODES
    )
    return has_codes or canonical


def _is_constant(plan: FieldPlan) -> bool:
    """True when the field's value reads no source cell (a literal cast)."""
    spec = plan.spec
    if spec is None:
        return plan.derived is None
    return spec.value is not None


def typed_columns(
    records: list[RecordPlan], ctx: Context, *, inline_constants: bool = False
) -> list[str]:
    """Select-list items for the typed table, each distinct expression computed once.

    Stages share the complaint id and the received date with the complaint, and hashing or
    parsing twice costs seconds on a million rows, so each distinct expression becomes one
    column ``_vN`` and the records' :meth:`RecordPlan.col` point at it.

    With ``inline_constants``, a field with no source cell (a literal) is not stored as a column:
    :meth:`RecordPlan.col` gives the literal, which DuckDB folds in every rule (``false is null``
    is dropped at plan time) and which costs nothing to store. Only for SQL that never qualifies
    a column with a table alias (the long shape's self-joins do).
    """
    seen: dict[str, str] = {}
    items: list[str] = []

    def alias(sql: str) -> str:
        if sql not in seen:
            seen[sql] = f"_v{len(seen)}"
            items.append(f"{sql} as {seen[sql]}")
        return seen[sql]

    for record in records:
        for name, plan in record.fields.items():
            value, _ = value_sql(plan, ctx)
            if inline_constants and _is_constant(plan):
                record.constants[name] = value
            else:
                record.aliases[name] = alias(value)
    return items


def _branches(
    record: RecordPlan, name: str, plan: FieldPlan, ctx: Context
) -> list[tuple[str, str]]:
    """``(condition, rule)`` pairs of one field, in the order they are reported."""
    column = plan.column
    branches = []
    _, failed = value_sql(plan, ctx)
    if failed is not None:
        branches.append((failed.replace(VALUE_SLOT, record.col(name)), parse_rule(plan)))
    if plan.pseudonymised and plan.source is not None and name != "handler_ref":
        # A failed lookup saved as its error ('#N/A', '#REF!') names no case: hashed as a
        # reference, every row holding it was one complaint, and a long export's stage rows of
        # different cases joined into one without a word (fourth hostile audit). (A handler's
        # reference names no record: an error there does not hold the stage back.)
        branches.insert(0, (excel_error_sql(ident(plan.source)), "id_is_excel_error"))
    if column.kind == "date" and plan.spec is not None and plan.spec.column is not None:
        # Read as the date written with its time dropped, '03/03/2025 25:10' and 'Tuesday 3
        # March 2025' (a Monday; DuckDB's %A reads any weekday) loaded without a word.
        x = ident(plan.source)
        branches.append((time_invalid_sql(x), "date_time_invalid"))
        branches.append((weekday_mismatch_sql(x, record.col(name)), "date_weekday_mismatch"))
    if column.not_null:
        branches.append((f"{record.col(name)} is null", "required_missing"))
    if column.kind == "date" and name not in FUTURE_DATES_ALLOWED:
        branches.append((f"{record.col(name)} > {lit(ctx.cut_date)}", "date_in_future"))
    if column.kind == "date" and plan.spec is not None:
        # A date read as written but before any case system's records (EXCEL_SERIAL_MIN's
        # 1970): "05/01/1925" for 2025 loaded a complaint no reporting year holds, so it left
        # every measure without a word (second hostile audit).
        branches.append((f"{record.col(name)} < {lit(EARLIEST_DATE)}", "date_too_early"))
    if column.kind in {"integer", "decimal", "double"} and plan.spec is not None:
        bounds = value_bounds(column.table, column.name)
        if bounds:
            outside = " or ".join(f"not ({record.col(name)} {op} {lit(b)})" for op, b in bounds)
            branches.append((f"({outside})", "out_of_range"))
    # Cross-field conditions are built late: column names exist only once the typed table is
    # planned (see typed_columns).
    branches += [(cond(), rule) for fname, rule, cond in record.cross if fname == name]
    branches += _order_branches(record, name)
    return branches


# Pairs a record's cross rules already cover under a rule of their own.
_OWN_RULES = {("responded_date", "received_date"), ("acknowledged_date", "received_date")}


def _order_branches(record: RecordPlan, name: str) -> list[tuple[str, str]]:
    """``date_out_of_order`` / ``count_out_of_order`` for ``name`` (pipeline.schemas lists)."""
    out = []
    for pairs, rule in (
        (DATE_ORDER.get(record.table, ()), "date_out_of_order"),
        (COUNT_ORDER.get(record.table, ()), "count_out_of_order"),
    ):
        for later, earlier in pairs:
            if later != name or earlier not in record.fields or (later, earlier) in _OWN_RULES:
                continue
            if not (_reads_source(record.fields[later]) or _reads_source(record.fields[earlier])):
                continue
            op = "<" if rule == "date_out_of_order" else ">"
            out.append((f"{record.col(later)} {op} {record.col(earlier)}", rule))
    return out


def _reads_source(plan: FieldPlan) -> bool:
    return plan.spec is not None and plan.spec.column is not None


def any_issue_condition(records: list[RecordPlan], ctx: Context) -> str:
    """SQL true when a row might break any field rule (a cheap pre-filter for the issue scan).

    A record's rules only count where the row has that record (``exists``): a wide row without
    a stage 2 has a blank, required stage 2 date that nobody reports.
    """
    parts = []
    for record in records:
        # Fields shared by records (complaint id, received date) give the same condition: once.
        conditions = dict.fromkeys(
            f"coalesce({cond}, false)"
            for name, plan in record.fields.items()
            for cond, _ in _branches(record, name, plan, ctx)
        )
        if conditions:
            parts.append(f"(coalesce({record.exists}, false) and ({' or '.join(conditions)}))")
    return " or ".join(parts) or "false"


def _message_sql(rule_sql: str, table: str, field_name: str, source_name: str | None) -> str:
    where = f"{table}.{field_name}" + (f", column '{source_name}'" if source_name else "")
    whens = " ".join(
        f"when {lit(rule)} then {lit(f'{rule}: {text} ({where})')}"
        for rule, text in RULE_TEXT.items()
    )
    return f"case {rule_sql} {whens} end"


def issue_selects(record: RecordPlan, ctx: Context, typed: str, where: str = "true") -> list[str]:
    """One ``select`` per field giving this record's rule breaks (columns :data:`ISSUE_COLUMNS`).

    A field reports the first rule it breaks, in this order: parse failure, required field
    blank, date after the data cut, then the record's cross-field rules.
    """
    selects = []
    for name, plan in record.fields.items():
        column = plan.column
        branches = _branches(record, name, plan, ctx)
        if not branches:
            continue
        rule = "case " + " ".join(f"when {c} then {lit(r)}" for c, r in branches) + " end"
        # The raw value only where it cannot be personal data (quarantine applies safe_raw_sql
        # to every issue): ids and free text are only ever described by their shape.
        structured = column.kind != "text" or _is_coded(plan)
        if plan.source is None:
            raw = "null"
        elif structured and name not in ID_FIELDS and name not in FREE_TEXT_FIELDS:
            raw = ident(plan.source)
        else:
            raw = value_shape_sql(ident(plan.source))
        message = _message_sql("rule", record.table, name, plan.source_name)
        selects.append(
            f"select __file, __row, {lit(record.name)} as record, "  # noqa: S608
            f"{lit(record.table)} as target_table, {lit(plan.source_name)} as column_name, "
            f"rule, {message} as message, raw_value from (select __file, __row, "
            f"{raw} as raw_value, {rule} as rule from {typed} "
            f"where ({record.exists}) and ({where})) where rule is not null"
        )
    return selects


def row_issue_select(
    typed: str,
    condition: str,
    rule: str,
    table: str,
    column_name: str | None = None,
    raw: str = "null",
) -> str:
    """A ``select`` of row-level issues (record ``*``: every record of the row is held back)."""
    text = f"{rule}: {RULE_TEXT[rule]}" + (f" (column '{column_name}')" if column_name else "")
    return (
        f"select __file, __row, '*' as record, {lit(table)} as target_table, "  # noqa: S608
        f"{lit(column_name)} as column_name, {lit(rule)} as rule, {lit(text)} as message, "
        f"{raw} as raw_value from {typed} where {condition}"
    )


def _folded_name(name: str) -> str:
    """A column name as :func:`repeated_header_condition` compares it: lower case, letters and
    digits only (a byte-order mark, a no-break space or a line break in the cell ignored)."""
    return re.sub(r"[^a-z0-9]+", "", fold_header_name(name).lower())


# A reference cell that begins a totals line (a report's last row, 'TOTAL', 'Grand total: 340',
# 'Count 340', 'Records: 340'): matched as a word, in any case.
TOTALS_LABEL = r"^\s*(grand\s+)?(totals?|count|records)\b"


def totals_row_condition(typed: str, id_aliases: list[str]) -> str:
    """SQL true for a row that is its file's last data row in ``typed`` and whose mapped
    reference cell (``id_aliases``) begins as a totals line does (:data:`TOTALS_LABEL`): for a
    mapping without ``footer``. Only rows already flagged as breaking some rule are tested (a
    totals line is no complaint: no dates, codes or regime), so a reference that happens to
    start 'Count' on a loadable row is never touched."""
    if not id_aliases:
        return "false"
    label = " or ".join(
        f"regexp_matches(lower({ident(alias)}), {lit(TOTALS_LABEL)})" for alias in id_aliases
    )
    return (
        f"(({label}) and __row = (select max(t.__row) from {typed} t "  # noqa: S608
        f"where t.__file = _bad.__file))"
    )


def repeated_header_condition(columns: dict[str, str]) -> str:
    """SQL true for a row whose cells repeat the header: every mapped cell that is not blank
    holds its own column's name, and at least two do.

    ``columns`` maps each mapped column's name to its source alias. A name the mapping numbers
    (``Outcome (2)``, a name the header repeats) is also matched as the header writes it.
    Only the rows already flagged as breaking some rule are tested (a header's names are no
    dates, numbers or codes), so the cost over a large export is nil.
    """
    matches, present = [], []
    for name, alias in columns.items():
        cell = f"regexp_replace(lower({ident(alias)}), '[^a-z0-9]+', '', 'g')"
        names = {_folded_name(name), _folded_name(re.sub(r"\s*\(\d+\)$", "", name))}
        matches.append(
            f"({ident(alias)} is null or {cell} in ({', '.join(lit(n) for n in sorted(names))}))"
        )
        present.append(f"({ident(alias)} is not null)::integer")
    return f"({' and '.join(matches)} and {' + '.join(present)} >= 2)"


def cell_count_issue_select(typed: str, table: str, header_cells: dict[str, int]) -> str:
    """A ``select`` of ``wrong_cell_count`` issues: CSV rows whose cells differ in number from
    the header's (``__cells`` not null, see :func:`pipeline.sources.csv_reader.read_csv_text`).

    Every cell after an unquoted delimiter, or after a missing cell, sits in the wrong column, so
    the whole row is held back (record ``*``). The message and ``raw_value`` give the row's and
    the header's cell counts, never a cell.
    """
    whens = " ".join(f"when {lit(f)} then {n}" for f, n in header_cells.items())
    width = f"(case __file {whens} end)" if whens else "null"
    plural = "case when {n} = 1 then ' cell' else ' cells' end"
    message = (
        "'wrong_cell_count: row ' || __row || ' has ' || __cells || "
        f"{plural.format(n='__cells')} || ', the header has ' || {width} || ': ' || "
        f"{lit(CELL_COUNT_CAUSE)}"
    )
    return (
        f"select __file, __row, '*' as record, {lit(table)} as target_table, "  # noqa: S608
        f"null as column_name, 'wrong_cell_count' as rule, {message} as message, "
        f"cast(__cells as varchar) as raw_value from {typed} where __cells is not null"
    )


def insert_sql(record: RecordPlan, typed: str, extra_where: str = "true") -> str:
    """``insert`` of this record's loadable rows into its canonical table.

    A row loads the record unless an issue names this record or the whole row (``*``).
    """
    names = list(record.fields)
    columns = ", ".join(ident(n) for n in ["landlord_id", *names, "source_file", "source_row"])
    values = ", ".join(record.col(n) for n in names)
    return (
        f"insert into {ident(record.table)} ({columns}) "  # noqa: S608
        f"select $landlord_id, {values}, t.__file, t.__row from {typed} t "
        f"where ({record.exists}) and ({extra_where}) and not exists ("
        f"select 1 from _issues i where i.__file = t.__file and i.__row = t.__row "
        f"and i.record in ({lit(record.name)}, '*'))"
    )
