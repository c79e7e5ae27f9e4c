"""Importing layer files into a project, and reading them back for a scoring run."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from layers.canonical import RD_NEW, LayerKind
from layers.registry import load_path
from plotscore.progress import Progress, report
from projects.capacity import kept_buildings
from projects.errors import InputsError
from projects.models import (
    LayerSource,
    Plot,
)
from projects.plots import plots_frame
from projects.population import project_population
from projects.records import json_safe, opt_float, opt_text, same_geom
from projects.scoring import ScoreInputs

if TYPE_CHECKING:
    from projects.store import ProjectStore

SCORED_KINDS = (
    LayerKind.FACILITIES,
    LayerKind.NETWORK_SOURCE,
    LayerKind.ZONING,
    LayerKind.NEIGHBOURHOODS,
)


_DATE_KEYS = ("as_of", "data_date", "peildatum", "stand_datum", "date")  # as_of: a BAG read as of a day


def _checksum(path: Path) -> str:
    """sha256 of a file, or of every file in a folder (relative names and contents, sorted)."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        if path.is_dir():
            digest.update(f.relative_to(path).as_posix().encode())
        with f.open("rb") as fh:
            while block := fh.read(1 << 20):
                digest.update(block)
    return digest.hexdigest()


def _data_date(meta: Mapping[str, Any]) -> str | None:
    for key in _DATE_KEYS:
        value = meta.get(key)
        if value:
            return str(value)
    return None


def _upsert_plots(session: Session, frame: gpd.GeoDataFrame) -> tuple[int, int]:
    """Insert new plot_ids, update changed ones; plots missing from the file are kept."""
    existing = {p.plot_id: p for p in session.scalars(select(Plot))}
    added = updated = 0
    for row in frame.itertuples(index=False):
        values: dict[str, Any] = {
            "name": opt_text(getattr(row, "name", None)),
            "source": opt_text(getattr(row, "source", None)),
            "source_id": opt_text(getattr(row, "src_id", None)),
            "area_m2": opt_float(getattr(row, "area_m2", None)),
            "geom": row.geometry,
        }
        plot_id = str(row.plot_id)
        plot = existing.get(plot_id)
        if plot is None:
            session.add(Plot(plot_id=plot_id, **values))
            added += 1
            continue
        changed = False
        for key, value in values.items():
            old = getattr(plot, key)
            same = same_geom(old, value) if key == "geom" else (old == value)
            if not same:
                setattr(plot, key, value)
                changed = True
        updated += changed
    return added, updated


def import_layer(
    store: ProjectStore,
    path: str | Path,
    kind: str | LayerKind | None = None,
    *,
    progress: Progress | None = None,
    source_url: str | None = None,
    retrieved_at: str | None = None,
    label: str | None = None,
    extra_meta: Mapping[str, Any] | None = None,
    **options: Any,
) -> list[LayerSource]:
    """Read a file with the layer loaders and store every canonical layer it holds.

    Re-importing the same file (same path, kind and source layer) replaces the stored layer
    instead of adding a copy. Plots also become rows of the ``plots`` table, matched on
    ``plot_id``: a re-import updates them, never duplicates them, and keeps their reservations.

    Fetched data passes ``source_url`` (stored instead of the cache path, so a re-fetch of the
    same request replaces the layer), ``retrieved_at`` (ISO date; the data date) and ``label``.
    """
    source = Path(path)
    report(progress, 0.0, f"{source.name} lezen")
    layer_kind: LayerKind | None = None
    if kind is not None:
        kinds = [k.value for k in LayerKind if k is not LayerKind.RASTER]
        if str(kind) not in kinds:
            raise InputsError(f"Onbekende laagsoort '{kind}'.", hint=f"Kies uit: {', '.join(kinds)}.")
        layer_kind = LayerKind(kind)
    results = load_path(source, kind=layer_kind, **options)
    if any(r.kind is LayerKind.RASTER for r in results):  # checked before anything is written
        raise InputsError(
            "Rasters (GeoTIFF) kunnen nog niet in een project worden opgeslagen.",
            hint="Gebruik het raster bij het scoren van bestanden: bodnaarplot score --raster NAAM=PAD.",
            path=str(source),
        )
    report(progress, 0.6, "Opslaan in het project")
    checksum = _checksum(source)
    original = source_url or str(source.resolve())
    stored: list[LayerSource] = []
    for i, result in enumerate(results):
        previous = [
            ls
            for ls in store.layers(result.kind.value)
            if ls.original_path == original and ls.original_layer == result.layer
        ]
        meta = json_safe(dict(result.meta))
        meta.update(json_safe(dict(extra_meta or {})))
        data_date = (retrieved_at[:10] if retrieved_at else None) or _data_date(result.meta)
        if retrieved_at:
            meta["retrieved_at"] = retrieved_at
        if result.kind is LayerKind.PLOTS:
            with store.session() as session:
                added, updated = _upsert_plots(session, result.frame)
            meta["plots_added"], meta["plots_updated"] = added, updated
        base = label or source.name
        label_text = base + (f" ({result.layer})" if result.layer and result.layer != source.stem else "")
        layer = store.add_layer(
            result.frame,
            kind=result.kind.value,
            label=label_text,
            original_path=original,
            original_layer=result.layer,
            data_date=data_date,
            checksum=checksum,
            warnings=[str(w) for w in result.warnings],
            meta=meta,
            replace=previous[0].table_name if previous else None,
        )
        for extra in previous[1:]:
            store.remove_layer(extra.table_name)
        stored.append(layer)
        report(progress, 0.6 + 0.4 * (i + 1) / len(results), f"{result.kind.value} opgeslagen")
    return stored


def project_inputs(store: ProjectStore) -> ScoreInputs:
    """The canonical layers of the project for a scoring run; plots come from the plots table."""
    plots = plots_frame(store)
    if plots.empty:
        raise InputsError(
            "Dit project heeft nog geen kavels.",
            hint="Importeer een kavellaag: bodnaarplot project import PROJECT BESTAND --kind plots.",
        )
    found: dict[LayerKind, list[gpd.GeoDataFrame]] = {}
    sources: dict[str, list[str]] = {LayerKind.PLOTS.value: ["plots (projecttabel)"]}
    warnings: list[str] = []
    for kind in SCORED_KINDS:
        for layer in store.layers(kind.value):
            found.setdefault(kind, []).append(store.read_layer(layer.table_name))
            sources.setdefault(kind.value, []).append(layer.label)
            warnings.extend(f"{kind.value}: {w}" for w in (layer.warnings or []))
    if not found.get(LayerKind.FACILITIES):
        raise InputsError(
            "Dit project heeft nog geen voorzieningen (facilities).",
            hint="Importeer ze: bodnaarplot project import PROJECT BESTAND --kind facilities.",
        )

    def combined(kind: LayerKind) -> gpd.GeoDataFrame | None:
        frames = found.get(kind)
        if not frames:
            return None
        if len(frames) == 1:
            return frames[0]
        return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=RD_NEW)

    facilities = combined(LayerKind.FACILITIES)
    assert facilities is not None
    kept = None
    if bool(plots["keep_buildings"].fillna(False).any()):
        buildings = [store.read_layer(ls.table_name) for ls in store.layers(LayerKind.BUILDINGS.value)]
        if buildings:
            frame = buildings[0] if len(buildings) == 1 else pd.concat(buildings, ignore_index=True)
            kept = kept_buildings(plots, gpd.GeoDataFrame(frame, geometry="geometry", crs=RD_NEW))
    zoning = combined(LayerKind.ZONING)
    neighbourhoods = combined(LayerKind.NEIGHBOURHOODS)
    return ScoreInputs(
        plots=plots,
        facilities=facilities,
        network_source=combined(LayerKind.NETWORK_SOURCE),
        zoning=zoning,
        neighbourhoods=neighbourhoods,
        sources=sources,
        warnings=tuple(warnings),
        kept_buildings=kept,
        population=project_population(store, neighbourhoods, zoning),
    )
