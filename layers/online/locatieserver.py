"""PDOK Locatieserver: find an address, street, postcode or place by typing it (the app's search).

One GET on the ``free`` endpoint (v3.1) through the fetchers' :class:`HttpClient` (timeouts,
retries, Dutch errors; no connection is an :class:`OfflineError`). Only the fields we show are
asked for (``fl``): the display name, the type and the centroid in RD (``centroide_rd``, WKT).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from layers.online.config import FetchConfig, load_config
from layers.online.errors import ServiceError
from layers.online.http import HttpClient, Progress

__all__ = ["LocatieserverHit", "parse_free_response", "search_locatieserver"]

_POINT = re.compile(r"POINT\s*\(\s*(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s*\)", re.IGNORECASE)


@dataclass(frozen=True)
class LocatieserverHit:
    label: str  # weergavenaam, e.g. "Julianalaan 134, 2628BL Delft"
    type: str  # adres, weg, postcode, woonplaats, gemeente, ...
    x: float  # RD
    y: float


def parse_free_response(body: Any, service: str = "PDOK Locatieserver") -> list[LocatieserverHit]:
    """The hits of a ``free`` answer; documents without a usable RD centroid are skipped."""
    try:
        docs = body["response"]["docs"]
    except (KeyError, TypeError) as exc:
        raise ServiceError(
            f"{service} gaf een antwoord zonder zoekresultaten (geen 'response.docs').",
            hint="De dienst heeft mogelijk een storing; probeer het later opnieuw.",
            service=service,
        ) from exc
    hits = []
    for doc in docs if isinstance(docs, list) else []:
        if not isinstance(doc, dict):
            continue
        match = _POINT.search(str(doc.get("centroide_rd") or ""))
        label = str(doc.get("weergavenaam") or "").strip()
        if match is None or not label:
            continue
        hits.append(LocatieserverHit(label, str(doc.get("type") or ""), float(match[1]), float(match[2])))
    return hits


def search_locatieserver(
    query: str,
    config: FetchConfig | None = None,
    *,
    rows: int | None = None,
    progress: Progress | None = None,
) -> list[LocatieserverHit]:
    """Search PDOK's Locatieserver for ``query`` (an address, street, postcode or place)."""
    cfg = config or load_config()
    spec = cfg.service("locatieserver")
    name = str(spec.get("name", "PDOK Locatieserver"))
    text = query.strip()
    if not text:
        return []
    types = [str(t) for t in spec.get("types", ["adres"])]
    params = {
        "q": text,
        "rows": int(rows or spec.get("rows", 10)),
        "fl": "id,weergavenaam,type,centroide_rd",
        "fq": "type:(" + " OR ".join(types) + ")",
    }
    client = HttpClient(cfg.http, service=name, progress=progress)
    body = client.json("GET", f"{cfg.url('locatieserver')}/free", params=params)
    return parse_free_response(body, name)
