"""Zoning (bestemmingsplan) loaders: IMRO2008/IMRO2012 GML and any polygon layer with a mapping.

IMRO GML is read with GDAL's GML driver (one GDAL layer per IMRO feature type); we never parse
geometry ourselves, so GML 3.1.1 and 3.2, ``gml:Arc`` segments (linearised by GDAL/pyogrio) and
multi-patch surfaces all work. The XML safety check runs before GDAL sees the file and GDAL is
told not to write a ``.gfs`` sidecar, so the input file is never modified.

All planobjects with an area become rows of one zoning frame, ``feature_type`` telling them
apart. Maatvoering values (``waarde``/``waardeType`` pairs, several per object) are kept as
text and mapped to numeric columns through ``resources/zoning/maatvoering.toml`` (every
waardeType of the IMRO2008 and IMRO2012 waardelijsten; unknown ones are counted). The plan's
status and date are columns of every row, and a plan that is not (yet) in force -- concept,
voorontwerp, ontwerp -- is flagged in a warning wherever it is loaded.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from layers.canonical import CANONICAL, LayerKind, conform
from layers.crs import ensure_rd
from layers.errors import LayerFormatError, LayerSchemaError
from layers.geometry import clean_geometries
from layers.registry import Probe, SourceFormat, probe, register
from layers.result import LoadResult, Warnings
from layers.sources import check_file, check_xml_safe, list_layers, read_vector
from resources import resource

__all__ = [
    "FEATURE_TYPES",
    "IMRO2008_NS",
    "IMRO2012_NS",
    "IN_FORCE_STATUSES",
    "MAATVOERING_COLUMNS",
    "Hoofdgroep",
    "MaatvoeringTable",
    "hoofdgroepen",
    "imro_version",
    "load",
    "load_imro_gml",
    "load_vector",
    "load_zoning_vector",
    "maatvoering_table",
    "not_in_force_warning",
    "parse_maatvoering",
]

IMRO2012_NS = "http://www.geonovum.nl/imro/2012/1.1"
IMRO2008_NS = "http://www.geonovum.nl/imro/2008/1"
# Any version of the schema: IMRO2012 files exist with namespace .../imro/2012/1.0 as well as
# .../2012/1.1 (the Geonovum Durperveld test plan uses 1.0).
_NAMESPACE_RE = re.compile(rb"http://www\.geonovum\.nl/imro/(2008|2012)/")
# Root element plus namespace declarations normally fit in the first few kB; a long comment
# block before the root is why we look further than the registry's 4 kB head.
_HEAD_BYTES = 64 * 1024

# GDAL layer (IMRO feature type) -> canonical feature_type.
FEATURE_TYPES: dict[str, str] = {
    "Enkelbestemming": "enkelbestemming",
    "Dubbelbestemming": "dubbelbestemming",
    "Bouwvlak": "bouwvlak",
    "Maatvoering": "maatvoering",
    "Functieaanduiding": "functieaanduiding",
    "Bouwaanduiding": "bouwaanduiding",
    "Gebiedsaanduiding": "gebiedsaanduiding",
    "Lettertekenaanduiding": "lettertekenaanduiding",
    "Figuur": "figuur",
    "Bestemmingsplangebied": "plangebied",
}
_PLAN_LAYER = "Bestemmingsplangebied"
# Layers that carry no planobject geometry; skipped without a warning.
_NON_SPATIAL = {"MetadataIMRObestand"}


def _in_force_statuses() -> frozenset[str]:
    """Planstatus values under which a plan is law (``resources/zoning/planstatus.toml``)."""
    with resource("zoning", "planstatus.toml").open("rb") as fh:
        data = tomllib.load(fh)
    return frozenset(str(v).strip().lower() for v in data["in_force"])


IN_FORCE_STATUSES = _in_force_statuses()


@dataclass(frozen=True, slots=True)
class MaatvoeringTable:
    """``resources/zoning/maatvoering.toml``: normalised waardeType -> column ("" = text only)."""

    columns: dict[str, str]
    labels: dict[str, str]

    @property
    def numeric_columns(self) -> tuple[str, ...]:
        """The numeric maatvoering columns, in table order."""
        return tuple(self.labels)


def _normalise_type(value: str) -> str:
    return " ".join(str(value).replace("m²", "m2").lower().split())


@cache
def maatvoering_table() -> MaatvoeringTable:
    """The waardeType table (see the TOML file for its sources), loaded once."""
    with resource("zoning", "maatvoering.toml").open("rb") as fh:
        data = tomllib.load(fh)
    labels = {str(k): str(v["label"]) for k, v in data["kolommen"].items()}
    columns = {_normalise_type(k): str(v["kolom"]) for k, v in data["waardetypen"].items()}
    unknown = {c for c in columns.values() if c and c not in labels}
    if unknown:  # a broken resource file is a bug in the package, not user input
        raise ValueError(f"maatvoering.toml: onbekende kolommen {sorted(unknown)}")
    return MaatvoeringTable(columns=columns, labels=labels)


# waardeType -> column, for the values that fill a column (kept for callers of the old name).
MAATVOERING_COLUMNS: dict[str, str] = {k: v for k, v in maatvoering_table().columns.items() if v}
_MAX_COLUMNS = maatvoering_table().numeric_columns

# Source columns kept (renamed) after the canonical ones.
_IMRO_EXTRAS = {
    "gml_id": "gml_id",
    "artikelnummer": "artikelnummer",
    "gebiedsaanduidinggroep": "gebiedsaanduidinggroep",
    "tekst": "label",
}

# GML open options: no sidecar, expose xlink:href (maatvoering -> bouwvlak), no schema download.
_GML_OPTIONS = {"WRITE_GFS": "NO", "GML_ATTRIBUTES_TO_OGR_FIELDS": "YES", "DOWNLOAD_SCHEMA": "NO"}


@dataclass(frozen=True, slots=True)
class Hoofdgroep:
    """One SVBP2012 bestemmingshoofdgroep: lower-case IMRO code, Dutch label, SVBP fill colour."""

    code: str
    label: str
    kind: str  # "enkelbestemming" or "dubbelbestemming"
    fill: str | None


@cache
def hoofdgroepen() -> dict[str, Hoofdgroep]:
    """The hoofdgroep code list from ``resources/zoning/hoofdgroepen.toml``, keyed by code."""
    with resource("zoning", "hoofdgroepen.toml").open("rb") as fh:
        data = tomllib.load(fh)
    return {
        code: Hoofdgroep(code=code, label=str(v["label"]), kind=str(v["kind"]), fill=v.get("fill"))
        for code, v in data["hoofdgroepen"].items()
    }


# --------------------------------------------------------------------------------------------
# IMRO GML
# --------------------------------------------------------------------------------------------


def imro_version(head: bytes) -> str | None:
    """``"IMRO2012"``, ``"IMRO2008"`` or None, from the namespace declared in the file head."""
    match = _NAMESPACE_RE.search(head)
    return f"IMRO{match.group(1).decode()}" if match else None


def _read_head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(_HEAD_BYTES)


def load_imro_gml(path: str | Path) -> LoadResult:
    """Read an IMRO2008/IMRO2012 GML plan into one canonical zoning layer.

    ``meta`` holds the format, plan id/name/status/date and the row count per feature type.
    """
    p = check_file(path)
    # Refuse DTDs and entities before anything (GDAL included) parses the file.
    check_xml_safe(p)
    version = imro_version(_read_head(p))
    if version is None:
        raise LayerFormatError(
            "Dit GML-bestand is geen IMRO2008- of IMRO2012-bestemmingsplan (de IMRO-namespace ontbreekt).",
            hint="Gebruik de GML van ruimtelijkeplannen.nl, of lees het bestand als gewone vectorlaag met een kolomkoppeling.",
            path=p,
        )
    warnings = Warnings()
    layer_names = [name for name, _ in list_layers(p)]
    frames: list[gpd.GeoDataFrame] = []
    plan: dict[str, Any] = {}
    skipped: list[str] = []
    for name in layer_names:
        if name in _NON_SPATIAL:
            continue
        ftype = FEATURE_TYPES.get(name)
        if ftype is None:
            skipped.append(name)
            continue
        raw = read_vector(p, layer=name, **_GML_OPTIONS)
        if not isinstance(raw, gpd.GeoDataFrame):  # a truncated file loses the geometry column
            raise LayerFormatError(
                f"Het IMRO-bestand is beschadigd of afgebroken (laag {name} heeft geen geometrie).",
                hint="Download het plan-GML opnieuw van ruimtelijkeplannen.nl.",
                path=p,
            )
        if name == _PLAN_LAYER and len(raw):
            plan = _plan_facts(raw, version)
        frames.append(_planobjects(raw, ftype, name, warnings))
    warnings.add(
        "imro_layer_skipped",
        "{n} onbekende IMRO-objecttypen overgeslagen: " + ", ".join(skipped),
        len(skipped),
    )
    if not frames:
        raise LayerSchemaError(
            "Het IMRO-bestand bevat geen planobjecten (geen bestemmingen, bouwvlakken of plangebied).",
            hint="Controleer of dit het volledige plan-GML is en niet alleen metadata.",
            path=p,
        )
    crs = next((f.crs for f in frames if f.crs is not None), None)
    gdf = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=crs)
    if not plan:
        plan = _plan_from_hrefs(gdf)
        warnings.add(
            "imro_no_plangebied",
            "Het bestand bevat geen Bestemmingsplangebied; het plan-id is afgeleid uit de planobjecten.",
        )
    gdf["plan_id"] = plan.get("plan_id")
    gdf["plan_name"] = plan.get("plan_name")
    gdf["plan_status"] = plan.get("plan_status")
    gdf["plan_date"] = plan.get("plan_date")
    flag = not_in_force_warning(plan.get("plan_status"), plan.get("plan_name"), plan.get("plan_date"))
    if flag is not None:
        warnings.add("plan_not_in_force", flag)
    gdf = _propagate_maatvoering(gdf)
    gdf = gdf.drop(columns=[c for c in ("_targets", "plangebied_href") if c in gdf.columns])
    _warn_unknown_hoofdgroep(gdf, warnings)

    gdf = ensure_rd(gdf, warnings, path=p)
    gdf = clean_geometries(gdf, warnings, family="polygon")
    frame = conform(gdf, LayerKind.ZONING)
    counts = {str(k): int(v) for k, v in frame["feature_type"].value_counts(sort=False).items()}
    meta: dict[str, Any] = {"format": version, **plan, "counts_by_type": counts}
    if skipped:
        meta["skipped_layers"] = skipped
    return LoadResult(
        kind=LayerKind.ZONING,
        frame=frame,
        source=str(p),
        layer=None,
        warnings=tuple(warnings),
        meta=meta,
    )


def not_in_force_warning(status: Any, name: Any = None, date: Any = None) -> str | None:
    """The Dutch warning for a plan whose status is not law (concept, voorontwerp, ontwerp), else None.

    Plans without a status are not flagged here: the caller knows whether that is normal (a
    hand-made layer) or suspicious.
    """
    if status is None or (not isinstance(status, str) and pd.isna(status)):
        return None
    text = str(status).strip().lower()
    if not text or text in IN_FORCE_STATUSES:
        return None
    label = f"'{name}'" if name is not None and not pd.isna(name) and str(name).strip() else "Dit plan"
    when = f" van {date}" if date is not None and not pd.isna(date) and str(date).strip() else ""
    return (
        f"Let op: plan {label} heeft status '{text}'{when} en is niet vastgesteld; het geldt (nog) niet. "
        "Bestemmingen en maatvoering zijn een voorstel: gebruik ze niet als vaststaand."
    )


def _first(frame: pd.DataFrame, column: str) -> str | None:
    if column not in frame.columns:
        return None
    value = frame[column].iloc[0]
    if value is None or (np.ndim(value) == 0 and pd.isna(value)):
        return None
    if hasattr(value, "date") and not isinstance(value, str):
        return str(value.date())
    return str(value).strip() or None


def _plan_facts(raw: pd.DataFrame, version: str) -> dict[str, Any]:
    """Plan id, name, status and date from the (first) Bestemmingsplangebied.

    IMRO2012 spells the IDN as a NEN3610ID block (namespace, lokaalID, versie) that GDAL
    flattens to columns; IMRO2008 has it as a plain ``identificatie`` string.
    """
    plan_id = _first(raw, "identificatie")
    lokaal = _first(raw, "lokaalID")
    if plan_id is None and lokaal is not None:
        ns = _first(raw, "namespace") or "NL.IMRO"
        versie = _first(raw, "versie")
        plan_id = f"{ns}.{lokaal}" + (f"-{versie}" if versie else "")
    if plan_id is None:
        plan_id = _first(raw, "gml_id")
    status = _first(raw, "planstatus")
    return {
        "plan_id": plan_id,
        "plan_name": _first(raw, "naam"),
        "plan_status": status.lower() if status else None,
        "plan_date": _first(raw, "datum"),
        "plan_type": _first(raw, "typePlan"),
        "overheid": _first(raw, "naamOverheid"),
        "schema": version,
    }


def _plan_from_hrefs(gdf: pd.DataFrame) -> dict[str, Any]:
    """Fallback plan id: the most common ``plangebied`` xlink of the planobjects."""
    if "plangebied_href" not in gdf.columns:
        return {}
    hrefs = _as_lists(gdf["plangebied_href"]).explode().dropna().astype(str).str.lstrip("#")
    if hrefs.empty:
        return {}
    return {"plan_id": str(hrefs.mode().iloc[0])}


def _as_lists(series: pd.Series) -> pd.Series:
    """Each cell as a list: GDAL gives a scalar, a list/array (repeated elements) or null."""
    return pd.Series(
        [
            list(v) if isinstance(v, list | tuple | np.ndarray) else ([] if v is None or pd.isna(v) else [v])
            for v in series.to_numpy(dtype=object)
        ],
        index=series.index,
        dtype=object,
    )


def _planobjects(raw: gpd.GeoDataFrame, ftype: str, layer: str, warnings: Warnings) -> gpd.GeoDataFrame:
    """One IMRO layer as canonical-ish rows; non-polygonal objects are counted and dropped."""
    geoms = np.asarray(raw.geometry.array, dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    type_ids = shapely.get_type_id(geoms)
    polygonal = (type_ids == 3) | (type_ids == 6)
    collection = type_ids == 7
    if collection.any():
        # A GeometryCollection from mixed patches: keep its polygonal part.
        geoms[collection] = [
            shapely.union_all([g for g in shapely.get_parts(c) if g.geom_type in ("Polygon", "MultiPolygon")])
            or None
            for c in geoms[collection]
        ]
        type_ids = shapely.get_type_id(geoms)
        polygonal = (type_ids == 3) | (type_ids == 6)
    non_poly = present & ~polygonal
    warnings.add(
        f"non_polygonal_{ftype}",
        f"{{n}} {layer}-objecten zonder vlak (lijn of punt) overgeslagen; alleen vlakken worden als bestemmingslaag gelezen.",
        int(non_poly.sum()),
    )
    keep = ~non_poly
    out = gpd.GeoDataFrame(
        {"feature_type": pd.Series(ftype, index=raw.index, dtype="string")},
        geometry=gpd.GeoSeries(geoms, index=raw.index, crs=raw.crs),
        crs=raw.crs,
    )
    out["naam"] = raw["naam"] if "naam" in raw.columns else pd.NA
    if "bestemmingshoofdgroep" in raw.columns:
        out["bestemmingshoofdgroep"] = raw["bestemmingshoofdgroep"].astype("string").str.strip().str.lower()
    for src, dst in _IMRO_EXTRAS.items():
        if src in raw.columns:
            col = raw[src]
            out[dst] = col.map(_join_list) if col.dtype == object else col.astype("string")
    if "plangebied_href" in raw.columns:
        out["plangebied_href"] = raw["plangebied_href"]
    if "waarde" in raw.columns and "waardeType" in raw.columns:
        mv = parse_maatvoering(raw["waarde"], raw["waardeType"], warnings)
        out = out.join(mv)
    # Which planobjects a maatvoering/aanduiding refers to (gml ids without '#').
    target_cols = [c for c in ("aanduiding_href", "bestemmingsvlak_href") if c in raw.columns]
    if ftype == "maatvoering" and target_cols:
        lists = [_as_lists(raw[c]) for c in target_cols]
        out["_targets"] = pd.Series(
            [[str(r).lstrip("#") for refs in row for r in refs] for row in zip(*lists, strict=True)],
            index=raw.index,
            dtype=object,
        )
    else:
        out["_targets"] = pd.Series([[] for _ in range(len(out))], index=out.index, dtype=object)
    return gpd.GeoDataFrame(out.loc[keep], geometry="geometry", crs=raw.crs)


def _join_list(value: Any) -> Any:
    if isinstance(value, list | tuple | np.ndarray):
        return "; ".join(str(v) for v in value)
    return value


def _to_number(values: pd.Series) -> pd.Series:
    """Numeric maatvoering values; a Dutch decimal comma ('12,5') is accepted."""
    text = values.astype("string").str.strip().str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce").astype("Float64")


def parse_maatvoering(
    waarde: pd.Series, waarde_type: pd.Series, warnings: Warnings | None = None
) -> pd.DataFrame:
    """The ``maatvoering`` text and the ``max_*`` columns from GDAL's waarde/waardeType cells.

    A Maatvoering object may carry several WaardeEnType pairs; GDAL gives those as parallel
    lists (or scalars when every object has one). Returns a frame on the same index with
    ``maatvoering`` ("type=waarde; ...") and the numeric columns of
    ``resources/zoning/maatvoering.toml`` (``max_wooneenheden``, ``max_bouwhoogte_m``,
    ``max_bouwlagen``, ``max_goothoogte_m``, ``max_bebouwingspercentage``, ...; the largest value
    when a type occurs twice). Waardetypen the table does not know are counted in ``warnings``.
    """
    w = _as_lists(waarde)
    t = _as_lists(waarde_type)
    mismatch = w.map(len) != t.map(len)
    if warnings is not None:
        warnings.add(
            "maatvoering_mismatch",
            "{n} maatvoeringen met ongelijk aantal waarden en waardetypen; alleen de paren zijn gelezen.",
            int(mismatch.sum()),
        )
    if mismatch.any():
        n = np.minimum(w.map(len), t.map(len))
        w = pd.Series([v[:k] for v, k in zip(w, n, strict=True)], index=w.index, dtype=object)
        t = pd.Series([v[:k] for v, k in zip(t, n, strict=True)], index=t.index, dtype=object)
    pairs = pd.DataFrame({"waarde": w, "type": t}).explode(["waarde", "type"]).dropna(subset=["type"])
    out = pd.DataFrame(index=waarde.index)
    for col in _MAX_COLUMNS:
        out[col] = pd.Series(pd.NA, index=waarde.index, dtype="Float64")
    out["maatvoering"] = pd.Series(pd.NA, index=waarde.index, dtype="string")
    if pairs.empty:
        return out
    pairs["type"] = pairs["type"].astype("string").str.strip()
    pairs["waarde_text"] = pairs["waarde"].astype("string").str.strip()
    pairs["text"] = pairs["type"] + "=" + pairs["waarde_text"]
    out["maatvoering"] = pairs.groupby(level=0)["text"].agg("; ".join).astype("string").reindex(out.index)
    table = maatvoering_table()
    pairs["column"] = pairs["type"].map(lambda t: table.columns.get(_normalise_type(t)))
    if warnings is not None:
        unknown = pairs.loc[pairs["column"].isna(), "type"]
        names = ", ".join(f"'{t}'" for t in sorted({str(t) for t in unknown})[:5])
        warnings.add(
            "maatvoering_unknown_type",
            f"{{n}} maatvoeringswaarden met een onbekend waardetype ({names}) alleen als tekst bewaard; "
            "ze tellen niet mee in de capaciteit.",
            len(unknown),
        )
    pairs["column"] = pairs["column"].replace("", np.nan)
    pairs["number"] = _to_number(pairs["waarde"])
    known = pairs.dropna(subset=["column"])
    if warnings is not None:
        warnings.add(
            "maatvoering_not_a_number",
            "{n} maatvoeringswaarden zijn geen getal en zijn alleen als tekst bewaard.",
            int(known["number"].isna().sum()),
        )
    known = known.dropna(subset=["number"])
    if not known.empty:
        wide = known.groupby([known.index, "column"])["number"].max().unstack("column")
        for col in wide.columns:
            out[col] = wide[col].reindex(out.index).astype("Float64")
    return out


def _propagate_maatvoering(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Copy maatvoering values onto the bouwvlak/bestemmingsvlak they point to, when simple.

    Only where the target has no value yet and all maatvoeringen pointing to it agree on that
    value; conflicting or ambiguous cases stay on the maatvoering rows only.
    """
    if "gml_id" not in gdf.columns or not set(_MAX_COLUMNS) <= set(gdf.columns):
        return gdf
    mv = gdf.loc[gdf["feature_type"] == "maatvoering", ["_targets", *_MAX_COLUMNS]]
    links = mv.explode("_targets").dropna(subset=["_targets"])
    if links.empty:
        return gdf
    out = gdf.copy()
    ids = out["gml_id"].astype("string")
    for col in _MAX_COLUMNS:
        vals = links[["_targets", col]].dropna()
        if vals.empty:
            continue
        agg = vals.groupby("_targets")[col].agg(["min", "max"])
        simple = agg.loc[agg["min"] == agg["max"], "max"]
        fill = ids.map(simple).astype("Float64")
        target = out["feature_type"] != "maatvoering"
        out[col] = out[col].astype("Float64").where(~(target & out[col].isna()), fill)
    return out


def _warn_plans_not_in_force(gdf: pd.DataFrame, warnings: Warnings) -> None:
    """One warning per plan in the layer whose status is not law (rows counted)."""
    if "plan_status" not in gdf.columns:
        return
    status = gdf["plan_status"].astype("string").str.strip().str.lower()
    keys = [c for c in ("plan_id", "plan_name", "plan_date") if c in gdf.columns]
    plans = gdf.assign(_status=status).groupby(["_status", *keys], dropna=False, sort=True).size()
    for key, rows in plans.items():
        parts = key if isinstance(key, tuple) else (key,)
        named = dict(zip(["_status", *keys], parts, strict=True))
        text = not_in_force_warning(
            named["_status"], named.get("plan_name", named.get("plan_id")), named.get("plan_date")
        )
        if text is not None:
            warnings.add("plan_not_in_force", text + " ({n} objecten)", int(rows))


def _warn_unknown_hoofdgroep(gdf: pd.DataFrame, warnings: Warnings) -> None:
    if "bestemmingshoofdgroep" not in gdf.columns:
        return
    values = gdf["bestemmingshoofdgroep"].astype("string")
    unknown = values.notna() & ~values.isin(list(hoofdgroepen()))
    if unknown.any():
        names = ", ".join(sorted({str(v) for v in values[unknown]})[:5])
        warnings.add(
            "unknown_hoofdgroep",
            f"{{n}} objecten met een onbekende bestemmingshoofdgroep ({names}); die tellen niet als SVBP-hoofdgroep.",
            int(unknown.sum()),
        )


# --------------------------------------------------------------------------------------------
# Any polygon layer with a column mapping
# --------------------------------------------------------------------------------------------

# Canonical column -> source names we recognise without a mapping (compared lower case).
_ALIASES: dict[str, tuple[str, ...]] = {
    "plan_id": ("plan_id", "planid", "plan_idn", "idn", "planidentificatie"),
    "plan_name": ("plan_name", "plannaam", "plan_naam"),
    "plan_status": ("plan_status", "planstatus"),
    "plan_date": ("plan_date", "plandatum", "datum", "planstatus_datum"),
    "feature_type": ("feature_type", "typeplanobject", "type_planobject", "bestemmingstype"),
    "naam": ("naam", "bestemming", "bestemmingsnaam", "name"),
    "bestemmingshoofdgroep": ("bestemmingshoofdgroep", "hoofdgroep", "bestemmingshoofdgr", "bsthoofdgr"),
    "max_wooneenheden": ("max_wooneenheden", "maximum_aantal_wooneenheden", "max_woningen"),
    "max_bouwhoogte_m": ("max_bouwhoogte_m", "max_bouwhoogte", "maximum_bouwhoogte", "bouwhoogte"),
    "max_bouwlagen": ("max_bouwlagen", "maximum_aantal_bouwlagen", "bouwlagen"),
    "maatvoering": ("maatvoering",),
}
_HOOFDGROEP_FIELDS = _ALIASES["bestemmingshoofdgroep"]


def _resolve_columns(columns: Sequence[str], mapping: Mapping[str, str] | None, path: Path) -> dict[str, str]:
    """Canonical -> source column: the user's mapping first, then recognised names."""
    canonical = set(CANONICAL[LayerKind.ZONING].column_names)
    by_lower = {c.lower(): c for c in columns}
    resolved: dict[str, str] = {}
    for target, source in (mapping or {}).items():
        if target not in canonical:
            raise LayerSchemaError(
                f"Onbekende doelkolom '{target}' in de kolomkoppeling.",
                hint="Gebruik een van: " + ", ".join(CANONICAL[LayerKind.ZONING].column_names) + ".",
                path=path,
            )
        if source not in columns and source.lower() not in by_lower:
            raise LayerSchemaError(
                f"Kolom '{source}' (gekoppeld aan {target}) staat niet in het bestand.",
                hint="Beschikbare kolommen: " + ", ".join(columns) + ".",
                path=path,
            )
        resolved[target] = source if source in columns else by_lower[source.lower()]
    for target, aliases in _ALIASES.items():
        if target in resolved:
            continue
        hit = next(
            (by_lower[a] for a in aliases if a in by_lower and by_lower[a] not in resolved.values()), None
        )
        if hit is not None:
            resolved[target] = hit
    return resolved


def _pick_layer(path: Path) -> str | None:
    """The first layer with a hoofdgroep-like field, else the only/first polygon layer."""
    layers = list_layers(path)
    if len(layers) <= 1:
        return layers[0][0] if layers else None
    pr = probe(path)
    for lp in pr.layers:
        if set(lp.fields) & set(_HOOFDGROEP_FIELDS):
            return lp.name
    for name, gtype in layers:
        if gtype and "polygon" in gtype.lower():
            return name
    return layers[0][0]


def load_zoning_vector(
    path: str | Path,
    *,
    layer: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> LoadResult:
    """Read any polygon layer (GeoPackage, GeoJSON, Shapefile, ...) as a zoning layer.

    ``mapping`` maps canonical zoning columns to source columns, e.g.
    ``{"naam": "BESTEMMING", "bestemmingshoofdgroep": "HOOFDGROEP"}``; columns not mapped are
    looked up under common names. Hoofdgroep values are lower-cased and unknown ones counted
    in a warning. Without a feature type column, rows are enkel- or dubbelbestemming by their
    hoofdgroep.
    """
    p = check_file(path)
    if layer is None:
        layer = _pick_layer(p)
    raw = read_vector(p, layer=layer)
    warnings = Warnings()
    columns = [str(c) for c in raw.columns if c != raw.geometry.name]
    resolved = _resolve_columns(columns, mapping, p)
    if "bestemmingshoofdgroep" not in resolved and "naam" not in resolved:
        raise LayerSchemaError(
            "In deze laag staat geen bestemming of bestemmingshoofdgroep.",
            hint="Geef een kolomkoppeling op, bijv. naam=BESTEMMING en bestemmingshoofdgroep=HOOFDGROEP.",
            path=p,
        )
    gdf = gpd.GeoDataFrame(geometry=raw.geometry, crs=raw.crs)
    for target, source in resolved.items():
        gdf[target] = raw[source]
    used = set(resolved.values())
    for col in columns:
        if col not in used:
            gdf[col if col not in CANONICAL[LayerKind.ZONING].column_names else f"src_{col}"] = raw[col]
    known = hoofdgroepen()
    if "bestemmingshoofdgroep" in gdf.columns:
        gdf["bestemmingshoofdgroep"] = (
            gdf["bestemmingshoofdgroep"].astype("string").str.strip().str.lower().replace("", pd.NA)
        )
    if "feature_type" in gdf.columns:
        gdf["feature_type"] = gdf["feature_type"].astype("string").str.strip().str.lower()
    elif "bestemmingshoofdgroep" in gdf.columns:
        kinds = {code: h.kind for code, h in known.items()}
        gdf["feature_type"] = (
            gdf["bestemmingshoofdgroep"].map(kinds).fillna("enkelbestemming").astype("string")
        )
    else:
        gdf["feature_type"] = pd.Series("enkelbestemming", index=gdf.index, dtype="string")
    _warn_unknown_hoofdgroep(gdf, warnings)
    _warn_plans_not_in_force(gdf, warnings)
    gdf = ensure_rd(gdf, warnings, path=p)
    gdf = clean_geometries(gdf, warnings, family="polygon")
    frame = conform(gdf, LayerKind.ZONING)
    counts = {str(k): int(v) for k, v in frame["feature_type"].value_counts(sort=False).items()}
    return LoadResult(
        kind=LayerKind.ZONING,
        frame=frame,
        source=str(p),
        layer=layer,
        warnings=tuple(warnings),
        meta={"format": "vector", "mapping": dict(resolved), "counts_by_type": counts},
    )


# --------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------

_IMRO_LAYER_NAMES = {"enkelbestemming", "bestemmingsplangebied"}


def _sniff_imro(pr: Probe) -> bool:
    if pr.suffix not in (".gml", ".xml"):
        return False
    if imro_version(pr.head) is not None:
        return True
    if any(lp.name.lower() in _IMRO_LAYER_NAMES for lp in pr.layers):
        return True
    # The namespace may sit after a long comment: look a little further than the probe did.
    return len(pr.head) >= 4096 and imro_version(_read_head(pr.path)) is not None


def _sniff_vector(pr: Probe) -> bool:
    return not pr.is_dir and pr.any_field(*_HOOFDGROEP_FIELDS)


def _wants_zoning(kinds: Sequence[LayerKind] | None) -> bool:
    return kinds is None or LayerKind.ZONING in kinds


def load(path: str | Path, *, kinds: Sequence[LayerKind] | None = None, **options: Any) -> list[LoadResult]:
    """Registry entry for IMRO GML: one zoning :class:`LoadResult` (none if not wanted)."""
    if not _wants_zoning(kinds):
        return []
    if options:
        raise LayerFormatError(
            "Onbekende opties voor IMRO-GML: " + ", ".join(sorted(options)) + ".",
            hint="IMRO-GML heeft geen opties nodig.",
            path=path,
        )
    return [load_imro_gml(path)]


def load_vector(
    path: str | Path, *, kinds: Sequence[LayerKind] | None = None, **options: Any
) -> list[LoadResult]:
    """Registry entry for a zoning vector layer; options ``layer`` and ``mapping``."""
    if not _wants_zoning(kinds):
        return []
    unknown = set(options) - {"layer", "mapping"}
    if unknown:
        raise LayerFormatError(
            "Onbekende opties voor een bestemmingslaag: " + ", ".join(sorted(unknown)) + ".",
            hint="Gebruik alleen 'layer' en 'mapping'.",
            path=path,
        )
    return [load_zoning_vector(path, layer=options.get("layer"), mapping=options.get("mapping"))]


register(
    SourceFormat(
        id="imro_gml",
        label="Bestemmingsplan (IMRO2008/IMRO2012 GML)",
        kinds=(LayerKind.ZONING,),
        sniff=_sniff_imro,
        load=load,
        priority=15,
    )
)
register(
    SourceFormat(
        id="zoning_vector",
        label="Bestemmingsvlakken (vectorlaag met bestemmingshoofdgroep)",
        kinds=(LayerKind.ZONING,),
        sniff=_sniff_vector,
        load=load_vector,
        priority=60,
        options={"layer": "laagnaam in het bestand", "mapping": "kolomkoppeling doelkolom -> bronkolom"},
    )
)
