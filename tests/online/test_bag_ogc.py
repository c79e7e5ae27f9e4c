"""BAG OGC API fetcher against the local stand-in built from real BAG data."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import pyogrio
import pytest
import shapely

from layers.canonical import LayerKind
from layers.online import bag_ogc
from layers.online.area import Area, bbox_area
from layers.online.config import FetchConfig
from layers.online.errors import OfflineError, ServiceError, ServiceLimitError
from layers.registry import load_path
from tests.conftest import SHARED_DATA
from tests.online.fakeserver import FakeServer

CAMPUS = (84700.0, 445300.0, 86200.0, 447100.0)  # the TU campus extract
DOESBURG = (206200.0, 447300.0, 206400.0, 447600.0)  # the Doesburg LV BAG extract
ITEMS = "/bag/collections/pand/items"


def _bag(cfg: FetchConfig, **changes: Any) -> FetchConfig:
    return dataclasses.replace(cfg, services={**cfg.services, "bag": {**cfg.services["bag"], **changes}})


def _expected_panden(bounds: tuple[float, float, float, float]) -> int:
    """Current panden of the source file touching ``bounds`` (unique BAG ids)."""
    src = pyogrio.read_dataframe(SHARED_DATA / "delft" / "bag" / "tudcampus_bag_panden.geojson")
    src = src[src["eindgeldigheid"].isna()]
    hit = shapely.intersects(src.geometry.to_numpy(), shapely.box(*bounds))
    return int(src[hit]["identificatie"].nunique())


def _by_kind(path: Any) -> dict[LayerKind, Any]:
    return {r.kind: r for r in load_path(path)}


def test_paged_fetch_loads_as_buildings(fake: FakeServer, online_config: FetchConfig) -> None:
    cfg = _bag(online_config, page_size=500)
    area = bbox_area(CAMPUS, cfg)
    seen: list[str] = []
    got = bag_ogc.fetch(area, cfg, progress=lambda f, t: seen.append(t))
    expected = _expected_panden(CAMPUS)
    pand_requests = fake.requests_to(ITEMS)
    assert len(pand_requests) == -(-expected // 500) >= 2
    assert [r.query.get("cursor") for r in pand_requests[1:]] == [
        str(500 * i) for i in range(1, len(pand_requests))
    ]
    assert pand_requests[0].query["crs"] == "http://www.opengis.net/def/crs/EPSG/0/28992"
    results = _by_kind(got.files[0])
    assert set(results) == {LayerKind.BUILDINGS}
    assert len(results[LayerKind.BUILDINGS].frame) == expected == got.counts["pand"]
    assert results[LayerKind.BUILDINGS].frame.crs.to_epsg() == 28992
    assert any("verblijfsobjecten" in n for n in got.notes)
    assert "bbox=84700.000,445300.000,86200.000,447100.000" in got.source_url
    assert not got.from_cache
    assert any("pagina 2" in t for t in seen)
    # A second fetch is served from the cache without a request.
    before = len(fake.requests_to("/bag/"))
    again = bag_ogc.fetch(area, cfg)
    assert again.from_cache
    assert len(fake.requests_to("/bag/")) == before
    assert again.counts == got.counts


def test_tiles_are_deduplicated(fake: FakeServer, online_config: FetchConfig) -> None:
    cfg = _bag(online_config, tile_size_m=500.0)
    area = bbox_area(CAMPUS, cfg)
    got = bag_ogc.fetch(area, cfg)
    tiles = {r.query["bbox"] for r in fake.requests_to(ITEMS)}
    assert len(tiles) == len(area.tiles(500.0)) > 4
    frame = load_path(got.files[0])[0].frame
    assert frame["identificatie"].is_unique
    assert len(frame) == _expected_panden(CAMPUS)


def test_area_polygon_clips_tile_results(fake: FakeServer, online_config: FetchConfig) -> None:
    triangle = shapely.Polygon([(84700, 445300), (86200, 445300), (84700, 447100)])
    area = Area("driehoek", triangle)
    got = bag_ogc.fetch(area, online_config)
    frame = load_path(got.files[0])[0].frame
    assert 0 < len(frame) < _expected_panden(CAMPUS)
    assert shapely.intersects(triangle, frame.geometry.to_numpy()).all()


def test_verblijfsobjecten_load_as_addresses(fake: FakeServer, online_config: FetchConfig) -> None:
    got = bag_ogc.fetch(bbox_area(DOESBURG, online_config), online_config)
    results = _by_kind(got.files[0])
    assert set(results) == {LayerKind.BUILDINGS, LayerKind.ADDRESSES}
    vbo = results[LayerKind.ADDRESSES].frame
    panden = results[LayerKind.BUILDINGS].frame
    assert got.counts == {"pand": len(panden), "verblijfsobject": len(vbo)}
    assert len(vbo) == 2
    assert set(vbo["pand_identificatie"]) <= set(panden["identificatie"])
    assert not got.notes


def test_429_waits_for_retry_after(fake: FakeServer, online_config: FetchConfig) -> None:
    fake.fault(ITEMS, status=429, retry_after="1")
    start = time.monotonic()
    got = bag_ogc.fetch(bbox_area(CAMPUS, online_config), online_config)
    assert time.monotonic() - start >= 1.0
    first, second = fake.requests_to(ITEMS)[:2]
    assert first.query == second.query  # the same page asked again
    assert got.counts["pand"] == _expected_panden(CAMPUS)


def test_500_until_attempts_exhausted(fake: FakeServer, online_config: FetchConfig) -> None:
    fake.fault(ITEMS, status=500, times=online_config.http.max_attempts)
    with pytest.raises(ServiceError) as err:
        bag_ogc.fetch(bbox_area(CAMPUS, online_config), online_config)
    assert err.value.status == 500
    assert "HTTP 500" in err.value.message
    assert f"{online_config.http.max_attempts} pogingen" in err.value.message
    assert len(fake.requests_to(ITEMS)) == online_config.http.max_attempts


@pytest.mark.parametrize("fault", [{"malformed": True}, {"drop": True}])
def test_broken_page_then_resume(
    fake: FakeServer, online_config: FetchConfig, fault: dict[str, bool]
) -> None:
    cfg = _bag(online_config, page_size=500)
    area = bbox_area(CAMPUS, cfg)
    armed: list[bool] = []

    def break_second_page(_fraction: float, text: str) -> None:
        if "pagina 1" in text and not armed:
            armed.append(True)
            fake.fault(ITEMS, **fault)

    with pytest.raises(ServiceError) as err:
        bag_ogc.fetch(area, cfg, progress=break_second_page)
    assert "pagina 2" in err.value.message or "brak af" in err.value.message
    first_run = len(fake.requests_to(ITEMS))
    assert first_run == 2
    got = bag_ogc.fetch(area, cfg)
    rerun = fake.requests_to(ITEMS)[first_run:]
    assert rerun[0].query.get("cursor") == "500"  # page 1 was not asked again
    assert all("cursor" in r.query for r in rerun)
    assert got.counts["pand"] == _expected_panden(CAMPUS)


def test_slow_answer_is_a_timeout(fake: FakeServer, online_config: FetchConfig) -> None:
    cfg = online_config.with_overrides(http={"read_timeout_s": 0.5, "max_attempts": 2})
    fake.fault(ITEMS, slow_s=1.0, times=2)
    with pytest.raises(ServiceError) as err:
        bag_ogc.fetch(bbox_area(CAMPUS, cfg), cfg)
    assert "time-out" in err.value.message


def test_empty_area_is_a_clear_error(fake: FakeServer, online_config: FetchConfig) -> None:
    with pytest.raises(ServiceError) as err:
        bag_ogc.fetch(bbox_area((150000, 400000, 151000, 401000), online_config), online_config)
    assert err.value.message == "Geen BAG-panden in dit gebied."


def test_feature_limit(fake: FakeServer, online_config: FetchConfig) -> None:
    cfg = dataclasses.replace(
        online_config, limits=dataclasses.replace(online_config.limits, max_features=100)
    )
    with pytest.raises(ServiceLimitError) as err:
        bag_ogc.fetch(bbox_area(CAMPUS, cfg), cfg)
    assert "meer dan 100" in err.value.message


def test_offline(fake: FakeServer, online_config: FetchConfig) -> None:
    cfg = online_config.with_overrides(urls={"bag": "http://127.0.0.1:9"})
    with pytest.raises(OfflineError) as err:
        bag_ogc.fetch(bbox_area(CAMPUS, cfg), cfg)
    assert "Geen verbinding" in err.value.message


def test_stale_cache_when_offline(fake: FakeServer, online_config: FetchConfig) -> None:
    area = bbox_area(CAMPUS, online_config)
    fresh = bag_ogc.fetch(area, online_config)
    fake.stop()  # the service goes away; the same URL no longer answers
    got = bag_ogc.fetch(area, online_config, refresh=True)
    assert got.from_cache
    assert any(n.startswith("Geen netwerk: BAG-gegevens uit de cache van") for n in got.notes)
    assert got.counts == fresh.counts
    assert got.retrieved_at == fresh.retrieved_at
