"""Lagen: which map layers show, in which order, how opaque; plot colouring and base map.

Bound to the map's layer contract (:class:`LayerMap`, implemented by
:class:`app.map.canvas.MapView`); the list is rebuilt or updated on ``layers_changed``.
The list shows the top layer first (as in QGIS); the map's order is bottom → top.
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from app.controller import ProjectController
from app.panels.widgets import Panel, heading

__all__ = ["BASEMAPS", "LayerMap", "LayersPanel"]

ID_ROLE = Qt.ItemDataRole.UserRole + 1
BASEMAPS: tuple[str | None, ...] = ("standaard", "grijs", "pastel", None)


class LayerMap(Protocol):
    """What the Lagen panel needs from the map (see the MapView contract)."""

    layers_changed: Any  # a Qt signal without arguments

    def layer_ids(self) -> list[str]: ...
    def layer_title(self, layer_id: str) -> str: ...
    def is_layer_visible(self, layer_id: str) -> bool: ...
    def set_layer_visible(self, layer_id: str, visible: bool) -> None: ...
    def layer_opacity(self, layer_id: str) -> float: ...
    def set_layer_opacity(self, layer_id: str, opacity: float) -> None: ...
    def set_layer_order(self, layer_ids: list[str]) -> None: ...
    def set_plot_colouring(self, mode: str) -> None: ...
    def set_basemap(self, style: str | None) -> None: ...


class LayersPanel(Panel):
    """The Lagen dock."""

    def __init__(
        self, controller: ProjectController, map_view: LayerMap, parent: QWidget | None = None
    ) -> None:
        self._updating = False
        super().__init__(parent)
        self.controller = controller
        self.map = map_view

        self.list = QListWidget(self)
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setToolTip(
            self.tr("Vink aan om te tonen; sleep om de volgorde te wijzigen (bovenaan = bovenop)")
        )

        self.opacity_label = QLabel(self)
        self.opacity_label.setWordWrap(True)
        self.opacity = QSlider(Qt.Orientation.Horizontal, self)
        self.opacity.setRange(0, 100)
        self.opacity.setPageStep(10)
        self.opacity.setToolTip(
            self.tr("Ondoorzichtigheid van de gekozen laag: 100 % = volledig dekkend, 0 % = onzichtbaar")
        )
        self.opacity_value = QLabel(self)
        self.opacity_value.setMinimumWidth(self.fontMetrics().horizontalAdvance("100 %") + 4)

        self.by_score = QRadioButton(self.tr("Score"), self)
        self.by_status = QRadioButton(self.tr("Status"), self)
        self.by_score.setToolTip(self.tr("Locaties kleuren naar hun score (5 klassen, zie Legenda)"))
        self.by_status.setToolTip(self.tr("Locaties kleuren naar de status van hun reservering"))
        self.colouring = QButtonGroup(self)
        self.colouring.addButton(self.by_score)
        self.colouring.addButton(self.by_status)
        self.by_score.setChecked(True)

        self.basemap = QComboBox(self)
        labels = (self.tr("Standaard"), self.tr("Grijs"), self.tr("Pastel"), self.tr("Uit"))
        for style, label in zip(BASEMAPS, labels, strict=True):
            self.basemap.addItem(label, style)
        self.basemap.setToolTip(self.tr("Achtergrondkaart van PDOK (BRT); zonder internet blijft die leeg"))

        opacity_row = QHBoxLayout()
        opacity_row.addWidget(self.opacity, 1)
        opacity_row.addWidget(self.opacity_value)
        colour_row = QHBoxLayout()
        colour_row.addWidget(self.by_score)
        colour_row.addWidget(self.by_status)
        colour_row.addStretch(1)
        self.basemap.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        form = QFormLayout()
        # A narrow dock puts a caption above its field instead of cutting either.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.opacity_label)
        form.addRow(opacity_row)
        form.addRow(self.tr("Locaties kleuren naar"), colour_row)
        form.addRow(self.tr("Achtergrondkaart"), self.basemap)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(heading(self.tr("Kaartlagen"), self, 1.1))
        layout.addWidget(self.list, 1)
        layout.addLayout(form)

        self.list.itemChanged.connect(self._on_item_changed)
        self.list.currentItemChanged.connect(self._show_opacity)
        self.list.model().rowsMoved.connect(self._on_rows_moved)
        self.opacity.valueChanged.connect(self._on_opacity)
        self.by_score.toggled.connect(self._on_colouring)
        self.basemap.currentIndexChanged.connect(self._on_basemap)
        self.map.layers_changed.connect(self.refresh)
        self.refresh()

    # -- map → panel -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Mirror the map's layers: in place if the set and order are unchanged, else rebuilt."""
        if self._updating:
            return
        ids = list(reversed(self.map.layer_ids()))
        self._updating = True
        try:
            if ids != self.shown_ids():
                current = self.current_id()
                self.list.clear()
                for layer_id in ids:
                    item = QListWidgetItem(self.map.layer_title(layer_id))
                    item.setData(ID_ROLE, layer_id)
                    item.setFlags(
                        Qt.ItemFlag.ItemIsEnabled
                        | Qt.ItemFlag.ItemIsSelectable
                        | Qt.ItemFlag.ItemIsUserCheckable
                        | Qt.ItemFlag.ItemIsDragEnabled
                    )
                    self.list.addItem(item)
                row = ids.index(current) if current in ids else (0 if ids else -1)
                self.list.setCurrentRow(row)
            for i in range(self.list.count()):
                item = self.list.item(i)
                layer_id = str(item.data(ID_ROLE))
                item.setText(self.map.layer_title(layer_id))
                state = (
                    Qt.CheckState.Checked if self.map.is_layer_visible(layer_id) else Qt.CheckState.Unchecked
                )
                # Always set: an item without check-state data shows no box at all, so a layer
                # that starts hidden (the walking network) would have no checkbox to turn it on.
                if item.data(Qt.ItemDataRole.CheckStateRole) is None or item.checkState() != state:
                    item.setCheckState(state)
        finally:
            self._updating = False
        self._show_opacity()
        self._show_styles()

    def _show_styles(self) -> None:
        """Mirror colouring and base map if the map reports them (optional part of the contract)."""
        colouring = getattr(self.map, "plot_colouring", None)
        if callable(colouring):
            button = self.by_status if colouring() == "status" else self.by_score
            if not button.isChecked():
                button.blockSignals(True)
                button.setChecked(True)
                button.blockSignals(False)
        basemap = getattr(self.map, "basemap_style", None)
        if callable(basemap):
            index = self.basemap.findData(basemap())
            if index >= 0 and index != self.basemap.currentIndex():
                self.basemap.blockSignals(True)
                self.basemap.setCurrentIndex(index)
                self.basemap.blockSignals(False)

    def _show_opacity(self, *_args: object) -> None:
        layer_id = self.current_id()
        enabled = layer_id is not None
        self.opacity.setEnabled(enabled)
        if layer_id is None:
            self.opacity_label.setText(self.tr("Ondoorzichtigheid: kies een laag"))
            self.opacity_value.setText("")
            return
        self.opacity_label.setText(
            self.tr("Ondoorzichtigheid van {0}").format(self.map.layer_title(layer_id))
        )
        value = round(self.map.layer_opacity(layer_id) * 100)
        self.opacity.blockSignals(True)
        self.opacity.setValue(value)
        self.opacity.blockSignals(False)
        self.opacity_value.setText(f"{value} %")

    # -- panel → map -----------------------------------------------------------------------

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if not self._updating:
            self.map.set_layer_visible(str(item.data(ID_ROLE)), item.checkState() == Qt.CheckState.Checked)

    def _on_rows_moved(self, *_args: QModelIndex | int) -> None:
        if not self._updating:
            self.map.set_layer_order(list(reversed(self.shown_ids())))

    def _on_opacity(self, value: int) -> None:
        layer_id = self.current_id()
        self.opacity_value.setText(f"{value} %")
        if layer_id is not None:
            self.map.set_layer_opacity(layer_id, value / 100.0)

    def _on_colouring(self) -> None:
        self.map.set_plot_colouring("score" if self.by_score.isChecked() else "status")

    def _on_basemap(self, index: int) -> None:
        self.map.set_basemap(self.basemap.itemData(index))

    # -- helpers ---------------------------------------------------------------------------

    def shown_ids(self) -> list[str]:
        """Layer ids as listed, top layer first."""
        return [str(self.list.item(i).data(ID_ROLE)) for i in range(self.list.count())]

    def current_id(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else str(item.data(ID_ROLE))

    def move_layer(self, layer_id: str, row: int) -> None:
        """Move a layer to a list row (0 = top), as a drag would; keyboard and tests use this."""
        ids = self.shown_ids()
        if layer_id not in ids:
            return
        ids.remove(layer_id)
        ids.insert(max(0, min(row, len(ids))), layer_id)
        self.map.set_layer_order(list(reversed(ids)))
