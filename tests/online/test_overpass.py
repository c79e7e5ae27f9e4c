"""Overpass fetcher against the fake interpreter serving the real Delft OSM extract."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from shapely.geometry import box

from layers import osm
from layers.canonical import LayerKind
from layers.categories import load_osm_rules
from layers.online import overpass
from layers.online.area import Area
from layers.online.config import FetchConfig, load_config
from layers.online.errors import OfflineError, ServiceError
from layers.registry import load_path
from tests.conftest import SHARED_DATA
from tests.online.fakeserver import FakeServer
from tests.online.services import overpass as fake_overpass

# TU Delft campus (RD New); with a 300 m buffer still well inside the bundled extract.
CAMPUS = (84_800.0, 445_000.0, 86_000.0, 446_200.0)
BUFFER_M = 300.0
GRONINGEN = (233_000.0, 581_000.0, 234_000.0, 582_000.0)


@pytest.fixture
def server() -> Iterator[FakeServer]:
    if not (SHARED_DATA / fake_overpass.PBF).exists():
        pytest.skip(f"shared data not found: {SHARED_DATA}")
    srv = FakeServer()
    srv.base_urls = fake_overpass.install(srv, SHARED_DATA)  # type: ignore[attr-defined]
    with srv:
        yield srv


def _config(server: FakeServer, tmp_path: Path, **service: object) -> FetchConfig:
    cfg = load_config(urls=server.base_urls, cache_dir=tmp_path / "cache")  # type: ignore[attr-defined]
    cfg = cfg.with_overrides(
        http={"backoff_start_s": 0.05, "max_backoff_s": 2.0, "read_timeout_s": 2.0, "connect_timeout_s": 2.0}
    )
    services = {k: dict(v) for k, v in cfg.services.items()}
    services["overpass"].update(service)
    limits = type(cfg.limits)(cfg.limits.max_area_km2, BUFFER_M, cfg.limits.max_features)
    return type(cfg)(cfg.http, limits, services, cfg.cache_dir, cfg.api_keys)


def _area(bounds: tuple[float, float, float, float]) -> Area:
    return Area("test", box(*bounds))


def _by_kind(path: Path, bbox: tuple[float, float, float, float]) -> dict[LayerKind, object]:
    return {r.kind: r.frame for r in load_path(path, bbox=bbox)}


def test_query_built_from_the_tag_tables() -> None:
    rules = load_osm_rules()
    q = overpass.build_query((52.0, 4.36, 52.01, 4.38), timeout_s=90, maxsize_bytes=1000)
    assert q.startswith(
        "[out:xml][timeout:90][maxsize:1000][bbox:52.0000000,4.3600000,52.0100000,4.3800000];"
    )
    assert "(._;>;);" in q
    assert q.rstrip().endswith("out body;")
    # every facility rule's match keys and values appear as filters
    for rule in rules.rules:
        for key, values in rule.match:
            assert f'"{key}"' in q
            for v in values or ():
                assert v in q
    # node-only rules stay node-only (tram_stop, stop_position)
    assert 'node["railway"~"(^|;) *tram_stop *(;|$)"];' in q
    # the network: highway ways except the excluded ones, those only with an explicit foot tag
    assert 'way["highway"]["highway"!~"^(' in q
    assert "motorway" in q
    assert '["foot"~"^(designated|permissive|yes)$"]' in q
    # land use from the [land_use] table
    for key in osm.load_land_use_tags().keys:
        assert f'way["{key}"' in q


def test_campus_matches_the_local_extract(server: FakeServer, tmp_path: Path) -> None:
    cfg = _config(server, tmp_path)
    fetched = overpass.fetch(_area(CAMPUS), cfg)
    assert fetched.kinds == (None,)
    assert len(fetched.files) == 1
    assert fetched.source_url.startswith(server.base_urls["overpass"] + "?bbox=")  # type: ignore[attr-defined]
    assert fetched.counts["ways"] > 0
    assert fetched.counts["nodes"] > 0
    post = server.requests_to("/overpass")
    assert len(post) == 1
    assert post[0].method == "POST"
    bounds = _area(CAMPUS).buffered(BUFFER_M).bounds
    got = _by_kind(fetched.files[0], bounds)
    assert set(got) == {LayerKind.FACILITIES, LayerKind.NETWORK_SOURCE, LayerKind.LAND_USE}
    ref = {r.kind: r.frame for r in osm.read_osm(SHARED_DATA / fake_overpass.PBF, bbox=bounds)}
    fac, ref_fac = got[LayerKind.FACILITIES], ref[LayerKind.FACILITIES]
    assert len(fac) > 0  # type: ignore[arg-type]
    assert sorted(fac["facility_id"]) == sorted(ref_fac["facility_id"])  # type: ignore[index]
    assert fac["category"].value_counts().to_dict() == ref_fac["category"].value_counts().to_dict()  # type: ignore[index]
    net, ref_net = got[LayerKind.NETWORK_SOURCE], ref[LayerKind.NETWORK_SOURCE]
    assert len(net) > 0  # type: ignore[arg-type]
    assert sorted(net["way_id"]) == sorted(ref_net["way_id"])  # type: ignore[index]
    assert len(got[LayerKind.LAND_USE]) > 0  # type: ignore[arg-type]
    # a second fetch is served from the cache
    again = overpass.fetch(_area(CAMPUS), cfg)
    assert again.from_cache
    assert len(server.requests_to("/overpass")) == 1


def test_tiles_are_merged_without_duplicates(server: FakeServer, tmp_path: Path) -> None:
    whole = overpass.fetch(_area(CAMPUS), _config(server, tmp_path / "a"))
    tiled = overpass.fetch(_area(CAMPUS), _config(server, tmp_path / "b", tile_size_m=700.0))
    n_tiles = len(server.requests_to("/overpass")) - 1
    assert n_tiles >= 4
    assert any("tegels" in note for note in tiled.notes)
    bounds = _area(CAMPUS).buffered(BUFFER_M).bounds
    a = _by_kind(whole.files[0], bounds)
    b = _by_kind(tiled.files[0], bounds)
    fa, fb = a[LayerKind.FACILITIES], b[LayerKind.FACILITIES]
    assert fb["facility_id"].is_unique  # type: ignore[index]
    assert sorted(fa["facility_id"]) == sorted(fb["facility_id"])  # type: ignore[index]
    na, nb = a[LayerKind.NETWORK_SOURCE], b[LayerKind.NETWORK_SOURCE]
    assert nb["way_id"].is_unique  # type: ignore[index]
    assert sorted(na["way_id"]) == sorted(nb["way_id"])  # type: ignore[index]
    # tiles overlap on their edges: the merged file holds each object once
    pages = sorted((tmp_path / "b" / "cache" / "fetch" / "overpass").glob("*/page-*"))
    assert len(pages) == n_tiles
    in_tiles = sum(p.read_bytes().count(b"<node id=") for p in pages)
    assert tiled.counts["nodes"] < in_tiles
    assert tiled.counts["nodes"] == len(
        {
            line
            for p in pages
            for line in p.read_bytes().splitlines()
            if line.lstrip().startswith(b"<node id=")
        }
    )


def test_runtime_error_remark(server: FakeServer, tmp_path: Path) -> None:
    fake_overpass.state(
        server
    ).remark_next = 'runtime error: Query timed out in "query" at line 3 after 181 seconds.'
    with pytest.raises(ServiceError) as err:
        overpass.fetch(_area(CAMPUS), _config(server, tmp_path))
    assert "Overpass brak de zoekopdracht af" in err.value.message
    assert "timed out" in err.value.message
    assert "kleiner" in err.value.hint
    # the aborted answer was not checkpointed: the next run asks again and succeeds
    fetched = overpass.fetch(_area(CAMPUS), _config(server, tmp_path))
    assert not fetched.from_cache
    assert fetched.counts["ways"] > 0


def test_429_then_success(server: FakeServer, tmp_path: Path) -> None:
    server.fault("/overpass", status=429, retry_after="1")
    fetched = overpass.fetch(_area(CAMPUS), _config(server, tmp_path))
    log = server.requests_to("/overpass")
    assert len(log) == 2
    assert fetched.counts["nodes"] > 0


def test_slow_answer_times_out(server: FakeServer, tmp_path: Path) -> None:
    server.fault("/overpass", slow_s=3.0, times=10)
    cfg = _config(server, tmp_path).with_overrides(http={"max_attempts": 1})
    with pytest.raises(ServiceError) as err:
        overpass.fetch(_area(CAMPUS), cfg)
    assert "time-out" in err.value.message


def test_empty_area(server: FakeServer, tmp_path: Path) -> None:
    with pytest.raises(ServiceError) as err:
        overpass.fetch(_area(GRONINGEN), _config(server, tmp_path))
    assert "Geen OpenStreetMap-gegevens in dit gebied" in err.value.message
    assert len(server.requests_to("/overpass")) == 1


def test_malformed_xml(server: FakeServer, tmp_path: Path) -> None:
    server.fault("/overpass", malformed=True)
    with pytest.raises(ServiceError) as err:
        overpass.fetch(_area(CAMPUS), _config(server, tmp_path))
    assert "onleesbaar" in err.value.message


def test_unparseable_query_is_a_400(server: FakeServer) -> None:
    import requests

    resp = requests.post(server.base_urls["overpass"], data={"data": "node(1);out;"}, timeout=5)  # type: ignore[attr-defined]
    assert resp.status_code == 400
    assert "parse error" in resp.text


def test_offline_and_stale_cache(server: FakeServer, tmp_path: Path) -> None:
    cfg = _config(server, tmp_path)
    closed = cfg.with_overrides(
        urls={"overpass": "http://127.0.0.1:9/api/interpreter"}, http={"max_attempts": 1}
    )
    with pytest.raises(OfflineError):
        overpass.fetch(_area(CAMPUS), closed)
    fetched = overpass.fetch(_area(CAMPUS), cfg)
    server.stop()  # the service goes away: a refresh falls back to the cached tiles
    stale = overpass.fetch(_area(CAMPUS), cfg.with_overrides(http={"max_attempts": 1}), refresh=True)
    assert stale.from_cache
    assert stale.counts == fetched.counts
    assert any("Geen netwerk" in note for note in stale.notes)
