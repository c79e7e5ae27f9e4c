"""Shared fixtures: access to the real Dutch data in ../shared/data, always through a copy."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("BODNAARPLOT_SHARED_DATA", REPO.parent / "shared" / "data"))
FIXTURES = REPO / "tests" / "fixtures"


@pytest.fixture
def shared_data(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a file or folder from ``../shared/data`` into ``tmp_path`` and return the copy.

    Tests never read the shared originals in place: GDAL may write sidecars (``.gfs``) and a
    loader bug must not be able to damage the team's data. Skips with a visible reason if the
    shared folder is missing (it sits beside the clone in CI).
    """

    def copy(rel: str) -> Path:
        src = SHARED_DATA / rel
        if not src.exists():
            pytest.skip(f"shared data not found: {src} (set BODNAARPLOT_SHARED_DATA)")
        dst = tmp_path / "shared" / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copy2(src, dst)
        return dst

    return copy
