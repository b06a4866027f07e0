#!/usr/bin/env bash
# Installs what a fresh machine lacks (uv, Debian's chromium for PDFs and browser tests, Debian's
# redis-server for the celery executor's test, Debian's postgresql for the PostgreSQL instance's
# test), then the locked Python environment. Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v uv >/dev/null 2>&1; then
    echo "==> installing uv"
    python3 -m pip install --quiet uv
fi

if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
    echo "==> installing Debian's chromium (PDF printing and browser tests)"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

if ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/bin/redis-server ]; then
    echo "==> installing Debian's redis-server (the celery executor's broker, tested on loopback)"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    # the test starts its own server on a free loopback port; no service is needed
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
fi

# the PostgreSQL instance's test starts a throwaway cluster with initdb and pg_ctl (Debian keeps them
# in /usr/lib/postgresql/<version>/bin, off PATH); no service is needed
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "==> installing Debian's postgresql (the PostgreSQL instance's test, on loopback)"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi

# --compile-bytecode compiles the whole environment each time it is given (about 1 s even when
# nothing changed), so it runs only when the environment is not already what uv.lock says.
if ! uv sync --frozen --check --quiet >/dev/null 2>&1; then
    echo "==> syncing the Python environment from uv.lock"
    uv sync --frozen --compile-bytecode --quiet
fi
# --compile-bytecode compiles the installed packages, not this project's own sources (an editable
# install); with byte-code writing off (PYTHONDONTWRITEBYTECODE) every process would compile them
# again: about 0.15 CPU-s of each process's start-up. Python ignores a .pyc older than its source,
# and compileall skips an up-to-date one (in one process: faster than its workers for this size).
"${UV_PROJECT_ENVIRONMENT:-.venv}/bin/python" -m compileall -q pipeline >/dev/null
