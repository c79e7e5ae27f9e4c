"""An independent reference for the engine's walking distances (shares no code with plotscore/layers).

Plain Python, networkx and shapely over the OSM ways read straight from the ``.osm.pbf`` with
pyosmium, coordinates projected with pyproj. It follows the same written rules as the engine
(README "Scoring plots", issue 16), but implements each of them its own way:

* walkable ways: the decision order of ``resources/network/walking.toml``, read here with tomllib;
  ways share nodes by OSM id; the largest connected part is kept (networkx);
* a plot is entered wherever a walkable edge has a point in the (closed) plot: every edge is
  intersected with the plot by GEOS and split at the first and last such point; a plot that no
  edge reaches is joined along its shortest connector(s) to the nearest edge(s), to the stretch of
  that edge within the connector length (found with a buffer of the plot; its flat sides are
  exact, a corner falls back to the single nearest point);
* a plot or point facility off the network also joins every edge at most join_tolerance_m
  farther than the nearest, each at its own nearest point(s) with its own connector;
* a point facility joins the nearest edge(s) at the nearest point, its connector counts; an area
  facility joins at its entrances, else where edges enter its outline, else like a point;
  connectors beyond the snap limit are dropped;
* stops of one stop area and same-named facilities of one category within 100 m are one;
* every access point and entry point splits its edge (a directed graph: facility → network only),
  and one multi-source Dijkstra per category gives every plot's distance.
"""

from __future__ import annotations

import itertools
import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import osmium
import pyproj
import shapely
from shapely.geometry import LineString

REPO = Path(__file__).resolve().parents[2]
_TO_RD = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)


def _first(tags: Mapping[str, str], key: str) -> str:
    return tags.get(key, "").split(";")[0].strip().lower()


def walking_rules(profile: str = "senior") -> dict[str, Any]:
    data = tomllib.loads((REPO / "resources" / "network" / "walking.toml").read_text(encoding="utf-8"))
    rules: dict[str, Any] = {"exclude_highway": [], **data["defaults"], **data["profiles"][profile]}
    return rules


def walkable(tags: Mapping[str, str], rules: Mapping[str, Any]) -> bool:
    """The decision order written at the top of walking.toml."""
    highway, foot, access = _first(tags, "highway"), _first(tags, "foot"), _first(tags, "access")
    if highway in rules["never_highway"] or foot in rules["foot_forbidden"]:
        return False
    if highway in rules["exclude_highway"]:
        return False
    foot_ok = foot in rules["foot_allowed"]
    if not (highway in rules["walkable_highway"] or (highway in rules["foot_only_highway"] and foot_ok)):
        return False
    return not (access in rules["access_forbidden"] and not foot_ok)


@dataclass
class Edge:
    a: int
    b: int
    line: LineString

    @property
    def length(self) -> float:
        return float(self.line.length)


@dataclass
class Network:
    """The walking graph of an OSM file: nodes (OSM id → RD xy) and straight edges."""

    xy: dict[int, tuple[float, float]] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)


def read_network(pbf: Path, *, way_ids: Iterable[int] | None = None, profile: str = "senior") -> Network:
    """Walkable ways of ``pbf`` (only ``way_ids`` if given), largest connected part."""
    wanted = set(way_ids) if way_ids is not None else None
    rules = walking_rules(profile)
    ways: list[list[tuple[int, float, float]]] = []
    for obj in osmium.FileProcessor(str(pbf)).with_locations():
        if not obj.is_way() or "highway" not in obj.tags:
            continue
        if wanted is not None and obj.id not in wanted:
            continue
        tags = {t.k: t.v for t in obj.tags}
        if not walkable(tags, rules):
            continue
        run: list[tuple[int, float, float]] = []
        best: list[tuple[int, float, float]] = []
        for nr in obj.nodes:  # the longest stretch of nodes present in the extract
            if nr.location.valid():
                run.append((nr.ref, nr.location.lon, nr.location.lat))
            else:
                best, run = max(best, run, key=len), []
        best = max(best, run, key=len)
        if len(best) >= 2:
            ways.append(best)
    graph = nx.Graph()
    xy: dict[int, tuple[float, float]] = {}
    for way in ways:
        for ref, lon, lat in way:
            xy[ref] = _TO_RD.transform(lon, lat)
        for (r0, _, _), (r1, _, _) in itertools.pairwise(way):
            if r0 == r1:
                continue
            length = math.dist(xy[r0], xy[r1])
            if not graph.has_edge(r0, r1) or graph.edges[r0, r1]["length"] > length:
                graph.add_edge(r0, r1, length=length)
    biggest = max(
        nx.connected_components(graph),
        key=lambda c: sum(graph.edges[e]["length"] for e in graph.subgraph(c).edges),
    )
    net = Network()
    for a, b in graph.subgraph(biggest).edges:
        net.xy[a], net.xy[b] = xy[a], xy[b]
        net.edges.append(Edge(a, b, LineString([xy[a], xy[b]])))
    return net


# ---------------------------------------------------------------------------------------------
# Where things meet the network: (edge index, t, connector)


def _t(edge: Edge, pt: tuple[float, float]) -> float:
    (x0, y0), (x1, y1) = edge.line.coords
    dx, dy = x1 - x0, y1 - y0
    n2 = dx * dx + dy * dy
    return 0.0 if n2 == 0 else min(1.0, max(0.0, ((pt[0] - x0) * dx + (pt[1] - y0) * dy) / n2))


def _ts(edge: Edge, piece: Any) -> list[float]:
    return [_t(edge, c) for c in shapely.get_coordinates(piece).tolist()]


class Locator:
    """Brute force over all edges (a few thousand): no index, no shortcuts."""

    def __init__(self, net: Network, profile: str = "senior") -> None:
        self.net = net
        self.join_m = float(walking_rules(profile)["join_tolerance_m"])
        self.lines = np.array([e.line for e in net.edges], dtype=object)

    def inside(self, geom: Any) -> list[tuple[int, float, float, float]]:
        """(edge, t_first, t_last, 0) for every edge with a point in the closed polygon."""
        out = []
        hits = np.flatnonzero(shapely.intersects(self.lines, geom))
        for i in hits.tolist():
            edge = self.net.edges[i]
            piece = edge.line.intersection(geom)
            ts = _ts(edge, piece) if not piece.is_empty else []
            if not ts:  # GEOS may miss a grazing touch that intersects() saw
                ts = [_t(edge, shapely.get_coordinates(shapely.shortest_line(edge.line, geom))[0])]
            out.append((i, min(ts), max(ts), 0.0))
        return out

    def nearest(self, geom: Any) -> list[tuple[int, float, float, float]]:
        """(edge, t_first, t_last, connector) on the nearest edge and every edge at most
        ``join_tolerance_m`` (walking.toml) farther, each at its own nearest points."""
        d = shapely.distance(self.lines, geom)
        out = []
        for i in np.flatnonzero(d <= float(d.min()) + self.join_m + 1e-6).tolist():
            edge = self.net.edges[i]
            c = float(d[i])
            if geom.geom_type == "Point":
                t = _t(edge, (geom.x, geom.y))
                out.append((i, t, t, c))
                continue
            near = edge.line.intersection(geom.buffer(c + 1e-5, quad_segs=256))
            ts = _ts(edge, near) or [
                _t(edge, shapely.get_coordinates(shapely.shortest_line(edge.line, geom))[0])
            ]
            out.append((i, min(ts), max(ts), c))
        return out

    def plot(self, geom: Any) -> list[tuple[int, float, float, float]]:
        if geom.geom_type in ("Polygon", "MultiPolygon"):
            inside = self.inside(geom)
            if inside:
                return inside
        return self.nearest(geom)

    def facility(
        self, point: Any, outline: Any | None, entrances: Any | None
    ) -> list[tuple[int, float, float, float]]:
        if outline is not None and entrances is not None and not entrances.is_empty:
            return [hit for p in getattr(entrances, "geoms", [entrances]) for hit in self.nearest(p)]
        if outline is not None:
            return self.plot(outline)
        return self.nearest(point)


# ---------------------------------------------------------------------------------------------
# Distances


def distinct(
    ids: list[str],
    cats: list[str],
    names: list[str | None],
    xy: list[tuple[float, float]],
    groups: list[str | None],
    radius: float = 100.0,
) -> list[str]:
    """The first member's id of each row's distinct facility (union-find over all pairs)."""
    parent = list(range(len(ids)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    def norm(name: str | None) -> str | None:
        return " ".join(name.casefold().split()) if name else None

    for i in range(len(ids)):
        for j in range(i + 1, len(ids)):
            if cats[i] != cats[j]:
                continue
            same_group = groups[i] is not None and groups[i] == groups[j]
            same_name = norm(names[i]) is not None and norm(names[i]) == norm(names[j])
            if same_group or (same_name and math.dist(xy[i], xy[j]) <= radius):
                ri, rj = root(i), root(j)
                parent[max(ri, rj)] = min(ri, rj)
    return [ids[root(i)] for i in range(len(ids))]


def walking_distances(
    net: Network,
    plots: list[Any],
    facilities: list[dict[str, Any]],
    category: str,
    *,
    snap_limit_m: float = 250.0,
) -> list[float]:
    """Distance (m) from each plot to the nearest facility of ``category``; inf when none/unjoined.

    ``facilities``: dicts with id, category, name, group (or None), point, outline, entrances
    (shapely geometries in RD or None).
    """
    loc = Locator(net)
    rows = list(facilities)
    rep = distinct(
        [f["id"] for f in rows],
        [f["category"] for f in rows],
        [f.get("name") for f in rows],
        [(f["point"].x, f["point"].y) for f in rows],
        [f.get("group") for f in rows],
    )
    mine = [(r, f) for r, f in zip(rep, rows, strict=True) if f["category"] == category]
    # Points on edges: ("f", facility) access points and ("p", plot) entry points.
    splits: dict[int, list[tuple[float, str, Any, float]]] = {}
    for group, f in mine:
        for i, t0, t1, c in loc.facility(f["point"], f.get("outline"), f.get("entrances")):
            if c > snap_limit_m:
                continue
            for t in {t0, t1}:
                splits.setdefault(i, []).append((t, "f", group, c))
    joined: set[int] = set()
    for k, geom in enumerate(plots):
        hits = loc.plot(geom)
        if not hits or min(h[3] for h in hits) > snap_limit_m:
            continue
        joined.add(k)
        for i, t0, t1, c in hits:
            for t in {t0, t1}:
                splits.setdefault(i, []).append((t, "p", k, c))
    g = nx.DiGraph()
    plot_points: dict[int, list[tuple[Any, float]]] = {}
    sources = set()
    for i, edge in enumerate(net.edges):
        pts = sorted(splits.get(i, []), key=lambda p: p[0])
        chain: list[tuple[Any, float]] = [(("n", edge.a), 0.0)]
        for t, kind, who, c in pts:
            node = ("x", i, t)
            chain.append((node, t))
            if kind == "f":
                src = ("src", who)
                if not g.has_edge(src, node) or g.edges[src, node]["w"] > c:  # the shortest connector
                    g.add_edge(src, node, w=c)
                sources.add(src)
            else:
                plot_points.setdefault(who, []).append((node, c))
        chain.append((("n", edge.b), 1.0))
        for (n0, t0), (n1, t1) in itertools.pairwise(chain):
            w = (t1 - t0) * edge.length
            g.add_edge(n0, n1, w=w)
            g.add_edge(n1, n0, w=w)
    out = [math.inf] * len(plots)
    if not sources:
        return out
    dist = nx.multi_source_dijkstra_path_length(g, sources, weight="w")
    for k, nodes in plot_points.items():
        if k in joined:
            out[k] = min((dist.get(n, math.inf) + c for n, c in nodes), default=math.inf)
    return out
