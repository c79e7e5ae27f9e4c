#!/usr/bin/env bash
# Install everything (scripts/install.sh) and run the whole quality gate:
# ruff (lint + format), mypy --strict on the core, import-linter, and the pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export QT_QPA_PLATFORM=offscreen
status=0
echo "== ruff check";      .venv/bin/ruff check . || status=1
echo "== ruff format";     .venv/bin/ruff format --check . || status=1
echo "== mypy (strict core)"; .venv/bin/mypy || status=1
echo "== import-linter";   .venv/bin/lint-imports || status=1
echo "== pytest"
.venv/bin/python -m pytest -q -p no:cacheprovider "$@" || status=1
exit $status
