"""Scoring from layer files: gather canonical layers, run the engine, write the results.

This is the use case behind ``bodnaarplot score``; the project store will call the same
functions with the layers stored inside a project.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from layers.canonical import LayerKind
from layers.registry import has_layer, load_path
from layers.result import LoadResult
from plotscore import walkcore
from plotscore.criteria import Profile
from plotscore.pipeline import ScoreRun, score_plots
from plotscore.population import PopulationPoints
from plotscore.progress import Progress
from plotscore.tiles import TilePlan, grid_tiles, outline_tiles
from projects.errors import InputsError
from projects.files import json_value, write_frame

__all__ = [
    "FileReader",
    "ScoreInputs",
    "check_output_path",
    "gather_layers",
    "plan_tiles",
    "run_summary",
    "score_layer_files",
    "write_scores",
]


@dataclass(frozen=True)
class ScoreInputs:
    """The canonical layers for one scoring run and where each came from."""

    plots: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    network_source: gpd.GeoDataFrame | None = None
    zoning: gpd.GeoDataFrame | None = None
    neighbourhoods: gpd.GeoDataFrame | None = None
    exclusions: gpd.GeoDataFrame | None = None
    sources: dict[str, list[str]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    kept_buildings: gpd.GeoDataFrame | None = None  # footprints that stay (capacity estimate)
    population: PopulationPoints | None = None  # older residents spread over where people live


def _combine(results: list[LoadResult]) -> gpd.GeoDataFrame:
    if len(results) == 1:
        return results[0].frame
    frame = pd.concat([r.frame for r in results], ignore_index=True)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=results[0].frame.crs)


@dataclass
class FileReader:
    """Reads the files of one command with its ``--layer`` and ``--gtfs-date``.

    ``layer`` applies to every file that has a layer of that name (the others are read as
    usual); ``gtfs_date`` to every GTFS feed. :meth:`notes` says when an option found nothing
    to apply to, so it is never ignored silently.
    """

    layer: str | None = None
    gtfs_date: Any = None
    layer_used: bool = False
    date_used: bool = False

    def read(
        self,
        path: str | Path,
        *,
        kind: LayerKind | None = None,
        kinds: Sequence[LayerKind] | None = None,
    ) -> list[LoadResult]:
        layer = self.layer if self.layer is not None and has_layer(path, self.layer) else None
        results = load_path(path, kind=kind, kinds=kinds, layer=layer, gtfs_date=self.gtfs_date)
        self.layer_used |= layer is not None
        self.date_used |= any(r.meta.get("date_chosen") == "option" for r in results)
        return results

    def check(self) -> None:
        """Refuse a ``--layer`` that no file has (a typo must not pass as "read everything")."""
        if self.layer is not None and not self.layer_used:
            raise InputsError(
                f"Geen van de bestanden heeft een laag '{self.layer}'.",
                hint="Kijk met 'bodnaarplot inspect BESTAND' welke lagen een bestand heeft.",
            )

    def notes(self) -> list[str]:
        if self.gtfs_date is not None and not self.date_used:
            return [f"--gtfs-date {self.gtfs_date} is niet gebruikt: er is geen GTFS-bestand gelezen."]
        return []


def gather_layers(
    inputs: Sequence[str | Path] = (),
    *,
    plots: str | Path | None = None,
    facilities: Sequence[str | Path] = (),
    network: str | Path | None = None,
    zoning: Sequence[str | Path] = (),
    neighbourhoods: str | Path | None = None,
    exclusions: str | Path | None = None,
    layer: str | None = None,
    gtfs_date: Any = None,
) -> ScoreInputs:
    """Read layer files into one :class:`ScoreInputs`.

    ``inputs`` are files whose kinds are detected (a demo GeoPackage holds them all); the
    keyword paths force a kind and win over what ``inputs`` provided. Several facility or
    zoning files are combined. ``layer`` and ``gtfs_date`` work as in :class:`FileReader`.
    """
    reader = FileReader(layer=layer, gtfs_date=gtfs_date)
    found: dict[LayerKind, list[LoadResult]] = {}
    for path in inputs:
        for r in reader.read(path):
            found.setdefault(r.kind, []).append(r)
    forced: list[tuple[LayerKind, Sequence[str | Path]]] = [
        (LayerKind.PLOTS, [plots] if plots else []),
        (LayerKind.FACILITIES, facilities),
        (LayerKind.NETWORK_SOURCE, [network] if network else []),
        (LayerKind.ZONING, zoning),
        (LayerKind.NEIGHBOURHOODS, [neighbourhoods] if neighbourhoods else []),
    ]
    for kind, paths in forced:
        if paths:
            found[kind] = [r for p in paths for r in reader.read(p, kind=kind)]
    excl = reader.read(exclusions, kind=LayerKind.PLOTS) if exclusions else []
    reader.check()

    for kind, label in (
        (LayerKind.PLOTS, "kavels (plots)"),
        (LayerKind.FACILITIES, "voorzieningen (facilities)"),
    ):
        if not found.get(kind):
            raise InputsError(
                f"Er zijn geen {label} gevonden in de opgegeven bestanden.",
                hint=f"Geef ze op met --{'plots' if kind is LayerKind.PLOTS else 'facilities'} BESTAND.",
            )
    warnings = tuple(
        [f"{r.kind.value}: {w.message}" for rs in found.values() for r in rs for w in r.warnings]
        + reader.notes()
    )
    sources = {
        k.value: [r.source + (f"#{r.layer}" if r.layer else "") for r in rs] for k, rs in found.items()
    }

    def opt(kind: LayerKind) -> gpd.GeoDataFrame | None:
        return _combine(found[kind]) if found.get(kind) else None

    return ScoreInputs(
        plots=_combine(found[LayerKind.PLOTS]),
        facilities=_combine(found[LayerKind.FACILITIES]),
        network_source=opt(LayerKind.NETWORK_SOURCE),
        zoning=opt(LayerKind.ZONING),
        neighbourhoods=opt(LayerKind.NEIGHBOURHOODS),
        exclusions=_combine(excl) if excl else None,
        sources=sources,
        warnings=warnings,
    )


def score_layer_files(
    inputs: ScoreInputs,
    profile: Profile,
    *,
    euclidean: bool = False,
    rasters: Mapping[str, str | Path] | None = None,
    k: int = 10,
    robustness_n: int = 200,
    seed: int = 0,
    progress: Progress | None = None,
    tiles: TilePlan | None = None,
    workers: int = 1,
) -> ScoreRun:
    """Run the scoring engine on gathered layers (straight-line when there is no network).

    ``tiles`` (see :func:`plan_tiles`): walking distances tile by tile in ``workers`` processes.
    """
    return score_plots(
        inputs.plots,
        inputs.facilities,
        profile,
        network_source=inputs.network_source,
        euclidean=euclidean,
        zoning=inputs.zoning,
        neighbourhoods=inputs.neighbourhoods,
        population=inputs.population,
        rasters=rasters,
        exclusions=inputs.exclusions,
        k=k,
        robustness_n=robustness_n,
        seed=seed,
        progress=progress,
        kept_buildings=inputs.kept_buildings,
        tiles=tiles,
        workers=workers,
    )


def plan_tiles(
    spec: str, plots: gpd.GeoDataFrame, *, gemeenten: str | Path | None = None, layer: str | None = None
) -> TilePlan:
    """The tiles of ``--tiles SPEC``: ``gemeente`` (one per outline in ``gemeenten``, e.g. the CBS
    gemeentegrenzen) or ``grid:METRES`` (squares of that size)."""
    kind, _, arg = spec.strip().lower().partition(":")
    if kind == "grid":
        try:
            size = float(arg) if arg else 10_000.0
        except ValueError:
            size = float("nan")
        if not (math.isfinite(size) and size >= 500):
            raise InputsError(
                f"Ongeldige tegelgrootte '{arg}'.",
                hint="Geef meters, minstens 500: bijv. --tiles grid:10000.",
            )
        return grid_tiles(plots, size)
    if kind == "gemeente":
        if gemeenten is None:
            raise InputsError(
                "--tiles gemeente heeft de gemeentegrenzen nodig.",
                hint="Geef ze op met --gemeenten BESTAND (bijv. CBS-gemeentegrenzen), of kies --tiles grid:10000.",
            )
        found = FileReader(layer=layer).read(gemeenten, kind=LayerKind.NEIGHBOURHOODS)
        outlines = _combine(found)
        if "level" in outlines.columns and outlines["level"].astype("string").eq("gemeente").any():
            outlines = outlines.loc[
                outlines["level"].astype("string").eq("gemeente").fillna(False).to_numpy(dtype=bool)
            ]
        return outline_tiles(plots, outlines, key="code", name="name")
    raise InputsError(
        f"Onbekende tegelindeling '{spec}'.",
        hint="Kies --tiles gemeente (met --gemeenten) of --tiles grid:METERS.",
    )


def _for_file(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Types GDAL can store: nullable ints/floats/bools/strings kept, objects as text."""
    out = frame.copy()
    for col in out.columns:
        if col == out.geometry.name:
            continue
        dtype = out[col].dtype
        if pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype):
            out[col] = out[col].astype("string")
        elif str(dtype) == "boolean":
            out[col] = out[col].astype("Int8")
    return out


def check_output_path(out: str | Path) -> Path:
    """Refuse an unknown output format before any work is done."""
    target = Path(out)
    if target.suffix.lower() not in (".gpkg", ".csv"):
        raise InputsError(
            f"Onbekend uitvoerformaat '{target.suffix}'.", hint="Gebruik .gpkg of .csv.", path=str(target)
        )
    if target.is_dir():
        raise InputsError("Het uitvoerpad is een map.", hint="Geef een bestandsnaam op.", path=str(target))
    return target


def write_scores(run: ScoreRun, out: str | Path) -> Path:
    """Write all result columns to a GeoPackage (with geometry) or a CSV (with x/y in RD).

    The run's notes (method, data gaps, criteria left out for lack of data, uncertain distances)
    travel with the numbers: in a GeoPackage as the table ``scores_<profile>_notes``, in a CSV
    as the column ``run_notes`` (the same text on every row, notes separated by " | ").
    Written to a temporary file first and moved into place when complete, so a failed write
    never leaves a half-written file behind.
    """
    target = check_output_path(out)
    frame = _for_file(run.frame.sort_values("rank", kind="stable"))
    return write_frame(frame, target, layer=f"scores_{run.profile.id}", notes=run.notes)


def run_summary(run: ScoreRun, inputs: ScoreInputs | None = None, *, top: int = 10) -> dict[str, Any]:
    """A JSON-ready summary: method, profile, counts, the top plots with their explanation."""
    f = run.frame.sort_values("rank", kind="stable")
    cols = [
        c
        for c in (
            "plot_id",
            "name",
            "score",
            "rank",
            "robustness",
            "consensus",
            "disagreement",
            "zoning_class",
            "capacity_min",
            "capacity_max",
            "capacity_basis",
            "explanation",
        )
        if c in f.columns
    ]
    best = [{c: json_value(row[c]) for c in cols} for _, row in f.head(top).iterrows()]
    out: dict[str, Any] = {
        "profile": run.profile.id,
        "housing_category": run.profile.housing_category,
        "method": run.method.value,
        "network_loaded": run.network_loaded,
        "pace_kmh": run.profile.pace_kmh,
        "n_plots": len(f),
        "n_ontsloten": int(f["ontsloten"].astype(bool).sum()) if "ontsloten" in f else None,
        "score_mean": round(float(f["score"].mean()), 2),
        "score_classes": {str(k): int(v) for k, v in f["score_class"].value_counts().sort_index().items()},
        "zoning_classes": {str(k): int(v) for k, v in f["zoning_class"].value_counts().items()}
        if "zoning_class" in f
        else {},
        "capacity_total": [int(f["capacity_min"].sum()), int(f["capacity_max"].sum())],
        "criteria_without_data": dict(run.absent),
        "n_distance_uncertain": int(f["distance_uncertain"].fillna(False).astype(bool).sum())
        if "distance_uncertain" in f
        else 0,
        "notes": list(run.notes),
        "top": best,
    }
    if run.tile_stats:
        out["tiles"] = [{k: json_value(v) for k, v in t.items()} for t in run.tile_stats]
    if inputs is not None:
        out["sources"] = inputs.sources
        out["input_warnings"] = list(inputs.warnings)
    return out


def warm_up_engine(progress: Progress | None = None) -> bool:
    """Compile (or load from numba's cache) the walking core now, so the first scoring does not wait.

    The app runs this in a worker at start-up; True when the compiled core is in use, False when
    scoring runs on the scipy path (numba missing or switched off).
    """
    del progress  # one step; nothing to report
    return walkcore.warm_up()
