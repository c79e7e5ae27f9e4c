#!/usr/bin/env bash
# Install everything (scripts/install.sh) and run the whole quality gate:
# ruff (lint + format), mypy --strict on every package, import-linter, and the pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
# Chromium renders the exported HTML map, poppler turns the PDF map into PNG (export tests).
EXTRA_APT="chromium poppler-utils ${EXTRA_APT:-}" bash scripts/install.sh
export QT_QPA_PLATFORM=offscreen
status=0
echo "== ruff check";      .venv/bin/ruff check . || status=1
echo "== ruff format";     .venv/bin/ruff format --check . || status=1
echo "== mypy (strict, every package)"; .venv/bin/mypy || status=1
echo "== import-linter";   .venv/bin/lint-imports || status=1
echo "== PostGIS test server (scripts/pg_test_server.sh)"
export BODNAARPLOT_PG_STATE="${TMPDIR:-/tmp}/bodnaarplot-pg-test.$$.env"
trap 'bash scripts/pg_test_server.sh stop' EXIT
if pg_log=$(bash scripts/pg_test_server.sh start 2>&1); then
  # shellcheck disable=SC1090
  . "$BODNAARPLOT_PG_STATE"
  echo "   $BODNAARPLOT_TEST_PG_URL"
else
  # The PostGIS tests skip and show this reason in the pytest summary.
  export BODNAARPLOT_TEST_PG_UNAVAILABLE="${pg_log//$'\n'/ }"
  echo "   not available: $BODNAARPLOT_TEST_PG_UNAVAILABLE"
fi
echo "== pytest"
.venv/bin/python -m pytest -q -p no:cacheprovider "$@" || status=1
echo "== screenshots: every scene at 1366x768 and 1920x1080 (artifacts in build/screenshots)"
bash scripts/make_screenshots.sh build/screenshots 1366x768 1920x1080 >/dev/null || status=1
echo "== packaging: the wheel in a fresh venv runs the demo (scripts/check_wheel.sh)"
bash scripts/check_wheel.sh || status=1
echo "== packaging: standalone bundle (scripts/build_bundle.sh)"
bash scripts/build_bundle.sh || status=1
# tests/reliability regenerates docs/reliability.md; a stale committed copy fails the gate.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "== docs/reliability.md"
  if ! git diff --exit-code -- docs/reliability.md; then
    echo "docs/reliability.md is out of date: commit the regenerated file" >&2
    status=1
  fi
fi
exit $status
