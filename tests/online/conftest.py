"""Fixtures for the online tests: the local fake services and a config pointing at them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from layers.online.config import FetchConfig, load_config
from tests.conftest import SHARED_DATA
from tests.online.fakeserver import FakeServer
from tests.online.services import install_all


@pytest.fixture
def fake() -> Iterator[FakeServer]:
    """All fake services on one local server (127.0.0.1, a free port)."""
    if not SHARED_DATA.exists():
        pytest.skip(f"shared data not found: {SHARED_DATA}")
    server = FakeServer()
    server.base_urls = install_all(server, SHARED_DATA)  # type: ignore[attr-defined]
    with server:
        yield server


@pytest.fixture
def online_config(fake: FakeServer, tmp_path: Path) -> FetchConfig:
    """services.toml pointed at the fake server, a private cache, quick retries and time-outs."""
    cfg = load_config(
        urls=fake.base_urls,  # type: ignore[attr-defined]
        api_keys={"plannen": "test-key-123"},
        cache_dir=tmp_path / "cache",
    )
    return cfg.with_overrides(
        http={"backoff_start_s": 0.05, "max_backoff_s": 2.0, "read_timeout_s": 2.0, "connect_timeout_s": 2.0}
    )
