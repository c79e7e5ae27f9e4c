"""How many homes a plot could hold: from the plan's maatvoering where it has one, else presets.

The estimate is a range with its basis in words, so a workshop sees whether a number comes from
the bestemmingsplan ("maatvoering: maximum aantal wooneenheden 24") or from a density preset
("oppervlakte × dichtheid (60–120 woningen/ha, voorinstelling)"). Presets are data in
``resources/profiles/density.toml``.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from plotscore.constraints import (
    DensityPreset,
    DensityTable,
    _areal,
    _geometries,
    _nl,
    _pairs,
    _text,
    density_range,
    load_density_table,
    require_rd,
)

__all__ = ["CAPACITY_COLUMNS", "PLANNED_HOMES_COLUMNS", "estimate_capacity"]

# The columns estimate_capacity returns (and a scoring run carries).
CAPACITY_COLUMNS = ("capacity_min", "capacity_max", "capacity_basis", "capacity_plan_max")

# Columns of a plots frame that may carry a planned number of homes (for point plots).
PLANNED_HOMES_COLUMNS = ("planned_homes", "geplande_woningen")
_EPS = 1e-6  # keeps 59.9999999 from flooring to 59
_COVERAGE_PATTERN = r"maximum bebouwingspercentage \(%\)\s*=\s*([0-9]+(?:[.,][0-9]+)?)"

FloatArray = npt.NDArray[np.float64]
ObjArray = npt.NDArray[np.object_]


def _num(frame: pd.DataFrame, column: str) -> FloatArray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    values = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return np.asarray(values.to_numpy(na_value=np.nan), dtype=np.float64)


def _maatvoering(zoning: gpd.GeoDataFrame) -> tuple[ObjArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Planobjects carrying maatvoering: geometry, wooneenheden, bouwlagen, bouwhoogte, coverage.

    IMRO values live on the maatvoering objects; the loader also copies them onto the bouwvlak
    they point to, so within a plan that has maatvoering rows only those are used (no double
    count). Plans without maatvoering rows (a hand-made layer) use any row with values.
    Identical geometries are merged (largest value wins).
    """
    ftype = _text(zoning, "feature_type")
    homes = _num(zoning, "max_wooneenheden")
    layers = _num(zoning, "max_bouwlagen")
    height = _num(zoning, "max_bouwhoogte_m")
    has_value = ~(np.isnan(homes) & np.isnan(layers) & np.isnan(height))
    is_mv = (ftype == "maatvoering").to_numpy(dtype=bool)
    plan = (
        zoning["plan_id"].astype("string").fillna("").to_numpy(dtype=object)
        if "plan_id" in zoning.columns
        else np.full(len(zoning), "", dtype=object)
    )
    plans_with_mv = pd.unique(plan[is_mv & has_value])
    use = (
        has_value & (is_mv | ~np.isin(plan, plans_with_mv)) & ~ftype.isin(["dubbelbestemming", "plangebied"])
    )
    use &= ~shapely.is_missing(np.asarray(zoning.geometry.values, dtype=object))
    # The plan's bebouwingspercentage: the loader's column, else parsed from the text (hand-made layers).
    coverage = _num(zoning, "max_bebouwingspercentage") / 100.0
    if "maatvoering" in zoning.columns:
        text = zoning["maatvoering"].astype("string").str.lower()
        pct = text.str.extract(_COVERAGE_PATTERN, expand=False).str.replace(",", ".", regex=False)
        parsed = pd.to_numeric(pct, errors="coerce").astype("float64").to_numpy(na_value=np.nan) / 100.0
        coverage = np.where(np.isnan(coverage), parsed, coverage)
    rows = np.flatnonzero(use)
    geoms = _geometries(zoning)[rows]
    frame = pd.DataFrame(
        {
            "key": shapely.to_wkb(shapely.normalize(geoms)),
            "homes": homes[rows],
            "layers": layers[rows],
            "height": height[rows],
            "coverage": coverage[rows],
            "pos": np.arange(len(rows)),
        }
    )
    merged = frame.groupby("key", sort=False).agg(
        homes=("homes", "max"), layers=("layers", "max"), height=("height", "max"),
        coverage=("coverage", "min"), pos=("pos", "first"),
    )  # fmt: skip
    return (
        geoms[merged["pos"].to_numpy(dtype=np.intp)],
        merged["homes"].to_numpy(dtype=np.float64),
        merged["layers"].to_numpy(dtype=np.float64),
        merged["height"].to_numpy(dtype=np.float64),
        merged["coverage"].to_numpy(dtype=np.float64),
    )


def _range_text(lo: FloatArray, hi: FloatArray, fmt: str) -> ObjArray:
    lo_t = pd.Series(lo).map(fmt.format)
    hi_t = pd.Series(hi).map(fmt.format)
    out: ObjArray = np.where(lo == hi, lo_t, lo_t + "–" + hi_t).astype(object)
    return out


def _cap_by_wooneenheden(
    pi: npt.NDArray[np.intp],
    homes: FloatArray,
    overlap: FloatArray,
    area: FloatArray,
    cap_min: FloatArray,
    cap_max: FloatArray,
    basis: ObjArray,
    plan_max: FloatArray,
) -> None:
    """Cap the estimates (in place) by the maatvoering wooneenheden on each plot.

    A maatvoering's number is the most homes its whole area may hold, so the part of the plot
    inside it holds at most that number (all of it: the plot may be the only place in that
    area that is built on); the part outside keeps its share of the estimate. The cap is said
    in the basis, also when it does not bind, so a workshop sees the plan was looked at.
    ``plan_max`` gets the plan's number for plots wholly inside the maatvoering (a reservation
    above it asks for more than the plan allows).
    """
    n = len(area)
    plan_homes = np.bincount(pi, weights=homes, minlength=n)
    inside = np.clip(np.bincount(pi, weights=overlap, minlength=n) / np.maximum(area, _EPS), 0.0, 1.0)
    idx = np.unique(pi)
    cap = np.floor(plan_homes[idx] + _EPS)
    outside = 1.0 - inside[idx]
    outside[outside < 0.005] = 0.0  # rounding of the intersection areas
    lo, hi = cap_min[idx], cap_max[idx]
    new_lo = np.minimum(lo, cap + np.floor(lo * outside + _EPS))
    new_hi = np.minimum(hi, cap + np.floor(hi * outside + _EPS))
    binding = new_hi < hi
    cap_t = pd.Series(cap).map(_nl).to_numpy(dtype=object)
    part = np.where(
        outside > 0,
        " op " + pd.Series(np.round(inside[idx] * 100)).map("{:.0f}%".format) + " van de kavel",
        "",
    )
    label = "bestemmingsplan: max. " + cap_t + " wooneenheden" + part.astype(object)
    before = _range_text(lo, hi, "{:.0f}")
    basis[idx] = np.where(
        binding,
        label + " (begrenst " + basis[idx] + ": " + before + ")",
        basis[idx] + "; " + label + " (niet beperkend)",
    )
    cap_min[idx], cap_max[idx] = new_lo, new_hi
    plan_max[idx] = np.where(outside > 0, np.nan, cap)


def _kept_area(geoms: ObjArray, areal: npt.NDArray[np.bool_], kept: gpd.GeoDataFrame | None) -> FloatArray:
    """Per plot: m² covered by existing buildings that stay (overlapping footprints counted once)."""
    out = np.zeros(len(geoms), dtype=np.float64)
    if kept is None or len(kept) == 0:
        return out
    require_rd(kept, "bestaande bebouwing")
    footprints = _geometries(kept)
    footprints = footprints[_areal(footprints)]
    if len(footprints) == 0:
        return out
    pi, oi, _ = _pairs(geoms, areal, footprints)
    for p in np.unique(pi):
        union = shapely.union_all(footprints[oi[pi == p]])
        out[p] = float(shapely.area(shapely.intersection(geoms[p], union)))
    return out


def estimate_capacity(
    plots: gpd.GeoDataFrame,
    *,
    housing_category: str,
    zoning: gpd.GeoDataFrame | None = None,
    table: DensityTable | None = None,
    kept_buildings: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """Estimated number of homes per plot as a range with its basis, indexed like plots.

    Columns ``capacity_min`` and ``capacity_max`` (Int64, homes, rounded down),
    ``capacity_basis`` (Dutch) and ``capacity_plan_max`` (Int64: the plan's maximum number of
    wooneenheden for a plot wholly inside a maatvoering that sets one, else NA). Order of
    precedence for a polygon plot:

    1. maatvoering bouwlagen (or bouwhoogte / storey height) on the plot: Σ bouwlagen × overlap
       area × bebouwingspercentage (the plan's, else the preset coverage) / bvo per home (the
       preset's max gives capacity_min, its min capacity_max);
    2. otherwise plot area × the preset density range (homes per hectare,
       :func:`plotscore.constraints.density_range`);
    3. then a maatvoering "(maximum/maximaal) aantal wooneenheden" caps the result: the part of
       the plot inside it holds at most the plan's number ("bestemmingsplan: max. 6
       wooneenheden" in the basis, with what it capped).

    ``kept_buildings`` are footprints of existing buildings that stay: the part of a plot they
    cover is not built on again, so rules 1 and 2 use the free share of the plot and the basis
    says how many m² were taken off. A point plot uses a ``planned_homes`` /
    ``geplande_woningen`` column if present, else NA ("onbekend (punt zonder oppervlakte)").
    """
    require_rd(plots, "kandidaatlocaties")
    density = table if table is not None else load_density_table()
    preset: DensityPreset = density.preset(housing_category)
    storey = density.storey_height_m
    n = len(plots)
    geoms = _geometries(plots)
    areal = _areal(geoms)
    area = np.where(areal, np.nan_to_num(shapely.area(geoms)), 0.0)
    kept = np.minimum(_kept_area(geoms, areal, kept_buildings), area)
    free = np.where(area > 0, (area - kept) / np.maximum(area, _EPS), 0.0)

    cap_min = np.full(n, np.nan)
    cap_max = np.full(n, np.nan)
    plan_max = np.full(n, np.nan)
    basis = np.full(n, "onbekend (punt zonder oppervlakte)", dtype=object)
    basis[shapely.is_missing(geoms) | shapely.is_empty(geoms)] = "onbekend (geen geometrie)"

    # 2. Density preset for every polygon; overwritten below where the plan says more.
    lo, hi = density_range(area * free, preset)
    cap_min[areal], cap_max[areal] = lo[areal], hi[areal]
    basis[areal] = (
        f"oppervlakte × dichtheid ({preset.homes_per_ha_min:g}–{preset.homes_per_ha_max:g} woningen/ha, voorinstelling)"
    )

    if zoning is not None and len(zoning):
        require_rd(zoning, "bestemmingsplan")
        mv_geoms, homes, layers, height, coverage = _maatvoering(zoning)
        pi, mi, overlap = _pairs(geoms, areal, mv_geoms)
        poly = areal[pi]
        pi, mi, overlap = pi[poly], mi[poly], overlap[poly]

        # 1. Bouwlagen (or bouwhoogte / storey height) × overlap × coverage / bvo per home.
        pair_layers = np.where(np.isnan(layers[mi]), np.floor(height[mi] / storey + _EPS), layers[mi])
        pair_cov = np.where(np.isnan(coverage[mi]), preset.coverage, coverage[mi])
        h = ~np.isnan(pair_layers)
        if h.any():
            hp = pi[h]
            floor_area = np.bincount(hp, weights=pair_layers[h] * overlap[h] * pair_cov[h], minlength=n)
            floor_area *= free
            area_h = np.bincount(hp, weights=overlap[h], minlength=n)
            agg = pd.DataFrame({"p": hp, "l": pair_layers[h], "c": pair_cov[h]}).groupby("p")
            lo_l, hi_l = agg["l"].min(), agg["l"].max()
            lo_c, hi_c = agg["c"].min(), agg["c"].max()
            idx = lo_l.index.to_numpy(dtype=np.intp)
            cap_min[idx] = np.floor(floor_area[idx] / preset.bvo_per_home_max_m2 + _EPS)
            cap_max[idx] = np.floor(floor_area[idx] / preset.bvo_per_home_min_m2 + _EPS)
            layers_t = _range_text(lo_l.to_numpy(np.float64), hi_l.to_numpy(np.float64), "{:g}")
            cov_t = _range_text(lo_c.to_numpy(np.float64) * 100, hi_c.to_numpy(np.float64) * 100, "{:.0f}%")
            area_t = pd.Series(area_h[idx]).map(_nl).to_numpy(dtype=object)
            basis[idx] = (
                "maatvoering: "
                + layers_t
                + " bouwlagen × "
                + area_t
                + " m² × bebouwing "
                + cov_t
                + f" / {preset.bvo_per_home_min_m2:g}–{preset.bvo_per_home_max_m2:g} m² bvo per woning"
            )

    # Existing buildings that stay: said before the plan's cap, which applies to the result.
    with_kept = areal & (kept > 0)
    if with_kept.any():
        kept_t = pd.Series(kept[with_kept]).map(_nl).to_numpy(dtype=object)
        basis[with_kept] = basis[with_kept] + ", zonder " + kept_t + " m² bestaande bebouwing die blijft"

    if zoning is not None and len(zoning):
        # 3. The plan's number of wooneenheden caps whatever the rules above estimate.
        w = ~np.isnan(homes[mi])
        if w.any():
            _cap_by_wooneenheden(pi[w], homes[mi[w]], overlap[w], area, cap_min, cap_max, basis, plan_max)

    # Point plots: a planned number of homes if the frame has one.
    planned_col = next((c for c in PLANNED_HOMES_COLUMNS if c in plots.columns), None)
    if planned_col is not None:
        planned = _num(plots, planned_col)
        known = ~areal & ~np.isnan(planned) & (planned >= 0)
        cap_min[known] = cap_max[known] = np.floor(planned[known] + _EPS)
        basis[known] = f"geplande woningen (kolom {planned_col})"

    return pd.DataFrame(
        {
            "capacity_min": pd.array(cap_min, dtype="Float64").astype("Int64"),
            "capacity_max": pd.array(cap_max, dtype="Float64").astype("Int64"),
            "capacity_basis": pd.array(basis, dtype="string"),
            "capacity_plan_max": pd.array(plan_max, dtype="Float64").astype("Int64"),
        },
        index=plots.index,
    )
