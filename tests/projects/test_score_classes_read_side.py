"""The read side classifies plot scores by the app's class rule, so exports colour like the map."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from plotscore.classes import score_breaks
from projects.demo import create_demo_project
from projects.gis import plots_qml
from projects.views import class_labels, score_view, scored_plots


def test_scored_plots_put_the_best_plot_in_the_top_class_with_real_ranges(tmp_path: Path) -> None:
    store = create_demo_project(tmp_path / "demo.gpkg")
    try:
        view = score_view(store, "geclusterd", record=True)
        assert view is not None
        plots = scored_plots(store, view)
    finally:
        store.close()
    scores = plots["score"].to_numpy(dtype=np.float64)
    best = int(np.nanargmax(scores))
    assert int(plots["score_class"].iloc[best]) == 5
    # the same breaks as plotscore.classes on the view's (unrounded) scores
    expected = score_breaks(view.frame["view_score"].to_numpy(dtype=np.float64))
    labels = class_labels(plots)
    assert labels == expected.labels()
    assert len(labels) == 5
    assert all("–" in label or label.isdigit() for label in labels)
    # every class the legend names holds plots (quantiles: about a fifth each)
    counts = plots["score_class"].value_counts()
    assert set(counts.index.tolist()) == {1, 2, 3, 4, 5}
    qml = plots_qml(labels=labels)
    assert f"score {labels[-1]}" in qml
