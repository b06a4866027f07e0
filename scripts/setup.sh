#!/usr/bin/env bash
# Installs what a fresh machine lacks (uv, Debian's chromium for PDFs and browser tests; with
# --tests also Debian's redis-server for the celery executor's test and postgresql for the
# PostgreSQL instance's test), then the locked Python environment. Safe to run again: each step is
# skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v uv >/dev/null 2>&1; then
    echo "==> installing uv"
    python3 -m pip install --quiet uv
fi

apt_install() {  # apt_install <package> <why>: one Debian package from the registry
    echo "==> installing Debian's $1 ($2)"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$1" >/dev/null
}

if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
    apt_install chromium "PDF printing and browser tests"
fi

# The servers only the tests need (`make test` passes --tests; `make run` does not wait for them).
# Each test starts its own throwaway server on a free loopback port; no service is enabled.
if [ "${1:-}" = "--tests" ]; then
    if ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/bin/redis-server ]; then
        apt_install redis-server "the celery executor's broker, tested on loopback"
    fi
    # initdb and pg_ctl: Debian keeps them in /usr/lib/postgresql/<version>/bin, off PATH
    if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
        apt_install postgresql "the PostgreSQL instance's test, on loopback"
    fi
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
