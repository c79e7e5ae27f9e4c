"""PDOK BAG OGC API Features v2 stand-in, from real BAG data.

``pand`` comes from the real TU-campus extract (LV-BAG columns mapped to the OGC API v2 pand
schema: bare identificatie, ``bouwjaar``, one feature per pand); ``verblijfsobject`` from the
real Doesburg LV BAG XML (read with GDAL's LVBAG driver, current voorkomens joined to their
hoofdadres). So a Delft bbox honestly has no verblijfsobjecten and a Doesburg bbox has some.
Paging uses an offset ``cursor`` in the ``rel=next`` link, like the real API's opaque cursor.
"""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import Transformer

from tests.online.fakeserver import FakeRequest, FakeResponse, FakeServer

PANDEN = Path("delft") / "bag" / "tudcampus_bag_panden.geojson"
LVBAG = Path("doesburg") / "bag_lvbag_xml" / "small_extract"
RD = "http://www.opengis.net/def/crs/EPSG/0/28992"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
MAX_LIMIT = 1000


def _bare(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return str(value).rsplit(".", 1)[-1]


def _text(value: Any) -> Any:
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


@functools.lru_cache(maxsize=4)
def panden(data_dir: Path) -> tuple[list[dict[str, Any]], np.ndarray]:
    """(properties per pand, RD geometries): current voorkomens, parts merged per pand."""
    frame = pyogrio.read_dataframe(data_dir / PANDEN)
    # The Doesburg extract's panden too (LV BAG names), so its verblijfsobjecten have a pand.
    lv = pyogrio.read_dataframe(next((data_dir / LVBAG).glob("*PND*.xml")))
    lv = lv[lv["eindGeldigheid"].isna() & lv["tijdstipInactief"].isna()]
    lv = lv.rename(columns={c: c.lower() for c in lv.columns if c != "geometry"})
    frame = pd.concat([frame[frame["eindgeldigheid"].isna()], lv], ignore_index=True)
    props: list[dict[str, Any]] = []
    geoms = []
    for ident, group in frame.groupby("identificatie", sort=True):
        row = group.iloc[0]
        props.append(
            {
                "identificatie": _bare(ident),
                "bouwjaar": _text(row["oorspronkelijkbouwjaar"]),
                "status": row["status"],
                "gebruiksdoel": None,
                "documentdatum": _text(row["documentdatum"]),
                "documentnummer": row["documentnummer"],
                "geconstateerd": bool(row["geconstateerd"]),
            }
        )
        geoms.append(shapely.union_all(group.geometry.to_numpy()))
    return props, np.array(geoms, dtype=object)


@functools.lru_cache(maxsize=4)
def verblijfsobjecten(data_dir: Path) -> tuple[list[dict[str, Any]], np.ndarray]:
    """(properties per verblijfsobject, RD points): current voorkomens with their hoofdadres."""
    folder = data_dir / LVBAG
    vbo = pyogrio.read_dataframe(next(folder.glob("*VBO*.xml")))
    num = pyogrio.read_dataframe(next(folder.glob("*NUM*.xml")), read_geometry=False)
    vbo = vbo[vbo["eindGeldigheid"].isna() & vbo["tijdstipInactief"].isna()]
    vbo = vbo.sort_values("voorkomenIdentificatie").drop_duplicates("identificatie", keep="last")
    num = num[num["eindGeldigheid"].isna()].drop_duplicates("identificatie", keep="last")
    adres = num.set_index("identificatie")
    props: list[dict[str, Any]] = []
    for _, row in vbo.sort_values("identificatie").iterrows():
        ref = row["hoofdadresNummeraanduidingRef"]
        a = adres.loc[ref] if ref in adres.index else None
        pand_refs = row["pandRef"] if row["pandRef"] is not None else []
        props.append(
            {
                "identificatie": _bare(row["identificatie"]),
                "pand_identificatie": ",".join(_bare(p) or "" for p in pand_refs),
                "gebruiksdoel": ",".join(row["gebruiksdoel"] if row["gebruiksdoel"] is not None else []),
                "oppervlakte": _text(row["oppervlakte"]),
                "status": row["status"],
                "postcode": None if a is None else _text(a["postcode"]),
                "huisnummer": None if a is None else _text(a["huisnummer"]),
                "huisletter": None if a is None else _text(a["huisletter"]),
                "toevoeging": None if a is None else _text(a["huisnummerToevoeging"]),
            }
        )
    return props, vbo.sort_values("identificatie").geometry.to_numpy()


@functools.lru_cache(maxsize=2)
def _transformer(src: int, dst: int) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def _to(geoms: Any, src: int, dst: int) -> Any:
    t = _transformer(src, dst)
    return shapely.transform(geoms, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))


def _problem(status: int, detail: str) -> FakeResponse:
    return FakeResponse.of_json(
        {"type": "about:blank", "title": "Bad Request", "status": status, "detail": detail},
        status,
        "application/problem+json",
    )


def install(server: FakeServer, data_dir: Path) -> dict[str, str]:
    base = f"{server.url}/bag"
    sources = {"pand": panden, "verblijfsobject": verblijfsobjecten}

    def landing(req: FakeRequest) -> FakeResponse:
        return FakeResponse.of_json(
            {
                "title": "BAG OGC API (test)",
                "links": [
                    {"rel": "self", "href": base, "type": "application/json"},
                    {"rel": "data", "href": f"{base}/collections", "type": "application/json"},
                ],
            }
        )

    def collections(req: FakeRequest) -> FakeResponse:
        cols = [
            {
                "id": name,
                "title": name.capitalize(),
                "crs": [RD, CRS84],
                "storageCrs": RD,
                "links": [
                    {
                        "rel": "items",
                        "href": f"{base}/collections/{name}/items",
                        "type": "application/geo+json",
                    }
                ],
            }
            for name in sources
        ]
        return FakeResponse.of_json(
            {"collections": cols, "links": [{"rel": "self", "href": f"{base}/collections"}]}
        )

    def items(req: FakeRequest) -> FakeResponse:
        assert req.match is not None
        name = req.match.group(1)
        if name not in sources:
            return FakeResponse.of_json(
                {"title": "Not Found", "status": 404}, 404, "application/problem+json"
            )
        props, geoms = sources[name](data_dir)
        q = req.query
        crs = q.get("crs", CRS84)
        bbox_crs = q.get("bbox-crs", CRS84)
        if crs not in (RD, CRS84) or bbox_crs not in (RD, CRS84):
            return _problem(400, "unsupported crs")
        try:
            limit = min(MAX_LIMIT, int(q.get("limit", "10")))
            offset = int(q.get("cursor", "0"))
        except ValueError:
            return _problem(400, "limit and cursor must be integers")
        selected = np.arange(len(props))
        if "bbox" in q:
            try:
                minx, miny, maxx, maxy = (float(v) for v in q["bbox"].split(","))
            except ValueError:
                return _problem(400, "bbox must be four numbers")
            area = shapely.box(minx, miny, maxx, maxy)
            if bbox_crs == CRS84:
                area = _to(area, 4326, 28992)
            selected = selected[shapely.intersects(geoms, area)] if len(geoms) else selected
        page = selected[offset : offset + limit]
        out_geoms = geoms[page] if len(page) else np.array([], dtype=object)
        if crs == CRS84 and len(page):
            out_geoms = _to(out_geoms, 28992, 4326)
        features = [
            {
                "type": "Feature",
                "id": props[i]["identificatie"],
                "properties": props[i],
                "geometry": json.loads(shapely.to_geojson(g)),
            }
            for i, g in zip(page, out_geoms, strict=True)
        ]
        query = {k: v for k, v in q.items() if k != "cursor"}
        self_url = f"{base}/collections/{name}/items?{urlencode(q)}"
        links = [{"rel": "self", "href": self_url, "type": "application/geo+json"}]
        if offset + limit < len(selected):
            nxt = urlencode({**query, "cursor": str(offset + limit)})
            links.append(
                {
                    "rel": "next",
                    "href": f"{base}/collections/{name}/items?{nxt}",
                    "type": "application/geo+json",
                }
            )
        body = {
            "type": "FeatureCollection",
            "timeStamp": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "links": links,
            "features": features,
            "numberReturned": len(features),
        }
        resp = FakeResponse.of_json(body, content_type="application/geo+json")
        resp.headers["Content-Crs"] = f"<{crs}>"
        return resp

    server.route("GET", r"/bag/?", landing)
    server.route("GET", r"/bag/collections/?", collections)
    server.route("GET", r"/bag/collections/([a-z_]+)/items", items)
    return {"bag": base}
