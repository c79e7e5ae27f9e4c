#!/usr/bin/env bash
# Install everything (scripts/install.sh) and run the main job on the bundled Delft demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
.venv/bin/bodnaarplot inspect resources/demo/delft_demo.gpkg
