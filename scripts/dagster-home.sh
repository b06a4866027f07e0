#!/usr/bin/env bash
# Prepares $DAGSTER_HOME for `make dev`: Dagster reads its instance settings (run queue, per-landlord
# limits, pools) from $DAGSTER_HOME/dagster.yaml, so the project's file is linked there.
set -euo pipefail
home="${DAGSTER_HOME:?DAGSTER_HOME must be set}"
mkdir -p "$home"
ln -sf "$(cd "$(dirname "$0")/.." && pwd)/dagster.yaml" "$home/dagster.yaml"
