#!/usr/bin/env bash
# Install what the dashboard needs (LibreOffice when run as root: system-packages.sh; a virtual
# environment in .venv, pinned versions, no test tools) and start it on http://127.0.0.1:8501. On an empty store the first page offers the
# sample reports. Extra arguments go to `streamlit run` (e.g. --server.port 8600).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
exec .venv/bin/streamlit run app.py "$@"
