"""A link in a data folder to a folder that holds the workspace (its parent, the disk's root):
a '**' pattern walked everything under it, other landlords' exports and /proc included."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "ingest"))

import workspaces as ws  # noqa: E402

from pipeline.config import load_landlord  # noqa: E402
from pipeline.ingest import ingest_workspace  # noqa: E402
from pipeline.mapping import load_mappings  # noqa: E402
from pipeline.sources.discovery import matched_files  # noqa: E402


def _deep_pattern_workspace(root: Path) -> Path:
    ws.wide_workspace(root)
    mapping = root / "mappings" / "complaints.yaml"
    text = mapping.read_text()
    mapping.write_text(text.replace("exports/complaints_", "exports/**/complaints_", 1))
    return root


def test_a_link_to_a_folder_holding_the_workspace_is_not_walked(tmp_path):
    root = _deep_pattern_workspace(tmp_path / "landlords" / "ours")
    other = ws.wide_workspace(tmp_path / "landlords" / "theirs")
    (root / "exports" / "all_landlords").symlink_to(tmp_path / "landlords")
    (root / "exports" / "disk").symlink_to("/")
    matched = matched_files(root, load_mappings(root))
    assert matched["mappings/complaints.yaml"] == [root / "exports" / "complaints_2024.csv"]
    summary = ingest_workspace(duckdb.connect(), root, load_landlord(root), ws.KEY)
    assert [f.source_file for f in summary.files] == ["exports/complaints_2024.csv"]
    assert (other / "exports" / "complaints_2024.csv").is_file()


def test_a_link_to_a_folder_beside_the_workspace_is_still_followed(tmp_path):
    root = _deep_pattern_workspace(tmp_path / "ours")
    share = tmp_path / "share"
    share.mkdir()
    (root / "exports" / "complaints_2024.csv").rename(share / "complaints_2024.csv")
    (root / "exports" / "share").symlink_to(share)
    matched = matched_files(root, load_mappings(root))
    assert matched["mappings/complaints.yaml"] == [root / "exports/share/complaints_2024.csv"]
