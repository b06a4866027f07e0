"""No inert configuration (issue 18): changing any landlord.yaml key changes something a user sees.

Every key of the configuration model (``pipeline.config.key_paths``) that holds a value has a probe:
two versions of a landlord.yaml, and what the product makes of each (the measures table, the
annual report, the TSM return, the panel sample, the retention rule, the schedules, the input
limits, the warnings ...). The probe passes when the two differ. A key added to the model without
a probe fails ``test_every_key_has_a_probe``: either it changes something (add the probe) or it
should not exist.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml

from pipeline.config import Landlord, key_paths
from pipeline.defs.ingest.assets import canonical_tables
from pipeline.defs.ingest.checks import quarantine_verdict
from pipeline.defs.orchestration.schedules import (
    due_annual_report,
    due_committee_pack,
    due_learning_summary,
    due_refresh,
    due_returns,
)
from pipeline.limits import check_input_limits
from pipeline.measures import compute_measures
from pipeline.measures.testing import create_canonical_schema, insert_rows
from pipeline.partitions import instance_with_landlords
from pipeline.periods import ReportingYear, parse_quarter
from pipeline.reporting import render
from pipeline.reporting.data import Measures
from pipeline.reporting.panel import panel_sample
from pipeline.reporting.residents import complaints_contact_lines
from pipeline.reporting.targets import ratings
from pipeline.resources import ComplaintsStore
from pipeline.retention import expiry_condition
from pipeline.returns import tsm_return_fields
from pipeline.self_assessment.build import submission_deadline
from pipeline.sources.errors import IngestError
from tests.fixtures.ingest.workspaces import KEY, wide_workspace

pytestmark = pytest.mark.slow  # about 70 measure runs: a minute or two on a quiet 2-core machine

DOC = Path(__file__).resolve().parents[2] / "docs" / "landlord.md"
D = dt.date
YEAR = ReportingYear.parse("2025-26")


def base_raw() -> dict:
    """The fuller example of docs/landlord.md (every optional key set), its stock and closure day
    moved into the year the probes compute (one year keeps the probes quick)."""
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    raw = yaml.safe_load(blocks[1])
    raw["closures"][0].update(date=D(2025, 12, 29), to=D(2025, 12, 30))
    for row in raw["stock"]:
        row["year_end"] = YEAR.end
    # a target the fixture's figure misses (red), so its bounds and direction show in the rating
    raw["thresholds"]["targets"][0].update(target=100, amber=99.9)
    return raw


# --- a small warehouse that exercises every policy rule ---------------------------------------

SCHEMES = ["Oak Court", "Elm House", "Beech Gardens (Extra Care)", "Ash Row"]
AREAS = ["repairs", "housing", "care", "heat_network", "repairs", "asb_handling"]


def _rows(landlord_id: str) -> dict[str, list[dict]]:
    """Complaints spread over 2024-25 and 2025-26 in both regimes: varied acknowledgements,
    extensions (some beyond the caps), responses, escalations (some late), anonymous, STAIRs,
    care and heat-network complaints, schemes, surveys, restrictions and orders."""
    complaints, stages, surveys, tp09 = [], [], [], []
    day = D(2024, 4, 1)
    n = 0
    while day <= D(2026, 3, 20):
        if day.weekday() < 5:
            n += 1
            cid = f"c{n}"
            regime = "sct" if n % 5 == 0 else "eng"
            area = AREAS[n % len(AREAS)]
            complaints.append(
                {
                    "complaint_id": cid,
                    "received_date": day,
                    "first_known_date": day - dt.timedelta(days=(n % 4) * 60),
                    "service_area": area,
                    "scheme": SCHEMES[n % len(SCHEMES)],
                    "regime": regime,
                    "tenure": "lcho" if n % 7 == 0 else "lcra",
                    "anonymous": n % 23 == 0,
                    "separate_policy": "stairs" if n % 19 == 0 else None,
                    "handled_by": "Pinnacle Place Management" if n % 11 == 0 else "landlord",
                    "notifiable_event": regime == "sct" and n % 3 == 0,
                    "tenancy_end_date": day + dt.timedelta(days=30) if n % 13 == 0 else None,
                    "closed_date": day + dt.timedelta(days=40 + n % 30),
                }
            )
            ack = day + dt.timedelta(days=n % 9)
            responded = day + dt.timedelta(days=5 + (n * 7) % 45)
            stages.append(
                {
                    "complaint_id": cid,
                    "stage": 1,
                    "received_date": day,
                    "acknowledged_date": ack,
                    "extension_wd": [0, 0, 5, 12, 25][n % 5],
                    "extension_reason": "survey needed",
                    "responded_date": responded if n % 17 else None,
                    "outcome": "upheld" if n % 17 else "open",
                    "compensation_paid_gbp": 50 if n % 4 == 0 else None,
                }
            )
            if n % 3 == 0 and n % 17:
                asked = responded + dt.timedelta(days=[10, 45, 80, 200, 400][n % 5])
                stages.append(
                    {
                        "complaint_id": cid,
                        "stage": 2,
                        "received_date": asked,
                        "acknowledged_date": asked + dt.timedelta(days=n % 6),
                        "extension_wd": [0, 10, 30][(n // 3) % 3],
                        "responded_date": asked + dt.timedelta(days=15 + (n * 5) % 70),
                        "outcome": "not_upheld",
                    }
                )
            if n % 2 == 0:
                surveys.append({"complaint_id": cid, "sent_date": day + dt.timedelta(days=50)})
            tp09.append(
                {
                    "respondent_ref": f"r{n}",
                    "survey_date": day,
                    "stock_type": "lcho" if n % 4 == 0 else "lcra",
                    "scheme": SCHEMES[n % len(SCHEMES)],
                    "made_complaint_12m": "yes",
                    "answer": ["very_satisfied", "neither", "fairly_dissatisfied"][n % 3],
                }
            )
        day += dt.timedelta(days=1)
    cases = [
        {"case_ref": "h1", "body": "housing_ombudsman", "referral_date": D(2024, 5, 1),
         "determination_date": D(2025, 1, 10)},
    ]  # fmt: skip
    orders = [
        {"case_ref": "h1", "order_ref": "o1", "order_type": "compensation",
         "made_date": D(2025, 1, 10), "due_date": D(2025, 3, 1)},
    ]  # fmt: skip
    stock = []  # from landlord.yaml: the keys under test
    return {
        "complaint": complaints,
        "complaint_stage": stages,
        "complainant_survey": surveys,
        "tp09_response": tp09,
        "ombudsman_case": cases,
        "ombudsman_order": orders,
        "stock": stock,
    }


@cache
def _template(landlord_id: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    create_canonical_schema(con)
    for table, rows in _rows(landlord_id).items():
        insert_rows(con, table, rows, landlord_id=landlord_id)
    return con


def warehouse(landlord: Landlord, rows_of: str = "ll_a") -> duckdb.DuckDBPyConnection:
    """A fresh in-memory warehouse holding the fixture rows (labelled ``rows_of``), with measures
    computed for 2025-26 under ``landlord``."""
    con = duckdb.connect()
    template = _template(rows_of)
    create_canonical_schema(con)
    for (table,) in template.execute("select table_name from duckdb_tables()").fetchall():
        frame = template.table(table).pl()  # noqa: F841 - DuckDB replacement scan
        con.execute(f'insert into "{table}" select * from frame')  # noqa: S608 - known tables
    compute_measures(con, landlord, YEAR)
    return con


def measures(landlord: Landlord) -> list[tuple]:
    con = warehouse(landlord)
    return con.execute(
        "select period, measure, breakdown, breakdown_value, view, numerator, denominator, value "
        "from measures order by all"
    ).fetchall()


def annual(landlord: Landlord, published: bool = False) -> str:
    con = warehouse(landlord)
    sections, _ = render.annual_report_sections(
        con, landlord, YEAR, published=published, workspace=Path("/nonexistent")
    )
    parts = []
    for section in sections:
        parts.append(section.title)
        for block in section.blocks:
            parts += [block.text, *block.items, str(block.table.html) if block.table else ""]
    return "\n".join(parts)


def glossary(landlord: Landlord) -> list:
    """The annual report's glossary: the landlord's own terms its text uses among them."""
    con = warehouse(landlord)
    sections, _ = render.annual_report_sections(
        con, landlord, YEAR, published=False, workspace=Path("/nonexistent")
    )
    return [
        str(block.html) for s in render._glossary(sections, False, landlord) for block in s.blocks
    ]


def document_title(landlord: Landlord, tmp: Path) -> str:
    paths = render.render_learning_summary(
        warehouse(landlord), landlord, "2025-26", tmp / landlord.name.replace(" ", "_"), pdf=False
    )
    html = paths["html"].read_text(encoding="utf-8")
    return re.search(r'<p class="landlord">(.*?)</p>', html).group(1)


def tsm_return(landlord: Landlord) -> list:
    return [f.value for f in tsm_return_fields(warehouse(landlord), landlord, YEAR)]


def panel(landlord: Landlord) -> list:
    sample = panel_sample(warehouse(landlord), landlord, parse_quarter("2025-26-Q2"))
    return sample["reference"].to_list()


def schedules(landlord: Landlord) -> list:
    days = [D(2025, 1, 1) + dt.timedelta(days=k) for k in range(366)]
    return [
        (day, f(landlord.schedules, day))
        for day in days
        for f in (
            due_refresh,
            due_committee_pack,
            due_learning_summary,
            due_returns,
            due_annual_report,
        )
        if f(landlord.schedules, day)
    ]


def targets(landlord: Landlord) -> list:
    """The committee pack's rating of each target on the year's figure."""
    found = Measures.load(warehouse(landlord), landlord.landlord_id, YEAR.start, YEAR.end)
    return [
        (r.name, r.status, None if r.row is None else r.row["display"])
        for r in ratings(found, landlord.thresholds.targets, YEAR)
    ]


def _first_target(**change) -> Callable[[dict], None]:
    return lambda raw: raw["thresholds"]["targets"][0].update(change)


def input_limits(landlord: Landlord, tmp: Path) -> str:
    path = tmp / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(40)) + "\n" + ("x," * 39 + "x\n") * 15000)
    try:
        check_input_limits(path, landlord.thresholds)
    except IngestError as exc:
        return str(exc)
    return "accepted"


def quarantine_share(landlord: Landlord) -> tuple[list, list]:
    """The files flagged and those that stop the run: 20 of a file's 100 rows quarantined."""
    con = duckdb.connect()
    create_canonical_schema(con)
    insert_rows(
        con,
        "ingest_file",
        [{"source_file": "exports/a.csv", "sha256": "0" * 64, "rows_in": 100, "rows_loaded": 80,
          "rows_quarantined": 20}],
        landlord_id="ll_a",
    )  # fmt: skip
    insert_rows(
        con, "quarantine", [{"source_file": "exports/a.csv", "rule": "date_unparseable",
                              "message": "date_unparseable"}] * 20, landlord_id="ll_a"
    )  # fmt: skip
    return quarantine_verdict(con, "ll_a", landlord.thresholds)


def freshness(landlord: Landlord, tmp: Path) -> bool:
    """The exports_freshness check's verdict on a workspace whose exports are 50 days old (named
    after an example, as the code location's partitions are)."""
    root = tmp / f"fresh{landlord.thresholds.exports_max_age_days}"
    workspace = wide_workspace(root / "small_specialist")
    raw = yaml.safe_load((workspace / "landlord.yaml").read_text())
    raw["landlord_id"] = "small_specialist"
    raw["thresholds"] = {"exports_max_age_days": landlord.thresholds.exports_max_age_days}
    raw["data_cut_date"] = dt.date.today() + dt.timedelta(days=50)
    (workspace / "landlord.yaml").write_text(yaml.safe_dump(raw))
    store = ComplaintsStore(
        workspaces_root=str(root), output_root=str(tmp / "out"), pseudonymisation_key=KEY
    )
    result = dg.materialize(
        [canonical_tables],  # the check is on the asset, evaluated in its step
        resources={"store": store},
        partition_key="small_specialist",  # the load is partitioned by landlord only
        instance=instance_with_landlords(["small_specialist"]),
        raise_on_error=False,
    )
    (evaluation,) = [
        e for e in result.get_asset_check_evaluations() if e.check_name == "exports_freshness"
    ]
    return evaluation.passed


def retention(landlord: Landlord) -> tuple:
    return expiry_condition(landlord)


# --- probes: key -> (change to the base file, what to look at) --------------------------------


def _set(path: str, value) -> Callable[[dict], None]:
    """Set ``path`` (``a.b``, ``list[].x``, ``x.<regime>.y``) to ``value`` everywhere it occurs."""

    def apply(node, parts):
        head, *rest = parts
        if head == "[]":
            for item in node:
                apply(item, rest)
        elif head.startswith("<"):
            for item in node.values():
                apply(item, rest)
        elif not rest:
            node[head] = value(node.get(head)) if callable(value) else value
        elif node.get(head) is not None:
            apply(node[head], rest)

    parts = re.findall(r"\[\]|[^.\[\]]+", path)
    return lambda raw: apply(raw, parts)


def _first_version(key: str, value) -> Callable[[dict], None]:
    def change(raw):
        raw["policy_versions"][0][key] = value

    return change


PROBES: dict[str, tuple[Callable[[dict], None], str]] = {
    "landlord_id": (_set("landlord_id", "Other Homes"), "measures"),
    "name": (_set("name", "Riverside Homes"), "title"),
    "rsh_registration": (_set("rsh_registration", None), "annual"),
    "regimes": (_set("regimes", ["eng"]), "annual"),
    "business_streams": (_set("business_streams", {}), "measures"),
    "managing_agents": (_set("managing_agents", []), "annual"),
    "glossary": (_set("glossary", {}), "glossary"),
    "stock": (_set("stock", []), "measures"),
    "stock[].year_end": (_set("stock[].year_end", D(2025, 3, 31)), "measures"),
    # Swapped, not set to one value: a repeated (year end, stock type, country) row is refused.
    "stock[].stock_type": (
        _set("stock[].stock_type", {"lcra": "lcho", "lcho": "lcra"}.get),
        "measures",
    ),
    "stock[].country": (_set("stock[].country", {"eng": "sct", "sct": "eng"}.get), "measures"),
    "stock[].units_owned": (_set("stock[].units_owned", 3000), "measures"),
    "closures": (_set("closures", []), "measures"),
    "closures[].date": (_set("closures[].date", D(2025, 12, 24)), "measures"),
    "closures[].to": (_set("closures[].to", D(2026, 1, 9)), "measures"),
    "closures[].regimes": (_set("closures[].regimes", ["sct"]), "measures"),
    "closures[].reason": (_set("closures[].reason", "Staff training day"), "annual"),
    "policy_versions[].effective_from": (
        lambda raw: raw["policy_versions"][1].update(effective_from=D(2025, 10, 1)),
        "measures",
    ),
    "policy_versions[].source": (_set("policy_versions[].source", "Another policy"), "annual"),
    **{
        f"policy_versions[].timescales.<regime>.{stage}.{key}": (
            _set(f"policy_versions[].timescales.<regime>.{stage}.{key}", value),
            "measures",
        )
        for stage in ("stage_1", "stage_2")
        for key, value in (
            ("acknowledge_wd", 1),
            ("respond_wd", 3),
            ("extension_wd", 2),
            ("extension_cap_unless_extenuating", lambda old: not old),
            ("clock_starts", "receipt"),
        )
    },
    "policy_versions[].escalation_window.months_after_stage1_response": (
        _first_version("escalation_window", {"months_after_stage1_response": 12}),
        "measures",
    ),
    "policy_versions[].escalation_window.months_after_first_known": (
        _first_version("escalation_window", {"months_after_stage1_response": 2}),
        "measures",
    ),
    "policy_versions[].complaint_time_limit_months": (
        _set("policy_versions[].complaint_time_limit_months", 1),
        "measures",
    ),
    "policy_versions[].anonymous_accepted": (
        _set("policy_versions[].anonymous_accepted", lambda old: not old),
        "measures",
    ),
    "policy_versions[].separate_policies": (
        _set("policy_versions[].separate_policies", []),
        "measures",
    ),
    "policy_versions[].outside_tsm_service_areas": (
        _set("policy_versions[].outside_tsm_service_areas", []),
        "measures",
    ),
    "policy_versions[].heat_network_rules_from": (
        _set("policy_versions[].heat_network_rules_from", D(2024, 4, 1)),
        "measures",
    ),
    "policy_versions[].heat_network_limit_days": (
        _set("policy_versions[].heat_network_limit_days", 20),
        "measures",
    ),
    "tsm_summary_of_approach": (_set("tsm_summary_of_approach", "Census by post."), "tsm_return"),
    "tp09_population": (_set("tp09_population", {"lcra": 400, "lcho": 300}), "measures"),
    "data_cut_date": (_set("data_cut_date", D(2025, 10, 31)), "measures"),
    "complainant_survey": (_set("complainant_survey", "monthly_sample"), "annual"),
    "retention.rule": (
        _set("retention", {"rule": "closure_plus_years", "years": 6}),
        "retention",
    ),
    "retention.months": (_set("retention.months", 24), "retention"),
    "retention.years": (
        lambda raw: raw.update(retention={"rule": "closure_plus_years", "years": 3}),
        "retention",
    ),
    "schedules.monthly_refresh_day": (_set("schedules.monthly_refresh_day", 12), "schedules"),
    "schedules.committee": (_set("schedules.committee", "monthly"), "schedules"),
    "schedules.committee_day_after_period": (
        _set("schedules.committee_day_after_period", 20),
        "schedules",
    ),
    "schedules.annual_report_date": (_set("schedules.annual_report_date", "07-31"), "schedules"),
    "schedules.returns_date": (_set("schedules.returns_date", "06-15"), "schedules"),
    "thresholds.exports_max_age_days": (
        _set("thresholds.exports_max_age_days", 60),
        "freshness",
    ),
    "thresholds.max_file_mb": (_set("thresholds.max_file_mb", 1), "input_limits"),
    "thresholds.max_columns": (_set("thresholds.max_columns", 20), "input_limits"),
    "thresholds.small_number_suppression": (
        _set("thresholds.small_number_suppression", 100),
        "published",
    ),
    "thresholds.max_quarantine_pct": (_set("thresholds.max_quarantine_pct", 50), "quarantine"),
    "thresholds.stop_quarantine_pct": (_set("thresholds.stop_quarantine_pct", 15), "quarantine"),
    "self_assessment_deadline": (_set("self_assessment_deadline", "12-31"), "deadline"),
    **{
        f"complaints_contact.{key}": (_set(f"complaints_contact.{key}", ""), "contact")
        for key in ("phone", "email", "web", "post", "in_person")
    },
    "schedules.learning_summary": (_set("schedules.learning_summary", "annual"), "schedules"),
    "thresholds.targets": (_set("thresholds.targets", []), "targets"),
    "thresholds.targets[].measure": (_first_target(measure="ack_in_time_1"), "targets"),
    "thresholds.targets[].label": (_first_target(label="Answered in time"), "targets"),
    "thresholds.targets[].view": (_first_target(view="regulator"), "targets"),
    "thresholds.targets[].breakdown": (_first_target(breakdown="regime"), "targets"),
    "thresholds.targets[].breakdown_value": (
        lambda raw: raw["thresholds"]["targets"][1].update(breakdown_value="lcho"),
        "targets",
    ),
    "thresholds.targets[].target": (_first_target(target=0, amber=0), "targets"),
    "thresholds.targets[].amber": (_first_target(amber=0), "targets"),
    "thresholds.targets[].better": (_first_target(better="lower", amber=100.1), "targets"),
    "complaint_panel.sample_size": (_set("complaint_panel.sample_size", 3), "panel"),
    "complaint_panel.seed": (_set("complaint_panel.seed", 7), "panel"),
}

# Keys that only group other keys: their effect is their children's.
CONTAINERS = {
    "policy_versions",
    "policy_versions[].timescales",
    "policy_versions[].timescales.<regime>.stage_1",
    "policy_versions[].timescales.<regime>.stage_2",
    "policy_versions[].escalation_window",
    "retention",
    "schedules",
    "thresholds",
    "complaint_panel",
    "complaints_contact",
}


def observe(kind: str, landlord: Landlord, tmp: Path):
    return {
        "measures": lambda: measures(landlord),
        "annual": lambda: annual(landlord),
        "published": lambda: annual(landlord, published=True),
        "title": lambda: document_title(landlord, tmp),
        "tsm_return": lambda: tsm_return(landlord),
        "panel": lambda: panel(landlord),
        "schedules": lambda: schedules(landlord),
        "input_limits": lambda: input_limits(landlord, tmp),
        "quarantine": lambda: quarantine_share(landlord),
        "freshness": lambda: freshness(landlord, tmp),
        "retention": lambda: retention(landlord),
        "deadline": lambda: submission_deadline(landlord, YEAR).date,
        "contact": lambda: complaints_contact_lines(landlord),
        "glossary": lambda: glossary(landlord),
        "targets": lambda: targets(landlord),
    }[kind]()


@cache
def _base_observation(kind: str, tmp: Path):
    return observe(kind, Landlord.model_validate(base_raw()), tmp)


def test_every_key_has_a_probe():
    assert sorted(set(key_paths()) - CONTAINERS - set(PROBES)) == []
    assert sorted(set(PROBES) | CONTAINERS) == sorted(set(key_paths()))


@pytest.mark.parametrize("key", sorted(PROBES))
def test_changing_the_key_changes_what_the_user_sees(key, tmp_path_factory):
    change, kind = PROBES[key]
    raw = copy.deepcopy(base_raw())
    change(raw)
    assert raw != base_raw(), f"the probe for {key} changed nothing in landlord.yaml"
    tmp = tmp_path_factory.mktemp("probe")
    before = _base_observation(kind, tmp_path_factory.getbasetemp())
    after = observe(kind, Landlord.model_validate(raw), tmp)
    assert after != before, f"{key}: {kind} is the same whatever its value"
