"""The Housing Ombudsman Complaint Handling Code 2024 self-assessment, evidenced from the data.

Public API::

    from pipeline.self_assessment import (
        load_provisions,          # the Code's 73 provisions (reference data)
        load_self_assessment,     # validate a workspace's self_assessment.yaml
        load_year_assessment,     # a year's answers, following a marked carry from the year before
        load_document,            # answers + measured evidence + contradictions for a year
        write_outputs,            # self_assessment.html / .pdf / .xlsx
        self_assessment_summary,  # the annual report's summary block
        render_form,              # the form's tables, for the annual report's appendix
    )
"""

from pipeline.self_assessment.build import (
    SelfAssessmentDocument,
    assemble,
    load_document,
    self_assessment_summary,
    submission_deadline,
    summarise,
)
from pipeline.self_assessment.model import (
    SelfAssessment,
    SelfAssessmentError,
    find_self_assessment,
    load_self_assessment,
    load_year_assessment,
    parse_self_assessment,
    year_folder,
)
from pipeline.self_assessment.reference import CodeReference, Provision, load_provisions

# The renderers (Jinja, XLSX) load on first use: a returns-only run validates the self-assessment
# but never renders it, and should not pay for the template engine.
_RENDER_NAMES = frozenset({"render_form", "render_html", "render_xlsx", "write_outputs"})


def __getattr__(name: str):
    if name in _RENDER_NAMES:
        from pipeline.self_assessment import render

        return getattr(render, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CodeReference",
    "Provision",
    "SelfAssessment",
    "SelfAssessmentDocument",
    "SelfAssessmentError",
    "assemble",
    "find_self_assessment",
    "load_document",
    "load_provisions",
    "load_self_assessment",
    "load_year_assessment",
    "parse_self_assessment",
    "render_form",
    "render_html",
    "render_xlsx",
    "self_assessment_summary",
    "submission_deadline",
    "summarise",
    "write_outputs",
    "year_folder",
]
