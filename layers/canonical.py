"""The canonical layer kinds: their columns, types and units.

Every loader ends by calling :func:`conform`, so a frame of a given kind always has the same
columns in the same order, with the same dtypes, in EPSG:28992. A kind may also define
*optional* columns: a loader that has the information provides them (same name, dtype and
meaning everywhere), others leave them out; they follow the canonical ones. Extra source columns
are kept after those (prefixed ``src_`` where they would clash) so nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import geopandas as gpd
import pandas as pd

__all__ = [
    "CANONICAL",
    "RD_NEW",
    "ColumnSpec",
    "KindSpec",
    "LayerKind",
    "conform",
    "empty_frame",
]

RD_NEW = "EPSG:28992"


class LayerKind(StrEnum):
    """The kinds of layer the tool understands."""

    BUILDINGS = "buildings"
    ADDRESSES = "addresses"
    ZONING = "zoning"
    FACILITIES = "facilities"
    NETWORK_SOURCE = "network_source"
    PLOTS = "plots"
    NEIGHBOURHOODS = "neighbourhoods"
    LAND_USE = "land_use"
    RASTER = "raster"


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """One canonical column: name, pandas dtype and a short description (with unit)."""

    name: str
    dtype: str
    description: str


@dataclass(frozen=True, slots=True)
class KindSpec:
    """The columns and allowed geometry types of a kind; ``optional`` columns only where known."""

    kind: LayerKind
    columns: tuple[ColumnSpec, ...]
    geometry_types: tuple[str, ...]
    description: str
    optional: tuple[ColumnSpec, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


_POLY = ("Polygon", "MultiPolygon")

CANONICAL: dict[LayerKind, KindSpec] = {
    LayerKind.BUILDINGS: KindSpec(
        LayerKind.BUILDINGS,
        (
            ColumnSpec("identificatie", "string", "BAG pand-id (16 cijfers)"),
            ColumnSpec("bouwjaar", "Int64", "oorspronkelijk bouwjaar"),
            ColumnSpec("status", "string", "BAG status, e.g. 'Pand in gebruik'"),
            ColumnSpec("gebruiksdoel", "string", "gebruiksdoelen, comma-separated, where known"),
            ColumnSpec("aantal_verblijfsobjecten", "Int64", "number of VBOs, where known"),
        ),
        _POLY,
        "BAG panden (buildings)",
    ),
    LayerKind.ADDRESSES: KindSpec(
        LayerKind.ADDRESSES,
        (
            ColumnSpec("identificatie", "string", "BAG verblijfsobject-id"),
            ColumnSpec("pand_identificatie", "string", "pand-id(s), comma-separated"),
            ColumnSpec("gebruiksdoel", "string", "gebruiksdoelen, comma-separated as in BAG"),
            ColumnSpec("oppervlakte_m2", "Float64", "gebruiksoppervlakte in m²"),
            ColumnSpec("status", "string", "BAG status"),
            ColumnSpec("postcode", "string", "postcode of the hoofdadres"),
            ColumnSpec("huisnummer", "Int64", "huisnummer of the hoofdadres"),
        ),
        ("Point", "MultiPoint"),
        "BAG verblijfsobjecten (addresses)",
    ),
    LayerKind.ZONING: KindSpec(
        LayerKind.ZONING,
        (
            ColumnSpec("plan_id", "string", "IMRO plan identification (IDN)"),
            ColumnSpec("plan_name", "string", "plan name"),
            ColumnSpec("plan_status", "string", "planstatus (concept, ontwerp, vastgesteld, ...)"),
            ColumnSpec("plan_date", "string", "datum van die planstatus (JJJJ-MM-DD)"),
            ColumnSpec("feature_type", "string", "enkelbestemming, dubbelbestemming, bouwvlak, ..."),
            ColumnSpec("naam", "string", "name of the planobject, e.g. 'Wonen - 1'"),
            ColumnSpec("bestemmingshoofdgroep", "string", "SVBP hoofdgroep (lower case)"),
            ColumnSpec("max_wooneenheden", "Float64", "maatvoering: maximum aantal wooneenheden"),
            ColumnSpec("max_bouwhoogte_m", "Float64", "maatvoering: maximum bouwhoogte (m)"),
            ColumnSpec("max_bouwlagen", "Float64", "maatvoering: maximum aantal bouwlagen"),
            ColumnSpec("maatvoering", "string", "all maatvoering pairs 'type=waarde; ...'"),
        ),
        _POLY,
        "bestemmingsplan / omgevingsplan planobjects (zoning)",
    ),
    LayerKind.FACILITIES: KindSpec(
        LayerKind.FACILITIES,
        (
            ColumnSpec("facility_id", "string", "source id, e.g. 'osm:n123' or 'gtfs:stop_id'"),
            ColumnSpec("name", "string", "name"),
            ColumnSpec("category", "string", "canonical category (resources/categories)"),
            ColumnSpec("source", "string", "osm, gtfs, csv, ..."),
            ColumnSpec("departures_per_hour", "Float64", "transit departures per hour, if known"),
        ),
        ("Point",),
        "voorzieningen (facilities)",
        optional=(
            ColumnSpec(
                "group_id",
                "string",
                "rows with the same group_id (and category) are one place, e.g. the stop positions "
                "and platforms of one OSM public_transport=stop_area relation 'osm:r123'",
            ),
            ColumnSpec(
                "outline_wkt",
                "string",
                "area facilities (park, care campus, shopping centre, station area): the outline "
                "as WKT (Multi)Polygon in EPSG:28992; the geometry stays a representative point "
                "inside it; empty for point facilities",
            ),
            ColumnSpec(
                "entrances_wkt",
                "string",
                "area facilities: their mapped entrances (OSM entrance=* on the outline) as WKT "
                "MultiPoint in EPSG:28992; empty when none is mapped",
            ),
        ),
    ),
    LayerKind.NETWORK_SOURCE: KindSpec(
        LayerKind.NETWORK_SOURCE,
        (
            ColumnSpec("way_id", "Int64", "OSM way id"),
            ColumnSpec("highway", "string", "OSM highway tag"),
            ColumnSpec("footway", "string", "OSM footway tag (sidewalk, crossing, ...)"),
            ColumnSpec("foot", "string", "OSM foot tag"),
            ColumnSpec("access", "string", "OSM access tag"),
            ColumnSpec("wheelchair", "string", "OSM wheelchair tag"),
            ColumnSpec("name", "string", "street name"),
            ColumnSpec("node_ids", "string", "OSM node ids of the vertices, space-separated"),
        ),
        ("LineString",),
        "walkable OSM ways (network source)",
    ),
    LayerKind.PLOTS: KindSpec(
        LayerKind.PLOTS,
        (
            ColumnSpec("plot_id", "string", "stable plot id"),
            ColumnSpec("name", "string", "plot name"),
            ColumnSpec("source", "string", "where the plot came from and why"),
            ColumnSpec("area_m2", "Float64", "area in m² (0 for points)"),
        ),
        (*_POLY, "Point"),
        "candidate locations (plots)",
    ),
    LayerKind.NEIGHBOURHOODS: KindSpec(
        LayerKind.NEIGHBOURHOODS,
        (
            ColumnSpec("code", "string", "CBS code (BU........, WK......, GM....)"),
            ColumnSpec("name", "string", "buurt/wijk/gemeente name"),
            ColumnSpec("inwoners", "Int64", "aantal inwoners"),
            ColumnSpec("inwoners_65_plus", "Float64", "inwoners 65 jaar en ouder (count)"),
            ColumnSpec("inwoners_75_plus", "Float64", "inwoners 75 jaar en ouder (count)"),
            ColumnSpec("pct_65_plus", "Float64", "percentage inwoners 65+"),
            ColumnSpec("gemiddelde_huishoudsgrootte", "Float64", "gemiddelde huishoudsgrootte"),
        ),
        _POLY,
        "CBS buurten/wijken (neighbourhoods)",
    ),
    LayerKind.LAND_USE: KindSpec(
        LayerKind.LAND_USE,
        (
            ColumnSpec("osm_id", "string", "source id, e.g. 'osm:w123' or 'osm:r45'"),
            ColumnSpec("key", "string", "tag key that made it land use: landuse, amenity, leisure, ..."),
            ColumnSpec("value", "string", "tag value, e.g. 'parking', 'construction', 'nursing_home'"),
            ColumnSpec("name", "string", "name"),
        ),
        _POLY,
        "OSM land-use areas (parking, construction, brownfield, parks, care sites, ...)",
    ),
    LayerKind.RASTER: KindSpec(LayerKind.RASTER, (), (), "GeoTIFF raster"),
}


def empty_frame(kind: LayerKind) -> gpd.GeoDataFrame:
    """An empty canonical frame of ``kind`` (right columns and dtypes, EPSG:28992)."""
    spec = CANONICAL[kind]
    data = {c.name: pd.Series([], dtype=c.dtype) for c in spec.columns}
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([], crs=RD_NEW), crs=RD_NEW)


def conform(frame: pd.DataFrame, kind: LayerKind) -> gpd.GeoDataFrame:
    """Return a copy of ``frame`` shaped as the canonical ``kind``.

    Missing canonical columns are added as nulls, dtypes are coerced; optional columns that are
    present are coerced and follow the canonical ones; other columns are kept after those. The
    geometry column is always called ``geometry``. The frame must already be in EPSG:28992 (see
    :func:`layers.crs.ensure_rd`); the index is reset.
    """
    spec = CANONICAL[kind]
    gdf = gpd.GeoDataFrame(frame, copy=True)
    if gdf.geometry.name != "geometry":
        gdf = gdf.rename_geometry("geometry")
    for col in spec.columns:
        if col.name not in gdf.columns:
            gdf[col.name] = pd.Series([pd.NA] * len(gdf), index=gdf.index, dtype=col.dtype)
        else:
            gdf[col.name] = _coerce(gdf[col.name], col.dtype)
    optional = [c.name for c in spec.optional if c.name in gdf.columns]
    for col in spec.optional:
        if col.name in gdf.columns:
            gdf[col.name] = _coerce(gdf[col.name], col.dtype)
    canonical = spec.column_names
    extra = [c for c in gdf.columns if c not in canonical and c not in optional and c != "geometry"]
    out = gdf[[*canonical, *optional, *extra, "geometry"]].reset_index(drop=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=gdf.crs)


def _coerce(series: pd.Series, dtype: str) -> pd.Series:
    target = pd.api.types.pandas_dtype(dtype)
    if dtype in ("Int64", "Float64"):
        numeric = pd.to_numeric(series, errors="coerce")
        if dtype == "Int64":
            # Non-integral values (e.g. 12.5) would make the cast fail; round half away.
            numeric = numeric.round()
        return numeric.astype(target)
    return series.astype(target)
