"""Colours of the regional view and the regional PDF, read from ``resources/styles/region.toml``.

One colour per member (by the member's position in the region, so the app and the PDF agree)
and the double-claim highlight. Domain colours are data, not code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from app.map.style import colour, pen_style
from resources import resource

__all__ = ["RegionStyle", "region_style"]


@dataclass(frozen=True)
class RegionStyle:
    member_colours: tuple[QColor, ...]
    fill_opacity: float
    member_width_px: float
    double_claim: QColor
    double_claim_width_px: float
    outline_width_px: float
    outline_pattern: Qt.PenStyle

    def member_colour(self, index: int) -> QColor:
        """The colour of the member at ``index`` in the region (the palette repeats)."""
        return QColor(self.member_colours[index % len(self.member_colours)])

    def member_fill(self, index: int) -> QColor:
        fill = self.member_colour(index)
        fill.setAlphaF(self.fill_opacity)
        return fill


@lru_cache(maxsize=1)
def region_style() -> RegionStyle:
    raw = tomllib.loads(resource("styles", "region.toml").read_text(encoding="utf-8"))
    members, claims, outlines = raw["members"], raw["double_claims"], raw["outlines"]
    return RegionStyle(
        member_colours=tuple(colour(str(c)) for c in members["colours"]),
        fill_opacity=float(members["fill_opacity"]),
        member_width_px=float(members["outline_width_px"]),
        double_claim=colour(str(claims["colour"])),
        double_claim_width_px=float(claims["outline_width_px"]),
        outline_width_px=float(outlines["width_px"]),
        outline_pattern=pen_style(str(outlines["pattern"])),
    )
