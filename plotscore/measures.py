"""Measures that are not walking distances: a raster's mean over a plot, and nearby demand.

``raster_mean`` summarises any RD New GeoTIFF (heat stress, noise, flood depth) per plot;
``older_residents_within`` counts the older people who live around a plot, area-weighted from
CBS buurten or 100 m grid cells. Both return Series indexed like the plots.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import rasterio
import rasterio.features
import rasterio.windows
import shapely
from rasterio.errors import RasterioIOError
from rasterio.transform import Affine

from plotscore.constraints import _areal, _bounds_in_rd, _geometries, _pairs, require_rd
from plotscore.errors import CRSMismatchError, ScoringError
from plotscore.progress import Progress, report

__all__ = ["older_residents_table", "older_residents_within", "raster_mean"]

FloatArray = npt.NDArray[np.float64]
ObjArray = npt.NDArray[np.object_]

# Rasters up to this many cells are read once into memory (16M float64 cells = 128 MB);
# larger ones are read per plot window.
_IN_MEMORY_CELLS = 16_000_000


# --------------------------------------------------------------------------- raster


def _check_raster_crs(src: rasterio.io.DatasetReader, path: Path) -> None:
    """A raster must be in EPSG:28992, or have no CRS and bounds inside the RD New range."""
    hint = (
        "Herprojecteer het raster naar RD New (EPSG:28992), bijv. met "
        "'gdalwarp -t_srs EPSG:28992 invoer.tif uitvoer.tif' of in QGIS via Raster ▸ Projecties ▸ Herprojecteren."
    )
    if src.crs is None:
        if _bounds_in_rd(tuple(src.bounds)):
            return
        raise CRSMismatchError(
            f"Het raster {path.name} noemt geen coördinatenstelsel en ligt niet in RD New.",
            hint=hint,
            source=str(path),
        )
    if src.crs.to_epsg() != 28992:
        raise CRSMismatchError(
            f"Het raster {path.name} staat in {src.crs.to_string()}, niet in RD New (EPSG:28992).",
            hint=hint,
            source=str(path),
        )


def _read(src: rasterio.io.DatasetReader, band: int, window: rasterio.windows.Window | None) -> FloatArray:
    """One band (or window) as float64 with NaN for nodata and masked cells."""
    data = src.read(band, window=window, masked=True)
    out: FloatArray = np.ma.filled(data.astype(np.float64), np.nan)
    return out


def raster_mean(
    plots: gpd.GeoDataFrame,
    raster_path: str | Path,
    *,
    band: int = 1,
    name: str | None = None,
    progress: Progress | None = None,
) -> pd.Series:
    """Mean raster value within each plot polygon (cells whose centre lies inside), indexed like plots.

    A point plot gets the value of the cell it lies in; a polygon smaller than a cell (no cell
    centre inside) gets the cell at its representative point. Nodata cells are ignored; a plot
    outside the raster or only on nodata gets NaN. Small rasters are read once, large ones per
    plot window. ``name`` becomes the Series name (the caller's ``raster_<id>``).
    """
    require_rd(plots, "kandidaatlocaties")
    path = Path(raster_path)
    try:
        src = rasterio.open(path)
    except RasterioIOError as exc:
        raise ScoringError(
            f"Het raster {path.name} kan niet worden geopend.",
            hint="Controleer of het bestand bestaat en een GeoTIFF is.",
            source=str(path),
        ) from exc
    with src:
        _check_raster_crs(src, path)
        if not 1 <= band <= src.count:
            raise ScoringError(
                f"Het raster {path.name} heeft geen band {band} (wel 1–{src.count}).",
                hint="Kies een bestaande band.",
                source=str(path),
            )
        values = _raster_values(src, band, _geometries(plots), progress)
    return pd.Series(values, index=plots.index, name=name, dtype="float64")


def _raster_values(
    src: rasterio.io.DatasetReader, band: int, geoms: ObjArray, progress: Progress | None
) -> FloatArray:
    n = len(geoms)
    out = np.full(n, np.nan)
    height, width = src.height, src.width
    transform: Affine = src.transform
    inv_a, inv_b, inv_c, inv_d, inv_e, inv_f = (~transform)[:6]

    def to_cell(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Fractional (col, row) of map coordinates, vectorised."""
        return inv_a * x + inv_b * y + inv_c, inv_d * x + inv_e * y + inv_f

    whole = _read(src, band, None) if height * width <= _IN_MEMORY_CELLS else None

    def cells(x: FloatArray, y: FloatArray) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        col, row = to_cell(x, y)
        return np.floor(row).astype(np.int64), np.floor(col).astype(np.int64)

    def sample(rows: npt.NDArray[np.int64], cols: npt.NDArray[np.int64]) -> FloatArray:
        """Values at cells (NaN outside the raster)."""
        res = np.full(len(rows), np.nan)
        inside = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
        if whole is not None:
            res[inside] = whole[rows[inside], cols[inside]]
        else:
            for k in np.flatnonzero(inside):  # large raster: one 1×1 window per point
                res[k] = _read(src, band, rasterio.windows.Window(int(cols[k]), int(rows[k]), 1, 1))[0, 0]
        return res

    present = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    areal = _areal(geoms) & present
    # Points (and any non-polygon): the cell under the point; also the fallback for tiny polygons.
    anchor = shapely.point_on_surface(geoms[present])
    ax, ay = shapely.get_x(anchor), shapely.get_y(anchor)
    anchor_value = np.full(n, np.nan)
    anchor_value[present] = sample(*cells(ax, ay))
    out[present & ~areal] = anchor_value[present & ~areal]

    # Polygons: a window per plot bounding box (vectorised), then a mask per plot.
    poly = np.flatnonzero(areal)
    if len(poly):
        b = shapely.bounds(geoms[poly])
        xs = np.stack([b[:, 0], b[:, 0], b[:, 2], b[:, 2]], axis=1)
        ys = np.stack([b[:, 1], b[:, 3], b[:, 1], b[:, 3]], axis=1)
        cols, rows = to_cell(xs, ys)
        c0 = np.clip(np.floor(np.min(cols, axis=1)), 0, width).astype(np.int64)
        c1 = np.clip(np.ceil(np.max(cols, axis=1)), 0, width).astype(np.int64)
        r0 = np.clip(np.floor(np.min(rows, axis=1)), 0, height).astype(np.int64)
        r1 = np.clip(np.ceil(np.max(rows, axis=1)), 0, height).astype(np.int64)
        step = max(1, len(poly) // 50)
        for k, i in enumerate(poly):
            if k % step == 0:
                report(progress, k / len(poly), "Rasterwaarden per locatie")
            h, w = int(r1[k] - r0[k]), int(c1[k] - c0[k])
            if h <= 0 or w <= 0:
                continue  # outside the raster
            if whole is not None:
                block = whole[r0[k] : r1[k], c0[k] : c1[k]]
            else:
                block = _read(src, band, rasterio.windows.Window(int(c0[k]), int(r0[k]), w, h))
            mask = rasterio.features.geometry_mask(
                [geoms[i]],
                out_shape=(h, w),
                transform=transform @ Affine.translation(int(c0[k]), int(r0[k])),
                invert=True,
            )
            if not mask.any():
                out[i] = anchor_value[i]
                continue
            vals = block[mask]
            vals = vals[np.isfinite(vals)]
            if len(vals):
                out[i] = float(vals.mean())
    report(progress, 1.0, "Rasterwaarden berekend")
    return out


# --------------------------------------------------------------------------- demand


def _counts(areas: pd.DataFrame, column: str) -> FloatArray:
    """The count per area; derived from inwoners × pct where the count is missing.

    Negative values are CBS secrecy codes (-99997, ...) and count as unknown, never as 0.
    """
    pct_column = column.replace("inwoners_", "pct_", 1)
    derivable = {"inwoners", pct_column} <= set(areas.columns) and pct_column != column
    if column not in areas.columns and not derivable:
        raise ScoringError(
            f"De buurtlaag heeft geen kolom '{column}' (en geen 'inwoners' met '{pct_column}' om die af te leiden).",
            hint="Laad CBS-buurtcijfers of vierkantstatistieken met aantallen per leeftijdsgroep.",
        )

    def num(col: str) -> FloatArray:
        if col not in areas.columns:
            return np.full(len(areas), np.nan)
        v = np.asarray(pd.to_numeric(areas[col], errors="coerce").astype("float64").to_numpy(na_value=np.nan))
        return np.where(v < 0, np.nan, v)

    count = num(column)
    if derivable:
        derived = num("inwoners") * num(pct_column) / 100.0
        count = np.where(np.isnan(count), derived, count)
    return count


def _demand(
    plots: gpd.GeoDataFrame,
    neighbourhoods: gpd.GeoDataFrame,
    radius_m: float,
    column: str,
    progress: Progress | None,
) -> tuple[pd.DataFrame, int, int]:
    """The demand table, plus how many areas are in reach and how many of those lack a count."""
    require_rd(plots, "kandidaatlocaties")
    require_rd(neighbourhoods, "buurten")
    if not np.isfinite(radius_m) or radius_m < 0:
        raise ScoringError(
            f"De straal voor de vraag moet 0 of meer meter zijn (nu {radius_m}).",
            hint="Kies bijvoorbeeld 500 m.",
        )
    count = _counts(neighbourhoods, column)
    report(progress, 0.0, "Ouderen in de buurt tellen")
    n = len(plots)
    geoms = _geometries(plots)
    # Below a micrometre a buffer is no buffer (and GEOS returns an empty polygon for it).
    buffers = shapely.buffer(geoms, radius_m) if radius_m >= 1e-6 else geoms
    buffer_areal = _areal(buffers)  # a point with radius 0 has no area and so no residents
    buffer_area = np.where(buffer_areal, np.nan_to_num(shapely.area(buffers)), 0.0)
    areas = _geometries(neighbourhoods)
    area_size = np.nan_to_num(shapely.area(areas))
    pi, ai, overlap = _pairs(buffers, buffer_areal, areas)
    keep = (area_size[ai] > 0) & buffer_areal[pi]
    pi, ai, overlap = pi[keep], ai[keep], overlap[keep]
    report(progress, 0.7, "Ouderen in de buurt tellen")
    known = ~np.isnan(count[ai])
    total = np.bincount(
        pi[known], weights=count[ai[known]] * overlap[known] / area_size[ai[known]], minlength=n
    )
    known_area = np.bincount(pi[known], weights=overlap[known], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        coverage = np.where(buffer_area > 0, np.clip(known_area / buffer_area, 0.0, 1.0), np.nan)
    total = np.where(known_area > 0, total, np.nan)
    in_reach = np.unique(ai)
    report(progress, 1.0, "Ouderen in de buurt geteld")
    table = pd.DataFrame({"older_residents": total, "demand_coverage_share": coverage}, index=plots.index)
    return table, len(in_reach), int(np.isnan(count[in_reach]).sum())


def older_residents_table(
    plots: gpd.GeoDataFrame,
    neighbourhoods: gpd.GeoDataFrame,
    *,
    radius_m: float = 500.0,
    column: str = "inwoners_65_plus",
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Older residents within ``radius_m`` of each plot, and how much of that area had a count.

    Residents are assumed to be spread evenly within a buurt (or grid cell): a buurt adds
    count × (its area inside the plot buffer) / (its area). Columns, indexed like plots:
    ``older_residents`` (NaN where no area with a known count lies in the buffer) and
    ``demand_coverage_share`` (share of the buffer area covered by areas with a known count;
    below 1 where the buffer reaches outside the data or into buurten without a figure).
    Where ``column`` is missing, it is derived as inwoners × pct (``pct_65_plus``) / 100.
    """
    return _demand(plots, neighbourhoods, radius_m, column, progress)[0]


def older_residents_within(
    plots: gpd.GeoDataFrame,
    neighbourhoods: gpd.GeoDataFrame,
    *,
    radius_m: float = 500.0,
    column: str = "inwoners_65_plus",
    name: str | None = None,
    progress: Progress | None = None,
) -> pd.Series:
    """Demand: older residents within ``radius_m`` of each plot (area-weighted), indexed like plots.

    See :func:`older_residents_table`. ``attrs["note"]`` holds a Dutch note when areas in reach
    had no count (they contribute nothing) or plots have no known residents at all ("" when
    neither), and ``attrs["coverage_share"]`` the per-plot coverage as a list.
    """
    table, in_reach, unknown = _demand(plots, neighbourhoods, radius_m, column, progress)
    out = table["older_residents"].rename(name if name is not None else f"{column}_within_{radius_m:g}m")
    notes = []
    if unknown:
        notes.append(
            f"{unknown} van de {in_reach} buurten/vakken binnen {radius_m:g} m hebben geen aantal "
            f"voor '{column}'; zij tellen niet mee."
        )
    missing = int(out.isna().sum())
    if missing:
        notes.append(
            f"{missing} van de {len(out)} locaties hebben geen bekende bewoners binnen {radius_m:g} m."
        )
    out.attrs["note"] = " ".join(notes)
    out.attrs["coverage_share"] = table["demand_coverage_share"].tolist()
    return out
