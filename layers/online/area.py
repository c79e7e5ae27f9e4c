"""The area to fetch: a gemeente (boundary from PDOK CBS Gebiedsindelingen) or a bbox in RD New.

The list of gemeenten is fetched once (WFS GetFeature, GeoJSON, EPSG:28992, paged) and kept
in the cache, so choosing a gemeente works offline after the first time. A gemeente is found
by CBS code (``0503``, ``GM0503``) or by name, ignoring case and accents; a near miss gets
suggestions ("Bedoelt u: Delft?").
"""

from __future__ import annotations

import difflib
import json
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import shapely
from pyproj import Transformer
from shapely.geometry import box, shape

from layers.online.config import FetchConfig
from layers.online.errors import AreaError, ServiceError
from layers.online.http import HttpClient
from layers.online.pages import PageChain, Request, chain_folder, fetch_pages

__all__ = ["Area", "Gemeente", "bbox_area", "find_gemeente", "gemeente_area", "gemeenten", "parse_bbox"]

# RD New's valid extent for the Netherlands (EPSG:28992 area of use, rounded outwards).
NL_BOUNDS = (-7_000.0, 289_000.0, 300_000.0, 629_000.0)
_BBOX_RE = re.compile(
    r"^\s*(-?\d+(?:\.\d+)?)\s*[, ;]\s*(-?\d+(?:\.\d+)?)\s*[, ;]\s*(-?\d+(?:\.\d+)?)\s*[, ;]\s*(-?\d+(?:\.\d+)?)\s*$"
)
_TO_WGS84 = None


def _to_wgs84() -> Transformer:
    global _TO_WGS84
    if _TO_WGS84 is None:
        _TO_WGS84 = Transformer.from_crs(28992, 4326, always_xy=True)
    return _TO_WGS84


@dataclass(frozen=True)
class Area:
    """A polygon in EPSG:28992 with a label for messages and layer names."""

    label: str
    geometry: shapely.Geometry
    gemeente_code: str | None = None  # four digits, e.g. "0503"
    gemeente_name: str | None = None

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        minx, miny, maxx, maxy = self.geometry.bounds
        return (float(minx), float(miny), float(maxx), float(maxy))

    @property
    def area_km2(self) -> float:
        return float(self.geometry.area) / 1e6

    def buffered(self, metres: float) -> Area:
        """The same area grown by ``metres`` (facilities just over the border count too)."""
        if metres <= 0:
            return self
        return Area(self.label, self.geometry.buffer(metres, 8), self.gemeente_code, self.gemeente_name)

    def tiles(self, size_m: float) -> list[tuple[float, float, float, float]]:
        """Square tiles of at most ``size_m`` covering the area (only those touching it)."""
        minx, miny, maxx, maxy = self.bounds
        nx = max(1, math.ceil((maxx - minx) / size_m))
        ny = max(1, math.ceil((maxy - miny) / size_m))
        dx, dy = (maxx - minx) / nx, (maxy - miny) / ny
        out = []
        prepared = self.geometry
        shapely.prepare(prepared)
        for j in range(ny):
            for i in range(nx):
                tile = (minx + i * dx, miny + j * dy, minx + (i + 1) * dx, miny + (j + 1) * dy)
                cell = box(*tile)
                # A tile that only touches the area (a shared edge or corner) holds nothing of it.
                if nx * ny == 1 or (prepared.intersects(cell) and not prepared.touches(cell)):
                    out.append(tile)
        return out

    def bbox_wgs84(self) -> tuple[float, float, float, float]:
        """(south, west, north, east) in WGS84 degrees, as Overpass wants it."""
        minx, miny, maxx, maxy = self.bounds
        xs, ys = _to_wgs84().transform([minx, minx, maxx, maxx], [miny, maxy, miny, maxy])
        return (min(ys), min(xs), max(ys), max(xs))

    def slug(self) -> str:
        if self.gemeente_code:
            return f"GM{self.gemeente_code}"
        minx, miny, maxx, maxy = self.bounds
        return f"bbox_{minx:.0f}_{miny:.0f}_{maxx:.0f}_{maxy:.0f}"


@dataclass(frozen=True)
class Gemeente:
    code: str  # four digits
    name: str
    geometry: shapely.Geometry


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``minx,miny,maxx,maxy`` in RD New metres (commas, semicolons or spaces)."""
    m = _BBOX_RE.match(text or "")
    if not m:
        raise AreaError(
            f"'{text}' is geen geldig kader.",
            hint="Geef vier getallen in RD-meters: minx,miny,maxx,maxy (bijv. 83000,444000,87000,448000).",
        )
    minx, miny, maxx, maxy = (float(v) for v in m.groups())
    if all(abs(v) <= 180 for v in (minx, miny, maxx, maxy)):
        raise AreaError(
            f"Het kader '{text}' lijkt in graden (lengte/breedte), niet in RD-meters.",
            hint="Geef RD New-coördinaten in meters, bijv. 83000,444000,87000,448000.",
        )
    if minx >= maxx or miny >= maxy:
        raise AreaError(
            f"Het kader '{text}' is leeg of omgedraaid.",
            hint="Volgorde: minx,miny,maxx,maxy met minx < maxx en miny < maxy.",
        )
    return (minx, miny, maxx, maxy)


def bbox_area(bbox: tuple[float, float, float, float] | str, config: FetchConfig) -> Area:
    """An :class:`Area` for a bbox in RD New, checked against the Netherlands and the size limit."""
    minx, miny, maxx, maxy = parse_bbox(bbox) if isinstance(bbox, str) else bbox
    nminx, nminy, nmaxx, nmaxy = NL_BOUNDS
    if minx < nminx or miny < nminy or maxx > nmaxx or maxy > nmaxy:
        raise AreaError(
            "Het kader ligt (deels) buiten Nederland.",
            hint="Geef RD New-coördinaten binnen Nederland (x tussen 0 en 300000, y tussen 289000 en 629000).",
        )
    area = Area(f"kader {minx:.0f},{miny:.0f},{maxx:.0f},{maxy:.0f}", box(minx, miny, maxx, maxy))
    _check_size(area, config)
    return area


def _check_size(area: Area, config: FetchConfig) -> None:
    limit = config.limits.max_area_km2
    if area.area_km2 > limit:
        raise AreaError(
            f"Het gebied is {area.area_km2:.0f} km²; we halen maximaal {limit:.0f} km² in één keer op.",
            hint="Kies een gemeente of een kleiner kader.",
        )


def _fold(text: str) -> str:
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", " ", norm.lower()).strip()


def _gemeenten_chain(client: HttpClient, config: FetchConfig, *, refresh: bool = False) -> PageChain:
    svc = config.service("gebieden")
    url = config.url("gebieden")
    page = int(svc.get("page_size", 1000))
    params: dict[str, Any] = {
        "service": "WFS",
        "version": "2.0.0",
        "request": "GetFeature",
        "typeNames": svc["type_name"],
        "outputFormat": "application/json",
        "srsName": "EPSG:28992",
        "count": page,
        "startIndex": 0,
    }
    first = Request(url=url, params=params)

    def next_of(index: int, body: bytes) -> Request | None:
        features = json.loads(body).get("features") or []
        if len(features) < page:
            return None
        return Request(url=url, params={**params, "startIndex": (index + 1) * page})

    folder = chain_folder(config.cache_dir, "gebieden", {"url": url, "type": svc["type_name"]})
    # Municipal boundaries change once a year (1 January): a month-old list is fine.
    return fetch_pages(client, folder, first, next_of, max_age_s=30 * 24 * 3600, refresh=refresh)


def gemeenten(client: HttpClient, config: FetchConfig, *, refresh: bool = False) -> list[Gemeente]:
    """All gemeenten with their boundary (RD New), from the cache or PDOK."""
    chain = _gemeenten_chain(client, config, refresh=refresh)
    out: dict[str, Gemeente] = {}
    for i in range(len(chain.pages)):
        data = chain.read_json(i)
        for feat in data.get("features") or []:
            props = feat.get("properties") or {}
            code = str(props.get("statcode") or props.get("gemeentecode") or "")
            name = str(props.get("statnaam") or props.get("gemeentenaam") or "")
            digits = re.sub(r"\D", "", code)
            if not digits or not name or feat.get("geometry") is None:
                continue
            geom = shapely.make_valid(shape(feat["geometry"]))
            key = digits.zfill(4)
            if key in out:  # a gemeente in several parts: one area
                geom = shapely.union(out[key].geometry, geom)
            out[key] = Gemeente(key, name, geom)
    if not out:
        raise ServiceError(
            "De lijst met gemeenten van PDOK is leeg of onleesbaar.",
            hint="Probeer het later opnieuw, of geef een kader (bbox) in RD-meters.",
            service=client.service,
            url=chain.source_url,
        )
    return sorted(out.values(), key=lambda g: g.name)


def find_gemeente(query: str, options: list[Gemeente]) -> Gemeente:
    """The gemeente named or coded by ``query``; a clear error with suggestions otherwise."""
    q = query.strip()
    digits = re.sub(r"^(?i:gm)", "", q)
    if digits.isdigit():
        code = digits.zfill(4)
        for g in options:
            if g.code == code:
                return g
        raise AreaError(
            f"Er is geen gemeente met CBS-code {code}.",
            hint="CBS-codes hebben vier cijfers, bijv. 0503 voor Delft.",
        )
    folded = _fold(q)
    for g in options:
        if _fold(g.name) == folded:
            return g
    names = {_fold(g.name): g.name for g in options}
    close = difflib.get_close_matches(folded, list(names), n=3, cutoff=0.6)
    hint = (
        f"Bedoelt u: {', '.join(names[c] for c in close)}?"
        if close
        else "Controleer de spelling of geef de CBS-code."
    )
    raise AreaError(f"Gemeente '{q}' niet gevonden.", hint=hint)


def gemeente_area(query: str, client: HttpClient, config: FetchConfig, *, refresh: bool = False) -> Area:
    """The :class:`Area` of a gemeente by name or CBS code."""
    g = find_gemeente(query, gemeenten(client, config, refresh=refresh))
    area = Area(f"{g.name} (GM{g.code})", g.geometry, g.code, g.name)
    _check_size(area, config)
    return area
