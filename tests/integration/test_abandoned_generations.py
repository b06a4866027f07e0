"""The copies a run that did not finish left in ``.generations`` (killed, stopped, or failed on a
full disk) are removed when the landlord is run again, even in a folder that run does not publish:
on a full disk they kept the next run from loading, however often the command was run again."""

from __future__ import annotations

from tests.integration.test_orchestration_cli import WORKSPACE, complaints

DEAD_RUN = "0f5a94d4-cecc-4a7f-8cc5-e3f1902815e6"


def test_a_killed_runs_copies_are_removed_by_the_next_run_of_the_landlord(tmp_path):
    output = tmp_path / "output"
    abandoned = output / "small_specialist" / ".generations" / "2023-24" / DEAD_RUN
    abandoned.mkdir(parents=True)
    (abandoned / "annual_report.pdf").write_bytes(b"%PDF half written")
    run = complaints(
        "run", "--workspace", str(WORKSPACE), "--year", "2025-26", "--only", "returns",
        "--output", str(output),
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert not abandoned.exists()
    assert (output / "small_specialist" / "2025-26" / "manifest.json").is_file()
