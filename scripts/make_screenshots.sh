#!/usr/bin/env bash
# Render the app's screenshots from the app itself: every scene of app/scenes.py, played on a
# fresh copy of the demo (`bodnaarplot demo --screenshot PNG --scene NAAM`).
#
#   scripts/make_screenshots.sh                       # the handleiding's pictures: docs/img/<scene>.png
#   scripts/make_screenshots.sh OUT 1366x768 1920x1080  # every scene per size: OUT/<size>/<scene>.png
#
# With sizes the window (and the presentation window) gets that size, as on a laptop or a
# projector: pictures for people to look at; scripts/test.sh makes them in build/screenshots
# (the CI artifacts).
# A real X server is used when DISPLAY is set (e.g. Xvfb), else Qt's offscreen platform.
# No network needed (the base map shows as offline). LANGS="nl en" renders both languages.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/img}
shift || true
sizes=("$@")
langs=${LANGS:-nl}
platform=offscreen
[ -n "${DISPLAY:-}" ] && platform=xcb
scenes=$(QT_QPA_PLATFORM=offscreen .venv/bin/python -c "from app.scenes import SCENES; print(' '.join(SCENES))")
render() {  # scene, png, extra options
  local scene=$1 png=$2
  shift 2
  QT_QPA_PLATFORM=$platform BODNAARPLOT_BRT_URL=http://127.0.0.1:9/brt \
    .venv/bin/bodnaarplot demo --screenshot "$png" --scene "$scene" "$@" 2>/dev/null
  [ -s "$png" ] || { echo "scene $scene: no screenshot ($png)" >&2; exit 1; }
  echo "$png"
}
if [ ${#sizes[@]} -eq 0 ]; then
  mkdir -p "$out"
  for scene in $scenes; do render "$scene" "$out/$scene.png" --lang nl; done
  exit 0
fi
for size in "${sizes[@]}"; do
  for lang in $langs; do
    dir="$out/$size"
    [ "$lang" = nl ] || dir="$out/$size-$lang"
    mkdir -p "$dir"
    for scene in $scenes; do render "$scene" "$dir/$scene.png" --lang "$lang" --window-size "$size"; done
  done
done
