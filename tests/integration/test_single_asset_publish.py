"""A run without the manifest step (an asset materialised on its own from the UI) publishes the
year's folder as a generation too: the step writes into a generation of its own, started from the
current one, and swaps it in with a fresh manifest when it succeeds; a failing step publishes
nothing (issue 17, one generation publishing)."""

from __future__ import annotations

import os

import dagster as dg

from pipeline.defs.measures.assets import measures
from pipeline.defs.returns.assets import tsm_return
from pipeline.io import atomic_write_text
from tests.integration.test_crash_safety import generation_state
from tests.integration.test_measures_asset import LANDLORD, YEAR, materialise


def _live(store):
    return store.documents(LANDLORD, YEAR)  # outside a run: the live folder


def _target(live):
    return os.readlink(live)


def _materialise_tsm_return(store):
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("landlord", [LANDLORD])
    return dg.materialize(
        [measures, tsm_return],
        selection=[tsm_return],
        resources={"store": store},
        partition_key=dg.MultiPartitionKey({"landlord": LANDLORD, "year": YEAR}),
        instance=instance,
        raise_on_error=False,
    )


def test_an_asset_run_without_the_manifest_publishes_a_whole_generation(tmp_path):
    result, store = materialise(tmp_path, downstream=[tsm_return])
    assert result.success
    live = _live(store)
    assert live.is_symlink()  # never written file by file
    manifest, files = generation_state(live)
    assert {"tsm_return.csv", "tsm_return.xlsx", "manifest.json"} <= set(files)
    assert manifest["outputs"]

    first = _target(live)
    again = _materialise_tsm_return(store)
    assert again.success
    assert _target(live) != first  # a new generation was swapped in
    _, files_again = generation_state(live)
    assert files_again["tsm_return.csv"] == files["tsm_return.csv"]
    generations = live.parent / ".generations" / YEAR
    assert sorted(p.name for p in generations.iterdir()) == [os.path.basename(_target(live))]


def test_a_failing_asset_run_without_the_manifest_publishes_nothing(tmp_path, monkeypatch):
    result, store = materialise(tmp_path, downstream=[tsm_return])
    assert result.success
    live = _live(store)
    before_target = _target(live)
    before = {p.name: p.read_bytes() for p in live.iterdir() if p.is_file()}

    import pipeline.defs.returns.assets as returns_assets

    def half_written(con, landlord, year, out_dir):
        # as the product's writers do: a new file renamed over the name (the old one was a hard
        # link to the live generation's file)
        atomic_write_text(out_dir / "tsm_return.csv", "half of the files")
        raise RuntimeError("killed half way")

    monkeypatch.setattr(returns_assets, "write_tsm_return", half_written)
    failed = _materialise_tsm_return(store)
    assert not failed.success
    assert _target(live) == before_target
    assert {p.name: p.read_bytes() for p in live.iterdir() if p.is_file()} == before
    generation_state(live)
