"""``ombudsman/publications.yaml``: the Ombudsman's letters and findings about the landlord,
read with a resident's contact details withheld (printed in the annual report's section 8)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pipeline.config import load_yaml_model
from pipeline.periods import ReportingYear

__all__ = ["PUBLICATIONS", "Publication", "Publications", "load_publications"]


class Publication(BaseModel):
    """One entry of ``ombudsman/publications.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["annual_performance_letter", "code_non_compliance_finding", "special_report"]
    published_date: dt.date
    reporting_year: str | None = None
    summary: str
    url: str | None = None
    # An annual letter's own figures and, when they differ from the Ombudsman table, why: the
    # annual report reconciles them (pipeline/reporting/ombudsman_letters.py); not stored in the table.
    determinations: int | None = Field(default=None, ge=0)
    maladministration_rate: float | None = Field(default=None, ge=0, le=100)
    chfos: int | None = Field(default=None, ge=0)  # Complaint Handling Failure Orders it counts
    basis: str | None = None

    @field_validator("reporting_year")
    @classmethod
    def _year(cls, value: str | None) -> str | None:
        # Stored and printed as written ("2024/25"), so checked here: any other text (a
        # resident's address typed in the wrong place) was stored in the warehouse and stopped
        # the annual report; the message says what is wrong without the text
        # (pipeline.periods quotes a value only when it reads as no one's details).
        if value is not None:
            ReportingYear.parse(value.strip().replace("/", "-"))
        return value


class Publications(BaseModel):
    """``ombudsman/publications.yaml``: ``publications: [...]`` (a bare list is accepted too)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    publications: list[Publication] = []

    @model_validator(mode="before")
    @classmethod
    def _bare_list(cls, data):
        return {"publications": data} if isinstance(data, list) else data


PUBLICATIONS = "ombudsman/publications.yaml"


def load_publications(workspace: Path) -> tuple[list[Publication], list[str]]:
    """``ombudsman/publications.yaml``'s entries with a resident's contact details withheld.

    A letter's summary, the reason its figures differ (``basis``) and its link are written by
    the landlord's staff and printed in every version of the annual report, the published one
    included, as the board's response is: an email address, phone number or National Insurance
    number pasted in from a complaint was printed as typed (found by the hostile audit). Each
    is replaced by :data:`pipeline.contact_details.WITHHELD`; the second value lists where, for
    the data-quality report, never the value. No file: no entries.

    Raises
    ------
    ConfigError
        The file is not valid YAML or not a list of publications.
    """
    from pipeline.contact_details import OwnContact, withheld_problem, withhold

    path = workspace / PUBLICATIONS
    if not path.is_file():
        return [], []
    pubs: Publications = load_yaml_model(path, Publications)  # type: ignore[assignment]
    own = OwnContact.of(workspace)
    entries, problems = [], []
    for index, entry in enumerate(pubs.publications, start=1):
        update = {}
        for name in ("summary", "basis", "url"):
            value = getattr(entry, name)
            if value is None:
                continue
            update[name], count = withhold(value, own)
            if count:
                where = f"{PUBLICATIONS}: entry {index}, field '{name}'"
                problems.append(withheld_problem(where, count))
        entries.append(entry.model_copy(update=update))
    return entries, problems
