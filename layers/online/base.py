"""What every fetcher returns, and the small helpers they share."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import geopandas as gpd

from layers.canonical import LayerKind
from layers.online.area import Area
from layers.online.config import FetchConfig
from layers.online.http import HttpClient, Progress

__all__ = ["Fetched", "client_for", "output_path", "write_gpkg_atomic"]


@dataclass(frozen=True)
class Fetched:
    """The files one fetcher wrote, ready for :func:`layers.registry.load_path`.

    ``source_url`` is the service request that produced them (no secrets), ``retrieved_at``
    when the data was retrieved (for a cache hit: when it was retrieved then), ``notes`` Dutch
    remarks for the user (a stale cache, the omgevingsplan situation, capped tiles, ...).
    """

    service: str
    files: tuple[Path, ...]
    kinds: tuple[LayerKind | None, ...]  # per file: the kind to read it as; None = let the loaders decide
    source_url: str
    retrieved_at: datetime
    notes: tuple[str, ...] = ()
    from_cache: bool = False
    counts: dict[str, int] = field(default_factory=dict)


def client_for(config: FetchConfig, service: str, progress: Progress | None) -> HttpClient:
    """An :class:`HttpClient` for ``service`` (its display name from services.toml)."""
    name = str(config.service(service).get("name", service))
    return HttpClient(config.http, service=name, progress=progress)


def output_path(config: FetchConfig, service: str, area: Area, name: str) -> Path:
    """Where a fetcher writes its converted file for ``area``."""
    folder = config.cache_dir / "out" / service / area.slug()
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def write_gpkg_atomic(path: Path, layers: dict[str, gpd.GeoDataFrame]) -> Path:
    """Write one or more layers to a GeoPackage under a temporary name, then rename."""
    tmp = path.with_name(path.stem + ".tmp" + path.suffix)
    if tmp.exists():
        tmp.unlink()
    for name, frame in layers.items():
        frame.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio", append=tmp.exists())
    os.replace(tmp, path)
    return path
