"""Start dagster-webserver on the code location, read the asset graph over GraphQL, stop it.

What `make dev` shows: assets partitioned by landlord x year (and quarter), their checks, the
jobs, schedules and the workspace sensor. The server runs on a free local port with a temporary
DAGSTER_HOME holding the project's dagster.yaml, and is always stopped (process group killed).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 180  # a loaded CI machine takes a while to import the code location

QUERY = """
{
  workspaceOrError {
    ... on Workspace {
      locationEntries {
        name
        locationOrLoadError { __typename ... on PythonError { message } }
      }
    }
  }
  assetNodes {
    assetKey { path }
    isPartitioned
    partitionKeysByDimension { name partitionKeys }
    partitionDefinition { description }
    assetChecksOrError {
      ... on AssetChecks { checks { name blocking partitionDefinition { description } } }
    }
  }
  repositoriesOrError {
    ... on RepositoryConnection {
      nodes {
        name jobs { name } sensors { name }
        schedules { name cronSchedule metadataEntries { label ... on TextMetadataEntry { text } } }
      }
    }
  }
}
"""

RESOURCE_QUERY = """
{
  topLevelResourceDetailsOrError(resourceSelector: {repositoryName: "__repository__",
      repositoryLocationName: "pipeline.definitions", resourceName: "store"}) {
    ... on ResourceDetails { configuredValues { key value type } }
  }
}
"""
KEY_VARIABLE = "COMPLAINTS_PSEUDONYMISATION_KEY"
KEY_VALUE = "s3cret-key-the-ui-must-not-show"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def post(url: str, query: str) -> dict:
    request = urllib.request.Request(
        url,
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


@pytest.fixture
def webserver(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    port = free_port()
    log = (tmp_path / "webserver.log").open("w")
    webserver_bin = Path(sys.executable).parent / "dagster-webserver"
    process = subprocess.Popen(
        [str(webserver_bin), "-m", "pipeline.definitions", "-h", "127.0.0.1", "-p", str(port)],
        cwd=PROJECT_ROOT,
        env={
            **os.environ,
            "DAGSTER_HOME": str(home),
            "PYTHONWARNINGS": "ignore",
            KEY_VARIABLE: KEY_VALUE,  # Deployment > Resources must show its name, not this
        },
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the code server child dies with it
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"webserver exited early:\n{(tmp_path / 'webserver.log').read_text()}")
            try:
                with urllib.request.urlopen(f"{base}/server_info", timeout=5):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail(f"webserver not up in {STARTUP_SECONDS} s")
                time.sleep(0.5)
        yield f"{base}/graphql"
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        log.close()


def test_webserver_serves_the_asset_graph_with_checks_schedules_and_sensor(webserver):
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:  # the code location may still be loading when the server answers
        data = post(webserver, QUERY)["data"]
        for entry in data["workspaceOrError"]["locationEntries"]:
            error = entry["locationOrLoadError"] or {}
            assert error.get("__typename") != "PythonError", error.get("message")
        if data["assetNodes"] or time.monotonic() > deadline:
            break
        time.sleep(1)
    nodes = {"/".join(node["assetKey"]["path"]): node for node in data["assetNodes"]}
    assert nodes, "no assets in the code location"
    partitioned = [node for node in nodes.values() if node["isPartitioned"]]
    assert partitioned
    dimensions = {
        dim["name"] for node in partitioned for dim in node["partitionKeysByDimension"] or []
    }
    assert {"landlord", "year"} <= dimensions
    checks = [
        check
        for node in nodes.values()
        for check in (node["assetChecksOrError"] or {}).get("checks", [])
    ]
    assert checks, "no asset checks in the code location"

    repository = data["repositoriesOrError"]["nodes"][0]
    assert {
        "monthly_refresh_job",
        "regulatory_returns_job",
        "annual_reporting_job",
        "committee_pack_job",
    } <= {job["name"] for job in repository["jobs"]}
    assert {
        "monthly_refresh_schedule",
        "committee_pack_schedule",
        "returns_schedule",
        "annual_report_schedule",
    } <= {schedule["name"] for schedule in repository["schedules"]}
    assert "workspace_files_sensor" in {sensor["name"] for sensor in repository["sensors"]}
    for expected in ("tsm_return", "measures", "canonical_tables"):
        if expected in nodes:  # assets of other domains, once they exist
            assert nodes[expected]["isPartitioned"]
    # every check is partitioned like its asset: a status per partition, Execute per partition
    for name, node in nodes.items():
        for check in (node["assetChecksOrError"] or {}).get("checks", []):
            assert check["partitionDefinition"] == node["partitionDefinition"], (name, check)
    # schedules at their cadence, which each names
    schedules = {s["name"]: s for s in repository["schedules"]}
    for name, cron, cadence in (
        ("monthly_refresh_schedule", "0 6 1-28 * *", "monthly"),
        ("committee_pack_schedule", "0 6 1-28 1,4,7,10 *", "quarterly"),
        ("returns_schedule", "0 6 * * *", "annual"),
    ):
        assert schedules[name]["cronSchedule"] == cron, name
        assert {"label": "cadence", "text": cadence} in schedules[name]["metadataEntries"], name


def test_webserver_shows_the_pseudonymisation_key_as_an_env_var_not_its_value(webserver):
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:  # the code location may still be loading when the server answers
        details = post(webserver, RESOURCE_QUERY)["data"]["topLevelResourceDetailsOrError"]
        if details or time.monotonic() > deadline:
            break
        time.sleep(1)
    values = {value["key"]: value for value in details["configuredValues"]}
    assert values["pseudonymisation_key"]["type"] == "ENV_VAR"
    assert values["pseudonymisation_key"]["value"] == KEY_VARIABLE
    assert KEY_VALUE not in json.dumps(details)
