"""Dutch data sources turned into canonical GeoDataFrames in EPSG:28992 (RD New).

Every loader returns :class:`layers.result.LoadResult` objects: the canonical frame plus the
warnings that count each repair. Nothing here imports Qt, ``app`` or ``plotscore``.
"""

from __future__ import annotations

__all__: list[str] = []
