"""CBS Wijken en Buurten WFS fetcher against the real PDOK GML response."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import shapely

from layers.canonical import LayerKind
from layers.errors import UnsafeInputError
from layers.online import cbs_wfs
from layers.online.area import bbox_area, gemeente_area
from layers.online.base import client_for
from layers.online.config import FetchConfig
from layers.online.errors import OfflineError, ServiceError
from layers.registry import load_path
from tests.online.fakeserver import FakeRequest, FakeResponse, FakeServer

DELFT = (74000.0, 439000.0, 91000.0, 452000.0)  # around the real response (Delft and its neighbours)
REAL_COUNT = 128  # numberMatched of the real response


def _cbs(cfg: FetchConfig, **changes: Any) -> FetchConfig:
    return dataclasses.replace(cfg, services={**cfg.services, "cbs": {**cfg.services["cbs"], **changes}})


def test_real_response_gives_neighbourhoods_in_rd(fake: FakeServer, online_config: FetchConfig) -> None:
    got = cbs_wfs.fetch(bbox_area(DELFT, online_config), online_config)
    (req,) = fake.requests_to("/cbs")
    assert req.query["srsName"] == "EPSG:28992"
    assert req.query["bbox"].endswith(",urn:ogc:def:crs:EPSG::28992")
    assert "outputFormat" not in req.query  # GML 3.2, the WFS default
    assert got.kinds == (LayerKind.NEIGHBOURHOODS,)
    (result,) = load_path(got.files[0], kind=LayerKind.NEIGHBOURHOODS)
    assert len(result.frame) == REAL_COUNT == got.counts["buurten"]
    assert result.frame.crs.to_epsg() == 28992
    minx, miny, maxx, maxy = result.frame.total_bounds
    assert 74000 < minx < maxx < 91000
    assert 439000 < miny < maxy < 452000
    assert (
        "typeNames=wijkenbuurten%3Abuurten" in got.source_url
        or "typeNames=wijkenbuurten:buurten" in got.source_url
    )


def test_three_pages_give_the_same_buurten(fake: FakeServer, online_config: FetchConfig) -> None:
    whole = cbs_wfs.fetch(bbox_area(DELFT, online_config), online_config)
    cfg = _cbs(online_config, page_size=50)
    paged = cbs_wfs.fetch(bbox_area(DELFT, cfg), cfg)
    starts = [r.query["startIndex"] for r in fake.requests_to("/cbs")[1:]]
    assert starts == ["0", "50", "100"]
    a = load_path(whole.files[0])[0].frame
    b = load_path(paged.files[0])[0].frame
    assert len(b) == REAL_COUNT
    assert sorted(a.geometry.area.round(1)) == sorted(b.geometry.area.round(1))


def test_bbox_selects_fewer(fake: FakeServer, online_config: FetchConfig) -> None:
    got = cbs_wfs.fetch(bbox_area((84000, 445000, 86000, 447000), online_config), online_config)
    frame = load_path(got.files[0])[0].frame
    assert 0 < len(frame) < REAL_COUNT
    assert frame.intersects(bbox_area((84000, 445000, 86000, 447000), online_config).geometry).all()


def test_gemeente_keeps_its_own_buurten(fake: FakeServer, online_config: FetchConfig) -> None:
    area = gemeente_area("Delft", client_for(online_config, "gebieden", None), online_config)
    got = cbs_wfs.fetch(area, online_config)
    frame = load_path(got.files[0])[0].frame
    inside = shapely.within(shapely.point_on_surface(frame.geometry.to_numpy()), area.geometry)
    assert inside.all()  # neighbours that only touch the border are left out
    whole = load_path(cbs_wfs.fetch(bbox_area(DELFT, online_config), online_config).files[0])[0].frame
    expected = shapely.within(shapely.point_on_surface(whole.geometry.to_numpy()), area.geometry).sum()
    assert len(frame) == expected
    assert 0 < len(frame) < REAL_COUNT


def test_exception_report_text_reaches_the_user(fake: FakeServer, online_config: FetchConfig) -> None:
    cfg = _cbs(online_config, type_name="wijkenbuurten:bestaatniet")
    with pytest.raises(ServiceError) as err:
        cbs_wfs.fetch(bbox_area(DELFT, cfg), cfg)
    assert "wijkenbuurten:bestaatniet' doesn't exist" in err.value.message
    assert err.value.status == 400


def test_exception_report_with_status_200(fake: FakeServer, online_config: FetchConfig) -> None:
    body = (
        b'<?xml version="1.0"?><ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1">'
        b"<ows:Exception><ows:ExceptionText>msWFSGetFeature(): bbox &apos;x&apos; ongeldig</ows:ExceptionText>"
        b"</ows:Exception></ows:ExceptionReport>"
    )
    fake.route("GET", r"/wfs200", lambda req: FakeResponse(body, 200, "text/xml"))
    cfg = online_config.with_overrides(urls={"cbs": f"{fake.url}/wfs200"})
    with pytest.raises(ServiceError) as err:
        cbs_wfs.fetch(bbox_area(DELFT, cfg), cfg)
    assert "bbox 'x' ongeldig" in err.value.message


def test_entities_are_refused_and_nothing_written(fake: FakeServer, online_config: FetchConfig) -> None:
    evil = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n'
        b'<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs/2.0" numberMatched="0" numberReturned="0">'
        b"&lol2;</wfs:FeatureCollection>\n"
    )

    def serve(req: FakeRequest) -> FakeResponse:
        return FakeResponse(evil, 200, "application/gml+xml; version=3.2")

    fake.route("GET", r"/evil", serve)
    cfg = online_config.with_overrides(urls={"cbs": f"{fake.url}/evil"})
    with pytest.raises(UnsafeInputError) as err:
        cbs_wfs.fetch(bbox_area(DELFT, cfg), cfg)
    assert "DOCTYPE" in err.value.message
    assert not list(cfg.cache_dir.rglob("*.gpkg"))
    assert not list((cfg.cache_dir / "fetch" / "cbs").rglob("page-*"))


def test_truncated_page(fake: FakeServer, online_config: FetchConfig) -> None:
    fake.fault("/cbs", malformed=True)
    with pytest.raises(ServiceError) as err:
        cbs_wfs.fetch(bbox_area(DELFT, online_config), online_config)
    assert "onvolledig" in err.value.message


def test_empty_area(fake: FakeServer, online_config: FetchConfig) -> None:
    with pytest.raises(ServiceError) as err:
        cbs_wfs.fetch(bbox_area((230000, 570000, 232000, 572000), online_config), online_config)
    assert err.value.message == "Geen CBS-buurten in dit gebied."


def test_offline_then_stale_cache(fake: FakeServer, online_config: FetchConfig) -> None:
    area = bbox_area(DELFT, online_config)
    closed = online_config.with_overrides(urls={"cbs": "http://127.0.0.1:9"})
    with pytest.raises(OfflineError):
        cbs_wfs.fetch(area, closed)
    fresh = cbs_wfs.fetch(area, online_config)
    fake.stop()
    got = cbs_wfs.fetch(area, online_config, refresh=True)
    assert got.from_cache
    assert got.counts == fresh.counts
    assert any(n.startswith("Geen netwerk: CBS-gegevens uit de cache") for n in got.notes)
