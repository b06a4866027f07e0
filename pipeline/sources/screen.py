"""The personal-data screen of the load: what a free-text or raw cell may carry out of it.

A cell that reads as a person's name, contact details or an address is kept as ``other`` (a
label) or described by its shape (``text, 27 characters``) in ``quarantine.raw_value``, never
copied; the same patterns screen file names (:func:`looks_personal`). Every expression works on
a whole column, as :mod:`pipeline.sources.fields` does.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.sources.canonical import ALLOWED_CODES, LABEL_FIELDS
from pipeline.sql import ident, lit

if TYPE_CHECKING:
    from pipeline.sources.fields import FieldPlan


# Values that cannot be personal data, kept as typed in quarantine.raw_value: a number (at most
# nine digits before the point, so never a phone number), a date with or without a time (in
# figures, "2024-12-04", or with the month's name, "04-Dec-2024", "4 December 2024", "Dec 4,
# 2024"), an Excel error value, a yes/no token. Anything else is recorded by its shape only.
_MONTH_NAME = (
    r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_TIME_OF_DAY = r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]*)?)?\s*(?:[AaPp][Mm])?\s*(?:Z|[+-][0-9]{2}:?[0-9]{2}|GMT|BST)?)?"
SAFE_RAW = (
    r"^(?:[£$€]?\s?[-+]?[£$€]?(?:[0-9]{1,3}(?:,[0-9]{3}){1,2}|[0-9]{1,9})(?:\.[0-9]{1,6})?"
    rf"|[0-9]{{1,4}}[-/.][0-9]{{1,2}}[-/.][0-9]{{1,4}}{_TIME_OF_DAY}"
    rf"|[0-9]{{1,2}}[- /]{_MONTH_NAME}[- /][0-9]{{2,4}}{_TIME_OF_DAY}"
    rf"|{_MONTH_NAME} [0-9]{{1,2}},? [0-9]{{4}}{_TIME_OF_DAY}"
    r"|#(?:N/A|VALUE!|REF!|DIV/0!|NAME\?|NUM!|NULL!|ERROR|GETTING_DATA)"
    # hash signs only: a date or number Excel saved from a column too narrow to show it
    # ('########'); described as 'text, 8 characters', the user could not see why it failed
    r"|#{3,}"
    r"|(?i:y|n|yes|no|true|false|t|f))$"
)


# Contact details and identifiers typed into a free-text field (a category, a scheme): an email,
# a UK phone number, a postcode, a National Insurance number, a person named with a title ("Mrs
# Hall", "MR HALL"; the title's case is matched, so "missed appointment" is not one), a street
# address without its postcode ("Flat 3", "14 Gorsebrook Lane": a house number, then capitalised
# words ending in a street word). Such a value is stored as 'other' and counted in label_other; it
# never reaches the warehouse or a document. Bare names are screened by PERSON_NAME below.
STREET_WORDS = (
    "Road|Street|Lane|Close|Avenue|Drive|Crescent|Way|Place|Grove|Terrace|Gardens|Court|Square"
    "|Walk|Mews|Rise|Hill|Row|View|Park|Green"
)
# A home written without a house number, as rural and named homes are ("Rose Cottage, Mill Lane",
# "The Old Rectory, Church Road", "Rose Cottage, Little Snoring"): a name, a comma, then a street
# (capitalised words ending in a street word), or a single home's name (a cottage, farm,
# bungalow ...) then a comma and a place. Without a postcode after it such an address reached
# the scheme breakdowns and reports as written. A scheme's own name ("Riverside Court", "Rose
# Cottages", "Cedar Lodge") has no comma and a street after it, so it is kept. Capitals read
# alike ("ROSE COTTAGE, MILL LANE").
DWELLING_WORDS = "Cottage|Farmhouse|Farm|Barn|Bungalow|Rectory|Vicarage|Croft|Manse|Smithy"
_CAPITALISED = "[A-Z][A-Za-z'’-]+"
UNNUMBERED_ADDRESS = (
    rf"(?-i:\b{_CAPITALISED}(?:\s+{_CAPITALISED}){{0,3}},\s*(?:{_CAPITALISED}\s+){{1,3}}"
    rf"(?:{STREET_WORDS}|{STREET_WORDS.upper()})\b"
    rf"|\b{_CAPITALISED}\s+(?:{DWELLING_WORDS}|{DWELLING_WORDS.upper()}),\s*[A-Z])"
)
# A UK phone number: 9 or 10 digits after +44 / 0044 (an optional "(0)" after it) or after the
# trunk 0, with up to two of space, dot, hyphen (or dash) and bracket between digits: "0044 7700
# 900129", "+44 (0)7700 900130", "(0116) 496 0123", "0116-496-0123", "07700.900.123". The trunk 0
# and the next two digits are written together in every UK format, which is what keeps dates out
# ("01-02-2024 10.30": "01" then a hyphen); a digit either side (a longer number, "2024-2025",
# "£1,250.50", "C-000123") is not one.
_DASHES = "\u2010-\u2015\u2212"
_PHONE_GAP = rf"[\s.(){_DASHES}-]{{0,2}}"
PHONE = (
    r"(?:^|[^0-9])(?:"
    rf"(?:\+|00)\s?44\)?[\s.{_DASHES}-]?(?:\(0\)[\s.{_DASHES}-]?)?[1-9](?:{_PHONE_GAP}[0-9]){{8,9}}"
    rf"|\(?0\)?[1-9][0-9](?:{_PHONE_GAP}[0-9]){{7,8}}"
    r")(?:[^0-9]|$)"
)
CONTACT_DETAILS = (
    r"(?i)[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}"
    rf"|{PHONE}"
    r"|\b[a-z]{1,2}[0-9][a-z0-9]?\s*[0-9][abd-hjlnp-uw-z]{2}\b"
    r"|\b[a-ceghj-pr-tw-z][a-ceghj-npr-tw-z]\s?[0-9]{2}\s?[0-9]{2}\s?[0-9]{2}\s?[a-d]\b"
    r"|(?-i:\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Revd|Rev|Cllr"
    r"|MR|MRS|MS|MISS|MX|DR|PROF|REVD|REV|CLLR)\.?\s+[A-Z][A-Za-z'-]+)"
    r"|\b(?:flat|apartment|apt)\.?\s*[0-9]+[a-z]?\b"
    rf"|(?-i:\b[0-9]{{1,4}}[A-Za-z]?,?\s+(?:[A-Z][A-Za-z'-]+\s+){{1,3}}(?:{STREET_WORDS})\b)"
    rf"|{UNNUMBERED_ADDRESS}"
)


def _names(file: str) -> str:
    """A regex alternation of the names in ``pipeline/reference/<file>``, as written and in capitals."""
    text = (Path(__file__).parents[1] / "reference" / file).read_text(encoding="utf-8")
    names = {
        word for line in text.splitlines() if not line.startswith("#") for word in line.split()
    }
    return "(?:" + "|".join(sorted(names | {name.upper() for name in names})) + ")"


_FORENAME = _names("forenames.txt")
_COMMON_SURNAME = _names("surnames.txt")
_SURNAME = r"[A-Z][A-Za-z'’-]+"
# A bare name typed into a free-text field: a common forename (pipeline/reference/forenames.txt)
# then a capitalised word ("Jean Hall", "JEAN HALL", "Jean M. Hall"), "Hall, Jean", or a
# capitalised word or an initial then a common surname (pipeline/reference/surnames.txt: "Holly
# Smith", "J. Patel"), or a knight or dame ("Sir John"). Case is matched, so "jean" or "mark" in
# a sentence is not one.
PERSON_NAME = (
    rf"\b{_FORENAME}\s+(?:[A-Z]\.?\s+)?{_SURNAME}|\b{_SURNAME},\s*{_FORENAME}\b"
    rf"|\b[A-Z][A-Za-z'’-]*\.?\s+{_COMMON_SURNAME}\b"
    rf"|\b(?:Sir|Dame|SIR|DAME)\s+{_SURNAME}"
)
# ... unless it names a place, a body or a saint: schemes, wards, streets, trusts and contractors
# are often named after people ("Florence Court", "Harold Wilson Court", "Sir Robert Peel Court",
# "Joseph Rowntree Housing Trust", "Jack Taylor Builders Ltd", "St Thomas"). Such phrases are set
# aside before PERSON_NAME is tried, so "Jean Hall at Florence Court" is still screened. Hall,
# Hill and Green are surnames too often to count as place words (and North, South, East and
# West: "Stanley North" may be a person). A forename after a possessive title is a town's name
# ("King's Lynn", "Kings Lynn South", "Bishop's Stortford"): read as a person, a fifth of one
# onboarded landlord's complaints lost their scheme to 'other'.
_PLACE_WORDS = (
    "House|Court|Lodge|Gardens|Place|Close|Mews|Road|Street|Lane|Avenue|Drive|Crescent|Terrace"
    "|Grove|Square|View|Villas|Cottages|Estates?|Centre|Heights|Manor|Way|Wharf|Quay|Yard|Fields"
    "|Docks?|Island|Central|Marina|Harbour|Basin|Village"
    "|Park|Walk|Rise|Row|Valley|Towers?|Hospital|School|College|Church|Homes?|Hospice|Hostel"
    "|Almshouses|Bungalows|Flats|Apartments|Buildings?|Mansions|Chambers|Gate|Memorial|Trust"
    "|Foundation|Housing|Association|Society|Council|Ltd|Limited|LLP|PLC|Group|Services"
    "|Contractors|Builders|Construction|Partnership|Maintenance|Institute"
)
NAMED_PLACE = (
    rf"\b{_FORENAME}(?:\s+{_SURNAME})?\s+(?:{_PLACE_WORDS})\b"
    rf"|\b{_SURNAME}\s+{_COMMON_SURNAME}\s+(?:{_PLACE_WORDS})\b"
    rf"|\b(?:St|Saint)\.?\s+{_SURNAME}"
    rf"|\b(?i:King|Queen|Prince|Bishop|Abbot|Earl|Monk)['’]?(?i:s)"
    rf"\s+{_FORENAME}\b"
    rf"|\b(?:Sir|Dame)\s+(?:{_SURNAME}\s+){{1,2}}(?:{_PLACE_WORDS})\b"
)


# A word mixing Latin letters with Cyrillic or Greek ones ("Jean" typed with a Cyrillic U+0435
# for its "e"): letters that look Latin slip a name past the patterns above, and no real scheme
# or category name mixes scripts inside a word. Ranges, not \p{Cyrillic}: Python's re has no
# script classes.
_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_GREEK_CYRILLIC = "\u0370-\u03ff\u0400-\u052f\u1f00-\u1fff"
MIXED_SCRIPT = f"[{_LATIN}][{_GREEK_CYRILLIC}]|[{_GREEK_CYRILLIC}][{_LATIN}]"


def _chars(*ranges: tuple[int, int]) -> str:
    return "".join(chr(c) for first, last in ranges for c in range(first, last + 1))


# Characters that hide text from the patterns (RE2's \s and \b are ASCII only): Unicode spaces
# (no-break, thin, ideographic...) and the zero-width space read as a space (dropped, it would
# join "Jean<ZWSP>Hall" into one word the name screen cannot see); the other zero-width
# characters, the soft hyphen and direction marks are dropped; fullwidth ASCII forms (U+FF10
# for "0", U+FF2A for "J") read as ASCII; combining accents are composed (NFC: "e" then U+0301
# is "é", as the name lists write it).
_SPACES = _chars((0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200B), (0x202F, 0x202F))
_SPACES += _chars((0x205F, 0x205F), (0x3000, 0x3000))
# Blank letters that render as a gap (Hangul fillers, the blank Braille pattern) read as spaces
_SPACES += _chars((0x115F, 0x1160), (0x2800, 0x2800), (0x3164, 0x3164), (0xFFA0, 0xFFA0))
_INVISIBLE = _chars((0xAD, 0xAD), (0x180E, 0x180E), (0x200C, 0x200F), (0x202A, 0x202E))
_INVISIBLE += _chars((0x2060, 0x2064), (0x2066, 0x2069), (0xFEFF, 0xFEFF))
# The combining grapheme joiner, the Arabic letter mark, variation selectors, Mongolian
# selectors and tag characters draw nothing either (found hiding "Jean Hall" and a phone number
# from the screen by the hostile audit)
_INVISIBLE += _chars((0x34F, 0x34F), (0x61C, 0x61C), (0x180B, 0x180D), (0x180F, 0x180F))
_INVISIBLE += _chars((0xFE00, 0xFE0F), (0xE0000, 0xE007F), (0xE0100, 0xE01EF))
_FOLD_FROM = _SPACES + _chars((0xFF01, 0xFF5E)) + _INVISIBLE
_FOLD_TO = " " * len(_SPACES) + _chars((0x21, 0x7E))
HIDDEN_CHARS = f"[{_SPACES}{_INVISIBLE}\uff01-\uff5e\u0300-\u036f]"
_FOLD_TABLE = str.maketrans(_FOLD_FROM[: len(_FOLD_TO)], _FOLD_TO, _INVISIBLE)


def _folded_sql(x: str) -> str:
    return f"nullif(trim(nfc_normalize(translate({x}, {lit(_FOLD_FROM)}, {lit(_FOLD_TO)}))), '')"


def normalised_text(value: str) -> str | None:
    """Python twin of the value :func:`screened_text_sql` screens and keeps: a (trimmed) cell
    with :data:`HIDDEN_CHARS` folded, composed, trimmed again, and None when nothing is left."""
    if not re.search(HIDDEN_CHARS, value):
        return value
    return unicodedata.normalize("NFC", value.translate(_FOLD_TABLE)).strip(" ") or None


def _screen_value_sql(x: str) -> str:
    """The value the screen reads: the cell as it is, or folded when it holds a hidden character.

    ASCII (``strlen``, bytes, equals ``length``, characters; nearly every cell) needs no fold;
    other text is folded only when it holds a hidden character (translate() costs ~10 us a cell).
    """
    return (
        f"case when strlen({x}) = length({x}) or not regexp_matches({x}, {lit(HIDDEN_CHARS)}) "
        f"then {x} else {_folded_sql(x)} end"
    )


_ZWSP = "\u200b"


def _screen_read_sql(x: str) -> str:
    """What the screen's patterns read: :func:`_screen_value_sql`, and for a cell holding a
    zero-width space, also that value with it dropped rather than read as a space (inside a
    word, "J<ZWSP>ean Hall" is drawn "Jean Hall" but read "J ean Hall"), after ' | ', which no
    pattern reads across. One value, so each pattern is still written once per statement."""
    dropped = _folded_sql(f"replace({x}, {lit(_ZWSP)}, {lit(chr(0x2060))})")
    return (
        f"case when strlen({x}) <> length({x}) and contains({x}, {lit(_ZWSP)}) then "
        f"{_folded_sql(x)} || ' | ' || {dropped} else {_screen_value_sql(x)} end"
    )


def _screen_hit_sql(v: str, x: str) -> str:
    """SQL true when the screen value ``v`` (of the cell ``x``) holds contact details or a name
    (or, for a cell outside ASCII, a word mixing scripts)."""
    return (
        f"((strlen({x}) <> length({x}) and regexp_matches({v}, {lit(MIXED_SCRIPT)})) "
        f"or regexp_matches({v}, {lit(CONTACT_DETAILS)}) or (regexp_matches({v}, "
        f"{lit(PERSON_NAME)}) and regexp_matches(regexp_replace({v}, {lit(NAMED_PLACE)}, ' ', "
        f"'g'), {lit(PERSON_NAME)})))"
    )


def screened_sql(x: str) -> str:
    """SQL true when a free-text value holds contact details, a person's name or a word mixing
    scripts (see above), judged with its hidden characters folded (:func:`normalised_text`)."""
    return _screen_hit_sql(f"({_screen_read_sql(x)})", x)


def looks_personal(names: list[str]) -> set[str]:
    """Python twin of :func:`screened_sql` for names read from a file rather than cells of a
    table (sheet names, header cells): those holding contact details, a person's name or a word
    mixing scripts. A message quotes such a name only when it is not in this set (one query for
    all of them: the screen's patterns take about 12 ms each to compile)."""
    import duckdb

    unknown = [name for name in dict.fromkeys(names) if name not in _LOOKS_PERSONAL]
    if unknown:
        with duckdb.connect() as con:
            sql = f"select v from (select unnest($names) as v) where {screened_sql('v')}"  # noqa: S608
            hits = {row[0] for row in con.execute(sql, {"names": unknown}).fetchall()}
        _LOOKS_PERSONAL.update((name, name in hits) for name in unknown)
    return {name for name in names if _LOOKS_PERSONAL[name]}


# Each name's verdict, once a process: a landlord's file names are screened by every step that
# lists its files (the load, its checks, the command's messages), about 30 ms a query.
_LOOKS_PERSONAL: dict[str, bool] = {}


def shown_names(names: list[str], *, quote: bool = True) -> str:
    """``names`` for a message (quoted, or not), those :func:`looks_personal` finds left out
    and counted."""
    personal = looks_personal(names)
    kept = [repr(name) if quote else name for name in names if name not in personal]
    hidden = len(names) - len(kept)
    if hidden:
        looks = "its name looks" if hidden == 1 else "their names look"
        kept.append(f"{hidden} more not shown: {looks} like a person's name or contact details")
    return ", ".join(kept)


# The load screens every free-text cell of a file in one statement (:func:`screen_flags_sql`)
# and the typed columns read the result: DuckDB compiles a regular expression for each place it
# is written in a query, and the name lists compile to about 12 ms each, so a screen written out
# per field cost a landlord 0.2 s whatever its number of rows.
SCREENED_COLUMNS = "__screened"


# A free-text field holds a label (a scheme, a category, a reason) that documents may print: a
# cell longer than this is no label (a hostile 1 MB cell, a pasted letter) and is stored as 'other'
# and counted, like personal data; it is not read by the patterns either.
MAX_TEXT_CHARS = 255


# Excel's error values (a formula it could not work out, saved as text: a failed lookup is
# '#N/A'). In a free-text field such a value is no scheme or category: it was loaded as one, with
# its own breakdown rows and scheme report, and the complaints left their real scheme.
EXCEL_ERROR = (
    r"^#(?:N/A|VALUE!|REF!|DIV/0!|NAME\?|NUM!|NULL!|ERROR!?|GETTING_DATA|SPILL!|CALC!|FIELD!"
    r"|BLOCKED!|CONNECT!|BUSY!|UNKNOWN!|PYTHON!)$"
)


def excel_error_sql(x: str) -> str:
    """SQL true when a cell is an Excel error value (the cheap test for '#' first)."""
    return f"(starts_with({x}, '#') and regexp_matches({x}, {lit(EXCEL_ERROR)}))"


def _too_long_sql(x: str) -> str:
    """SQL true when a free-text cell is no label: longer than :data:`MAX_TEXT_CHARS`, or an
    Excel error value (:data:`EXCEL_ERROR`; the cheap test for '#' first)."""
    return f"(length({x}) > {MAX_TEXT_CHARS} or {excel_error_sql(x)})"


def screen_flags_sql(frame: str, sources: list[str]) -> str:
    """Select ``__file, __row, __screened`` (the source aliases whose cell :func:`screened_sql`
    flags, or longer than :data:`MAX_TEXT_CHARS`) for each row of ``frame`` with a flagged cell
    among ``sources``: one screen for all of them (the cells in long form), so each pattern is
    compiled once per statement."""
    keys = ", ".join(lit(s) for s in sources)
    cells = ", ".join(ident(s) for s in sources)
    return (
        f"select __file, __row, list(k order by k) as {SCREENED_COLUMNS} from ("  # noqa: S608
        f"select __file, __row, k, x, {_screen_read_sql('x')} as v from ("
        f"select __file, __row, unnest([{keys}]) as k, unnest([{cells}]) as x from {frame})) "
        f"where x is not null and ({_too_long_sql('x')} or {_screen_hit_sql('v', 'x')}) "
        "group by __file, __row"
    )


def screened_flag_sql(source: str) -> str:
    """SQL true when the row's cell ``source`` was flagged by :func:`screen_flags_sql`."""
    return f"coalesce(list_contains({SCREENED_COLUMNS}, {lit(source)}), false)"


def is_screened_text(plan: FieldPlan) -> bool:
    """True for a free-text field read from a cell as typed (screened by :func:`screened_text_sql`)."""
    column, spec = plan.column, plan.spec
    if spec is None or spec.column is None or spec.codes or plan.pseudonymised:
        return False
    if spec.other is not None:  # every filled cell is the mapping's own value
        return False
    if column.kind != "text" or (column.table, column.name) in LABEL_FIELDS:
        return False
    return (column.table, column.name) not in ALLOWED_CODES


def screened_text_sql(x: str, flag: str | None = None) -> str:
    """SQL for a free-text field's value, or 'other' when :func:`screened_sql` is true or the
    value is longer than :data:`MAX_TEXT_CHARS` (``flag``: the load's precomputed verdict,
    :func:`screened_flag_sql`).

    The value kept has its hidden characters folded (:func:`normalised_text`): a label never
    carries a no-break space or an invisible character into a document or a file name.
    """
    flag = flag or f"({_too_long_sql(x)} or {screened_sql(x)})"
    return f"(case when {flag} then 'other' else {_screen_value_sql(x)} end)"


def value_shape_sql(x: str) -> str:
    """SQL describing a cell by its shape, never its content: ``text, 27 characters``."""
    return (
        f"case when {x} is null then null else 'text, ' || length({x}) || "
        f"case when length({x}) = 1 then ' character' else ' characters' end end"
    )


# A shape value_shape_sql already wrote (an id's or a free-text cell's): kept as it is, where it
# was described again as "text, 18 characters" (the length of "text, 8 characters").
_SHAPE = r"^text, [0-9]+ characters?$"


def safe_raw_sql(x: str) -> str:
    """SQL for quarantine.raw_value: the cell when it cannot be personal data, else its shape."""
    return (
        f"case when regexp_matches({x}, {lit(SAFE_RAW)}) or regexp_matches({x}, {lit(_SHAPE)}) "
        f"then {x} else {value_shape_sql(x)} end"
    )


def value_shape(value: object) -> str | None:
    """Python twin of :func:`safe_raw_sql` for values outside SQL (check failure cases)."""
    if value is None:
        return None
    text = str(value)
    if re.match(SAFE_RAW, text):
        return text
    return f"text, {len(text)} character" + ("" if len(text) == 1 else "s")
