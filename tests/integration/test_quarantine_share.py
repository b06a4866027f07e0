"""A mapping that does not fit its export is flagged, not left to look like bad data.

A generated workspace (about 0.5 % dirty rows) passes the ``quarantine_share`` check. With one
mapping's date format wrong, every row of that mapping's files is quarantined as
``date_unparseable``, and the check names each file, its share, the commonest rule and column and
the first row: a warning while the share is at most ``thresholds.stop_quarantine_pct``, an error
that stops the run above it (nothing is computed from a load that lost most of a file).
"""

from __future__ import annotations

import re
from pathlib import Path

import dagster as dg
import yaml

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


def _check(root: Path, tmp_path: Path) -> tuple[dg.AssetCheckEvaluation, bool]:
    """The check's evaluation and whether the run succeeded."""
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
        raise_on_error=False,
    )
    (evaluation,) = [
        e for e in result.get_asset_check_evaluations() if e.check_name == "quarantine_share"
    ]
    return evaluation, result.success


def test_a_workspace_with_a_little_dirt_passes(tmp_path: Path) -> None:
    evaluation, succeeded = _check(_workspace(tmp_path), tmp_path)
    assert evaluation.passed and succeeded
    assert evaluation.metadata["files_flagged"].value == 0


def _wrong_date_format(tmp_path: Path, stop_pct: float | None = None) -> Path:
    root = _workspace(tmp_path)
    mapping = root / "mappings" / "erica_wide.yaml"
    mapping.write_text(mapping.read_text().replace("'%d/%m/%Y'", "'%m-%d-%Y'"))
    if stop_pct is not None:
        landlord = root / "landlord.yaml"
        raw = yaml.safe_load(landlord.read_text())
        raw.setdefault("thresholds", {})["stop_quarantine_pct"] = stop_pct
        landlord.write_text(yaml.safe_dump(raw, sort_keys=False))
    return root


def test_a_wrong_date_format_stops_the_run_naming_file_rule_column_and_row(tmp_path: Path) -> None:
    evaluation, succeeded = _check(_wrong_date_format(tmp_path), tmp_path)
    assert not evaluation.passed and not succeeded  # blocking: nothing downstream runs
    assert evaluation.severity == dg.AssetCheckSeverity.ERROR
    stop, *flagged, advice = evaluation.description.split("; ")
    assert stop.startswith("the run stops: more than 90% of the rows of 4 file(s) were quarantined")
    # the dates' own format is named, never a cell
    assert advice.startswith("column '") and 'add "%d/%m/%Y" to date_formats' in advice, advice
    assert len(flagged) == 4  # the four yearly wide exports, nothing else
    for part in flagged:
        assert part.startswith("exports/erica_complaints_")
        assert "rows quarantined (100.0%), mostly date_unparseable (" in part
        assert re.search(r"column '[^']+'\), the first at row \d+$", part), part
    assert evaluation.metadata["files_stopping"].value == 4


def test_below_the_stop_threshold_the_share_is_a_warning(tmp_path: Path) -> None:
    evaluation, succeeded = _check(_wrong_date_format(tmp_path, stop_pct=100), tmp_path)
    assert not evaluation.passed and succeeded  # flagged, and the run goes on
    assert evaluation.severity == dg.AssetCheckSeverity.WARN
    assert not evaluation.description.startswith("the run stops")
    assert evaluation.metadata["files_flagged"].value == 4
    assert evaluation.metadata["files_stopping"].value == 0
