"""BAG panden and verblijfsobjecten from the PDOK BAG OGC API Features (v2).

Items are requested per collection and per tile of the area (``tile_size_m``) in RD New
(``bbox-crs`` and ``crs``), following the ``rel=next`` links page by page through
:func:`~layers.online.pages.fetch_pages`, so an interrupted fetch resumes and a finished one is
reused from the cache. Objects on tile edges come back once per tile and are de-duplicated by
``identificatie``; only objects that touch the area itself are kept. The result is one
GeoPackage with the layers ``pand`` and (when there are any) ``verblijfsobject`` with the API's
own column names, which :mod:`layers.bag` reads as BUILDINGS and ADDRESSES.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry import shape

from layers.online.area import Area
from layers.online.base import Fetched, client_for, output_path, write_gpkg_atomic
from layers.online.config import FetchConfig
from layers.online.errors import ServiceError, ServiceLimitError
from layers.online.http import HttpClient, Progress
from layers.online.pages import PageChain, Request, chain_folder, fetch_pages

__all__ = ["fetch"]

SERVICE = "bag"
_NOUN = {"pand": "panden", "verblijfsobject": "verblijfsobjecten"}


def _next_link(body: Mapping[str, Any]) -> str | None:
    for link in body.get("links") or []:
        if isinstance(link, Mapping) and link.get("rel") == "next" and link.get("href"):
            return str(link["href"])
    return None


def _page(body: bytes, url: str, client: HttpClient) -> dict[str, Any]:
    """A page as a dict, or a ServiceError when it is not an OGC API FeatureCollection."""
    data = json.loads(body)
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise ServiceError(
            f"{client.service} gaf een antwoord zonder objecten (geen FeatureCollection).",
            hint="De dienst heeft mogelijk een storing of het basisadres klopt niet; probeer het later opnieuw.",
            service=client.service,
            url=url,
        )
    return data


def _value(value: Any) -> Any:
    """Lists become BAG's comma-separated text, nested objects JSON (GeoPackage has no lists)."""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def _chain(
    client: HttpClient,
    config: FetchConfig,
    collection: str,
    tile: tuple[float, float, float, float],
    *,
    refresh: bool,
    step: tuple[int, int],
    label: str,
) -> PageChain:
    svc = config.service(SERVICE)
    url = f"{config.url(SERVICE)}/collections/{collection}/items"
    crs = str(svc["crs"])
    limit = int(svc["page_size"])
    params = {
        "bbox": ",".join(f"{v:.3f}" for v in tile),
        "bbox-crs": crs,
        "crs": crs,
        "limit": limit,
        "f": "json",
    }
    first = Request(url=url, params=params)
    done, total = step

    def next_of(_index: int, body: bytes) -> Request | None:
        href = _next_link(_page(body, url, client))
        return Request(url=href) if href else None

    def progress_of(index: int, _body: bytes) -> tuple[float | None, str]:
        return (
            (done + min(0.9, 1 - 0.5 ** (index + 1))) / total,
            f"{client.service}: {label}, pagina {index + 1}",
        )

    folder = chain_folder(config.cache_dir, SERVICE, {"collection": collection, **params, "url": url})
    return fetch_pages(client, folder, first, next_of, refresh=refresh, progress_of=progress_of)


def _collect(
    chains: list[PageChain], area: Area, max_features: int, client: HttpClient, collection: str
) -> gpd.GeoDataFrame:
    """The features of all pages, de-duplicated by identificatie and clipped to the area."""
    rows: dict[str, dict[str, Any]] = {}
    for chain in chains:
        for i in range(len(chain.pages)):
            for feat in _page(chain.pages[i].read_bytes(), chain.source_url, client)["features"]:
                props = dict(feat.get("properties") or {})
                ident = str(props.get("identificatie") or feat.get("id") or "")
                if not ident or ident in rows or feat.get("geometry") is None:
                    continue
                props = {k: _value(v) for k, v in props.items()}
                props["geometry"] = shape(feat["geometry"])
                rows[ident] = props
                if len(rows) > max_features:
                    raise ServiceLimitError(
                        f"Dit gebied heeft meer dan {max_features} BAG-{_NOUN[collection]}.",
                        hint="Kies een kleiner gebied of verhoog de limiet max_features.",
                        service=client.service,
                    )
    if not rows:
        return gpd.GeoDataFrame({"identificatie": []}, geometry=[], crs="EPSG:28992")
    frame = gpd.GeoDataFrame(list(rows.values()), geometry="geometry", crs="EPSG:28992")
    shapely.prepare(area.geometry)
    keep = shapely.intersects(area.geometry, frame.geometry.to_numpy())
    return frame[keep].reset_index(drop=True)


def fetch(
    area: Area, config: FetchConfig, *, progress: Progress | None = None, refresh: bool = False
) -> Fetched:
    """Fetch BAG panden and verblijfsobjecten for ``area`` into one GeoPackage."""
    client = client_for(config, SERVICE, progress)
    svc = config.service(SERVICE)
    collections = [str(c) for c in svc.get("collections", ("pand", "verblijfsobject"))]
    tiles = area.tiles(float(svc["tile_size_m"]))
    total = len(collections) * len(tiles)
    client.report(0.0, f"{client.service}: {len(tiles)} tegel(s) ophalen")
    frames: dict[str, gpd.GeoDataFrame] = {}
    all_chains: list[PageChain] = []
    for c_index, collection in enumerate(collections):
        chains = [
            _chain(
                client,
                config,
                collection,
                tile,
                refresh=refresh,
                step=(c_index * len(tiles) + t_index, total),
                label=f"{_NOUN[collection]}, tegel {t_index + 1} van {len(tiles)}",
            )
            for t_index, tile in enumerate(tiles)
        ]
        all_chains.extend(chains)
        frames[collection] = _collect(chains, area, config.limits.max_features, client, collection)
    client.report(0.95, f"{client.service}: GeoPackage schrijven")
    # The request for the whole area (the fetch itself was tiled): what a user could replay.
    svc = config.service(SERVICE)
    source_url = Request(
        url=f"{config.url(SERVICE)}/collections/pand/items",
        params={
            "bbox": ",".join(f"{v:.3f}" for v in area.bounds),
            "bbox-crs": str(svc["crs"]),
            "crs": str(svc["crs"]),
            "f": "json",
        },
    ).describe()
    panden = frames.get("pand")
    if panden is None or panden.empty:
        raise ServiceError(
            "Geen BAG-panden in dit gebied.",
            hint="Controleer het gebied (ligt het in Nederland, op land?) of kies een groter gebied.",
            service=client.service,
            url=source_url,
        )
    notes: list[str] = []
    layers = {"pand": panden}
    vbo = frames.get("verblijfsobject")
    if vbo is not None and not vbo.empty:
        layers["verblijfsobject"] = vbo
    elif "verblijfsobject" in collections:
        notes.append("Geen verblijfsobjecten in dit gebied gevonden; alleen de panden zijn opgeslagen.")
    stale = [c for c in all_chains if c.stale]
    retrieved_at: datetime = min(c.retrieved_at for c in all_chains)
    if stale:
        when = min(c.retrieved_at for c in stale).date().isoformat()
        notes.append(f"Geen netwerk: BAG-gegevens uit de cache van {when} gebruikt.")
    path = write_gpkg_atomic(output_path(config, SERVICE, area, "bag.gpkg"), layers)
    client.report(1.0, f"{client.service}: klaar")
    return Fetched(
        service=SERVICE,
        files=(path,),
        kinds=(None,),
        source_url=source_url,
        retrieved_at=retrieved_at,
        notes=tuple(notes),
        from_cache=all(c.from_cache for c in all_chains),
        counts={name: len(frame) for name, frame in layers.items()},
    )
