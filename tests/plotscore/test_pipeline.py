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


def test_a_plan_that_covers_no_plot_is_said_with_the_count(demo: dict[str, gpd.GeoDataFrame]) -> None:
    """Scoring the Delft plots against a plan elsewhere gives 'onbekend' and says why, counted."""
    from shapely.geometry import box

    far = gpd.GeoDataFrame(
        {
            "plan_id": ["NL.IMRO.ELDERS"],
            "plan_status": ["ontwerp"],
            "feature_type": ["enkelbestemming"],
            "bestemmingshoofdgroep": ["wonen"],
        },
        geometry=[box(50_000, 390_000, 51_000, 391_000)],
        crs="EPSG:28992",
    )
    run = score_plots(
        demo["plots"], demo["facilities"], load_profile("geclusterd"), zoning=far, euclidean=True
    )
    n = len(demo["plots"])
    assert (run.frame["zoning_class"] == "onbekend").all()
    assert f"{n} van de {n} kavels liggen buiten elk geladen bestemmingsplan" in " ".join(run.notes)


# --- issue 16: walking distances a council can quote ------------------------------------------


def _old_rule_distances(graph, plots, facilities, category):  # type: ignore[no-untyped-def]
    """The rule the issue compares against: nearest node inside the plot or to its outline,
    facility at its nearest node (both straight connectors counted), one Dijkstra."""
    import shapely
    from scipy import sparse
    from scipy.sparse.csgraph import dijkstra

    sel = facilities[facilities["category"] == category]
    dd, node = graph.node_tree.query(shapely.get_coordinates(sel.geometry.to_numpy()))
    ok = dd <= 250.0
    n = graph.n_nodes
    coo = graph.csr.tocoo()
    rows = np.r_[coo.row, np.full(int(ok.sum()), n)]
    cols = np.r_[coo.col, node[ok]]
    matrix = sparse.csr_array((np.r_[coo.data, dd[ok]], (rows, cols)), shape=(n + 1, n + 1))
    dist = dijkstra(matrix, directed=True, indices=n)[:n]
    xy = graph.node_xy
    pts = shapely.points(xy)
    out = []
    for geom in plots.geometry:
        inside = shapely.contains_xy(geom, xy[:, 0], xy[:, 1])
        if inside.any():
            out.append(float(dist[inside].min()))
        else:
            gap = shapely.distance(geom, pts)
            k = int(np.argmin(gap))
            out.append(float(dist[k] + gap[k]))
    return np.array(out)


@pytest.mark.parametrize("name", ["geclusterd", "zorggeschikt", "nultreden"])
def test_demo_distances_are_never_longer_than_the_old_rule_nor_shorter_than_a_straight_line(
    demo: dict[str, gpd.GeoDataFrame], name: str
) -> None:
    import shapely

    from plotscore.facilities import facility_outlines

    profile = load_profile(name)
    run = score_plots(demo["plots"], demo["facilities"], profile, network_source=demo["network_source"])
    assert run.graph is not None
    facilities = demo["facilities"]
    outline, _ = facility_outlines(facilities)
    target = np.where([o is not None for o in outline], outline, facilities.geometry.to_numpy())
    worst = 0.0
    for crit in profile.criteria:
        if crit.kind != "distance" or crit.id in run.absent:
            continue
        assert crit.category is not None
        assert crit.decay is not None
        got = run.frame[cols.dist_col(crit.category)].to_numpy(dtype=float)
        old = _old_rule_distances(run.graph, demo["plots"], facilities, crit.category)
        both = np.isfinite(got) & (old <= crit.decay.zero_score_m)
        worst = max(worst, float(np.max(got[both] - old[both], initial=0.0)))
        mine = (facilities["category"] == crit.category).to_numpy()
        straight = shapely.distance(demo["plots"].geometry.to_numpy()[:, None], target[mine][None, :]).min(
            axis=1
        )
        found = np.isfinite(got)
        assert (got[found] >= straight[found] - 1e-3).all()
    # Never more than a few metres above the old rule (which it mostly undercuts): 8 m in the
    # demo, where one shop's nearest node is farther than the join tolerance beyond its nearest way.
    assert worst <= 10.0


def test_demo_a_plot_next_to_a_park_is_close_and_texts_are_honest(demo: dict[str, gpd.GeoDataFrame]) -> None:
    run = score_plots(
        demo["plots"], demo["facilities"], load_profile("geclusterd"), network_source=demo["network_source"]
    )
    f = run.frame.set_index("plot_id")
    # DLF-011…014 and DLF-041 touch a park's outline.
    for plot in ("DLF-011", "DLF-012", "DLF-013", "DLF-014", "DLF-041"):
        assert f.loc[plot, "dist_park_m"] < 50.0
    # No distance equal to its norm is shown as failing; absent categories say "geen gegevens".
    for crit in run.profile.criteria:
        if crit.kind == "distance" and crit.id not in run.absent:
            assert (
                not f["explanation"]
                .str.contains(f"{crit.label} 1 km lopen[^·]*norm 1 km\\) ✗", regex=True)
                .any()
            )
    assert f["explanation"].str.contains("geen gegevens over zorglocaties in de geladen lagen").all()
    assert f["uncertain_supermarkt"].dtype == "boolean"


def test_a_stop_without_departures_never_passes_the_norm(demo: dict[str, gpd.GeoDataFrame]) -> None:
    facilities = demo["facilities"].copy()
    stops = facilities["category"] == "ov_halte"
    facilities.loc[stops, "departures_per_hour"] = 0.0
    run = score_plots(
        demo["plots"], facilities, load_profile("geclusterd"), network_source=demo["network_source"]
    )
    f = run.frame
    assert not f["norm_ov_halte_ok"].any()
    assert f["dist_ov_halte_m"].isna().all()
    assert f["explanation"].str.contains("geen OV-halte met ≥ 2 vertrekken/uur binnen 800 m").all()
    assert any("minder dan 2 vertrekken per uur" in n for n in run.notes)
    # Known departures are shown; a stop with enough departures counts.
    facilities.loc[stops, "departures_per_hour"] = 6.0
    run = score_plots(
        demo["plots"], facilities, load_profile("geclusterd"), network_source=demo["network_source"]
    )
    assert run.frame["explanation"].str.contains("6 vertrekken/uur").any()
    assert run.frame["norm_ov_halte_ok"].any()


def test_straight_line_note_says_why(demo: dict[str, gpd.GeoDataFrame]) -> None:
    asked = score_plots(
        demo["plots"],
        demo["facilities"],
        load_profile("geclusterd"),
        network_source=demo["network_source"],
        euclidean=True,
    )
    assert asked.network_loaded
    assert asked.method == "hemelsbreed"
    assert any("op verzoek" in n for n in asked.notes)
    none = score_plots(demo["plots"], demo["facilities"], load_profile("geclusterd"))
    assert not none.network_loaded
    assert any("geen looppadennetwerk geladen" in n for n in none.notes)


def test_chunks_of_plots_give_the_same_answers(
    demo: dict[str, gpd.GeoDataFrame], monkeypatch: pytest.MonkeyPatch
) -> None:
    import plotscore.distance as distance
    from plotscore.criteria import reach_m
    from plotscore.network import build_walk_graph

    graph = build_walk_graph(demo["network_source"])
    reach = reach_m(load_profile("geclusterd"))
    whole = distance.network_distances(graph, demo["plots"], demo["facilities"], reach)
    monkeypatch.setattr(distance, "_PLOT_CHUNK", 7)
    chunked = distance.network_distances(graph, demo["plots"], demo["facilities"], reach)
    pd.testing.assert_frame_equal(whole, chunked)
