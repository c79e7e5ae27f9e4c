"""GeoTIFF rasters (AHN height models, ...) described as a footprint, not read into memory.

Rasters are used pixel-wise later (sampling heights at plots), so loading only checks the file
and records what later steps need: size, resolution, nodata, CRS and a cheap value range. A
non-RD raster is not reprojected here (that would resample it); it is flagged instead.
"""

from __future__ import annotations

import math
import warnings as pywarnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import rasterio
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError
from rasterio.errors import NotGeoreferencedWarning, RasterioIOError

from layers.canonical import RD_NEW, LayerKind, conform
from layers.crs import bounds_in_rd_range, looks_like_lonlat_nl
from layers.errors import LayerCRSError, LayerFormatError
from layers.registry import Probe, SourceFormat, register
from layers.result import LoadResult, Warnings
from layers.sources import check_file

__all__ = ["RASTER_FORMAT", "RasterInfo", "load", "open_raster"]

# The value range is computed on a decimated read of at most this many pixels per side.
_STATS_SIDE = 1024


@dataclass(frozen=True, slots=True)
class RasterInfo:
    """What the tool knows about a raster file without reading all its pixels.

    ``crs`` is the raster's own CRS (``None`` only if none was stored and RD New was assumed,
    see ``crs_assumed``); ``bounds`` are in that CRS. ``min``/``max`` come from a decimated
    read of band 1 (approximate for large rasters), ``None`` when all sampled cells are nodata.
    """

    path: str
    width: int
    height: int
    band_count: int
    dtype: str
    nodata: float | None
    crs: str | None
    crs_assumed: bool
    bounds: tuple[float, float, float, float]
    res: tuple[float, float]
    min: float | None
    max: float | None

    @property
    def is_rd(self) -> bool:
        return self.crs == RD_NEW or self.crs_assumed

    @property
    def res_m(self) -> float:
        """The (larger) pixel size in the raster's units (metres for RD New)."""
        return max(abs(self.res[0]), abs(self.res[1]))


def open_raster(path: str | Path, warnings: Warnings | None = None) -> RasterInfo:
    """Open ``path`` with rasterio and apply the CRS rule; warnings go to ``warnings`` if given.

    Missing CRS: refused (:class:`LayerCRSError`) unless the bounds fit RD New, which is then
    assumed. Another CRS: kept, with a warning that the raster needs reprojection.
    """
    w = warnings if warnings is not None else Warnings()
    p = check_file(path)
    try:
        with pywarnings.catch_warnings():
            pywarnings.simplefilter("ignore", NotGeoreferencedWarning)
            with rasterio.open(p) as ds:
                bounds = tuple(float(v) for v in ds.bounds)
                left, bottom, right, top = bounds
                norm = (min(left, right), min(bottom, top), max(left, right), max(bottom, top))
                crs_text = _crs_text(ds.crs)
                lo, hi = _value_range(ds)
                info = RasterInfo(
                    path=str(p),
                    width=int(ds.width),
                    height=int(ds.height),
                    band_count=int(ds.count),
                    dtype=str(ds.dtypes[0]),
                    nodata=None if ds.nodata is None else float(ds.nodata),
                    crs=crs_text,
                    crs_assumed=False,
                    bounds=norm,
                    res=(float(ds.res[0]), float(ds.res[1])),
                    min=lo,
                    max=hi,
                )
    except RasterioIOError as exc:
        raise LayerFormatError(
            "Het bestand is geen leesbaar rasterbestand (GeoTIFF) of het is beschadigd.",
            hint="Exporteer het raster opnieuw als GeoTIFF.",
            path=p,
        ) from exc
    if info.crs is None:
        if bounds_in_rd_range(info.bounds) and not looks_like_lonlat_nl(info.bounds):
            w.add(
                "crs_assumed_rd",
                "Het raster noemt geen coördinatenstelsel; de coördinaten passen in RD New, "
                "dus RD New (EPSG:28992) is aangenomen.",
            )
            info = _replace(info, crs=RD_NEW, crs_assumed=True)
        else:
            raise LayerCRSError(
                "Het raster noemt geen coördinatenstelsel en de coördinaten passen niet in RD New.",
                hint="Sla het raster op met een coördinatenstelsel (bij voorkeur EPSG:28992), "
                "bijv. met gdal_translate -a_srs EPSG:28992.",
                path=p,
            )
    elif info.crs != RD_NEW:
        w.add(
            "raster_not_rd",
            f"Het raster staat in {info.crs}, niet in RD New; het moet bij gebruik worden "
            "omgezet (herprojectie, met verlies aan scherpte).",
        )
    if info.nodata is None:
        w.add(
            "raster_no_nodata",
            "Het raster heeft geen nodata-waarde; lege cellen zijn niet te herkennen en tellen als echte waarden.",
        )
    return info


def _replace(info: RasterInfo, **changes: Any) -> RasterInfo:
    return RasterInfo(**{**asdict(info), **changes})


def _crs_text(crs: rasterio.crs.CRS | None) -> str | None:
    if crs is None or not crs.to_wkt():
        return None
    try:
        obj = CRS.from_user_input(crs.to_wkt())
    except CRSError:
        return str(crs.to_wkt())
    if obj.equals(CRS.from_epsg(28992), ignore_axis_order=True):
        return RD_NEW
    epsg = obj.to_epsg()
    return f"EPSG:{epsg}" if epsg is not None else obj.to_wkt()


def _value_range(ds: Any) -> tuple[float | None, float | None]:
    """Min/max of band 1 from a decimated, masked read (cheap for large rasters)."""
    step = max(1, math.ceil(max(ds.width, ds.height) / _STATS_SIDE))
    shape = (max(1, math.ceil(ds.height / step)), max(1, math.ceil(ds.width / step)))
    data = ds.read(1, out_shape=shape, masked=True)
    values = np.ma.compressed(data)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return None, None
    return float(values.min()), float(values.max())


def _footprint(info: RasterInfo) -> shapely.Geometry:
    poly = shapely.box(*info.bounds)
    if info.is_rd:
        return poly
    # Densify so the outline stays right after a curved reprojection.
    dense = shapely.segmentize(
        poly, max(info.bounds[2] - info.bounds[0], info.bounds[3] - info.bounds[1]) / 50
    )
    return gpd.GeoSeries([dense], crs=info.crs).to_crs(RD_NEW).iloc[0]


def load(path: str | Path, *, kinds: list[LayerKind] | None = None) -> list[LoadResult]:
    """Describe a GeoTIFF as a one-row RASTER frame: its footprint in RD New plus its facts."""
    if kinds is not None and LayerKind.RASTER not in kinds:
        return []
    warnings = Warnings()
    info = open_raster(path, warnings)
    facts: dict[str, Any] = {
        "path": info.path,
        "width": info.width,
        "height": info.height,
        "res_m": info.res_m,
        "dtype": info.dtype,
        "nodata": info.nodata,
        "band_count": info.band_count,
        "min": info.min,
        "max": info.max,
        "crs": info.crs,
        "crs_assumed": info.crs_assumed,
    }
    frame = gpd.GeoDataFrame({k: [v] for k, v in facts.items()}, geometry=[_footprint(info)], crs=RD_NEW)
    out = conform(frame, LayerKind.RASTER)
    meta = {**facts, "bounds": info.bounds, "needs_reprojection": not info.is_rd, "info": info}
    return [LoadResult(LayerKind.RASTER, out, info.path, warnings=tuple(warnings), meta=meta)]


def _sniff(pr: Probe) -> bool:
    return pr.suffix in (".tif", ".tiff")


RASTER_FORMAT = register(
    SourceFormat(
        id="raster",
        label="GeoTIFF-raster (bijv. AHN hoogtemodel)",
        kinds=(LayerKind.RASTER,),
        sniff=_sniff,
        load=load,
        priority=10,
    )
)
