"""The expected tools: comparison of two plots, the score histogram, search and the measuring tool.

Each is checked against a number worked out here (brute force, networkx), not against itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from app.controller import ProjectController
from app.dialogs.compare_dialog import CompareDialog
from app.dialogs.search_dialog import SearchDialog
from app.i18n import ui_number
from app.map.canvas import MapView
from app.panels.histogram import ScoreHistogram, histogram_counts
from app.state import load_state
from plotscore.explain import FAIL_MARK, OK_MARK
from projects.demo import create_demo_project


@pytest.fixture
def controller(qtbot: QtBot, tmp_path: Path) -> Iterator[ProjectController]:
    store = create_demo_project(tmp_path / "demo.gpkg")
    ctl = ProjectController()
    ctl._opened((store, load_state(store)))
    yield ctl
    ctl.close_project()


def _pos(controller: ProjectController, plot_id: str) -> int:
    ids = controller.state.run.frame["plot_id"].astype(str).tolist()
    return ids.index(plot_id)


def test_compare_shows_the_scores_and_ranks_of_the_two_plots(
    qtbot: QtBot, controller: ProjectController
) -> None:
    dialog = CompareDialog(controller)
    qtbot.addWidget(dialog)
    a, b = "DLF-010", "DLF-023"
    dialog.choose(a, b)
    scores = np.asarray(controller.scores, dtype=np.float64)
    sa, sb = scores[_pos(controller, a)], scores[_pos(controller, b)]
    assert dialog.cell(0, 1) == ui_number(sa, 1)
    assert dialog.cell(0, 2) == ui_number(sb, 1)
    # Rank by brute force: 1 + how many plots score strictly higher.
    rank = {p: 1 + sum(1 for s in scores if s > scores[_pos(controller, p)]) for p in (a, b)}
    assert dialog.cell(1, 1) == str(rank[a])
    assert dialog.cell(1, 2) == str(rank[b])
    # The better of the two is bold; a criterion without data is never a ✗.
    better = 1 if round(sa, 1) > round(sb, 1) else 2
    assert dialog.table.item(0, better).font().bold()
    labels = {c.id: c.label for c in controller.profile.criteria}
    absent = {labels[c] for c in controller.absent}
    assert absent
    for r in range(dialog.table.rowCount()):
        if dialog.cell(r, 0) in absent:
            for c in (1, 2):
                assert FAIL_MARK not in dialog.cell(r, c)
                assert OK_MARK not in dialog.cell(r, c)
                assert "geen gegevens" in dialog.cell(r, c)


def test_histogram_counts_every_score_once(qtbot: QtBot, controller: ProjectController) -> None:
    scores = np.asarray(controller.scores, dtype=np.float64)
    expected = [0] * 20
    for s in scores:
        if s == s:
            expected[min(int(s // 5), 19)] += 1
    assert histogram_counts(scores).tolist() == expected
    widget = ScoreHistogram(controller)
    qtbot.addWidget(widget)
    assert widget.counts.tolist() == expected
    assert int(widget.counts.sum()) == int(np.isfinite(scores).sum())
    assert histogram_counts([100.0, 0.0, float("nan")]).tolist() == [1] + [0] * 18 + [1]


def test_search_finds_a_plot_by_its_number(qtbot: QtBot, controller: ProjectController) -> None:
    view = MapView(controller)
    qtbot.addWidget(view)
    dialog = SearchDialog(controller, view)
    qtbot.addWidget(dialog)
    dialog.query.setText("DLF-010")
    dialog.search_local()
    assert any(p.plot_id == "DLF-010" for p in dialog.places)
    dialog.query.setText("qqqzzz-bestaat-niet")
    dialog.search_local()
    assert dialog.places == []
    assert "Niets gevonden" in dialog.status.text()


def test_measuring_tool_walks_as_networkx_does(qtbot: QtBot, controller: ProjectController) -> None:
    """Two clicks: straight = the line between them; walking = nearest node + networkx shortest
    path + nearest node, as the tool's docstring says."""
    run = controller.state.run
    assert run.graph is not None
    view = MapView(controller)
    qtbot.addWidget(view)
    plots = controller.state.plots
    a = plots.geometry.iloc[0].representative_point()
    b = plots.geometry.iloc[5].representative_point()
    view.start_measure_tool()
    from PySide6.QtCore import QPointF

    view.measure_tool.click(QPointF(a.x, -a.y))
    view.measure_tool.click(QPointF(b.x, -b.y))
    route = view.last_measurement
    assert route is not None
    assert route.straight_m == pytest.approx(float(np.hypot(a.x - b.x, a.y - b.y)))
    xy = run.graph.node_xy
    na = int(np.argmin(np.hypot(xy[:, 0] - a.x, xy[:, 1] - a.y)))
    nb = int(np.argmin(np.hypot(xy[:, 0] - b.x, xy[:, 1] - b.y)))
    coo = run.graph.csr.tocoo()
    g = nx.DiGraph()
    for u, v, w in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True):
        if not g.has_edge(u, v) or g[u][v]["weight"] > w:
            g.add_edge(u, v, weight=w)
    expected = (
        nx.shortest_path_length(g, na, nb, weight="weight")
        + float(np.hypot(*(xy[na] - (a.x, a.y))))
        + float(np.hypot(*(xy[nb] - (b.x, b.y))))
    )
    assert route.walking_m == pytest.approx(expected, abs=1e-6)
    assert route.walking_m >= route.straight_m - 1e-6
    straight_text, walking_text = view.measure_tool.labels
    assert straight_text.startswith("hemelsbreed")
    assert walking_text.startswith("lopen")
