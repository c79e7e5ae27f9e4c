"""PDOK CBS Wijken en Buurten (WFS 2.0) stand-in: a real GetFeature GML 3.2 response.

The real answer (128 Delft buurten, 2021, EPSG:3857 as PDOK sent it) is served byte for byte
when one page holds every member the bbox selects; a smaller ``count`` (or a bbox that selects
fewer) gets a document with only those ``wfs:member`` elements and adjusted
``numberMatched``/``numberReturned``/``next``, like MapServer. Errors are OWS ExceptionReports.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from urllib.parse import urlencode
from xml.sax.saxutils import quoteattr

from pyproj import Transformer

from tests.online.fakeserver import FakeRequest, FakeResponse, FakeServer

SOURCE = Path("delft") / "cbs" / "cbs_buurten_2021_gem_huishoudgrootte_wfs.gml"
TYPE_NAME = "wijkenbuurten:buurten"
_MEMBER = re.compile(rb"<wfs:member>.*?</wfs:member>\s*", re.DOTALL)
_CORNERS = re.compile(
    rb"<gml:lowerCorner>([^<]+)</gml:lowerCorner>\s*<gml:upperCorner>([^<]+)</gml:upperCorner>"
)
GML_TYPE = "application/gml+xml; version=3.2"


@functools.lru_cache(maxsize=2)
def real_response(data_dir: Path) -> bytes:
    return (data_dir / SOURCE).read_bytes()


@functools.lru_cache(maxsize=2)
def _members(data_dir: Path) -> tuple[bytes, tuple[tuple[int, int], ...], tuple[tuple[float, ...], ...]]:
    """(raw bytes, (start, end) of every ``wfs:member``, its envelope in EPSG:3857 as in the file).

    The trusted test file is sliced as bytes, so what is served stays the real PDOK text.
    """
    raw = real_response(data_dir)
    spans, envs = [], []
    for m in _MEMBER.finditer(raw):
        c = _CORNERS.search(m.group(0))
        assert c is not None
        lx, ly = (float(v) for v in c.group(1).split())
        ux, uy = (float(v) for v in c.group(2).split())
        spans.append((m.start(), m.end()))
        envs.append((lx, ly, ux, uy))
    return raw, tuple(spans), tuple(envs)


def exception_report(text: str, code: str = "InvalidParameterValue", locator: str = "") -> FakeResponse:
    loc = f' locator="{locator}"' if locator else ""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1" version="2.0.0" xml:lang="en-US">\n'
        f'  <ows:Exception exceptionCode="{code}"{loc}>\n'
        f"    <ows:ExceptionText>{text}</ows:ExceptionText>\n"
        "  </ows:Exception>\n"
        "</ows:ExceptionReport>\n"
    )
    return FakeResponse(body.encode("utf-8"), 400, "text/xml; charset=UTF-8")


def _bbox_3857(value: str) -> tuple[float, float, float, float]:
    parts = value.split(",")
    crs = parts[4] if len(parts) > 4 else "urn:ogc:def:crs:EPSG::28992"
    minx, miny, maxx, maxy = (float(v) for v in parts[:4])
    epsg = int(crs.rsplit(":", 1)[-1].rsplit("/", 1)[-1])
    if epsg == 3857:
        return (minx, miny, maxx, maxy)
    t = Transformer.from_crs(epsg, 3857, always_xy=True)
    xs, ys = t.transform([minx, minx, maxx, maxx], [miny, maxy, miny, maxy])
    return (min(xs), min(ys), max(xs), max(ys))


def install(server: FakeServer, data_dir: Path) -> dict[str, str]:
    base = f"{server.url}/cbs"

    def handle(req: FakeRequest) -> FakeResponse:
        q = {k.lower(): v for k, v in req.query.items()}
        if q.get("request", "").lower() != "getfeature":
            return exception_report(
                f"msWFSDispatch(): Unsupported request: {q.get('request', '')}", "OperationNotSupported"
            )
        if q.get("typenames", q.get("typename")) != TYPE_NAME:
            return exception_report(
                f"msWFSGetFeature(): WFS server error. TYPENAME '{q.get('typenames', '')}' doesn't exist in this server.",
                locator="typename",
            )
        if "json" in q.get("outputformat", "").lower():
            return exception_report(
                "This stand-in serves only GML 3.2 (the WFS default)", locator="outputformat"
            )
        try:
            start = int(q.get("startindex", "0"))
            count = int(q.get("count", "1000"))
            envs = _members(data_dir)[2]
            if "bbox" in q:
                bx0, by0, bx1, by1 = _bbox_3857(q["bbox"])
                chosen = [
                    i
                    for i, (x0, y0, x1, y1) in enumerate(envs)
                    if x0 <= bx1 and x1 >= bx0 and y0 <= by1 and y1 >= by0
                ]
            else:
                chosen = list(range(len(envs)))
        except (ValueError, IndexError):
            return exception_report("Invalid bbox, count or startIndex", locator="bbox")
        page = chosen[start : start + count]
        raw, spans, _ = _members(data_dir)
        if start == 0 and len(page) == len(spans):
            return FakeResponse(raw, 200, GML_TYPE)
        head, tail = raw[: spans[0][0]], raw[spans[-1][1] :]
        attrs = f'numberMatched="{len(chosen)}" numberReturned="{len(page)}"'
        if start + count < len(chosen):
            nxt = f"{base}?{urlencode({**req.query, 'startIndex': str(start + count)})}"
            attrs += f" next={quoteattr(nxt)}"
        head = re.sub(rb'numberMatched="\d+" numberReturned="\d+"', attrs.encode("utf-8"), head, count=1)
        body = head + b"".join(raw[spans[i][0] : spans[i][1]] for i in page) + tail
        return FakeResponse(body, 200, GML_TYPE)

    server.route("GET", r"/cbs/?", handle)
    return {"cbs": base}
