"""An error that quotes a cell never reaches the Dagster instance, its compute logs or the console.

``test_pii_instance_scan.py`` plants personal data in the inputs and finds none in the instance:
the product's own messages name file, row and column. Here the steps fail on errors the product
did not foresee, each quoting a resident's details as the libraries do, raised where a cell's
value would be: DuckDB's conversion error ("Could not convert string 'Jean Vexbridge'"), Polars'
strict cast ("... values: ["..."]"), pandera's ``SchemaError`` (failure case examples), Python's
``int()`` and a ``KeyError``, a file the system refuses whose name is a resident's, a product
error raised while handling one that quoted a value (its cause), a failing asset check's
function, and an error while a document is rendered (a Jinja ``UndefinedError``).

Each runs the load (or the data-quality report) of a copy of small_specialist in process against
a persistent instance (``DAGSTER_HOME`` set up as ``make dev`` does: its SQLite event log, run
storage and compute logs), as the daemon or the UI would; the command line's report of the same
result is captured too. Every SQLite table and every file under ``DAGSTER_HOME``, and what the
command line says, are searched for the planted values: none may be found, and the message
still names the step and the kind of error.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import dagster as dg
import pytest

from tests.integration.test_pii_instance_scan import ROOT, _instance_texts
from tests.integration.test_pii_scan import EXAMPLES, _found

NAME = "Jean Vexbridge"
EMAIL = "jean.vexbridge@example.invalid"
PHONE = "07911 424242"
ADDRESS = "14 Plqwick Road, Leeds LS6 2QT"
PLANTED = [NAME, EMAIL, PHONE, ADDRESS, "Plqwick Road", "LS6 2QT", "Vexbridge"]

pytestmark = pytest.mark.skipif(
    not (EXAMPLES / "small_specialist" / "landlord.yaml").is_file(),
    reason="example workspaces not generated",
)


def _duckdb():
    import duckdb

    duckdb.sql(f"select cast('{NAME}' as integer)").fetchall()


def _polars():
    import polars as pl

    pl.Series("received", [EMAIL]).str.to_date("%Y-%m-%d")


def _pandera():
    import pandera.polars as pa
    import polars as pl

    schema = pa.DataFrameSchema(
        {"scheme": pa.Column(str, pa.Check.isin(["Bridge Court", "Abbey Mews"]))}
    )
    schema.validate(pl.DataFrame({"scheme": [ADDRESS]}))


def _int():
    int(PHONE)


def _key():
    {}[NAME]


def _refused_file():
    open(f"/proc/no-such-folder/letter to {NAME}.docx")  # noqa: SIM115 - FileNotFoundError


def _product_error_from_a_value():
    from pipeline.sources.errors import IngestError

    try:
        int(NAME)
    except ValueError as exc:
        raise IngestError(
            "exports/homemaster_complaints_2025-26.xlsx: row 7, column 'Logged Date' is no date"
        ) from exc


def _jinja():
    import jinja2

    jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(
        "{{ rows[name].total }}"
    ).render(rows={}, name=EMAIL)


# case -> (what raises, the step's words that must remain)
LOAD_CASES = {
    "duckdb": (_duckdb, "duckdb ConversionException"),
    "polars": (_polars, "polars InvalidOperationError"),
    "pandera": (_pandera, "pandera SchemaError"),
    "int": (_int, "ValueError"),
    "key": (_key, "KeyError"),
    "refused_file": (_refused_file, "FileNotFoundError"),
    "product_error": (_product_error_from_a_value, "row 7, column 'Logged Date' is no date"),
}


@pytest.fixture(scope="module")
def failed_runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("pii_step_errors")
    home, root, out = base / "dagster_home", base / "root", base / "out"
    subprocess.run(
        [str(ROOT / "scripts" / "dagster-home.sh")],
        env={**os.environ, "DAGSTER_HOME": str(home)},
        check=True,
        capture_output=True,
    )
    shutil.copytree(EXAMPLES / "small_specialist", root / "small_specialist")
    said: dict[str, list[str]] = {}
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("DAGSTER_HOME", str(home))
        monkeypatch.setenv("COMPLAINTS_PSEUDONYMISATION_KEY", "pii-step-errors-key")
        monkeypatch.setenv("COMPLAINTS_WORKSPACES_ROOT", str(root))
        monkeypatch.setenv("COMPLAINTS_OUTPUT_ROOT", str(out))
        import pipeline.defs.ingest.assets as ingest_assets
        import pipeline.ingest
        import pipeline.reporting.render
        from pipeline.definitions import defs
        from pipeline.run_messages import report_run

        definitions = defs()
        instance = dg.DagsterInstance.get()
        try:
            instance.add_dynamic_partitions("landlord", ["small_specialist"])
            load = definitions.resolve_job_def("ingest_job")

            def run_load(case: str) -> None:
                result = load.execute_in_process(
                    instance=instance, partition_key="small_specialist", raise_on_error=False
                )
                said[case] = report_run("small_specialist", case, result, 0.0)[1]

            for case, (raise_it, _) in LOAD_CASES.items():
                with pytest.MonkeyPatch.context() as patch:
                    patch.setattr(
                        pipeline.ingest, "ingest_workspace", lambda *a, f=raise_it, **k: f()
                    )
                    run_load(case)
            # the load goes through, and one of its checks' functions fails on a value
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(ingest_assets, "check_results", lambda *a, **k: _key())
                run_load("check")
            # the data-quality report, rendering on a value (its load done above)
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(
                    pipeline.reporting.render, "render_data_quality", lambda *a, **k: _jinja()
                )
                result = definitions.resolve_job_def("annual_reporting_job").execute_in_process(
                    instance=instance,
                    partition_key=dg.MultiPartitionKey(
                        {"landlord": "small_specialist", "year": "2025-26"}
                    ),
                    asset_selection=[dg.AssetKey("data_quality_report")],
                    raise_on_error=False,
                )
                said["render"] = report_run("small_specialist", "render", result, 0.0)[1]
        finally:
            instance.dispose()
    return _instance_texts(home), said


def test_every_case_failed_and_the_scan_reads_its_failure(failed_runs):
    """Not vacuous: each case failed its step, and its failure is in what is searched."""
    texts, said = failed_runs
    assert set(said) == {*LOAD_CASES, "check", "render"}
    for case, problems in said.items():
        assert problems and problems[0].startswith("step "), (case, problems)
    events = "\n".join(v for k, v in texts.items() if k.endswith(":event_logs"))
    assert events.count("STEP_FAILURE") >= len(said)
    assert any("compute_logs" in k and "Stack Trace" in v for k, v in texts.items())
    assert _found({"sample": events + NAME}, PLANTED)  # a planted value there would be found


def test_no_value_an_error_quoted_reaches_the_instance(failed_runs):
    texts, _ = failed_runs
    found = _found(texts, PLANTED)
    assert found == {}, {k: v[:5] for k, v in found.items()}


def test_the_console_names_the_step_and_the_error_never_the_value(failed_runs):
    _, said = failed_runs
    found = _found({case: "\n".join(problems) for case, problems in said.items()}, PLANTED)
    assert found == {}, found
    for case, (_, words) in LOAD_CASES.items():
        assert said[case][0].startswith("step canonical_tables failed: "), said[case]
        assert words in said[case][0], (case, said[case])
    assert "did not foresee (KeyError" in said["check"][0]
    assert "did not foresee (jinja2 UndefinedError" in said["render"][0]
    # where in the pipeline's code, for whoever mends it
    assert "in pipeline/defs/reporting/assets.py line" in said["render"][0]
    # a conversion error still says what it could not convert, without the value
    assert "Could not convert string (text, 14 characters, not shown) to INT32" in said["duckdb"][0]
