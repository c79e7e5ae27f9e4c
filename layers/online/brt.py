"""Pre-fetch PDOK BRT Achtergrondkaart tiles (WMTS, EPSG:28992) so the map works offline.

Tiles of the area at levels ``min_level``..``max_level`` and every configured style go to
``cache_dir / "brt-tiles" / "prefetched" / style / z / x / "{y}.png"``; the app's map reads
them through :func:`prefetched_tile_path`. Tiles already there are skipped, a 404 means "outside
the map's coverage" (counted, not an error), and a request for more than ``max_tiles`` tiles is
refused before anything is downloaded. The tile matrix (origin, resolution) comes from
services.toml.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from layers.online.area import Area
from layers.online.base import Fetched, client_for
from layers.online.config import FetchConfig
from layers.online.errors import ServiceError, ServiceLimitError
from layers.online.http import Progress

__all__ = ["fetch", "plan_tiles", "prefetched_tile_path", "tile_url"]

SERVICE = "brt"


def prefetched_tile_path(cache_dir: Path, style: str, z: int, x: int, y: int) -> Path:
    """Where a pre-fetched tile lives (the map looks here before it goes online)."""
    return cache_dir / "brt-tiles" / "prefetched" / style / str(z) / str(x) / f"{y}.png"


def tile_url(svc: Mapping[str, Any], base: str, style: str, z: int, x: int, y: int) -> str:
    """The tile's URL: ``base`` as a template when it holds ``{z}``, else PDOK's REST layout."""
    if "{z}" in base:
        return base.format(layer=style, style=style, z=z, x=x, y=y)
    matrix_set = str(svc.get("matrix_set", "EPSG:28992"))
    return f"{base}/{style}/{matrix_set}/{z}/{x}/{y}.png"


def plan_tiles(area: Area, svc: Mapping[str, Any], levels: range, *, cap: int) -> list[tuple[int, int, int]]:
    """(z, x, y) of the tiles touching ``area``; stops counting past ``cap`` (the caller refuses)."""
    ox, oy = float(svc["origin_x"]), float(svc["origin_y"])
    res0, px = float(svc["resolution0"]), int(svc.get("tile_size_px", 256))
    minx, miny, maxx, maxy = area.bounds
    shapely.prepare(area.geometry)
    out: list[tuple[int, int, int]] = []
    for z in levels:
        size = res0 / (2**z) * px
        x0, x1 = math.floor((minx - ox) / size), math.floor((maxx - ox) / size)
        y0, y1 = math.floor((oy - maxy) / size), math.floor((oy - miny) / size)
        if (x1 - x0 + 1) * (y1 - y0 + 1) + len(out) > 4 * cap:
            out.extend([(z, -1, -1)] * (4 * cap))  # far too many: no need to look closer
            return out
        gx, gy = np.meshgrid(np.arange(x0, x1 + 1), np.arange(y0, y1 + 1))
        xs, ys = gx.ravel(), gy.ravel()
        boxes = shapely.box(ox + xs * size, oy - (ys + 1) * size, ox + (xs + 1) * size, oy - ys * size)
        hit = shapely.intersects(area.geometry, boxes)
        out.extend((z, int(x), int(y)) for x, y in zip(xs[hit], ys[hit], strict=True))
    return out


def fetch(
    area: Area, config: FetchConfig, *, progress: Progress | None = None, refresh: bool = False
) -> Fetched:
    """Download the BRT tiles of ``area`` into the tile cache (``refresh`` downloads them again)."""
    client = client_for(config, SERVICE, progress)
    svc = config.service(SERVICE)
    base = config.url(SERVICE)
    styles = [str(s) for s in svc.get("styles", ("grijs",))]
    lo, hi = int(svc["min_level"]), int(svc["max_level"])
    max_tiles = int(svc["max_tiles"])
    tiles = plan_tiles(area, svc, range(lo, hi + 1), cap=max_tiles)
    total = len(tiles) * len(styles)
    if total > max_tiles:
        fits = [
            z
            for z in range(lo, hi + 1)
            if len(plan_tiles(area, svc, range(lo, z + 1), cap=max_tiles)) * len(styles) <= max_tiles
        ]
        suggestion = f"tot niveau {fits[-1]}" if fits else "een kleiner gebied"
        raise ServiceLimitError(
            f"Voor dit gebied zijn meer dan {max_tiles} kaarttegels nodig (niveaus {lo}-{hi}, {len(styles)} stijl(en)).",
            hint=f"Kies minder zoomniveaus ({suggestion}) of minder stijlen, of verhoog max_tiles.",
            service=client.service,
        )
    counts = {"tegels": total, "opgehaald": 0, "al_aanwezig": 0, "buiten_dekking": 0}
    first_url = tile_url(svc, base, styles[0], *tiles[0]) if tiles else base
    done = 0
    for style in styles:
        for z, x, y in tiles:
            dest = prefetched_tile_path(config.cache_dir, style, z, x, y)
            if dest.exists() and not refresh:
                counts["al_aanwezig"] += 1
            else:
                try:
                    client.download(tile_url(svc, base, style, z, x, y), dest)
                    counts["opgehaald"] += 1
                except ServiceError as exc:
                    if exc.status != 404:
                        raise
                    counts["buiten_dekking"] += 1
            done += 1
            client.report(done / max(1, total), f"{client.service}: tegel {done} van {total}")
    notes: list[str] = []
    if counts["buiten_dekking"]:
        notes.append(f"{counts['buiten_dekking']} tegels liggen buiten de dekking van de kaart.")
    return Fetched(
        service=SERVICE,
        files=(),
        kinds=(),
        source_url=first_url,
        retrieved_at=datetime.now(UTC),
        notes=tuple(notes),
        from_cache=counts["opgehaald"] == 0,
        counts=counts,
    )
