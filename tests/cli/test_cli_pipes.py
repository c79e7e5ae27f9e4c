"""``bodnaarplot … | head`` behaves like a Unix tool: a closed pipe ends the command quietly.

A reader that stops early (``head``, ``grep -q``) closes our stdout. The command must then end
without "interne fout", without a log entry, with the conventional status 141 (128 + SIGPIPE)
or 0 when it had written everything before the reader left.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.cli.test_cli_inspect import REPO

DEMO = REPO / "resources" / "demo" / "delft_demo.gpkg"
LOG = Path(tempfile.gettempdir()) / "bodnaarplot-error.log"


def _env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def _closed_reader(*args: str | Path) -> tuple[int, str]:
    """Run the CLI with its stdout pipe closed before it writes anything."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env=_env(),
    )
    assert proc.stdout is not None
    assert proc.stderr is not None
    proc.stdout.close()  # the reader is gone at once: every write fails with EPIPE
    err = proc.stderr.read().decode("utf-8", "replace")
    return proc.wait(timeout=300), err


@pytest.fixture
def project(tmp_path: Path) -> Path:
    from projects.demo import create_demo_project

    path = tmp_path / "p.gpkg"
    create_demo_project(path).close()
    return path


@pytest.mark.parametrize(
    "args",
    [
        ("inspect", str(DEMO), "--json"),
        ("inspect", str(DEMO)),
        ("score", str(DEMO), "--top", "3", "--robustness-runs", "5", "--json"),
        ("--help",),
    ],
    ids=["inspect-json", "inspect", "score-json", "help"],
)
def test_closed_pipe_ends_quietly(args: tuple[str, ...]) -> None:
    before = LOG.stat().st_mtime_ns if LOG.exists() else None
    status, err = _closed_reader(*args)
    # argparse swallows a failed write of --help itself (then 0); everything else reports 141
    assert status in ((0, 141) if args == ("--help",) else (141,)), err
    assert "interne fout" not in err
    assert "Traceback" not in err
    assert "BrokenPipe" not in err
    assert (LOG.stat().st_mtime_ns if LOG.exists() else None) == before  # no log entry


def test_closed_pipe_on_project_commands(project: Path) -> None:
    for args in (("project", "info", project, "--json"), ("ledger", project)):
        status, err = _closed_reader(*args)
        assert status == 141, err
        assert "interne fout" not in err


@pytest.mark.slow
def test_score_into_head_fifty_times() -> None:
    """What the wheel check does: ``score … | head -1``, 50 times in a row, never a failure."""
    script = (
        "set -o pipefail; "
        f'"{sys.executable}" -m cli score "{DEMO}" --top 2 --robustness-runs 1 2>err.txt | head -1 >/dev/null; '
        'echo "status=$?"; cat err.txt'
    )
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(50):
            proc = subprocess.run(
                ["bash", "-c", script],
                capture_output=True,
                text=True,
                cwd=tmp,
                env={**_env(), "PYTHONPATH": str(REPO)},
            )
            status = proc.stdout.split("status=")[1].split()[0]
            assert status in ("0", "141"), (i, proc.stdout)
            assert "interne fout" not in proc.stdout, (i, proc.stdout)
            assert "Traceback" not in proc.stdout, (i, proc.stdout)
