"""Undoable edits: reserve, change status, draw and delete plots.

Each command is one short transaction through the use cases in :mod:`projects` (a few ms on a project
file), so it runs on the GUI thread. :func:`execute` does the first ``apply`` *before* the
command goes on the controller's undo stack: an edit that fails (bad input, someone else saved
first) never becomes an undo step. Undo and redo pass the version they last wrote, so undoing
over someone else's later edit is refused (with a Dutch message) instead of overwriting it;
such a command is dropped from the stack. After every do/undo the controller re-reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import shapely
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from app.controller import ProjectController, user_message
from projects.errors import ConflictError, ProjectError
from projects.plots import add_plot, delete_plot, next_plot_id, restore_plot
from projects.reservations import (
    reservation_values,
    reservations_frame,
    reserve,
    restore_reservation,
    set_status,
    unreserve,
)
from projects.store import ProjectStore
from projects.views import live_mask

__all__ = [
    "AddPlotCommand",
    "DeletePlotCommand",
    "ProjectCommand",
    "ReserveCommand",
    "ReserveValues",
    "StatusCommand",
    "execute",
]


@dataclass(frozen=True)
class ReserveValues:
    """What the reserve dialog collects; ``None`` keeps a stored value on an update."""

    category: str
    capacity_min: int
    capacity_max: int
    status: str | None = None
    years: str | None = None  # "2026-2030", "2027" or "" (clear)
    partners: Sequence[tuple[str, str]] = field(default_factory=tuple)  # (name, type)
    land_owner: str | None = None
    notes: str | None = None
    workshop_id: int | None = None
    segment: str | None = None  # "" clears
    split: str | None = None  # "2028:40, 2031:60"; "" clears (even spread)


class ProjectCommand(QUndoCommand):
    """Base: ``apply`` once via :func:`execute`; ``_undo``/``_redo`` on later undo/redo."""

    def __init__(self, controller: ProjectController, text: str) -> None:
        super().__init__(text)
        self.controller = controller
        self._applied = False

    @property
    def store(self) -> ProjectStore:
        store = self.controller.store
        if store is None:
            raise ProjectError(
                QCoreApplication.translate("ProjectCommand", "Er is geen project geopend."),
                hint=QCoreApplication.translate(
                    "ProjectCommand", "Open een project of maak een nieuw project."
                ),
            )
        return store

    def apply(self) -> None:
        """The first do; raises :class:`ProjectError` (nothing changed) on failure."""
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError

    def _redo(self) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        if not self._applied:  # QUndoStack.push calls redo(): the first do already happened
            self._applied = True
            return
        self._guarded(self._redo)

    def undo(self) -> None:
        self._guarded(self._undo)

    def _guarded(self, step: Callable[[], None]) -> None:
        try:
            step()
        except ProjectError as exc:
            self.setObsolete(True)  # the stack drops a step that can no longer be undone/redone
            self.controller.error.emit(*user_message(exc))
        self.controller.refresh()


def execute(
    controller: ProjectController,
    command: ProjectCommand,
    *,
    on_conflict: Callable[[ConflictError, ProjectCommand], None] | None = None,
) -> bool:
    """Apply ``command`` and push it on the undo stack; on failure report it and change nothing.

    A :class:`ConflictError` (someone else saved first) goes to ``on_conflict`` (the conflict
    dialog) if given, otherwise to ``controller.error`` like every other error.
    """
    try:
        command.apply()
    except ConflictError as exc:
        if on_conflict is not None:
            on_conflict(exc, command)
        else:
            controller.error.emit(*user_message(exc))
        controller.refresh()
        return False
    except ProjectError as exc:
        controller.error.emit(*user_message(exc))
        return False
    controller.undo_stack.push(command)
    controller.refresh()
    return True


class ReserveCommand(ProjectCommand):
    """Reserve a plot, or update its reservation; undo withdraws it or restores the old values."""

    def __init__(
        self,
        controller: ProjectController,
        plot_id: str,
        values: ReserveValues,
        *,
        expected_version: int | None = None,
        reservation_id: int | None = None,
    ) -> None:
        super().__init__(
            controller,
            QCoreApplication.translate("ReserveCommand", "Reserveren: kavel {plot}").format(plot=plot_id),
        )
        self.plot_id = plot_id
        self.values = values
        self.expected_version = expected_version
        self.reservation_id = reservation_id
        self.before: dict[str, Any] | None = None  # None: the reservation is new
        self.after: dict[str, Any] = {}
        self._version: int | None = None

    def _existing(self) -> int | None:
        if self.reservation_id is not None:
            return self.reservation_id
        frame = reservations_frame(self.store)
        match = frame[
            (frame["plot_id"] == self.plot_id)
            & (frame["category"] == self.values.category)
            & live_mask(frame)
        ]
        return None if match.empty else int(match["fid"].iloc[0])

    def apply(self) -> None:
        existing = self._existing()
        self.before = None if existing is None else reservation_values(self.store, existing)
        v = self.values
        res = reserve(
            self.store,
            self.plot_id,
            v.category,
            v.capacity_min,
            v.capacity_max,
            status=v.status,
            years=v.years,
            partners=list(v.partners),
            land_owner=v.land_owner,
            notes=v.notes,
            workshop_id=v.workshop_id,
            expected_version=self.expected_version,
            reservation_id=existing,
            segment=v.segment,
            split=v.split,
        )
        self.reservation_id = res.fid
        self.after = reservation_values(self.store, res.fid)
        self._version = res.version
        self.controller.messages_added.emit(
            [
                QCoreApplication.translate(
                    "ReserveCommand", "Kavel {plot} gereserveerd: {category}, {lo}–{hi} woningen."
                ).format(plot=self.plot_id, category=v.category, lo=v.capacity_min, hi=v.capacity_max)
            ]
        )

    def _undo(self) -> None:
        assert self.reservation_id is not None
        if self.before is None:
            res = unreserve(self.store, self.reservation_id, expected_version=self._version)
        else:
            res = restore_reservation(
                self.store, self.reservation_id, self.before, expected_version=self._version
            )
        self._version = res.version

    def _redo(self) -> None:
        assert self.reservation_id is not None
        res = restore_reservation(self.store, self.reservation_id, self.after, expected_version=self._version)
        self._version = res.version


class StatusCommand(ProjectCommand):
    """Move a reservation to another status; undo puts the old status back."""

    def __init__(
        self,
        controller: ProjectController,
        reservation_id: int,
        status: str,
        *,
        expected_version: int | None = None,
    ) -> None:
        super().__init__(
            controller, QCoreApplication.translate("StatusCommand", "Status: {status}").format(status=status)
        )
        self.reservation_id = reservation_id
        self.status = status
        self.expected_version = expected_version
        self.old_status = ""
        self._version: int | None = None

    def apply(self) -> None:
        self.old_status = str(reservation_values(self.store, self.reservation_id)["status"])
        res = set_status(self.store, self.reservation_id, self.status, expected_version=self.expected_version)
        self._version = res.version

    def _undo(self) -> None:
        res = set_status(self.store, self.reservation_id, self.old_status, expected_version=self._version)
        self._version = res.version

    def _redo(self) -> None:
        res = set_status(self.store, self.reservation_id, self.status, expected_version=self._version)
        self._version = res.version


class AddPlotCommand(ProjectCommand):
    """Add a plot drawn with the map's polygon tool (RD New); undo deletes it again."""

    def __init__(
        self,
        controller: ProjectController,
        geometry: shapely.Geometry,
        *,
        plot_id: str | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(controller, QCoreApplication.translate("AddPlotCommand", "Kavel tekenen"))
        self.geometry = geometry
        self.plot_id = plot_id
        self.name = name
        self._snapshot: dict[str, Any] | None = None

    def apply(self) -> None:
        plot_id = self.plot_id or next_plot_id(self.store)
        plot = add_plot(self.store, plot_id, self.geometry, name=self.name)
        self.plot_id = plot.plot_id
        self.setText(
            QCoreApplication.translate("AddPlotCommand", "Kavel tekenen: {plot}").format(plot=plot.plot_id)
        )
        self.controller.messages_added.emit(
            [
                QCoreApplication.translate("AddPlotCommand", "Kavel {plot} toegevoegd ({area} m²).").format(
                    plot=plot.plot_id, area=round(plot.area_m2 or 0)
                )
            ]
        )

    def _undo(self) -> None:
        assert self.plot_id is not None
        self._snapshot = delete_plot(self.store, self.plot_id)
        _deselect(self.controller, self.plot_id)

    def _redo(self) -> None:
        if self._snapshot is not None:
            restore_plot(self.store, self._snapshot)


class DeletePlotCommand(ProjectCommand):
    """Delete a plot without reservations; undo restores it with the same id and attributes."""

    def __init__(self, controller: ProjectController, plot_id: str) -> None:
        super().__init__(
            controller,
            QCoreApplication.translate("DeletePlotCommand", "Kavel verwijderen: {plot}").format(plot=plot_id),
        )
        self.plot_id = plot_id
        self._snapshot: dict[str, Any] = {}

    def apply(self) -> None:
        self._snapshot = delete_plot(self.store, self.plot_id)
        _deselect(self.controller, self.plot_id)

    def _undo(self) -> None:
        restore_plot(self.store, self._snapshot)

    def _redo(self) -> None:
        self._snapshot = delete_plot(self.store, self.plot_id)
        _deselect(self.controller, self.plot_id)


def _deselect(controller: ProjectController, plot_id: str) -> None:
    if plot_id in controller.selection:
        controller.select([p for p in controller.selection if p != plot_id])
