"""*Exporteren*: choose the outputs for the volkshuisvestingsprogramma and the prestatieafspraken,
with a full-page preview of exactly the PDF that will be written.

The preview is the PDF's own laid-out document (:func:`app.export.pdf.map_document`) painted
into images, page by page: the same title, extent, paper, orientation, legend, sources and
scores (under the weighting the room is looking at). Reading the project and laying out the
pages run in the one worker mechanism, so the dialog never blocks; a newer request simply
replaces an older one.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.controller import ProjectController, user_message
from app.workers import Worker
from projects.errors import ProjectError
from projects.report import EXTENT_ALL, EXTENT_RESERVED, MapReport

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
                extent=choices.get("extent") or EXTENT_RESERVED,
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


def _layout_pages(data: MapReport, options: dict[str, Any], width_px: int) -> tuple[list[QImage], list[str]]:
    """The PDF's pages as images (in the worker): the same document the export writes."""
    from app.export.pdf import map_document

    data = dataclasses.replace(
        data, title=options["title"] or data.title, extent=options["extent"] or EXTENT_RESERVED
    )
    doc = map_document(data, page=options["page"], landscape=options["landscape"])
    names = [next((b.text for b in p.blocks if b.kind == "title"), "") for p in doc.pages]
    return [doc.render(i, width_px) for i in range(len(doc.pages))], names


class ExportDialog(QDialog):
    """Outputs, the PDF's title, extent, paper and orientation, a folder, and the pages as printed."""

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle(self.tr("Exporteren"))
        self.boxes: dict[str, QCheckBox] = {}
        self.images: list[QImage] = []
        self.page_titles: list[str] = []
        self.page_index = 0
        self.data: MapReport | None = None
        self.message = ""
        self._generation = 0
        self._workers: set[Worker] = set()
        self._busy = 0

        outputs = QGroupBox(self.tr("Wat exporteren"), self)
        out_form = QVBoxLayout(outputs)
        for key, text in (
            ("pdf", self.tr("Kaart gereserveerde locaties (PDF)")),
            ("dossiers", self.tr("Dossier per locatie (PDF)")),
            ("html", self.tr("Interactieve webkaart (HTML, werkt offline)")),
            ("gpkg", self.tr("GeoPackage voor GIS-collega's (met QGIS-stijlen)")),
            ("csv", self.tr("Bijlage als CSV")),
            ("xlsx", self.tr("Bijlage als Excel (XLSX)")),
        ):
            box = QCheckBox(text, outputs)
            box.setChecked(key in ("pdf", "xlsx"))
            self.boxes[key] = box
            out_form.addWidget(box)
        self.online = QCheckBox(self.tr("Webkaart met PDOK-achtergrond (alleen online)"), outputs)
        out_form.addWidget(self.online)

        pdf = QGroupBox(self.tr("Kaart (PDF)"), self)
        form = QFormLayout(pdf)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.title_edit = QLineEdit(pdf)
        self.title_edit.setPlaceholderText(
            self.tr("standaard: Gereserveerde locaties ouderenhuisvesting — project")
        )
        self.extent = QComboBox(pdf)
        self.extent.addItem(self.tr("Gereserveerde locaties"), EXTENT_RESERVED)
        self.extent.addItem(self.tr("Alle kavels"), EXTENT_ALL)
        self.page = QComboBox(pdf)
        self.page.addItems(["A4", "A3"])
        self.orientation = QComboBox(pdf)
        self.orientation.addItem(self.tr("Liggend"), True)
        self.orientation.addItem(self.tr("Staand"), False)
        form.addRow(self.tr("Titel"), self.title_edit)
        form.addRow(self.tr("Kaartbeeld"), self.extent)
        form.addRow(self.tr("Papier"), self.page)
        form.addRow(self.tr("Richting"), self.orientation)
        self.weighting_label = QLabel(pdf)
        self.weighting_label.setWordWrap(True)
        self.weighting_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.weighting_label)

        self.folder = QLineEdit(str(Path.home() / "bodnaarplot-export"), self)
        browse = QPushButton(self.tr("Kiezen…"), self)
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(QLabel(self.tr("Map"), self))
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)

        buttons = QDialogButtonBox(self)
        self.export_button = buttons.addButton(self.tr("Exporteren"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("Sluiten"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._export)
        buttons.rejected.connect(self.reject)

        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(outputs)
        side_layout.addWidget(pdf)
        side_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(360)
        left = QVBoxLayout()
        left.addWidget(scroll, 1)
        left.addLayout(folder_row)
        left.addWidget(buttons)

        self.preview = QLabel(self)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(420, 300)
        self.preview.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.preview.setWordWrap(True)
        self.preview.setStyleSheet("QLabel { background: #8A8A8A; color: white; }")
        self.prev_button = QPushButton(self.tr("◀ Vorige"), self)
        self.next_button = QPushButton(self.tr("Volgende ▶"), self)
        self.page_label = QLabel(self)
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prev_button.clicked.connect(lambda: self.show_page(self.page_index - 1))
        self.next_button.clicked.connect(lambda: self.show_page(self.page_index + 1))
        nav = QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addWidget(self.page_label, 1)
        nav.addWidget(self.next_button)
        right = QVBoxLayout()
        right.addWidget(self.preview, 1)
        right.addLayout(nav)

        layout = QHBoxLayout(self)
        layout.addLayout(left, 0)
        layout.addLayout(right, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(350)
        self._debounce.timeout.connect(self._lay_out)
        self.title_edit.textChanged.connect(self._options_changed)
        for combo in (self.extent, self.page, self.orientation):
            combo.currentIndexChanged.connect(self._options_changed)
        self._fit_screen()
        self.refresh_preview()

    # -- size and state ---------------------------------------------------------------------

    def _fit_screen(self) -> None:
        """As big as useful, never bigger than the screen (laptops: 1366×768)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        avail = screen.availableGeometry().size() if screen is not None else QSize(1366, 768)
        self.resize(min(1280, int(avail.width() * 0.95)), min(760, int(avail.height() * 0.92)))

    @property
    def is_loading(self) -> bool:
        """A preview is being read or laid out (screenshots and tests wait for it)."""
        return self._busy > 0 or self._debounce.isActive()

    def choices(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: b.isChecked() for k, b in self.boxes.items()}
        out.update(
            page=self.page.currentText(),
            landscape=bool(self.orientation.currentData()),
            online=self.online.isChecked(),
            title=self.title_edit.text().strip(),
            extent=str(self.extent.currentData()),
        )
        return out

    # -- the preview -------------------------------------------------------------------------

    def refresh_preview(self) -> None:
        """Read the project for the preview (in the worker), then lay out the pages."""
        store = self.controller.store
        self.data = None
        self.images = []
        if store is None:
            self._show_message(self.tr("Geen project geopend."))
            return
        self._generation += 1
        generation = self._generation
        key = self.controller.weighting_key
        self._show_message(self.tr("Voorbeeld wordt opgemaakt…"))

        def work(*, progress: Any) -> MapReport:
            from projects.report import map_report

            return map_report(store, record=False, weighting_key=key, progress=progress)

        self._start(work, lambda data: self._data_ready(generation, data), generation)

    def _start(self, func: Any, on_done: Any, generation: int) -> None:
        worker = Worker(func)
        self._workers.add(worker)
        self._busy += 1

        def finished(result: Any) -> None:
            on_done(result)

        def failed(exc: BaseException, _tb: str) -> None:
            if generation != self._generation:
                return
            if isinstance(exc, ProjectError):
                message, hint = user_message(exc)
                self._show_message(f"{message}\n{hint}")
            else:
                self._show_message(
                    self.tr("Het voorbeeld kon niet worden gemaakt: {error}").format(error=exc)
                )

        def done() -> None:
            self._busy -= 1
            self._workers.discard(worker)

        worker.signals.finished.connect(finished)
        worker.signals.failed.connect(failed)
        worker.signals.done.connect(done)
        worker.start()

    def _data_ready(self, generation: int, data: MapReport) -> None:
        if generation != self._generation:
            return
        self.data = data
        self._show_weighting(data)
        self._lay_out()

    def _options_changed(self) -> None:
        if self.data is not None:
            self._debounce.start()

    def _lay_out(self) -> None:
        data = self.data
        if data is None:
            return
        self._generation += 1
        generation = self._generation
        options = self.choices()
        width = self._image_width(options)

        def work(*, progress: Any) -> tuple[list[QImage], list[str]]:
            del progress
            return _layout_pages(data, options, width)

        self._start(work, lambda result: self._pages_ready(generation, result), generation)

    def _image_width(self, options: dict[str, Any]) -> int:
        from app.export.layout import page_size

        size = page_size(options["page"], options["landscape"])[1]
        avail = self.preview.size()
        ratio = self.devicePixelRatioF()
        w = min(avail.width() - 16, (avail.height() - 16) * size.width() / size.height())
        return max(200, int(w * ratio))

    def _pages_ready(self, generation: int, result: tuple[list[QImage], list[str]]) -> None:
        if generation != self._generation:
            return
        self.images, self.page_titles = result
        self.show_page(min(self.page_index, len(self.images) - 1))

    def show_page(self, index: int) -> None:
        """Show page ``index`` of the preview (◀/▶)."""
        if not self.images:
            return
        self.page_index = max(0, min(index, len(self.images) - 1))
        pixmap = QPixmap.fromImage(self.images[self.page_index])
        pixmap.setDevicePixelRatio(self.devicePixelRatioF())
        self.preview.setPixmap(pixmap)
        n = len(self.images)
        what = self.tr("kaart") if self.page_index == 0 else self.page_titles[self.page_index]
        self.page_label.setText(
            self.tr("Blad {i} van {n} — {what}").format(i=self.page_index + 1, n=n, what=what)
        )
        self.prev_button.setEnabled(self.page_index > 0)
        self.next_button.setEnabled(self.page_index < n - 1)

    def _show_message(self, text: str) -> None:
        self.message = text
        self.preview.clear()
        self.preview.setText(text)
        self.page_label.setText("")
        self.prev_button.setEnabled(False)
        self.next_button.setEnabled(False)

    def _show_weighting(self, data: MapReport) -> None:
        from projects.snapshots import weighting

        chosen = weighting(self.controller.profile, self.controller.weighting_key)
        lines = [self.tr("Weging van de scores: {label}").format(label=chosen.label)]
        if data.weighting_lines:
            lines += [self.tr("In de bijlage:"), *data.weighting_lines]
        missing = [c for c, v in data.view.views.items() if v is None]
        if missing:
            lines.append(
                self.tr(
                    "Nog geen vastgelegde scoreronde voor {cats}: die wordt bij Exporteren vastgelegd "
                    "en in de bijlage vermeld."
                ).format(cats=", ".join(missing))
            )
        self.weighting_label.setText("\n".join(lines))

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self.data is not None and self.images:
            self._debounce.start()

    # -- actions ------------------------------------------------------------------------------

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
