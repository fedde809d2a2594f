#!/usr/bin/env bash
# Install everything the tests need and run them: Debian's Chromium for the browser tests
# (apt-get, when run as root and it is missing), a virtual environment in .venv with the
# test extras, then pytest. Extra arguments go to pytest. CI (.ci/run) runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update
        apt-get install -y --no-install-recommends chromium
    else
        echo "Chromium is missing: run 'sudo apt-get install chromium' (the browser tests need it)" >&2
        exit 1
    fi
fi
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
exec .venv/bin/python -m pytest "$@"
