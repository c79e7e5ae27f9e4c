"""BAG loaders: panden (``buildings``) and verblijfsobjecten (``addresses``).

Two source families are read, both through GDAL (pyogrio):

* vector exports (PDOK ``bag-light.gpkg``, WFS / OGC API GeoJSON or GeoPackage downloads), whose
  column names differ per channel (``bouwjaar`` vs ``oorspronkelijkbouwjaar``, ``pandref`` vs
  ``pand_identificatie``, ...);
* LV BAG 2.0 XML extracts (a single XML, a folder or a zip, possibly with nested zips), read with
  GDAL's ``LVBAG`` driver. Zips are unpacked into a private temporary folder, never beside the
  input.

Both end in the same pipeline, because the BAG rules are the same whatever the channel:

1. only voorkomens valid today are kept: an ``eindGeldigheid`` in the past, a
   ``beginGeldigheid`` in the future, or a filled ``tijdstipInactief`` / ``tijdstipNietBagLV``
   means the row is history (or not yet in force);
2. objects that do not (or no longer) exist physically -- ``Pand gesloopt``, ``Niet gerealiseerd
   pand``, ``Verblijfsobject ingetrokken``, ``... ten onrechte opgevoerd`` -- are dropped
   (``keep_retired=True`` keeps them); every drop is counted in a Dutch warning;
3. one voorkomen per identificatie: an older voorkomen is dropped; parts of the same voorkomen
   (some exports split one pand into several polygons) are all kept and counted in a warning;
4. ids become the bare 16-digit BAG id (``NL.IMBAG.Pand.`` prefix removed, a leading zero lost
   by a numeric column restored); ``gebruiksdoel`` keeps BAG's comma-separated form without
   spaces around the commas (``winkelfunctie,woonfunctie``); postcodes lose their space;
5. :func:`layers.crs.ensure_rd`, :func:`layers.geometry.clean_geometries` and
   :func:`layers.canonical.conform`.

When panden and verblijfsobjecten come from the same source, the panden get ``gebruiksdoel``
and ``aantal_verblijfsobjecten`` from their current verblijfsobjecten where the source has none.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from layers.canonical import LayerKind, conform
from layers.crs import ensure_rd
from layers.errors import LayerFormatError, LayerSchemaError
from layers.geometry import clean_geometries
from layers.registry import Probe, SourceFormat, register
from layers.result import LoadResult, Warnings
from layers.sources import check_file, check_xml_safe, extract_zip_safely, list_layers, read_vector

__all__ = [
    "BAG_VECTOR",
    "BAG_XML",
    "classify_layer",
    "load_bag_vector",
    "load_bag_xml",
    "normalise_bag_ids",
    "normalise_gebruiksdoel",
    "sniff_bag_vector",
    "sniff_bag_xml",
]

_KINDS = (LayerKind.BUILDINGS, LayerKind.ADDRESSES)

# Source column names per canonical column, in order of preference (compared in lower case).
_SOURCES: dict[LayerKind, dict[str, tuple[str, ...]]] = {
    LayerKind.BUILDINGS: {
        "identificatie": ("identificatie", "pandidentificatie", "pand_identificatie"),
        "bouwjaar": ("bouwjaar", "oorspronkelijkbouwjaar", "oorspronkelijk_bouwjaar"),
        "status": ("status", "pandstatus", "pand_status"),
        "gebruiksdoel": ("gebruiksdoel", "gebruiksdoelen"),
        "aantal_verblijfsobjecten": ("aantal_verblijfsobjecten", "aantalverblijfsobjecten"),
    },
    LayerKind.ADDRESSES: {
        "identificatie": ("identificatie", "verblijfsobjectidentificatie", "verblijfsobject_identificatie"),
        "pand_identificatie": ("pand_identificatie", "pandidentificatie", "pandref", "pand_ref"),
        "gebruiksdoel": ("gebruiksdoel", "gebruiksdoelen"),
        "oppervlakte_m2": ("oppervlakte_m2", "oppervlakte", "gebruiksoppervlakte"),
        "status": ("status", "verblijfsobjectstatus"),
        "postcode": ("postcode",),
        "huisnummer": ("huisnummer",),
    },
}

# A filled value in one of these columns means the row is not the current voorkomen. The
# validity dates are handled separately (an announced end or start may lie in the future), and
# eindRegistratie is not used: it only says a newer voorkomen was registered, whose validity
# may not have started yet; duplicates left over are settled by voorkomenidentificatie.
_INACTIVE_COLUMNS = ("tijdstipinactief", "tijdstipinactieflv", "tijdstipnietbaglv")
# Columns that order voorkomens of one object, newest first after a descending sort.
_RECENCY_COLUMNS = ("voorkomenidentificatie", "begingeldigheid", "tijdstipregistratie")

# Statuses of objects that do not exist physically; dropped unless keep_retired.
_DEMOLISHED = {"pand gesloopt", "verblijfsobject ingetrokken"}
_NOT_REALISED = {"niet gerealiseerd pand", "niet gerealiseerd verblijfsobject"}
_WRONGLY_REGISTERED = {"pand ten onrechte opgevoerd", "verblijfsobject ten onrechte opgevoerd"}
# Statuses kept, but worth a counted note: not (yet) there, or about to go.
_PLANNED = {"bouwvergunning verleend", "bouw gestart", "verblijfsobject gevormd"}
_LEAVING = {"sloopvergunning verleend", "pand buiten gebruik", "verblijfsobject buiten gebruik"}

_NOUN = {LayerKind.BUILDINGS: "panden", LayerKind.ADDRESSES: "verblijfsobjecten"}
_FAMILY = {LayerKind.BUILDINGS: "polygon", LayerKind.ADDRESSES: "point"}

# LV BAG file names: gemeentecode (9999 = national) + object type + date, e.g. 0221PND15092020-000001.xml.
_LVBAG_NAME = re.compile(
    r"^(\d{4})(PND|VBO|NUM|OPR|WPL|LIG|STA|GEM)(\d{8})(-\d+)?\.(xml|zip)$", re.IGNORECASE
)
_LVBAG_NAMESPACE = b"www.kadaster.nl/schemas/lvbag"
_LVBAG_LAYER_TYPES = {"pand": "PND", "verblijfsobject": "VBO", "nummeraanduiding": "NUM"}
_STAND_DATUM = re.compile(rb"StandTechnischeDatum>\s*(\d{4}-\d{2}-\d{2})\s*<")
_MAX_ZIP_DEPTH = 3
_ID_PREFIX = re.compile(r"^NL\.IMBAG\.[A-Za-z]+\.", re.IGNORECASE)
_VECTOR_SUFFIXES = {".gpkg", ".geojson", ".json", ".gml", ".shp", ".fgb", ".sqlite"}
_BOUWJAAR_MIN = 1000
# Layers of addresses: object type words in the layer name, and fields that make it an address.
_ADDRESS_TYPES = ("verblijfsobject", "ligplaats", "standplaats")
_ADDRESS_FIELDS = {
    "huisnummer",
    "postcode",
    "nummer_id",
    "nummeraanduiding_id",
    "hoofdadres_identificatie",
    "hoofdadresnummeraanduidingref",
    "nummeraanduiding_hoofdadres_identificatie",
}
# Columns holding the id of the (hoofd)adres, the nummeraanduiding (compared in lower case).
_NUMMERAANDUIDING_COLUMNS = (
    "nummeraanduiding_hoofdadres_identificatie",
    "hoofdadres_identificatie",
    "nummeraanduiding_id",
    "nummer_id",
)
# Statuses of a nummeraanduiding (the address), not of the object: kept in adres_status.
_NAMING_STATUSES = {"naamgeving uitgegeven", "naamgeving ingetrokken"}
# Helper columns that carry a per-row finding through the filters (dropped before conform).
_BAD_ID = "_bag_bad_id"
_BAD_YEAR = "_bag_bad_year"
_NO_ID = "_bag_no_id"


# --------------------------------------------------------------------------------------------
# Column normalisation
# --------------------------------------------------------------------------------------------


def normalise_bag_ids(values: pd.Series) -> pd.Series:
    """Bare 16-digit BAG ids as strings, so ids from every channel compare equal.

    Removes the ``NL.IMBAG.<Type>.`` prefix of LV BAG 2.0 and restores leading zeros that a
    numeric column (GeoPackage, WFS) dropped (``503100000000296`` -> ``0503100000000296``).
    Values that are no BAG id stay as they are.
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        text = pd.to_numeric(values, errors="coerce").round().astype("Int64").astype("string")
    else:
        text = values.astype("string").str.strip()
        text = text.str.replace(_ID_PREFIX, "", regex=True)
        text = text.str.replace(r"^(\d+)\.0$", r"\1", regex=True)
    digits = text.str.fullmatch(r"\d{1,16}").fillna(False).astype(bool)
    return text.where(~digits, text.str.zfill(16)).mask(text == "", pd.NA)


def normalise_gebruiksdoel(values: pd.Series) -> pd.Series:
    """Comma-separated gebruiksdoelen without spaces around the commas, as in ``bag-light``.

    Accepts list values (LV BAG) and ``"a, b"`` strings (WFS); empty values become NA.
    """
    text = _as_text(values)
    text = text.str.replace(r"\s*,\s*", ",", regex=True).str.strip().str.strip(",")
    return text.mask(text == "", pd.NA)


def _as_text(values: pd.Series) -> pd.Series:
    """Strings; list or array cells (LV BAG multi-valued fields) joined with commas."""
    inferred = pd.api.types.infer_dtype(values, skipna=True)
    if inferred not in ("mixed", "mixed-integer", "unknown-array"):
        return values.astype("string")
    is_list = values.map(lambda v: isinstance(v, list | tuple | np.ndarray)).astype(bool)
    lists = values[is_list]
    joined = lists.str.join(",")
    odd = joined.isna() & (lists.map(len) > 0)
    if odd.any():  # None or numbers inside a list: the slower, general route for those rows
        exploded = lists[odd].explode().dropna().astype(str)
        joined[odd] = exploded.groupby(level=0, sort=False).agg(",".join).reindex(joined.index[odd])
    out = values.astype(object).where(~is_list, joined.reindex(values.index))
    text = out.astype("string").str.strip(" ,")
    return text.mask(text == "", pd.NA)


def _normalise_id_list(values: pd.Series) -> pd.Series:
    """Normalise comma-separated or list-valued ids (a VBO may lie in several panden)."""
    text = _as_text(values)
    if not text.str.contains(",", regex=False).fillna(False).any():
        return normalise_bag_ids(text)
    parts = text.str.split(",").explode()
    ids = normalise_bag_ids(parts.str.strip()).dropna()
    return ids.groupby(level=0, sort=False).agg(",".join).reindex(values.index).astype("string")


def _rename_to_canonical(frame: gpd.GeoDataFrame, kind: LayerKind) -> gpd.GeoDataFrame:
    """Map the channel's column names onto the canonical ones; later variants fill gaps."""
    out = frame.copy()
    lower = {str(c).lower(): str(c) for c in out.columns if c != out.geometry.name}
    for target, candidates in _SOURCES[kind].items():
        present = [lower[c] for c in candidates if c in lower]
        if not present:
            continue
        merged = out[present[0]]
        for other in present[1:]:
            merged = merged.where(merged.notna(), out[other])
        out = out.drop(columns=present)
        out[target] = merged
    return out


def _lists_to_text(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Join remaining list-valued columns (nevenadressen, ...) so the frame can be saved."""
    out = frame
    for col in frame.columns:
        if col == frame.geometry.name or frame[col].dtype != object:
            continue
        if pd.api.types.infer_dtype(frame[col], skipna=True) in ("mixed", "unknown-array"):
            if out is frame:
                out = frame.copy()
            if col.lower().endswith("ref"):
                out[col] = _normalise_id_list(frame[col])
            else:
                out[col] = _as_text(frame[col])
    return out


# --------------------------------------------------------------------------------------------
# The BAG rules
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Counts:
    """What the pipeline dropped or merged, for LoadResult.meta."""

    n_read: int = 0
    n_history_dropped: int = 0
    n_demolished: int = 0
    n_not_realised: int = 0
    n_wrongly_registered: int = 0
    n_duplicates: int = 0
    status_counts: dict[str, int] = field(default_factory=dict)

    def merge(self, other: _Counts) -> None:
        """Add another layer's counts (addresses come from several layers)."""
        self.n_read += other.n_read
        self.n_history_dropped += other.n_history_dropped
        self.n_demolished += other.n_demolished
        self.n_not_realised += other.n_not_realised
        self.n_wrongly_registered += other.n_wrongly_registered
        self.n_duplicates += other.n_duplicates
        for status, n in other.status_counts.items():
            self.status_counts[status] = self.status_counts.get(status, 0) + n

    def as_meta(self) -> dict[str, Any]:
        return {
            "n_read": self.n_read,
            "n_history_dropped": self.n_history_dropped,
            "n_demolished": self.n_demolished,
            "n_not_realised": self.n_not_realised,
            "n_wrongly_registered": self.n_wrongly_registered,
            "n_duplicates": self.n_duplicates,
            "status_counts": self.status_counts,
        }


def _filled(values: pd.Series) -> pd.Series:
    """True where a history column holds a value (empty strings count as empty)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.notna()
    text = values.astype("string").str.strip()
    return (text.notna() & (text != "")).astype(bool)


def _as_of_moment(as_of: str | dt.date | None) -> pd.Timestamp:
    """The moment the BAG is read "as of": now, or the end of the given day (UTC)."""
    if as_of is None:
        return pd.Timestamp.now(tz="UTC")
    try:
        day = pd.Timestamp(as_of)
    except (TypeError, ValueError) as exc:
        raise LayerSchemaError(
            f"'{as_of}' is geen datum.", hint="Geef de peildatum als JJJJ-MM-DD, bijv. 2024-07-01."
        ) from exc
    day = day.tz_localize("UTC") if day.tzinfo is None else day.tz_convert("UTC")
    return day.normalize() + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)


def _history_mask(frame: pd.DataFrame, as_of: str | dt.date | None = None) -> pd.Series:
    """True for rows that are not valid at the moment: ended, not yet begun, or made inactive.

    ``as_of`` reads the history of an extract as it stood on that day (its voorkomens keep
    their validity dates): a voorkomen begun or registered after that day did not exist yet.
    """
    lower = {str(c).lower(): c for c in frame.columns}
    now = _as_of_moment(as_of)
    ended = pd.Series(False, index=frame.index)
    for name in _INACTIVE_COLUMNS:
        if name in lower:
            ended |= _filled(frame[lower[name]])
    end_col = lower.get("eindgeldigheid", lower.get("datum_eind"))  # datum_eind: PDOK address packages
    if end_col is not None:
        col = frame[end_col]
        end = pd.to_datetime(col, errors="coerce", utc=True)
        ended |= _filled(col) & ~(end > now).fillna(False).astype(bool)
    begin_col = lower.get("begingeldigheid", lower.get("datum_strt"))
    if begin_col is not None:
        begin = pd.to_datetime(frame[begin_col], errors="coerce", utc=True)
        ended |= (begin > now).fillna(False).astype(bool)
    registered_col = lower.get("tijdstipregistratie")
    if as_of is not None and registered_col is not None:
        registered = pd.to_datetime(frame[registered_col], errors="coerce", utc=True)
        ended |= (registered > now).fillna(False).astype(bool)
    return ended


def _drop_history(
    frame: gpd.GeoDataFrame,
    kind: LayerKind,
    warnings: Warnings,
    counts: _Counts,
    as_of: str | dt.date | None = None,
) -> gpd.GeoDataFrame:
    ended = _history_mask(frame, as_of)
    n = int(ended.sum())
    counts.n_history_dropped += n
    when = "vandaag" if as_of is None else f"op {_as_of_moment(as_of).date().isoformat()}"
    which = "huidige" if as_of is None else "toen geldende"
    warnings.add(
        "bag_history_dropped",
        f"{{n}} voorkomens die {when} niet gelden (beëindigd, inactief of nog niet begonnen) weggelaten; alleen de {which} {_NOUN[kind]} zijn gebruikt",
        n,
    )
    return frame.loc[~ended]


def _drop_retired(
    frame: gpd.GeoDataFrame, kind: LayerKind, warnings: Warnings, counts: _Counts, *, keep_retired: bool
) -> gpd.GeoDataFrame:
    """Drop (or with keep_retired only count) objects that do not exist physically."""
    if "status" not in frame.columns:
        return frame
    status = frame["status"].astype("string").str.strip().str.lower()
    demolished = status.isin(_DEMOLISHED).fillna(False).astype(bool)
    not_realised = status.isin(_NOT_REALISED).fillna(False).astype(bool)
    wrong = status.isin(_WRONGLY_REGISTERED).fillna(False).astype(bool)
    counts.n_demolished += int(demolished.sum())
    counts.n_not_realised += int(not_realised.sum())
    counts.n_wrongly_registered += int(wrong.sum())
    noun = _NOUN[kind]
    done = "opgenomen op verzoek" if keep_retired else "weggelaten"
    gone = "gesloopt" if kind is LayerKind.BUILDINGS else "ingetrokken"
    warnings.add("bag_demolished", f"{{n}} {noun} met status {gone} {done}", int(demolished.sum()))
    warnings.add("bag_not_realised", f"{{n}} niet gerealiseerde {noun} {done}", int(not_realised.sum()))
    warnings.add("bag_wrongly_registered", f"{{n}} ten onrechte opgevoerde {noun} {done}", int(wrong.sum()))
    planned = int(status.isin(_PLANNED).fillna(False).sum())
    leaving = int(status.isin(_LEAVING).fillna(False).sum())
    warnings.add(
        "bag_planned_kept",
        f"{{n}} {noun} zijn nog niet klaar (vergund, in aanbouw of gevormd) en zijn wel opgenomen",
        planned,
    )
    warnings.add(
        "bag_leaving_kept",
        f"{{n}} {noun} hebben een sloopvergunning of zijn buiten gebruik en zijn wel opgenomen",
        leaving,
    )
    if keep_retired:
        return frame
    return frame.loc[~(demolished | not_realised | wrong)]


def _recency_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Sort newest voorkomen first within each id (stable, so file order breaks ties)."""
    lower = {str(c).lower(): c for c in frame.columns}
    keys = [lower[c] for c in _RECENCY_COLUMNS if c in lower]
    if not keys:
        return frame
    sortable = pd.DataFrame(index=frame.index)
    for key in keys:
        col = frame[key]
        if pd.api.types.is_numeric_dtype(col) or pd.api.types.is_datetime64_any_dtype(col):
            sortable[key] = col
        else:
            sortable[key] = pd.to_datetime(col, errors="coerce", utc=True)
    order = sortable.sort_values(keys, ascending=False, kind="stable", na_position="last").index
    return frame.loc[order]


def _deduplicate(
    frame: gpd.GeoDataFrame, kind: LayerKind, warnings: Warnings, counts: _Counts
) -> gpd.GeoDataFrame:
    """One voorkomen per identificatie: drop older versions; keep parts of the newest (panden)."""
    ids = frame["identificatie"]
    dup = ids.duplicated(keep=False) & ids.notna()
    if not dup.any():
        return frame
    ordered = _recency_order(frame.loc[dup])
    lower = {str(c).lower(): c for c in frame.columns}
    keys = [lower[c] for c in _RECENCY_COLUMNS if c in lower]
    newest = ordered.drop_duplicates("identificatie", keep="first")
    if keys:
        # Same id and same voorkomen as the newest row -> a part of it; otherwise an older version.
        version = ordered[["identificatie", *keys]].astype("string").fillna("")
        newest_version = version.loc[newest.index].set_index("identificatie")
        same = (
            version[keys].to_numpy() == newest_version.loc[version["identificatie"], keys].to_numpy()
        ).all(axis=1)
    else:
        same = np.ones(len(ordered), dtype=bool)
    parts = ordered.loc[same]
    n_parts = len(parts) - len(newest)
    n_older = int((~same).sum())
    if kind is LayerKind.BUILDINGS and n_parts:
        # A pand stored as several polygons of the same voorkomen (exploded multipolygons in some
        # exports): keep every part as its own row, so the file's features are all there and
        # no footprint is altered; consumers can dissolve by identificatie when they need to.
        newest = parts
        warnings.add(
            "bag_multipart_kept",
            "{n} extra delen van panden met dezelfde identificatie en hetzelfde voorkomen "
            "als aparte objecten behouden",
            n_parts,
        )
    elif n_parts:
        warnings.add(
            "bag_duplicate_dropped",
            f"{{n}} dubbele {_NOUN[kind]} (zelfde identificatie) weggelaten; de eerste is gebruikt",
            n_parts,
        )
    warnings.add(
        "bag_duplicate_version_dropped",
        f"{{n}} oudere versies van {_NOUN[kind]} met dezelfde identificatie weggelaten",
        n_older,
    )
    counts.n_duplicates += n_older + (0 if kind is LayerKind.BUILDINGS else n_parts)
    out = pd.concat([frame.loc[~dup], newest])
    out = out.loc[frame.index.intersection(out.index, sort=False)]  # back in file order
    return gpd.GeoDataFrame(out, geometry=frame.geometry.name, crs=frame.crs)


def _clean_values(frame: gpd.GeoDataFrame, kind: LayerKind) -> gpd.GeoDataFrame:
    """Normalise ids, gebruiksdoel, postcode and bouwjaar; mark what could not be used."""
    out = frame.copy()
    if "identificatie" not in out.columns:
        raise LayerSchemaError(
            f"De laag met BAG-{_NOUN[kind]} heeft geen kolom 'identificatie'.",
            hint="Exporteer de laag opnieuw met het BAG-attribuut identificatie.",
        )
    out["identificatie"] = normalise_bag_ids(out["identificatie"])
    # Counted later, on the rows that are kept (history and demolished panden are no news).
    out[_BAD_ID] = ~out["identificatie"].str.fullmatch(r"\d{16}").fillna(False).astype(bool)
    if "pand_identificatie" in out.columns:
        out["pand_identificatie"] = _normalise_id_list(out["pand_identificatie"])
    if "gebruiksdoel" in out.columns:
        out["gebruiksdoel"] = normalise_gebruiksdoel(out["gebruiksdoel"])
    if "status" in out.columns:
        out["status"] = out["status"].astype("string").str.strip()
    if "postcode" in out.columns:
        postcode = out["postcode"].astype("string").str.replace(r"\s+", "", regex=True).str.upper()
        out["postcode"] = postcode.mask(postcode == "", pd.NA)
    if "bouwjaar" in out.columns:
        year = pd.to_numeric(out["bouwjaar"], errors="coerce")
        # 9999 is BAG's placeholder for an unknown year; far-future or pre-medieval years are errors.
        unknown = year.notna() & ((year >= datetime.now().year + 10) | (year < _BOUWJAAR_MIN))
        out[_BAD_YEAR] = unknown
        out["bouwjaar"] = year.mask(unknown)
    return _lists_to_text(out)


def _count_value_issues(frame: gpd.GeoDataFrame, kind: LayerKind, warnings: Warnings) -> gpd.GeoDataFrame:
    """Warn about ids and years that could not be used, counting only the rows that are kept."""
    no_id = (
        frame[_NO_ID].fillna(False).astype(bool)
        if _NO_ID in frame.columns
        else pd.Series(False, index=frame.index)
    )
    if _BAD_ID in frame.columns:
        warnings.add(
            "bag_invalid_id",
            f"{{n}} {_NOUN[kind]} zonder geldige BAG-identificatie (16 cijfers) wel opgenomen",
            int((frame[_BAD_ID].astype(bool) & ~no_id).sum()),
        )
    warnings.add(
        "bag_address_no_id",
        "{n} adressen zonder eigen BAG-identificatie (de laag heeft alleen het id van het adres, "
        "de nummeraanduiding)",
        int(no_id.sum()),
    )
    if _BAD_YEAR in frame.columns:
        warnings.add(
            "bag_bouwjaar_unknown",
            "{n} panden met onbekend bouwjaar (zoals 9999) zonder bouwjaar opgenomen",
            int(frame[_BAD_YEAR].fillna(False).astype(bool).sum()),
        )
    return frame.drop(columns=[c for c in (_BAD_ID, _BAD_YEAR, _NO_ID) if c in frame.columns])


def _status_counts(frame: pd.DataFrame) -> dict[str, int]:
    if "status" not in frame.columns:
        return {}
    counts = frame["status"].astype("string").fillna("(leeg)").value_counts()
    return {str(k): int(v) for k, v in counts.items()}


def _finish(
    raw: gpd.GeoDataFrame,
    kind: LayerKind,
    warnings: Warnings,
    counts: _Counts,
    *,
    path: Path,
    keep_retired: bool,
    assume_crs: str | None = None,
    as_of: str | dt.date | None = None,
) -> gpd.GeoDataFrame:
    """The shared BAG pipeline from a raw GDAL frame to a canonical frame (see module doc)."""
    counts.n_read = len(raw)
    frame = _rename_to_canonical(raw, kind)
    frame = _clean_values(frame, kind)
    counts.status_counts = _status_counts(frame)
    frame = _drop_history(frame, kind, warnings, counts, as_of)
    frame = _drop_retired(frame, kind, warnings, counts, keep_retired=keep_retired)
    frame = _deduplicate(frame, kind, warnings, counts)
    frame = _count_value_issues(frame, kind, warnings)
    frame = ensure_rd(frame, warnings, path=path, assume_crs=assume_crs)
    frame = clean_geometries(frame, warnings, family=_FAMILY[kind])
    return conform(frame, kind)


def _enrich_buildings(
    buildings: gpd.GeoDataFrame, addresses: gpd.GeoDataFrame, warnings: Warnings
) -> gpd.GeoDataFrame:
    """Fill pand gebruiksdoel / aantal_verblijfsobjecten from the current VBOs where missing."""
    links = pd.DataFrame(
        {
            "vbo": addresses["identificatie"],
            "pand": addresses["pand_identificatie"].str.split(","),
            "doel": addresses["gebruiksdoel"].str.split(","),
        }
    )
    by_pand = links.explode("pand").dropna(subset=["pand"])
    if by_pand.empty:
        return buildings
    n_vbo = by_pand.groupby("pand")["vbo"].nunique()
    doelen = by_pand.explode("doel").dropna(subset=["doel"]).drop_duplicates(["pand", "doel"])
    doel = doelen.sort_values(["pand", "doel"]).groupby("pand")["doel"].agg(",".join)
    out = buildings.copy()
    pid = out["identificatie"]
    missing_doel = out["gebruiksdoel"].isna()
    out["gebruiksdoel"] = out["gebruiksdoel"].fillna(pid.map(doel).astype("string"))
    from_vbo = pid.map(n_vbo).fillna(0).astype("Int64")
    out["aantal_verblijfsobjecten"] = out["aantal_verblijfsobjecten"].fillna(from_vbo)
    filled = int((missing_doel & out["gebruiksdoel"].notna()).sum())
    warnings.add(
        "bag_gebruiksdoel_from_vbo", "{n} panden kregen hun gebruiksdoel van hun verblijfsobjecten", filled
    )
    return out


def _result(
    kind: LayerKind,
    frame: gpd.GeoDataFrame,
    path: Path,
    layer: str | None,
    warnings: Warnings,
    counts: _Counts,
    meta: dict[str, Any],
) -> LoadResult:
    return LoadResult(
        kind=kind,
        frame=frame,
        source=str(path),
        layer=layer,
        warnings=tuple(warnings),
        meta={**meta, **counts.as_meta()},
    )


def _wanted(kinds: Sequence[LayerKind] | None) -> list[LayerKind]:
    if not kinds:
        return list(_KINDS)
    return [LayerKind(k) for k in kinds if LayerKind(k) in _KINDS]


# --------------------------------------------------------------------------------------------
# Vector exports (GeoPackage, GeoJSON, WFS GML, ...)
# --------------------------------------------------------------------------------------------


def _base_geometry_type(gtype: str | None) -> str:
    if not gtype:
        return ""
    return gtype.replace("3D ", "").split(" ")[0].lower()


def classify_layer(name: str, geometry_type: str | None, fields: Sequence[str]) -> LayerKind | None:
    """Which BAG kind a vector layer holds, from its name, geometry type and field names.

    Panden need an identificatie, a status and a bouwjaar (or be named ``pand``);
    verblijfsobjecten are points with VBO fields (or are named ``verblijfsobject``).
    Ligplaatsen, standplaatsen and woonplaatsen are not claimed.
    """
    lname = name.lower().rsplit(":", 1)[-1]
    cols = {f.lower() for f in fields}
    if address_layer_type(name, fields) is not None:
        return LayerKind.ADDRESSES
    if "identificatie" not in cols or not cols & {"status", "pandstatus"}:
        return None
    if any(word in lname for word in ("ligplaats", "standplaats", "woonplaats", "nummeraanduiding")):
        return None
    gtype = _base_geometry_type(geometry_type)
    is_point = gtype in ("point", "multipoint")
    is_polygon = gtype in ("polygon", "multipolygon", "curvepolygon", "multisurface")
    vbo_fields = bool(
        cols & {"oppervlakte", "huisnummer", "postcode", "pandref", "pandidentificatie", "pand_identificatie"}
    )
    pand_fields = bool(cols & {"bouwjaar", "oorspronkelijkbouwjaar", "oorspronkelijk_bouwjaar"})
    if "verblijfsobject" in lname or (is_point and vbo_fields):
        return LayerKind.ADDRESSES
    if (lname == "pand" or lname.endswith(("_pand", "panden")) or pand_fields) and not is_point:
        return LayerKind.BUILDINGS if (is_polygon or not gtype or gtype == "unknown") else None
    if not gtype or gtype == "unknown":
        return LayerKind.ADDRESSES if vbo_fields and "oppervlakte" in cols else None
    return None


def address_layer_type(name: str, fields: Sequence[str]) -> str | None:
    """``verblijfsobject``, ``ligplaats`` or ``standplaats`` for a layer of BAG addresses, else None.

    PDOK's address packages (and bag-light's ligplaats/standplaats) name the layer after the
    object type, often in the plural, and carry address fields (huisnummer, postcode, the
    nummeraanduiding id) but not always the object's own identificatie or a VBO status.
    """
    lname = name.lower().rsplit(":", 1)[-1]
    cols = {f.lower() for f in fields}
    if not cols & _ADDRESS_FIELDS:
        return None
    for word in _ADDRESS_TYPES:
        if word in lname:
            return word
    return None


def _is_lvbag_head(head: bytes) -> bool:
    return _LVBAG_NAMESPACE in head


def sniff_bag_vector(pr: Probe) -> bool:
    """Claim a vector file with a BAG pand or verblijfsobject layer (not LV BAG XML)."""
    if pr.is_dir or pr.suffix not in _VECTOR_SUFFIXES or _is_lvbag_head(pr.head):
        return False
    return any(classify_layer(lp.name, lp.geometry_type, lp.fields) is not None for lp in pr.layers)


def _vector_layers(path: Path) -> list[tuple[str, LayerKind]]:
    """The BAG layers of a vector file with their kind, in file order."""
    found: list[tuple[str, LayerKind]] = []
    for name, gtype in list_layers(path):
        columns = read_vector(path, layer=name, read_geometry=False, max_features=0).columns
        kind = classify_layer(name, gtype, [str(c) for c in columns])
        if kind is not None:
            found.append((name, kind))
    return found


def load_bag_vector(
    path: str | Path,
    *,
    kinds: Sequence[LayerKind] | None = None,
    layer: str | None = None,
    keep_retired: bool = False,
    as_of: str | dt.date | None = None,
) -> list[LoadResult]:
    """Read BAG panden / addresses from a GeoPackage, GeoJSON or other vector export.

    Panden come from the first pand layer (one named ``pand`` wins). Addresses come from
    every layer of verblijfsobjecten, ligplaatsen and standplaatsen (a PDOK address package
    has all three), combined into one frame with a ``bag_type`` column and the count per layer
    in ``meta["layers"]``. ``layer`` reads one layer only. ``as_of`` (a date) reads the
    voorkomens valid on that day instead of today's (for exports that carry the history).
    """
    p = check_file(path)
    wanted = _wanted(kinds)
    layers = _vector_layers(p)
    if layer is not None:
        layers = [(n, k) for n, k in layers if n == layer]
        if not layers:
            raise LayerSchemaError(
                f"De laag '{layer}' bevat geen BAG-panden of -adressen.",
                hint="Kies een laag met identificatie, status en bouwjaar (panden) of met adressen "
                "(verblijfsobjecten, ligplaatsen, standplaatsen).",
                path=p,
            )
    chosen: dict[LayerKind, list[str]] = {}
    for preferred_first in (True, False):
        for name, kind in layers:
            exact = name.lower() == "pand"
            new = kind is LayerKind.BUILDINGS and kind in wanted and kind not in chosen
            if new and (exact or not preferred_first):
                chosen[kind] = [name]
    addresses = [name for name, kind in layers if kind is LayerKind.ADDRESSES]
    if LayerKind.ADDRESSES in wanted and addresses:
        chosen[LayerKind.ADDRESSES] = addresses
    if not chosen:
        wanted_text = " of ".join(_NOUN[k] for k in wanted)
        raise LayerSchemaError(
            f"Het bestand bevat geen BAG-{wanted_text}.",
            hint="Gebruik een BAG-export (PDOK bag-light.gpkg, WFS of OGC API) met de kolommen identificatie en status.",
            path=p,
        )
    assume = "EPSG:4326" if p.suffix.lower() in (".geojson", ".json") else None
    frames: dict[LayerKind, gpd.GeoDataFrame] = {}
    all_warnings: dict[LayerKind, Warnings] = {}
    all_counts: dict[LayerKind, _Counts] = {}
    metas: dict[LayerKind, dict[str, Any]] = {}
    for kind in _KINDS:
        if kind not in chosen:
            continue
        warnings, counts = Warnings(), _Counts()
        raws = [(name, read_vector(p, layer=name)) for name in chosen[kind]]
        metas[kind] = {"format": "BAG vector", "source_crs": _declared_crs(raws[0][1])}
        if kind is LayerKind.BUILDINGS:
            frames[kind] = _finish(
                raws[0][1],
                kind,
                warnings,
                counts,
                path=p,
                keep_retired=keep_retired,
                assume_crs=assume,
                as_of=as_of,
            )
        else:
            frames[kind], metas[kind]["layers"] = _finish_addresses(
                raws, warnings, counts, path=p, keep_retired=keep_retired, assume_crs=assume, as_of=as_of
            )
        if as_of is not None:
            metas[kind]["as_of"] = _as_of_moment(as_of).date().isoformat()
        all_warnings[kind], all_counts[kind] = warnings, counts
    if LayerKind.BUILDINGS in frames and LayerKind.ADDRESSES in frames:
        frames[LayerKind.BUILDINGS] = _enrich_buildings(
            frames[LayerKind.BUILDINGS], frames[LayerKind.ADDRESSES], all_warnings[LayerKind.BUILDINGS]
        )
    return [
        _result(
            kind, frames[kind], p, "+".join(chosen[kind]), all_warnings[kind], all_counts[kind], metas[kind]
        )
        for kind in frames
    ]


def _declared_crs(raw: pd.DataFrame) -> str | None:
    """The CRS the source declares for a layer, as text (EPSG:28992), or None."""
    crs = getattr(raw, "crs", None)
    if crs is None:
        return None
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else str(crs.name)


def _prepare_address_layer(raw: gpd.GeoDataFrame, name: str) -> gpd.GeoDataFrame:
    """A layer of addresses in the shape the BAG pipeline expects (see :func:`address_layer_type`).

    The nummeraanduiding id gets its own column; a status that belongs to the address
    (Naamgeving uitgegeven/ingetrokken) moves to ``adres_status``; a layer without the object's
    own identificatie gets an empty one, marked so it is reported once, not as invalid ids.
    """
    out = raw.copy()
    lower = {str(c).lower(): str(c) for c in out.columns if c != out.geometry.name}
    obj_type = address_layer_type(name, list(lower)) or "verblijfsobject"
    num_col = next((lower[c] for c in _NUMMERAANDUIDING_COLUMNS if c in lower), None)
    if num_col is not None:
        out["nummeraanduiding"] = normalise_bag_ids(out[num_col])
        if num_col != "nummeraanduiding":
            out = out.drop(columns=[num_col])
    status_col = lower.get("status")
    if status_col is not None:
        values = out[status_col].dropna().astype(str).str.strip().str.lower()
        if len(values) and values.isin(_NAMING_STATUSES).all():
            out = out.rename(columns={status_col: "adres_status"})
    if "identificatie" not in lower:
        out["identificatie"] = pd.Series(pd.NA, index=out.index, dtype="string")
        out[_NO_ID] = True
    out["bag_type"] = obj_type
    out["bag_laag"] = name
    return out


def _finish_addresses(
    raws: list[tuple[str, gpd.GeoDataFrame]],
    warnings: Warnings,
    counts: _Counts,
    *,
    path: Path,
    keep_retired: bool,
    assume_crs: str | None,
    as_of: str | dt.date | None = None,
) -> tuple[gpd.GeoDataFrame, dict[str, int]]:
    """All address layers through the BAG pipeline, combined; per layer the number kept."""
    parts: list[gpd.GeoDataFrame] = []
    per_layer: dict[str, int] = {}
    withdrawn = polygons = 0
    for name, raw in raws:
        prepared = _prepare_address_layer(raw, name)
        if "adres_status" in prepared.columns:
            gone = (
                prepared["adres_status"].astype("string").str.strip().str.lower() == "naamgeving ingetrokken"
            )
            gone = gone.fillna(False).astype(bool)
            withdrawn += int(gone.sum())
            if not keep_retired:
                prepared = prepared.loc[~gone]
        geoms = prepared.geometry
        polygons += int(geoms.geom_type.isin(["Polygon", "MultiPolygon"]).sum())
        layer_counts = _Counts()
        frame = _finish(
            prepared,
            LayerKind.ADDRESSES,
            warnings,
            layer_counts,
            path=path,
            keep_retired=keep_retired,
            assume_crs=assume_crs,
            as_of=as_of,
        )
        counts.merge(layer_counts)
        per_layer[name] = len(frame)
        parts.append(frame)
    done = "opgenomen op verzoek" if keep_retired else "weggelaten"
    warnings.add(
        "bag_address_withdrawn", f"{{n}} ingetrokken adressen (Naamgeving ingetrokken) {done}", withdrawn
    )
    warnings.add(
        "bag_address_polygon",
        "{n} ligplaatsen/standplaatsen zijn vlakken; als adrespunt is een punt binnen het vlak genomen",
        polygons,
    )
    combined = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=parts[0].crs)
    out = conform(combined, LayerKind.ADDRESSES)
    missing = [c for c in ("gebruiksdoel", "oppervlakte_m2") if not out[c].notna().any()]
    if missing:
        what = " en ".join("gebruiksdoel" if c == "gebruiksdoel" else "oppervlakte" for c in missing)
        warnings.add(
            "bag_address_only",
            f"Deze adressen hebben geen {what}: het zijn alleen adressen. Regels en criteria die het "
            "gebruiksdoel of de oppervlakte nodig hebben (transformatie, wonen met een plus) kunnen er "
            "niets mee; importeer daarvoor de verblijfsobjecten uit een BAG-extract (LV BAG XML) of "
            "bag-light.gpkg.",
        )
    return out, per_layer


# --------------------------------------------------------------------------------------------
# LV BAG 2.0 XML extracts
# --------------------------------------------------------------------------------------------


def _lvbag_type(name: str) -> str | None:
    match = _LVBAG_NAME.match(name)
    return match.group(2).upper() if match else None


def sniff_bag_xml(pr: Probe) -> bool:
    """Claim an LV BAG extract: XML with the LV BAG namespace, or a folder/zip with PND/VBO files."""
    if pr.is_dir or pr.suffix == ".zip" or pr.members:
        types = {_lvbag_type(m) for m in pr.members}
        return bool(types & {"PND", "VBO", "GEM"})
    if pr.suffix == ".xml":
        return _is_lvbag_head(pr.head) or _lvbag_type(pr.path.name) in ("PND", "VBO")
    return False


def _unpack(archive: Path, dest: Path, depth: int = 0) -> list[Path]:
    """Extract an LV BAG zip and the nested PND/VBO/NUM zips inside it; return the XML files."""
    files = extract_zip_safely(archive, dest, suffixes=(".xml", ".zip"))
    xmls: list[Path] = []
    for f in files:
        if f.suffix.lower() == ".xml":
            xmls.append(f)
        elif depth < _MAX_ZIP_DEPTH and _lvbag_type(f.name) in ("PND", "VBO", "NUM", "GEM"):
            xmls.extend(_unpack(f, dest / f"{f.stem}_unpacked", depth + 1))
    return xmls


def _classify_xml(path: Path) -> str | None:
    """PND / VBO / NUM from the LV BAG file name, or else from the layer GDAL sees."""
    by_name = _lvbag_type(path.name)
    if by_name is not None:
        return by_name
    with path.open("rb") as fh:
        if not _is_lvbag_head(fh.read(4096)):
            return None
    check_xml_safe(path)
    for name, _ in list_layers(path):
        code = _LVBAG_LAYER_TYPES.get(name.lower())
        if code is not None:
            return code
    return None


def _collect_xml(p: Path, tmp: Path) -> tuple[list[Path], list[str]]:
    """The XML files of an extract (zip unpacked into ``tmp``) and notes for the meta."""
    notes: list[str] = []
    if p.is_dir():
        xmls = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() == ".xml")
        for i, z in enumerate(
            sorted(f for f in p.rglob("*.zip") if _lvbag_type(f.name) in ("PND", "VBO", "NUM", "GEM"))
        ):
            xmls.extend(_unpack(z, tmp / f"zip{i}"))
        return xmls, notes
    with p.open("rb") as fh:
        is_zip = fh.read(4) == b"PK\x03\x04"
    if is_zip or p.suffix.lower() == ".zip":
        return _unpack(p, tmp / "zip"), notes
    xmls = [p]
    if _classify_xml(p) == "VBO":
        # The hoofdadres lives in the NUM file next to it; use it when the user picked the VBO file.
        match = _LVBAG_NAME.match(p.name)
        prefix = match.group(1) if match else ""
        siblings = sorted(
            f for f in p.parent.glob("*.xml") if _lvbag_type(f.name) == "NUM" and f.name.startswith(prefix)
        )
        if siblings:
            notes.append("NUM-bestanden naast het VBO-bestand gebruikt voor postcode en huisnummer")
        xmls.extend(siblings)
    return xmls, notes


def _read_lvbag(files: list[Path], *, geometry: bool = True) -> gpd.GeoDataFrame | pd.DataFrame:
    """Read and concatenate LV BAG XML files of one object type with the LVBAG driver."""
    frames = []
    for f in files:
        check_xml_safe(f)
        frames.append(read_vector(f, LEGACY_ID="YES", read_geometry=geometry))
    frames = [f for f in frames if len(f.columns)]
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    if geometry:
        return gpd.GeoDataFrame(out, geometry="geometry", crs=frames[0].crs)
    return out


def _stand_datum(files: list[Path]) -> str | None:
    """The extract date (StandTechnischeDatum) from the head of the first file that has it."""
    for f in files:
        with f.open("rb") as fh:
            match = _STAND_DATUM.search(fh.read(8192))
        if match:
            return match.group(1).decode("ascii")
    return None


_NUM_FIELDS = {
    "postcode": "postcode",
    "huisnummer": "huisnummer",
    "huisletter": "huisletter",
    "huisnummertoevoeging": "toevoeging",
}


def _join_addresses(
    vbo: gpd.GeoDataFrame, num: pd.DataFrame, warnings: Warnings, as_of: str | dt.date | None = None
) -> gpd.GeoDataFrame:
    """Postcode, huisnummer, huisletter and toevoeging of the current hoofdadres of each VBO."""
    ref_col = next((c for c in vbo.columns if str(c).lower() == "hoofdadresnummeraanduidingref"), None)
    lower = {str(c).lower(): str(c) for c in num.columns}
    if ref_col is None or "identificatie" not in lower:
        return vbo
    current = _recency_order(num.loc[~_history_mask(num, as_of)])
    table = pd.DataFrame({"nummeraanduiding": normalise_bag_ids(current[lower["identificatie"]])})
    for src, dst in _NUM_FIELDS.items():
        if src in lower:
            table[dst] = current[lower[src]].to_numpy()
    table = table.drop_duplicates("nummeraanduiding")  # newest first after _recency_order
    keys = pd.DataFrame({"nummeraanduiding": normalise_bag_ids(vbo[ref_col]).to_numpy()})
    joined = keys.merge(table, on="nummeraanduiding", how="left")
    out = vbo.copy()
    for col in joined.columns.drop("nummeraanduiding"):
        values = pd.Series(joined[col].to_numpy(), index=out.index)
        out[col] = out[col].fillna(values) if col in out.columns else values
    out["postcode"] = out["postcode"].astype("string").str.replace(r"\s+", "", regex=True).str.upper()
    warnings.add(
        "bag_address_missing",
        "{n} verblijfsobjecten zonder (huidige) postcode bij hun hoofdadres",
        int(out["postcode"].isna().sum()),
    )
    return out


def load_bag_xml(
    path: str | Path,
    *,
    kinds: Sequence[LayerKind] | None = None,
    keep_retired: bool = False,
    as_of: str | dt.date | None = None,
) -> list[LoadResult]:
    """Read panden and verblijfsobjecten from an LV BAG 2.0 XML extract (file, folder or zip).

    Zips are unpacked into a temporary folder that is removed afterwards; nested zips of the
    national extract (``9999PND....zip``) are unpacked too. Addresses get postcode and
    huisnummer from the Nummeraanduiding (NUM) files when the extract has them. ``as_of`` (a
    date) reads the extract as it stood on that day: an extract keeps every voorkomen with its
    validity dates, so an earlier state of the same area is a real snapshot of the BAG.
    """
    p = check_file(path)
    wanted = _wanted(kinds)
    with tempfile.TemporaryDirectory(prefix="bodnaarplot-lvbag-") as tmp:
        xmls, notes = _collect_xml(p, Path(tmp))
        by_type: dict[str, list[Path]] = {}
        for f in xmls:
            code = _classify_xml(f)
            if code is not None:
                by_type.setdefault(code, []).append(f)
        need = {"PND"} if LayerKind.BUILDINGS in wanted else set()
        if LayerKind.ADDRESSES in wanted:
            need |= {"VBO", "NUM"}
        if not ({"PND", "VBO"} & need & set(by_type)):
            wanted_text = " of ".join(_NOUN[k] for k in wanted)
            raise LayerSchemaError(
                f"Het BAG-extract bevat geen {wanted_text} (geen PND- of VBO-bestanden).",
                hint="Kies het hele BAG-extract (zip of map) met de PND- en VBO-bestanden.",
                path=p,
            )
        raw = {code: _read_lvbag(by_type[code], geometry=code != "NUM") for code in need if code in by_type}
        stand = _stand_datum([f for fs in by_type.values() for f in fs])
        files = sorted(f.name for code in raw for f in by_type[code])
    declared = next((_declared_crs(f) for f in raw.values() if _declared_crs(f)), None)
    meta: dict[str, Any] = {
        "format": "LVBAG XML",
        "stand_datum": stand,
        "files": files,
        "source_crs": declared,
    }
    if notes:
        meta["notes"] = notes
    if as_of is not None:
        meta["as_of"] = _as_of_moment(as_of).date().isoformat()
    frames: dict[LayerKind, gpd.GeoDataFrame] = {}
    all_warnings: dict[LayerKind, Warnings] = {}
    all_counts: dict[LayerKind, _Counts] = {}
    for kind, code in ((LayerKind.BUILDINGS, "PND"), (LayerKind.ADDRESSES, "VBO")):
        if kind not in wanted or code not in raw:
            continue
        warnings, counts = Warnings(), _Counts()
        frame = raw[code]
        if not isinstance(frame, gpd.GeoDataFrame):
            raise LayerFormatError(
                f"De {_NOUN[kind]} in het BAG-extract hebben geen geometrie.",
                hint="Download het BAG-extract opnieuw.",
                path=p,
            )
        frames[kind] = _finish(frame, kind, warnings, counts, path=p, keep_retired=keep_retired, as_of=as_of)
        if kind is LayerKind.ADDRESSES:
            num = raw.get("NUM")
            if num is not None and len(num):
                frames[kind] = conform(_join_addresses(frames[kind], num, warnings, as_of), kind)
            else:
                warnings.add(
                    "bag_no_num",
                    "Het extract bevat geen nummeraanduidingen (NUM); postcode en huisnummer blijven leeg. "
                    "Kies het hele extract om adressen mee te laden.",
                )
        all_warnings[kind], all_counts[kind] = warnings, counts
    if LayerKind.BUILDINGS in frames and LayerKind.ADDRESSES in frames:
        frames[LayerKind.BUILDINGS] = _enrich_buildings(
            frames[LayerKind.BUILDINGS], frames[LayerKind.ADDRESSES], all_warnings[LayerKind.BUILDINGS]
        )
    layer_names = {LayerKind.BUILDINGS: "Pand", LayerKind.ADDRESSES: "Verblijfsobject"}
    return [
        _result(kind, frames[kind], p, layer_names[kind], all_warnings[kind], all_counts[kind], meta)
        for kind in frames
    ]


# --------------------------------------------------------------------------------------------
# Registration
# --------------------------------------------------------------------------------------------

BAG_XML = register(
    SourceFormat(
        id="bag_xml",
        label="BAG-extract (LV BAG 2.0 XML)",
        kinds=_KINDS,
        sniff=sniff_bag_xml,
        load=load_bag_xml,
        priority=10,
        options={
            "keep_retired": "ook gesloopte, ingetrokken en niet gerealiseerde objecten opnemen",
            "as_of": "peildatum (JJJJ-MM-DD): het extract zoals het op die dag was",
        },
    )
)

BAG_VECTOR = register(
    SourceFormat(
        id="bag_vector",
        label="BAG-export (GeoPackage, GeoJSON, WFS)",
        kinds=_KINDS,
        sniff=sniff_bag_vector,
        load=load_bag_vector,
        priority=15,
        options={
            "layer": "naam van de laag met panden of verblijfsobjecten",
            "keep_retired": "ook gesloopte, ingetrokken en niet gerealiseerde objecten opnemen",
            "as_of": "peildatum (JJJJ-MM-DD): de voorkomens die op die dag golden",
        },
    )
)
