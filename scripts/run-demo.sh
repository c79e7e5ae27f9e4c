#!/usr/bin/env bash
# Install everything (scripts/install.sh) and run the main job on the bundled Delft demo:
# with a display, the desktop app opens on a fresh copy of the demo project; without one
# (a server, CI), the same app renders offscreen to demo-screenshot.png and the headless
# scoring summary is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec .venv/bin/bodnaarplot demo
fi
echo "== no display: rendering the demo offscreen to demo-screenshot.png"
QT_QPA_PLATFORM=offscreen .venv/bin/bodnaarplot demo --screenshot demo-screenshot.png
echo "== scoring the demo headless (bodnaarplot score)"
.venv/bin/bodnaarplot score resources/demo/delft_demo.gpkg --profile geclusterd --top 5 2>/dev/null
echo "== screenshot: $(pwd)/demo-screenshot.png"
