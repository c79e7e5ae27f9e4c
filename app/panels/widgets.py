"""Shared pieces of the dock panels: the style table, projector-friendly fonts, small widgets.

Colours are domain data: the score-class and reservation-status colours come from
``resources/styles/map.toml`` (shared with the map, so the table, the bod chart and the map
agree), the rest from ``resources/styles/panels.toml``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QWidget

from app.scroll import WrappingScrollArea
from projects.models import RESERVATION_STATUSES
from resources import resource

__all__ = [
    "FONT_SETTING",
    "Heading",
    "Panel",
    "PanelStyle",
    "WrappingScrollArea",
    "font_point_size",
    "heading",
    "panel_style",
    "parse_colour",
    "separator",
    "set_font_point_size",
    "translate",
]

FONT_SETTING = "weergave/lettergrootte"  # QSettings key of the panels' point size


def parse_colour(text: str) -> QColor:
    """``#RRGGBB`` or ``#RRGGBBAA`` (alpha last, as in the style TOML files) as a QColor."""
    value = text.strip()
    if len(value) == 9 and value.startswith("#"):
        colour = QColor(value[:7])
        colour.setAlpha(int(value[7:9], 16))
        return colour
    return QColor(value)


@dataclass(frozen=True)
class PanelStyle:
    """The colours and font defaults of the panels (see the two style TOML files)."""

    status_colours: Mapping[str, str]  # reservation status (and "geen") → colour
    class_colours: tuple[str, ...]  # score class 1 … n
    norm_met: str = "#1B5E20"
    norm_not_met: str = "#B71C1C"
    ledger: Mapping[str, str] = field(default_factory=dict)
    messages: Mapping[str, str] = field(default_factory=dict)
    font_point_size: int = 13
    font_minimum: int = 9
    font_maximum: int = 28

    def status_colour(self, status: str | None) -> QColor:
        return parse_colour(
            self.status_colours.get(status or "geen", self.status_colours.get("geen", "#E0E0E0"))
        )

    def class_colour(self, score_class: int) -> QColor:
        if not self.class_colours:
            return QColor("#BDBDBD")
        i = min(max(int(score_class), 1), len(self.class_colours)) - 1
        return parse_colour(self.class_colours[i])

    def ledger_colour(self, key: str) -> QColor:
        return parse_colour(self.ledger.get(key, "#111111"))

    def message_colour(self, key: str) -> QColor:
        return parse_colour(self.messages.get(key, "#111111"))


def _read(*parts: str) -> dict[str, Any]:
    node = resource(*parts)
    if not node.is_file():
        return {}
    return tomllib.loads(node.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def panel_style() -> PanelStyle:
    """The style tables, read once (a packaging error shows as a missing colour, never a crash)."""
    map_toml = _read("styles", "map.toml")
    own = _read("styles", "panels.toml")
    plots = map_toml.get("plots", {})
    classes = plots.get("score_classes", {})
    status = {str(k): str(v) for k, v in plots.get("status", {}).items()}
    for name in ("geen", *RESERVATION_STATUSES):
        status.setdefault(name, "#9E9E9E")
    fonts = own.get("fonts", {})
    norm = own.get("norm", {})
    return PanelStyle(
        status_colours=status,
        class_colours=tuple(str(c) for c in classes.get("colours", ())),
        norm_met=str(norm.get("met", "#1B5E20")),
        norm_not_met=str(norm.get("not_met", "#B71C1C")),
        ledger={str(k): str(v) for k, v in own.get("ledger", {}).items()},
        messages={str(k): str(v) for k, v in own.get("messages", {}).items()},
        font_point_size=int(fonts.get("point_size", 13)),
        font_minimum=int(fonts.get("minimum", 9)),
        font_maximum=int(fonts.get("maximum", 28)),
    )


# -- fonts ----------------------------------------------------------------------------------


def font_point_size() -> int:
    """The panels' point size: the user's setting, else the style default (13 pt)."""
    style = panel_style()
    value: object = QSettings().value(FONT_SETTING, style.font_point_size)
    try:
        size = int(str(value))
    except ValueError:
        size = style.font_point_size
    return min(max(size, style.font_minimum), style.font_maximum)


def set_font_point_size(size: int) -> None:
    """Store the point size and apply it to every open panel at once."""
    QSettings().setValue(FONT_SETTING, int(size))
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    for widget in app.allWidgets():
        if isinstance(widget, Panel):
            widget.apply_font()


class Panel(QWidget):
    """Base of every dock panel: projector-sized font, re-applied when the setting changes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.apply_font()

    def apply_font(self) -> None:
        font = QFont(self.font())
        font.setPointSize(font_point_size())
        self.setFont(font)
        for label in self.findChildren(Heading):
            label.follow(font)
        self.font_changed()

    def font_changed(self) -> None:
        """Hook for panels that size things from the font (row heights, chart text)."""


class Heading(QLabel):
    """A bold label somewhat larger than the panel text; :meth:`Panel.apply_font` resizes it."""

    def __init__(self, text: str, parent: QWidget | None = None, scale: float = 1.25) -> None:
        super().__init__(text, parent)
        self.scale = scale
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.follow(QFont(font_point_size_font()))

    def follow(self, base: QFont) -> None:
        font = QFont(base)
        font.setBold(True)
        font.setPointSizeF(base.pointSizeF() * self.scale)
        self.setFont(font)


def font_point_size_font() -> QFont:
    font = QFont(QApplication.font())
    font.setPointSize(font_point_size())
    return font


def heading(text: str, parent: QWidget | None = None, scale: float = 1.25) -> Heading:
    """A bold heading that follows the panel's font size."""
    return Heading(text, parent, scale)


def separator(parent: QWidget | None = None) -> QFrame:
    line = QFrame(parent)
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line


def translate(text: str) -> str:
    """Translate a module-level string in the ``panels`` context."""
    return QCoreApplication.translate("panels", text)
