"""Map styling read from TOML: SVBP colours (resources/zoning) and resources/styles/map.toml.

Colours that are domain data never live in code; this module turns the TOML into ready
QColors/QPens once (cached) so painting only looks them up.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from resources import resource

__all__ = [
    "FacilitySymbol",
    "LineStyle",
    "MapStyle",
    "ReservationStyle",
    "colour",
    "map_style",
    "pen_style",
]


def colour(text: str) -> QColor:
    """``#RRGGBB`` or ``#RRGGBBAA`` (alpha last, as written in the TOML) to a QColor."""
    t = text.strip().lstrip("#")
    if len(t) == 8:
        return QColor(int(t[0:2], 16), int(t[2:4], 16), int(t[4:6], 16), int(t[6:8], 16))
    return QColor("#" + t)


_PATTERNS = {
    "solid": Qt.PenStyle.SolidLine,
    "dash": Qt.PenStyle.DashLine,
    "dot": Qt.PenStyle.DotLine,
}


def pen_style(name: str) -> Qt.PenStyle:
    return _PATTERNS.get(name, Qt.PenStyle.SolidLine)


@dataclass(frozen=True)
class FacilitySymbol:
    colour: QColor
    glyph: str
    letter: str


@dataclass(frozen=True)
class ReservationStyle:
    colour: QColor
    pattern: Qt.PenStyle
    hatch: bool


@dataclass(frozen=True)
class LineStyle:
    colour: QColor
    width_px: float
    pattern: Qt.PenStyle


@dataclass(frozen=True)
class MapStyle:
    """Everything the map paints with; built once from the TOML files."""

    raw: dict[str, Any]
    building_fill: QColor
    building_outline: QColor
    building_min_px: float
    zoning_opacity: float
    zoning_outline: QColor
    zoning_fallback: QColor
    zoning_hatch: QColor
    hoofdgroep_fill: dict[str, QColor]
    hoofdgroep_label: dict[str, str]
    neighbourhood_outline: QColor
    neighbourhood_label: QColor
    network: LineStyle
    facility_size_px: float
    facility_outline: QColor
    facility_symbols: dict[str, FacilitySymbol]
    facility_fallback: FacilitySymbol
    plot_outline: QColor
    plot_min_px: float
    plot_no_score: QColor
    score_classes: list[QColor]
    status_colours: dict[str, QColor]
    reservation_width_px: float
    reservation_styles: dict[str, ReservationStyle]
    reservation_fallback: ReservationStyle
    selection: LineStyle
    selection_halo: QColor
    reach_near_m: float
    reach_far_m: float
    reach_near: LineStyle
    reach_far: LineStyle
    overlay_text: QColor
    overlay_halo: QColor
    overlay_font_pt: int
    scale_bar_max_px: int
    facility_labels: dict[str, str] = field(default_factory=dict)

    def facility_symbol(self, category: str) -> FacilitySymbol:
        return self.facility_symbols.get(category, self.facility_fallback)

    def reservation_style(self, category: str) -> ReservationStyle:
        return self.reservation_styles.get(category, self.reservation_fallback)

    def zoning_fill(self, hoofdgroep: str | None) -> QColor:
        c = QColor(self.hoofdgroep_fill.get((hoofdgroep or "").strip().lower(), self.zoning_fallback))
        c.setAlphaF(self.zoning_opacity)
        return c


def _line(raw: dict[str, Any]) -> LineStyle:
    return LineStyle(
        colour(str(raw["colour"])),
        float(raw.get("width_px", 2.0)),
        pen_style(str(raw.get("pattern", "solid"))),
    )


def _symbol(raw: dict[str, Any]) -> FacilitySymbol:
    return FacilitySymbol(
        colour(str(raw["colour"])), str(raw.get("glyph", "circle")), str(raw.get("letter", ""))
    )


def _reservation(raw: dict[str, Any]) -> ReservationStyle:
    return ReservationStyle(
        colour(str(raw["colour"])), pen_style(str(raw.get("pattern", "solid"))), bool(raw.get("hatch", False))
    )


@lru_cache(maxsize=1)
def map_style() -> MapStyle:
    """The map style (read once per process)."""
    raw = tomllib.loads(resource("styles", "map.toml").read_text(encoding="utf-8"))
    zon = tomllib.loads(resource("zoning", "hoofdgroepen.toml").read_text(encoding="utf-8"))
    cats = tomllib.loads(resource("categories", "facilities.toml").read_text(encoding="utf-8"))
    groups: dict[str, Any] = zon.get("hoofdgroepen", {})
    fac = raw["facilities"]
    plots = raw["plots"]
    res = raw["reservations"]
    reach = raw["reach"]
    ov = raw["overlay"]
    res_cats = dict(res["categories"])
    res_fallback = res_cats.pop("fallback")
    return MapStyle(
        raw=raw,
        building_fill=colour(raw["buildings"]["fill"]),
        building_outline=colour(raw["buildings"]["outline"]),
        building_min_px=float(raw["buildings"]["min_pixels"]),
        zoning_opacity=float(raw["zoning"]["opacity"]),
        zoning_outline=colour(raw["zoning"]["outline"]),
        zoning_fallback=colour(raw["zoning"]["fallback_fill"]),
        zoning_hatch=colour(raw["zoning"]["indicative_hatch"]),
        hoofdgroep_fill={k: colour(v["fill"]) for k, v in groups.items() if "fill" in v},
        hoofdgroep_label={k: str(v.get("label", k)) for k, v in groups.items()},
        neighbourhood_outline=colour(raw["neighbourhoods"]["outline"]),
        neighbourhood_label=colour(raw["neighbourhoods"]["label"]),
        network=LineStyle(
            colour(raw["network"]["line"]), float(raw["network"]["width_px"]), Qt.PenStyle.SolidLine
        ),
        facility_size_px=float(fac["size_px"]),
        facility_outline=colour(fac["outline"]),
        facility_symbols={k: _symbol(v) for k, v in fac["categories"].items()},
        facility_fallback=_symbol(fac["fallback"]),
        facility_labels={k: str(v.get("label", k)) for k, v in cats.get("categories", {}).items()},
        plot_outline=colour(plots["outline"]),
        plot_min_px=float(plots["min_pixels"]),
        plot_no_score=colour(plots["no_score"]),
        score_classes=[colour(c) for c in plots["score_classes"]["colours"]],
        status_colours={k: colour(v) for k, v in plots["status"].items()},
        reservation_width_px=float(res["width_px"]),
        reservation_styles={k: _reservation(v) for k, v in res_cats.items()},
        reservation_fallback=_reservation(res_fallback),
        selection=LineStyle(
            colour(raw["selection"]["outline"]), float(raw["selection"]["width_px"]), Qt.PenStyle.SolidLine
        ),
        selection_halo=colour(str(raw["selection"].get("halo", "#000000"))),
        reach_near_m=float(reach["near_m"]),
        reach_far_m=float(reach["far_m"]),
        reach_near=_line(reach["near"]),
        reach_far=_line(reach["far"]),
        overlay_text=colour(ov["text"]),
        overlay_halo=colour(ov["halo"]),
        overlay_font_pt=int(ov["font_pt"]),
        scale_bar_max_px=int(ov["scale_bar_max_px"]),
    )
