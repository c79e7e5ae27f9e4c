"""The *Exporteren* dialog: a full-page preview of the PDF that will be written, and the files written."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from app.controller import ProjectController
from app.dialogs.export_dialog import ExportDialog
from projects.report import EXTENT_ALL
from projects.reservations import reserve

TITLE = "Locaties ouderenhuisvesting — concept voor de raad van december"


def _wait(qtbot, dialog: ExportDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not dialog.is_loading, timeout=120_000)


def test_export_dialog_previews_every_page_and_writes(
    qtbot,  # type: ignore[no-untyped-def]
    controller: ProjectController,
    tmp_path: Path,
) -> None:
    dialog = ExportDialog(controller)
    qtbot.addWidget(dialog)
    _wait(qtbot, dialog)
    assert not dialog.images  # nothing reserved yet: the dialog says so
    assert "reserveringen" in dialog.message
    assert controller.store is not None
    reserve(controller.store, "DLF-010", "geclusterd", 20, 30, status="gereserveerd")
    dialog.refresh_preview()
    _wait(qtbot, dialog)
    # The map page, the annex and the demand annex (the demo has CBS figures), as in the PDF.
    assert len(dialog.images) >= 3
    assert not dialog.preview.pixmap().isNull()
    landscape = dialog.images[0]
    assert landscape.width() > landscape.height()
    assert "Weging van de scores: consensus van de partijen" in dialog.weighting_label.text()

    # The options re-lay the pages: title, extent, paper and orientation.
    dialog.title_edit.setText(TITLE)
    dialog.orientation.setCurrentIndex(dialog.orientation.findData(False))
    dialog.extent.setCurrentIndex(dialog.extent.findData(EXTENT_ALL))
    _wait(qtbot, dialog)
    portrait = dialog.images[0]
    assert portrait.height() > portrait.width()
    dialog.show_page(1)
    assert dialog.page_index == 1
    assert "Bijlage" in dialog.page_label.text()
    dialog.show_page(len(dialog.images) - 1)
    assert not dialog.next_button.isEnabled()

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
    # The PDF is what the preview showed: the title typed, portrait, every page.
    pdf = PdfReader(tmp_path / "uit" / "gereserveerde-locaties.pdf")
    assert len(pdf.pages) == len(dialog.images)
    box = pdf.pages[0].mediabox
    assert float(box.height) > float(box.width)
    assert " ".join(TITLE.split()) in " ".join((pdf.pages[0].extract_text() or "").split())
