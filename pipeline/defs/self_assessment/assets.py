"""The Complaint Handling Code self-assessment per landlord and reporting year.

Reads the workspace's ``self_assessment.yaml`` and the ``measures`` table, writes
``self_assessment.html/.pdf/.xlsx`` into the year's documents folder, and reports through the
``self_assessment_consistency`` check (WARN) every "Yes" the data contradicts, so the analyst sees it
before the board does.
"""

import dagster as dg

from pipeline.partitions import (
    BACKFILL_POLICY,
    landlord_year_partitions,
    per_year_printing,
    whole_years_only,
)
from pipeline.resources import ComplaintsStore
from pipeline.step_errors import scrubbed_errors

CHECK_NAME = "self_assessment_consistency"


def consistency_result(document) -> dg.AssetCheckResult:
    """The consistency check: passes unless the data contradicts a "Yes" (then WARN).

    Parameters
    ----------
    document
        The assembled self-assessment (``SelfAssessmentDocument``), or None when the workspace has none for the year.

    Returns
    -------
    dg.AssetCheckResult
        Metadata ``contradicted_provisions`` lists the provision ids; ``details`` gives the
        evidence of each as a markdown table; ``unchecked_provisions`` the "yes" answers that no
        figure of the year could check.
    """
    if document is None:
        return dg.AssetCheckResult(
            check_name=CHECK_NAME,
            passed=True,
            metadata={"status": "no self-assessment for this landlord and year"},
        )
    flagged = document.contradicted
    rows = "\n".join(
        f"| {r.provision.id} | {'; '.join(line.text for line in r.contradictions)} |"
        for r in flagged
    )
    return dg.AssetCheckResult(
        check_name=CHECK_NAME,
        passed=not flagged,
        severity=dg.AssetCheckSeverity.WARN,
        description=(
            f"The data contradicts {len(flagged)} 'Yes' answer(s)"
            if flagged
            else "No 'Yes' answer is contradicted by the measures"
        ),
        metadata={
            "contradicted_provisions": [r.provision.id for r in flagged],
            "contradicted_count": len(flagged),
            # a "yes" no figure of the year could check (no promised action due): not a failure,
            # but said, never passed in silence
            "unchecked_provisions": [r.provision.id for r in document.unchecked],
            "details": dg.MetadataValue.md(
                f"| provision | evidence |\n|---|---|\n{rows}" if flagged else "none"
            ),
        },
    )


@dg.asset(
    name="self_assessment",
    group_name="self_assessment",
    partitions_def=landlord_year_partitions,
    backfill_policy=BACKFILL_POLICY,
    deps=["measures"],
    kinds={"duckdb", "html", "pdf", "excel"},
    # Reads the landlord's DuckDB file, which a writer in another process would hold locked.
    pool="duckdb",
    check_specs=[
        dg.AssetCheckSpec(
            CHECK_NAME,
            asset="self_assessment",
            partitions_def=landlord_year_partitions,  # a status per landlord and year
            description="Warns when the measures contradict a 'Yes' in self_assessment.yaml "
            "(thresholds in pipeline/self_assessment/evidence.yaml)",
        )
    ],
    description="Housing Ombudsman Complaint Handling Code 2024 self-assessment (HTML, PDF, XLSX "
    "in the Ombudsman's layout), answers from self_assessment.yaml, evidence from the measures.",
)
@scrubbed_errors
def self_assessment(
    context: dg.AssetExecutionContext, store: ComplaintsStore
) -> dg.MaterializeResult:
    return per_year_printing(  # each year's PDF prints while the next year's is built
        context,
        whole_years_only(
            store,
            "self-assessment",
            lambda landlord_id, year: _self_assessment(context, store, landlord_id, year),
        ),
    )


def _self_assessment(context, store: ComplaintsStore, landlord_id: str, year: str):
    from pipeline.self_assessment.build import load_document
    from pipeline.self_assessment.model import SelfAssessmentError
    from pipeline.self_assessment.render import write_outputs

    landlord = store.landlord(landlord_id)
    with store.connect(landlord_id, read_only=True) as con:
        try:
            document = load_document(con, store.workspace(landlord_id), landlord, year)
        except SelfAssessmentError as exc:
            raise dg.Failure(
                description=f"{landlord_id} {year}: self_assessment.yaml is invalid:\n" + str(exc),
                metadata={
                    "problems": dg.MetadataValue.md("\n".join(f"- {p}" for p in exc.problems))
                },
            ) from exc
    check = consistency_result(document)
    if document is None:
        context.log.info(f"{landlord_id} {year}: no self-assessment in the workspace for this year")
        return dg.MaterializeResult(
            metadata={"row_count": 0, "status": "no self-assessment for this year"},
            check_results=[check],
        )
    files = write_outputs(document, store.documents(landlord_id, year))
    yes = sum(s.yes for s in document.sections)
    no = sum(s.no for s in document.sections)
    preview = "\n".join(f"| {s.number}. {s.title} | {s.yes} | {s.no} |" for s in document.sections)
    return dg.MaterializeResult(
        metadata={
            "row_count": yes + no,
            "yes": yes,
            "no": no,
            "contradicted": len(document.contradicted),
            "actions": len(document.actions),
            "deadline": document.deadline.date.isoformat(),
            "html": dg.MetadataValue.path(str(files.html)),
            "pdf": dg.MetadataValue.path(str(files.pdf)),
            "xlsx": dg.MetadataValue.path(str(files.xlsx)),
            "preview": dg.MetadataValue.md(f"| section | yes | no |\n|---|---|---|\n{preview}"),
        },
        check_results=[check],
    )
