"""The RSH field codes the product uses, and how a column title gives its field code.

A column is matched to its Data Dictionary field code two ways, and both must agree where both
apply: by the dictionary's own column heading for that code (the same edition's wording), and by the
measure code the titles carry (``"... (CH01 1 Numerator)"``, ``"... (TP09)"``, the extension split's
"stage one ... without the use of the 10 day extension"). The first finds a field the product has
never seen (a new field of a later edition needs no code change); the second still finds a known
field when an edition rewords a heading in its sheet but not in its dictionary.
"""

from __future__ import annotations

import re

# RSH stock suffix of field codes -> the product's stock type (measures.breakdown_value).
STOCK_TYPE = {"LCRA": "lcra", "LCHO": "lcho", "COMB": "combined"}
STOCK_WORDS = {"lcra": "LCRA", "lcho": "LCHO", "combined": "COMB", "comb": "COMB"}

# The complaint fields of the management information, without the stock suffix, in the order the
# extract writes them. The extension split (Stg...) exists from the 2024/25 edition only.
CH_FIELDS = [
    f"{measure}_{stage}_{part}"
    for stage in (1, 2)
    for measure in ("CH01", "CH02")
    for part in ("Calculated_Value", "Numerator", "Denominator")
]
EXTENSION_FIELDS = [
    f"Stg{stage}_comp_{kind}_Ext" for stage in (1, 2) for kind in ("without", "with")
]
MI_FIELDS = CH_FIELDS + EXTENSION_FIELDS
# TP09 fields of the perception sheets (the RSH's own spelling "Fiter" for the "no" count).
TP09_FIELDS = ["Filter_Yes", "Fiter_No", "VS", "FS", "NSD", "FD", "VD", "Satisfied_Calc"]

# Any complaint-handling field of either table, known to the product or not (a later edition's new
# field is carried into the extract and the TSM return without a code change).
MI_FAMILY = re.compile(r"^(?P<base>(?:CH\d{2}|Stg\d_comp)_\w+?)_(?P<suffix>LCRA|LCHO|COMB)$")
TP09_FAMILY = re.compile(r"^TP09_(?P<base>\w+?)_(?P<suffix>LCRA|LCHO|COMB)$")

ANSWERS = {
    "very satisfied": "VS",
    "fairly satisfied": "FS",
    "neither satisfied nor dissatisfied": "NSD",
    "fairly dissatisfied": "FD",
    "very dissatisfied": "VD",
}

# "(CH01 1 Numerator)", "(CH02 2)", "(CH01_1 numerator)", and as a later edition may write it,
# "(CH01: 1 Numerator)", "CH01 1 Numerator" without brackets, "CH01_1_Numerator_LCRA" (the field
# code itself): the measure code in a title, a whole word (not "XCH01 1" nor "CH01 12").
_CH_CODE = re.compile(
    r"(?<![A-Za-z0-9])(CH0[12])\s*[:._-]?\s*([12])(?![0-9])"
    r"(?:[\s_:.-]+(numerator|denominator|calculated[\s_]value)(?![a-z]))?",
    re.IGNORECASE,
)
# The stock type leading the title ("LCRA - ...", "LCRA: ...", "LCRA ...") or, in a title that
# does not start with it, ending it ("... (CH01 1 Numerator) - LCRA", "..._LCRA", "... (LCRA)").
# A stock type as a heading names it: the RSH's abbreviations, or the words an edition may write
# instead ("Low cost rental accommodation - ...", "Combined (LCRA and LCHO) - ...").
_STOCK_NAME = (
    r"(LCRA|LCHO|Combined|COMB|low[ -]cost rental(?: accommodation)?|"
    r"low[ -]cost home[ -]?ownership|shared ownership)"
)
_STOCK = re.compile(
    rf"^{_STOCK_NAME}(?:\s*\((?:LCRA|LCHO|LCRA (?:and|\+|&) LCHO)\))?(?:\s*[-–:_]|\s)",
    re.IGNORECASE,
)
_STOCK_LAST = re.compile(rf"[\s_(–-]{_STOCK_NAME}\)?$", re.IGNORECASE)


def stock_suffix_of(name: str) -> str:
    """The field codes' suffix for a stock type as a heading names it: ``"LCRA"``, ``"lcho"``,
    ``"Combined"``, ``"Low cost rental accommodation"``, ``"Shared ownership"`` -> ``"LCRA"``,
    ``"LCHO"``, ``"COMB"``, ``"LCRA"``, ``"LCHO"``."""
    key = re.sub(r"[\s-]+", " ", name.lower())
    if key.startswith("low cost rental"):
        return "LCRA"
    if key.startswith(("low cost home", "shared ownership")):
        return "LCHO"
    return STOCK_WORDS[key]


_EXTENSION = re.compile(
    r"\bstage (one|two|1|2)\b.*?\b(without|with)\b[^()]*?\bextension", re.IGNORECASE
)


def management_info_field(title: str, suffix: str | None = None) -> str | None:
    """The field code a management-information column title gives, or None.

    Parameters
    ----------
    title : str
        Cleaned column title, e.g. ``"LCRA - ... (CH01 1 Numerator)"``.
    suffix : str, optional
        The stock type (``"LCRA"``, ``"LCHO"``, ``"COMB"``) of a sheet laid out one row per
        landlord and stock type, whose titles carry none: ``"... (CH01 1 Numerator)"`` is then
        ``CH01_1_Numerator_<suffix>``.

    Returns
    -------
    str or None
        E.g. ``"CH01_1_Numerator_LCRA"``, ``"CH02_2_Calculated_Value_COMB"`` or
        ``"Stg1_comp_without_Ext_LCHO"``; None for columns the product does not use.
    """
    if suffix is None:
        stock = _STOCK.match(title) or _STOCK_LAST.search(title)
        if not stock:
            return None
        suffix = stock_suffix_of(stock.group(1))
    code = _CH_CODE.search(title)
    if code:
        measure, stage, part = code.groups()
        part = part.capitalize() if part and part[0] in "nNdD" else "Calculated_Value"
        return f"{measure.upper()}_{stage}_{part}_{suffix}"
    split = _EXTENSION.search(title)
    if split:
        stage = 1 if split.group(1).lower() in ("one", "1") else 2
        return f"Stg{stage}_comp_{split.group(2).lower()}_Ext_{suffix}"
    return None


def without_stock(title: str) -> str:
    """A heading without the stock type leading or ending it: ``"LCRA - Number of ..."``,
    ``"... (CH01 1 Numerator) - LCHO"`` and ``"Relevant tenant population size (Combined)"`` ->
    ``"Number of ..."``, ``"... (CH01 1 Numerator)"``, ``"Relevant tenant population size"`` (the
    heading of a sheet laid out one row per landlord and stock type, which carries none)."""
    text = title.strip()
    lead = _STOCK.match(text)
    if lead:
        text = text[lead.end() :].lstrip(" -–:_")
    else:
        last = _STOCK_LAST.search(text)
        if last:
            text = text[: last.start()].rstrip(" -–:_(")
    return text.strip()


def perception_field(title: str, suffix: str) -> str | None:
    """The TP09 field code a perception column title gives (for stock ``suffix``), or None."""
    lowered = title.lower().replace("’", "'")
    if re.search(r"(?<![a-z0-9])tp09(?![0-9])", lowered):  # "(TP09)", "(TP09 %)", "TP09:"
        lowered = re.sub(r"^tp09\s*[:.\-–]?\s*", "", lowered)  # the code leading: "TP09: ..."
        if lowered.startswith("proportion of respondents who report that they are satisfied"):
            return f"TP09_Satisfied_Calc_{suffix}"
        for words, code in ANSWERS.items():
            if lowered.startswith(f"number of respondents who report that they are {words} "):
                return f"TP09_{code}_{suffix}"
        return None
    if lowered.startswith("number of respondents who report that they have made a complaint"):
        return f"TP09_Filter_Yes_{suffix}"
    if lowered.startswith("number of respondents who report that they have not made a complaint"):
        return f"TP09_Fiter_No_{suffix}"
    return None


_TABLE_STOCK = re.compile(r"(?<![a-z])(lcra|lcho|combined|comb)(?![a-z])")


def stock_codes(code: str, table: str) -> list[str]:
    """The field codes a Data Dictionary code stands for: itself, or, for a complaint field listed
    without its stock suffix (``CH01_1_Numerator``, ``TP09_VS``: an edition laid out one row per
    landlord and stock type may list each field once), the field for the stock type its table's
    name names (``TSM27_LCRA_Perception``), else for each of the three
    (``CH01_1_Numerator_LCRA``, ``_LCHO``, ``_COMB``)."""
    if MI_FAMILY.match(code) or TP09_FAMILY.match(code):
        return [code]
    if not (MI_FAMILY.match(f"{code}_LCRA") or TP09_FAMILY.match(f"{code}_LCRA")):
        return [code]
    named = {STOCK_WORDS[w] for w in _TABLE_STOCK.findall(table.lower())}
    suffixes = sorted(named) if len(named) == 1 else list(STOCK_TYPE)
    return [f"{code}_{suffix}" for suffix in suffixes]


def family_base(code: str, family: re.Pattern) -> tuple[str, str] | None:
    """``(base, suffix)`` of a field code of ``family``: ``CH01_1_Numerator_LCRA`` ->
    ``("CH01_1_Numerator", "LCRA")``; None for a code outside it."""
    found = family.match(code)
    return (found.group("base"), found.group("suffix")) if found else None


def ordered_bases(present: set[str], known: list[str]) -> list[str]:
    """The known bases first, in their order, then any others (a new edition's) as found."""
    return [b for b in known if b in present] + sorted(present - set(known))


__all__ = [
    "ANSWERS",
    "CH_FIELDS",
    "EXTENSION_FIELDS",
    "MI_FAMILY",
    "MI_FIELDS",
    "STOCK_TYPE",
    "TP09_FAMILY",
    "TP09_FIELDS",
    "family_base",
    "management_info_field",
    "ordered_bases",
    "perception_field",
    "stock_codes",
    "stock_suffix_of",
    "without_stock",
]
