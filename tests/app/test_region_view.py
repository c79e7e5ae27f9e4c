"""The Regio view and the regional PDF (issue 21): a region of three demo-derived members.

The numbers the view shows are compared with the frames of :class:`projects.region.RegionView`
(formatted here anew, not with the app's or the core's formatter); the double claims with a
brute-force pairwise overlap of the members' reservations written in this test.
"""

from __future__ import annotations

import datetime as dt
import itertools
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from projects.ledger import IN_BEELD_STATUSES, ZEKER_STATUSES
from projects.region import RegionView, region_report, region_view


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """regio.gpkg with three copies of the demo as members (see app.scenes.build_example_region)."""
    from app.scenes import build_example_region
    from projects.demo import create_demo_project
    from projects.plots import plots_frame

    folder = tmp_path_factory.mktemp("regio")
    demo = folder / "demo.gpkg"
    store = create_demo_project(demo)
    try:
        ids = sorted(plots_frame(store)["plot_id"].astype(str))[:10]
    finally:
        store.close()
    return build_example_region(demo, ids, folder / "regio")


@pytest.fixture(scope="module")
def view(region: Path) -> RegionView:
    return region_view(region)


def _span(lo: Any, hi: Any) -> str:
    return str(int(lo)) if int(lo) == int(hi) else f"{int(lo)}–{int(hi)}"


def _panel(qtbot, view: RegionView):  # type: ignore[no-untyped-def]
    from app.controller import ProjectController
    from app.map.canvas import MapView
    from app.panels.region_panel import RegionPanel
    from app.regio import RegionController

    projects = ProjectController()
    map_view = MapView(projects)
    qtbot.addWidget(map_view)
    region = RegionController(projects)
    panel = RegionPanel(region, map_view)
    qtbot.addWidget(panel)
    map_view.resize(900, 600)
    map_view.show()
    panel.resize(1300, 420)
    panel.show()
    region.show_view(view)
    return panel, map_view


def _overlaps(view: RegionView) -> set[tuple[str, str, str, str]]:
    """Every pair of reservations of two different members sharing more than 1 m² (brute force)."""
    res = view.reservations
    out = set()
    for (_, a), (_, b) in itertools.combinations(res.iterrows(), 2):
        if a["member"] != b["member"] and a.geometry.intersection(b.geometry).area > 1.0:
            first, second = sorted([(a["member"], str(a["plot_id"])), (b["member"], str(b["plot_id"]))])
            out.add((*first, *second))
    return out


def test_the_view_shows_the_frames_numbers(qtbot, view: RegionView) -> None:  # type: ignore[no-untyped-def]
    panel, _map = _panel(qtbot, view)
    totals = panel.totals_table.cell_texts()
    assert len(totals) == len(view.totals) == 3
    for cells, (_, r) in zip(totals, view.totals.iterrows(), strict=True):
        assert cells[0] == r["category"]
        assert cells[1] == r["period"]
        assert cells[2] == str(int(r["opgave"]))
        assert cells[4] == _span(r["zeker_min"], r["zeker_max"])
        assert cells[5] == _span(r["in_beeld_min"], r["in_beeld_max"])
        assert cells[6] == _span(r["gerealiseerd_min"], r["gerealiseerd_max"])
        lo, hi = sorted([int(r["gap_min"]), int(r["gap_max"])])
        assert _span(lo, hi) in cells[7]
    shares = panel.shares_table.cell_texts()
    assert len(shares) == len(view.shares)
    for cells, (_, r) in zip(shares, view.shares.iterrows(), strict=True):
        assert cells[:3] == [r["member"], r["category"], r["period"]]
        assert cells[5] == _span(r["zeker_min"], r["zeker_max"])
        assert cells[4] == f"{r['share_pct']:.0f} %"
    # Independently: the region's zeker/in beeld equal the members' live reservations summed.
    res = view.reservations
    for (_, r), cells in zip(view.totals.iterrows(), totals, strict=True):
        mine = res[res["category"] == r["category"]]
        zeker = mine[mine["status"].isin(ZEKER_STATUSES)]
        beeld = mine[mine["status"].isin(IN_BEELD_STATUSES)]
        assert cells[4] == _span(zeker["homes_min"].sum(), zeker["homes_max"].sum())
        assert cells[5] == _span(beeld["homes_min"].sum(), beeld["homes_max"].sum())
    members = [row[0] for row in panel.members_table.cell_texts()]
    assert (
        members
        == [m.member.name for m in view.members]
        == ["Delft A (demo)", "Delft B (demo)", "Delft C (demo)"]
    )


def test_a_double_claim_is_listed_and_zooms_the_map(qtbot, view: RegionView) -> None:  # type: ignore[no-untyped-def]
    from app.panels.region_panel import CLAIMS_LAYER, RESERVATIONS_LAYER

    expected = _overlaps(view)
    assert len(expected) == 1  # member B reserved a plot member A reserved
    (member_a, plot_a, member_b, plot_b) = next(iter(expected))
    panel, map_view = _panel(qtbot, view)
    assert panel.claims_list.count() == 1
    text = panel.claims_list.item(0).text()
    for word in (member_a, plot_a, member_b, plot_b):
        assert word in text
    assert text.startswith("1. ")
    assert panel.tabs.tabText(3) == "Dubbele claims (1)"
    assert {CLAIMS_LAYER, RESERVATIONS_LAYER} <= set(map_view.layer_ids())
    panel.zoom_to_region()
    wide = map_view.mapToScene(map_view.viewport().rect()).boundingRect()
    panel._claim_clicked(panel.claims_list.item(0))  # what a click does
    shown = map_view.mapToScene(map_view.viewport().rect()).boundingRect()
    x0, y0, x1, y1 = view.double_claims[0].geometry.bounds
    assert shown.contains(x0, -y1)
    assert shown.contains(x1, -y0)
    assert shown.width() < wide.width() / 2


def test_members_not_reported_since_a_date(qtbot, region: Path) -> None:  # type: ignore[no-untyped-def]
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    late = region_view(region, since=tomorrow)
    panel, _map = _panel(qtbot, late)
    assert panel.since_check.isChecked()
    assert panel.since() == tomorrow
    text = panel.not_reported.text()
    assert tomorrow.strftime("%d-%m-%Y") in text
    for m in late.members:
        assert not m.reported
        assert m.member.name in text
    assert [row[2] for row in panel.members_table.cell_texts()] == ["nee"] * 3
    yesterday = dt.date.today() - dt.timedelta(days=1)
    panel.region.show_view(region_view(region, since=yesterday))
    assert "Alle leden hebben sinds" in panel.not_reported.text()
    assert [row[2] for row in panel.members_table.cell_texts()] == ["ja"] * 3


def test_opening_a_region_shows_the_regio_view(qtbot, region: Path) -> None:  # type: ignore[no-untyped-def]
    from app.controller import ProjectController
    from app.main_window import MainWindow
    from tests.app.layout_check import clipped_text, cut_cells

    controller = ProjectController()
    window = MainWindow(controller)
    qtbot.addWidget(window)
    for size in ((1366, 768), (1920, 1080)):
        window.setGeometry(0, 0, *size)
        window.default_layout(size)
        window.show()
        with qtbot.waitSignal(window.region.changed, timeout=60_000):
            controller.open_project(str(region))
        qtbot.waitUntil(lambda: not controller.is_busy, timeout=60_000)
        assert controller.store is None  # the region is only read, never opened as a project
        assert window.region_dock.isVisible()
        assert not window.docks["criteria"].isVisible()
        assert "Voorbeeldregio (demo)" in window.windowTitle()
        panel = window.region_panel
        for i in range(panel.tabs.count()):
            panel.tabs.setCurrentIndex(i)
            qtbot.wait(50)
            assert clipped_text(window) == [], size
        for table in (panel.totals_table, panel.shares_table, panel.members_table):
            assert cut_cells(table) == [], size


def _flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def test_region_pdf_pages_and_text(view: RegionView, tmp_path: Path) -> None:
    from pypdf import PdfReader

    from app.export.region_pdf import region_document, write_region_pdf

    seen: list[float] = []
    out = write_region_pdf(view, tmp_path / "regio.pdf", progress=lambda f, _t: seen.append(f))
    assert seen[-1] == 1.0
    pages = [_flat(p.extract_text()) for p in PdfReader(str(out)).pages]
    assert len(pages) >= 2
    first = pages[0]
    for word in (
        "Regio Voorbeeldregio (demo)",
        "Legenda",
        "Delft A (demo)",
        "Delft B (demo)",
        "dubbele claim",
    ):
        assert word in first
    assert "Indicatief" in first
    rest = " ".join(pages[1:])
    report = region_report(view)
    for row in report.table_rows + report.share_rows:
        assert _flat(" ".join(row)).replace(" ", "") in rest.replace(" ", "")
    assert "1. " + _flat(report.claim_lines[0]) in rest
    assert "dubbele claims in detail" in pages[-1]  # the claim on its own detail map
    # The map: the claim's number, and no two text blocks overlapping on any page.
    doc = region_document(report)
    labels = [b for b in doc.pages[0].blocks if b.name == "dubbele claim 1"]
    assert len(labels) == 1
    assert len([b for b in doc.pages[-1].blocks if b.kind == "map"]) == len(view.double_claims)
    for page in doc.pages:
        top = [b for b in page.blocks if not b.container]
        for a, b in itertools.combinations(top, 2):
            assert not a.overlaps(b), f"'{a.name}' overlaps '{b.name}' on page {page.index + 1}"
        for b in top:
            assert b.inside(0, 0, page.width, page.height), f"{b.name} leaves page {page.index + 1}"


def test_region_mode_survives_a_language_switch_and_keeps_the_project_layout(  # type: ignore[no-untyped-def]
    qtbot, region: Path
) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from app.controller import ProjectController
    from app.i18n import install_translator, set_language
    from app.main_window import MainWindow

    controller = ProjectController()
    window = MainWindow(controller)  # not given to qtbot: the switch closes and deletes it
    window.setGeometry(0, 0, 1366, 768)
    window.show()
    window.save_settings()
    project_layout = QSettings().value("main/state")
    with qtbot.waitSignal(window.region.changed, timeout=60_000):
        controller.open_project(str(region))
    qtbot.waitUntil(lambda: not controller.is_busy, timeout=60_000)
    window.save_settings()
    assert QSettings().value("main/state") == project_layout  # the region mode is not saved as layout
    try:
        english = window.switch_language("en")
        qtbot.addWidget(english)
        assert english.region.view is not None
        assert english.region.view.name == "Voorbeeldregio (demo)"
        assert english.region_dock.isVisible()
        assert english.region_panel.claims_list.count() == 1
    finally:
        set_language("nl")
        app = QApplication.instance()
        assert app is not None
        install_translator(app, "nl")
