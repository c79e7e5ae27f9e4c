"""BRT tile pre-fetch against the local WMTS stand-in."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pytest

from layers.online import brt
from layers.online.area import bbox_area
from layers.online.config import FetchConfig
from layers.online.errors import OfflineError, ServiceLimitError
from tests.conftest import SHARED_DATA
from tests.online.fakeserver import FakeServer
from tests.online.services.brt import delft_extent

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _brt(cfg: FetchConfig, **changes: Any) -> FetchConfig:
    return dataclasses.replace(cfg, services={**cfg.services, "brt": {**cfg.services["brt"], **changes}})


def _tiles_in_bbox(bounds: tuple[float, float, float, float], z: int) -> int:
    """Tiles of level ``z`` touching ``bounds``, from the PDOK tile matrix numbers."""
    size = 3440.64 / 2**z * 256
    minx, miny, maxx, maxy = bounds
    ox, oy = -285401.92, 903401.92
    nx = math.floor((maxx - ox) / size) - math.floor((minx - ox) / size) + 1
    ny = math.floor((oy - miny) / size) - math.floor((oy - maxy) / size) + 1
    return nx * ny


def test_prefetch_counts_and_skip_existing(fake: FakeServer, online_config: FetchConfig) -> None:
    cfg = _brt(online_config, min_level=6, max_level=9)
    bounds = delft_extent(SHARED_DATA)
    area = bbox_area(bounds, cfg)
    got = brt.fetch(area, cfg)
    expected = sum(_tiles_in_bbox(bounds, z) for z in range(6, 10))
    assert got.files == ()
    assert got.kinds == ()
    assert got.counts == {"tegels": expected, "opgehaald": expected, "al_aanwezig": 0, "buiten_dekking": 0}
    assert len(fake.requests_to("/brt/")) == expected
    tiles = list((cfg.cache_dir / "brt-tiles" / "prefetched" / "grijs").rglob("*.png"))
    assert len(tiles) == expected
    assert all(t.read_bytes().startswith(PNG_MAGIC) for t in tiles)
    z, x, y = (int(v) for v in fake.requests_to("/brt/")[0].path.removesuffix(".png").split("/")[-3:])
    assert brt.prefetched_tile_path(cfg.cache_dir, "grijs", z, x, y).is_file()
    assert got.source_url.endswith(f"/brt/grijs/EPSG:28992/{z}/{x}/{y}.png")
    # Second run: everything is there already, nothing is requested.
    again = brt.fetch(area, cfg)
    assert again.counts["al_aanwezig"] == expected
    assert again.counts["opgehaald"] == 0
    assert again.from_cache
    assert len(fake.requests_to("/brt/")) == expected


def test_tiles_outside_coverage_are_counted(fake: FakeServer, online_config: FetchConfig) -> None:
    cfg = _brt(online_config, min_level=8, max_level=8)
    minx, miny, maxx, maxy = delft_extent(SHARED_DATA)
    area = bbox_area((minx, miny, maxx + 8000, maxy), cfg)  # reaches east of Delft
    got = brt.fetch(area, cfg)
    assert got.counts["buiten_dekking"] > 0
    assert got.counts["opgehaald"] > 0
    assert got.counts["opgehaald"] + got.counts["buiten_dekking"] == got.counts["tegels"]
    assert any("buiten de dekking" in n for n in got.notes)


def test_template_url(fake: FakeServer, online_config: FetchConfig) -> None:
    cfg = _brt(online_config, min_level=7, max_level=7).with_overrides(
        urls={"brt": f"{fake.url}/brt/{{layer}}/EPSG:28992/{{z}}/{{x}}/{{y}}.png"}
    )
    got = brt.fetch(bbox_area(delft_extent(SHARED_DATA), cfg), cfg)
    assert got.counts["opgehaald"] == got.counts["tegels"] >= 1


def test_too_many_tiles_refused(fake: FakeServer, online_config: FetchConfig) -> None:
    cfg = _brt(online_config, min_level=6, max_level=13, max_tiles=20)
    with pytest.raises(ServiceLimitError) as err:
        brt.fetch(bbox_area(delft_extent(SHARED_DATA), cfg), cfg)
    assert "meer dan 20 kaarttegels" in err.value.message
    assert "minder zoomniveaus (tot niveau" in err.value.hint
    assert fake.requests_to("/brt/") == []


def test_offline(fake: FakeServer, online_config: FetchConfig) -> None:
    cfg = _brt(online_config, min_level=6, max_level=6).with_overrides(urls={"brt": "http://127.0.0.1:9"})
    with pytest.raises(OfflineError):
        brt.fetch(bbox_area(delft_extent(SHARED_DATA), cfg), cfg)
