"""The app's language: Dutch source strings, English from ``app/i18n/bodnaarplot_en.qm``.

Every user-facing string is written in Dutch inside ``self.tr(...)`` or
``QCoreApplication.translate(...)``. ``scripts/build_translations.sh`` extracts them with
``pyside6-lupdate`` into ``app/i18n/bodnaarplot_en.ts`` (translated there) and compiles the
``.qm`` with ``pyside6-lrelease``. The language comes from the ``--lang`` argument, else from
the setting ``ui/lang`` (default ``nl``). *Beeld → Taal* switches it at once: the translators
are replaced and the main window rebuilds itself (:meth:`app.main_window.MainWindow.rebuild`).

Labels that come from data (profiles, criteria, parties, categories, statuses, zoning) are
translated through a table, ``resources/i18n/labels_<lang>.toml``: :func:`domain_label`.
Dates in the interface are written one way, dd-mm-jjjj (:func:`ui_date`); files keep ISO.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from resources import resource

__all__ = [
    "I18N_DIR",
    "LANGUAGES",
    "active_language",
    "current_language",
    "domain_label",
    "install_translator",
    "set_language",
    "ui_date",
    "ui_number",
]

I18N_DIR = Path(__file__).with_name("i18n")
LANGUAGES: dict[str, str] = {"nl": "Nederlands", "en": "English"}
_SETTING = "ui/lang"
_installed: list[QTranslator] = []  # kept alive: a garbage-collected translator stops working
_active: list[str] = ["nl"]  # the language installed now (one element: no global statement)


def current_language() -> str:
    """The language chosen in the settings (``nl`` when none or an unknown one is stored)."""
    value = str(QSettings().value(_SETTING, "nl") or "nl")
    return value if value in LANGUAGES else "nl"


def active_language() -> str:
    """The language the interface speaks now (what :func:`install_translator` installed)."""
    return _active[0]


def set_language(lang: str) -> None:
    """Remember ``lang`` for the next start (the switch itself: :func:`install_translator`)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    QSettings().setValue(_SETTING, lang)


def install_translator(app: QCoreApplication, lang: str | None = None) -> str:
    """Install the translators for ``lang`` (or the stored language) and return the language used.

    Dutch needs no app translator (it is the source language); Qt's own dialog buttons get
    Qt's translations for the language when they are installed with PySide6. Calling it again
    replaces the translators (Qt then sends every widget a LanguageChange event).
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
    _active[0] = chosen
    return chosen


@lru_cache(maxsize=4)
def _label_table(lang: str) -> dict[str, str]:
    """Dutch data label → ``lang`` (the TOML table plus the facility categories' label_en)."""
    table: dict[str, str] = {}
    cats = tomllib.loads(resource("categories", "facilities.toml").read_text(encoding="utf-8"))
    for spec in cats.get("categories", {}).values():
        translated = spec.get(f"label_{lang}")
        if translated and spec.get("label"):
            table[str(spec["label"])] = str(translated)
    node = resource("i18n", f"labels_{lang}.toml")
    if node.is_file():
        raw = tomllib.loads(node.read_text(encoding="utf-8"))
        table.update({str(k): str(v) for k, v in raw.get("labels", {}).items()})
    return table


def domain_label(text: str, lang: str | None = None) -> str:
    """A label from data in the interface language (Dutch text when no translation is known)."""
    chosen = lang or active_language()
    if chosen == "nl" or not text:
        return text
    table = _label_table(chosen)
    if text in table:
        return table[text]
    lower = text[:1].lower() + text[1:]
    if lower in table:  # "Kansrijk" at the start of a sentence
        hit = table[lower]
        return hit[:1].upper() + hit[1:]
    return text


def ui_date(value: str | dt.date | dt.datetime | None) -> str:
    """dd-mm-jjjj for the interface, from an ISO date/datetime text or a date (empty if none)."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime | dt.date):
        day = value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else value.date()
        return day.strftime("%d-%m-%Y")
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10]).strftime("%d-%m-%Y")
    except ValueError:
        return text


def ui_number(value: float, decimals: int = 0) -> str:
    """A number as the interface writes it: Dutch decimal comma and thousands dot; English 1,234.5."""
    text = f"{value:,.{decimals}f}"
    if active_language() == "nl":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text
