"""Screenshot scenes: the app put in a known state for the handleiding (``--scene NAAM``).

``bodnaarplot demo --screenshot x.png --scene reserveren`` opens the demo, plays the scene (the
same actions a user takes: select the best plot, pick a party, reserve, start a workshop, ...)
and saves the window or dialog the scene shows. ``scripts/make_screenshots.sh`` renders every
scene into ``docs/img/``; a test renders them all, so the guide's pictures match the app.

Each scene returns the widget to photograph; reservations it needs are made through
:mod:`projects.reservations`, exactly as the *Reserveren* dialog does.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QEventLoop, QPointF, Qt
from PySide6.QtWidgets import QApplication, QWidget

from app.controller import CONSENSUS, ProjectController
from app.main_window import MainWindow
from app.workshop import plot_ids
from projects.reservations import reserve

__all__ = ["SCENES", "play"]

# Example reservations for the ledger scenes: (rank in the top list, category, min, max, status,
# partners). Example values, like the demo's opgave, not a real agreement.
_EXAMPLE_RESERVATIONS = (
    (
        0,
        "geclusterd",
        30,
        40,
        "gereserveerd",
        (
            ("Woonbron (voorbeeld)", "corporatie"),
            ("Ipse de Bruggen (voorbeeld)", "zorgorganisatie"),
            ("Bewonersgroep Mekelweg (voorbeeld)", "bewoners"),
        ),
    ),
    (1, "geclusterd", 20, 30, "voorgedragen", (("Ipse de Bruggen (voorbeeld)", "zorgorganisatie"),)),
    (2, "nultreden", 40, 60, "kansrijk", ()),
    (3, "zorggeschikt", 12, 18, "in prestatieafspraak", (("Woonbron (voorbeeld)", "corporatie"),)),
)


def _top_ids(controller: ProjectController, n: int) -> list[str]:
    ids = plot_ids(controller)
    return [ids[int(i)] for i in controller.top[:n]] if ids else []


def _select_best(window: MainWindow, controller: ProjectController) -> str | None:
    best = _top_ids(controller, 1)
    if not best:
        return None
    controller.select(best)
    window.workflow.zoom_selection()
    return best[0]


def _reserve_examples(controller: ProjectController) -> None:
    store = controller.store
    if store is None or controller.state is None or len(controller.state.reservations):
        return
    ids = _top_ids(controller, 10)
    for rank, category, lo, hi, status, partners in _EXAMPLE_RESERVATIONS:
        if rank < len(ids):
            reserve(
                store, ids[rank], category, lo, hi, status=status, years="2027-2029", partners=list(partners)
            )
    controller.refresh()


def _overzicht(window: MainWindow, _controller: ProjectController) -> QWidget:
    window.map_view.zoom_to_all()
    return window


def _locatie(window: MainWindow, controller: ProjectController) -> QWidget:
    _select_best(window, controller)
    window.map_view.zoom_by(0.3)  # zoom out: the walking reach around the plot
    window.resizeDocks([window.docks["locatie"]], [440], Qt.Orientation.Horizontal)
    window.docks["bod"].hide()  # as a user closes a dock: the explanation gets the whole column
    return window


def _partij(window: MainWindow, controller: ProjectController) -> QWidget:
    if "corporatie" in controller.profile.parties:
        controller.set_party("corporatie")
    window.map_view.zoom_to_all()
    return window


def _consensus(window: MainWindow, controller: ProjectController) -> QWidget:
    controller.set_party(CONSENSUS)
    window.map_view.zoom_to_all()
    return window


def _reserveren(window: MainWindow, controller: ProjectController) -> QWidget:
    from app.dialogs.reserve_dialog import ReserveDialog

    plot_id = _select_best(window, controller)
    if plot_id is None:
        return window
    dialog = ReserveDialog(controller, plot_id, window)
    # What a facilitator types in the room (example values, as the demo's opgave).
    dialog.category_combo.setCurrentText("geclusterd")
    dialog.min_spin.setValue(30)
    dialog.max_spin.setValue(40)
    dialog.status_combo.setCurrentText("voorgedragen")
    dialog.years_edit.setText("2027-2029")
    dialog.show()
    return dialog


def _wait_for_demand(window: MainWindow) -> None:
    """Let the Vraag dock finish its (off-thread) computation, so the Bod dock shows the derived line."""
    import time

    from app.panels.demand_panel import DemandPanel

    panel = window.docks["vraag"].widget()
    deadline = time.monotonic() + 60
    while isinstance(panel, DemandPanel) and panel.is_computing and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.05)


def _bod(window: MainWindow, controller: ProjectController) -> QWidget:
    _reserve_examples(controller)
    _wait_for_demand(window)
    window.map_view.zoom_to_all()
    _raise(window, "bod")
    return window


def _verloop(window: MainWindow, controller: ProjectController) -> QWidget:
    """Verloop van het bod, opened from the Bod dock: geclusterd over time and per opleverjaar."""
    from app.panels.ledger_panel import LedgerPanel

    _reserve_examples(controller)
    _raise(window, "bod")
    panel = window.docks["bod"].widget()
    if not isinstance(panel, LedgerPanel):
        return window
    panel.show_history()
    dialog = panel.history_dialog
    if dialog is None:
        return window
    dialog.setGeometry(window.geometry())  # a laptop or projector screen: as large as the main window
    deadline = time.monotonic() + 60
    while dialog.is_computing and time.monotonic() < deadline:  # computed in a worker
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 100)
        time.sleep(0.02)
    dialog.category_combo.setCurrentText("geclusterd")
    return dialog


def _historie(window: MainWindow, controller: ProjectController) -> QWidget:
    """The best plot's history: reserved as voorgedragen, then moved on, in the Locatie panel."""
    from projects.reservations import set_status

    _reserve_examples(controller)
    plot_id = _select_best(window, controller)
    state, store = controller.state, controller.store
    if plot_id is not None and state is not None and store is not None:
        live = state.live_reservations
        fids = live.loc[live["plot_id"].astype(str) == plot_id, "fid"]
        if len(fids):
            set_status(store, int(fids.iloc[0]), "in prestatieafspraak")
            controller.refresh()
    panel = window.docks["locatie"].widget()
    tabs = getattr(panel, "tabs", None)
    if tabs is not None:
        tabs.setCurrentIndex(1)
    window.resizeDocks([window.docks["locatie"]], [560], Qt.Orientation.Horizontal)
    window.docks["bod"].hide()
    return window


def _vraag(window: MainWindow, controller: ProjectController) -> QWidget:
    """The Vraag dock and its map: the need per wijk beside the reserved homes (issue 20)."""
    from app.panels.demand_panel import DemandPanel

    _reserve_examples(controller)
    dock = window.docks["vraag"]
    dock.raise_()
    _wait_for_demand(window)
    panel = dock.widget()
    if isinstance(panel, DemandPanel):
        panel.tabs.setCurrentIndex(1)  # per wijk
    window.resizeDocks([dock], [440], Qt.Orientation.Horizontal)
    window.map_view.zoom_to_all()
    window.map_view.zoom_by(0.32)  # out to the wijken around the plots
    return window


def _werksessie(window: MainWindow, controller: ProjectController) -> QWidget:
    _reserve_examples(controller)
    window.workflow.begin_workshop(
        "Werksessie geclusterd wonen Delft", ["gemeente", "corporatie", "zorgorganisatie", "bewoners"]
    )
    shown = window.workflow.workshop_window
    if shown is None:
        return window
    shown.setGeometry(window.geometry())  # the projector screen: as large as the main window
    if "corporatie" in controller.profile.parties:
        # The room compares: first the consensus, then the corporation's weighting. The plots
        # that move up or down are marked on the map and in the list.
        controller.set_party(CONSENSUS)
        controller.set_party("corporatie")
    best = _top_ids(controller, 1)
    if best:
        controller.select(best)
    return shown


def _ophalen(window: MainWindow, _controller: ProjectController) -> QWidget:
    window.workflow.fetch_data()
    dialog = window.workflow.fetch_dialog
    dialog.gemeente.setText("Delft")
    return dialog


def _exporteren(window: MainWindow, controller: ProjectController) -> QWidget:
    _reserve_examples(controller)
    window.workflow.export_all()
    dialog = window.workflow.export_dialog
    dialog.resize(1366, 768)  # a laptop screen: everything must fit
    dialog.title_edit.setText("Gereserveerde locaties ouderenhuisvesting Delft — concept voor de raad")
    dialog.title_edit.setCursorPosition(0)
    deadline = time.monotonic() + 60
    QApplication.processEvents()
    while dialog.is_loading and time.monotonic() < deadline:  # the preview is laid out in a worker
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 100)
        time.sleep(0.02)
    return dialog


def _welkom(window: MainWindow, _controller: ProjectController) -> QWidget:
    from app.dialogs.welcome_dialog import WelcomeDialog

    dialog = WelcomeDialog(window)
    dialog.show()
    return dialog


def _raise(window: MainWindow, key: str) -> None:
    dock = window.docks[key]
    dock.show()
    dock.raise_()


def _legenda(window: MainWindow, controller: ProjectController) -> QWidget:
    _reserve_examples(controller)
    _select_best(window, controller)
    window.map_view.zoom_by(0.4)  # the walking reach and the reserved plots around it
    _raise(window, "legenda")
    return window


def _lagen(window: MainWindow, _controller: ProjectController) -> QWidget:
    window.map_view.zoom_to_all()
    _raise(window, "lagen")
    return window


def _meten(window: MainWindow, controller: ProjectController) -> QWidget:
    """The measuring tool between the best plot and the nearest supermarket, as two clicks."""
    best = _select_best(window, controller)
    window.map_view.zoom_by(0.5)
    state = controller.state
    if best is None or state is None or "facilities" not in state.layers:
        return window
    plots = state.plots.set_index(state.plots["plot_id"].astype(str))
    start = plots.geometry.loc[best].representative_point()
    fac = state.layers["facilities"]
    shops = fac[fac["category"].astype(str) == "supermarkt"]
    if shops.empty:
        return window
    end = shops.geometry.iloc[int(shops.distance(start).argmin())]
    view = window.map_view
    view.start_measure_tool()
    view.measure_tool.click(QPointF(start.x, -start.y))
    view.measure_tool.click(QPointF(end.x, -end.y))
    return window


def _zoeken(window: MainWindow, _controller: ProjectController) -> QWidget:
    window.workflow.search_place()
    dialog = window.workflow.search_dialog
    dialog.query.setText("Minerva")
    dialog.search_local()
    if dialog.results.count():
        dialog.go_to(dialog.places[0])
    return dialog


def _vergelijken(window: MainWindow, _controller: ProjectController) -> QWidget:
    window.workflow.compare_plots()
    return window.workflow.compare_dialog


def _begrippen(window: MainWindow, _controller: ProjectController) -> QWidget:
    window.workflow.show_glossary()
    return window.workflow.glossary_dialog


def _over(window: MainWindow, _controller: ProjectController) -> QWidget:
    from app.dialogs.about_dialog import AboutDialog

    dialog = AboutDialog(window)
    dialog.tabs.setCurrentIndex(1)
    dialog.show()
    return dialog


# The example region (issue 21): three copies of the demo as members, each with its own
# reservations; member B reserves a plot member A reserved too (a double claim). Example values,
# like the demo's opgave: (member, rank in the top list, category, min, max, status).
_REGION_MEMBERS = ("Delft A (demo)", "Delft B (demo)", "Delft C (demo)")
_REGION_RESERVATIONS = (
    (0, 0, "geclusterd", 30, 40, "gereserveerd"),
    (0, 1, "geclusterd", 20, 30, "voorgedragen"),
    (0, 2, "nultreden", 40, 60, "kansrijk"),
    (1, 2, "nultreden", 30, 50, "in prestatieafspraak"),
    (1, 4, "zorggeschikt", 12, 18, "gereserveerd"),
    (1, 5, "nultreden", 40, 50, "in prestatieafspraak"),
    (2, 6, "geclusterd", 25, 35, "voorgedragen"),
    (2, 7, "nultreden", 30, 40, "gereserveerd"),
)


def build_example_region(demo: Path, plot_ids: Sequence[str], folder: Path) -> Path:
    """A region of three demo-derived members in ``folder`` (``regio.gpkg``); returns its path.

    Each member is a copy of the demo project ``demo`` (with its example opgave) and gets the
    reservations of :data:`_REGION_RESERVATIONS` on ``plot_ids`` (best first); the region's own
    opgave is the three members' opgave together. Members are written here, before the region
    reads them; the region itself never writes them.
    """
    from projects.region import MemberRef, new_region
    from projects.reservations import set_opgave
    from projects.store import ProjectStore

    folder.mkdir(parents=True, exist_ok=True)
    refs = []
    for i, name in enumerate(_REGION_MEMBERS):
        path = folder / f"lid-{'abc'[i]}.gpkg"
        shutil.copyfile(demo, path)
        store = ProjectStore.open(path)
        try:
            for member, rank, category, lo, hi, status in _REGION_RESERVATIONS:
                if member == i and rank < len(plot_ids):
                    reserve(store, plot_ids[rank], category, lo, hi, status=status, years="2027-2029")
        finally:
            store.close()
        refs.append(MemberRef(name=name, target=str(path), gemeente_code="GM0503"))
    region = folder / "regio.gpkg"
    new_region(region, name="Voorbeeldregio (demo)", members=refs)
    store = ProjectStore.open(region)
    try:
        for category, target in (("nultreden", 450), ("geclusterd", 210), ("zorggeschikt", 105)):
            set_opgave(store, category, "2026-2030", target, source="voorbeeld (geen echt bod)")
    finally:
        store.close()
    return region


def _regio(window: MainWindow, controller: ProjectController) -> QWidget:
    """The Regio view: a region of three demo-derived members, their shares and a double claim."""
    store = controller.store
    if store is None:
        return window
    demo = Path(store.target_label)
    ids = _top_ids(controller, 10)
    region = build_example_region(demo, ids, Path(tempfile.mkdtemp(prefix="bodnaarplot-regio-")))
    controller.open_project(str(region))
    return window


Scene = Callable[[MainWindow, ProjectController], QWidget]

SCENES: dict[str, tuple[str, Scene]] = {
    "overzicht": ("Het hoofdvenster met de demo", _overzicht),
    "welkom": ("Het welkomstvenster bij de eerste start", _welkom),
    "ophalen": ("Gegevens ophalen voor een gemeente", _ophalen),
    "locatie": ("De beste locatie geselecteerd, met uitleg per criterium", _locatie),
    "partij": ("De weging van één partij (corporatie)", _partij),
    "consensus": ("De consensus van alle partijen", _consensus),
    "reserveren": ("Een locatie reserveren", _reserveren),
    "bod": ("Het bod na vier reserveringen", _bod),
    "verloop": ("Het verloop van het bod en de oplevering per jaar", _verloop),
    "historie": ("De historie van een locatie: wie wijzigde wat, wanneer", _historie),
    "vraag": ("De vraag per wijk naast de gereserveerde woningen", _vraag),
    "werksessie": ("Het presentatievenster voor de werksessie", _werksessie),
    "legenda": ("De legenda bij de kaart", _legenda),
    "lagen": ("Het paneel Lagen", _lagen),
    "meten": ("Meten: lopen en hemelsbreed", _meten),
    "zoeken": ("Een adres of locatie zoeken", _zoeken),
    "vergelijken": ("Twee locaties naast elkaar", _vergelijken),
    "begrippen": ("De begrippenlijst", _begrippen),
    "exporteren": ("Exporteren voor het volkshuisvestingsprogramma", _exporteren),
    "regio": ("De regio: opgave, aandelen van de gemeenten en een dubbele claim", _regio),
    "over": ("Over: bronnen en licenties", _over),
}


def play(name: str, window: MainWindow, controller: ProjectController) -> QWidget:
    """Put the app in scene ``name`` and return the widget to photograph."""
    if name not in SCENES:
        raise KeyError(name)
    widget = SCENES[name][1](window, controller)
    QApplication.processEvents()
    return widget
