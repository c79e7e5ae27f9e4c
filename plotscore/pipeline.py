"""One scoring run: network → distances → measures → constraints → capacity → scores.

:func:`score_plots` is what the CLI, the project layer and the app call. It returns a frame
indexed like the input plots with every measure, constraint, capacity and score column, plus
the live :class:`~plotscore.model.ScoreModel` for re-weighting without recomputing distances.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from plotscore import columns as cols
from plotscore.capacity import estimate_capacity
from plotscore.columns import DistanceMethod
from plotscore.constraints import area_check, exclusion_check, zoning_compatibility, zoning_notes
from plotscore.criteria import Profile, min_departures, reach_m
from plotscore.distance import DISTINCT_ID, euclidean_distances, network_distances
from plotscore.errors import ScoringError
from plotscore.explain import EDGE_NOTE, format_number, no_data_text
from plotscore.facilities import distinct_facilities, facility_vocabulary, group_departures
from plotscore.measures import raster_mean
from plotscore.model import ScoreModel
from plotscore.network import NetworkReport, WalkGraph, build_walk_graph, check_rd_new, load_walk_rules
from plotscore.population import (
    REACH_RADII_M,
    PopulationPoints,
    distribute_older_residents,
    older_within_reach,
)
from plotscore.progress import Progress, report, scaled
from plotscore.results import score_frame
from plotscore.tiles import TiledDistances, TilePlan, prepare_region, tiled_network_distances

__all__ = ["ScoreRun", "network_buffer_m", "score_plots"]


@dataclass(frozen=True)
class ScoreRun:
    """The result of one scoring run.

    ``frame``: the plots (their own columns first) with all result columns, same index.
    ``model``: cached utilities for live re-weighting (it leaves out ``absent`` criteria).
    ``graph``: the walking network used (None in straight-line mode). ``network_loaded``: a
    network was given, also when straight-line distances were asked for. ``absent``: criteria
    without data in the loaded layers (id → Dutch text), left out of the score with the other
    weights renormalised. ``notes``: Dutch lines on method and data gaps, for every output.
    ``tile_stats``: per tile of a tiled run (:mod:`plotscore.tiles`), its size and timings.
    """

    frame: gpd.GeoDataFrame
    model: ScoreModel
    profile: Profile
    method: DistanceMethod
    graph: WalkGraph | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    network_loaded: bool = False
    absent: Mapping[str, str] = field(default_factory=dict)
    tile_stats: tuple[Mapping[str, Any], ...] = ()


def _departures(distances: pd.DataFrame, per_facility: pd.Series, categories: list[str]) -> pd.DataFrame:
    """``deph_<c>``: departures per hour at the nearest (distinct) facility of c, summed over its stops."""
    out = {}
    for c in categories:
        col = cols.nearest_col(c)
        if col in distances.columns:
            out[cols.deph_col(c)] = distances[col].astype("string").map(per_facility).astype("Float64")
    return pd.DataFrame(out, index=distances.index)


def network_buffer_m(profile: Profile) -> float:
    """How far around the plots the walking network must reach: the largest zero-score distance.

    A facility farther than that scores 0 anyway, and no walk that matters leaves this buffer.
    """
    return max(reach_m(profile).values(), default=0.0)


def _clip_network(
    network_source: gpd.GeoDataFrame, plots: gpd.GeoDataFrame, buffer_m: float
) -> gpd.GeoDataFrame:
    """The ways that reach into the plots' bounding box grown by ``buffer_m`` (whole ways)."""
    x0, y0, x1, y1 = plots.total_bounds
    box = shapely.box(x0 - buffer_m, y0 - buffer_m, x1 + buffer_m, y1 + buffer_m)
    inside = network_source.intersects(box).to_numpy(dtype=bool)
    # All of a province's ways inside: the same frame (never mutated), not a copy of millions of ways.
    return network_source if inside.all() else network_source.loc[inside]


def _facility_notes(
    facilities: gpd.GeoDataFrame, categories: list[str], thresholds: Mapping[str, float]
) -> tuple[gpd.GeoDataFrame, pd.Series, list[str]]:
    """Distinct facilities (``distinct_id``), the transit threshold applied, and notes on both."""
    notes: list[str] = []
    fac = facilities.assign(**{DISTINCT_ID: distinct_facilities(facilities)})
    deph = group_departures(fac, fac[DISTINCT_ID])
    used = fac["category"].astype("string").isin(categories).fillna(False).to_numpy(dtype=bool)
    n_rows = int(used.sum())
    n_distinct = int(fac.loc[used, DISTINCT_ID].nunique())
    if n_distinct < n_rows:
        notes.append(
            f"{n_rows - n_distinct} voorzieningen samengevoegd: {n_rows} objecten zijn {n_distinct} "
            "verschillende voorzieningen (haltes en perrons van één station of haltegebied, of dezelfde "
            "voorziening dubbel vermeld: zelfde categorie en naam binnen "
            f"{format_number(facility_vocabulary().same_name_radius_m, 0)} m); tellingen tellen elke "
            "voorziening één keer."
        )
    group_deph = fac[DISTINCT_ID].astype("string").map(deph).astype("Float64")
    drop = np.zeros(len(fac), dtype=bool)
    for category, minimum in thresholds.items():
        in_cat = fac["category"].astype("string").eq(category).fillna(False).to_numpy(dtype=bool)
        low = in_cat & (group_deph < minimum).fillna(False).to_numpy(dtype=bool)
        unknown = in_cat & group_deph.isna().to_numpy(dtype=bool)
        label = facility_vocabulary().plural(category)
        if low.any():
            notes.append(
                f"{fac.loc[low, DISTINCT_ID].nunique()} {label} met minder dan {format_number(minimum)} "
                "vertrekken per uur tellen niet mee voor het OV-criterium (ook niet als dichtstbijzijnde)."
            )
        if unknown.any():
            notes.append(
                f"Van {fac.loc[unknown, DISTINCT_ID].nunique()} {label} is het aantal vertrekken onbekend "
                "(geen dienstregeling geladen): zij tellen mee, de toelichting zegt 'vertrekken onbekend'."
            )
        drop |= low
    return fac.loc[~drop], deph, notes


def _tiled_distances(
    tiles: TilePlan,
    plots: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    network_source: gpd.GeoDataFrame,
    profile: Profile,
    reach: Mapping[str, float],
    count_within: Mapping[str, float],
    snap_limit_m: float,
    population: PopulationPoints | None,
    workers: int,
    progress: Progress | None,
) -> tuple[TiledDistances, pd.DataFrame, NetworkReport]:
    """The network cut as an untiled run cuts it, its largest part found once, then the tiles."""
    region = prepare_region(
        _clip_network(network_source, plots, network_buffer_m(profile)),
        profile=profile.network_profile,
        snap_limit_m=snap_limit_m,
        population=population,
        progress=scaled(progress, 0.0, 0.1),
    )
    points = population.points if population is not None and not population.points.empty else None
    tiled = tiled_network_distances(
        tiles,
        plots,
        facilities,
        region,
        reach,
        count_within=count_within,
        pace_kmh=profile.pace_kmh,
        snap_limit_m=snap_limit_m,
        population=points,
        radii_m=_older_radii(profile) if points is not None else (),
        workers=workers,
        progress=scaled(progress, 0.1, 0.6),
    )
    return tiled, tiled.distances, region.report


def _tiles_note(tiles: TilePlan, tiled: TiledDistances, buffer_m: float) -> str:
    how = "per gemeente" if tiles.kind == "gemeente" else "in vierkante tegels"
    n = sum(1 for t in tiled.tiles if t["plots"])  # not the checks of facilities far from every plot
    return (
        f"Loopafstanden berekend {how}: {n} {'tegel' if n == 1 else 'tegels'} in "
        f"{tiled.workers} {'proces' if tiled.workers == 1 else 'processen'}, elke tegel met de looppaden tot minstens "
        f"{format_number(buffer_m, 0)} m rond zijn kavels (de grootste zoekafstand en de aansluitingen), "
        "zodat elke afstand gelijk is aan een berekening over het hele gebied in één keer."
    )


def _norm_radius(profile: Profile) -> dict[str, float]:
    """Count facilities within the norm (full-score distance) of each category."""
    out: dict[str, float] = {}
    for c in profile.criteria:
        if c.kind == "distance" and c.category and c.decay is not None:
            out[c.category] = min(out.get(c.category, np.inf), c.decay.full_score_m)
    return out


def _network_notes(
    distances: pd.DataFrame, facilities: gpd.GeoDataFrame, snap_limit_m: float, uncertain_m: float
) -> list[str]:
    """Dutch notes on plots and facilities the network does not reach well."""
    notes: list[str] = []
    rep = distances.attrs.get("distance_report", {})
    n_off = int((~distances[cols.ONTSLOTEN].astype(bool)).sum())
    if n_off:
        notes.append(
            f"{n_off} kavels liggen meer dan {snap_limit_m:.0f} m van het looppadennetwerk "
            "(niet ontsloten); hun afstandscriteria tellen als 0."
        )
    unreached = list(rep.get("facilities_not_connected_ids", []))
    if unreached:
        names = facilities.set_index(facilities["facility_id"].astype(str))["name"].astype("string")
        shown = [f"{names.get(i) if pd.notna(names.get(i)) else i}" for i in unreached[:5]]
        more = f" en {len(unreached) - 5} meer" if len(unreached) > 5 else ""
        notes.append(
            f"{len(unreached)} voorzieningen liggen meer dan {snap_limit_m:.0f} m van een looppad en zijn "
            f"niet bereikbaar over het netwerk: {', '.join(shown)}{more}."
        )
    uncertain = distances.get(cols.DISTANCE_UNCERTAIN)
    n_uncertain = int(uncertain.fillna(False).astype(bool).sum()) if uncertain is not None else 0
    if n_uncertain:
        notes.append(
            f"{EDGE_NOTE[0].upper()}{EDGE_NOTE[1:]} bij {n_uncertain} kavels: de kavel ligt dichter bij de "
            "rand van het geladen looppadennetwerk dan de gevonden afstand (verderop kan een nadere "
            f"voorziening of een kortere route liggen), of de aansluiting op het netwerk is langer dan "
            f"{uncertain_m:.0f} m. Zie de kolommen uncertain_<categorie> en distance_uncertain."
        )
    return notes


def _older_radii(profile: Profile) -> list[float]:
    return sorted(
        {*REACH_RADII_M, *(c.radius_m for c in profile.criteria if c.kind == "demand" and c.radius_m)}
    )


def _older_population(
    population: PopulationPoints | None,
    neighbourhoods: gpd.GeoDataFrame | None,
    zoning: gpd.GeoDataFrame | None,
) -> PopulationPoints | None:
    if population is None and neighbourhoods is not None and len(neighbourhoods):
        return distribute_older_residents(neighbourhoods, zoning=zoning)
    return population


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
    tiled: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Older residents within 400/800 m (and each demand criterion's radius): one table, one search.

    ``tiled``: the table a tiled run already computed (walking, per tile).
    """
    radii = _older_radii(profile)
    population = _older_population(population, neighbourhoods, zoning)
    if population is None or population.points.empty:
        return pd.DataFrame(index=plots.index)  # the demand criteria are then 'absent' (said once)
    table = (
        tiled
        if tiled is not None
        else older_within_reach(
            plots,
            population,
            graph=graph,
            radii_m=radii,
            snap_limit_m=snap_limit_m,
            ontsloten=distances[cols.ONTSLOTEN].to_numpy(dtype=bool) if graph is not None else None,
        )
    )
    how = "lopen" if graph is not None or tiled is not None else "hemelsbreed"
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
    kept_buildings: gpd.GeoDataFrame | None = None,
    tiles: TilePlan | None = None,
    workers: int = 1,
) -> ScoreRun:
    """Score ``plots`` for ``profile``; never mutates the inputs.

    Walking distances over ``graph`` (or a graph built from ``network_source``, cut to the plots
    plus :func:`network_buffer_m`); with neither, or with ``euclidean=True``, straight-line
    distances, labelled "hemelsbreed" in every column and text. Facilities are counted as
    distinct places; transit stops below the profile's departure threshold are left out;
    criteria with no data at all are left out of the score (weights renormalised) and every
    output says so. Constraints and capacity are shown as columns, never applied as filters.
    ``kept_buildings``: footprints of existing buildings that stay (left out of the capacity).
    Older residents within 400 and 800 m (and every demand criterion's radius) are counted from
    ``population`` (see :mod:`plotscore.population`), or from ``neighbourhoods`` spread over the
    residential zoning when no population is given, over the same walking network.
    ``tiles``: compute the walking distances and residents tile by tile (:mod:`plotscore.tiles`)
    in ``workers`` processes, from ``network_source``; the numbers equal an untiled run, the
    run has no whole-region ``graph`` and its ``tile_stats`` say what each tile cost.
    """
    check_rd_new(plots, "kavels")
    check_rd_new(facilities, "voorzieningen")
    if len(plots) == 0:
        raise ScoringError("Er zijn geen kavels om te beoordelen.", hint="Importeer of teken eerst kavels.")
    notes: list[str] = []
    reach = reach_m(profile)
    count_within = _norm_radius(profile)
    walk_rules = load_walk_rules(profile.network_profile)
    network_loaded = graph is not None or network_source is not None
    use_network = not euclidean and network_loaded
    categories = sorted(reach)
    present = set(facilities["category"].dropna().astype(str)) if len(facilities) else set()
    missing = [c for c in categories if c not in present]
    scored, per_facility, fac_notes = _facility_notes(facilities, categories, min_departures(profile))

    tiled: TiledDistances | None = None
    if use_network and tiles is not None:
        if network_source is None:
            raise ScoringError(
                "In tegels scoren kan alleen vanuit een bron met looppaden, niet vanuit een gebouwd netwerk.",
                hint="Geef het OSM-bestand of de looppadenlaag op, of scoor zonder tegels.",
            )
        population = _older_population(population, neighbourhoods, zoning)
        tiled, distances, region_report = _tiled_distances(
            tiles,
            plots,
            scored,
            network_source,
            profile,
            reach,
            count_within,
            walk_rules.snap_limit_m,
            population,
            workers,
            progress,
        )
        graph = None
        notes.append(region_report.summary_nl())
        notes.append(_tiles_note(tiles, tiled, network_buffer_m(profile)))
        method = DistanceMethod.NETWERK
        notes.extend(
            _network_notes(distances, scored, walk_rules.snap_limit_m, walk_rules.uncertain_connector_m)
        )
    elif use_network:
        if graph is None:
            assert network_source is not None
            buffer_m = network_buffer_m(profile)
            graph = build_walk_graph(
                _clip_network(network_source, plots, buffer_m),
                profile=profile.network_profile,
                progress=scaled(progress, 0.0, 0.25),
            )
        notes.append(graph.report.summary_nl())
        distances = network_distances(
            graph,
            plots,
            scored,
            reach,
            count_within=count_within,
            pace_kmh=profile.pace_kmh,
            snap_limit_m=walk_rules.snap_limit_m,
            progress=scaled(progress, 0.25, 0.6),
        )
        method = DistanceMethod.NETWERK
        notes.extend(
            _network_notes(distances, scored, walk_rules.snap_limit_m, walk_rules.uncertain_connector_m)
        )
    else:
        distances = euclidean_distances(
            plots,
            scored,
            reach,
            count_within=count_within,
            pace_kmh=profile.pace_kmh,
            progress=scaled(progress, 0.0, 0.6),
        )
        method = DistanceMethod.HEMELSBREED
        why = (
            "op verzoek; er is wel een looppadennetwerk geladen"
            if network_loaded
            else "er is geen looppadennetwerk geladen"
        )
        notes.append(f"Afstanden zijn hemelsbreed ({why}): werkelijke loopafstanden zijn langer.")
    notes.extend(fac_notes)
    bonus = sorted(
        {
            c.category
            for c in profile.criteria
            if c.category and (c.frequency_bonus is not None or c.min_departures_per_hour is not None)
        }
    )
    parts = [distances, _departures(distances, per_facility, bonus)]
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
        tiled=tiled.older if tiled is not None else None,
    )
    parts.append(older)
    absent: dict[str, str] = {}
    for crit in profile.criteria:
        if crit.kind == "distance" and crit.category in missing:
            absent[crit.id] = no_data_text(crit)
        elif (
            crit.kind == "demand"
            and cols.older_col(crit.age_group, crit.radius_m or REACH_RADII_M[-1]) not in older
        ):
            absent[crit.id] = no_data_text(crit) + " (geen CBS-cijfers over ouderen)"
    # The note names what weighs; a criterion at weight 0 without data changes no score.
    gone = [c for c in profile.criteria if c.id in absent and c.weight > 0]
    if gone:
        what = sorted(
            {facility_vocabulary().plural(c.category) for c in gone if c.kind == "distance" and c.category}
        )
        other = [c.label for c in gone if c.kind != "distance"]
        share = sum(c.weight for c in gone) / max(sum(c.weight for c in profile.criteria), 1e-12)
        notes.append(
            f"Geen gegevens in de geladen lagen over {', '.join([*what, *other])}: de criteria "
            f"{', '.join(c.label for c in gone)} ({format_number(100 * share, 0)} % van het gewicht) tellen "
            "niet mee in de score; de gewichten van de andere criteria zijn herschaald naar 100 %."
        )

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
    # One capacity estimate, read by the area check too: the two never contradict each other.
    capacity = estimate_capacity(
        plots, housing_category=profile.housing_category, zoning=zoning, kept_buildings=kept_buildings
    )
    extra = [area_check(plots, housing_category=profile.housing_category, capacity=capacity)]
    if zoning is not None and len(zoning):
        zoning_columns = zoning_compatibility(plots, zoning, housing_category=profile.housing_category)
        notes.extend(zoning_notes(zoning_columns))
        extra.append(zoning_columns)
    if exclusions is not None and len(exclusions):
        extra.append(exclusion_check(plots, exclusions))
    extra.append(capacity)

    scores = score_frame(
        measures,
        profile,
        k=k,
        robustness_n=robustness_n,
        seed=seed,
        absent=absent,
        progress=scaled(progress, 0.7, 1.0),
    )
    model = ScoreModel.from_measures(measures, profile, absent=absent)

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
        network_loaded=network_loaded,
        absent=absent,
        tile_stats=tuple(tiled.tiles) if tiled is not None else (),
    )
