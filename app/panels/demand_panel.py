"""Vraag: the need from local demography beside the bod, per wijk beside the reserved homes.

The dock reads one :class:`projects.demand.DemandView` (computed off the GUI thread whenever the
project changes) and shows it four ways: the derived opgave per category beside the entered bod,
a table per wijk (older residents, derived need, reserved homes, gap), the CBS road distance
beside the older residents' walking distance, and the sources. The map gets a choropleth per
wijk (the gap, the need or the older residents, with labels), so the room sees "here is the need,
here are the plots" on one picture. Every figure is labelled *schatting* and names its source.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.controller import ProjectController, user_message
from app.map.canvas import MapView
from app.map.choropleth import ChoroplethLayer
from app.map.layers import FeatureData, build_features
from app.panels.widgets import Panel, heading
from app.workers import Worker
from projects.demand import (
    SCHATTING,
    DemandView,
    cbs_explanation,
    comparison_table,
    demand_view,
    derived_opgave_summary,
    load_need_model,
    span_text,
)

__all__ = ["MAP_MEASURES", "DemandPanel", "area_label"]

LAYER_ID = "vraag"
#: What the choropleth can show: key → Dutch label (the category keys are added per model).
MAP_MEASURES: dict[str, str] = {
    "gap": "Tekort: afgeleide opgave − gereserveerd",
    "need": "Afgeleide opgave (alle categorieën)",
    "older65": "65-plussers (schatting)",
}


def area_label(name: str) -> str:
    """ "Wijk 28 Wippolder" → "Wippolder" (the CBS prefix is noise on a map)."""
    parts = name.split(" ", 2)
    if len(parts) == 3 and parts[0].lower() in ("wijk", "buurt") and parts[1].isdigit():
        return parts[2]
    return name


def _mid(lo: float, hi: float) -> float:
    return (lo + hi) / 2.0


def _measure(view: DemandView, key: str) -> tuple[list[float], list[str]]:
    """Per area: the value to colour by (the middle of the range) and the label text."""
    values: list[float] = []
    labels: list[str] = []
    for a in view.areas:
        if key == "older65":
            value, text = a.older65_est, span_text(a.older65)
        elif key == "need":
            lo, hi = a.derived_total
            value, text = _mid(lo, hi), span_text((lo, hi))
        elif key.startswith("need:"):
            lo, hi = a.derived.get(key.split(":", 1)[1], (math.nan, math.nan))
            value, text = _mid(lo, hi), span_text((lo, hi))
        else:  # gap
            d, r = a.derived_total, a.reserved_total
            lo, hi = d[0] - r[1], d[1] - r[0]
            value, text = _mid(lo, hi), span_text((lo, hi))
        values.append(value)
        labels.append(f"{area_label(a.label)}\n{text}")
    return values, labels


def _compute(
    store: Any, horizon: int, *, progress: Callable[[float, str], None]
) -> tuple[DemandView, FeatureData]:
    """Off the GUI thread: the view and the map features of its areas."""
    view = demand_view(store, horizon=horizon, progress=progress)
    frame = view.frame()
    return view, build_features(frame, simplify=True, columns=("code", "name"))


class DemandPanel(Panel):
    """The Vraag dock."""

    derived_changed = Signal(list)  # the ledger's "afgeleide opgave" line (Dutch), [] without figures

    def __init__(
        self, controller: ProjectController, map_view: MapView, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.map_view = map_view
        self.view: DemandView | None = None
        self.features: FeatureData | None = None
        self._worker: Worker | None = None
        self._generation = 0
        self._pending: int | None = None  # generation being computed
        self._in_view = True  # the dock's tab is the current one (MainWindow connects visibilityChanged)
        model = load_need_model()
        self.measures = dict(MAP_MEASURES)
        for c in model.categories:
            self.measures[f"need:{c.id}"] = self.tr("Afgeleide opgave {cat}").format(cat=c.id)

        self.title = heading(self.tr("Vraag uit de demografie"), self)
        self.horizon = QSpinBox(self)
        self.horizon.setRange(2025, 2050)
        self.horizon.setValue(model.horizon_default)
        self.horizon.setPrefix(self.tr("horizon "))
        self.measure = QComboBox(self)
        # The long labels must not widen the dock: the map is what the room looks at.
        self.measure.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.measure.setMinimumContentsLength(14)
        for key, label in self.measures.items():
            self.measure.addItem(self.tr(label), key)
        self.on_map = QCheckBox(self.tr("Op de kaart"), self)
        self.on_map.setChecked(True)
        # Two short rows, so the dock stays narrow and the map keeps the room.
        controls = QVBoxLayout()
        row = QHBoxLayout()
        row.addWidget(self.horizon)
        row.addStretch(1)
        row.addWidget(self.on_map)
        controls.addLayout(row)
        controls.addWidget(self.measure)
        self.summary = QLabel(self.tr("Nog geen project."), self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)

        self.tabs = QTabWidget(self)
        self.opgave_table = self._table(
            [
                self.tr("categorie"),
                self.tr("bod"),
                self.tr("afgeleid"),
                self.tr("verschil"),
                self.tr("bestaand"),
            ]
        )
        self.area_table = self._table(
            [
                self.tr("wijk"),
                self.tr("behoefte"),
                self.tr("gereserveerd"),
                self.tr("tekort"),
                self.tr("65+"),
            ]
        )
        self.cbs_category = QComboBox(self)
        self.cbs_category.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.cbs_category.setMinimumContentsLength(14)
        self.cbs_category.currentIndexChanged.connect(self._fill_cbs)
        self.cbs_table = self._table([])
        self.cbs_notes = QLabel(self)
        self.cbs_notes.setWordWrap(True)
        small = self.cbs_notes.font()
        small.setPointSizeF(max(8.0, small.pointSizeF() * 0.8))
        self.cbs_notes.setFont(small)
        self.sources = QLabel(self)
        self.sources.setWordWrap(True)
        self.sources.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.sources.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tabs.addTab(self.opgave_table, self.tr("Opgave"))
        self.tabs.addTab(self.area_table, self.tr("Per wijk"))
        cbs_page = QWidget(self)
        cbs_layout = QVBoxLayout(cbs_page)
        cbs_layout.setContentsMargins(0, 0, 0, 0)
        cbs_layout.addWidget(self.cbs_category)
        cbs_layout.addWidget(self.cbs_table, 2)
        cbs_layout.addWidget(self._scroll(self.cbs_notes), 1)
        self.tabs.addTab(cbs_page, self.tr("CBS en lopen"))
        self.tabs.addTab(self._scroll(self.sources), self.tr("Bronnen"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addLayout(controls)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)  # a burst of edits gives one recomputation
        self._timer.timeout.connect(self.recompute)
        # The map is built first (it is what the room looks at); the need follows once its layers
        # are in, so the two never compete for the processor when a project opens.
        self._after_map = False
        controller.state_changed.connect(self._state_changed)
        map_view.layers_changed.connect(self._map_ready)
        self.horizon.valueChanged.connect(self._timer.start)
        self.measure.currentIndexChanged.connect(self._show_map)
        self.on_map.toggled.connect(self._show_map)

    # -- building --------------------------------------------------------------------------

    def _state_changed(self) -> None:
        self._after_map = True
        # Safety net: if the map has nothing to rebuild, start anyway after a while.
        QTimer.singleShot(3000, self._map_ready)

    def _map_ready(self) -> None:
        if self._after_map:
            self._after_map = False
            self._timer.start()

    def _scroll(self, label: QLabel) -> QScrollArea:
        """Long text scrolls inside the dock instead of making the dock (and the window) taller."""
        area = QScrollArea(self)
        area.setWidget(label)
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setMinimumHeight(60)
        return area

    def _table(self, header: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(header), self)
        table.setHorizontalHeaderLabels(header)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        table.setWordWrap(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    def recompute(self) -> None:
        """Compute the view again in the background (the project or the horizon changed)."""
        store = self.controller.store
        self._generation += 1
        if store is None or self.controller.state is None:
            self._pending = None
            self._set_view(None, None)
            return
        gen = self._generation
        self._pending = gen
        self.summary.setText(self.tr("De vraag wordt berekend …"))
        worker = Worker(_compute, store, int(self.horizon.value()))
        worker.signals.finished.connect(lambda result, g=gen: self._done(g, result))
        worker.signals.failed.connect(lambda exc, _tb, g=gen: self._failed(g, exc))
        self._worker = worker
        worker.start()

    @property
    def is_computing(self) -> bool:
        """True while a recomputation is waiting, scheduled or running (tests and screenshots wait on it)."""
        return self._after_map or self._timer.isActive() or self._pending is not None

    def _done(self, generation: int, result: tuple[DemandView, FeatureData]) -> None:
        if generation != self._generation:
            return  # a newer computation is under way
        self._pending = None
        self._set_view(*result)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._pending = None
        message, hint = user_message(exc)
        self.summary.setText(self.tr("De vraag kon niet worden berekend: {m} {h}").format(m=message, h=hint))

    def _set_view(self, view: DemandView | None, features: FeatureData | None) -> None:
        self.view, self.features = view, features
        self._fill_summary()
        self._fill_opgave()
        self._fill_areas()
        self._fill_cbs()
        self._fill_sources()
        self._show_map()
        summary = derived_opgave_summary(view) if view is not None else ""
        self.derived_changed.emit([summary] if summary else [])

    # -- filling -----------------------------------------------------------------------------

    def _fill_summary(self) -> None:
        view = self.view
        if view is None:
            self.summary.setText(self.tr("Nog geen project."))
            return
        if not view.has_figures:
            self.summary.setText(" ".join(view.notes))
            return
        g = view.gemeente
        parts = [f"{c.id} {span_text(g.derived[c.id])}" for c in view.categories] if g else []
        head = self.tr("{where} {h} (schatting), afgeleide opgave:").format(
            where=g.label if g else self.tr("Gemeente"), h=view.horizon
        )
        self.summary.setText(f"{head} {' · '.join(parts)}. {self.tr('Het bod blijft leidend.')}")

    def _set_rows(self, table: QTableWidget, rows: list[list[str]], right_from: int = 1) -> None:
        table.setRowCount(len(rows))
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c >= right_from:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
        table.resizeColumnsToContents()

    def _fill_opgave(self) -> None:
        view = self.view
        rows: list[list[str]] = []
        if view is not None and view.gemeente is not None:
            g = view.gemeente
            for c in view.categories:
                bod = view.bod.get(c.id)
                diff = view.difference(c.id)
                if diff is None:
                    diff_text = "–"
                else:
                    lo, hi = sorted(diff)
                    diff_text = (
                        self.tr("bod {n} lager").format(n=span_text((-hi, -lo)))
                        if hi <= 0
                        else self.tr("bod {n} hoger").format(n=span_text((lo, hi)))
                        if lo >= 0
                        else span_text((lo, hi))
                    )
                supply = (
                    (str(round(g.supply.get(c.id, 0.0))) if view.supply_loaded else self.tr("geen lijst"))
                    if c.subtract_supply
                    else self.tr("n.v.t.")
                )
                rows.append(
                    [
                        c.id,
                        str(bod) if bod is not None else "–",
                        span_text(g.derived[c.id]),
                        diff_text,
                        supply,
                    ]
                )
        self._set_rows(self.opgave_table, rows)

    def _fill_areas(self) -> None:
        view = self.view
        rows: list[list[str]] = []
        if view is not None:
            noun = {"buurt": self.tr("buurt"), "wijk": self.tr("wijk")}.get(
                view.level or "", self.tr("gebied")
            )
            self.area_table.setHorizontalHeaderItem(0, QTableWidgetItem(noun))
            for a in view.areas:
                d, r = a.derived_total, a.reserved_total
                rows.append(
                    [
                        area_label(a.label),
                        span_text(d),
                        span_text(r, round_people=False),
                        span_text((d[0] - r[1], d[1] - r[0])),
                        span_text(a.older65),
                    ]
                )
        self._set_rows(self.area_table, rows)

    def _fill_cbs(self) -> None:
        view = self.view
        if view is None or not view.comparison:
            self.cbs_category.blockSignals(True)
            self.cbs_category.clear()
            self.cbs_category.blockSignals(False)
            self.cbs_table.setColumnCount(1)
            self.cbs_table.setHorizontalHeaderLabels([self.tr("CBS-afstand en loopafstand")])
            self._set_rows(self.cbs_table, [])
            self.cbs_notes.setText(self.tr("Geen CBS-afstanden of geen loopnetwerk in dit project."))
            return
        categories = {r.category: r.category_label for r in view.comparison}
        current = self.cbs_category.currentData()
        if [self.cbs_category.itemData(i) for i in range(self.cbs_category.count())] != list(categories):
            self.cbs_category.blockSignals(True)
            self.cbs_category.clear()
            for key, label in categories.items():
                self.cbs_category.addItem(label, key)
            index = list(categories).index(current) if current in categories else 0
            self.cbs_category.setCurrentIndex(index)
            self.cbs_category.blockSignals(False)
        table = comparison_table(view, str(self.cbs_category.currentData()))
        # gebied | CBS weg | lopen 65+ | in netwerk: the two distances side by side, first.
        header = [self.tr("gebied"), self.tr("CBS weg"), self.tr("lopen 65+"), self.tr("in netwerk")]
        self.cbs_table.setColumnCount(len(header))
        self.cbs_table.setHorizontalHeaderLabels(header)
        self._set_rows(self.cbs_table, [[area_label(r[0]), r[2], r[3], r[1]] for r in table.rows])
        short, _reasons = cbs_explanation()  # the one explanation text, as in the CLI and the PDF
        self.cbs_notes.setText("\n".join([self.tr("Waarom ze verschillen: ") + short, *table.footnotes]))

    def _fill_sources(self) -> None:
        view = self.view
        if view is None:
            self.sources.setText("")
            return
        lines = [self.tr("Verdeling over de wijk: ") + view.method, "", SCHATTING, ""]
        lines += [self.tr("Opmerkingen:"), *(f"• {n}" for n in view.notes), ""]
        lines += [self.tr("Bronnen:"), *(f"• {s}" for s in view.sources)]
        self.sources.setText("\n".join(lines))

    # -- the map -------------------------------------------------------------------------------

    def current_measure(self) -> str:
        return str(self.measure.currentData())

    def set_in_view(self, visible: bool) -> None:
        """The dock came into view or left it (its tab): the choropleth follows (with *Op de kaart*)."""
        self._in_view = visible
        self._show_map()

    def _show_map(self) -> None:
        view, features = self.view, self.features
        shown = self._in_view and self.on_map.isChecked()
        if view is None or features is None or not len(features) or not shown:
            self.map_view.set_overlay(LAYER_ID, None)
            return
        key = self.current_measure()
        values, labels = _measure(view, key)
        title = self.tr("Vraag: {m} ({h}, schatting)").format(m=self.tr(self.measures[key]), h=view.horizon)
        layer = ChoroplethLayer(
            LAYER_ID,
            title,
            features,
            values,
            labels,
            zero_label=self.tr("geen tekort") if key == "gap" else self.tr("0"),
        )
        self.map_view.set_overlay(LAYER_ID, layer, below="network")
