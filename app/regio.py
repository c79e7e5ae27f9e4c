"""The open region (woondeal region): which region project is shown, read off the GUI thread.

A region project only READS its members (:mod:`projects.region`); this controller holds the
:class:`projects.region.RegionView` the *Regio* view shows and re-reads it (another
"gerapporteerd sinds" date, *Vernieuwen*) through the app's one worker mechanism
(:meth:`app.controller.ProjectController.run_task`: progress and *Annuleren* in the status bar).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app.controller import ProjectController
from projects.region import RegionView, region_view

__all__ = ["RegionController", "region_export"]


class RegionController(QObject):
    """Owns the open region: its target, the ``since`` date and the view read from it."""

    changed = Signal()  # a region view was read (or the region was closed)

    def __init__(self, projects: ProjectController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.projects = projects
        self.target: str | None = None
        self.since: dt.date | None = None
        self.view: RegionView | None = None
        self._pending = False  # asked to read again while other work ran: read when it ends
        projects.busy.connect(self._busy_changed)

    @property
    def is_open(self) -> bool:
        return self.target is not None

    def open(self, target: str | Path, since: dt.date | None = None) -> None:
        """Read the region at ``target`` (and all its members) in the background."""
        self.target = str(target)
        self.since = since
        self.reload()

    def set_since(self, since: dt.date | None) -> None:
        """Members that have not reported since ``since``: read the region again for that date."""
        if since == self.since:
            return
        self.since = since
        self.reload()

    def reload(self) -> None:
        target = self.target
        if target is None:
            return
        if self.projects.is_busy:
            self._pending = True  # e.g. the date picker moved while the region was being read
            return
        self._pending = False
        since = self.since

        def work(*, progress: Callable[[float, str], None]) -> RegionView:
            return region_view(target, since=since, progress=progress)

        self.projects.run_task(self.tr("Regio lezen"), work, on_done=self.show_view)

    def _busy_changed(self, busy: bool, _title: str) -> None:
        if not busy and self._pending:
            self.reload()

    def show_view(self, view: RegionView) -> None:
        """Show ``view`` (the worker's result; tests hand one in directly)."""
        self.view = view
        if not self._pending:
            self.since = view.since  # the region's stored date when none was chosen
        self.changed.emit()

    def close(self) -> None:
        self.target, self.view, self._pending = None, None, False
        self.changed.emit()


def region_export(
    view: RegionView, out: str | Path, kind: str, *, progress: Callable[[float, str], None]
) -> Path:
    """Write the regional PDF or XLSX of ``view`` (runs on the worker)."""
    if kind == "pdf":
        from app.export.region_pdf import write_region_pdf

        return write_region_pdf(view, out, progress=progress)
    from projects.region import region_xlsx

    progress(0.1, "XLSX schrijven")
    return region_xlsx(view, Path(out))
