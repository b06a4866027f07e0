"""A mapping that does not fit its export is flagged, not left to look like bad data.

A generated workspace (about 0.5 % dirty rows) passes the ``quarantine_share`` check. With one
mapping's date format wrong, every row of that mapping's files is quarantined as
``date_unparseable``, and the check warns naming each file, its share and the commonest rule.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from bench.generate import generate_workspace
from pipeline.defs.ingest.assets import canonical_tables
from pipeline.partitions import instance_with_landlords
from pipeline.resources import ComplaintsStore

# The partitions list the example landlords; the generated workspace borrows one of their names.
LANDLORD = "small_specialist"


def _workspace(tmp_path: Path) -> Path:
    generated = generate_workspace(2_000, tmp_path / "generated", seed=5)
    (tmp_path / "roots").mkdir()
    root = generated.rename(tmp_path / "roots" / LANDLORD)
    landlord = root / "landlord.yaml"
    landlord.write_text(landlord.read_text().replace(generated.name, LANDLORD))
    return root


def _check(root: Path, tmp_path: Path) -> dg.AssetCheckEvaluation:
    store = ComplaintsStore(
        workspaces_root=str(root.parent),
        output_root=str(tmp_path / "out"),
        pseudonymisation_key="k",
    )
    result = dg.materialize(
        [canonical_tables],  # the check is on the asset, evaluated in its step
        resources={"store": store},
        partition_key=LANDLORD,  # the load is partitioned by landlord only
        instance=instance_with_landlords([LANDLORD]),
    )
    (evaluation,) = [
        e for e in result.get_asset_check_evaluations() if e.check_name == "quarantine_share"
    ]
    return evaluation


def test_a_workspace_with_a_little_dirt_passes(tmp_path: Path) -> None:
    evaluation = _check(_workspace(tmp_path), tmp_path)
    assert evaluation.passed
    assert evaluation.metadata["files_flagged"].value == 0


def test_a_wrong_date_format_is_flagged_with_its_files_and_rule(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    mapping = root / "mappings" / "erica_wide.yaml"
    mapping.write_text(mapping.read_text().replace("'%d/%m/%Y'", "'%m-%d-%Y'"))
    evaluation = _check(root, tmp_path)
    assert not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.WARN
    *flagged, advice = evaluation.description.split("; ")
    assert advice == "check the mapping's date_formats and codes"
    assert len(flagged) == 4  # the four yearly wide exports, nothing else
    for part in flagged:
        assert part.startswith("exports/erica_complaints_")
        assert "rows quarantined (100.0%), mostly date_unparseable" in part
    assert evaluation.metadata["files_flagged"].value == 4
