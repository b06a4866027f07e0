"""What a run that did not finish left behind is cleared when the landlord is run again:

- the copies in ``.generations`` (killed, stopped, or failed on a full disk), even in a folder the
  new run does not publish: on a full disk they kept the next run from loading, however often the
  command was run again;
- in a ``$DAGSTER_HOME`` instance, a killed command's run shown as started for ever: the run
  queue counted it, so that landlord's queued runs never started again.
"""

from __future__ import annotations

import dagster as dg

from tests.integration.test_orchestration_cli import PROJECT_ROOT, WORKSPACE, complaints

DEAD_RUN = "0f5a94d4-cecc-4a7f-8cc5-e3f1902815e6"


def _run_returns(output, **env) -> None:
    run = complaints(
        "run", "--workspace", str(WORKSPACE), "--year", "2025-26", "--only", "returns",
        "--output", str(output), env_extra=env,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_killed_runs_copies_are_removed_by_the_next_run_of_the_landlord(tmp_path):
    output = tmp_path / "output"
    abandoned = output / "small_specialist" / ".generations" / "2023-24" / DEAD_RUN
    abandoned.mkdir(parents=True)
    (abandoned / "annual_report.pdf").write_bytes(b"%PDF half written")
    _run_returns(output)
    assert not abandoned.exists()
    assert (output / "small_specialist" / "2025-26" / "manifest.json").is_file()


def test_a_killed_commands_run_no_longer_shows_as_started_after_the_next(tmp_path):
    from pipeline.process import LOCK_TAG, lock_tag

    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text((PROJECT_ROOT / "dagster.yaml").read_text())
    output = tmp_path / "output"
    lock = output / "warehouse" / "small_specialist.duckdb.lock"
    killed_here = {"landlord": "small_specialist", LOCK_TAG: lock_tag(lock)}
    # the same landlord run by another analyst's command, into their own output folder
    run_elsewhere = {"landlord": "small_specialist", LOCK_TAG: lock_tag(tmp_path / "theirs.lock")}
    other_landlord = {"landlord": "housing21", LOCK_TAG: lock_tag(lock)}
    ids = {}
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        for name, tags in [
            ("killed_here", killed_here),
            ("run_elsewhere", run_elsewhere),
            ("other_landlord", other_landlord),
        ]:
            run = dg.DagsterRun(
                job_name="cli_landlord_year",
                status=dg.DagsterRunStatus.STARTED,
                tags={"complaints/trigger": "cli", **tags},
            )
            ids[name] = instance.add_run(run).run_id
    _run_returns(output, DAGSTER_HOME=str(home))
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        status = {name: instance.get_run_by_id(run_id).status for name, run_id in ids.items()}
    assert status == {
        "killed_here": dg.DagsterRunStatus.FAILURE,
        # runs this command cannot know to be over: not under the lock it holds
        "run_elsewhere": dg.DagsterRunStatus.STARTED,
        "other_landlord": dg.DagsterRunStatus.STARTED,
    }
