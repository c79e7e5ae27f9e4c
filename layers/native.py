"""Our own layer GeoPackage: one layer per canonical kind, written and read back losslessly.

The demo dataset and layer exports use it. A GeoPackage whose layers are named after
canonical kinds (``buildings``, ``facilities``, ...) and carry their columns is read straight
back into canonical frames. Writes go to a temporary file that replaces the target only when
complete, so a crash never leaves a half-written file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyogrio

from layers.canonical import CANONICAL, LayerKind, conform
from layers.crs import ensure_rd
from layers.registry import Probe, SourceFormat, register
from layers.result import LoadResult, Warnings
from layers.sources import read_vector

__all__ = ["read_native", "write_native"]

_KIND_NAMES = {k.value for k in LayerKind if k is not LayerKind.RASTER}


def _layer_kind(name: str) -> LayerKind | None:
    """``facilities`` or ``facilities_osm`` → FACILITIES (several layers of one kind may exist)."""
    for value in sorted(_KIND_NAMES, key=len, reverse=True):
        if name == value or name.startswith(value + "_"):
            return LayerKind(value)
    return None


def write_native(path: str | Path, layers: Iterable[tuple[str, LoadResult]]) -> Path:
    """Write named canonical layers into one GeoPackage, atomically (temp file + rename)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", suffix=".gpkg", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        for name, result in layers:
            frame = conform(result.frame, result.kind)
            pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG", promote_to_multi=False)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return target


def read_native(path: Path, *, kinds: list[LayerKind] | None = None, **_options: Any) -> list[LoadResult]:
    """Read every canonical layer of a native GeoPackage (restricted to ``kinds``)."""
    out: list[LoadResult] = []
    for name, _gtype in pyogrio.list_layers(str(path)):
        kind = _layer_kind(str(name))
        if kind is None or (kinds and kind not in kinds):
            continue
        warnings = Warnings()
        frame = ensure_rd(read_vector(path, layer=str(name)), warnings, path=path)
        out.append(
            LoadResult(
                kind=kind,
                frame=conform(frame, kind),
                source=str(path),
                layer=str(name),
                warnings=tuple(warnings),
                meta={"format": "Van Bod naar Plot GeoPackage"},
            )
        )
    return out


def _sniff(pr: Probe) -> bool:
    if pr.suffix != ".gpkg":
        return False
    hits = 0
    for lp in pr.layers:
        kind = _layer_kind(lp.name)
        if kind is None:
            continue
        if set(CANONICAL[kind].column_names) <= set(lp.fields):
            hits += 1
    return hits > 0


register(
    SourceFormat(
        id="native_gpkg",
        label="Van Bod naar Plot-GeoPackage (canonieke lagen)",
        kinds=tuple(k for k in LayerKind if k is not LayerKind.RASTER),
        sniff=_sniff,
        load=read_native,
        priority=5,
    )
)
