"""Synthetic complainants and complaint descriptions: the personal data planted in the raw exports,
which must never leave them.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass

FIRST = (
    "Margaret Joan Brian Patricia Dennis Irene Kenneth Sheila Derek Maureen Colin Valerie Harold "
    "Eileen Roy Doreen Trevor Sylvia Barry Jean Mohammed Aisha Tariq Grace Chidi Ngozi Priya "
    "Rajesh Siobhán Zoë Renée José Chloé François Agnès Björn Noël Hélène Seán Daniel Amelia "
    "Oliver Sophie Liam Chantelle Kyle Jade Dariusz Agnieszka Fiona Alasdair Morag Hamish Eilidh"
).split()
LAST = (
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans Walker "
    "White Roberts Green Hall Wood Jackson Clarke Patel Khan Begum Okafor Mensah Nowak Kowalski "
    "O'Brien MacLeod Campbell Stewart Fraser Murray Ferguson Müller Lefèvre Gómez Núñez Brontë "
    "Ahmed Hussain Singh Kaur Adeyemi Nguyen Costa Rossi Sørensen"
).split()
STREETS = (
    "Mill Lane|Church Road|Station Road|Victoria Street|Park Avenue|Oak Close|Elm Grove|"
    "Queen's Drive|Meadow Way|Kingsway|Albert Road|Heather Court|Rowan Walk|Orchard Rise|"
    "Brook Street|Castle View|Ferry Road|Harbour Street|Glebe Crescent|Willow Bank"
).split("|")
TOWNS_ENG = (
    "Birmingham Leeds Bristol Nottingham Norwich Leicester Coventry York Derby Exeter".split()
)
TOWNS_SCT = "Glasgow Edinburgh Dundee Aberdeen Paisley Stirling Perth Inverness".split()
POSTCODES_ENG = "B15 LS6 BS3 NG7 NR2 LE4 CV1 YO10 DE22 EX4".split()
POSTCODES_SCT = "G12 EH6 DD3 AB24 PA1 FK8 PH1 IV2".split()


# Columns of the raw exports that carry personal data or free text. They are never mapped, and every
# value written to them is listed in examples/PLANTED_PII.json so tests can prove none leaks.
PERSONAL_COLUMNS = frozenset(
    {
        "Complainant Name", "Address", "Postcode", "Email", "Telephone", "Summary of Complaint",
        "Customer Name", "Tel", "Details", "Phone", "Complaint Summary", "TenantName",
        "PropertyAddress", "ContactEmail", "ContactPhone", "Notes", "Payee", "From", "Comments",
        "Compliment From", "Compliment", "Text", "Comment",
    }
)  # fmt: skip


@dataclass
class Person:
    name: str
    address: str
    postcode: str
    email: str
    phone: str


def _ascii(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return folded.lower().replace("'", "")


def make_person(rng: random.Random, regime: str = "eng") -> Person:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    towns = TOWNS_SCT if regime == "sct" else TOWNS_ENG
    town = rng.randrange(len(towns))
    outward = (POSTCODES_SCT if regime == "sct" else POSTCODES_ENG)[town]
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    postcode = f"{outward} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
    address = f"{rng.randint(1, 140)} {rng.choice(STREETS)}, {towns[town]}"
    handle = _ascii(first) + rng.choice([".", "_", ""]) + _ascii(last) + str(rng.randint(1, 99))
    email = f"{handle}@{rng.choice(['example.com', 'example.org', 'example.net'])}"
    phone = f"07700 900{rng.randint(0, 999):03d}"
    return Person(f"{first} {last}", address, postcode, email, phone)


DESCRIPTION_TEMPLATES = {
    "repairs": [
        "{first} says the repair to the {thing} reported on {d1} has still not been done after {n} visits.",
        "Operative did not turn up on {d1} for the {thing} repair; {first} took a day off work.",
        "{first} unhappy that the {thing} was patched not replaced, leaking again since {d1}.",
    ],
    "damp": [
        "Black mould in the {room} returned by {d1}; {first} says the treatment on {d2} did not work.",
        "{first} reports damp in the {room} affecting their asthma, first reported {d1}.",
    ],
    "asb_handling": [
        "{first} says the ASB reports about the neighbour at number {n} since {d1} were not followed up.",
        "No call back from the ASB officer after the incident on {d1}, {first} feels ignored.",
    ],
    "staff": [
        "{first} says a member of staff was rude on the phone on {d1} and hung up.",
        "Scheme manager did not pass on a message from {first} on {d1}.",
    ],
    "communication": [
        "{first} has written {n} times since {d1} and had no reply.",
        "Letter of {d1} sent to the wrong address; {first} only found out from a neighbour.",
    ],
    "charges": [
        "{first} disputes the service charge statement of {d1}; cleaning not done for {n} weeks.",
        "Rent account shows arrears that {first} says were paid on {d1}.",
    ],
    "heat": [
        "No heating or hot water at the flat since {d1}; {first} has been boiling kettles for {n} days.",
        "{first} says the heat bill of {d1} is far higher than last year and nobody explains why.",
    ],
    "care": [
        "Care visit missed on {d1}; {first} did not get their medication until the evening.",
        "{first} says carers arrive late most mornings since {d1} and rush the visit.",
    ],
    "other": [
        "{first} unhappy with how the estate is kept; bins overflowing since {d1}.",
        "Parking bay allocation changed on {d1} without asking {first}.",
    ],
}
THINGS = (
    "boiler|kitchen tap|front door|window|bathroom extractor fan|lift|door entry system|roof".split(
        "|"
    )
)
ROOMS = "bedroom|bathroom|kitchen|living room|hallway".split("|")


def make_description(rng: random.Random, kind: str, person: Person, around: dt.date) -> str:
    template = rng.choice(DESCRIPTION_TEMPLATES[kind])
    d1 = around - dt.timedelta(days=rng.randint(5, 120))
    d2 = d1 + dt.timedelta(days=rng.randint(3, 30))
    return template.format(
        first=person.name.split()[0],
        thing=rng.choice(THINGS),
        room=rng.choice(ROOMS),
        n=rng.randint(2, 9),
        d1=d1.strftime("%d %B"),
        d2=d2.strftime("%d %B"),
    )
