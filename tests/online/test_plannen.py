"""Ruimtelijke Plannen API fetcher against the fake API serving the real IMRO plans of Goes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from shapely.geometry import box

from layers.bestemmingsplan import load_imro_gml
from layers.canonical import LayerKind
from layers.online import plannen
from layers.online.area import Area
from layers.online.config import FetchConfig, load_config
from layers.online.errors import FetchError, ServiceError
from layers.registry import load_path
from tests.conftest import SHARED_DATA
from tests.online.fakeserver import FakeServer
from tests.online.services import plannen as fake_plannen

GOES = (49_700.0, 390_600.0, 52_600.0, 391_100.0)
DELFT = (84_000.0, 445_000.0, 86_000.0, 447_000.0)
VG99 = SHARED_DATA / fake_plannen.FOLDER / "NL.IMRO.0664.BPBS02-VG99_stationspleinzuidoost.gml"


@pytest.fixture
def server() -> Iterator[FakeServer]:
    if not VG99.exists():
        pytest.skip(f"shared data not found: {SHARED_DATA}")
    srv = FakeServer()
    srv.base_urls = fake_plannen.install(srv, SHARED_DATA)  # type: ignore[attr-defined]
    with srv:
        yield srv


def _config(
    server: FakeServer, tmp_path: Path, key: str | None = fake_plannen.API_KEY, page: int = 100
) -> FetchConfig:
    cfg = load_config(urls=server.base_urls, cache_dir=tmp_path / "cache")  # type: ignore[attr-defined]
    cfg = cfg.with_overrides(
        http={"backoff_start_s": 0.05, "max_backoff_s": 2.0, "read_timeout_s": 2.0, "connect_timeout_s": 2.0}
    )
    services = {k: dict(v) for k, v in cfg.services.items()}
    services["plannen"]["page_size"] = page
    keys = {"plannen": key} if key else {}
    return type(cfg)(cfg.http, cfg.limits, services, cfg.cache_dir, keys)


def _area(bounds: tuple[float, float, float, float]) -> Area:
    return Area("test", box(*bounds))


def test_goes_zoning_matches_the_imro_file(server: FakeServer, tmp_path: Path) -> None:
    fetched = plannen.fetch(_area(GOES), _config(server, tmp_path))
    assert fetched.kinds == (LayerKind.ZONING,)
    assert len(fetched.files) == 1
    assert "planType=bestemmingsplan" in fetched.source_url
    assert "test-key" not in fetched.source_url
    # both Goes plans are found; the ontwerp plan (BPBS03-ON99) has no rules in force
    assert any("1 plannen niet meegenomen" in n and "ontwerp" in n for n in fetched.notes)
    assert any("tijdelijk deel" in n and "omgevingsplan" in n for n in fetched.notes)
    (res,) = load_path(fetched.files[0], kind=LayerKind.ZONING)
    got = res.frame
    ref = load_imro_gml(VG99).frame
    ref = ref[ref.geometry.intersects(box(*GOES))]
    assert set(got["plan_id"]) == {"NL.IMRO.0664.BPBS02-VG99"}
    assert set(got["plan_status"]) == {"vastgesteld"}
    for ftype in ("enkelbestemming", "dubbelbestemming"):
        a = got[got["feature_type"] == ftype]["bestemmingshoofdgroep"].value_counts().to_dict()
        b = ref[ref["feature_type"] == ftype]["bestemmingshoofdgroep"].value_counts().to_dict()
        assert a == b
        assert a
    mg = got[got["feature_type"] == "maatvoering"]
    mr = ref[ref["feature_type"] == "maatvoering"]
    assert len(mg) == len(mr) > 0
    assert mg["max_bouwhoogte_m"].notna().sum() == mr["max_bouwhoogte_m"].notna().sum() > 0
    assert sorted(mg["max_bouwhoogte_m"].dropna()) == sorted(mr["max_bouwhoogte_m"].dropna())
    assert fetched.counts["plannen"] == 1
    # requests carried the key as a header only, and the RD CRS headers
    for r in server.log:
        assert r.header("x-api-key") == fake_plannen.API_KEY
        assert r.header("Accept-Crs") == "epsg:28992"
        assert fake_plannen.API_KEY not in r.path
        assert fake_plannen.API_KEY.encode() not in r.body
    cache = tmp_path / "cache"
    assert not any(fake_plannen.API_KEY.encode() in p.read_bytes() for p in cache.rglob("*") if p.is_file())


def test_paging_of_plans_and_objects(server: FakeServer, tmp_path: Path) -> None:
    big = plannen.fetch(_area(GOES), _config(server, tmp_path / "a"))
    n_big = len(server.log)
    paged = plannen.fetch(_area(GOES), _config(server, tmp_path / "b", page=1))
    zoek = [r for r in server.log[n_big:] if r.path.endswith("/_zoek")]
    vlak = [r for r in server.log[n_big:] if r.path.endswith("/bestemmingsvlakken")]
    assert len(zoek) == 2  # two plans, one per page
    assert len(vlak) == paged.counts["enkelbestemming"] + paged.counts["dubbelbestemming"] >= 2
    assert paged.counts == big.counts


def test_delft_has_no_plans(server: FakeServer, tmp_path: Path) -> None:
    fetched = plannen.fetch(_area(DELFT), _config(server, tmp_path))
    assert fetched.files == ()
    assert fetched.kinds == ()
    assert fetched.notes[0] == "Geen bestemmingsplannen gevonden in dit gebied."
    assert any("tijdelijk deel" in n for n in fetched.notes)


def test_missing_key_makes_no_request(server: FakeServer, tmp_path: Path) -> None:
    with pytest.raises(FetchError) as err:
        plannen.fetch(_area(GOES), _config(server, tmp_path, key=None))
    assert "API-sleutel" in err.value.message
    assert "BODNAARPLOT_RP_API_KEY" in err.value.hint
    assert "Instellingen" in err.value.hint
    assert server.log == []


def test_wrong_key_is_a_clear_error(server: FakeServer, tmp_path: Path) -> None:
    secret = "wrong-secret-987"
    with pytest.raises(ServiceError) as err:
        plannen.fetch(_area(GOES), _config(server, tmp_path, key=secret))
    assert err.value.status == 401
    text = f"{err.value.message} {err.value.hint} {err.value.url}"
    assert "API-sleutel" in text
    assert secret not in text


def test_server_error_and_malformed(server: FakeServer, tmp_path: Path) -> None:
    server.fault("/plannen", status=500, times=10)
    with pytest.raises(ServiceError) as err:
        plannen.fetch(_area(GOES), _config(server, tmp_path / "a"))
    assert err.value.status == 500
    assert "HTTP 500" in err.value.message
    server.faults.clear()
    server.fault("/plannen/plannen/_zoek", malformed=True)
    with pytest.raises(ServiceError) as err2:
        plannen.fetch(_area(GOES), _config(server, tmp_path / "b"))
    assert "onleesbaar" in err2.value.message


def test_429_then_success(server: FakeServer, tmp_path: Path) -> None:
    server.fault("/plannen/plannen/_zoek", status=429, retry_after="1")
    fetched = plannen.fetch(_area(GOES), _config(server, tmp_path))
    assert len(server.requests_to("/plannen/plannen/_zoek")) == 2
    assert fetched.counts["plannen"] == 1
