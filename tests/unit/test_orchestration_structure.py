"""The code location's Dagster structure: dynamic landlords added by the sensor, the key as an
EnvVar, blocking pandera checks declared on the load, public API only, `make dev` keeping an
existing instance configuration, and `dg check defs`."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import dagster as dg
import yaml

from pipeline.defs.orchestration.sensors import (
    THEN_JOB_TAG,
    THEN_YEARS_TAG,
    build_workspace_sensor,
    chained_after_ingest,
)
from pipeline.resources import ComplaintsStore
from tests.fixtures.pandera_failure import failing_complaint_check
from tests.unit.test_orchestration import age, make_workspace

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_sensor_adds_a_new_workspace_as_a_landlord_partition_without_reload(tmp_path):
    root = tmp_path / "workspaces"
    make_workspace(root, "alpha")
    age(root / "alpha" / "landlord.yaml")
    store = ComplaintsStore(workspaces_root=str(root), output_root=str(tmp_path / "out"))
    sensor = build_workspace_sensor()  # the code location's dynamic landlord partitions
    with dg.instance_for_test() as instance:
        result = sensor(dg.build_sensor_context(instance=instance, resources={"store": store}))
        (request,) = result.dynamic_partitions_requests
        assert isinstance(request, dg.AddDynamicPartitionsRequest)
        assert request.partitions_def_name == "landlord" and list(request.partition_keys) == [
            "alpha"
        ]
        (run,) = result.run_requests  # its files are new: load, then refresh the data's year
        assert run.job_name == "ingest_job" and run.partition_key == "alpha"
        assert run.tags[THEN_JOB_TAG] == "monthly_refresh_job"
        assert run.tags[THEN_YEARS_TAG] == "2024-25"
        instance.add_dynamic_partitions("landlord", list(request.partition_keys))
        make_workspace(root, "beta")  # a new folder while the code location stays loaded
        age(root / "beta" / "landlord.yaml")
        result = sensor(
            dg.build_sensor_context(
                instance=instance, cursor=result.cursor, resources={"store": store}
            )
        )
        assert [list(r.partition_keys) for r in result.dynamic_partitions_requests] == [["beta"]]
        assert [r.partition_key for r in result.run_requests] == ["beta"]


def _sensor_on_a_cut_in_2026_27(tmp_path, stock_at_2026: bool):
    """The sensor's tick for landlord alpha, data cut 31 May 2026 (in 2026-27, no stock at
    31 March 2027), with or without the stock at 31 March 2026."""
    root = tmp_path / "workspaces"
    workspace = make_workspace(root, "alpha")
    doc = yaml.safe_load((workspace / "landlord.yaml").read_text())
    doc["data_cut_date"] = "2026-05-31"
    if not stock_at_2026:
        doc["stock"] = [row for row in doc["stock"] if row["year_end"] != "2026-03-31"]
    (workspace / "landlord.yaml").write_text(yaml.safe_dump(doc))
    age(workspace / "landlord.yaml")
    store = ComplaintsStore(workspaces_root=str(root), output_root=str(tmp_path / "out"))
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("landlord", ["alpha"])
        return build_workspace_sensor()(
            dg.build_sensor_context(instance=instance, resources={"store": store})
        )


def test_sensor_skips_a_year_without_stock_with_a_clear_message(tmp_path):
    # neither the year end's count nor the previous one, which a year in progress would use
    result = _sensor_on_a_cut_in_2026_27(tmp_path, stock_at_2026=False)
    assert not result.run_requests
    assert "alpha: 2026-27 skipped: landlord.yaml has no stock at 2027-03-31" in (
        result.skip_reason.skip_message
    )


def test_sensor_runs_a_year_in_progress_on_the_previous_year_ends_stock(tmp_path):
    """The data cut falls in 2026-27, whose year-end count is not taken yet: the refresh runs
    (its committee packs need the year's measures) on the stock at 31 March 2026."""
    result = _sensor_on_a_cut_in_2026_27(tmp_path, stock_at_2026=True)
    (request,) = result.run_requests
    assert request.tags[THEN_YEARS_TAG] == "2026-27"


def test_chained_sensor_starts_the_year_job_over_the_years_after_a_load():
    from pipeline.definitions import defs

    definitions = defs()
    sensor = definitions.resolve_sensor_def("chained_after_ingest")
    assert sensor is not None and sensor.name == chained_after_ingest.name
    job = definitions.resolve_job_def("ingest_job")
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("landlord", ["alpha"])
        run = instance.create_run_for_job(
            job_def=job,
            tags={
                "dagster/partition": "alpha",
                "landlord": "alpha",
                THEN_JOB_TAG: "regulatory_returns_job",
                THEN_YEARS_TAG: "2023-24,2024-25",
            },
        )
        context = dg.build_run_status_sensor_context(
            sensor_name="chained_after_ingest",
            dagster_instance=instance,
            dagster_run=run,
            dagster_event=dg.DagsterEvent(
                event_type_value="PIPELINE_SUCCESS", job_name="ingest_job"
            ),
        )
        request = chained_after_ingest(context)
    assert request.job_name == "regulatory_returns_job"
    assert request.tags["dagster/asset_partition_range_start"] == "alpha|2023-24"
    assert request.tags["dagster/asset_partition_range_end"] == "alpha|2024-25"


def test_pseudonymisation_key_is_an_env_var_not_plain_text(monkeypatch):
    from pipeline.defs.resources import resources

    monkeypatch.setenv("COMPLAINTS_PSEUDONYMISATION_KEY", "s3cret-key-value")
    store = resources().resources["store"]
    assert isinstance(store.pseudonymisation_key, dg.EnvVar)
    assert store.pseudonymisation_key.env_var_name == "COMPLAINTS_PSEUDONYMISATION_KEY"
    assert "s3cret-key-value" not in repr(store.model_dump())


def test_pandera_checks_are_blocking_and_partitioned_like_the_load():
    from pipeline.definitions import defs

    graph = defs().resolve_asset_graph()
    checks = [key for key in graph.asset_check_keys if key.name.startswith("pandera_")]
    assert {key.asset_key for key in checks} == {dg.AssetKey("canonical_tables")}
    assert len(checks) >= 10
    for key in checks:
        assert graph.get_check_spec(key).blocking, key
    # declared on the load itself: partitioned like it
    canonical = graph.get(dg.AssetKey("canonical_tables"))
    assert isinstance(canonical.partitions_def, dg.DynamicPartitionsDefinition)


def test_a_failing_pandera_check_stops_the_measures_and_a_check_runs_alone(tmp_path, monkeypatch):

    import pipeline.schemas
    from pipeline.defs.ingest.assets import canonical_tables
    from pipeline.workspaces import DEFAULT_WORKSPACES_ROOT

    store = ComplaintsStore(
        workspaces_root=str(DEFAULT_WORKSPACES_ROOT),
        output_root=str(tmp_path),
        pseudonymisation_key="k",
    )
    landlord = "small_specialist"
    real = pipeline.schemas.validate_table
    complaint_fails = failing_complaint_check(real)

    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("landlord", [landlord])
        monkeypatch.setattr(pipeline.schemas, "validate_table", complaint_fails)
        load = dg.materialize(
            [canonical_tables], resources={"store": store}, partition_key=landlord,
            instance=instance, raise_on_error=False,
        )  # fmt: skip
        failed = {e.check_name for e in load.get_asset_check_evaluations() if not e.passed}
        assert failed == {"pandera_complaint"} and not load.success  # blocking: the run fails
        # the run fails, so nothing downstream starts: the year job is chained on the load's
        # success (chained_after_ingest), and the command line runs the years only after a good load
        monkeypatch.setattr(pipeline.schemas, "validate_table", real)
        # one check alone (the UI's Execute button): no load, one evaluation, for the partition
        check_job = dg.define_asset_job(
            "check_alone",
            selection=dg.AssetSelection.checks(
                dg.AssetCheckKey(dg.AssetKey("canonical_tables"), "pandera_complaint")
            ),
        )
        definitions = dg.Definitions(
            assets=[canonical_tables], jobs=[check_job], resources={"store": store}
        )
        alone = definitions.resolve_job_def("check_alone").execute_in_process(
            tags={"dagster/partition": landlord},
            instance=instance,  # as the UI launches it
        )
        assert alone.success
        assert not alone.get_asset_materialization_events()
        (evaluation,) = alone.get_asset_check_evaluations()
        assert evaluation.check_name == "pandera_complaint" and evaluation.passed
        assert evaluation.partition == landlord  # its status is the landlord partition's


def test_every_asset_check_is_partitioned_like_its_asset():
    """Each check has its asset's partitions (a status per partition in the UI, and its Execute
    button runs it for a partition); the checks declared inside an asset step included."""
    from pipeline.definitions import defs

    graph = defs().resolve_asset_graph()
    assert len(graph.asset_check_keys) >= 30
    for key in graph.asset_check_keys:
        asset_partitions = graph.get(key.asset_key).partitions_def
        assert asset_partitions is not None, key
        assert graph.get_check_spec(key).partitions_def == asset_partitions, key


def test_a_measures_check_runs_alone_for_one_landlord_year(tmp_path):
    """A sanity check of ``measures`` executed on its own for one landlord x year partition, as
    the UI launches it: no materialization, one evaluation recorded for that partition."""
    from pipeline.defs.ingest.assets import canonical_tables
    from pipeline.defs.measures.assets import measures
    from pipeline.partitions import year_key
    from pipeline.workspaces import DEFAULT_WORKSPACES_ROOT

    store = ComplaintsStore(
        workspaces_root=str(DEFAULT_WORKSPACES_ROOT),
        output_root=str(tmp_path),
        pseudonymisation_key="k",
    )
    landlord, key = "small_specialist", year_key("small_specialist", "2024-25")
    check = dg.AssetCheckKey(dg.AssetKey("measures"), "percentages_within_0_100")
    definitions = dg.Definitions(
        assets=[canonical_tables, measures],
        jobs=[dg.define_asset_job("check_alone", selection=dg.AssetSelection.checks(check))],
        resources={"store": store},
    )
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("landlord", [landlord])
        assert dg.materialize(
            [canonical_tables], resources={"store": store}, partition_key=landlord,
            instance=instance,
        ).success  # fmt: skip
        assert dg.materialize(
            [measures], resources={"store": store}, partition_key=key, instance=instance,
            selection=[measures.key],
        ).success  # fmt: skip
        alone = definitions.resolve_job_def("check_alone").execute_in_process(
            tags={"dagster/partition": str(key)}, instance=instance
        )
        assert alone.success and not alone.get_asset_materialization_events()
        (evaluation,) = alone.get_asset_check_evaluations()
        assert evaluation.check_name == check.name and evaluation.passed
        assert evaluation.partition == str(key)


def test_pandera_table_list_matches_the_models():
    from pipeline.defs.ingest.checks import PANDERA_TABLES
    from pipeline.schemas import SCHEMAS

    assert {t: m.__name__ for t, m in SCHEMAS.items()} == PANDERA_TABLES


def test_no_private_dagster_modules_and_no_globals_injection():
    offenders = []
    for path in (PROJECT_ROOT / "pipeline").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"\bdagster\._", text) or "globals()" in text:
            offenders.append(str(path.relative_to(PROJECT_ROOT)))
    assert offenders == []


def test_make_dev_keeps_an_existing_instance_config(tmp_path):
    script = PROJECT_ROOT / "scripts" / "dagster-home.sh"
    home = tmp_path / "home"
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    subprocess.run([str(script)], env=env, check=True, capture_output=True)
    assert (home / "dagster.yaml").resolve() == (PROJECT_ROOT / "dagster.yaml").resolve()
    (home / "dagster.yaml").unlink()
    (home / "dagster.yaml").write_text("storage:\n  postgres: {}\n")  # an operator's own config
    out = subprocess.run([str(script)], env=env, check=True, capture_output=True, text=True)
    assert (home / "dagster.yaml").read_text() == "storage:\n  postgres: {}\n"
    assert "keeping the existing" in out.stdout


def test_dg_check_defs_passes():
    run = subprocess.run(
        ["dg", "check", "defs"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "All definitions loaded successfully" in run.stdout + run.stderr


def test_a_year_asset_computes_every_year_of_a_single_run_range(tmp_path):
    from pipeline.partitions import (
        BACKFILL_POLICY,
        build_landlord_year_partitions,
        per_year,
        year_key,
    )

    partitions = build_landlord_year_partitions(["alpha"], ["2023-24", "2024-25", "2025-26"])
    seen = []

    @dg.asset(
        partitions_def=partitions,
        backfill_policy=BACKFILL_POLICY,
        check_specs=[dg.AssetCheckSpec("fine", asset="doc")],
    )
    def doc(context) -> dg.MaterializeResult:
        def one(landlord_id, year):
            seen.append((landlord_id, year))
            return dg.MaterializeResult(
                metadata={"rows": len(year)},
                check_results=[dg.AssetCheckResult(check_name="fine", passed=year != "2024-25")],
            )

        return per_year(context, one)

    job = dg.define_asset_job("doc_job", selection=[doc])
    definitions = dg.Definitions(assets=[doc], jobs=[job])
    result = definitions.resolve_job_def("doc_job").execute_in_process(
        tags={
            "dagster/asset_partition_range_start": str(year_key("alpha", "2023-24")),
            "dagster/asset_partition_range_end": str(year_key("alpha", "2025-26")),
        },
        raise_on_error=False,
    )
    assert seen == [("alpha", "2023-24"), ("alpha", "2024-25"), ("alpha", "2025-26")]
    partitions_done = {e.partition for e in result.get_asset_materialization_events()}
    assert partitions_done == {"alpha|2023-24", "alpha|2024-25", "alpha|2025-26"}
    (evaluation,) = result.get_asset_check_evaluations()
    assert not evaluation.passed  # one failing year fails the check for the run
    (materialization,) = {
        e.step_materialization_data.materialization.metadata["years"].value
        for e in result.get_asset_materialization_events()
    }
    assert materialization == "2023-24, 2024-25, 2025-26"


def test_make_test_installs_the_servers_the_redis_and_postgresql_tests_need():
    """`make test` (CI's .ci/run) runs scripts/setup.sh --tests first, which installs Debian's
    redis-server and postgresql when missing, so the celery and PostgreSQL tests run rather than
    skip; `make run` does not install them (the main job needs neither)."""
    assert "make test" in (PROJECT_ROOT / ".ci" / "run").read_text()
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    assert re.search(r"^test: setup-tests\b", makefile, re.M)
    assert re.search(r"^setup-tests:.*\n\t@./scripts/setup.sh --tests$", makefile, re.M)
    assert re.search(r"^run: setup\b", makefile, re.M)
    setup = (PROJECT_ROOT / "scripts" / "setup.sh").read_text()
    tests_only = setup[setup.index('if [ "${1:-}" = "--tests" ]') :]
    for package, binary in (("redis-server", "redis-server"), ("postgresql", "initdb")):
        assert f"apt_install {package} " in tests_only, package
        assert f"command -v {binary}" in tests_only, binary
    # where the tests look for them: redis-server on PATH; initdb on PATH or in Debian's folder
    instance_test = (PROJECT_ROOT / "tests/integration/test_orchestration_instance.py").read_text()
    assert 'Path("/usr/lib/postgresql").glob' in instance_test
    assert "/usr/lib/postgresql/*/bin/initdb" in setup
