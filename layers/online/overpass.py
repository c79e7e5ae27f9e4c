"""OpenStreetMap facilities, walking ways and land use from the Overpass API, as one .osm.pbf.

The Overpass QL query is built from the same tables the OSM loader uses
(``resources/categories/osm_tags.toml``: the facility rules, the ``[network]`` highway rules
and the ``[land_use]`` keys), so the fetched extract holds what :mod:`layers.osm` reads and
nothing it would throw away. The buffered area is split into tiles (``tile_size_m``), one POST
per tile through the checkpointed page chain, and the tiles are merged with pyosmium into one
file with every object once (objects on a tile edge come back from both tiles).

Overpass reports a query it had to abort (time-out, memory) as HTTP 200 with a ``<remark>``
in the XML; that is turned into a :class:`ServiceError` before the tile is checkpointed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlencode

import osmium
from shapely.geometry import box

from layers.categories import OsmRules, TagCondition, load_osm_rules
from layers.online.area import Area
from layers.online.base import Fetched, client_for, output_path
from layers.online.config import FetchConfig
from layers.online.errors import ServiceError, ServiceLimitError
from layers.online.http import Progress
from layers.online.pages import Request, chain_folder, fetch_pages
from layers.osm import LandUseTags, load_land_use_tags

__all__ = ["build_query", "fetch", "merge_osm", "tile_bboxes"]

SERVICE = "overpass"
_REMARK_RE = re.compile(rb"<remark>(.*?)</remark>", re.DOTALL)
_DTD_RE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_AREA_RELATIONS = "multipolygon|boundary"

WGS84Box = tuple[float, float, float, float]  # south, west, north, east


# --------------------------------------------------------------------------------------------
# the query
# --------------------------------------------------------------------------------------------


def _quote(text: str) -> str:
    """A string literal for Overpass QL (double quotes, backslash escapes)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _alternatives(values: Iterable[str]) -> str:
    return "|".join(re.escape(v) for v in sorted(values))


def _filter(key: str, values: frozenset[str] | None) -> str:
    """One tag filter; values also match inside OSM ``;`` multi-values, as the loader does."""
    if values is None:
        return f"[{_quote(key)}]"
    if len(values) == 1 and not any(";" in v for v in values):
        (value,) = values
        # exact, or one of several ';'-separated values
        pattern = f"(^|;) *{re.escape(value)} *(;|$)"
        return f"[{_quote(key)}~{_quote(pattern)}]"
    pattern = f"(^|;) *({_alternatives(values)}) *(;|$)"
    return f"[{_quote(key)}~{_quote(pattern)}]"


def _condition(cond: TagCondition) -> str:
    return "".join(_filter(k, v) for k, v in cond)


def _facility_statements(rules: OsmRules) -> list[str]:
    out: list[str] = []
    for rule in rules.rules:
        filters = _condition(rule.match)
        elements = rule.elements
        if elements >= {"node", "way", "relation"}:
            out.append(f"nwr{filters};")
        else:
            out.extend(f"{el}{filters};" for el in sorted(elements))
    return out


def _network_statements(rules: OsmRules) -> list[str]:
    """Every highway way the loader keeps: all but the excluded types, those only with foot=..."""
    net = rules.network
    if not net.exclude_highway:
        return ['way["highway"];']
    excluded = f"^({_alternatives(net.exclude_highway)})$"
    out = [f'way["highway"]["highway"!~{_quote(excluded)}];']
    if net.keep_if_foot:
        foot = f"^({_alternatives(net.keep_if_foot)})$"
        out.append(f'way["highway"~{_quote(excluded)}]["foot"~{_quote(foot)}];')
    return out


def _land_use_statements(spec: LandUseTags) -> list[str]:
    out: list[str] = []
    for key in spec.keys:
        values = spec.values[key]
        flt = (
            f"[{_quote(key)}]"
            if values is None
            else f"[{_quote(key)}~{_quote(f'^({_alternatives(values)})$')}]"
        )
        out.append(f"way{flt};")
        out.append(f'relation{flt}["type"~"^({_AREA_RELATIONS})$"];')
    return out


def build_query(
    bbox: WGS84Box,
    *,
    timeout_s: int,
    maxsize_bytes: int,
    rules: OsmRules | None = None,
    land_use: LandUseTags | None = None,
) -> str:
    """The Overpass QL query for one tile: facilities, walking ways and land-use areas.

    ``bbox`` is (south, west, north, east) in degrees; it is the global ``[bbox:...]`` so every
    statement is limited to it, while the recursion ``>`` brings the complete node list of
    every way (and the members of multipolygons) so pyosmium can build lines and areas.
    """
    rules = rules or load_osm_rules()
    land_use = land_use or load_land_use_tags()
    s, w, n, e = bbox
    header = f"[out:xml][timeout:{int(timeout_s)}][maxsize:{int(maxsize_bytes)}][bbox:{s:.7f},{w:.7f},{n:.7f},{e:.7f}];"
    body = [*_facility_statements(rules), *_network_statements(rules), *_land_use_statements(land_use)]
    unique = list(dict.fromkeys(body))
    lines = [header, "(", *(f"  {st}" for st in unique), ");", "(._;>;);", "out body;"]
    return "\n".join(lines) + "\n"


def tile_bboxes(area: Area, tile_size_m: float) -> list[WGS84Box]:
    """The (south, west, north, east) boxes of the tiles covering ``area``."""
    return [Area(area.label, box(*tile)).bbox_wgs84() for tile in area.tiles(tile_size_m)]


# --------------------------------------------------------------------------------------------
# answers
# --------------------------------------------------------------------------------------------


def _check_answer(body: bytes, service: str, url: str, tile: int, tiles: int) -> int:
    """Raise on an aborted or unreadable Overpass answer; return the number of OSM objects."""
    where = f" (tegel {tile + 1} van {tiles})" if tiles > 1 else ""
    for remark in _REMARK_RE.findall(body):
        text = remark.decode("utf-8", "replace").strip()
        if "error" in text.lower():
            raise ServiceError(
                f"Overpass brak de zoekopdracht af{where}: {text[:200]}",
                hint="Het gebied is te groot of de server is druk: kies een kleiner gebied of een "
                "kleinere tegelgrootte ([services.overpass] tile_size_m), of probeer het later opnieuw.",
                service=service,
                url=url,
            )
    if _DTD_RE.search(body):
        raise ServiceError(
            f"Overpass gaf een antwoord met een DTD/ENTITY-declaratie{where}; dat lezen we niet.",
            hint="Controleer het adres van de Overpass-server in de instellingen.",
            service=service,
            url=url,
        )
    counter = _Counter()
    try:
        counter.apply_buffer(body, "osm")
    except RuntimeError as exc:
        raise ServiceError(
            f"Overpass gaf een onleesbaar antwoord (geen geldige OSM-XML){where}.",
            hint="De server heeft mogelijk een storing; probeer het later opnieuw. Eerdere tegels blijven bewaard.",
            service=service,
            url=url,
        ) from exc
    return counter.n


class _Counter(osmium.SimpleHandler):
    def __init__(self) -> None:
        super().__init__()
        self.n = 0

    def node(self, _n: osmium.osm.Node) -> None:
        self.n += 1

    def way(self, _w: osmium.osm.Way) -> None:
        self.n += 1

    def relation(self, _r: osmium.osm.Relation) -> None:
        self.n += 1


def merge_osm(pages: Iterable[Path], dest: Path) -> dict[str, int]:
    """Merge OSM XML tiles into ``dest`` (.osm.pbf), every (type, id) once; written atomically.

    Returns the number of nodes, ways and relations written.
    """
    reader = osmium.MergeInputReader()
    for page in pages:
        reader.add_buffer(page.read_bytes(), "osm")
    tmp = dest.with_name(dest.name.removesuffix(".osm.pbf") + ".tmp.osm.pbf")
    if tmp.exists():
        tmp.unlink()
    counts = {"nodes": 0, "ways": 0, "relations": 0}
    writer = osmium.SimpleWriter(str(tmp))
    try:

        class _Copy(osmium.SimpleHandler):
            def node(self, n: osmium.osm.Node) -> None:
                counts["nodes"] += 1
                writer.add_node(n)

            def way(self, w: osmium.osm.Way) -> None:
                counts["ways"] += 1
                writer.add_way(w)

            def relation(self, r: osmium.osm.Relation) -> None:
                counts["relations"] += 1
                writer.add_relation(r)

        reader.apply(_Copy(), simplify=True)
    finally:
        writer.close()
    os.replace(tmp, dest)
    return counts


# --------------------------------------------------------------------------------------------
# fetch
# --------------------------------------------------------------------------------------------


def fetch(
    area: Area, config: FetchConfig, *, progress: Progress | None = None, refresh: bool = False
) -> Fetched:
    """Facilities, walking ways and land use around ``area`` (grown by the facility buffer)."""
    client = client_for(config, SERVICE, progress)
    svc = config.service(SERVICE)
    url = config.url(SERVICE)
    timeout_s = int(svc.get("timeout_s", 180))
    maxsize = int(svc.get("maxsize_bytes", 536_870_912))
    tile_size = float(svc.get("tile_size_m", 10_000.0))
    buffered = area.buffered(config.limits.facility_buffer_m)
    boxes = tile_bboxes(buffered, tile_size)
    rules = load_osm_rules()
    land_use = load_land_use_tags()
    queries = [
        build_query(b, timeout_s=timeout_s, maxsize_bytes=maxsize, rules=rules, land_use=land_use)
        for b in boxes
    ]
    n = len(queries)
    form = {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}

    def request(i: int) -> Request:
        return Request(url=url, method="POST", data=urlencode({"data": queries[i]}), headers=form)

    def next_of(index: int, body: bytes) -> Request | None:
        _check_answer(body, client.service, url, index, n)
        return request(index + 1) if index + 1 < n else None

    def progress_of(index: int, _body: bytes) -> tuple[float | None, str]:
        return (0.85 * (index + 1) / n, f"OpenStreetMap: tegel {index + 1} van {n} opgehaald")

    client.report(0.0, f"OpenStreetMap: {n} tegel(s) opvragen bij Overpass")
    folder = chain_folder(config.cache_dir, SERVICE, {"url": url, "queries": queries})
    chain = fetch_pages(
        client,
        folder,
        request(0),
        next_of,
        expect_json=False,
        max_age_s=7 * 24 * 3600,
        refresh=refresh,
        progress_of=progress_of,
    )
    client.report(0.9, "OpenStreetMap: tegels samenvoegen")
    dest = output_path(config, SERVICE, area, "osm.osm.pbf")
    try:
        counts = merge_osm(chain.pages, dest)
    except RuntimeError as exc:  # a damaged cached tile
        raise ServiceError(
            "De opgehaalde OpenStreetMap-gegevens zijn onleesbaar.",
            hint="Haal de gegevens opnieuw op (vernieuwen).",
            service=client.service,
            url=url,
        ) from exc
    total = sum(counts.values())
    # The full query is kB long; the interpreter URL plus the bbox identifies the request (the
    # query itself follows from resources/ and is kept in the cache folder's state.json).
    s_, w_, n_, e_ = area.buffered(config.limits.facility_buffer_m).bbox_wgs84()
    source_url = f"{url}?bbox={s_:.5f},{w_:.5f},{n_:.5f},{e_:.5f}"
    if total == 0 or counts["nodes"] == 0:
        dest.unlink(missing_ok=True)
        raise ServiceError(
            "Geen OpenStreetMap-gegevens in dit gebied.",
            hint="Controleer het gebied (ligt het in Nederland, is het niet alleen water?).",
            service=client.service,
            url=url,
        )
    if total > config.limits.max_features:
        dest.unlink(missing_ok=True)
        raise ServiceLimitError(
            f"Het OpenStreetMap-uittreksel heeft {total} objecten; de grens is {config.limits.max_features}.",
            hint="Kies een kleiner gebied.",
            service=client.service,
            url=url,
        )
    notes: list[str] = []
    if chain.stale:
        notes.append(
            f"Geen netwerk: OpenStreetMap-gegevens uit de cache van {chain.retrieved_at:%Y-%m-%d} gebruikt."
        )
    if n > 1:
        notes.append(
            f"OpenStreetMap opgehaald in {n} tegels; objecten op de tegelranden zijn één keer bewaard."
        )
    notes.append(
        f"Inclusief een rand van {config.limits.facility_buffer_m:.0f} m rond het gebied: "
        "voorzieningen net over de grens tellen ook mee."
    )
    client.report(1.0, "OpenStreetMap: klaar")
    return Fetched(
        service=SERVICE,
        files=(dest,),
        kinds=(None,),
        source_url=source_url,
        retrieved_at=chain.retrieved_at,
        notes=tuple(notes),
        from_cache=chain.from_cache,
        counts=counts,
    )
