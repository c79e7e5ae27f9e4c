"""Who lives where: older residents per area spread over where people live, and how many of them
live within walking reach of a plot.

CBS publishes one figure per buurt, wijk or gemeente (65+ as a rounded percentage). We spread it
over the places people live (:func:`distribute_older_residents`): over addresses with a
woonfunctie when a BAG address layer covers the area, else over the residential land of the
zoning or land use, else evenly over the area ("dasymetric" mapping); every area says which
method it got, and the weights of its points always add up to the CBS figure. 75+ and 85+ are
estimated from 65+ with the age-structure shares of ``resources/demand/demography.toml`` where
the data has no count of their own.

:func:`older_within_reach` then counts, per plot, the older residents within 400 and 800 m of
*walking* over the same graph and snapping as the facility distances: one bounded Dijkstra per
batch of nearby plots on the part of the graph that can lie within reach (a walk of length r never
leaves the Euclidean disc of radius r), so the cost follows the nodes in reach, not the whole
graph. :func:`population_weighted_distance` gives the mean walking distance of an area's older
residents to the nearest facility of a category, for comparison with the CBS road distance.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from plotscore.columns import older_col
from plotscore.distance import nearest_exact, network_distances
from plotscore.errors import ScoringError
from plotscore.network import WalkGraph, check_rd_new
from plotscore.progress import Progress, report
from resources import resource

__all__ = [
    "AGE_GROUPS",
    "REACH_RADII_M",
    "AgeStructure",
    "AreaDistances",
    "Band",
    "DasymetricRules",
    "PopulationPoints",
    "distribute_older_residents",
    "finest_level",
    "load_age_structure",
    "load_dasymetric_rules",
    "older65_counts",
    "older_within_reach",
    "parse_band",
    "plot_nodes",
    "population_weighted_distance",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: The age groups counted (65+, 75+, 85+); 75+/85+ are estimated where the data has no count.
AGE_GROUPS: tuple[str, ...] = ("65", "75", "85")
#: The walking radii every scoring run reports (the woonzorgzone norm 400–500 m, and 800 m).
REACH_RADII_M: tuple[float, ...] = (400.0, 800.0)
#: Levels from fine to coarse; the finest with counts is used (a coarser one would double count).
_LEVEL_ORDER: tuple[str, ...] = ("vierkant", "buurt", "wijk", "gemeente")
#: Plots per bounded-search batch: nearby plots share one local subgraph.
_BATCH = 64
#: Cell size (m) to group plots into batches of neighbours.
_CELL_M = 500.0
#: Coverage above which a layer counts as covering an area completely (rounding, slivers).
_FULL_COVER = 0.98

METHOD_LABELS: Mapping[str, str] = {
    "adressen": "adressen met woonfunctie (BAG)",
    "woongebied": "woongebied (bestemming of landgebruik)",
    "oppervlak": "gelijkmatig over het oppervlak",
}


# --------------------------------------------------------------------------------------------
# Data tables


@dataclass(frozen=True, slots=True)
class Band:
    """A value with its range: ``mid`` is used as the estimate, ``low``–``high`` for the margin."""

    low: float
    mid: float
    high: float


@dataclass(frozen=True, slots=True)
class AgeStructure:
    """75+ and 85+ as shares of 65+ (``resources/demand/demography.toml`` [age_structure])."""

    share_75: Band
    share_85: Band
    source: str


@dataclass(frozen=True, slots=True)
class DasymetricRules:
    """What counts as a dwelling and as residential land (``resources/demand/dasymetric.toml``)."""

    gebruiksdoel: str
    exclude_status_words: tuple[str, ...]
    zoning_hoofdgroepen: frozenset[str]
    zoning_feature_types: frozenset[str]
    land_use_tags: frozenset[tuple[str, str]]
    spacing_m: float
    max_points_per_area: int
    sources: Mapping[str, str]


def _table(path: tuple[str, ...]) -> dict[str, Any]:
    node = resource(*path)
    try:
        data = tomllib.loads(node.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ScoringError(
            f"De tabel resources/{'/'.join(path)} kan niet worden gelezen: {exc}.",
            hint="Herstel het bestand (zie de toelichting bovenin) of installeer opnieuw.",
            source="/".join(path),
        ) from exc
    if data.get("schema_version") != 1:
        raise ScoringError(
            f"resources/{'/'.join(path)}: onbekende schema_version {data.get('schema_version')!r}.",
            hint="Gebruik een tabel die bij deze versie van het programma hoort.",
        )
    return data


def parse_band(raw: Any, what: str) -> Band:
    """A {low, mid, high} table as a :class:`Band` (mid defaults to the middle), validated."""
    try:
        low, high = float(raw["low"]), float(raw["high"])
        mid = float(raw.get("mid", (low + high) / 2))
    except (KeyError, TypeError, ValueError) as exc:
        raise ScoringError(
            f"'{what}' moet low, (mid) en high als getallen hebben.", hint="Zie demography.toml."
        ) from exc
    if not (0 <= low <= mid <= high):
        raise ScoringError(f"'{what}': verwacht 0 ≤ low ≤ mid ≤ high.", hint="Zie demography.toml.")
    return Band(low, mid, high)


@lru_cache(maxsize=1)
def load_age_structure() -> AgeStructure:
    """The 75+/85+ shares of 65+ with their range and source."""
    data = _table(("demand", "demography.toml")).get("age_structure", {})
    return AgeStructure(
        share_75=parse_band(data.get("share_75_of_65"), "share_75_of_65"),
        share_85=parse_band(data.get("share_85_of_65"), "share_85_of_65"),
        source=str(data.get("source", "")),
    )


@lru_cache(maxsize=1)
def load_dasymetric_rules() -> DasymetricRules:
    """Dwelling and residential-land rules for spreading area figures over where people live."""
    data = _table(("demand", "dasymetric.toml"))
    addr, zoning, land, grid = (data.get(k, {}) for k in ("addresses", "zoning", "land_use", "grid"))
    tags: set[tuple[str, str]] = set()
    for tag in land.get("tags", []):
        key, _, value = str(tag).partition("=")
        tags.add((key.strip().lower(), value.strip().lower()))
    return DasymetricRules(
        gebruiksdoel=str(addr.get("gebruiksdoel", "woonfunctie")).lower(),
        exclude_status_words=tuple(str(w).lower() for w in addr.get("exclude_status_words", [])),
        zoning_hoofdgroepen=frozenset(str(h).lower() for h in zoning.get("hoofdgroepen", [])),
        zoning_feature_types=frozenset(str(h).lower() for h in zoning.get("feature_types", [])),
        land_use_tags=frozenset(tags),
        spacing_m=float(grid.get("spacing_m", 25.0)),
        max_points_per_area=int(grid.get("max_points_per_area", 4000)),
        sources={
            k: str(v.get("source", ""))
            for k, v in (("adressen", addr), ("zoning", zoning), ("land_use", land))
        },
    )


# --------------------------------------------------------------------------------------------
# Areas: which rows, and their older residents


def _num(frame: pd.DataFrame, column: str) -> FloatArray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    v = pd.to_numeric(frame[column], errors="coerce").astype("float64").to_numpy(na_value=np.nan)
    return np.where(v < 0, np.nan, v)  # negative = CBS secrecy code, unknown (never 0)


def _levels(frame: pd.DataFrame) -> npt.NDArray[np.object_]:
    """The level of each row: the ``level`` column, else from the code prefix, else unknown."""
    if "level" in frame.columns:
        lv = frame["level"].astype("string").fillna("").to_numpy(dtype=object)
    else:
        lv = np.full(len(frame), "", dtype=object)
    codes = frame["code"].astype("string").fillna("").str.upper() if "code" in frame.columns else None
    if codes is not None:
        guess = np.select(
            [codes.str.startswith("BU"), codes.str.startswith("WK"), codes.str.startswith("GM")],
            ["buurt", "wijk", "gemeente"],
            default="",
        )
        lv = np.where(lv == "", guess, lv)
    return np.asarray(lv, dtype=object)


def finest_level(neighbourhoods: pd.DataFrame) -> tuple[str | None, BoolArray]:
    """The finest level whose rows carry a 65+ figure, and which rows belong to it.

    Levels are never mixed: a wijk and its buurten together would count the same people twice.
    Rows without a known level form their own group, used only when no level has figures.
    """
    older = older65_counts(neighbourhoods)[0]
    levels = _levels(neighbourhoods)
    known = ~np.isnan(older)
    for level in _LEVEL_ORDER:
        rows = (levels == level) & known
        if rows.any():
            return level, np.asarray(levels == level, dtype=bool)
    rows = (levels == "") & known
    if rows.any():
        return None, np.asarray(levels == "", dtype=bool)
    return None, np.zeros(len(neighbourhoods), dtype=bool)


def older65_counts(frame: pd.DataFrame) -> tuple[FloatArray, FloatArray, FloatArray]:
    """65+ count (estimate, min, max); derived from inwoners × pct where the count is missing."""
    count = _num(frame, "inwoners_65_plus")
    pct = _num(frame, "pct_65_plus")
    inw = _num(frame, "inwoners")
    derived = inw * pct / 100.0
    count = np.where(np.isnan(count), derived, count)
    lo = _num(frame, "inwoners_65_plus_min")
    hi = _num(frame, "inwoners_65_plus_max")
    half = _num(frame, "pct_65_plus_afronding")
    half = np.where(np.isnan(half), 0.5, half)
    # A count derived here from a rounded percentage gets the same margin as in the CBS loader.
    lo = np.where(np.isnan(lo), np.where(np.isnan(pct), count, inw * np.clip(pct - half, 0, 100) / 100), lo)
    hi = np.where(np.isnan(hi), np.where(np.isnan(pct), count, inw * np.clip(pct + half, 0, 100) / 100), hi)
    return count, lo, hi


def _older_by_age(frame: pd.DataFrame, ages: AgeStructure) -> tuple[dict[str, FloatArray], BoolArray]:
    """Estimate/min/max per age group (``older65``, ``older65_min``, …) and where 75+ is estimated."""
    c65, lo65, hi65 = older65_counts(frame)
    own75 = _num(frame, "inwoners_75_plus")
    est75 = np.isnan(own75)
    out: dict[str, FloatArray] = {"older65": c65, "older65_min": lo65, "older65_max": hi65}
    out["older75"] = np.where(est75, c65 * ages.share_75.mid, own75)
    out["older75_min"] = np.where(est75, lo65 * ages.share_75.low, own75)
    out["older75_max"] = np.where(est75, hi65 * ages.share_75.high, own75)
    out["older85"] = c65 * ages.share_85.mid
    out["older85_min"] = lo65 * ages.share_85.low
    out["older85_max"] = hi65 * ages.share_85.high
    return out, np.asarray(est75, dtype=bool)


_WEIGHTS: tuple[str, ...] = (
    "older65",
    "older65_min",
    "older65_max",
    "older75",
    "older75_min",
    "older75_max",
    "older85",
    "older85_min",
    "older85_max",
)


# --------------------------------------------------------------------------------------------
# Dasymetric distribution


@dataclass(frozen=True)
class PopulationPoints:
    """Older residents as weighted points, and the per-area figures they add up to.

    ``points``: one row per address or grid point (EPSG:28992) with ``area_code``, ``method`` and
    the weights ``older65`` (+ ``_min``/``_max``), ``older75`` …, ``older85`` … (persons).
    ``areas``: one row per area (index = position in the input) with ``code``, ``name``,
    ``level``, the same totals, ``older75_estimated``, ``method``, ``method_label``,
    ``coverage`` (share of the area inside the layer used) and ``n_points``.
    """

    points: gpd.GeoDataFrame
    areas: pd.DataFrame
    level: str | None
    notes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    @property
    def method_summary(self) -> str:
        """E.g. "adressen met woonfunctie (BAG) in 3 wijken, gelijkmatig over het oppervlak in 10"."""
        if self.areas.empty:
            return "geen gebieden met cijfers"
        noun = {"buurt": "buurten", "wijk": "wijken", "gemeente": "gemeenten", "vierkant": "vierkanten"}
        what = noun.get(self.level or "", "gebieden")
        parts: list[str] = []
        for method, group in self.areas.groupby("method", sort=False):
            label = METHOD_LABELS.get(str(method), str(method))
            partial = (
                int((group["coverage"] < _FULL_COVER).sum()) if method in ("adressen", "woongebied") else 0
            )
            text = f"{label} in {len(group)} {what}"
            if partial:
                text += f" ({partial} deels, de rest daar gelijkmatig)"
            parts.append(text)
        return "; ".join(parts)


def _grid_points(geom: shapely.Geometry, spacing_m: float, max_points: int) -> FloatArray:
    """Points on a square grid inside ``geom`` (at most about ``max_points``); never none."""
    if geom is None or geom.is_empty:
        return np.zeros((0, 2))
    area = float(geom.area)
    step = max(spacing_m, math.sqrt(area / max(1, max_points))) if area > 0 else spacing_m
    x0, y0, x1, y1 = geom.bounds
    xs = np.arange(x0 + step / 2, x1, step)
    ys = np.arange(y0 + step / 2, y1, step)
    if len(xs) and len(ys):
        mx, my = np.meshgrid(xs, ys)
        gx, gy = mx.ravel(), my.ravel()
        inside = shapely.contains_xy(geom, gx, gy)
        pts = np.column_stack([gx[inside], gy[inside]])
        if len(pts):
            return pts
    rep = shapely.point_on_surface(geom)
    return np.array([[rep.x, rep.y]])


def _union(geoms: Sequence[shapely.Geometry] | npt.NDArray[np.object_]) -> shapely.Geometry | None:
    arr = np.asarray([g for g in geoms if g is not None and not g.is_empty], dtype=object)
    if not len(arr):
        return None
    return shapely.union_all(shapely.make_valid(arr))


def _residential(
    zoning: gpd.GeoDataFrame | None, land_use: gpd.GeoDataFrame | None, rules: DasymetricRules
) -> tuple[shapely.Geometry | None, shapely.Geometry | None, list[str]]:
    """(residential land, the area where that is known, sources used)."""
    parts: list[shapely.Geometry] = []
    cover: list[shapely.Geometry] = []
    used: list[str] = []
    if zoning is not None and len(zoning) and "bestemmingshoofdgroep" in zoning.columns:
        groups = zoning["bestemmingshoofdgroep"].astype("string").str.strip().str.lower()
        ft = (
            zoning["feature_type"].astype("string").str.strip().str.lower()
            if "feature_type" in zoning.columns
            else pd.Series("enkelbestemming", index=zoning.index, dtype="string")
        )
        enkel = ft.isin(list(rules.zoning_feature_types)).fillna(False).to_numpy(dtype=bool)
        res = groups.isin(list(rules.zoning_hoofdgroepen)).fillna(False).to_numpy(dtype=bool) & enkel
        if res.any():
            parts.extend(np.asarray(zoning.geometry.values, dtype=object)[res])
            known = _union(np.asarray(zoning.geometry.values, dtype=object)[enkel])
            if known is not None:
                cover.append(known)
            used.append(rules.sources.get("zoning", "bestemmingsplan"))
    if land_use is not None and len(land_use) and {"key", "value"} <= set(land_use.columns):
        keys = land_use["key"].astype("string").str.lower().fillna("")
        values = land_use["value"].astype("string").str.lower().fillna("")
        res = np.array([(k, v) in rules.land_use_tags for k, v in zip(keys, values, strict=True)], dtype=bool)
        if res.any():
            parts.extend(np.asarray(land_use.geometry.values, dtype=object)[res])
            # OSM maps features; it does not tile the land. Where no land use is mapped we do not
            # know whether people live there, so only the mapped land counts as covered (the hull
            # of an extract would claim land far outside it, through a forest that reaches out).
            known = _union(np.asarray(land_use.geometry.values, dtype=object))
            if known is not None:
                cover.append(known)
            used.append(rules.sources.get("land_use", "landgebruik"))
    return _union(parts), _union(cover), used


def _dwellings(addresses: gpd.GeoDataFrame | None, rules: DasymetricRules) -> tuple[FloatArray, list[str]]:
    """XY of the addresses with a woonfunctie (and a status with residents), and notes."""
    if addresses is None or not len(addresses):
        return np.zeros((0, 2)), []
    notes: list[str] = []
    keep = np.ones(len(addresses), dtype=bool)
    if "gebruiksdoel" in addresses.columns and addresses["gebruiksdoel"].notna().any():
        gd = addresses["gebruiksdoel"].astype("string").str.lower()
        keep &= gd.str.contains(rules.gebruiksdoel, regex=False).fillna(False).to_numpy(dtype=bool)
    else:
        notes.append("De adressenlaag heeft geen gebruiksdoel: alle adressen tellen als woning.")
    if "status" in addresses.columns and rules.exclude_status_words:
        st = addresses["status"].astype("string").str.lower().fillna("")
        gone = np.zeros(len(addresses), dtype=bool)
        for word in rules.exclude_status_words:
            gone |= st.str.contains(word, regex=False).to_numpy(dtype=bool)
        keep &= ~gone
    geoms = np.asarray(addresses.geometry.values, dtype=object)[keep]
    geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    pts = shapely.point_on_surface(geoms) if len(geoms) else geoms
    return shapely.get_coordinates(pts) if len(pts) else np.zeros((0, 2)), notes


def distribute_older_residents(
    neighbourhoods: gpd.GeoDataFrame,
    *,
    addresses: gpd.GeoDataFrame | None = None,
    zoning: gpd.GeoDataFrame | None = None,
    land_use: gpd.GeoDataFrame | None = None,
    rules: DasymetricRules | None = None,
    ages: AgeStructure | None = None,
    progress: Progress | None = None,
) -> PopulationPoints:
    """Spread each area's older residents over addresses, residential land or the area itself.

    ``neighbourhoods`` may hold several levels (buurt, wijk, gemeente): only the finest level with
    figures is used (:func:`finest_level`). Per area the method is the best one whose layer covers
    the area; where a layer covers only part of it, that part gets its share by area over the
    layer, the rest evenly ("adressen" or "woongebied", with the covered share in ``coverage``).
    The points' weights add up to the area's figures exactly. Inputs are not changed.
    """
    check_rd_new(neighbourhoods, "De buurtlaag")
    rules = rules or load_dasymetric_rules()
    ages = ages or load_age_structure()
    level, rows = finest_level(neighbourhoods)
    areas = neighbourhoods.loc[rows]
    figures, est75 = _older_by_age(areas, ages)
    has_figure = ~np.isnan(figures["older65"])
    notes: list[str] = []
    dwell_xy, dwell_notes = _dwellings(addresses, rules)
    notes.extend(dwell_notes)
    # What the address layer covers: its bounding box (+100 m). Extracts are cut by a box (a WFS
    # bbox, a clipped file); the hull of the addresses would leave out a wijk's park at its edge.
    dwell_cover = (
        shapely.box(*(dwell_xy.min(axis=0) - 100.0), *(dwell_xy.max(axis=0) + 100.0))
        if len(dwell_xy)
        else None
    )
    dwell_tree = shapely.STRtree(shapely.points(dwell_xy)) if len(dwell_xy) else None
    res_land, res_cover, res_sources = _residential(zoning, land_use, rules)
    geoms = shapely.make_valid(np.asarray(areas.geometry.values, dtype=object))

    point_rows: list[FloatArray] = []
    point_weights: list[FloatArray] = []
    point_area: list[IntArray] = []
    point_method: list[npt.NDArray[np.object_]] = []
    per_area: list[dict[str, Any]] = []
    codes = areas["code"].astype("string").tolist() if "code" in areas.columns else [None] * len(areas)
    names = areas["name"].astype("string").tolist() if "name" in areas.columns else [None] * len(areas)
    w_matrix = np.column_stack([figures[k] for k in _WEIGHTS])  # areas × weight columns
    n_areas = len(areas)
    for i in range(n_areas):
        report(progress, i / max(1, n_areas), "Ouderen over de woonadressen verdelen")
        geom = geoms[i]
        entry: dict[str, Any] = {"method": "oppervlak", "coverage": 1.0, "n_points": 0}
        if not has_figure[i] or geom is None or geom.is_empty or geom.area <= 0:
            entry["method"] = "geen cijfer" if not has_figure[i] else "oppervlak"
            per_area.append(entry)
            continue
        pieces: list[tuple[FloatArray, float, str]] = []  # (xy, share of the area total, method)
        method = "oppervlak"
        covered_share = 0.0
        if dwell_tree is not None and dwell_cover is not None:
            inside = dwell_tree.query(geom, predicate="contains")
            cover = float(shapely.area(shapely.intersection(geom, dwell_cover)) / geom.area)
            if len(inside) and cover > 0.02:
                method, covered_share = "adressen", min(1.0, cover)
                pieces.append((dwell_xy[np.sort(inside)], covered_share, "adressen"))
        if method == "oppervlak" and res_land is not None and res_cover is not None:
            cover = float(shapely.area(shapely.intersection(geom, res_cover)) / geom.area)
            land = shapely.intersection(geom, res_land)
            if cover > 0.02 and not land.is_empty and land.area > 0:
                method, covered_share = "woongebied", min(1.0, cover)
                xy = _grid_points(land, rules.spacing_m, rules.max_points_per_area)
                pieces.append((xy, covered_share, "woongebied"))
        if method != "oppervlak" and covered_share >= _FULL_COVER:
            pieces = [(pieces[0][0], 1.0, method)]
            covered_share = 1.0
        elif method != "oppervlak":
            layer = dwell_cover if method == "adressen" else res_cover
            rest = shapely.difference(geom, layer)
            xy = _grid_points(rest, rules.spacing_m, rules.max_points_per_area)
            pieces.append((xy, 1.0 - covered_share, "oppervlak"))
        else:
            pieces = [(_grid_points(geom, rules.spacing_m, rules.max_points_per_area), 1.0, "oppervlak")]
            covered_share = 1.0
        n_pts = 0
        for xy, share, how in pieces:
            if not len(xy) or share <= 0:
                continue
            point_rows.append(xy)
            point_weights.append(np.repeat(w_matrix[i : i + 1] * share / len(xy), len(xy), axis=0))
            point_area.append(np.full(len(xy), i, dtype=np.int64))
            point_method.append(np.full(len(xy), how, dtype=object))
            n_pts += len(xy)
        entry.update(method=method, coverage=covered_share, n_points=n_pts)
        per_area.append(entry)

    table = pd.DataFrame(
        {
            "code": pd.array(codes, dtype="string"),
            "name": pd.array(names, dtype="string"),
            "level": pd.array([level] * n_areas, dtype="string"),
            "inwoners": _num(areas, "inwoners"),
            **{k: figures[k] for k in _WEIGHTS},
            "older75_estimated": est75,
            "method": [e["method"] for e in per_area],
            "coverage": [float(e["coverage"]) for e in per_area],
            "n_points": [int(e["n_points"]) for e in per_area],
        },
        index=pd.RangeIndex(n_areas),
    )
    table["method_label"] = [_method_label(e["method"], float(e["coverage"])) for e in per_area]
    if "gemeentecode" in areas.columns:
        table["gemeentecode"] = areas["gemeentecode"].astype("string").to_numpy()
    for col in ("bron", "peiljaar"):
        if col in areas.columns:
            table[col] = areas[col].to_numpy()
    xy = np.concatenate(point_rows) if point_rows else np.zeros((0, 2))
    weights = np.concatenate(point_weights) if point_weights else np.zeros((0, len(_WEIGHTS)))
    area_idx = np.concatenate(point_area) if point_area else np.zeros(0, dtype=np.int64)
    pts = gpd.GeoDataFrame(
        {
            "area": area_idx,
            "area_code": pd.array([codes[i] for i in area_idx], dtype="string"),
            "method": pd.array(
                np.concatenate(point_method) if point_method else np.zeros(0, dtype=object), dtype="string"
            ),
            **{k: weights[:, j] for j, k in enumerate(_WEIGHTS)},
        },
        geometry=gpd.GeoSeries(shapely.points(xy), crs="EPSG:28992"),
        crs="EPSG:28992",
    )
    missing = int((~has_figure).sum())
    if missing:
        notes.append(f"{missing} van de {n_areas} gebieden hebben geen (openbaar) cijfer voor 65-plussers.")
    if est75.any():
        notes.append(
            "75- en 85-plussers zijn geschat uit het aantal 65-plussers met de landelijke leeftijdsopbouw "
            f"({ages.source})."
        )
    if (table["method"] == "adressen").any() or (table["method"] == "woongebied").any():
        partial = table.loc[table["coverage"] < _FULL_COVER - 1e-9]
        partial = partial.loc[partial["method"].isin(["adressen", "woongebied"])]
        if len(partial):
            notes.append(
                f"{len(partial)} gebieden liggen maar deels binnen de adressen- of landgebruiklaag; "
                "de rest van hun ouderen is gelijkmatig over het oppervlak verdeeld."
            )
    sources = tuple(
        dict.fromkeys([str(s) for s in areas["bron"].dropna().unique()] if "bron" in areas.columns else [])
    )
    used = [rules.sources.get("adressen", "")] if (table["method"] == "adressen").any() else []
    used += res_sources if (table["method"] == "woongebied").any() else []
    report(progress, 1.0, "Ouderen verdeeld")
    return PopulationPoints(
        points=pts,
        areas=table,
        level=level,
        notes=tuple(notes),
        sources=tuple(s for s in (*sources, *used) if s),
    )


def _method_label(method: str, coverage: float) -> str:
    if method in ("adressen", "woongebied") and coverage < _FULL_COVER:
        pct = round(coverage * 100)
        return f"{METHOD_LABELS[method]} ({pct} %), rest gelijkmatig over het oppervlak"
    return METHOD_LABELS.get(method, method)


# --------------------------------------------------------------------------------------------
# Walking reach


@dataclass(frozen=True)
class _Snapped:
    node: IntArray
    dist: FloatArray
    ok: BoolArray


def plot_nodes(graph: WalkGraph, plots: gpd.GeoDataFrame, limit: float) -> _Snapped:
    """Each plot's network node nearest its outline (0 when a node lies inside) and that gap.

    The residents' count walks from one node per plot, as residents' addresses join at one node;
    the facility distances (plotscore.distance) use every entry point of a plot. Within a plot the
    difference is at most the plot's own size, small against the 400/800 m radii.
    """
    check_rd_new(plots, "De kavellaag")
    geoms = plots.geometry.to_numpy()
    usable = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    node = np.full(len(geoms), -1, dtype=np.int64)
    dist = np.full(len(geoms), np.nan, dtype=np.float64)
    at = np.flatnonzero(usable)
    if len(at):
        node[at], dist[at] = nearest_exact(geoms[at], graph.node_xy, graph.node_tree)
    with np.errstate(invalid="ignore"):
        ok = usable & (dist <= limit)
    return _Snapped(node, dist, ok)


def _snap_points(graph: WalkGraph, xy: FloatArray, limit: float) -> _Snapped:
    """Nearest network node of each point (as facilities are snapped) and the snap length."""
    if not len(xy):
        return _Snapped(np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0, dtype=bool))
    d, i = graph.node_tree.query(xy, k=1)
    dist = np.asarray(d, dtype=np.float64)
    return _Snapped(np.asarray(i, dtype=np.int64), dist, dist <= limit)


def _batches(xy: FloatArray, cell_m: float, size: int) -> list[IntArray]:
    """Groups of positions of nearby points: by grid cell, cells split into chunks of ``size``."""
    if not len(xy):
        return []
    cells = np.floor(xy / cell_m).astype(np.int64)
    key = cells[:, 0] * 1_000_003 + cells[:, 1]
    order = np.argsort(key, kind="stable")
    sk = key[order]
    cuts = np.flatnonzero(np.diff(sk)) + 1
    out: list[IntArray] = []
    for group in np.split(order, cuts):
        out.extend(group[s : s + size] for s in range(0, len(group), size))
    return out


def older_within_reach(
    plots: gpd.GeoDataFrame,
    population: PopulationPoints,
    *,
    graph: WalkGraph | None = None,
    radii_m: Sequence[float] = REACH_RADII_M,
    snap_limit_m: float = 250.0,
    ontsloten: npt.ArrayLike | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Older residents (65+, 75+; estimate, min, max) within each radius of each plot, indexed like it.

    With a ``graph``: walking, counted as plot snap + network distance + the resident's snap ≤ r,
    the same snapping as the facility distances (plots to the node nearest their outline, points
    to their nearest node; farther than ``snap_limit_m`` is not reachable). Plots off the network
    get NaN. Without a graph: straight-line, residents within r of the plot's outline.
    Columns :func:`plotscore.columns.older_col` per age and radius (+ ``_min``/``_max``), and
    ``older_reach_method`` ("lopen" or "hemelsbreed"). ``attrs["note"]`` says how many residents
    lie too far from the network to be reached by anyone.
    """
    check_rd_new(plots, "De kavellaag")
    radii = sorted({float(r) for r in radii_m})
    if not radii or any(not (math.isfinite(r) and r > 0) for r in radii):
        raise ScoringError(
            f"Ongeldige loopafstanden voor de ouderen: {radii_m}.", hint="Geef afstanden groter dan 0 m."
        )
    cols = [c for c in _WEIGHTS if not c.startswith("older85")]
    pts = population.points
    weights = pts[cols].to_numpy(dtype=np.float64) if len(pts) else np.zeros((0, len(cols)))
    xy = (
        shapely.get_coordinates(np.asarray(pts.geometry.values, dtype=object))
        if len(pts)
        else np.zeros((0, 2))
    )
    n = len(plots)
    result = np.full((n, len(radii), len(cols)), np.nan)
    note = ""
    if graph is None:
        method = "hemelsbreed"
        geoms = np.asarray(plots.geometry.values, dtype=object)
        usable = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        result[usable] = 0.0
        if len(xy):
            tree = shapely.STRtree(shapely.points(xy))
            at = np.flatnonzero(usable)
            for k, r in enumerate(radii):
                g_i, p_i = tree.query(geoms[at], predicate="dwithin", distance=r)
                for j in range(len(cols)):
                    result[at, k, j] = np.bincount(g_i, weights=weights[p_i, j], minlength=len(at))
    else:
        method = "lopen"
        result, unreached = _walk_counts(graph, plots, xy, weights, radii, snap_limit_m, progress)
        if ontsloten is not None:
            result[~np.asarray(ontsloten, dtype=bool)] = np.nan
        note = _unreached_text(unreached, float(weights[:, 0].sum()) if len(weights) else 0.0, snap_limit_m)
    data: dict[str, Any] = {}
    for k, r in enumerate(radii):
        for j, c in enumerate(cols):
            age, _, suffix = c.removeprefix("older").partition("_")
            name = older_col(age, r) + (f"_{suffix}" if suffix else "")
            data[name] = result[:, k, j]
    out = pd.DataFrame(data, index=plots.index)
    out["older_reach_method"] = pd.Categorical([method] * n, categories=["lopen", "hemelsbreed"])
    out.attrs["note"] = note
    return out


def _unreached_text(unreached: float, total: float, snap_limit_m: float) -> str:
    if unreached > 0 and total > 0:
        return (
            f"{round(100 * unreached / total)} % van de 65-plussers in de geladen gebieden woont meer dan "
            f"{snap_limit_m:.0f} m van het loopnetwerk en telt bij geen enkele kavel mee."
        )
    return ""


def unreached_note(node_xy: FloatArray, population: PopulationPoints, snap_limit_m: float) -> str:
    """The note of :func:`older_within_reach` on residents farther than the snap limit from every
    network node, for a network known by its nodes only (a tiled region, :mod:`plotscore.tiles`)."""
    pts = population.points
    if not len(pts) or not len(node_xy):
        return ""
    xy = shapely.get_coordinates(np.asarray(pts.geometry.values, dtype=object))
    d, _i = cKDTree(node_xy).query(xy, k=1)
    weights = pts["older65"].to_numpy(dtype=np.float64)
    return _unreached_text(
        float(weights[np.asarray(d) > snap_limit_m].sum()), float(weights.sum()), snap_limit_m
    )


class _Subgraphs:
    """Induced subgraphs of the walking graph on sorted node sets, in O(edges of the subset).

    (Fancy-indexing a scipy CSR by columns costs a pass over all columns per call; a batch
    touches a few thousand of hundreds of thousands of nodes.)
    """

    def __init__(self, graph: WalkGraph) -> None:
        self.csr = graph.csr
        self.pos = np.full(graph.n_nodes, -1, dtype=np.int64)

    def induced(self, nodes: IntArray) -> Any:
        from scipy import sparse

        indptr, indices, data = self.csr.indptr, self.csr.indices, self.csr.data
        m = len(nodes)
        self.pos[nodes] = np.arange(m)
        try:
            starts, ends = indptr[nodes], indptr[nodes + 1]
            counts = ends - starts
            first = np.cumsum(counts) - counts
            edges = np.repeat(starts - first, counts) + np.arange(int(counts.sum()))
            cols = self.pos[indices[edges]]
            keep = cols >= 0
            row = np.repeat(np.arange(m), counts)[keep]
            new_indptr = np.zeros(m + 1, dtype=np.int64)
            np.cumsum(np.bincount(row, minlength=m), out=new_indptr[1:])
            return sparse.csr_array((data[edges][keep], cols[keep], new_indptr), shape=(m, m))
        finally:
            self.pos[nodes] = -1


def _walk_counts(
    graph: WalkGraph,
    plots: gpd.GeoDataFrame,
    xy: FloatArray,
    weights: FloatArray,
    radii: list[float],
    snap_limit_m: float,
    progress: Progress | None,
) -> tuple[npt.NDArray[np.float64], float]:
    """Sum of the weights within each radius of walking, per plot (NaN off the network)."""
    n = len(plots)
    out = np.full((n, len(radii), weights.shape[1]), np.nan)
    psnap = plot_nodes(graph, plots, snap_limit_m)
    ok = np.flatnonzero(psnap.ok)
    out[ok] = 0.0
    snapped = _snap_points(graph, xy, snap_limit_m)
    unreached = float(weights[~snapped.ok, 0].sum()) if len(weights) else 0.0
    if not len(ok) or not snapped.ok.any():
        return out, unreached
    # Residents grouped by their network node (CSR-like), so a subgraph finds its residents fast.
    pt_at = np.flatnonzero(snapped.ok)
    order = pt_at[np.argsort(snapped.node[pt_at], kind="stable")]
    pt_node = snapped.node[order]
    pt_snap = snapped.dist[order]
    pt_w = weights[order]
    rmax = radii[-1]
    node_xy = graph.node_xy
    ok_nodes = psnap.node[ok]
    plot_snap = psnap.dist[ok]
    batches = _batches(node_xy[ok_nodes], _CELL_M, _BATCH)
    sub_of = _Subgraphs(graph)
    for b, batch in enumerate(batches):  # loop over batches of nearby plots, never single plots
        if b % 16 == 0:
            report(progress, b / len(batches), "Ouderen binnen loopafstand tellen")
        nodes_b = ok_nodes[batch]
        centre = node_xy[nodes_b].mean(axis=0)
        spread = float(np.max(np.hypot(*(node_xy[nodes_b] - centre).T)))
        local = np.sort(
            np.asarray(graph.node_tree.query_ball_point(centre, spread + rmax + 1e-6), dtype=np.int64)
        )
        sub = sub_of.induced(local)
        uniq, inv = np.unique(nodes_b, return_inverse=True)
        src = np.searchsorted(local, uniq)
        dist = dijkstra(sub, directed=True, indices=src, limit=rmax)
        reached = np.flatnonzero(np.isfinite(dist).any(axis=0))  # only nodes some plot reaches
        dist = dist[:, reached]
        lo = np.searchsorted(pt_node, local[reached], "left")
        hi = np.searchsorted(pt_node, local[reached], "right")
        cnt = hi - lo
        if not cnt.sum():
            continue
        first = np.cumsum(cnt) - cnt
        sel = np.repeat(lo - first, cnt) + np.arange(int(cnt.sum()))  # residents on local nodes
        col = np.repeat(np.arange(len(reached)), cnt)  # their (reached) local node
        total = dist[inv][:, col] + pt_snap[sel][None, :] + plot_snap[batch][:, None]
        w = pt_w[sel]
        for k, r in enumerate(radii):
            out[ok[batch], k] = (total <= r) @ w
    report(progress, 1.0, "Ouderen binnen loopafstand geteld")
    return out, unreached


# --------------------------------------------------------------------------------------------
# Population-weighted walking distance per area (beside the CBS road distance)


@dataclass(frozen=True)
class AreaDistances:
    """Per area: the older residents' mean walking distance to the nearest facility of a category."""

    category: str
    frame: pd.DataFrame  # index like population.areas: mean_m, median_m, share_reached, older65_reached
    limit_m: float
    notes: tuple[str, ...] = field(default_factory=tuple)


def population_weighted_distance(
    graph: WalkGraph,
    population: PopulationPoints,
    facilities: gpd.GeoDataFrame,
    category: str,
    *,
    limit_m: float = 5000.0,
    snap_limit_m: float = 250.0,
    progress: Progress | None = None,
) -> AreaDistances:
    """Mean and median walking distance (m) of each area's 65-plussers to the nearest ``category``.

    Uses the engine's own :func:`plotscore.distance.network_distances` with the residents' points
    as origins, so it is the same walking distance as a plot's. Residents farther than
    ``snap_limit_m`` from the network or without a facility within ``limit_m`` are left out of the
    mean; ``share_reached`` says which share of the area's 65-plussers the mean is about.
    """
    pts = population.points
    frame = pd.DataFrame(index=population.areas.index)
    frame["mean_m"] = np.nan
    frame["median_m"] = np.nan
    frame["share_reached"] = 0.0
    frame["older65_reached"] = 0.0
    if not len(pts) or not len(facilities):
        return AreaDistances(category, frame, limit_m)
    origins = gpd.GeoDataFrame(geometry=pts.geometry.values, crs="EPSG:28992")
    d = network_distances(
        graph,
        origins,
        facilities,
        {category: float(limit_m)},
        snap_limit_m=snap_limit_m,
        progress=progress,
    )
    dist = d[f"dist_{category}_m"].to_numpy(dtype=np.float64, na_value=np.nan)
    w = pts["older65"].to_numpy(dtype=np.float64)
    area = pts["area"].to_numpy(dtype=np.int64)
    reached = ~np.isnan(dist)
    n = len(population.areas)
    w_all = np.bincount(area, weights=w, minlength=n)
    w_in = np.bincount(area[reached], weights=w[reached], minlength=n)
    s = np.bincount(area[reached], weights=(w * np.nan_to_num(dist))[reached], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["mean_m"] = np.where(w_in > 0, s / w_in, np.nan)
        frame["share_reached"] = np.where(w_all > 0, w_in / w_all, 0.0)
    frame["older65_reached"] = w_in
    for a in np.unique(area[reached]):
        m = reached & (area == a)
        frame.loc[int(a), "median_m"] = _weighted_median(dist[m], w[m])
    return AreaDistances(category, frame, limit_m)


def _weighted_median(values: FloatArray, weights: FloatArray) -> float:
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order])
    if not len(cum) or cum[-1] <= 0:
        return float("nan")
    return float(values[order][np.searchsorted(cum, cum[-1] / 2.0)])
