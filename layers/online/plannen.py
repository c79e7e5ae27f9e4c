"""Bestemmingsplannen from the Ruimtelijke Plannen Opvragen API v4 → a zoning GeoPackage.

The plans intersecting the area are found with ``POST /plannen/_zoek`` (geometry in RD), the
ones with rules in force are kept, and per plan the bestemmingsvlakken (enkel- and
dubbelbestemmingen) and maatvoeringen are fetched with their geometry. Everything is paged
via HAL ``_links.next`` through checkpointed chains, so an interrupted fetch resumes.

The API key travels only in the client's session headers (``x-api-key``): requests are
checkpointed to disk and must never hold it, and it never appears in messages.

Since 1 January 2024 these plans are the *tijdelijk deel* of the municipality's omgevingsplan;
parts already replaced in the *nieuwe deel* are not in this API. Every result says so.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import mapping, shape

from layers.bestemmingsplan import parse_maatvoering
from layers.canonical import LayerKind
from layers.online.area import Area
from layers.online.base import Fetched, output_path, write_gpkg_atomic
from layers.online.config import FetchConfig
from layers.online.errors import FetchError, ServiceError, ServiceLimitError
from layers.online.http import HttpClient, Progress
from layers.online.pages import PageChain, Request, chain_folder, fetch_pages

__all__ = ["OMGEVINGSPLAN_NOTE", "fetch"]

SERVICE = "plannen"
RP_KEY_ENV = "BODNAARPLOT_RP_API_KEY"
OMGEVINGSPLAN_NOTE = (
    "Let op: sinds 1 januari 2024 zijn deze bestemmingsplannen het 'tijdelijk deel' van het "
    "omgevingsplan van de gemeente. Waar de gemeente regels al heeft vervangen in het nieuwe deel "
    "van het omgevingsplan, gelden die regels en staan ze niet in deze laag: controleer de locatie "
    "altijd in het Omgevingsloket (omgevingswet.overheid.nl, DSO)."
)
_LAYER = "bestemmingsplannen"


def _missing_key(config: FetchConfig) -> FetchError:
    where = str(config.service(SERVICE).get("key_url", "het DSO-ontwikkelaarsportaal"))
    return FetchError(
        "Voor bestemmingsplannen is een API-sleutel van het DSO nodig (Ruimtelijke Plannen API).",
        hint=f"Vraag gratis een sleutel aan via het DSO-ontwikkelaarsportaal ({where}) en vul die in bij "
        f"Instellingen in de app, of zet de omgevingsvariabele {RP_KEY_ENV}.",
        service=str(config.service(SERVICE).get("name", SERVICE)),
    )


def _client(config: FetchConfig, key: str, progress: Progress | None) -> HttpClient:
    svc = config.service(SERVICE)
    crs = str(svc.get("crs", "epsg:28992"))
    headers = {"x-api-key": key, "Content-Crs": crs, "Accept-Crs": crs, "Accept": "application/hal+json"}
    return HttpClient(config.http, service=str(svc.get("name", SERVICE)), progress=progress, headers=headers)


def _body(body: bytes) -> Mapping[str, Any]:
    data = json.loads(body)
    return data if isinstance(data, Mapping) else {}


def _next_href(body: bytes) -> str | None:
    nxt = (_body(body).get("_links") or {}).get("next")
    href = nxt.get("href") if isinstance(nxt, Mapping) else None
    return str(href) if href else None


def _embedded(chain: PageChain, name: str) -> list[Mapping[str, Any]]:
    out: list[Mapping[str, Any]] = []
    for i in range(len(chain.pages)):
        items = (chain.read_json(i).get("_embedded") or {}).get(name) or []
        out.extend(item for item in items if isinstance(item, Mapping))
    return out


def _chain(
    client: HttpClient,
    config: FetchConfig,
    first: Request,
    key: Mapping[str, Any],
    refresh: bool,
) -> PageChain:
    def next_of(_index: int, body: bytes) -> Request | None:
        href = _next_href(body)
        if href is None:
            return None
        return Request(url=href, method=first.method, json_body=first.json_body)

    folder = chain_folder(config.cache_dir, SERVICE, {"url": first.url, **key})
    return fetch_pages(client, folder, first, next_of, refresh=refresh, max_age_s=7 * 24 * 3600)


def _in_force(plan: Mapping[str, Any], keep: frozenset[str], today: date) -> str | None:
    """None if the plan's rules are in force, else the Dutch reason it is skipped."""
    if plan.get("isHistorisch"):
        return "historisch"
    status = str(plan.get("regelStatus") or "").lower()
    if status not in keep:
        return status or "onbekende status"
    end = plan.get("eindeRechtsgeldigheid")
    if end:
        try:
            if date.fromisoformat(str(end)[:10]) < today:
                return "verlopen"
        except ValueError:
            pass
    return None


def _planstatus(plan: Mapping[str, Any]) -> str | None:
    info = plan.get("planstatusInfo")
    if isinstance(info, Mapping) and info.get("planstatus"):
        return str(info["planstatus"]).lower()
    return None


def _omvang(item: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """(waarden, typen) of a maatvoering: the API's ``omvang`` [{naam, waarde}]."""
    values: list[str] = []
    types: list[str] = []
    for o in item.get("omvang") or []:
        if isinstance(o, Mapping) and o.get("naam") is not None and o.get("waarde") is not None:
            types.append(str(o["naam"]))
            values.append(str(o["waarde"]))
    return values, types


def _geometry(item: Mapping[str, Any]) -> shapely.Geometry | None:
    geo = item.get("geometrie")
    if not isinstance(geo, Mapping) or not geo.get("type"):
        return None
    try:
        geom = shape(geo)
    except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException):
        return None
    return None if geom.is_empty else geom


def _rows(
    plan: Mapping[str, Any], vlakken: list[Mapping[str, Any]], maten: list[Mapping[str, Any]], area: Area
) -> pd.DataFrame:
    base = {
        "plan_id": str(plan.get("id")),
        "plan_name": plan.get("naam"),
        "plan_status": _planstatus(plan),
        "plan_type": plan.get("planType"),
        "regel_status": plan.get("regelStatus"),
    }
    rows: list[dict[str, Any]] = []
    for v in vlakken:
        geom = _geometry(v)
        if geom is None or not area.geometry.intersects(geom):
            continue
        ftype = str(v.get("type") or "enkelbestemming").lower()
        hoofdgroep = v.get("bestemmingshoofdgroep")
        rows.append(
            {
                **base,
                "object_id": v.get("id"),
                "feature_type": ftype,
                "naam": v.get("naam"),
                "bestemmingshoofdgroep": str(hoofdgroep).strip().lower() if hoofdgroep else None,
                "artikelnummer": v.get("artikelnummer"),
                "_waarde": [],
                "_type": [],
                "geometry": geom,
            }
        )
    for m in maten:
        geom = _geometry(m)
        if geom is None or not area.geometry.intersects(geom):
            continue
        values, types = _omvang(m)
        rows.append(
            {
                **base,
                "object_id": m.get("id"),
                "feature_type": "maatvoering",
                "naam": m.get("naam"),
                "bestemmingshoofdgroep": None,
                "artikelnummer": None,
                "_waarde": values,
                "_type": types,
                "geometry": geom,
            }
        )
    return pd.DataFrame(rows)


def _frame(parts: list[pd.DataFrame]) -> gpd.GeoDataFrame:
    df = pd.concat(parts, ignore_index=True)
    mv = parse_maatvoering(df["_waarde"], df["_type"])
    df = df.drop(columns=["_waarde", "_type"]).join(mv)
    for col in (
        "plan_id",
        "plan_name",
        "plan_status",
        "plan_type",
        "regel_status",
        "object_id",
        "feature_type",
        "naam",
        "bestemmingshoofdgroep",
        "artikelnummer",
        "maatvoering",
    ):
        df[col] = df[col].astype("string")
    return gpd.GeoDataFrame(df, geometry="geometry", crs="EPSG:28992")


def fetch(
    area: Area, config: FetchConfig, *, progress: Progress | None = None, refresh: bool = False
) -> Fetched:
    """The bestemmingsvlakken and maatvoeringen in force in ``area``, as one zoning GeoPackage."""
    key = config.api_keys.get(SERVICE)
    if not key:
        raise _missing_key(config)
    svc = config.service(SERVICE)
    client = _client(config, key, progress)
    url = config.url(SERVICE)
    page_size = int(svc.get("page_size", 100))
    plan_types = [str(t) for t in svc.get("plan_types", ["bestemmingsplan"])]
    keep = frozenset(str(s).lower() for s in svc.get("keep_regel_status", ["geldend", "vigerend"]))
    geom = shapely.simplify(area.geometry, float(svc.get("simplify_m", 10.0)), preserve_topology=True)
    geojson = json.loads(json.dumps(mapping(shapely.set_precision(geom, 0.01))))
    search = Request(
        url=f"{url}/plannen/_zoek",
        method="POST",
        params={"planType": plan_types, "pageSize": page_size, "page": 1},
        json_body={"_geo": {"intersects": geojson}},
    )
    client.report(0.0, "Bestemmingsplannen: plannen in het gebied zoeken")
    try:
        chain = _chain(client, config, search, {"search": search.json_body, "types": plan_types}, refresh)
        plans = _embedded(chain, "plannen")
    except (ValueError, AttributeError) as exc:
        raise _malformed(client, url, exc) from exc
    today = date.today()
    skipped: dict[str, int] = {}
    kept: list[Mapping[str, Any]] = []
    for plan in plans:
        reason = _in_force(plan, keep, today)
        if reason is None and plan.get("id"):
            kept.append(plan)
        else:
            skipped[reason or "zonder id"] = skipped.get(reason or "zonder id", 0) + 1
    notes: list[str] = []
    if chain.stale:
        notes.append(
            f"Geen netwerk: bestemmingsplannen uit de cache van {chain.retrieved_at:%Y-%m-%d} gebruikt."
        )
    if skipped:
        detail = ", ".join(f"{n} {reason}" for reason, n in sorted(skipped.items()))
        notes.append(
            f"{sum(skipped.values())} plannen niet meegenomen omdat ze niet (meer) gelden ({detail})."
        )
    parts: list[pd.DataFrame] = []
    from_cache = chain.from_cache
    total = 0
    for i, plan in enumerate(kept):
        pid = str(plan["id"])
        client.report(
            0.1 + 0.8 * i / max(1, len(kept)), f"Bestemmingsplannen: {plan.get('naam') or pid} ophalen"
        )
        lists: dict[str, list[Mapping[str, Any]]] = {}
        for what in ("bestemmingsvlakken", "maatvoeringen"):
            first = Request(
                url=f"{url}/plannen/{pid}/{what}",
                params={"expand": "geometrie", "pageSize": page_size, "page": 1},
            )
            try:
                sub = _chain(client, config, first, {"plan": pid, "what": what}, refresh)
                lists[what] = _embedded(sub, what)
            except (ValueError, AttributeError) as exc:
                raise _malformed(client, url, exc) from exc
            from_cache = from_cache and sub.from_cache
            total += len(lists[what])
            if total > config.limits.max_features:
                raise ServiceLimitError(
                    f"De bestemmingsplannen in dit gebied hebben meer dan {config.limits.max_features} objecten.",
                    hint="Kies een kleiner gebied.",
                    service=client.service,
                )
        rows = _rows(plan, lists["bestemmingsvlakken"], lists["maatvoeringen"], area)
        if not rows.empty:
            parts.append(rows)
    notes.append(OMGEVINGSPLAN_NOTE)
    source_url = (
        search.url
        + "?"
        + "&".join([f"planType={t}" for t in plan_types] + [f"pageSize={page_size}", "page=1"])
    )
    if not parts:
        notes.insert(0, "Geen bestemmingsplannen gevonden in dit gebied.")
        client.report(1.0, "Bestemmingsplannen: geen plannen in dit gebied")
        return Fetched(
            service=SERVICE,
            files=(),
            kinds=(),
            source_url=source_url,
            retrieved_at=chain.retrieved_at,
            notes=tuple(notes),
            from_cache=from_cache,
            counts={"plannen": 0, "objecten": 0},
        )
    frame = _frame(parts)
    client.report(0.95, "Bestemmingsplannen: GeoPackage schrijven")
    dest = write_gpkg_atomic(output_path(config, SERVICE, area, "bestemmingsplannen.gpkg"), {_LAYER: frame})
    counts = {"plannen": int(frame["plan_id"].nunique()), "objecten": len(frame)}
    for ftype, n in frame["feature_type"].value_counts().sort_index().items():
        counts[str(ftype)] = int(n)
    client.report(1.0, "Bestemmingsplannen: klaar")
    return Fetched(
        service=SERVICE,
        files=(dest,),
        kinds=(LayerKind.ZONING,),
        source_url=source_url,
        retrieved_at=chain.retrieved_at,
        notes=tuple(notes),
        from_cache=from_cache,
        counts=counts,
    )


def _malformed(client: HttpClient, url: str, exc: Exception) -> ServiceError:
    return ServiceError(
        f"{client.service} gaf een antwoord dat we niet begrijpen ({type(exc).__name__}).",
        hint="De API is mogelijk gewijzigd of heeft een storing; probeer het later opnieuw.",
        service=client.service,
        url=url,
    )
