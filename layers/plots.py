"""Candidate plots (kavels, locaties) from any point or polygon layer.

This is the fallback for generic vector files, so it accepts almost anything with points or
polygons and asks little: an id and a name are auto-detected (or given with ``mapping``), ids
are generated when absent and made unique when duplicated, so later steps can rely on
``plot_id`` as a key. Every such repair is counted in a warning.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError

from layers.canonical import LayerKind, conform
from layers.crs import ensure_rd
from layers.errors import LayerSchemaError
from layers.geometry import clean_geometries
from layers.registry import Probe, SourceFormat, register
from layers.result import LoadResult, Warnings
from layers.sources import check_file, read_vector

__all__ = ["ID_COLUMNS", "NAME_COLUMNS", "PLOTS_FORMAT", "load", "make_unique_ids"]

# Auto-detected source columns, best first (case-insensitive).
ID_COLUMNS = ("plot_id", "plotid", "kavel_id", "locatie_id", "id", "identificatie", "code", "nummer", "nr")
NAME_COLUMNS = ("name", "naam", "kavelnaam", "locatienaam", "locatie", "omschrijving", "titel", "label")
# CSV coordinate columns: (x, y, crs the names imply; None = let the CRS rule decide).
_XY_COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("lon", "lat", "EPSG:4326"),
    ("longitude", "latitude", "EPSG:4326"),
    ("lng", "lat", "EPSG:4326"),
    ("rd_x", "rd_y", "EPSG:28992"),
    ("x_rd", "y_rd", "EPSG:28992"),
    ("x", "y", None),
)
_MAPPABLE = ("plot_id", "name")


def _find(columns: list[str], candidates: tuple[str, ...]) -> str | None:
    lower = {c.lower(): c for c in columns}
    return next((lower[c] for c in candidates if c in lower), None)


def make_unique_ids(ids: pd.Series) -> tuple[pd.Series, int]:
    """Suffix repeated ids with -2, -3, ... (first occurrence unchanged); returns the count changed."""
    out = ids.astype("string")
    dup = out.duplicated(keep="first")
    if not dup.any():
        return out, 0
    taken = set(out)
    rank = out.groupby(out).cumcount() + 1
    for idx in out.index[dup]:
        n = int(rank[idx])
        candidate = f"{out[idx]}-{n}"
        while candidate in taken:
            n += 1
            candidate = f"{out[idx]}-{n}"
        taken.add(candidate)
        out[idx] = candidate
    return out, int(dup.sum())


def _read_csv(path: Path) -> gpd.GeoDataFrame:
    table = pd.read_csv(
        path, dtype=str, keep_default_na=False, sep=None, engine="python", encoding="utf-8-sig"
    )
    cols = list(table.columns)
    wkt = _find(cols, ("wkt", "geometry", "geom"))
    if wkt is not None:
        geom = gpd.GeoSeries.from_wkt(table.pop(wkt).replace("", None))
        return gpd.GeoDataFrame(table, geometry=geom, crs=None)
    for xname, yname, crs in _XY_COLUMNS:
        xcol, ycol = _find(cols, (xname,)), _find(cols, (yname,))
        if xcol is not None and ycol is not None:
            # Dutch spreadsheets write decimal commas.
            x = pd.to_numeric(table[xcol].str.replace(",", ".", regex=False), errors="coerce")
            y = pd.to_numeric(table[ycol].str.replace(",", ".", regex=False), errors="coerce")
            geom = gpd.GeoSeries(gpd.points_from_xy(x, y))
            geom[x.isna() | y.isna()] = None
            return gpd.GeoDataFrame(table.drop(columns=[xcol, ycol]), geometry=geom, crs=crs)
    raise LayerSchemaError(
        "Het CSV-bestand heeft geen coördinaatkolommen.",
        hint="Geef kolommen x en y (RD New), lon en lat (WGS84) of een kolom wkt.",
        path=path,
    )


def _pick_layer(path: Path) -> tuple[str | None, list[str]]:
    """The first point/polygon layer and all of them (GML is read as its first layer)."""
    if path.suffix.lower() in (".gml", ".xml"):
        return None, []  # listing GML layers would write a .gfs next to the input
    try:
        raw = pyogrio.list_layers(str(path))
    except (DataSourceError, DataLayerError, OSError, RuntimeError):
        return None, []
    usable = [
        str(n) for n, g in raw if g is not None and ("point" in str(g).lower() or "polygon" in str(g).lower())
    ]
    return (usable[0] if usable else None), usable


def load(
    path: str | Path,
    *,
    kinds: list[LayerKind] | None = None,
    layer: str | None = None,
    mapping: dict[str, str] | None = None,
    source: str | None = None,
) -> list[LoadResult]:
    """Read candidate plots; ``mapping`` names the source columns for ``plot_id``/``name``."""
    if kinds is not None and LayerKind.PLOTS not in kinds:
        return []
    p = check_file(path)
    warnings = Warnings()
    others: list[str] = []
    if p.suffix.lower() in (".csv", ".txt"):
        raw = _read_csv(p)
        chosen = None
    else:
        chosen, usable = (layer, []) if layer is not None else _pick_layer(p)
        others = [n for n in usable if n != chosen]
        raw = read_vector(p, layer=chosen)
        if not isinstance(raw, gpd.GeoDataFrame):
            raise LayerSchemaError(
                "De laag heeft geen geometrie; kavels hebben een punt of vlak nodig.",
                hint="Kies een laag met punten of vlakken.",
                path=p,
            )
    if others:
        warnings.add(
            "plots_other_layers",
            f"Alleen laag '{chosen}' gelezen; het bestand heeft nog {{n}} andere lagen "
            f"({', '.join(others)}; kies er een met --layer)",
            len(others),
        )
    cols = [c for c in raw.columns if c != raw.geometry.name]
    mapping = dict(mapping or {})
    unknown = [k for k in mapping if k not in _MAPPABLE]
    if unknown:
        raise LayerSchemaError(
            f"Onbekend veld in de kolomkoppeling: {', '.join(unknown)}.",
            hint=f"Koppel alleen {', '.join(_MAPPABLE)}.",
            path=p,
        )
    missing = [v for v in mapping.values() if v not in cols]
    if missing:
        raise LayerSchemaError(
            f"De kolom(men) {', '.join(missing)} uit de kolomkoppeling staan niet in het bestand.",
            hint=f"Beschikbare kolommen: {', '.join(cols)}.",
            path=p,
        )
    id_col = mapping.get("plot_id") or _find(cols, ID_COLUMNS)
    name_col = mapping.get("name") or _find(cols, NAME_COLUMNS)

    frame = raw.copy()
    # Ids are generated from the feature's position in the file, so they stay the same when a
    # geometry is dropped or the file is read again.
    generated = pd.Series(
        [f"P{i:0{max(4, len(str(len(frame))))}d}" for i in range(1, len(frame) + 1)],
        index=frame.index,
        dtype="string",
    )
    given = (
        frame[id_col].astype("string").str.strip().replace("", pd.NA)
        if id_col
        else pd.Series(pd.NA, index=frame.index, dtype="string")
    )
    warnings.add(
        "plots_generated_ids",
        "{n} kavels zonder id kregen een gegenereerd id (P0001, ...)",
        int(given.isna().sum()),
    )
    plot_id = given.fillna(generated)
    names = (
        frame[name_col].astype("string").str.strip().replace("", pd.NA)
        if name_col
        else pd.Series(pd.NA, index=frame.index, dtype="string")
    )
    renamed = {
        c: f"src_{c}"
        for c in cols
        if c in ("plot_id", "name", "source", "area_m2") and c not in (id_col, name_col)
    }
    frame = frame.rename(columns=renamed)
    frame = frame.drop(columns=[c for c in (id_col, name_col) if c is not None and c in ("plot_id", "name")])
    frame["plot_id"] = plot_id
    frame["name"] = names
    frame["source"] = source if source is not None else p.name

    frame = ensure_rd(frame, warnings, path=p)
    frame = _clean_mixed(frame, warnings)
    unique, n_dup = make_unique_ids(frame["plot_id"])
    frame["plot_id"] = unique
    warnings.add(
        "plots_duplicate_ids", "{n} dubbele kavel-id's uniek gemaakt (achtervoegsel -2, -3, ...)", n_dup
    )
    polygonal = frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    frame["area_m2"] = np.where(polygonal, frame.geometry.area, 0.0)
    out = conform(frame, LayerKind.PLOTS)
    meta: dict[str, Any] = {
        "id_column": id_col,
        "name_column": name_col,
        "features": len(out),
        "points": int((~polygonal).sum()),
        "polygons": int(polygonal.sum()),
        "other_layers": others,
    }
    return [LoadResult(LayerKind.PLOTS, out, str(p), layer=chosen, warnings=tuple(warnings), meta=meta)]


def _clean_mixed(frame: gpd.GeoDataFrame, warnings: Warnings) -> gpd.GeoDataFrame:
    """Clean points as points and everything else as polygons (lines are dropped, counted)."""
    is_point = frame.geometry.geom_type.isin(["Point", "MultiPoint"]).to_numpy()
    parts = []
    if is_point.any():
        parts.append(clean_geometries(frame[is_point], warnings, family="point"))
    if (~is_point).any():
        parts.append(clean_geometries(frame[~is_point], warnings, family="polygon"))
    if not parts:
        return frame
    merged = pd.concat(parts).sort_index()
    return gpd.GeoDataFrame(merged, geometry=frame.geometry.name, crs=frame.crs)


def _sniff(pr: Probe) -> bool:
    if pr.suffix == ".csv":
        fields = {f for lp in pr.layers for f in lp.fields}
        return any({x, y} <= fields for x, y, _ in _XY_COLUMNS) or bool(fields & {"wkt"})
    if pr.suffix in (".gml", ".xml"):
        return False  # GML without a known schema is not guessed as plots
    # "Unknown" is what GDAL reports for GeoJSON mixing Polygon and MultiPolygon features.
    return any(
        lp.geometry_type is not None
        and any(t in lp.geometry_type.lower() for t in ("point", "polygon", "unknown"))
        for lp in pr.layers
    )


PLOTS_FORMAT = register(
    SourceFormat(
        id="plots",
        label="Kavels / kandidaatlocaties (punten of vlakken)",
        kinds=(LayerKind.PLOTS,),
        sniff=_sniff,
        load=load,
        priority=90,
        options={
            "mapping": "kolomkoppeling, bijv. {'plot_id': 'kavelnr', 'name': 'omschrijving'}",
            "source": "herkomst van de kavels (standaard: de bestandsnaam)",
            "layer": "laag in het bestand (standaard: de eerste punt- of vlaklaag)",
        },
    )
)
