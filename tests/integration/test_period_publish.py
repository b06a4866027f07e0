"""Every published folder is one whole generation with a manifest (pipeline/publish.py): a quarter's
committee pack goes live with its HTML, PDF and manifest together or not at all, and a new
generation holds only what its run built plus the documents it did not rebuild, so a scheme page
the data no longer has does not stay published.

Built on the sample warehouse (``pipeline.reporting.sample``) with the real writers and printer.
This file is also the subprocess killed half-way through a committee pack: ``python
tests/integration/test_period_publish.py ROOT OUT LANDLORD QUARTER`` renders the quarter's pack
and its manifest, and the process ends (``os._exit``, as ``kill -9`` would) once the HTML is
written and before the PDF is.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml

from pipeline.defs.reporting.assets import committee_pack, manifest, quarter_manifest
from pipeline.defs.reporting.assets import scheme_reports as scheme_reports_asset
from pipeline.defs.returns.assets import tsm_return
from pipeline.partitions import add_landlords, quarter_key, year_key
from pipeline.reporting.browser import chromium_path
from pipeline.reporting.sample import SAMPLE_LANDLORD, build_sample_database
from pipeline.resources import ComplaintsStore
from tests.integration.test_crash_safety import generation_state

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not chromium_path().exists(), reason=f"Debian chromium missing at {chromium_path()}"
    ),
]

ROOT = Path(__file__).resolve().parents[2]
LANDLORD = "sample_homes"
YEAR = "2024-25"
QUARTER = "2024-25-Q2"


def _store(root: Path) -> ComplaintsStore:
    return ComplaintsStore(
        workspaces_root=str(root / "workspaces"), output_root=str(root / "output")
    )


def _sample(root: Path, name: str = SAMPLE_LANDLORD["name"]) -> ComplaintsStore:
    """A workspace and warehouse of the sample landlord under ``root``."""
    store = _store(root)
    workspace = store.workspace(LANDLORD)
    workspace.mkdir(parents=True, exist_ok=True)
    _name_landlord(store, name)
    store.warehouse(LANDLORD).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(store.warehouse(LANDLORD)))
    build_sample_database(con, LANDLORD)
    con.close()
    return store


def _name_landlord(store: ComplaintsStore, name: str) -> None:
    """The landlord's name is printed on every document: a new name, new documents."""
    (store.workspace(LANDLORD) / "landlord.yaml").write_text(
        yaml.safe_dump({**SAMPLE_LANDLORD, "landlord_id": LANDLORD, "name": name}),
        encoding="utf-8",
    )


def _instance() -> dg.DagsterInstance:
    instance = dg.DagsterInstance.ephemeral()
    add_landlords(instance, [LANDLORD])
    return instance


def _run(store, assets, partition_key, selection=None):
    return dg.materialize(
        assets,
        selection=selection,
        resources={"store": store},
        partition_key=partition_key,
        instance=_instance(),
        raise_on_error=False,
    )


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# --- a scheme page the data no longer has goes ----------------------------------------------------


def _rename_scheme(store: ComplaintsStore, old: str, new: str | None) -> None:
    """As a corrected export would: the scheme's figures under another name (None: no scheme)."""
    with store.connect(LANDLORD) as con:
        if new is None:
            con.execute("delete from measures where breakdown = 'scheme'")
        else:
            con.execute(
                "update measures set breakdown_value = $new "
                "where breakdown = 'scheme' and breakdown_value = $old",
                {"old": old, "new": new},
            )


def _scheme_pages(folder: Path) -> list[str]:
    return sorted(p.name for p in (folder / "schemes").glob("*.html"))


def test_a_scheme_page_the_new_run_does_not_build_is_not_carried_over(tmp_path):
    store = _sample(tmp_path)
    year = year_key(LANDLORD, YEAR)
    documents = [scheme_reports_asset, tsm_return, manifest]
    assert _run(store, documents, year).success
    live = store.documents(LANDLORD, YEAR)
    assert _scheme_pages(live) == ["oak-lodge.html", "riverside-court.html"]

    # the export is corrected: Riverside Court's complaints belong to Willow House
    _rename_scheme(store, "Riverside Court", "Willow House")
    assert _run(store, documents, year, selection=[scheme_reports_asset, manifest]).success
    manifest_now, files = generation_state(live)  # the folder matches its manifest
    assert _scheme_pages(live) == ["oak-lodge.html", "willow-house.html"]
    assert "schemes/riverside-court.html" not in files
    made = {entry["file"]: entry for entry in manifest_now["outputs"]}
    assert made["schemes/willow-house.html"]["assets"] == ["scheme_reports"]
    # the return was not rebuilt by this run: carried over whole, and its manifest entry says so
    assert "tsm_return.csv" in files and "tsm_return.xlsx" in files
    assert made["tsm_return.csv"]["assets"] == ["tsm_return"]
    assert made["tsm_return.csv"]["generation"] != manifest_now["generation"]
    assert made["schemes/oak-lodge.html"]["generation"] == manifest_now["generation"]

    # no scheme at all this time: the scheme reports write nothing, and nothing old stays
    _rename_scheme(store, "", None)
    assert _run(store, documents, year, selection=[scheme_reports_asset, manifest]).success
    _, files = generation_state(live)
    assert not [name for name in files if name.startswith(("schemes/", "scheme_reports."))]
    assert {"tsm_return.csv", "tsm_return.xlsx"} <= set(files)


def test_a_run_that_does_not_rebuild_the_scheme_reports_keeps_them(tmp_path):
    """Why carrying over exists: a returns-only run leaves the documents it did not rebuild."""
    store = _sample(tmp_path)
    year = year_key(LANDLORD, YEAR)
    documents = [scheme_reports_asset, tsm_return, manifest]
    assert _run(store, documents, year).success
    live = store.documents(LANDLORD, YEAR)
    before = _snapshot(live)
    assert _run(store, documents, year, selection=[tsm_return, manifest]).success
    _, files = generation_state(live)
    after = _snapshot(live)
    kept = [name for name in before if name.startswith(("schemes/", "scheme_reports."))]
    assert len(kept) >= 3 and all(after[name] == before[name] for name in kept)


# --- a committee pack's folder is swapped in whole ------------------------------------------------


def _publish_quarter(store):
    return _run(store, [committee_pack, quarter_manifest], quarter_key(LANDLORD, QUARTER))


def test_the_quarter_folder_is_one_generation_with_its_manifest(tmp_path):
    store = _sample(tmp_path)
    assert _publish_quarter(store).success
    live = store.documents(LANDLORD, QUARTER)
    assert live.is_symlink()  # a link to its generation, never written file by file
    manifest_now, files = generation_state(live)
    assert {"committee_pack.html", "committee_pack.pdf", "manifest.json"} <= set(files)
    assert manifest_now["period"] == QUARTER and manifest_now["period_kind"] == "quarter"
    assert manifest_now["reporting_year"] == YEAR
    made = {entry["file"]: entry for entry in manifest_now["outputs"]}
    assert made["committee_pack.pdf"]["assets"] == ["committee_pack"]
    assert made["committee_pack.pdf"]["inputs_sha256"] == manifest_now["inputs_sha256"]


def test_a_pdf_that_fails_after_the_html_publishes_nothing(tmp_path, monkeypatch):
    store = _sample(tmp_path)
    assert _publish_quarter(store).success
    live = store.documents(LANDLORD, QUARTER)
    before, shown = _snapshot(live), os.readlink(live)

    import pipeline.reporting.render as render

    def printer_fails(*args, **kwargs):
        raise RuntimeError("the browser died after the HTML was written")

    _name_landlord(store, "Renamed Homes")
    monkeypatch.setattr(render, "html_to_pdf", printer_fails)
    assert not _publish_quarter(store).success
    assert os.readlink(live) == shown
    assert _snapshot(live) == before
    generation_state(live)


def test_a_kill_between_the_html_and_the_pdf_leaves_the_previous_generation(tmp_path):
    """The tester's case: the pack's HTML rewritten from new data, the process killed before its
    PDF. The quarter's folder is the previous generation, whole; the next run publishes the new
    one, HTML and PDF from the same data."""
    store = _sample(tmp_path)
    assert _publish_quarter(store).success
    live = store.documents(LANDLORD, QUARTER)
    before = _snapshot(live)
    assert b"Renamed Homes" not in before["committee_pack.html"]

    _name_landlord(store, "Renamed Homes")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # the subprocess imports this test module
    env.pop("DAGSTER_HOME", None)
    killed = subprocess.run(
        [sys.executable, __file__, str(tmp_path), LANDLORD, QUARTER],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert killed.returncode == 9, killed.stdout[-3000:] + killed.stderr[-3000:]
    # the new HTML was written (into the run's staging folder) before the kill
    staged = list((live.parent / ".generations" / QUARTER).glob("*/committee_pack.html"))
    assert any(b"Renamed Homes" in page.read_bytes() for page in staged)
    assert _snapshot(live) == before, "the quarter's folder shows part of the killed run"
    generation_state(live)

    assert _publish_quarter(store).success
    manifest_now, files = generation_state(live)
    assert b"Renamed Homes" in (live / "committee_pack.html").read_bytes()
    assert (live / "committee_pack.pdf").read_bytes() != before["committee_pack.pdf"]
    made = {entry["file"]: entry["generation"] for entry in manifest_now["outputs"]}
    assert made["committee_pack.html"] == made["committee_pack.pdf"] == manifest_now["generation"]
    # the killed run's staging folder and the previous generation are gone
    generations = live.parent / ".generations" / QUARTER
    assert [p.name for p in generations.iterdir()] == [Path(os.readlink(live)).name]


def _killed_after_the_html(root: str, landlord: str, quarter: str) -> None:
    """The subprocess: the pack and its manifest, the process ending where the PDF would print."""
    import warnings

    warnings.filterwarnings("ignore")
    import pipeline.reporting.render as render

    def killed(*args, **kwargs):
        sys.stdout.flush()
        os._exit(9)

    render.html_to_pdf = killed
    store = _store(Path(root))
    result = dg.materialize(
        [committee_pack, quarter_manifest],
        resources={"store": store},
        partition_key=quarter_key(landlord, quarter),
        instance=_instance(),
        raise_on_error=False,
    )
    print(f"RUN_SUCCESS={result.success}", flush=True)  # not reached: the run is killed


if __name__ == "__main__":
    _killed_after_the_html(sys.argv[1], sys.argv[2], sys.argv[3])
