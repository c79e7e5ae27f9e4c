"""BRK kadastrale kaart: percelen as plots, panden as buildings, with the geometry chosen on purpose.

Sources:

* the Kadaster GML downloads (DKK v3 ``brkkadastralekaart/v20160101``, v4 and v5 with the
  ``imkad-*`` namespaces; panden in the IMGeo/CityGML form of the BGT), one feature type per
  file or several in one;
* PDOK's GeoPackage / OGC API / WFS output and flat exports (GeoJSON, GeoPackage) whose
  perceel layer has polygons and the kadastrale aanduiding as columns.

A perceel in the GML has two geometries: ``begrenzingPerceel`` (the parcel) and
``plaatscoordinaten`` (where the number is printed). GDAL's GML reader keeps only one per
feature type and picks the label point, which turns every parcel into a point of area 0. So
the geometries of a GML file are listed first (a bounded scan of its first features), a
polygon is chosen on purpose, and GDAL reads the file with a schema (``.gfs``) that names that
geometry. The choice and the geometries left out are in ``meta["geometry"]`` and shown by
``bodnaarplot inspect``. A perceel file that holds only label points is read, but said to be
points with a warning.

Percelen get ``plot_id`` = ``kadastraal_perceel`` ("OTL02 B 2298": AKR gemeentecode, sectie,
perceelnummer), the kadastrale gemeente, ``kadastrale_grootte_m2`` (the registered size) and
the polygon's own ``area_m2``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from layers.bag import normalise_bag_ids
from layers.canonical import LayerKind, conform
from layers.crs import ensure_rd
from layers.errors import LayerFormatError, LayerSchemaError
from layers.geometry import clean_geometries
from layers.registry import Probe, SourceFormat, register
from layers.result import LoadResult, Warnings
from layers.sources import check_file, check_xml_safe, list_layers, read_vector

__all__ = ["BRK_FORMAT", "GeometryProperty", "load", "perceel_layer_kind", "scan_gml_geometries"]

_GML_NAMESPACES = ("http://www.opengis.net/gml", "http://www.opengis.net/gml/3.2")
# Top-level GML geometry elements and what they become in GDAL (the gfs <Type>).
_GML_TYPES = {
    "Point": "Point",
    "MultiPoint": "MultiPoint",
    "LineString": "LineString",
    "Curve": "LineString",
    "MultiCurve": "MultiLineString",
    "Polygon": "Polygon",
    "Surface": "Polygon",
    "MultiSurface": "MultiPolygon",
    "MultiPolygon": "MultiPolygon",
}
_POLYGONAL = {"Polygon", "MultiPolygon"}
# Geometry property names that are the parcel or footprint, best first; others are labels etc.
_PREFERRED = ("begrenzingperceel", "geometrie2dgrondvlak", "geometrie", "geometry")
_SCAN_FEATURES = 300
_BRK_MARKERS = (b"brkkadastralekaart", b"kadaster.nl/schemas/brk", b"NL.IMKAD.KadastraalObject")
# Share of the registered size by which a polygon's area may differ before it is reported.
_AREA_TOLERANCE = 0.05
_AREA_TOLERANCE_M2 = 5.0


@dataclass(frozen=True, slots=True)
class GeometryProperty:
    """One geometry of a feature type: its element path (``a|b``), GML element and GDAL type."""

    path: str
    gml: str
    gdal_type: str
    srs: str | None = None

    @property
    def name(self) -> str:
        return self.path.rsplit("|", 1)[-1]

    @property
    def label(self) -> str:
        if self.gdal_type in _POLYGONAL:
            return "vlak"
        if self.gdal_type in ("Point", "MultiPoint"):
            return "punt"
        return "lijn"


@dataclass(slots=True)
class _Scan:
    """What the first features of a GML file hold, per feature type (local names)."""

    geometries: dict[str, dict[str, GeometryProperty]] = field(default_factory=dict)


def _local(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


def scan_gml_geometries(
    path: str | Path, *, max_features: int = _SCAN_FEATURES
) -> dict[str, list[GeometryProperty]]:
    """The geometry properties of each feature type in the first ``max_features`` features.

    A feature is an element two levels below the root (collection → member → feature); a
    geometry property is the chain of elements from the feature down to a GML geometry, so a
    point nested in a label (``nummeraanduidingreeks|…|plaatsingspunt``) is told apart from the
    footprint. The file is checked for DTDs first and parsed incrementally.
    """
    p = Path(path)
    check_xml_safe(p)
    scan = _Scan()
    stack: list[str] = []
    inside_geometry = 0
    features = 0
    try:
        for event, elem in ET.iterparse(p, events=("start", "end")):
            ns, name = _local(elem.tag)
            if event == "start":
                if inside_geometry:
                    inside_geometry += 1
                    stack.append(name)
                    continue
                if len(stack) >= 3 and ns in _GML_NAMESPACES and name in _GML_TYPES:
                    feature, chain = stack[2], "|".join(stack[3:])
                    props = scan.geometries.setdefault(feature, {})
                    if chain and chain not in props:
                        srs = elem.get("srsName")
                        props[chain] = GeometryProperty(chain, name, _GML_TYPES[name], srs)
                    inside_geometry = 1
                stack.append(name)
                continue
            stack.pop()
            if inside_geometry:
                inside_geometry -= 1
            if len(stack) == 2:  # a feature ended
                features += 1
                elem.clear()
                if features >= max_features:
                    break
    except ET.ParseError as exc:
        raise LayerFormatError(
            f"Het GML-bestand is beschadigd of afgebroken ({exc}).",
            hint="Download het bestand opnieuw.",
            path=p,
        ) from exc
    return {k: list(v.values()) for k, v in scan.geometries.items()}


def _choose(props: Sequence[GeometryProperty], *, polygon: bool) -> GeometryProperty | None:
    """The parcel/footprint geometry: a polygon with a preferred name, else any polygon.

    With ``polygon`` False (nothing polygonal exists) the first geometry is used.
    """
    polygons = [g for g in props if g.gdal_type in _POLYGONAL]
    for wanted in _PREFERRED:
        for g in polygons:
            if g.name.lower() == wanted:
                return g
    if polygons:
        return polygons[0]
    return None if polygon else (props[0] if props else None)


def _gfs_with_geometry(gfs: Path, feature: str, geometry: GeometryProperty) -> None:
    """Rewrite GDAL's schema file so ``feature`` has exactly ``geometry`` as its geometry."""
    tree = ET.parse(gfs)  # written by GDAL into our own temporary folder
    for cls in tree.getroot().iter("GMLFeatureClass"):
        if (cls.findtext("Name") or "") != feature:
            continue
        for tag in ("GeometryName", "GeometryElementPath", "GeometryType", "GeomPropertyDefn", "SRSName"):
            for child in cls.findall(tag):
                cls.remove(child)
        defn = ET.Element("GeomPropertyDefn")
        ET.SubElement(defn, "Name").text = geometry.name
        ET.SubElement(defn, "ElementPath").text = geometry.path
        ET.SubElement(defn, "Type").text = geometry.gdal_type
        cls.insert(2, defn)
        if geometry.srs:
            srs = ET.Element("SRSName")
            # DKK v4 writes a bare "28992"; GDAL understands it only as an EPSG code.
            srs.text = f"EPSG:{geometry.srs}" if geometry.srs.strip().isdigit() else geometry.srs
            cls.insert(3, srs)
    tree.write(gfs, encoding="utf-8")


def _read_gml_feature(path: Path, feature: str, geometry: GeometryProperty | None) -> gpd.GeoDataFrame:
    """Read one feature type of a GML file with the chosen geometry, never touching the input."""
    if geometry is None:
        return read_vector(path, layer=feature)
    with tempfile.TemporaryDirectory(prefix="bodnaarplot-brk-") as tmp:
        link = Path(tmp) / path.name
        try:
            os.symlink(path.resolve(), link)
        except OSError:  # no symlinks (Windows without the privilege): work on a copy
            shutil.copyfile(path, link)
        # GDAL writes its schema (.gfs) next to the link, inside our temporary folder.
        read_vector(link, layer=feature, read_geometry=False, max_features=1, WRITE_GFS="YES")
        gfs = link.with_suffix(".gfs")
        if not gfs.exists():
            raise LayerFormatError(
                "Het GML-bestand kon niet worden ontleed (geen schema af te leiden).",
                hint="Controleer of het bestand compleet is.",
                path=path,
            )
        _gfs_with_geometry(gfs, feature, geometry)
        return read_vector(link, layer=feature, GFS_TEMPLATE=str(gfs), WRITE_GFS="NO")


# --------------------------------------------------------------------------------------------
# Columns
# --------------------------------------------------------------------------------------------

# Canonical BRK column -> source names (lower case, exact) and name endings (GDAL flattens
# nested GML elements to "a|b|c"). The v3 flat exports call the AKR code "gemeente" and the
# size "waarde": see _FALLBACK.
_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "brk_identificatie": (
        ("identificatie_lokaal_id", "identificatielokaalid", "lokaalid", "identificatie"),
        ("|lokaalid",),
    ),
    "kadastrale_gemeente": (
        ("kadastrale_gemeente_waarde", "kadastralegemeentewaarde", "kadastralegemeentenaam"),
        ("kadastralegemeente|kadastralegemeente|waarde",),
    ),
    "kadastrale_gemeente_code": (
        ("kadastrale_gemeente_code", "kadastralegemeentecode"),
        ("kadastralegemeente|kadastralegemeente|code",),
    ),
    "akr_code": (
        (
            "akr_kadastrale_gemeente_code_waarde",
            "akrkadastralegemeentecodewaarde",
            "akrkadastralegemeentecode",
        ),
        ("akrkadastralegemeentecode|akrkadastralegemeentecode|waarde",),
    ),
    "sectie": (("sectie",), ("|sectie",)),
    "perceelnummer": (("perceelnummer",), ("|perceelnummer",)),
    "kadastrale_grootte_m2": (
        ("kadastrale_grootte_waarde", "kadastralegroottewaarde", "kadastralegrootte"),
        ("kadastralegrootte|typeoppervlak|waarde",),
    ),
    "soort_grootte": (
        ("soort_grootte_waarde", "soortgroottewaarde"),
        ("soortgrootte|soortgrootte|waarde",),
    ),
}


# Last resort names of the v3 flat exports (only where nothing more specific exists).
_FALLBACK = {"akr_code": "gemeente", "kadastrale_grootte_m2": "waarde"}


def _find(columns: Sequence[str], target: str) -> str | None:
    exact, endings = _COLUMNS[target]
    lower = {c.lower(): c for c in columns}
    for name in exact:
        if name in lower:
            return lower[name]
    for c in columns:
        if any(c.lower().endswith(end) for end in endings):
            return c
    fallback = _FALLBACK.get(target)
    return lower.get(fallback) if fallback else None


def perceel_layer_kind(name: str, fields: Sequence[str]) -> LayerKind | None:
    """PLOTS for a layer of percelen, BUILDINGS for a kadastrale-kaart pand layer, else None."""
    cols = [f.lower() for f in fields]
    if _find(cols, "sectie") and _find(cols, "perceelnummer") and not name.lower().endswith("label"):
        return LayerKind.PLOTS
    if "identificatiebagpnd" in cols:
        return LayerKind.BUILDINGS
    return None


def _text(frame: pd.DataFrame, column: str | None) -> pd.Series:
    if column is None:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    values = frame[column]
    if pd.api.types.is_float_dtype(values):  # 2298.0 from a numeric column
        values = values.round().astype("Int64")
    text = values.astype("string").str.strip()
    return text.mask(text == "", pd.NA)


def _percelen(raw: gpd.GeoDataFrame, warnings: Warnings) -> gpd.GeoDataFrame:
    """Canonical plots from a perceel layer (polygons, or label points said to be points)."""
    cols = [str(c) for c in raw.columns if c != raw.geometry.name]
    pick = {target: _find(cols, target) for target in _COLUMNS}
    grootte = pick["kadastrale_grootte_m2"]
    if grootte is not None and not pd.api.types.is_numeric_dtype(raw[grootte]):
        numeric = pd.to_numeric(raw[grootte], errors="coerce")
        if numeric.notna().sum() < raw[grootte].notna().sum():  # "waarde" was something else
            pick["kadastrale_grootte_m2"] = None
    out = gpd.GeoDataFrame(geometry=raw.geometry, crs=raw.crs)
    for target, source in pick.items():
        if target != "kadastrale_grootte_m2":
            out[target] = _text(raw, source)
    out["kadastrale_grootte_m2"] = (
        pd.to_numeric(raw[pick["kadastrale_grootte_m2"]], errors="coerce").astype("Float64")
        if pick["kadastrale_grootte_m2"]
        else pd.Series(pd.NA, index=raw.index, dtype="Float64")
    )
    ident = out["brk_identificatie"].str.replace(r"^NL\.IMKAD\.KadastraalObject\.", "", regex=True)
    out["brk_identificatie"] = ident
    gemeente = out["akr_code"].fillna(out["kadastrale_gemeente"])
    aanduiding = gemeente + " " + out["sectie"] + " " + out["perceelnummer"]
    out["kadastraal_perceel"] = aanduiding
    missing = aanduiding.isna()
    warnings.add(
        "brk_no_aanduiding",
        "{n} percelen zonder volledige kadastrale aanduiding (gemeente, sectie, nummer); id uit het bestand gebruikt",
        int(missing.sum()),
    )
    fallback = ident.fillna(pd.Series([f"perceel-{i + 1}" for i in range(len(out))], index=out.index))
    out["plot_id"] = aanduiding.fillna(fallback)
    out["name"] = out["kadastraal_perceel"]
    out["source"] = "BRK kadastrale kaart"
    for col in [c for c in cols if "plaatscoordinaat" in c.lower()]:  # the label point, kept as columns
        out[col] = raw[col]
    return out


def _panden(raw: gpd.GeoDataFrame, warnings: Warnings) -> gpd.GeoDataFrame:
    lower = {str(c).lower(): str(c) for c in raw.columns if c != raw.geometry.name}
    out = gpd.GeoDataFrame(geometry=raw.geometry, crs=raw.crs)
    out["identificatie"] = normalise_bag_ids(raw[lower["identificatiebagpnd"]])
    warnings.add(
        "brk_pand_only_id",
        "De {n} panden (kadastrale kaart / BGT) hebben alleen het BAG-pand-id, geen bouwjaar, status of "
        "gebruiksdoel; importeer daarvoor de BAG-panden.",
        len(out),
    )
    return out


def _area_check(frame: gpd.GeoDataFrame, warnings: Warnings) -> None:
    """Count percelen whose polygon area differs clearly from the registered size."""
    polygonal = frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    size = pd.to_numeric(frame["kadastrale_grootte_m2"], errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )
    area = frame.geometry.area.to_numpy()
    diff = np.abs(area - size)
    off = polygonal & ~np.isnan(size) & (diff > np.maximum(_AREA_TOLERANCE_M2, _AREA_TOLERANCE * size))
    warnings.add(
        "brk_area_differs",
        "{n} percelen waarvan de oppervlakte van het vlak meer dan 5% afwijkt van de kadastrale grootte "
        "(de kadastrale grootte is de geregistreerde; de kaart is een weergave)",
        int(off.sum()),
    )


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def _is_gml(path: Path) -> bool:
    return path.suffix.lower() in (".gml", ".xml")


def _plan(path: Path, layer: str | None) -> list[tuple[str, LayerKind, list[GeometryProperty]]]:
    """The layers to read (name, kind, geometries found in a GML scan)."""
    gml_geometries = scan_gml_geometries(path) if _is_gml(path) else {}
    out = []
    for name, _gtype in list_layers(path):
        if layer is not None and name != layer:
            continue
        columns = [str(c) for c in read_vector(path, layer=name, read_geometry=False, max_features=0).columns]
        kind = perceel_layer_kind(name, columns)
        if kind is not None:
            out.append((name, kind, gml_geometries.get(name, [])))
    return out


def load(
    path: str | Path,
    *,
    kinds: Sequence[LayerKind] | None = None,
    layer: str | None = None,
) -> list[LoadResult]:
    """Read percelen (PLOTS) and kadastrale-kaart panden (BUILDINGS) from ``path``.

    ``layer`` reads one layer; otherwise the first perceel layer and the first pand layer.
    """
    p = check_file(path)
    plan = _plan(p, layer)
    wanted = set(kinds) if kinds else {LayerKind.PLOTS, LayerKind.BUILDINGS}
    chosen: dict[LayerKind, tuple[str, list[GeometryProperty]]] = {}
    for name, kind, geoms in plan:
        if kind in wanted and kind not in chosen:
            chosen[kind] = (name, geoms)
    if not chosen:
        raise LayerSchemaError(
            "Dit bestand bevat geen percelen of panden van de kadastrale kaart.",
            hint="Gebruik de perceel- of pandbestanden van de BRK-download (GML) of de PDOK-GeoPackage.",
            path=p,
        )
    read = {v[0] for v in chosen.values()}
    others = [str(n) for n, _ in list_layers(p) if str(n) not in read]  # labels, boundaries, ...
    results = []
    for kind in (LayerKind.PLOTS, LayerKind.BUILDINGS):
        if kind not in chosen:
            continue
        name, geoms = chosen[kind]
        warnings = Warnings()
        geometry = _choose(geoms, polygon=True) if geoms else None
        raw = _read_gml_feature(p, name, geometry) if _is_gml(p) else read_vector(p, layer=name)
        declared = (
            None if raw.crs is None else (f"EPSG:{raw.crs.to_epsg()}" if raw.crs.to_epsg() else str(raw.crs))
        )
        choice = _geometry_meta(raw, name, geoms, geometry)
        frame = _percelen(raw, warnings) if kind is LayerKind.PLOTS else _panden(raw, warnings)
        if kind is LayerKind.PLOTS and choice["type"] == "punt":
            warnings.add(
                "brk_label_points",
                "De {n} percelen in dit bestand zijn alleen labelpunten (waar het nummer staat), geen "
                "perceelvlakken: hun oppervlakte is 0. Gebruik het originele GML-bestand of de PDOK-download "
                "met vlakken.",
                len(frame),
            )
        frame = ensure_rd(frame, warnings, path=p)
        family = "point" if choice["type"] == "punt" else "polygon"
        frame = clean_geometries(frame, warnings, family=family)
        meta: dict[str, Any] = {
            "format": "BRK kadastrale kaart",
            "geometry": choice,
            "source_crs": declared,
        }
        if kind is LayerKind.PLOTS:
            polygonal = frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
            frame["area_m2"] = np.where(polygonal, frame.geometry.area, 0.0)
            _area_check(frame, warnings)
            named = frame["kadastraal_perceel"].dropna()
            meta["kadastrale_aanduiding"] = {
                "percelen": len(frame),
                "met_aanduiding": len(named),
                "met_kadastrale_grootte": int(frame["kadastrale_grootte_m2"].notna().sum()),
                "voorbeeld": str(named.iloc[0]) if len(named) else None,
            }
        if others:
            meta["other_layers"] = others
        results.append(
            LoadResult(kind, conform(frame, kind), str(p), layer=name, warnings=tuple(warnings), meta=meta)
        )
    return results


def _geometry_meta(
    raw: gpd.GeoDataFrame, layer: str, geoms: Sequence[GeometryProperty], chosen: GeometryProperty | None
) -> dict[str, Any]:
    """Which geometry was used and which others the file offers (for inspect and the app)."""
    if chosen is not None:
        others = [{"name": g.path, "type": g.label} for g in geoms if g.path != chosen.path]
        return {"layer": layer, "chosen": chosen.name, "type": chosen.label, "others": others}
    types = set(raw.geometry.geom_type.dropna())
    label = (
        "vlak"
        if types & {"Polygon", "MultiPolygon"}
        else ("punt" if types & {"Point", "MultiPoint"} else "?")
    )
    columns = [str(c) for c in raw.columns if "plaatscoordinaat" in str(c).lower()]
    others = [{"name": " + ".join(columns), "type": "labelpunt als kolommen"}] if columns else []
    return {"layer": layer, "chosen": str(raw.geometry.name), "type": label, "others": others}


def _sniff(pr: Probe) -> bool:
    if pr.is_dir or pr.suffix in (".zip", ".csv"):
        return False
    if pr.suffix in (".gml", ".xml") and any(m in pr.head for m in _BRK_MARKERS):
        return True
    return any(perceel_layer_kind(lp.name, lp.fields) is not None for lp in pr.layers)


BRK_FORMAT = register(
    SourceFormat(
        id="brk",
        label="BRK kadastrale kaart (percelen, panden; ook BGT-panden)",
        kinds=(LayerKind.PLOTS, LayerKind.BUILDINGS),
        sniff=_sniff,
        load=load,
        priority=12,
        options={"layer": "laag in het bestand (standaard: de perceel- en de pandlaag)"},
    )
)
