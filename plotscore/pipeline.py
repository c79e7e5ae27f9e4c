"""One scoring run: network → distances → measures → constraints → capacity → scores.

:func:`score_plots` is what the CLI, the project layer and the app call. It returns a frame
indexed like the input plots with every measure, constraint, capacity and score column, plus
the live :class:`~plotscore.model.ScoreModel` for re-weighting without recomputing distances.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from plotscore import columns as cols
from plotscore.capacity import estimate_capacity
from plotscore.constraints import area_check, exclusion_check, zoning_compatibility, zoning_notes
from plotscore.criteria import Profile, reach_m
from plotscore.distance import euclidean_distances, network_distances
from plotscore.errors import ScoringError
from plotscore.measures import raster_mean
from plotscore.model import ScoreModel, score_frame
from plotscore.network import WalkGraph, build_walk_graph, check_rd_new, load_walk_rules
from plotscore.population import (
    REACH_RADII_M,
    PopulationPoints,
    distribute_older_residents,
    older_within_reach,
)
from plotscore.progress import Progress, report, scaled

__all__ = ["ScoreRun", "score_plots"]


@dataclass(frozen=True)
class ScoreRun:
    """The result of one scoring run.

    ``frame``: the plots (their own columns first) with all result columns, same index.
    ``model``: cached utilities for live re-weighting. ``graph``: the walking network used
    (None in straight-line mode). ``notes``: Dutch lines on method and data gaps, for reports.
    """

    frame: gpd.GeoDataFrame
    model: ScoreModel
    profile: Profile
    method: str
    graph: WalkGraph | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def _departures(distances: pd.DataFrame, facilities: gpd.GeoDataFrame, categories: list[str]) -> pd.DataFrame:
    """``deph_<c>``: departures per hour at the nearest facility of c (for the transit bonus)."""
    if "departures_per_hour" not in facilities.columns:
        return pd.DataFrame(index=distances.index)
    deph = pd.Series(
        pd.to_numeric(facilities["departures_per_hour"], errors="coerce").to_numpy(),
        index=facilities["facility_id"].astype(str).to_numpy(),
    )
    deph = deph[~deph.index.duplicated()]
    out = {}
    for c in categories:
        col = cols.nearest_col(c)
        if col in distances.columns:
            out[cols.deph_col(c)] = distances[col].astype("string").map(deph).astype("Float64")
    return pd.DataFrame(out, index=distances.index)


def _norm_radius(profile: Profile) -> dict[str, float]:
    """Count facilities within the norm (full-score distance) of each category."""
    out: dict[str, float] = {}
    for c in profile.criteria:
        if c.kind == "distance" and c.category and c.decay is not None:
            out[c.category] = min(out.get(c.category, np.inf), c.decay.full_score_m)
    return out


def _older_reach(
    plots: gpd.GeoDataFrame,
    profile: Profile,
    population: PopulationPoints | None,
    neighbourhoods: gpd.GeoDataFrame | None,
    zoning: gpd.GeoDataFrame | None,
    graph: WalkGraph | None,
    distances: pd.DataFrame,
    snap_limit_m: float,
    notes: list[str],
) -> pd.DataFrame:
    """Older residents within 400/800 m (and each demand criterion's radius): one table, one search."""
    radii = sorted(
        {*REACH_RADII_M, *(c.radius_m for c in profile.criteria if c.kind == "demand" and c.radius_m)}
    )
    demand = [c for c in profile.criteria if c.kind == "demand" and c.weight > 0]
    if population is None and neighbourhoods is not None and len(neighbourhoods):
        population = distribute_older_residents(neighbourhoods, zoning=zoning)
    if population is None or population.points.empty:
        if demand:
            names = ", ".join(f"'{c.label}'" for c in demand)
            notes.append(f"Geen CBS-cijfers over ouderen geladen: criterium {names} heeft geen gegevens.")
        return pd.DataFrame(index=plots.index)
    table = older_within_reach(
        plots,
        population,
        graph=graph,
        radii_m=radii,
        snap_limit_m=snap_limit_m,
        ontsloten=distances[cols.ONTSLOTEN].to_numpy(dtype=bool) if graph is not None else None,
    )
    how = "lopen" if graph is not None else "hemelsbreed"
    notes.append(
        f"Ouderen binnen {' en '.join(f'{r:g} m' for r in radii)} ({how}): schatting uit CBS-cijfers per "
        f"{population.level or 'gebied'}, verdeeld over {population.method_summary}."
    )
    if table.attrs.get("note"):
        notes.append(str(table.attrs["note"]))
    return table


def score_plots(
    plots: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    profile: Profile,
    *,
    network_source: gpd.GeoDataFrame | None = None,
    graph: WalkGraph | None = None,
    euclidean: bool = False,
    zoning: gpd.GeoDataFrame | None = None,
    neighbourhoods: gpd.GeoDataFrame | None = None,
    population: PopulationPoints | None = None,
    rasters: Mapping[str, str | Path] | None = None,
    exclusions: gpd.GeoDataFrame | None = None,
    k: int = 10,
    robustness_n: int = 200,
    seed: int = 0,
    progress: Progress | None = None,
) -> ScoreRun:
    """Score ``plots`` for ``profile``; never mutates the inputs.

    Walking distances over ``graph`` (or a graph built from ``network_source``); with neither,
    or with ``euclidean=True``, straight-line distances, labelled "hemelsbreed" in every
    column and text. Constraints and capacity are shown as columns, never applied as filters.
    Older residents within 400 and 800 m (and every demand criterion's radius) are counted from
    ``population`` (see :mod:`plotscore.population`), or from ``neighbourhoods`` spread over the
    residential zoning when no population is given, over the same walking network.
    """
    check_rd_new(plots, "kavels")
    check_rd_new(facilities, "voorzieningen")
    if len(plots) == 0:
        raise ScoringError("Er zijn geen kavels om te beoordelen.", hint="Importeer of teken eerst kavels.")
    notes: list[str] = []
    reach = reach_m(profile)
    count_within = _norm_radius(profile)
    walk_rules = load_walk_rules(profile.network_profile)
    use_network = not euclidean and (graph is not None or network_source is not None)

    if use_network:
        if graph is None:
            assert network_source is not None
            graph = build_walk_graph(
                network_source, profile=profile.network_profile, progress=scaled(progress, 0.0, 0.25)
            )
        notes.append(graph.report.summary_nl())
        distances = network_distances(
            graph,
            plots,
            facilities,
            reach,
            count_within=count_within,
            pace_kmh=profile.pace_kmh,
            snap_limit_m=walk_rules.snap_limit_m,
            progress=scaled(progress, 0.25, 0.6),
        )
        method = "netwerk"
        n_off = int((~distances[cols.ONTSLOTEN].astype(bool)).sum())
        if n_off:
            notes.append(
                f"{n_off} kavels liggen meer dan {walk_rules.snap_limit_m:.0f} m van het looppadennetwerk "
                "(niet ontsloten); hun afstandscriteria tellen als 0."
            )
    else:
        distances = euclidean_distances(
            plots,
            facilities,
            reach,
            count_within=count_within,
            pace_kmh=profile.pace_kmh,
            progress=scaled(progress, 0.0, 0.6),
        )
        method = "hemelsbreed"
        notes.append(
            "Afstanden zijn hemelsbreed (geen looppadennetwerk geladen): werkelijke loopafstanden zijn langer."
        )
    categories = sorted(reach)
    present = set(facilities["category"].dropna().astype(str)) if len(facilities) else set()
    missing = [c for c in categories if c not in present]
    if missing:
        notes.append(f"Geen voorzieningen in de gegevens voor: {', '.join(missing)}; die criteria scoren 0.")

    bonus = sorted({c.category for c in profile.criteria if c.frequency_bonus is not None and c.category})
    parts = [distances, _departures(distances, facilities, bonus)]
    report(progress, 0.6, "Overige maten")
    older = _older_reach(
        plots,
        profile,
        population,
        neighbourhoods,
        zoning,
        graph if use_network else None,
        distances,
        walk_rules.snap_limit_m,
        notes,
    )
    parts.append(older)
    for crit in profile.criteria:
        if crit.kind == "raster":
            key = crit.raster or crit.id
            path = (rasters or {}).get(key)
            if path is None:
                raise ScoringError(
                    f"Criterium '{crit.label}' heeft raster '{key}' nodig, maar dat is niet geladen.",
                    hint="Importeer de rasterlaag of zet het gewicht van dit criterium op 0.",
                )
            parts.append(raster_mean(plots, path, name=cols.measure_col("raster", crit.id)).to_frame())
        elif crit.kind == "demand":
            source = cols.older_col(crit.age_group, crit.radius_m or REACH_RADII_M[-1])
            values = older[source] if source in older.columns else pd.Series(np.nan, index=plots.index)
            parts.append(pd.DataFrame({cols.measure_col("demand", crit.id): values}, index=plots.index))
    measures = pd.concat(parts, axis=1)

    report(progress, 0.65, "Beperkingen en capaciteit")
    extra = [area_check(plots, housing_category=profile.housing_category)]
    if zoning is not None and len(zoning):
        zoning_columns = zoning_compatibility(plots, zoning, housing_category=profile.housing_category)
        notes.extend(zoning_notes(zoning_columns))
        extra.append(zoning_columns)
    if exclusions is not None and len(exclusions):
        extra.append(exclusion_check(plots, exclusions))
    extra.append(estimate_capacity(plots, housing_category=profile.housing_category, zoning=zoning))

    scores = score_frame(
        measures, profile, k=k, robustness_n=robustness_n, seed=seed, progress=scaled(progress, 0.7, 1.0)
    )
    model = ScoreModel.from_measures(measures, profile)

    result = pd.concat([measures, *extra, scores], axis=1)
    result = result.loc[:, ~result.columns.duplicated(keep="last")]
    own = plots.drop(columns=[c for c in plots.columns if c in result.columns and c != plots.geometry.name])
    frame = gpd.GeoDataFrame(pd.concat([own, result], axis=1), geometry=plots.geometry.name, crs=plots.crs)
    report(progress, 1.0, "Klaar")
    return ScoreRun(
        frame=frame,
        model=model,
        profile=profile,
        method=method,
        graph=graph if use_network else None,
        notes=tuple(notes),
    )
