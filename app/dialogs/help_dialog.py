"""*Help → Handleiding*: the Dutch user guide (docs/handleiding.md) rendered in the app.

The guide ships beside the code in a checkout and inside the standalone bundle; a wheel
install has no docs folder, and then the dialog says where the guide is instead.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument
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
