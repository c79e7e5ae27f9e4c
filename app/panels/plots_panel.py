"""Locaties: every scored plot in a sortable, filterable table with live scores.

The source model (:class:`PlotsTableModel`) keeps each column as a numpy array and sorts itself
with numpy (``argsort`` over 10k rows is well under a millisecond; a proxy ``lessThan`` would
call Python ~130k times). The :class:`PlotsFilterProxy` filters on name/id, bestemming and
status from a precomputed mask. On a slider move only the score and rank columns change: the
model emits ``dataChanged`` for those two columns (plus a layout change when the table is
sorted by score or rank), never a model reset.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.controller import ProjectController
from app.i18n import domain_label
from app.panels.widgets import Panel, panel_style
from plotscore.classes import score_breaks
from plotscore.columns import subscore_col
from plotscore.model import ranks_of
from projects.models import RESERVATION_STATUSES, ReservationStatus
from projects.views import format_number

__all__ = ["PlotsFilterProxy", "PlotsPanel", "PlotsTableModel", "plot_statuses"]

ModelIndex = QModelIndex | QPersistentModelIndex
PLOT_ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the plot_id of the row, in every column
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # the raw value (number or text) of the cell

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_STATUS_ORDER = {s: i for i, s in enumerate(RESERVATION_STATUSES)}


def plot_statuses(reservations: pd.DataFrame) -> dict[str, str]:
    """plot_id → the most advanced status of its active reservations ("vervallen" only if all are)."""
    if reservations is None or reservations.empty or "plot_id" not in reservations.columns:
        return {}
    out: dict[str, str] = {}
    frame = reservations
    if "active" in frame.columns:
        frame = frame[frame["active"].fillna(True).astype(bool)]
    for plot_id, status in zip(frame["plot_id"], frame["status"], strict=True):
        if plot_id is pd.NA or plot_id is None or status is pd.NA or status is None:
            continue
        key, value = str(plot_id), str(status)
        old = out.get(key)
        if old is None or _rank_status(value) > _rank_status(old):
            out[key] = value
    return out


def _rank_status(status: str) -> int:
    """Higher = further in the pipeline; vervallen ranks below every active status."""
    if status == ReservationStatus.VERVALLEN:
        return -1
    return _STATUS_ORDER.get(status, -1)


@dataclass(frozen=True)
class _Column:
    key: str  # "rank", "plot_id", "name", "score", "sub:<criterion>", "zoning", ...
    header: str
    tooltip: str = ""


def _floats(frame: pd.DataFrame, col: str) -> npt.NDArray[np.float64]:
    if col not in frame.columns:
        return np.full(len(frame), np.nan, dtype=np.float64)
    return pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _texts(frame: pd.DataFrame, col: str) -> npt.NDArray[np.object_]:
    if col not in frame.columns:
        return np.full(len(frame), "", dtype=object)
    return frame[col].astype("string").fillna("").to_numpy(dtype=object)


class PlotsTableModel(QAbstractTableModel):
    """The plots of the current scoring run with live score and rank, sorted with numpy."""

    FIXED_BEFORE = ("rank", "plot_id", "name", "score")
    FIXED_AFTER = ("zoning", "capacity", "status", "robustness", "disagreement")

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._frame: pd.DataFrame | None = None
        self._columns: list[_Column] = []
        self._n = 0
        self._ids: npt.NDArray[np.object_] = np.zeros(0, dtype=object)
        self._names: npt.NDArray[np.object_] = np.zeros(0, dtype=object)
        self._zoning: npt.NDArray[np.object_] = np.zeros(0, dtype=object)
        self._status: npt.NDArray[np.object_] = np.zeros(0, dtype=object)
        self._cap_min = np.zeros(0, dtype=np.float64)
        self._cap_max = np.zeros(0, dtype=np.float64)
        self._robust = np.zeros(0, dtype=np.float64)
        self._disagree = np.zeros(0, dtype=np.float64)
        self._explanations: npt.NDArray[np.object_] = np.zeros(0, dtype=object)
        self._subs: dict[str, npt.NDArray[np.float64]] = {}
        self._scores = np.zeros(0, dtype=np.float64)
        self._ranks = np.zeros(0, dtype=np.int64)
        self._classes = np.zeros(0, dtype=np.int64)
        self._order = np.zeros(0, dtype=np.int64)  # table row → frame position
        self._row_of = np.zeros(0, dtype=np.int64)  # frame position → table row
        self._position_of: dict[str, int] = {}
        self._sort_column = 0
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._bold = QFont()
        self._bold.setBold(True)
        self.rebuild()

    # -- building --------------------------------------------------------------------------

    def rebuild(self) -> None:
        """Read the controller's current run afresh (a model reset: new project, new scoring)."""
        self.beginResetModel()
        state = self.controller.state
        run = state.run if state is not None else None
        frame = run.frame if run is not None else None
        self._frame = frame
        if frame is None or run is None:
            self._columns = []
            self._n = 0
            self._order = np.zeros(0, dtype=np.int64)
            self._row_of = np.zeros(0, dtype=np.int64)
            self._position_of = {}
            self.endResetModel()
            return
        criteria = [c for c in run.profile.criteria if subscore_col(c.id) in frame.columns]
        self._columns = [
            _Column("rank", self.tr("Rang"), self.tr("Rang met de huidige weging (1 = beste)")),
            _Column("plot_id", self.tr("Id")),
            _Column("name", self.tr("Naam")),
            _Column("score", self.tr("Score"), self.tr("Totaalscore 0–100 met de huidige weging")),
            *(
                _Column(f"sub:{c.id}", c.label, self.tr("Deelscore 0–100 voor {0}").format(c.label))
                for c in criteria
            ),
            _Column("zoning", self.tr("Bestemming"), self.tr("Past wonen in het bestemmingsplan?")),
            _Column(
                "capacity",
                self.tr("Schatting"),
                self.tr("Schatting van de tool: aantal woningen (min–max), zie Locatie voor de basis"),
            ),
            _Column("status", self.tr("Status"), self.tr("Status van de reservering")),
            _Column(
                "robustness",
                self.tr("Robuustheid"),
                self.tr("Aandeel van gevarieerde wegingen waarin de locatie in de top 10 blijft"),
            ),
            _Column(
                "disagreement",
                self.tr("Onenigheid"),
                self.tr(
                    "Verschil tussen de hoogste en de laagste partijscore, in punten (0 = eens; vanaf 20 omstreden)"
                ),
            ),
        ]
        self._n = len(frame)
        self._ids = _texts(frame, "plot_id")
        self._names = _texts(frame, "name")
        self._zoning = _texts(frame, "zoning_class")
        self._cap_min = _floats(frame, "capacity_min")
        self._cap_max = _floats(frame, "capacity_max")
        self._robust = _floats(frame, "robustness")
        self._disagree = _floats(frame, "disagreement")
        self._explanations = _texts(frame, "explanation")
        self._subs = {c.id: _floats(frame, subscore_col(c.id)) for c in criteria}
        self._position_of = {str(pid): i for i, pid in enumerate(self._ids)}
        self._read_statuses()
        self._read_scores()
        self._order = self._sorted_positions(self._sort_column, self._sort_order)
        self._update_row_of()
        self.endResetModel()

    def _read_statuses(self) -> None:
        state = self.controller.state
        statuses = plot_statuses(state.reservations) if state is not None else {}
        self._status = np.array([statuses.get(str(pid), "") for pid in self._ids], dtype=object)

    def _read_scores(self) -> None:
        scores = np.asarray(self.controller.scores, dtype=np.float64)
        if len(scores) != self._n and self._frame is not None:
            scores = _floats(self._frame, "score")  # before the first live scoring
        self._scores = scores
        self._ranks = ranks_of(scores)
        classes = np.asarray(self.controller.classes, dtype=np.int64)
        if len(classes) != self._n:  # before the first live scoring: the same class rule
            classes = score_breaks(scores).classify(scores).astype(np.int64)
        self._classes = classes

    def _update_row_of(self) -> None:
        row_of = np.empty(self._n, dtype=np.int64)
        row_of[self._order] = np.arange(self._n, dtype=np.int64)
        self._row_of = row_of

    # -- live updates ----------------------------------------------------------------------

    def is_current(self) -> bool:
        """True while the model shows the controller's current run."""
        state = self.controller.state
        run = state.run if state is not None else None
        return (run.frame if run is not None else None) is self._frame

    def update_scores(self) -> None:
        """New live scores: score and rank columns only (re-sorted when sorted by them)."""
        if not self.is_current() or len(self.controller.scores) != self._n:
            self.rebuild()
            return
        if self._n == 0:
            return
        self._read_scores()
        if self._columns[self._sort_column].key in ("rank", "score"):
            self._resort()
        for key in ("rank", "score"):
            col = self.column_of(key)
            self.dataChanged.emit(
                self.index(0, col), self.index(self._n - 1, col), [Qt.ItemDataRole.DisplayRole]
            )

    def update_statuses(self) -> None:
        """Reservations changed (same run): the status column only."""
        if not self.is_current():
            self.rebuild()
            return
        if self._n == 0:
            return
        self._read_statuses()
        col = self.column_of("status")
        self.dataChanged.emit(self.index(0, col), self.index(self._n - 1, col))
        if self._columns[self._sort_column].key == "status":
            self._resort()

    # -- Qt model API ----------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else self._n

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip or None
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._n:
            return None
        pos = int(self._order[index.row()])
        key = self._columns[index.column()].key
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(key, pos)
        if role == PLOT_ID_ROLE:
            return str(self._ids[pos])
        if role == SORT_ROLE:
            return self._raw(key, pos)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT if key in ("plot_id", "name", "zoning", "status") else _RIGHT
        if role == Qt.ItemDataRole.DecorationRole:
            if key == "score":
                return panel_style().class_colour(int(self._classes[pos]))
            if key == "status" and self._status[pos]:
                return panel_style().status_colour(str(self._status[pos]))
            return None
        if role == Qt.ItemDataRole.FontRole and key == "score":
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole and key in ("name", "plot_id", "score"):
            return str(self._explanations[pos]) or None
        return None

    def _display(self, key: str, pos: int) -> str:
        if key == "rank":
            return str(int(self._ranks[pos]))
        if key == "plot_id":
            return str(self._ids[pos])
        if key == "name":
            return str(self._names[pos])
        if key == "score":
            return _num(self._scores[pos], 1)
        if key.startswith("sub:"):
            return _num(self._subs[key[4:]][pos], 0)
        if key == "zoning":
            return domain_label(str(self._zoning[pos])) or "–"
        if key == "capacity":
            lo, hi = self._cap_min[pos], self._cap_max[pos]
            if np.isnan(lo) or np.isnan(hi):
                return "–"
            return f"{int(lo)}" if int(lo) == int(hi) else f"{int(lo)}–{int(hi)}"
        if key == "status":
            return domain_label(str(self._status[pos])) or "–"
        if key == "robustness":
            return _percent(self._robust[pos])
        if key == "disagreement":
            return _num(self._disagree[pos], 0)
        return ""

    def _raw(self, key: str, pos: int) -> Any:
        return self._sort_keys(key)[pos].item()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns):
            return
        self._sort_column, self._sort_order = column, order
        self._resort()

    # -- sorting ---------------------------------------------------------------------------

    def _sort_keys(self, key: str) -> npt.NDArray[Any]:
        if key == "rank":
            return self._ranks.astype(np.float64)
        if key == "score":
            return self._scores
        if key.startswith("sub:"):
            return self._subs[key[4:]]
        if key == "capacity":
            return self._cap_max
        if key == "robustness":
            return self._robust
        if key == "disagreement":
            return self._disagree
        if key == "status":
            return np.array([_rank_status(s) if s else -2 for s in self._status], dtype=np.float64)
        if key == "plot_id":
            return self._ids
        if key == "name":
            return np.array([str(s).casefold() for s in self._names], dtype=object)
        if key == "zoning":
            return self._zoning
        return np.zeros(self._n, dtype=np.float64)

    def _sorted_positions(self, column: int, order: Qt.SortOrder) -> npt.NDArray[np.int64]:
        if self._n == 0 or not 0 <= column < len(self._columns):
            return np.arange(self._n, dtype=np.int64)
        keys = self._sort_keys(self._columns[column].key)
        descending = order == Qt.SortOrder.DescendingOrder
        if keys.dtype.kind == "f":
            # Missing values last in both directions; ties keep the frame order.
            filled = np.where(np.isnan(keys), np.inf, -keys if descending else keys)
            return np.argsort(filled, kind="stable").astype(np.int64)
        ascending = np.argsort(keys, kind="stable").astype(np.int64)
        return ascending[::-1].copy() if descending else ascending

    def _resort(self) -> None:
        """Re-sort as a layout change: selections and the current row follow their plots."""
        new_order = self._sorted_positions(self._sort_column, self._sort_order)
        if np.array_equal(new_order, self._order):
            return
        self.layoutAboutToBeChanged.emit()
        old_persistent = self.persistentIndexList()
        old_positions = [int(self._order[i.row()]) for i in old_persistent]
        self._order = new_order
        self._update_row_of()
        new_persistent = [
            self.index(int(self._row_of[pos]), i.column())
            for pos, i in zip(old_positions, old_persistent, strict=True)
        ]
        self.changePersistentIndexList(old_persistent, new_persistent)
        self.layoutChanged.emit()

    # -- lookups ---------------------------------------------------------------------------

    @property
    def sort_column_key(self) -> str:
        return self._columns[self._sort_column].key if self._columns else ""

    def column_of(self, key: str) -> int:
        for i, column in enumerate(self._columns):
            if column.key == key:
                return i
        return -1

    def column_keys(self) -> list[str]:
        return [c.key for c in self._columns]

    def plot_id_at(self, row: int) -> str:
        return str(self._ids[int(self._order[row])])

    def row_of_plot(self, plot_id: str) -> int:
        pos = self._position_of.get(plot_id)
        return -1 if pos is None else int(self._row_of[pos])

    def zoning_classes(self) -> list[str]:
        return sorted({str(z) for z in self._zoning if z})

    def filter_mask(self, text: str, zoning: str | None, status: str | None) -> npt.NDArray[np.bool_]:
        """Which frame positions pass the filters (``status`` "" = without reservation)."""
        mask = np.ones(self._n, dtype=bool)
        needle = text.strip().casefold()
        if needle:
            mask &= np.array(
                [
                    needle in str(n).casefold() or needle in str(i).casefold()
                    for n, i in zip(self._names, self._ids, strict=True)
                ],
                dtype=bool,
            )
        if zoning is not None:
            mask &= self._zoning == zoning
        if status is not None:
            mask &= self._status == status
        return mask

    def position_at(self, row: int) -> int:
        return int(self._order[row])


def _num(value: float, decimals: int) -> str:
    return "–" if np.isnan(value) else format_number(float(value), decimals)


def _percent(share: float) -> str:
    return "–" if np.isnan(share) else f"{round(float(share) * 100):d} %"


class PlotsFilterProxy(QSortFilterProxyModel):
    """Filters on name/id, bestemming and status; sorting is forwarded to the source's numpy sort."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDynamicSortFilter(False)  # filters never depend on scores: no re-filter per slider step
        self._text = ""
        self._zoning: str | None = None
        self._status: str | None = None
        self._mask: npt.NDArray[np.bool_] | None = None

    def source(self) -> PlotsTableModel:
        model = self.sourceModel()
        assert isinstance(model, PlotsTableModel)
        return model

    def set_filters(self, text: str, zoning: str | None, status: str | None) -> None:
        self._text, self._zoning, self._status = text, zoning, status
        self.refilter()

    def refilter(self) -> None:
        """Recompute the mask (after new filters, a new run or changed statuses)."""
        self.beginFilterChange()
        if not (self._text.strip() or self._zoning is not None or self._status is not None):
            self._mask = None
        else:
            self._mask = self.source().filter_mask(self._text, self._zoning, self._status)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, _source_parent: ModelIndex) -> bool:  # noqa: N802
        if self._mask is None:
            return True
        model = self.source()
        if source_row >= model.rowCount():
            return False
        pos = model.position_at(source_row)
        return bool(pos < len(self._mask) and self._mask[pos])

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.source().sort(column, order)


class PlotsPanel(Panel):
    """The Locaties dock: filter bar, the table, a count; selection synced with the controller."""

    ALL = "__alle__"

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        self._syncing = False
        super().__init__(parent)
        self.controller = controller
        self.model = PlotsTableModel(controller, self)
        self.proxy = PlotsFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Zoek op naam of id…"))
        self.search.setClearButtonEnabled(True)
        self.zoning_filter = QComboBox(self)
        self.zoning_filter.setToolTip(self.tr("Alleen locaties met deze bestemmingsklasse"))
        self.status_filter = QComboBox(self)
        self.status_filter.setToolTip(self.tr("Alleen locaties met deze reserveringsstatus"))
        self.count_label = QLabel(self)
        self._fill_status_filter()

        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 2)
        bar.addWidget(self.zoning_filter, 1)
        bar.addWidget(self.status_filter, 1)
        bar.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

        self.search.textChanged.connect(self._apply_filters)
        self.zoning_filter.currentIndexChanged.connect(self._apply_filters)
        self.status_filter.currentIndexChanged.connect(self._apply_filters)
        self.view.selectionModel().selectionChanged.connect(self._on_view_selection)
        self.model.modelReset.connect(self._on_model_reset)
        controller.scores_changed.connect(self.model.update_scores)
        controller.state_changed.connect(self._on_state_changed)
        controller.selection_changed.connect(self._sync_selection)
        self._on_model_reset()
        self.font_changed()

    def font_changed(self) -> None:
        if hasattr(self, "view"):
            self.view.verticalHeader().setDefaultSectionSize(int(self.fontMetrics().height() * 1.6))

    # -- controller → panel ----------------------------------------------------------------

    def _on_state_changed(self) -> None:
        if self.model.is_current():
            self.model.update_statuses()
            self.proxy.refilter()
            self._update_count()
        else:
            self.model.rebuild()

    def _on_model_reset(self) -> None:
        self._fill_zoning_filter()
        self.proxy.refilter()
        self.view.resizeColumnsToContents()
        self._update_count()
        self._sync_selection()

    def _sync_selection(self) -> None:
        """Select the controller's plots in the table (without echoing back to the controller)."""
        selection = QItemSelection()
        first: QModelIndex | None = None
        last_col = max(0, self.model.columnCount() - 1)
        for plot_id in self.controller.selection:
            row = self.model.row_of_plot(plot_id)
            if row < 0:
                continue
            left = self.proxy.mapFromSource(self.model.index(row, 0))
            if not left.isValid():
                continue  # filtered out
            right = self.proxy.mapFromSource(self.model.index(row, last_col))
            selection.select(left, right)
            first = first or left
        if set(self.selected_plot_ids()) == set(self.controller.selection):
            return
        self._syncing = True
        try:
            self.view.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            if first is not None:
                self.view.scrollTo(first)
        finally:
            self._syncing = False

    # -- panel → controller ----------------------------------------------------------------

    def _on_view_selection(self) -> None:
        if not self._syncing:
            self.controller.select(self.selected_plot_ids())

    def _apply_filters(self) -> None:
        zoning = self.zoning_filter.currentData()
        status = self.status_filter.currentData()
        self.proxy.set_filters(
            self.search.text(),
            None if zoning == self.ALL else str(zoning),
            None if status == self.ALL else str(status),
        )
        self._update_count()

    # -- helpers ---------------------------------------------------------------------------

    def selected_plot_ids(self) -> list[str]:
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        return [str(self.proxy.data(r, PLOT_ID_ROLE)) for r in sorted(rows, key=lambda r: r.row())]

    def visible_plot_ids(self) -> list[str]:
        """The plot ids in the order the table shows them (after filtering)."""
        return [
            str(self.proxy.data(self.proxy.index(r, 0), PLOT_ID_ROLE)) for r in range(self.proxy.rowCount())
        ]

    def _fill_zoning_filter(self) -> None:
        current = self.zoning_filter.currentData()
        self.zoning_filter.blockSignals(True)
        self.zoning_filter.clear()
        self.zoning_filter.addItem(self.tr("Alle bestemmingen"), self.ALL)
        for name in self.model.zoning_classes():
            self.zoning_filter.addItem(domain_label(name), name)
        index = self.zoning_filter.findData(current) if current is not None else 0
        self.zoning_filter.setCurrentIndex(max(0, index))
        self.zoning_filter.blockSignals(False)

    def _fill_status_filter(self) -> None:
        self.status_filter.addItem(self.tr("Alle statussen"), self.ALL)
        self.status_filter.addItem(self.tr("Zonder reservering"), "")
        for status in RESERVATION_STATUSES:
            self.status_filter.addItem(domain_label(status), status)

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(self.tr("{0} van {1} locaties").format(shown, total))
