"""A stand-in for the Ruimtelijke Plannen Opvragen API v4, built from the real IMRO GML plans.

Routes (base ``/plannen``, like the API's ``.../opvragen/v4``):

* ``POST /plannen/plannen/_zoek?planType=...&pageSize=&page=`` body ``{"_geo": {"intersects": geojson}}``
  → the plans whose Bestemmingsplangebied intersects the geometry (RD), HAL JSON.
* ``GET /plannen/plannen/{id}/bestemmingsvlakken?expand=geometrie&pageSize=&page=`` → Enkel- and
  Dubbelbestemming objects.
* ``GET /plannen/plannen/{id}/maatvoeringen?expand=geometrie`` → Maatvoering with ``omvang``.

Every request needs header ``x-api-key: test-key-123`` (else 401 like the real API). The GML
files in the shared folder are read with pyogrio without writing sidecars (WRITE_GFS=NO).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pandas as pd
import pyogrio
import shapely
from shapely.geometry import mapping, shape

from tests.online.fakeserver import FakeRequest, FakeResponse, FakeServer

API_KEY = "test-key-123"
FOLDER = Path("imro_bestemmingsplannen")
_OPTS = {"WRITE_GFS": "NO", "GML_ATTRIBUTES_TO_OGR_FIELDS": "YES", "DOWNLOAD_SCHEMA": "NO"}
# IMRO planstatus → the API's regelStatus
_REGEL_STATUS = {
    "vastgesteld": "geldend",
    "onherroepelijk": "geldend",
    "geconsolideerd": "geldend",
    "ontwerp": "ontwerp",
    "voorontwerp": "voorontwerp",
}


@dataclass(frozen=True)
class _Plan:
    meta: dict[str, Any]
    gebied: shapely.Geometry
    vlakken: list[dict[str, Any]]
    maten: list[dict[str, Any]]


def _scalar(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return [_scalar(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    if value is None or (not isinstance(value, list | str) and pd.isna(value)):
        return None
    if hasattr(value, "date") and not isinstance(value, str):
        return str(value.date())
    return value


def _list(value: Any) -> list[Any]:
    v = _scalar(value)
    return v if isinstance(v, list) else ([] if v is None else [v])


def _layer(path: Path, name: str) -> Any:
    names = [n for n, _ in pyogrio.list_layers(path)]
    if name not in names:
        return None
    return pyogrio.read_dataframe(path, layer=name, **_OPTS)


@lru_cache(maxsize=2)
def _plans(folder: Path) -> tuple[_Plan, ...]:
    out: list[_Plan] = []
    for path in sorted(folder.glob("*.gml")):
        gebied = _layer(path, "Bestemmingsplangebied")
        if gebied is None or not len(gebied):
            continue
        row = gebied.iloc[0]
        gml_id = str(row["gml_id"])
        pid = (
            gml_id
            if gml_id.startswith("NL.IMRO.")
            else f"{row['namespace']}.{row['lokaalID']}-{row['versie']}"
        )
        status = str(_scalar(row.get("planstatus")) or "").lower()
        meta = {
            "id": pid,
            "type": "plan",
            "naam": _scalar(row.get("naam")),
            "planType": _scalar(row.get("typePlan")),
            "planstatusInfo": {"planstatus": status, "datum": _scalar(row.get("datum"))},
            "regelStatus": _REGEL_STATUS.get(status, status),
            "isHistorisch": False,
            "dossier": {
                "id": str(row["lokaalID"]),
                "status": "in voorbereiding" if status == "ontwerp" else "geheel onherroepelijk in werking",
            },
            "beleidsmatigVerantwoordelijkeOverheid": {
                "type": _scalar(row.get("beleidsmatigVerantwoordelijkeOverheid")),
                "code": _scalar(row.get("overheidsCode")),
                "naam": _scalar(row.get("naamOverheid")),
            },
        }
        vlakken: list[dict[str, Any]] = []
        for layer, kind in (("Enkelbestemming", "enkelbestemming"), ("Dubbelbestemming", "dubbelbestemming")):
            df = _layer(path, layer)
            if df is None:
                continue
            for _, r in df.iterrows():
                vlakken.append(
                    {
                        "id": str(r["gml_id"]),
                        "type": kind,
                        "naam": _scalar(r.get("naam")),
                        "bestemmingshoofdgroep": _scalar(r.get("bestemmingshoofdgroep")),
                        "artikelnummer": _scalar(r.get("artikelnummer")),
                        "geometrie": mapping(r.geometry),
                    }
                )
        maten: list[dict[str, Any]] = []
        df = _layer(path, "Maatvoering")
        if df is not None:
            for _, r in df.iterrows():
                values, types = _list(r.get("waarde")), _list(r.get("waardeType"))
                maten.append(
                    {
                        "id": str(r["gml_id"]),
                        "naam": _scalar(r.get("naam")),
                        "omvang": [
                            {"naam": str(t), "waarde": str(v)} for v, t in zip(values, types, strict=False)
                        ],
                        "geometrie": mapping(r.geometry),
                    }
                )
        out.append(_Plan(meta, shapely.union_all(gebied.geometry.array), vlakken, maten))
    return tuple(out)


def _page(req: FakeRequest, items: list[dict[str, Any]], name: str, base: str) -> FakeResponse:
    size = max(1, min(100, int(req.query.get("pageSize") or 20)))
    page = max(1, int(req.query.get("page") or 1))
    total_pages = max(1, math.ceil(len(items) / size))
    chunk = items[(page - 1) * size : page * size]
    query = {k: v for k, v in (req.query_all or {}).items() if k not in ("page", "pageSize")}

    def href(p: int) -> str:
        return f"{base}{req.path}?{urlencode({**query, 'pageSize': size, 'page': p}, doseq=True)}"

    links: dict[str, Any] = {"self": {"href": href(page)}}
    if page < total_pages:
        links["next"] = {"href": href(page + 1)}
    if page > 1:
        links["prev"] = {"href": href(page - 1)}
    body = {
        "_embedded": {name: chunk},
        "_links": links,
        "page": {"size": size, "totalElements": len(items), "totalPages": total_pages, "number": page},
    }
    return FakeResponse.of_json(body, content_type="application/hal+json")


def _unauthorized() -> FakeResponse:
    return FakeResponse.of_json(
        {"title": "Niet geautoriseerd", "status": 401, "detail": "Ongeldige of ontbrekende API-key."}, 401
    )


def install(server: FakeServer, data_dir: Path) -> dict[str, str]:
    folder = Path(data_dir) / FOLDER

    def authorised(req: FakeRequest) -> bool:
        return req.header("x-api-key") == API_KEY

    def zoek(req: FakeRequest) -> FakeResponse:
        if not authorised(req):
            return _unauthorized()
        try:
            geo = shape(req.json()["_geo"]["intersects"])
        except (KeyError, TypeError, ValueError, AttributeError):
            return FakeResponse.of_json(
                {"title": "Bad Request", "status": 400, "detail": "_geo ontbreekt"}, 400
            )
        types = set(req.query_all.get("planType") or [])
        hits = [
            p.meta
            for p in _plans(folder)
            if p.gebied.intersects(geo) and (not types or p.meta.get("planType") in types)
        ]
        return _page(req, hits, "plannen", server.url)

    def objects(name: str) -> Any:
        def handler(req: FakeRequest) -> FakeResponse:
            if not authorised(req):
                return _unauthorized()
            assert req.match is not None
            pid = req.match.group(1)
            plan = next((p for p in _plans(folder) if p.meta["id"] == pid), None)
            if plan is None:
                return FakeResponse.of_json({"title": "Not Found", "status": 404, "detail": pid}, 404)
            items = plan.vlakken if name == "bestemmingsvlakken" else plan.maten
            if req.query.get("expand") != "geometrie":
                items = [{k: v for k, v in it.items() if k != "geometrie"} for it in items]
            return _page(req, items, name, server.url)

        return handler

    server.route("POST", r"/plannen/plannen/_zoek", zoek)
    server.route("GET", r"/plannen/plannen/([^/]+)/bestemmingsvlakken", objects("bestemmingsvlakken"))
    server.route("GET", r"/plannen/plannen/([^/]+)/maatvoeringen", objects("maatvoeringen"))
    return {"plannen": f"{server.url}/plannen"}
