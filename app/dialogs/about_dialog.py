"""*Over Van Bod naar Plot*: version, purpose, data attributions and software licences.

The lists come from ``resources/attributions.toml`` (data, not code), so the dialog, the README
and the exports name the same sources with the same licences.
"""

from __future__ import annotations

import html
import tomllib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from resources import resource

__all__ = ["AboutDialog", "attributions"]


def attributions() -> dict[str, Any]:
    """The parsed attributions table (data sources and software)."""
    return tomllib.loads(resource("attributions.toml").read_text(encoding="utf-8"))


def app_version() -> str:
    try:
        return version("bodnaarplot")
    except PackageNotFoundError:  # running from a checkout without installing
        return "ontwikkelversie"


class AboutDialog(QDialog):
    """Three tabs: about, data sources (with licence and attribution line), software licences."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Over Van Bod naar Plot"))
        self.resize(720, 520)
        table = attributions()
        tabs = QTabWidget(self)

        intro = QLabel(self)
        intro.setTextFormat(Qt.TextFormat.RichText)
        intro.setWordWrap(True)
        intro.setOpenExternalLinks(True)
        intro.setAlignment(Qt.AlignmentFlag.AlignTop)
        intro.setText(
            self.tr(
                "<h2>Van Bod naar Plot</h2><p>Versie {version}</p>"
                "<p>Van de opgave ouderenhuisvesting (het bod) naar gereserveerde locaties op de kaart: "
                "kavels scoren op loopafstand tot zorg, winkels en OV, het bod bijhouden, locaties "
                "reserveren met partners en de kaart exporteren.</p>"
                "<p>Alle normen en gewichten zijn voorinstellingen met een bron (zie de tooltip bij elk "
                "criterium), geen officiële normen. Kaarten en scores zijn indicatief; aan deze kaart "
                "kunnen geen rechten worden ontleend.</p>"
                "<p>Open source onder de MIT-licentie.</p>"
            ).format(version=html.escape(app_version()))
        )
        tabs.addTab(intro, self.tr("Over"))

        rows = "".join(
            "<tr><td><b>{name}</b><br/><small>{used}</small></td><td>{holder}</td>"
            "<td><a href='{url}'>{licence}</a></td><td>{attr}</td></tr>".format(
                name=html.escape(d["name"]),
                used=html.escape(d["used_for"]),
                holder=html.escape(d["holder"]),
                url=html.escape(d["licence_url"], quote=True),
                licence=html.escape(d["licence"]),
                attr=html.escape(d["attribution"]),
            )
            for d in table["data"]
        )
        data = QTextBrowser(self)
        data.setOpenExternalLinks(True)
        data.setHtml(
            "<p>"
            + self.tr("Vermeld bij hergebruik van kaarten en exports de naamsvermelding van elke bron:")
            + "</p><table cellpadding='4' border='0'><tr><th align='left'>"
            + "</th><th align='left'>".join(
                [self.tr("Gegevens"), self.tr("Houder"), self.tr("Licentie"), self.tr("Naamsvermelding")]
            )
            + "</th></tr>"
            + rows
            + "</table>"
        )
        tabs.addTab(data, self.tr("Gegevensbronnen"))

        soft = QTextBrowser(self)
        soft.setOpenExternalLinks(True)
        soft.setHtml(
            "<table cellpadding='4'>"
            + "".join(
                "<tr><td>{name}</td><td><a href='{url}'>{licence}</a></td></tr>".format(
                    name=html.escape(s["name"]),
                    url=html.escape(s["url"], quote=True),
                    licence=html.escape(s["licence"]),
                )
                for s in table["software"]
            )
            + "</table>"
        )
        tabs.addTab(soft, self.tr("Software en licenties"))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(buttons)
        self.tabs = tabs
