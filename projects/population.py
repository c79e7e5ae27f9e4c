"""The project's older residents as weighted points: the one place a project builds them.

Scoring (older residents within walking reach of each plot) and the demand view (per wijk) read
the same :class:`~plotscore.population.PopulationPoints`, built from the project's CBS layers (its
own gemeente only, the finest level with figures), spread over its address, zoning and land-use
layers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from layers.canonical import RD_NEW, LayerKind
from plotscore.population import AgeStructure, PopulationPoints, distribute_older_residents
from projects.records import project_row

if TYPE_CHECKING:
    from projects.store import ProjectStore

__all__ = ["gemeente_rows", "project_population", "read_kind"]


def read_kind(store: ProjectStore, kind: LayerKind) -> tuple[gpd.GeoDataFrame | None, tuple[str, ...]]:
    """Every layer of ``kind`` in the project as one frame (None when there is none), and their labels."""
    layers = store.layers(kind.value)
    frames = [store.read_layer(ls.table_name) for ls in layers]
    frames = [f for f in frames if len(f)]
    labels = tuple(ls.label for ls in layers)
    if not frames:
        return None, labels
    if len(frames) == 1:
        return frames[0], labels
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=RD_NEW), labels


def gemeente_rows(frame: gpd.GeoDataFrame, code: str | None) -> gpd.GeoDataFrame:
    """Rows of the gemeente ``code`` (own code or parent code); the frame as is when it has no codes.

    A national wijk file holds 3,475 wijken: the project only counts its own gemeente's.
    """
    if not code:
        return frame
    digits = "".join(ch for ch in code if ch.isdigit())
    gm = f"GM{digits}"
    keep = pd.Series(False, index=frame.index)
    has_codes = False
    if "code" in frame.columns:
        own = frame["code"].astype("string").str.upper()
        has_codes |= bool(own.notna().any())
        keep |= (own == gm).fillna(False)
        keep |= (own.str.startswith(f"WK{digits}") | own.str.startswith(f"BU{digits}")).fillna(False)
    if "gemeentecode" in frame.columns:
        parent = frame["gemeentecode"].astype("string").str.upper()
        has_codes |= bool(parent.notna().any())
        keep |= parent.isin([gm, digits]).fillna(False)
    if not has_codes:
        return frame  # no codes to filter on: the user's own layer is taken as it is
    return frame.loc[keep.to_numpy(dtype=bool)].reset_index(drop=True)


def project_population(
    store: ProjectStore,
    neighbourhoods: gpd.GeoDataFrame | None,
    zoning: gpd.GeoDataFrame | None,
    *,
    ages: AgeStructure | None = None,
) -> PopulationPoints | None:
    """The project's older residents spread over where people live; None without CBS figures.

    ``neighbourhoods`` and ``zoning`` are the frames the caller already read; the address and
    land-use layers are read here. Nothing is written.
    """
    if neighbourhoods is None or not len(neighbourhoods):
        return None
    with store.session() as session:
        code = project_row(session).gemeente_code
    own = gemeente_rows(neighbourhoods, code)
    addresses, _ = read_kind(store, LayerKind.ADDRESSES)
    land_use, _ = read_kind(store, LayerKind.LAND_USE)
    population = distribute_older_residents(
        own, addresses=addresses, zoning=zoning, land_use=land_use, ages=ages
    )
    return population if len(population.points) else None
