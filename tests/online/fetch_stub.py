"""A stand-in for the online fetchers: real small files cut from the demo data, no network.

``install_stub(monkeypatch)`` replaces :func:`projects.fetch._fetcher`, so orchestration, the CLI
and the app dialog can be tested without the fake services. Each stub layer set writes the
demo layers of its kind (clipped to the area) with :func:`layers.online.base.write_gpkg_atomic`,
reports progress a few times (so a cancel can strike mid-fetch) and returns a :class:`Fetched`.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import geopandas as gpd
import pytest

from layers.canonical import LayerKind
from layers.online.area import Area
from layers.online.base import Fetched, output_path, write_gpkg_atomic
from layers.online.config import FetchConfig
from layers.online.errors import ServiceError
from layers.registry import load_path
from plotscore.progress import Progress, report
from resources import resource

# key -> the demo layers (canonical kinds) that layer set produces
STUB_KINDS: dict[str, tuple[LayerKind, ...]] = {
    "bag": (LayerKind.BUILDINGS,),
    "osm": (LayerKind.FACILITIES, LayerKind.NETWORK_SOURCE),
    "plannen": (LayerKind.ZONING,),
    "cbs": (LayerKind.NEIGHBOURHOODS,),
}
STEPS = 4  # progress reports per stub fetch


@functools.lru_cache(maxsize=1)
def demo_frames() -> dict[LayerKind, gpd.GeoDataFrame]:
    return {r.kind: r.frame for r in load_path(resource("demo", "delft_demo.gpkg"))}


def stub_fetcher(
    key: str, *, fail: set[str] | None = None, calls: list[str] | None = None, delay_s: float = 0.0
) -> Callable[..., Fetched]:
    def fetch(
        area: Area, config: FetchConfig, *, progress: Progress | None = None, refresh: bool = False
    ) -> Fetched:
        if calls is not None:
            calls.append(key)
        url = f"https://stub.example/{key}?bbox={','.join(f'{v:.0f}' for v in area.bounds)}"
        if fail and key in fail:
            raise ServiceError(
                f"De stub-dienst {key} gaf een fout (HTTP 500).", service=key, url=url, status=500
            )
        for i in range(STEPS):
            report(progress, i / STEPS, f"{key}: pagina {i + 1}")
            time.sleep(delay_s)  # a slow service, so a test can cancel mid-fetch
        files = []
        counts: dict[str, int] = {}
        for kind in STUB_KINDS[key]:
            frame = demo_frames()[kind]
            clipped = frame[frame.intersects(area.geometry)].reset_index(drop=True)
            counts[kind.value] = len(clipped)
            path = output_path(config, key, area, f"{kind.value}.gpkg")
            files.append(write_gpkg_atomic(path, {kind.value: clipped}))
        report(progress, 1.0, f"{key}: klaar")
        return Fetched(
            service=key,
            files=tuple(files),
            kinds=STUB_KINDS[key],
            source_url=url,
            retrieved_at=datetime.now(UTC),
            notes=(f"stub-opmerking {key}",),
            counts=counts,
        )

    return fetch


def install_stub(monkeypatch: pytest.MonkeyPatch, **kwargs: Any) -> None:
    """Route every layer set of :mod:`projects.fetch` to :func:`stub_fetcher`."""
    import projects.fetch

    monkeypatch.setattr(projects.fetch, "_fetcher", lambda key: stub_fetcher(key, **kwargs))
