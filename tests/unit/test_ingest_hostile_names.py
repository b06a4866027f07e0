"""Export file names that would break the lines of the run's messages and outputs."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "ingest"))

import workspaces as ws  # noqa: E402

from pipeline.config import load_landlord  # noqa: E402
from pipeline.ingest import IngestError, ingest_workspace  # noqa: E402
from pipeline.sources.discovery import unread_files  # noqa: E402

# A name with a line break in it printed as two lines: the second could pass for a line the run
# wrote itself ("[landlord] 2024-25: ok"), and it split rows of the console's file table
FORGED = "complaints_2024\n[test] 2024-25: ok\r\x1b[2K.csv"


@pytest.mark.parametrize("name", [FORGED, "complaints_2024\t.csv", "complaints_2024\x7f.csv"])
def test_an_export_named_with_a_control_character_stops_the_run_without_its_name(tmp_path, name):
    root = ws.wide_workspace(tmp_path)
    (root / "exports" / "complaints_2024.csv").rename(root / "exports" / name)
    with pytest.raises(IngestError) as caught:
        ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    message = str(caught.value)
    assert message.startswith(
        "exports/: the name of a file mappings/complaints.yaml reads holds a line break"
    )
    assert "rename the file" in message
    assert "bytes, modified" in message  # told apart by its size and date, not its name
    assert not any(ch in message for ch in "\n\r\t\x1b\x7f")


def test_an_unread_file_named_with_a_line_break_is_listed_on_one_line(tmp_path):
    root = ws.wide_workspace(tmp_path)
    (root / "exports" / "notes\n[test] 2024-25: ok.txt").write_text("notes")
    listed = unread_files(root)
    assert listed == ["exports/(a file whose name holds a line break or another control character)"]
