"""A stand-in for the Overpass API interpreter, answering from the real Delft OSM extract.

``POST /overpass/api/interpreter`` with form field ``data=<Overpass QL>`` (GET ``?data=`` too).
The query's global ``[bbox:s,w,n,e]`` selects the objects; its statements' first tag keys
(``node["amenity"...]``, ``way["highway"...]``, ``nwr[...]``) are a simple key filter per
element type. Like ``(._;>;); out body;`` the answer holds the matching nodes in the box, the
matching ways with a node in the box and the matching relations with a member in the box, plus
every way of those relations and every node of those ways (tagged or not), as OSM XML with the
``<note>`` and ``<meta osm_base=...>`` of the real server. A query it cannot read gets a 400
with an Overpass-style error page.

``state(server).remark_next = "runtime error: ..."`` makes the next answer end with that
``<remark>`` after a partial result, as the real server does when a query times out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from xml.sax.saxutils import quoteattr

import osmium

from tests.online.fakeserver import FakeRequest, FakeResponse, FakeServer

PBF = Path("delft") / "osm" / "tudelft_2025.osm.pbf"
OSM_BASE = "2025-06-01T00:00:00Z"
_BBOX_RE = re.compile(r"\[bbox:\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)\s*\]")
_STMT_RE = re.compile(r"^\s*(node|way|relation|nwr)\s*\[\s*\"((?:[^\"\\]|\\.)+)\"", re.MULTILINE)
_ELEMENTS = {
    "node": ("node",),
    "way": ("way",),
    "relation": ("relation",),
    "nwr": ("node", "way", "relation"),
}


@dataclass
class OverpassState:
    remark_next: str | None = None
    queries: list[str] = field(default_factory=list)


def state(server: FakeServer) -> OverpassState:
    st: OverpassState | None = getattr(server, "_overpass_state", None)
    if st is None:
        st = OverpassState()
        server._overpass_state = st  # type: ignore[attr-defined]
    return st


@dataclass(frozen=True)
class _Data:
    nodes: dict[int, tuple[float, float, dict[str, str]]]
    ways: dict[int, tuple[tuple[int, ...], dict[str, str]]]
    relations: dict[int, tuple[tuple[tuple[str, int, str], ...], dict[str, str]]]


@lru_cache(maxsize=2)
def _load(path: Path) -> _Data:
    nodes: dict[int, tuple[float, float, dict[str, str]]] = {}
    ways: dict[int, tuple[tuple[int, ...], dict[str, str]]] = {}
    relations: dict[int, tuple[tuple[tuple[str, int, str], ...], dict[str, str]]] = {}
    for obj in osmium.FileProcessor(str(path)):
        tags = {t.k: t.v for t in obj.tags}
        if isinstance(obj, osmium.osm.Node):
            if obj.location.valid():
                nodes[obj.id] = (obj.location.lon, obj.location.lat, tags)
        elif isinstance(obj, osmium.osm.Way):
            ways[obj.id] = (tuple(n.ref for n in obj.nodes), tags)
        elif isinstance(obj, osmium.osm.Relation):
            members = tuple((m.type, m.ref, m.role) for m in obj.members)
            relations[obj.id] = (members, tags)
    return _Data(nodes, ways, relations)


def _tags_xml(tags: dict[str, str]) -> list[str]:
    return [f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in sorted(tags.items())]


def answer(data: _Data, query: str, remark: str | None = None) -> bytes:
    """The OSM XML the fake interpreter returns for ``query`` (ValueError if unreadable)."""
    m = _BBOX_RE.search(query)
    stmts = _STMT_RE.findall(query)
    if m is None or not stmts or "[out:xml]" not in query.replace(" ", ""):
        raise ValueError("no [out:xml], [bbox:...] or statements")
    s, w, n, e = (float(v) for v in m.groups())
    keys: dict[str, set[str]] = {"node": set(), "way": set(), "relation": set()}
    for element, key in stmts:
        for el in _ELEMENTS[element]:
            keys[el].add(key.replace('\\"', '"'))

    def inside(nid: int) -> bool:
        node = data.nodes.get(nid)
        return node is not None and s <= node[1] <= n and w <= node[0] <= e

    out_nodes = {
        nid for nid, (_, _, t) in data.nodes.items() if inside(nid) and not keys["node"].isdisjoint(t)
    }
    out_ways = {
        wid
        for wid, (refs, t) in data.ways.items()
        if not keys["way"].isdisjoint(t) and any(inside(r) for r in refs)
    }
    out_rels: set[int] = set()
    for rid, (members, t) in data.relations.items():
        if keys["relation"].isdisjoint(t):
            continue
        hit = any(
            (mt == "n" and inside(ref))
            or (mt == "w" and ref in data.ways and any(inside(r) for r in data.ways[ref][0]))
            for mt, ref, _ in members
        )
        if hit:
            out_rels.add(rid)
    # recursion down: member nodes and ways of relations, nodes of ways
    for rid in out_rels:
        for mt, ref, _ in data.relations[rid][0]:
            if mt == "w" and ref in data.ways:
                out_ways.add(ref)
            elif mt == "n" and ref in data.nodes:
                out_nodes.add(ref)
    for wid in out_ways:
        out_nodes.update(r for r in data.ways[wid][0] if r in data.nodes)

    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<osm version="0.6" generator="Overpass API (fake)">',
        "<note>The data included in this document is from www.openstreetmap.org. "
        "The data is made available under ODbL.</note>",
        f'<meta osm_base="{OSM_BASE}"/>',
    ]
    node_ids = sorted(out_nodes)
    if remark is not None:  # a query aborted midway: part of the result, then the remark
        node_ids = node_ids[: len(node_ids) // 3]
    for nid in node_ids:
        lon, lat, tags = data.nodes[nid]
        if tags:
            lines.append(f'  <node id="{nid}" lat="{lat:.7f}" lon="{lon:.7f}">')
            lines.extend(_tags_xml(tags))
            lines.append("  </node>")
        else:
            lines.append(f'  <node id="{nid}" lat="{lat:.7f}" lon="{lon:.7f}"/>')
    if remark is None:
        for wid in sorted(out_ways):
            refs, tags = data.ways[wid]
            lines.append(f'  <way id="{wid}">')
            lines.extend(f'    <nd ref="{r}"/>' for r in refs)
            lines.extend(_tags_xml(tags))
            lines.append("  </way>")
        for rid in sorted(out_rels):
            members, tags = data.relations[rid]
            lines.append(f'  <relation id="{rid}">')
            kinds = {"n": "node", "w": "way", "r": "relation"}
            lines.extend(
                f'    <member type="{kinds[mt]}" ref="{ref}" role={quoteattr(role)}/>'
                for mt, ref, role in members
            )
            lines.extend(_tags_xml(tags))
            lines.append("  </relation>")
    else:
        lines.append(f"<remark> {remark} </remark>")
    lines.append("</osm>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _error_page(text: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en"><head>'
        "<title>OSM3S Response</title></head>\n<body>\n"
        f'<p><strong style="color:#FF0000">Error</strong>: line 1: parse error: {text} </p>\n'
        "</body>\n</html>\n"
    ).encode()


def install(server: FakeServer, data_dir: Path) -> dict[str, str]:
    pbf = Path(data_dir) / PBF
    st = state(server)

    def interpreter(req: FakeRequest) -> FakeResponse:
        query: Any = None
        if req.method == "POST":
            form = parse_qs(req.body.decode("utf-8", "replace"))
            query = (form.get("data") or [None])[0]
        else:
            query = req.query.get("data")
        if not query:
            return FakeResponse(_error_page("no query given"), 400, "text/html; charset=utf-8")
        st.queries.append(query)
        try:
            body = answer(_load(pbf), query, st.remark_next)
        except ValueError as exc:
            return FakeResponse(_error_page(str(exc)), 400, "text/html; charset=utf-8")
        st.remark_next = None
        return FakeResponse(body, 200, "application/osm3s+xml")

    server.route("POST", r"/overpass/api/interpreter", interpreter)
    server.route("GET", r"/overpass/api/interpreter", interpreter)
    return {"overpass": f"{server.url}/overpass/api/interpreter"}
