"""Finding places (BAG addresses, plots, PDOK Locatieserver) and the measuring tool's distances."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely

from layers.online.config import load_config
from layers.online.errors import OfflineError
from layers.online.locatieserver import parse_free_response, search_locatieserver
from layers.registry import load_path
from projects.search import parse_address, search_online, search_project
from projects.views import walking_route
from tests.online.fakeserver import FakeRequest, FakeResponse, FakeServer

REAL_ADDRESSES = (
    Path(__file__).resolve().parents[1]
    / "fixtures"
    / "real"
    / "bag"
    / ("pdok_bag_adressen_amsterdam_houthavens.gpkg")
)


@pytest.fixture(scope="module")
def addresses() -> gpd.GeoDataFrame:
    frames = [r.frame for r in load_path(REAL_ADDRESSES)]
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)


def test_parse_address() -> None:
    assert parse_address("2628 bl 134") == ("2628BL", None, 134, None)
    assert parse_address("2628BL") == ("2628BL", None, None, None)
    assert parse_address("Julianalaan 134a, Delft") == (None, "Julianalaan", 134, "a")
    assert parse_address("Minervaplein") == (None, "Minervaplein", None, None)


def test_bag_address_by_postcode_and_number_in_a_real_pdok_package(addresses: gpd.GeoDataFrame) -> None:
    # reference: the rows of the real file itself, selected with plain Python
    rows = [
        (r.straatnaam, int(r.huisnummer), r.geometry)
        for r in addresses.itertuples()
        if str(r.postcode) == "1013KW" and str(r.huisnummer) == "9"
    ]
    assert rows, "the fixture has Realengracht 9"
    places = search_project({"addresses": addresses}, None, "1013 kw 9")
    assert places
    assert places[0].kind == "adres"
    assert places[0].source == "BAG (project)"
    assert places[0].label == "Realengracht 9, 1013 KW Amsterdam"
    assert (places[0].x, places[0].y) == pytest.approx((rows[0][2].x, rows[0][2].y))
    assert "nan" not in " ".join(p.label for p in places)


def test_bag_address_by_street_and_number_ignoring_case(addresses: gpd.GeoDataFrame) -> None:
    places = search_project({"addresses": addresses}, None, "realengracht 11")
    assert [p.label for p in places][:1] == ["Realengracht 11, 1013 KW Amsterdam"]
    expected = sum(1 for r in addresses.itertuples() if str(r.straatnaam) == "Realengracht")
    assert len(search_project({"addresses": addresses}, None, "Realengracht", limit=10_000)) == expected


def test_plots_by_name_without_accents_and_by_id() -> None:
    plots = gpd.GeoDataFrame(
        {"plot_id": ["DLF-037", "DLF-028"], "name": ["Parkeerterrein Röntgenweg", "Minervaplein"]},
        geometry=[shapely.box(0, 0, 10, 10), shapely.box(100, 100, 120, 140)],
        crs="EPSG:28992",
    )
    hit = search_project({}, plots, "rontgenweg")
    assert [(p.plot_id, p.kind) for p in hit] == [("DLF-037", "locatie")]
    assert shapely.box(0, 0, 10, 10).contains(shapely.Point(hit[0].x, hit[0].y))
    assert [p.plot_id for p in search_project({}, plots, "dlf-028")] == ["DLF-028"]
    assert search_project({}, plots, "   ") == []


LOCATIESERVER_ANSWER = {
    "response": {
        "numFound": 2,
        "start": 0,
        "maxScore": 17.2,
        "numFoundExact": True,
        "docs": [
            {
                "type": "adres",
                "weergavenaam": "Julianalaan 134, 2628BL Delft",
                "id": "adr-6b1bd0ba86e3bda2bf7e1bd0dd2db4e6",
                "centroide_rd": "POINT(85210.03 446300.11)",
            },
            {
                "type": "weg",
                "weergavenaam": "Julianalaan, Delft",
                "id": "wyk-x",
                "centroide_rd": "POINT(85100 446500)",
            },
            {"type": "adres", "weergavenaam": "zonder punt", "id": "x"},
        ],
    }
}


def test_locatieserver_answer_is_parsed_and_unusable_docs_skipped() -> None:
    hits = parse_free_response(LOCATIESERVER_ANSWER)
    assert [(h.label, h.type, h.x, h.y) for h in hits] == [
        ("Julianalaan 134, 2628BL Delft", "adres", 85210.03, 446300.11),
        ("Julianalaan, Delft", "weg", 85100.0, 446500.0),
    ]


def test_locatieserver_request_through_the_fetch_client(tmp_path: Path) -> None:
    seen: list[FakeRequest] = []

    def free(req: FakeRequest) -> FakeResponse:
        seen.append(req)
        return FakeResponse.of_json(LOCATIESERVER_ANSWER)

    with FakeServer() as server:
        server.route("GET", r"/ls/free", free)
        cfg = load_config(urls={"locatieserver": server.url + "/ls"}, cache_dir=tmp_path)
        places = search_online("julianalaan 134 delft", cfg)
    assert [p.source for p in places] == ["PDOK Locatieserver", "PDOK Locatieserver"]
    q = seen[0].query
    assert q["q"] == "julianalaan 134 delft"
    assert q["fl"] == "id,weergavenaam,type,centroide_rd"
    assert q["fq"].startswith("type:(adres OR ")
    assert set(q) == {"q", "rows", "fl", "fq"}  # v3.1 refuses parameters outside its spec


def test_locatieserver_offline_is_an_offline_error(tmp_path: Path) -> None:
    cfg = load_config(urls={"locatieserver": "http://127.0.0.1:9"}, cache_dir=tmp_path)
    cfg = cfg.with_overrides(http={"backoff_start_s": 0.01, "connect_timeout_s": 0.5})
    with pytest.raises(OfflineError):
        search_locatieserver("Delft", cfg)


def test_walking_route_against_networkx_on_the_demo_network(tmp_path: Path) -> None:
    from app.state import load_state
    from projects.demo import create_demo_project

    store = create_demo_project(tmp_path / "demo.gpkg")
    try:
        run = load_state(store, "geclusterd").run
    finally:
        store.close()
    assert run is not None
    assert run.graph is not None
    graph = run.graph
    # two points near opposite ends of the network
    xy = graph.node_xy
    a = (float(xy[:, 0].min() + 150), float(np.median(xy[:, 1])))
    b = (float(xy[:, 0].max() - 150), float(np.median(xy[:, 1]) + 40))
    route = walking_route(run, a, b)
    # reference: nearest nodes by brute force, shortest path with networkx
    na = int(np.argmin(np.hypot(xy[:, 0] - a[0], xy[:, 1] - a[1])))
    nb = int(np.argmin(np.hypot(xy[:, 0] - b[0], xy[:, 1] - b[1])))
    coo = graph.csr.tocoo()
    g = nx.Graph()
    g.add_weighted_edges_from(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True))
    network_m = nx.shortest_path_length(g, na, nb, weight="weight")
    snap_m = float(np.hypot(*(xy[na] - a)) + np.hypot(*(xy[nb] - b)))
    assert route.walking_m == pytest.approx(network_m + snap_m, rel=1e-6)
    assert route.straight_m == pytest.approx(float(np.hypot(a[0] - b[0], a[1] - b[1])))
    assert route.walking_m >= route.straight_m
    assert route.path is not None
    assert route.path.length == pytest.approx(route.walking_m, rel=1e-6)
    assert route.walking_min == pytest.approx(route.walking_m / (run.profile.pace_kmh * 1000 / 60))
    assert json.dumps(list(route.path.coords[0])) == json.dumps(list(a))
