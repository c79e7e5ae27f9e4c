"""Map layers: one QGraphicsItem per layer that paints all its features itself.

Scene coordinates are RD New metres with y flipped (scene y = −RD y), so y points up on screen
and text stays upright. Per layer, everything expensive is done once, off the GUI thread
(:func:`build_features`): a QPainterPath per feature, its bounding box (a QRectF for the
zoomed-out drawing), and a shapely STRtree over the RD geometries. ``paint`` then only

1. culls: asks the STRtree for the features that touch the exposed rectangle;
2. picks a level of detail per feature from its size on screen (in device pixels): skip it
   (tiny buildings), draw its bounding box (a few pixels), or draw its full path;
3. groups the visible features by colour index, so one brush is set per group.

Recolouring (plots, on a weight change) only rewrites a small integer array and calls
``update()``: no path or item is rebuilt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPolygonF,
    QTransform,
)
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from app.map.legend import LegendItem
from app.map.style import FacilitySymbol, LineStyle, MapStyle
from plotscore.classes import ClassBreaks

__all__ = [
    "FULL_EXTENT",
    "FacilitiesLayer",
    "FeatureData",
    "LinesLayer",
    "MapLayer",
    "PlotMarksLayer",
    "PlotsLayer",
    "PolygonLayer",
    "ReachLayer",
    "ReservationsLayer",
    "SelectionItem",
    "build_features",
    "facility_pixmap",
    "rd_rect",
    "scene_rect",
]

IntArray = npt.NDArray[np.int64]

# The RD tile-matrix extent (all of the Netherlands and well beyond), in scene coordinates.
FULL_EXTENT = QRectF(-285401.92, -903401.92, 880803.84, 880803.84)

# Below this many pixels a polygon is drawn as its bounding box (cheap, looks the same).
BOX_BELOW_PX = 4.0
# Above this many metres per pixel, polygon layers use their simplified paths.
SIMPLIFY_ABOVE_M_PER_PX = 3.0
SIMPLIFY_TOLERANCE_M = 1.5


def scene_rect(rd_bounds: Sequence[float]) -> QRectF:
    """RD (minx, miny, maxx, maxy) → the scene rectangle (y flipped)."""
    x0, y0, x1, y1 = (float(v) for v in rd_bounds)
    return QRectF(x0, -y1, x1 - x0, y1 - y0)


def rd_rect(rect: QRectF) -> tuple[float, float, float, float]:
    """A scene rectangle → RD (minx, miny, maxx, maxy)."""
    return rect.left(), -rect.bottom(), rect.right(), -rect.top()


def _ring_polygon(coords: npt.NDArray[np.float64]) -> QPolygonF:
    return QPolygonF([QPointF(x, -y) for x, y in coords[:, :2].tolist()])


def geometry_path(geom: shapely.Geometry) -> QPainterPath:
    """A QPainterPath in scene coordinates for a (multi)polygon or (multi)line."""
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.OddEvenFill)
    if geom is None or geom.is_empty:
        return path
    for part in shapely.get_parts(geom):
        kind = shapely.get_type_id(part)
        if kind == 3:  # Polygon
            path.addPolygon(_ring_polygon(np.asarray(part.exterior.coords)))
            path.closeSubpath()
            for ring in part.interiors:
                path.addPolygon(_ring_polygon(np.asarray(ring.coords)))
                path.closeSubpath()
        elif kind in (1, 2):  # LineString, LinearRing
            xy = np.asarray(part.coords)
            if len(xy) >= 2:
                path.moveTo(xy[0, 0], -xy[0, 1])
                for x, y in xy[1:, :2].tolist():
                    path.lineTo(x, -y)
    return path


@dataclass
class FeatureData:
    """A layer's features, prepared off the GUI thread (QPainterPath is not a widget)."""

    geoms: npt.NDArray[np.object_]  # RD geometries (for hit tests)
    paths: list[QPainterPath]
    rects: list[QRectF]  # bounding boxes in scene coordinates
    boxes: npt.NDArray[np.float64]  # the same as an (n, 4) array: x, y, w, h (scene)
    size_m: npt.NDArray[np.float64]  # max(width, height) of each feature in metres
    tree: shapely.STRtree
    bounds: QRectF  # all features, scene coordinates
    simple_paths: list[QPainterPath] | None = None
    attrs: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.paths)

    def query(self, rect: QRectF) -> IntArray:
        """Indices of the features whose bounding box touches ``rect`` (scene coordinates)."""
        if not len(self.paths):
            return np.zeros(0, dtype=np.int64)
        out: IntArray = np.sort(self.tree.query(shapely.box(*rd_rect(rect)))).astype(np.int64)
        return out

    def at(self, x: float, y: float, tolerance_m: float) -> IntArray:
        """Indices of the features within ``tolerance_m`` of RD point (x, y), nearest first."""
        if not len(self.paths):
            return np.zeros(0, dtype=np.int64)
        pt = shapely.Point(x, y)
        cand = self.tree.query(pt.buffer(max(tolerance_m, 1e-6)))
        if not len(cand):
            return np.zeros(0, dtype=np.int64)
        dist = shapely.distance(self.geoms[cand], pt)
        keep = dist <= tolerance_m
        order = np.argsort(dist[keep], kind="stable")
        return np.asarray(cand[keep][order], dtype=np.int64)


def build_features(
    frame: gpd.GeoDataFrame | pd.DataFrame, *, simplify: bool = False, columns: Sequence[str] = ()
) -> FeatureData:
    """Paths, boxes and the spatial index for ``frame`` (RD). Safe off the GUI thread.

    Reads only the geometry values and ``columns``: never the CRS (pyproj objects must not be
    created on pool threads, see app.map.canvas._reservation_frame).
    """
    values = frame.geometry.values if isinstance(frame, gpd.GeoDataFrame) else frame["geometry"].to_numpy()
    geoms = np.asarray(values, dtype=object)
    valid = np.array([g is not None and not g.is_empty for g in geoms], dtype=bool)
    geoms = np.where(valid, geoms, shapely.Point())  # empty points never draw or hit
    b = shapely.bounds(geoms)
    b = np.nan_to_num(b, nan=0.0)
    rects = [QRectF(x0, -y1, x1 - x0, y1 - y0) for x0, y0, x1, y1 in b.tolist()]
    paths = [geometry_path(g) for g in geoms]
    simple = None
    if simplify:
        simple = [geometry_path(g) for g in shapely.simplify(geoms, SIMPLIFY_TOLERANCE_M)]
    if valid.any():
        x0, y0 = b[valid, 0].min(), b[valid, 1].min()
        x1, y1 = b[valid, 2].max(), b[valid, 3].max()
        bounds = QRectF(x0, -y1, x1 - x0, y1 - y0)
    else:
        bounds = QRectF()
    attrs = {c: frame[c].to_numpy() for c in columns if c in frame.columns}
    return FeatureData(
        geoms=geoms,
        paths=paths,
        rects=rects,
        boxes=np.column_stack([b[:, 0], -b[:, 3], b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]]),
        size_m=np.maximum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]),
        tree=shapely.STRtree(geoms),
        bounds=bounds,
        simple_paths=simple,
        attrs=attrs,
    )


def _pixels_per_metre(painter: QPainter) -> float:
    t = painter.worldTransform()
    return float(max(abs(t.m11()), 1e-12))


def _cosmetic_pen(colour: QColor, width_px: float, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(colour, width_px, style)
    pen.setCosmetic(True)  # width in device pixels, whatever the zoom
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    return pen


class MapLayer(QGraphicsItem):
    """A map layer: an id, a Dutch title, a legend and a paint that culls itself."""

    def __init__(self, layer_id: str, title: str, data: FeatureData | None) -> None:
        super().__init__()
        self.layer_id = layer_id
        self.title = title
        self.features = data
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.painted_features = 0  # features drawn in the last paint (tests, bench)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self.features.bounds if self.features is not None and len(self.features) else QRectF()

    def legend(self) -> list[LegendItem]:
        """What this layer's symbols mean (see :mod:`app.map.legend`)."""
        return []

    def legend_note(self) -> str:
        return ""

    def visible_indices(self, option: QStyleOptionGraphicsItem) -> IntArray:
        if self.features is None:
            return np.zeros(0, dtype=np.int64)
        return self.features.query(option.exposedRect)


class PolygonLayer(MapLayer):
    """Filled polygons with a palette: buildings, zoning, neighbourhoods, plots."""

    def __init__(
        self,
        layer_id: str,
        title: str,
        data: FeatureData,
        palette: Sequence[QColor],
        colour_index: npt.NDArray[np.int64] | None = None,
        *,
        outline: QColor | None = None,
        outline_px: float = 0.0,
        min_px: float = 0.0,
        hatch_mask: npt.NDArray[np.bool_] | None = None,
        hatch_colour: QColor | None = None,
        min_box_px: float = 0.0,
        box_pen: QPen | None = None,
        legend_items: Sequence[LegendItem] = (),
    ) -> None:
        super().__init__(layer_id, title, data)
        self.legend_items = list(legend_items)
        self.min_box_px = min_box_px  # features smaller than this are drawn as a box this big
        self.box_pen = box_pen or QPen(Qt.PenStyle.NoPen)
        self._box_cache: tuple[float, list[QRectF]] | None = None
        self.brushes = [QBrush(c) if c.alpha() > 0 else QBrush(Qt.BrushStyle.NoBrush) for c in palette]
        self.palette = list(palette)
        n = len(data)
        self.colour_index = (
            np.zeros(n, dtype=np.int64) if colour_index is None else np.asarray(colour_index, dtype=np.int64)
        )
        self.pen = (
            _cosmetic_pen(outline, outline_px)
            if outline is not None and outline_px > 0
            else QPen(Qt.PenStyle.NoPen)
        )
        self.min_px = min_px
        self.hatch_mask = hatch_mask
        self.hatch_brush = QBrush(hatch_colour or QColor("#555555"), Qt.BrushStyle.BDiagPattern)

    def legend(self) -> list[LegendItem]:
        return list(self.legend_items)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,  # noqa: ARG002 - Qt signature
    ) -> None:
        data = self.features
        if data is None:
            return
        idx = self.visible_indices(option)
        ppm = _pixels_per_metre(painter)
        px = data.size_m[idx] * ppm
        if self.min_px > 0:
            keep = px >= self.min_px
            idx, px = idx[keep], px[keep]
        self.painted_features = len(idx)
        if not len(idx):
            return
        use_simple = data.simple_paths is not None and 1.0 / ppm > SIMPLIFY_ABOVE_M_PER_PX
        paths = data.simple_paths if use_simple and data.simple_paths is not None else data.paths
        rects, pths = data.rects, paths
        small = px < BOX_BELOW_PX
        ci = self.colour_index[idx]
        order = np.argsort(ci, kind="stable")
        idx, ci, small = idx[order], ci[order], small[order]
        groups = np.flatnonzero(np.diff(ci)) + 1
        starts = np.concatenate([[0], groups])
        ends = np.concatenate([groups, [len(idx)]])
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
            brush = self.brushes[int(ci[s])] if 0 <= int(ci[s]) < len(self.brushes) else self.brushes[0]
            painter.setBrush(brush)
            g_idx, g_small = idx[s:e], small[s:e]
            box = g_idx[g_small]
            if len(box):
                painter.setPen(self.box_pen)
                painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
                painter.drawRects(self._box_rects(box, ppm, rects))
                painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            full = g_idx[~g_small]
            if len(full):
                painter.setPen(self.pen)
                for i in full.tolist():
                    painter.drawPath(pths[i])
        if self.hatch_mask is not None:
            hatched = idx[self.hatch_mask[idx] & ~small]
            if len(hatched):
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(self.hatch_brush)
                for i in hatched.tolist():
                    painter.drawPath(pths[i])

    def _box_rects(self, idx: IntArray, ppm: float, rects: list[QRectF]) -> list[QRectF]:
        """Boxes for ``idx``, inflated to ``min_box_px``; cached per zoom level.

        A recolour repaints at the same zoom, so it reuses the cached QRectFs and allocates
        next to nothing (fewer Python objects per frame = no garbage-collector pauses).
        """
        if self.min_box_px <= 0 or self.features is None:
            return [rects[i] for i in idx.tolist()]
        if self._box_cache is None or self._box_cache[0] != ppm:
            b = self.features.boxes
            side = self.min_box_px / ppm
            grow = np.flatnonzero((b[:, 2] < side) | (b[:, 3] < side))
            scaled = list(rects)
            if len(grow):
                g = b[grow]
                w = np.maximum(g[:, 2], side)
                h = np.maximum(g[:, 3], side)
                x = g[:, 0] + g[:, 2] / 2 - w / 2
                y = g[:, 1] + g[:, 3] / 2 - h / 2
                for i, xx, yy, ww, hh in zip(
                    grow.tolist(), x.tolist(), y.tolist(), w.tolist(), h.tolist(), strict=True
                ):
                    scaled[i] = QRectF(xx, yy, ww, hh)
            self._box_cache = (ppm, scaled)
        scaled = self._box_cache[1]
        return [scaled[i] for i in idx.tolist()]


class PlotsLayer(PolygonLayer):
    """The candidate plots, coloured by score class or reservation status; never skipped."""

    def __init__(self, title: str, data: FeatureData, style: MapStyle) -> None:
        self.style = style
        self.score_palette = [style.plot_no_score, *style.score_classes]
        self.status_names = list(style.status_colours)
        super().__init__(
            "plots",
            title,
            data,
            self.score_palette,
            outline=style.plot_outline,
            outline_px=1.2,
            min_box_px=style.plot_min_px,
            box_pen=_cosmetic_pen(style.plot_outline, 1.0),
        )
        self.plot_ids: npt.NDArray[np.object_] = np.asarray(data.attrs.get("plot_id", []), dtype=object)
        self.id_to_index = {str(p): i for i, p in enumerate(self.plot_ids.tolist())}
        self.run_row = np.full(len(data), -1, dtype=np.int64)  # row in state.run.frame, or −1
        self.status_index = np.zeros(len(data), dtype=np.int64)  # into status_names
        self.mode = "score"
        self.breaks: ClassBreaks | None = None
        # Texts the map gives (translated there): no-score label, class notes, status names.
        self.texts: dict[str, str] = {}

    def set_run_rows(self, run_plot_ids: Sequence[str] | None) -> None:
        """Align with ``state.run.frame`` rows (by plot_id)."""
        self.run_row[:] = -1
        if run_plot_ids is None:
            return
        pos = {str(p): i for i, p in enumerate(run_plot_ids)}
        for i, pid in enumerate(self.plot_ids.tolist()):
            self.run_row[i] = pos.get(str(pid), -1)

    def set_statuses(self, status_by_plot: dict[str, str]) -> None:
        lookup = {name: i for i, name in enumerate(self.status_names)}
        geen = lookup.get("geen", 0)
        self.status_index = np.array(
            [lookup.get(status_by_plot.get(str(p), "geen"), geen) for p in self.plot_ids.tolist()],
            dtype=np.int64,
        )

    def recolour(self, classes: npt.NDArray[Any]) -> None:
        """New score classes (aligned with the run rows): rewrite the colour index, repaint."""
        if self.mode != "score":
            return
        cls = np.asarray(classes, dtype=np.int64)
        ok = (self.run_row >= 0) & (self.run_row < len(cls))
        out = np.zeros(len(self.run_row), dtype=np.int64)
        out[ok] = cls[self.run_row[ok]]
        self.colour_index = np.clip(out, 0, len(self.score_palette) - 1)
        self.update()

    def set_mode(self, mode: str, classes: npt.NDArray[Any]) -> None:
        self.mode = mode
        if mode == "status":
            self.palette = [self.style.status_colours[n] for n in self.status_names]
            self.colour_index = self.status_index.copy()
        else:
            self.palette = list(self.score_palette)
        self.brushes = [QBrush(c) for c in self.palette]
        if mode == "score":
            self.recolour(classes)
        self.update()

    def colour_of(self, plot_id: str) -> QColor | None:
        """The colour the plot is painted with now (for tests and the legend)."""
        i = self.id_to_index.get(plot_id)
        if i is None:
            return None
        return QColor(self.palette[int(self.colour_index[i])])

    def legend(self) -> list[LegendItem]:
        counts = np.bincount(self.colour_index, minlength=len(self.palette))
        if self.mode == "status":
            return [
                LegendItem(self.texts.get(f"status:{n}", n), fill=self.style.status_colours[n], count=int(c))
                for n, c in zip(self.status_names, counts.tolist(), strict=False)
                if c > 0
            ]
        items = []
        labels = self.breaks.labels() if self.breaks is not None else []
        for k, (label, colour) in enumerate(zip(labels, self.style.score_classes, strict=False), start=1):
            if k < len(counts) and counts[k] > 0:  # never a class nobody is in
                items.append(LegendItem(label, fill=colour, count=int(counts[k])))
        items.reverse()  # best first, as in the top list
        if counts[0] > 0:
            items.append(
                LegendItem(
                    self.texts.get("no_score", "geen score"),
                    fill=self.style.plot_no_score,
                    count=int(counts[0]),
                )
            )
        return items

    def legend_note(self) -> str:
        if self.mode != "score" or self.breaks is None:
            return ""
        return self.texts.get(f"rule:{self.breaks.rule}", "").format(
            maximum=f"{self.breaks.maximum:.0f}", n=self.breaks.n
        )


class LinesLayer(MapLayer):
    """Lines in one style (the walking network)."""

    def __init__(self, layer_id: str, title: str, data: FeatureData, line: LineStyle) -> None:
        super().__init__(layer_id, title, data)
        self.line = line
        self.pen = _cosmetic_pen(line.colour, line.width_px, line.pattern)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,  # noqa: ARG002 - Qt signature
    ) -> None:
        if self.features is None:
            return
        idx = self.visible_indices(option)
        px = self.features.size_m[idx] * _pixels_per_metre(painter)
        idx = idx[px >= 1.0]  # a line shorter than a pixel is invisible anyway
        self.painted_features = len(idx)
        painter.setPen(self.pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for i in idx.tolist():
            painter.drawPath(self.features.paths[i])

    def legend(self) -> list[LegendItem]:
        return [
            LegendItem(
                self.title, line=self.line.colour, line_width=self.line.width_px, pattern=self.line.pattern
            )
        ]


class ReachLayer(MapLayer):
    """The walking reach of the selected plot: near (solid) and far (dashed) network lines."""

    def __init__(self, title: str, style: MapStyle) -> None:
        super().__init__("reach", title, None)
        self.style = style
        self.near = QPainterPath()
        self.far = QPainterPath()
        self.labels: tuple[str, str] = ("", "")
        self._bounds = QRectF()

    def set_lines(self, near: shapely.Geometry | None, far: shapely.Geometry | None) -> None:
        self.prepareGeometryChange()
        self.near = geometry_path(near) if near is not None else QPainterPath()
        self.far = geometry_path(far) if far is not None else QPainterPath()
        self._bounds = self.near.boundingRect().united(self.far.boundingRect())
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self._bounds.adjusted(-10, -10, 10, 10) if not self._bounds.isNull() else QRectF()

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,  # noqa: ARG002 - Qt signature
        widget: QWidget | None = None,  # noqa: ARG002 - Qt signature
    ) -> None:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for path, line in ((self.far, self.style.reach_far), (self.near, self.style.reach_near)):
            if not path.isEmpty():
                halo = _cosmetic_pen(QColor(255, 255, 255, 200), line.width_px + 2.5)
                painter.setPen(halo)
                painter.drawPath(path)
                painter.setPen(_cosmetic_pen(line.colour, line.width_px, line.pattern))
                painter.drawPath(path)

    def legend(self) -> list[LegendItem]:
        white = QColor(255, 255, 255, 200)
        return [
            LegendItem(label, line=line.colour, line_width=line.width_px, pattern=line.pattern, halo=white)
            for label, line in zip(self.labels, (self.style.reach_near, self.style.reach_far), strict=True)
        ]


class ReservationsLayer(MapLayer):
    """Reserved plots: a thick outline per housing category (colour, dash, optional hatch)."""

    def __init__(self, title: str, data: FeatureData, style: MapStyle, labels: dict[str, str]) -> None:
        super().__init__("reservations", title, data)
        self.style = style
        self.labels = labels
        cats = [str(c) for c in data.attrs.get("category", [])]
        self.categories = cats

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,  # noqa: ARG002 - Qt signature
    ) -> None:
        if self.features is None:
            return
        idx = self.visible_indices(option)
        self.painted_features = len(idx)
        w = self.style.reservation_width_px
        for i in idx.tolist():
            st = self.style.reservation_style(self.categories[i])
            path = self.features.paths[i]
            if st.hatch:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QBrush(st.colour, Qt.BrushStyle.BDiagPattern))
                painter.drawPath(path)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(_cosmetic_pen(QColor(255, 255, 255, 220), w + 2.0))
            painter.drawPath(path)
            painter.setPen(_cosmetic_pen(st.colour, w, st.pattern))
            painter.drawPath(path)

    def legend(self) -> list[LegendItem]:
        present = set(self.categories)
        out = []
        for c in self.style.reservation_styles:
            if c not in present:
                continue
            st = self.style.reservation_style(c)
            out.append(
                LegendItem(
                    self.labels.get(c, c),
                    line=st.colour,
                    line_width=self.style.reservation_width_px,
                    pattern=st.pattern,
                    hatch=st.hatch,
                    halo=QColor(255, 255, 255, 220),
                )
            )
        return out


_GLYPH_CACHE: dict[tuple[str, str, str, float, float], QPixmap] = {}


def facility_pixmap(symbol: FacilitySymbol, outline: QColor, size_px: float, dpr: float = 1.0) -> QPixmap:
    """A small vector-drawn icon for a facility category (cached)."""
    key = (symbol.colour.name(), symbol.glyph, symbol.letter, size_px, dpr)
    cached = _GLYPH_CACHE.get(key)
    if cached is not None:
        return cached
    side = int(np.ceil(size_px * dpr)) + 2
    pix = QPixmap(side, side)
    pix.setDevicePixelRatio(dpr)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    s = size_px - 1.5
    c = QPointF((side / dpr) / 2.0, (side / dpr) / 2.0)
    p.setPen(QPen(outline, 1.5))
    p.setBrush(symbol.colour)
    r = s / 2.0
    if symbol.glyph == "square":
        p.drawRoundedRect(QRectF(c.x() - r * 0.9, c.y() - r * 0.9, 1.8 * r, 1.8 * r), 2, 2)
    elif symbol.glyph in ("diamond", "triangle", "hexagon"):
        n = {"diamond": 4, "triangle": 3, "hexagon": 6}[symbol.glyph]
        start = {"diamond": 90.0, "triangle": 90.0, "hexagon": 0.0}[symbol.glyph]
        ang = np.deg2rad(start + np.arange(n) * 360.0 / n)
        p.drawPolygon(
            QPolygonF([QPointF(c.x() + r * np.cos(a), c.y() - r * np.sin(a)) for a in ang.tolist()])
        )
    else:
        p.drawEllipse(c, r, r)
    if symbol.letter:
        font = QFont()
        font.setBold(True)
        font.setPixelSize(max(7, int(s * (0.5 if symbol.glyph == "triangle" else 0.62))))
        p.setFont(font)
        p.setPen(QColor("#FFFFFF"))
        box = QRectF(c.x() - r, c.y() - r + (r * 0.25 if symbol.glyph == "triangle" else 0), 2 * r, 2 * r)
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, symbol.letter)
    p.end()
    _GLYPH_CACHE[key] = pix
    return pix


class FacilitiesLayer(MapLayer):
    """Facilities as small icons per category, drawn in device pixels (legible at any zoom)."""

    def __init__(self, title: str, data: FeatureData, style: MapStyle) -> None:
        super().__init__("facilities", title, data)
        self.style = style
        self.categories = [str(c) for c in data.attrs.get("category", [])]
        self.labels: dict[str, str] = dict(style.facility_labels)  # the map may translate them
        b = shapely.bounds(data.geoms) if len(data) else np.zeros((0, 4))
        self.xy = np.nan_to_num(b[:, :2]) if len(b) else np.zeros((0, 2))

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        # Icons have a size in pixels, so in metres they grow when zooming out: be generous.
        return FULL_EXTENT if self.features is not None and len(self.features) else QRectF()

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,  # noqa: ARG002 - Qt signature
    ) -> None:
        if self.features is None or not len(self.features):
            return
        ppm = _pixels_per_metre(painter)
        margin = self.style.facility_size_px / ppm
        rect = option.exposedRect.adjusted(-margin, -margin, margin, margin)
        idx = self.features.query(rect)
        self.painted_features = len(idx)
        if not len(idx):
            return
        t: QTransform = painter.worldTransform()
        dpr = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        size = self.style.facility_size_px
        painter.save()
        painter.resetTransform()
        for i in idx.tolist():
            x, y = self.xy[i]
            p = t.map(QPointF(float(x), -float(y)))
            sym = self.style.facility_symbol(self.categories[i])
            pix = facility_pixmap(sym, self.style.facility_outline, size, dpr)
            w = pix.width() / pix.devicePixelRatio()
            painter.drawPixmap(QPointF(p.x() - w / 2, p.y() - w / 2), pix)
        painter.restore()

    def legend(self) -> list[LegendItem]:
        present = sorted(set(self.categories), key=lambda c: str(self.labels.get(c) or c).casefold())
        return [
            LegendItem(
                self.labels.get(c, c),
                icon=facility_pixmap(
                    self.style.facility_symbol(c), self.style.facility_outline, self.style.facility_size_px
                ),
            )
            for c in present
        ]


class SelectionItem(QGraphicsItem):
    """The selected plots' outlines (thick, on top of everything)."""

    def __init__(self, style: MapStyle) -> None:
        super().__init__()
        self.style = style
        self.paths: list[QPainterPath] = []
        self._bounds = QRectF()

    def set_paths(self, paths: list[QPainterPath]) -> None:
        self.prepareGeometryChange()
        self.paths = paths
        bounds = QRectF()
        for p in paths:
            bounds = bounds.united(p.boundingRect())
        self._bounds = bounds
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self._bounds.adjusted(-50, -50, 50, 50) if self.paths else QRectF()

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,  # noqa: ARG002 - Qt signature
        widget: QWidget | None = None,  # noqa: ARG002 - Qt signature
    ) -> None:
        line = self.style.selection
        painter.setBrush(Qt.BrushStyle.NoBrush)
        ppm = _pixels_per_metre(painter)
        for path in self.paths:
            target = path
            r = path.boundingRect()
            if max(r.width(), r.height()) * ppm < 8:  # too small to see an outline: a ring
                target = QPainterPath()
                rad = 8 / ppm
                target.addEllipse(r.center(), rad, rad)
            painter.setPen(_cosmetic_pen(self.style.selection_halo, line.width_px + 3))
            painter.drawPath(target)
            painter.setPen(_cosmetic_pen(line.colour, line.width_px))
            painter.drawPath(target)


@dataclass(frozen=True)
class PlotMark:
    """A mark on a plot: ``disputed``, ``up`` or ``down`` (with a short text such as "+3")."""

    kind: str
    text: str = ""


class PlotMarksLayer(MapLayer):
    """Symbols on top of plots, in device pixels: ⚠ disputed, ▲ moved up, ▼ moved down.

    Set by the presentation window (:meth:`app.map.canvas.MapView.set_plot_marks`); the
    anchor of a plot is a point on its surface, so a mark never floats beside an L-shaped plot.
    """

    KINDS = ("disputed", "up", "down")

    def __init__(self, title: str, style: MapStyle) -> None:
        super().__init__("marks", title, None)
        self.style = style
        raw = style.raw.get("marks", {})
        self.size_px = float(raw.get("size_px", 22))
        self.outline = QColor(str(raw.get("outline", "#000000")))
        self.colours = {k: QColor(str(raw.get(k, "#FFB300"))) for k in self.KINDS}
        self.marks: dict[str, tuple[PlotMark, ...]] = {}
        self.anchors: dict[str, QPointF] = {}
        self.labels: dict[str, str] = {}  # kind → legend text (the map translates them)
        self._bounds = QRectF()

    def set_marks(self, marks: dict[str, tuple[PlotMark, ...]], anchors: dict[str, QPointF]) -> None:
        self.prepareGeometryChange()
        self.marks = {k: v for k, v in marks.items() if v and k in anchors}
        self.anchors = anchors
        rect = QRectF()
        for pid in self.marks:
            p = anchors[pid]
            rect = rect.united(QRectF(p.x() - 1, p.y() - 1, 2, 2))
        self._bounds = rect
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        # Marks have a size in pixels: generous, as for the facility icons.
        return FULL_EXTENT if self.marks else QRectF()

    def count(self, kind: str) -> int:
        return sum(1 for ms in self.marks.values() for m in ms if m.kind == kind)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,  # noqa: ARG002 - Qt signature
        widget: QWidget | None = None,  # noqa: ARG002 - Qt signature
    ) -> None:
        if not self.marks:
            return
        t: QTransform = painter.worldTransform()
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        font = QFont()
        font.setBold(True)
        font.setPixelSize(max(9, int(self.size_px * 0.55)))
        painter.setFont(font)
        s = self.size_px
        for pid, marks in self.marks.items():
            centre = t.map(self.anchors[pid])
            for mark in marks:
                # Disputed sits above-right of the plot's point, a move above-left: both can show.
                dx = s * 0.55 if mark.kind == "disputed" else -s * 0.55
                self._draw(painter, QPointF(centre.x() + dx, centre.y() - s * 0.6), mark)
        painter.restore()
        self.painted_features = len(self.marks)

    def _draw(self, painter: QPainter, c: QPointF, mark: PlotMark) -> None:
        s = self.size_px
        colour = self.colours.get(mark.kind, QColor("#FFB300"))
        painter.setPen(QPen(self.outline, 1.6))
        painter.setBrush(colour)
        r = s / 2
        if mark.kind == "down":
            tri = [
                QPointF(c.x() - r, c.y() - r * 0.8),
                QPointF(c.x() + r, c.y() - r * 0.8),
                QPointF(c.x(), c.y() + r),
            ]
        else:
            tri = [
                QPointF(c.x() - r, c.y() + r * 0.8),
                QPointF(c.x() + r, c.y() + r * 0.8),
                QPointF(c.x(), c.y() - r),
            ]
        painter.drawPolygon(QPolygonF(tri))
        glyph = "!" if mark.kind == "disputed" else ""
        if glyph:
            painter.setPen(self.outline)
            painter.drawText(
                QRectF(c.x() - r, c.y() - r * 0.5, 2 * r, 1.3 * r), Qt.AlignmentFlag.AlignCenter, glyph
            )
        if mark.text:
            fm = painter.fontMetrics()
            w = fm.horizontalAdvance(mark.text) + 6
            box = QRectF(c.x() - r - w - 1, c.y() - fm.height() / 2, w, fm.height())
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(255, 255, 255, 230))
            painter.drawRoundedRect(box, 3, 3)
            painter.setPen(colour.darker(130))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, mark.text)

    def legend(self) -> list[LegendItem]:
        out = []
        for kind in self.KINDS:
            if self.count(kind):
                out.append(
                    LegendItem(self.labels.get(kind, kind), icon=self.icon(kind), count=self.count(kind))
                )
        return out

    def icon(self, kind: str) -> QPixmap:
        """The mark as a small picture (legend, list)."""
        side = int(self.size_px) + 4
        pix = QPixmap(side, side)
        pix.fill(Qt.GlobalColor.transparent)
        p = QPainter(pix)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        font = QFont()
        font.setBold(True)
        font.setPixelSize(max(9, int(self.size_px * 0.55)))
        p.setFont(font)
        self._draw(p, QPointF(side / 2, side / 2), PlotMark(kind))
        p.end()
        return pix
