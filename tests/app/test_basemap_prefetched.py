"""Pre-fetched BRT tiles (``bodnaarplot fetch --layers brt``) are shown from disk, never fetched."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from PySide6.QtCore import QPoint, QRectF
from PySide6.QtGui import QColor, QImage

from app.map.basemap import TileClient, basemap_cache_dir, level_for, tiles_for
from layers.online.brt import prefetched_tile_path
from layers.online.config import default_cache_dir


class _CountingTiles(http.server.BaseHTTPRequestHandler):
    """A tile server that answers blue and counts every request (there must be none)."""

    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _CountingTiles.hits.append(self.path)
        image = QImage(256, 256, QImage.Format.Format_RGB32)
        image.fill(QColor("#3366cc"))
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice

        data = QByteArray()
        buf = QBuffer(data)
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buf, "PNG")
        body = bytes(data.data())
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def tile_server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    _CountingTiles.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CountingTiles)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/{{layer}}/{{z}}/{{x}}/{{y}}.png"
    monkeypatch.setenv("BODNAARPLOT_BRT_URL", url)
    monkeypatch.setenv("BODNAARPLOT_CACHE_DIR", str(tmp_path / "cache"))
    yield url
    server.shutdown()
    server.server_close()


def _write_tile(root: Path, key: tuple[str, int, int, int], colour: str) -> Path:
    path = prefetched_tile_path(root, *key)
    path.parent.mkdir(parents=True, exist_ok=True)
    image = QImage(256, 256, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    assert image.save(str(path), "PNG")
    return path


def test_cache_folder_is_the_fetchers_cache(tile_server: str, tmp_path: Path) -> None:
    assert default_cache_dir() == tmp_path / "cache"
    assert basemap_cache_dir() == tmp_path / "cache" / "brt-tiles"


def test_prefetched_tile_is_used_without_a_request(qtbot: Any, tile_server: str, tmp_path: Path) -> None:
    root = tmp_path / "cache"
    local = ("grijs", 9, 130, 150)
    _write_tile(root, local, "#ff0000")
    client = TileClient()
    client.want([local, ("grijs", 9, 131, 150)])
    pix = client.tile(local)
    assert pix is not None
    assert pix.toImage().pixelColor(10, 10).name() == "#ff0000"
    assert client.local == 1
    assert local not in client.pending
    # The other tile has no file: that one (only) goes to the network.
    qtbot.waitUntil(lambda: client.fetched == 1, timeout=10_000)
    assert [h for h in _CountingTiles.hits if "/130/" in h] == []
    assert _CountingTiles.hits == ["/grijs/9/131/150.png"]


def test_map_shows_prefetched_tiles_offline(
    qtbot: Any, controller: Any, tile_server: str, tmp_path: Path
) -> None:
    from app.map.canvas import MapView

    # Delft and surroundings (RD 80–90 km, 440–452 km; the scene's y is −RD y), levels 7–11.
    delft = QRectF(80_000, -452_000, 10_000, 12_000)
    written: set[str] = set()
    for level in range(7, 12):
        for col, row in tiles_for(delft, level):
            _write_tile(tmp_path / "cache", ("grijs", level, col, row), "#ff0000")
            written.add(f"/grijs/{level}/{col}/{row}.png")
    assert len(written) > 100
    view = MapView(controller)
    qtbot.addWidget(view)
    view.resize(640, 480)
    view.show()
    qtbot.waitUntil(lambda: "plots" in view.layer_ids(), timeout=30_000)
    for key in [k for k in view.layer_ids() if k != "basemap"]:
        view.set_layer_visible(key, False)
    view.zoom_to_all()
    assert 7 <= level_for(1.0 / view.pixels_per_metre()) <= 11
    centre = QPoint(view.viewport().width() // 2, view.viewport().height() // 2)

    def centre_colour() -> str:
        image = view.viewport().grab().toImage()
        dpr = image.devicePixelRatio()
        return image.pixelColor(int(centre.x() * dpr), int(centre.y() * dpr)).name()

    qtbot.waitUntil(lambda: centre_colour() == "#ff0000", timeout=10_000)
    assert view.tile_client.local > 0
    # Every pre-fetched tile came from disk; only the empty start view (before the project's
    # data was shown, far from Delft) may have asked the server.
    assert not written & set(_CountingTiles.hits)
    assert all(h.startswith("/grijs/12/") for h in _CountingTiles.hits)
