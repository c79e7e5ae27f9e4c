#!/usr/bin/env bash
# Build the wheel and install it into a brand-new virtual environment (no checkout on the path),
# then run the installed `bodnaarplot demo` offscreen and the headless scoring of the demo.
# This is what a user gets from `pip install bodnaarplot-*.whl` (or pipx) on a clean machine.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== building the wheel"
"$PY" -m pip wheel -q --no-deps --no-build-isolation -w build/wheel . 2>/dev/null \
  || .venv/bin/python -m pip wheel -q --no-deps -w build/wheel .
WHEEL=$(ls -t build/wheel/bodnaarplot-*.whl | head -1)
echo "   $WHEEL"
echo "== installing it into a fresh venv"
"$PY" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q "$WHEEL" >"$work/pip.log" 2>&1 || { cat "$work/pip.log"; exit 1; }
cd "$work"   # away from the checkout: only the installed package is importable
echo "== bodnaarplot demo (offscreen, from the wheel)"
QT_QPA_PLATFORM=offscreen "$work/venv/bin/bodnaarplot" demo --screenshot "$work/demo.png" 2>/dev/null
[ -s "$work/demo.png" ] || { echo "wheel: the demo did not render" >&2; exit 1; }
echo "== bodnaarplot score on the bundled demo data (from the wheel)"
demo=$("$work/venv/bin/python" -c "from resources import resource; print(resource('demo', 'delft_demo.gpkg'))")
# The output goes to a file, not into `| grep -q`: grep closes the pipe at its first match, and
# whether the writer still had output buffered then is luck (pipefail would report it).
"$work/venv/bin/bodnaarplot" score "$demo" --profile geclusterd --top 3 >"$work/score.txt" 2>"$work/score.err" \
  || { cat "$work/score.err" >&2; echo "wheel: scoring the demo failed" >&2; exit 1; }
grep -q "Supermarkt" "$work/score.txt" || { echo "wheel: the demo's scores name no supermarket" >&2; exit 1; }
echo "wheel OK: $(basename "$WHEEL")"
