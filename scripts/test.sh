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
# Two workers (pytest-xdist), each given whole files: the run takes about half as long on
# two cores, most tests waiting on a browser, a server or LibreOffice. JIXIAO_TEST_WORKERS=0
# runs in one process; arguments given after override (-n 0, a single file …).
exec .venv/bin/python -m pytest --numprocesses "${JIXIAO_TEST_WORKERS:-2}" --dist loadfile "$@"
