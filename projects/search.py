"""Finding a place: BAG addresses and the project's own plots and facilities, or PDOK online.

:func:`search_project` looks in what the project holds (no network): plots by id or name,
facilities by name, and the BAG addresses (verblijfsobjecten) by postcode and house number,
or by street and number when the address layer carries street names. :func:`search_online`
asks the PDOK Locatieserver through the fetchers' HTTP client; without a connection it raises
:class:`~layers.online.errors.OfflineError`, which the app reports as "offline".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from layers.online.config import FetchConfig
from layers.online.locatieserver import search_locatieserver

__all__ = ["Place", "parse_address", "search_online", "search_project"]

_POSTCODE = re.compile(r"^\s*(\d{4})\s*([A-Za-z]{2})\b\s*(\d+)?\s*([A-Za-z])?", re.ASCII)
_STREET_NUMBER = re.compile(r"^\s*(.*?\D)\s*(\d+)\s*([A-Za-z])?\s*(?:,.*)?$")
_STREET_COLUMNS = ("openbare_ruimte_naam", "openbareruimtenaam", "openbare_ruimte", "straatnaam", "straat")
_PLACE_COLUMNS = ("woonplaats_naam", "woonplaatsnaam", "woonplaats")
_LETTER_COLUMNS = ("huisletter",)


@dataclass(frozen=True)
class Place:
    """A search result: where it is (RD point) and what to call it."""

    label: str
    kind: str  # "adres", "locatie", "voorziening", or the Locatieserver type ("weg", "woonplaats", ...)
    x: float
    y: float
    source: str  # "BAG (project)", "project", "PDOK Locatieserver"
    plot_id: str | None = None


def _fold(text: str) -> str:
    """Lower case without accents or extra spaces: "Röntgenweg" and "rontgenweg" match."""
    norm = unicodedata.normalize("NFKD", str(text))
    return " ".join("".join(c for c in norm if not unicodedata.combining(c)).casefold().split())


def parse_address(query: str) -> tuple[str | None, str | None, int | None, str | None]:
    """(postcode, street, house number, letter) read from a query; None where absent.

    "2628 BL 134", "2628bl134" → postcode and number; "Julianalaan 134a, Delft" → street,
    number and letter.
    """
    m = _POSTCODE.match(query)
    if m:
        number = int(m[3]) if m[3] else None
        return f"{m[1]}{m[2].upper()}", None, number, (m[4] or None)
    s = _STREET_NUMBER.match(query)
    if s:
        return None, s[1].strip(" ,"), int(s[2]), (s[3] or None)
    return None, query.strip() or None, None, None


def _first(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    lower = {c.lower(): c for c in frame.columns}
    return next((lower[n] for n in names if n in lower), None)


def _points(frame: gpd.GeoDataFrame) -> np.ndarray:
    geoms = np.asarray(frame.geometry.values, dtype=object)
    pts = shapely.point_on_surface(geoms)
    return np.asarray(shapely.get_coordinates(pts), dtype=np.float64).reshape(-1, 2)


def _address_label(
    row: Mapping[str, object], street: str | None, place: str | None, letter: str | None
) -> str:
    raw = pd.to_numeric(pd.Series([row.get("huisnummer")]), errors="coerce").iloc[0]
    number = "" if pd.isna(raw) else str(int(raw))
    raw_letter = str(row.get(letter) or "") if letter else ""
    suffix = "" if raw_letter.lower() in ("nan", "<na>", "none") else raw_letter
    pc = str(row.get("postcode") or "")
    pc_text = f"{pc[:4]} {pc[4:]}" if len(pc) == 6 else pc
    if street and row.get(street):
        head = f"{row[street]} {number}{suffix}".strip()
        tail = " ".join(t for t in (pc_text, str(row.get(place) or "") if place else "") if t)
        return f"{head}, {tail}" if tail else head
    return f"{pc_text} {number}{suffix}".strip()


def _search_addresses(addresses: gpd.GeoDataFrame, query: str, limit: int) -> list[Place]:
    if addresses is None or addresses.empty or "postcode" not in addresses.columns:
        return []
    postcode, street_q, number, letter_q = parse_address(query)
    street = _first(addresses, _STREET_COLUMNS)
    place = _first(addresses, _PLACE_COLUMNS)
    letter = _first(addresses, _LETTER_COLUMNS)
    mask = pd.Series(True, index=addresses.index)
    if postcode is not None:
        mask &= addresses["postcode"].astype("string").str.replace(" ", "").str.upper() == postcode
    elif street_q is not None and street is not None:
        folded = addresses[street].astype("string").fillna("").map(_fold)
        mask &= folded.str.startswith(_fold(street_q))
    else:
        return []
    if number is not None and "huisnummer" in addresses.columns:
        mask &= pd.to_numeric(addresses["huisnummer"], errors="coerce") == number
    if letter_q is not None and letter is not None:
        mask &= addresses[letter].astype("string").str.upper() == letter_q.upper()
    hits = addresses.loc[mask.fillna(False).to_numpy(dtype=bool)]
    if hits.empty:
        return []
    order = pd.to_numeric(hits.get("huisnummer"), errors="coerce") if "huisnummer" in hits else None
    if order is not None:
        hits = hits.iloc[np.argsort(order.fillna(1e9).to_numpy(), kind="stable")]
    hits = hits.head(limit)
    xy = _points(hits)
    rows = hits.drop(columns=hits.geometry.name).to_dict("records")
    return [
        Place(_address_label(r, street, place, letter), "adres", float(x), float(y), "BAG (project)")
        for r, (x, y) in zip(rows, xy.tolist(), strict=True)
    ]


def _search_named(
    frame: gpd.GeoDataFrame | None, query: str, kind: str, id_column: str | None, limit: int
) -> list[Place]:
    if frame is None or frame.empty:
        return []
    q = _fold(query)
    if not q:
        return []
    names = (
        frame["name"].astype("string").fillna("")
        if "name" in frame.columns
        else pd.Series("", index=frame.index)
    )
    ids = frame[id_column].astype("string").fillna("") if id_column and id_column in frame.columns else None
    folded = names.map(_fold)
    mask = folded.str.contains(q, regex=False)
    if ids is not None:
        mask |= ids.map(_fold) == q
        mask |= ids.map(_fold).str.startswith(q)
    hits = frame.loc[mask.to_numpy(dtype=bool)].head(limit)
    if hits.empty:
        return []
    xy = _points(hits)
    out = []
    for (_, row), (x, y) in zip(hits.iterrows(), xy.tolist(), strict=True):
        pid = str(row[id_column]) if id_column and id_column in row.index else None
        name = str(row["name"]) if "name" in row.index and not pd.isna(row["name"]) else ""
        label = f"{pid} {name}".strip() if pid else name
        out.append(
            Place(label, kind, float(x), float(y), "project", plot_id=pid if kind == "locatie" else None)
        )
    return out


def search_project(
    layers: Mapping[str, gpd.GeoDataFrame], plots: gpd.GeoDataFrame | None, query: str, *, limit: int = 20
) -> list[Place]:
    """Places in the project matching ``query``: addresses first, then plots, then facilities."""
    text = query.strip()
    if not text:
        return []
    addresses = layers.get("addresses")
    out = _search_addresses(addresses, text, limit) if addresses is not None else []
    out += _search_named(plots, text, "locatie", "plot_id", limit)
    out += _search_named(layers.get("facilities"), text, "voorziening", None, limit)
    return out[:limit]


def search_online(query: str, config: FetchConfig | None = None, *, limit: int = 10) -> list[Place]:
    """Places from the PDOK Locatieserver (raises OfflineError without a connection)."""
    return [
        Place(hit.label, hit.type or "adres", hit.x, hit.y, "PDOK Locatieserver")
        for hit in search_locatieserver(query, config, rows=limit)
    ]
