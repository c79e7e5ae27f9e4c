"""OpenStreetMap extracts (.osm.pbf / .osm) → facilities, walking-network source and land use.

Read with pyosmium in one streaming pass (node locations cached, multipolygons assembled by
libosmium) instead of GDAL's OSM driver: GDAL throws on the degenerate rings that clipped
extracts contain, and it loses the node ids the scoring engine needs to build the walking
graph. Tag → category rules live in ``resources/categories/osm_tags.toml`` (its ``[land_use]``
table says which areas become the land-use layer).
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import osmium
import osmium.filter
import osmium.geom
import pandas as pd
import shapely
from shapely.errors import GEOSException

from layers.canonical import RD_NEW, LayerKind, conform, empty_frame
from layers.categories import OsmRules, load_osm_rules
from layers.crs import ensure_rd
from layers.errors import LayerError, LayerFormatError, LayerSchemaError
from layers.geometry import clean_geometries
from layers.registry import Probe, SourceFormat, register
from layers.result import LoadResult, Warnings
from layers.sources import check_file, check_xml_safe
from resources import resource

__all__ = [
    "OSM_SUFFIXES",
    "load",
    "load_land_use_tags",
    "read_land_use",
    "read_osm",
    "read_osm_areas",
    "sniff_osm",
]

OSM_SUFFIXES = (".osm.pbf", ".pbf", ".osm")
_KINDS = (LayerKind.FACILITIES, LayerKind.NETWORK_SOURCE, LayerKind.LAND_USE)
_TYPE_LETTER = {"node": "n", "way": "w", "relation": "r"}
_AREA_RELATION_TYPES = frozenset({"multipolygon", "boundary"})
# Keys that make a closed way an area (highway/barrier/railway rings are lines unless area=yes).
_AREA_KEYS = frozenset(
    {
        "building",
        "building:part",
        "landuse",
        "leisure",
        "natural",
        "amenity",
        "shop",
        "healthcare",
        "tourism",
        "man_made",
        "place",
        "military",
        "aeroway",
        "public_transport",
        "parking",
        "water",
    }
)

BBox = tuple[float, float, float, float]


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------


def _tags(obj: Any) -> dict[str, str]:
    return {t.k: t.v for t in obj.tags}


def _way_nodes(way: osmium.osm.Way) -> tuple[list[int], list[tuple[float, float] | None]]:
    """Node ids and their lon/lat (None where the node is missing from the extract)."""
    refs: list[int] = []
    locs: list[tuple[float, float] | None] = []
    for nr in way.nodes:
        refs.append(nr.ref)
        loc = nr.location
        locs.append((loc.lon, loc.lat) if loc.valid() else None)
    return refs, locs


def _is_area_like(tags: Mapping[str, str]) -> bool:
    """True if a closed way with these tags is meant as an area (for the broken-area count)."""
    area = tags.get("area")
    if area == "no":
        return False
    return area == "yes" or not _AREA_KEYS.isdisjoint(tags)


def _is_degenerate_ring(refs: Sequence[int], locs: Sequence[tuple[float, float] | None]) -> bool:
    """A closed way that cannot be a polygon: fewer than 3 distinct located vertices."""
    distinct = {loc for loc in locs if loc is not None}
    return len(refs) < 4 or len(distinct) < 3


def _way_point(
    refs: Sequence[int], locs: Sequence[tuple[float, float] | None], tags: Mapping[str, str]
) -> tuple[shapely.Point | None, shapely.Geometry | None]:
    """A point for a facility way (inside the area if closed, else the middle of the line), and
    the area's outline when the way is an area (None for a line)."""
    if any(loc is None for loc in locs):
        return None, None
    coords = [loc for loc in locs if loc is not None]
    if len(set(coords)) == 1:
        return shapely.Point(coords[0]), None
    if len(set(coords)) < 2:
        return None, None
    try:
        closed = refs[0] == refs[-1] and tags.get("area") != "no" and not _is_degenerate_ring(refs, locs)
        if closed:
            poly = shapely.Polygon(coords)
            if not poly.is_valid:
                poly = shapely.make_valid(poly)
            if not poly.is_empty and poly.area > 0:
                return shapely.point_on_surface(poly), _polygonal(poly)
        line = shapely.LineString(coords)
        return line.interpolate(0.5, normalized=True), None
    except (GEOSException, ValueError):
        return None, None


def _area_geometry(area: osmium.osm.Area, refs: set[int] | None = None) -> shapely.Geometry | None:
    """The (multi)polygon of an assembled area, or None if its rings are unusable.

    ``refs``, when given, receives the node ids of the outer rings (to find entrances on them).
    """
    polys: list[shapely.Polygon] = []
    try:
        for outer in area.outer_rings():
            shell = [(n.lon, n.lat) for n in outer]
            if refs is not None:
                refs.update(n.ref for n in outer)
            holes = [[(n.lon, n.lat) for n in inner] for inner in area.inner_rings(outer)]
            holes = [h for h in holes if len(h) >= 4]
            if len(shell) < 4:
                continue
            polys.append(shapely.Polygon(shell, holes))
    except (GEOSException, ValueError, osmium.InvalidLocationError):
        return None
    if not polys:
        return None
    geom: shapely.Geometry = polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if geom.is_empty or geom.area <= 0:
        return None
    return geom


def _longest_run(
    refs: Sequence[int], locs: Sequence[tuple[float, float] | None]
) -> tuple[list[int], list[tuple[float, float]]]:
    """The longest stretch of consecutive vertices whose nodes are in the extract."""
    best: tuple[list[int], list[tuple[float, float]]] = ([], [])
    cur_r: list[int] = []
    cur_l: list[tuple[float, float]] = []
    for ref, loc in zip(refs, locs, strict=True):
        if loc is None:
            if len(cur_r) > len(best[0]):
                best = (cur_r, cur_l)
            cur_r, cur_l = [], []
        else:
            cur_r.append(ref)
            cur_l.append(loc)
    if len(cur_r) > len(best[0]):
        best = (cur_r, cur_l)
    return best


def _check_bbox(bbox: Sequence[float] | None) -> BBox | None:
    if bbox is None:
        return None
    vals = tuple(float(v) for v in bbox)
    if len(vals) != 4 or not (vals[0] < vals[2] and vals[1] < vals[3]):
        raise LayerError(
            f"Ongeldige uitsnede (bbox) {bbox!r}.",
            hint="Geef vier RD-coördinaten: xmin, ymin, xmax, ymax (xmin < xmax, ymin < ymax).",
        )
    return (vals[0], vals[1], vals[2], vals[3])


def _open(path: str | Path) -> Path:
    p = check_file(path)
    if p.is_dir():
        raise LayerFormatError(
            "Dit is een map, geen OSM-bestand.", hint="Kies een .osm.pbf- of .osm-bestand.", path=p
        )
    with p.open("rb") as fh:
        head = fh.read(64)
    if head.lstrip()[:1] == b"<":
        check_xml_safe(p)  # libosmium's XML reader uses expat; refuse DTDs/entities up front
    return p


def _translate(exc: RuntimeError, path: Path) -> LayerFormatError:
    text = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    return LayerFormatError(
        f"Het OSM-bestand is beschadigd, afgebroken of geen OSM ({text}).",
        hint="Download of knip het uittreksel opnieuw (bijv. met osmium extract).",
        path=path,
    )


# --------------------------------------------------------------------------------------------
# the scan
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Facilities:
    ids: list[str] = field(default_factory=list)
    osm_type: list[str] = field(default_factory=list)
    osm_id: list[int] = field(default_factory=list)
    category: list[str] = field(default_factory=list)
    match: list[str] = field(default_factory=list)
    fallback: list[bool] = field(default_factory=list)
    tags: list[dict[str, str]] = field(default_factory=list)
    geoms: list[shapely.Point] = field(default_factory=list)
    outlines: list[shapely.Geometry | None] = field(default_factory=list)  # areas only (lon/lat)
    entrances: list[list[tuple[float, float]]] = field(default_factory=list)  # on the outline

    def add(
        self,
        osm_type: str,
        osm_id: int,
        category: str,
        match: str,
        fallback: bool,
        tags: dict[str, str],
        geom: shapely.Point,
        outline: shapely.Geometry | None = None,
        entrances: list[tuple[float, float]] | None = None,
    ) -> None:
        self.ids.append(f"osm:{_TYPE_LETTER[osm_type]}{osm_id}")
        self.osm_type.append(osm_type)
        self.osm_id.append(osm_id)
        self.category.append(category)
        self.match.append(match)
        self.fallback.append(fallback)
        self.tags.append(tags)
        self.geoms.append(geom)
        self.outlines.append(outline)
        self.entrances.append(entrances or [])


@dataclass(slots=True)
class _Network:
    way_ids: list[int] = field(default_factory=list)
    node_ids: list[str] = field(default_factory=list)
    tags: list[dict[str, str]] = field(default_factory=list)
    coords: list[tuple[float, float]] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)  # vertex count per way (0: its line is in wkb)
    wkb: list[str | None] = field(default_factory=list)  # hex WKB made by libosmium (fast path)
    excluded: Counter[str] = field(default_factory=Counter)
    partial: int = 0
    unusable: int = 0


@dataclass(slots=True)
class _Scan:
    fac: _Facilities = field(default_factory=_Facilities)
    net: _Network = field(default_factory=_Network)
    fac_failed: int = 0
    broken_areas: int = 0
    mp_relations: set[int] = field(default_factory=set)
    rel_areas: set[int] = field(default_factory=set)
    rel_facility_wanted: dict[int, str] = field(default_factory=dict)
    # Nodes tagged entrance=* (id → lon/lat): where an area facility is entered.
    entrances: dict[int, tuple[float, float]] = field(default_factory=dict)
    # Members of public_transport=stop_area relations: ("n"/"w"/"r", id) → relation id.
    stop_area_of: dict[tuple[str, int], int] = field(default_factory=dict)


def _scan(path: Path, rules: OsmRules, *, facilities: bool, network: bool) -> _Scan:
    out = _Scan()
    fp = osmium.FileProcessor(str(path)).with_locations()
    if facilities:
        fp = fp.with_areas()
    net_rules = rules.network
    try:
        for obj in fp:
            if isinstance(obj, osmium.osm.Node):
                if not facilities or len(obj.tags) == 0:
                    continue
                tags = _tags(obj)
                if tags.get("entrance", "no") != "no" and obj.location.valid():
                    out.entrances[obj.id] = (obj.location.lon, obj.location.lat)
                rule = rules.classify(tags, "node")
                if rule is None:
                    continue
                loc = obj.location
                if not loc.valid():
                    out.fac_failed += 1
                    continue
                out.fac.add(
                    "node",
                    obj.id,
                    rule.category,
                    rule.describe(tags),
                    rule.fallback,
                    tags,
                    shapely.Point(loc.lon, loc.lat),
                )
            elif isinstance(obj, osmium.osm.Way):
                if len(obj.tags) == 0:
                    continue
                tags = _tags(obj)
                rule = rules.classify(tags, "way") if facilities else None
                keep_net = network and "highway" in tags and net_rules.keeps(tags)
                if network and "highway" in tags and not keep_net:
                    out.net.excluded[tags["highway"]] += 1
                closed_area = facilities and obj.is_closed() and _is_area_like(tags)
                if rule is None and not keep_net and not closed_area:
                    continue
                refs, locs = _way_nodes(obj)
                if closed_area and all(loc is not None for loc in locs) and _is_degenerate_ring(refs, locs):
                    out.broken_areas += 1
                if rule is not None:
                    point, outline = _way_point(refs, locs, tags)
                    if point is None:
                        out.fac_failed += 1
                    else:
                        doors = [out.entrances[r] for r in dict.fromkeys(refs) if r in out.entrances]
                        out.fac.add(
                            "way",
                            obj.id,
                            rule.category,
                            rule.describe(tags),
                            rule.fallback,
                            tags,
                            point,
                            outline,
                            doors if outline is not None else None,
                        )
                if keep_net:
                    _add_network_way(out.net, obj.id, refs, locs, tags)
            elif isinstance(obj, osmium.osm.Relation):
                if not facilities or len(obj.tags) == 0:
                    continue
                tags = _tags(obj)
                if tags.get("public_transport") == "stop_area":
                    for m in obj.members:
                        out.stop_area_of.setdefault((m.type, m.ref), obj.id)
                is_area = tags.get("type") in _AREA_RELATION_TYPES
                if tags.get("type") == "multipolygon":
                    out.mp_relations.add(obj.id)
                rule = rules.classify(tags, "relation")
                if rule is not None:
                    if is_area:
                        out.rel_facility_wanted[obj.id] = rule.category
                    else:
                        out.fac_failed += 1  # a site/route relation has no area to point at
            elif isinstance(obj, osmium.osm.Area):
                if obj.from_way():
                    continue
                rid = obj.orig_id()
                tags = _tags(obj)
                rule = rules.classify(tags, "relation")
                ring_refs: set[int] = set()
                # area tags lack "type": build all (few) relation areas
                geom = _area_geometry(obj, ring_refs)
                if geom is None:
                    continue  # counted below: the relation is in mp_relations but not in rel_areas
                out.rel_areas.add(rid)
                if rule is not None:
                    out.fac.add(
                        "relation",
                        rid,
                        rule.category,
                        rule.describe(tags),
                        rule.fallback,
                        tags,
                        shapely.point_on_surface(geom),
                        _polygonal(geom),
                        [out.entrances[r] for r in sorted(ring_refs) if r in out.entrances],
                    )
    except RuntimeError as exc:
        raise _translate(exc, path) from exc
    out.broken_areas += len(out.mp_relations - out.rel_areas)
    out.fac_failed += len(set(out.rel_facility_wanted) - out.rel_areas)
    return out


def _add_network_way(
    net: _Network, way_id: int, refs: list[int], locs: list[tuple[float, float] | None], tags: dict[str, str]
) -> None:
    if any(loc is None for loc in locs):
        refs_k, locs_k = _longest_run(refs, locs)
        if len(refs_k) < 2:
            net.unusable += 1
            return
        net.partial += 1
    else:
        refs_k = refs
        locs_k = [loc for loc in locs if loc is not None]
    if len(set(locs_k)) < 2:
        net.unusable += 1
        return
    net.way_ids.append(way_id)
    net.node_ids.append(" ".join(map(str, refs_k)))
    net.tags.append(tags)
    net.coords.extend(locs_k)
    net.offsets.append(len(locs_k))
    net.wkb.append(None)


def _scan_network(path: Path, rules: OsmRules) -> _Network:
    """The walking-network ways alone, the fast way: libosmium does the work in C++.

    Only ways reach Python (``EntityFilter``), and only those with a ``highway`` tag
    (``KeyFilter``); nodes feed libosmium's location index without ever becoming Python
    objects, and a way's line is made by libosmium's WKB factory from that index in one call.
    A way with a node missing from the extract (or too few distinct nodes) takes the per-node
    path of the full scan, so the result is the same as :func:`_scan` with ``network`` only.
    """
    net = _Network()
    keeps = rules.network.keeps
    factory = osmium.geom.WKBFactory()
    every_node = osmium.geom.use_nodes.ALL
    fp = (
        osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
        .with_filter(osmium.filter.KeyFilter("highway"))
    )
    try:
        for way in fp:
            if not isinstance(way, osmium.osm.Way):  # the entity filter passes ways only
                continue
            tags = _tags(way)
            if not keeps(tags):
                net.excluded[tags["highway"]] += 1
                continue
            refs = [n.ref for n in way.nodes]
            try:
                line = factory.create_linestring(way, every_node)
            except (osmium.InvalidLocationError, RuntimeError):
                line = None  # a node outside the extract, or a degenerate line: the careful path
            if line is None or len(set(refs)) < 2:
                refs, locs = _way_nodes(way)
                _add_network_way(net, way.id, refs, locs, tags)
                continue
            net.way_ids.append(way.id)
            net.node_ids.append(" ".join(map(str, refs)))
            net.tags.append(tags)
            net.offsets.append(0)
            net.wkb.append(line)
    except RuntimeError as exc:
        raise _translate(exc, path) from exc
    return net


# --------------------------------------------------------------------------------------------
# frames
# --------------------------------------------------------------------------------------------


def _drop_fallbacks(gdf: gpd.GeoDataFrame, radius: float) -> tuple[gpd.GeoDataFrame, int]:
    """Drop stand-in objects (fallback rules) whose proper object of the same name is near."""
    fb = gdf["_fallback"].to_numpy(dtype=bool)
    if not fb.any():
        return gdf, 0
    names = gdf["name"].astype("string").str.strip().str.casefold()
    keyed = names.notna() & ~fb
    proper: dict[tuple[str, str], np.ndarray] = {}
    xy = shapely.get_coordinates(gdf.geometry.array)
    for (cat, name), idx in gdf[keyed].groupby([gdf["category"][keyed], names[keyed]]).indices.items():
        pos = np.flatnonzero(keyed.to_numpy())[idx]
        proper[(str(cat), str(name))] = xy[pos]
    drop = np.zeros(len(gdf), dtype=bool)
    for i in np.flatnonzero(fb):
        name = names.iloc[i]
        if pd.isna(name):
            continue
        pts = proper.get((str(gdf["category"].iloc[i]), str(name)))
        if pts is not None and np.min(np.hypot(*(pts - xy[i]).T)) <= radius:
            drop[i] = True
    return gdf.loc[~drop], int(drop.sum())


def _area_columns(fac: _Facilities) -> tuple[pd.Series, pd.Series]:
    """Outline and entrances of the area facilities as WKT in RD New (NA for point facilities).

    The facility keeps a representative point as its geometry (what maps and lists show); the
    scoring engine reaches an area at its entrances or where walkable ways cross its outline.
    """
    outlines = gpd.GeoSeries(fac.outlines, crs="EPSG:4326").to_crs(RD_NEW)
    doors = gpd.GeoSeries(
        [shapely.MultiPoint(e) if e else None for e in fac.entrances], crs="EPSG:4326"
    ).to_crs(RD_NEW)

    def wkt(series: gpd.GeoSeries) -> pd.Series:
        geoms = series.to_numpy()
        present = ~shapely.is_missing(geoms)
        text = np.full(len(geoms), None, dtype=object)
        text[present] = shapely.to_wkt(geoms[present], rounding_precision=2, trim=True)
        return pd.Series(text, dtype="string")

    return wkt(outlines), wkt(doors)


def _facility_frame(
    scan: _Scan, rules: OsmRules, warnings: Warnings, path: Path, bbox: BBox | None
) -> tuple[gpd.GeoDataFrame, dict[str, Any]]:
    fac = scan.fac
    warnings.add(
        "osm_broken_area",
        "{n} kapotte of onvolledige vlakken in het OSM-bestand (ontaarde ring of multipolygoon die niet sluit) overgeslagen",
        scan.broken_areas,
    )
    warnings.add(
        "osm_facility_geometry",
        "{n} voorzieningen zonder bruikbare geometrie (onvolledig in het uittreksel) overgeslagen",
        scan.fac_failed,
    )
    if not fac.ids:
        return empty_frame(LayerKind.FACILITIES), {"counts_by_category": {}}
    data: dict[str, Any] = {
        "facility_id": fac.ids,
        "name": [t.get("name") for t in fac.tags],
        "category": fac.category,
        "source": ["osm"] * len(fac.ids),
        "osm_type": fac.osm_type,
        "osm_id": pd.array(fac.osm_id, dtype="Int64"),
        "osm_match": fac.match,
    }
    letters = {"node": "n", "way": "w", "relation": "r"}
    data["group_id"] = pd.array(
        [
            f"osm:r{scan.stop_area_of[key]}" if key in scan.stop_area_of else None
            for key in zip([letters[t] for t in fac.osm_type], fac.osm_id, strict=True)
        ],
        dtype="string",
    )
    outline_wkt, entrances_wkt = _area_columns(fac)
    data["outline_wkt"] = outline_wkt.array
    data["entrances_wkt"] = entrances_wkt.array
    for key in rules.facility_tags:
        data[key] = pd.array([t.get(key) for t in fac.tags], dtype="string")
    data["_fallback"] = fac.fallback
    gdf = gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(fac.geoms, crs="EPSG:4326"))
    gdf = ensure_rd(gdf, warnings, path=path, assume_crs="EPSG:4326")
    gdf = clean_geometries(gdf, warnings, family="point")
    gdf, dropped = _drop_fallbacks(gdf, rules.fallback_radius_m)
    gdf = gdf.drop(columns="_fallback")
    outside = 0
    if bbox is not None:
        inside = gdf.geometry.intersects(shapely.box(*bbox))
        outside = int((~inside).sum())
        gdf = gdf.loc[inside]
    frame = conform(gdf, LayerKind.FACILITIES)
    counts = {str(k): int(v) for k, v in frame["category"].value_counts().sort_index().items()}
    meta: dict[str, Any] = {"counts_by_category": counts, "fallback_dropped": dropped}
    if bbox is not None:
        meta["outside_bbox"] = outside
    return frame, meta


def _network_frame(
    scan: _Scan, rules: OsmRules, warnings: Warnings, path: Path, bbox: BBox | None
) -> tuple[gpd.GeoDataFrame, dict[str, Any]]:
    net = scan.net
    warnings.add(
        "osm_partial_way",
        "{n} wegen vallen deels buiten het uittreksel en zijn ingekort tot het aanwezige stuk",
        net.partial,
    )
    warnings.add(
        "osm_way_geometry",
        "{n} wegen zonder bruikbare lijn (te weinig knopen in het uittreksel) overgeslagen",
        net.unusable,
    )
    meta: dict[str, Any] = {"excluded_by_highway": dict(sorted(net.excluded.items()))}
    if not net.way_ids:
        meta["counts_by_highway"] = {}
        return empty_frame(LayerKind.NETWORK_SOURCE), meta
    lines = np.empty(len(net.way_ids), dtype=object)
    from_wkb = np.array([w is not None for w in net.wkb], dtype=bool)
    if from_wkb.any():
        lines[from_wkb] = shapely.from_wkb(np.array([w for w in net.wkb if w is not None], dtype=object))
    if not from_wkb.all():
        coords = np.asarray(net.coords, dtype=float)
        offsets = np.asarray(net.offsets, dtype=np.int64)[~from_wkb]
        lines[~from_wkb] = shapely.linestrings(coords, indices=np.repeat(np.arange(len(offsets)), offsets))
    data: dict[str, Any] = {"way_id": pd.array(net.way_ids, dtype="Int64")}
    for key in ("highway", "footway", "foot", "access", "wheelchair", "name"):
        data[key] = pd.array([t.get(key) for t in net.tags], dtype="string")
    data["node_ids"] = pd.array(net.node_ids, dtype="string")
    for key in rules.network.extra_tags:
        data[key] = pd.array([t.get(key) for t in net.tags], dtype="string")
    gdf = gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(lines, crs="EPSG:4326"))
    gdf = ensure_rd(gdf, warnings, path=path, assume_crs="EPSG:4326")
    gdf = clean_geometries(gdf, warnings, family="line")
    if bbox is not None:
        # keep whole ways that touch the box: cutting them would break node_ids ↔ vertices
        inside = gdf.geometry.intersects(shapely.box(*bbox))
        meta["outside_bbox"] = int((~inside).sum())
        gdf = gdf.loc[inside]
    frame = conform(gdf, LayerKind.NETWORK_SOURCE)
    meta["counts_by_highway"] = {
        str(k): int(v) for k, v in frame["highway"].value_counts().sort_index().items()
    }
    return frame, meta


# --------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------


def read_osm(
    path: str | Path,
    *,
    kinds: Sequence[LayerKind] | None = None,
    bbox: Sequence[float] | None = None,
    rules: OsmRules | None = None,
) -> list[LoadResult]:
    """Read an OSM extract into FACILITIES, NETWORK_SOURCE and/or LAND_USE (all when ``kinds`` is None).

    ``bbox`` (RD: xmin, ymin, xmax, ymax) keeps facilities inside it and network ways and
    land-use areas that touch it (whole ways, so node ids stay aligned with vertices).
    """
    wanted = [k for k in _KINDS if kinds is None or k in kinds]
    if not wanted:
        raise LayerSchemaError(
            "Een OSM-bestand levert alleen voorzieningen, een wegennetwerk en landgebruik.",
            hint="Vraag 'facilities', 'network_source' of 'land_use', of kies een ander bestand.",
            path=str(path),
        )
    box = _check_bbox(bbox)
    p = _open(path)
    rules = rules or load_osm_rules()
    scanned = [k for k in wanted if k is not LayerKind.LAND_USE]
    if scanned == [LayerKind.NETWORK_SOURCE]:
        scan = _Scan(net=_scan_network(p, rules))  # the network alone: C++ filters, no Python per node
    elif scanned:
        scan = _scan(
            p, rules, facilities=LayerKind.FACILITIES in wanted, network=LayerKind.NETWORK_SOURCE in wanted
        )
    else:
        scan = _Scan()
    results: list[LoadResult] = []
    for kind in wanted:
        warnings = Warnings()
        if kind is LayerKind.LAND_USE:
            frame = read_land_use(p, bbox=box, warnings=warnings)
            meta: dict[str, Any] = {
                "counts_by_tag": {
                    str(k): int(v)
                    for k, v in (frame["key"] + "=" + frame["value"]).value_counts().sort_index().items()
                }
            }
        elif kind is LayerKind.FACILITIES:
            frame, meta = _facility_frame(scan, rules, warnings, p, box)
        else:
            frame, meta = _network_frame(scan, rules, warnings, p, box)
        results.append(
            LoadResult(kind=kind, frame=frame, source=str(p), layer=None, warnings=tuple(warnings), meta=meta)
        )
    return results


def load(
    path: str | Path,
    *,
    kinds: Sequence[LayerKind] | None = None,
    bbox: Sequence[float] | None = None,
    rules: OsmRules | None = None,
) -> list[LoadResult]:
    """Registry entry point; see :func:`read_osm`."""
    return read_osm(path, kinds=kinds, bbox=bbox, rules=rules)


def _area_matches(tags: Mapping[str, str], wanted: Mapping[str, set[str] | frozenset[str] | None]) -> bool:
    for key, values in wanted.items():
        val = tags.get(key)
        if val is not None and (values is None or val in values):
            return True
    return False


def read_osm_areas(
    path: str | Path,
    tags: Mapping[str, set[str] | frozenset[str] | None],
    *,
    bbox: Sequence[float] | None = None,
    warnings: Warnings | None = None,
    extra_tags: Sequence[str] = (),
) -> gpd.GeoDataFrame:
    """Polygons (RD) of closed ways and multipolygons carrying any of ``tags``.

    ``tags`` maps a key to the accepted values (None = any value), e.g.
    ``{"landuse": None, "amenity": {"parking"}}``; an object matches when any key matches.
    Columns: ``osm_id`` ('osm:w12'), ``osm_type``, ``name``, one column per key and per
    ``extra_tags`` key, geometry.
    For candidate plots and an indicative zoning layer in the demo builder. Broken rings are
    skipped and counted in ``warnings`` (code ``osm_broken_area``).
    """
    box = _check_bbox(bbox)
    p = _open(path)
    w = warnings if warnings is not None else Warnings()
    keys = list(tags)
    rows: list[tuple[str, str, dict[str, str], shapely.Geometry]] = []
    broken = 0
    wanted_rel: set[int] = set()
    built_rel: set[int] = set()
    try:
        for obj in osmium.FileProcessor(str(p)).with_areas():
            if isinstance(obj, osmium.osm.Way):
                if len(obj.tags) == 0 or not obj.is_closed():
                    continue
                t = _tags(obj)
                if t.get("area") == "no" or not _area_matches(t, tags):
                    continue
                refs, locs = _way_nodes(obj)
                geom: shapely.Geometry | None = None
                if not _is_degenerate_ring(refs, locs) and all(loc is not None for loc in locs):
                    try:
                        geom = shapely.Polygon([loc for loc in locs if loc is not None])
                        if not geom.is_valid:
                            geom = _polygonal(shapely.make_valid(geom))
                    except (GEOSException, ValueError):
                        geom = None
                if geom is None or geom.is_empty:
                    broken += 1
                    continue
                rows.append((f"osm:w{obj.id}", "way", t, geom))
            elif isinstance(obj, osmium.osm.Relation):
                t = _tags(obj)
                if t.get("type") in _AREA_RELATION_TYPES and _area_matches(t, tags):
                    wanted_rel.add(obj.id)
            elif isinstance(obj, osmium.osm.Area) and not obj.from_way():
                t = _tags(obj)
                if not _area_matches(t, tags):
                    continue
                ageom = _area_geometry(obj)
                if ageom is None:
                    continue
                ageom = _polygonal(ageom)
                if ageom is None:
                    continue
                built_rel.add(obj.orig_id())
                rows.append((f"osm:r{obj.orig_id()}", "relation", t, ageom))
    except RuntimeError as exc:
        raise _translate(exc, p) from exc
    broken += len(wanted_rel - built_rel)
    w.add("osm_broken_area", "{n} kapotte of onvolledige vlakken in het OSM-bestand overgeslagen", broken)
    data: dict[str, Any] = {
        "osm_id": pd.array([r[0] for r in rows], dtype="string"),
        "osm_type": pd.array([r[1] for r in rows], dtype="string"),
        "name": pd.array([r[2].get("name") for r in rows], dtype="string"),
    }
    for key in [*keys, *extra_tags]:
        if key not in data:
            data[key] = pd.array([r[2].get(key) for r in rows], dtype="string")
    gdf = gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([r[3] for r in rows], crs="EPSG:4326"))
    gdf = ensure_rd(gdf, w, path=p, assume_crs="EPSG:4326")
    gdf = clean_geometries(gdf, w, family="polygon")
    if box is not None:
        gdf = gdf.loc[gdf.geometry.intersects(shapely.box(*box))]
    return gpd.GeoDataFrame(gdf.reset_index(drop=True), geometry="geometry", crs=gdf.crs)


@dataclass(frozen=True, slots=True)
class LandUseTags:
    """Which areas form the land-use layer: keys in priority order, accepted values, extras."""

    keys: tuple[str, ...]
    values: dict[str, frozenset[str] | None]
    extra_tags: tuple[str, ...]


def load_land_use_tags(path: str | Path | None = None) -> LandUseTags:
    """The ``[land_use]`` table of ``resources/categories/osm_tags.toml`` (or of ``path``)."""
    where: Path | Traversable = Path(path) if path is not None else resource("categories", "osm_tags.toml")
    data = tomllib.loads(where.read_text(encoding="utf-8"))
    table = data.get("land_use")
    if not isinstance(table, dict) or not isinstance(table.get("keys"), list) or not table["keys"]:
        raise LayerSchemaError(
            "De OSM-tagtabel mist [land_use] met een lijst 'keys'.",
            hint="Herstel resources/categories/osm_tags.toml (zie de toelichting in dat bestand).",
            path=str(where),
        )
    values: dict[str, frozenset[str] | None] = {}
    for key in table["keys"]:
        vals = table.get(key)
        if not isinstance(vals, list) or not all(isinstance(v, str) for v in vals):
            raise LayerSchemaError(
                f'[land_use] {key} moet een lijst met waarden zijn ("*" = elke waarde).',
                hint="Herstel resources/categories/osm_tags.toml.",
                path=str(where),
            )
        values[str(key)] = None if "*" in vals else frozenset(vals)
    extra = table.get("extra_tags", [])
    return LandUseTags(tuple(values), values, tuple(str(e) for e in extra))


def read_land_use(
    path: str | Path,
    *,
    bbox: Sequence[float] | None = None,
    warnings: Warnings | None = None,
    tags: LandUseTags | None = None,
) -> gpd.GeoDataFrame:
    """The canonical LAND_USE frame: one row per area, ``key``/``value`` from the first key that matches."""
    spec = tags or load_land_use_tags()
    areas = read_osm_areas(path, spec.values, bbox=bbox, warnings=warnings, extra_tags=spec.extra_tags)
    key = pd.Series(pd.NA, index=areas.index, dtype="string")
    value = pd.Series(pd.NA, index=areas.index, dtype="string")
    for k in spec.keys:
        if k not in areas.columns:
            continue
        allowed = spec.values[k]
        col = areas[k].astype("string")
        hit = key.isna() & col.notna() & (col.isin(list(allowed)) if allowed is not None else True)
        key = key.mask(hit.fillna(False).astype(bool), k)
        value = value.mask(hit.fillna(False).astype(bool), col)
    frame = areas.assign(key=key, value=value)
    frame = frame.drop(columns=[c for c in spec.keys if c in frame.columns and c not in spec.extra_tags])
    frame = frame.loc[frame["key"].notna()]
    return conform(frame, LayerKind.LAND_USE)


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry | None:
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else None


# --------------------------------------------------------------------------------------------
# registration
# --------------------------------------------------------------------------------------------


def sniff_osm(pr: Probe) -> bool:
    """OSM by suffix, or by the first bytes (PBF 'OSMHeader' blob, or an ``<osm`` XML root)."""
    if pr.is_dir:
        return False
    if pr.suffix in OSM_SUFFIXES:
        return True
    if b"OSMHeader" in pr.head[:64]:
        return True
    head = pr.head.lstrip()
    return (head.startswith(b"<?xml") and b"<osm" in head[:512]) or head.startswith(b"<osm")


register(
    SourceFormat(
        id="osm",
        label="OpenStreetMap-uittreksel (.osm.pbf / .osm)",
        kinds=_KINDS,
        sniff=sniff_osm,
        load=load,
        priority=10,
        options={
            "bbox": "uitsnede in RD: xmin, ymin, xmax, ymax",
            "rules": "eigen tagtabel (layers.categories.load_osm_rules(pad))",
        },
    )
)
