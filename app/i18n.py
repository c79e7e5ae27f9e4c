"""The app's language: Dutch source strings, English from ``app/i18n/bodnaarplot_en.qm``.

Every user-facing string is written in Dutch inside ``self.tr(...)`` or
``QCoreApplication.translate(...)``. ``scripts/build_translations.sh`` extracts them with
``pyside6-lupdate`` into ``app/i18n/bodnaarplot_en.ts`` (translated there) and compiles the
``.qm`` with ``pyside6-lrelease``. The language comes from the ``--lang`` argument, else from
the setting ``ui/lang`` (default ``nl``); a change in the menu applies after a restart.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

__all__ = ["I18N_DIR", "LANGUAGES", "current_language", "install_translator", "set_language"]

I18N_DIR = Path(__file__).with_name("i18n")
LANGUAGES: dict[str, str] = {"nl": "Nederlands", "en": "English"}
_SETTING = "ui/lang"
_installed: list[QTranslator] = []  # kept alive: a garbage-collected translator stops working


def current_language() -> str:
    """The language chosen in the settings (``nl`` when none or an unknown one is stored)."""
    value = str(QSettings().value(_SETTING, "nl") or "nl")
    return value if value in LANGUAGES else "nl"


def set_language(lang: str) -> None:
    """Remember ``lang`` for the next start."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    QSettings().setValue(_SETTING, lang)


def install_translator(app: QCoreApplication, lang: str | None = None) -> str:
    """Install the translators for ``lang`` (or the stored language) and return the language used.

    Dutch needs no app translator (it is the source language); Qt's own dialog buttons get
    Qt's translations for the language when they are installed with PySide6.
    """
    chosen = lang if lang in LANGUAGES else current_language()
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    QLocale.setDefault(QLocale(QLocale.Language.Dutch if chosen == "nl" else QLocale.Language.English))
    qt_translator = QTranslator(app)
    if qt_translator.load(f"qtbase_{chosen}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_translator)
        _installed.append(qt_translator)
    if chosen != "nl":
        translator = QTranslator(app)
        if translator.load(str(I18N_DIR / f"bodnaarplot_{chosen}.qm")):
            app.installTranslator(translator)
            _installed.append(translator)
    return chosen
