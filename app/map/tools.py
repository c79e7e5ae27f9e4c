"""Map tools: drawing a polygon (a new plot) on the map, and measuring a distance.

Click adds a vertex, the rubber line follows the mouse, double-click or Enter finishes,
Backspace removes the last vertex, Esc cancels. The result is a shapely Polygon in RD metres,
emitted as ``polygon_drawn``; what it becomes (a plot, with undo) is the workflow's business.
"""

from __future__ import annotations

import shapely
from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF, QTransform

__all__ = ["MeasureTool", "PolygonTool"]


class PolygonTool(QObject):
    """State of one polygon being drawn, in scene coordinates (y = −RD y)."""

    polygon_drawn = Signal(object)  # shapely.Polygon in RD (EPSG:28992)
    cancelled = Signal()
    changed = Signal()  # repaint the overlay

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.active = False
        self.vertices: list[QPointF] = []
        self.cursor: QPointF | None = None

    def start(self) -> None:
        self.active = True
        self.vertices = []
        self.cursor = None
        self.changed.emit()

    def cancel(self) -> None:
        if self.active:
            self.active = False
            self.vertices = []
            self.cursor = None
            self.changed.emit()
            self.cancelled.emit()

    def add_vertex(self, scene_pos: QPointF) -> None:
        if self.vertices and (self.vertices[-1] - scene_pos).manhattanLength() < 1e-6:
            return  # the second click of a double-click
        self.vertices.append(QPointF(scene_pos))
        self.changed.emit()

    def move(self, scene_pos: QPointF) -> None:
        self.cursor = QPointF(scene_pos)
        if self.vertices:
            self.changed.emit()

    def undo_vertex(self) -> None:
        if self.vertices:
            self.vertices.pop()
            self.changed.emit()

    def polygon(self) -> shapely.Polygon | None:
        """The polygon so far in RD, valid or repaired; None below 3 distinct vertices."""
        pts = [(p.x(), -p.y()) for p in self.vertices]
        if len({(round(x, 3), round(y, 3)) for x, y in pts}) < 3:
            return None
        poly = shapely.Polygon(pts)
        if not poly.is_valid:
            fixed = shapely.make_valid(poly)
            parts = [g for g in shapely.get_parts(fixed) if isinstance(g, shapely.Polygon)]
            if not parts:
                return None
            poly = max(parts, key=lambda g: g.area)
        return poly if poly.area > 0 else None

    def finish(self) -> bool:
        """End drawing; emits ``polygon_drawn`` if there is a usable polygon."""
        poly = self.polygon()
        if poly is None:
            return False
        self.active = False
        self.vertices = []
        self.cursor = None
        self.changed.emit()
        self.polygon_drawn.emit(poly)
        return True

    def key(self, key: int) -> bool:
        """Handle a key while drawing; True when used."""
        if not self.active:
            return False
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.finish()
            return True
        if key == Qt.Key.Key_Escape:
            self.cancel()
            return True
        if key == Qt.Key.Key_Backspace:
            self.undo_vertex()
            return True
        return False

    def paint(self, painter: QPainter, view_transform: QTransform) -> None:
        """Draw the vertices and rubber line in device pixels."""
        if not self.active or not self.vertices:
            return
        pts = [view_transform.map(p) for p in self.vertices]
        if self.cursor is not None:
            pts.append(view_transform.map(self.cursor))
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if len(pts) >= 3:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(255, 111, 0, 50))
            painter.drawPolygon(QPolygonF(pts))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor("#FFFFFF"), 5))
        painter.drawPolyline(QPolygonF(pts))
        painter.setPen(QPen(QColor("#FF6F00"), 2.5))
        painter.drawPolyline(QPolygonF(pts))
        if self.cursor is not None and len(pts) >= 3:
            painter.setPen(QPen(QColor("#FF6F00"), 1.5, Qt.PenStyle.DashLine))
            painter.drawLine(pts[-1], pts[0])
        painter.setPen(QPen(QColor("#FF6F00"), 2))
        painter.setBrush(QColor("#FFFFFF"))
        for p in pts[: len(self.vertices)]:
            painter.drawEllipse(p, 5, 5)
        painter.restore()


class MeasureTool(QObject):
    """Measuring a distance: click the start, click the end; the map asks the read side for the
    walking route (:func:`projects.views.walking_route`) and draws both lines with their lengths.

    The tool only holds points and the result to draw; ``measured`` carries (start, end) in RD
    for the map to compute. Esc ends the tool; a third click starts a new measurement.
    """

    measured = Signal(object, object)  # (x, y), (x, y) in RD
    changed = Signal()
    cancelled = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.active = False
        self.start_point: QPointF | None = None
        self.end_point: QPointF | None = None
        self.cursor: QPointF | None = None
        self.route: list[QPointF] = []  # the walking path in scene coordinates
        self.labels: tuple[str, str] = ("", "")  # (straight, walking) texts as drawn

    def start(self) -> None:
        self.active = True
        self.clear()

    def clear(self) -> None:
        self.start_point = self.end_point = self.cursor = None
        self.route = []
        self.labels = ("", "")
        self.changed.emit()

    def cancel(self) -> None:
        if self.active:
            self.active = False
            self.clear()
            self.cancelled.emit()

    def click(self, scene_pos: QPointF) -> None:
        if self.start_point is None or self.end_point is not None:
            self.clear()
            self.start_point = QPointF(scene_pos)
        else:
            self.end_point = QPointF(scene_pos)
            a, b = self.start_point, self.end_point
            self.measured.emit((a.x(), -a.y()), (b.x(), -b.y()))
        self.changed.emit()

    def move(self, scene_pos: QPointF) -> None:
        self.cursor = QPointF(scene_pos)
        if self.start_point is not None and self.end_point is None:
            self.changed.emit()

    def set_result(self, route_rd: list[tuple[float, float]], straight: str, walking: str) -> None:
        self.route = [QPointF(x, -y) for x, y in route_rd]
        self.labels = (straight, walking)
        self.changed.emit()

    def key(self, key: int) -> bool:
        if self.active and key == Qt.Key.Key_Escape:
            self.cancel()
            return True
        return False

    def paint(self, painter: QPainter, view_transform: QTransform, colour: QColor) -> None:
        """The straight line dashed, the walking route solid, with their lengths in boxes."""
        if not self.active or self.start_point is None:
            return
        end = self.end_point or self.cursor
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        a = view_transform.map(self.start_point)
        if len(self.route) >= 2:
            pts = QPolygonF([view_transform.map(p) for p in self.route])
            painter.setPen(QPen(QColor("#FFFFFF"), 7))
            painter.drawPolyline(pts)
            painter.setPen(QPen(colour, 4))
            painter.drawPolyline(pts)
        if end is not None:
            b = view_transform.map(end)
            painter.setPen(QPen(QColor("#FFFFFF"), 4))
            painter.drawLine(a, b)
            painter.setPen(QPen(QColor("#111111"), 2, Qt.PenStyle.DashLine))
            painter.drawLine(a, b)
        painter.setPen(QPen(QColor("#111111"), 2))
        painter.setBrush(QColor("#FFFFFF"))
        for p in (self.start_point, self.end_point):
            if p is not None:
                painter.drawEllipse(view_transform.map(p), 6, 6)
        lines = [t for t in self.labels if t]
        if lines and self.end_point is not None:
            fm = painter.fontMetrics()
            w = max(fm.horizontalAdvance(t) for t in lines) + 16
            h = fm.height() * len(lines) + 10
            b = view_transform.map(self.end_point)
            box = QRectF(b.x() + 12, b.y() - h / 2, w, h)
            painter.setPen(QPen(QColor("#111111"), 1))
            painter.setBrush(QColor(255, 255, 255, 235))
            painter.drawRoundedRect(box, 4, 4)
            for i, t in enumerate(lines):
                painter.drawText(
                    QRectF(box.left() + 8, box.top() + 5 + i * fm.height(), w - 16, fm.height()),
                    Qt.AlignmentFlag.AlignVCenter,
                    t,
                )
        painter.restore()
