"""One generation of outputs (pipeline/publish.py): staging, atomic swap, recovery, cleanup."""

from __future__ import annotations

import os

from pipeline.io import atomic_write_text
from pipeline.publish import (
    GENERATIONS,
    current_generation,
    is_year_key,
    publish,
    recover,
    staging_dir,
)


def _files(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_text()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


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
