"""The PDOK BRT Achtergrondkaart as a base map: WMTS tiles in EPSG:28992, fetched asynchronously.

Tile matrix (shared research domain.md §6.1): 256 px tiles, top-left (−285401.92, 903401.92),
level-0 resolution 3440.64 m/px halving per level, levels 0–14. Tiles come from
QNetworkAccessManager (never blocking the GUI thread) through a QNetworkDiskCache in the user's
cache folder, so areas seen before also show offline. Tiles pre-fetched with ``bodnaarplot fetch
--layers brt`` (or *Gegevens ophalen*) are read from disk first, without any network request.

On any network error or timeout the client goes *offline*: it says so (``status_changed``),
stops asking for a while and backs off exponentially (10 s … 5 min); vector layers keep working.
The URL is configurable for mirrors and tests: environment variable ``BODNAARPLOT_BRT_URL`` or
setting ``map/brt_url`` — a base URL or a template with ``{layer} {z} {x} {y}``.
"""

from __future__ import annotations

import math
import os
import time
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    QRectF,
    QSettings,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtNetwork import QNetworkAccessManager, QNetworkDiskCache, QNetworkReply, QNetworkRequest
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from app.map.layers import FULL_EXTENT
from layers.online.brt import prefetched_tile_path
from layers.online.config import default_cache_dir

__all__ = [
    "ATTRIBUTION",
    "BASEMAP_STYLES",
    "BasemapItem",
    "TileClient",
    "TileKey",
    "basemap_cache_dir",
    "brt_url_template",
    "level_for",
    "tile_rect",
    "tiles_for",
]

DEFAULT_BASE = "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0"
BASEMAP_STYLES = ("standaard", "grijs", "pastel")
ORIGIN_X, ORIGIN_Y = -285401.92, 903401.92
RES0 = 3440.64
TILE_PX = 256
MAX_LEVEL = 14
MAX_PENDING = 6
MEMORY_TILES = 600
TIMEOUT_MS = 8000
BACKOFF_START_S, BACKOFF_MAX_S = 10.0, 300.0
ATTRIBUTION = "Kaartgegevens © Kadaster (BRT Achtergrondkaart, CC BY 4.0)"

TileKey = tuple[str, int, int, int]  # layer, z, column, row


def brt_url_template() -> str:
    """The tile URL template: env BODNAARPLOT_BRT_URL, setting map/brt_url, or PDOK."""
    value = os.environ.get("BODNAARPLOT_BRT_URL") or str(QSettings().value("map/brt_url", "") or "")
    base = (value or DEFAULT_BASE).rstrip("/")
    if "{z}" in base:
        return base
    return base + "/{layer}/EPSG:28992/{z}/{x}/{y}.png"


def basemap_cache_dir() -> Path:
    """Disk cache for tiles: ``brt-tiles`` in the fetchers' cache folder (env BODNAARPLOT_CACHE_DIR,
    else the user cache folder), where the pre-fetched tiles live too."""
    return default_cache_dir() / "brt-tiles"


def resolution(z: int) -> float:
    return RES0 / float(2**z)


def level_for(metres_per_pixel: float) -> int:
    """The tile level whose resolution is closest to the view's (in log scale)."""
    z = round(math.log2(RES0 / max(metres_per_pixel, 1e-9)))
    return int(min(MAX_LEVEL, max(0, z)))


def tile_rect(z: int, col: int, row: int) -> QRectF:
    """The scene rectangle (y = −RD y) a tile covers."""
    size = TILE_PX * resolution(z)
    return QRectF(ORIGIN_X + col * size, -ORIGIN_Y + row * size, size, size)


def tiles_for(rect: QRectF, z: int) -> list[tuple[int, int]]:
    """(column, row) of the tiles covering a scene rectangle at level ``z``, centre first."""
    size = TILE_PX * resolution(z)
    n = 2**z
    c0 = max(0, math.floor((rect.left() - ORIGIN_X) / size))
    c1 = min(n - 1, math.floor((rect.right() - ORIGIN_X) / size))
    r0 = max(0, math.floor((rect.top() + ORIGIN_Y) / size))
    r1 = min(n - 1, math.floor((rect.bottom() + ORIGIN_Y) / size))
    out = [(c, r) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]
    cc, rr = (c0 + c1) / 2, (r0 + r1) / 2
    out.sort(key=lambda t: (t[0] - cc) ** 2 + (t[1] - rr) ** 2)
    return out


class TileClient(QObject):
    """Fetch and keep tiles; report online/offline. Lives on the GUI thread; never blocks."""

    tile_ready = Signal()
    status_changed = Signal(bool, str)  # online, Dutch status text

    def __init__(
        self,
        template: str | None = None,
        cache_dir: Path | None = None,
        parent: QObject | None = None,
        prefetched_root: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.template = template or brt_url_template()
        # The cache root the fetchers wrote pre-fetched tiles under (layers.online.brt).
        self.prefetched_root = prefetched_root or default_cache_dir()
        self.not_prefetched: set[TileKey] = set()  # looked on disk once: not there
        self.local = 0  # tiles read from the pre-fetched files
        self.manager = QNetworkAccessManager(self)
        self.cache = QNetworkDiskCache(self)
        folder = cache_dir or basemap_cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        self.cache.setCacheDirectory(str(folder))
        self.cache.setMaximumCacheSize(300 * 1024 * 1024)
        self.manager.setCache(self.cache)
        self.pixmaps: OrderedDict[TileKey, QPixmap] = OrderedDict()
        self.pending: dict[TileKey, QNetworkReply] = {}
        self.missing: set[TileKey] = set()  # 404s and unreadable tiles: never asked again
        self.queue: list[TileKey] = []
        self.online: bool | None = None  # unknown until the first reply
        self.offline_until = 0.0
        self.backoff_s = BACKOFF_START_S
        self.fetched = 0
        self._pump_timer = QTimer(self)
        self._pump_timer.setSingleShot(True)
        self._pump_timer.timeout.connect(self._pump)

    def status_text(self) -> str:
        if self.online is False:
            return QCoreApplication.translate("TileClient", "offline — geen achtergrondkaart")
        if self.online:
            return QCoreApplication.translate("TileClient", "achtergrondkaart: PDOK BRT")
        return ""

    def url(self, key: TileKey) -> QUrl:
        layer, z, col, row = key
        return QUrl(self.template.format(layer=layer, z=z, x=col, y=row))

    def tile(self, key: TileKey) -> QPixmap | None:
        pix = self.pixmaps.get(key)
        if pix is not None:
            self.pixmaps.move_to_end(key)
        return pix

    def tile_or_local(self, key: TileKey) -> QPixmap | None:
        """A tile in memory, else a pre-fetched one from disk (never the network)."""
        pix = self.tile(key)
        if pix is None and key not in self.pending and self._load_prefetched(key):
            pix = self.pixmaps.get(key)
        return pix

    def _load_prefetched(self, key: TileKey) -> bool:
        """Read a pre-fetched tile from disk (no network); True when it is now in memory."""
        if key in self.not_prefetched:
            return False
        path = prefetched_tile_path(self.prefetched_root, *key)
        pix = QPixmap()
        if not path.is_file() or not pix.load(str(path)):
            self.not_prefetched.add(key)
            return False
        self._keep(key, pix)
        self.local += 1
        return True

    def _keep(self, key: TileKey, pix: QPixmap) -> None:
        self.pixmaps[key] = pix
        while len(self.pixmaps) > MEMORY_TILES:
            self.pixmaps.popitem(last=False)

    def want(self, keys: list[TileKey]) -> None:
        """The tiles the view needs now (most important first); older wishes are dropped.

        Pre-fetched tiles are read from disk at once (also offline); only the rest is fetched.
        """
        fresh = [k for k in keys if k not in self.pixmaps and k not in self.pending and k not in self.missing]
        loaded = [k for k in fresh if self._load_prefetched(k)]
        if loaded:
            QTimer.singleShot(0, self.tile_ready.emit)  # repaint after this paint, not inside it
        self.queue = [k for k in fresh if k not in self.pixmaps]
        if self.queue and not self._pump_timer.isActive():
            delay = max(0.0, self.offline_until - time.monotonic())
            self._pump_timer.start(int(delay * 1000))

    def _pump(self) -> None:
        if time.monotonic() < self.offline_until:
            self._pump_timer.start(int((self.offline_until - time.monotonic()) * 1000) + 1)
            return
        while self.queue and len(self.pending) < MAX_PENDING:
            key = self.queue.pop(0)
            request = QNetworkRequest(self.url(key))
            request.setAttribute(
                QNetworkRequest.Attribute.CacheLoadControlAttribute,
                QNetworkRequest.CacheLoadControl.PreferCache,
            )
            request.setTransferTimeout(TIMEOUT_MS)
            request.setHeader(QNetworkRequest.KnownHeaders.UserAgentHeader, "bodnaarplot")
            reply = self.manager.get(request)
            self.pending[key] = reply
            reply.finished.connect(lambda k=key, r=reply: self._finished(k, r))
            if self.online is False:
                break  # after an outage: probe with one request before asking for more

    def _finished(self, key: TileKey, reply: QNetworkReply) -> None:
        self.pending.pop(key, None)
        reply.deleteLater()
        err = reply.error()
        if err == QNetworkReply.NetworkError.NoError:
            pix = QPixmap()
            if pix.loadFromData(reply.readAll().data()):
                self._keep(key, pix)
                self.fetched += 1
            else:
                self.missing.add(key)
            self._set_online(True)
            self.backoff_s = BACKOFF_START_S
            self.tile_ready.emit()
        elif err in (
            QNetworkReply.NetworkError.ContentNotFoundError,
            QNetworkReply.NetworkError.ContentAccessDenied,
        ):
            self.missing.add(key)  # outside the service's coverage: the server answered
            self._set_online(True)
        elif err == QNetworkReply.NetworkError.OperationCanceledError and self.online is not False:
            pass  # we cancelled it ourselves (style switch); not a sign of being offline
        else:
            self._go_offline()
        if self.queue:
            self._pump_timer.start(0)

    def _go_offline(self) -> None:
        self.offline_until = time.monotonic() + self.backoff_s
        self.backoff_s = min(self.backoff_s * 2, BACKOFF_MAX_S)
        for reply in list(self.pending.values()):
            reply.abort()
        self._set_online(False)

    def _set_online(self, online: bool) -> None:
        if self.online != online:
            self.online = online
            self.status_changed.emit(online, self.status_text())

    def cancel_all(self) -> None:
        self.queue = []
        for reply in list(self.pending.values()):
            reply.abort()


class BasemapItem(QGraphicsItem):
    """Paints the tiles for the exposed area at the view's resolution (coarser ones meanwhile)."""

    def __init__(self, client: TileClient, style: str = "grijs") -> None:
        super().__init__()
        self.client = client
        self.style = style
        self.layer_id = "basemap"
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        client.tile_ready.connect(self.update)

    def set_style(self, style: str) -> None:
        if style != self.style:
            self.style = style
            self.client.cancel_all()
            self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return FULL_EXTENT

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,  # noqa: ARG002 - Qt signature
    ) -> None:
        rect: QRectF = option.exposedRect
        ppm = max(abs(painter.worldTransform().m11()), 1e-12)
        dpr = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        z = level_for(1.0 / (ppm * dpr))
        wanted: list[TileKey] = []
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        for col, row in tiles_for(rect, z):
            key = (self.style, z, col, row)
            target = tile_rect(z, col, row)
            pix = self.client.tile(key)
            if pix is not None:
                painter.drawPixmap(target, pix, QRectF(0, 0, pix.width(), pix.height()))
                continue
            wanted.append(key)
            self._draw_parent(painter, z, col, row, target)
        if len(wanted) > 64:
            wanted = wanted[:64]  # a huge screen at a wild zoom: fetch the centre first
        self.client.want(wanted)

    def _draw_parent(self, painter: QPainter, z: int, col: int, row: int, target: QRectF) -> None:
        """While a tile loads, stretch the part of a coarser tile we already have."""
        for up in range(1, 4):
            pz = z - up
            if pz < 0:
                return
            f = 2**up
            pix = self.client.tile_or_local((self.style, pz, col // f, row // f))
            if pix is None:
                continue
            sub = pix.width() / f
            src = QRectF((col % f) * sub, (row % f) * sub, sub, sub)
            painter.drawPixmap(target, pix, src)
            return
