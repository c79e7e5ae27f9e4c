#!/usr/bin/env bash
# Build the standalone bundle (PyInstaller one-dir) and smoke-test it: the bundled CLI scores
# the demo, and the bundled app renders the demo offscreen to a PNG.
# Output: build/bundle/dist/bodnaarplot/ (run ./bodnaarplot inside it; zip the folder to ship).
# Windows: see docs/packaging.md (same spec, run in a Windows venv).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || bash scripts/install.sh
.venv/bin/python -m pip install -q "pyinstaller>=6.10,<7" >/dev/null
echo "== pyinstaller packaging/bodnaarplot.spec"
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN \
  --distpath build/bundle/dist --workpath build/bundle/work packaging/bodnaarplot.spec
BIN=build/bundle/dist/bodnaarplot/bodnaarplot
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== smoke test: bundled CLI scores the demo"
(cd "$work" && "$OLDPWD/$BIN" score "$OLDPWD/resources/demo/delft_demo.gpkg" --profile geclusterd --top 3 \
  --out "$work/scores.gpkg" >"$work/score.txt" 2>/dev/null)
grep -q "Supermarkt" "$work/score.txt" || { cat "$work/score.txt"; echo "bundle: scoring failed" >&2; exit 1; }
echo "== smoke test: bundled app renders the demo offscreen"
QT_QPA_PLATFORM=offscreen "$BIN" demo --screenshot "$work/demo.png" 2>/dev/null
[ -s "$work/demo.png" ] || { echo "bundle: no screenshot" >&2; exit 1; }
echo "bundle OK: $(du -sh build/bundle/dist/bodnaarplot | cut -f1) in build/bundle/dist/bodnaarplot/"
