"""The *Exporteren* dialog: a preview drawn with the PDF's code, and the chosen files written."""

from __future__ import annotations

from pathlib import Path

from app.controller import ProjectController
from app.dialogs.export_dialog import ExportDialog
from projects.reservations import reserve


def test_export_dialog_previews_and_writes(qtbot, controller: ProjectController, tmp_path: Path) -> None:
    dialog = ExportDialog(controller)
    qtbot.addWidget(dialog)
    assert dialog.preview.pixmap().isNull()  # nothing reserved yet: the dialog says so
    assert "reserveringen" in dialog.preview.text()
    assert controller.store is not None
    reserve(controller.store, "DLF-010", "geclusterd", 20, 30, status="gereserveerd")
    dialog.refresh_preview()
    assert not dialog.preview.pixmap().isNull()
    for key in ("pdf", "html", "gpkg", "csv", "xlsx"):
        dialog.boxes[key].setChecked(True)
    dialog.folder.setText(str(tmp_path / "uit"))
    messages: list[str] = []
    controller.messages_added.connect(messages.extend)
    with qtbot.waitSignal(controller.busy, timeout=120_000, check_params_cb=lambda busy, _t: not busy):
        dialog.export_button.click()
    names = sorted(p.name for p in (tmp_path / "uit").iterdir())
    assert names == sorted(
        [
            "gereserveerde-locaties.pdf",
            "kaart.html",
            "voor-gis.gpkg",
            "bijlage-locaties.csv",
            "bijlage-locaties.xlsx",
        ]
    )
    assert any("Geëxporteerd" in m for m in messages)
