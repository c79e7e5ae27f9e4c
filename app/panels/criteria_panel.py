"""Criteria: the scoring profile, the party view, one live weight slider per criterion, norms.

A slider step calls :meth:`ProjectController.set_weight` only: a weight change is one matvec on
the cached utilities, so dragging stays fluid. Changing a norm or decay (or the profile)
recomputes sub-scores in the controller's worker.

Party view and sliders: the controller scores the consensus view as the mean of the parties'
own weightings, and a party view with that party's weights; the profile's weights (the ones
``set_weight`` edits) count only when neither applies. So when the user drags a slider while
a consensus or party view is shown, the panel first copies the weights of that view into the
profile and switches to the view "Eigen weging" (:data:`CUSTOM_PARTY`): the scores do not jump,
and from then on every slider step changes the ranking.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.controller import CONSENSUS, ProjectController
from app.i18n import domain_label
from app.panels.histogram import ScoreHistogram
from app.panels.widgets import Panel, heading
from plotscore.criteria import (
    PRESET_NOTICE,
    Criterion,
    Decay,
    DecayKind,
    Profile,
    Scale,
    list_profiles,
    load_profile,
    party_label,
    with_decay,
)
from plotscore.errors import ProfileError, ScoringError
from plotscore.model import consensus_weights

__all__ = ["CUSTOM_PARTY", "CriteriaPanel", "NormDialog", "criterion_tooltip", "effective_weights"]

# Party-view id for "the profile's own weights, edited with the sliders". Party ids must match
# ^[a-z][a-z0-9_]*$, so this can never collide with a real party.
CUSTOM_PARTY = "_eigen"
SLIDER_MAX = 100


@lru_cache(maxsize=16)
def _builtin(profile_id: str) -> Profile:
    return load_profile(profile_id)


def effective_weights(
    profile: Profile, party: str, present: Sequence[bool] | npt.NDArray[np.bool_] | None = None
) -> list[float]:
    """The weights the controller scores with in this view, for the sliders.

    Consensus: plotscore's one definition (the mean of the parties' effective weights) × 100;
    ``present`` False for criteria without data, which weigh 0 there.
    """
    if party == CONSENSUS and profile.parties:
        try:
            return [float(x) for x in consensus_weights(profile, present) * 100.0]
        except ScoringError:
            return [0.0 for _ in profile.criteria]
    if party in profile.parties:
        return [float(x) for x in profile.party_weights(party)]
    return [float(x) for x in profile.weights]


def criterion_tooltip(criterion: Criterion) -> str:
    """Where the criterion's numbers come from: "Bron: …" and the preset notice."""
    lines = [domain_label(criterion.label)]
    if criterion.source:
        lines.append(f"Bron: {criterion.source}")
    if criterion.preset:
        lines.append(PRESET_NOTICE[:1].upper() + PRESET_NOTICE[1:] + ".")
    return "\n".join(lines)


def _fmt(value: float) -> str:
    text = f"{value:.1f}".replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


@dataclass
class _Row:
    criterion: Criterion
    name: QLabel
    value: QLabel
    slider: QSlider
    norm: QToolButton


class NormDialog(QDialog):
    """Edit one criterion's norm and decay: kind, full-score and zero-score distance (or values)."""

    def __init__(self, criterion: Criterion, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.criterion = criterion
        self.setWindowTitle(self.tr("Norm voor {0}").format(criterion.label))
        self.kind = QComboBox(self)
        kinds: tuple[tuple[DecayKind, str], ...] = (
            ("step", self.tr("Trapsgewijs: vol tot de norm, daarna 0")),
            ("linear", self.tr("Lineair aflopend")),
            ("logistic", self.tr("Geleidelijk (S-curve)")),
        )
        for key, text in kinds:
            self.kind.addItem(text, key)
        self.full = QDoubleSpinBox(self)
        self.zero = QDoubleSpinBox(self)
        self.is_distance = criterion.kind == "distance" and criterion.decay is not None
        if self.is_distance:
            assert criterion.decay is not None
            for box in (self.full, self.zero):
                box.setRange(0.0, 10_000.0)
                box.setDecimals(0)
                box.setSingleStep(50.0)
                box.setSuffix(" m")
            self.full.setValue(criterion.decay.full_score_m)
            self.zero.setValue(criterion.decay.zero_score_m)
            kind: str = criterion.decay.kind
            full_caption, zero_caption = self.tr("Volle score tot"), self.tr("Score 0 vanaf")
        else:
            assert criterion.scale is not None
            unit = f" {criterion.unit}" if criterion.unit else ""
            for box in (self.full, self.zero):
                box.setRange(-1_000_000.0, 1_000_000.0)
                box.setDecimals(1)
                box.setSuffix(unit)
            self.full.setValue(criterion.scale.full_value)
            self.zero.setValue(criterion.scale.zero_value)
            kind = criterion.scale.kind
            full_caption, zero_caption = self.tr("Volle score bij"), self.tr("Score 0 bij")
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        self.problem = QLabel(self)
        self.problem.setStyleSheet("color: #B71C1C; font-weight: bold;")
        self.problem.setWordWrap(True)
        source = QLabel(criterion_tooltip(criterion), self)
        source.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("Verloop"), self.kind)
        form.addRow(full_caption, self.full)
        form.addRow(zero_caption, self.zero)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Toepassen"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annuleren"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(source)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.full.valueChanged.connect(self._check)
        self.zero.valueChanged.connect(self._check)
        self._check()

    def _problem_text(self) -> str:
        full, zero = self.full.value(), self.zero.value()
        if self.is_distance and full >= zero:
            return self.tr("De afstand voor volle score moet kleiner zijn dan die voor score 0.")
        if not self.is_distance and full == zero:
            return self.tr("De waarden voor volle score en score 0 moeten verschillen.")
        if not self.is_distance and self.criterion.direction == "lower_is_better" and full > zero:
            return self.tr("Bij dit criterium is lager beter: volle score moet onder score 0 liggen.")
        if not self.is_distance and self.criterion.direction == "higher_is_better" and full < zero:
            return self.tr("Bij dit criterium is hoger beter: volle score moet boven score 0 liggen.")
        return ""

    def _check(self) -> None:
        problem = self._problem_text()
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)

    def value(self) -> Decay | Scale:
        kind: DecayKind = self.kind.currentData()
        if self.is_distance:
            return Decay(kind, float(self.full.value()), float(self.zero.value()))
        return Scale(kind, float(self.full.value()), float(self.zero.value()))


class CriteriaPanel(Panel):
    """The Criteria dock: profile, party view, weight sliders, norms, reset."""

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        self._syncing = False
        super().__init__(parent)
        self.controller = controller
        self.rows: dict[str, _Row] = {}

        self.profile_combo = QComboBox(self)
        self.profile_combo.setToolTip(self.tr("Woningcategorie en de criteria die daarbij horen"))
        for pid in list_profiles():
            self.profile_combo.addItem(domain_label(_builtin(pid).label), pid)
        self.party_combo = QComboBox(self)
        self.party_combo.setToolTip(
            self.tr(
                "Met wiens weging wordt gescoord: het gemiddelde van de partijen, één partij of uw eigen schuifjes"
            )
        )
        self.description = QLabel(self)
        self.description.setWordWrap(True)
        self.description.setVisible(False)  # on request: the sliders get the height of a laptop
        self.about_button = QToolButton(self)
        self.about_button.setText(self.tr("Toelichting"))
        self.about_button.setCheckable(True)
        self.about_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.about_button.setArrowType(Qt.ArrowType.RightArrow)
        self.about_button.setToolTip(self.tr("De toelichting bij dit profiel tonen of verbergen"))
        self.about_button.toggled.connect(self._show_description)

        # Two lines per criterion (name and weight; slider and Norm…): fits a narrow laptop
        # dock without squeezing any text, and the area scrolls vertically, never sideways.
        self.slider_area = QWidget(self)
        self.grid = QGridLayout(self.slider_area)
        self.grid.setColumnStretch(0, 1)
        self.grid.setVerticalSpacing(2)
        self.slider_scroll = QScrollArea(self)
        self.slider_scroll.setWidgetResizable(True)
        self.slider_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.slider_scroll.setWidget(self.slider_area)

        self.notice = QLabel(self.tr("Voorinstellingen, geen officiële normen."), self)
        self.notice.setWordWrap(True)
        self.notice.setToolTip(
            self.tr("Alle getallen zijn voorinstellingen om te bespreken, geen officiële normen.")
        )
        self.reset_button = QPushButton(self.tr("Herstel voorinstelling"), self)
        self.reset_button.setToolTip(
            self.tr("Gewichten, normen en partijweergave terug naar het ingebouwde profiel")
        )
        self.histogram = ScoreHistogram(controller, self)

        top = QFormLayout()
        top.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        top.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        top.addRow(self.tr("Profiel"), self.profile_combo)
        top.addRow(self.tr("Weging"), self.party_combo)
        about = QHBoxLayout()
        about.addWidget(self.notice, 1)
        about.addWidget(self.about_button)
        weights = QHBoxLayout()  # the heading and the reset on one line: height for the sliders
        weights.addWidget(heading(self.tr("Gewichten"), self, 1.1), 1)
        weights.addWidget(self.reset_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addLayout(about)
        layout.addWidget(self.description)
        layout.addWidget(self.histogram)
        layout.addLayout(weights)
        layout.addWidget(self.slider_scroll, 1)

        self.profile_combo.activated.connect(self._on_profile_chosen)
        self.party_combo.activated.connect(self._on_party_chosen)
        self.reset_button.clicked.connect(self.reset_to_preset)
        controller.profile_changed.connect(self.rebuild)
        controller.scores_changed.connect(self.sync)
        controller.busy.connect(self._on_busy)
        self.rebuild()

    def _show_description(self, shown: bool) -> None:
        self.description.setVisible(shown)
        self.about_button.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    # -- building --------------------------------------------------------------------------

    def rebuild(self) -> None:
        """New profile: one row per criterion, party choices, description."""
        profile = self.controller.profile
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.rows = {}
        for r, criterion in enumerate(profile.criteria):
            self._add_row(r, criterion)
        self.grid.setRowStretch(2 * len(profile.criteria), 1)

        self.party_combo.clear()
        self.party_combo.addItem(self.tr("Consensus (gemiddelde)"), CONSENSUS)
        for party in profile.parties:
            self.party_combo.addItem(domain_label(party_label(party)), party)
        self.party_combo.addItem(self.tr("Eigen weging (schuifjes)"), CUSTOM_PARTY)

        self._syncing = True
        try:
            index = self.profile_combo.findData(profile.id)
            if index < 0:
                self.profile_combo.addItem(domain_label(profile.label), profile.id)
                index = self.profile_combo.count() - 1
            self.profile_combo.setCurrentIndex(index)
        finally:
            self._syncing = False
        self.description.setText(domain_label(profile.description))
        self.profile_combo.setToolTip(domain_label(profile.description))
        self.description.setToolTip("\n".join(self.tr("Bron: {0}").format(s) for s in profile.sources))
        self.sync()

    def _add_row(self, r: int, criterion: Criterion) -> None:
        tip = criterion_tooltip(criterion)
        name = QLabel(domain_label(criterion.label), self.slider_area)
        name.setWordWrap(True)
        name.setToolTip(tip)
        slider = QSlider(Qt.Orientation.Horizontal, self.slider_area)
        slider.setRange(0, SLIDER_MAX)
        slider.setPageStep(5)
        slider.setToolTip(tip)
        slider.setMinimumWidth(80)
        slider.setAccessibleName(self.tr("Gewicht {0}").format(criterion.label))
        value = QLabel(self.slider_area)
        value.setMinimumWidth(self.fontMetrics().horizontalAdvance("100 (100 %)") + 4)
        value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        norm = QToolButton(self.slider_area)
        norm.setText(self.tr("Norm…"))
        norm.setMinimumWidth(norm.sizeHint().width())  # never cut to "N"
        norm.setToolTip(self.tr("Norm en verloop van {0} aanpassen").format(criterion.label) + "\n\n" + tip)
        cid = criterion.id
        slider.valueChanged.connect(lambda v, cid=cid: self._on_slider(cid, v))
        norm.clicked.connect(lambda _checked=False, cid=cid: self.edit_norm(cid))
        self.grid.addWidget(name, 2 * r, 0)
        self.grid.addWidget(value, 2 * r, 1, 1, 2)
        self.grid.addWidget(slider, 2 * r + 1, 0, 1, 2)
        self.grid.addWidget(norm, 2 * r + 1, 2)
        self.rows[cid] = _Row(criterion, name, value, slider, norm)

    def set_criterion_available(self, criterion_id: str, available: bool, reason: str = "") -> None:
        """Grey out a criterion whose data is missing (e.g. no facilities of its category),
        with the reason as its tooltip; ``available`` brings it back. For the scoring engine's
        notes about categories without data."""
        row = self.rows.get(criterion_id)
        if row is None:
            return
        for widget in (row.name, row.value, row.slider, row.norm):
            widget.setEnabled(available)
        tip = criterion_tooltip(row.criterion)
        row.name.setToolTip(tip if available or not reason else f"{reason}\n\n{tip}")

    # -- controller → panel ----------------------------------------------------------------

    def sync(self) -> None:
        """Show the weights of the current view (called on every scores_changed: cheap)."""
        if self._syncing:
            return
        profile = self.controller.profile
        weights = effective_weights(profile, self.controller.party, self.controller.present)
        absent = self.controller.absent
        # The share each criterion has in the score: criteria without data weigh nothing.
        total = sum(w for c, w in zip(profile.criteria, weights, strict=True) if c.id not in absent) or 1.0
        self._syncing = True
        try:
            for criterion, w in zip(profile.criteria, weights, strict=True):
                row = self.rows.get(criterion.id)
                if row is None:
                    continue
                if row.slider.value() != round(w):
                    row.slider.setValue(round(w))
                reason = absent.get(criterion.id)
                row.slider.setEnabled(reason is None)
                row.name.setEnabled(reason is None)
                if reason is None:
                    row.value.setText(f"{_fmt(w)} ({round(100 * w / total)} %)")
                    row.slider.setToolTip(criterion_tooltip(criterion))
                    row.name.setToolTip(criterion_tooltip(criterion))
                else:
                    # Greyed with the reason: the criterion is left out, the other weights rescaled.
                    row.value.setText(self.tr("telt niet mee"))
                    why = self.tr(
                        "{0}. Dit criterium telt niet mee in de score; de andere gewichten zijn herschaald."
                    )
                    row.slider.setToolTip(why.format(reason) + "\n\n" + criterion_tooltip(criterion))
                    row.name.setToolTip(why.format(reason) + "\n\n" + criterion_tooltip(criterion))
            index = self.party_combo.findData(self.controller.party)
            if index >= 0 and index != self.party_combo.currentIndex():
                self.party_combo.setCurrentIndex(index)
        finally:
            self._syncing = False

    def _on_busy(self, busy: bool, _title: str) -> None:
        # While the scores are recomputed the live model does not match the new profile yet.
        for widget in (self.slider_area, self.profile_combo, self.party_combo, self.reset_button):
            widget.setEnabled(not busy)

    # -- panel → controller ----------------------------------------------------------------

    def _on_profile_chosen(self, index: int) -> None:
        pid = self.profile_combo.itemData(index)
        if pid and pid != self.controller.profile.id:
            self.controller.set_profile(str(pid))

    def _on_party_chosen(self, index: int) -> None:
        self.controller.set_party(str(self.party_combo.itemData(index)))

    def _on_slider(self, criterion_id: str, value: int) -> None:
        if not self._syncing:
            self.set_weight(criterion_id, float(value))

    def set_weight(self, criterion_id: str, weight: float) -> None:
        """One weight from a slider: switch to the custom view first if needed, then score live."""
        profile = self.controller.profile
        party = self.controller.party
        self._syncing = True
        try:
            if (party == CONSENSUS and profile.parties) or party in profile.parties:
                # Leaving a party view: its weights become the profile's, with this slider's
                # value, in one step (one re-rank and one repaint, not one per criterion).
                shown = dict(
                    zip(
                        profile.criterion_ids,
                        effective_weights(profile, party, self.controller.present),
                        strict=True,
                    )
                )
                self.controller.set_weights({**shown, criterion_id: weight}, party=CUSTOM_PARTY)
            else:
                self.controller.set_weight(criterion_id, weight)
        finally:
            self._syncing = False
        self.sync()

    def edit_norm(self, criterion_id: str) -> None:
        row = self.rows.get(criterion_id)
        if row is None:
            return
        dialog = NormDialog(self.controller.profile.criterion(criterion_id), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.apply_norm(criterion_id, dialog.value())

    def apply_norm(self, criterion_id: str, decay: Decay | Scale) -> None:
        """A new norm/decay for one criterion: the sub-scores are recomputed in the background."""
        try:
            profile = with_decay(self.controller.profile, criterion_id, decay)
        except ProfileError as exc:
            QMessageBox.warning(self, self.tr("Norm niet aangepast"), f"{exc.message}\n\n{exc.hint}".strip())
            return
        self.controller.set_profile(profile)

    def reset_to_preset(self) -> None:
        """Back to the built-in profile: weights live; norms (if edited) with a recomputation."""
        profile = self.controller.profile
        if profile.id not in list_profiles():
            return
        preset = _builtin(profile.id)
        same_norms = [(c.id, c.decay, c.scale) for c in profile.criteria] == [
            (c.id, c.decay, c.scale) for c in preset.criteria
        ]
        if same_norms and dict(profile.parties) == dict(preset.parties):
            self._syncing = True
            try:
                self.controller.set_weights({c.id: c.weight for c in preset.criteria}, party=CONSENSUS)
            finally:
                self._syncing = False
            self.sync()
        else:
            self.controller.set_party(CONSENSUS)
            self.controller.set_profile(preset)

    # -- reading (tests) -------------------------------------------------------------------

    def slider(self, criterion_id: str) -> QSlider:
        return self.rows[criterion_id].slider
