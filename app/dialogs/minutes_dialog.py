"""*Verslag opslaan…*: the workshop minutes as a PDF document or as Markdown, the user's choice."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from app.controller import ProjectController, user_message
from projects.errors import ProjectError

__all__ = ["save_minutes_as"]


def _tr(text: str) -> str:
    return QCoreApplication.translate("MinutesDialog", text)


def save_minutes_as(parent: QWidget, controller: ProjectController, workshop_id: int) -> Path | None:
    """Ask where to save the minutes (PDF or Markdown) and save them; errors reach the messages."""
    from app.export.minutes import save_minutes

    store = controller.store
    if store is None:
        return None
    pdf_filter, md_filter = _tr("PDF-document (*.pdf)"), _tr("Markdown (*.md)")
    path, chosen = QFileDialog.getSaveFileName(
        parent,
        _tr("Verslag opslaan"),
        str(Path.home() / f"verslag-werksessie-{workshop_id}.pdf"),
        f"{pdf_filter};;{md_filter}",
    )
    if not path:
        return None
    out = Path(path)
    if out.suffix.lower() not in (".pdf", ".md", ".txt"):
        out = out.with_suffix(".md" if chosen == md_filter else ".pdf")
    try:
        saved = save_minutes(store, workshop_id, out)
    except ProjectError as exc:
        controller.error.emit(*user_message(exc))
        return None
    except OSError as exc:
        controller.error.emit(
            _tr("Het verslag kon niet worden opgeslagen: {error}").format(error=exc),
            _tr("Kies een andere map of bestandsnaam."),
        )
        return None
    controller.messages_added.emit([_tr("Verslag opgeslagen: {path}").format(path=saved)])
    return saved
