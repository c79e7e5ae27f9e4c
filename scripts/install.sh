#!/usr/bin/env bash
# Install everything Van Bod naar Plot needs on a fresh Debian 12 machine (Python >= 3.11):
# the system libraries Qt needs (via apt, when run as root), a virtual environment in .venv,
# and the package itself with its development tools. Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
# Libraries Qt's offscreen/xcb platforms load (see shared research stack.md §8), Xvfb for
# screenshots, poppler for checking PDFs. Extra packages can be passed in EXTRA_APT.
APT_PACKAGES="libglib2.0-0 libdbus-1-3 libegl1 libgl1 libfontconfig1 libfreetype6 libx11-6 libxkbcommon0 \
libx11-xcb1 libxcb-cursor0 libxcb-glx0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
libxcb-render-util0 libxcb-render0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1 libxcb-xfixes0 \
libxcb-xkb1 libxkbcommon-x11-0 fonts-dejavu-core xvfb xauth ${EXTRA_APT:-}"

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  missing=""
  for pkg in $APT_PACKAGES; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
  done
  if [ -n "$missing" ]; then
    echo "== apt-get install:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
else
  echo "== not root (or no apt-get): skipping system packages; Qt may need: $APT_PACKAGES"
fi

if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv with $($PY --version)"
  "$PY" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
fi
echo "== installing the package into .venv"
if ! .venv/bin/python -m pip install -q -e ".[dev,bench]" >.venv/pip-install.log 2>&1; then
  cat .venv/pip-install.log >&2
  echo "pip install failed (log above, also in .venv/pip-install.log)" >&2
  exit 1
fi
.venv/bin/python -c "import geopandas, pyogrio, osmium, PySide6" || { echo "installation incomplete" >&2; exit 1; }
# Compile the walking core once now (numba keeps the machine code in its on-disk cache), so the
# first scoring in the app does not wait for the compiler.
.venv/bin/python -c "from plotscore import walkcore; import sys; sys.exit(0 if walkcore.warm_up() else 1)" \
  || echo "== note: the compiled walking core is not available; scoring uses scipy (slower)" >&2
