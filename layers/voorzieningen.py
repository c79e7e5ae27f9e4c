"""Facility lists a municipality keeps itself: CSV/XLSX with coordinates, GeoJSON, GeoPackage.

Such lists are hand-made: Dutch Excel exports with ``;`` and decimal commas, cp1252 text,
lon/lat swapped, their own category words. Every repair is counted in a warning and no row
is dropped silently: rows whose category we cannot map keep category NA.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from layers.canonical import LayerKind, conform
from layers.categories import load_osm_rules, load_vocabulary, normalize_category
from layers.crs import ensure_rd, looks_like_lonlat_nl
from layers.errors import LayerFormatError, LayerSchemaError
from layers.geometry import clean_geometries
from layers.registry import Probe, SourceFormat, register
from layers.result import LoadResult, Warnings
from layers.sources import check_file, read_vector

__all__ = [
    "CATEGORY_COLUMNS",
    "HOMES_COLUMNS",
    "LAT_COLUMNS",
    "LON_COLUMNS",
    "X_COLUMNS",
    "Y_COLUMNS",
    "load",
    "read_facility_list",
    "sniff_facility_list",
]

# Header names (normalised: lower case, spaces/dashes/dots → "_") we recognise.
X_COLUMNS = (
    "x",
    "rd_x",
    "x_rd",
    "rdx",
    "xrd",
    "x_coord",
    "xcoord",
    "x_coordinaat",
    "xcoordinaat",
    "coord_x",
    "x_rd_new",
)
Y_COLUMNS = (
    "y",
    "rd_y",
    "y_rd",
    "rdy",
    "yrd",
    "y_coord",
    "ycoord",
    "y_coordinaat",
    "ycoordinaat",
    "coord_y",
    "y_rd_new",
)
LON_COLUMNS = ("lon", "lng", "long", "longitude", "lengtegraad", "lon_wgs84", "longitude_wgs84", "wgs84_lon")
LAT_COLUMNS = ("lat", "latitude", "breedtegraad", "lat_wgs84", "latitude_wgs84", "wgs84_lat")
CATEGORY_COLUMNS = ("category", "categorie", "type", "soort", "voorziening", "categorie_voorziening")
_NAME_COLUMNS = ("name", "naam", "omschrijving", "titel", "benaming")
_ID_COLUMNS = ("facility_id", "id", "identificatie", "code", "nummer")
_DEPARTURE_COLUMNS = ("departures_per_hour", "vertrekken_per_uur")
# Homes at a location of existing senior housing (categories *_bestaand): the demand step
# subtracts them from the need (projects/demand.py).
HOMES_COLUMNS = (
    "woningen",
    "aantal_woningen",
    "wooneenheden",
    "aantal_wooneenheden",
    "eenheden",
    "homes",
    "units",
)
_TABLE_SUFFIXES = (".csv", ".tsv", ".txt")
_CATEGORY_WARNINGS = {"unknown_category", "empty_category", "no_category_column"}
# Tag columns of OSM exports (Overpass turbo, QGIS QuickOSM) that identify facilities.
_OSM_TAG_COLUMNS = {"amenity", "shop", "healthcare", "public_transport", "railway"}
_VECTOR_SUFFIXES = (".geojson", ".json", ".gpkg", ".fgb", ".shp")
_SEPARATORS = (";", ",", "\t", "|")
# Rows of a list closer than this with the same category and name are one facility listed twice
# (coordinates rounded to this grid; a repeated row has identical or near-identical coordinates).
_SAME_PLACE_M = 1.0


def _norm(col: object) -> str:
    return re.sub(r"[\s\-.]+", "_", str(col).strip().lower()).strip("_")


def _find(
    columns: Sequence[str], names: Sequence[str], explicit: str | None, what: str, path: Path
) -> str | None:
    """The column called ``explicit`` (must exist), else the first recognised name."""
    if explicit is not None:
        if explicit in columns:
            return explicit
        by_norm = {_norm(c): c for c in columns}
        if _norm(explicit) in by_norm:
            return by_norm[_norm(explicit)]
        raise LayerSchemaError(
            f"De kolom '{explicit}' ({what}) staat niet in het bestand.",
            hint=f"Beschikbare kolommen: {', '.join(map(str, columns))}.",
            path=path,
        )
    by_norm = {}
    for c in columns:
        by_norm.setdefault(_norm(c), c)
    for n in names:
        if n in by_norm:
            return by_norm[n]
    return None


# --------------------------------------------------------------------------------------------
# tables (CSV / XLSX)
# --------------------------------------------------------------------------------------------


def _decode(raw: bytes, warnings: Warnings) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        warnings.add(
            "encoding_cp1252",
            "Het bestand is geen UTF-8; gelezen als Windows-1252 (Excel). Controleer letters als ë en é.",
        )
        return raw.decode("cp1252", errors="replace")


def _separator(text: str) -> str:
    """The separator that splits the header into the most columns (consistently in the next lines)."""
    lines = [ln for ln in text.splitlines()[:20] if ln.strip()]
    if not lines:
        return ","
    best, best_score = ",", 0
    for sep in _SEPARATORS:
        n = lines[0].count(sep)
        if n == 0:
            continue
        consistent = sum(1 for ln in lines[1:] if ln.count(sep) >= n)
        score = n * 10 + consistent
        if score > best_score:
            best, best_score = sep, score
    return best


def _read_table(path: Path, warnings: Warnings, *, sheet: str | int | None) -> tuple[pd.DataFrame, str]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        try:
            frame = pd.read_excel(path, sheet_name=sheet if sheet is not None else 0, dtype=str)
        except (ValueError, OSError, KeyError) as exc:
            raise LayerFormatError(
                f"Het Excel-bestand kon niet worden gelezen ({str(exc)[:200]}).",
                hint="Sla het op als .xlsx of als CSV (UTF-8) en probeer opnieuw.",
                path=path,
            ) from exc
        return frame, "xlsx"
    text = _decode(path.read_bytes(), warnings)
    sep = _separator(text)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skipinitialspace=True,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise LayerFormatError(
            f"Het CSV-bestand kon niet worden gelezen ({str(exc).splitlines()[0][:200]}).",
            hint="Controleer het scheidingsteken en de aanhalingstekens; elke regel moet evenveel kolommen hebben.",
            path=path,
        ) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, "csv"


def _numbers(series: pd.Series) -> pd.Series:
    """Coordinates as floats; accepts a decimal comma (Dutch Excel)."""
    text = series.astype("string").str.strip().str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce").astype("float64")


def _table_points(
    frame: pd.DataFrame,
    warnings: Warnings,
    path: Path,
    *,
    x_column: str | None,
    y_column: str | None,
    crs: str | None,
) -> gpd.GeoDataFrame:
    cols = [str(c) for c in frame.columns]
    xcol = _find(cols, X_COLUMNS, x_column, "x", path)
    ycol = _find(cols, Y_COLUMNS, y_column, "y", path)
    loncol = _find(cols, LON_COLUMNS, None, "lon", path) if x_column is None else None
    latcol = _find(cols, LAT_COLUMNS, None, "lat", path) if y_column is None else None
    if xcol is not None and ycol is not None:
        a, b = _numbers(frame[xcol]), _numbers(frame[ycol])
        src_crs = crs
        if src_crs is None:
            ok = a.notna() & b.notna()
            if ok.any() and looks_like_lonlat_nl((a[ok].min(), b[ok].min(), a[ok].max(), b[ok].max())):
                src_crs = "EPSG:4326"  # degrees in x/y columns
            elif _norm(xcol) != "x":
                src_crs = "EPSG:28992"  # rd_x, x_rd, ...: the name says RD
    elif loncol is not None and latcol is not None:
        a, b = _numbers(frame[loncol]), _numbers(frame[latcol])
        src_crs = crs or "EPSG:4326"
    else:
        raise LayerSchemaError(
            "De lijst heeft geen coördinaatkolommen.",
            hint=(
                "Noem de coördinaatkolommen x en y (RD New, meters) of lon en lat (graden). "
                f"Gevonden kolommen: {', '.join(cols)}."
            ),
            path=path,
        )
    lon_lat = src_crs == "EPSG:4326"
    if lon_lat:
        swapped = a.between(50.0, 54.0) & b.between(3.0, 8.0)
        if swapped.any():
            a, b = a.where(~swapped, b), b.where(~swapped, a)
            warnings.add(
                "lonlat_swapped",
                "{n} punten hadden lengte- en breedtegraad verwisseld; omgedraaid (Nederland ligt op ca. 3-8° O, 50-54° N)",
                int(swapped.sum()),
            )
    bad = ~(np.isfinite(a.to_numpy()) & np.isfinite(b.to_numpy()))
    warnings.add("missing_coordinates", "{n} rijen zonder geldige coördinaten overgeslagen", int(bad.sum()))
    keep = pd.Series(~bad, index=frame.index)
    geom = gpd.points_from_xy(a[keep], b[keep])
    return gpd.GeoDataFrame(frame.loc[keep].reset_index(drop=True), geometry=geom, crs=src_crs)


# --------------------------------------------------------------------------------------------
# categories
# --------------------------------------------------------------------------------------------


def _check_map(category_map: Mapping[str, str] | None, path: Path) -> dict[str, str]:
    """The user's mapping with case-folded keys; every target must be a vocabulary id."""
    vocab = load_vocabulary()
    mapping: dict[str, str] = {}
    for key, val in (category_map or {}).items():
        if val not in vocab:
            raise LayerSchemaError(
                f"De categorie-koppeling wijst '{key}' toe aan onbekende categorie '{val}'.",
                hint=f"Kies uit: {', '.join(sorted(vocab))}.",
                path=path,
            )
        mapping[str(key).strip().casefold()] = val
    return mapping


def _map_categories(raw: pd.Series, mapping: Mapping[str, str], warnings: Warnings) -> pd.Series:
    vocab = load_vocabulary()
    out: list[str | None] = []
    unknown: Counter[str] = Counter()
    empty = 0
    for value in raw.tolist():
        if (
            value is None
            or (isinstance(value, float) and np.isnan(value))
            or value is pd.NA
            or str(value).strip() == ""
        ):
            out.append(None)
            empty += 1
            continue
        text = str(value).strip()
        cat = mapping.get(text.casefold()) or normalize_category(text, vocab)
        if cat is None:
            unknown[text] += 1
        out.append(cat)
    if unknown:
        shown = ", ".join(f"'{k}' ({v})" for k, v in unknown.most_common(5))
        more = " …" if len(unknown) > 5 else ""
        warnings.add(
            "unknown_category",
            f"{{n}} objecten zonder categorie: waarde niet in de woordenlijst ({shown}{more}); "
            "zet in de categoriekolom een categorie of omschrijving uit de woordenlijst "
            "(resources/categories/facilities.toml)",
            sum(unknown.values()),
        )
    warnings.add("empty_category", "{n} objecten zonder categorie: categoriekolom leeg", empty)
    return pd.Series(out, index=raw.index, dtype="string")


# --------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------


def read_facility_list(
    path: str | Path,
    *,
    category_column: str | None = None,
    category_map: Mapping[str, str] | None = None,
    category: str | None = None,
    name_column: str | None = None,
    id_column: str | None = None,
    x_column: str | None = None,
    y_column: str | None = None,
    crs: str | None = None,
    layer: str | int | None = None,
    source_label: str | None = None,
) -> LoadResult:
    """Read a facility list into the canonical FACILITIES layer.

    The category comes from ``category_column`` (auto: category/categorie/type/soort), mapped
    through ``category_map`` and then matched against the vocabulary ids and labels; or from
    ``category`` for a single-category list (e.g. all rows are ``apotheek``). Unmapped values
    give category NA and a counted warning; the raw value stays in ``category_source``.
    ``crs`` overrides the coordinate system of CSV/XLSX coordinate columns.
    """
    p = check_file(path)
    if p.is_dir():
        raise LayerFormatError(
            "Dit is een map, geen lijst met voorzieningen.",
            hint="Kies een CSV-, Excel-, GeoJSON- of GeoPackage-bestand.",
            path=p,
        )
    warnings = Warnings()
    mapping = _check_map(category_map, p)
    suffix = p.suffix.lower()
    if suffix in (*_TABLE_SUFFIXES, ".xlsx", ".xlsm"):
        table, fmt = _read_table(p, warnings, sheet=layer)
        if table.empty and len(table.columns) == 0:
            raise LayerFormatError(
                "Het bestand bevat geen kolommen.", hint="Controleer of het een CSV met kopregel is.", path=p
            )
        gdf = _table_points(table, warnings, p, x_column=x_column, y_column=y_column, crs=crs)
        assume = None
    else:
        gdf = read_vector(p, layer=layer)
        fmt = suffix.lstrip(".") or "vector"
        assume = "EPSG:4326" if suffix in (".geojson", ".json") else None
    gdf = ensure_rd(gdf, warnings, path=p, assume_crs=assume)
    gdf = clean_geometries(gdf, warnings, family="point")
    cols = [str(c) for c in gdf.columns if c != gdf.geometry.name]

    if category is not None:
        vocab = load_vocabulary()
        fixed = normalize_category(category, vocab)
        if fixed is None:
            raise LayerSchemaError(
                f"Onbekende categorie '{category}'.", hint=f"Kies uit: {', '.join(sorted(vocab))}.", path=p
            )
        cats = pd.Series([fixed] * len(gdf), index=gdf.index, dtype="string")
        raw_cat: pd.Series | None = None
    else:
        cat_col = _find(cols, CATEGORY_COLUMNS, category_column, "categorie", p)
        if cat_col is None:
            raw_cat = None
            cats = pd.Series([pd.NA] * len(gdf), index=gdf.index, dtype="string")
            warnings.add(
                "no_category_column",
                "{n} objecten zonder categorie: geen categoriekolom gevonden (category, categorie, type); "
                "noem de kolom met de soort voorziening 'categorie'",
                len(gdf),
            )
        else:
            raw_cat = gdf[cat_col]
            cats = _map_categories(raw_cat, mapping, warnings)

    if category is None and cats.isna().any():
        cats, raw_cat = _classify_osm_columns(gdf, cols, cats, raw_cat, warnings)

    name_col = _find(cols, _NAME_COLUMNS, name_column, "naam", p)
    id_col = _find(cols, _ID_COLUMNS, id_column, "id", p)
    dep_col = _find(cols, _DEPARTURE_COLUMNS, None, "vertrekken", p)
    homes_col = _find(cols, HOMES_COLUMNS, None, "woningen", p)
    stem = p.name.split(".")[0]
    if id_col is not None:
        ids = gdf[id_col].astype("string").str.strip()
        ids = ids.where(
            ids.notna() & (ids != ""),
            pd.Series([str(i + 1) for i in range(len(gdf))], index=gdf.index, dtype="string"),
        )
    else:
        ids = pd.Series([str(i + 1) for i in range(len(gdf))], index=gdf.index, dtype="string")
    facility_id = (stem + ":" + ids).astype("string")
    dup = int(facility_id.duplicated().sum())
    warnings.add("duplicate_id", "{n} dubbele id's in de lijst (objecten blijven behouden)", dup)

    canon_names = {
        "facility_id",
        "name",
        "category",
        "source",
        "departures_per_hour",
        "category_source",
        "woningen",
    }
    rename = {c: f"src_{c}" for c in cols if c in canon_names}
    extra = gdf.rename(columns=rename)
    out = gpd.GeoDataFrame(
        {
            "facility_id": facility_id,
            "name": gdf[name_col].astype("string")
            if name_col is not None
            else pd.Series(pd.NA, index=gdf.index, dtype="string"),
            "category": cats,
            "source": source_label or fmt,
            "departures_per_hour": _numbers(gdf[dep_col]) if dep_col is not None else np.nan,
            "category_source": raw_cat.astype("string")
            if raw_cat is not None
            else pd.Series(pd.NA, index=gdf.index, dtype="string"),
        },
        geometry=gdf.geometry,
        crs=gdf.crs,
    )
    if homes_col is not None:
        homes = _numbers(gdf[homes_col])
        bad = int((homes.isna() & gdf[homes_col].notna()).sum()) + int((homes < 0).sum())
        out["woningen"] = homes.where(homes >= 0).round().astype("Int64")
        warnings.add(
            "homes_unreadable",
            f"{{n}} locaties met een onleesbaar aantal woningen in kolom '{homes_col}' (blijven leeg)",
            bad,
        )
    for c in extra.columns:
        if c != extra.geometry.name and c not in out.columns:
            out[c] = extra[c]
    frame, merged = _merge_repeats(conform(out, LayerKind.FACILITIES))
    warnings.add(
        "duplicate_facility",
        "{n} dubbele regels samengevoegd (zelfde categorie, naam en plek op minder dan "
        f"{_SAME_PLACE_M:g} m): elke voorziening telt één keer; hun id's staan in de kolom merged_ids",
        merged,
    )
    counts = {str(k): int(v) for k, v in frame["category"].value_counts().sort_index().items()}
    meta: dict[str, Any] = {
        "counts_by_category": counts,
        "without_category": int(frame["category"].isna().sum()),
        "format": fmt,
        "duplicates_merged": merged,
    }
    return LoadResult(
        kind=LayerKind.FACILITIES,
        frame=frame,
        source=str(p),
        layer=None if layer is None else str(layer),
        warnings=tuple(warnings),
        meta=meta,
    )


def _merge_repeats(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, int]:
    """One row per facility listed more than once: same category, same name, same place.

    Hand-kept lists repeat a row (copied from two sources, pasted twice). The first row is kept;
    ``merged_ids`` names the rows folded into it, so nothing disappears unseen. Different places
    with one name (two branches of a chain) are farther apart than ``_SAME_PLACE_M`` and stay.
    """
    if len(frame) < 2:
        return frame, 0
    name = frame["name"].astype("string").str.casefold().str.split().str.join(" ").fillna("")
    xy = np.round(np.column_stack([frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()]) / _SAME_PLACE_M)
    key = pd.Series(
        frame["category"].astype("string").fillna("").to_numpy(dtype=object)
        + "\x1f"
        + name.to_numpy(dtype=object)
        + "\x1f"
        + pd.Series(xy[:, 0]).astype("int64").astype(str).to_numpy(dtype=object)
        + "\x1f"
        + pd.Series(xy[:, 1]).astype("int64").astype(str).to_numpy(dtype=object),
        index=frame.index,
    )
    repeat = key.duplicated(keep="first")
    if not repeat.any():
        return frame, 0
    ids = frame["facility_id"].astype("string")
    folded = ids[repeat].groupby(key[repeat]).agg(lambda v: ", ".join(v.astype(str)))
    kept = frame.loc[~repeat].copy()
    kept["merged_ids"] = key[~repeat].map(folded).astype("string")
    return kept.reset_index(drop=True), int(repeat.sum())


def _classify_osm_columns(
    gdf: gpd.GeoDataFrame,
    cols: list[str],
    cats: pd.Series,
    raw_cat: pd.Series | None,
    warnings: Warnings,
) -> tuple[pd.Series, pd.Series | None]:
    """Give uncategorised rows a category from their OSM tag columns (Overpass/QGIS exports).

    Exports of OSM data keep the tags as columns (amenity, shop, healthcare, ...): the same
    tag table as the OSM loader then decides, so such a file needs no category mapping.
    """
    rules = load_osm_rules()
    tag_cols = [
        c
        for c in cols
        if c in rules.keys or c in ("bus", "tram", "train", "social_facility", "healthcare:speciality")
    ]
    if not any(c in rules.keys for c in tag_cols):
        return cats, raw_cat
    elements = (
        gdf["osm_type"].astype("string").str.lower().fillna("node")
        if "osm_type" in gdf.columns
        else pd.Series("node", index=gdf.index, dtype="string")
    )
    values = gdf[tag_cols].astype("string")
    todo = cats.isna()
    new_cats = cats.copy()
    labels = (
        raw_cat.astype("string").copy()
        if raw_cat is not None
        else pd.Series(pd.NA, index=gdf.index, dtype="string")
    )
    found = 0
    for idx in cats.index[todo]:
        row = values.loc[idx]
        tags = {k: str(v) for k, v in row.items() if not pd.isna(v) and str(v) != ""}
        element = str(elements.loc[idx]) if str(elements.loc[idx]) in ("node", "way", "relation") else "node"
        rule = rules.classify(tags, element)
        if rule is not None:
            new_cats.loc[idx] = rule.category
            labels.loc[idx] = rule.describe(tags)
            found += 1
    warnings.add(
        "osm_tags_classified",
        "{n} objecten ingedeeld met de OSM-tagtabel (kolommen als amenity, shop, healthcare)",
        found,
    )
    if found:
        # The category-column warnings counted rows the tags have now placed: restate them.
        warnings[:] = [w for w in warnings if w.code not in _CATEGORY_WARNINGS]
        warnings.add(
            "osm_tags_unclassified",
            "{n} objecten zonder categorie: geen bekende categoriewaarde en geen passende OSM-tags",
            int(new_cats.isna().sum()),
        )
    return new_cats.astype("string"), labels


def load(path: str | Path, *, kinds: Sequence[LayerKind] | None = None, **options: Any) -> list[LoadResult]:
    """Registry entry point; ``options`` are those of :func:`read_facility_list`."""
    if kinds is not None and LayerKind.FACILITIES not in kinds:
        raise LayerSchemaError(
            "Een lijst met voorzieningen levert alleen de laag voorzieningen (facilities).",
            hint="Kies een ander bestand voor deze laagsoort.",
            path=str(path),
        )
    return [read_facility_list(path, **options)]


def _header_fields(head: bytes) -> set[str]:
    text = head.decode("utf-8-sig", errors="replace")
    first = text.splitlines()[0] if text else ""
    sep = _separator(text)
    return {_norm(c.strip().strip('"')) for c in first.split(sep)}


def sniff_facility_list(pr: Probe) -> bool:
    """CSV/XLSX with coordinate columns, or a point layer with a category-ish column."""
    if pr.is_dir:
        return False
    if pr.suffix in (".xlsx", ".xlsm"):
        return True
    if pr.suffix in _TABLE_SUFFIXES:
        fields = _header_fields(pr.head)
        has_xy = bool(fields & set(X_COLUMNS)) and bool(fields & set(Y_COLUMNS))
        has_ll = bool(fields & set(LON_COLUMNS)) and bool(fields & set(LAT_COLUMNS))
        return has_xy or has_ll
    if pr.suffix in _VECTOR_SUFFIXES:
        for lp in pr.layers:
            gtype = (lp.geometry_type or "").lower()
            fields = {_norm(f) for f in lp.fields}
            if "point" in gtype and (fields & set(CATEGORY_COLUMNS) or fields & _OSM_TAG_COLUMNS):
                return True
    return False


register(
    SourceFormat(
        id="facility_list",
        label="Lijst met voorzieningen (CSV, Excel, GeoJSON, GeoPackage)",
        kinds=(LayerKind.FACILITIES,),
        sniff=sniff_facility_list,
        load=load,
        priority=55,
        options={
            "category_column": "kolom met de categorie (standaard: category/categorie/type)",
            "category_map": "vertaling eigen waarden → categorie, bijv. {'Huisartsenpraktijk': 'huisarts'}",
            "category": "één categorie voor alle rijen",
            "x_column": "kolom met x (RD) of lengtegraad",
            "y_column": "kolom met y (RD) of breedtegraad",
            "crs": "coördinatenstelsel van de coördinaatkolommen, bijv. EPSG:4326",
        },
    )
)
