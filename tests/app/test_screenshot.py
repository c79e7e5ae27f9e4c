"""A real window under Xvfb, saved as a PNG artifact for people to look at (not pixel-compared).

The artifact lands in ``test-artifacts/demo-xvfb.png`` (git-ignored); CI logs its path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"


def _free_display() -> int:
    for n in range(90, 140):
        if not Path(f"/tmp/.X{n}-lock").exists() and not Path(f"/tmp/.X11-unix/X{n}").exists():
            return n
    pytest.skip("geen vrij X-display-nummer gevonden voor Xvfb")


@pytest.mark.slow
def test_demo_window_under_xvfb(tmp_path: Path) -> None:
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb is niet geïnstalleerd (scripts/install.sh installeert het als root)")
    display = _free_display()
    server = subprocess.Popen(
        [xvfb, f":{display}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{display}").exists():
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.skip("Xvfb start niet op deze machine")
            time.sleep(0.1)
        ARTIFACTS.mkdir(exist_ok=True)
        out = ARTIFACTS / "demo-xvfb.png"
        out.unlink(missing_ok=True)
        env = {**os.environ, "DISPLAY": f":{display}", "QT_QPA_PLATFORM": "xcb", "HOME": str(tmp_path)}
        proc = subprocess.run(
            [sys.executable, "-m", "cli", "demo", "--screenshot", str(out)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert out.exists()
        assert out.stat().st_size > 50_000  # a real window with a map, not a blank frame
        from PySide6.QtGui import QImage

        image = QImage(str(out))
        assert image.width() >= 1000
        assert image.height() >= 700
        print(f"screenshot artifact: {out}")
    finally:
        server.terminate()
        server.wait(timeout=10)
