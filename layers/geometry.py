"""Geometry hygiene shared by all loaders: repair, flatten to 2D, drop empties, check types.

Every repair is counted in a warning; nothing is dropped silently.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from layers.result import Warnings

__all__ = ["clean_geometries"]

_FAMILY = {
    "Point": "point",
    "MultiPoint": "point",
    "LineString": "line",
    "MultiLineString": "line",
    "LinearRing": "line",
    "Polygon": "polygon",
    "MultiPolygon": "polygon",
}


def clean_geometries(
    gdf: gpd.GeoDataFrame,
    warnings: Warnings,
    *,
    family: str,
    explode_lines: bool = False,
) -> gpd.GeoDataFrame:
    """Return a copy with valid, 2D, non-empty geometries of one family.

    ``family`` is ``"polygon"``, ``"point"`` or ``"line"``. Invalid polygons are repaired with
    ``make_valid`` (keeping only the polygonal part), 3D coordinates are flattened, empty and
    null geometries are dropped, and geometries of another family are dropped; each step is
    counted in ``warnings``. Points stand in for polygons when ``family`` is ``"point"``
    (representative point). With ``explode_lines`` multi-lines become single lines.
    """
    out = gdf.copy()
    geoms = out.geometry.array.copy()
    geom_np = np.asarray(geoms, dtype=object)

    null = shapely.is_missing(geom_np) | shapely.is_empty(geom_np)
    warnings.add("empty_geometry", "{n} objecten zonder geometrie overgeslagen", int(null.sum()))
    keep = ~null
    geom_np = geom_np.copy()

    has_z = np.zeros(len(geom_np), dtype=bool)
    has_z[keep] = shapely.has_z(geom_np[keep])
    if has_z.any():
        geom_np[has_z] = shapely.force_2d(geom_np[has_z])
        warnings.add("flattened_3d", "{n} 3D-geometrieën plat gemaakt (hoogte weggelaten)", int(has_z.sum()))

    if family == "polygon":
        idx = np.flatnonzero(keep)
        invalid = idx[~shapely.is_valid(geom_np[idx])]
        if len(invalid):
            repaired = shapely.make_valid(geom_np[invalid])
            geom_np[invalid] = [_polygonal_part(g) for g in repaired]
            warnings.add("repaired_geometry", "{n} ongeldige geometrieën hersteld", len(invalid))
        still_empty = keep & (shapely.is_missing(geom_np) | shapely.is_empty(geom_np))
        warnings.add(
            "unrepairable_geometry",
            "{n} geometrieën konden niet worden hersteld en zijn overgeslagen",
            int(still_empty.sum()),
        )
        keep &= ~still_empty
    elif family == "point":
        idx = np.flatnonzero(keep)
        types = shapely.get_type_id(geom_np[idx])
        areal = idx[(types == 3) | (types == 6) | (types == 1) | (types == 5) | (types == 7)]
        if len(areal):
            geom_np[areal] = shapely.point_on_surface(shapely.make_valid(geom_np[areal]))
            warnings.add("area_to_point", "{n} vlakken/lijnen als punt (binnenpunt) opgenomen", len(areal))
        multi = idx[types == 4]
        if len(multi):
            geom_np[multi] = shapely.centroid(geom_np[multi])
            warnings.add(
                "multipoint_to_point", "{n} multipunten als één punt (zwaartepunt) opgenomen", len(multi)
            )

    types_now = np.array([g.geom_type if g is not None else "" for g in geom_np], dtype=object)
    wrong = keep & np.array([_FAMILY.get(t) != family for t in types_now], dtype=bool)
    warnings.add(
        "wrong_geometry_type",
        f"{{n}} objecten met een ander geometrietype dan verwacht ({family}) overgeslagen",
        int(wrong.sum()),
    )
    keep &= ~wrong

    out = out.set_geometry(gpd.GeoSeries(geom_np, index=out.index, crs=out.crs))
    out = out.loc[keep]
    if explode_lines and family == "line" and len(out):
        multi = out.geometry.geom_type == "MultiLineString"
        if multi.any():
            out = out.explode(index_parts=False)
    return gpd.GeoDataFrame(out, geometry=out.geometry.name, crs=gdf.crs)


def _polygonal_part(geom: shapely.Geometry) -> shapely.Geometry | None:
    """Keep the polygons of a ``make_valid`` result (it may return collections with lines)."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    if geom.geom_type == "GeometryCollection":
        polys = [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
        if not polys:
            return None
        return shapely.union_all(polys)
    return None
