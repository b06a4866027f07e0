"""Board documents as Dagster assets: annual report, committee packs (quarterly and monthly), data
quality, learning summary (yearly and quarterly), scheme and business-unit reports.

Thin wrappers over :mod:`pipeline.reporting.render`: each opens the landlord's DuckDB read-only,
renders from the ``measures`` table and returns the paths it wrote and how long rendering took.
"""

import time

import dagster as dg

from pipeline.partitions import (
    BACKFILL_POLICY,
    landlord_and_month,
    landlord_and_quarter,
    landlord_month_partitions,
    landlord_quarter_partitions,
    landlord_year_partitions,
    per_period,
    per_year,
    per_year_printing,
    period_to_year_mapping,
    whole_years_only,
)
from pipeline.resources import ComplaintsStore
from pipeline.step_errors import scrubbed_errors

# The reporting libraries (Jinja, great_tables, Plotly, the browser) are imported when a document
# is rendered, not when the code location loads: a returns-only run never pays for them.

# The annual report prints the self-assessment summary and the sector medians, so it runs after
# both (compute_measures replaces the year's own rows and leaves the benchmark rows; the sector
# step refreshes those).
_ANNUAL_DEPS = ["measures", "sector_benchmarks", "self_assessment"]


def _prepare_browser() -> None:
    """Launch the shared browser and have it compile plotly.js while the document is built (both
    in the background; about 1.5 s the first time in a process, nothing after)."""
    from pipeline.reporting.pdf import start_browser, warm_up_charts
    from pipeline.reporting.render import chart_warm_up_html

    start_browser()
    warm_up_charts(chart_warm_up_html())


def _render_document(
    store: ComplaintsStore, landlord_id: str, period: str, render, *, charts: bool = True
) -> dg.MaterializeResult:
    """Render one document of the landlord's ``period`` into its folder, timed.

    ``render(con, landlord, period, out, workspace=...)`` returns the paths it wrote. The shared
    browser launches first so it overlaps building the document; only a document with charts has
    it compile plotly.js.
    """
    from pipeline.reporting.pdf import start_browser

    started = time.perf_counter()
    out = store.documents(landlord_id, period)
    if charts:
        _prepare_browser()
    else:
        start_browser()
    with store.connect(landlord_id, read_only=True) as con:
        paths = render(
            con, store.landlord(landlord_id), period, out, workspace=store.workspace(landlord_id)
        )
    seconds = time.perf_counter() - started
    return dg.MaterializeResult(
        metadata={
            **{name: dg.MetadataValue.path(str(path)) for name, path in paths.items()},
            "render_seconds": round(seconds, 2),
        }
    )


@dg.asset(
    group_name="reporting",
    partitions_def=landlord_year_partitions,
    backfill_policy=BACKFILL_POLICY,
    deps=_ANNUAL_DEPS,
    kinds={"duckdb", "html", "pdf"},
    pool="duckdb",
    description="Annual complaints performance and service-improvement report (Code 8.1): HTML "
    "and PDF, plus the published website version with counts under 5 suppressed.",
)
@scrubbed_errors
def annual_report(
    context: dg.AssetExecutionContext, store: ComplaintsStore
) -> dg.MaterializeResult:
    from pipeline.annual_inputs import wording_warnings
    from pipeline.reporting.pdf import BackgroundPrints
    from pipeline.reporting.render import render_annual_report

    def render(con, landlord, year, out, workspace):
        # what the year's markdown holds that the report cannot show as written: file and line
        for warning in wording_warnings(workspace, [year]):
            context.log.warning(warning)
        # The internal version prints while the published one is built; the block waits for both.
        with BackgroundPrints() as printer:
            paths = render_annual_report(
                con, landlord, year, out, workspace=workspace, printer=printer
            )
            published = render_annual_report(
                con, landlord, year, out, published=True, workspace=workspace, printer=printer
            )
        return {**paths, "published_html": published["html"], "published_pdf": published["pdf"]}

    return per_year_printing(
        context,
        whole_years_only(
            store,
            "annual report",
            lambda landlord_id, year: _render_document(store, landlord_id, year, render),
        ),
    )


@dg.asset(
    group_name="reporting",
    partitions_def=landlord_year_partitions,
    backfill_policy=BACKFILL_POLICY,
    deps=["measures"],
    kinds={"duckdb", "html", "pdf", "csv"},
    pool="duckdb",
    description="Data-quality report for analysts (quarantine by file and rule, sample rows, what "
    "to fix at source) and quarantine.csv.",
)
@scrubbed_errors
def data_quality_report(
    context: dg.AssetExecutionContext, store: ComplaintsStore
) -> dg.MaterializeResult:
    from pipeline.reporting.pdf import BackgroundPrints
    from pipeline.reporting.render import render_data_quality

    def render(con, landlord, _year, out, workspace):
        # quarantine.csv is written while the PDF prints.
        with BackgroundPrints() as printer:
            return render_data_quality(con, landlord, out, workspace=workspace, printer=printer)

    return per_year_printing(
        context,
        lambda landlord_id, year: _render_document(store, landlord_id, year, render, charts=False),
    )


@dg.asset(
    group_name="reporting",
    partitions_def=landlord_year_partitions,
    backfill_policy=BACKFILL_POLICY,
    deps=["measures"],
    kinds={"duckdb", "html", "pdf"},
    pool="duckdb",
    description="Learning summary for residents: what complaints told us and what changed "
    "(published: counts under 5 suppressed).",
)
@scrubbed_errors
def learning_summary(
    context: dg.AssetExecutionContext, store: ComplaintsStore
) -> dg.MaterializeResult:
    from pipeline.reporting.render import render_learning_summary

    return per_year_printing(
        context,
        whole_years_only(
            store,
            "learning summary of the year",
            lambda landlord_id, year: _render_document(
                store, landlord_id, year, render_learning_summary
            ),
        ),
    )


@dg.asset(
    group_name="reporting",
    partitions_def=landlord_quarter_partitions,
    deps=[dg.AssetDep("measures", partition_mapping=period_to_year_mapping("quarter"))],
    kinds={"duckdb", "html", "pdf"},
    pool="duckdb",
    description="Quarterly committee pack (schedules.committee: quarterly): the quarter against "
    "its targets and the same quarter last year, the year to date, open and overdue complaints, "
    "Ombudsman cases in progress and overdue actions; England and Scotland apart.",
)
@scrubbed_errors
def committee_pack(
    context: dg.AssetExecutionContext, store: ComplaintsStore
) -> dg.MaterializeResult:
    from pipeline.reporting.render import render_committee_pack

    landlord_id, quarter = landlord_and_quarter(context)
    return per_period(
        context,
        landlord_id,
        quarter,
        lambda: _render_document(store, landlord_id, quarter, render_committee_pack),
    )


@dg.asset(
    group_name="reporting",
    partitions_def=landlord_month_partitions,
    deps=[dg.AssetDep("measures", partition_mapping=period_to_year_mapping("month"))],
    kinds={"duckdb", "html", "pdf"},
    pool="duckdb",
    description="Monthly committee pack, for a landlord whose committee meets monthly "
    "(schedules.committee: monthly; seed 004's senior managers): the month against its targets "
    "and the same month last year, the year to date, open and overdue complaints and actions.",
)
@scrubbed_errors
def monthly_committee_pack(
    context: dg.AssetExecutionContext, store: ComplaintsStore
) -> dg.MaterializeResult:
    from pipeline.reporting.render import render_committee_pack

    landlord_id, month = landlord_and_month(context)
    return per_period(
        context,
        landlord_id,
        month,
        lambda: _render_document(store, landlord_id, month, render_committee_pack),
    )


@dg.asset(
    group_name="reporting",
    partitions_def=landlord_quarter_partitions,
    deps=[dg.AssetDep("measures", partition_mapping=period_to_year_mapping("quarter"))],
    kinds={"duckdb", "html", "pdf"},
    pool="duckdb",
    description="Quarterly learning summary for residents (schedules.learning_summary: "
    "quarterly; seed 003 s26.5): what complaints told us and what changed, published (counts "
    "under 5 suppressed).",
)
@scrubbed_errors
def quarterly_learning_summary(
    context: dg.AssetExecutionContext, store: ComplaintsStore
) -> dg.MaterializeResult:
    from pipeline.reporting.render import render_learning_summary

    landlord_id, quarter = landlord_and_quarter(context)
    return per_period(
        context,
        landlord_id,
        quarter,
        lambda: _render_document(store, landlord_id, quarter, render_learning_summary),
    )


@dg.asset(
    group_name="reporting",
    partitions_def=landlord_year_partitions,
    backfill_policy=BACKFILL_POLICY,
    deps=["measures"],
    kinds={"duckdb", "html", "pdf"},
    pool="duckdb",
    description="Published one-page reports per scheme and per business unit (seed 000's "
    "individual scheme reports): schemes/*.html, business_units/*.html and all of them in "
    "scheme_reports.html/.pdf; nothing when the exports carry no scheme.",
)
@scrubbed_errors
def scheme_reports(
    context: dg.AssetExecutionContext, store: ComplaintsStore
) -> dg.MaterializeResult:
    from pipeline.reporting.schemes import render_scheme_reports

    return per_year_printing(
        context,
        whole_years_only(
            store,
            "scheme reports",
            lambda landlord_id, year: _render_document(
                store, landlord_id, year, render_scheme_reports, charts=False
            ),
        ),
    )


@dg.asset(
    group_name="reporting",
    partitions_def=landlord_year_partitions,
    backfill_policy=BACKFILL_POLICY,
    deps=[
        "annual_report",
        "scheme_reports",
        "data_quality_report",
        "learning_summary",
        "tsm_return",
        "arc_return",
        "self_assessment",
    ],
    kinds={"duckdb", "json"},
    pool="duckdb",
    description="manifest.json: the inputs (with SHA-256 and reconciliation), code version, data "
    "cut, row counts and every output of the landlord-year, so a published figure can be traced.",
)
@scrubbed_errors
def manifest(context: dg.AssetExecutionContext, store: ComplaintsStore) -> dg.MaterializeResult:
    return per_year(context, lambda landlord_id, year: _manifest(context, store, landlord_id, year))


# The quarter's and month's folders are published as one generation too: a committee pack's HTML,
# its PDF and the panel sample beside it go live together with their manifest, or not at all. They
# are separate assets from the year's manifest: one asset has one partitioning.


@dg.asset(
    group_name="reporting",
    partitions_def=landlord_quarter_partitions,
    deps=["committee_pack", "panel_sample", "quarterly_learning_summary"],
    kinds={"duckdb", "json"},
    pool="duckdb",
    description="manifest.json of a quarter's folder (committee pack, panel sample, quarterly "
    "learning summary): the inputs (with SHA-256), code version, data cut and every output, with "
    "the assets, generation and load each came from; publishes the folder as one generation.",
)
@scrubbed_errors
def quarter_manifest(
    context: dg.AssetExecutionContext, store: ComplaintsStore
) -> dg.MaterializeResult:
    landlord_id, quarter = landlord_and_quarter(context)
    return _manifest(context, store, landlord_id, quarter)


@dg.asset(
    group_name="reporting",
    partitions_def=landlord_month_partitions,
    deps=["monthly_committee_pack"],
    kinds={"duckdb", "json"},
    pool="duckdb",
    description="manifest.json of a month's folder (monthly committee pack): the inputs (with "
    "SHA-256), code version, data cut and every output, with the assets, generation and load "
    "each came from; publishes the folder as one generation.",
)
@scrubbed_errors
def month_manifest(
    context: dg.AssetExecutionContext, store: ComplaintsStore
) -> dg.MaterializeResult:
    landlord_id, month = landlord_and_month(context)
    return _manifest(context, store, landlord_id, month)


def _manifest(
    context: dg.AssetExecutionContext, store: ComplaintsStore, landlord_id: str, period: str
) -> dg.MaterializeResult:
    out = store.documents(landlord_id, period)
    path, outputs = store.write_period_manifest(context.instance, landlord_id, period, out)
    # the period's outputs (written into this run's staging folder) go live as one generation
    published = store.publish_documents(landlord_id, period)
    return dg.MaterializeResult(
        metadata={
            "manifest": dg.MetadataValue.path(str(published / path.name)),
            "outputs": outputs,
        }
    )
