"""GUI benchmark: a weight change until the map is repainted, on 10k synthetic plots (offscreen).

What is timed, per change: ``controller.set_weight`` (ScoreModel.drag: scores, top-k, classes)
→ ``scores_changed`` → the map's plots layer rewrites its colour index → a synchronous
``viewport().repaint()`` of the whole map. Two views: zoomed to all plots (most drawn as boxes)
and zoomed to a 2 km window (full polygon paths). Run as ``python -m bench.run --case gui``
(part of ``python -m bench.run``) or directly: ``python -m bench.bench_gui``.
"""

from __future__ import annotations

import os
import statistics
import time
from dataclasses import replace
from typing import Any

import numpy as np

from bench.cases import Row, Size, _p95

__all__ = ["case_gui"]

TARGET_S = 0.050
CHANGES = 50


def _state(n: int) -> tuple[Any, Any]:
    """A ProjectState with ``n`` synthetic plots and a 6-criterion ScoreModel (no network)."""
    import geopandas as gpd

    from app.state import ProjectState
    from bench import synthetic
    from bench.cases import _profile6
    from plotscore.model import ScoreModel
    from plotscore.pipeline import ScoreRun
    from projects.ledger import compute_ledger

    profile = replace(_profile6(), parties={})  # the plain weights: every change moves scores
    plots = synthetic.plots(n)
    rng = np.random.default_rng(5)
    u = rng.uniform(0.0, 1.0, (len(profile.criteria), n)).astype(np.float32)
    model = ScoreModel(u, list(profile.criterion_ids), np.asarray(profile.weights, dtype=np.float64))
    run = ScoreRun(frame=plots.copy(), model=model, profile=profile, method="synthetisch")
    empty = gpd.GeoDataFrame({"plot_id": [], "category": [], "status": []}, geometry=[], crs="EPSG:28992")
    state = ProjectState(
        info={},
        layers={},
        plots=plots,
        run=run,
        reservations=empty,
        ledger=compute_ledger([], empty.assign(capacity_min=[], capacity_max=[])),
    )
    return state, profile


def measure(n: int = 10_000, changes: int = CHANGES) -> dict[str, list[float]]:
    """Times (s) per weight change for each view; also checks that colours really change."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("BODNAARPLOT_BRT_URL", "http://127.0.0.1:9/{layer}/{z}/{x}/{y}.png")
    from PySide6.QtCore import QPointF, QRectF
    from PySide6.QtWidgets import QApplication

    from app.controller import ProjectController
    from app.map.canvas import MapView
    from app.map.layers import PlotsLayer

    app = QApplication.instance() or QApplication([])
    controller = ProjectController()
    state, profile = _state(n)
    controller.profile = profile
    view = MapView(controller)
    view.resize(1280, 800)
    view.set_basemap(None)  # network-free: the vector map only
    view.show()
    controller.state = state
    controller._rescore_live()
    controller.state_changed.emit()
    deadline = time.monotonic() + 60
    while "plots" not in view.layer_ids() and time.monotonic() < deadline:
        app.processEvents()
    plots = view.layer_item("plots")
    assert isinstance(plots, PlotsLayer)
    crit = profile.criteria[0].id
    rng = np.random.default_rng(7)
    out: dict[str, list[float]] = {}
    for name in ("all", "2km"):
        if name == "all":
            view.zoom_to_all()
        else:
            # A village centre (synthetic plots cluster there): a realistic dense window.
            c = plots.features.rects[0].center() if plots.features is not None else QPointF()
            view._fit(QRectF(c.x() - 1000, c.y() - 1000, 2000, 2000))
        app.processEvents()
        view.viewport().repaint()
        times: list[float] = []
        before = plots.colour_index.copy()
        for w in rng.uniform(0.0, 10.0, changes + 3).tolist():
            t = time.perf_counter()
            controller.set_weight(crit, w)
            view.viewport().repaint()
            times.append(time.perf_counter() - t)
        assert (plots.colour_index != before).any(), "weight changes must recolour plots"
        out[name] = times[3:]  # the first few warm caches (glyphs, pens)
        out[f"{name}_painted"] = [float(plots.painted_features)]
    view.close()
    return out


def case_gui(size: Size) -> list[Row]:
    n = 1_000 if size.name == "tiny" else 10_000
    res = measure(n)
    rows = []
    labels = {"all": "zoomed to all plots (20 km)", "2km": "zoomed to a 2 km window"}
    for key, label in labels.items():
        t = res[key]
        rows.append(
            Row(
                "gui",
                f"weight change → set_weight → scores_changed → map recolour → repaint ({label})",
                f"{n:,} plots, 1280×800 offscreen",
                statistics.median(t),
                len(t),
                ours_p95_s=_p95(t),
                target="≤ 50 ms median" if n == 10_000 else "",
                target_s=TARGET_S if n == 10_000 else None,
                note=f"{int(res[key + '_painted'][0]):,} plots painted per frame; no item or path rebuilt",
            )
        )
    return rows


if __name__ == "__main__":
    for name, t in measure().items():
        if not name.endswith("_painted"):
            print(
                f"{name}: median {statistics.median(t) * 1e3:.1f} ms, p95 {_p95(t) * 1e3:.1f} ms, n={len(t)}"
            )
