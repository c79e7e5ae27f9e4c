"""CBS wijk- en buurtkaart (and vierkantstatistieken) as NEIGHBOURHOODS.

CBS has renamed its columns over the years (``BU_CODE``/``AANT_INW`` up to 2019,
``buurtcode``/``aantal_inwoners`` since, camelCase in WFS responses), so columns are matched
on a normalised name. Secret or unknown values are negative sentinel codes (``-99997``,
``-99999999``, ...): they become NULL, never 0, because a 0 would read as "no elderly here".
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import geopandas as gpd
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

__all__ = ["CBS_FORMAT", "COLUMN_ALIASES", "SENTINEL_MAX", "load", "match_columns", "null_sentinels"]

# Every CBS "secret / unknown / not applicable" code is a large negative number
# (-99995 ... -99999, -99999999); no real statistic comes near it.
SENTINEL_MAX = -99990.0

# Canonical column -> accepted source names, best first (matched after normalising).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "code": (
        "buurtcode",
        "bu_code",
        "wijkcode",
        "wk_code",
        "gemeentecode",
        "gm_code",
        "statcode",
        "crs28992res100m",
        "crs28992res500m",
        "c28992r100",
        "c28992r500",
    ),
    "name": ("buurtnaam", "bu_naam", "wijknaam", "wk_naam", "gemeentenaam", "gm_naam", "statnaam"),
    "inwoners": ("aantal_inwoners", "aant_inw", "inwoners", "inwoner", "inw"),
    "inwoners_65_plus": ("aantal_inwoners_65_jaar_en_ouder", "inw_65pl", "a_65_eo_jr", "inwoners_65_plus"),
    "inwoners_75_plus": ("aantal_inwoners_75_jaar_en_ouder", "inwoners_75_plus"),
    "pct_65_plus": ("percentage_personen_65_jaar_en_ouder", "p_65_eo_jr", "pct_65_plus"),
    "gemiddelde_huishoudsgrootte": (
        "gemiddelde_huishoudsgrootte",
        "gemiddelde_huishoudensgrootte",
        "gem_hh_gr",
        "gemiddelde_huishoudgrootte",
    ),
}
_NUMERIC = ("inwoners", "inwoners_65_plus", "inwoners_75_plus", "pct_65_plus", "gemiddelde_huishoudsgrootte")
# GML bookkeeping columns that carry no statistics.
_GML_NOISE = ("lowercorner", "uppercorner", "boundedby")
# Field names specific enough to claim a file as CBS (not generic ones like 'inwoners').
_SNIFF_FIELDS = {
    key
    for names in COLUMN_ALIASES.values()
    for key in (re.sub(r"[^a-z0-9]", "", n) for n in names)
    if key
    not in (
        "inwoners",
        "inwoner",
        "inw",
        "statcode",
        "statnaam",
        "inwoners65plus",
        "inwoners75plus",
        "pct65plus",
    )
}


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def match_columns(columns: list[str]) -> dict[str, str]:
    """Canonical name -> source column, for the CBS columns found in ``columns``."""
    by_norm: dict[str, str] = {}
    for col in columns:
        by_norm.setdefault(_norm(col), col)
    found: dict[str, str] = {}
    for canonical, aliases in COLUMN_ALIASES.items():
        for alias in aliases:
            if _norm(alias) in by_norm:
                found[canonical] = by_norm[_norm(alias)]
                break
    return found


def null_sentinels(frame: pd.DataFrame, warnings: Warnings) -> pd.DataFrame:
    """Replace CBS sentinel codes in all numeric columns by NULL, counted per column."""
    out = frame.copy()
    geometry = out.geometry.name if isinstance(out, gpd.GeoDataFrame) else None
    for col in out.columns:
        if (
            col == geometry
            or not pd.api.types.is_numeric_dtype(out[col])
            or pd.api.types.is_bool_dtype(out[col])
        ):
            continue
        hit = out[col] <= SENTINEL_MAX
        n = int(hit.sum())
        if n:
            out[col] = out[col].astype("Float64").mask(hit)
            warnings.add(
                "cbs_secret_values",
                f"{{n}} geheime of onbekende CBS-waarden in '{col}' als leeg (NULL) opgenomen, niet als 0",
                n,
            )
    return out


def _pick_layer(path: Path) -> tuple[str | None, list[str]]:
    """Prefer the buurten layer of a wijk- en buurtkaart GPKG; GML is read as one layer."""
    if path.suffix.lower() in (".gml", ".xml"):
        return None, []  # listing GML layers would write a .gfs next to the input
    try:
        names = [str(n) for n, gtype in pyogrio.list_layers(str(path)) if gtype is not None]
    except (DataSourceError, DataLayerError, OSError, RuntimeError):
        return None, []
    for word in ("buurt", "wijk", "gemeente", "vierkant"):
        for name in names:
            if word in name.lower():
                return name, names
    return (names[0] if names else None), names


def load(
    path: str | Path,
    *,
    kinds: list[LayerKind] | None = None,
    layer: str | None = None,
) -> list[LoadResult]:
    """Read a CBS buurt/wijk/gemeente or grid layer (GPKG, GeoJSON, Shapefile, WFS-GML)."""
    if kinds is not None and LayerKind.NEIGHBOURHOODS not in kinds:
        return []
    p = check_file(path)
    chosen, all_layers = (layer, []) if layer is not None else _pick_layer(p)
    raw = read_vector(p, layer=chosen)
    if not isinstance(raw, gpd.GeoDataFrame) or raw.geometry.isna().all():
        raise LayerSchemaError(
            "De CBS-laag heeft geen geometrie; een tabel zonder kaart kunnen we hier niet gebruiken.",
            hint="Gebruik de wijk- en buurtkaart (GeoPackage) of koppel de tabel eerst aan buurtvlakken.",
            path=p,
        )
    warnings = Warnings()
    frame = raw.drop(columns=[c for c in raw.columns if _norm(c) in _GML_NOISE])
    found = match_columns([c for c in frame.columns if c != frame.geometry.name])
    if not found:
        raise LayerSchemaError(
            "In dit bestand staan geen CBS-kolommen (zoals buurtcode, buurtnaam of aantal_inwoners).",
            hint="Kies de wijk- en buurtkaart van CBS of laad het bestand als ander laagsoort.",
            path=p,
        )
    frame = frame.rename(columns={src: dst for dst, src in found.items() if src != dst})
    frame = null_sentinels(frame, warnings)
    for col in _NUMERIC:
        if col in frame.columns:
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("Float64")
    derived = _derive(frame, warnings)
    if "code" not in frame.columns:
        warnings.add(
            "cbs_no_code",
            "{n} buurten zonder CBS-code; koppelen aan andere CBS-tabellen kan alleen via de kaart",
            len(frame),
        )
    frame = ensure_rd(frame, warnings, path=p)
    frame = clean_geometries(frame, warnings, family="polygon")
    out = conform(frame, LayerKind.NEIGHBOURHOODS)
    meta: dict[str, Any] = {
        "columns": found,
        "derived": derived,
        "null_counts": {c: int(out[c].isna().sum()) for c in _NUMERIC},
        "features": len(out),
        "other_layers": [n for n in all_layers if n != chosen],
    }
    return [
        LoadResult(LayerKind.NEIGHBOURHOODS, out, str(p), layer=chosen, warnings=tuple(warnings), meta=meta)
    ]


def _derive(frame: pd.DataFrame, warnings: Warnings) -> list[str]:
    """Fill 65+ count from the percentage or the percentage from the count (buurten vs. grids)."""
    derived: list[str] = []
    has = frame.columns
    if "inwoners" in has and "pct_65_plus" in has and "inwoners_65_plus" not in has:
        frame["inwoners_65_plus"] = frame["inwoners"] * frame["pct_65_plus"] / 100
        derived.append("inwoners_65_plus")
        warnings.add(
            "cbs_65_plus_from_pct",
            "Aantal 65-plussers berekend uit inwoners × percentage voor {n} buurten "
            "(CBS rondt het percentage af; het aantal is een benadering)",
            int(frame["inwoners_65_plus"].notna().sum()),
        )
    elif "inwoners" in has and "inwoners_65_plus" in has and "pct_65_plus" not in has:
        inw = frame["inwoners"].mask(frame["inwoners"] <= 0)
        frame["pct_65_plus"] = frame["inwoners_65_plus"] / inw * 100
        derived.append("pct_65_plus")
    return derived


def _sniff(pr: Probe) -> bool:
    if pr.suffix == ".csv":
        return False  # tables without geometry are not neighbourhoods
    if pr.suffix in (".gml", ".xml"):
        head = pr.head.lower()
        return any(w in head for w in (b"cbs_buurten", b"cbs_wijken", b"cbs_gemeenten", b"wijkenbuurten"))
    fields = {_norm(f) for lp in pr.layers for f in lp.fields}
    polygons = any(lp.geometry_type is None or "polygon" in lp.geometry_type.lower() for lp in pr.layers)
    return polygons and bool(fields & _SNIFF_FIELDS)


CBS_FORMAT = register(
    SourceFormat(
        id="cbs",
        label="CBS wijk- en buurtkaart / vierkantstatistieken",
        kinds=(LayerKind.NEIGHBOURHOODS,),
        sniff=_sniff,
        load=load,
        priority=30,
        options={"layer": "laag in het bestand (standaard: de buurtenlaag)"},
    )
)
