#!/usr/bin/env bash
# Prepares $DAGSTER_HOME for `make dev`: Dagster reads its instance settings (run queue, per-landlord
# limits, pools) from $DAGSTER_HOME/dagster.yaml. The project's file is linked there only when the
# instance has no configuration yet: an existing dagster.yaml (a PostgreSQL instance's, say) or a
# link to another file is never replaced.
set -euo pipefail
home="${DAGSTER_HOME:?DAGSTER_HOME must be set}"
mkdir -p "$home"
target="$home/dagster.yaml"
if [ -e "$target" ] || [ -L "$target" ]; then
    echo "dagster-home: keeping the existing $target"
    exit 0
fi
ln -s "$(cd "$(dirname "$0")/.." && pwd)/dagster.yaml" "$target"
