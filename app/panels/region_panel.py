"""The *Regio* view: a woondeal region's opgave, the members' shares, reporting and double claims.

Every number shown comes from :class:`projects.region.RegionView` (``totals``, ``shares``,
``members``, ``double_claims``): this panel only formats them. On the map it puts three layers
(through :meth:`app.map.canvas.MapView.set_overlay`, so they are in the Lagen panel and the
legend): the member outlines, each member's live reservations in the member's colour, and the
double claims hatched red. Clicking a double claim zooms the map to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
from PySide6.QtCore import QCoreApplication, QDate, Qt, Signal
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.map.canvas import MapView
from app.map.layers import PolygonLayer, build_features
from app.map.legend import LegendItem
from app.map.region_style import region_style
from app.panels.widgets import Heading, Panel
from app.regio import RegionController
from projects.audit_state import AMSTERDAM
from projects.region import RegionView, claim_line, region_title, share_rows, total_rows

__all__ = ["CLAIMS_LAYER", "OUTLINES_LAYER", "RESERVATIONS_LAYER", "RegionPanel"]

OUTLINES_LAYER = "regio_grenzen"
RESERVATIONS_LAYER = "regio_reserveringen"
CLAIMS_LAYER = "regio_dubbele_claims"


def _when(value: dt.datetime | None) -> str:
    """A moment in Dutch local time (the core stores UTC), as the core's member lines write it."""
    if value is None:
        return QCoreApplication.translate("RegionPanel", "nooit gewijzigd")
    return value.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")


class _Table(QTableWidget):
    """A read-only table whose rows grow with wrapped text (never cut)."""

    def __init__(self, headers: Sequence[str], numeric_from: int, parent: QWidget | None = None) -> None:
        super().__init__(0, len(headers), parent)
        self.numeric_from = numeric_from
        self.setHorizontalHeaderLabels(list(headers))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.setWordWrap(True)
        self.verticalHeader().setVisible(False)
        # Rows follow their wrapped text at the columns' current widths (never cut, never padded).
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head = self.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        head.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.AlignmentFlag.AlignVCenter)

    def fill(self, rows: Sequence[Sequence[str]], colours: Sequence[QColor | None] = ()) -> None:
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if c >= self.numeric_from:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if c == 0 and r < len(colours) and colours[r] is not None:
                    item.setForeground(QColor(colours[r]).darker(135))  # readable on white
                self.setItem(r, c, item)

    def cell_texts(self) -> list[list[str]]:
        """What the table shows (tests)."""
        out: list[list[str]] = []
        for r in range(self.rowCount()):
            row = []
            for c in range(self.columnCount()):
                item = self.item(r, c)
                row.append(item.text() if item is not None else "")
            out.append(row)
        return out


class RegionPanel(Panel):
    """The Regio dock: totals, shares, reporting and double claims of the open region."""

    export_requested = Signal(str)  # "pdf" or "xlsx": the main window asks where and runs it

    def __init__(self, region: RegionController, map_view: MapView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.region = region
        self.map_view = map_view
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        top = QHBoxLayout()
        self.title = Heading(self.tr("Geen regio geopend"), self)
        top.addWidget(self.title, 1)
        self.since_check = QCheckBox(self.tr("Gerapporteerd sinds"), self)
        self.since_edit = QDateEdit(self)
        self.since_edit.setCalendarPopup(True)
        self.since_edit.setDisplayFormat("dd-MM-yyyy")
        self.since_edit.setDate(QDate.currentDate().addMonths(-3))
        self.since_edit.setEnabled(False)
        self.refresh_button = QPushButton(self.tr("Vernieuwen"), self)
        self.pdf_button = QPushButton(self.tr("PDF…"), self)
        self.xlsx_button = QPushButton(self.tr("XLSX…"), self)
        for w in (self.since_check, self.since_edit, self.refresh_button, self.pdf_button, self.xlsx_button):
            top.addWidget(w)
        layout.addLayout(top)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.summary)
        self.tabs = QTabWidget(self)
        self.totals_table = _Table(
            [
                self.tr("Categorie"),
                self.tr("Periode"),
                self.tr("Opgave regio"),
                self.tr("Opgave gemeenten"),
                self.tr("Zeker"),
                self.tr("In beeld"),
                self.tr("Gerealiseerd"),
                self.tr("Tekort"),
            ],
            2,
            self,
        )
        self.shares_table = _Table(
            [
                self.tr("Gemeente"),
                self.tr("Categorie"),
                self.tr("Periode"),
                self.tr("Opgave"),
                self.tr("Aandeel"),
                self.tr("Zeker"),
                self.tr("In beeld"),
                self.tr("Gerealiseerd"),
                self.tr("Tekort"),
            ],
            3,
            self,
        )
        self.members_table = _Table(
            [self.tr("Gemeente"), self.tr("Laatste wijziging"), self.tr("Gerapporteerd")], 9, self
        )
        reporting = QWidget(self)
        rep_layout = QVBoxLayout(reporting)
        rep_layout.setContentsMargins(0, 4, 0, 0)
        self.not_reported = QLabel(reporting)
        self.not_reported.setWordWrap(True)
        self.not_reported.setTextFormat(Qt.TextFormat.PlainText)
        rep_layout.addWidget(self.not_reported)
        rep_layout.addWidget(self.members_table, 1)
        self.claims_list = QListWidget(self)
        self.claims_list.setWordWrap(True)
        self.claims_list.itemClicked.connect(self._claim_clicked)
        self.claims_list.currentRowChanged.connect(self.zoom_to_claim)
        self.tabs.addTab(self.totals_table, self.tr("Opgave regio"))
        self.tabs.addTab(self.shares_table, self.tr("Per gemeente"))
        self.tabs.addTab(reporting, self.tr("Rapportage"))
        self.tabs.addTab(self.claims_list, self.tr("Dubbele claims"))
        layout.addWidget(self.tabs, 1)
        self.since_check.toggled.connect(self._since_toggled)
        self.since_edit.dateChanged.connect(self._since_changed)
        self.refresh_button.clicked.connect(region.reload)
        self.pdf_button.clicked.connect(lambda: self.export_requested.emit("pdf"))
        self.xlsx_button.clicked.connect(lambda: self.export_requested.emit("xlsx"))
        region.changed.connect(self.refresh)
        self.refresh()

    # -- the date picker -----------------------------------------------------------------------

    def since(self) -> dt.date | None:
        if not self.since_check.isChecked():
            return None
        d = self.since_edit.date()
        return dt.date(d.year(), d.month(), d.day())

    def _since_toggled(self, on: bool) -> None:
        self.since_edit.setEnabled(on)
        self.region.set_since(self.since())

    def _since_changed(self) -> None:
        if self.since_check.isChecked():
            self.region.set_since(self.since())

    # -- showing a view ----------------------------------------------------------------------

    def refresh(self) -> None:
        view = self.region.view
        for w in (self.refresh_button, self.pdf_button, self.xlsx_button):
            w.setEnabled(view is not None)
        if view is None:
            self.title.setText(self.tr("Geen regio geopend"))
            self.summary.setText(self.tr("Open een regioproject (Bestand → Openen) om de regio te zien."))
            for table in (self.totals_table, self.shares_table, self.members_table):
                table.fill([])
            self.claims_list.clear()
            self.not_reported.clear()
            self._set_map(None)
            return
        self._sync_since(view.since)
        self.title.setText(region_title(view.name))  # the core's words: "Regio Haaglanden"
        self._fill_totals(view)
        self._fill_shares(view)
        self._fill_members(view)
        self._fill_claims(view)
        self._set_map(view)

    def _sync_since(self, since: dt.date | None) -> None:
        for w in (self.since_check, self.since_edit):
            w.blockSignals(True)
        self.since_check.setChecked(since is not None)
        self.since_edit.setEnabled(since is not None)
        if since is not None:
            self.since_edit.setDate(QDate(since.year, since.month, since.day))
        for w in (self.since_check, self.since_edit):
            w.blockSignals(False)

    def _fill_totals(self, view: RegionView) -> None:
        # The cells are the core's (the PDF, the XLSX and `region show` print the same).
        self.totals_table.fill(total_rows(view))
        stand = (
            self.tr("stand op {when}").format(when=_when(view.as_of))
            if view.as_of is not None
            else self.tr("stand nu")
        )
        n_read = sum(1 for m in view.members if m.error is None)
        self.summary.setText(
            self.tr("{n} gemeenten ({read} gelezen) · {stand} · {claims}").format(
                n=len(view.members),
                read=n_read,
                stand=stand,
                claims=self.tr("1 dubbele claim")
                if len(view.double_claims) == 1
                else self.tr("{n} dubbele claims").format(n=len(view.double_claims)),
            )
        )

    def _member_colours(self, view: RegionView) -> dict[str, QColor]:
        style = region_style()
        return {m.member.name: style.member_colour(i) for i, m in enumerate(view.members)}

    def _fill_shares(self, view: RegionView) -> None:
        colours = self._member_colours(view)
        rows = share_rows(view)
        self.shares_table.fill(rows, [colours.get(str(m)) for m in view.shares["member"]])

    def _fill_members(self, view: RegionView) -> None:
        rows = []
        for m in view.members:
            if m.error is not None:
                state = self.tr("niet te lezen: {error}").format(error=m.error)
            elif m.reported:
                state = self.tr("ja")
            else:
                state = self.tr("nee")
            rows.append([m.member.name, _when(m.last_change), state])
        self.members_table.fill(rows, [self._member_colours(view).get(m.member.name) for m in view.members])
        late = [m.member.name for m in view.members if not m.reported]
        if view.since is None:
            self.not_reported.setText(
                self.tr("Kies een datum bij 'Gerapporteerd sinds' om te zien wie sindsdien niets wijzigde.")
            )
        elif late:
            self.not_reported.setText(
                self.tr("Niet gerapporteerd sinds {date}: {names}.").format(
                    date=view.since.strftime("%d-%m-%Y"), names=", ".join(late)
                )
            )
        else:
            self.not_reported.setText(
                self.tr("Alle leden hebben sinds {date} gerapporteerd.").format(
                    date=view.since.strftime("%d-%m-%Y")
                )
            )

    def _fill_claims(self, view: RegionView) -> None:
        self.claims_list.blockSignals(True)
        self.claims_list.clear()
        for nr, c in enumerate(view.double_claims, start=1):
            item = QListWidgetItem(f"{nr}. {claim_line(c)}")
            item.setData(Qt.ItemDataRole.UserRole, nr - 1)
            self.claims_list.addItem(item)
        if not view.double_claims:
            item = QListWidgetItem(
                self.tr("Geen dubbele claims: geen kavel is door twee gemeenten gereserveerd.")
            )
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.claims_list.addItem(item)
        self.claims_list.blockSignals(False)
        self.tabs.setTabText(3, self.tr("Dubbele claims ({n})").format(n=len(view.double_claims)))

    # -- the map -----------------------------------------------------------------------------

    def _claim_clicked(self, item: QListWidgetItem) -> None:
        index = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(index, int):
            self.zoom_to_claim(index)

    def zoom_to_claim(self, index: int) -> None:
        """Zoom the map to double claim ``index`` (0-based, the list's order)."""
        view = self.region.view
        if view is None or not 0 <= index < len(view.double_claims):
            return
        geom = view.double_claims[index].geometry
        if geom is None or geom.is_empty:
            return
        x0, y0, x1, y1 = geom.bounds
        self.map_view.zoom_to_bounds((x0, y0, x1, y1))

    def zoom_to_region(self) -> None:
        """Show every member's reservations and outline."""
        view = self.region.view
        if view is None:
            return
        frames = [f for f in (view.outlines, view.reservations) if f is not None and not f.empty]
        if not frames:
            return
        b = np.array([f.total_bounds for f in frames])
        self.map_view.zoom_to_bounds((b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()), min_m=0.0)

    def _set_map(self, view: RegionView | None) -> None:
        style = region_style()
        if view is None:
            for key in (OUTLINES_LAYER, RESERVATIONS_LAYER, CLAIMS_LAYER):
                self.map_view.set_overlay(key, None)
            return
        index = {m.member.name: i for i, m in enumerate(view.members)}
        palette = [style.member_fill(i) for i in range(len(view.members))]
        outlines = view.outlines
        if outlines is not None and not outlines.empty:
            layer = PolygonLayer(
                OUTLINES_LAYER,
                self.tr("Grenzen van de gemeenten"),
                build_features(outlines),
                [QColor(0, 0, 0, 0)],
                outline=QColor("#424242"),
                outline_px=style.outline_width_px,
                legend_items=[
                    LegendItem(self.tr("grens van een gemeente"), line=QColor("#424242"), line_width=1.5)
                ],
            )
            self.map_view.set_overlay(OUTLINES_LAYER, layer, below="plots")
        else:
            self.map_view.set_overlay(OUTLINES_LAYER, None)
        res: gpd.GeoDataFrame = view.reservations
        if res is not None and not res.empty:
            ci = np.array([index.get(str(m), 0) for m in res["member"]], dtype=np.int64)
            present = sorted(set(ci.tolist()))
            layer = PolygonLayer(
                RESERVATIONS_LAYER,
                self.tr("Reserveringen per gemeente"),
                build_features(res, columns=("member", "plot_id", "category", "status")),
                palette,
                ci,
                outline=QColor("#212121"),
                outline_px=1.0,
                min_box_px=5.0,
                legend_items=[
                    LegendItem(
                        view.members[i].member.name,
                        fill=style.member_fill(i),
                        line=style.member_colour(i),
                        count=int((ci == i).sum()),
                    )
                    for i in present
                ],
            )
            self.map_view.set_overlay(RESERVATIONS_LAYER, layer, below="plots")
        else:
            self.map_view.set_overlay(RESERVATIONS_LAYER, None)
        if view.double_claims:
            claims = gpd.GeoDataFrame(
                {"nr": list(range(1, len(view.double_claims) + 1))},
                geometry=[c.geometry for c in view.double_claims],
            )
            red = style.double_claim
            fill = QColor(red)
            fill.setAlphaF(0.35)
            layer = PolygonLayer(
                CLAIMS_LAYER,
                self.tr("Dubbele claims"),
                build_features(claims, columns=("nr",)),
                [fill],
                outline=red,
                outline_px=style.double_claim_width_px,
                hatch_mask=np.ones(len(claims), dtype=bool),
                hatch_colour=red,
                min_box_px=8.0,
                box_pen=_cosmetic(red, 2.0),
                legend_items=[
                    LegendItem(
                        self.tr("dubbele claim (twee gemeenten)"),
                        fill=fill,
                        line=red,
                        hatch=True,
                        count=len(claims),
                    )
                ],
            )
            self.map_view.set_overlay(CLAIMS_LAYER, layer, below="plots")
        else:
            self.map_view.set_overlay(CLAIMS_LAYER, None)


def _cosmetic(colour: QColor, width_px: float) -> QPen:
    pen = QPen(colour, width_px)
    pen.setCosmetic(True)
    return pen
