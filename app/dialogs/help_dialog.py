"""*Help → Handleiding*: the Dutch user guide (docs/handleiding.md) rendered in the app.

The guide ships beside the code in a checkout and inside the standalone bundle; a wheel
install has no docs folder, and then the dialog says where the guide is instead.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

import app

__all__ = ["HelpDialog", "glossary_path", "handleiding_path"]


def _doc(name: str) -> Path | None:
    path = Path(app.__file__).resolve().parents[1] / "docs" / name
    return path if path.is_file() else None


def handleiding_path() -> Path | None:
    """docs/handleiding.md next to the packages (checkout or bundle), if it is there."""
    return _doc("handleiding.md")


def glossary_path() -> Path | None:
    """docs/begrippen.md (the glossary: kavel, locatie, opgave, bod, zeker, in beeld, …)."""
    return _doc("begrippen.md")


class HelpDialog(QDialog):
    def __init__(
        self, parent: QWidget | None = None, *, path: Path | None = None, title: str | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle((title or self.tr("Handleiding")) + " — Van Bod naar Plot")
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        self.resize(
            min(900, screen.width() - 40) if screen else 900,
            min(760, screen.height() - 60) if screen else 760,
        )
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(True)
        path = path if path is not None else handleiding_path()
        if path is not None:
            # Markdown with its screenshots (docs/img/...) resolved relative to the file.
            self.browser.setSource(QUrl.fromLocalFile(str(path)), QTextDocument.ResourceType.MarkdownResource)
            self._fit_images(820)
        else:
            self.browser.setMarkdown(
                self.tr(
                    "# Handleiding\n\nDe handleiding staat in `docs/handleiding.md` in de broncode van "
                    "Van Bod naar Plot (en in de losse installatie). Deze installatie (wheel) bevat hem niet."
                )
            )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)

    def _fit_images(self, max_width: int) -> None:
        """Show the screenshots (1440 px wide) at reading width instead of scrolling sideways."""
        doc = self.browser.document()
        block = doc.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                fmt = fragment.charFormat()
                if fmt.isImageFormat():
                    image = fmt.toImageFormat()
                    resource = doc.resource(QTextDocument.ResourceType.ImageResource, QUrl(image.name()))
                    width = getattr(resource, "width", lambda: 0)()
                    if width > max_width:
                        image.setWidth(max_width)
                        image.setHeight(resource.height() * max_width / width)
                        cursor = QTextCursor(doc)
                        cursor.setPosition(fragment.position())
                        cursor.setPosition(
                            fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor
                        )
                        cursor.setCharFormat(image)
                it += 1
            block = block.next()
