"""Whether the Housing Ombudsman's Complaint Handling Code applies to a landlord.

The Code is England's: a landlord with homes in Scotland alone follows the SPSO model complaints
handling procedure, so its annual report has no Code self-assessment, and the Housing Ombudsman
sends it no findings of non-compliance, Complaint Handling Failure Orders or annual letters. Its
documents say so once, in the SPSO's terms, instead of printing the Code's sections empty ("no
self-assessment for 2024/25", "no Complaint Handling Failure Order was issued"), which read as if
the Code applied and had simply not been met.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from pipeline.periods import ReportingYear

if TYPE_CHECKING:
    from pipeline.reporting.blocks import Section

# Measures only the Housing Ombudsman's Code gives rise to (its Complaint Handling Failure Orders):
# left out of a landlord in Scotland alone's tables, where they could only ever read 0 or [U].
HOUSING_OMBUDSMAN_ONLY = frozenset({"chfo_issued", "chfo_complied"})


def code_applies(regimes: Iterable[str]) -> bool:
    """True when the landlord has homes in England, where the Code applies."""
    return "eng" in set(regimes)


def code_not_applicable_section(year: ReportingYear) -> Section:
    """The one line a landlord in Scotland alone gives where the Code's section 8 content goes."""
    # imported here: code_applies is read by the self-assessment on a returns-only run, which
    # imports no document library (blocks brings Plotly and great-tables)
    from pipeline.reporting.blocks import Section

    section = Section("complaints-procedure", "Our complaints procedure")
    # the stages and timescales are the landlord's policy's, in "The policies applied"
    section.text(
        "Our homes are all in Scotland, where complaints follow the Scottish Public Services "
        "Ombudsman's model complaints handling procedure, at the stages and within the "
        f"timescales our policy sets out. This report measures {year.label} against them; a "
        "resident still unhappy after our stage 2 response can ask the SPSO to look at their "
        "complaint."
    )
    return section
