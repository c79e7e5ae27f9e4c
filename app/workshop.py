"""The workshop view: a full-screen presentation "boven de kaart" for the projector.

High contrast (resources/styles/workshop.toml), laid out for 1366×768 as much as for 1920×1080:
the type scales with the window, so the same content fits every projector without scrolling.

- a second map on the same controller, with a legend under it; disputed plots (⚠, the parties
  ≥ 20 points apart: :mod:`plotscore.agreement`) and, after switching party, the plots that
  moved up (▲) or down (▼) in the ranking are marked on it;
- the bod as bars (:class:`LedgerBars`; their numbers come from the ledger);
- the top-N list: names elided, score and marks always visible;
- the selected plot's *why* (criterion by criterion), comments and votes, the disputed plots;
- the decisions of this workshop stay listed under the map after *Besluit vastleggen*.

Everything is stored in the project through the use cases in :mod:`projects` (reservations,
workshops); the minutes come from ``workshop_minutes``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.controller import CONSENSUS, ProjectController, user_message
from app.i18n import domain_label, ui_date, ui_number
from app.map.layers import PlotMark
from app.map.legend import LegendWidget
from app.panels.ledger_panel import LedgerBar, drieslag_text, ledger_bars
from plotscore.agreement import agreement, describe, disputed_mask
from plotscore.columns import party_col
from plotscore.criteria import party_label
from plotscore.model import ranks_of
from projects.errors import ProjectError
from projects.views import FAIL_MARK, OK_MARK, criterion_details, workshop_decisions
from projects.workshops import add_comment, list_comments, log_decision, workshop_minutes
from resources import resource

__all__ = [
    "LedgerBars",
    "RankMove",
    "WorkshopWindow",
    "disputed_plots",
    "plot_ids",
    "rank_moves",
    "workshop_style",
]

# Item data of the top list.
ID_ROLE = Qt.ItemDataRole.UserRole
DISPUTED_ROLE = Qt.ItemDataRole.UserRole + 1
SCORE_ROLE = Qt.ItemDataRole.UserRole + 2
MOVE_ROLE = Qt.ItemDataRole.UserRole + 3  # "▲3", "▼2" or ""
NAME_ROLE = Qt.ItemDataRole.UserRole + 4


@lru_cache(maxsize=1)
def workshop_style() -> dict[str, Any]:
    """resources/styles/workshop.toml, parsed once."""
    return tomllib.loads(resource("styles", "workshop.toml").read_text(encoding="utf-8"))


def disputed_plots(controller: ProjectController, threshold: float | None = None) -> set[str]:
    """Plot ids whose party scores lie at least ``threshold`` points apart (default: the
    disputed threshold of resources/scoring/disagreement.toml)."""
    run = controller.state.run if controller.state else None
    if run is None or "disagreement" not in run.frame.columns:
        return set()
    frame = run.frame
    ids = frame["plot_id"] if "plot_id" in frame.columns else pd.Series(frame.index, index=frame.index)
    spread = pd.to_numeric(frame["disagreement"], errors="coerce").to_numpy(dtype=np.float64)
    mask = disputed_mask(spread) if threshold is None else np.nan_to_num(spread, nan=0.0) >= threshold
    return {str(p) for p in ids[mask]}


def plot_ids(controller: ProjectController) -> list[str]:
    """The plot ids of the current scoring run, in the run's row order (what ``controller.top`` indexes)."""
    run = controller.state.run if controller.state else None
    if run is None:
        return []
    frame = run.frame
    return [str(p) for p in (frame["plot_id"] if "plot_id" in frame.columns else frame.index)]


@dataclass(frozen=True)
class RankMove:
    """A plot whose place changed when the view switched from one weighting to another."""

    plot_id: str
    before: int  # place in the ranking before (1 = best)
    after: int

    @property
    def places(self) -> int:
        """Places gained (positive: moved up)."""
        return self.before - self.after


def rank_moves(
    ids: list[str],
    before: npt.ArrayLike,
    after: npt.ArrayLike,
    *,
    top_n: int,
    min_places: int,
) -> list[RankMove]:
    """Plots in the top ``top_n`` before or after whose rank changed by ``min_places`` or more,
    biggest move first (ranks: :func:`plotscore.model.ranks_of` of the scores)."""
    rb, ra = ranks_of(before), ranks_of(after)
    moves = []
    for i, pid in enumerate(ids):
        b, a = int(rb[i]), int(ra[i])
        if (b <= top_n or a <= top_n) and abs(b - a) >= min_places:
            moves.append(RankMove(pid, b, a))
    moves.sort(key=lambda m: (-abs(m.places), m.after))
    return moves


class LedgerBars(QWidget):
    """The bod per category and period as horizontal bars: target outline, zeker, in beeld.

    The rows, ranges and gap words are the Bod panel's (:func:`app.panels.ledger_panel.ledger_bars`,
    from the one ledger): solid up to the minimum, lighter up to the maximum, so the room sees
    "tekort 0–20" where the laptop does, never a gap computed from one end of the range.
    """

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("workshopLedger")
        self.bars: list[LedgerBar] = []
        self.drieslag = ""
        controller.state_changed.connect(self.reload)
        self.reload()

    @property
    def rows(self) -> list[tuple[str, str, str]]:
        """(title, numbers, gap words) per bar: what the window writes."""
        return [(b.title, self._numbers(b), b.gap_words) for b in self.bars]

    def _numbers(self, bar: LedgerBar) -> str:
        parts = [] if bar.target is None else [self.tr("opgave {0}").format(bar.target)]
        parts.append(self.tr("zeker {0}").format(_range(*bar.zeker)))
        parts.append(self.tr("in beeld {0}").format(_range(*bar.in_beeld)))
        return " · ".join(parts)

    def reload(self) -> None:
        book = self.controller.state.ledger if self.controller.state else None
        self.bars = ledger_bars(book)
        self.drieslag = drieslag_text(book)
        self.updateGeometry()
        self.update()

    def _small(self) -> QFont:
        small = QFont(self.font())
        small.setPointSizeF(self.font().pointSizeF() * 0.65)
        return small

    def _heights(self) -> tuple[float, float, float]:
        """(title line, bar-and-numbers line, drieslag line) in pixels."""
        small = QFontMetricsF(self._small()).height()
        return self.fontMetrics().height() * 1.3, small * 1.35, small * 1.4 if self.drieslag else 0.0

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        title, bar, drieslag = self._heights()
        return QSize(420, round(max(1, len(self.bars)) * (title + bar) + drieslag + 6))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.sizeHint()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Per row: the title and the gap in words on one line; below it the bar (solid to the
        minimum, lighter to the maximum, the opgave as a frame) with its numbers beside it."""
        style = workshop_style()["ledger"]
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        text_colour = self.palette().windowText().color()
        if not self.bars:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("Nog geen opgave ingevoerd"))
            return
        small = self._small()
        small_fm = QFontMetricsF(small)
        title_h, bar_h, drieslag_h = self._heights()
        width = float(self.width())
        scale_max = max(max(b.target or 0, b.in_beeld[0], b.in_beeld[1]) for b in self.bars) or 1
        numbers_w = max(small_fm.horizontalAdvance(self._numbers(b)) for b in self.bars) + 12
        bar_w = max(60.0, width - numbers_w)
        light = QColor(style["in_beeld"])
        pale_zeker = QColor(style["zeker"])
        pale_zeker.setAlpha(110)
        for i, bar in enumerate(self.bars):
            y = 3 + i * (title_h + bar_h)
            gap_w = fm.horizontalAdvance(bar.gap_words) + 10 if bar.gap_words else 0
            painter.setFont(self.font())
            painter.setPen(text_colour)
            title = fm.elidedText(bar.title, Qt.TextElideMode.ElideRight, int(width - gap_w))
            painter.drawText(QRectF(0, y, width - gap_w, title_h), Qt.AlignmentFlag.AlignVCenter, title)
            if bar.gap_words:
                painter.setPen(QColor(style["shortage"] if bar.shortage else style["surplus"]))
                painter.drawText(
                    QRectF(width - gap_w, y, gap_w, title_h),
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                    bar.gap_words,
                )

            def length(homes: int) -> float:
                return (bar_w - 8) * homes / scale_max

            top, height = y + title_h + bar_h * 0.12, bar_h * 0.7
            painter.fillRect(
                QRectF(2, top, length(bar.in_beeld[1]), height), QBrush(light, Qt.BrushStyle.BDiagPattern)
            )
            painter.fillRect(QRectF(2, top, length(bar.in_beeld[0]), height), light)
            painter.fillRect(QRectF(2, top, length(bar.zeker[1]), height), pale_zeker)
            painter.fillRect(QRectF(2, top, length(bar.zeker[0]), height), QColor(style["zeker"]))
            if bar.target:
                painter.setPen(QPen(QColor(style["target"]), 3))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(QRectF(2, top - 2, length(bar.target), height + 4))
            painter.setFont(small)
            painter.setPen(text_colour)
            x = width - numbers_w + 12 if bar_w > 60.0 else bar_w + 8
            numbers = small_fm.elidedText(
                self._numbers(bar), Qt.TextElideMode.ElideRight, max(0.0, width - x)
            )
            painter.drawText(QRectF(x, y + title_h, width - x, bar_h), Qt.AlignmentFlag.AlignVCenter, numbers)
        if self.drieslag:
            painter.setFont(small)
            painter.setPen(text_colour)
            y = 3 + len(self.bars) * (title_h + bar_h)
            text = small_fm.elidedText(self.drieslag, Qt.TextElideMode.ElideRight, width)
            painter.drawText(QRectF(0, y, width, drieslag_h), Qt.AlignmentFlag.AlignVCenter, text)
        painter.end()


def _range(lo: int, hi: int) -> str:
    a, b = sorted((lo, hi))
    return f"{a}" if a == b else f"{a}–{b}"


class _ElidedLabel(QLabel):
    """A one-line label that elides instead of forcing its width on the window (long titles)."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(40, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(min(super().sizeHint().width(), 600), super().sizeHint().height())

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.setPen(self.palette().windowText().color())
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, self.width())
        p.drawText(self.rect(), int(self.alignment() | Qt.AlignmentFlag.AlignVCenter), text)
        p.end()


class _TopDelegate(QStyledItemDelegate):
    """A top-list row: "3. Minervaplein" (elided) on the left; ⚠, ▲2 and the score on the right,
    so a long name never pushes the score out of view."""

    def __init__(self, window: WorkshopWindow) -> None:
        super().__init__(window)
        self.window = window

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802, ARG002
        return QSize(200, option.fontMetrics.height() + 4)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        style = workshop_style()
        rect = option.rect
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if index.data(DISPUTED_ROLE):
            painter.fillRect(rect, QColor(style["consensus"]["disputed_background"]))
        if selected:
            painter.fillRect(rect, QColor(style["presentation"]["accent"]))
        fg = QColor(style["presentation"]["accent_text"] if selected else style["presentation"]["foreground"])
        fm: QFontMetrics = option.fontMetrics
        score = str(index.data(SCORE_ROLE) or "")
        move = str(index.data(MOVE_ROLE) or "")
        warn = str(style["consensus"]["disputed_mark"]) if index.data(DISPUTED_ROLE) else ""
        pad = 6
        bold = QFont(option.font)
        bold.setBold(True)
        score_w = QFontMetrics(bold).horizontalAdvance("100") + pad
        move_w = fm.horizontalAdvance("▲88") + pad
        warn_w = fm.horizontalAdvance("⚠") + pad
        right = rect.right() - pad
        painter.setFont(bold)
        painter.setPen(fg)
        painter.drawText(
            QRectF(right - score_w, rect.top(), score_w, rect.height()),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            score,
        )
        painter.setFont(option.font)
        x = right - score_w
        if move:
            up = move.startswith("▲")
            marks = self.window.marks_colours
            painter.setPen(fg if selected else marks["up" if up else "down"])
            painter.drawText(
                QRectF(x - move_w, rect.top(), move_w, rect.height()),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                move,
            )
        x -= move_w
        if warn:
            painter.setPen(fg)
            painter.drawText(
                QRectF(x - warn_w, rect.top(), warn_w, rect.height()),
                int(Qt.AlignmentFlag.AlignCenter | Qt.AlignmentFlag.AlignVCenter),
                warn,
            )
        x -= warn_w
        name = str(index.data(NAME_ROLE) or index.data(Qt.ItemDataRole.DisplayRole) or "")
        painter.setPen(fg)
        width = max(10, int(x - rect.left() - 2 * pad))
        painter.drawText(
            QRectF(rect.left() + pad, rect.top(), width, rect.height()),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            fm.elidedText(name, Qt.TextElideMode.ElideRight, width),
        )
        painter.restore()


class WorkshopWindow(QWidget):
    """Full-screen-able presentation window on the same controller as the main window."""

    def __init__(
        self,
        controller: ProjectController,
        workshop_id: int | None = None,
        parent: QWidget | None = None,
        *,
        map_view: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.controller = controller
        self.workshop_id = workshop_id
        self.setObjectName("WorkshopWindow")
        self.setWindowTitle(self.tr("Werksessie — Van Bod naar Plot"))
        self._point_size = 0.0
        if map_view is None:
            from app.map.canvas import MapView

            map_view = MapView(controller, self)
        self.map_view = map_view
        marks = getattr(getattr(map_view, "map_style", None), "raw", {}).get("marks", {})
        self.marks_colours = {k: QColor(str(marks.get(k, "#000000"))) for k in ("disputed", "up", "down")}
        self.moved_min_places = int(marks.get("moved_min_places", 2))
        self.top_n = int(workshop_style()["presentation"]["top_n"])
        self.moves: list[RankMove] = []
        self._last_view: tuple[str, npt.NDArray[np.float32]] | None = None  # (party, scores)

        # -- header: title, full screen, close; the party buttons on their own row ------------
        self.title_label = _ElidedLabel(self)
        self.title_label.setObjectName("workshopTitle")
        self.party_bar = QHBoxLayout()
        self.party_group = QButtonGroup(self)
        self.party_group.setExclusive(True)
        self.party_buttons: dict[str, QPushButton] = {}
        self.fullscreen_button = QPushButton(self.tr("Volledig scherm (F11)"), self)
        self.fullscreen_button.clicked.connect(self.toggle_fullscreen)
        self.close_button = QPushButton(self.tr("Sluiten"), self)
        self.close_button.clicked.connect(self.close)
        self.moved_label = QLabel(self)  # "Van Consensus naar …: 2 gestegen ▲, 2 gedaald ▼"
        self.moved_label.setWordWrap(True)
        self.moved_label.setObjectName("workshopSmall")
        top = QHBoxLayout()
        top.addWidget(self.title_label, 1)
        top.addWidget(self.fullscreen_button)
        top.addWidget(self.close_button)
        parties_row = QHBoxLayout()
        parties_row.addLayout(self.party_bar)
        parties_row.addWidget(self.moved_label, 1)

        # -- map column: the map, its legend, the bod, the decision input ---------------------
        only = ("plots", "marks", "reservations", "reach")
        self.legend = LegendWidget(map_view, self, only=only, scroll=False, compact=True)  # type: ignore[arg-type]
        self.legend.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.ledger = LedgerBars(controller, self)
        self.decision_edit = QLineEdit(self)
        self.decision_edit.setPlaceholderText(
            self.tr("Besluit, bijv. 'Locatie DLF-012 voordragen voor geclusterd'")
        )
        self.decision_button = QPushButton(self.tr("Besluit vastleggen"), self)
        self.decision_button.clicked.connect(self.log_decision)
        self.decision_edit.returnPressed.connect(self.log_decision)
        self.minutes_button = QPushButton(self.tr("Verslag opslaan…"), self)
        self.minutes_button.clicked.connect(self.save_minutes_dialog)
        self.last_decision = _ElidedLabel(self)  # the newest decision, always in view
        self.last_decision.setObjectName("workshopSmall")
        decision_row = QHBoxLayout()
        decision_row.addWidget(self.decision_edit, 1)
        decision_row.addWidget(self.decision_button)
        decision_row.addWidget(self.minutes_button)
        map_column = QVBoxLayout()
        map_column.setSpacing(4)
        map_column.addWidget(self.map_view, 1)
        map_column.addWidget(self.legend)
        map_column.addWidget(self._heading(self.tr("Het bod")))
        map_column.addWidget(self.ledger)
        map_column.addLayout(decision_row)
        map_column.addWidget(self.last_decision)

        # -- side column: top list, tabs (why, comments and votes, disputed, decisions) -------
        self.top_list = QListWidget(self)
        self.top_list.setObjectName("workshopTop")
        self.top_list.setItemDelegate(_TopDelegate(self))
        self.top_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.top_list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.top_list.itemClicked.connect(lambda item: controller.select([item.data(ID_ROLE)]))
        self.out_label = QLabel(self)  # plots that left the top list when switching party
        self.out_label.setWordWrap(True)
        self.out_label.setObjectName("workshopSmall")

        self.why_title = QLabel(self)
        self.why_title.setWordWrap(True)
        self.why_title.setObjectName("workshopHeading")
        self.why_label = QLabel(self)
        self.why_label.setWordWrap(True)
        self.why_label.setObjectName("workshopSmall")
        self.why_label.setTextFormat(Qt.TextFormat.PlainText)
        self.why_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.why_parties = QLabel(self)
        self.why_parties.setWordWrap(True)
        self.why_parties.setObjectName("workshopSmall")
        self.why_parties.setTextFormat(Qt.TextFormat.PlainText)
        why = QWidget(self)
        why_layout = QVBoxLayout(why)
        why_layout.setContentsMargins(4, 2, 4, 2)
        why_layout.setSpacing(2)
        why_layout.addWidget(self.why_title)
        why_layout.addWidget(self.why_label, 1)
        why_layout.addWidget(self.why_parties)

        self.selected_label = QLabel(self.tr("Klik een locatie aan op de kaart of in de lijst"), self)
        self.selected_label.setWordWrap(True)
        self.author_edit = QLineEdit(self)
        self.author_edit.setPlaceholderText(self.tr("Naam of partij"))
        self.comment_edit = QLineEdit(self)
        self.comment_edit.setPlaceholderText(self.tr("Opmerking bij deze locatie"))
        self.comment_edit.returnPressed.connect(self.post_comment)
        self.vote_group = QButtonGroup(self)
        vote_row = QHBoxLayout()
        self.vote_buttons: dict[int, QPushButton] = {}
        for vote, text in ((1, self.tr("+ voor")), (0, self.tr("0 neutraal")), (-1, self.tr("− tegen"))):
            button = QPushButton(text, self)
            button.setCheckable(True)
            self.vote_group.addButton(button)  # not by id: -1 means 'no id' to QButtonGroup
            self.vote_buttons[vote] = button
            vote_row.addWidget(button)
        self.vote_buttons[0].setChecked(True)
        self.post_button = QPushButton(self.tr("Plaatsen"), self)
        self.post_button.clicked.connect(self.post_comment)
        vote_row.addWidget(self.post_button)
        self.comments_list = QListWidget(self)
        self.comments_list.setWordWrap(True)
        comments = QWidget(self)
        comments_layout = QGridLayout(comments)
        comments_layout.setContentsMargins(4, 2, 4, 2)
        comments_layout.setVerticalSpacing(2)
        comments_layout.addWidget(self.selected_label, 0, 0, 1, 2)
        comments_layout.addWidget(self.author_edit, 1, 0)
        comments_layout.addWidget(self.comment_edit, 1, 1)
        comments_layout.addLayout(vote_row, 2, 0, 1, 2)
        comments_layout.addWidget(self.comments_list, 3, 0, 1, 2)
        comments_layout.setColumnStretch(1, 2)
        comments_layout.setColumnStretch(0, 1)
        comments_layout.setRowStretch(3, 1)

        self.disputed_list = QListWidget(self)
        self.disputed_list.setObjectName("workshopDisputed")
        self.disputed_list.setWordWrap(True)
        self.disputed_list.itemClicked.connect(lambda item: controller.select([item.data(ID_ROLE)]))
        self.decisions_list = QListWidget(self)
        self.decisions_list.setObjectName("workshopDecisions")
        self.decisions_list.setWordWrap(True)
        self.decisions_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("workshopTabs")
        self.tabs.setUsesScrollButtons(False)
        self.tabs.addTab(why, self.tr("Waarom"))
        self.tabs.addTab(comments, self.tr("Opmerkingen"))
        self.tabs.addTab(self.disputed_list, self.tr("Omstreden"))
        self.tabs.addTab(self.decisions_list, self.tr("Besluiten"))
        self.tabs.setTabToolTip(0, self.tr("Waarom deze locatie: de afstanden per criterium en de partijen"))
        self.tabs.setTabToolTip(1, self.tr("Opmerkingen en stemmen bij de gekozen locatie"))
        self.tabs.setTabToolTip(
            2,
            self.tr("Locaties waarover de partijen {0} punten of meer verschillen").format(
                round(agreement().disputed_from_points)
            ),
        )

        side = QVBoxLayout()
        side.setSpacing(4)
        side.addWidget(self._heading(self.tr("Beste locaties")))
        side.addWidget(self.top_list)
        side.addWidget(self.out_label)
        side.addWidget(self.tabs, 1)

        body = QHBoxLayout()
        body.addLayout(map_column, 11)
        body.addLayout(side, 9)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addLayout(parties_row)
        layout.addLayout(body, 1)

        QShortcut(QKeySequence(Qt.Key.Key_F11), self).activated.connect(self.toggle_fullscreen)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self).activated.connect(self._escape)
        controller.scores_changed.connect(self.refresh_top)
        controller.profile_changed.connect(self.rebuild_party_buttons)
        controller.project_changed.connect(self.rebuild_party_buttons)
        controller.selection_changed.connect(self.refresh_comments)
        controller.selection_changed.connect(self.refresh_why)
        controller.state_changed.connect(self.refresh_title)
        controller.state_changed.connect(self.refresh_decisions)
        controller.state_changed.connect(self.refresh_disputed)
        self.rebuild_party_buttons()
        self.refresh_title()
        self.refresh_top()
        self.refresh_comments()
        self.refresh_why()
        self.refresh_decisions()
        self.refresh_disputed()
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        self.resize(screen.size() if screen is not None else QSize(1366, 768))
        self._apply_scale()

    def _heading(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName("workshopHeading")
        return label

    # -- scale: the same layout on every projector -------------------------------------------

    def point_size_for(self, width: int, height: int) -> float:
        """Type size for a window of this size: ``point_size`` of workshop.toml at 1920×1080,
        proportionally smaller on a smaller window (never below ``min_point_size``)."""
        style = workshop_style()["presentation"]
        ref_w, ref_h = (int(v) for v in style.get("reference_size", (1920, 1080)))
        scale = min(width / ref_w, height / ref_h)
        return max(float(style.get("min_point_size", 9)), float(style["point_size"]) * scale)

    def _apply_scale(self) -> None:
        """Type for the window's size, through the style sheet (a style sheet overrides fonts
        set with setFont, so the sizes live in it): text, headings, title, the smaller notes."""
        pt = round(self.point_size_for(self.width(), self.height()) * 2) / 2
        if abs(pt - self._point_size) < 0.25:
            return
        self._point_size = pt
        style = workshop_style()["presentation"]
        win = "QWidget#WorkshopWindow"
        self.setStyleSheet(
            f"{win}, {win} QWidget {{ background: {style['background']}; color: {style['foreground']};"
            f" font-size: {pt:.1f}pt; }}"
            f" {win} QPushButton {{ background: {style['button']}; padding: 2px 10px;"
            f" border: 2px solid {style['foreground']}; border-radius: 4px; }}"
            f" {win} QPushButton:checked {{ background: {style['accent']}; color: {style['accent_text']}; }}"
            f" {win} QLabel#workshopHeading {{ font-weight: bold; }}"
            f" {win} QLabel#workshopTitle {{ font-size: {pt * 1.35:.1f}pt; font-weight: bold; }}"
            f" {win} QLabel#workshopSmall, {win} QWidget#legend QLabel {{ font-size: {pt * 0.85:.1f}pt; }}"
        )
        self.legend.refresh()
        self._fit_lists()

    def _fit_lists(self) -> None:
        """The top list shows all its rows, never a scroll bar."""
        rows = max(1, self.top_list.count())
        height = sum(self.top_list.sizeHintForRow(i) for i in range(self.top_list.count())) or rows * (
            QFontMetrics(self.top_list.font()).height() + 4
        )
        self.top_list.setFixedHeight(height + 2 * self.top_list.frameWidth())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._apply_scale()

    # -- view ----------------------------------------------------------------------------------

    def toggle_fullscreen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def _escape(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.close()

    def refresh_title(self) -> None:
        info = self.controller.state.info if self.controller.state else None
        workshop = info.workshop(self.workshop_id) if info else None
        text = f"{workshop['title']} — {ui_date(workshop['date'])}" if workshop else self.tr("Werksessie")
        self.title_label.setText(text)
        self.title_label.setToolTip(text)
        self.title_label.update()

    def rebuild_party_buttons(self) -> None:
        for button in self.party_buttons.values():
            self.party_group.removeButton(button)
            self.party_bar.removeWidget(button)
            button.deleteLater()
        self.party_buttons = {}
        parties = [*self.controller.profile.parties, CONSENSUS]
        for party in parties:
            text = self.tr("Consensus") if party == CONSENSUS else domain_label(party_label(party))
            button = QPushButton(text, self)
            button.setCheckable(True)
            button.setChecked(party == self.controller.party)
            button.clicked.connect(lambda _checked=False, p=party: self.controller.set_party(p))
            self.party_group.addButton(button)
            self.party_bar.addWidget(button)
            self.party_buttons[party] = button

    def _party_name(self, party: str) -> str:
        if party == CONSENSUS:
            return self.tr("Consensus")
        if party in self.controller.profile.parties:
            return domain_label(party_label(party))
        return self.tr("eigen weging")

    def refresh_top(self) -> None:
        button = self.party_buttons.get(self.controller.party)
        if button is not None and not button.isChecked():
            button.setChecked(True)
        ids = plot_ids(self.controller)
        scores = np.asarray(self.controller.scores, dtype=np.float32)
        self._track_moves(ids, scores)
        self.top_list.clear()
        if not ids or len(scores) != len(ids):
            self.top_list.addItem(self.tr("Nog geen scores: importeer kavels en voorzieningen."))
            self._fit_lists()
            self._update_marks()
            return
        disputed = disputed_plots(self.controller)
        run = self.controller.state.run if self.controller.state else None
        names = run.frame["name"].tolist() if run is not None and "name" in run.frame.columns else []
        moved = {m.plot_id: m for m in self.moves}
        for rank, pos in enumerate(self.controller.top[: self.top_n], start=1):
            plot_id = ids[int(pos)]
            raw = names[int(pos)] if int(pos) < len(names) else None
            name = raw if isinstance(raw, str) and raw.strip() else plot_id
            score = float(scores[int(pos)])
            move = moved.get(plot_id)
            move_text = ""
            if move is not None:
                move_text = f"▲{move.places}" if move.places > 0 else f"▼{-move.places}"
            mark = f"  {workshop_style()['consensus']['disputed_mark']} " + self.tr("partijen oneens")
            text = f"{rank}. {name} — {ui_number(score)}{' ' + move_text if move_text else ''}"
            item = QListWidgetItem(text + (mark if plot_id in disputed else ""))
            item.setData(ID_ROLE, plot_id)
            item.setData(NAME_ROLE, f"{rank}. {name}")
            item.setData(SCORE_ROLE, ui_number(score))
            item.setData(MOVE_ROLE, move_text)
            item.setToolTip(f"{plot_id} {name}")
            if plot_id in disputed:
                item.setData(DISPUTED_ROLE, True)
            self.top_list.addItem(item)
        self._show_out_of_top(ids)
        self._fit_lists()
        self._update_marks()
        self.refresh_why()

    def _track_moves(self, ids: list[str], scores: npt.NDArray[np.float32]) -> None:
        """On a switch of party: which plots moved up or down (compared with the view before)."""
        party = self.controller.party
        last = self._last_view
        if last is not None and last[0] != party and len(last[1]) == len(scores) and len(scores):
            self.moves = rank_moves(ids, last[1], scores, top_n=self.top_n, min_places=self.moved_min_places)
            up = sum(1 for m in self.moves if m.places > 0)
            down = len(self.moves) - up
            self.moved_label.setText(
                self.tr("Van {0} naar {1}: {2} gestegen ▲, {3} gedaald ▼").format(
                    self._party_name(last[0]), self._party_name(party), up, down
                )
            )
        elif last is None or len(last[1]) != len(scores):
            self.moves = []
            self.moved_label.setText("")
        self._last_view = (party, scores.copy())

    def _show_out_of_top(self, ids: list[str]) -> None:
        out = [m for m in self.moves if m.before <= self.top_n < m.after]
        if not out:
            self.out_label.setText("")
            self.out_label.hide()
            return
        run = self.controller.state.run if self.controller.state else None
        names = dict(zip(ids, run.frame["name"].tolist(), strict=False)) if run is not None else {}
        parts = []
        for m in out[:4]:
            name = names.get(m.plot_id)
            label = name if isinstance(name, str) and name.strip() else m.plot_id
            parts.append(f"{label} ▼{-m.places} ({self.tr('nu nr. {0}').format(m.after)})")
        more = len(out) - len(parts)
        text = self.tr("Uit de top {0}: {1}").format(self.top_n, "; ".join(parts))
        if more > 0:
            text += self.tr(" en {0} meer").format(more)
        self.out_label.setText(text)
        self.out_label.show()

    def _update_marks(self) -> None:
        """Disputed plots (all of them) and the moved plots as marks on this window's map."""
        set_marks = getattr(self.map_view, "set_plot_marks", None)
        if not callable(set_marks):
            return
        marks: dict[str, list[PlotMark]] = {}
        for pid in disputed_plots(self.controller):
            marks.setdefault(pid, []).append(PlotMark("disputed"))
        for m in self.moves:
            text = f"+{m.places}" if m.places > 0 else f"−{-m.places}"
            marks.setdefault(m.plot_id, []).append(PlotMark("up" if m.places > 0 else "down", text))
        set_marks({k: tuple(v) for k, v in marks.items()})

    # -- the selected plot: why, comments, disputed ----------------------------------------------

    def _selected(self) -> str | None:
        return self.controller.selection[0] if self.controller.selection else None

    def refresh_why(self) -> None:
        """The selected plot's score, criterion by criterion, and the parties' scores."""
        plot_id = self._selected()
        run = self.controller.state.run if self.controller.state else None
        if plot_id is None or run is None:
            self.why_title.setText(self.tr("Klik een locatie aan op de kaart of in de lijst"))
            self.why_label.setText("")
            self.why_parties.setText("")
            return
        frame = run.frame
        ids = frame["plot_id"].astype("string").to_numpy(dtype=object, na_value="")
        hit = np.flatnonzero(ids == plot_id)
        if not len(hit):
            self.why_title.setText(self.tr("Locatie {0} heeft geen score.").format(plot_id))
            self.why_label.setText("")
            self.why_parties.setText("")
            return
        pos = int(hit[0])
        row = frame.iloc[pos]
        name = row.get("name")
        title = f"{name} ({plot_id})" if isinstance(name, str) and name.strip() else plot_id
        scores = self.controller.scores
        if len(scores) == len(frame):
            rank = int((scores > scores[pos]).sum()) + 1
            title += " — " + self.tr("score {0}, nr. {1}").format(ui_number(float(scores[pos])), rank)
        self.why_title.setText(title)
        lines = []
        for d in criterion_details(frame, run.profile, frame.index[pos], absent=run.absent):
            # The norm only where it is not met: short lines fit a projector's column.
            if not d["has_data"]:
                no_data = self.tr("geen gegevens (telt niet mee)")
                lines.append(f"– {domain_label(d['label'])}: {no_data}")
            elif d["met"]:
                lines.append(f"{OK_MARK} {domain_label(d['label'])}: {d['measure']}")
            else:
                lines.append(f"{FAIL_MARK} {domain_label(d['label'])}: {d['measure']} ({d['norm']})")
        self.why_label.setText("\n".join(lines))
        parties = []
        for party in run.profile.parties:
            value = pd.to_numeric(pd.Series([row.get(party_col(party))]), errors="coerce").iloc[0]
            if not pd.isna(value):
                parties.append(f"{domain_label(party_label(party))} {ui_number(float(value))}")
        spread = pd.to_numeric(pd.Series([row.get("disagreement")]), errors="coerce").iloc[0]
        agreement_text = "" if pd.isna(spread) else domain_label(describe(float(spread)).split(" — ", 1)[1])
        points = "" if pd.isna(spread) else self.tr("{0} punten verschil").format(round(float(spread)))
        self.why_parties.setText(" · ".join(parties) + (f"\n{points} — {agreement_text}" if points else ""))

    def refresh_disputed(self) -> None:
        """The disputed plots, most disputed first, with the parties' scores."""
        self.disputed_list.clear()
        run = self.controller.state.run if self.controller.state else None
        disputed = disputed_plots(self.controller)
        self.tabs.setTabText(2, self.tr("Omstreden ({0})").format(len(disputed)))
        if run is None or not disputed:
            self.disputed_list.addItem(
                self.tr("Geen locatie waarover de partijen {0} punten of meer verschillen.").format(
                    round(agreement().disputed_from_points)
                )
            )
            return
        frame = run.frame
        sel = frame[frame["plot_id"].astype(str).isin(disputed)]
        sel = sel.sort_values("disagreement", ascending=False, kind="stable")
        for _, row in sel.iterrows():
            parties = sorted(
                (
                    (float(row[party_col(p)]), domain_label(party_label(p)))
                    for p in run.profile.parties
                    if party_col(p) in row.index and not pd.isna(row[party_col(p)])
                ),
            )
            name = row.get("name")
            label = name if isinstance(name, str) and name.strip() else str(row["plot_id"])
            low, high = (parties[0], parties[-1]) if parties else ((0.0, ""), (0.0, ""))
            text = self.tr("{0}: {1} punten verschil ({2} {3}, {4} {5})").format(
                label,
                round(float(row["disagreement"])),
                high[1],
                ui_number(high[0]),
                low[1],
                ui_number(low[0]),
            )
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, str(row["plot_id"]))
            self.disputed_list.addItem(item)

    def refresh_comments(self) -> None:
        plot_id = self._selected()
        self.comments_list.clear()
        if plot_id is None or self.controller.store is None:
            self.selected_label.setText(self.tr("Klik een locatie aan op de kaart of in de lijst"))
            return
        self.selected_label.setText(
            "\n".join([self.tr("Locatie {plot}").format(plot=plot_id), *self.drieslag_lines(plot_id)])
        )
        colours = workshop_style()["votes"]
        try:
            comments = list_comments(self.controller.store, plot_id=plot_id)
        except ProjectError as exc:
            self.controller.error.emit(*user_message(exc))
            return
        for c in comments:
            vote = {1: "+", -1: "−"}.get(c.vote, "")
            item = QListWidgetItem(f"{vote} {c.author}: {c.text}".strip())
            item.setForeground(
                QColor(colours["plus" if c.vote > 0 else "minus" if c.vote < 0 else "neutral"])
            )
            self.comments_list.addItem(item)

    def drieslag_lines(self, plot_id: str) -> list[str]:
        """ "geclusterd: corporatie/belegger ✓ · zorgorganisatie ✗ · bewoners/initiatief ✓" per reservation."""
        state = self.controller.state
        if state is None or state.reservations.empty:
            return []
        live = state.live_reservations
        mine = live[(live["plot_id"].astype("string") == plot_id).to_numpy(dtype=bool)]
        lines = []
        for fid, category in zip(mine["fid"], mine["category"], strict=True):
            d = state.ledger.drieslagen.get(int(fid))
            if d is not None:
                lines.append(self.tr("{0}: drieslag {1}").format(category, d.lights))
        return lines

    def current_vote(self) -> int:
        checked = self.vote_group.checkedButton()
        return next((v for v, b in self.vote_buttons.items() if b is checked), 0)

    def post_comment(self) -> None:
        plot_id = self._selected()
        store = self.controller.store
        if plot_id is None or store is None:
            self.controller.error.emit(
                self.tr("Er is geen locatie geselecteerd."),
                self.tr("Klik eerst een locatie aan op de kaart."),
            )
            return
        try:
            add_comment(
                store,
                plot_id,
                self.author_edit.text(),
                self.comment_edit.text(),
                vote=self.current_vote(),
                workshop_id=self.workshop_id,
            )
        except ProjectError as exc:
            self.controller.error.emit(*user_message(exc))
            return
        self.comment_edit.clear()
        self.vote_buttons[0].setChecked(True)
        self.refresh_comments()
        self.controller.saved.emit()

    # -- decisions --------------------------------------------------------------------------

    def refresh_decisions(self) -> None:
        """The decisions of this workshop, newest first; the newest also under the map."""
        self.decisions_list.clear()
        store = self.controller.store
        decisions = []
        if store is not None and self.workshop_id is not None:
            try:
                decisions = workshop_decisions(store, self.workshop_id)
            except ProjectError as exc:
                self.controller.error.emit(*user_message(exc))
                return
        self.tabs.setTabText(3, self.tr("Besluiten ({0})").format(len(decisions)))
        if not decisions:
            self.decisions_list.addItem(self.tr("Nog geen besluiten."))
            self.last_decision.setText(self.tr("Nog geen besluiten in deze werksessie."))
            return
        texts = []
        for n, d in enumerate(decisions, start=1):
            where = f" ({self.tr('locatie {0}').format(d.plot_id)})" if d.plot_id else ""
            texts.append(f"{n}. {d.text}{where}")
        for d, text in reversed(list(zip(decisions, texts, strict=True))):
            item = QListWidgetItem(text)
            item.setToolTip(f"{ui_date(d.time)} {d.time[11:16]}")
            self.decisions_list.addItem(item)
        self.last_decision.setText(self.tr("Laatste besluit: {0}").format(texts[-1]))
        self.last_decision.setToolTip("\n".join(texts))
        self.last_decision.update()

    def log_decision(self) -> None:
        store = self.controller.store
        if store is None or self.workshop_id is None:
            self.controller.error.emit(
                self.tr("Er loopt geen werksessie."), self.tr("Start een werksessie via het menu Werksessie.")
            )
            return
        try:
            log_decision(store, self.workshop_id, self.decision_edit.text(), self._selected())
        except ProjectError as exc:
            self.controller.error.emit(*user_message(exc))
            return
        self.controller.messages_added.emit(
            [self.tr("Besluit vastgelegd: {text}").format(text=self.decision_edit.text().strip())]
        )
        self.decision_edit.clear()
        self.controller.refresh()  # state_changed → refresh_decisions
        self.tabs.setCurrentIndex(3)  # the list of decisions in view

    def minutes(self) -> str:
        """The minutes of this workshop (Markdown)."""
        if self.controller.store is None or self.workshop_id is None:
            return ""
        return workshop_minutes(self.controller.store, self.workshop_id)

    def save_minutes(self, path: str | Path) -> Path:
        """Save the minutes: a ``.pdf`` document or ``.md`` Markdown (by the file's suffix)."""
        from app.export.minutes import save_minutes

        if self.controller.store is None or self.workshop_id is None:
            raise ProjectError("Er is geen werksessie geopend.", hint="Start eerst een werksessie.")
        return save_minutes(self.controller.store, self.workshop_id, path)

    def save_minutes_dialog(self) -> None:
        from app.dialogs.minutes_dialog import save_minutes_as

        if self.workshop_id is not None:
            save_minutes_as(self, self.controller, self.workshop_id)
