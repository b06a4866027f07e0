"""The Complaint Handling Code 2024 provisions: the product's versioned reference data.

``pipeline/reference/code_2024_provisions.yaml`` holds every numbered provision (nine sections, 73
provisions) with a paraphrased requirement and, where case data can evidence it, what to measure.
Provision 1.1 is an introductory statement: it is shown as information only and is not part of the
Ombudsman's self-assessment form (its Appendix A starts Section 1 at 1.2).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from pipeline.config import ConfigError
from pipeline.utils.yaml_text import safe_load

REFERENCE_PATH = Path(__file__).resolve().parent.parent / "reference" / "code_2024_provisions.yaml"

# Provisions that are information only: shown in the HTML/PDF, never asked for in the form.
INFORMATION_ONLY = frozenset({"1.1"})

# The per-section counts the reference file declares in its header; a copy that loses or gains a
# provision fails to load rather than producing a form with a silent gap.
EXPECTED_SECTION_COUNTS = {1: 6, 2: 5, 3: 7, 4: 3, 5: 15, 6: 20, 7: 4, 8: 5, 9: 8}


class Provision(BaseModel):
    """One numbered provision of the Code."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[1-9]\.[0-9]{1,2}$", description="Provision number, e.g. '5.10'")
    requirement: str = Field(
        min_length=1, description="Paraphrased requirement (not the Code text)"
    )
    evidence_from_data: str | None = Field(
        default=None, description="What case data can show for this provision; null when nothing"
    )
    section: int = Field(default=0, description="Section number, filled in from the section")

    @property
    def in_form(self) -> bool:
        """Whether the provision is a row of the Ombudsman's self-assessment form."""
        return self.id not in INFORMATION_ONLY

    @property
    def sort_key(self) -> tuple[int, int]:
        major, minor = self.id.split(".")
        return int(major), int(minor)


class Section(BaseModel):
    """One of the Code's nine sections."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    number: int = Field(ge=1, le=9)
    title: str
    provisions: list[Provision]

    @model_validator(mode="before")
    @classmethod
    def _number_provisions(cls, data):
        # Each provision records its section, so a provision can be handled on its own.
        if isinstance(data, dict) and isinstance(data.get("provisions"), list):
            data = dict(data)
            data["provisions"] = [
                {**p, "section": data.get("number")} if isinstance(p, dict) else p
                for p in data["provisions"]
            ]
        return data

    @model_validator(mode="after")
    def _ids_match_section(self) -> Section:
        for provision in self.provisions:
            if int(provision.id.split(".")[0]) != self.number:
                raise ValueError(f"provision {provision.id} is listed under section {self.number}")
        return self


class CodeReference(BaseModel):
    """The whole reference file: source and sections in order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    sections: list[Section]

    @model_validator(mode="after")
    def _complete(self) -> CodeReference:
        counts = {s.number: len(s.provisions) for s in self.sections}
        if counts != EXPECTED_SECTION_COUNTS:
            raise ValueError(
                f"section provision counts {counts} differ from the Code's {EXPECTED_SECTION_COUNTS}"
            )
        ids = [p.id for s in self.sections for p in s.provisions]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"provisions listed more than once: {duplicates}")
        return self

    @property
    def provisions(self) -> list[Provision]:
        """Every provision, 1.1 to 9.8, in Code order."""
        return [p for s in self.sections for p in s.provisions]

    @property
    def form_provisions(self) -> list[Provision]:
        """The provisions the landlord must answer (every one except information-only 1.1)."""
        return [p for p in self.provisions if p.in_form]

    def get(self, provision_id: str) -> Provision:
        """The provision with this id; ``KeyError`` naming it when the Code has none."""
        for provision in self.provisions:
            if provision.id == provision_id:
                return provision
        raise KeyError(f"the Complaint Handling Code 2024 has no provision {provision_id}")

    def section(self, number: int) -> Section:
        return next(s for s in self.sections if s.number == number)


def _read(path: Path) -> CodeReference:
    try:
        raw = safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the Code reference file: {exc}") from exc
    try:
        return CodeReference.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {exc}") from exc


@cache
def _load_cached(path: str) -> CodeReference:
    return _read(Path(path))


def load_provisions(path: Path | None = None) -> CodeReference:
    """Load and validate the Code 2024 reference data.

    Parameters
    ----------
    path
        Reference YAML; default the versioned copy in ``pipeline/reference/``.

    Returns
    -------
    CodeReference
        Nine sections, 73 provisions in Code order; ``form_provisions`` leaves out 1.1.

    Raises
    ------
    ConfigError
        When the file cannot be read, or its sections or provisions are not the Code's.
    """
    return _load_cached(str(Path(path or REFERENCE_PATH).resolve()))
