"""What a file is: the summary behind ``bodnaarplot inspect``.

Pure data in, plain dicts out, so the CLI prints them and the app shows them the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from layers.age import data_date
from layers.canonical import CANONICAL, RD_NEW, LayerKind
from layers.registry import detect, load_path, probe, restrict_to_layer
from layers.result import LoadResult

__all__ = ["details", "inspect_path", "summarise"]

# Which column a kind is counted by (kind → list of columns); the first is the headline count.
_COUNT_COLUMNS: dict[LayerKind, tuple[str, ...]] = {
    LayerKind.BUILDINGS: ("status",),
    LayerKind.ADDRESSES: ("bag_type", "status", "gebruiksdoel"),
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
        if col in frame.columns and n and frame[col].notna().any():  # an empty column says nothing
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
    out["details"] = details(result)
    return out


def details(result: LoadResult) -> list[str]:
    """Dutch lines with what a loader knows beyond the counts: timetable, plan, geometry, date.

    Built from ``result.meta`` only, so the CLI, the app and exports can show the same lines.
    """
    meta = result.meta
    lines: list[str] = []
    validity = meta.get("validity")
    if isinstance(validity, dict) and "date" in meta:
        how = "automatisch gekozen" if meta.get("date_chosen") == "auto" else "gekozen met --gtfs-date"
        state = (
            " (verlopen)" if meta.get("expired") else (" (begint later)" if meta.get("not_started") else "")
        )
        lines.append(f"dienstregeling: geldig {validity['start']} t/m {validity['end']}{state}")
        lo, hi = meta.get("window", (7.0, 19.0))
        lines.append(f"dienstregelingsdag: {meta['date']} ({how}), venster {lo:g}–{hi:g} uur")
        stats = meta.get("departures_per_hour_stats") or {}
        if stats.get("stops"):
            lines.append(
                "vertrekken per uur per halte: "
                f"min {_nl(stats['min'])}, mediaan {_nl(stats['median'])}, max {_nl(stats['max'])} "
                f"({stats['stops_with_service']} van {stats['stops']} haltes met vertrekken)"
            )
        freq = meta.get("frequencies") or {}
        if freq.get("rows"):
            lines.append(
                f"frequencies.txt: {freq['rows']} regels (exact_times=1: {freq['exact_times_1']}, "
                f"exact_times=0: {freq['exact_times_0']}), {freq['departures']} vertrekken in het venster"
            )
    if meta.get("plan_id") or meta.get("plan_status"):
        parts = [str(meta.get("plan_name") or meta.get("plan_id"))]
        if meta.get("plan_id") and meta.get("plan_name"):
            parts.append(f"({meta['plan_id']})")
        status = meta.get("plan_status") or "onbekend"
        date = f" sinds {meta['plan_date']}" if meta.get("plan_date") else ""
        lines.append(f"plan: {' '.join(parts)}, status {status}{date}")
    geometry = meta.get("geometry")
    if isinstance(geometry, dict) and geometry.get("chosen"):
        others = "; ".join(f"{o['name']} ({o['type']})" for o in geometry.get("others", []))
        lines.append(
            f"geometrie: {geometry['chosen']} ({geometry.get('type', '?')}) gebruikt"
            + (f"; ook in het bestand: {others}" if others else "")
        )
    brk = meta.get("kadastrale_aanduiding")
    if isinstance(brk, dict):
        example = f", bijv. {brk['voorbeeld']}" if brk.get("voorbeeld") else ""
        lines.append(
            f"kadastrale aanduiding: {brk['met_aanduiding']} van {brk['percelen']} percelen{example}; "
            f"kadastrale grootte bij {brk['met_kadastrale_grootte']}"
        )
    other_layers = meta.get("other_layers")
    if isinstance(other_layers, list) and other_layers:
        lines.append("niet gelezen lagen: " + ", ".join(str(n) for n in other_layers))
    per_layer = meta.get("layers")
    if isinstance(per_layer, dict) and len(per_layer) > 1:
        lines.append("per laag: " + ", ".join(f"{k} {v}" for k, v in per_layer.items()))
    when = data_date(meta)
    if when is not None:
        lines.append(f"peildatum: {when.isoformat()}")
    return lines


def _nl(value: Any) -> str:
    return f"{float(value):.2f}".rstrip("0").rstrip(".").replace(".", ",")


def inspect_path(
    path: str | Path,
    *,
    kind: LayerKind | None = None,
    layer: str | None = None,
    gtfs_date: Any = None,
) -> dict[str, Any]:
    """Detect, load and summarise ``path``.

    The top level describes the primary layer (the one of ``kind``, or the first found);
    ``layers`` lists every canonical layer the file holds. ``format`` names the reader used
    and ``source_crs`` the CRS the file itself declares. ``layer`` reads one layer of a
    multi-layer file; ``gtfs_date`` is the service date of a GTFS feed (refused for others).
    """
    pr = probe(path)
    if layer is not None:
        pr = restrict_to_layer(pr, layer)
    fmt = detect(pr, kind)
    if gtfs_date is not None and "date" not in fmt.options:
        from layers.errors import LayerFormatError

        raise LayerFormatError(
            f"--gtfs-date geldt alleen voor een GTFS-dienstregeling; dit bestand is: {fmt.label}.",
            hint="Laat --gtfs-date weg voor dit bestand.",
            path=pr.path,
        )
    results = load_path(pr.path, kind=kind, layer=layer, gtfs_date=gtfs_date)
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
    declared = sorted({lp.crs for lp in pr.layers if lp.crs}) or sorted(
        {str(r.meta["source_crs"]) for r in results if r.meta.get("source_crs")}
    )
    top["source_crs"] = declared[0] if len(declared) == 1 else (declared or None)
    top["source_layers"] = [lp.name for lp in pr.layers]
    top["layers"] = [
        {k: s[k] for k in ("kind", "layer", "n_features", "bbox", "counts", "warnings", "details")}
        for s in summaries
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
