#!/usr/bin/env bash
# Refresh the translation source (.ts) from the app's tr() strings and compile the .qm.
#
#   scripts/build_translations.sh
#
# 1. pyside6-lupdate scans every .py under app/ and updates app/i18n/bodnaarplot_en.ts: new
#    strings are added as "unfinished", strings no longer in the code become "vanished"
#    (kept, so a translation is not lost if a string comes back).
# 2. Translate the new entries (Qt Linguist: .venv/bin/pyside6-linguist, or edit the XML).
# 3. pyside6-lrelease compiles app/i18n/bodnaarplot_en.qm, which the app loads at start.
# Commit both the .ts and the .qm.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${VENV:-.venv}/bin"
TS=app/i18n/bodnaarplot_en.ts
mapfile -t SOURCES < <(find app -name '*.py' -not -path '*/__pycache__/*' | sort)
"$BIN/pyside6-lupdate" -locations none -source-language nl_NL -target-language en_GB \
    "${SOURCES[@]}" -ts "$TS"
"$BIN/pyside6-lrelease" "$TS" -qm app/i18n/bodnaarplot_en.qm
