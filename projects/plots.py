"""The project's plots: as a frame, and drawing, deleting and restoring them (undo)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import func, select

from layers.canonical import RD_NEW, LayerKind, conform
from projects.errors import InputsError
from projects.models import (
    Plot,
    Reservation,
)
from projects.records import detach, opt_text, plot_row

if TYPE_CHECKING:
    from projects.store import ProjectStore

_PLOT_COLUMNS = [
    "plot_id",
    "name",
    "source",
    "area_m2",
    "source_id",
    "address",
    "kadastraal_perceel",
    "notes",
    "version",
    "keep_buildings",
]


def plots_frame(store: ProjectStore) -> gpd.GeoDataFrame:
    """The project's plots as a canonical plots frame (EPSG:28992), sorted by plot_id."""
    with store.session() as session:
        rows = [
            {
                "plot_id": p.plot_id,
                "name": p.name,
                "source": p.source,
                "area_m2": p.area_m2,
                "source_id": p.source_id,
                "address": p.address,
                "kadastraal_perceel": p.kadastraal_perceel,
                "notes": p.notes,
                "version": p.version,
                "keep_buildings": p.keep_buildings,
                "geometry": p.geom,
            }
            for p in session.scalars(select(Plot).order_by(Plot.plot_id))
        ]
    frame = gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=[*_PLOT_COLUMNS, "geometry"]), geometry="geometry", crs=RD_NEW
    )
    out = conform(frame, LayerKind.PLOTS)
    for col in ("source_id", "address", "kadastraal_perceel", "notes"):
        out[col] = out[col].astype("string")
    out["version"] = out["version"].astype("Int64")
    out["keep_buildings"] = out["keep_buildings"].astype("boolean")
    return out


def set_keep_buildings(store: ProjectStore, plot_id: str, keep: bool | None) -> Plot:
    """Mark whether the existing buildings on a plot stay (the capacity estimate leaves them out)."""
    with store.session() as session:
        plot = plot_row(session, plot_id)
        value = None if keep is None else bool(keep)
        if plot.keep_buildings != value:
            plot.keep_buildings = value
        return detach(session, plot)


def next_plot_id(store: ProjectStore, prefix: str = "EIGEN") -> str:
    """A free plot id ``<prefix>-001``, ``<prefix>-002``, ... for a plot drawn by hand."""
    with store.session() as session:
        taken = set(session.scalars(select(Plot.plot_id).where(Plot.plot_id.like(f"{prefix}-%"))))
    n = 1
    while f"{prefix}-{n:03d}" in taken:
        n += 1
    return f"{prefix}-{n:03d}"


def _check_polygon(geometry: shapely.Geometry | None) -> shapely.Geometry:
    if geometry is None or geometry.is_empty or geometry.geom_type not in {"Polygon", "MultiPolygon"}:
        raise InputsError(
            "Een kavel moet een vlak zijn.", hint="Teken minstens drie punten en sluit de vorm af."
        )
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
        if geometry.geom_type == "GeometryCollection":
            parts = [g for g in geometry.geoms if g.geom_type in {"Polygon", "MultiPolygon"}]
            geometry = shapely.unary_union(parts) if parts else shapely.Polygon()
        if geometry.is_empty or geometry.geom_type not in {"Polygon", "MultiPolygon"}:
            raise InputsError(
                "De getekende kavel snijdt zichzelf en is niet te herstellen.",
                hint="Teken de kavel opnieuw zonder dat de randen elkaar kruisen.",
            )
    if geometry.area < 1.0:
        raise InputsError("De getekende kavel is kleiner dan 1 m².", hint="Teken een grotere kavel.")
    return geometry


def add_plot(
    store: ProjectStore,
    plot_id: str,
    geometry: shapely.Geometry,
    *,
    name: str | None = None,
    source: str | None = "getekend",
    notes: str | None = None,
) -> Plot:
    """Add a plot drawn on the map (RD New coordinates); the plot id must be new."""
    geom = _check_polygon(geometry)
    plot_id = plot_id.strip()
    if not plot_id:
        raise InputsError("Een kavel heeft een kenmerk nodig.", hint="Bijv. EIGEN-001.")
    with store.session() as session:
        if session.scalars(select(Plot).where(Plot.plot_id == plot_id)).first() is not None:
            raise InputsError(f"Kavel '{plot_id}' bestaat al.", hint="Kies een ander kenmerk.")
        plot = Plot(
            plot_id=plot_id,
            name=opt_text(name),
            source=opt_text(source),
            notes=opt_text(notes),
            area_m2=float(geom.area),
            geom=geom,
        )
        session.add(plot)
        return detach(session, plot)


_PLOT_FIELDS = (
    "plot_id",
    "name",
    "source",
    "source_id",
    "area_m2",
    "address",
    "kadastraal_perceel",
    "notes",
    "keep_buildings",
)


def delete_plot(store: ProjectStore, plot_id: str) -> dict[str, Any]:
    """Delete a plot without reservations; returns what :func:`restore_plot` needs to undo it."""
    with store.session() as session:
        plot = plot_row(session, plot_id)
        n_res = session.scalar(
            select(func.count()).select_from(Reservation).where(Reservation.plot_fid == plot.fid)
        )
        if n_res:
            raise InputsError(
                f"Kavel '{plot_id}' heeft reserveringen en kan niet worden verwijderd.",
                hint="Zet de reserveringen eerst op 'vervallen'; de kavel blijft dan zichtbaar in de historie.",
            )
        snapshot: dict[str, Any] = {key: getattr(plot, key) for key in _PLOT_FIELDS}
        snapshot["geom"] = plot.geom
        session.delete(plot)
        return snapshot


def restore_plot(store: ProjectStore, snapshot: Mapping[str, Any]) -> Plot:
    """Put back a plot deleted with :func:`delete_plot` (undo), same plot id and attributes."""
    plot_id = str(snapshot["plot_id"])
    with store.session() as session:
        if session.scalars(select(Plot).where(Plot.plot_id == plot_id)).first() is not None:
            raise InputsError(f"Kavel '{plot_id}' bestaat al.", hint="Er is niets hersteld.")
        plot = Plot(**{key: snapshot.get(key) for key in _PLOT_FIELDS}, geom=snapshot.get("geom"))
        session.add(plot)
        return detach(session, plot)
