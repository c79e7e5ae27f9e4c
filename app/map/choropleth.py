"""The Vraag map: a choropleth of older residents or derived need per wijk, with labels.

One polygon per area, coloured by class (equal, rounded intervals from 0 to the largest value),
and a label "Wippolder · 170–200" at each area's representative point, drawn in device pixels so
it stays legible on a projector at any zoom. The colours are data (``resources/styles/demand.toml``).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import shapely
from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

from app.map.layers import FULL_EXTENT, FeatureData, PolygonLayer
from app.map.legend import LegendItem
from app.map.style import colour as parse_colour
from resources import resource

__all__ = ["ChoroplethLayer", "ChoroplethStyle", "choropleth_style", "class_breaks"]


@dataclass(frozen=True)
class ChoroplethStyle:
    classes: tuple[QColor, ...]
    no_value: QColor
    no_gap: QColor
    outline: QColor
    label: QColor
    label_halo: QColor
    label_min_px: float


@lru_cache(maxsize=1)
def choropleth_style() -> ChoroplethStyle:
    """The style table, read once (a missing table falls back to neutral greys, never a crash)."""
    node = resource("styles", "demand.toml")
    data = tomllib.loads(node.read_text(encoding="utf-8")) if node.is_file() else {}
    classes = tuple(parse_colour(str(c)) for c in data.get("classes", ["#BDBDBD", "#757575"]))
    return ChoroplethStyle(
        classes=classes,
        no_value=parse_colour(str(data.get("no_value", "#BDBDBD66"))),
        no_gap=parse_colour(str(data.get("no_gap", "#31A35499"))),
        outline=parse_colour(str(data.get("outline", "#6E4B8C"))),
        label=parse_colour(str(data.get("label", "#222222"))),
        label_halo=parse_colour(str(data.get("label_halo", "#FFFFFFE6"))),
        label_min_px=float(data.get("label_min_px", 70)),
    )


def _nice(value: float) -> float:
    """The smallest 1-2-2.5-5 × 10^k at or above ``value``."""
    if value <= 0:
        return 1.0
    unit = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if step * unit >= value:
            return float(step * unit)
    return float(10.0 * unit)


def class_breaks(values: Sequence[float], n: int) -> tuple[npt.NDArray[np.int64], list[str]]:
    """Class index 1…n per value (0 = no value, −1 = zero or below) and the legend labels.

    Equal intervals of a rounded width from 0 to the largest value: readable bounds ("0–50",
    "50–100") rather than quantiles, so two maps with the same scale compare.
    """
    v = np.asarray(values, dtype=np.float64)
    known = ~np.isnan(v)
    top = float(np.max(v[known])) if known.any() else 0.0
    width = _nice(top / n) if top > 0 else 1.0
    idx = np.zeros(len(v), dtype=np.int64)
    pos = known & (v > 0)
    idx[pos] = np.minimum(n, np.floor(v[pos] / width).astype(np.int64) + 1)
    idx[known & (v <= 0)] = -1
    labels = [f"{_fmt(k * width)}–{_fmt((k + 1) * width)}" for k in range(n)]
    return idx, labels


def _fmt(value: float) -> str:
    return f"{round(value):,}".replace(",", ".")


class ChoroplethLayer(PolygonLayer):
    """Areas filled by class, with a label per area (name and value) in device pixels."""

    def __init__(
        self,
        layer_id: str,
        title: str,
        data: FeatureData,
        values: Sequence[float],
        labels: Sequence[str],
        *,
        zero_label: str = "",
        style: ChoroplethStyle | None = None,
    ) -> None:
        st = style or choropleth_style()
        idx, ranges = class_breaks(values, len(st.classes))
        # palette: 0 = no value, 1…n = classes, n+1 = zero or below
        palette = [st.no_value, *st.classes, st.no_gap]
        colour = np.where(idx < 0, len(st.classes) + 1, idx)
        super().__init__(layer_id, title, data, palette, colour, outline=st.outline, outline_px=1.6)
        self.style = st
        self.texts = list(labels)
        self.values = np.asarray(values, dtype=np.float64)
        self.ranges = ranges
        self.zero_label = zero_label
        self.present = sorted(set(colour.tolist()))
        geoms = data.geoms
        pts = shapely.point_on_surface(geoms) if len(geoms) else geoms
        self.anchor = shapely.get_coordinates(pts) if len(pts) else np.zeros((0, 2))

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        # Labels have a size in pixels: generous bounds so they are never clipped when zoomed out.
        return FULL_EXTENT if self.features is not None and len(self.features) else QRectF()

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        super().paint(painter, option, widget)
        data = self.features
        if data is None or not len(data) or not self.texts:
            return
        t: QTransform = painter.worldTransform()
        ppm = float(max(abs(t.m11()), 1e-12))
        idx = data.query(option.exposedRect)
        big = idx[data.size_m[idx] * ppm >= self.style.label_min_px]
        if not len(big):
            return
        painter.save()
        painter.resetTransform()
        font = QFont(painter.font())
        font.setPointSizeF(10.5)
        font.setBold(True)
        painter.setFont(font)
        fm = QFontMetricsF(font)
        halo = QPen(self.style.label_halo, 4.0)
        halo.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        taken: list[QRectF] = []
        # Biggest areas first: where two labels would overlap, the larger area keeps its label.
        for i in big[np.argsort(-data.size_m[big], kind="stable")].tolist():
            text = self.texts[i]
            if not text:
                continue
            x, y = self.anchor[i]
            at = t.map(QPointF(float(x), -float(y)))
            lines = text.split("\n")
            h = fm.height()
            width = max(fm.horizontalAdvance(line) for line in lines)
            box = QRectF(at.x() - width / 2, at.y() - h * len(lines) / 2, width, h * len(lines))
            if any(box.intersects(other) for other in taken):
                continue
            taken.append(box.adjusted(-4, -2, 4, 2))
            top = at.y() - h * len(lines) / 2 + fm.ascent()
            for k, line in enumerate(lines):
                w = fm.horizontalAdvance(line)
                base = QPointF(at.x() - w / 2, top + k * h)
                path = QPainterPath()
                path.addText(base, font, line)
                painter.strokePath(path, halo)
                painter.fillPath(path, self.style.label)
        painter.restore()

    def legend(self) -> list[LegendItem]:
        """The classes present on the map, as rows of the Legenda dock."""
        out: list[LegendItem] = []
        n = len(self.style.classes)
        for k in self.present:
            if k == 0:
                out.append(
                    LegendItem(
                        QCoreApplication.translate("ChoroplethLayer", "geen cijfer"), fill=self.style.no_value
                    )
                )
            elif k == n + 1:
                out.append(
                    LegendItem(
                        self.zero_label or QCoreApplication.translate("ChoroplethLayer", "0 of minder"),
                        fill=self.style.no_gap,
                    )
                )
            else:
                out.append(LegendItem(self.ranges[k - 1], fill=self.style.classes[k - 1]))
        return out
