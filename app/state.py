"""What the app shows, gathered off the GUI thread: layers, plots, scores, reservations, ledger.

:func:`load_state` runs in a :class:`app.workers.Worker`; it only calls the Qt-free core
(``projects``), so it can be tested without Qt. Opening never writes to the project: the scores
are computed in memory (:func:`projects.snapshots.live_run`); a run is recorded only when the user
asks for it (*Vastleggen*).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import geopandas as gpd
import pandas as pd

from plotscore.criteria import Profile, load_profile
from plotscore.pipeline import ScoreRun
from plotscore.progress import Progress, report, scaled
from projects import views
from projects.errors import InputsError
from projects.imports import SCORED_KINDS, project_inputs
from projects.ledger import Ledger, compute_ledger
from projects.plots import plots_frame
from projects.reservations import reservations_frame
from projects.scoring import ScoreInputs
from projects.snapshots import live_run
from projects.store import ProjectStore
from projects.views import LedgerContext, ledger_context, live_mask, project_info, project_ledger

# The layer kinds scoring reads (projects.imports.project_inputs); they are not read twice.
_SCORED = frozenset(k.value for k in SCORED_KINDS)

__all__ = ["ProjectState", "load_state", "refresh_bookkeeping", "rescore"]


@dataclass(frozen=True)
class ProjectState:
    """A consistent snapshot of an open project for the panels and the map."""

    info: views.ProjectInfo | None
    layers: dict[str, gpd.GeoDataFrame]  # canonical kind → combined frame (plots excluded)
    plots: gpd.GeoDataFrame  # the project's plots (ORM table), index = plot_id
    run: ScoreRun | None  # None while there are no plots or facilities
    reservations: gpd.GeoDataFrame
    ledger: Ledger
    messages: tuple[str, ...] = field(default_factory=tuple)
    inputs: ScoreInputs | None = None  # the scored layers the run was computed from
    ledger_context: LedgerContext | None = None  # plots' wijk/buurt, estimates, runs: built once

    @property
    def live_reservations(self) -> gpd.GeoDataFrame:
        """The reservations every map and table shows (:func:`projects.views.live_mask`)."""
        return self.reservations.loc[live_mask(self.reservations)]


def _inputs(store: ProjectStore) -> tuple[ScoreInputs | None, list[str]]:
    """The project's scoring layers, or a Dutch reason why there is nothing to score yet."""
    try:
        return project_inputs(store), []
    except InputsError as exc:
        return None, [f"{exc.message} {exc.hint}".strip()]


def _score(
    store: ProjectStore, profile: Profile, inputs: ScoreInputs | None, progress: Progress | None
) -> tuple[ScoreRun | None, list[str]]:
    if inputs is None:
        return None, []
    run = live_run(store, profile, inputs=inputs, progress=progress)
    return run, list(run.notes)


def load_state(
    store: ProjectStore, profile: Profile | str = "geclusterd", *, progress: Progress | None = None
) -> ProjectState:
    """Read everything the app shows from ``store`` and score the plots with ``profile`` (in memory).

    Every layer is read once: the scoring layers through :func:`projects.imports.project_inputs`
    (reused for display), the others (buildings, land use, ...) here.
    """
    prof = load_profile(profile) if isinstance(profile, str) else profile
    report(progress, 0.0, "Project lezen")
    inputs, notes = _inputs(store)
    layers: dict[str, gpd.GeoDataFrame] = {}
    if inputs is not None:
        scored = {
            "facilities": inputs.facilities,
            "network_source": inputs.network_source,
            "zoning": inputs.zoning,
            "neighbourhoods": inputs.neighbourhoods,
        }
        layers.update({kind: frame for kind, frame in scored.items() if frame is not None})
    sources = store.layers()
    for i, src in enumerate(sources):
        if src.kind == "plots" or (inputs is not None and src.kind in _SCORED):
            continue
        frame = store.read_layer(src.table_name)
        layers[src.kind] = (
            frame if src.kind not in layers else pd.concat([layers[src.kind], frame], ignore_index=True)
        )
        report(progress, 0.3 * (i + 1) / max(1, len(sources)), f"Laag {src.label} gelezen")
    messages = [f"{src.label}: {w}" for src in sources for w in (src.warnings or [])]
    run, score_notes = _score(store, prof, inputs, scaled(progress, 0.3, 0.95))
    messages.extend(notes + score_notes)
    return refresh_bookkeeping(
        store,
        ProjectState(
            info=None,
            layers=layers,
            plots=inputs.plots if inputs is not None else plots_frame(store),
            run=run,
            reservations=gpd.GeoDataFrame(),  # filled by refresh_bookkeeping, read once
            ledger=compute_ledger(
                [], pd.DataFrame(columns=["category", "status", "capacity_min", "capacity_max"])
            ),
            messages=tuple(messages),
            inputs=inputs,
        ),
    )


def rescore(
    store: ProjectStore, state: ProjectState, profile: Profile, *, progress: Progress | None = None
) -> ProjectState:
    """Score again in memory (new profile, new plots or layers) and keep the rest of ``state``."""
    inputs, notes = _inputs(store)
    run, score_notes = _score(store, profile, inputs, progress)
    frame = inputs.plots if inputs is not None else plots_frame(store)
    return replace(state, run=run, plots=frame, inputs=inputs, messages=tuple(notes + score_notes))


def _context(store: ProjectStore, state: ProjectState, info: views.ProjectInfo) -> LedgerContext:
    """The state's ledger context, rebuilt only when plots or recorded runs changed."""
    ctx = state.ledger_context
    plots = state.plots
    runs = tuple(sorted(int(s["id"]) for s in info.score_snapshots))
    stamp = _plots_stamp(plots)
    if ctx is not None and ctx.stamp == (stamp, runs):
        return ctx
    inputs = state.inputs
    fresh = ledger_context(
        store,
        plots=plots,
        zoning=inputs.zoning if inputs is not None else views.UNSET,
        neighbourhoods=inputs.neighbourhoods if inputs is not None else views.UNSET,
        buildings=state.layers.get("buildings", None) if "buildings" in state.layers else views.UNSET,
    )
    return replace(fresh, stamp=(stamp, runs))


def _plots_stamp(plots: gpd.GeoDataFrame) -> tuple[tuple[str, int], ...]:
    if plots.empty or "version" not in plots.columns:
        return ()
    return tuple(zip(plots["plot_id"].astype(str), plots["version"].fillna(0).astype(int), strict=True))


def refresh_bookkeeping(store: ProjectStore, state: ProjectState) -> ProjectState:
    """Re-read the small things that change with every edit: info, reservations, ledger."""
    info = project_info(store)
    context = _context(store, state, info)
    return replace(
        state,
        info=info,
        reservations=reservations_frame(store),
        ledger=project_ledger(store, context),
        ledger_context=context,
    )
