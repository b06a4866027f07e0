"""One generation of outputs (pipeline/publish.py): staging, atomic swap, recovery, cleanup."""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.io import atomic_write_text
from pipeline.publish import (
    GENERATIONS,
    current_generation,
    is_year_key,
    publish,
    recover,
    remove_abandoned_generations,
    staging_dir,
    visible_files,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _files(folder):
    """The visible files (a staging folder's hidden ledger is removed before the swap)."""
    return {p.relative_to(folder).as_posix(): p.read_text() for p in visible_files(folder)}


def _first_generation(tmp_path):
    live = tmp_path / "landlord" / "2024-25"
    stage = staging_dir(live, "run-1")
    atomic_write_text(stage / "tsm_return.csv", "old return\n")
    atomic_write_text(stage / "schemes" / "a.html", "old scheme\n")
    publish(live, "run-1")
    return live


def test_a_run_writes_into_staging_and_nothing_shows_until_the_swap(tmp_path):
    live = _first_generation(tmp_path)
    assert live.is_symlink() and _files(live) == {
        "schemes/a.html": "old scheme\n",
        "tsm_return.csv": "old return\n",
    }
    stage = staging_dir(live, "run-2")
    # the new generation starts as the current one, hard-linked
    assert _files(stage) == _files(live)
    assert os.path.samefile(stage / "tsm_return.csv", live / "tsm_return.csv")
    atomic_write_text(stage / "tsm_return.csv", "new return\n")
    atomic_write_text(stage / "annual_report.html", "new report\n")
    # the live generation is untouched by writes into staging (a file is replaced, not edited)
    assert _files(live) == {"schemes/a.html": "old scheme\n", "tsm_return.csv": "old return\n"}
    assert staging_dir(live, "run-2") == stage  # a later step of the run gets the same folder
    publish(live, "run-2")
    assert _files(live) == {
        "annual_report.html": "new report\n",
        "schemes/a.html": "old scheme\n",
        "tsm_return.csv": "new return\n",
    }
    # the previous generation is gone; only the published one is kept
    assert [p.name for p in (live.parent / GENERATIONS / live.name).iterdir()] == ["run-2"]


def test_stale_staging_and_junk_of_killed_runs_are_removed_by_the_next_publish(tmp_path):
    live = _first_generation(tmp_path)
    killed = staging_dir(live, "killed-run")
    atomic_write_text(killed / "tsm_return.csv", "half a generation\n")
    (killed / ".complaints-print-123-abc.html").symlink_to("tsm_return.csv")
    generations = live.parent / GENERATIONS / live.name
    (generations / ".building-x-1-2").mkdir()
    (live.parent / f".{live.name}.link-1-2").symlink_to("nowhere")
    assert _files(live)["tsm_return.csv"] == "old return\n"  # a killed run shows nothing
    stage = staging_dir(live, "run-3")
    (stage / ".tsm_return.csv.abc.tmp").write_text("half written")
    (stage / ".complaints-print-9-f.html").symlink_to("tsm_return.csv")
    publish(live, "run-3")
    assert sorted(p.name for p in generations.iterdir()) == ["run-3"]
    assert not list(live.parent.glob(".*.link-*"))
    assert not [p for p in live.iterdir() if p.name.startswith(".")]


def test_first_publish_over_an_older_real_folder_moves_it_aside(tmp_path):
    live = tmp_path / "landlord" / "2024-25"
    live.mkdir(parents=True)
    (live / "tsm_return.csv").write_text("legacy\n")
    (live / "annual_report.pdf").write_text("legacy pdf\n")
    assert current_generation(live) == live
    stage = staging_dir(live, "run-1")
    atomic_write_text(stage / "tsm_return.csv", "new\n")
    assert _files(live) == {"annual_report.pdf": "legacy pdf\n", "tsm_return.csv": "legacy\n"}
    publish(live, "run-1")
    assert live.is_symlink()
    assert _files(live) == {"annual_report.pdf": "legacy pdf\n", "tsm_return.csv": "new\n"}


def test_a_kill_between_the_two_renames_of_the_first_publish_is_repaired(tmp_path):
    live = tmp_path / "landlord" / "2024-25"
    generations = live.parent / GENERATIONS / live.name
    legacy = generations / "legacy-20260101T000000"
    legacy.mkdir(parents=True)
    (legacy / "tsm_return.csv").write_text("legacy\n")
    assert not live.exists()  # the real folder was moved aside, the link not made yet
    recover(live)
    assert _files(live) == {"tsm_return.csv": "legacy\n"}


def test_only_reporting_years_are_staged():
    assert is_year_key("2024-25")
    assert not is_year_key("2024-25-Q3")
    assert not is_year_key("2026-03")
    assert not is_year_key("group")


# --- what a new generation holds: this run's files and the documents it did not rebuild ---------


def _publish_run(live, run_id, rebuilt, writes):
    """A run that rebuilds ``rebuilt``: each asset writes ``{path: text}`` as it would (noted by
    watch_writes), then the manifest lists the folder and the link is swapped."""
    import duckdb

    from pipeline.config import load_landlord
    from pipeline.io import watch_writes
    from pipeline.manifest import write_manifest
    from pipeline.publish import provenance, record_writes

    for asset, files in writes.items():
        stage = staging_dir(live, run_id, rebuilt=rebuilt)
        with watch_writes(stage) as written:
            for name, text in files.items():
                atomic_write_text(stage / name, text)
        record_writes(stage, asset, written)
    stage = staging_dir(live, run_id, rebuilt=rebuilt)
    made = provenance(stage, run_id)
    landlord = load_landlord(EXAMPLES / "small_specialist")
    write_manifest(
        duckdb.connect(), landlord, "2024-25", stage, visible_files(stage), provenance=made
    )
    publish(live, run_id)


def test_files_of_rebuilt_assets_are_not_carried_over_and_shared_ones_stay(tmp_path):
    import json

    live = tmp_path / "landlord" / "2024-25"
    everything = {"scheme_reports", "annual_report", "tsm_return"}
    _publish_run(
        live,
        "run-1",
        everything,
        {
            "scheme_reports": {"schemes/mr-smith.html": "a person", "schemes/oak.html": "old"},
            "annual_report": {"annual_report.html": "report", "plotly.js": "script"},
            "tsm_return": {"tsm_return.csv": "return"},
        },
    )
    # the scheme reports rebuilt without Mr Smith, and the script is shared with the report
    _publish_run(
        live,
        "run-2",
        {"scheme_reports"},
        {"scheme_reports": {"schemes/oak.html": "new", "plotly.js": "script"}},
    )
    assert _files(live) == {
        "annual_report.html": "report",
        "manifest.json": (live / "manifest.json").read_text(),
        "plotly.js": "script",
        "schemes/oak.html": "new",
        "tsm_return.csv": "return",
    }
    made = {e["file"]: e for e in json.loads((live / "manifest.json").read_text())["outputs"]}
    assert made["plotly.js"]["assets"] == ["annual_report", "scheme_reports"]
    assert made["annual_report.html"]["generation"] == "run-1"  # carried over, and says so
    assert made["schemes/oak.html"]["generation"] == "run-2"
    # the report rebuilt without charts: the script stays while the scheme reports own it
    _publish_run(live, "run-3", {"annual_report"}, {"annual_report": {"annual_report.html": "2"}})
    assert (live / "plotly.js").is_file()
    made = {e["file"]: e for e in json.loads((live / "manifest.json").read_text())["outputs"]}
    assert made["plotly.js"]["assets"] == ["scheme_reports"]
    # a run of the scheme reports that finds no scheme leaves none of their pages
    _publish_run(live, "run-4", {"scheme_reports"}, {})
    assert not (live / "schemes").exists() and not (live / "plotly.js").exists()
    assert set(_files(live)) == {"annual_report.html", "manifest.json", "tsm_return.csv"}


def test_an_older_versions_files_in_a_rebuilt_folder_are_dropped(tmp_path):
    """Owners were not recorded before: such files are carried over, unless this run wrote into
    their sub-folder (it rebuilt that folder)."""
    live = tmp_path / "landlord" / "2024-25"
    live.mkdir(parents=True)
    (live / "schemes").mkdir()
    (live / "schemes" / "mr-smith.html").write_text("a person")
    (live / "annual_report.html").write_text("legacy report")
    _publish_run(live, "run-1", {"scheme_reports"}, {"scheme_reports": {"schemes/oak.html": "x"}})
    assert set(_files(live)) == {"annual_report.html", "manifest.json", "schemes/oak.html"}


def test_writes_are_noted_from_any_thread_and_only_under_the_folder(tmp_path):
    import threading

    from pipeline.io import watch_writes

    folder = tmp_path / "stage"
    with watch_writes(folder) as written:
        printer = threading.Thread(target=atomic_write_text, args=(folder / "a.pdf", "pdf"))
        printer.start()
        printer.join()
        atomic_write_text(folder / "sub" / "b.html", "html")
        atomic_write_text(tmp_path / "elsewhere.txt", "not noted")
    atomic_write_text(folder / "after.txt", "not noted")
    assert written == {"a.pdf", "sub/b.html"}


DEAD_RUN = "0f5a94d4-cecc-4a7f-8cc5-e3f1902815e6"
UI_RUN = "9e42ec4d-28d9-4ae1-aded-02d16aba6b70"


def test_the_copies_of_runs_that_did_not_finish_are_removed_before_the_next_run(tmp_path):
    live = _first_generation(tmp_path)
    landlord = live.parent
    # a killed (or failed, disk full) run's staging, its half-built copy and its swap's link
    atomic_write_text(staging_dir(live, DEAD_RUN) / "annual_report.pdf", "half a pdf\n")
    (live.parent / GENERATIONS / live.name / f".building-{DEAD_RUN}-7-8").mkdir()
    (landlord / f".{live.name}.link-7-8").symlink_to("nowhere")
    # a step's own generation of a run from the UI still going on beside the command
    step_generation = live.parent / GENERATIONS / live.name / f"{UI_RUN}-abcdef012345"
    atomic_write_text(step_generation / "tsm_return.csv", "being written\n")
    before = _files(live)

    removed = remove_abandoned_generations(landlord, lambda run_id: run_id == UI_RUN)

    assert sorted(removed) == sorted(
        [
            f"{live.name}/{DEAD_RUN}",
            f"{live.name}/.building-{DEAD_RUN}-7-8",
            f".{live.name}.link-7-8",
        ]
    )
    assert sorted(p.name for p in (landlord / GENERATIONS / live.name).iterdir()) == sorted(
        ["run-1", step_generation.name]
    )
    assert _files(live) == before  # what is published is untouched


def test_only_a_run_that_may_still_write_keeps_its_copies():
    import dagster as dg

    from pipeline.process import LOCK_TAG, run_in_progress

    ours, elsewhere = "vm:/out/warehouse/a.duckdb.lock", "other-host:/out/warehouse/a.duckdb.lock"
    instance = dg.DagsterInstance.ephemeral()
    runs = {
        "killed-under-our-lock": (dg.DagsterRunStatus.STARTED, {LOCK_TAG: ours}),
        "under-another-hosts-lock": (dg.DagsterRunStatus.STARTED, {LOCK_TAG: elsewhere}),
        "ui-going": (dg.DagsterRunStatus.STARTED, {}),
        "ui-failed": (dg.DagsterRunStatus.FAILURE, {}),
    }
    ids = {}
    for name, (status, tags) in runs.items():
        run = instance.add_run(
            dg.DagsterRun(job_name="cli_landlord_year", status=status, tags=tags)
        )
        ids[name] = run.run_id
    in_progress = run_in_progress(instance, ours)
    assert {name: in_progress(run_id) for name, run_id in ids.items()} == {
        "killed-under-our-lock": False,
        "under-another-hosts-lock": True,
        "ui-going": True,
        "ui-failed": False,
    }
    assert in_progress(DEAD_RUN) is False  # a run of an earlier command's in-memory instance
    assert in_progress("legacy-20250101T000000") is False
