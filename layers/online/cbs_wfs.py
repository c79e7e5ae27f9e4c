"""CBS buurten (population, age groups, household size) from the PDOK Wijken en Buurten WFS.

WFS 2.0 GetFeature in GML 3.2 -- the service's default and its most complete output -- with a
bbox in RD New and ``count``/``startIndex`` paging (``numberMatched``/``numberReturned``). Every
page is XML from the network, so it is checked for DOCTYPE/ENTITY declarations
(:func:`layers.sources.check_xml_safe`) before GDAL reads it. The pages are merged, brought to
EPSG:28992 (whatever ``srsName`` the answer carries) and written to one GeoPackage with the
source's column names, which :mod:`layers.cbs` maps to NEIGHBOURHOODS.
"""

from __future__ import annotations

import html
import re
import shutil
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from layers.canonical import LayerKind
from layers.errors import UnsafeInputError
from layers.online.area import Area
from layers.online.base import Fetched, client_for, output_path, write_gpkg_atomic
from layers.online.config import FetchConfig
from layers.online.errors import ServiceError, ServiceLimitError
from layers.online.http import HttpClient, Progress
from layers.online.pages import PageChain, Request, chain_folder, fetch_pages
from layers.sources import check_xml_safe, read_vector

__all__ = ["fetch"]

SERVICE = "cbs"
_HEAD = 8192
_MATCHED = re.compile(rb'numberMatched="(\d+|unknown)"')
_RETURNED = re.compile(rb'numberReturned="(\d+)"')
_EXCEPTION = re.compile(rb"<(?:\w+:)?ExceptionText>(.*?)</(?:\w+:)?ExceptionText>", re.DOTALL)
# A buurt belongs to the area when at least this share of it lies inside: neighbouring buurten
# that only touch a (generalised) gemeente boundary overlap it by slivers of well under 1 %.
_MIN_OVERLAP = 0.01
_END = re.compile(rb"</(?:\w+:)?FeatureCollection>\s*$")


def _check_page(body: bytes, index: int, url: str, client: HttpClient) -> tuple[int | None, int]:
    """(numberMatched or None when unknown, numberReturned) of a page; errors for anything else."""
    head = body[:_HEAD]
    if b"ExceptionReport" in head:
        found = _EXCEPTION.search(body)
        text = " ".join(html.unescape(found.group(1).decode("utf-8", "replace")).split()) if found else ""
        raise ServiceError(
            f"{client.service} gaf een foutmelding: {text or 'onbekende fout'}",
            hint="Controleer de typenaam en het basisadres van de dienst in de instellingen.",
            service=client.service,
            url=url,
        )
    returned = _RETURNED.search(head)
    if b"FeatureCollection" not in head or returned is None or not _END.search(body[-256:]):
        raise ServiceError(
            f"{client.service} gaf een onvolledig of onleesbaar antwoord op pagina {index + 1}.",
            hint="De dienst heeft mogelijk een storing; probeer het later opnieuw. Eerdere pagina's blijven bewaard.",
            service=client.service,
            url=url,
        )
    matched = _MATCHED.search(head)
    total = int(matched.group(1)) if matched and matched.group(1).isdigit() else None
    return total, int(returned.group(1))


def _chain(client: HttpClient, config: FetchConfig, area: Area, *, refresh: bool) -> PageChain:
    svc = config.service(SERVICE)
    url = config.url(SERVICE)
    page = int(svc.get("page_size", 1000))
    minx, miny, maxx, maxy = area.bounds
    params = {
        "service": "WFS",
        "version": "2.0.0",
        "request": "GetFeature",
        "typeNames": str(svc["type_name"]),
        "srsName": "EPSG:28992",
        "bbox": f"{minx:.3f},{miny:.3f},{maxx:.3f},{maxy:.3f},urn:ogc:def:crs:EPSG::28992",
        "count": page,
        "startIndex": 0,
    }
    first = Request(url=url, params=params)

    def next_of(index: int, body: bytes) -> Request | None:
        total, returned = _check_page(body, index, first.describe(), client)
        seen = index * page + returned
        more = (seen < total) if total is not None else returned >= page
        if not more or returned == 0:
            return None
        return Request(url=url, params={**params, "startIndex": seen})

    def progress_of(index: int, body: bytes) -> tuple[float | None, str]:
        total, returned = _check_page(body, index, first.describe(), client)
        seen = index * page + returned
        fraction = 0.8 * seen / total if total else None
        return fraction, f"{client.service}: {seen} buurten ontvangen"

    folder = chain_folder(config.cache_dir, SERVICE, {"url": url, **params})
    return fetch_pages(
        client, folder, first, next_of, expect_json=False, refresh=refresh, progress_of=progress_of
    )


def _read_pages(chain: PageChain, folder: Path) -> list[gpd.GeoDataFrame]:
    """Each non-empty page read by GDAL, after the XML safety check, in EPSG:28992."""
    frames = []
    for i, page in enumerate(chain.pages):
        gml = folder / f"page-{i:05d}.gml"
        shutil.copyfile(page, gml)
        check_xml_safe(gml)
        returned = _RETURNED.search(gml.read_bytes()[:_HEAD])
        if returned is not None and returned.group(1) == b"0":
            continue
        frame = read_vector(gml)
        if frame.crs is None:
            frame = frame.set_crs("EPSG:28992")
        frames.append(frame.to_crs("EPSG:28992"))
    return frames


def fetch(
    area: Area, config: FetchConfig, *, progress: Progress | None = None, refresh: bool = False
) -> Fetched:
    """Fetch the CBS buurten touching ``area`` into one GeoPackage (layer ``buurten``)."""
    client = client_for(config, SERVICE, progress)
    client.report(0.0, f"{client.service}: buurten opvragen")
    chain = _chain(client, config, area, refresh=refresh)
    with tempfile.TemporaryDirectory(prefix="bodnaarplot-cbs-") as tmp:
        try:
            frames = _read_pages(chain, Path(tmp))
        except UnsafeInputError:
            # Never keep (or reuse) a cached answer we refuse to read.
            shutil.rmtree(chain.pages[0].parent, ignore_errors=True)
            raise
    frames = [f for f in frames if not f.empty]
    if not frames:
        raise ServiceError(
            "Geen CBS-buurten in dit gebied.",
            hint="Controleer het gebied (ligt het in Nederland?) of kies een groter gebied.",
            service=client.service,
            url=chain.source_url,
        )
    merged = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:28992")
    geoms = shapely.make_valid(merged.geometry.to_numpy())
    overlap = shapely.area(shapely.intersection(geoms, area.geometry)) / shapely.area(geoms)
    merged = merged[overlap >= _MIN_OVERLAP].reset_index(drop=True)
    if "gml_id" in merged.columns:
        merged = merged.drop_duplicates("gml_id").reset_index(drop=True)
    if len(merged) > config.limits.max_features:
        raise ServiceLimitError(
            f"Dit gebied heeft meer dan {config.limits.max_features} CBS-buurten.",
            hint="Kies een kleiner gebied.",
            service=client.service,
        )
    client.report(0.9, f"{client.service}: GeoPackage schrijven")
    path = write_gpkg_atomic(output_path(config, SERVICE, area, "cbs_buurten.gpkg"), {"buurten": merged})
    notes: list[str] = []
    if chain.stale:
        notes.append(
            f"Geen netwerk: CBS-gegevens uit de cache van {chain.retrieved_at.date().isoformat()} gebruikt."
        )
    client.report(1.0, f"{client.service}: klaar")
    return Fetched(
        service=SERVICE,
        files=(path,),
        kinds=(LayerKind.NEIGHBOURHOODS,),
        source_url=chain.source_url,
        retrieved_at=chain.retrieved_at,
        notes=tuple(notes),
        from_cache=chain.from_cache,
        counts={"buurten": len(merged)},
    )
