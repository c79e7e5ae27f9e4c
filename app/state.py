"""What the app shows, gathered off the GUI thread: layers, plots, scores, reservations, ledger.

:func:`load_state` runs in a :class:`app.workers.Worker`; it only calls the Qt-free core
(``projects``), so it can be tested without Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import geopandas as gpd
import pandas as pd

from plotscore.criteria import Profile, load_profile
from plotscore.pipeline import ScoreRun
from plotscore.progress import Progress, report, scaled
from projects import service
from projects.errors import InputsError
from projects.store import ProjectStore

__all__ = ["ProjectState", "load_state", "refresh_bookkeeping", "rescore"]


@dataclass(frozen=True)
class ProjectState:
    """A consistent snapshot of an open project for the panels and the map."""

    info: dict[str, Any]
    layers: dict[str, gpd.GeoDataFrame]  # canonical kind → combined frame (plots excluded)
    plots: gpd.GeoDataFrame  # the project's plots (ORM table), index = plot_id
    run: ScoreRun | None  # None while there are no plots or facilities
    reservations: gpd.GeoDataFrame
    ledger: pd.DataFrame
    messages: tuple[str, ...] = field(default_factory=tuple)


def _score(
    store: ProjectStore, profile: Profile, progress: Progress | None
) -> tuple[ScoreRun | None, list[str]]:
    """Score, or explain in Dutch why there is nothing to score yet (no plots, no facilities)."""
    try:
        run = service.score_project(store, profile, progress=progress)
    except InputsError as exc:
        return None, [f"{exc.message} {exc.hint}".strip()]
    return run, list(run.notes)


def load_state(
    store: ProjectStore, profile: Profile | str = "geclusterd", *, progress: Progress | None = None
) -> ProjectState:
    """Read everything the app shows from ``store`` and score the plots with ``profile``."""
    prof = load_profile(profile) if isinstance(profile, str) else profile
    report(progress, 0.0, "Project lezen")
    layers: dict[str, gpd.GeoDataFrame] = {}
    sources = store.layers()
    for i, src in enumerate(sources):
        if src.kind == "plots":
            continue
        frame = store.read_layer(src.table_name)
        layers[src.kind] = (
            frame if src.kind not in layers else pd.concat([layers[src.kind], frame], ignore_index=True)
        )
        report(progress, 0.3 * (i + 1) / max(1, len(sources)), f"Laag {src.label} gelezen")
    messages = [f"{src.label}: {w}" for src in sources for w in (src.warnings or [])]
    run, notes = _score(store, prof, scaled(progress, 0.3, 0.95))
    messages.extend(notes)
    return refresh_bookkeeping(
        store,
        ProjectState(
            info={},
            layers=layers,
            plots=service.plots_frame(store),
            run=run,
            reservations=service.reservations_frame(store),
            ledger=pd.DataFrame(),
            messages=tuple(messages),
        ),
    )


def rescore(
    store: ProjectStore, state: ProjectState, profile: Profile, *, progress: Progress | None = None
) -> ProjectState:
    """Score again (new profile, new plots or layers) and keep the rest of ``state``."""
    run, notes = _score(store, profile, progress)
    return replace(state, run=run, plots=service.plots_frame(store), messages=tuple(notes))


def refresh_bookkeeping(store: ProjectStore, state: ProjectState) -> ProjectState:
    """Re-read the small things that change with every edit: info, reservations, ledger."""
    return replace(
        state,
        info=service.project_info(store),
        reservations=service.reservations_frame(store),
        ledger=service.project_ledger(store),
    )
