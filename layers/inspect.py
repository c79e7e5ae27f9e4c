"""What a file is: the summary behind ``bodnaarplot inspect``.

Pure data in, plain dicts out, so the CLI prints them and the app shows them the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from layers.canonical import CANONICAL, RD_NEW, LayerKind
from layers.registry import detect, probe
from layers.result import LoadResult

__all__ = ["inspect_path", "summarise"]

# Which column a kind is counted by (kind → list of columns); the first is the headline count.
_COUNT_COLUMNS: dict[LayerKind, tuple[str, ...]] = {
    LayerKind.BUILDINGS: ("status",),
    LayerKind.ADDRESSES: ("status", "gebruiksdoel"),
    LayerKind.ZONING: ("feature_type", "bestemmingshoofdgroep"),
    LayerKind.FACILITIES: ("category",),
    LayerKind.NETWORK_SOURCE: ("highway",),
    LayerKind.PLOTS: ("source",),
    LayerKind.NEIGHBOURHOODS: (),
    LayerKind.LAND_USE: ("key", "value"),
    LayerKind.RASTER: (),
}


def summarise(result: LoadResult) -> dict[str, Any]:
    """One JSON-ready dict describing a loaded layer."""
    frame = result.frame
    n = len(frame)
    geoms = frame.geometry[~(frame.geometry.isna() | frame.geometry.is_empty)] if n else frame.geometry
    bbox = [round(float(v), 2) for v in geoms.total_bounds] if len(geoms) else None
    spec = CANONICAL[result.kind]
    columns = {c.name: _filled_pct(frame[c.name]) for c in spec.columns if c.name in frame.columns}
    counts: dict[str, dict[str, int]] = {}
    for col in _COUNT_COLUMNS[result.kind]:
        if col in frame.columns and n:
            vc = frame[col].astype("string").fillna("(leeg)").value_counts()
            counts[col] = {str(k): int(v) for k, v in vc.items()}
    if (
        result.kind == LayerKind.ZONING
        and {"feature_type", "bestemmingshoofdgroep"} <= set(frame.columns)
        and n
    ):
        enkel = frame.loc[frame["feature_type"] == "enkelbestemming", "bestemmingshoofdgroep"]
        vc = enkel.astype("string").fillna("(leeg)").value_counts()
        counts["enkelbestemming_hoofdgroep"] = {str(k): int(v) for k, v in vc.items()}
    out: dict[str, Any] = {
        "kind": result.kind.value,
        "source": result.source,
        "layer": result.layer,
        "n_features": int(n),
        "crs": frame.crs.to_string() if frame.crs is not None else RD_NEW,
        "bbox": bbox,
        "geometry_types": sorted({str(t) for t in geoms.geom_type.unique()}) if len(geoms) else [],
        "columns": columns,
        "counts": counts,
        "warnings": [w.message for w in result.warnings],
    }
    if result.meta:
        out["meta"] = {k: _jsonable(v) for k, v in result.meta.items()}
    return out


def inspect_path(path: str | Path, *, kind: LayerKind | None = None) -> dict[str, Any]:
    """Detect, load and summarise ``path``.

    The top level describes the primary layer (the one of ``kind``, or the first found);
    ``layers`` lists every canonical layer the file holds. ``format`` names the reader used
    and ``source_crs`` the CRS the file itself declares.
    """
    pr = probe(path)
    fmt = detect(pr, kind)
    results = fmt.load(pr.path, kinds=[kind] if kind else None)
    if not results:
        from layers.errors import LayerSchemaError

        raise LayerSchemaError(
            "Het bestand bevat geen objecten van een soort die we kennen.",
            hint="Kies met --kind wat het is.",
            path=pr.path,
        )
    summaries = [summarise(r) for r in results]
    if fmt.id == "plots" and kind is None:
        # The generic fallback: say so, because the file may be something else entirely.
        summaries[0]["warnings"].insert(
            0,
            "Soort niet herkend; het bestand is gelezen als kandidaatlocaties (plots). "
            "Kies met --kind een andere soort als dat niet klopt.",
        )
    top = dict(summaries[0])
    top["path"] = str(pr.path)
    top["format"] = {"id": fmt.id, "label": fmt.label}
    declared = sorted({lp.crs for lp in pr.layers if lp.crs})
    top["source_crs"] = declared[0] if len(declared) == 1 else (declared or None)
    top["source_layers"] = [lp.name for lp in pr.layers]
    top["layers"] = [
        {k: s[k] for k in ("kind", "layer", "n_features", "bbox", "counts", "warnings")} for s in summaries
    ]
    return top


def _filled_pct(series: pd.Series) -> float:
    if len(series) == 0:
        return 0.0
    return round(100.0 * float(series.notna().mean()), 1)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if hasattr(value, "item"):
        return value.item()
    return str(value)
