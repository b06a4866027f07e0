"""Board documents as Dagster assets: annual report, committee pack, data quality, learning summary.

Thin wrappers over :mod:`pipeline.reporting.render`: each opens the landlord's DuckDB read-only,
renders from the ``measures`` table and returns the paths it wrote and how long rendering took.
"""

import time

import dagster as dg

from pipeline.manifest import write_manifest
from pipeline.partitions import (
    landlord_and_quarter,
    landlord_and_year,
    landlord_quarter_partitions,
    landlord_year_partitions,
)
from pipeline.reporting.pdf import BackgroundPrints, start_browser, warm_up_charts
from pipeline.reporting.render import (
    chart_warm_up_html,
    render_annual_report,
    render_committee_pack,
    render_data_quality,
    render_learning_summary,
)
from pipeline.resources import ComplaintsStore

# The annual report prints the self-assessment summary and the sector medians, so it runs after
# both (compute_measures replaces the year's rows, benchmark rows included).
_ANNUAL_DEPS = ["measures", "sector_benchmarks", "self_assessment"]


def _prepare_browser(out) -> None:
    """Launch the shared browser and have it compile plotly.js for ``out`` while the document is
    built (both in the background; about 1.5 s the first time in a process, nothing after)."""
    start_browser()
    warm_up_charts(out, chart_warm_up_html())


def _result(paths: dict, seconds: float, **extra) -> dg.MaterializeResult:
    return dg.MaterializeResult(
        metadata={
            **{name: dg.MetadataValue.path(str(path)) for name, path in paths.items()},
            "render_seconds": round(seconds, 2),
            **extra,
        }
    )


@dg.asset(
    group_name="reporting",
    partitions_def=landlord_year_partitions,
    deps=_ANNUAL_DEPS,
    kinds={"duckdb", "html", "pdf"},
    pool="duckdb",
    description="Annual complaints performance and service-improvement report (Code 8.1): HTML "
    "and PDF, plus the published website version with counts under 5 suppressed.",
)
def annual_report(
    context: dg.AssetExecutionContext, store: ComplaintsStore
) -> dg.MaterializeResult:
    landlord_id, year = landlord_and_year(context)
    out = store.documents(landlord_id, year)
    started = time.perf_counter()
    _prepare_browser(out)
    with store.connect(landlord_id, read_only=True) as con:
        landlord = store.landlord(landlord_id)
        workspace = store.workspace(landlord_id)
        # The internal version prints while the published one is built; the block waits for both.
        with BackgroundPrints() as printer:
            paths = render_annual_report(
                con, landlord, year, out, workspace=workspace, printer=printer
            )
            published = render_annual_report(
                con, landlord, year, out, published=True, workspace=workspace, printer=printer
            )
    return _result(
        {**paths, "published_html": published["html"], "published_pdf": published["pdf"]},
        time.perf_counter() - started,
    )


@dg.asset(
    group_name="reporting",
    partitions_def=landlord_year_partitions,
    deps=["measures"],
    kinds={"duckdb", "html", "pdf", "csv"},
    pool="duckdb",
    description="Data-quality report for analysts (quarantine by file and rule, sample rows, what "
    "to fix at source) and quarantine.csv.",
)
def data_quality_report(
    context: dg.AssetExecutionContext, store: ComplaintsStore
) -> dg.MaterializeResult:
    landlord_id, year = landlord_and_year(context)
    started = time.perf_counter()
    start_browser()  # launches while the document is built
    # quarantine.csv is written while the PDF prints.
    with store.connect(landlord_id, read_only=True) as con, BackgroundPrints() as printer:
        paths = render_data_quality(
            con,
            store.landlord(landlord_id),
            store.documents(landlord_id, year),
            workspace=store.workspace(landlord_id),
            printer=printer,
        )
    return _result(paths, time.perf_counter() - started)


@dg.asset(
    group_name="reporting",
    partitions_def=landlord_year_partitions,
    deps=["measures"],
    kinds={"duckdb", "html", "pdf"},
    pool="duckdb",
    description="Learning summary for residents: what complaints told us and what changed "
    "(published: counts under 5 suppressed).",
)
def learning_summary(
    context: dg.AssetExecutionContext, store: ComplaintsStore
) -> dg.MaterializeResult:
    landlord_id, year = landlord_and_year(context)
    started = time.perf_counter()
    _prepare_browser(store.documents(landlord_id, year))
    with store.connect(landlord_id, read_only=True) as con:
        paths = render_learning_summary(
            con,
            store.landlord(landlord_id),
            year,
            store.documents(landlord_id, year),
            workspace=store.workspace(landlord_id),
        )
    return _result(paths, time.perf_counter() - started)


@dg.asset(
    group_name="reporting",
    partitions_def=landlord_quarter_partitions,
    deps=["measures"],
    kinds={"duckdb", "html", "pdf"},
    pool="duckdb",
    description="Quarterly committee pack: the quarter, the year to date and open-complaint ageing.",
)
def committee_pack(
    context: dg.AssetExecutionContext, store: ComplaintsStore
) -> dg.MaterializeResult:
    landlord_id, quarter = landlord_and_quarter(context)
    started = time.perf_counter()
    _prepare_browser(store.documents(landlord_id, quarter))
    with store.connect(landlord_id, read_only=True) as con:
        paths = render_committee_pack(
            con,
            store.landlord(landlord_id),
            quarter,
            store.documents(landlord_id, quarter),
            workspace=store.workspace(landlord_id),
        )
    return _result(paths, time.perf_counter() - started)


@dg.asset(
    group_name="reporting",
    partitions_def=landlord_year_partitions,
    deps=[
        "annual_report",
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
def manifest(context: dg.AssetExecutionContext, store: ComplaintsStore) -> dg.MaterializeResult:
    landlord_id, year = landlord_and_year(context)
    out = store.documents(landlord_id, year)
    outputs = sorted(p for p in out.glob("*") if p.is_file() and not p.name.startswith("."))
    with store.connect(landlord_id, read_only=True) as con:
        path = write_manifest(con, store.landlord(landlord_id), year, out, outputs)
    return dg.MaterializeResult(
        metadata={"manifest": dg.MetadataValue.path(str(path)), "outputs": len(outputs)}
    )
