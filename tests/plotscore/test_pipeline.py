"""A whole scoring run on the Delft demo: walking distances, constraints, capacity, scores."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from plotscore import columns as cols
from plotscore.criteria import Criterion, Scale, load_profile, with_criterion
from plotscore.errors import ScoringError
from plotscore.pipeline import score_plots

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "delft_demo.gpkg"


@pytest.fixture(scope="module")
def demo() -> dict[str, gpd.GeoDataFrame]:
    import pyogrio

    return {name: pyogrio.read_dataframe(DEMO, layer=name) for name, _ in pyogrio.list_layers(DEMO)}


def test_demo_run_has_every_result_column_and_keeps_the_index(demo: dict[str, gpd.GeoDataFrame]) -> None:
    plots = demo["plots"].set_index(pd.Index([f"k{i}" for i in range(len(demo["plots"]))]))
    before = plots.copy()
    run = score_plots(
        plots,
        demo["facilities"],
        load_profile("geclusterd"),
        network_source=demo["network_source"],
        zoning=demo["zoning_indicatief"],
        neighbourhoods=demo["neighbourhoods"],
    )
    f = run.frame
    assert list(f.index) == list(plots.index)
    pd.testing.assert_frame_equal(plots, before)
    assert run.method == "netwerk"
    assert (f[cols.DISTANCE_METHOD] == "netwerk").all()
    for col in (
        "dist_supermarkt_m",
        "walk_supermarkt_min",
        "count_supermarkt",
        "score_supermarkt",
        "norm_supermarkt_ok",
        "score",
        "rank",
        "score_class",
        "robustness",
        "consensus",
        "disagreement",
        "explanation",
        "zoning_class",
        "capacity_min",
        "capacity_max",
        "capacity_basis",
    ):
        assert col in f.columns, col
    assert f["score"].between(0, 100).all()
    assert f["robustness"].between(0, 1).all()
    assert (f["capacity_min"] <= f["capacity_max"]).all()
    assert f["zoning_indicatief"].all()
    assert f["explanation"].str.contains("lopen").any()
    # The demo has no pharmacy in OSM: the run says so instead of pretending, leaves the
    # criterion out of the score and every explanation says "geen gegevens".
    assert any("apotheken" in n and "herschaald" in n for n in run.notes)
    assert "apotheek" in run.absent
    assert f["dist_apotheek_m"].isna().all()
    assert f["score_apotheek"].isna().all()
    assert f["explanation"].str.contains("geen gegevens over apotheken in de geladen lagen").all()


def test_plot_next_to_a_supermarket_beats_a_campus_plot(demo: dict[str, gpd.GeoDataFrame]) -> None:
    run = score_plots(
        demo["plots"], demo["facilities"], load_profile("geclusterd"), network_source=demo["network_source"]
    )
    f = run.frame.set_index("plot_id")
    assert f.loc["DLF-028", "dist_supermarkt_m"] < 300  # Minervaplein, next to a supermarket
    assert f.loc["DLF-020", "dist_supermarkt_m"] > 900 or np.isnan(f.loc["DLF-020", "dist_supermarkt_m"])
    assert f.loc["DLF-028", "score_supermarkt"] > f.loc["DLF-020", "score_supermarkt"]


def test_walking_is_never_shorter_than_straight_line(demo: dict[str, gpd.GeoDataFrame]) -> None:
    profile = load_profile("geclusterd")
    walk = score_plots(
        demo["plots"], demo["facilities"], profile, network_source=demo["network_source"]
    ).frame
    line = score_plots(demo["plots"], demo["facilities"], profile, euclidean=True).frame
    assert (line[cols.DISTANCE_METHOD] == "hemelsbreed").all()
    assert line["explanation"].str.contains("hemelsbreed").all()
    for cat in ("supermarkt", "huisarts", "ov_halte"):
        both = walk[cols.dist_col(cat)].notna() & line[cols.dist_col(cat)].notna()
        assert (walk.loc[both, cols.dist_col(cat)] >= line.loc[both, cols.dist_col(cat)] - 1e-6).all()


def test_no_network_means_straight_line_clearly_labelled(demo: dict[str, gpd.GeoDataFrame]) -> None:
    run = score_plots(demo["plots"], demo["facilities"], load_profile("nultreden"))
    assert run.method == "hemelsbreed"
    assert any("hemelsbreed" in n for n in run.notes)


def test_missing_raster_for_a_raster_criterion_is_a_clear_error(demo: dict[str, gpd.GeoDataFrame]) -> None:
    crit = Criterion(
        id="geluid",
        label="Geluid",
        kind="raster",
        weight=5,
        raster="lden",
        unit="dB",
        scale=Scale(kind="linear", full_value=50, zero_value=65),
    )
    profile = with_criterion(load_profile("geclusterd"), crit)
    with pytest.raises(ScoringError, match="raster"):
        score_plots(demo["plots"], demo["facilities"], profile)


def test_live_model_matches_the_frame(demo: dict[str, gpd.GeoDataFrame]) -> None:
    profile = load_profile("geclusterd")
    run = score_plots(demo["plots"], demo["facilities"], profile, network_source=demo["network_source"])
    np.testing.assert_allclose(run.model.scores(), run.frame["score"].to_numpy(), atol=1e-4)
    weights = np.array(profile.weights, dtype=float)
    weights[0] = 0.0  # drop the supermarket weight: the ranking changes, distances stay
    scores, top, _classes = run.model.drag(weights, k=5)
    assert len(top) == 5
    assert not np.allclose(scores, run.frame["score"].to_numpy())
