"""A resident's postal address or postcode in text people wrote for the reports.

Used by :mod:`pipeline.contact_details`, which withholds what is found here as it does an email
address or a phone number. Found: a full UK postcode (outward and inward code, with or without
the space, any case) and a house, flat or unit number followed by a street name ending in a
street word ("14 Acacia Avenue", "Flat 3, 22 High St"), through the town and postcode when they
follow ("14 Acacia Avenue, Leeds LS6 2QT" is one span), and a single home's name with its street
or village and no number ("Rose Cottage, Mill Lane", postcode or not), and a flat in a named
block ("Flat 3 Acacia House"). Kept: public bodies' addresses
(:data:`PUBLIC_ADDRESSES`) and the landlord's own (landlord.yaml ``complaints_contact.post``).

Board prose has numbers before capitalised words ("5 Stage 2 complaints", "3 Park View
residents"), so the screen needs a street word after at least one name word; lower-case names
count only before an unambiguous street word ("14 acacia avenue", never "a 20 percent rise"),
and a street followed by a word counting people or homes ("3 Park View residents") is a count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["PUBLIC_ADDRESSES", "Address", "find_addresses"]

# Street words any name may end in; a capitalised name is needed before these.
_WEAK = (
    "av|close|drive|dr|court|ct|way|place|pl|gardens|gdns|grove|walk|square|sq|mews|row|hill|park"
    "|view|rise|crescent|cres|terrace|terr|green"
)
# Street words prose almost never puts after a number and an ordinary word: a lower-case name
# ("14 acacia avenue") is read as an address before these only.
_STRONG = "street|st|road|rd|avenue|ave|lane|ln"
_ABBREVIATIONS = {
    "ST": "STREET",
    "RD": "ROAD",
    "AVE": "AVENUE",
    "AV": "AVENUE",
    "LN": "LANE",
    "DR": "DRIVE",
    "CT": "COURT",
    "PL": "PLACE",
    "GDNS": "GARDENS",
    "SQ": "SQUARE",
    "CRES": "CRESCENT",
    "TERR": "TERRACE",
}
# Words that join prose, never a street's name: "5 complaints about the road" is no address.
_STOP = (
    "a|an|the|of|in|on|at|to|for|by|from|with|about|and|or|per|cent|percent|our|their|its|this"
    "|that|these|those|each|every|all|more|less|than|into|onto|over|under|new|same|other|one"
)
# A number and street followed by one of these counts people or things ("3 Park View residents").
_COUNTED = (
    "residents?|tenants?|households?|homes?|properties|property|flats|blocks?|leaseholders?"
    "|complaints?|cases?|claims?|hearings?|schemes?|estates?|sessions?|events?|meetings?"
    "|visits?|members?|staff|families|people|customers?|repairs?|orders?|units|dwellings?"
)
_TITLE = r"[A-Z][A-Za-z'’]*(?:-[A-Za-z'’]+)*\.?(?![\w'’])"
_LOWER = rf"(?!(?:{_STOP})\b)[a-z][a-z'’]*(?:-[a-z'’]+)*(?![\w'’])"
_POSTCODE = (
    r"(?<![A-Za-z0-9])(?i:[A-PR-UWYZ][A-HK-Y]?[0-9][A-HJKMNPR-Y0-9]?[^\S\n]{0,2}[0-9]"
    r"[ABD-HJLNP-UW-Z]{2})(?![A-Za-z0-9])"
)
# A house number ("14", "7b", "12-14", "3/14"), never a year ("2025 Market Square") or a part of
# a longer figure ("6.11", "£1,250", "2024-25")
_NUMBER = (
    r"(?<![\w.,/:£$€-])(?!(?:19|20)[0-9]{2}\b)[0-9]{1,4}[A-Za-z]?"
    r"(?:[^\S\n]?[-–/][^\S\n]?[0-9]{1,4}[A-Za-z]?)?"
)
_PREFIX = (
    r"(?i:flat|unit|apartment|apt|maisonette|room|suite)\.?[^\S\n]+"
    r"(?:(?:[0-9]{1,4}[A-Za-z]?|[A-Z])\b,?[^\S\n]+|(?=[0-9]{1,4}[A-Za-z]?/[0-9]))"  # Flat 3/14
)
_STREET = (
    rf"(?:(?:{_TITLE}[^\S\n]+){{1,4}}(?i:{_WEAK}|{_STRONG})"
    rf"|(?:{_LOWER}[^\S\n]+){{1,3}}(?i:{_STRONG}))\b"
    rf"(?![^\S\n]+(?:{_TITLE}[^\S\n]+){{0,3}}(?i:{_COUNTED})\b)"
)
_PLACE = rf"(?:{_TITLE}|{_LOWER})"
# A block of flats named without a street word ("Acacia House", "Nelson Mansions"): an address
# only after a flat's number ("Flat 3 Acacia House"); alone it is a scheme or a block of many homes.
_BLOCK = rf"(?:{_TITLE}[^\S\n]+){{1,3}}(?i:house|lodge|mansions|tower|heights|buildings|point)\b"
_ADDRESS = re.compile(
    rf"(?P<address>(?:(?P<prefix>{_PREFIX})?(?P<street>{_NUMBER},?[^\S\n]+{_STREET})"
    rf"|(?P<flat>{_PREFIX})(?P<building>{_STREET}|{_BLOCK}))"
    rf"(?:(?:,?[^\S\n]+{_PLACE}(?:[^\S\n]+{_PLACE}){{0,2}}){{0,3}},?[^\S\n]+(?P<tail>{_POSTCODE}))?)"
    rf"|(?P<postcode>{_POSTCODE})"
)

# Before a postcode, an address with no street word ("Flat 3, Acacia House, Leeds LS6 2QT",
# "12 The Maltings, York YO1 7HH"): from its flat or house number, it is withheld with the
# postcode, not left standing before the mark.
_LEAD_IN = re.compile(
    rf"(?:{_PREFIX}(?:{_NUMBER},?[^\S\n]+)?|{_NUMBER},?[^\S\n]+)"
    rf"{_PLACE}(?:,?[^\S\n]+{_PLACE}){{0,7}},?[^\S\n]+\Z"
)


# A single home's name (a cottage, farm, bungalow, old rectory ...), then a comma and its street
# or village, with no house number or postcode: "Rose Cottage, Mill Lane", "The Old Rectory,
# Church Road", "Hill Farm, Long Sutton"), or its street without the comma ("Rose Cottage Mill
# Lane"). Only these words: prose lists schemes and blocks ("Abbey Court, Chantry Close and Priory
# Gardens"), which are many homes, not a resident's.
_DWELLING = "cottage|farmhouse|farm|barn|bungalow|rectory|vicarage|croft|manse|smithy"
_NAMED_HOME = re.compile(
    rf"(?<![\w'’])(?:{_TITLE}[^\S\n]+){{1,3}}(?i:{_DWELLING})(?![\w'’])"
    # its street or village after a comma, or a street without one ("Rose Cottage Mill Lane":
    # then the words must end in a street word, so "Rose Cottage Residents Association" is kept)
    rf"(?:,[^\S\n]*{_TITLE}(?:[^\S\n]+{_TITLE}){{0,3}}"
    rf"|[^\S\n]+(?:{_TITLE}[^\S\n]+){{1,3}}(?i:{_WEAK}|{_STRONG})\b)"
    rf"(?:(?:,?[^\S\n]+{_PLACE}(?:[^\S\n]+{_PLACE}){{0,2}}){{0,3}},?[^\S\n]+{_POSTCODE})?"
)


def _postcode_key(text: str) -> str:
    return re.sub(r"\s", "", text).upper()


def _street_key(text: str) -> str:
    """'24 Hester Rd.' -> '24 HESTER ROAD': one street however it is written."""
    words = re.sub(r"[^\w\s-]", " ", text).upper().split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


@dataclass(frozen=True)
class Address:
    """An address found in a text: its span, and its street and postcode (either may be '')."""

    start: int
    end: int
    street: str
    postcode: str

    def within(self, known: Address) -> bool:
        """Whether this is (part of) ``known``: its street and postcode, those it has, match."""
        if not (self.street or self.postcode):
            return False
        return (not self.street or self.street == known.street) and (
            not self.postcode or self.postcode == known.postcode
        )


def find_addresses(text: str) -> list[Address]:
    """Every postal address (a street with its number, town and postcode) and every lone
    postcode in ``text``."""
    found = []
    for match in _ADDRESS.finditer(text):
        if match.group("postcode"):
            line_start = text.rfind("\n", 0, match.start()) + 1
            lead = _LEAD_IN.search(text, line_start, match.start())
            start = lead.start() if lead else match.start()
            found.append(Address(start, match.end(), "", _postcode_key(match.group("postcode"))))
            continue
        street = match.group("street") or match.group("building")
        tail = match.group("tail") or ""
        found.append(Address(match.start(), match.end(), _street_key(street), _postcode_key(tail)))
    # a postcode after a named home is found twice: the withholding joins overlapping spans
    found += [
        Address(m.start(), m.end(), _street_key(m.group()), "") for m in _NAMED_HOME.finditer(text)
    ]
    return found


def known_addresses(texts: tuple[str, ...]) -> tuple[Address, ...]:
    """The addresses written in ``texts`` (an organisation's own), to be kept where quoted."""
    return tuple(a for text in texts for a in find_addresses(text))


# Public bodies' postal addresses, which a board response or the self-assessment may quote (the
# residents' learning summary prints the Housing Ombudsman's, pipeline/reporting/residents.py).
PUBLIC_ADDRESSES = known_addresses(
    (
        "Housing Ombudsman Service, PO Box 1484, Unit D, Preston, PR2 0ET",
        "Housing Ombudsman Service, Unit D, 24 Hester Road, London SW11 4AN",
        "SPSO, Bridgeside House, 99 McDonald Road, Edinburgh EH7 4NS",
        "Local Government and Social Care Ombudsman, PO Box 4771, Coventry CV4 0EH",
        "Energy Ombudsman, PO Box 966, Warrington WA4 9DF",
        "Care Inspectorate, Compass House, 11 Riverside Drive, Dundee DD1 4NY",
        "Regulator of Social Housing, Level 2, 7-8 Wellington Place, Leeds LS1 4AP",
        "Scottish Housing Regulator, Buchanan House, 58 Port Dundas Road, Glasgow G4 0HF",
    )
)
