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

__all__ = ["HelpDialog", "handleiding_path"]


def handleiding_path() -> Path | None:
    """docs/handleiding.md next to the packages (checkout or bundle), if it is there."""
    path = Path(app.__file__).resolve().parents[1] / "docs" / "handleiding.md"
    return path if path.is_file() else None


class HelpDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Handleiding — Van Bod naar Plot"))
        self.resize(900, 760)
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(True)
        path = handleiding_path()
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
