"""PDOK CBS Gebiedsindelingen (WFS 2.0) stand-in: the gemeente Delft, from the real buurten.

The boundary is the union of the real 2023 Delft buurten (EPSG:28992), served as WFS
GetFeature GeoJSON with ``count``/``startIndex`` paging like MapServer does; other requests
get a 400 ExceptionReport.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pyogrio
import shapely

from tests.online.fakeserver import FakeRequest, FakeResponse, FakeServer

SOURCE = Path("delft") / "cbs" / "delft_buurten_2023.geojson"
TYPE_NAME = "gebiedsindelingen:gemeente_gegeneraliseerd"


@functools.lru_cache(maxsize=4)
def gemeente_features(data_dir: Path) -> tuple[dict[str, Any], ...]:
    """The gemeente features (GeoJSON dicts, RD New) built from the real buurten."""
    frame = pyogrio.read_dataframe(data_dir / SOURCE)
    delft = shapely.make_valid(shapely.union_all(frame.geometry.to_numpy()))
    geometry = json.loads(shapely.to_geojson(delft))
    return (
        {
            "type": "Feature",
            "id": "gemeente_gegeneraliseerd.503",
            "geometry": geometry,
            "properties": {"id": 503, "statcode": "GM0503", "statnaam": "Delft", "jaarcode": 2024},
        },
    )


def _exception(text: str, code: str = "InvalidParameterValue") -> FakeResponse:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1" version="2.0.0">\n'
        f'  <ows:Exception exceptionCode="{code}"><ows:ExceptionText>{text}</ows:ExceptionText></ows:Exception>\n'
        "</ows:ExceptionReport>\n"
    )
    return FakeResponse(body.encode("utf-8"), 400, "text/xml; charset=UTF-8")


def install(server: FakeServer, data_dir: Path) -> dict[str, str]:
    def handle(req: FakeRequest) -> FakeResponse:
        q = {k.lower(): v for k, v in req.query.items()}
        request = q.get("request", "").lower()
        if request == "getcapabilities":
            caps = (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<wfs:WFS_Capabilities xmlns:wfs="http://www.opengis.net/wfs/2.0" version="2.0.0">'
                f"<wfs:FeatureTypeList><wfs:FeatureType><wfs:Name>{TYPE_NAME}</wfs:Name>"
                "<wfs:DefaultCRS>urn:ogc:def:crs:EPSG::28992</wfs:DefaultCRS>"
                "</wfs:FeatureType></wfs:FeatureTypeList></wfs:WFS_Capabilities>"
            )
            return FakeResponse(caps.encode("utf-8"), 200, "text/xml; charset=UTF-8")
        if request != "getfeature":
            return _exception(
                f"msWFSDispatch(): Unsupported request: {q.get('request', '')}", "OperationNotSupported"
            )
        if q.get("typenames", q.get("typename")) != TYPE_NAME:
            return _exception("msWFSGetFeature(): Invalid typename")
        if q.get("outputformat", "").lower() not in ("application/json", "json", "geojson"):
            return _exception("Only application/json is served by this test stand-in")
        features = gemeente_features(data_dir)
        start = int(q.get("startindex", "0") or 0)
        count = int(q.get("count", "1000") or 1000)
        page = list(features[start : start + count])
        body = {
            "type": "FeatureCollection",
            "name": "gemeente_gegeneraliseerd",
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
            "numberMatched": len(features),
            "numberReturned": len(page),
            "features": page,
        }
        return FakeResponse.of_json(body, content_type="application/json; subtype=geojson")

    server.route("GET", r"/gebieden/?", handle)
    return {"gebieden": f"{server.url}/gebieden"}
