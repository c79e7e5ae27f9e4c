"""New project wizard: gemeente, housing categories, and the opgave (typed or from a CSV).

The wizard collects a :class:`NewProjectSpec`; :mod:`app.actions` creates the project through
the controller (in a worker) and then enters the opgave rows with ``service.set_opgave``.
CSV columns: ``category, period, target`` and optionally ``wijk, source``; ``;`` or ``,``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from projects.errors import InputsError
from projects.records import DEFAULT_CATEGORIES, parse_years

__all__ = ["NewProjectSpec", "NewProjectWizard", "OpgaveSpec", "parse_opgave_csv"]

_OPGAVE_COLUMNS = ("category", "period", "target", "wijk", "source")


@dataclass(frozen=True)
class OpgaveSpec:
    category: str
    period: str
    target: int
    wijk: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class NewProjectSpec:
    target: Path
    name: str
    gemeente_code: str | None
    gemeente_naam: str | None
    categories: list[str] = field(default_factory=list)
    opgave: list[OpgaveSpec] = field(default_factory=list)


def _err(text: str, hint: str = "") -> InputsError:
    return InputsError(text, hint=hint)


def parse_opgave_csv(path: str | Path) -> list[OpgaveSpec]:
    """Read an opgave CSV (category, period, target[, wijk, source]); Dutch errors with the line."""
    t = QCoreApplication.translate
    try:
        raw = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise _err(
            t("NewProjectWizard", "Het CSV-bestand kan niet worden gelezen: {error}").format(error=exc),
            t("NewProjectWizard", "Sla het bestand op als CSV (UTF-8) en probeer opnieuw."),
        ) from exc
    dialect = csv.Sniffer().sniff(raw[:2048], delimiters=";,\t") if raw.strip() else csv.excel
    reader = csv.DictReader(raw.splitlines(), dialect=dialect)
    columns = [c.strip().lower() for c in (reader.fieldnames or [])]
    missing = [c for c in _OPGAVE_COLUMNS[:3] if c not in columns]
    if missing:
        raise _err(
            t("NewProjectWizard", "Kolommen ontbreken in de CSV: {columns}.").format(
                columns=", ".join(missing)
            ),
            t(
                "NewProjectWizard",
                "De eerste regel moet zijn: category;period;target (en eventueel wijk;source).",
            ),
        )
    out: list[OpgaveSpec] = []
    for line, row in enumerate(reader, start=2):
        clean = {str(k).strip().lower(): (v or "").strip() for k, v in row.items() if k is not None}
        if not any(clean.values()):
            continue
        try:
            parse_years(clean["period"])
            target = int(re.sub(r"[\s.]", "", clean["target"]))
        except (InputsError, ValueError) as exc:
            raise _err(
                t("NewProjectWizard", "Regel {line} van de CSV klopt niet: {row}").format(
                    line=line, row=", ".join(clean.values())
                ),
                getattr(exc, "hint", "")
                or t("NewProjectWizard", "Periode als 2026-2030 en een heel aantal woningen."),
            ) from exc
        out.append(
            OpgaveSpec(
                category=clean["category"],
                period=clean["period"],
                target=target,
                wijk=clean.get("wijk") or None,
                source=clean.get("source") or None,
            )
        )
    return out


class _ProjectPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Project en gemeente"))
        self.setSubTitle(self.tr("Waar wordt het project bewaard, en voor welke gemeente is het?"))
        self.file_edit = QLineEdit(self)
        browse = QPushButton(self.tr("Bladeren…"), self)
        browse.clicked.connect(self._browse)
        self.name_edit = QLineEdit(self)
        self.code_edit = QLineEdit(self)
        self.code_edit.setPlaceholderText(self.tr("bijv. 0503"))
        self.code_edit.setMaxLength(6)
        self.gemeente_edit = QLineEdit(self)
        self.gemeente_edit.setPlaceholderText(self.tr("bijv. Delft"))
        row = QHBoxLayout()
        row.addWidget(self.file_edit)
        row.addWidget(browse)
        form = QFormLayout(self)
        form.addRow(self.tr("Projectbestand"), row)
        form.addRow(self.tr("Projectnaam"), self.name_edit)
        form.addRow(self.tr("CBS-gemeentecode"), self.code_edit)
        form.addRow(self.tr("Gemeentenaam"), self.gemeente_edit)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Projectbestand kiezen"), "", self.tr("Projectbestand (*.gpkg)")
        )
        if path:
            self.file_edit.setText(path if path.lower().endswith(".gpkg") else path + ".gpkg")

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        problem = ""
        path = self.file_edit.text().strip()
        if not path.lower().endswith(".gpkg"):
            problem = self.tr("Kies een projectbestand dat op .gpkg eindigt.")
        elif Path(path).exists():
            problem = self.tr("Dit bestand bestaat al; kies een andere naam.")
        elif not self.name_edit.text().strip():
            problem = self.tr("Geef het project een naam.")
        elif self.code_edit.text().strip() and not re.fullmatch(r"(GM)?\d{4}", self.code_edit.text().strip()):
            problem = self.tr("Een CBS-gemeentecode bestaat uit vier cijfers, bijv. 0503.")
        if problem:
            QMessageBox.warning(self, self.tr("Nieuw project"), problem)
            return False
        return True


class _CategoriesPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Woningcategorieën"))
        self.setSubTitle(
            self.tr("Voor welke soorten ouderenwoningen maakt u het bod? Dubbelklik om te wijzigen.")
        )
        self.list = QListWidget(self)
        for cat in DEFAULT_CATEGORIES:
            self._add(cat)
        add = QPushButton(self.tr("Toevoegen"), self)
        remove = QPushButton(self.tr("Verwijderen"), self)
        add.clicked.connect(lambda: self.list.editItem(self._add(self.tr("nieuwe categorie"))))
        remove.clicked.connect(lambda: self.list.takeItem(self.list.currentRow()))
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(buttons)

    def _add(self, text: str) -> QListWidgetItem:
        item = QListWidgetItem(text, self.list)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        return item

    def categories(self) -> list[str]:
        return [t for i in range(self.list.count()) if (t := self.list.item(i).text().strip())]

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        cats = self.categories()
        if not cats or len(set(cats)) != len(cats):
            QMessageBox.warning(
                self,
                self.tr("Nieuw project"),
                self.tr("De categorieën zijn leeg of er staat er een dubbel in."),
            )
            return False
        return True


class _OpgavePage(QWizardPage):
    def __init__(self, categories: _CategoriesPage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._categories = categories
        self.setTitle(self.tr("De opgave (het bod)"))
        self.setSubTitle(
            self.tr(
                "Hoeveel woningen per categorie en periode? Typ ze in of importeer een CSV. Mag ook later."
            )
        )
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Categorie"), self.tr("Periode"), self.tr("Aantal"), self.tr("Wijk"), self.tr("Bron")]
        )
        self.table.horizontalHeader().setStretchLastSection(True)
        add = QPushButton(self.tr("Regel toevoegen"), self)
        remove = QPushButton(self.tr("Regel verwijderen"), self)
        import_csv = QPushButton(self.tr("Importeren uit CSV…"), self)
        add.clicked.connect(lambda: self.add_row(OpgaveSpec("", "2026-2030", 0)))
        remove.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        import_csv.clicked.connect(self._import)
        buttons = QHBoxLayout()
        for b in (add, remove, import_csv):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.hint = QLabel(
            self.tr("CSV-kolommen: category, period, target, en eventueel wijk, source."), self
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.hint)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        if self.table.rowCount() == 0:
            for cat in self._categories.categories():
                self.add_row(OpgaveSpec(cat, "2026-2030", 0))

    def add_row(self, spec: OpgaveSpec) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for col, value in enumerate((spec.category, spec.period, str(spec.target), spec.wijk, spec.source)):
            self.table.setItem(row, col, QTableWidgetItem(value or ""))

    def load_csv(self, path: str | Path) -> None:
        rows = parse_opgave_csv(path)
        self.table.setRowCount(0)
        for spec in rows:
            self.add_row(spec)

    def _import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Opgave importeren"), "", self.tr("CSV (*.csv *.txt)")
        )
        if not path:
            return
        try:
            self.load_csv(path)
        except InputsError as exc:
            QMessageBox.warning(self, self.tr("Opgave importeren"), f"{exc.message}\n\n{exc.hint}")

    def rows(self) -> list[OpgaveSpec]:
        out: list[OpgaveSpec] = []
        for row in range(self.table.rowCount()):
            items = [self.table.item(row, c) for c in range(5)]
            cells = [item.text().strip() if item is not None else "" for item in items]
            if not cells[0]:
                continue
            target = int(cells[2] or 0)
            if target <= 0:
                continue  # a zero target is "not known yet": not entered
            out.append(OpgaveSpec(cells[0], cells[1], target, cells[3] or None, cells[4] or None))
        return out

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        cats = set(self._categories.categories())
        try:
            for spec in self.rows():
                if spec.category not in cats:
                    raise _err(
                        self.tr("Categorie '{cat}' staat niet in de lijst van categorieën.").format(
                            cat=spec.category
                        )
                    )
                parse_years(spec.period)
        except (InputsError, ValueError) as exc:
            message = getattr(exc, "message", "") or self.tr("Een aantal woningen moet een heel getal zijn.")
            QMessageBox.warning(self, self.tr("Nieuw project"), message)
            return False
        return True


class NewProjectWizard(QWizard):
    """Three pages: project and gemeente, categories, opgave."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newProjectWizard")
        self.setWindowTitle(self.tr("Nieuw project"))
        self.project_page = _ProjectPage(self)
        self.categories_page = _CategoriesPage(self)
        self.opgave_page = _OpgavePage(self.categories_page, self)
        for page in (self.project_page, self.categories_page, self.opgave_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("Volgende >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< Vorige"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Aanmaken"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Annuleren"))
        self.resize(720, 520)

    def spec(self) -> NewProjectSpec:
        page = self.project_page
        code = page.code_edit.text().strip() or None
        return NewProjectSpec(
            target=Path(page.file_edit.text().strip()),
            name=page.name_edit.text().strip(),
            gemeente_code=code,
            gemeente_naam=page.gemeente_edit.text().strip() or None,
            categories=self.categories_page.categories(),
            opgave=self.opgave_page.rows(),
        )
