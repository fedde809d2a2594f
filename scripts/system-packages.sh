#!/usr/bin/env bash
# Debian packages Jixiao uses beyond Python: LibreOffice (headless, with its Python bridge)
# to read .doc/.wps/.rtf, and, with --browser and --calc, Chromium and LibreOffice Calc for the
# tests; with --postgres, PostgreSQL (the shared state's tests start a throwaway server of it);
# with --fonts, Chinese fonts, so the working papers LibreOffice renders to PDF in the tests
# (and pages in Chromium) show characters, not boxes.
# Installed with apt-get when run as root and missing; otherwise says what to install. With --required a
# missing package is an error (the tests need them); without, a warning (the dashboard reads
# every other format without LibreOffice).
set -euo pipefail
installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}
packages=()
command -v soffice >/dev/null 2>&1 || packages+=(libreoffice-writer-nogui)
/usr/bin/python3 -c "import uno" >/dev/null 2>&1 || packages+=(python3-uno)
required=0
for argument in "$@"; do
    case "$argument" in
        --browser) command -v chromium >/dev/null 2>&1 || packages+=(chromium) ;;
        # The tests make .xls workbooks with LibreOffice Calc.
        --calc) installed libreoffice-calc-nogui || installed libreoffice-calc || packages+=(libreoffice-calc-nogui) ;;
        # The server binaries (initdb, pg_ctl) live under /usr/lib/postgresql/VERSION/bin.
        --postgres) compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || packages+=(postgresql) ;;
        --fonts) installed fonts-noto-cjk || packages+=(fonts-noto-cjk) ;;
        --required) required=1 ;;
    esac
done
if [ ${#packages[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${packages[@]}"
elif [ "$required" = 1 ]; then
    echo "Missing Debian packages: run 'sudo apt-get install ${packages[*]}'" >&2
    exit 1
else
    echo "Note: without 'sudo apt-get install ${packages[*]}', .doc/.wps/.rtf files are recorded as failed" >&2
fi
