"""Schedules: monthly refresh, committee packs, learning summary, returns and annual report, dated per
landlord.

Each schedule has its cadence's cron (:data:`CRONS`) and says its cadence in its metadata (shown in
the UI): the monthly ones tick at 06:00 London time on days 1-28 of every month (the days a landlord
may pick), the quarterly ones on those days of the months after a quarter ends, the annual ones
every day (a landlord's returns and annual report dates may be any day). On a tick the schedule asks
every landlord's ``landlord.yaml`` (``schedules:``, see :class:`pipeline.config.Schedules`)
whether something is due that day, so a landlord changes its dates in YAML without a code change or
reload. The ``due_*`` functions are the date rules, pure and tested on given dates.

The year schedules (refresh, returns, annual report) start an ``ingest_job`` run for the landlord,
tagged with the year job that ``chained_after_ingest`` starts when the load succeeds; a year with no
year-end stock in ``landlord.yaml`` is skipped with a message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import dagster as dg

from pipeline.config import ConfigError, Schedules
from pipeline.defs.orchestration.jobs import (
    annual_report_job,
    committee_pack_job,
    ingest_job,
    learning_summary_job,
    monthly_committee_pack_job,
    refresh_job,
    returns_job,
)
from pipeline.defs.orchestration.sensors import ingest_then, year_without_stock
from pipeline.partitions import (
    LANDLORD_PARTITIONS_NAME,
    NO_LANDLORD,
    landlord_month_partitions,
    landlord_quarter_partitions,
    landlord_year_partitions,
    month_key,
    quarter_key,
    year_key,
)
from pipeline.periods import ReportingYear
from pipeline.resources import ComplaintsStore
from pipeline.step_errors import scrubbed_errors

DAILY_AT_SIX = "0 6 * * *"
TIMEZONE = "Europe/London"
# Per cadence: landlords choose the day (landlord.yaml schedules), the cron the days it can fall on.
CRONS = {
    # monthly_refresh_day / committee_day_after_period: 1 to 28 (pipeline.config.Schedules)
    "monthly": "0 6 1-28 * *",
    "quarterly": "0 6 1-28 1,4,7,10 *",  # those days of the month after a quarter ends
    "annual": DAILY_AT_SIX,  # returns_date / annual_report_date: any day of the year
}


def _previous_month_end(day: dt.date) -> dt.date:
    return day.replace(day=1) - dt.timedelta(days=1)


def _quarter_containing(day: dt.date) -> str:
    year = ReportingYear.containing(day)
    return next(q.key for q in year.quarters() if q.start <= day <= q.end)


def _is_month_day(day: dt.date, month_day: str) -> bool:
    return day.strftime("%m-%d") == month_day


def due_refresh(schedules: Schedules, day: dt.date) -> str | None:
    """The reporting year to refresh on ``day``, or None.

    Due on ``monthly_refresh_day`` of every month, for the year containing the month just ended
    (on 5 April the closing year 2024-25 gets its March data, on 5 May 2025-26 its April data).
    """
    if day.day != schedules.monthly_refresh_day:
        return None
    return ReportingYear.containing(_previous_month_end(day)).key


def _quarter_just_ended(day: dt.date) -> str | None:
    """The quarter that ended with the month before ``day``, or None mid-quarter."""
    last_month_end = _previous_month_end(day)
    if last_month_end.month not in (3, 6, 9, 12):
        return None
    return _quarter_containing(last_month_end)


def due_committee_pack(schedules: Schedules, day: dt.date) -> str | None:
    """The quarter whose committee pack is due on ``day`` (quarterly committees), or None.

    ``committee_day_after_period`` days into the month after a quarter ends, for that quarter.
    """
    if schedules.committee != "quarterly" or day.day != schedules.committee_day_after_period:
        return None
    return _quarter_just_ended(day)


def due_monthly_committee_pack(schedules: Schedules, day: dt.date) -> str | None:
    """The month whose committee pack is due on ``day`` (monthly committees), or None.

    ``committee_day_after_period`` days into every month, for the month just ended (seed 004's
    senior managers meet monthly).
    """
    if schedules.committee != "monthly" or day.day != schedules.committee_day_after_period:
        return None
    return _previous_month_end(day).strftime("%Y-%m")


def due_learning_summary(schedules: Schedules, day: dt.date) -> str | None:
    """The quarter whose residents' learning summary is due on ``day``, or None.

    Landlords that publish quarterly (``learning_summary: quarterly``, seed 003 s26.5), on
    ``committee_day_after_period`` after the quarter ends; the yearly one comes with the annual
    report.
    """
    if schedules.learning_summary != "quarterly":
        return None
    if day.day != schedules.committee_day_after_period:
        return None
    return _quarter_just_ended(day)


def due_returns(schedules: Schedules, day: dt.date) -> str | None:
    """The closed reporting year whose returns are due on ``day`` (``returns_date``), or None."""
    if not _is_month_day(day, schedules.returns_date):
        return None
    return ReportingYear.containing(day).previous.key


def due_annual_report(schedules: Schedules, day: dt.date) -> str | None:
    """The closed reporting year whose annual report is due on ``day``, or None."""
    if not _is_month_day(day, schedules.annual_report_date):
        return None
    return ReportingYear.containing(day).previous.key


def _landlord_schedules(
    context: dg.ScheduleEvaluationContext, store: ComplaintsStore, landlords: list[str]
) -> Iterator[tuple[str, Schedules]]:
    for landlord_id in landlords:
        if landlord_id == NO_LANDLORD:
            continue
        try:
            yield landlord_id, store.landlord(landlord_id).schedules
        except ConfigError as exc:
            # One landlord's broken YAML must not stop the others' scheduled runs.
            context.log.error(f"{landlord_id}: skipped, landlord.yaml is invalid: {exc}")


def _requests(
    context: dg.ScheduleEvaluationContext,
    store: ComplaintsStore,
    name: str,
    rule,
    partitions_def: dg.MultiPartitionsDefinition,
    period_dimension: str,
    make_key,
    then_job: str | None = None,
) -> list[dg.RunRequest] | dg.SkipReason:
    day = context.scheduled_execution_time.date()
    landlord_dimension = partitions_def.get_partitions_def_for_dimension("landlord")
    if isinstance(landlord_dimension, dg.DynamicPartitionsDefinition):
        landlords = context.instance.get_dynamic_partitions(LANDLORD_PARTITIONS_NAME)
    else:
        landlords = landlord_dimension.get_partition_keys()
    periods = set(
        partitions_def.get_partitions_def_for_dimension(period_dimension).get_partition_keys()
    )
    requests = []
    skipped = []
    for landlord_id, schedules in _landlord_schedules(context, store, landlords):
        period = rule(schedules, day)
        if period is None:
            continue
        if period not in periods:
            context.log.warning(f"{landlord_id}: {period} is not a known {period_dimension}")
            continue
        run_key = f"{name}:{landlord_id}:{period}:{day.isoformat()}"
        tags = {"landlord": landlord_id, "complaints/trigger": name}
        if then_job is None:
            requests.append(
                dg.RunRequest(
                    run_key=run_key, partition_key=make_key(landlord_id, period), tags=tags
                )
            )
            continue
        no_stock = year_without_stock(store, landlord_id, period)
        if no_stock:
            context.log.warning(no_stock)
            skipped.append(no_stock)
            continue
        requests.append(ingest_then(landlord_id, then_job, [period], run_key=run_key, tags=tags))
    return requests or dg.SkipReason("; ".join(skipped) or f"nothing due on {day.isoformat()}")


def _evaluator(name, rule, partitions_def, dimension, make_key, then_job=None):
    # A closure, so the evaluation function's only parameters are the context and the resource
    # (Dagster reads every other parameter as a resource).
    @scrubbed_errors
    def evaluate(context: dg.ScheduleEvaluationContext, store: ComplaintsStore):
        return _requests(context, store, name, rule, partitions_def, dimension, make_key, then_job)

    return evaluate


def build_schedules(
    year_partitions: dg.MultiPartitionsDefinition = landlord_year_partitions,
    quarter_partitions: dg.MultiPartitionsDefinition = landlord_quarter_partitions,
    month_partitions: dg.MultiPartitionsDefinition = landlord_month_partitions,
) -> dict[str, dg.ScheduleDefinition]:
    """The six schedules, for landlords and periods of the given partitions.

    Parameters
    ----------
    year_partitions, quarter_partitions, month_partitions
        The partitions the run requests must fall in (the code location's by default; tests pass
        partitions built over a temporary workspaces root).

    Returns
    -------
    dict
        Schedule name -> definition.
    """
    specs = [
        (
            "monthly_refresh_schedule",
            refresh_job,
            due_refresh,
            year_partitions,
            "year",
            year_key,
            "Monthly refresh per landlord on schedules.monthly_refresh_day (default the 5th), "
            "for the reporting year of the month just ended.",
        ),
        (
            "committee_pack_schedule",
            committee_pack_job,
            due_committee_pack,
            quarter_partitions,
            "quarter",
            quarter_key,
            "Quarterly committee pack for landlords whose committee meets quarterly "
            "(schedules.committee: quarterly) on schedules.committee_day_after_period.",
        ),
        (
            "monthly_committee_pack_schedule",
            monthly_committee_pack_job,
            due_monthly_committee_pack,
            month_partitions,
            "month",
            month_key,
            "Monthly committee pack for landlords whose committee meets monthly "
            "(schedules.committee: monthly) on schedules.committee_day_after_period.",
        ),
        (
            "learning_summary_schedule",
            learning_summary_job,
            due_learning_summary,
            quarter_partitions,
            "quarter",
            quarter_key,
            "Residents' learning summary each quarter for landlords that publish quarterly "
            "(schedules.learning_summary: quarterly).",
        ),
        (
            "returns_schedule",
            returns_job,
            due_returns,
            year_partitions,
            "year",
            year_key,
            "TSM and ARC returns for the closed reporting year on schedules.returns_date.",
        ),
        (
            "annual_report_schedule",
            annual_report_job,
            due_annual_report,
            year_partitions,
            "year",
            year_key,
            "Annual report and self-assessment for the closed reporting year on "
            "schedules.annual_report_date.",
        ),
    ]
    cadence = {
        "monthly_refresh_schedule": "monthly",
        "committee_pack_schedule": "quarterly",
        "monthly_committee_pack_schedule": "monthly",
        "learning_summary_schedule": "quarterly",
        "returns_schedule": "annual",
        "annual_report_schedule": "annual",
    }
    out = {}
    for name, job, rule, partitions_def, dimension, make_key, description in specs:
        # a year job runs after the load (one job cannot mix the load's landlord partitions with
        # landlord x year): the schedule starts ingest_job, tagged with the job to chain
        then_job = job.name if dimension == "year" else None
        evaluate = _evaluator(
            name.removesuffix("_schedule"), rule, partitions_def, dimension, make_key, then_job
        )
        out[name] = dg.schedule(
            name=name,
            job=ingest_job if then_job else job,
            cron_schedule=CRONS[cadence[name]],
            execution_timezone=TIMEZONE,
            description=description,
            metadata={"cadence": cadence[name]},
        )(evaluate)
    return out


_SCHEDULES = build_schedules()
monthly_refresh_schedule = _SCHEDULES["monthly_refresh_schedule"]
committee_pack_schedule = _SCHEDULES["committee_pack_schedule"]
monthly_committee_pack_schedule = _SCHEDULES["monthly_committee_pack_schedule"]
learning_summary_schedule = _SCHEDULES["learning_summary_schedule"]
returns_schedule = _SCHEDULES["returns_schedule"]
annual_report_schedule = _SCHEDULES["annual_report_schedule"]
