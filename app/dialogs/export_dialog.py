"""*Exporteren*: choose the outputs for the volkshuisvestingsprogramma and the prestatieafspraken,
with a preview of the reserved-location map as it will be printed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.controller import ProjectController, user_message
from projects.errors import ProjectError

__all__ = ["ExportDialog", "run_exports"]


def run_exports(
    store: Any,
    folder: Path,
    choices: dict[str, Any],
    *,
    weighting_key: str | None = None,
    progress: Any = None,
) -> list[str]:
    """Write the chosen outputs into ``folder`` (runs in a worker); returns Dutch result lines.

    Every output reads the same read-side view, so they list the same reservations, numbered
    the same, with the same scores under the weighting ``weighting_key``.
    """
    from app.export.pdf import write_dossiers, write_reserved_map_pdf
    from projects import exports
    from projects.gis import write_gis_package
    from projects.views import reserved_view

    folder.mkdir(parents=True, exist_ok=True)
    done: list[str] = []
    steps = [k for k in ("pdf", "dossiers", "html", "gpkg", "csv", "xlsx") if choices.get(k)]
    view = (
        reserved_view(store, weighting_key=weighting_key)
        if {"html", "gpkg", "csv", "xlsx"} & set(steps)
        else None
    )
    for i, key in enumerate(steps):
        if progress is not None:
            progress(i / max(1, len(steps)), key)
        if key == "pdf":
            out = write_reserved_map_pdf(
                store,
                folder / "gereserveerde-locaties.pdf",
                page=choices["page"],
                landscape=choices["landscape"],
                title=choices.get("title") or None,
                weighting_key=weighting_key,
            )
            done.append(str(out))
        elif key == "dossiers":
            done.extend(
                str(p) for p in write_dossiers(store, folder / "dossiers", weighting_key=weighting_key)
            )
        elif key == "html":
            out = exports.write_html_map(
                store, folder / "kaart.html", online_tiles=choices["online"], view=view
            )
            done.append(str(out))
        elif key == "gpkg":
            done.append(str(write_gis_package(store, folder / "voor-gis.gpkg", view=view)))
        elif key == "csv":
            done.append(str(exports.write_annex_table(store, folder / "bijlage-locaties.csv", view=view)))
        elif key == "xlsx":
            done.append(str(exports.write_annex_table(store, folder / "bijlage-locaties.xlsx", view=view)))
    return done


class ExportDialog(QDialog):
    """Outputs, paper, folder, and a preview of the printed map."""

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle(self.tr("Exporteren"))
        self.resize(1100, 640)
        self.boxes: dict[str, QCheckBox] = {}
        form = QFormLayout()
        for key, text in (
            ("pdf", self.tr("Kaart gereserveerde locaties (PDF)")),
            ("dossiers", self.tr("Dossier per locatie (PDF)")),
            ("html", self.tr("Interactieve webkaart (HTML, werkt offline)")),
            ("gpkg", self.tr("GeoPackage voor GIS-collega's (met QGIS-stijlen)")),
            ("csv", self.tr("Bijlage als CSV")),
            ("xlsx", self.tr("Bijlage als Excel (XLSX)")),
        ):
            box = QCheckBox(text, self)
            box.setChecked(key in ("pdf", "xlsx"))
            self.boxes[key] = box
            form.addRow(box)
        self.page = QComboBox(self)
        self.page.addItems(["A4", "A3"])
        self.orientation = QComboBox(self)
        self.orientation.addItem(self.tr("Liggend"), True)
        self.orientation.addItem(self.tr("Staand"), False)
        self.online = QCheckBox(self.tr("Webkaart met PDOK-achtergrond (alleen online)"), self)
        form.addRow(self.tr("Papier"), self.page)
        form.addRow(self.tr("Richting"), self.orientation)
        form.addRow(self.online)
        self.folder = QLineEdit(str(Path.home() / "bodnaarplot-export"), self)
        browse = QPushButton(self.tr("Kiezen…"), self)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        form.addRow(self.tr("Map"), row)

        self.preview = QLabel(self)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(640, 440)
        self.preview.setWordWrap(True)
        buttons = QDialogButtonBox(self)
        self.export_button = buttons.addButton(self.tr("Exporteren"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("Sluiten"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._export)
        buttons.rejected.connect(self.reject)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addStretch(1)
        left.addWidget(buttons)
        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addWidget(self.preview, 1)
        self.refresh_preview()

    def choices(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: b.isChecked() for k, b in self.boxes.items()}
        out.update(
            page=self.page.currentText(),
            landscape=bool(self.orientation.currentData()),
            online=self.online.isChecked(),
        )
        return out

    def refresh_preview(self) -> None:
        """Draw the map frame with the PDF's own drawing code (a few hundred ms at most)."""
        from app.export.pdf import render_map_preview

        store = self.controller.store
        if store is None:
            self.preview.setText(self.tr("Geen project geopend."))
            return
        try:
            image = render_map_preview(store, 760, 520)
        except ProjectError as exc:
            message, hint = user_message(exc)
            self.preview.setText(f"{message}\n{hint}")
            return
        self.preview.setPixmap(QPixmap.fromImage(image))

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Map voor de export"), self.folder.text())
        if folder:
            self.folder.setText(folder)

    def _export(self) -> None:
        store, state = self.controller.store, self.controller.state
        if store is None:
            return
        folder = Path(self.folder.text()).expanduser()
        choices = self.choices()
        # The documents show what the room sees: the current profile, weights and party view are
        # recorded as a scoring run first (or the current recorded one is reused), then cited.
        profile, key = self.controller.profile, self.controller.weighting_key
        run = state.run if state is not None else None
        inputs = state.inputs if state is not None else None

        def work(*, progress: Any) -> list[str]:
            from projects.snapshots import ensure_recorded

            if run is not None:
                ensure_recorded(store, profile, weighting_key=key, run=run, inputs=inputs)
            return run_exports(store, folder, choices, weighting_key=key, progress=progress)

        def done(files: list[str]) -> None:
            self.controller.refresh()  # a recorded run shows in the project info
            self.controller.messages_added.emit([self.tr("Geëxporteerd: {f}").format(f=f) for f in files])

        self.controller.run_task(self.tr("Exporteren"), work, on_done=done)
        self.accept()
