"""The map: a QGraphicsView in RD New metres (scene y = −RD y, so north is up and text upright).

Layers are single items that paint their own features (see :mod:`app.map.layers`); their data
is prepared on a :class:`app.workers.Worker` whenever the controller's state changes. A weight
change only recolours the plots layer. The base map (PDOK BRT WMTS) loads asynchronously and
the map keeps working offline.

Mouse: drag pans; wheel or pinch zooms; click selects a plot (Shift/Ctrl adds or removes);
Shift/Ctrl-drag draws a selection rectangle. Keys: arrows pan, +/− zoom, Home shows all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QNativeGestureEvent,
    QPainter,
    QPainterPath,
    QPen,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QToolTip,
    QWidget,
)

from app.controller import ProjectController
from app.i18n import domain_label
from app.map.basemap import ATTRIBUTION, BASEMAP_STYLES, BasemapItem, TileClient
from app.map.layers import (
    FULL_EXTENT,
    FacilitiesLayer,
    FeatureData,
    LinesLayer,
    MapLayer,
    PlotMark,
    PlotMarksLayer,
    PlotsLayer,
    PolygonLayer,
    ReachLayer,
    ReservationsLayer,
    SelectionItem,
    build_features,
)
from app.map.legend import LegendItem, LegendSection
from app.map.overlays import draw_attribution, draw_north_arrow, draw_scale_bar, format_length
from app.map.style import MapStyle, map_style
from app.map.tools import MeasureTool, PolygonTool
from app.state import ProjectState
from app.workers import Worker
from plotscore.agreement import agreement
from projects.views import WalkRoute, live_mask, walking_reach, walking_route

__all__ = ["DEFAULT_ORDER", "MapView", "build_layer_data"]

# Bottom → top. The base map is a layer too (visibility, opacity); its style is set_basemap.
DEFAULT_ORDER = (
    "basemap",
    "zoning",
    "neighbourhoods",
    "buildings",
    "network",
    "reach",
    "plots",
    "reservations",
    "facilities",
    "marks",
)
HIDDEN_BY_DEFAULT = {"network"}
MIN_PX_PER_M, MAX_PX_PER_M = 1 / 2000.0, 25.0
DRAG_START_PX = 5
CLICK_TOLERANCE_PX = 5.0
FACILITY_TOLERANCE_PX = 10.0
REACH_SYNC_MAX_NODES = 200_000  # reach_lines on the GUI thread below this (60k nodes: ~6 ms)


def _reservation_frame(state: ProjectState) -> pd.DataFrame:
    """Active, not lapsed reservations with a ``geometry`` column (the plot's where missing).

    A plain DataFrame on purpose: no CRS object is created, so this is safe on a pool thread
    (pyproj ≥ 3.7 crashes when a CRS is created twice on a QThreadPool thread, pyproj#1509).
    """
    res = state.reservations
    cols = ["plot_id", "category", "status", "geometry"]
    if res is None or not len(res):
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in cols})
    keep = live_mask(res).to_numpy(dtype=bool)
    out = pd.DataFrame(
        {
            c: np.asarray(res[c].to_numpy(), dtype=object)[keep]
            for c in ("plot_id", "category", "status")
            if c in res
        }
    )
    own = np.asarray(res.geometry.values, dtype=object)[keep] if "geometry" in res.columns else None
    by_plot = dict(
        zip(
            state.plots["plot_id"].astype(str),
            np.asarray(state.plots.geometry.values, dtype=object),
            strict=False,
        )
    )
    fallback = [by_plot.get(str(p)) for p in out.get("plot_id", [])]
    mine = list(own) if own is not None else [None] * len(fallback)
    out["geometry"] = [
        g if g is not None and not g.is_empty else f for g, f in zip(mine, fallback, strict=True)
    ]
    return out


def build_layer_data(
    state: ProjectState, *, progress: Callable[[float, str], None] | None = None
) -> dict[str, FeatureData]:
    """Everything the layers paint, built off the GUI thread (Qt value types only, no widgets)."""
    out: dict[str, FeatureData] = {}
    layers = state.layers
    jobs: list[tuple[str, Callable[[], FeatureData]]] = []
    if "zoning" in layers:
        jobs.append(
            (
                "zoning",
                lambda: build_features(
                    layers["zoning"],
                    simplify=True,
                    columns=("bestemmingshoofdgroep", "plan_status", "feature_type", "naam"),
                ),
            )
        )
    if "neighbourhoods" in layers:
        jobs.append(
            (
                "neighbourhoods",
                lambda: build_features(layers["neighbourhoods"], simplify=True, columns=("name",)),
            )
        )
    if "buildings" in layers:
        jobs.append(("buildings", lambda: build_features(layers["buildings"])))
    if "network_source" in layers:
        jobs.append(("network", lambda: build_features(layers["network_source"], columns=("highway",))))
    if "facilities" in layers:
        jobs.append(
            ("facilities", lambda: build_features(layers["facilities"], columns=("name", "category")))
        )
    if state.plots is not None and len(state.plots):
        jobs.append(("plots", lambda: build_features(state.plots, columns=("plot_id", "name"))))
        res = _reservation_frame(state)
        jobs.append(("reservations", lambda: build_features(res, columns=("plot_id", "category", "status"))))
    for i, (key, job) in enumerate(jobs):
        out[key] = job()
        if progress is not None:
            progress((i + 1) / len(jobs), "")
    return out


def _status_by_plot(state: ProjectState, order: Sequence[str]) -> dict[str, str]:
    """The most advanced active status per plot (order: the style's status list)."""
    res = _reservation_frame(state)
    rank = {s: i for i, s in enumerate(order)}
    out: dict[str, str] = {}
    for pid, status in zip(res.get("plot_id", []), res.get("status", []), strict=False):
        s = str(status)
        if rank.get(s, -1) > rank.get(out.get(str(pid), ""), -1):
            out[str(pid)] = s
    return out


def _thousands(v: float) -> str:
    return f"{v:,.0f}".replace(",", ".")


class MapView(QGraphicsView):
    """The map canvas; see the module docstring for the interaction."""

    layers_changed = Signal()
    legend_changed = Signal()  # layers, colouring, classes or marks changed: redraw the legend
    polygon_drawn = Signal(object)  # shapely Polygon in RD, from the drawing tool
    drawing_changed = Signal(bool)  # the polygon tool started (True) or ended

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.map_style: MapStyle = map_style()
        scene = QGraphicsScene(self)
        scene.setSceneRect(FULL_EXTENT)
        scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)  # a handful of big items
        self.setScene(scene)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState, False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setBackgroundBrush(QColor("#F4F4F0"))
        self.viewport().grabGesture(Qt.GestureType.PinchGesture)

        self.items_by_id: dict[str, QGraphicsItem] = {}
        self._titles: dict[str, str] = {}
        self._order: list[str] = list(DEFAULT_ORDER)
        self._visible: dict[str, bool] = {k: k not in HIDDEN_BY_DEFAULT for k in DEFAULT_ORDER}
        self._opacity: dict[str, float] = {}
        self._overlays: set[str] = set()  # layers a dock owns (set_overlay): kept across rebuilds
        self._generation = 0
        self._installed_generation = 0  # the last generation whose layers are on the map
        self._reach_generation = 0
        self._zoom_pending = True
        self._colouring = "score"
        self.scale_label = ""  # the scale bar's text as last drawn (tests)
        # The rectangle last fitted with zoom_to_all/zoom_to: re-fitted on resize until the
        # user pans or zooms (a projector window that is resized keeps showing the plots).
        self._fitted: QRectF | None = None
        self._legend_timer = QTimer(self)
        self._legend_timer.setSingleShot(True)
        self._legend_timer.setInterval(0)
        self._legend_timer.timeout.connect(self.legend_changed)
        self.layers_changed.connect(self._legend_timer.start)
        self.marks_layer: PlotMarksLayer | None = None
        self._marks: dict[str, tuple[PlotMark, ...]] = {}  # as asked: re-placed when plots reload
        self.is_building = False  # layer data being prepared in a worker (screenshots wait)

        settings = QSettings()
        style = str(settings.value("map/basemap", "grijs") or "grijs")
        self.tile_client = TileClient(parent=self)
        self.basemap = BasemapItem(self.tile_client, style if style in BASEMAP_STYLES else "grijs")
        if style == "geen":
            self._visible["basemap"] = False
        self._add_item("basemap", self.basemap, self.tr("Achtergrondkaart (BRT)"))
        self.reach_layer = ReachLayer(self.tr("Loopbereik geselecteerde locatie"), self.map_style)
        self.reach_layer.labels = (
            self.tr("binnen {0} m lopen").format(int(self.map_style.reach_near_m)),
            self.tr("binnen {0} m lopen").format(int(self.map_style.reach_far_m)),
        )
        self._add_item("reach", self.reach_layer, self.reach_layer.title)
        self.selection_item = SelectionItem(self.map_style)
        self.selection_item.setZValue(10_000)
        scene.addItem(self.selection_item)

        self.tool = PolygonTool(self)
        self.tool.changed.connect(self.viewport().update)
        self.tool.polygon_drawn.connect(self._on_polygon_drawn)
        self.tool.cancelled.connect(lambda: self.drawing_changed.emit(False))
        self.measure_tool = MeasureTool(self)
        self.measure_tool.changed.connect(self.viewport().update)
        self.measure_tool.measured.connect(self._on_measured)
        self.measure_tool.cancelled.connect(self._tool_cancelled)
        self.last_measurement: WalkRoute | None = None
        self.place: tuple[QPointF, str] | None = None  # a found address (search), as a pin

        self._press_pos: QPoint | None = None
        self._last_pos: QPoint | None = None
        self._dragging = False
        self._band: QRectF | None = None  # rubber band in viewport pixels

        self._status = QWidget()
        lay = QHBoxLayout(self._status)
        lay.setContentsMargins(0, 0, 0, 0)
        self.coord_label = QLabel("")
        self.coord_label.setMinimumWidth(190)
        self.coord_label.setToolTip(self.tr("Coördinaten onder de muis (RD New, meter)"))
        self.basemap_label = QLabel("")
        lay.addWidget(self.coord_label)
        lay.addWidget(self.basemap_label)
        self.tile_client.status_changed.connect(self._on_basemap_status)

        controller.state_changed.connect(self._on_state_changed)
        controller.project_changed.connect(self._on_project_changed)
        controller.scores_changed.connect(self._on_scores_changed)
        controller.selection_changed.connect(self._on_selection_changed)
        self._apply_order()
        if controller.state is not None:
            self._on_state_changed()

    # -- contract: status, zoom ------------------------------------------------------------

    def status_widget(self) -> QWidget:
        """Coordinate readout and base-map/offline indicator for the status bar."""
        return self._status

    def data_bounds(self) -> QRectF:
        """The scene rectangle of all vector data (empty when nothing is loaded)."""
        rect = QRectF()
        for key in ("plots", "zoning", "buildings", "facilities", "neighbourhoods"):
            item = self.items_by_id.get(key)
            if isinstance(item, MapLayer) and item.features is not None and len(item.features):
                rect = rect.united(item.features.bounds)
        return rect

    def zoom_to_all(self) -> None:
        """Show all data (the plots first: they are what the workshop is about)."""
        plots = self.items_by_id.get("plots")
        rect = (
            plots.features.bounds
            if isinstance(plots, PlotsLayer) and plots.features is not None
            else QRectF()
        )
        if rect.isEmpty():
            rect = self.data_bounds()
        if rect.isEmpty():
            return
        self._fit(rect)

    def zoom_to(self, plot_ids: Sequence[str]) -> None:
        """Centre on these plots, at least ~300 m wide so the surroundings stay readable."""
        plots = self.items_by_id.get("plots")
        if not isinstance(plots, PlotsLayer) or plots.features is None:
            return
        rect = QRectF()
        for pid in plot_ids:
            i = plots.id_to_index.get(str(pid))
            if i is not None:
                rect = rect.united(plots.features.rects[i])
        if rect.isNull():
            return
        c = rect.center()
        w, h = max(rect.width(), 300.0), max(rect.height(), 300.0)
        self._fit(QRectF(c.x() - w / 2, c.y() - h / 2, w, h))

    def zoom_to_bounds(self, bounds: Sequence[float], *, min_m: float = 300.0) -> None:
        """Centre on RD ``bounds`` (x0, y0, x1, y1), at least ``min_m`` wide (the Regio view's claims)."""
        x0, y0, x1, y1 = (float(v) for v in bounds)
        w, h = max(x1 - x0, min_m, 1.0), max(y1 - y0, min_m, 1.0)
        cx, cy = (x0 + x1) / 2, -(y0 + y1) / 2  # scene y is RD y negated
        self._fit(QRectF(cx - w / 2, cy - h / 2, w, h))

    def _fit(self, rect: QRectF) -> None:
        m = 0.06 * max(rect.width(), rect.height(), 1.0)
        self.fitInView(rect.adjusted(-m, -m, m, m), Qt.AspectRatioMode.KeepAspectRatio)
        self._clamp_scale()
        self._fitted = QRectF(rect)
        self.viewport().update()

    def pixels_per_metre(self) -> float:
        return float(self.transform().m11())

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom around ``anchor`` (viewport pixels; default the centre), within sane limits."""
        self._fitted = None
        current = self.pixels_per_metre()
        target = min(MAX_PX_PER_M, max(MIN_PX_PER_M, current * factor))
        factor = target / current
        if abs(factor - 1.0) < 1e-9:
            return
        pos = anchor if anchor is not None else QPointF(self.viewport().rect().center())
        before = self.mapToScene(pos.toPoint())
        self.scale(factor, factor)
        after = self.mapToScene(pos.toPoint())
        self.translate(after.x() - before.x(), after.y() - before.y())
        self.viewport().update()

    def _clamp_scale(self) -> None:
        s = self.pixels_per_metre()
        if s > MAX_PX_PER_M:
            self.zoom_by(MAX_PX_PER_M / s)
        elif s < MIN_PX_PER_M:
            self.zoom_by(MIN_PX_PER_M / s)

    def pan_by(self, dx: float, dy: float) -> None:
        """Move the map by (dx, dy) viewport pixels (positive: content moves right/down)."""
        self._fitted = None
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        h.setValue(h.value() - round(dx))
        v.setValue(v.value() - round(dy))

    # -- contract: layers ----------------------------------------------------------------------

    def layer_ids(self) -> list[str]:
        """Layer ids, bottom → top (only the layers that exist now)."""
        return [k for k in self._order if k in self.items_by_id]

    def layer_title(self, layer_id: str) -> str:
        return self._titles.get(layer_id, layer_id)

    def layer_item(self, layer_id: str) -> QGraphicsItem | None:
        return self.items_by_id.get(layer_id)

    def layer_legend(self, layer_id: str) -> list[LegendItem]:
        """Legend entries of one layer (see :mod:`app.map.legend`)."""
        item = self.items_by_id.get(layer_id)
        return item.legend() if isinstance(item, MapLayer) else []

    def legend_sections(self) -> list[LegendSection]:
        """The legend of the visible layers, top layer first (the Legenda dock reads this)."""
        out: list[LegendSection] = []
        for layer_id in reversed(self.layer_ids()):
            item = self.items_by_id.get(layer_id)
            if not isinstance(item, MapLayer) or not self.is_layer_visible(layer_id):
                continue
            items = item.legend()
            if layer_id == "reach":
                if self.reach_layer.near.isEmpty() and self.reach_layer.far.isEmpty():
                    continue
                items = [self._selection_legend(), *items]
            if items:
                out.append(
                    LegendSection(layer_id, self.layer_title(layer_id), tuple(items), item.legend_note())
                )
        return out

    def _selection_legend(self) -> LegendItem:
        sel = self.map_style.selection
        return LegendItem(
            self.tr("geselecteerde locatie"),
            line=sel.colour,
            line_width=sel.width_px,
            halo=self.map_style.selection_halo,
        )

    def is_layer_visible(self, layer_id: str) -> bool:
        return self._visible.get(layer_id, True)

    def set_layer_visible(self, layer_id: str, visible: bool) -> None:
        self._visible[layer_id] = bool(visible)
        item = self.items_by_id.get(layer_id)
        if item is not None:
            item.setVisible(bool(visible))
        if layer_id == "basemap" and not visible:
            self.tile_client.cancel_all()
        self.viewport().update()
        self.layers_changed.emit()

    def layer_opacity(self, layer_id: str) -> float:
        return self._opacity.get(layer_id, 1.0)

    def set_layer_opacity(self, layer_id: str, opacity: float) -> None:
        value = min(1.0, max(0.0, float(opacity)))
        self._opacity[layer_id] = value
        item = self.items_by_id.get(layer_id)
        if item is not None:
            item.setOpacity(value)
        self.layers_changed.emit()

    def set_layer_order(self, ids: Sequence[str]) -> None:
        """New order, bottom → top; ids not named keep their place above the named ones."""
        named = [i for i in ids if i in self._order]
        self._order = named + [i for i in self._order if i not in named]
        self._apply_order()
        self.layers_changed.emit()

    def set_plot_colouring(self, mode: str) -> None:
        """Colour the plots by ``score`` class or by reservation ``status``."""
        if mode not in ("score", "status"):
            raise ValueError(f"unknown plot colouring: {mode}")
        self._colouring = mode
        plots = self.items_by_id.get("plots")
        if isinstance(plots, PlotsLayer):
            plots.set_mode(mode, self.controller.classes)
        self.layers_changed.emit()

    def plot_colouring(self) -> str:
        return self._colouring

    def set_basemap(self, style: str | None) -> None:
        """``standaard``, ``grijs``, ``pastel``, or None for no base map."""
        if style is not None and style not in BASEMAP_STYLES:
            raise ValueError(f"unknown base map style: {style}")
        QSettings().setValue("map/basemap", style or "geen")
        if style is None:
            self.set_layer_visible("basemap", False)
            return
        self.basemap.set_style(style)
        self.set_layer_visible("basemap", True)

    def basemap_style(self) -> str | None:
        return self.basemap.style if self.is_layer_visible("basemap") else None

    # -- drawing tool --------------------------------------------------------------------------

    def start_polygon_tool(self) -> None:
        """Enter polygon drawing (a new plot): click vertices, double-click/Enter ends, Esc cancels."""
        self.tool.start()
        self.viewport().setCursor(Qt.CursorShape.CrossCursor)
        self.setFocus()
        self.drawing_changed.emit(True)

    def cancel_tool(self) -> None:
        self.tool.cancel()
        self.measure_tool.cancel()
        self.viewport().unsetCursor()

    def _tool_cancelled(self) -> None:
        self.viewport().unsetCursor()
        self.viewport().update()

    def start_measure_tool(self) -> None:
        """Enter measuring: click a start and an end point; Esc ends."""
        self.tool.cancel()
        self.measure_tool.start()
        self.viewport().setCursor(Qt.CursorShape.CrossCursor)
        self.setFocus()

    def measure(self, start: tuple[float, float], end: tuple[float, float]) -> WalkRoute | None:
        """Measure between two RD points (what two clicks of the tool do); None without scores."""
        state = self.controller.state
        run = state.run if state is not None else None
        if run is None:
            self.controller.error.emit(
                self.tr("Meten kan pas als er scores zijn."),
                self.tr(
                    "Importeer kavels en voorzieningen; dan is er een looppadennetwerk om langs te meten."
                ),
            )
            return None
        route = walking_route(run, start, end)
        self.last_measurement = route
        straight = self.tr("hemelsbreed {0}").format(format_length(round(route.straight_m)))
        if route.walking_m is None or route.walking_min is None:
            walking = (
                self.tr("lopen: geen looppadennetwerk geladen")
                if run.graph is None
                else self.tr("lopen: geen verbinding over het netwerk")
            )
        else:
            walking = self.tr("lopen {0} ({1} min)").format(
                format_length(round(route.walking_m)), round(route.walking_min)
            )
        coords = list(route.path.coords) if route.path is not None else []
        self.measure_tool.set_result([(float(x), float(y)) for x, y, *_ in coords], straight, walking)
        self.controller.messages_added.emit([self.tr("Gemeten: {0}, {1}").format(straight, walking)])
        return route

    def _on_measured(self, start: object, end: object) -> None:
        if isinstance(start, tuple) and isinstance(end, tuple):
            self.measure((float(start[0]), float(start[1])), (float(end[0]), float(end[1])))

    def show_place(self, x: float, y: float, label: str) -> None:
        """Centre on an RD point (a found address) about 400 m wide, with a pin and its name."""
        self.place = (QPointF(x, -y), label)
        self._fit(QRectF(x - 200.0, -y - 200.0, 400.0, 400.0))
        self._fitted = None  # a place is not "everything": a resize keeps the scale

    def clear_place(self) -> None:
        self.place = None
        self.viewport().update()

    def _draw_place(self, painter: QPainter) -> None:
        if self.place is None:
            return
        point, label = self.place
        p = self.viewportTransform().map(point)
        colour = QColor(self.map_style.selection_halo)
        painter.setPen(QPen(QColor("#FFFFFF"), 2))
        painter.setBrush(colour)
        path = QPainterPath()
        path.moveTo(p)
        path.cubicTo(p.x() - 14, p.y() - 18, p.x() - 10, p.y() - 32, p.x(), p.y() - 32)
        path.cubicTo(p.x() + 10, p.y() - 32, p.x() + 14, p.y() - 18, p.x(), p.y())
        painter.drawPath(path)
        painter.setBrush(QColor("#FFFFFF"))
        painter.drawEllipse(QPointF(p.x(), p.y() - 22), 4, 4)
        fm = painter.fontMetrics()
        w = fm.horizontalAdvance(label) + 12
        box = QRectF(p.x() + 12, p.y() - 34, w, fm.height() + 6)
        painter.setPen(QPen(QColor("#111111"), 1))
        painter.setBrush(QColor(255, 255, 255, 235))
        painter.drawRoundedRect(box, 3, 3)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label)

    # -- a rebuilt window takes over the view (language switch) --------------------------------

    def copy_view_from(self, other: MapView) -> None:
        """Show what ``other`` shows: zoom, centre, layer order/visibility/opacity, colouring."""
        self._zoom_pending = False
        self._order = list(other._order)
        self._visible = dict(other._visible)
        self._opacity = dict(other._opacity)
        for layer_id, item in self.items_by_id.items():
            item.setVisible(self._visible.get(layer_id, True))
            item.setOpacity(self._opacity.get(layer_id, 1.0))
        self._apply_order()
        if other.plot_colouring() != self._colouring:
            self.set_plot_colouring(other.plot_colouring())
        self.setTransform(other.transform())
        self.centerOn(other.mapToScene(other.viewport().rect().center()))
        self._fitted = QRectF(other._fitted) if other._fitted is not None else None
        self.layers_changed.emit()

    def _on_polygon_drawn(self, polygon: object) -> None:
        self.viewport().unsetCursor()
        self.drawing_changed.emit(False)
        self.polygon_drawn.emit(polygon)

    # -- building the layers -------------------------------------------------------------------

    def _add_item(self, layer_id: str, item: QGraphicsItem, title: str) -> None:
        old = self.items_by_id.pop(layer_id, None)
        if old is not None and old is not item:
            self.scene().removeItem(old)
        self.items_by_id[layer_id] = item
        self._titles[layer_id] = title
        if item.scene() is None:
            self.scene().addItem(item)
        item.setVisible(self._visible.get(layer_id, True))
        item.setOpacity(self._opacity.get(layer_id, 1.0))

    def set_candidates(self, frame: gpd.GeoDataFrame | None) -> None:
        """Show proposed sites from *Kansen zoeken* as their own layer; None removes it."""
        old = self.items_by_id.pop("kansen", None)
        if old is not None:
            self.scene().removeItem(old)
        if frame is not None and len(frame):
            data = build_features(frame, columns=("name", "reason"))
            layer = PolygonLayer(
                "kansen",
                self.tr("Kansen (voorstellen)"),
                data,
                [QColor(255, 140, 0, 70)],
                outline=QColor("#D35400"),
                outline_px=2.0,
                min_box_px=4.0,
            )
            if "kansen" not in self._order:
                self._order.insert(self._order.index("plots"), "kansen")
            self._visible.setdefault("kansen", True)
            self._add_item("kansen", layer, self.tr("Kansen (voorstellen)"))
            self._apply_order()
        self.layers_changed.emit()

    def set_overlay(self, layer_id: str, item: MapLayer | None, *, below: str = "plots") -> None:
        """Show a layer a dock computed (e.g. the Vraag choropleth) below ``below``; None removes it.

        The layer stays when the project's own layers are rebuilt, keeps its visibility and
        opacity settings, and appears in the Lagen panel like any other layer.
        """
        old = self.items_by_id.pop(layer_id, None)
        if old is not None and old is not item:
            self.scene().removeItem(old)
        if item is None:
            self._overlays.discard(layer_id)
        else:
            self._overlays.add(layer_id)
            if layer_id not in self._order:
                self._order.insert(self._order.index(below) if below in self._order else 0, layer_id)
            self._visible.setdefault(layer_id, True)
            self._add_item(layer_id, item, item.title)
            self._apply_order()
        self.viewport().update()
        self.layers_changed.emit()

    def _apply_order(self) -> None:
        for z, key in enumerate(self._order):
            item = self.items_by_id.get(key)
            if item is not None:
                item.setZValue(float(z * 10))

    def _on_project_changed(self) -> None:
        self._zoom_pending = True

    def _on_state_changed(self) -> None:
        state = self.controller.state
        self._generation += 1
        if state is None:
            self._install(self._generation, {})
            return
        gen = self._generation
        self.is_building = True
        worker = Worker(build_layer_data, state)
        worker.signals.finished.connect(lambda data, g=gen: self._install(g, data))
        worker.signals.failed.connect(lambda exc, _tb: self._build_failed(exc))
        worker.start()

    @property
    def building(self) -> bool:
        """The layers of the newest state are still being built (off the GUI thread)."""
        return self._installed_generation != self._generation

    def _build_failed(self, exc: BaseException) -> None:
        self._installed_generation = self._generation
        self.is_building = False
        self.controller.error.emit(
            self.tr("De kaart kon niet worden opgebouwd."),
            self.tr("De gegevens zijn niet verloren. Probeer het opnieuw; de fout was: {0}").format(exc),
        )

    def _install(self, generation: int, data: dict[str, FeatureData]) -> None:
        """Replace the vector layers with freshly built ones (GUI thread; cheap)."""
        if generation != self._generation:
            return  # a newer state is being built
        self._installed_generation = generation
        self.is_building = False
        st = self.map_style
        state = self.controller.state
        for key in [
            k for k in self.items_by_id if k not in ("basemap", "reach", "kansen", "marks", *self._overlays)
        ]:
            self.scene().removeItem(self.items_by_id.pop(key))
        if "zoning" in data:
            self._install_zoning(data["zoning"])
        if "neighbourhoods" in data:
            self._add_item(
                "neighbourhoods",
                PolygonLayer(
                    "neighbourhoods",
                    self.tr("Wijken en buurten"),
                    data["neighbourhoods"],
                    [QColor(0, 0, 0, 0)],
                    outline=st.neighbourhood_outline,
                    outline_px=1.5,
                    legend_items=[
                        LegendItem(self.tr("grens van wijk of buurt"), line=st.neighbourhood_outline)
                    ],
                ),
                self.tr("Wijken en buurten"),
            )
        if "buildings" in data:
            layer = PolygonLayer(
                "buildings",
                self.tr("Gebouwen"),
                data["buildings"],
                [st.building_fill],
                outline=st.building_outline,
                outline_px=0.6,
                min_px=st.building_min_px,
                legend_items=[LegendItem(self.tr("gebouw (BAG-pand)"), fill=st.building_fill)],
            )
            self._add_item("buildings", layer, layer.title)
        if "network" in data:
            net = LinesLayer("network", self.tr("Loopnetwerk"), data["network"], st.network)
            self._add_item("network", net, net.title)
        if "plots" in data:
            plots = PlotsLayer(self.tr("Locaties"), data["plots"], st)
            plots.texts = self._plot_texts()
            plots.breaks = self.controller.breaks
            run = state.run if state is not None else None
            plots.set_run_rows(list(run.frame["plot_id"].astype(str)) if run is not None else None)
            if state is not None:
                plots.set_statuses(_status_by_plot(state, plots.status_names))
            plots.set_mode(self._colouring, self.controller.classes)
            self._add_item("plots", plots, plots.title)
            labels = {c: domain_label(c) for c in st.reservation_styles}
            res = ReservationsLayer(self.tr("Reserveringen"), data["reservations"], st, labels)
            self._add_item("reservations", res, res.title)
        if "facilities" in data:
            fac = FacilitiesLayer(self.tr("Voorzieningen"), data["facilities"], st)
            fac.labels = {k: domain_label(v) for k, v in st.facility_labels.items()}
            self._add_item("facilities", fac, fac.title)
        self._apply_order()
        self._on_selection_changed()
        if self._marks:
            self.set_plot_marks(self._marks)  # the plots were rebuilt: place the marks again
        if self._zoom_pending and data:
            self._zoom_pending = False
            self.zoom_to_all()
        self.viewport().update()
        self.layers_changed.emit()

    def _install_zoning(self, data: FeatureData) -> None:
        st = self.map_style
        groups = [str(g or "").strip().lower() for g in data.attrs.get("bestemmingshoofdgroep", [])]
        kinds = [str(k or "") for k in data.attrs.get("feature_type", [])]
        status = [str(s or "").lower() for s in data.attrs.get("plan_status", [])]
        names = sorted(set(groups))
        palette = [QColor(0, 0, 0, 0)] + [st.zoning_fill(g) for g in names]
        pos = {g: i + 1 for i, g in enumerate(names)}
        index = np.array(
            [
                0 if k == "dubbelbestemming" else pos[g]
                for g, k in zip(groups, kinds or [""] * len(groups), strict=False)
            ],
            dtype=np.int64,
        )
        if len(index) < len(groups):
            index = np.array([pos[g] for g in groups], dtype=np.int64)
        indicative = np.array([s.startswith("indicatief") for s in status], dtype=bool)
        if len(indicative) != len(groups):
            indicative = np.zeros(len(groups), dtype=bool)
        title = self.tr("Bestemmingen")
        items = [
            LegendItem(domain_label(st.hoofdgroep_label.get(g, g)), fill=st.zoning_fill(g))
            for g in names
            if g
        ]
        if indicative.any():
            title = self.tr("Bestemmingen (indicatief)")
            items.append(
                LegendItem(
                    self.tr("indicatief: afgeleid uit OpenStreetMap-landgebruik, geen vastgesteld plan"),
                    line=st.zoning_hatch,
                    line_width=1.0,
                    hatch=True,
                )
            )
        layer = PolygonLayer(
            "zoning",
            title,
            data,
            palette,
            index,
            outline=st.zoning_outline,
            outline_px=0.5,
            min_px=0.8,
            hatch_mask=indicative,
            hatch_colour=QColor(st.zoning_hatch.red(), st.zoning_hatch.green(), st.zoning_hatch.blue(), 45),
            legend_items=items,
        )
        self._add_item("zoning", layer, title)

    # -- controller signals --------------------------------------------------------------------

    def _on_scores_changed(self) -> None:
        plots = self.items_by_id.get("plots")
        if isinstance(plots, PlotsLayer):
            plots.breaks = self.controller.breaks
            plots.recolour(self.controller.classes)
        self._legend_timer.start()

    def _plot_texts(self) -> dict[str, str]:
        """The plots layer's legend words, translated here (the layer holds no tr())."""
        texts = {
            "no_score": self.tr("geen score"),
            "rule:quantiles": self.tr(
                "Score in {n} klassen met elk ongeveer evenveel locaties; de beste locatie valt altijd in de "
                "donkerste klasse."
            ),
            "rule:attainable": self.tr(
                "Score in {n} gelijke stappen tot {maximum}: het haalbare maximum met deze gegevens en weging."
            ),
            "rule:equal": self.tr("Score in {n} vaste stappen van 0 tot 100."),
        }
        for status in self.map_style.status_colours:
            texts[f"status:{status}"] = domain_label(status)
        return texts

    def _on_selection_changed(self) -> None:
        plots = self.items_by_id.get("plots")
        if not isinstance(plots, PlotsLayer) or plots.features is None:
            self.selection_item.set_paths([])
            self.reach_layer.set_lines(None, None)
            self._legend_timer.start()
            return
        idx = [plots.id_to_index[p] for p in self.controller.selection if p in plots.id_to_index]
        self.selection_item.set_paths([plots.features.paths[i] for i in idx])
        self._update_reach([plots.features.geoms[i] for i in idx[:1]])

    def _update_reach(self, geoms: list[Any]) -> None:
        self._reach_generation += 1
        state = self.controller.state
        run = state.run if state is not None else None
        graph = run.graph if run is not None else None
        if not geoms or run is None or graph is None:
            self.reach_layer.set_lines(None, None)
            return
        gen = self._reach_generation
        near, far = self.map_style.reach_near_m, self.map_style.reach_far_m
        geom = geoms[0]

        def work(*, progress: Callable[[float, str], None] | None = None) -> tuple[Any, Any]:  # noqa: ARG001
            lines = walking_reach(run, geom, (near, far))
            if lines is None:
                return None, None
            return lines.geometry.iloc[0], lines.geometry.iloc[1]

        if graph.n_nodes <= REACH_SYNC_MAX_NODES:
            # A few ms on a town's network: no thread. (This also keeps pyproj, which
            # reach_lines uses, off QThreadPool threads: pyproj 3.7 crashes there, #1509.)
            self._reach_done(gen, work())
            return
        worker = Worker(work)
        worker.signals.finished.connect(lambda r, g=gen: self._reach_done(g, r))
        worker.signals.failed.connect(lambda exc, _tb: self._reach_failed(exc))
        worker.start()

    def _reach_done(self, generation: int, result: tuple[Any, Any]) -> None:
        if generation == self._reach_generation:
            self.reach_layer.set_lines(*result)
            self._legend_timer.start()

    def _reach_failed(self, exc: BaseException) -> None:
        self.reach_layer.set_lines(None, None)
        self.controller.messages_added.emit([self.tr("Loopbereik niet getoond: {0}").format(exc)])

    def _on_basemap_status(self, online: bool, text: str) -> None:
        self.basemap_label.setText(text)
        self.basemap_label.setStyleSheet("" if online else "color: #B71C1C; font-weight: bold;")

    # -- hit tests -----------------------------------------------------------------------------

    def plots_at(self, view_pos: QPointF) -> list[str]:
        """Plot ids under a viewport position (nearest first)."""
        plots = self.items_by_id.get("plots")
        if not isinstance(plots, PlotsLayer) or plots.features is None or not plots.isVisible():
            return []
        p = self.mapToScene(view_pos.toPoint())
        tol = CLICK_TOLERANCE_PX / self.pixels_per_metre()
        return [str(plots.plot_ids[i]) for i in plots.features.at(p.x(), -p.y(), tol).tolist()]

    def plots_in(self, view_rect: QRectF) -> list[str]:
        """Plot ids intersecting a rectangle in viewport pixels."""
        plots = self.items_by_id.get("plots")
        if not isinstance(plots, PlotsLayer) or plots.features is None:
            return []
        scene = self.mapToScene(view_rect.toRect()).boundingRect()
        idx = plots.features.query(scene)
        if not len(idx):
            return []
        box = shapely.box(scene.left(), -scene.bottom(), scene.right(), -scene.top())
        hit = idx[shapely.intersects(plots.features.geoms[idx], box)]
        return [str(plots.plot_ids[i]) for i in hit.tolist()]

    def facility_at(self, view_pos: QPointF) -> int | None:
        fac = self.items_by_id.get("facilities")
        if not isinstance(fac, FacilitiesLayer) or fac.features is None or not fac.isVisible():
            return None
        p = self.mapToScene(view_pos.toPoint())
        hits = fac.features.at(p.x(), -p.y(), FACILITY_TOLERANCE_PX / self.pixels_per_metre())
        return int(hits[0]) if len(hits) else None

    def tooltip_at(self, view_pos: QPointF) -> str:
        """The hover text at a viewport position: a facility or a plot, else empty."""
        fi = self.facility_at(view_pos)
        if fi is not None:
            fac = self.items_by_id["facilities"]
            if not isinstance(fac, FacilitiesLayer) or fac.features is None:
                return ""
            cat = fac.categories[fi]
            name = fac.features.attrs.get("name", [None] * (fi + 1))[fi]
            label = self.map_style.facility_labels.get(cat, cat)
            return f"<b>{name}</b><br>{label}" if _present(name) else f"<b>{label}</b>"
        ids = self.plots_at(view_pos)
        if not ids:
            return ""
        return self._plot_tooltip(ids[0])

    def _plot_tooltip(self, plot_id: str) -> str:
        plots = self.items_by_id["plots"]
        if not isinstance(plots, PlotsLayer) or plots.features is None:
            return ""
        i = plots.id_to_index[plot_id]
        name = plots.features.attrs.get("name", [None] * (i + 1))[i]
        title = f"{name} ({plot_id})" if _present(name) else plot_id
        lines = [f"<b>{title}</b>"]
        row = int(plots.run_row[i])
        state = self.controller.state
        if row >= 0 and row < len(self.controller.scores):
            lines.append(self.tr("Score {0}").format(f"{float(self.controller.scores[row]):.0f}"))
            if state is not None and state.run is not None and "explanation" in state.run.frame.columns:
                text = str(state.run.frame["explanation"].iloc[row]).splitlines()[0]
                first = text.split(" · ")[0]
                lines.append(first[:140])
        else:
            lines.append(self.tr("Nog geen score"))
        return "<br>".join(lines)

    # -- events --------------------------------------------------------------------------------

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
            return True
        if (
            event.type() == QEvent.Type.NativeGesture
            and isinstance(event, QNativeGestureEvent)
            and event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture
        ):
            self.zoom_by(1.0 + event.value(), event.position())
            return True
        return super().viewportEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt override
        delta = event.angleDelta().y()
        if delta:
            self.zoom_by(1.0015**delta, event.position())
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.MiddleButton):
            self._press_pos = event.position().toPoint()
            self._last_pos = self._press_pos
            self._dragging = False
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        pos = event.position().toPoint()
        scene = self.mapToScene(pos)
        self.coord_label.setText(
            self.tr("RD x {0}  y {1}").format(_thousands(scene.x()), _thousands(-scene.y()))
        )
        if self.tool.active:
            self.tool.move(scene)
        if self.measure_tool.active:
            self.measure_tool.move(scene)
        if self._press_pos is None or self._last_pos is None:
            return
        if not self._dragging and (pos - self._press_pos).manhattanLength() >= DRAG_START_PX:
            self._dragging = True
        if not self._dragging:
            return
        band = bool(
            event.modifiers() & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier)
        )
        if band and event.buttons() & Qt.MouseButton.LeftButton and not self.tool.active:
            self._band = QRectF(QPointF(self._press_pos), QPointF(pos)).normalized()
            self.viewport().update()
        else:
            d = pos - self._last_pos
            self.pan_by(d.x(), d.y())
        self._last_pos = pos

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._press_pos is None:
            super().mouseReleaseEvent(event)
            return
        mods = event.modifiers()
        adding = bool(mods & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier))
        if self._band is not None:
            hits = self.plots_in(self._band)
            keep = self.controller.selection if mods & Qt.KeyboardModifier.ControlModifier else []
            self.controller.select([*keep, *hits])
        elif not self._dragging and event.button() == Qt.MouseButton.LeftButton:
            self._click(QPointF(event.position()), adding)
        self._press_pos = self._last_pos = None
        self._dragging = False
        self._band = None
        self.viewport().update()
        event.accept()

    def _click(self, pos: QPointF, adding: bool) -> None:
        if self.measure_tool.active:
            self.measure_tool.click(self.mapToScene(pos.toPoint()))
            return
        if self.tool.active:
            self.tool.add_vertex(self.mapToScene(pos.toPoint()))
            return
        ids = self.plots_at(pos)
        if not adding:
            self.controller.select(ids[:1])
        elif ids:
            current = list(self.controller.selection)
            pid = ids[0]
            self.controller.select([p for p in current if p != pid] if pid in current else [*current, pid])

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self.measure_tool.active:
            event.accept()  # two quick clicks are a start and an end, not a zoom
            return
        if self.tool.active:
            self.tool.add_vertex(self.mapToScene(event.position().toPoint()))
            self.tool.finish()
            event.accept()
            return
        if event.button() == Qt.MouseButton.LeftButton:
            self.zoom_by(2.0, event.position())
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        self.coord_label.setText("")
        super().leaveEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        if self.measure_tool.key(key):
            return
        if self.tool.key(key):
            if not self.tool.active:
                self.viewport().unsetCursor()
            return
        step_x, step_y = self.viewport().width() / 6, self.viewport().height() / 6
        pans: dict[int, tuple[float, float]] = {
            Qt.Key.Key_Left: (step_x, 0.0),
            Qt.Key.Key_Right: (-step_x, 0.0),
            Qt.Key.Key_Up: (0.0, step_y),
            Qt.Key.Key_Down: (0.0, -step_y),
        }
        if key in pans:
            self.pan_by(*pans[int(key)])
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(1.5)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom_by(1 / 1.5)
        elif key in (Qt.Key.Key_Home, Qt.Key.Key_0):
            self.zoom_to_all()
        elif key == Qt.Key.Key_Escape and self.place is not None:
            self.clear_place()
        elif key == Qt.Key.Key_Escape and self.controller.selection:
            self.controller.select([])
        else:
            super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self._fitted is not None and not self._fitted.isEmpty():
            self._fit(self._fitted)  # still showing "everything": keep showing it
        self.viewport().update()

    # -- marks (presentation window) -----------------------------------------------------------

    def set_plot_marks(self, marks: dict[str, tuple[PlotMark, ...]]) -> None:
        """Mark plots (disputed ⚠, moved ▲/▼) on this map; an empty dict clears the marks."""
        self._marks = dict(marks)
        plots = self.items_by_id.get("plots")
        if self.marks_layer is None:
            self.marks_layer = PlotMarksLayer(self.tr("Markeringen"), self.map_style)
            self._add_item("marks", self.marks_layer, self.marks_layer.title)
            self._apply_order()
        self.marks_layer.labels = {
            "disputed": self.tr("omstreden (≥ {0} punten)").format(round(agreement().disputed_from_points)),
            "up": self.tr("gestegen"),
            "down": self.tr("gedaald"),
        }
        anchors: dict[str, QPointF] = {}
        if isinstance(plots, PlotsLayer) and plots.features is not None:
            geoms = plots.features.geoms
            for pid in marks:
                i = plots.id_to_index.get(pid)
                if i is not None:
                    pt = shapely.point_on_surface(geoms[i])
                    if not pt.is_empty:
                        anchors[pid] = QPointF(pt.x, -pt.y)
        self.marks_layer.set_marks(marks, anchors)
        self._legend_timer.start()
        self.layers_changed.emit()

    def plot_marks(self) -> dict[str, tuple[PlotMark, ...]]:
        return dict(self.marks_layer.marks) if self.marks_layer is not None else {}

    # -- foreground: overlays in device pixels -------------------------------------------------

    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:  # noqa: N802, ARG002 - Qt override
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        vp = QRectF(self.viewport().rect())
        if not self.layer_ids() or (self.controller.state is None and not self._overlays):
            painter.setPen(QColor("#555555"))
            font = painter.font()
            font.setPointSizeF(16)
            painter.setFont(font)
            painter.drawText(
                vp,
                Qt.AlignmentFlag.AlignCenter,
                self.tr("Nog geen project geopend.\nOpen een project of start de demo."),
            )
        self.scale_label = draw_scale_bar(painter, vp, 1.0 / self.pixels_per_metre(), self.map_style)
        draw_north_arrow(painter, vp, self.map_style)
        if self.basemap.isVisible() and self.tile_client.online is not False:
            draw_attribution(painter, vp, ATTRIBUTION, self.map_style)
        if self._band is not None:
            band = QColor(self.map_style.selection_halo)
            painter.setPen(QPen(band, 1.5, Qt.PenStyle.DashLine))
            band.setAlpha(30)
            painter.setBrush(band)
            painter.drawRect(self._band)
        self.tool.paint(painter, self.viewportTransform())
        self._draw_place(painter)
        self.measure_tool.paint(
            painter,
            self.viewportTransform(),
            QColor(str(self.map_style.raw.get("measure", {}).get("walking", "#00897B"))),
        )
        painter.restore()


def _present(value: object) -> bool:
    return (
        value is not None
        and not (isinstance(value, float) and np.isnan(value))
        and str(value) not in ("", "<NA>")
    )
