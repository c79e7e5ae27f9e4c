"""Verloop van het bod: the window, the XLSX charts and the PDF page draw bod_series and delivery_curve.

The reference numbers are read here straight from the two source functions' frames (the series
of the audit log, the curve of the ledger), column by column; the chart data must equal them.
The window's layout is checked at the laptop and the projector size: every text inside its
chart, none cut (measured wider than its box) and none overlapping another.
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtGui import QFontMetricsF

from app.controller import ProjectController
from app.export.pdf import BOD_TITLE, map_document, write_reserved_map_pdf
from app.line_chart import ChartLayout, nice_ticks
from app.panels.bod_history import BodHistoryDialog
from app.panels.ledger_panel import LedgerPanel
from projects.audit_state import AMSTERDAM, bod_series, end_of_day, ledger_at
from projects.bod_chart import GROUPS, KIND_CURVE, KIND_SERIES, OPGAVE, LineChart, charts_of
from projects.exports import write_annex_table
from projects.ledger import delivery_curve
from projects.report import map_report
from projects.reservations import reserve, set_status
from projects.views import project_ledger


@pytest.fixture
def booked(controller: ProjectController) -> ProjectController:
    """Three reservations in two categories, one status change, one realised."""
    store = controller.store
    assert store is not None
    a = reserve(store, "DLF-010", "geclusterd", 20, 30, status="kansrijk", years="2028-2032")
    set_status(store, a.fid, "gereserveerd")
    reserve(store, "DLF-020", "geclusterd", 6, 6, status="gerealiseerd", years="2026")
    reserve(store, "DLF-030", "nultreden", 10, 14, status="voorgedragen", years="2027-2029")
    controller.refresh()
    return controller


def _ints(values: object) -> list[float | None]:
    return [None if pd.isna(v) else float(v) for v in values]  # type: ignore[attr-defined]


def _assert_series_chart(chart: LineChart, series: pd.DataFrame) -> None:
    """The chart's points are the series' rows of its category, oldest first, column by column."""
    rows = series[series["category"] == chart.category].sort_values("moment")
    assert list(chart.x) == [m.timestamp() for m in rows["moment"]]
    for group in GROUPS:
        line = chart.line(group)
        assert line is not None
        assert list(line.low) == _ints(rows[f"{group}_min"])
        assert list(line.high) == _ints(rows[f"{group}_max"])
    opgave = chart.line(OPGAVE)
    assert opgave is not None and list(opgave.low) == _ints(rows["target"])  # noqa: PT018


def _assert_curve_chart(chart: LineChart, curve: pd.DataFrame) -> None:
    rows = curve[curve["category"] == chart.category]
    assert list(chart.x) == [float(y) for y in rows["year"]]
    assert list(chart.x_labels) == [str(int(y)) for y in rows["year"]]
    for group in GROUPS:
        line = chart.line(group)
        assert line is not None
        assert list(line.low) == _ints(rows[f"{group}_cum_min"])
        assert list(line.high) == _ints(rows[f"{group}_cum_max"])
    path = chart.line(OPGAVE)
    assert path is not None and list(path.low) == _ints(rows["opgave_path"])  # noqa: PT018


def test_the_window_draws_the_series_and_the_curve_of_the_picked_date(
    qtbot, booked: ProjectController
) -> None:
    store = booked.store
    assert store is not None
    panel = LedgerPanel(booked)
    qtbot.addWidget(panel)
    today = dt.datetime.now(AMSTERDAM).date()
    panel.set_as_of(today)  # a fixed moment: the end of today, so the reference is the same call
    panel.show_history()
    dialog = panel.history_dialog
    assert isinstance(dialog, BodHistoryDialog)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.is_computing, timeout=60_000)  # computed in a worker
    moment = end_of_day(today)
    series = bod_series(store, now=moment)
    curve = delivery_curve(ledger_at(store, moment))
    combo = [dialog.category_combo.itemText(i) for i in range(dialog.category_combo.count())]
    assert combo == list(dict.fromkeys(series["category"]))  # the project's order
    assert {"geclusterd", "nultreden", "zorggeschikt"} <= set(combo)
    for category in combo:
        dialog.category_combo.setCurrentText(category)
        assert dialog.chart.category() == category
        shown_series, shown_curve = dialog.chart.shown(KIND_SERIES), dialog.chart.shown(KIND_CURVE)
        assert shown_series is not None and shown_curve is not None  # noqa: PT018
        _assert_series_chart(shown_series, series)
        _assert_curve_chart(shown_curve, curve)
    # the realised homes and the range are really there (the frames are not all zero)
    geclusterd = curve[curve["category"] == "geclusterd"]
    assert int(geclusterd["gerealiseerd_cum_min"].max()) == 6
    assert int(geclusterd["zeker_cum_max"].max()) > int(geclusterd["zeker_cum_min"].max())
    # the window follows the bod: a new reservation shows at once
    reserve(store, "DLF-040", "zorggeschikt", 8, 8, status="gereserveerd", years="2030")
    booked.refresh()
    qtbot.waitUntil(lambda: not dialog.is_computing, timeout=60_000)
    dialog.category_combo.setCurrentText("zorggeschikt")
    now_curve = delivery_curve(ledger_at(store, moment))
    shown = dialog.chart.shown(KIND_CURVE)
    assert shown is not None
    _assert_curve_chart(shown, now_curve)
    assert max(v or 0 for v in (shown.line("zeker") or shown.lines[0]).low) == 8


def _assert_clean(layouts: list[ChartLayout], metrics: QFontMetricsF) -> None:
    """Every text inside its chart, as wide as its box allows (never cut), none overlapping."""
    for layout in layouts:
        assert layout.fits
        assert layout.plot.height() > 3 * metrics.height()
        for t in layout.texts:
            r = t.rect
            assert r.left() >= layout.rect.left() - 0.5, t
            assert r.right() <= layout.rect.right() + 0.5, t
            assert r.top() >= layout.rect.top() - 0.5, t
            assert r.bottom() <= layout.rect.bottom() + 0.5, t
            if t.name != "titel":  # the title wraps; one-line texts must fit their box
                assert metrics.horizontalAdvance(t.text) <= r.width() + 1.0, t
        for a, b in itertools.combinations(layout.texts, 2):
            assert not a.rect.adjusted(0.5, 0.5, -0.5, -0.5).intersects(b.rect), (a, b)
    for a, b in itertools.combinations(layouts, 2):
        assert not a.rect.intersects(b.rect)


def test_the_window_never_cuts_or_overlaps_text(qtbot, booked: ProjectController) -> None:
    """Four years of month ends (labels must thin out), at a laptop, a projector and a narrow size."""
    store = booked.store
    assert store is not None
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=4 * 365)
    charts = charts_of(bod_series(store, now=later), delivery_curve(project_ledger(store)))
    assert len(charts.series["geclusterd"].x) >= 48
    dialog = BodHistoryDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_charts(charts)
    for size, category in itertools.product([(1366, 768), (1920, 1080), (700, 900)], charts.categories):
        dialog.resize(*size)
        dialog.category_combo.setCurrentText(category)
        dialog.chart.grab()  # paints: the layouts as drawn
        layouts = dialog.chart.layouts()
        assert len(layouts) == 2
        font = dialog.chart._font(dialog.chart.width() >= 1.5 * dialog.chart.height())
        _assert_clean(layouts, QFontMetricsF(font))
        shown = [t.text for t in layouts[0].texts if t.name.startswith("x ")]
        assert shown[-1] == charts.series[category].x_labels[-1]  # the latest moment is always named
        assert 2 <= len(shown) < len(charts.series[category].x)  # thinned, but an axis


def test_nice_ticks() -> None:
    for top in (1, 7, 10, 35, 70, 150, 999, 12_345):
        for n in (2, 4, 8):
            ticks = nice_ticks(top, n)
            assert ticks[0] == 0 and ticks[-1] >= top  # noqa: PT018
            step = ticks[1] - ticks[0]
            assert len(ticks) - 1 <= max(n, 1) + 1
            assert ticks[-2] < top  # no empty step above the data
            mantissa = step / 10 ** len(str(int(step))[1:])
            assert mantissa in (1, 2, 5)


def test_the_xlsx_charts_reference_their_category_rows(booked: ProjectController, tmp_path: Path) -> None:
    store = booked.store
    assert store is not None
    wb = load_workbook(write_annex_table(store, tmp_path / "bijlage.xlsx"))
    for sheet, x_header, first_line in (
        ("Verloop", "stand op", "opgave (alle perioden)"),
        ("Oplevering per jaar", "opleverjaar", "opgave t/m jaar (gelijk verdeeld)"),
    ):
        ws = wb[sheet]
        table = list(ws.iter_rows(values_only=True))
        header = list(table[0])
        categories = list(dict.fromkeys(r[header.index("categorie")] for r in table[1:]))
        charts = ws._charts
        assert len(charts) == len(categories) >= 3
        for chart, category in zip(charts, categories, strict=True):
            wanted = [i + 2 for i, r in enumerate(table[1:]) if r[header.index("categorie")] == category]
            lines = [s.tx.strRef.f for s in chart.series]
            assert lines[0] == f"'{sheet}'!${_col(header.index(first_line))}$1"
            assert len(lines) == 7  # the opgave, and min and max of zeker, in beeld, gerealiseerd
            for s in chart.series:
                name_col = s.tx.strRef.f.split("!$")[1].split("$")[0]
                ref = s.val.numRef.f
                assert ref == f"'{sheet}'!${name_col}${wanted[0]}" + (
                    f":${name_col}${wanted[-1]}" if len(wanted) > 1 else ""
                )
                values = [ws[f"{name_col}{r}"].value for r in wanted]
                assert all(
                    table[r - 1][header.index(ws[f"{name_col}1"].value)] == v
                    for r, v in zip(wanted, values, strict=True)
                )
            cats = chart.series[0].cat
            ref = (cats.numRef or cats.strRef).f
            assert ref.startswith(f"'{sheet}'!${_col(header.index(x_header))}${wanted[0]}")
    # the Verloop rows are per category, oldest first, and still the series' numbers
    series = bod_series(store)
    verloop = list(wb["Verloop"].iter_rows(values_only=True))
    h = list(verloop[0])
    for category in dict.fromkeys(series["category"]):
        mine = [r for r in verloop[1:] if r[h.index("categorie")] == category]
        ref = series[series["category"] == category]
        assert [r[h.index("zeker max")] for r in mine][-1] == int(ref["zeker_max"].iloc[-1])


def _col(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def test_the_pdf_has_the_page_with_both_charts_per_category(
    booked: ProjectController, tmp_path: Path
) -> None:
    store = booked.store
    assert store is not None
    pdf = write_reserved_map_pdf(store, tmp_path / "kaart.pdf")
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(pdf).pages]
    hits = [i for i, text in enumerate(pages) if text.startswith(BOD_TITLE)]
    assert len(hits) == 1
    text = pages[hits[0]]
    for words in (
        "Geclusterd: het bod per maand (woningen)",
        "Nultreden: opgeleverd t/m elk jaar tegen de opgave",
    ):
        assert words in text
    # the laid-out document (what the export dialog previews) has the same pages and the charts
    data = map_report(store, record=False)
    assert data.bod is not None
    doc = map_document(data)
    assert len(doc.pages) == len(pages)
    frames = [b for b in doc.pages[hits[0]].blocks if b.kind == "chart"]
    assert len(frames) == 2 * len(data.bod.categories)
    inner = [b for b in doc.pages[hits[0]].blocks if b.container == "chart"]
    for b in inner:
        assert any(b.inside(f.x, f.y, f.w, f.h) for f in frames), b.name
    curve = delivery_curve(project_ledger(store))
    _assert_curve_chart(data.bod.curve["geclusterd"], curve)
