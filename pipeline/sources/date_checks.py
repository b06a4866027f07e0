"""Dates that read but cannot be trusted (docs/mapping.md, rules ``date_time_invalid`` and
``date_weekday_mismatch``): times are ignored and DuckDB's ``%A`` reads any weekday, so
'02/05/2024 25:10' and 'Tuesday 02 May 2024' (a Thursday) loaded as the date written."""

from __future__ import annotations


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# A time of day in a date cell: hours, minutes and optional seconds (not part of a longer run of
# digits and colons), read to judge it (date_time_invalid).
_TIME_OF_DAY = r"(?:^|[^0-9:])([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?(?:\.[0-9]*)?\s*([AaPp][Mm])?(?:[^0-9:]|$)"
# The weekday written in a date cell: its first three letters (date_weekday_mismatch). No month's
# name starts with one of them.
_WEEKDAY = r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b"


def time_invalid_sql(x: str) -> str:
    """SQL true when cell ``x`` holds a time of day that does not exist: an hour past 24 (24:00
    itself is the day's end, as ISO 8601 allowed), past 12 with AM or PM (13:30 PM), or minutes
    or seconds past 59. Only a cell with a colon is looked at."""
    parts = f"regexp_extract({x}, {_lit(_TIME_OF_DAY)}, ['h', 'm', 's', 'ampm'])"
    bad = (
        "list_transform([t], lambda t: coalesce(try_cast(t.h as integer) > 24 "
        "or (t.ampm <> '' and try_cast(t.h as integer) > 12) "
        "or try_cast(t.m as integer) > 59 or try_cast(t.s as integer) > 59 "
        "or (try_cast(t.h as integer) = 24 and (try_cast(t.m as integer) > 0 "
        "or try_cast(t.s as integer) > 0)), false))[1]"
    )
    # CASE, not AND: DuckDB evaluates both sides of an AND over a whole vector, so every date
    # cell paid for the regular expression (0.6 s of a 100,000-complaint landlord's 2.5 s load)
    return (
        f"(case when contains({x}, ':') then {bad.replace('[t]', f'[{parts}]', 1)} else false end)"
    )


def weekday_mismatch_sql(x: str, value: str) -> str:
    """SQL true when cell ``x`` names a weekday that is not the weekday of its date ``value``.
    Only a cell with a letter in it is looked at."""
    named = f"regexp_extract(lower({x}), {_lit(_WEEKDAY)}, 1)"
    # CASE, not AND, as above: only a cell with a letter pays for the weekday's extraction
    return (
        f"(case when {value} is not null and lower({x}) <> upper({x}) then {named} <> '' "
        f"and {named} <> lower(left(dayname({value}), 3)) else false end)"
    )
