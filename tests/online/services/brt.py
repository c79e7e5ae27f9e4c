"""PDOK BRT Achtergrondkaart WMTS (REST) stand-in: a tiny PNG inside the Delft extent, 404 outside.

Tiles follow the EPSG:28992 tile matrix of services.toml [services.brt] (top-left origin,
256 px, level-0 resolution halving per level); a tile is "inside" when it touches the real
Delft buurten extent.
"""

from __future__ import annotations

import functools
import struct
import zlib
from pathlib import Path

import pyogrio

from tests.online.fakeserver import FakeRequest, FakeResponse, FakeServer

BUURTEN = Path("delft") / "cbs" / "delft_buurten_2023.geojson"
ORIGIN = (-285401.92, 903401.92)
RES0 = 3440.64
TILE = 256


def tiny_png() -> bytes:
    """A valid 1x1 grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00\xc8")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@functools.lru_cache(maxsize=2)
def delft_extent(data_dir: Path) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = pyogrio.read_info(data_dir / BUURTEN)["total_bounds"]
    return (float(minx), float(miny), float(maxx), float(maxy))


def install(server: FakeServer, data_dir: Path) -> dict[str, str]:
    png = tiny_png()

    def tile(req: FakeRequest) -> FakeResponse:
        assert req.match is not None
        z, x, y = (int(v) for v in req.match.group(2, 3, 4))
        size = RES0 / (2**z) * TILE
        x0, y1 = ORIGIN[0] + x * size, ORIGIN[1] - y * size
        x1, y0 = x0 + size, y1 - size
        minx, miny, maxx, maxy = delft_extent(data_dir)
        if x0 > maxx or x1 < minx or y0 > maxy or y1 < miny:
            return FakeResponse(b"Not Found", 404, "text/plain")
        return FakeResponse(png, 200, "image/png", {"Accept-Ranges": "bytes"})

    server.route("GET", r"/brt/([a-z]+)/EPSG:28992/(\d+)/(\d+)/(\d+)\.png", tile)
    return {"brt": f"{server.url}/brt"}
