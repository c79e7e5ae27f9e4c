"""The dock panels on the real Delft demo project (offscreen, no network)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from app.controller import CONSENSUS, ProjectController
from app.panels.criteria_panel import CUSTOM_PARTY, CriteriaPanel, NormDialog
from app.panels.detail_panel import PlotDetailPanel
from app.panels.layers_panel import LayersPanel
from app.panels.ledger_panel import LedgerPanel, gap_text
from app.panels.messages_panel import MessagesPanel
from app.panels.plots_panel import PLOT_ID_ROLE, PlotsPanel
from app.panels.widgets import Panel, panel_style, set_font_point_size
from app.state import load_state
from plotscore.criteria import Decay
from plotscore.explain import FAIL_MARK, OK_MARK
from projects.demo import create_demo_project
from projects.imports import import_layer
from projects.reservations import reserve

N_DEMO_PLOTS = 58


@pytest.fixture
def controller(qtbot: QtBot, tmp_path: Path) -> Iterator[ProjectController]:
    """A controller with the demo project opened the way the app opens it (minus the worker)."""
    store = create_demo_project(tmp_path / "demo.gpkg")
    state = load_state(store)
    ctl = ProjectController()
    ctl._opened((store, state))
    yield ctl
    ctl.close_project()


def _open_into(ctl: ProjectController, tmp_path: Path) -> None:
    store = create_demo_project(tmp_path / "demo.gpkg")
    ctl._opened((store, load_state(store)))


def _ranks(panel: PlotsPanel) -> list[int]:
    col = panel.model.column_of("rank")
    return [int(panel.proxy.index(r, col).data()) for r in range(panel.proxy.rowCount())]


def _colour_count(image: QImage, colour: QColor) -> int:
    """How many pixels on a coarse grid have exactly this colour."""
    target = colour.rgb() & 0xFFFFFF
    hits = 0
    for x in range(0, image.width(), 2):
        for y in range(0, image.height(), 2):
            if image.pixel(x, y) & 0xFFFFFF == target:
                hits += 1
    return hits


# -- Locaties ---------------------------------------------------------------------------------


def test_table_lists_every_plot_sorted_by_rank(qtbot: QtBot, controller: ProjectController) -> None:
    panel = PlotsPanel(controller)
    qtbot.addWidget(panel)
    assert panel.proxy.rowCount() == N_DEMO_PLOTS
    ranks = _ranks(panel)
    assert ranks == sorted(ranks)
    assert ranks[0] == 1
    best = int(np.argmax(controller.scores))
    assert panel.visible_plot_ids()[0] == str(controller.state.run.frame["plot_id"].iloc[best])
    headers = [panel.model.headerData(c, Qt.Orientation.Horizontal) for c in range(panel.model.columnCount())]
    for expected in ("Rang", "Id", "Naam", "Score", "Supermarkt", "Bestemming", "Schatting", "Status"):
        assert expected in headers
    assert panel.count_label.text() == f"{N_DEMO_PLOTS} van {N_DEMO_PLOTS} locaties"


def test_weight_slider_changes_ranking_without_model_reset(
    qtbot: QtBot, controller: ProjectController
) -> None:
    plots = PlotsPanel(controller)
    criteria = CriteriaPanel(controller)
    qtbot.addWidget(plots)
    qtbot.addWidget(criteria)
    before = plots.visible_plot_ids()
    resets: list[int] = []
    plots.model.modelReset.connect(lambda: resets.append(1))

    criteria.slider("supermarkt").setValue(0)
    criteria.slider("treinstation").setValue(100)

    after = plots.visible_plot_ids()
    assert after != before
    assert sorted(after) == sorted(before)
    assert controller.party == CUSTOM_PARTY
    assert controller.profile.criterion("supermarkt").weight == 0
    assert controller.profile.criterion("treinstation").weight == 100
    best = int(np.argmax(controller.scores))
    assert after[0] == str(controller.state.run.frame["plot_id"].iloc[best])
    assert _ranks(plots) == sorted(_ranks(plots))
    assert resets == []  # live scores never reset the model
    assert criteria.rows["treinstation"].value.text().startswith("100 (")


def test_live_scores_only_touch_score_and_rank_columns(qtbot: QtBot, controller: ProjectController) -> None:
    plots = PlotsPanel(controller)
    criteria = CriteriaPanel(controller)
    qtbot.addWidget(plots)
    qtbot.addWidget(criteria)
    plots.view.sortByColumn(plots.model.column_of("name"), Qt.SortOrder.AscendingOrder)
    names_before = plots.visible_plot_ids()
    changed: list[tuple[int, int]] = []
    layouts: list[int] = []
    plots.model.dataChanged.connect(lambda tl, br, _roles=(): changed.append((tl.column(), br.column())))
    plots.model.layoutChanged.connect(lambda *_: layouts.append(1))

    criteria.slider("park").setValue(90)

    allowed = {plots.model.column_of("rank"), plots.model.column_of("score")}
    assert changed
    assert {c for pair in changed for c in pair} <= allowed
    assert layouts == []  # sorted by name: the order does not change
    assert plots.visible_plot_ids() == names_before


def test_selecting_a_row_selects_the_plot_and_shows_its_detail(
    qtbot: QtBot, controller: ProjectController
) -> None:
    plots = PlotsPanel(controller)
    detail = PlotDetailPanel(controller)
    qtbot.addWidget(plots)
    qtbot.addWidget(detail)
    with qtbot.waitSignal(controller.selection_changed, timeout=1000):
        plots.view.selectRow(0)
    top_id = plots.visible_plot_ids()[0]
    assert controller.selection == [top_id]
    assert detail.plot_id == top_id

    rows = detail.criteria_rows()
    supermarkt = next(r for r in rows if r[0] == "Supermarkt")
    assert " m" in supermarkt[1] or " km" in supermarkt[1]
    assert "min" in supermarkt[1]  # walking minutes next to the metres
    # ✓/✗ and the points share the last column: "✓ 100"; "–" for a criterion without data
    marks = [r[3].split() for r in rows if r[3] != "–"]
    assert marks
    assert {m[0] for m in marks} <= {OK_MARK, FAIL_MARK}
    assert all(0 <= int(m[1]) <= 100 for m in marks)
    assert "lopend" in detail.method_label.text()
    assert detail.title.text()
    assert detail.reservation_label.text() == "Niet gereserveerd"

    # And the other way round: a selection from the map shows up in the table.
    other = plots.visible_plot_ids()[5]
    controller.select([other])
    assert plots.selected_plot_ids() == [other]
    assert detail.plot_id == other

    requested: list[str] = []
    detail.reserve_requested.connect(requested.append)
    detail.note_requested.connect(requested.append)
    detail.reserve_button.click()
    detail.note_button.click()
    assert requested == [other, other]


def test_filters_narrow_the_table(qtbot: QtBot, controller: ProjectController) -> None:
    panel = PlotsPanel(controller)
    qtbot.addWidget(panel)
    panel.search.setText("julianalaan")
    assert panel.visible_plot_ids() == ["DLF-001"]
    panel.search.clear()
    panel.zoning_filter.setCurrentIndex(panel.zoning_filter.findData("onbekend"))
    assert panel.proxy.rowCount() == 5
    panel.zoning_filter.setCurrentIndex(0)

    reserve(controller.store, "DLF-010", "geclusterd", 10, 15, status="voorgedragen", years="2026-2030")
    controller.refresh()
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("voorgedragen"))
    assert panel.visible_plot_ids() == ["DLF-010"]
    status_col = panel.model.column_of("status")
    assert panel.proxy.index(0, status_col).data() == "voorgedragen"
    assert panel.proxy.index(0, status_col).data(PLOT_ID_ROLE) == "DLF-010"


# -- Criteria ---------------------------------------------------------------------------------


def test_party_switch_changes_scores(qtbot: QtBot, controller: ProjectController) -> None:
    plots = PlotsPanel(controller)
    criteria = CriteriaPanel(controller)
    qtbot.addWidget(plots)
    qtbot.addWidget(criteria)
    consensus = controller.scores.copy()
    index = criteria.party_combo.findData("zorgorganisatie")
    assert criteria.party_combo.itemText(index) == "Zorgorganisatie"
    criteria.party_combo.activated.emit(index)
    assert controller.party == "zorgorganisatie"
    assert not np.allclose(controller.scores, consensus)
    # The sliders now show the zorgorganisatie's own weights.
    assert criteria.slider("zorglocatie").value() == 24
    assert criteria.slider("treinstation").value() == 0
    # The table shows the new scores.
    score_col = plots.model.column_of("score")
    first = plots.visible_plot_ids()[0]
    pos = int(np.flatnonzero(controller.state.run.frame["plot_id"].to_numpy() == first)[0])
    shown = plots.proxy.index(0, score_col).data()
    assert shown == f"{controller.scores[pos]:.1f}".replace(".", ",").removesuffix(",0")
    assert first == str(controller.state.run.frame["plot_id"].iloc[int(np.argmax(controller.scores))])


def test_criteria_tooltips_cite_the_source(qtbot: QtBot, controller: ProjectController) -> None:
    panel = CriteriaPanel(controller)
    qtbot.addWidget(panel)
    assert set(panel.rows) == set(controller.profile.criterion_ids)
    for criterion in controller.profile.criteria:
        row = panel.rows[criterion.id]
        for tip in (row.name.toolTip(), row.slider.toolTip()):
            assert f"Bron: {criterion.source}" in tip
            assert "geen officiële norm" in tip
        assert row.name.text() == criterion.label


def test_norm_edit_rescored_in_the_background(qtbot: QtBot, controller: ProjectController) -> None:
    panel = CriteriaPanel(controller)
    qtbot.addWidget(panel)
    dialog = NormDialog(controller.profile.criterion("supermarkt"), panel)
    qtbot.addWidget(dialog)
    assert dialog.full.value() == 400
    assert dialog.zero.value() == 1000
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.full.setValue(1200)
    assert not ok.isEnabled()
    assert "kleiner" in dialog.problem.text()
    dialog.full.setValue(300)
    dialog.kind.setCurrentIndex(dialog.kind.findData("step"))
    assert ok.isEnabled()
    decay = dialog.value()
    assert decay == Decay("step", 300.0, 1000.0)

    with qtbot.waitSignal(controller.state_changed, timeout=30_000):
        panel.apply_norm("supermarkt", decay)
    assert controller.state.run.profile.criterion("supermarkt").decay == decay
    assert controller.profile.criterion("supermarkt").decay == decay
    assert set(panel.rows) == set(controller.profile.criterion_ids)
    sub = controller.state.run.frame["score_supermarkt"].to_numpy()
    assert set(np.unique(np.round(sub))) <= {0.0, 100.0}  # a step decay: full or nothing


def test_reset_to_preset_restores_weights_and_consensus(qtbot: QtBot, controller: ProjectController) -> None:
    panel = CriteriaPanel(controller)
    qtbot.addWidget(panel)
    consensus = controller.scores.copy()
    panel.slider("supermarkt").setValue(5)
    assert controller.party == CUSTOM_PARTY
    panel.reset_button.click()
    assert controller.party == CONSENSUS
    assert controller.profile.criterion("supermarkt").weight == 52
    np.testing.assert_allclose(controller.scores, consensus, rtol=1e-5)


# -- Bod --------------------------------------------------------------------------------------


def test_ledger_paints_and_reflects_a_reservation(qtbot: QtBot, controller: ProjectController) -> None:
    panel = LedgerPanel(controller)
    qtbot.addWidget(panel)
    panel.resize(700, 480)
    panel.show()
    bars = {b.category: b for b in panel.chart.bars()}
    assert set(bars) == {"nultreden", "geclusterd", "zorggeschikt"}
    assert bars["geclusterd"].target == 70
    assert bars["geclusterd"].gap_words == "tekort 70"
    image = panel.chart.grab().toImage()
    assert not image.isNull()
    assert image.width() > 0
    reserved = panel_style().status_colour("gereserveerd")
    assert _colour_count(image, reserved) == 0

    reserve(controller.store, "DLF-010", "geclusterd", 20, 30, status="gereserveerd", years="2026-2030")
    controller.refresh()

    bar = next(b for b in panel.chart.bars() if b.category == "geclusterd")
    assert bar.in_beeld == (20, 30)
    assert bar.zeker == (20, 30)
    assert bar.gap_words == "tekort 40–50"
    assert ("gereserveerd", 20, 30) in bar.segments
    image = panel.chart.grab().toImage()
    assert _colour_count(image, reserved) > 20  # the bar is drawn in the status colour


def test_gap_words() -> None:
    assert gap_text(50, 35) == "tekort 35–50"
    assert gap_text(-10, -10) == "over 10"
    assert gap_text(0, 0) == "opgave gehaald"
    assert gap_text(None, None) == ""


# -- Meldingen --------------------------------------------------------------------------------


def test_messages_panel_lists_import_warnings_and_errors(
    qtbot: QtBot, tmp_path: Path, controller: ProjectController
) -> None:
    panel = MessagesPanel(controller)
    qtbot.addWidget(panel)
    assert panel.messages() == []
    csv = tmp_path / "extra_kavels.csv"
    csv.write_text("naam;x;y\nHofje Noord;85200;446300\nHofje Zuid;85350;446150\n", encoding="utf-8")
    # The controller's import runs the same steps in a Worker; here they run on the test thread,
    # because pyproj 3.7.2 can crash on QThreadPool threads (see the panels report).
    lines: list[str] = []
    for src in import_layer(controller.store, csv, "plots"):
        lines.append(f"Geïmporteerd: {src.label} ({src.feature_count} objecten)")
        lines.extend(f"{src.label}: {w}" for w in (src.warnings or []))
    controller._imported((load_state(controller.store), lines))
    texts = panel.messages()
    assert texts[0].endswith("Geïmporteerd: extra_kavels.csv (2 objecten)")  # newest batch on top
    assert any("gegenereerd id" in t for t in texts)  # the loader's warning about missing ids
    assert all(t[2] == ":" and t[5] == ":" for t in texts)  # HH:MM:SS time stamps

    controller.error.emit("Bestand is beschadigd.", "Kies een ander bestand.")
    assert panel.messages()[0].endswith("FOUT: Bestand is beschadigd. Kies een ander bestand.")
    assert panel.errors() == [panel.messages()[0]]
    assert panel.list.item(0).foreground().color() == panel_style().message_colour("error")
    panel.clear_button.click()
    assert panel.messages() == []


def test_messages_from_opening_a_project_are_listed(qtbot: QtBot, tmp_path: Path) -> None:
    ctl = ProjectController()
    panel = MessagesPanel(ctl)
    qtbot.addWidget(panel)
    _open_into(ctl, tmp_path)
    assert any("Geen gegevens in de geladen lagen over" in t for t in panel.messages())
    ctl.close_project()


# -- Lagen ------------------------------------------------------------------------------------


class FakeMap(QObject):
    """The MapView layer contract, in memory."""

    layers_changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.order = ["zoning", "buildings", "plots"]  # bottom → top
        self.titles = {"zoning": "Bestemmingen", "buildings": "Gebouwen", "plots": "Locaties"}
        self.visible = dict.fromkeys(self.order, True)
        self.opacity = dict.fromkeys(self.order, 1.0)
        self.colouring = "score"
        self.basemap: str | None = "standaard"

    def layer_ids(self) -> list[str]:
        return list(self.order)

    def layer_title(self, layer_id: str) -> str:
        return self.titles[layer_id]

    def is_layer_visible(self, layer_id: str) -> bool:
        return self.visible[layer_id]

    def set_layer_visible(self, layer_id: str, visible: bool) -> None:
        self.visible[layer_id] = visible
        self.layers_changed.emit()

    def layer_opacity(self, layer_id: str) -> float:
        return self.opacity[layer_id]

    def set_layer_opacity(self, layer_id: str, opacity: float) -> None:
        self.opacity[layer_id] = opacity
        self.layers_changed.emit()

    def set_layer_order(self, layer_ids: list[str]) -> None:
        self.order = list(layer_ids)
        self.layers_changed.emit()

    def set_plot_colouring(self, mode: str) -> None:
        self.colouring = mode

    def set_basemap(self, style: str | None) -> None:
        self.basemap = style


def test_layers_panel_drives_the_map(qtbot: QtBot, controller: ProjectController) -> None:
    fake = FakeMap()
    panel = LayersPanel(controller, fake)
    qtbot.addWidget(panel)
    assert panel.shown_ids() == ["plots", "buildings", "zoning"]  # top layer first
    assert [panel.list.item(i).text() for i in range(3)] == ["Locaties", "Gebouwen", "Bestemmingen"]

    panel.list.item(1).setCheckState(Qt.CheckState.Unchecked)
    assert fake.visible["buildings"] is False

    panel.list.setCurrentRow(2)
    assert "Bestemmingen" in panel.opacity_label.text()
    panel.opacity.setValue(40)
    assert fake.opacity["zoning"] == pytest.approx(0.4)

    panel.move_layer("zoning", 0)
    assert fake.order == ["buildings", "plots", "zoning"]
    assert panel.shown_ids() == ["zoning", "plots", "buildings"]
    assert panel.list.item(2).checkState() == Qt.CheckState.Unchecked  # state kept after reorder

    panel.by_status.setChecked(True)
    assert fake.colouring == "status"
    panel.basemap.setCurrentIndex(panel.basemap.findText("Uit"))
    assert fake.basemap is None
    panel.basemap.setCurrentIndex(panel.basemap.findText("Grijs"))
    assert fake.basemap == "grijs"

    # A change made elsewhere (e.g. a new layer after an import) shows up.
    fake.order.append("reach")
    fake.titles["reach"] = "Loopbereik"
    fake.visible["reach"] = False
    fake.opacity["reach"] = 0.5
    fake.layers_changed.emit()
    assert panel.shown_ids()[0] == "reach"
    assert panel.list.item(0).checkState() == Qt.CheckState.Unchecked


# -- Projector defaults -----------------------------------------------------------------------


def test_font_size_setting_applies_to_open_panels(qtbot: QtBot, controller: ProjectController) -> None:
    panels: list[Panel] = [MessagesPanel(controller), LedgerPanel(controller), PlotDetailPanel(controller)]
    for p in panels:
        qtbot.addWidget(p)
        assert p.font().pointSize() == 13
    set_font_point_size(20)
    assert all(p.font().pointSize() == 20 for p in panels)
    assert PlotsPanel(controller).font().pointSize() == 20


def test_leaving_a_party_view_rescores_once(qtbot: QtBot, controller: ProjectController) -> None:
    """Dragging a slider in a party view: the view's weights become the profile's in one step."""
    panel = CriteriaPanel(controller)
    qtbot.addWidget(panel)
    controller.set_party("zorgorganisatie")
    party_weights = dict(
        zip(
            controller.profile.criterion_ids, controller.profile.party_weights("zorgorganisatie"), strict=True
        )
    )
    emitted: list[int] = []
    controller.scores_changed.connect(lambda: emitted.append(1))
    panel.slider("zorglocatie").setValue(30)
    assert len(emitted) == 1
    assert controller.party == CUSTOM_PARTY
    for criterion in controller.profile.criteria:
        expected = 30 if criterion.id == "zorglocatie" else party_weights[criterion.id]
        assert criterion.weight == pytest.approx(expected)


def test_consensus_view_equals_the_mean_of_the_party_scores(
    qtbot: QtBot, controller: ProjectController
) -> None:
    """An independent reference: the consensus the room sees is the mean of each party's own score."""
    run = controller.state.run
    controller.set_party(CONSENSUS)
    frame = run.frame
    utilities = np.vstack(
        [frame[f"score_{c}"].to_numpy(dtype=np.float64) for c in controller.profile.criterion_ids]
    )
    # A criterion without any data (all NaN, e.g. no care locations loaded) is left out and the
    # party's other weights renormalised: each party's own score on what there is to score.
    has_data = ~np.isnan(utilities).all(axis=1)
    assert has_data.any()
    party_scores = []
    for party in controller.profile.parties:
        w = np.asarray(controller.profile.party_weights(party), dtype=np.float64)[has_data]
        party_scores.append(w @ np.nan_to_num(utilities[has_data]) / w.sum())
    np.testing.assert_allclose(controller.scores, np.mean(party_scores, axis=0), atol=1e-3)
    np.testing.assert_allclose(frame["consensus"].to_numpy(), np.mean(party_scores, axis=0), atol=1e-3)


def test_criteria_without_data_are_greyed_with_the_reason(
    qtbot: QtBot, controller: ProjectController
) -> None:
    """The demo has no care locations: that slider is disabled, says why, and the shares exclude it."""
    panel = CriteriaPanel(controller)
    qtbot.addWidget(panel)
    absent = controller.absent
    assert absent, "the demo lacks at least one facility category"
    for cid, row in panel.rows.items():
        if cid in absent:
            assert not row.slider.isEnabled()
            assert row.value.text() == "telt niet mee"
            assert absent[cid] in row.slider.toolTip()
            assert "herschaald" in row.slider.toolTip()
        else:
            assert row.slider.isEnabled()
    # The shown shares of the criteria with data add up to 100 % (rounding aside).
    shares = [
        int(row.value.text().split("(")[1].split(" %")[0])
        for cid, row in panel.rows.items()
        if cid not in absent
    ]
    assert abs(sum(shares) - 100) <= len(shares)


def test_detail_panel_shows_no_cross_for_a_criterion_without_data(
    qtbot: QtBot, controller: ProjectController
) -> None:
    panel = PlotDetailPanel(controller)
    qtbot.addWidget(panel)
    controller.select([str(controller.state.plots["plot_id"].iloc[0])])
    table = panel.criteria_table
    labels = {c.id: c.label for c in controller.profile.criteria}
    absent_labels = {labels[c] for c in controller.absent}
    # Names wrap at spaces in a narrow dock: compare them unwrapped.
    rows = {" ".join(table.item(r, 0).text().split()): r for r in range(table.rowCount())}
    assert absent_labels
    assert absent_labels <= set(rows)
    for label in absent_labels:
        r = rows[label]
        assert table.item(r, 3).text() == "–"
        assert "geen gegevens" in table.item(r, 1).text()
        assert "telt niet mee" in table.item(r, 1).toolTip()
