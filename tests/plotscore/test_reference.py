"""The engine's walking distances against an independent reference (tests/plotscore/walk_reference.py).

The reference reads the ways straight from the OSM file and shares no code with plotscore or
layers; both follow the same written rules. Every plot × category must agree within 1 m, on the
demo and on the whole Delft extract (its tram and bus corridors reach into Den Haag, Rijswijk
and Rotterdam: long linear streets instead of the campus grid).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from layers.canonical import LayerKind
from layers.osm import read_osm, read_osm_areas
from plotscore.criteria import load_profile, reach_m
from plotscore.distance import network_distances
from plotscore.network import build_walk_graph
from tests.plotscore import walk_reference as ref

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "delft_demo.gpkg"
PBF = "delft/osm/tudelft_2025.osm.pbf"
TOLERANCE_M = 1.0


def _reach() -> dict[str, float]:
    out: dict[str, float] = {}
    for name in ("geclusterd", "zorggeschikt", "nultreden"):
        for cat, r in reach_m(load_profile(name)).items():
            out[cat] = max(out.get(cat, 0.0), r)
    return out


def _facility_dicts(frame: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    def text(value: Any) -> str | None:
        return value if isinstance(value, str) and value else None

    rows = []
    for r in frame.itertuples():
        outline = text(getattr(r, "outline_wkt", None))
        doors = text(getattr(r, "entrances_wkt", None))
        rows.append(
            {
                "id": r.facility_id,
                "category": r.category,
                "name": text(r.name),
                "group": text(getattr(r, "group_id", None)),
                "point": r.geometry,
                "outline": shapely.from_wkt(outline) if outline else None,
                "entrances": shapely.from_wkt(doors) if doors else None,
            }
        )
    return rows


def _compare(
    net: ref.Network,
    plots: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    engine: pd.DataFrame,
    reach: dict[str, float],
) -> tuple[int, float]:
    """Check every plot × category; returns (pairs compared, worst difference in m)."""
    facs = _facility_dicts(facilities)
    geoms = list(plots.geometry)
    compared, worst = 0, 0.0
    for cat, limit in reach.items():
        expected = np.array(ref.walking_distances(net, geoms, facs, cat))
        got = engine[f"dist_{cat}_m"].to_numpy(dtype=float)
        clear = np.abs(expected - limit) > TOLERANCE_M  # not on the edge of the search limit
        found = np.isfinite(got)
        assert (found == (expected <= limit))[clear].all(), f"{cat}: found/not found differs"
        both = found & np.isfinite(expected)
        diff = np.abs(got[both] - expected[both])
        if len(diff):
            where = plots["plot_id"].to_numpy()[both][np.argmax(diff)]
            assert diff.max() <= TOLERANCE_M, f"{cat}: {where} differs by {diff.max():.2f} m"
            worst = max(worst, float(diff.max()))
        compared += int(both.sum())
    return compared, worst


def test_demo_plots_agree_with_the_reference(shared_data: Callable[[str], Path]) -> None:
    pbf = shared_data(PBF)
    plots = pyogrio.read_dataframe(DEMO, layer="plots")
    facilities = pyogrio.read_dataframe(DEMO, layer="facilities")
    ways = pyogrio.read_dataframe(DEMO, layer="network_source")
    reach = _reach()
    engine = network_distances(build_walk_graph(ways, profile="senior"), plots, facilities, reach)
    net = ref.read_network(pbf, way_ids=set(ways["way_id"].astype(int)))
    compared, worst = _compare(net, plots, facilities, engine, reach)
    assert compared >= 250  # 58 plots × the categories the demo has
    print(f"demo: {compared} plot × category distances, worst difference {worst:.4f} m")


def _corridor_plots(net: ref.Network, core: shapely.Polygon, n: int = 40) -> list[shapely.Polygon]:
    """30 m squares beside streets outside the extract's core, 12 m off the way (seeded)."""
    rng = np.random.default_rng(16)
    outside = [e for e in net.edges if not core.intersects(e.line) and e.length > 20]
    pick = rng.choice(len(outside), size=min(n, len(outside)), replace=False)
    out = []
    for k in pick.tolist():
        line = outside[k].line
        (x0, y0), (x1, y1) = line.coords
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        nx, ny = -(y1 - y0) / line.length, (x1 - x0) / line.length
        cx, cy = mx + nx * 27, my + ny * 27  # 12 m gap between the way and the square's side
        out.append(shapely.box(cx - 15, cy - 15, cx + 15, cy + 15))
    return out


def test_whole_extract_with_its_corridors_agrees_with_the_reference(
    shared_data: Callable[[str], Path],
) -> None:
    pbf = shared_data(PBF)
    results = {r.kind: r.frame for r in read_osm(pbf, kinds=[LayerKind.FACILITIES, LayerKind.NETWORK_SOURCE])}
    ways = results[LayerKind.NETWORK_SOURCE]
    facilities = results[LayerKind.FACILITIES]
    net = ref.read_network(pbf, way_ids=set(ways["way_id"].astype(int)))
    core = shapely.box(84110.0, 445653.0, 86255.0, 446795.0)
    parking = read_osm_areas(pbf, {"amenity": {"parking"}, "landuse": {"construction", "grass"}})
    areas = [g for g in parking.geometry if 300 < g.area < 50_000][:60]
    geoms = [*areas, *_corridor_plots(net, core)]
    plots = gpd.GeoDataFrame(
        {"plot_id": [f"P{i:03d}" for i in range(len(geoms))]}, geometry=geoms, crs="EPSG:28992"
    )
    reach = _reach()
    engine = network_distances(build_walk_graph(ways, profile="senior"), plots, facilities, reach)
    compared, worst = _compare(net, plots, facilities, engine, reach)
    assert compared >= 200
    assert math.isfinite(worst)
    print(f"whole extract: {compared} plot × category distances, worst difference {worst:.4f} m")
