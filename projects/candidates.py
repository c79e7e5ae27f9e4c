"""Candidate-finder use cases: find candidates from files or a project, accept them as plots.

Finding never writes. Accepting is one user action and one transaction: the chosen candidates
become rows of the project's ``plots`` table (with their reasons in ``notes``), so they can be
scored and reserved like any plot. Accepting again adds nothing twice: a candidate whose
``plot_id`` is already a plot, or that duplicates an existing plot, is skipped with a reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
from sqlalchemy import select

from layers.canonical import RD_NEW, LayerKind
from layers.plots import load as load_plots
from plotscore.candidates import CANDIDATE_COLUMNS, CandidateList, find_candidates, load_rules, skipped_rules
from plotscore.progress import Progress, report, scaled
from projects.errors import InputsError
from projects.files import write_frame
from projects.models import Plot
from projects.scoring import FileReader, check_output_path

if TYPE_CHECKING:
    from projects.store import ProjectStore

__all__ = [
    "AcceptResult",
    "accept_candidates",
    "candidates_from_files",
    "candidates_summary",
    "parse_mapping",
    "project_candidates",
    "write_candidates",
]

_INPUT_KINDS = (
    LayerKind.BUILDINGS,
    LayerKind.ZONING,
    LayerKind.LAND_USE,
    LayerKind.FACILITIES,
    LayerKind.NETWORK_SOURCE,
    LayerKind.PLOTS,
)


@dataclass(frozen=True)
class AcceptResult:
    """What accepting did: plot ids added, and (plot id, Dutch reason) pairs skipped."""

    added: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def parse_mapping(text: str | None) -> dict[str, str]:
    """``name=NAAM,planned_homes=WONINGEN`` → ``{"name": "NAAM", "planned_homes": "WONINGEN"}``."""
    out: dict[str, str] = {}
    for item in (text or "").split(","):
        if not item.strip():
            continue
        key, sep, col = item.partition("=")
        if not sep or not key.strip() or not col.strip():
            raise InputsError(
                f"--map verwacht VELD=KOLOM, niet '{item.strip()}'.",
                hint="Bijv. --map name=NAAM,planned_homes=WONINGEN,phase=FASE",
            )
        out[key.strip()] = col.strip()
    return out


def _combine(frames: Sequence[gpd.GeoDataFrame]) -> gpd.GeoDataFrame | None:
    if not frames:
        return None
    if len(frames) == 1:
        return frames[0]
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=RD_NEW)


def candidates_from_files(
    paths: Sequence[str | Path] = (),
    *,
    buildings: Sequence[str | Path] = (),
    zoning: Sequence[str | Path] = (),
    land_use: Sequence[str | Path] = (),
    facilities: Sequence[str | Path] = (),
    lists: Sequence[tuple[str | Path, Mapping[str, str]]] = (),
    rules: str | Path | None = None,
    progress: Progress | None = None,
    layer: str | None = None,
    gtfs_date: Any = None,
) -> gpd.GeoDataFrame:
    """Read layer files (kinds detected, or forced per option) and run the candidate finder.

    Plots found in ``paths`` count as existing plots (candidates on them are ``duplicate_of``).
    ``lists`` are plan-capacity lists read with the plots loader plus their column mapping.
    ``layer`` and ``gtfs_date`` work as in :class:`projects.scoring.FileReader`.
    """
    reader = FileReader(layer=layer, gtfs_date=gtfs_date)
    found: dict[LayerKind, list[gpd.GeoDataFrame]] = {}
    jobs: list[tuple[str | Path, LayerKind | None]] = [(p, None) for p in paths]
    jobs += [(p, LayerKind.BUILDINGS) for p in buildings]
    jobs += [(p, LayerKind.ZONING) for p in zoning]
    jobs += [(p, LayerKind.LAND_USE) for p in land_use]
    jobs += [(p, LayerKind.FACILITIES) for p in facilities]
    for k, (path, kind) in enumerate(jobs):
        report(progress, 0.4 * k / max(1, len(jobs)), f"{Path(path).name} lezen")
        results = reader.read(path, kind=kind) if kind is not None else reader.read(path, kinds=_INPUT_KINDS)
        for result in results:
            if result.kind in _INPUT_KINDS:
                found.setdefault(result.kind, []).append(result.frame)
    reader.check()
    cand_lists = []
    for path, mapping in lists:
        loader_map = {k: v for k, v in mapping.items() if k in ("plot_id", "name")}
        frame = load_plots(path, mapping=loader_map)[0].frame
        rest = {k: v for k, v in mapping.items() if k not in ("plot_id", "name")}
        cand_lists.append(
            CandidateList(frame, {**rest, "plot_id": "plot_id", "name": "name"}, Path(path).stem)
        )
    return find_candidates(
        buildings=_combine(found.get(LayerKind.BUILDINGS, [])),
        zoning=_combine(found.get(LayerKind.ZONING, [])),
        land_use=_combine(found.get(LayerKind.LAND_USE, [])),
        facilities=_combine(found.get(LayerKind.FACILITIES, [])),
        network_source=_combine(found.get(LayerKind.NETWORK_SOURCE, [])),
        existing_plots=_combine(found.get(LayerKind.PLOTS, [])),
        lists=cand_lists,
        rules=load_rules(rules) if rules is not None else None,
        progress=scaled(progress, 0.4, 1.0),
    )


def project_candidates(
    store: ProjectStore,
    *,
    lists: Sequence[CandidateList] = (),
    rules: str | Path | None = None,
    progress: Progress | None = None,
) -> gpd.GeoDataFrame:
    """Run the candidate finder on the project's stored layers; its plots are the existing ones."""
    from projects.plots import plots_frame

    report(progress, 0.0, "Projectlagen lezen")
    found: dict[LayerKind, list[gpd.GeoDataFrame]] = {}
    for kind in _INPUT_KINDS:
        if kind is LayerKind.PLOTS:
            continue
        for layer in store.layers(kind.value):
            found.setdefault(kind, []).append(store.read_layer(layer.table_name))
    plots = plots_frame(store)
    return find_candidates(
        buildings=_combine(found.get(LayerKind.BUILDINGS, [])),
        zoning=_combine(found.get(LayerKind.ZONING, [])),
        land_use=_combine(found.get(LayerKind.LAND_USE, [])),
        facilities=_combine(found.get(LayerKind.FACILITIES, [])),
        network_source=_combine(found.get(LayerKind.NETWORK_SOURCE, [])),
        existing_plots=plots if len(plots) else None,
        lists=lists,
        rules=load_rules(rules) if rules is not None else None,
        progress=scaled(progress, 0.2, 1.0),
    )


def _text(value: Any) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    return str(value).strip() or None


def accept_candidates(
    store: ProjectStore, candidates: gpd.GeoDataFrame, ids: str | Sequence[str] = "all"
) -> AcceptResult:
    """Write the chosen candidates (``"all"`` or plot ids) as plots, in one transaction.

    Skipped, with a reason: candidates that duplicate an existing plot and ids already in the
    project (accepted before). An unknown id refuses the whole action before anything is written.
    """
    frame = candidates.reset_index(drop=True)
    by_id = {str(p): i for i, p in enumerate(frame["plot_id"])}
    if isinstance(ids, str) and ids.strip().lower() == "all":
        chosen = list(by_id)
    else:
        items = [ids] if isinstance(ids, str) else list(ids)
        wanted = [part.strip() for item in items for part in item.split(",") if part.strip()]
        unknown = [i for i in wanted if i not in by_id]
        if unknown:
            raise InputsError(
                f"Onbekende kans(en): {', '.join(unknown)}.",
                hint="Gebruik plot_id's uit de lijst van 'bodnaarplot candidates', of --accept all.",
            )
        chosen = list(dict.fromkeys(wanted))
    result = AcceptResult()
    with store.session() as session:
        existing = set(session.scalars(select(Plot.plot_id)))
        for pid in chosen:
            row = frame.iloc[by_id[pid]]
            dup = _text(row.get("duplicate_of"))
            if pid in existing:
                result.skipped.append((pid, "al een kavel in dit project"))
                continue
            if dup is not None:
                result.skipped.append((pid, f"valt samen met bestaande kavel {dup}"))
                continue
            hint = _text(row.get("category_hint"))
            notes = (
                f"Voorgesteld door de kansenkaart: {_text(row.get('reasons')) or _text(row.get('reason'))}."
            )
            if hint:
                notes += f" Categorie-hint: {hint}."
            session.add(
                Plot(
                    plot_id=pid,
                    name=_text(row.get("name")),
                    source=_text(row.get("source")),
                    source_id=_text(row.get("source_id")),
                    area_m2=float(row["area_m2"]) if _text(row.get("area_m2")) is not None else None,
                    notes=notes,
                    geom=row.geometry,
                )
            )
            existing.add(pid)
            result.added.append(pid)
    return result


def _for_file(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = frame.copy()
    out["rules"] = ["; ".join(r) if isinstance(r, list) else _text(r) for r in out["rules"]]
    out["rules"] = out["rules"].astype("string")
    return out


def write_candidates(frame: gpd.GeoDataFrame, out: str | Path) -> Path:
    """Write candidates to a GeoPackage (layer ``kansen``) or a CSV (x/y in RD), atomically."""
    target = check_output_path(out)
    write_frame(_for_file(frame), target, layer="kansen", promote_to_multi=False)
    return target


def candidates_summary(frame: gpd.GeoDataFrame) -> dict[str, Any]:
    """JSON-ready: counts per family and rule, one entry per candidate, and the rules that could not run.

    ``skipped_rules`` lists every rule that could not look (no layer, or a layer without the
    attribute it needs) with its Dutch reason, so "0 kansen" never hides "niet gezocht".
    """
    rules_count: dict[str, int] = {}
    for rules in frame["rules"]:
        for r in rules:
            rules_count[r] = rules_count.get(r, 0) + 1
    items = []
    for row in frame.itertuples(index=False):
        items.append(
            {
                "plot_id": str(row.plot_id),
                "name": _text(row.name),
                "family": _text(row.family),
                "rules": list(row.rules),
                "category_hint": _text(row.category_hint),
                "area_m2": None if _text(row.area_m2) is None else float(row.area_m2),
                "reasons": _text(row.reasons),
                "duplicate_of": _text(row.duplicate_of),
            }
        )
    return {
        "count": len(frame),
        "new": int(frame["duplicate_of"].isna().sum()),
        "by_family": {str(k): int(v) for k, v in frame["family"].value_counts().sort_index().items()},
        "by_rule": dict(sorted(rules_count.items())),
        "columns": list(CANDIDATE_COLUMNS),
        "skipped_rules": skipped_rules(frame),
        "candidates": items,
    }
