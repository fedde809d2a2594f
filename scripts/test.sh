#!/usr/bin/env bash
# Install everything the tests need and run them: Debian's Chromium for the browser tests,
# PostgreSQL for the shared state's, LibreOffice for .doc/.wps/.rtf (apt-get when run as root and missing: system-packages.sh), a
# virtual environment in .venv with the test extras, then pytest. Extra arguments go to pytest. CI (.ci/run) runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh --browser --calc --postgres --fonts --required
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
exec .venv/bin/python -m pytest "$@"
