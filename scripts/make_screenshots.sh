#!/usr/bin/env bash
# Render the handleiding's screenshots from the app itself: every scene of app/scenes.py,
# played on a fresh copy of the demo (`bodnaarplot demo --screenshot PNG --scene NAAM`), into
# docs/img/<scene>.png. Offscreen, no network needed (the base map shows as offline).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/img}
mkdir -p "$out"
scenes=$(.venv/bin/python -c "import os; os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen'); from app.scenes import SCENES; print(' '.join(SCENES))")
for scene in $scenes; do
  QT_QPA_PLATFORM=offscreen BODNAARPLOT_BRT_URL=http://127.0.0.1:9/brt \
    .venv/bin/bodnaarplot demo --lang nl --screenshot "$out/$scene.png" --scene "$scene" 2>/dev/null
  [ -s "$out/$scene.png" ] || { echo "scene $scene: no screenshot" >&2; exit 1; }
  echo "$out/$scene.png"
done
