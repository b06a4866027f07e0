"""A resident's contact details in text people wrote for the reports, withheld wherever printed.

The board's response, the commentary (:mod:`pipeline.annual_inputs`) and the self-assessment's
evidence, commentary and actions (:mod:`pipeline.self_assessment.model`) are printed in every
version of the reports, the published ones included. A resident's email address, UK phone number,
National Insurance number, postal address or postcode (:mod:`pipeline.postal_addresses`) pasted
into them (a complaint quoted in full) is replaced by :data:`WITHHELD`, and the data-quality
report names where, never the value. Kept as written: the landlord's own complaints contact
(landlord.yaml ``complaints_contact``: its phone, its email and that email's domain, its postal
address), organisations' non-geographic numbers (03.., 08..: the Ombudsman's 0300 111 3000),
public bodies' email (:data:`PUBLIC_EMAIL_DOMAINS`) and postal addresses
(:data:`pipeline.postal_addresses.PUBLIC_ADDRESSES`). Names cannot be told from a board member's
and are the writer's responsibility.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipeline.postal_addresses import PUBLIC_ADDRESSES, Address, find_addresses, known_addresses
from pipeline.utils.yaml_text import safe_load

__all__ = [
    "PUBLIC_EMAIL_DOMAINS",
    "WITHHELD",
    "OwnContact",
    "shown",
    "shown_key",
    "withhold",
    "withheld_problem",
]

WITHHELD = "[contact details withheld]"
_DASHES = "\u2010-\u2015\u2212"
_GAP = rf"[ .(){_DASHES}-]{{0,2}}"
_CONTACT = re.compile(
    r"(?P<email>(?<![\w.%+-])[A-Za-z0-9._%+-]+@(?P<domain>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
    r"\.[A-Za-z]{2,}))"
    r"|(?P<ni>(?i:\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]\b))"
    rf"|(?P<phone>(?<![0-9])(?:(?:\+|00) ?44\)?[ .{_DASHES}-]?(?:\(0\)[ .{_DASHES}-]?)?[1-9]"
    rf"(?:{_GAP}[0-9]){{8,9}}|\(?0\)?[1-9][0-9](?:{_GAP}[0-9]){{7,8}})(?![0-9]))"
)
# Email services anyone can sign up to: a small landlord whose complaints address is
# hollybankcomplaints@gmail.com let every resident's Gmail address through as "its own domain"
# (second hostile audit); with one of these only the address itself is the landlord's.
WEBMAIL_DOMAINS = frozenset(
    {
        "aol.com",
        "btinternet.com",
        "gmail.com",
        "googlemail.com",
        "gmx.com",
        "hotmail.co.uk",
        "hotmail.com",
        "icloud.com",
        "live.co.uk",
        "live.com",
        "me.com",
        "msn.com",
        "outlook.com",
        "proton.me",
        "protonmail.com",
        "sky.com",
        "talktalk.net",
        "virginmedia.com",
        "yahoo.co.uk",
        "yahoo.com",
        "ymail.com",
    }
)
PUBLIC_EMAIL_DOMAINS = (
    "gov.uk",
    "housing-ombudsman.org.uk",
    "spso.org.uk",
    "lgo.org.uk",
    "energyombudsman.org",
    "ombudsman-services.org",
)


def _national(phone: str) -> str:
    """A UK phone number's digits as dialled in the UK: '+44 (0)116 496 0123' -> 01164960123."""
    digits = re.sub(r"[^0-9]", "", phone)
    if phone.lstrip().startswith(("+", "00")):
        digits = "0" + digits.removeprefix("00").removeprefix("44").lstrip("0")
    return digits


@dataclass(frozen=True)
class OwnContact:
    """The landlord's own contact details (landlord.yaml ``complaints_contact``), which text
    people wrote may print."""

    phones: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()
    addresses: tuple[Address, ...] = ()

    @classmethod
    def of(cls, workspace: Path) -> OwnContact:
        try:
            raw = safe_load((workspace / "landlord.yaml").read_text(encoding="utf-8-sig"))
            contact = (raw or {}).get("complaints_contact") or {}
            phone, email = str(contact.get("phone") or ""), str(contact.get("email") or "")
            post = str(contact.get("post") or "")
        except (OSError, ValueError, yaml.YAMLError, AttributeError, TypeError):
            # landlord.yaml's own problems (an impossible date is a ValueError) are reported
            # where it is loaded
            return cls()
        return cls.written(phone, email, post)

    @classmethod
    def of_landlord(cls, landlord) -> OwnContact:
        """From a loaded :class:`pipeline.config.Landlord`."""
        contact = landlord.complaints_contact
        return cls.written(contact.phone, contact.email, contact.post)

    @classmethod
    def written(cls, phone: str, email: str, post: str) -> OwnContact:
        email = email.strip().lower()
        domain = email.rpartition("@")[2]
        # A webmail domain is everyone's: only the address itself is the landlord's
        shared = domain in WEBMAIL_DOMAINS
        return cls(
            frozenset({_national(phone)} if phone else ()),
            frozenset({domain} if domain and not shared else ()),
            frozenset({email} if "@" in email else ()),
            known_addresses((post,)),
        )

    def allows(self, found: re.Match) -> bool:
        if found.group("email"):
            if found.group("email").lower() in self.emails:
                return True
            domain = found.group("domain").lower()
            return any(
                domain == d or domain.endswith("." + d)
                for d in (*self.domains, *PUBLIC_EMAIL_DOMAINS)
            )
        if found.group("phone"):
            number = _national(found.group("phone"))
            return number in self.phones or number.startswith(("03", "08"))
        return False  # a National Insurance number is never an organisation's

    def allows_address(self, found: Address) -> bool:
        return any(found.within(known) for known in (*self.addresses, *PUBLIC_ADDRESSES))


def withhold(text: str, own: OwnContact) -> tuple[str, int]:
    """``text`` with each contact detail that is not ``own`` replaced by :data:`WITHHELD`, and
    how many there were."""
    spans = [(m.start(), m.end()) for m in _CONTACT.finditer(text) if not own.allows(m)]
    spans += [(a.start, a.end) for a in find_addresses(text) if not own.allows_address(a)]
    found: list[tuple[int, int]] = []
    # An address's span may hold what reads as another detail: one span withheld, counted once
    for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
        if found and start < found[-1][1]:
            found[-1] = (found[-1][0], max(end, found[-1][1]))
        else:
            found.append((start, end))
    for start, end in reversed(found):
        text = text[:start] + WITHHELD + text[end:]
    return text, len(found)


def withheld_problem(where: str, count: int, printed: str = "every version of the report") -> str:
    """The data-quality line for ``count`` personal details withheld at ``where`` from what
    ``printed`` names."""
    return (
        f"{where}: {count} personal {'detail' if count == 1 else 'details'} (an email address, "
        "a phone number, a National Insurance number, a postal address or a postcode, not the "
        f"landlord's own or a public body's) withheld from {printed}; remove "
        "them from the file, or if one is the landlord's own, give it in landlord.yaml "
        "complaints_contact (phone, email or post)"
    )


def tsm_summary(landlord) -> tuple[str, list[str]]:
    """landlord.yaml ``tsm_summary_of_approach`` as the TSM return prints it (sent to the
    regulator), a resident's details withheld, and the data-quality line saying so."""
    text, count = withhold(landlord.tsm_summary_of_approach, OwnContact.of_landlord(landlord))
    where = "landlord.yaml: key 'tsm_summary_of_approach'"
    return text, [withheld_problem(where, count, "the TSM return")] if count else []


def landlord_texts(landlord) -> list[tuple[str, str]]:
    """landlord.yaml's other free text the documents print, by key: each policy version's
    ``source``, each closure's ``reason`` and each ``glossary`` meaning."""
    return (
        [
            (f"policy_versions.{i}.source", version.source)
            for i, version in enumerate(landlord.policy_versions)
        ]
        + [(f"closures.{i}.reason", closure.reason) for i, closure in enumerate(landlord.closures)]
        + [(f"glossary.{term}", meaning) for term, meaning in landlord.glossary.items()]
    )


def landlord_text(landlord, text: str) -> str:
    """One of :func:`landlord_texts` as the annual report prints it: a resident's details
    withheld (a policy "source" naming the complainant's letter and email was printed as typed;
    fifth audit)."""
    return withhold(text, OwnContact.of_landlord(landlord))[0]


def landlord_text_problems(landlord) -> list[str]:
    """The data-quality lines for :func:`landlord_texts` that had details withheld."""
    own = OwnContact.of_landlord(landlord)
    return [
        withheld_problem(f"landlord.yaml: key '{key}'", count)
        for key, text in landlord_texts(landlord)
        if (count := withhold(text, own)[1])
    ]


# Longer than this, a value quoted in a message is a pasted sentence, not a mistyped word.
_SHOWN_LIMIT = 60


def _quotable(text: str) -> bool:
    if len(text) > _SHOWN_LIMIT or "\n" in text or withhold(text, OwnContact())[1]:
        return False
    # A bare name ("Jean Vexbridge" typed as a key or a date) holds no contact detail, but is a
    # resident's all the same: the free-text screen's name test (one query, only for a message)
    from pipeline.sources.screen import looks_personal

    return not looks_personal([text])


def shown(value: object) -> str:
    """``value`` quoted for a problem message ('2024-2x'), or only its length when it is long or
    holds what reads as an address, an email, a phone or NI number: messages reach the console,
    the logs and the data-quality report, and a wrong value in a people-written file may be a
    resident's details typed in the wrong place."""
    text = str(value)
    return f"'{text}'" if _quotable(text) else f"a text of {len(text)} characters (not shown)"


def shown_key(parts: tuple | list) -> str:
    """A key's path for a message ('policy_versions.0.timescales'), a part that is long or holds
    personal details (a resident's address typed as a key) replaced by its length."""
    return ".".join(
        str(part) if _quotable(str(part)) else f"<{len(str(part))} characters, not shown>"
        for part in parts
    )
