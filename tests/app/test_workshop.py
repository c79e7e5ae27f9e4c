"""Workshop mode: presentation window, party buttons, comments and votes, minutes; translations."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QMainWindow

from app import actions
from app.controller import CONSENSUS, ProjectController
from app.i18n import I18N_DIR, current_language, install_translator, set_language
from app.workshop import WorkshopWindow, disputed_plots
from plotscore.agreement import agreement
from projects.reservations import reserve
from projects.workshops import list_comments, new_workshop, workshop_minutes


@pytest.fixture
def workshop(qtbot, controller: ProjectController) -> tuple[WorkshopWindow, int]:
    assert controller.store is not None
    ws = new_workshop(controller.store, "Woonzorgtafel", participants=["wethouder Wonen", "Woonbron"])
    controller.refresh()
    window = WorkshopWindow(controller, ws.id)
    qtbot.addWidget(window)
    window.show()
    return window, ws.id


def test_workshop_window_full_screen_and_party_buttons(
    qtbot, controller: ProjectController, workshop: tuple[WorkshopWindow, int]
) -> None:
    window, _ = workshop
    assert "Woonzorgtafel" in window.title_label.text()
    window.toggle_fullscreen()
    assert window.windowState() & Qt.WindowState.WindowFullScreen
    window.toggle_fullscreen()
    assert not window.windowState() & Qt.WindowState.WindowFullScreen

    parties = list(controller.profile.parties)
    assert parties, "the demo profile has parties"
    assert set(window.party_buttons) == {*parties, CONSENSUS}
    qtbot.mouseClick(window.party_buttons[parties[0]], Qt.MouseButton.LeftButton)
    assert controller.party == parties[0]
    assert window.party_buttons[parties[0]].isChecked()
    qtbot.mouseClick(window.party_buttons[CONSENSUS], Qt.MouseButton.LeftButton)
    assert controller.party == CONSENSUS
    assert window.top_list.count() == 10


def test_disputed_plots_are_marked_in_the_list_and_on_the_map(
    qtbot, controller: ProjectController, workshop: tuple[WorkshopWindow, int]
) -> None:
    window, _ = workshop
    qtbot.waitUntil(lambda: "plots" in window.map_view.layer_ids(), timeout=30_000)  # type: ignore[attr-defined]
    controller.set_party(CONSENSUS)
    disputed = disputed_plots(controller)
    # reference: the party scores of the run, max − min ≥ the threshold of the data file
    run = controller.state.run  # type: ignore[union-attr]
    cols = [f"score_party_{p}" for p in controller.profile.parties]
    spread = run.frame[cols].max(axis=1) - run.frame[cols].min(axis=1)
    limit = agreement().disputed_from_points
    assert disputed == set(run.frame.loc[spread >= limit, "plot_id"].astype(str))
    assert disputed, "the demo has plots the parties disagree about"
    items = [window.top_list.item(i) for i in range(window.top_list.count())]
    flagged = {i.data(Qt.ItemDataRole.UserRole) for i in items if i.data(Qt.ItemDataRole.UserRole + 1)}
    assert flagged == {i.data(Qt.ItemDataRole.UserRole) for i in items} & disputed
    assert flagged, "the room sees a disputed plot in the top list"
    assert all("partijen oneens" in i.text() for i in items if i.data(Qt.ItemDataRole.UserRole) in flagged)
    # every disputed plot is marked on the presentation map, in every party view
    for party in (CONSENSUS, next(iter(controller.profile.parties))):
        controller.set_party(party)
        marks = window.map_view.plot_marks()  # type: ignore[attr-defined]
        assert {pid for pid, ms in marks.items() if any(m.kind == "disputed" for m in ms)} == disputed
    assert window.map_view.marks_layer.anchors.keys() >= disputed  # type: ignore[attr-defined]
    assert window.disputed_list.count() == len(disputed)


def test_comments_votes_and_decisions_persist_and_reach_the_minutes(
    qtbot,
    controller: ProjectController,
    workshop: tuple[WorkshopWindow, int],
    demo_file: Path,
    tmp_path: Path,
) -> None:
    window, workshop_id = workshop
    controller.select(["DLF-003"])
    assert "DLF-003" in window.selected_label.text()
    window.author_edit.setText("Woonbron")
    window.comment_edit.setText("Goede plek, dicht bij de supermarkt")
    qtbot.mouseClick(window.vote_buttons[1], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.post_button, Qt.MouseButton.LeftButton)
    assert window.comments_list.count() == 1
    window.author_edit.setText("Zorgorganisatie")
    window.comment_edit.setText("Te ver van de huisarts")
    qtbot.mouseClick(window.vote_buttons[-1], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.post_button, Qt.MouseButton.LeftButton)
    assert window.comments_list.count() == 2
    window.decision_edit.setText("DLF-003 voordragen voor geclusterd wonen")
    qtbot.mouseClick(window.decision_button, Qt.MouseButton.LeftButton)
    reserve(controller.store, "DLF-003", "geclusterd", 20, 24, workshop_id=workshop_id)  # type: ignore[arg-type]

    # reopen the project: the comments are stored in it
    controller.close_project()
    with qtbot.waitSignal(controller.project_changed, timeout=60_000):
        controller.open_project(demo_file)
    qtbot.waitUntil(lambda: not controller.is_busy)
    stored = list_comments(controller.store, plot_id="DLF-003")  # type: ignore[arg-type]
    assert [(c.author, c.vote, c.workshop_id) for c in stored] == [
        ("Woonbron", 1, workshop_id),
        ("Zorgorganisatie", -1, workshop_id),
    ]

    minutes = workshop_minutes(controller.store, workshop_id)  # type: ignore[arg-type]
    assert minutes.startswith("# Verslag werksessie ")
    assert "wethouder Wonen" in minutes
    plot = "Pand (2) (DLF-003)"  # plots by name and id
    assert f"DLF-003 voordragen voor geclusterd wonen — kavel {plot}" in minutes
    assert f"{plot} — Woonbron (voor): Goede plek, dicht bij de supermarkt" in minutes
    assert f"{plot} — Zorgorganisatie (tegen): Te ver van de huisarts" in minutes
    assert f"| {plot} | 1 | 1 | voor | tegen |" in minutes  # votes tallied per participant
    assert f"{plot}: geclusterd, 20–24 woningen, kansrijk" in minutes
    assert "## Stand van het bod bij de afsluiting" in minutes

    window.controller = controller

    def without_clock(text: str) -> str:  # the close is "now": its minute may tick between two calls
        return "\n".join(line for line in text.splitlines() if "opstellen van dit verslag" not in line)

    out = window.save_minutes(tmp_path / "verslag.md")
    assert without_clock(out.read_text(encoding="utf-8")) == without_clock(minutes)
    pdf = window.save_minutes(tmp_path / "verslag.pdf")
    text = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(pdf).pages).split())
    for words in ("Verslag werksessie", "Stemmen per kavel", "Stand van het bod bij de afsluiting", plot):
        assert words in unicodedata.normalize("NFKC", text)


def test_empty_comment_is_refused_with_dutch_error(
    qtbot, controller: ProjectController, workshop: tuple[WorkshopWindow, int]
) -> None:
    window, _ = workshop
    controller.select(["DLF-004"])
    window.author_edit.setText("Gemeente")
    with qtbot.waitSignal(controller.error) as blocker:
        window.post_comment()
    assert blocker.args[0] == "De opmerking is leeg."
    assert list_comments(controller.store, plot_id="DLF-004") == []  # type: ignore[arg-type]


def test_workshop_menu_starts_session_and_opens_window(qtbot, controller: ProjectController) -> None:
    main = QMainWindow()
    qtbot.addWidget(main)
    flow = actions.install(main, controller)
    assert not flow.actions["workshop_show"].isEnabled()
    workshop_id = flow.begin_workshop("Sessie april", ["gemeente", "corporatie"])
    assert workshop_id is not None
    assert flow.workshop_id == workshop_id
    assert isinstance(flow.workshop_window, WorkshopWindow)
    assert flow.workshop_window.isVisible()
    assert flow.actions["minutes"].isEnabled()
    assert controller.state is not None
    assert controller.state.info is not None
    assert [w["title"] for w in controller.state.info.workshops] == ["Sessie april"]
    flow.workshop_window.close()


def test_english_translator_loads(qtbot) -> None:
    app = QApplication.instance()
    assert app is not None
    assert (I18N_DIR / "bodnaarplot_en.qm").is_file()
    try:
        assert install_translator(app, "en") == "en"
        assert QCoreApplication.translate("WorkflowActions", "&Bestand") == "&File"
        assert QCoreApplication.translate("WorkshopWindow", "Besluit vastleggen") == "Record decision"
    finally:
        install_translator(app, "nl")
    assert QCoreApplication.translate("WorkflowActions", "&Bestand") == "&Bestand"
    assert current_language() == "nl"
    set_language("en")
    assert current_language() == "en"  # stored in the (test) settings for the next start


def test_verslag_opslaan_offers_pdf_and_markdown(
    qtbot, controller: ProjectController, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    main = QMainWindow()
    qtbot.addWidget(main)
    flow = actions.install(main, controller)
    workshop_id = flow.begin_workshop("Sessie mei", ["gemeente", "corporatie"])
    assert workshop_id is not None
    offered: list[str] = []

    def ask(_parent, _title, _start, filters):  # type: ignore[no-untyped-def]
        offered.append(filters)
        return str(tmp_path / "verslag"), filters.split(";;")[0]  # no suffix typed: the filter decides

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(ask))
    messages: list[str] = []
    controller.messages_added.connect(messages.extend)
    flow.save_minutes()
    assert "*.pdf" in offered[0]
    assert "*.md" in offered[0]
    assert (tmp_path / "verslag.pdf").exists()
    assert PdfReader(tmp_path / "verslag.pdf").pages
    assert any("Verslag opgeslagen" in m for m in messages)
