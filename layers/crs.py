"""The CRS rule: every layer ends in EPSG:28992 (RD New, metres).

Lon/lat input is reprojected with a warning. A file without a CRS is refused unless its
coordinates fall inside the RD New range, in which case RD New is assumed with a warning.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
from pyproj import CRS
from pyproj.exceptions import CRSError

from layers.canonical import RD_NEW
from layers.errors import LayerCRSError
from layers.result import Warnings

__all__ = ["RD_BOUNDS", "bounds_in_rd_range", "ensure_rd", "looks_like_lonlat_nl"]

# Valid range of RD New coordinates (the projection's area of use, rounded outward a little).
RD_BOUNDS = (-7_000.0, 289_000.0, 300_000.0, 629_000.0)
# The Netherlands (with the North Sea coast and a margin) in WGS84 lon/lat.
_NL_LONLAT = (2.9, 50.6, 7.6, 53.8)


def bounds_in_rd_range(bounds: tuple[float, float, float, float] | np.ndarray) -> bool:
    """True if a bbox lies inside the RD New range (and is not a lon/lat-sized box)."""
    xmin, ymin, xmax, ymax = (float(v) for v in bounds)
    if not np.all(np.isfinite([xmin, ymin, xmax, ymax])):
        return False
    return RD_BOUNDS[0] <= xmin and xmax <= RD_BOUNDS[2] and RD_BOUNDS[1] <= ymin and ymax <= RD_BOUNDS[3]


def looks_like_lonlat_nl(bounds: tuple[float, float, float, float] | np.ndarray) -> bool:
    """True if a bbox lies inside the Netherlands in lon/lat degrees."""
    xmin, ymin, xmax, ymax = (float(v) for v in bounds)
    return _NL_LONLAT[0] <= xmin and xmax <= _NL_LONLAT[2] and _NL_LONLAT[1] <= ymin and ymax <= _NL_LONLAT[3]


def ensure_rd(
    gdf: gpd.GeoDataFrame,
    warnings: Warnings,
    *,
    path: str | Path | None = None,
    assume_crs: str | None = None,
) -> gpd.GeoDataFrame:
    """Return ``gdf`` in EPSG:28992, following the CRS rule; never mutates the input.

    ``assume_crs`` is used when the source has no CRS but its format implies one (GeoJSON is
    WGS84 by definition, GTFS and OSM are always lon/lat).
    """
    crs = gdf.crs
    if crs is None and assume_crs is not None:
        gdf = gdf.set_crs(assume_crs)
        crs = gdf.crs
    non_empty = gdf.geometry[~(gdf.geometry.isna() | gdf.geometry.is_empty)]
    bounds = non_empty.total_bounds if len(non_empty) else None
    if crs is None:
        if bounds is None:
            return gdf.set_crs(RD_NEW)
        if bounds_in_rd_range(bounds) and not looks_like_lonlat_nl(bounds):
            warnings.add(
                "crs_assumed_rd",
                "Het bestand noemt geen coördinatenstelsel; de coördinaten passen in RD New, "
                "dus RD New (EPSG:28992) is aangenomen.",
            )
            return gdf.set_crs(RD_NEW)
        if looks_like_lonlat_nl(bounds):
            msg = (
                "Het bestand noemt geen coördinatenstelsel en de coördinaten lijken lengte- en breedtegraden."
            )
            hint = "Sla het bestand op met een CRS (bijv. EPSG:4326 of EPSG:28992) en probeer opnieuw."
        else:
            msg = "Het bestand noemt geen coördinatenstelsel en de coördinaten passen niet in RD New."
            hint = "Sla het bestand op met een coördinatenstelsel (bij voorkeur EPSG:28992)."
        raise LayerCRSError(msg, hint=hint, path=path)
    try:
        crs_obj = CRS.from_user_input(crs)
    except CRSError as exc:  # pragma: no cover - geopandas already validated it
        msg = f"Onbekend coördinatenstelsel: {crs}."
        raise LayerCRSError(msg, hint="Gebruik EPSG:28992 of EPSG:4326.", path=path) from exc
    if crs_obj.equals(CRS.from_epsg(28992), ignore_axis_order=True):
        out = gdf.set_crs(RD_NEW, allow_override=True)
        _warn_outside_nl(out, warnings)
        return out
    if crs_obj.is_geographic and bounds is not None:
        _check_degrees(bounds, crs_obj.name, path)
    if crs_obj.is_geographic:
        warnings.add(
            "reprojected_lonlat",
            f"Coördinaten in lengte/breedte ({crs_obj.name}) zijn omgezet naar RD New (EPSG:28992).",
        )
    else:
        warnings.add(
            "reprojected",
            f"Coördinaten in {crs_obj.name} zijn omgezet naar RD New (EPSG:28992).",
        )
    try:
        out = gdf.to_crs(RD_NEW)
    except (CRSError, ValueError) as exc:
        msg = f"Omzetten van {crs_obj.name} naar RD New is mislukt."
        raise LayerCRSError(
            msg, hint="Controleer het coördinatenstelsel van het bestand.", path=path
        ) from exc
    _warn_outside_nl(out, warnings)
    return out


def _check_degrees(bounds: np.ndarray, name: str, path: str | Path | None) -> None:
    """Refuse lon/lat that are no degrees (RD metres with a WGS84 label) or have lat/lon swapped.

    Reprojecting such coordinates silently turns every object into garbage far from the
    Netherlands (or into nothing at all), so the user is told what the file really holds.
    """
    xmin, ymin, xmax, ymax = (float(v) for v in bounds)
    if not (xmin >= -180.0 and xmax <= 180.0 and ymin >= -90.0 and ymax <= 90.0):
        rd = bounds_in_rd_range(bounds)
        raise LayerCRSError(
            f"Het bestand noemt {name} (lengte/breedte), maar de coördinaten zijn geen graden"
            + (" en lijken RD-meters." if rd else "."),
            hint="Sla het bestand op met het juiste coördinatenstelsel"
            + (" (waarschijnlijk EPSG:28992)." if rd else "."),
            path=path,
        )
    if looks_like_lonlat_nl((ymin, xmin, ymax, xmax)) and not looks_like_lonlat_nl(bounds):
        raise LayerCRSError(
            "Lengte- en breedtegraad lijken verwisseld: de objecten zouden buiten Nederland liggen.",
            hint="Zet de lengtegraad (x, ca. 3-7) vóór de breedtegraad (y, ca. 50-54) en probeer opnieuw.",
            path=path,
        )


def _warn_outside_nl(gdf: gpd.GeoDataFrame, warnings: Warnings) -> None:
    """Count objects that lie (partly) outside the RD New range, i.e. far from the Netherlands."""
    geoms = gdf.geometry
    present = ~(geoms.isna() | geoms.is_empty)
    if not present.any():
        return
    b = geoms[present].bounds
    outside = (
        (b["minx"] < RD_BOUNDS[0])
        | (b["maxx"] > RD_BOUNDS[2])
        | (b["miny"] < RD_BOUNDS[1])
        | (b["maxy"] > RD_BOUNDS[3])
        | ~np.isfinite(b.to_numpy()).all(axis=1)
    )
    warnings.add(
        "outside_nl",
        "{n} objecten liggen buiten Nederland (buiten het bereik van RD New); controleer het bestand.",
        int(outside.sum()),
    )
