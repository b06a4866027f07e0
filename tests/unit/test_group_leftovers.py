"""``complaints group`` killed outright (``kill -9``) while writing left its hidden temporary files
(``.<file>.<random>.tmp``) in ``output/group/<period>/``, and nothing ever removed them: the next
run for that folder removes them, and only them."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline import cli
from pipeline.io import atomic_write_text, writing_into
from tests.integration.examples import measured_example

# As atomic_write_bytes names a file it is writing (tempfile.mkstemp's eight random characters).
LEFT_BY_A_KILLED_RUN = (
    ".group_report.html.k3j_9xq2.tmp",
    ".group_report.pdf.0a1b2c3d.tmp",
    ".group_measures.csv.zz_zz_zz.tmp",
)
# A user's own files that merely look alike: not the product's to remove.
THE_USERS_OWN = (".notes.tmp", "draft.tmp", ".group_report.html.tmp", "notes.txt")


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("group")
    (root / "warehouse").mkdir()
    with duckdb.connect(str(root / "warehouse" / "small_specialist.duckdb")) as con:
        measured_example(con, "small_specialist", ["2024-25"])
    return root


def test_the_next_run_removes_what_a_killed_run_left(output, capsys):
    folder = output / "group" / "2024-25"
    folder.mkdir(parents=True)
    for name in LEFT_BY_A_KILLED_RUN + THE_USERS_OWN:
        (folder / name).write_text("half a file")

    assert cli.main(["group", "--output", str(output), "--period", "2024-25"]) == 0, (
        capsys.readouterr()
    )

    outputs = {"group_report.html", "group_report.pdf", "group_measures.csv"}
    assert {path.name for path in folder.iterdir()} == outputs | {
        "plotly-7.1.0.min.js",
        *THE_USERS_OWN,
    }
    assert (folder / "group_report.pdf").read_bytes().startswith(b"%PDF")
    assert (folder / "group_measures.csv").read_text().startswith("landlord_id,")
    for name in THE_USERS_OWN:
        assert (folder / name).read_text() == "half a file"


def test_a_temporary_file_another_writer_is_writing_is_left_alone(tmp_path):
    folder = tmp_path / "group" / "2024-25"
    folder.mkdir(parents=True)
    being_written = folder / ".group_report.html.k3j_9xq2.tmp"
    with writing_into(folder):  # another group command, writing into the folder now
        being_written.write_text("half a file")
        with writing_into(folder) as removed:
            assert removed == []
            assert being_written.exists()
            atomic_write_text(folder / "group_measures.csv", "a,b\n")
    with writing_into(folder) as removed:  # both done: what is left was abandoned
        assert removed == [being_written]
    assert [path.name for path in folder.iterdir()] == ["group_measures.csv"]
