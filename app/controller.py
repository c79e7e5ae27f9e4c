"""The app's single source of truth: the open project, its state, the live scores, the selection.

Panels and the map read from the controller and listen to its signals; they change things
only through its methods. Long work (open, import, score) runs on :class:`app.workers.Worker`;
small edits (a reservation) are one short transaction on the GUI thread, wrapped in undo
commands by :mod:`app.commands`. Errors become :attr:`error` signals with Dutch text; nothing
here shows a widget.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from app.state import ProjectState, load_state, refresh_bookkeeping, rescore
from app.workers import Worker
from plotscore.classes import ClassBreaks, attainable_maximum, class_rule, score_breaks
from plotscore.criteria import Profile, load_profile, with_weight
from plotscore.errors import ScoringError
from plotscore.model import consensus_weights, effective_weights
from projects.imports import import_layer
from projects.plots import plots_frame
from projects.project import new_project
from projects.region import is_region
from projects.snapshots import ensure_recorded
from projects.store import ProjectStore

if TYPE_CHECKING:
    from layers.online.config import FetchConfig
    from projects.fetch import FetchReport

__all__ = ["ProjectController", "user_message"]

CONSENSUS = "consensus"  # party selector value for the mean of all parties


def user_message(exc: BaseException) -> tuple[str, str]:
    """(what happened, what to do) in Dutch for any error from the core."""
    message = getattr(exc, "message", None)
    hint = getattr(exc, "hint", "")
    if message:
        return str(message), str(hint or "")
    return (
        f"Er ging iets mis: {type(exc).__name__}: {str(exc)[:200]}",
        "Uw werk is niet verloren. Probeer het opnieuw; blijft het misgaan, meld het dan aan de ontwikkelaars.",
    )


class ProjectController(QObject):
    """Owns the open project and everything derived from it."""

    project_changed = Signal()  # opened, created or closed
    state_changed = Signal()  # layers, plots, run, reservations or ledger re-read
    scores_changed = Signal()  # live scores changed (weights, party): recolour, re-rank
    profile_changed = Signal()  # another profile or edited criteria
    selection_changed = Signal()
    messages_added = Signal(list)  # Dutch lines for the Meldingen panel
    busy = Signal(bool, str)  # long work started/stopped, with its title
    progress = Signal(float, str)
    error = Signal(str, str)  # message, hint (Dutch)
    saved = Signal()  # a change was committed to the project (autosave indicator)
    region_requested = Signal(str)  # a region project was opened: the Regio view reads it

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store: ProjectStore | None = None
        self.state: ProjectState | None = None
        self.profile: Profile = load_profile("geclusterd")
        self.party: str = CONSENSUS
        self.scores: npt.NDArray[np.float32] = np.zeros(0, dtype=np.float32)
        self.classes: npt.NDArray[np.uint8] = np.zeros(0, dtype=np.uint8)
        self.breaks: ClassBreaks = score_breaks([])  # the class edges of the scores shown
        self.top: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self.selection: list[str] = []
        self.undo_stack = QUndoStack(self)
        self._worker: Worker | None = None

    # -- long work ---------------------------------------------------------------------------

    @property
    def is_busy(self) -> bool:
        return self._worker is not None

    def cancel(self) -> None:
        """Cancel the running long work (it stops at its next progress report)."""
        if self._worker is not None:
            self._worker.cancel()

    def run_task(
        self, title: str, func: Callable[..., Any], *args: Any, on_done: Callable[[Any], None], **kwargs: Any
    ) -> Worker | None:
        if self._worker is not None:
            self.error.emit(
                self.tr("Er loopt al een taak."), self.tr("Wacht tot die klaar is of annuleer hem.")
            )
            return None
        worker = Worker(func, *args, **kwargs)
        worker.signals.progress.connect(self.progress)

        # Not busy any more when the result lands, so a slot may start the next task at once.
        def finished(result: Any) -> None:
            self._work_done(worker)
            on_done(result)

        worker.signals.finished.connect(finished)
        worker.signals.failed.connect(lambda exc, _tb: self.error.emit(*user_message(exc)))
        worker.signals.cancelled.connect(
            lambda: self.messages_added.emit(
                [self.tr("{title}: geannuleerd; er is niets gewijzigd.").format(title=title)]
            )
        )
        worker.signals.done.connect(lambda: self._work_done(worker))
        self._worker = worker
        self.busy.emit(True, title)
        worker.start()
        return worker

    def _work_done(self, worker: Worker) -> None:
        if self._worker is not worker:  # a late signal of an earlier task: not ours to clear
            return
        self._worker = None
        self.busy.emit(False, "")

    # -- project -----------------------------------------------------------------------------

    def open_project(self, target: str | Path) -> None:
        """Open a project file or server URL and load it in the background.

        A region project (:func:`projects.region.is_region`) is not opened here: the
        :attr:`region_requested` signal hands it to the Regio view, which only reads it.
        """

        def work(*, progress: Callable[[float, str], None]) -> tuple[ProjectStore, ProjectState] | str:
            if is_region(target):
                return str(target)
            store = ProjectStore.open(target)
            return store, load_state(store, self.profile, progress=progress)

        self.run_task(self.tr("Project openen"), work, on_done=self._opened_or_region)

    def _opened_or_region(self, result: tuple[ProjectStore, ProjectState] | str) -> None:
        if isinstance(result, str):
            self.close_project()
            self.region_requested.emit(result)
            return
        self._opened(result)

    def new_project(self, target: str | Path, **kwargs: Any) -> None:
        """Create a project (see :func:`projects.project.new_project`) and open it."""

        def work(*, progress: Callable[[float, str], None]) -> tuple[ProjectStore, ProjectState]:
            store = new_project(target, **kwargs)
            return store, load_state(store, self.profile, progress=progress)

        self.run_task(self.tr("Nieuw project"), work, on_done=self._opened)

    def open_demo(self, target: str | Path) -> None:
        """Build a fresh copy of the Delft demo project at ``target`` and open it."""

        def work(*, progress: Callable[[float, str], None]) -> tuple[ProjectStore, ProjectState]:
            from projects.demo import create_demo_project

            store = create_demo_project(target, progress=_sub(progress, 0.0, 0.4))
            return store, load_state(store, self.profile, progress=_sub(progress, 0.4, 1.0))

        self.run_task(self.tr("Demoproject maken"), work, on_done=self._opened)

    def _opened(self, result: tuple[ProjectStore, ProjectState]) -> None:
        if self.store is not None:
            self.store.close()
        self.store, self.state = result
        self.selection = []
        self.undo_stack.clear()
        self._rescore_live()
        self.project_changed.emit()
        self.state_changed.emit()
        self.messages_added.emit(list(self.state.messages))

    def close_project(self) -> None:
        if self.store is not None:
            self.store.close()
        self.store, self.state = None, None
        self.selection = []
        self.undo_stack.clear()
        self.project_changed.emit()
        self.state_changed.emit()

    def import_files(self, paths: Sequence[str | Path], kind: str | None = None) -> None:
        """Import layer files into the project, then re-read and re-score."""
        store = self._require_store()
        if store is None:
            return

        def work(*, progress: Callable[[float, str], None]) -> tuple[ProjectState, list[str]]:
            lines: list[str] = []
            for i, path in enumerate(paths):
                sub = _sub(progress, i / len(paths), (i + 1) / len(paths))
                for src in import_layer(store, path, kind, progress=sub):
                    lines.append(
                        self.tr("Geïmporteerd: {label} ({n} objecten)").format(
                            label=src.label, n=src.feature_count
                        )
                    )
                    lines.extend(f"{src.label}: {w}" for w in (src.warnings or []))
            return load_state(store, self.profile), lines

        self.run_task(self.tr("Lagen importeren"), work, on_done=self._imported)

    def _imported(self, result: tuple[ProjectState, list[str]]) -> None:
        self.state, lines = result
        self._rescore_live()
        self.state_changed.emit()
        self.messages_added.emit(lines + list(self.state.messages))
        self.saved.emit()

    def fetch_online(
        self,
        config: FetchConfig,
        layers: Sequence[str],
        *,
        gemeente: str | None = None,
        bbox: str | None = None,
        refresh: bool = False,
        on_done: Callable[[FetchReport], None] | None = None,
    ) -> Worker | None:
        """Fetch layer sets from the online services into the project, then re-read and re-score.

        Runs as the one long task (progress, *Annuleren*). The sets are fetched one at a time,
        so a cancel keeps the sets already stored (each whole) and the map is reloaded for them.
        Returns the worker, for a dialog that shows its own progress.
        """
        from projects.fetch import FetchReport, fetch_into_project, resolve_area

        store = self._require_store()
        if store is None:
            return None
        stored: list[str] = []  # keys stored so far, read on the GUI thread after a cancel
        finished: list[bool] = []

        def work(*, progress: Callable[[float, str], None]) -> tuple[FetchReport, ProjectState | None]:
            area = resolve_area(
                config, gemeente=gemeente, bbox=bbox, progress=_sub(progress, 0.0, 0.05), refresh=refresh
            )
            report = FetchReport(area)
            n = max(1, len(layers))
            for i, key in enumerate(layers):
                sub = _sub(progress, 0.05 + 0.85 * i / n, 0.05 + 0.85 * (i + 1) / n)
                part = fetch_into_project(store, area, [key], config, progress=sub, refresh=refresh)
                report.outcomes.extend(part.outcomes)
                if any(o.stored for o in part.outcomes):
                    stored.append(key)
            state = load_state(store, self.profile, progress=_sub(progress, 0.9, 1.0)) if stored else None
            return report, state

        def done(result: tuple[FetchReport, ProjectState | None]) -> None:
            report, state = result
            finished.append(True)
            if state is not None:
                self._imported((state, report.lines()))
            else:
                self.messages_added.emit(report.lines())
            if on_done is not None:
                on_done(report)

        worker = self.run_task(self.tr("Gegevens ophalen"), work, on_done=done)
        if worker is not None:
            # After a cancel the sets stored before it are in the project: show them too.
            worker.signals.done.connect(
                lambda: None if finished else self._reload_after_cancel(worker, stored)
            )
        return worker

    def _reload_after_cancel(self, worker: Worker, stored: list[str]) -> None:
        if not worker.is_cancelled or not stored or self.store is None or self.is_busy:
            return
        store = self.store
        self.messages_added.emit(
            [self.tr("Al opgehaald en bewaard vóór het annuleren: {keys}").format(keys=", ".join(stored))]
        )

        def work(*, progress: Callable[[float, str], None]) -> tuple[ProjectState, list[str]]:
            return load_state(store, self.profile, progress=progress), []

        self.run_task(self.tr("Lagen opnieuw lezen"), work, on_done=self._imported)

    def set_profile(self, profile: Profile | str) -> None:
        """Use another (or an edited) profile: distances are recomputed in the background."""
        self.profile = load_profile(profile) if isinstance(profile, str) else profile
        store, state = self.store, self.state
        self.profile_changed.emit()
        if store is None or state is None:
            return

        def work(*, progress: Callable[[float, str], None]) -> ProjectState:
            return rescore(store, state, self.profile, progress=progress)

        self.run_task(self.tr("Opnieuw scoren"), work, on_done=self._rescored)

    def _rescored(self, state: ProjectState) -> None:
        self.state = state
        self._rescore_live()
        self.state_changed.emit()
        self.messages_added.emit(list(state.messages))

    # -- recording what the room sees ----------------------------------------------------------

    @property
    def weighting_key(self) -> str:
        """The weighting of the current view, as recorded with a run (see projects.snapshots)."""
        if self.party == CONSENSUS:
            return "consensus"
        if self.party in self.profile.parties:
            return f"partij:{self.party}"
        return "profiel"

    def record_scores(self, on_done: Callable[[Any], None] | None = None) -> Worker | None:
        """*Vastleggen*: keep the scores as shown (profile, weights, view) as a scoring run."""
        store, state = self._require_store(), self.state
        if store is None or state is None or state.run is None:
            if store is not None:
                self.error.emit(
                    self.tr("Er zijn nog geen scores om vast te leggen."),
                    self.tr("Importeer kavels en voorzieningen; daarna worden de kavels gescoord."),
                )
            return None
        profile, key, run, inputs = self.profile, self.weighting_key, state.run, state.inputs

        def work(*, progress: Callable[[float, str], None]) -> Any:
            return ensure_recorded(
                store, profile, weighting_key=key, run=run, inputs=inputs, progress=progress
            )

        def done(snap: Any) -> None:
            self.refresh()
            self.messages_added.emit([self.tr("Scores vastgelegd als scoreronde {n}.").format(n=snap.id)])
            if on_done is not None:
                on_done(snap)

        return self.run_task(self.tr("Scores vastleggen"), work, on_done=done)

    # -- live weights ----------------------------------------------------------------------

    def set_weight(self, criterion_id: str, weight: float) -> None:
        """Change one weight: scores, top-k and classes without recomputing distances."""
        self.profile = with_weight(self.profile, criterion_id, weight)
        self._rescore_live()

    def set_weights(self, weights: Mapping[str, float], *, party: str | None = None) -> None:
        """Change several weights (and optionally the view) at once: one re-rank, one repaint."""
        profile = self.profile
        for criterion_id, weight in weights.items():
            if abs(profile.criterion(criterion_id).weight - weight) > 1e-12:
                profile = with_weight(profile, criterion_id, weight)
        self.profile = profile
        if party is not None:
            self.party = party
        self._rescore_live()

    def set_party(self, party: str) -> None:
        """Show one party's weighting, or ``consensus`` (the mean of the parties)."""
        self.party = party
        self._rescore_live()

    @property
    def present(self) -> npt.NDArray[np.bool_] | None:
        """Per criterion: does the loaded data have it (criteria without data weigh 0)."""
        run = self.state.run if self.state else None
        return None if run is None else run.model.present

    @property
    def absent(self) -> Mapping[str, str]:
        """Criteria without data in the loaded layers (left out of the score) → the Dutch reason."""
        run = self.state.run if self.state else None
        return {} if run is None else run.absent

    def current_weights(self) -> npt.NDArray[np.float64]:
        if self.party != CONSENSUS and self.party in self.profile.parties:
            return np.asarray(self.profile.party_weights(self.party), dtype=np.float64)
        return np.asarray(self.profile.weights, dtype=np.float64)

    def shown_weights(self) -> npt.NDArray[np.float64]:
        """The weights (shares, sum 1) of the scores shown: plotscore's effective weights, the
        consensus weighting in the consensus view; criteria without data weigh 0."""
        try:
            if self.party == CONSENSUS and self.profile.parties:
                return consensus_weights(self.profile, self.present)
            return effective_weights(self.current_weights(), self.present)
        except ScoringError:
            return np.zeros(len(self.profile.criteria))

    def _rescore_live(self) -> None:
        run = self.state.run if self.state else None
        if run is None:
            self.scores = np.zeros(0, dtype=np.float32)
            self.classes = np.zeros(0, dtype=np.uint8)
            self.top = np.zeros(0, dtype=np.int64)
            self.breaks = score_breaks([])
        else:
            weights = self.current_weights()
            if self.party == CONSENSUS and self.profile.parties:
                # The consensus view is the mean of the parties' scores; plotscore's one
                # definition of it is a weighting (scores are linear in the effective weights).
                try:
                    weights = consensus_weights(self.profile, run.model.present)
                except ScoringError as exc:
                    self.error.emit(exc.message, exc.hint or "")
                    weights = np.zeros(0)
            if len(weights) and weights.sum() > 0:
                self.scores, self.top, _equal_bands = run.model.drag(weights, k=10)
            # One class rule for map, table, legend and exports (plotscore.classes).
            attainable = None
            if class_rule().rule == "attainable":
                attainable = attainable_maximum(run.model.utilities, self.shown_weights())
            self.breaks = score_breaks(self.scores, attainable=attainable)
            self.classes = self.breaks.classify(self.scores)
        self.scores_changed.emit()

    # -- selection and edits ------------------------------------------------------------------

    def select(self, plot_ids: Sequence[str]) -> None:
        self.selection = list(dict.fromkeys(plot_ids))
        self.selection_changed.emit()

    def refresh(self) -> None:
        """Re-read reservations, ledger and info after an edit (a few ms on a project file)."""
        if self.store is None or self.state is None:
            return
        self.state = refresh_bookkeeping(self.store, replace(self.state, plots=plots_frame(self.store)))
        self.state_changed.emit()
        self.saved.emit()

    def _require_store(self) -> ProjectStore | None:
        if self.store is None:
            self.error.emit(
                self.tr("Er is geen project geopend."), self.tr("Open een project of maak een nieuw project.")
            )
        return self.store


def _sub(progress: Callable[[float, str], None], start: float, end: float) -> Callable[[float, str], None]:
    def inner(fraction: float, text: str) -> None:
        progress(start + (end - start) * fraction, text)

    return inner
