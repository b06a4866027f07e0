"""Landlord policy versions (landlord.yaml) as DuckDB temp tables the staging SQL joins to."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from pipeline.calendar import CALENDAR_END, CALENDAR_START
from pipeline.config import Landlord

# A stage received before the first version's effective_from is judged by the first version.
EARLIEST = dt.date(1900, 1, 1)


def policy_frames(landlord: Landlord) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Policy versions and their timescales as two frames.

    Parameters
    ----------
    landlord
        The validated landlord.yaml.

    Returns
    -------
    tuple of polars.DataFrame
        ``policy_version``: one row per version (escalation window, anonymous, separate policies,
        heat-network and outside-TSM rules) with ``applies_from`` (the first version from 1900-01-01);
        ``policy_timescale``: one row per version, regime and stage.
    """
    versions, timescales = [], []
    for number, version in enumerate(landlord.policy_versions, start=1):
        window = version.escalation_window
        versions.append(
            {
                "version_no": number,
                "effective_from": version.effective_from,
                "applies_from": EARLIEST if number == 1 else version.effective_from,
                # no window (the policy states none): both null, so no window close
                "escalation_months": None
                if window is None
                else window.months_after_stage1_response,
                "first_known_months": None if window is None else window.months_after_first_known,
                "complaint_limit_months": version.complaint_time_limit_months,
                "anonymous_accepted": version.anonymous_accepted,
                "separate_policies": list(version.separate_policies),
                "heat_network_rules_from": version.heat_network_rules_from,
                "heat_network_limit_days": version.heat_network_limit_days,
                "outside_tsm_service_areas": list(version.outside_tsm_service_areas),
            }
        )
        for regime, stages in version.timescales.items():
            for stage, scale in ((1, stages.stage_1), (2, stages.stage_2)):
                timescales.append(
                    {
                        "version_no": number,
                        "regime": regime,
                        "stage": stage,
                        "ack_wd": scale.acknowledge_wd,
                        "respond_wd": scale.respond_wd,
                        "extension_cap_wd": scale.extension_wd,
                        "cap_unless_extenuating": scale.extension_cap_unless_extenuating,
                        "clock_starts": scale.clock_starts,
                    }
                )
    version_schema = {
        "version_no": pl.Int32,
        "effective_from": pl.Date,
        "applies_from": pl.Date,
        "escalation_months": pl.Int32,
        "first_known_months": pl.Int32,
        "complaint_limit_months": pl.Int32,
        "anonymous_accepted": pl.Boolean,
        "separate_policies": pl.List(pl.String),
        "heat_network_rules_from": pl.Date,
        "heat_network_limit_days": pl.Int32,
        "outside_tsm_service_areas": pl.List(pl.String),
    }
    timescale_schema = {
        "version_no": pl.Int32,
        "regime": pl.String,
        "stage": pl.Int32,
        "ack_wd": pl.Int32,
        "respond_wd": pl.Int32,
        "extension_cap_wd": pl.Int32,
        "cap_unless_extenuating": pl.Boolean,
        "clock_starts": pl.String,
    }
    return (
        pl.DataFrame(versions, schema=version_schema),
        pl.DataFrame(timescales, schema=timescale_schema),
    )


def separate_policy_macro(landlord: Landlord) -> str:
    """``separate_policy_excludes(version_no, policy)``: does that version hand complaints under
    ``policy`` (complaint.separate_policy) to the separate policy? False for a null policy.

    A scalar macro over two small values, so the staging carries a version number per row, not
    each version's list of policies (copying lists through its joins cost a tenth of the query).
    The codes are the validated canonical ones, so they are inlined safely.
    """
    pairs = [
        f"(version_no = {number} and policy = '{policy}')"
        for number, version in enumerate(landlord.policy_versions, start=1)
        for policy in version.separate_policies
    ]
    body = f"coalesce({' or '.join(pairs)}, false)" if pairs else "false"
    return f"create or replace temp macro separate_policy_excludes(version_no, policy) as {body}"


def build_policy_tables(con: duckdb.DuckDBPyConnection, landlord: Landlord) -> None:
    """Create the temp tables ``policy_version``, ``policy_timescale`` and ``policy_day``, and the
    macro ``separate_policy_excludes`` (:func:`separate_policy_macro`).

    ``policy_day(day_key, version_no)`` names the version in force on every calendar day (key =
    ``day_key(0, day)`` of pipeline/calendar.py), so a stage finds its version by one integer join
    instead of a range or as-of join per row.
    """
    con.execute(separate_policy_macro(landlord))
    versions, timescales = policy_frames(landlord)  # noqa: F841 - read by DuckDB's replacement scan
    con.execute("create or replace temp table policy_version as select * from versions")
    con.execute("create or replace temp table policy_timescale as select * from timescales")
    con.execute(
        """
        create or replace temp table policy_day as
        select day_key(0, d.day::date) as day_key, v.version_no
        from range($first, $last + 1, interval 1 day) as d (day)
        asof join policy_version as v on d.day::date >= v.applies_from
        order by day_key
        """,
        {"first": CALENDAR_START, "last": CALENDAR_END},
    )
