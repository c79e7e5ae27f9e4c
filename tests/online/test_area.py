"""The area to fetch: gemeente lookup (PDOK Gebiedsindelingen stand-in) and bbox checks."""

from __future__ import annotations

import pyogrio
import pytest
import shapely

from layers.online.area import Area, bbox_area, gemeente_area, parse_bbox
from layers.online.base import client_for
from layers.online.config import FetchConfig
from layers.online.errors import AreaError, OfflineError
from tests.conftest import SHARED_DATA
from tests.online.fakeserver import FakeServer


def _delft_km2() -> float:
    frame = pyogrio.read_dataframe(SHARED_DATA / "delft" / "cbs" / "delft_buurten_2023.geojson")
    return float(shapely.union_all(frame.geometry.to_numpy()).area) / 1e6


@pytest.mark.parametrize("query", ["Delft", "delft", " DELFT ", "0503", "503", "GM0503", "gm0503"])
def test_find_delft(fake: FakeServer, online_config: FetchConfig, query: str) -> None:
    client = client_for(online_config, "gebieden", None)
    area = gemeente_area(query, client, online_config)
    assert area.gemeente_code == "0503"
    assert area.gemeente_name == "Delft"
    assert area.label == "Delft (GM0503)"
    assert area.slug() == "GM0503"
    assert area.area_km2 == pytest.approx(_delft_km2(), rel=1e-6)
    (req,) = fake.requests_to("/gebieden")
    assert req.query["outputFormat"] == "application/json"
    assert req.query["srsName"] == "EPSG:28992"


def test_near_miss_gets_a_suggestion(fake: FakeServer, online_config: FetchConfig) -> None:
    client = client_for(online_config, "gebieden", None)
    with pytest.raises(AreaError) as err:
        gemeente_area("Delf", client, online_config)
    assert err.value.message == "Gemeente 'Delf' niet gevonden."
    assert err.value.hint == "Bedoelt u: Delft?"


def test_unknown_name_and_code(fake: FakeServer, online_config: FetchConfig) -> None:
    client = client_for(online_config, "gebieden", None)
    with pytest.raises(AreaError) as err:
        gemeente_area("Zzyzx", client, online_config)
    assert "Controleer de spelling" in err.value.hint
    with pytest.raises(AreaError) as err:
        gemeente_area("GM9999", client, online_config)
    assert "CBS-code 9999" in err.value.message


def test_second_lookup_works_offline_from_the_cache(fake: FakeServer, online_config: FetchConfig) -> None:
    client = client_for(online_config, "gebieden", None)
    first = gemeente_area("Delft", client, online_config)
    fake.stop()  # no network from here on
    again = gemeente_area("0503", client_for(online_config, "gebieden", None), online_config)
    assert again.geometry.equals(first.geometry)
    assert len(fake.requests_to("/gebieden")) == 1


def test_first_lookup_offline_is_an_offline_error(fake: FakeServer, online_config: FetchConfig) -> None:
    cfg = online_config.with_overrides(urls={"gebieden": "http://127.0.0.1:9"})
    with pytest.raises(OfflineError):
        gemeente_area("Delft", client_for(cfg, "gebieden", None), cfg)


def test_gebieden_paging(fake: FakeServer, online_config: FetchConfig) -> None:
    import dataclasses

    cfg = dataclasses.replace(
        online_config,
        services={
            **online_config.services,
            "gebieden": {**online_config.services["gebieden"], "page_size": 1},
        },
    )
    area = gemeente_area("Delft", client_for(cfg, "gebieden", None), cfg)
    assert area.gemeente_code == "0503"
    assert [r.query["startIndex"] for r in fake.requests_to("/gebieden")] == ["0", "1"]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("4.3,52.0,4.4,52.1", "in graden"),
        ("87000,448000,83000,444000", "leeg of omgedraaid"),
        ("83000,444000,83000,448000", "leeg of omgedraaid"),
        ("83000 444000 87000", "geen geldig kader"),
        ("", "geen geldig kader"),
    ],
)
def test_bbox_parse_errors(text: str, fragment: str) -> None:
    with pytest.raises(AreaError) as err:
        parse_bbox(text)
    assert fragment in err.value.message


def test_bbox_parse_separators() -> None:
    assert parse_bbox("83000,444000,87000,448000") == (83000.0, 444000.0, 87000.0, 448000.0)
    assert parse_bbox(" 83000; 444000 ;87000 448000.5 ") == (83000.0, 444000.0, 87000.0, 448000.5)


def test_bbox_outside_nl_and_too_large(online_config: FetchConfig) -> None:
    with pytest.raises(AreaError) as err:
        bbox_area((-50000.0, 300000.0, 0.0, 350000.0), online_config)
    assert "buiten Nederland" in err.value.message
    with pytest.raises(AreaError) as err:
        bbox_area("0,300000,100000,400000", online_config)
    assert "10000 km²" in err.value.message
    assert "maximaal 1000 km²" in err.value.message


def test_area_helpers(online_config: FetchConfig) -> None:
    area = bbox_area("83000,444000,87000,448000", online_config)
    assert area.area_km2 == pytest.approx(16.0)
    tiles = area.tiles(1500.0)
    assert len(tiles) == 9
    assert shapely.union_all([shapely.box(*t) for t in tiles]).equals(area.geometry)
    south, west, north, east = area.bbox_wgs84()
    assert 51.9 < south < north < 52.1
    assert 4.3 < west < east < 4.4
    assert area.slug() == "bbox_83000_444000_87000_448000"
    assert area.buffered(100).area_km2 > area.area_km2
    triangle = Area("t", shapely.Polygon([(0, 0), (3000, 0), (0, 3000)]))
    assert len(triangle.tiles(1000.0)) == 6  # tiles beyond the hypotenuse are left out
