"""The workshop view: a full-screen presentation "boven de kaart" for the projector.

Large type, high contrast (resources/styles/workshop.toml): a second map on the same
controller, the bod as bars, the top-N list, a button per party plus *Consensus*, and a panel
to pin comments and votes to the selected plot and to log decisions. Everything is stored in
the project through the use cases in :mod:`projects` (reservations, workshops); the minutes come from ``workshop_minutes``.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPen,
    QShortcut,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.controller import CONSENSUS, ProjectController, user_message
from app.panels.ledger_panel import LedgerBar, drieslag_text, ledger_bars
from plotscore.criteria import party_label
from projects.errors import ProjectError
from projects.workshops import add_comment, list_comments, log_decision, workshop_minutes
from resources import resource

__all__ = ["LedgerBars", "WorkshopWindow", "disputed_plots", "plot_ids", "workshop_style"]


@lru_cache(maxsize=1)
def workshop_style() -> dict[str, Any]:
    """resources/styles/workshop.toml, parsed once."""
    return tomllib.loads(resource("styles", "workshop.toml").read_text(encoding="utf-8"))


def disputed_plots(controller: ProjectController, threshold: float | None = None) -> set[str]:
    """Plot ids whose disagreement between parties is above the threshold (consensus view)."""
    run = controller.state.run if controller.state else None
    if run is None or "disagreement" not in run.frame.columns:
        return set()
    limit = float(workshop_style()["consensus"]["disagreement_threshold"] if threshold is None else threshold)
    frame = run.frame
    ids = frame["plot_id"] if "plot_id" in frame.columns else pd.Series(frame.index, index=frame.index)
    mask = pd.to_numeric(frame["disagreement"], errors="coerce").fillna(0.0) > limit
    return {str(p) for p in ids[mask]}


def plot_ids(controller: ProjectController) -> list[str]:
    """The plot ids of the current scoring run, in the run's row order (what ``controller.top`` indexes)."""
    run = controller.state.run if controller.state else None
    if run is None:
        return []
    frame = run.frame
    return [str(p) for p in (frame["plot_id"] if "plot_id" in frame.columns else frame.index)]


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
        style = workshop_style()["presentation"]
        font = QFont(self.font())
        font.setPointSize(int(style["point_size"]))
        self.setFont(font)
        self.setStyleSheet(
            f"QWidget#WorkshopWindow, QWidget#WorkshopWindow QWidget {{ background: {style['background']};"
            f" color: {style['foreground']}; }}"
            f" QWidget#WorkshopWindow QPushButton {{ background: {style['button']}; padding: 6px 14px; border: 2px solid"
            f" {style['foreground']}; border-radius: 4px; }}"
            f" QWidget#WorkshopWindow QPushButton:checked {{ background: {style['accent']}; color: {style['accent_text']}; }}"
        )
        if map_view is None:
            from app.map.canvas import MapView

            map_view = MapView(controller, self)
        self.map_view = map_view

        self.title_label = QLabel(self)
        heading = QFont(font)
        heading.setPointSizeF(font.pointSizeF() * 1.4)
        heading.setBold(True)
        self.title_label.setFont(heading)
        self.party_bar = QHBoxLayout()
        self.party_group = QButtonGroup(self)
        self.party_group.setExclusive(True)
        self.party_buttons: dict[str, QPushButton] = {}
        self.fullscreen_button = QPushButton(self.tr("Volledig scherm (F11)"), self)
        self.fullscreen_button.clicked.connect(self.toggle_fullscreen)
        self.close_button = QPushButton(self.tr("Sluiten"), self)
        self.close_button.clicked.connect(self.close)
        top = QHBoxLayout()
        top.addWidget(self.title_label)
        top.addStretch(1)
        top.addWidget(self.fullscreen_button)
        top.addWidget(self.close_button)
        # The party buttons get a row of their own: with large type they don't fit beside the
        # title on a 1600 px projector.
        parties_row = QHBoxLayout()
        parties_row.addLayout(self.party_bar)
        parties_row.addStretch(1)

        self.ledger = LedgerBars(controller, self)
        self.top_list = QListWidget(self)
        self.top_list.setObjectName("workshopTop")
        self.top_list.itemClicked.connect(
            lambda item: controller.select([item.data(Qt.ItemDataRole.UserRole)])
        )
        self.selected_label = QLabel(self.tr("Klik een kavel aan op de kaart of in de lijst"), self)
        self.selected_label.setWordWrap(True)
        self.author_edit = QLineEdit(self)
        self.author_edit.setPlaceholderText(self.tr("Naam of partij"))
        self.comment_edit = QLineEdit(self)
        self.comment_edit.setPlaceholderText(self.tr("Opmerking bij deze kavel"))
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
        self.decision_edit = QLineEdit(self)
        self.decision_edit.setPlaceholderText(
            self.tr("Besluit, bijv. 'Kavel DFT-012 voordragen voor geclusterd'")
        )
        self.decision_button = QPushButton(self.tr("Besluit vastleggen"), self)
        self.decision_button.clicked.connect(self.log_decision)
        self.minutes_button = QPushButton(self.tr("Verslag opslaan…"), self)
        self.minutes_button.clicked.connect(self.save_minutes_dialog)
        decision_row = QHBoxLayout()
        decision_row.addWidget(self.decision_edit, 1)
        decision_row.addWidget(self.decision_button)
        decision_row.addWidget(self.minutes_button)

        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(self._heading(self.tr("Het bod")))
        side_layout.addWidget(self.ledger)
        side_layout.addWidget(self._heading(self.tr("Beste locaties")))
        side_layout.addWidget(self.top_list, 2)
        side_layout.addWidget(self._heading(self.tr("Opmerkingen en stemmen")))
        side_layout.addWidget(self.selected_label)
        side_layout.addWidget(self.author_edit)
        side_layout.addWidget(self.comment_edit)
        side_layout.addLayout(vote_row)
        side_layout.addWidget(self.comments_list, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.map_view)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(parties_row)
        layout.addWidget(splitter, 1)
        layout.addLayout(decision_row)

        QShortcut(QKeySequence(Qt.Key.Key_F11), self).activated.connect(self.toggle_fullscreen)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self).activated.connect(self._escape)
        controller.scores_changed.connect(self.refresh_top)
        controller.profile_changed.connect(self.rebuild_party_buttons)
        controller.project_changed.connect(self.rebuild_party_buttons)
        controller.selection_changed.connect(self.refresh_comments)
        controller.state_changed.connect(self.refresh_title)
        self.rebuild_party_buttons()
        self.refresh_title()
        self.refresh_top()
        self.refresh_comments()
        self.resize(1400, 900)

    def _heading(self, text: str) -> QLabel:
        label = QLabel(text, self)
        f = QFont(self.font())
        f.setBold(True)
        label.setFont(f)
        return label

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
        self.title_label.setText(
            f"{workshop['title']} — {workshop['date']}" if workshop else self.tr("Werksessie")
        )

    def rebuild_party_buttons(self) -> None:
        for button in self.party_buttons.values():
            self.party_group.removeButton(button)
            self.party_bar.removeWidget(button)
            button.deleteLater()
        self.party_buttons = {}
        parties = [*self.controller.profile.parties, CONSENSUS]
        for party in parties:
            text = self.tr("Consensus") if party == CONSENSUS else party_label(party)
            button = QPushButton(text, self)
            button.setCheckable(True)
            button.setChecked(party == self.controller.party)
            button.clicked.connect(lambda _checked=False, p=party: self.controller.set_party(p))
            self.party_group.addButton(button)
            self.party_bar.addWidget(button)
            self.party_buttons[party] = button

    def refresh_top(self) -> None:
        button = self.party_buttons.get(self.controller.party)
        if button is not None and not button.isChecked():
            button.setChecked(True)
        self.top_list.clear()
        ids = plot_ids(self.controller)
        if not ids:
            self.top_list.addItem(self.tr("Nog geen scores: importeer kavels en voorzieningen."))
            return
        style = workshop_style()["consensus"]
        disputed = disputed_plots(self.controller) if self.controller.party == CONSENSUS else set()
        n = int(workshop_style()["presentation"]["top_n"])
        run = self.controller.state.run if self.controller.state else None
        names = run.frame["name"].tolist() if run is not None and "name" in run.frame.columns else []
        for rank, pos in enumerate(self.controller.top[:n], start=1):
            plot_id = ids[int(pos)]
            name = names[int(pos)] if int(pos) < len(names) and isinstance(names[int(pos)], str) else ""
            score = float(self.controller.scores[int(pos)]) if len(self.controller.scores) > pos else 0.0
            mark = f"  {style['disputed_mark']} " + self.tr("partijen oneens") if plot_id in disputed else ""
            label = f"{plot_id} {name}".strip()
            item = QListWidgetItem(f"{rank}. {label} — {score:.0f}{mark}")
            item.setData(Qt.ItemDataRole.UserRole, plot_id)
            if plot_id in disputed:
                item.setBackground(QColor(style["disputed_background"]))
                item.setData(Qt.ItemDataRole.UserRole + 1, True)
            self.top_list.addItem(item)

    # -- comments and decisions ----------------------------------------------------------------

    def _selected(self) -> str | None:
        return self.controller.selection[0] if self.controller.selection else None

    def refresh_comments(self) -> None:
        plot_id = self._selected()
        self.comments_list.clear()
        if plot_id is None or self.controller.store is None:
            self.selected_label.setText(self.tr("Klik een kavel aan op de kaart of in de lijst"))
            return
        self.selected_label.setText(
            "\n".join([self.tr("Kavel {plot}").format(plot=plot_id), *self.drieslag_lines(plot_id)])
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
                self.tr("Er is geen kavel geselecteerd."), self.tr("Klik eerst een kavel aan op de kaart.")
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
        self.controller.refresh()

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
