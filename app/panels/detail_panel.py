"""Locatie: everything about the selected plot, in words a workshop can read from the screen.

Two tabs: *Uitleg* (the score per criterion, zoning, the tool's capacity estimate, the
reservations with their capacity as entered, the drieslag and the ledger's warnings) and
*Historie* (who changed what, when, old → new, from the project's audit log).
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QRect, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QFont, QFontMetrics, QPalette, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.controller import ProjectController, user_message
from app.i18n import domain_label
from app.panels.widgets import Panel, WrappingScrollArea, heading, panel_style, parse_colour, separator
from plotscore.agreement import agreement
from plotscore.columns import party_col
from plotscore.criteria import party_label
from projects.errors import ProjectError
from projects.history import HistoryEntry, history
from projects.ledger import Drieslag, span
from projects.views import FAIL_MARK, OK_MARK, criterion_details, format_number

__all__ = ["PlotDetailPanel"]


def _value(row: pd.Series, col: str) -> Any:
    """A cell as a plain Python value; missing (NA/NaN/absent) → None."""
    if col not in row.index:
        return None
    value = row[col]
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    return value


def _text(row: pd.Series, col: str) -> str:
    value = _value(row, col)
    return "" if value is None else str(value).strip()


def _area(m2: float) -> str:
    return f"{round(m2):,}".replace(",", ".") + " m²"


def _wrap_words(text: str, width: int = 14) -> str:
    """A label on lines of about ``width`` characters, broken at spaces only: the table column
    then needs only the longest word ("Zorgsteunpunt\n(24-uurs zorg)")."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def _span(lo: Any, hi: Any) -> str:
    return span(lo, hi)


class PlotDetailPanel(Panel):
    """The selected plot: score explanation per criterion, zoning, capacity, reservation, notes."""

    reserve_requested = Signal(str)  # plot_id: the workflow opens its reservation dialog
    note_requested = Signal(str)  # plot_id: the workflow opens its note dialog

    COLUMNS = 4

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.plot_id: str | None = None
        self._position: int | None = None

        self.empty_label = QLabel(self.tr("Kies een locatie op de kaart of in de tabel Locaties."), self)
        self.empty_label.setWordWrap(True)
        self.title = heading("", self, 1.4)
        self.subtitle = QLabel(self)
        self.score_label = heading("", self, 1.15)
        self.method_label = QLabel(self)
        self.method_label.setWordWrap(True)

        self.criteria_table = QTableWidget(0, self.COLUMNS, self)
        self.criteria_table.setHorizontalHeaderLabels(
            [self.tr("Criterium"), self.tr("Afstand"), self.tr("Norm"), self.tr("Punten")]
        )
        points = self.criteria_table.horizontalHeaderItem(3)
        if points is not None:
            # ✓/✗ and the points share a column: a laptop dock has no room for five columns.
            points.setToolTip(self.tr("✓/✗: norm gehaald of niet; deelscore van het criterium, 0–100"))
        # Wrap at spaces, never cut with "…": a laptop dock is narrow (see _wrap_words).
        self.criteria_table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.criteria_table.setWordWrap(True)
        self.criteria_table.verticalHeader().hide()
        self.criteria_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.criteria_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.criteria_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.criteria_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The criterion as wide as its longest word (names are wrapped, _wrap_words); the
        # distance and the norm share the rest and wrap: nothing is cut in a narrow laptop dock
        # (a long norm such as "≥ 4 vertrekken/uur" no longer squeezes the distance).
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # Row heights follow the wrapped text whenever the dock (and so a column) changes width.
        header.sectionResized.connect(lambda *_args: self._fit_table_height())
        self.criteria_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.robustness_label = QLabel(self)
        self.disagreement_label = QLabel(self)
        self.parties_label = QLabel(self)
        self.zoning_label = QLabel(self)
        self.capacity_label = QLabel(self)
        self.reservation_label = QLabel(self)
        self.drieslag_label = QLabel(self)
        self.drieslag_label.setObjectName("drieslagLights")
        self.drieslag_label.setTextFormat(Qt.TextFormat.RichText)  # built from escaped text only
        self.drieslag_label.setWordWrap(True)
        self.notes_label = QLabel(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for caption, label in (
            (self.tr("Robuustheid"), self.robustness_label),
            (self.tr("Onenigheid"), self.disagreement_label),
            (self.tr("Per partij"), self.parties_label),
            (self.tr("Bestemming"), self.zoning_label),
            (self.tr("Capaciteit"), self.capacity_label),
            (self.tr("Reservering"), self.reservation_label),
            (self.tr("Drieslag"), self.drieslag_label),
            (self.tr("Notities"), self.notes_label),
        ):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(caption + ":", label)
        # Names and notes come from data files and users: shown as text, never parsed as HTML.
        for label in (
            self.subtitle,
            self.method_label,
            self.robustness_label,
            self.disagreement_label,
            self.parties_label,
            self.zoning_label,
            self.capacity_label,
            self.reservation_label,
            self.notes_label,
        ):
            label.setTextFormat(Qt.TextFormat.PlainText)

        self.reserve_button = QPushButton(self.tr("Reserveren…"), self)
        self.reserve_button.setToolTip(self.tr("Deze locatie reserveren voor een woningcategorie"))
        self.note_button = QPushButton(self.tr("Notitie…"), self)
        self.note_button.setToolTip(self.tr("Een notitie bij deze locatie schrijven"))
        self.reserve_button.clicked.connect(self._request_reserve)
        self.note_button.clicked.connect(self._request_note)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reserve_button)
        buttons.addWidget(self.note_button)
        buttons.addStretch(1)

        self.body = QWidget(self)
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        for widget in (self.title, self.subtitle, self.score_label, self.method_label):
            body.addWidget(widget)
        body.addWidget(self.criteria_table)
        body.addWidget(separator(self))
        body.addLayout(form)
        body.addLayout(buttons)
        body.addStretch(1)

        inner = QWidget(self)
        inner_layout = QVBoxLayout(inner)
        inner_layout.addWidget(self.empty_label)
        inner_layout.addWidget(self.body)
        scroll = WrappingScrollArea(self)  # wrapped texts get their height in a narrow dock
        scroll.setWidget(inner)

        # Historie: the audit log of the selected plot, its reservations and comments.
        # Two columns so a narrow dock still shows everything: when and who; what, old → new.
        self.history_table = QTableWidget(0, 2, self)
        self.history_table.setObjectName("historyTable")
        self.history_table.setHorizontalHeaderLabels([self.tr("Wanneer, wie"), self.tr("Wat (oud → nieuw)")])
        self.history_table.verticalHeader().hide()
        self.history_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history_table.setWordWrap(True)
        self.history_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        history_header = self.history_table.horizontalHeader()
        history_header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        history_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        history_header.sectionResized.connect(lambda *_: self.history_table.resizeRowsToContents())
        self._history_entries: list[HistoryEntry] = []
        self.history_hint = QLabel(self)
        self.history_hint.setWordWrap(True)
        # The table's own size hint must not make the dock taller than the explanation needs.
        self.history_table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        history_page = QWidget(self)
        history_layout = QVBoxLayout(history_page)
        history_layout.addWidget(self.history_hint)
        history_layout.addWidget(self.history_table, 1)
        self._history_for: str | None = None  # the plot the table shows (loaded when the tab is shown)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(scroll, self.tr("Uitleg"))
        self.tabs.addTab(history_page, self.tr("Historie"))
        self.tabs.currentChanged.connect(lambda _i: self._show_history())
        self.body_scroll = scroll
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

        controller.selection_changed.connect(self.show_selection)
        controller.state_changed.connect(self.show_selection)
        controller.state_changed.connect(self._history_changed)
        controller.scores_changed.connect(self._update_score)
        self.show_selection()

    # -- signals out -----------------------------------------------------------------------

    def _request_reserve(self) -> None:
        if self.plot_id:
            self.reserve_requested.emit(self.plot_id)

    def _request_note(self) -> None:
        if self.plot_id:
            self.note_requested.emit(self.plot_id)

    # -- showing ---------------------------------------------------------------------------

    def _frame(self) -> pd.DataFrame | None:
        state = self.controller.state
        return state.run.frame if state is not None and state.run is not None else None

    def show_selection(self) -> None:
        """Show the first selected plot (or the hint when nothing is selected)."""
        frame = self._frame()
        selection = self.controller.selection
        plot_id = selection[0] if selection else None
        position = None
        if frame is not None and plot_id is not None:
            hits = np.flatnonzero(
                frame["plot_id"].astype("string").to_numpy(dtype=object, na_value="") == plot_id
            )
            position = int(hits[0]) if len(hits) else None
        self.plot_id = plot_id if position is not None else None
        self._position = position
        self._show_history()
        self.empty_label.setVisible(position is None)
        self.body.setVisible(position is not None)
        if frame is None or position is None:
            if plot_id is not None and frame is not None:
                self.empty_label.setText(
                    self.tr("Locatie {0} heeft geen score in deze berekening.").format(plot_id)
                )
            else:
                self.empty_label.setText(self.tr("Kies een locatie op de kaart of in de tabel Locaties."))
            return
        row = frame.iloc[position]
        more = len(selection) - 1
        self.title.setText(_text(row, "name") or str(plot_id))
        parts = [str(plot_id)]
        area = _value(row, "area_m2")
        if area is not None:
            parts.append(_area(float(area)))
        if more > 0:
            parts.append(self.tr("(+{0} meer geselecteerd)").format(more))
        self.subtitle.setText(" · ".join(parts))
        self._update_score()
        self._show_method(row)
        self._show_criteria(frame, position)
        self._show_bookkeeping(row)
        self.body_scroll.fit_later()  # new texts: their wrapped heights, once laid out

    def _update_score(self) -> None:
        if self._position is None:
            return
        scores = self.controller.scores
        frame = self._frame()
        if frame is None or len(scores) != len(frame) or self._position >= len(scores):
            return
        score = float(scores[self._position])
        rank = int((scores > scores[self._position]).sum()) + 1
        self.score_label.setText(
            self.tr("Score {0} · nr. {1} van {2}").format(format_number(score, 1), rank, len(scores))
        )

    def _show_method(self, row: pd.Series) -> None:
        method = _text(row, "distance_method")
        ontsloten = _value(row, "ontsloten")
        if ontsloten is False or ontsloten is np.False_:
            text = self.tr("Niet ontsloten: de locatie ligt te ver van het looppadennetwerk.")
        elif method == "hemelsbreed":
            text = self.tr("Afstanden hemelsbreed (in een rechte lijn): er is geen looppadennetwerk.")
        else:
            text = self.tr("Afstanden lopend over het looppadennetwerk.")
        self.method_label.setText(text)

    def _show_criteria(self, frame: pd.DataFrame, position: int) -> None:
        run = self.controller.state.run if self.controller.state else None
        table = self.criteria_table
        table.setRowCount(0)
        if run is None:
            return
        style = panel_style()
        details = criterion_details(frame, run.profile, frame.index[position], absent=run.absent)
        weights = dict(zip(run.profile.criterion_ids, self.controller.current_weights(), strict=False))
        bold = QFont(table.font())
        bold.setBold(True)
        table.setRowCount(len(details))
        for r, detail in enumerate(details):
            # No data: left out of the score (neither ✓ nor ✗), the row greyed with the reason.
            mark = (OK_MARK if detail["met"] else FAIL_MARK) if detail["has_data"] else "–"
            cells = [
                _wrap_words(domain_label(detail["label"])),
                # The reason in full is in the row's tooltip; the cell stays short in a narrow dock.
                detail["measure"] if detail["has_data"] else self.tr("geen gegevens"),
                detail["norm"].removeprefix("norm "),
                f"{mark} {format_number(detail['subscore'], 0)}" if detail["has_data"] else "–",
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 3:
                    item.setForeground(
                        QBrush(parse_colour(style.norm_met if detail["met"] else style.norm_not_met))
                    )
                    item.setFont(bold)
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if detail["has_data"]:
                    item.setToolTip(
                        self.tr("gewicht {0}").format(
                            format_number(weights.get(detail["criterion_id"], detail["weight"]), 1)
                        )
                    )
                else:
                    item.setForeground(
                        table.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
                    )
                    item.setToolTip(self.tr("telt niet mee in de score: {0}").format(detail["measure"]))
                table.setItem(r, c, item)
        self._fit_table_height()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        # The stretched columns get their final width after this event: fit the rows then, so
        # a wrapped distance is never cut by a row computed for the old width.
        QTimer.singleShot(0, self._fit_if_alive)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        QTimer.singleShot(0, self._fit_if_alive)

    def _fit_if_alive(self) -> None:
        if isValid(self):
            self._fit_table_height()

    def _fit_table_height(self) -> None:
        """Every row as high as its wrapped text, the table as high as its rows (no inner scroll).

        Heights are measured here at the columns' current widths (Qt's resizeRowsToContents can
        use a stretched column's old width and then cut the last line).
        """
        table = self.criteria_table
        header = table.horizontalHeader()
        margin = 2 * table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 6
        for r in range(table.rowCount()):
            height = table.fontMetrics().height()
            for c in range(table.columnCount()):
                item = table.item(r, c)
                if item is None or not item.text():
                    continue
                font = QFont(table.font())  # the font the cell is painted in (the panel's size)
                font.setBold(item.font().bold())
                fm = QFontMetrics(font)
                box = fm.boundingRect(
                    QRect(0, 0, max(10, header.sectionSize(c) - margin), 100_000),
                    int(Qt.TextFlag.TextWordWrap),
                    item.text(),
                )
                height = max(height, box.height())
            table.setRowHeight(r, height + 8)
        height = header.height() + sum(table.rowHeight(r) for r in range(table.rowCount()))
        table.setFixedHeight(height + 2 * table.frameWidth() + 2)

    def _show_bookkeeping(self, row: pd.Series) -> None:
        self.robustness_label.setText(self._robustness(row))
        self.disagreement_label.setText(self._disagreement(row))
        self.parties_label.setText(self._parties(row))
        self.zoning_label.setText(self._zoning(row))
        self.capacity_label.setText(self._capacity(row))
        self.reservation_label.setText(self._reservation())
        self.drieslag_label.setText(self._drieslag())
        self.notes_label.setText(self._notes(row))

    def _robustness(self, row: pd.Series) -> str:
        value = _value(row, "robustness")
        if value is None:
            return "–"
        return self.tr("{0} % — zo vaak blijft de locatie in de top 10 als de gewichten variëren").format(
            round(float(value) * 100)
        )

    def _disagreement(self, row: pd.Series) -> str:
        """The parties' spread in score points, with the words of plotscore.agreement."""
        value = _value(row, "disagreement")
        if value is None:
            return "–"
        points = float(value)
        words = domain_label(agreement().level(points).words)
        return self.tr("{0} punten verschil — {1}").format(round(points), words)

    def _parties(self, row: pd.Series) -> str:
        run = self.controller.state.run if self.controller.state else None
        if run is None or not run.profile.parties:
            return "–"
        parts = []
        for party in run.profile.parties:
            value = _value(row, party_col(party))
            if value is not None:
                parts.append(f"{domain_label(party_label(party))} {format_number(float(value), 0)}")
        return " · ".join(parts) or "–"

    def _zoning(self, row: pd.Series) -> str:
        lines = [_text(row, "zoning_class") or self.tr("onbekend")]
        shares = []
        for key, label in (
            ("toegestaan", self.tr("toegestaan")),
            ("procedure", self.tr("procedure")),
            ("uitgesloten", self.tr("uitgesloten")),
            ("onbekend", self.tr("onbekend")),
        ):
            value = _value(row, f"zoning_share_{key}")
            if value is not None and float(value) > 0:
                shares.append(f"{label} {round(float(value) * 100)} %")
        if shares:
            lines.append(" · ".join(shares))
        hoofdgroepen = _text(row, "zoning_hoofdgroepen")
        if hoofdgroepen:
            lines.append(hoofdgroepen)
        dubbel = _text(row, "zoning_dubbel")
        if dubbel:
            lines.append(self.tr("Dubbelbestemming: {0}").format(dubbel))
        let_op = _text(row, "zoning_let_op")
        if let_op:
            lines.append(self.tr("Let op: {0}").format(let_op))
        if _value(row, "zoning_indicatief"):
            lines.append(self.tr("Indicatief: geen vastgesteld bestemmingsplan, controleer bij de gemeente."))
        plans = _text(row, "zoning_plan_ids")
        if plans:
            lines.append(self.tr("Plan: {0}").format(self._plan_names(plans)))
        return "\n".join(lines)

    def _plan_names(self, plan_ids: str) -> str:
        """Plans by their name (from the zoning layer), never an internal id such as
        "INDICATIEF.OSM.LANDGEBRUIK"; a public IMRO id is kept beside the name to look it up."""
        state = self.controller.state
        zoning = state.layers.get("zoning") if state is not None else None
        names: dict[str, str] = {}
        if zoning is not None and {"plan_id", "plan_name"} <= set(zoning.columns):
            pairs = zoning[["plan_id", "plan_name"]].dropna().drop_duplicates("plan_id")
            names = {str(k): str(v) for k, v in zip(pairs["plan_id"], pairs["plan_name"], strict=True)}
        out = []
        for pid in (p.strip() for p in plan_ids.replace(";", ",").split(",")):
            if not pid:
                continue
            name = names.get(pid, "")
            if pid.upper().startswith("NL.IMRO."):
                out.append(f"{name} ({pid})" if name else pid)
            else:
                out.append(name or self.tr("plan zonder naam"))
        return "; ".join(dict.fromkeys(out))

    def _capacity(self, row: pd.Series) -> str:
        run = self.controller.state.run if self.controller.state else None
        category = run.profile.housing_category if run is not None else ""
        lines = [
            self.tr("Schatting van de tool ({0}): {1} woningen").format(
                category, _span(_value(row, "capacity_min"), _value(row, "capacity_max"))
            )
        ]
        basis = _text(row, "capacity_basis")
        if basis:
            lines.append(basis)
        note = _text(row, "area_note")
        if note:
            lines.append(note)
        return "\n".join(lines)

    def _live_reservations(self) -> pd.DataFrame:
        state = self.controller.state
        if state is None or state.reservations.empty or self.plot_id is None:
            return pd.DataFrame()
        live = state.live_reservations
        return pd.DataFrame(live[(live["plot_id"].astype("string") == self.plot_id).to_numpy(dtype=bool)])

    def _reservation(self) -> str:
        res = self._live_reservations()
        state = self.controller.state
        if res.empty or state is None:
            return self.tr("Niet gereserveerd")
        lines = []
        for _, r in res.iterrows():
            fid = int(r["fid"])
            about = state.ledger.about(fid)
            given = _span(_value(r, "capacity_min"), _value(r, "capacity_max"))
            parts = [f"{_text(r, 'category')}: {self.tr('opgegeven {0} woningen').format(given)}"]
            if about["estimate"]:
                # The range here; its basis is under Capaciteit and in the warning below when it exceeds.
                parts.append(self.tr("schatting {0}").format(about["estimate"].split(" (")[0]))
            parts.append(_text(r, "status"))
            years = _span(_value(r, "year_start"), _value(r, "year_end"))
            if years != "–":
                parts.append(self.tr("opleverjaren {0}").format(years))
            if about["periods"]:
                parts.append(self.tr("telt mee: {0}").format(about["periods"]))
            segment = _text(r, "segment")
            if segment:
                parts.append(segment)
            partners = _text(r, "partners_text")
            if partners:
                parts.append(self.tr("partners: {0}").format(partners))
            notes = _text(r, "notes")
            if notes:
                parts.append(notes)
            lines.append(" · ".join(p for p in parts if p))
            lines.extend(f"⚠ {w}" for w in about["warnings"])
        return "\n".join(lines)

    def _drieslag(self) -> str:
        """Per live reservation three lights: lit (green) or not (grey), with the step's name."""
        res = self._live_reservations()
        state = self.controller.state
        if res.empty or state is None:
            return "–"
        style = panel_style()
        on, off = style.norm_met, "#9E9E9E"
        rows = []
        for _, r in res.iterrows():
            d: Drieslag | None = state.ledger.drieslagen.get(int(r["fid"]))
            if d is None:
                continue
            lights = " ".join(
                f'<span style="color:{on if lit else off}">●</span> '
                f'<span style="color:{"inherit" if lit else off}">{html.escape(step.label)}</span>'
                for step, lit in d.steps
            )
            verdict = self.tr("compleet") if d.complete else html.escape(d.text)
            rows.append(f"<b>{html.escape(_text(r, 'category'))}</b>: {lights} — {verdict}")
        return "<br>".join(rows) or "–"

    # -- history -----------------------------------------------------------------------------

    def _history_changed(self) -> None:
        self._history_for = None  # an edit was saved: read the log again when it is shown
        self._show_history()

    def _show_history(self) -> None:
        if self.tabs.currentIndex() != 1 or self._history_for == (self.plot_id or ""):
            return
        self._history_for = self.plot_id or ""
        table = self.history_table
        table.setRowCount(0)
        self._history_entries = []
        store = self.controller.store
        if store is None or self.plot_id is None:
            self.history_hint.setText(self.tr("Kies een locatie om haar historie te zien."))
            return
        try:
            entries = history(store, self.plot_id)
        except ProjectError as exc:
            self.controller.error.emit(*user_message(exc))
            return
        self.history_hint.setText(
            self.tr("Wijzigingen aan {0}, haar reserveringen en opmerkingen (nieuwste eerst): {1}").format(
                self.plot_id, len(entries)
            )
            if entries
            else self.tr("Nog geen wijzigingen vastgelegd voor {0}.").format(self.plot_id)
        )
        self._fill_history(entries)

    def _fill_history(self, entries: list[HistoryEntry]) -> None:
        self._history_entries = list(entries)
        table = self.history_table
        table.setRowCount(len(entries))
        bold = QFont(table.font())
        bold.setBold(True)
        for i, e in enumerate(entries):
            when = QTableWidgetItem(f"{e.when}\n{e.who}")
            what = QTableWidgetItem("\n".join([e.what, *(f"  {line}" for line in e.change_lines())]))
            what.setToolTip(what.text())
            when.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            what.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            table.setItem(i, 0, when)
            table.setItem(i, 1, what)
        table.resizeRowsToContents()

    def history_rows(self) -> list[list[str]]:
        """The history shown: [when, who, what, old → new lines] per entry (tests, reports)."""
        return [[e.when, e.who, e.what, "\n".join(e.change_lines())] for e in self._history_entries]

    def _notes(self, row: pd.Series) -> str:
        state = self.controller.state
        text = ""
        if state is not None and self.plot_id is not None and "notes" in state.plots.columns:
            hit = state.plots[state.plots["plot_id"].astype("string") == self.plot_id]
            if not hit.empty:
                text = _text(hit.iloc[0], "notes")
        return text or _text(row, "notes") or self.tr("Geen notities")

    # -- reading (tests, reports) ----------------------------------------------------------

    def criteria_rows(self) -> list[list[str]]:
        table = self.criteria_table
        rows = []
        for r in range(table.rowCount()):
            cells = []
            for c in range(table.columnCount()):
                item = table.item(r, c)
                cells.append(item.text() if item is not None else "")
            rows.append(cells)
        return rows
