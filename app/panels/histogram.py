"""The score histogram in the Criteria dock: how the scores of all locations are spread.

Bars of 5 points from 0 to 100, each in the colour of the score class its scores fall in (the
same classes as the map, :mod:`plotscore.classes`), and a marker at the selected location. It
follows every slider move (one ``bincount`` on the live scores).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.controller import ProjectController
from app.i18n import ui_number
from app.panels.widgets import panel_style

__all__ = ["BIN_WIDTH", "ScoreHistogram", "histogram_counts"]

BIN_WIDTH = 5.0  # score points per bar


def histogram_counts(scores: npt.ArrayLike, width: float = BIN_WIDTH) -> npt.NDArray[np.int64]:
    """How many scores fall in each bar [0, 5), [5, 10), … [95, 100]; NaN is left out."""
    s = np.asarray(scores, dtype=np.float64)
    s = s[~np.isnan(s)]
    n = round(100.0 / width)
    idx = np.clip((s // width).astype(np.int64), 0, n - 1)
    return np.bincount(idx, minlength=n).astype(np.int64)


class ScoreHistogram(QWidget):
    """Bars of the score distribution, coloured by class; the selected location marked."""

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("scoreHistogram")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.counts = histogram_counts([])
        self.selected: float | None = None
        controller.scores_changed.connect(self.refresh)
        controller.selection_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        scores = self.controller.scores
        self.counts = histogram_counts(scores)
        self.selected = None
        run = self.controller.state.run if self.controller.state else None
        if run is not None and self.controller.selection and len(scores) == len(run.frame):
            ids = run.frame["plot_id"].astype("string").to_numpy(dtype=object, na_value="")
            hit = np.flatnonzero(ids == self.controller.selection[0])
            if len(hit):
                self.selected = float(scores[int(hit[0])])
        n = int(self.counts.sum())
        self.setToolTip(
            self.tr("Verdeling van de scores van {0} locaties, in stappen van 5 punten").format(n)
            if n
            else self.tr("Nog geen scores")
        )
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(240, self.fontMetrics().height() * 5 + 8)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(160, self.fontMetrics().height() * 5 + 8)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        fm = self.fontMetrics()
        text_h = fm.height()
        ink = self.palette().windowText().color()
        # The caption sits in the chart (no heading line above it: room for the sliders).
        caption = self.tr("Scores van {0} locaties").format(int(self.counts.sum()))
        p.setPen(ink)
        p.drawText(QRectF(4, 0, self.width() - 8, text_h), Qt.AlignmentFlag.AlignLeft, caption)
        area = QRectF(4, text_h + 4, self.width() - 8, self.height() - 2 * text_h - 12)
        if not self.counts.sum():
            p.setPen(ink)
            p.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, self.tr("Nog geen scores"))
            p.end()
            return
        peak = max(1, int(self.counts.max()))
        n = len(self.counts)
        bar_w = area.width() / n
        style = panel_style()
        breaks = self.controller.breaks
        for i, count in enumerate(self.counts.tolist()):
            if not count:
                continue
            centre = (i + 0.5) * BIN_WIDTH
            cls = int(breaks.classify([min(centre, breaks.maximum)])[0]) if breaks.maximum > 0 else 1
            h = area.height() * count / peak
            rect = QRectF(area.left() + i * bar_w + 1, area.bottom() - h, bar_w - 2, h)
            p.fillRect(rect, style.class_colour(max(1, cls)))
            p.setPen(QPen(QColor("#303030"), 0.6))
            p.drawRect(rect)
        p.setPen(QPen(ink, 1))
        p.drawLine(area.bottomLeft(), area.bottomRight())
        for value in (0, 50, 100):
            x = area.left() + area.width() * value / 100.0
            label = ui_number(value)
            w = fm.horizontalAdvance(label)
            left = min(max(area.left(), x - w / 2), area.right() - w)
            p.drawText(QRectF(left, area.bottom() + 2, w + 2, text_h), Qt.AlignmentFlag.AlignLeft, label)
        if self.selected is not None:
            x = area.left() + area.width() * min(max(self.selected, 0.0), 100.0) / 100.0
            sel = QColor("#000000")
            p.setPen(QPen(sel, 2.5))
            p.drawLine(int(x), int(area.top()), int(x), int(area.bottom()))
        p.end()
