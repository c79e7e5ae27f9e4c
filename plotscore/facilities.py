"""Facilities as the scoring engine sees them: distinct places, and where each one is reached.

A facilities frame (canonical ``facilities`` layer) has one row per object of its source: a
station's four stop positions are four rows, a list may hold one supermarket three times.
:func:`distinct_facilities` says which rows are one place, so counts count places and a
station's departures are summed. :func:`facility_access` says where each row meets the walking
network: a point at the nearest point of the nearest walkable edge; an area (park, care campus,
shopping centre, station area: a row with an ``outline_wkt``) at its mapped entrances, or else
everywhere a walkable edge enters its outline.

The optional columns read here are part of the facility contract in ``layers/canonical.py``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from scipy.spatial import cKDTree
from shapely.errors import GEOSException

from plotscore.access import edge_point, nearest_on_edges, polygon_hits
from plotscore.network import EdgeIndex
from resources import resource

__all__ = [
    "ENTRANCES_WKT",
    "GROUP_ID",
    "OUTLINE_WKT",
    "FacilityAccess",
    "FacilityVocabulary",
    "distinct_facilities",
    "facility_access",
    "facility_outlines",
    "facility_vocabulary",
    "group_departures",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
ObjArray = npt.NDArray[np.object_]

#: Rows with the same group id are one place (OSM stop_area relation, GTFS parent station).
GROUP_ID = "group_id"
#: The outline of an area facility, WKT in EPSG:28992; the row's geometry is a point inside it.
OUTLINE_WKT = "outline_wkt"
#: The mapped entrances of an area facility (OSM entrance=*), WKT MultiPoint in EPSG:28992.
ENTRANCES_WKT = "entrances_wkt"


@dataclass(frozen=True)
class FacilityVocabulary:
    """Category labels and plurals, and the same-name radius, from ``resources/categories/facilities.toml``."""

    labels: MappingProxyType[str, str]
    plurals: MappingProxyType[str, str]
    same_name_radius_m: float

    def plural(self, category: str) -> str:
        """ "apotheken" for apotheek; the category id when the table has no plural."""
        return self.plurals.get(category, category)


@lru_cache(maxsize=1)
def facility_vocabulary() -> FacilityVocabulary:
    """The facility vocabulary (read once per process)."""
    data: dict[str, Any] = tomllib.loads(
        resource("categories", "facilities.toml").read_text(encoding="utf-8")
    )
    cats: dict[str, Any] = data.get("categories", {})
    radius = float(data.get("distinct", {}).get("same_name_radius_m", 100.0))
    return FacilityVocabulary(
        labels=MappingProxyType({str(k): str(v.get("label", k)) for k, v in cats.items()}),
        plurals=MappingProxyType({str(k): str(v.get("plural", k)) for k, v in cats.items()}),
        same_name_radius_m=radius,
    )


def _clean_names(frame: pd.DataFrame) -> npt.NDArray[np.object_]:
    if "name" not in frame.columns:
        return np.full(len(frame), None, dtype=object)
    names = frame["name"].astype("string").str.casefold().str.split().str.join(" ")
    return _texts(names.mask(names == ""))


def _texts(series: pd.Series) -> ObjArray:
    """Strings as an object array, None where missing."""
    values = series.astype("string").astype(object)
    return np.asarray(values.where(values.notna(), None).to_numpy(), dtype=object)


def _find(parent: IntArray, i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = int(parent[i])
    return i


def distinct_facilities(facilities: pd.DataFrame, *, radius_m: float | None = None) -> pd.Series:
    """The distinct facility each row belongs to, as the ``facility_id`` of its first member.

    Rows are one facility when they share category and ``group_id``, or category and name
    (case and spacing ignored) within ``radius_m`` of each other (chained), default from
    ``facilities.toml`` [distinct]. Indexed like ``facilities``; NA where the row has no id.
    """
    radius = facility_vocabulary().same_name_radius_m if radius_m is None else float(radius_m)
    n = len(facilities)
    ids = _texts(facilities["facility_id"])
    cats = facilities["category"].astype("string").fillna("").to_numpy(dtype=object)
    parent = np.arange(n, dtype=np.int64)
    links: list[tuple[int, int]] = []
    if GROUP_ID in facilities.columns:
        gid = facilities[GROUP_ID].astype("string")
        keyed = pd.Series(cats, index=facilities.index).astype("string") + "\x1f" + gid
        codes, _ = pd.factorize(keyed, use_na_sentinel=True)
        first: dict[int, int] = {}
        for i, code in enumerate(codes.tolist()):  # one pass; group ids are few
            if code >= 0:
                links.append((first.setdefault(code, i), i))
    names = _clean_names(facilities)
    geoms = facilities.geometry.to_numpy() if hasattr(facilities, "geometry") else None
    if geoms is not None and n > 1:
        named = np.flatnonzero(
            np.array([nm is not None for nm in names], dtype=bool)
            & ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        )
        if len(named) > 1:
            xy = shapely.get_coordinates(shapely.point_on_surface(geoms[named]))
            for i, j in cKDTree(xy).query_pairs(radius, output_type="ndarray").tolist():
                a, b = int(named[i]), int(named[j])
                if cats[a] == cats[b] and names[a] == names[b]:
                    links.append((a, b))
    for a, b in links:  # union-find over the (few) links
        ra, rb = _find(parent, a), _find(parent, b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    roots = np.array([_find(parent, i) for i in range(n)], dtype=np.int64) if n else parent
    rep = np.asarray(ids, dtype=object)[roots] if n else np.zeros(0, dtype=object)
    return pd.Series(rep, index=facilities.index, dtype="string", name="distinct_id")


def group_departures(facilities: pd.DataFrame, distinct: pd.Series) -> pd.Series:
    """Departures per hour per distinct facility: the sum over its rows (NA when none is known)."""
    if "departures_per_hour" not in facilities.columns:
        return pd.Series(dtype="Float64")
    deph = pd.to_numeric(facilities["departures_per_hour"], errors="coerce").astype("float64")
    frame = pd.DataFrame({"d": distinct.to_numpy(dtype=object), "v": deph.to_numpy()})
    out = frame.groupby("d", sort=False)["v"].sum(min_count=1)
    return out.astype("Float64")


def facility_outlines(facilities: pd.DataFrame) -> tuple[ObjArray, ObjArray]:
    """Area outline and entrances per row (None where absent or unreadable).

    The outline comes from ``outline_wkt``, or from the geometry itself when that is a polygon
    (a non-canonical frame); entrances from ``entrances_wkt``.
    """
    n = len(facilities)
    outline = np.full(n, None, dtype=object)
    entrances = np.full(n, None, dtype=object)
    geoms = facilities.geometry.to_numpy()
    polygonal = np.isin(shapely.get_type_id(geoms), [3, 6])
    outline[polygonal] = geoms[polygonal]
    for col, target in ((OUTLINE_WKT, outline), (ENTRANCES_WKT, entrances)):
        if col not in facilities.columns:
            continue
        text = _texts(facilities[col])
        at = np.flatnonzero(np.array([t is not None and t != "" for t in text], dtype=bool))
        if len(at) == 0:
            continue
        try:
            parsed = shapely.from_wkt(text[at], on_invalid="ignore")
        except GEOSException:  # pragma: no cover - on_invalid="ignore" returns None instead
            parsed = np.full(len(at), None, dtype=object)
        good = ~(shapely.is_missing(parsed) | shapely.is_empty(parsed))
        target[at[good]] = parsed[good]
    is_area = np.array([g is not None for g in outline], dtype=bool)
    if is_area.any():
        outline[is_area] = np.where(
            np.isin(shapely.get_type_id(outline[is_area]), [3, 6]), outline[is_area], None
        )
    return outline, entrances


@dataclass(frozen=True, slots=True)
class FacilityAccess:
    """Where facility rows meet the network: one row per access point.

    ``row``: position of the facility row; ``edge``/``t``: the point on the network;
    ``connector_m``: straight distance from the facility (its point, entrance or outline) to
    that point; ``xy``: the facility end of the connector.
    """

    row: IntArray
    edge: IntArray
    t: FloatArray
    connector_m: FloatArray
    xy: FloatArray


def facility_access(index: EdgeIndex, facilities: pd.DataFrame, *, join_m: float = 0.0) -> FacilityAccess:
    """Access points of every facility row (see the module docstring); rows without geometry get none.

    Off the network, a facility joins the nearest walkable way and every way at most ``join_m``
    farther, each with its own connector (walking.toml ``join_tolerance_m``).
    """
    geoms = facilities.geometry.to_numpy()
    usable = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    outline, entrances = facility_outlines(facilities)
    is_area = np.array([g is not None for g in outline], dtype=bool)
    has_ent = np.array([g is not None for g in entrances], dtype=bool) & is_area
    rows: list[IntArray] = []
    edges: list[IntArray] = []
    ts: list[FloatArray] = []
    conns: list[FloatArray] = []
    xys: list[FloatArray] = []

    def add(row: IntArray, edge: IntArray, t: FloatArray, conn: FloatArray, xy: FloatArray) -> None:
        rows.append(row)
        edges.append(edge)
        ts.append(t)
        conns.append(conn)
        xys.append(np.asarray(xy, dtype=np.float64).reshape(-1, 2))

    # Points (and areas given only as a point): the nearest points of the network.
    pts = np.flatnonzero(usable & ~is_area)
    if len(pts):
        near = nearest_on_edges(index, geoms[pts], join_m=join_m)
        xy = shapely.get_coordinates(shapely.point_on_surface(geoms[pts]))[near.geom]
        add(pts[near.geom], near.edge, near.t_lo, near.connector_m, xy)
    # Areas with mapped entrances: each entrance like a point.
    ent_rows = np.flatnonzero(has_ent)
    if len(ent_rows):
        parts, owner = shapely.get_parts(entrances[ent_rows], return_index=True)
        near = nearest_on_edges(index, parts, join_m=join_m)
        add(
            ent_rows[owner[near.geom]],
            near.edge,
            near.t_lo,
            near.connector_m,
            shapely.get_coordinates(parts)[near.geom],
        )
    # Other areas: where walkable edges enter the outline, else the nearest points to it.
    areas = np.flatnonzero(is_area & ~has_ent)
    if len(areas):
        hits = polygon_hits(index, outline[areas])
        missed = np.setdiff1d(np.arange(len(areas)), hits.geom)
        near = nearest_on_edges(index, outline[areas[missed]], join_m=join_m)
        near_rows = missed[near.geom]
        for found, rows_of in ((hits, hits.geom), (near, near_rows)):
            for t in (found.t_lo, found.t_hi):
                net_xy = edge_point(index, found.edge, t)
                if found is hits:
                    xy = net_xy
                else:  # the outline end of the connector
                    lines = shapely.shortest_line(outline[areas[rows_of]], shapely.points(net_xy))
                    xy = shapely.get_coordinates(shapely.get_point(lines, 0))
                add(areas[rows_of], found.edge, t, found.connector_m, xy)
    if not rows:
        return FacilityAccess(
            np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype=np.int64),
            np.zeros(0),
            np.zeros(0),
            np.zeros((0, 2)),
        )
    return FacilityAccess(
        row=np.concatenate(rows).astype(np.int64),
        edge=np.concatenate(edges).astype(np.int64),
        t=np.concatenate(ts),
        connector_m=np.concatenate(conns),
        xy=np.concatenate(xys).reshape(-1, 2),
    )
