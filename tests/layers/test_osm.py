"""OSM loader: a hand-written fixture with known objects, and the real Delft extracts."""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import shapely

from layers.canonical import CANONICAL, LayerKind
from layers.categories import load_osm_rules, load_vocabulary
from layers.errors import LayerFormatError, UnsafeInputError
from layers.osm import read_osm, read_osm_areas
from layers.registry import detect, load_path, probe
from layers.result import LoadResult, Warnings

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "osm" / "mini.osm"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _by_kind(results: list[LoadResult]) -> dict[LayerKind, LoadResult]:
    return {r.kind: r for r in results}


def _codes(result: LoadResult) -> dict[str, int]:
    return {w.code: w.count for w in result.warnings}


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    dst = tmp_path / "mini.osm"
    shutil.copy2(MINI, dst)
    return dst


# --- tables ---------------------------------------------------------------------------------


def test_rule_table_loads_and_uses_only_vocabulary_categories() -> None:
    vocab = load_vocabulary()
    rules = load_osm_rules()
    # every category OpenStreetMap can supply has at least one rule (existing senior housing with a
    # homes count comes only from own lists)
    assert {r.category for r in rules.rules} == {c for c, v in vocab.items() if v.from_osm}
    assert "motorway" in rules.network.exclude_highway
    assert "steps" not in rules.network.exclude_highway  # seniors' filtering is the engine's job


def test_first_match_wins_and_conditions() -> None:
    rules = load_osm_rules()
    stop = {"highway": "bus_stop", "public_transport": "platform", "bus": "yes"}
    rule = rules.classify(stop, "node")
    assert rule is not None
    assert rule.category == "ov_halte"
    assert rules.classify({"amenity": "doctors", "healthcare:speciality": "dermatology"}, "node") is None
    gp = rules.classify({"amenity": "doctors", "healthcare:speciality": "general;paediatrics"}, "node")
    assert gp is not None
    assert gp.category == "huisarts"
    care = rules.classify({"amenity": "social_facility", "social_facility": "assisted_living"}, "way")
    assert care is not None
    assert care.category == "zorglocatie"
    assert rules.classify({"amenity": "community_centre", "community_centre:for": "student"}, "node") is None
    assert (
        rules.classify({"public_transport": "platform", "railway": "platform", "train": "yes"}, "way") is None
    )


# --- the hand-written fixture ---------------------------------------------------------------


def test_mini_fixture_facilities_exact(mini: Path) -> None:
    res = _by_kind(read_osm(mini))
    fac = res[LayerKind.FACILITIES]
    frame = fac.frame
    assert list(frame.columns[:5]) == CANONICAL[LayerKind.FACILITIES].column_names
    assert frame.crs == "EPSG:28992"
    got = dict(zip(frame["facility_id"], frame["category"], strict=True))
    assert got == {
        "osm:n10": "apotheek",
        "osm:n11": "ov_halte",  # bus_stop + platform on one node: one facility
        "osm:n12": "supermarkt",
        "osm:n16": "treinstation",  # stop_position stands in for a missing station node
        "osm:w100": "park",  # closed way → point inside
        "osm:r500": "zorglocatie",  # multipolygon relation → point inside
    }
    # n13 bench, n14 dermatologist: no rule; n15 tram_stop: fallback dropped (same-name platform near)
    assert fac.meta["fallback_dropped"] == 1
    assert fac.meta["counts_by_category"]["ov_halte"] == 1
    assert frame["source"].eq("osm").all()
    assert frame["departures_per_hour"].isna().all()
    park = frame.set_index("facility_id").geometry["osm:w100"]
    park_poly = read_osm_areas(mini, {"leisure": {"park"}}).geometry.iloc[0]
    assert park_poly.contains(park)
    codes = _codes(fac)
    assert codes["osm_broken_area"] == 2  # w300 degenerate ring + r600 with a missing member
    assert codes["osm_facility_geometry"] == 1  # r600 is a community centre without geometry
    assert "reprojected_lonlat" in codes


def test_mini_fixture_network_exact(mini: Path) -> None:
    net = _by_kind(read_osm(mini))[LayerKind.NETWORK_SOURCE]
    frame = net.frame
    assert list(frame.columns[:8]) == CANONICAL[LayerKind.NETWORK_SOURCE].column_names
    rows = {
        int(w): (h, n) for w, h, n in zip(frame["way_id"], frame["highway"], frame["node_ids"], strict=True)
    }
    assert rows == {
        1: ("residential", "1 2 3"),
        2: ("footway", "3 4"),
        3: ("steps", "4 5"),  # kept: steps are filtered by the engine, not here
        5: ("footway", "2 6"),  # node 999 missing: truncated to the present stretch
        6: ("service", "2 5"),  # access=private kept with its tag
        7: ("trunk", "5 1"),  # trunk with foot=yes kept
    }
    assert net.meta["excluded_by_highway"] == {"motorway": 1}
    assert _codes(net)["osm_partial_way"] == 1
    # ways meet in shared node ids, and the shared vertex has the same coordinates
    g = frame.set_index("way_id").geometry
    assert shapely.get_coordinates(g[1])[-1] == pytest.approx(shapely.get_coordinates(g[2])[0])
    assert frame.set_index("way_id").loc[6, "access"] == "private"
    assert frame.set_index("way_id").loc[3, "step_count"] == "12"


def test_node_ids_match_vertices(mini: Path) -> None:
    frame = _by_kind(read_osm(mini))[LayerKind.NETWORK_SOURCE].frame
    for ids, geom in zip(frame["node_ids"], frame.geometry, strict=True):
        assert len(ids.split()) == shapely.get_num_coordinates(geom)


def test_kinds_and_bbox(mini: Path) -> None:
    only_net = read_osm(mini, kinds=[LayerKind.NETWORK_SOURCE])
    assert [r.kind for r in only_net] == [LayerKind.NETWORK_SOURCE]
    full = _by_kind(read_osm(mini))[LayerKind.FACILITIES].frame
    pharmacy = full.set_index("facility_id").geometry["osm:n10"]
    box = pharmacy.buffer(30).bounds
    clipped = _by_kind(read_osm(mini, bbox=box))
    assert list(clipped[LayerKind.FACILITIES].frame["facility_id"]) == ["osm:n10"]
    assert clipped[LayerKind.FACILITIES].meta["outside_bbox"] == 5
    assert 0 < len(clipped[LayerKind.NETWORK_SOURCE].frame) < 6


def test_read_osm_areas_counts_broken(mini: Path) -> None:
    w = Warnings()
    areas = read_osm_areas(mini, {"landuse": None, "amenity": None, "leisure": {"park"}}, warnings=w)
    assert set(areas["osm_id"]) == {"osm:w100", "osm:r500"}
    assert areas.crs == "EPSG:28992"
    assert set(areas.geom_type) == {"Polygon"}
    assert {x.code: x.count for x in w}["osm_broken_area"] == 2  # w300 landuse + r600


def test_land_use_kind(mini: Path) -> None:
    results = read_osm(mini)
    assert [r.kind for r in results] == [LayerKind.FACILITIES, LayerKind.NETWORK_SOURCE, LayerKind.LAND_USE]
    land = _by_kind(results)[LayerKind.LAND_USE]
    assert list(land.frame.columns[:4]) == CANONICAL[LayerKind.LAND_USE].column_names
    rows = land.frame.set_index("osm_id")
    assert rows.loc["osm:w100", ["key", "value", "name"]].tolist() == ["leisure", "park", "Testpark"]
    # amenity comes before landuse in [land_use] keys: a care area is a care site
    assert rows.loc["osm:r500", ["key", "value"]].tolist() == ["amenity", "social_facility"]
    assert rows.loc["osm:r500", "social_facility"] == "nursing_home"
    assert land.meta["counts_by_tag"] == {"amenity=social_facility": 1, "leisure=park": 1}


def test_registry_detects_osm(mini: Path) -> None:
    assert detect(probe(mini)).id == "osm"
    results = load_path(mini, kind=LayerKind.FACILITIES)
    assert [r.kind for r in results] == [LayerKind.FACILITIES]


def test_damaged_and_hostile_files(tmp_path: Path) -> None:
    rnd = tmp_path / "rnd.osm.pbf"
    rnd.write_bytes(b"\x00\x01garbage" * 100)
    with pytest.raises(LayerFormatError, match="beschadigd"):
        read_osm(rnd)
    trunc = tmp_path / "trunc.osm"
    trunc.write_text(
        '<?xml version="1.0"?>\n<osm version="0.6"><node id="1" lat="52" lon="4"><tag k=', encoding="utf-8"
    )
    with pytest.raises(LayerFormatError):
        read_osm(trunc)
    evil = tmp_path / "evil.osm"
    evil.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE osm [<!ENTITY x "y">]>\n<osm version="0.6"/>', encoding="utf-8"
    )
    with pytest.raises(UnsafeInputError):
        read_osm(evil)


# --- the real Delft extracts ----------------------------------------------------------------


def test_tudelft_2025(shared_data: Callable[[str], Path]) -> None:
    path = shared_data("delft/osm/tudelft_2025.osm.pbf")
    before = _sha(path)
    t0 = time.perf_counter()
    res = _by_kind(read_osm(path))
    elapsed = time.perf_counter() - t0
    fac = res[LayerKind.FACILITIES]
    counts = fac.meta["counts_by_category"]
    print(f"tudelft_2025 facilities {counts} in {elapsed:.2f} s")
    assert counts["supermarkt"] >= 3
    assert counts["huisarts"] >= 1
    assert counts["ov_halte"] >= 1
    assert counts["treinstation"] >= 1
    assert fac.frame["facility_id"].is_unique
    assert set(fac.frame["category"].dropna()) <= set(load_vocabulary())
    net = res[LayerKind.NETWORK_SOURCE].frame
    print(f"tudelft_2025 network {len(net)} ways; {res[LayerKind.NETWORK_SOURCE].meta['counts_by_highway']}")
    assert len(net) > 2000
    assert net["way_id"].is_unique
    assert (net["highway"] == "footway").sum() > 100
    assert not net["highway"].isin(["motorway", "motorway_link", "proposed"]).any()
    n_ids = net["node_ids"].str.split().map(len).to_numpy()
    assert (n_ids == shapely.get_num_coordinates(net.geometry.array)).all()
    assert set(net.geom_type) == {"LineString"}
    # the core bbox is in Delft (RD ≈ 84110–86255 × 445653–446795)
    assert net.total_bounds[0] < 85000 < net.total_bounds[2]
    assert elapsed < 10.0
    assert _sha(path) == before


def test_tudelft_clip_survives_broken_multipolygons(shared_data: Callable[[str], Path]) -> None:
    path = shared_data("delft/osm/tudelft_clip.osm.pbf")
    before = _sha(path)
    res = _by_kind(read_osm(path))
    fac = res[LayerKind.FACILITIES]
    assert _codes(fac)["osm_broken_area"] >= 1
    assert fac.meta["counts_by_category"]["supermarkt"] >= 1
    assert len(res[LayerKind.NETWORK_SOURCE].frame) > 1000
    w = Warnings()
    areas = read_osm_areas(path, {"landuse": None}, warnings=w)
    assert len(areas) > 10
    assert {x.code: x.count for x in w}["osm_broken_area"] >= 1  # e.g. w137589005 landuse=grass
    assert _sha(path) == before


def test_area_facilities_keep_outline_and_entrances_and_stop_areas_group(tmp_path: Path) -> None:
    src = tmp_path / "areas.osm"
    shutil.copy2(MINI.parent / "areas.osm", src)
    frame = read_osm(src, kinds=[LayerKind.FACILITIES])[0].frame.set_index("facility_id")
    # The supermarket building: a point inside it, its outline, and its one real entrance
    # (entrance=no on node 6 is not an entrance).
    shop = frame.loc["osm:w100"]
    outline = shapely.from_wkt(shop["outline_wkt"])
    assert outline.geom_type == "Polygon"
    assert outline.contains(shop.geometry)
    assert outline.area == pytest.approx(137.0 * 55.6, rel=0.02)  # 0.002° × 0.0005° at 52° N
    doors = shapely.from_wkt(shop["entrances_wkt"])
    assert doors.geom_type == "MultiPoint"
    assert len(doors.geoms) == 1
    assert shapely.distance(doors.geoms[0], outline.boundary) < 0.01  # on the outline
    # The park: an outline, no entrances.
    assert shapely.from_wkt(frame.loc["osm:w101", "outline_wkt"]).geom_type == "Polygon"
    assert pd.isna(frame.loc["osm:w101", "entrances_wkt"])
    # Two platforms of one stop area are one group; a stop elsewhere is not in it.
    assert frame.loc["osm:n20", "group_id"] == frame.loc["osm:n21", "group_id"] == "osm:r700"
    assert pd.isna(frame.loc["osm:n22", "group_id"])
    assert pd.isna(frame.loc["osm:n20", "outline_wkt"])
