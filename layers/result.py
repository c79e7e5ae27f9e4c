"""The value every loader returns: a canonical frame, its kind, and counted warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd

from layers.canonical import LayerKind

__all__ = ["LayerWarning", "LoadResult", "Warnings"]


@dataclass(frozen=True, slots=True)
class LayerWarning:
    """One counted repair or oddity, e.g. ``12 ongeldige geometrieën hersteld``.

    ``code`` is stable (for tests and translation), ``message`` is the Dutch text shown to users.
    """

    code: str
    message: str
    count: int = 1

    def __str__(self) -> str:
        return self.message


class Warnings(list[LayerWarning]):
    """A list of warnings with a convenience adder that skips zero counts."""

    def add(self, code: str, message: str, count: int = 1) -> None:
        """Record a warning; ``message`` may contain ``{n}`` for the count.

        Only ``{n}`` is replaced (no ``str.format``), so names from the data -- a plan called
        "{Centrum}", a waardeType with braces -- can be part of the message safely.
        """
        if count <= 0:
            return
        # The same warning again (e.g. per layer of one file) adds up instead of repeating.
        templates: dict[int, str] = self.__dict__.setdefault("_templates", {})
        for i, existing in enumerate(self):
            if existing.code == code and templates.get(i) == message:
                total = existing.count + count
                self[i] = LayerWarning(code=code, message=message.replace("{n}", str(total)), count=total)
                return
        templates[len(self)] = message
        self.append(LayerWarning(code=code, message=message.replace("{n}", str(count)), count=count))


@dataclass(frozen=True, slots=True)
class LoadResult:
    """A canonical layer read from one source.

    ``frame`` is in EPSG:28992 with the columns of ``kind`` (see :mod:`layers.canonical`);
    ``source`` is the path or URL it came from, ``layer`` the layer inside that source,
    ``meta`` free-form facts a loader knows (plan id, GTFS window, data date, ...).
    """

    kind: LayerKind
    frame: gpd.GeoDataFrame
    source: str
    layer: str | None = None
    warnings: tuple[LayerWarning, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)
