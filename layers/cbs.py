"""CBS wijk- en buurtkaart (and vierkantstatistieken) as NEIGHBOURHOODS.

CBS has renamed its columns over the years (``BU_CODE``/``AANT_INW`` up to 2019,
``buurtcode``/``aantal_inwoners`` since, camelCase in WFS responses), so columns are matched
on a normalised name. Secret or unknown values are negative sentinel codes (``-99997``,
``-99999999``, ...): they become NULL, never 0, because a 0 would read as "no elderly here".

Besides the canonical columns the loader names a few more the demand step reads: the level of
each row (``level``: buurt, wijk, gemeente or vierkant, from its code), ``aantal_huishoudens``,
the parent codes (``wijkcode``, ``gemeentecode``), the CBS *nabijheid* road distances as
``afstand_<voorziening>_km`` (:data:`NABIJHEID_ALIASES`) and ``peiljaar`` when the file or its
name says which year the figures describe. A 65+ count computed from a rounded percentage gets
a range (``inwoners_65_plus_min``/``_max``): CBS publishes whole percentages, so the count is an
estimate of ± half a percentage point of the inhabitants.
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

__all__ = [
    "CBS_FORMAT",
    "COLUMN_ALIASES",
    "LEVELS",
    "NABIJHEID_ALIASES",
    "SENTINEL_MAX",
    "level_of_code",
    "load",
    "match_columns",
    "null_sentinels",
]

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
    # "65plus": the short name of CBS extracts that shorten the kerncijfer names (e.g. age groups
    # 0_15 … 65plus beside aantal_inwoners); still a percentage, as in the full table.
    "pct_65_plus": ("percentage_personen_65_jaar_en_ouder", "p_65_eo_jr", "pct_65_plus", "65plus"),
    "gemiddelde_huishoudsgrootte": (
        "gemiddelde_huishoudsgrootte",
        "gemiddelde_huishoudensgrootte",
        "gem_hh_gr",
        "gemiddelde_huishoudgrootte",
        "gem_huishouden_grootte",
    ),
    "aantal_huishoudens": ("aantal_huishoudens", "aantal_hh", "aantalhuishoudens", "huishoudens"),
}
# CBS *nabijheid voorzieningen*: average distance over the road network (km) from the inhabited
# addresses of an area to the nearest facility (domain.md §3.3). Current, camelCase (WFS) and
# shortened names; the facility categories they correspond to are data (resources/demand).
NABIJHEID_ALIASES: dict[str, tuple[str, ...]] = {
    "afstand_huisarts_km": ("afstand_tot_huisartsenpraktijk", "afstand_huisarts", "g_afs_hp"),
    "afstand_supermarkt_km": ("afstand_tot_grote_supermarkt", "afstand_supermarkt", "g_afs_gs"),
    "afstand_apotheek_km": ("afstand_tot_apotheek", "afstand_apotheek"),
    "afstand_treinstation_km": ("afstand_tot_treinstation", "afstand_treinstation"),
    "afstand_ziekenhuis_km": ("afstand_tot_ziekenhuis", "afstand_ziekenhuis"),
    "afstand_bibliotheek_km": ("afstand_tot_bibliotheek", "afstand_bibliotheek"),
    "afstand_kinderdagverblijf_km": ("afstand_tot_kinderdagverblijf", "afstand_kdv", "g_afs_kv"),
    "afstand_school_km": ("afstand_tot_school", "afstand_basisonderwijs", "g_afs_sc"),
    "afstand_oprit_km": ("afstand_tot_oprit_hoofdverkeersweg", "afstand_oprit"),
}
_NUMERIC = (
    "inwoners",
    "inwoners_65_plus",
    "inwoners_75_plus",
    "pct_65_plus",
    "gemiddelde_huishoudsgrootte",
    "aantal_huishoudens",
    *NABIJHEID_ALIASES,
)
# The level of a row from its code (CBS codes: BU + 8, WK + 6, GM + 4 digits; grid cell ids).
LEVELS: tuple[str, ...] = ("vierkant", "buurt", "wijk", "gemeente")
_CODE_LEVEL = (("BU", "buurt"), ("WK", "wijk"), ("GM", "gemeente"))
_PARENT_CODES = {"wijkcode": ("wijkcode", "wk_code"), "gemeentecode": ("gemeentecode", "gm_code")}
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
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
        "65plus",
        "huishoudens",
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
    taken: set[str] = set()
    for canonical, aliases in (*COLUMN_ALIASES.items(), *NABIJHEID_ALIASES.items()):
        for alias in aliases:
            src = by_norm.get(_norm(alias))
            if src is not None and src not in taken:
                found[canonical] = src
                taken.add(src)
                break
    return found


def level_of_code(code: object) -> str | None:
    """``"buurt"``, ``"wijk"``, ``"gemeente"`` from a CBS code; ``"vierkant"`` for a grid cell id."""
    if code is None or code is pd.NA or not isinstance(code, str) or not code.strip():
        return None
    text = code.strip().upper()
    for prefix, level in _CODE_LEVEL:
        if text.startswith(prefix):
            return level
    if re.match(r"^(E\d{3,4}N\d{3,4}|CRS28992RES)", text):
        return "vierkant"
    return None


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


def _gemeente_filter(p: Path, layer: str | None, gemeente: str) -> str:
    """An OGR SQL ``where`` that keeps the rows of one gemeente (code ``GM0503`` or ``0503``)."""
    digits = re.sub(r"\D", "", gemeente)
    if len(digits) != 4:
        raise LayerSchemaError(
            f"'{gemeente}' is geen gemeentecode.",
            hint="Geef de CBS-code van vier cijfers, bijv. 0503 of GM0503.",
            path=p,
        )
    try:
        fields = [str(f) for f in pyogrio.read_info(str(p), layer=layer)["fields"]]
    except (DataSourceError, DataLayerError, OSError, RuntimeError) as exc:
        raise LayerSchemaError("Het CBS-bestand kan niet worden gelezen.", hint=str(exc), path=p) from exc
    column = next((f for f in fields if _norm(f) in ("gemeentecode", "gmcode")), None)
    if column is None:
        raise LayerSchemaError(
            "Dit CBS-bestand heeft geen kolom gemeentecode om op te filteren.",
            hint="Laat de gemeentekeuze weg; het hele bestand wordt dan gelezen.",
            path=p,
        )
    return f"\"{column}\" = 'GM{digits}' OR \"{column}\" = '{digits}'"


def load(
    path: str | Path,
    *,
    kinds: list[LayerKind] | None = None,
    layer: str | None = None,
    gemeente: str | None = None,
) -> list[LoadResult]:
    """Read a CBS buurt/wijk/gemeente or grid layer (GPKG, GeoJSON, Shapefile, WFS-GML).

    ``gemeente`` (``GM0503`` or ``0503``) reads only that gemeente's rows, filtered by GDAL
    while reading, so a national file of all wijken stays quick to read.
    """
    if kinds is not None and LayerKind.NEIGHBOURHOODS not in kinds:
        return []
    p = check_file(path)
    chosen, all_layers = (layer, []) if layer is not None else _pick_layer(p)
    where = _gemeente_filter(p, chosen, gemeente) if gemeente else None
    raw = read_vector(p, layer=chosen, **({"where": where} if where else {}))
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
    frame = _parent_codes(frame)
    frame = null_sentinels(frame, warnings)
    for col in _NUMERIC:
        if col in frame.columns:
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("Float64")
    derived = _derive(frame, warnings)
    if "code" in frame.columns:
        frame["level"] = pd.Series(
            [level_of_code(c) for c in frame["code"].tolist()], index=frame.index, dtype="string"
        )
    year = _peiljaar(frame, p)
    if year is not None and "peiljaar" not in frame.columns:
        frame["peiljaar"] = pd.Series([year] * len(frame), index=frame.index, dtype="Int64")
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
        "levels": sorted(str(v) for v in out["level"].dropna().unique()) if "level" in out else [],
        "peiljaar": year,
        "null_counts": {c: int(out[c].isna().sum()) for c in _NUMERIC if c in out.columns},
        "features": len(out),
        "other_layers": [n for n in all_layers if n != chosen],
    }
    return [
        LoadResult(LayerKind.NEIGHBOURHOODS, out, str(p), layer=chosen, warnings=tuple(warnings), meta=meta)
    ]


def _parent_codes(frame: pd.DataFrame) -> pd.DataFrame:
    """Name the parent-code columns ``wijkcode``/``gemeentecode`` whatever their source spelling."""
    rename: dict[str, str] = {}
    for target, aliases in _PARENT_CODES.items():
        if target in frame.columns:
            continue
        for col in frame.columns:
            if isinstance(col, str) and _norm(col) in {_norm(a) for a in aliases} and col not in rename:
                rename[col] = target
                break
    return frame.rename(columns=rename) if rename else frame


def _peiljaar(frame: pd.DataFrame, path: Path) -> int | None:
    """The year the figures describe: a ``jaar``/``peiljaar`` column, else a year in the file name."""
    for col in frame.columns:
        if isinstance(col, str) and _norm(col) in ("jaar", "peiljaar", "jaarstatcode"):
            years = pd.to_numeric(frame[col].astype("string").str[:4], errors="coerce").dropna()
            if len(years) and years.nunique() == 1:
                return int(years.iloc[0])
    found = _YEAR.findall(path.stem)
    return int(found[-1]) if found else None


def _rounding_pp(pct: pd.Series) -> float:
    """Half the rounding step of the published percentages: 0.5 for whole numbers, 0.05 for one decimal."""
    known = pd.to_numeric(pct, errors="coerce").dropna().astype(float)
    if known.empty:
        return 0.5
    whole = bool(((known - known.round()).abs() < 1e-9).all())
    return 0.5 if whole else 0.05


def _derive(frame: pd.DataFrame, warnings: Warnings) -> list[str]:
    """Fill 65+ count from the percentage or the percentage from the count (buurten vs. grids)."""
    derived: list[str] = []
    has = frame.columns
    if "inwoners" in has and "pct_65_plus" in has and "inwoners_65_plus" not in has:
        frame["inwoners_65_plus"] = frame["inwoners"] * frame["pct_65_plus"] / 100
        # The published percentage is rounded: the count lies within ± half a step of it.
        half = _rounding_pp(frame["pct_65_plus"])
        low = (frame["pct_65_plus"] - half).clip(lower=0)
        high = (frame["pct_65_plus"] + half).clip(upper=100)
        frame["inwoners_65_plus_min"] = frame["inwoners"] * low / 100
        frame["inwoners_65_plus_max"] = frame["inwoners"] * high / 100
        frame["pct_65_plus_afronding"] = pd.Series([half] * len(frame), index=frame.index, dtype="Float64")
        derived.append("inwoners_65_plus")
        warnings.add(
            "cbs_65_plus_from_pct",
            "Aantal 65-plussers berekend uit inwoners × percentage voor {n} gebieden "
            f"(CBS rondt het percentage af op ±{str(half).replace('.', ',')} procentpunt; "
            "het aantal is een schatting met die marge)",
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
    # "Unknown" is what GDAL reports for GeoJSON mixing Polygon and MultiPolygon features.
    polygons = any(
        lp.geometry_type is None or any(t in lp.geometry_type.lower() for t in ("polygon", "unknown"))
        for lp in pr.layers
    )
    return polygons and bool(fields & _SNIFF_FIELDS)


CBS_FORMAT = register(
    SourceFormat(
        id="cbs",
        label="CBS wijk- en buurtkaart / vierkantstatistieken",
        kinds=(LayerKind.NEIGHBOURHOODS,),
        sniff=_sniff,
        load=load,
        priority=30,
        options={
            "layer": "laag in het bestand (standaard: de buurtenlaag)",
            "gemeente": "alleen de rijen van deze gemeente (CBS-code, bijv. 0503)",
        },
    )
)
