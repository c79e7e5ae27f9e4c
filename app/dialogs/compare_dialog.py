"""*Beeld → Twee locaties vergelijken*: two locations side by side, criterion by criterion.

Everything comes from the read side (:func:`projects.views.criterion_details` and the live
scores of the controller), so the numbers are those of the Locatie panel. The better value of
each row is shown in bold; the two locations are chosen from lists (sorted by rank).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.controller import ProjectController
from app.i18n import domain_label, ui_number
from plotscore.agreement import describe
from projects.views import FAIL_MARK, OK_MARK, criterion_details

__all__ = ["CompareDialog"]


def _value(row: pd.Series, col: str) -> float | None:
    if col not in row.index:
        return None
    v = pd.to_numeric(pd.Series([row[col]]), errors="coerce").iloc[0]
    return None if pd.isna(v) else float(v)


class CompareDialog(QDialog):
    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle(self.tr("Twee locaties vergelijken"))
        self.left = QComboBox(self)
        self.right = QComboBox(self)
        for combo in (self.left, self.right):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(18)
        self.table = QTableWidget(0, 3, self)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # Row heights follow the wrapped text once the columns have their real width.
        header.sectionResized.connect(lambda *_args: self.table.resizeRowsToContents())
        self.note = QLabel(self.tr("Vetgedrukt: de beste van de twee."), self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        pick = QHBoxLayout()
        pick.addWidget(self.left, 1)
        pick.addWidget(QLabel(self.tr("naast"), self))
        pick.addWidget(self.right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(pick)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        self.resize(
            min(860, screen.width() - 40) if screen else 860,
            min(640, screen.height() - 80) if screen else 640,
        )
        self._fill_choices()
        self.left.currentIndexChanged.connect(self.refresh)
        self.right.currentIndexChanged.connect(self.refresh)
        self.refresh()

    def _order(self) -> list[int]:
        scores = self.controller.scores
        return [int(i) for i in np.argsort(-np.nan_to_num(scores, nan=-1.0), kind="stable")]

    def _fill_choices(self) -> None:
        run = self.controller.state.run if self.controller.state else None
        if run is None:
            return
        frame = run.frame
        ids = frame["plot_id"].astype(str).tolist()
        names = frame["name"].tolist() if "name" in frame.columns else [""] * len(ids)
        order = self._order() if len(self.controller.scores) == len(frame) else list(range(len(ids)))
        for combo in (self.left, self.right):
            combo.blockSignals(True)
            combo.clear()
            for rank, pos in enumerate(order, start=1):
                name = names[pos] if isinstance(names[pos], str) else ""
                combo.addItem(f"{rank}. {ids[pos]} {name}".strip(), ids[pos])
            combo.blockSignals(False)
        chosen = list(self.controller.selection[:2])
        for pos in order:
            if len(chosen) >= 2:
                break
            if ids[pos] not in chosen:
                chosen.append(ids[pos])
        if len(chosen) >= 2:
            self.choose(chosen[0], chosen[1])

    def choose(self, left: str, right: str) -> None:
        """Compare these two plot ids."""
        for combo, pid in ((self.left, left), (self.right, right)):
            index = combo.findData(pid)
            if index >= 0:
                combo.setCurrentIndex(index)
        self.refresh()

    def refresh(self) -> None:
        state = self.controller.state
        run = state.run if state is not None else None
        a, b = self.left.currentData(), self.right.currentData()
        self.table.setRowCount(0)
        if run is None or a is None or b is None:
            return
        frame = run.frame
        ids = frame["plot_id"].astype(str).to_numpy()
        pos = {pid: int(np.flatnonzero(ids == pid)[0]) for pid in (a, b) if (ids == pid).any()}
        if len(pos) < 1:
            return
        self.table.setHorizontalHeaderLabels(["", self._title(frame, a), self._title(frame, b)])
        rows: list[tuple[str, str, str, int]] = []  # label, left, right, which is better (0/1/2)
        scores = self.controller.scores
        sa, sb = (float(scores[pos[p]]) if p in pos and len(scores) == len(frame) else np.nan for p in (a, b))
        ranks = (
            {p: int((scores > scores[pos[p]]).sum()) + 1 for p in pos} if len(scores) == len(frame) else {}
        )
        rows.append(
            (
                self.tr("Score"),
                ui_number(sa, 1) if sa == sa else "–",
                ui_number(sb, 1) if sb == sb else "–",
                _better(round(sa, 1), round(sb, 1)),  # as shown: 65,1 and 65,1 are equal
            )
        )
        rows.append(
            (
                self.tr("Plaats in de ranglijst"),
                str(ranks.get(a, "–")),
                str(ranks.get(b, "–")),
                _better(-ranks.get(a, 10**9), -ranks.get(b, 10**9)),
            )
        )
        details = {
            p: criterion_details(frame, run.profile, frame.index[pos[p]], absent=run.absent) for p in pos
        }
        for i, criterion in enumerate(run.profile.criteria):
            da, db = details.get(a, [])[i : i + 1], details.get(b, [])[i : i + 1]
            left = self._detail(da[0]) if da else "–"
            right = self._detail(db[0]) if db else "–"
            ua = round(float(da[0]["subscore"])) if da and da[0]["has_data"] else np.nan
            ub = round(float(db[0]["subscore"])) if db and db[0]["has_data"] else np.nan
            rows.append((domain_label(criterion.label), left, right, _better(ua, ub)))
        for col, label in (
            ("disagreement", self.tr("Onenigheid")),
            ("capacity_max", self.tr("Capaciteit (max. woningen)")),
            ("area_m2", self.tr("Oppervlakte")),
        ):
            va, vb = (_value(frame.iloc[pos[p]], col) if p in pos else None for p in (a, b))
            if va is None and vb is None:
                continue
            fmt = self._formatter(col)
            better = (
                _better(-(va or 0.0), -(vb or 0.0))
                if col == "disagreement"
                else _better(va or 0.0, vb or 0.0)
            )
            rows.append((label, fmt(va), fmt(vb), better))
        for p_col, label in (("zoning_class", self.tr("Bestemming")),):
            texts = [str(frame.iloc[pos[p]].get(p_col, "") or "–") if p in pos else "–" for p in (a, b)]
            rows.append((label, domain_label(texts[0]), domain_label(texts[1]), 0))
        self._fill(rows)

    def _formatter(self, col: str) -> Callable[[float | None], str]:
        def fmt(value: float | None) -> str:
            if value is None:
                return "–"
            if col == "disagreement":
                return describe(value)
            if col == "area_m2":
                return ui_number(value) + " m²"
            return ui_number(value)

        return fmt

    def _detail(self, detail: Mapping[str, object]) -> str:
        if not detail.get("has_data", True):
            return str(detail.get("measure", ""))  # no data: left out of the score, no ✓/✗
        mark = OK_MARK if detail.get("met") else FAIL_MARK
        return f"{detail.get('measure', '')} {mark} · {ui_number(float(str(detail.get('subscore', 0))))}"

    def _title(self, frame: pd.DataFrame, pid: str) -> str:
        hit = frame[frame["plot_id"].astype(str) == pid]
        name = (
            str(hit.iloc[0]["name"])
            if not hit.empty and "name" in hit.columns and isinstance(hit.iloc[0]["name"], str)
            else ""
        )
        return f"{pid} {name}".strip()

    def _fill(self, rows: list[tuple[str, str, str, int]]) -> None:
        bold = QFont(self.table.font())
        bold.setBold(True)
        self.table.setRowCount(len(rows))
        for r, (label, left, right, better) in enumerate(rows):
            for c, text in enumerate((label, left, right)):
                item = QTableWidgetItem(text)
                if c == better and c > 0:
                    item.setFont(bold)
                if c == 0:
                    item.setFont(bold)
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()

    def cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""


def _better(a: float, b: float) -> int:
    """1 when ``a`` is larger, 2 when ``b`` is, 0 when equal or unknown."""
    if a != a or b != b or abs(a - b) < 1e-9:
        return 0
    return 1 if a > b else 2
