"""The map canvas (app.map): layers, selection, recolouring, zoom, scale bar, base map, drawing.

Offscreen, no internet: the base map points at a local HTTP server or at a closed port.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.map.canvas import MapView
from app.map.layers import PlotsLayer
from app.map.overlays import format_length, scale_bar_spec

UNREACHABLE = "http://127.0.0.1:9/{layer}/{z}/{x}/{y}.png"  # discard port: refused at once


@pytest.fixture(autouse=True)
def basemap_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No internet in tests: an unreachable base map unless a test serves tiles; cache in tmp."""
    monkeypatch.setenv("BODNAARPLOT_BRT_URL", UNREACHABLE)
    cache = tmp_path / "cache"
    monkeypatch.setenv("BODNAARPLOT_CACHE_DIR", str(cache))
    return cache


@pytest.fixture
def view(qtbot: Any, controller: Any) -> MapView:
    v = MapView(controller)
    qtbot.addWidget(v)
    v.resize(1000, 700)
    v.show()
    qtbot.waitExposed(v)
    qtbot.waitUntil(lambda: "plots" in v.layer_ids(), timeout=30_000)
    return v


def _plots(view: MapView) -> PlotsLayer:
    item = view.layer_item("plots")
    assert isinstance(item, PlotsLayer)
    return item


def _centre_of(view: MapView, plot_id: str) -> QPoint:
    layer = _plots(view)
    assert layer.features is not None
    geom = layer.features.geoms[layer.id_to_index[plot_id]]
    p = geom.representative_point()
    return view.mapFromScene(QPointF(p.x, -p.y))


def _send_mouse(view: MapView, kind: QEvent.Type, pos: QPoint, buttons: Qt.MouseButton, mods: Any) -> None:
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
    ev = QMouseEvent(kind, QPointF(pos), QPointF(view.viewport().mapToGlobal(pos)), button, buttons, mods)
    QApplication.sendEvent(view.viewport(), ev)


def test_all_layers_have_items_and_paint(view: MapView) -> None:
    ids = view.layer_ids()
    for key in ("basemap", "zoning", "buildings", "network", "plots", "reservations", "facilities", "reach"):
        assert key in ids
        assert view.layer_item(key) in view.scene().items()
    assert view.layer_title("zoning").endswith("(indicatief)")  # the demo zoning is from OSM
    assert not view.is_layer_visible("network")  # off by default
    view.viewport().grab()
    for key in ("zoning", "buildings", "plots", "facilities"):
        assert view.layer_item(key).painted_features > 0, key  # type: ignore[union-attr]
    assert len(view.layer_legend("facilities")) >= 3
    # the class ranges of the scores shown, best first; each class holds plots (quantiles)
    breaks = view.controller.breaks
    legend = view.layer_legend("plots")
    assert [item.label for item in legend] == list(reversed(breaks.labels()))
    assert sum(item.count or 0 for item in legend) == len(view.controller.scores)


def test_layer_management(view: MapView, qtbot: Any) -> None:
    with qtbot.waitSignal(view.layers_changed):
        view.set_layer_visible("buildings", False)
    assert not view.is_layer_visible("buildings")
    assert not view.layer_item("buildings").isVisible()  # type: ignore[union-attr]
    view.set_layer_opacity("zoning", 0.3)
    assert view.layer_opacity("zoning") == pytest.approx(0.3)
    view.set_layer_order(["facilities", "plots"])
    assert view.layer_ids()[:2] == ["facilities", "plots"]
    assert view.layer_item("facilities").zValue() < view.layer_item("plots").zValue()  # type: ignore[union-attr]
    view.set_basemap(None)
    assert view.basemap_style() is None
    view.set_basemap("pastel")
    assert view.basemap_style() == "pastel"


def test_zoom_to_all_fits_the_plots(view: MapView) -> None:
    view.zoom_by(8.0)
    view.zoom_to_all()
    shown = view.mapToScene(view.viewport().rect()).boundingRect()
    plots = _plots(view)
    assert plots.features is not None
    assert shown.contains(plots.features.bounds)
    # …and not absurdly zoomed out: the plots fill a good part of the view.
    assert (
        plots.features.bounds.width() > 0.5 * shown.width()
        or plots.features.bounds.height() > 0.5 * shown.height()
    )


def test_click_on_a_plot_selects_it_and_shift_adds(view: MapView, controller: Any, qtbot: Any) -> None:
    ids = [str(p) for p in _plots(view).plot_ids[:2]]
    view.zoom_to([ids[0]])
    QTest.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, _centre_of(view, ids[0])
    )
    assert controller.selection == [ids[0]]
    assert len(view.selection_item.paths) == 1
    qtbot.waitUntil(lambda: not view.reach_layer.near.isEmpty() or not view.reach_layer.far.isEmpty())
    view.zoom_to(ids)
    QTest.mouseClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ShiftModifier,
        _centre_of(view, ids[1]),
    )
    assert set(controller.selection) == set(ids)
    # A click on empty map (far outside the data) clears the selection.
    view.centerOn(QPointF(0.0, -300_000.0))
    QTest.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(500, 350)
    )
    assert controller.selection == []


def test_rubber_band_selects_several(view: MapView, controller: Any) -> None:
    view.zoom_to_all()
    mods = Qt.KeyboardModifier.ShiftModifier
    left = Qt.MouseButton.LeftButton
    vp = view.viewport().rect()
    _send_mouse(view, QEvent.Type.MouseButtonPress, QPoint(2, 2), left, mods)
    _send_mouse(view, QEvent.Type.MouseMove, QPoint(vp.width() // 2, vp.height() // 2), left, mods)
    _send_mouse(view, QEvent.Type.MouseMove, QPoint(vp.width() - 2, vp.height() - 2), left, mods)
    _send_mouse(
        view,
        QEvent.Type.MouseButtonRelease,
        QPoint(vp.width() - 2, vp.height() - 2),
        Qt.MouseButton.NoButton,
        mods,
    )
    assert len(controller.selection) == len(_plots(view).plot_ids)  # the whole view: all plots
    # A smaller band selects some, not all.
    _send_mouse(view, QEvent.Type.MouseButtonPress, QPoint(2, 2), left, mods)
    _send_mouse(view, QEvent.Type.MouseMove, QPoint(vp.width() // 2, vp.height() - 2), left, mods)
    _send_mouse(
        view,
        QEvent.Type.MouseButtonRelease,
        QPoint(vp.width() // 2, vp.height() - 2),
        Qt.MouseButton.NoButton,
        mods,
    )
    assert 1 < len(controller.selection) < len(_plots(view).plot_ids)


def test_plain_drag_pans_instead_of_selecting(view: MapView, controller: Any) -> None:
    view.zoom_to_all()
    before = view.mapToScene(QPoint(500, 350))
    left = Qt.MouseButton.LeftButton
    none = Qt.KeyboardModifier.NoModifier
    _send_mouse(view, QEvent.Type.MouseButtonPress, QPoint(500, 350), left, none)
    _send_mouse(view, QEvent.Type.MouseMove, QPoint(600, 400), left, none)
    _send_mouse(view, QEvent.Type.MouseButtonRelease, QPoint(600, 400), Qt.MouseButton.NoButton, none)
    after = view.mapToScene(QPoint(500, 350))
    assert after.x() < before.x()
    assert after.y() < before.y()
    assert controller.selection == []


def _pixel(view: MapView, pos: QPoint) -> QColor:
    image: QImage = view.viewport().grab().toImage()
    dpr = image.devicePixelRatio()
    return image.pixelColor(int(pos.x() * dpr), int(pos.y() * dpr))


def test_weight_change_recolours_without_rebuilding(view: MapView, controller: Any) -> None:
    view.set_layer_visible("facilities", False)  # icons could cover the pixel we look at
    view.set_layer_visible("reservations", False)
    plots = _plots(view)
    items_before = {k: id(view.layer_item(k)) for k in view.layer_ids()}
    paths_before = plots.features.paths if plots.features is not None else None
    before = {str(p): plots.colour_of(str(p)).name() for p in plots.plot_ids}  # type: ignore[union-attr]
    controller.set_party(next(iter(controller.profile.parties), "consensus"))
    crits = [c.id for c in controller.profile.criteria]
    for c in crits[1:]:
        controller.set_weight(c, 0.0)
    controller.set_weight(crits[0], 10.0)
    after = {str(p): plots.colour_of(str(p)).name() for p in plots.plot_ids}  # type: ignore[union-attr]
    changed = [p for p in before if before[p] != after[p]]
    assert changed, "some plot must change class when only one criterion counts"
    assert {k: id(view.layer_item(k)) for k in view.layer_ids()} == items_before
    assert plots.features is not None
    assert plots.features.paths is paths_before
    # The painted pixel follows the new colour.
    pid = max(changed, key=lambda p: plots.features.size_m[plots.id_to_index[p]])  # type: ignore[union-attr]
    view.zoom_to([pid])
    view.set_layer_visible("reach", False)
    got = _pixel(view, _centre_of(view, pid))
    assert got.name() == after[pid]


def test_scale_bar_label_matches_the_scale(view: MapView) -> None:
    assert scale_bar_spec(1.0, 180) == (100.0, 100.0, "100 m")
    assert scale_bar_spec(10.0, 180) == (1000.0, 100.0, "1 km")
    assert scale_bar_spec(0.2, 180)[2] == "20 m"
    assert format_length(2500) == "2,5 km"
    for zoom in (1.0, 3.0, 0.2):
        view.zoom_to_all()
        view.zoom_by(zoom)
        view.viewport().grab()
        length_m, px, label = scale_bar_spec(1.0 / view.pixels_per_metre(), view.map_style.scale_bar_max_px)
        assert view.scale_label == label
        assert px <= view.map_style.scale_bar_max_px
        assert length_m * view.pixels_per_metre() == pytest.approx(px)


def test_tooltip_and_coordinates(view: MapView, controller: Any) -> None:
    pid = str(_plots(view).plot_ids[0])
    view.zoom_to([pid])
    text = view.tooltip_at(QPointF(_centre_of(view, pid)))
    assert pid in text
    assert "Score" in text
    pos = QPoint(400, 300)
    _send_mouse(view, QEvent.Type.MouseMove, pos, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    scene = view.mapToScene(pos)
    label = view.coord_label.text()
    assert label.startswith("RD x ")
    assert f"{round(-scene.y()):,}".replace(",", ".") in label


def test_polygon_tool_emits_a_polygon_in_rd(view: MapView, qtbot: Any) -> None:
    view.zoom_to_all()
    view.start_polygon_tool()
    points = [QPoint(300, 300), QPoint(500, 300), QPoint(500, 500)]
    for p in points:
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, p)
    assert len(view.tool.vertices) == 3
    with qtbot.waitSignal(view.polygon_drawn) as blocker:
        QTest.keyClick(view, Qt.Key.Key_Return)
    poly = blocker.args[0]
    corner = view.mapToScene(points[0])
    assert poly.area > 0
    assert poly.is_valid
    assert min(abs(x - corner.x()) + abs(y + corner.y()) for x, y in poly.exterior.coords) < 1e-6
    assert not view.tool.active
    # Esc cancels: nothing emitted.
    view.start_polygon_tool()
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[0])
    with qtbot.waitSignal(view.tool.cancelled):
        QTest.keyClick(view, Qt.Key.Key_Escape)
    assert not view.tool.active
    assert view.tool.vertices == []


# -- base map ------------------------------------------------------------------------------------


class _TileHandler(http.server.BaseHTTPRequestHandler):
    png: bytes = b""
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _TileHandler.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.png)))
        self.send_header("Cache-Control", "max-age=86400")
        self.send_header("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT")
        self.end_headers()
        self.wfile.write(self.png)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def tile_server(tmp_path: Path) -> Iterator[str]:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    image = QImage(256, 256, QImage.Format.Format_ARGB32)
    image.fill(QColor("#3366CC"))
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    _TileHandler.png = bytes(data.data())
    _TileHandler.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _TileHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_local_tile_server_tiles_are_drawn_and_cached(
    tile_server: str, qtbot: Any, controller: Any, monkeypatch: pytest.MonkeyPatch, basemap_env: Path
) -> None:
    monkeypatch.setenv("BODNAARPLOT_BRT_URL", tile_server)  # a base URL: the PDOK path is appended
    v = MapView(controller)
    qtbot.addWidget(v)
    v.resize(800, 600)
    v.show()
    qtbot.waitUntil(lambda: "plots" in v.layer_ids(), timeout=30_000)
    for key in [k for k in v.layer_ids() if k != "basemap"]:
        v.set_layer_visible(key, False)
    v.zoom_to_all()
    v.viewport().grab()
    qtbot.waitUntil(lambda: v.tile_client.fetched > 0, timeout=10_000)
    assert all("/grijs/EPSG:28992/" in h for h in _TileHandler.hits)
    assert v.basemap_label.text() == "achtergrondkaart: PDOK BRT"
    qtbot.waitUntil(lambda: v.tile_client.cache.cacheSize() > 0, timeout=5_000)
    assert any((basemap_env / "brt-tiles").rglob("*"))
    centre = v.viewport().rect().center()
    qtbot.waitUntil(lambda: _pixel(v, centre).name() == "#3366cc", timeout=10_000)


def test_unreachable_base_map_shows_offline_and_backs_off(view: MapView, qtbot: Any) -> None:
    view.zoom_to_all()
    view.viewport().grab()
    qtbot.waitUntil(lambda: view.basemap_label.text() == "offline — geen achtergrondkaart", timeout=10_000)
    client = view.tile_client
    assert client.online is False
    hits_before = len(client.pending)
    view.viewport().grab()  # repainting while offline asks for nothing until the back-off ends
    assert len(client.pending) == hits_before == 0
    assert view.layer_item("plots").painted_features > 0  # type: ignore[union-attr]
